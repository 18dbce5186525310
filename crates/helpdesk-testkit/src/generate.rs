//! A generated desk: weeks of tickets with replies, resolutions,
//! reopenings, closings, cancellations, notes and SLA checks, run
//! through a real [`Desk`] in time order, for reports, benches and
//! cross-checks.

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk_core::{
    Actor, ActorId, Command, DeskConfig, GroupId, NewTicket, Resolution, ResolutionCode, TenantId,
    TicketId,
};
use helpdesk_engine::{Desk, DeskError, ManualClock, Notifier, Request, Store};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Workload {
    /// How many tickets.
    pub tickets: usize,
    /// The first instant tickets are opened at.
    pub start: DateTime<Utc>,
    /// Over how many days they are opened.
    pub days: u32,
    /// The seed of the pseudo-random choices: the same seed makes the same
    /// desk.
    pub seed: u64,
}

impl Workload {
    /// `tickets` tickets over four weeks from Monday 2 March 2026.
    pub fn new(tickets: usize) -> Self {
        Self {
            tickets,
            start: Utc
                .with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
                .single()
                .unwrap_or_else(|| panic!("one instant")),
            days: 28,
            seed: 7,
        }
    }
}

/// The tenant of generated tickets.
pub const TENANT: TenantId = TenantId::from_u128(0x7e4a);

/// The generated desk's configuration: two groups, three agents, a
/// business calendar in Berlin, an SLA policy on it (first response, next
/// response and resolution).
pub fn generated_config() -> DeskConfig {
    let json = serde_json::json!({
        "calendars": {"berlin": {"tz": "Europe/Berlin", "week": {
            "mon": ["08:00-18:00"], "tue": ["08:00-18:00"], "wed": ["08:00-18:00"],
            "thu": ["08:00-18:00"], "fri": ["08:00-16:00"]}}},
        "groups": {
            "network": {"id": GroupId::from_u128(0xa1), "name": "Network"},
            "service_desk": {"id": GroupId::from_u128(0xa2), "name": "Service desk"}
        },
        "agents": {
            "ana": {"id": ActorId::from_u128(0xb1), "name": "Ana", "groups": ["network"]},
            "ben": {"id": ActorId::from_u128(0xb2), "name": "Ben", "groups": ["service_desk"]},
            "cem": {"id": ActorId::from_u128(0xb3), "name": "Cem", "groups": ["network", "service_desk"]}
        },
        "sla_policies": [{
            "key": "standard",
            "calendar": "berlin",
            "targets": {
                "first_response": {"P1": "30m", "P2": "1h", "P3": "2h", "P4": "4h", "P5": "8h"},
                "next_response": {"P1": "1h", "P2": "2h", "P3": "4h", "P4": "8h", "P5": "16h"},
                "resolution": {"P1": "4h", "P2": "8h", "P3": "16h", "P4": "40h", "P5": "80h"}
            }
        }]
    });
    serde_json::from_value(json).unwrap_or_else(|e| panic!("the generated configuration: {e}"))
}

/// A small, fast pseudo-random generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const SUBJECTS: &[(&str, &str, &str)] = &[
    ("Printer jams on floor 3", "printer", "network"),
    ("Cannot log in to the portal", "login", "service_desk"),
    ("Laptop battery drains fast", "hardware", "service_desk"),
    ("Email not syncing on phone", "email", "service_desk"),
    ("Request a new monitor", "hardware", "service_desk"),
    ("Wifi slow in meeting room", "network", "network"),
    ("Password reset needed", "login", "service_desk"),
    ("Shared drive not mounting", "storage", "network"),
];

/// What a generated ticket does, planned ahead: its commands with their
/// instants.
fn plan(rng: &mut Rng, n: usize, workload: &Workload) -> Vec<(DateTime<Utc>, u8)> {
    let span = i64::from(workload.days) * 24 * 60;
    let last_week = span - 7 * 24 * 60;
    // One ticket in eight of the last week is about the VPN: a storm.
    let vpn = n % 8 == 0;
    let opened = if vpn {
        last_week + rng.below((7 * 24 * 60) as u64) as i64
    } else {
        rng.below(span as u64) as i64
    };
    let mut at = workload.start + Duration::minutes(opened);
    let mut steps = vec![(at, 0u8)];
    let mut later = |rng: &mut Rng, most: u64| {
        at += Duration::minutes(1 + rng.below(most) as i64);
        at
    };
    // 0 open, 1 assign, 2 agent reply, 3 requester reply, 4 resolve,
    // 5 reopen, 6 close, 7 cancel, 9 check, 10 tag, 11 note
    if rng.chance(8) {
        steps.push((later(rng, 600), 7));
        return steps;
    }
    if rng.chance(60) {
        steps.push((later(rng, 30), 10));
    }
    steps.push((later(rng, 90), 1));
    if rng.chance(85) {
        steps.push((later(rng, 240), 2));
    }
    if rng.chance(20) {
        steps.push((later(rng, 60), 9));
    }
    let exchanges = rng.below(3);
    for _ in 0..exchanges {
        steps.push((later(rng, 600), 3));
        if rng.chance(80) {
            steps.push((later(rng, 300), 2));
        }
    }
    if rng.chance(15) {
        steps.push((later(rng, 60), 11));
    }
    if rng.chance(80) {
        steps.push((later(rng, 1200), 4));
        if rng.chance(12) {
            steps.push((later(rng, 1440), 5));
            steps.push((later(rng, 240), 2));
            steps.push((later(rng, 600), 4));
        }
        if rng.chance(60) {
            steps.push((later(rng, 4320), 6));
        }
    }
    steps
}

/// Runs `workload` through `desk` in time order, setting `clock` to each
/// command's instant. Commands the desk refuses (none, by construction)
/// fail the run.
pub async fn generate<S: Store, N: Notifier>(
    desk: &Desk<S, N, ManualClock>,
    clock: &ManualClock,
    workload: &Workload,
) -> Result<(), DeskError> {
    let mut rng = Rng(workload.seed);
    let mut all: Vec<(DateTime<Utc>, usize, u8)> = Vec::new();
    for n in 0..workload.tickets {
        for (at, step) in plan(&mut rng, n, workload) {
            all.push((at, n, step));
        }
    }
    all.sort_by_key(|(at, n, _)| (*at, *n));
    let admin = Actor::admin(ActorId::from_u128(0xad), TENANT);
    let system = Actor::system(ActorId::from_u128(0x5e), TENANT);
    let agents = [
        Actor::agent(ActorId::from_u128(0xb1), TENANT, [GroupId::from_u128(0xa1)]),
        Actor::agent(ActorId::from_u128(0xb2), TENANT, [GroupId::from_u128(0xa2)]),
        Actor::agent(
            ActorId::from_u128(0xb3),
            TENANT,
            [GroupId::from_u128(0xa1), GroupId::from_u128(0xa2)],
        ),
    ];
    let ticket = |n: usize| TicketId::from_u128(0x1_0000_0000 + n as u128);
    let requester = |n: usize| ActorId::from_u128(0x2_0000 + (n % 97) as u128);
    let group_of = |n: usize| {
        let (_, _, group) = SUBJECTS[n % SUBJECTS.len()];
        if n % 8 == 0 || group == "network" {
            0
        } else {
            1
        }
    };
    for (at, n, step) in all {
        clock.set(at);
        let id = ticket(n);
        let agent = &agents[if group_of(n) == 0 {
            [0, 2][n % 2]
        } else {
            [1, 2][n % 2]
        }];
        let (actor, command) = match step {
            0 => {
                let (subject, tag, _) = if n % 8 == 0 {
                    ("VPN drops every hour", "vpn", "network")
                } else {
                    SUBJECTS[n % SUBJECTS.len()]
                };
                let mut new = NewTicket::new(requester(n), subject, "Generated.");
                new.group = Some(GroupId::from_u128(0xa1 + group_of(n) as u128));
                new.tags = vec![tag.to_owned()];
                new.organization = Some(["acme", "globex", "initech"][n % 3].to_owned());
                (admin.clone(), Command::Open(new))
            }
            1 => (system.clone(), Command::Assign { assignee: agent.id }),
            2 => (
                agent.clone(),
                Command::Reply {
                    comment: helpdesk_engine::new_comment_id(),
                    body: "Looking into it.".into(),
                    attachments: Vec::new(),
                },
            ),
            3 => (
                Actor::requester(requester(n), TENANT),
                Command::Reply {
                    comment: helpdesk_engine::new_comment_id(),
                    body: "Still happening.".into(),
                    attachments: Vec::new(),
                },
            ),
            4 => (
                agent.clone(),
                Command::Resolve {
                    resolution: Resolution::new(ResolutionCode::Solved, "Fixed."),
                    sub_status: None,
                },
            ),
            5 => (Actor::requester(requester(n), TENANT), Command::Reopen),
            6 => (system.clone(), Command::Close),
            7 => (
                admin.clone(),
                Command::Cancel {
                    reason: "Duplicate".into(),
                },
            ),
            9 => (system.clone(), Command::CheckSla),
            10 => (
                agent.clone(),
                Command::Tag {
                    tag: ["urgent", "vip", "follow_up"][n % 3].into(),
                },
            ),
            _ => (
                agent.clone(),
                Command::note(helpdesk_engine::new_comment_id(), "Checked the logs."),
            ),
        };
        desk.execute(Request::new(actor, id, command)).await?;
    }
    Ok(())
}

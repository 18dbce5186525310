//! A help desk on SQLite, in a temporary directory (or on PostgreSQL): the example desk of
//! `examples/desk.toml` takes tickets from several channels, routes and
//! assigns them, lets SLA clocks warn, breach and escalate while a manual
//! clock moves through a working day, hands the outbox to a local sink
//! through the dispatcher, and prints a timeline, what the notification
//! rules sent to whom, and the desk's numbers.
//!
//! Run it with `cargo run --example quickstart`; to run the same day on
//! PostgreSQL, give a server's URL, such as
//! `cargo run --example quickstart --features postgres -- "host=127.0.0.1 user=postgres dbname=test"`
//! (the desk gets a schema of its own there).

use std::collections::HashMap;
use std::error::Error;
use std::sync::Mutex;

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk::assignment::{AgentSnapshot, OpenTickets};
use helpdesk::engine::store::{Filter, Order, TicketQuery};
use helpdesk::engine::{Notification, NotifyError};
use helpdesk::notification::Recipient;
use helpdesk::rules::RouteInput;
use helpdesk::sla::{Metric, Outcome};
use helpdesk::*;

/// A local sink standing in for email, webhooks and NATS: the
/// notifications the dispatcher handed over, addressed and rendered, in
/// order.
#[derive(Default)]
struct Sink(Mutex<Vec<Notification>>);

impl Notifier for Sink {
    async fn notify(&self, message: &Notification) -> Result<(), NotifyError> {
        self.0
            .lock()
            .map_err(|_| NotifyError::retryable("sink", message.id, "poisoned"))?
            .push(message.clone());
        Ok(())
    }
}

/// The people of the example desk, and the host's bookkeeping.
struct Host<S: Store> {
    desk: Desk<S, Sink, ManualClock>,
    clock: ManualClock,
    tenant: TenantId,
    system: Actor,
    names: HashMap<ActorId, String>,
    round_robin: HashMap<GroupId, ActorId>,
}

impl<S: Store> Host<S> {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The agent of the example desk with `key`, as an actor.
    fn agent(&self, key: &str) -> Result<Actor, Box<dyn Error>> {
        let config = self.desk.config();
        let def = config
            .agents
            .get(key)
            .ok_or(format!("no agent {key} in desk.toml"))?;
        let groups = def
            .groups
            .iter()
            .filter_map(|g| config.groups.get(g))
            .map(|g| g.id);
        Ok(Actor::agent(def.id, self.tenant, groups))
    }

    /// Every agent with their open tickets and whether they are on shift now.
    async fn snapshots(&self) -> Result<Vec<AgentSnapshot>, Box<dyn Error>> {
        let config = self.desk.config();
        let mut agents = Vec::new();
        for def in config.agents.values() {
            let filter = Filter {
                assignee: Some(def.id),
                ..Filter::default()
            };
            let page = self
                .desk
                .store()
                .query(
                    self.tenant,
                    &Reach::Tenant,
                    TicketQuery::new(filter, Order::NextDue, 1000),
                )
                .await?;
            let open: OpenTickets = page
                .rows
                .iter()
                .filter(|r| r.status.is_active())
                .map(|r| r.priority)
                .collect();
            let mut agent = AgentSnapshot::new(def.id, def.capacity).with_open(open);
            for group in def.groups.iter().filter_map(|g| config.groups.get(g)) {
                agent = agent.in_group(group.id);
            }
            for skill in &def.skills {
                agent = agent.with_skill(skill.clone());
            }
            let calendar = def.calendar.as_ref().and_then(|c| config.calendars.get(c));
            agents.push(agent.with_shift_from(calendar, self.now()));
        }
        Ok(agents)
    }

    /// Opens a ticket and routes it, as the portal, mail gateway or phone
    /// integration of a host would. The integration opens it for the
    /// requester as the system: it knows the channel, the address and the
    /// organization from its own records, which a requester's own command
    /// may not claim.
    async fn intake(&mut self, new: NewTicket) -> Result<TicketId, Box<dyn Error>> {
        let id = new_ticket_id();
        self.desk
            .execute(Request::new(self.system.clone(), id, Command::Open(new)))
            .await?;
        let input = RouteInput {
            agents: self.snapshots().await?,
            last_assignees: self.round_robin.clone().into_iter().collect(),
        };
        let routed = self
            .desk
            .execute(Request::new(self.system.clone(), id, Command::Route(input)))
            .await?;
        if let Some(ticket) = &routed.ticket
            && let (Some(group), Some(assignee)) = (ticket.group(), ticket.assignee())
        {
            self.round_robin.insert(group, assignee);
        }
        Ok(id)
    }

    async fn run(
        &self,
        actor: &Actor,
        ticket: TicketId,
        command: Command,
    ) -> Result<Executed, Box<dyn Error>> {
        Ok(self
            .desk
            .execute(Request::new(actor.clone(), ticket, command))
            .await?)
    }

    /// Moves the clock and lets the scheduler fire what fell due.
    async fn pass(&self, by: Duration) -> Result<usize, Box<dyn Error>> {
        self.clock.advance(by);
        Ok(self.desk.run_due(self.now()).await?.events)
    }

    fn name(&self, id: ActorId) -> String {
        self.names.get(&id).cloned().unwrap_or_else(|| "?".into())
    }
}

fn reply(body: &str) -> Command {
    Command::Reply {
        comment: new_comment_id(),
        body: body.into(),
        attachments: Vec::new(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let config: DeskConfig = toml::from_str(include_str!("desk.toml"))?;
    if let Err(errors) = config.validate() {
        return Err(format!(
            "examples/desk.toml: {} errors, first: {}",
            errors.len(),
            errors[0]
        )
        .into());
    }
    match std::env::args().nth(1) {
        None => {
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("helpdesk.db");
            let store = SqliteStore::open(&path)?;
            day(
                config,
                store,
                format!("A SQLite desk at {}", path.display()),
            )
            .await
        }
        Some(url) => on_postgres(config, &url).await,
    }
}

/// The day on PostgreSQL at `url`, in a schema of its own so that runs
/// never see each other's tickets.
#[cfg(feature = "postgres")]
async fn on_postgres(config: DeskConfig, url: &str) -> Result<(), Box<dyn Error>> {
    let schema = format!("quickstart_{}", new_ticket_id().as_uuid().simple());
    let options = PostgresOptions {
        schema: Some(schema.clone()),
        ..PostgresOptions::default()
    };
    let store = PostgresStore::connect(url, options).await?;
    day(
        config,
        store,
        format!("A PostgreSQL desk in schema {schema} at {url}"),
    )
    .await
}

#[cfg(not(feature = "postgres"))]
async fn on_postgres(_: DeskConfig, url: &str) -> Result<(), Box<dyn Error>> {
    Err(format!(
        "{url}: this example was built without PostgreSQL; run it with --features postgres"
    )
    .into())
}

/// A working day of the example desk on `store` (the cross-check of its
/// report in `tests/quickstart_report.rs` runs it too).
pub(crate) async fn day<S: Store + 'static>(
    config: DeskConfig,
    store: S,
    banner: String,
) -> Result<(), Box<dyn Error>> {
    // Monday 2 March 2026, 08:30 in Berlin.
    let start = Utc
        .with_ymd_and_hms(2026, 3, 2, 7, 30, 0)
        .single()
        .ok_or("start instant")?;
    let clock = ManualClock::new(start);
    let tenant = TenantId::from_u128(1);
    let mut names: HashMap<ActorId, String> = config
        .agents
        .values()
        .map(|a| (a.id, a.name.clone()))
        .collect();
    let people = [
        ("Alice", "alice@example.com", None),
        ("Bruno", "bruno@contractors.example.com", None),
        ("Chloe", "chloe@example.com", Some("Board of Directors")),
        ("Dev", "dev@example.com", None),
    ];
    let requesters: Vec<(Actor, &str, Option<&str>)> = people
        .iter()
        .enumerate()
        .map(|(i, (name, email, org))| {
            let actor = Actor::requester(ActorId::from_u128(0x1000 + i as u128), tenant);
            names.insert(actor.id, (*name).to_owned());
            (actor, *email, *org)
        })
        .collect();
    let system = Actor::system(ActorId::from_u128(0x5e), tenant);
    names.insert(system.id, "integration".into());
    names.insert(DeskOptions::default().scheduler, "scheduler".into());
    let desk = Desk::new(config, store, Sink::default(), clock.clone())?;
    let mut host = Host {
        desk,
        clock,
        tenant,
        system,
        names,
        round_robin: HashMap::new(),
    };

    println!("{banner}\n");
    let new = |i: usize, subject: &str, body: &str, channel: Channel| {
        let (actor, email, org) = &requesters[i];
        let mut new = NewTicket::new(actor.id, subject, body)
            .channel(channel)
            .requester_email(*email);
        if let Some(org) = org {
            new = new.organization(*org);
        }
        new
    };
    let vpn = host
        .intake(new(
            0,
            "VPN drops every hour",
            "Since Monday's update.",
            Channel::Email,
        ))
        .await?;
    let printer = host
        .intake(new(
            1,
            "Printer on 3F jams",
            "Every second page.",
            Channel::Portal,
        ))
        .await?;
    let outage = host
        .intake(new(
            2,
            "Mail outage",
            "Mail is down for everyone on the board floor.",
            Channel::Phone,
        ))
        .await?;
    let password = host
        .intake(new(
            3,
            "Locked out after password change",
            "",
            Channel::Chat,
        ))
        .await?;
    let laptop_request = new(
        3,
        "New laptop for an intern",
        "Starts next week.",
        Channel::Api,
    )
    .ticket_type(TicketType::ServiceRequest);
    let laptop = host.intake(laptop_request).await?;

    // The mailbox: a mail opens a ticket, a reply threads onto it, an
    // out-of-office is ignored.
    mailbox(&host).await?;

    // The working day.
    let tom = host.agent("tom")?;
    let priya = host.agent("priya")?;
    let jonas = host.agent("jonas")?;
    host.pass(Duration::minutes(10)).await?;
    host.run(
        &jonas,
        password,
        reply("Unlocked; please set a new password."),
    )
    .await?;
    host.run(&tom, vpn, reply("Which client version do you run?"))
        .await?;
    host.run(
        &tom,
        vpn,
        Command::ChangeStatus {
            status: StatusTarget::Pending,
        },
    )
    .await?;
    host.pass(Duration::minutes(50)).await?;
    host.run(
        &requesters[0].0,
        vpn,
        reply("5.2.1, and my colleagues see it too."),
    )
    .await?;
    host.pass(Duration::hours(2)).await?;
    host.run(&priya, printer, reply("Fuser replaced.")).await?;
    host.run(
        &priya,
        printer,
        Command::Resolve {
            resolution: Resolution::new(ResolutionCode::Solved, "Fuser replaced."),
            sub_status: None,
        },
    )
    .await?;
    host.run(
        &jonas,
        password,
        Command::Resolve {
            resolution: Resolution::new(ResolutionCode::Solved, "Account unlocked."),
            sub_status: None,
        },
    )
    .await?;
    host.run(&requesters[3].0, password, Command::Close).await?;
    host.pass(Duration::hours(3)).await?;
    host.run(
        &tom,
        vpn,
        reply("Concentrator firmware patched; please retry."),
    )
    .await?;
    host.run(
        &tom,
        vpn,
        Command::Resolve {
            resolution: Resolution::new(ResolutionCode::Solved, "Firmware patched."),
            sub_status: None,
        },
    )
    .await?;
    // Overnight and the next morning: what nobody answered escalates.
    host.pass(Duration::hours(20)).await?;

    let admin = Actor::admin(ActorId::from_u128(0xad), tenant);
    let number = host
        .desk
        .ticket(&admin, outage)
        .await?
        .and_then(|t| t.number())
        .map_or_else(String::new, |n| format!("{n} "));
    println!("Timeline of {number}\"Mail outage\" (times in UTC):");
    for stored in host.desk.history(&admin, outage).await? {
        let e = &stored.event;
        let why = e
            .cause
            .as_ref()
            .map(|c| format!("  [{c}]"))
            .unwrap_or_default();
        println!(
            "  {}  {:<13} {}{why}",
            e.at.format("%a %H:%M"),
            host.name(e.by.id),
            describe(&e.change, &host)
        );
    }

    // The dispatcher hands every outbox message to the sink; the rules of
    // desk.toml say who hears of each, over which channel.
    let mut dead = 0;
    loop {
        let report = host.desk.run_dispatch(host.now()).await?;
        dead += report.dead;
        if report.claimed == 0 {
            break;
        }
    }
    if dead > 0 {
        for letter in host
            .desk
            .store()
            .dead_letters(host.tenant, None, 10)
            .await?
        {
            println!("  dead letter: {}", letter.last_error);
        }
    }
    println!("\nNotifications about \"Mail outage\" (to a local sink):");
    let sent: Vec<Notification> = host
        .desk
        .notifier()
        .0
        .lock()
        .map_err(|_| "the sink is poisoned")?
        .iter()
        .filter(|m| m.ticket == outage)
        .cloned()
        .collect();
    for message in &sent {
        let to = match &message.to.recipient {
            Recipient::Actor(id) => host.name(*id),
            Recipient::Endpoint(key) => key.clone(),
        };
        println!(
            "  {}  {:<8} to {:<16} {:<55} [rule \"{}\"]",
            message.event.event.at.format("%a %H:%M"),
            message.channel.as_str(),
            to,
            message.content.subject,
            message.rule
        );
    }
    let all = host
        .desk
        .notifier()
        .0
        .lock()
        .map_err(|_| "the sink is poisoned")?
        .clone();
    if let Some(first) = all.iter().find(|m| m.rule == "Updates to the requester") {
        println!(
            "\n  The first email to the requester, to {}:",
            first.to.address.as_deref().unwrap_or("?")
        );
        println!("  Subject: {}", first.content.subject);
        for line in first.content.text.lines() {
            println!("  | {line}");
        }
    }

    println!("\nTickets:");
    let mut first_responses = Vec::new();
    let mut resolutions = Vec::new();
    let mut breached = 0;
    for id in [vpn, printer, outage, password, laptop] {
        let Some(t) = host.desk.ticket(&admin, id).await? else {
            continue;
        };
        let group = t
            .group()
            .and_then(|g| host.desk.config().groups.values().find(|d| d.id == g))
            .map_or("-", |g| g.name.as_str());
        let assignee = t.assignee().map_or("-".into(), |a| host.name(a));
        let number = t.number().map_or_else(|| "-".to_owned(), |n| n.to_string());
        println!(
            "  {number:<4} {:<34} {:<9} {}  {:<20} {}",
            t.subject(),
            t.status().category.as_str(),
            t.priority(),
            group,
            assignee
        );
        for cycle in t.sla() {
            if cycle.outcome == Some(Outcome::Breached) || cycle.breached {
                breached += 1;
            }
            if cycle.state == helpdesk::sla::CycleState::Stopped {
                match cycle.metric {
                    Metric::FirstResponse => first_responses.push(cycle.elapsed_ms),
                    Metric::Resolution => resolutions.push(cycle.elapsed_ms),
                    _ => {}
                }
            }
        }
    }
    let open = host
        .desk
        .store()
        .query(
            tenant,
            &Reach::Tenant,
            TicketQuery::new(Filter::default(), Order::NextDue, 100),
        )
        .await?;
    let still_open = open.rows.iter().filter(|r| r.status.is_active()).count();
    let mean = |v: &[i64]| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            format!("{} min", v.iter().sum::<i64>() / v.len() as i64 / 60_000)
        }
    };
    println!("\nThe desk's numbers (business time):");
    println!("  open tickets                {still_open}");
    println!("  SLA cycles breached         {breached}");
    println!("  mean time to first response {}", mean(&first_responses));
    println!("  mean time to resolution     {}", mean(&resolutions));

    // The morning report: the store's event feed folded into the metrics
    // projection (what `helpdesk report` does on a desk's file).
    let mut metrics =
        metrics::Metrics::in_zone(host.desk.config().clone(), chrono_tz::Europe::Berlin);
    loop {
        let page = host.desk.store().feed(metrics.position(), 1_000).await?;
        if page.is_empty() {
            break;
        }
        for logged in &page {
            let e = &logged.event;
            metrics.apply(logged.position, e.tenant, e.ticket, &e.event);
        }
    }
    let mut spec = metrics::ReportSpec::new(start, start + Duration::days(1));
    spec.tz = chrono_tz::Europe::Berlin;
    spec.by = Some(metrics::Dimension::Group);
    let report = metrics.report(&spec)?;
    let minutes = |ms: Option<i64>| ms.map_or("-".to_owned(), |ms| format!("{} min", ms / 60_000));
    println!("\nThe morning report (helpdesk::metrics), by group:");
    for group in std::iter::once(&report.total).chain(&report.groups) {
        let f = &group.figures;
        println!(
            "  {:<14} created {:>2}  resolved {:>2}  backlog {:>2}  first response median {:>7}  FCR {}",
            group.key,
            f.created,
            f.resolved,
            f.backlog_end,
            minutes(f.first_response.median_ms),
            f.first_contact_resolution
                .rate
                .map_or("-".to_owned(), |r| format!("{:.0}%", r * 100.0))
        );
    }
    for c in &report.total.figures.sla {
        println!(
            "  SLA {:<16} {}/{} met",
            c.metric.to_string(),
            c.met.part,
            c.met.whole
        );
    }
    Ok(())
}

/// The desk's mailbox through part of the morning (with the `mail`
/// feature): each mail as a mail server would hand it over, and what the
/// inbound channel made of it.
#[cfg(feature = "mail")]
async fn mailbox<S: Store>(host: &Host<S>) -> Result<(), Box<dyn Error>> {
    use helpdesk::mail::{Arrival, FsAttachments, InboundConfig, MailChannel, NoSenders, Outcome};

    let files = tempfile::tempdir()?;
    let mut config = InboundConfig::new(host.tenant, host.system.id, "support@example.com");
    config.trusted_servers = vec!["mx.example.com".into()];
    let channel = MailChannel::new(config, FsAttachments::new(files.path()), NoSenders);
    let verdict = "Authentication-Results: mx.example.com; dmarc=pass header.from=example.com";
    let mails = [
        format!(
            "From: Erin <erin@example.com>\r\nTo: support@example.com\r\n\
Subject: Projector in room 2 flickers\r\nMessage-ID: <p1@example.com>\r\n{verdict}\r\n\r\n\
It flickers every few seconds since this morning.\r\n"
        ),
        format!(
            "From: Erin <erin@example.com>\r\nTo: support@example.com\r\n\
Subject: Re: Projector in room 2 flickers\r\nMessage-ID: <p2@example.com>\r\n\
In-Reply-To: <p1@example.com>\r\n{verdict}\r\n\r\n\
It is the HDMI cable: with another one it works.\r\n\r\n\
On Mon, 2 Mar 2026 at 08:31, Erin <erin@example.com> wrote:\r\n\
> It flickers every few seconds since this morning.\r\n"
        ),
        format!(
            "From: Erin <erin@example.com>\r\nTo: support@example.com\r\n\
Subject: Automatic reply: Projector in room 2 flickers\r\nMessage-ID: <p3@example.com>\r\n\
Auto-Submitted: auto-replied\r\n{verdict}\r\n\r\nI am out of the office until Tuesday.\r\n"
        ),
    ];
    println!("The mailbox:");
    for raw in &mails {
        let mail = helpdesk::mail::Mail::parse(raw.as_bytes())?;
        let subject = mail.subject().unwrap_or_default();
        let outcome = channel
            .ingest(&host.desk, raw.as_bytes(), &Arrival::default())
            .await?;
        let said = match &outcome {
            Outcome::Opened { ticket, .. } => {
                let ticket = host
                    .desk
                    .store()
                    .load(host.tenant, *ticket)
                    .await?
                    .ok_or("ticket")?;
                let number = ticket.number().map(|n| n.to_string()).unwrap_or_default();
                format!("opened {number}")
            }
            Outcome::Replied { ticket, comment } => {
                let ticket = host
                    .desk
                    .store()
                    .load(host.tenant, *ticket)
                    .await?
                    .ok_or("ticket")?;
                let number = ticket.number().map(|n| n.to_string()).unwrap_or_default();
                let text = ticket
                    .conversation()
                    .find(|c| c.id == *comment)
                    .map(|c| c.body.clone())
                    .unwrap_or_default();
                format!("reply on {number}: {text:?}")
            }
            Outcome::Ignored(why) => format!("ignored: {why:?}"),
            other => format!("{other:?}"),
        };
        println!("  {subject:<45} -> {said}");
    }
    println!();
    Ok(())
}

#[cfg(not(feature = "mail"))]
async fn mailbox<S: Store>(_: &Host<S>) -> Result<(), Box<dyn Error>> {
    println!("(The mailbox runs with --features mail.)\n");
    Ok(())
}

/// The change, with ids replaced by names.
fn describe<S: Store>(change: &Change, host: &Host<S>) -> String {
    let config = host.desk.config();
    let group = |g: &Option<GroupId>| {
        g.and_then(|g| config.groups.values().find(|d| d.id == g))
            .map_or("none".to_owned(), |d| d.name.clone())
    };
    match change {
        Change::AssigneeChanged { to: Some(to), .. } => format!("assigned to {}", host.name(*to)),
        Change::AssigneeChanged {
            from: Some(from),
            to: None,
        } => format!("unassigned from {}", host.name(*from)),
        Change::GroupChanged { from, to } => format!("group {} -> {}", group(from), group(to)),
        Change::Escalated(e) => {
            let notify: Vec<String> = e.notify.iter().map(|m| host.name(*m)).collect();
            format!(
                "ESCALATED: {} ({}){}",
                e.rule,
                e.reason,
                if notify.is_empty() {
                    String::new()
                } else {
                    format!(", notifying {}", notify.join(", "))
                }
            )
        }
        other => other.to_string(),
    }
}

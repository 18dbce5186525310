//! Several hosts on one database: four desks, each with its own store and
//! pool, sharing tickets, SLA due work, escalations and the outbox; and a
//! store whose server connections are terminated mid-run.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeDelta, Utc};
use helpdesk_core::notification::NotifyOn;
use helpdesk_core::routing::RouteInput;
use helpdesk_core::{
    Actor, ActorId, Change, Command, DeskConfig, GroupId, NewTicket, TenantId, TicketId,
};
use helpdesk_engine::store::StoredEvent;
use helpdesk_engine::{
    Clock, Desk, DeskOptions, DispatchOptions, EventId, ManualClock, Notification, Notifier,
    NotifyError, Request, Store, spawn_dispatcher, spawn_scheduler,
};
use helpdesk_postgres::{PostgresOptions, PostgresStore};

/// Every message delivered: the host that delivered it, the delivery's id
/// and the event it told of.
#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<(usize, String, EventId)>>>);

/// One host's notifier, writing into the shared inbox.
#[derive(Clone)]
struct HostInbox {
    host: usize,
    inbox: Inbox,
}

impl Notifier for HostInbox {
    async fn notify(&self, notification: &Notification) -> Result<(), NotifyError> {
        // Each planned delivery has an id of its own.
        let id = format!("{:?}", notification.id);
        self.inbox
            .0
            .lock()
            .unwrap()
            .push((self.host, id, notification.event.id));
        Ok(())
    }
}

type HostDesk = Desk<PostgresStore, HostInbox, ManualClock>;

/// The group tickets open in, and the groups of the tiers above it.
const DESK: GroupId = GroupId::from_u128(0x610);
const SECOND_LINE: GroupId = GroupId::from_u128(0x620);
const SPECIALISTS: GroupId = GroupId::from_u128(0x630);

/// The escalation rules: a resolution warning moves a ticket from L1 to
/// L2, a resolution breach from L2 to L3.
const ON_WARNING: &str = "L1 resolution warning to L2";
const ON_BREACH: &str = "L2 resolution breach to L3";

/// The fixture's desk (SLA policy: first response 1h, resolution 8h at
/// P3, warnings at 50%; every event told to an audit endpoint) with three
/// tiers, a routing rule that puts every ticket on L1, and two timed
/// escalations.
fn config() -> DeskConfig {
    let mut config = serde_json::to_value(helpdesk_testkit::config()).unwrap();
    let more = serde_json::json!({
        "groups": {
            "desk": {"id": DESK, "name": "Service desk"},
            "second_line": {"id": SECOND_LINE, "name": "Second line"},
            "specialists": {"id": SPECIALISTS, "name": "Specialists"}
        },
        "tiers": [
            {"key": "l1", "name": "L1", "group": "desk", "entry": true},
            {"key": "l2", "name": "L2", "group": "second_line"},
            {"key": "l3", "name": "L3", "group": "specialists"}
        ],
        "routing_rules": [{"name": "triage", "then": {"tier": "l1"}}],
        "escalations": [
            {"name": ON_WARNING, "from": "l1", "to": "l2",
             "when": {"sla_warning": "resolution"}},
            {"name": ON_BREACH, "from": "l2", "to": "l3",
             "when": {"sla_breach": "resolution"}, "raise_priority": true}
        ]
    });
    for (key, value) in more.as_object().unwrap() {
        config[key] = value.clone();
    }
    let config: DeskConfig = serde_json::from_value(config).unwrap();
    config.validate().unwrap();
    config
}

/// The actor host `n`'s scheduler acts as, so the log tells which host
/// recorded each warning, breach and escalation.
fn scheduler(n: usize) -> ActorId {
    ActorId::from_u128(0x5c00 + n as u128)
}

/// How long a host's leases of due work and of outbox messages last: past
/// every jump of the test's clock (45 minutes, then two days), so a lease
/// holds while its work runs. A shorter one lapses when the clock jumps
/// over it, and another host takes the work over, as it should from a host
/// that died.
fn lease() -> TimeDelta {
    TimeDelta::days(3)
}

async fn host(
    schema: &str,
    n: usize,
    inbox: &Inbox,
    clock: &ManualClock,
    url: &str,
) -> Arc<HostDesk> {
    let options = PostgresOptions {
        due_lease: Some(lease()),
        due_batch: 4,
        host: Some(format!("host-{n}")),
        ..common::options(schema)
    };
    let store = PostgresStore::connect(url, options).await.unwrap();
    let options = DeskOptions {
        max_attempts: 64,
        scheduler: scheduler(n),
        dispatch: DispatchOptions {
            holder: format!("host-{n}"),
            lease: lease(),
            batch: 8,
            ..DispatchOptions::default()
        },
        ..DeskOptions::default()
    };
    let notifier = HostInbox {
        host: n,
        inbox: inbox.clone(),
    };
    Arc::new(Desk::with_options(config(), store, notifier, clock.clone(), options).unwrap())
}

/// Executes `request`, sending it again (same command id) while it fails:
/// contention, or a connection the server dropped. Panics after many tries.
async fn until_acknowledged(desk: &HostDesk, request: Request) {
    let mut last = None;
    for _ in 0..50 {
        match desk.execute(request.clone()).await {
            Ok(_) => return,
            Err(e) => {
                last = Some(e.to_string());
                tokio::time::sleep(StdDuration::from_millis(20)).await;
            }
        }
    }
    panic!("command {} never acknowledged: {last:?}", request.id);
}

fn count(history: &[StoredEvent], name: &str) -> usize {
    history
        .iter()
        .filter(|e| e.event.change.type_name() == name)
        .count()
}

/// Waits until `sql` (a count over the schema, read as the login user, so
/// across tenants) answers 0; panics after 60 s, naming `what`.
async fn until_none(admin: &tokio_postgres::Client, sql: &str, at: DateTime<Utc>, what: &str) {
    for _ in 0..6000 {
        let left: i64 = admin.query_one(sql, &[&at]).await.unwrap().get(0);
        if left == 0 {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(10)).await;
    }
    panic!("{what} still left after 60 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_hosts_share_tickets_due_work_escalations_and_the_outbox_each_done_once() {
    // Given four hosts on one schema, each with its own pool, and 24
    // tickets routed to tier L1.
    let schema = common::fresh_schema();
    drop(common::fresh_store().await); // the role exists
    let (inbox, clock) = (
        Inbox::default(),
        ManualClock::new(helpdesk_testkit::start()),
    );
    let mut hosts = Vec::new();
    for n in 0..4 {
        hosts.push(host(&schema, n, &inbox, &clock, &common::url()).await);
    }
    let tenant = TenantId::from_u128(0x40);
    let admin = Actor::admin(ActorId::from_u128(1), tenant);
    let mut tickets: Vec<TicketId> = Vec::new();
    for i in 0..24 {
        let id = helpdesk_engine::new_ticket_id();
        let mut new = NewTicket::new(admin.id, format!("Printer {i} jams"), "");
        new.group = Some(DESK);
        let desk = &hosts[i % 4];
        desk.execute(Request::new(admin.clone(), id, Command::Open(new)))
            .await
            .unwrap();
        let route = Command::Route(RouteInput::default());
        desk.execute(Request::new(admin.clone(), id, route))
            .await
            .unwrap();
        tickets.push(id);
    }
    let watcher = common::admin().await;
    let due_sql = format!("SELECT count(*) FROM {schema}.tickets WHERE next_due <= $1");
    let pending_sql = format!(
        "SELECT count(*) FROM {schema}.outbox \
         WHERE delivered_at IS NULL AND dead_at IS NULL AND $1::timestamptz IS NOT NULL"
    );

    // When all four run their schedulers and dispatchers, 480 tag commands
    // race on the shared tickets from all four hosts, and the clock passes
    // every warning and breach (first response 30m and 1h while the
    // commands run, resolution 4h and 8h after) in steps of 45 minutes,
    // each step once the hosts caught up.
    let every = StdDuration::from_millis(10);
    let mut tasks = Vec::new();
    for desk in &hosts {
        tasks.push(spawn_scheduler(desk.clone(), every));
        tasks.push(spawn_dispatcher(desk.clone(), every));
    }
    let mut commands = Vec::new();
    for k in 0..480 {
        let desk = hosts[k % 4].clone();
        let tag = Command::Tag {
            tag: format!("t{k}"),
        };
        let request = Request::new(admin.clone(), tickets[k % tickets.len()], tag);
        commands.push(tokio::spawn(async move {
            until_acknowledged(&desk, request).await;
        }));
    }
    for step in 1..=12 {
        clock.advance(Duration::minutes(45));
        until_none(&watcher, &due_sql, clock.now(), "due work").await;
        if step == 4 {
            // Past the first response's warning and breach, before the
            // resolution's: what is due next is the schedulers' alone.
            for command in commands.drain(..) {
                command.await.unwrap();
            }
        }
    }
    clock.advance(Duration::days(2));
    until_none(&watcher, &due_sql, clock.now(), "due work").await;
    until_none(&watcher, &pending_sql, clock.now(), "undelivered messages").await;
    for task in &tasks {
        task.abort();
    }

    // Then no update is lost, versions are contiguous, and every warning,
    // breach and escalation is recorded once.
    let store = hosts[0].store();
    let mut histories = Vec::new();
    for id in &tickets {
        let history = store.history(tenant, *id, 1).await.unwrap();
        let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
        assert_eq!(versions, (1..=history.len() as u64).collect::<Vec<_>>());
        assert_eq!(
            count(&history, "tagged"),
            20,
            "every tag of ticket {id} once"
        );
        assert_eq!(count(&history, "sla_warned"), 2, "warnings of {id} once");
        assert_eq!(count(&history, "sla_breached"), 2, "breaches of {id} once");
        let escalations: Vec<(&str, Option<&str>, Option<&str>)> = history
            .iter()
            .filter_map(|e| match &e.event.change {
                Change::Escalated(x) => Some((
                    x.rule.as_str(),
                    x.from_tier.as_deref(),
                    x.to_tier.as_deref(),
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            escalations,
            [
                (ON_WARNING, Some("l1"), Some("l2")),
                (ON_BREACH, Some("l2"), Some("l3"))
            ],
            "each escalation of {id} once, in order"
        );
        let ticket = store.load(tenant, *id).await.unwrap().unwrap();
        assert_eq!(ticket.tier(), Some("l3"));
        assert_eq!(ticket.group(), Some(SPECIALISTS));
        histories.extend(history);
    }

    // And every event a notification rule announces is delivered exactly
    // once, by one of the hosts, and nothing else is.
    let delivered = inbox.0.lock().unwrap().clone();
    let ids: HashSet<&String> = delivered.iter().map(|(_, id, _)| id).collect();
    assert_eq!(ids.len(), delivered.len(), "no message delivered twice");
    let mut told: HashMap<EventId, usize> = HashMap::new();
    for (_, _, event) in &delivered {
        *told.entry(*event).or_default() += 1;
    }
    let announced: HashSet<EventId> = histories
        .iter()
        .filter(|e| NotifyOn::of(&e.event.change).is_some())
        .map(|e| e.id)
        .collect();
    assert!(
        told.values().all(|n| *n == 1),
        "each event told once: {told:?}"
    );
    assert_eq!(
        told.keys().copied().collect::<HashSet<_>>(),
        announced,
        "the events told are the events announced"
    );
    let escalated = histories
        .iter()
        .filter(|e| matches!(e.event.change, Change::Escalated(_)))
        .filter(|e| told.contains_key(&e.id))
        .count();
    assert_eq!(escalated, 2 * tickets.len(), "every escalation told");
    let written: i64 = watcher
        .query_one(&format!("SELECT count(*) FROM {schema}.outbox"), &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(delivered.len() as i64, written, "every message delivered");

    // And the work was spread over the hosts: deliveries, and the due
    // work each host's scheduler recorded.
    let mut by_host: HashMap<usize, usize> = HashMap::new();
    for (host, _, _) in &delivered {
        *by_host.entry(*host).or_default() += 1;
    }
    assert!(
        by_host.len() >= 2,
        "deliveries spread over hosts: {by_host:?}"
    );
    let mut due_by_host: HashMap<usize, usize> = HashMap::new();
    for event in &histories {
        let host = (0..4).find(|n| event.event.by.id == scheduler(*n));
        if let Change::Escalated(_) = event.event.change {
            assert!(host.is_some(), "a scheduler escalated {event:?}");
        }
        if let Some(n) = host {
            *due_by_host.entry(n).or_default() += 1;
        }
    }
    assert!(
        due_by_host.len() >= 2,
        "due work spread over hosts: {due_by_host:?}"
    );
    common::drop_schema(&schema).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commands_acknowledged_while_connections_are_terminated_are_kept_once() {
    // Given a desk whose store's connections carry a name of their own.
    let schema = common::fresh_schema();
    drop(common::fresh_store().await);
    let name = format!("hd_{schema}");
    let url = format!("{} application_name={name}", common::url());
    let (inbox, clock) = (
        Inbox::default(),
        ManualClock::new(helpdesk_testkit::start()),
    );
    let desk = host(&schema, 0, &inbox, &clock, &url).await;
    let tenant = TenantId::from_u128(0x41);
    let admin = Actor::admin(ActorId::from_u128(1), tenant);
    let mut tickets = Vec::new();
    for i in 0..8 {
        let id = helpdesk_engine::new_ticket_id();
        let open = Command::Open(NewTicket::new(admin.id, format!("Disk {i} full"), ""));
        desk.execute(Request::new(admin.clone(), id, open))
            .await
            .unwrap();
        tickets.push(id);
    }

    // When 240 commands run while the server terminates the store's
    // connections again and again.
    let mut requests = Vec::new();
    let mut running = Vec::new();
    for k in 0..240 {
        let tag = Command::Tag {
            tag: format!("t{k}"),
        };
        let request = Request::new(admin.clone(), tickets[k % tickets.len()], tag);
        requests.push(request.clone());
        let desk = desk.clone();
        running.push(tokio::spawn(async move {
            until_acknowledged(&desk, request).await;
        }));
    }
    let killer = common::admin().await;
    let mut terminated = 0;
    for _ in 0..10 {
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        let rows = killer
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = $1",
                &[&name],
            )
            .await
            .unwrap();
        terminated += rows.len();
    }
    for run in running {
        run.await.unwrap();
    }

    // Then connections were cut, and every acknowledged command is stored
    // exactly once, its ticket's versions contiguous.
    assert!(terminated > 0, "the test terminated some connections");
    let store = desk.store();
    for request in &requests {
        let record = store.command(tenant, request.id).await.unwrap();
        assert!(record.is_some(), "command {} is recorded", request.id);
    }
    for id in &tickets {
        let history = store.history(tenant, *id, 1).await.unwrap();
        let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
        assert_eq!(versions, (1..=history.len() as u64).collect::<Vec<_>>());
        assert_eq!(count(&history, "tagged"), 30, "every tag of {id} once");
    }
    common::drop_schema(&schema).await;
}

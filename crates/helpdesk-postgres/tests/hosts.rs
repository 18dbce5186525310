//! Several hosts on one database: four desks, each with its own store and
//! pool, sharing tickets, SLA due work and the outbox; and a store whose
//! server connections are terminated mid-run.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{Duration, TimeDelta};
use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId, TicketId};
use helpdesk_engine::{
    Clock, Desk, DeskOptions, DispatchOptions, ManualClock, Notification, Notifier, NotifyError,
    Request, Store,
};
use helpdesk_postgres::{PostgresOptions, PostgresStore};

/// Every message delivered, with the host that delivered it.
#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<(usize, String)>>>);

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
        self.inbox.0.lock().unwrap().push((self.host, id));
        Ok(())
    }
}

type HostDesk = Desk<PostgresStore, HostInbox, ManualClock>;

async fn host(
    schema: &str,
    n: usize,
    inbox: &Inbox,
    clock: &ManualClock,
    url: &str,
) -> Arc<HostDesk> {
    let options = PostgresOptions {
        due_lease: Some(TimeDelta::seconds(30)),
        due_batch: 4,
        host: Some(format!("host-{n}")),
        ..common::options(schema)
    };
    let store = PostgresStore::connect(url, options).await.unwrap();
    let options = DeskOptions {
        max_attempts: 64,
        dispatch: DispatchOptions {
            holder: format!("host-{n}"),
            lease: TimeDelta::seconds(30),
            batch: 8,
            ..DispatchOptions::default()
        },
        ..DeskOptions::default()
    };
    let notifier = HostInbox {
        host: n,
        inbox: inbox.clone(),
    };
    Arc::new(
        Desk::with_options(
            helpdesk_testkit::config(),
            store,
            notifier,
            clock.clone(),
            options,
        )
        .unwrap(),
    )
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
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
    }
    panic!("command {} never acknowledged: {last:?}", request.id);
}

fn count(history: &[helpdesk_engine::store::StoredEvent], name: &str) -> usize {
    history
        .iter()
        .filter(|e| e.event.change.type_name() == name)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_hosts_share_tickets_due_work_and_the_outbox_each_done_once() {
    // Given four hosts on one schema, each with its own pool, and 24 tickets.
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
        let open = Command::Open(NewTicket::new(admin.id, format!("Printer {i} jams"), ""));
        hosts[i % 4]
            .execute(Request::new(admin.clone(), id, open))
            .await
            .unwrap();
        tickets.push(id);
    }

    // When 480 tag commands race on the shared tickets from all four
    // hosts, while the clock passes every warning and breach and all four
    // run their schedulers and dispatchers.
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
    let mut due_events = [0usize; 4];
    for _ in 0..12 {
        clock.advance(Duration::minutes(45));
        let now = clock.now();
        let runs: Vec<_> = hosts
            .iter()
            .map(|desk| {
                let desk = desk.clone();
                tokio::spawn(async move {
                    let due = desk.run_due(now).await.unwrap();
                    desk.run_dispatch(now).await.unwrap();
                    due.events
                })
            })
            .collect();
        for (n, run) in runs.into_iter().enumerate() {
            due_events[n] += run.await.unwrap();
        }
    }
    for command in commands {
        command.await.unwrap();
    }
    // Catch up: everything due is checked, every message dispatched.
    clock.advance(Duration::days(2));
    let now = clock.now();
    for desk in &hosts {
        due_events[0] += desk.run_due(now).await.unwrap().events;
    }
    for _ in 0..100 {
        let mut claimed = 0;
        for desk in &hosts {
            claimed += desk.run_dispatch(now).await.unwrap().claimed;
        }
        if claimed == 0 {
            break;
        }
    }

    // Then no update is lost, versions are contiguous, every warning and
    // breach is recorded once, and every message is delivered once.
    let store = hosts[0].store();
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
    }
    let delivered = inbox.0.lock().unwrap().clone();
    let unique: HashSet<&String> = delivered.iter().map(|(_, m)| m).collect();
    assert_eq!(unique.len(), delivered.len(), "no message delivered twice");
    let written: i64 = common::admin()
        .await
        .query_one(&format!("SELECT count(*) FROM {schema}.outbox"), &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(delivered.len() as i64, written, "every message delivered");
    assert!(written > 0, "the events were announced");
    assert!(store.pending_outbox(10).await.unwrap().is_empty());
    let mut by_host: HashMap<usize, usize> = HashMap::new();
    for (host, _) in &delivered {
        *by_host.entry(*host).or_default() += 1;
    }
    assert!(
        by_host.len() >= 2,
        "deliveries spread over hosts: {by_host:?}"
    );
    let working = due_events.iter().filter(|n| **n > 0).count();
    assert!(working >= 2, "due work spread over hosts: {due_events:?}");
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

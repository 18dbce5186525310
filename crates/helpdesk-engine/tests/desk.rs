//! The desk over the memory store: SLA scheduling exactly once across
//! hosts, late and repeated runs, and what each actor may list and read.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::Duration;
use helpdesk_core::sla::Metric;
use helpdesk_core::{Actor, ActorId, Change, Command, Role, TenantId};
use helpdesk_engine::store::{Filter, Order, TicketQuery};
use helpdesk_engine::{
    Desk, ManualClock, MemoryStore, NoNotifier, Request, Store, spawn_scheduler,
};
use helpdesk_testkit::{Fixture, config, start};

fn count(history: &[helpdesk_engine::store::StoredEvent], name: &str) -> usize {
    history
        .iter()
        .filter(|e| e.event.change.type_name() == name)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warnings_and_breaches_fire_once_across_hosts_however_late_or_often() {
    let store = Arc::new(MemoryStore::new());
    let clock = ManualClock::new(start());
    let hosts: Vec<Arc<Desk<Arc<MemoryStore>, NoNotifier, ManualClock>>> = (0..3)
        .map(|_| {
            Arc::new(
                Desk::new(config(), store.clone(), NoNotifier, clock.clone())
                    .expect("valid configuration"),
            )
        })
        .collect();
    let tenant = TenantId::from_u128(1);
    let admin = Actor::admin(ActorId::from_u128(2), tenant);
    let mut tickets = Vec::new();
    for i in 0..20 {
        let id = helpdesk_engine::new_ticket_id();
        let new = helpdesk_core::NewTicket::new(admin.id, format!("Ticket {i}"), "");
        hosts[0]
            .execute(Request::new(admin.clone(), id, Command::Open(new)))
            .await
            .unwrap();
        tickets.push(id);
    }
    // Nothing is due yet.
    assert_eq!(hosts[1].run_due(clock_now(&clock)).await.unwrap().events, 0);
    // Far too late, three hosts at once, twice each.
    clock.advance(Duration::days(3));
    let mut runs = Vec::new();
    for host in &hosts {
        for _ in 0..2 {
            let host = host.clone();
            let now = clock_now(&clock);
            runs.push(tokio::spawn(
                async move { host.run_due(now).await.unwrap() },
            ));
        }
    }
    let mut failed = 0;
    for run in runs {
        failed += run.await.unwrap().failed;
    }
    assert_eq!(failed, 0);
    for id in &tickets {
        let history = store.history(tenant, *id, 1).await.unwrap();
        // First response and resolution: one 50% warning and one breach each.
        assert_eq!(count(&history, "sla_warned"), 2, "warnings once");
        assert_eq!(count(&history, "sla_breached"), 2, "breaches once");
        let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
        assert_eq!(versions, (1..=history.len() as u64).collect::<Vec<_>>());
    }
    assert!(
        store
            .due_before(clock_now(&clock), None, 10)
            .await
            .unwrap()
            .is_empty(),
        "nothing left due"
    );
}

fn clock_now(clock: &ManualClock) -> chrono::DateTime<chrono::Utc> {
    use helpdesk_engine::Clock;
    clock.now()
}

#[tokio::test]
async fn the_background_scheduler_fires_what_falls_due() {
    let f = Fixture::new(MemoryStore::new());
    let id = f.open("Laptop fan loud").await;
    let task = spawn_scheduler(f.desk.clone(), std::time::Duration::from_millis(10));
    f.advance(Duration::minutes(31));
    let mut warned = false;
    for _ in 0..200 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        let history = f.store().history(f.tenant, id, 1).await.unwrap();
        if history.iter().any(|e| {
            matches!(
                e.event.change,
                Change::SlaWarned {
                    metric: Metric::FirstResponse,
                    ..
                }
            )
        }) {
            warned = true;
            break;
        }
    }
    task.abort();
    assert!(
        warned,
        "the first-response warning at 30 minutes was recorded"
    );
    let history = f.store().history(f.tenant, id, 1).await.unwrap();
    let check = history
        .iter()
        .find(|e| e.event.change.type_name() == "sla_warned")
        .unwrap();
    assert_eq!(check.event.by.role, Role::System);
}

#[tokio::test]
async fn actors_list_and_read_only_what_they_may_see() {
    let f = Fixture::new(MemoryStore::new());
    let mine = f.open("Mine").await;
    let other_group = f
        .open_as(
            &f.admin.clone(),
            f.admin.id,
            "Elsewhere",
            Some(f.other_group),
        )
        .await;
    f.run(
        &f.agent,
        mine,
        Command::note(helpdesk_engine::new_comment_id(), "internal"),
    )
    .await;
    let everything = TicketQuery::new(Filter::default(), Order::UpdatedAt, 50);

    let ids = |page: helpdesk_engine::store::Page| {
        page.rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(f.desk.list(&f.requester, everything.clone()).await.unwrap()),
        [mine]
    );
    assert_eq!(
        ids(f.desk.list(&f.agent, everything.clone()).await.unwrap()),
        [mine]
    );
    assert_eq!(
        ids(f.desk.list(&f.admin, everything.clone()).await.unwrap()).len(),
        2
    );
    assert!(
        f.desk
            .list(&f.foreign_admin, everything)
            .await
            .unwrap()
            .rows
            .is_empty()
    );

    let seen = f.desk.ticket(&f.requester, mine).await.unwrap().unwrap();
    assert!(
        seen.conversation().next().is_none(),
        "no internal notes for requesters"
    );
    assert!(
        f.desk
            .ticket(&f.requester, other_group)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        f.desk
            .ticket(&f.foreign_admin, mine)
            .await
            .unwrap()
            .is_none()
    );
    let history = f.desk.history(&f.requester, mine).await.unwrap();
    assert!(
        history
            .iter()
            .all(|e| e.event.change.type_name() != "note_added")
    );
    assert!(
        f.desk
            .history(&f.agent, mine)
            .await
            .unwrap()
            .iter()
            .any(|e| e.event.change.type_name() == "note_added")
    );
    // Pages of history hold what the reader may see, and nothing for
    // another tenant.
    let (page, _) = f
        .desk
        .history_page(&f.requester, mine, 1, 100)
        .await
        .unwrap();
    assert!(
        !page.is_empty()
            && page
                .iter()
                .all(|e| e.event.change.type_name() != "note_added"),
        "a requester's history page holds no note"
    );
    let (agent_page, _) = f.desk.history_page(&f.agent, mine, 1, 100).await.unwrap();
    assert_eq!(
        agent_page.len(),
        page.len() + 1,
        "the agent's holds the note"
    );
    assert_eq!(
        f.desk
            .history_page(&f.foreign_admin, mine, 1, 100)
            .await
            .unwrap(),
        (vec![], None),
        "another tenant's admin gets nothing"
    );
    assert_eq!(
        f.desk.search(&f.agent, "elsewhere", 10).await.unwrap(),
        vec![]
    );
    assert_eq!(
        f.desk
            .search(&f.admin, "elsewhere", 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_rejected_command_writes_nothing_and_says_why() {
    let f = Fixture::new(MemoryStore::new());
    let id = f.open("Printer").await;
    let before = f.store().history(f.tenant, id, 1).await.unwrap().len();
    let err = f
        .desk
        .execute(Request::new(f.requester.clone(), id, Command::Reopen))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "cannot reopen a ticket that is new");
    assert_eq!(
        f.store().history(f.tenant, id, 1).await.unwrap().len(),
        before
    );
}

#[tokio::test]
async fn a_retry_the_domain_would_now_refuse_answers_the_first_result() {
    let f = Fixture::new(MemoryStore::new());
    let id = f.open("Printer").await;
    let resolve = Request::new(
        f.agent.clone(),
        id,
        Command::Resolve {
            resolution: helpdesk_core::Resolution::new(
                helpdesk_core::ResolutionCode::Solved,
                "Done",
            ),
            sub_status: None,
        },
    );
    let first = f.desk.execute(resolve.clone()).await.unwrap();
    let again = f.desk.execute(resolve).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.events, first.events);
    // A new command that the domain refuses still fails.
    let other = Request::new(
        f.agent.clone(),
        id,
        Command::ChangeStatus {
            status: helpdesk_core::StatusTarget::Pending,
        },
    );
    assert!(f.desk.execute(other).await.is_err());
}

#[test]
fn a_desk_is_only_built_on_a_configuration_without_errors() {
    let build = |json: serde_json::Value| {
        let config: helpdesk_core::DeskConfig = serde_json::from_value(json).unwrap();
        Desk::new(
            config,
            MemoryStore::new(),
            NoNotifier,
            ManualClock::new(start()),
        )
    };
    let refused = build(serde_json::json!({
        "limits": {"subject_max_chars": 0},
        "sla_policies": [{
            "key": "standard",
            "calendar": "office",
            "targets": {"first_response": {"P1": "1h", "P2": "1h", "P3": "1h", "P4": "1h", "P5": "1h"}}
        }]
    }))
    .err()
    .expect("refused");
    let paths: Vec<&str> = refused.errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        ["limits.subject_max_chars", "sla_policies[0].calendar"],
        "{refused}"
    );
    let message = refused.to_string();
    assert!(
        message.starts_with("the desk configuration has 2 errors: limits.subject_max_chars: "),
        "{message}"
    );
    assert!(
        message.contains("; sla_policies[0].calendar: "),
        "{message}"
    );

    // A warning (an agent who is never assigned) does not stop a desk.
    let warned: helpdesk_core::DeskConfig = serde_json::from_value(serde_json::json!({
        "groups": {"l1": {"id": "00000000-0000-0000-0000-00000000000a", "name": "L1"}},
        "agents": {"maria": {"id": "00000000-0000-0000-0000-0000000000a1", "name": "Maria",
                             "groups": ["l1"], "capacity": 0}}
    }))
    .unwrap();
    assert!(
        !warned.diagnose().is_empty(),
        "the configuration has a warning"
    );
    assert!(
        Desk::new(
            warned,
            MemoryStore::new(),
            NoNotifier,
            ManualClock::new(start())
        )
        .is_ok()
    );
}

#[tokio::test]
async fn assignments_go_only_to_agents_of_the_directory() {
    // Given a desk whose configuration lists its agents.
    let config: helpdesk_core::DeskConfig = serde_json::from_value(serde_json::json!({
        "groups": {"l1": {"id": "00000000-0000-0000-0000-00000000000a", "name": "L1"}},
        "agents": {"maria": {"id": "00000000-0000-0000-0000-0000000000a1", "name": "Maria",
                             "groups": ["l1"]}}
    }))
    .unwrap();
    let desk = Desk::new(
        config,
        MemoryStore::new(),
        NoNotifier,
        ManualClock::new(start()),
    )
    .unwrap();
    let tenant = TenantId::from_u128(1);
    let admin = Actor::admin(ActorId::from_u128(9), tenant);
    let id = helpdesk_engine::new_ticket_id();
    let open = helpdesk_core::NewTicket::new(admin.id, "Laptop", "");
    desk.execute(Request::new(admin.clone(), id, Command::Open(open)))
        .await
        .unwrap();

    // When the admin assigns it to someone the directory does not know,
    // then it is refused naming the field, and nothing is written.
    let stranger = ActorId::from_u128(0xbad);
    let refused = desk
        .execute(Request::new(
            admin.clone(),
            id,
            Command::Assign { assignee: stranger },
        ))
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!("assignee: {stranger} is not an agent of the desk's directory")
    );
    assert_eq!(desk.history(&admin, id).await.unwrap().len(), 1);

    // And an agent of the directory is assigned.
    let maria = ActorId::from_u128(0xa1);
    let done = desk
        .execute(Request::new(admin, id, Command::Assign { assignee: maria }))
        .await
        .unwrap();
    assert_eq!(done.ticket.unwrap().assignee(), Some(maria));
}

#[tokio::test]
async fn routing_reads_the_facts_the_host_vouches_for_not_a_requesters_claim() {
    // Given a desk where ACME's tickets are P1.
    let config: helpdesk_core::DeskConfig = serde_json::from_value(serde_json::json!({
        "routing_rules": [{"name": "VIP", "when": {"organization": ["ACME"]},
                           "then": {"priority": "P1"}}]
    }))
    .unwrap();
    let desk = Desk::new(
        config,
        MemoryStore::new(),
        NoNotifier,
        ManualClock::new(start()),
    )
    .unwrap();
    let tenant = TenantId::from_u128(1);
    let alice = Actor::requester(ActorId::from_u128(10), tenant);
    let router = Actor::system(ActorId::from_u128(1), tenant);
    let route = || Command::Route(Default::default());

    // When alice claims ACME herself, then she is refused and nothing is
    // opened.
    let claimed = helpdesk_core::NewTicket::new(alice.id, "VPN down", "").organization("ACME");
    let id = helpdesk_engine::new_ticket_id();
    let refused = desk
        .execute(Request::new(alice.clone(), id, Command::Open(claimed)))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("the host vouches for it"),
        "{refused}"
    );
    assert!(desk.ticket(&alice, id).await.unwrap().is_none());

    // When the host vouches for her organization, then routing makes it P1.
    let new = helpdesk_core::NewTicket::new(alice.id, "VPN down", "");
    let open = Request::new(alice.clone(), id, Command::Open(new))
        .vouched(helpdesk_core::Vouched::new().organization("ACME"));
    desk.execute(open.clone()).await.unwrap();
    let routed = desk
        .execute(Request::new(router, id, route()))
        .await
        .unwrap();
    assert_eq!(
        routed.ticket.unwrap().priority(),
        helpdesk_core::Priority::P1
    );

    // And the command id stays bound to the facts it was sent with.
    let mut other_facts = open.clone();
    other_facts.vouched = helpdesk_core::Vouched::new().organization("Initech");
    assert!(matches!(
        desk.execute(other_facts).await,
        Err(helpdesk_engine::DeskError::CommandIdReused { .. })
    ));
    assert!(desk.execute(open).await.unwrap().replayed);
}

//! Every mail of the shared corpus and of our own, ingested through a desk
//! on a real SQLite file: automatic mail and bounces never become tickets
//! or replies, a person's mail opens a ticket, a reply whose source says
//! it belongs to an earlier mail threads onto that mail's ticket, and no
//! mail makes ingest fail. Prints the pass rate per source.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Case, Tally, cases};
use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
use helpdesk_engine::store::MessageId;
use helpdesk_engine::{Desk, ManualClock, NoNotifier, Request, Store};
use helpdesk_mail::{
    Arrival, FsAttachments, Ignored, InboundConfig, Mail, MailChannel, NoSenders, Outcome,
};
use helpdesk_sqlite::SqliteStore;

const TENANT: TenantId = TenantId::from_u128(1);

struct World {
    desk: Desk<SqliteStore, NoNotifier, ManualClock>,
    channel: MailChannel<FsAttachments, NoSenders>,
    _dir: tempfile::TempDir,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("desk.db")).unwrap();
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap());
    let desk = Desk::new(DeskConfig::default(), store, NoNotifier, clock).unwrap();
    let config = InboundConfig::new(
        TENANT,
        ActorId::from_u128(1),
        "helpdesk-under-test@desk.invalid",
    );
    let channel = MailChannel::new(
        config,
        FsAttachments::new(dir.path().join("files")),
        NoSenders,
    );
    World {
        desk,
        channel,
        _dir: dir,
    }
}

fn is_ticket_or_reply(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Opened { .. } | Outcome::Replied { .. })
}

async fn check(w: &World, case: &Case, raw: &[u8], tally: &mut Tally) {
    let vouched = Arrival {
        authenticated: Some(true),
        ..Arrival::default()
    };
    // A mail whose source threads it onto an earlier one: that earlier
    // mail is on a ticket of the same sender, its Message-ID remembered.
    let parent_ticket = match case.str("expected_thread_parent_message_id") {
        Some(parent) => {
            let from = Mail::parse(raw)
                .map(|m| m.from().address().to_string())
                .unwrap_or_default();
            let system = Actor::system(ActorId::from_u128(1), TENANT);
            let ticket = helpdesk_engine::new_ticket_id();
            let new =
                NewTicket::new(ActorId::from_u128(0x77), "first", "Hello").requester_email(from);
            w.desk
                .execute(Request::new(system, ticket, Command::Open(new)))
                .await
                .unwrap();
            let id = MessageId::new(parent).unwrap();
            w.desk
                .store()
                .remember_message(TENANT, &id, ticket)
                .await
                .unwrap();
            Some(ticket)
        }
        None => None,
    };
    let result = w.channel.ingest(&w.desk, raw, &vouched).await;
    tally.check(case, "ingests", result.is_ok(), || format!("{result:?}"));
    let Ok(outcome) = result else { return };
    let automatic =
        case.flag("auto_reply") == Some(true) || case.flag("auto_generated") == Some(true);
    if automatic {
        tally.check(
            case,
            "automatic: no ticket",
            !is_ticket_or_reply(&outcome),
            || format!("{outcome:?}"),
        );
    }
    if case.flag("bounce") == Some(true) {
        let ok = !is_ticket_or_reply(&outcome);
        tally.check(case, "bounce: no ticket", ok, || format!("{outcome:?}"));
    }
    if case.flag("auto_reply") == Some(false) && case.flag("bounce") != Some(true) {
        tally.check(
            case,
            "person: a ticket",
            is_ticket_or_reply(&outcome),
            || format!("{outcome:?}"),
        );
    }
    if let Some(parent) = parent_ticket {
        let threaded = matches!(outcome, Outcome::Replied { ticket, .. } | Outcome::DeliveryFailed { ticket, .. } if ticket == parent);
        tally.check(case, "threads onto its parent", threaded, || {
            format!("{outcome:?}")
        });
    }
    // Fetched again, the same mail changes nothing and answers the same.
    if is_ticket_or_reply(&outcome) {
        let again = w.channel.ingest(&w.desk, raw, &vouched).await.unwrap();
        tally.check(case, "applied once", again == outcome, || {
            format!("{again:?} after {outcome:?}")
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_corpus_mail_is_ingested_as_its_kind_says() {
    let w = world();
    let mut tally = Tally::default();
    for case in cases().into_iter().filter(|c| c.kind == "mime") {
        let raw = case.input();
        check(&w, &case, &raw, &mut tally).await;
    }
    println!("{}", tally.report());
    for check in [
        "ingests",
        "automatic: no ticket",
        "bounce: no ticket",
        "applied once",
        "threads onto its parent",
    ] {
        let (passed, total) = tally.total(check);
        assert!(total > 0, "{check}: no case");
        assert_eq!(
            passed,
            total,
            "{check}: {passed}/{total}\n{}",
            tally.report()
        );
    }
    let (passed, total) = tally.total("person: a ticket");
    assert_eq!(
        passed,
        total,
        "person: {passed}/{total}\n{}",
        tally.report()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mail_of_our_corpus_is_a_ticket_only_when_a_person_wrote_it() {
    // Given our own corpus and its expected classification.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/mime");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let w = world();
    let mut wrong = Vec::new();
    let mut counted = 0;
    for (file, expect) in expected.as_object().unwrap() {
        let raw = std::fs::read(dir.join(file)).unwrap();
        // When each is ingested.
        let outcome = w
            .channel
            .ingest(&w.desk, &raw, &Arrival::default())
            .await
            .unwrap();
        // Then a person's mail is a ticket, and nothing else is (a mail
        // that does not parse is ignored as malformed).
        if expect.get("error").is_some() {
            if !matches!(outcome, Outcome::Ignored(Ignored::Malformed { .. })) {
                wrong.push(format!("{file}: {outcome:?}"));
            }
            counted += 1;
            continue;
        }
        let person = expect["automation"] == "Person" && expect["bounce"].is_null();
        if person != is_ticket_or_reply(&outcome) {
            wrong.push(format!("{file}: {outcome:?}"));
        }
        counted += 1;
    }
    assert!(counted >= 60, "{counted} mails");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

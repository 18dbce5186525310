//! Every mail of the shared corpus and of our own, ingested through a desk
//! on a real SQLite file: automatic mail and bounces never become tickets
//! or replies, a person's mail opens a ticket, a reply whose source says
//! it belongs to an earlier mail threads onto that mail's ticket, and no
//! mail makes ingest fail. Prints the pass rate per source.
//!
//! Our own complete mails (`tests/corpus/manifest.json`) go through one
//! desk in the manifest's order, each checked for its outcome, the ticket
//! it lands on and the text it leaves there. Run with
//! `cargo test -p helpdesk-mail --test corpus_ingest -- --nocapture` to see
//! the pass rate per kind and per client.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use common::manifest::{Expected, manifest};
use common::{Case, Tally, cases};
use helpdesk_core::{
    Actor, ActorId, Command, DeskConfig, NewTicket, Resolution, ResolutionCode, TenantId, TicketId,
    Visibility,
};
use helpdesk_engine::store::MessageId;
use helpdesk_engine::{Desk, ManualClock, NoNotifier, Request, Store};
use helpdesk_mail::{
    Arrival, FsAttachments, Held, Ignored, InboundConfig, Mail, MailChannel, NoSenders, Outcome,
    Unverified,
};
use helpdesk_smtp::{ReplyKey, ReplyTo};
use helpdesk_sqlite::SqliteStore;

const TENANT: TenantId = TenantId::from_u128(1);

struct World {
    desk: Desk<SqliteStore, NoNotifier, ManualClock>,
    channel: MailChannel<FsAttachments, NoSenders>,
    _dir: tempfile::TempDir,
}

fn world() -> World {
    // A bounce returns the desk's own mail: the domains of the mails the
    // shared corpus's bounces return are the desk's.
    let domains = cases()
        .iter()
        .filter(|case| case.flag("bounce") == Some(true))
        .filter_map(|case| case.str("expected_thread_parent_message_id"))
        .filter_map(|id| id.trim_matches(['<', '>']).rsplit_once('@'))
        .map(|(_, domain)| domain.to_string())
        .collect();
    world_at("helpdesk-under-test@desk.invalid", |config| {
        config.message_domains = domains;
    })
}

/// A desk on a SQLite file whose mailbox is `address`, its configuration
/// adjusted by `adjust`.
fn world_at(address: &str, adjust: impl FnOnce(&mut InboundConfig)) -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("desk.db")).unwrap();
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap());
    let desk = Desk::new(DeskConfig::default(), store, NoNotifier, clock).unwrap();
    let mut config = InboundConfig::new(TENANT, ActorId::from_u128(1), address);
    adjust(&mut config);
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
    // mail is on a ticket of the same sender, its Message-ID remembered;
    // the mail a bounce returns was the desk's, remembered as the desk
    // remembers what it sends (by the id's left part, at its domain).
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
            let mut id = MessageId::new(parent).unwrap();
            if case.flag("bounce") == Some(true) {
                id = id.id_left().unwrap();
            }
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
        let threaded = matches!(outcome, Outcome::Replied { ticket, .. } | Outcome::DeliveryFailed { ticket, .. } | Outcome::DeliveryDelayed { ticket, .. } if ticket == parent);
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
        "person: a ticket",
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

/// Pass counts per kind and per client: passed, known disagreements, all.
#[derive(Default)]
struct Rates {
    counts: BTreeMap<(&'static str, String), (usize, usize, usize)>,
}

impl Rates {
    fn record(&mut self, case: &Expected, passed: bool) {
        let known = !passed && case.disagreement.is_some();
        for (dimension, value) in [("kind", &case.kind), ("client", &case.client)] {
            let entry = self.counts.entry((dimension, value.clone())).or_default();
            entry.0 += usize::from(passed);
            entry.1 += usize::from(known);
            entry.2 += 1;
        }
    }

    fn report(&self) -> String {
        let mut out = String::from("by      value                 passed       known\n");
        for ((dimension, value), (passed, known, total)) in &self.counts {
            out.push_str(&format!(
                "{dimension:<7} {value:<21} {passed:>3}/{total:<3} ({:>3.0}%) {known:>3}\n",
                100.0 * *passed as f64 / (*total).max(1) as f64
            ));
        }
        out
    }
}

/// The reply address the desk of our manifest writes into its mail
/// (`support+{token}@acme.example`), with the key that signs its tokens.
fn acme_reply_to() -> ReplyTo {
    let key = ReplyKey::new(*b"the acme corpus reply key, fixed").unwrap();
    ReplyTo::new("support@acme.example", vec![key])
}

/// The desk of our manifest: the mailbox `support@acme.example`, whose
/// receiving server `mx.acme.example` writes the `Authentication-Results`
/// that count, which signs reply tokens, and which holds mail naming a
/// ticket from a sender nothing vouches for.
fn acme() -> World {
    world_at("support@acme.example", |config| {
        config.trusted_servers = vec!["mx.acme.example".into()];
        config.reply_to = Some(acme_reply_to());
        config.unverified = Unverified::Hold;
    })
}

/// An agent resolves `ticket`.
async fn resolve(w: &World, ticket: TicketId) {
    let agent = Actor::system(ActorId::from_u128(1), TENANT);
    let resolve = Command::Resolve {
        resolution: Resolution::new(ResolutionCode::Solved, "Restarted the device."),
        sub_status: None,
    };
    w.desk
        .execute(Request::new(agent, ticket, resolve))
        .await
        .unwrap();
}

/// What is wrong with `outcome` for `case`, given the tickets earlier
/// mails landed on; empty when nothing is.
async fn judge(
    w: &World,
    case: &Expected,
    outcome: &Outcome,
    tickets: &BTreeMap<String, TicketId>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let expected_ticket = case.ticket_of.as_ref().map(|mail| {
        tickets
            .get(mail)
            .copied()
            .unwrap_or_else(|| panic!("{}: {mail} opened no ticket before it", case.mail))
    });
    let reason = case.reason.as_deref();
    let lands_on_a_ticket = matches!(case.outcome.as_str(), "replied" | "delivery-failed")
        || reason == Some("unverified");
    assert!(
        !lands_on_a_ticket || expected_ticket.is_some(),
        "{}: a {} names the mail whose ticket it lands on (ticket_of)",
        case.mail,
        case.outcome
    );
    let mut files = None;
    let (ticket, text) = match (case.outcome.as_str(), outcome) {
        (
            "opened",
            Outcome::Opened {
                ticket, follows, ..
            },
        ) => {
            let t = w.desk.store().load(TENANT, *ticket).await.unwrap().unwrap();
            files = Some(t.attachments().to_vec());
            if case.subject.as_deref().is_some_and(|s| s != t.subject()) {
                wrong.push(format!(
                    "subject {:?}, expected {:?}",
                    t.subject(),
                    case.subject
                ));
            }
            (*follows, Some(t.description().to_string()))
        }
        ("replied", Outcome::Replied { ticket, comment }) => {
            let t = w.desk.store().load(TENANT, *ticket).await.unwrap().unwrap();
            let comment = t.comment(*comment);
            files = comment.map(|c| c.attachments.clone());
            (Some(*ticket), comment.map(|c| c.body.clone()))
        }
        ("delivery-failed", Outcome::DeliveryFailed { ticket, .. }) => {
            let t = w.desk.store().load(TENANT, *ticket).await.unwrap().unwrap();
            let note = t
                .conversation()
                .rfind(|c| c.visibility == Visibility::Internal)
                .map(|c| c.body.clone());
            (Some(*ticket), note)
        }
        ("held", Outcome::Held(Held::Unverified { ticket, .. }))
            if reason == Some("unverified") =>
        {
            (Some(*ticket), None)
        }
        ("held", Outcome::Held(Held::UnknownSender { .. })) if reason == Some("unknown-sender") => {
            (None, None)
        }
        ("ignored", Outcome::Ignored(ignored)) => {
            let actual = match ignored {
                Ignored::Malformed { .. } => "malformed",
                Ignored::FromDesk => "from-desk",
                Ignored::Automatic { .. } => "automatic",
                Ignored::UnknownBounce => "unknown-bounce",
                Ignored::BounceNoted { .. } => "bounce-noted",
                Ignored::UnknownSender { .. } => "unknown-sender",
                Ignored::RateLimited { .. } => "rate-limited",
                _ => "another reason",
            };
            if reason != Some(actual) {
                wrong.push(format!("ignored as {actual}, not {reason:?}: {ignored:?}"));
            }
            (None, None)
        }
        (expected, actual) => {
            wrong.push(format!("{expected} expected, got {actual:?}"));
            return wrong;
        }
    };
    if (expected_ticket.is_some() || case.outcome == "opened") && ticket != expected_ticket {
        wrong.push(format!(
            "on ticket {ticket:?}, not {:?}'s",
            case.ticket_of.as_deref().unwrap_or_default()
        ));
    }
    if let Some(expected) = &case.attachments {
        let got: Vec<(String, String)> = files
            .unwrap_or_default()
            .into_iter()
            .filter(|f| f.name != "original.eml")
            .map(|f| (f.name, f.content_type))
            .collect();
        if &got != expected {
            wrong.push(format!("files {got:?}, expected {expected:?}"));
        }
    }
    let text = text.map(|t| t.replace("\r\n", "\n"));
    let wants_text = case.text.is_some() || !case.contains.is_empty();
    match (&text, wants_text) {
        (None, true) => wrong.push("no text to check".into()),
        (Some(text), _) => {
            if let Some(exact) = &case.text {
                if text != exact {
                    wrong.push(format!("text {text:?}, expected {exact:?}"));
                }
            }
            for line in &case.contains {
                if !text.contains(line.as_str()) {
                    wrong.push(format!("text {text:?} lacks {line:?}"));
                }
            }
            for line in &case.not_contains {
                if text.contains(line.as_str()) {
                    wrong.push(format!("text {text:?} holds {line:?}"));
                }
            }
        }
        (None, false) => {}
    }
    wrong
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn given_our_corpus_in_order_when_each_mail_is_ingested_then_each_lands_where_its_manifest_says()
 {
    // Given one desk on a SQLite file and the manifest of our mails.
    let cases = manifest();
    assert!(cases.len() >= 150, "only {} mails", cases.len());
    let w = acme();
    let mut tickets: BTreeMap<String, TicketId> = BTreeMap::new();
    let mut rates = Rates::default();
    let mut failures = Vec::new();
    for case in &cases {
        if let Some(days) = case.resolved_days_before {
            let mail = case.ticket_of.as_ref().unwrap();
            resolve(&w, tickets[mail]).await;
            w.desk.clock().advance(chrono::Duration::days(days));
        }

        // When each mail is ingested in the manifest's order, and again.
        let raw = case.raw();
        let outcome = w.channel.ingest(&w.desk, &raw, &Arrival::default()).await;
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(e) => {
                failures.push(format!("{}: ingest failed: {e}", case.mail));
                rates.record(case, false);
                continue;
            }
        };
        let again = w.channel.ingest(&w.desk, &raw, &Arrival::default()).await;

        // Then it lands where the manifest says, with the text it says,
        // and the second time changes nothing.
        let mut wrong = judge(&w, case, &outcome, &tickets).await;
        if again.as_ref().ok() != Some(&outcome) {
            wrong.push(format!("offered again: {again:?}"));
        }
        if let Outcome::Opened { ticket, .. } = outcome {
            tickets.insert(case.mail.clone(), ticket);
            if let Some(sent) = &case.desk_sent {
                let left = MessageId::new(sent).unwrap().id_left().unwrap();
                w.desk
                    .store()
                    .remember_message(TENANT, &left, ticket)
                    .await
                    .unwrap();
            }
        }
        let passed = wrong.is_empty();
        rates.record(case, passed);
        match (&case.disagreement, passed) {
            (None, false) => failures.push(format!("{}: {}", case.mail, wrong.join("; "))),
            (Some(why), true) => failures.push(format!(
                "{}: listed as a disagreement ({why}) but passes",
                case.mail
            )),
            _ => {}
        }
    }
    println!("{}", rates.report());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

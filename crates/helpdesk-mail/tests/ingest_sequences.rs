//! Corpus mails in any order through one desk, some released by a person
//! after being held: whatever came before, each mail is answered, and
//! answered the same when it is offered again (a mail fetched twice is
//! applied once).
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;

use common::manifest::manifest;
use common::memory::memory_desk;
use helpdesk_core::{Actor, ActorId, Command, Resolution, ResolutionCode, TenantId, TicketId};
use helpdesk_engine::Request;
use helpdesk_mail::{Arrival, Outcome, Release, UnknownSenders, Unverified};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn given_corpus_mails_in_any_order_when_each_is_offered_twice_then_both_answers_agree(
        picks in prop::collection::vec((any::<prop::sample::Index>(), release()), 1..40),
        authenticated in any::<Option<bool>>(),
    ) {
        // Given one desk that holds what it cannot vouch for, and mails of
        // our corpus in a random order (some more than once, some with a
        // person's release).
        let mails = manifest();
        let files = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (desk, channel) = memory_desk(files.path(), |config| {
            config.unverified = Unverified::Hold;
            config.unknown_senders = UnknownSenders::Hold;
        });

        for (pick, release) in picks {
            let case = &mails[pick.index(mails.len())];
            let raw = case.raw();
            let arrival = Arrival { authenticated, release, ..Arrival::default() };

            // When each is ingested, and offered again at once.
            let first = runtime.block_on(channel.ingest(&desk, &raw, &arrival));
            let again = runtime.block_on(channel.ingest(&desk, &raw, &arrival));

            // Then both are the same answer.
            prop_assert!(first.is_ok(), "{}: {first:?}", case.mail);
            prop_assert!(
                again.as_ref().ok() == first.as_ref().ok(),
                "{}: offered again: {again:?}, first: {first:?}",
                case.mail
            );
        }
    }

    #[test]
    fn given_agents_changing_the_tickets_when_a_mail_is_offered_again_later_then_it_is_answered_as_it_was(
        conversations in prop::collection::vec(any::<prop::sample::Index>(), 1..4),
        steps in prop::collection::vec(step(), 1..40),
        authenticated in any::<Option<bool>>(),
    ) {
        // Given one desk that holds what it cannot vouch for, the mails of
        // a few conversations of our corpus (a client's first mail, its
        // replies and forwards), and agents resolving, closing and merging
        // the tickets they opened, a month passing at each resolution.
        let mails = of_conversations(&conversations);
        let files = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (desk, channel) = memory_desk(files.path(), |config| {
            config.unverified = Unverified::Hold;
            config.unknown_senders = UnknownSenders::Hold;
        });
        let agent = Actor::system(ActorId::from_u128(1), TenantId::from_u128(1));
        let mut opened: Vec<TicketId> = Vec::new();
        let mut answered: HashMap<String, Outcome> = HashMap::new();

        for step in steps {
            let (ticket, command) = match step {
                Step::Offer(pick, release) => {
                    let case = &mails[pick.index(mails.len())];
                    let arrival = Arrival { authenticated, release, ..Arrival::default() };

                    // When one is offered, for the first time or again.
                    let outcome = runtime.block_on(channel.ingest(&desk, &case.raw(), &arrival));

                    // Then it is answered, and once it was taken in (not
                    // held), answered as it was then, whatever the
                    // agents did since and whatever is decided now.
                    prop_assert!(outcome.is_ok(), "{}: {outcome:?}", case.mail);
                    let outcome = outcome.unwrap();
                    if let Outcome::Opened { ticket, .. } = &outcome {
                        opened.push(*ticket);
                    }
                    if let Some(first) = answered.get(&case.mail) {
                        prop_assert_eq!(&outcome, first, "{} offered again", &case.mail);
                    } else if !matches!(outcome, Outcome::Held(_)) {
                        answered.insert(case.mail.clone(), outcome);
                    }
                    continue;
                }
                _ if opened.is_empty() => continue,
                Step::Resolve(which) => {
                    let resolution = Resolution::new(ResolutionCode::Solved, "Done.");
                    let resolve = Command::Resolve { resolution, sub_status: None };
                    (opened[which.index(opened.len())], resolve)
                }
                Step::Close(which) => (opened[which.index(opened.len())], Command::Close),
                Step::Merge(from, into) => {
                    let into = opened[into.index(opened.len())];
                    (opened[from.index(opened.len())], Command::Merge { into })
                }
            };
            // An agent's command the ticket's state refuses changes nothing.
            let _ = runtime.block_on(desk.execute(Request::new(agent.clone(), ticket, command.clone())));
            if matches!(command, Command::Resolve { .. }) {
                desk.clock().advance(chrono::Duration::days(30));
            }
        }
    }
}

/// One step of a desk's life beside its inbox.
#[derive(Debug, Clone)]
enum Step {
    /// A corpus mail offered, with or without a person's release.
    Offer(prop::sample::Index, Option<Release>),
    /// An agent resolves a ticket the mail opened, and a month passes
    /// (past the reopen window).
    Resolve(prop::sample::Index),
    /// An agent closes such a ticket (once resolved) for good.
    Close(prop::sample::Index),
    /// An agent merges one such ticket into another.
    Merge(prop::sample::Index, prop::sample::Index),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), release()).prop_map(|(m, r)| Step::Offer(m, r)),
        1 => any::<prop::sample::Index>().prop_map(Step::Resolve),
        1 => any::<prop::sample::Index>().prop_map(Step::Close),
        1 => (any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(a, b)| Step::Merge(a, b)),
    ]
}

/// The corpus mails of the conversations `picks` choose: those whose
/// names share a client and language (`gmail-en-open.eml`,
/// `gmail-en-reply.eml`).
fn of_conversations(picks: &[prop::sample::Index]) -> Vec<common::manifest::Expected> {
    let mails = manifest();
    let conversation = |mail: &str| mail.rsplit_once('-').map_or(mail, |(c, _)| c).to_string();
    let mut names: Vec<String> = mails.iter().map(|m| conversation(&m.mail)).collect();
    names.sort();
    names.dedup();
    let chosen: Vec<&String> = picks.iter().map(|p| &names[p.index(names.len())]).collect();
    mails
        .into_iter()
        .filter(|m| chosen.contains(&&conversation(&m.mail)))
        .collect()
}

/// No release, or one of a person's decisions on a held mail.
fn release() -> impl Strategy<Value = Option<Release>> {
    prop_oneof![
        Just(None),
        Just(Some(Release::Vouched)),
        Just(Some(Release::NewTicket)),
    ]
}

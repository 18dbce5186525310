//! Corpus mails in any order through one desk, some released by a person
//! after being held: whatever came before, each mail is answered, and
//! answered the same when it is offered again (a mail fetched twice is
//! applied once).
#![allow(clippy::unwrap_used)]

mod common;

use common::manifest::manifest;
use common::memory::memory_desk;
use helpdesk_mail::{Arrival, Release, UnknownSenders, Unverified};
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
}

/// No release, or one of a person's decisions on a held mail.
fn release() -> impl Strategy<Value = Option<Release>> {
    prop_oneof![
        Just(None),
        Just(Some(Release::Vouched)),
        Just(Some(Release::NewTicket)),
    ]
}

//! Search beside a word found almost everywhere: a store may look words up
//! in any order, but the answer is the same as for rare words.

use chrono::Duration;
use helpdesk_core::{Command, Reach, TicketId};
use helpdesk_engine::Store;
use helpdesk_engine::store::SearchQuery;

use crate::{Fixture, comment};

/// How many tickets hold the common word: more than a store may look up
/// before it calls a word common (the PostgreSQL store's cap is 256).
const COMMON: usize = 300;

/// A rare word beside one found in hundreds of tickets finds exactly the
/// tickets holding both, most recently updated first, and a requester
/// never finds the rare word in a note; words that are all common fill
/// the page in order; a common word beside one found nowhere finds
/// nothing.
pub async fn rare_and_common_words_search_alike<S: Store + 'static>(store: S) {
    // Given hundreds of tickets about the printer,
    let f = Fixture::new(store);
    let mut printers = Vec::with_capacity(COMMON);
    for n in 0..COMMON {
        printers.push(f.open(&format!("Printer jams, tray {n}")).await);
        f.advance(Duration::seconds(1));
    }
    // one that also names the rare word, one that holds it only in a note,
    // and one that names it without the printer.
    let both = f.open("Printer error 4242").await;
    f.advance(Duration::seconds(1));
    let noted = f.open("Printer is slow").await;
    let note = Command::note(comment(1), "Firmware 4242 is at fault");
    f.run(&f.agent, noted, note).await;
    f.advance(Duration::seconds(1));
    let scanner = f.open("Scanner error 4242").await;
    let found = |reach: Reach, text: &'static str, limit: u32| {
        let store = f.store();
        let tenant = f.tenant;
        async move {
            let query = SearchQuery::new(text, limit).unwrap_or_else(|e| panic!("{e}"));
            store
                .search(tenant, &reach, &query)
                .await
                .unwrap_or_else(|e| panic!("search {text:?}: {e}"))
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<TicketId>>()
        }
    };
    // When staff search for the rare word and the common one, then they
    // find the tickets holding both, in a note or not.
    assert_eq!(
        found(Reach::Tenant, "printer 4242", 10).await,
        [noted, both],
        "a rare word beside a common one finds the tickets holding both"
    );
    assert_eq!(
        found(Reach::Tenant, "4242 PRINTER", 10).await,
        [noted, both],
        "the words' order does not matter"
    );
    // When the requester searches the same, then the note stays hidden.
    assert_eq!(
        found(Reach::Requester(f.requester.id), "printer 4242", 10).await,
        [both],
        "a requester never finds a word of a note, beside a common word too"
    );
    // When every word is common, then the page holds the most recently
    // updated tickets holding them all.
    let mut latest: Vec<TicketId> = printers.iter().rev().take(5).copied().collect();
    assert_eq!(
        found(Reach::Tenant, "printer jams tray", 5).await,
        latest,
        "words that are all common fill the page, most recently updated first"
    );
    latest.insert(0, noted);
    latest.insert(1, both);
    latest.truncate(5);
    assert_eq!(
        found(Reach::Tenant, "printer", 5).await,
        latest,
        "one common word fills the page, most recently updated first"
    );
    assert!(
        found(Reach::Tenant, "printer zq9x", 10).await.is_empty(),
        "a common word beside one found nowhere finds nothing"
    );
    assert_eq!(
        found(Reach::Tenant, "4242 error", 10).await,
        [scanner, both],
        "two words that are both rare find the tickets holding both"
    );
}

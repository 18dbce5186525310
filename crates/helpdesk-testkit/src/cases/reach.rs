//! Cases of the reach and search text promises: what a reader may list and
//! find is decided inside the store, before limits and cursors, and by the
//! text the domain handed over.

use helpdesk_core::{Command, NewTicket, Reach, SearchText, TicketId};
use helpdesk_engine::store::{Append, Filter, Order, TicketQuery};
use helpdesk_engine::{CommandId, Store};

use super::{record, words};
use crate::Fixture;

/// The ids of `rows`.
fn ids<'a>(rows: impl IntoIterator<Item = &'a helpdesk_engine::store::TicketRow>) -> Vec<TicketId> {
    rows.into_iter().map(|r| r.id).collect()
}

/// Lists apply the reader's reach before the limit and the cursor: a page
/// holds `limit` rows whenever that many are in reach (however many newer
/// tickets out of reach come first), its cursor comes from a row it
/// returned, and an exactly full last page has no `next`.
pub async fn reach_applies_before_the_limit<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let admin = f.admin.clone();
    // Three tickets in the agent's group, then ten newer ones elsewhere.
    let mut mine = Vec::new();
    for n in 0..3 {
        f.advance(chrono::Duration::minutes(1));
        mine.push(
            f.open_as(&admin, f.requester.id, &format!("Mine {n}"), Some(f.group))
                .await,
        );
    }
    for n in 0..10 {
        f.advance(chrono::Duration::minutes(1));
        f.open_as(
            &admin,
            admin.id,
            &format!("Elsewhere {n}"),
            Some(f.other_group),
        )
        .await;
    }
    mine.reverse(); // most recently updated first
    for order in [Order::UpdatedAt, Order::NextDue] {
        let reach = Reach::of(&f.agent);
        let first = f
            .store()
            .query(
                f.tenant,
                &reach,
                TicketQuery::new(Filter::default(), order, 2),
            )
            .await
            .unwrap_or_else(|e| panic!("query: {e}"));
        assert_eq!(
            first.rows.len(),
            2,
            "reach is applied before the limit ({order:?}): a page of 2 holds 2 of the agent's 3 tickets, got {:?}",
            first.rows
        );
        let cursor = first
            .next
            .unwrap_or_else(|| panic!("a third ticket in reach follows ({order:?})"));
        let last = first.rows.last().map(|r| r.id);
        assert_eq!(
            Some(cursor.id),
            last,
            "the cursor is made from the last row returned ({order:?})"
        );
        let second = f
            .store()
            .query(
                f.tenant,
                &reach,
                TicketQuery {
                    after: Some(cursor),
                    ..TicketQuery::new(Filter::default(), order, 1)
                },
            )
            .await
            .unwrap_or_else(|e| panic!("query: {e}"));
        let mut seen = ids(&first.rows);
        seen.extend(ids(&second.rows));
        seen.sort();
        let mut expected = mine.clone();
        expected.sort();
        assert_eq!(
            seen, expected,
            "two pages hold the three tickets in reach ({order:?})"
        );
        assert!(
            second.next.is_none(),
            "an exactly full last page has no next cursor ({order:?})"
        );
    }
    // A requester's reach is their own tickets, whatever the filter asks.
    let own = f
        .store()
        .query(
            f.tenant,
            &Reach::of(&f.requester),
            TicketQuery::new(Filter::default(), Order::UpdatedAt, 2),
        )
        .await
        .unwrap_or_else(|e| panic!("query: {e}"));
    assert_eq!(
        ids(&own.rows),
        mine[..2],
        "a requester's page of 2 holds 2 of their own"
    );
    let others = f
        .store()
        .query(
            f.tenant,
            &Reach::of(&f.requester),
            TicketQuery::new(
                Filter {
                    requester: Some(admin.id),
                    ..Filter::default()
                },
                Order::UpdatedAt,
                10,
            ),
        )
        .await
        .unwrap_or_else(|e| panic!("query: {e}"));
    assert!(
        others.rows.is_empty() && others.next.is_none(),
        "a requester filtering by someone else's tickets gets nothing"
    );
    // A search of limit 1 finds the agent's ticket behind newer ones out
    // of reach.
    let found = f
        .store()
        .search(f.tenant, &Reach::of(&f.agent), &words("mine", 1))
        .await
        .unwrap_or_else(|e| panic!("search: {e}"));
    assert_eq!(
        ids(&found),
        mine[..1],
        "search applies reach before its limit"
    );
    let found = f
        .store()
        .search(f.tenant, &Reach::of(&f.agent), &words("e", 20))
        .await
        .unwrap_or_else(|e| panic!("search: {e}"));
    assert_eq!(
        ids(&found),
        mine,
        "a short word is matched within reach only"
    );
}

/// A reader who may not find internal text (a requester) never finds a
/// ticket by a word or a substring that only an internal note holds;
/// staff do. A store indexes the text an append carries, as given, and
/// reads nothing else into search: not the events.
pub async fn requesters_never_find_internal_text<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let id = f.open("Printer jams").await;
    f.run(
        &f.agent,
        id,
        Command::note(
            helpdesk_engine::new_comment_id(),
            "Requester owes us: ZEBRA-7731",
        ),
    )
    .await;
    f.run(&f.agent, id, crate::reply("Which tray?")).await;
    let search = |reach: Reach, text: &'static str| {
        let store = f.store();
        let tenant = f.tenant;
        async move {
            ids(&store
                .search(tenant, &reach, &words(text, 10))
                .await
                .unwrap_or_else(|e| panic!("search {text:?}: {e}")))
        }
    };
    for text in ["zebra-7731", "ebra", "owes", "7", "zebra tray", "z"] {
        assert!(
            search(Reach::of(&f.requester), text).await.is_empty(),
            "a requester's search for {text:?} matches internal text only, and finds nothing"
        );
    }
    assert_eq!(
        search(Reach::of(&f.requester), "tray").await,
        [id],
        "public text is found"
    );
    for reach in [Reach::of(&f.agent), Reach::of(&f.admin)] {
        assert_eq!(
            search(reach.clone(), "zebra-7731").await,
            [id],
            "staff find notes"
        );
        assert_eq!(
            search(reach, "zebra tray").await,
            [id],
            "and words across parts"
        );
    }

    // What an append carries is what is found: a ticket whose events hold
    // "plain" and whose append's text holds other words is found by those
    // words, the internal one by staff only, and not by its events' words.
    let ticket = f.load(id).await.unwrap_or_else(|| panic!("ticket {id}"));
    let version = ticket.version();
    let empty = Append::new(
        f.tenant,
        record(&f, CommandId::new(), id, version, version),
        Vec::new(),
        ticket,
        f.desk.config(),
    );
    assert!(
        empty.text.is_empty(),
        "an append without events adds no text"
    );
    let other = helpdesk_engine::new_ticket_id();
    let mut new = NewTicket::new(f.requester.id, "Plain", "");
    new.group = Some(f.group);
    let shadow = Fixture::new(crate::Observed::new(helpdesk_engine::MemoryStore::new()));
    // The shadow's open takes a number the store under test has not given.
    let free = f
        .store()
        .next_ticket_number(f.tenant)
        .await
        .unwrap_or_else(|e| panic!("next_ticket_number: {e}"));
    for _ in 1..free.get() {
        shadow
            .store()
            .next_ticket_number(shadow.tenant)
            .await
            .unwrap_or_else(|e| panic!("next_ticket_number: {e}"));
    }
    shadow.run(&shadow.admin, other, Command::Open(new)).await;
    let Some(mut append) = shadow.store().appends().pop() else {
        panic!("the open was appended")
    };
    append.text = SearchText {
        public: vec!["quokka".into()],
        internal: vec!["wombat".into()],
    };
    f.store()
        .append(append)
        .await
        .unwrap_or_else(|e| panic!("append: {e}"));
    assert_eq!(
        search(Reach::of(&f.admin), "quokka").await,
        [other],
        "the append's public text is indexed as given"
    );
    assert_eq!(
        search(Reach::of(&f.admin), "wombat").await,
        [other],
        "the append's internal text is found by staff"
    );
    assert_eq!(
        search(Reach::of(&f.requester), "quokka").await,
        [other],
        "the append's public text is found by its requester"
    );
    assert!(
        search(Reach::of(&f.requester), "wombat").await.is_empty(),
        "the append's internal text is internal"
    );
    assert!(
        search(Reach::of(&f.admin), "plain").await.is_empty(),
        "the store reads search text from the append, not from the events"
    );
}

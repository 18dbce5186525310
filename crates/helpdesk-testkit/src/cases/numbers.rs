//! Ticket numbers and the mail message ids bound to tickets.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use helpdesk_core::{
    Actor, Command, Context, NewTicket, Reach, TenantId, Ticket, TicketId, TicketNumber, apply,
    decide,
};
use helpdesk_engine::store::{
    Append, Appended, CommandRecord, Filter, Fingerprint, MessageId, Order, StoredEvent,
    TicketQuery,
};
use helpdesk_engine::{Clock, CommandId, DeskError, EventId, Request, Store, StoreError};

use super::words;
use crate::Fixture;

/// Opens a ticket as `admin` (of its own tenant) and answers its id and
/// the number it was given.
async fn open_numbered<S: Store + 'static>(
    f: &Fixture<S>,
    admin: &Actor,
    subject: &str,
) -> (TicketId, TicketNumber) {
    let id = helpdesk_engine::new_ticket_id();
    let open = Command::Open(NewTicket::new(admin.id, subject, ""));
    let executed = f
        .desk
        .execute(Request::new(admin.clone(), id, open))
        .await
        .unwrap_or_else(|e| panic!("open {subject:?}: {e}"));
    let number = executed
        .ticket
        .and_then(|t| t.number())
        .unwrap_or_else(|| panic!("the desk numbers every ticket it opens ({subject:?})"));
    (id, number)
}

/// Given several tasks opening tickets at once in two tenants, when they
/// are done, then every ticket has a number no other ticket of its tenant
/// has, each task's numbers grow in the order it opened its tickets, each
/// tenant counts on its own from 1, the number is in the ticket's history
/// and row, and the store finds each ticket by it. Numbers taken straight
/// from the counter by concurrent callers are distinct too.
pub async fn ticket_numbers_are_unique_per_tenant_under_concurrent_opens<S: Store + 'static>(
    store: S,
) {
    let f = Arc::new(Fixture::new(store));
    let (tasks, each, other_tasks) = (8usize, 5usize, 2usize);
    let mut handles = Vec::new();
    for task in 0..tasks + other_tasks {
        let f = f.clone();
        handles.push(tokio::spawn(async move {
            let admin = if task < tasks {
                f.admin.clone()
            } else {
                f.foreign_admin.clone()
            };
            let mut opened = Vec::new();
            for n in 0..each {
                opened.push(open_numbered(&f, &admin, &format!("Task {task} ticket {n}")).await);
            }
            (admin.tenant, opened)
        }));
    }
    let mut by_tenant: BTreeMap<TenantId, BTreeMap<TicketNumber, TicketId>> = BTreeMap::new();
    for handle in handles {
        let (tenant, opened) = handle.await.unwrap_or_else(|e| panic!("task: {e}"));
        assert!(
            opened.windows(2).all(|w| w[0].1 < w[1].1),
            "a task's numbers grow in the order it opened its tickets: {opened:?}"
        );
        let numbers = by_tenant.entry(tenant).or_default();
        for (id, number) in opened {
            if let Some(other) = numbers.insert(number, id) {
                panic!("number {number} was given to ticket {other} and to ticket {id}");
            }
        }
    }
    for (tenant, count) in [
        (f.tenant, tasks * each),
        (f.other_tenant, other_tasks * each),
    ] {
        let numbers = &by_tenant[&tenant];
        assert_eq!(
            numbers.len(),
            count,
            "every ticket of the tenant has a number"
        );
        assert_eq!(
            numbers.keys().next().copied(),
            TicketNumber::new(1),
            "each tenant counts from 1, on its own"
        );
        for (&number, &id) in numbers {
            let found = f
                .store()
                .ticket_by_number(tenant, number)
                .await
                .unwrap_or_else(|e| panic!("ticket_by_number: {e}"));
            assert_eq!(
                found,
                Some(id),
                "the store finds ticket {number} by its number"
            );
            let loaded = f
                .store()
                .load(tenant, id)
                .await
                .unwrap_or_else(|e| panic!("load: {e}"))
                .unwrap_or_else(|| panic!("ticket {id} exists"));
            assert_eq!(
                loaded.number(),
                Some(number),
                "the loaded ticket has its number"
            );
            let history = f
                .store()
                .history(tenant, id, 1)
                .await
                .unwrap_or_else(|e| panic!("history: {e}"));
            assert_eq!(
                Ticket::replay(id, history.iter().map(|e| &e.event)).number(),
                Some(number),
                "the number is in the history: replay gives it back"
            );
        }
    }
    let page = f
        .store()
        .query(
            f.tenant,
            &Reach::of(&f.admin),
            TicketQuery::new(Filter::default(), Order::UpdatedAt, 100),
        )
        .await
        .unwrap_or_else(|e| panic!("query: {e}"));
    for row in &page.rows {
        assert_eq!(
            row.number
                .map(|n| by_tenant[&f.tenant].get(&n) == Some(&row.id)),
            Some(true),
            "the row of ticket {} holds its number",
            row.id
        );
    }

    let mut takers = Vec::new();
    for _ in 0..16 {
        let f = f.clone();
        takers.push(tokio::spawn(async move {
            f.store().next_ticket_number(f.tenant).await
        }));
    }
    let mut taken = BTreeSet::new();
    for taker in takers {
        let number = taker
            .await
            .unwrap_or_else(|e| panic!("task: {e}"))
            .unwrap_or_else(|e| panic!("next_ticket_number: {e}"));
        assert!(
            !by_tenant[&f.tenant].contains_key(&number),
            "the counter never hands out a number again ({number})"
        );
        assert!(
            taken.insert(number),
            "concurrent callers get distinct numbers ({number})"
        );
    }
}

/// Given a ticket numbered, then numbers taken by opens that failed (one
/// taken from the counter and never used, one by an open the domain
/// refused after the desk took its number), when more tickets open, then
/// they number past the gaps, in the order they opened, each found by its
/// number, and no number of a gap finds a ticket.
pub async fn opens_number_past_the_gaps_failed_opens_leave<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let admin = f.admin.clone();
    let (first, one) = open_numbered(&f, &admin, "Printer jams").await;
    let taken = f
        .store()
        .next_ticket_number(f.tenant)
        .await
        .unwrap_or_else(|e| panic!("next_ticket_number: {e}"));
    assert!(taken > one, "the counter moves past the numbers it gave");
    let refused = Command::Open(NewTicket::new(admin.id, "   ", ""));
    let id = helpdesk_engine::new_ticket_id();
    let outcome = f
        .desk
        .execute(Request::new(admin.clone(), id, refused))
        .await;
    assert!(outcome.is_err(), "an open without a subject is refused");
    assert!(f.load(id).await.is_none(), "a refused open writes nothing");

    let (second, two) = open_numbered(&f, &admin, "VPN drops").await;
    let (third, three) = open_numbered(&f, &admin, "Mail bounces").await;
    assert!(
        one < taken && taken < two && two < three,
        "opens number past the gaps, in order: {one}, gap {taken}, {two}, {three}"
    );
    for (number, ticket) in [
        (one, Some(first)),
        (two, Some(second)),
        (three, Some(third)),
    ]
    .into_iter()
    .chain((one.get() + 1..two.get()).filter_map(|n| Some((TicketNumber::new(n)?, None))))
    {
        let found = f
            .store()
            .ticket_by_number(f.tenant, number)
            .await
            .unwrap_or_else(|e| panic!("ticket_by_number: {e}"));
        assert_eq!(found, ticket, "number {number} finds {ticket:?}");
    }
}

/// Given tickets numbered in two tenants, then a number finds a ticket in
/// its tenant only, a number no ticket has finds nothing, search finds a
/// ticket by `#n` and by `n`, and an append opening a ticket with a number
/// another ticket of the tenant holds fails with
/// [`StoreError::NumberTaken`] and writes nothing.
pub async fn tickets_are_found_by_number_in_their_tenant_only<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let admin = f.admin.clone();
    let (printer, first) = open_numbered(&f, &admin, "Printer jams").await;
    let foreign = f.foreign_admin.clone();
    let (_, foreign_first) = open_numbered(&f, &foreign, "Elsewhere").await;
    assert_eq!(first, foreign_first, "each tenant has its own #1");
    for _ in 0..11 {
        open_numbered(&f, &admin, "Filler").await;
    }
    let (vpn, twelfth) = open_numbered(&f, &admin, "VPN drops").await;
    assert_eq!(
        twelfth.get(),
        13,
        "numbers follow each other when no open fails"
    );

    let f = &f;
    let by_number = |tenant, number| async move {
        f.store()
            .ticket_by_number(tenant, number)
            .await
            .unwrap_or_else(|e| panic!("ticket_by_number: {e}"))
    };
    assert_eq!(by_number(f.tenant, first).await, Some(printer));
    assert_eq!(
        by_number(f.other_tenant, twelfth).await,
        None,
        "another tenant's number finds nothing"
    );
    assert_eq!(
        by_number(
            f.tenant,
            TicketNumber::new(9999).unwrap_or(TicketNumber::FIRST)
        )
        .await,
        None,
        "a number no ticket has finds nothing"
    );

    for text in ["#13", "13"] {
        let found = f
            .store()
            .search(f.tenant, &Reach::of(&f.admin), &words(text, 10))
            .await
            .unwrap_or_else(|e| panic!("search: {e}"));
        assert!(
            found.iter().any(|row| row.id == vpn),
            "searching {text:?} finds ticket #13"
        );
    }
    let elsewhere = f
        .store()
        .search(f.other_tenant, &Reach::of(&foreign), &words("#13", 10))
        .await
        .unwrap_or_else(|e| panic!("search: {e}"));
    assert!(elsewhere.is_empty(), "another tenant's #13 is not found");

    // An append carrying a number the tenant has given already.
    let id = helpdesk_engine::new_ticket_id();
    let append = opening_with(f, &admin, id, twelfth);
    let command = append.command.command;
    match f.store().append(append).await {
        Err(StoreError::NumberTaken { ticket, number }) => {
            assert_eq!((ticket, number), (id, twelfth), "the error names both");
        }
        other => panic!("a taken number must be refused with NumberTaken, got {other:?}"),
    }
    assert_eq!(
        by_number(f.tenant, twelfth).await,
        Some(vpn),
        "the number keeps its ticket"
    );
    assert!(
        f.load(id).await.is_none(),
        "a refused open writes no ticket"
    );
    assert!(
        f.command(command).await.is_none(),
        "a refused open records no command"
    );
    // The same number in the other tenant is free to take there.
    let append = opening_with(f, &foreign, id, twelfth);
    f.store()
        .append(append)
        .await
        .unwrap_or_else(|e| panic!("another tenant's number {twelfth} is free: {e}"));
}

/// The append that opens `id` as `actor` with `number`, as a desk would
/// write it had the store's counter given that number.
fn opening_with<S: Store + 'static>(
    f: &Fixture<S>,
    actor: &Actor,
    id: TicketId,
    number: TicketNumber,
) -> Append {
    let config = f.desk.config();
    let now = f.clock.now();
    let ctx = Context::new(actor, now, config).with_number(Some(number));
    let open = Command::Open(NewTicket::new(actor.id, "Numbered twice", ""));
    let command = CommandId::new();
    let mut ticket = Ticket::new(id);
    let mut events = Vec::new();
    for event in decide(&ticket, open.clone(), &ctx).unwrap_or_else(|e| panic!("decide: {e}")) {
        apply(&mut ticket, &event);
        events.push(StoredEvent {
            id: EventId::new(),
            tenant: actor.tenant,
            ticket: id,
            version: ticket.version(),
            command,
            event,
        });
    }
    let record = CommandRecord {
        command,
        ticket: id,
        actor: actor.id,
        fingerprint: Fingerprint::of(&open),
        from_version: 0,
        to_version: ticket.version(),
    };
    Append::new(actor.tenant, record, events, ticket, config)
}

/// Given message ids bound in two tenants, then an id finds its ticket in
/// its tenant only, binding again (to the same ticket or another) keeps
/// the first binding and answers it, ids differ by case, and an id
/// remembered before a store is given its ticket still binds.
pub async fn message_ids_are_bound_once_per_tenant<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let first = f.open("Printer jams").await;
    let second = f.open("VPN drops").await;
    let f = &f;
    let id = |text: &str| MessageId::new(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    let mail = id("<CAF=x+Y@mail.example.com>");
    let remember = |tenant, message: MessageId, ticket| async move {
        f.store()
            .remember_message(tenant, &message, ticket)
            .await
            .unwrap_or_else(|e| panic!("remember_message: {e}"))
    };
    let find = |tenant, message: MessageId| async move {
        f.store()
            .ticket_of_message(tenant, &message)
            .await
            .unwrap_or_else(|e| panic!("ticket_of_message: {e}"))
    };

    assert_eq!(
        find(f.tenant, mail.clone()).await,
        None,
        "nothing is bound yet"
    );
    assert_eq!(remember(f.tenant, mail.clone(), first).await, first);
    assert_eq!(find(f.tenant, mail.clone()).await, Some(first));
    assert_eq!(
        remember(f.tenant, mail.clone(), first).await,
        first,
        "remembering again changes nothing"
    );
    assert_eq!(
        remember(f.tenant, mail.clone(), second).await,
        first,
        "the first binding wins, and is answered"
    );
    assert_eq!(find(f.tenant, mail.clone()).await, Some(first));
    assert_eq!(
        find(f.tenant, id("caf=x+y@mail.example.com")).await,
        None,
        "case is kept: another case is another id"
    );
    assert_eq!(
        find(f.other_tenant, mail.clone()).await,
        None,
        "another tenant finds nothing by the id"
    );
    let theirs = TicketId::from_u128(0xf0e);
    assert_eq!(
        remember(f.other_tenant, mail.clone(), theirs).await,
        theirs,
        "another tenant binds the same id to its own ticket"
    );
    assert_eq!(find(f.other_tenant, mail.clone()).await, Some(theirs));
    assert_eq!(
        find(f.tenant, mail).await,
        Some(first),
        "each tenant keeps its own"
    );

    let delivery: helpdesk_engine::DeliveryId = "00000000-0000-0000-0000-000000005e47"
        .parse()
        .unwrap_or_else(|e| panic!("a delivery id: {e:?}"));
    let sent = MessageId::of_delivery(delivery);
    assert_eq!(remember(f.tenant, sent.clone(), second).await, second);
    let reply: MessageId = id(&format!("<{}@desk.example.com>", sent.as_str()));
    let left = reply
        .id_left()
        .unwrap_or_else(|| panic!("{reply} has an id-left"));
    assert_eq!(
        find(f.tenant, left).await,
        Some(second),
        "a sent mail is found by the id-left of its Message-ID"
    );
    let long = id(&"x".repeat(MessageId::MAX_LEN));
    assert_eq!(
        remember(f.tenant, long.clone(), second).await,
        second,
        "the longest id is kept"
    );
    assert_eq!(find(f.tenant, long).await, Some(second));
}

/// Given many tasks binding the same ids at once, each id to a ticket of
/// its own, when they are done, then every caller of an id was answered
/// the same ticket, one of those that asked, and the store finds it: a
/// first binding is decided once, whoever and wherever the callers are
/// (one id taken by one caller is how the mail channel shares a count
/// between hosts).
pub async fn concurrent_bindings_of_an_id_agree_on_the_first<S: Store + 'static>(store: S) {
    let f = Arc::new(Fixture::new(store));
    let (ids, callers) = (16u32, 8u32);
    let mut handles = Vec::new();
    for caller in 0..callers {
        let f = f.clone();
        handles.push(tokio::spawn(async move {
            let mut answered = Vec::new();
            for n in 0..ids {
                let message = MessageId::new(&format!("place.{n}@binding.invalid"))
                    .unwrap_or_else(|e| panic!("an id: {e}"));
                let mine = TicketId::from_u128(u128::from(1 + n * callers + caller));
                let bound = f
                    .store()
                    .remember_message(f.tenant, &message, mine)
                    .await
                    .unwrap_or_else(|e| panic!("remember_message: {e}"));
                answered.push((n, message, bound));
            }
            answered
        }));
    }
    let mut winners: BTreeMap<(u32, MessageId), BTreeSet<TicketId>> = BTreeMap::new();
    for handle in handles {
        let answered = handle.await.unwrap_or_else(|e| panic!("task: {e}"));
        for (n, message, bound) in answered {
            winners.entry((n, message)).or_default().insert(bound);
        }
    }
    assert_eq!(winners.len(), ids as usize, "every id was bound");
    for ((n, message), bound) in winners {
        let [winner] = bound.iter().copied().collect::<Vec<_>>()[..] else {
            panic!("callers of {message} were answered different tickets: {bound:?}");
        };
        let asked =
            (0..callers).map(|caller| TicketId::from_u128(u128::from(1 + n * callers + caller)));
        assert!(
            asked.into_iter().any(|t| t == winner),
            "{message} is bound to {winner}, a ticket one of its callers asked for"
        );
        let found = f
            .store()
            .ticket_of_message(f.tenant, &message)
            .await
            .unwrap_or_else(|e| panic!("ticket_of_message: {e}"));
        assert_eq!(found, Some(winner), "the store finds the binding answered");
    }
}

/// Given appends carrying a mail's Message-ID ([`Append::message`]), then
/// an append that is written binds its mail to its ticket (with events or
/// without), and one that writes nothing binds nothing: a duplicate, a
/// version conflict, a number taken. A binding made first, by an append or
/// by `remember_message`, is kept: an append carrying an id bound to
/// another ticket is refused with [`StoreError::MessageBound`] and writes
/// nothing, not even its command record; another tenant finds none of
/// them, and binds the same id to its own ticket.
pub async fn appends_bind_their_mail_with_their_events<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let f = &f;
    let id = |text: &str| MessageId::new(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    let find = |tenant, message: MessageId| async move {
        f.store()
            .ticket_of_message(tenant, &message)
            .await
            .unwrap_or_else(|e| panic!("ticket_of_message: {e}"))
    };
    let appended = |append: Append| async move { f.store().append(append).await };

    let ticket = helpdesk_engine::new_ticket_id();
    let number = f
        .store()
        .next_ticket_number(f.tenant)
        .await
        .unwrap_or_else(|e| panic!("next_ticket_number: {e}"));
    let mut open = opening_with(f, &f.admin, ticket, number);
    open.message = Some(id("<first@mail.example.com>"));
    let written = appended(open.clone()).await;
    assert!(matches!(written, Ok(Appended::Written)), "{written:?}");
    assert_eq!(
        find(f.tenant, id("first@mail.example.com")).await,
        Some(ticket),
        "a written append binds its mail to its ticket"
    );

    type Check = fn(&Result<Appended, StoreError>) -> bool;
    let refused: [(Append, &str, Check, &str); 3] = [
        (
            open.clone(),
            "again",
            |r| matches!(r, Ok(Appended::Duplicate(_))),
            "a duplicate writes nothing, its mail's binding neither",
        ),
        (
            opening_with(f, &f.admin, ticket, number),
            "late",
            |r| matches!(r, Err(StoreError::Conflict { .. })),
            "an append refused for its version binds nothing",
        ),
        (
            opening_with(f, &f.admin, helpdesk_engine::new_ticket_id(), number),
            "taken",
            |r| matches!(r, Err(StoreError::NumberTaken { .. })),
            "an append refused for its number binds nothing",
        ),
    ];
    for (mut append, name, expected, why) in refused {
        let message = id(&format!("<{name}@mail.example.com>"));
        append.message = Some(message.clone());
        let outcome = appended(append).await;
        assert!(expected(&outcome), "{why}: {outcome:?}");
        assert_eq!(find(f.tenant, message).await, None, "{why}");
    }

    let run = |command: Command, message: &str| {
        let request = Request::new(f.admin.clone(), ticket, command).with_message(id(message));
        async move {
            f.desk
                .execute(request)
                .await
                .unwrap_or_else(|e| panic!("execute: {e}"))
        }
    };
    let tag = || Command::Tag { tag: "vpn".into() };
    assert!(!run(tag(), "<tag@mail.example.com>").await.events.is_empty());
    let unchanged = run(tag(), "<unchanged@mail.example.com>").await;
    assert!(unchanged.events.is_empty(), "already tagged");
    assert_eq!(
        find(f.tenant, id("unchanged@mail.example.com")).await,
        Some(ticket),
        "an append without events binds its mail too"
    );

    let again = Request::new(
        f.admin.clone(),
        ticket,
        Command::Tag {
            tag: "vpn-2".into(),
        },
    )
    .with_message(id("<first@mail.example.com>"));
    f.desk.execute(again).await.unwrap_or_else(|e| {
        panic!("a mail bound to the append's own ticket is no reason to refuse: {e}")
    });

    // A mail bound to another ticket (by an append or by
    // `remember_message`) refuses the append, which writes nothing.
    let second = f.open("VPN drops").await;
    let remembered = id("<remembered@mail.example.com>");
    f.store()
        .remember_message(f.tenant, &remembered, ticket)
        .await
        .unwrap_or_else(|e| panic!("remember_message: {e}"));
    for message in [id("<first@mail.example.com>"), remembered.clone()] {
        let before = f.load(second).await.map(|t| t.version());
        let request = Request::new(
            f.admin.clone(),
            second,
            Command::Tag {
                tag: "printer".into(),
            },
        )
        .with_message(message.clone());
        let command = request.id;
        let refused = f.desk.execute(request).await;
        match &refused {
            Err(DeskError::Store(StoreError::MessageBound {
                message: named,
                ticket: on,
                bound,
            })) => {
                assert_eq!(
                    (named, *on, *bound),
                    (&message, second, ticket),
                    "{refused:?}"
                );
            }
            other => panic!("a mail bound to another ticket must refuse the append, got {other:?}"),
        }
        let after = f.load(second).await.map(|t| t.version());
        assert_eq!(after, before, "a refused append writes no event");
        assert!(
            f.command(command).await.is_none(),
            "a refused append records no command"
        );
        assert_eq!(
            find(f.tenant, message).await,
            Some(ticket),
            "the first binding stays"
        );
    }
    // The same id in another tenant is free: a binding is per tenant.
    let foreign = f.foreign_admin.clone();
    let elsewhere = f.open_as(&foreign, foreign.id, "VPN drops", None).await;
    let request = Request::new(foreign, elsewhere, tag()).with_message(remembered.clone());
    f.desk
        .execute(request)
        .await
        .unwrap_or_else(|e| panic!("another tenant's binding is no reason to refuse: {e}"));
    assert_eq!(
        find(f.other_tenant, remembered.clone()).await,
        Some(elsewhere)
    );
    assert_eq!(
        find(f.other_tenant, id("first@mail.example.com")).await,
        None,
        "another tenant finds nothing"
    );
    assert_eq!(find(f.tenant, remembered).await, Some(ticket));
}

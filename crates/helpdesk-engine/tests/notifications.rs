//! Notifications end to end on the memory store: the rules plan, the
//! directory addresses, the templates word, the dispatcher sends; and a
//! requester is never sent what they may not see.
#![allow(clippy::unwrap_used)]

mod sent;

use helpdesk_core::notification::{NotificationChannel, NotifyOn, Recipient};
use helpdesk_core::{
    Actor, ActorId, Change, Command, DeskConfig, NewTicket, TenantId, TicketId, Vouched,
};
use helpdesk_engine::store::{DeadLetter, MessageId};
use helpdesk_engine::{
    Contact, Desk, Directory, DirectoryFuture, ManualClock, MemoryStore, Notification, OptOut,
    Request, Store, new_comment_id, new_ticket_id,
};
use sent::{Outbox, to};

const TENANT: TenantId = TenantId::from_u128(1);
const ALICE: ActorId = ActorId::from_u128(0xa1);
const MARIA: ActorId = ActorId::from_u128(7);
const JONAS: ActorId = ActorId::from_u128(8);
const LENA: ActorId = ActorId::from_u128(9);

fn config() -> DeskConfig {
    toml::from_str(
        r#"
        [agents.maria]
        id = "00000000-0000-0000-0000-000000000007"
        name = "Maria Keller"
        email = "maria@example.com"

        [agents.jonas]
        id = "00000000-0000-0000-0000-000000000008"
        name = "Jonas Weber"
        email = "jonas@example.com"
        locale = "de-AT"

        [agents.lena]
        id = "00000000-0000-0000-0000-000000000009"
        name = "Lena Roth"

        [[notification_rules]]
        name = "Answers"
        on = ["public_reply", "resolved"]
        to = ["requester", "assignee"]
        via = "email"
        template = "update"

        [[notification_rules]]
        name = "Notes"
        on = ["internal_note", "assigned"]
        to = ["assignee"]
        via = "email"
        template = "update"

        [templates.update.en]
        subject = "[{{ ticket.reference }}] {{ ticket.subject }}"
        text = "Hello {{ recipient.name or 'there' }}: {{ event.summary }}. {{ event.body or '' }}"
        html = "<p>{{ event.body or '' }}</p>"

        [templates.update.de]
        subject = "[{{ ticket.reference }}] {{ ticket.subject }}"
        text = "Hallo {{ recipient.name }}: {{ event.body or '' }}"
        "#,
    )
    .unwrap()
}

struct Given {
    desk: Desk<MemoryStore, Outbox, ManualClock>,
    clock: ManualClock,
    ticket: TicketId,
}

impl Given {
    /// Alice (vouched address alice@example.com) opens a ticket that Jonas
    /// assigns to `assignee`.
    async fn ticket(assignee: ActorId) -> Self {
        let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap());
        let desk = Desk::new(
            config(),
            MemoryStore::new(),
            Outbox::default(),
            clock.clone(),
        )
        .unwrap();
        let ticket = new_ticket_id();
        let alice = Actor::requester(ALICE, TENANT);
        let open = Command::Open(NewTicket::new(ALICE, "VPN <drops>", ""));
        let vouched = Vouched::new().requester_email("alice@example.com");
        desk.execute(Request::new(alice, ticket, open).vouched(vouched))
            .await
            .unwrap();
        let given = Self {
            desk,
            clock,
            ticket,
        };
        given.run(JONAS, Command::Assign { assignee }).await;
        given
    }

    async fn run(&self, agent: ActorId, command: Command) {
        let agent = Actor::agent(agent, TENANT, []);
        self.desk
            .execute(Request::new(agent, self.ticket, command))
            .await
            .unwrap();
    }

    async fn reply(&self, agent: ActorId, body: &str) {
        let reply = Command::Reply {
            comment: new_comment_id(),
            body: body.into(),
            attachments: Vec::new(),
        };
        self.run(agent, reply).await;
    }

    async fn note(&self, agent: ActorId, body: &str) {
        let note = Command::note(new_comment_id(), body);
        self.run(agent, note).await;
    }

    /// Runs the dispatcher until nothing is due; what was sent.
    async fn dispatched(&self) -> Vec<Notification> {
        sent::dispatched(&self.desk, &self.clock).await
    }

    /// The tenant's dead letters, the first ten.
    async fn dead_letters(&self) -> Vec<DeadLetter> {
        self.desk
            .store()
            .dead_letters(TENANT, None, 10)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn a_reply_reaches_the_requester_at_the_vouched_address_and_the_assignee_at_hers() {
    // Given a ticket of Alice's assigned to Maria
    let given = Given::ticket(MARIA).await;
    // When Jonas replies
    given.reply(JONAS, "Restart the client").await;
    // Then Alice and Maria are emailed, each once, at their addresses
    let sent = given.dispatched().await;
    let alice = to(&sent, ALICE);
    assert_eq!(alice.len(), 1);
    assert_eq!(alice[0].to.address.as_deref(), Some("alice@example.com"));
    assert_eq!(alice[0].channel, NotificationChannel::Email);
    assert!(
        alice[0].content.subject.ends_with("] VPN <drops>"),
        "subjects are not escaped"
    );
    assert_eq!(
        alice[0].content.text,
        "Hello there: Jonas Weber replied. Restart the client"
    );
    let maria = to(&sent, MARIA);
    assert_eq!(maria.len(), 2, "the assignment and the reply");
    assert!(
        maria
            .iter()
            .all(|n| n.to.address.as_deref() == Some("maria@example.com"))
    );
    assert!(
        maria[1]
            .content
            .text
            .starts_with("Hello Maria Keller: Jonas Weber replied.")
    );
    // And each delivery has its own key
    let mut ids: Vec<_> = sent.iter().map(|n| n.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), sent.len());
}

#[tokio::test]
async fn a_requester_is_never_sent_an_internal_note() {
    // Given a ticket of Alice's assigned to Maria
    let given = Given::ticket(MARIA).await;
    // When Jonas adds a note with a secret, then replies
    given
        .note(JONAS, "SECRET-4711 the VPN vendor owes us")
        .await;
    given.reply(JONAS, "We are on it").await;
    // Then Alice hears of the reply only, and nothing she is sent holds the note
    let sent = given.dispatched().await;
    let alice = to(&sent, ALICE);
    assert_eq!(alice.len(), 1);
    for n in &alice {
        let seen = serde_json::to_string(n).unwrap();
        assert!(!seen.contains("SECRET-4711"), "{seen}");
    }
    // While Maria, the assignee, is told of the note
    assert!(
        to(&sent, MARIA)
            .iter()
            .any(|n| n.content.text.contains("SECRET-4711"))
    );
}

#[tokio::test]
async fn each_person_is_written_to_in_their_locale_with_a_fallback() {
    // Given a ticket assigned to Jonas, whose locale is de-AT
    let given = Given::ticket(JONAS).await;
    // When Maria replies
    given.reply(MARIA, "Erledigt").await;
    // Then Jonas reads the German text (de-AT falls back to de), and Alice the English
    let sent = given.dispatched().await;
    let jonas = to(&sent, JONAS);
    assert_eq!(jonas.last().unwrap().to.locale, "de-AT");
    assert_eq!(
        jonas.last().unwrap().content.text,
        "Hallo Jonas Weber: Erledigt"
    );
    assert_eq!(
        jonas.last().unwrap().content.html,
        None,
        "the German text has no HTML"
    );
    assert!(to(&sent, ALICE)[0].content.text.starts_with("Hello there"));
}

#[tokio::test]
async fn nobody_without_an_address_is_emailed_and_the_delivery_is_a_dead_letter_saying_why() {
    // Given a ticket assigned to Lena, who has no email address
    let given = Given::ticket(LENA).await;
    // When Maria replies
    given.reply(MARIA, "Done").await;
    // Then Alice is emailed, and Lena's emails are dead letters naming her
    let sent = given.dispatched().await;
    assert_eq!(to(&sent, ALICE).len(), 1);
    assert!(to(&sent, LENA).is_empty());
    let dead = given.dead_letters().await;
    assert_eq!(dead.len(), 2, "the assignment and the reply to Lena");
    assert!(
        dead.iter()
            .all(|d| d.message.delivery.recipient == Recipient::Actor(LENA))
    );
    assert!(
        dead[0]
            .last_error
            .contains(&format!("no email address is known for {LENA}"))
    );
}

/// Everyone has an address; Maria wants no email about resolutions.
struct Accounts;

impl Directory for Accounts {
    fn contact(&self, tenant: TenantId, actor: ActorId) -> DirectoryFuture<'_> {
        let contact = (tenant == TENANT).then(|| Contact {
            name: Some(format!("Account {}", actor.as_uuid().as_u128())),
            email: Some(format!("{}@accounts.example", actor.as_uuid().as_u128())),
            locale: None,
            opt_outs: if actor == MARIA {
                vec![OptOut {
                    on: Some(NotifyOn::Resolved),
                    via: None,
                }]
            } else {
                Vec::new()
            },
            role: None,
            groups: Default::default(),
        });
        Box::pin(async move { Ok(contact) })
    }
}

#[tokio::test]
async fn the_hosts_directory_addresses_and_its_opt_outs_are_kept() {
    // Given a desk on the host's directory, and a ticket assigned to Maria
    let mut given = Given::ticket(MARIA).await;
    given.desk = given.desk.with_directory(Accounts);
    // When Jonas resolves it
    let resolve = Command::Resolve {
        resolution: helpdesk_core::Resolution::new(helpdesk_core::ResolutionCode::Solved, "Fixed"),
        sub_status: None,
    };
    given.run(JONAS, resolve).await;
    // Then Alice is told at her account's address, and Maria, opted out, is not
    let sent = given.dispatched().await;
    let alice = to(&sent, ALICE);
    assert_eq!(alice.len(), 1);
    assert_eq!(alice[0].to.address.as_deref(), Some("161@accounts.example"));
    let maria = to(&sent, MARIA);
    assert!(
        maria
            .iter()
            .all(|n| NotifyOn::of(&n.event.event.change) != Some(NotifyOn::Resolved))
    );
}

#[tokio::test]
async fn a_mail_names_the_ticket_by_its_number_and_its_message_id_leads_back_to_it() {
    // Given a ticket of Alice's, the tenant's first, assigned to Maria
    let given = Given::ticket(MARIA).await;
    // When Jonas replies and the dispatcher sends the mail
    given.reply(JONAS, "Restart the client").await;
    let sent = given.dispatched().await;
    // Then every mail's reference and subject tag is the ticket's number
    assert!(!sent.is_empty());
    for mail in &sent {
        assert_eq!(mail.reference, "#1");
        assert!(
            mail.content.subject.starts_with("[#1] "),
            "{}",
            mail.content.subject
        );
    }
    // And the store leads each mail's Message-ID back to the ticket, in
    // the tenant only
    for mail in &sent {
        let reply_to: MessageId = format!("<{}@desk.example.com>", mail.id).parse().unwrap();
        let sent_key = reply_to.id_left().unwrap();
        assert_eq!(sent_key, MessageId::of_delivery(mail.id));
        let store = given.desk.store();
        assert_eq!(
            store.ticket_of_message(TENANT, &sent_key).await.unwrap(),
            Some(given.ticket)
        );
        let elsewhere = TenantId::from_u128(2);
        assert_eq!(
            store.ticket_of_message(elsewhere, &sent_key).await.unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn a_mail_about_an_internal_note_is_bound_under_its_internal_key() {
    // Given a ticket of Alice's assigned to Maria
    let given = Given::ticket(MARIA).await;
    // When Jonas adds a note and the dispatcher sends Maria its mail
    given.note(JONAS, "Known issue INC-42").await;
    let sent = given.dispatched().await;
    let maria: Vec<_> = to(&sent, MARIA)
        .into_iter()
        .filter(|n| matches!(n.event.event.change, Change::NoteAdded { .. }))
        .collect();
    assert_eq!(maria.len(), 1, "{sent:?}");
    // Then the mail tells of what requesters may not see, and the store
    // leads its internal key, not its plain one, back to the ticket
    let mail = maria[0];
    assert!(mail.is_internal());
    assert_eq!(mail.message_key(), MessageId::of_internal_delivery(mail.id));
    let store = given.desk.store();
    assert_eq!(
        store
            .ticket_of_message(TENANT, &MessageId::of_internal_delivery(mail.id))
            .await
            .unwrap(),
        Some(given.ticket)
    );
    assert_eq!(
        store
            .ticket_of_message(TENANT, &MessageId::of_delivery(mail.id))
            .await
            .unwrap(),
        None
    );
    // And a mail about a public reply is bound under its plain key
    given.reply(JONAS, "Restart the client").await;
    let public = given.dispatched().await;
    let reply = public
        .iter()
        .find(|n| matches!(n.event.event.change, Change::Replied { .. }))
        .unwrap();
    assert!(!reply.is_internal());
    assert_eq!(reply.message_key(), MessageId::of_delivery(reply.id));
}

#[tokio::test]
async fn a_delivery_that_sends_no_mail_binds_no_message_id() {
    // Given a ticket whose assignee Lena has no address
    let given = Given::ticket(LENA).await;
    // When a note is added for her and the dispatcher runs
    given.note(JONAS, "Over to you").await;
    let sent = given.dispatched().await;
    assert!(to(&sent, LENA).is_empty(), "nothing is sent to Lena");
    // Then no message id of hers leads to the ticket
    let dead = given.dead_letters().await;
    assert!(!dead.is_empty(), "her deliveries are dead letters");
    for letter in dead {
        for key in [
            MessageId::of_delivery(letter.message.id),
            MessageId::of_internal_delivery(letter.message.id),
        ] {
            assert_eq!(
                given
                    .desk
                    .store()
                    .ticket_of_message(TENANT, &key)
                    .await
                    .unwrap(),
                None
            );
        }
    }
}

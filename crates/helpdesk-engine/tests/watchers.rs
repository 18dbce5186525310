//! Watchers end to end on the memory store: rules naming `watchers` plan a
//! delivery per watcher, the dispatcher sends each over every channel the
//! rules name, and what a watcher is told follows the role they watch in.
#![allow(clippy::unwrap_used)]

mod sent;

use helpdesk_core::notification::NotificationChannel;
use helpdesk_core::{
    Actor, ActorId, ActorRef, Command, DeskConfig, DomainError, NewTicket, Role, TenantId, TicketId,
};
use helpdesk_engine::{
    ConfigDirectory, Contact, Desk, DeskError, Directory, DirectoryError, DirectoryFuture,
    Executed, ManualClock, MemoryStore, Notification, Request, new_comment_id, new_ticket_id,
};
use sent::{Outbox, to};

const TENANT: TenantId = TenantId::from_u128(1);
/// The requester.
const ALICE: ActorId = ActorId::from_u128(0xa1);
/// A customer Alice's colleague copies on the ticket.
const ERIN: ActorId = ActorId::from_u128(0xe1);
/// Agents: Maria follows the ticket, Jonas works on it.
const MARIA: ActorId = ActorId::from_u128(7);
const JONAS: ActorId = ActorId::from_u128(8);

/// Watchers hear of replies, notes and resolutions by email, webhook and
/// NATS; everyone has an address.
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

        [agents.erin]
        id = "00000000-0000-0000-0000-0000000000e1"
        name = "Erin Cole"
        email = "erin@example.com"

        [[notification_rules]]
        name = "Followers by email"
        on = ["public_reply", "internal_note", "resolved"]
        to = ["watchers"]
        via = "email"
        template = "update"

        [[notification_rules]]
        name = "Followers by webhook"
        on = ["public_reply", "internal_note"]
        to = ["watchers"]
        via = "webhook"
        template = "update"

        [[notification_rules]]
        name = "Followers on the bus"
        on = ["public_reply", "internal_note"]
        to = ["watchers"]
        via = "nats"
        skip_actor = false

        [templates.update.en]
        subject = "[{{ ticket.reference }}] {{ ticket.subject }}"
        text = "Hello {{ recipient.name or 'there' }}: {{ event.summary }}. {{ event.body or '' }}"
        html = "<p>{{ event.body or '' }}</p>"
        "#,
    )
    .unwrap()
}

/// The host's accounts: Erin is a customer, Maria and Jonas are agents;
/// anyone else is unknown.
struct Accounts;

impl Directory for Accounts {
    fn contact(&self, tenant: TenantId, actor: ActorId) -> DirectoryFuture<'_> {
        let role = match actor {
            ERIN => Some(Role::Requester),
            MARIA | JONAS => Some(Role::Agent),
            _ => None,
        };
        let contact = role.filter(|_| tenant == TENANT).map(|role| Contact {
            email: Some(format!("{}@accounts.example", actor.as_uuid().as_u128())),
            role: Some(role),
            ..Contact::default()
        });
        Box::pin(async move { Ok(contact) })
    }
}

/// A directory whose database is down.
struct Down;

impl Directory for Down {
    fn contact(&self, _: TenantId, _: ActorId) -> DirectoryFuture<'_> {
        Box::pin(async { Err(DirectoryError("accounts database unreachable".into())) })
    }
}

struct Given {
    desk: Desk<MemoryStore, Outbox, ManualClock>,
    clock: ManualClock,
    ticket: TicketId,
}

impl Given {
    /// Alice's ticket, on a desk looking people up in `directory`.
    async fn opened(directory: impl Directory + 'static) -> Self {
        let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap());
        let desk = Desk::new(
            config(),
            MemoryStore::new(),
            Outbox::default(),
            clock.clone(),
        )
        .unwrap()
        .with_directory(directory);
        let ticket = new_ticket_id();
        let alice = Actor::requester(ALICE, TENANT);
        let open = Command::Open(NewTicket::new(ALICE, "VPN drops", ""));
        desk.execute(Request::new(alice, ticket, open))
            .await
            .unwrap();
        Self {
            desk,
            clock,
            ticket,
        }
    }

    /// Alice's ticket, followed by Maria as an agent and with Erin copied
    /// on it as a requester.
    async fn watched() -> Self {
        let given = Self::opened(ConfigDirectory::new(&config())).await;
        given.watch(MARIA, Role::Agent).await;
        given.watch(ERIN, Role::Requester).await;
        given
    }

    async fn try_run(&self, agent: ActorId, command: Command) -> Result<Executed, DeskError> {
        let agent = Actor::agent(agent, TENANT, []);
        self.desk
            .execute(Request::new(agent, self.ticket, command))
            .await
    }

    async fn run(&self, agent: ActorId, command: Command) {
        self.try_run(agent, command).await.unwrap();
    }

    /// Jonas adds `who` as a watcher in `role`.
    async fn try_watch(&self, who: ActorId, role: Role) -> Result<Executed, DeskError> {
        let watcher = ActorRef { id: who, role };
        self.try_run(JONAS, Command::Watch { watcher }).await
    }

    /// Jonas adds `who` as a watcher in `role`.
    async fn watch(&self, who: ActorId, role: Role) {
        self.try_watch(who, role).await.unwrap();
    }

    /// Who watches the ticket, in which role, as staff see it.
    async fn watchers(&self) -> Vec<ActorRef> {
        let agent = Actor::agent(JONAS, TENANT, []);
        let ticket = self.desk.ticket(&agent, self.ticket).await.unwrap();
        ticket.unwrap().watchers().collect()
    }

    async fn reply(&self, agent: ActorId, body: &str) {
        let comment = new_comment_id();
        let body = body.into();
        self.run(
            agent,
            Command::Reply {
                comment,
                body,
                attachments: Vec::new(),
            },
        )
        .await;
    }

    async fn note(&self, agent: ActorId, body: &str) {
        self.run(agent, Command::note(new_comment_id(), body)).await;
    }

    /// Runs the dispatcher until nothing is due; what was sent.
    async fn dispatched(&self) -> Vec<Notification> {
        sent::dispatched(&self.desk, &self.clock).await
    }
}

fn channels(sent: &[&Notification]) -> Vec<NotificationChannel> {
    sent.iter().map(|n| n.channel).collect()
}

#[tokio::test]
async fn a_reply_reaches_every_watcher_over_every_channel_the_rules_name() {
    // Given Alice's ticket, followed by Maria and copied to Erin
    let given = Given::watched().await;
    // When Jonas replies
    given.reply(JONAS, "Restart the client").await;
    // Then Maria and Erin are told by email, webhook and NATS, Erin at her address
    let sent = given.dispatched().await;
    use NotificationChannel::{Email, Nats, Webhook};
    assert_eq!(channels(&to(&sent, MARIA)), [Email, Webhook, Nats]);
    let erin = to(&sent, ERIN);
    assert_eq!(channels(&erin), [Email, Webhook, Nats]);
    assert_eq!(erin[0].to.address.as_deref(), Some("erin@example.com"));
    assert_eq!(
        erin[0].content.text,
        "Hello Erin Cole: Jonas Weber replied. Restart the client"
    );
    // And Alice, who does not watch, and Jonas, who wrote it, hear nothing
    assert!(to(&sent, ALICE).is_empty());
    assert!(to(&sent, JONAS).is_empty());
}

#[tokio::test]
async fn a_watcher_is_never_told_of_their_own_action() {
    // Given Alice's ticket, followed by Maria and copied to Erin, and a
    // rule on the bus that does not skip the actor
    let given = Given::watched().await;
    // When Maria replies
    given.reply(MARIA, "Fixed on our side").await;
    // Then Erin hears of it, and Maria, though she watches, does not
    let sent = given.dispatched().await;
    assert_eq!(to(&sent, ERIN).len(), 3);
    assert!(to(&sent, MARIA).is_empty(), "{:?}", to(&sent, MARIA));
}

#[tokio::test]
async fn a_watcher_who_stopped_watching_hears_nothing_more() {
    // Given Erin unwatched the ticket
    let given = Given::watched().await;
    given.run(JONAS, Command::Unwatch { watcher: ERIN }).await;
    // When Jonas replies
    given.reply(JONAS, "Any news?").await;
    // Then only Maria is told
    let sent = given.dispatched().await;
    assert!(to(&sent, ERIN).is_empty());
    assert_eq!(to(&sent, MARIA).len(), 3);
}

#[tokio::test]
async fn a_requester_watcher_never_receives_an_internal_note_in_any_channel() {
    // Given Alice's ticket, followed by Maria and copied to Erin, and Jonas
    // watching as an agent until just before the notes
    let given = Given::watched().await;
    given.watch(JONAS, Role::Agent).await;
    // When agents add notes with secrets, Jonas is copied as a requester
    // before anything is sent, and a reply follows
    let secrets = ["SECRET-1 vendor owes us", "SECRET-2 VIP, be nice"];
    given.note(MARIA, secrets[0]).await;
    given.note(JONAS, secrets[1]).await;
    given
        .run(
            MARIA,
            Command::Watch {
                watcher: ActorRef {
                    id: JONAS,
                    role: Role::Requester,
                },
            },
        )
        .await;
    given.reply(MARIA, "We are on it").await;
    let sent = given.dispatched().await;
    // Then nothing any requester-role watcher or the requester is sent, in
    // any channel, holds a secret: subject, text, HTML or the event itself
    let customers: Vec<&Notification> = [ERIN, JONAS, ALICE]
        .into_iter()
        .flat_map(|who| to(&sent, who))
        .collect();
    assert!(!customers.is_empty(), "the reply reached them");
    for n in &customers {
        let seen = serde_json::to_string(n).unwrap();
        for secret in secrets {
            assert!(!seen.contains(secret), "{} got {secret}: {seen}", n.channel);
        }
        assert!(n.event.event.is_visible_to(Role::Requester));
    }
    // While Maria, watching as an agent, is told of the note she did not write
    assert!(
        to(&sent, MARIA)
            .iter()
            .any(|n| n.content.text.contains(secrets[1]))
    );
}

#[tokio::test]
async fn a_ticket_view_names_its_watchers_as_each_reader_may_see_them() {
    // Given Alice's ticket, followed by Maria and copied to Erin
    let given = Given::watched().await;
    // When Jonas and Alice read it
    let agent = Actor::agent(JONAS, TENANT, []);
    let staff = given.desk.ticket_view(&agent, given.ticket).await.unwrap();
    let alice = Actor::requester(ALICE, TENANT);
    let hers = given.desk.ticket_view(&alice, given.ticket).await.unwrap();
    // Then Jonas sees both with their names, and Alice only Erin
    let names = |view: &helpdesk_engine::view::TicketView| -> Vec<(ActorId, Role, Option<String>)> {
        view.watchers
            .iter()
            .map(|w| (w.id, w.role, w.name.clone()))
            .collect()
    };
    assert_eq!(
        names(&staff.unwrap()),
        [
            (MARIA, Role::Agent, Some("Maria Keller".into())),
            (ERIN, Role::Requester, Some("Erin Cole".into())),
        ]
    );
    assert_eq!(
        names(&hers.unwrap()),
        [(ERIN, Role::Requester, Some("Erin Cole".into()))]
    );
}

#[tokio::test]
async fn a_watcher_named_in_a_role_the_directory_contradicts_is_refused_naming_the_field() {
    // Given Alice's ticket on a desk whose directory knows Erin as a
    // customer and Maria as an agent
    let given = Given::opened(Accounts).await;
    for (who, claimed, known) in [
        (ERIN, Role::Agent, "a requester"),
        (ERIN, Role::Admin, "a requester"),
        (MARIA, Role::Requester, "an agent"),
    ] {
        // When Jonas adds them in another role
        let refused = given.try_watch(who, claimed).await.err().unwrap();
        // Then the watch is refused, naming the field and what the
        // directory says
        let DeskError::Rejected(DomainError::Invalid(invalid)) = &refused else {
            panic!("{who} as {claimed:?}: {refused:?}");
        };
        assert_eq!(invalid.field, "watcher.role");
        assert!(
            refused
                .to_string()
                .contains(&format!("is {known} in the desk's directory")),
            "{refused}"
        );
    }
    // And nothing was written
    assert!(given.watchers().await.is_empty());
    // While the roles the directory gives, and the word of the caller for
    // someone it does not know, are taken
    given.watch(ERIN, Role::Requester).await;
    given.watch(MARIA, Role::Agent).await;
    let stranger = ActorId::from_u128(0x51);
    given.watch(stranger, Role::Requester).await;
    let watching = given.watchers().await;
    let roles: Vec<(ActorId, Role)> = watching.iter().map(|w| (w.id, w.role)).collect();
    assert_eq!(
        roles,
        [
            (MARIA, Role::Agent),
            (stranger, Role::Requester),
            (ERIN, Role::Requester)
        ]
    );
}

#[tokio::test]
async fn a_staff_watcher_must_be_an_agent_of_the_configuration_that_lists_them() {
    // Given Alice's ticket on a desk whose configuration lists its agents
    // and whose directory knows no roles
    let given = Given::opened(ConfigDirectory::new(&config())).await;
    let stranger = ActorId::from_u128(0x51);
    for role in [Role::Agent, Role::Supervisor, Role::Admin] {
        // When Jonas adds someone the configuration does not list, as staff
        let refused = given.try_watch(stranger, role).await.err().unwrap();
        // Then the watch is refused, naming the field
        let DeskError::Rejected(DomainError::Invalid(invalid)) = &refused else {
            panic!("{role:?}: {refused:?}");
        };
        assert_eq!(invalid.field, "watcher.role");
        assert!(refused.to_string().contains("is not an agent"), "{refused}");
    }
    assert!(given.watchers().await.is_empty(), "nothing was written");
    // While the same person watches as a requester, and a listed agent as
    // an agent
    given.watch(stranger, Role::Requester).await;
    given.watch(MARIA, Role::Agent).await;
    let roles: Vec<(ActorId, Role)> = given
        .watchers()
        .await
        .iter()
        .map(|w| (w.id, w.role))
        .collect();
    assert_eq!(roles, [(MARIA, Role::Agent), (stranger, Role::Requester)]);
}

#[tokio::test]
async fn a_customer_refused_as_an_agent_watcher_is_never_sent_an_internal_note() {
    // Given Alice's ticket on a desk whose directory knows Erin as a
    // customer, and Jonas trying to copy her on it as an agent
    let given = Given::opened(Accounts).await;
    assert!(given.try_watch(ERIN, Role::Agent).await.is_err());
    // When agents write notes with secrets, Erin is then copied in the role
    // the directory gives her, and a reply and another note follow
    let secrets = ["SECRET-1 vendor owes us", "SECRET-2 VIP, be nice"];
    given.note(MARIA, secrets[0]).await;
    given.watch(ERIN, Role::Requester).await;
    given.reply(JONAS, "We are on it").await;
    given.note(JONAS, secrets[1]).await;
    let sent = given.dispatched().await;
    // Then Erin is told of the reply, over every channel the rules name,
    // and of nothing that holds a secret
    let erin = to(&sent, ERIN);
    use NotificationChannel::{Email, Nats, Webhook};
    assert_eq!(channels(&erin), [Email, Webhook, Nats]);
    for n in &erin {
        let seen = serde_json::to_string(n).unwrap();
        for secret in secrets {
            assert!(!seen.contains(secret), "{} got {secret}: {seen}", n.channel);
        }
        assert!(n.event.event.is_visible_to(Role::Requester));
    }
}

#[tokio::test]
async fn a_directory_that_cannot_answer_refuses_the_watch_and_writes_nothing() {
    // Given Alice's ticket on a desk whose directory is down
    let given = Given::opened(Down).await;
    // When Jonas adds Erin as a watcher
    let refused = given.try_watch(ERIN, Role::Requester).await.err().unwrap();
    // Then the directory's failure is told, and nobody watches
    assert!(matches!(refused, DeskError::Directory(_)), "{refused:?}");
    assert!(given.watchers().await.is_empty());
}

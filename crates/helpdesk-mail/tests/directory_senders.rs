//! The inbound mail's senders looked up in the desk's directory
//! (`DirectorySenders`): who each address is, in which role and groups, and
//! a staff reply by mail recorded as the agent's, on a real SQLite desk.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use helpdesk_core::{
    Actor, ActorId, ActorRef, Change, DeskConfig, GroupId, Role, TenantId, TicketId, Visibility,
};
use helpdesk_engine::store::MessageId;
use helpdesk_engine::{
    ByEmailFuture, Contact, DeliveryId, Desk, Directory, DirectoryError, DirectoryFuture,
    ManualClock, NoNotifier, Store,
};
use helpdesk_mail::{
    Arrival, DirectorySenders, FsAttachments, Held, Ignored, InboundConfig, MailChannel, Outcome,
    Senders, UnknownSenders,
};
use helpdesk_sqlite::SqliteStore;

const TENANT: TenantId = TenantId::from_u128(1);
const ANN: ActorId = ActorId::from_u128(0xa1);
const MARIA: ActorId = ActorId::from_u128(7);
const G1: GroupId = GroupId::from_u128(0x61);

/// The host's accounts in tenant 1: Ann, a customer; Maria, an agent of
/// group 1; Sam, whose role the accounts do not say; and a mailbox the
/// accounts claim for the host's automation.
struct Accounts;

impl Directory for Accounts {
    fn contact(&self, _: TenantId, _: ActorId) -> DirectoryFuture<'_> {
        Box::pin(async { Ok(None) })
    }

    fn by_email(&self, tenant: TenantId, email: &str) -> ByEmailFuture<'_> {
        let found = match (tenant == TENANT, email) {
            (true, "ann@customer.test") => Some((ANN, Some(Role::Requester), vec![])),
            (true, "maria@help.example.com") => Some((MARIA, Some(Role::Agent), vec![G1])),
            (true, "sam@customer.test") => Some((ActorId::from_u128(0x5a), None, vec![])),
            (true, "robot@help.example.com") => {
                Some((ActorId::from_u128(0x70), Some(Role::System), vec![]))
            }
            _ => None,
        };
        let found = found.map(|(id, role, groups)| {
            let contact = Contact {
                role,
                groups: groups.into_iter().collect(),
                ..Contact::default()
            };
            (id, contact)
        });
        Box::pin(async move { Ok(found) })
    }
}

/// A directory whose database is down.
struct Down;

impl Directory for Down {
    fn contact(&self, _: TenantId, _: ActorId) -> DirectoryFuture<'_> {
        Box::pin(async { Err(DirectoryError("accounts database unreachable".into())) })
    }

    fn by_email(&self, _: TenantId, _: &str) -> ByEmailFuture<'_> {
        Box::pin(async { Err(DirectoryError("accounts database unreachable".into())) })
    }
}

#[tokio::test]
async fn each_address_is_the_person_the_directory_knows_in_their_role() {
    // Given senders looked up in the host's accounts
    let senders = DirectorySenders::new(Accounts);
    let of = |address: &'static str| senders.actor(TENANT, address);

    // When the channel asks who sent mail from each address
    // Then the customer is a requester, the agent acts in her groups
    assert_eq!(
        of("ann@customer.test").await,
        Some(Actor::requester(ANN, TENANT))
    );
    assert_eq!(
        of("maria@help.example.com").await,
        Some(Actor::agent(MARIA, TENANT, [G1]))
    );
    // And someone without a role, or named the host's automation, is no
    // more than a requester
    for address in ["sam@customer.test", "robot@help.example.com"] {
        let sender = of(address).await.unwrap();
        assert_eq!(sender.role, Role::Requester, "{address}");
        assert!(sender.groups.is_empty());
    }
    // And an address it does not know, or one of another tenant, is unknown
    assert_eq!(of("stranger@example.test").await, None);
    let other = TenantId::from_u128(2);
    assert_eq!(senders.actor(other, "maria@help.example.com").await, None);
    // And a directory that cannot answer leaves every sender unknown
    let down = DirectorySenders::new(Down);
    assert_eq!(down.actor(TENANT, "maria@help.example.com").await, None);
}

/// A mail from `from` (passing DMARC for its domain) with `headers`.
fn mail(from: &str, id: &str, headers: &str, body: &str) -> Vec<u8> {
    let domain = from.rsplit('@').next().unwrap().trim_end_matches('>');
    format!(
        "From: {from}\r\nTo: support@help.example.com\r\nSubject: VPN drops\r\n\
         Message-ID: <{id}>\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n\
         Authentication-Results: mx.example.com; dmarc=pass header.from={domain}\r\n{headers}\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
    .into_bytes()
}

#[tokio::test]
async fn a_mail_from_staff_replies_as_the_agent_the_directory_names() {
    // Given a desk and its mail channel sharing the host's accounts, and
    // Ann's mail that opened a ticket
    let dir = tempfile::tempdir().unwrap();
    let (desk, channel, ticket) = anns_ticket(&dir).await;
    let arrival = Arrival::default();

    // When Maria answers Ann's mail from her own mailbox
    let answer = mail(
        "Maria <maria@help.example.com>",
        "m1@help.example.com",
        "In-Reply-To: <a1@customer.test>\r\n",
        "Restart the client.\r\n",
    );
    let replied = channel.ingest(&desk, &answer, &arrival).await.unwrap();

    // Then the ticket is Ann's, and the answer is Maria's public reply as
    // an agent
    assert!(matches!(replied, Outcome::Replied { .. }), "{replied:?}");
    let loaded = desk.store().load(TENANT, ticket).await.unwrap().unwrap();
    assert_eq!(loaded.requester(), ANN);
    let history = desk.store().history(TENANT, ticket, 1).await.unwrap();
    let replies: Vec<ActorRef> = history
        .iter()
        .filter(|e| matches!(e.event.change, Change::Replied { .. }))
        .map(|e| e.event.by)
        .collect();
    let maria = ActorRef {
        id: MARIA,
        role: Role::Agent,
    };
    assert_eq!(replies, [maria]);
}

type AccountsDesk = Desk<SqliteStore, NoNotifier, ManualClock>;
type AccountsChannel = MailChannel<FsAttachments, DirectorySenders<Arc<Accounts>>>;

/// A desk on a SQLite file in `dir` and its channel, sharing the host's
/// accounts, the channel's configuration as `adjust` leaves it.
fn desk_and_channel(
    dir: &tempfile::TempDir,
    adjust: impl FnOnce(&mut InboundConfig),
) -> (AccountsDesk, AccountsChannel) {
    let accounts = Arc::new(Accounts);
    let store = SqliteStore::open(dir.path().join("desk.db")).unwrap();
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap());
    let desk = Desk::new(DeskConfig::default(), store, NoNotifier, clock)
        .unwrap()
        .with_directory(accounts.clone());
    let mut config = InboundConfig::new(TENANT, ActorId::from_u128(1), "support@help.example.com");
    config.trusted_servers = vec!["mx.example.com".into()];
    config.message_domains = vec!["help.example.com".into()];
    adjust(&mut config);
    let files = FsAttachments::new(dir.path().join("files"));
    let channel = MailChannel::new(config, files, DirectorySenders::new(accounts));
    (desk, channel)
}

/// A desk, its channel sharing the host's accounts, and Ann's ticket,
/// opened by her mail `a1@customer.test`.
async fn anns_ticket(dir: &tempfile::TempDir) -> (AccountsDesk, AccountsChannel, TicketId) {
    let (desk, channel) = desk_and_channel(dir, |_| {});
    let first = mail(
        "Ann <ann@customer.test>",
        "a1@customer.test",
        "",
        "It drops.\r\n",
    );
    let opened = channel
        .ingest(&desk, &first, &Arrival::default())
        .await
        .unwrap();
    let Outcome::Opened { ticket, .. } = opened else {
        panic!("{opened:?}")
    };
    (desk, channel, ticket)
}

#[tokio::test]
async fn refusing_or_holding_strangers_still_takes_in_the_people_the_host_knows() {
    for (setting, stranger_answer) in [
        (
            UnknownSenders::Refuse,
            Outcome::Ignored(Ignored::UnknownSender {
                address: "stranger@example.test".into(),
            }),
        ),
        (
            UnknownSenders::Hold,
            Outcome::Held(Held::UnknownSender {
                address: "stranger@example.test".into(),
            }),
        ),
    ] {
        // Given a mailbox that refuses, or holds, mail from addresses the
        // host does not know
        let dir = tempfile::tempdir().unwrap();
        let (desk, channel) = desk_and_channel(&dir, |c| c.unknown_senders = setting);

        // When Ann, whom the accounts know, and a stranger write in
        let ann = mail("Ann <ann@customer.test>", "k1@customer.test", "", "Hi.\r\n");
        let stranger = mail("stranger@example.test", "s1@example.test", "", "Hi.\r\n");
        let from_ann = channel.ingest(&desk, &ann, &Arrival::default()).await;
        let from_stranger = channel.ingest(&desk, &stranger, &Arrival::default()).await;

        // Then Ann's mail opens her ticket, and the stranger's is refused
        // or held, writing nothing, and answered the same when offered again
        let Ok(Outcome::Opened { ticket, .. }) = from_ann else {
            panic!("{setting:?}: {from_ann:?}")
        };
        let opened = desk.store().load(TENANT, ticket).await.unwrap().unwrap();
        assert_eq!(opened.requester(), ANN, "{setting:?}");
        assert_eq!(from_stranger.unwrap(), stranger_answer, "{setting:?}");
        let again = channel.ingest(&desk, &stranger, &Arrival::default()).await;
        assert_eq!(again.unwrap(), stranger_answer, "{setting:?}");
        let held_key = MessageId::new("s1@example.test").unwrap();
        assert_eq!(
            desk.store()
                .ticket_of_message(TENANT, &held_key)
                .await
                .unwrap(),
            None,
            "{setting:?}"
        );
    }
}

/// The desk's mail to staff about an internal note on `ticket`, bound as
/// the dispatcher binds it: its key.
async fn internal_mail_sent(desk: &AccountsDesk, ticket: TicketId) -> MessageId {
    let sent = MessageId::of_internal_delivery(DeliveryId::from_uuid(uuid::Uuid::from_u128(0xde1)));
    desk.store()
        .remember_message(TENANT, &sent, ticket)
        .await
        .unwrap();
    sent
}

#[tokio::test]
async fn a_staff_answer_to_the_desks_mail_about_an_internal_note_stays_internal() {
    // Given Ann's ticket, and the desk's mail to Maria about an internal
    // note on it, bound as the dispatcher binds it
    let dir = tempfile::tempdir().unwrap();
    let (desk, channel, ticket) = anns_ticket(&dir).await;
    let sent = internal_mail_sent(&desk, ticket).await;

    // When Maria answers it, quoting the note
    let answer = mail(
        "Maria <maria@help.example.com>",
        "m2@help.example.com",
        &format!("In-Reply-To: <{}@help.example.com>\r\n", sent.as_str()),
        "Agreed, it is the known issue.\r\n\r\n\
         On Mon, 2 Mar 2026 at 09:30, Support <support@help.example.com> wrote:\r\n\
         > Internal: INC-42, the workaround is to roll back the gateway.\r\n",
    );
    let outcome = channel
        .ingest(&desk, &answer, &Arrival::default())
        .await
        .unwrap();

    // Then it is Maria's internal note, with the original kept on it
    let Outcome::Noted { comment, .. } = outcome else {
        panic!("{outcome:?}")
    };
    let loaded = desk.store().load(TENANT, ticket).await.unwrap().unwrap();
    let note = loaded.conversation().find(|c| c.id == comment).unwrap();
    assert_eq!(note.visibility, Visibility::Internal);
    assert_eq!(note.body, "Agreed, it is the known issue.");
    assert_eq!(note.author.id, MARIA);
    let names: Vec<&str> = note.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["original.eml"]);

    // And Ann learns nothing of it: not the note, not the original, not
    // by search, and no event of it in her history
    let ann = Actor::requester(ANN, TENANT);
    let hers = desk.ticket(&ann, ticket).await.unwrap().unwrap();
    assert!(hers.conversation().all(|c| c.id != comment));
    assert!(
        hers.attachments()
            .iter()
            .all(|a| !note.attachments.contains(a))
    );
    assert!(desk.search(&ann, "inc-42", 10).await.unwrap().is_empty());
    assert!(desk.search(&ann, "agreed", 10).await.unwrap().is_empty());
    let history = desk.history(&ann, ticket).await.unwrap();
    assert!(
        history.iter().all(|e| !matches!(
            e.event.change,
            Change::NoteAdded { .. }
                | Change::Attached {
                    visibility: Visibility::Internal,
                    ..
                }
        )),
        "{history:?}"
    );

    // And offered again, it is answered the same and written once
    let again = channel
        .ingest(&desk, &answer, &Arrival::default())
        .await
        .unwrap();
    assert_eq!(again, outcome);
    let after = desk.store().load(TENANT, ticket).await.unwrap().unwrap();
    assert_eq!(after.version(), loaded.version());
}

#[tokio::test]
async fn a_requesters_mail_naming_the_desks_internal_mail_is_still_a_public_reply() {
    // Given Ann's ticket and the desk's mail to staff about an internal note
    let dir = tempfile::tempdir().unwrap();
    let (desk, channel, ticket) = anns_ticket(&dir).await;
    let sent = internal_mail_sent(&desk, ticket).await;

    // When Ann's mail names that mail in its In-Reply-To (she cannot have
    // had it; she made it up or was forwarded it)
    let reply = mail(
        "Ann <ann@customer.test>",
        "a2@customer.test",
        &format!("In-Reply-To: <{}@help.example.com>\r\n", sent.as_str()),
        "Any news?\r\n",
    );
    let outcome = channel
        .ingest(&desk, &reply, &Arrival::default())
        .await
        .unwrap();

    // Then it is her public reply, as any of hers: a requester writes no note
    let Outcome::Replied { comment, .. } = outcome else {
        panic!("{outcome:?}")
    };
    let loaded = desk.store().load(TENANT, ticket).await.unwrap().unwrap();
    let found = loaded.conversation().find(|c| c.id == comment).unwrap();
    assert_eq!(found.visibility, Visibility::Public);
    assert_eq!(found.author.id, ANN);
}

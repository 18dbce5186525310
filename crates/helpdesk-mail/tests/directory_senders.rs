//! The inbound mail's senders looked up in the desk's directory
//! (`DirectorySenders`): who each address is, in which role and groups, and
//! a staff reply by mail recorded as the agent's, on a real SQLite desk.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use helpdesk_core::{Actor, ActorId, ActorRef, Change, DeskConfig, GroupId, Role, TenantId};
use helpdesk_engine::{
    ByEmailFuture, Contact, Desk, Directory, DirectoryError, DirectoryFuture, ManualClock,
    NoNotifier, Store,
};
use helpdesk_mail::{
    Arrival, DirectorySenders, FsAttachments, InboundConfig, MailChannel, Outcome, Senders,
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
    let accounts = Arc::new(Accounts);
    let store = SqliteStore::open(dir.path().join("desk.db")).unwrap();
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap());
    let desk = Desk::new(DeskConfig::default(), store, NoNotifier, clock)
        .unwrap()
        .with_directory(accounts.clone());
    let mut config = InboundConfig::new(TENANT, ActorId::from_u128(1), "support@help.example.com");
    config.trusted_servers = vec!["mx.example.com".into()];
    let files = FsAttachments::new(dir.path().join("files"));
    let channel = MailChannel::new(config, files, DirectorySenders::new(accounts));
    let arrival = Arrival::default();
    let first = mail(
        "Ann <ann@customer.test>",
        "a1@customer.test",
        "",
        "It drops.\r\n",
    );
    let opened = channel.ingest(&desk, &first, &arrival).await.unwrap();
    let Outcome::Opened { ticket, .. } = opened else {
        panic!("{opened:?}")
    };

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

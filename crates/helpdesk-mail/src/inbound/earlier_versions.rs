//! Mails taken in by earlier versions of the channel, which wrote a new
//! ticket or a reply in one append and its files and the mail's binding in
//! a second, or noted a delivery notice keyed by the notice itself, are
//! answered as then when offered again, and change nothing.

use helpdesk_core::{
    Actor, ActorId, AttachmentRef, Channel, Command, CommentId, DeskConfig, NewTicket, TenantId,
    TicketId, Vouched,
};
use helpdesk_engine::{Desk, ManualClock, MemoryStore, NoNotifier, Store};

use super::channel::keyed;
use super::keys;
use crate::{Arrival, FsAttachments, InboundConfig, Mail, MailChannel, NoSenders, Outcome};

const TENANT: TenantId = TenantId::from_u128(1);
const ANN: &str = "ann@customer.test";

type TestDesk = Desk<MemoryStore, NoNotifier, ManualClock>;

fn world(dir: &tempfile::TempDir) -> (TestDesk, MailChannel<FsAttachments, NoSenders>) {
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().expect("instant"));
    let desk =
        Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, clock).expect("desk");
    let mut config = InboundConfig::new(TENANT, ActorId::from_u128(1), "support@help.example.com");
    config.trusted_servers = vec!["mx.example.com".into()];
    config.message_domains = vec!["help.example.com".into()];
    let files = FsAttachments::new(dir.path().join("files"));
    (desk, MailChannel::new(config, files, NoSenders))
}

fn mail(id: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Ann <{ANN}>\r\nTo: support@help.example.com\r\nSubject: VPN drops\r\n\
         Message-ID: <{id}>\r\nAuthentication-Results: mx.example.com; dmarc=pass \
         header.from=customer.test\r\n{headers}Content-Type: text/plain\r\n\r\n{body}"
    )
    .into_bytes()
}

/// The mail's key and identity, as the channel derives them.
fn ids(raw: &[u8]) -> (helpdesk_engine::store::MessageId, String) {
    let parsed = Mail::parse(raw).expect("a mail");
    let key = keys::message_key(&parsed, raw);
    let identity = keys::identity(&key, &parsed);
    (key, identity)
}

fn original(raw: &[u8]) -> AttachmentRef {
    AttachmentRef::new(
        "0".repeat(64),
        "original.eml",
        "message/rfc822",
        raw.len() as u64,
    )
}

/// The earlier open of `raw`: the ticket, then its files with the binding.
async fn opened_earlier(desk: &TestDesk, raw: &[u8]) -> TicketId {
    let (key, identity) = ids(raw);
    let ann = Actor::requester(keys::sender_of(TENANT, ANN), TENANT);
    let ticket = keys::ticket_of(TENANT, &identity);
    let new = NewTicket::new(ann.id, "VPN drops", "It drops.");
    let vouched = Vouched::new().requester_email(ANN).channel(Channel::Email);
    desk.execute(keyed(&ann, ticket, Command::Open(new), &identity).vouched(vouched))
        .await
        .expect("the earlier open");
    let attach = Command::Attach {
        comment: None,
        attachments: vec![original(raw)],
    };
    desk.execute(keyed(&ann, ticket, attach, &format!("{identity} files")).with_message(key))
        .await
        .expect("the earlier files");
    ticket
}

/// The earlier reply of `raw` on `ticket`: the reply, then its files with
/// the binding.
async fn replied_earlier(desk: &TestDesk, raw: &[u8], ticket: TicketId) -> CommentId {
    let (key, identity) = ids(raw);
    let ann = Actor::requester(keys::sender_of(TENANT, ANN), TENANT);
    let comment = keys::comment_of(TENANT, &identity);
    let reply = Command::reply(comment, "Again at 10:00.");
    desk.execute(keyed(&ann, ticket, reply, &identity))
        .await
        .expect("the earlier reply");
    let attach = Command::Attach {
        comment: Some(comment),
        attachments: vec![original(raw)],
    };
    desk.execute(keyed(&ann, ticket, attach, &format!("{identity} files")).with_message(key))
        .await
        .expect("the earlier files");
    comment
}

#[tokio::test]
async fn a_mail_an_earlier_version_took_in_is_answered_as_then() {
    // Given Ann's first mail and her reply, taken in by an earlier version.
    let dir = tempfile::tempdir().expect("temporary directory");
    let (desk, channel) = world(&dir);
    let first = mail("first@customer.test", "", "It drops.\r\n");
    let reply = mail(
        "second@customer.test",
        "In-Reply-To: <first@customer.test>\r\n",
        "Again at 10:00.\r\n",
    );
    let ticket = opened_earlier(&desk, &first).await;
    let comment = replied_earlier(&desk, &reply, ticket).await;
    let before = desk.store().load(TENANT, ticket).await.expect("load");

    // When both are offered again.
    let opened = channel.ingest(&desk, &first, &Arrival::default()).await;
    let replied = channel.ingest(&desk, &reply, &Arrival::default()).await;

    // Then each is answered as the mail it was, and the ticket is as it was.
    let number = before.as_ref().and_then(|t| t.number());
    assert_eq!(
        opened.expect("no error"),
        Outcome::Opened {
            ticket,
            number,
            follows: None
        }
    );
    assert_eq!(
        replied.expect("no error"),
        Outcome::Replied { ticket, comment }
    );
    let after = desk.store().load(TENANT, ticket).await.expect("load");
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_delivery_notice_an_earlier_version_noted_is_answered_as_then() {
    // Given Ann's ticket, the desk's mail to her about it, and a notice of
    // its failure that an earlier version noted, keyed by the notice.
    let dir = tempfile::tempdir().expect("temporary directory");
    let (desk, channel) = world(&dir);
    let ticket = opened_earlier(&desk, &mail("first@customer.test", "", "It drops.\r\n")).await;
    let delivery = helpdesk_engine::DeliveryId::from_uuid(uuid::Uuid::from_u128(81));
    let sent = helpdesk_engine::store::MessageId::of_delivery(delivery);
    desk.store()
        .remember_message(TENANT, &sent, ticket)
        .await
        .expect("the desk's mail remembered");
    let notice = format!(
        "From: MAILER-DAEMON@mx.customer.test\r\nTo: support@help.example.com\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <notice@mx.customer.test>\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n\
         --r\r\nContent-Type: text/plain\r\n\r\nYour mail could not be delivered.\r\n\
         --r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.customer.test\r\n\r\n\
         Final-Recipient: rfc822; ann@customer.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
         --r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{delivery}@help.example.com>\r\n\r\n--r--\r\n"
    )
    .into_bytes();
    let (_, identity) = ids(&notice);
    let system = Actor::system(ActorId::from_u128(1), TENANT);
    let note = Command::note(
        keys::comment_of(TENANT, &identity),
        "Delivery failed (earlier).",
    );
    desk.execute(keyed(&system, ticket, note, &identity))
        .await
        .expect("the earlier note");
    let before = desk.store().load(TENANT, ticket).await.expect("load");

    // When the notice is offered again.
    let outcome = channel.ingest(&desk, &notice, &Arrival::default()).await;

    // Then it is answered as the failure it was, and nothing is noted again.
    assert_eq!(
        outcome.expect("no error"),
        Outcome::DeliveryFailed {
            ticket,
            recipients: vec![ANN.into()]
        }
    );
    let after = desk.store().load(TENANT, ticket).await.expect("load");
    assert_eq!(after, before);
}

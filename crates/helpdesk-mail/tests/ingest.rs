//! Inbound mail through a desk on a real SQLite file: new tickets, replies
//! threaded by Message-ID, reply token and number tag, spoofed senders,
//! automatic mail, bounces, closed tickets, other tenants and runaway
//! senders; each mail applied once however often it is offered.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::time::Duration;

use helpdesk_core::{
    Actor, ActorId, Channel, Command, DeskConfig, Resolution, ResolutionCode, Role, StatusCategory,
    TenantId, Ticket, TicketId,
};
use helpdesk_engine::store::MessageId;
use helpdesk_engine::{Desk, ManualClock, NoNotifier, Request, Store};
use helpdesk_mail::{
    Arrival, FsAttachments, Held, Ignored, InboundConfig, MailChannel, NoSenders, Outcome, Release,
    Senders, UnknownSenders, Unverified,
};
use helpdesk_smtp::{ReplyKey, ReplyTo};
use helpdesk_sqlite::SqliteStore;
use helpdesk_testkit::Observed;

const TENANT: TenantId = TenantId::from_u128(1);
const OTHER_TENANT: TenantId = TenantId::from_u128(2);
const DOMAIN: &str = "help.example.com";
const PASS: &str =
    "Authentication-Results: mx.example.com; dmarc=pass header.from=customer.test\r\n";

/// A desk on a SQLite file, observed, so that a test can make its appends
/// fail as a store that went away.
type TestDesk = Desk<Observed<SqliteStore>, NoNotifier, ManualClock>;

struct World {
    desk: TestDesk,
    channel: MailChannel<FsAttachments, NoSenders>,
    reply_to: ReplyTo,
    clock: ManualClock,
    _dir: tempfile::TempDir,
}

fn config(tenant: TenantId, reply_to: &ReplyTo) -> InboundConfig {
    let mut config = InboundConfig::new(tenant, ActorId::from_u128(1), "support@help.example.com");
    config.message_domains = vec![DOMAIN.into()];
    config.reply_to = Some(reply_to.clone());
    config.trusted_servers = vec!["mx.example.com".into()];
    config
}

fn world_with(adjust: impl FnOnce(&mut InboundConfig)) -> World {
    world_of(DeskConfig::default(), adjust)
}

fn world_of(desk_config: DeskConfig, adjust: impl FnOnce(&mut InboundConfig)) -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = Observed::new(SqliteStore::open(dir.path().join("desk.db")).unwrap());
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap());
    let desk = Desk::new(desk_config, store, NoNotifier, clock.clone()).unwrap();
    let reply_to = ReplyTo::new(
        "support@help.example.com",
        vec![ReplyKey::new([7u8; 32]).unwrap()],
    );
    let mut config = config(TENANT, &reply_to);
    adjust(&mut config);
    let channel = MailChannel::new(
        config,
        FsAttachments::new(dir.path().join("files")),
        NoSenders,
    );
    World {
        desk,
        channel,
        reply_to,
        clock,
        _dir: dir,
    }
}

fn world() -> World {
    world_with(|_| {})
}

/// A mail from `from` with `headers` (each ending in CRLF) and `body`.
fn mail(from: &str, id: &str, subject: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: support@help.example.com\r\nSubject: {subject}\r\n\
         Message-ID: <{id}>\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n{headers}\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
    .into_bytes()
}

impl World {
    async fn ingest(&self, raw: &[u8]) -> Outcome {
        self.channel
            .ingest(&self.desk, raw, &Arrival::default())
            .await
            .unwrap()
    }

    /// Offers `raw` again with a person's decision on it.
    async fn release(&self, raw: &[u8], release: Release) -> Outcome {
        let arrival = Arrival {
            release: Some(release),
            ..Arrival::default()
        };
        self.channel
            .ingest(&self.desk, raw, &arrival)
            .await
            .unwrap()
    }

    /// Another channel on the world's desk: another host's, or this one's
    /// after a restart.
    fn host(&self) -> MailChannel<FsAttachments, NoSenders> {
        self.host_with(|_| {})
    }

    /// Another host's channel, configured by `adjust`.
    fn host_with(
        &self,
        adjust: impl FnOnce(&mut InboundConfig),
    ) -> MailChannel<FsAttachments, NoSenders> {
        let mut config = self.channel.config().clone();
        adjust(&mut config);
        MailChannel::new(
            config,
            FsAttachments::new(self._dir.path().join("files")),
            NoSenders,
        )
    }

    /// Another host's channel, opening at most `max` tickets an hour per
    /// sender.
    fn rated(&self, max: usize) -> MailChannel<FsAttachments, NoSenders> {
        self.host().with_rate(max, Duration::from_secs(3600))
    }

    async fn ticket(&self, id: TicketId) -> Ticket {
        self.desk.store().load(TENANT, id).await.unwrap().unwrap()
    }

    /// Given: Ann's first mail opened a ticket.
    async fn anns_ticket(&self) -> Ticket {
        let raw = mail(
            "Ann <ann@customer.test>",
            "first@customer.test",
            "VPN drops every hour",
            PASS,
            "Since Monday the VPN drops every hour.\r\n",
        );
        let Outcome::Opened { ticket, .. } = self.ingest(&raw).await else {
            panic!()
        };
        self.ticket(ticket).await
    }
}

impl World {
    /// Given: Ann's ticket, resolved by an agent `days` days ago.
    async fn anns_ticket_resolved_days_ago(&self, days: i64) -> Ticket {
        let ticket = self.anns_ticket().await;
        self.resolve_days_ago(ticket.id(), days).await;
        ticket
    }

    /// Given: `ticket` resolved by an agent, `days` days ago.
    async fn resolve_days_ago(&self, ticket: TicketId, days: i64) {
        let agent = Actor::system(ActorId::from_u128(1), TENANT);
        let resolve = Command::Resolve {
            resolution: Resolution::new(ResolutionCode::Solved, "New VPN client."),
            sub_status: None,
        };
        self.desk
            .execute(Request::new(agent, ticket, resolve))
            .await
            .unwrap();
        self.clock.advance(chrono::Duration::days(days));
    }
}

/// Ann's reply to her first mail, written long after.
fn late_reply() -> Vec<u8> {
    mail(
        "ann@customer.test",
        "late@customer.test",
        "Re: VPN drops every hour",
        &format!("In-Reply-To: <first@customer.test>\r\n{PASS}"),
        "It is back.\r\n",
    )
}

fn opened(outcome: &Outcome) -> TicketId {
    match outcome {
        Outcome::Opened { ticket, .. } => *ticket,
        other => panic!("expected a new ticket, got {other:?}"),
    }
}

#[tokio::test]
async fn a_new_mail_opens_a_numbered_ticket_with_its_files_once() {
    // Given a mail with an attachment.
    let w = world();
    let raw = b"From: Ann <ann@customer.test>\r\nTo: support@help.example.com\r\n\
Subject: Fwd: Printer on floor 3\r\nMessage-ID: <m1@customer.test>\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
The printer jams.\r\n--b\r\nContent-Type: application/pdf\r\n\
Content-Disposition: attachment; filename=\"../../report.pdf\"\r\n\r\n%PDF-1.7 test\r\n--b--\r\n";

    // When it is ingested twice (fetched twice).
    let first = w.ingest(raw).await;
    let again = w.ingest(raw).await;

    // Then one ticket, numbered, from Ann's vouched address over email,
    // with the original mail and the file (its path stripped) attached.
    assert_eq!(first, again);
    let ticket = w.ticket(opened(&first)).await;
    let Outcome::Opened { number, .. } = first else {
        panic!()
    };
    assert_eq!(number, ticket.number());
    assert!(number.is_some());
    assert_eq!(ticket.subject(), "Printer on floor 3");
    assert_eq!(ticket.description(), "The printer jams.");
    assert_eq!(ticket.channel(), Channel::Email);
    assert_eq!(ticket.requester_email(), Some("ann@customer.test"));
    let names: Vec<&str> = ticket
        .attachments()
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["original.eml", "report.pdf"]);
    assert_eq!(ticket.attachments()[1].content_type, "application/pdf");

    // And one command opened it with both files and bound the mail to it;
    // the second offer wrote nothing.
    let history = w
        .desk
        .store()
        .history(TENANT, ticket.id(), 1)
        .await
        .unwrap();
    let commands: std::collections::BTreeSet<_> = history.iter().map(|e| e.command).collect();
    assert_eq!(commands.len(), 1, "{history:?}");
    let kinds: Vec<&str> = history.iter().map(|e| e.event.change.type_name()).collect();
    assert_eq!(kinds, ["opened", "attached"]);
    let bound = w
        .desk
        .store()
        .ticket_of_message(TENANT, &MessageId::new("m1@customer.test").unwrap())
        .await
        .unwrap();
    assert_eq!(bound, Some(ticket.id()));
}

#[tokio::test]
async fn files_past_a_limit_are_left_out_and_named_and_the_original_keeps_them() {
    // Given a mailbox taking at most 1,000 bytes a file and 1,500 a mail,
    // and a mail with files of 400, 1,200, 900 and 800 bytes.
    let w = world_with(|config| {
        config.max_file_bytes = 1_000;
        config.max_attachment_bytes = 1_500;
    });
    let part = |name: &str, size: usize| {
        format!(
            "--b\r\nContent-Type: text/plain\r\n\
             Content-Disposition: attachment; filename=\"{name}\"\r\n\r\n{}\r\n",
            "x".repeat(size)
        )
    };
    let raw = format!(
        "From: Ann <ann@customer.test>\r\nTo: support@help.example.com\r\n\
Subject: Logs\r\nMessage-ID: <files@customer.test>\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nThe logs.\r\n{}{}{}{}--b--\r\n",
        part("a.log", 400),
        part("big.log", 1_200),
        part("c.log", 900),
        part("d.log", 800),
    );

    // When it opens a ticket.
    let ticket = w.ticket(opened(&w.ingest(raw.as_bytes()).await)).await;

    // Then the files within both limits are kept, the others are named
    // with their size and the limit they are past, and the original holds
    // every one.
    let names: Vec<&str> = ticket
        .attachments()
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["original.eml", "a.log", "c.log"]);
    assert_eq!(ticket.attachments()[0].size, raw.len() as u64);
    let description = ticket.description();
    assert!(description.starts_with("The logs."), "{description}");
    assert!(
        description.contains("big.log (1200 bytes, over 1000 bytes a file)"),
        "{description}"
    );
    assert!(
        description.contains("d.log (800 bytes, past 1500 bytes of files a mail)"),
        "{description}"
    );
    assert!(!description.contains("a.log") && !description.contains("c.log"));
}

#[tokio::test]
async fn a_reply_threads_by_message_id_and_keeps_only_the_new_text() {
    let w = world();
    let ticket = w.anns_ticket().await;
    let reply = mail(
        "ann@customer.test",
        "second@customer.test",
        "Re: VPN drops every hour",
        &format!("In-Reply-To: <first@customer.test>\r\n{PASS}"),
        "It happened again at 10:00.\r\n\r\nOn Mon, 2 Mar 2026 at 09:00, Support wrote:\r\n> Which client version?\r\n",
    );
    let outcome = w.ingest(&reply).await;
    let Outcome::Replied {
        ticket: on,
        comment,
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(on, ticket.id());
    let ticket = w.ticket(on).await;
    let comment = ticket.conversation().find(|c| c.id == comment).unwrap();
    assert_eq!(comment.body, "It happened again at 10:00.");
    assert_eq!(comment.author.role, Role::Requester);
    assert_eq!(
        comment.attachments[0].name, "original.eml",
        "the whole mail is kept"
    );
}

#[tokio::test]
async fn a_reply_its_files_and_its_message_id_are_one_append_applied_once() {
    // Given Ann's ticket.
    let w = world();
    let ticket = w.anns_ticket().await;
    let before = ticket.version();

    // When her reply with a log file is offered twice (fetched twice).
    let raw = format!(
        "From: ann@customer.test\r\nTo: support@help.example.com\r\n\
Subject: Re: VPN drops every hour\r\nMessage-ID: <with-log@customer.test>\r\n\
In-Reply-To: <first@customer.test>\r\n{PASS}\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
Log attached.\r\n--b\r\nContent-Type: text/plain\r\n\
Content-Disposition: attachment; filename=\"vpn.log\"\r\n\r\n10:00 tunnel down\r\n--b--\r\n"
    );
    let first = w.ingest(raw.as_bytes()).await;
    let again = w.ingest(raw.as_bytes()).await;

    // Then one command wrote the reply with both files and bound the mail
    // to the ticket; the second offer wrote nothing.
    assert_eq!(first, again);
    let history = w
        .desk
        .store()
        .history(TENANT, ticket.id(), before + 1)
        .await
        .unwrap();
    let commands: std::collections::BTreeSet<_> = history.iter().map(|e| e.command).collect();
    assert_eq!(commands.len(), 1, "{history:?}");
    let kinds: Vec<&str> = history.iter().map(|e| e.event.change.type_name()).collect();
    assert_eq!(kinds[..2], ["replied", "attached"], "{kinds:?}");
    let Outcome::Replied { comment, .. } = first else {
        panic!("{first:?}")
    };
    let ticket = w.ticket(ticket.id()).await;
    let comment = ticket.conversation().find(|c| c.id == comment).unwrap();
    let names: Vec<&str> = comment
        .attachments
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["original.eml", "vpn.log"]);
    let bound = w
        .desk
        .store()
        .ticket_of_message(TENANT, &MessageId::new("with-log@customer.test").unwrap())
        .await
        .unwrap();
    assert_eq!(bound, Some(ticket.id()));
}

#[tokio::test]
async fn a_reply_to_the_desks_own_mail_threads_by_its_root_id() {
    let w = world();
    let ticket = w.anns_ticket().await;
    let root = format!("<ticket-{}@{DOMAIN}>", ticket.id());
    let reply = mail(
        "ann@customer.test",
        "third@customer.test",
        "Re: your ticket",
        &format!("References: {root}\r\n{PASS}"),
        "Thanks!\r\n",
    );
    assert!(
        matches!(w.ingest(&reply).await, Outcome::Replied { ticket: t, .. } if t == ticket.id())
    );
}

#[tokio::test]
async fn the_reply_token_vouches_for_a_reply_that_also_answers_the_tickets_mail() {
    // Given Ann's ticket, and her reply to its mail, sent to the ticket's
    // reply address, from a domain without DMARC.
    let w = world();
    let ticket = w.anns_ticket().await;
    let to = w
        .reply_to
        .address_for(TENANT, ticket.id(), "ann@customer.test");
    let raw = format!(
        "From: ann@customer.test\r\nTo: {to}\r\nSubject: Re: VPN drops every hour\r\n\
         Message-ID: <tok-and-id@customer.test>\r\nIn-Reply-To: <first@customer.test>\r\n\
         Authentication-Results: mx.example.com; dmarc=none header.from=customer.test\r\n\r\n\
         Still broken.\r\n"
    );

    // When it is ingested.
    let outcome = w.ingest(raw.as_bytes()).await;

    // Then the token vouches for her, as it does without the In-Reply-To.
    assert!(
        matches!(outcome, Outcome::Replied { ticket: t, .. } if t == ticket.id()),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn the_reply_token_vouches_where_dmarc_does_not() {
    let w = world();
    let ticket = w.anns_ticket().await;
    let to = w
        .reply_to
        .address_for(TENANT, ticket.id(), "ann@customer.test");
    let raw = format!(
        "From: ann@customer.test\r\nTo: {to}\r\nSubject: hello\r\nMessage-ID: <tok@customer.test>\r\n\r\nStill broken.\r\n"
    );
    assert!(
        matches!(w.ingest(raw.as_bytes()).await, Outcome::Replied { ticket: t, .. } if t == ticket.id())
    );
}

#[tokio::test]
async fn a_token_that_reached_someone_else_never_vouches_for_anns_address() {
    // Given Ann's ticket, and its reply address as signed in mail to Bob
    // (a watcher, or whoever Ann's mail was forwarded to).
    let w = world();
    let ticket = w.anns_ticket().await;
    let bobs = w
        .reply_to
        .address_for(TENANT, ticket.id(), "bob@customer.test");

    // When Bob writes to it as Ann, from a domain without DMARC.
    let raw = anns_mail_to(&bobs, "as-ann@customer.test", "Re: VPN", "", "none");
    let outcome = w.ingest(&raw).await;

    // Then the mail is not a reply on Ann's ticket, which is untouched: it
    // opens a ticket of its own, as any mail naming no ticket does.
    assert_ne!(opened(&outcome), ticket.id());
    assert_eq!(w.ticket(ticket.id()).await, ticket);
}

#[tokio::test]
async fn the_number_tag_threads_an_authenticated_reply() {
    let w = world();
    let ticket = w.anns_ticket().await;
    let subject = format!("Re: [{}] VPN", ticket.number().unwrap());
    let raw = mail(
        "ann@customer.test",
        "tag@customer.test",
        &subject,
        PASS,
        "Any news?\r\n",
    );
    assert!(matches!(w.ingest(&raw).await, Outcome::Replied { ticket: t, .. } if t == ticket.id()));
}

/// Given: Ann's first ticket, her second one opened by a mail of its own,
/// and the second one's reply address.
async fn anns_two_tickets(w: &World) -> (Ticket, Ticket, String) {
    let first = w.anns_ticket().await;
    let raw = mail(
        "Ann <ann@customer.test>",
        "second@customer.test",
        "Printer jams",
        PASS,
        "The printer jams on every page.\r\n",
    );
    let second = w.ticket(opened(&w.ingest(&raw).await)).await;
    let to = w
        .reply_to
        .address_for(TENANT, second.id(), "ann@customer.test");
    (first, second, to)
}

/// Ann's mail to `to`, with `subject` and `headers`, whose DMARC `verdict`
/// the trusted server reports.
fn anns_mail_to(to: &str, id: &str, subject: &str, headers: &str, verdict: &str) -> Vec<u8> {
    format!(
        "From: ann@customer.test\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n\
         {headers}Authentication-Results: mx.example.com; dmarc={verdict} header.from=customer.test\r\n\r\n\
         Which one is it?\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn a_mail_naming_tickets_three_ways_goes_on_the_one_its_message_ids_name() {
    // Given Ann's two tickets, and her mail answering the first one's
    // mail, sent to the second one's reply address with the second one's
    // number in its subject.
    let w = world();
    let (first, second, to) = anns_two_tickets(&w).await;
    let subject = format!("Re: [{}] VPN", second.number().unwrap());
    let raw = anns_mail_to(
        &to,
        "three-ways@customer.test",
        &subject,
        "In-Reply-To: <first@customer.test>\r\n",
        "pass",
    );

    // When it is ingested.
    let outcome = w.ingest(&raw).await;

    // Then it is a reply on the first ticket; the second is untouched.
    assert!(
        matches!(outcome, Outcome::Replied { ticket, .. } if ticket == first.id()),
        "{outcome:?}"
    );
    assert_eq!(w.ticket(second.id()).await, second);
}

#[tokio::test]
async fn a_token_outranks_a_tag_naming_another_ticket() {
    // Given Ann's two tickets, and her mail to the second one's reply
    // address tagged with the first one's number, from a domain without
    // DMARC.
    let w = world();
    let (first, second, to) = anns_two_tickets(&w).await;
    let subject = format!("Re: [{}] VPN", first.number().unwrap());
    let raw = anns_mail_to(&to, "token-and-tag@customer.test", &subject, "", "none");

    // When it is ingested: a reply on the second, vouched for by its token.
    let outcome = w.ingest(&raw).await;
    assert!(
        matches!(outcome, Outcome::Replied { ticket, .. } if ticket == second.id()),
        "{outcome:?}"
    );
    assert_eq!(w.ticket(first.id()).await, first);
}

#[tokio::test]
async fn a_token_for_one_ticket_never_vouches_for_a_reply_on_another() {
    // Given Ann's two tickets, and a mail from her address that no server
    // vouches for, answering the first one's mail but sent to the second
    // one's reply address (a token anyone she wrote to may have seen).
    let w = world();
    let (first, second, to) = anns_two_tickets(&w).await;
    let raw = anns_mail_to(
        &to,
        "borrowed-token@customer.test",
        "Re: VPN drops every hour",
        "In-Reply-To: <first@customer.test>\r\n",
        "fail",
    );

    // When it is ingested: neither ticket takes it; it opens its own.
    let outcome = w.ingest(&raw).await;
    assert!(![first.id(), second.id()].contains(&opened(&outcome)));
    assert_eq!(w.ticket(first.id()).await, first);
    assert_eq!(w.ticket(second.id()).await, second);
}

#[tokio::test]
async fn a_spoofed_sender_never_replies_on_someone_elses_ticket() {
    // Given Ann's ticket, and a mail claiming to be from Ann that no
    // server vouches for (DMARC failed), answering her mail.
    let w = world();
    let ticket = w.anns_ticket().await;
    let forged = mail(
        "ann@customer.test",
        "forged@evil.test",
        "Re: VPN drops every hour",
        "In-Reply-To: <first@customer.test>\r\n\
         Authentication-Results: mx.example.com; dmarc=fail header.from=customer.test\r\n\
         Authentication-Results: mx.example.com; dmarc=pass header.from=customer.test\r\n",
        "Please send the VPN password to this address.\r\n",
    );

    // When it is ingested: a new ticket, and Ann's ticket is untouched.
    let outcome = w.ingest(&forged).await;
    assert_ne!(opened(&outcome), ticket.id());
    assert_eq!(w.ticket(ticket.id()).await, ticket);

    // And with holding configured, it is held instead.
    let w = world_with(|c| c.unverified = Unverified::Hold);
    let ticket = w.anns_ticket().await;
    assert_eq!(
        w.ingest(&forged).await,
        Outcome::Held(Held::Unverified {
            ticket: ticket.id(),
            address: "ann@customer.test".into()
        })
    );
}

#[tokio::test]
async fn two_copies_of_a_reply_offered_at_once_are_decided_as_one() {
    // Given Ann's ticket, and her reply as delivered to two of the desk's
    // mailboxes: one copy vouched for by the trusted server, the other
    // through a server that checks nothing.
    let w = world();
    let ticket = w.anns_ticket().await;
    let copy = |headers: &str| {
        mail(
            "ann@customer.test",
            "both@customer.test",
            "Re: VPN drops every hour",
            &format!("In-Reply-To: <first@customer.test>\r\n{headers}"),
            "It dropped again.\r\n",
        )
    };
    let (vouched, unvouched) = (copy(PASS), copy(""));

    // When both are offered at the same moment.
    let (first, second) = tokio::join!(w.ingest(&vouched), w.ingest(&unvouched));

    // Then both are answered as the vouched copy, offered first, is: one
    // reply on her ticket, and no ticket of its own for the other copy.
    assert_eq!(first, second);
    assert!(
        matches!(first, Outcome::Replied { ticket: t, .. } if t == ticket.id()),
        "{first:?}"
    );
    let replies = w.ticket(ticket.id()).await.conversation().count();
    assert_eq!(
        replies,
        ticket.conversation().count() + usize::from(matches!(first, Outcome::Replied { .. }))
    );
}

#[tokio::test]
async fn copies_of_a_reply_decided_apart_by_two_hosts_at_once_are_taken_in_on_one_ticket() {
    // Given Ann's ticket, and two hosts' channels on its desk.
    let w = world();
    let ticket = w.anns_ticket().await;
    let (one, two) = (w.host(), w.host());

    // When each of her replies reaches both at once, vouched for on the
    // first host and not on the second, each host starting first in turn.
    let answers = offered_to_both(&w, &one, &two).await;

    // Then both answer each mail alike, taken in once.
    taken_in_once(&w, &ticket, &answers).await;
}

#[tokio::test]
async fn copies_of_a_reply_decided_apart_as_two_people_are_taken_in_on_one_ticket() {
    // Given Ann's ticket, opened when the host did not know her, and two
    // hosts' channels on its desk: one that knows her address now as
    // another requester, one that does not.
    let w = world();
    let ticket = w.anns_ticket().await;
    let known = Actor::requester(ActorId::from_u128(0xa11), TENANT);
    let one = w.host();
    let two = MailChannel::new(
        w.channel.config().clone(),
        FsAttachments::new(w._dir.path().join("files")),
        KnownAs(known),
    );

    // When each of her replies reaches both at once: vouched for on the
    // first (a reply, as her ticket's requester), not on the second (a
    // ticket of its own, opened by the requester the host knows), so the
    // two copies' commands are not one command.
    let answers = offered_to_both(&w, &one, &two).await;

    // Then both answer each mail alike, taken in once.
    taken_in_once(&w, &ticket, &answers).await;
}

#[tokio::test]
async fn copies_of_a_late_reply_decided_apart_by_hosts_reopening_differently_are_taken_in_once() {
    // Given Ann's ticket, resolved two days ago; a host that reopens a
    // resolved ticket for a week, and one that never does.
    let w = world();
    let ticket = w.anns_ticket_resolved_days_ago(2).await;
    let week = Duration::from_secs(7 * 24 * 3600);
    let reopening = w.host_with(|c| c.reopen_window = week);
    let never = w.host_with(|c| c.reopen_window = Duration::ZERO);

    // When each of her replies, vouched for, reaches both at once: on the
    // first a reply on her ticket, on the second a ticket of its own that
    // follows hers (her ticket resolved again a minute before each).
    let mut answers = Vec::new();
    for n in 0..12 {
        if w.ticket(ticket.id()).await.status().category != StatusCategory::Resolved {
            w.resolve_days_ago(ticket.id(), 0).await;
            w.clock.advance(chrono::Duration::minutes(1));
        }
        let raw = mail(
            "ann@customer.test",
            &format!("late-{n}@customer.test"),
            "Re: VPN drops every hour",
            &format!("In-Reply-To: <first@customer.test>\r\n{PASS}"),
            "It dropped again.\r\n",
        );
        let arrival = Arrival::default();
        let (first, second) = decided_at_once(
            &w,
            n,
            reopening.ingest(&w.desk, &raw, &arrival),
            never.ingest(&w.desk, &raw, &arrival),
        )
        .await;
        answers.push((first.unwrap(), second.unwrap()));
    }

    // Then both name the same ticket for each mail: a reply on hers, or a
    // ticket of its own linked to hers, never both.
    let on = |outcome: &Outcome| match outcome {
        Outcome::Replied { ticket, .. } | Outcome::Opened { ticket, .. } => *ticket,
        other => panic!("{other:?}"),
    };
    for (first, second) in &answers {
        assert_eq!(on(first), on(second), "{first:?} {second:?}");
    }
    let opened: Vec<TicketId> = answers
        .iter()
        .map(|(a, _)| on(a))
        .filter(|t| *t != ticket.id())
        .collect();
    let replies = answers.len() - opened.len();
    assert_eq!(
        w.ticket(ticket.id()).await.conversation().count(),
        ticket.conversation().count() + replies
    );
    for new in &opened {
        let links = w.ticket(*new).await.links().clone();
        assert!(links.iter().any(|l| l.ticket == ticket.id()), "{links:?}");
    }
    assert_eq!(tickets(&w).await, 1 + opened.len(), "{answers:?}");
}

/// Knows every sender as one actor.
struct KnownAs(Actor);

impl Senders for KnownAs {
    async fn actor(&self, _tenant: TenantId, _address: &str) -> Option<Actor> {
        Some(self.0.clone())
    }
}

/// Ann's twelve replies to her first mail, each offered at once to
/// `vouched` as vouched for by the trusted server and to `unvouched`
/// through a server that checks nothing, each host starting first in turn
/// and deciding before the other's command is written: the pairs of
/// answers, the vouched host's first.
async fn offered_to_both<P: Senders, Q: Senders>(
    w: &World,
    vouched: &MailChannel<FsAttachments, P>,
    unvouched: &MailChannel<FsAttachments, Q>,
) -> Vec<(Outcome, Outcome)> {
    let mut answers = Vec::new();
    for n in 0..12 {
        let copy = |headers: &str| {
            mail(
                "ann@customer.test",
                &format!("apart-{n}@customer.test"),
                "Re: VPN drops every hour",
                &format!("In-Reply-To: <first@customer.test>\r\n{headers}"),
                "It dropped again.\r\n",
            )
        };
        let (with_pass, without) = (copy(PASS), copy(""));
        let arrival = Arrival::default();
        let (first, second) = decided_at_once(
            w,
            n,
            vouched.ingest(&w.desk, &with_pass, &arrival),
            unvouched.ingest(&w.desk, &without, &arrival),
        )
        .await;
        answers.push((first.unwrap(), second.unwrap()));
    }
    answers
}

/// The answers of `one` and `two`, run at once, each deciding before the
/// other's command is written, the one starting first chosen by the
/// parity of `n`.
async fn decided_at_once<A: Future, B: Future>(
    w: &World,
    n: usize,
    one: A,
    two: B,
) -> (A::Output, B::Output) {
    w.desk.store().gather_appends(2, Duration::from_secs(5));
    if n % 2 == 0 {
        tokio::join!(one, two)
    } else {
        let (second, first) = tokio::join!(two, one);
        (first, second)
    }
}

/// How many tickets the tenant has.
async fn tickets(w: &World) -> usize {
    let all = helpdesk_engine::store::TicketQuery::new(Default::default(), Default::default(), 100);
    let page = w
        .desk
        .store()
        .query(TENANT, &helpdesk_core::Reach::Tenant, all)
        .await
        .unwrap();
    page.rows.len()
}

/// That each mail of `answers` was answered alike by both hosts, as
/// whichever copy was taken in first: a reply on Ann's `ticket` or a
/// ticket of its own, never both.
async fn taken_in_once(w: &World, ticket: &Ticket, answers: &[(Outcome, Outcome)]) {
    for (first, second) in answers {
        assert_eq!(first, second);
    }
    let replies = answers
        .iter()
        .filter(|(a, _)| matches!(a, Outcome::Replied { ticket: t, .. } if *t == ticket.id()))
        .count();
    let opened: Vec<TicketId> = answers
        .iter()
        .filter_map(|(a, _)| match a {
            Outcome::Opened { ticket, .. } => Some(*ticket),
            _ => None,
        })
        .collect();
    assert_eq!(replies + opened.len(), answers.len(), "{answers:?}");
    let now = w.ticket(ticket.id()).await;
    assert_eq!(
        now.conversation().count(),
        ticket.conversation().count() + replies
    );
    for opened in &opened {
        assert_eq!(w.ticket(*opened).await.conversation().count(), 0);
    }
    assert_eq!(
        tickets(w).await,
        1 + opened.len(),
        "no mail opened a ticket and replied too"
    );
}

/// Ann's mail answering her first one, which no server vouches for.
fn unvouched_reply() -> Vec<u8> {
    mail(
        "ann@customer.test",
        "unvouched@customer.test",
        "Re: VPN drops every hour",
        "In-Reply-To: <first@customer.test>\r\n",
        "It dropped again.\r\n",
    )
}

#[tokio::test]
async fn a_held_reply_released_as_vouched_goes_on_the_ticket_once() {
    // Given Ann's ticket, and her reply held because nothing vouches for
    // it.
    let w = world_with(|c| c.unverified = Unverified::Hold);
    let ticket = w.anns_ticket().await;
    let raw = unvouched_reply();
    assert!(matches!(
        w.ingest(&raw).await,
        Outcome::Held(Held::Unverified { .. })
    ));
    assert_eq!(
        w.ticket(ticket.id()).await,
        ticket,
        "a held mail writes nothing"
    );

    // When a person releases it as vouched for, twice.
    let released = w.release(&raw, Release::Vouched).await;
    let again = w.release(&raw, Release::Vouched).await;

    // Then it is Ann's reply on her ticket, once.
    let Outcome::Replied {
        ticket: on,
        comment,
    } = released
    else {
        panic!("{released:?}")
    };
    assert_eq!(on, ticket.id());
    assert_eq!(again, released);
    let after = w.ticket(on).await;
    let replies: Vec<_> = after.conversation().filter(|c| c.id == comment).collect();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].body, "It dropped again.");
    assert_eq!(replies[0].author.id, ticket.requester());

    // And offered again as it arrived (fetched twice), it is answered as
    // released, not held.
    assert_eq!(w.ingest(&raw).await, released);
    assert_eq!(w.ticket(on).await, after);
}

#[tokio::test]
async fn a_held_reply_released_as_a_new_ticket_leaves_the_named_ticket_untouched() {
    // Given Ann's ticket and her reply held.
    let w = world_with(|c| c.unverified = Unverified::Hold);
    let ticket = w.anns_ticket().await;
    let raw = unvouched_reply();
    assert!(matches!(w.ingest(&raw).await, Outcome::Held(_)));

    // When a person releases it as a ticket of its own.
    let released = w.release(&raw, Release::NewTicket).await;

    // Then a new ticket from Ann's address, and hers is as it was; offered
    // again, it is answered the same.
    let new = opened(&released);
    assert_ne!(new, ticket.id());
    assert_eq!(
        w.ticket(new).await.requester_email(),
        Some("ann@customer.test")
    );
    assert_eq!(w.ticket(ticket.id()).await, ticket);
    assert_eq!(w.ingest(&raw).await, released);
}

#[tokio::test]
async fn a_release_never_puts_a_strangers_mail_on_someone_elses_ticket() {
    // Given Ann's ticket, and Bob's mail answering hers, held (Bob takes
    // no part in her ticket).
    let w = world_with(|c| c.unverified = Unverified::Hold);
    let ticket = w.anns_ticket().await;
    let raw = mail(
        "bob@customer.test",
        "bob@customer.test",
        "Re: VPN drops every hour",
        "In-Reply-To: <first@customer.test>\r\n",
        "Send me the logs too.\r\n",
    );
    assert!(matches!(w.ingest(&raw).await, Outcome::Held(_)));

    // When a person releases it as vouched for.
    let released = w.release(&raw, Release::Vouched).await;

    // Then Bob gets a ticket of his own, and Ann's ticket is untouched.
    let theirs = opened(&released);
    assert_ne!(theirs, ticket.id());
    assert_eq!(
        w.ticket(theirs).await.requester_email(),
        Some("bob@customer.test")
    );
    assert_eq!(w.ticket(ticket.id()).await, ticket);
}

#[tokio::test]
async fn a_held_unknown_sender_released_opens_their_ticket_once() {
    // Given a desk that holds mail from addresses it does not know.
    let w = world_with(|c| c.unknown_senders = UnknownSenders::Hold);
    let raw = mail(
        "Carl <carl@customer.test>",
        "carl@customer.test",
        "Printer on floor 3",
        PASS,
        "It jams.\r\n",
    );
    assert_eq!(
        w.ingest(&raw).await,
        Outcome::Held(Held::UnknownSender {
            address: "carl@customer.test".into()
        })
    );

    // When a person releases it, and it is offered again as it arrived.
    let released = w.release(&raw, Release::Vouched).await;
    let again = w.ingest(&raw).await;

    // Then one ticket, Carl its requester, answered the same both times.
    let ticket = w.ticket(opened(&released)).await;
    assert_eq!(ticket.requester_email(), Some("carl@customer.test"));
    assert_eq!(ticket.description(), "It jams.");
    assert_eq!(again, released);
}

#[tokio::test]
async fn an_authenticated_stranger_gets_a_ticket_of_their_own() {
    let w = world();
    let ticket = w.anns_ticket().await;
    let raw = mail(
        "bob@customer.test",
        "bob@customer.test",
        "Re: VPN drops every hour",
        &format!("In-Reply-To: <first@customer.test>\r\n{PASS}"),
        "Me too.\r\n",
    );
    let theirs = opened(&w.ingest(&raw).await);
    assert_ne!(theirs, ticket.id());
    assert_eq!(w.ticket(ticket.id()).await, ticket);
    assert_eq!(
        w.ticket(theirs).await.requester_email(),
        Some("bob@customer.test")
    );
}

#[tokio::test]
async fn automatic_mail_never_opens_a_ticket_or_replies() {
    let w = world();
    let ticket = w.anns_ticket().await;
    let away = mail(
        "ann@customer.test",
        "ooo@customer.test",
        "Automatic reply: VPN drops every hour",
        &format!("Auto-Submitted: auto-replied\r\nIn-Reply-To: <first@customer.test>\r\n{PASS}"),
        "I am out of the office until Monday.\r\n",
    );
    let outcome = w.ingest(&away).await;
    assert!(
        matches!(&outcome, Outcome::Ignored(Ignored::Automatic { header, .. }) if header.starts_with("Auto-Submitted")),
        "{outcome:?}"
    );
    let own = mail(
        "support@help.example.com",
        "loop@help.example.com",
        "Re: x",
        "",
        "loop\r\n",
    );
    assert_eq!(w.ingest(&own).await, Outcome::Ignored(Ignored::FromDesk));
    assert_eq!(w.ticket(ticket.id()).await, ticket);
    let page = w.desk.store().feed(None, 100).await.unwrap();
    assert_eq!(
        page.len(),
        2,
        "only the first mail's ticket and its files were written"
    );
}

/// A desk that acknowledges by mail every ticket opened and every public
/// reply to its requester, and tells the endpoint `log` of both.
fn acknowledging() -> DeskConfig {
    serde_json::from_str(
        r#"{
            "endpoints": {"log": {"via": "webhook", "target": "https://log.example.com"}},
            "notification_rules": [
                {"name": "acknowledge", "on": ["opened", "public_reply"], "to": ["requester"], "via": "email", "skip_actor": false},
                {"name": "log", "on": ["opened", "public_reply"], "to": [{"endpoint": "log"}], "via": "webhook"}
            ]
        }"#,
    )
    .unwrap()
}

#[tokio::test]
async fn a_mail_that_asks_for_no_automatic_answer_is_taken_in_and_its_sender_told_nothing() {
    use helpdesk_core::notification::Recipient;
    // Given a desk acknowledging what requesters send, and Ann's ticket.
    let w = world_of(acknowledging(), |_| {});
    let ticket = w.anns_ticket().await;
    let told = |recipient: Recipient| {
        let w = &w;
        async move {
            let outbox = w.desk.store().pending_outbox(100).await.unwrap();
            (outbox.into_iter())
                .filter(|m| m.delivery.recipient == recipient)
                .map(|m| m.ticket)
                .collect::<Vec<_>>()
        }
    };
    let ann = Recipient::Actor(ticket.requester());
    assert_eq!(
        told(ann.clone()).await,
        [ticket.id()],
        "the opening is acknowledged"
    );

    // When Ann's reply and her new mail come through a system that marks
    // what it relays against loops (X-Loop), vouched for by DMARC.
    let relayed = mail(
        "ann@customer.test",
        "relayed@customer.test",
        "Re: VPN drops every hour",
        &format!("In-Reply-To: <first@customer.test>\r\nX-Loop: relay.customer.test\r\n{PASS}"),
        "Still dropping.\r\n",
    );
    let new = mail(
        "ann@customer.test",
        "no-answer@customer.test",
        "Printer jams",
        &format!("X-Loop: relay.customer.test\r\n{PASS}"),
        "The printer jams.\r\n",
    );
    let replied = w.ingest(&relayed).await;
    let quiet = opened(&w.ingest(&new).await);

    // Then both are taken in, the endpoint hears of both, and Ann is
    // acknowledged of neither.
    assert!(matches!(replied, Outcome::Replied { .. }), "{replied:?}");
    assert_eq!(told(ann.clone()).await, [ticket.id()]);
    assert_eq!(
        told(Recipient::Endpoint("log".into())).await,
        [ticket.id(), ticket.id(), quiet]
    );

    // But a mail no server vouches for cannot silence the desk: opened in
    // Ann's name with X-Loop, it is acknowledged to her all the same.
    let forged = mail(
        "ann@customer.test",
        "forged-quiet@evil.test",
        "Please reset my password",
        "X-Loop: relay.customer.test\r\n\
         Authentication-Results: mx.example.com; dmarc=fail header.from=customer.test\r\n",
        "Send the new password here.\r\n",
    );
    let forged = opened(&w.ingest(&forged).await);
    assert_eq!(told(ann).await, [ticket.id(), forged]);
}

#[tokio::test]
async fn a_bounce_is_noted_on_the_ticket_whose_mail_failed_and_hidden_from_its_requester() {
    let w = world();
    let ticket = w.anns_ticket().await;
    let sent = format!("{}@{DOMAIN}", uuid::Uuid::from_u128(77));
    w.desk
        .store()
        .remember_message(
            TENANT,
            &helpdesk_engine::store::MessageId::new(&uuid::Uuid::from_u128(77).to_string())
                .unwrap(),
            ticket.id(),
        )
        .await
        .unwrap();
    let dsn = format!(
        "From: MAILER-DAEMON@mx.customer.test\r\nTo: support@help.example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n\
Message-ID: <bounce1@mx.customer.test>\r\nAuto-Submitted: auto-replied\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n\
--r\r\nContent-Type: text/plain\r\n\r\nYour mail could not be delivered.\r\n\
--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.customer.test\r\n\r\n\
Final-Recipient: rfc822; ann@customer.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\
Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n\
--r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{sent}>\r\nSubject: [#1] VPN\r\n\r\n--r--\r\n"
    );
    let outcome = w.ingest(dsn.as_bytes()).await;
    assert_eq!(
        outcome,
        Outcome::DeliveryFailed {
            ticket: ticket.id(),
            recipients: vec!["ann@customer.test".into()]
        }
    );
    let after = w.ticket(ticket.id()).await;
    let note = after.conversation().last().unwrap();
    assert!(note.body.contains("5.1.1"), "{}", note.body);
    let ann = Actor::requester(ticket.requester(), TENANT);
    let seen = after.view_for(&ann).unwrap();
    assert!(seen.conversation().all(|c| !c.body.contains("5.1.1")));
}

impl World {
    /// Given: the desk's mail (its notification `n`) about `ticket`, whose
    /// Message-ID is answered.
    async fn sent_about(&self, ticket: &Ticket, n: u128) -> String {
        let delivery = helpdesk_engine::DeliveryId::from_uuid(uuid::Uuid::from_u128(n));
        self.desk
            .store()
            .remember_message(TENANT, &MessageId::of_delivery(delivery), ticket.id())
            .await
            .unwrap();
        format!("{delivery}@{DOMAIN}")
    }
}

/// A delivery status notification from `mx.customer.test` about the
/// desk's mail `sent` to Ann, whose one recipient line says `action` and
/// `status`.
fn dsn(sent: &str, action: &str, status: &str) -> Vec<u8> {
    format!(
        "From: MAILER-DAEMON@mx.customer.test\r\nTo: support@help.example.com\r\n\
Subject: Delivery Status Notification\r\nMessage-ID: <dsn-{action}@mx.customer.test>\r\n\
Auto-Submitted: auto-replied\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n\
--r\r\nContent-Type: text/plain\r\n\r\nA notice about your mail.\r\n\
--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.customer.test\r\n\r\n\
Final-Recipient: rfc822; ann@customer.test\r\nAction: {action}\r\nStatus: {status}\r\n\r\n\
--r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{sent}>\r\nSubject: [#1] VPN\r\n\r\n--r--\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn a_notice_about_mail_the_desk_received_is_no_bounce_of_the_desks() {
    // Given Ann's ticket, opened by her mail `first@customer.test`, whose
    // Message-ID anyone copied on it knows.
    let w = world();
    let ticket = w.anns_ticket().await;

    // When a delivery failure notice names that mail.
    let outcome = w
        .ingest(&dsn("first@customer.test", "failed", "5.1.1"))
        .await;

    // Then it names no mail the desk sent: ignored, the ticket untouched.
    assert_eq!(outcome, Outcome::Ignored(Ignored::UnknownBounce));
    assert_eq!(w.ticket(ticket.id()).await, ticket);
}

#[tokio::test]
async fn a_bounce_whose_diagnostic_is_huge_or_holds_nul_is_noted_within_the_limits() {
    // Given Ann's ticket and the desk's mail to her about it, and a
    // server's notice whose diagnostic holds a NUL and 200 KB of text.
    let w = world();
    let ticket = w.anns_ticket().await;
    let sent = w.sent_about(&ticket, 79).await;
    let long = "x".repeat(200_000);
    let raw = String::from_utf8(dsn(&sent, "failed", "5.1.1"))
        .unwrap()
        .replace(
            "Status: 5.1.1\r\n",
            &format!("Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 no\0such user {long}\r\n"),
        );

    // When it is ingested, twice.
    let first = w.ingest(raw.as_bytes()).await;
    let again = w.ingest(raw.as_bytes()).await;

    // Then the failure is noted once, its note within the desk's limit
    // and without the NUL.
    assert!(matches!(first, Outcome::DeliveryFailed { .. }), "{first:?}");
    assert_eq!(first, again);
    let after = w.ticket(ticket.id()).await;
    assert_eq!(
        after.conversation().count(),
        ticket.conversation().count() + 1
    );
    let note = after.conversation().last().unwrap();
    assert!(note.body.len() <= w.desk.config().limits.body_max_bytes);
    assert!(note.body.contains("5.1.1") && !note.body.contains('\0'));
}

#[tokio::test]
async fn a_delay_notice_is_noted_as_a_delay_and_a_failure_after_it_as_a_failure() {
    // Given Ann's ticket and the desk's mail to her about it.
    let w = world();
    let ticket = w.anns_ticket().await;
    let sent = w.sent_about(&ticket, 78).await;
    let ann = Actor::requester(ticket.requester(), TENANT);

    // When her server says the mail is delayed, still being tried.
    let delayed = w.ingest(&dsn(&sent, "delayed", "4.4.7")).await;

    // Then the ticket notes a delay, not a failure, for staff only.
    assert_eq!(
        delayed,
        Outcome::DeliveryDelayed {
            ticket: ticket.id(),
            recipients: vec!["ann@customer.test".into()]
        }
    );
    let after = w.ticket(ticket.id()).await;
    let note = after.conversation().last().unwrap();
    assert!(note.body.starts_with("Delivery delayed"), "{}", note.body);
    assert!(!note.body.contains("failed"), "{}", note.body);
    assert!(note.body.contains("4.4.7"), "{}", note.body);
    let seen = after.view_for(&ann).unwrap();
    assert!(seen.conversation().all(|c| !c.body.contains("4.4.7")));

    // And when it then gives up, the failure is noted as one.
    let failed = w.ingest(&dsn(&sent, "failed", "5.4.7")).await;
    assert_eq!(
        failed,
        Outcome::DeliveryFailed {
            ticket: ticket.id(),
            recipients: vec!["ann@customer.test".into()]
        }
    );
    let after = w.ticket(ticket.id()).await;
    let note = after.conversation().last().unwrap();
    assert!(note.body.starts_with("Delivery failed"), "{}", note.body);
    assert!(note.body.contains("5.4.7"), "{}", note.body);
}

#[tokio::test]
async fn each_sent_mail_is_noted_failed_once_however_many_notices_name_it() {
    // Given Ann's ticket and the desk's mail to her about it, noted failed
    // by her server's notice.
    let w = world();
    let ticket = w.anns_ticket().await;
    let sent = w.sent_about(&ticket, 80).await;
    let first = w.ingest(&dsn(&sent, "failed", "5.1.1")).await;
    assert!(matches!(first, Outcome::DeliveryFailed { .. }), "{first:?}");
    let noted = w.ticket(ticket.id()).await;

    // When notices that say otherwise name the same mail (as anyone who
    // holds its Message-ID may write them), one of them offered twice and
    // one with the domain in capitals, and one names the thread's root,
    // which no mail carries.
    let other = |status: &str, id: &str| {
        String::from_utf8(dsn(&sent, "failed", status))
            .unwrap()
            .replace("<dsn-failed@", &format!("<{id}@"))
    };
    let mut outcomes = Vec::new();
    for (status, id) in [
        ("5.2.2", "again-1"),
        ("5.7.1", "again-2"),
        ("5.7.1", "again-2"),
    ] {
        outcomes.push(w.ingest(other(status, id).as_bytes()).await);
    }
    // Its domain spelt in other cases names the same mail.
    let shouting = other("5.4.4", "again-3").replace(DOMAIN, &DOMAIN.to_uppercase());
    outcomes.push(w.ingest(shouting.as_bytes()).await);
    let root = format!("ticket-{}@{DOMAIN}", ticket.id());
    let rooted = w.ingest(&dsn(&root, "failed", "5.1.1")).await;

    // Then none adds a note: the ticket holds the first notice's alone.
    let repeated = Outcome::Ignored(Ignored::BounceNoted {
        ticket: ticket.id(),
    });
    assert_eq!(outcomes, vec![repeated; 4]);
    assert_eq!(rooted, Outcome::Ignored(Ignored::UnknownBounce));
    assert_eq!(w.ticket(ticket.id()).await, noted);
}

#[tokio::test]
async fn a_mail_naming_another_tenants_ticket_opens_a_ticket_here() {
    let w = world();
    // Given a ticket of another tenant, named by the desk's root id.
    let other = helpdesk_engine::new_ticket_id();
    let agent = Actor::agent(ActorId::from_u128(9), OTHER_TENANT, []);
    let open = Command::Open(helpdesk_core::NewTicket::new(agent.id, "Theirs", ""));
    w.desk
        .execute(Request::new(agent, other, open))
        .await
        .unwrap();
    let raw = mail(
        "ann@customer.test",
        "cross@customer.test",
        "Re: Theirs",
        &format!("References: <ticket-{other}@{DOMAIN}>\r\n{PASS}"),
        "Hello?\r\n",
    );
    let ours = opened(&w.ingest(&raw).await);
    assert_ne!(ours, other);
    // A person's release of a mail naming it changes nothing of that.
    let released = mail(
        "ann@customer.test",
        "cross-released@customer.test",
        "Re: Theirs",
        &format!("References: <ticket-{other}@{DOMAIN}>\r\n"),
        "Hello again?\r\n",
    );
    let also_ours = opened(&w.release(&released, Release::Vouched).await);
    assert!(![ours, other].contains(&also_ours));
    assert_eq!(w.desk.store().load(TENANT, other).await.unwrap(), None);
    let theirs = w
        .desk
        .store()
        .load(OTHER_TENANT, other)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        theirs.version(),
        1,
        "the other tenant's ticket is untouched"
    );
}

#[tokio::test]
async fn a_reply_taken_in_is_answered_the_same_after_its_ticket_is_resolved_for_good() {
    // Given Ann's reply taken in on her ticket, which was then resolved
    // longer ago than the reopen window.
    let w = world();
    let ticket = w.anns_ticket().await;
    let replied = w.ingest(&late_reply()).await;
    assert!(matches!(replied, Outcome::Replied { .. }), "{replied:?}");
    w.resolve_days_ago(ticket.id(), 30).await;
    let resolved = w.ticket(ticket.id()).await;

    // When the reply is fetched again.
    let again = w.ingest(&late_reply()).await;

    // Then it is answered as the reply it was: no new ticket follows the
    // old one, which is as it was.
    assert_eq!(again, replied);
    assert_eq!(w.ticket(ticket.id()).await, resolved);
}

#[tokio::test]
async fn a_reply_taken_in_is_answered_the_same_after_its_ticket_is_merged_away() {
    // Given Ann's reply taken in on her ticket, which an agent then merged
    // into another one.
    let w = world();
    let ticket = w.anns_ticket().await;
    let replied = w.ingest(&late_reply()).await;
    assert!(matches!(replied, Outcome::Replied { .. }), "{replied:?}");
    let other = opened(
        &w.ingest(&mail(
            "ann@customer.test",
            "other@customer.test",
            "VPN again",
            PASS,
            "Still dropping.\r\n",
        ))
        .await,
    );
    let agent = Actor::system(ActorId::from_u128(1), TENANT);
    let merge = Command::Merge { into: other };
    w.desk
        .execute(Request::new(agent, ticket.id(), merge))
        .await
        .unwrap();
    let (merged, into) = (w.ticket(ticket.id()).await, w.ticket(other).await);

    // When the reply is fetched again.
    let again = w.ingest(&late_reply()).await;

    // Then it is answered as the reply it was, and neither ticket changes.
    assert_eq!(again, replied);
    assert_eq!(w.ticket(ticket.id()).await, merged);
    assert_eq!(w.ticket(other).await, into);
}

#[tokio::test]
async fn a_reply_past_the_reopen_window_opens_a_ticket_that_follows_the_old_one() {
    let w = world();
    let ticket = w.anns_ticket_resolved_days_ago(30).await;
    let outcome = w.ingest(&late_reply()).await;
    let Outcome::Opened {
        ticket: new,
        follows,
        ..
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(follows, Some(ticket.id()));
    let new = w.ticket(new).await;
    assert!(new.links().iter().any(|l| l.ticket == ticket.id()));
}

#[tokio::test]
async fn a_late_reply_whose_link_failed_is_linked_and_bound_when_offered_again() {
    // Given Ann's ticket resolved 30 days ago, and a store that fails the
    // first append linking a ticket.
    let w = world();
    let old = w.anns_ticket_resolved_days_ago(30).await;
    w.desk.store().fail_appends_of("linked", 1);

    // When her late reply is taken in: its ticket opens, its link fails.
    let failed = w
        .channel
        .ingest(&w.desk, &late_reply(), &Arrival::default())
        .await;
    assert!(failed.is_err(), "{failed:?}");

    // Then offered again, it is answered as a whole first offer is: its
    // ticket follows the old one, linked, the mail bound to it, and the
    // same answer after.
    let again = w.ingest(&late_reply()).await;
    let Outcome::Opened {
        ticket: new,
        follows,
        ..
    } = again
    else {
        panic!("{again:?}")
    };
    assert_eq!(follows, Some(old.id()));
    assert!(
        w.ticket(new)
            .await
            .links()
            .iter()
            .any(|l| l.ticket == old.id())
    );
    let bound = w
        .desk
        .store()
        .ticket_of_message(TENANT, &MessageId::new("late@customer.test").unwrap())
        .await
        .unwrap();
    assert_eq!(bound, Some(new));
    assert_eq!(w.ingest(&late_reply()).await, again);
}

#[tokio::test]
async fn a_strangers_mail_reusing_a_bound_message_id_never_links_the_ticket_its_tag_names() {
    // Given Ann's ticket, and a stranger's mail no server vouches for that
    // reuses the Message-ID of Ann's first mail and tags her ticket.
    let w = world();
    let ticket = w.anns_ticket().await;
    let subject = format!("[{}] hello", ticket.number().unwrap());
    let raw = mail(
        "mallory@evil.test",
        "first@customer.test",
        &subject,
        "",
        "Hi.\r\n",
    );

    // When it is offered twice.
    let first = w.ingest(&raw).await;
    let again = w.ingest(&raw).await;

    // Then it opens a ticket of its own, answered the same both times, and
    // Ann's ticket is untouched: no link to the stranger's.
    assert!(
        matches!(first, Outcome::Opened { follows: None, .. }),
        "{first:?}"
    );
    assert_ne!(opened(&first), ticket.id());
    assert_eq!(again, first);
    assert_eq!(w.ticket(ticket.id()).await, ticket);
}

#[tokio::test]
async fn a_reply_to_a_closed_ticket_opens_one_that_follows_it_and_leaves_it_closed() {
    // Given Ann's ticket, resolved and then closed for good.
    let w = world();
    let ticket = w.anns_ticket_resolved_days_ago(1).await;
    let agent = Actor::system(ActorId::from_u128(1), TENANT);
    w.desk
        .execute(Request::new(agent, ticket.id(), Command::Close))
        .await
        .unwrap();
    let closed = w.ticket(ticket.id()).await;

    // When her reply comes, and is fetched again.
    let outcome = w.ingest(&late_reply()).await;
    let again = w.ingest(&late_reply()).await;

    // Then a new ticket that follows the closed one, which is unchanged;
    // the same answer both times.
    let Outcome::Opened {
        ticket: new,
        follows,
        ..
    } = &outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(*follows, Some(ticket.id()));
    let new = w.ticket(*new).await;
    assert!(new.links().iter().any(|l| l.ticket == ticket.id()));
    assert_eq!(w.ticket(ticket.id()).await, closed);
    assert_eq!(again, outcome);
}

#[tokio::test]
async fn a_late_reply_offered_again_is_answered_as_before_and_leaves_the_old_ticket_resolved() {
    // Given Ann's ticket, resolved 30 days ago, and her late reply, which
    // opened a new ticket that follows it (linking both).
    let w = world();
    let ticket = w.anns_ticket_resolved_days_ago(30).await;
    let late = late_reply();
    let first = w.ingest(&late).await;

    // When the same mail is offered again.
    let again = w.channel.ingest(&w.desk, &late, &Arrival::default()).await;

    // Then it is answered as the first time: the link did not restart the
    // old ticket's reopen window, which still counts from its resolution.
    assert_eq!(again.unwrap(), first);
    assert!(matches!(first, Outcome::Opened { follows: Some(old), .. } if old == ticket.id()));
    let old = w.ticket(ticket.id()).await;
    assert_eq!(old.status().category, StatusCategory::Resolved);
}

#[tokio::test]
async fn a_mail_from_an_address_longer_than_any_server_delivers_is_ignored_as_malformed() {
    // Given a mail whose From address is 4,000 bytes long (the desk keeps
    // no requester address past its field limit).
    let w = world();
    let from = format!("{}@customer.test", "a".repeat(4000));
    let raw = mail(&from, "long-from@customer.test", "Hello", "", "Hi\r\n");

    // When it is ingested.
    let outcome = w.ingest(&raw).await;

    // Then it is ignored as malformed, the reason naming the field.
    let Outcome::Ignored(Ignored::Malformed { reason }) = outcome else {
        panic!("expected a malformed mail, got {outcome:?}")
    };
    assert_eq!(
        reason,
        "field `From`: the address is 4014 bytes long, past the 254 RFC 5321 allows"
    );
}

#[tokio::test]
async fn a_mail_tagged_with_the_number_its_own_ticket_gets_is_answered_the_same_when_offered_again()
{
    // Given a first mail whose subject carries the tag of the number the
    // desk will give its ticket (a number nobody had yet).
    let w = world();
    let raw = mail(
        "Ann <ann@customer.test>",
        "tagged-ahead@customer.test",
        "[#1] Printer",
        PASS,
        "The printer jams.\r\n",
    );
    let first = w.ingest(&raw).await;
    assert!(
        matches!(&first, Outcome::Opened { number: Some(n), .. } if n.get() == 1),
        "{first:?}"
    );

    // When it is offered again, the tag now naming its own ticket.
    let again = w.channel.ingest(&w.desk, &raw, &Arrival::default()).await;

    // Then it is answered as the first time, not as a reply to itself.
    assert_eq!(again.unwrap(), first);
}

#[tokio::test]
async fn a_reply_that_came_before_its_original_is_answered_the_same_when_offered_again() {
    // Given Ann's reply, which arrived before the mail it answers and so
    // opened a ticket of its own, and then that first mail.
    let w = world();
    let reply = mail(
        "ann@customer.test",
        "early-reply@customer.test",
        "Re: VPN drops every hour",
        &format!("In-Reply-To: <first@customer.test>\r\n{PASS}"),
        "Also at home.\r\n",
    );
    let first = w.ingest(&reply).await;
    let original = w.anns_ticket().await;

    // When the reply is offered again, its original now known.
    let again = w.channel.ingest(&w.desk, &reply, &Arrival::default()).await;

    // Then it is answered as the first time: applied once, on its own
    // ticket, and the original's ticket gets no reply from it.
    assert_eq!(again.unwrap(), first);
    assert!(matches!(first, Outcome::Opened { follows: None, .. }));
    assert_eq!(w.ticket(original.id()).await.conversation().len(), 0);
}

#[tokio::test]
async fn a_runaway_sender_is_stopped_after_its_rate() {
    let w = world();
    let channel = w.rated(2);
    let mut outcomes = Vec::new();
    for i in 0..4 {
        let raw = mail(
            "bot@customer.test",
            &format!("bot{i}@customer.test"),
            "Alert",
            "",
            "CPU high\r\n",
        );
        outcomes.push(
            channel
                .ingest(&w.desk, &raw, &Arrival::default())
                .await
                .unwrap(),
        );
    }
    assert!(matches!(outcomes[0], Outcome::Opened { .. }));
    assert!(matches!(outcomes[1], Outcome::Opened { .. }));
    let limited = Outcome::Ignored(Ignored::RateLimited {
        address: "bot@customer.test".into(),
    });
    assert_eq!(outcomes[2..], [limited.clone(), limited]);
}

/// A mail from the runaway `bot@customer.test`, its `n`th.
fn bots(n: usize) -> Vec<u8> {
    mail(
        "bot@customer.test",
        &format!("bot{n}@customer.test"),
        "Alert",
        "",
        &format!("CPU high, alert {n}\r\n"),
    )
}

#[tokio::test]
async fn the_rate_is_shared_by_every_host_and_kept_across_a_restart() {
    // Given two hosts' channels on one desk's store, opening at most three
    // tickets an hour per sender.
    let w = world();
    let (one, two) = (w.rated(3), w.rated(3));

    // When a runaway sender's eight mails reach both hosts at once, and a
    // ninth reaches a host started anew.
    let offered = (0..8).map(|n| {
        let (channel, desk) = (if n % 2 == 0 { &one } else { &two }, &w.desk);
        async move { channel.ingest(desk, &bots(n), &Arrival::default()).await }
    });
    let outcomes: Vec<Outcome> = futures_util::future::join_all(offered)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let restarted = w.rated(3);
    let ninth = restarted
        .ingest(&w.desk, &bots(8), &Arrival::default())
        .await;

    // Then three tickets opened between them, the rest and the ninth are
    // held back, and a mail that opened its ticket is answered as then.
    let opened: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Opened { .. }))
        .collect();
    assert_eq!(opened.len(), 3, "{outcomes:?}");
    let limited = Outcome::Ignored(Ignored::RateLimited {
        address: "bot@customer.test".into(),
    });
    assert_eq!(outcomes.iter().filter(|o| **o == limited).count(), 5);
    assert_eq!(ninth.unwrap(), limited);
    let first = outcomes.iter().position(|o| o == opened[0]).unwrap();
    let again = restarted
        .ingest(&w.desk, &bots(first), &Arrival::default())
        .await;
    assert_eq!(&again.unwrap(), opened[0]);
}

#[tokio::test]
async fn a_held_back_sender_is_let_in_again_as_the_window_slides_on() {
    // Given a channel opening at most two tickets an hour per sender, and
    // two tickets its runaway sender opened at 09:10.
    let w = world();
    let channel = w.rated(2);
    let ingest = |n: usize| {
        let (channel, desk) = (&channel, &w.desk);
        async move {
            let outcome = channel.ingest(desk, &bots(n), &Arrival::default()).await;
            matches!(outcome.unwrap(), Outcome::Opened { .. })
        }
    };
    w.clock.advance(chrono::Duration::minutes(10));
    assert!(ingest(0).await && ingest(1).await);

    // When it writes again at 09:50, twice at 10:30, and twice at 11:00.
    w.clock.advance(chrono::Duration::minutes(40));
    let at_nine_fifty = ingest(2).await;
    w.clock.advance(chrono::Duration::minutes(40));
    let at_ten_thirty = [ingest(3).await, ingest(4).await];
    w.clock.advance(chrono::Duration::minutes(30));
    let at_eleven = [ingest(5).await, ingest(6).await];

    // Then 09:50 is within the hour of both; at 10:30 the hour before
    // counts by half, leaving room for one; at 11:00 the hour before holds
    // the ticket of 10:30, leaving room for one again.
    assert!(!at_nine_fifty);
    assert_eq!(at_ten_thirty, [true, false]);
    assert_eq!(at_eleven, [true, false]);
}

#[tokio::test]
async fn no_mail_names_or_takes_a_place_of_the_rate() {
    // Given Ann's ticket, and a place of the rate taken by it, as a
    // sender's count does.
    let w = world();
    let ticket = w.anns_ticket().await;
    let place = MessageId::new("<counted.1.0@sender-rate.invalid>").unwrap();
    w.desk
        .store()
        .remember_message(TENANT, &place, ticket.id())
        .await
        .unwrap();

    // When Ann answers the place's id, bare and as the id-left of one at
    // the desk's domain, a server's notice says mail of that id bounced,
    // and Bob's mail claims another place's id as its own.
    let answering = |id: &str| {
        let answered = format!("{}{id}", place.as_str());
        mail(
            "ann@customer.test",
            &format!("reply{}@customer.test", id.len()),
            "Re: VPN",
            &format!("In-Reply-To: <{answered}>\r\n{PASS}"),
            "Is this the VPN ticket?\r\n",
        )
    };
    let reply = w.ingest(&answering("")).await;
    let at_the_desk = w.ingest(&answering(&format!("@{DOMAIN}"))).await;
    let bounced = w
        .ingest(&dsn(
            &format!("{}@{DOMAIN}", place.as_str()),
            "failed",
            "5.1.1",
        ))
        .await;
    let claimed = MessageId::new("counted.2.0@sender-rate.invalid").unwrap();
    let bobs = mail(
        "bob@customer.test",
        claimed.as_str(),
        "Printer",
        PASS,
        "It jams.\r\n",
    );
    let bobs = w.ingest(&bobs).await;

    // Then Ann's mails name no ticket and open tickets of their own, the
    // notice names no mail of the desk's, and Bob's mail opens his ticket
    // without binding the place's id.
    assert_ne!(opened(&reply), ticket.id());
    assert_ne!(opened(&at_the_desk), ticket.id());
    assert_eq!(bounced, Outcome::Ignored(Ignored::UnknownBounce));
    assert_eq!(w.ticket(ticket.id()).await.conversation().len(), 0);
    opened(&bobs);
    assert_eq!(
        w.desk
            .store()
            .ticket_of_message(TENANT, &claimed)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn mail_forged_in_anns_name_never_uses_up_her_rate_nor_does_her_mail_whose_open_failed_count_twice()
 {
    // Given a mailbox opening at most one ticket an hour per sender.
    let w = world();
    let channel = w.rated(1);
    let ingest = |id: &str, headers: &str| {
        let raw = mail("ann@customer.test", id, "Printer", headers, "It jams.\r\n");
        let channel = &channel;
        let desk = &w.desk;
        async move { channel.ingest(desk, &raw, &Arrival::default()).await }
    };

    // When a mail forged in Ann's name (no server vouches for it) opens a
    // ticket, and her own mail's open fails once, as a store gone away.
    let forged = ingest("forged@evil.test", "").await.unwrap();
    w.desk.store().fail_appends_of("opened", 1);
    let failed = ingest("ann-1@customer.test", PASS).await;

    // Then neither counts against her: her mail offered again opens her
    // ticket, and only her next one is held back.
    assert!(matches!(forged, Outcome::Opened { .. }), "{forged:?}");
    assert!(failed.is_err(), "{failed:?}");
    let opened = ingest("ann-1@customer.test", PASS).await.unwrap();
    assert!(matches!(opened, Outcome::Opened { .. }), "{opened:?}");
    assert_eq!(
        ingest("ann-2@customer.test", PASS).await.unwrap(),
        Outcome::Ignored(Ignored::RateLimited {
            address: "ann@customer.test".into()
        })
    );
}

#[tokio::test]
async fn a_late_reply_vouched_by_its_token_is_counted_apart_from_forgeries_and_her_verified_mail() {
    // Given a mailbox opening at most one ticket an hour per sender, Ann's
    // ticket resolved a month ago, and a mail forged in her name that
    // opened a ticket within the hour.
    let w = world();
    let ticket = w.anns_ticket_resolved_days_ago(30).await;
    let channel = w.rated(1);
    let ingest = |raw: Vec<u8>| {
        let (channel, desk) = (&channel, &w.desk);
        async move { channel.ingest(desk, &raw, &Arrival::default()).await }
    };
    let forged = mail(
        "ann@customer.test",
        "forged@evil.test",
        "Printer",
        "",
        "It jams.\r\n",
    );
    assert!(matches!(
        ingest(forged).await.unwrap(),
        Outcome::Opened { .. }
    ));

    // When Ann answers her ticket's mail to its reply address, signed for
    // her, from a domain without DMARC, and then writes a new mail.
    let to = w
        .reply_to
        .address_for(TENANT, ticket.id(), "ann@customer.test");
    let late = anns_mail_to(&to, "late-token@customer.test", "Re: VPN", "", "none");
    let late = ingest(late).await.unwrap();
    let next = mail(
        "ann@customer.test",
        "ann-next@customer.test",
        "Printer",
        PASS,
        "Again.\r\n",
    );
    let next = ingest(next).await.unwrap();

    // Then her reply opens the ticket that follows the old one, counted
    // neither with the forgery nor with the mail her server vouches for
    // (the token is in every mail of the desk's to her, and in whatever
    // she forwards), so her next mail opens a ticket too.
    assert!(
        matches!(late, Outcome::Opened { follows: Some(old), .. } if old == ticket.id()),
        "{late:?}"
    );
    assert!(matches!(next, Outcome::Opened { .. }), "{next:?}");
}

#[tokio::test]
async fn a_mail_whose_text_holds_nul_characters_opens_a_ticket_and_replies_without_them() {
    // Given Ann's ticket, and a new mail and a reply whose texts hold NUL
    // characters (the desk refuses them in any text it keeps).
    let w = world();
    let ticket = w.anns_ticket().await;
    let new = mail(
        "Bob <bob@customer.test>",
        "nul-new@customer.test",
        "Log attached",
        "",
        "The log says:\0\0 disk full\r\n",
    );
    let reply = mail(
        "Ann <ann@customer.test>",
        "nul-reply@customer.test",
        &format!("Re: [{}] VPN drops every hour", ticket.number().unwrap()),
        PASS,
        "Still\0 dropping.\r\n",
    );

    // When both are ingested.
    let first = w.ingest(&new).await;
    let replied = w.ingest(&reply).await;

    // Then the new mail opens a ticket and the reply lands on Ann's, their
    // texts without the NUL characters (the whole mails are attached).
    let new_ticket = w.ticket(opened(&first)).await;
    assert_eq!(new_ticket.description(), "The log says: disk full");
    let Outcome::Replied {
        ticket: on,
        comment,
    } = replied
    else {
        panic!("expected a reply, got {replied:?}")
    };
    assert_eq!(on, ticket.id());
    let body = w.ticket(on).await.comment(comment).unwrap().body.clone();
    assert_eq!(body, "Still dropping.");
}

#[tokio::test]
async fn a_mail_sealed_for_the_desk_opens_a_ticket_that_says_so_and_keeps_its_parts() {
    // Given an OpenPGP/MIME mail, as Thunderbird sends one: a version
    // part without a name and the armored message.
    let w = world();
    let raw = format!(
        "From: Ann <ann@customer.test>\r\nTo: support@help.example.com\r\n\
Subject: Credentials\r\nMessage-ID: <sealed@customer.test>\r\n{PASS}MIME-Version: 1.0\r\n\
Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"enig\"\r\n\r\n\
This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n--enig\r\n\
Content-Type: application/pgp-encrypted\r\nContent-Description: PGP/MIME version identification\r\n\r\n\
Version: 1\r\n\r\n--enig\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\
Content-Description: OpenPGP encrypted message\r\nContent-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n\
-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA1n0Y3f2mYwHAQf/dGVzdA==\r\n=abcd\r\n-----END PGP MESSAGE-----\r\n\r\n--enig--\r\n"
    );

    // When it is ingested.
    let ticket = w.ticket(opened(&w.ingest(raw.as_bytes()).await)).await;

    // Then the ticket says the desk cannot read it, and keeps the original
    // and both parts as text: the unnamed one named by its kind, the
    // armored message never taken for a certificate.
    assert!(
        ticket.description().starts_with("(encrypted:"),
        "{:?}",
        ticket.description()
    );
    let files: Vec<(&str, &str)> = ticket
        .attachments()
        .iter()
        .map(|a| (a.name.as_str(), a.content_type.as_str()))
        .collect();
    assert_eq!(
        files,
        [
            ("original.eml", "message/rfc822"),
            ("attachment-1.txt", "text/plain"),
            ("encrypted.asc", "text/plain"),
        ]
    );
}

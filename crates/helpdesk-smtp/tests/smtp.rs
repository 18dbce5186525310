//! The SMTP notifier against a real SMTP server started by each test
//! (`smtp_server.py`, on aiosmtpd): what arrives, byte for byte where it
//! matters; what is refused before anything is sent; how the server's
//! answers map to retryable and permanent failures.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{DOMAIN, Server, delivery_of, notification, parse, raw_header, reply_to};
use helpdesk_core::{
    Actor, ActorId, Change, Command, CommentId, DeskConfig, NewTicket, Resolution, ResolutionCode,
    TenantId, Vouched,
};
use helpdesk_engine::store::MessageId;
use helpdesk_engine::{Clock, Desk, ManualClock, MemoryStore, Notifier, Request, Store};
use helpdesk_smtp::SmtpNotifier;
use mail_parser::MimeHeaders;

fn clock() -> ManualClock {
    ManualClock::new("2026-03-02T09:15:00Z".parse().unwrap())
}

#[tokio::test]
async fn a_mail_arrives_with_its_ids_threading_and_loop_guards_byte_for_byte() {
    // Given a running server and a notification with a non-ASCII subject
    // and name, an HTML alternative, and body lines SMTP must escape.
    let server = Server::start();
    let notifier = server.notifier(&clock());
    let mut sent = notification();
    sent.content.subject = "[#00000003] Drucker klemmt – Größe A4 ✓".into();
    sent.to.name = Some("Zoë Müller".into());
    sent.content.text = "Maria replied.\n\n.\n..two dots\nFrom the tray\n".into();
    sent.content.html = Some("<p>Maria replied.</p>\n<p>Größe: A4 &amp; more</p>".into());

    // When it is sent.
    notifier.notify(&sent).await.unwrap();

    // Then one mail arrived, with each header exactly as written.
    let mail = server.mail();
    assert_eq!(mail.len(), 1);
    let raw = &mail[0];
    let root = format!("<ticket-{}@{DOMAIN}>", sent.ticket);
    assert_eq!(
        raw_header(raw, "Message-ID").unwrap(),
        format!("<{}@{DOMAIN}>", sent.id)
    );
    assert_eq!(raw_header(raw, "In-Reply-To").unwrap(), root);
    assert_eq!(raw_header(raw, "References").unwrap(), root);
    assert_eq!(raw_header(raw, "Auto-Submitted").unwrap(), "auto-generated");
    assert_eq!(raw_header(raw, "X-Auto-Response-Suppress").unwrap(), "All");
    assert_eq!(
        raw_header(raw, "Date").unwrap(),
        "Mon, 02 Mar 2026 09:15:00 +0000"
    );
    assert_eq!(
        raw_header(raw, "From").unwrap(),
        "\"Example Support\" <support@example.test>"
    );
    let reply = raw_header(raw, "Reply-To").unwrap();
    let address = reply
        .strip_prefix("\"Example Support\" <")
        .and_then(|r| r.strip_suffix('>'))
        .unwrap();
    assert!(address.starts_with("support+"), "{address}");
    let recipient = sent.to.address.as_deref().unwrap();
    assert_eq!(
        reply_to().ticket_of(address, sent.tenant, recipient),
        Some(sent.ticket),
        "the reply address leads back to the ticket, in a reply from its recipient"
    );
    assert_eq!(
        reply_to().ticket_of(address, sent.tenant, "someone.else@example.test"),
        None,
        "and vouches for no one else"
    );
    // The subject's words beyond ASCII are sent as RFC 2047 encoded words.
    let subject = raw_header(raw, "Subject").unwrap();
    assert!(
        subject.starts_with("[#00000003] Drucker klemmt =?utf-8?b?"),
        "{subject}"
    );
    assert!(subject.is_ascii());
    assert!(raw.is_ascii(), "nothing but ASCII crosses the wire");

    // And read as a mail client reads it, it says what was rendered.
    let parsed = parse(raw);
    assert_eq!(parsed.subject(), Some(sent.content.subject.as_str()));
    let to = parsed.to().unwrap().first().unwrap();
    assert_eq!(to.name(), Some("Zoë Müller"));
    assert_eq!(to.address(), Some("alice@example.test"));
    assert!(
        parsed
            .content_type()
            .is_some_and(|t| t.c_type == "multipart" && t.subtype() == Some("alternative"))
    );
    assert_eq!(
        parsed.body_text(0).unwrap().replace("\r\n", "\n"),
        sent.content.text,
        "the text part, a lone dot and a double dot included"
    );
    assert_eq!(
        parsed.body_html(0).unwrap().replace("\r\n", "\n"),
        sent.content.html.clone().unwrap()
    );
}

#[tokio::test]
async fn a_mail_about_an_internal_note_is_sent_under_its_internal_message_id() {
    // Given a running server and a notification of an internal note, to
    // an agent.
    let server = Server::start();
    let notifier = server.notifier(&clock());
    let mut sent = notification();
    sent.event.event.change = Change::NoteAdded {
        comment: CommentId::from_u128(7),
        body: "Known issue INC-42".into(),
    };

    // When it is sent.
    notifier.notify(&sent).await.unwrap();

    // Then its Message-ID is the internal key the desk binds it under, so
    // that a reply to it is known to answer what requesters may not see;
    // its thread is the ticket's as ever.
    let mail = server.mail();
    let raw = &mail[0];
    let written = raw_header(raw, "Message-ID").unwrap();
    assert_eq!(written, format!("<{}.internal@{DOMAIN}>", sent.id));
    let quoted: MessageId = written.parse().unwrap();
    let key = quoted.id_left().unwrap();
    assert_eq!(key, sent.message_key());
    assert!(key.tells_internal());
    assert_eq!(
        raw_header(raw, "In-Reply-To").unwrap(),
        format!("<ticket-{}@{DOMAIN}>", sent.ticket)
    );
    assert_eq!(delivery_of(raw), sent.id);
}

#[tokio::test]
async fn a_mail_without_html_is_plain_text_alone() {
    // Given notifications without HTML, the text ending with a line break
    // and without one.
    let server = Server::start();
    let sent = notification();
    let mut unended = notification();
    unended.content.text = "No line break at the end".into();
    server.notifier(&clock()).notify(&unended).await.unwrap();

    // When it is sent.
    server.notifier(&clock()).notify(&sent).await.unwrap();

    // Then each arrives as one text/plain part, as written; SMTP ends
    // every message with a line break, so the text that had none gains one.
    let mail = server.mail();
    assert_eq!(
        parse(&mail[0]).body_text(0).unwrap().replace("\r\n", "\n"),
        format!("{}\n", unended.content.text)
    );
    let parsed = parse(&mail[1]);
    let kind = parsed.content_type().unwrap();
    assert_eq!(
        (kind.c_type.as_ref(), kind.subtype()),
        ("text", Some("plain"))
    );
    assert_eq!(
        parsed.body_text(0).unwrap().replace("\r\n", "\n"),
        sent.content.text
    );
    assert_eq!(parsed.subject(), Some("[#00000003] Printer jams"));
    assert_eq!(
        raw_header(&mail[1], "Subject").unwrap(),
        "[#00000003] Printer jams"
    );
    assert_eq!(
        raw_header(&mail[1], "Content-Type").unwrap(),
        "text/plain; charset=utf-8"
    );
}

#[tokio::test]
async fn a_line_break_in_any_header_value_is_refused_for_good_and_never_sent() {
    // Given a running server.
    let server = Server::start();
    let notifier = server.notifier(&clock());
    let breaks = [
        "\r\nBcc: everyone@example.test",
        "\nBcc: x@example.test",
        "\r",
        "\0",
    ];
    for injected in breaks {
        let mut cases = Vec::new();
        let mut subject = notification();
        subject.content.subject = format!("Printer jams{injected}");
        cases.push(("Subject", subject));
        let mut name = notification();
        name.to.name = Some(format!("Alice{injected}"));
        cases.push(("To", name));
        let mut address = notification();
        address.to.address = Some(format!("alice@example.test{injected}"));
        cases.push(("To", address));
        for (header, case) in cases {
            // When a notification with a line break in a header value is sent.
            let error = notifier.notify(&case).await.err().unwrap();

            // Then it is refused for good, naming the header.
            assert!(error.permanent, "{header} {injected:?}");
            assert_eq!(error.notifier, "smtp");
            assert!(
                error.reason.starts_with(&format!("the {header} header's")),
                "{header} {injected:?}: {}",
                error.reason
            );
        }
    }
    // And nothing reached the server.
    assert!(server.mail().is_empty());
}

#[tokio::test]
async fn an_address_missing_or_not_parsing_is_refused_for_good() {
    // Given a running server.
    let server = Server::start();
    let notifier = server.notifier(&clock());
    for address in [
        None,
        Some("alice"),
        Some("alice@"),
        Some("a b@example.test"),
    ] {
        let mut case = notification();
        case.to.address = address.map(str::to_owned);

        // When it is sent.
        let error = notifier.notify(&case).await.err().unwrap();

        // Then it is permanent, and says why.
        assert!(error.permanent, "{address:?}");
        match address {
            None => assert!(
                error.reason.starts_with("no email address for"),
                "{}",
                error.reason
            ),
            Some(a) => assert!(
                error
                    .reason
                    .starts_with(&format!("the To address {a:?} is not an email address")),
                "{}",
                error.reason
            ),
        }
    }
    assert!(server.mail().is_empty());
}

#[tokio::test]
async fn the_servers_answers_map_to_retryable_or_permanent() {
    // Given a running server and the answers it gives in turn.
    let mut server = Server::start();
    let notifier = server.notifier(&clock());
    let cases = [
        ("MAIL 451 4.3.0 Try again later", None, false, "451"),
        ("MAIL 421 4.3.2 Service shutting down", None, false, "421"),
        ("DATA 452 4.3.1 Insufficient storage", None, false, "452"),
        ("accept", Some("busy@example.test"), false, "452"),
        ("MAIL 554 5.7.1 Sender refused", None, true, "554"),
        ("DATA 552 5.3.4 Message too big", None, true, "552"),
        ("accept", Some("refused@example.test"), true, "550"),
    ];
    for (mode, to, permanent, code) in cases {
        server.answer(mode);
        let mut case = notification();
        if let Some(to) = to {
            case.to.address = Some(to.into());
        }

        // When a notification is sent.
        let error = notifier.notify(&case).await.err().unwrap();

        // Then 4xx is retried, 5xx is permanent, and the reason quotes the
        // server and its answer.
        assert_eq!(
            error.permanent, permanent,
            "{mode} {to:?}: {}",
            error.reason
        );
        let server_name = format!("127.0.0.1:{}", server.port);
        assert!(error.reason.starts_with(&server_name), "{}", error.reason);
        assert!(error.reason.contains(code), "{mode}: {}", error.reason);
    }
    assert!(server.mail().is_empty());

    // Given the server stopped: connections are refused, which is retried.
    server.stop();
    let error = notifier.notify(&notification()).await.err().unwrap();
    assert!(!error.permanent, "{}", error.reason);

    // And once it is back, the same notification goes through.
    server.restart();
    server.answer("accept");
    notifier.notify(&notification()).await.unwrap();
    assert_eq!(server.mail().len(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_is_retried_after_the_timeout() {
    // Given a server that takes the connection and never greets.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(socket);
    });
    let mut options = Server::start().options();
    options.port = port;
    options.timeout = Duration::from_millis(500);
    let notifier = SmtpNotifier::with_clock(options, clock()).unwrap();

    // When a notification is sent.
    let started = std::time::Instant::now();
    let error = notifier.notify(&notification()).await.err().unwrap();

    // Then it fails within the timeout, as retryable.
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!error.permanent, "{}", error.reason);
    held.abort();
}

#[tokio::test]
async fn a_tickets_mails_thread_under_one_root_and_reply_to_it() {
    // Given a desk that mails the requester of every public reply and the
    // resolution, with the requester's vouched address and an agent's name.
    let server = Server::start();
    let clock = clock();
    let config: DeskConfig = serde_json::from_value(serde_json::json!({
        "agents": {"maria": {"id": "00000000-0000-0000-0000-000000000007",
                             "name": "Maria Keller", "email": "maria@example.test"}},
        "notification_rules": [{
            "name": "Requester updates",
            "on": ["public_reply", "resolved"],
            "to": ["requester"],
            "via": "email"
        }]
    }))
    .unwrap();
    let desk = Desk::new(
        config,
        MemoryStore::new(),
        server.notifier(&clock),
        clock.clone(),
    )
    .unwrap();
    let tenant = TenantId::from_u128(1);
    let alice = Actor::requester(ActorId::from_u128(1), tenant);
    let maria = Actor::agent(ActorId::from_u128(7), tenant, []);
    let ticket = helpdesk_engine::new_ticket_id();
    let open = Command::Open(NewTicket::new(alice.id, "Printer jams", "Tray 2"));
    let vouched = Vouched::new().requester_email("alice@example.test");
    desk.execute(Request::new(alice, ticket, open).vouched(vouched))
        .await
        .unwrap();

    // When an agent replies twice and resolves, and the dispatcher runs.
    for body in ["Looking at it.", "Try tray 1."] {
        let reply = Command::Reply {
            comment: helpdesk_engine::new_comment_id(),
            body: body.into(),
            attachments: Vec::new(),
        };
        desk.execute(Request::new(maria.clone(), ticket, reply))
            .await
            .unwrap();
    }
    let resolve = Command::Resolve {
        resolution: Resolution::new(ResolutionCode::Solved, "Tray 1 works."),
        sub_status: None,
    };
    desk.execute(Request::new(maria, ticket, resolve))
        .await
        .unwrap();
    let outbox = desk.store().pending_outbox(100).await.unwrap();
    let report = desk.run_dispatch(clock.now()).await.unwrap();

    // Then every planned mail arrived, each under its delivery id, all
    // threaded under the ticket's root, with the reply address of the ticket.
    assert_eq!(report.delivered, outbox.len());
    assert_eq!(outbox.len(), 3, "two replies and the resolution");
    let mail = server.mail();
    let ids: Vec<_> = mail.iter().map(|m| delivery_of(m)).collect();
    let planned: Vec<_> = outbox.iter().map(|m| m.id).collect();
    assert_eq!(ids, planned, "in order, each once");
    let root = format!("<ticket-{ticket}@{DOMAIN}>");
    for raw in &mail {
        assert_eq!(raw_header(raw, "References").unwrap(), root);
        assert_eq!(raw_header(raw, "In-Reply-To").unwrap(), root);
        let parsed = parse(raw);
        let reply = parsed.reply_to().unwrap().first().unwrap();
        assert_eq!(
            reply_to().ticket_of(reply.address().unwrap(), tenant, "alice@example.test"),
            Some(ticket)
        );
        assert_eq!(
            parsed.to().unwrap().first().unwrap().address(),
            Some("alice@example.test")
        );
    }
    let first = parse(&mail[0]);
    assert!(
        first.body_text(0).unwrap().contains("Looking at it."),
        "{:?}",
        first.body_text(0)
    );
}

//! TLS and login against a real SMTP server (`smtp_server.py`, on
//! aiosmtpd) presenting a certificate of an authority each test makes:
//! `STARTTLS` the server requires, implicit TLS, `AUTH PLAIN` and `AUTH
//! LOGIN`, a wrong password, and certificates the notifier must not trust.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Authority, Server, ServerTls, Setup, endpoint, notification};
use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
use helpdesk_engine::{Clock, ManualClock, Notifier, Request, Store};
use helpdesk_smtp::{Credentials, SmtpNotifier, SmtpOptions, Tls};

const USER: &str = "support";
const PASSWORD: &str = "s3cret";

fn clock() -> ManualClock {
    ManualClock::new("2026-03-02T09:15:00Z".parse().unwrap())
}

/// Options sending to `server` at `host` over `tls`, trusting `roots`.
fn options(server: &Server, host: &str, tls: Tls, roots: &[&Authority]) -> SmtpOptions {
    let mut options = server.options();
    options.host = host.into();
    options.tls = tls;
    options.extra_roots = roots.iter().map(|root| root.der()).collect();
    options
}

fn notifier(options: SmtpOptions) -> SmtpNotifier<ManualClock> {
    SmtpNotifier::with_clock(options, clock()).unwrap()
}

#[tokio::test]
async fn starttls_the_server_requires_carries_the_mail_over_tls() {
    // Given a server that refuses everything before STARTTLS, with a
    // certificate for 127.0.0.1 signed by an authority the host trusts.
    let ours = Authority::new("ours");
    let issued = ours.issue("server", &["IP:127.0.0.1", "DNS:localhost"]);
    let server = Server::start_with(&Setup {
        tls: Some((ServerTls::Require, &issued)),
        ..Setup::default()
    });

    // When a notifier requiring STARTTLS sends a notification.
    let tls = notifier(options(&server, "127.0.0.1", Tls::StartTls, &[&ours]));
    tls.notify(&notification()).await.unwrap();

    // Then it arrived, and the server took it over TLS.
    assert_eq!(server.mail().len(), 1);
    assert_eq!(server.log(), ["MAIL tls -"]);

    // And a notifier that does not upgrade is refused for good by the
    // same server, sending nothing.
    let plain = notifier(options(&server, "127.0.0.1", Tls::None, &[]));
    let error = plain.notify(&notification()).await.err().unwrap();
    assert!(error.permanent, "{}", error.reason);
    assert!(error.reason.contains("530"), "{}", error.reason);
    assert_eq!(server.mail().len(), 1);
}

#[tokio::test]
async fn implicit_tls_carries_the_mail_from_the_first_byte() {
    // Given an SMTPS server with a certificate for localhost.
    let ours = Authority::new("ours");
    let issued = ours.issue("server", &["DNS:localhost", "IP:127.0.0.1"]);
    let server = Server::start_with(&Setup {
        tls: Some((ServerTls::Implicit, &issued)),
        ..Setup::default()
    });

    // When a notifier with implicit TLS sends to it by name.
    let smtps = notifier(options(&server, "localhost", Tls::Implicit, &[&ours]));
    smtps.notify(&notification()).await.unwrap();

    // Then the mail arrived over TLS, as written.
    let mail = server.mail();
    assert_eq!(mail.len(), 1);
    assert_eq!(common::delivery_of(&mail[0]), notification().id);
    assert_eq!(server.log(), ["MAIL tls -"]);

    // And a notifier speaking plain SMTP to the same port gets no answer
    // it can take for a server's: nothing arrives.
    let mut plain = options(&server, "127.0.0.1", Tls::None, &[]);
    plain.timeout = std::time::Duration::from_secs(2);
    let error = notifier(plain).notify(&notification()).await.err().unwrap();
    assert!(!error.permanent, "{}", error.reason);
    assert_eq!(server.mail().len(), 1);
}

#[tokio::test]
async fn a_login_by_plain_or_by_login_delivers_the_mail() {
    let ours = Authority::new("ours");
    let issued = ours.issue("server", &["IP:127.0.0.1"]);
    let cases = [
        (ServerTls::Require, Tls::StartTls, "PLAIN"),
        (ServerTls::Require, Tls::StartTls, "LOGIN"),
        (ServerTls::Implicit, Tls::Implicit, "LOGIN"),
        (ServerTls::Implicit, Tls::Implicit, "PLAIN,LOGIN"),
    ];
    for (server_tls, tls, mechanisms) in cases {
        // Given a server that takes mail only from a user who logged in,
        // offering the mechanisms of the case.
        let server = Server::start_with(&Setup {
            tls: Some((server_tls, &issued)),
            login: Some((USER, PASSWORD)),
            mechanisms: Some(mechanisms),
        });

        // When a notifier with the right credentials sends.
        let mut options = options(&server, "127.0.0.1", tls, &[&ours]);
        options.credentials = Some(Credentials::new(USER, PASSWORD));
        notifier(options).notify(&notification()).await.unwrap();

        // Then it logged in with the offered mechanism (PLAIN when both
        // are), and the mail arrived over TLS from that user.
        let used = mechanisms.split(',').next().unwrap();
        assert_eq!(
            server.log(),
            [format!("AUTH {used} {USER} ok"), format!("MAIL tls {USER}")],
            "{mechanisms}"
        );
        assert_eq!(server.mail().len(), 1, "{mechanisms}");
    }
}

#[tokio::test]
async fn a_wrong_password_is_permanent_names_the_login_and_becomes_a_dead_letter() {
    // Given a server that requires a login, and a notifier with the wrong
    // password.
    let ours = Authority::new("ours");
    let issued = ours.issue("server", &["IP:127.0.0.1"]);
    let server = Server::start_with(&Setup {
        tls: Some((ServerTls::Require, &issued)),
        login: Some((USER, PASSWORD)),
        mechanisms: None,
    });
    let mut options = options(&server, "127.0.0.1", Tls::StartTls, &[&ours]);
    options.credentials = Some(Credentials::new(USER, "wrong"));

    // When it sends a notification.
    let error = notifier(options.clone())
        .notify(&notification())
        .await
        .err()
        .unwrap();

    // Then the failure is permanent and says that the login was refused,
    // whose, the option to fix and the server's answer.
    assert!(error.permanent, "{}", error.reason);
    assert_eq!(error.notifier, "smtp");
    let expected = format!(
        "127.0.0.1:{}: the server refused the login of \"support\" (credentials): ",
        server.port
    );
    assert!(error.reason.starts_with(&expected), "{}", error.reason);
    assert!(error.reason.contains("535"), "{}", error.reason);
    assert!(!error.reason.contains("wrong"), "{}", error.reason);
    assert!(server.mail().is_empty());
    assert_eq!(server.log(), [format!("AUTH PLAIN {USER} refused")]);

    // And through a desk's dispatcher, each mail is a dead letter after one
    // attempt, with that reason, and none arrived.
    let clock = clock();
    let sender = SmtpNotifier::with_clock(options, clock.clone()).unwrap();
    let desk = helpdesk_testkit::notifier_cases::desk(sender, endpoint(), &clock);
    let admin = Actor::admin(ActorId::from_u128(9), TenantId::from_u128(1));
    let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
    let ticket = helpdesk_engine::new_ticket_id();
    desk.execute(Request::new(admin, ticket, open))
        .await
        .unwrap();
    let planned = desk.store().pending_outbox(100).await.unwrap();
    assert!(!planned.is_empty());
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!((report.delivered, report.dead), (0, planned.len()));
    let dead = desk
        .store()
        .dead_letters(TenantId::from_u128(1), None, 100)
        .await
        .unwrap();
    assert_eq!(dead.len(), planned.len());
    for letter in &dead {
        assert_eq!(letter.attempts, 1);
        assert!(
            letter
                .last_error
                .contains("refused the login of \"support\" (credentials)"),
            "{}",
            letter.last_error
        );
    }
    assert!(server.mail().is_empty());
}

#[tokio::test]
async fn a_certificate_the_notifier_does_not_trust_is_refused_and_nothing_goes_in_clear() {
    // Given certificates the notifier must refuse: one signed by an
    // authority it does not trust, one by its own authority for another
    // name; and servers that would take mail in plain text too.
    let ours = Authority::new("ours");
    let rogue = Authority::new("rogue");
    let stranger = rogue.issue("stranger", &["IP:127.0.0.1", "DNS:localhost"]);
    let misnamed = ours.issue("misnamed", &["DNS:mail.elsewhere.test"]);
    let cases = [
        (
            ServerTls::Offer,
            Tls::StartTls,
            &stranger,
            vec![&ours],
            "another authority",
        ),
        (
            ServerTls::Offer,
            Tls::StartTls,
            &stranger,
            vec![],
            "the platform's roots alone",
        ),
        (
            ServerTls::Offer,
            Tls::StartTls,
            &misnamed,
            vec![&ours],
            "another name",
        ),
        (
            ServerTls::Implicit,
            Tls::Implicit,
            &stranger,
            vec![&ours],
            "another authority",
        ),
        (
            ServerTls::Implicit,
            Tls::Implicit,
            &misnamed,
            vec![&ours],
            "another name",
        ),
    ];
    for (server_tls, tls, issued, roots, case) in cases {
        let server = Server::start_with(&Setup {
            tls: Some((server_tls, issued)),
            ..Setup::default()
        });
        let mut options = options(&server, "127.0.0.1", tls, &roots);
        options.credentials = Some(Credentials::new(USER, PASSWORD));

        // When a notifier sends to it.
        let error = notifier(options)
            .notify(&notification())
            .await
            .err()
            .unwrap();

        // Then the handshake fails, retried later, saying why; and the
        // server saw no login and no mail, in clear or otherwise.
        assert!(!error.permanent, "{case}: {}", error.reason);
        assert!(
            error.reason.to_lowercase().contains("certificate"),
            "{case}: {}",
            error.reason
        );
        assert!(server.log().is_empty(), "{case}: {:?}", server.log());
        assert!(server.mail().is_empty(), "{case}");
    }
}

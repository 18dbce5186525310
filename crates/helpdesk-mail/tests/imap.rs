//! The IMAP source against a real Dovecot: each message handed over once,
//! filed by its outcome, woken by IDLE, over plain IMAP, STARTTLS and
//! implicit TLS, on servers with and without IDLE and MOVE; a move that
//! failed retried without handing the mail over again (nor copying it
//! again), UIDs forgotten when the mailbox is another one under the same
//! name, every command bounded by the timeout (through a proxy that goes
//! silent), a plain EXPUNGE without UIDPLUS, mail announced during a poll
//! not left waiting for the next IDLE, messages too large or unreadable
//! filed as failed instead of holding up the rest (one whose size is
//! refused, or always missing from the answer, after its strikes, and a
//! lone message whose bytes are refused, or whose size fetch drops the
//! connection, poll after poll past the give-up time), mail announced
//! during a wait's search ending the wait while a number of messages the
//! server repeats in every answer, or during IDLE, does not (the IDLE
//! lasting its renewal time, or until mail arrives), a message gone before
//! its size fetch skipped without an error or a strike, and none filed as
//! failed for the server's or the link's trouble (a NO to every fetch for a
//! while, a refusal saying the server is unavailable, a lone message
//! refused, cut off or its size missing from the answer for less than the
//! give-up time, connections dropped, a slow link).
#![allow(clippy::unwrap_used)]

mod imap_server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use helpdesk_mail::{Handled, ImapError, ImapOptions, ImapSecurity, ImapSource, PollReport};
use imap_server::proxy::Proxy;
use imap_server::{Dovecot, RFC_3501, mail, message_id_of};

/// A Dovecot with `IDLE` and `MOVE` holding the mails `ids` in its
/// INBOX, oldest first, behind a test proxy.
async fn proxied(ids: &[&str]) -> (Dovecot, Proxy) {
    let server = Dovecot::start(true);
    server.deliver_mails(ids);
    let proxy = Proxy::start(server.port).await;
    (server, proxy)
}

/// Options for the account of `server`, reached through `proxy`.
fn options_through(server: &Dovecot, proxy: &Proxy) -> ImapOptions {
    let mut options = server.options();
    options.port = proxy.port;
    options
}

/// A source connected to the account of `server` through `proxy`, its
/// options changed by `adjust` first.
async fn through(
    server: &Dovecot,
    proxy: &Proxy,
    adjust: impl FnOnce(&mut ImapOptions),
) -> ImapSource {
    let mut options = options_through(server, proxy);
    adjust(&mut options);
    ImapSource::connect(options).await.unwrap()
}

/// Polls once, recording the Message-ID line of each message handed over
/// and failing those whose id contains "fail".
async fn poll(source: &mut ImapSource) -> (PollReport, Vec<String>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let report = source
        .poll(|fetched| {
            let seen = seen.clone();
            async move {
                let id = message_id_of(&fetched.raw);
                let failed = id.contains("fail");
                seen.lock().unwrap().push(id);
                if failed {
                    Handled::Failed
                } else {
                    Handled::Processed
                }
            }
        })
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    (report, seen)
}

async fn filed_once_by_outcome(server: &Dovecot, options: ImapOptions) {
    // Given three mails waiting, the second of which the handler fails.
    server.deliver_mails(&[
        "one@example.com",
        "two-fail@example.com",
        "three@example.com",
    ]);
    let mut source = ImapSource::connect(options).await.unwrap();

    // When the source polls twice.
    let (first, seen) = poll(&mut source).await;
    let (second, again) = poll(&mut source).await;

    // Then each was handed over once, oldest first, and filed by outcome.
    assert_eq!(
        seen,
        [
            "one@example.com",
            "two-fail@example.com",
            "three@example.com"
        ]
    );
    assert_eq!(
        first,
        PollReport {
            processed: 2,
            failed: 1,
            rejected: 0
        }
    );
    assert_eq!(second, PollReport::default());
    assert!(again.is_empty());
    assert_eq!(server.message_ids("INBOX"), Vec::<String>::new());
    assert_eq!(
        server.message_ids("Processed"),
        ["<one@example.com>", "<three@example.com>"]
    );
    assert_eq!(server.message_ids("Failed"), ["<two-fail@example.com>"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_message_is_handed_over_once_and_moved_by_its_outcome() {
    let server = Dovecot::start(true);
    filed_once_by_outcome(&server, server.options()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailbox_past_a_batch_is_handed_over_in_order_and_filed_by_outcome() {
    // Given 100 mails waiting, every tenth failing, and batches of 64.
    let server = Dovecot::start(true);
    let ids: Vec<String> = (0..100)
        .map(|i| {
            let fail = if i % 10 == 3 { "-fail" } else { "" };
            format!("m{i:03}{fail}@example.com")
        })
        .collect();
    for id in &ids {
        server.deliver("INBOX", &mail(id));
    }
    let mut source = ImapSource::connect(server.options()).await.unwrap();

    // When the source polls three times.
    let (first, seen_first) = poll(&mut source).await;
    let (second, seen_second) = poll(&mut source).await;
    let (third, seen_third) = poll(&mut source).await;

    // Then the first poll took a batch and the second the rest, each mail
    // once and in the order it arrived, and each is filed by its outcome.
    assert_eq!(first.processed + first.failed, 64);
    assert_eq!((second.processed, second.failed), (33, 3));
    assert_eq!(third, PollReport::default());
    assert!(seen_third.is_empty());
    let seen: Vec<String> = seen_first.into_iter().chain(seen_second).collect();
    assert_eq!(seen, ids);
    assert!(server.message_ids("INBOX").is_empty());
    let bracketed = |fail: bool| -> Vec<String> {
        let mut filed: Vec<String> = (ids.iter())
            .filter(|id| id.contains("fail") == fail)
            .map(|id| format!("<{id}>"))
            .collect();
        filed.sort();
        filed
    };
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    assert_eq!(sorted(server.message_ids("Processed")), bracketed(false));
    assert_eq!(sorted(server.message_ids("Failed")), bracketed(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_move_gets_copy_delete_and_expunge() {
    let server = Dovecot::start(false);
    filed_once_by_outcome(&server, server.options()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_move_or_uidplus_gets_a_plain_expunge() {
    // Given a server with neither MOVE nor UIDPLUS, which refuses UID
    // EXPUNGE as such a server would (Dovecot answers it regardless).
    let server = Dovecot::start_with(Some(RFC_3501), "");
    let proxy = Proxy::start(server.port).await;
    proxy.refuse("UID EXPUNGE", "BAD", usize::MAX);
    let options = options_through(&server, &proxy);

    // When the source polls three mails, one failing, twice; and once
    // more after a fourth arrives.
    filed_once_by_outcome(&server, options.clone()).await;
    server.deliver("INBOX", &mail("four@example.com"));
    let mut source = ImapSource::connect(options).await.unwrap();
    let (report, seen) = poll(&mut source).await;

    // Then every mail was handed over once and filed once by its outcome
    // (above), the fourth too, with a plain EXPUNGE, never a UID EXPUNGE.
    assert_eq!((report.processed, seen.len()), (1, 1));
    assert!(server.message_ids("INBOX").is_empty());
    assert_eq!(server.message_ids("Processed").len(), 3);
    let sent = proxy.commands();
    assert!(sent.iter().any(|c| c == "EXPUNGE"), "{sent:?}");
    assert!(
        !sent.iter().any(|c| c.starts_with("UID EXPUNGE")),
        "{sent:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_copied_before_its_expunge_failed_is_not_copied_again() {
    // Given a server without MOVE whose first UID EXPUNGE fails.
    let server = Dovecot::start(false);
    let proxy = Proxy::start(server.port).await;
    proxy.refuse("UID EXPUNGE", "NO", 1);
    server.deliver_mails(&["one@example.com", "two@example.com"]);

    // When the source polls, the move failing after the copy, and again.
    let mut source = through(&server, &proxy, |_| {}).await;
    let first = source.poll(|_| async { Handled::Processed }).await;
    let (second, again) = poll(&mut source).await;

    // Then the second poll only expunged: each mail is in Processed once,
    // and none was handed over again.
    assert!(first.is_err(), "{first:?}");
    assert_eq!(second, PollReport::default());
    assert!(again.is_empty(), "{again:?}");
    assert!(server.message_ids("INBOX").is_empty());
    assert_eq!(
        server.message_ids("Processed"),
        ["<one@example.com>", "<two@example.com>"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_wakes_the_source_when_mail_arrives() {
    // Given a source idling with a renewal far beyond the test's patience.
    let server = Dovecot::start(true);
    let mut options = server.options();
    options.idle = Duration::from_secs(600);
    let mut source = ImapSource::connect(options).await.unwrap();
    assert_eq!(poll(&mut source).await.0, PollReport::default());

    // When a mail arrives while it waits.
    let deliver = mail("late@example.com");
    let waiting = async { tokio::time::timeout(Duration::from_secs(30), source.wait()).await };
    let arrive = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        server.deliver("INBOX", &deliver);
    };
    let (woken, ()) = tokio::join!(waiting, arrive);

    // Then the wait ends on the server's word, and the mail is fetched.
    woken.expect("IDLE did not wake the source").unwrap();
    let (report, seen) = poll(&mut source).await;
    assert_eq!(report.processed, 1);
    assert_eq!(seen, ["late@example.com"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_announced_during_a_poll_ends_the_next_wait_at_once() {
    // Given a source with a renewal far beyond the test's patience, and a
    // mail that arrives while the poll handles another (so the server
    // announces it in the answer to the poll's move).
    let server = Dovecot::start(true);
    server.deliver("INBOX", &mail("first@example.com"));
    let mut options = server.options();
    options.idle = Duration::from_secs(600);
    let mut source = ImapSource::connect(options).await.unwrap();
    let report = source
        .poll(|_| {
            server.deliver("INBOX", &mail("second@example.com"));
            async { Handled::Processed }
        })
        .await
        .unwrap();
    assert_eq!(report.processed, 1);

    // When the source waits for new mail.
    let waited = tokio::time::timeout(Duration::from_secs(10), source.wait()).await;

    // Then the wait ends at once, and the next poll fetches the mail.
    waited
        .expect("the wait missed mail announced before it")
        .unwrap();
    let (report, seen) = poll(&mut source).await;
    assert_eq!(report.processed, 1);
    assert_eq!(seen, ["second@example.com"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_announced_during_the_waits_search_ends_the_wait_at_once() {
    // Given a source with a renewal far beyond the test's patience, on an
    // empty mailbox, and a server that announces a mail in its answer to
    // the wait's search without finding it (mail that arrived while it
    // searched).
    let (server, proxy) = proxied(&[]).await;
    let mut source = through(&server, &proxy, |options| {
        options.idle = Duration::from_secs(60);
    })
    .await;
    assert_eq!(poll(&mut source).await.0, PollReport::default());
    proxy.announce("UID SEARCH", "* 1 EXISTS", 1);

    // When the source waits for new mail, the mail arriving meanwhile.
    let waited = tokio::time::timeout(Duration::from_secs(10), source.wait()).await;
    server.deliver("INBOX", &mail("between@example.com"));

    // Then the wait ends at once, and the next poll fetches the mail.
    waited
        .expect("the wait missed mail announced during its search")
        .unwrap();
    let (report, seen) = poll(&mut source).await;
    assert_eq!(report.processed, 1);
    assert_eq!(seen, ["between@example.com"]);
}

/// Whether `proxy` has seen `count` `IDLE` commands, waiting for them at
/// most ten seconds.
async fn idled(proxy: &Proxy, count: usize) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let idles = proxy.commands().iter().filter(|c| *c == "IDLE").count();
        if idles >= count {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exists_the_server_repeats_in_every_answer_does_not_end_the_wait() {
    // Given an empty mailbox on a server that repeats the number of its
    // messages, unchanged, in its answer to every NOOP and search
    // (`* N EXISTS`), and a source with a renewal far beyond the test's
    // patience.
    let (server, proxy) = proxied(&[]).await;
    let repeat = |count: usize| {
        let line = format!("* {count} EXISTS");
        for words in ["NOOP", "UID SEARCH"] {
            proxy.announce(words, &line, usize::MAX);
        }
    };
    repeat(0);
    let mut source = through(&server, &proxy, |options| {
        options.idle = Duration::from_secs(600);
    })
    .await;
    assert_eq!(poll(&mut source).await.0, PollReport::default());

    for (round, id) in ["one@example.com", "two@example.com"].iter().enumerate() {
        // When the source waits (the second time right after a poll that
        // moved a mail out), and a mail arrives once it idles.
        let waiting = tokio::time::timeout(Duration::from_secs(30), source.wait());
        let arrive = async {
            let idle = idled(&proxy, round + 1).await;
            server.deliver("INBOX", &mail(id));
            idle
        };
        let (waited, idle) = tokio::join!(waiting, arrive);

        // Then the wait went into IDLE rather than end on the repeated
        // number, the mail ended it, and the next poll fetches the mail.
        assert!(idle, "round {round}: no IDLE: {:?}", proxy.commands());
        waited.expect("IDLE did not wake the source").unwrap();
        repeat(1);
        let (report, seen) = poll(&mut source).await;
        assert_eq!((report.processed, seen), (1, vec![id.to_string()]));
        repeat(0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_during_idle_that_are_no_news_do_not_end_the_wait_before_its_renewal() {
    // Given an empty mailbox on a server that, once it idles, repeats its
    // number of messages unchanged (`* 0 EXISTS`) and sends a response
    // that says nothing of it (`* 0 RECENT`), and a source that renews its
    // IDLE every two seconds.
    let (server, proxy) = proxied(&[]).await;
    proxy.after_continuation("* 0 EXISTS", 1);
    proxy.after_continuation("* 0 RECENT", 1);
    let idle = Duration::from_secs(2);
    let mut source = through(&server, &proxy, |options| options.idle = idle).await;
    assert_eq!(poll(&mut source).await.0, PollReport::default());

    // When it waits.
    let started = tokio::time::Instant::now();
    let waited = tokio::time::timeout(Duration::from_secs(15), source.wait()).await;

    // Then the wait lasts its renewal time in one IDLE rather than end on
    // what the server said, and the source polls on.
    waited.expect("the IDLE outlived its renewal time").unwrap();
    assert!(started.elapsed() >= idle, "{:?}", started.elapsed());
    let idles = proxy.commands().iter().filter(|c| *c == "IDLE").count();
    assert_eq!(idles, 1, "{:?}", proxy.commands());
    assert_eq!(poll(&mut source).await.0, PollReport::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_arriving_after_an_exists_repeated_during_idle_ends_the_wait() {
    // Given an empty mailbox on a server that repeats its number of
    // messages unchanged (`* 0 EXISTS`) once it idles, and a source with a
    // renewal far beyond the test's patience.
    let (server, proxy) = proxied(&[]).await;
    proxy.after_continuation("* 0 EXISTS", 1);
    let mut source = through(&server, &proxy, |options| {
        options.idle = Duration::from_secs(600);
    })
    .await;
    assert_eq!(poll(&mut source).await.0, PollReport::default());

    // When it waits, and a mail arrives a moment after it idles.
    let waiting = async {
        let waited = tokio::time::timeout(Duration::from_secs(30), source.wait()).await;
        (waited, tokio::time::Instant::now())
    };
    let arrive = async {
        let idle = idled(&proxy, 1).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let delivering = tokio::time::Instant::now();
        server.deliver("INBOX", &mail("late@example.com"));
        (idle, delivering)
    };
    let ((waited, woken), (idle, delivered)) = tokio::join!(waiting, arrive);

    // Then the repeated number did not end the wait: the mail did, and the
    // next poll fetches it.
    assert!(idle, "no IDLE: {:?}", proxy.commands());
    waited.expect("IDLE did not wake the source").unwrap();
    assert!(woken >= delivered, "the wait ended before the mail arrived");
    let (report, seen) = poll(&mut source).await;
    assert_eq!(
        (report.processed, seen),
        (1, vec!["late@example.com".to_string()])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_ends_after_its_renewal_time_despite_the_servers_keepalives() {
    // Given a server that says it is still there every second while idling,
    // and a source that renews its IDLE every three.
    let server = Dovecot::start_with(None, "imap_idle_notify_interval = 1 secs");
    let mut options = server.options();
    options.idle = Duration::from_secs(3);
    let mut source = ImapSource::connect(options).await.unwrap();

    // When it waits on an empty mailbox.
    let started = tokio::time::Instant::now();
    let waited = tokio::time::timeout(Duration::from_secs(15), source.wait()).await;

    // Then the wait ends after the renewal time, and the source polls on.
    waited.expect("the IDLE outlived its renewal time").unwrap();
    assert!(started.elapsed() >= Duration::from_secs(3));
    assert_eq!(poll(&mut source).await.0, PollReport::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_idle_the_source_sleeps_its_poll_interval() {
    let server = Dovecot::start(false);
    let mut options = server.options();
    options.poll = Duration::from_millis(200);
    let mut source = ImapSource::connect(options).await.unwrap();
    let started = tokio::time::Instant::now();
    source.wait().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_and_starttls_trust_only_known_authorities() {
    let server = Dovecot::start(true);
    server.deliver("INBOX", &mail("tls@example.com"));

    // Given implicit TLS without the server's authority: refused.
    let mut options = server.options();
    options.port = server.tls_port;
    options.security = ImapSecurity::Implicit;
    let refused = ImapSource::connect(options.clone()).await.unwrap_err();
    assert!(matches!(refused, ImapError::Tls { .. }), "{refused}");

    // With it: the mail is fetched over TLS.
    options.extra_roots = vec![server.ca.clone()];
    let mut source = ImapSource::connect(options).await.unwrap();
    assert_eq!(poll(&mut source).await.1, ["tls@example.com"]);

    // And STARTTLS on the plain port.
    server.deliver("INBOX", &mail("starttls@example.com"));
    let mut options = server.options();
    options.security = ImapSecurity::StartTls;
    options.extra_roots = vec![server.ca.clone()];
    let mut source = ImapSource::connect(options).await.unwrap();
    assert_eq!(poll(&mut source).await.1, ["starttls@example.com"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_a_login_error_naming_the_account() {
    let server = Dovecot::start(true);
    let mut options = server.options();
    options.password = "wrong".into();
    let error = ImapSource::connect(options).await.unwrap_err();
    assert!(matches!(error, ImapError::Login { .. }), "{error}");
    assert!(error.to_string().contains("support"), "{error}");
    assert!(!error.to_string().contains("wrong"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_source_reconnects_after_its_connection_is_cut() {
    // Given a connected source whose session the server then kicks out.
    let server = Dovecot::start(true);
    let mut source = ImapSource::connect(server.options()).await.unwrap();
    server.kick();
    server.deliver("INBOX", &mail("after@example.com"));

    // When it polls: the broken connection is an error, and the next poll
    // reconnects and fetches.
    let mut fetched = Vec::new();
    for _ in 0..2 {
        if let Ok(report) = source
            .poll(|m| {
                fetched.push(m.uid);
                async { Handled::Processed }
            })
            .await
        {
            assert_eq!(report.processed, 1);
            break;
        }
    }
    assert_eq!(fetched.len(), 1);
    assert_eq!(server.message_ids("Processed"), ["<after@example.com>"]);
}

/// Polls once, recording the Message-ID of each message handed over, and
/// deleting the processed folder on the server while the first is handled,
/// so that the poll's move fails.
async fn poll_losing_the_processed_folder(
    source: &mut ImapSource,
    server: &Dovecot,
) -> (Result<PollReport, ImapError>, Vec<String>) {
    let mut seen = Vec::new();
    let report = source
        .poll(|fetched| {
            if seen.is_empty() {
                server.delete_mailbox("Processed");
            }
            seen.push(message_id_of(&fetched.raw));
            async { Handled::Processed }
        })
        .await;
    (report, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_that_failed_is_retried_and_the_mail_never_handed_over_again() {
    // Given two mails handled by a poll whose move then failed (the
    // processed folder was deleted under it).
    let server = Dovecot::start(true);
    server.deliver_mails(&["one@example.com", "two@example.com"]);
    let mut source = ImapSource::connect(server.options()).await.unwrap();
    let (failed, seen) = poll_losing_the_processed_folder(&mut source, &server).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(seen, ["one@example.com", "two@example.com"]);
    assert_eq!(server.message_ids("INBOX").len(), 2);

    // When the source polls again, and once more after a third arrives.
    let (retried, again) = poll(&mut source).await;
    server.deliver("INBOX", &mail("three@example.com"));
    let (next, seen_next) = poll(&mut source).await;

    // Then the two are filed without being handed over again, and the
    // third is handed over once.
    assert_eq!(retried, PollReport::default());
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(next.processed, 1);
    assert_eq!(seen_next, ["three@example.com"]);
    assert!(server.message_ids("INBOX").is_empty());
    assert_eq!(
        server.message_ids("Processed"),
        [
            "<one@example.com>",
            "<two@example.com>",
            "<three@example.com>"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uids_left_to_move_are_forgotten_when_the_mailbox_is_another_one() {
    // Given a source on the mailbox Support, whose two mails it handled
    // but could not move.
    let server = Dovecot::start(true);
    server.create_mailbox("Support");
    for id in ["old-1@example.com", "old-2@example.com"] {
        server.deliver("Support", &mail(id));
    }
    let mut options = server.options();
    options.mailbox = "Support".into();
    let mut source = ImapSource::connect(options).await.unwrap();
    let (failed, _) = poll_losing_the_processed_folder(&mut source, &server).await;
    assert!(failed.is_err(), "{failed:?}");

    // When Support is deleted and made again (a new UIDVALIDITY), and two
    // new mails arrive in it under the same UIDs as the old ones.
    server.delete_mailbox("Support");
    server.create_mailbox("Support");
    for id in ["new-1@example.com", "new-2@example.com"] {
        server.deliver("Support", &mail(id));
    }
    let (report, seen) = poll(&mut source).await;

    // Then the new mails are handed over, not filed unread as the old
    // UIDs' moves.
    assert_eq!(seen, ["new-1@example.com", "new-2@example.com"]);
    assert_eq!(report.processed, 2);
    assert_eq!(
        server.message_ids("Processed"),
        ["<new-1@example.com>", "<new-2@example.com>"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_fetched_from_imap_becomes_tickets_and_replies_once() {
    use helpdesk_core::{ActorId, DeskConfig, TenantId};
    use helpdesk_engine::{Desk, ManualClock, NoNotifier, Store};
    use helpdesk_mail::{Arrival, FsAttachments, InboundConfig, MailChannel, NoSenders};

    // Given a desk on SQLite, and a mailbox holding a new mail, a reply to
    // it and an out-of-office.
    let dir = tempfile::tempdir().unwrap();
    let store = helpdesk_sqlite::SqliteStore::open(dir.path().join("desk.db")).unwrap();
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap());
    let desk = Desk::new(DeskConfig::default(), store, NoNotifier, clock).unwrap();
    let tenant = TenantId::from_u128(1);
    let config = InboundConfig::new(tenant, ActorId::from_u128(1), "support@example.com");
    let channel = MailChannel::new(
        config,
        FsAttachments::new(dir.path().join("files")),
        NoSenders,
    );
    let vouched = Arrival {
        authenticated: Some(true),
        ..Arrival::default()
    };
    let server = Dovecot::start(true);
    let mails = [
        "From: ann@customer.test\r\nTo: support@example.com\r\nSubject: VPN\r\nMessage-ID: <a1@customer.test>\r\n\r\nVPN drops.\r\n",
        "From: ann@customer.test\r\nTo: support@example.com\r\nSubject: Re: VPN\r\nMessage-ID: <a2@customer.test>\r\nIn-Reply-To: <a1@customer.test>\r\n\r\nStill.\r\n\r\n> VPN drops.\r\n",
        "From: ann@customer.test\r\nTo: support@example.com\r\nSubject: Out of office\r\nMessage-ID: <a3@customer.test>\r\nAuto-Submitted: auto-replied\r\n\r\nAway.\r\n",
    ];
    for raw in mails {
        server.deliver("INBOX", raw.as_bytes());
    }

    // When the source polls, handing each mail to the channel; and the same
    // mails come in again (a host that stopped before filing them).
    assert_eq!(server.message_ids("INBOX").len(), 3, "{}", server.log());
    let mut source = ImapSource::connect(server.options()).await.unwrap();
    let ingest = |fetched: helpdesk_mail::Fetched| {
        let (channel, desk, vouched) = (&channel, &desk, &vouched);
        async move {
            match channel.ingest(desk, &fetched.raw, vouched).await {
                Ok(_) => Handled::Processed,
                Err(_) => Handled::Failed,
            }
        }
    };
    let first = source.poll(ingest).await.unwrap();
    let feed_after_first = desk.store().feed(None, 1000).await.unwrap().len();
    for raw in mails {
        server.deliver("INBOX", raw.as_bytes());
    }
    let second = source.poll(ingest).await.unwrap();

    // Then one ticket with one reply, written once, and every mail filed.
    assert_eq!(
        first,
        PollReport {
            processed: 3,
            failed: 0,
            rejected: 0
        }
    );
    assert_eq!(
        second,
        PollReport {
            processed: 3,
            failed: 0,
            rejected: 0
        }
    );
    let feed = desk.store().feed(None, 1000).await.unwrap();
    assert_eq!(
        feed.len(),
        feed_after_first,
        "the second fetch wrote nothing"
    );
    let replies = feed
        .iter()
        .filter(|l| matches!(l.event.event.change, helpdesk_core::Change::Replied { .. }))
        .count();
    assert_eq!(replies, 1);
    assert_eq!(server.message_ids("Processed").len(), 6);
    assert!(server.message_ids("INBOX").is_empty());
}

/// Polls `server` through a proxy that goes silent `bytes` bytes into its
/// answer to the command naming `words`, with a timeout of a second; the
/// poll's outcome, or `None` when it did not end within ten seconds.
async fn poll_frozen_at(
    server: &Dovecot,
    words: &str,
    bytes: usize,
) -> Option<Result<PollReport, ImapError>> {
    let proxy = Proxy::start(server.port).await;
    let mut source = through(server, &proxy, |options| {
        options.timeout = Duration::from_secs(1);
    })
    .await;
    proxy.freeze_after(words, bytes);
    let polled = source.poll(|_| async { Handled::Processed });
    let outcome = tokio::time::timeout(Duration::from_secs(10), polled).await;
    // Then the source recovers on a connection that answers.
    if outcome.is_ok() {
        let (report, _) = poll(&mut source).await;
        assert_eq!(report.failed, 0);
    }
    outcome.ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_poll_command_is_bounded_by_the_timeout() {
    for (extensions, words, bytes, step) in [
        (true, "NOOP", 0, "NOOP"),
        (true, "UID SEARCH", 0, "UID SEARCH"),
        (true, "RFC822.SIZE", 0, "UID FETCH"),
        // Partway through the message's bytes.
        (true, "BODY.PEEK[]", 60, "UID FETCH"),
        (true, "UID MOVE", 0, "UID MOVE"),
        (false, "UID COPY", 0, "UID COPY"),
        (false, "UID STORE", 0, "UID STORE"),
        (false, "UID EXPUNGE", 0, "UID EXPUNGE"),
    ] {
        // Given a mail waiting, and a connection that goes silent in the
        // answer to one of the poll's commands.
        let server = Dovecot::start(extensions);
        server.deliver("INBOX", &mail("stuck@example.com"));

        // When the source polls with a timeout of a second.
        let outcome = poll_frozen_at(&server, words, bytes).await;

        // Then the poll ends in a timeout naming the command, and the next
        // one files the mail.
        let Some(Err(ImapError::Timeout { step: named, .. })) = outcome else {
            panic!("a silence in the answer to {words}: {outcome:?}");
        };
        assert_eq!(named, step);
        assert!(server.message_ids("INBOX").is_empty(), "{words}");
        let mut filed = server.message_ids("Processed");
        if words == "UID COPY" {
            // A copy whose answer never came may have been made: it is
            // made again rather than the mail risked.
            filed.dedup();
        }
        assert_eq!(filed, ["<stuck@example.com>"], "{words}");
    }
}

/// A mail with `id` as its Message-ID and a body of `bytes` bytes.
fn large_mail(id: &str, bytes: usize) -> Vec<u8> {
    let mut raw = mail(id);
    let line = format!("{}\r\n", "x".repeat(76));
    raw.extend(line.as_bytes().iter().cycle().take(bytes));
    raw
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_over_the_size_limit_is_filed_as_failed_unread() {
    // Given a mail over the source's size limit waiting before two others.
    let server = Dovecot::start(true);
    server.deliver("INBOX", &large_mail("large@example.com", 20_000));
    server.deliver_mails(&["one@example.com", "two@example.com"]);
    let mut options = server.options();
    options.max_size = 10_000;
    let mut source = ImapSource::connect(options).await.unwrap();

    // When the source polls.
    let (report, seen) = poll(&mut source).await;

    // Then the others are handed over and the large one, never handed
    // over, is filed as failed.
    assert_eq!(seen, ["one@example.com", "two@example.com"]);
    assert_eq!(
        report,
        PollReport {
            processed: 2,
            failed: 0,
            rejected: 1
        }
    );
    assert!(server.message_ids("INBOX").is_empty());
    assert_eq!(server.message_ids("Failed"), ["<large@example.com>"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_the_server_cannot_read_is_filed_as_failed_without_holding_up_the_rest() {
    // Given three mails waiting, the oldest of which the server cannot
    // read (Dovecot says BYE and hangs up when asked for its bytes).
    let server = Dovecot::start(true);
    server.deliver_mails(&["broken@example.com", "one@example.com", "two@example.com"]);
    server.break_message("broken@example.com");
    let mut source = ImapSource::connect(server.options()).await.unwrap();

    // When the source polls a few times, its polls failing meanwhile.
    let mut seen = Vec::new();
    let mut total = PollReport::default();
    for _ in 0..4 {
        let polled = source
            .poll(|fetched| {
                seen.push(message_id_of(&fetched.raw));
                async { Handled::Processed }
            })
            .await;
        if let Ok(report) = polled {
            total.processed += report.processed;
            total.rejected += report.rejected;
        }
    }

    // Then the readable ones are handed over once, the broken one is
    // filed as failed unread, and nothing is left.
    assert_eq!(seen, ["one@example.com", "two@example.com"]);
    assert_eq!(total.rejected, 1);
    assert!(server.message_ids("INBOX").is_empty());
    server.mend_message("broken@example.com");
    assert_eq!(server.message_ids("Failed"), ["<broken@example.com>"]);
    assert_eq!(
        server.message_ids("Processed"),
        ["<one@example.com>", "<two@example.com>"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_the_server_refuses_to_give_while_giving_others_is_filed_as_failed() {
    // Given three mails waiting, and a server that answers NO to a fetch of
    // the oldest one's bytes (and so to the fetch of all three).
    let (server, proxy) =
        proxied(&["refused@example.com", "one@example.com", "two@example.com"]).await;
    proxy.refuse("UID FETCH 1,2,3 BODY.PEEK[]", "NO", usize::MAX);
    proxy.refuse("UID FETCH 1 BODY.PEEK[]", "NO", usize::MAX);
    // Alone on the second poll, it is given up at once.
    let mut source = through(&server, &proxy, |options| {
        options.give_up_after = Duration::ZERO;
    })
    .await;

    // When the source polls, and polls again.
    let (first, seen) = poll(&mut source).await;
    let (second, again) = poll(&mut source).await;

    // Then the others are handed over at once, and the refused one, once
    // refused again, is filed as failed unread.
    assert_eq!(seen, ["one@example.com", "two@example.com"]);
    assert!(again.is_empty());
    assert_eq!(
        (first, second),
        (
            PollReport {
                processed: 2,
                failed: 0,
                rejected: 0
            },
            PollReport {
                processed: 0,
                failed: 0,
                rejected: 1
            }
        )
    );
    assert!(server.message_ids("INBOX").is_empty());
    assert_eq!(server.message_ids("Failed"), ["<refused@example.com>"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_struck_while_others_were_given_is_not_filed_for_a_refusal_alone() {
    // Given three mails waiting, a server that refuses the oldest one's
    // bytes twice (with the fetch of all three), and a source that gives a
    // lone message up after the default ten minutes of refusals.
    let (server, proxy) =
        proxied(&["late@example.com", "one@example.com", "two@example.com"]).await;
    proxy.refuse("UID FETCH 1,2,3 BODY.PEEK[]", "NO", 1);
    proxy.refuse("UID FETCH 1 BODY.PEEK[]", "NO", 2);
    let mut source = through(&server, &proxy, |_| {}).await;

    // When the source polls three times: the first struck it while the
    // others were given, the second finds it alone and refused (a server
    // in trouble, or the message), the third is refused nothing.
    let (outcomes, seen) = poll_outcomes(&mut source, 3).await;

    // Then the second poll fails without filing it, and the third hands
    // it over.
    assert_eq!(outcomes[0].as_ref().ok().map(|r| r.processed), Some(2));
    assert!(refused_by_the_proxy(&outcomes[1]), "{outcomes:?}");
    assert_eq!(outcomes[2].as_ref().ok().map(|r| r.processed), Some(1));
    assert_eq!(
        seen,
        ["one@example.com", "two@example.com", "late@example.com"]
    );
    assert!(server.message_ids("Failed").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetch_refused_as_temporary_trouble_is_not_asked_again_one_by_one() {
    for words in ["RFC822.SIZE", "BODY.PEEK[]"] {
        // Given three mails waiting, and a server that refuses the next
        // fetch of their sizes, or of their bytes, saying it is unavailable.
        let (server, proxy) =
            proxied(&["one@example.com", "two@example.com", "three@example.com"]).await;
        proxy.refuse(words, "NO [UNAVAILABLE]", 1);
        let mut source = through(&server, &proxy, |_| {}).await;

        // When the source polls, and polls again.
        let (outcomes, seen) = poll_outcomes(&mut source, 2).await;

        // Then the first poll fails without asking each message alone (a
        // command and a timeout each, for the same answer), and the second
        // hands all three over.
        assert!(refused_by_the_proxy(&outcomes[0]), "{words}: {outcomes:?}");
        let alone = format!("UID FETCH 1 {words}");
        assert!(
            !proxy.commands().contains(&alone),
            "{words}: {:?}",
            proxy.commands()
        );
        assert_eq!(
            outcomes[1].as_ref().ok().map(|r| r.processed),
            Some(3),
            "{words}"
        );
        assert_eq!(seen.len(), 3, "{words}");
    }
}

/// Polls `source` `times` times, handing every message over as processed;
/// the Message-IDs handed over, and how many polls failed.
async fn poll_through_errors(source: &mut ImapSource, times: usize) -> (Vec<String>, usize) {
    let (mut seen, mut errors) = (Vec::new(), 0);
    for _ in 0..times {
        let polled = source
            .poll(|fetched| {
                seen.push(message_id_of(&fetched.raw));
                async { Handled::Processed }
            })
            .await;
        errors += usize::from(polled.is_err());
    }
    (seen, errors)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_refusing_every_fetch_for_a_while_fails_no_message() {
    for (words, times) in [("RFC822.SIZE", 8), ("BODY.PEEK[]", 8)] {
        // Given three mails waiting, and a server that answers NO to every
        // fetch (of their sizes, or of their bytes, together and each
        // alone) for a while.
        let ids = ["one@example.com", "two@example.com", "three@example.com"];
        let (server, proxy) = proxied(&ids).await;
        let mut source = through(&server, &proxy, |_| {}).await;
        proxy.refuse(words, "NO", times);

        // When the source polls through it.
        let (seen, errors) = poll_through_errors(&mut source, 4).await;

        // Then its polls fail meanwhile, and afterwards every message is
        // handed over once and none is filed as failed.
        assert_eq!(errors, 2, "{words}");
        assert_eq!(seen, ids, "{words}");
        assert!(server.message_ids("Failed").is_empty(), "{words}");
        assert_eq!(server.message_ids("Processed").len(), 3, "{words}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_message_is_not_failed_for_its_connection_dropping_on_consecutive_polls() {
    // Given one mail waiting, behind a connection that goes silent in
    // the answer to its size twice, then to its bytes twice.
    let (server, proxy) = proxied(&["lone@example.com"]).await;
    let mut source = through(&server, &proxy, |options| {
        options.timeout = Duration::from_secs(1);
    })
    .await;
    let mut errors = 0;
    for (words, bytes) in [
        ("RFC822.SIZE", 0),
        ("RFC822.SIZE", 0),
        ("BODY.PEEK[]", 60),
        ("BODY.PEEK[]", 60),
    ] {
        proxy.freeze_after(words, bytes);
        let (seen, failed) = poll_through_errors(&mut source, 1).await;
        assert!(seen.is_empty(), "{words}");
        errors += failed;
    }

    // When the source polls on a connection that answers.
    let (seen, _) = poll_through_errors(&mut source, 1).await;

    // Then the mail is handed over and processed.
    assert_eq!(errors, 4);
    assert_eq!(seen, ["lone@example.com"]);
    assert!(server.message_ids("Failed").is_empty());
    assert_eq!(server.message_ids("Processed"), ["<lone@example.com>"]);
}

/// Polls `source` `times` times, handing every message over as processed;
/// each poll's outcome, and the Message-IDs handed over.
async fn poll_outcomes(
    source: &mut ImapSource,
    times: usize,
) -> (Vec<Result<PollReport, ImapError>>, Vec<String>) {
    let (mut outcomes, mut seen) = (Vec::new(), Vec::new());
    for _ in 0..times {
        let polled = source
            .poll(|fetched| {
                seen.push(message_id_of(&fetched.raw));
                async { Handled::Processed }
            })
            .await;
        outcomes.push(polled);
    }
    (outcomes, seen)
}

/// Whether `outcome` is the poll error of a fetch the test proxy refused.
fn refused_by_the_proxy(outcome: &Result<PollReport, ImapError>) -> bool {
    matches!(
        outcome,
        Err(ImapError::Command { reason, .. }) if reason.contains("refused by the test proxy")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_message_whose_bytes_are_refused_poll_after_poll_is_filed_as_failed() {
    // Given one mail waiting whose bytes the server refuses on two polls,
    // and a source that gives a lone message up as soon as its refusals
    // span any time.
    let (server, proxy) = proxied(&[]).await;
    let mut source = through(&server, &proxy, |options| {
        options.give_up_after = Duration::ZERO;
    })
    .await;
    server.deliver("INBOX", &mail("late@example.com"));
    proxy.refuse("UID FETCH 1 BODY.PEEK[]", "NO", 2);

    // When the source polls three times; then, a mail alone again whose
    // bytes the server always refuses, three times more; then once more
    // after a third mail arrives.
    let (late, seen_late) = poll_outcomes(&mut source, 3).await;
    server.deliver("INBOX", &mail("refused@example.com"));
    proxy.refuse("UID FETCH 2 BODY.PEEK[]", "NO", usize::MAX);
    let (refused, seen_refused) = poll_outcomes(&mut source, 3).await;
    server.deliver("INBOX", &mail("after@example.com"));
    let (after, seen_after) = poll(&mut source).await;

    // Then the first is handed over once the server gives it; the second,
    // refused on three polls in a row, is filed as failed unread by the
    // third, as a message refused while others are given would be; and the
    // mail after it is handed over.
    assert!(refused_by_the_proxy(&late[0]), "{late:?}");
    assert!(refused_by_the_proxy(&late[1]), "{late:?}");
    assert_eq!(
        late[2].as_ref().ok(),
        Some(&PollReport {
            processed: 1,
            failed: 0,
            rejected: 0
        })
    );
    assert_eq!(seen_late, ["late@example.com"]);
    assert!(refused_by_the_proxy(&refused[0]), "{refused:?}");
    assert!(refused_by_the_proxy(&refused[1]), "{refused:?}");
    assert_eq!(
        refused[2].as_ref().ok(),
        Some(&PollReport {
            processed: 0,
            failed: 0,
            rejected: 1
        }),
        "{refused:?}"
    );
    assert!(seen_refused.is_empty());
    assert_eq!(
        (after.processed, seen_after),
        (1, vec!["after@example.com".to_string()])
    );
    assert!(server.message_ids("INBOX").is_empty());
    assert_eq!(server.message_ids("Failed"), ["<refused@example.com>"]);
    assert_eq!(
        server.message_ids("Processed"),
        ["<late@example.com>", "<after@example.com>"]
    );
}

/// Whether the command line `command` fetches the bytes of the message
/// `uid`.
fn fetches_bytes_of(command: &str, uid: &str) -> bool {
    let mut words = command.split(' ');
    let set = words.nth(2).unwrap_or_default();
    command.contains("BODY.PEEK[]") && set.split(',').any(|u| u == uid)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_message_refused_for_a_while_is_not_filed_as_failed() {
    // A refusal saying the trouble is temporary (RFC 5530), even with a
    // source that gives a lone message up as soon as its refusals span any
    // time; and a plain refusal, with the default ten minutes.
    let refusals = [
        ("NO [UNAVAILABLE]", Duration::ZERO),
        ("NO", ImapOptions::new("", 0, "", "").give_up_after),
    ];
    for (said, give_up_after) in refusals {
        for words in ["RFC822.SIZE", "BODY.PEEK[]"] {
            // Given one mail waiting, and a server that refuses every
            // fetch of its size, or of its bytes, on four polls.
            let case = format!("{said} to {words}");
            let (server, proxy) = proxied(&["lone@example.com"]).await;
            let mut source = through(&server, &proxy, |options| {
                options.give_up_after = give_up_after;
            })
            .await;
            proxy.refuse(words, said, 4);

            // When the source polls through it, and once more.
            let (refused, seen_refused) = poll_outcomes(&mut source, 4).await;
            let (after, seen_after) = poll_outcomes(&mut source, 1).await;

            // Then the four polls fail, none filing the mail as failed, and
            // the next one hands it over and processes it.
            assert!(
                refused.iter().all(refused_by_the_proxy),
                "{case}: {refused:?}"
            );
            assert!(seen_refused.is_empty(), "{case}");
            assert_lone_mail_processed(&server, &after, &seen_after, &case);
        }
    }
}

/// Asserts that the poll `after` handed the only mail waiting,
/// `lone@example.com`, over (`seen`) and processed it, and that no mail
/// is in the failed folder: the mail got through the trouble of `case`.
fn assert_lone_mail_processed(
    server: &Dovecot,
    after: &[Result<PollReport, ImapError>],
    seen: &[String],
    case: &str,
) {
    assert_eq!(
        after[0].as_ref().ok(),
        Some(&PollReport {
            processed: 1,
            failed: 0,
            rejected: 0
        }),
        "{case}: {after:?}"
    );
    assert_eq!(seen, ["lone@example.com"], "{case}");
    assert!(server.message_ids("Failed").is_empty(), "{case}");
    assert_eq!(
        server.message_ids("Processed"),
        ["<lone@example.com>"],
        "{case}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_message_whose_size_fetch_drops_for_a_while_is_not_filed_as_failed() {
    // Given one mail waiting, a server that hangs up when asked its size
    // on four polls, and a source that gives a lone message up after the
    // default ten minutes of failures.
    let (server, proxy) = proxied(&["lone@example.com"]).await;
    proxy.hang_up("RFC822.SIZE", 4);
    let mut source = through(&server, &proxy, |_| {}).await;

    // When the source polls through it, and once more.
    let (dropped, seen_dropped) = poll_outcomes(&mut source, 4).await;
    let (after, seen_after) = poll_outcomes(&mut source, 1).await;

    // Then the four polls fail, none filing the mail as failed, and the
    // next one hands it over and processes it.
    assert!(dropped.iter().all(Result::is_err), "{dropped:?}");
    assert!(seen_dropped.is_empty());
    assert_lone_mail_processed(&server, &after, &seen_after, "hung up");
}

/// Whether `outcome` is the poll error of a message's size missing from
/// the answer `OK` to its fetch.
fn size_missing(outcome: &Result<PollReport, ImapError>) -> bool {
    matches!(
        outcome,
        Err(ImapError::Command { reason, .. }) if reason.contains("lacks its RFC822.SIZE")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_message_whose_size_is_missing_for_a_while_is_not_filed_as_failed() {
    // Given one mail waiting, a server that leaves its size out of its
    // answer OK on four polls, and a source that gives a lone message up
    // after the default ten minutes of refusals.
    let (server, proxy) = proxied(&["lone@example.com"]).await;
    proxy.omit("RFC822.SIZE", "RFC822.SIZE", 4);
    let mut source = through(&server, &proxy, |_| {}).await;

    // When the source polls through it, and once more.
    let (missing, seen_missing) = poll_outcomes(&mut source, 4).await;
    let (after, seen_after) = poll_outcomes(&mut source, 1).await;

    // Then the four polls fail, saying what was missing, none filing the
    // mail as failed, and the next one hands it over and processes it.
    assert!(missing.iter().all(size_missing), "{missing:?}");
    assert!(seen_missing.is_empty());
    assert_lone_mail_processed(&server, &after, &seen_after, "size missing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_gone_before_its_size_fetch_is_skipped_without_an_error() {
    // Given two mails waiting, and a server whose answers OK to the fetch
    // of sizes, with the other's and then alone, name the oldest not at
    // all (as once another client has moved it away), on two polls.
    let (server, proxy) = proxied(&["gone@example.com", "one@example.com"]).await;
    proxy.replace("UID FETCH 1,2 RFC822.SIZE", "1,2", "2", 1);
    proxy.replace("UID FETCH 1 RFC822.SIZE", "FETCH 1 ", "FETCH 99 ", 2);
    let mut source = through(&server, &proxy, |_| {}).await;

    // When the source polls; then, another mail arrived, polls again; and
    // then once more (the server naming the oldest again).
    let (first, mut seen) = poll_outcomes(&mut source, 1).await;
    server.deliver("INBOX", &mail("two@example.com"));
    proxy.replace("UID FETCH 1,3 RFC822.SIZE", "1,3", "3", 1);
    let (rest, seen_rest) = poll_outcomes(&mut source, 2).await;
    seen.extend(seen_rest);

    // Then the first two polls hand the other mails over without an error
    // or a rejection, and the oldest, neither struck nor filed as failed,
    // is handed over by the third.
    let processed_one = PollReport {
        processed: 1,
        failed: 0,
        rejected: 0,
    };
    let outcomes: Vec<_> = first.into_iter().chain(rest).collect();
    let reports: Vec<Option<&PollReport>> = outcomes.iter().map(|o| o.as_ref().ok()).collect();
    assert_eq!(reports, [Some(&processed_one); 3], "{outcomes:?}");
    assert_eq!(
        seen,
        ["one@example.com", "two@example.com", "gone@example.com"]
    );
    assert!(server.message_ids("Failed").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_message_gone_before_its_size_fetch_ends_the_poll_without_an_error() {
    // Given one mail waiting, and a server whose answer OK to the fetch of
    // its size names it not at all.
    let (server, proxy) = proxied(&["lone@example.com"]).await;
    proxy.replace("UID FETCH 1 RFC822.SIZE", "FETCH 1 ", "FETCH 99 ", 1);
    let mut source = through(&server, &proxy, |_| {}).await;

    // When the source polls, and once more (the server naming it again).
    let (gone, seen_gone) = poll_outcomes(&mut source, 1).await;
    let (after, seen_after) = poll_outcomes(&mut source, 1).await;

    // Then the first poll reports nothing, without an error, and the next
    // hands the mail over and processes it.
    assert_eq!(
        gone[0].as_ref().ok(),
        Some(&PollReport::default()),
        "{gone:?}"
    );
    assert!(seen_gone.is_empty());
    assert_lone_mail_processed(&server, &after, &seen_after, "gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_the_search_still_finds_but_no_size_fetch_names_is_judged_refused() {
    // Given one mail waiting, and a server whose answers OK to the fetch
    // of its size name it not at all, on every poll, while its search
    // still finds it.
    let (server, proxy) = proxied(&["unnamed@example.com"]).await;
    proxy.replace("UID FETCH 1 RFC822.SIZE", "FETCH 1 ", "FETCH 99 ", 10);
    let mut source = through(&server, &proxy, |_| {}).await;

    // When the source polls twice.
    let (outcomes, seen) = poll_outcomes(&mut source, 2).await;

    // Then the first poll takes it for gone, without an error; the second,
    // finding it again, judges its size refused, as for a lone message the
    // server will not give: the poll ends in the server's refusal, and
    // nothing is handed over or filed yet.
    assert_eq!(
        outcomes[0].as_ref().ok(),
        Some(&PollReport::default()),
        "{outcomes:?}"
    );
    let refused = outcomes[1]
        .as_ref()
        .expect_err("the second poll is refused");
    assert!(refused.to_string().contains("FETCH response"), "{refused}");
    assert!(seen.is_empty());
    assert!(server.message_ids("Failed").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_gone_before_its_size_fetch_is_forgotten_as_a_suspect() {
    // Given one mail waiting whose size the server refuses on two polls
    // (a suspect, then a strike, with a source that gives a lone message
    // up as soon as its refusals span any time).
    let (server, proxy) = proxied(&["lone@example.com"]).await;
    proxy.refuse("UID FETCH 1 RFC822.SIZE", "NO", 2);
    let mut source = through(&server, &proxy, |options| {
        options.give_up_after = Duration::ZERO;
    })
    .await;
    let (refused, _) = poll_outcomes(&mut source, 2).await;

    // When the server's answer to the fetch of its size then names it not
    // at all, then refuses it once more, and then gives it.
    proxy.replace("UID FETCH 1 RFC822.SIZE", "FETCH 1 ", "FETCH 99 ", 1);
    let (gone, _) = poll_outcomes(&mut source, 1).await;
    proxy.refuse("UID FETCH 1 RFC822.SIZE", "NO", 1);
    let (again, seen_again) = poll_outcomes(&mut source, 1).await;
    let (after, seen_after) = poll_outcomes(&mut source, 1).await;

    // Then the poll that did not find it ends without an error, and the
    // refusal after it is the first of a new suspect, not a second strike
    // that files the mail as failed: the next poll hands it over.
    assert!(refused.iter().all(refused_by_the_proxy), "{refused:?}");
    assert_eq!(
        gone[0].as_ref().ok(),
        Some(&PollReport::default()),
        "{gone:?}"
    );
    assert!(refused_by_the_proxy(&again[0]), "{again:?}");
    assert!(seen_again.is_empty());
    assert_lone_mail_processed(&server, &after, &seen_after, "forgotten");
}

/// Three mails waiting, the server withholding the oldest one's size
/// whenever it is asked, with the others' or alone (`withhold` sets the
/// proxy to), and a source that gives a lone message up at once: asserts
/// that the first poll hands the others over, the second, withheld the
/// oldest's size again (alone), files it as failed without asking its
/// bytes, and nothing is left for the third.
async fn assert_size_always_withheld_is_filed_as_failed(withhold: impl FnOnce(&Proxy)) {
    // Given the three mails, and the server withholding the size.
    let (server, proxy) =
        proxied(&["refused@example.com", "one@example.com", "two@example.com"]).await;
    withhold(&proxy);
    // Alone on the second poll, it is given up at once.
    let mut source = through(&server, &proxy, |options| {
        options.give_up_after = Duration::ZERO;
    })
    .await;

    // When the source polls three times.
    let (outcomes, seen) = poll_outcomes(&mut source, 3).await;

    // Then the first poll hands the others over, the second files the
    // oldest as failed, and nothing is left for the third.
    let reports: Vec<Option<&PollReport>> = outcomes.iter().map(|o| o.as_ref().ok()).collect();
    assert_eq!(
        reports,
        [
            Some(&PollReport {
                processed: 2,
                failed: 0,
                rejected: 0
            }),
            Some(&PollReport {
                processed: 0,
                failed: 0,
                rejected: 1
            }),
            Some(&PollReport::default())
        ],
        "{outcomes:?}"
    );
    assert_eq!(seen, ["one@example.com", "two@example.com"]);
    let sent = proxy.commands();
    assert!(!sent.iter().any(|c| fetches_bytes_of(c, "1")), "{sent:?}");
    assert!(server.message_ids("INBOX").is_empty());
    assert_eq!(server.message_ids("Failed"), ["<refused@example.com>"]);
    assert_eq!(
        server.message_ids("Processed"),
        ["<one@example.com>", "<two@example.com>"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_whose_size_the_server_always_refuses_is_filed_as_failed_unread() {
    // Given a server that answers NO whenever it is asked the oldest
    // mail's size; when the source polls; then it is filed as failed on
    // the second poll.
    assert_size_always_withheld_is_filed_as_failed(|proxy| {
        proxy.refuse("UID FETCH 1,2,3 RFC822.SIZE", "NO", usize::MAX);
        proxy.refuse("UID FETCH 1 RFC822.SIZE", "NO", usize::MAX);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_whose_size_is_always_missing_is_filed_as_failed_after_its_strikes() {
    // Given a server that leaves the oldest mail's size out of its every
    // answer OK; when the source polls; then the first poll only strikes
    // it, as it would a refusal, and the second files it as failed.
    assert_size_always_withheld_is_filed_as_failed(|proxy| {
        proxy.omit("UID FETCH 1,2,3 RFC822.SIZE", "RFC822.SIZE", usize::MAX);
        proxy.omit("UID FETCH 1 RFC822.SIZE", "RFC822.SIZE", usize::MAX);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_whose_size_fetch_always_drops_the_connection_is_filed_as_failed_unread() {
    // Given three mails waiting, and a server that hangs up whenever it is
    // asked the oldest one's size, with the others' or alone.
    let (server, proxy) =
        proxied(&["doomed@example.com", "one@example.com", "two@example.com"]).await;
    proxy.hang_up("UID FETCH 1,2,3 RFC822.SIZE", usize::MAX);
    proxy.hang_up("UID FETCH 1 RFC822.SIZE", usize::MAX);
    let mut source = through(&server, &proxy, |_| {}).await;

    // When the source polls five times.
    let (outcomes, seen) = poll_outcomes(&mut source, 5).await;

    // Then the first three polls fail (the fetch of the three sizes, then
    // twice the oldest's alone), the fourth, on a fresh connection, files
    // it as failed without asking its bytes and hands the others over, and
    // nothing is left for the fifth.
    let errors = outcomes.iter().take(3).filter(|o| o.is_err()).count();
    assert_eq!(errors, 3, "{outcomes:?}");
    assert_eq!(
        outcomes[3].as_ref().ok(),
        Some(&PollReport {
            processed: 2,
            failed: 0,
            rejected: 1
        }),
        "{outcomes:?}"
    );
    assert_eq!(outcomes[4].as_ref().ok(), Some(&PollReport::default()));
    assert_eq!(seen, ["one@example.com", "two@example.com"]);
    let sent = proxy.commands();
    assert!(!sent.iter().any(|c| fetches_bytes_of(c, "1")), "{sent:?}");
    assert!(server.message_ids("INBOX").is_empty());
    assert_eq!(server.message_ids("Failed"), ["<doomed@example.com>"]);
    assert_eq!(
        server.message_ids("Processed"),
        ["<one@example.com>", "<two@example.com>"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_lost_on_no_one_messages_fetch_alone_strikes_no_message() {
    // Given two mails waiting, and a server that hangs up on the search of
    // four polls in a row, more than a message gets strikes, and then on
    // the fetch of both sizes.
    let (server, proxy) = proxied(&["one@example.com", "two@example.com"]).await;
    proxy.hang_up("UID SEARCH", 4);
    proxy.hang_up("UID FETCH 1,2 RFC822.SIZE", 1);
    let mut source = through(&server, &proxy, |_| {}).await;

    // When the source polls six times.
    let (outcomes, seen) = poll_outcomes(&mut source, 6).await;

    // Then the first five fail, and the sixth hands both over, neither
    // filed as failed.
    let errors = outcomes.iter().take(5).filter(|o| o.is_err()).count();
    assert_eq!(errors, 5, "{outcomes:?}");
    assert_eq!(
        outcomes[5].as_ref().ok(),
        Some(&PollReport {
            processed: 2,
            failed: 0,
            rejected: 0
        }),
        "{outcomes:?}"
    );
    assert_eq!(seen, ["one@example.com", "two@example.com"]);
    assert!(server.message_ids("Failed").is_empty());
    assert_eq!(
        server.message_ids("Processed"),
        ["<one@example.com>", "<two@example.com>"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_message_on_a_slow_link_is_given_time_by_its_size() {
    // Given a mail of 1.5 MiB waiting, behind a link passing 512 KiB a
    // second (three seconds for it), and a timeout of a second.
    let server = Dovecot::start(true);
    server.deliver("INBOX", &large_mail("large@example.com", 3 << 19));
    let proxy = Proxy::start(server.port).await;
    let mut source = through(&server, &proxy, |options| {
        options.timeout = Duration::from_secs(1);
    })
    .await;
    proxy.throttle(512 << 10);

    // When the source polls.
    let (seen, errors) = poll_through_errors(&mut source, 1).await;

    // Then the mail is handed over within the time its size takes at the
    // floor rate, and processed.
    assert_eq!(
        (seen.as_slice(), errors),
        (["large@example.com".to_string()].as_slice(), 0)
    );
    assert!(server.message_ids("Failed").is_empty());
    assert_eq!(server.message_ids("Processed"), ["<large@example.com>"]);
}

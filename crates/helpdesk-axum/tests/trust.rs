//! Trust through HTTP: a requester's every response, including replays,
//! errors and the event stream, is scanned for secrets planted in internal
//! notes and in another tenant's tickets.

mod common;

use std::time::Duration;

use common::{ALICE, Answer, G1, start};
use reqwest::{Method, StatusCode};
use serde_json::json;

const NOTE_SECRET: &str = "NOTE-SECRET-7f3a";
const TENANT_SECRET: &str = "OTHER-TENANT-SECRET-91c2";

fn assert_clean(what: &str, answer: &Answer) {
    for secret in [NOTE_SECRET, TENANT_SECRET] {
        assert!(
            !answer.text.contains(secret),
            "{what} leaked {secret}: {}",
            answer.text
        );
    }
}

#[tokio::test]
async fn a_requester_never_receives_a_planted_secret() {
    // Given alice's ticket with internal notes holding a secret, and
    // another tenant's ticket holding another
    let server = start().await;
    let id = server
        .open(
            "admin",
            json!({"subject": "Printer jams", "group": G1.to_string(), "requester": ALICE}),
        )
        .await;
    let t = |rest: &str| format!("/tickets/{id}{rest}");
    let note = json!({"body": format!("internal: {NOTE_SECRET}")});
    let key = [("Idempotency-Key", "note-1")];
    let noted = server
        .send(
            Method::POST,
            &t("/notes"),
            "agent-g1",
            Some(note.clone()),
            &key,
        )
        .await;
    assert_eq!(noted.status, StatusCode::OK);
    assert!(noted.text.contains(NOTE_SECRET), "staff see their note");
    server
        .open(
            "mallory",
            json!({"subject": TENANT_SECRET, "description": TENANT_SECRET}),
        )
        .await;
    // When alice reads, lists, searches, replies, retries and errs
    let mut answers = vec![
        ("ticket", server.get(&t(""), "alice").await),
        ("history", server.get(&t("/history"), "alice").await),
        (
            "history page",
            server.get(&t("/history?limit=1"), "alice").await,
        ),
        ("queue", server.get("/tickets", "alice").await),
        (
            "search note",
            server
                .get(&format!("/search?q={NOTE_SECRET}"), "alice")
                .await,
        ),
        (
            "search tenant",
            server
                .get(&format!("/search?q={TENANT_SECRET}"), "alice")
                .await,
        ),
        (
            "search word",
            server.get("/search?q=internal", "alice").await,
        ),
        (
            "reply",
            server
                .post(&t("/replies"), "alice", json!({"body": "Still jams"}))
                .await,
        ),
        // The agent's key, sent by alice: her own request, not a replay
        (
            "note with the agent's key",
            server
                .send(
                    Method::POST,
                    &t("/notes"),
                    "alice",
                    Some(note.clone()),
                    &key,
                )
                .await,
        ),
        (
            "reply with the agent's key",
            server
                .send(
                    Method::POST,
                    &t("/replies"),
                    "alice",
                    Some(json!({"body": "x"})),
                    &key,
                )
                .await,
        ),
        (
            "tag",
            server.post(&t("/tags"), "alice", json!({"tag": "x"})).await,
        ),
        (
            "stale",
            server
                .send(
                    Method::POST,
                    &t("/replies"),
                    "alice",
                    Some(json!({"body": "y"})),
                    &[("If-Match", "\"1\"")],
                )
                .await,
        ),
        (
            "resolve",
            server
                .post(&t("/resolve"), "alice", json!({"code": "solved"}))
                .await,
        ),
        (
            "close",
            server
                .send(Method::POST, &t("/close"), "alice", None, &[])
                .await,
        ),
    ];
    // A reply from staff after hers, then the note again under a new key
    server
        .post(&t("/replies"), "agent-g1", json!({"body": "On it"}))
        .await;
    server
        .post(&t("/notes"), "agent-g1", json!({"body": NOTE_SECRET}))
        .await;
    answers.push(("history after", server.get(&t("/history"), "alice").await));
    answers.push(("ticket after", server.get(&t(""), "alice").await));
    // Then none holds a secret
    for (what, answer) in &answers {
        assert_clean(what, answer);
    }
    assert!(
        answers.iter().any(|(_, a)| a.text.contains("Still jams")),
        "the scan reads real answers"
    );
}

#[tokio::test]
async fn the_event_stream_sends_a_requester_public_events_only() {
    // Given alice streaming her ticket's events
    let server = start().await;
    let id = server
        .open(
            "admin",
            json!({"subject": "Printer jams", "group": G1.to_string(), "requester": ALICE}),
        )
        .await;
    let mut stream = server
        .client
        .get(format!("{}/tickets/{id}/events", server.base))
        .header("authorization", "Bearer alice")
        .send()
        .await
        .expect("a stream");
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(
        stream
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/event-stream")
    );
    // When an agent adds a note, then replies
    server
        .post(
            &format!("/tickets/{id}/notes"),
            "agent-g1",
            json!({"body": NOTE_SECRET}),
        )
        .await;
    server
        .post(
            &format!("/tickets/{id}/replies"),
            "agent-g1",
            json!({"body": "On my way"}),
        )
        .await;
    // Then she receives the reply, and never the note
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !received.contains("On my way") {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("the reply arrives in time")
            .expect("the stream stays open")
            .expect("a chunk");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(received.contains("event: replied"), "{received}");
    assert!(received.contains("id: 3"), "{received}");
    assert!(!received.contains(NOTE_SECRET), "{received}");
    assert!(!received.contains("note_added"), "{received}");
}

#[tokio::test]
async fn the_event_stream_of_a_ticket_out_of_reach_is_404() {
    let server = start().await;
    let id = server
        .open(
            "admin",
            json!({"subject": "Payroll", "group": G1.to_string(), "requester": ALICE}),
        )
        .await;
    for outsider in ["bob", "agent-g2", "mallory"] {
        let answer = server.get(&format!("/tickets/{id}/events"), outsider).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{outsider}");
    }
}

//! `GET /tickets/by-number/{number}` over real HTTP: who finds a ticket by
//! its number, and that nobody else learns whether it exists.

mod common;

use common::{ALICE, G1, start};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Given a ticket of alice's in group 1, the tenant's first; its id.
async fn given_ticket_one(server: &common::Server) -> String {
    server
        .open(
            "admin",
            json!({"subject": "Payroll", "group": G1.to_string(), "requester": ALICE}),
        )
        .await
}

#[tokio::test]
async fn the_requester_and_staff_in_scope_read_a_ticket_by_its_number() {
    let server = start().await;
    let id = given_ticket_one(&server).await;
    for reader in ["alice", "agent-g1", "admin"] {
        // When they read ticket 1 by its number
        let read = server.get("/tickets/by-number/1", reader).await;
        // Then they get the ticket, with its number and ETag
        assert_eq!(read.status, StatusCode::OK, "{reader}: {}", read.text);
        assert_eq!(read.body["id"], json!(id));
        assert_eq!(read.body["number"], json!(1));
        assert_eq!(read.header("etag"), Some("\"1\""));
    }
    // And lists and searches show the number too
    let queue = server.get("/tickets", "agent-g1").await;
    assert_eq!(queue.body["items"][0]["number"], json!(1));
    for q in ["%231", "1"] {
        let found = server.get(&format!("/search?q={q}"), "alice").await;
        assert_eq!(found.body["items"][0]["id"], json!(id), "search {q}");
    }
}

/// The answer `reader` gets for `number`, with the number taken out of
/// its detail, to compare with the answer for another number.
async fn answer_without_number(server: &common::Server, reader: &str, number: u64) -> Value {
    let read = server
        .get(&format!("/tickets/by-number/{number}"), reader)
        .await;
    assert_eq!(
        read.status,
        StatusCode::NOT_FOUND,
        "{reader}: {}",
        read.text
    );
    assert_eq!(read.code(), "not_found");
    assert_eq!(
        read.header("content-type"),
        Some("application/problem+json")
    );
    let mut body = read.body.clone();
    let detail = body["detail"]
        .as_str()
        .unwrap_or_default()
        .replace(&format!("#{number}"), "#N");
    body["detail"] = json!(detail);
    body
}

async fn learns_nothing(reader: &str) {
    // Given ticket 1 of alice's in group 1
    let server = start().await;
    given_ticket_one(&server).await;
    // When the reader asks for it by number, and for a number no ticket has
    let theirs = answer_without_number(&server, reader, 1).await;
    let nobodys = answer_without_number(&server, reader, 999).await;
    // Then both answers are the same 404
    assert_eq!(theirs, nobodys, "{reader} learns whether ticket 1 exists");
}

#[tokio::test]
async fn another_requester_learns_nothing_by_a_number() {
    learns_nothing("bob").await;
}

#[tokio::test]
async fn another_tenants_admin_learns_nothing_by_a_number() {
    learns_nothing("mallory").await;
}

#[tokio::test]
async fn an_agent_out_of_scope_learns_nothing_by_a_number() {
    learns_nothing("agent-g2").await;
}

#[tokio::test]
async fn what_is_not_a_number_is_a_problem_naming_the_parameter() {
    let server = start().await;
    for bad in ["0", "abc", "%231", "-1", "99999999999999999999"] {
        let read = server
            .get(&format!("/tickets/by-number/{bad}"), "admin")
            .await;
        assert_eq!(read.status, StatusCode::BAD_REQUEST, "{bad}: {}", read.text);
        assert_eq!(read.code(), "invalid_parameter", "{bad}");
    }
    let anonymous = server.get("/tickets/by-number/1", "nobody").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

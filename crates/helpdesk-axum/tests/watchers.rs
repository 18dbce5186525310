//! Watchers over real HTTP: `PUT` and `DELETE /tickets/{id}/watchers/{actor}`
//! for each role, with the same problems, `If-Match` and `Idempotency-Key`
//! as every command, and the ticket's watchers as each reader may see them.

mod common;

use common::{ALICE, G1, start};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Gina One, the agent of group 1.
const GINA: &str = "00000000-0000-0000-0000-00000000000b";
/// Bob, another requester.
const BOB: &str = "00000000-0000-0000-0000-000000000002";
/// The admin.
const ADA: &str = "00000000-0000-0000-0000-000000000009";

/// Alice's ticket in group 1, opened by the admin.
async fn alices_ticket(server: &common::Server) -> String {
    server
        .open(
            "admin",
            json!({"subject": "VPN drops", "group": G1.to_string(), "requester": ALICE}),
        )
        .await
}

/// The ticket's watchers as `token` reads them: (id, role, name).
async fn watchers(server: &common::Server, id: &str, token: &str) -> Vec<(String, String, Value)> {
    let read = server.get(&format!("/tickets/{id}"), token).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    read.body["watchers"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap_or_default().to_owned(),
                w["role"].as_str().unwrap_or_default().to_owned(),
                w["name"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn staff_add_and_remove_watchers_and_each_reader_sees_what_they_may() {
    // Given Alice's ticket in group 1
    let server = start().await;
    let id = alices_ticket(&server).await;
    let path = |who: &str| format!("/tickets/{id}/watchers/{who}");

    // When the agent follows it (their own role, by default), and the admin
    // copies Bob on it (a requester, by default)
    let followed = server.put(&path(GINA), "agent-g1", json!({})).await;
    assert_eq!(followed.status, StatusCode::OK, "{}", followed.text);
    assert_eq!(followed.body["events"][0]["type"], "watched");
    assert_eq!(followed.header("etag"), Some("\"2\""));
    let copied = server.put(&path(BOB), "admin", json!({})).await;
    assert_eq!(copied.status, StatusCode::OK, "{}", copied.text);

    // Then staff see both, with the directory's names
    assert_eq!(
        watchers(&server, &id, "admin").await,
        [
            (BOB.to_owned(), "requester".to_owned(), Value::Null),
            (GINA.to_owned(), "agent".to_owned(), json!("Gina One")),
        ]
    );
    // And Alice sees Bob only, and nothing of the agent in the history
    assert_eq!(
        watchers(&server, &id, "alice").await,
        [(BOB.to_owned(), "requester".to_owned(), Value::Null)]
    );
    let history = server.get(&format!("/tickets/{id}/history"), "alice").await;
    assert!(!history.text.contains(GINA), "{}", history.text);

    // When the admin removes the agent
    let removed = server
        .send(Method::DELETE, &path(GINA), "admin", None, &[])
        .await;
    // Then the agent no longer watches
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    assert_eq!(removed.body["events"][0]["type"], "unwatched");
    assert_eq!(watchers(&server, &id, "admin").await.len(), 1);
}

#[tokio::test]
async fn a_requester_watches_only_themselves_on_tickets_they_see() {
    // Given Alice's ticket
    let server = start().await;
    let id = alices_ticket(&server).await;
    let path = |who: &str| format!("/tickets/{id}/watchers/{who}");

    // When Alice adds Bob, or herself as an agent
    let bob = server.put(&path(BOB), "alice", json!({})).await;
    let as_agent = server
        .put(&path(ALICE), "alice", json!({"role": "agent"}))
        .await;
    // Then both are forbidden, as problems
    for refused in [&bob, &as_agent] {
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
        assert_eq!(
            refused.header("content-type"),
            Some("application/problem+json")
        );
    }

    // When Bob, who does not see the ticket, watches himself on it
    let stranger = server.put(&path(BOB), "bob", json!({})).await;
    // Then it does not exist for him
    assert_eq!(stranger.status, StatusCode::NOT_FOUND, "{}", stranger.text);

    // When Alice watches herself, then stops
    let watched = server.put(&path(ALICE), "alice", json!({})).await;
    assert_eq!(watched.status, StatusCode::OK, "{}", watched.text);
    assert_eq!(
        watchers(&server, &id, "admin").await,
        [(
            ALICE.to_owned(),
            "requester".to_owned(),
            json!("Alice Adams")
        )]
    );
    let unwatched = server
        .send(Method::DELETE, &path(ALICE), "alice", None, &[])
        .await;
    assert_eq!(unwatched.status, StatusCode::OK, "{}", unwatched.text);
    assert!(watchers(&server, &id, "admin").await.is_empty());

    // And she may not remove anyone else
    server.put(&path(GINA), "agent-g1", json!({})).await;
    let theirs = server
        .send(Method::DELETE, &path(GINA), "alice", None, &[])
        .await;
    assert_eq!(theirs.status, StatusCode::FORBIDDEN, "{}", theirs.text);
}

#[tokio::test]
async fn out_of_reach_other_tenants_and_bad_input_are_problems() {
    // Given Alice's ticket in group 1
    let server = start().await;
    let id = alices_ticket(&server).await;
    let path = |who: &str| format!("/tickets/{id}/watchers/{who}");

    // When an agent of group 2 or another tenant's admin adds a watcher
    let other_group = server.put(&path(GINA), "agent-g2", json!({})).await;
    let other_tenant = server.put(&path(ADA), "mallory", json!({})).await;
    // Then the ticket does not exist for them
    assert_eq!(other_group.status, StatusCode::NOT_FOUND);
    assert_eq!(other_tenant.status, StatusCode::NOT_FOUND);
    assert!(!other_tenant.text.contains("VPN"));

    // When the admin adds Alice, the requester, as an agent
    let requester_as_agent = server
        .put(&path(ALICE), "admin", json!({"role": "agent"}))
        .await;
    // Then it is invalid, naming the field
    assert_eq!(
        requester_as_agent.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        requester_as_agent.text
    );
    assert_eq!(requester_as_agent.body["field"], "watcher.role");

    // When the role is not a role, the actor not an id, or a key unknown
    let bad_role = server
        .put(&path(GINA), "admin", json!({"role": "owner"}))
        .await;
    let bad_actor = server.put(&path("gina"), "admin", json!({})).await;
    let unknown = server
        .put(&path(GINA), "admin", json!({"rol": "agent"}))
        .await;
    // Then each is refused naming what is wrong
    assert_eq!(bad_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_role.body["field"], "role");
    assert_eq!(
        bad_actor.status,
        StatusCode::BAD_REQUEST,
        "{}",
        bad_actor.text
    );
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.text.contains("unknown field `rol`"),
        "{}",
        unknown.text
    );
}

#[tokio::test]
async fn watching_takes_if_match_and_idempotency_keys_like_every_command() {
    // Given Alice's ticket at version 1
    let server = start().await;
    let id = alices_ticket(&server).await;
    let path = format!("/tickets/{id}/watchers/{GINA}");

    // When the agent watches with a stale If-Match
    let changed = server
        .post(
            &format!("/tickets/{id}/replies"),
            "agent-g1",
            json!({"body": "On it"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    let stale = server
        .send(
            Method::PUT,
            &path,
            "agent-g1",
            Some(json!({})),
            &[("if-match", "\"1\"")],
        )
        .await;
    // Then it is refused
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.text
    );

    // When they watch with a key, and send the same again
    let key = [("idempotency-key", "follow-1")];
    let first = server
        .send(Method::PUT, &path, "agent-g1", Some(json!({})), &key)
        .await;
    let again = server
        .send(Method::PUT, &path, "agent-g1", Some(json!({})), &key)
        .await;
    // Then the second is the first answer again
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body["replayed"], true);
    assert_eq!(again.body["events"], first.body["events"]);
    assert_eq!(again.header("etag"), first.header("etag"));

    // When the key is reused for another request
    let reused = server
        .send(
            Method::DELETE,
            &path,
            "agent-g1",
            None,
            &[("idempotency-key", "follow-1")],
        )
        .await;
    // Then it is refused
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reused.text
    );
    assert_eq!(reused.code(), "idempotency_key_reused");
}

#[tokio::test]
async fn nobody_watches_a_closed_ticket() {
    // Given Alice's ticket, resolved and closed
    let server = start().await;
    let id = alices_ticket(&server).await;
    let resolved = server
        .post(
            &format!("/tickets/{id}/resolve"),
            "admin",
            json!({"code": "solved", "note": "Fixed"}),
        )
        .await;
    assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.text);
    let closed = server
        .send(
            Method::POST,
            &format!("/tickets/{id}/close"),
            "admin",
            None,
            &[],
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    // When the agent follows it
    let late = server
        .put(
            &format!("/tickets/{id}/watchers/{GINA}"),
            "agent-g1",
            json!({}),
        )
        .await;
    // Then the lifecycle does not allow it
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);
}

#[tokio::test]
async fn a_watcher_takes_the_directorys_role_and_another_is_refused() {
    // Given Alice's ticket, and a directory that knows Gina as an agent
    let server = start().await;
    let id = alices_ticket(&server).await;
    let path = |who: &str| format!("/tickets/{id}/watchers/{who}");

    // When the admin copies Gina on it, naming her as a requester
    let contradicted = server
        .put(&path(GINA), "admin", json!({"role": "requester"}))
        .await;
    // Then it is invalid, naming the field, and nothing changed
    assert_eq!(
        contradicted.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        contradicted.text
    );
    assert_eq!(contradicted.body["field"], "watcher.role");
    assert!(watchers(&server, &id, "admin").await.is_empty());

    // When the admin copies her without a role
    let copied = server.put(&path(GINA), "admin", json!({})).await;
    // Then she watches in the directory's role
    assert_eq!(copied.status, StatusCode::OK, "{}", copied.text);
    assert_eq!(
        watchers(&server, &id, "admin").await,
        [(GINA.to_owned(), "agent".to_owned(), json!("Gina One"))]
    );
}

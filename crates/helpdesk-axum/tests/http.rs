//! The API over real HTTP, as clients use it: each endpoint, each role and
//! each error.

mod common;

use common::{ALICE, G1, G2, start};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn opening_answers_201_with_location_etag_and_the_ticket() {
    // Given a server
    let server = start().await;
    // When alice opens a ticket
    let opened = server
        .post(
            "/tickets",
            "alice",
            json!({"subject": "Printer jams", "description": "3F"}),
        )
        .await;
    // Then it is created, where Location says, at version 1
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    let id = opened.body["ticket"]["id"].as_str().expect("an id");
    assert_eq!(
        opened.header("location"),
        Some(format!("/tickets/{id}").as_str())
    );
    assert_eq!(opened.header("etag"), Some("\"1\""));
    assert_eq!(opened.body["ticket"]["status"], json!({"category": "new"}));
    assert!(
        opened.body["ticket"].get("tenant").is_none(),
        "no tenant in views"
    );
    let read = server.get(&format!("/tickets/{id}"), "alice").await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["subject"], "Printer jams");
    assert_eq!(read.header("etag"), Some("\"1\""));
}

#[tokio::test]
async fn an_agent_in_scope_runs_every_command_of_a_tickets_life() {
    // Given a ticket of alice's in group 1, and another to merge and link
    let server = start().await;
    let id = server
        .open(
            "admin",
            json!({"subject": "VPN drops", "group": G1.to_string(), "requester": ALICE}),
        )
        .await;
    let other = server
        .open(
            "admin",
            json!({"subject": "VPN drops again", "group": G1.to_string(), "requester": ALICE}),
        )
        .await;
    let t = |rest: &str| format!("/tickets/{id}{rest}");
    let agent = "agent-g1";
    // When the agent of group 1 issues each command
    let steps: Vec<(Method, String, Option<serde_json::Value>, &str)> = vec![
        (
            Method::POST,
            t("/replies"),
            Some(json!({"body": "Looking"})),
            "replied",
        ),
        (
            Method::POST,
            t("/notes"),
            Some(json!({"body": "Router firmware"})),
            "note_added",
        ),
        (
            Method::PUT,
            t("/assignee"),
            Some(json!({"assignee": "00000000-0000-0000-0000-00000000000b"})),
            "assignee_changed",
        ),
        (
            Method::PUT,
            t("/status"),
            Some(json!({"status": "pending"})),
            "status_changed",
        ),
        (
            Method::PUT,
            t("/impact"),
            Some(json!({"impact": "high", "urgency": "high"})),
            "impact_urgency_changed",
        ),
        (
            Method::POST,
            t("/tags"),
            Some(json!({"tag": "vpn"})),
            "tagged",
        ),
        (Method::DELETE, t("/tags/vpn"), None, "untagged"),
        (
            Method::POST,
            t("/links"),
            Some(json!({"kind": "related", "ticket": other})),
            "linked",
        ),
        (
            Method::DELETE,
            t(&format!("/links/related/{other}")),
            None,
            "unlinked",
        ),
        (
            Method::POST,
            t("/resolve"),
            Some(json!({"code": "solved", "note": "Firmware"})),
            "resolved",
        ),
        (Method::POST, t("/reopen"), None, "reopened"),
        (
            Method::POST,
            t("/resolve"),
            Some(json!({"code": "workaround"})),
            "resolved",
        ),
        (Method::POST, t("/close"), None, "closed"),
    ];
    let mut version = 1;
    for (method, path, body, change) in steps {
        let answer = server.send(method.clone(), &path, agent, body, &[]).await;
        // Then each is applied, and says what changed and the new version
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{method} {path}: {}",
            answer.text
        );
        let changes: Vec<&str> = answer.body["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["type"].as_str())
            .collect();
        assert!(changes.contains(&change), "{path}: {changes:?}");
        let now = answer.body["version"].as_u64().expect("a version");
        assert!(now > version, "{path}");
        assert_eq!(answer.header("etag"), Some(format!("\"{now}\"").as_str()));
        version = now;
    }
    // And an override of the priority by an admin
    let priority = server
        .put(
            &format!("/tickets/{other}/priority"),
            "admin",
            json!({"priority": "P2", "reason": "VIP"}),
        )
        .await;
    assert_eq!(priority.status, StatusCode::OK, "{}", priority.text);
    assert_eq!(priority.body["ticket"]["priority"], "P2");
    // And a merge and a group change on the other ticket
    let third = server
        .open(
            "admin",
            json!({"subject": "VPN", "group": G1.to_string(), "requester": ALICE}),
        )
        .await;
    let merged = server
        .post(
            &format!("/tickets/{other}/merge"),
            agent,
            json!({"into": third}),
        )
        .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.text);
    assert_eq!(merged.body["ticket"]["status"]["category"], "merged");
    let moved = server
        .put(
            &format!("/tickets/{third}/group"),
            "admin",
            json!({"group": G2.to_string()}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    let unassigned = server
        .put(
            &format!("/tickets/{third}/assignee"),
            "admin",
            json!({"assignee": null}),
        )
        .await;
    assert_eq!(unassigned.status, StatusCode::OK, "{}", unassigned.text);
}

#[tokio::test]
async fn an_agent_out_of_scope_and_another_tenant_find_nothing() {
    // Given a ticket in group 1
    let server = start().await;
    let id = server
        .open(
            "admin",
            json!({"subject": "Payroll", "group": G1.to_string(), "requester": ALICE}),
        )
        .await;
    for outsider in ["agent-g2", "mallory", "bob"] {
        // When someone who does not reach it reads, changes or lists it
        let read = server.get(&format!("/tickets/{id}"), outsider).await;
        let reply = server
            .post(
                &format!("/tickets/{id}/replies"),
                outsider,
                json!({"body": "hi"}),
            )
            .await;
        let history = server
            .get(&format!("/tickets/{id}/history"), outsider)
            .await;
        let queue = server.get("/tickets", outsider).await;
        let search = server.get("/search?q=payroll", outsider).await;
        // Then it does not exist for them
        assert_eq!(read.status, StatusCode::NOT_FOUND, "{outsider}");
        assert_eq!(read.code(), "not_found");
        assert_eq!(
            read.header("content-type"),
            Some("application/problem+json")
        );
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{outsider}: {}",
            reply.text
        );
        assert_eq!(history.body["items"], json!([]), "{outsider}");
        assert_eq!(queue.body["items"], json!([]), "{outsider}");
        assert_eq!(search.body["items"], json!([]), "{outsider}");
    }
}

#[tokio::test]
async fn a_requester_may_not_add_notes_or_assign() {
    // Given alice's ticket
    let server = start().await;
    let id = server
        .open("alice", json!({"subject": "Printer jams"}))
        .await;
    // When she tries staff commands
    let note = server
        .post(
            &format!("/tickets/{id}/notes"),
            "alice",
            json!({"body": "x"}),
        )
        .await;
    let assign = server
        .put(
            &format!("/tickets/{id}/assignee"),
            "alice",
            json!({"assignee": null}),
        )
        .await;
    // Then each is forbidden
    assert_eq!(note.status, StatusCode::FORBIDDEN, "{}", note.text);
    assert_eq!(note.code(), "forbidden");
    assert_eq!(assign.status, StatusCode::FORBIDDEN, "{}", assign.text);
}

#[tokio::test]
async fn no_actor_is_401_as_a_problem() {
    let server = start().await;
    for token in ["", "forged"] {
        let answer = server.get("/tickets", token).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.code(), "unauthorized");
        assert_eq!(answer.body["status"], 401);
    }
}

#[tokio::test]
async fn a_retry_under_the_same_key_replays_the_first_response() {
    // Given alice opened a ticket under a key
    let server = start().await;
    let key = [("Idempotency-Key", "open-printer-1")];
    let body = json!({"subject": "Printer jams"});
    let first = server
        .send(Method::POST, "/tickets", "alice", Some(body.clone()), &key)
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!(first.header("idempotent-replayed"), None);
    // When she sends it again
    let again = server
        .send(Method::POST, "/tickets", "alice", Some(body.clone()), &key)
        .await;
    // Then the first response comes back, marked as a replay, one ticket
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.body["events"], first.body["events"]);
    assert_eq!(
        server.get("/tickets", "alice").await.body["items"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // And a reply retried under its key is applied once
    let id = first.body["ticket"]["id"].as_str().expect("an id");
    let reply = [("Idempotency-Key", "reply-1")];
    let path = format!("/tickets/{id}/replies");
    let once = server
        .send(
            Method::POST,
            &path,
            "alice",
            Some(json!({"body": "Still"})),
            &reply,
        )
        .await;
    let twice = server
        .send(
            Method::POST,
            &path,
            "alice",
            Some(json!({"body": "Still"})),
            &reply,
        )
        .await;
    assert_eq!(once.status, StatusCode::OK, "{}", once.text);
    assert_eq!(twice.header("idempotent-replayed"), Some("true"));
    assert_eq!(twice.body["version"], once.body["version"]);
    let ticket = server.get(&format!("/tickets/{id}"), "alice").await;
    assert_eq!(
        ticket.body["conversation"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn a_key_reused_for_another_body_is_422() {
    // Given a reply sent under a key
    let server = start().await;
    let id = server
        .open("alice", json!({"subject": "Printer jams"}))
        .await;
    let path = format!("/tickets/{id}/replies");
    let key = [("Idempotency-Key", "k-1")];
    let first = server
        .send(
            Method::POST,
            &path,
            "alice",
            Some(json!({"body": "one"})),
            &key,
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    // When the key is sent with another body
    let reused = server
        .send(
            Method::POST,
            &path,
            "alice",
            Some(json!({"body": "two"})),
            &key,
        )
        .await;
    // Then it is refused, telling nothing of the first
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.code(), "idempotency_key_reused");
    assert_eq!(reused.body["field"], "Idempotency-Key");
    assert!(!reused.text.contains("one"));
    // And the same key from someone else is their own request
    let theirs = server
        .send(
            Method::POST,
            &path,
            "admin",
            Some(json!({"body": "two"})),
            &key,
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.text);
    assert_eq!(theirs.header("idempotent-replayed"), None);
}

#[tokio::test]
async fn if_match_refuses_a_change_on_a_stale_version() {
    // Given a ticket read at version 1, then changed
    let server = start().await;
    let id = server
        .open("admin", json!({"subject": "Printer jams"}))
        .await;
    let path = format!("/tickets/{id}/tags");
    let fresh = [("If-Match", "\"1\"")];
    let tagged = server
        .send(
            Method::POST,
            &path,
            "admin",
            Some(json!({"tag": "a"})),
            &fresh,
        )
        .await;
    assert_eq!(tagged.status, StatusCode::OK, "{}", tagged.text);
    // When a change is sent on version 1 again
    let stale = server
        .send(
            Method::POST,
            &path,
            "admin",
            Some(json!({"tag": "b"})),
            &fresh,
        )
        .await;
    // Then it is 412, and nothing changed
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.text
    );
    assert_eq!(stale.code(), "version_mismatch");
    let now = server.get(&format!("/tickets/{id}"), "admin").await;
    assert_eq!(now.body["tags"], json!(["a"]));
    // And a malformed If-Match is 400, * matches any version
    for (value, status) in [
        ("3", StatusCode::BAD_REQUEST),
        ("W/\"2\"", StatusCode::BAD_REQUEST),
        ("*", StatusCode::OK),
    ] {
        let answer = server
            .send(
                Method::POST,
                &path,
                "admin",
                Some(json!({"tag": "c"})),
                &[("If-Match", value)],
            )
            .await;
        assert_eq!(answer.status, status, "{value}: {}", answer.text);
    }
}

#[tokio::test]
async fn bad_bodies_are_problems_naming_the_field() {
    let server = start().await;
    let id = server
        .open("admin", json!({"subject": "Printer jams"}))
        .await;
    // A value the domain refuses
    let blank = server
        .post("/tickets", "admin", json!({"subject": "  "}))
        .await;
    assert_eq!(
        blank.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        blank.text
    );
    assert_eq!(blank.code(), "invalid");
    assert_eq!(blank.body["field"], "subject");
    // A body of the wrong shape
    let shape = server
        .put(
            &format!("/tickets/{id}/impact"),
            "admin",
            json!({"impact": "huge", "urgency": "low"}),
        )
        .await;
    assert_eq!(shape.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(shape.code(), "invalid_body");
    assert_eq!(shape.body["field"], "impact");
    // Not JSON
    let text = server
        .send(
            Method::POST,
            &format!("/tickets/{id}/tags"),
            "admin",
            None,
            &[("content-type", "text/plain")],
        )
        .await;
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(text.code(), "unsupported_media_type");
    // Too large
    let huge = server
        .post(
            &format!("/tickets/{id}/replies"),
            "admin",
            json!({"body": "x".repeat(20_000)}),
        )
        .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(huge.code(), "payload_too_large");
    // A malformed id in the path
    let path = server.get("/tickets/not-a-uuid", "admin").await;
    assert_eq!(path.status, StatusCode::BAD_REQUEST);
    assert_eq!(path.code(), "invalid_parameter");
    // A lifecycle refusal
    let reopen = server
        .send(
            Method::POST,
            &format!("/tickets/{id}/reopen"),
            "admin",
            None,
            &[],
        )
        .await;
    assert_eq!(reopen.status, StatusCode::CONFLICT, "{}", reopen.text);
    assert_eq!(reopen.code(), "illegal_transition");
    // A bad Idempotency-Key
    let key = server
        .send(
            Method::POST,
            &format!("/tickets/{id}/close"),
            "admin",
            None,
            &[("Idempotency-Key", &"k".repeat(300))],
        )
        .await;
    assert_eq!(key.status, StatusCode::BAD_REQUEST);
    assert_eq!(key.body["field"], "Idempotency-Key");
}

#[tokio::test]
async fn the_queue_pages_with_an_opaque_cursor_and_filters() {
    // Given five tickets, two tagged
    let server = start().await;
    for n in 0..5 {
        let tags = if n < 2 { json!(["vpn"]) } else { json!([]) };
        server
            .open(
                "admin",
                json!({"subject": format!("Ticket {n}"), "tags": tags}),
            )
            .await;
    }
    // When the admin reads the queue two at a time
    let mut seen = Vec::new();
    let mut path = "/tickets?limit=2&order=updated_at".to_owned();
    loop {
        let page = server.get(&path, "admin").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        seen.extend(
            page.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["id"].clone()),
        );
        match page.body["next"].as_str() {
            Some(next) => path = format!("/tickets?limit=2&order=updated_at&cursor={next}"),
            None => break,
        }
    }
    // Then every ticket comes once
    assert_eq!(seen.len(), 5);
    seen.dedup();
    assert_eq!(seen.len(), 5);
    // And filters and bad cursors
    let tagged = server.get("/tickets?tag=vpn", "admin").await;
    assert_eq!(tagged.body["items"].as_array().map(Vec::len), Some(2));
    let bad = server.get("/tickets?cursor=forged", "admin").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.code(), "invalid_cursor");
    let limit = server.get("/tickets?limit=0", "admin").await;
    assert_eq!(limit.code(), "invalid_query");
    assert_eq!(limit.body["field"], "limit");
    let status = server.get("/tickets?status=sideways", "admin").await;
    assert_eq!(status.code(), "invalid_parameter");
    assert_eq!(status.body["field"], "status");
}

#[tokio::test]
async fn history_pages_and_search_find_what_the_reader_may_see() {
    // Given a ticket with replies and a note
    let server = start().await;
    let id = server
        .open("alice", json!({"subject": "Printer smokes"}))
        .await;
    for body in ["one", "two"] {
        server
            .post(
                &format!("/tickets/{id}/replies"),
                "alice",
                json!({"body": body}),
            )
            .await;
    }
    server
        .post(
            &format!("/tickets/{id}/notes"),
            "admin",
            json!({"body": "toner"}),
        )
        .await;
    // When the history is read a page at a time
    let first = server
        .get(&format!("/tickets/{id}/history?limit=2"), "admin")
        .await;
    assert_eq!(
        first.body["items"].as_array().map(Vec::len),
        Some(2),
        "{}",
        first.text
    );
    let next = first.body["next"].as_str().expect("a next page");
    let rest = server
        .get(
            &format!("/tickets/{id}/history?limit=2&cursor={next}"),
            "admin",
        )
        .await;
    assert_eq!(rest.body["items"][1]["type"], "note_added");
    // Then alice's history has no note
    let hers = server.get(&format!("/tickets/{id}/history"), "alice").await;
    assert_eq!(hers.body["items"].as_array().map(Vec::len), Some(3));
    // And search finds by public words, not by the note's for alice
    let found = server.get("/search?q=smokes", "alice").await;
    assert_eq!(found.body["items"].as_array().map(Vec::len), Some(1));
    let note = server.get("/search?q=toner", "alice").await;
    assert_eq!(note.body["items"], json!([]));
    let staff = server.get("/search?q=toner", "admin").await;
    assert_eq!(staff.body["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn unknown_paths_are_problems() {
    let server = start().await;
    let answer = server.get("/nowhere", "admin").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.code(), "no_route");
}

#[tokio::test]
async fn people_are_named_as_the_hosts_directory_knows_them_in_the_readers_tenant() {
    // Given a ticket of Alice's that the admin assigns to the agent of group 1
    let server = start().await;
    let id = server
        .open(
            "admin",
            json!({"subject": "VPN drops", "group": G1.to_string(), "requester": ALICE}),
        )
        .await;
    // When the agent replies
    let replied = server
        .post(
            &format!("/tickets/{id}/replies"),
            "agent-g1",
            json!({"body": "Looking"}),
        )
        .await;
    // Then the answer names the author, from the directory
    assert_eq!(replied.status, StatusCode::OK, "{}", replied.text);
    assert_eq!(replied.body["events"][0]["by_name"], "Gina One");
    // And Alice reads her ticket with the names of the people on it
    let seen = server.get(&format!("/tickets/{id}"), "alice").await;
    assert_eq!(seen.body["requester_name"], "Alice Adams");
    assert_eq!(seen.body["conversation"][0]["author_name"], "Gina One");
    // And the history names the admin of this tenant, never the person
    // with the same id in the other tenant
    let history = server.get(&format!("/tickets/{id}/history"), "admin").await;
    assert_eq!(history.body["items"][0]["by_name"], "Ada Admin");
    assert!(!history.text.contains("Mallory"), "{}", history.text);
    // And the queue names the requester
    let queue = server.get("/tickets", "agent-g1").await;
    assert_eq!(queue.body["items"][0]["requester_name"], "Alice Adams");
}

//! `GET /dead-letters` and `POST /dead-letters/{id}/revive` over real
//! HTTP: the tenant's admin lists and revives, and the dispatcher then
//! delivers; a requester, an agent and another tenant's admin learn
//! nothing and revive nothing.

mod common;

use std::sync::Arc;

use common::{OutboxDesk, Server, start_with_outbox};
use helpdesk_testkit::Outage;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Two openings of the tenant's and one of the other tenant's, each
/// refused for good by the audit endpoint: three dead letters.
struct Given {
    server: Server,
    desk: Arc<OutboxDesk>,
    outage: Outage,
    ours: Vec<String>,
    theirs: String,
}

async fn given_dead_letters() -> Given {
    let outage = Outage::down();
    let (server, desk) = start_with_outbox(outage.clone()).await;
    let ours = vec![
        server.open("admin", json!({"subject": "Payroll"})).await,
        server.open("admin", json!({"subject": "VPN drops"})).await,
    ];
    let theirs = server.open("mallory", json!({"subject": "Theirs"})).await;
    let report = desk
        .run_dispatch(chrono::Utc::now())
        .await
        .expect("dispatched");
    assert_eq!(report.dead, 3);
    Given {
        server,
        desk,
        outage,
        ours,
        theirs,
    }
}

fn tickets(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|l| l["ticket"].as_str().expect("a ticket").to_owned())
        .collect()
}

async fn revive(server: &Server, token: &str, id: &str) -> common::Answer {
    server
        .send(
            Method::POST,
            &format!("/dead-letters/{id}/revive"),
            token,
            None,
            &[],
        )
        .await
}

#[tokio::test]
async fn the_admin_lists_the_tenants_dead_letters_page_by_page() {
    // Given dead letters in two tenants
    let given = given_dead_letters().await;

    // When the tenant's admin lists them one a page
    let first = given.server.get("/dead-letters?limit=1", "admin").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let cursor = first.body["next"].as_str().expect("a next page");
    let second = given
        .server
        .get(&format!("/dead-letters?limit=1&cursor={cursor}"), "admin")
        .await;

    // Then they get the tenant's two, oldest first, with what happened to
    // each, and nothing of the other tenant's
    assert_eq!(
        [tickets(&first.body), tickets(&second.body)].concat(),
        given.ours
    );
    assert_eq!(second.body["next"], Value::Null);
    let letter = &first.body["items"][0];
    assert_eq!(letter["event"], "opened");
    assert_eq!(letter["channel"], "webhook");
    assert_eq!(letter["recipient"], "endpoint:audit");
    assert_eq!(letter["attempts"], 1);
    assert_eq!(letter["last_error"], Outage::REFUSAL);
    assert!(letter["died_at"].is_string() && letter["id"].is_u64());
    assert!(!first.text.contains(&given.theirs) && !second.text.contains(&given.theirs));
}

#[tokio::test]
async fn the_admin_revives_a_letter_and_the_dispatcher_delivers_it() {
    // Given dead letters, and the endpoint back up
    let given = given_dead_letters().await;
    given.outage.recover();
    let listed = given.server.get("/dead-letters", "admin").await;
    let letter = listed.body["items"][0].clone();
    let id = letter["id"].to_string();

    // When the admin revives one and the dispatcher runs
    let revived = revive(&given.server, "admin", &id).await;
    let report = given
        .desk
        .run_dispatch(chrono::Utc::now())
        .await
        .expect("dispatched");

    // Then it answers the letter, and that letter alone is delivered
    assert_eq!(revived.status, StatusCode::OK, "{}", revived.text);
    assert_eq!(revived.body, letter);
    assert_eq!((report.claimed, report.delivered), (1, 1));
    let taken: Vec<String> = given
        .outage
        .taken()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(taken, [letter["delivery"].as_str().expect("a delivery id")]);
    let left = given.server.get("/dead-letters", "admin").await;
    assert_eq!(tickets(&left.body), [given.ours[1].clone()]);
    // And a second revival finds no dead letter
    let again = revive(&given.server, "admin", &id).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
}

#[tokio::test]
async fn a_requester_and_an_agent_are_refused_the_list() {
    let given = given_dead_letters().await;
    for token in ["alice", "agent-g1"] {
        let refused = given.server.get("/dead-letters", token).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{token}: {}",
            refused.text
        );
        assert_eq!(refused.code(), "forbidden");
        assert_eq!(
            refused.header("content-type"),
            Some("application/problem+json")
        );
        for secret in given.ours.iter().chain([&given.theirs]) {
            assert!(
                !refused.text.contains(secret.as_str()),
                "{token}: {}",
                refused.text
            );
        }
    }
}

#[tokio::test]
async fn another_tenants_admin_lists_only_their_own() {
    let given = given_dead_letters().await;
    let theirs = given.server.get("/dead-letters", "mallory").await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.text);
    assert_eq!(tickets(&theirs.body), std::slice::from_ref(&given.theirs));
}

#[tokio::test]
async fn nobody_else_revives_and_nobody_learns_a_letter_exists() {
    // Given the tenant's dead letters, and an id no letter has
    let given = given_dead_letters().await;
    let listed = given.server.get("/dead-letters", "admin").await;
    let ours = listed.body["items"][0]["id"].as_u64().expect("an id");
    let nobodys = ours + 1_000;

    // When a requester, an agent and another tenant's admin revive the
    // tenant's letter, and the id nobody has
    for token in ["alice", "agent-g1", "mallory"] {
        let real = revive(&given.server, token, &ours.to_string()).await;
        let none = revive(&given.server, token, &nobodys.to_string()).await;

        // Then both answers are the 404 of a letter that does not exist
        for answer in [&real, &none] {
            assert_eq!(
                answer.status,
                StatusCode::NOT_FOUND,
                "{token}: {}",
                answer.text
            );
            assert_eq!(answer.code(), "not_found");
            assert_eq!(
                answer.header("content-type"),
                Some("application/problem+json")
            );
        }
        let without = |body: &Value, id: u64| {
            let mut body = body.clone();
            body["detail"] = json!(
                body["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .replace(&id.to_string(), "#")
            );
            body
        };
        assert_eq!(
            without(&real.body, ours),
            without(&none.body, nobodys),
            "{token}"
        );
    }
    // And nothing was revived
    given.outage.recover();
    let report = given
        .desk
        .run_dispatch(chrono::Utc::now())
        .await
        .expect("dispatched");
    assert_eq!(report.claimed, 0);
    assert_eq!(
        given.server.get("/dead-letters", "admin").await.body,
        listed.body
    );
}

#[tokio::test]
async fn bad_parameters_are_problems_naming_them() {
    let given = given_dead_letters().await;
    let server = &given.server;
    let limit = server.get("/dead-letters?limit=0", "admin").await;
    assert_eq!(
        (limit.status, limit.code()),
        (StatusCode::BAD_REQUEST, "invalid_query")
    );
    assert_eq!(limit.body["field"], "limit");
    let cursor = server.get("/dead-letters?cursor=v1", "admin").await;
    assert_eq!(
        (cursor.status, cursor.code()),
        (StatusCode::BAD_REQUEST, "invalid_cursor")
    );
    let id = revive(server, "admin", "first").await;
    assert_eq!(
        (id.status, id.code()),
        (StatusCode::BAD_REQUEST, "invalid_parameter")
    );
    let nobody = server.get("/dead-letters", "").await;
    assert_eq!(
        (nobody.status, nobody.code()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let unknown = server.get("/dead-letters?page=2", "admin").await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::BAD_REQUEST, "invalid_parameter")
    );
}

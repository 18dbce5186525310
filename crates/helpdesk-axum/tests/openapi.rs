//! The OpenAPI document: served by the router, and the same as
//! `docs/openapi.json`. Regenerate the file with
//! `HELPDESK_WRITE_OPENAPI=1 cargo test -p helpdesk-axum --test openapi`.

mod common;

use std::path::PathBuf;

use reqwest::StatusCode;

fn committed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[tokio::test]
async fn the_served_document_is_the_committed_one() {
    // Given the document the router serves
    let server = common::start().await;
    let served = server.get("/openapi.json", "").await;
    assert_eq!(served.status, StatusCode::OK);
    let pretty = serde_json::to_string_pretty(&served.body).expect("JSON") + "\n";
    if std::env::var_os("HELPDESK_WRITE_OPENAPI").is_some() {
        std::fs::write(committed(), &pretty).expect("docs/openapi.json is writable");
    }
    // Then it is the one in docs/
    let file = std::fs::read_to_string(committed()).expect("docs/openapi.json exists");
    assert!(
        file == pretty,
        "docs/openapi.json differs from the router's document; regenerate it with \
         HELPDESK_WRITE_OPENAPI=1 cargo test -p helpdesk-axum --test openapi"
    );
    assert_eq!(served.body["openapi"], "3.1.0");
}

#[test]
fn every_route_is_documented() {
    let document = helpdesk_axum::openapi();
    for path in [
        "/tickets",
        "/tickets/{id}",
        "/tickets/{id}/history",
        "/tickets/{id}/events",
        "/tickets/{id}/replies",
        "/tickets/{id}/notes",
        "/tickets/{id}/assignee",
        "/tickets/{id}/group",
        "/tickets/{id}/status",
        "/tickets/{id}/priority",
        "/tickets/{id}/impact",
        "/tickets/{id}/tags",
        "/tickets/{id}/tags/{tag}",
        "/tickets/{id}/fields/{key}",
        "/tickets/{id}/resolve",
        "/tickets/{id}/reopen",
        "/tickets/{id}/close",
        "/tickets/{id}/merge",
        "/tickets/{id}/links",
        "/tickets/{id}/links/{kind}/{other}",
        "/search",
    ] {
        assert!(document.paths.paths.contains_key(path), "{path}");
    }
}

//! The OpenAPI document: the committed `docs/openapi.json` is exactly what this build
//! serves at `/openapi.json`, and it describes every route the server answers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::Server;
use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json")
}

#[test]
fn the_committed_document_is_current() {
    let generated = outpost_sync_server::openapi::document_json().unwrap();
    let path = committed_path();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        std::fs::write(&path, &generated).unwrap();
        panic!(
            "docs/openapi.json did not match the API this build serves; it has been rewritten: \
             review the change and commit docs/openapi.json"
        );
    }
}

#[tokio::test]
async fn the_server_serves_its_document_and_every_documented_route_exists() {
    let s = Server::start().await;
    let (status, served) = s.call("GET", "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let generated: serde_json::Value =
        serde_json::from_str(&outpost_sync_server::openapi::document_json().unwrap()).unwrap();
    assert_eq!(served, generated);
    assert!(served["openapi"].as_str().unwrap().starts_with("3."));

    let paths = served["paths"].as_object().unwrap();
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let (status, body) = s
                .call(
                    &method.to_uppercase(),
                    path,
                    None,
                    Some(serde_json::json!({})),
                )
                .await;
            assert_ne!(
                (status, body["code"].as_str()),
                (StatusCode::NOT_FOUND, Some("not_found")),
                "{method} {path} is documented but not routed"
            );
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
    }
    for required in ["/health", "/ready", "/v1/enroll", "/v1/push", "/v1/pull"] {
        assert!(paths.contains_key(required), "{required} is undocumented");
    }
}

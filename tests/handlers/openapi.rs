//! The OpenAPI document is generated from the routes the functions serve.

use serde_json::Value;
use visits_tests::*;

#[tokio::test]
async fn the_openapi_document_describes_every_route_the_functions_serve() {
    let request = api(None, "GET", "/openapi.json", "");

    let (status, document) = read(api_docs::handle(request).await);

    assert_eq!(status, 200);
    let paths: Vec<&String> = document["paths"].as_object().unwrap().keys().collect();
    for path in [
        "/visits",
        "/visits/eligibility",
        "/visits/{id}",
        "/visits/{id}/upload",
        "/visits/{id}/upload/complete",
        "/visits/{id}/cancel",
        "/visits/{id}/answer",
        "/review/queue",
        "/review/visits/{id}",
        "/review/visits/{id}/response",
        "/review/patients",
        "/review/patients/{id}",
        "/openapi.json",
    ] {
        assert!(
            paths.iter().any(|p| *p == path),
            "{path} is missing from {paths:?}"
        );
    }
}

#[tokio::test]
async fn every_documented_route_is_served_by_some_function() {
    let app = TestApp::new().await;
    let (_, document) = read(api_docs::handle(api(None, "GET", "/openapi.json", "")).await);

    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", "00000000-0000-4000-8000-000000000000");
            let method = method.to_uppercase();
            let claims = if path.starts_with("/review") {
                physician_claims()
            } else {
                patient_claims(ESTABLISHED)
            };
            let response = if path == "/openapi.json" {
                api_docs::handle(api(None, &method, &concrete, "")).await
            } else {
                app.call(api(claims, &method, &concrete, "{}")).await
            };
            let (_, body): (u16, Value) = read(response);
            assert_ne!(
                body["code"], "no_such_route",
                "{method} {path} is documented but not served"
            );
            assert_ne!(
                body["code"], "method_not_allowed",
                "{method} {path} is documented but not served"
            );
        }
    }
}

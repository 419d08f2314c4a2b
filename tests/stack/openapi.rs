//! The API's published description.

use crate::spawn_app;

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    // Arrange
    let app = spawn_app().await;
    let routes = [
        ("/visits", &["get", "post"][..]),
        ("/visits/{id}", &["get"]),
        ("/visits/{id}/upload", &["post"]),
        ("/visits/{id}/upload/complete", &["post"]),
        ("/visits/{id}/cancel", &["post"]),
        ("/visits/{id}/answer", &["post"]),
        ("/review/queue", &["get"]),
        ("/review/visits/{id}", &["get"]),
        ("/review/visits/{id}/response", &["post"]),
        ("/review/patients", &["get", "post"]),
        ("/review/patients/{id}", &["get", "patch"]),
        ("/openapi.json", &["get"]),
    ];

    // Act: no sign-in needed for the document.
    let reply = app.get("/openapi.json", None).await;

    // Assert
    assert_eq!(reply.status, 200, "{}", reply.body);
    let paths = reply.body["paths"].as_object().expect("a paths object");
    for (path, methods) in routes {
        let operations = paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not listed"));
        for method in methods {
            assert!(
                operations.get(*method).is_some(),
                "{method} {path} is not listed"
            );
        }
    }
}

//! Who gets in: the gateway's token check, the physician-only routes, and a patient's reach.

use crate::{ESTABLISHED, NEW_PATIENT, spawn_app, visit_id};
use serde_json::json;
use visits_tests::MP4;

/// A visit id of the right shape that no visit has.
const MADE_UP_VISIT: &str = "00000000-0000-4000-8000-000000000000";

/// Base64url without padding, as JWT segments are written.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

#[tokio::test]
async fn no_token_is_refused_with_401() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let reply = app.get("/visits", None).await;

    // Assert
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(reply.code(), "unauthenticated");
}

#[tokio::test]
async fn a_forged_token_is_refused_with_401() {
    // Arrange: a token for the same subject, but signed by another stack's key.
    let app = spawn_app().await;
    let elsewhere = spawn_app().await;
    let foreign = elsewhere.sign_in(ESTABLISHED).await;

    // Act
    let reply = app.get("/visits", Some(&foreign)).await;

    // Assert
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(reply.code(), "unauthenticated");
}

#[tokio::test]
async fn a_token_with_an_edited_payload_is_refused_with_401() {
    // Arrange: a patient's genuine token whose claims are swapped for the physician group's,
    // keeping the original signature.
    let app = spawn_app().await;
    let token = app.sign_in(ESTABLISHED).await;
    let segments: Vec<&str> = token.split('.').collect();
    assert_eq!(segments.len(), 3, "a JWT has three segments");
    let now = app.get("/visits", Some(&token)).await;
    assert_eq!(now.status, 200, "the genuine token works: {}", now.body);
    let claims = json!({
        "sub": ESTABLISHED,
        "cognito:groups": ["physician"],
        "iss": "async-visits-local",
        "iat": 0,
        "exp": 4_102_444_800_i64,
        "token_use": "id"
    });
    let forged = format!(
        "{}.{}.{}",
        segments[0],
        base64url(claims.to_string().as_bytes()),
        segments[2]
    );

    // Act
    let reply = app.get("/review/queue", Some(&forged)).await;

    // Assert
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(reply.code(), "unauthenticated");
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    // Arrange: signed in at 09:00, and the token works then.
    let app = spawn_app().await;
    let token = app.sign_in(ESTABLISHED).await;
    let fresh = app.get("/visits", Some(&token)).await;
    assert_eq!(fresh.status, 200, "{}", fresh.body);

    // Act: nine hours later; local tokens live eight.
    app.clock.set("2026-12-01T23:00:00Z");
    let reply = app.get("/visits", Some(&token)).await;

    // Assert
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(reply.code(), "unauthenticated");
}

#[tokio::test]
async fn a_patient_token_is_refused_on_physician_routes() {
    // Arrange: a real visit, so no refusal can come from a missing record.
    let app = spawn_app().await;
    let (patient, id) = app.submitted_visit().await;
    let response = json!({ "kind": "no_change", "message": "Carry on." });
    let new_patient = json!({
        "name": "Robin Example",
        "email": "robin@patients.test",
        "membership": "active"
    });
    let routes = [
        ("GET", "/review/queue".to_owned(), None),
        ("GET", format!("/review/visits/{id}"), None),
        (
            "POST",
            format!("/review/visits/{id}/response"),
            Some(response),
        ),
        ("GET", "/review/patients".to_owned(), None),
        ("POST", "/review/patients".to_owned(), Some(new_patient)),
        ("GET", format!("/review/patients/{ESTABLISHED}"), None),
        (
            "PATCH",
            format!("/review/patients/{ESTABLISHED}"),
            Some(json!({ "async_enabled": false })),
        ),
    ];

    for (method, path, body) in routes {
        // Act
        let mut request = app
            .client
            .request(method.parse().expect("a method"), app.url(&path))
            .bearer_auth(&patient);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let reply = crate::Reply::of(request.send().await.expect("the request is sent")).await;

        // Assert
        assert_eq!(reply.status, 403, "{method} {path}: {}", reply.body);
        assert_eq!(reply.code(), "forbidden", "{method} {path}");
    }

    // Assert: nothing the patient sent changed the visit.
    let seen = app.get(&format!("/visits/{id}"), Some(&patient)).await;
    assert_eq!(seen.body["status"], "submitted", "{}", seen.body);
}

#[tokio::test]
async fn patient_b_sees_not_found_for_patient_a_visit() {
    // Arrange: patient A's visit, and patient B signed in.
    let app = spawn_app().await;
    let patient_a = app.sign_in(ESTABLISHED).await;
    let created = app.create_visit(&patient_a, MP4.len()).await;
    let id = visit_id(&created);
    let patient_b = app.sign_in(NEW_PATIENT).await;

    // Act
    let theirs = app.get(&format!("/visits/{id}"), Some(&patient_b)).await;
    let missing = app
        .get(&format!("/visits/{MADE_UP_VISIT}"), Some(&patient_b))
        .await;

    // Assert: someone else's visit is answered exactly like one that does not exist.
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    assert_eq!(theirs.code(), "not_found");
    assert_eq!(theirs.body, missing.body);
    assert_eq!(theirs.status, missing.status);
}

//! What API Gateway does in front of the API functions: checks the bearer token, then hands
//! the function an HTTP API (payload 2.0) event with the token's claims in the request
//! context, exactly where the JWT authorizer puts them.

use crate::identity::{Claims, TokenIssuer};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::body::Bytes;
use jiff::Timestamp;
use lambda_http::http::{HeaderMap, Method, Response, header};
use lambda_http::{Body, Request};
use serde_json::{Map, Value, json};

/// A request as the stack's server received it.
pub struct IncomingRequest<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// Verifies the `Authorization: Bearer` token like the JWT authorizer: a missing, forged or
/// expired token is refused before any function runs: `None`.
pub fn authorize(issuer: &TokenIssuer, headers: &HeaderMap, now: Timestamp) -> Option<Claims> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))?;
    issuer
        .verify(token.trim(), now)
        .inspect_err(|error| tracing::info!(%error, "token refused"))
        .ok()
}

/// The HTTP API event for a request, with `claims` in the authorizer context when given.
pub fn lambda_request(
    request: &IncomingRequest<'_>,
    claims: Option<&Claims>,
    now: Timestamp,
) -> Request {
    let mut headers = Map::new();
    for (name, value) in request.headers {
        if let Ok(value) = value.to_str() {
            headers.insert(name.as_str().to_owned(), Value::String(value.to_owned()));
        }
    }
    let query = request.query.unwrap_or_default();
    let mut query_params = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        query_params.insert(decode(name), Value::String(decode(value)));
    }
    let (body, is_base64) = match std::str::from_utf8(request.body) {
        Ok(text) => (text.to_owned(), false),
        Err(_) => (STANDARD.encode(request.body), true),
    };

    let mut context = json!({
        "accountId": "local",
        "apiId": "local",
        "domainName": "127.0.0.1",
        "domainPrefix": "local",
        "http": {
            "method": request.method.as_str(),
            "path": request.path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": "local"
        },
        "requestId": uuid::Uuid::new_v4().to_string(),
        "routeKey": "$default",
        "stage": "$default",
        "time": now.to_string(),
        "timeEpoch": now.as_millisecond()
    });
    if let Some(claims) = claims {
        context["authorizer"] =
            json!({ "jwt": { "claims": claims.as_gateway_claims(), "scopes": null } });
    }

    let event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": request.path,
        "rawQueryString": query,
        "headers": headers,
        "queryStringParameters": query_params,
        "requestContext": context,
        "body": if request.body.is_empty() { Value::Null } else { Value::String(body) },
        "isBase64Encoded": is_base64
    });
    lambda_http::request::from_str(&event.to_string())
        .expect("the local event matches the HTTP API shape")
}

fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// A function's response as the bytes the server sends.
pub fn response_bytes(response: Response<Body>) -> Response<Bytes> {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(bytes) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    Response::from_parts(parts, bytes)
}

//! Request bodies and responses.

use super::problem::ApiError;
use lambda_http::http::{StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The largest JSON body any route accepts. Videos never pass through the API.
pub const MAX_JSON_BODY_BYTES: usize = 16 * 1024;

/// Reads a JSON body strictly: `application/json`, at most [`MAX_JSON_BODY_BYTES`], no
/// unknown fields (the types deny them), every field of the right type.
pub fn read_json<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::UnsupportedMediaType);
    }

    let bytes: &[u8] = match request.body() {
        Body::Empty => b"",
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => b"",
    };
    if bytes.len() > MAX_JSON_BODY_BYTES {
        return Err(ApiError::BodyTooLarge);
    }

    serde_json::from_slice(bytes).map_err(|error| ApiError::from_json_error(&error))
}

/// A JSON response.
pub fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    let body = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Text(body))
        .unwrap_or_default()
}

/// The non-empty segments of a request path: `/visits/abc/` is `["visits", "abc"]`.
pub fn segments(request: &Request) -> Vec<String> {
    let path = request.raw_http_path();
    let path = if path.is_empty() {
        request.uri().path()
    } else {
        path
    };
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

//! The one error type of the HTTP boundary, and the one place it becomes a response.
//! Clients get a stable `code` and a sentence they can act on; a 500 says nothing internal,
//! and its cause goes to the log.

use crate::eligibility::{Refusal, RefusalCode, crisis_resources};
use crate::ports::{PortError, WriteError};
use lambda_http::http::{StatusCode, header};
use lambda_http::{Body, Response};
use serde_json::{Value, json};

/// The result of an HTTP handler.
pub type ApiResult = Result<Response<Body>, ApiError>;

/// Everything an API route can refuse with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("sign in first")]
    Unauthenticated,
    #[error("not allowed for this account")]
    Forbidden,
    /// Missing, or belonging to someone else: the two look the same from outside.
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("no such route")]
    NoSuchRoute,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("body must be application/json")]
    UnsupportedMediaType,
    #[error("body too large")]
    BodyTooLarge,
    /// A request that could not be read (400).
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// A request that was read but asks for something not allowed (422).
    #[error("{detail}")]
    Invalid { code: &'static str, detail: String },
    /// The visit is not in a state that allows this (409).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// The practice's policy refused an async visit.
    #[error("refused: {}", .0.code.as_str())]
    Refused(Refusal),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// A 400 with a code and a sentence.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    /// A 422 with a code and a sentence.
    pub fn invalid(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            detail: detail.into(),
        }
    }

    /// A 409 with a code and a sentence.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }

    /// Classifies a JSON error so a client can tell a syntax error from a wrong field.
    pub fn from_json_error(error: &serde_json::Error) -> Self {
        let text = error.to_string();
        let code = if error.is_syntax() || error.is_eof() {
            "malformed_json"
        } else if text.starts_with("unknown field") {
            "unknown_field"
        } else if text.starts_with("missing field") {
            "missing_field"
        } else if text.starts_with("unknown variant") {
            "unknown_value"
        } else {
            "invalid_field"
        };
        Self::bad_request(code, format!("The request body could not be read: {text}."))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound(_) | Self::NoSuchRoute => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Refused(refusal) => match refusal.code {
                RefusalCode::VisitOpen => StatusCode::CONFLICT,
                RefusalCode::Crisis | RefusalCode::LiveVisitRecommended => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                _ => StatusCode::FORBIDDEN,
            },
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::NoSuchRoute => "no_such_route",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::BodyTooLarge => "body_too_large",
            Self::BadRequest { code, .. } | Self::Invalid { code, .. } => code,
            Self::Conflict { code, .. } => code,
            Self::Refused(refusal) => refusal.code.as_str(),
            Self::Internal(_) => "internal",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Unauthenticated => "Sign in to continue.".to_owned(),
            Self::Forbidden => "This account cannot do that.".to_owned(),
            Self::NotFound(what) => format!("There is no such {what}."),
            Self::NoSuchRoute => "There is no such page in this API.".to_owned(),
            Self::MethodNotAllowed => "This address does not accept that method.".to_owned(),
            Self::UnsupportedMediaType => {
                "Send the request body as JSON with Content-Type: application/json.".to_owned()
            }
            Self::BodyTooLarge => format!(
                "The request body is larger than {} bytes.",
                super::MAX_JSON_BODY_BYTES
            ),
            Self::BadRequest { detail, .. }
            | Self::Invalid { detail, .. }
            | Self::Conflict { detail, .. } => detail.clone(),
            Self::Refused(refusal) => refusal.code.message().to_owned(),
            Self::Internal(_) => {
                "Something went wrong on our side. Nothing was changed; please try again."
                    .to_owned()
            }
        }
    }

    /// The `application/problem+json` response. This is the only place errors meet HTTP.
    pub fn into_response(self) -> Response<Body> {
        let status = self.status();
        if let Self::Internal(cause) = &self {
            tracing::error!(error = %cause, "request failed");
        }

        let mut document = problem_document(status, self.code(), &self.detail());
        if let Self::Refused(refusal) = &self {
            extend_refusal(&mut document, refusal);
        }
        problem_response(status, &document)
    }
}

/// An RFC 9457 problem document with the API's stable `code`.
fn problem_document(status: StatusCode, code: &str, detail: &str) -> Value {
    json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "code": code,
        "detail": detail,
    })
}

fn problem_response(status: StatusCode, document: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/problem+json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Text(document.to_string()))
        .unwrap_or_default()
}

/// A problem response for refusals outside the API's routes (the pages, the one-machine
/// stack's media URLs and sign-in), shaped exactly like the API's.
pub fn problem(status: StatusCode, code: &str, detail: &str) -> Response<Body> {
    problem_response(status, &problem_document(status, code, detail))
}

fn extend_refusal(problem: &mut Value, refusal: &Refusal) {
    if refusal.code == RefusalCode::Crisis {
        problem["crisis_resources"] = json!(crisis_resources());
    }
    if let Some(open) = refusal.open_visit {
        problem["open_visit_id"] = json!(open.to_string());
    }
}

impl From<PortError> for ApiError {
    fn from(error: PortError) -> Self {
        Self::Internal(Box::new(error))
    }
}

impl From<WriteError> for ApiError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Conflict => Self::conflict(
                "changed_meanwhile",
                "The visit changed while this request was handled. Reload it and try again.",
            ),
            WriteError::OpenVisitExists(id) => Self::Refused(Refusal {
                code: RefusalCode::VisitOpen,
                open_visit: Some(id),
            }),
            WriteError::AlreadyExists => {
                Self::conflict("already_exists", "A record with this id already exists.")
            }
            WriteError::Port(port) => port.into(),
        }
    }
}

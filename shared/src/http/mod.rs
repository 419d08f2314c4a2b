//! The HTTP boundary shared by the API functions: identity from the JWT claims API Gateway
//! puts in the request context, JSON bodies read strictly, and one error type that becomes
//! an RFC 9457 problem document.

mod body;
mod identity;
mod problem;

pub use body::{MAX_JSON_BODY_BYTES, json_response, read_json, segments};
pub use identity::{Identity, PATIENT_GROUP, PHYSICIAN_GROUP, Role};
pub use problem::{ApiError, ApiResult, problem};

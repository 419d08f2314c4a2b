//! Who is calling. API Gateway's JWT authorizer has already checked the token's signature,
//! issuer, audience and expiry; its claims arrive in the request context. The handler only
//! reads them, and refuses a request that carries none.

use super::problem::ApiError;
use crate::ids::PatientId;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

/// The group of the practice's physician.
pub const PHYSICIAN_GROUP: &str = "physician";

/// The group of patients.
pub const PATIENT_GROUP: &str = "patient";

/// What the caller may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Physician,
    Patient,
}

/// The verified caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub groups: Vec<String>,
}

impl Identity {
    /// Reads the caller from the JWT claims in the request context.
    pub fn from_request(request: &Request) -> Result<Self, ApiError> {
        let claims = match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(context)) => context
                .authorizer
                .as_ref()
                .and_then(|a| a.jwt.as_ref())
                .map(|jwt| &jwt.claims),
            _ => None,
        };
        let claims = claims.ok_or(ApiError::Unauthenticated)?;
        let subject = claims
            .get("sub")
            .filter(|s| !s.is_empty())
            .ok_or(ApiError::Unauthenticated)?;
        let groups = claims
            .get("cognito:groups")
            .map(|g| parse_groups(g))
            .unwrap_or_default();
        Ok(Self {
            subject: subject.clone(),
            groups,
        })
    }

    /// The caller's role; the physician group wins if a caller is in both.
    pub fn role(&self) -> Option<Role> {
        if self.groups.iter().any(|g| g == PHYSICIAN_GROUP) {
            Some(Role::Physician)
        } else if self.groups.iter().any(|g| g == PATIENT_GROUP) {
            Some(Role::Patient)
        } else {
            None
        }
    }

    /// The caller as a patient, or 403 for anyone else.
    pub fn require_patient(&self) -> Result<PatientId, ApiError> {
        if self.role() != Some(Role::Patient) {
            return Err(ApiError::Forbidden);
        }
        PatientId::parse(&self.subject).ok_or(ApiError::Forbidden)
    }

    /// The caller as the physician, or 403 for anyone else.
    pub fn require_physician(&self) -> Result<(), ApiError> {
        match self.role() {
            Some(Role::Physician) => Ok(()),
            _ => Err(ApiError::Forbidden),
        }
    }
}

/// API Gateway renders a list claim as `[a b]`; a JSON array or a comma list also occur
/// depending on the authorizer, so all three are read.
fn parse_groups(raw: &str) -> Vec<String> {
    if let Ok(list) = serde_json::from_str::<Vec<String>>(raw) {
        return list;
    }
    raw.trim_matches(|c| c == '[' || c == ']')
        .split([' ', ','])
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_groups;

    #[test]
    fn groups_are_read_in_the_bracketed_form_api_gateway_uses() {
        assert_eq!(
            parse_groups("[physician patient]"),
            vec!["physician", "patient"]
        );
    }

    #[test]
    fn groups_are_read_as_a_json_array_or_a_single_name() {
        assert_eq!(parse_groups(r#"["patient"]"#), vec!["patient"]);
        assert_eq!(parse_groups("patient"), vec!["patient"]);
    }
}

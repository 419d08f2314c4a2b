//! Local identity for the one-machine stack: a dev sign-in that issues HS256 tokens signed
//! with a key kept in the data folder, and the gateway check that verifies them the way API
//! Gateway's JWT authorizer verifies Cognito's. None of this is in the Lambda builds.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::HashMap;

/// The issuer written into and required of every local token.
pub const LOCAL_ISSUER: &str = "async-visits-local";

/// How long a local sign-in lasts.
pub const TOKEN_LIFETIME: SignedDuration = SignedDuration::from_hours(8);

/// The claims of a local token, shaped like a Cognito identity token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(rename = "cognito:groups")]
    pub groups: Vec<String>,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    pub token_use: String,
}

impl Claims {
    /// The claims as API Gateway's JWT authorizer hands them to a function: every value a
    /// string, a list as `[a b]`.
    pub fn as_gateway_claims(&self) -> HashMap<String, String> {
        HashMap::from([
            ("sub".to_owned(), self.sub.clone()),
            (
                "cognito:groups".to_owned(),
                format!("[{}]", self.groups.join(" ")),
            ),
            ("iss".to_owned(), self.iss.clone()),
            ("iat".to_owned(), self.iat.to_string()),
            ("exp".to_owned(), self.exp.to_string()),
            ("token_use".to_owned(), self.token_use.clone()),
        ])
    }
}

/// Why a token was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("not a well-formed token")]
    Malformed,
    #[error("the signature does not match")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    #[error("the token was issued by someone else")]
    WrongIssuer,
}

/// Signs and verifies local tokens.
#[derive(Clone)]
pub struct TokenIssuer {
    key: [u8; 32],
}

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

impl TokenIssuer {
    /// An issuer with this signing key.
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length")
    }

    /// A signed token for `subject` in `group`, valid from `now` for [`TOKEN_LIFETIME`].
    pub fn issue(&self, subject: &str, group: &str, now: Timestamp) -> String {
        let claims = Claims {
            sub: subject.to_owned(),
            groups: vec![group.to_owned()],
            iss: LOCAL_ISSUER.to_owned(),
            iat: now.as_second(),
            exp: (now + TOKEN_LIFETIME).as_second(),
            token_use: "id".to_owned(),
        };
        let payload = serde_json::to_vec(&claims).expect("claims serialize");
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(HEADER),
            URL_SAFE_NO_PAD.encode(payload)
        );

        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// Checks signature, algorithm, issuer and expiry, and returns the claims.
    pub fn verify(&self, token: &str, now: Timestamp) -> Result<Claims, TokenError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };

        let header = URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| TokenError::Malformed)?;
        let header: serde_json::Value =
            serde_json::from_slice(&header).map_err(|_| TokenError::Malformed)?;
        if header["alg"] != "HS256" {
            return Err(TokenError::BadSignature);
        }

        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenError::Malformed)?;
        let mut mac = self.mac();
        mac.update(&token.as_bytes()[..token.rfind('.').unwrap_or(0)]);
        mac.verify_slice(&signature)
            .map_err(|_| TokenError::BadSignature)?;

        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenError::Malformed)?;
        let claims: Claims = serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
        if claims.iss != LOCAL_ISSUER {
            return Err(TokenError::WrongIssuer);
        }
        if claims.exp <= now.as_second() {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer(byte: u8) -> TokenIssuer {
        TokenIssuer::new([byte; 32])
    }

    #[test]
    fn a_token_verifies_with_the_key_that_signed_it() {
        let now = Timestamp::now();
        let token = issuer(1).issue("p-1", "patient", now);
        let claims = issuer(1).verify(&token, now).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.groups),
            ("p-1", vec!["patient".to_owned()])
        );
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let now = Timestamp::now();
        let token = issuer(1).issue("p-1", "patient", now);
        assert_eq!(issuer(2).verify(&token, now), Err(TokenError::BadSignature));
    }

    #[test]
    fn a_token_with_edited_claims_is_refused() {
        let now = Timestamp::now();
        let token = issuer(1).issue("p-1", "patient", now);
        let forged_claims = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&serde_json::json!({
                "sub": "p-1", "cognito:groups": ["physician"], "iss": LOCAL_ISSUER,
                "iat": 0, "exp": i64::MAX, "token_use": "id"
            }))
            .unwrap(),
        );
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!("{}.{}.{}", parts[0], forged_claims, parts[2]);
        assert_eq!(
            issuer(1).verify(&forged, now),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn an_expired_token_is_refused() {
        let then = Timestamp::now() - SignedDuration::from_hours(9);
        let token = issuer(1).issue("p-1", "patient", then);
        assert_eq!(
            issuer(1).verify(&token, Timestamp::now()),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn gateway_claims_render_groups_as_api_gateway_does() {
        let claims = issuer(1)
            .verify(
                &issuer(1).issue("d", "physician", Timestamp::now()),
                Timestamp::now(),
            )
            .unwrap();
        assert_eq!(claims.as_gateway_claims()["cognito:groups"], "[physician]");
    }
}

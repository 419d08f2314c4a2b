//! Identifiers. Each is a newtype so a patient id can never be passed where a visit id is
//! expected, and each parses strictly so a malformed id is refused at the boundary.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// The id of one async visit: a random UUID, so ids cannot be guessed or enumerated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VisitId(Uuid);

impl VisitId {
    /// A fresh random id.
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }

    /// Parses the hyphenated form; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 36 {
            return None;
        }
        Uuid::try_parse(text).ok().map(Self)
    }
}

impl Default for VisitId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for VisitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// The id of a patient. It is the subject (`sub`) of the patient's identity token, which is
/// how a signed-in patient is linked to their record.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PatientId(String);

impl PatientId {
    /// Accepts 1 to 128 characters of ASCII letters, digits, `-` and `_` (Cognito subjects
    /// are UUIDs; local subjects follow the same alphabet).
    pub fn parse(text: &str) -> Option<Self> {
        let ok = !text.is_empty()
            && text.len() <= 128
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(text.to_owned()))
    }

    /// A fresh random id, for patients added on the one-machine stack.
    pub fn generate() -> Self {
        Self(Uuid::new_v4().hyphenated().to_string())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PatientId {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or_else(|| "not a valid patient id".to_owned())
    }
}

impl From<PatientId> for String {
    fn from(value: PatientId) -> Self {
        value.0
    }
}

impl fmt::Display for PatientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a visit's video lives in the media store: `uploads/<visit id>/<attempt>`.
/// It carries no PHI, only the visit id and the upload attempt.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ObjectKey(String);

/// The prefix under which every patient upload lands; the upload notification listens here.
pub const UPLOADS_PREFIX: &str = "uploads/";

impl ObjectKey {
    /// The key of a visit's upload attempt.
    pub fn for_upload(visit: VisitId, attempt: u32) -> Self {
        Self(format!("{UPLOADS_PREFIX}{visit}/{attempt}"))
    }

    /// Reads a key back into the visit and attempt it was made for; foreign keys are `None`.
    pub fn parse_upload(key: &str) -> Option<(VisitId, u32)> {
        let rest = key.strip_prefix(UPLOADS_PREFIX)?;
        let (visit, attempt) = rest.split_once('/')?;
        let attempt: u32 = attempt.parse().ok()?;
        Some((VisitId::parse(visit)?, attempt))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_key_names_its_visit_and_attempt_and_nothing_else() {
        let visit = VisitId::new();
        let key = ObjectKey::for_upload(visit, 2);

        assert_eq!(key.as_str(), format!("uploads/{visit}/2"));
        assert_eq!(ObjectKey::parse_upload(key.as_str()), Some((visit, 2)));
    }

    #[test]
    fn keys_outside_the_uploads_prefix_are_not_uploads() {
        assert_eq!(ObjectKey::parse_upload("other/x/1"), None);
        assert_eq!(ObjectKey::parse_upload("uploads/not-a-uuid/1"), None);
    }

    #[test]
    fn patient_ids_refuse_characters_outside_their_alphabet() {
        assert!(PatientId::parse("patient-1_a").is_some());
        assert!(PatientId::parse("").is_none());
        assert!(PatientId::parse("a/b").is_none());
        assert!(PatientId::parse(&"x".repeat(129)).is_none());
    }
}

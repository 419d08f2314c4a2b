//! Settings every function reads once at start, from the environment, failing with a
//! message that names the variable at fault.

use jiff::SignedDuration;
use std::collections::HashMap;

/// A missing or malformed setting.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("the environment variable {0} must be set")]
    Missing(&'static str),
    #[error("the environment variable {name} is not valid: {expected}")]
    Invalid {
        name: &'static str,
        expected: &'static str,
    },
}

/// Practice-wide settings the handlers need besides the calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Where physician alerts go.
    pub physician_email: String,
    /// Where patients and the physician sign in; the only link mail ever carries.
    pub portal_url: String,
    /// The largest video a patient may upload, in bytes.
    pub max_video_bytes: u64,
    /// Videos of at least this many bytes get a multipart upload plan.
    pub multipart_threshold_bytes: u64,
    /// The size of each multipart part but the last.
    pub part_bytes: u64,
    /// How long an upload URL stays valid.
    pub upload_url_ttl: SignedDuration,
    /// How long a media view URL stays valid.
    pub view_url_ttl: SignedDuration,
    /// How long a visit may wait for its upload before it is abandoned.
    pub abandon_after: SignedDuration,
}

/// The variables [`Settings::from_lookup`] reads.
pub const SETTINGS_ENV_VARS: [&str; 5] = [
    "PHYSICIAN_EMAIL",
    "PORTAL_URL",
    "MAX_VIDEO_BYTES",
    "MULTIPART_THRESHOLD_BYTES",
    "MULTIPART_PART_BYTES",
];

impl Settings {
    /// Reads settings from the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Self::from_lookup(|name| vars.get(name).cloned())
    }

    /// Reads settings through `lookup`; `PHYSICIAN_EMAIL` and `PORTAL_URL` are required.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let required = |name: &'static str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or(SettingsError::Missing(name))
        };
        let bytes =
            |name: &'static str, default: u64| -> Result<u64, SettingsError> {
                match lookup(name).filter(|v| !v.trim().is_empty()) {
                    None => Ok(default),
                    Some(v) => v.trim().parse::<u64>().ok().filter(|n| *n > 0).ok_or(
                        SettingsError::Invalid {
                            name,
                            expected: "a positive whole number of bytes",
                        },
                    ),
                }
            };

        let settings = Self {
            physician_email: required("PHYSICIAN_EMAIL")?,
            portal_url: required("PORTAL_URL")?,
            max_video_bytes: bytes("MAX_VIDEO_BYTES", Self::default().max_video_bytes)?,
            multipart_threshold_bytes: bytes(
                "MULTIPART_THRESHOLD_BYTES",
                Self::default().multipart_threshold_bytes,
            )?,
            part_bytes: bytes("MULTIPART_PART_BYTES", Self::default().part_bytes)?,
            ..Self::default()
        };

        // S3 refuses parts under 5 MiB (but the last), so a smaller setting would only fail
        // later, in the patient's browser.
        if settings.part_bytes < 5 * 1024 * 1024 {
            return Err(SettingsError::Invalid {
                name: "MULTIPART_PART_BYTES",
                expected: "at least 5242880 (5 MiB)",
            });
        }
        Ok(settings)
    }
}

impl Default for Settings {
    /// Defaults for local use: 2 GiB videos, multipart from 64 MiB in 16 MiB parts,
    /// upload URLs for 15 minutes, view URLs for 5.
    fn default() -> Self {
        Self {
            physician_email: "physician@practice.test".to_owned(),
            portal_url: "http://127.0.0.1:8080/".to_owned(),
            max_video_bytes: 2 * 1024 * 1024 * 1024,
            multipart_threshold_bytes: 64 * 1024 * 1024,
            part_bytes: 16 * 1024 * 1024,
            upload_url_ttl: SignedDuration::from_mins(15),
            view_url_ttl: SignedDuration::from_mins(5),
            abandon_after: SignedDuration::from_hours(24),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_physician_email_is_named_in_the_error() {
        let err = Settings::from_lookup(|_| None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the environment variable PHYSICIAN_EMAIL must be set"
        );
    }

    #[test]
    fn a_part_size_below_the_s3_minimum_is_refused() {
        let err = Settings::from_lookup(|name| match name {
            "MULTIPART_PART_BYTES" => Some("1024".into()),
            "PHYSICIAN_EMAIL" | "PORTAL_URL" => Some("x@y.test".into()),
            _ => None,
        })
        .unwrap_err();
        assert!(err.to_string().contains("MULTIPART_PART_BYTES"));
    }
}

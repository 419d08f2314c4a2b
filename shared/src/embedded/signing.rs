//! Signed, expiring media URLs, checked the way S3 checks a presigned URL: every parameter
//! and the expiry are under an HMAC, so changing any of them breaks the signature.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::Sha256;
use std::collections::BTreeMap;

use crate::ports::PortError;

/// Everything but RFC 3986's unreserved characters is encoded, as SigV4 does, so each value
/// has exactly one encoded form and the canonical string is unambiguous.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why the media endpoint refused a request. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum MediaRequestError {
    /// The signature does not match: a parameter was changed, added or removed.
    #[error("the signature does not match the request")]
    SignatureMismatch,
    /// The URL's expiry has passed.
    #[error("the URL has expired")]
    Expired,
    /// The request's Content-Type is not the signed one.
    #[error("the content type is not the one signed")]
    WrongContentType,
    /// The Content-Length or the body's length is not the signed length.
    #[error("the length is not the one signed")]
    WrongLength,
    /// The multipart upload does not exist (never started, or already completed).
    #[error("no such multipart upload")]
    NoSuchUpload,
    /// The object does not exist.
    #[error("no such object")]
    NoSuchObject,
    /// The folder could not be read or written.
    #[error(transparent)]
    Storage(#[from] PortError),
}

impl MediaRequestError {
    /// A stable snake_case code for the response body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::SignatureMismatch => "signature_mismatch",
            Self::Expired => "expired",
            Self::WrongContentType => "wrong_content_type",
            Self::WrongLength => "wrong_length",
            Self::NoSuchUpload => "no_such_upload",
            Self::NoSuchObject => "no_such_object",
            Self::Storage(_) => "storage_failed",
        }
    }

    /// The HTTP status S3 answers with: 403 for any violation of a presigned URL, 404 for
    /// something missing, 500 for a local failure.
    pub fn status(&self) -> u16 {
        match self {
            Self::SignatureMismatch
            | Self::Expired
            | Self::WrongContentType
            | Self::WrongLength => 403,
            Self::NoSuchUpload | Self::NoSuchObject => 404,
            Self::Storage(_) => 500,
        }
    }
}

/// What a signed URL is for: its method, path and the parameters it signs, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Purpose {
    Upload,
    Part,
    View,
}

impl Purpose {
    fn method(self) -> &'static str {
        match self {
            Self::Upload | Self::Part => "PUT",
            Self::View => "GET",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Self::Upload => "/media/upload",
            Self::Part => "/media/part",
            Self::View => "/media/view",
        }
    }

    fn params(self) -> &'static [&'static str] {
        match self {
            Self::Upload => &["key", "type", "length"],
            Self::Part => &["upload", "part", "length"],
            Self::View => &["key"],
        }
    }
}

/// The parameters of a verified request, decoded.
#[derive(Debug)]
pub(super) struct Verified(BTreeMap<String, String>);

impl Verified {
    /// A signed parameter. Every parameter of the purpose is present once verified.
    pub(super) fn get(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or_default()
    }

    /// A signed numeric parameter. We only sign numbers there, so a non-number cannot carry
    /// a valid signature; it is refused as a mismatch all the same.
    pub(super) fn number(&self, name: &str) -> Result<u64, MediaRequestError> {
        self.get(name)
            .parse()
            .map_err(|_| MediaRequestError::SignatureMismatch)
    }
}

/// Signs and verifies media URLs with one key.
pub(super) struct Signer {
    key: [u8; 32],
}

impl Signer {
    pub(super) fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// A URL under `base` for `purpose`, signing `values` (in the purpose's order) and the
    /// expiry in unix seconds.
    pub(super) fn url(
        &self,
        base: &str,
        purpose: Purpose,
        values: &[&str],
        expires: i64,
    ) -> String {
        let expires = expires.to_string();
        let pairs: Vec<(&str, &str)> = purpose
            .params()
            .iter()
            .copied()
            .zip(values.iter().copied())
            .collect();
        let query = canonical_query(&pairs, &expires);
        let signature = URL_SAFE_NO_PAD.encode(self.mac(purpose, &query).finalize().into_bytes());
        format!(
            "{}{}?{query}&signature={signature}",
            base.trim_end_matches('/'),
            purpose.path()
        )
    }

    /// Checks a request's query string: exactly the purpose's parameters, the expiry and a
    /// matching signature, then that the expiry is still ahead of `now`.
    pub(super) fn verify(
        &self,
        purpose: Purpose,
        query: &str,
        now: Timestamp,
    ) -> Result<Verified, MediaRequestError> {
        let mut params = parse_query(query).ok_or(MediaRequestError::SignatureMismatch)?;
        let signature = params
            .remove("signature")
            .ok_or(MediaRequestError::SignatureMismatch)?;
        let expires = params
            .get("expires")
            .cloned()
            .ok_or(MediaRequestError::SignatureMismatch)?;
        let expected = purpose.params().len() + 1;
        if params.len() != expected || !purpose.params().iter().all(|p| params.contains_key(*p)) {
            return Err(MediaRequestError::SignatureMismatch);
        }

        let pairs: Vec<(&str, &str)> = purpose
            .params()
            .iter()
            .map(|p| (*p, params[*p].as_str()))
            .collect();
        let query = canonical_query(&pairs, &expires);
        let tag = URL_SAFE_NO_PAD
            .decode(signature.as_bytes())
            .map_err(|_| MediaRequestError::SignatureMismatch)?;
        // verify_slice compares in constant time.
        self.mac(purpose, &query)
            .verify_slice(&tag)
            .map_err(|_| MediaRequestError::SignatureMismatch)?;

        let expires: i64 = expires
            .parse()
            .map_err(|_| MediaRequestError::SignatureMismatch)?;
        let expires_at =
            Timestamp::from_second(expires).map_err(|_| MediaRequestError::SignatureMismatch)?;
        if now >= expires_at {
            return Err(MediaRequestError::Expired);
        }
        Ok(Verified(params))
    }

    fn mac(&self, purpose: Purpose, query: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key)
            .expect("HMAC-SHA256 accepts a key of any length");
        mac.update(purpose.method().as_bytes());
        mac.update(b"\n");
        mac.update(purpose.path().as_bytes());
        mac.update(b"\n");
        mac.update(query.as_bytes());
        mac
    }
}

/// The signed part of a URL's query: the parameters in a fixed order, then the expiry.
fn canonical_query(pairs: &[(&str, &str)], expires: &str) -> String {
    pairs
        .iter()
        .copied()
        .chain(std::iter::once(("expires", expires)))
        .map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, QUERY_VALUE)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes a query string; `None` if a parameter repeats or does not decode, since a
/// repeated parameter is one way to smuggle a second value past a check.
fn parse_query(query: &str) -> Option<BTreeMap<String, String>> {
    let mut params = BTreeMap::new();
    for pair in query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode_str(name).decode_utf8().ok()?.into_owned();
        let value = percent_decode_str(value).decode_utf8().ok()?.into_owned();
        if params.insert(name, value).is_some() {
            return None;
        }
    }
    Some(params)
}

/// The expiry of a URL signed at `now` for `expires_in`, in whole seconds as signed.
/// Like SigV4 presigning, the lifetime must be between one second and seven days.
pub(super) fn expiry(now: Timestamp, expires_in: jiff::SignedDuration) -> Result<i64, PortError> {
    const SEVEN_DAYS: i64 = 7 * 24 * 3600;
    let seconds = expires_in.as_secs();
    if !(1..=SEVEN_DAYS).contains(&seconds) {
        return Err(PortError::new(
            "presigning a media URL",
            format!("a URL must live between 1 second and 7 days, not {seconds} seconds"),
        ));
    }
    Ok(now.as_second().saturating_add(seconds))
}

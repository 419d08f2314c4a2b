//! The patient portal and the physician's web client: static files embedded in the binary and
//! served with a strict Content-Security-Policy. Nothing is inline and nothing comes from
//! another host, except what the configuration names: the hosted sign-in's token endpoint and
//! the media bucket the videos are uploaded to and played from.
//!
//! The same code serves the pages on AWS (this crate's Lambda function, with Cognito's hosted
//! sign-in) and on the one-machine stack (with its dev sign-in).

use lambda_http::http::{Method, Response, StatusCode, header};
use lambda_http::{Body, Request, RequestExt};
use serde_json::json;
use shared::http::problem;

/// The environment variables [`WebConfig::from_env`] reads.
pub const WEB_ENV_VARS: [&str; 3] = ["COGNITO_DOMAIN_URL", "USER_POOL_CLIENT_ID", "MEDIA_ORIGIN"];

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JSON: &str = "application/json";

/// The pages, by route.
const PAGES: [(&str, &str); 2] = [
    ("portal", include_str!("../web/portal.html")),
    ("physician", include_str!("../web/physician.html")),
];

/// The files under `/web/`: name, content type, contents.
const FILES: [(&str, &str, &str); 6] = [
    ("portal.html", HTML, include_str!("../web/portal.html")),
    (
        "physician.html",
        HTML,
        include_str!("../web/physician.html"),
    ),
    ("app.css", CSS, include_str!("../web/app.css")),
    ("common.js", JS, include_str!("../web/common.js")),
    ("portal.js", JS, include_str!("../web/portal.js")),
    ("physician.js", JS, include_str!("../web/physician.js")),
];

/// How the pages sign people in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignIn {
    /// The one-machine stack's dev sign-in (`/dev/accounts`, `/dev/sign-in`).
    Local,
    /// Cognito's hosted sign-in: the authorization code flow with PKCE of a public client.
    Cognito {
        /// The hosted sign-in's origin, such as `https://name.auth.region.amazoncognito.com`.
        domain_url: String,
        /// The app client's id; it is public, the client has no secret.
        client_id: String,
    },
}

impl SignIn {
    /// The hosted sign-in at `domain_url` for `client_id`, both checked, since they end up in
    /// the Content-Security-Policy and in the pages' URLs.
    pub fn cognito(domain_url: &str, client_id: &str) -> Result<Self, String> {
        let client_id = client_id.trim();
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if client_id.is_empty() || !client_id.chars().all(plain) {
            return Err(format!(
                "the client id {client_id:?} is not an app client id"
            ));
        }
        Ok(Self::Cognito {
            domain_url: origin(domain_url)?,
            client_id: client_id.to_owned(),
        })
    }
}

/// What the pages are served with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebConfig {
    /// How the pages sign people in.
    pub sign_in: SignIn,
    /// Further origins the pages call, besides their own, the sign-in's and the media's.
    pub connect_origins: Vec<String>,
    /// Where videos are uploaded to and played from, when not the pages' own origin.
    pub media_origins: Vec<String>,
}

impl WebConfig {
    /// The one-machine stack's: the dev sign-in, and everything on the pages' own origin.
    pub fn local() -> Self {
        Self {
            sign_in: SignIn::Local,
            connect_origins: Vec::new(),
            media_origins: Vec::new(),
        }
    }

    /// The Lambda function's, from `COGNITO_DOMAIN_URL`, `USER_POOL_CLIENT_ID` and
    /// `MEDIA_ORIGIN`; the message names a missing or malformed variable.
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// As [`WebConfig::from_env`], reading variables through `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let read = |name: &str| {
            var(name)
                .filter(|value| !value.trim().is_empty())
                .ok_or_else(|| format!("the environment variable {name} is not set"))
        };
        let sign_in = SignIn::cognito(&read("COGNITO_DOMAIN_URL")?, &read("USER_POOL_CLIENT_ID")?)
            .map_err(|e| format!("COGNITO_DOMAIN_URL or USER_POOL_CLIENT_ID: {e}"))?;
        let media = origin(&read("MEDIA_ORIGIN")?).map_err(|e| format!("MEDIA_ORIGIN: {e}"))?;
        Ok(Self {
            sign_in,
            connect_origins: Vec::new(),
            media_origins: vec![media],
        })
    }

    /// The Content-Security-Policy of every page and file: only this origin, plus the sign-in's
    /// token endpoint and the media origins for fetches, and the media origins for playback.
    pub fn csp(&self) -> String {
        let mut connect = vec!["'self'"];
        if let SignIn::Cognito { domain_url, .. } = &self.sign_in {
            connect.push(domain_url);
        }
        connect.extend(self.connect_origins.iter().map(String::as_str));
        connect.extend(self.media_origins.iter().map(String::as_str));
        let mut media = vec!["'self'", "blob:"];
        media.extend(self.media_origins.iter().map(String::as_str));
        dedup(&mut connect);
        dedup(&mut media);
        format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             media-src {}; connect-src {}; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'",
            media.join(" "),
            connect.join(" ")
        )
    }

    /// `/web/config.json`: what the pages need to sign in. Nothing in it is secret.
    pub fn client_config(&self) -> serde_json::Value {
        match &self.sign_in {
            SignIn::Local => json!({ "sign_in": "local" }),
            SignIn::Cognito {
                domain_url,
                client_id,
            } => json!({ "sign_in": "cognito", "domain_url": domain_url, "client_id": client_id }),
        }
    }
}

/// Keeps the first of each repeated value, in order.
fn dedup(values: &mut Vec<&str>) {
    let mut seen = Vec::new();
    values.retain(|value| {
        let first = !seen.contains(value);
        seen.push(*value);
        first
    });
}

/// An `http(s)://host[:port]` origin, without a trailing slash. Anything that could extend a
/// policy (spaces, `;`, quotes) or a path is refused.
pub fn origin(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let host = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| format!("{value:?} is not an http(s) origin"))?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if host.is_empty() || !host.chars().all(allowed) {
        return Err(format!("{value:?} is not an origin (https://host[:port])"));
    }
    Ok(value.to_owned())
}

/// Handles one request of the Lambda function. Every refusal is a problem response.
pub fn handle_request(config: &WebConfig, request: &Request) -> Response<Body> {
    let raw = request.raw_http_path();
    let path = if raw.is_empty() {
        request.uri().path()
    } else {
        raw
    };
    handle(config, request.method(), path)
}

/// `GET /portal`, `GET /physician`, `GET /web/<file>` and `GET /web/config.json`.
pub fn handle(config: &WebConfig, method: &Method, path: &str) -> Response<Body> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let known = matches!(segments.as_slice(), ["portal" | "physician"] | ["web", _]);
    if !known {
        return not_found();
    }
    if method != Method::GET {
        return problem(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "This page can only be read.",
        );
    }
    let csp = config.csp();
    match segments.as_slice() {
        ["web", "config.json"] => serve(&csp, JSON, &config.client_config().to_string()),
        ["web", name] => match FILES.iter().find(|(file, _, _)| file == name) {
            Some((_, content_type, text)) => serve(&csp, content_type, text),
            None => not_found(),
        },
        [name] => match PAGES.iter().find(|(route, _)| route == name) {
            Some((_, text)) => serve(&csp, HTML, text),
            None => not_found(),
        },
        _ => not_found(),
    }
}

fn serve(csp: &str, content_type: &str, text: &str) -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-cache")
        .header("content-security-policy", csp)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("permissions-policy", "camera=(self), microphone=(self)")
        .body(Body::Text(text.to_owned()))
        .expect("static")
}

fn not_found() -> Response<Body> {
    problem(
        StatusCode::NOT_FOUND,
        "no_such_route",
        "There is no such page here.",
    )
}

#[cfg(test)]
mod tests;

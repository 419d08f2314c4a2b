//! The patient portal and the physician's web client: static files embedded in the binary
//! and served with a strict Content-Security-Policy. Nothing is inline and nothing comes
//! from another host, so the policy needs no exceptions.

use crate::gateway::problem;
use lambda_http::Body;
use lambda_http::http::{Response, StatusCode, header};

/// The policy every page and file of the web clients is served with.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
                       img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; \
                       base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

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

/// `GET /portal` and `GET /physician`.
pub fn page(name: &str) -> Response<Body> {
    match PAGES.iter().find(|(route, _)| *route == name) {
        Some((_, text)) => serve(HTML, text),
        None => not_found(),
    }
}

/// `GET /web/<file>`.
pub fn file(name: &str) -> Response<Body> {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, text)) => serve(content_type, text),
        None => not_found(),
    }
}

fn serve(content_type: &str, text: &str) -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-cache")
        .header("content-security-policy", CSP)
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
mod tests {
    use super::*;

    fn text(response: Response<Body>) -> String {
        match response.into_body() {
            Body::Text(text) => text,
            _ => panic!("a text body"),
        }
    }

    fn header_of(response: &Response<Body>, name: &str) -> String {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// Every `<script ...>...</script>` in a page, as (opening tag, body).
    fn scripts(html: &str) -> Vec<(String, String)> {
        let mut found = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find("<script") {
            let after = &rest[start..];
            let open_end = after.find('>').expect("a closed tag") + 1;
            let close = after.find("</script>").expect("a closing tag");
            found.push((
                after[..open_end].to_owned(),
                after[open_end..close].to_owned(),
            ));
            rest = &after[close + "</script>".len()..];
        }
        found
    }

    /// Whether an attribute such as `onclick=` appears.
    fn has_event_attribute(html: &str) -> bool {
        html.match_indices(" on").any(|(at, _)| {
            let rest = &html[at + 3..];
            let name_len = rest.chars().take_while(char::is_ascii_lowercase).count();
            name_len > 0 && rest[name_len..].starts_with('=')
        })
    }

    #[test]
    fn pages_are_served_with_the_strict_policy_and_nothing_inline() {
        for name in ["portal", "physician"] {
            let response = page(name);
            assert_eq!(response.status(), StatusCode::OK, "{name}");
            assert_eq!(header_of(&response, "content-security-policy"), CSP);
            assert_eq!(header_of(&response, "content-type"), HTML);
            assert_eq!(header_of(&response, "x-content-type-options"), "nosniff");
            let html = text(response);

            let scripts = scripts(&html);
            assert!(!scripts.is_empty(), "{name} loads its script");
            for (tag, body) in scripts {
                assert!(tag.contains("src=\"/web/"), "{name}: {tag}");
                assert!(body.trim().is_empty(), "{name}: an inline script");
            }
            assert!(!html.contains("style="), "{name}: a style attribute");
            assert!(!html.contains("<style"), "{name}: a style element");
            assert!(
                !has_event_attribute(&html),
                "{name}: an inline event handler"
            );
            assert!(
                html.contains("href=\"/web/app.css\""),
                "{name} loads its styles"
            );
        }
    }

    #[test]
    fn the_policy_allows_only_this_origin() {
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "media-src 'self' blob:",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ] {
            assert!(CSP.contains(directive), "{directive}");
        }
        assert!(!CSP.contains("unsafe"));
        assert!(!CSP.contains("http"));
    }

    #[test]
    fn files_reference_only_same_origin_resources() {
        for (name, _, text) in FILES {
            for foreign in [
                "http://",
                "https://",
                "src=\"//",
                "href=\"//",
                "url(",
                "@import",
            ] {
                assert!(!text.contains(foreign), "{name} contains {foreign}");
            }
            assert!(!text.contains(".innerHTML"), "{name} sets innerHTML");
            assert!(!text.contains("eval("), "{name} uses eval");
        }
    }

    #[test]
    fn files_are_served_with_their_types_and_the_policy() {
        for (name, content_type, body) in FILES {
            let response = file(name);
            assert_eq!(response.status(), StatusCode::OK, "{name}");
            assert_eq!(header_of(&response, "content-type"), content_type);
            assert_eq!(header_of(&response, "content-security-policy"), CSP);
            assert_eq!(text(response), body);
        }
        assert_eq!(file("app.js").status(), StatusCode::NOT_FOUND);
        assert_eq!(file("../lib.rs").status(), StatusCode::NOT_FOUND);
        assert_eq!(page("outbox").status(), StatusCode::NOT_FOUND);
    }
}

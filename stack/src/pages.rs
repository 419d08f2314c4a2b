//! The stack's own pages: a start page and the outbox. Served with a strict
//! Content-Security-Policy and nothing from other hosts.

use lambda_http::Body;
use lambda_http::http::{Response, StatusCode, header};
use shared::embedded::OutboxEntry;

const CSP: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn html(title: &str, main: &str) -> Response<Body> {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Async visits</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;\
         padding:0 1rem}}table{{border-collapse:collapse;width:100%}}td,th{{text-align:left;\
         padding:.4rem;border-bottom:1px solid #ccc;vertical-align:top}}pre{{white-space:pre-wrap;\
         margin:0}}</style></head><body><main>{main}</main></body></html>"
    );
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header("content-security-policy", CSP)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .body(Body::Text(page))
        .expect("static")
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The start page of the one-machine stack.
pub fn index() -> Response<Body> {
    html(
        "Start",
        "<h1>Async visits, on this machine</h1>\
         <ul>\
         <li><a href=\"/portal\">Patient portal</a>: start an async visit, read responses</li>\
         <li><a href=\"/physician\">Physician's client</a>: the queue, visits, patients</li>\
         <li><a href=\"/dev/outbox\">Outbox</a>: every message the system sent</li>\
         <li><a href=\"/openapi.json\">OpenAPI document</a> of the HTTP API</li>\
         <li><code>GET /dev/accounts</code> and <code>POST /dev/sign-in</code>: the local \
         sign-in for the demo physician and patients</li>\
         </ul>",
    )
}

/// Every message sent, newest first.
pub fn outbox(entries: &[OutboxEntry]) -> Response<Body> {
    let mut rows = String::new();
    for entry in entries {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><strong>{}</strong><pre>{}</pre></td></tr>",
            escape(&entry.at.to_string()),
            escape(&entry.mail.to),
            escape(entry.mail.template.name()),
            escape(&entry.mail.subject),
            escape(&entry.mail.body),
        ));
    }
    if rows.is_empty() {
        rows.push_str("<tr><td colspan=\"4\">No messages yet.</td></tr>");
    }
    html(
        "Outbox",
        &format!(
            "<h1>Outbox</h1><p>Mail the system sent, kept here instead of delivered.</p>\
             <table><thead><tr><th>When</th><th>To</th><th>Template</th><th>Message</th></tr>\
             </thead><tbody>{rows}</tbody></table>"
        ),
    )
}

//! The stack's HTTP server: the API routes go through the gateway to the functions' handlers;
//! media URLs, the dev sign-in and the outbox are served here.

use crate::Stack;
use crate::gateway::{IncomingRequest, authorize, lambda_request, response_bytes};
use crate::pages;
use crate::seed::DEMO_PHYSICIAN;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use lambda_http::Body;
use lambda_http::http::{Method, Request, Response, StatusCode, header};
use serde::{Deserialize, Serialize};
use shared::embedded::MediaRequestError;
use shared::http::{ApiError, PATIENT_GROUP, PHYSICIAN_GROUP, problem};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The largest API request body the gateway passes on (API Gateway allows 10 MB; the
/// functions themselves accept far less).
const MAX_API_BODY: usize = 1024 * 1024;

/// Accepts connections until shutdown.
pub async fn serve(stack: Arc<Stack>, listener: TcpListener, mut shutdown: watch::Receiver<bool>) {
    // Timers that fell due while the stack was down fire now, late rather than never.
    crate::workers::fire_due(&stack).await;

    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    continue;
                }
            },
            _ = shutdown.changed() => return,
        };
        let stack = stack.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let stack = stack.clone();
                async move { Ok::<_, Infallible>(route(&stack, request).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn route(stack: &Stack, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let is_media_put = parts.method == Method::PUT && path.starts_with("/media/");
    let limit = if is_media_put {
        // Never read more than the URL says it signed (its signature is checked next), nor
        // more than any video may be.
        let max = stack.services.settings.max_video_bytes;
        let signed = signed_length(query.as_deref()).unwrap_or(max).min(max);
        usize::try_from(signed).unwrap_or(usize::MAX)
    } else {
        MAX_API_BODY
    };
    let Ok(collected) = Limited::new(body, limit).collect().await else {
        // Like S3, a body longer than the signed length is refused as a signature mismatch
        // of its length, not as an oversized request.
        let refused = if is_media_put {
            media_refused(&MediaRequestError::WrongLength)
        } else {
            problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "The body is too large.",
            )
        };
        return finish(refused);
    };
    let body = collected.to_bytes();

    let incoming = IncomingRequest {
        method: &parts.method,
        path: &path,
        query: query.as_deref(),
        headers: &parts.headers,
        body: &body,
    };
    let response = dispatch(stack, &incoming).await;
    finish(response)
}

/// The `length` a media URL claims to sign; parts declare theirs the same way.
fn signed_length(query: Option<&str>) -> Option<u64> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("length=")?.parse().ok())
}

fn finish(response: Response<Body>) -> Response<Full<Bytes>> {
    let (parts, bytes) = response_bytes(response).into_parts();
    Response::from_parts(parts, Full::new(bytes))
}

async fn dispatch(stack: &Stack, request: &IncomingRequest<'_>) -> Response<Body> {
    let services = &stack.services;
    let now = services.clock.now();
    let segments: Vec<&str> = request.path.split('/').filter(|s| !s.is_empty()).collect();

    match (request.method, segments.as_slice()) {
        (&Method::GET, []) => pages::index(),
        (&Method::GET, ["portal" | "physician"] | ["web", _]) => {
            web_client::handle(&stack.web, request.method, request.path)
        }
        (&Method::GET, ["openapi.json"]) => {
            api_docs::handle(lambda_request(request, None, now)).await
        }
        (_, ["visits", ..]) | (_, ["review", ..]) => {
            let Some(claims) = authorize(&stack.tokens, request.headers, now) else {
                return ApiError::Unauthenticated.into_response();
            };
            let event = lambda_request(request, Some(&claims), now);
            match (request.method, segments.as_slice()) {
                (&Method::POST, ["visits"] | ["visits", "eligibility"]) => {
                    create_visit::handle(services, event).await
                }
                (_, ["visits", ..]) => patient_api::handle(services, event).await,
                _ => review_api::handle(services, event).await,
            }
        }
        (&Method::PUT, ["media", "upload"]) => media_put(stack, request, now).await,
        (&Method::PUT, ["media", "part"]) => media_part(stack, request, now).await,
        (&Method::GET, ["media", "view"]) => media_view(stack, request, now).await,
        (&Method::GET, ["dev", "accounts"]) => accounts(stack).await,
        (&Method::POST, ["dev", "sign-in"]) => sign_in(stack, request, now).await,
        (&Method::GET, ["dev", "outbox"]) => match stack.outbox.list() {
            Ok(entries) => pages::outbox(&entries),
            Err(error) => internal(&error),
        },
        (&Method::GET, ["dev", "outbox.json"]) => match stack.outbox.list() {
            Ok(entries) => json(
                StatusCode::OK,
                &entries.iter().map(|e| &e.mail).collect::<Vec<_>>(),
            ),
            Err(error) => internal(&error),
        },
        _ => problem(
            StatusCode::NOT_FOUND,
            "no_such_route",
            "There is no such page here.",
        ),
    }
}

fn header_str<'a>(request: &'a IncomingRequest<'_>, name: header::HeaderName) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn content_length(request: &IncomingRequest<'_>) -> Option<u64> {
    header_str(request, header::CONTENT_LENGTH).and_then(|v| v.parse().ok())
}

fn media_refused(error: &MediaRequestError) -> Response<Body> {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::FORBIDDEN);
    problem(status, error.code(), &error.to_string())
}

async fn media_put(
    stack: &Stack,
    request: &IncomingRequest<'_>,
    now: jiff::Timestamp,
) -> Response<Body> {
    let query = request.query.unwrap_or_default();
    let content_type = header_str(request, header::CONTENT_TYPE);
    match stack
        .media
        .accept_put(
            query,
            content_type,
            content_length(request),
            request.body,
            now,
        )
        .await
    {
        Ok(_) => Response::builder()
            .status(StatusCode::OK)
            .body(Body::Empty)
            .expect("static"),
        Err(error) => media_refused(&error),
    }
}

async fn media_part(
    stack: &Stack,
    request: &IncomingRequest<'_>,
    now: jiff::Timestamp,
) -> Response<Body> {
    let query = request.query.unwrap_or_default();
    match stack
        .media
        .accept_part(query, content_length(request), request.body, now)
        .await
    {
        Ok(etag) => Response::builder()
            .status(StatusCode::OK)
            .header(header::ETAG, etag)
            .header(header::ACCESS_CONTROL_EXPOSE_HEADERS, "ETag")
            .body(Body::Empty)
            .expect("static"),
        Err(error) => media_refused(&error),
    }
}

async fn media_view(
    stack: &Stack,
    request: &IncomingRequest<'_>,
    now: jiff::Timestamp,
) -> Response<Body> {
    match stack
        .media
        .open_view(request.query.unwrap_or_default(), now)
        .await
    {
        Ok((bytes, content_type)) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CACHE_CONTROL, "private, no-store")
            .body(Body::Binary(bytes))
            .expect("static"),
        Err(error) => media_refused(&error),
    }
}

/// An account the dev sign-in offers.
#[derive(Serialize)]
struct Account {
    subject: String,
    group: &'static str,
    label: String,
}

async fn list_accounts(stack: &Stack) -> Result<Vec<Account>, shared::ports::PortError> {
    let mut accounts = vec![Account {
        subject: DEMO_PHYSICIAN.to_owned(),
        group: PHYSICIAN_GROUP,
        label: "The physician".to_owned(),
    }];
    for patient in stack.services.store.patients().await? {
        let label = match patient.initial_evaluation_on {
            Some(_) => format!("{} (patient)", patient.name),
            None => format!("{} (new patient)", patient.name),
        };
        accounts.push(Account {
            subject: patient.id.to_string(),
            group: PATIENT_GROUP,
            label,
        });
    }
    Ok(accounts)
}

async fn accounts(stack: &Stack) -> Response<Body> {
    match list_accounts(stack).await {
        Ok(accounts) => json(StatusCode::OK, &accounts),
        Err(error) => internal(&error),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    subject: String,
}

#[derive(Serialize)]
struct SignedIn {
    token: String,
    subject: String,
    group: &'static str,
}

async fn sign_in(
    stack: &Stack,
    request: &IncomingRequest<'_>,
    now: jiff::Timestamp,
) -> Response<Body> {
    let Ok(body) = serde_json::from_slice::<SignIn>(request.body) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "Send {\"subject\": \"…\"}.",
        );
    };
    let accounts = match list_accounts(stack).await {
        Ok(accounts) => accounts,
        Err(error) => return internal(&error),
    };
    let Some(account) = accounts.into_iter().find(|a| a.subject == body.subject) else {
        return problem(
            StatusCode::NOT_FOUND,
            "no_such_account",
            "There is no such local account.",
        );
    };
    let token = stack.tokens.issue(&account.subject, account.group, now);
    json(
        StatusCode::OK,
        &SignedIn {
            token,
            subject: account.subject,
            group: account.group,
        },
    )
}

fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Text(serde_json::to_string(value).unwrap_or_default()))
        .expect("static")
}

fn internal(error: &dyn std::error::Error) -> Response<Body> {
    tracing::error!(%error, "stack request failed");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Something went wrong; try again.",
    )
}

//! The physician's API: the queue by deadline, one visit with a short-lived media URL
//! (every issue audited), the response, and the patients. Only the physician group gets in.

pub mod patients;

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use shared::api::{
    AlertSentView, DueView, QueueItem, QueueView, RespondRequest, ReviewView, VisitView,
};
use shared::audit::{Actor, AuditAction};
use shared::effects::{audit, cancel_review_alerts, send_once};
use shared::http::{ApiError, ApiResult, Identity, json_response, read_json, segments};
use shared::ids::{PatientId, VisitId};
use shared::notice::Template;
use shared::ports::WriteError;
use shared::services::Services;
use shared::validate::validate_message;
use shared::visit::{ResponseKind, Visit, VisitStatus};
use std::collections::HashMap;

/// The most visits one page of the queue holds.
pub const MAX_QUEUE_PAGE: usize = 100;

/// Handles one request. Every error becomes a problem response, so this never fails.
pub async fn handle(services: &Services, request: Request) -> Response<Body> {
    route(services, &request)
        .await
        .unwrap_or_else(ApiError::into_response)
}

async fn route(services: &Services, request: &Request) -> ApiResult {
    let path = segments(request);
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let method = request.method();

    let identity = Identity::from_request(request)?;
    identity.require_physician()?;

    match (method, path.as_slice()) {
        (&Method::GET, ["review", "queue"]) => queue(services, request).await,
        (&Method::GET, ["review", "visits", id]) => review_visit(services, &identity, id).await,
        (&Method::POST, ["review", "visits", id, "response"]) => {
            respond(services, &identity, id, request).await
        }
        (&Method::GET, ["review", "patients"]) => patients::list(services).await,
        (&Method::POST, ["review", "patients"]) => patients::create(services, request).await,
        (&Method::GET, ["review", "patients", id]) => patients::get(services, id).await,
        (&Method::PATCH, ["review", "patients", id]) => {
            patients::update(services, id, request).await
        }
        (_, ["review", "queue" | "patients"] | ["review", "visits" | "patients", _]) => {
            Err(ApiError::MethodNotAllowed)
        }
        (_, ["review", "visits", _, "response"]) => Err(ApiError::MethodNotAllowed),
        _ => Err(ApiError::NoSuchRoute),
    }
}

async fn find_visit(services: &Services, id: &str) -> Result<Visit, ApiError> {
    let id = VisitId::parse(id).ok_or(ApiError::NotFound("visit"))?;
    services
        .store
        .visit(id)
        .await?
        .ok_or(ApiError::NotFound("visit"))
}

#[utoipa::path(get, path = "/review/queue", tag = "physician",
    params(
        ("limit" = Option<usize>, Query, description = "At most 100; 25 when absent"),
        ("cursor" = Option<String>, Query, description = "From the previous page's next_cursor")),
    responses(
        (status = 200, description = "Visits awaiting a response, earliest deadline first", body = QueueView),
        (status = 400, description = "A bad limit or cursor", body = shared::api::Problem),
        (status = 403, description = "Not the physician", body = shared::api::Problem)),
    security(("jwt" = [])))]
/// Visits awaiting the physician, earliest deadline first.
pub async fn queue(services: &Services, request: &Request) -> ApiResult {
    let query = request.query_string_parameters();
    let limit = match query.first("limit") {
        None => 25,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_QUEUE_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_limit",
                    "limit must be a whole number from 1 to 100.",
                )
            })?,
    };
    let cursor = query.first("cursor");

    let page = services
        .store
        .queue(limit, cursor)
        .await
        .map_err(|error| match error {
            WriteError::Conflict => ApiError::bad_request(
                "invalid_cursor",
                "The cursor is not one this API issued. Start again from the first page.",
            ),
            other => other.into(),
        })?;

    let now = services.clock.now();
    // A patient with several visits in the page is read once.
    let mut names: HashMap<&PatientId, String> = HashMap::new();
    let mut visits = Vec::with_capacity(page.visits.len());
    for visit in &page.visits {
        let Some(due) = visit.due else {
            continue;
        };
        if !names.contains_key(&visit.patient_id) {
            let patient = services.store.patient(&visit.patient_id).await?;
            names.insert(
                &visit.patient_id,
                patient.map(|p| p.name).unwrap_or_default(),
            );
        }
        visits.push(QueueItem {
            visit_id: visit.id.to_string(),
            patient_id: visit.patient_id.to_string(),
            patient_name: names[&visit.patient_id].clone(),
            reason: visit.intake.reason,
            round: visit.round,
            waiting_since: visit.status_since(),
            due: DueView::of(due, &services.calendar),
            overdue: now >= due.deadline,
        });
    }
    Ok(json_response(
        StatusCode::OK,
        &QueueView {
            visits,
            next_cursor: page.next_cursor,
        },
    ))
}

#[utoipa::path(get, path = "/review/visits/{id}", tag = "physician",
    params(("id" = String, Path, description = "The visit id")),
    responses(
        (status = 200, description = "The visit, its intake, a short-lived media URL and the patient's history", body = ReviewView),
        (status = 404, description = "No such visit", body = shared::api::Problem)),
    security(("jwt" = [])))]
/// One visit for review. Issuing the media URL is audited as a view.
pub async fn review_visit(services: &Services, identity: &Identity, id: &str) -> ApiResult {
    let visit = find_visit(services, id).await?;
    let patient = services
        .store
        .patient(&visit.patient_id)
        .await?
        .ok_or(ApiError::NotFound("visit"))?;

    let has_video = matches!(
        visit.status,
        VisitStatus::Submitted | VisitStatus::AwaitingPatient | VisitStatus::Responded
    );
    let media_url = if has_video {
        let ttl = services.settings.view_url_ttl;
        let url = services
            .media
            .presign_view(&visit.upload.object_key, ttl)
            .await?;
        let actor = Actor::Physician(identity.subject.clone());
        audit(services, &visit, actor, AuditAction::MediaViewed).await?;
        tracing::info!(visit_id = %visit.id, "media view issued");
        Some(url)
    } else {
        None
    };

    let history = services
        .store
        .visits_of(&visit.patient_id)
        .await?
        .iter()
        .filter(|v| v.id != visit.id)
        .map(|v| VisitView::of(v, &services.calendar))
        .collect();

    let notices = services.store.notices(visit.id).await?;
    let review = ReviewView {
        alerts_sent: AlertSentView::from_notices(&notices),
        visit: VisitView::of(&visit, &services.calendar),
        intake: visit.intake.clone(),
        round: visit.round,
        patient: (&patient).into(),
        media_url,
        history,
    };
    Ok(json_response(StatusCode::OK, &review))
}

#[utoipa::path(post, path = "/review/visits/{id}/response", tag = "physician",
    params(("id" = String, Path, description = "The visit id")),
    request_body = RespondRequest,
    responses(
        (status = 200, description = "Responded; the alerts are cancelled and the patient told", body = VisitView),
        (status = 409, description = "The visit is not awaiting a response", body = shared::api::Problem),
        (status = 422, description = "An empty or overlong message", body = shared::api::Problem)),
    security(("jwt" = [])))]
/// The physician's response: removes the visit from the queue, cancels its alerts and tells
/// the patient a response is waiting.
pub async fn respond(
    services: &Services,
    identity: &Identity,
    id: &str,
    request: &Request,
) -> ApiResult {
    let visit = find_visit(services, id).await?;
    let body: RespondRequest = read_json(request)?;
    let message = validate_message(&body.message)?;

    let now = services.clock.now();
    let next = match visit.respond(now, body.kind, message.clone()) {
        Ok(next) => {
            services.store.save_visit(&next).await?;
            tracing::info!(visit_id = %next.id, status = %next.status, "physician responded");
            let actor = Actor::Physician(identity.subject.clone());
            let action = AuditAction::Responded { kind: body.kind };
            audit(services, &next, actor, action).await?;
            next
        }
        // The same response again is a retry (say, after a timeout): it finishes what the
        // first attempt may not have, and sends nothing twice.
        Err(_) if is_latest_response(&visit, body.kind, &message) => visit,
        Err(_) => {
            return Err(ApiError::conflict(
                "not_awaiting_response",
                "This visit is not waiting for your response; reload the queue.",
            ));
        }
    };

    cancel_review_alerts(services, next.id, next.round).await?;

    if let Some(patient) = services.store.patient(&next.patient_id).await? {
        let (template, name) = match body.kind {
            ResponseKind::Questions => (Template::QuestionsWaiting, "questions_waiting"),
            _ => (Template::ResponseWaiting, "response_waiting"),
        };
        let key = format!("r{}:{name}", next.round);
        send_once(services, next.id, &key, template, &patient.email).await?;
    }
    Ok(json_response(
        StatusCode::OK,
        &VisitView::of(&next, &services.calendar),
    ))
}

/// Whether the visit's latest response is exactly this one.
fn is_latest_response(visit: &Visit, kind: ResponseKind, message: &str) -> bool {
    let answered = matches!(
        visit.status,
        VisitStatus::Responded | VisitStatus::AwaitingPatient
    );
    answered
        && visit
            .latest_response()
            .is_some_and(|r| r.kind == kind && r.message == message)
}

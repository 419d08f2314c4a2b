//! The patient's API: their visits, a fresh upload URL, completing a multipart upload,
//! cancelling, and answering the physician's questions. A patient reaches only their own
//! visits; anyone else's id gets the same answer as a missing one.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use shared::api::{
    AnswerRequest, CompleteUploadRequest, CreatedVisit, NewUploadRequest, VisitView,
};
use shared::audit::{Actor, AuditAction};
use shared::effects::{abandon_alert, announce_submitted, audit, upload_plan};
use shared::http::{ApiError, ApiResult, Identity, json_response, read_json, segments};
use shared::ids::{PatientId, VisitId};
use shared::ports::MultipartError;
use shared::services::Services;
use shared::validate::{validate_message, validate_video};
use shared::visit::{TransitionRefused, Visit, VisitStatus};

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
    let patient = identity.require_patient()?;

    match (method, path.as_slice()) {
        (&Method::GET, ["visits"]) => list_visits(services, &patient).await,
        (&Method::GET, ["visits", id]) => get_visit(services, &patient, id).await,
        (&Method::POST, ["visits", id, "upload"]) => {
            new_upload(services, &patient, id, request).await
        }
        (&Method::POST, ["visits", id, "upload", "complete"]) => {
            complete_upload(services, &patient, id, request).await
        }
        (&Method::POST, ["visits", id, "cancel"]) => cancel(services, &patient, id).await,
        (&Method::POST, ["visits", id, "answer"]) => answer(services, &patient, id, request).await,
        (_, ["visits"] | ["visits", _] | ["visits", _, "upload" | "cancel" | "answer"]) => {
            Err(ApiError::MethodNotAllowed)
        }
        (_, ["visits", _, "upload", "complete"]) => Err(ApiError::MethodNotAllowed),
        _ => Err(ApiError::NoSuchRoute),
    }
}

/// Reads one of the caller's visits; a malformed id, a missing visit and someone else's
/// visit all look the same.
async fn own_visit(services: &Services, patient: &PatientId, id: &str) -> Result<Visit, ApiError> {
    let id = VisitId::parse(id).ok_or(ApiError::NotFound("visit"))?;
    match services.store.visit(id).await? {
        Some(visit) if &visit.patient_id == patient => Ok(visit),
        _ => Err(ApiError::NotFound("visit")),
    }
}

fn refused(error: TransitionRefused) -> ApiError {
    ApiError::conflict(
        "wrong_status",
        format!(
            "This visit is {}, so it cannot {}.",
            error.from.as_str().replace('_', " "),
            error.action
        ),
    )
}

fn view(services: &Services, visit: &Visit) -> VisitView {
    VisitView::of(visit, &services.calendar)
}

#[utoipa::path(get, path = "/visits", tag = "patient",
    responses((status = 200, description = "The caller's visits, newest first", body = Vec<VisitView>)),
    security(("jwt" = [])))]
/// The caller's visits, newest first.
pub async fn list_visits(services: &Services, patient: &PatientId) -> ApiResult {
    let visits = services.store.visits_of(patient).await?;
    let views: Vec<VisitView> = visits.iter().map(|v| view(services, v)).collect();
    Ok(json_response(StatusCode::OK, &views))
}

#[utoipa::path(get, path = "/visits/{id}", tag = "patient",
    params(("id" = String, Path, description = "The visit id")),
    responses(
        (status = 200, description = "The visit, with the physician's response if any", body = VisitView),
        (status = 404, description = "No such visit of the caller's", body = shared::api::Problem)),
    security(("jwt" = [])))]
/// One of the caller's visits with its conversation.
pub async fn get_visit(services: &Services, patient: &PatientId, id: &str) -> ApiResult {
    let visit = own_visit(services, patient, id).await?;
    Ok(json_response(StatusCode::OK, &view(services, &visit)))
}

#[utoipa::path(post, path = "/visits/{id}/upload", tag = "patient",
    params(("id" = String, Path, description = "The visit id")),
    request_body = NewUploadRequest,
    responses(
        (status = 200, description = "A fresh upload plan", body = CreatedVisit),
        (status = 409, description = "The visit no longer awaits an upload", body = shared::api::Problem),
        (status = 422, description = "An unacceptable video", body = shared::api::Problem)),
    security(("jwt" = [])))]
/// A fresh upload URL while the visit awaits its video, possibly for another file.
pub async fn new_upload(
    services: &Services,
    patient: &PatientId,
    id: &str,
    request: &Request,
) -> ApiResult {
    let visit = own_visit(services, patient, id).await?;
    let body: NewUploadRequest = read_json(request)?;
    let (kind, length) = validate_video(&body, &services.settings)?;

    let next = visit.new_upload_attempt(kind, length).map_err(refused)?;
    services.store.save_visit(&next).await?;
    tracing::info!(visit_id = %next.id, attempt = next.upload.attempt, "new upload attempt");

    let upload = upload_plan(services, &next.upload.object_key, kind, length).await?;
    Ok(json_response(
        StatusCode::OK,
        &CreatedVisit {
            visit: view(services, &next),
            upload,
        },
    ))
}

#[utoipa::path(post, path = "/visits/{id}/upload/complete", tag = "patient",
    params(("id" = String, Path, description = "The visit id")),
    request_body = CompleteUploadRequest,
    responses(
        (status = 202, description = "The parts were assembled; verification follows", body = VisitView),
        (status = 409, description = "The visit no longer awaits an upload", body = shared::api::Problem),
        (status = 422, description = "The parts do not match the upload", body = shared::api::Problem)),
    security(("jwt" = [])))]
/// Completes a multipart upload; the created object then goes through verification like
/// any other upload.
pub async fn complete_upload(
    services: &Services,
    patient: &PatientId,
    id: &str,
    request: &Request,
) -> ApiResult {
    let visit = own_visit(services, patient, id).await?;
    let body: CompleteUploadRequest = read_json(request)?;
    if visit.status != VisitStatus::AwaitingUpload {
        return Err(refused(TransitionRefused {
            from: visit.status,
            action: "take an upload",
        }));
    }

    let key = &visit.upload.object_key;
    match services
        .media
        .complete_multipart(key, &body.upload_id, &body.parts)
        .await
    {
        Ok(()) => Ok(json_response(StatusCode::ACCEPTED, &view(services, &visit))),
        Err(MultipartError::InvalidParts) => Err(ApiError::invalid(
            "invalid_parts",
            "The uploaded parts do not match this upload. Upload every part again.",
        )),
        Err(MultipartError::Port(error)) => Err(error.into()),
    }
}

#[utoipa::path(post, path = "/visits/{id}/cancel", tag = "patient",
    params(("id" = String, Path, description = "The visit id")),
    responses(
        (status = 200, description = "The visit was cancelled", body = VisitView),
        (status = 409, description = "Only a visit awaiting its upload can be cancelled", body = shared::api::Problem)),
    security(("jwt" = [])))]
/// Cancels a visit that still awaits its video.
pub async fn cancel(services: &Services, patient: &PatientId, id: &str) -> ApiResult {
    let visit = own_visit(services, patient, id).await?;
    let next = visit.cancel(services.clock.now()).map_err(refused)?;
    services.store.save_visit(&next).await?;
    services
        .scheduler
        .cancel(&abandon_alert(next.id).schedule_name())
        .await?;

    let actor = Actor::Patient(patient.to_string());
    audit(services, &next, actor, AuditAction::Cancelled).await?;
    tracing::info!(visit_id = %next.id, "visit cancelled");
    Ok(json_response(StatusCode::OK, &view(services, &next)))
}

#[utoipa::path(post, path = "/visits/{id}/answer", tag = "patient",
    params(("id" = String, Path, description = "The visit id")),
    request_body = AnswerRequest,
    responses(
        (status = 200, description = "The answer was sent; the visit is back in the queue", body = VisitView),
        (status = 409, description = "The physician asked no questions", body = shared::api::Problem),
        (status = 422, description = "An empty or overlong answer", body = shared::api::Problem)),
    security(("jwt" = [])))]
/// Answers the physician's questions: the visit returns to the queue with a new deadline.
pub async fn answer(
    services: &Services,
    patient: &PatientId,
    id: &str,
    request: &Request,
) -> ApiResult {
    let visit = own_visit(services, patient, id).await?;
    let body: AnswerRequest = read_json(request)?;
    let message = validate_message(&body.message)?;

    let now = services.clock.now();
    let next = visit
        .answer(now, message, services.calendar.due_for(now))
        .map_err(refused)?;
    services.store.save_visit(&next).await?;
    tracing::info!(visit_id = %next.id, round = next.round, "questions answered");

    let actor = Actor::Patient(patient.to_string());
    audit(services, &next, actor, AuditAction::Answered).await?;
    announce_submitted(services, &next).await?;
    Ok(json_response(StatusCode::OK, &view(services, &next)))
}

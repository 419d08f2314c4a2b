//! `POST /visits`: applies the practice's policy to a patient's intake and, if the visit is
//! allowed, records it and issues the URL its video is uploaded to.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use shared::api::{CreateVisitRequest, CreatedVisit, EligibilityRequest, Eligible, VisitView};
use shared::audit::{Actor, AuditAction, AuditEvent};
use shared::effects::{abandon_alert, audit, upload_plan};
use shared::eligibility::{self, RefusalCode};
use shared::http::{ApiError, ApiResult, Identity, json_response, read_json, segments};
use shared::ids::{PatientId, VisitId};
use shared::notice::{Mail, Template};
use shared::patient::Patient;
use shared::services::Services;
use shared::validate::{validate_intake, validate_video};
use shared::visit::Visit;

/// Handles one request. Every error becomes a problem response, so this never fails.
pub async fn handle(services: &Services, request: Request) -> Response<Body> {
    route(services, &request)
        .await
        .unwrap_or_else(ApiError::into_response)
}

async fn route(services: &Services, request: &Request) -> ApiResult {
    let path = segments(request);
    let handler = match path
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["visits"] => Route::Create,
        ["visits", "eligibility"] => Route::Eligibility,
        _ => return Err(ApiError::NoSuchRoute),
    };
    if request.method() != Method::POST {
        return Err(ApiError::MethodNotAllowed);
    }
    match handler {
        Route::Create => create_visit(services, request).await,
        Route::Eligibility => eligibility(services, request).await,
    }
}

enum Route {
    Create,
    Eligibility,
}

#[utoipa::path(
    post,
    path = "/visits/eligibility",
    tag = "patient",
    request_body = EligibilityRequest,
    responses(
        (status = 200, description = "An async visit may be started", body = Eligible),
        (status = 403, description = "membership_inactive, new_patient or async_disabled", body = shared::api::Problem),
        (status = 409, description = "visit_open: another visit is in progress", body = shared::api::Problem),
        (status = 422, description = "crisis (with 988 and 911) or live_visit_recommended", body = shared::api::Problem),
    ),
    security(("jwt" = []))
)]
/// Applies the practice's policy to an intake before anything is recorded, so the patient
/// learns at once whether an async visit fits. A refusal is audited (and a crisis alerts the
/// physician) exactly as when creating a visit; creating one checks again.
pub async fn eligibility(services: &Services, request: &Request) -> ApiResult {
    let identity = Identity::from_request(request)?;
    let patient_id = identity.require_patient()?;
    let body: EligibilityRequest = read_json(request)?;
    validate_intake(&body.intake)?;

    check_policy(services, &patient_id, &body.intake).await?;
    Ok(json_response(StatusCode::OK, &Eligible { eligible: true }))
}

/// Refuses the intake by the practice's policy, recording the refusal.
async fn check_policy(
    services: &Services,
    patient_id: &PatientId,
    intake: &shared::intake::Intake,
) -> Result<(), ApiError> {
    let patient = services.store.patient(patient_id).await?;
    let open_visit = services
        .store
        .visits_of(patient_id)
        .await?
        .into_iter()
        .find(|v| v.status.is_open())
        .map(|v| v.id);

    if let Err(refusal) = eligibility::check(patient.as_ref(), intake, open_visit) {
        record_refusal(services, patient_id, patient, refusal.code).await?;
        return Err(ApiError::Refused(refusal));
    }
    Ok(())
}

#[utoipa::path(
    post,
    path = "/visits",
    tag = "patient",
    request_body = CreateVisitRequest,
    responses(
        (status = 201, description = "The visit was created; upload the video now", body = CreatedVisit),
        (status = 400, description = "The body could not be read", body = shared::api::Problem),
        (status = 403, description = "membership_inactive, new_patient or async_disabled", body = shared::api::Problem),
        (status = 409, description = "visit_open: another visit is in progress", body = shared::api::Problem),
        (status = 422, description = "crisis (with 988 and 911), live_visit_recommended, or an unacceptable video", body = shared::api::Problem),
    ),
    security(("jwt" = []))
)]
/// Applies eligibility, then creates the visit and its upload plan.
pub async fn create_visit(services: &Services, request: &Request) -> ApiResult {
    let identity = Identity::from_request(request)?;
    let patient_id = identity.require_patient()?;
    let body: CreateVisitRequest = read_json(request)?;
    let video = validate_video(&body.video, &services.settings)?;
    validate_intake(&body.intake)?;

    check_policy(services, &patient_id, &body.intake).await?;

    let now = services.clock.now();
    let visit = Visit::new(
        VisitId::new(),
        patient_id,
        body.intake,
        video.0,
        video.1,
        now,
    );

    // The abandon timer goes first: if it exists without its visit it fires into nothing,
    // whereas a visit without it would wait for an upload forever.
    let abandon_at = now + services.settings.abandon_after;
    services
        .scheduler
        .schedule(abandon_at, &abandon_alert(visit.id))
        .await?;
    services.store.create_visit(&visit).await?;
    tracing::info!(visit_id = %visit.id, "visit created");

    let actor = Actor::Patient(visit.patient_id.to_string());
    audit(services, &visit, actor, AuditAction::VisitCreated).await?;
    let upload = upload_plan(services, &visit.upload.object_key, video.0, video.1).await?;

    let view = VisitView::of(&visit, &services.calendar);
    Ok(json_response(
        StatusCode::CREATED,
        &CreatedVisit {
            visit: view,
            upload,
        },
    ))
}

/// A refusal stores nothing but its audit record; a crisis also flags the patient and
/// alerts the physician at once, without PHI.
async fn record_refusal(
    services: &Services,
    patient_id: &PatientId,
    patient: Option<Patient>,
    code: RefusalCode,
) -> Result<(), ApiError> {
    let now = services.clock.now();
    let event = AuditEvent {
        at: now,
        actor: Actor::Patient(patient_id.to_string()),
        patient_id: patient_id.clone(),
        visit_id: None,
        action: AuditAction::Refused { code },
    };
    services.store.append_audit(&event).await?;
    tracing::info!(code = code.as_str(), "visit refused");

    if code != RefusalCode::Crisis {
        return Ok(());
    }
    if let Some(mut patient) = patient {
        patient.crisis_flagged_at = Some(now);
        services.store.save_patient(&patient).await?;
    }
    let settings = &services.settings;
    let mail = Mail::render(
        Template::CrisisAlert,
        &settings.physician_email,
        &settings.portal_url,
    );
    services.notifier.send(&mail).await?;
    Ok(())
}

//! The physician's management of patients: add one, record the live initial evaluation,
//! membership, async on or off.

use lambda_http::Request;
use lambda_http::http::StatusCode;
use shared::api::{CreatePatientRequest, PatientView, UpdatePatientRequest};
use shared::http::{ApiError, ApiResult, json_response, read_json};
use shared::ids::PatientId;
use shared::patient::Patient;
use shared::services::Services;

const MAX_NAME_CHARS: usize = 200;

#[utoipa::path(get, path = "/review/patients", tag = "physician",
    responses((status = 200, description = "Every patient, by name", body = Vec<PatientView>)),
    security(("jwt" = [])))]
/// Every patient, by name.
pub async fn list(services: &Services) -> ApiResult {
    let patients = services.store.patients().await?;
    let views: Vec<PatientView> = patients.iter().map(PatientView::from).collect();
    Ok(json_response(StatusCode::OK, &views))
}

#[utoipa::path(get, path = "/review/patients/{id}", tag = "physician",
    params(("id" = String, Path, description = "The patient id")),
    responses(
        (status = 200, description = "The patient", body = PatientView),
        (status = 404, description = "No such patient", body = shared::api::Problem)),
    security(("jwt" = [])))]
/// One patient.
pub async fn get(services: &Services, id: &str) -> ApiResult {
    let patient = find(services, id).await?;
    Ok(json_response(StatusCode::OK, &PatientView::from(&patient)))
}

#[utoipa::path(post, path = "/review/patients", tag = "physician",
    request_body = CreatePatientRequest,
    responses(
        (status = 201, description = "The patient was added", body = PatientView),
        (status = 422, description = "A missing name or a malformed email address", body = shared::api::Problem)),
    security(("jwt" = [])))]
/// Adds a patient.
pub async fn create(services: &Services, request: &Request) -> ApiResult {
    let body: CreatePatientRequest = read_json(request)?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::invalid(
            "invalid_name",
            "Give the patient's name (up to 200 characters).",
        ));
    }
    let email = body.email.trim();
    if !plausible_email(email) {
        return Err(ApiError::invalid(
            "invalid_email",
            "Give an email address such as name@example.com.",
        ));
    }

    // The identity comes first: a patient record nobody can sign in to would be useless,
    // while an identity without a record is refused everywhere and can be invited again.
    let id = services.identities.invite_patient(email).await?;
    let patient = Patient {
        id,
        name: name.to_owned(),
        email: email.to_owned(),
        membership: body.membership,
        initial_evaluation_on: body.initial_evaluation_on,
        async_enabled: body.async_enabled,
        crisis_flagged_at: None,
        created_at: services.clock.now(),
    };
    services.store.create_patient(&patient).await?;
    tracing::info!(patient_id = %patient.id, "patient added");
    Ok(json_response(
        StatusCode::CREATED,
        &PatientView::from(&patient),
    ))
}

#[utoipa::path(patch, path = "/review/patients/{id}", tag = "physician",
    params(("id" = String, Path, description = "The patient id")),
    request_body = UpdatePatientRequest,
    responses(
        (status = 200, description = "The updated patient", body = PatientView),
        (status = 404, description = "No such patient", body = shared::api::Problem)),
    security(("jwt" = [])))]
/// Records the initial evaluation, membership, or async on or off.
pub async fn update(services: &Services, id: &str, request: &Request) -> ApiResult {
    let mut patient = find(services, id).await?;
    let body: UpdatePatientRequest = read_json(request)?;

    if let Some(membership) = body.membership {
        patient.membership = membership;
    }
    if let Some(date) = body.initial_evaluation_on {
        patient.initial_evaluation_on = Some(date);
    }
    if let Some(enabled) = body.async_enabled {
        patient.async_enabled = enabled;
    }
    services.store.save_patient(&patient).await?;
    tracing::info!(patient_id = %patient.id, "patient updated");
    Ok(json_response(StatusCode::OK, &PatientView::from(&patient)))
}

async fn find(services: &Services, id: &str) -> Result<Patient, ApiError> {
    let id = PatientId::parse(id).ok_or(ApiError::NotFound("patient"))?;
    services
        .store
        .patient(&id)
        .await?
        .ok_or(ApiError::NotFound("patient"))
}

/// One `@` with something on each side and a dot in the domain: enough to catch typos
/// without pretending to validate deliverability.
fn plausible_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.contains(char::is_whitespace)
        && !domain.contains('@')
        && text.len() <= 254
}

//! `GET /openapi.json`: the OpenAPI document of the HTTP API, generated from the route
//! annotations and request and response types of the functions that serve them.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use shared::http::{ApiError, json_response, segments};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Async visits",
        description = "Asynchronous visits of a private psychiatry practice: patients submit \
                       a short intake and a video update; the physician responds by the next \
                       business day.",
        version = "1"
    ),
    paths(
        create_visit::create_visit,
        create_visit::eligibility,
        patient_api::list_visits,
        patient_api::get_visit,
        patient_api::new_upload,
        patient_api::complete_upload,
        patient_api::cancel,
        patient_api::answer,
        review_api::queue,
        review_api::review_visit,
        review_api::respond,
        review_api::patients::list,
        review_api::patients::get,
        review_api::patients::create,
        review_api::patients::update,
        openapi_json,
    ),
    modifiers(&JwtSecurity),
    tags(
        (name = "patient", description = "A patient's own visits"),
        (name = "physician", description = "The physician's queue, reviews and patients"),
    )
)]
pub struct ApiDoc;

struct JwtSecurity;

impl Modify for JwtSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some(
                "An identity token from the practice's sign-in. Patients are in the `patient` \
                 group, the physician in `physician`.",
            ))
            .build();
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("jwt", SecurityScheme::Http(scheme));
    }
}

/// The document as JSON.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Handles one request. Every error becomes a problem response, so this never fails.
pub async fn handle(request: Request) -> Response<Body> {
    if segments(&request) != ["openapi.json"] {
        return ApiError::NoSuchRoute.into_response();
    }
    if request.method() != Method::GET {
        return ApiError::MethodNotAllowed.into_response();
    }
    openapi_json()
}

#[utoipa::path(get, path = "/openapi.json", tag = "patient",
    responses((status = 200, description = "This document", content_type = "application/json")))]
/// Serves the document; it needs no sign-in.
pub fn openapi_json() -> Response<Body> {
    json_response(StatusCode::OK, &document())
}

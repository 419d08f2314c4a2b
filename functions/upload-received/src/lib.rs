//! Reacts to S3 `ObjectCreated` events for patient uploads: verifies the object, moves the
//! visit into the physician's queue with its deadline, schedules the reminder and the overdue
//! alert, and tells both people. A bad object is deleted and the patient asked to start
//! again. Events repeat and arrive out of order; a repeated or stale one changes nothing and
//! sends nothing twice.

use aws_lambda_events::event::s3::{S3Event, S3EventRecord};
use shared::audit::{Actor, AuditAction};
use shared::effects::{abandon_alert, announce_submitted, audit, send_once};
use shared::ids::ObjectKey;
use shared::notice::Template;
use shared::ports::{PortError, WriteError};
use shared::services::Services;
use shared::verify::verify_upload;
use shared::visit::{RejectionReason, Visit, VisitStatus};

/// What became of one record of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The upload was verified and the visit entered the queue.
    Submitted,
    /// The object failed verification and was deleted.
    Rejected(RejectionReason),
    /// The visit had already taken this upload; only missing side effects were completed.
    Duplicate,
    /// An object no visit is waiting for (an old attempt, a closed visit, an unknown key):
    /// deleted, so no video lingers outside a visit.
    Discarded,
    /// Not an upload key, or the object is already gone.
    Ignored,
}

/// Handles every record of an event. An error means a port failed: Lambda retries the event,
/// which is safe because every step is idempotent.
pub async fn handle(services: &Services, event: S3Event) -> Result<Vec<Outcome>, PortError> {
    let mut outcomes = Vec::with_capacity(event.records.len());
    for record in &event.records {
        outcomes.push(handle_record(services, record).await?);
    }
    Ok(outcomes)
}

/// S3 URL-encodes keys in events, with `+` for a space.
pub fn decode_key(raw: &str) -> String {
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

async fn handle_record(services: &Services, record: &S3EventRecord) -> Result<Outcome, PortError> {
    let Some(raw_key) = record.s3.object.key.as_deref() else {
        return Ok(Outcome::Ignored);
    };
    let key = decode_key(raw_key);
    let Some((visit_id, attempt)) = ObjectKey::parse_upload(&key) else {
        tracing::warn!("object outside the upload key scheme; ignored");
        return Ok(Outcome::Ignored);
    };
    let key = ObjectKey::for_upload(visit_id, attempt);

    let Some(visit) = services.store.visit(visit_id).await? else {
        return discard(services, &key, "no such visit").await;
    };
    if visit.upload.object_key != key {
        return discard(services, &key, "not the visit's current upload").await;
    }

    match visit.status {
        VisitStatus::AwaitingUpload => verify(services, visit, &key).await,
        VisitStatus::Submitted if visit.round == 1 => {
            announce_submitted(services, &visit).await?;
            Ok(Outcome::Duplicate)
        }
        VisitStatus::UploadRejected => {
            services.media.delete(&key).await?;
            tell_rejected(services, &visit).await?;
            Ok(Outcome::Duplicate)
        }
        VisitStatus::Cancelled | VisitStatus::Abandoned => {
            discard(services, &key, "the visit is closed").await
        }
        _ => Ok(Outcome::Duplicate),
    }
}

async fn discard(
    services: &Services,
    key: &ObjectKey,
    why: &'static str,
) -> Result<Outcome, PortError> {
    services.media.delete(key).await?;
    tracing::info!(object_key = %key, why, "upload discarded");
    Ok(Outcome::Discarded)
}

async fn verify(services: &Services, visit: Visit, key: &ObjectKey) -> Result<Outcome, PortError> {
    let Some(object) = services.media.inspect(key).await? else {
        tracing::info!(visit_id = %visit.id, "object already gone; ignored");
        return Ok(Outcome::Ignored);
    };

    let now = services.clock.now();
    match verify_upload(&visit.upload, &object) {
        Ok(()) => {
            let due = services.calendar.due_for(now);
            let next = visit
                .upload_verified(now, due)
                .expect("the visit awaits its upload");
            if !saved(services, &next).await? {
                return Ok(Outcome::Duplicate);
            }
            tracing::info!(visit_id = %next.id, deadline = %due.deadline, "upload verified");

            audit(services, &next, Actor::System, AuditAction::Uploaded).await?;
            services
                .scheduler
                .cancel(&abandon_alert(next.id).schedule_name())
                .await?;
            announce_submitted(services, &next).await?;
            Ok(Outcome::Submitted)
        }
        Err(reason) => {
            let next = visit
                .upload_rejected(now, reason)
                .expect("the visit awaits its upload");
            if !saved(services, &next).await? {
                return Ok(Outcome::Duplicate);
            }
            tracing::info!(visit_id = %next.id, reason = ?reason, "upload rejected");

            services.media.delete(key).await?;
            audit(
                services,
                &next,
                Actor::System,
                AuditAction::UploadRejected { reason },
            )
            .await?;
            services
                .scheduler
                .cancel(&abandon_alert(next.id).schedule_name())
                .await?;
            tell_rejected(services, &next).await?;
            Ok(Outcome::Rejected(reason))
        }
    }
}

/// Saves a transition; `false` if another delivery of the same event got there first.
async fn saved(services: &Services, next: &Visit) -> Result<bool, PortError> {
    match services.store.save_visit(next).await {
        Ok(()) => Ok(true),
        Err(WriteError::Conflict) => Ok(false),
        Err(WriteError::Port(error)) => Err(error),
        Err(other) => Err(PortError::new("saving the visit", other.to_string())),
    }
}

async fn tell_rejected(services: &Services, visit: &Visit) -> Result<(), PortError> {
    if let Some(patient) = services.store.patient(&visit.patient_id).await? {
        let key = "upload_rejected";
        send_once(
            services,
            visit.id,
            key,
            Template::UploadRejected,
            &patient.email,
        )
        .await?;
    }
    Ok(())
}

//! Side effects several handlers share: mail sent once per visit and purpose, and the
//! reminder and overdue alerts of a review round. Each is safe to repeat.

use crate::audit::{Actor, AuditAction, AuditEvent};
use crate::ids::ObjectKey;
use crate::ids::VisitId;
use crate::notice::{Mail, Template};
use crate::ports::{AlertKind, AlertPayload, PortError, UploadPlan};
use crate::services::Services;
use crate::visit::VideoType;
use crate::visit::Visit;

/// Sends `template` to `to` unless the notice `key` of this visit was sent before.
/// Returns whether it sent. If sending fails the claim is released, so a retry sends it.
pub async fn send_once(
    services: &Services,
    visit: VisitId,
    key: &str,
    template: Template,
    to: &str,
) -> Result<bool, PortError> {
    let now = services.clock.now();
    if !services.store.claim_notice(visit, key, now).await? {
        tracing::info!(visit_id = %visit, notice = key, "notice already sent; skipped");
        return Ok(false);
    }

    let mail = Mail::render(template, to, &services.settings.portal_url);
    if let Err(error) = services.notifier.send(&mail).await {
        services.store.release_notice(visit, key).await?;
        return Err(error);
    }

    tracing::info!(visit_id = %visit, notice = key, template = mail.template.name(), "mail sent");
    Ok(true)
}

/// The payloads of the reminder and the overdue alert of the visit's current round.
pub fn review_alerts(visit: &Visit) -> [AlertPayload; 2] {
    [AlertKind::Reminder, AlertKind::Overdue].map(|alert| AlertPayload {
        visit_id: visit.id,
        alert,
        round: visit.round,
    })
}

/// Schedules the reminder and the overdue alert of the visit's current round. Scheduling
/// again is harmless: names are stable and an existing one counts as done.
pub async fn schedule_review_alerts(services: &Services, visit: &Visit) -> Result<(), PortError> {
    let Some(due) = visit.due else {
        return Ok(());
    };
    let [reminder, overdue] = review_alerts(visit);
    services
        .scheduler
        .schedule(due.reminder_at, &reminder)
        .await?;
    services.scheduler.schedule(due.deadline, &overdue).await?;
    Ok(())
}

/// Removes the alerts of the round that just ended.
pub async fn cancel_review_alerts(
    services: &Services,
    visit_id: VisitId,
    round: u32,
) -> Result<(), PortError> {
    for alert in [AlertKind::Reminder, AlertKind::Overdue] {
        let payload = AlertPayload {
            visit_id,
            alert,
            round,
        };
        services.scheduler.cancel(&payload.schedule_name()).await?;
    }
    Ok(())
}

/// The schedule that abandons a visit still awaiting its upload.
pub fn abandon_alert(visit: VisitId) -> AlertPayload {
    AlertPayload {
        visit_id: visit,
        alert: AlertKind::Abandon,
        round: 0,
    }
}

/// Appends an audit event for a visit.
pub async fn audit(
    services: &Services,
    visit: &Visit,
    actor: Actor,
    action: AuditAction,
) -> Result<(), PortError> {
    let event = AuditEvent {
        at: services.clock.now(),
        actor,
        patient_id: visit.patient_id.clone(),
        visit_id: Some(visit.id),
        action,
    };
    services.store.append_audit(&event).await
}

/// What follows a visit entering the physician's queue (after its upload, or after the
/// patient answered questions): the round's alerts, "a new visit is waiting" to the
/// physician, "received, expect a response by …" to the patient. Safe to repeat.
pub async fn announce_submitted(services: &Services, visit: &Visit) -> Result<(), PortError> {
    let Some(due) = visit.due else {
        return Ok(());
    };
    schedule_review_alerts(services, visit).await?;

    let due_text = services.calendar.describe(due.deadline);
    let round = visit.round;
    send_once(
        services,
        visit.id,
        &format!("r{round}:new_visit_waiting"),
        Template::NewVisitWaiting {
            due: due_text.clone(),
        },
        &services.settings.physician_email,
    )
    .await?;

    if let Some(patient) = services.store.patient(&visit.patient_id).await? {
        send_once(
            services,
            visit.id,
            &format!("r{round}:upload_received"),
            Template::UploadReceived { due: due_text },
            &patient.email,
        )
        .await?;
    }
    Ok(())
}

/// A single PUT for ordinary videos, a multipart plan for large ones.
pub async fn upload_plan(
    services: &Services,
    key: &ObjectKey,
    kind: VideoType,
    length: u64,
) -> Result<UploadPlan, PortError> {
    let settings = &services.settings;
    let ttl = settings.upload_url_ttl;
    let plan = if length >= settings.multipart_threshold_bytes {
        services
            .media
            .start_multipart(key, kind, length, settings.part_bytes, ttl)
            .await?
    } else {
        services.media.presign_put(key, kind, length, ttl).await?
    };
    Ok(plan)
}

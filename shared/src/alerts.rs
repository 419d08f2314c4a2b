//! Firing a timed alert: the reminder before a visit's deadline, the overdue alert at it,
//! and the abandonment of a visit whose upload never came. It re-reads the visit first, so a
//! late, repeated or out-of-date alert never sends a wrong email.

use crate::audit::{Actor, AuditAction};
use crate::effects::{audit, send_once};
use crate::notice::Template;
use crate::ports::{AlertKind, AlertPayload, PortError, WriteError};
use crate::services::Services;
use crate::visit::VisitStatus;

/// What an alert did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The physician was mailed.
    Sent,
    /// The visit was abandoned.
    Abandoned,
    /// Nothing to do: the visit moved on, is gone, or this alert was sent before.
    Skipped,
}

/// Fires one alert. An error means a port failed and the alert should be retried, which is
/// safe.
pub async fn fire(services: &Services, payload: AlertPayload) -> Result<Outcome, PortError> {
    let Some(visit) = services.store.visit(payload.visit_id).await? else {
        tracing::info!(visit_id = %payload.visit_id, "alert for a missing visit; skipped");
        return Ok(Outcome::Skipped);
    };

    if payload.alert == AlertKind::Abandon {
        let Ok(next) = visit.abandon(services.clock.now()) else {
            return Ok(Outcome::Skipped);
        };
        match services.store.save_visit(&next).await {
            Ok(()) => {}
            Err(WriteError::Conflict) => return Ok(Outcome::Skipped),
            Err(WriteError::Port(error)) => return Err(error),
            Err(other) => return Err(PortError::new("abandoning the visit", other.to_string())),
        }
        audit(services, &next, Actor::System, AuditAction::Abandoned).await?;
        tracing::info!(visit_id = %next.id, "visit abandoned");
        return Ok(Outcome::Abandoned);
    }

    // Only a visit still waiting for the physician, in the round the alert was made for.
    let (Some(due), true) = (visit.due, visit.status == VisitStatus::Submitted) else {
        return Ok(Outcome::Skipped);
    };
    if visit.round != payload.round {
        return Ok(Outcome::Skipped);
    }

    let template = match payload.alert {
        AlertKind::Reminder => Template::ReminderDue {
            due: services.calendar.describe(due.deadline),
        },
        _ => Template::Overdue,
    };
    let key = format!("r{}:{}", payload.round, payload.alert.as_str());
    let to = &services.settings.physician_email;
    if !send_once(services, visit.id, &key, template, to).await? {
        return Ok(Outcome::Skipped);
    }

    let action = AuditAction::AlertSent {
        alert: payload.alert,
        round: payload.round,
    };
    audit(services, &visit, Actor::System, action).await?;
    Ok(Outcome::Sent)
}

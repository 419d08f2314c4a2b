//! [`EventBridgeScheduler`]: one-time EventBridge Scheduler schedules for the timed alerts.
//!
//! Each alert is an `at(...)` schedule in the practice's time zone with the flexible window
//! off, deleted by Scheduler after it ran. The schedule's name comes from the payload, so
//! scheduling twice is harmless: the second CreateSchedule meets a ConflictException and
//! leaves the first schedule as it was.

use crate::aws::sdk_error;
use crate::ports::{AlertPayload, AlertScheduler, PortError};
use async_trait::async_trait;
use aws_sdk_scheduler::Client;
use aws_sdk_scheduler::types::{
    ActionAfterCompletion, DeadLetterConfig, FlexibleTimeWindow, FlexibleTimeWindowMode,
    RetryPolicy, Target,
};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// How long Scheduler keeps retrying an alert whose target fails: a day, so an alert survives
/// a long outage of the alert function and still lands in the dead-letter queue after it.
const MAX_EVENT_AGE_SECONDS: i32 = 24 * 60 * 60;

/// How many times Scheduler retries an alert whose target fails.
const MAX_RETRY_ATTEMPTS: i32 = 5;

/// The zone name Scheduler is given for an instant that its practice-zone local time cannot
/// name unambiguously.
const UTC_ZONE_NAME: &str = "UTC";

/// Timed alerts as EventBridge Scheduler schedules in one schedule group.
#[derive(Clone, Debug)]
pub struct EventBridgeScheduler {
    client: Client,
    group: String,
    target_arn: String,
    role_arn: String,
    dead_letter_arn: Option<String>,
    zone: TimeZone,
    zone_name: String,
}

/// What Scheduler holds for one schedule, as far as the alerts care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleView {
    /// The schedule expression, such as `at(2026-12-02T17:00:00)`.
    pub expression: String,
    /// The IANA zone the expression is read in.
    pub timezone: Option<String>,
    /// The target's input: the alert payload as JSON.
    pub input: Option<String>,
    /// The flexible time window's mode, such as `OFF`.
    pub window_mode: Option<String>,
    /// What Scheduler does once the schedule ran, such as `DELETE`.
    pub action_after_completion: Option<String>,
}

impl EventBridgeScheduler {
    /// Schedules in `group` that invoke `target_arn` (the alert function) as `role_arn`,
    /// sending events that exhaust their retries to `dead_letter_arn` when given, with times
    /// in the IANA zone `zone` (such as `America/New_York`).
    ///
    /// Refuses a zone the time zone database does not know.
    pub fn new(
        client: Client,
        group: impl Into<String>,
        target_arn: impl Into<String>,
        role_arn: impl Into<String>,
        dead_letter_arn: Option<String>,
        zone: &str,
    ) -> Result<Self, PortError> {
        let tz = TimeZone::get(zone)
            .map_err(|error| PortError::new(format!("resolving the time zone {zone}"), error))?;

        // The database lookup is case-insensitive; Scheduler wants the canonical spelling.
        let zone_name = tz.iana_name().unwrap_or(zone).to_owned();

        Ok(Self {
            client,
            group: group.into(),
            target_arn: target_arn.into(),
            role_arn: role_arn.into(),
            dead_letter_arn,
            zone: tz,
            zone_name,
        })
    }

    /// The expression and zone name that make Scheduler fire at `at`: local time in the
    /// practice zone, or UTC when that local time occurs twice (a DST fold), since Scheduler
    /// could then pick either of the two instants.
    fn expression_for(&self, at: Timestamp) -> (String, &str) {
        let local = self.zone.to_datetime(whole_second_not_before(at));
        if self.zone.to_ambiguous_timestamp(local).is_ambiguous() {
            (at_expression(at, &TimeZone::UTC), UTC_ZONE_NAME)
        } else {
            (at_expression(at, &self.zone), &self.zone_name)
        }
    }

    /// The Scheduler target: the alert function, the payload as its input, retries for a day
    /// and the dead-letter queue after them.
    fn target(&self, payload: &AlertPayload) -> Result<Target, PortError> {
        let input = serde_json::to_string(payload)
            .map_err(|error| PortError::new("encoding an alert payload", error))?;
        let retry = RetryPolicy::builder()
            .maximum_event_age_in_seconds(MAX_EVENT_AGE_SECONDS)
            .maximum_retry_attempts(MAX_RETRY_ATTEMPTS)
            .build();

        let mut target = Target::builder()
            .arn(&self.target_arn)
            .role_arn(&self.role_arn)
            .input(input)
            .retry_policy(retry);
        if let Some(arn) = &self.dead_letter_arn {
            target = target.dead_letter_config(DeadLetterConfig::builder().arn(arn).build());
        }
        target
            .build()
            .map_err(|error| PortError::new("building a schedule target", error))
    }

    /// What Scheduler holds for the schedule `name`, or `None` if there is none.
    pub async fn get(&self, name: &str) -> Result<Option<ScheduleView>, PortError> {
        let result = self
            .client
            .get_schedule()
            .group_name(&self.group)
            .name(name)
            .send()
            .await;

        let output = match result {
            Ok(output) => output,
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
            {
                return Ok(None);
            }
            Err(error) => return Err(sdk_error("reading a schedule")(error)),
        };

        Ok(Some(ScheduleView {
            expression: output.schedule_expression().unwrap_or_default().to_owned(),
            timezone: output.schedule_expression_timezone().map(str::to_owned),
            input: output.target().and_then(Target::input).map(str::to_owned),
            window_mode: output
                .flexible_time_window()
                .map(|window| window.mode().as_str().to_owned()),
            action_after_completion: output
                .action_after_completion()
                .map(|action| action.as_str().to_owned()),
        }))
    }
}

#[async_trait]
impl AlertScheduler for EventBridgeScheduler {
    async fn schedule(&self, at: Timestamp, payload: &AlertPayload) -> Result<(), PortError> {
        let name = payload.schedule_name();
        let (expression, zone_name) = self.expression_for(at);

        // Scheduler validates expressions on AWS but not on the local server the tests use,
        // so an expression this code could not stand behind never leaves it.
        if !is_valid_at_expression(&expression) {
            return Err(PortError::new(
                "scheduling an alert",
                format!("{expression} is not a one-time schedule expression"),
            ));
        }

        let window = FlexibleTimeWindow::builder()
            .mode(FlexibleTimeWindowMode::Off)
            .build()
            .map_err(|error| PortError::new("building a flexible time window", error))?;
        let target = self.target(payload)?;

        let result = self
            .client
            .create_schedule()
            .group_name(&self.group)
            .name(&name)
            .schedule_expression(expression)
            .schedule_expression_timezone(zone_name)
            .flexible_time_window(window)
            .action_after_completion(ActionAfterCompletion::Delete)
            .target(target)
            .send()
            .await;

        match result {
            Ok(_) => {}
            // The name exists: this alert was scheduled already (a repeated event), and the
            // existing schedule stands unchanged.
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conflict_exception()) => {}
            Err(error) => return Err(sdk_error("scheduling an alert")(error)),
        }

        tracing::info!(schedule = %name, "alert scheduled");
        Ok(())
    }

    async fn cancel(&self, name: &str) -> Result<(), PortError> {
        let result = self
            .client
            .delete_schedule()
            .group_name(&self.group)
            .name(name)
            .send()
            .await;

        match result {
            Ok(_) => {}
            // Already gone: cancelled before, or it ran and Scheduler deleted it.
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) => {}
            Err(error) => return Err(sdk_error("cancelling an alert")(error)),
        }

        tracing::info!(schedule = %name, "alert cancelled");
        Ok(())
    }
}

/// The one-time schedule expression for `at` read in `zone`: `at(YYYY-MM-DDTHH:MM:SS)`.
///
/// Scheduler takes whole seconds; a fraction of a second rounds up, so an alert never fires
/// before its instant.
pub fn at_expression(at: Timestamp, zone: &TimeZone) -> String {
    let local = zone.to_datetime(whole_second_not_before(at));
    format!(
        "at({:04}-{:02}-{:02}T{:02}:{:02}:{:02})",
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute(),
        local.second()
    )
}

/// Whether `text` is exactly `at(` + a valid civil date and time `YYYY-MM-DDTHH:MM:SS` + `)`.
pub fn is_valid_at_expression(text: &str) -> bool {
    let Some(inner) = text
        .strip_prefix("at(")
        .and_then(|rest| rest.strip_suffix(')'))
    else {
        return false;
    };

    // Checked by position first, so signs, spaces, fractions and other forms a lenient
    // parser would take are refused.
    let bytes = inner.as_bytes();
    let layout = b"DDDD-DD-DDTDD:DD:DD";
    if bytes.len() != layout.len()
        || !bytes.iter().zip(layout).all(|(&b, &l)| match l {
            b'D' => b.is_ascii_digit(),
            _ => b == l,
        })
    {
        return false;
    }

    // Every field is ASCII digits of a fixed width, so these parse and fit.
    let field = |range: std::ops::Range<usize>| inner[range].parse::<i16>().unwrap_or(-1);
    let (Ok(month), Ok(day), Ok(hour), Ok(minute), Ok(second)) = (
        i8::try_from(field(5..7)),
        i8::try_from(field(8..10)),
        i8::try_from(field(11..13)),
        i8::try_from(field(14..16)),
        i8::try_from(field(17..19)),
    ) else {
        return false;
    };
    DateTime::new(field(0..4), month, day, hour, minute, second, 0).is_ok()
}

/// `at` if it is a whole second, else the next whole second.
fn whole_second_not_before(at: Timestamp) -> Timestamp {
    // Before 1970 the fraction is negative and the truncated second is already later.
    if at.subsec_nanosecond() > 0 {
        Timestamp::from_second(at.as_second().saturating_add(1)).unwrap_or(at)
    } else {
        Timestamp::from_second(at.as_second()).unwrap_or(at)
    }
}

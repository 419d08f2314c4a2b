//! The Scheduler target: fires the timed alerts of a visit (reminder, overdue, abandonment).
//! The logic lives in `shared::alerts`, because scheduling an instant that has already
//! passed fires the alert at once from wherever it was scheduled.

pub use shared::alerts::Outcome;
use shared::ports::{AlertPayload, PortError};
use shared::services::Services;

/// Handles one Scheduler invocation, whose payload is the schedule's input. An error makes
/// Lambda retry the invocation, which is safe: alerts are idempotent.
pub async fn handle(services: &Services, payload: AlertPayload) -> Result<Outcome, PortError> {
    shared::alerts::fire(services, payload).await
}

/// A CloudWatch embedded-metric log line counting one overdue visit, for the alarm on
/// visits past their deadline. It names no visit.
pub fn overdue_metric(namespace: &str, at: jiff::Timestamp) -> String {
    serde_json::json!({
        "_aws": {
            "Timestamp": at.as_millisecond(),
            "CloudWatchMetrics": [{
                "Namespace": namespace,
                "Dimensions": [[]],
                "Metrics": [{ "Name": "VisitsOverdue", "Unit": "Count" }]
            }]
        },
        "VisitsOverdue": 1
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_overdue_metric_is_an_embedded_metric_line_without_ids() {
        let line =
            super::overdue_metric("AsyncVisits/test", "2026-12-02T22:00:00Z".parse().unwrap());
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();

        assert_eq!(value["VisitsOverdue"], 1);
        assert_eq!(
            value["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            "AsyncVisits/test"
        );
        assert_eq!(value.as_object().unwrap().len(), 2);
    }
}

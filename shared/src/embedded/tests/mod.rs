//! Tests of the embedded adapters, one behaviour each.

mod media;
mod multipart;
mod store;
mod timers;

use crate::ids::{PatientId, VisitId};
use crate::intake::{Intake, VisitReason};
use crate::patient::{Membership, Patient};
use crate::ports::Clock;
use crate::visit::{Due, VideoType, Visit};
use jiff::{SignedDuration, Timestamp};
use std::path::{Path, PathBuf};

/// A fixed instant the tests count from.
fn t0() -> Timestamp {
    "2025-03-03T15:00:00Z".parse().expect("a valid timestamp")
}

/// `t0` plus some hours.
fn hours(n: i64) -> Timestamp {
    t0() + SignedDuration::from_hours(n)
}

/// A clock that always says `t0`.
struct StillClock;

impl Clock for StillClock {
    fn now(&self) -> Timestamp {
        t0()
    }
}

fn patient_id(name: &str) -> PatientId {
    PatientId::parse(name).expect("a valid patient id")
}

fn patient(id: &str, name: &str) -> Patient {
    Patient {
        id: patient_id(id),
        name: name.to_owned(),
        email: format!("{id}@example.test"),
        membership: Membership::Active,
        initial_evaluation_on: Some(jiff::civil::date(2024, 1, 15)),
        async_enabled: true,
        crisis_flagged_at: None,
        created_at: t0(),
    }
}

fn intake() -> Intake {
    Intake {
        reason: VisitReason::Refill,
        crisis: false,
        new_symptoms: false,
        significant_change: false,
        unsure: false,
        note: String::new(),
    }
}

/// A new visit awaiting its upload, created at `at`.
fn visit_of(patient: &str, at: Timestamp) -> Visit {
    Visit::new(
        VisitId::new(),
        patient_id(patient),
        intake(),
        VideoType::Mp4,
        1_000,
        at,
    )
}

/// A visit moved into the queue with `deadline`.
fn submitted(visit: &Visit, deadline: Timestamp) -> Visit {
    let due = Due {
        deadline,
        reminder_at: deadline - SignedDuration::from_hours(2),
    };
    visit
        .upload_verified(visit.created_at(), due)
        .expect("an awaiting visit accepts an upload")
}

/// A folder that is removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("embedded-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("a temporary folder");
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `dir`, to check that a refused request wrote nothing.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

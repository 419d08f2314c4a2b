//! First-start setup of the data folder: signing keys, and demo patients so the flow can be
//! tried at once.

use jiff::civil::date;
use shared::ids::PatientId;
use shared::patient::{Membership, Patient};
use shared::ports::{PortError, WriteError};
use shared::services::Services;
use std::path::Path;

/// The physician's local subject.
pub const DEMO_PHYSICIAN: &str = "demo-physician";
/// An established patient: active member, evaluated live, async on.
pub const DEMO_ESTABLISHED: &str = "demo-established";
/// A new patient: active member without a live initial evaluation.
pub const DEMO_NEW: &str = "demo-new";

/// Reads a 32-byte key, or makes and keeps one, so URLs and sign-ins survive a restart.
pub fn key(path: &Path) -> Result<[u8; 32], PortError> {
    if let Ok(bytes) = std::fs::read(path)
        && let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice())
    {
        return Ok(key);
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| PortError::new("making a key", e.to_string()))?;
    std::fs::write(path, key).map_err(|e| PortError::new("keeping a key", e))?;
    Ok(key)
}

/// Adds the demo patients if they are not there yet.
pub async fn demo_patients(services: &Services) -> Result<(), PortError> {
    let now = services.clock.now();
    let demo = [
        (
            DEMO_ESTABLISHED,
            "Avery Example",
            "avery@patients.test",
            Some(date(2025, 3, 14)),
        ),
        (DEMO_NEW, "Noor Example", "noor@patients.test", None),
    ];
    for (id, name, email, evaluated) in demo {
        let patient = Patient {
            id: PatientId::parse(id).expect("demo ids are valid"),
            name: name.to_owned(),
            email: email.to_owned(),
            membership: Membership::Active,
            initial_evaluation_on: evaluated,
            async_enabled: true,
            crisis_flagged_at: None,
            created_at: now,
        };
        match services.store.create_patient(&patient).await {
            Ok(()) | Err(WriteError::AlreadyExists) => {}
            Err(WriteError::Port(error)) => return Err(error),
            Err(other) => return Err(PortError::new("seeding demo patients", other.to_string())),
        }
    }
    Ok(())
}

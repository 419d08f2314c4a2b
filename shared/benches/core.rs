//! Benchmarks of the hot paths of the visit core: the deadline computation every upload and
//! answer pays for, upload verification, and the embedded store's queue query. Run with
//! `cargo bench -p shared --features embedded`; each prints the mean time per operation.

use jiff::{SignedDuration, Timestamp};
use shared::calendar::PracticeCalendar;
use shared::embedded::SqliteStore;
use shared::ids::{ObjectKey, PatientId, VisitId};
use shared::intake::{Intake, VisitReason};
use shared::ports::{ObjectInfo, VisitStore};
use shared::verify::verify_upload;
use shared::visit::{Upload, VideoType, Visit};
use std::hint::black_box;
use std::time::Instant;

fn measure(name: &str, iterations: u32, mut op: impl FnMut(u32)) {
    for i in 0..iterations / 10 {
        op(i);
    }
    let start = Instant::now();
    for i in 0..iterations {
        op(i);
    }
    let per_op = start.elapsed() / iterations;
    println!("{name:<40} {per_op:>12?} per operation ({iterations} iterations)");
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

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let calendar = PracticeCalendar::default();
    let start: Timestamp = "2026-11-20T15:00:00Z".parse().unwrap();
    measure("calendar: deadline of an instant", 100_000, |i| {
        let at = start + SignedDuration::from_mins(i64::from(i % 20_000) * 7);
        black_box(calendar.due_for(black_box(at)));
    });
    measure("calendar: closed days of a year", 10_000, |i| {
        black_box(calendar.closed_days(2020 + (i % 20) as i16));
    });

    let upload = Upload {
        content_type: VideoType::Mp4,
        declared_length: 100,
        object_key: ObjectKey::for_upload(VisitId::new(), 1),
        attempt: 1,
    };
    let object = ObjectInfo {
        size: 100,
        content_type: Some("video/mp4".into()),
        head: b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2".to_vec(),
    };
    measure("verify: an upload", 1_000_000, |_| {
        black_box(verify_upload(black_box(&upload), black_box(&object))).ok();
    });

    let store = SqliteStore::in_memory().unwrap();
    for n in 0..2_000 {
        let patient = PatientId::parse(&format!("p-{n}")).unwrap();
        let visit = Visit::new(
            VisitId::new(),
            patient,
            intake(),
            VideoType::Mp4,
            100,
            start,
        );
        store.create_visit(&visit).await.unwrap();
        let due = calendar.due_for(start + SignedDuration::from_mins(i64::from(n)));
        store
            .save_visit(&visit.upload_verified(start, due).unwrap())
            .await
            .unwrap();
    }
    let iterations = 2_000;
    let begun = Instant::now();
    for _ in 0..iterations {
        black_box(store.queue(25, None).await.unwrap());
    }
    let per_op = begun.elapsed() / iterations;
    println!(
        "{:<40} {per_op:>12?} per operation ({iterations} iterations)",
        "store: first queue page of 2000"
    );
}

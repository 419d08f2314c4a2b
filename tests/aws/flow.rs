//! A whole visit through the Lambda handlers on the AWS adapters: DynamoDB, SES, Scheduler and
//! Cognito on moto, S3 on s3s-fs (which checks the presigned URL's signature). The only
//! stand-ins are the ones AWS itself plays: the S3 notification (the fixture, with the key
//! URL-encoded as S3 sends it) and the Scheduler invoking the alert handler.

use serde_json::{Value, json};
use shared::aws::cognito::CognitoDirectory;
use shared::aws::dynamo::DynamoStore;
use shared::aws::s3::S3Media;
use shared::aws::scheduler::EventBridgeScheduler;
use shared::aws::ses::SesNotifier;
use shared::calendar::PracticeCalendar;
use shared::services::Services;
use shared::settings::Settings;
use std::sync::Arc;
use visits_tests::servers::{moto, s3, sdk_config, unique};
use visits_tests::*;

struct AwsApp {
    services: Services,
    scheduler: Arc<EventBridgeScheduler>,
    clock: Arc<TestClock>,
    sender: String,
}

async fn aws_app() -> AwsApp {
    let moto_config = sdk_config(moto()).await;
    let s3_config = aws_sdk_s3::config::Builder::from(&sdk_config(s3()).await)
        .force_path_style(true)
        .build();

    let dynamo = aws_sdk_dynamodb::Client::new(&moto_config);
    let table = unique("visits");
    DynamoStore::create_table(&dynamo, &table).await.unwrap();

    let s3_client = aws_sdk_s3::Client::from_conf(s3_config);
    let bucket = unique("media");
    s3_client
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();

    let ses = aws_sdk_sesv2::Client::new(&moto_config);
    let sender = format!("{}@practice.test", unique("sender"));
    ses.create_email_identity()
        .email_identity(&sender)
        .send()
        .await
        .unwrap();

    let scheduler_client = aws_sdk_scheduler::Client::new(&moto_config);
    let group = unique("alerts");
    scheduler_client
        .create_schedule_group()
        .name(&group)
        .send()
        .await
        .unwrap();
    let scheduler = Arc::new(
        EventBridgeScheduler::new(
            scheduler_client,
            group,
            "arn:aws:lambda:us-east-1:123456789012:function:visits-sla-alert",
            "arn:aws:iam::123456789012:role/visits-scheduler",
            None,
            "America/New_York",
        )
        .unwrap(),
    );

    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&moto_config);
    let pool = cognito
        .create_user_pool()
        .pool_name(unique("pool"))
        .send()
        .await
        .unwrap();
    let pool_id = pool.user_pool().and_then(|p| p.id()).unwrap().to_owned();
    cognito
        .create_group()
        .user_pool_id(&pool_id)
        .group_name("patient")
        .send()
        .await
        .unwrap();

    // The real time, so the deadlines the handlers compute lie ahead of the Scheduler.
    let clock = TestClock::at(&jiff::Timestamp::now().to_string());
    let services = Services {
        store: Arc::new(DynamoStore::new(dynamo, table)),
        media: Arc::new(S3Media::new(s3_client, bucket)),
        notifier: Arc::new(SesNotifier::new(ses, &sender)),
        scheduler: scheduler.clone(),
        identities: Arc::new(CognitoDirectory::new(cognito, pool_id)),
        clock: clock.clone(),
        calendar: PracticeCalendar::default(),
        settings: Settings::default(),
    };
    AwsApp {
        services,
        scheduler,
        clock,
        sender,
    }
}

impl AwsApp {
    async fn call(&self, request: lambda_http::Request) -> (u16, Value) {
        read(route(&self.services, request).await)
    }

    /// Subjects of the mail moto recorded from this app's sender to `to`.
    async fn subjects_to(&self, to: &str) -> Vec<String> {
        let data: Value = reqwest::get(format!("{}/moto-api/data.json", moto()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let messages = data["ses"]["Message"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        messages
            .into_iter()
            .filter(|m| m["source"] == self.sender.as_str())
            .filter(|m| m.to_string().contains(to))
            .map(|m| m["subject"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

#[tokio::test]
async fn a_visit_goes_from_a_new_patient_record_to_the_response_on_the_aws_adapters() {
    let app = aws_app().await;
    let email = format!("{}@patients.test", unique("pat"));

    // The physician adds the patient (a Cognito identity) and records the live evaluation.
    let body = json!({ "name": "Pat Example", "email": email, "membership": "active",
                       "initial_evaluation_on": "2026-01-05" });
    let (status, patient) = app
        .call(api(
            physician_claims(),
            "POST",
            "/review/patients",
            &body.to_string(),
        ))
        .await;
    assert_eq!(status, 201, "{patient}");
    let patient_id = patient["id"].as_str().unwrap().to_owned();

    // The patient starts a visit and uploads to the presigned URL, as a browser would.
    let body = create_body(routine_intake(), "video/mp4", MP4.len() as u64);
    let (status, created) = app
        .call(api(patient_claims(&patient_id), "POST", "/visits", &body))
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["visit"]["id"].as_str().unwrap().to_owned();
    let url = created["upload"]["url"].as_str().unwrap();
    let put = reqwest::Client::new()
        .put(url)
        .header("content-type", "video/mp4")
        .body(MP4.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200, "{}", put.text().await.unwrap());

    // S3 announces it; the handler verifies it and the visit enters the queue.
    let outcomes = upload_received::handle(&app.services, s3_event(first_key(&id).as_str())).await;
    assert_eq!(outcomes.unwrap(), vec![upload_received::Outcome::Submitted]);
    let (_, queue) = app
        .call(api(physician_claims(), "GET", "/review/queue", ""))
        .await;
    assert_eq!(queue["visits"][0]["visit_id"], json!(id));
    let reminder_name = format!("{id}-r1-reminder");
    assert!(app.scheduler.get(&reminder_name).await.unwrap().is_some());

    // The reminder fires before the physician has answered.
    let reminder_at = queue["visits"][0]["due"]["reminder_at"].as_str().unwrap();
    app.clock.set(reminder_at);
    let reminder = sla_alert::handle(&app.services, alert(&id, "reminder", 1))
        .await
        .unwrap();
    assert_eq!(reminder, sla_alert::Outcome::Sent);

    // The physician watches and responds; the alerts are gone and the patient is told.
    let (_, review) = app
        .call(api(
            physician_claims(),
            "GET",
            &format!("/review/visits/{id}"),
            "",
        ))
        .await;
    let video = reqwest::get(review["media_url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(video.bytes().await.unwrap().as_ref(), MP4);
    let answer = json!({ "kind": "recommendation", "message": "Keep the same dose." });
    let path = format!("/review/visits/{id}/response");
    let (status, _) = app
        .call(api(physician_claims(), "POST", &path, &answer.to_string()))
        .await;
    assert_eq!(status, 200);

    assert!(app.scheduler.get(&reminder_name).await.unwrap().is_none());
    assert!(
        app.scheduler
            .get(&format!("{id}-r1-overdue"))
            .await
            .unwrap()
            .is_none()
    );
    let to_patient = app.subjects_to(&email).await;
    assert_eq!(
        to_patient,
        ["We received your visit", "Your physician has responded"]
    );
    let (_, mine) = app
        .call(api(
            patient_claims(&patient_id),
            "GET",
            &format!("/visits/{id}"),
            "",
        ))
        .await;
    assert_eq!(mine["status"], json!("responded"));
    assert_eq!(
        mine["conversation"][0]["message"],
        json!("Keep the same dose.")
    );
}

#[tokio::test]
async fn the_same_s3_event_twice_on_the_aws_adapters_makes_one_transition_and_one_mail_each() {
    let app = aws_app().await;
    let email = format!("{}@patients.test", unique("pat"));
    let body = json!({ "name": "Pat Example", "email": email, "membership": "active",
                       "initial_evaluation_on": "2026-01-05" });
    let (_, patient) = app
        .call(api(
            physician_claims(),
            "POST",
            "/review/patients",
            &body.to_string(),
        ))
        .await;
    let patient_id = patient["id"].as_str().unwrap().to_owned();
    let body = create_body(routine_intake(), "video/mp4", MP4.len() as u64);
    let (_, created) = app
        .call(api(patient_claims(&patient_id), "POST", "/visits", &body))
        .await;
    let id = created["visit"]["id"].as_str().unwrap().to_owned();
    reqwest::Client::new()
        .put(created["upload"]["url"].as_str().unwrap())
        .header("content-type", "video/mp4")
        .body(MP4.to_vec())
        .send()
        .await
        .unwrap();

    let first = upload_received::handle(&app.services, s3_event(first_key(&id).as_str())).await;
    let second = upload_received::handle(&app.services, s3_event(first_key(&id).as_str())).await;

    assert_eq!(first.unwrap(), vec![upload_received::Outcome::Submitted]);
    assert_eq!(second.unwrap(), vec![upload_received::Outcome::Duplicate]);
    assert_eq!(app.subjects_to(&email).await, ["We received your visit"]);
}

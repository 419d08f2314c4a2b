//! The local servers that speak the AWS wire protocols: moto (DynamoDB, SES v2, Scheduler,
//! Cognito) and s3s-fs (S3, verifying SigV4 signatures as AWS does). `scripts/test.sh`
//! installs them into `.tools/` and starts them, passing their endpoints in `MOTO_ENDPOINT`
//! and `S3_ENDPOINT`; run outside it, the first test that needs one starts it from `.tools/`
//! with a watchdog that stops it when the test process ends.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The access key both servers are started with.
pub const ACCESS_KEY: &str = "testing";
/// The secret key both servers are started with.
pub const SECRET_KEY: &str = "testing-secret";
/// The region the clients use.
pub const REGION: &str = "us-east-1";

fn tools() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `program args` in the background, to be stopped when this process ends.
fn spawn_watched(program: &Path, args: &[String]) {
    assert!(
        program.exists(),
        "{} is missing: run scripts/test.sh, which installs the local AWS servers",
        program.display()
    );
    let command = format!(
        "{} {} >/dev/null 2>&1 & server=$!; while kill -0 {} 2>/dev/null; do sleep 1; done; \
         kill $server",
        program.display(),
        args.join(" "),
        std::process::id()
    );
    let mut watchdog = Command::new("sh")
        .args(["-c", &command])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("a shell to start the server");
    // Reaped in the background: the watchdog lives as long as this process.
    std::thread::spawn(move || watchdog.wait());
}

fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the server on port {port} did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The moto endpoint.
pub fn moto() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(|| {
        if let Ok(endpoint) = std::env::var("MOTO_ENDPOINT") {
            return endpoint;
        }
        let port = free_port();
        let program = tools().join("venv/bin/moto_server");
        spawn_watched(
            &program,
            &[
                "-H".into(),
                "127.0.0.1".into(),
                "-p".into(),
                port.to_string(),
            ],
        );
        wait_until_listening(port);
        format!("http://127.0.0.1:{port}")
    })
}

/// The s3s-fs endpoint.
pub fn s3() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(|| {
        if let Ok(endpoint) = std::env::var("S3_ENDPOINT") {
            return endpoint;
        }
        let port = free_port();
        let root = std::env::temp_dir().join(format!("visits-s3-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let program = tools().join("bin/s3s-fs");
        let args = [
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_string(),
            "--access-key".into(),
            ACCESS_KEY.into(),
            "--secret-key".into(),
            SECRET_KEY.into(),
            root.display().to_string(),
        ];
        spawn_watched(&program, &args);
        wait_until_listening(port);
        format!("http://127.0.0.1:{port}")
    })
}

/// An SDK configuration pointed at `endpoint` with the test credentials.
pub async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    let credentials =
        aws_credential_types::Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "tests");
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(credentials)
        .load()
        .await
}

/// A name unique to this test run, for tables, buckets and schedule groups.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
        .chars()
        .take(48)
        .collect()
}

//! The one-machine stack: every function's handler in one process, on embedded adapters
//! (SQLite, a media folder, an outbox, durable timers), behind a small HTTP server that plays
//! API Gateway, S3's presigned URLs and EventBridge Scheduler. No AWS, no Docker.

pub mod cli;
pub mod events;
pub mod gateway;
pub mod identity;
mod pages;
mod seed;
mod server;
mod workers;

use identity::TokenIssuer;
use shared::calendar::PracticeCalendar;
use shared::embedded::{FolderMedia, LocalDirectory, Outbox, SqliteStore, SqliteTimers};
use shared::ports::{Clock, PortError, SystemClock};
use shared::services::Services;
use shared::settings::Settings;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use web_client::WebConfig;

/// How the stack is started.
#[derive(Clone)]
pub struct StackConfig {
    /// Where the database, media and keys live.
    pub data_dir: PathBuf,
    /// The address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    pub calendar: PracticeCalendar,
    /// The physician's address for alerts (it only reaches the outbox).
    pub physician_email: String,
    /// How often due timers are looked for.
    pub timer_poll: Duration,
    pub clock: Arc<dyn Clock>,
    /// How the pages are served: the dev sign-in unless a hosted sign-in is configured.
    pub web: WebConfig,
}

impl StackConfig {
    /// Defaults: `.data/`, 127.0.0.1:8080, the default practice calendar.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            calendar: PracticeCalendar::default(),
            physician_email: Settings::default().physician_email,
            timer_poll: Duration::from_secs(1),
            clock: Arc::new(SystemClock),
            web: WebConfig::local(),
        }
    }
}

/// What the server and the workers share.
pub(crate) struct Stack {
    pub services: Services,
    pub media: Arc<FolderMedia>,
    pub outbox: Arc<Outbox>,
    pub timers: Arc<SqliteTimers>,
    pub tokens: TokenIssuer,
    pub web: WebConfig,
}

/// A started stack.
pub struct RunningStack {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// `http://addr`.
    pub base_url: String,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningStack {
    /// Stops serving and the workers, and waits for them.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Opens the data folder, seeds demo accounts on first start, fires timers that fell due
/// while the stack was down, and starts serving.
pub async fn start(config: StackConfig) -> Result<RunningStack, PortError> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| PortError::new("creating the data folder", e))?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| PortError::new("binding the listen address", e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| PortError::new("reading the address", e))?;
    let base_url = format!("http://{addr}");

    let store = Arc::new(SqliteStore::open(&config.data_dir.join("visits.sqlite3"))?);
    let outbox = Arc::new(Outbox::new(&store).with_clock(config.clock.clone()));
    let timers = Arc::new(SqliteTimers::new(&store));
    let (created_tx, created_rx) = tokio::sync::mpsc::unbounded_channel();
    let media_key = seed::key(&config.data_dir.join("media.key"))?;
    let media = Arc::new(
        FolderMedia::open(
            config.data_dir.join("media"),
            base_url.clone(),
            media_key,
            created_tx,
        )?
        .with_clock(config.clock.clone()),
    );
    let tokens = TokenIssuer::new(seed::key(&config.data_dir.join("identity.key"))?);

    let settings = Settings {
        physician_email: config.physician_email.clone(),
        portal_url: format!("{base_url}/"),
        ..Settings::default()
    };
    let services = Services {
        store: store.clone(),
        media: media.clone(),
        notifier: outbox.clone(),
        scheduler: timers.clone(),
        identities: Arc::new(LocalDirectory),
        clock: config.clock.clone(),
        calendar: config.calendar.clone(),
        settings,
    };
    seed::demo_patients(&services).await?;

    let stack = Arc::new(Stack {
        services,
        media,
        outbox,
        timers,
        tokens,
        web: config.web.clone(),
    });
    let (shutdown, shutdown_rx) = watch::channel(false);
    let tasks = vec![
        tokio::spawn(server::serve(stack.clone(), listener, shutdown_rx.clone())),
        tokio::spawn(workers::uploads(
            stack.clone(),
            created_rx,
            shutdown_rx.clone(),
        )),
        tokio::spawn(workers::timers(stack, config.timer_poll, shutdown_rx)),
    ];
    tracing::info!(url = %base_url, "async visits is running");
    Ok(RunningStack {
        addr,
        base_url,
        shutdown,
        tasks,
    })
}

//! `stack`: runs async visits on this machine, or answers an operator's calendar question.

use shared::calendar::CalendarSettings;
use stack::cli::{self, Command};
use stack::{StackConfig, start};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,hyper=warn".into()),
        )
        .init();

    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args, CalendarSettings::from_env()) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };

    match command {
        Command::Help => println!("{}", cli::USAGE),
        Command::ClosedDays { year, calendar } => match calendar.build() {
            Ok(calendar) => print!("{}", cli::closed_days_report(&calendar, year)),
            Err(error) => return fail(&error),
        },
        Command::Deadline { at, calendar } => match calendar.build() {
            Ok(calendar) => print!("{}", cli::deadline_report(&calendar, at)),
            Err(error) => return fail(&error),
        },
        Command::Serve {
            listen,
            data_dir,
            calendar,
        } => {
            let calendar = match calendar.build() {
                Ok(calendar) => calendar,
                Err(error) => return fail(&error),
            };
            let web = match cli::web_config(|name| std::env::var(name).ok()) {
                Ok(web) => web,
                Err(message) => {
                    eprintln!("error: {message}");
                    return ExitCode::from(2);
                }
            };
            let mut config = StackConfig::new(data_dir);
            config.listen = listen;
            config.calendar = calendar;
            config.web = web;
            let running = match start(config).await {
                Ok(running) => running,
                Err(error) => return fail(&error),
            };
            println!("Async visits is running at {}/", running.base_url);
            println!(
                "Sign in locally through {}/dev/accounts; mail lands in {}/dev/outbox",
                running.base_url, running.base_url
            );
            let _ = tokio::signal::ctrl_c().await;
            running.stop().await;
        }
    }
    ExitCode::SUCCESS
}

fn fail(error: &dyn std::error::Error) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}

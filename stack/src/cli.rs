//! The stack's command line: serve (the default), and two operator commands that print the
//! practice's closed days for a year and the deadline of an instant. Each reads the calendar
//! from the environment (`PRACTICE_*`) and lets flags override it.

use shared::calendar::{CalendarSettings, ClosedReason, PracticeCalendar};
use std::net::SocketAddr;
use std::path::PathBuf;

/// What to do.
#[derive(Debug, PartialEq)]
pub enum Command {
    Serve {
        listen: SocketAddr,
        data_dir: PathBuf,
        calendar: CalendarSettings,
    },
    ClosedDays {
        year: i16,
        calendar: CalendarSettings,
    },
    Deadline {
        at: jiff::Timestamp,
        calendar: CalendarSettings,
    },
    Help,
}

/// The usage text.
pub const USAGE: &str = "\
usage: stack [serve] [--listen ADDR] [--data DIR] [calendar flags]
       stack closed-days YEAR [calendar flags]
       stack deadline RFC3339-INSTANT [calendar flags]

calendar flags (each overrides its environment variable):
  --zone NAME                    PRACTICE_TIME_ZONE              default America/New_York
  --close HH:MM                  PRACTICE_DAILY_CLOSE            default 17:00
  --reminder-lead-minutes N      PRACTICE_REMINDER_LEAD_MINUTES  default 120
  --closed-dates YYYY-MM-DD,...  PRACTICE_CLOSED_DATES           default none

serve also reads STACK_LISTEN (default 127.0.0.1:8080) and STACK_DATA_DIR (default .data).";

/// Parses arguments (without the program name), starting from `env` for defaults.
pub fn parse(args: &[String], env: CalendarSettings) -> Result<Command, String> {
    let mut calendar = env;
    let mut positional = Vec::new();
    let mut listen = std::env::var("STACK_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let mut data_dir = std::env::var("STACK_DATA_DIR").unwrap_or_else(|_| ".data".into());

    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))
        };
        match arg.as_str() {
            "--zone" => calendar.zone = Some(value(arg)?),
            "--close" => calendar.close = Some(value(arg)?),
            "--reminder-lead-minutes" => calendar.reminder_lead_minutes = Some(value(arg)?),
            "--closed-dates" => calendar.closed_dates = Some(value(arg)?),
            "--listen" => listen = value(arg)?,
            "--data" => data_dir = value(arg)?,
            "-h" | "--help" | "help" => return Ok(Command::Help),
            flag if flag.starts_with("--") => {
                return Err(format!("unknown flag {flag}\n\n{USAGE}"));
            }
            _ => positional.push(arg.clone()),
        }
    }

    match positional
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => {
            let listen = listen.parse().map_err(|_| {
                format!("--listen takes an address such as 127.0.0.1:8080, not {listen}")
            })?;
            Ok(Command::Serve {
                listen,
                data_dir: PathBuf::from(data_dir),
                calendar,
            })
        }
        ["closed-days", year] => {
            let year = year
                .parse()
                .map_err(|_| format!("closed-days takes a year such as 2027, not {year}"))?;
            Ok(Command::ClosedDays { year, calendar })
        }
        ["deadline", at] => {
            let at = at.parse().map_err(|_| {
                format!(
                    "deadline takes an RFC 3339 instant such as 2026-11-25T15:00:00-05:00, not {at}"
                )
            })?;
            Ok(Command::Deadline { at, calendar })
        }
        _ => Err(USAGE.to_owned()),
    }
}

/// The closed days of a year, one a line.
pub fn closed_days_report(calendar: &PracticeCalendar, year: i16) -> String {
    let mut out = format!(
        "Closed days of {year} ({}; every Saturday and Sunday is closed too):\n",
        calendar.zone_name()
    );
    for day in calendar.closed_days(year) {
        let why = match day.reason {
            ClosedReason::FederalHoliday(name) => name.to_owned(),
            ClosedReason::PracticeClosure => "practice closure".to_owned(),
            ClosedReason::Weekend => "weekend".to_owned(),
        };
        out.push_str(&format!(
            "{}  {:<9}  {why}\n",
            day.date,
            day.date.weekday_name()
        ));
    }
    out
}

/// The deadline and reminder of an instant, in UTC and in the practice's zone.
pub fn deadline_report(calendar: &PracticeCalendar, at: jiff::Timestamp) -> String {
    let due = calendar.due_for(at);
    format!(
        "received  {at}  ({})\ndeadline  {}  ({})\nreminder  {}  ({})\n",
        calendar.describe(at),
        due.deadline,
        calendar.describe(due.deadline),
        due.reminder_at,
        calendar.describe(due.reminder_at),
    )
}

trait WeekdayName {
    fn weekday_name(&self) -> &'static str;
}

impl WeekdayName for jiff::civil::Date {
    fn weekday_name(&self) -> &'static str {
        use jiff::civil::Weekday::*;
        match self.weekday() {
            Monday => "Monday",
            Tuesday => "Tuesday",
            Wednesday => "Wednesday",
            Thursday => "Thursday",
            Friday => "Friday",
            Saturday => "Saturday",
            Sunday => "Sunday",
        }
    }
}

//! The stack's command line: serve (the default), and two operator commands that print the
//! practice's closed days for a year and the deadline of an instant. Each reads the calendar
//! from the environment (`PRACTICE_*`) and lets flags override it.

use shared::calendar::{CalendarSettings, ClosedReason, PracticeCalendar};
use std::net::SocketAddr;
use std::path::PathBuf;
use web_client::{SignIn, WebConfig};

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

serve also reads STACK_LISTEN (default 127.0.0.1:8080) and STACK_DATA_DIR (default .data).
The pages use the dev sign-in unless both of these are set (to try a hosted sign-in such as
Cognito's; the stack cannot verify its tokens, so API calls are refused):
  STACK_COGNITO_DOMAIN_URL  the sign-in's origin (https://NAME.auth.REGION.amazoncognito.com)
  STACK_COGNITO_CLIENT_ID   the public app client's id";

/// How the pages sign in, from `STACK_COGNITO_DOMAIN_URL` and `STACK_COGNITO_CLIENT_ID` read
/// through `var`: the dev sign-in when neither is set.
pub fn web_config(var: impl Fn(&str) -> Option<String>) -> Result<WebConfig, String> {
    let domain = var("STACK_COGNITO_DOMAIN_URL").filter(|v| !v.trim().is_empty());
    let client = var("STACK_COGNITO_CLIENT_ID").filter(|v| !v.trim().is_empty());
    let sign_in = match (domain, client) {
        (None, None) => return Ok(WebConfig::local()),
        (Some(domain), Some(client)) => SignIn::cognito(&domain, &client)?,
        (Some(_), None) => return Err("STACK_COGNITO_CLIENT_ID is not set".to_owned()),
        (None, Some(_)) => return Err("STACK_COGNITO_DOMAIN_URL is not set".to_owned()),
    };
    Ok(WebConfig {
        sign_in,
        ..WebConfig::local()
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn error_of(list: &[&str]) -> String {
        parse(&args(list), CalendarSettings::default()).expect_err("the arguments are refused")
    }

    // `parse` reads STACK_LISTEN and STACK_DATA_DIR from the process environment; these tests
    // assume neither is set, as in CI.
    #[test]
    fn no_arguments_means_serve_with_the_defaults() {
        let command = parse(&[], CalendarSettings::default());

        assert_eq!(
            command,
            Ok(Command::Serve {
                listen: "127.0.0.1:8080".parse().unwrap(),
                data_dir: PathBuf::from(".data"),
                calendar: CalendarSettings::default(),
            })
        );
    }

    #[test]
    fn serve_takes_a_listen_address() {
        let command = parse(
            &args(&["serve", "--listen", "127.0.0.1:9000"]),
            CalendarSettings::default(),
        );

        assert_eq!(
            command,
            Ok(Command::Serve {
                listen: "127.0.0.1:9000".parse().unwrap(),
                data_dir: PathBuf::from(".data"),
                calendar: CalendarSettings::default(),
            })
        );
    }

    #[test]
    fn closed_days_takes_a_year() {
        let command = parse(&args(&["closed-days", "2027"]), CalendarSettings::default());

        assert_eq!(
            command,
            Ok(Command::ClosedDays {
                year: 2027,
                calendar: CalendarSettings::default(),
            })
        );
    }

    #[test]
    fn deadline_takes_an_instant_and_a_zone_flag() {
        let command = parse(
            &args(&[
                "deadline",
                "2026-11-25T15:00:00-05:00",
                "--zone",
                "America/Chicago",
            ]),
            CalendarSettings::default(),
        );

        assert_eq!(
            command,
            Ok(Command::Deadline {
                at: "2026-11-25T20:00:00Z".parse().unwrap(),
                calendar: CalendarSettings {
                    zone: Some("America/Chicago".to_owned()),
                    ..CalendarSettings::default()
                },
            })
        );
    }

    #[test]
    fn a_flag_overrides_the_environment_and_the_rest_of_the_environment_stays() {
        let env = CalendarSettings {
            zone: Some("America/Denver".to_owned()),
            close: Some("16:30".to_owned()),
            ..CalendarSettings::default()
        };

        let command = parse(
            &args(&["closed-days", "2027", "--zone", "Europe/Paris"]),
            env,
        );

        assert_eq!(
            command,
            Ok(Command::ClosedDays {
                year: 2027,
                calendar: CalendarSettings {
                    zone: Some("Europe/Paris".to_owned()),
                    close: Some("16:30".to_owned()),
                    ..CalendarSettings::default()
                },
            })
        );
    }

    #[test]
    fn help_is_recognised() {
        let command = parse(&args(&["--help"]), CalendarSettings::default());

        assert_eq!(command, Ok(Command::Help));
    }

    #[test]
    fn an_unknown_flag_is_refused_by_name_with_the_usage() {
        let error = error_of(&["serve", "--verbose"]);

        assert!(error.starts_with("unknown flag --verbose"), "{error}");
        assert!(error.contains(USAGE), "{error}");
    }

    #[test]
    fn a_flag_without_its_value_is_refused_by_name() {
        let error = error_of(&["serve", "--listen"]);

        assert!(error.starts_with("--listen needs a value"), "{error}");
    }

    #[test]
    fn a_bad_listen_address_is_refused() {
        let error = error_of(&["--listen", "localhost"]);

        assert!(error.contains("not localhost"), "{error}");
    }

    #[test]
    fn a_year_that_is_not_a_number_is_refused() {
        let error = error_of(&["closed-days", "next-year"]);

        assert_eq!(
            error,
            "closed-days takes a year such as 2027, not next-year"
        );
    }

    #[test]
    fn an_instant_that_is_not_rfc_3339_is_refused() {
        let error = error_of(&["deadline", "2026-11-25 3pm"]);

        assert!(
            error.starts_with("deadline takes an RFC 3339 instant"),
            "{error}"
        );
        assert!(error.ends_with("not 2026-11-25 3pm"), "{error}");
    }

    #[test]
    fn a_command_with_too_many_arguments_gets_the_usage() {
        let error = error_of(&["closed-days", "2027", "2028"]);

        assert_eq!(error, USAGE);
    }

    #[test]
    fn closed_days_of_2027_list_the_observed_dates() {
        let calendar = PracticeCalendar::default();

        let report = closed_days_report(&calendar, 2027);

        // Juneteenth falls on a Saturday in 2027, Christmas too, and New Year's Day 2028 as
        // well: each is observed on the Friday before, the last one still in 2027.
        for line in [
            "2027-06-18  Friday     Juneteenth National Independence Day",
            "2027-12-24  Friday     Christmas Day",
            "2027-12-31  Friday     New Year's Day",
        ] {
            assert!(
                report.lines().any(|l| l == line),
                "{line:?} missing from:\n{report}"
            );
        }
        assert!(
            report.starts_with("Closed days of 2027 (America/New_York;"),
            "{report}"
        );
        assert!(!report.contains("2027-06-19"), "{report}");
        assert!(!report.contains("2027-12-25"), "{report}");
    }

    #[test]
    fn closed_days_of_2027_list_twelve_observed_dates() {
        let calendar = PracticeCalendar::default();

        let report = closed_days_report(&calendar, 2027);

        // New Year's Day 2027 is a Friday and 2028's is observed on 2027-12-31, so 2027
        // lists twelve observed dates: eleven holidays plus the next year's New Year's Day.
        assert_eq!(report.lines().count(), 1 + 12, "{report}");
    }

    #[test]
    fn the_deadline_of_the_wednesday_before_thanksgiving_is_friday_at_the_close() {
        let calendar = PracticeCalendar::default();
        let wednesday_afternoon = "2026-11-25T15:00:00-05:00".parse().unwrap();

        let report = deadline_report(&calendar, wednesday_afternoon);

        let deadline = report.lines().nth(1).unwrap_or_default();
        assert_eq!(
            deadline,
            "deadline  2026-11-27T22:00:00Z  (Friday, November 27, 2026 at 5:00 PM EST)"
        );
        let reminder = report.lines().nth(2).unwrap_or_default();
        assert_eq!(
            reminder,
            "reminder  2026-11-27T20:00:00Z  (Friday, November 27, 2026 at 3:00 PM EST)"
        );
    }

    #[test]
    fn the_pages_use_the_dev_sign_in_unless_a_hosted_one_is_named() {
        let vars = |pairs: &'static [(&str, &str)]| {
            move |name: &str| {
                let found = pairs.iter().find(|(n, _)| *n == name);
                found.map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(web_config(vars(&[])), Ok(WebConfig::local()));
        let both = web_config(vars(&[
            ("STACK_COGNITO_DOMAIN_URL", "http://127.0.0.1:9001"),
            ("STACK_COGNITO_CLIENT_ID", "client"),
        ]));
        assert_eq!(
            both.unwrap().sign_in,
            SignIn::cognito("http://127.0.0.1:9001", "client").unwrap()
        );
        let half = web_config(vars(&[(
            "STACK_COGNITO_DOMAIN_URL",
            "http://127.0.0.1:9001",
        )]));
        assert!(half.unwrap_err().contains("STACK_COGNITO_CLIENT_ID"));
    }
}

//! The practice calendar: when the physician owes a response.
//!
//! The practice works in one time zone and closes at a fixed local time each business day. A
//! response is due at the close of the first business day strictly after the local date on which
//! the upload was verified (or the patient's answer came in), and a reminder goes out a fixed lead
//! before that. Business days exclude weekends, the eleven US federal holidays as observed, and
//! any extra dates the practice closes.

mod holidays;

#[cfg(test)]
mod tests;

use crate::visit::Due;
use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ZonedDateTime};
use serde::Serialize;

pub use jiff::civil::{Date, Time};

/// The time zone used when none is configured.
const DEFAULT_ZONE: &str = "America/New_York";

/// The daily close used when none is configured: 17:00 local.
const DEFAULT_CLOSE: Time = Time::constant(17, 0, 0, 0);

/// The reminder lead used when none is configured, in minutes.
const DEFAULT_LEAD_MINUTES: i64 = 120;

/// Leads of this many minutes or more are refused: a reminder half a business day early or more
/// is no longer a reminder, and would land on the previous day for an early close.
const MAX_LEAD_MINUTES: i64 = 12 * 60;

const ZONE_VAR: &str = "PRACTICE_TIME_ZONE";
const CLOSE_VAR: &str = "PRACTICE_DAILY_CLOSE";
const LEAD_VAR: &str = "PRACTICE_REMINDER_LEAD_MINUTES";
const CLOSED_DATES_VAR: &str = "PRACTICE_CLOSED_DATES";

/// The environment variables [`CalendarSettings::from_env`] reads, in the order of the fields of
/// [`CalendarSettings`]: time zone, daily close, reminder lead in minutes, closed dates.
pub const CALENDAR_ENV_VARS: [&str; 4] = [ZONE_VAR, CLOSE_VAR, LEAD_VAR, CLOSED_DATES_VAR];

/// Why a day is closed.
///
/// Serialized as `{"kind": "weekend"}`, `{"kind": "federal_holiday", "name": "Labor Day"}` or
/// `{"kind": "practice_closure"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum ClosedReason {
    /// A Saturday or Sunday.
    Weekend,
    /// The observed date of a US federal holiday, with the holiday's name.
    FederalHoliday(&'static str),
    /// A date the practice added to its closures.
    PracticeClosure,
}

/// A date on which the practice is closed, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClosedDay {
    /// The closed date, in the practice's calendar.
    pub date: Date,
    /// Why the practice is closed that day.
    pub reason: ClosedReason,
}

/// A calendar setting that could not be accepted. Each message names the bad value and the
/// expected form, so it can be shown to an operator as is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The time zone is not in the bundled IANA database.
    #[error(
        "time zone `{0}` is not a known time zone: expected an IANA name such as \
         America/New_York"
    )]
    UnknownZone(String),

    /// The daily close is not a time of day.
    #[error(
        "daily close `{0}` is not a time of day: expected HH:MM on a 24-hour clock, such as 17:00"
    )]
    BadClose(String),

    /// The reminder lead is not a number of minutes, or is out of range.
    #[error(
        "reminder lead `{0}` is not allowed: expected a whole number of minutes from 1 to 719 \
         (more than zero and less than 12 hours), such as 120"
    )]
    BadLead(String),

    /// A closed date is not a calendar date.
    #[error(
        "closed date `{0}` is not a date: expected YYYY-MM-DD, such as 2026-12-24, with several \
         dates separated by commas"
    )]
    BadDate(String),
}

/// The practice's business calendar: its zone, daily close, reminder lead and closed days.
#[derive(Clone, Debug)]
pub struct PracticeCalendar {
    zone: TimeZone,
    zone_name: String,
    close: Time,
    reminder_lead: SignedDuration,
    extra_closed: Vec<Date>,
}

impl PracticeCalendar {
    /// A calendar in the IANA time zone `zone` that closes at `close` local time each business
    /// day, reminds `reminder_lead` before each deadline, and is also closed on `extra_closed`.
    ///
    /// Refuses an unknown zone, and a lead that is zero, negative, or 12 hours or more.
    pub fn new(
        zone: &str,
        close: Time,
        reminder_lead: SignedDuration,
        extra_closed: Vec<Date>,
    ) -> Result<Self, CalendarError> {
        let tz = TimeZone::get(zone).map_err(|_| CalendarError::UnknownZone(zone.to_string()))?;

        // The database lookup is case-insensitive; keep its canonical spelling for display.
        let zone_name = tz.iana_name().unwrap_or(zone).to_string();

        if reminder_lead <= SignedDuration::ZERO
            || reminder_lead >= SignedDuration::from_mins(MAX_LEAD_MINUTES)
        {
            return Err(CalendarError::BadLead(format!("{reminder_lead:#}")));
        }

        let mut extra_closed = extra_closed;
        extra_closed.sort();
        extra_closed.dedup();

        Ok(Self {
            zone: tz,
            zone_name,
            close,
            reminder_lead,
            extra_closed,
        })
    }

    /// The IANA name of the practice's time zone, such as `America/New_York`.
    pub fn zone_name(&self) -> &str {
        &self.zone_name
    }

    /// The local wall-clock time at which the practice closes each business day.
    pub fn close(&self) -> Time {
        self.close
    }

    /// How long before a deadline its reminder is due.
    pub fn reminder_lead(&self) -> SignedDuration {
        self.reminder_lead
    }

    /// The extra dates the practice is closed, sorted and without repeats.
    pub fn extra_closed(&self) -> &[Date] {
        &self.extra_closed
    }

    /// Why the practice is closed on `date`, or `None` on a business day.
    ///
    /// When several reasons apply, a weekend wins over a holiday, and a holiday over a practice
    /// closure.
    pub fn closed_reason(&self, date: Date) -> Option<ClosedReason> {
        if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
            return Some(ClosedReason::Weekend);
        }

        if let Some(name) = holidays::observed_on(date) {
            return Some(ClosedReason::FederalHoliday(name));
        }

        if self.extra_closed.binary_search(&date).is_ok() {
            return Some(ClosedReason::PracticeClosure);
        }

        None
    }

    /// Whether the practice is open on `date`.
    pub fn is_business_day(&self, date: Date) -> bool {
        self.closed_reason(date).is_none()
    }

    /// The closed days of `year` that are not weekends, sorted by date: observed federal
    /// holidays and practice closures, each date once with the reason
    /// [`closed_reason`](Self::closed_reason) gives it.
    ///
    /// A holiday is listed by its observed date, in the year that date falls in: New Year's Day
    /// 2022 (a Saturday) gives Friday 2021-12-31 in the list for 2021, and nothing in January
    /// 2022.
    pub fn closed_days(&self, year: i16) -> Vec<ClosedDay> {
        let holidays = holidays::observed_in_year(year)
            .into_iter()
            .map(|(date, _)| date);
        let closures = self
            .extra_closed
            .iter()
            .copied()
            .filter(|date| date.year() == year);

        let mut dates: Vec<Date> = holidays.chain(closures).collect();
        dates.sort();
        dates.dedup();

        dates
            .into_iter()
            .filter_map(|date| match self.closed_reason(date)? {
                ClosedReason::Weekend => None,
                reason => Some(ClosedDay { date, reason }),
            })
            .collect()
    }

    /// The deadline and reminder for an upload verified (or an answer received) at `at`.
    ///
    /// The deadline is the daily close, in the practice's zone, of the first business day
    /// strictly after the local date of `at`: Friday afternoon gives Monday's close, and so does
    /// any time on Saturday. The reminder is the deadline minus the reminder lead, in absolute
    /// time. A close that falls in a DST gap or fold is resolved as jiff's `compatible`
    /// disambiguation does (the later time in a gap, the earlier in a fold).
    pub fn due_for(&self, at: Timestamp) -> Due {
        let local_date = self.zone.to_datetime(at).date();

        // Only an instant within days of the end of jiff's range (year 9999) has no next
        // business day. A deadline that never arrives is the harmless answer there, and keeps
        // every caller free of an error that cannot happen in practice.
        let deadline = self
            .next_business_day(local_date)
            .and_then(|day| {
                self.zone
                    .to_zoned_datetime(day.to_datetime(self.close))
                    .ok()
            })
            .map_or(Timestamp::MAX, |zdt| zdt.timestamp());

        let reminder_at = deadline.checked_sub(self.reminder_lead).unwrap_or(deadline);

        Due {
            deadline,
            reminder_at,
        }
    }

    /// `at` in the practice's time zone.
    pub fn local(&self, at: Timestamp) -> ZonedDateTime {
        at.to_zoned_datetime(self.zone.clone())
    }

    /// `at` as a person reads it in the practice's zone, such as
    /// "Monday, December 7, 2026 at 5:00 PM EST".
    pub fn describe(&self, at: Timestamp) -> String {
        let local = self.local(at);

        // Formatting a zoned time with these specifiers does not fail in practice; fall back to
        // the ISO form rather than panic if it ever does.
        jiff::fmt::strtime::format("%A, %B %-d, %Y at %-I:%M %p %Z", &local)
            .unwrap_or_else(|_| local.to_string())
    }

    /// The first business day after `date`, or `None` past the end of the supported range.
    fn next_business_day(&self, date: Date) -> Option<Date> {
        // Terminates: weekends and holidays are never more than a few days in a row, and the
        // practice's own closures are a finite list.
        let mut day = date.tomorrow().ok()?;
        while !self.is_business_day(day) {
            day = day.tomorrow().ok()?;
        }
        Some(day)
    }
}

impl Default for PracticeCalendar {
    /// The practice's defaults: `America/New_York`, closing at 17:00, reminding 2 hours ahead,
    /// with no extra closed dates.
    fn default() -> Self {
        Self::new(
            DEFAULT_ZONE,
            DEFAULT_CLOSE,
            SignedDuration::from_mins(DEFAULT_LEAD_MINUTES),
            vec![],
        )
        .expect("the default calendar settings are valid")
    }
}

/// Calendar settings as operators give them, by flag or environment, before they are checked.
/// A field that is `None` (or blank) takes the default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CalendarSettings {
    /// An IANA time zone name; default `America/New_York`.
    pub zone: Option<String>,
    /// The daily close as `HH:MM` on a 24-hour clock; default `17:00`.
    pub close: Option<String>,
    /// The reminder lead in whole minutes, from 1 to 719; default `120`.
    pub reminder_lead_minutes: Option<String>,
    /// Extra closed dates as comma-separated `YYYY-MM-DD`; spaces and empty entries are allowed.
    pub closed_dates: Option<String>,
}

impl CalendarSettings {
    /// Reads `PRACTICE_TIME_ZONE`, `PRACTICE_DAILY_CLOSE`, `PRACTICE_REMINDER_LEAD_MINUTES` and
    /// `PRACTICE_CLOSED_DATES`. A variable that is unset, empty or not Unicode is left `None`,
    /// so it takes the default.
    pub fn from_env() -> Self {
        let read = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        };

        Self {
            zone: read(ZONE_VAR),
            close: read(CLOSE_VAR),
            reminder_lead_minutes: read(LEAD_VAR),
            closed_dates: read(CLOSED_DATES_VAR),
        }
    }

    /// Checks the settings and builds the calendar, filling in defaults for the missing ones.
    /// The first bad value found is reported, in field order.
    pub fn build(&self) -> Result<PracticeCalendar, CalendarError> {
        let zone = given(&self.zone).unwrap_or(DEFAULT_ZONE);
        let close = given(&self.close).map_or(Ok(DEFAULT_CLOSE), parse_close)?;
        let lead_minutes =
            given(&self.reminder_lead_minutes).map_or(Ok(DEFAULT_LEAD_MINUTES), parse_lead)?;
        let closed = given(&self.closed_dates).map_or(Ok(vec![]), parse_dates)?;

        PracticeCalendar::new(zone, close, SignedDuration::from_mins(lead_minutes), closed)
    }
}

/// The trimmed value of a setting, or `None` when it is missing or blank.
fn given(setting: &Option<String>) -> Option<&str> {
    setting
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// Parses `H:MM` or `HH:MM` on a 24-hour clock.
fn parse_close(text: &str) -> Result<Time, CalendarError> {
    let bad = || CalendarError::BadClose(text.to_string());

    let (hour, minute) = text.split_once(':').ok_or_else(bad)?;
    if !(1..=2).contains(&hour.len()) || minute.len() != 2 {
        return Err(bad());
    }

    let hour = digits(hour).ok_or_else(bad)?;
    let minute = digits(minute).ok_or_else(bad)?;
    Time::new(hour, minute, 0, 0).map_err(|_| bad())
}

/// Parses a whole number of minutes in the accepted range for a reminder lead.
fn parse_lead(text: &str) -> Result<i64, CalendarError> {
    // Range-checked here, not left to `PracticeCalendar::new`, so the error quotes what the
    // operator typed rather than a converted duration.
    text.parse::<i64>()
        .ok()
        .filter(|minutes| (1..MAX_LEAD_MINUTES).contains(minutes))
        .ok_or_else(|| CalendarError::BadLead(text.to_string()))
}

/// Parses comma-separated `YYYY-MM-DD` dates, skipping empty entries.
fn parse_dates(text: &str) -> Result<Vec<Date>, CalendarError> {
    text.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(parse_date)
        .collect()
}

/// Parses exactly `YYYY-MM-DD`; jiff's own parser also takes other ISO 8601 forms, which an
/// operator typing a list of dates is more likely to have mistyped than meant.
fn parse_date(text: &str) -> Result<Date, CalendarError> {
    let bad = || CalendarError::BadDate(text.to_string());

    let mut parts = text.split('-');
    let (Some(year), Some(month), Some(day), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return Err(bad());
    }

    let year = digits(year).ok_or_else(bad)?;
    let month = digits(month).ok_or_else(bad)?;
    let day = digits(day).ok_or_else(bad)?;
    Date::new(year, month, day).map_err(|_| bad())
}

/// The value of a run of ASCII digits; `None` for anything else, including the signs that
/// `str::parse` would accept, and for values that overflow `T`.
fn digits<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

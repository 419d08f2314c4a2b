//! The eleven US federal holidays and the federal observance rule.
//!
//! The rules are written out here rather than taken from a crate because the observance rule is
//! the part that matters for deadlines, and it is the part holiday crates tend to get wrong: a
//! holiday on a Saturday is observed the Friday before, one on a Sunday the Monday after, and New
//! Year's Day on a Saturday is observed on December 31 of the *previous* year (5 U.S.C. 6103 and
//! Executive Order 11582, as applied by OPM).

use jiff::civil::{Date, Weekday};

/// How a holiday's actual (unobserved) date is found in a given year.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// The same month and day every year; may fall on a weekend, so it is subject to observance.
    Fixed { month: i8, day: i8 },

    /// The nth given weekday of a month (negative counts from the end of the month). Always a
    /// weekday, so observance never moves it.
    NthWeekday {
        month: i8,
        nth: i8,
        weekday: Weekday,
    },
}

/// One federal holiday.
#[derive(Clone, Copy, Debug)]
struct Holiday {
    name: &'static str,
    rule: Rule,

    /// The first year the holiday was a federal holiday. Only Juneteenth needs this within any
    /// range a practice will look at: it was first observed on Friday, June 18, 2021.
    since: i16,
}

/// The eleven holidays, in calendar order, under the names the design gives them.
const HOLIDAYS: [Holiday; 11] = [
    Holiday::fixed("New Year's Day", 1, 1),
    Holiday::nth_weekday("Birthday of Martin Luther King Jr.", 1, 3, Weekday::Monday),
    Holiday::nth_weekday("Washington's Birthday", 2, 3, Weekday::Monday),
    Holiday::nth_weekday("Memorial Day", 5, -1, Weekday::Monday),
    Holiday::fixed("Juneteenth National Independence Day", 6, 19).since(2021),
    Holiday::fixed("Independence Day", 7, 4),
    Holiday::nth_weekday("Labor Day", 9, 1, Weekday::Monday),
    Holiday::nth_weekday("Columbus Day", 10, 2, Weekday::Monday),
    Holiday::fixed("Veterans Day", 11, 11),
    Holiday::nth_weekday("Thanksgiving Day", 11, 4, Weekday::Thursday),
    Holiday::fixed("Christmas Day", 12, 25),
];

impl Holiday {
    /// A holiday on the same month and day every year, since time immemorial.
    const fn fixed(name: &'static str, month: i8, day: i8) -> Self {
        Self {
            name,
            rule: Rule::Fixed { month, day },
            since: i16::MIN,
        }
    }

    /// A holiday on the `nth` `weekday` of `month` (negative `nth` counts from the end).
    const fn nth_weekday(name: &'static str, month: i8, nth: i8, weekday: Weekday) -> Self {
        Self {
            name,
            rule: Rule::NthWeekday {
                month,
                nth,
                weekday,
            },
            since: i16::MIN,
        }
    }

    /// The same holiday, first observed in `year`.
    const fn since(self, year: i16) -> Self {
        Self {
            since: year,
            ..self
        }
    }

    /// The day the holiday is observed for its occurrence in `year`, or `None` when it was not
    /// yet a holiday or the date is outside the range jiff can represent.
    fn observed_for(&self, year: i16) -> Option<Date> {
        if year < self.since {
            return None;
        }

        match self.rule {
            Rule::Fixed { month, day } => {
                let actual = Date::new(year, month, day).ok()?;
                match actual.weekday() {
                    Weekday::Saturday => actual.yesterday().ok(),
                    Weekday::Sunday => actual.tomorrow().ok(),
                    _ => Some(actual),
                }
            }
            Rule::NthWeekday {
                month,
                nth,
                weekday,
            } => Date::new(year, month, 1)
                .ok()?
                .nth_weekday_of_month(nth, weekday)
                .ok(),
        }
    }
}

/// The observed federal holidays whose observed date falls in `year`, sorted by date, each with
/// its name.
///
/// An observed date belongs to the year it falls in, not to the year of the holiday: New Year's
/// Day 2022 (a Saturday) appears in the list for 2021 as Friday, December 31, and January 2022
/// has no New Year's holiday at all.
pub(super) fn observed_in_year(year: i16) -> Vec<(Date, &'static str)> {
    // Observance moves a date by at most one day, so only the occurrences of this year and the
    // next can land in this year (the next only through New Year's Day on a Saturday).
    let years = [Some(year), year.checked_add(1)];

    let mut observed: Vec<(Date, &'static str)> = years
        .into_iter()
        .flatten()
        .flat_map(|y| {
            HOLIDAYS
                .iter()
                .filter_map(move |h| Some((h.observed_for(y)?, h.name)))
        })
        .filter(|(date, _)| date.year() == year)
        .collect();

    observed.sort_by_key(|(date, _)| *date);
    observed
}

/// The name of the federal holiday observed on `date`, if any.
pub(super) fn observed_on(date: Date) -> Option<&'static str> {
    observed_in_year(date.year())
        .into_iter()
        .find(|(d, _)| *d == date)
        .map(|(_, name)| name)
}

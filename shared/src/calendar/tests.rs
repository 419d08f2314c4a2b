use super::*;

const NEW_YEAR: &str = "New Year's Day";
const MLK: &str = "Birthday of Martin Luther King Jr.";
const WASHINGTON: &str = "Washington's Birthday";
const MEMORIAL: &str = "Memorial Day";
const JUNETEENTH: &str = "Juneteenth National Independence Day";
const INDEPENDENCE: &str = "Independence Day";
const LABOR: &str = "Labor Day";
const COLUMBUS: &str = "Columbus Day";
const VETERANS: &str = "Veterans Day";
const THANKSGIVING: &str = "Thanksgiving Day";
const CHRISTMAS: &str = "Christmas Day";

/// Observed federal holidays 2020–2030 as OPM publishes them, each under the year its observed
/// date falls in. Juneteenth starts in 2021; New Year's 2022 and 2028 fall on Saturdays and are
/// observed the December 31 before.
#[rustfmt::skip]
const OPM_OBSERVED: &[(&str, &str)] = &[
    // 2020
    ("2020-01-01", NEW_YEAR), ("2020-01-20", MLK), ("2020-02-17", WASHINGTON),
    ("2020-05-25", MEMORIAL), ("2020-07-03", INDEPENDENCE), ("2020-09-07", LABOR),
    ("2020-10-12", COLUMBUS), ("2020-11-11", VETERANS), ("2020-11-26", THANKSGIVING),
    ("2020-12-25", CHRISTMAS),
    // 2021
    ("2021-01-01", NEW_YEAR), ("2021-01-18", MLK), ("2021-02-15", WASHINGTON),
    ("2021-05-31", MEMORIAL), ("2021-06-18", JUNETEENTH), ("2021-07-05", INDEPENDENCE),
    ("2021-09-06", LABOR), ("2021-10-11", COLUMBUS), ("2021-11-11", VETERANS),
    ("2021-11-25", THANKSGIVING), ("2021-12-24", CHRISTMAS), ("2021-12-31", NEW_YEAR),
    // 2022
    ("2022-01-17", MLK), ("2022-02-21", WASHINGTON), ("2022-05-30", MEMORIAL),
    ("2022-06-20", JUNETEENTH), ("2022-07-04", INDEPENDENCE), ("2022-09-05", LABOR),
    ("2022-10-10", COLUMBUS), ("2022-11-11", VETERANS), ("2022-11-24", THANKSGIVING),
    ("2022-12-26", CHRISTMAS),
    // 2023
    ("2023-01-02", NEW_YEAR), ("2023-01-16", MLK), ("2023-02-20", WASHINGTON),
    ("2023-05-29", MEMORIAL), ("2023-06-19", JUNETEENTH), ("2023-07-04", INDEPENDENCE),
    ("2023-09-04", LABOR), ("2023-10-09", COLUMBUS), ("2023-11-10", VETERANS),
    ("2023-11-23", THANKSGIVING), ("2023-12-25", CHRISTMAS),
    // 2024
    ("2024-01-01", NEW_YEAR), ("2024-01-15", MLK), ("2024-02-19", WASHINGTON),
    ("2024-05-27", MEMORIAL), ("2024-06-19", JUNETEENTH), ("2024-07-04", INDEPENDENCE),
    ("2024-09-02", LABOR), ("2024-10-14", COLUMBUS), ("2024-11-11", VETERANS),
    ("2024-11-28", THANKSGIVING), ("2024-12-25", CHRISTMAS),
    // 2025
    ("2025-01-01", NEW_YEAR), ("2025-01-20", MLK), ("2025-02-17", WASHINGTON),
    ("2025-05-26", MEMORIAL), ("2025-06-19", JUNETEENTH), ("2025-07-04", INDEPENDENCE),
    ("2025-09-01", LABOR), ("2025-10-13", COLUMBUS), ("2025-11-11", VETERANS),
    ("2025-11-27", THANKSGIVING), ("2025-12-25", CHRISTMAS),
    // 2026
    ("2026-01-01", NEW_YEAR), ("2026-01-19", MLK), ("2026-02-16", WASHINGTON),
    ("2026-05-25", MEMORIAL), ("2026-06-19", JUNETEENTH), ("2026-07-03", INDEPENDENCE),
    ("2026-09-07", LABOR), ("2026-10-12", COLUMBUS), ("2026-11-11", VETERANS),
    ("2026-11-26", THANKSGIVING), ("2026-12-25", CHRISTMAS),
    // 2027
    ("2027-01-01", NEW_YEAR), ("2027-01-18", MLK), ("2027-02-15", WASHINGTON),
    ("2027-05-31", MEMORIAL), ("2027-06-18", JUNETEENTH), ("2027-07-05", INDEPENDENCE),
    ("2027-09-06", LABOR), ("2027-10-11", COLUMBUS), ("2027-11-11", VETERANS),
    ("2027-11-25", THANKSGIVING), ("2027-12-24", CHRISTMAS), ("2027-12-31", NEW_YEAR),
    // 2028
    ("2028-01-17", MLK), ("2028-02-21", WASHINGTON), ("2028-05-29", MEMORIAL),
    ("2028-06-19", JUNETEENTH), ("2028-07-04", INDEPENDENCE), ("2028-09-04", LABOR),
    ("2028-10-09", COLUMBUS), ("2028-11-10", VETERANS), ("2028-11-23", THANKSGIVING),
    ("2028-12-25", CHRISTMAS),
    // 2029
    ("2029-01-01", NEW_YEAR), ("2029-01-15", MLK), ("2029-02-19", WASHINGTON),
    ("2029-05-28", MEMORIAL), ("2029-06-19", JUNETEENTH), ("2029-07-04", INDEPENDENCE),
    ("2029-09-03", LABOR), ("2029-10-08", COLUMBUS), ("2029-11-12", VETERANS),
    ("2029-11-22", THANKSGIVING), ("2029-12-25", CHRISTMAS),
    // 2030
    ("2030-01-01", NEW_YEAR), ("2030-01-21", MLK), ("2030-02-18", WASHINGTON),
    ("2030-05-27", MEMORIAL), ("2030-06-19", JUNETEENTH), ("2030-07-04", INDEPENDENCE),
    ("2030-09-02", LABOR), ("2030-10-14", COLUMBUS), ("2030-11-11", VETERANS),
    ("2030-11-28", THANKSGIVING), ("2030-12-25", CHRISTMAS),
];

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

fn instant(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn minutes(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

fn holiday(name: &'static str) -> Option<ClosedReason> {
    Some(ClosedReason::FederalHoliday(name))
}

const WEEKEND: Option<ClosedReason> = Some(ClosedReason::Weekend);

fn calendar(zone: &str, close: &str, lead_minutes: i64, extra: &[&str]) -> PracticeCalendar {
    let close = parse_close(close).unwrap();
    let extra = extra.iter().map(|d| date(d)).collect();
    PracticeCalendar::new(zone, close, minutes(lead_minutes), extra).unwrap()
}

fn new_york_with_closures(extra: &[&str]) -> PracticeCalendar {
    calendar("America/New_York", "17:00", 120, extra)
}

/// Why the default calendar is closed on `d`.
fn reason(d: &str) -> Option<ClosedReason> {
    PracticeCalendar::default().closed_reason(date(d))
}

/// `at` as local wall-clock time with its UTC offset, so the offset is checked too.
fn wall(calendar: &PracticeCalendar, at: Timestamp) -> String {
    calendar
        .local(at)
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

#[track_caller]
fn assert_deadline(calendar: &PracticeCalendar, at: &str, expected: &str) {
    let due = calendar.due_for(instant(at));
    assert_eq!(wall(calendar, due.deadline), expected, "deadline of {at}");
}

#[track_caller]
fn assert_reminder(calendar: &PracticeCalendar, at: &str, expected: &str) {
    let due = calendar.due_for(instant(at));
    let reminder = wall(calendar, due.reminder_at);
    assert_eq!(reminder, expected, "reminder of {at}");
}

/// The error from building settings that are the defaults except for what `set` changes.
fn build_error(set: impl FnOnce(&mut CalendarSettings)) -> CalendarError {
    let mut settings = CalendarSettings::default();
    set(&mut settings);
    settings.build().unwrap_err()
}

#[test]
fn every_federal_holiday_from_2020_to_2030_falls_on_its_published_observed_date() {
    let calendar = PracticeCalendar::default();

    for year in 2020..=2030 {
        let expected: Vec<ClosedDay> = OPM_OBSERVED
            .iter()
            .filter(|(d, _)| date(d).year() == year)
            .map(|&(d, name)| (d, ClosedReason::FederalHoliday(name)))
            .map(|(d, reason)| ClosedDay {
                date: date(d),
                reason,
            })
            .collect();

        assert_eq!(calendar.closed_days(year), expected, "holidays of {year}");
    }
}

#[test]
fn a_holiday_on_a_saturday_is_observed_the_friday_before_and_the_saturday_stays_a_weekend() {
    assert_eq!(reason("2026-07-03"), holiday(INDEPENDENCE));
    assert_eq!(reason("2026-07-04"), WEEKEND);
}

#[test]
fn a_holiday_on_a_sunday_is_observed_the_monday_after() {
    assert_eq!(reason("2021-07-05"), holiday(INDEPENDENCE));
    assert_eq!(reason("2021-07-04"), WEEKEND);
}

#[test]
fn new_years_day_on_a_saturday_is_observed_on_december_31_of_the_year_before() {
    assert_eq!(reason("2032-12-31"), holiday(NEW_YEAR));
    assert_eq!(reason("2033-01-01"), WEEKEND);
    assert_eq!(reason("2033-01-03"), None);
}

#[test]
fn juneteenth_is_a_business_day_before_it_became_a_holiday_in_2021() {
    let calendar = PracticeCalendar::default();

    assert!(calendar.is_business_day(date("2020-06-19")));
    assert!(!calendar.is_business_day(date("2021-06-18")));
}

#[test]
fn closed_days_for_2021_include_new_years_2022_on_december_31() {
    let closed = PracticeCalendar::default().closed_days(2021);

    let last = closed.last().unwrap();
    assert_eq!(last.date, date("2021-12-31"));
    assert_eq!(Some(last.reason), holiday(NEW_YEAR));
}

#[test]
fn closed_days_for_2022_have_nothing_in_january_before_mlk_day() {
    let closed = PracticeCalendar::default().closed_days(2022);

    assert_eq!(closed[0].date, date("2022-01-17"));
    assert_eq!(Some(closed[0].reason), holiday(MLK));
}

#[test]
fn weekends_are_closed_and_ordinary_weekdays_are_open() {
    let calendar = PracticeCalendar::default();

    assert_eq!(calendar.closed_reason(date("2026-06-06")), WEEKEND);
    assert_eq!(calendar.closed_reason(date("2026-06-07")), WEEKEND);
    for day in 8..=12 {
        let d = Date::constant(2026, 6, day);
        assert!(calendar.is_business_day(d), "{d}");
    }
}

#[test]
fn a_weekend_outranks_a_practice_closure_and_a_holiday_outranks_it_too() {
    let calendar = new_york_with_closures(&["2026-06-06", "2026-12-25", "2026-12-24"]);

    assert_eq!(calendar.closed_reason(date("2026-06-06")), WEEKEND);
    let christmas = calendar.closed_reason(date("2026-12-25"));
    assert_eq!(christmas, holiday(CHRISTMAS));
    let eve = calendar.closed_reason(date("2026-12-24"));
    assert_eq!(eve, Some(ClosedReason::PracticeClosure));
}

#[test]
fn a_weekday_upload_is_due_at_the_close_of_the_next_day_even_before_todays_close() {
    let calendar = PracticeCalendar::default();

    let at = "2026-06-08T13:00:00Z";
    assert_deadline(&calendar, at, "2026-06-09T17:00:00-04:00");
}

#[test]
fn a_friday_afternoon_upload_is_due_monday_at_the_close_and_reminded_two_hours_before() {
    let calendar = PracticeCalendar::default();

    let at = "2026-06-05T19:30:00Z";
    assert_deadline(&calendar, at, "2026-06-08T17:00:00-04:00");
    assert_reminder(&calendar, at, "2026-06-08T15:00:00-04:00");
}

#[test]
fn a_saturday_upload_is_due_monday_at_the_close() {
    let calendar = PracticeCalendar::default();

    let at = "2026-06-06T14:00:00Z";
    assert_deadline(&calendar, at, "2026-06-08T17:00:00-04:00");
}

#[test]
fn an_upload_the_wednesday_before_thanksgiving_is_due_friday_at_the_close() {
    let calendar = PracticeCalendar::default();

    let at = "2026-11-25T15:00:00Z";
    assert_deadline(&calendar, at, "2026-11-27T17:00:00-05:00");
}

#[test]
fn an_upload_on_christmas_eve_is_due_the_monday_after_christmas() {
    let calendar = PracticeCalendar::default();

    let at = "2026-12-24T15:00:00Z";
    assert_deadline(&calendar, at, "2026-12-28T17:00:00-05:00");
}

#[test]
fn an_upload_the_thursday_before_an_observed_friday_holiday_is_due_monday() {
    let calendar = PracticeCalendar::default();

    // Christmas 2021 and New Year's 2022 fell on Saturdays, observed Fridays the 24th and 31st.
    let at = "2021-12-23T15:00:00Z";
    assert_deadline(&calendar, at, "2021-12-27T17:00:00-05:00");
    let at = "2021-12-30T15:00:00Z";
    assert_deadline(&calendar, at, "2022-01-03T17:00:00-05:00");
}

#[test]
fn an_instant_counts_on_its_local_date_when_its_utc_date_is_the_next_day() {
    let calendar = PracticeCalendar::default();

    // 02:00 UTC on Tuesday is 21:00 on Monday in New York.
    let at = "2026-12-08T02:00:00Z";
    assert_deadline(&calendar, at, "2026-12-08T17:00:00-05:00");
}

#[test]
fn an_instant_just_after_local_midnight_counts_on_the_new_local_date() {
    let calendar = PracticeCalendar::default();

    let at = "2026-12-08T05:00:00Z";
    assert_deadline(&calendar, at, "2026-12-09T17:00:00-05:00");
}

#[test]
fn the_deadline_after_spring_forward_is_in_daylight_time_and_reminded_two_hours_earlier() {
    let calendar = PracticeCalendar::default();

    // Clocks go forward early on Sunday, 2026-03-08: from Friday and from Saturday.
    for at in ["2026-03-06T20:00:00-05:00", "2026-03-07T12:00:00-05:00"] {
        assert_deadline(&calendar, at, "2026-03-09T17:00:00-04:00");

        let due = calendar.due_for(instant(at));
        assert_eq!(due.deadline.duration_since(due.reminder_at), minutes(120));
    }
}

#[test]
fn the_deadline_after_fall_back_is_in_standard_time_and_reminded_two_hours_earlier() {
    let calendar = PracticeCalendar::default();

    // Clocks go back early on Sunday, 2026-11-01: from Friday and from Saturday.
    for at in ["2026-10-30T16:00:00-04:00", "2026-10-31T12:00:00-04:00"] {
        assert_deadline(&calendar, at, "2026-11-02T17:00:00-05:00");

        let due = calendar.due_for(instant(at));
        assert_eq!(due.deadline.duration_since(due.reminder_at), minutes(120));
    }
}

#[test]
fn a_close_in_a_dst_gap_resolves_to_the_later_wall_time() {
    // Cairo springs forward at midnight into Friday, 2026-04-24: 00:30 that day never happens.
    let calendar = calendar("Africa/Cairo", "00:30", 120, &[]);

    let at = "2026-04-23T10:00:00+02:00";
    assert_deadline(&calendar, at, "2026-04-24T01:30:00+03:00");
    assert_reminder(&calendar, at, "2026-04-23T22:30:00+02:00");
}

#[test]
fn a_close_in_a_dst_fold_resolves_to_the_earlier_wall_time() {
    // Cairo falls back at midnight ending Thursday, 2026-10-29: 23:30 that day happens twice.
    let calendar = calendar("Africa/Cairo", "23:30", 120, &[]);

    let at = "2026-10-28T10:00:00+03:00";
    assert_deadline(&calendar, at, "2026-10-29T23:30:00+03:00");
}

#[test]
fn a_practice_closure_pushes_the_deadline_to_the_next_open_day() {
    let calendar = new_york_with_closures(&["2026-06-08", "2026-06-09"]);

    let at = "2026-06-05T19:30:00Z";
    assert_deadline(&calendar, at, "2026-06-10T17:00:00-04:00");
}

#[test]
fn extra_closed_dates_are_kept_sorted_without_repeats() {
    let calendar = new_york_with_closures(&["2026-12-31", "2026-12-24", "2026-12-31"]);

    let expected = [date("2026-12-24"), date("2026-12-31")];
    assert_eq!(calendar.extra_closed(), &expected);
}

#[test]
fn closed_days_list_practice_closures_among_holidays_but_not_weekend_closures() {
    let calendar = new_york_with_closures(&["2026-12-24", "2026-12-26", "2027-01-04"]);

    let december: Vec<(Date, ClosedReason)> = calendar
        .closed_days(2026)
        .into_iter()
        .filter(|c| c.date.month() == 12)
        .map(|c| (c.date, c.reason))
        .collect();
    let expected = [
        (date("2026-12-24"), ClosedReason::PracticeClosure),
        (date("2026-12-25"), ClosedReason::FederalHoliday(CHRISTMAS)),
    ];
    assert_eq!(december, expected);
}

#[test]
fn a_los_angeles_calendar_counts_days_and_closes_in_pacific_time() {
    let calendar = calendar("America/Los_Angeles", "17:00", 120, &[]);

    // 06:00 UTC on Tuesday is still Monday evening in Los Angeles.
    let at = "2026-12-08T06:00:00Z";
    assert_deadline(&calendar, at, "2026-12-08T17:00:00-08:00");
}

#[test]
fn a_honolulu_calendar_closes_at_the_same_offset_all_year() {
    let calendar = calendar("Pacific/Honolulu", "17:00", 120, &[]);

    let at = "2026-07-14T20:00:00Z";
    assert_deadline(&calendar, at, "2026-07-15T17:00:00-10:00");
    let at = "2026-01-13T20:00:00Z";
    assert_deadline(&calendar, at, "2026-01-14T17:00:00-10:00");
}

#[test]
fn a_custom_close_and_lead_set_the_deadline_and_reminder() {
    let calendar = calendar("America/New_York", "16:30", 45, &[]);

    let at = "2026-06-08T13:00:00Z";
    assert_deadline(&calendar, at, "2026-06-09T16:30:00-04:00");
    assert_reminder(&calendar, at, "2026-06-09T15:45:00-04:00");
}

#[test]
fn the_default_calendar_is_new_york_closing_at_five_with_a_two_hour_lead() {
    let calendar = PracticeCalendar::default();

    assert_eq!(calendar.zone_name(), "America/New_York");
    assert_eq!(calendar.close(), Time::constant(17, 0, 0, 0));
    assert_eq!(calendar.reminder_lead(), SignedDuration::from_hours(2));
    assert!(calendar.extra_closed().is_empty());
}

#[test]
fn a_zone_name_is_looked_up_without_regard_to_case_and_kept_in_its_canonical_spelling() {
    let calendar = calendar("america/los_angeles", "17:00", 120, &[]);

    assert_eq!(calendar.zone_name(), "America/Los_Angeles");
}

#[test]
fn new_refuses_an_unknown_zone() {
    let err = PracticeCalendar::new("Mars/Olympus_Mons", DEFAULT_CLOSE, minutes(120), vec![]);

    assert!(matches!(err, Err(CalendarError::UnknownZone(z)) if z == "Mars/Olympus_Mons"));
}

#[test]
fn new_refuses_a_zero_negative_or_half_day_lead_and_accepts_just_under_twelve_hours() {
    let new = |lead| PracticeCalendar::new("America/New_York", DEFAULT_CLOSE, lead, vec![]);

    for lead in [
        SignedDuration::ZERO,
        minutes(-30),
        minutes(720),
        minutes(1440),
    ] {
        let refused = matches!(new(lead), Err(CalendarError::BadLead(_)));
        assert!(refused, "{lead:#}");
    }
    assert!(new(minutes(719)).is_ok());
}

#[test]
fn describe_reads_as_a_sentence_with_the_zone_abbreviation() {
    let calendar = PracticeCalendar::default();

    let winter = calendar.describe(instant("2026-12-07T22:00:00Z"));
    assert_eq!(winter, "Monday, December 7, 2026 at 5:00 PM EST");
    let summer = calendar.describe(instant("2026-06-08T13:05:00Z"));
    assert_eq!(summer, "Monday, June 8, 2026 at 9:05 AM EDT");
}

#[test]
fn local_gives_the_instant_in_the_practice_zone() {
    let calendar = calendar("Pacific/Honolulu", "17:00", 120, &[]);

    let local = calendar.local(instant("2026-06-08T13:00:00Z")).to_string();
    assert_eq!(local, "2026-06-08T03:00:00-10:00[Pacific/Honolulu]");
}

#[test]
fn a_closed_day_serializes_with_its_reason_kind_and_holiday_name() {
    let (date, reason) = (date("2026-09-07"), ClosedReason::FederalHoliday(LABOR));
    let day = ClosedDay { date, reason };

    let json = serde_json::to_value(&day).unwrap();
    let expected = serde_json::json!({
        "date": "2026-09-07",
        "reason": { "kind": "federal_holiday", "name": "Labor Day" },
    });
    assert_eq!(json, expected);
}

#[test]
fn empty_or_blank_settings_build_the_default_calendar() {
    let blank = Some("  ".to_string());
    let all_blank = CalendarSettings {
        zone: blank.clone(),
        close: blank.clone(),
        reminder_lead_minutes: blank.clone(),
        closed_dates: blank,
    };

    for settings in [CalendarSettings::default(), all_blank] {
        let calendar = settings.build().unwrap();
        assert_eq!(calendar.zone_name(), "America/New_York");
        assert_eq!(calendar.close(), DEFAULT_CLOSE);
        assert_eq!(calendar.reminder_lead(), minutes(120));
        assert!(calendar.extra_closed().is_empty());
    }
}

#[test]
fn good_settings_build_the_calendar_they_describe() {
    let settings = CalendarSettings {
        zone: Some("America/Chicago".to_string()),
        close: Some("9:30".to_string()),
        reminder_lead_minutes: Some(" 90 ".to_string()),
        closed_dates: Some(" 2026-12-31, ,2026-12-24 ,".to_string()),
    };

    let calendar = settings.build().unwrap();
    assert_eq!(calendar.zone_name(), "America/Chicago");
    assert_eq!(calendar.close(), Time::constant(9, 30, 0, 0));
    assert_eq!(calendar.reminder_lead(), minutes(90));
    let expected = [date("2026-12-24"), date("2026-12-31")];
    assert_eq!(calendar.extra_closed(), &expected);
}

#[test]
fn a_bad_zone_setting_is_an_unknown_zone_error_naming_it() {
    let err = build_error(|s| s.zone = Some("Eastern".to_string()));

    assert!(matches!(&err, CalendarError::UnknownZone(z) if z == "Eastern"));
    let message = err.to_string();
    let names_both = message.contains("`Eastern`") && message.contains("America/New_York");
    assert!(names_both, "{message}");
}

#[test]
fn a_bad_close_setting_is_a_bad_close_error_naming_it() {
    let bad_closes = [
        "5pm", "24:00", "17:60", "17:0", "17:00:00", "-1:00", "+9:00", "117:00",
    ];

    for bad in bad_closes {
        let err = build_error(|s| s.close = Some(bad.to_string()));

        let named = matches!(&err, CalendarError::BadClose(c) if c == bad);
        assert!(named && err.to_string().contains("HH:MM"), "{bad}: {err}");
    }
}

#[test]
fn a_bad_lead_setting_is_a_bad_lead_error_naming_it() {
    for bad in ["0", "-15", "720", "1440", "two hours", "1.5"] {
        let err = build_error(|s| s.reminder_lead_minutes = Some(bad.to_string()));

        let named = matches!(&err, CalendarError::BadLead(l) if l == bad);
        assert!(named && err.to_string().contains("minutes"), "{bad}: {err}");
    }
}

#[test]
fn a_bad_closed_date_setting_is_a_bad_date_error_naming_the_bad_entry() {
    let bad_dates = [
        "2026-13-01",
        "2026-02-30",
        "12/24/2026",
        "2026-12-24T00",
        "20261224",
    ];

    for bad in bad_dates {
        let err = build_error(|s| s.closed_dates = Some(format!("2026-12-31, {bad}")));

        let named = matches!(&err, CalendarError::BadDate(d) if d == bad);
        assert!(
            named && err.to_string().contains("YYYY-MM-DD"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn the_env_var_list_names_every_setting_read_from_the_environment() {
    let expected = [
        "PRACTICE_TIME_ZONE",
        "PRACTICE_DAILY_CLOSE",
        "PRACTICE_REMINDER_LEAD_MINUTES",
        "PRACTICE_CLOSED_DATES",
    ];

    assert_eq!(CALENDAR_ENV_VARS, expected);
}

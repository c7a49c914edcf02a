//! Outreach (SPEC M7): the movement's channels towards citizens.
//!
//! - [`campaign`]: campaigns and content items that the steering committee
//!   publishes and that initiatives cascade (document III.2.3 (1)), with the
//!   coverage of confirmed sharing by commune.
//! - [`warnings`]: the public feed of current scam tactics, as Atom 1.0 and
//!   RSS 2.0, and the Open Graph data of a warning's share page.
//! - [`contest`]: online law-knowledge contests: question bank, random draw,
//!   server-side time limit, prediction question, tie-breaks, attempt limits,
//!   leaderboards by unit, result export, and phone verification by one-time
//!   code.
//! - [`survey`]: effectiveness surveys (document 7.4): question types, skip
//!   logic, anonymous mode, and results by unit with small groups suppressed.
//!
//! Everything here is pure: the clock, random bytes and seeds come in as
//! arguments, and the only side effect (sending a text message) sits behind
//! the [`contest::SmsSender`] trait.

pub mod campaign;
pub mod campaign_form;
pub mod contest;
pub mod contest_input;
pub mod survey;
pub mod warnings;

use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, TimeZone, Utc};

pub use campaign::{
    Campaign, CampaignError, CampaignState, ContentItem, ContentKind, Coverage, CoverageFigure, InitiativeRef,
    Schedule, ShareConfirmation, Targeting, campaigns_for, coverage,
};
pub use contest::{
    Attempt, AttemptLimitReached, AttemptPolicy, ContestRules, Draw, DrawError, DrawnQuestion, EntrantPhoneError,
    Entry, EntryId, Grade, GradeError, Ineligible, LateSubmission, LogSmsSender, LoggedSms, OneTimeCode, OtpChallenge,
    OtpError, PastAttempt, Period, PersonKey, Question, QuestionError, QuestionId, Quota, RESULT_HEADERS_VI, Ranked,
    ResultRow, RulesError, SUBMISSION_GRACE, SmsError, SmsSender, UnitPopulation, UnitStanding, accept_submission,
    all_correct_count, best_per_person, check_eligibility, closeness, draw, export_rows, grade, may_start,
    otp_sms_text, rank, rank_order, unit_leaderboard, validate_bank,
};
pub use survey::{
    AggregateError, AnonymousResponse, Answer, Answers, CompareOp, Condition, DEFAULT_MIN_GROUP, Figure, Mean,
    QuestionHeading, QuestionKind, QuestionReport, ReportTree, Response, ResponseError, SkipRule, SkipTarget,
    StoredResponse, Survey, SurveyError, SurveyQuestion, SurveyReport, UnitReport, aggregate,
};
pub use warnings::{
    FeedError, FeedMeta, OpenGraph, Warning, WarningError, atom_feed, body_html, open_graph, public_feed, rss_feed,
    slugify, truncate_at_word,
};

/// Viet Nam keeps UTC+7 all year (no daylight saving), so the programme's
/// calendar is a fixed shift of the UTC timestamps the system stores.
const VN_OFFSET_HOURS: i64 = 7;

/// The civil date in Asia/Ho_Chi_Minh of a UTC instant: "today" for a
/// citizen in the province, whatever the server's time zone.
pub fn vn_date(t: DateTime<Utc>) -> crate::Date {
    vn_naive(t).date()
}

/// The wall-clock time in Asia/Ho_Chi_Minh of a UTC instant.
pub(crate) fn vn_naive(t: DateTime<Utc>) -> NaiveDateTime {
    let utc = t.naive_utc();
    utc.checked_add_signed(Duration::hours(VN_OFFSET_HOURS)).unwrap_or(utc)
}

/// The UTC instant at which a civil date starts in Asia/Ho_Chi_Minh.
pub(crate) fn vn_midnight(date: crate::Date) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::MIN);
    let utc = local.checked_sub_signed(Duration::hours(VN_OFFSET_HOURS)).unwrap_or(local);
    Utc.from_utc_datetime(&utc)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_day_turns_at_midnight_in_viet_nam_not_in_utc() {
        // 17:30 UTC on 1 May is 00:30 on 2 May in Bắc Ninh.
        let t = Utc.with_ymd_and_hms(2025, 5, 1, 17, 30, 0).unwrap();
        assert_eq!(vn_date(t), chrono::NaiveDate::from_ymd_opt(2025, 5, 2).unwrap());
        let t = Utc.with_ymd_and_hms(2025, 5, 1, 16, 59, 59).unwrap();
        assert_eq!(vn_date(t), chrono::NaiveDate::from_ymd_opt(2025, 5, 1).unwrap());
        let day = chrono::NaiveDate::from_ymd_opt(2025, 5, 2).unwrap();
        assert_eq!(vn_midnight(day), Utc.with_ymd_and_hms(2025, 5, 1, 17, 0, 0).unwrap());
    }
}

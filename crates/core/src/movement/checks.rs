//! The registry's checks of typed input, as pure functions: a required or
//! optional text within its bounds, a year in range, a span of years in
//! order, a count not negative. A refusal is an [`InputError`] that names
//! the field and carries a message key, translated where it is shown; the
//! registries' `check` functions ([`super::record`]) are built from these.

use serde::Serialize;

/// The longest name, title or number a registry keeps (characters).
pub const MAX_NAME_CHARS: usize = 500;
/// The longest free text (a description, a note), longer text is cut.
pub const MAX_TEXT_CHARS: usize = 2000;
/// The years a registry accepts.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// Empty (after trimming).
    Missing,
    /// Longer than [`MAX_NAME_CHARS`].
    TooLong,
    /// Outside [`YEARS`].
    YearOutOfRange,
    /// The end (year or day) is before the start.
    EndBeforeStart,
    /// A new initiative starts as proposed or active.
    FirstStage,
    /// No thematic focus chosen.
    NoFocus,
    /// More households than members.
    HouseholdsAboveMembers,
    /// A count below zero.
    Negative,
    /// A trusted voice is enlisted only with their consent.
    NoConsent,
    /// A trusted voice is enlisted for no year before they consented.
    BeforeConsent,
}

impl Problem {
    /// The message key, the same in every language.
    pub fn key(self) -> &'static str {
        match self {
            Problem::Missing => "input.missing",
            Problem::TooLong => "input.too_long",
            Problem::YearOutOfRange => "input.year_out_of_range",
            Problem::EndBeforeStart => "input.end_before_start",
            Problem::FirstStage => "input.first_stage",
            Problem::NoFocus => "input.no_focus",
            Problem::HouseholdsAboveMembers => "input.households_above_members",
            Problem::Negative => "input.negative",
            Problem::NoConsent => "input.no_consent",
            Problem::BeforeConsent => "input.before_consent",
        }
    }
}

/// A refused field: which one, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {}", .problem.key())]
pub struct InputError {
    /// The form field's name (`name`, `year`, `households`, …).
    pub field: &'static str,
    pub problem: Problem,
}

/// The fields the registries check, with their labels (Vietnamese, English).
const FIELDS: &[(&str, &str, &str)] = &[
    ("name", "tên mô hình", "the initiative's name"),
    ("full_name", "họ và tên", "the full name"),
    ("group_name", "tên tổ, nhóm", "the group's name"),
    ("title", "tiêu đề", "the title"),
    ("training_title", "tên lớp tập huấn", "the training's title"),
    ("activity_title", "nội dung hoạt động", "what the activity was"),
    ("post_title", "tiêu đề tin bài", "the post's title"),
    ("summary", "trích yếu", "the summary"),
    ("number", "số văn bản", "the document number"),
    ("year", "năm", "the year"),
    ("from_year", "năm bắt đầu", "the first year"),
    ("to_year", "năm kết thúc", "the last year"),
    ("joined_year", "năm tham gia", "the year joined"),
    ("left_year", "năm rời", "the year left"),
    ("registered_from", "năm đăng ký", "the year registered"),
    ("registered_to", "năm kết thúc", "the last year"),
    ("stage", "giai đoạn", "the stage"),
    ("focus", "nội dung trọng tâm", "the thematic focus"),
    ("members", "số thành viên", "the number of members"),
    ("households", "số hộ", "the number of households"),
    ("period_to", "ngày kết thúc kỳ báo cáo", "the period's last day"),
    ("posts", "số liệu", "the figures"),
    ("participants", "số người tham dự", "the number attending"),
    ("consent", "sự đồng thuận", "the consent"),
    ("consent_on", "ngày đồng thuận hợp tác", "the day consent was given"),
    ("held_on", "ngày tập huấn", "the training's day"),
    ("audience", "số người theo dõi", "the audience"),
    ("reason", "lý do", "the reason"),
];

fn label(field: &str, english: bool) -> &str {
    FIELDS.iter().find(|(f, ..)| *f == field).map(|(_, vi, en)| if english { *en } else { *vi }).unwrap_or(field)
}

impl InputError {
    pub fn new(field: &'static str, problem: Problem) -> InputError {
        InputError { field, problem }
    }

    /// The message key ([`Problem::key`]).
    pub fn key(&self) -> &'static str {
        self.problem.key()
    }

    /// What Vietnamese users read beside the field.
    pub fn message_vi(&self) -> String {
        let what = label(self.field, false);
        match self.problem {
            Problem::Missing => format!("Chưa nhập {what}."),
            Problem::TooLong => format!("Trường {what} dài quá {MAX_NAME_CHARS} ký tự."),
            Problem::YearOutOfRange => {
                format!("Năm ({what}) phải trong khoảng {}–{}.", YEARS.start(), YEARS.end())
            }
            Problem::EndBeforeStart => format!("{} trước ngày hoặc năm bắt đầu.", capitalise(what)),
            Problem::FirstStage => "Mô hình mới phải ở giai đoạn đề xuất hoặc đang hoạt động.".into(),
            Problem::NoFocus => "Chọn ít nhất một nội dung trọng tâm.".into(),
            Problem::HouseholdsAboveMembers => "Số hộ phải từ 0 đến số thành viên.".into(),
            Problem::Negative => format!("{} không được âm.", capitalise(what)),
            Problem::NoConsent => "Chưa có sự đồng thuận hợp tác của người có uy tín.".into(),
            Problem::BeforeConsent => {
                "Người có uy tín chỉ được tính từ năm đồng thuận hợp tác; năm này trước ngày đồng thuận.".into()
            }
        }
    }

    /// The same in English.
    pub fn message_en(&self) -> String {
        let what = label(self.field, true);
        match self.problem {
            Problem::Missing => format!("Enter {what}."),
            Problem::TooLong => format!("{} is longer than {MAX_NAME_CHARS} characters.", capitalise(what)),
            Problem::YearOutOfRange => {
                format!("{} must be within {}–{}.", capitalise(what), YEARS.start(), YEARS.end())
            }
            Problem::EndBeforeStart => format!("{} is before the start.", capitalise(what)),
            Problem::FirstStage => "A new initiative starts as proposed or active.".into(),
            Problem::NoFocus => "Choose at least one thematic focus.".into(),
            Problem::HouseholdsAboveMembers => "Households must be between 0 and the number of members.".into(),
            Problem::Negative => format!("{} cannot be negative.", capitalise(what)),
            Problem::NoConsent => "The trusted voice has not consented to cooperate.".into(),
            Problem::BeforeConsent => {
                "A trusted voice counts only from the year they consented; this year is before it.".into()
            }
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A required text, trimmed, at most [`MAX_NAME_CHARS`] characters.
pub fn required(field: &'static str, text: &str) -> Result<String, InputError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(InputError::new(field, Problem::Missing));
    }
    if t.chars().count() > MAX_NAME_CHARS {
        return Err(InputError::new(field, Problem::TooLong));
    }
    Ok(t.to_string())
}

/// An optional text, trimmed; empty is none, longer than [`MAX_TEXT_CHARS`] is cut.
pub fn optional(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(|t| t.chars().take(MAX_TEXT_CHARS).collect())
}

/// A year within [`YEARS`].
pub fn year(field: &'static str, y: i32) -> Result<i32, InputError> {
    if YEARS.contains(&y) { Ok(y) } else { Err(InputError::new(field, Problem::YearOutOfRange)) }
}

/// A span of years: the first in range, the last (if any) in range and not before it.
pub fn year_span(
    from_field: &'static str,
    from: i32,
    to_field: &'static str,
    to: Option<i32>,
) -> Result<(i32, Option<i32>), InputError> {
    year(from_field, from)?;
    if let Some(to) = to {
        year(to_field, to)?;
        if to < from {
            return Err(InputError::new(to_field, Problem::EndBeforeStart));
        }
    }
    Ok((from, to))
}

/// A count that cannot be negative.
pub fn count(field: &'static str, n: i64) -> Result<i64, InputError> {
    if n < 0 { Err(InputError::new(field, Problem::Negative)) } else { Ok(n) }
}

/// A period of days (an activity report's) that does not end before it starts.
pub fn period(from: crate::Date, to: crate::Date) -> Result<(crate::Date, crate::Date), InputError> {
    if to < from { Err(InputError::new("period_to", Problem::EndBeforeStart)) } else { Ok((from, to)) }
}

/// A trusted voice is enlisted only with their consent to cooperate.
pub fn consent(given: bool) -> Result<(), InputError> {
    if given { Ok(()) } else { Err(InputError::new("consent", Problem::NoConsent)) }
}

/// Members and households counted in a village: neither negative, and no
/// more households than members.
pub fn village_count(members: i64, households: i64) -> Result<(i64, i64), InputError> {
    count("members", members)?;
    count("households", households)?;
    if households > members {
        return Err(InputError::new("households", Problem::HouseholdsAboveMembers));
    }
    Ok((members, households))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_required_text_is_trimmed_and_bounded() {
        assert_eq!(required("name", "  Tổ Zalo  ").unwrap(), "Tổ Zalo");
        assert_eq!(required("name", "   ").unwrap_err(), InputError::new("name", Problem::Missing));
        let long = "á".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(required("name", &long).unwrap_err().problem, Problem::TooLong);
        assert!(required("name", &"á".repeat(MAX_NAME_CHARS)).is_ok());
    }

    #[test]
    fn messages_name_the_field_in_both_languages() {
        let e = InputError::new("name", Problem::Missing);
        assert_eq!(e.message_vi(), "Chưa nhập tên mô hình.");
        assert_eq!(e.message_en(), "Enter the initiative's name.");
        assert_eq!(e.key(), "input.missing");
    }

    #[test]
    fn every_field_has_both_labels() {
        for (field, vi, en) in FIELDS {
            assert!(!vi.is_empty() && !en.is_empty(), "{field}");
        }
    }

    #[test]
    fn a_period_ends_after_it_starts_and_enlisting_needs_consent() {
        let d = |s: &str| s.parse::<crate::Date>().unwrap();
        assert!(period(d("2026-01-01"), d("2026-01-01")).is_ok());
        assert_eq!(period(d("2026-02-01"), d("2026-01-01")).unwrap_err().field, "period_to");
        assert_eq!(consent(false).unwrap_err().message_vi(), "Chưa có sự đồng thuận hợp tác của người có uy tín.");
        assert!(consent(true).is_ok());
    }

    #[test]
    fn households_never_above_members() {
        assert_eq!(village_count(10, 4).unwrap(), (10, 4));
        assert_eq!(village_count(3, 4).unwrap_err().problem, Problem::HouseholdsAboveMembers);
        assert_eq!(village_count(-1, 0).unwrap_err().field, "members");
    }

    proptest! {
        #[test]
        fn a_span_is_accepted_exactly_when_in_order_and_in_range(from in 1990i32..2110, to in proptest::option::of(1990i32..2110)) {
            let ok = YEARS.contains(&from) && to.is_none_or(|t| YEARS.contains(&t) && t >= from);
            prop_assert_eq!(year_span("from_year", from, "to_year", to).is_ok(), ok);
        }

        #[test]
        fn a_required_text_comes_back_trimmed_or_refused(s in "\\PC{0,600}") {
            match required("title", &s) {
                Ok(t) => {
                    prop_assert_eq!(t.as_str(), s.trim());
                    prop_assert!(!t.is_empty() && t.chars().count() <= MAX_NAME_CHARS);
                }
                Err(e) => prop_assert!(s.trim().is_empty() || s.trim().chars().count() > MAX_NAME_CHARS, "{e}"),
            }
        }

        #[test]
        fn counts_accepted_exactly_when_households_fit(m in -5i64..50, h in -5i64..50) {
            prop_assert_eq!(village_count(m, h).is_ok(), m >= 0 && h >= 0 && h <= m);
        }
    }
}

//! A contest's settings (dates, question count, time limit, attempt policy)
//! and the checks they pass before the contest opens.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::outreach::vn_naive;

use super::attempts::{Attempt, AttemptPolicy};
use super::draw::Quota;

/// A contest's settings, checked together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestRules {
    pub title: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub question_count: usize,
    pub quotas: Vec<Quota>,
    pub time_limit_secs: u32,
    pub attempts: AttemptPolicy,
}

/// Why settings are refused or an attempt cannot start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("the contest needs a title")]
    NoTitle,
    #[error("the contest closes before it opens")]
    BadWindow,
    #[error("a draw needs at least one question")]
    NoQuestions,
    #[error("the time limit must be positive")]
    NoTime,
    #[error("at least one attempt must be allowed")]
    NoAttempts,
    #[error("the contest has not opened yet")]
    NotOpenYet { opens_at: DateTime<Utc> },
    #[error("the contest is closed")]
    Closed,
    #[error("the contest has opened: its settings are locked")]
    SettingsLocked { opens_at: DateTime<Utc> },
}

impl RulesError {
    pub fn message_vi(&self) -> String {
        match self {
            RulesError::NoTitle => "Cần đặt tên cuộc thi.".into(),
            RulesError::BadWindow => "Thời điểm kết thúc phải sau thời điểm bắt đầu cuộc thi.".into(),
            RulesError::NoQuestions => "Mỗi lượt thi cần ít nhất một câu hỏi.".into(),
            RulesError::NoTime => "Thời gian làm bài phải lớn hơn 0.".into(),
            RulesError::NoAttempts => "Mỗi người phải được thi ít nhất một lượt.".into(),
            RulesError::NotOpenYet { opens_at } => {
                format!(
                    "Cuộc thi chưa bắt đầu; mời bạn quay lại từ {}.",
                    vn_naive(*opens_at).format("%H:%M ngày %d/%m/%Y")
                )
            }
            RulesError::Closed => "Cuộc thi đã kết thúc.".into(),
            RulesError::SettingsLocked { opens_at } => format!(
                "Cuộc thi đã mở từ {}: để công bằng cho người dự thi, tên, thời gian, số câu, đơn vị tham gia và \
                 ngân hàng câu hỏi không còn sửa được, cuộc thi cũng không hủy được nữa. Vẫn sửa được giải thưởng, \
                 danh sách cán bộ tổ chức và rút một câu hỏi sai khỏi ngân hàng.",
                vn_naive(*opens_at).format("%H:%M ngày %d/%m/%Y")
            ),
        }
    }
}

impl ContestRules {
    pub fn validate(&self) -> Result<(), RulesError> {
        if self.title.trim().is_empty() {
            return Err(RulesError::NoTitle);
        }
        if self.closes_at <= self.opens_at {
            return Err(RulesError::BadWindow);
        }
        if self.question_count == 0 {
            return Err(RulesError::NoQuestions);
        }
        if self.time_limit_secs == 0 {
            return Err(RulesError::NoTime);
        }
        if self.attempts.max_attempts == 0 {
            return Err(RulesError::NoAttempts);
        }
        Ok(())
    }

    /// The settings, the units and the question bank change, and the
    /// contest may be voided, only before it opens: after that, entrants
    /// would not all have played the same contest.
    pub fn ensure_settings_open(&self, now: DateTime<Utc>) -> Result<(), RulesError> {
        if now >= self.opens_at { Err(RulesError::SettingsLocked { opens_at: self.opens_at }) } else { Ok(()) }
    }

    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.opens_at <= now && now < self.closes_at
    }

    /// Starts an attempt at `now`. Its deadline is the time limit or the
    /// closing time, whichever comes first: nobody answers after closing.
    pub fn start_attempt(&self, now: DateTime<Utc>) -> Result<Attempt, RulesError> {
        if now < self.opens_at {
            return Err(RulesError::NotOpenYet { opens_at: self.opens_at });
        }
        if now >= self.closes_at {
            return Err(RulesError::Closed);
        }
        let mut attempt = Attempt::new(now, Duration::seconds(i64::from(self.time_limit_secs)));
        attempt.deadline = attempt.deadline.min(self.closes_at);
        Ok(attempt)
    }
}

#[cfg(test)]
mod settings_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::outreach::contest::Period;

    #[test]
    fn settings_change_only_before_the_contest_opens() {
        let opens = DateTime::parse_from_rfc3339("2026-03-01T01:00:00Z").unwrap().to_utc();
        let rules = ContestRules {
            title: "Thi".into(),
            opens_at: opens,
            closes_at: opens + Duration::days(7),
            question_count: 5,
            quotas: vec![],
            time_limit_secs: 600,
            attempts: AttemptPolicy { max_attempts: 1, period: Period::Contest },
        };
        assert!(rules.ensure_settings_open(opens - Duration::seconds(1)).is_ok());
        let e = rules.ensure_settings_open(opens).unwrap_err();
        assert_eq!(e, RulesError::SettingsLocked { opens_at: opens });
        assert!(e.message_vi().contains("08:00 ngày 01/03/2026"), "{}", e.message_vi());
        assert!(rules.ensure_settings_open(opens + Duration::days(30)).is_err(), "closed is locked too");
    }
}

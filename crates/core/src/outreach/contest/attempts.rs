//! Attempts: the server-side time limit of one attempt and how many attempts
//! an entrant may start per day, week or contest.

use chrono::{DateTime, Datelike, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::macros::string_enum;
use crate::outreach::{vn_date, vn_midnight, vn_naive};

use super::entrants::PersonKey;

/// Network slack after the deadline: an answer sent in the last second on a
/// slow mobile connection still arrives within it. It is the only leeway;
/// the time the client claims is never read.
pub const SUBMISSION_GRACE: Duration = Duration::seconds(2);

/// One attempt's window, by the server's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub started_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
}

impl Attempt {
    pub fn new(started_at: DateTime<Utc>, time_limit: Duration) -> Attempt {
        let deadline = started_at.checked_add_signed(time_limit).unwrap_or(DateTime::<Utc>::MAX_UTC);
        Attempt { started_at, deadline }
    }

    /// Time counted for the tie-break: from start to receipt, never more
    /// than the limit (the grace is for the network, not for thinking) and
    /// never negative (clocks of two servers may differ slightly).
    pub fn time_taken(&self, received_at: DateTime<Utc>) -> Duration {
        (received_at.min(self.deadline) - self.started_at).max(Duration::zero())
    }

    /// What the countdown shows.
    pub fn remaining(&self, now: DateTime<Utc>) -> Duration {
        (self.deadline - now).max(Duration::zero())
    }
}

/// A submission that reached the server after the deadline and the grace.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("submission received {late_by} after the deadline")]
pub struct LateSubmission {
    pub deadline: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub late_by: Duration,
}

impl LateSubmission {
    pub fn message_vi(&self) -> String {
        format!(
            "Bài làm đến máy chủ sau khi hết giờ {} giây nên không được tính kết quả.",
            self.late_by.num_seconds().max(1)
        )
    }
}

/// Accepts a submission received (by the server's clock) no later than the
/// deadline plus [`SUBMISSION_GRACE`].
pub fn accept_submission(attempt: &Attempt, received_at: DateTime<Utc>) -> Result<(), LateSubmission> {
    let cutoff = attempt.deadline.checked_add_signed(SUBMISSION_GRACE).unwrap_or(attempt.deadline);
    if received_at > cutoff {
        return Err(LateSubmission {
            deadline: attempt.deadline,
            received_at,
            late_by: received_at - attempt.deadline,
        });
    }
    Ok(())
}

string_enum!(
    /// The period an attempt limit applies to. Days and weeks are civil
    /// ones in Asia/Ho_Chi_Minh; weeks start on Monday.
    Period {
        Day = "day" / "Mỗi ngày",
        Week = "week" / "Mỗi tuần",
        Contest = "contest" / "Cả cuộc thi",
    }
);

impl Period {
    /// The period inside a sentence: "3 lượt thi mỗi ngày".
    fn phrase_vi(self) -> &'static str {
        match self {
            Period::Day => "mỗi ngày",
            Period::Week => "mỗi tuần",
            Period::Contest => "trong cả cuộc thi",
        }
    }
}

/// How many attempts a person may start per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptPolicy {
    pub max_attempts: u32,
    pub period: Period,
}

/// An attempt already started by someone: started attempts count whether
/// or not they were submitted, since starting one shows its questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastAttempt {
    pub person: PersonKey,
    pub started_at: DateTime<Utc>,
}

/// A person who has used up their attempts for the period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{used} of {max_attempts} attempts used ({period})")]
pub struct AttemptLimitReached {
    pub max_attempts: u32,
    pub used: u32,
    pub period: Period,
    /// When the next period starts; `None` for a limit over the whole contest.
    pub next_allowed: Option<DateTime<Utc>>,
}

impl AttemptLimitReached {
    pub fn message_vi(&self) -> String {
        let base = format!("Bạn đã dùng hết {} lượt thi {}.", self.max_attempts, self.period.phrase_vi());
        match self.next_allowed {
            Some(t) => format!("{base} Bạn có thể thi tiếp từ {}.", vn_naive(t).format("%H:%M ngày %d/%m/%Y")),
            None => base,
        }
    }
}

impl AttemptPolicy {
    /// Start of the period containing `now`, and of the next one.
    fn period_bounds(&self, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let today = vn_date(now);
        let first = match self.period {
            Period::Day => today,
            Period::Week => {
                today.checked_sub_days(chrono::Days::new(u64::from(today.weekday().num_days_from_monday())))?
            }
            Period::Contest => return None,
        };
        let next = match self.period {
            Period::Day => first.succ_opt()?,
            _ => first.checked_add_days(chrono::Days::new(7))?,
        };
        Some((vn_midnight(first), vn_midnight(next)))
    }
}

/// Whether `person` may start another attempt at `now`. `previous` may hold
/// everyone's attempts; only this person's count.
pub fn may_start(
    policy: &AttemptPolicy,
    person: &PersonKey,
    previous: &[PastAttempt],
    now: DateTime<Utc>,
) -> Result<(), AttemptLimitReached> {
    let bounds = policy.period_bounds(now);
    let used = previous
        .iter()
        .filter(|a| &a.person == person)
        .filter(|a| bounds.is_none_or(|(from, to)| from <= a.started_at && a.started_at < to))
        .count();
    let used = u32::try_from(used).unwrap_or(u32::MAX);
    if used < policy.max_attempts {
        return Ok(());
    }
    Err(AttemptLimitReached {
        max_attempts: policy.max_attempts,
        used,
        period: policy.period,
        next_allowed: bounds.map(|(_, next)| next),
    })
}

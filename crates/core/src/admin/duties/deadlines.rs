//! Where each due date of a duty stands, and the overdue ones.

use serde::{Deserialize, Serialize};

use super::seeds::Duty;
use crate::Date;
use crate::macros::string_enum;

string_enum!(
    /// Where one due date of a duty stands.
    DutyState {
        Upcoming = "upcoming" / "Chưa đến hạn",
        Done = "done" / "Đã báo cáo đúng hạn",
        DoneLate = "done_late" / "Đã báo cáo muộn",
        Overdue = "overdue" / "Quá hạn",
    }
);

/// A report on one due date of a duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyReport {
    pub duty: String,
    /// The due date it answers.
    pub due: Date,
    pub received_on: Date,
}

/// A due date counts as met when reported by `due + grace_days`; after that
/// it is overdue until reported (then late).
pub fn duty_state(due: Date, grace_days: u32, reported_on: Option<Date>, today: Date) -> DutyState {
    let deadline = due + chrono::Days::new(u64::from(grace_days));
    match reported_on {
        Some(d) if d <= deadline => DutyState::Done,
        Some(_) => DutyState::DoneLate,
        None if today > deadline => DutyState::Overdue,
        None => DutyState::Upcoming,
    }
}

/// One overdue due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overdue {
    pub duty: &'static str,
    pub body: &'static str,
    pub due: Date,
    /// Days past the deadline (due + grace) as of today.
    pub days_late: i64,
}

/// The due dates of `duties` from `from` to `today` not reported by their
/// deadline, oldest first.
pub fn overdue(duties: &[Duty], reports: &[DutyReport], from: Date, today: Date, grace_days: u32) -> Vec<Overdue> {
    let mut out = Vec::new();
    for d in duties {
        for due in d.due.due_dates(from, today) {
            let reported = reports.iter().filter(|r| r.duty == d.code && r.due == due).map(|r| r.received_on).min();
            if duty_state(due, grace_days, reported, today) == DutyState::Overdue {
                let deadline = due + chrono::Days::new(u64::from(grace_days));
                out.push(Overdue { duty: d.code, body: d.body, due, days_late: (today - deadline).num_days() });
            }
        }
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.duty.cmp(b.duty)));
    out
}

//! Reporting periods and the completeness and timeliness of the reports units
//! send for them (see the module documentation of `duties`).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::super::ymd;
use crate::Date;
use crate::macros::string_enum;
use crate::org::UnitId;

string_enum!(
    /// The length of a reporting period.
    PeriodKind {
        Month = "month" / "Tháng",
        Quarter = "quarter" / "Quý",
        HalfYear = "half_year" / "6 tháng",
        Year = "year" / "Năm",
    }
);

impl PeriodKind {
    fn months(self) -> u32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::HalfYear => 6,
            PeriodKind::Year => 12,
        }
    }
}

/// A month, quarter, half-year or year: `index` counts from 1 within the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReportingPeriod {
    pub kind: PeriodKind,
    pub year: i32,
    pub index: u32,
}

impl ReportingPeriod {
    /// `None` for an index outside the year (month 13, quarter 0, …).
    pub fn new(kind: PeriodKind, year: i32, index: u32) -> Option<Self> {
        (index >= 1 && index <= 12 / kind.months()).then_some(ReportingPeriod { kind, year, index })
    }

    /// The period of `kind` that contains `date`.
    pub fn containing(kind: PeriodKind, date: Date) -> Self {
        use chrono::Datelike;
        ReportingPeriod { kind, year: date.year(), index: (date.month() - 1) / kind.months() + 1 }
    }

    pub fn start(self) -> Date {
        ymd(self.year, (self.index - 1) * self.kind.months() + 1, 1)
    }

    /// The last day (inclusive).
    pub fn end(self) -> Date {
        let last_month = self.index * self.kind.months();
        let next = if last_month == 12 { ymd(self.year + 1, 1, 1) } else { ymd(self.year, last_month + 1, 1) };
        next.pred_opt().unwrap_or(next)
    }

    /// The last day a report counts as on time.
    pub fn deadline(self, grace_days: u32) -> Date {
        self.end() + chrono::Days::new(u64::from(grace_days))
    }

    /// "Quý 3/2025", "Tháng 7/2025", "6 tháng đầu năm 2025", "Năm 2025".
    pub fn label_vi(self) -> String {
        match self.kind {
            PeriodKind::Month => format!("Tháng {}/{}", self.index, self.year),
            PeriodKind::Quarter => format!("Quý {}/{}", self.index, self.year),
            PeriodKind::HalfYear if self.index == 1 => format!("6 tháng đầu năm {}", self.year),
            PeriodKind::HalfYear => format!("6 tháng cuối năm {}", self.year),
            PeriodKind::Year => format!("Năm {}", self.year),
        }
    }
}

/// A unit that reports, with its lifetime: active from `from` until the day
/// before `until`, then carried on by `successor` (merge, re-organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingUnit {
    pub id: UnitId,
    pub from: Date,
    /// Exclusive; `None` while the unit exists.
    pub until: Option<Date>,
    pub successor: Option<UnitId>,
}

impl ReportingUnit {
    pub fn is_active_on(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|u| date < u)
    }
}

/// A periodic report as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodReport {
    pub unit: UnitId,
    pub period: ReportingPeriod,
    pub received_on: Date,
}

/// Completeness and timeliness of one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completeness {
    pub period: ReportingPeriod,
    /// Units active on the period's last day.
    pub expected: usize,
    /// Expected units with at least one report (their own or a predecessor's).
    pub received: usize,
    /// Of those, the ones whose earliest report came by the deadline.
    pub on_time: usize,
    /// Reports for the period that lead to no expected unit.
    pub unattributed: usize,
    /// received / expected; `None` when nothing is expected.
    pub completeness: Option<f64>,
    /// on_time / expected; `None` when nothing is expected.
    pub timeliness: Option<f64>,
    /// The expected units with no report, in id order.
    pub missing: Vec<UnitId>,
}

/// The unit that stands for `unit` on `date`: itself if active, otherwise the
/// first active unit along its successor chain.
pub fn standing_for(units: &HashMap<UnitId, ReportingUnit>, unit: UnitId, date: Date) -> Option<UnitId> {
    let mut current = unit;
    // A chain longer than the number of units is a cycle in the data.
    for _ in 0..=units.len() {
        let u = units.get(&current)?;
        if u.is_active_on(date) {
            return Some(current);
        }
        // A unit that had not started yet has no successor on that date.
        if u.from > date {
            return None;
        }
        current = u.successor?;
    }
    None
}

/// Completeness and timeliness of `period`; see the module documentation.
pub fn completeness(
    units: &[ReportingUnit],
    reports: &[PeriodReport],
    period: ReportingPeriod,
    grace_days: u32,
) -> Completeness {
    let end = period.end();
    let by_id: HashMap<UnitId, ReportingUnit> = units.iter().map(|u| (u.id, *u)).collect();
    // BTreeMap: expected units in id order, each with its earliest report.
    let mut expected: BTreeMap<UnitId, Option<Date>> =
        by_id.values().filter(|u| u.is_active_on(end)).map(|u| (u.id, None)).collect();
    let mut unattributed = 0;
    for r in reports.iter().filter(|r| r.period == period) {
        match standing_for(&by_id, r.unit, end).and_then(|id| expected.get_mut(&id)) {
            Some(slot) => *slot = Some(slot.map_or(r.received_on, |d| d.min(r.received_on))),
            None => unattributed += 1,
        }
    }
    let deadline = period.deadline(grace_days);
    let received = expected.values().filter(|d| d.is_some()).count();
    let on_time = expected.values().filter(|d| d.is_some_and(|d| d <= deadline)).count();
    let missing = expected.iter().filter(|(_, d)| d.is_none()).map(|(id, _)| *id).collect();
    let n = expected.len();
    let share = |k: usize| (n > 0).then(|| k as f64 / n as f64);
    Completeness {
        period,
        expected: n,
        received,
        on_time,
        unattributed,
        completeness: share(received),
        timeliness: share(on_time),
        missing,
    }
}

//! The seed against Part 3, the due dates, completeness and overdue tracking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::super::ymd;
use super::*;
use crate::Date;
use crate::org::UnitId;
use proptest::prelude::*;
use std::collections::HashSet;

#[test]
fn seed_follows_part_3() {
    assert_eq!(BODIES.len(), 19);
    for (i, b) in BODIES.iter().enumerate() {
        assert_eq!(usize::from(b.number), i + 1);
    }
    let codes: HashSet<_> = BODIES.iter().map(|b| b.code).collect();
    assert_eq!(codes.len(), 19);
    let duty_codes: HashSet<_> = DUTIES.iter().map(|d| d.code).collect();
    assert_eq!(duty_codes.len(), DUTIES.len());
    for d in &DUTIES {
        let b = body_by_code(d.body).unwrap();
        assert!(d.code.starts_with(&format!("{}.", b.number)), "{} under {}", d.code, b.code);
        assert!(!d.title_vi.is_empty());
    }
    // Bodies 1–18 all have duties; item 19 has no text in the document.
    for b in &BODIES[..18] {
        assert!(duties_of(b.code).next().is_some(), "{}", b.code);
    }
    assert_eq!(duties_of(BODIES[18].code).count(), 0);
    let per_body: Vec<usize> = BODIES.iter().map(|b| duties_of(b.code).count()).collect();
    assert_eq!(per_body, [10, 2, 3, 3, 4, 3, 3, 4, 3, 3, 2, 1, 1, 1, 4, 2, 2, 3, 0]);
}

#[test]
fn dated_duties_match_the_document() {
    let d = duty_by_code("1.8").unwrap().due.due_dates(ymd(2024, 9, 1), ymd(2031, 12, 31));
    assert_eq!(d, [ymd(2027, 10, 31)]);
    let d = duty_by_code("15.3").unwrap().due.due_dates(ymd(2024, 9, 1), ymd(2031, 12, 31));
    assert_eq!(d, [ymd(2025, 12, 31)]);
    let q = DueRule::Quarterly.due_dates(ymd(2025, 1, 1), ymd(2025, 12, 31));
    assert_eq!(q, [ymd(2025, 3, 31), ymd(2025, 6, 30), ymd(2025, 9, 30), ymd(2025, 12, 31)]);
    let leap = DueRule::Yearly { month: 2, day: 29 }.due_dates(ymd(2027, 1, 1), ymd(2028, 12, 31));
    assert_eq!(leap, [ymd(2027, 2, 28), ymd(2028, 2, 29)]);
}

#[test]
fn periods() {
    let q = ReportingPeriod::new(PeriodKind::Quarter, 2025, 3).unwrap();
    assert_eq!((q.start(), q.end()), (ymd(2025, 7, 1), ymd(2025, 9, 30)));
    assert_eq!(q.label_vi(), "Quý 3/2025");
    assert_eq!(ReportingPeriod::containing(PeriodKind::Quarter, ymd(2025, 8, 15)), q);
    let m = ReportingPeriod::new(PeriodKind::Month, 2028, 2).unwrap();
    assert_eq!(m.end(), ymd(2028, 2, 29));
    let h = ReportingPeriod::new(PeriodKind::HalfYear, 2025, 2).unwrap();
    assert_eq!((h.start(), h.end()), (ymd(2025, 7, 1), ymd(2025, 12, 31)));
    assert_eq!(ReportingPeriod::new(PeriodKind::Year, 2025, 1).unwrap().end(), ymd(2025, 12, 31));
    assert_eq!(ReportingPeriod::new(PeriodKind::Quarter, 2025, 5), None);
    assert_eq!(ReportingPeriod::new(PeriodKind::Month, 2025, 0), None);
    assert_eq!(q.deadline(10), ymd(2025, 10, 10));
}

fn unit(id: i64, from: Date, until: Option<Date>, successor: Option<i64>) -> ReportingUnit {
    ReportingUnit { id: UnitId(id), from, until, successor: successor.map(UnitId) }
}

#[test]
fn merged_units_count_once() {
    let q = ReportingPeriod::new(PeriodKind::Quarter, 2025, 3).unwrap();
    let start = ymd(2020, 1, 1);
    let merge = ymd(2025, 7, 1);
    let units = [
        // Communes 1 and 2 merged into 3 on 1/7/2025; 4 goes on; 5 opens after the quarter.
        unit(1, start, Some(merge), Some(3)),
        unit(2, start, Some(merge), Some(3)),
        unit(3, merge, None, None),
        unit(4, start, None, None),
        unit(5, ymd(2025, 10, 1), None, None),
        // 6 closed without a successor.
        unit(6, start, Some(ymd(2025, 8, 1)), None),
    ];
    let r = |u: i64, d: Date| PeriodReport { unit: UnitId(u), period: q, received_on: d };
    let reports = [
        r(1, ymd(2025, 10, 3)),
        r(2, ymd(2025, 10, 20)),
        r(3, ymd(2025, 10, 25)),
        r(6, ymd(2025, 10, 1)),
        r(5, ymd(2025, 10, 2)),
    ];
    let c = completeness(&units, &reports, q, 10);
    assert_eq!(c.expected, 2, "units 3 and 4");
    assert_eq!(c.received, 1, "3, through 1, 2 and itself, counts once");
    assert_eq!(c.on_time, 1, "the earliest report (from 1) was on time");
    assert_eq!(c.unattributed, 2, "6 closed without successor, 5 did not exist");
    assert_eq!(c.missing, [UnitId(4)]);
    assert_eq!(c.completeness, Some(0.5));
    let none = completeness(&[], &reports, q, 10);
    assert_eq!((none.completeness, none.timeliness), (None, None));
}

#[test]
fn overdue_duties() {
    let today = ymd(2026, 1, 20);
    let reports = [DutyReport { duty: "1.10".into(), due: ymd(2025, 9, 30), received_on: ymd(2025, 10, 5) }];
    let duties = [*duty_by_code("1.10").unwrap(), *duty_by_code("15.3").unwrap()];
    let o = overdue(&duties, &reports, ymd(2025, 7, 1), today, 15);
    let got: Vec<(&str, Date, i64)> = o.iter().map(|x| (x.duty, x.due, x.days_late)).collect();
    // Q4 2025 and 15.3 are due 31/12/2025, deadline 15/1/2026, 5 days ago.
    assert_eq!(got, [("1.10", ymd(2025, 12, 31), 5), ("15.3", ymd(2025, 12, 31), 5)]);
    assert_eq!(duty_state(ymd(2025, 12, 31), 15, Some(ymd(2026, 1, 16)), today), DutyState::DoneLate);
    assert_eq!(duty_state(ymd(2025, 12, 31), 15, None, ymd(2026, 1, 15)), DutyState::Upcoming);
}

fn units_and_reports() -> impl Strategy<Value = (Vec<ReportingUnit>, Vec<PeriodReport>, u32)> {
    let unit_s = (0u32..800, proptest::option::of(1u32..800), proptest::option::of(0i64..14));
    let report = (0i64..16, 0u32..4, 0u32..400);
    (proptest::collection::vec(unit_s, 0..14), proptest::collection::vec(report, 0..40), 0u32..4).prop_map(
        |(us, rs, q)| {
            let base = ymd(2024, 1, 1);
            let day = |n: u32| base + chrono::Days::new(u64::from(n));
            let units = us
                .iter()
                .enumerate()
                .map(|(i, (f, len, s))| unit(i as i64, day(*f), len.map(|l| day(f + l)), *s))
                .collect();
            let reports = rs
                .iter()
                .map(|(u, qq, d)| PeriodReport {
                    unit: UnitId(*u),
                    period: ReportingPeriod::new(PeriodKind::Quarter, 2025, qq + 1).unwrap(),
                    received_on: day(300 + d),
                })
                .collect();
            (units, reports, q + 1)
        },
    )
}

proptest! {
    #[test]
    fn rates_stay_in_0_1((units, reports, q) in units_and_reports(), grace in 0u32..60) {
        let period = ReportingPeriod::new(PeriodKind::Quarter, 2025, q).unwrap();
        let c = completeness(&units, &reports, period, grace);
        prop_assert!(c.on_time <= c.received && c.received <= c.expected);
        for r in [c.completeness, c.timeliness].into_iter().flatten() {
            prop_assert!((0.0..=1.0).contains(&r));
        }
        prop_assert_eq!(c.completeness.is_none(), c.expected == 0);
        prop_assert_eq!(c.missing.len(), c.expected - c.received);
        let in_period = reports.iter().filter(|r| r.period == period).count();
        prop_assert!(c.unattributed <= in_period);
    }
}

//! The duties of Part 3: each body's duties with their due dates and where
//! they stand, completeness and timeliness per body, reminders and overdue
//! escalation; and the communes' quarterly progress reports, whose rates
//! follow the tree's history so a merged commune never pushes them past 100%.

use askama::Template;
use axum::response::{Html, Redirect};
use khienmang_core::Date;
use khienmang_core::admin::duties::{DutyReport, duties_of, duty_by_code, duty_state};
use khienmang_core::admin::phases::PROGRAMME_START;
use khienmang_core::admin::{BODIES, DutyState, PeriodKind, ReportingPeriod, completeness, overdue};
use khienmang_core::org::UnitId;
use khienmang_store::admin::reporting_units;
use serde::Deserialize;

use super::unit_name;
use crate::access::{Evaluate, ProgrammeManage, ProgrammeRead, Target};
use crate::error::{WebError, WebResult};
use crate::kit::form::Form;
use crate::org::today;
use crate::page::{Chrome, Page, render};

/// Days after a due date before a duty counts as late.
pub const GRACE_DAYS: u32 = 5;
/// Days late after which an overdue duty is escalated to the head of the steering committee.
pub const ESCALATE_AFTER_DAYS: i64 = 30;
/// Days ahead a reminder is shown.
pub const REMIND_DAYS: i64 = 30;

pub struct DutyRow {
    pub code: &'static str,
    pub title: &'static str,
    pub next_due: String,
    pub state: &'static str,
    pub state_code: &'static str,
}

pub struct BodyRow {
    pub number: u8,
    pub name: &'static str,
    pub requested: bool,
    pub due: usize,
    pub done: usize,
    pub completeness: String,
    pub timeliness: String,
    pub duties: Vec<DutyRow>,
}

pub struct OverdueRow {
    pub duty: &'static str,
    pub body: &'static str,
    pub due: String,
    pub days_late: i64,
    pub escalated: bool,
}

/// A report received, as listed (voided ones marked, never counted).
pub struct ReceivedRow {
    pub href: String,
    pub what: String,
    pub due: String,
    pub received: String,
    pub summary: String,
    pub voided: bool,
}

pub struct PeriodRow {
    pub label: String,
    pub expected: usize,
    pub received: usize,
    pub completeness: String,
    pub timeliness: String,
    pub missing: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/duties.html")]
struct DutiesPage {
    chrome: Chrome,
    bodies: Vec<BodyRow>,
    overdue: Vec<OverdueRow>,
    reminders: Vec<(String, &'static str, &'static str)>,
    periods: Vec<PeriodRow>,
    received_duties: Vec<ReceivedRow>,
    received_periods: Vec<ReceivedRow>,
    duty_codes: Vec<(&'static str, String)>,
    can_manage: bool,
    home: i64,
    home_name: String,
    current_period: String,
    grace: u32,
}

fn share(part: usize, whole: usize) -> String {
    if whole == 0 { "—".into() } else { crate::dashboard::percent_vi(part as f64 / whole as f64) }
}

fn body_rows(reports: &[DutyReport], today: Date) -> Vec<BodyRow> {
    BODIES
        .iter()
        .map(|b| {
            let (mut due, mut done, mut on_time) = (0, 0, 0);
            let mut duties = Vec::new();
            for d in duties_of(b.code) {
                let reported =
                    |on: Date| reports.iter().filter(|r| r.duty == d.code && r.due == on).map(|r| r.received_on).min();
                // Due dates up to today count for the rates; the next open one is shown.
                for on in d.due.due_dates(PROGRAMME_START, today) {
                    due += 1;
                    match duty_state(on, GRACE_DAYS, reported(on), today) {
                        DutyState::Done => {
                            done += 1;
                            on_time += 1;
                        }
                        DutyState::DoneLate => done += 1,
                        DutyState::Overdue | DutyState::Upcoming => {}
                    }
                }
                let next = d
                    .due
                    .due_dates(PROGRAMME_START, today + chrono::Days::new(3 * 366))
                    .into_iter()
                    .find(|on| reported(*on).is_none());
                let state = next.map_or(DutyState::Done, |on| duty_state(on, GRACE_DAYS, None, today));
                duties.push(DutyRow {
                    code: d.code,
                    title: d.title_vi,
                    next_due: next.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_else(|| "—".into()),
                    state: state.label_vi(),
                    state_code: state.as_str(),
                });
            }
            BodyRow {
                number: b.number,
                name: b.name_vi,
                requested: b.requested,
                due,
                done,
                completeness: share(done, due),
                timeliness: share(on_time, due),
                duties,
            }
        })
        .collect()
}

/// `GET /duties`.
pub async fn page(Page { lang, id }: Page, m: ProgrammeRead) -> WebResult<Html<String>> {
    let on = today();
    let reports = m.0.duty_reports().await?;
    let overdue_rows = overdue(&khienmang_core::admin::DUTIES, &reports, PROGRAMME_START, on, GRACE_DAYS)
        .into_iter()
        .rev()
        .map(|o| OverdueRow {
            duty: o.duty,
            body: khienmang_core::admin::duties::body_by_code(o.body).map_or(o.body, |b| b.name_vi),
            due: o.due.format("%d/%m/%Y").to_string(),
            days_late: o.days_late,
            escalated: o.days_late > ESCALATE_AFTER_DAYS,
        })
        .collect();
    let mut reminders = Vec::new();
    for d in &khienmang_core::admin::DUTIES {
        for due in d.due.due_dates(on, on + chrono::Days::new(REMIND_DAYS as u64)) {
            if !reports.iter().any(|r| r.duty == d.code && r.due == due) {
                reminders.push((due.format("%d/%m/%Y").to_string(), d.code, d.title_vi));
            }
        }
    }
    let home = m.0.home_unit(on).await?;
    let history = m.0.tree_history().await?;
    let units = reporting_units(&history, home);
    let quarterly = m.0.period_reports(PeriodKind::Quarter).await?;
    let mut periods = Vec::new();
    let mut p = ReportingPeriod::containing(PeriodKind::Quarter, on);
    for _ in 0..6 {
        let c = completeness(&units, &quarterly, p, GRACE_DAYS);
        let mut missing = Vec::new();
        for u in c.missing.iter().take(12) {
            missing.push(unit_name(&m.0, *u, p.end()).await?);
        }
        periods.push(PeriodRow {
            label: p.label_vi(),
            expected: c.expected,
            received: c.received,
            completeness: c.completeness.map(crate::dashboard::percent_vi).unwrap_or_else(|| "—".into()),
            timeliness: c.timeliness.map(crate::dashboard::percent_vi).unwrap_or_else(|| "—".into()),
            missing,
        });
        let prev = p.start().pred_opt().unwrap_or(p.start());
        if prev < PROGRAMME_START {
            break;
        }
        p = ReportingPeriod::containing(PeriodKind::Quarter, prev);
    }
    let can_manage = id.as_ref().is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::ProgrammeManage));
    let received_duties =
        m.0.duty_report_records()
            .await?
            .into_iter()
            .map(|r| ReceivedRow {
                href: format!("/duties/reports/{}", r.id),
                what: duty_by_code(&r.duty).map_or_else(|| r.duty.clone(), |d| format!("{} — {}", d.code, d.title_vi)),
                due: r.due.format("%d/%m/%Y").to_string(),
                received: r.received_on.format("%d/%m/%Y").to_string(),
                summary: r.summary,
                voided: r.voided.is_some(),
            })
            .collect();
    let unit_ids: Vec<UnitId> = units.iter().map(|u| u.id).collect();
    let mut received_periods = Vec::new();
    for r in m.0.period_report_records(&unit_ids).await? {
        received_periods.push(ReceivedRow {
            href: format!("/duties/period-reports/{}", r.id),
            what: unit_name(&m.0, r.unit, r.period.end()).await?,
            due: r.period.label_vi(),
            received: r.received_on.format("%d/%m/%Y").to_string(),
            summary: r.summary,
            voided: r.voided.is_some(),
        });
    }
    render(&DutiesPage {
        chrome: Chrome::new(lang, id.as_ref(), "duties"),
        bodies: body_rows(&reports, on),
        overdue: overdue_rows,
        reminders,
        periods,
        received_duties,
        received_periods,
        duty_codes: khienmang_core::admin::DUTIES
            .iter()
            .map(|d| (d.code, format!("{} — {}", d.code, d.title_vi)))
            .collect(),
        can_manage,
        home: home.0,
        home_name: unit_name(&m.0, home, on).await?,
        current_period: ReportingPeriod::containing(PeriodKind::Quarter, on).label_vi(),
        grace: GRACE_DAYS,
    })
}

#[derive(Deserialize)]
pub struct DutyReportIn {
    duty: String,
    due: String,
    #[serde(default)]
    received_on: String,
    summary: String,
}

fn parse_day(s: &str) -> WebResult<Date> {
    s.trim().parse().map_err(|_| WebError::BadRequest("Ngày không hợp lệ (năm-tháng-ngày).".into()))
}

/// `POST /duties/reports`: the secretariat records a body's report on a duty.
pub async fn duty_report_submit(m: ProgrammeManage, Form(f): Form<DutyReportIn>) -> WebResult<Redirect> {
    duty_by_code(&f.duty).ok_or_else(|| WebError::BadRequest(format!("Không có nhiệm vụ {}.", f.duty)))?;
    let received = if f.received_on.trim().is_empty() { today() } else { parse_day(&f.received_on)? };
    let due = parse_day(&f.due)?;
    m.0.write(Target::Programme, async |tx| Ok(tx.report_duty(&f.duty, due, received, &f.summary).await?)).await?;
    Ok(Redirect::to("/duties"))
}

#[derive(Deserialize)]
pub struct PeriodReportIn {
    unit: i64,
    summary: String,
}

/// `POST /duties/period-reports`: a commune sends its report for the current quarter.
pub async fn period_report_submit(m: Evaluate, Form(f): Form<PeriodReportIn>) -> WebResult<Redirect> {
    let unit = UnitId(f.unit);
    m.0.ensure_write(unit).await?;
    if f.summary.trim().is_empty() {
        return Err(WebError::BadRequest("Hãy tóm tắt kết quả trong kỳ.".into()));
    }
    let on = today();
    let period = ReportingPeriod::containing(PeriodKind::Quarter, on);
    m.0.write(Target::Unit(unit), async |tx| Ok(tx.add_period_report(unit, period, on, &f.summary).await?)).await?;
    Ok(Redirect::to("/duties"))
}

//! Correcting and voiding the reports received on the duties (issue 18): a
//! body's report on a Part 3 duty (the secretariat records, corrects and
//! voids it) and a commune's period report (corrected and voided by the
//! same scope that sends it), each restored by the secretariat. A report's
//! page shows it with its forms and its change history; the duties page
//! counts only what is not voided. Each write goes through the store's
//! shared correction mechanism (history, audit).

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, Response};
use khienmang_core::Date;
use khienmang_core::admin::duties::duty_by_code;
use khienmang_core::auth::Capability;
use khienmang_core::movement::{RecordKind, VoidReason};
use khienmang_store::admin::{DutyReportRecord, PeriodReportRecord};
use serde::Deserialize;

use super::unit_name;
use crate::access::{Evaluate, Granted, Identity, ProgrammeManage, ProgrammeRead, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused, see_other};
use crate::kit::history::ChangeRow;
use crate::page::{Chrome, Page, render};
use crate::reports::local_time;

/// The longest summary read.
const MAX_SUMMARY_CHARS: usize = 5000;

#[derive(Template)]
#[template(path = "admin/duty_report.html")]
struct ReportPage {
    chrome: Chrome,
    /// The kind of report (a key of the strings) and what names this one.
    heading_key: &'static str,
    heading: String,
    /// "/duties/reports/{id}" or "/duties/period-reports/{id}".
    base: String,
    facts: Vec<(&'static str, String)>,
    voided: Option<String>,
    may_change: bool,
    may_restore: bool,
    saved: bool,
    /// The duty menu (a duty report only; empty for a period report).
    duties: Vec<Opt>,
    draft_due: String,
    draft_received: String,
    draft_summary: String,
    changes: Vec<ChangeRow>,
    form: Refusal,
}

/// What a report's page shows, whichever kind it is.
struct Shown {
    kind: RecordKind,
    id: i64,
    heading_key: &'static str,
    heading: String,
    facts: Vec<(&'static str, String)>,
    voided: Option<String>,
    duty: Option<String>,
    due: Option<Date>,
    received_on: Date,
    summary: String,
}

fn voided_text(v: &Option<khienmang_store::movement::Voided>) -> Option<String> {
    v.as_ref().map(|v| format!("{} · {} · {}", local_time(&v.at), v.by, v.reason))
}

fn shown_duty(r: &DutyReportRecord) -> Shown {
    let title = duty_by_code(&r.duty).map_or_else(|| r.duty.clone(), |d| format!("{} — {}", d.code, d.title_vi));
    Shown {
        kind: RecordKind::DutyReport,
        id: r.id,
        heading_key: "dfix.duty_heading",
        heading: r.duty.clone(),
        facts: vec![
            ("adm.duty", title),
            ("adm.due", r.due.format("%d/%m/%Y").to_string()),
            ("adm.received_on", r.received_on.format("%d/%m/%Y").to_string()),
            ("adm.summary", r.summary.clone()),
        ],
        voided: voided_text(&r.voided),
        duty: Some(r.duty.clone()),
        due: Some(r.due),
        received_on: r.received_on,
        summary: r.summary.clone(),
    }
}

async fn shown_period(g: &Granted, r: &PeriodReportRecord) -> WebResult<Shown> {
    let unit = unit_name(g, r.unit, r.period.end()).await?;
    Ok(Shown {
        kind: RecordKind::PeriodReport,
        id: r.id,
        heading_key: "dfix.period_heading",
        heading: format!("{} · {unit}", r.period.label_vi()),
        facts: vec![
            ("dfix.unit", unit),
            ("adm.period", r.period.label_vi()),
            ("adm.received_on", r.received_on.format("%d/%m/%Y").to_string()),
            ("adm.summary", r.summary.clone()),
        ],
        voided: voided_text(&r.voided),
        duty: None,
        due: None,
        received_on: r.received_on,
        summary: r.summary.clone(),
    })
}

#[allow(clippy::too_many_arguments, reason = "the page's parts, each from its own read")]
async fn report_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    s: &Shown,
    may_change: bool,
    entered: Option<Fields>,
    error: Option<FormError>,
    saved: bool,
) -> WebResult<Html<String>> {
    let history = g.record_history(s.kind, s.id).await?.into_iter().rev().collect();
    let changes = g.history_of_kind(Tr { lang: lang.0 }, s.kind, history).await?;
    let typed = entered.as_ref();
    let pick = |name: &str, current: String| typed.map_or(current, |f| f.get(name).to_string());
    let duty = pick("duty", s.duty.clone().unwrap_or_default());
    let duties = if s.duty.is_some() {
        khienmang_core::admin::DUTIES
            .iter()
            .map(|d| Opt::new(d.code, format!("{} — {}", d.code, d.title_vi), &duty))
            .collect()
    } else {
        Vec::new()
    };
    let base = match s.kind {
        RecordKind::DutyReport => format!("/duties/reports/{}", s.id),
        _ => format!("/duties/period-reports/{}", s.id),
    };
    render(&ReportPage {
        chrome: Chrome::new(lang, id, "duties"),
        heading_key: s.heading_key,
        heading: s.heading.clone(),
        base,
        facts: s.facts.clone(),
        voided: s.voided.clone(),
        may_change,
        may_restore: id.is_some_and(|i| i.user.role.can(Capability::ProgrammeManage)),
        saved,
        duties,
        draft_due: pick("due", s.due.map(|d| d.to_string()).unwrap_or_default()),
        draft_received: pick("received_on", s.received_on.to_string()),
        draft_summary: pick("summary", s.summary.clone()),
        changes,
        form: Refusal { error, entered: entered.unwrap_or_default() },
    })
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

fn day_of(fields: &Fields, name: &str, what: &str) -> WebResult<Date> {
    let raw = fields.get(name);
    if raw.len() > 10 {
        return Err(WebError::BadRequest(format!("{what} không hợp lệ (năm-tháng-ngày).")));
    }
    raw.parse().map_err(|_| WebError::BadRequest(format!("{what} không hợp lệ (năm-tháng-ngày).")))
}

fn summary_of(fields: &Fields) -> WebResult<&str> {
    let s = fields.get("summary");
    if s.chars().count() > MAX_SUMMARY_CHARS {
        return Err(WebError::BadRequest(format!("Tóm tắt dài tối đa {MAX_SUMMARY_CHARS} ký tự.")));
    }
    Ok(s)
}

/// Back to the report's page with the confirmation, or the page again with
/// what was typed and the reason beside the form.
#[allow(clippy::too_many_arguments, reason = "the request's parts and the change's outcome")]
async fn after(
    lang: RequestLang,
    id: Option<Identity>,
    g: &Granted,
    s: Shown,
    may_change: bool,
    section: &'static str,
    fields: Fields,
    result: WebResult<()>,
) -> WebResult<Response> {
    let base = match s.kind {
        RecordKind::DutyReport => format!("/duties/reports/{}", s.id),
        _ => format!("/duties/period-reports/{}", s.id),
    };
    match result {
        Ok(()) => Ok(see_other(format!("{base}?saved=1"))),
        Err(e) => {
            let error = FormError::of(section, e)?;
            Ok(refused(report_page(lang, id.as_ref(), g, &s, may_change, Some(fields), Some(error), false).await?))
        }
    }
}

// ---- a body's report on a duty (the secretariat's) ----

/// `GET /duties/reports/{id}`.
pub async fn duty_page(
    Page { lang, id }: Page,
    m: ProgrammeRead,
    Path(rid): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> WebResult<Html<String>> {
    let r = m.0.duty_report_record(rid).await?;
    let may_change = id.as_ref().is_some_and(|i| i.user.role.can(Capability::ProgrammeManage));
    report_page(lang, id.as_ref(), &m.0, &shown_duty(&r), may_change, None, None, q.saved.is_some()).await
}

/// `POST /duties/reports/{id}/edit`.
pub async fn duty_edit(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let r = m.0.duty_report_record(rid).await?;
    let result = async {
        let due = day_of(&fields, "due", "Hạn báo cáo")?;
        let received = day_of(&fields, "received_on", "Ngày nhận")?;
        let summary = summary_of(&fields)?;
        let duty = fields.get("duty");
        m.0.write(Target::Programme, async |tx| {
            Ok(tx.edit_duty_report(&r, duty, due, received, summary).await.map(|_| ())?)
        })
        .await
    }
    .await;
    after(lang, id, &m.0, shown_duty(&r), true, "edit", fields, result).await
}

/// `POST /duties/reports/{id}/void`.
pub async fn duty_void(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let r = m.0.duty_report_record(rid).await?;
    let result = async {
        let why = VoidReason::parse(fields.get("reason"))?;
        m.0.write(Target::Programme, async |tx| Ok(tx.void_report(RecordKind::DutyReport, r.id, &why).await?)).await
    }
    .await;
    after(lang, id, &m.0, shown_duty(&r), true, "void", fields, result).await
}

/// `POST /duties/reports/{id}/restore`.
pub async fn duty_restore(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let r = m.0.duty_report_record(rid).await?;
    let result =
        m.0.write(Target::Programme, async |tx| Ok(tx.restore_report(RecordKind::DutyReport, r.id).await?)).await;
    after(lang, id, &m.0, shown_duty(&r), true, "restore", fields, result).await
}

// ---- a commune's period report (its own scope's) ----

/// `GET /duties/period-reports/{id}`: within the scope, NotFound outside.
pub async fn period_page(
    Page { lang, id }: Page,
    m: ProgrammeRead,
    Path(rid): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> WebResult<Html<String>> {
    let r = m.0.period_report_record(rid).await?;
    let may_change =
        id.as_ref().is_some_and(|i| i.user.role.can(Capability::Evaluate)) && m.0.unit_writable_today(r.unit).await?;
    let s = shown_period(&m.0, &r).await?;
    report_page(lang, id.as_ref(), &m.0, &s, may_change, None, None, q.saved.is_some()).await
}

/// `POST /duties/period-reports/{id}/edit`: by the scope that sends it.
pub async fn period_edit(
    Page { lang, id }: Page,
    m: Evaluate,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let r = m.0.period_report_record(rid).await?;
    let s = shown_period(&m.0, &r).await?;
    let result = async {
        let received = day_of(&fields, "received_on", "Ngày nhận")?;
        let summary = summary_of(&fields)?;
        m.0.write(Target::Unit(r.unit), async |tx| {
            Ok(tx.edit_period_report(&r, received, summary).await.map(|_| ())?)
        })
        .await
    }
    .await;
    after(lang, id, &m.0, s, true, "edit", fields, result).await
}

/// `POST /duties/period-reports/{id}/void`: by the scope that sends it.
pub async fn period_void(
    Page { lang, id }: Page,
    m: Evaluate,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let r = m.0.period_report_record(rid).await?;
    let s = shown_period(&m.0, &r).await?;
    let result = async {
        let why = VoidReason::parse(fields.get("reason"))?;
        m.0.write(Target::Unit(r.unit), async |tx| Ok(tx.void_report(RecordKind::PeriodReport, r.id, &why).await?))
            .await
    }
    .await;
    after(lang, id, &m.0, s, true, "void", fields, result).await
}

/// `POST /duties/period-reports/{id}/restore`: the secretariat's.
pub async fn period_restore(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let r = m.0.period_report_record(rid).await?;
    let s = shown_period(&m.0, &r).await?;
    let result =
        m.0.write(Target::Unit(r.unit), async |tx| Ok(tx.restore_report(RecordKind::PeriodReport, r.id).await?)).await;
    after(lang, id, &m.0, s, true, "restore", fields, result).await
}

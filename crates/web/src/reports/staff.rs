//! The staff's side: the triage queue of the scope, a report's page with
//! its timeline, suggested duplicates and actions, the reporter's contact
//! (only for the handling unit, audited), attachments, and the correlation
//! view of shared phone numbers, accounts and sites.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use khienmang_core::org::{Level, UnitId};
use khienmang_core::reports::{Category, Contact, Identifier, Status};
use khienmang_store::reports::{
    Attachment, Correlation, Notification, Report, ReportEvent, ReportFilter, SimilarReport,
};
use serde::Deserialize;

use super::local_time;
use crate::access::{Identity, ReportHandle, ReportRead, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::kit::form::{Fields, Opt};
use crate::page::{Chrome, Page, render};

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub view: String,
}

pub struct QueueRow {
    pub report: Report,
    pub received: String,
    pub due: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "reports/queue.html")]
struct QueuePage {
    chrome: Chrome,
    rows: Vec<QueueRow>,
    statuses: Vec<Opt>,
    categories: Vec<Opt>,
    views: Vec<Opt>,
    notifications: Vec<Notification>,
    unread: usize,
}

fn chrome(lang: RequestLang, id: &Option<Identity>, current: &'static str) -> Chrome {
    Chrome::new(lang, id.as_ref(), current)
}

pub async fn queue(r: ReportRead, Page { lang, id }: Page, Query(q): Query<QueueQuery>) -> WebResult<Html<String>> {
    let filter = ReportFilter {
        status: Status::parse(&q.status),
        category: Category::parse(&q.category),
        open_only: q.view.is_empty() || q.view == "open" || q.view == "awaiting",
        overdue_only: q.view == "overdue",
        // The work overview's "questions awaiting the reporter" leads here.
        awaiting_reporter: q.view == "awaiting",
    };
    let now = crate::access::now();
    let stamp = now.stored();
    let rows = r
        .reports(&filter, 300, 0, now)
        .await?
        .into_iter()
        .map(|report| QueueRow {
            received: local_time(&report.received_at),
            due: local_time(&report.due_at),
            overdue: report.is_overdue(&stamp),
            report,
        })
        .collect();
    let chrome = chrome(lang, &id, "reports");
    let mut statuses = vec![Opt::new("", chrome.tr.t("rep.all"), &q.status)];
    statuses.extend(Status::ALL.iter().map(|s| Opt::new(s.as_str(), chrome.tr.label(s), &q.status)));
    let mut categories = vec![Opt::new("", chrome.tr.t("rep.all"), &q.category)];
    categories.extend(Category::ALL.iter().map(|c| Opt::new(c.as_str(), chrome.tr.label(c), &q.category)));
    let view = if q.view.is_empty() { "open" } else { q.view.as_str() };
    let views = vec![
        Opt::new("open", chrome.tr.t("rep.view_open"), view),
        Opt::new("overdue", chrome.tr.t("rep.view_overdue"), view),
        Opt::new("awaiting", chrome.tr.t("rep.view_awaiting"), view),
        Opt::new("all", chrome.tr.t("rep.view_all"), view),
    ];
    let notifications = r.notifications(10).await?;
    let unread = notifications.iter().filter(|n| !n.read).count();
    render(&QueuePage { chrome, rows, statuses, categories, views, notifications, unread })
}

pub async fn notifications_read(h: ReportHandle) -> WebResult<Response> {
    if let Some(unit) = h.0.scope.root() {
        h.0.write(Target::Own, async |tx| Ok(tx.notifications_read(unit).await?)).await?;
    }
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, "/reports")]).into_response())
}

pub struct EventRow {
    pub event: ReportEvent,
    pub at: String,
    /// The event's kind and author in words ([`crate::kit::words`]).
    pub kind: &'static str,
    pub actor: String,
}

#[derive(Template)]
#[template(path = "reports/detail.html")]
struct DetailPage {
    chrome: Chrome,
    report: Report,
    received: String,
    due: String,
    overdue: bool,
    identifiers: Vec<(Identifier, i64)>,
    attachments: Vec<Attachment>,
    events: Vec<EventRow>,
    similar: Vec<SimilarReport>,
    next: Vec<Opt>,
    units: Vec<Opt>,
    can_handle: bool,
    can_see_contact: bool,
    contact: Option<Option<Contact>>,
    error: Option<String>,
}

impl DetailPage {
    pub fn pct(&self, v: &f64) -> String {
        format!("{:.0}%", v * 100.0)
    }
}

/// Units a report may be given to from the scope: the unit handling it and
/// the communes below the session's root.
async fn assignable(r: &ReportRead, report: &Report) -> WebResult<Vec<Opt>> {
    let today = crate::org::today();
    let mut out = vec![Opt::new(report.unit_id.0.to_string(), report.unit_name.clone(), &report.unit_id.0.to_string())];
    // The scope's root, or the province the reports are received for.
    let root = r.0.home_unit(today).await?;
    let history = r.0.tree_history().await?;
    for v in history.subtree_on(root, today) {
        if matches!(v.level, Level::Commune | Level::Province | Level::District) && v.unit_id != report.unit_id {
            out.push(Opt::new(v.unit_id.0.to_string(), v.name.clone(), ""));
        }
    }
    Ok(out)
}

async fn detail_page(
    r: &ReportRead,
    chrome: Chrome,
    id: i64,
    can_handle: bool,
    contact: Option<Option<Contact>>,
    error: Option<String>,
) -> WebResult<Response> {
    let report = r.report(id).await?;
    let of = r.of_report(&report);
    let ids = of.identifiers().await?;
    let mut identifiers = Vec::new();
    for i in &ids {
        // How many reports name the same identifier: the correlation at a glance.
        identifiers.push((i.clone(), of.naming(i).await?));
    }
    // Only reports the session could open itself, as the queue lists them.
    let similar = of.similar(&ids, 5).await?;
    let tr = chrome.tr;
    let events = of
        .events()
        .await?
        .into_iter()
        .map(|e| EventRow {
            at: local_time(&e.at),
            kind: crate::kit::words::event_kind(tr, &e.kind),
            actor: crate::kit::words::actor(tr, &e.actor),
            event: e,
        })
        .collect();
    let attachments = of.attachments().await?;
    let next = report
        .status
        .next()
        .iter()
        .filter(|s| **s != Status::Duplicate)
        .map(|s| Opt::new(s.as_str(), tr.label(s), ""))
        .collect();
    let units = if can_handle { assignable(r, &report).await? } else { Vec::new() };
    let now = crate::access::now().stored();
    // Only the unit handling the report sees who sent it (the province
    // sees it for reports it handles itself).
    let can_see_contact = can_handle && r.0.scope.root() == Some(report.unit_id) && report.has_contact;
    let page = DetailPage {
        chrome,
        received: local_time(&report.received_at),
        due: local_time(&report.due_at),
        overdue: report.is_overdue(&now),
        identifiers,
        attachments,
        events,
        similar,
        next,
        units,
        can_handle,
        can_see_contact,
        contact,
        error: error.clone(),
        report,
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)?).into_response())
}

fn can_handle(id: &Option<Identity>) -> bool {
    id.as_ref().is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::ReportHandle))
}

pub async fn detail(r: ReportRead, Page { lang, id }: Page, Path(report): Path<i64>) -> WebResult<Response> {
    let handle = can_handle(&id);
    detail_page(&r, chrome(lang, &id, "reports"), report, handle, None, None).await
}

/// Runs one handling action through the write door on the report (which
/// loads it and checks it is in the scope: outside, it does not exist),
/// then shows the report again (with the refusal, if any; a refused action
/// is rolled back).
async fn act(
    h: ReportHandle,
    lang: RequestLang,
    id: Option<Identity>,
    report: i64,
    action: impl AsyncFnOnce(&mut khienmang_store::WriteTx, &ReportHandle) -> WebResult<()>,
) -> WebResult<Response> {
    let read = ReportRead(h.0.clone());
    let error = match h.0.write(Target::Report(report), async |tx| action(tx, &h).await).await {
        Ok(()) => None,
        Err(WebError::BadRequest(m)) => Some(m),
        Err(e) => return Err(e),
    };
    if error.is_none() {
        let to = format!("/reports/{report}");
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response());
    }
    detail_page(&read, chrome(lang, &id, "reports"), report, true, None, error).await
}

pub async fn status_submit(
    h: ReportHandle,
    Page { lang, id }: Page,
    Path(report): Path<i64>,
    f: Fields,
) -> WebResult<Response> {
    let to = Status::parse(f.get("status"));
    // The message is the reporter's alone; the public note is what Open311 shows anyone.
    let message = f.get("message").to_string();
    let public_note = f.get("public_note").to_string();
    act(h, lang, id, report, async |tx, _| {
        let to = to.ok_or_else(|| WebError::BadRequest("Hãy chọn trạng thái mới.".into()))?;
        tx.report_move_noted(report, to, Some(&message), Some(&public_note)).await?;
        Ok(())
    })
    .await
}

pub async fn assign_submit(
    h: ReportHandle,
    Page { lang, id }: Page,
    Path(report): Path<i64>,
    f: Fields,
) -> WebResult<Response> {
    let unit = f.get("unit").parse::<i64>().ok().map(UnitId);
    let assignee = f.get("assignee").to_string();
    act(h, lang, id, report, async |tx, h| {
        let unit = unit.ok_or_else(|| WebError::BadRequest("Hãy chọn đơn vị xử lý.".into()))?;
        h.0.ensure_write(unit).await?;
        tx.report_assign(report, unit, Some(&assignee)).await?;
        Ok(())
    })
    .await
}

pub async fn merge_submit(
    h: ReportHandle,
    Page { lang, id }: Page,
    Path(report): Path<i64>,
    f: Fields,
) -> WebResult<Response> {
    let into = f.get("into").parse::<i64>().ok();
    let read = ReportRead(h.0.clone());
    if let Some(into) = into {
        // The report it joins must be visible to the officer too.
        read.report(into).await?;
    }
    act(h, lang, id, report, async |tx, _| {
        let into = into.ok_or_else(|| WebError::BadRequest("Hãy chọn phản ánh gốc.".into()))?;
        tx.report_merge(report, into).await?;
        Ok(())
    })
    .await
}

pub async fn question_submit(
    h: ReportHandle,
    Page { lang, id }: Page,
    Path(report): Path<i64>,
    f: Fields,
) -> WebResult<Response> {
    let text = f.get("question").to_string();
    act(h, lang, id, report, async |tx, _| Ok(tx.report_ask(report, &text).await?)).await
}

pub async fn note_submit(
    h: ReportHandle,
    Page { lang, id }: Page,
    Path(report): Path<i64>,
    f: Fields,
) -> WebResult<Response> {
    let text = f.get("note").to_string();
    act(h, lang, id, report, async |tx, _| Ok(tx.report_note(report, &text).await?)).await
}

/// Shows the reporter's contact to the handling unit; the view is audited.
pub async fn contact_submit(
    h: ReportHandle,
    Page { lang, id }: Page,
    Path(report): Path<i64>,
    state: axum::extract::State<crate::AppState>,
) -> WebResult<Response> {
    let read = ReportRead(h.0.clone());
    let current = read.report(report).await?;
    if h.0.scope.root() != Some(current.unit_id) {
        return Err(WebError::Forbidden);
    }
    let key = &state.reports.key;
    let contact = h.0.write(Target::Report(report), async |tx| Ok(tx.report_contact(report, key).await?)).await?;
    detail_page(&read, chrome(lang, &id, "reports"), report, true, Some(contact), None).await
}

/// An attachment, as a download only (never rendered inline by the browser).
pub async fn attachment(
    r: ReportRead,
    Path(attachment): Path<i64>,
    state: axum::extract::State<crate::AppState>,
) -> WebResult<Response> {
    let (report, a) = r.attachment(attachment).await?;
    // A citizen's file may show who they are: each download is audited.
    r.0.audit_view("personal_data.view", &format!("report:{report}"), serde_json::json!({"attachment": a.id})).await?;
    let files = state.reports.files.clone();
    let sha = a.sha256.clone();
    let bytes =
        tokio::task::spawn_blocking(move || files.get(&sha)).await.map_err(|e| WebError::Internal(e.to_string()))??;
    let disposition = format!(
        "attachment; filename=\"tep-{}.{}\"",
        a.id,
        match a.kind.as_str() {
            "image/png" => "png",
            "image/jpeg" => "jpg",
            _ => "pdf",
        }
    );
    Ok((
        [
            (header::CONTENT_TYPE, a.kind.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

pub struct CorrelationRow {
    pub c: Correlation,
    pub first: String,
    pub last: String,
}

#[derive(Template)]
#[template(path = "reports/correlations.html")]
struct CorrelationsPage {
    chrome: Chrome,
    rows: Vec<CorrelationRow>,
}

/// Identifiers that several reports share: candidate scam indicators.
pub async fn correlations(r: ReportRead, Page { lang, id }: Page) -> WebResult<Html<String>> {
    let rows = r
        .correlations(200)
        .await?
        .into_iter()
        .map(|c| CorrelationRow { first: local_time(&c.first_seen), last: local_time(&c.last_seen), c })
        .collect();
    render(&CorrelationsPage { chrome: chrome(lang, &id, "reports"), rows })
}

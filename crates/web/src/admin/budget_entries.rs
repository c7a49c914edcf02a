//! Correcting and voiding a budget entry (issue 18): the entry's page with
//! its correction form pre-filled (the amount as people write it,
//! "12.500.000"), the void form with its required reason, the
//! secretariat's restore and the entry's history; and the entries' JSON
//! API under `/api/v1/budget/entries`. No target reads the budget: the
//! budget page, its export and the reviews read the entries afresh, so a
//! corrected amount shows there at once and a voided one leaves them.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use khienmang_core::admin::{BudgetEntry, BudgetLevel, SpendingLine, Stage, format_thousands};
use khienmang_core::movement::{RecordKind, VoidReason};
use khienmang_core::org::UnitId;
use khienmang_store::admin::BudgetRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::budget::{days_vi, entry_choices, entry_of};
use crate::access::{Identity, ProgrammeManage, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::kit::form::{Fields, FormError, refused, see_other};
use crate::movement::initiatives::{ApiVoid, ApiVoidInput, json_body, present};
use crate::movement::record_edits::Saved;
use crate::movement::record_page::{FieldView, Input, RecordView, record_page};
use crate::page::Page;

/// Where an entry is written: its spending unit, or the programme's.
fn target(r: &BudgetRecord) -> Target<'static> {
    match r.unit {
        Some(u) => Target::Unit(u),
        None => Target::Programme,
    }
}

fn base(id: i64) -> String {
    format!("/budget/entries/{id}")
}

/// The entry's page, its fields showing `entered` after a refusal.
async fn view(m: &ProgrammeManage, r: &BudgetRecord, entered: &Fields) -> WebResult<RecordView> {
    let pick = |name: &str, current: &str| -> String {
        if entered.0.is_empty() { current.to_string() } else { entered.get(name).to_string() }
    };
    let e = &r.entry;
    let (levels, lines, stages) = entry_choices(
        &pick("level", e.level.as_str()),
        &pick("line", e.line.map(|l| l.as_str()).unwrap_or("")),
        &pick("stage", e.stage.as_str()),
    );
    let line = FieldView::pick("line", "adm.line", lines).optional();
    let mut amount = FieldView::typed("amount", "adm.amount", Input::Numeric, format_thousands(e.amount), entered);
    amount.required = true;
    let fields = vec![
        FieldView::pick("level", "adm.level", levels),
        line,
        FieldView::pick("stage", "adm.stage", stages),
        amount,
        FieldView::typed("from", "adm.from", Input::Date, e.from.to_string(), entered),
        FieldView::typed("to", "adm.to", Input::Date, e.to.to_string(), entered),
        FieldView::typed("note", "adm.note", Input::Text, r.note.clone().unwrap_or_default(), entered).optional(),
    ];
    let history = m.budget_history(r).await?;
    Ok(RecordView {
        nav: "budget",
        heading: "rec.budget_edit",
        name: format!("{} · {} · {} đ", days_vi(e), e.stage.label_vi(), format_thousands(e.amount)),
        back: "/budget#entries".into(),
        back_label: "adm.budget",
        base: base(r.id),
        multipart: false,
        fields,
        voided: r.voided.clone(),
        kind: RecordKind::BudgetEntry,
        names: m.0.history_names(history.iter()).await?,
        history,
    })
}

async fn refused_page(
    lang: RequestLang,
    id: Option<&Identity>,
    m: &ProgrammeManage,
    r: &BudgetRecord,
    section: &'static str,
    e: WebError,
    entered: Fields,
) -> WebResult<Response> {
    let error = FormError::of(section, e)?;
    let values = if section == "edit" { entered.clone() } else { Fields::default() };
    Ok(refused(record_page(lang, id, view(m, r, &values).await?, true, false, Some(error), entered)?))
}

/// `GET /budget/entries/{id}/edit`.
pub async fn edit_form(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    Query(q): Query<Saved>,
) -> WebResult<Html<String>> {
    let r = m.budget_entry(rid).await?;
    if r.voided.is_none() {
        // A unit readable only for its history takes no correction: refused here already.
        m.0.check(target(&r)).await?;
    }
    record_page(lang, id.as_ref(), view(&m, &r, &Fields::default()).await?, true, q.shown(), None, Fields::default())
}

/// `POST /budget/entries/{id}/edit`.
pub async fn edit_submit(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let r = m.budget_entry(rid).await?;
    let result = async {
        let (entry, note) = entry_of(&fields)?;
        m.0.write(target(&r), async |tx| Ok(tx.edit_budget_entry(&r, r.unit, &entry, note.as_deref()).await?)).await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(format!("{}/edit?saved=1", base(rid)))),
        Err(e) => refused_page(lang, id.as_ref(), &m, &r, "edit", e, fields).await,
    }
}

/// `POST /budget/entries/{id}/void`: back to the budget, without the entry.
pub async fn void_submit(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let r = m.budget_entry(rid).await?;
    let result = async {
        let why = VoidReason::parse(fields.get("reason"))?;
        m.0.write(target(&r), async |tx| Ok(tx.void_budget_entry(rid, &why).await?)).await
    }
    .await;
    match result {
        Ok(()) => Ok(see_other("/budget?voided=1#entries".into())),
        Err(e) => refused_page(lang, id.as_ref(), &m, &r, "void", e, fields).await,
    }
}

/// `POST /budget/entries/{id}/restore`.
pub async fn restore_submit(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let r = m.budget_entry(rid).await?;
    let result = m.0.write(target(&r), async |tx| Ok(tx.restore_budget_entry(rid).await?)).await;
    match result {
        Ok(()) => Ok(see_other(format!("{}/edit?saved=1", base(rid)))),
        Err(e) => refused_page(lang, id.as_ref(), &m, &r, "restore", e, fields).await,
    }
}

// ---- The API ----

/// One amount of the programme's budget, in whole đồng.
#[derive(Serialize, ToSchema)]
pub struct ApiBudgetEntry {
    id: i64,
    /// The spending unit, when known.
    unit_id: Option<i64>,
    /// province, district or commune.
    level: String,
    /// The spending line (Part 2, IV.2), when known.
    line: Option<String>,
    /// estimate, allocation, spending or settlement.
    stage: String,
    amount: i64,
    /// YYYY-MM-DD, the first day covered.
    from: String,
    /// YYYY-MM-DD, the last day covered (the same year).
    to: String,
    note: Option<String>,
    created_by: String,
    /// Set when the entry was voided.
    #[serde(skip_serializing_if = "Option::is_none")]
    voided: Option<ApiVoid>,
}

impl From<&BudgetRecord> for ApiBudgetEntry {
    fn from(r: &BudgetRecord) -> Self {
        ApiBudgetEntry {
            id: r.id,
            unit_id: r.unit.map(|u| u.0),
            level: r.entry.level.as_str().into(),
            line: r.entry.line.map(|l| l.as_str().to_string()),
            stage: r.entry.stage.as_str().into(),
            amount: r.entry.amount,
            from: r.entry.from.to_string(),
            to: r.entry.to.to_string(),
            note: r.note.clone(),
            created_by: r.created_by.clone(),
            voided: r.voided.as_ref().map(ApiVoid::from),
        }
    }
}

/// A page of budget entries.
#[derive(Serialize, ToSchema)]
pub struct ApiBudgetEntries {
    entries: Vec<ApiBudgetEntry>,
    total: usize,
    limit: usize,
    offset: usize,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ApiEntriesQuery {
    /// At most 200; 50 when not given.
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    offset: Option<usize>,
}

/// The budget's entries (the programme's, and those of spending units in
/// the caller's scope) by first day, paged; voided ones are not listed.
#[utoipa::path(get, path = "/api/v1/budget/entries", params(ApiEntriesQuery), tag = "budget",
    responses((status = 200, body = ApiBudgetEntries), (status = 401), (status = 403)), security(("bearer" = [])))]
pub async fn api_list(m: ProgrammeManage, Query(q): Query<ApiEntriesQuery>) -> WebResult<Json<ApiBudgetEntries>> {
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let offset = q.offset.unwrap_or(0);
    let found = m.budget_entries_in_scope().await?;
    Ok(Json(ApiBudgetEntries {
        total: found.len(),
        entries: found.iter().skip(offset).take(limit).map(ApiBudgetEntry::from).collect(),
        limit,
        offset,
    }))
}

/// One budget entry (a voided one is shown marked void).
#[utoipa::path(get, path = "/api/v1/budget/entries/{id}", params(("id" = i64, Path,)), tag = "budget",
    responses((status = 200, body = ApiBudgetEntry), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn api_get(m: ProgrammeManage, Path(rid): Path<i64>) -> WebResult<Json<ApiBudgetEntry>> {
    Ok(Json(ApiBudgetEntry::from(&m.budget_entry(rid).await?)))
}

/// An amount to record.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiBudgetEntryInput {
    #[schema(value_type = String)]
    level: BudgetLevel,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    line: Option<SpendingLine>,
    #[schema(value_type = String)]
    stage: Stage,
    /// Whole đồng, not negative.
    amount: i64,
    /// YYYY-MM-DD
    from: String,
    /// YYYY-MM-DD; the first day when left out.
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    note: Option<String>,
    /// The spending unit, in the caller's scope.
    #[serde(default)]
    unit_id: Option<i64>,
}

fn day(s: &str) -> WebResult<khienmang_core::Date> {
    let s: String = s.chars().take(40).collect();
    s.trim().parse().map_err(|_| WebError::BadRequest(format!("Ngày “{s}” không hợp lệ; ghi dạng YYYY-MM-DD.")))
}

fn checked(
    level: BudgetLevel,
    line: Option<SpendingLine>,
    stage: Stage,
    amount: i64,
    from: &str,
    to: Option<&str>,
) -> WebResult<BudgetEntry> {
    let from = day(from)?;
    let to = match to {
        Some(t) => day(t)?,
        None => from,
    };
    BudgetEntry::new(level, line, stage, amount, from, to).map_err(|e| WebError::BadRequest(e.message_vi()))
}

fn note_of(note: Option<String>) -> Option<String> {
    note.map(|n| n.trim().chars().take(2000).collect::<String>()).filter(|n| !n.is_empty())
}

/// Record an amount (422 with the reason when it is negative or its days
/// are not within one year).
#[utoipa::path(post, path = "/api/v1/budget/entries", request_body = ApiBudgetEntryInput, tag = "budget",
    responses((status = 201, body = ApiBudgetEntry), (status = 403), (status = 422)), security(("bearer" = [])))]
pub async fn api_create(
    m: ProgrammeManage,
    body: Result<Json<ApiBudgetEntryInput>, JsonRejection>,
) -> WebResult<(StatusCode, Json<ApiBudgetEntry>)> {
    let b = json_body(body)?;
    let entry = checked(b.level, b.line, b.stage, b.amount, &b.from, b.to.as_deref())?;
    let unit = b.unit_id.map(UnitId);
    let note = note_of(b.note);
    let t = match unit {
        Some(u) => Target::Unit(u),
        None => Target::Programme,
    };
    let rid = m.0.write(t, async |tx| Ok(tx.add_budget_entry(unit, &entry, note.as_deref()).await?)).await?;
    Ok((StatusCode::CREATED, Json(ApiBudgetEntry::from(&m.budget_entry(rid).await?))))
}

/// The fields of an entry to correct; those left out stay. `null` clears
/// the line or the note.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiBudgetEntryPatch {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    level: Option<BudgetLevel>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    line: Option<Option<String>>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    stage: Option<Stage>,
    #[serde(default)]
    amount: Option<i64>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    note: Option<Option<String>>,
}

/// Correct an entry: the budget page, its export and the reviews show the
/// corrected amount at once; the change is kept in the entry's history
/// and the audit log.
#[utoipa::path(patch, path = "/api/v1/budget/entries/{id}", params(("id" = i64, Path,)), tag = "budget",
    request_body = ApiBudgetEntryPatch,
    responses((status = 200, body = ApiBudgetEntry), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn api_patch(
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    body: Result<Json<ApiBudgetEntryPatch>, JsonRejection>,
) -> WebResult<Json<ApiBudgetEntry>> {
    let r = m.budget_entry(rid).await?;
    let p = json_body(body)?;
    let e = &r.entry;
    let line = match p.line {
        Some(Some(l)) => {
            Some(SpendingLine::parse(&l).ok_or_else(|| WebError::BadRequest("Nội dung chi không hợp lệ.".into()))?)
        }
        Some(None) => None,
        None => e.line,
    };
    let from = p.from.unwrap_or_else(|| e.from.to_string());
    let to = p.to.unwrap_or_else(|| e.to.to_string());
    let entry = checked(
        p.level.unwrap_or(e.level),
        line,
        p.stage.unwrap_or(e.stage),
        p.amount.unwrap_or(e.amount),
        &from,
        Some(&to),
    )?;
    let note = match p.note {
        Some(n) => note_of(n),
        None => r.note.clone(),
    };
    m.0.write(target(&r), async |tx| Ok(tx.edit_budget_entry(&r, r.unit, &entry, note.as_deref()).await?)).await?;
    Ok(Json(ApiBudgetEntry::from(&m.budget_entry(rid).await?)))
}

/// Void an entry entered by mistake: it leaves the budget, its export and the reviews.
#[utoipa::path(post, path = "/api/v1/budget/entries/{id}/void", params(("id" = i64, Path,)), tag = "budget",
    request_body = ApiVoidInput, responses((status = 204), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn api_void(
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    body: Result<Json<ApiVoidInput>, JsonRejection>,
) -> WebResult<StatusCode> {
    let r = m.budget_entry(rid).await?;
    let why = VoidReason::parse(&json_body(body)?.reason)?;
    m.0.write(target(&r), async |tx| Ok(tx.void_budget_entry(rid, &why).await?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restore a voided entry.
#[utoipa::path(post, path = "/api/v1/budget/entries/{id}/restore", params(("id" = i64, Path,)), tag = "budget",
    responses((status = 200, body = ApiBudgetEntry), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn api_restore(m: ProgrammeManage, Path(rid): Path<i64>) -> WebResult<Json<ApiBudgetEntry>> {
    let r = m.budget_entry(rid).await?;
    m.0.write(target(&r), async |tx| Ok(tx.restore_budget_entry(rid).await?)).await?;
    Ok(Json(ApiBudgetEntry::from(&m.budget_entry(rid).await?)))
}

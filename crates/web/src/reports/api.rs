//! The reports' JSON API: anonymous intake and tracking for apps, public
//! statistics, and the staff's scoped list and detail.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use khienmang_core::reports::{Category, Channel, Contact, Status};
use khienmang_store::reports::{Report, ReportFilter, ReportStats};
use serde::{Deserialize, Serialize};

use super::{Submission, local_time};
use crate::AppState;
use crate::access::ReportRead;
use crate::error::{WebError, WebResult};
use crate::limit::{ClientAddr, LimitClass};

/// JSON bodies carry no files, so they stay small.
const MAX_JSON_BYTES: usize = 64 * 1024;

/// A report as an app sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportIn {
    /// fraud, black_market_lending, gambling, drugs, child_safety, harmful_fake_news, cyber_attack, other
    pub category: String,
    pub description: String,
    /// The commune's id or official code.
    #[serde(default)]
    pub commune: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub links: Vec<String>,
    /// Phone numbers, bank accounts ("Vietcombank 0011…"), sites involved.
    #[serde(default)]
    pub identifiers: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub contact: Option<Contact>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReceiptOut {
    /// The public tracking code (also the Open311 service_request_id).
    pub code: String,
    /// Keep it: it opens the report. It is never shown again.
    pub secret: String,
    pub status: String,
    pub due_at: String,
}

/// The reporter's view: no officer names, no internal notes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrackedReport {
    pub code: String,
    pub category: String,
    pub category_label: String,
    pub status: String,
    pub status_label: String,
    pub received_at: String,
    pub due_at: String,
    pub closed_at: Option<String>,
    pub commune: Option<String>,
    pub handled_by: String,
    pub timeline: Vec<TimelineEntry>,
    pub rating: Option<i64>,
    pub can_rate: bool,
    pub can_reopen: bool,
    pub has_contact: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub at: String,
    /// "reporter" for what the reporter sent, else "officer".
    pub from: String,
    pub kind: String,
    pub status: Option<String>,
    pub message: Option<String>,
}

pub(crate) async fn tracked(state: &AppState, r: &Report) -> WebResult<TrackedReport> {
    let events = state.store.report_timeline(r).await?;
    let timeline = events
        .into_iter()
        .filter(|e| e.to_reporter)
        .map(|e| TimelineEntry {
            at: e.at,
            from: if e.actor == khienmang_store::reports::REPORTER { "reporter".into() } else { "officer".into() },
            kind: e.kind,
            status: e.status.map(|s| s.as_str().to_string()),
            message: e.body,
        })
        .collect();
    Ok(TrackedReport {
        code: r.code.clone(),
        category: r.category.as_str().into(),
        category_label: r.category.label_vi().into(),
        status: r.status.as_str().into(),
        status_label: r.status.label_vi().into(),
        received_at: r.received_at.clone(),
        due_at: r.due_at.clone(),
        closed_at: r.closed_at.clone(),
        commune: r.commune_name.clone(),
        handled_by: r.unit_name.clone(),
        timeline,
        rating: r.rating,
        can_rate: r.status.is_closed() && r.rating.is_none(),
        can_reopen: r.status.is_closed() && r.status != Status::Duplicate,
        has_contact: r.has_contact,
    })
}

fn secret_of(headers: &HeaderMap) -> String {
    headers.get("x-report-secret").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

async fn reporter_report(state: &AppState, code: &str, headers: &HeaderMap) -> WebResult<Report> {
    state.store.report_for_reporter(code, &secret_of(headers)).await?.ok_or(WebError::NotFound)
}

#[utoipa::path(post, path = "/api/v1/reports",
    request_body(content = ReportIn, description = "JSON, or multipart/form-data with the same fields and files under `attachments` (PNG, JPEG, PDF)"),
    responses((status = 201, body = ReceiptOut), (status = 422, description = "Refused, with the reason in Vietnamese"),
              (status = 413, description = "Too large"), (status = 415, description = "Neither JSON nor multipart"),
              (status = 429, description = "Too many reports from this client this hour")))]
pub async fn create(State(state): State<AppState>, client: ClientAddr, req: Request) -> WebResult<Response> {
    state.limits.check(LimitClass::Report, client)?;
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let submission = if content_type.starts_with("application/json") {
        let bytes = Bytes::from_request(req, &state).await.map_err(|_| too_large())?;
        if bytes.len() > MAX_JSON_BYTES {
            return Err(too_large());
        }
        let body: ReportIn = serde_json::from_slice(&bytes)
            .map_err(|e| WebError::BadRequest(format!("Nội dung JSON không hợp lệ: {e}")))?;
        let mut s = Submission::default();
        s.draft.category = body.category;
        s.draft.description = body.description;
        s.draft.lat = body.lat;
        s.draft.lon = body.lon;
        s.draft.links = body.links;
        s.draft.identifiers = body.identifiers;
        s.draft.contact = body.contact.unwrap_or_default();
        s.commune = body.commune;
        s
    } else if content_type.starts_with("multipart/form-data") {
        let mp = Multipart::from_request(req, &state).await.map_err(|_| unsupported())?;
        Submission::from_multipart(mp).await?
    } else {
        return Ok(unsupported().into_response());
    };
    let receipt = submission.submit(&state.store, &state.reports, Channel::Api, crate::access::now()).await?;
    let out = ReceiptOut {
        code: receipt.code,
        secret: receipt.secret,
        status: Status::Received.as_str().into(),
        due_at: receipt.due_at,
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

fn too_large() -> WebError {
    WebError::TooLarge("Nội dung gửi lên quá lớn.".into())
}

fn unsupported() -> WebError {
    WebError::Unsupported("Chỉ nhận nội dung JSON (application/json) hoặc biểu mẫu multipart/form-data.".into())
}

#[utoipa::path(get, path = "/api/v1/reports/track/{code}",
    params(("code" = String, Path, description = "The tracking code"),
           ("X-Report-Secret" = String, Header, description = "The secret given at submission")),
    responses((status = 200, body = TrackedReport), (status = 404, description = "Wrong code or secret")))]
pub async fn track(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> WebResult<Json<TrackedReport>> {
    let r = reporter_report(&state, &code, &headers).await?;
    Ok(Json(tracked(&state, &r).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MessageIn {
    pub text: String,
}

#[utoipa::path(post, path = "/api/v1/reports/track/{code}/messages",
    params(("code" = String, Path), ("X-Report-Secret" = String, Header)),
    request_body = MessageIn,
    responses((status = 200, body = TrackedReport), (status = 404, description = "Wrong code or secret")))]
pub async fn add_message(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    Json(body): Json<MessageIn>,
) -> WebResult<Json<TrackedReport>> {
    let r = reporter_report(&state, &code, &headers).await?;
    let mut tx = state.store.reporter_tx(&r).await?;
    tx.report_reporter_message(r.id, &body.text, &[]).await?;
    tx.commit().await?;
    let r = reporter_report(&state, &code, &headers).await?;
    Ok(Json(tracked(&state, &r).await?))
}

#[derive(Debug, Deserialize)]
pub struct StatsQuery {
    pub year: Option<i32>,
}

#[utoipa::path(get, path = "/api/v1/reports/stats",
    params(("year" = Option<i32>, Query)),
    responses((status = 200, description = "Received, resolved and on-time counts by commune, category and month")))]
pub async fn stats(State(state): State<AppState>, Query(q): Query<StatsQuery>) -> WebResult<Response> {
    let s: ReportStats = state.store.province_report_stats(q.year).await?;
    Ok(([(header::CACHE_CONTROL, "public, max-age=60")], Json(s)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub category: Option<String>,
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: Option<i64>,
}

impl ListQuery {
    pub fn filter(&self) -> ReportFilter {
        ReportFilter {
            status: self.status.as_deref().and_then(Status::parse),
            category: self.category.as_deref().and_then(Category::parse),
            open_only: false,
            overdue_only: self.overdue,
            awaiting_reporter: false,
        }
    }
}

/// A report in a staff list (the contact is never in a list).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffReport {
    pub id: i64,
    pub code: String,
    pub category: String,
    pub status: String,
    pub description: String,
    pub commune: Option<String>,
    pub handled_by: String,
    pub received_at: String,
    pub due_at: String,
    pub overdue: bool,
}

impl StaffReport {
    fn of(r: Report, now: &str) -> StaffReport {
        StaffReport {
            overdue: r.is_overdue(now),
            id: r.id,
            code: r.code,
            category: r.category.as_str().into(),
            status: r.status.as_str().into(),
            description: r.description,
            commune: r.commune_name,
            handled_by: r.unit_name,
            received_at: local_time(&r.received_at),
            due_at: r.due_at,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/reports",
    params(("status" = Option<String>, Query), ("category" = Option<String>, Query), ("overdue" = Option<bool>, Query),
           ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, body = [StaffReport])), security(("bearer" = [])))]
pub async fn list(r: ReportRead, Query(q): Query<ListQuery>) -> WebResult<Json<Vec<StaffReport>>> {
    let now = crate::access::now();
    let reports = r.reports(&q.filter(), q.limit.unwrap_or(100), q.offset.unwrap_or(0), now).await?;
    Ok(Json(reports.into_iter().map(|x| StaffReport::of(x, &now.stored())).collect()))
}

#[utoipa::path(get, path = "/api/v1/reports/{id}",
    params(("id" = i64, Path)),
    responses((status = 200, body = StaffReport), (status = 404, description = "Absent or outside the scope")),
    security(("bearer" = [])))]
pub async fn get(r: ReportRead, Path(id): Path<i64>) -> WebResult<Json<StaffReport>> {
    let report = r.report(id).await?;
    Ok(Json(StaffReport::of(report, &crate::access::now().stored())))
}

//! Open311 GeoReport v2 (<https://wiki.open311.org/GeoReport_v2>): the
//! service list, anonymous intake of service requests and their public
//! status, in JSON and XML, so that existing 311 apps and tools work with
//! Khiên Mạng as they are.
//!
//! A request's public view carries what anyone may read: category, status
//! with the officer's public note, the unit handling it, the commune, dates
//! and a location blurred to about 1 km. Never the description, the links,
//! the contact, the exact place or the officers' messages to the reporter:
//! those stay with the staff and the reporter. The `service_request_id` is the tracking code;
//! the secret that opens the report is given once, in the creation answer.
//!
//! These paths are not under /api, so errors are written here in the
//! GeoReport shape: `[{"code": 400, "description": "…"}]` or
//! `<errors><error>…</error></errors>`, with the same HTTP status.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, SecondsFormat, Utc};
use khienmang_core::reports::{Category, Channel, TrackingCode, blur};
use khienmang_store::reports::Report;
use serde::Serialize;

use super::{Submission, local_time};
use crate::AppState;
use crate::error::WebError;
use crate::kit::form;
use crate::limit::{ClientAddr, LimitClass};

const JSON_TYPE: &str = "application/json; charset=utf-8";
const XML_TYPE: &str = "text/xml; charset=utf-8";
const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
/// The group every service belongs to.
const GROUP: &str = "An ninh mạng";
/// The most requests one listing returns (GeoReport's usual ceiling).
const MAX_REQUESTS: i64 = 1000;
/// The most ids one `service_request_id` query may name.
const MAX_IDS: usize = 100;
/// The widest date range one listing may span, and its default.
const MAX_RANGE_DAYS: i64 = 90;
/// A form-encoded request carries no files: 5 000 characters of Vietnamese,
/// percent-encoded, fit with room to spare.
const MAX_FORM_BYTES: usize = 128 * 1024;
/// When this endpoint last changed in a way clients should notice.
const CHANGESET: &str = "2026-01-01T00:00:00+07:00";

/// The representation asked for by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// "requests.json" → ("requests", Json); `None` for any other extension.
fn split(file: &str) -> Option<(&str, Format)> {
    let (stem, ext) = file.rsplit_once('.')?;
    let format = match ext.to_ascii_lowercase().as_str() {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    (!stem.is_empty()).then_some((stem, format))
}

/// The format of a file name, JSON when it has none we know (for errors).
fn format_of(file: &str) -> Format {
    split(file).map(|(_, f)| f).unwrap_or(Format::Json)
}

// --- responses ----------------------------------------------------------------

/// A GeoReport error with its HTTP status; the description is Vietnamese.
#[derive(Debug)]
struct GeoError {
    status: StatusCode,
    description: String,
}

impl GeoError {
    fn new(status: StatusCode, description: impl Into<String>) -> GeoError {
        GeoError { status, description: description.into() }
    }

    fn bad(description: impl Into<String>) -> GeoError {
        GeoError::new(StatusCode::BAD_REQUEST, description)
    }

    fn not_found() -> GeoError {
        GeoError::new(StatusCode::NOT_FOUND, "Không tìm thấy.")
    }

    fn into_response(self, format: Format) -> Response {
        let code = self.status.as_u16();
        let (content_type, body) = match format {
            Format::Json => {
                (JSON_TYPE, serde_json::json!([{"code": code, "description": self.description}]).to_string())
            }
            Format::Xml => (
                XML_TYPE,
                format!(
                    "{XML_DECLARATION}<errors><error><code>{code}</code><description>{}</description></error></errors>",
                    quick_xml::escape::escape(self.description.as_str())
                ),
            ),
        };
        (self.status, [(header::CONTENT_TYPE, content_type)], body).into_response()
    }
}

/// The web layer's errors as GeoReport errors: refused input is 400 here
/// (GeoReport's code), the rest keep their status and message.
impl From<WebError> for GeoError {
    fn from(e: WebError) -> GeoError {
        if let WebError::Internal(detail) = &e {
            tracing::error!(%detail, "internal error in open311");
        }
        let status = match e {
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ref other => other.status(),
        };
        GeoError::new(status, e.message_vi())
    }
}

impl From<khienmang_store::StoreError> for GeoError {
    fn from(e: khienmang_store::StoreError) -> GeoError {
        GeoError::from(WebError::from(e))
    }
}

type GeoResult<T> = Result<T, GeoError>;

/// `json` as JSON, or `xml` under the element `root` as XML.
fn reply<J: Serialize, X: Serialize>(
    format: Format,
    status: StatusCode,
    json: &J,
    root: &str,
    xml: &X,
) -> GeoResult<Response> {
    let failed = |e: String| GeoError::from(WebError::Internal(e));
    let (content_type, body) = match format {
        Format::Json => (JSON_TYPE, serde_json::to_string(json).map_err(|e| failed(e.to_string()))?),
        Format::Xml => {
            let xml = quick_xml::se::to_string_with_root(root, xml).map_err(|e| failed(e.to_string()))?;
            (XML_TYPE, format!("{XML_DECLARATION}{xml}"))
        }
    };
    Ok((status, [(header::CONTENT_TYPE, content_type)], body).into_response())
}

/// Public data: any site's script may read it (no cookies are involved).
fn public(mut res: Response, cache: Option<&'static str>) -> Response {
    res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    if let Some(cache) = cache {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    res
}

fn finish(format: Format, result: GeoResult<Response>) -> Response {
    result.unwrap_or_else(|e| e.into_response(format))
}

// --- services -----------------------------------------------------------------

/// One service of the list: a category of report.
#[derive(Debug, Serialize)]
struct Service {
    service_code: &'static str,
    service_name: &'static str,
    description: &'static str,
    metadata: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    keywords: &'static str,
    group: &'static str,
}

#[derive(Debug, Serialize)]
struct ServiceList<'a> {
    service: &'a [Service],
}

/// Words people search for, comma-separated as GeoReport has them.
fn keywords(c: Category) -> &'static str {
    match c {
        Category::Fraud => "lừa đảo, chiếm đoạt, giả danh công an, ngân hàng, đầu tư, việc nhẹ lương cao",
        Category::BlackMarketLending => "tín dụng đen, cho vay, app vay tiền, đòi nợ, lãi nặng",
        Category::Gambling => "cờ bạc, cá độ, đánh bạc, game đổi thưởng",
        Category::Drugs => "ma túy, mua bán ma túy",
        Category::ChildSafety => "trẻ em, xâm hại, dụ dỗ, tống tiền",
        Category::HarmfulFakeNews => "tin giả, sai sự thật, xúc phạm",
        Category::CyberAttack => "tấn công mạng, xâm nhập, lộ lọt dữ liệu, hack",
        Category::Other => "an ninh mạng, trật tự, khác",
    }
}

fn describe(c: Category) -> Service {
    Service {
        service_code: c.as_str(),
        service_name: c.label_vi(),
        description: c.hint_vi(),
        metadata: false,
        kind: "realtime",
        keywords: keywords(c),
        group: GROUP,
    }
}

/// The definition of a service: no attributes beyond GeoReport's own fields.
#[derive(Debug, Serialize)]
struct Definition {
    service_code: &'static str,
    attributes: [(); 0],
}

#[derive(Debug, Serialize)]
struct XmlDefinition {
    service_code: &'static str,
    /// An empty `<attributes/>`.
    attributes: (),
}

// --- service requests ---------------------------------------------------------

/// A request as anyone may read it: no description, no contact, no links,
/// and the location blurred.
#[derive(Debug, Serialize)]
struct PublicRequest {
    service_request_id: String,
    status: &'static str,
    status_notes: String,
    service_name: &'static str,
    service_code: &'static str,
    agency_responsible: String,
    service_notice: String,
    requested_datetime: String,
    updated_datetime: String,
    expected_datetime: String,
    address: String,
    lat: Option<f64>,
    #[serde(rename = "long")]
    lon: Option<f64>,
}

/// The `<service_requests><request>…` wrapper of every request-shaped list.
#[derive(Debug, Serialize)]
struct RequestList<'a, T> {
    request: &'a [T],
}

/// An RFC 3339 UTC stamp as stored → ISO 8601 in Viet Nam's time (+07:00).
fn iso_local(stamp: &str) -> String {
    let tz = FixedOffset::east_opt(7 * 3600);
    match (DateTime::parse_from_rfc3339(stamp), tz) {
        (Ok(t), Some(tz)) => t.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Secs, false),
        _ => stamp.to_string(),
    }
}

fn deadline_notice(due_at: &str) -> String {
    format!("Hạn xử lý: {}.", local_time(due_at))
}

/// The public note of the report's current status: what the officer wrote
/// as public when they set it, else the status's own sentence. Never a
/// message to the reporter: those stay behind the code and secret. When
/// the report moved on since (reopened, escalated…), the sentence stands in.
async fn status_notes(state: &AppState, r: &Report) -> GeoResult<String> {
    let events = state.store.report_timeline(r).await?;
    let latest = events.into_iter().rev().find(|e| e.to_reporter && matches!(e.kind.as_str(), "received" | "status"));
    Ok(match latest {
        Some(e) if e.status == Some(r.status) => {
            e.public_note.unwrap_or_else(|| r.status.default_message_vi().to_string())
        }
        _ => r.status.default_message_vi().to_string(),
    })
}

async fn public_request(state: &AppState, r: &Report) -> GeoResult<PublicRequest> {
    let location = match (r.lat, r.lon) {
        (Some(lat), Some(lon)) => Some(blur(lat, lon)),
        _ => None,
    };
    Ok(PublicRequest {
        service_request_id: r.code.clone(),
        status: r.status.open311(),
        status_notes: status_notes(state, r).await?,
        service_name: r.category.label_vi(),
        service_code: r.category.as_str(),
        agency_responsible: r.unit_name.clone(),
        service_notice: deadline_notice(&r.due_at),
        requested_datetime: iso_local(&r.received_at),
        updated_datetime: iso_local(&r.updated_at),
        expected_datetime: iso_local(&r.due_at),
        address: r.commune_name.clone().unwrap_or_default(),
        lat: location.map(|l| l.0),
        lon: location.map(|l| l.1),
    })
}

async fn public_requests(state: &AppState, reports: &[Report]) -> GeoResult<Vec<PublicRequest>> {
    let mut out = Vec::with_capacity(reports.len());
    for r in reports {
        out.push(public_request(state, r).await?);
    }
    Ok(out)
}

fn request_list(format: Format, requests: &[PublicRequest]) -> GeoResult<Response> {
    reply(format, StatusCode::OK, &requests, "service_requests", &RequestList { request: requests })
}

/// A report by its public code, typed in any case or with the dashes missing.
async fn by_code(state: &AppState, given: &str) -> GeoResult<Option<Report>> {
    let Some(code) = TrackingCode::parse(given.trim()) else { return Ok(None) };
    Ok(state.store.report_by_code(code.as_str()).await?)
}

/// A GeoReport date: ISO 8601 with a zone ("2026-01-01T00:00:00Z",
/// "…+07:00", "…+0700"), or a bare date, read as midnight in Viet Nam.
fn parse_date(name: &str, value: &str) -> GeoResult<DateTime<Utc>> {
    let v = value.trim();
    let parsed = DateTime::parse_from_rfc3339(v)
        .or_else(|_| DateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            let day = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()?;
            let local = day.and_hms_opt(0, 0, 0)?.and_local_timezone(FixedOffset::east_opt(7 * 3600)?).single()?;
            Some(local.with_timezone(&Utc))
        });
    parsed.ok_or_else(|| {
        GeoError::bad(format!(
            "{name} không hợp lệ: cần ngày giờ ISO 8601 có múi giờ, ví dụ 2026-01-31T00:00:00+07:00."
        ))
    })
}

/// What a request listing asks for.
#[derive(Debug, Default)]
struct RequestQuery {
    ids: Vec<String>,
    categories: Vec<Category>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    open: Option<bool>,
}

fn comma_list(v: &str) -> impl Iterator<Item = &str> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty())
}

impl RequestQuery {
    fn parse(query: Option<&str>) -> GeoResult<RequestQuery> {
        let mut q = RequestQuery::default();
        let (mut want_open, mut want_closed) = (false, false);
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match key.as_ref() {
                "service_request_id" => q.ids.extend(comma_list(&value).map(str::to_string)),
                "service_code" => {
                    for code in comma_list(&value) {
                        let c = Category::parse(code)
                            .ok_or_else(|| GeoError::bad(format!("Mã dịch vụ (service_code) không hợp lệ: {code}.")))?;
                        if !q.categories.contains(&c) {
                            q.categories.push(c);
                        }
                    }
                }
                "start_date" => q.since = Some(parse_date("start_date", &value)?),
                "end_date" => q.until = Some(parse_date("end_date", &value)?),
                "status" => {
                    for s in comma_list(&value) {
                        match s.to_ascii_lowercase().as_str() {
                            "open" => want_open = true,
                            "closed" => want_closed = true,
                            _ => return Err(GeoError::bad("Trạng thái (status) chỉ nhận open hoặc closed.")),
                        }
                    }
                }
                // jurisdiction_id, api_key and the rest change nothing here.
                _ => {}
            }
        }
        q.open = match (want_open, want_closed) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        };
        if q.ids.len() > MAX_IDS {
            return Err(GeoError::bad(format!("Chỉ tra cứu tối đa {MAX_IDS} mã phản ánh mỗi lần.")));
        }
        Ok(q)
    }

    /// `[since, until)` at whole seconds as stored: the last 90 days unless
    /// asked otherwise, never wider than 90 days.
    fn range(&self, now: DateTime<Utc>) -> GeoResult<(String, String)> {
        let span = Duration::days(MAX_RANGE_DAYS);
        let (since, until) = match (self.since, self.until) {
            (Some(s), Some(u)) => (s, u),
            (Some(s), None) => (s, (s + span).min(now)),
            (None, Some(u)) => (u - span, u),
            (None, None) => (now - span, now),
        };
        if since > until {
            return Err(GeoError::bad("start_date phải trước end_date."));
        }
        if until - since > span {
            return Err(GeoError::bad(format!("Khoảng thời gian tra cứu tối đa {MAX_RANGE_DAYS} ngày.")));
        }
        // end_date is the last moment included; the store's bound is exclusive.
        let until = until + Duration::seconds(1);
        Ok((since.to_rfc3339_opts(SecondsFormat::Secs, true), until.to_rfc3339_opts(SecondsFormat::Secs, true)))
    }
}

async fn find_requests(state: &AppState, q: &RequestQuery) -> GeoResult<Vec<Report>> {
    // Ids override every other parameter, as GeoReport says.
    if !q.ids.is_empty() {
        let mut out: Vec<Report> = Vec::new();
        for id in &q.ids {
            match by_code(state, id).await? {
                Some(r) if !out.iter().any(|o| o.id == r.id) => out.push(r),
                _ => {}
            }
        }
        return Ok(out);
    }
    let (since, until) = q.range(crate::access::now().utc())?;
    if q.categories.len() <= 1 {
        let category = q.categories.first().copied();
        return Ok(state.store.reports_received(&since, &until, category, q.open, MAX_REQUESTS).await?);
    }
    let mut out = Vec::new();
    for c in &q.categories {
        out.extend(state.store.reports_received(&since, &until, Some(*c), q.open, MAX_REQUESTS).await?);
    }
    out.sort_by(|a, b| b.received_at.cmp(&a.received_at).then(b.id.cmp(&a.id)));
    out.truncate(MAX_REQUESTS as usize);
    Ok(out)
}

// --- handlers -----------------------------------------------------------------

/// GET /open311/v2/{services|requests}.{json|xml}: the service list, or the
/// requests matching the query (service_request_id, service_code,
/// start_date, end_date, status).
pub async fn list(State(state): State<AppState>, Path(file): Path<String>, RawQuery(query): RawQuery) -> Response {
    let format = format_of(&file);
    let result = async {
        match split(&file) {
            Some(("services", format)) => {
                let services: Vec<Service> = Category::ALL.iter().map(|c| describe(*c)).collect();
                let res = reply(format, StatusCode::OK, &services, "services", &ServiceList { service: &services })?;
                Ok(public(res, Some("public, max-age=3600")))
            }
            Some(("requests", format)) => {
                let q = RequestQuery::parse(query.as_deref())?;
                let reports = find_requests(&state, &q).await?;
                let requests = public_requests(&state, &reports).await?;
                Ok(public(request_list(format, &requests)?, None))
            }
            _ => Err(GeoError::not_found()),
        }
    };
    finish(format, result.await)
}

/// GET /open311/v2/services/{code}.{json|xml}: a service's definition. The
/// services have no extra attributes (`metadata` is false).
pub async fn service(Path(file): Path<String>) -> Response {
    let format = format_of(&file);
    let result = match split(&file).and_then(|(code, f)| Some((Category::parse(code)?, f))) {
        Some((c, format)) => reply(
            format,
            StatusCode::OK,
            &Definition { service_code: c.as_str(), attributes: [] },
            "service_definition",
            &XmlDefinition { service_code: c.as_str(), attributes: () },
        )
        .map(|res| public(res, Some("public, max-age=3600"))),
        None => Err(GeoError::not_found()),
    };
    finish(format, result)
}

/// GET /open311/v2/requests/{id}.{json|xml}: one request, in a list of one
/// as GeoReport has it.
pub async fn request(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let format = format_of(&file);
    let result = async {
        let Some((id, format)) = split(&file) else { return Err(GeoError::not_found()) };
        let report = by_code(&state, id).await?.ok_or_else(GeoError::not_found)?;
        let one = [public_request(&state, &report).await?];
        Ok(public(request_list(format, &one)?, None))
    };
    finish(format, result.await)
}

#[derive(Debug, Serialize)]
struct TokenAnswer {
    service_request_id: String,
    token: String,
}

/// GET /open311/v2/tokens/{token}.{json|xml}: requests get their id at once,
/// so the token given at creation is the id itself.
pub async fn token(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let format = format_of(&file);
    let result = async {
        let Some((token, format)) = split(&file) else { return Err(GeoError::not_found()) };
        let report = by_code(&state, token).await?.ok_or_else(GeoError::not_found)?;
        let one = [TokenAnswer { service_request_id: report.code.clone(), token: token.to_string() }];
        Ok(public(reply(format, StatusCode::OK, &one, "service_requests", &RequestList { request: &one })?, None))
    };
    finish(format, result.await)
}

/// The answer to a created request. `secret` is ours, beside GeoReport's
/// fields: with the id it lets the reporter follow the report and talk to
/// the officers; it is never shown again.
#[derive(Debug, Serialize)]
struct Created {
    service_request_id: String,
    service_notice: String,
    account_id: Option<String>,
    secret: String,
}

/// A form-encoded body as (name, value) pairs ([`form::decode_strict`]),
/// refusing bytes that are not UTF-8 (raw or percent-encoded) rather than
/// guessing.
fn form_fields(body: &[u8]) -> GeoResult<Vec<(String, String)>> {
    form::decode_strict(body).ok_or_else(|| GeoError::bad("Nội dung phải là văn bản UTF-8."))
}

/// The submission a GeoReport form describes. GeoReport's own fields go
/// through [`Submission::set`]; `attribute[commune]` names the commune;
/// `address_string` joins the description and `media_url` the links, both
/// seen only by staff; `api_key` and the rest are not needed.
fn submission(fields: Vec<(String, String)>) -> GeoResult<Submission> {
    let mut s = Submission::default();
    let (mut first_name, mut last_name, mut address) = (None, None, None);
    for (name, value) in fields {
        match name.as_str() {
            "attribute[commune]" | "commune" => s.set("commune", value)?,
            "service_code" | "description" | "lat" | "long" | "email" | "phone" => s.set(&name, value)?,
            "first_name" => first_name = Some(value),
            "last_name" => last_name = Some(value),
            "address_string" => address = Some(value),
            "media_url" => s.set("links", value)?,
            _ => {}
        }
    }
    let full_name: Vec<String> =
        [first_name, last_name].into_iter().flatten().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect();
    if !full_name.is_empty() {
        s.set("first_name", full_name.join(" "))?;
    }
    if let Some(a) = address.map(|a| a.trim().to_string()).filter(|a| !a.is_empty()) {
        s.draft.description = format!("{}\n\nĐịa chỉ: {a}", s.draft.description.trim_end());
    }
    Ok(s)
}

/// POST /open311/v2/requests.{json|xml}: a new request, form-encoded as
/// GeoReport defines it. Anonymous: `api_key` is accepted and ignored.
pub async fn create(
    State(state): State<AppState>,
    client: ClientAddr,
    Path(file): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let format = format_of(&file);
    let result = async {
        let Some(("requests", format)) = split(&file) else { return Err(GeoError::not_found()) };
        state.limits.check(LimitClass::Report, client)?;
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !form::is_urlencoded(&content_type.trim().to_ascii_lowercase()) {
            return Err(GeoError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Chỉ nhận biểu mẫu application/x-www-form-urlencoded, như GeoReport v2 quy định.",
            ));
        }
        let too_large = || GeoError::new(StatusCode::PAYLOAD_TOO_LARGE, "Nội dung gửi lên quá lớn.");
        let body = body.map_err(|_| too_large())?;
        if body.len() > MAX_FORM_BYTES {
            return Err(too_large());
        }
        let receipt = submission(form_fields(&body)?)?
            .submit(&state.store, &state.reports, Channel::Open311, crate::access::now())
            .await?;
        let created = [Created {
            service_request_id: receipt.code,
            service_notice: format!(
                "Đã tiếp nhận phản ánh. {} Hãy giữ mã phản ánh và mã bí mật để theo dõi, trao đổi với cán bộ tại trang Theo dõi phản ánh.",
                deadline_notice(&receipt.due_at)
            ),
            account_id: None,
            secret: receipt.secret,
        }];
        reply(format, StatusCode::CREATED, &created, "service_requests", &RequestList { request: &created })
    };
    finish(format, result.await)
}

#[derive(Debug, Serialize)]
struct Discovery {
    changeset: &'static str,
    contact: &'static str,
    key_service: &'static str,
    endpoints: [Endpoint; 1],
}

#[derive(Debug, Serialize)]
struct Endpoint {
    specification: &'static str,
    url: String,
    changeset: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    formats: [&'static str; 2],
}

/// GET /open311/discovery.json: where the GeoReport endpoint is and what it
/// speaks.
pub async fn discovery(State(state): State<AppState>) -> Response {
    let doc = Discovery {
        changeset: CHANGESET,
        contact: "Khiên Mạng — tiếp nhận phản ánh về an ninh, trật tự trên không gian mạng. Theo dõi phản ánh tại /report/track.",
        key_service: "Không cần khóa API (api_key): phản ánh được tiếp nhận ẩn danh.",
        endpoints: [Endpoint {
            specification: "http://wiki.open311.org/GeoReport_v2",
            url: format!("{}/open311/v2", state.site_url()),
            changeset: CHANGESET,
            kind: "production",
            formats: ["application/json", "text/xml"],
        }],
    };
    let res = reply(Format::Json, StatusCode::OK, &doc, "discovery", &doc);
    finish(Format::Json, res.map(|r| public(r, None)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn file_names_give_the_resource_and_the_format() {
        assert_eq!(split("services.json"), Some(("services", Format::Json)));
        assert_eq!(split("requests.XML"), Some(("requests", Format::Xml)));
        assert_eq!(split("PA-7K3M9-QX2TR.xml"), Some(("PA-7K3M9-QX2TR", Format::Xml)));
        assert_eq!(split("services.html"), None);
        assert_eq!(split(".json"), None);
        assert_eq!(split("services"), None);
        assert_eq!(format_of("nothing.html"), Format::Json);
    }

    #[test]
    fn form_bodies_decode_strictly() {
        let fields =
            form_fields(b"service_code=fraud&description=L%E1%BB%ABa+%C4%91%E1%BA%A3o&attribute%5Bcommune%5D=07210&x")
                .unwrap();
        assert_eq!(fields[0], ("service_code".into(), "fraud".into()));
        assert_eq!(fields[1], ("description".into(), "Lừa đảo".into()));
        assert_eq!(fields[2], ("attribute[commune]".into(), "07210".into()));
        assert_eq!(fields[3], ("x".into(), String::new()));
        assert_eq!(form_fields(b"n=100%&m=%zz").unwrap(), [("n".into(), "100%".into()), ("m".into(), "%zz".into())]);
        assert!(form_fields(b"description=%FF%FE").is_err(), "percent-encoded bytes that are not UTF-8");
        assert!(form_fields(b"description=\xff\xfe").is_err(), "raw bytes that are not UTF-8");
    }

    #[test]
    fn georeport_fields_fill_the_submission() {
        let s = submission(vec![
            ("service_code".into(), "gambling".into()),
            ("description".into(), "Nhóm cá độ bóng đá".into()),
            ("attribute[commune]".into(), "07210".into()),
            ("lat".into(), "21.18".into()),
            ("long".into(), "106.07".into()),
            ("first_name".into(), "An".into()),
            ("last_name".into(), "Nguyễn".into()),
            ("phone".into(), "0987654321".into()),
            ("address_string".into(), "Thôn Đông".into()),
            ("api_key".into(), "anything".into()),
        ])
        .unwrap();
        assert_eq!(s.draft.category, "gambling");
        assert_eq!(s.commune.as_deref(), Some("07210"));
        assert_eq!((s.draft.lat, s.draft.lon), (Some(21.18), Some(106.07)));
        assert_eq!(s.draft.contact.name.as_deref(), Some("An Nguyễn"));
        assert_eq!(s.draft.contact.phone.as_deref(), Some("0987654321"));
        assert!(s.draft.description.ends_with("Địa chỉ: Thôn Đông"));
        assert!(submission(vec![("lat".into(), "bắc".into())]).is_err());
    }

    #[test]
    fn dates_need_a_zone_and_ranges_stay_within_ninety_days() {
        let now = parse_date("x", "2026-03-31T12:00:00Z").unwrap();
        assert_eq!(
            parse_date("x", "2026-01-01T07:00:00+07:00").unwrap(),
            parse_date("x", "2026-01-01T00:00:00Z").unwrap()
        );
        assert_eq!(
            parse_date("x", "2026-01-01T07:00:00+0700").unwrap(),
            parse_date("x", "2026-01-01T00:00:00Z").unwrap()
        );
        assert_eq!(parse_date("x", "2026-01-01").unwrap(), parse_date("x", "2025-12-31T17:00:00Z").unwrap());
        assert!(parse_date("x", "hôm qua").is_err());
        let q = RequestQuery::default();
        assert_eq!(q.range(now).unwrap(), ("2025-12-31T12:00:00Z".into(), "2026-03-31T12:00:01Z".into()));
        let q = RequestQuery::parse(Some("start_date=2026-03-01T00:00:00Z&status=open")).unwrap();
        assert_eq!(q.open, Some(true));
        assert_eq!(q.range(now).unwrap(), ("2026-03-01T00:00:00Z".into(), "2026-03-31T12:00:01Z".into()));
        let q = RequestQuery::parse(Some("start_date=2025-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z")).unwrap();
        assert!(q.range(now).is_err(), "a year is too wide");
        let q = RequestQuery::parse(Some("start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z")).unwrap();
        assert!(q.range(now).is_err(), "backwards");
        assert_eq!(RequestQuery::parse(Some("status=open,closed")).unwrap().open, None);
        assert!(RequestQuery::parse(Some("status=pending")).is_err());
        assert!(RequestQuery::parse(Some("service_code=spam")).is_err());
        let q = RequestQuery::parse(Some("service_code=fraud,drugs,fraud&jurisdiction_id=bn")).unwrap();
        assert_eq!(q.categories, vec![Category::Fraud, Category::Drugs]);
        let many = (0..=MAX_IDS).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        assert!(RequestQuery::parse(Some(&format!("service_request_id={many}"))).is_err());
    }

    #[test]
    fn times_are_given_in_viet_nam() {
        assert_eq!(iso_local("2026-01-01T17:30:00Z"), "2026-01-02T00:30:00+07:00");
        assert_eq!(iso_local("không phải ngày"), "không phải ngày");
    }

    #[test]
    fn xml_follows_the_georeport_element_names() {
        let services = [describe(Category::Fraud)];
        let xml = quick_xml::se::to_string_with_root("services", &ServiceList { service: &services }).unwrap();
        assert!(xml.starts_with("<services><service><service_code>fraud</service_code>"), "{xml}");
        assert!(xml.contains("<metadata>false</metadata><type>realtime</type>"), "{xml}");
        let created = [Created {
            service_request_id: "PA-7K3M9-QX2TR".into(),
            service_notice: "a < b".into(),
            account_id: None,
            secret: "S".into(),
        }];
        let xml = quick_xml::se::to_string_with_root("service_requests", &RequestList { request: &created }).unwrap();
        assert_eq!(
            xml,
            "<service_requests><request><service_request_id>PA-7K3M9-QX2TR</service_request_id>\
             <service_notice>a &lt; b</service_notice><account_id/><secret>S</secret></request></service_requests>"
        );
        let xml = quick_xml::se::to_string_with_root(
            "service_definition",
            &XmlDefinition { service_code: "fraud", attributes: () },
        )
        .unwrap();
        assert_eq!(xml, "<service_definition><service_code>fraud</service_code><attributes/></service_definition>");
        let json = serde_json::to_string(&Definition { service_code: "fraud", attributes: [] }).unwrap();
        assert_eq!(json, r#"{"service_code":"fraud","attributes":[]}"#);
    }
}

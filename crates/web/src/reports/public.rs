//! The citizen's pages, phone first: send a report without an account, keep
//! the code and secret, follow it, answer questions, add information,
//! reopen, rate, delete one's contact; public statistics; where complaints
//! and denunciations go instead.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use khienmang_core::reports::{Category, Channel, looks_like_complaint};
use khienmang_store::reports::{Report, ReportStats};
use serde::Deserialize;

use super::api::{TrackedReport, tracked};
use super::{Submission, local_time, store_files};
use crate::AppState;
use crate::access::RequestLang;
use crate::error::{WebError, WebResult};
use crate::i18n::number_vi;
use crate::kit::form::{Fields, Opt};
use crate::kit::upload;
use crate::limit::{ClientAddr, LimitClass};
use crate::page::{Chrome, Page, render};

/// What the intake form shows again after a refusal.
#[derive(Default)]
pub struct Entered {
    pub category: String,
    pub description: String,
    pub commune: String,
    pub lat: String,
    pub lon: String,
    pub links: String,
    pub identifiers: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
}

pub struct CategoryChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "reports/new.html")]
struct NewPage {
    chrome: Chrome,
    categories: Vec<CategoryChoice>,
    communes: Vec<Opt>,
    entered: Entered,
    error: Option<String>,
}

async fn new_page(
    state: &AppState,
    chrome: Chrome,
    entered: Entered,
    error: Option<String>,
) -> WebResult<Html<String>> {
    let communes = state
        .store
        .report_communes()
        .await?
        .into_iter()
        .map(|v| {
            let label = v.full_name();
            // The official code when there is one: stable, and what people quote.
            Opt::new(v.code.clone().unwrap_or_else(|| v.unit_id.0.to_string()), label, &entered.commune)
        })
        .collect();
    let categories = Category::ALL
        .iter()
        .map(|c| CategoryChoice {
            value: c.as_str(),
            label: chrome.tr.label(c),
            hint: c.hint_vi(),
            checked: entered.category == c.as_str(),
        })
        .collect();
    render(&NewPage { chrome, categories, communes, entered, error })
}

/// What a link into the form may fill in ("report this" on the scam check).
#[derive(Debug, Default, Deserialize)]
pub struct Prefill {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub identifiers: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    Query(prefill): Query<Prefill>,
) -> WebResult<Html<String>> {
    let entered = Entered {
        category: Category::parse(&prefill.category).map(|c| c.as_str().to_owned()).unwrap_or_default(),
        identifiers: prefill.identifiers.chars().take(500).collect(),
        ..Entered::default()
    };
    new_page(&state, Chrome::new(lang, id.as_ref(), "report"), entered, None).await
}

#[derive(Template)]
#[template(path = "reports/sent.html")]
struct SentPage {
    chrome: Chrome,
    code: String,
    secret: String,
    handled_by: String,
    due: String,
    complaint: bool,
    /// The receipt as a small text file, for the "save" link (a `data:`
    /// address: it works without script and sends nothing anywhere).
    save_href: String,
    save_name: String,
}

/// The receipt as the reporter keeps it: plain lines in their language.
fn receipt_text(tr: crate::i18n::Tr, code: &str, secret: &str, handled_by: &str, due: &str, track: &str) -> String {
    format!(
        "{}\n\n{}: {code}\n{}: {secret}\n{}: {handled_by}\n{}: {due}\n{}: {track}\n\n{}\n",
        tr.t("rep.sent_title"),
        tr.t("rep.code"),
        tr.t("rep.secret"),
        tr.t("rep.handled_by"),
        tr.t("rep.due"),
        tr.t("receipt.track_at"),
        tr.t("rep.secret_warning"),
    )
}

pub async fn submit(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    client: ClientAddr,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "report");
    state.limits.check(LimitClass::Report, client)?;
    let mp = mp.map_err(|_| upload::not_multipart("Biểu mẫu"))?;
    let submission = Submission::from_multipart(mp).await?;
    let d = &submission.draft;
    let entered = Entered {
        category: d.category.clone(),
        description: d.description.clone(),
        commune: submission.commune.clone().unwrap_or_default(),
        lat: d.lat.map(|v| v.to_string()).unwrap_or_default(),
        lon: d.lon.map(|v| v.to_string()).unwrap_or_default(),
        links: d.links.join("\n"),
        identifiers: d.identifiers.join("\n"),
        contact_name: d.contact.name.clone().unwrap_or_default(),
        contact_phone: d.contact.phone.clone().unwrap_or_default(),
        contact_email: d.contact.email.clone().unwrap_or_default(),
    };
    let complaint = looks_like_complaint(&d.description);
    match submission.submit(&state.store, &state.reports, Channel::Web, crate::access::now()).await {
        Ok(receipt) => {
            let handled_by = state.store.handling_unit_name(&receipt).await?;
            let due = local_time(&receipt.due_at);
            let track = format!("{}/report/track", state.site_url());
            let text = receipt_text(chrome.tr, &receipt.code, &receipt.secret, &handled_by, &due, &track);
            let save_href = format!(
                "data:text/plain;charset=utf-8,{}",
                percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
            );
            let save_name = format!("{}-{}.txt", chrome.tr.t("receipt.file_name"), receipt.code);
            let page = SentPage {
                chrome,
                code: receipt.code,
                secret: receipt.secret,
                handled_by,
                due,
                complaint,
                save_href,
                save_name,
            };
            Ok((StatusCode::CREATED, render(&page)?).into_response())
        }
        Err(WebError::BadRequest(message)) => {
            let html = new_page(&state, chrome, entered, Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct SimilarQuery {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub identifiers: String,
    #[serde(default)]
    pub links: String,
}

#[derive(Template)]
#[template(path = "reports/similar.html")]
struct SimilarFragment {
    chrome: Chrome,
    /// How many similar reports were found, "10+" past [`SIMILAR_SHOWN`]; empty for none.
    count: String,
}

/// The most similar reports the public count names exactly.
const SIMILAR_SHOWN: usize = 10;
/// What the form's fields allow (their `maxlength`): longer input is cut
/// before it is read, so the query's size bounds the work.
const SIMILAR_MAX_CHARS: usize = 5000;

/// Identifiers looked up per request at most.
const SIMILAR_MAX_IDENTIFIERS: usize = 20;

fn bounded(s: &str) -> String {
    s.chars().take(SIMILAR_MAX_CHARS).collect()
}

/// While the citizen types: how many reports about the same thing were
/// already received, and nothing else — never their text, code, place,
/// date or status, which belong to the staff who handle them.
pub async fn similar(
    State(state): State<AppState>,
    lang: RequestLang,
    Query(q): Query<SimilarQuery>,
) -> WebResult<Html<String>> {
    let chrome = Chrome::new(lang, None, "report");
    let (description, identifiers, links) = (bounded(&q.description), bounded(&q.identifiers), bounded(&q.links));
    let entries: Vec<&str> = identifiers.lines().chain(links.lines()).collect();
    let mut identifiers = khienmang_core::reports::extract_identifiers(&description, &entries);
    // Each identifier costs queries: a few are enough to find the same case.
    identifiers.truncate(SIMILAR_MAX_IDENTIFIERS);
    let commune = match q.commune.trim() {
        "" => None,
        c => state.store.resolve_commune(c).await.ok(),
    };
    let found = if description.chars().count() < 20 && identifiers.is_empty() {
        0
    } else {
        state.store.similar_count(&description, &identifiers, commune, SIMILAR_SHOWN + 1).await?
    };
    let count = match found {
        0 => String::new(),
        n if n > SIMILAR_SHOWN => format!("{SIMILAR_SHOWN}+"),
        n => n.to_string(),
    };
    render(&SimilarFragment { chrome, count })
}

#[derive(Template)]
#[template(path = "reports/track.html")]
struct TrackPage {
    chrome: Chrome,
    code: String,
    secret: String,
    report: Option<TrackedReport>,
    error: Option<String>,
    notice: Option<String>,
    stars: Vec<i64>,
}

impl TrackPage {
    pub fn when(&self, stamp: &str) -> String {
        local_time(stamp)
    }
}

pub async fn track_form(Page { lang, id }: Page) -> WebResult<Html<String>> {
    let chrome = Chrome::new(lang, id.as_ref(), "track");
    render(&TrackPage {
        chrome,
        code: String::new(),
        secret: String::new(),
        report: None,
        error: None,
        notice: None,
        stars: vec![5, 4, 3, 2, 1],
    })
}

/// The report named by the form's code and secret.
async fn opened(state: &AppState, f: &Fields) -> WebResult<Option<Report>> {
    Ok(state.store.report_for_reporter(f.get("code"), f.get("secret")).await?)
}

async fn track_page(
    state: &AppState,
    chrome: Chrome,
    f: &Fields,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<Response> {
    let report = opened(state, f).await?;
    let (status, error) = match (&report, error) {
        (None, _) => (StatusCode::NOT_FOUND, Some(chrome.tr.t("rep.track_wrong").to_string())),
        (Some(_), Some(e)) => (StatusCode::UNPROCESSABLE_ENTITY, Some(e)),
        (Some(_), None) => (StatusCode::OK, None),
    };
    let report = match report {
        Some(r) => Some(tracked(state, &r).await?),
        None => None,
    };
    let page = TrackPage {
        chrome,
        code: f.get("code").to_string(),
        secret: f.get("secret").to_string(),
        report,
        error,
        notice,
        stars: vec![5, 4, 3, 2, 1],
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn track_open(State(state): State<AppState>, Page { lang, id }: Page, f: Fields) -> WebResult<Response> {
    track_page(&state, Chrome::new(lang, id.as_ref(), "track"), &f, None, None).await
}

/// One of the reporter's actions, then the tracking page again with what
/// happened (or why not).
async fn reporter_action(
    state: &AppState,
    chrome: Chrome,
    f: &Fields,
    done: &'static str,
    action: impl AsyncFnOnce(&mut khienmang_store::WriteTx, i64) -> khienmang_store::Result<()>,
) -> WebResult<Response> {
    let Some(report) = opened(state, f).await? else { return track_page(state, chrome, f, None, None).await };
    let mut tx = state.store.reporter_tx(&report).await?;
    match action(&mut tx, report.id).await {
        Ok(()) => {
            tx.commit().await?;
            let notice = chrome.tr.t(done).to_string();
            track_page(state, chrome, f, Some(notice), None).await
        }
        Err(khienmang_store::StoreError::Invalid(m)) => track_page(state, chrome, f, None, Some(m)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn track_message(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "track");
    let mp = mp.map_err(|_| upload::not_multipart("Biểu mẫu"))?;
    let mut upload = upload::read_intake(mp).await?;
    let f = std::mem::take(&mut upload.fields);
    let text = f.get("text").to_string();
    if opened(&state, &f).await?.is_none() {
        return track_page(&state, chrome, &f, None, None).await;
    }
    let attachments = match store_files(&state.reports, upload.non_empty_files()).await {
        Ok(a) => a,
        Err(WebError::BadRequest(m)) => return track_page(&state, chrome, &f, None, Some(m)).await,
        Err(e) => return Err(e),
    };
    reporter_action(&state, chrome, &f, "rep.added", async |tx, id| {
        tx.report_reporter_message(id, &text, &attachments).await
    })
    .await
}

pub async fn track_reopen(State(state): State<AppState>, Page { lang, id }: Page, f: Fields) -> WebResult<Response> {
    let reason = f.get("reason").to_string();
    reporter_action(&state, Chrome::new(lang, id.as_ref(), "track"), &f, "rep.reopened", async |tx, id| {
        tx.report_reopen(id, &reason).await
    })
    .await
}

pub async fn track_rate(State(state): State<AppState>, Page { lang, id }: Page, f: Fields) -> WebResult<Response> {
    let stars = f.get("stars").parse::<i64>().unwrap_or(0);
    let fixed = f.get("fixed") == "yes";
    let comment = f.get("comment").to_string();
    reporter_action(&state, Chrome::new(lang, id.as_ref(), "track"), &f, "rep.rated", async |tx, id| {
        tx.report_rate(id, stars, fixed, Some(&comment)).await
    })
    .await
}

pub async fn track_forget(State(state): State<AppState>, Page { lang, id }: Page, f: Fields) -> WebResult<Response> {
    reporter_action(&state, Chrome::new(lang, id.as_ref(), "track"), &f, "rep.forgotten", async |tx, id| {
        tx.report_remove_contact(id, "Người phản ánh đã xóa thông tin liên hệ.").await.map(|_| ())
    })
    .await
}

#[derive(Template)]
#[template(path = "reports/stats.html")]
struct StatsPage {
    chrome: Chrome,
    stats: ReportStats,
    years: Vec<Opt>,
}

impl StatsPage {
    pub fn n(&self, v: &i64) -> String {
        number_vi(*v)
    }

    pub fn rate(&self, row: &khienmang_store::reports::StatRow) -> String {
        row.on_time_rate()
            .map(|r| format!("{}%", khienmang_core::display::decimal(r * 100.0, 1, self.chrome.tr.lang.into())))
            .unwrap_or_else(|| "—".into())
    }

    /// Bar width (percent of the largest month).
    pub fn bar(&self, v: &i64) -> i64 {
        let max = self.stats.by_month.iter().map(|m| m.received).max().unwrap_or(1).max(1);
        v * 100 / max
    }
}

#[derive(Deserialize)]
pub struct StatsQuery {
    pub year: Option<String>,
}

pub async fn stats_page(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    Query(q): Query<StatsQuery>,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "stats");
    let year = q.year.and_then(|y| y.parse::<i32>().ok()).filter(|y| (2024..=2100).contains(y));
    let stats = state.store.province_report_stats(year).await?;
    let this_year = chrono::Datelike::year(&crate::access::now().utc().date_naive());
    let chosen = year.map(|y| y.to_string()).unwrap_or_default();
    let years = (2024..=this_year).rev().map(|y| Opt::new(y.to_string(), y.to_string(), &chosen)).collect();
    let html = render(&StatsPage { chrome, stats, years })?;
    Ok(([(axum::http::header::CACHE_CONTROL, "public, max-age=60")], html).into_response())
}

#[derive(Template)]
#[template(path = "reports/complaints.html")]
struct ComplaintsPage {
    chrome: Chrome,
}

pub async fn complaints(Page { lang, id }: Page) -> WebResult<Html<String>> {
    render(&ComplaintsPage { chrome: Chrome::new(lang, id.as_ref(), "report") })
}

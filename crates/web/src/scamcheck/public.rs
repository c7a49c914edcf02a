//! The citizen's check page: one box for a number, an account, a link or a
//! QR code's text, or a photo of the QR code (the camera on phones); the
//! verdict with its evidence and advice; "report this" into the citizens'
//! reports; and the owner's dispute of a listing.

use askama::Template;
use axum::extract::{Multipart, Query as UrlQuery, State};
use axum::response::Html;
use khienmang_core::reports::Contact;
use khienmang_core::scamcheck::{Outcome, Query, QueryError, Subject, Verdict};
use khienmang_store::scamcheck::Dispute;
use serde::Deserialize;

use super::query_from_image;
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::i18n::{Lang, date_vi};
use crate::kit::form::Form;
use crate::kit::upload;
use crate::page::{Chrome, Page, render};

/// One result as the page shows it.
pub struct Shown {
    pub kind: khienmang_core::scamcheck::SubjectKind,
    pub display: Option<String>,
    pub normalized: Option<String>,
    pub verdict: &'static str,
    pub verdict_value: khienmang_core::scamcheck::Verdict,
    pub advice: &'static str,
    pub reports: u32,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub category: Option<khienmang_core::category::Category>,
    pub imitates: Option<String>,
    pub technique: Option<&'static str>,
    pub official_owner: Option<String>,
    pub qr_text: Option<String>,
    /// The hash of the indicator an owner may dispute (a listing shown as
    /// scam or disputed), filled in by [`dispute_ref`].
    pub disputable: Option<String>,
    /// What "report this" puts into the report form.
    pub report_identifier: Option<String>,
}

fn shown(query: &Query, outcome: &Outcome) -> Shown {
    let e = &outcome.evidence;
    Shown {
        kind: query.kind,
        display: query.subject.as_ref().map(Subject::display),
        normalized: query.subject.as_ref().map(Subject::normalized),
        verdict: outcome.verdict.as_str(),
        verdict_value: outcome.verdict,
        advice: outcome.advice_vi,
        reports: e.reports,
        first_seen: e.first_seen.map(date_vi),
        last_seen: e.last_seen.map(date_vi),
        category: e.category,
        imitates: e.imitates.clone(),
        technique: e.technique,
        official_owner: e.official_owner.clone(),
        qr_text: query.qr.as_ref().map(|q| super::api::qr_json(q).to_string()),
        disputable: None,
        report_identifier: query.subject.as_ref().map(|s| match s {
            Subject::BankAccount { number, bank, bin } => {
                format!("{} {number}", bank.map(|b| b.short_name.to_owned()).unwrap_or_else(|| bin.clone()))
            }
            other => other.display(),
        }),
    }
}

/// The reference of the listing behind a "scam" or "disputed" verdict: its
/// hash, never its sequential row id (the dispute page answers only for
/// listings shown to the public, and ids would let anyone walk the rest).
async fn dispute_ref(state: &AppState, outcome: &Outcome) -> WebResult<Option<String>> {
    let Some(row) = outcome.evidence.row_id.filter(|_| matches!(outcome.verdict, Verdict::Scam | Verdict::Disputed))
    else {
        return Ok(None);
    };
    state.store.scamcheck_public().listing_hash(i64::from(row)).await
}

/// The verdict as the page shows it, with the dispute link when there is one.
async fn shown_with_dispute(state: &AppState, query: &Query, outcome: &Outcome) -> WebResult<Shown> {
    let mut result = shown(query, outcome);
    result.disputable = dispute_ref(state, outcome).await?;
    Ok(result)
}

#[derive(Template)]
#[template(path = "scamcheck/check.html")]
struct CheckPage {
    chrome: Chrome,
    q: String,
    result: Option<Shown>,
    error: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct CheckForm {
    #[serde(default)]
    pub q: String,
}

/// Why the text could not be checked, in the reader's language.
fn refusal(lang: Lang, e: &QueryError) -> String {
    match lang {
        Lang::Vi => e.message_vi(),
        Lang::En => e.message_en(),
    }
}

/// `GET /check[?q=...]`: the box, and the verdict when something was asked.
pub async fn page(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    UrlQuery(form): UrlQuery<CheckForm>,
) -> WebResult<Html<String>> {
    let chrome = Chrome::new(lang, id.as_ref(), "check");
    let q = form.q.trim().to_string();
    if q.is_empty() {
        return render(&CheckPage { chrome, q, result: None, error: None });
    }
    match Query::detect(&q) {
        Ok(query) => {
            let outcome = state.scamcheck.check(&query);
            let result = shown_with_dispute(&state, &query, &outcome).await?;
            render(&CheckPage { chrome, q, result: Some(result), error: None })
        }
        Err(e) => render(&CheckPage { chrome, q, result: None, error: Some(refusal(lang.0, &e)) }),
    }
}

/// `POST /check`: a photo of a QR code (multipart field `qr`).
pub async fn upload(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> WebResult<Html<String>> {
    let chrome = Chrome::new(lang, id.as_ref(), "check");
    let mp = mp.map_err(|_| upload::not_multipart("Ảnh"))?;
    let mut upload = upload::read_intake(mp).await?;
    let fields = std::mem::take(&mut upload.fields);
    let image = upload.non_empty_files().into_iter().next().map(|(_, bytes)| bytes).unwrap_or_default();
    let found = if image.is_empty() {
        let text = fields.0.into_iter().find(|(k, _)| k == "q").map(|(_, v)| v).unwrap_or_default();
        Query::detect(&text).map_err(|e| WebError::BadRequest(refusal(lang.0, &e)))
    } else {
        query_from_image(&state.scamcheck, image).await
    };
    match found {
        Ok(query) => {
            let outcome = state.scamcheck.check(&query);
            let result = shown_with_dispute(&state, &query, &outcome).await?;
            render(&CheckPage { chrome, q: String::new(), result: Some(result), error: None })
        }
        Err(WebError::BadRequest(m)) => render(&CheckPage { chrome, q: String::new(), result: None, error: Some(m) }),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "scamcheck/check_dispute.html")]
struct DisputePage {
    chrome: Chrome,
    /// The listing's hash (the form sends it back).
    indicator: String,
    listed: String,
    receipt: Option<(String, String)>,
    tracked: Option<Dispute>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DisputeQuery {
    #[serde(default)]
    pub indicator: String,
}

/// The listing a dispute names by its hash, if the public is shown it now;
/// anything else (rejected, candidate, withdrawn, expired, unknown, not a
/// hash) is answered as not found.
async fn disputable(state: &AppState, reference: &str) -> WebResult<khienmang_store::scamcheck::Indicator> {
    let reference = reference.trim();
    // A hex SHA-256 and nothing else, checked before any lookup.
    if reference.len() != 64 || !reference.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebError::NotFound);
    }
    let hash = reference.to_ascii_lowercase();
    state.store.scamcheck_public().shown_listing(&hash, crate::access::now().utc()).await?.ok_or(WebError::NotFound)
}

/// `GET /check/dispute?indicator=HASH`: the owner's form.
pub async fn dispute_form(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    UrlQuery(q): UrlQuery<DisputeQuery>,
) -> WebResult<Html<String>> {
    let chrome = Chrome::new(lang, id.as_ref(), "check");
    let listed = disputable(&state, &q.indicator).await?;
    render(&DisputePage {
        chrome,
        indicator: listed.hash,
        listed: listed.key,
        receipt: None,
        tracked: None,
        error: None,
    })
}

#[derive(Debug, Deserialize)]
pub struct DisputeIn {
    #[serde(default)]
    pub indicator: String,
    pub statement: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub contact_email: String,
}

/// `POST /check/dispute`: files it; the code and secret follow it.
pub async fn dispute_submit(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    Form(f): Form<DisputeIn>,
) -> WebResult<Html<String>> {
    let chrome = Chrome::new(lang, id.as_ref(), "check");
    let listed = disputable(&state, &f.indicator).await?;
    let some = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let contact = Contact { name: some(f.contact_name), phone: some(f.contact_phone), email: some(f.contact_email) };
    let filed =
        state.store.scamcheck_public().file_dispute(listed.id, &f.statement, &contact, &state.reports.key).await;
    let (receipt, error) = match filed {
        Ok(r) => (Some((r.code, r.secret)), None),
        Err(khienmang_store::StoreError::Invalid(m)) => (None, Some(m)),
        Err(e) => return Err(e.into()),
    };
    render(&DisputePage { chrome, indicator: listed.hash, listed: listed.key, receipt, tracked: None, error })
}

#[derive(Debug, Deserialize)]
pub struct DisputeTrack {
    pub code: String,
    pub secret: String,
}

/// `POST /check/dispute/track`: the owner reads the decision.
pub async fn dispute_track(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    Form(f): Form<DisputeTrack>,
) -> WebResult<Html<String>> {
    let chrome = Chrome::new(lang, id.as_ref(), "check");
    let dispute = state
        .store
        .scamcheck_public()
        .tracked_dispute(&f.code, &f.secret)
        .await
        .map_err(|_| WebError::BadRequest("Mã khiếu nại hoặc mã bí mật không đúng.".into()))?;
    render(&DisputePage {
        chrome,
        // The tracked dispute shows no form, so no reference is needed.
        indicator: String::new(),
        listed: dispute.indicator_key.clone(),
        receipt: None,
        tracked: Some(dispute),
        error: None,
    })
}

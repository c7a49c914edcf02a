//! The analysts' page: candidate indicators from reports that share a phone
//! number, account or site; verify (with category and confidence) or
//! reject; withdraw; decide owners' disputes. Every action is audited.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use khienmang_core::reports::Category;
use khienmang_core::scamcheck::{IndicatorKey, IndicatorStatus};
use khienmang_store::reports::Correlation;
use khienmang_store::scamcheck::{Dispute, Indicator, Listing, live::report_key};
use serde::Deserialize;

use crate::AppState;
use crate::access::{IndicatorManage, Target};
use crate::error::{WebError, WebResult};
use crate::kit::form::Form;
use crate::page::{Chrome, Page, render};
use crate::reports::local_time;

pub struct Candidate {
    pub c: Correlation,
    pub key: String,
    pub status: Option<&'static str>,
    pub category: &'static str,
}

#[derive(Template)]
#[template(path = "scamcheck/scamcheck.html")]
struct StaffPage {
    chrome: Chrome,
    candidates: Vec<Candidate>,
    disputes: Vec<Dispute>,
    indicators: Vec<Indicator>,
    categories: Vec<(&'static str, &'static str)>,
}

impl StaffPage {
    fn when(&self, stamp: &str) -> String {
        local_time(stamp)
    }

    /// An indicator's key as a person reads it (bank by name, phone grouped).
    fn shown(&self, key: &str) -> String {
        khienmang_core::display::identifier(key)
    }

    /// A dispute's state in words.
    fn dispute_status(&self, status: &str) -> &'static str {
        match status {
            "open" => self.chrome.tr.t("disp.open"),
            "upheld" => self.chrome.tr.t("disp.upheld"),
            "rejected" => self.chrome.tr.t("disp.rejected"),
            _ => self.chrome.tr.t("evk.other"),
        }
    }

    /// Where an indicator came from, in words: citizens' reports or a feed.
    fn source(&self, source: &str) -> String {
        match source {
            "reports" => self.chrome.tr.t("sc.source_reports").to_string(),
            "analyst" | "manual" => self.chrome.tr.t("sc.source_analyst").to_string(),
            other => match other.split_once(':') {
                Some((_, name)) => format!("{}: {name}", self.chrome.tr.t("sc.source_feed")),
                None => other.replace('_', " "),
            },
        }
    }
}

/// `GET /scamcheck`.
pub async fn page(m: IndicatorManage, Page { lang, id }: Page) -> WebResult<Html<String>> {
    let mut candidates = Vec::new();
    for c in m.correlations(200).await? {
        let Some(key) = report_key(c.kind.as_str(), &c.value) else { continue };
        let tr = crate::i18n::Tr { lang: lang.0 };
        let status = m.indicator_by_key(key.as_str()).await?.map(|i| tr.label(&i.status));
        let category = c.categories.first().copied().unwrap_or(Category::Fraud).as_str();
        candidates.push(Candidate { key: key.as_str().to_owned(), status, category, c });
    }
    render(&StaffPage {
        chrome: Chrome::new(lang, id.as_ref(), "scamcheck"),
        candidates,
        disputes: m.disputes(false, 100).await?,
        indicators: m.indicators(100, 0).await?,
        categories: Category::ALL.iter().map(|c| (c.as_str(), crate::i18n::Tr { lang: lang.0 }.label(c))).collect(),
    })
}

#[derive(Debug, Deserialize)]
pub struct DecideIn {
    pub key: String,
    /// verify | reject
    pub decision: String,
    pub category: String,
    #[serde(default)]
    pub confidence: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// `POST /scamcheck/indicators`: verify or reject a candidate key.
pub async fn decide(m: IndicatorManage, State(_): State<AppState>, Form(f): Form<DecideIn>) -> WebResult<Redirect> {
    let status = match f.decision.as_str() {
        "verify" => IndicatorStatus::Verified,
        "reject" => IndicatorStatus::Rejected,
        _ => return Err(WebError::BadRequest("Quyết định không hợp lệ.".into())),
    };
    let category = Category::parse(&f.category).ok_or_else(|| WebError::BadRequest("Loại không hợp lệ.".into()))?;
    let key = IndicatorKey::from_stored(f.key.trim());
    if key.as_str().is_empty() {
        return Err(WebError::BadRequest("Thiếu nội dung cần xác minh.".into()));
    }
    let now = crate::access::now().utc();
    let listing = Listing {
        key,
        status,
        category,
        confidence: f.confidence.unwrap_or(80),
        source: "reports".into(),
        source_ref: None,
        first_seen: now,
        last_seen: now,
        valid_until: None,
        imitates: None,
        note: Some(f.note.trim().to_owned()).filter(|n| !n.is_empty()),
    };
    m.write(Target::Programme, async |tx| Ok(tx.list_indicator(&listing, false).await?)).await?;
    Ok(Redirect::to("/scamcheck"))
}

#[derive(Debug, Deserialize)]
pub struct NoteIn {
    pub note: String,
}

/// `POST /scamcheck/indicators/{id}/withdraw`.
pub async fn withdraw(m: IndicatorManage, Path(id): Path<i64>, Form(f): Form<NoteIn>) -> WebResult<Redirect> {
    m.write(Target::Programme, async |tx| Ok(tx.withdraw_indicator(id, f.note.trim()).await?)).await?;
    Ok(Redirect::to("/scamcheck"))
}

#[derive(Debug, Deserialize)]
pub struct DisputeDecisionIn {
    /// upheld | rejected
    pub outcome: String,
    pub decision: String,
}

/// `POST /scamcheck/disputes/{id}`.
pub async fn decide_dispute(
    m: IndicatorManage,
    Path(id): Path<i64>,
    Form(f): Form<DisputeDecisionIn>,
) -> WebResult<Redirect> {
    let upheld = match f.outcome.as_str() {
        "upheld" => true,
        "rejected" => false,
        _ => return Err(WebError::BadRequest("Quyết định không hợp lệ.".into())),
    };
    m.write(Target::Programme, async |tx| Ok(tx.decide_dispute(id, upheld, &f.decision).await?)).await?;
    Ok(Redirect::to("/scamcheck"))
}

//! The public warnings page, each warning's share page (Open Graph tags so
//! it previews well on social networks), the Atom and RSS feeds, and the
//! secretariat's form to publish and withdraw warnings.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use khienmang_core::outreach::{FeedMeta, Warning, atom_feed, body_html, open_graph, public_feed, rss_feed};
use khienmang_core::reports::Category;
use khienmang_store::outreach::warnings::WarningInput;
use serde::Deserialize;

use crate::AppState;
use crate::access::{OutreachManage, Target};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::Form;
use crate::page::{Chrome, Page, render};

/// Warnings on the page and in the feeds.
const FEED_LIMIT: usize = 50;
const PUBLISHER: &str = "Công an tỉnh Bắc Ninh";

pub struct Shown {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub category: &'static str,
    pub date: String,
}

fn shown(w: &Warning) -> Shown {
    Shown {
        slug: w.slug.clone(),
        title: w.title.clone(),
        summary: w.summary.clone(),
        category: w.category.label_vi(),
        date: (w.published_at + chrono::Duration::hours(7)).format("%d/%m/%Y").to_string(),
    }
}

#[derive(Template)]
#[template(path = "outreach/warnings.html")]
struct ListPage {
    chrome: Chrome,
    warnings: Vec<Shown>,
    /// Voided warnings, shown to the secretariat only (to restore one).
    voided: Vec<Shown>,
    can_publish: bool,
    categories: Vec<(&'static str, &'static str)>,
}

async fn current(state: &AppState, site: &str) -> WebResult<Vec<Warning>> {
    let all = state.store.outreach_public().recent_warnings(500).await?;
    Ok(public_feed(&all, crate::access::now().utc(), FEED_LIMIT)
        .into_iter()
        .cloned()
        .map(|mut w| {
            w.link = format!("{site}/warnings/{}", w.slug);
            w
        })
        .collect())
}

/// `GET /warnings`.
pub async fn list(Page { lang, id }: Page, State(state): State<AppState>) -> WebResult<Html<String>> {
    let warnings = current(&state, "").await?;
    let manage = OutreachManage::on_public_page(&state, id.as_ref());
    let can_publish = manage.is_some();
    let voided = match &manage {
        Some(m) => m.voided_warnings().await?.iter().map(|w| shown(&w.warning)).collect(),
        None => Vec::new(),
    };
    render(&ListPage {
        chrome: Chrome::new(lang, id.as_ref(), "warnings"),
        warnings: warnings.iter().map(shown).collect(),
        voided,
        can_publish,
        categories: Category::ALL.iter().map(|c| (c.as_str(), Tr { lang: lang.0 }.label(c))).collect(),
    })
}

#[derive(Template)]
#[template(path = "outreach/warning.html")]
struct WarningPage {
    chrome: Chrome,
    w: Shown,
    body: String,
    og: Vec<(&'static str, String)>,
    can_publish: bool,
    /// "dd/mm/yyyy" of the latest correction, if it was corrected.
    corrected_on: Option<String>,
}

/// `GET /warnings/{slug}`: the share page.
pub async fn page(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> WebResult<Html<String>> {
    let mut w = state.store.outreach_public().warning(&slug).await?;
    if w.published_at > crate::access::now().utc() {
        return Err(WebError::NotFound);
    }
    let site = state.site_url().to_string();
    w.link = format!("{site}/warnings/{}", w.slug);
    let og = open_graph(&w, "Khiên Mạng", None);
    let can_publish = id.as_ref().is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::OutreachManage));
    let corrected_on = state
        .store
        .outreach_public()
        .warning_corrected_at(w.id)
        .await?
        .map(|at| crate::reports::local_time(&at).chars().take(10).collect());
    render(&WarningPage {
        chrome: Chrome::new(lang, id.as_ref(), "warnings"),
        w: shown(&w),
        body: body_html(&w.body),
        og: og.meta_tags(),
        can_publish,
        corrected_on,
    })
}

fn meta(site: &str, generated_at: DateTime<Utc>) -> FeedMeta {
    FeedMeta {
        title: format!("Cảnh báo lừa đảo trên không gian mạng – {PUBLISHER}"),
        subtitle: "Thủ đoạn lừa đảo, vi phạm pháp luật trên mạng đang diễn ra và cách phòng tránh".into(),
        home_url: format!("{site}/warnings"),
        atom_url: format!("{site}/warnings.atom"),
        rss_url: format!("{site}/warnings.rss"),
        author: PUBLISHER.into(),
        generated_at,
    }
}

/// `GET /warnings.atom`.
pub async fn atom(State(state): State<AppState>) -> WebResult<Response> {
    feed(&state, true).await
}

/// `GET /warnings.rss`.
pub async fn rss(State(state): State<AppState>) -> WebResult<Response> {
    feed(&state, false).await
}

async fn feed(state: &AppState, atom: bool) -> WebResult<Response> {
    let site = state.site_url().to_string();
    let warnings = current(state, &site).await?;
    let refs: Vec<&Warning> = warnings.iter().collect();
    let m = meta(&site, crate::access::now().utc());
    let (body, content_type) = if atom {
        (atom_feed(&m, &refs), "application/atom+xml; charset=utf-8")
    } else {
        (rss_feed(&m, &refs), "application/rss+xml; charset=utf-8")
    };
    let body = body.map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=300")], body).into_response())
}

#[derive(Deserialize)]
pub struct WarningIn {
    title: String,
    summary: String,
    body: String,
    category: String,
    /// "YYYY-MM-DDTHH:MM" in Viet Nam time; empty: now.
    #[serde(default)]
    publish_at: String,
}

/// `POST /warnings`: the secretariat publishes a warning.
pub async fn publish(m: OutreachManage, Form(f): Form<WarningIn>) -> WebResult<Redirect> {
    let category =
        Category::parse(&f.category).ok_or_else(|| WebError::BadRequest("Loại cảnh báo không hợp lệ.".into()))?;
    let published_at = match f.publish_at.trim() {
        "" => crate::access::now().utc(),
        t => chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
            .map(|local| local.and_utc() - chrono::Duration::hours(7))
            .map_err(|_| WebError::BadRequest("Thời điểm đăng không hợp lệ.".into()))?,
    };
    let input = WarningInput { title: f.title, summary: f.summary, body: f.body, category, published_at };
    let slug = m.write(Target::Programme, async |tx| Ok(tx.publish_warning(&input).await?)).await?;
    Ok(Redirect::to(&format!("/warnings/{slug}")))
}

/// `POST /warnings/{slug}/withdraw`.
pub async fn withdraw(m: OutreachManage, Path(slug): Path<String>) -> WebResult<Redirect> {
    m.write(Target::Programme, async |tx| Ok(tx.withdraw_warning(&slug).await?)).await?;
    Ok(Redirect::to("/warnings"))
}

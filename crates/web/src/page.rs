//! The page chrome shared by every HTML view, and the small pages.

use askama::Template;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::access::{Identity, MaybeIdentity, RequestLang};
use crate::error::{WebError, WebResult};
use crate::i18n::{Lang, Tr};

/// What a page handler needs of every request: its language and who is
/// logged in, if anyone (possibly a session still waiting for its second
/// factor). Taken as `Page { lang, id }: Page`.
pub struct Page {
    pub lang: RequestLang,
    pub id: Option<Identity>,
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = RequestLang::from_request_parts(parts, state).await?;
        let MaybeIdentity(id) = MaybeIdentity::from_request_parts(parts, state).await?;
        Ok(Page { lang, id })
    }
}

/// What the layout needs: language, who is logged in, the CSRF token.
pub struct Chrome {
    pub tr: Tr,
    pub username: Option<String>,
    pub role_label: String,
    pub csrf: String,
    /// The navigation entry to highlight.
    pub current: &'static str,
    pub can_import: bool,
    pub can_indicators: bool,
    pub can_audit: bool,
    pub can_users: bool,
    pub can_movement: bool,
    pub can_reports: bool,
    pub can_programme: bool,
    pub can_programme_manage: bool,
}

impl Chrome {
    pub fn new(lang: RequestLang, id: Option<&Identity>, current: &'static str) -> Chrome {
        use khienmang_core::auth::Capability;
        let can = |c| id.is_some_and(|i| i.user.role.can(c) && (i.user.totp_secret.is_none() || i.second_factor_done));
        Chrome {
            tr: Tr { lang: lang.0 },
            username: id.map(|i| i.user.display_name.clone()),
            role_label: id.map(|i| Tr { lang: lang.0 }.label(&i.user.role).to_string()).unwrap_or_default(),
            csrf: id.map(|i| i.csrf_token.clone()).unwrap_or_default(),
            current,
            can_import: can(Capability::OrgWrite),
            can_audit: can(Capability::AuditRead),
            can_users: can(Capability::UserAdmin),
            can_movement: can(Capability::MovementRead),
            can_reports: can(Capability::ReportRead),
            can_indicators: can(Capability::IndicatorManage),
            can_programme: can(Capability::ProgrammeRead),
            can_programme_manage: can(Capability::ProgrammeManage),
        }
    }

    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }

    pub fn other_lang(&self) -> &'static str {
        match self.tr.lang {
            Lang::Vi => "en",
            Lang::En => "vi",
        }
    }

    pub fn hx_headers(&self) -> String {
        serde_json::json!({ "X-CSRF-Token": self.csrf }).to_string()
    }

    pub fn nav_class(&self, entry: &str) -> &'static str {
        if self.current == entry { "active" } else { "" }
    }
}

pub fn render(t: &impl Template) -> WebResult<Html<String>> {
    t.render().map(Html).map_err(|e| WebError::Internal(e.to_string()))
}

/// True when htmx asked for a fragment rather than a whole page.
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request") && !headers.contains_key("hx-boosted")
}

pub async fn set_lang(Path(lang): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::parse(&lang);
    // Back to the page where the switch was clicked: the Referer's path,
    // if it stays on this site (the same rule as the login's `next`).
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..])))
        .and_then(khienmang_core::auth::local_target)
        .unwrap_or("/")
        .to_string();
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code())),
            (header::LOCATION, back),
        ],
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    chrome: Chrome,
}

pub async fn not_found(Page { lang, id }: Page) -> Response {
    let chrome = Chrome::new(lang, id.as_ref(), "");
    match render(&NotFoundPage { chrome }) {
        Ok(html) => (StatusCode::NOT_FOUND, html).into_response(),
        Err(e) => e.into_response(),
    }
}

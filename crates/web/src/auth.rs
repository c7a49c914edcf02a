//! Logging in and out: Argon2id passwords, back-off and lockout, TOTP second
//! factor, session cookies for the browser and bearer tokens for the API.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use chrono::Utc;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::AppState;
use crate::access::{Authenticated, MaybeIdentity, RequestLang};
use crate::error::{WebError, WebResult};
use crate::page::{Chrome, render};
use crate::security::{SESSION_COOKIE, hash_token};
use khienmang_store::auth::User;

/// Hashes a password with Argon2id (the crate's default parameters).
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(e.to_string()))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Hashing is slow on purpose: keep it off the async threads.
async fn verify_blocking(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false)
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn totp_for(user: &str, secret_b32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, Some("Khiên Mạng".into()), user.to_string()).ok()
}

/// Checks a TOTP code at `unix_time` (one step of clock drift allowed).
pub fn totp_ok(user: &str, secret_b32: &str, code: &str, unix_time: u64) -> bool {
    totp_for(user, secret_b32).is_some_and(|t| t.check(code.trim(), unix_time))
}

fn unix_now() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}

/// Why a login was refused, as the user reads it.
enum LoginRefusal {
    BadCredentials,
    Locked(String),
    DemoRefused,
}

/// The shared check for the browser and the API: password, lockout, demo rule.
async fn check_login(state: &AppState, username: &str, password: &str) -> WebResult<Result<User, LoginRefusal>> {
    // A dummy hash keeps unknown usernames as slow as known ones.
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let Some(user) = state.store.user_by_name(username.trim()).await? else {
        let dummy = DUMMY.get_or_init(|| hash_password("khienmang-dummy").unwrap_or_default()).clone();
        verify_blocking(password.to_string(), dummy).await;
        return Ok(Err(LoginRefusal::BadCredentials));
    };
    let now = Utc::now();
    if let Some(until) = user.locked_until.as_deref().filter(|u| *u > khienmang_store::now_utc().as_str()) {
        return Ok(Err(LoginRefusal::Locked(until.to_string())));
    }
    if user.disabled || !verify_blocking(password.to_string(), user.password_hash.clone()).await {
        let mut tx = state.store.begin_write("anonymous").await?;
        let locked = tx.login_failed(&user, now).await?;
        tx.commit().await?;
        return Ok(Err(match locked {
            Some(until) => LoginRefusal::Locked(until),
            None => LoginRefusal::BadCredentials,
        }));
    }
    if user.is_demo && !state.config.allow_demo_accounts {
        return Ok(Err(LoginRefusal::DemoRefused));
    }
    Ok(Ok(user))
}

async fn open_session(state: &AppState, user: &User, second_factor_done: bool) -> WebResult<(String, String)> {
    let token = random_token();
    let expires = (Utc::now() + chrono::Duration::hours(state.config.session_hours))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut tx = state.store.begin_write(&user.username).await?;
    tx.create_session(user.id, &hash_token(&token), &random_token(), second_factor_done, &expires).await?;
    tx.commit().await?;
    Ok((token, expires))
}

fn session_cookie(state: &AppState, token: &str, max_age: i64) -> String {
    let secure = if state.config.cookie_secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    error: Option<String>,
    next: String,
    username: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Only our own relative paths are followed after login.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') { next.to_string() } else { "/".into() }
}

pub async fn login_page(lang: RequestLang, Query(q): Query<NextQuery>) -> WebResult<Html<String>> {
    render(&LoginPage {
        chrome: Chrome::new(lang, None, "login"),
        error: None,
        next: safe_next(&q.next),
        username: String::new(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login_submit(
    lang: RequestLang,
    State(state): State<AppState>,
    axum::Form(form): axum::Form<LoginForm>,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, None, "login");
    let refusal = match check_login(&state, &form.username, &form.password).await? {
        Ok(user) => {
            let (token, _) = open_session(&state, &user, false).await?;
            let next = if user.totp_secret.is_some() { "/login/totp".to_string() } else { safe_next(&form.next) };
            let cookie = session_cookie(&state, &token, state.config.session_hours * 3600);
            return Ok(
                (StatusCode::SEE_OTHER, [(header::SET_COOKIE, cookie), (header::LOCATION, next)]).into_response()
            );
        }
        Err(r) => r,
    };
    let (status, error) = match refusal {
        LoginRefusal::BadCredentials => (StatusCode::UNAUTHORIZED, chrome.tr.t("login.failed").to_string()),
        LoginRefusal::Locked(until) => {
            (StatusCode::TOO_MANY_REQUESTS, format!("{} {until}.", chrome.tr.t("login.locked")))
        }
        LoginRefusal::DemoRefused => (StatusCode::FORBIDDEN, chrome.tr.t("login.demo_refused").to_string()),
    };
    let page = LoginPage { chrome, error: Some(error), next: safe_next(&form.next), username: form.username };
    Ok((status, render(&page)?).into_response())
}

pub async fn logout(State(state): State<AppState>, MaybeIdentity(id): MaybeIdentity) -> WebResult<Response> {
    if let Some(id) = id {
        let mut tx = state.store.begin_write(&id.user.username).await?;
        tx.end_session(&id.token_hash, id.user.id).await?;
        tx.commit().await?;
    }
    let cookie = session_cookie(&state, "", 0);
    Ok((StatusCode::SEE_OTHER, [(header::SET_COOKIE, cookie), (header::LOCATION, "/login".to_string())])
        .into_response())
}

#[derive(Template)]
#[template(path = "totp.html")]
struct TotpPage {
    chrome: Chrome,
    error: Option<String>,
    /// Set while enrolling: the new secret and its otpauth URL.
    enrol_secret: Option<String>,
    enrol_url: Option<String>,
    enabled: bool,
}

pub async fn totp_page(lang: RequestLang, MaybeIdentity(id): MaybeIdentity) -> WebResult<Html<String>> {
    let id = id.ok_or(WebError::Unauthenticated)?;
    let chrome = Chrome::new(lang, Some(&id), "");
    render(&TotpPage { chrome, error: None, enrol_secret: None, enrol_url: None, enabled: false })
}

#[derive(Deserialize)]
pub struct TotpForm {
    code: String,
    #[serde(default)]
    secret: String,
}

pub async fn totp_submit(
    lang: RequestLang,
    State(state): State<AppState>,
    MaybeIdentity(id): MaybeIdentity,
    axum::Form(form): axum::Form<TotpForm>,
) -> WebResult<Response> {
    let id = id.ok_or(WebError::Unauthenticated)?;
    let secret = id.user.totp_secret.clone().ok_or(WebError::Redirect("/".into()))?;
    if totp_ok(&id.user.username, &secret, &form.code, unix_now()) {
        let mut tx = state.store.begin_write(&id.user.username).await?;
        tx.complete_second_factor(&id.token_hash, id.user.id).await?;
        tx.commit().await?;
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response());
    }
    let chrome = Chrome::new(lang, Some(&id), "");
    let error = Some(chrome.tr.t("totp.wrong").to_string());
    Ok((
        StatusCode::UNAUTHORIZED,
        render(&TotpPage { chrome, error, enrol_secret: None, enrol_url: None, enabled: false })?,
    )
        .into_response())
}

pub async fn totp_enrol_page(lang: RequestLang, MaybeIdentity(id): MaybeIdentity) -> WebResult<Html<String>> {
    let id = id.ok_or(WebError::Unauthenticated)?;
    let chrome = Chrome::new(lang, Some(&id), "totp");
    if id.user.totp_secret.is_some() {
        return render(&TotpPage { chrome, error: None, enrol_secret: None, enrol_url: None, enabled: true });
    }
    let secret = Secret::generate_secret().to_encoded().to_string();
    let url = totp_for(&id.user.username, &secret).map(|t| t.get_url());
    render(&TotpPage { chrome, error: None, enrol_secret: Some(secret), enrol_url: url, enabled: false })
}

pub async fn totp_enrol_submit(
    lang: RequestLang,
    State(state): State<AppState>,
    MaybeIdentity(id): MaybeIdentity,
    axum::Form(form): axum::Form<TotpForm>,
) -> WebResult<Response> {
    let id = id.ok_or(WebError::Unauthenticated)?;
    if id.user.totp_secret.is_some() {
        return Err(WebError::Redirect("/account/totp".into()));
    }
    if totp_ok(&id.user.username, &form.secret, &form.code, unix_now()) {
        let mut tx = state.store.begin_write(&id.user.username).await?;
        tx.set_totp(id.user.id, Some(&form.secret)).await?;
        tx.complete_second_factor(&id.token_hash, id.user.id).await?;
        tx.commit().await?;
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response());
    }
    let chrome = Chrome::new(lang, Some(&id), "totp");
    let error = Some(chrome.tr.t("totp.wrong").to_string());
    let url = totp_for(&id.user.username, &form.secret).map(|t| t.get_url());
    let page = TotpPage { chrome, error, enrol_secret: Some(form.secret), enrol_url: url, enabled: false };
    Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApiLogin {
    username: String,
    password: String,
    /// The TOTP code, for accounts with a second factor.
    #[serde(default)]
    totp: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    /// Use as `Authorization: Bearer <token>`.
    token: String,
    expires_at: String,
}

/// Log in and receive a bearer token.
#[utoipa::path(post, path = "/api/v1/session", request_body = ApiLogin,
    responses((status = 200, body = ApiToken), (status = 401), (status = 429)), tag = "auth")]
pub async fn api_login(State(state): State<AppState>, Json(body): Json<ApiLogin>) -> WebResult<Json<ApiToken>> {
    let user = match check_login(&state, &body.username, &body.password).await? {
        Ok(u) => u,
        Err(LoginRefusal::BadCredentials) => return Err(WebError::Unauthenticated),
        Err(LoginRefusal::Locked(until)) => {
            return Err(WebError::TooManyAttempts(format!("Tài khoản tạm khóa đến {until}.")));
        }
        Err(LoginRefusal::DemoRefused) => return Err(WebError::Forbidden),
    };
    let second = match (&user.totp_secret, &body.totp) {
        (None, _) => true,
        (Some(secret), Some(code)) if totp_ok(&user.username, secret, code, unix_now()) => true,
        (Some(_), _) => return Err(WebError::Unauthenticated),
    };
    let (token, expires_at) = open_session(&state, &user, second).await?;
    Ok(Json(ApiToken { token, expires_at }))
}

/// End the bearer session.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204)), tag = "auth")]
pub async fn api_logout(State(state): State<AppState>, Authenticated(id): Authenticated) -> WebResult<StatusCode> {
    let mut tx = state.store.begin_write(&id.user.username).await?;
    tx.end_session(&id.token_hash, id.user.id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiMe {
    username: String,
    display_name: String,
    role: String,
    #[schema(value_type = Option<i64>)]
    scope_unit_id: Option<khienmang_core::org::UnitId>,
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = ApiMe)), tag = "auth")]
pub async fn api_me(Authenticated(id): Authenticated) -> Json<ApiMe> {
    Json(ApiMe {
        username: id.user.username,
        display_name: id.user.display_name,
        role: id.user.role.as_str().to_string(),
        scope_unit_id: id.user.scope_unit_id,
    })
}

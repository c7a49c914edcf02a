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
use rand::RngCore;
use serde::{Deserialize, Serialize};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::AppState;
use crate::access::{Authenticated, CHANGE_PASSWORD, Identity, MaybeIdentity, RequestLang, WORK};
use crate::error::{WebError, WebResult};
use crate::kit::form::{Fields, Form, FormError, Refusal, refused};
use crate::page::{Chrome, Page, render};
use crate::security::SESSION_COOKIE;
use khienmang_core::auth::{AccountRefusal, check_new_password, local_target};
use khienmang_store::WriteTx;
use khienmang_store::auth::{Attempt, Locked, User};

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

/// [`hash_password`] off the async threads.
pub async fn hash_blocking(password: String) -> WebResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
}

/// Hashing is slow on purpose: keep it off the async threads.
async fn verify_blocking(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false)
}

/// A hash with the real hashes' parameters that no password is checked
/// against for real: unknown and disabled accounts are verified against it,
/// so they take as long as a wrong password.
fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("khienmang-dummy").unwrap_or_default()).clone()
}

/// Longer passwords and usernames are refused before any work: Argon2
/// hashes whatever it is given.
const MAX_PASSWORD_BYTES: usize = 1024;
const MAX_USERNAME_BYTES: usize = 256;
/// A base32 TOTP secret is 32 characters; anything much longer is not one.
const MAX_SECRET_CHARS: usize = 128;

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn totp_for(user: &str, secret_b32: &str) -> Option<TOTP> {
    if secret_b32.len() > MAX_SECRET_CHARS {
        return None;
    }
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, Some("Khiên Mạng".into()), user.to_string()).ok()
}

/// The time step whose code `code` is, at `unix_time` with one step of
/// clock drift either way; the caller claims the step so that the code is
/// good once.
pub fn totp_step(user: &str, secret_b32: &str, code: &str, unix_time: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut one_step = totp_for(user, secret_b32)?;
    one_step.skew = 0;
    let now = unix_time / one_step.step;
    // Every step is compared (in constant time), the latest match kept.
    (now.saturating_sub(1)..=now + 1)
        .fold(None, |found, s| if one_step.check(code, s * one_step.step) { Some(s) } else { found })
}

/// The one-time code's step, by the clock (RFC 6238).
fn unix_now() -> u64 {
    u64::try_from(crate::access::now().utc().timestamp()).unwrap_or(0)
}

/// Why a login was refused, as the user reads it.
enum LoginRefusal {
    BadCredentials,
    Locked(String),
    DemoRefused,
}

impl From<Locked> for LoginRefusal {
    fn from(l: Locked) -> Self {
        LoginRefusal::Locked(l.0)
    }
}

/// A right password, its attempt still counted as failed until the caller
/// closes it in the transaction that opens the session.
struct Admitted {
    user: User,
    attempt: Attempt,
}

/// The shared check for the browser and the API: lockout first (a locked
/// account is refused without checking the password), then the password,
/// then the demo rule. Unknown, disabled and known accounts do the same
/// work (two writes and one hash), so the time of the answer does not tell
/// them apart.
async fn check_login(state: &AppState, username: &str, password: &str) -> WebResult<Result<Admitted, LoginRefusal>> {
    let username = username.trim();
    if username.len() > MAX_USERNAME_BYTES || password.len() > MAX_PASSWORD_BYTES {
        return Ok(Err(LoginRefusal::BadCredentials));
    }
    let Some(user) = state.store.account_named(username).await? else {
        state.store.anonymous_tx().await?.commit().await?;
        verify_blocking(password.to_string(), dummy_hash()).await;
        let mut tx = state.store.anonymous_tx().await?;
        tx.audit("auth.login_failed", "user:?", &serde_json::json!({"factor": "password"})).await?;
        tx.commit().await?;
        return Ok(Err(LoginRefusal::BadCredentials));
    };
    let mut tx = state.store.anonymous_tx().await?;
    let attempt = tx.begin_attempt(user.id, tx.now().utc()).await?;
    tx.commit().await?;
    let attempt = match attempt {
        Ok(a) => a,
        Err(locked) => return Ok(Err(locked.into())),
    };
    let hash = if user.disabled { dummy_hash() } else { user.password_hash.clone() };
    let right = verify_blocking(password.to_string(), hash).await && !user.disabled;
    let demo_refused = user.is_demo && !state.config.allow_demo_accounts;
    if !right || demo_refused {
        let mut tx = state.store.anonymous_tx().await?;
        let locked = tx.attempt_failed(&attempt, if right { "demo" } else { "password" }).await?;
        tx.commit().await?;
        return Ok(Err(match (locked, right) {
            (Some(l), _) => l.into(),
            (None, false) => LoginRefusal::BadCredentials,
            (None, true) => LoginRefusal::DemoRefused,
        }));
    }
    Ok(Ok(Admitted { user, attempt }))
}

/// Adds a session to `tx`; returns its token and expiry.
async fn open_session(
    state: &AppState,
    tx: &mut WriteTx,
    user: &User,
    second_factor_done: bool,
) -> WebResult<(String, String)> {
    let token = random_token();
    let expires = (crate::access::now().utc() + chrono::Duration::hours(state.config.session_hours))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    tx.create_session(
        user.id,
        &khienmang_core::secret::token_hash(&token),
        &random_token(),
        second_factor_done,
        &expires,
    )
    .await?;
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

/// Only paths that stay on this site are followed after login.
fn safe_next(next: &str) -> String {
    local_target(next).unwrap_or(WORK).to_string()
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
    Form(form): Form<LoginForm>,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, None, "login");
    let refusal = match check_login(&state, &form.username, &form.password).await? {
        Ok(Admitted { user, attempt }) => {
            let two_step = user.totp_secret.is_some();
            let mut tx = state.store.account_tx(&user).await?;
            let admitted = if two_step {
                tx.attempt_half_done(&attempt, tx.now().utc()).await?
            } else {
                tx.attempt_succeeded(&attempt, tx.now().utc()).await?
            };
            match admitted {
                Ok(()) => {
                    let (token, _) = open_session(&state, &mut tx, &user, !two_step).await?;
                    tx.commit().await?;
                    let next = if two_step {
                        "/login/totp".to_string()
                    } else if user.must_change_password {
                        CHANGE_PASSWORD.to_string()
                    } else {
                        safe_next(&form.next)
                    };
                    let cookie = session_cookie(&state, &token, state.config.session_hours * 3600);
                    return Ok((StatusCode::SEE_OTHER, [(header::SET_COOKIE, cookie), (header::LOCATION, next)])
                        .into_response());
                }
                Err(locked) => locked.into(),
            }
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
        let mut tx = state.store.account_tx(&id.user).await?;
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

pub async fn totp_page(Page { lang, id }: Page) -> WebResult<Html<String>> {
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
    Page { lang, id }: Page,
    State(state): State<AppState>,
    Form(form): Form<TotpForm>,
) -> WebResult<Response> {
    let id = id.ok_or(WebError::Unauthenticated)?;
    let secret = id.user.totp_secret.clone().ok_or(WebError::Redirect(WORK.into()))?;
    if id.second_factor_done {
        return Err(WebError::Redirect(WORK.into()));
    }
    // A code is an attempt like a password: counted first, refused
    // unchecked while the account is locked.
    let now = crate::access::now().utc();
    let mut tx = state.store.account_tx(&id.user).await?;
    let attempt = match tx.begin_attempt(id.user.id, now).await? {
        Ok(a) => a,
        Err(locked) => {
            tx.end_session(&id.token_hash, id.user.id).await?;
            tx.commit().await?;
            return start_over(&state, lang, locked);
        }
    };
    tx.commit().await?;
    let step = totp_step(&id.user.username, &secret, &form.code, unix_now());
    let mut tx = state.store.account_tx(&id.user).await?;
    let fresh = match step {
        Some(s) => tx.claim_totp_step(id.user.id, s).await?,
        None => false,
    };
    if fresh {
        match tx.attempt_succeeded(&attempt, now).await? {
            Ok(()) => {
                tx.complete_second_factor(&id.token_hash, id.user.id).await?;
                tx.commit().await?;
                return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, WORK)]).into_response());
            }
            Err(locked) => {
                tx.end_session(&id.token_hash, id.user.id).await?;
                tx.commit().await?;
                return start_over(&state, lang, locked);
            }
        }
    }
    // Wrong, or already used: once the failures lock the account (the
    // fifth wrong code at the latest), the half-signed-in session is dropped
    // and the sign-in starts over from the password.
    if let Some(locked) = tx.attempt_failed(&attempt, "totp").await? {
        tx.end_session(&id.token_hash, id.user.id).await?;
        tx.commit().await?;
        return start_over(&state, lang, locked);
    }
    tx.commit().await?;
    let chrome = Chrome::new(lang, Some(&id), "");
    let error = Some(chrome.tr.t(if step.is_some() { "totp.reused" } else { "totp.wrong" }).to_string());
    // 422, a refused form shown again: a 401 would send the browser to the
    // login page, away from the code form and its message.
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        render(&TotpPage { chrome, error, enrol_secret: None, enrol_url: None, enabled: false })?,
    )
        .into_response())
}

/// The login page after a dropped half-signed-in session: the cookie
/// cleared, the lockout on the page.
fn start_over(state: &AppState, lang: RequestLang, locked: Locked) -> WebResult<Response> {
    let chrome = Chrome::new(lang, None, "login");
    let error = format!("{} {} {}.", chrome.tr.t("totp.start_over"), chrome.tr.t("login.locked"), locked.0);
    let page = LoginPage { chrome, error: Some(error), next: WORK.into(), username: String::new() };
    let cookie = session_cookie(state, "", 0);
    Ok((StatusCode::TOO_MANY_REQUESTS, [(header::SET_COOKIE, cookie)], render(&page)?).into_response())
}

pub async fn totp_enrol_page(Page { lang, id }: Page) -> WebResult<Html<String>> {
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
    Page { lang, id }: Page,
    State(state): State<AppState>,
    Form(form): Form<TotpForm>,
) -> WebResult<Response> {
    let id = id.ok_or(WebError::Unauthenticated)?;
    if id.user.totp_secret.is_some() {
        return Err(WebError::Redirect("/account/totp".into()));
    }
    if let Some(step) = totp_step(&id.user.username, &form.secret, &form.code, unix_now()) {
        let mut tx = state.store.account_tx(&id.user).await?;
        tx.set_totp(id.user.id, Some(&form.secret)).await?;
        // The code that confirmed the secret cannot sign in again.
        tx.claim_totp_step(id.user.id, step).await?;
        tx.complete_second_factor(&id.token_hash, id.user.id).await?;
        tx.commit().await?;
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, WORK)]).into_response());
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
    /// A new password to replace `password` with: required when `password`
    /// is a temporary one (the answer is then 403 `password_change_required`
    /// without it), accepted at any sign-in.
    #[serde(default)]
    new_password: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    /// Use as `Authorization: Bearer <token>`.
    token: String,
    expires_at: String,
}

/// Log in and receive a bearer token. An account given a temporary password
/// answers 403 `{"error": "password_change_required"}` until the request
/// also carries `new_password`, which replaces it.
#[utoipa::path(post, path = "/api/v1/session", request_body = ApiLogin,
    responses((status = 200, body = ApiToken), (status = 401), (status = 403, description = "password_change_required: send new_password"),
    (status = 422, description = "new_password refused"), (status = 429)), tag = "auth")]
pub async fn api_login(State(state): State<AppState>, Json(body): Json<ApiLogin>) -> WebResult<Json<ApiToken>> {
    let locked = |until: String| WebError::TooManyAttempts(format!("Tài khoản tạm khóa đến {until}."));
    let Admitted { user, attempt } = match check_login(&state, &body.username, &body.password).await? {
        Ok(a) => a,
        Err(LoginRefusal::BadCredentials) => return Err(WebError::Unauthenticated),
        Err(LoginRefusal::Locked(until)) => return Err(locked(until)),
        Err(LoginRefusal::DemoRefused) => return Err(WebError::Forbidden),
    };
    let mut tx = state.store.account_tx(&user).await?;
    if let Some(secret) = &user.totp_secret {
        // A missing, wrong or already used code fails the attempt as a
        // wrong password does: it stays counted toward the lockout.
        let step = body.totp.as_deref().and_then(|code| totp_step(&user.username, secret, code, unix_now()));
        let fresh = match step {
            Some(s) => tx.claim_totp_step(user.id, s).await?,
            None => false,
        };
        if !fresh {
            let lock = tx.attempt_failed(&attempt, "totp").await?;
            tx.commit().await?;
            return Err(lock.map_or(WebError::Unauthenticated, |l| locked(l.0)));
        }
    }
    if let Err(l) = tx.attempt_succeeded(&attempt, tx.now().utc()).await? {
        tx.commit().await?;
        return Err(locked(l.0));
    }
    match body.new_password {
        Some(new) => {
            // The password was right: the attempt is closed either way.
            if let Err(r) = check_new_password(&new, Some(&body.password)) {
                tx.commit().await?;
                return Err(WebError::Account(r));
            }
            tx.change_own_password(user.id, &hash_blocking(new).await?, None).await?;
        }
        None if user.must_change_password => {
            tx.commit().await?;
            return Err(WebError::Account(AccountRefusal::PasswordChangeRequired));
        }
        None => {}
    }
    let (token, expires_at) = open_session(&state, &mut tx, &user, true).await?;
    tx.commit().await?;
    Ok(Json(ApiToken { token, expires_at }))
}

/// End the bearer session.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204)), tag = "auth")]
pub async fn api_logout(State(state): State<AppState>, Authenticated(id): Authenticated) -> WebResult<StatusCode> {
    let mut tx = state.store.account_tx(&id.user).await?;
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

/// One of the account's sessions as listed to its owner.
pub struct SessionRow {
    pub reference: String,
    pub started: String,
    pub last_used: String,
    pub this_one: bool,
}

#[derive(Template)]
#[template(path = "account_sessions.html")]
struct SessionsPage {
    chrome: Chrome,
    sessions: Vec<SessionRow>,
    notice: Option<String>,
}

async fn sessions_page(
    state: &AppState,
    id: &Identity,
    lang: RequestLang,
    notice: Option<String>,
) -> WebResult<Html<String>> {
    let here = khienmang_store::auth::session_reference(&id.token_hash);
    let sessions = state
        .store
        .own_sessions(id, crate::access::now().utc())
        .await?
        .into_iter()
        .map(|s| SessionRow {
            this_one: s.reference == here,
            reference: s.reference,
            started: crate::reports::local_time(&s.created_at),
            last_used: crate::reports::local_time(&s.last_seen),
        })
        .collect();
    render(&SessionsPage { chrome: Chrome::new(lang, Some(id), ""), sessions, notice })
}

/// `GET /account/sessions`: where the account is signed in.
pub async fn sessions(
    State(state): State<AppState>,
    lang: RequestLang,
    Authenticated(id): Authenticated,
) -> WebResult<Html<String>> {
    sessions_page(&state, &id, lang, None).await
}

#[derive(Deserialize)]
pub struct EndSessionsForm {
    /// One session's reference, or empty for every other session.
    #[serde(default)]
    session: String,
}

/// `POST /account/sessions/end`: ends one of the account's other sessions,
/// or all of them; never another account's.
pub async fn end_sessions(
    State(state): State<AppState>,
    lang: RequestLang,
    Authenticated(id): Authenticated,
    Form(form): Form<EndSessionsForm>,
) -> WebResult<Html<String>> {
    let reference = Some(form.session.trim()).filter(|r| !r.is_empty());
    if reference.is_some_and(|r| r.len() != 16 || !r.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Err(WebError::BadRequest("Phiên đăng nhập không hợp lệ.".into()));
    }
    let mut tx = state.store.account_tx(&id.user).await?;
    let ended = tx.end_own_sessions(id.user.id, reference, &id.token_hash).await?;
    tx.commit().await?;
    let chrome = Chrome::new(lang, Some(&id), "");
    let notice = chrome.tr.t("sessions.ended").replace("{n}", &ended.to_string());
    sessions_page(&state, &id, lang, Some(notice)).await
}

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    chrome: Chrome,
    /// The password is a temporary one an administrator gave.
    forced: bool,
    form: Refusal,
}

/// The session of a page reached before any work: signed in, its second
/// factor done if it has one (a temporary password is what it is here for).
fn own_session(id: Option<Identity>) -> WebResult<Identity> {
    let id = id.ok_or(WebError::Unauthenticated)?;
    if id.user.totp_secret.is_some() && !id.second_factor_done {
        return Err(WebError::Redirect("/login/totp".into()));
    }
    Ok(id)
}

/// `GET /account/password`: the form to change one's own password.
pub async fn password_page(Page { lang, id }: Page) -> WebResult<Html<String>> {
    let id = own_session(id)?;
    let chrome = Chrome::new(lang, Some(&id), "");
    render(&PasswordPage { chrome, forced: id.user.must_change_password, form: Refusal::default() })
}

/// `POST /account/password`: the current password, the new one twice. The
/// current one counts as a sign-in attempt (lockout included); on success
/// the account's other sessions end and the staff home follows.
pub async fn password_submit(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    fields: Fields,
) -> WebResult<Response> {
    let id = own_session(id)?;
    let (current, new) = (fields.raw("current"), fields.raw("new"));
    let refuse = |section: &'static str, message: String| -> WebResult<Response> {
        let chrome = Chrome::new(lang, Some(&id), "");
        // Nothing typed is shown again: every field is a password.
        let form = Refusal { error: Some(FormError { section, message }), entered: Fields::default() };
        Ok(refused(render(&PasswordPage { chrome, forced: id.user.must_change_password, form })?))
    };
    if new != fields.raw("confirm") {
        return refuse("confirm", "Hai lần nhập mật khẩu mới không khớp nhau.".into());
    }
    if let Err(r) = check_new_password(new, Some(current)) {
        return refuse("new", r.message_vi().into());
    }
    let locked = |until: String| format!("Tài khoản tạm khóa đến {until} vì nhập sai nhiều lần.");
    let mut tx = state.store.account_tx(&id.user).await?;
    let attempt = tx.begin_attempt(id.user.id, tx.now().utc()).await?;
    tx.commit().await?;
    let attempt = match attempt {
        Ok(a) => a,
        Err(l) => return refuse("current", locked(l.0)),
    };
    let right = verify_blocking(current.to_string(), id.user.password_hash.clone()).await;
    let mut tx = state.store.account_tx(&id.user).await?;
    if !right {
        let lock = tx.attempt_failed(&attempt, "password").await?;
        tx.commit().await?;
        return refuse("current", lock.map_or_else(|| "Mật khẩu hiện tại không đúng.".into(), |l| locked(l.0)));
    }
    if let Err(l) = tx.attempt_succeeded(&attempt, tx.now().utc()).await? {
        tx.commit().await?;
        return refuse("current", locked(l.0));
    }
    tx.change_own_password(id.user.id, &hash_blocking(new.to_string()).await?, Some(&id.token_hash)).await?;
    tx.commit().await?;
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, WORK)]).into_response())
}

//! Accounts from the web: the account administrators' pages (the list,
//! a new account, an account's page with its changes) and the same under
//! `/api/v1/users`. What may be done is decided in core and checked by the
//! access layer ([`UserAdmin`]); here forms are read and pages shown.
//!
//! A temporary password is made by the server (the API's caller may give
//! one), shown once with a printable sheet of first-login instructions, and
//! must be changed at the first sign-in ([`crate::access::CHANGE_PASSWORD`]).
//! Many accounts at once from a list are in [`onboarding`]; an initiative
//! leader's links to the initiatives it leads, on its page, in [`leads`].

pub mod leads;
pub mod onboarding;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use khienmang_core::auth::{Role, temporary_password};
use khienmang_core::org::{Level, UnitId};
use khienmang_store::auth::{AccountChange, User};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::access::{NewAccount, UserAdmin};
use crate::auth::hash_blocking;
use crate::error::{WebError, WebResult};
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused};
use crate::page::{Chrome, Page, render};
use crate::reports::local_time;

/// Accounts on one page of the list.
const PAGE_SIZE: usize = 50;
/// Units offered by the scope picker at once; a search narrows them.
const PICKER_SIZE: usize = 60;

/// A fresh temporary password (see [`temporary_password`]).
fn new_temporary_password() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    temporary_password(bytes)
}

/// An account as the list and its page show it.
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub scope: String,
    pub last_sign_in: String,
    pub disabled: bool,
    pub must_change_password: bool,
    pub second_factor: bool,
}

async fn rows(admin: &UserAdmin, users: &[User], lang: &Chrome) -> WebResult<Vec<AccountRow>> {
    let units: Vec<UnitId> = users.iter().filter_map(|u| u.scope_unit_id).collect();
    let names = admin.unit_names(&units).await?;
    Ok(users
        .iter()
        .map(|u| AccountRow {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: lang.tr.label(&u.role),
            scope: match u.scope_unit_id {
                Some(unit) => names.get(&unit).cloned().unwrap_or_default(),
                None => lang.tr.t("home.whole_country").to_string(),
            },
            last_sign_in: u.last_sign_in_at.as_deref().map(local_time).unwrap_or_default(),
            disabled: u.disabled,
            must_change_password: u.must_change_password,
            second_factor: u.totp_secret.is_some(),
        })
        .collect())
}

// ---- the list ----

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListPage {
    chrome: Chrome,
    q: String,
    accounts: Vec<AccountRow>,
    total: usize,
    page: usize,
    pages: usize,
}

impl ListPage {
    /// The query string of another page of the same search.
    fn page_link(&self, page: usize) -> String {
        let q: String = form_urlencoded::byte_serialize(self.q.as_bytes()).collect();
        format!("?q={q}&page={page}")
    }
}

/// `GET /users`: the accounts of the subtree, searched and paged.
pub async fn list(Page { lang, id }: Page, admin: UserAdmin, Query(q): Query<ListQuery>) -> WebResult<Html<String>> {
    let chrome = Chrome::new(lang, id.as_ref(), "users");
    let page = q.page.trim().parse::<usize>().unwrap_or(1).max(1);
    let found = admin.accounts(q.q.trim(), PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let accounts = rows(&admin, &found.accounts, &chrome).await?;
    let pages = found.total.div_ceil(PAGE_SIZE).max(1);
    render(&ListPage { chrome, q: q.q.trim().to_string(), accounts, total: found.total, page, pages })
}

// ---- a new account ----

/// The scope picker: the units matching the search, the one chosen kept
/// first even when the search no longer finds it.
async fn scope_options(admin: &UserAdmin, query: &str, chosen: &str) -> WebResult<Vec<Opt>> {
    let mut choices = admin.scope_choices(query, usize::MAX).await?;
    // Villages last: accounts mostly work at a commune, an agency or above.
    choices.sort_by_key(|(u, _)| u.level == Level::Village);
    choices.truncate(PICKER_SIZE);
    if let Ok(unit) = chosen.parse::<i64>().map(UnitId)
        && !choices.iter().any(|(u, _)| u.unit_id == unit)
        && let Some(v) = admin.scope_choice(unit).await?
    {
        choices.insert(0, (v, String::new()));
    }
    Ok(choices
        .into_iter()
        .map(|(u, parent)| {
            let kind = u.unit_type.clone().unwrap_or_else(|| u.level.label_vi().to_string());
            // A village's code tells apart namesakes under one ward.
            let code = u.code.as_deref().filter(|_| u.level == Level::Village).map(|c| format!(" · {c}"));
            let code = code.unwrap_or_default();
            let label = if parent.is_empty() {
                format!("{} ({kind}){code}", u.name)
            } else {
                format!("{} ({kind}){code} · {parent}", u.name)
            };
            Opt::new(u.unit_id.0.to_string(), label, chosen)
        })
        .collect())
}

fn role_options(admin: &UserAdmin, chosen: &str) -> Vec<Opt> {
    admin.role.grantable().into_iter().map(|r| Opt::new(r.as_str(), r.label_vi(), chosen)).collect()
}

#[derive(Template)]
#[template(path = "users/new.html")]
struct NewPage {
    chrome: Chrome,
    roles: Vec<Opt>,
    units: Vec<Opt>,
    /// The caller may give an account the whole country (a system administrator).
    whole_country: bool,
    form: Refusal,
}

async fn new_page(
    chrome: Chrome,
    admin: &UserAdmin,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let units = scope_options(admin, entered.get("unit_q"), entered.get("scope")).await?;
    render(&NewPage {
        chrome,
        roles: role_options(admin, entered.get("role")),
        units,
        whole_country: admin.scope.root().is_none(),
        form: Refusal { error, entered },
    })
}

/// `GET /users/new`: the form of a new account.
pub async fn new_form(Page { lang, id }: Page, admin: UserAdmin) -> WebResult<Html<String>> {
    new_page(Chrome::new(lang, id.as_ref(), "users"), &admin, None, Fields::default()).await
}

#[derive(Deserialize, Default)]
pub struct PickerQuery {
    #[serde(default)]
    unit_q: String,
    #[serde(default)]
    scope: String,
}

#[derive(Template)]
#[template(path = "users/unit_options.html")]
struct UnitOptions {
    chrome: Chrome,
    whole_country: bool,
    units: Vec<Opt>,
}

/// `GET /users/units?unit_q=`: the picker's options for a search, for htmx
/// (without script the form's "Tìm" button does the same).
pub async fn unit_options(
    Page { lang, id }: Page,
    admin: UserAdmin,
    Query(q): Query<PickerQuery>,
) -> WebResult<Html<String>> {
    let units = scope_options(&admin, &q.unit_q, &q.scope).await?;
    let chrome = Chrome::new(lang, id.as_ref(), "users");
    render(&UnitOptions { chrome, whole_country: admin.scope.root().is_none(), units })
}

/// The first-login sheet of an account just given a temporary password.
pub struct Issued {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub login_url: String,
    pub second_factor_due: bool,
}

#[derive(Template)]
#[template(path = "users/issued.html")]
struct IssuedPage {
    chrome: Chrome,
    account_id: i64,
    /// "created" or "reset".
    what: &'static str,
    issued: Issued,
}

fn issued_page(
    chrome: Chrome,
    state: &AppState,
    u: &User,
    password: String,
    what: &'static str,
) -> WebResult<Response> {
    let issued = Issued {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        password,
        login_url: format!("{}/login", state.site_url()),
        second_factor_due: state.config.require_totp && u.role.requires_second_factor(),
    };
    Ok(render(&IssuedPage { chrome, account_id: u.id, what, issued })?.into_response())
}

fn chosen_scope(fields: &Fields) -> WebResult<Option<UnitId>> {
    match fields.get("scope") {
        "" => Ok(None),
        s => s.parse::<i64>().map(|i| Some(UnitId(i))).map_err(|_| WebError::BadRequest("Hãy chọn đơn vị.".into())),
    }
}

fn chosen_role(fields: &Fields) -> WebResult<Role> {
    Role::parse(fields.get("role")).ok_or_else(|| WebError::BadRequest("Hãy chọn vai trò.".into()))
}

/// `POST /users`: creates the account, or (the "Tìm" button) shows the form
/// again with the units the search found.
pub async fn create(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    admin: UserAdmin,
    fields: Fields,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "users");
    if fields.has("find") {
        return Ok(new_page(chrome, &admin, None, fields).await?.into_response());
    }
    let password = new_temporary_password();
    let created = async {
        let account = NewAccount {
            username: fields.get("username"),
            display_name: fields.get("display_name"),
            role: chosen_role(&fields)?,
            scope: chosen_scope(&fields)?,
            password_hash: &hash_blocking(password.clone()).await?,
        };
        admin.create_account(&account).await
    }
    .await;
    match created {
        Ok(account) => {
            let u = admin.view_account(account).await?;
            issued_page(chrome, &state, &u, password, "created")
        }
        Err(e) => {
            let error = FormError::of("new", e)?;
            Ok(refused(new_page(chrome, &admin, Some(error), fields).await?))
        }
    }
}

// ---- an account's page ----

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    #[serde(default)]
    done: String,
}

#[derive(Template)]
#[template(path = "users/account.html")]
struct AccountPage {
    chrome: Chrome,
    account: AccountRow,
    roles: Vec<Opt>,
    units: Vec<Opt>,
    whole_country: bool,
    /// Whether the account is the caller's own (it cannot disable itself).
    own: bool,
    /// The confirmation of the change just saved ("" for none).
    done: &'static str,
    form: Refusal,
    /// The initiatives an initiative leader's account leads (none for other roles).
    leads: Option<leads::Leads>,
}

/// The confirmations an account's page shows after a change.
const DONE: &[&str] = &["edit", "disable", "enable", "second_factor", "lead_link", "lead_unlink"];

async fn account_page(
    chrome: Chrome,
    admin: &UserAdmin,
    u: &User,
    done: &'static str,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let account = rows(admin, std::slice::from_ref(u), &chrome).await?.remove(0);
    // The edit form keeps what was typed in it, or shows the account as it is.
    let scope = if entered.0.iter().any(|(k, _)| k == "scope") {
        entered.get("scope").to_string()
    } else {
        u.scope_unit_id.map(|s| s.0.to_string()).unwrap_or_default()
    };
    let role = if entered.has("role") { entered.get("role") } else { u.role.as_str() };
    let leads = leads::leads_of(admin, u, &entered).await?;
    render(&AccountPage {
        leads,
        roles: role_options(admin, role),
        units: scope_options(admin, entered.get("unit_q"), &scope).await?,
        whole_country: admin.scope.root().is_none(),
        own: u.id == admin.user_id,
        account,
        done,
        form: Refusal { error, entered },
        chrome,
    })
}

/// `GET /users/{id}`: the account, its last sign-in and the forms to change it.
pub async fn page(
    Page { lang, id }: Page,
    admin: UserAdmin,
    Path(account): Path<i64>,
    Query(q): Query<AccountQuery>,
) -> WebResult<Html<String>> {
    let u = admin.view_account(account).await?;
    let done = DONE.iter().find(|d| **d == q.done).copied().unwrap_or("");
    account_page(Chrome::new(lang, id.as_ref(), "users"), &admin, &u, done, None, Fields::default()).await
}

/// After a change: the account's page with its confirmation, or the page
/// again with the refusal beside the form it came from.
async fn after_change(
    chrome: Chrome,
    admin: &UserAdmin,
    account: i64,
    section: &'static str,
    done: &'static str,
    outcome: WebResult<User>,
    entered: Fields,
) -> WebResult<Response> {
    match outcome {
        Ok(_) => Ok(crate::movement::see_other(format!("/users/{account}?done={done}"))),
        Err(e) => {
            let error = FormError::of(section, e)?;
            let u = admin.view_account(account).await?;
            Ok(refused(account_page(chrome, admin, &u, "", Some(error), entered).await?))
        }
    }
}

/// `POST /users/{id}/edit`: display name, role and scope unit (or, with the
/// "Tìm" button, the page again with the units the search found).
pub async fn edit_submit(
    Page { lang, id }: Page,
    admin: UserAdmin,
    Path(account): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "users");
    if fields.has("find") {
        let u = admin.view_account(account).await?;
        return Ok(account_page(chrome, &admin, &u, "", None, fields).await?.into_response());
    }
    let outcome = async {
        let change = AccountChange {
            display_name: fields.get("display_name").to_string(),
            role: chosen_role(&fields)?,
            scope_unit_id: chosen_scope(&fields)?,
        };
        admin.update_account(account, &change).await
    }
    .await;
    after_change(chrome, &admin, account, "edit", "edit", outcome, fields).await
}

/// `POST /users/{id}/disable`: disables (`disabled=1`) or enables the
/// account, with the reason kept in the audit.
pub async fn disable_submit(
    Page { lang, id }: Page,
    admin: UserAdmin,
    Path(account): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "users");
    let disabled = fields.get("disabled") == "1";
    let outcome = if fields.get("reason").is_empty() {
        Err(WebError::BadRequest("Hãy ghi lý do (được lưu trong nhật ký).".into()))
    } else {
        admin.set_disabled(account, disabled, fields.get("reason")).await
    };
    let done = if disabled { "disable" } else { "enable" };
    after_change(chrome, &admin, account, "disable", done, outcome, fields).await
}

/// `POST /users/{id}/password`: a new temporary password, shown once with
/// its first-login sheet; the account's sessions end.
pub async fn password_submit(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    admin: UserAdmin,
    Path(account): Path<i64>,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "users");
    let password = new_temporary_password();
    let outcome = admin.reset_password(account, &hash_blocking(password.clone()).await?).await;
    match outcome {
        Ok(u) => issued_page(chrome, &state, &u, password, "reset"),
        Err(e) => after_change(chrome, &admin, account, "password", "", Err(e), Fields::default()).await,
    }
}

/// `POST /users/{id}/second-factor`: removes a lost second factor.
pub async fn second_factor_submit(
    Page { lang, id }: Page,
    admin: UserAdmin,
    Path(account): Path<i64>,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "users");
    let outcome = admin.reset_second_factor(account).await;
    after_change(chrome, &admin, account, "second_factor", "second_factor", outcome, Fields::default()).await
}

// ---- the API ----

/// An account as the API gives it.
#[derive(Serialize, ToSchema)]
pub struct ApiUser {
    id: i64,
    username: String,
    display_name: String,
    /// `system_admin`, `secretariat`, `commune_officer`, `unit_officer`, `initiative_leader` or `analyst`.
    role: String,
    /// The unit the account works within; none for a system administrator over the whole country.
    scope_unit_id: Option<i64>,
    disabled: bool,
    /// The password is a temporary one, to be changed at the next sign-in.
    must_change_password: bool,
    /// Whether a second factor (TOTP) is enrolled.
    second_factor: bool,
    /// When the account last signed in (RFC 3339, UTC).
    last_sign_in_at: Option<String>,
}

impl From<&User> for ApiUser {
    fn from(u: &User) -> Self {
        ApiUser {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.as_str().to_string(),
            scope_unit_id: u.scope_unit_id.map(|s| s.0),
            disabled: u.disabled,
            must_change_password: u.must_change_password,
            second_factor: u.totp_secret.is_some(),
            last_sign_in_at: u.last_sign_in_at.clone(),
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ApiListQuery {
    /// Username or display name search, diacritics and case ignored.
    #[serde(default)]
    q: Option<String>,
    /// At most 200; 50 when not given.
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    offset: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiUsers {
    users: Vec<ApiUser>,
    /// How many accounts the search found in all.
    total: usize,
    limit: usize,
    offset: usize,
}

/// The accounts within the caller's subtree, by username, paged.
#[utoipa::path(get, path = "/api/v1/users", params(ApiListQuery), responses((status = 200, body = ApiUsers), (status = 403)),
    tag = "users", security(("bearer" = [])))]
pub async fn api_list(admin: UserAdmin, Query(q): Query<ApiListQuery>) -> WebResult<Json<ApiUsers>> {
    let limit = q.limit.unwrap_or(PAGE_SIZE).clamp(1, 200);
    let offset = q.offset.unwrap_or(0);
    let found = admin.accounts(q.q.as_deref().unwrap_or("").trim(), limit, offset).await?;
    Ok(Json(ApiUsers { users: found.accounts.iter().map(ApiUser::from).collect(), total: found.total, limit, offset }))
}

/// One account within the caller's subtree (404 outside it).
#[utoipa::path(get, path = "/api/v1/users/{id}", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiUser), (status = 404)), tag = "users", security(("bearer" = [])))]
pub async fn api_get(admin: UserAdmin, Path(account): Path<i64>) -> WebResult<Json<ApiUser>> {
    Ok(Json(ApiUser::from(&admin.view_account(account).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct ApiNewUser {
    username: String,
    display_name: String,
    role: String,
    /// A unit within the caller's subtree today; none only for a system administrator.
    #[serde(default)]
    scope_unit_id: Option<i64>,
    /// A temporary password: the account must change it at its first sign-in.
    password: String,
}

fn api_role(role: &str) -> WebResult<Role> {
    Role::parse(role).ok_or_else(|| WebError::BadRequest(format!("Vai trò không hợp lệ: {role}.")))
}

/// Creates an account within the caller's subtree, with a temporary password.
#[utoipa::path(post, path = "/api/v1/users", request_body = ApiNewUser,
    responses((status = 201, body = ApiUser), (status = 403, description = "role_above_own, only_system_admin_makes_admins, scope_outside"),
    (status = 422)), tag = "users", security(("bearer" = [])))]
pub async fn api_create(admin: UserAdmin, Json(body): Json<ApiNewUser>) -> WebResult<(StatusCode, Json<ApiUser>)> {
    khienmang_core::auth::check_new_password(&body.password, None).map_err(WebError::Account)?;
    let account = NewAccount {
        username: &body.username,
        display_name: &body.display_name,
        role: api_role(&body.role)?,
        scope: body.scope_unit_id.map(UnitId),
        password_hash: &hash_blocking(body.password.clone()).await?,
    };
    let id = admin.create_account(&account).await?;
    Ok((StatusCode::CREATED, Json(ApiUser::from(&admin.view_account(id).await?))))
}

#[derive(Deserialize, ToSchema)]
pub struct ApiUserPatch {
    /// Disable (its sessions end, it cannot sign in) or enable the account.
    #[serde(default)]
    disabled: Option<bool>,
    /// Why it is disabled or enabled, kept in the audit.
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    role: Option<String>,
    /// A unit within the caller's subtree today.
    #[serde(default)]
    scope_unit_id: Option<i64>,
}

/// Changes an account: `disabled`, `display_name`, `role`, `scope_unit_id`.
#[utoipa::path(patch, path = "/api/v1/users/{id}", params(("id" = i64, Path,)), request_body = ApiUserPatch,
    responses((status = 200, body = ApiUser), (status = 403), (status = 404), (status = 422)), tag = "users",
    security(("bearer" = [])))]
pub async fn api_patch(
    admin: UserAdmin,
    Path(account): Path<i64>,
    Json(body): Json<ApiUserPatch>,
) -> WebResult<Json<ApiUser>> {
    let mut u = admin.view_account(account).await?;
    if body.display_name.is_some() || body.role.is_some() || body.scope_unit_id.is_some() {
        let change = AccountChange {
            display_name: body.display_name.unwrap_or_else(|| u.display_name.clone()),
            role: match body.role.as_deref() {
                Some(r) => api_role(r)?,
                None => u.role,
            },
            scope_unit_id: body.scope_unit_id.map(UnitId).or(u.scope_unit_id),
        };
        u = admin.update_account(account, &change).await?;
    }
    if let Some(disabled) = body.disabled.filter(|d| *d != u.disabled) {
        u = admin.set_disabled(account, disabled, body.reason.as_deref().unwrap_or("")).await?;
    }
    Ok(Json(ApiUser::from(&u)))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ApiPasswordReset {
    /// The temporary password to set; one is made up when not given.
    #[serde(default)]
    password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiTemporaryPassword {
    /// To hand to the account's owner: it must be changed at the next sign-in.
    temporary_password: String,
}

/// Gives the account a temporary password (its sessions end).
#[utoipa::path(post, path = "/api/v1/users/{id}/password", params(("id" = i64, Path,)), request_body = ApiPasswordReset,
    responses((status = 200, body = ApiTemporaryPassword), (status = 403), (status = 404)), tag = "users",
    security(("bearer" = [])))]
pub async fn api_reset_password(
    admin: UserAdmin,
    Path(account): Path<i64>,
    body: Option<Json<ApiPasswordReset>>,
) -> WebResult<Json<ApiTemporaryPassword>> {
    let password = match body.and_then(|Json(b)| b.password) {
        Some(p) => {
            khienmang_core::auth::check_new_password(&p, None).map_err(WebError::Account)?;
            p
        }
        None => new_temporary_password(),
    };
    admin.reset_password(account, &hash_blocking(password.clone()).await?).await?;
    Ok(Json(ApiTemporaryPassword { temporary_password: password }))
}

/// Removes the account's lost second factor (its sessions end).
#[utoipa::path(post, path = "/api/v1/users/{id}/second-factor/reset", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiUser), (status = 403), (status = 404)), tag = "users", security(("bearer" = [])))]
pub async fn api_reset_second_factor(admin: UserAdmin, Path(account): Path<i64>) -> WebResult<Json<ApiUser>> {
    Ok(Json(ApiUser::from(&admin.reset_second_factor(account).await?)))
}

//! The HTTP layer of Khiên Mạng: HTML views (askama + htmx), the JSON API
//! under /api/v1, access control and security middleware.
//!
//! Handlers never check roles: they ask for a scoped capability (see
//! [`access`]) and can only reach what that capability reaches.

pub mod access;
mod assets;
pub mod auth;
pub mod dashboard;
mod error;
mod i18n;
mod import;
mod movement;
mod ops;
mod org;
mod page;
mod security;
mod targets;

use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use axum::routing::MethodRouter;
use khienmang_store::Store;
use metrics_exporter_prometheus::PrometheusHandle;

pub use error::WebError;

/// Settings of the web layer (from the config file and environment).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Allow the well-known demo accounts to log in (only `demo` sets this).
    pub allow_demo_accounts: bool,
    /// Send cookies with `Secure` (browsers accept them on http://localhost).
    pub cookie_secure: bool,
    /// Force staff roles to enrol a TOTP second factor before working.
    pub require_totp: bool,
    pub session_hours: i64,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig { allow_demo_accounts: false, cookie_secure: true, require_totp: true, session_hours: 12 }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    metrics: Option<PrometheusHandle>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig, metrics: Option<PrometheusHandle>) -> Self {
        AppState { store, config: Arc::new(config), metrics }
    }
}

/// Every route with its method, in one table: the router is built from it and
/// the access-control test walks it, so no route escapes the test.
pub fn route_table() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    use axum::routing::{get, post};
    vec![
        (Method::GET, "/", get(page::home)),
        (Method::GET, "/login", get(auth::login_page)),
        (Method::POST, "/login", post(auth::login_submit)),
        (Method::POST, "/logout", post(auth::logout)),
        (Method::GET, "/login/totp", get(auth::totp_page)),
        (Method::POST, "/login/totp", post(auth::totp_submit)),
        (Method::GET, "/account/totp", get(auth::totp_enrol_page)),
        (Method::POST, "/account/totp", post(auth::totp_enrol_submit)),
        (Method::GET, "/lang/{lang}", get(page::set_lang)),
        (Method::GET, "/org", get(org::tree_page)),
        (Method::GET, "/org/search", get(org::search_page)),
        (Method::GET, "/org/units/{id}", get(org::unit_page)),
        (Method::POST, "/org/units/{id}/rename", post(org::rename_submit)),
        (Method::POST, "/org/units/{id}/attrs", post(org::attrs_submit)),
        (Method::POST, "/org/units/{id}/children", post(org::add_child_submit)),
        (Method::GET, "/import", get(import::import_page)),
        (Method::POST, "/import", post(import::dry_run)),
        (Method::POST, "/import/{batch}/commit", post(import::commit)),
        (Method::GET, "/import/templates/{file}", get(import::template)),
        (Method::GET, "/targets", get(targets::dashboard)),
        (Method::GET, "/targets/export.xlsx", get(targets::export)),
        (Method::GET, "/movement", get(movement::home)),
        (Method::POST, "/movement/reports", post(movement::report_submit)),
        (Method::GET, "/movement/templates/{file}", get(movement::template)),
        (Method::GET, "/movement/initiatives/new", get(movement::initiatives::new_form)),
        (Method::POST, "/movement/initiatives", post(movement::initiatives::create)),
        (Method::GET, "/movement/initiatives/{id}", get(movement::initiatives::page)),
        (Method::POST, "/movement/initiatives/{id}/stage", post(movement::initiatives::stage_submit)),
        (Method::POST, "/movement/initiatives/{id}/channels", post(movement::initiatives::channel_submit)),
        (Method::POST, "/movement/initiatives/{id}/groups", post(movement::initiatives::group_submit)),
        (Method::POST, "/movement/initiatives/{id}/participants", post(movement::initiatives::participant_submit)),
        (Method::POST, "/movement/initiatives/{id}/counts", post(movement::initiatives::count_submit)),
        (Method::POST, "/movement/initiatives/{id}/reports", post(movement::initiatives::report_submit)),
        (Method::GET, "/movement/initiatives/{id}/members", get(movement::initiatives::members_page)),
        (Method::POST, "/movement/initiatives/{id}/members/import", post(movement::uploads::members_dry_run)),
        (
            Method::POST,
            "/movement/initiatives/{id}/members/import/{batch}/commit",
            post(movement::uploads::members_commit),
        ),
        (Method::GET, "/movement/people", get(movement::people::people_list)),
        (Method::POST, "/movement/people", post(movement::people::person_submit)),
        (Method::POST, "/movement/people/{id}/update", post(movement::people::update_submit)),
        (Method::POST, "/movement/people/import", post(movement::uploads::people_dry_run)),
        (Method::POST, "/movement/people/import/{batch}/commit", post(movement::uploads::people_commit)),
        (Method::GET, "/movement/trainings", get(movement::people::trainings_list)),
        (Method::POST, "/movement/trainings", post(movement::people::training_submit)),
        (Method::GET, "/movement/voices", get(movement::people::voices_list)),
        (Method::POST, "/movement/voices", post(movement::people::voice_submit)),
        (Method::POST, "/movement/voices/{id}/enlist", post(movement::people::enlist_submit)),
        (Method::GET, "/movement/documents", get(movement::documents::documents_list)),
        (Method::POST, "/movement/documents", post(movement::documents::document_submit)),
        (Method::GET, "/movement/documents/{id}/file", get(movement::documents::document_file)),
        (Method::GET, "/movement/activities", get(movement::activities::activities_list)),
        (Method::POST, "/movement/activities", post(movement::activities::activity_submit)),
        (Method::POST, "/movement/posts", post(movement::activities::post_submit)),
        (Method::GET, "/api/v1/initiatives", get(movement::initiatives::api_list)),
        (Method::GET, "/api/v1/initiatives/{id}", get(movement::initiatives::api_get)),
        (Method::POST, "/api/v1/initiatives/{id}/channels", post(movement::initiatives::api_add_channel)),
        (Method::GET, "/audit", get(ops::audit_page)),
        (Method::GET, "/users", get(ops::users_page)),
        (Method::POST, "/api/v1/session", post(auth::api_login)),
        (Method::DELETE, "/api/v1/session", axum::routing::delete(auth::api_logout)),
        (Method::GET, "/api/v1/me", get(auth::api_me)),
        (Method::GET, "/api/v1/org/units", get(org::api_units)),
        (Method::GET, "/api/v1/org/units/{id}", get(org::api_unit)),
        (Method::GET, "/api/v1/org/units/{id}/children", get(org::api_children)),
        (Method::GET, "/api/v1/org/units/{id}/history", get(org::api_history)),
        (Method::GET, "/api/v1/org/units/{id}/rollup", get(org::api_rollup)),
        (Method::POST, "/api/v1/org/operations", post(org::api_operation)),
        (Method::GET, "/api/v1/targets", get(targets::api_targets)),
        (Method::GET, "/api/v1/audit", get(ops::api_audit)),
        (Method::GET, "/api/openapi.json", get(ops::openapi)),
        (Method::GET, "/healthz", get(ops::healthz)),
        (Method::GET, "/metrics", get(ops::metrics)),
        (Method::GET, "/assets/{*path}", get(assets::serve)),
    ]
}

pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for (_, path, method_router) in route_table() {
        router = router.route(path, method_router);
    }
    security::layers(router.fallback(page::not_found), state.clone()).with_state(state)
}

/// Serves until the process is asked to stop.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

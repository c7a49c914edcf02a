//! The HTTP layer of Khiên Mạng: HTML views (askama + htmx), the JSON API
//! under /api/v1, access control and security middleware.
//!
//! Handlers never check roles: they ask for a scoped capability (see
//! [`access`]) and can only reach what that capability reaches.

pub mod access;
mod admin;
mod assets;
pub mod auth;
pub mod dashboard;
mod error;
mod home;
mod i18n;
mod import;
mod kit;
pub mod limit;
mod movement;
mod offload;
mod ops;
mod org;
mod outreach;
mod page;
pub mod reports;
pub mod scamcheck;
mod security;
pub mod server;
mod targets;
mod users;
mod work;

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
    /// The key sealing reporters' contact details. Without one a key is made
    /// up for this process only (tests); `khienmang serve` requires one.
    pub field_key: Option<khienmang_store::reports::FieldKey>,
    /// Where report attachments are stored, outside the database.
    pub files_dir: std::path::PathBuf,
    /// Requests an anonymous client may make per hour, by kind, and the
    /// reverse proxies whose forwarded addresses are believed.
    pub limits: limit::LimitSettings,
    /// The site's address as citizens reach it ("https://phananh.example.vn"),
    /// for absolute links in feeds, share previews and Open311 discovery;
    /// never taken from a request's Host. Without one, the address served on.
    pub public_url: Option<String>,
    /// A bearer token that opens `/metrics` on the main address; without one
    /// the metrics are only on their own address (`khienmang serve`'s
    /// `metrics_listen`), behind a proxy where every caller is loopback.
    pub metrics_token: Option<String>,
    /// Connections open at once and how long one may stay silent.
    pub connections: server::ConnectionLimits,
    /// Who issues the review reports, where, under which number and who signs.
    pub review: khienmang_core::admin::ReviewSettings,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            allow_demo_accounts: false,
            cookie_secure: true,
            require_totp: true,
            session_hours: 12,
            field_key: None,
            files_dir: std::env::temp_dir().join(format!("khienmang-files-{}", std::process::id())),
            limits: limit::LimitSettings::default(),
            public_url: None,
            metrics_token: None,
            connections: server::ConnectionLimits::default(),
            review: khienmang_core::admin::ReviewSettings::default(),
        }
    }
}

/// What every handler shares; cloned for each request and each middleware,
/// so it is one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    /// Opened only by the access layer ([`access::Vault`]).
    pub store: access::Vault,
    pub config: Arc<WebConfig>,
    pub reports: reports::ReportsRuntime,
    pub scamcheck: scamcheck::ScamcheckRuntime,
    contests: outreach::contests::ContestsRuntime,
    pub limits: Arc<limit::Limits>,
    /// `WebConfig::public_url`, or the address served on once known.
    site: std::sync::OnceLock<String>,
    /// Slots for reading uploaded spreadsheets ([`offload`]).
    uploads: offload::Offload,
    metrics: Option<PrometheusHandle>,
}

impl AppState {
    /// Needs a Tokio runtime: it starts the report intake's writer task.
    pub fn new(store: Store, config: WebConfig, metrics: Option<PrometheusHandle>) -> Self {
        let key = config.field_key.clone().unwrap_or_else(|| khienmang_store::reports::FieldKey::generate().0);
        let reports = reports::ReportsRuntime::new(&store, key, config.files_dir.clone());
        let scamcheck = scamcheck::ScamcheckRuntime::start(&store);
        let contests =
            outreach::contests::ContestsRuntime::start(&store, reports.key.clone(), config.allow_demo_accounts);
        let limits = Arc::new(limit::Limits::new(config.limits.clone()));
        limit::Limits::spawn_sync(limits.clone(), store.clone(), std::time::Duration::from_secs(1));
        let uploads = offload::Offload::per_core();
        let site = std::sync::OnceLock::new();
        if let Some(url) = &config.public_url {
            let _ = site.set(url.trim_end_matches('/').to_string());
        }
        AppState(Arc::new(Shared {
            store: access::Vault::new(store),
            config: Arc::new(config),
            reports,
            scamcheck,
            contests,
            limits,
            site,
            uploads,
            metrics,
        }))
    }
}

impl AppState {
    /// "https://host" for links that must be absolute: the configured public
    /// address, else the one served on.
    pub fn site_url(&self) -> &str {
        self.site.get().map_or("", String::as_str)
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Every route with its method, in one table: the router is built from it and
/// the access-control test walks it, so no route escapes the test.
pub fn route_table() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    use axum::routing::{get, post};
    vec![
        (Method::GET, "/", get(home::page)),
        (Method::GET, "/work", get(work::overview)),
        (Method::GET, "/uploads/refused", get(work::imports)),
        (Method::GET, "/login", get(auth::login_page)),
        (Method::POST, "/login", post(auth::login_submit)),
        (Method::POST, "/logout", post(auth::logout)),
        (Method::GET, "/login/totp", get(auth::totp_page)),
        (Method::POST, "/login/totp", post(auth::totp_submit)),
        (Method::GET, "/account/totp", get(auth::totp_enrol_page)),
        (Method::GET, "/account/sessions", get(auth::sessions)),
        (Method::POST, "/account/sessions/end", post(auth::end_sessions)),
        (Method::POST, "/account/totp", post(auth::totp_enrol_submit)),
        (Method::GET, "/lang/{lang}", get(page::set_lang)),
        (Method::GET, "/org", get(org::tree_page)),
        (Method::GET, "/org/search", get(org::search_page)),
        (Method::GET, "/org/units/{id}", get(org::unit_page)),
        (Method::POST, "/org/units/{id}/rename", post(org::rename_submit)),
        (Method::POST, "/org/units/{id}/attrs", post(org::attrs_submit)),
        (Method::POST, "/org/units/{id}/children", post(org::add_child_submit)),
        (Method::POST, "/org/units/{id}/change/{kind}", post(org::change_submit)),
        (Method::POST, "/org/units/{id}/abolish-level", post(org::abolish_level_submit)),
        (Method::GET, "/org/units/{id}/parents", get(org::parent_options)),
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
        (Method::GET, "/movement/initiatives/{id}/edit", get(movement::initiatives::edit_form)),
        (Method::POST, "/movement/initiatives/{id}/edit", post(movement::initiatives::edit_submit)),
        (Method::POST, "/movement/initiatives/{id}/void", post(movement::initiatives::void_submit)),
        (Method::POST, "/movement/initiatives/{id}/restore", post(movement::initiatives::restore_submit)),
        (Method::POST, "/movement/initiatives/{id}/channels/edit", post(movement::initiatives::channel_edit_submit)),
        (Method::POST, "/movement/initiatives/{id}/channels/void", post(movement::initiatives::channel_void_submit)),
        (Method::POST, "/movement/initiatives/{id}/groups/void", post(movement::initiatives::group_void_submit)),
        (
            Method::POST,
            "/movement/initiatives/{id}/participants/void",
            post(movement::initiatives::participant_void_submit),
        ),
        (Method::POST, "/movement/initiatives/{id}/counts/void", post(movement::initiatives::count_void_submit)),
        (Method::POST, "/movement/initiatives/{id}/reports/void", post(movement::initiatives::report_void_submit)),
        (Method::POST, "/movement/initiatives/{id}/stage", post(movement::initiatives::stage_submit)),
        (Method::POST, "/movement/initiatives/{id}/channels", post(movement::initiatives::channel_submit)),
        (Method::POST, "/movement/initiatives/{id}/groups", post(movement::initiatives::group_submit)),
        (Method::POST, "/movement/initiatives/{id}/participants", post(movement::initiatives::participant_submit)),
        (Method::POST, "/movement/initiatives/{id}/counts", post(movement::initiatives::count_submit)),
        (Method::POST, "/movement/initiatives/{id}/reports", post(movement::initiatives::report_submit)),
        (Method::POST, "/movement/initiatives/{id}/leaders", post(movement::initiatives::leader_submit)),
        (Method::POST, "/movement/initiatives/{id}/leaders/remove", post(movement::initiatives::leader_remove_submit)),
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
        (Method::GET, "/movement/people/{id}", get(movement::people::person_view)),
        (Method::POST, "/movement/people/{id}/edit", post(movement::people::person_edit_submit)),
        (Method::POST, "/movement/people/{id}/void", post(movement::people::person_void_submit)),
        (Method::POST, "/movement/people/{id}/restore", post(movement::people::person_restore_submit)),
        (Method::GET, "/movement/trainings/{id}", get(movement::people::training_view)),
        (Method::POST, "/movement/trainings/{id}/edit", post(movement::people::training_edit_submit)),
        (Method::POST, "/movement/trainings/{id}/void", post(movement::people::training_void_submit)),
        (Method::POST, "/movement/trainings/{id}/restore", post(movement::people::training_restore_submit)),
        (Method::GET, "/movement/voices/{id}", get(movement::people::voice_view)),
        (Method::POST, "/movement/voices/{id}/edit", post(movement::people::voice_edit_submit)),
        (Method::POST, "/movement/voices/{id}/void", post(movement::people::voice_void_submit)),
        (Method::POST, "/movement/voices/{id}/restore", post(movement::people::voice_restore_submit)),
        (Method::GET, "/movement/documents", get(movement::documents::documents_list)),
        (Method::POST, "/movement/documents", post(movement::documents::document_submit)),
        (Method::GET, "/movement/documents/{id}/file", get(movement::documents::document_file)),
        (Method::GET, "/movement/activities", get(movement::activities::activities_list)),
        (Method::POST, "/movement/activities", post(movement::activities::activity_submit)),
        (Method::POST, "/movement/posts", post(movement::activities::post_submit)),
        (Method::GET, "/movement/documents/{id}/edit", get(movement::record_edits::document_edit_form)),
        (Method::POST, "/movement/documents/{id}/edit", post(movement::record_edits::document_edit_submit)),
        (Method::POST, "/movement/documents/{id}/void", post(movement::record_edits::document_void_submit)),
        (Method::POST, "/movement/documents/{id}/restore", post(movement::record_edits::document_restore_submit)),
        (Method::GET, "/movement/activities/{id}/edit", get(movement::record_edits::activity_edit_form)),
        (Method::POST, "/movement/activities/{id}/edit", post(movement::record_edits::activity_edit_submit)),
        (Method::POST, "/movement/activities/{id}/void", post(movement::record_edits::activity_void_submit)),
        (Method::POST, "/movement/activities/{id}/restore", post(movement::record_edits::activity_restore_submit)),
        (Method::GET, "/movement/posts/{id}/edit", get(movement::record_edits::post_edit_form)),
        (Method::POST, "/movement/posts/{id}/edit", post(movement::record_edits::post_edit_submit)),
        (Method::POST, "/movement/posts/{id}/void", post(movement::record_edits::post_void_submit)),
        (Method::POST, "/movement/posts/{id}/restore", post(movement::record_edits::post_restore_submit)),
        (Method::GET, "/api/v1/documents", get(movement::records_api::documents_list)),
        (Method::POST, "/api/v1/documents", post(movement::records_api::document_create)),
        (Method::GET, "/api/v1/documents/{id}", get(movement::records_api::document_get)),
        (Method::PATCH, "/api/v1/documents/{id}", axum::routing::patch(movement::records_api::document_patch)),
        (Method::POST, "/api/v1/documents/{id}/void", post(movement::records_api::document_void)),
        (Method::POST, "/api/v1/documents/{id}/restore", post(movement::records_api::document_restore)),
        (Method::GET, "/api/v1/activities", get(movement::records_api::activities_list)),
        (Method::POST, "/api/v1/activities", post(movement::records_api::activity_create)),
        (Method::GET, "/api/v1/activities/{id}", get(movement::records_api::activity_get)),
        (Method::PATCH, "/api/v1/activities/{id}", axum::routing::patch(movement::records_api::activity_patch)),
        (Method::POST, "/api/v1/activities/{id}/void", post(movement::records_api::activity_void)),
        (Method::POST, "/api/v1/activities/{id}/restore", post(movement::records_api::activity_restore)),
        (Method::GET, "/api/v1/posts", get(movement::records_api::posts_list)),
        (Method::POST, "/api/v1/posts", post(movement::records_api::post_create)),
        (Method::GET, "/api/v1/posts/{id}", get(movement::records_api::post_get)),
        (Method::PATCH, "/api/v1/posts/{id}", axum::routing::patch(movement::records_api::post_patch)),
        (Method::POST, "/api/v1/posts/{id}/void", post(movement::records_api::post_void)),
        (Method::POST, "/api/v1/posts/{id}/restore", post(movement::records_api::post_restore)),
        (Method::GET, "/api/v1/initiatives", get(movement::initiatives::api_list)),
        (Method::GET, "/api/v1/initiatives/{id}", get(movement::initiatives::api_get)),
        (Method::PATCH, "/api/v1/initiatives/{id}", axum::routing::patch(movement::initiatives::api_patch)),
        (Method::POST, "/api/v1/initiatives/{id}/void", post(movement::initiatives::api_void)),
        (Method::POST, "/api/v1/initiatives/{id}/restore", post(movement::initiatives::api_restore)),
        (Method::POST, "/api/v1/initiatives/{id}/channels", post(movement::initiatives::api_add_channel)),
        (Method::GET, "/api/v1/people", get(movement::people::api_people)),
        (Method::POST, "/api/v1/people", post(movement::people::api_person_create)),
        (Method::GET, "/api/v1/people/{id}", get(movement::people::api_person)),
        (Method::PATCH, "/api/v1/people/{id}", axum::routing::patch(movement::people::api_person_patch)),
        (Method::POST, "/api/v1/people/{id}/void", post(movement::people::api_person_void)),
        (Method::POST, "/api/v1/people/{id}/restore", post(movement::people::api_person_restore)),
        (Method::GET, "/api/v1/trainings", get(movement::people::api_trainings)),
        (Method::POST, "/api/v1/trainings", post(movement::people::api_training_create)),
        (Method::GET, "/api/v1/trainings/{id}", get(movement::people::api_training)),
        (Method::PATCH, "/api/v1/trainings/{id}", axum::routing::patch(movement::people::api_training_patch)),
        (Method::POST, "/api/v1/trainings/{id}/void", post(movement::people::api_training_void)),
        (Method::POST, "/api/v1/trainings/{id}/restore", post(movement::people::api_training_restore)),
        (Method::GET, "/api/v1/voices", get(movement::people::api_voices)),
        (Method::POST, "/api/v1/voices", post(movement::people::api_voice_create)),
        (Method::GET, "/api/v1/voices/{id}", get(movement::people::api_voice)),
        (Method::PATCH, "/api/v1/voices/{id}", axum::routing::patch(movement::people::api_voice_patch)),
        (Method::POST, "/api/v1/voices/{id}/void", post(movement::people::api_voice_void)),
        (Method::POST, "/api/v1/voices/{id}/restore", post(movement::people::api_voice_restore)),
        (Method::GET, "/report", get(reports::public::new_form)),
        (Method::POST, "/report", post(reports::public::submit)),
        (Method::GET, "/report/similar", get(reports::public::similar)),
        (Method::GET, "/report/track", get(reports::public::track_form)),
        (Method::POST, "/report/track", post(reports::public::track_open)),
        (Method::POST, "/report/track/message", post(reports::public::track_message)),
        (Method::POST, "/report/track/reopen", post(reports::public::track_reopen)),
        (Method::POST, "/report/track/rate", post(reports::public::track_rate)),
        (Method::POST, "/report/track/forget-contact", post(reports::public::track_forget)),
        (Method::GET, "/report/stats", get(reports::public::stats_page)),
        (Method::GET, "/report/complaints", get(reports::public::complaints)),
        (Method::GET, "/reports", get(reports::staff::queue)),
        (Method::POST, "/reports/notifications/read", post(reports::staff::notifications_read)),
        (Method::GET, "/reports/correlations", get(reports::staff::correlations)),
        (Method::GET, "/reports/attachments/{id}", get(reports::staff::attachment)),
        (Method::GET, "/reports/{id}", get(reports::staff::detail)),
        (Method::POST, "/reports/{id}/status", post(reports::staff::status_submit)),
        (Method::POST, "/reports/{id}/assign", post(reports::staff::assign_submit)),
        (Method::POST, "/reports/{id}/merge", post(reports::staff::merge_submit)),
        (Method::POST, "/reports/{id}/question", post(reports::staff::question_submit)),
        (Method::POST, "/reports/{id}/note", post(reports::staff::note_submit)),
        (Method::POST, "/reports/{id}/contact", post(reports::staff::contact_submit)),
        (Method::POST, "/api/v1/reports", post(reports::api::create)),
        (Method::GET, "/api/v1/reports", get(reports::api::list)),
        (Method::GET, "/api/v1/reports/stats", get(reports::api::stats)),
        (Method::GET, "/api/v1/reports/track/{code}", get(reports::api::track)),
        (Method::POST, "/api/v1/reports/track/{code}/messages", post(reports::api::add_message)),
        (Method::GET, "/api/v1/reports/{id}", get(reports::api::get)),
        (Method::GET, "/open311/discovery.json", get(reports::open311::discovery)),
        (Method::GET, "/check", get(scamcheck::public::page)),
        (Method::POST, "/check", post(scamcheck::public::upload)),
        (Method::GET, "/check/dispute", get(scamcheck::public::dispute_form)),
        (Method::POST, "/check/dispute", post(scamcheck::public::dispute_submit)),
        (Method::POST, "/check/dispute/track", post(scamcheck::public::dispute_track)),
        (Method::GET, "/api/v1/check", get(scamcheck::api::check)),
        (Method::POST, "/api/v1/check", post(scamcheck::api::check_image)),
        (Method::POST, "/api/v1/check/batch", post(scamcheck::api::check_batch)),
        (Method::GET, "/api/v1/check/prefix/{hex8}", get(scamcheck::api::prefix)),
        (Method::GET, "/feeds/{file}", get(scamcheck::feeds::feed)),
        (Method::GET, "/.well-known/khienmang-feed-key", get(scamcheck::feeds::public_key)),
        (Method::GET, "/scamcheck", get(scamcheck::staff::page)),
        (Method::POST, "/scamcheck/feeds", post(scamcheck::feeds::import)),
        (Method::POST, "/scamcheck/indicators", post(scamcheck::staff::decide)),
        (Method::POST, "/scamcheck/indicators/{id}/withdraw", post(scamcheck::staff::withdraw)),
        (Method::POST, "/scamcheck/disputes/{id}", post(scamcheck::staff::decide_dispute)),
        (Method::GET, "/scamcheck/official", get(scamcheck::official::page)),
        (Method::POST, "/scamcheck/official", post(scamcheck::official::add)),
        (Method::GET, "/scamcheck/official/{id}", get(scamcheck::official::entry)),
        (Method::POST, "/scamcheck/official/{id}", post(scamcheck::official::edit)),
        (Method::POST, "/scamcheck/official/{id}/void", post(scamcheck::official::void)),
        (Method::GET, "/open311/v2/{file}", get(reports::open311::list)),
        (Method::POST, "/open311/v2/{file}", post(reports::open311::create)),
        (Method::GET, "/open311/v2/services/{file}", get(reports::open311::service)),
        (Method::GET, "/open311/v2/requests/{file}", get(reports::open311::request)),
        (Method::GET, "/open311/v2/tokens/{file}", get(reports::open311::token)),
        (Method::GET, "/evaluations", get(admin::evaluations::list)),
        (Method::GET, "/evaluations/export.xlsx", get(admin::evaluations::export)),
        (Method::GET, "/evaluations/criteria", get(admin::criteria::page)),
        (Method::POST, "/evaluations/criteria", post(admin::criteria::save)),
        (Method::GET, "/evaluations/{id}", get(admin::evaluations::page)),
        (Method::POST, "/evaluations/{id}/scores", post(admin::evaluations::scores_submit)),
        (Method::POST, "/evaluations/{id}/decision", post(admin::evaluations::decision_submit)),
        (Method::GET, "/awards", get(admin::awards::page)),
        (Method::POST, "/awards", post(admin::awards::nominate_submit)),
        (Method::POST, "/awards/{id}/step", post(admin::awards::step_submit)),
        (Method::GET, "/awards/{id}", get(admin::nomination::page)),
        (Method::POST, "/awards/{id}/edit", post(admin::nomination::edit_submit)),
        (Method::POST, "/awards/{id}/void", post(admin::nomination::void_submit)),
        (Method::POST, "/awards/{id}/restore", post(admin::nomination::restore_submit)),
        (Method::POST, "/awards/from-ranking", post(admin::nomination::from_ranking)),
        (Method::GET, "/awards/register.xlsx", get(admin::awards::export)),
        (Method::GET, "/budget", get(admin::budget::page)),
        (Method::POST, "/budget/entries", post(admin::budget::entry_submit)),
        (Method::POST, "/budget/seed", post(admin::budget::seed_submit)),
        (Method::GET, "/budget/export.xlsx", get(admin::budget::export)),
        (Method::GET, "/api/v1/budget/summary", get(admin::budget::api_summary)),
        (Method::GET, "/budget/entries/{id}/edit", get(admin::budget_entries::edit_form)),
        (Method::POST, "/budget/entries/{id}/edit", post(admin::budget_entries::edit_submit)),
        (Method::POST, "/budget/entries/{id}/void", post(admin::budget_entries::void_submit)),
        (Method::POST, "/budget/entries/{id}/restore", post(admin::budget_entries::restore_submit)),
        (Method::GET, "/api/v1/budget/entries", get(admin::budget_entries::api_list)),
        (Method::POST, "/api/v1/budget/entries", post(admin::budget_entries::api_create)),
        (Method::GET, "/api/v1/budget/entries/{id}", get(admin::budget_entries::api_get)),
        (Method::PATCH, "/api/v1/budget/entries/{id}", axum::routing::patch(admin::budget_entries::api_patch)),
        (Method::POST, "/api/v1/budget/entries/{id}/void", post(admin::budget_entries::api_void)),
        (Method::POST, "/api/v1/budget/entries/{id}/restore", post(admin::budget_entries::api_restore)),
        (Method::GET, "/duties", get(admin::duties::page)),
        (Method::POST, "/duties/reports", post(admin::duties::duty_report_submit)),
        (Method::POST, "/duties/period-reports", post(admin::duties::period_report_submit)),
        (Method::GET, "/duties/reports/{id}", get(admin::duty_corrections::duty_page)),
        (Method::POST, "/duties/reports/{id}/edit", post(admin::duty_corrections::duty_edit)),
        (Method::POST, "/duties/reports/{id}/void", post(admin::duty_corrections::duty_void)),
        (Method::POST, "/duties/reports/{id}/restore", post(admin::duty_corrections::duty_restore)),
        (Method::GET, "/duties/period-reports/{id}", get(admin::duty_corrections::period_page)),
        (Method::POST, "/duties/period-reports/{id}/edit", post(admin::duty_corrections::period_edit)),
        (Method::POST, "/duties/period-reports/{id}/void", post(admin::duty_corrections::period_void)),
        (Method::POST, "/duties/period-reports/{id}/restore", post(admin::duty_corrections::period_restore)),
        (Method::GET, "/reviews", get(admin::reviews::page)),
        (Method::GET, "/reviews/{file}", get(admin::reviews::file)),
        (Method::GET, "/warnings", get(outreach::warnings::list)),
        (Method::POST, "/warnings", post(outreach::warnings::publish)),
        (Method::GET, "/warnings.atom", get(outreach::warnings::atom)),
        (Method::GET, "/warnings.rss", get(outreach::warnings::rss)),
        (Method::GET, "/warnings/{slug}", get(outreach::warnings::page)),
        (Method::POST, "/warnings/{slug}/withdraw", post(outreach::warnings::withdraw)),
        (Method::GET, "/warnings/{slug}/edit", get(outreach::warning_corrections::edit_form)),
        (Method::POST, "/warnings/{slug}/edit", post(outreach::warning_corrections::edit_submit)),
        (Method::POST, "/warnings/{slug}/void", post(outreach::warning_corrections::void_submit)),
        (Method::POST, "/warnings/{slug}/restore", post(outreach::warning_corrections::restore_submit)),
        (Method::GET, "/campaigns", get(outreach::campaigns::list)),
        (Method::POST, "/campaigns", post(outreach::campaign_items::create)),
        (Method::POST, "/campaigns/{id}/items", post(outreach::campaign_items::add)),
        (Method::POST, "/campaigns/{id}/items/edit", post(outreach::campaign_items::edit)),
        (Method::POST, "/campaigns/{id}/items/void", post(outreach::campaign_items::void)),
        (Method::GET, "/campaigns/{id}", get(outreach::campaigns::page)),
        (Method::POST, "/movement/initiatives/{id}/campaign-shares", post(outreach::campaigns::share)),
        (Method::GET, "/surveys", get(outreach::surveys::list)),
        (Method::POST, "/surveys", post(outreach::survey_builder::create)),
        (Method::GET, "/surveys/new", get(outreach::survey_builder::new_page)),
        (Method::GET, "/surveys/{id}/edit", get(outreach::survey_builder::edit_page)),
        (Method::POST, "/surveys/{id}/edit", post(outreach::survey_builder::edit_submit)),
        (Method::GET, "/surveys/{id}", get(outreach::surveys::page)),
        (Method::POST, "/surveys/{id}", post(outreach::surveys::submit)),
        (Method::GET, "/surveys/{id}/results", get(outreach::surveys::results_page)),
        (Method::GET, "/surveys/{id}/results.xlsx", get(outreach::surveys::results_export)),
        (Method::GET, "/contests", get(outreach::contests::public::list)),
        (Method::GET, "/contests/{contest}", get(outreach::contests::public::page)),
        (Method::POST, "/contests/{contest}/code", post(outreach::contests::public::code_submit)),
        (Method::POST, "/contests/{contest}/start", post(outreach::contests::public::start_submit)),
        (Method::GET, "/contests/{contest}/attempts/{attempt}", get(outreach::contests::public::attempt_page)),
        (Method::POST, "/contests/{contest}/attempts/{attempt}", post(outreach::contests::public::attempt_submit)),
        (Method::GET, "/contests/{contest}/attempts/{attempt}/result", get(outreach::contests::public::result_page)),
        (Method::GET, "/contests/{contest}/leaderboard", get(outreach::contests::public::leaderboard)),
        (Method::GET, "/api/v1/contests", get(outreach::contests::api::list)),
        (Method::POST, "/api/v1/contests/{contest}/code", post(outreach::contests::api::code)),
        (Method::POST, "/api/v1/contests/{contest}/attempts", post(outreach::contests::api::start)),
        (
            Method::POST,
            "/api/v1/contests/{contest}/attempts/{attempt}/submit",
            post(outreach::contests::api::submit)
                .layer(axum::extract::DefaultBodyLimit::max(outreach::contests::api::MAX_BODY)),
        ),
        (Method::GET, "/api/v1/contests/{contest}/leaderboard", get(outreach::contests::api::leaderboard)),
        (Method::GET, "/outreach/contests", get(outreach::contests::staff::list)),
        (Method::POST, "/outreach/contests", post(outreach::contests::staff::create)),
        (Method::GET, "/outreach/contests/{id}", get(outreach::contests::staff::page)),
        (Method::POST, "/outreach/contests/{id}/edit", post(outreach::contests::settings::edit_submit)),
        (Method::POST, "/outreach/contests/{id}/open", post(outreach::contests::settings::open_submit)),
        (Method::POST, "/outreach/contests/{id}/void", post(outreach::contests::settings::void_submit)),
        (Method::POST, "/outreach/contests/{id}/restore", post(outreach::contests::settings::restore_submit)),
        (Method::POST, "/outreach/contests/{id}/questions", post(outreach::contests::settings::question_submit)),
        (
            Method::POST,
            "/outreach/contests/{id}/questions/edit",
            post(outreach::contests::settings::question_edit_submit),
        ),
        (Method::POST, "/outreach/contests/{id}/questions/import", post(outreach::contests::staff::questions_import)),
        (Method::POST, "/outreach/contests/{id}/questions/retire", post(outreach::contests::staff::question_retire)),
        (Method::POST, "/outreach/contests/{id}/units", post(outreach::contests::settings::units_submit)),
        (Method::POST, "/outreach/contests/{id}/staff", post(outreach::contests::staff::staff_submit)),
        (Method::POST, "/outreach/contests/{id}/prizes", post(outreach::contests::staff::prize_submit)),
        (Method::POST, "/outreach/contests/{id}/prizes/remove", post(outreach::contests::staff::prize_remove)),
        (Method::POST, "/outreach/contests/{id}/close", post(outreach::contests::staff::close_submit)),
        (Method::GET, "/outreach/contests/{id}/results.xlsx", get(outreach::contests::staff::export)),
        (Method::GET, "/audit", get(ops::audit_page)),
        (Method::GET, "/users", get(users::list)),
        (Method::POST, "/users", post(users::create)),
        (Method::GET, "/users/new", get(users::new_form)),
        (Method::GET, "/users/units", get(users::unit_options)),
        (Method::GET, "/users/onboarding", get(users::onboarding::page)),
        (Method::POST, "/users/onboarding", post(users::onboarding::dry_run)),
        (Method::GET, "/users/onboarding/template.xlsx", get(users::onboarding::template)),
        (Method::POST, "/users/onboarding/{batch}/commit", post(users::onboarding::commit)),
        (Method::GET, "/users/{id}", get(users::page)),
        (Method::POST, "/users/{id}/edit", post(users::edit_submit)),
        (Method::POST, "/users/{id}/disable", post(users::disable_submit)),
        (Method::POST, "/users/{id}/password", post(users::password_submit)),
        (Method::POST, "/users/{id}/second-factor", post(users::second_factor_submit)),
        (Method::POST, "/users/{id}/initiatives", post(users::leads::link_submit)),
        (Method::POST, "/users/{id}/initiatives/remove", post(users::leads::unlink_submit)),
        (Method::GET, "/account/password", get(auth::password_page)),
        (Method::POST, "/account/password", post(auth::password_submit)),
        (Method::GET, "/api/v1/users", get(users::api_list)),
        (Method::POST, "/api/v1/users", post(users::api_create)),
        (Method::GET, "/api/v1/users/{id}", get(users::api_get)),
        (Method::PATCH, "/api/v1/users/{id}", axum::routing::patch(users::api_patch)),
        (Method::POST, "/api/v1/users/{id}/password", post(users::api_reset_password)),
        (Method::POST, "/api/v1/users/{id}/second-factor/reset", post(users::api_reset_second_factor)),
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

/// The public routes an anonymous script could hammer, and the count each
/// takes from the caller's hourly limit ([`limit`]). Reports and contest
/// codes count in their handlers, which answer a refusal on the form.
const LIMITED: &[(Method, &str, limit::LimitClass)] = {
    use limit::LimitClass::*;
    &[
        (Method::GET, "/check", Check),
        (Method::POST, "/check", Check),
        (Method::GET, "/api/v1/check", Check),
        (Method::POST, "/api/v1/check", Check),
        (Method::POST, "/api/v1/check/batch", Check),
        (Method::GET, "/api/v1/check/prefix/{hex8}", Prefix),
        (Method::POST, "/report/track", Track),
        (Method::POST, "/report/track/message", Track),
        (Method::POST, "/report/track/reopen", Track),
        (Method::POST, "/report/track/rate", Track),
        (Method::POST, "/report/track/forget-contact", Track),
        (Method::GET, "/api/v1/reports/track/{code}", Track),
        (Method::POST, "/api/v1/reports/track/{code}/messages", Track),
        (Method::GET, "/report/similar", Similar),
        (Method::POST, "/check/dispute", Dispute),
        (Method::POST, "/check/dispute/track", Dispute),
        (Method::POST, "/surveys/{id}", Survey),
        (Method::GET, "/open311/v2/{file}", Open311),
        (Method::GET, "/open311/v2/services/{file}", Open311),
        (Method::GET, "/open311/v2/requests/{file}", Open311),
        (Method::GET, "/open311/v2/tokens/{file}", Open311),
    ]
};

pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for (method, path, mut method_router) in route_table() {
        if let Some((_, _, class)) = LIMITED.iter().find(|(m, p, _)| *m == method && *p == path) {
            let layer = axum::middleware::from_fn_with_state((state.clone(), *class), limit::enforce);
            method_router = method_router.route_layer(layer);
        }
        router = router.route(path, method_router);
    }
    security::layers(router.fallback(page::not_found), state.clone()).with_state(state)
}

/// Serves until the process is asked to stop, one worker thread per core
/// ([`server`]).
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let local = listener.local_addr()?;
    let host = if local.ip().is_unspecified() { format!("localhost:{}", local.port()) } else { local.to_string() };
    let _ = state.site.set(format!("http://{host}"));
    // The hour's key shared with the other replicas, before the first count.
    if let Err(e) = state.store.sync_rate_limits(&state.limits).await {
        tracing::warn!(error = %e, "rate limits not synced at start");
    }
    let limits = state.config.connections;
    let app = scamcheck::fast_path::CheckFirst { router: router(state.clone()), state };
    server::serve(app, listener, limits).await
}

/// Serves only `/metrics` (Prometheus), on an address of its own.
pub async fn serve_metrics(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = Router::new().route("/metrics", axum::routing::get(ops::metrics_unguarded)).with_state(state);
    axum::serve(listener, app).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_limited_route_is_a_route() {
        let routes: Vec<_> = super::route_table().into_iter().map(|(m, p, _)| (m, p)).collect();
        for (method, path, _) in super::LIMITED {
            assert!(routes.iter().any(|(m, p)| m == method && p == path), "{method} {path} is not routed");
        }
    }
}

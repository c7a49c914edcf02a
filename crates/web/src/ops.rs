//! Operations: health, metrics, the OpenAPI document and the audit log.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use khienmang_core::audit::AuditEntry;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

use crate::AppState;
use crate::access::AuditRead;
use crate::error::WebResult;
use crate::page::{Chrome, Page, render};

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", responses((status = 200), (status = 503)), tag = "ops")]
pub async fn healthz(State(state): State<AppState>) -> Response {
    match sqlx_ping(&state).await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "database unavailable"})))
                .into_response()
        }
    }
}

async fn sqlx_ping(state: &AppState) -> Result<(), khienmang_store::StoreError> {
    state.store.health().await
}

/// Prometheus metrics on the main address: only with the configured
/// bearer token (behind a proxy every caller is loopback, so the peer's
/// address says nothing); without a token they are not here at all.
pub async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let given =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match (&state.config.metrics_token, given) {
        (Some(token), Some(given)) if khienmang_core::secret::same(token, given) => {
            metrics_unguarded(State(state)).await
        }
        (Some(_), _) => StatusCode::FORBIDDEN.into_response(),
        (None, _) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Prometheus metrics, for the metrics' own address.
pub async fn metrics_unguarded(State(state): State<AppState>) -> Response {
    let body = state.metrics.as_ref().map(|m| m.render()).unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Khiên Mạng API", description = "JSON API of Khiên Mạng. Authenticate with POST /api/v1/session and send `Authorization: Bearer <token>`."),
    paths(
        crate::auth::api_login, crate::auth::api_logout, crate::auth::api_me,
        crate::org::api_units, crate::org::api_unit, crate::org::api_children, crate::org::api_history,
        crate::org::api_rollup, crate::org::api_operation, crate::targets::api_targets,
        crate::movement::initiatives::api_list, crate::movement::initiatives::api_get,
        crate::movement::initiatives::api_add_channel, crate::movement::initiatives::api_patch,
        crate::movement::initiatives::api_void, crate::movement::initiatives::api_restore,
        crate::movement::people::api_people, crate::movement::people::api_person,
        crate::movement::people::api_person_create, crate::movement::people::api_person_patch,
        crate::movement::people::api_person_void, crate::movement::people::api_person_restore,
        crate::movement::people::api_trainings, crate::movement::people::api_training,
        crate::movement::people::api_training_create, crate::movement::people::api_training_patch,
        crate::movement::people::api_training_void, crate::movement::people::api_training_restore,
        crate::movement::people::api_voices, crate::movement::people::api_voice,
        crate::movement::people::api_voice_create, crate::movement::people::api_voice_patch,
        crate::movement::people::api_voice_void, crate::movement::people::api_voice_restore,
        crate::reports::api::create, crate::reports::api::track,
        crate::reports::api::add_message, crate::reports::api::stats, crate::reports::api::list,
        crate::reports::api::get, crate::scamcheck::api::check, crate::scamcheck::api::check_image,
        crate::scamcheck::api::check_batch, crate::scamcheck::api::prefix, crate::admin::budget::api_summary, api_audit, healthz,
        crate::outreach::contests::api::list, crate::outreach::contests::api::code,
        crate::outreach::contests::api::start, crate::outreach::contests::api::submit,
        crate::outreach::contests::api::leaderboard,
        crate::users::api_list, crate::users::api_get, crate::users::api_create, crate::users::api_patch,
        crate::users::api_reset_password, crate::users::api_reset_second_factor,
        crate::movement::records_api::documents_list, crate::movement::records_api::document_get,
        crate::movement::records_api::document_create, crate::movement::records_api::document_patch,
        crate::movement::records_api::document_void, crate::movement::records_api::document_restore,
        crate::movement::records_api::activities_list, crate::movement::records_api::activity_get,
        crate::movement::records_api::activity_create, crate::movement::records_api::activity_patch,
        crate::movement::records_api::activity_void, crate::movement::records_api::activity_restore,
        crate::movement::records_api::posts_list, crate::movement::records_api::post_get,
        crate::movement::records_api::post_create, crate::movement::records_api::post_patch,
        crate::movement::records_api::post_void, crate::movement::records_api::post_restore,
        crate::admin::budget_entries::api_list, crate::admin::budget_entries::api_get,
        crate::admin::budget_entries::api_create, crate::admin::budget_entries::api_patch,
        crate::admin::budget_entries::api_void, crate::admin::budget_entries::api_restore,
    ),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn openapi() -> Response {
    ([(header::CACHE_CONTROL, "public, max-age=300")], Json(ApiDoc::openapi())).into_response()
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct AuditQuery {
    #[serde(default)]
    limit: Option<i64>,
    #[serde(default)]
    offset: Option<i64>,
    /// Only entries about this object, e.g. `unit:42`.
    #[serde(default)]
    object: Option<String>,
    /// `1`: verify the whole chain now. Otherwise only the entries appended
    /// since the last check are verified (the whole chain grows without bound).
    #[serde(default)]
    full: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiAudit {
    /// Whether the hash chain verifies, and the first bad entry if not.
    chain_ok: bool,
    /// Whether the whole chain was verified for this answer, or only the
    /// entries appended since the last check.
    full_check: bool,
    problem: Option<String>,
    #[schema(value_type = Vec<Object>)]
    entries: Vec<AuditEntry>,
}

async fn audit_data(audit: &AuditRead, q: &AuditQuery) -> WebResult<ApiAudit> {
    let full_check = q.full.as_deref() == Some("1");
    let check = audit.audit_check(full_check).await?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let entries = audit.audit_recent(q.object.as_deref(), limit, q.offset.unwrap_or(0).max(0)).await?;
    Ok(ApiAudit { chain_ok: check.is_ok(), full_check, problem: check.err().map(|e| e.to_string()), entries })
}

/// Recent audit entries (newest first) and the chain's state.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), responses((status = 200, body = ApiAudit)), tag = "ops",
    security(("bearer" = [])))]
pub async fn api_audit(audit: AuditRead, Query(q): Query<AuditQuery>) -> WebResult<Json<ApiAudit>> {
    Ok(Json(audit_data(&audit, &q).await?))
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    data: ApiAudit,
    /// The entries as people read them; the API keeps the codes and UTC.
    rows: Vec<AuditRow>,
}

/// One audit entry in words: Viet Nam time, the action and its object.
struct AuditRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    object: String,
}

pub async fn audit_page(
    Page { lang, id }: Page,
    audit: AuditRead,
    Query(q): Query<AuditQuery>,
) -> WebResult<Html<String>> {
    let data = audit_data(&audit, &q).await?;
    let chrome = Chrome::new(lang, id.as_ref(), "audit");
    let tr = chrome.tr;
    let rows = data
        .entries
        .iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: khienmang_core::display::stored(&e.at),
            actor: crate::kit::words::actor(tr, &e.actor),
            action: crate::kit::words::audit_action(tr, &e.action),
            object: crate::kit::words::audit_object(tr, &e.object),
        })
        .collect();
    render(&AuditPage { chrome, data, rows })
}

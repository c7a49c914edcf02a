//! A real server on a loopback port: [`serve_locally`] for any state, and
//! [`TestApp`], the integration tests' server on a fresh database with new
//! Bắc Ninh imported; [`login`] for a bearer token through the API.

use std::net::SocketAddr;

use anyhow::{Context, Result, bail};
use khienmang_core::auth::Role;
use khienmang_core::org::UnitId;
use khienmang_store::Store;
use khienmang_web::{AppState, WebConfig};
use serde_json::Value;

use crate::db::fresh_store;
use crate::fixtures::{PASSWORD, TEST_ACTOR, create_user, day};
use crate::lists::{import_bac_ninh, province};

/// Serves `state` on a free port of 127.0.0.1, in a task of its own, and
/// returns the address.
pub async fn serve_locally(state: AppState) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { khienmang_web::serve(state, listener).await });
    Ok(addr)
}

/// Signs `username` in through `POST /api/v1/session` of the server at
/// `base` and returns the bearer token.
pub async fn login(http: &reqwest::Client, base: &str, username: &str, password: &str) -> Result<String> {
    let res = http
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .await?;
    if res.status() != reqwest::StatusCode::OK {
        bail!("login of {username}: {}", res.status());
    }
    Ok(res.json::<Value>().await?["token"].as_str().context("no token in the login's answer")?.to_string())
}

/// A server on a fresh database with old Bắc Giang, old Bắc Ninh and new
/// Bắc Ninh imported, and the province configured for reports.
pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub url: String,
    /// A client that does not follow redirects (the tests look at them).
    pub http: reqwest::Client,
    /// New Bắc Ninh (today's province).
    pub province: UnitId,
    /// Two communes of new Bắc Ninh and their codes.
    pub commune_a: (UnitId, String),
    pub commune_b: (UnitId, String),
}

impl TestApp {
    /// A server that does not require TOTP, otherwise as configured by default.
    pub async fn start() -> TestApp {
        Self::start_with(WebConfig { require_totp: false, ..WebConfig::default() }).await
    }

    pub async fn start_with(config: WebConfig) -> TestApp {
        let (store, url) = fresh_store().await;
        import_bac_ninh(&store).await;
        let province = province(&store, "24", day("2026-01-01")).await.unwrap();
        // As `[reports] province = "24"` does for a real server.
        assert_eq!(
            store.configure_province("24", day("2026-01-01"), khienmang_core::time::Timestamp::now()).await.unwrap(),
            province
        );
        let communes = store.children_on(province, day("2026-01-01"), 1000, 0).await.unwrap();
        let a = communes.iter().find(|c| c.code.as_deref() == Some("07210")).expect("commune 07210");
        let b = communes.iter().find(|c| c.code != a.code).unwrap();
        let base = format!("http://{}", serve_locally(AppState::new(store.clone(), config, None)).await.unwrap());
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp {
            base,
            store,
            url,
            http,
            province,
            commune_a: (a.unit_id, a.code.clone().unwrap()),
            commune_b: (b.unit_id, b.code.clone().unwrap()),
        }
    }

    /// A second server on the same database, as another replica would be;
    /// returns its base URL.
    pub async fn replica(&self, config: WebConfig) -> String {
        format!("http://{}", serve_locally(AppState::new(self.store.clone(), config, None)).await.unwrap())
    }

    /// Creates a user with [`PASSWORD`].
    pub async fn user(&self, username: &str, role: Role, scope: Option<UnitId>) {
        create_user(&self.store, TEST_ACTOR, username, role, scope, PASSWORD).await.unwrap();
    }

    /// Logs in through the API and returns a bearer token.
    pub async fn token(&self, username: &str) -> String {
        login(&self.http, &self.base, username, PASSWORD).await.unwrap()
    }

    pub async fn get_json(&self, token: &str, path: &str) -> (u16, Value) {
        let res = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Rows in the tables a change would touch: a cheap "nothing was written" check.
    pub async fn write_count(&self) -> i64 {
        let mut total = 0;
        for t in WRITTEN_TABLES {
            let n: i64 = sqlx::query_scalar(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {t}"))
                .fetch_one(self.store.pool())
                .await
                .unwrap();
            total += n;
        }
        total
    }
}

/// The tables [`TestApp::write_count`] counts.
const WRITTEN_TABLES: &[&str] = &[
    "org_units",
    "org_unit_versions",
    "org_events",
    "org_lineage",
    "users",
    "initiatives",
    "initiative_channels",
    "initiative_members",
    "initiative_village_counts",
    "record_changes",
    "people",
    "trainings",
    "trusted_voices",
    "movement_documents",
    "village_activities",
    "page_posts",
    "unit_reports",
    "reports",
    "report_events",
    "report_identifiers",
    "report_attachments",
    "notifications",
    "email_outbox",
    "criteria_sets",
    "criteria_set_versions",
    "evaluations",
    "award_nominations",
    "budget_entries",
    "duty_reports",
    "period_reports",
    "contests",
    "contest_questions",
    "contest_units",
    "contest_staff",
    "contest_codes",
    "contest_attempts",
    "contest_entries",
    "contest_prizes",
];

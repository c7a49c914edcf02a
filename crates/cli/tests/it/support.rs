//! Starting a real server on port 0 against a fresh database, with the
//! units of old Bắc Giang, old Bắc Ninh and new Bắc Ninh imported.

use khienmang_core::auth::Role;
use khienmang_core::import::{parse_reorg, parse_unit_list};
use khienmang_core::org::{Level, UnitId};
use khienmang_core::time::Timestamp;
use khienmang_store::Store;
use khienmang_store::auth::NewUser;
use khienmang_store::import::NationalLists;
use khienmang_store::movement::InitiativeInput;
use khienmang_web::{AppState, WebConfig};
use serde_json::Value;

pub const UNITS_2024: &[u8] = include_bytes!("../../../../data/units-2024.csv");
pub const UNITS_2025: &[u8] = include_bytes!("../../../../data/units-2025.csv");
pub const REORG_2025: &[u8] = include_bytes!("../../../../data/reorg-2025.csv");
pub const PASSWORD: &str = "mat-khau-du-dai-2026";

pub fn random_suffix() -> String {
    use rand::Rng;
    format!("{:016x}", rand::thread_rng().r#gen::<u64>())
}

/// A fresh, migrated database on the backend under test.
pub async fn fresh_store() -> (Store, String) {
    let url = match std::env::var("KHIENMANG_TEST_DATABASE_URL") {
        Ok(server) if !server.is_empty() => {
            let admin = Store::connect(&server).await.expect("connect to the PostgreSQL test server");
            let name = format!("kmt_{}", random_suffix());
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.expect("create test database");
            admin.pool().close().await;
            let (base, _) = server.rsplit_once('/').expect("database URL has a path");
            format!("{base}/{name}")
        }
        _ => {
            let path = std::env::temp_dir().join(format!("khienmang-test-{}.db", random_suffix()));
            format!("sqlite://{}", path.display())
        }
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate(Timestamp::now()).await.expect("migrate");
    (store, url)
}

/// Imports the three lists narrowed to old Bắc Giang + old Bắc Ninh → new Bắc Ninh.
pub async fn import_bac_ninh(store: &Store) {
    let (u24, e24) = parse_unit_list(UNITS_2024).unwrap();
    let (u25, e25) = parse_unit_list(UNITS_2025).unwrap();
    let (links, el) = parse_reorg(REORG_2025).unwrap();
    assert!(e24.is_empty() && e25.is_empty() && el.is_empty());
    let mut tx = store.begin_write("test", Timestamp::now()).await.unwrap();
    tx.import_national(&NationalLists {
        units_2024: &u24,
        units_2025: &u25,
        reorg: &links,
        provinces_2024: Some(&["24", "27"]),
        provinces_2025: Some(&["24"]),
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

pub fn day(s: &str) -> khienmang_core::Date {
    s.parse().unwrap()
}

/// An initiative's registration as the tests fill it in: linked to its
/// locality, on anti-fraud awareness, all three criteria met, active since
/// 2025-08-01. A test that needs another field writes `..initiative_input(..)`.
pub fn initiative_input(unit: UnitId, name: &str) -> InitiativeInput {
    use khienmang_core::movement::{ContentKind, Focus, LeaderKind, ParticipantKind, Stage};
    InitiativeInput {
        unit,
        name: name.into(),
        leader_name: None,
        participant_kind: ParticipantKind::LocalityLinked,
        leader_kind: LeaderKind::Other,
        content_kind: ContentKind::Awareness,
        focus: vec![Focus::AntiFraud],
        criteria: [true, true, true],
        description: None,
        stage: Stage::Active,
        since: day("2025-08-01"),
    }
}

/// Registers `input` straight in the store (for tests about something else).
pub async fn create_initiative(store: &Store, input: InitiativeInput) -> i64 {
    let mut tx = store.begin_write("test", Timestamp::now()).await.unwrap();
    let id = tx.create_initiative(&input).await.unwrap();
    tx.commit().await.unwrap();
    id
}

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub url: String,
    pub http: reqwest::Client,
    /// New Bắc Ninh (today's province).
    pub province: UnitId,
    /// Two communes of new Bắc Ninh and their codes.
    pub commune_a: (UnitId, String),
    pub commune_b: (UnitId, String),
}

impl TestApp {
    pub async fn start() -> TestApp {
        Self::start_with(WebConfig { require_totp: false, ..WebConfig::default() }).await
    }

    pub async fn start_with(config: WebConfig) -> TestApp {
        let (store, url) = fresh_store().await;
        import_bac_ninh(&store).await;
        let province = store
            .units_by_code("24", day("2026-01-01"))
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.level == Level::Province)
            .unwrap();
        // As `[reports] province = "24"` does for a real server.
        assert_eq!(
            store.configure_province("24", day("2026-01-01"), Timestamp::now()).await.unwrap(),
            province.unit_id
        );
        let communes = store.children_on(province.unit_id, day("2026-01-01"), 1000, 0).await.unwrap();
        let a = communes.iter().find(|c| c.code.as_deref() == Some("07210")).expect("commune 07210");
        let b = communes.iter().find(|c| c.code != a.code).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(store.clone(), config, None);
        tokio::spawn(async move { khienmang_web::serve(state, listener).await });
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp {
            base,
            store,
            url,
            http,
            province: province.unit_id,
            commune_a: (a.unit_id, a.code.clone().unwrap()),
            commune_b: (b.unit_id, b.code.clone().unwrap()),
        }
    }

    /// A second server on the same database, as another replica would be;
    /// returns its base URL.
    pub async fn replica(&self, config: WebConfig) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(self.store.clone(), config, None);
        tokio::spawn(async move { khienmang_web::serve(state, listener).await });
        base
    }

    pub async fn user(&self, username: &str, role: Role, scope: Option<UnitId>) {
        let hash = khienmang_web::auth::hash_password(PASSWORD).unwrap();
        let mut tx = self.store.begin_write("test", Timestamp::now()).await.unwrap();
        tx.create_user(&NewUser {
            username,
            display_name: username,
            password_hash: &hash,
            role,
            scope_unit_id: scope,
            is_demo: false,
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    /// Logs in through the API and returns a bearer token.
    pub async fn token(&self, username: &str) -> String {
        let res = self
            .http
            .post(format!("{}/api/v1/session", self.base))
            .json(&serde_json::json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "login of {username}");
        res.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
    }

    pub async fn get_json(&self, token: &str, path: &str) -> (u16, Value) {
        let res = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Rows in the tables a change would touch: a cheap "nothing was written" check.
    pub async fn write_count(&self) -> i64 {
        let mut total = 0;
        for t in [
            "org_units",
            "org_unit_versions",
            "org_events",
            "org_lineage",
            "users",
            "initiatives",
            "initiative_channels",
            "initiative_members",
            "initiative_village_counts",
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
        ] {
            let n: i64 = sqlx::query_scalar(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {t}"))
                .fetch_one(self.store.pool())
                .await
                .unwrap();
            total += n;
        }
        total
    }
}

//! Throwaway databases: a fresh, migrated store per test, on the backend
//! under test. SQLite (a file in the temp directory) unless
//! `KHIENMANG_TEST_DATABASE_URL` names a PostgreSQL server, on which each
//! call creates a database of its own.
//!
//! A test that panics never reaches any clean-up of its own, so the
//! PostgreSQL databases are dropped by the next run instead: each name
//! carries the second it was made (`kmt_<unix seconds>_<random>`), and the
//! first fresh store of a test process drops those older than
//! [`STALE_AFTER_SECS`] (a test never runs that long), together with the
//! undated ones of earlier versions (`kmt_<random>`) nobody is connected
//! to.

use std::path::PathBuf;

use anyhow::{Context, Result};
use khienmang_store::Store;

/// The variable that names the PostgreSQL server the tests run on (any
/// database on it whose role may `CREATE DATABASE`); unset or empty: SQLite.
pub const TEST_DATABASE_URL_VAR: &str = "KHIENMANG_TEST_DATABASE_URL";

/// 16 random hex digits, for names that must not collide between tests.
pub fn random_suffix() -> String {
    use rand::Rng;
    format!("{:016x}", rand::thread_rng().r#gen::<u64>())
}

/// A path in the temp directory no other test uses: `PREFIX-<random>`.
pub fn temp_path(prefix: &str) -> PathBuf {
    std::env::temp_dir().join(format!("{prefix}-{}", random_suffix()))
}

/// Connects to `url` and brings its schema up to date.
pub async fn open_migrated(url: &str) -> Result<Store> {
    let store = Store::connect(url).await.with_context(|| format!("connecting to {url}"))?;
    store.migrate(khienmang_core::time::Timestamp::now()).await.with_context(|| format!("migrating {url}"))?;
    Ok(store)
}

/// Creates the empty database `name` on the PostgreSQL server that
/// `server_url` points at, and returns the URL of the new database.
pub async fn create_postgres_database(server_url: &str, name: &str) -> Result<String> {
    let admin = Store::connect(server_url).await.with_context(|| format!("connecting to {server_url}"))?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.context("CREATE DATABASE")?;
    admin.pool().close().await;
    let (base, _) = server_url.rsplit_once('/').context("the database URL has no path")?;
    Ok(format!("{base}/{name}"))
}

/// Test databases older than this (one hour) are left over by a finished
/// or crashed run, and dropped.
pub const STALE_AFTER_SECS: i64 = 3600;

/// The prefix of every test database's name.
const PREFIX: &str = "kmt_";

/// A new test database's name, made at `now` (Unix seconds).
pub fn test_database_name(now: i64) -> String {
    format!("{PREFIX}{now}_{}", random_suffix())
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// What a database's name says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestDatabase {
    /// Made by this version at the given Unix second.
    Dated(i64),
    /// Made by an earlier version (`kmt_<16 hex digits>`): no time in the name.
    Undated,
    /// Not a test database: never touched.
    Other,
}

impl TestDatabase {
    pub fn of(name: &str) -> TestDatabase {
        let Some(rest) = name.strip_prefix(PREFIX) else { return TestDatabase::Other };
        let random_ok = |r: &str| r.len() == 16 && r.bytes().all(|b| b.is_ascii_hexdigit());
        match rest.split_once('_') {
            None if random_ok(rest) => TestDatabase::Undated,
            Some((secs, random)) if random_ok(random) && secs.bytes().all(|b| b.is_ascii_digit()) => {
                secs.parse().map_or(TestDatabase::Other, TestDatabase::Dated)
            }
            _ => TestDatabase::Other,
        }
    }
}

/// Drops the test databases of the PostgreSQL server at `server_url` left
/// over by earlier runs (see the module's doc) and returns their names.
/// Ours are dropped even with a connection still open (a killed run's);
/// an older name only when nobody is connected, since it may belong to a
/// run of an older version still going. A database another run drops at
/// the same moment is not an error.
pub async fn drop_stale_databases(server_url: &str, now: i64) -> Result<Vec<String>> {
    let admin = Store::connect(server_url).await.with_context(|| format!("connecting to {server_url}"))?;
    let rows: Vec<(String, bool)> = sqlx::query_as(
        "SELECT CAST(d.datname AS TEXT), EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname) \
         FROM pg_database d WHERE d.datname LIKE 'kmt\\_%' AND pg_get_userbyid(d.datdba) = current_user",
    )
    .fetch_all(admin.pool())
    .await
    .context("listing the test databases")?;
    let mut dropped = Vec::new();
    for (name, connected) in rows {
        let sql = match TestDatabase::of(&name) {
            TestDatabase::Dated(made) if now - made > STALE_AFTER_SECS => {
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            }
            TestDatabase::Undated if !connected => format!("DROP DATABASE IF EXISTS {name}"),
            _ => continue,
        };
        if sqlx::query(&sql).execute(admin.pool()).await.is_ok() {
            dropped.push(name);
        }
    }
    admin.pool().close().await;
    Ok(dropped)
}

/// Runs [`drop_stale_databases`] once per test process, before its first
/// PostgreSQL database is made. A failure only leaves the clean-up to the
/// next run.
async fn sweep_once(server_url: &str) {
    static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    SWEPT
        .get_or_init(async || {
            if let Err(e) = drop_stale_databases(server_url, unix_now()).await {
                eprintln!("left-over test databases not dropped: {e:#}");
            }
        })
        .await;
}

/// A fresh, migrated database on the backend under test, and its URL (for
/// a second connection or a `khienmang` command run against it).
pub async fn fresh_store() -> (Store, String) {
    let url = match std::env::var(TEST_DATABASE_URL_VAR) {
        Ok(server) if !server.is_empty() => {
            sweep_once(&server).await;
            create_postgres_database(&server, &test_database_name(unix_now()))
                .await
                .expect("a fresh database on the PostgreSQL test server")
        }
        _ => format!("sqlite://{}.db", temp_path("khienmang-test").display()),
    };
    let store = open_migrated(&url).await.expect("open the test database");
    (store, url)
}

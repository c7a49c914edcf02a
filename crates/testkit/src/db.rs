//! Throwaway databases: a fresh, migrated store per test, on the backend
//! under test. SQLite (a file in the temp directory) unless
//! `KHIENMANG_TEST_DATABASE_URL` names a PostgreSQL server, on which each
//! call creates a database of its own.

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

/// A fresh, migrated database on the backend under test, and its URL (for
/// a second connection or a `khienmang` command run against it).
pub async fn fresh_store() -> (Store, String) {
    let url = match std::env::var(TEST_DATABASE_URL_VAR) {
        Ok(server) if !server.is_empty() => create_postgres_database(&server, &format!("kmt_{}", random_suffix()))
            .await
            .expect("a fresh database on the PostgreSQL test server"),
        _ => format!("sqlite://{}.db", temp_path("khienmang-test").display()),
    };
    let store = open_migrated(&url).await.expect("open the test database");
    (store, url)
}

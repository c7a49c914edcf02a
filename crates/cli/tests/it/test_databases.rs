//! The PostgreSQL databases the tests make do not pile up: a test that
//! panics leaves its database behind, and the next run drops it once it is
//! an hour old, while a database a running test still uses stays.

use khienmang_testkit::db::{
    STALE_AFTER_SECS, TEST_DATABASE_URL_VAR, TestDatabase, create_postgres_database, drop_stale_databases,
    random_suffix, test_database_name,
};

#[test]
fn test_database_names_carry_the_time_they_were_made() {
    let name = test_database_name(1_780_000_000);
    assert_eq!(TestDatabase::of(&name), TestDatabase::Dated(1_780_000_000));
    assert_eq!(TestDatabase::of("kmt_00ff00ff00ff00ff"), TestDatabase::Undated);
    // Anything else on the server is never touched.
    for other in ["khienmang", "postgres", "kmt_", "kmt_12_short", "kmt_x_00ff00ff00ff00ff", "kmt_00ff00ff00ff00fg"] {
        assert_eq!(TestDatabase::of(other), TestDatabase::Other, "{other}");
    }
}

async fn exists(server: &str, name: &str) -> bool {
    let store = khienmang_store::Store::connect(server).await.unwrap();
    let found: Option<String> = sqlx::query_scalar("SELECT CAST(datname AS TEXT) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_optional(store.pool())
        .await
        .unwrap();
    store.pool().close().await;
    found.is_some()
}

#[tokio::test]
async fn databases_left_by_an_earlier_run_are_dropped_and_current_ones_kept() {
    let Ok(server) = std::env::var(TEST_DATABASE_URL_VAR) else { return };
    if server.is_empty() {
        return;
    }
    // The real time: other tests running now keep their databases.
    let now =
        i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()).unwrap();
    // A run that panicked two hours ago, still holding a connection (a killed
    // process's would linger), an undated one of an earlier version nobody
    // uses, and one a test made a minute ago.
    let crashed = test_database_name(now - 2 * STALE_AFTER_SECS);
    let undated = format!("kmt_{}", random_suffix());
    let running = test_database_name(now - 60);
    let crashed_url = create_postgres_database(&server, &crashed).await.unwrap();
    create_postgres_database(&server, &undated).await.unwrap();
    let running_url = create_postgres_database(&server, &running).await.unwrap();
    let lingering = khienmang_store::Store::connect(&crashed_url).await.unwrap();
    let in_use = khienmang_store::Store::connect(&running_url).await.unwrap();
    sqlx::query("SELECT 1").execute(lingering.pool()).await.unwrap();
    sqlx::query("SELECT 1").execute(in_use.pool()).await.unwrap();

    let dropped = drop_stale_databases(&server, now).await.unwrap();

    assert!(dropped.contains(&crashed) && dropped.contains(&undated), "dropped: {dropped:?}");
    assert!(!exists(&server, &crashed).await, "the crashed run's database is gone");
    assert!(!exists(&server, &undated).await, "the undated database is gone");
    assert!(exists(&server, &running).await, "the running test's database stays");
    sqlx::query("SELECT 1").execute(in_use.pool()).await.expect("the running test still reads its database");
    in_use.pool().close().await;
    let admin = khienmang_store::Store::connect(&server).await.unwrap();
    sqlx::query(&format!("DROP DATABASE {running}")).execute(admin.pool()).await.unwrap();
}

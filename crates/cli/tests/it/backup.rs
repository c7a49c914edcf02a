//! Backup while serving, restore into an empty database, same data and an
//! intact audit chain.

use khienmang_core::auth::Role;

use crate::support::{TestApp, fresh_store};

#[tokio::test]
async fn backup_restores_to_an_identical_database() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let mut bytes = Vec::new();
    let rows = app.store.backup(&mut bytes).await.unwrap();
    assert!(rows > 400);

    let (copy, _) = fresh_store().await;
    let restored = copy.restore(&mut bytes.as_slice()).await.unwrap();
    assert_eq!(restored, rows);
    assert!(copy.audit_verify().await.unwrap().is_ok());
    let original = app.store.unit_versions(app.commune_a.0).await.unwrap();
    assert_eq!(copy.unit_versions(app.commune_a.0).await.unwrap(), original);
    assert!(copy.user_by_name("tinh").await.unwrap().is_some());

    // Restoring twice is refused: only into an empty database.
    let again = copy.restore(&mut bytes.as_slice()).await;
    assert!(again.is_err());
    // New writes after a restore continue the ids and the chain.
    let mut tx = copy.begin_write("test").await.unwrap();
    tx.audit("test.after_restore", "x", &serde_json::json!({})).await.unwrap();
    tx.commit().await.unwrap();
    assert!(copy.audit_verify().await.unwrap().is_ok());
}

#[tokio::test]
async fn a_damaged_backup_is_refused_and_writes_nothing() {
    let app = TestApp::start().await;
    let mut bytes = Vec::new();
    app.store.backup(&mut bytes).await.unwrap();
    let cut = &bytes[..bytes.len() / 2];
    let (copy, _) = fresh_store().await;
    let err = copy.restore(&mut &cut[..]).await.unwrap_err();
    assert!(err.to_string().contains("Tệp sao lưu không hợp lệ"), "{err}");
    assert!(copy.audit_verify().await.unwrap().is_ok());
    assert!(copy.unit_versions(app.commune_a.0).await.unwrap().is_empty());
}

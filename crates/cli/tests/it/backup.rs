//! Backup while serving, restore into an empty database, same data and an
//! intact audit chain.

use khienmang_core::auth::Role;

use khienmang_store::movement::{DocumentInput, DocumentKind};

use crate::support::{TestApp, day, fresh_store};

#[tokio::test]
async fn backup_restores_to_an_identical_database() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    // Registry data too, with an attached file (a byte column).
    let commune = app.commune_a.0;
    let signed = b"%PDF-1.7 ke hoach".to_vec();
    let mut tx = app.store.begin_write("test").await.unwrap();
    let document = tx
        .add_document(&DocumentInput {
            unit: commune,
            kind: DocumentKind::Plan,
            number: "12/KH-UBND".into(),
            title: "Kế hoạch năm 2025".into(),
            issued_on: day("2025-08-01"),
            year: 2025,
            file: Some(("ke-hoach.pdf".into(), "application/pdf".into(), signed.clone())),
        })
        .await
        .unwrap();
    tx.submit_unit_report(commune, 2025).await.unwrap();
    tx.commit().await.unwrap();
    let today = day("2026-06-01");
    let plan_of = |s: &khienmang_store::targets::TargetsSnapshot| {
        s.then.get(commune, 2025, khienmang_core::targets::TargetId::Plan).map(|v| (v.numerator, v.denominator))
    };
    let before = app.store.with_targets(today, plan_of).await.unwrap();
    assert_eq!(before, Some((1, 1)));
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
    let file = copy.document_file(document).await.unwrap().expect("the attached file");
    assert_eq!(file.3, signed);
    assert_eq!(copy.with_targets(today, plan_of).await.unwrap(), before, "the same targets after a restore");

    // Restoring twice is refused: only into an empty database.
    let again = copy.restore(&mut bytes.as_slice()).await;
    assert!(again.is_err());
    // New writes after a restore continue the ids and the chain.
    let mut tx = copy.begin_write("test").await.unwrap();
    tx.audit("test.after_restore", "x", &serde_json::json!({})).await.unwrap();
    let next = tx.submit_unit_report(commune, 2026).await;
    assert!(next.is_ok());
    let another = tx
        .add_document(&DocumentInput {
            unit: commune,
            kind: DocumentKind::Resolution,
            number: "3-NQ/ĐU".into(),
            title: "Nghị quyết chuyên đề".into(),
            issued_on: day("2026-02-01"),
            year: 2026,
            file: None,
        })
        .await
        .unwrap();
    assert!(another > document, "ids continue after the restored ones");
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

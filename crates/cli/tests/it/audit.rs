//! The audit log: written with each change, verified by `khienmang audit verify`.

use std::process::Command;

use khienmang_core::auth::Role;

use khienmang_testkit::http::TestApp;

fn verify(url: &str) -> (bool, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_khienmang")).args(["audit", "verify", "--database", url]).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test]
async fn editing_one_row_by_hand_fails_verification_and_names_it() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.token("tinh").await; // a login is audited too
    let (ok, out) = verify(&app.url);
    assert!(ok, "{out}");

    let entries = app.store.audit_recent(None, 100, 0).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"org.import_national") && actions.contains(&"user.create") && actions.contains(&"auth.login")
    );

    sqlx::query("UPDATE audit_log SET details = '{\"forged\":true}' WHERE seq = 2")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (ok, out) = verify(&app.url);
    assert!(!ok);
    assert!(out.contains("entry 2"), "the first bad entry is named: {out}");
}

#[tokio::test]
async fn deleting_or_reordering_rows_is_detected() {
    let app = TestApp::start().await;
    for name in ["a", "b", "c"] {
        app.user(name, Role::Analyst, Some(app.province)).await;
    }
    // Delete the last entry: the recorded head no longer matches.
    sqlx::query("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (ok, out) = verify(&app.url);
    assert!(!ok && out.contains("deleted"), "{out}");

    let app = TestApp::start().await;
    for name in ["a", "b", "c"] {
        app.user(name, Role::Analyst, Some(app.province)).await;
    }
    // Swap two entries' sequence numbers.
    let pool = app.store.pool();
    sqlx::query("UPDATE audit_log SET seq = -1 WHERE seq = 2").execute(pool).await.unwrap();
    sqlx::query("UPDATE audit_log SET seq = 2 WHERE seq = 3").execute(pool).await.unwrap();
    sqlx::query("UPDATE audit_log SET seq = 3 WHERE seq = -1").execute(pool).await.unwrap();
    let (ok, out) = verify(&app.url);
    assert!(!ok && out.contains("entry 2"), "{out}");
}

#[tokio::test]
async fn viewing_personal_data_is_audited() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let page = app.http.get(format!("{}/users", app.base)).bearer_auth(&t).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("tinh"));
    let views = app.store.audit_recent(Some("users"), 10, 0).await.unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!((views[0].action.as_str(), views[0].actor.as_str()), ("personal_data.view", "tinh"));
}

/// A report filed through the API, for the tests below.
async fn a_report(app: &TestApp) -> i64 {
    let body = serde_json::json!({
        "category": "fraud",
        "description": "Có người gọi xưng công an, bắt chuyển tiền vào tài khoản lạ.",
        "commune": app.commune_a.1,
        "identifiers": ["0856 123 789"],
        "contact": {"phone": "0987 654 321"},
    });
    let res = app.http.post(format!("{}/api/v1/reports", app.base)).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let receipt: serde_json::Value = res.json().await.unwrap();
    app.store.report_by_code(receipt["code"].as_str().unwrap()).await.unwrap().unwrap().id
}

async fn entries(app: &TestApp) -> usize {
    app.store.audit_recent(None, 10_000, 0).await.unwrap().len()
}

#[tokio::test]
async fn opening_a_reporters_contact_is_audited_once_and_opening_the_queue_is_not() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let xa = app.token("xa-a").await;
    let id = a_report(&app).await;

    // Plain list views: the queue page and the API list.
    let before = entries(&app).await;
    for path in ["/reports", "/api/v1/reports"] {
        let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(&xa).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
    assert_eq!(entries(&app).await, before, "a list view writes no audit entry");

    // The sealed contact: one entry naming who and which report, no contact in it.
    let res = app.http.post(format!("{}/reports/{id}/contact", app.base)).bearer_auth(&xa).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("+84987654321"));
    let recent = app.store.audit_recent(None, 10_000, 0).await.unwrap();
    assert_eq!(recent.len(), before + 1);
    let e = &recent[0];
    assert_eq!(
        (e.action.as_str(), e.actor.as_str(), e.object.clone()),
        ("personal_data.view", "xa-a", format!("report:{id}"))
    );
    assert!(!e.details.contains("987654321"), "no personal data in the entry: {}", e.details);
}

#[tokio::test]
async fn viewing_the_audit_page_again_verifies_only_new_entries_and_a_full_check_is_on_demand() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    for name in ["a", "b", "c", "d"] {
        app.user(name, Role::Analyst, Some(app.province)).await;
    }
    let t = app.token("tinh").await;
    let page = |query: &'static str| {
        let (app, t) = (&app, &t);
        async move {
            let res = app.http.get(format!("{}/audit{query}", app.base)).bearer_auth(t).send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.text().await.unwrap()
        }
    };
    let total = entries(&app).await as u64;
    assert!(total > 5);

    let hashed = app.store.audit_entries_hashed();
    let first = page("").await;
    assert!(first.contains("Chuỗi nhật ký toàn vẹn") && first.contains("Tài khoản: tạo mới"), "{first}");
    assert_eq!(app.store.audit_entries_hashed() - hashed, total, "the first view checks the chain once");

    // A second view checks nothing old: only what was appended since (none here).
    let hashed = app.store.audit_entries_hashed();
    let again = page("").await;
    assert!(again.contains("Chuỗi nhật ký toàn vẹn") && again.contains("Tài khoản: tạo mới"));
    assert_eq!(app.store.audit_entries_hashed() - hashed, 0);
    app.user("e", Role::Analyst, Some(app.province)).await;
    let hashed = app.store.audit_entries_hashed();
    let (status, api) = app.get_json(&t, "/api/v1/audit").await;
    assert_eq!((status, api["chain_ok"].as_bool()), (200, Some(true)));
    assert_eq!(app.store.audit_entries_hashed() - hashed, 1, "only the new entry");

    // The whole chain, when asked for: and a forged old entry is then found.
    sqlx::query("UPDATE audit_log SET details = '{\"forged\":true}' WHERE seq = 2")
        .execute(app.store.pool())
        .await
        .unwrap();
    let hashed = app.store.audit_entries_hashed();
    let full = page("?full=1").await;
    assert!(app.store.audit_entries_hashed() - hashed >= 2);
    assert!(full.contains("Chuỗi nhật ký bị sửa") && full.contains("entry 2"), "{full}");
}

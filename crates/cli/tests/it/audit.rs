//! The audit log: written with each change, verified by `khienmang audit verify`.

use std::process::Command;

use khienmang_core::auth::Role;

use crate::support::TestApp;

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

//! The work overview: sign-in lands on it, and each role sees what waits on
//! it within its own scope: a commune's new and overdue reports are counted
//! for that commune's officer and not for another commune's; a role without
//! reports sees no reports at all.

use khienmang_core::auth::Role;
use khienmang_testkit::fixtures::PASSWORD;
use khienmang_testkit::http::TestApp;
use reqwest::StatusCode;
use serde_json::json;

/// The count shown for `label` on the overview, if the page shows it.
fn count(page: &str, label: &str) -> Option<String> {
    let at = page.find(&format!("data-due=\"{label}\""))?;
    let rest = &page[at..];
    let strong = rest.find("<strong")?;
    let open = rest[strong..].find('>')? + strong + 1;
    let close = rest[open..].find("</strong>")? + open;
    Some(rest[open..close].trim().to_owned())
}

async fn overview(app: &TestApp, token: &str) -> String {
    let res = app.http.get(format!("{}/work", app.base)).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

#[tokio::test]
async fn each_role_sees_what_waits_on_it_within_its_scope() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("xb", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    app.user("mohinh", Role::InitiativeLeader, Some(app.commune_a.0)).await;
    app.user("phantich", Role::Analyst, Some(app.province)).await;

    // A sign-in through the form lands on the overview.
    let res = app
        .http
        .post(format!("{}/login", app.base))
        .form(&[("username", "xa"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/work");

    // Two reports to commune A; one is past its deadline.
    for description in ["Tin nhắn giả ngân hàng đòi mã OTP", "Cuộc gọi giả công an đòi chuyển tiền"]
    {
        let body = json!({"category": "fraud", "description": description, "commune": app.commune_a.1});
        let res = app.http.post(format!("{}/api/v1/reports", app.base)).json(&body).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    sqlx::query("UPDATE reports SET due_at = '2020-01-01T00:00:00Z' WHERE id = (SELECT MIN(id) FROM reports)")
        .execute(app.store.pool())
        .await
        .unwrap();

    let xa = overview(&app, &app.token("xa").await).await;
    assert_eq!(count(&xa, "work.reports_new").as_deref(), Some("2"), "new reports of commune A");
    assert_eq!(count(&xa, "work.reports_overdue").as_deref(), Some("1"), "the overdue one");
    assert_eq!(count(&xa, "work.reports_open").as_deref(), Some("2"));
    assert!(xa.contains("href=\"/reports?view=overdue\""), "the count leads to the list");

    let xb = overview(&app, &app.token("xb").await).await;
    assert_eq!(count(&xb, "work.reports_new").as_deref(), Some("0"), "commune B sees none of A's");
    assert_eq!(count(&xb, "work.reports_overdue").as_deref(), Some("0"));

    // An initiative leader handles no reports: none shown, no figure leaked.
    let leader = overview(&app, &app.token("mohinh").await).await;
    assert_eq!(count(&leader, "work.reports_new"), None);
    assert_eq!(count(&leader, "work.disputes_open"), None);

    // The analyst sees the owners' disputes waiting (none yet).
    let analyst = overview(&app, &app.token("phantich").await).await;
    assert_eq!(count(&analyst, "work.disputes_open").as_deref(), Some("0"));

    // Anonymous: to the sign-in, and back to the overview after it.
    let res = app.http.get(format!("{}/work", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login?next=%2Fwork");
}

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

/// Posts a people list (CSV) to the dry run: nothing imported, the upload
/// staged with its refused rows.
async fn people_dry_run(app: &TestApp, token: &str, csv: String) -> String {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("nguoi-xa-a.csv"));
    let res = app
        .http
        .post(format!("{}/movement/people/import", app.base))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

#[tokio::test]
async fn questions_awaiting_the_reporter_uploads_left_with_errors_and_duties_due_count_within_the_scope() {
    use khienmang_core::admin::{DUTIES, PeriodKind, ReportingPeriod};
    use khienmang_core::time::Timestamp;
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("xb", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let (xa, xb, tinh) = (app.token("xa").await, app.token("xb").await, app.token("tinh").await);

    // A report to commune A whose handler asked the reporter a question.
    let body = json!({"category": "fraud", "description": "Tin nhắn giả ngân hàng", "commune": app.commune_a.1});
    let res = app.http.post(format!("{}/api/v1/reports", app.base)).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let report: i64 = sqlx::query_scalar("SELECT MAX(id) FROM reports").fetch_one(app.store.pool()).await.unwrap();
    let mut tx = app.store.begin_write("xa", Timestamp::now()).await.unwrap();
    tx.report_ask(report, "Bạn còn giữ ảnh chụp tin nhắn không?").await.unwrap();
    tx.commit().await.unwrap();
    let page = overview(&app, &xa).await;
    assert_eq!(count(&page, "work.reports_awaiting_reporter").as_deref(), Some("1"));
    assert!(page.contains("href=\"/reports?view=awaiting\""), "the count leads to the list");
    let res = app.http.get(format!("{}/reports?view=awaiting", app.base)).bearer_auth(&xa).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(count(&overview(&app, &xb).await, "work.reports_awaiting_reporter").as_deref(), Some("0"));
    // Answered: no longer waiting.
    let mut tx = app.store.begin_write("citizen", Timestamp::now()).await.unwrap();
    tx.report_reporter_message(report, "Có, tôi gửi kèm sau.", &[]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&overview(&app, &xa).await, "work.reports_awaiting_reporter").as_deref(), Some("0"));

    // Commune A's officer leaves a people list with a refused row.
    let csv = format!(
        "Họ và tên,Mã đơn vị,Vai trò,Chức vụ,Năm\nTrần Thị Bình,{code},Báo cáo viên pháp luật,,2025\nLê Văn C,{code},vua,,2025\n",
        code = app.commune_a.1
    );
    let report_page = people_dry_run(&app, &xa, csv).await;
    assert!(report_page.contains("data-error-rows=\"1\""), "{report_page}");
    assert_eq!(count(&overview(&app, &xa).await, "work.imports_refused").as_deref(), Some("1"));
    assert_eq!(count(&overview(&app, &tinh).await, "work.imports_refused").as_deref(), Some("1"), "the province's");
    assert_eq!(count(&overview(&app, &xb).await, "work.imports_refused").as_deref(), Some("0"), "not commune B's");
    let list = |token: String| {
        let app = &app;
        async move {
            let res = app.http.get(format!("{}/uploads/refused", app.base)).bearer_auth(token).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.text().await.unwrap()
        }
    };
    let mine = list(xa.clone()).await;
    assert!(mine.contains("nguoi-xa-a.csv") && mine.contains("href=\"/movement/people\""), "{mine}");
    let theirs = list(xb.clone()).await;
    assert!(!theirs.contains("nguoi-xa-a.csv") && theirs.contains("id=\"imports-none\""), "{theirs}");
    // Once the valid rows are imported, the upload is no longer waiting.
    let at = report_page.find("action=\"/movement/people/import/").unwrap() + "action=\"".len();
    let commit = report_page[at..].split('"').next().unwrap().to_string();
    let res = app
        .http
        .post(format!("{}{commit}", app.base))
        .bearer_auth(&xa)
        .form(&[("mode", "valid")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(count(&overview(&app, &xa).await, "work.imports_refused").as_deref(), Some("0"));
    assert_eq!(count(&overview(&app, &tinh).await, "work.imports_refused").as_deref(), Some("0"));
    // A clean list is not counted.
    let clean = format!(
        "Họ và tên,Mã đơn vị,Vai trò,Chức vụ,Năm\nPhạm Văn D,{},Báo cáo viên pháp luật,,2025\n",
        app.commune_b.1
    );
    people_dry_run(&app, &xb, clean).await;
    assert_eq!(count(&overview(&app, &xb).await, "work.imports_refused").as_deref(), Some("0"));

    // The secretariat's duties due this quarter, less one once it is reported.
    let today = Timestamp::now().vietnam_date();
    let quarter = ReportingPeriod::containing(PeriodKind::Quarter, today);
    let due: Vec<(&str, khienmang_core::Date)> = DUTIES
        .iter()
        .flat_map(|d| d.due.due_dates(quarter.start(), quarter.end()).into_iter().map(move |on| (d.code, on)))
        .collect();
    assert!(!due.is_empty(), "duties fall due every quarter");
    let page = overview(&app, &tinh).await;
    assert_eq!(count(&page, "work.duties_due"), Some(due.len().to_string()));
    assert!(page.contains("href=\"/duties\""));
    let mut tx = app.store.begin_write("tinh", Timestamp::now()).await.unwrap();
    tx.report_duty(due[0].0, due[0].1, today, "Đã báo cáo").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&overview(&app, &tinh).await, "work.duties_due"), Some((due.len() - 1).to_string()));
    assert_eq!(count(&overview(&app, &xa).await, "work.duties_due"), None, "the secretariat's, not a commune's");
}

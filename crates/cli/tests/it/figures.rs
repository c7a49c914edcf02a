//! One figure, one meaning: the count of reports about an identifier is the
//! same number on the public check, the analysts' page and a commune's
//! correlation page, whoever looks and whatever became of the reports, and
//! each page says what it counts.

use std::time::{Duration, Instant};

use khienmang_core::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use khienmang_testkit::http::TestApp;

const PHONE: &str = "0856 123 789";
const E164: &str = "+84856123789";

async fn report(app: &TestApp, commune: &str, description: &str) {
    let res = app
        .http
        .post(format!("{}/api/v1/reports", app.base))
        .json(&json!({"category": "fraud", "description": description, "commune": commune, "identifiers": [PHONE]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

async fn page(app: &TestApp, token: Option<&str>, path: &str) -> String {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

/// The number a staff page shows for the identifier.
fn count_on(html: &str) -> Option<u64> {
    let at = html.find(&format!("class=\"naming-count\" data-identifier=\"{E164}\">"))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')? + start;
    rest[start..end].trim().parse().ok()
}

/// What the public check shows (API and page), once the live index has
/// taken in `want` reports.
async fn public_count(app: &TestApp, want: u64) -> (u64, String) {
    let start = Instant::now();
    loop {
        let v: Value = app
            .http
            .get(format!("{}/api/v1/check", app.base))
            .query(&[("q", PHONE)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let n = v["evidence"]["reports"].as_u64().unwrap_or(0);
        if n == want || start.elapsed() > Duration::from_secs(5) {
            let html = page(app, None, &format!("/check?q={}", PHONE.replace(' ', "+"))).await;
            return (n, html);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_count_of_reports_about_an_identifier_is_the_same_on_every_page() {
    let app = TestApp::start().await;
    app.user("phantich", Role::Analyst, Some(app.province)).await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let (analyst, commune) = (app.token("phantich").await, app.token("xa-a").await);

    // Five citizens name the number: three in commune A, two in commune B.
    for i in 0..3 {
        report(&app, &app.commune_a.1, &format!("Cuộc gọi giả danh ngân hàng số {i}.")).await;
    }
    for i in 0..2 {
        report(&app, &app.commune_b.1, &format!("Tin nhắn lừa đảo trúng thưởng số {i}.")).await;
    }
    // Commune A rejects one of its reports: it was still received, and the
    // count does not depend on when a page read it.
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM reports ORDER BY id").fetch_all(app.store.pool()).await.unwrap();
    let (_, text) = page_post(&app, &commune, &format!("/reports/{}/status", ids[0]), &[("status", "rejected")]).await;
    let status: String = sqlx::query_scalar("SELECT status FROM reports WHERE id = $1")
        .bind(ids[0])
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(status, "rejected", "{text}");

    let (public, check_page) = public_count(&app, 5).await;
    let analysts = page(&app, Some(&analyst), "/scamcheck").await;
    let correlations = page(&app, Some(&commune), "/reports/correlations").await;
    assert_eq!(public, 5, "the public check counts every report naming it");
    assert_eq!(count_on(&analysts), Some(5), "the analysts' page");
    assert_eq!(count_on(&correlations), Some(5), "the commune's correlation page");
    // The commune still sees which of them are its own, and only those.
    assert!(correlations.contains("3 thuộc đơn vị bạn xử lý"), "{correlations}");
    // Each page says what it counts.
    for (name, html) in [("check", &check_page), ("analysts", &analysts), ("correlations", &correlations)] {
        assert!(html.contains("ở mọi trạng thái"), "{name} does not say what it counts");
    }
    assert!(check_page.contains("<dd id=\"verdict-reports\">5</dd>"), "{check_page}");
    // The store's one definition says the same.
    let naming = app
        .store
        .reports_naming(&khienmang_core::reports::Identifier {
            kind: khienmang_core::reports::IdentifierKind::Phone,
            value: E164.into(),
        })
        .await
        .unwrap();
    assert_eq!(naming, 5);
}

async fn page_post(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).form(form).send().await.unwrap();
    (res.status(), res.text().await.unwrap_or_default())
}

/// Years still to come are never drawn as 0%, and the composite 2.9 reads
/// as its parts on the dashboard and in its export, never as a percentage.
#[tokio::test]
async fn the_dashboard_draws_no_future_year_and_reads_2_9_as_its_parts() {
    use calamine::Reader;
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let token = app.token("tinh").await;
    let this_year = chrono::Datelike::year(&khienmang_core::time::Timestamp::now().vietnam_date());
    let html = page(&app, Some(&token), &format!("/targets?unit={}&target=2.3", app.province.0)).await;
    for year in this_year + 1..=2030 {
        assert!(html.contains(&format!("{year}: chưa đến kỳ")), "{year} is not marked as still to come");
        assert!(!html.contains(&format!("{year}: 0%")), "{year} drawn as 0%");
    }
    let row = &html[html.find("data-target=\"2.9\"").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(!row.contains("0/3 · 0%"), "{row}");
    assert!(row.contains("phần đạt") || row.contains("Chưa có số liệu") || row.contains("Không áp dụng"), "{row}");

    let bytes = app
        .http
        .get(format!("{}/targets/export.xlsx?unit={}&year={this_year}", app.base, app.province.0))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names().to_vec();
    let sheet = book.worksheet_range(&names[0]).unwrap();
    let rows: Vec<Vec<calamine::Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let header = rows.iter().position(|r| r.iter().any(|c| *c == "Tỷ lệ đạt")).unwrap();
    let share = rows[header].iter().position(|c| *c == "Tỷ lệ đạt").unwrap();
    let composite = rows.iter().find(|r| r.first().is_some_and(|c| *c == "2.9")).unwrap();
    assert!(
        matches!(&composite[share], calamine::Data::String(s) if s.contains("phần đạt") || s == "Chưa có số liệu"),
        "2.9 in the export: {:?}",
        composite[share]
    );
}

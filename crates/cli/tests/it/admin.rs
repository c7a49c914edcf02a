//! Programme administration end to end: a commune scores itself and the
//! province approves it (the ranking follows); the budget seeded from the
//! document adds up to its figures, with the district share re-homed; a
//! commune merged in 2025 never pushes a reporting rate past 100%; awards
//! go through their chain into the register; the review's targets table is
//! the dashboard's.

use chrono::Datelike;
use khienmang_core::admin::{DOCUMENT_TOTAL, PeriodKind, ReportingPeriod, ReviewKind, completeness, review_docx};
use khienmang_core::auth::Role;
use khienmang_core::time::Timestamp;
use khienmang_store::admin::{reporting_units, review_data};
use reqwest::StatusCode;
use serde_json::Value;

use khienmang_testkit::fixtures::day;
use khienmang_testkit::http::TestApp;

fn today() -> khienmang_core::Date {
    (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive()
}

async fn post_form(app: &TestApp, token: &str, path: &str, form: &[(&str, String)]) -> (StatusCode, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).form(form).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

async fn get_text(app: &TestApp, token: &str, path: &str) -> (StatusCode, String) {
    let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

#[tokio::test]
async fn a_commune_scores_itself_the_province_approves_and_the_ranking_follows() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("xa-b", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let (xa, xb, tinh) = (app.token("xa-a").await, app.token("xa-b").await, app.token("tinh").await);
    let year = today().year().clamp(2024, 2030);
    let (a, b) = (app.commune_a.0.0, app.commune_b.0.0);

    // The form shows the year's default criteria for a commune.
    let (status, form) = get_text(&app, &xa, &format!("/evaluations/{a}?year={year}")).await;
    assert_eq!(status, StatusCode::OK);
    let set = app.store.criteria_set(year, khienmang_core::admin::UnitKind::Commune).await.unwrap();
    for c in &set.criteria {
        assert!(form.contains(&format!("name=\"points.{}\"", c.code)), "criterion {} on the form", c.code);
    }

    // Full marks with evidence, submitted; then a weaker commune b.
    let mut full: Vec<(&str, String)> = vec![("year", year.to_string()), ("submit", "1".into())];
    let names: Vec<(String, String)> =
        set.criteria.iter().map(|c| (format!("points.{}", c.code), c.max_points.to_string())).collect();
    for (k, v) in &names {
        full.push((k.as_str(), v.clone()));
    }
    let evidence = format!("evidence.{}", set.criteria[0].code);
    full.push((evidence.as_str(), "https://xa.example.vn/nghi-quyet".into()));
    let (status, body) = post_form(&app, &xa, &format!("/evaluations/{a}/scores"), &full).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let half: Vec<(String, String)> =
        set.criteria.iter().map(|c| (format!("points.{}", c.code), (c.max_points / 2).to_string())).collect();
    let mut weak: Vec<(&str, String)> = vec![("year", year.to_string()), ("submit", "1".into())];
    for (k, v) in &half {
        weak.push((k.as_str(), v.clone()));
    }
    assert_eq!(post_form(&app, &xb, &format!("/evaluations/{b}/scores"), &weak).await.0, StatusCode::SEE_OTHER);

    // Points over the maximum and a non-link as evidence are refused, and change nothing.
    let over = [("year", year.to_string()), (names[0].0.as_str(), (set.criteria[0].max_points + 1).to_string())];
    let (status, body) = post_form(&app, &xa, &format!("/evaluations/{a}/scores"), &over).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("vượt quá điểm tối đa"), "{body}");
    let bad = [("year", year.to_string()), (evidence.as_str(), "javascript:alert(1)".into())];
    assert_eq!(
        post_form(&app, &xa, &format!("/evaluations/{a}/scores"), &bad).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let stored = app.store.evaluation(app.commune_a.0, year).await.unwrap().unwrap();
    assert_eq!(stored.total.0, 10_000, "full marks are 100,00");
    assert_eq!(stored.status.as_str(), "submitted");

    // A commune cannot approve itself, nor touch another commune.
    let approve = [("year", year.to_string()), ("decision", "approve".into())];
    let (status, _) = post_form(&app, &xa, &format!("/evaluations/{a}/decision"), &approve).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(post_form(&app, &xa, &format!("/evaluations/{b}/decision"), &approve).await.0, StatusCode::NOT_FOUND);

    // Submitted results rank (pending) before the province approves.
    let (_, list) = get_text(&app, &tinh, &format!("/evaluations?year={year}")).await;
    let pos_a = list.find(&format!("data-unit=\"{a}\"")).expect("a ranked");
    let pos_b = list.find(&format!("data-unit=\"{b}\"")).expect("b ranked");
    assert!(pos_a < pos_b, "the higher total ranks first");
    assert!(list[pos_a..pos_b].contains("data-status=\"submitted\""));

    // Returning needs a reason; approving works and shows in the ranking.
    let ret = [("year", year.to_string()), ("decision", "return".into())];
    assert_eq!(
        post_form(&app, &tinh, &format!("/evaluations/{b}/decision"), &ret).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(post_form(&app, &tinh, &format!("/evaluations/{a}/decision"), &approve).await.0, StatusCode::SEE_OTHER);
    let (_, list) = get_text(&app, &tinh, &format!("/evaluations?year={year}")).await;
    let row = &list[list.find(&format!("data-unit=\"{a}\"")).unwrap()..];
    assert!(row.starts_with(&format!("data-unit=\"{a}\" data-status=\"approved\"")), "{}", &row[..80]);
    assert!(row[..400].contains("Xuất sắc"), "100 points is excellent");
    // Approved is final: the commune can no longer change its scores.
    assert_eq!(
        post_form(&app, &xa, &format!("/evaluations/{a}/scores"), &full).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Whoever entered scores cannot approve them (four eyes), even the province.
    assert_eq!(
        post_form(
            &app,
            &tinh,
            &format!("/evaluations/{b}/decision"),
            &[("year", year.to_string()), ("decision", "return".into()), ("note", "Thiếu minh chứng".into())]
        )
        .await
        .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(post_form(&app, &tinh, &format!("/evaluations/{b}/scores"), &weak).await.0, StatusCode::SEE_OTHER);
    let (status, body) = post_form(&app, &tinh, &format!("/evaluations/{b}/decision"), &approve).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // The export lists the ranking; every step is audited.
    let res = app
        .http
        .get(format!("{}/evaluations/export.xlsx?year={year}", app.base))
        .bearer_auth(&tinh)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let text: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(text.iter().any(|t| t == "100,00"), "{text:?}");
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'evaluation.%'")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    for a in ["evaluation.score", "evaluation.submit", "evaluation.approve", "evaluation.return"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
}

#[tokio::test]
async fn the_seeded_budget_equals_the_document_and_the_district_share_is_rehomed() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let tinh = app.token("tinh").await;
    assert_eq!(post_form(&app, &tinh, "/budget/seed", &[]).await.0, StatusCode::SEE_OTHER);
    // Seeding twice does not double the plan.
    assert_eq!(post_form(&app, &tinh, "/budget/seed", &[]).await.0, StatusCode::SEE_OTHER);
    let (status, s) = app.get_json(&tinh, "/api/v1/budget/summary").await;
    assert_eq!(status, 200, "{s}");
    let planned = |rows: &Value, level: &str| -> i64 {
        rows.as_array().unwrap().iter().filter(|r| r["level"] == level).map(|r| r["planned"].as_i64().unwrap()).sum()
    };
    assert_eq!(planned(&s["by_level"], "province"), 5_015_728_000);
    assert_eq!(planned(&s["by_level"], "district"), 4_235_100_000);
    assert_eq!(planned(&s["by_level"], "commune"), 28_531_500_000);
    assert_eq!(s["total"]["planned"], DOCUMENT_TOTAL);
    // Re-homed: the district keeps only the days before 1/7/2025; the rest is
    // the communes', and the whole is still the document's total.
    let rehomed = &s["rehomed"];
    let district = planned(rehomed, "district");
    assert!(district > 0 && district < 4_235_100_000 / 2, "{district}");
    let moved: i64 = rehomed
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rehomed_from"] == "district")
        .map(|r| r["planned"].as_i64().unwrap())
        .sum();
    assert_eq!(district + moved, 4_235_100_000);
    assert_eq!(
        planned(rehomed, "province") + planned(rehomed, "district") + planned(rehomed, "commune"),
        DOCUMENT_TOTAL
    );

    // The page shows the document's figures in Vietnamese.
    let (_, page) = get_text(&app, &tinh, "/budget").await;
    for figure in ["5.015.728.000 đ", "4.235.100.000 đ", "28.531.500.000 đ", "37.782.328.000 đ"] {
        assert!(page.contains(figure), "{figure} on the budget page");
    }

    // An allocation entered with Vietnamese thousands; a bad amount changes nothing.
    let entry = |amount: &str| {
        vec![
            ("level", "commune".to_owned()),
            ("line", "initiatives".to_owned()),
            ("stage", "allocation".to_owned()),
            ("amount", amount.to_owned()),
            ("from", "2026-01-01".to_owned()),
            ("to", "2026-12-31".to_owned()),
        ]
    };
    assert_eq!(post_form(&app, &tinh, "/budget/entries", &entry("1.250.000.000")).await.0, StatusCode::SEE_OTHER);
    let before = app.store.budget_entries().await.unwrap().len();
    let (status, body) = post_form(&app, &tinh, "/budget/entries", &entry("12,5 tỷ")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let mut crossing = entry("5");
    crossing[5].1 = "2027-01-31".into();
    assert_eq!(post_form(&app, &tinh, "/budget/entries", &crossing).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store.budget_entries().await.unwrap().len(), before);
    let (_, s) = app.get_json(&tinh, "/api/v1/budget/summary").await;
    assert_eq!(s["total"]["allocated"], 1_250_000_000);

    // The export carries the amounts as numbers.
    let res = app.http.get(format!("{}/budget/export.xlsx", app.base)).bearer_auth(&tinh).send().await.unwrap();
    let bytes = res.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let sheet = wb.worksheet_range("Đề án").unwrap();
    use calamine::DataType as _;
    let numbers: Vec<f64> = sheet.rows().flat_map(|r| r.iter().filter_map(|c| c.get_float())).collect();
    assert!(numbers.contains(&(DOCUMENT_TOTAL as f64)), "{numbers:?}");

    // A commune officer sees no budget.
    let xa = app.token("xa-a").await;
    assert_eq!(app.get_json(&xa, "/api/v1/budget/summary").await.0, 403);
}

#[tokio::test]
async fn a_commune_merged_in_2025_never_pushes_a_reporting_rate_past_100_percent() {
    let app = TestApp::start().await;
    let history = app.store.org_history().await.unwrap();
    let merged_into = app.commune_a.0;
    let old: Vec<_> = history.predecessors(merged_into);
    assert!(old.len() >= 2, "07210 was formed by merging old communes");
    let units = reporting_units(&history, app.province);
    let q2 = ReportingPeriod::new(PeriodKind::Quarter, 2025, 2).unwrap();
    let q3 = ReportingPeriod::new(PeriodKind::Quarter, 2025, 3).unwrap();
    // Every commune of each period reports; the old communes report for Q3
    // too (late, under their old ids) and so does 07210.
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    for u in units.iter().filter(|u| u.is_active_on(q2.end())) {
        tx.add_period_report(u.id, q2, day("2025-07-03"), "Q2").await.unwrap();
    }
    for u in units.iter().filter(|u| u.is_active_on(q3.end())) {
        tx.add_period_report(u.id, q3, day("2025-10-02"), "Q3").await.unwrap();
    }
    for o in &old {
        tx.add_period_report(*o, q3, day("2025-10-20"), "Q3 (xã cũ)").await.unwrap();
    }
    tx.commit().await.unwrap();
    let reports = app.store.period_reports(PeriodKind::Quarter).await.unwrap();
    let c2 = completeness(&units, &reports, q2, 5);
    let c3 = completeness(&units, &reports, q3, 5);
    assert!(c2.expected > c3.expected, "more communes before the merger: {} vs {}", c2.expected, c3.expected);
    assert_eq!((c2.received, c2.completeness), (c2.expected, Some(1.0)));
    assert_eq!(
        (c3.received, c3.completeness),
        (c3.expected, Some(1.0)),
        "the old communes' reports count for 07210 once"
    );
    assert_eq!(c3.timeliness, Some(1.0));
    assert_eq!(c3.unattributed, 0);

    // Only the old communes report for Q4: 07210 counts as received through
    // them, and nothing else does.
    let q4 = ReportingPeriod::new(PeriodKind::Quarter, 2025, 4).unwrap();
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    for o in &old {
        tx.add_period_report(*o, q4, day("2026-01-02"), "Q4").await.unwrap();
    }
    tx.commit().await.unwrap();
    let reports = app.store.period_reports(PeriodKind::Quarter).await.unwrap();
    let c4 = completeness(&units, &reports, q4, 5);
    assert_eq!(c4.received, 1);
    assert!(!c4.missing.contains(&merged_into));
    assert!(c4.completeness.unwrap() <= 1.0 / c4.expected as f64 + 1e-12);

    // A report for a period not yet started is refused.
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    let next = ReportingPeriod::new(PeriodKind::Quarter, 2030, 4).unwrap();
    assert!(tx.add_period_report(merged_into, next, day("2026-01-02"), "x").await.is_err());
}

#[tokio::test]
async fn awards_go_through_their_chain_into_the_register() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let (xa, tinh) = (app.token("xa-a").await, app.token("tinh").await);
    let a = app.commune_a.0.0.to_string();
    let nominate = |kind: &str, deed: &str| {
        vec![
            ("nominee_type", "person".to_owned()),
            ("name", "Nguyễn Thị Hoa".to_owned()),
            ("unit", a.clone()),
            ("kind", kind.to_owned()),
            ("deed_on", deed.to_owned()),
            ("achievement", "Báo tin kịp thời vụ lừa đảo qua mạng.".to_owned()),
        ]
    };
    // An ad-hoc award needs the day of the deed.
    let (status, body) = post_form(&app, &xa, "/awards", &nominate("ad_hoc", "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ngày lập thành tích"), "{body}");
    let deed = format!("{}-03-12", today().year());
    assert_eq!(post_form(&app, &xa, "/awards", &nominate("ad_hoc", &deed)).await.0, StatusCode::SEE_OTHER);
    let id = app.store.nominations(None).await.unwrap()[0].id;
    // The commune cannot decide; the province endorses, then approves with a decision number.
    assert_eq!(
        post_form(&app, &xa, &format!("/awards/{id}/step"), &[("to", "endorsed".into())]).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_form(&app, &tinh, &format!("/awards/{id}/step"), &[("to", "approved".into())]).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not endorsed yet"
    );
    assert_eq!(
        post_form(&app, &tinh, &format!("/awards/{id}/step"), &[("to", "endorsed".into())]).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post_form(&app, &tinh, &format!("/awards/{id}/step"), &[("to", "approved".into())]).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no decision number"
    );
    let step = [("to", "approved".to_owned()), ("decision_no", "125/QĐ-UBND".to_owned())];
    assert_eq!(post_form(&app, &tinh, &format!("/awards/{id}/step"), &step).await.0, StatusCode::SEE_OTHER);
    let (_, page) = get_text(&app, &tinh, &format!("/awards?year={}", today().year())).await;
    let register = &page[page.find("id=\"register\"").expect("a register")..];
    assert!(register.contains("125/QĐ-UBND") && register.contains("Nguyễn Thị Hoa"));
    let res = app
        .http
        .get(format!("{}/awards/register.xlsx?year={}", app.base, today().year()))
        .bearer_auth(&xa)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    assert!(sheet.rows().any(|r| r.iter().any(|c| *c == "125/QĐ-UBND")));
}

#[tokio::test]
async fn duties_reported_on_their_due_dates_and_overdue_ones_escalate() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let tinh = app.token("tinh").await;
    // A date that is not one of the duty's due dates is refused.
    let wrong = [("duty", "1.8".to_owned()), ("due", "2026-05-01".to_owned()), ("summary", "x".to_owned())];
    assert_eq!(post_form(&app, &tinh, "/duties/reports", &wrong).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, page) = get_text(&app, &tinh, "/duties").await;
    assert!(page.contains("Đã báo cáo Trưởng Ban Chỉ đạo"), "yearly duties of 2024 are long overdue");
    let overdue_before = page.matches("<tr><td>1.1</td>").count();
    assert!(overdue_before >= 1);
    let ok = [
        ("duty", "1.1".to_owned()),
        ("due", "2024-12-31".to_owned()),
        ("received_on", "2025-01-03".to_owned()),
        ("summary", "Đã ban hành kế hoạch.".to_owned()),
    ];
    assert_eq!(post_form(&app, &tinh, "/duties/reports", &ok).await.0, StatusCode::SEE_OTHER);
    let (_, page) = get_text(&app, &tinh, "/duties").await;
    assert_eq!(page.matches("<tr><td>1.1</td>").count(), overdue_before - 1);
    assert_eq!(app.store.duty_reports().await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_review_targets_table_is_the_dashboards() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let tinh = app.token("tinh").await;
    let on = today();
    let data = review_data(&app.store, ReviewKind::Interim, app.province, on, &Default::default()).await.unwrap();
    let year = on.year().clamp(2024, 2027);
    let (status, api) = app.get_json(&tinh, &format!("/api/v1/targets?unit={}&year={year}", app.province.0)).await;
    assert_eq!(status, 200);
    let targets = api["targets"].as_array().unwrap();
    assert_eq!(data.targets.len(), targets.len());
    for (row, t) in data.targets.iter().zip(targets) {
        assert_eq!(row.code, t["target"].as_str().unwrap());
        if row.code == "2.9" {
            // Read as its parts ("2/3 phần đạt (…)"), not as a percentage.
            assert_eq!(row.percent, None);
            if t["denominator"].as_i64() > Some(0) {
                assert!(row.value_text.contains("phần đạt") && row.value_text.contains("2.9a"), "{}", row.value_text);
            }
        } else {
            assert_eq!(
                row.percent.map(|p| (p * 10.0).round()),
                t["value"].as_f64().map(|v| (v * 1000.0).round()),
                "{}",
                row.code
            );
        }
        // The same rating as the dashboard, in the same words.
        assert_eq!(row.status.as_str(), t["status"].as_str().unwrap(), "{}", row.code);
    }
    // The DOCX through the web is a real document with the same rows.
    let res = app.http.get(format!("{}/reviews/interim.docx", app.base)).bearer_auth(&tinh).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
    assert!(review_docx(&data).unwrap().len() > 5_000);
    assert_eq!(app.get_json(&tinh, "/reviews/other.docx").await.0, 404);
}

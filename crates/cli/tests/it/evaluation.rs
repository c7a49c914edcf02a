//! Criteria sets edited per year, scores prefilled from the targets, the
//! way from a ranking to award proposals, and nominations corrected,
//! voided and restored (issue 18), end to end through the pages: a set
//! saved for one year changes the totals of that year only and never of an
//! evaluation already sent up; a prefilled score is the targets page's
//! figure; a voided nomination leaves the register's export; another
//! commune's officer changes none of it; the audit log has every step.

use chrono::Datelike;
use khienmang_core::admin::{Nominee, UnitKind, prefill_points};
use khienmang_core::auth::Role;
use khienmang_core::org::UnitId;
use khienmang_core::time::Timestamp;
use reqwest::StatusCode;

use khienmang_testkit::fixtures::day;
use khienmang_testkit::http::TestApp;

const YEAR: i32 = 2026;

fn today() -> khienmang_core::Date {
    (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive()
}

async fn post_form(app: &TestApp, token: &str, path: &str, form: &[(String, String)]) -> (StatusCode, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).form(form).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

async fn get_text(app: &TestApp, token: &str, path: &str) -> (StatusCode, String) {
    let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Every criterion of the year's commune set at `share` of its maximum.
async fn score(app: &TestApp, token: &str, unit: UnitId, year: i32, share: u32, submit: bool) {
    let set = app.store.criteria_set(year, UnitKind::Commune).await.unwrap();
    let y = year.to_string();
    let mut form = pairs(&[("year", y.as_str()), ("submit", if submit { "1" } else { "0" })]);
    for c in &set.criteria {
        form.push((format!("points.{}", c.code), (c.max_points * share / 100).to_string()));
    }
    let (status, body) = post_form(app, token, &format!("/evaluations/{}/scores", unit.0), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
}

async fn audit_actions(app: &TestApp, object: &str) -> Vec<String> {
    let entries = app.store.audit_recent(Some(object), 100, 0).await.unwrap();
    entries.into_iter().map(|e| e.action).rev().collect()
}

#[tokio::test]
async fn a_criteria_set_edited_for_a_year_changes_that_years_open_totals_only() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("xa-b", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let (xa, xb, tinh) = (app.token("xa-a").await, app.token("xa-b").await, app.token("tinh").await);
    let (a, b) = (app.commune_a.0, app.commune_b.0);
    // Full marks for commune a in two years (still being scored), and for b
    // in the edited year, sent up.
    score(&app, &xa, a, YEAR, 100, false).await;
    score(&app, &xa, a, YEAR - 1, 100, false).await;
    score(&app, &xb, b, YEAR, 100, true).await;

    // The editor opens on the document's default set, and says a save copies.
    let (status, page) = get_text(&app, &tinh, &format!("/evaluations/criteria?year={YEAR}&kind=commune")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"cs-copy-note\""), "the page says a used set is copied");
    assert!(page.contains("id=\"cs-sent\">1 "), "one evaluation sent up on the default set");
    // A commune cannot open it.
    assert_eq!(
        get_text(&app, &xa, &format!("/evaluations/criteria?year={YEAR}&kind=commune")).await.0,
        StatusCode::FORBIDDEN
    );

    // The secretariat keeps every criterion and adds one worth as much as all
    // the others together (weights 12), with the bands unchanged.
    let set = app.store.criteria_set(YEAR, UnitKind::Commune).await.unwrap();
    let weights: u32 = set.criteria.iter().map(|c| c.weight).sum();
    assert_eq!(weights, 12);
    let y = YEAR.to_string();
    let mut form = pairs(&[("year", y.as_str()), ("kind", "commune")]);
    for (i, c) in set.criteria.iter().enumerate() {
        form.push((format!("c{i}.code"), c.code.clone()));
        form.push((format!("c{i}.order"), (i + 1).to_string()));
        form.push((format!("c{i}.title"), c.title_vi.clone()));
        form.push((format!("c{i}.max"), c.max_points.to_string()));
        form.push((format!("c{i}.weight"), c.weight.to_string()));
        form.push((format!("c{i}.target"), c.target.map(|t| t.code().to_string()).unwrap_or_default()));
    }
    let n = set.criteria.len();
    for (k, v) in [
        (format!("c{n}.code"), ""),
        (format!("c{n}.order"), "0"),
        (format!("c{n}.title"), "Tổ chức diễn đàn an ninh mạng cho thanh niên"),
        (format!("c{n}.max"), "10"),
        (format!("c{n}.weight"), "12"),
        (format!("c{n}.target"), ""),
        ("band.excellent".to_string(), "90"),
        ("band.good".to_string(), "80"),
        ("band.fair".to_string(), "65"),
        ("band.average".to_string(), "50"),
    ] {
        form.push((k, v.to_string()));
    }
    form.push(("rows".into(), (n + 1).to_string()));
    // Bands that do not fall are refused beside the form, with what was typed.
    let mut bad = form.clone();
    bad.retain(|(k, _)| k != "band.good");
    bad.push(("band.good".into(), "95".into()));
    let (status, body) = post_form(&app, &tinh, "/evaluations/criteria", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"criteria-error\"") && body.contains("Tổ chức diễn đàn an ninh mạng"), "{body}");
    assert_eq!(app.store.criteria_set(YEAR, UnitKind::Commune).await.unwrap().version, 0, "nothing saved");

    let (status, body) = post_form(&app, &tinh, "/evaluations/criteria", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let saved = app.store.criteria_set(YEAR, UnitKind::Commune).await.unwrap();
    assert_eq!(saved.version, 1);
    assert_eq!(saved.criteria.len(), n + 1);
    assert_eq!(saved.criteria[0].title_vi, "Tổ chức diễn đàn an ninh mạng cho thanh niên", "ordered first");
    assert_eq!(saved.criteria[0].code, "TC1", "a new criterion gets a code no one types");

    // Commune a's open evaluation of that year drops to half (12 of 24 weights);
    // its other year and commune b's evaluation sent up keep 100 points.
    let open = app.store.evaluation(a, YEAR).await.unwrap().unwrap();
    assert_eq!(open.total.0, 5_000, "{}", open.total.to_vi());
    assert_eq!(open.criteria_version, 1);
    assert_eq!(open.classification.label_vi(), "Trung bình");
    let other_year = app.store.evaluation(a, YEAR - 1).await.unwrap().unwrap();
    assert_eq!(other_year.total.0, 10_000);
    let sent = app.store.evaluation(b, YEAR).await.unwrap().unwrap();
    assert_eq!((sent.total.0, sent.criteria_version), (10_000, 0), "sent up: the set it used, unchanged");
    // Its page still shows the set it was scored against, without the new criterion.
    let (_, page) = get_text(&app, &xb, &format!("/evaluations/{}?year={YEAR}", b.0)).await;
    assert!(!page.contains("name=\"points.TC1\""), "the sent evaluation keeps its criteria");
    let (_, page) = get_text(&app, &xa, &format!("/evaluations/{}?year={YEAR}", a.0)).await;
    assert!(page.contains("name=\"points.TC1\""), "the open evaluation follows the new version");
    assert!(page.contains("id=\"change-list\""), "its history shows the recount");

    // The next save is version 2; the history and the audit log have both.
    let (status, _) = post_form(&app, &tinh, "/evaluations/criteria", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.criteria_set(YEAR, UnitKind::Commune).await.unwrap().version, 2);
    assert_eq!(app.store.criteria_set(YEAR - 1, UnitKind::Commune).await.unwrap().version, 0, "another year");
    let actions = audit_actions(&app, &format!("criteria_set:{YEAR}:commune")).await;
    assert_eq!(actions, ["criteria_set.edit", "criteria_set.edit"]);
    let actions = audit_actions(&app, &format!("evaluation:{}:{YEAR}", a.0)).await;
    assert!(actions.iter().filter(|a| *a == "evaluation.edit").count() >= 2, "{actions:?}");
    assert!(app.store.audit_verify().await.unwrap().is_ok(), "the chain holds");
}

#[tokio::test]
async fn a_prefilled_score_is_the_figure_the_targets_page_shows() {
    use khienmang_store::movement::{DocumentInput, DocumentKind};
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let xa = app.token("xa-a").await;
    let a = app.commune_a.0;
    // The commune's plan of the year: target 2.2 has a figure for it.
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    tx.add_document(&DocumentInput {
        unit: a,
        kind: DocumentKind::Plan,
        number: "07/KH-UBND".into(),
        title: "Kế hoạch thực hiện phong trào".into(),
        issued_on: day("2026-01-15"),
        year: YEAR,
        file: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let (status, targets) = app.get_json(&xa, &format!("/api/v1/targets?unit={}&year={YEAR}", a.0)).await;
    assert_eq!(status, 200, "{targets}");
    let set = app.store.criteria_set(YEAR, UnitKind::Commune).await.unwrap();
    let (_, page) = get_text(&app, &xa, &format!("/evaluations/{}?year={YEAR}", a.0)).await;
    let mut checked = 0;
    for c in set.criteria.iter().filter(|c| c.target.is_some()) {
        let code = c.target.unwrap().code();
        let t = targets["targets"].as_array().unwrap().iter().find(|t| t["target"] == code).expect("the target");
        let expected = prefill_points(c.max_points, t["value"].as_f64(), t["goal"].as_f64().unwrap());
        match expected {
            Some(p) => {
                let input =
                    format!("name=\"points.{}\" id=\"p-{}\" value=\"{p}\" data-prefilled=\"1\"", c.code, c.code);
                assert!(page.contains(&input), "criterion {}: {input}", c.code);
                assert!(page.contains(&format!("tính từ chỉ tiêu {code}: ")), "the words beside {}", c.code);
                checked += 1;
            }
            None => assert!(page.contains(&format!("chỉ tiêu {code}: chưa có số liệu")), "no data for {code}"),
        }
    }
    assert!(checked >= 1, "the plan gives target 2.2 a figure");

    // The unit may give other points, with a note kept in its history.
    let y = YEAR.to_string();
    let mut form = pairs(&[("year", y.as_str()), ("submit", "0")]);
    form.push(("points.2.2".into(), "5".into()));
    form.push(("note.2.2".into(), "Kế hoạch ban hành muộn".into()));
    assert_eq!(post_form(&app, &xa, &format!("/evaluations/{}/scores", a.0), &form).await.0, StatusCode::SEE_OTHER);
    form.retain(|(k, _)| k != "points.2.2");
    form.push(("points.2.2".into(), "6".into()));
    assert_eq!(post_form(&app, &xa, &format!("/evaluations/{}/scores", a.0), &form).await.0, StatusCode::SEE_OTHER);
    let stored = app.store.evaluation(a, YEAR).await.unwrap().unwrap();
    let s = stored.scores.iter().find(|s| s.criterion == "2.2").unwrap();
    assert_eq!((s.points, s.note.as_deref()), (6, Some("Kế hoạch ban hành muộn")));
    let history = app
        .store
        .record_history(khienmang_core::movement::RecordKind::Evaluation, &format!("{}:{YEAR}", a.0))
        .await
        .unwrap();
    assert_eq!(history.len(), 1, "the correction, not the first entry");
    assert_eq!(history[0].changes["điểm 2.2"], serde_json::json!([5, 6]));
}

#[tokio::test]
async fn a_ranking_leads_to_nominations_of_the_chosen_units() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("xa-b", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let (xa, xb, tinh) = (app.token("xa-a").await, app.token("xa-b").await, app.token("tinh").await);
    let (a, b) = (app.commune_a.0, app.commune_b.0);
    score(&app, &xa, a, YEAR, 100, true).await;
    score(&app, &xb, b, YEAR, 50, true).await;

    let (_, page) = get_text(&app, &tinh, &format!("/evaluations?year={YEAR}&kind=commune")).await;
    assert!(page.contains("action=\"/awards/from-ranking\""), "the ranking leads to proposals");
    assert!(page.contains(&format!("name=\"unit\" value=\"{}\" checked", a.0)), "the top places come chosen");

    // A commune officer cannot nominate another commune from its ranking.
    let before = app.write_count().await;
    let b_id = b.0.to_string();
    let other = pairs(&[("year", "2026"), ("kind", "commune"), ("award", "regular"), ("unit", b_id.as_str())]);
    assert_eq!(post_form(&app, &xa, "/awards/from-ranking", &other).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.write_count().await, before, "nothing written");

    let mut chosen = pairs(&[("year", "2026"), ("kind", "commune"), ("award", "regular")]);
    chosen.push(("unit".into(), a.0.to_string()));
    chosen.push(("unit".into(), b.0.to_string()));
    let (status, body) = post_form(&app, &tinh, "/awards/from-ranking", &chosen).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let list = app.store.nominations(Some(YEAR)).await.unwrap();
    assert_eq!(list.len(), 2);
    for (unit, class) in [(a, "Xuất sắc"), (b, "Trung bình")] {
        let n = list
            .iter()
            .find(|n| matches!(n.nomination.nominee, Nominee::Unit { unit: u, .. } if u == unit))
            .expect("a nomination of the unit");
        assert_eq!(n.nomination.proposed_by, app.province, "proposed by the secretariat's unit");
        assert!(n.nomination.achievement_vi.starts_with(&format!("Xếp loại {class} năm {YEAR}")), "{n:?}");
    }
    // A unit not ranked is refused with the reason.
    let a_id = a.0.to_string();
    let unranked = pairs(&[("year", "2025"), ("kind", "commune"), ("award", "regular"), ("unit", a_id.as_str())]);
    let (status, body) = post_form(&app, &tinh, "/awards/from-ranking", &unranked).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("chưa có kết quả xếp hạng"), "{body}");
}

async fn register_cells(app: &TestApp, token: &str, year: i32) -> Vec<String> {
    use calamine::Reader;
    let res =
        app.http.get(format!("{}/awards/register.xlsx?year={year}", app.base)).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect()
}

#[tokio::test]
async fn a_nomination_is_picked_corrected_voided_out_of_the_register_and_restored() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("xa-b", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let (xa, xb, tinh) = (app.token("xa-a").await, app.token("xa-b").await, app.token("tinh").await);
    let a = app.commune_a.0;
    let year = today().year();

    // An initiative picked with nothing chosen is refused beside the form, never a framework error.
    let base = [("unit", a.0.to_string()), ("kind", "regular".into()), ("achievement", "Nhiều tin báo.".into())];
    let mut empty: Vec<(String, String)> = base.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    empty.push(("nominee_type".into(), "initiative".into()));
    empty.push(("initiative".into(), String::new()));
    let (status, body) = post_form(&app, &xa, "/awards", &empty).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"nominate-error\"") && body.contains("Nhiều tin báo."), "{body}");
    assert!(!body.contains("Failed to"), "{body}");
    // The group itself, picked from the list.
    let (_, page) = get_text(&app, &xa, "/awards").await;
    assert!(page.contains(&format!("<option value=\"{}\"", a.0)), "the commune is offered");
    let mut unit = empty.clone();
    unit.retain(|(k, _)| k != "nominee_type");
    unit.push(("nominee_type".into(), "unit".into()));
    unit.push(("nominee_unit".into(), a.0.to_string()));
    let (status, body) = post_form(&app, &xa, "/awards", &unit).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let id = app.store.nominations(None).await.unwrap()[0].id;

    // Another commune's officer sees and changes none of it.
    let before = app.write_count().await;
    assert_eq!(get_text(&app, &xb, &format!("/awards/{id}")).await.0, StatusCode::NOT_FOUND);
    let fix =
        pairs(&[("nominee_type", "person"), ("name", "Trần Văn Bình"), ("kind", "regular"), ("achievement", "X")]);
    assert_eq!(post_form(&app, &xb, &format!("/awards/{id}/edit"), &fix).await.0, StatusCode::NOT_FOUND);
    let reason = pairs(&[("reason", "Nhập nhầm")]);
    assert_eq!(post_form(&app, &xb, &format!("/awards/{id}/void"), &reason).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.write_count().await, before, "nothing written by the other commune");

    // Corrected before it is decided: a person of the commune instead.
    let (status, body) = post_form(&app, &xa, &format!("/awards/{id}/edit"), &fix).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let n = app.store.nomination(id).await.unwrap().unwrap();
    assert!(
        matches!(&n.nomination.nominee, Nominee::Person { name, unit: Some(u) } if name == "Trần Văn Bình" && *u == a)
    );
    let (_, page) = get_text(&app, &xa, &format!("/awards/{id}")).await;
    assert!(page.contains("id=\"change-list\"") && page.contains("Trần Văn Bình"), "its history");

    // Endorsed and approved: in the register and its export; no longer corrected.
    for step in [vec![("to", "endorsed")], vec![("to", "approved"), ("decision_no", "321/QĐ-UBND")]] {
        let (status, body) = post_form(&app, &tinh, &format!("/awards/{id}/step"), &pairs(&step)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    }
    assert!(register_cells(&app, &xa, year).await.iter().any(|c| c == "321/QĐ-UBND"));
    assert_eq!(post_form(&app, &xa, &format!("/awards/{id}/edit"), &fix).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // A void needs a reason; voided, it leaves the register and the commune's lists.
    let (status, body) = post_form(&app, &xa, &format!("/awards/{id}/void"), &pairs(&[("reason", " ")])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"void-error\""), "{body}");
    assert_eq!(post_form(&app, &xa, &format!("/awards/{id}/void"), &reason).await.0, StatusCode::SEE_OTHER);
    assert!(!register_cells(&app, &xa, year).await.iter().any(|c| c == "321/QĐ-UBND"), "out of the export");
    assert_eq!(get_text(&app, &xa, &format!("/awards/{id}")).await.0, StatusCode::NOT_FOUND);
    let (_, page) = get_text(&app, &xa, &format!("/awards?year={year}")).await;
    assert!(!page.contains(&format!("id=\"nomination-{id}\"")));
    // The commune cannot restore it; the secretariat sees it marked and restores it.
    assert_eq!(post_form(&app, &xa, &format!("/awards/{id}/restore"), &[]).await.0, StatusCode::FORBIDDEN);
    let (_, page) = get_text(&app, &tinh, &format!("/awards/{id}")).await;
    assert!(page.contains("id=\"nom-voided\"") && page.contains("id=\"restore-form\""));
    assert_eq!(post_form(&app, &tinh, &format!("/awards/{id}/restore"), &[]).await.0, StatusCode::SEE_OTHER);
    assert!(register_cells(&app, &xa, year).await.iter().any(|c| c == "321/QĐ-UBND"), "back in the export");

    let actions = audit_actions(&app, &format!("nomination:{id}")).await;
    assert_eq!(
        actions,
        ["award.nominate", "nomination.edit", "award.step", "award.step", "nomination.void", "nomination.restore"]
    );
    assert!(app.store.audit_verify().await.unwrap().is_ok(), "the chain holds");
}

#[tokio::test]
async fn another_communes_officer_cannot_touch_an_evaluation() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("xa-b", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    let (xa, xb) = (app.token("xa-a").await, app.token("xa-b").await);
    let a = app.commune_a.0;
    score(&app, &xa, a, YEAR, 100, false).await;
    let before = app.write_count().await;
    assert_eq!(get_text(&app, &xb, &format!("/evaluations/{}?year={YEAR}", a.0)).await.0, StatusCode::NOT_FOUND);
    let form = pairs(&[("year", "2026"), ("points.2.1", "0"), ("note.2.1", "Sửa hộ")]);
    assert_eq!(post_form(&app, &xb, &format!("/evaluations/{}/scores", a.0), &form).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.write_count().await, before);
    assert_eq!(app.store.evaluation(a, YEAR).await.unwrap().unwrap().total.0, 10_000);
}

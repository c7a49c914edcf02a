//! The nine targets through the store and the API, on the real 2025 merger:
//! exclusions, "no data", the two readings of a merged commune, the patch
//! after a member is added, and the scope.

use khienmang_core::auth::Role;
use khienmang_core::org::{EnterpriseSize, Level, NewUnit, OrgOp, UnitAttrs, UnitId};
use khienmang_core::time::Timestamp;
use khienmang_store::movement::{DocumentInput, DocumentKind, NewMember};
use serde_json::Value;

use khienmang_testkit::fixtures::{day, initiative_input};
use khienmang_testkit::http::TestApp;

fn new_unit(name: &str, level: Level, parent: UnitId, attrs: UnitAttrs) -> OrgOp {
    OrgOp::Create { unit: NewUnit { attrs, ..NewUnit::new(name, level, Some(parent)) } }
}

fn target<'a>(body: &'a Value, code: &str) -> &'a Value {
    body["targets"].as_array().unwrap().iter().find(|t| t["target"] == code).unwrap()
}

fn plan(unit: UnitId, year: i32) -> DocumentInput {
    DocumentInput {
        unit,
        kind: DocumentKind::Plan,
        number: "01/KH".into(),
        title: "Kế hoạch".into(),
        issued_on: day(&format!("{year}-02-01")),
        year,
        file: None,
    }
}

#[tokio::test]
async fn targets_follow_the_registry_through_the_merger() {
    let app = TestApp::start().await;
    let (commune, _) = app.commune_a.clone();
    let history = app.store.org_history().await.unwrap();
    let old_communes = history.predecessors(commune);
    assert!(old_communes.len() >= 2, "07210 was formed by a merger");
    let old = old_communes[0];

    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    let after = day("2025-07-01");
    let medium = UnitAttrs { enterprise_size: Some(EnterpriseSize::Medium), ..Default::default() };
    let micro = UnitAttrs { enterprise_size: Some(EnterpriseSize::Micro), ..Default::default() };
    let village = UnitAttrs { households: Some(200), ..Default::default() };
    let e_medium =
        tx.apply_op(&new_unit("Công ty Vừa", Level::Enterprise, commune, medium), after, None).await.unwrap()[0];
    tx.apply_op(&new_unit("Công ty Siêu nhỏ", Level::Enterprise, commune, micro), after, None).await.unwrap();
    let v = tx.apply_op(&new_unit("Thôn Mới", Level::Village, commune, village), after, None).await.unwrap()[0];
    // 2.2 in 2025: the commune and the medium enterprise have plans; the micro
    // enterprise has none and is not counted.
    tx.add_document(&plan(commune, 2025)).await.unwrap();
    tx.add_document(&plan(e_medium, 2025)).await.unwrap();
    // 2024: one of the old communes had a plan.
    tx.add_document(&plan(old, 2024)).await.unwrap();
    tx.submit_unit_report(old, 2024).await.unwrap();
    tx.commit().await.unwrap();

    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("xa-b", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    let token = app.token("tinh").await;

    let (status, body) = app.get_json(&token, &format!("/api/v1/targets?unit={}&year=2025", commune.0)).await;
    assert_eq!(status, 200, "{body}");
    let t22 = target(&body, "2.2");
    assert_eq!((t22["numerator"].as_i64(), t22["denominator"].as_i64()), (Some(2), Some(2)), "{t22}");
    assert_eq!(t22["status"], "met");
    assert_eq!(body["targets"].as_array().unwrap().len(), 12);
    for key in ["target", "numerator", "denominator", "value", "goal", "status"] {
        assert!(t22.get(key).is_some(), "{key} missing");
    }

    // A commune with no record and no report: "no data", never 0%.
    let (_, other) = app.get_json(&token, &format!("/api/v1/targets?unit={}&year=2025", app.commune_b.0.0)).await;
    let none = target(&other, "2.2");
    assert!(none["value"].is_null(), "{none}");
    assert_eq!(none["status"], "no_data");

    // 2024 read "as it was then": the new commune did not exist; the old one did.
    let (status, _) = app.get_json(&token, &format!("/api/v1/targets?unit={}&year=2024", commune.0)).await;
    assert_eq!(status, 404);
    let (_, then) = app.get_json(&token, &format!("/api/v1/targets?unit={}&year=2024", old.0)).await;
    assert_eq!(target(&then, "2.2")["numerator"], 1);
    assert_eq!(target(&then, "2.2")["value"], 1.0);
    // Mapped to today's tree: 2024 shows under the new commune, one plan out
    // of the old communes that went into it.
    let (_, today) = app.get_json(&token, &format!("/api/v1/targets?unit={}&year=2024&mode=today", commune.0)).await;
    let mapped = target(&today, "2.2");
    assert_eq!(mapped["numerator"], 1);
    assert_eq!(mapped["denominator"].as_i64(), Some(old_communes.len() as i64), "{mapped}");

    // 2.9c: a listed member makes the village's household count current at once.
    let (_, before) = app.get_json(&token, &format!("/api/v1/targets?unit={}&year=2026", v.0)).await;
    assert!(target(&before, "2.9c")["value"].is_null());
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    let members: Vec<NewMember> = (0..3)
        .map(|i| NewMember {
            village: v,
            full_name: format!("Thành viên {i}"),
            // Two members of one household, one of another.
            household: if i < 2 { 7 } else { 8 },
            joined_year: 2025,
            left_year: None,
        })
        .collect();
    let initiative =
        tx.create_initiative(&initiative_input(v, "Tổ phòng chống lừa đảo").check().unwrap()).await.unwrap();
    tx.add_members(initiative, &members).await.unwrap();
    tx.commit().await.unwrap();
    let (_, after) = app.get_json(&token, &format!("/api/v1/targets?unit={}&year=2026", v.0)).await;
    let hh = target(&after, "2.9c");
    assert_eq!((hh["numerator"].as_i64(), hh["denominator"].as_i64()), (Some(2), Some(200)), "{hh}");
    let (_, up) = app.get_json(&token, &format!("/api/v1/targets?unit={}&year=2026", app.province.0)).await;
    assert_eq!(target(&up, "2.9c")["numerator"], 2);

    // Outside the scope: as if it did not exist.
    let other_token = app.token("xa-b").await;
    let (status, _) = app.get_json(&other_token, &format!("/api/v1/targets?unit={}&year=2025", commune.0)).await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(&other_token, "/api/v1/targets?year=2025").await;
    assert_eq!(status, 200, "the officer's own commune by default");
}

#[tokio::test]
async fn the_dashboard_drills_down_and_exports() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let token = app.token("tinh").await;
    let page = app.http.get(format!("{}/targets?year=2025", app.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"targets-table\""));
    assert!(html.contains(&format!("unit={}&amp;year=2025", app.commune_a.0.0)), "a drill-down link to a commune");
    assert!(html.contains("Chưa có số liệu"), "no data is shown as such");

    let xlsx = app
        .http
        .get(format!("{}/targets/export.xlsx?unit={}&year=2025", app.base, app.province.0))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let bytes = xlsx.bytes().await.unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names().to_vec();
    assert!(names.len() >= 3, "targets, units below, ranking: {names:?}");
    let sheet = book.worksheet_range(&names[0]).unwrap();
    let text: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(text.iter().any(|t| t == "Tử số"), "Vietnamese headers: {text:?}");
    assert!(text.iter().any(|t| t == "2.9"));
}

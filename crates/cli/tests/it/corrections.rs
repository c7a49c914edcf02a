//! Correcting and voiding an initiative (issue 18) through the pages and the
//! API, as the users see it: a correction shows in the list and, for a
//! member count, in the targets; a void drops the figures, takes the
//! channels and member counts with it and answers 404 to all but the
//! secretariat, who alone can restore it; another commune can do none of
//! this; the audit log and the initiative's history keep every step.

use khienmang_core::auth::Role;
use khienmang_core::org::{Level, NewUnit, UnitAttrs, UnitId};
use reqwest::StatusCode;
use serde_json::{Value, json};

use khienmang_testkit::fixtures::{TEST_ACTOR, create_initiative, create_unit, day, initiative_input};
use khienmang_testkit::http::TestApp;

const YEAR: i32 = 2026;

async fn village(app: &TestApp, commune: UnitId, name: &str) -> UnitId {
    let unit = NewUnit {
        attrs: UnitAttrs { households: Some(200), ..Default::default() },
        ..NewUnit::new(name, Level::Village, Some(commune))
    };
    create_unit(&app.store, TEST_ACTOR, unit, day("2025-07-01")).await.unwrap()
}

async fn officer(app: &TestApp, name: &str, role: Role, scope: UnitId) -> String {
    app.user(name, role, Some(scope)).await;
    app.token(name).await
}

async fn send(app: &TestApp, token: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = app.http.request(method, format!("{}{path}", app.base)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn post_form(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).form(form).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn html(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Households with a member in an initiative in `v` (target 2.9c), as the
/// targets API shows it to `token`; no data reads as 0.
async fn households_with_member(app: &TestApp, token: &str, v: UnitId) -> i64 {
    let (status, body) = app.get_json(token, &format!("/api/v1/targets?unit={}&year={YEAR}", v.0)).await;
    assert_eq!(status, 200, "{body}");
    let t = body["targets"].as_array().unwrap().iter().find(|t| t["target"] == "2.9c").unwrap().clone();
    t["numerator"].as_i64().unwrap_or(0)
}

/// Ten members counted in `v` for [`YEAR`], with `households` households, on the initiative's page.
async fn set_count(app: &TestApp, token: &str, id: i64, v: UnitId, households: &str) {
    let (village, year) = (v.0.to_string(), YEAR.to_string());
    let form = [("village", village.as_str()), ("year", &year), ("members", "10"), ("households", households)];
    let (status, body) = post_form(app, token, &format!("/movement/initiatives/{id}/counts"), &form).await;
    assert_eq!(status, 303, "{body}");
}

fn names(list: &Value) -> Vec<String> {
    list["initiatives"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect()
}

async fn audit_actions(app: &TestApp, id: i64) -> Vec<String> {
    let entries = app.store.audit_recent(Some(&format!("initiative:{id}")), 100, 0).await.unwrap();
    let mut actions: Vec<String> = entries.into_iter().map(|e| e.action).collect();
    actions.reverse();
    actions
}

#[tokio::test]
async fn a_correction_shows_in_the_list_and_the_targets_and_a_void_drops_the_figures_until_restored() {
    let app = TestApp::start().await;
    let v = village(&app, app.commune_a.0, "Thôn Sửa Lỗi").await;
    let xa = officer(&app, "xa", Role::CommuneOfficer, app.commune_a.0).await;
    let tinh = officer(&app, "tinh", Role::Secretariat, app.province).await;
    let id = create_initiative(&app.store, initiative_input(app.commune_a.0, "Tổ Zalo an nnh mạng")).await;
    set_count(&app, &xa, id, v, "4").await;
    let (status, body) = send(
        &app,
        &xa,
        reqwest::Method::POST,
        &format!("/api/v1/initiatives/{id}/channels"),
        Some(json!({"url": "https://zalo.me/g/suoiloi"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(households_with_member(&app, &xa, v).await, 4);

    // A typo corrected over the API: the list shows the new name, the history the old one.
    let (status, body) = send(
        &app,
        &xa,
        reqwest::Method::PATCH,
        &format!("/api/v1/initiatives/{id}"),
        Some(json!({"name": "Tổ Zalo an ninh mạng", "leader_name": "Trần Văn Bình"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "Tổ Zalo an ninh mạng");
    assert_eq!(body["leader_name"], "Trần Văn Bình");
    let (_, list) = app.get_json(&xa, "/api/v1/initiatives").await;
    assert_eq!(names(&list), vec!["Tổ Zalo an ninh mạng"]);
    let (_, home) = html(&app, &xa, "/movement").await;
    assert!(home.contains("Tổ Zalo an ninh mạng") && !home.contains("an nnh"), "the list shows the correction");
    // A correction refused by the checks names the field and changes nothing.
    let before = app.write_count().await;
    let (status, body) =
        send(&app, &xa, reqwest::Method::PATCH, &format!("/api/v1/initiatives/{id}"), Some(json!({"focus": []}))).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("nội dung trọng tâm"), "{body}");
    assert_eq!(app.write_count().await, before);

    // A member count corrected on the page: the target follows at once.
    set_count(&app, &xa, id, v, "6").await;
    assert_eq!(households_with_member(&app, &xa, v).await, 6);

    // A void needs a reason.
    let before = app.write_count().await;
    let (status, _) =
        send(&app, &xa, reqwest::Method::POST, &format!("/api/v1/initiatives/{id}/void"), Some(json!({"reason": " "})))
            .await;
    assert_eq!(status, 422);
    assert_eq!(app.write_count().await, before);
    // Voided: gone from the list and the figures, 404 to the officer, its channel and count with it.
    let (status, _) = send(
        &app,
        &xa,
        reqwest::Method::POST,
        &format!("/api/v1/initiatives/{id}/void"),
        Some(json!({"reason": "Nhập trùng với mô hình đã có"})),
    )
    .await;
    assert_eq!(status, 204);
    let (_, list) = app.get_json(&xa, "/api/v1/initiatives").await;
    assert!(names(&list).is_empty(), "{list}");
    assert_eq!(list["total"], 0);
    assert_eq!(households_with_member(&app, &xa, v).await, 0, "the voided count left the target");
    let (status, _) = app.get_json(&xa, &format!("/api/v1/initiatives/{id}")).await;
    assert_eq!(status, 404);
    let (status, _) = html(&app, &xa, &format!("/movement/initiatives/{id}")).await;
    assert_eq!(status, 404);
    let (status, _) =
        send(&app, &xa, reqwest::Method::PATCH, &format!("/api/v1/initiatives/{id}"), Some(json!({"name": "X"}))).await;
    assert_eq!(status, 404, "a voided initiative takes no correction");
    // The secretariat still sees it, marked void, with nothing hanging on it.
    let (status, detail) = app.get_json(&tinh, &format!("/api/v1/initiatives/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(detail["initiative"]["voided"]["reason"], "Nhập trùng với mô hình đã có");
    assert_eq!(detail["initiative"]["voided"]["by"], "xa");
    assert_eq!(detail["channels"], json!([]), "the channel was voided with it");
    assert_eq!(detail["villages"], json!([]), "the member count was voided with it");
    let (_, page) = html(&app, &tinh, &format!("/movement/initiatives/{id}")).await;
    assert!(page.contains("id=\"voided\"") && page.contains("id=\"restore\""), "marked void, with a restore button");
    assert!(page.contains("«Tổ Zalo an nnh mạng» → «Tổ Zalo an ninh mạng»"), "the history shows the correction");

    // Only the secretariat restores; everything voided with it comes back.
    let before = app.write_count().await;
    let (status, _) = send(&app, &xa, reqwest::Method::POST, &format!("/api/v1/initiatives/{id}/restore"), None).await;
    assert_eq!(status, 403);
    assert_eq!(app.write_count().await, before);
    let (status, body) =
        send(&app, &tinh, reqwest::Method::POST, &format!("/api/v1/initiatives/{id}/restore"), None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("voided").is_none(), "{body}");
    assert_eq!(households_with_member(&app, &xa, v).await, 6);
    let (_, detail) = app.get_json(&xa, &format!("/api/v1/initiatives/{id}")).await;
    assert_eq!(detail["channels"][0]["url"], "https://zalo.me/g/suoiloi");

    // Every step is in the audit log and the initiative's history.
    let actions = audit_actions(&app, id).await;
    for a in ["initiative.edit", "initiative.void", "initiative.restore"] {
        assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
    }
    assert!(app.store.audit_verify().await.unwrap().is_ok(), "the chain holds");
    let history = app.store.initiative_history(id).await.unwrap();
    let steps: Vec<&str> = history.iter().map(|(_, c)| c.action.as_str()).collect();
    assert_eq!(steps, vec!["edit", "void", "restore"]);
}

#[tokio::test]
async fn the_api_document_describes_correct_void_and_restore() {
    let app = TestApp::start().await;
    let doc: Value = app.http.get(format!("{}/api/openapi.json", app.base)).send().await.unwrap().json().await.unwrap();
    let paths = &doc["paths"];
    assert!(paths["/api/v1/initiatives/{id}"]["patch"].is_object(), "PATCH documented");
    assert!(paths["/api/v1/initiatives/{id}/void"]["post"].is_object(), "void documented");
    assert!(paths["/api/v1/initiatives/{id}/restore"]["post"].is_object(), "restore documented");
    let list = &paths["/api/v1/initiatives"]["get"]["parameters"];
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"limit") && names.contains(&"offset"), "the list is paged: {names:?}");
}

#[tokio::test]
async fn another_commune_can_neither_correct_nor_void_nor_restore() {
    let app = TestApp::start().await;
    let b = officer(&app, "xa-b", Role::CommuneOfficer, app.commune_b.0).await;
    let id = create_initiative(&app.store, initiative_input(app.commune_a.0, "Mô hình của xã A")).await;
    let before = app.write_count().await;
    let path = format!("/api/v1/initiatives/{id}");
    assert_eq!(send(&app, &b, reqwest::Method::PATCH, &path, Some(json!({"name": "X"}))).await.0, 404);
    let void = json!({"reason": "Không phải của tôi"});
    assert_eq!(
        send(&app, &b, reqwest::Method::POST, &format!("/api/v1/initiatives/{id}/void"), Some(void)).await.0,
        404
    );
    assert_eq!(html(&app, &b, &format!("/movement/initiatives/{id}/edit")).await.0, 404);
    let (status, _) = post_form(&app, &b, &format!("/movement/initiatives/{id}/void"), &[("reason", "Sai")]).await;
    assert_eq!(status, 404);
    let (status, _) = post_form(&app, &b, &format!("/movement/initiatives/{id}/edit"), &[("name", "X")]).await;
    assert_eq!(status, 404);
    assert_eq!(app.write_count().await, before, "a refused request wrote something");
    let (_, detail) = app.get_json(&app.token("xa-b").await, "/api/v1/initiatives").await;
    assert_eq!(detail["total"], 0);
}

#[tokio::test]
async fn the_pages_correct_void_and_show_the_history() {
    let app = TestApp::start().await;
    let xa = officer(&app, "xa", Role::CommuneOfficer, app.commune_a.0).await;
    let id = create_initiative(&app.store, initiative_input(app.commune_a.0, "Nhóm Zalo thôn Đôngg")).await;
    // The form is pre-filled with the current values.
    let (status, form) = html(&app, &xa, &format!("/movement/initiatives/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(form.contains("value=\"Nhóm Zalo thôn Đôngg\""), "{form}");
    assert!(form.contains("id=\"void-form\""));
    // Refused (no focus): the form comes back with what was typed and the reason.
    let (status, page) = post_form(
        &app,
        &xa,
        &format!("/movement/initiatives/{id}/edit"),
        &[
            ("name", "Nhóm Zalo thôn Đông"),
            ("participant_kind", "joint"),
            ("leader_kind", "other"),
            ("content_kind", "awareness"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("Chọn ít nhất một nội dung trọng tâm") && page.contains("value=\"Nhóm Zalo thôn Đông\""));
    let (status, _) = post_form(
        &app,
        &xa,
        &format!("/movement/initiatives/{id}/edit"),
        &[
            ("name", "Nhóm Zalo thôn Đông"),
            ("participant_kind", "joint"),
            ("leader_kind", "other"),
            ("content_kind", "awareness"),
            ("focus", "drugs"),
            ("criterion_1", "1"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = html(&app, &xa, &format!("/movement/initiatives/{id}?saved=1")).await;
    assert!(page.contains("id=\"saved\""), "the save is confirmed");
    assert!(page.contains("<h1 id=\"initiative-name\">Nhóm Zalo thôn Đông</h1>"));
    assert!(page.contains("data-action=\"edit\"") && page.contains("«Nhóm Zalo thôn Đôngg» → «Nhóm Zalo thôn Đông»"));

    // A channel voided on the page: its link may then be registered again.
    let ch = app.http.post(format!("{}/api/v1/initiatives/{id}/channels", app.base)).bearer_auth(&xa);
    let res = ch.json(&json!({"url": "https://facebook.com/groups/thondong"})).send().await.unwrap();
    let channel: Value = res.json().await.unwrap();
    let cid = channel["id"].as_i64().unwrap().to_string();
    let (status, page) = post_form(
        &app,
        &xa,
        &format!("/movement/initiatives/{id}/channels/void"),
        &[("channel", &cid), ("reason", "")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("Chưa nhập lý do"), "the reason is required");
    let (status, _) = post_form(
        &app,
        &xa,
        &format!("/movement/initiatives/{id}/channels/void"),
        &[("channel", &cid), ("reason", "Nhầm nhóm")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = html(&app, &xa, &format!("/movement/initiatives/{id}")).await;
    assert!(!page.contains("facebook.com/groups/thondong\""), "the voided channel left the page");
    assert!(page.contains("Nhầm nhóm"), "the void and its reason are in the history");
    let res = app
        .http
        .post(format!("{}/api/v1/initiatives/{id}/channels", app.base))
        .bearer_auth(&xa)
        .json(&json!({"url": "https://www.facebook.com/groups/thondong/"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "a voided channel no longer holds its link");

    // The initiative voided from its form: back to the list, gone from it.
    let (status, page) = post_form(&app, &xa, &format!("/movement/initiatives/{id}/void"), &[("reason", "")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"void-error\""));
    let (status, _) =
        post_form(&app, &xa, &format!("/movement/initiatives/{id}/void"), &[("reason", "Đăng ký nhầm")]).await;
    assert_eq!(status, 303);
    let (_, home) = html(&app, &xa, "/movement").await;
    assert!(!home.contains("Nhóm Zalo thôn Đông"));
}

/// A periodic activity report entered with a wrong figure: the initiative's
/// leader voids it with a reason on the page and enters it again; the
/// history and the audit log keep the void. Another commune's officer and a
/// leader not linked to the initiative cannot void it.
#[tokio::test]
async fn a_leader_voids_an_activity_report_entered_by_mistake() {
    let app = TestApp::start().await;
    let xa = officer(&app, "xa", Role::CommuneOfficer, app.commune_a.0).await;
    let xa_b = officer(&app, "xa-b", Role::CommuneOfficer, app.commune_b.0).await;
    let leader = officer(&app, "mohinh", Role::InitiativeLeader, app.commune_a.0).await;
    let other_leader = officer(&app, "mohinh-2", Role::InitiativeLeader, app.commune_a.0).await;
    let id = create_initiative(&app.store, initiative_input(app.commune_a.0, "Nhóm Zalo thôn Bắc")).await;
    let leader_id = app.store.user_by_name("mohinh").await.unwrap().unwrap().id.to_string();
    let (status, _) =
        post_form(&app, &xa, &format!("/movement/initiatives/{id}/leaders"), &[("user", &leader_id)]).await;
    assert_eq!(status, 303, "the commune links the leader");
    let report = [
        ("period_from", "2026-01-01"),
        ("period_to", "2026-03-31"),
        ("posts", "1200"),
        ("reach", "5000"),
        ("reports_received", "3"),
    ];
    let (status, _) = post_form(&app, &leader, &format!("/movement/initiatives/{id}/reports"), &report).await;
    assert_eq!(status, 303);
    let (_, page) = html(&app, &leader, &format!("/movement/initiatives/{id}")).await;
    let rid =
        page.split("data-report=\"").nth(1).and_then(|s| s.split('"').next()).expect("the report's row").to_string();
    assert!(page.contains("1.200"), "the typo is listed");

    let void = format!("/movement/initiatives/{id}/reports/void");
    // Outsiders: another commune does not see it, an unlinked leader is refused; nothing changes.
    let before = app.write_count().await;
    assert_eq!(post_form(&app, &xa_b, &void, &[("report", &rid), ("reason", "Nhầm")]).await.0, 404);
    assert_eq!(post_form(&app, &other_leader, &void, &[("report", &rid), ("reason", "Nhầm")]).await.0, 403);
    assert_eq!(app.write_count().await, before, "a refused void wrote something");
    // A reason is required, and the report must be one of this initiative's.
    let (status, page) = post_form(&app, &leader, &void, &[("report", &rid), ("reason", "")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("Chưa nhập lý do"), "the reason is asked for beside the form");
    let (status, _) = post_form(&app, &leader, &void, &[("report", "999999"), ("reason", "Nhầm")]).await;
    assert_eq!(status, 404);

    let (status, _) = post_form(&app, &leader, &void, &[("report", &rid), ("reason", "Gõ thừa số 0")]).await;
    assert_eq!(status, 303);
    let fixed = [report[0], report[1], ("posts", "120"), report[3], report[4]];
    let (status, _) = post_form(&app, &leader, &format!("/movement/initiatives/{id}/reports"), &fixed).await;
    assert_eq!(status, 303);
    let (_, page) = html(&app, &leader, &format!("/movement/initiatives/{id}")).await;
    assert!(!page.contains("1.200"), "the voided report left the page");
    assert!(page.contains(">120<"), "the report entered again is listed");
    assert!(page.contains("Gõ thừa số 0"), "the void and its reason are in the initiative's history");
    let entries = app.store.audit_recent(Some(&format!("initiative_report:{id}/{rid}")), 10, 0).await.unwrap();
    assert_eq!(entries.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["initiative_report.void"]);
    // Voided once, it cannot be voided again.
    assert_eq!(post_form(&app, &leader, &void, &[("report", &rid), ("reason", "Nhầm")]).await.0, 404);
}

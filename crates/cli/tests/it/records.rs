//! Correcting and voiding plans and resolutions, village activities, page
//! posts and budget entries (issue 18), as the users see them: a corrected
//! budget amount shows in the budget page, its export and the interim
//! review's DOCX, and a voided entry leaves them; a voided resolution drops
//! the target that reads it until the secretariat restores it; another
//! commune's officer and an initiative leader can do none of it and nothing
//! is written; the audit log and each record's history keep every step.

use std::io::Read;

use khienmang_core::auth::Role;
use khienmang_core::org::{Level, NewUnit, UnitAttrs, UnitId};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use khienmang_testkit::fixtures::{TEST_ACTOR, create_unit, day};
use khienmang_testkit::http::TestApp;

async fn officer(app: &TestApp, name: &str, role: Role, scope: UnitId) -> String {
    app.user(name, role, Some(scope)).await;
    app.token(name).await
}

async fn send(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
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

async fn bytes(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.bytes().await.unwrap().to_vec()
}

/// Every text run of the interim review as the secretariat downloads it.
async fn review_texts(app: &TestApp, token: &str) -> Vec<String> {
    let docx = bytes(app, token, "/reviews/interim.docx").await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    doc.descendants().filter(|n| n.has_tag_name("t")).filter_map(|n| n.text()).map(str::to_string).collect()
}

/// Every number of the budget export's sheet by level.
async fn export_numbers(app: &TestApp, token: &str) -> Vec<f64> {
    use calamine::{DataType as _, Reader};
    let xlsx = bytes(app, token, "/budget/export.xlsx").await;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = wb.worksheet_range("Theo cấp").unwrap();
    sheet.rows().flat_map(|r| r.iter().filter_map(|c| c.get_float()).collect::<Vec<_>>()).collect()
}

async fn audit_actions(app: &TestApp, object: &str) -> Vec<String> {
    let entries = app.store.audit_recent(Some(object), 100, 0).await.unwrap();
    entries.into_iter().map(|e| e.action).collect()
}

const TYPO: i64 = 12_500_000_000;
const FIXED: i64 = 12_500_000;

#[tokio::test]
async fn a_corrected_budget_amount_shows_in_the_page_the_export_and_the_review_and_a_void_leaves_them() {
    let app = TestApp::start().await;
    let tinh = officer(&app, "tinh", Role::Secretariat, app.province).await;
    let entry = [
        ("level", "commune"),
        ("line", ""),
        ("stage", "allocation"),
        ("amount", "12.500.000.000"),
        ("from", "2026-03-01"),
        ("to", ""),
        ("note", "Kinh phí tuyên truyền"),
    ];
    let (status, body) = post_form(&app, &tinh, "/budget/entries", &entry).await;
    assert_eq!(status, 303, "{body}");
    let (_, list) = app.get_json(&tinh, "/api/v1/budget/entries").await;
    assert_eq!(list["total"], 1, "{list}");
    let id = list["entries"][0]["id"].as_i64().unwrap();
    assert_eq!(list["entries"][0]["amount"], TYPO);
    assert!(review_texts(&app, &tinh).await.contains(&"12.500.000.000".to_string()), "the typo reached the review");

    // The correction page holds the amount as people write it.
    let (status, page) = html(&app, &tinh, &format!("/budget/entries/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"12.500.000.000\""), "the form is pre-filled");
    // Not a whole non-negative number: refused beside the form, what was typed kept, nothing written.
    let before = app.write_count().await;
    for typed in ["12,5 tỷ", "-12500000", "1e7"] {
        let mut bad = entry;
        bad[3].1 = typed;
        let (status, page) = post_form(&app, &tinh, &format!("/budget/entries/{id}/edit"), &bad).await;
        assert_eq!(status, 422, "{typed}");
        assert!(page.contains("id=\"edit-error\"") && page.contains("không hợp lệ"), "{typed}: the reason is shown");
        assert!(page.contains(&format!("value=\"{typed}\"")), "{typed}: what was typed is kept");
    }
    assert_eq!(app.write_count().await, before);

    // Corrected as people write it: "12 500 000".
    let mut fixed = entry;
    fixed[3].1 = "12 500 000";
    let (status, body) = post_form(&app, &tinh, &format!("/budget/entries/{id}/edit"), &fixed).await;
    assert_eq!(status, 303, "{body}");
    let (_, page) = html(&app, &tinh, "/budget").await;
    assert!(page.contains("12.500.000 đ") && !page.contains("12.500.000.000"), "the budget page shows the correction");
    let (_, summary) = app.get_json(&tinh, "/api/v1/budget/summary").await;
    assert_eq!(summary["total"]["allocated"], FIXED);
    let numbers = export_numbers(&app, &tinh).await;
    assert!(numbers.contains(&(FIXED as f64)) && !numbers.contains(&(TYPO as f64)), "the export: {numbers:?}");
    let texts = review_texts(&app, &tinh).await;
    assert!(texts.contains(&"12.500.000".to_string()), "the review reads the correction: {texts:?}");
    assert!(!texts.contains(&"12.500.000.000".to_string()), "the typo left the review");
    // Its total row counts the amount once (the levels' rows, then the sum).
    assert!(!texts.contains(&"25.000.000".to_string()), "the review's total counts the amount once: {texts:?}");
    // The history shows old and new.
    let (_, page) = html(&app, &tinh, &format!("/budget/entries/{id}/edit")).await;
    // As people read it: the field's label, money with thousands dots and "đ".
    assert!(page.contains("Số tiền: «12.500.000.000 đ» → «12.500.000 đ»"), "the history shows the correction: {page}");
    assert!(!page.contains("amount:"), "no field code in the history");

    // Voided with a reason: it leaves the page, the summary, the export and the review.
    let (status, page) = post_form(&app, &tinh, &format!("/budget/entries/{id}/void"), &[("reason", " ")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"void-error\""), "a void needs a reason");
    let (status, _) = post_form(&app, &tinh, &format!("/budget/entries/{id}/void"), &[("reason", "Nhập trùng")]).await;
    assert_eq!(status, 303);
    let (_, page) = html(&app, &tinh, "/budget").await;
    assert!(!page.contains("12.500.000 đ"), "the voided entry left the budget page");
    let (_, summary) = app.get_json(&tinh, "/api/v1/budget/summary").await;
    assert_eq!(summary["total"]["allocated"], 0);
    assert!(!export_numbers(&app, &tinh).await.contains(&(FIXED as f64)), "the voided entry left the export");
    assert!(!review_texts(&app, &tinh).await.contains(&"12.500.000".to_string()), "it left the review");
    let (_, list) = app.get_json(&tinh, "/api/v1/budget/entries").await;
    assert_eq!(list["total"], 0);
    let (status, one) = app.get_json(&tinh, &format!("/api/v1/budget/entries/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(one["voided"]["reason"], "Nhập trùng", "the secretariat sees it marked void");

    // Restored over the API, corrected again over the API.
    let (status, body) = send(&app, &tinh, Method::POST, &format!("/api/v1/budget/entries/{id}/restore"), None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("voided").is_none());
    let (status, body) =
        send(&app, &tinh, Method::PATCH, &format!("/api/v1/budget/entries/{id}"), Some(json!({"amount": -1}))).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) =
        send(&app, &tinh, Method::PATCH, &format!("/api/v1/budget/entries/{id}"), Some(json!({"amount": 13_000_000})))
            .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["amount"], 13_000_000);
    let (_, summary) = app.get_json(&tinh, "/api/v1/budget/summary").await;
    assert_eq!(summary["total"]["allocated"], 13_000_000);

    // A commune officer reaches none of it, and nothing is written.
    let xa = officer(&app, "xa", Role::CommuneOfficer, app.commune_a.0).await;
    let before = app.write_count().await;
    assert_eq!(app.get_json(&xa, &format!("/api/v1/budget/entries/{id}")).await.0, 403);
    let (status, _) = post_form(&app, &xa, &format!("/budget/entries/{id}/void"), &[("reason", "x")]).await;
    assert_eq!(status, 403);
    let (status, _) =
        send(&app, &xa, Method::PATCH, &format!("/api/v1/budget/entries/{id}"), Some(json!({"amount": 1}))).await;
    assert_eq!(status, 403);
    assert_eq!(app.write_count().await, before);

    // Every step is in the audit log and the entry's history.
    let actions = audit_actions(&app, &format!("budget_entry:{id}")).await;
    for a in ["budget_entry.edit", "budget_entry.void", "budget_entry.restore"] {
        assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
    }
    let history =
        app.store.record_history(khienmang_core::movement::RecordKind::BudgetEntry, &id.to_string()).await.unwrap();
    let steps: Vec<&str> = history.iter().map(|c| c.action.as_str()).collect();
    assert_eq!(steps, vec!["edit", "void", "restore", "edit"]);
    assert!(app.store.audit_verify().await.unwrap().is_ok(), "the chain holds");
}

/// Target `code` of `unit` in 2026 as the targets API shows it to `token`: its numerator (no data reads as 0).
async fn numerator(app: &TestApp, token: &str, unit: UnitId, code: &str) -> i64 {
    let (status, body) = app.get_json(token, &format!("/api/v1/targets?unit={}&year=2026", unit.0)).await;
    assert_eq!(status, 200, "{body}");
    let t = body["targets"].as_array().unwrap().iter().find(|t| t["target"] == code).unwrap().clone();
    t["numerator"].as_i64().unwrap_or(0)
}

#[tokio::test]
async fn a_voided_resolution_drops_its_target_until_the_secretariat_restores_it() {
    let app = TestApp::start().await;
    let commune = app.commune_a.0;
    let xa = officer(&app, "xa", Role::CommuneOfficer, commune).await;
    let tinh = officer(&app, "tinh", Role::Secretariat, app.province).await;
    let xb = officer(&app, "xb", Role::CommuneOfficer, app.commune_b.0).await;
    let leader = officer(&app, "mohinh", Role::InitiativeLeader, commune).await;

    // Entered as a plan by mistake: 2.2 counts it, 2.1 does not.
    let (status, doc) = send(
        &app,
        &xa,
        Method::POST,
        "/api/v1/documents",
        Some(json!({"unit_id": commune.0, "kind": "plan", "number": "05-NQ/ĐU", "title": "Nghị quyết chuyên đề",
            "issued_on": "2026-02-10", "year": 2026})),
    )
    .await;
    assert_eq!(status, 201, "{doc}");
    let id = doc["id"].as_i64().unwrap();
    assert_eq!((numerator(&app, &xa, commune, "2.1").await, numerator(&app, &xa, commune, "2.2").await), (0, 1));

    // Corrected on its page to a resolution: the targets follow at once.
    let (status, page) = html(&app, &xa, &format!("/movement/documents/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"05-NQ/ĐU\""), "the form is pre-filled");
    let (status, body) = send(
        &app,
        &xa,
        Method::PATCH,
        &format!("/api/v1/documents/{id}"),
        Some(json!({"kind": "resolution", "number": "05-NQ/ĐU "})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["kind"].as_str(), body["number"].as_str()), (Some("resolution"), Some("05-NQ/ĐU")));
    assert_eq!((numerator(&app, &xa, commune, "2.1").await, numerator(&app, &xa, commune, "2.2").await), (1, 0));
    let before = app.write_count().await;
    let (status, body) =
        send(&app, &xa, Method::PATCH, &format!("/api/v1/documents/{id}"), Some(json!({"number": "  "}))).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("số văn bản"), "the refusal names the field: {body}");
    assert_eq!(app.write_count().await, before);

    // Another commune's officer and an initiative leader: nothing read, nothing changed.
    let before = app.write_count().await;
    assert_eq!(app.get_json(&xb, &format!("/api/v1/documents/{id}")).await.0, 404);
    assert_eq!(html(&app, &xb, &format!("/movement/documents/{id}/edit")).await.0, 404);
    let (_, list) = app.get_json(&xb, "/api/v1/documents").await;
    assert_eq!(list["total"], 0, "not in another commune's list");
    for (token, want) in [(&xb, 404), (&leader, 403)] {
        let (status, _) =
            send(&app, token, Method::PATCH, &format!("/api/v1/documents/{id}"), Some(json!({"title": "X"}))).await;
        assert_eq!(status, want);
        let (status, _) = send(
            &app,
            token,
            Method::POST,
            &format!("/api/v1/documents/{id}/void"),
            Some(json!({"reason": "Không phải của tôi"})),
        )
        .await;
        assert_eq!(status, want);
        let (status, _) =
            post_form(&app, token, &format!("/movement/documents/{id}/void"), &[("reason", "Không phải của tôi")])
                .await;
        assert_eq!(status, want);
        assert_eq!(html(&app, token, &format!("/movement/documents/{id}/edit")).await.0, want);
    }
    let anonymous = app.http.get(format!("{}/api/v1/documents/{id}", app.base)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.write_count().await, before);

    // Voided on its page with a reason: gone from the list and the target, 404 to the officer.
    let (status, page) = post_form(&app, &xa, &format!("/movement/documents/{id}/void"), &[("reason", "")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"void-error\""));
    let (status, _) =
        post_form(&app, &xa, &format!("/movement/documents/{id}/void"), &[("reason", "Nhập trùng nghị quyết")]).await;
    assert_eq!(status, 303);
    assert_eq!(numerator(&app, &xa, commune, "2.1").await, 0, "the voided resolution left target 2.1");
    let (_, page) = html(&app, &xa, "/movement/documents?voided=1").await;
    assert!(
        !page.contains("05-NQ/ĐU") && page.contains("id=\"voided-done\""),
        "gone from the list, the void confirmed"
    );
    assert_eq!(app.get_json(&xa, &format!("/api/v1/documents/{id}")).await.0, 404);
    let (status, _) =
        send(&app, &xa, Method::PATCH, &format!("/api/v1/documents/{id}"), Some(json!({"title": "X"}))).await;
    assert_eq!(status, 404, "a voided document takes no correction");
    // The secretariat sees it marked void; only the secretariat restores it.
    let (status, seen) = app.get_json(&tinh, &format!("/api/v1/documents/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(seen["voided"]["reason"], "Nhập trùng nghị quyết");
    assert_eq!(seen["voided"]["by"], "xa");
    let (_, page) = html(&app, &tinh, &format!("/movement/documents/{id}/edit")).await;
    assert!(page.contains("id=\"voided\"") && page.contains("id=\"restore\""), "marked void, with a restore button");
    let before = app.write_count().await;
    assert_eq!(send(&app, &xa, Method::POST, &format!("/api/v1/documents/{id}/restore"), None).await.0, 403);
    assert_eq!(post_form(&app, &xa, &format!("/movement/documents/{id}/restore"), &[]).await.0, 403);
    assert_eq!(app.write_count().await, before);
    let (status, _) = post_form(&app, &tinh, &format!("/movement/documents/{id}/restore"), &[]).await;
    assert_eq!(status, 303);
    assert_eq!(numerator(&app, &xa, commune, "2.1").await, 1, "restored, it counts again");
    let (_, list) = app.get_json(&xa, "/api/v1/documents").await;
    assert_eq!(list["total"], 1);

    let actions = audit_actions(&app, &format!("document:{id}")).await;
    for a in ["document.create", "document.edit", "document.void", "document.restore"] {
        assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
    }
    let (_, page) = html(&app, &xa, &format!("/movement/documents/{id}/edit")).await;
    assert!(page.contains("Loại: «Kế hoạch» → «Nghị quyết chuyên đề»"), "the history shows the correction: {page}");
}

async fn village(app: &TestApp, commune: UnitId, name: &str) -> UnitId {
    let unit = NewUnit {
        attrs: UnitAttrs { households: Some(100), ..Default::default() },
        ..NewUnit::new(name, Level::Village, Some(commune))
    };
    create_unit(&app.store, TEST_ACTOR, unit, day("2025-07-01")).await.unwrap()
}

#[tokio::test]
async fn village_activities_and_page_posts_are_corrected_and_voided_in_their_scope() {
    let app = TestApp::start().await;
    let commune = app.commune_a.0;
    let v = village(&app, commune, "Thôn Hoạt Động").await;
    let xa = officer(&app, "xa", Role::CommuneOfficer, commune).await;
    let xb = officer(&app, "xb", Role::CommuneOfficer, app.commune_b.0).await;

    let (status, a) = send(
        &app,
        &xa,
        Method::POST,
        "/api/v1/activities",
        Some(json!({"village_id": v.0, "held_on": "2026-04-02", "title": "Buoi noi chuyen an ninh mang", "participants": 400})),
    )
    .await;
    assert_eq!(status, 201, "{a}");
    let aid = a["id"].as_i64().unwrap();
    assert_eq!(numerator(&app, &xa, v, "2.6").await, 1);
    // Corrected on its page: 40 people, not 400, and the title's diacritics.
    let (village_id, participants) = (v.0.to_string(), "40");
    let form = [
        ("village", village_id.as_str()),
        ("held_on", "2026-04-02"),
        ("title", "Buổi nói chuyện an ninh mạng"),
        ("participants", participants),
    ];
    let (status, body) = post_form(&app, &xa, &format!("/movement/activities/{aid}/edit"), &form).await;
    assert_eq!(status, 303, "{body}");
    let (_, one) = app.get_json(&xa, &format!("/api/v1/activities/{aid}")).await;
    assert_eq!((one["participants"].as_i64(), one["title"].as_str()), (Some(40), Some("Buổi nói chuyện an ninh mạng")));
    // A negative head count is refused beside the form.
    let mut bad = form;
    bad[3].1 = "-4";
    let (status, page) = post_form(&app, &xa, &format!("/movement/activities/{aid}/edit"), &bad).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"edit-error\"") && page.contains("value=\"-4\""));

    let (status, p) = send(
        &app,
        &xa,
        Method::POST,
        "/api/v1/posts",
        Some(json!({"unit_id": commune.0, "posted_on": "2026-04-03", "title": "Canh giac cuoc goi gia danh"})),
    )
    .await;
    assert_eq!(status, 201, "{p}");
    let pid = p["id"].as_i64().unwrap();
    let (status, body) = send(
        &app,
        &xa,
        Method::PATCH,
        &format!("/api/v1/posts/{pid}"),
        Some(json!({"title": "Cảnh giác cuộc gọi giả danh", "url": "https://example.vn/bai"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["url"], "https://example.vn/bai");
    let (status, body) =
        send(&app, &xa, Method::PATCH, &format!("/api/v1/posts/{pid}"), Some(json!({"url": "javascript:alert(1)"})))
            .await;
    assert_eq!(status, 422, "{body}");

    // Another commune can do nothing with either.
    let before = app.write_count().await;
    for path in [format!("/api/v1/activities/{aid}"), format!("/api/v1/posts/{pid}")] {
        assert_eq!(app.get_json(&xb, &path).await.0, 404);
        let (status, _) = send(&app, &xb, Method::PATCH, &path, Some(json!({"title": "X"}))).await;
        assert_eq!(status, 404);
        let (status, _) = send(&app, &xb, Method::POST, &format!("{path}/void"), Some(json!({"reason": "x"}))).await;
        assert_eq!(status, 404);
    }
    assert_eq!(app.write_count().await, before);

    // Voided: gone from the lists and target 2.6.
    let (status, _) =
        send(&app, &xa, Method::POST, &format!("/api/v1/activities/{aid}/void"), Some(json!({"reason": "Trùng"})))
            .await;
    assert_eq!(status, 204);
    let (status, _) = post_form(&app, &xa, &format!("/movement/posts/{pid}/void"), &[("reason", "Trùng")]).await;
    assert_eq!(status, 303);
    assert_eq!(numerator(&app, &xa, v, "2.6").await, 0, "the voided activity left target 2.6");
    assert_eq!(app.get_json(&xa, "/api/v1/activities").await.1["total"], 0);
    assert_eq!(app.get_json(&xa, "/api/v1/posts").await.1["total"], 0);
    let (_, page) = html(&app, &xa, "/movement/activities").await;
    assert!(
        !page.contains("Buổi nói chuyện an ninh mạng") && !page.contains("Cảnh giác cuộc gọi giả danh"),
        "gone from the lists"
    );

    for (object, actions) in [
        (format!("activity:{aid}"), ["activity.create", "activity.edit", "activity.void"]),
        (format!("post:{pid}"), ["post.create", "post.edit", "post.void"]),
    ] {
        let found = audit_actions(&app, &object).await;
        for a in actions {
            assert!(found.iter().any(|x| x == a), "{a} missing from {found:?}");
        }
    }
}

#[tokio::test]
async fn the_api_document_describes_the_records_correct_void_and_restore() {
    let app = TestApp::start().await;
    let doc: Value = app.http.get(format!("{}/api/openapi.json", app.base)).send().await.unwrap().json().await.unwrap();
    let paths = &doc["paths"];
    for base in ["/api/v1/documents", "/api/v1/activities", "/api/v1/posts", "/api/v1/budget/entries"] {
        assert!(paths[base]["get"].is_object() && paths[base]["post"].is_object(), "{base}: list and create");
        let one = format!("{base}/{{id}}");
        assert!(paths[&one]["get"].is_object() && paths[&one]["patch"].is_object(), "{one}: read and correct");
        assert!(paths[&format!("{one}/void")]["post"].is_object(), "{one}/void");
        assert!(paths[&format!("{one}/restore")]["post"].is_object(), "{one}/restore");
        let params = &paths[base]["get"]["parameters"];
        let names: Vec<&str> = params.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"limit") && names.contains(&"offset"), "{base} is paged: {names:?}");
    }
}

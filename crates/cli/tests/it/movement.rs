//! The movement's registry through its pages and API: registering an
//! initiative, one guiding unit per channel however its link is written,
//! the lifecycle, the members upload (dry run, then commit) with households
//! counted once, the audited member list, the scope, and attachments judged
//! by their bytes.

use khienmang_core::auth::Role;
use khienmang_core::movement::Stage;
use khienmang_core::org::{Level, NewUnit, UnitAttrs, UnitId};
use khienmang_core::time::Timestamp;
use khienmang_store::movement::{InitiativeInput, NewMember};
use reqwest::multipart::{Form, Part};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::json;

use khienmang_testkit::fixtures::{TEST_ACTOR, create_initiative, create_unit, day, initiative_input};
use khienmang_testkit::http::TestApp;

/// Creates a village with an official code under `commune`.
async fn village(app: &TestApp, commune: UnitId, name: &str, code: &str) -> UnitId {
    let unit = NewUnit {
        code: Some(code.into()),
        unit_type: Some("Thôn".into()),
        attrs: UnitAttrs { households: Some(300), ..Default::default() },
        ..NewUnit::new(name, Level::Village, Some(commune))
    };
    create_unit(&app.store, TEST_ACTOR, unit, day("2025-07-01")).await.unwrap()
}

/// An initiative registered straight in the store (for tests about something else).
async fn initiative(app: &TestApp, unit: UnitId, name: &str, stage: Stage) -> i64 {
    create_initiative(&app.store, InitiativeInput { stage, ..initiative_input(unit, name) }).await
}

async fn post_form(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).form(form).send().await.unwrap();
    let status = res.status().as_u16();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (status, location, res.text().await.unwrap())
}

async fn get_html(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn officer(app: &TestApp, name: &str, commune: UnitId) -> String {
    app.user(name, Role::CommuneOfficer, Some(commune)).await;
    app.token(name).await
}

async fn unit_name(app: &TestApp, unit: UnitId) -> String {
    app.store.unit_versions(unit).await.unwrap().pop().unwrap().name
}

#[tokio::test]
async fn an_initiative_is_registered_through_the_form() {
    let app = TestApp::start().await;
    let t = officer(&app, "xa", app.commune_a.0).await;
    let unit = app.commune_a.0.0.to_string();
    let (status, form) = get_html(&app, &t, "/movement/initiatives/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("Thu hút đông đảo quần chúng Nhân dân tham gia"), "the criteria in the document's words");
    assert!(form.contains("<legend>"), "checkbox groups are fieldsets");

    let mut fields = vec![
        ("unit", unit.as_str()),
        ("name", "Tổ Zalo an ninh mạng thôn Đông"),
        ("leader", "Nguyễn Thị Hoa"),
        ("participant_kind", "locality_linked"),
        ("leader_kind", "other"),
        ("content_kind", "awareness"),
        ("focus", "anti_fraud"),
        ("focus", "fake_news"),
        ("criterion_1", "1"),
        ("criterion_3", "1"),
        ("description", "Nhóm Zalo của thôn"),
        ("stage", "active"),
        ("since", "2025-09-02"),
    ];
    // Without a name the form comes back with the message and what was typed.
    let mut missing = fields.clone();
    missing.retain(|(k, _)| *k != "name");
    let before = app.write_count().await;
    let (status, _, html) = post_form(&app, &t, "/movement/initiatives", &missing).await;
    assert_eq!(status, 422);
    assert!(html.contains("Chưa nhập tên mô hình") && html.contains("Nguyễn Thị Hoa"), "{html}");
    assert!(html.contains("value=\"fake_news\" checked"), "the ticked focus stays ticked");
    assert_eq!(app.write_count().await, before);

    let (status, location, _) = post_form(&app, &t, "/movement/initiatives", &fields).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/movement/initiatives/"), "{location}");
    let (status, page) = get_html(&app, &t, &location).await;
    assert_eq!(status, 200);
    assert!(page.contains("Tổ Zalo an ninh mạng thôn Đông") && page.contains("Nguyễn Thị Hoa"));
    assert!(page.contains("Tuyên truyền phòng, chống tin giả"), "the focus is shown");
    // The unmet criterion (2) is named on the page.
    let unmet = &page[page.find("id=\"criteria-unmet\"").unwrap()..];
    assert!(unmet.contains("Thu hút đông đảo"), "{unmet}");
    assert!(page.contains("data-stage=\"active\""));

    // Found by a search without diacritics; listed by the API.
    let (_, home) = get_html(&app, &t, "/movement?q=zalo+an+ninh+mang").await;
    assert!(home.contains("Tổ Zalo an ninh mạng thôn Đông"), "{home}");
    let (_, list) = app.get_json(&t, "/api/v1/initiatives").await;
    let list = &list["initiatives"];
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["criteria"]["mass_participation"], false);
    assert_eq!(list[0]["focus"], json!(["anti_fraud", "fake_news"]));

    // Registering one for another commune is refused as if it did not exist.
    let other = app.commune_b.0.0.to_string();
    fields[0] = ("unit", other.as_str());
    let before = app.write_count().await;
    let (status, _, _) = post_form(&app, &t, "/movement/initiatives", &fields).await;
    assert_eq!(status, 404);
    assert_eq!(app.write_count().await, before);
}

#[tokio::test]
async fn the_same_channel_under_another_spelling_is_refused_naming_its_guiding_unit() {
    let app = TestApp::start().await;
    let ta = officer(&app, "xa-a", app.commune_a.0).await;
    let tb = officer(&app, "xa-b", app.commune_b.0).await;
    let a = initiative(&app, app.commune_a.0, "Nhóm Facebook phường A", Stage::Active).await;
    let b = initiative(&app, app.commune_b.0, "Nhóm Facebook xã B", Stage::Active).await;
    let guide = unit_name(&app, app.commune_a.0).await;

    let path = |i: i64| format!("/movement/initiatives/{i}/channels");
    let (status, location, _) =
        post_form(&app, &ta, &path(a), &[("url", "https://www.facebook.com/groups/123456/"), ("audience", "1.250")])
            .await;
    assert_eq!(status, 303);
    assert!(location.ends_with("#channels"));

    let (status, _, html) =
        post_form(&app, &tb, &path(b), &[("url", "m.facebook.com/groups/123456?ref=share"), ("audience", "")]).await;
    assert_eq!(status, 422);
    assert!(html.contains(&guide), "the page names {guide}: {html}");
    assert!(html.contains("id=\"channel-error\""));
    assert!(html.contains("m.facebook.com/groups/123456?ref=share"), "the link typed is shown again");

    // The API refuses it the same way, in JSON.
    let res = app
        .http
        .post(format!("{}/api/v1/initiatives/{b}/channels", app.base))
        .bearer_auth(&tb)
        .json(&json!({"url": "https://facebook.com/groups/123456", "audience": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains(&guide), "{body}");

    // One channel in all; a different one is accepted through the API.
    let n: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM initiative_channels")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
    let res = app
        .http
        .post(format!("{}/api/v1/initiatives/{b}/channels", app.base))
        .bearer_auth(&tb)
        .json(&json!({"url": "https://zalo.me/g/abcxyz"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let (_, detail) = app.get_json(&tb, &format!("/api/v1/initiatives/{b}")).await;
    assert_eq!(detail["channels"][0]["platform"], "zalo");
}

#[tokio::test]
async fn a_stage_move_that_is_not_allowed_is_refused() {
    let app = TestApp::start().await;
    let t = officer(&app, "xa", app.commune_a.0).await;
    let i = initiative(&app, app.commune_a.0, "Mô hình đề xuất", Stage::Proposed).await;
    let path = format!("/movement/initiatives/{i}/stage");

    let (_, page) = get_html(&app, &t, &format!("/movement/initiatives/{i}")).await;
    assert!(page.contains("value=\"active\"") && !page.contains("value=\"replicated\""), "only allowed moves offered");

    let (status, _, html) = post_form(&app, &t, &path, &[("stage", "replicated"), ("on", "2025-10-01")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("Không thể chuyển mô hình"), "{html}");
    assert_eq!(app.store.initiative(i).await.unwrap().unwrap().stage, Stage::Proposed);
    // Nor may a move go back before the current stage's date.
    let (status, _, html) = post_form(&app, &t, &path, &[("stage", "active"), ("on", "2025-01-01")]).await;
    assert_eq!(status, 422, "{html}");

    let (status, _, _) = post_form(&app, &t, &path, &[("stage", "active"), ("on", "2025-10-01")]).await;
    assert_eq!(status, 303);
    let (status, _, _) = post_form(&app, &t, &path, &[("stage", "dissolved"), ("on", "2026-01-05")]).await;
    assert_eq!(status, 303);
    let (status, _, html) = post_form(&app, &t, &path, &[("stage", "active"), ("on", "2026-02-01")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("mô hình mới"), "a dissolved initiative does not come back: {html}");
    assert_eq!(app.store.initiative_stages(i).await.unwrap().len(), 3);
}

/// A member list as officials fill the template: a title row, a note, the
/// headings on row 3, data from row 4.
fn members_xlsx(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.merge_range(0, 0, 0, 4, "DANH SÁCH THÀNH VIÊN MÔ HÌNH", &Format::new().set_bold()).unwrap();
    ws.write_string(1, 0, "Ghi từ dòng 4").unwrap();
    for (c, h) in ["Họ và tên", "Mã thôn", "Hộ gia đình", "Năm tham gia", "Năm rời"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(3 + r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn upload(app: &TestApp, token: &str, path: &str, name: &str, bytes: Vec<u8>) -> (u16, String) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).multipart(form).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn commit_path(html: &str) -> String {
    let at = html.find("action=\"/movement/initiatives/").unwrap() + "action=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_members_upload_is_checked_first_and_counts_each_household_once() {
    let app = TestApp::start().await;
    let t = officer(&app, "xa", app.commune_a.0).await;
    let dong = village(&app, app.commune_a.0, "Thôn Đông", "07210-001").await;
    village(&app, app.commune_b.0, "Thôn Ngoài", "99999-001").await;
    let i = initiative(&app, app.commune_a.0, "Tổ tự quản an ninh mạng", Stage::Active).await;
    let file = members_xlsx(&[
        ["Nguyễn Văn An", "07210-001", "Nguyễn Văn An, số 12", "2025", ""],
        ["Trần Thị Bình", "07210-001", "nguyen van an  so 12", "2025", ""],
        ["Lê Văn Cường", "07210-001", "Lê Văn Cường, số 3", "2024", ""],
        ["Phạm Thị Dung", "07210-001", "Lê Văn Cường - Số 3", "2025", ""],
        ["Hoàng Văn Em", "07210-001", "Hoàng Văn Em", "năm ngoái", ""],
        ["Vũ Thị Giang", "00000-404", "Vũ Thị Giang", "2025", ""],
        ["Đỗ Văn Hải", "99999-001", "Đỗ Văn Hải", "2025", ""],
    ]);
    let before = app.write_count().await;
    let path = format!("/movement/initiatives/{i}/members/import");
    let (status, html) = upload(&app, &t, &path, "thanh-vien.xlsx", file).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("data-valid-rows=\"4\"") && html.contains("data-error-rows=\"3\""), "{html}");
    assert!(html.contains("data-households=\"2\""), "two households among the valid rows: {html}");
    // Bad rows are named by the line Excel shows (data starts on row 4).
    for line in ["Dòng 8", "Dòng 9", "Dòng 10"] {
        assert!(html.contains(line), "{line} in {html}");
    }
    assert!(html.contains("00000-404") && html.contains("không thuộc phạm vi quản lý"), "{html}");
    assert_eq!(app.write_count().await, before, "a dry run writes nothing");

    let commit = commit_path(&html);
    let (status, _, refused) = post_form(&app, &t, &commit, &[("mode", "all")]).await;
    assert_eq!(status, 422, "import all is refused while a row is bad");
    assert!(refused.contains("data-error-rows=\"3\""));
    assert_eq!(app.write_count().await, before);
    let (status, _, done) = post_form(&app, &t, &commit, &[("mode", "valid")]).await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("data-imported=\"4\""), "{done}");

    let (_, page) = get_html(&app, &t, &format!("/movement/initiatives/{i}")).await;
    let row = format!("data-village=\"{}\" data-year=\"2024\" data-members=\"4\" data-households=\"2\"", dong.0);
    assert!(page.contains(&row), "village counts: {page}");
    assert!(page.contains("id=\"listed-members\">4<"));
    // The staged file is gone once imported; the same file again finds every member listed already.
    let (status, _, _) = post_form(&app, &t, &commit, &[("mode", "valid")]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn viewing_the_member_list_is_audited() {
    let app = TestApp::start().await;
    let t = officer(&app, "xa", app.commune_a.0).await;
    let v = village(&app, app.commune_a.0, "Thôn Tây", "07210-002").await;
    let i = initiative(&app, app.commune_a.0, "Nhóm Zalo thôn Tây", Stage::Active).await;
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    let member = |name: &str, household| NewMember {
        village: v,
        full_name: name.into(),
        household,
        joined_year: 2025,
        left_year: None,
    };
    tx.add_members(i, &[member("Ngô Thị Lan", 1), member("Ngô Văn Minh", 1)]).await.unwrap();
    tx.commit().await.unwrap();

    let object = format!("initiative:{i}");
    let viewed = |entries: Vec<khienmang_core::audit::AuditEntry>| {
        entries.iter().filter(|e| e.action == "personal_data.view" && e.actor == "xa").count()
    };
    assert_eq!(viewed(app.store.audit_recent(Some(&object), 100, 0).await.unwrap()), 0);
    let (status, html) = get_html(&app, &t, &format!("/movement/initiatives/{i}/members")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Ngô Thị Lan") && html.contains("data-count=\"2\""), "{html}");
    assert_eq!(viewed(app.store.audit_recent(Some(&object), 100, 0).await.unwrap()), 1);
    // The initiative's own page shows counts only, and is not a view of personal data.
    let (_, page) = get_html(&app, &t, &format!("/movement/initiatives/{i}")).await;
    assert!(!page.contains("Ngô Thị Lan"));
    assert_eq!(viewed(app.store.audit_recent(Some(&object), 100, 0).await.unwrap()), 1);
}

#[tokio::test]
async fn a_commune_officer_cannot_read_or_change_another_communes_initiative() {
    let app = TestApp::start().await;
    let t = officer(&app, "xa-a", app.commune_a.0).await;
    let theirs = initiative(&app, app.commune_b.0, "Mô hình của xã khác", Stage::Active).await;
    let ours = initiative(&app, app.commune_a.0, "Mô hình của mình", Stage::Active).await;
    let before = app.write_count().await;

    for path in ["", "/members"] {
        let (status, _) = get_html(&app, &t, &format!("/movement/initiatives/{theirs}{path}")).await;
        assert_eq!(status, 404, "GET {path}");
    }
    let (status, _) = app.get_json(&t, &format!("/api/v1/initiatives/{theirs}")).await;
    assert_eq!(status, 404);
    let changes: [(&str, &[(&str, &str)]); 6] = [
        ("stage", &[("stage", "ended"), ("on", "2026-01-01")]),
        ("channels", &[("url", "https://zalo.me/g/khac")]),
        ("groups", &[("group_name", "Tổ 1")]),
        ("participants", &[("unit", "1"), ("from_year", "2025")]),
        ("counts", &[("village", "1"), ("year", "2025"), ("members", "1"), ("households", "1")]),
        ("reports", &[("period_from", "2025-01-01"), ("period_to", "2025-06-30")]),
    ];
    for (what, form) in changes {
        let (status, _, _) = post_form(&app, &t, &format!("/movement/initiatives/{theirs}/{what}"), form).await;
        assert_eq!(status, 404, "POST {what}");
    }
    let (status, _) = upload(
        &app,
        &t,
        &format!("/movement/initiatives/{theirs}/members/import"),
        "m.xlsx",
        members_xlsx(&[["A", "07210-001", "A", "2025", ""]]),
    )
    .await;
    assert_eq!(status, 404, "an upload into another commune's initiative");
    let res = app
        .http
        .post(format!("{}/api/v1/initiatives/{theirs}/channels", app.base))
        .bearer_auth(&t)
        .json(&json!({"url": "https://zalo.me/g/khac"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(app.write_count().await, before, "a refused request wrote something");

    // The lists show only the officer's own commune.
    let (_, list) = app.get_json(&t, "/api/v1/initiatives").await;
    let ids: Vec<i64> = list["initiatives"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![ours]);
    let (_, home) = get_html(&app, &t, "/movement").await;
    assert!(home.contains("Mô hình của mình") && !home.contains("Mô hình của xã khác"));
}

fn document_form(unit: UnitId, name: &str, bytes: Vec<u8>) -> Form {
    Form::new()
        .text("unit", unit.0.to_string())
        .text("kind", "plan")
        .text("number", "12/KH-UBND")
        .text("title", "Kế hoạch xây dựng phong trào năm 2026")
        .text("issued_on", "2026-02-01")
        .text("year", "2026")
        .part("file", Part::bytes(bytes).file_name(name.to_string()))
}

#[tokio::test]
async fn a_document_is_judged_by_its_bytes_and_served_only_as_a_download() {
    let app = TestApp::start().await;
    let t = officer(&app, "xa-a", app.commune_a.0).await;
    let tb = officer(&app, "xa-b", app.commune_b.0).await;
    let send = |token: String, form: Form| {
        let req = app.http.post(format!("{}/movement/documents", app.base)).bearer_auth(token).multipart(form);
        async move {
            let res = req.send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let before = app.write_count().await;
    let fake = b"<html><script>alert(1)</script> day khong phai PDF".to_vec();
    let (status, html) = send(t.clone(), document_form(app.commune_a.0, "ke-hoach.pdf", fake)).await;
    assert_eq!(status, 422);
    assert!(html.contains("không phải là tệp .pdf thật"), "{html}");
    assert!(html.contains("12/KH-UBND"), "what was typed is kept");
    assert_eq!(app.write_count().await, before);
    let big = [b"%PDF-1.7\n".to_vec(), vec![b'0'; 10 * 1024 * 1024]].concat();
    let (status, html) = send(t.clone(), document_form(app.commune_a.0, "lon.pdf", big)).await;
    assert_eq!(status, 422);
    assert!(html.contains("10 MB"), "{html}");

    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF".to_vec();
    let (status, _) = send(t.clone(), document_form(app.commune_a.0, "Kế hoạch số 12.pdf", pdf.clone())).await;
    assert_eq!(status, 303);
    let id: i64 =
        sqlx::query_scalar("SELECT MAX(id) FROM movement_documents").fetch_one(app.store.pool()).await.unwrap();
    let res = app.http.get(format!("{}/movement/documents/{id}/file", app.base)).bearer_auth(&t).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers();
    assert_eq!(h["content-type"], "application/pdf");
    assert!(h["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    // Another commune can neither download it nor file a document for this one.
    let res = app.http.get(format!("{}/movement/documents/{id}/file", app.base)).bearer_auth(&tb).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let (status, _) = send(tb.clone(), document_form(app.commune_a.0, "x.pdf", b"%PDF-1.4".to_vec())).await;
    assert_eq!(status, 404);
    let (_, list) = get_html(&app, &tb, "/movement/documents").await;
    assert!(!list.contains("12/KH-UBND"));
}

#[tokio::test]
async fn people_trainings_voices_and_activities_are_recorded_in_the_scope() {
    let app = TestApp::start().await;
    let t = officer(&app, "xa", app.commune_a.0).await;
    let v = village(&app, app.commune_a.0, "Thôn Bắc", "07210-003").await;
    let unit = app.commune_a.0.0.to_string();
    let people = "Họ và tên,Mã đơn vị,Vai trò,Chức vụ,Năm\n\
                  Trần Văn Bảo,07210,Báo cáo viên pháp luật,Phó Chủ tịch,2025\n\
                  Lê Thị Cúc,07210,Người đứng đầu mô hình,,2025\n\
                  Mai Văn Đức,07210,Thủ quỹ,,2025\n";
    let (status, html) = upload(&app, &t, "/movement/people/import", "nguoi.csv", people.as_bytes().to_vec()).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("data-valid-rows=\"2\"") && html.contains("Dòng 4"), "{html}");
    let at = html.find("action=\"/movement/people/import/").unwrap() + "action=\"".len();
    let commit = html[at..].split('"').next().unwrap().to_string();
    let (status, _, done) = post_form(&app, &t, &commit, &[("mode", "valid")]).await;
    assert_eq!(status, 200);
    assert!(done.contains("data-imported=\"2\""));
    let listed = app.store.people_under(app.commune_a.0, None).await.unwrap();
    let bao = listed.iter().find(|p| p.full_name == "Trần Văn Bảo").unwrap().id;

    let (status, _, _) = post_form(&app, &t, &format!("/movement/people/{bao}/update"), &[("year", "2026")]).await;
    assert_eq!(status, 303);
    let (status, _, _) = post_form(
        &app,
        &t,
        "/movement/trainings",
        &[("unit", &unit), ("title", "Tập huấn kỹ năng số"), ("held_on", "2026-03-10"), ("attendee", &bao.to_string())],
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = get_html(&app, &t, "/movement/trainings").await;
    assert!(page.contains("Tập huấn kỹ năng số"));

    let (status, _, _) = post_form(
        &app,
        &t,
        "/movement/voices",
        &[("unit", &unit), ("full_name", "Nghệ sĩ Quan họ"), ("where", "in"), ("year", "2026")],
    )
    .await;
    assert_eq!(status, 303);
    let voice = app.store.voices_under(app.commune_a.0).await.unwrap()[0].id;
    let (status, _, html) = post_form(&app, &t, &format!("/movement/voices/{voice}/enlist"), &[("year", "2026")]).await;
    assert_eq!(status, 422, "no consent on record");
    assert!(html.contains("đồng thuận"), "{html}");

    let (status, _, _) = post_form(
        &app,
        &t,
        "/movement/activities",
        &[("village", &v.0.to_string()), ("held_on", "2026-04-01"), ("title", "Tuyên truyền chống lừa đảo")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _, _) = post_form(
        &app,
        &t,
        "/movement/posts",
        &[("unit", &unit), ("posted_on", "2026-04-02"), ("post_title", "Cảnh báo"), ("url", "javascript:alert(1)")],
    )
    .await;
    assert_eq!(status, 422, "only web links");
    let (status, _, _) = post_form(
        &app,
        &t,
        "/movement/posts",
        &[("unit", &unit), ("posted_on", "2026-04-02"), ("post_title", "Cảnh báo"), ("url", "https://example.vn/a")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = get_html(&app, &t, "/movement/activities").await;
    let posts = &page[page.find("id=\"post-list\"").unwrap()..];
    assert!(posts.contains(&unit_name(&app, app.commune_a.0).await), "a post names its own unit: {posts}");

    // A village taking part in an initiative is named on the initiative's page.
    let i = initiative(&app, app.commune_a.0, "Mô hình liên thôn", Stage::Active).await;
    let form = [("unit", v.0.to_string()), ("from_year", "2026".to_string())];
    let (status, _, _) = post_form(
        &app,
        &t,
        &format!("/movement/initiatives/{i}/participants"),
        &form.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = get_html(&app, &t, &format!("/movement/initiatives/{i}")).await;
    assert!(page.contains("Thôn Bắc <span class=\"muted\">(2026–)</span>"), "{page}");
    let (status, _, _) = post_form(&app, &t, "/movement/reports", &[("unit", &unit), ("year", "2026")]).await;
    assert_eq!(status, 303);
    assert_eq!(app.store.unit_report_years(app.commune_a.0).await.unwrap(), vec![2026]);
    let (_, home) = get_html(&app, &t, "/movement").await;
    assert!(home.contains("id=\"reported-years\">2026<"), "{home}");
}

//! Onboarding many accounts from a list, and an initiative leader's links
//! from its account page. The dry run shows each row's outcome with its
//! refusal beside it and writes nothing; the confirmation creates every
//! account or none, each with a temporary password that must be changed at
//! the first sign-in, shown once on the printable sheet (audited) and never
//! again; a role above the creator's or a unit outside its subtree is
//! refused per row; a crafted workbook is refused before it costs anything.

use khienmang_core::auth::Role;
use khienmang_core::org::Level;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use rust_xlsxwriter::Workbook;
use serde_json::{Value, json};

use khienmang_testkit::fixtures::{create_initiative, initiative_input};
use khienmang_testkit::http::TestApp;

const HEADINGS: [&str; 6] =
    ["Tên đăng nhập", "Họ tên hiển thị", "Vai trò", "Mã đơn vị", "Tên đơn vị", "Đơn vị cấp trên"];

/// An onboarding list as an official fills it in Excel (data from line 2).
fn list_xlsx(rows: &[[&str; 6]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADINGS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Two cells, A1 and XFD1048576: a used range of 2^34 cells in a few KB.
fn first_and_last_cell_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Tên đăng nhập").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save_to_buffer().unwrap()
}

async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name("danh-sach-tai-khoan.xlsx"));
    let res = app
        .http
        .post(format!("{}/users/onboarding", app.base))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn post_form(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).form(form).send().await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    (status, location.unwrap_or(res.text().await.unwrap()))
}

async fn get_page(app: &TestApp, token: &str, path: &str) -> (StatusCode, String) {
    let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

fn attr(html: &str, name: &str) -> String {
    let start = format!("{name}=\"");
    let at = html.find(&start).unwrap_or_else(|| panic!("{name} not in page")) + start.len();
    html[at..].split('"').next().unwrap().to_string()
}

/// The initiatives the account page's picker offers.
fn picker(html: &str) -> String {
    let at = html.find("id=\"ini-pick\"").unwrap_or_else(|| panic!("no initiative picker in {html}"));
    html[at..].split("</select>").next().unwrap().to_string()
}

/// Where the preview's confirmation posts.
fn commit_path(html: &str) -> String {
    let start = "action=\"/users/onboarding/";
    let at = html.find(start).unwrap_or_else(|| panic!("no confirmation in {html}")) + "action=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

/// Every text between `start` and the next `end`.
fn all_between(html: &str, start: &str, end: &str) -> Vec<String> {
    html.split(start).skip(1).map(|s| s.split(end).next().unwrap().to_string()).collect()
}

/// The refusal the preview shows beside `line`, if any.
fn refusal(html: &str, line: usize) -> Option<String> {
    let start = format!("data-refusal=\"{line}\">");
    html.find(&start).map(|at| html[at + start.len()..].split("</span>").next().unwrap().to_string())
}

async fn name_of(app: &TestApp, unit: khienmang_core::org::UnitId) -> String {
    app.store.unit_versions(unit).await.unwrap().pop().unwrap().name
}

async fn api_session(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let res = app.http.post(format!("{}/api/v1/session", app.base)).json(&body).send().await.unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_dry_run_refuses_rows_with_their_reasons_and_the_confirmation_creates_every_account_once() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let far = crate::access::new_unit(&app, "Tỉnh Ngoài Phạm Vi", Level::Province, None).await;
    crate::access::new_unit(&app, "Xã Ngoài Phạm Vi", Level::Commune, Some(far)).await;
    let (commune_b, province) = (name_of(&app, app.commune_b.0).await, name_of(&app, app.province).await);
    let code_a = app.commune_a.1.clone();
    let before = app.write_count().await;

    // Two good rows (one by code, one by name with its parent) and five refused.
    let ok_a = ["xa.motmoi", "Cán bộ xã Một", "Cán bộ xã/phường", code_a.as_str(), "", ""];
    let ok_b = ["xa.haimoi", "Cán bộ xã Hai", "can bo xa/phuong", "", commune_b.as_str(), province.as_str()];
    let rows = [
        ok_a,
        ok_b,
        ["quantri.moi", "Quản trị mới", "Quản trị hệ thống", code_a.as_str(), "", ""],
        ["xa.ngoai", "Xã ngoài", "Cán bộ xã/phường", "", "Xã Ngoài Phạm Vi", "Tỉnh Ngoài Phạm Vi"],
        ["xa.cu", "Xã cũ", "Cán bộ xã/phường", "07201", "", ""],
        ["Sai Ten", "Sai tên", "Cán bộ xã/phường", code_a.as_str(), "", ""],
        ["tinh", "Trùng tên", "Cán bộ xã/phường", code_a.as_str(), "", ""],
    ];
    let (status, html) = upload(&app, &t, list_xlsx(&rows)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!((attr(&html, "data-ready-rows"), attr(&html, "data-refused-rows")), ("2".into(), "5".into()));
    assert_eq!(refusal(&html, 2), None, "line 2 will be created");
    assert_eq!(refusal(&html, 3), None, "line 3, by name with its parent, too");
    assert!(html.contains(&format!("{commune_b} · {province}")), "the unit found by name is shown");
    let reasons = [
        (4, "Chỉ quản trị hệ thống"),
        (5, "Không tìm thấy đơn vị «Xã Ngoài Phạm Vi»"),
        (6, "Không có đơn vị mã «07201»"),
        (7, "Tên đăng nhập"),
        (8, "đã có tài khoản dùng"),
    ];
    for (line, reason) in reasons {
        let shown = refusal(&html, line).unwrap_or_else(|| panic!("line {line} not refused: {html}"));
        assert!(shown.contains(reason), "line {line}: {shown}");
    }
    assert!(!html.contains("id=\"onboarding-confirm\""), "no confirmation while a row is refused");
    assert_eq!(app.write_count().await, before, "a dry run writes nothing");

    // The two good rows alone: confirmed, both created in one go.
    let (status, html) = upload(&app, &t, list_xlsx(&[ok_a, ok_b])).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!((attr(&html, "data-ready-rows"), attr(&html, "data-refused-rows")), ("2".into(), "0".into()));
    let commit = commit_path(&html);
    assert!(commit.ends_with("/commit"), "{commit}");
    assert_eq!(app.write_count().await, before, "still nothing written");

    let res = app.http.post(format!("{}{commit}", app.base)).bearer_auth(&t).form(&[("x", "")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store", "no cache keeps the passwords");
    let sheet = res.text().await.unwrap();
    assert!(sheet.contains("id=\"sheet-once\"") && sheet.contains("/login"), "{sheet}");
    let usernames = all_between(&sheet, "<code class=\"sheet-username\">", "<");
    let passwords = all_between(&sheet, "<code class=\"sheet-password\">", "<");
    assert_eq!(usernames, vec!["xa.motmoi", "xa.haimoi"]);
    assert_eq!(passwords.len(), 2);
    assert_ne!(passwords[0], passwords[1]);
    let mut ids = Vec::new();
    for (name, unit) in [("xa.motmoi", app.commune_a.0), ("xa.haimoi", app.commune_b.0)] {
        let u = app.store.user_by_name(name).await.unwrap().unwrap();
        assert!(u.must_change_password, "{name} must change its password");
        assert_eq!((u.role, u.scope_unit_id), (Role::CommuneOfficer, Some(unit)));
        ids.push(u.id);
    }

    // The sheet was audited, without the passwords.
    let entries = app.store.audit_recent(Some("users"), 100, 0).await.unwrap();
    let shown = entries.iter().find(|e| e.action == "user.first_login_sheet").expect("the sheet is audited");
    assert_eq!(shown.actor, "tinh");
    let details: Value = serde_json::from_str(&shown.details).unwrap();
    assert_eq!(details["accounts"], json!(ids));
    assert!(passwords.iter().all(|p| !shown.details.contains(p.as_str())));

    // Not shown again: the list is gone, nothing is created twice.
    let after = app.write_count().await;
    let again = app.http.post(format!("{}{commit}", app.base)).bearer_auth(&t).form(&[("x", "")]).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let text = again.text().await.unwrap();
    assert!(passwords.iter().all(|p| !text.contains(p.as_str())));
    assert_eq!(app.write_count().await, after);
    let (_, page) = get_page(&app, &t, &format!("/users/{}", ids[0])).await;
    assert!(!page.contains(passwords[0].as_str()), "the account page does not show it");

    // Its owner signs in with the temporary password and must change it first.
    let (status, body) = api_session(&app, json!({"username": "xa.motmoi", "password": passwords[0]})).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("password_change_required")));
    let change = json!({"username": "xa.motmoi", "password": passwords[0], "new_password": "mat-khau-rieng-2026"});
    let (status, session) = api_session(&app, change).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let (status, me) = app.get_json(session["token"].as_str().unwrap(), "/api/v1/me").await;
    assert_eq!((status, me["username"].as_str()), (200, Some("xa.motmoi")));
}

#[tokio::test]
async fn only_account_administrators_onboard_and_never_above_their_role_or_with_anothers_list() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("tinh2", Role::Secretariat, Some(app.province)).await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("mohinh", Role::InitiativeLeader, Some(app.commune_a.0)).await;
    let code_a = app.commune_a.1.clone();
    let row = ["xa.khac", "Cán bộ", "Cán bộ xã/phường", code_a.as_str(), "", ""];
    let before = app.write_count().await;

    // A commune officer and an initiative leader administer no account.
    for name in ["xa", "mohinh"] {
        let (status, _) = upload(&app, &app.token(name).await, list_xlsx(&[row])).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}");
        let (status, _) = get_page(&app, &app.token(name).await, "/users/onboarding/template.xlsx").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}");
    }
    // Nor does an anonymous caller.
    let form = Form::new().part("file", Part::bytes(list_xlsx(&[row])).file_name("a.xlsx"));
    let res = app.http.post(format!("{}/users/onboarding", app.base)).multipart(form).send().await.unwrap();
    assert!(res.status() == StatusCode::SEE_OTHER || res.status() == StatusCode::UNAUTHORIZED, "{}", res.status());

    // The secretariat's template offers the roles it may give, not system administrators.
    let t = app.token("tinh").await;
    let res =
        app.http.get(format!("{}/users/onboarding/template.xlsx", app.base)).bearer_auth(&t).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let template = res.bytes().await.unwrap().to_vec();
    let table = khienmang_core::import::read_table(&template, khienmang_core::import::ACCOUNT_COLUMNS).unwrap();
    assert_eq!(table.rows.len(), 1, "the example row");
    let (status, html) = upload(&app, &t, template).await;
    assert_eq!(status, StatusCode::OK);
    assert!(refusal(&html, 4).unwrap().contains("dòng ví dụ"), "the example row is not created: {html}");

    // Another administrator cannot confirm this list.
    let (_, html) = upload(&app, &t, list_xlsx(&[row])).await;
    let commit = commit_path(&html);
    let other = app.token("tinh2").await;
    let (status, _) = post_form(&app, &other, &commit, &[("x", "")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post_form(&app, &app.token("xa").await, &commit, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.write_count().await, before, "nothing written by a refused request");

    // A list that became invalid since its dry run (the name taken meanwhile) creates nothing.
    app.user("xa.khac", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    let taken = app.write_count().await;
    let (status, html) = post_form(&app, &t, &commit, &[("x", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refusal(&html, 2).unwrap().contains("đã có tài khoản dùng"), "{html}");
    assert_eq!(app.write_count().await, taken);
}

#[tokio::test]
async fn a_crafted_huge_workbook_or_an_oversized_file_is_refused_before_parsing_and_nothing_is_written() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let before = app.write_count().await;

    let crafted = first_and_last_cell_xlsx();
    assert!(crafted.len() < 16 * 1024, "{} bytes", crafted.len());
    let (status, html) = upload(&app, &t, crafted).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("Bảng tính quá lớn") && html.contains("id=\"onboarding-file-error\""), "{html}");

    // Beyond the list's own bound (1 MB), refused before it is read. The
    // server answers without reading the rest, so the connection is not reused.
    let once = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let form = Form::new().part("file", Part::bytes(vec![b'a'; 2 * 1024 * 1024]).file_name("lon.csv"));
    let res = once.post(format!("{}/users/onboarding", app.base)).bearer_auth(&t).multipart(form).send().await.unwrap();
    let (status, html) = (res.status(), res.text().await.unwrap());
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("Tệp quá lớn") && html.contains("1 MB"), "{html}");

    // A form that is not an upload at all comes back as the page, with the reason.
    let (status, html) = post_form(&app, &t, "/users/onboarding", &[("file", "x")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("<h1") && html.contains("onboarding-file-error"), "{html}");

    assert_eq!(app.write_count().await, before, "nothing is written");
    let health = app.http.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK, "the server still answers");
}

#[tokio::test]
async fn an_initiative_leaders_account_page_links_and_unlinks_initiatives_within_the_subtree_only() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("mohinh", Role::InitiativeLeader, Some(app.commune_a.0)).await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("tinh").await;
    let leader = app.store.user_by_name("mohinh").await.unwrap().unwrap().id;
    let officer = app.store.user_by_name("xa").await.unwrap().unwrap().id;
    let own = create_initiative(&app.store, initiative_input(app.commune_a.0, "Tổ Zalo An ninh mạng Đáp Cầu")).await;
    let beside = create_initiative(&app.store, initiative_input(app.commune_b.0, "Nhóm Facebook xã bên")).await;
    let far_province = crate::access::new_unit(&app, "Tỉnh Ngoài Phạm Vi", Level::Province, None).await;
    let far_commune = crate::access::new_unit(&app, "Xã Ngoài Phạm Vi", Level::Commune, Some(far_province)).await;
    let far = create_initiative(&app.store, initiative_input(far_commune, "Mô hình tỉnh khác")).await;
    let page = format!("/users/{leader}");

    // The page offers the commune's initiative, found without diacritics, and not the others.
    let (status, html) = get_page(&app, &t, &page).await;
    assert!(status == StatusCode::OK && html.contains("id=\"leads-none\""), "{html}");
    let offered = picker(&html);
    assert!(offered.contains(&format!("<option value=\"{own}\"")), "{offered}");
    assert!(!offered.contains(&format!("<option value=\"{beside}\"")) && !html.contains("Mô hình tỉnh khác"));
    let search = [("ini_q", "zalo an ninh mang dap cau"), ("find_initiative", "1")];
    let (status, html) = post_form(&app, &t, &format!("{page}/initiatives"), &search).await;
    assert_eq!(status, StatusCode::OK);
    assert!(picker(&html).contains(&format!("<option value=\"{own}\"")), "{html}");
    let (_, html) =
        post_form(&app, &t, &format!("{page}/initiatives"), &[("ini_q", "facebook"), ("find_initiative", "1")]).await;
    assert!(!picker(&html).contains(&format!("<option value=\"{own}\"")), "the search narrows the list");

    // Another commune's initiative and another province's are refused beside the form, nothing linked.
    for other in [beside, far] {
        let before = app.store.audit_recent(None, 1, 0).await.unwrap()[0].seq;
        let (status, html) =
            post_form(&app, &t, &format!("{page}/initiatives"), &[("initiative", &other.to_string())]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("id=\"leads-error\""), "{html}");
        assert!(!app.store.leads_initiative(leader, other).await.unwrap());
        let actions: Vec<String> = app
            .store
            .audit_recent(None, 50, 0)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.seq > before)
            .map(|e| e.action)
            .collect();
        assert!(!actions.iter().any(|a| a.starts_with("initiative.leader")), "{actions:?}");
    }
    // A commune officer's account leads nothing.
    let (status, _) =
        post_form(&app, &t, &format!("/users/{officer}/initiatives"), &[("initiative", &own.to_string())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nobody but an account administrator links: not the commune officer, not the leader itself.
    for name in ["xa", "mohinh"] {
        let (status, _) = post_form(
            &app,
            &app.token(name).await,
            &format!("{page}/initiatives"),
            &[("initiative", &own.to_string())],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}");
    }
    assert!(!app.store.leads_initiative(leader, own).await.unwrap());

    // Linked from the account page: the leader may now write it, and the page lists it.
    let (status, to) = post_form(&app, &t, &format!("{page}/initiatives"), &[("initiative", &own.to_string())]).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, format!("{page}?done=lead_link").as_str()));
    assert!(app.store.leads_initiative(leader, own).await.unwrap());
    let (_, html) = get_page(&app, &t, &format!("{page}?done=lead_link")).await;
    assert!(html.contains("id=\"leads-list\"") && html.contains("Tổ Zalo An ninh mạng Đáp Cầu"), "{html}");
    assert!(!picker(&html).contains(&format!("<option value=\"{own}\"")), "a linked initiative is not offered again");
    let linked = app.store.audit_recent(Some(&format!("initiative:{own}")), 10, 0).await.unwrap();
    assert!(linked.iter().any(|e| e.action == "initiative.leader_link" && e.actor == "tinh"));

    // Unlinked: gone; unlinking what is not linked is refused.
    let (status, to) =
        post_form(&app, &t, &format!("{page}/initiatives/remove"), &[("initiative", &own.to_string())]).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, format!("{page}?done=lead_unlink").as_str()));
    assert!(!app.store.leads_initiative(leader, own).await.unwrap());
    let (status, _) =
        post_form(&app, &t, &format!("{page}/initiatives/remove"), &[("initiative", &beside.to_string())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

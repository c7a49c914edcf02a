//! Correcting and voiding warnings, contests and duty reports (issue 18),
//! as their users see it: a corrected warning keeps its link and shows the
//! new title with an "updated on" note on its page and in the feeds; a
//! voided one leaves the list and the feeds and answers 404 until the
//! secretariat restores it. A contest is set up through forms (time limit
//! in minutes, units picked from a search, questions typed and corrected in
//! the page) and changes only before it opens, refused after with the
//! reason; a voided contest leaves the public pages. A duty or period
//! report is corrected and voided by its own scope, restored by the
//! secretariat. Another commune, another province and anonymous callers
//! change nothing, and the audit log keeps every step.

use khienmang_core::auth::Role;
use khienmang_core::org::Level;
use reqwest::StatusCode;

use khienmang_testkit::http::TestApp;

async fn post_form(app: &TestApp, token: Option<&str>, path: &str, form: &[(&str, String)]) -> (StatusCode, String) {
    let mut req = app.http.post(format!("{}{path}", app.base)).form(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    let text = res.text().await.unwrap_or_default();
    (status, location.unwrap_or(text))
}

async fn get(app: &TestApp, token: Option<&str>, path: &str) -> (StatusCode, String) {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    (res.status(), res.text().await.unwrap_or_default())
}

fn form(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

/// The audit actions on `object`, oldest first.
async fn audit_actions(app: &TestApp, object: &str) -> Vec<String> {
    let mut actions: Vec<String> =
        app.store.audit_recent(Some(object), 100, 0).await.unwrap().into_iter().map(|e| e.action).collect();
    actions.reverse();
    actions
}

/// Today in Viet Nam as dd/mm/yyyy (what the "updated on" note reads).
fn today_vi() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(7)).format("%d/%m/%Y").to_string()
}

fn entries(xml: &str, tag: &str) -> usize {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    doc.descendants().filter(|n| n.is_element() && n.tag_name().name() == tag).count()
}

#[tokio::test]
async fn a_corrected_warning_keeps_its_link_and_a_voided_one_leaves_the_page_and_feeds_until_restored() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let (tinh, xa) = (app.token("tinh").await, app.token("xa-a").await);
    let publish = form(&[
        ("title", "Giả danh nhân viên ngân hàng"),
        ("summary", "Đối tượng gọi điện xưng là nhân viên ngân hàng."),
        ("body", "Không cung cấp mã OTP cho bất kỳ ai."),
        ("category", "fraud"),
        ("publish_at", ""),
    ]);
    assert_eq!(post_form(&app, Some(&tinh), "/warnings", &publish).await.0, StatusCode::SEE_OTHER);
    let slug = "gia-danh-nhan-vien-ngan-hang";
    let id = app.store.staff_warning(slug).await.unwrap().unwrap().warning.id;
    let (_, page) = get(&app, None, &format!("/warnings/{slug}")).await;
    assert!(!page.contains("corrected-on"), "not corrected yet");

    // The secretariat corrects the title; the link stays, the page says when.
    let corrected = form(&[
        ("title", "Giả danh nhân viên ngân hàng gọi video"),
        ("summary", "Đối tượng gọi video xưng là nhân viên ngân hàng."),
        ("body", "Không cung cấp mã OTP cho bất kỳ ai."),
        ("category", "fraud"),
    ]);
    // Attacks first: a commune officer and an anonymous caller change nothing.
    let edit = format!("/warnings/{slug}/edit");
    assert_eq!(post_form(&app, Some(&xa), &edit, &corrected).await.0, StatusCode::FORBIDDEN);
    assert_eq!(get(&app, Some(&xa), &edit).await.0, StatusCode::FORBIDDEN);
    let (status, _) = post_form(&app, None, &edit, &corrected).await;
    assert!(status == StatusCode::SEE_OTHER || status == StatusCode::UNAUTHORIZED, "{status}");
    let (_, page) = get(&app, None, &format!("/warnings/{slug}")).await;
    assert!(page.contains("Giả danh nhân viên ngân hàng") && !page.contains("gọi video"));

    // A refused correction comes back with what was typed and the reason.
    let mut empty_title = corrected.clone();
    empty_title[0].1 = " ".into();
    let (status, body) = post_form(&app, Some(&tinh), &edit, &empty_title).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Cần nhập tiêu đề cảnh báo.") && body.contains("gọi video xưng là"), "{body}");

    let (status, location) = post_form(&app, Some(&tinh), &edit, &corrected).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, &*format!("/warnings/{slug}/edit?saved=1")));
    let (status, page) = get(&app, None, &format!("/warnings/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Giả danh nhân viên ngân hàng gọi video"), "the new title on the public page");
    assert!(page.contains(&format!("cập nhật ngày {}", today_vi())), "the updated-on note");
    let (_, atom) = get(&app, None, "/warnings.atom").await;
    assert!(atom.contains("Giả danh nhân viên ngân hàng gọi video") && atom.contains(&format!("/warnings/{slug}")));
    let (_, rss) = get(&app, None, "/warnings.rss").await;
    assert!(rss.contains("Giả danh nhân viên ngân hàng gọi video"));
    let (_, staff) = get(&app, Some(&tinh), &edit).await;
    assert!(staff.contains("change-list") && staff.contains("gọi video"), "the history shows the change");

    // Void: a reason is required; then it is gone for citizens, and 404.
    let void = format!("/warnings/{slug}/void");
    assert_eq!(post_form(&app, Some(&xa), &void, &form(&[("reason", "Nhầm")])).await.0, StatusCode::FORBIDDEN);
    let (status, body) = post_form(&app, Some(&tinh), &void, &form(&[("reason", " ")])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Chưa nhập lý do."), "{body}");
    let (status, _) = post_form(&app, Some(&tinh), &void, &form(&[("reason", "Đăng nhầm bản nháp")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, list) = get(&app, None, "/warnings").await;
    assert!(!list.contains("gọi video"), "gone from the public list");
    let (_, atom) = get(&app, None, "/warnings.atom").await;
    assert_eq!(entries(&atom, "entry"), 0, "gone from the Atom feed");
    let (_, rss) = get(&app, None, "/warnings.rss").await;
    assert_eq!(entries(&rss, "item"), 0, "gone from the RSS feed");
    assert_eq!(get(&app, None, &format!("/warnings/{slug}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, Some(&xa), &format!("/warnings/{slug}")).await.0, StatusCode::NOT_FOUND);
    // The secretariat still finds it, with the reason, to restore it.
    let (_, list) = get(&app, Some(&tinh), "/warnings").await;
    assert!(list.contains("voided-warnings") && list.contains(&format!("/warnings/{slug}/edit")));
    let (_, staff) = get(&app, Some(&tinh), &edit).await;
    assert!(staff.contains("Đăng nhầm bản nháp") && staff.contains("id=\"restore\""));
    // A voided warning takes no correction until restored.
    assert_eq!(post_form(&app, Some(&tinh), &edit, &corrected).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    let restore = format!("/warnings/{slug}/restore");
    assert_eq!(post_form(&app, Some(&xa), &restore, &[]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post_form(&app, Some(&tinh), &restore, &[]).await.0, StatusCode::SEE_OTHER);
    assert_eq!(get(&app, None, &format!("/warnings/{slug}")).await.0, StatusCode::OK);
    let (_, atom) = get(&app, None, "/warnings.atom").await;
    assert_eq!(entries(&atom, "entry"), 1, "back in the feed");

    let actions = audit_actions(&app, &format!("warning:{id}")).await;
    assert_eq!(actions, ["warning.edit", "warning.void", "warning.restore"], "{actions:?}");
    assert!(app.store.audit_verify().await.unwrap().is_ok());
}

/// A contest id from the address a creation redirects to.
fn contest_id(location: &str) -> i64 {
    let path = location.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().parse().unwrap_or_else(|_| panic!("a contest address: {location}"))
}

fn settings(title: &str, opens: &str, count: &str) -> Vec<(&'static str, String)> {
    let closes =
        (chrono::Utc::now() + chrono::Duration::days(30) + chrono::Duration::hours(7)).format("%Y-%m-%dT%H:%M");
    form(&[
        ("title", title),
        ("description", "Cuộc thi tìm hiểu pháp luật về an ninh mạng."),
        ("opens_at", opens),
        ("closes_at", &closes.to_string()),
        ("question_count", count),
        ("time_limit_minutes", "10"),
        ("max_attempts", "2"),
        ("period", "day"),
        ("prediction_question", "Bao nhiêu người trả lời đúng tất cả?"),
    ])
}

fn question(text: &str, right: &str) -> Vec<(&'static str, String)> {
    form(&[
        ("category", "Phòng, chống lừa đảo"),
        ("text", text),
        ("choice0", "Cung cấp ngay"),
        ("choice1", right),
        ("choice2", ""),
        ("choice3", "Hỏi hàng xóm"),
        ("correct", "1"),
    ])
}

#[tokio::test]
async fn a_contest_is_set_up_through_forms_and_locked_once_it_opens() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let far = crate::access::new_unit(&app, "Tỉnh Khác Thử", Level::Province, None).await;
    app.user("tinh-khac", Role::Secretariat, Some(far)).await;
    let (tinh, xa, khac) = (app.token("tinh").await, app.token("xa-a").await, app.token("tinh-khac").await);
    let opens = (chrono::Utc::now() + chrono::Duration::days(2) + chrono::Duration::hours(7)).format("%Y-%m-%dT%H:%M");
    let opens = opens.to_string();

    // Created from the form: the time limit is typed in minutes.
    let (status, body) = post_form(&app, Some(&tinh), "/outreach/contests", &settings("", &opens, "2")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no title");
    assert!(body.contains("Cần đặt tên cuộc thi.") && body.contains("Cuộc thi tìm hiểu pháp luật"), "kept: {body}");
    let (status, location) =
        post_form(&app, Some(&tinh), "/outreach/contests", &settings("Tìm hiểu an ninh mạng", &opens, "3")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let id = contest_id(&location);
    let c = app.store.contest(id).await.unwrap().unwrap();
    assert_eq!(c.rules.time_limit_secs, 600, "10 minutes");
    let page = format!("/outreach/contests/{id}");

    // Units picked from a search without diacritics, never typed as ids.
    let commune = app.store.unit_versions(app.commune_a.0).await.unwrap().last().unwrap().name.clone();
    let plain = khienmang_core::text::fold(&commune);
    let units = format!("{page}/units");
    let (status, body) = post_form(&app, Some(&tinh), &units, &form(&[("unit_q", &plain), ("find", "1")])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!("value=\"{}\"", app.commune_a.0.0)) && body.contains(&commune), "found by {plain}");
    assert!(app.store.contest_units(id).await.unwrap().is_empty(), "a search saves nothing");
    let unit = app.commune_a.0.0.to_string();
    let eligible = format!("eligible_{unit}");
    let picked = vec![("unit", unit.clone()), (eligible.as_str(), "120".to_string())];
    let res = app.http.post(format!("{}{units}", app.base)).bearer_auth(&tinh).form(&picked).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let chosen = app.store.contest_units(id).await.unwrap();
    assert_eq!((chosen.len(), chosen[0].unit, chosen[0].eligible), (1, app.commune_a.0, Some(120)));

    // Two questions typed in the page; one corrected.
    let questions = format!("{page}/questions");
    let (status, body) = post_form(&app, Some(&tinh), &questions, &form(&[("category", "A"), ("text", "Câu?")])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Hãy đánh dấu phương án đúng"), "{body}");
    for text in ["Có người gọi xin mã OTP, bạn làm gì?", "Tin nhắn báo trúng thưởng, bạn làm gì?"]
    {
        assert_eq!(post_form(&app, Some(&tinh), &questions, &question(text, "Từ chối")).await.0, StatusCode::SEE_OTHER);
    }
    let bank = app.store.contest_bank(&c).await.unwrap();
    let own: Vec<_> = bank.iter().filter(|q| !q.shared).collect();
    assert_eq!(own.len(), 2);
    assert_eq!(own[0].question.choices, ["Cung cấp ngay", "Từ chối", "Hỏi hàng xóm"], "a blank box is skipped");
    assert_eq!(own[0].question.correct, 1);
    let qid = own[0].question.id.0.to_string();
    let mut fix = question("Có người gọi video xin mã OTP, bạn làm gì?", "Từ chối và báo công an");
    fix.push(("question", qid.clone()));
    assert_eq!(post_form(&app, Some(&tinh), &format!("{questions}/edit"), &fix).await.0, StatusCode::SEE_OTHER);
    let (_, body) = get(&app, Some(&tinh), &page).await;
    assert!(body.contains("Có người gọi video xin mã OTP") && body.contains("Từ chối và báo công an"));

    // Opening needs a full draw: three questions a draw, two in the bank.
    let (status, body) = post_form(&app, Some(&tinh), &format!("{page}/open"), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Ngân hàng mới có 2 câu hỏi"), "{body}");
    let (status, _) =
        post_form(&app, Some(&tinh), &format!("{page}/edit"), &settings("Tìm hiểu an ninh mạng 2026", &opens, "2"))
            .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Another province's secretariat and a commune officer change nothing.
    for (token, want) in [(&khac, StatusCode::NOT_FOUND), (&xa, StatusCode::FORBIDDEN)] {
        assert_eq!(get(&app, Some(token), &page).await.0, want);
        for (path, body) in [
            (format!("{page}/edit"), settings("Đổi tên", &opens, "2")),
            (format!("{page}/void"), form(&[("reason", "Phá")])),
            (format!("{page}/open"), vec![]),
            (format!("{questions}/edit"), fix.clone()),
        ] {
            assert_eq!(post_form(&app, Some(token), &path, &body).await.0, want, "{path}");
        }
    }
    assert_eq!(post_form(&app, Some(&tinh), &format!("{page}/open"), &[]).await.0, StatusCode::SEE_OTHER);
    let c = app.store.contest(id).await.unwrap().unwrap();
    assert!(c.rules.is_open(chrono::Utc::now()), "open now");
    assert_eq!(c.rules.title, "Tìm hiểu an ninh mạng 2026");

    // Once open: settings, questions, units and the void are refused with the reason; prizes still change.
    let (_, body) = get(&app, Some(&tinh), &page).await;
    assert!(body.contains("settings-locked") && !body.contains("id=\"settings-form\""), "the page says so");
    for (path, body) in [
        (format!("{page}/edit"), settings("Đổi tên", &opens, "2")),
        (format!("{page}/void"), form(&[("reason", "Nhầm")])),
        (questions.clone(), question("Câu mới?", "Đúng")),
        (format!("{questions}/edit"), fix.clone()),
        (units.clone(), form(&[("unit", &unit)])),
    ] {
        let (status, text) = post_form(&app, Some(&tinh), &path, &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(text.contains("Cuộc thi đã mở từ"), "{path}: the reason is given");
    }
    let prize = form(&[("rank_from", "1"), ("title", "Giải Nhất"), ("reward", "Giấy khen")]);
    assert_eq!(post_form(&app, Some(&tinh), &format!("{page}/prizes"), &prize).await.0, StatusCode::SEE_OTHER);
    assert_eq!(app.store.contest(id).await.unwrap().unwrap().rules.title, "Tìm hiểu an ninh mạng 2026");

    let actions = audit_actions(&app, &format!("contest:{id}")).await;
    for want in ["contest.create", "contest.units", "contest.questions_add", "contest.edit", "contest.prize_add"] {
        assert!(actions.iter().any(|a| a == want), "{want} in {actions:?}");
    }
    assert_eq!(actions.iter().filter(|a| *a == "contest.edit").count(), 2, "corrected, then opened: {actions:?}");
    assert_eq!(audit_actions(&app, &format!("contest_question:{qid}")).await, ["contest_question.edit"]);
    let (_, body) = get(&app, Some(&tinh), &page).await;
    assert!(body.contains("change-list") && body.contains("Tìm hiểu an ninh mạng 2026"), "the history");
}

#[tokio::test]
async fn a_contest_voided_before_it_opens_leaves_the_public_pages_until_restored() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let tinh = app.token("tinh").await;
    let opens = (chrono::Utc::now() + chrono::Duration::days(2) + chrono::Duration::hours(7)).format("%Y-%m-%dT%H:%M");
    let (_, location) =
        post_form(&app, Some(&tinh), "/outreach/contests", &settings("Cuộc thi tạo nhầm", &opens.to_string(), "5"))
            .await;
    let id = contest_id(&location);
    let (_, list) = get(&app, None, "/contests").await;
    assert!(list.contains("Cuộc thi tạo nhầm"), "announced before it opens");
    let page = format!("/outreach/contests/{id}");
    let (status, body) = post_form(&app, Some(&tinh), &format!("{page}/void"), &form(&[("reason", "")])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Chưa nhập lý do."));
    let (status, location) =
        post_form(&app, Some(&tinh), &format!("{page}/void"), &form(&[("reason", "Tạo trùng")])).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/outreach/contests?voided=1"));
    let (_, list) = get(&app, None, "/contests").await;
    assert!(!list.contains("Cuộc thi tạo nhầm"), "gone from the public list");
    assert_eq!(get(&app, None, &format!("/contests/{id}")).await.0, StatusCode::NOT_FOUND);
    let (_, api) = app.get_json(&tinh, "/api/v1/contests").await;
    assert!(!api.to_string().contains("Cuộc thi tạo nhầm"), "gone from the API: {api}");
    let (status, body) = get(&app, Some(&tinh), &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Tạo trùng") && body.contains("id=\"restore\""));
    // A voided contest takes no change until restored.
    let (status, _) =
        post_form(&app, Some(&tinh), &format!("{page}/edit"), &settings("X", &opens.to_string(), "5")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(post_form(&app, Some(&tinh), &format!("{page}/restore"), &[]).await.0, StatusCode::SEE_OTHER);
    let (_, list) = get(&app, None, "/contests").await;
    assert!(list.contains("Cuộc thi tạo nhầm"), "back after the restore");
    let actions = audit_actions(&app, &format!("contest:{id}")).await;
    assert_eq!(actions, ["contest.create", "contest.void", "contest.restore"], "{actions:?}");
}

#[tokio::test]
async fn duty_and_period_reports_are_corrected_and_voided_by_their_scope_and_restored_by_the_secretariat() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("xa-b", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    let (tinh, xa, other) = (app.token("tinh").await, app.token("xa-a").await, app.token("xa-b").await);

    // A body's report on a duty, recorded, corrected, voided and restored by the secretariat.
    let report =
        form(&[("duty", "1.1"), ("due", "2024-12-31"), ("received_on", "2025-01-03"), ("summary", "Đã báo cáo")]);
    assert_eq!(post_form(&app, Some(&tinh), "/duties/reports", &report).await.0, StatusCode::SEE_OTHER);
    let id = app.store.duty_report_records().await.unwrap()[0].id;
    let path = format!("/duties/reports/{id}");
    let counted = app.store.duty_reports().await.unwrap().len();
    let mut fix = report.clone();
    fix[3].1 = "Đã báo cáo kết quả năm 2024".into();
    assert_eq!(post_form(&app, Some(&xa), &format!("{path}/edit"), &fix).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post_form(&app, Some(&tinh), &format!("{path}/edit"), &fix).await.0, StatusCode::SEE_OTHER);
    let (_, duties) = get(&app, Some(&tinh), "/duties").await;
    assert!(duties.contains("Đã báo cáo kết quả năm 2024"), "the duties page shows the corrected state");
    let (_, body) = get(&app, Some(&tinh), &path).await;
    assert!(body.contains("change-list") && body.contains("Đã báo cáo kết quả năm 2024"));
    assert_eq!(
        post_form(&app, Some(&xa), &format!("{path}/void"), &form(&[("reason", "x")])).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_form(&app, Some(&tinh), &format!("{path}/void"), &form(&[("reason", "Nhập trùng")])).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.store.duty_reports().await.unwrap().len(), counted - 1, "a voided report counts for no rate");
    let (_, duties) = get(&app, Some(&tinh), "/duties").await;
    assert!(duties.contains("data-voided=\"1\""), "listed as voided");
    assert_eq!(post_form(&app, Some(&tinh), &format!("{path}/restore"), &[]).await.0, StatusCode::SEE_OTHER);
    assert_eq!(app.store.duty_reports().await.unwrap().len(), counted);
    let actions = audit_actions(&app, &format!("duty_report:{id}")).await;
    assert_eq!(actions, ["duty_report.edit", "duty_report.void", "duty_report.restore"], "{actions:?}");

    // A commune's period report: its own officer corrects and voids it; the other commune cannot see it.
    let sent = form(&[("unit", &app.commune_a.0.0.to_string()), ("summary", "Quý này đã tuyên truyền 3 buổi")]);
    assert_eq!(post_form(&app, Some(&xa), "/duties/period-reports", &sent).await.0, StatusCode::SEE_OTHER);
    let pid = app.store.period_report_records(&[app.commune_a.0]).await.unwrap()[0].id;
    let ppath = format!("/duties/period-reports/{pid}");
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive().to_string();
    let pfix = form(&[("received_on", &today), ("summary", "Quý này đã tuyên truyền 4 buổi")]);
    assert_eq!(get(&app, Some(&other), &ppath).await.0, StatusCode::NOT_FOUND);
    assert_eq!(post_form(&app, Some(&other), &format!("{ppath}/edit"), &pfix).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        post_form(&app, Some(&other), &format!("{ppath}/void"), &form(&[("reason", "x")])).await.0,
        StatusCode::NOT_FOUND
    );
    assert!(!post_form(&app, None, &format!("{ppath}/void"), &form(&[("reason", "x")])).await.0.is_success());
    let (status, body) = post_form(
        &app,
        Some(&xa),
        &format!("{ppath}/edit"),
        &form(&[("received_on", "hôm qua"), ("summary", "Sửa lần một")]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Ngày nhận không hợp lệ") && body.contains("Sửa lần một"), "{body}");
    assert_eq!(post_form(&app, Some(&xa), &format!("{ppath}/edit"), &pfix).await.0, StatusCode::SEE_OTHER);
    let (_, duties) = get(&app, Some(&xa), "/duties").await;
    assert!(duties.contains("Quý này đã tuyên truyền 4 buổi"));
    assert_eq!(
        post_form(&app, Some(&xa), &format!("{ppath}/void"), &form(&[("reason", "Gửi nhầm kỳ")])).await.0,
        StatusCode::SEE_OTHER
    );
    assert!(
        app.store
            .period_reports(khienmang_core::admin::PeriodKind::Quarter)
            .await
            .unwrap()
            .iter()
            .all(|r| r.unit != app.commune_a.0)
    );
    assert_eq!(post_form(&app, Some(&xa), &format!("{ppath}/restore"), &[]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post_form(&app, Some(&tinh), &format!("{ppath}/restore"), &[]).await.0, StatusCode::SEE_OTHER);
    let actions = audit_actions(&app, &format!("period_report:{pid}")).await;
    assert_eq!(actions, ["period_report.edit", "period_report.void", "period_report.restore"], "{actions:?}");
}

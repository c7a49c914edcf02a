//! The citizens' home at `/` and values as people read them: an anonymous
//! visitor lands on the citizens' services (not the staff sign-in), staff
//! keep their work page at `/work`, the report receipt can be saved, and
//! staff pages show Viet Nam dates, months and words instead of codes.

use khienmang_core::auth::Role;
use reqwest::StatusCode;
use serde_json::json;

use khienmang_testkit::http::TestApp;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

#[tokio::test]
async fn an_anonymous_visitor_lands_on_the_citizens_services_in_either_language() {
    let app = TestApp::start().await;
    let http = no_redirects();
    let res = http.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the home is not sent to the sign-in");
    let html = res.text().await.unwrap();
    for href in ["/check", "/report", "/report/track", "/warnings", "/contests", "/surveys", "/report/stats"] {
        assert!(html.contains(&format!("href=\"{href}\" id=\"home-")), "no tile for {href}");
    }
    assert!(html.contains("Tra cứu số điện thoại, tài khoản"), "Vietnamese first");
    assert!(html.contains("id=\"home-staff-login\""), "the staff sign-in link");
    assert!(!html.contains("id=\"home-staff-work\""), "no staff link for a citizen");
    let en = http.get(format!("{}/", app.base)).header("cookie", "lang=en").send().await.unwrap();
    let en = en.text().await.unwrap();
    assert!(en.contains("Check a phone number, account, link or QR code"), "English on request");
    assert!(!en.contains("Tra cứu số điện thoại, tài khoản"), "no Vietnamese tile in English");
}

#[tokio::test]
async fn staff_are_shown_the_way_to_their_work_and_every_home_link_leads_there() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("xa").await;
    let home = app.http.get(format!("{}/", app.base)).bearer_auth(&t).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let home = home.text().await.unwrap();
    assert!(home.contains("id=\"home-staff-work\"><a href=\"/work\">"), "the way to the work page");
    assert!(!home.contains("id=\"home-staff-login\""), "no sign-in link for someone signed in");
    let work = app.http.get(format!("{}/work", app.base)).bearer_auth(&t).send().await.unwrap();
    let work = work.text().await.unwrap();
    assert!(work.contains("id=\"work-due\""), "the work overview stays at /work");
    assert!(work.contains("class=\"brand\" href=\"/work\""), "the staff brand leads to /work");
    assert!(!work.contains("href=\"/\" aria-current") && !work.contains("class=\"active\" href=\"/\""));
    assert!(work.contains("href=\"/work\" aria-current=\"page\""), "the staff home entry is /work");
}

#[tokio::test]
async fn the_receipt_can_be_saved_as_a_file_with_the_code_and_secret() {
    let app = TestApp::start().await;
    let form = reqwest::multipart::Form::new()
        .text("category", "fraud")
        .text("description", "Tin nhắn giả ngân hàng đòi mã OTP để nhận quà tri ân khách hàng.")
        .text("commune", app.commune_a.1.clone());
    let res = app.http.post(format!("{}/report", app.base)).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let html = res.text().await.unwrap();
    let code = html.split("id=\"receipt-code\" class=\"report-code\">").nth(1).unwrap().split('<').next().unwrap();
    let secret = html.split("id=\"receipt-secret\" class=\"report-code\">").nth(1).unwrap().split('<').next().unwrap();
    let href = html.split("id=\"receipt-save\" href=\"").nth(1).unwrap().split('"').next().unwrap();
    let encoded = href.strip_prefix("data:text/plain;charset=utf-8,").expect("a text file");
    let text = percent_encoding::percent_decode_str(encoded).decode_utf8().unwrap();
    assert!(text.contains(code) && text.contains(secret), "{text}");
    assert!(text.contains("/report/track"), "where to follow it: {text}");
    assert!(html.contains(&format!("download=\"phan-anh-{code}.txt\"")), "a file name with the code");
    // The copy and print buttons wait for script (hidden without it).
    assert!(html.contains("id=\"receipt-copy\" hidden"), "copy is an enhancement");
}

#[tokio::test]
async fn staff_pages_show_words_and_viet_nam_time_instead_of_codes() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("phantich", Role::Analyst, Some(app.province)).await;
    let xa = app.token("xa").await;
    let analyst = app.token("phantich").await;
    let body = json!({
        "category": "fraud",
        "description": "Có người gọi xưng công an, bắt chuyển tiền vào tài khoản lạ.",
        "commune": app.commune_a.1,
        "identifiers": ["0856 123 789", "MB Bank 0988776655"],
        "contact": {"phone": "0987 654 321"},
    });
    let res = app.http.post(format!("{}/api/v1/reports", app.base)).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let receipt: serde_json::Value = res.json().await.unwrap();
    let report = app.store.report_by_code(receipt["code"].as_str().unwrap()).await.unwrap().unwrap();
    // Viewing the contact writes a personal-data view to the audit log.
    let res = app.http.post(format!("{}/reports/{}/contact", app.base, report.id)).bearer_auth(&xa).send().await;
    assert_eq!(res.unwrap().status(), 200);

    let page = app.http.get(format!("{}/reports/{}", app.base, report.id)).bearer_auth(&xa).send().await.unwrap();
    let page = page.text().await.unwrap();
    let timeline = page.split("id=\"detail-timeline\"").nth(1).unwrap().split("</ol>").next().unwrap();
    assert!(timeline.contains("Người phản ánh · Tiếp nhận"), "{timeline}");
    assert!(!timeline.contains("reporter") && !timeline.contains("received"), "{timeline}");
    let ids = page.split("id=\"detail-identifiers\"").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(ids.contains("0856 123 789") && ids.contains(" · 0988776655"), "{ids}");
    assert!(!ids.contains("970422:") && !ids.contains("+84"), "{ids}");

    let audit = app.http.get(format!("{}/audit", app.base)).bearer_auth(&analyst).send().await.unwrap();
    let audit = audit.text().await.unwrap();
    let table = audit.split("<tbody>").nth(1).unwrap().split("</tbody>").next().unwrap();
    assert!(table.contains("Xem dữ liệu cá nhân"), "{table}");
    assert!(table.contains(&format!("Phản ánh {}", report.id)), "the object in words: {table}");
    for code in ["personal_data", "report.receive", "report:", "T0", "Z<"] {
        assert!(!table.contains(code), "{code} in the audit log: {table}");
    }
    // The API keeps the codes and UTC.
    let (_, api) = app.get_json(&analyst, "/api/v1/audit?limit=5").await;
    assert!(api["entries"].to_string().contains("personal_data.view"), "{api}");

    let stats = app.http.get(format!("{}/report/stats", app.base)).send().await.unwrap().text().await.unwrap();
    let month = stats.split("<tbody><tr><td>").nth(1).unwrap().split('<').next().unwrap();
    assert!(month.starts_with("Tháng "), "a month as people say it: {month}");
    let en = app.http.get(format!("{}/report/stats", app.base)).header("cookie", "lang=en").send().await.unwrap();
    let en = en.text().await.unwrap();
    let month = en.split("<tbody><tr><td>").nth(1).unwrap().split('<').next().unwrap();
    assert!(month.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && month.ends_with(char::is_numeric));
    assert!(!month.contains('-'), "{month}");

    // The report form names each commune with its type once.
    let form = app.http.get(format!("{}/report", app.base)).send().await.unwrap().text().await.unwrap();
    for twice in ["Phường Phường", "Xã Xã"] {
        assert!(!form.contains(twice), "{twice} on the report form");
    }
}

#[tokio::test]
async fn in_english_the_pages_name_statuses_categories_roles_and_targets_in_english() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let get = async |path: &str, lang: &str| {
        let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(&t).header("cookie", format!("lang={lang}"));
        res.send().await.unwrap().text().await.unwrap()
    };
    // The targets' names and statuses on the dashboard.
    let (vi, en) = (get("/targets", "vi").await, get("/targets", "en").await);
    assert!(vi.contains("Cán bộ được tập huấn") && en.contains("Staff trained"), "a target's name");
    let table = &en[en.find("id=\"targets-table\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(table.contains("No data") || table.contains("On track") || table.contains("Behind"), "{table}");
    assert!(
        !table.contains("Cán bộ được tập huấn") && !table.contains("Chưa có số liệu"),
        "no Vietnamese in the table"
    );
    // Its charts too: the trend, the trajectory and the years without data.
    for word in ["Xu hướng", "Lộ trình", "Chưa có số liệu", "chưa đến kỳ"] {
        assert!(!en.contains(word), "the English dashboard says {word}");
    }
    // The reports' filters: statuses and categories.
    let en = get("/reports", "en").await;
    assert!(en.contains(">Not within our remit<") && en.contains(">Fraud and theft of property<"), "{en}");
    assert!(!en.contains(">Không thuộc thẩm quyền<") && !en.contains(">Lừa đảo chiếm đoạt tài sản<"));
    // The signed-in role on the work page.
    let en = get("/work", "en").await;
    assert!(en.contains("Secretariat (provincial police)") && !en.contains("Thường trực (Công an tỉnh)"));
}

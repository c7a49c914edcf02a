//! Open311 GeoReport v2 over HTTP: the service list, anonymous form-encoded
//! intake routed like any report, requests read back in JSON and XML with
//! only their public details, and refused input answered in GeoReport's
//! error shape without storing anything.

use khienmang_core::reports::{Channel, Status};
use khienmang_core::time::Timestamp;
use reqwest::StatusCode;
use serde_json::Value;

use khienmang_testkit::http::TestApp;

const DESCRIPTION: &str =
    "Trang Facebook «Hỗ trợ vay vốn 24h» yêu cầu chuyển phí hồ sơ 2 triệu đồng vào tài khoản lạ rồi chặn liên lạc.";
const PHONE: &str = "0912 345 670";
const EMAIL: &str = "nguoi.gui.open311@example.vn";
const LAT: &str = "21.18312";
const LONG: &str = "106.07461";

/// What must never be in a public answer: the description, the contact and
/// the exact location.
const PRIVATE: &[&str] =
    &["Hỗ trợ vay vốn", "chặn liên lạc", "345 670", "345670", "+84912345670", EMAIL, "Thị Bình", LAT, LONG];

struct Answer {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Asserts a GeoReport error: `[{"code": status, "description": "…"}]`
    /// or `<errors><error><code>…</code><description>…</description>…`.
    fn assert_georeport_error(&self, what: &str) {
        assert!(self.status.is_client_error(), "{what}: {} {}", self.status, self.body);
        let code = self.status.as_u16().to_string();
        if self.content_type.starts_with("text/xml") {
            let doc = roxmltree::Document::parse(&self.body).unwrap();
            let error = doc.root_element();
            assert_eq!(error.tag_name().name(), "errors", "{what}");
            let error = error.children().find(|n| n.has_tag_name("error")).unwrap();
            assert_eq!(child_text(error, "code"), code, "{what}");
            assert!(!child_text(error, "description").is_empty(), "{what}: {}", self.body);
        } else {
            assert!(self.content_type.starts_with("application/json"), "{what}: {}", self.content_type);
            let body = self.json();
            assert_eq!(body[0]["code"].to_string(), code, "{what}: {body}");
            assert!(body[0]["description"].as_str().is_some_and(|d| !d.is_empty()), "{what}: {body}");
        }
    }
}

async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status();
    let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    Answer { status, content_type, body: res.text().await.unwrap() }
}

async fn get(app: &TestApp, path: &str) -> Answer {
    answer(app.http.get(format!("{}{path}", app.base)).send().await.unwrap()).await
}

async fn post_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Answer {
    answer(app.http.post(format!("{}{path}", app.base)).form(fields).send().await.unwrap()).await
}

async fn post_raw(app: &TestApp, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
    let res = app.http.post(format!("{}{path}", app.base)).header("content-type", content_type).body(body).send();
    answer(res.await.unwrap()).await
}

fn child_text<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    node.children().find(|n| n.has_tag_name(name)).and_then(|n| n.text()).unwrap_or_default()
}

/// Creates a fraud request for commune A the way a GeoReport client does;
/// returns the code and the secret.
async fn create(app: &TestApp) -> (String, String) {
    let fields = [
        ("api_key", "khong-can"),
        ("service_code", "fraud"),
        ("description", DESCRIPTION),
        ("attribute[commune]", app.commune_a.1.as_str()),
        ("lat", LAT),
        ("long", LONG),
        ("phone", PHONE),
        ("email", EMAIL),
        ("first_name", "Thị Bình"),
    ];
    let created = post_form(app, "/open311/v2/requests.json", &fields).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert!(created.content_type.starts_with("application/json"), "{}", created.content_type);
    let body = created.json();
    assert_eq!(body.as_array().map(Vec::len), Some(1), "{body}");
    let code = body[0]["service_request_id"].as_str().unwrap().to_string();
    let secret = body[0]["secret"].as_str().unwrap().to_string();
    assert!(code.starts_with("PA-") && secret.len() == 26, "{body}");
    assert!(body[0]["service_notice"].as_str().is_some_and(|n| n.contains("Hạn xử lý")), "{body}");
    assert!(body[0]["account_id"].is_null(), "{body}");
    (code, secret)
}

#[tokio::test]
async fn services_are_listed_in_json_and_xml_with_their_definitions() {
    let app = TestApp::start().await;

    let res = get(&app, "/open311/v2/services.json").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.content_type, "application/json; charset=utf-8");
    let services = res.json();
    let services = services.as_array().unwrap();
    assert_eq!(services.len(), 8, "one service per category");
    let fraud = services.iter().find(|s| s["service_code"] == "fraud").unwrap();
    assert_eq!(fraud["service_name"], "Lừa đảo chiếm đoạt tài sản");
    assert_eq!(fraud["metadata"], false);
    assert_eq!(fraud["type"], "realtime");
    assert_eq!(fraud["group"], "An ninh mạng");
    assert!(fraud["description"].as_str().is_some_and(|d| d.contains("Giả danh công an")));
    assert!(fraud["keywords"].as_str().is_some_and(|k| k.contains("lừa đảo")));

    let res = get(&app, "/open311/v2/services.xml").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.content_type, "text/xml; charset=utf-8");
    assert!(res.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "{}", res.body);
    let doc = roxmltree::Document::parse(&res.body).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "services");
    let xml_services: Vec<_> = doc.root_element().children().filter(|n| n.has_tag_name("service")).collect();
    assert_eq!(xml_services.len(), 8);
    let gambling = xml_services.iter().find(|s| child_text(**s, "service_code") == "gambling").unwrap();
    assert_eq!(child_text(*gambling, "service_name"), "Cờ bạc, cá độ trực tuyến");
    assert_eq!(child_text(*gambling, "metadata"), "false");
    assert_eq!(child_text(*gambling, "type"), "realtime");

    let res = get(&app, "/open311/v2/services/fraud.json").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json(), serde_json::json!({"service_code": "fraud", "attributes": []}));
    let res = get(&app, "/open311/v2/services/fraud.xml").await;
    let doc = roxmltree::Document::parse(&res.body).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "service_definition");
    assert_eq!(child_text(doc.root_element(), "service_code"), "fraud");

    for path in [
        "/open311/v2/services/spam.json",
        "/open311/v2/services/spam.xml",
        "/open311/v2/services.html",
        "/open311/v2/nothing.json",
    ] {
        let res = get(&app, path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        res.assert_georeport_error(path);
    }

    let res = get(&app, "/open311/discovery.json").await;
    assert_eq!(res.status, 200);
    let discovery = res.json();
    let endpoint = &discovery["endpoints"][0];
    assert_eq!(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(endpoint["url"], format!("{}/open311/v2", app.base), "http on this machine");
    assert_eq!(endpoint["formats"], serde_json::json!(["application/json", "text/xml"]));
}

#[tokio::test]
async fn a_form_encoded_request_is_routed_and_read_back_without_its_private_details() {
    let app = TestApp::start().await;
    let (code, secret) = create(&app).await;

    // Stored like any report, routed to the commune it names.
    let report = app.store.report_by_code(&code).await.unwrap().unwrap();
    assert_eq!(report.unit_id, app.commune_a.0);
    assert_eq!(report.commune_id, Some(app.commune_a.0));
    assert_eq!(report.channel, Channel::Open311);
    assert_eq!(report.description, DESCRIPTION);
    assert!(report.has_contact);
    // The secret opens the report for its reporter.
    let res = app
        .http
        .get(format!("{}/api/v1/reports/track/{code}", app.base))
        .header("x-report-secret", &secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let mut public = Vec::new();

    let res = get(&app, &format!("/open311/v2/requests/{code}.json")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let list = res.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    let r = &list[0];
    assert_eq!(r["service_request_id"], code.as_str());
    assert_eq!(r["service_code"], "fraud");
    assert_eq!(r["service_name"], "Lừa đảo chiếm đoạt tài sản");
    assert_eq!(r["status"], "open");
    assert_eq!(r["status_notes"], Status::Received.default_message_vi());
    assert_eq!(r["agency_responsible"], report.unit_name.as_str());
    assert_eq!(r["address"], report.commune_name.clone().unwrap().as_str());
    assert_eq!(r["lat"], 21.18, "blurred to 0.01°");
    assert_eq!(r["long"], 106.07, "blurred to 0.01°");
    for field in ["requested_datetime", "updated_datetime", "expected_datetime"] {
        let t = r[field].as_str().unwrap();
        assert!(t.ends_with("+07:00") && chrono::DateTime::parse_from_rfc3339(t).is_ok(), "{field}: {t}");
    }
    assert!(r.get("description").is_none() && r.get("media_url").is_none(), "{r}");
    public.push(res.body);

    // Codes are read as people type them.
    let loose = code.to_lowercase().replace('-', "");
    let res = get(&app, &format!("/open311/v2/requests/{loose}.json")).await;
    assert_eq!(res.json()[0]["service_request_id"], code.as_str());

    let res = get(&app, &format!("/open311/v2/requests/{code}.xml")).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.content_type, "text/xml; charset=utf-8");
    let doc = roxmltree::Document::parse(&res.body).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "service_requests");
    let request = doc.root_element().children().find(|n| n.has_tag_name("request")).unwrap();
    assert_eq!(child_text(request, "service_request_id"), code);
    assert_eq!(child_text(request, "service_code"), "fraud");
    assert_eq!(child_text(request, "status"), "open");
    assert_eq!(child_text(request, "lat"), "21.18");
    assert_eq!(child_text(request, "long"), "106.07");
    assert!(request.children().all(|n| !n.has_tag_name("description")));
    public.push(res.body);

    // The list, by id (unknown ids are left out) and by the other filters.
    let res = get(&app, &format!("/open311/v2/requests.json?service_request_id={code},PA-00000-00000")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let list = res.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["service_request_id"], code.as_str());
    public.push(res.body);
    let listed = |res: &Answer| res.json().as_array().unwrap().iter().any(|r| r["service_request_id"] == code.as_str());
    for (query, expected) in [
        ("", true),
        ("?service_code=fraud", true),
        ("?service_code=gambling,fraud&status=open", true),
        ("?service_code=gambling", false),
        ("?status=closed", false),
        ("?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00%2B07:00", false),
    ] {
        let res = get(&app, &format!("/open311/v2/requests.json{query}")).await;
        assert_eq!(res.status, 200, "{query}: {}", res.body);
        assert_eq!(listed(&res), expected, "{query}: {}", res.body);
        public.push(res.body);
    }
    let res = get(&app, "/open311/v2/requests.xml?status=open").await;
    let doc = roxmltree::Document::parse(&res.body).unwrap();
    let ids: Vec<_> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("request"))
        .map(|n| child_text(n, "service_request_id"))
        .collect();
    assert_eq!(ids, vec![code.as_str()]);
    public.push(res.body);

    // The token is the id itself: ids are given at once.
    let res = get(&app, &format!("/open311/v2/tokens/{code}.json")).await;
    assert_eq!(res.json(), serde_json::json!([{"service_request_id": code, "token": code}]));
    let res = get(&app, &format!("/open311/v2/tokens/{code}.xml")).await;
    let doc = roxmltree::Document::parse(&res.body).unwrap();
    let request = doc.root_element().children().find(|n| n.has_tag_name("request")).unwrap();
    assert_eq!(child_text(request, "token"), code);

    // Creating with an XML answer.
    let res = post_form(
        &app,
        "/open311/v2/requests.xml",
        &[("service_code", "gambling"), ("description", "Nhóm Zalo rủ cá độ bóng đá, nạp tiền qua ví điện tử.")],
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let doc = roxmltree::Document::parse(&res.body).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "service_requests");
    let request = doc.root_element().children().find(|n| n.has_tag_name("request")).unwrap();
    let second = child_text(request, "service_request_id");
    assert!(second.starts_with("PA-") && child_text(request, "secret").len() == 26, "{}", res.body);
    assert!(app.store.report_by_code(second).await.unwrap().is_some());

    for body in &public {
        for private in PRIVATE {
            assert!(!body.contains(private), "{private:?} is public: {body}");
        }
    }
}

#[tokio::test]
async fn a_closed_request_reads_closed_with_the_officers_public_note() {
    let app = TestApp::start().await;
    let (code, _) = create(&app).await;
    let report = app.store.report_by_code(&code).await.unwrap().unwrap();
    let message = "Chị Bình giữ lại sao kê, ngân hàng sẽ gọi chị theo số đã cho.";
    let note = "Nội dung đã được chuyển cho ngân hàng phối hợp xử lý.";
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    tx.report_move_noted(report.id, Status::NotOurs, Some(message), Some(note)).await.unwrap();
    tx.commit().await.unwrap();

    let res = get(&app, &format!("/open311/v2/requests/{code}.json")).await;
    assert!(!res.body.contains("sao kê"), "the message to the reporter is public: {}", res.body);
    let r = &res.json()[0];
    assert_eq!(r["status"], "closed");
    assert_eq!(r["status_notes"], note);
    let res = get(&app, &format!("/open311/v2/requests/{code}.xml")).await;
    let doc = roxmltree::Document::parse(&res.body).unwrap();
    let request = doc.root_element().children().find(|n| n.has_tag_name("request")).unwrap();
    assert_eq!(child_text(request, "status"), "closed");

    let ids = |res: Answer| -> Vec<String> {
        res.json().as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids(get(&app, "/open311/v2/requests.json?status=closed").await), vec![code.clone()]);
    assert!(ids(get(&app, "/open311/v2/requests.json?status=open").await).is_empty());
}

#[tokio::test]
async fn bad_requests_get_a_georeport_error_and_store_nothing() {
    let app = TestApp::start().await;
    let before = app.write_count().await;
    let form = "application/x-www-form-urlencoded";
    let commune = format!("attribute%5Bcommune%5D={}", app.commune_a.1);
    let cases: Vec<(&str, Answer)> = vec![
        ("missing description", post_form(&app, "/open311/v2/requests.json", &[("service_code", "fraud")]).await),
        (
            "unknown service_code",
            post_form(&app, "/open311/v2/requests.xml", &[("service_code", "spam"), ("description", DESCRIPTION)])
                .await,
        ),
        (
            "JSON body",
            post_raw(
                &app,
                "/open311/v2/requests.json",
                "application/json",
                serde_json::json!({"service_code": "fraud", "description": DESCRIPTION}).to_string().into_bytes(),
            )
            .await,
        ),
        (
            "invalid UTF-8",
            post_raw(
                &app,
                "/open311/v2/requests.json",
                form,
                b"service_code=fraud&description=\xff\xfe lua dao qua mang xa hoi".to_vec(),
            )
            .await,
        ),
        (
            "invalid UTF-8, percent-encoded",
            post_raw(
                &app,
                "/open311/v2/requests.xml",
                form,
                format!("service_code=fraud&{commune}&description=%FF%FE+lua+dao+qua+mang").into_bytes(),
            )
            .await,
        ),
        (
            "outside Viet Nam",
            post_form(
                &app,
                "/open311/v2/requests.json",
                &[("service_code", "fraud"), ("description", DESCRIPTION), ("lat", "48.85"), ("long", "2.35")],
            )
            .await,
        ),
        (
            "unknown commune",
            post_form(
                &app,
                "/open311/v2/requests.json",
                &[("service_code", "fraud"), ("description", DESCRIPTION), ("attribute[commune]", "99999")],
            )
            .await,
        ),
        (
            "bad e-mail",
            post_form(
                &app,
                "/open311/v2/requests.json",
                &[("service_code", "fraud"), ("description", DESCRIPTION), ("email", "khong-phai-email")],
            )
            .await,
        ),
        ("POST to the service list", post_form(&app, "/open311/v2/services.json", &[("service_code", "fraud")]).await),
        ("unknown request", get(&app, "/open311/v2/requests/PA-00000-00000.json").await),
        ("not a code", get(&app, "/open311/v2/requests/khong-co.xml").await),
        ("unknown token", get(&app, "/open311/v2/tokens/PA-00000-00000.json").await),
        ("bad start_date", get(&app, "/open311/v2/requests.json?start_date=h%C3%B4m-qua").await),
        ("bad status", get(&app, "/open311/v2/requests.xml?status=pending").await),
        ("bad service_code", get(&app, "/open311/v2/requests.json?service_code=spam").await),
        (
            "a year at once",
            get(&app, "/open311/v2/requests.json?start_date=2025-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z").await,
        ),
    ];
    for (what, res) in &cases {
        res.assert_georeport_error(what);
    }
    let status = |what: &str| cases.iter().find(|(w, _)| *w == what).unwrap().1.status;
    assert_eq!(status("missing description"), StatusCode::BAD_REQUEST);
    assert_eq!(status("unknown service_code"), StatusCode::BAD_REQUEST);
    assert_eq!(status("JSON body"), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(status("invalid UTF-8"), StatusCode::BAD_REQUEST);
    assert_eq!(status("unknown request"), StatusCode::NOT_FOUND);
    let description = |what: &str| {
        let res = &cases.iter().find(|(w, _)| *w == what).unwrap().1;
        res.json()[0]["description"].as_str().unwrap().to_string()
    };
    assert!(description("missing description").contains("mô tả"), "the intake's own Vietnamese reason");
    assert!(description("outside Viet Nam").contains("Việt Nam"));
    assert_eq!(app.write_count().await, before, "a refused request wrote something");
}

#[tokio::test]
async fn an_officers_message_to_the_reporter_is_never_published_only_the_public_note_is() {
    use khienmang_core::auth::Role;
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let officer = app.token("xa-a").await;
    let (code, secret) = create(&app).await;
    let report = app.store.report_by_code(&code).await.unwrap().unwrap();
    let status = |to: &'static str, message: &'static str, note: &'static str| {
        let req = app.http.post(format!("{}/reports/{}/status", app.base, report.id)).bearer_auth(&officer);
        req.form(&[("status", to), ("message", message), ("public_note", note)]).send()
    };
    // The officer writes to the reporter only, as the form says.
    let message = "Chị Bình vui lòng mang điện thoại có tin nhắn lừa đảo đến trụ sở Công an xã sáng thứ Hai.";
    assert_eq!(status("triaged", message, "").await.unwrap().status(), StatusCode::SEE_OTHER);
    let public_views = [
        format!("/open311/v2/requests/{code}.json"),
        format!("/open311/v2/requests/{code}.xml"),
        "/open311/v2/requests.json".to_string(),
        "/open311/v2/requests.xml?status=open".to_string(),
    ];
    for path in &public_views {
        let res = get(&app, path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert!(res.body.contains(&code), "{path}: {}", res.body);
        assert!(!res.body.contains("trụ sở Công an xã"), "{path} publishes the message to the reporter: {}", res.body);
        assert!(res.body.contains(Status::Triaged.default_message_vi()), "{path}: {}", res.body);
    }
    // The reporter reads it, with the code and the secret.
    let res = app.http.get(format!("{}/api/v1/reports/track/{code}", app.base)).header("x-report-secret", &secret);
    let view: Value = res.send().await.unwrap().json().await.unwrap();
    assert!(view["timeline"].to_string().contains("trụ sở Công an xã"), "{view}");

    // A note written as public is published with the status, the message still not.
    let note = "Đã xác minh, đang phối hợp với ngân hàng.";
    let res = status("in_progress", "Chị Bình sẽ nhận lại tiền qua tài khoản cũ.", note).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for path in &public_views {
        let res = get(&app, path).await;
        assert!(res.body.contains(note), "{path}: {}", res.body);
        assert!(!res.body.contains("tài khoản cũ"), "{path} publishes the message to the reporter: {}", res.body);
    }
    // The form says which text is private and which public.
    let res = app.http.get(format!("{}/reports/{}", app.base, report.id)).bearer_auth(&officer).send().await.unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains("Thông báo riêng cho người phản ánh") && page.contains("Ghi chú công khai"), "{page}");
}

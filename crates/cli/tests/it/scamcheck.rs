//! Scam check end to end over HTTP: reports make a number suspicious, an
//! analyst verifies it and every check says "scam" within a second; the
//! private prefix lookup returns its full hash; official sites and their
//! look-alikes; a QR photo of a listed account; an owner's dispute that is
//! upheld takes the listing off; every decision is audited.

use khienmang_core::time::Timestamp;
use std::time::{Duration, Instant};

use khienmang_core::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use khienmang_testkit::http::TestApp;

const SCAM_PHONE: &str = "0856 123 789";
const SCAM_ACCOUNT: &str = "Vietcombank 0011001234567";

async fn check(app: &TestApp, q: &str) -> Value {
    let res = app.http.get(format!("{}/api/v1/check", app.base)).query(&[("q", q)]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "check {q}");
    res.json().await.unwrap()
}

/// Polls until the verdict is `want`; returns how long it took.
async fn until_verdict(app: &TestApp, q: &str, want: &str) -> Duration {
    let start = Instant::now();
    loop {
        let v = check(app, q).await;
        if v["verdict"] == want {
            return start.elapsed();
        }
        assert!(start.elapsed() < Duration::from_secs(5), "{q}: still {v} after 5 s, wanted {want}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn report(app: &TestApp, description: &str) {
    let res = app
        .http
        .post(format!("{}/api/v1/reports", app.base))
        .json(&json!({"category": "fraud", "description": description, "commune": app.commune_a.1,
                      "identifiers": [SCAM_PHONE, SCAM_ACCOUNT]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

async fn post_form(app: &TestApp, token: Option<&str>, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let mut req = app.http.post(format!("{}{path}", app.base)).form(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    (res.status(), res.text().await.unwrap_or_default())
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq").fetch_all(app.store.pool()).await.unwrap()
}

#[tokio::test]
async fn reported_then_verified_then_disputed_and_withdrawn() {
    let app = TestApp::start().await;
    app.user("phantich", Role::Analyst, Some(app.province)).await;
    let analyst = app.token("phantich").await;

    // Nothing known yet; two citizens report the same number and account.
    assert_eq!(check(&app, SCAM_PHONE).await["verdict"], "unknown");
    report(&app, "Gọi điện giả danh công an yêu cầu chuyển tiền vào tài khoản.").await;
    report(&app, "Nhắn tin mời làm cộng tác viên rồi bắt chuyển tiền cọc.").await;
    until_verdict(&app, SCAM_PHONE, "suspicious").await;
    // The live index may have taken in the first report before the second.
    let start = Instant::now();
    let v = loop {
        let v = check(&app, "+84 856 123 789").await;
        if v["evidence"]["reports"] == 2 || start.elapsed() > Duration::from_secs(5) {
            break v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(v["verdict"], "suspicious");
    assert_eq!(v["kind"], "phone");
    assert_eq!(v["normalized"], "+84856123789");
    assert_eq!(v["evidence"]["reports"], 2);
    assert_eq!(v["evidence"]["category"], "fraud");

    // The analyst sees the candidate and verifies it.
    let page = app.http.get(format!("{}/scamcheck", app.base)).bearer_auth(&analyst).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("tel:+84856123789") && html.contains("bank:970436:0011001234567"), "{html}");
    for key in ["tel:+84856123789", "bank:970436:0011001234567"] {
        let (status, _) = post_form(
            &app,
            Some(&analyst),
            "/scamcheck/indicators",
            &[("key", key), ("decision", "verify"), ("category", "fraud"), ("note", "Hai phản ánh trùng")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let took = until_verdict(&app, SCAM_PHONE, "scam").await;
    assert!(took < Duration::from_secs(1), "verified indicator visible after {took:?}");
    let v = check(&app, SCAM_ACCOUNT).await;
    assert_eq!((v["kind"].as_str(), v["verdict"].as_str()), (Some("bank_account"), Some("scam")));
    assert!(v["evidence"]["expires"].as_str().is_some(), "a verified listing ages out: {v}");

    // Seen again: a third report keeps the listing alive from its date.
    let expires = |app: &TestApp| {
        let pool = app.store.pool().clone();
        async move {
            sqlx::query_as::<_, (String, i64)>(
                "SELECT expires_at, reports FROM indicators WHERE key = 'tel:+84856123789'",
            )
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    sqlx::query("UPDATE indicators SET last_seen = '2026-01-01T00:00:00Z', expires_at = '2026-09-29T00:00:00Z'")
        .execute(app.store.pool())
        .await
        .unwrap();
    report(&app, "Lại bị gọi từ số này, đòi chuyển tiền phí hồ sơ vay vốn.").await;
    assert_eq!(app.store.resight_indicators(Timestamp::now()).await.unwrap(), 2, "the number and the account");
    let (until, reports) = expires(&app).await;
    assert_eq!(reports, 3);
    assert!(until > chrono::Utc::now().to_rfc3339(), "the listing lives on from the new report: {until}");
    assert_eq!(app.store.resight_indicators(Timestamp::now()).await.unwrap(), 0, "nothing new, nothing changed");

    // Private lookup: only 4 bytes go out, the full hash comes back.
    let full = hex::encode(Sha256::digest(b"tel:+84856123789"));
    let res = app.http.get(format!("{}/api/v1/check/prefix/{}", app.base, &full[..8])).send().await.unwrap();
    let prefix: Value = res.json().await.unwrap();
    let hit = prefix["hashes"].as_array().unwrap().iter().find(|h| h["sha256"] == full.as_str());
    assert_eq!(hit.map(|h| h["verdict"].clone()), Some(json!("scam")), "{prefix}");
    let res = app.http.get(format!("{}/api/v1/check/prefix/xyz", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A photo of a VietQR code for the listed account is a scam too.
    let body = "00020101021138570010A00000072701270006970436011300110012345670208QRIBFTTA53037045802VN6304";
    let crc = crc16(body.as_bytes());
    let png = qr_png(&format!("{body}{crc:04X}"));
    let res = app.http.post(format!("{}/api/v1/check", app.base)).body(png).send().await.unwrap();
    let v: Value = res.json().await.unwrap();
    assert_eq!((v["kind"].as_str(), v["verdict"].as_str()), (Some("qr"), Some("scam")), "{v}");
    assert_eq!(v["qr"]["bin"], "970436");

    // Official sites first; look-alikes name what they imitate.
    assert_eq!(check(&app, "https://vietcombank.com.vn/").await["verdict"], "official");
    let v = check(&app, "vietcombank-hotro.com").await;
    assert_eq!(v["verdict"], "suspicious");
    assert_eq!(v["evidence"]["imitates"], "vietcombank.com.vn");

    // The owner disputes the account's listing, anonymously, from the link
    // on the check page (the listing named by its hash).
    let hash = hex::encode(Sha256::digest(b"bank:970436:0011001234567"));
    let res = app.http.get(format!("{}/check", app.base)).query(&[("q", SCAM_ACCOUNT)]).send().await.unwrap();
    assert!(res.text().await.unwrap().contains(&format!("/check/dispute?indicator={hash}")));
    let (status, html) = post_form(
        &app,
        None,
        "/check/dispute",
        &[
            ("indicator", &hash),
            ("statement", "Tài khoản này là của tôi, tôi bán hàng hợp pháp và đã bị người khác mạo danh."),
            ("contact_phone", "0912 000 111"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let code = between(&html, "id=\"dispute-code\" class=\"report-code\">", "<");
    let secret = between(&html, "id=\"dispute-secret\" class=\"report-code\">", "<");
    assert!(code.starts_with("KN-"), "{code}");
    until_verdict(&app, SCAM_ACCOUNT, "disputed").await;

    // The analyst upholds it: the listing is withdrawn and citizens' reports
    // alone no longer flag it.
    let dispute: i64 =
        sqlx::query_scalar("SELECT id FROM indicator_disputes").fetch_one(app.store.pool()).await.unwrap();
    let (status, _) = post_form(
        &app,
        Some(&analyst),
        &format!("/scamcheck/disputes/{dispute}"),
        &[("outcome", "upheld"), ("decision", "Chủ tài khoản chứng minh bị mạo danh.")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    until_verdict(&app, SCAM_ACCOUNT, "unknown").await;
    let (_, html) = post_form(&app, None, "/check/dispute/track", &[("code", &code), ("secret", &secret)]).await;
    assert!(html.contains("Chấp nhận") && html.contains("bị mạo danh"), "{html}");
    let (_, html) = post_form(&app, None, "/check/dispute/track", &[("code", &code), ("secret", "WRONG")]).await;
    assert!(!html.contains("bị mạo danh"));

    let actions = audit_actions(&app).await;
    for a in ["indicator.verified", "indicator.dispute", "indicator.dispute_decided"] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited: {actions:?}");
    }
    // Checks are counted by kind and verdict, never stored with what was checked.
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT details FROM audit_log").fetch_all(app.store.pool()).await.unwrap();
    assert!(!stored.iter().any(|d| d.contains("vietcombank-hotro")), "a check was logged");
}

#[tokio::test]
async fn bad_queries_get_a_clear_answer_and_change_nothing() {
    let app = TestApp::start().await;
    let before = app.write_count().await;
    for q in ["", "0011001234567", "000201010211ABCDEF6304FFFF"] {
        let res = app.http.get(format!("{}/api/v1/check", app.base)).query(&[("q", q)]).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        let v: Value = res.json().await.unwrap();
        assert!(v.to_string().len() > 20, "{q}: {v}");
    }
    let res = app.http.post(format!("{}/api/v1/check", app.base)).body(b"not an image".to_vec()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app.http.get(format!("{}/check", app.base)).query(&[("q", "0011001234567")]).send().await.unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("tên ngân hàng"), "the page explains an account needs its bank");
    assert_eq!(app.write_count().await, before);
}

#[tokio::test]
async fn a_list_is_checked_in_one_request_with_the_answers_of_single_checks() {
    let app = TestApp::start().await;
    report(&app, "Gọi điện mạo danh công an, yêu cầu chuyển tiền vào tài khoản.").await;
    until_verdict(&app, SCAM_PHONE, "suspicious").await;
    let texts = [
        SCAM_PHONE,
        "0911 111 111",
        "",
        SCAM_ACCOUNT,
        "https://vietcombank.com.vn/",
        "vietcombank-hotro.com",
        "0011001234567",
    ];
    let batch =
        |q: Vec<String>| app.http.post(format!("{}/api/v1/check/batch", app.base)).json(&json!({ "q": q })).send();
    let res = batch(texts.iter().map(|t| t.to_string()).collect()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let results = res.json::<Value>().await.unwrap()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), texts.len());
    for (text, result) in texts.iter().zip(&results) {
        let single = app.http.get(format!("{}/api/v1/check", app.base)).query(&[("q", text)]).send().await.unwrap();
        if single.status() == StatusCode::OK {
            assert_eq!(result, &single.json::<Value>().await.unwrap(), "{text}");
        } else {
            // Refused alone, refused in the list, with the same message.
            let message = single.json::<Value>().await.unwrap()["message"].clone();
            assert_eq!(result["error"], message, "{text}");
        }
    }
    let verdicts: Vec<&str> = results.iter().map(|r| r["verdict"].as_str().unwrap_or("refused")).collect();
    assert_eq!(verdicts, ["suspicious", "unknown", "refused", "suspicious", "official", "suspicious", "refused"]);
    assert_eq!(results[5]["evidence"]["imitates"], "vietcombank.com.vn");

    let before = app.write_count().await;
    let res = batch(vec!["0911111111".to_string(); 1001]).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json::<Value>().await.unwrap()["message"].as_str().unwrap().contains("1000"));
    assert_eq!(app.write_count().await, before);
}

#[tokio::test]
async fn feeds_come_in_and_go_out_signed() {
    use khienmang_core::scamcheck::feeds::{FeedFormat, FeedVerifyingKey, verify};
    let app = TestApp::start().await;
    app.user("phantich", Role::Analyst, Some(app.province)).await;
    let analyst = app.token("phantich").await;
    let feed =
        br#"[{"url": "https://*.lua-dao-vcb.example/*"}, {"url": "http://phish.example/dang-nhap"}, {"url": 7}]"#;
    let res = import_feed(&app, &analyst, "chongluadao", feed).await;
    assert_eq!(res.status(), StatusCode::OK);
    let r: Value = res.json().await.unwrap();
    assert_eq!((r["listed"].as_u64(), r["skipped"].as_array().map(Vec::len)), (Some(2), Some(1)), "{r}");
    until_verdict(&app, "https://login.lua-dao-vcb.example/x", "scam").await;
    until_verdict(&app, "phish.example/dang-nhap", "scam").await;
    assert_eq!(check(&app, "phish.example/khac").await["verdict"], "unknown", "only that path is listed");

    // A file that is not the format changes nothing.
    let before = app.write_count().await;
    let res = import_feed(&app, &analyst, "stix", b"not json").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.write_count().await, before);

    // Out: the CSV verifies against the published key; the STIX bundle reads back.
    let get = |path: &str| app.http.get(format!("{}{path}", app.base)).send();
    let key = FeedVerifyingKey::from_text(&get("/.well-known/khienmang-feed-key").await.unwrap().text().await.unwrap())
        .unwrap();
    let csv = get("/feeds/indicators.csv").await.unwrap().bytes().await.unwrap();
    let sig = get("/feeds/indicators.csv.sig").await.unwrap().text().await.unwrap();
    assert!(String::from_utf8_lossy(&csv).contains("lua-dao-vcb.example"));
    verify(&csv, &sig, &key).unwrap();
    let mut tampered = csv.to_vec();
    tampered[0] ^= 1;
    assert!(verify(&tampered, &sig, &key).is_err());
    let stix = get("/feeds/indicators.stix.json").await.unwrap().bytes().await.unwrap();
    let back = FeedFormat::Stix.parse(&stix).unwrap();
    assert_eq!(back.indicators.len(), 2, "{}", String::from_utf8_lossy(&stix));
}

/// An analyst uploads a feed file on the staff page's form.
async fn import_feed(app: &TestApp, token: &str, format: &str, bytes: &[u8]) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("format", format.to_owned())
        .part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("feed"));
    app.http.post(format!("{}/scamcheck/feeds", app.base)).bearer_auth(token).multipart(form).send().await.unwrap()
}

fn between(s: &str, start: &str, end: &str) -> String {
    let from = s.find(start).map(|i| i + start.len()).unwrap_or_else(|| panic!("{start} not in page: {s}"));
    s[from..].split(end).next().unwrap().to_string()
}

fn crc16(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for b in bytes {
        crc ^= u16::from(*b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc
}

/// `text` as a QR code, 8 pixels a module with a quiet zone, as PNG.
fn qr_png(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let (modules, colors, scale) = (code.width() as u32, code.to_colors(), 8);
    let side = (modules + 8) * scale;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
        let dark = mx < modules && my < modules && colors[(my * modules + mx) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn the_dispute_page_names_only_listings_shown_to_the_public_and_never_by_a_sequential_id() {
    use khienmang_core::reports::Category;
    use khienmang_core::scamcheck::{IndicatorKey, IndicatorStatus};
    use khienmang_store::scamcheck::Listing;
    let app = TestApp::start().await;
    app.user("phantich", Role::Analyst, Some(app.province)).await;
    let analyst = app.token("phantich").await;
    // A verified number, a rejected one (never shown), and a candidate from reports.
    for (key, decision) in [("tel:+84856123789", "verify"), ("tel:+84911222333", "reject")] {
        let form = [("key", key), ("decision", decision), ("category", "fraud"), ("note", "")];
        assert_eq!(post_form(&app, Some(&analyst), "/scamcheck/indicators", &form).await.0, StatusCode::SEE_OTHER);
    }
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    let now = chrono::Utc::now();
    let candidate = Listing {
        key: IndicatorKey::from_stored("tel:+84911444555"),
        status: IndicatorStatus::Candidate,
        category: Category::Fraud,
        confidence: 40,
        source: "reports".into(),
        source_ref: None,
        first_seen: now,
        last_seen: now,
        valid_until: None,
        imitates: None,
        note: None,
    };
    tx.list_indicator(&candidate, false).await.unwrap();
    tx.commit().await.unwrap();
    until_verdict(&app, SCAM_PHONE, "scam").await;
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, key, hash, state FROM indicators ORDER BY id")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    let state_of = |key: &str| rows.iter().find(|r| r.1 == key).map(|r| r.3.clone());
    assert_eq!(state_of("tel:+84911222333").as_deref(), Some("rejected"));
    assert_eq!(state_of("tel:+84911444555").as_deref(), Some("candidate"));

    let form = |indicator: String| {
        let res = app.http.get(format!("{}/check/dispute", app.base)).query(&[("indicator", indicator)]).send();
        async move {
            let res = res.await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    // Walking ids or hashes finds nothing that is not listed publicly now.
    for (id, key, hash, state) in &rows {
        let (status, _) = form(id.to_string()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "id {id} ({state})");
        let (status, html) = form(hash.clone()).await;
        if state == "verified" || state == "disputed" {
            assert_eq!(status, StatusCode::OK, "{key}");
            // Named as people write it ("0856 123 789"), never by its key.
            let shown = khienmang_core::display::identifier(key);
            assert!(html.contains(&shown) && !html.contains(key.as_str()), "{key} as {shown}");
        } else {
            assert_eq!(status, StatusCode::NOT_FOUND, "{key} ({state}) is listed");
            let shown = khienmang_core::display::identifier(key);
            assert!(!html.contains(key.as_str()) && !html.contains(&shown), "{key} ({state}) is shown");
        }
    }
    let (not_hex, long) = ("g".repeat(64), "a".repeat(10_000));
    for junk in ["", "1", "../1", not_hex.as_str(), long.as_str()] {
        assert_eq!(form(junk.to_string()).await.0, StatusCode::NOT_FOUND, "{junk:.20}");
    }
    // Nor can a dispute be filed against a rejected listing by its id or hash.
    let rejected = rows.iter().find(|r| r.1 == "tel:+84911222333").unwrap();
    let before = app.write_count().await;
    for reference in [rejected.0.to_string(), rejected.2.clone()] {
        let statement = "Số này là của tôi, tôi không hề lừa đảo ai và muốn được gỡ khỏi danh sách.";
        let (status, _) =
            post_form(&app, None, "/check/dispute", &[("indicator", &reference), ("statement", statement)]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let disputes: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM indicator_disputes")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!((disputes, app.write_count().await), (0, before));
    // The server still answers, and the public listing is still disputable.
    let verified = rows.iter().find(|r| r.1 == "tel:+84856123789").unwrap();
    assert_eq!(form(verified.2.to_uppercase()).await.0, StatusCode::OK);
}

/// A client that asks the server's check API in front of the router, and
/// the router alone, and compares.
mod check_in_front {
    use std::convert::Infallible;
    use std::net::SocketAddr;

    use axum::body::{Body, to_bytes};
    use axum::extract::{ConnectInfo, Request};
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::Response;
    use khienmang_web::limit::LimitClass;
    use khienmang_web::scamcheck::fast_path::CheckFirst;
    use tower::{Service, ServiceExt};

    async fn send(
        service: impl Service<Request, Response = Response, Error = Infallible>,
        uri: &str,
    ) -> (StatusCode, HeaderMap, String) {
        let peer = ConnectInfo(SocketAddr::from(([203, 0, 113, 9], 4000)));
        let req = Request::builder().uri(uri).extension(peer).body(Body::empty()).unwrap();
        let res = service.oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        (parts.status, parts.headers, String::from_utf8(to_bytes(body, 1 << 20).await.unwrap().to_vec()).unwrap())
    }

    /// Each request is answered the same in front of the router as by the
    /// router alone: status, every header and the body, refusals included.
    #[tokio::test]
    async fn the_check_in_front_of_the_router_answers_as_the_router_does() {
        let (store, _) = khienmang_testkit::db::fresh_store().await;
        let mut limits = khienmang_web::limit::LimitSettings::default();
        limits.set(LimitClass::Check, 3);
        let config =
            khienmang_web::WebConfig { require_totp: false, cookie_secure: false, limits, ..Default::default() };
        // Two servers with their own limiter each, asked the same things in the same order.
        let routed = khienmang_web::router(khienmang_web::AppState::new(store.clone(), config.clone(), None));
        let state = khienmang_web::AppState::new(store, config, None);
        let front = CheckFirst { router: khienmang_web::router(state.clone()), state };
        let asked = [
            "/api/v1/check?q=0912%20345%20678",
            "/api/v1/check?q=https%3A%2F%2Fvietcombank.com.vn%2F",
            "/api/v1/check?q=xin+ch%C3%A0o",
            "/api/v1/check?q=1&q=2",
            "/api/v1/check",
            "/api/v1/check?q=0912345678&lang=en",
            // Past the third request (the bad text counted too) the limit
            // of three is spent: both paths refuse alike from the fourth on.
            "/api/v1/check?q=0912345678",
        ];
        for uri in asked {
            let (a, b) = (send(routed.clone(), uri).await, send(front.clone(), uri).await);
            assert_eq!(a, b, "{uri}");
        }
        let (status, headers, body) = send(front.clone(), "/api/v1/check?q=0987654321").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(body.contains("\"error\":\"too_many_requests\""), "{body}");
        assert_eq!(headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'");
    }
}

/// The verdict a replica at `base` gives, polled until it is `want`.
async fn until_verdict_at(app: &TestApp, base: &str, q: &str, want: &str) -> Value {
    let start = Instant::now();
    loop {
        let res = app.http.get(format!("{base}/api/v1/check")).query(&[("q", q)]).send().await.unwrap();
        let v: Value = res.json().await.unwrap();
        if v["verdict"] == want {
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "{q} at {base}: still {v} after 5 s, wanted {want}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_official_list_is_kept_by_the_secretariat_and_every_replica_checks_against_it() {
    let app = TestApp::start().await;
    let replica = app.replica(khienmang_web::WebConfig { require_totp: false, ..Default::default() }).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("phantich", Role::Analyst, Some(app.province)).await;
    let tinh = app.token("tinh").await;

    // The list the check started with is data now: a bank's site is official,
    // a made-up bank's is not, yet.
    until_verdict(&app, "https://vietcombank.com.vn/", "official").await;
    assert_eq!(check(&app, "https://nganhangmau.com.vn/").await["verdict"], "unknown");

    // Neither a commune officer nor an analyst changes the list.
    let entry = [("kind", "domain"), ("value", "nganhangmau.com.vn"), ("owner", "Ngân hàng Mẫu"), ("source", "Thư")];
    for who in ["xa", "phantich"] {
        let t = app.token(who).await;
        let (status, _) = post_form(&app, Some(&t), "/scamcheck/official", &entry).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        let res = app.http.get(format!("{}/scamcheck/official", app.base)).bearer_auth(&t).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}");
    }

    // A refused entry comes back with what was typed and the reason beside the field.
    let typo = [("kind", "domain"), ("value", "http://"), ("owner", "Ngân hàng Mẫu"), ("source", "Thư số 12")];
    let (status, page) = post_form(&app, Some(&tinh), "/scamcheck/official", &typo).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"add-value-error\""), "the reason sits beside the value");
    assert!(page.contains("value=\"Thư số 12\""), "what was typed is kept");
    let duplicate = [("kind", "domain"), ("value", "VIETCOMBANK.com.vn"), ("owner", "X"), ("source", "Y")];
    let (status, page) = post_form(&app, Some(&tinh), "/scamcheck/official", &duplicate).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("đã có trong danh sách"), "{page}");

    // Added: both replicas answer "official" within their poll, and a look-alike
    // of the new domain is suspicious and names it.
    let (status, _) = post_form(&app, Some(&tinh), "/scamcheck/official", &entry).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    for base in [app.base.as_str(), replica.as_str()] {
        let v = until_verdict_at(&app, base, "https://nganhangmau.com.vn/dang-nhap", "official").await;
        assert_eq!(v["evidence"]["official_owner"], "nganhangmau.com.vn");
    }
    let v = until_verdict_at(&app, &replica, "nganhangmau-hotro.com", "suspicious").await;
    assert_eq!(v["evidence"]["imitates"], "nganhangmau.com.vn");

    // An official account: its transfers are answered "official" with the owner.
    let account = [
        ("kind", "bank_account"),
        ("value", "0071 0008 88999"),
        ("bank", "970436"),
        ("owner", "Quỹ cứu trợ tỉnh"),
        ("source", "Quyết định 12/QĐ-UBND"),
    ];
    assert_eq!(post_form(&app, Some(&tinh), "/scamcheck/official", &account).await.0, StatusCode::SEE_OTHER);
    let v = until_verdict_at(&app, &replica, "Vietcombank 0071000888999", "official").await;
    assert_eq!(v["evidence"]["official_owner"], "Quỹ cứu trợ tỉnh");

    // Corrected, then voided with a reason: it stops counting on every replica,
    // the page keeps it with who voided it and why, and the audit log has each step.
    let id: i64 = sqlx::query_scalar("SELECT id FROM official_entries WHERE value = 'nganhangmau.com.vn'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let fixed = [("kind", "domain"), ("value", "nganhangmau.vn"), ("owner", "Ngân hàng Mẫu"), ("source", "Thư số 12")];
    assert_eq!(
        post_form(&app, Some(&tinh), &format!("/scamcheck/official/{id}"), &fixed).await.0,
        StatusCode::SEE_OTHER
    );
    until_verdict_at(&app, &replica, "https://nganhangmau.vn/", "official").await;
    let (status, page) =
        post_form(&app, Some(&tinh), &format!("/scamcheck/official/{id}/void"), &[("reason", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"void-reason-error\""), "{page}");
    let void = [("reason", "Nhập nhầm: không phải ngân hàng")];
    assert_eq!(
        post_form(&app, Some(&tinh), &format!("/scamcheck/official/{id}/void"), &void).await.0,
        StatusCode::SEE_OTHER
    );
    for base in [app.base.as_str(), replica.as_str()] {
        until_verdict_at(&app, base, "https://nganhangmau.vn/", "unknown").await;
    }
    let res = app.http.get(format!("{}/scamcheck/official/{id}", app.base)).bearer_auth(&tinh).send().await.unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains("Nhập nhầm: không phải ngân hàng") && page.contains("official.edit"), "{page}");
    let actions = audit_actions(&app).await;
    for action in ["official.add", "official.edit", "official.void"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
    // A voided entry cannot be corrected or voided again.
    assert_eq!(
        post_form(&app, Some(&tinh), &format!("/scamcheck/official/{id}/void"), &void).await.0,
        StatusCode::NOT_FOUND
    );
}

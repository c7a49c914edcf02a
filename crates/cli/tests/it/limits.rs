//! What an anonymous caller with a script meets: rate limits counted per
//! client as the reverse proxy saw it (forwarded addresses believed only
//! from trusted proxies), held across replicas of one database; absolute
//! links that no Host header can change; metrics that need their token.

use std::time::Duration;

use khienmang_web::WebConfig;
use khienmang_web::limit::{LimitClass, LimitSettings};
use reqwest::StatusCode;
use serde_json::json;

use khienmang_testkit::http::TestApp;

fn limits(reports_per_hour: u32, trusted_proxies: &[&str]) -> LimitSettings {
    let mut settings = LimitSettings::default();
    settings.set(LimitClass::Report, reports_per_hour);
    settings.trusted_proxies = trusted_proxies.iter().map(|p| p.parse().unwrap()).collect();
    settings
}

/// Sends one valid report to `base` as `forwarded_for` (if any).
async fn report(app: &TestApp, base: &str, forwarded_for: Option<&str>) -> StatusCode {
    let body = json!({
        "category": "fraud",
        "description": "Tin nhắn giả danh ngân hàng yêu cầu bấm vào đường dẫn lạ để nhận quà.",
        "commune": app.commune_a.1,
    });
    let mut req = app.http.post(format!("{base}/api/v1/reports")).json(&body);
    if let Some(address) = forwarded_for {
        req = req.header("x-forwarded-for", address);
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_a_trusted_proxy() {
    // Behind the proxy (loopback, trusted), each citizen has a count of their own.
    let app = TestApp::start_with(WebConfig {
        require_totp: false,
        limits: limits(2, &["127.0.0.1"]),
        ..WebConfig::default()
    })
    .await;
    let base = app.base.clone();
    for _ in 0..2 {
        assert_eq!(report(&app, &base, Some("203.0.113.7")).await, StatusCode::CREATED);
    }
    assert_eq!(report(&app, &base, Some("203.0.113.7")).await, StatusCode::TOO_MANY_REQUESTS);
    // What the client itself wrote before the proxy's hop is not believed.
    assert_eq!(report(&app, &base, Some("198.51.100.1, 203.0.113.7")).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(report(&app, &base, Some("203.0.113.8")).await, StatusCode::CREATED);
    // Addresses of one IPv6 /64 share a count.
    for _ in 0..2 {
        assert_eq!(report(&app, &base, Some("2001:db8:7:7::1")).await, StatusCode::CREATED);
    }
    assert_eq!(report(&app, &base, Some("2001:db8:7:7:ffff::2")).await, StatusCode::TOO_MANY_REQUESTS);

    // Without trusted proxies, a script changing the header walks past nothing.
    let direct =
        TestApp::start_with(WebConfig { require_totp: false, limits: limits(2, &[]), ..WebConfig::default() }).await;
    let base = direct.base.clone();
    for (i, status) in [StatusCode::CREATED, StatusCode::CREATED, StatusCode::TOO_MANY_REQUESTS].into_iter().enumerate()
    {
        assert_eq!(report(&direct, &base, Some(&format!("203.0.113.{i}"))).await, status, "report {i}");
    }
    let refused = direct.http.post(format!("{base}/api/v1/reports")).json(&json!({})).send().await.unwrap();
    assert!(refused.text().await.unwrap().contains("Vui lòng thử lại sau"), "the refusal says when to come back");
}

#[tokio::test]
async fn a_limit_holds_across_two_replicas_of_one_database() {
    const LIMIT: u32 = 4;
    let config = || WebConfig { require_totp: false, limits: limits(LIMIT, &[]), ..WebConfig::default() };
    let app = TestApp::start_with(config()).await;
    let other = app.replica(config()).await;
    let mut accepted = 0;
    for base in [&app.base, &other] {
        for _ in 0..LIMIT {
            accepted += u32::from(report(&app, base, None).await == StatusCode::CREATED);
        }
    }
    // Before the replicas hear of each other, at most the limit on each.
    assert!((LIMIT..=2 * LIMIT).contains(&accepted), "{accepted} accepted");
    // Within about a second each knows the total and refuses.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    for base in [&app.base, &other] {
        assert_eq!(report(&app, base, None).await, StatusCode::TOO_MANY_REQUESTS, "{base} after the sync");
    }
    // Counted under a hashed key: no address is in the database.
    let clients: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT client FROM rate_limit_counts").fetch_all(app.store.pool()).await.unwrap();
    assert!(!clients.is_empty());
    assert!(clients.iter().all(|c| c.len() == 16 && !c.windows(4).any(|w| w == [127, 0, 0, 1])));
}

#[tokio::test]
async fn absolute_links_come_from_the_configured_address_never_the_host_header() {
    let app = TestApp::start_with(WebConfig {
        require_totp: false,
        public_url: Some("https://phananh.example.vn/".into()),
        ..WebConfig::default()
    })
    .await;
    let discovery: serde_json::Value = app
        .http
        .get(format!("{}/open311/discovery.json", app.base))
        .header("host", "evil.example")
        .header("x-forwarded-proto", "http")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["endpoints"][0]["url"], "https://phananh.example.vn/open311/v2");
    for feed in ["/warnings.atom", "/warnings.rss"] {
        let res = app.http.get(format!("{}{feed}", app.base)).header("host", "evil.example").send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let text = res.text().await.unwrap();
        assert!(text.contains("https://phananh.example.vn") && !text.contains("evil.example"), "{feed}: {text}");
    }
}

#[tokio::test]
async fn metrics_are_not_served_to_callers_without_the_token() {
    let app = TestApp::start().await;
    let res = app.http.get(format!("{}/metrics", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no token configured: not on the main address");

    let app = TestApp::start_with(WebConfig {
        require_totp: false,
        metrics_token: Some("mot-ma-dai-cho-prometheus".into()),
        ..WebConfig::default()
    })
    .await;
    let metrics = |token: Option<&'static str>| {
        let mut req = app.http.get(format!("{}/metrics", app.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    assert_eq!(metrics(None).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(metrics(Some("sai")).await.unwrap().status(), StatusCode::FORBIDDEN);
    let res = metrics(Some("mot-ma-dai-cho-prometheus")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
}

#[tokio::test]
async fn guessing_tracking_secrets_is_cut_off_and_the_check_is_limited_per_client() {
    let mut settings = limits(20, &["127.0.0.1"]);
    settings.set(LimitClass::Track, 5);
    settings.set(LimitClass::Check, 3);
    let app = TestApp::start_with(WebConfig { require_totp: false, limits: settings, ..WebConfig::default() }).await;
    let guess = |from: &'static str| {
        app.http
            .get(format!("{}/api/v1/reports/track/PA-7K3M9-QX2TR", app.base))
            .header("x-report-secret", "DOAN-BUA")
            .header("x-forwarded-for", from)
            .send()
    };
    for _ in 0..5 {
        assert_eq!(guess("203.0.113.7").await.unwrap().status(), StatusCode::NOT_FOUND);
    }
    let refused = guess("203.0.113.7").await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.text().await.unwrap().contains("thử lại sau"));
    assert_eq!(guess("203.0.113.8").await.unwrap().status(), StatusCode::NOT_FOUND, "another client");

    let check = |from: &'static str| {
        app.http.get(format!("{}/api/v1/check?q=0912345678", app.base)).header("x-forwarded-for", from).send()
    };
    for _ in 0..3 {
        assert_eq!(check("198.51.100.1").await.unwrap().status(), StatusCode::OK);
    }
    assert_eq!(check("198.51.100.1").await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(check("198.51.100.2").await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn idle_sockets_are_closed_and_cannot_take_every_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let connections =
        khienmang_web::server::ConnectionLimits { max_connections: 4, read_idle: Duration::from_millis(800) };
    let app = TestApp::start_with(WebConfig { require_totp: false, connections, ..WebConfig::default() }).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    // A slowloris client: four sockets that send half a request and stall.
    let mut idle = Vec::new();
    for _ in 0..4 {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        idle.push(s);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The fifth is closed at once: no worker waits on it.
    let mut fifth = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(2), fifth.read(&mut buf)).await.unwrap().unwrap_or(0);
    assert_eq!(n, 0, "a connection past the cap is closed");
    // The stalled ones are dropped after the idle time, and the server answers again.
    for mut s in idle {
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await.unwrap().unwrap_or(0);
        assert_eq!(n, 0, "a stalled request is cut off");
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let res = app.http.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_batch_check_counts_each_text_against_the_limit() {
    let mut settings = limits(20, &[]);
    settings.set(LimitClass::Check, 10);
    let app = TestApp::start_with(WebConfig { require_totp: false, limits: settings, ..WebConfig::default() }).await;
    let batch = |n: usize| {
        let q: Vec<String> = (0..n).map(|i| format!("09123456{i:02}")).collect();
        app.http.post(format!("{}/api/v1/check/batch", app.base)).json(&json!({ "q": q })).send()
    };
    assert_eq!(batch(8).await.unwrap().status(), StatusCode::OK);
    assert_eq!(batch(3).await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS, "8 + 3 > 10");
    assert_eq!(batch(2).await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS, "the refused request counted one");
}

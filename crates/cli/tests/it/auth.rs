//! Logging in: cookies with CSRF, back-off and lockout, TOTP, demo accounts,
//! security headers.

use khienmang_core::auth::Role;
use khienmang_web::WebConfig;
use reqwest::StatusCode;

use crate::support::{PASSWORD, TestApp};

fn cookie_of(res: &reqwest::Response) -> String {
    let set = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Secure"), "{set}");
    set.split(';').next().unwrap().to_string()
}

fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn browser_session_needs_the_csrf_token_to_change_anything() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let res = app
        .http
        .post(format!("{}/login", app.base))
        .form(&[("username", "xa"), ("password", PASSWORD), ("next", "/org")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/org");
    let cookie = cookie_of(&res);

    let page = app
        .http
        .get(format!("{}/org/units/{}", app.base, app.commune_a.0))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let csrf = csrf_in(&page.text().await.unwrap());

    let rename = |token: Option<&str>| {
        let mut form = vec![("name", "Tên mới".to_string()), ("effective", "2026-10-01".to_string())];
        if let Some(t) = token {
            form.push(("csrf", t.to_string()));
        }
        app.http
            .post(format!("{}/org/units/{}/rename", app.base, app.commune_a.0))
            .header("cookie", &cookie)
            .form(&form)
            .send()
    };
    let before = app.write_count().await;
    assert_eq!(rename(None).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(rename(Some("forged")).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(app.write_count().await, before);
    // A cross-site Origin is refused even with the token.
    let cross = app
        .http
        .post(format!("{}/org/units/{}/rename", app.base, app.commune_a.0))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .form(&[("name", "X"), ("effective", "2026-10-01"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert_eq!(rename(Some(&csrf)).await.unwrap().status(), StatusCode::SEE_OTHER);
    let v = app.store.unit_on(app.commune_a.0, crate::support::day("2026-10-01")).await.unwrap().unwrap();
    assert_eq!(v.name, "Tên mới");

    // Logging out ends the session.
    let out = app
        .http
        .post(format!("{}/logout", app.base))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = app.http.get(format!("{}/org", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert!(after.headers()["location"].to_str().unwrap().starts_with("/login"));
}

async fn api_login(app: &TestApp, user: &str, password: &str, totp: Option<String>) -> StatusCode {
    app.http
        .post(format!("{}/api/v1/session", app.base))
        .json(&serde_json::json!({"username": user, "password": password, "totp": totp}))
        .send()
        .await
        .unwrap()
        .status()
}

/// Pages get the full set of security headers; JSON answers (verdicts and
/// errors alike) the API's set, under which nothing may load or frame them.
#[tokio::test]
async fn pages_and_json_answers_each_carry_their_security_headers() {
    let app = TestApp::start().await;
    let get = |path: &str| app.http.get(format!("{}{path}", app.base)).send();
    let page = get("/check").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
    assert_eq!(page.headers()["referrer-policy"], "same-origin");
    for (path, status) in
        [("/api/v1/check?q=0912345678", StatusCode::OK), ("/api/v1/check?q=", StatusCode::UNPROCESSABLE_ENTITY)]
    {
        let res = get(path).await.unwrap();
        assert_eq!(res.status(), status, "{path}");
        let h = res.headers();
        assert_eq!(h["content-type"], "application/json", "{path}");
        assert_eq!(h["content-security-policy"], "default-src 'none'; frame-ancestors 'none'", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["cache-control"], "no-store", "{path}");
        assert!(h.get("referrer-policy").is_none(), "{path}: a document's header");
    }
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    for _ in 0..4 {
        assert_eq!(api_login(&app, "tinh", "sai-mat-khau", None).await, StatusCode::UNAUTHORIZED);
    }
    // The fifth failure locks the account for a while.
    assert_eq!(api_login(&app, "tinh", "sai-mat-khau", None).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(api_login(&app, "tinh", PASSWORD, None).await, StatusCode::TOO_MANY_REQUESTS);
    // Unknown users are answered like wrong passwords.
    assert_eq!(api_login(&app, "khong-co", PASSWORD, None).await, StatusCode::UNAUTHORIZED);
    let audit = app.store.audit_recent(Some("user:1"), 20, 0).await.unwrap();
    assert!(audit.iter().filter(|e| e.action == "auth.login_failed").count() >= 5);
}

#[tokio::test]
async fn totp_second_factor_is_required_once_enrolled_and_enforced_for_staff() {
    let app = TestApp::start_with(WebConfig { require_totp: true, ..WebConfig::default() }).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    // Staff without a second factor are sent to enrol before anything else.
    let t = app.token("tinh").await;
    let (status, _) = app.get_json(&t, "/api/v1/me").await;
    assert_eq!(status, 403);

    let secret = totp_rs::Secret::generate_secret().to_encoded().to_string();
    let user = app.store.user_by_name("tinh").await.unwrap().unwrap();
    let mut tx = app.store.begin_write("test").await.unwrap();
    tx.set_totp(user.id, Some(&secret)).await.unwrap();
    tx.commit().await.unwrap();

    assert_eq!(api_login(&app, "tinh", PASSWORD, None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(api_login(&app, "tinh", PASSWORD, Some("000000".into())).await, StatusCode::UNAUTHORIZED);
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        totp_rs::Secret::Encoded(secret).to_bytes().unwrap(),
        Some("Khiên Mạng".into()),
        "tinh".into(),
    )
    .unwrap();
    assert_eq!(api_login(&app, "tinh", PASSWORD, Some(totp.generate_current().unwrap())).await, StatusCode::OK);
}

#[tokio::test]
async fn demo_accounts_are_refused_unless_allowed() {
    let app = TestApp::start().await;
    let hash = khienmang_web::auth::hash_password("demo").unwrap();
    let mut tx = app.store.begin_write("test").await.unwrap();
    tx.create_user(&khienmang_store::auth::NewUser {
        username: "tinh",
        display_name: "demo",
        password_hash: &hash,
        role: Role::Secretariat,
        scope_unit_id: Some(app.province),
        is_demo: true,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(api_login(&app, "tinh", "demo", None).await, StatusCode::FORBIDDEN);
    let page = app
        .http
        .post(format!("{}/login", app.base))
        .form(&[("username", "tinh"), ("password", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(page.text().await.unwrap().contains("Tài khoản thử nghiệm không được phép"));
}

#[tokio::test]
async fn operator_endpoints_answer() {
    let app = TestApp::start().await;
    let health = app.http.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let doc: serde_json::Value =
        app.http.get(format!("{}/api/openapi.json", app.base)).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/v1/session", "/api/v1/org/units", "/api/v1/org/units/{id}/children", "/api/v1/org/operations"] {
        assert!(doc["paths"][path].is_object(), "OpenAPI documents {path}");
    }
    let login = app.http.get(format!("{}/login", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(login.contains("lang=\"vi\"") && login.contains("Đăng nhập"));
    let en = app
        .http
        .get(format!("{}/login", app.base))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("lang=\"en\"") && en.contains("Log in"));
    assert!(!login.contains("<script>") && !login.contains("style=\""), "no inline script or style");
}

//! Logging in: cookies with CSRF, back-off and lockout, TOTP, demo accounts,
//! security headers.

use khienmang_core::auth::Role;
use khienmang_core::time::Timestamp;
use khienmang_web::WebConfig;
use reqwest::StatusCode;

use khienmang_testkit::fixtures::{PASSWORD, day};
use khienmang_testkit::http::TestApp;

pub(crate) fn cookie_of(res: &reqwest::Response) -> String {
    let set = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Secure"), "{set}");
    set.split(';').next().unwrap().to_string()
}

pub(crate) fn csrf_in(html: &str) -> String {
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
    let v = app.store.unit_on(app.commune_a.0, day("2026-10-01")).await.unwrap().unwrap();
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
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
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
async fn a_wrong_password_shows_the_login_page_saying_so() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let page = app
        .http
        .post(format!("{}/login", app.base))
        .form(&[("username", "tinh"), ("password", "sai-mat-khau"), ("next", "/targets")])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::UNAUTHORIZED, "the page itself, not a redirect that loses the reason");
    let html = page.text().await.unwrap();
    assert!(html.contains("Tên đăng nhập hoặc mật khẩu không đúng."), "{html}");
    assert!(html.contains(r#"value="tinh""#), "what was typed comes back: {html}");
}

#[tokio::test]
async fn demo_accounts_are_refused_unless_allowed() {
    let app = TestApp::start().await;
    let hash = khienmang_web::auth::hash_password("demo").unwrap();
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
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

/// A user's row as the lockout sees it: failures, lock end, live sessions.
async fn lockout_state(app: &TestApp, user: &str) -> (i64, Option<String>, i64) {
    let u = app.store.user_by_name(user).await.unwrap().unwrap();
    let sessions: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM sessions WHERE user_id = $1")
        .bind(u.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    (u.failed_logins, u.locked_until, sessions)
}

async fn failures_audited(app: &TestApp, user: &str) -> Vec<serde_json::Value> {
    let u = app.store.user_by_name(user).await.unwrap().unwrap();
    let audit = app.store.audit_recent(Some(&format!("user:{}", u.id)), 1000, 0).await.unwrap();
    audit
        .into_iter()
        .filter(|e| e.action == "auth.login_failed")
        .map(|e| serde_json::from_str(&e.details).unwrap())
        .collect()
}

/// The probe's attack: 59 wrong passwords and the right one at once. The
/// failures are counted one by one before any password is checked, so only
/// the first five are checked, the account locks, and the right password
/// sent amid the burst gets no session.
#[tokio::test]
async fn sixty_parallel_guesses_check_five_lock_the_account_and_the_right_one_gets_no_session() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let guess = |password: String| {
        let (http, base) = (app.http.clone(), app.base.clone());
        tokio::spawn(async move {
            http.post(format!("{base}/api/v1/session"))
                .json(&serde_json::json!({"username": "tinh", "password": password}))
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    let wrong: Vec<_> = (0..59).map(|i| guess(format!("sai-mat-khau-{i}"))).collect();
    // The right guess goes out within the burst, once the server has counted
    // five (with the old read-then-write counter that never happened: every
    // guess read the same count).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while lockout_state(&app, "tinh").await.0 < 5 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let right = guess(PASSWORD.to_string());
    let mut statuses = Vec::new();
    for g in wrong {
        statuses.push(g.await.unwrap());
    }
    assert_eq!(right.await.unwrap(), StatusCode::TOO_MANY_REQUESTS);
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(checked + refused, 59, "{statuses:?}");
    assert!(checked <= 4, "only the first five guesses are checked (the fifth locks): {checked} were answered 401");
    let (failures, locked_until, sessions) = lockout_state(&app, "tinh").await;
    assert_eq!(failures, 5, "the locked account's guesses are refused without counting or checking");
    assert!(locked_until.is_some());
    assert_eq!(sessions, 0, "no session");
    assert_eq!(failures_audited(&app, "tinh").await.len(), 5);
    // Still locked for the right password, and the server still answers.
    assert_eq!(api_login(&app, "tinh", PASSWORD, None).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.http.get(format!("{}/healthz", app.base)).send().await.unwrap().status(), 200);
}

/// Unknown and disabled accounts are checked against a dummy hash, so their
/// refusal takes as long as a wrong password's (a disabled account used to
/// be refused before any hashing, which told it apart from the rest).
#[tokio::test]
async fn unknown_and_disabled_accounts_take_as_long_as_a_wrong_password() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("nghi", Role::Secretariat, Some(app.province)).await;
    sqlx::query("UPDATE users SET disabled = 1 WHERE username = 'nghi'").execute(app.store.pool()).await.unwrap();
    // The dummy hash is made on first use: not part of the measure.
    api_login(&app, "khong-co", "x", None).await;
    // Interleaved rounds, the quickest of each kind kept: the least
    // disturbed by whatever else the machine runs. Four rounds stay below
    // the lockout of the two known accounts.
    let kinds =
        [("wrong", "tinh", "sai-mat-khau"), ("unknown", "khong-co", "sai-mat-khau"), ("disabled", "nghi", PASSWORD)];
    let mut fastest = [std::time::Duration::MAX; 3];
    for _ in 0..4 {
        for (i, (what, user, password)) in kinds.iter().enumerate() {
            let start = std::time::Instant::now();
            assert_eq!(api_login(&app, user, password, None).await, StatusCode::UNAUTHORIZED, "{what}");
            fastest[i] = fastest[i].min(start.elapsed());
        }
    }
    // Without the dummy hash a refusal takes a few database writes, many
    // times less than an Argon2 hash.
    let [wrong, unknown, disabled] = fastest;
    assert!(
        unknown * 3 >= wrong && disabled * 3 >= wrong,
        "wrong {wrong:?}, unknown {unknown:?}, disabled {disabled:?}"
    );
}

fn totp_of(secret: &str, user: &str) -> totp_rs::TOTP {
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        totp_rs::Secret::Encoded(secret.to_string()).to_bytes().unwrap(),
        Some("Khiên Mạng".into()),
        user.into(),
    )
    .unwrap()
}

/// A code that is none of the codes accepted around now.
fn wrong_code(totp: &totp_rs::TOTP) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let valid: Vec<String> = (0..5).map(|i| totp.generate(now + 60 - 30 * i)).collect();
    (0..1_000_000).map(|n| format!("{n:06}")).find(|c| !valid.contains(c)).unwrap()
}

async fn with_totp(app: &TestApp, user: &str) -> totp_rs::TOTP {
    app.user(user, Role::Secretariat, Some(app.province)).await;
    let secret = totp_rs::Secret::generate_secret().to_encoded().to_string();
    let id = app.store.user_by_name(user).await.unwrap().unwrap().id;
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    tx.set_totp(id, Some(&secret)).await.unwrap();
    tx.commit().await.unwrap();
    totp_of(&secret, user)
}

/// Logs in with the password in the browser: the half-signed-in cookie and
/// the code form's CSRF token.
async fn half_signed_in(app: &TestApp, user: &str) -> (String, String) {
    let res = app
        .http
        .post(format!("{}/login", app.base))
        .form(&[("username", user), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login/totp");
    let cookie = cookie_of(&res);
    let page = app.http.get(format!("{}/login/totp", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    (cookie.clone(), csrf_in(&page.text().await.unwrap()))
}

async fn send_code(app: &TestApp, cookie: &str, csrf: &str, code: &str) -> reqwest::Response {
    app.http
        .post(format!("{}/login/totp", app.base))
        .header("cookie", cookie)
        .form(&[("code", code), ("csrf", csrf)])
        .send()
        .await
        .unwrap()
}

/// The probe guessed 300 codes in three seconds, then sent the right one.
/// Now each code is an attempt on the account: the fifth wrong one locks it
/// and drops the half-signed-in session, so the right code no longer signs
/// in and the sign-in starts over from the password.
#[tokio::test]
async fn five_wrong_totp_codes_drop_the_half_sign_in_and_lock_the_account() {
    let app = TestApp::start().await;
    let totp = with_totp(&app, "tinh").await;
    let wrong = wrong_code(&totp);
    let (cookie, csrf) = half_signed_in(&app, "tinh").await;
    for _ in 0..4 {
        let res = send_code(&app, &cookie, &csrf, &wrong).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains("Mã xác thực không đúng"));
    }
    let fifth = send_code(&app, &cookie, &csrf, &wrong).await;
    assert_eq!(fifth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(fifth.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    let page = fifth.text().await.unwrap();
    assert!(page.contains("hãy đăng nhập lại từ đầu") && page.contains("Tài khoản tạm khóa"), "{page}");
    let (failures, locked_until, sessions) = lockout_state(&app, "tinh").await;
    assert_eq!((failures, sessions), (5, 0), "counted toward the lockout, half-signed-in session dropped");
    assert!(locked_until.is_some());
    // The right code on the dropped session is a request without a session.
    let late = send_code(&app, &cookie, &csrf, &totp.generate_current().unwrap()).await;
    assert_eq!(late.status(), StatusCode::SEE_OTHER);
    assert!(late.headers()["location"].to_str().unwrap().starts_with("/login"));
    let home = app.http.get(format!("{}/work", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert!(home.headers()["location"].to_str().unwrap().starts_with("/login"), "not signed in");
    // And the password is refused while the lock lasts.
    let again = app
        .http
        .post(format!("{}/login", app.base))
        .form(&[("username", "tinh"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS);
    let audited = failures_audited(&app, "tinh").await;
    assert_eq!(audited.iter().filter(|d| d["factor"] == "totp").count(), 5);
}

/// The same guessing in parallel: the codes are counted before they are
/// checked, so at most five are checked and the right one sent afterwards
/// finds no session.
#[tokio::test]
async fn parallel_totp_guesses_are_counted_one_by_one() {
    let app = TestApp::start().await;
    let totp = with_totp(&app, "tinh").await;
    let wrong = wrong_code(&totp);
    let (cookie, csrf) = half_signed_in(&app, "tinh").await;
    let guesses: Vec<_> = (0..60)
        .map(|_| {
            let (http, base, cookie, csrf, wrong) =
                (app.http.clone(), app.base.clone(), cookie.clone(), csrf.clone(), wrong.clone());
            tokio::spawn(async move {
                http.post(format!("{base}/login/totp"))
                    .header("cookie", cookie)
                    .form(&[("code", wrong), ("csrf", csrf)])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut checked = 0;
    for g in guesses {
        if g.await.unwrap() == StatusCode::UNPROCESSABLE_ENTITY {
            checked += 1;
        }
    }
    assert!(checked <= 4, "{checked} wrong codes were checked and answered before the lock");
    let right = send_code(&app, &cookie, &csrf, &totp.generate_current().unwrap()).await;
    assert_ne!(right.headers().get("location").map(|l| l.to_str().unwrap()), Some("/work"));
    let (failures, locked_until, sessions) = lockout_state(&app, "tinh").await;
    assert_eq!((failures, sessions), (5, 0));
    assert!(locked_until.is_some());
}

/// Over the API a wrong or missing code used not to count: now it fails the
/// attempt like a wrong password, and five of them lock the account even
/// for the right password and code.
#[tokio::test]
async fn api_wrong_totp_codes_count_toward_the_lockout() {
    let app = TestApp::start().await;
    let totp = with_totp(&app, "tinh").await;
    let wrong = wrong_code(&totp);
    assert_eq!(api_login(&app, "tinh", PASSWORD, None).await, StatusCode::UNAUTHORIZED);
    for _ in 0..3 {
        assert_eq!(api_login(&app, "tinh", PASSWORD, Some(wrong.clone())).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(api_login(&app, "tinh", PASSWORD, Some(wrong.clone())).await, StatusCode::TOO_MANY_REQUESTS);
    let right = totp.generate_current().unwrap();
    assert_eq!(api_login(&app, "tinh", PASSWORD, Some(right)).await, StatusCode::TOO_MANY_REQUESTS);
    let (failures, locked_until, sessions) = lockout_state(&app, "tinh").await;
    assert_eq!((failures, sessions), (5, 0));
    assert!(locked_until.is_some());
    assert_eq!(failures_audited(&app, "tinh").await.iter().filter(|d| d["factor"] == "totp").count(), 5);
}

/// A code signs in once: the same code again, over the API or in the
/// browser, is refused (and counted) within its 30 seconds.
#[tokio::test]
async fn a_used_totp_code_is_refused() {
    let app = TestApp::start().await;
    let totp = with_totp(&app, "tinh").await;
    let code = totp.generate_current().unwrap();
    assert_eq!(api_login(&app, "tinh", PASSWORD, Some(code.clone())).await, StatusCode::OK);
    assert_eq!(api_login(&app, "tinh", PASSWORD, Some(code.clone())).await, StatusCode::UNAUTHORIZED);
    let (cookie, csrf) = half_signed_in(&app, "tinh").await;
    let res = send_code(&app, &cookie, &csrf, &code).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Mã này đã được dùng"));
    let home = app.http.get(format!("{}/work", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::SEE_OTHER, "still waiting for a code");
    assert_eq!(home.headers()["location"], "/login/totp");
    assert_eq!(lockout_state(&app, "tinh").await.0, 2, "both refusals counted");
}

/// `next` and the language switch's Referer are followed only to paths that
/// stay on this site as a browser reads them: a tab or newline (which
/// browsers drop), `//`, `/\` and absolute URLs all go to the work overview instead.
#[tokio::test]
async fn login_next_and_language_referer_never_leave_the_site() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    for attack in ["/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example", "https://evil.example"]
    {
        let res = app
            .http
            .post(format!("{}/login", app.base))
            .form(&[("username", "xa"), ("password", PASSWORD), ("next", attack)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{attack:?}");
        assert_eq!(res.headers()["location"], "/work", "{attack:?}");
    }
    // The probe's form: the tab percent-encoded in the login link.
    for query in
        ["/%09/evil.example", "/%0a/evil.example", "%2F%2Fevil.example", "/%5Cevil.example", "https://evil.example"]
    {
        let page = app.http.get(format!("{}/login?next={query}", app.base)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"name="next" value="/work">"#), "{query}");
    }
    // A harmless local path is kept.
    let res = app
        .http
        .post(format!("{}/login", app.base))
        .form(&[("username", "xa"), ("password", PASSWORD), ("next", "/org?x=1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/org?x=1");
    let back = |referer: &'static str| app.http.get(format!("{}/lang/en", app.base)).header("referer", referer).send();
    for referer in ["http://x.invalid/\t/evil.example", "https://evil.example//evil.example", "http://x.invalid/\\evil"]
    {
        let res = back(referer).await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()["location"], "/", "{referer:?}");
    }
    assert_eq!(back("http://x.invalid/org?x=1").await.unwrap().headers()["location"], "/org?x=1");
}

/// Sessions end after 30 idle minutes, at their absolute lifetime however
/// busy, and with a password change; use keeps one alive.
#[tokio::test]
async fn sessions_end_when_idle_at_their_lifetime_and_on_a_password_change() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let minutes_ago =
        |m: i64| (chrono::Utc::now() - chrono::Duration::minutes(m)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let set = |column: &'static str, token: String, value: String| {
        let pool = app.store.pool().clone();
        async move {
            let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()));
            let sql = format!("UPDATE sessions SET {column} = $1 WHERE token_hash = $2");
            sqlx::query(&sql).bind(value).bind(hash).execute(&pool).await.unwrap();
        }
    };
    // 29 idle minutes: still alive, and the use counts.
    let token = app.token("tinh").await;
    set("last_seen", token.clone(), minutes_ago(29)).await;
    assert_eq!(app.get_json(&token, "/api/v1/me").await.0, 200);
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()));
    let seen: String = sqlx::query_scalar("SELECT last_seen FROM sessions WHERE token_hash = $1")
        .bind(hash)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(seen >= minutes_ago(1), "kept alive by the use: last seen {seen}");
    // 31 idle minutes: ended, for the API and for the browser.
    set("last_seen", token.clone(), minutes_ago(31)).await;
    assert_eq!(app.get_json(&token, "/api/v1/me").await.0, 401);
    let browser =
        app.http.get(format!("{}/org", app.base)).header("cookie", format!("km_session={token}")).send().await.unwrap();
    assert!(browser.headers()["location"].to_str().unwrap().starts_with("/login"));
    // Past the absolute lifetime, however recently used.
    let token = app.token("tinh").await;
    set("expires_at", token.clone(), minutes_ago(1)).await;
    assert_eq!(app.get_json(&token, "/api/v1/me").await.0, 401);
    // A password change ends the account's sessions.
    let token = app.token("tinh").await;
    assert_eq!(app.get_json(&token, "/api/v1/me").await.0, 200);
    let id = app.store.user_by_name("tinh").await.unwrap().unwrap().id;
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    tx.set_password(id, &khienmang_web::auth::hash_password("mat-khau-moi-2026").unwrap()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.get_json(&token, "/api/v1/me").await.0, 401);
}

/// Signs `user` in through the login form; returns the session cookie.
async fn browser_login(app: &TestApp, user: &str) -> String {
    let res = app
        .http
        .post(format!("{}/login", app.base))
        .form(&[("username", user), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login of {user}");
    cookie_of(&res)
}

#[tokio::test]
async fn a_user_lists_their_sessions_and_ends_the_others_but_never_anyone_elses() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("xa-khac", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    let (here, laptop, phone) =
        (browser_login(&app, "xa").await, browser_login(&app, "xa").await, browser_login(&app, "xa").await);
    let stranger = browser_login(&app, "xa-khac").await;
    let page = |cookie: &str| app.http.get(format!("{}/account/sessions", app.base)).header("cookie", cookie).send();
    let html = page(&here).await.unwrap().text().await.unwrap();
    assert_eq!(html.matches(r#"name="session" value=""#).count(), 2, "the two other sessions: {html}");
    assert!(html.contains("Phiên này"));
    let reference = |html: &str| {
        let at = html.find(r#"name="session" value=""#).unwrap() + r#"name="session" value=""#.len();
        html[at..at + 16].to_string()
    };
    let one = reference(&html);
    let csrf = csrf_in(&html);
    let end = |cookie: &str, csrf: &str, session: &str| {
        app.http
            .post(format!("{}/account/sessions/end", app.base))
            .header("cookie", cookie)
            .form(&[("csrf", csrf), ("session", session)])
            .send()
    };
    // Another account naming this one's session ends nothing.
    let stranger_csrf = csrf_in(&page(&stranger).await.unwrap().text().await.unwrap());
    let res = end(&stranger, &stranger_csrf, &one).await.unwrap();
    assert!(res.text().await.unwrap().contains("Đã kết thúc 0 phiên."));
    assert_eq!(page(&here).await.unwrap().text().await.unwrap().matches(r#"name="session" value=""#).count(), 2);
    // One ended, then all the others; this session stays.
    assert!(end(&here, &csrf, &one).await.unwrap().text().await.unwrap().contains("Đã kết thúc 1 phiên."));
    assert!(end(&here, &csrf, "").await.unwrap().text().await.unwrap().contains("Đã kết thúc 1 phiên."));
    for gone in [&laptop, &phone] {
        let res = app.http.get(format!("{}/work", app.base)).header("cookie", gone.as_str()).send().await.unwrap();
        assert!(res.headers()["location"].to_str().unwrap().starts_with("/login"), "an ended session is signed out");
    }
    assert_eq!(page(&here).await.unwrap().status(), StatusCode::OK);
    assert_eq!(page(&stranger).await.unwrap().status(), StatusCode::OK, "the other account is untouched");
}

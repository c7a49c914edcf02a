//! Accounts from the web and the API: the secretariat creates an account
//! with a temporary password, its owner must change it at the first
//! sign-in, the secretariat disables it and its sessions end; who may grant
//! what; every change in the audit log.

use khienmang_core::auth::Role;
use khienmang_core::text::fold;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::auth::{cookie_of, csrf_in};
use khienmang_testkit::fixtures::PASSWORD;
use khienmang_testkit::http::TestApp;

async fn api_session(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let res = app.http.post(format!("{}/api/v1/session", app.base)).json(&body).send().await.unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}

async fn send(app: &TestApp, method: reqwest::Method, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let res =
        app.http.request(method, format!("{}{path}", app.base)).bearer_auth(token).json(&body).send().await.unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}

/// The audit entries about `object`, oldest first: (actor, action, details).
async fn audited(app: &TestApp, object: &str) -> Vec<(String, String, Value)> {
    let mut entries = app.store.audit_recent(Some(object), 1000, 0).await.unwrap();
    entries.reverse();
    entries.into_iter().map(|e| (e.actor, e.action, serde_json::from_str(&e.details).unwrap())).collect()
}

#[tokio::test]
async fn an_officer_created_over_the_api_changes_the_temporary_password_and_is_disabled() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let new = json!({"username": "xa.dapcau", "display_name": "Cán bộ xã Đáp Cầu", "role": "commune_officer",
        "scope_unit_id": app.commune_a.0.0, "password": "tam-thoi-2026"});
    let (status, created) = send(&app, reqwest::Method::POST, &t, "/api/v1/users", new).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["must_change_password"], true);
    assert_eq!(created["last_sign_in_at"], Value::Null);
    let id = created["id"].as_i64().unwrap();

    // The temporary password opens no session by itself.
    let (status, body) = api_session(&app, json!({"username": "xa.dapcau", "password": "tam-thoi-2026"})).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("password_change_required")));
    let weak = json!({"username": "xa.dapcau", "password": "tam-thoi-2026", "new_password": "ngan"});
    let (status, body) = api_session(&app, weak).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("weak_password")));
    let change = json!({"username": "xa.dapcau", "password": "tam-thoi-2026", "new_password": "rieng-cua-toi-2026"});
    let (status, session) = api_session(&app, change).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let officer = session["token"].as_str().unwrap().to_string();
    let (status, me) = app.get_json(&officer, "/api/v1/me").await;
    assert_eq!((status, me["username"].as_str()), (200, Some("xa.dapcau")));

    // The temporary password is gone; the new one signs in.
    let (status, _) = api_session(&app, json!({"username": "xa.dapcau", "password": "tam-thoi-2026"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = api_session(&app, json!({"username": "xa.dapcau", "password": "rieng-cua-toi-2026"})).await;
    assert_eq!(status, StatusCode::OK);

    let (status, account) = app.get_json(&t, &format!("/api/v1/users/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(account["must_change_password"], false);
    assert!(account["last_sign_in_at"].is_string(), "{account}");
    let (_, list) = app.get_json(&t, "/api/v1/users?q=dap%20cau").await;
    assert_eq!(list["total"], 1, "the search ignores diacritics: {list}");
    assert_eq!(list["users"][0]["username"], "xa.dapcau");

    // Disabled: the open session ends and no sign-in works.
    let disable = json!({"disabled": true, "reason": "Chuyển công tác"});
    let (status, account) = send(&app, reqwest::Method::PATCH, &t, &format!("/api/v1/users/{id}"), disable).await;
    assert_eq!((status, account["disabled"].as_bool()), (StatusCode::OK, Some(true)));
    let (status, _) = app.get_json(&officer, "/api/v1/me").await;
    assert_eq!(status, 401, "the disabled account's session ended");
    let (status, _) = api_session(&app, json!({"username": "xa.dapcau", "password": "rieng-cua-toi-2026"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Enabled again with a reset password: temporary again.
    let enable = json!({"disabled": false, "reason": "Trở lại công tác"});
    let (status, _) = send(&app, reqwest::Method::PATCH, &t, &format!("/api/v1/users/{id}"), enable).await;
    assert_eq!(status, StatusCode::OK);
    let (status, reset) =
        send(&app, reqwest::Method::POST, &t, &format!("/api/v1/users/{id}/password"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let temporary = reset["temporary_password"].as_str().unwrap();
    let (status, body) = api_session(&app, json!({"username": "xa.dapcau", "password": temporary})).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("password_change_required")));

    let actions: Vec<(String, String)> =
        audited(&app, &format!("user:{id}")).await.into_iter().map(|(a, act, _)| (a, act)).collect();
    for (actor, action) in [
        ("tinh", "user.create"),
        ("xa.dapcau", "user.password_change"),
        ("tinh", "user.disable"),
        ("tinh", "user.enable"),
        ("tinh", "user.password_reset"),
    ] {
        assert!(actions.contains(&(actor.to_string(), action.to_string())), "{action} by {actor} in {actions:?}");
    }
    let disabled = audited(&app, &format!("user:{id}")).await.into_iter().find(|(_, a, _)| a == "user.disable");
    assert_eq!(disabled.unwrap().2["reason"], "Chuyển công tác");
}

#[tokio::test]
async fn only_account_administrators_grant_and_never_above_their_role_or_outside_their_subtree() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("admin", Role::SystemAdmin, None).await;
    let (t, xa, admin) = (app.token("tinh").await, app.token("xa").await, app.token("admin").await);
    let far = crate::access::new_unit(&app, "Tỉnh Ngoài Phạm Vi", khienmang_core::org::Level::Province, None).await;
    let account = |username: &str, role: &str, scope: Option<i64>| {
        json!({"username": username, "display_name": "Người thử", "role": role, "scope_unit_id": scope,
            "password": "tam-thoi-2026"})
    };
    let before = app.write_count().await;

    // A commune officer administers no account.
    let (status, _) = app.get_json(&xa, "/api/v1/users").await;
    assert_eq!(status, 403);
    let body = account("xa.moi", "commune_officer", Some(app.commune_a.0.0));
    let (status, _) = send(&app, reqwest::Method::POST, &xa, "/api/v1/users", body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The secretariat makes no system administrator, nor an account outside its province.
    for scope in [None, Some(app.commune_a.0.0)] {
        let (status, body) =
            send(&app, reqwest::Method::POST, &t, "/api/v1/users", account("quantri2", "system_admin", scope)).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("only_system_admin_makes_admins")));
    }
    let outside = account("xa.ngoai", "commune_officer", Some(far.0));
    let (status, body) = send(&app, reqwest::Method::POST, &t, "/api/v1/users", outside).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("scope_outside")));
    let no_scope = account("xa.trong", "commune_officer", None);
    let (status, body) = send(&app, reqwest::Method::POST, &t, "/api/v1/users", no_scope).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("scope_required")));

    // The system administrator is not in the secretariat's list, nor reachable.
    let admin_id = app.store.user_by_name("admin").await.unwrap().unwrap().id;
    let (status, _) = app.get_json(&t, &format!("/api/v1/users/{admin_id}")).await;
    assert_eq!(status, 404);
    let (_, list) = app.get_json(&t, "/api/v1/users?limit=200").await;
    let names: Vec<&str> = list["users"].as_array().unwrap().iter().filter_map(|u| u["username"].as_str()).collect();
    assert!(names.contains(&"xa") && names.contains(&"tinh") && !names.contains(&"admin"), "{names:?}");
    let patch = json!({"disabled": true, "reason": "thử"});
    let (status, _) = send(&app, reqwest::Method::PATCH, &t, &format!("/api/v1/users/{admin_id}"), patch).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Nobody disables themselves.
    let own = app.store.user_by_name("tinh").await.unwrap().unwrap().id;
    let patch = json!({"disabled": true, "reason": "thử"});
    let (status, body) = send(&app, reqwest::Method::PATCH, &t, &format!("/api/v1/users/{own}"), patch).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("disable_self")));
    // Nor moves an account out of the subtree.
    let xa_id = app.store.user_by_name("xa").await.unwrap().unwrap().id;
    let patch = json!({"scope_unit_id": far.0});
    let (status, _) = send(&app, reqwest::Method::PATCH, &t, &format!("/api/v1/users/{xa_id}"), patch).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.write_count().await, before, "a refused change wrote something");

    // The system administrator does make system administrators.
    let (status, made) =
        send(&app, reqwest::Method::POST, &admin, "/api/v1/users", account("quantri2", "system_admin", None)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    // And the secretariat makes a secretariat within its province.
    let peer = account("tinh2", "secretariat", Some(app.province.0));
    let (status, _) = send(&app, reqwest::Method::POST, &t, "/api/v1/users", peer).await;
    assert_eq!(status, StatusCode::CREATED);
    // A change of role ends the account's sessions.
    let patch = json!({"role": "analyst"});
    let (status, changed) = send(&app, reqwest::Method::PATCH, &t, &format!("/api/v1/users/{xa_id}"), patch).await;
    assert_eq!((status, changed["role"].as_str()), (StatusCode::OK, Some("analyst")));
    let (status, _) = app.get_json(&xa, "/api/v1/me").await;
    assert_eq!(status, 401);
    let update = audited(&app, &format!("user:{xa_id}")).await.into_iter().find(|(_, a, _)| a == "user.update");
    let details = update.unwrap().2;
    assert_eq!(
        (details["before"]["role"].as_str(), details["after"]["role"].as_str()),
        (Some("commune_officer"), Some("analyst"))
    );
}

/// Signs in through the login form; returns the cookie and where it sent the browser.
async fn web_login(app: &TestApp, username: &str, password: &str) -> (String, String) {
    let res = app
        .http
        .post(format!("{}/login", app.base))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign-in of {username}");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    (cookie_of(&res), location)
}

async fn get_page(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let res = app.http.get(format!("{}{path}", app.base)).header("cookie", cookie).send().await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    (status, location.unwrap_or(res.text().await.unwrap()))
}

async fn post_form(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let res = app.http.post(format!("{}{path}", app.base)).header("cookie", cookie).form(form).send().await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    (status, location.unwrap_or(res.text().await.unwrap()))
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html.find(start).unwrap_or_else(|| panic!("{start} not in page")) + start.len();
    html[at..].split(end).next().unwrap()
}

#[tokio::test]
async fn the_secretariat_creates_an_account_in_the_form_and_its_owner_must_change_the_password() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let (cookie, _) = web_login(&app, "tinh", PASSWORD).await;
    let (status, form) = get_page(&app, &cookie, "/users/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("value=\"commune_officer\"") && !form.contains("value=\"system_admin\""), "{form}");
    let csrf = csrf_in(&form);

    // The picker finds the commune typed without diacritics.
    let commune = app.store.unit_versions(app.commune_a.0).await.unwrap().pop().unwrap().name;
    let id = app.commune_a.0.0.to_string();
    let typed = [("csrf", csrf.as_str()), ("username", "xa.moi"), ("display_name", "Nguyễn Văn Mới")];
    let mut search = typed.to_vec();
    let folded = fold(&commune);
    search.extend([("unit_q", folded.as_str()), ("find", "1")]);
    let (status, found) = post_form(&app, &cookie, "/users", &search).await;
    assert_eq!(status, 200);
    assert!(found.contains(&format!("<option value=\"{id}\">{commune}")), "{commune} not offered for {folded:?}");
    assert!(found.contains("value=\"Nguyễn Văn Mới\""), "what was typed stays");

    // A refused form keeps what was typed and says why.
    let mut bad = vec![("csrf", csrf.as_str()), ("username", "Xa Moi"), ("display_name", "Nguyễn Văn Mới")];
    bad.extend([("role", "commune_officer"), ("scope", id.as_str())]);
    let (status, refused) = post_form(&app, &cookie, "/users", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("id=\"account-error\"") && refused.contains("value=\"Xa Moi\""), "{refused}");

    let mut create = typed.to_vec();
    create.extend([("role", "commune_officer"), ("scope", id.as_str())]);
    let (status, sheet) = post_form(&app, &cookie, "/users", &create).await;
    assert_eq!(status, 200);
    assert!(sheet.contains("id=\"first-login\"") && sheet.contains("/login"), "{sheet}");
    let temporary = between(&sheet, "<code id=\"issued-password\">", "<").to_string();
    assert_eq!(temporary.len(), 19);

    // The list finds it by its name without diacritics, not yet signed in.
    let (_, list) = get_page(&app, &cookie, "/users?q=nguyen%20van%20moi").await;
    assert!(list.contains("xa.moi") && list.contains("Chưa đăng nhập"), "{list}");
    let account = app.store.user_by_name("xa.moi").await.unwrap().unwrap();

    // Its owner signs in and is made to change the password first.
    let (officer, to) = web_login(&app, "xa.moi", &temporary).await;
    assert_eq!(to, "/account/password");
    assert_eq!(get_page(&app, &officer, "/movement").await, (StatusCode::SEE_OTHER, "/account/password".into()));
    let (status, page) = get_page(&app, &officer, "/account/password").await;
    assert!(status == 200 && page.contains("id=\"forced-notice\""), "{page}");
    let officer_csrf = csrf_in(&page);
    let wrong = [
        ("csrf", officer_csrf.as_str()),
        ("current", "sai-mat-khau-1"),
        ("new", "rieng-2026-abc"),
        ("confirm", "rieng-2026-abc"),
    ];
    let (status, page) = post_form(&app, &officer, "/account/password", &wrong).await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && page.contains("id=\"pw-current-error\""), "{page}");
    let right = [
        ("csrf", officer_csrf.as_str()),
        ("current", &temporary),
        ("new", "rieng-2026-abc"),
        ("confirm", "rieng-2026-abc"),
    ];
    assert_eq!(post_form(&app, &officer, "/account/password", &right).await, (StatusCode::SEE_OTHER, "/work".into()));
    let (status, _) = get_page(&app, &officer, "/movement").await;
    assert_eq!(status, 200, "the staff pages open once the password is changed");

    // The secretariat sees the sign-in, then disables the account: its session ends.
    let (_, page) = get_page(&app, &cookie, &format!("/users/{}", account.id)).await;
    assert!(!between(&page, "id=\"last-sign-in\">", "<").contains("Chưa"), "{page}");
    let csrf = csrf_in(&page);
    let no_reason = [("csrf", csrf.as_str()), ("disabled", "1"), ("reason", "")];
    let (status, page) = post_form(&app, &cookie, &format!("/users/{}/disable", account.id), &no_reason).await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && page.contains("id=\"disable-error\""), "{page}");
    let disable = [("csrf", csrf.as_str()), ("disabled", "1"), ("reason", "Nghỉ việc")];
    let (status, to) = post_form(&app, &cookie, &format!("/users/{}/disable", account.id), &disable).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, format!("/users/{}?done=disable", account.id).as_str()));
    let (status, to) = get_page(&app, &officer, "/movement").await;
    assert!(status == StatusCode::SEE_OTHER && to.starts_with("/login"), "{status} {to}");
    let (status, _) = post_form(&app, "", "/login", &[("username", "xa.moi"), ("password", "rieng-2026-abc")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A reset password is shown once on its sheet.
    let (status, sheet) =
        post_form(&app, &cookie, &format!("/users/{}/password", account.id), &[("csrf", &csrf)]).await;
    assert!(status == 200 && sheet.contains("id=\"issued-password\""), "{sheet}");
    let actions: Vec<String> =
        audited(&app, &format!("user:{}", account.id)).await.into_iter().map(|(_, a, _)| a).collect();
    for action in ["user.create", "user.password_change", "user.disable", "user.password_reset", "personal_data.view"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}

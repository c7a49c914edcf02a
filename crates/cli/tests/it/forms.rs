//! No dead ends: every form of the staff side, sent empty and sent with
//! malformed values, answers with a page a person can read (the reason in
//! Vietnamese, the way home), never the framework's bare text, and never a
//! server error.

use khienmang_core::auth::Role;
use khienmang_testkit::http::TestApp;
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;

/// Values that are of no field's kind: not numbers, not dates, not choices,
/// a broken percent escape, and a key without a value.
const MALFORMED: &str =
    "id=x&unit=abc&initiative=mot&year=hai-nghin&amount=-x&effective=31/02&kind=%ZZ&role=vua&=&scope";

#[tokio::test]
async fn every_form_sent_empty_or_malformed_answers_with_a_readable_page() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let token = app.token("tinh").await;
    let mut dead_ends = Vec::new();
    for (method, path, _) in khienmang_web::route_table() {
        // Pages only: the API answers JSON, and its own tests cover it. The
        // sign-in steps are the public's (their tests cover them).
        // Open311 is an API of its own format.
        if method != axum::http::Method::POST
            || path.starts_with("/api/")
            || path.starts_with("/open311/")
            || path.starts_with("/login")
        {
            continue;
        }
        let url = format!(
            "{}{}",
            app.base,
            path.replace("{id}", "1")
                .replace("{batch}", "0123456789abcdef0123456789abcdef")
                .replace("{slug}", "khong-co")
                .replace("{code}", "PA-00000-00000")
        );
        for body in ["", MALFORMED] {
            let res = app
                .http
                .post(&url)
                .bearer_auth(&token)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let kind = res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let text = res.text().await.unwrap_or_default();
            let readable = status.is_redirection()
                || (kind.starts_with("text/html") && text.contains("<h1") && !text.contains("Failed to"))
                || (kind.starts_with("application/") && status.is_success());
            if status == StatusCode::INTERNAL_SERVER_ERROR || !readable {
                dead_ends.push(format!(
                    "POST {path} with {:?}: {status} {kind}: {}",
                    body,
                    text.chars().take(120).collect::<String>()
                ));
            }
        }
    }
    assert!(dead_ends.is_empty(), "{} dead ends:\n{}", dead_ends.len(), dead_ends.join("\n"));
}

/// An address typed or cut short by hand: an id that is not a number, a
/// query that does not parse, a form's address opened as a page.
#[tokio::test]
async fn a_mistyped_address_answers_with_a_readable_page() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let token = app.token("tinh").await;
    for (path, want) in [
        ("/movement/initiatives/abc", StatusCode::BAD_REQUEST),
        ("/org/units/12x", StatusCode::BAD_REQUEST),
        ("/scamcheck/official/%20", StatusCode::BAD_REQUEST),
        ("/scamcheck/official/1/void", StatusCode::METHOD_NOT_ALLOWED),
    ] {
        let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(res.status(), want, "{path}");
        let kind = res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let text = res.text().await.unwrap();
        assert!(kind.starts_with("text/html") && text.contains("Về trang chủ"), "{path}: {kind} {text}");
    }
    // The API keeps answering JSON.
    let res = app.http.get(format!("{}/api/v1/org/units/12x", app.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
}

/// The correction and void forms of a plan, a village activity, a page post
/// and a budget entry (issue 18), sent empty and malformed for records that
/// exist: the record's page again, the reason beside the form, nothing written.
#[tokio::test]
async fn the_record_correction_forms_refuse_empty_and_malformed_values_on_their_page() {
    use khienmang_core::admin::{BudgetEntry, BudgetLevel, Stage};
    use khienmang_store::movement::{DocumentInput, DocumentKind};
    use khienmang_testkit::fixtures::day;
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let token = app.token("tinh").await;
    let unit = app.commune_a.0;
    let mut tx = app.store.begin_write("test", khienmang_core::time::Timestamp::now()).await.unwrap();
    let document = tx
        .add_document(&DocumentInput {
            unit,
            kind: DocumentKind::Plan,
            number: "01/KH".into(),
            title: "Kế hoạch".into(),
            issued_on: day("2026-01-02"),
            year: 2026,
            file: None,
        })
        .await
        .unwrap();
    let activity = tx.add_village_activity(unit, day("2026-01-03"), "Hoạt động", Some(3)).await.unwrap();
    let post = tx.add_page_post(unit, day("2026-01-04"), "Tin bài", None).await.unwrap();
    let entry =
        BudgetEntry::new(BudgetLevel::Commune, None, Stage::Allocation, 5, day("2026-01-05"), day("2026-01-05"))
            .unwrap();
    let budget = tx.add_budget_entry(None, &entry, None).await.unwrap();
    tx.commit().await.unwrap();
    let before = app.write_count().await;
    let mut dead_ends = Vec::new();
    for base in [
        format!("/movement/documents/{document}"),
        format!("/movement/activities/{activity}"),
        format!("/movement/posts/{post}"),
        format!("/budget/entries/{budget}"),
    ] {
        for (form, marker) in [("edit", "id=\"edit-error\""), ("void", "id=\"void-error\"")] {
            for body in ["", MALFORMED] {
                let res = app
                    .http
                    .post(format!("{}{base}/{form}", app.base))
                    .bearer_auth(&token)
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = res.status();
                let text = res.text().await.unwrap_or_default();
                if status != StatusCode::UNPROCESSABLE_ENTITY || !text.contains("<h1") || !text.contains(marker) {
                    dead_ends.push(format!("POST {base}/{form} with {body:?}: {status}"));
                }
            }
        }
    }
    assert!(dead_ends.is_empty(), "{} dead ends:\n{}", dead_ends.len(), dead_ends.join("\n"));
    assert_eq!(app.write_count().await, before, "nothing was written");
}

/// The people registries' forms on records that exist (the walk above names
/// record 1, which may not): sent empty or malformed, each comes back as its
/// own page with the reason beside the form, and nothing is written.
#[tokio::test]
async fn the_people_registries_forms_answer_on_their_page_with_the_reason() {
    let app = TestApp::start().await;
    let c = app.commune_a.0;
    app.user("xa", Role::CommuneOfficer, Some(c)).await;
    let token = app.token("xa").await;
    let create = |path: &'static str, body: serde_json::Value| {
        let (app, token) = (&app, &token);
        async move {
            let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).json(&body).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::CREATED, "{path}");
            res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap()
        }
    };
    let person = create(
        "/api/v1/people",
        serde_json::json!({"unit_id": c.0, "full_name": "Người thử", "role": "legal_reporter", "registered_from": 2026}),
    )
    .await;
    let training = create(
        "/api/v1/trainings",
        serde_json::json!({"unit_id": c.0, "title": "Lớp thử", "held_on": "2026-02-02", "attendees": [person]}),
    )
    .await;
    let voice = create(
        "/api/v1/voices",
        serde_json::json!({"unit_id": c.0, "full_name": "Người có uy tín", "registered_from": 2026}),
    )
    .await;
    let before = app.write_count().await;
    for path in [
        format!("/movement/people/{person}/edit"),
        format!("/movement/people/{person}/void"),
        format!("/movement/people/{person}/update"),
        format!("/movement/trainings/{training}/edit"),
        format!("/movement/trainings/{training}/void"),
        format!("/movement/voices/{voice}/edit"),
        format!("/movement/voices/{voice}/void"),
        format!("/movement/voices/{voice}/enlist"),
    ] {
        for body in ["", MALFORMED] {
            let res = app
                .http
                .post(format!("{}{path}", app.base))
                .bearer_auth(&token)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let text = res.text().await.unwrap();
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "POST {path} with {body:?}: {text}");
            assert!(text.contains("<h1") && text.contains("class=\"error\""), "POST {path} with {body:?}: {text}");
        }
    }
    assert_eq!(app.write_count().await, before, "a refused form wrote something");
}

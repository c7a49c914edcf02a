//! The survey builder end to end: a survey written through the builder's
//! form posts (questions added, a skip rule chosen from the menus, a
//! refusal shown beside its field with everything typed kept), answered a
//! page at a time with the skipped question never shown and never stored;
//! its questions locked, with the reason, from the first answer; and
//! nobody outside the survey's area can open or change it.

use khienmang_core::auth::Role;
use reqwest::StatusCode;

use khienmang_testkit::fixtures::{TEST_ACTOR, create_unit, day};
use khienmang_testkit::http::TestApp;

pub(crate) async fn post_form(
    app: &TestApp,
    token: Option<&str>,
    path: &str,
    form: &[(String, String)],
) -> (StatusCode, String, String) {
    let mut req = app.http.post(format!("{}{path}", app.base)).form(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, location, res.text().await.unwrap_or_default())
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn with(mut form: Vec<(String, String)>, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    for (k, v) in extra {
        form.retain(|(f, _)| f != k);
        form.push((k.to_string(), v.to_string()));
    }
    form
}

/// The builder's fields of a survey: q1 "were you called?" ("No" skips
/// to q3), q2 "what did you do?" (text), q3 a 1–5 scale.
pub(crate) fn survey_fields(title: &str) -> Vec<(String, String)> {
    let today = chrono::Utc::now().date_naive();
    let (opens, closes) = ((today - chrono::Days::new(1)).to_string(), (today + chrono::Days::new(30)).to_string());
    pairs(&[
        ("title", title),
        ("anonymous", "1"),
        ("opens_on", &opens),
        ("closes_on", &closes),
        ("q0.key", "q1"),
        ("q0.text", "Anh/chị có nhận cuộc gọi lừa đảo không?"),
        ("q0.kind", "choice"),
        ("q0.required", "1"),
        ("q0.choices", "Có\nKhông"),
        ("q0.r0.choice", "1"),
        ("q0.r0.to", "q3"),
        ("q1.key", "q2"),
        ("q1.text", "Anh/chị đã làm gì?"),
        ("q1.kind", "text"),
        ("q1.max_chars", "300"),
        ("q2.key", "q3"),
        ("q2.text", "Mức độ hữu ích của tuyên truyền"),
        ("q2.kind", "scale"),
        ("q2.required", "1"),
        ("q2.min", "1"),
        ("q2.max", "5"),
        ("q2.min_label", "Thấp"),
        ("q2.max_label", "Cao"),
    ])
}

/// Saves a survey through the builder as `token`; its id.
pub(crate) async fn build_survey(app: &TestApp, token: &str, title: &str) -> i64 {
    let (status, location, body) =
        post_form(app, Some(token), "/surveys", &with(survey_fields(title), &[("action", "save")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    location.trim_start_matches("/surveys/").trim_end_matches("/edit?saved=1").parse().unwrap()
}

/// A survey answer from a browser holding the respondent token `respondent`.
async fn answer_as(app: &TestApp, respondent: &str, path: &str, form: &[(String, String)]) -> (StatusCode, String) {
    let cookie = format!("survey_respondent={respondent}");
    let res = app.http.post(format!("{}{path}", app.base)).header("cookie", cookie).form(form).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

#[tokio::test]
async fn a_survey_built_in_the_form_is_answered_by_pages_and_a_skipped_answer_is_never_stored() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let tinh = app.token("tinh").await;

    // The builder's buttons: a question added, a rule added, each time with everything typed kept.
    let (status, _, page) = post_form(&app, Some(&tinh), "/surveys/new", &[]).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "the new page is read with GET: {page}");
    let start = pairs(&[
        ("title", "Khảo sát thử"),
        ("q0.key", "q1"),
        ("q0.text", "Câu đầu tiên"),
        ("q0.kind", "choice"),
        ("q0.choices", "Có\nKhông"),
    ]);
    let (status, _, page) =
        post_form(&app, Some(&tinh), "/surveys", &with(start.clone(), &[("action", "add:scale")])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="bq-1""#) && page.contains(r#"name="q1.min" value="1""#), "a scale added");
    assert!(page.contains("Câu đầu tiên") && page.contains(r#"value="Khảo sát thử""#), "what was typed is kept");
    let (_, _, page) = post_form(&app, Some(&tinh), "/surveys", &with(start.clone(), &[("action", "rule:0")])).await;
    assert!(page.contains(r#"name="q0.r0.choice""#) && page.contains("Kết thúc khảo sát"), "a rule from menus");
    // The preview shows the question in the phone frame.
    assert!(page.contains(r#"id="phone-preview""#) && page.contains("Câu đầu tiên"));

    // Saving with a question left empty: refused beside that question, nothing saved.
    let before = app.write_count().await;
    let broken = with(survey_fields("Khảo sát có lỗi"), &[("q1.text", ""), ("action", "save")]);
    let (status, _, page) = post_form(&app, Some(&tinh), "/surveys", &broken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(r#"id="e-q1-text""#) && page.contains("Câu hỏi chưa có nội dung."), "{page}");
    assert!(page.contains("Khảo sát có lỗi") && page.contains("Mức độ hữu ích của tuyên truyền"), "kept");
    assert_eq!(app.write_count().await, before);
    // A JSON import that does not parse says where, and keeps the questions being written.
    let bad_import = with(survey_fields("Khảo sát có lỗi"), &[("definition", "{\"title\": }"), ("action", "import")]);
    let (status, _, page) = post_form(&app, Some(&tinh), "/surveys", &bad_import).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("dòng 1, cột 11") && page.contains("Mức độ hữu ích của tuyên truyền"), "{page}");

    let survey = build_survey(&app, &tinh, "Khảo sát phòng, chống lừa đảo").await;
    let audit: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'survey.create'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(audit, 1);

    // Page 1 shows only the first question: the later ones are hidden (and disabled) until the path reaches them.
    let res = app.http.get(format!("{}/surveys/{survey}", app.base)).send().await.unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains(r#"id="q-q1" data-q="q1""#) && page.contains(r#"data-page="0""#));
    assert!(page.contains(r#"id="q-q2" data-q="q2" data-kind="text" data-rules="" hidden disabled"#), "{page}");
    assert!(page.contains(r#"data-rules="c:1&#62;q3""#), "the rule for the page's script: {page}");

    let unit = app.commune_a.0.0.to_string();
    let respondent = format!("{:032x}", rand::random::<u128>());
    let url = format!("/surveys/{survey}");
    // A required answer missing: the same page, the reason beside the question.
    let (status, page) = answer_as(&app, &respondent, &url, &pairs(&[("page", "0"), ("unit", &unit)])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(r#"id="e-q1""#), "{page}");
    // "Không" skips q2: the next page is q3's, q2 is neither shown nor asked.
    let (status, page) =
        answer_as(&app, &respondent, &url, &pairs(&[("page", "0"), ("unit", &unit), ("q.q1", "1")])).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"data-page="2""#), "{page}");
    assert!(page.contains(r#"id="q-q2" data-q="q2" data-kind="text" data-rules="" hidden disabled"#));
    assert!(!page.contains(r#"id="q-q3" data-q="q3" data-kind="scale" data-rules="" hidden"#), "q3 is shown");
    assert!(page.contains(r#"<input type="hidden" name="q.q1" value="1">"#), "the first answer is carried");
    // Even a forged answer to the skipped question is not stored.
    let last = pairs(&[("page", "2"), ("unit", &unit), ("q.q1", "1"), ("q.q2", "Bí mật"), ("q.q3", "4")]);
    let (status, page) = answer_as(&app, &respondent, &url, &last).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("survey-done"));
    // A page number the answers do not lead to is not believed: back to the start.
    let other = format!("{:032x}", rand::random::<u128>());
    let (_, page) = answer_as(&app, &other, &url, &pairs(&[("page", "1"), ("unit", &unit), ("q.q1", "1")])).await;
    assert!(page.contains(r#"data-page="2""#), "page 1 is not on a 'No' path: {page}");
    let answers: Vec<String> = sqlx::query_scalar("SELECT answers FROM survey_responses WHERE survey_id = $1")
        .bind(survey)
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert_eq!(answers.len(), 1);
    assert!(answers[0].contains(r#""q1":{"choice":1}"#) && answers[0].contains(r#""q3":{"scale":4}"#));
    assert!(!answers[0].contains("q2") && !answers[0].contains("Bí mật"), "{}", answers[0]);
}

#[tokio::test]
async fn a_survey_is_edited_until_its_first_answer_and_then_says_why_it_is_locked() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let tinh = app.token("tinh").await;
    let survey = build_survey(&app, &tinh, "Khảo sát trước khi sửa").await;
    let edit = format!("/surveys/{survey}/edit");

    let res = app.http.get(format!("{}{edit}", app.base)).bearer_auth(&tinh).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Khảo sát trước khi sửa") && !page.contains("builder-locked"));
    // The typo corrected, the questions reordered: saved and audited.
    let fixed = with(survey_fields("Khảo sát sau khi sửa"), &[("action", "save")]);
    let (status, location, body) = post_form(&app, Some(&tinh), &edit, &fixed).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location, format!("{edit}?saved=1"));
    assert_eq!(app.store.survey(survey).await.unwrap().unwrap().survey.title, "Khảo sát sau khi sửa");
    let edits: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'survey.edit'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(edits, 1);

    // The first answer.
    let unit = app.commune_a.0.0.to_string();
    let respondent = format!("{:032x}", rand::random::<u128>());
    let (status, _) = answer_as(
        &app,
        &respondent,
        &format!("/surveys/{survey}"),
        &pairs(&[("unit", &unit), ("q.q1", "0"), ("q.q3", "5")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Now the builder is locked and says why; a save is refused and changes nothing.
    let res = app.http.get(format!("{}{edit}", app.base)).bearer_auth(&tinh).send().await.unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains(r#"id="builder-locked""#) && page.contains("đã có 1 phiếu trả lời"), "{page}");
    let before = app.write_count().await;
    let late = with(survey_fields("Khảo sát sửa muộn"), &[("action", "save")]);
    let (status, _, page) = post_form(&app, Some(&tinh), &edit, &late).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("không sửa được câu hỏi"), "{page}");
    assert_eq!(app.write_count().await, before);
    assert_eq!(app.store.survey(survey).await.unwrap().unwrap().survey.title, "Khảo sát sau khi sửa");
}

#[tokio::test]
async fn nobody_outside_the_survey_area_opens_or_changes_its_builder() {
    use khienmang_core::org::{Level, NewUnit};
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let tinh = app.token("tinh").await;
    let survey = build_survey(&app, &tinh, "Khảo sát của tỉnh").await;
    // A commune officer (no outreach rights) and another province's secretariat.
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let far = create_unit(&app.store, TEST_ACTOR, NewUnit::new("Tỉnh Khác", Level::Province, None), day("2026-01-01"))
        .await
        .unwrap();
    app.user("tinh-khac", Role::Secretariat, Some(far)).await;
    let before = app.write_count().await;
    let edit = format!("/surveys/{survey}/edit");
    let change = with(survey_fields("Sửa trộm"), &[("action", "save")]);
    for (who, expected) in [("xa-a", StatusCode::FORBIDDEN), ("tinh-khac", StatusCode::NOT_FOUND)] {
        let t = app.token(who).await;
        let res = app.http.get(format!("{}{edit}", app.base)).bearer_auth(&t).send().await.unwrap();
        assert_eq!(res.status(), expected, "{who} GET");
        let (status, _, body) = post_form(&app, Some(&t), &edit, &change).await;
        assert_eq!(status, expected, "{who} POST");
        assert!(!body.contains("Khảo sát của tỉnh"), "{who} sees nothing of it");
    }
    assert_eq!(app.write_count().await, before);
    assert_eq!(app.store.survey(survey).await.unwrap().unwrap().survey.title, "Khảo sát của tỉnh");
}

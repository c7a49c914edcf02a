//! Outreach end to end: warnings published by the secretariat appear on the
//! public page, in valid Atom and RSS feeds and with Open Graph tags, and
//! leave when withdrawn or before their time; a campaign's coverage follows
//! the initiatives' confirmations (and a post on an official page counts
//! for target 2.7); an anonymous survey keeps nothing that links an answer
//! to a person or to a time finer than the day, applies its skip logic, and
//! suppresses small groups in its results.

use khienmang_core::auth::Role;
use khienmang_core::time::Timestamp;
use reqwest::StatusCode;

use khienmang_testkit::fixtures::{day, initiative_input};
use khienmang_testkit::http::TestApp;

async fn post_form(app: &TestApp, token: Option<&str>, path: &str, form: &[(&str, String)]) -> (StatusCode, String) {
    let mut req = app.http.post(format!("{}{path}", app.base)).form(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

/// A survey answer from a browser holding the respondent token `respondent`.
async fn answer_as(app: &TestApp, respondent: &str, path: &str, form: &[(&str, String)]) -> (StatusCode, String) {
    let cookie = format!("survey_respondent={respondent}");
    let res = app.http.post(format!("{}{path}", app.base)).header("cookie", cookie).form(form).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

/// A new browser's respondent token.
fn new_respondent() -> String {
    format!("{:032x}", rand::random::<u128>())
}

async fn get(app: &TestApp, token: Option<&str>, path: &str) -> (StatusCode, String, String) {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, ct, res.text().await.unwrap_or_default())
}

/// Element names of an XML document, in document order (proves it parses).
fn elements(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    doc.descendants().filter(|n| n.is_element()).map(|n| n.tag_name().name().to_owned()).collect()
}

#[tokio::test]
async fn warnings_are_published_in_feeds_with_previews_and_withdrawn() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let (tinh, xa) = (app.token("tinh").await, app.token("xa-a").await);
    let warning = |title: &str, at: &str| {
        vec![
            ("title", title.to_owned()),
            ("summary", "Đối tượng gọi điện xưng là công an, yêu cầu cài ứng dụng lạ.".to_owned()),
            ("body", "Đoạn một.\n\nĐoạn hai <b>không phải HTML</b>.".to_owned()),
            ("category", "fraud".to_owned()),
            ("publish_at", at.to_owned()),
        ]
    };
    // Only the secretariat publishes.
    assert_eq!(
        post_form(&app, Some(&xa), "/warnings", &warning("Giả danh công an", "")).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, _) = post_form(&app, Some(&tinh), "/warnings", &warning("Giả danh công an gọi điện", "")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let later = (chrono::Utc::now() + chrono::Duration::days(3) + chrono::Duration::hours(7)).format("%Y-%m-%dT%H:%M");
    assert_eq!(
        post_form(&app, Some(&tinh), "/warnings", &warning("Sắp đăng", &later.to_string())).await.0,
        StatusCode::SEE_OTHER
    );
    // An empty title changes nothing.
    let (status, body) = post_form(&app, Some(&tinh), "/warnings", &warning(" ", "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (_, _, page) = get(&app, None, "/warnings").await;
    assert!(page.contains("Giả danh công an gọi điện"));
    assert!(!page.contains("Sắp đăng"), "a scheduled warning stays hidden");
    let (status, ct, atom) = get(&app, None, "/warnings.atom").await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/atom+xml; charset=utf-8"));
    let names = elements(&atom);
    assert_eq!(names[0], "feed");
    for required in ["id", "title", "updated", "entry", "author"] {
        assert!(names.iter().any(|n| n == required), "Atom feed has <{required}>");
    }
    assert_eq!(names.iter().filter(|n| *n == "entry").count(), 1);
    assert!(atom.contains("/warnings/gia-danh-cong-an-goi-dien"));
    let (_, ct, rss) = get(&app, None, "/warnings.rss").await;
    assert!(ct.starts_with("application/rss+xml"));
    assert_eq!(elements(&rss).iter().filter(|n| *n == "item").count(), 1);

    // The share page previews well: Open Graph tags with an absolute URL; the body is escaped.
    let (status, _, share) = get(&app, None, "/warnings/gia-danh-cong-an-goi-dien").await;
    assert_eq!(status, StatusCode::OK);
    assert!(share.contains(r#"<meta property="og:title" content="Giả danh công an gọi điện">"#));
    assert!(
        share.contains(&format!(
            r#"<meta property="og:url" content="{}/warnings/gia-danh-cong-an-goi-dien">"#,
            app.base
        ))
    );
    assert!(share.contains("&lt;b&gt;không phải HTML&lt;/b&gt;") && !share.contains("<b>không"));
    assert_eq!(get(&app, None, "/warnings/sap-dang").await.0, StatusCode::NOT_FOUND, "not before its time");

    assert_eq!(
        post_form(&app, Some(&tinh), "/warnings/gia-danh-cong-an-goi-dien/withdraw", &[]).await.0,
        StatusCode::SEE_OTHER
    );
    let (_, _, atom) = get(&app, None, "/warnings.atom").await;
    assert_eq!(elements(&atom).iter().filter(|n| *n == "entry").count(), 0);
    assert_eq!(get(&app, None, "/warnings/gia-danh-cong-an-goi-dien").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn campaign_coverage_follows_confirmations_and_official_posts_feed_target_2_7() {
    use khienmang_core::movement::ParticipantKind;
    use khienmang_store::movement::InitiativeInput;
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let (tinh, xa) = (app.token("tinh").await, app.token("xa-a").await);
    let mut ids = Vec::new();
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    for (unit, name) in
        [(app.commune_a.0, "Tổ công nghệ số A"), (app.commune_a.0, "Zalo thôn A"), (app.commune_b.0, "Tổ B")]
    {
        ids.push(
            tx.create_initiative(
                &InitiativeInput {
                    participant_kind: ParticipantKind::AgencyLinked,
                    since: day("2026-01-01"),
                    ..initiative_input(unit, name)
                }
                .check()
                .unwrap(),
            )
            .await
            .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    // Items as form rows (the third row left blank), the theme ticked from the list.
    let form = [
        ("title", "Tháng phòng, chống lừa đảo".to_owned()),
        ("item0.title", "5 dấu hiệu lừa đảo".to_owned()),
        ("item0.kind", "video".to_owned()),
        ("item0.url", "https://example.vn/v".to_owned()),
        ("item1.title", "Giả danh công an".to_owned()),
        ("item1.kind", "article".to_owned()),
        ("item1.url", "https://example.vn/a".to_owned()),
        ("item2.title", String::new()),
        ("item2.kind", "article".to_owned()),
        ("themes", "anti_fraud".to_owned()),
        ("action", "publish".to_owned()),
    ];
    let (status, body) = post_form(&app, Some(&tinh), "/campaigns", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    // A row without a full link comes back with the reason beside it and what was typed.
    let bad = [
        ("title", "X".to_owned()),
        ("item0.title", "Bài thiếu đường dẫn".to_owned()),
        ("item0.kind", "article".to_owned()),
        ("item0.url", "example.vn".to_owned()),
        ("action", "publish".to_owned()),
    ];
    let (status, body) = post_form(&app, Some(&tinh), "/campaigns", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(r#"id="r0-e-url""#) && body.contains("Bài thiếu đường dẫn"), "{body}");
    let campaign = app.store.campaigns().await.unwrap()[0].id;

    let posts = || async {
        sqlx::query_scalar::<_, i64>("SELECT CAST(COUNT(*) AS BIGINT) FROM page_posts")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
    };
    let before = posts().await;
    let share = [
        ("campaign", campaign.to_string()),
        ("item", "1".to_owned()),
        ("reach", "250".to_owned()),
        ("link", "https://facebook.com/xa-a/posts/1".to_owned()),
        ("official_page", "1".to_owned()),
    ];
    let (status, body) =
        post_form(&app, Some(&xa), &format!("/movement/initiatives/{}/campaign-shares", ids[0]), &share).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(posts().await, before + 1, "a post on an official page counts for 2.7");
    // Another commune's initiative is out of reach.
    assert_eq!(
        post_form(&app, Some(&xa), &format!("/movement/initiatives/{}/campaign-shares", ids[2]), &share).await.0,
        StatusCode::NOT_FOUND
    );

    // Coverage in the commune's scope: 1 of its 2 initiatives; the province sees 1 of 3.
    let (_, _, page) = get(&app, Some(&xa), &format!("/campaigns/{campaign}")).await;
    let overall = &page[page.find("id=\"coverage-overall\"").unwrap()..];
    assert!(
        overall.starts_with(
            "id=\"coverage-overall\"><th scope=\"row\">Toàn phạm vi</th><td>2</td><td>1</td><td>50%</td><td>250</td>"
        ),
        "{}",
        &overall[..200]
    );
    let (_, _, page) = get(&app, Some(&tinh), &format!("/campaigns/{campaign}")).await;
    let overall = &page[page.find("id=\"coverage-overall\"").unwrap()..];
    assert!(overall.contains("<td>3</td><td>1</td><td>33,3%</td>"), "{}", &overall[..200]);
    // A corrected reach replaces the first, it is not added.
    let mut again = share.to_vec();
    again[2].1 = "300".into();
    again.pop();
    post_form(&app, Some(&xa), &format!("/movement/initiatives/{}/campaign-shares", ids[0]), &again).await;
    let (_, _, page) = get(&app, Some(&xa), &format!("/campaigns/{campaign}")).await;
    assert!(page.contains("<td>2</td><td>1</td><td>50%</td><td>300</td>"));

    // The secretariat corrects an item's title, then voids the item that was
    // shared: it leaves the list and the coverage, and both changes are audited.
    let url = format!("/campaigns/{campaign}/items/edit");
    let fix = [
        ("item", "2".to_owned()),
        ("item0.title", "Giả danh công an gọi điện".to_owned()),
        ("item0.kind", "article".to_owned()),
        ("item0.url", "https://example.vn/a".to_owned()),
    ];
    assert_eq!(post_form(&app, Some(&tinh), &url, &fix).await.0, StatusCode::SEE_OTHER);
    assert_eq!(post_form(&app, Some(&xa), &url, &fix).await.0, StatusCode::FORBIDDEN, "communes do not edit");
    let void = format!("/campaigns/{campaign}/items/void");
    let (status, body) = post_form(&app, Some(&tinh), &void, &[("item", "1".to_owned())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a void needs a reason");
    assert!(body.contains(r#"id="void-e-1""#), "{body}");
    let (status, _) =
        post_form(&app, Some(&tinh), &void, &[("item", "1".to_owned()), ("reason", "Nhập nhầm".to_owned())]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let c = app.store.campaign(campaign).await.unwrap().unwrap();
    assert_eq!(c.live_items().map(|i| i.title.as_str()).collect::<Vec<_>>(), ["Giả danh công an gọi điện"]);
    let (_, _, page) = get(&app, Some(&xa), &format!("/campaigns/{campaign}")).await;
    assert!(page.contains("<td>2</td><td>0</td><td>0%</td>"), "the voided item's share no longer counts");
    let audited: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action IN ('campaign.item_edit', 'campaign.item_void')",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn an_anonymous_survey_keeps_no_person_and_no_time_finer_than_the_day() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let tinh = app.token("tinh").await;
    // Built in the builder: q1 (a "No" skips q2), q2 several choices, q3 a scale, q4 free text.
    let mut fields = crate::survey_builder::survey_fields("Khảo sát");
    fields.retain(|(k, _)| !k.starts_with("q1.") && !k.starts_with("q2."));
    for (k, v) in [
        ("q1.key", "q2"),
        ("q1.text", "Đã làm gì?"),
        ("q1.kind", "multiple"),
        ("q1.choices", "Báo công an\nBỏ qua"),
        ("q2.key", "q3"),
        ("q2.text", "Mức độ hữu ích"),
        ("q2.kind", "scale"),
        ("q2.required", "1"),
        ("q2.min", "1"),
        ("q2.max", "5"),
        ("q3.key", "q4"),
        ("q3.text", "Góp ý"),
        ("q3.kind", "text"),
        ("q3.max_chars", "500"),
        ("action", "save"),
    ] {
        fields.push((k.to_owned(), v.to_owned()));
    }
    let (status, _, body) = crate::survey_builder::post_form(&app, Some(&tinh), "/surveys", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let survey = app.store.surveys().await.unwrap()[0].id;
    let audit_before: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log").fetch_one(app.store.pool()).await.unwrap();

    // Six answers from each of three communes, two from commune b; "No" skips q2.
    let history = app.store.org_history().await.unwrap();
    let today_d = khienmang_core::outreach::vn_date(chrono::Utc::now());
    let others: Vec<khienmang_core::org::UnitId> = history
        .subtree_on(app.province, today_d)
        .into_iter()
        .filter(|v| {
            v.level == khienmang_core::org::Level::Commune
                && v.unit_id != app.commune_a.0
                && v.unit_id != app.commune_b.0
        })
        .take(2)
        .map(|v| v.unit_id)
        .collect();
    let (a, b) = (app.commune_a.0.0.to_string(), app.commune_b.0.0.to_string());
    let answer = |unit: &str, q1: &str, q3: &str| {
        vec![
            ("unit", unit.to_owned()),
            ("q.q1", q1.to_owned()),
            ("q.q2", "0".to_owned()),
            ("q.q3", q3.to_owned()),
            ("q.q4", "Nguyễn Văn A, 0912345678".to_owned()),
        ]
    };
    for unit in [a.clone(), others[0].0.to_string(), others[1].0.to_string()] {
        for i in 0..6 {
            let (status, body) = answer_as(
                &app,
                &new_respondent(),
                &format!("/surveys/{survey}"),
                &answer(&unit, if i < 3 { "0" } else { "1" }, "4"),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert!(body.contains("survey-done"));
        }
    }
    for _ in 0..2 {
        answer_as(&app, &new_respondent(), &format!("/surveys/{survey}"), &answer(&b, "0", "2")).await;
    }
    // A required answer missing, or a value off the scale: refused with the question named; nothing stored.
    let (status, body) = answer_as(&app, &new_respondent(), &format!("/surveys/{survey}"), &answer(&a, "0", "9")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(r#"id="e-q3""#), "the reason beside the question: {body}");
    let rows: Vec<(String, String, Option<String>, String)> =
        sqlx::query_as("SELECT id, submitted_on, respondent, answers FROM survey_responses")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(rows.len(), 20);
    let today = khienmang_core::outreach::vn_date(chrono::Utc::now()).to_string();
    for (id, day, respondent, answers) in &rows {
        assert_eq!(day, &today, "only the day");
        assert!(respondent.is_none());
        assert_eq!(id.len(), 32, "a random id, not a counter: {id}");
        let skipped_q2 = answers.contains(r#""q1":{"choice":1}"#);
        assert_eq!(answers.contains(r#""q2""#), !skipped_q2, "q2 only on the path: {answers}");
    }
    // No column that could hold a time of day, and no audit line per answer.
    let columns: Vec<String> = match app.store.backend() {
        khienmang_store::Backend::Sqlite => {
            sqlx::query_scalar("SELECT name FROM pragma_table_info('survey_responses')")
                .fetch_all(app.store.pool())
                .await
                .unwrap()
        }
        khienmang_store::Backend::Postgres => sqlx::query_scalar(
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns WHERE table_name = 'survey_responses'",
        )
        .fetch_all(app.store.pool())
        .await
        .unwrap(),
    };
    let mut columns = columns;
    columns.sort();
    assert_eq!(columns, ["answers", "id", "respondent", "submitted_on", "survey_id", "unit_id"]);
    let audit_after: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log").fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(audit_after, audit_before, "answers leave no timestamped trace");

    // Results: commune a (6) is published, commune b (2) is suppressed, and
    // so is enough else that b cannot be worked out from the province's total;
    // the free-text answers are nowhere.
    let (status, _, results) = get(&app, Some(&tinh), &format!("/surveys/{survey}/results")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!results.contains("0912345678") && !results.contains("Góp ý"), "text answers are never shown");
    let row_of = |name_part: &str| -> String {
        let at = results.find(name_part).unwrap_or_else(|| panic!("{name_part} in results"));
        results[at..results[at..].find("</tr>").unwrap() + at].to_owned()
    };
    let name = |u: khienmang_core::org::UnitId| history.version_on(u, today_d).unwrap().name.clone();
    let hidden = "<td>&#60;5</td>";
    let b_row = row_of(&format!(">{}</th>", name(app.commune_b.0)));
    assert!(
        b_row.starts_with(&format!(">{}</th>{hidden}", name(app.commune_b.0))) && !b_row.contains("<td>2</td>"),
        "{b_row}"
    );
    // The province's total is published, so a second commune is hidden with b.
    let province = row_of("<tbody>");
    assert!(province.contains("<td>20</td>"), "{province}");
    let children = [app.commune_a.0, others[0], others[1]].map(|u| row_of(&format!(">{}</th>", name(u))));
    let suppressed = children.iter().filter(|r| r.contains(&format!("</th>{hidden}"))).count();
    assert_eq!(suppressed, 1, "exactly one more commune hidden: {children:?}");
    assert_eq!(children.iter().filter(|r| r.contains("</th><td>6</td>")).count(), 2); // A script stuffing the box: without the page's token it is refused, and
    // one browser's token answers once.
    let (status, body) = post_form(&app, None, &format!("/surveys/{survey}"), &answer(&a, "0", "4")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("tải lại trang khảo sát"), "{body}");
    let stuffer = new_respondent();
    let url = format!("/surveys/{survey}");
    assert_eq!(answer_as(&app, &stuffer, &url, &answer(&b, "0", "2")).await.0, StatusCode::OK);
    let (status, body) = answer_as(&app, &stuffer, &url, &answer(&b, "0", "2")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("đã gửi phiếu"), "{body}");
}

//! Every link field people can fill in, on the pages and the API, refuses
//! scripts and other non-web schemes (issue 16): the refusal is in
//! Vietnamese and nothing is stored.

use chrono::Datelike;
use khienmang_core::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use khienmang_testkit::fixtures::{create_initiative, day, initiative_input};
use khienmang_testkit::http::TestApp;

/// The attacks: scripts and data in any case, behind a space, or VBScript.
const ATTACKS: [&str; 5] = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "JaVaScRiPt:alert(document.cookie)",
    " javascript:alert(1)",
    "vbscript:msgbox(1)",
];

/// What every refusal says (in every field's own wording).
const SAYS: &str = "http:// hoặc https://";

async fn post_form(app: &TestApp, token: &str, path: &str, form: &[(&str, String)]) -> (StatusCode, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).form(form).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

async fn post_json(app: &TestApp, token: &str, path: &str, body: &Value) -> (StatusCode, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).json(body).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

/// Rows in every table a link could land in.
async fn stored(app: &TestApp) -> (i64, usize) {
    (app.write_count().await, app.store.campaigns().await.unwrap().len())
}

fn refused(what: &str, attack: &str, (status, body): (StatusCode, String)) {
    assert!(status.is_client_error(), "{what} {attack:?}: {status} {body}");
    assert!(body.contains(SAYS), "{what} {attack:?}: the refusal says what a link must be: {body}");
}

#[tokio::test]
async fn script_and_data_links_are_refused_on_every_link_field_and_nothing_is_stored() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let (tinh, xa) = (app.token("tinh").await, app.token("xa-a").await);
    let unit = app.commune_a.0.0;

    let initiative = create_initiative(&app.store, initiative_input(app.commune_a.0, "Tổ công nghệ số A")).await;
    let campaign = [
        ("title", "Tháng phòng, chống lừa đảo".to_owned()),
        ("item0.title", "5 dấu hiệu lừa đảo".to_owned()),
        ("item0.kind", "video".to_owned()),
        ("item0.url", "https://example.vn/v".to_owned()),
        ("themes", "anti_fraud".to_owned()),
        ("action", "publish".to_owned()),
    ];
    assert_eq!(post_form(&app, &tinh, "/campaigns", &campaign).await.0, StatusCode::SEE_OTHER);
    let campaign = app.store.campaigns().await.unwrap()[0].id;
    let year = (chrono::Utc::now() + chrono::Duration::hours(7)).year().clamp(2024, 2030);
    let criterion =
        app.store.criteria_set(year, khienmang_core::admin::UnitKind::Commune).await.unwrap().criteria[0].code.clone();

    let before = stored(&app).await;
    for attack in ATTACKS {
        let a = attack.to_owned();
        let form = [("official_page", a.clone()), ("effective", "2026-10-01".to_owned())];
        refused(
            "unit official page (form)",
            attack,
            post_form(&app, &tinh, &format!("/org/units/{unit}/attrs"), &form).await,
        );

        let update = json!({"operation": {"op": "update_attrs", "unit": unit, "attrs": {"official_page": attack}},
            "effective": "2026-10-01"});
        refused("unit official page (API)", attack, post_json(&app, &tinh, "/api/v1/org/operations", &update).await);
        let create = json!({"operation": {"op": "create", "unit": {"name": "Thôn Mới", "level": "village",
            "parent_id": unit, "attrs": {"official_page": attack}}}, "effective": "2026-10-01"});
        refused(
            "new unit's official page (API)",
            attack,
            post_json(&app, &tinh, "/api/v1/org/operations", &create).await,
        );

        let post = [
            ("unit", unit.to_string()),
            ("posted_on", "2026-04-02".to_owned()),
            ("post_title", "Cảnh báo".to_owned()),
            ("url", a.clone()),
        ];
        refused("official page post", attack, post_form(&app, &xa, "/movement/posts", &post).await);

        let channel = [("url", a.clone()), ("audience", "10".to_owned())];
        let path = format!("/movement/initiatives/{initiative}/channels");
        refused("initiative channel (form)", attack, post_form(&app, &xa, &path, &channel).await);
        let path = format!("/api/v1/initiatives/{initiative}/channels");
        refused("initiative channel (API)", attack, post_json(&app, &xa, &path, &json!({"url": attack})).await);

        let items = [
            ("title", "Chiến dịch khác".to_owned()),
            ("item0.title", "Bài viết".to_owned()),
            ("item0.kind", "article".to_owned()),
            ("item0.url", attack.to_owned()),
            ("themes", "anti_fraud".to_owned()),
            ("action", "publish".to_owned()),
        ];
        refused("campaign item", attack, post_form(&app, &tinh, "/campaigns", &items).await);

        let share = [
            ("campaign", campaign.to_string()),
            ("item", "1".to_owned()),
            ("reach", "250".to_owned()),
            ("link", a.clone()),
            ("official_page", "1".to_owned()),
        ];
        let path = format!("/movement/initiatives/{initiative}/campaign-shares");
        refused("campaign share", attack, post_form(&app, &xa, &path, &share).await);

        // Evidence is read with the criterion's points.
        let (points, link) = (format!("points.{criterion}"), format!("evidence.{criterion}"));
        let evidence = [("year", year.to_string()), (points.as_str(), "1".to_owned()), (link.as_str(), a.clone())];
        refused(
            "evaluation evidence",
            attack,
            post_form(&app, &xa, &format!("/evaluations/{unit}/scores"), &evidence).await,
        );
    }
    assert_eq!(stored(&app).await, before, "nothing refused was stored");
    let unit_now = app.store.unit_on(app.commune_a.0, day("2026-10-01")).await.unwrap().unwrap();
    assert_eq!(unit_now.attrs.official_page, None);

    // The server still answers, and a real page is taken, written back as the url crate writes it.
    let form =
        [("official_page", " https://www.Facebook.com/xa.a ".to_owned()), ("effective", "2026-10-01".to_owned())];
    let (status, body) = post_form(&app, &tinh, &format!("/org/units/{unit}/attrs"), &form).await;
    assert!(status.is_redirection(), "{status} {body}");
    let unit_now = app.store.unit_on(app.commune_a.0, day("2026-10-01")).await.unwrap().unwrap();
    assert_eq!(unit_now.attrs.official_page.as_deref(), Some("https://www.facebook.com/xa.a"));
}

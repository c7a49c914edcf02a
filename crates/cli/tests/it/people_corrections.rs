//! Correcting and voiding the people registries (issue 18) through the
//! pages and the API, as the users see it: a correction shows in the list
//! and in the targets (2.3, 2.5, 2.8 read as a user reads them), a void
//! drops the figure and a restore (the secretariat's alone) brings it back;
//! a consent given later counts from its date; another commune and an
//! initiative leader can neither read nor change, and nothing is written;
//! the audit log keeps every step; the lists are paged and searched with
//! diacritics ignored, and a training's attendees are picked by searching.

use khienmang_core::auth::Role;
use khienmang_core::org::{Level, NewUnit, UnitId};
use khienmang_core::targets::PersonRole;
use khienmang_core::time::Timestamp;
use khienmang_store::movement::PersonInput;
use reqwest::Method;
use serde_json::{Value, json};

use khienmang_testkit::fixtures::{TEST_ACTOR, create_unit, day};
use khienmang_testkit::http::TestApp;

const YEAR: i32 = 2026;

async fn officer(app: &TestApp, name: &str, role: Role, scope: UnitId) -> String {
    app.user(name, role, Some(scope)).await;
    app.token(name).await
}

async fn send(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = app.http.request(method, format!("{}{path}", app.base)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn post_form(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).form(form).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn html(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// (numerator, denominator) of `target` for `unit` in `year`, as the targets API shows it to `token`.
async fn figure(app: &TestApp, token: &str, unit: UnitId, target: &str, year: i32) -> (i64, i64) {
    let (status, body) = app.get_json(token, &format!("/api/v1/targets?unit={}&year={year}", unit.0)).await;
    assert_eq!(status, 200, "{body}");
    let t = body["targets"].as_array().unwrap().iter().find(|t| t["target"] == target).unwrap().clone();
    (t["numerator"].as_i64().unwrap_or(0), t["denominator"].as_i64().unwrap_or(0))
}

/// The changes the audit log keeps about `object`, oldest first (views left out).
async fn audit_actions(app: &TestApp, object: &str) -> Vec<String> {
    let entries = app.store.audit_recent(Some(object), 100, 0).await.unwrap();
    let mut actions: Vec<String> =
        entries.into_iter().map(|e| e.action).filter(|a| !a.starts_with("personal_data")).collect();
    actions.reverse();
    actions
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list[key].as_array().unwrap().iter().map(|p| p["full_name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_person_corrected_shows_in_the_list_and_the_targets_and_a_void_drops_the_figure_until_restored() {
    let app = TestApp::start().await;
    let c = app.commune_a.0;
    let xa = officer(&app, "xa", Role::CommuneOfficer, c).await;
    let tinh = officer(&app, "tinh", Role::Secretariat, app.province).await;
    let (_, staff_before) = figure(&app, &xa, c, "2.3", YEAR).await;
    let (_, outreach_before) = figure(&app, &xa, c, "2.5", YEAR).await;

    let (status, body) = send(
        &app,
        &xa,
        Method::POST,
        "/api/v1/people",
        Some(
            json!({"unit_id": c.0, "full_name": "Nguyễn Văn Anhh", "role": "legal_reporter", "registered_from": YEAR}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    let (status, _) = post_form(&app, &xa, &format!("/movement/people/{id}/update"), &[("year", "2026")]).await;
    assert_eq!(status, 303);
    let (updated, outreach) = figure(&app, &xa, c, "2.5", YEAR).await;
    assert_eq!(outreach, outreach_before + 1, "a registered outreach officer counts for 2.5");
    assert!(updated >= 1);

    // A refused correction comes back with what was typed and the reason beside it.
    let before = app.write_count().await;
    let cs = c.0.to_string();
    let (status, page) = post_form(
        &app,
        &xa,
        &format!("/movement/people/{id}/edit"),
        &[
            ("unit", &cs),
            ("full_name", " "),
            ("role", "legal_reporter"),
            ("position", "Phó trưởng ban"),
            ("registered_from", "2026"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Chưa nhập họ và tên.") && page.contains("Phó trưởng ban"), "{page}");
    assert_eq!(app.write_count().await, before, "a refused correction writes nothing");

    // The typo and the role corrected on the page: the list and the targets follow.
    let (status, _) = post_form(
        &app,
        &xa,
        &format!("/movement/people/{id}/edit"),
        &[
            ("unit", &cs),
            ("full_name", "Nguyễn Văn Anh"),
            ("role", "commune_key_official"),
            ("registered_from", "2026"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, list) = html(&app, &xa, "/movement/people?q=nguyen+van+anh").await;
    assert!(list.contains("Nguyễn Văn Anh<") && !list.contains("Anhh"), "the list shows the correction: {list}");
    assert_eq!(figure(&app, &xa, c, "2.5", YEAR).await.1, outreach_before, "no longer an outreach officer");
    assert_eq!(figure(&app, &xa, c, "2.3", YEAR).await.1, staff_before + 1, "now a key official (2.3)");
    let (_, record) = html(&app, &xa, &format!("/movement/people/{id}")).await;
    assert!(record.contains("«Nguyễn Văn Anhh» → «Nguyễn Văn Anh»"), "the history names the change: {record}");
    // The API's correction answers the record as it now stands.
    let (status, body) =
        send(&app, &xa, Method::PATCH, &format!("/api/v1/people/{id}"), Some(json!({"position": "Trưởng thôn"}))).await;
    assert_eq!((status, body["position"].as_str()), (200, Some("Trưởng thôn")), "{body}");

    // A void needs a reason; then the person leaves the list and the figure.
    let before = app.write_count().await;
    let (status, page) = post_form(&app, &xa, &format!("/movement/people/{id}/void"), &[("reason", "  ")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("Chưa nhập lý do."), "{page}");
    assert_eq!(app.write_count().await, before);
    let (status, _) =
        send(&app, &xa, Method::POST, &format!("/api/v1/people/{id}/void"), Some(json!({"reason": "Nhập trùng"})))
            .await;
    assert_eq!(status, 204);
    assert_eq!(figure(&app, &xa, c, "2.3", YEAR).await.1, staff_before, "the void drops the figure");
    let (_, list) = app.get_json(&xa, "/api/v1/people?q=nguyen+van+anh").await;
    assert_eq!(list["total"], 0, "{list}");
    assert_eq!(send(&app, &xa, Method::GET, &format!("/api/v1/people/{id}"), None).await.0, 404);
    assert_eq!(html(&app, &xa, &format!("/movement/people/{id}")).await.0, 404);
    // The secretariat still sees it, marked void, and alone restores it.
    let (status, seen) = send(&app, &tinh, Method::GET, &format!("/api/v1/people/{id}"), None).await;
    assert_eq!((status, seen["voided"]["reason"].as_str()), (200, Some("Nhập trùng")), "{seen}");
    let (_, voided) = app.get_json(&tinh, "/api/v1/people?voided=true&q=nguyen+van+anh").await;
    assert_eq!(names(&voided, "people"), vec!["Nguyễn Văn Anh"]);
    assert_eq!(send(&app, &xa, Method::POST, &format!("/api/v1/people/{id}/restore"), None).await.0, 403);
    let (status, body) = send(&app, &tinh, Method::POST, &format!("/api/v1/people/{id}/restore"), None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("voided").is_none());
    assert_eq!(figure(&app, &xa, c, "2.3", YEAR).await.1, staff_before + 1, "the restore brings it back");

    assert_eq!(
        audit_actions(&app, &format!("person:{id}")).await,
        ["person.create", "person.update", "person.edit", "person.edit", "person.void", "person.restore"]
    );
}

#[tokio::test]
async fn a_training_corrected_or_voided_moves_the_attendees_figure() {
    let app = TestApp::start().await;
    let c = app.commune_a.0;
    let xa = officer(&app, "xa", Role::CommuneOfficer, c).await;
    let tinh = officer(&app, "tinh", Role::Secretariat, app.province).await;
    let (status, body) = send(
        &app,
        &xa,
        Method::POST,
        "/api/v1/people",
        Some(json!({"unit_id": c.0, "full_name": "Trần Thị Bích", "role": "commune_key_official", "registered_from": YEAR})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let person = body["id"].as_i64().unwrap();
    let (trained_before, _) = figure(&app, &xa, c, "2.3", YEAR).await;

    let (status, body) = send(
        &app,
        &xa,
        Method::POST,
        "/api/v1/trainings",
        Some(json!({"unit_id": c.0, "title": "Tập huấn kỹ năng số", "held_on": "2026-03-10", "attendees": [person]})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    assert_eq!(body["attendees"][0]["full_name"], "Trần Thị Bích");
    assert_eq!(figure(&app, &xa, c, "2.3", YEAR).await.0, trained_before + 1);

    // The attendee removed, then added again on the page: the figure follows each time.
    let (status, body) =
        send(&app, &xa, Method::PATCH, &format!("/api/v1/trainings/{id}"), Some(json!({"attendees": []}))).await;
    assert_eq!((status, body["attendee_count"].as_i64()), (200, Some(0)), "{body}");
    assert_eq!(figure(&app, &xa, c, "2.3", YEAR).await.0, trained_before);
    let (cs, ps) = (c.0.to_string(), person.to_string());
    let form = [
        ("unit", cs.as_str()),
        ("title", "Tập huấn kỹ năng số"),
        ("held_on", "2026-03-10"),
        ("attendee", &ps),
        ("action", "save"),
    ];
    let (status, page) = post_form(&app, &xa, &format!("/movement/trainings/{id}/edit"), &form).await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(figure(&app, &xa, c, "2.3", YEAR).await.0, trained_before + 1);
    let (_, record) = html(&app, &xa, &format!("/movement/trainings/{id}")).await;
    assert!(record.contains("Bớt người tham dự") && record.contains("Thêm người tham dự"), "{record}");

    // Someone of another commune is never an attendee, whatever is posted.
    let outsider = {
        let mut tx = app.store.begin_write(TEST_ACTOR, Timestamp::now()).await.unwrap();
        let p = PersonInput {
            unit: app.commune_b.0,
            full_name: "Người xã khác".into(),
            role: PersonRole::CommuneKeyOfficial,
            position: None,
            initiative: None,
            registered_from: YEAR,
            registered_to: None,
        };
        let id = tx.create_person(&p).await.unwrap();
        tx.commit().await.unwrap();
        id
    };
    let before = app.write_count().await;
    let (status, _) =
        send(&app, &xa, Method::PATCH, &format!("/api/v1/trainings/{id}"), Some(json!({"attendees": [outsider]})))
            .await;
    assert_eq!(status, 422);
    assert_eq!(app.write_count().await, before);

    // Voided with a reason on its page: gone from the list and the figure.
    let (status, _) =
        post_form(&app, &xa, &format!("/movement/trainings/{id}/void"), &[("reason", "Nhập nhầm lớp")]).await;
    assert_eq!(status, 303);
    assert_eq!(figure(&app, &xa, c, "2.3", YEAR).await.0, trained_before);
    let (_, list) = html(&app, &xa, "/movement/trainings").await;
    assert!(!list.contains("Tập huấn kỹ năng số"), "{list}");
    let (status, _) = post_form(&app, &tinh, &format!("/movement/trainings/{id}/restore"), &[]).await;
    assert_eq!(status, 303);
    assert_eq!(figure(&app, &xa, c, "2.3", YEAR).await.0, trained_before + 1);
    assert_eq!(
        audit_actions(&app, &format!("training:{id}")).await,
        ["training.create", "training.edit", "training.edit", "training.void", "training.restore"]
    );
}

#[tokio::test]
async fn a_consent_given_later_counts_from_its_date() {
    let app = TestApp::start().await;
    let c = app.commune_a.0;
    let xa = officer(&app, "xa", Role::CommuneOfficer, c).await;
    let (status, body) = send(
        &app,
        &xa,
        Method::POST,
        "/api/v1/voices",
        Some(json!({"unit_id": c.0, "full_name": "Nghệ sĩ Quan họ", "registered_from": 2025})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    let (_, registered) = figure(&app, &xa, c, "2.8", YEAR).await;
    assert!(registered >= 1);
    let enlist = |year: &'static str| {
        let (app, xa) = (&app, &xa);
        async move { post_form(app, xa, &format!("/movement/voices/{id}/enlist"), &[("year", year)]).await }
    };
    let (status, page) = enlist("2026").await;
    assert_eq!(status, 422, "no consent on record");
    assert!(page.contains("đồng thuận"), "{page}");

    // The consent given on 1 May 2026: enlisted for 2026, never for 2025.
    let (status, body) =
        send(&app, &xa, Method::PATCH, &format!("/api/v1/voices/{id}"), Some(json!({"consent_on": "2026-05-01"})))
            .await;
    assert_eq!((status, body["consent_on"].as_str()), (200, Some("2026-05-01")), "{body}");
    let (status, page) = enlist("2025").await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("năm đồng thuận"), "{page}");
    assert_eq!(enlist("2026").await.0, 303);
    let (enlisted, _) = figure(&app, &xa, c, "2.8", YEAR).await;
    assert_eq!(enlisted, 1);
    assert_eq!(figure(&app, &xa, c, "2.8", 2025).await.0, 0);

    // The date corrected to a later year: 2026 no longer counts, as the rule says.
    let cs = c.0.to_string();
    let form = [
        ("unit", cs.as_str()),
        ("full_name", "Nghệ sĩ Quan họ"),
        ("where", "in"),
        ("consent_on", "2027-02-01"),
        ("registered_from", "2025"),
    ];
    let (status, page) = post_form(&app, &xa, &format!("/movement/voices/{id}/edit"), &form).await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(figure(&app, &xa, c, "2.8", YEAR).await.0, 0);
    let (_, record) = html(&app, &xa, &format!("/movement/voices/{id}")).await;
    assert!(
        record.contains("Ngày đồng thuận hợp tác: «01/05/2026» → «01/02/2027»"),
        "the dates as people write them: {record}"
    );

    // Voided: the voice leaves the denominator too.
    let (status, _) =
        send(&app, &xa, Method::POST, &format!("/api/v1/voices/{id}/void"), Some(json!({"reason": "Trùng"}))).await;
    assert_eq!(status, 204);
    assert_eq!(figure(&app, &xa, c, "2.8", YEAR).await.1, registered - 1);
    assert_eq!(
        audit_actions(&app, &format!("voice:{id}")).await,
        ["voice.create", "voice.edit", "voice.enlist", "voice.edit", "voice.void"]
    );
}

#[tokio::test]
async fn another_commune_and_an_initiative_leader_can_neither_read_nor_change() {
    let app = TestApp::start().await;
    let c = app.commune_a.0;
    let xa = officer(&app, "xa", Role::CommuneOfficer, c).await;
    let other = officer(&app, "xa-b", Role::CommuneOfficer, app.commune_b.0).await;
    let leader = officer(&app, "mohinh", Role::InitiativeLeader, c).await;
    let (_, p) = send(
        &app,
        &xa,
        Method::POST,
        "/api/v1/people",
        Some(json!({"unit_id": c.0, "full_name": "Lê Văn Cường", "role": "legal_reporter", "registered_from": YEAR})),
    )
    .await;
    let (_, t) = send(
        &app,
        &xa,
        Method::POST,
        "/api/v1/trainings",
        Some(json!({"unit_id": c.0, "title": "Lớp riêng", "held_on": "2026-02-02", "attendees": [p["id"]]})),
    )
    .await;
    let (_, v) = send(
        &app,
        &xa,
        Method::POST,
        "/api/v1/voices",
        Some(json!({"unit_id": c.0, "full_name": "Người có uy tín riêng", "registered_from": YEAR})),
    )
    .await;
    let cs = c.0.to_string();
    let before = app.write_count().await;
    for (kind, record, patch) in [
        ("people", &p, json!({"full_name": "Đổi tên"})),
        ("trainings", &t, json!({"title": "Đổi tên"})),
        ("voices", &v, json!({"full_name": "Đổi tên"})),
    ] {
        let id = record["id"].as_i64().unwrap();
        let page = format!("/movement/{kind}/{id}");
        let api = format!("/api/v1/{kind}/{id}");
        // Another commune: as if it did not exist.
        assert_eq!(send(&app, &other, Method::GET, &api, None).await.0, 404, "{api}");
        assert_eq!(html(&app, &other, &page).await.0, 404, "{page}");
        assert_eq!(send(&app, &other, Method::PATCH, &api, Some(patch.clone())).await.0, 404, "{api}");
        let void = Some(json!({"reason": "Thử"}));
        assert_eq!(send(&app, &other, Method::POST, &format!("{api}/void"), void.clone()).await.0, 404);
        let edit = [("unit", cs.as_str()), ("full_name", "Đổi tên"), ("title", "Đổi tên"), ("action", "save")];
        assert_eq!(post_form(&app, &other, &format!("{page}/edit"), &edit).await.0, 404);
        assert_eq!(post_form(&app, &other, &format!("{page}/void"), &[("reason", "Thử")]).await.0, 404);
        let (_, list) = app.get_json(&other, &format!("/api/v1/{kind}")).await;
        assert_eq!(list["total"], 0, "another commune lists none of these: {list}");
        // An initiative leader of the commune: refused, its initiatives are its only records.
        assert_eq!(send(&app, &leader, Method::PATCH, &api, Some(patch)).await.0, 403, "{api}");
        assert_eq!(send(&app, &leader, Method::POST, &format!("{api}/void"), void).await.0, 403);
        assert_eq!(post_form(&app, &leader, &format!("{page}/edit"), &edit).await.0, 403);
        assert_eq!(post_form(&app, &leader, &format!("{page}/void"), &[("reason", "Thử")]).await.0, 403);
        let (_, shown) = html(&app, &leader, &page).await;
        assert!(!shown.contains("id=\"edit-form\"") && !shown.contains("id=\"void-form\""), "{shown}");
        // Nor does an anonymous caller.
        let res = app.http.get(format!("{}{api}", app.base)).send().await.unwrap();
        assert_eq!(res.status(), 401);
    }
    assert_eq!(app.write_count().await, before, "a refused request wrote something");
    let (status, _) = send(
        &app,
        &other,
        Method::POST,
        "/api/v1/people",
        Some(json!({"unit_id": c.0, "full_name": "Lạ", "role": "legal_reporter", "registered_from": YEAR})),
    )
    .await;
    assert_eq!(status, 404, "registering in another commune");
    assert_eq!(app.write_count().await, before);
}

#[tokio::test]
async fn lists_are_paged_and_searched_without_diacritics_and_attendees_picked_by_searching() {
    let app = TestApp::start().await;
    let c = app.commune_a.0;
    let xa = officer(&app, "xa", Role::CommuneOfficer, c).await;
    let village =
        create_unit(&app.store, TEST_ACTOR, NewUnit::new("Thôn Tìm Kiếm", Level::Village, Some(c)), day("2025-07-01"))
            .await
            .unwrap();
    let mut tx = app.store.begin_write(TEST_ACTOR, Timestamp::now()).await.unwrap();
    for i in 0..130 {
        let (name, unit) = match i % 3 {
            0 => (format!("Nguyễn Thị Hoà {i:03}"), c),
            1 => (format!("Trần Văn Đức {i:03}"), c),
            _ => (format!("Lê Minh {i:03}"), if i == 2 { village } else { c }),
        };
        let p = PersonInput {
            unit,
            full_name: name,
            role: if i % 2 == 0 { PersonRole::LegalReporter } else { PersonRole::CommuneKeyOfficial },
            position: None,
            initiative: None,
            registered_from: YEAR,
            registered_to: None,
        };
        tx.create_person(&p).await.unwrap();
    }
    tx.commit().await.unwrap();

    // "nguyen" finds "Nguyễn", a page at a time, in name order.
    let (_, first) = app.get_json(&xa, "/api/v1/people?q=nguyen&limit=20").await;
    assert_eq!((first["total"].as_i64(), first["people"].as_array().unwrap().len()), (Some(44), 20), "{first}");
    assert_eq!(names(&first, "people")[0], "Nguyễn Thị Hoà 000");
    let (_, last) = app.get_json(&xa, "/api/v1/people?q=NGUYỄN&limit=20&offset=40").await;
    assert_eq!(
        names(&last, "people"),
        ["Nguyễn Thị Hoà 120", "Nguyễn Thị Hoà 123", "Nguyễn Thị Hoà 126", "Nguyễn Thị Hoà 129"]
    );
    let (_, hoa) = app.get_json(&xa, "/api/v1/people?q=thi+hoa+01").await;
    assert_eq!(names(&hoa, "people"), ["Nguyễn Thị Hoà 012", "Nguyễn Thị Hoà 015", "Nguyễn Thị Hoà 018"]);
    let (_, duc) = app.get_json(&xa, "/api/v1/people?q=duc&role=legal_reporter&limit=200").await;
    assert!(duc["total"].as_i64().unwrap() > 0);
    assert!(duc["people"].as_array().unwrap().iter().all(|p| p["role"] == "legal_reporter"), "{duc}");
    let (_, in_village) = app.get_json(&xa, &format!("/api/v1/people?unit_id={}", village.0)).await;
    assert_eq!(names(&in_village, "people"), ["Lê Minh 002"]);

    // The page lists 50 of them and links to the next page with the search kept.
    let (status, page) = html(&app, &xa, "/movement/people?q=minh").await;
    assert_eq!(status, 200);
    assert_eq!(page.matches("<tr id=\"person-").count(), 43);
    let (_, page) = html(&app, &xa, "/movement/people").await;
    assert_eq!(page.matches("<tr id=\"person-").count(), 50);
    assert!(page.contains("/movement/people?page=2"), "{page}");
    let (_, page3) = html(&app, &xa, "/movement/people?page=3").await;
    assert_eq!(page3.matches("<tr id=\"person-").count(), 30);

    // The training form offers a page of people, not all of them; a search narrows it, what was chosen stays.
    let (_, form) = html(&app, &xa, "/movement/trainings").await;
    assert_eq!(form.matches("name=\"attendee\"").count(), 20, "a page of the picker");
    let chosen = first["people"][0]["id"].as_i64().unwrap().to_string();
    let cs = c.0.to_string();
    let search = [
        ("unit", cs.as_str()),
        ("title", "Lớp chọn người"),
        ("held_on", "2026-05-05"),
        ("attendee", &chosen),
        ("aq", "tran van duc 00"),
        ("action", "search"),
    ];
    let (status, picked) = post_form(&app, &xa, "/movement/trainings", &search).await;
    assert_eq!(status, 200, "a search saves nothing");
    assert!(picked.contains("Lớp chọn người"), "what was typed stays");
    let results = &picked[picked.find("id=\"attendee-results\"").unwrap()..];
    assert_eq!(
        results.matches("name=\"attendee\"").count(),
        3,
        "Trần Văn Đức 001, 004, 007 and no one else: {results}"
    );
    let chosen_part =
        &picked[picked.find("id=\"chosen-attendees\"").unwrap()..picked.find("id=\"attendee-results\"").unwrap()];
    assert!(chosen_part.contains("Nguyễn Thị Hoà 000") && chosen_part.contains("checked"), "{chosen_part}");
    let duc_id = results.split("value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let save = [
        ("unit", cs.as_str()),
        ("title", "Lớp chọn người"),
        ("held_on", "2026-05-05"),
        ("attendee", &chosen),
        ("attendee", &duc_id),
        ("action", "save"),
    ];
    let (status, _) = post_form(&app, &xa, "/movement/trainings", &save).await;
    assert_eq!(status, 303);
    let (_, trainings) = app.get_json(&xa, "/api/v1/trainings?q=lop+chon").await;
    assert_eq!(trainings["trainings"][0]["attendee_count"], 2, "{trainings}");
}

#[tokio::test]
async fn the_api_document_describes_the_people_registries() {
    let app = TestApp::start().await;
    let res = app.http.get(format!("{}/api/openapi.json", app.base)).send().await.unwrap();
    let doc: Value = res.json().await.unwrap();
    for kind in ["people", "trainings", "voices"] {
        let list = &doc["paths"][format!("/api/v1/{kind}")];
        assert!(list["get"].is_object() && list["post"].is_object(), "{kind}");
        let one = &doc["paths"][format!("/api/v1/{kind}/{{id}}")];
        assert!(one["get"].is_object() && one["patch"].is_object(), "{kind}");
        for action in ["void", "restore"] {
            assert!(doc["paths"][format!("/api/v1/{kind}/{{id}}/{action}")]["post"].is_object(), "{kind} {action}");
        }
    }
}

/// A script sends a search of 10,000 characters to the people list and the
/// attendee picker: each answers its page at once, the search cut to its
/// bound and shown back, never an error or a slow scan of the long text.
#[tokio::test]
async fn a_ten_thousand_character_search_is_cut_to_its_bound() {
    let app = TestApp::start().await;
    let xa = officer(&app, "xa-a", Role::CommuneOfficer, app.commune_a.0).await;
    let long = "nguyễn ".repeat(1_500);
    let (status, page) = html(&app, &xa, &format!("/movement/people?q={}", urlencoding(&long))).await;
    assert_eq!(status, 200, "the people list");
    assert!(!page.contains(&long[..2_000]), "the search shown back is cut to its bound");
    let unit = app.commune_a.0.0.to_string();
    let form = [("unit", unit.as_str()), ("action", "search"), ("aq", long.as_str())];
    let (status, page) = post_form(&app, &xa, "/movement/trainings", &form).await;
    assert_eq!(status, 200, "the attendee picker");
    assert!(!page.contains(&long[..2_000]));
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

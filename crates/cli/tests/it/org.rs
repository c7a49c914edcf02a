//! The organisation tree across the 2025 reorganisation, dated operations,
//! "as of" reads and roll-ups.

use khienmang_core::auth::Role;
use khienmang_core::time::Timestamp;
use serde_json::{Value, json};

use khienmang_testkit::db::{fresh_store, temp_path};
use khienmang_testkit::fixtures::{TEST_ACTOR, create_unit, day};
use khienmang_testkit::http::TestApp;
use khienmang_testkit::lists::import_bac_ninh;

fn names(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap().to_string()).collect()
}

fn count_level(v: &Value, level: &str) -> usize {
    v.as_array().unwrap().iter().filter(|u| u["level"] == level).count()
}

#[tokio::test]
async fn old_bac_giang_and_new_bac_ninh_are_different_units_linked_by_history() {
    let app = TestApp::start().await;
    app.user("root", Role::SystemAdmin, None).await;
    let t = app.token("root").await;

    let (status, before) = app.get_json(&t, "/api/v1/org/units?code=24&as_of=2025-06-30").await;
    assert_eq!(status, 200);
    assert_eq!(names(&before), vec!["Tỉnh Bắc Giang"]);
    let bac_giang = before[0]["id"].as_i64().unwrap();
    assert_eq!(before[0]["valid_to"], "2025-07-01");

    let (_, districts) = app.get_json(&t, &format!("/api/v1/org/units/{bac_giang}/children?as_of=2025-06-30")).await;
    assert_eq!(count_level(&districts, "district"), 10);
    let mut communes = 0;
    for d in districts.as_array().unwrap() {
        let (_, c) = app.get_json(&t, &format!("/api/v1/org/units/{}/children?as_of=2025-06-30", d["id"])).await;
        communes += count_level(&c, "commune");
    }
    assert_eq!(communes, 192);

    let (_, after) = app.get_json(&t, "/api/v1/org/units?code=24&as_of=2025-07-01").await;
    assert_eq!(names(&after), vec!["Tỉnh Bắc Ninh"]);
    let bac_ninh = after[0]["id"].as_i64().unwrap();
    assert_ne!(bac_ninh, bac_giang, "same code, different units");
    let (_, children) = app.get_json(&t, &format!("/api/v1/org/units/{bac_ninh}/children?as_of=2025-07-01")).await;
    assert_eq!(count_level(&children, "commune"), 99);
    assert_eq!(count_level(&children, "district"), 0, "no district level after 1 July 2025");

    // Old Bắc Giang no longer exists on 1 July 2025, and its history says where it went.
    let (status, _) = app.get_json(&t, &format!("/api/v1/org/units/{bac_giang}?as_of=2025-07-01")).await;
    assert_eq!(status, 404);
    let (_, history) = app.get_json(&t, &format!("/api/v1/org/units/{bac_giang}/history")).await;
    assert_eq!(history["went_into"][0]["unit_id"], bac_ninh);

    // A merged commune names the old communes it came from, and they name it back.
    let commune = app.commune_a.0.0;
    let (_, h) = app.get_json(&t, &format!("/api/v1/org/units/{commune}/history")).await;
    let sources = h["formed_from"].as_array().unwrap();
    assert!(sources.len() >= 2, "07210 was formed by merging communes: {h}");
    let old = sources[0]["unit_id"].as_i64().unwrap();
    let (_, old_history) = app.get_json(&t, &format!("/api/v1/org/units/{old}/history")).await;
    assert!(old_history["went_into"].as_array().unwrap().iter().any(|l| l["unit_id"] == commune));
    assert!(h["events"].as_array().unwrap().iter().any(|e| e["summary"].as_str().unwrap().contains("01/07/2025")));

    // The HTML unit page shows the link too.
    let html = app
        .http
        .get(format!("{}/org/units/{commune}", app.base))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"formed-from\""));
    assert!(html.contains(sources[0]["name"].as_str().unwrap()));
}

#[tokio::test]
async fn cached_subtree_equals_the_recursive_sql_query_and_follows_writes() {
    let app = TestApp::start().await;
    let ids = |vs: Vec<khienmang_core::org::UnitVersion>| {
        let mut ids: Vec<(i64, Option<i64>)> = vs.iter().map(|v| (v.unit_id.0, v.parent_id.map(|p| p.0))).collect();
        ids.sort();
        ids
    };
    let old = app.store.units_by_code("24", day("2025-06-30")).await.unwrap()[0].unit_id;
    for (root, on) in [(app.province, "2026-01-01"), (old, "2025-06-30"), (old, "2025-07-01")] {
        let on = day(on);
        let cached = ids(app.store.subtree_on(root, on).await.unwrap());
        assert_eq!(cached, ids(app.store.subtree_on_sql(root, on).await.unwrap()));
    }
    assert_eq!(app.store.subtree_on(app.province, day("2026-01-01")).await.unwrap().len(), 100);
    // A write through another Store handle (another replica) is seen at once.
    let other = khienmang_store::Store::connect(&app.url).await.unwrap();
    let mut tx = other.begin_write("replica-2", Timestamp::now()).await.unwrap();
    tx.apply_op(&khienmang_core::org::OrgOp::Abolish { unit: app.commune_b.0 }, day("2026-02-01"), None).await.unwrap();
    tx.commit().await.unwrap();
    let after = app.store.subtree_on(app.province, day("2026-03-01")).await.unwrap();
    assert_eq!(after.len(), 99);
}

#[tokio::test]
async fn search_ignores_diacritics_and_case() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let (_, hits) = app.get_json(&t, "/api/v1/org/units?q=BAC%20NINH").await;
    assert!(names(&hits).contains(&"Tỉnh Bắc Ninh".to_string()), "{hits}");
    let html = app
        .http
        .get(format!("{}/org/search?q=bac+ninh", app.base))
        .header("hx-request", "true")
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Tỉnh Bắc Ninh") && html.contains("unit-link"), "{html}");
    assert!(!html.contains("<html"), "htmx gets a fragment, not a page");
}

async fn op(app: &TestApp, t: &str, body: Value) -> (u16, Value) {
    let res =
        app.http.post(format!("{}/api/v1/org/operations", app.base)).bearer_auth(t).json(&body).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

fn village(name: &str, parent: i64, population: i64) -> Value {
    json!({"name": name, "level": "village", "unit_type": "Thôn", "parent_id": parent, "attrs": {"population": population, "households": population / 4}})
}

#[tokio::test]
async fn dated_operations_rename_merge_split_and_roll_up_then_or_today() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("xa").await;
    let commune = app.commune_a.0.0;

    let mut ids = Vec::new();
    for (name, pop) in [("Thôn Một", 1000), ("Thôn Hai", 600), ("Thôn Ba", 900)] {
        let (s, r) = op(
            &app,
            &t,
            json!({"effective": "2026-01-01", "operation": {"op": "create", "unit": village(name, commune, pop)}}),
        )
        .await;
        assert_eq!(s, 200, "{r}");
        ids.push(r["created"][0].as_i64().unwrap());
    }

    // Rename on 1 March: the old name before, the new one after.
    let (s, _) = op(
        &app,
        &t,
        json!({"effective": "2026-03-01", "operation": {"op": "rename", "unit": ids[2], "name": "Thôn Ba Mới"}}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, before) = app.get_json(&t, &format!("/api/v1/org/units/{}?as_of=2026-02-28", ids[2])).await;
    let (_, after) = app.get_json(&t, &format!("/api/v1/org/units/{}?as_of=2026-03-01", ids[2])).await;
    assert_eq!((before["name"].as_str(), after["name"].as_str()), (Some("Thôn Ba"), Some("Thôn Ba Mới")));

    // An operation dated before a later change is refused, in Vietnamese.
    let (s, r) =
        op(&app, &t, json!({"effective": "2026-02-01", "operation": {"op": "rename", "unit": ids[2], "name": "X"}}))
            .await;
    assert_eq!(s, 422);
    assert!(r["message"].as_str().unwrap().contains("thay đổi sau ngày này"), "{r}");

    // Merge Một + Hai into a new village on 1 June.
    let (s, r) = op(
        &app,
        &t,
        json!({"effective": "2026-06-01", "operation": {"op": "merge", "sources": [ids[0], ids[1]], "new_unit": village("Thôn Hợp Nhất", commune, 1600)}}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let merged = r["created"][0].as_i64().unwrap();
    let (_, may) = app.get_json(&t, &format!("/api/v1/org/units/{commune}/children?as_of=2026-05-31")).await;
    let (_, june) = app.get_json(&t, &format!("/api/v1/org/units/{commune}/children?as_of=2026-06-01")).await;
    assert!(names(&may).contains(&"Thôn Một".into()) && !names(&may).contains(&"Thôn Hợp Nhất".into()));
    assert!(names(&june).contains(&"Thôn Hợp Nhất".into()) && !names(&june).contains(&"Thôn Một".into()));

    // Split the merged village on 1 September; the second part takes its data by default.
    let (s, r) = op(
        &app,
        &t,
        json!({"effective": "2026-09-01", "operation": {"op": "split", "source": merged, "default_part": 1,
            "parts": [village("Thôn Bắc", commune, 700), village("Thôn Nam", commune, 900)]}}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let south = r["created"][1].as_i64().unwrap();
    let (_, hist) = app.get_json(&t, &format!("/api/v1/org/units/{merged}/history")).await;
    let default: Vec<&Value> =
        hist["went_into"].as_array().unwrap().iter().filter(|l| l["is_default"] == true).collect();
    assert_eq!(default.len(), 1);
    assert_eq!(default[0]["unit_id"], south);

    // Population recorded in March rolls up "as it was then" to the three
    // villages' commune, and "mapped to today's tree" through the merge and
    // the split's default target.
    let (_, then) = app.get_json(&t, &format!("/api/v1/org/units/{commune}/rollup?on=2026-03-15&mode=then")).await;
    assert_eq!(then["value"], 2500);
    let (_, today) = app.get_json(&t, &format!("/api/v1/org/units/{south}/rollup?on=2026-03-15&mode=today")).await;
    assert_eq!(today["value"], 1600, "Một + Hai flowed through the merge into the split's default part");
    let (_, north) =
        app.get_json(&t, &format!("/api/v1/org/units/{}/rollup?on=2026-03-15&mode=today", r["created"][0])).await;
    assert_eq!(north["value"], Value::Null, "no data is not zero");
}

#[tokio::test]
async fn abolishing_a_level_moves_children_up() {
    let app = TestApp::start().await;
    app.user("root", Role::SystemAdmin, None).await;
    let t = app.token("root").await;
    let (_, r) = op(&app, &t, json!({"effective": "2026-01-01", "operation": {"op": "create", "unit": {"name": "Tỉnh Thử", "level": "province", "code": "99"}}})).await;
    let province = r["created"][0].as_i64().unwrap();
    let (_, r) = op(&app, &t, json!({"effective": "2026-01-01", "operation": {"op": "create", "unit": {"name": "Huyện Thử", "level": "district", "parent_id": province}}})).await;
    let district = r["created"][0].as_i64().unwrap();
    for name in ["Xã Một", "Xã Hai"] {
        op(&app, &t, json!({"effective": "2026-01-01", "operation": {"op": "create", "unit": {"name": name, "level": "commune", "parent_id": district}}})).await;
    }
    let (s, r) = op(&app, &t, json!({"effective": "2026-07-01", "operation": {"op": "abolish_level", "level": "district", "within": province}})).await;
    assert_eq!(s, 200, "{r}");
    let (_, before) = app.get_json(&t, &format!("/api/v1/org/units/{province}/children?as_of=2026-06-30")).await;
    let (_, after) = app.get_json(&t, &format!("/api/v1/org/units/{province}/children?as_of=2026-07-01")).await;
    assert_eq!(names(&before), vec!["Huyện Thử"]);
    assert_eq!(names(&after), vec!["Xã Hai", "Xã Một"]);
}

/// A read that must answer even if the tree were corrupt: bounded in time
/// (the runtime has a second worker, so a stuck handler cannot stop the clock).
async fn read_in_time(app: &TestApp, t: &str, path: &str) -> (u16, Value) {
    tokio::time::timeout(std::time::Duration::from_secs(30), app.get_json(t, path))
        .await
        .unwrap_or_else(|_| panic!("GET {path} did not answer within 30 s"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merging_a_commune_into_its_own_village_is_refused_and_rollups_still_answer() {
    let app = TestApp::start().await;
    app.user("root", Role::SystemAdmin, None).await;
    let t = app.token("root").await;
    let commune = app.commune_a.0.0;
    let create =
        json!({"effective": "2026-01-01", "operation": {"op": "create", "unit": village("Thôn Đầu", commune, 800)}});
    let (s, r) = op(&app, &t, create).await;
    assert_eq!(s, 200, "{r}");
    let village_id = r["created"][0].as_i64().unwrap();
    let before = app.write_count().await;

    // The probe's attack: the commune merged into one of its own villages.
    let attack =
        json!({"effective": "2026-02-01", "operation": {"op": "merge", "sources": [commune], "into": village_id}});
    let (s, r) = op(&app, &t, attack).await;
    assert_eq!(s, 422, "{r}");
    assert!(r["message"].as_str().unwrap().contains("vào đơn vị trực thuộc của chính nó"), "{r}");
    // The same loop through a new unit, a split part or a move under the village.
    let under_village = json!({"name": "Xã Vòng", "level": "commune", "parent_id": village_id});
    let elsewhere = json!({"name": "Xã Khác", "level": "commune", "parent_id": app.province.0});
    for operation in [
        json!({"op": "merge", "sources": [commune], "new_unit": under_village}),
        json!({"op": "split", "source": commune, "default_part": 0, "parts": [under_village, elsewhere]}),
        json!({"op": "reparent", "unit": commune, "parent": village_id}),
    ] {
        let (s, r) = op(&app, &t, json!({"effective": "2026-02-01", "operation": operation})).await;
        assert_eq!(s, 422, "{operation}: {r}");
        assert!(r["message"].as_str().unwrap().contains("chính nó"), "{r}");
    }
    assert_eq!(app.write_count().await, before, "a refused operation writes nothing");
    let (_, v) = app.get_json(&t, &format!("/api/v1/org/units/{village_id}?as_of=2026-03-01")).await;
    assert_eq!(v["parent_id"], commune, "the tree is unchanged");

    // The reads that walk the tree answer.
    for unit in [village_id, commune] {
        let (s, r) = read_in_time(&app, &t, &format!("/api/v1/targets?unit={unit}&year=2026")).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["unit"], unit);
    }
    let (s, r) = read_in_time(&app, &t, &format!("/api/v1/org/units/{commune}/rollup?on=2026-03-01")).await;
    assert_eq!((s, &r["value"]), (200, &json!(800)), "{r}");
}

/// The planner sees the tree of the effective date; the store checks again
/// what was written, on every later date too. Commune B is moved under a
/// village of commune A from 1 June; moving A under a village of B from
/// 1 March looks fine on 1 March but closes a loop from 1 June.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_that_closes_a_loop_on_a_later_date_is_refused_inside_the_transaction() {
    let app = TestApp::start().await;
    app.user("root", Role::SystemAdmin, None).await;
    let t = app.token("root").await;
    let (a, b) = (app.commune_a.0.0, app.commune_b.0.0);
    let mut villages = Vec::new();
    for (name, parent) in [("Thôn A", a), ("Thôn B", b)] {
        let create =
            json!({"effective": "2026-01-01", "operation": {"op": "create", "unit": village(name, parent, 400)}});
        let (s, r) = op(&app, &t, create).await;
        assert_eq!(s, 200, "{r}");
        villages.push(r["created"][0].as_i64().unwrap());
    }
    let (s, r) = op(
        &app,
        &t,
        json!({"effective": "2026-06-01", "operation": {"op": "reparent", "unit": b, "parent": villages[0]}}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let before = app.write_count().await;
    let (s, r) = op(
        &app,
        &t,
        json!({"effective": "2026-03-01", "operation": {"op": "reparent", "unit": a, "parent": villages[1]}}),
    )
    .await;
    assert_eq!(s, 422, "{r}");
    assert!(r["message"].as_str().unwrap().contains("chính nó"), "{r}");
    assert_eq!(app.write_count().await, before, "the transaction was rolled back");
    let (_, unit) = app.get_json(&t, &format!("/api/v1/org/units/{a}?as_of=2026-07-01")).await;
    assert_eq!(unit["parent_id"], app.province.0);
    let (s, _) = read_in_time(&app, &t, &format!("/api/v1/targets?unit={}&year=2026", villages[1])).await;
    assert_eq!(s, 200);
}

/// Even a tree corrupted by hand (a village its own parent; a commune and
/// its village each other's parent) cannot make a read loop, and it can be
/// repaired, while nothing more can be placed under a loop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_still_answer_on_a_tree_corrupted_into_loops() {
    use khienmang_core::org::{MAX_DEPTH, UnitId};
    let app = TestApp::start().await;
    app.user("root", Role::SystemAdmin, None).await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("root").await;
    let xa = app.token("xa").await;
    let (a, b) = (app.commune_a.0.0, app.commune_b.0.0);
    let mut villages = Vec::new();
    for (name, parent) in [("Thôn Vòng", a), ("Thôn Đôi", b)] {
        let create =
            json!({"effective": "2026-01-01", "operation": {"op": "create", "unit": village(name, parent, 400)}});
        let (s, r) = op(&app, &t, create).await;
        assert_eq!(s, 200, "{r}");
        villages.push(r["created"][0].as_i64().unwrap());
    }
    let (looped, paired) = (villages[0], villages[1]);
    let pool = app.store.pool();
    for (unit, parent) in [(looped, looped), (b, paired)] {
        sqlx::query("UPDATE org_unit_versions SET parent_id = $1 WHERE unit_id = $2 AND valid_to IS NULL")
            .bind(parent)
            .bind(unit)
            .execute(pool)
            .await
            .unwrap();
    }
    // As a write would, so that every cache reloads the tree.
    sqlx::query("UPDATE settings SET value = '1000000' WHERE key = 'org.generation'").execute(pool).await.unwrap();

    for (path, status) in [
        (format!("/api/v1/targets?unit={looped}&year=2026"), 200),
        (format!("/api/v1/targets?unit={looped}&year=2026&mode=today"), 200),
        // Off every root: not in the targets' tree.
        (format!("/api/v1/targets?unit={b}&year=2026"), 404),
        (format!("/api/v1/org/units/{looped}/rollup?on=2026-03-01"), 200),
        (format!("/api/v1/org/units/{b}/rollup?on=2026-03-01&mode=today"), 200),
        (format!("/api/v1/org/units/{paired}/children?as_of=2026-03-01"), 200),
        (format!("/org/units/{paired}?as_of=2026-03-01"), 200),
        (format!("/org/units/{looped}?as_of=2026-03-01"), 200),
    ] {
        let (s, r) = read_in_time(&app, &t, &path).await;
        assert_eq!(s, status, "{path}: {r}");
    }
    // A scoped session's checks walk the tree in SQL; the loops lie outside it now.
    for unit in [looped, paired, b] {
        let (s, r) = read_in_time(&app, &xa, &format!("/api/v1/org/units/{unit}?as_of=2026-03-01")).await;
        assert_eq!(s, 404, "{r}");
    }
    let on = day("2026-03-01");
    assert_eq!(app.store.subtree_on_sql(UnitId(b), on).await.unwrap().len(), 2);
    assert_eq!(app.store.subtree_on(UnitId(b), on).await.unwrap().len(), 2);
    assert!(app.store.ancestors_on(UnitId(paired), on).await.unwrap().len() <= MAX_DEPTH);
    let form = read_in_time(&app, &t, "/report").await;
    assert_eq!(form.0, 200);

    // Nothing more goes under a loop; moving a unit out of one repairs it.
    let (s, r) = op(
        &app,
        &t,
        json!({"effective": "2026-03-01", "operation": {"op": "create", "unit": village("Thôn Trong Vòng", looped, 10)}}),
    )
    .await;
    assert_eq!(s, 422, "{r}");
    for (unit, parent) in [(looped, a), (b, app.province.0)] {
        let (s, r) = op(
            &app,
            &t,
            json!({"effective": "2026-03-01", "operation": {"op": "reparent", "unit": unit, "parent": parent}}),
        )
        .await;
        assert_eq!(s, 200, "{r}");
    }
    let (s, r) = read_in_time(&app, &xa, &format!("/api/v1/targets?unit={looped}&year=2026")).await;
    assert_eq!(s, 200, "{r}");
}

#[tokio::test]
async fn a_commune_officer_cannot_make_a_top_level_unit_by_merge_or_split() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("xa").await;
    let commune = app.commune_a.0.0;
    let (s, r) = op(
        &app,
        &t,
        json!({"effective": "2026-01-01", "operation": {"op": "create", "unit": village("Thôn Tách", commune, 300)}}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let village_id = r["created"][0].as_i64().unwrap();
    let before = app.write_count().await;

    // A new unit without a parent, sorting before every real province.
    let fake = json!({"name": "Tỉnh Giả", "level": "province", "code": "00"});
    for operation in [
        json!({"op": "merge", "sources": [commune], "new_unit": fake}),
        json!({"op": "split", "source": village_id, "default_part": 1,
               "parts": [fake, village("Thôn Còn Lại", commune, 300)]}),
        json!({"op": "create", "unit": fake}),
    ] {
        let (s, r) = op(&app, &t, json!({"effective": "2026-02-01", "operation": operation})).await;
        assert_eq!(s, 403, "{operation}: {r}");
        if operation["op"] != "create" {
            assert!(r["message"].as_str().unwrap().contains("đơn vị cấp cao nhất"), "{r}");
        }
    }
    assert_eq!(app.write_count().await, before, "nothing written");

    // The whole country may make one, and it takes nothing over: reports
    // and the country's home stay with the configured province.
    app.user("root", Role::SystemAdmin, None).await;
    let root = app.token("root").await;
    let (s, r) = op(&app, &root, json!({"effective": "2026-02-01", "operation": {"op": "create", "unit": fake}})).await;
    assert_eq!(s, 200, "{r}");
    let (s, home) = app.get_json(&root, "/api/v1/targets?year=2026").await;
    assert_eq!((s, &home["unit"]), (200, &json!(app.province.0)), "{home}");

    let form = app.http.get(format!("{}/report", app.base)).send().await.unwrap().text().await.unwrap();
    for (_, code) in [&app.commune_a, &app.commune_b] {
        assert!(form.contains(&format!("<option value=\"{code}\"")), "commune {code} on the public form");
    }
    let report = json!({
        "category": "fraud",
        "description": "Có người gọi xưng công an, bắt chuyển tiền vào tài khoản lạ để xác minh.",
        "commune": app.commune_a.1,
        "identifiers": ["0856 123 789"],
    });
    let res = app.http.post(format!("{}/api/v1/reports", app.base)).json(&report).send().await.unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap_or_default());
}

#[tokio::test]
async fn serve_refuses_to_start_without_the_province_or_with_an_unknown_one() {
    let app = TestApp::start().await;
    let dir = temp_path("km-serve");
    std::fs::create_dir_all(&dir).unwrap();
    let (_, key) = khienmang_store::reports::FieldKey::generate();
    for (province, expected) in [(None, "[reports] province"), (Some("98"), "mã này")] {
        let mut serve = tokio::process::Command::new(env!("CARGO_BIN_EXE_khienmang"));
        serve
            .args(["serve", "--database", &app.url, "--listen", "127.0.0.1:0"])
            .current_dir(&dir)
            .env("KHIENMANG_FIELD_KEY", &key)
            .env_remove("KHIENMANG_REPORTS_PROVINCE")
            .kill_on_drop(true);
        if let Some(code) = province {
            serve.env("KHIENMANG_REPORTS_PROVINCE", code);
        }
        let out = tokio::time::timeout(std::time::Duration::from_secs(60), serve.output())
            .await
            .expect("serve should stop at once")
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains(expected), "{province:?}: {stderr}");
    }
}

#[tokio::test]
async fn reports_go_nowhere_until_the_province_is_configured_not_to_the_first_top_level_unit() {
    use khienmang_core::org::{Level, NewUnit};
    let (store, _) = fresh_store().await;
    import_bac_ninh(&store).await;
    let fake = NewUnit { code: Some("00".into()), ..NewUnit::new("Tỉnh Giả", Level::Province, None) };
    create_unit(&store, TEST_ACTOR, fake, day("2026-01-01")).await.unwrap();
    let refused = store.report_communes(Timestamp::now().vietnam_date()).await.unwrap_err().to_string();
    assert!(refused.contains("[reports] province"), "{refused}");

    let today = chrono::Utc::now().date_naive();
    let province = store.configure_province("24", today, Timestamp::now()).await.unwrap();
    assert_eq!(store.reports_province(today).await.unwrap(), province);
    assert_eq!(store.report_communes(Timestamp::now().vietnam_date()).await.unwrap().len(), 99);
    let unknown = store.configure_province("97", today, Timestamp::now()).await.unwrap_err().to_string();
    assert!(unknown.contains("\"97\""), "{unknown}");
    assert_eq!(store.reports_province(today).await.unwrap(), province, "a refused code changes nothing");
}

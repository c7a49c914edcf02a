//! Boundary changes through the unit page's forms: each is previewed (what
//! moves: units, registry records, accounts, open reports) without writing
//! anything, then confirmed; the lists follow; a refused form comes back
//! with what was typed and the reason beside the field; a commune officer
//! neither restructures their own commune nor touches another commune.

use khienmang_core::auth::Role;
use khienmang_core::org::{Level, NewUnit, UnitId};
use khienmang_core::targets::PersonRole;
use khienmang_core::time::Timestamp;
use khienmang_store::movement::PersonInput;

use khienmang_testkit::fixtures::{TEST_ACTOR, create_initiative, create_unit, day, initiative_input};
use khienmang_testkit::http::TestApp;

/// Today in Viet Nam, as the forms' default date.
fn today() -> String {
    Timestamp::now().vietnam_date().to_string()
}

async fn village(app: &TestApp, commune: UnitId, name: &str) -> UnitId {
    let unit = NewUnit { unit_type: Some("Thôn".into()), ..NewUnit::new(name, Level::Village, Some(commune)) };
    create_unit(&app.store, TEST_ACTOR, unit, day("2025-08-01")).await.unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).form(form).send().await.unwrap();
    let status = res.status().as_u16();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (status, location, res.text().await.unwrap())
}

async fn page(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The names of the units under `unit` today, from its page's table.
async fn children(app: &TestApp, token: &str, unit: UnitId) -> Vec<String> {
    let (_, html) = page(app, token, &format!("/org/units/{unit}")).await;
    let table = html.split("id=\"unit-children\"").nth(1).unwrap().split("</table>").next().unwrap().to_string();
    table
        .split("class=\"unit-link\"")
        .skip(1)
        .map(|s| s.split('>').nth(1).unwrap().split('<').next().unwrap().to_string())
        .collect()
}

async fn audited(app: &TestApp, action: &str) -> usize {
    app.store.audit_recent(None, 500, 0).await.unwrap().iter().filter(|e| e.action == action).count()
}

/// A person and an initiative of `unit`, an account working there, and a
/// citizen's report it handles: what a preview must count.
async fn records_at(app: &TestApp, unit: UnitId, account: &str) {
    create_initiative(&app.store, initiative_input(unit, &format!("Mô hình {account}"))).await;
    let mut tx = app.store.begin_write(TEST_ACTOR, Timestamp::now()).await.unwrap();
    tx.create_person(&PersonInput {
        unit,
        full_name: "Trưởng thôn thử".into(),
        role: PersonRole::VillageKeyOfficial,
        position: None,
        initiative: None,
        registered_from: 2025,
        registered_to: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    app.user(account, Role::CommuneOfficer, Some(unit)).await;
    crate::access::report_of(app, unit).await;
}

#[tokio::test]
async fn a_merge_is_previewed_then_confirmed_and_the_lists_follow() {
    let app = TestApp::start().await;
    let commune = app.commune_a.0;
    app.user("xa", Role::CommuneOfficer, Some(commune)).await;
    let t = app.token("xa").await;
    let (one, two, three) = (
        village(&app, commune, "Thôn Một").await,
        village(&app, commune, "Thôn Hai").await,
        village(&app, commune, "Thôn Ba").await,
    );
    records_at(&app, one, "thon.mot").await;
    let on = today();
    let path = format!("/org/units/{one}/change/merge");
    let form = [
        ("sources", two.0.to_string()),
        ("target", "new".into()),
        ("new_name", "Thôn Hợp Nhất".into()),
        ("effective", on.clone()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let before = app.write_count().await;
    let (status, _, html) = post(&app, &t, &path, &form).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(app.write_count().await, before, "a preview writes nothing");
    assert_eq!(html.matches("data-change=\"ended\"").count(), 2, "{html}");
    assert!(html.contains("data-change=\"created\"") && html.contains("Thôn Hợp Nhất"), "{html}");
    assert!(html.contains("data-record=\"initiatives\"") && html.contains("data-record=\"people\""), "{html}");
    assert!(html.contains("id=\"preview-accounts\" data-total=\"1\"") && html.contains("thon.mot"), "{html}");
    assert!(html.contains("id=\"preview-reports\" data-total=\"1\""), "{html}");
    assert!(children(&app, &t, commune).await.contains(&"Thôn Một".to_string()), "nothing changed yet");

    let mut confirm = form.clone();
    confirm.push(("confirm", "1"));
    let (status, location, _) = post(&app, &t, &path, &confirm).await;
    assert_eq!(status, 303);
    assert!(location.ends_with("?saved=1"), "{location}");
    let (_, merged) = page(&app, &t, &location).await;
    assert!(merged.contains("id=\"saved-notice\"") && merged.contains("<h1>Thôn Hợp Nhất</h1>"), "{merged}");
    assert!(merged.contains("id=\"formed-from\"") && merged.contains("Thôn Một") && merged.contains("Thôn Hai"));
    let now = children(&app, &t, commune).await;
    assert!(now.contains(&"Thôn Hợp Nhất".to_string()) && now.contains(&"Thôn Ba".to_string()), "{now:?}");
    assert!(!now.contains(&"Thôn Một".to_string()) && !now.contains(&"Thôn Hai".to_string()), "{now:?}");
    assert_eq!(audited(&app, "org.merge").await, 1);
    let _ = three;
}

#[tokio::test]
async fn rename_split_and_abolish_go_through_their_previews() {
    let app = TestApp::start().await;
    let commune = app.commune_a.0;
    app.user("xa", Role::CommuneOfficer, Some(commune)).await;
    let t = app.token("xa").await;
    let v = village(&app, commune, "Thôn Cũ").await;
    let on = today();

    // Rename: the preview shows the old and new name, nothing moves.
    let path = format!("/org/units/{v}/change/rename");
    let (status, _, html) = post(&app, &t, &path, &[("name", "Thôn Mới Đổi"), ("effective", &on)]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("data-change=\"renamed\"") && html.contains("Thôn Cũ → Thôn Mới Đổi"), "{html}");
    assert!(html.contains("id=\"preview-nothing\""));
    let (status, _, _) = post(&app, &t, &path, &[("name", "Thôn Mới Đổi"), ("effective", &on), ("confirm", "1")]).await;
    assert_eq!(status, 303);
    assert!(children(&app, &t, commune).await.contains(&"Thôn Mới Đổi".to_string()));
    assert_eq!(audited(&app, "org.rename").await, 1);

    // Split into two with the second taking the data by default.
    let path = format!("/org/units/{v}/change/split");
    let split = [("part1", "Thôn Bắc"), ("part2", "Thôn Nam"), ("default_part", "2"), ("effective", on.as_str())];
    let (status, _, html) = post(&app, &t, &path, &split).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(html.matches("data-change=\"created\"").count(), 2, "{html}");
    let mut confirm = split.to_vec();
    confirm.push(("confirm", "1"));
    let (status, location, _) = post(&app, &t, &path, &confirm).await;
    assert_eq!(status, 303);
    let (_, south) = page(&app, &t, &location).await;
    assert!(south.contains("<h1>Thôn Nam</h1>") && south.contains("nhận dữ liệu mặc định"), "{south}");
    let now = children(&app, &t, commune).await;
    assert!(now.contains(&"Thôn Bắc".to_string()) && !now.contains(&"Thôn Mới Đổi".to_string()), "{now:?}");

    // Abolish the northern part.
    let north: i64 = {
        let v = app.store.search_units("Thôn Bắc", None, 5).await.unwrap();
        v.into_iter().find(|u| u.parent_id == Some(commune)).unwrap().unit_id.0
    };
    let path = format!("/org/units/{north}/change/abolish");
    let (status, _, html) = post(&app, &t, &path, &[("effective", &on)]).await;
    assert!(status == 200 && html.contains("data-change=\"ended\""), "{html}");
    let (status, location, _) = post(&app, &t, &path, &[("effective", &on), ("confirm", "1")]).await;
    assert_eq!(status, 303);
    assert!(location.starts_with(&format!("/org/units/{commune}")), "back to the commune: {location}");
    assert!(!children(&app, &t, commune).await.contains(&"Thôn Bắc".to_string()));
}

#[tokio::test]
async fn a_village_moves_to_another_commune_picked_from_the_list() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let v = village(&app, app.commune_a.0, "Thôn Chuyển Đi").await;
    records_at(&app, v, "thon.chuyen").await;
    let on = today();

    // The picker finds the other commune by its name typed without accents.
    let b_name = app.store.unit_versions(app.commune_b.0).await.unwrap().pop().unwrap().name;
    let folded = khienmang_core::text::fold(&b_name);
    let (status, options) =
        page(&app, &t, &format!("/org/units/{v}/parents?unit_q={}", folded.replace(' ', "+"))).await;
    assert_eq!(status, 200);
    assert!(options.contains(&format!("value=\"{}\"", app.commune_b.0)), "{options}");

    let path = format!("/org/units/{v}/change/reparent");
    let parent = app.commune_b.0.0.to_string();
    let (status, _, html) = post(&app, &t, &path, &[("parent", &parent), ("effective", &on)]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("data-change=\"moved\"") && html.contains(&format!("→ {b_name}")), "{html}");
    assert!(
        html.contains("data-record=\"initiatives\"") && html.contains("id=\"preview-reports\" data-total=\"1\""),
        "{html}"
    );
    let (status, _, _) = post(&app, &t, &path, &[("parent", &parent), ("effective", &on), ("confirm", "1")]).await;
    assert_eq!(status, 303);
    assert!(children(&app, &t, app.commune_b.0).await.contains(&"Thôn Chuyển Đi".to_string()));
    assert!(!children(&app, &t, app.commune_a.0).await.contains(&"Thôn Chuyển Đi".to_string()));
    assert_eq!(audited(&app, "org.reparent").await, 1);
}

#[tokio::test]
async fn a_refused_form_keeps_what_was_typed_and_says_why_beside_the_field() {
    let app = TestApp::start().await;
    let commune = app.commune_a.0;
    app.user("xa", Role::CommuneOfficer, Some(commune)).await;
    let t = app.token("xa").await;
    let (one, two) = (village(&app, commune, "Thôn Một").await, village(&app, commune, "Thôn Hai").await);
    let before = app.write_count().await;
    let two_s = two.0.to_string();
    let form = [("sources", two_s.as_str()), ("target", "new"), ("new_name", " "), ("effective", "2026-03-04")];
    let (status, _, html) = post(&app, &t, &format!("/org/units/{one}/change/merge"), &form).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"bd-mg-name-error\"") && html.contains("Hãy ghi tên đơn vị."), "{html}");
    assert!(html.contains(&format!("id=\"mg-src-{two}\" name=\"sources\" value=\"{two}\" checked")), "{html}");
    assert!(html.contains("value=\"2026-03-04\""), "the date typed stays: {html}");
    // A split with one name, and a malformed date, are refused the same way.
    let (status, _, html) = post(
        &app,
        &t,
        &format!("/org/units/{one}/change/split"),
        &[("part1", "Thôn A"), ("default_part", "1"), ("effective", "2026-01-01")],
    )
    .await;
    assert!(status == 422 && html.contains("id=\"bd-sp-error\"") && html.contains("value=\"Thôn A\""), "{html}");
    let (status, _, html) =
        post(&app, &t, &format!("/org/units/{one}/change/rename"), &[("name", "Thôn X"), ("effective", "31/02/2026")])
            .await;
    assert!(status == 422 && html.contains("không hợp lệ") && html.contains("value=\"Thôn X\""), "{html}");
    assert_eq!(app.write_count().await, before);
}

#[tokio::test]
async fn a_commune_officer_restructures_neither_their_commune_nor_another() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("xa-b", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    let (a, b) = (app.token("xa-a").await, app.token("xa-b").await);
    let v = village(&app, app.commune_a.0, "Thôn Của Xã A").await;
    let on = today();
    let before = app.write_count().await;

    // Another commune's officer: as if the village did not exist.
    for kind in ["rename", "abolish", "merge"] {
        let (status, _, _) = post(
            &app,
            &b,
            &format!("/org/units/{v}/change/{kind}"),
            &[("name", "X"), ("effective", &on), ("confirm", "1")],
        )
        .await;
        assert_eq!(status, 404, "{kind}");
    }
    let (status, _) = page(&app, &b, &format!("/org/units/{v}/parents")).await;
    assert_eq!(status, 404);

    // Its own commune is moved or abolished only by the level above.
    let (_, html) = page(&app, &a, &format!("/org/units/{}", app.commune_a.0)).await;
    assert!(html.contains("id=\"root-only-above\"") && !html.contains("id=\"change-reparent\""), "{html}");
    let province = app.province.0.to_string();
    let (status, _, html) = post(
        &app,
        &a,
        &format!("/org/units/{}/change/reparent", app.commune_a.0),
        &[("parent", &province), ("effective", &on), ("confirm", "1")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("bd-rp-parent-error") && html.contains("chỉ được chuyển, sáp nhập"), "{html}");
    let (status, _, _) = post(
        &app,
        &a,
        &format!("/org/units/{}/change/abolish", app.commune_a.0),
        &[("effective", &on), ("confirm", "1")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(app.write_count().await, before, "nothing was written");
    // Its own villages are its to change.
    let (status, _, _) = post(
        &app,
        &a,
        &format!("/org/units/{v}/change/rename"),
        &[("name", "Thôn Đổi Tên"), ("effective", &on), ("confirm", "1")],
    )
    .await;
    assert_eq!(status, 303);
}

#[tokio::test]
async fn enterprise_size_and_school_level_are_chosen_on_the_unit_page() {
    let app = TestApp::start().await;
    let commune = app.commune_a.0;
    app.user("xa", Role::CommuneOfficer, Some(commune)).await;
    let t = app.token("xa").await;
    let firm = create_unit(
        &app.store,
        TEST_ACTOR,
        NewUnit::new("Công ty TNHH Thử", Level::Enterprise, Some(commune)),
        day("2025-08-01"),
    )
    .await
    .unwrap();
    let (_, html) = page(&app, &t, &format!("/org/units/{firm}")).await;
    assert!(html.contains("id=\"at-size\"") && !html.contains("id=\"at-school\""), "{html}");
    let on = today();
    let (status, _, _) =
        post(&app, &t, &format!("/org/units/{firm}/attrs"), &[("enterprise_size", "medium"), ("effective", &on)]).await;
    assert_eq!(status, 303);
    let (_, html) = page(&app, &t, &format!("/org/units/{firm}")).await;
    assert!(html.contains("<option value=\"medium\" selected>Vừa</option>"), "{html}");
    let v = app.store.unit_versions(firm).await.unwrap().pop().unwrap();
    assert_eq!(v.attrs.enterprise_size.map(|s| s.as_str()), Some("medium"));
}

/// What `unit` counts this year on today's tree (each target's numerator:
/// the records behind it), and the units under it there.
async fn targets_of(app: &TestApp, unit: UnitId) -> (Vec<i64>, Vec<UnitId>) {
    let today = Timestamp::now().vietnam_date();
    let year = chrono::Datelike::year(&today);
    app.store
        .with_targets(today, |s| {
            let table = s.table(true);
            let counted = table.rows(unit, year).map(|r| r.iter().map(|v| v.numerator).collect()).unwrap_or_default();
            (counted, table.children(unit, year))
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn the_province_abolishes_the_district_level_and_the_communes_move_up_with_their_records() {
    let app = TestApp::start().await;
    let province = app.province;
    let on = day("2025-08-01");
    let district =
        create_unit(&app.store, TEST_ACTOR, NewUnit::new("Huyện Thử Nghiệm", Level::District, Some(province)), on)
            .await
            .unwrap();
    let east = create_unit(&app.store, TEST_ACTOR, NewUnit::new("Xã Đông Thử", Level::Commune, Some(district)), on)
        .await
        .unwrap();
    let west = create_unit(&app.store, TEST_ACTOR, NewUnit::new("Xã Tây Thử", Level::Commune, Some(district)), on)
        .await
        .unwrap();
    village(&app, east, "Thôn Đông Một").await;
    records_at(&app, east, "xa.dong").await;
    app.user("tinh", Role::Secretariat, Some(province)).await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("huyen", Role::CommuneOfficer, Some(district)).await;
    let (t, xa, huyen) = (app.token("tinh").await, app.token("xa").await, app.token("huyen").await);
    let (before_rows, before_children) = targets_of(&app, province).await;
    assert!(before_children.contains(&district) && !before_children.contains(&east));
    assert!(before_rows.iter().sum::<i64>() > 0, "the commune's records count for the province: {before_rows:?}");

    // The levels offered are those present below the unit, translated.
    let (_, html) = page(&app, &t, &format!("/org/units/{province}")).await;
    let form = html.split("id=\"change-abolish-level\"").nth(1).expect("the form is on the province's page");
    let form = form.split("</form>").next().unwrap();
    assert!(form.contains("<option value=\"district\">Huyện/Quận (cấp huyện)</option>"), "{form}");
    assert!(form.contains("value=\"commune\"") && form.contains("value=\"village\""), "{form}");
    assert!(!form.contains("value=\"province\"") && !form.contains("value=\"school\""), "{form}");
    let (_, html) = page(&app, &xa, &format!("/org/units/{}", app.commune_a.0)).await;
    assert!(!html.contains("id=\"change-abolish-level\""), "a commune officer is not offered it");

    // A commune officer (even one scoped to the district), an anonymous
    // caller: refused, nothing written.
    let path = format!("/org/units/{province}/abolish-level");
    let today = today();
    let form = [("level", "district"), ("effective", today.as_str())];
    let confirm = [("level", "district"), ("effective", today.as_str()), ("confirm", "1")];
    let before = app.write_count().await;
    let (status, _, _) = post(
        &app,
        &xa,
        &format!("/org/units/{}/abolish-level", app.commune_a.0),
        &[("level", "village"), ("effective", today.as_str()), ("confirm", "1")],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = post(
        &app,
        &huyen,
        &format!("/org/units/{district}/abolish-level"),
        &[("level", "commune"), ("effective", today.as_str()), ("confirm", "1")],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = post(&app, &xa, &path, &confirm).await;
    assert!(status == 403 || status == 404, "{status}");
    let res = app.http.post(format!("{}{path}", app.base)).form(&confirm).send().await.unwrap();
    assert!(res.status().is_client_error() || res.status().is_redirection(), "{}", res.status());
    // Nor through the API's dated operations.
    let res = app
        .http
        .post(format!("{}/api/v1/org/operations", app.base))
        .bearer_auth(&huyen)
        .json(&serde_json::json!({
            "operation": {"op": "abolish_level", "level": "commune", "within": district.0},
            "effective": today,
        }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(app.write_count().await, before, "nothing was written");
    assert!(children(&app, &t, province).await.contains(&"Huyện Thử Nghiệm".to_string()));

    // The preview: the district ends, its communes move up, their records
    // and the account and open report working there go with them.
    let (status, _, html) = post(&app, &t, &path, &form).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(app.write_count().await, before, "a preview writes nothing");
    assert!(html.contains("Bỏ một cấp hành chính") && html.contains("action=\"/org/units/"), "{html}");
    assert_eq!(html.matches("data-change=\"ended\"").count(), 1, "{html}");
    assert!(html.contains("Huyện Thử Nghiệm"), "{html}");
    assert_eq!(html.matches("data-change=\"moved\"").count(), 2, "{html}");
    assert!(html.contains("Xã Đông Thử") && html.contains("Xã Tây Thử"), "{html}");
    assert!(html.contains("data-record=\"initiatives\"") && html.contains("data-record=\"people\""), "{html}");
    // The district's own account, whose unit ends, and the commune's.
    assert!(html.contains("id=\"preview-accounts\" data-total=\"2\"") && html.contains("xa.dong"), "{html}");
    assert!(html.contains("huyen (huyen) · Huyện Thử Nghiệm"), "{html}");
    assert!(html.contains("id=\"preview-reports\" data-total=\"1\""), "{html}");

    // Confirmed: the communes stand under the province, the district is gone,
    // the province's figures are those it had, and the change is audited.
    let (status, location, _) = post(&app, &t, &path, &confirm).await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("/org/units/{province}?saved=1"));
    let now = children(&app, &t, province).await;
    assert!(now.contains(&"Xã Đông Thử".to_string()) && now.contains(&"Xã Tây Thử".to_string()), "{now:?}");
    assert!(!now.contains(&"Huyện Thử Nghiệm".to_string()), "{now:?}");
    let (after_rows, after_children) = targets_of(&app, province).await;
    // The same records count (the district itself no longer stands in a denominator).
    assert_eq!(after_rows, before_rows, "the province counts the same records");
    assert!(after_children.contains(&east) && after_children.contains(&west) && !after_children.contains(&district));
    assert_eq!(audited(&app, "org.abolish_level").await, 1);
    // Once gone, there is no district level left to offer.
    let (_, html) = page(&app, &t, &format!("/org/units/{province}")).await;
    assert!(!html.contains("<option value=\"district\">"), "{html}");
    // A level that is not there any more is refused beside the field.
    let (status, _, html) = post(&app, &t, &path, &form).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("id=\"bd-al-level-error\""), "{html}");
}

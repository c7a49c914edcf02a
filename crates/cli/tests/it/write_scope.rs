//! Writes need the unit in the session's subtree today, while reads keep
//! the history (issue 16): a commune merged away is read, never written.
//! An initiative leader writes only the initiatives the commune officer
//! linked to its account.

use khienmang_core::auth::Role;
use khienmang_core::org::UnitId;
use khienmang_store::movement::InitiativeInput;
use serde_json::json;

use khienmang_testkit::fixtures::{create_initiative, day, initiative_input};
use khienmang_testkit::http::TestApp;

async fn initiative(app: &TestApp, unit: UnitId, name: &str) -> i64 {
    create_initiative(&app.store, InitiativeInput { since: day("2024-01-01"), ..initiative_input(unit, name) }).await
}

async fn post_form(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).form(form).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

async fn get_html(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let res = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn add_group(app: &TestApp, token: &str, ini: i64) -> (u16, String) {
    post_form(app, token, &format!("/movement/initiatives/{ini}/groups"), &[("group_name", "Tổ thử")]).await
}

#[tokio::test]
async fn commune_merged_away_is_readable_for_history_but_refuses_writes() {
    let app = TestApp::start().await;
    // A commune of 2024 that flowed into commune A on 1 July 2025.
    let old = app.store.unit_lineage(app.commune_a.0, true).await.unwrap()[0].unit_id;
    let old_ini = initiative(&app, old, "Mô hình của xã cũ").await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("xa-a").await;

    // Reading its history still works.
    let (status, _) = app.get_json(&t, &format!("/api/v1/org/units/{}/history", old.0)).await;
    assert_eq!(status, 200, "the merged commune's history is readable");
    let (status, _) = get_html(&app, &t, &format!("/movement/initiatives/{old_ini}")).await;
    assert_eq!(status, 200, "its initiative's page is readable");

    let before = app.write_count().await;
    // A dated operation on it is refused with the reason, in Vietnamese.
    let res = app
        .http
        .post(format!("{}/api/v1/org/operations", app.base))
        .bearer_auth(&t)
        .json(&json!({"effective": "2026-01-01", "operation": {"op": "rename", "unit": old.0, "name": "Xã đổi tên"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert!(res.text().await.unwrap().contains("sáp nhập"), "the refusal says why");
    // So is a change to the registry recorded under it.
    let (status, html) = add_group(&app, &t, old_ini).await;
    assert_eq!(status, 403);
    assert!(html.contains("không được ghi thay đổi"), "the refusal says why: {html}");
    assert_eq!(app.write_count().await, before, "a refused write wrote something");

    // The server still answers, and the officer's commune of today is writable.
    let own_ini = initiative(&app, app.commune_a.0, "Mô hình của xã mới").await;
    let (status, _) = add_group(&app, &t, own_ini).await;
    assert_eq!(status, 303, "writes to today's commune work");
}

#[tokio::test]
async fn initiative_leader_writes_only_linked_initiatives_and_only_its_officer_links() {
    let app = TestApp::start().await;
    let linked = initiative(&app, app.commune_a.0, "Mô hình được giao").await;
    let other = initiative(&app, app.commune_a.0, "Mô hình khác cùng xã").await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("xa-b", Role::CommuneOfficer, Some(app.commune_b.0)).await;
    app.user("mohinh", Role::InitiativeLeader, Some(app.commune_a.0)).await;
    app.user("mohinh-b", Role::InitiativeLeader, Some(app.commune_b.0)).await;
    let (ta, tb, tl) = (app.token("xa-a").await, app.token("xa-b").await, app.token("mohinh").await);
    let leader = app.store.user_by_name("mohinh").await.unwrap().unwrap().id.to_string();
    let leader_b = app.store.user_by_name("mohinh-b").await.unwrap().unwrap().id.to_string();
    let officer_b = app.store.user_by_name("xa-b").await.unwrap().unwrap().id.to_string();

    // Before any link the leader writes nothing, not even in its commune.
    let (status, html) = add_group(&app, &tl, linked).await;
    assert_eq!(status, 403);
    assert!(html.contains("chưa được giao"), "{html}");

    // The officer of another commune cannot link, nor see the initiative.
    let path = format!("/movement/initiatives/{linked}/leaders");
    let (status, _) = post_form(&app, &tb, &path, &[("user", &leader)]).await;
    assert_eq!(status, 404);
    // The leader cannot link itself.
    let (status, _) =
        post_form(&app, &tl, &format!("/movement/initiatives/{other}/leaders"), &[("user", &leader)]).await;
    assert_eq!(status, 403);
    assert!(!app.store.leads_initiative(leader.parse().unwrap(), linked).await.unwrap());
    assert!(!app.store.leads_initiative(leader.parse().unwrap(), other).await.unwrap());

    // The officer picks from the commune's leader accounts only.
    let (status, page) = get_html(&app, &ta, &format!("/movement/initiatives/{linked}")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("<option value=\"{leader}\"")), "the commune's leader is offered");
    assert!(!page.contains(&format!("<option value=\"{leader_b}\"")), "another commune's leader is not");
    for id in [&leader_b, &officer_b, "99999999", "x"] {
        let (status, _) = post_form(&app, &ta, &path, &[("user", id)]).await;
        assert_eq!(status, 422, "account {id} is not one to link");
    }
    let (status, _) = post_form(&app, &ta, &path, &[("user", &leader)]).await;
    assert_eq!(status, 303);
    let audit = app.store.audit_recent(Some(&format!("initiative:{linked}")), 10, 0).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "initiative.leader_link" && e.actor == "xa-a"), "the link is audited");

    // Its list shows the linked initiative first, marked; its pages offer
    // forms only where it may send them.
    let (_, list) = get_html(&app, &tl, "/movement").await;
    let first = list.find("data-initiative=").expect("the list shows initiatives");
    assert!(list[first..].starts_with(&format!("data-initiative=\"{linked}\" data-yours=\"true\"")), "{list}");
    assert!(!list.contains("/movement/initiatives/new"), "a leader registers no initiative");
    let counts_form = "/counts\"";
    let (_, page) = get_html(&app, &tl, &format!("/movement/initiatives/{linked}")).await;
    assert!(page.contains(counts_form), "the linked initiative's page has its forms");
    let (status, page) = get_html(&app, &tl, &format!("/movement/initiatives/{other}")).await;
    assert_eq!(status, 200, "another initiative of the commune is readable");
    assert!(!page.contains(counts_form) && !page.contains("/edit\""), "but offers no form to the leader");

    // Now the leader writes the linked initiative, and only it.
    let (status, _) = add_group(&app, &tl, linked).await;
    assert_eq!(status, 303, "the linked initiative is writable");
    let (status, _) = post_form(
        &app,
        &tl,
        &format!("/movement/initiatives/{linked}/channels"),
        &[("url", "https://zalo.me/g/abc123")],
    )
    .await;
    assert_eq!(status, 303, "its channels too");
    let (status, html) = add_group(&app, &tl, other).await;
    assert_eq!(status, 403, "another initiative of the same commune is refused");
    assert!(html.contains("chưa được giao"), "{html}");
    let commune = app.commune_a.0.0.to_string();
    let person = [("unit", commune.as_str()), ("full_name", "Người thử"), ("role", "legal_reporter"), ("year", "2026")];
    let (status, _) = post_form(&app, &tl, "/movement/people", &person).await;
    assert_eq!(status, 403, "the commune's registry is not the leader's");
    let (status, _) = post_form(&app, &ta, "/movement/people", &person).await;
    assert_eq!(status, 303, "the same form from the officer is accepted");

    // Unlinked, it is refused again; the server still answers.
    let (status, _) = post_form(&app, &ta, &format!("{path}/remove"), &[("user", &leader)]).await;
    assert_eq!(status, 303);
    let (status, _) = add_group(&app, &tl, linked).await;
    assert_eq!(status, 403);
    let (status, _) = get_html(&app, &tl, &format!("/movement/initiatives/{linked}")).await;
    assert_eq!(status, 200);
}

//! Village codes: given on creation, within the commune, never reused; and
//! the member template of a ward whose villages share a name (as the demo
//! makes them: each old ward's "Tổ dân phố số 1" follows it into the new
//! ward in 2025), filled from its own drop-down list and uploaded, lands the
//! counts on the right villages.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use khienmang_core::auth::Role;
use khienmang_core::org::{EventKind, Level, NewUnit, OrgOp, UnitAttrs, UnitId, UnitVersion};
use khienmang_core::time::Timestamp;
use khienmang_store::import::{UnitHistory, list_2024_from, reorg_2025_date};
use reqwest::multipart::{Form, Part};
use rust_xlsxwriter::Workbook;

use khienmang_testkit::fixtures::{TEST_ACTOR, create_initiative, create_unit, day, initiative_input};
use khienmang_testkit::http::TestApp;

/// A new ward of today's province formed from at least two old communes.
async fn merged_ward(app: &TestApp) -> (UnitVersion, Vec<UnitId>) {
    let today = reorg_2025_date().max(chrono::Utc::now().date_naive());
    for c in app.store.children_on(app.province, today, 10_000, 0).await.unwrap() {
        if c.level != Level::Commune || c.code.is_none() {
            continue;
        }
        let from: Vec<UnitId> =
            app.store.unit_lineage(c.unit_id, true).await.unwrap().into_iter().map(|l| l.unit_id).collect();
        if from.len() >= 2 {
            return (c, from);
        }
    }
    panic!("no ward of new Bắc Ninh was formed from two communes");
}

/// "Tổ dân phố số 1" under each old commune from 2024, moved into the new
/// ward on 1 July 2025: the demo's villages.
async fn namesakes(app: &TestApp, ward: UnitId, old: &[UnitId]) -> Vec<UnitId> {
    let units = old
        .iter()
        .map(|&p| {
            let first = UnitVersion {
                unit_id: UnitId(0),
                valid_from: list_2024_from(),
                valid_to: Some(reorg_2025_date()),
                code: None,
                name: "Tổ dân phố số 1".into(),
                level: Level::Village,
                unit_type: Some("Tổ dân phố".into()),
                parent_id: Some(p),
                attrs: UnitAttrs { households: Some(200), population: Some(800), ..Default::default() },
                lat: None,
                lon: None,
            };
            let later =
                UnitVersion { valid_from: reorg_2025_date(), valid_to: None, parent_id: Some(ward), ..first.clone() };
            UnitHistory {
                versions: vec![first, later],
                events: vec![(EventKind::Reparent, reorg_2025_date(), "chuyển về phường mới".into())],
            }
        })
        .collect();
    let mut tx = app.store.begin_write(TEST_ACTOR, Timestamp::now()).await.unwrap();
    let ids = tx.insert_histories(units, "test: tổ dân phố cùng tên").await.unwrap();
    tx.commit().await.unwrap();
    ids
}

async fn code_of(app: &TestApp, unit: UnitId) -> String {
    app.store.unit_versions(unit).await.unwrap().pop().unwrap().code.unwrap_or_default()
}

#[tokio::test]
async fn villages_get_codes_in_their_commune_that_are_never_reused() {
    let app = TestApp::start().await;
    let (commune, code) = app.commune_a.clone();
    let on = day("2025-08-01");
    let mut made = Vec::new();
    for name in ["Thôn Một", "Thôn Hai", "Thôn Ba"] {
        made.push(
            create_unit(&app.store, TEST_ACTOR, NewUnit::new(name, Level::Village, Some(commune)), on).await.unwrap(),
        );
    }
    let codes = [code_of(&app, made[0]).await, code_of(&app, made[1]).await, code_of(&app, made[2]).await];
    assert_eq!(codes, [format!("{code}.001"), format!("{code}.002"), format!("{code}.003")]);

    // The last village is abolished; the next one does not get its code.
    let mut tx = app.store.begin_write(TEST_ACTOR, Timestamp::now()).await.unwrap();
    tx.apply_op(&OrgOp::Abolish { unit: made[2] }, day("2025-09-01"), None).await.unwrap();
    tx.commit().await.unwrap();
    let next =
        create_unit(&app.store, TEST_ACTOR, NewUnit::new("Thôn Bốn", Level::Village, Some(commune)), day("2025-10-01"))
            .await
            .unwrap();
    assert_eq!(code_of(&app, next).await, format!("{code}.004"));
    // A code given by hand is kept, and the counter steps over it.
    let by_hand =
        NewUnit { code: Some(format!("{code}.010")), ..NewUnit::new("Thôn Năm", Level::Village, Some(commune)) };
    create_unit(&app.store, TEST_ACTOR, by_hand, day("2025-10-01")).await.unwrap();
    let after =
        create_unit(&app.store, TEST_ACTOR, NewUnit::new("Thôn Sáu", Level::Village, Some(commune)), day("2025-10-02"))
            .await
            .unwrap();
    assert_eq!(code_of(&app, after).await, format!("{code}.011"));
    // Another commune counts from one; an agency gets no village code.
    let other =
        create_unit(&app.store, TEST_ACTOR, NewUnit::new("Thôn Một", Level::Village, Some(app.commune_b.0)), on)
            .await
            .unwrap();
    assert_eq!(code_of(&app, other).await, format!("{}.001", app.commune_b.1));
    let agency = create_unit(&app.store, TEST_ACTOR, NewUnit::new("Công an xã", Level::Agency, Some(commune)), on)
        .await
        .unwrap();
    assert_eq!(code_of(&app, agency).await, "");

    // The unit page shows the code.
    app.user("xa", Role::CommuneOfficer, Some(commune)).await;
    let t = app.token("xa").await;
    let html = app.http.get(format!("{}/org/units/{}", app.base, next.0)).bearer_auth(&t).send().await.unwrap();
    let html = html.text().await.unwrap();
    assert!(html.contains(&format!("<dd>{code}.004</dd>")), "{html}");
}

/// The rows of the template's village list: code, name, former commune, label.
fn village_list(template: &[u8]) -> Vec<[String; 4]> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(template.to_vec())).unwrap();
    let range = book.worksheet_range("Danh mục").unwrap();
    range.rows().skip(1).map(|r| std::array::from_fn(|i| r.get(i).map(|c| c.to_string()).unwrap_or_default())).collect()
}

/// The template filled as an official would: the headings kept, each row's
/// village picked from the drop-down (its label, "code · name (former)").
fn filled(rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "MẪU NHẬP DANH SÁCH THÀNH VIÊN MÔ HÌNH").unwrap();
    for (c, h) in ["Họ và tên", "Mã thôn", "Hộ gia đình", "Năm tham gia", "Năm rời"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (r, (name, village, household)) in rows.iter().enumerate() {
        let r = 3 + r as u32;
        ws.write_string(r, 0, *name).unwrap();
        ws.write_string(r, 1, *village).unwrap();
        ws.write_string(r, 2, *household).unwrap();
        ws.write_string(r, 3, "2025").unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn the_member_template_of_a_ward_with_namesake_villages_imports_onto_the_right_villages() {
    let app = TestApp::start().await;
    let (ward, old) = merged_ward(&app).await;
    let villages = namesakes(&app, ward.unit_id, &old).await;
    let ward_code = ward.code.clone().unwrap();
    let mut codes = Vec::new();
    for v in &villages {
        let c = code_of(&app, *v).await;
        assert!(c.starts_with(&format!("{ward_code}.")) && c.len() == ward_code.len() + 4, "{c}");
        codes.push(c);
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), villages.len(), "one code each");

    app.user("phuong", Role::CommuneOfficer, Some(ward.unit_id)).await;
    let t = app.token("phuong").await;
    let ini = create_initiative(&app.store, initiative_input(ward.unit_id, "Tổ tự quản an ninh mạng")).await;
    let res = app
        .http
        .get(format!("{}/movement/templates/members.xlsx?initiative={ini}", app.base))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let template = res.bytes().await.unwrap().to_vec();
    let list = village_list(&template);
    assert_eq!(list.len(), villages.len(), "{list:?}");
    // Every namesake is told apart by its code and the ward it came from.
    let mut formers: Vec<&str> = list.iter().map(|r| r[2].as_str()).collect();
    formers.sort();
    formers.dedup();
    assert_eq!(formers.len(), old.len(), "{list:?}");
    assert!(list.iter().all(|r| r[1] == "Tổ dân phố số 1" && r[3].starts_with(&r[0]) && r[3].contains(&r[2])));

    // Two members in the first village (one household), one in the second.
    let (first, second) = (&list[0], &list[1]);
    let file = filled(&[
        ("Nguyễn Văn An", &first[3], "Nguyễn Văn An, số 1"),
        ("Nguyễn Thị Bình", &first[3], "Nguyễn Văn An, số 1"),
        ("Trần Văn Cường", &second[0], "Trần Văn Cường, số 9"),
    ]);
    let form = Form::new().part("file", Part::bytes(file).file_name("mau-thanh-vien-mo-hinh.xlsx"));
    let res = app
        .http
        .post(format!("{}/movement/initiatives/{ini}/members/import", app.base))
        .bearer_auth(&t)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("data-valid-rows=\"3\"") && html.contains("data-error-rows=\"0\""), "{html}");
    let at = html.find("action=\"/movement/initiatives/").unwrap() + "action=\"".len();
    let commit = html[at..].split('"').next().unwrap().to_string();
    let res =
        app.http.post(format!("{}{commit}", app.base)).bearer_auth(&t).form(&[("mode", "all")]).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("data-imported=\"3\""));

    let mut by_code = std::collections::HashMap::new();
    for v in &villages {
        by_code.insert(code_of(&app, *v).await, *v);
    }
    let (a, b) = (by_code[&first[0]], by_code[&second[0]]);
    let page = app.http.get(format!("{}/movement/initiatives/{ini}", app.base)).bearer_auth(&t).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(
        page.contains(&format!("data-village=\"{}\" data-year=\"2025\" data-members=\"2\" data-households=\"1\"", a.0)),
        "{page}"
    );
    assert!(
        page.contains(&format!("data-village=\"{}\" data-year=\"2025\" data-members=\"1\" data-households=\"1\"", b.0)),
        "{page}"
    );
    // Beside the repeated name, each row shows its village's code.
    assert!(page.contains(&format!("Tổ dân phố số 1 ({})", first[0])), "{page}");
}

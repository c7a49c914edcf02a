//! The reviews for a subtree: a commune's officer writes the commune's own
//! review (issued by its People's Committee) whose figures are its
//! dashboard's, and the province's annex shows the same commune; an officer
//! of another commune, an initiative leader and an anonymous caller get
//! nothing.

use std::io::Read;

use chrono::Datelike;
use khienmang_core::admin::review::NINE;
use khienmang_core::admin::{ReviewKind, ReviewSettings};
use khienmang_core::auth::Role;
use khienmang_core::targets::Status;
use khienmang_store::admin::review_data;
use khienmang_testkit::http::TestApp;

fn today() -> khienmang_core::Date {
    khienmang_core::time::Timestamp::now().vietnam_date()
}

/// Every text run of a downloaded DOCX.
fn texts(docx: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    doc.descendants().filter(|n| n.has_tag_name("t")).filter_map(|n| n.text()).map(str::to_string).collect()
}

async fn get(app: &TestApp, token: Option<&str>, path: &str) -> (u16, Vec<u8>) {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_commune_writes_its_own_review_with_its_dashboards_figures_and_no_one_else_gets_it() {
    let app = TestApp::start().await;
    let (a, _) = app.commune_a.clone();
    let (b, _) = app.commune_b.clone();
    app.user("xa.a", Role::CommuneOfficer, Some(a)).await;
    app.user("xa.b", Role::CommuneOfficer, Some(b)).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let (xa_a, xa_b, tinh) = (app.token("xa.a").await, app.token("xa.b").await, app.token("tinh").await);

    // The commune's own review: its People's Committee issues it.
    let (status, docx) = get(&app, Some(&xa_a), "/reviews/interim.docx").await;
    assert_eq!(status, 200);
    let words = texts(&docx);
    let committee = words.iter().find(|t| t.starts_with("ỦY BAN NHÂN DÂN ")).expect("the issuing body");
    assert!(!committee.contains("TỈNH"), "a commune's review is its own committee's: {committee}");
    assert!(words.iter().any(|t| t == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert!(words.iter().any(|t| t == "(Ký, ghi rõ họ tên, đóng dấu)"));

    // Its figures are the commune's dashboard's for the same year.
    let on = today();
    let data = review_data(&app.store, ReviewKind::Interim, a, on, &ReviewSettings::default()).await.unwrap();
    let year = on.year().clamp(2024, 2027);
    assert_eq!(data.year, year);
    let (status, api) = app.get_json(&xa_a, &format!("/api/v1/targets?unit={}&year={year}", a.0)).await;
    assert_eq!(status, 200, "{api}");
    let targets = api["targets"].as_array().unwrap();
    assert_eq!(data.targets.len(), targets.len());
    for (row, t) in data.targets.iter().zip(targets) {
        assert_eq!(row.code, t["target"].as_str().unwrap());
        let status = Status::parse(t["status"].as_str().unwrap()).unwrap();
        assert_eq!(row.status, status, "{}: the dashboard's status", row.code);
        if row.code != "2.9" {
            // 2.9 reads as its parts ("2/3 phần đạt"), not as a percentage.
            assert_eq!(row.percent.map(|p| (p * 10.0).round()), t["value"].as_f64().map(|v| (v * 1000.0).round()));
        }
    }

    // The province's annex has the commune with its dashboard's nine figures
    // (2.9 as the share of its parts met, as the dashboard's commune table).
    let province =
        review_data(&app.store, ReviewKind::Final, app.province, on, &ReviewSettings::default()).await.unwrap();
    let name = app.store.unit_on(a, on).await.unwrap().map(|v| v.name).unwrap();
    let row = province.communes.iter().find(|c| c.name == name).expect("the commune in the annex");
    let nine: Vec<Option<f64>> = NINE
        .iter()
        .map(|code| targets.iter().find(|t| t["target"] == *code).and_then(|t| t["value"].as_f64()))
        .collect();
    let rounded = |v: &[Option<f64>], by: f64| v.iter().map(|x| x.map(|x| (x * by).round())).collect::<Vec<_>>();
    assert_eq!(rounded(&row.values, 10.0), rounded(&nine, 1000.0));
    assert!(province.communes.len() > 1, "one row per commune");

    // An officer of another commune asking for it: nothing.
    let (status, _) = get(&app, Some(&xa_b), &format!("/reviews/interim.docx?unit={}", a.0)).await;
    assert!(status == 404 || status == 403, "another commune's officer got {status}");
    let (status, _) = get(&app, Some(&xa_b), &format!("/reviews?unit={}", a.0)).await;
    assert_eq!(status, 404, "nor its page with the commune picked");
    let (status, page) = get(&app, Some(&xa_a), "/reviews").await;
    assert_eq!(status, 200, "a commune's officer reaches the reviews' page");
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("href=\"/reviews/interim.docx\""), "its own review, without a unit to pick");
    // The province's secretariat picks the commune from a list.
    let (_, page) = get(&app, Some(&tinh), "/reviews").await;
    assert!(String::from_utf8(page).unwrap().contains(&format!("<option value=\"{}\"", a.0)), "the commune offered");
    let (_, page) = get(&app, Some(&tinh), &format!("/reviews?unit={}", a.0)).await;
    assert!(
        String::from_utf8(page).unwrap().contains(&format!("href=\"/reviews/final.docx?unit={}\"", a.0)),
        "the links write the picked commune's"
    );
    // The province's secretariat may ask for the commune's.
    let (status, docx) = get(&app, Some(&tinh), &format!("/reviews/final.docx?unit={}", a.0)).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&docx).iter().find(|t| t.starts_with("ỦY BAN NHÂN DÂN ")), Some(committee));
    // Anonymous: sent to sign in or refused, never a file.
    let (status, body) = get(&app, None, "/reviews/interim.docx").await;
    assert_ne!(status, 200);
    assert_ne!(&body[..2.min(body.len())], b"PK");
}

#[tokio::test]
async fn an_initiative_leader_gets_no_review() {
    let app = TestApp::start().await;
    app.user("leader", Role::InitiativeLeader, Some(app.commune_a.0)).await;
    let token = app.token("leader").await;
    let (status, _) = get(&app, Some(&token), "/reviews/interim.docx").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_provinces_review_is_its_committees_with_one_total_per_table() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let tinh = app.token("tinh").await;
    let (status, docx) = get(&app, Some(&tinh), "/reviews/final.docx").await;
    assert_eq!(status, 200);
    let words = texts(&docx);
    assert!(words.iter().any(|t| t == "ỦY BAN NHÂN DÂN TỈNH BẮC NINH"), "{words:?}");
    assert!(words.iter().any(|t| t.starts_with("Số: ") && t.ends_with("/BC-UBND")));
    assert!(words.iter().any(|t| t.starts_with("Bắc Ninh, ngày ")));
    for part in
        ["I. KẾT QUẢ ĐẠT ĐƯỢC", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "III. PHƯƠNG HƯỚNG, GIẢI PHÁP", "PHỤ LỤC"]
    {
        assert!(words.iter().any(|t| t == part), "{part}");
    }
    assert!(!words.concat().contains("giai đoạn i "));
}

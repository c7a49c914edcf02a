//! Imports: dry run first, every bad row named with its line, nothing
//! written from an invalid file unless only the valid rows are asked for;
//! real-world encodings; national lists refused whole when a row is bad.

use std::process::Command;

use khienmang_core::auth::Role;
use reqwest::multipart::{Form, Part};
use rust_xlsxwriter::{Format, Workbook};

use khienmang_testkit::db::temp_path;
use khienmang_testkit::fixtures::day;
use khienmang_testkit::http::TestApp;

/// A villages workbook as officials make them: a merged title row, a note,
/// the header row, data; row 5 has households "abc".
fn villages_xlsx(commune: &str) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    ws.merge_range(0, 0, 0, 6, "MẪU NHẬP DANH SÁCH THÔN, TỔ DÂN PHỐ", &bold).unwrap();
    ws.merge_range(1, 0, 1, 6, "Điền từ dòng 4", &Format::new()).unwrap();
    let headers = [
        "Mã xã/phường",
        "Tên thôn/tổ dân phố",
        "Loại",
        "Số hộ",
        "Số nhân khẩu",
        "Trang mạng xã hội chính thức",
        "Ngày thành lập",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let rows = [
        ("Thôn Đông Hòa", "312", "1240"),
        ("Thôn Lỗi", "abc", "500"),
        ("Thôn Tây Sơn", "280", "1105"),
        ("Tổ dân phố Số 9", "401", "1530"),
    ];
    for (i, (name, hh, pop)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string(r, 0, commune).unwrap();
        ws.write_string(r, 1, *name).unwrap();
        ws.write_string(r, 2, "Thôn").unwrap();
        match hh.parse::<f64>() {
            Ok(n) => ws.write_number(r, 3, n).unwrap(),
            Err(_) => ws.write_string(r, 3, *hh).unwrap(),
        };
        ws.write_number(r, 4, pop.parse::<f64>().unwrap()).unwrap();
        ws.write_string(r, 6, "01/07/2025").unwrap();
    }
    wb.save_to_buffer().unwrap()
}

async fn dry_run(app: &TestApp, token: &str, kind: &str, name: &str, bytes: Vec<u8>) -> (u16, String) {
    let form = Form::new()
        .text("kind", kind.to_string())
        .text("effective", "2026-01-01")
        .text("action", "dry_run")
        .part("file", Part::bytes(bytes).file_name(name.to_string()));
    let res = app.http.post(format!("{}/import", app.base)).bearer_auth(token).multipart(form).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn batch_of(html: &str) -> String {
    let at = html.find("/import/").unwrap() + "/import/".len();
    html[at..].split('/').next().unwrap().to_string()
}

#[tokio::test]
async fn dry_run_names_the_bad_line_and_writes_nothing_until_asked() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("xa").await;
    let before = app.write_count().await;

    let (status, html) = dry_run(&app, &t, "villages", "thon.xlsx", villages_xlsx(&app.commune_a.1)).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("data-valid-rows=\"3\"") && html.contains("data-error-rows=\"1\""), "{html}");
    assert!(html.contains("Dòng 5"), "the bad row is named by its spreadsheet line");
    assert!(html.contains("Số hộ"));
    assert_eq!(app.write_count().await, before, "a dry run writes nothing");

    // "Import all" is refused while a row is bad.
    let batch = batch_of(&html);
    let commit = |mode: &'static str| {
        app.http
            .post(format!("{}/import/{batch}/commit", app.base))
            .bearer_auth(&t)
            .form(&[("mode", mode), ("effective", "2026-01-01")])
            .send()
    };
    assert_eq!(commit("all").await.unwrap().status(), 422);
    assert_eq!(app.write_count().await, before);
    let done = commit("valid").await.unwrap().text().await.unwrap();
    assert!(done.contains("data-imported=\"3\""), "{done}");
    let villages = app.store.children_on(app.commune_a.0, day("2026-01-01"), 1000, 0).await.unwrap();
    let names: Vec<&str> = villages.iter().map(|v| v.name.as_str()).collect();
    assert!(names.contains(&"Thôn Đông Hòa") && !names.contains(&"Thôn Lỗi"), "{names:?}");
    let dong_hoa = villages.iter().find(|v| v.name == "Thôn Đông Hòa").unwrap();
    assert_eq!(dong_hoa.attrs.households, Some(312));
    assert_eq!(dong_hoa.valid_from.to_string(), "2025-07-01", "the row's own date wins");

    // The same file again: every row now exists already.
    let (_, again) = dry_run(&app, &t, "villages", "thon.xlsx", villages_xlsx(&app.commune_a.1)).await;
    assert!(again.contains("data-valid-rows=\"0\""), "{again}");
}

#[tokio::test]
async fn another_communes_rows_are_refused_line_by_line() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("xa").await;
    let (_, html) = dry_run(&app, &t, "villages", "thon.xlsx", villages_xlsx(&app.commune_b.1)).await;
    assert!(html.contains("data-valid-rows=\"0\""));
    assert!(html.contains("không thuộc phạm vi quản lý"), "{html}");
    // An unknown commune code is named too.
    let (_, html) = dry_run(&app, &t, "villages", "thon.xlsx", villages_xlsx("99999")).await;
    assert!(html.contains("Không có xã/phường mã 99999"), "{html}");
}

fn csv(commune: &str) -> String {
    format!(
        "Mã xã/phường,Tên thôn/tổ dân phố,Số hộ,Số nhân khẩu\r\n{commune},Thôn Đồng Kỵ,210,800\r\n{commune},Thôn Phù Lưu,190,760\r\n"
    )
}

/// Windows-1258 has no precomposed letters with tone marks: Vietnamese text in
/// it is a base letter (ô, ơ, ư, ă, đ... are there) followed by a combining tone.
fn windows_1258_form(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    text.chars()
        .flat_map(|c| {
            let parts: Vec<char> = c.to_string().nfd().collect();
            let (base, tones): (Vec<char>, Vec<char>) = parts.into_iter().partition(|p| !TONES.contains(p));
            base.into_iter().collect::<String>().nfc().chain(tones).collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test]
async fn real_world_encodings_are_read() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("xa").await;
    let text = csv(&app.commune_a.1);
    let utf8_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
    let legacy = windows_1258_form(&text);
    let (cp1258, _, lossy) = encoding_rs::WINDOWS_1258.encode(&legacy);
    assert!(!lossy);
    for (label, bytes) in [("utf8-bom", utf8_bom), ("utf16", utf16), ("cp1258", cp1258.into_owned())] {
        let (status, html) = dry_run(&app, &t, "villages", &format!("{label}.csv"), bytes).await;
        assert_eq!(status, 200, "{label}: {html}");
        assert!(html.contains("data-valid-rows=\"2\"") && html.contains("data-error-rows=\"0\""), "{label}: {html}");
    }
}

#[tokio::test]
async fn bad_files_get_a_clear_vietnamese_message_and_change_nothing() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("xa").await;
    let before = app.write_count().await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("huge.csv", vec![b'a'; 21 * 1024 * 1024], "Tệp quá lớn"),
        ("junk.xlsx", b"PK\x03\x04 definitely not a workbook".to_vec(), "Không đọc được tệp Excel"),
        ("binary.csv", vec![0u8, 159, 146, 150, 0, 0, 1, 2, 3, 255], "Không đọc được nội dung tệp"),
        ("notes.csv", "chỉ là một ghi chú\nkhông có bảng".as_bytes().to_vec(), "Không tìm thấy dòng tiêu đề"),
        (
            "missing.csv",
            "Tên thôn/tổ dân phố,Loại,Số hộ,Số nhân khẩu\nThôn A,Thôn,1,4\n".as_bytes().to_vec(),
            "thiếu cột bắt buộc: Mã xã/phường",
        ),
    ];
    for (name, bytes, expected) in cases {
        let (status, html) = dry_run(&app, &t, "villages", name, bytes).await;
        assert_eq!(status, 422, "{name}");
        assert!(html.contains(expected), "{name}: expected “{expected}” in {html}");
    }
    let bad_date =
        format!("Mã xã/phường,Tên thôn/tổ dân phố,Ngày thành lập\n{},Thôn Mới,31/02/2025\n", app.commune_a.1);
    let (_, html) = dry_run(&app, &t, "villages", "date.csv", bad_date.into_bytes()).await;
    assert!(html.contains("Dòng 2") && html.contains("data-valid-rows=\"0\""), "{html}");
    assert_eq!(app.write_count().await, before);
}

#[tokio::test]
async fn a_national_list_with_an_unknown_parent_is_refused_whole() {
    let app = TestApp::start().await;
    let before = app.write_count().await;
    let dir = temp_path("km-lists");
    std::fs::create_dir_all(&dir).unwrap();
    let units = dir.join("units.csv");
    std::fs::write(
        &units,
        "level,code,name,type,parent_code,lat,lon\nprovince,98,Tỉnh Thử,Tỉnh,,,\ncommune,99001,Xã Lạc,Xã,977,,\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_khienmang"))
        .args(["import", "units", "--database", &app.url, "--units-2024"])
        .arg(&units)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("dòng 3") && stderr.contains("chưa ghi gì"), "{stderr}");
    assert_eq!(app.write_count().await, before);
}

#[tokio::test]
async fn templates_download_as_xlsx_and_read_back_empty() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("xa").await;
    for kind in ["villages", "agencies", "enterprises", "schools"] {
        let res =
            app.http.get(format!("{}/import/templates/{kind}.xlsx", app.base)).bearer_auth(&t).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap().to_vec();
        assert!(bytes.starts_with(b"PK"));
        // Uploading the untouched template is a valid, empty file.
        let (status, html) = dry_run(&app, &t, kind, "mau.xlsx", bytes).await;
        assert_eq!(status, 200, "{kind}: {html}");
        assert!(html.contains("data-valid-rows=\"0\"") && html.contains("data-error-rows=\"0\""), "{kind}");
    }
}

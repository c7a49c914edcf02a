//! Hostile uploads: spreadsheets that claim a huge used range, millions of
//! shared strings or gigabytes unpacked are refused with a Vietnamese
//! message on every upload route, nothing is written and the server keeps
//! answering; a batch check body is bounded before it is parsed; QR photos
//! are decoded off the request workers.

use khienmang_core::time::Timestamp;
use std::io::{Cursor, Read, Write};

use chrono::Utc;
use khienmang_core::auth::Role;
use khienmang_core::outreach::contest::{AttemptPolicy, ContestRules, Period};
use khienmang_store::outreach::contests::NewContest;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use rust_xlsxwriter::Workbook;
use serde_json::{Value, json};

use khienmang_testkit::fixtures::{create_initiative, initiative_input};
use khienmang_testkit::http::TestApp;

const TOO_LARGE: &str = "Bảng tính quá lớn";

/// Two cells, A1 and XFD1048576: a used range of 2^34 cells in 6 KB. Read
/// as a range, it made the reader ask for 512 GiB and the process abort.
fn first_and_last_cell_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Mã xã/phường").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save_to_buffer().unwrap()
}

/// A valid villages workbook whose shared strings claim 99,999,999,999
/// entries: the reader reserved room for them all before reading one.
fn claims_many_strings_xlsx(commune: &str) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Mã xã/phường", "Tên thôn/tổ dân phố", "Loại"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, commune).unwrap();
    ws.write_string(1, 1, "Thôn Mới").unwrap();
    ws.write_string(1, 2, "Thôn").unwrap();
    rewrite_parts(&wb.save_to_buffer().unwrap(), |name, body| {
        if name.ends_with("sharedStrings.xml") {
            let text = String::from_utf8(body).unwrap();
            let at = text.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = at + text[at..].find('"').unwrap();
            format!("{}99999999999{}", &text[..at], &text[end..]).into_bytes()
        } else {
            body
        }
    })
}

/// A copy of a zip archive with each part passed through `edit`.
fn rewrite_parts(bytes: &[u8], edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut from = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut to = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..from.len() {
        let mut part = from.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut body = Vec::new();
        part.read_to_end(&mut body).unwrap();
        to.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        to.write_all(&edit(&name, body)).unwrap();
    }
    to.finish().unwrap().into_inner()
}

/// A workbook whose sheet unpacks to 120 MB of spaces, in about 120 KB.
fn zip_bomb_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    wb.add_worksheet().write_string(0, 0, "Mã xã/phường").unwrap();
    let padding = vec![b' '; 120 * 1024 * 1024];
    rewrite_parts(&wb.save_to_buffer().unwrap(), |name, body| {
        if name.ends_with("sheet1.xml") { [body.as_slice(), &padding].concat() } else { body }
    })
}

async fn post_file(app: &TestApp, token: &str, path: &str, fields: &[(&str, &str)], bytes: Vec<u8>) -> (u16, String) {
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let form = form.part("file", Part::bytes(bytes).file_name("danh-sach.xlsx"));
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).multipart(form).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn still_answers(app: &TestApp) {
    let health = app.http.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK, "the server still answers");
}

async fn initiative(app: &TestApp) -> i64 {
    create_initiative(&app.store, initiative_input(app.commune_a.0, "Tổ an ninh mạng")).await
}

async fn contest(app: &TestApp) -> i64 {
    let now = Utc::now();
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    let id = tx
        .create_contest(&NewContest {
            rules: ContestRules {
                title: "Cuộc thi thử".into(),
                opens_at: now + chrono::Duration::days(1),
                closes_at: now + chrono::Duration::days(5),
                question_count: 3,
                quotas: vec![],
                time_limit_secs: 600,
                attempts: AttemptPolicy { max_attempts: 1, period: Period::Day },
            },
            organiser: app.province,
            description: "Thử".into(),
            prediction_question: "Bao nhiêu người trả lời đúng tất cả?".into(),
            use_shared_bank: false,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn a_workbook_reaching_cell_xfd1048576_is_refused_on_every_upload_route_and_the_server_still_answers() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let (xa, tinh) = (app.token("xa").await, app.token("tinh").await);
    let ini = initiative(&app).await;
    let contest = contest(&app).await;
    let before = app.write_count().await;

    let routes = [
        (&xa, "/import".to_string(), vec![("kind", "villages"), ("effective", "2026-01-01")]),
        (&xa, "/movement/people/import".to_string(), vec![]),
        (&xa, format!("/movement/initiatives/{ini}/members/import"), vec![]),
        (&tinh, format!("/outreach/contests/{contest}/questions/import"), vec![]),
    ];
    for (token, path, fields) in routes {
        let (status, html) = post_file(&app, token, &path, &fields, first_and_last_cell_xlsx()).await;
        assert_eq!(status, 422, "{path}: {html}");
        assert!(html.contains(TOO_LARGE) && html.contains("256 cột"), "{path}: {html}");
        still_answers(&app).await;
    }
    assert_eq!(app.write_count().await, before, "nothing is written");
}

#[tokio::test]
async fn workbooks_claiming_billions_of_strings_or_unpacking_to_120_mb_are_refused() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let xa = app.token("xa").await;
    let before = app.write_count().await;
    let fields = [("kind", "villages"), ("effective", "2026-01-01")];

    let (status, html) = post_file(&app, &xa, "/import", &fields, claims_many_strings_xlsx(&app.commune_a.1)).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains(TOO_LARGE), "{html}");
    still_answers(&app).await;

    let bomb = zip_bomb_xlsx();
    assert!(bomb.len() < 2 * 1024 * 1024, "{} bytes", bomb.len());
    let (status, html) = post_file(&app, &xa, "/import", &fields, bomb).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("khi giải nén vượt quá 100 MB"), "{html}");
    still_answers(&app).await;

    // The same villages without the false claim are read.
    let honest = rewrite_parts(&claims_many_strings_xlsx(&app.commune_a.1), |name, body| {
        if name.ends_with("sharedStrings.xml") {
            String::from_utf8(body).unwrap().replace("99999999999", "5").into_bytes()
        } else {
            body
        }
    });
    let (status, html) = post_file(&app, &xa, "/import", &fields, honest).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("data-valid-rows=\"1\""), "{html}");
    assert_eq!(app.write_count().await, before, "a dry run writes nothing");
}

#[tokio::test]
async fn an_excel_97_file_is_refused_with_a_message_to_save_it_as_xlsx() {
    let app = TestApp::start().await;
    app.user("xa", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let xa = app.token("xa").await;
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.resize(4096, 0);
    let (status, html) = post_file(&app, &xa, "/movement/people/import", &[], xls).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Excel 97–2003 (.xls)") && html.contains("dưới dạng .xlsx"), "{html}");
}

#[tokio::test]
async fn a_batch_check_body_over_a_full_batch_of_the_longest_texts_is_refused_before_parsing() {
    let app = TestApp::start().await;
    let url = format!("{}/api/v1/check/batch", app.base);
    // 20 MB of short texts: parsed whole, it was refused only for its count.
    let many = json!({ "q": vec!["0911111111"; 1_700_000] }).to_string();
    assert!(many.len() > 20_000_000);
    let res = app.http.post(&url).header("content-type", "application/json").body(many).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let v: Value = res.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().contains("tối đa 1000 mục"), "{v}");

    // Sent in chunks without a length, it is cut off once past the limit.
    assert!(chunked_batch_status(&app).await.starts_with("HTTP/1.1 413"));

    // A full batch of the longest texts is within the limit (each is refused as too long, one by one).
    let longest = json!({ "q": vec!["a".repeat(8 * 1024); 1000] });
    let res = app.http.post(&url).json(&longest).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Not JSON, and not declared as JSON: the usual 422 and 415.
    let res = app.http.post(&url).header("content-type", "application/json").body("{").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app.http.post(&url).body("{\"q\": []}").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let res = app.http.post(&url).json(&json!({ "q": ["0911111111"] })).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the server still answers");
}

/// Streams 20 MB of texts in 1 MB chunks, with no length declared, and
/// returns the status line; the writer stops when the server hangs up.
async fn chunked_batch_status(app: &TestApp) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.base.trim_start_matches("http://");
    let (mut read, mut write) = tokio::net::TcpStream::connect(address).await.unwrap().into_split();
    let writer = tokio::spawn(async move {
        let head = "POST /api/v1/check/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
                    Transfer-Encoding: chunked\r\n\r\n8\r\n{\"q\": [ \r\n";
        write.write_all(head.as_bytes()).await?;
        let chunk = b"\"0911111111\",".repeat(80_000);
        for _ in 0..20 {
            write.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
            write.write_all(&chunk).await?;
            write.write_all(b"\r\n").await?;
        }
        Ok::<_, std::io::Error>(())
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 256];
    while !answer.contains(&b'\n') {
        let n = tokio::time::timeout(std::time::Duration::from_secs(60), read.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0, "the server hung up without answering");
        answer.extend_from_slice(&buf[..n]);
    }
    writer.abort();
    String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_string()
}

/// `text` as a QR code, `scale` pixels a module with a quiet zone, as PNG.
fn qr_png(text: &str, scale: u32) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let (modules, colors) = (code.width() as u32, code.to_colors());
    let side = (modules + 8) * scale;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
        let dark = mx < modules && my < modules && colors[(my * modules + mx) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn a_flood_of_qr_photos_is_decoded_off_the_workers_or_refused_503_and_checks_still_answer() {
    let app = TestApp::start().await;
    let photo = qr_png("https://example.com/kiem-tra", 40);
    let url = format!("{}/api/v1/check", app.base);
    let flood: Vec<_> = (0..24)
        .map(|_| {
            let request = app.http.post(&url).body(photo.clone()).send();
            tokio::spawn(async move {
                let res = request.await.unwrap();
                let status = res.status();
                let retry = res.headers().get("retry-after").is_some();
                (status, retry, res.json::<Value>().await.unwrap())
            })
        })
        .collect();
    // A plain check is answered while the photos are decoded.
    let res = app.http.get(&url).query(&[("q", "0911 111 111")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut decoded = 0;
    for answer in flood {
        let (status, retry, v) = answer.await.unwrap();
        match status {
            StatusCode::OK => {
                assert_eq!(v["qr"]["type"], "url", "{v}");
                decoded += 1;
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(v["message"].as_str().unwrap().contains("đang bận"), "{v}");
                assert!(retry, "a 503 says when to retry");
            }
            other => panic!("{other}: {v}"),
        }
    }
    assert!(decoded > 0, "at least the first photos are decoded");
}

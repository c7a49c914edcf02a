//! Citizens' reports: durable intake over HTTP, and input that must be refused.
//!
//! - `reports_intake_*`: `POST /api/v1/reports` from 64 keep-alive
//!   connections for 10 s (after 2 s of warm-up) against the real server in
//!   this process; only 201s count, and a 201 is sent after the report's
//!   transaction committed (group commit). Beside it, the same load against a
//!   naive endpoint doing the same durable work one transaction per report,
//!   and `/healthz` of the real server (the HTTP ceiling).
//! - `reports_lost_*`: every code that got a 201 is looked up in the database.
//! - `reports_refused_*`: oversize bodies, wrong content type, invalid UTF-8,
//!   a PNG decompression bomb and a path-traversal file name are refused
//!   without writing a report; markup in a description is kept as text.
//!
//! Needs only the national units: a fresh database of its own is made and
//! the national lists imported into it.

use khienmang_core::time::Timestamp;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use khienmang_core::org::UnitId;
use khienmang_core::reports::{Category, Channel, Contact, Draft};
use khienmang_store::reports::{FieldKey, NewReport};
use khienmang_store::{Backend, Store};
use khienmang_testkit::http::serve_locally;
use khienmang_testkit::lists::{import_whole_country, province};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::load::{Load, Measured, get, measure, post_json, short};
use crate::{Checks, count, figure};

/// Durable reports per second the intake must sustain.
const SQLITE_LIMIT: f64 = 2_000.0;
const PG_LIMIT: f64 = 1_000.0;

/// Distinct request bodies, cycled through by the connections.
const BODIES: usize = 512;

/// The province the reports belong to (new Bắc Ninh, as in the demo).
const PROVINCE_CODE: &str = "24";

// --- the bodies ---------------------------------------------------------------

const PLACES: &[&str] = &["chợ", "trường học", "nhóm Zalo của thôn", "trang Facebook bán hàng", "bến xe", "quán net"];
const WHAT: &[&str] = &[
    "Có người gọi điện xưng là công an, yêu cầu chuyển tiền vào tài khoản lạ để xác minh.",
    "Một ứng dụng cho vay nhắn tin đe dọa, đòi lãi gấp nhiều lần số tiền đã vay.",
    "Trang mạng quảng cáo cá độ bóng đá, mời học sinh tham gia nạp tiền.",
    "Tài khoản lạ rao bán chất cấm qua tin nhắn, hẹn giao hàng buổi tối.",
    "Người lạ kết bạn với trẻ em, xin ảnh riêng tư và dọa phát tán.",
    "Bài đăng sai sự thật về dịch bệnh gây hoang mang trong khu dân cư.",
    "Tài khoản mạng xã hội của cơ quan bị chiếm, đăng đường dẫn độc hại.",
    "Nhóm người lập hội nhóm kêu gọi đầu tư tiền ảo hứa lãi cao.",
];

/// `BODIES` JSON reports varied across categories, communes, descriptions,
/// links, identifiers and contacts (no files).
fn bodies(communes: &[UnitId]) -> Result<Vec<String>> {
    if communes.is_empty() {
        bail!("the reports' province has no commune");
    }
    let mut out = Vec::with_capacity(BODIES);
    for i in 0..BODIES {
        let category = Category::ALL[i % Category::ALL.len()];
        let mut body = json!({
            "category": category.as_str(),
            "description": format!(
                "{} Sự việc xảy ra gần {} vào khoảng {} giờ, lần thứ {}.",
                WHAT[i % WHAT.len()],
                PLACES[(i / 3) % PLACES.len()],
                7 + i % 14,
                i + 1
            ),
            "commune": communes[(i * 7) % communes.len()].0.to_string(),
        });
        if i.is_multiple_of(2) {
            body["identifiers"] = json!([format!("09{:08}", 12_345_678 + i * 97)]);
        }
        if i.is_multiple_of(3) {
            body["links"] = json!([format!("https://lua-dao-{}.example.com/trang/{i}", i % 17)]);
        }
        if i.is_multiple_of(4) {
            body["contact"] =
                json!({"phone": format!("0912{:06}", 100_000 + i), "email": format!("nguoi{i}@example.vn")});
        }
        out.push(body.to_string());
    }
    Ok(out)
}

/// The bodies POSTed in turn to `path`, expecting a 201 with a receipt,
/// kept as "code secret".
fn post_load(addr: SocketAddr, path: &str, bodies: &[String]) -> Load {
    let requests = bodies.iter().map(|body| post_json(addr, path, body)).collect();
    let mut load = Load::new(addr, requests, 201);
    load.read = Some(Arc::new(|body: &[u8]| {
        let receipt: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        match (receipt["code"].as_str(), receipt["secret"].as_str()) {
            (Some(code), Some(secret)) => Ok(Some(format!("{code} {secret}"))),
            _ => Err(format!("201 without a receipt: {receipt}")),
        }
    }));
    load
}

// --- the naive baseline ---------------------------------------------------------

/// The same durable work as the intake, naively: each request is checked,
/// routed and written (report, identifiers, event, notification, audit entry)
/// by `Store::receive_reports_at` in a transaction of its own, committed
/// before the answer. No group commit. Served by a minimal HTTP/1.1 loop
/// (keep-alive, Content-Length bodies only), so its HTTP cost is below the
/// real server's: the comparison favours the baseline.
struct Naive {
    store: Store,
    key: FieldKey,
}

async fn naive_server(naive: Arc<Naive>) -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let naive = naive.clone();
            tokio::spawn(async move {
                // A connection that breaks is the client's business.
                let _ = naive_connection(stream, &naive).await;
            });
        }
    });
    Ok(addr)
}

async fn naive_connection(stream: TcpStream, naive: &Naive) -> Result<()> {
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut line = String::new();
    loop {
        line.clear();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut length = 0usize;
        loop {
            line.clear();
            if read.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse()?;
            }
        }
        if length > 1 << 20 {
            bail!("body too large");
        }
        let mut body = vec![0; length];
        read.read_exact(&mut body).await?;
        let (status, answer) = match naive.receive(&body).await {
            Ok(receipt) => ("201 Created", receipt.to_string()),
            Err(e) => ("422 Unprocessable Entity", json!({"error": e.to_string()}).to_string()),
        };
        let head =
            format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", answer.len());
        write.write_all(head.as_bytes()).await?;
        write.write_all(answer.as_bytes()).await?;
    }
}

impl Naive {
    async fn receive(&self, body: &[u8]) -> Result<Value> {
        let v: Value = serde_json::from_slice(body)?;
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        let list = |k: &str| -> Vec<String> {
            v[k].as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default()
        };
        let contact: Contact = serde_json::from_value(v["contact"].clone()).unwrap_or_default();
        let draft = Draft {
            category: text("category"),
            description: text("description"),
            links: list("links"),
            identifiers: list("identifiers"),
            lat: None,
            lon: None,
            contact,
        };
        let draft = draft.check().map_err(|e| anyhow!(e.message_vi()))?;
        // Resolved as the intake does: among today's communes of the province.
        let given = text("commune");
        let commune = self
            .store
            .report_communes(Timestamp::now().vietnam_date())
            .await?
            .iter()
            .find(|c| c.unit_id.0.to_string() == given || c.code.as_deref() == Some(given.as_str()))
            .map(|c| c.unit_id)
            .context("no such commune")?;
        let report = NewReport { channel: Channel::Api, draft, commune: Some(commune), attachments: Vec::new() };
        let receipts =
            self.store.receive_reports_at(&self.key, vec![report], chrono::Utc::now(), Timestamp::now()).await?;
        let r = receipts.first().context("no receipt")?;
        Ok(json!({"code": r.code, "secret": r.secret, "status": "received", "due_at": r.due_at}))
    }
}

// --- the benchmark --------------------------------------------------------------

async fn report_count(store: &Store) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM reports").fetch_one(store.pool()).await?)
}

/// Points the reports at new Bắc Ninh (the first province would do, but one
/// of a known size keeps runs comparable).
async fn choose_province(store: &Store) -> Result<UnitId> {
    let on = chrono::Utc::now().date_naive();
    let province = province(store, PROVINCE_CODE, on).await?;
    let mut tx = store.begin_write("bench", Timestamp::now()).await?;
    tx.set_setting("reports.province", &province.0.to_string()).await?;
    tx.commit().await?;
    Ok(province)
}

pub async fn bench_reports(b: &str, store: &Store, checks: &mut Checks) -> Result<()> {
    if !store.national_import_done().await? {
        eprintln!("reports {b}: importing the national lists");
        import_whole_country(store, "bench").await?;
    }
    let province = choose_province(store).await?;
    let communes: Vec<UnitId> =
        store.report_communes(Timestamp::now().vietnam_date()).await?.iter().map(|v| v.unit_id).collect();
    count(&format!("reports_communes_{b}"), communes.len(), "units");

    let files = std::env::temp_dir().join(format!("khienmang-bench-files-{}-{b}", std::process::id()));
    let (key, _) = FieldKey::generate();
    let mut limits = khienmang_web::limit::LimitSettings::default();
    limits.set(khienmang_web::limit::LimitClass::Report, 0);
    let config = khienmang_web::WebConfig {
        require_totp: false,
        cookie_secure: false,
        limits,
        files_dir: files.clone(),
        field_key: Some(key.clone()),
        ..Default::default()
    };
    let addr = serve_locally(khienmang_web::AppState::new(store.clone(), config, None)).await?;

    let result = run_all(b, store, province, &communes, addr, &files, key, checks).await;
    match std::fs::remove_dir_all(&files) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => eprintln!("could not remove {}: {e}", files.display()),
        _ => {}
    }
    result
}

#[allow(clippy::too_many_arguments)]
async fn run_all(
    b: &str,
    store: &Store,
    province: UnitId,
    communes: &[UnitId],
    addr: SocketAddr,
    files: &Path,
    key: FieldKey,
    checks: &mut Checks,
) -> Result<()> {
    let base = &format!("http://{addr}");
    let bodies = bodies(communes)?;

    // The intake, then what is lost.
    let intake = post_load(addr, "/api/v1/reports", &bodies);
    let Measured { rate, kept, .. } = measure("reports_intake", b, &intake, "reports/s").await?;
    let receipts: Vec<(String, String)> =
        kept.iter().filter_map(|k| k.split_once(' ')).map(|(c, s)| (c.to_string(), s.to_string())).collect();
    let lost = lost_reports(store, &receipts).await?;
    count(&format!("reports_intake_{b}_acknowledged"), receipts.len(), "reports");
    count(&format!("reports_lost_{b}"), lost, "reports");
    let limit = if store.backend() == Backend::Postgres { PG_LIMIT } else { SQLITE_LIMIT };
    checks.at_least(&format!("reports_intake_{b}"), rate, limit, "reports/s");
    checks.holds(&format!("reports_lost_{b} = 0"), lost == 0 && !receipts.is_empty());
    let tracked = track_sample(base, &receipts).await?;
    checks.holds(&format!("reports_tracked_with_secret_{b}"), tracked);

    // The baselines.
    let naive_addr = naive_server(Arc::new(Naive { store: store.clone(), key })).await?;
    let naive_rate = measure("reports_naive", b, &post_load(naive_addr, "/", &bodies), "reports/s").await?.rate;
    let health = Load::new(addr, vec![get(addr, "/healthz")], 200);
    let health_rate = measure("reports_healthz", b, &health, "requests/s").await?.rate;
    figure(&format!("reports_intake_{b}_vs_baseline_ratio"), rate / naive_rate.max(1e-9), "x");
    figure(&format!("reports_intake_{b}_vs_healthz_ratio"), rate / health_rate.max(1e-9), "x");

    refused_input(b, store, province, communes, base, files, checks).await
}

/// Codes that got a 201 but are not in the database.
async fn lost_reports(store: &Store, receipts: &[(String, String)]) -> Result<usize> {
    let stored: HashSet<String> =
        sqlx::query_scalar("SELECT code FROM reports").fetch_all(store.pool()).await?.into_iter().collect();
    Ok(receipts.iter().filter(|(code, _)| !stored.contains(code)).count())
}

/// Some acknowledged reports, opened over HTTP with their code and secret
/// (and refused with a wrong secret).
async fn track_sample(base: &str, receipts: &[(String, String)]) -> Result<bool> {
    let http = reqwest::Client::new();
    let step = (receipts.len() / 50).max(1);
    let mut ok = !receipts.is_empty();
    for (code, secret) in receipts.iter().step_by(step) {
        let url = format!("{base}/api/v1/reports/track/{code}");
        let res = http.get(&url).header("x-report-secret", secret).send().await?;
        let status = res.status();
        let view: Value = res.json().await.unwrap_or(Value::Null);
        let wrong = http.get(&url).header("x-report-secret", "SAI-MA-BI-MAT").send().await?.status();
        if status != reqwest::StatusCode::OK || view["code"] != code.as_str() || wrong != reqwest::StatusCode::NOT_FOUND
        {
            eprintln!("tracking {code}: {status} {view}, wrong secret {wrong}");
            ok = false;
        }
    }
    Ok(ok)
}

// --- refused input ---------------------------------------------------------------

/// A PNG chunk: length, type, data, CRC-32 of type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A zlib stream holding `data` in one stored (uncompressed) block.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let len = data.len() as u16;
    let mut out = vec![0x78, 0x01, 0x01];
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(&data[..usize::from(len)]);
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &data[..usize::from(len)] {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// An 8-bit RGB PNG claiming `width`×`height` with the given scanline bytes.
fn png(width: u32, height: u32, scanlines: &[u8]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(scanlines));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// One attempt at bad input and what came of it.
struct Attempt {
    status: Option<reqwest::StatusCode>,
    body: String,
    written: i64,
}

impl Attempt {
    fn refused(&self) -> bool {
        self.status.is_some_and(|s| s.is_client_error()) && self.written == 0
    }

    fn describe(&self) -> String {
        let status = self.status.map_or_else(|| "no answer".to_string(), |s| s.to_string());
        format!("{status}, {} report(s) written: {}", self.written, short(&self.body))
    }
}

async fn attempt(store: &Store, request: reqwest::RequestBuilder) -> Result<Attempt> {
    let before = report_count(store).await?;
    let (status, body) = match request.send().await {
        Ok(res) => {
            let status = res.status();
            (Some(status), res.text().await.unwrap_or_default())
        }
        Err(e) => (None, e.to_string()),
    };
    // A refused report never reaches the writer; give a wrongly accepted
    // one the time to commit so it is seen.
    tokio::time::sleep(Duration::from_millis(50)).await;
    Ok(Attempt { status, body, written: report_count(store).await? - before })
}

fn multipart(commune: UnitId, name: &str, bytes: Vec<u8>, mime: &str) -> Result<reqwest::multipart::Form> {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()).mime_str(mime)?;
    Ok(reqwest::multipart::Form::new()
        .text("category", "fraud")
        .text("description", "Ảnh chụp màn hình tin nhắn lừa đảo gửi kèm theo đây.")
        .text("commune", commune.0.to_string())
        .part("attachments", part))
}

async fn refused_input(
    b: &str,
    store: &Store,
    province: UnitId,
    communes: &[UnitId],
    base: &str,
    files: &Path,
    checks: &mut Checks,
) -> Result<()> {
    // A new client per attempt: a refused upload may close its connection.
    let http = || reqwest::Client::builder().timeout(Duration::from_secs(120)).build();
    let url = format!("{base}/api/v1/reports");
    let commune = *communes.first().context("a commune")?;
    let valid = json!({"category": "fraud", "description": "Tin nhắn giả danh ngân hàng yêu cầu cập nhật thông tin.", "commune": commune.0.to_string()});
    let mut report = |name: &str, a: &Attempt, ok: bool| {
        eprintln!("reports {b} {name}: {}", a.describe());
        checks.holds(&format!("reports_refused_{name}_{b}"), ok);
    };

    // More than 20 MB, as JSON and as a multipart upload.
    let mut huge = valid.clone();
    huge["description"] = json!("a".repeat(21 * 1024 * 1024));
    let a =
        attempt(store, http()?.post(&url).header("content-type", "application/json").body(huge.to_string())).await?;
    report("oversize_json", &a, a.refused());
    let big = multipart(commune, "anh.png", vec![0u8; 21 * 1024 * 1024], "image/png")?;
    let a = attempt(store, http()?.post(&url).multipart(big)).await?;
    report("oversize_upload", &a, a.refused());

    let a = attempt(store, http()?.post(&url).header("content-type", "text/plain").body(valid.to_string())).await?;
    report("text_plain", &a, a.refused());

    let mut bad_utf8 = br#"{"category":"fraud","description":"Tin nh"#.to_vec();
    bad_utf8.extend_from_slice(b"\xff\xfe\xc3\x28 gi\xe1 m\xe1\xba\xa1o ngan hang");
    bad_utf8.extend_from_slice(format!(r#"","commune":"{}"}}"#, commune.0).as_bytes());
    let a = attempt(store, http()?.post(&url).header("content-type", "application/json").body(bad_utf8)).await?;
    report("invalid_utf8", &a, a.refused());

    // 100000×100000 pixels claimed, a few hundred bytes sent.
    let bomb = png(100_000, 100_000, &[0u8; 300]);
    let a = attempt(store, http()?.post(&url).multipart(multipart(commune, "bom.png", bomb, "image/png")?)).await?;
    report("png_bomb", &a, a.refused());

    // A real 1×1 PNG under a traversal name: refused, or stored under its
    // hash with the path stripped from the name.
    let pixel = png(1, 1, &[0, 200, 30, 30]);
    let traversal = "../../etc/passwd.png";
    let a = attempt(store, http()?.post(&url).multipart(multipart(commune, traversal, pixel, "image/png")?)).await?;
    let harmless = if a.refused() {
        true
    } else if a.status == Some(reqwest::StatusCode::CREATED) && a.written == 1 {
        let receipt: Value = serde_json::from_str(&a.body).unwrap_or(Value::Null);
        stored_safely(store, receipt["code"].as_str().unwrap_or_default(), files).await?
    } else {
        false
    };
    report("path_traversal_name", &a, harmless);

    // Markup is text: stored as sent, given back unchanged in JSON, escaped in HTML.
    let script = "<script>alert('xss')</script> Trang này lừa đảo người dùng, xem <img src=x onerror=alert(1)>";
    let mut body = valid.clone();
    body["description"] = json!(script);
    let a = attempt(store, http()?.post(&url).json(&body)).await?;
    let kept = a.status == Some(reqwest::StatusCode::CREATED)
        && a.written == 1
        && markup_kept(store, base, province, &a.body, script).await?;
    eprintln!("reports {b} script_as_text: {}", a.describe());
    checks.holds(&format!("reports_script_kept_as_text_{b}"), kept);
    Ok(())
}

/// The report's attachment has no path in its name and its bytes are under
/// the files folder, named by their hash.
async fn stored_safely(store: &Store, code: &str, files: &Path) -> Result<bool> {
    let report = store.report_by_code(code).await?.context("the accepted report")?;
    let attachments = store.report_attachments(report.id).await?;
    let safe = attachments.iter().all(|a| {
        let on_disk: PathBuf = files.join(&a.sha256[..2]).join(&a.sha256[2..4]).join(&a.sha256);
        !a.name.contains(['/', '\\']) && !a.name.starts_with('.') && on_disk.exists()
    });
    eprintln!("stored attachment names: {:?}", attachments.iter().map(|a| a.name.as_str()).collect::<Vec<_>>());
    Ok(safe && !attachments.is_empty())
}

/// The description is stored as sent, comes back unchanged from the staff
/// JSON API, and is escaped on the staff's HTML page.
async fn markup_kept(store: &Store, base: &str, province: UnitId, receipt: &str, script: &str) -> Result<bool> {
    let receipt: Value = serde_json::from_str(receipt)?;
    let code = receipt["code"].as_str().context("a code")?;
    let report = store.report_by_code(code).await?.context("the stored report")?;
    let stored = report.description == script;

    let token = crate::staff_token(store, base, "bench-phan-anh", province).await?;
    let http = reqwest::Client::new();
    let api: Value =
        http.get(format!("{base}/api/v1/reports/{}", report.id)).bearer_auth(&token).send().await?.json().await?;
    let json_same = api["description"] == script;
    let page = http.get(format!("{base}/reports/{}", report.id)).bearer_auth(&token).send().await?;
    let page_ok = page.status().is_success();
    let html = page.text().await?;
    // `&lt;` or `&#60;`, as the template engine likes; never the raw tags.
    let escaped = page_ok
        && (html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"))
        && !html.contains("<script>alert")
        && !html.contains("<img src=x");
    if !page_ok {
        eprintln!("staff page of the report: {}", short(&html));
    }
    if !(stored && json_same && escaped) {
        eprintln!("markup: stored {stored}, JSON unchanged {json_same}, HTML escaped {escaped}");
    }
    Ok(stored && json_same && escaped)
}

//! Citizens' reports end to end over HTTP: anonymous intake, tracking with
//! code and secret, triage to resolution, rating, duplicates and
//! correlations, sealed contacts seen only by the handling unit, escalation,
//! retention, mail, and refused input that stores nothing.

use khienmang_core::auth::Role;
use khienmang_core::time::Timestamp;
use khienmang_store::reports::FieldKey;
use khienmang_web::WebConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};

use khienmang_testkit::fixtures::day;
use khienmang_testkit::http::TestApp;

const PHONE: &str = "0987 654 321";
const PHONE_E164: &str = "+84987654321";
const EMAIL: &str = "nguoi.bao.tin@example.vn";

async fn send(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let res = app.http.post(format!("{}/api/v1/reports", app.base)).json(&body).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn fraud(commune: &str, description: &str) -> Value {
    json!({
        "category": "fraud",
        "description": description,
        "commune": commune,
        "identifiers": ["0856 123 789"],
        "contact": {"phone": PHONE, "email": EMAIL},
    })
}

async fn track(app: &TestApp, code: &str, secret: &str) -> (StatusCode, Value) {
    let res = app
        .http
        .get(format!("{}/api/v1/reports/track/{code}", app.base))
        .header("x-report-secret", secret)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A staff form post with a bearer token (no CSRF needed for tokens).
async fn act(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let res = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).form(form).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

/// A checked fraud report picking `commune`, for tests that write through the store.
fn fraud_report(commune: khienmang_core::org::UnitId) -> khienmang_store::reports::NewReport {
    use khienmang_core::reports::{Channel, Draft};
    khienmang_store::reports::NewReport {
        channel: Channel::Web,
        draft: Draft {
            category: "fraud".into(),
            description: "Cuộc gọi giả danh công an yêu cầu chuyển tiền.".into(),
            ..Default::default()
        }
        .check()
        .unwrap(),
        commune: Some(commune),
        attachments: vec![],
    }
}

async fn report_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM reports").fetch_one(app.store.pool()).await.unwrap()
}

#[tokio::test]
async fn an_anonymous_report_goes_from_intake_to_a_rated_outcome() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let officer = app.token("xa-a").await;

    let (status, receipt) =
        send(&app, fraud(&app.commune_a.1, "Có người gọi xưng công an, bắt chuyển tiền vào tài khoản lạ để xác minh."))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let code = receipt["code"].as_str().unwrap().to_string();
    let secret = receipt["secret"].as_str().unwrap().to_string();
    assert!(code.starts_with("PA-") && secret.len() == 26);

    let (status, view) = track(&app, &code, &secret).await;
    assert_eq!(status, 200);
    assert_eq!(view["status"], "received");
    assert_eq!(track(&app, &code, "SAI-MA-BI-MAT").await.0, StatusCode::NOT_FOUND);

    // The commune's officer sees it in the queue and works it to resolution.
    let (_, list) = app.get_json(&officer, "/api/v1/reports").await;
    let id = list.as_array().unwrap().iter().find(|r| r["code"] == code.as_str()).unwrap()["id"].as_i64().unwrap();
    for (status, message) in
        [("triaged", ""), ("in_progress", ""), ("resolved", "Đã xác minh và cảnh báo trên nhóm Zalo của thôn.")]
    {
        let (s, body) =
            act(&app, &officer, &format!("/reports/{id}/status"), &[("status", status), ("message", message)]).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{status}: {body}");
    }
    // A closed report cannot be moved on by staff.
    let (s, _) = act(&app, &officer, &format!("/reports/{id}/status"), &[("status", "in_progress")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    let (_, view) = track(&app, &code, &secret).await;
    assert_eq!(view["status"], "resolved");
    assert!(view["timeline"].to_string().contains("cảnh báo trên nhóm Zalo"), "{view}");
    assert!(!view.to_string().contains("xa-a"), "officers' names are not shown to reporters");

    // The reporter rates it through the tracking page.
    let res = app
        .http
        .post(format!("{}/report/track/rate", app.base))
        .form(&[("code", code.as_str()), ("secret", secret.as_str()), ("stars", "5"), ("fixed", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Cảm ơn bạn đã đánh giá"));
    let (_, view) = track(&app, &code, &secret).await;
    assert_eq!(view["rating"], 5);
    assert_eq!(view["can_rate"], false);

    // Public statistics count it as received, resolved and on time.
    let res = app.http.get(format!("{}/api/v1/reports/stats", app.base)).send().await.unwrap();
    let stats: Value = res.json().await.unwrap();
    assert_eq!(stats["total"]["received"], 1);
    assert_eq!(stats["total"]["resolved"], 1);
    assert_eq!(stats["total"]["closed_on_time"], 1);
    assert!(
        stats["by_commune"].to_string().contains(&app.store.report(id).await.unwrap().unwrap().commune_name.unwrap())
    );
}

#[tokio::test]
async fn contacts_are_sealed_and_shown_only_to_the_handling_unit_with_an_audit_entry() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let (_, receipt) = send(&app, fraud(&app.commune_a.1, "Tin nhắn giả ngân hàng yêu cầu nhập mã OTP.")).await;
    let report = app.store.report_by_code(receipt["code"].as_str().unwrap()).await.unwrap().unwrap();

    // Nowhere in the database in plaintext: not in a full dump of every table…
    let mut dump = Vec::new();
    app.store.backup(&mut dump, Timestamp::now()).await.unwrap();
    let dump = String::from_utf8_lossy(&dump);
    for secret in [PHONE_E164, "987654321", EMAIL] {
        assert!(!dump.contains(secret), "{secret} is in the database dump");
    }
    // …and, on SQLite, not in the database file or its write-ahead log.
    if let Some(path) = app.url.strip_prefix("sqlite://") {
        for file in [path.to_string(), format!("{path}-wal")] {
            if let Ok(bytes) = std::fs::read(&file) {
                for secret in [PHONE_E164, EMAIL] {
                    assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} in {file}");
                }
            }
        }
    }

    // The province does not handle it, so it does not see the contact.
    let tinh = app.token("tinh").await;
    let (s, _) = act(&app, &tinh, &format!("/reports/{}/contact", report.id), &[]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let xa = app.token("xa-a").await;
    let before = app.store.audit_recent(None, 1000, 0).await.unwrap().len();
    let (s, page) = act(&app, &xa, &format!("/reports/{}/contact", report.id), &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(PHONE_E164) && page.contains(EMAIL));
    let audit = app.store.audit_recent(None, 1000, 0).await.unwrap();
    assert_eq!(audit.len(), before + 1);
    assert!(audit.iter().any(|e| e.action == "personal_data.view" && e.object == format!("report:{}", report.id)));
}

#[tokio::test]
async fn duplicates_are_suggested_merged_and_correlated_by_shared_identifiers() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let xa = app.token("xa-a").await;
    let (_, first) =
        send(&app, fraud(&app.commune_a.1, "Số 0856 123 789 gọi xưng công an, đòi chuyển tiền để xác minh.")).await;
    let (_, second) = send(
        &app,
        json!({"category": "fraud", "commune": app.commune_a.1,
               "description": "Tôi cũng nhận cuộc gọi từ 0856.123.789 tự xưng cán bộ công an yêu cầu chuyển tiền."}),
    )
    .await;
    let first = app.store.report_by_code(first["code"].as_str().unwrap()).await.unwrap().unwrap();
    let code2 = second["code"].as_str().unwrap();
    let second_report = app.store.report_by_code(code2).await.unwrap().unwrap();

    // The triage page suggests the earlier one.
    let res = app.http.get(format!("{}/reports/{}", app.base, second_report.id)).bearer_auth(&xa).send().await.unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains(&first.code), "the earlier report is suggested");

    // Correlations list the shared phone number.
    let res = app.http.get(format!("{}/reports/correlations", app.base)).bearer_auth(&xa).send().await.unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains("0856 123 789") && !page.contains(">+84856123789<"), "{page}");

    // Merging closes the newer one and tells its reporter which one goes on.
    let (s, body) =
        act(&app, &xa, &format!("/reports/{}/merge", second_report.id), &[("into", &first.id.to_string())]).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let (_, view) = track(&app, code2, second["secret"].as_str().unwrap()).await;
    assert_eq!(view["status"], "duplicate");
    assert!(view["timeline"].to_string().contains(&first.code));
    // The other way round is refused: a report joins an earlier one.
    let (s, _) =
        act(&app, &xa, &format!("/reports/{}/merge", first.id), &[("into", &second_report.id.to_string())]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn overdue_reports_escalate_and_contacts_expire() {
    let app = TestApp::start().await;
    let (_, receipt) = send(&app, fraud(&app.commune_a.1, "Trang web giả mạo dịch vụ công yêu cầu nộp phí.")).await;
    let code = receipt["code"].as_str().unwrap();
    let report = app.store.report_by_code(code).await.unwrap().unwrap();
    assert_eq!(report.unit_id, app.commune_a.0);

    let now = chrono::Utc::now();
    assert_eq!(app.store.escalate_overdue(now).await.unwrap(), 0, "not yet due");
    assert_eq!(app.store.escalate_overdue(now + chrono::Duration::days(6)).await.unwrap(), 1);
    let escalated = app.store.report(report.id).await.unwrap().unwrap();
    assert_eq!(escalated.unit_id, app.province, "the level above takes it over");
    assert_eq!(escalated.escalations, 1);
    let notes = app.store.notifications_for(app.province, 10).await.unwrap();
    assert!(notes.iter().any(|n| n.report_id == Some(report.id) && n.body.contains("quá hạn")));

    // Closed, then kept for the retention period, then the contact goes.
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    tx.report_move(report.id, khienmang_core::reports::Status::Rejected, None).await.unwrap();
    tx.commit().await.unwrap();
    let retention = chrono::Duration::days(180);
    assert_eq!(app.store.remove_expired_contacts(now + chrono::Duration::days(10), retention).await.unwrap(), 0);
    assert_eq!(app.store.remove_expired_contacts(now + chrono::Duration::days(181), retention).await.unwrap(), 1);
    let (_, view) = track(&app, code, receipt["secret"].as_str().unwrap()).await;
    assert_eq!(view["has_contact"], false);
}

#[tokio::test]
async fn the_reporter_can_delete_their_contact_and_pending_mail_to_them_goes_too() {
    let app = TestApp::start().await;
    let (_, receipt) = send(&app, fraud(&app.commune_a.1, "Ứng dụng cho vay đe dọa người thân của tôi.")).await;
    let (code, secret) = (receipt["code"].as_str().unwrap(), receipt["secret"].as_str().unwrap());
    let report = app.store.report_by_code(code).await.unwrap().unwrap();
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    tx.report_ask(report.id, "Bạn còn giữ ảnh chụp tin nhắn không?").await.unwrap();
    tx.commit().await.unwrap();
    let pending = |app: &TestApp| {
        let pool = app.store.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT CAST(COUNT(*) AS BIGINT) FROM email_outbox WHERE to_reporter = 1")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(pending(&app).await, 1);
    let res = app
        .http
        .post(format!("{}/report/track/forget-contact", app.base))
        .form(&[("code", code), ("secret", secret)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (_, view) = track(&app, code, secret).await;
    assert_eq!(view["has_contact"], false);
    assert_eq!(pending(&app).await, 0);
}

/// A minimal SMTP server that keeps what it receives.
async fn smtp_sink() -> (u16, std::sync::Arc<tokio::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let kept = mails.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            kept.lock().await.push(data.take().unwrap());
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, mails)
}

#[tokio::test]
async fn status_messages_reach_the_reporter_by_mail_through_the_jobs_command() {
    let (key, hex) = FieldKey::generate();
    let app =
        TestApp::start_with(WebConfig { require_totp: false, field_key: Some(key), ..WebConfig::default() }).await;
    let (_, receipt) = send(&app, fraud(&app.commune_a.1, "Trang bán hàng giả mạo nhận tiền rồi chặn liên lạc.")).await;
    let report = app.store.report_by_code(receipt["code"].as_str().unwrap()).await.unwrap().unwrap();
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    tx.report_move(report.id, khienmang_core::reports::Status::Triaged, Some("Đã chuyển Công an xã xác minh."))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let (port, mails) = smtp_sink().await;
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_khienmang"))
        .args(["report-jobs", "--database", &app.url])
        .env("KHIENMANG_FIELD_KEY", &hex)
        .env("KHIENMANG_SMTP_URL", format!("smtp://127.0.0.1:{port}"))
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mails = mails.lock().await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].contains(EMAIL), "sent to the reporter's address");
    assert!(mails[0].contains(&report.code));
    let unsent: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM email_outbox WHERE sent_at IS NULL")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(unsent, 0);
}

#[tokio::test]
async fn bad_input_gets_a_clear_refusal_and_stores_nothing() {
    let app = TestApp::start().await;
    let url = format!("{}/api/v1/reports", app.base);
    let before = report_count(&app).await;
    let post = |body: reqwest::Body, content_type: &'static str| {
        app.http.post(&url).header("content-type", content_type).body(body).send()
    };
    let cases: Vec<(&str, reqwest::Response)> = vec![
        ("oversize", post(vec![b'a'; 30 * 1024 * 1024].into(), "application/json").await.unwrap()),
        ("text/plain", post("Lừa đảo".into(), "text/plain").await.unwrap()),
        (
            "invalid UTF-8",
            post(b"{\"category\":\"fraud\",\"description\":\"\xff\xfe lua dao\"}".to_vec().into(), "application/json")
                .await
                .unwrap(),
        ),
        (
            "unknown category",
            post(
                json!({"category": "spam", "description": "Một nội dung đủ dài."}).to_string().into(),
                "application/json",
            )
            .await
            .unwrap(),
        ),
        (
            "too short",
            post(json!({"category": "fraud", "description": "ngắn"}).to_string().into(), "application/json")
                .await
                .unwrap(),
        ),
        (
            "unknown field",
            post(
                json!({"category": "fraud", "description": "Một nội dung đủ dài.", "cccd": "001"}).to_string().into(),
                "application/json",
            )
            .await
            .unwrap(),
        ),
    ];
    for (what, res) in cases {
        let status = res.status();
        assert!(status.is_client_error(), "{what}: {status}");
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: a message to read, got {body}");
    }
    // A screenshot that is a decompression bomb, and one named to escape the folder.
    let mut bomb = Vec::new();
    bomb.extend_from_slice(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    for (name, bytes) in [("bom.png", bomb.clone()), ("../../etc/passwd.png", b"not an image".to_vec())] {
        let form = reqwest::multipart::Form::new()
            .text("category", "fraud")
            .text("description", "Ảnh chụp màn hình tin nhắn lừa đảo.")
            .part("attachments", reqwest::multipart::Part::bytes(bytes).file_name(name));
        let res = app.http.post(&url).multipart(form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
    }
    // The honeypot field, which people never see.
    let form = reqwest::multipart::Form::new()
        .text("category", "fraud")
        .text("description", "Nội dung do máy tự điền vào.")
        .text("website", "http://spam.example");
    assert_eq!(app.http.post(format!("{}/report", app.base)).multipart(form).send().await.unwrap().status(), 422);
    assert_eq!(report_count(&app).await, before, "a refused report was stored");

    // Markup is kept as typed and escaped wherever it is shown.
    let (status, receipt) =
        send(&app, json!({"category": "other", "description": "<script>alert(1)</script> trang lạ"})).await;
    assert_eq!(status, StatusCode::CREATED);
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let report = app.store.report_by_code(receipt["code"].as_str().unwrap()).await.unwrap().unwrap();
    assert_eq!(report.description, "<script>alert(1)</script> trang lạ");
    let page = app.http.get(format!("{}/reports/{}", app.base, report.id)).bearer_auth(&t).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(!page.contains("<script>alert"), "markup is escaped");
    assert!(page.contains("alert(1)"), "and still shown");
}

#[tokio::test]
async fn a_screenshot_is_stored_without_its_location_and_served_only_as_an_audited_download() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    // A JPEG with an EXIF block carrying a GPS marker.
    let mut jpeg = Vec::new();
    image::DynamicImage::new_rgb8(8, 8)
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let exif = b"Exif\0\0GPSLatitude 21.18 N GPSLongitude 106.07 E";
    let mut with_exif = jpeg[..2].to_vec();
    with_exif.extend_from_slice(&[0xFF, 0xE1]);
    with_exif.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    with_exif.extend_from_slice(exif);
    with_exif.extend_from_slice(&jpeg[2..]);
    let form = reqwest::multipart::Form::new()
        .text("category", "fraud")
        .text("description", "Ảnh chụp màn hình tin nhắn lừa đảo.")
        .text("commune", app.commune_a.1.clone())
        .part("attachments", reqwest::multipart::Part::bytes(with_exif).file_name("anh.jpg"));
    let res = app.http.post(format!("{}/api/v1/reports", app.base)).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let receipt: Value = res.json().await.unwrap();
    let report = app.store.report_by_code(receipt["code"].as_str().unwrap()).await.unwrap().unwrap();
    let attachments = app.store.report_attachments(report.id).await.unwrap();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].kind, "image/jpeg");

    let xa = app.token("xa-a").await;
    let res = app
        .http
        .get(format!("{}/reports/attachments/{}", app.base, attachments[0].id))
        .bearer_auth(&xa)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let bytes = res.bytes().await.unwrap();
    assert!(!bytes.windows(11).any(|w| w == b"GPSLatitude"), "the location is gone");
    assert!(image::load_from_memory(&bytes).is_ok());
    // A citizen's file is personal data: the download is an audited read.
    let reads = app.store.audit_recent(Some(&format!("report:{}", report.id)), 100, 0).await.unwrap();
    let reads: Vec<_> = reads.iter().filter(|e| e.action == "personal_data.view").collect();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0].actor, "xa-a");
    assert!(reads[0].details.contains(&format!("\"attachment\":{}", attachments[0].id)), "{}", reads[0].details);
    // Anonymous visitors cannot fetch it.
    let res = app.http.get(format!("{}/reports/attachments/{}", app.base, attachments[0].id)).send().await.unwrap();
    assert!(res.status().is_redirection() || res.status() == StatusCode::UNAUTHORIZED);
}

/// The intake routes with the routing it last built, without a query per
/// report; a change of the tree made meanwhile by another replica must still
/// decide: a commune abolished since is refused (nothing written), a commune
/// created since receives its report.
#[tokio::test]
async fn reports_follow_a_tree_changed_by_another_replica_after_routing_was_built() {
    use khienmang_core::org::{Level, NewUnit, OrgOp};
    let app = TestApp::start().await;
    let (status, first) = send(&app, fraud(&app.commune_b.1, "Tin nhắn giả danh ngân hàng đòi mã OTP.")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");

    let today = chrono::Utc::now().date_naive();
    let replica = khienmang_store::Store::connect(&app.url).await.unwrap();
    let mut tx = replica.begin_write("replica-2", Timestamp::now()).await.unwrap();
    tx.apply_op(&OrgOp::Abolish { unit: app.commune_b.0 }, today, None).await.unwrap();
    let created = NewUnit {
        code: Some("99001".into()),
        unit_type: Some("Xã".into()),
        ..NewUnit::new("Xã Mới Lập", Level::Commune, Some(app.province))
    };
    let new_commune = tx.apply_op(&OrgOp::Create { unit: created }, today, None).await.unwrap()[0];
    tx.commit().await.unwrap();

    let before = report_count(&app).await;
    let (status, refused) = send(&app, fraud(&app.commune_b.1, "Cuộc gọi mạo danh công an xã.")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused["message"].as_str().unwrap_or("").to_lowercase().contains("xã/phường"), "{refused}");
    assert_eq!(report_count(&app).await, before, "a refused report is not written");

    let (status, receipt) = send(&app, fraud("99001", "Trang bán hàng giả lừa đặt cọc.")).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let commune: Option<i64> = sqlx::query_scalar("SELECT commune_id FROM reports WHERE code = $1")
        .bind(receipt["code"].as_str().unwrap())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(commune, Some(new_commune.0));
}

/// A batch tells each unit once: how many of its reports came, linked to
/// the first of them.
#[tokio::test]
async fn a_batch_notifies_each_unit_once_with_its_count() {
    let app = TestApp::start().await;
    let (a, b) = (app.commune_a.0, app.commune_b.0);
    let key = FieldKey::generate().0;
    let receipts = app
        .store
        .receive_reports_at(
            &key,
            vec![fraud_report(a), fraud_report(b), fraud_report(a)],
            chrono::Utc::now(),
            Timestamp::now(),
        )
        .await
        .unwrap();
    assert_eq!(receipts.iter().map(|r| r.unit_id).collect::<Vec<_>>(), [a, b, a]);

    let notes = app.store.notifications_for(a, 10).await.unwrap();
    assert_eq!(notes.len(), 1, "one notification for the two reports");
    assert_eq!((notes[0].report_id, notes[0].body.as_str()), (Some(receipts[0].id), "Có 2 phản ánh mới cần phân loại"));
    let notes = app.store.notifications_for(b, 10).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0].report_id, notes[0].body.as_str()), (Some(receipts[1].id), "Có phản ánh mới cần phân loại"));
}

#[tokio::test]
async fn similar_reports_of_another_commune_are_hidden_from_officers_and_the_public_learns_only_a_count() {
    use khienmang_core::reports::{Category, Status};
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let xa = app.token("xa-a").await;
    // Another commune's report naming the same number, with its own victim's details.
    let private = "Bà Trần Thị Bí Mật ở thôn Đông bị số 0856 123 789 lừa chuyển 80 triệu đồng.";
    let (status, other) = send(&app, fraud(&app.commune_b.1, private)).await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    let (_, same) =
        send(&app, fraud(&app.commune_a.1, "Số 0856 123 789 gọi xưng công an, đòi chuyển tiền để xác minh.")).await;
    let (_, mine) =
        send(&app, fraud(&app.commune_a.1, "Tôi cũng bị số 0856 123 789 gọi xưng công an, yêu cầu chuyển tiền.")).await;
    let other = app.store.report_by_code(other["code"].as_str().unwrap()).await.unwrap().unwrap();
    let same_code = same["code"].as_str().unwrap();
    let mine = app.store.report_by_code(mine["code"].as_str().unwrap()).await.unwrap().unwrap();

    // The officer cannot open the other commune's report…
    let res = app.http.get(format!("{}/reports/{}", app.base, other.id)).bearer_auth(&xa).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // …and their own report's page does not list it as similar either,
    // while the same commune's one still is.
    let res = app.http.get(format!("{}/reports/{}", app.base, mine.id)).bearer_auth(&xa).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains(same_code), "the same commune's report is suggested");
    assert!(!page.contains(&other.code), "another commune's code is listed");
    assert!(!page.contains("Bí Mật"), "another commune's text is listed");

    // Anonymously, the similar-reports hint says how many, and nothing else.
    let res = app
        .http
        .get(format!("{}/report/similar", app.base))
        .query(&[("identifiers", "0856 123 789"), ("description", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let hint = res.text().await.unwrap();
    assert!(hint.contains("id=\"similar-count\">3<"), "{hint}");
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).format("%d/%m/%Y").to_string();
    let commune_b = other.commune_name.clone().unwrap();
    let commune_a = mine.commune_name.clone().unwrap();
    for leak in [
        other.code.as_str(),
        same_code,
        "Bí Mật",
        commune_a.as_str(),
        commune_b.as_str(),
        today.as_str(),
        Category::Fraud.label_vi(),
        Status::Received.label_vi(),
    ] {
        assert!(!hint.contains(leak), "{leak:?} in the public hint: {hint}");
    }
    // Nothing similar: no hint at all.
    let res = app.http.get(format!("{}/report/similar", app.base)).query(&[("identifiers", "0912 000 999")]).send();
    assert!(!res.await.unwrap().text().await.unwrap().contains("similar-count"));
}

/// Reports go by the tree of their date in Viet Nam: at 01:00 on the day a
/// reorganisation takes effect (still the day before in UTC), the merged
/// commune is gone and the new one takes the report; a minute before
/// midnight the old tree holds.
#[tokio::test]
async fn a_report_sent_at_one_in_the_morning_on_reorganisation_day_goes_by_the_new_tree() {
    use khienmang_core::org::{Level, NewUnit, OrgOp};
    let app = TestApp::start().await;
    // Commune B merges into a new commune on 1 July 2027.
    let effective = day("2027-07-01");
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    let created = NewUnit {
        code: Some("99002".into()),
        unit_type: Some("Phường".into()),
        ..NewUnit::new("Phường Hợp Nhất", Level::Commune, Some(app.province))
    };
    let merged = app.commune_b.0;
    let op = OrgOp::Merge { sources: vec![merged], into: None, new_unit: Some(created) };
    let successor = *tx.apply_op(&op, effective, None).await.unwrap().last().unwrap();
    tx.commit().await.unwrap();
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&chrono::Utc);
    let key = FieldKey::generate().0;
    let (before_midnight, one_am) = (at("2027-06-30T23:59:00+07:00"), at("2027-07-01T01:00:00+07:00"));
    let send = |commune, when| app.store.receive_reports_at(&key, vec![fraud_report(commune)], when, Timestamp::now());

    assert_eq!(send(merged, before_midnight).await.unwrap()[0].unit_id, merged, "23:59: the old commune");
    assert!(send(successor, before_midnight).await.is_err(), "23:59: the new commune is not there yet");
    assert_eq!(send(successor, one_am).await.unwrap()[0].unit_id, successor, "01:00: the new commune");
    let before = report_count(&app).await;
    assert!(send(merged, one_am).await.is_err(), "01:00: the merged commune no longer takes reports");
    assert_eq!(report_count(&app).await, before, "a refused report is not written");
}

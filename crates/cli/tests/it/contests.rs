//! Online contests through the real server: the deadline is the server's,
//! ties are broken by prediction closeness then time, attempts are limited
//! per person and period, the organisers' staff are refused, one-time codes
//! expire and allow few tries, bad answer sheets are refused in Vietnamese
//! without writing anything, and the result sheet reads back.

use std::time::Duration;

use chrono::Utc;
use khienmang_core::auth::Role;
use khienmang_core::outreach::contest::{AttemptPolicy, ContestRules, Period, Question, QuestionId, RESULT_HEADERS_VI};
use khienmang_core::time::Timestamp;
use khienmang_store::outreach::contests::{ContestUnit, NewContest};
use khienmang_web::WebConfig;
use serde_json::{Value, json};

use khienmang_core::org::UnitId;
use khienmang_store::Store;

use khienmang_testkit::http::TestApp;

const QUESTIONS: usize = 4;

/// A server whose log-only SMS sender shows codes (demo accounts on), as
/// the demo and these tests need to read them.
async fn app() -> TestApp {
    TestApp::start_with(WebConfig { require_totp: false, allow_demo_accounts: true, ..WebConfig::default() }).await
}

/// An open contest of the province: `QUESTIONS` questions out of 6, each
/// with its right answer "Đúng …", `time_limit` seconds, `max` attempts a day.
async fn contest(app: &TestApp, time_limit: u32, max: u32) -> i64 {
    open_contest(&app.store, app.province, &[(app.commune_a.0, 4), (app.commune_b.0, 1000)], time_limit, max).await
}

/// The same contest written straight to `store`: organised by `organiser`,
/// open to `units` (unit, eligible people); the crash test shares it.
pub async fn open_contest(store: &Store, organiser: UnitId, units: &[(UnitId, u32)], time_limit: u32, max: u32) -> i64 {
    let now = Utc::now();
    let bank: Vec<Question> = (1..=6)
        .map(|i| Question {
            id: QuestionId(i),
            category: if i % 2 == 0 { "Luật An ninh mạng".into() } else { "Phòng, chống lừa đảo".into() },
            text: format!("Câu hỏi thử số {i}?"),
            choices: vec![format!("Đúng {i}"), format!("Sai {i}a"), format!("Sai {i}b")],
            correct: 0,
        })
        .collect();
    let mut tx = store.begin_write("test", Timestamp::now()).await.unwrap();
    let id = tx
        .create_contest(&NewContest {
            rules: ContestRules {
                title: "Cuộc thi thử".into(),
                opens_at: now - chrono::Duration::hours(1),
                closes_at: now + chrono::Duration::days(5),
                question_count: QUESTIONS,
                quotas: vec![],
                time_limit_secs: time_limit,
                attempts: AttemptPolicy { max_attempts: max, period: Period::Day },
            },
            organiser,
            description: "Thử".into(),
            prediction_question: "Bao nhiêu người trả lời đúng tất cả?".into(),
            use_shared_bank: false,
        })
        .await
        .unwrap();
    tx.add_contest_questions(Some(id), &bank).await.unwrap();
    let units: Vec<ContestUnit> =
        units.iter().map(|&(unit, eligible)| ContestUnit { unit, eligible: Some(eligible.into()) }).collect();
    tx.set_contest_units(id, &units).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn post_json(app: &TestApp, path: &str, body: &Value) -> (u16, Value) {
    let res = app.http.post(format!("{}{path}", app.base)).json(body).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// An attempt started through the API: (attempt, token, questions).
struct Started {
    attempt: i64,
    token: String,
    questions: Vec<Value>,
}

async fn code_for(app: &TestApp, contest: i64, phone: &str) -> String {
    let (status, body) = post_json(app, &format!("/api/v1/contests/{contest}/code"), &json!({"phone": phone})).await;
    assert_eq!(status, 200, "code for {phone}: {body}");
    body["demo_code"].as_str().expect("the demo shows the code").to_string()
}

async fn start(app: &TestApp, contest: i64, phone: &str, name: &str, unit: Option<i64>) -> Started {
    let code = code_for(app, contest, phone).await;
    let (status, body) = post_json(
        app,
        &format!("/api/v1/contests/{contest}/attempts"),
        &json!({"phone": phone, "code": code, "name": name, "unit": unit}),
    )
    .await;
    assert_eq!(status, 201, "start for {phone}: {body}");
    Started {
        attempt: body["attempt"].as_i64().unwrap(),
        token: body["token"].as_str().unwrap().to_string(),
        questions: body["questions"].as_array().unwrap().clone(),
    }
}

/// The displayed positions of the right answers, `wrong` of them missed.
fn answers(s: &Started, wrong: usize) -> Vec<Option<usize>> {
    s.questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let choices = q["choices"].as_array().unwrap();
            let right = choices.iter().position(|c| c.as_str().unwrap().starts_with("Đúng")).unwrap();
            Some(if i < wrong { (right + 1) % choices.len() } else { right })
        })
        .collect()
}

async fn submit(app: &TestApp, contest: i64, s: &Started, body: Value) -> (u16, Value) {
    post_json(app, &format!("/api/v1/contests/{contest}/attempts/{}/submit", s.attempt), &body).await
}

/// Moves an attempt's start (and deadline) back by `secs`: the time taken
/// is the server's, so this is how a test makes someone slower.
async fn started_earlier(app: &TestApp, attempt: i64, secs: i64, limit: i64) {
    let started = Utc::now() - chrono::Duration::seconds(secs);
    sqlx::query("UPDATE contest_attempts SET started_at = $1, deadline = $2 WHERE id = $3")
        .bind(Timestamp::from(started).stored_millis())
        .bind(Timestamp::from(started + chrono::Duration::seconds(limit)).stored_millis())
        .bind(attempt)
        .execute(app.store.pool())
        .await
        .unwrap();
}

/// The API leaderboard once it includes `sheets` counted sheets.
async fn board(app: &TestApp, contest: i64, sheets: u64) -> Value {
    for _ in 0..100 {
        let (status, body) = app.get_json("", &format!("/api/v1/contests/{contest}/leaderboard?limit=100")).await;
        assert_eq!(status, 200);
        if body["sheets"].as_u64() == Some(sheets) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the leaderboard never showed {sheets} sheets");
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.store.pool()).await.unwrap()
}

#[tokio::test]
async fn a_sheet_after_the_server_deadline_never_counts_whatever_the_client_says() {
    let app = app().await;
    let c = contest(&app, 60, 5).await;
    let on_time = start(&app, c, "0912 000 001", "Người nộp đúng giờ", None).await;
    let late = start(&app, c, "0912 000 002", "Người nộp muộn", None).await;
    // The late one's minute ran out 30 s ago (by the server's clock).
    started_earlier(&app, late.attempt, 90, 60).await;

    let (status, body) =
        submit(&app, c, &on_time, json!({"token": on_time.token, "answers": answers(&on_time, 1), "prediction": 1}))
            .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counted"], true);
    assert_eq!(body["score"], (QUESTIONS - 1) as u64);

    // Every answer right, and a client that claims it was quick and on time.
    let claims = json!({
        "token": late.token, "answers": answers(&late, 0), "prediction": 1,
        "time_taken_ms": 1000, "received_at": Utc::now() - chrono::Duration::seconds(85),
        "submitted_at": Utc::now() - chrono::Duration::seconds(85), "deadline": Utc::now() + chrono::Duration::hours(1),
        "score": QUESTIONS, "counted": true,
    });
    let (status, body) = submit(&app, c, &late, claims).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counted"], false, "{body}");
    assert!(body["late_by_ms"].as_i64().unwrap() >= 29_000, "{body}");
    assert!(body["message"].as_str().unwrap().contains("không được tính"), "{body}");

    // Stored as not counted, with no score; the leaderboard has only the on-time sheet.
    let (counted, score): (i64, i64) = {
        let row: (i64, i64) = sqlx::query_as("SELECT counted, score FROM contest_entries WHERE attempt_id = $1")
            .bind(late.attempt)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        row
    };
    assert_eq!((counted, score), (0, 0));
    let b = board(&app, c, 1).await;
    assert_eq!(b["entrants"], 1);
    assert_eq!(b["places"][0]["name"], "Người nộp đúng giờ");
    assert!(b["actual_all_correct"].is_null(), "not published while the contest is open: {b}");

    // A second sheet for the same attempt is refused, in time or not.
    let (status, body) = submit(&app, c, &late, json!({"token": late.token, "answers": []})).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["message"].as_str().unwrap().contains("đã nộp bài"));
    // The organisers' export does not rank the late sheet either.
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let rows = export_rows(&app, &t, c, false).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][1], "Người nộp đúng giờ");
    // Nor is the late perfect sheet an all-correct person (the organisers see the live count).
    let page = app.http.get(format!("{}/outreach/contests/{c}", app.base)).bearer_auth(&t).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("<strong>0</strong> · 1 "), "{html}");
}

#[tokio::test]
async fn equal_scores_rank_by_prediction_closeness_then_time_and_the_export_reads_back() {
    let app = app().await;
    let c = contest(&app, 600, 5).await;
    let a_unit = app.commune_a.0.0;
    // Three people answer everything right, so the answer to the prediction question is 3.
    let close = start(&app, c, "0912 111 001", "Gần đúng nhất", Some(a_unit)).await;
    let quick = start(&app, c, "0912 111 002", "Nhanh hơn", Some(a_unit)).await;
    let slow = start(&app, c, "0912 111 003", "Chậm hơn", None).await;
    let weaker = start(&app, c, "0912 111 004", "Sai một câu", Some(a_unit)).await;
    started_earlier(&app, close.attempt, 300, 600).await;
    started_earlier(&app, quick.attempt, 20, 600).await;
    started_earlier(&app, slow.attempt, 200, 600).await;
    started_earlier(&app, weaker.attempt, 5, 600).await;
    for (s, wrong, prediction) in [(&close, 0, 3), (&quick, 0, 10), (&slow, 0, 10), (&weaker, 1, 3)] {
        let (status, body) =
            submit(&app, c, s, json!({"token": s.token, "answers": answers(s, wrong), "prediction": prediction})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["counted"], true);
    }
    let b = board(&app, c, 4).await;
    let names: Vec<&str> = b["places"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    // Same score: the exact prediction first (though slowest), then equal
    // closeness by time; a perfect prediction does not lift a lower score.
    assert_eq!(names, ["Gần đúng nhất", "Nhanh hơn", "Chậm hơn", "Sai một câu"]);
    // While the contest is open, what decides ties stays unpublished (the
    // organisers' export below has it).
    assert!(b["actual_all_correct"].is_null() && b["places"][0]["closeness"].is_null(), "{b}");
    assert!(b["places"][1]["time_taken_ms"].as_u64() < b["places"][2]["time_taken_ms"].as_u64());
    assert!(b["places"][0]["phone"].as_str().unwrap().contains("****"), "numbers are masked in public");

    // Units: commune A has 3 of its 4 people in (75%), commune B none of 1000.
    let unit = |id: i64| b["units"].as_array().unwrap().iter().find(|u| u["unit"] == id).cloned().unwrap();
    assert_eq!(unit(a_unit)["participants"], 3);
    assert_eq!(unit(a_unit)["participation"], 0.75);
    assert_eq!(unit(app.commune_b.0.0)["participation"], 0.0);

    // The public page shows the same order.
    let html =
        app.http.get(format!("{}/contests/{c}/leaderboard", app.base)).send().await.unwrap().text().await.unwrap();
    let at = |name: &str| html.find(name).unwrap_or_else(|| panic!("{name} on the page"));
    assert!(
        at("Gần đúng nhất") < at("Nhanh hơn") && at("Nhanh hơn") < at("Chậm hơn") && at("Chậm hơn") < at("Sai một câu")
    );
    assert!(!html.contains("0912111001") && !html.contains("+84912111001"), "no full number on the public page");

    // The organisers' sheet: masked by default, whole numbers on request, both audited.
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let rows = export_rows(&app, &t, c, false).await;
    let names: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, ["Gần đúng nhất", "Nhanh hơn", "Chậm hơn", "Sai một câu"]);
    assert_eq!(rows[0][0], "1");
    assert_eq!(rows[0][2], "091****001");
    assert_eq!(rows[0][4], QUESTIONS.to_string());
    assert_eq!(rows[0][6], "3", "prediction");
    assert_eq!(rows[1][7], "7", "closeness");
    let full = export_rows(&app, &t, c, true).await;
    assert_eq!(full[0][2], "+84912111001");
    let exports = count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'contest.export'").await;
    assert_eq!(exports, 2, "every export is in the audit log");
    // The staff page lists the same winner.
    let page = app.http.get(format!("{}/outreach/contests/{c}", app.base)).bearer_auth(&t).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Gần đúng nhất"));
}

/// The first sheet of the export as text rows (after the title lines and
/// the header row, which is checked).
async fn export_rows(app: &TestApp, token: &str, contest: i64, full: bool) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let query = if full { "?phones=full" } else { "" };
    let res = app
        .http
        .get(format!("{}/outreach/contests/{contest}/results.xlsx{query}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let first = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&first).unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let header = rows.iter().position(|r| r.first().map(String::as_str) == Some(RESULT_HEADERS_VI[0])).unwrap();
    assert_eq!(rows[header], RESULT_HEADERS_VI.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    rows[header + 1..].to_vec()
}

#[tokio::test]
async fn attempts_are_limited_per_person_and_period() {
    let app = app().await;
    let c = contest(&app, 600, 2).await;
    start(&app, c, "0987 654 321", "Người thi", None).await;
    start(&app, c, "0987654321", "Người thi", None).await;
    let before = count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_attempts").await;
    // The same number typed another way is the same person.
    let (status, body) =
        post_json(&app, &format!("/api/v1/contests/{c}/code"), &json!({"phone": "+84 987 654 321"})).await;
    assert_eq!(status, 422);
    assert!(body["message"].as_str().unwrap().starts_with("Bạn đã dùng hết 2 lượt thi mỗi ngày."), "{body}");
    assert!(body.get("demo_code").is_none());
    // A code obtained earlier cannot start a third attempt either.
    let (status, body) = post_json(
        &app,
        &format!("/api/v1/contests/{c}/attempts"),
        &json!({"phone": "0987654321", "code": "000000", "name": "Người thi"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_attempts").await, before);
    // Someone else still may.
    start(&app, c, "0987 654 322", "Người khác", None).await;
}

#[tokio::test]
async fn organiser_staff_are_refused_and_no_number_is_stored_in_clear() {
    // Production settings: codes are never shown (nor logged).
    let app = TestApp::start().await;
    let c = contest(&app, 600, 3).await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let res = app
        .http
        .post(format!("{}/outreach/contests/{c}/staff", app.base))
        .bearer_auth(&t)
        .form(&[("phones", "0912 345 678\n0987.000.222")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let (status, body) =
        post_json(&app, &format!("/api/v1/contests/{c}/code"), &json!({"phone": "+84912345678"})).await;
    assert_eq!(status, 422);
    assert!(body["message"].as_str().unwrap().contains("không được tham gia"), "{body}");
    assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_codes").await, 0, "no code for staff");

    // Anyone else gets a code, which the production sender never shows.
    let (status, body) =
        post_json(&app, &format!("/api/v1/contests/{c}/code"), &json!({"phone": "0912 345 679"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["sent_to"], "091****679");
    assert!(body.get("demo_code").is_none(), "{body}");

    // Numbers are kept as keyed hashes and masked forms only.
    let staff: Vec<(String, String)> = sqlx::query_as("SELECT person_hash, person_masked FROM contest_staff")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert_eq!(staff.len(), 2);
    for (hash, masked) in &staff {
        assert!(masked.contains("****"));
        assert!(!hash.contains("912345678") && !hash.contains("987000222"));
    }
    let codes: Vec<(String, String)> =
        sqlx::query_as("SELECT person_hash, code_hash FROM contest_codes").fetch_all(app.store.pool()).await.unwrap();
    assert!(codes.iter().all(|(p, _)| !p.contains("912345679")));
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT details FROM audit_log").fetch_all(app.store.pool()).await.unwrap();
    assert!(audit.iter().all(|d| !d.contains("912345679") && !d.contains("912345678")), "no clear number audited");
}

#[tokio::test]
async fn wrong_and_expired_codes_are_refused() {
    let app = app().await;
    let c = contest(&app, 600, 3).await;
    let phone = "0912 222 333";
    let code = code_for(&app, c, phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let url = format!("/api/v1/contests/{c}/attempts");
    let (status, body) = post_json(&app, &url, &json!({"phone": phone, "code": wrong, "name": "A"})).await;
    assert_eq!(status, 422);
    assert_eq!(body["message"], "Mã xác thực không đúng. Bạn còn 4 lần thử.");
    // The code expires five minutes after it was sent.
    sqlx::query("UPDATE contest_codes SET expires_at = $1")
        .bind(Timestamp::from(Utc::now() - chrono::Duration::seconds(1)).stored_millis())
        .execute(app.store.pool())
        .await
        .unwrap();
    let (status, body) = post_json(&app, &url, &json!({"phone": phone, "code": code, "name": "A"})).await;
    assert_eq!(status, 422);
    assert!(body["message"].as_str().unwrap().contains("hết hạn"), "{body}");
    assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_attempts").await, 0);
    // Five wrong tries use a code up, even for the right code afterwards.
    let code = code_for(&app, c, phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        post_json(&app, &url, &json!({"phone": phone, "code": wrong, "name": "A"})).await;
    }
    let (status, body) = post_json(&app, &url, &json!({"phone": phone, "code": code, "name": "A"})).await;
    assert_eq!(status, 422);
    assert!(body["message"].as_str().unwrap().contains("nhập sai quá nhiều lần"), "{body}");
    // A fresh code works once.
    let code = code_for(&app, c, phone).await;
    let (status, _) = post_json(&app, &url, &json!({"phone": phone, "code": code, "name": "A"})).await;
    assert_eq!(status, 201);
    let (status, body) = post_json(&app, &url, &json!({"phone": phone, "code": code, "name": "A"})).await;
    assert_eq!(status, 422);
    assert!(body["message"].as_str().unwrap().contains("đã được sử dụng"), "{body}");
}

/// Mutations of a valid sheet that must all be refused.
fn bad_sheets(token: &str) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = vec![
        ("application/json", String::new()),
        ("application/json", "null".into()),
        ("application/json", "[1,2,3]".into()),
        ("application/json", "{\"token\":".into()),
        ("application/json", json!({"answers": [0, 1]}).to_string()),
        ("application/json", json!({"token": "x y", "answers": [0]}).to_string()),
        ("application/json", json!({"token": token, "answers": "0,1,2"}).to_string()),
        ("application/json", json!({"token": token, "answers": [0, 9]}).to_string()),
        ("application/json", json!({"token": token, "answers": [-1]}).to_string()),
        ("application/json", json!({"token": token, "answers": [0.5]}).to_string()),
        ("application/json", json!({"token": token, "answers": [{"a": 1}]}).to_string()),
        ("application/json", json!({"token": token, "prediction": -5}).to_string()),
        ("application/json", json!({"token": token, "prediction": "nhiều"}).to_string()),
        ("application/json", json!({"token": token, "answers": vec![0; 201]}).to_string()),
        ("application/json", json!({"token": token, "answers": [0, 0, 0, 0, 0, 0, 0]}).to_string()),
        ("application/json", "{\"token\": \"ab\u{0}\"}".into()),
    ];
    // Every prefix of a valid body (cut JSON) and some byte flips.
    let valid = json!({"token": token, "answers": [0, 1, 2, null], "prediction": 12}).to_string();
    for cut in (1..valid.len()).step_by(7) {
        if let Some(prefix) = valid.get(..cut) {
            out.push(("application/json", prefix.to_string()));
        }
    }
    out
}

#[tokio::test]
async fn bad_answer_sheets_are_refused_in_vietnamese_and_write_nothing() {
    let app = app().await;
    let c = contest(&app, 600, 3).await;
    let s = start(&app, c, "0912 444 555", "Người thi", None).await;
    let before = app.write_count().await;
    let url = format!("{}/api/v1/contests/{c}/attempts/{}/submit", app.base, s.attempt);
    for (ct, body) in bad_sheets(&s.token) {
        let res = app.http.post(&url).header("content-type", ct).body(body.clone()).send().await.unwrap();
        let status = res.status().as_u16();
        let answer: Value = res.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 422, "{body:?} answered {status} {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(
            message.chars().any(|ch| "ạảãáàâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ".contains(ch)),
            "{body:?}: not a Vietnamese message: {answer}"
        );
    }
    // A valid sheet with a wrong token, or as text/plain: refused too.
    let good = json!({"token": s.token, "answers": answers(&s, 0), "prediction": 1}).to_string();
    let res = app.http.post(&url).header("content-type", "text/plain").body(good.clone()).send().await.unwrap();
    assert_eq!(res.status(), 415);
    let forged = json!({"token": "0".repeat(64), "answers": answers(&s, 0)}).to_string();
    let res = app.http.post(&url).header("content-type", "application/json").body(forged).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let other = app
        .http
        .post(format!("{}/api/v1/contests/{}/attempts/{}/submit", app.base, c + 1, s.attempt))
        .header("content-type", "application/json")
        .body(good.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404, "an attempt is only submitted to its own contest");
    assert_eq!(app.write_count().await, before, "a refused sheet wrote something");
    // And the valid sheet still goes through afterwards.
    let res = app.http.post(&url).header("content-type", "application/json").body(good).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(app.write_count().await > before);
}

#[tokio::test]
async fn the_pages_work_without_script_from_number_to_result() {
    let app = app().await;
    let c = contest(&app, 600, 3).await;
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    let page = http.get(format!("{}/contests/{c}", app.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Cuộc thi thử"));
    // A landline cannot receive a code.
    let res =
        http.post(format!("{}/contests/{c}/code", app.base)).form(&[("phone", "024 3825 1234")]).send().await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("di động"));
    let res =
        http.post(format!("{}/contests/{c}/code", app.base)).form(&[("phone", "0912 555 666")]).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let code = html.split("id=\"demo-code\">").nth(1).and_then(|s| s.get(..6)).unwrap().to_string();
    let unit = app.commune_a.0.0.to_string();
    let res = http
        .post(format!("{}/contests/{c}/start", app.base))
        .form(&[("phone", "0912555666"), ("code", code.as_str()), ("name", "Người dân"), ("unit", unit.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let html = http.get(format!("{}{to}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"countdown\""));
    let token = html.split("name=\"token\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    // Pick the "Đúng" choice of each question from the page.
    let mut form = vec![("token".to_string(), token)];
    for (i, block) in html.split("<fieldset").skip(1).enumerate() {
        let right = block.split("<label class=\"contest-choice\">").skip(1).position(|l| l.contains("Đúng")).unwrap();
        form.push((format!("q{i}"), right.to_string()));
    }
    assert_eq!(form.len(), QUESTIONS + 1);
    form.push(("prediction".into(), "1".into()));
    let res = http.post(format!("{}{to}", app.base)).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let result = res.headers()["location"].to_str().unwrap().to_string();
    let html = http.get(format!("{}{result}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("{QUESTIONS}/{QUESTIONS}")), "{html}");
    assert!(html.contains("id=\"result-rank\">1/1"), "{html}");
    // Another browser (no cookie) cannot open the attempt.
    let res = app.http.get(format!("{}{to}", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_parallel_code_requests_for_one_number_issue_at_most_the_hourly_limit() {
    use khienmang_store::outreach::contests::CODES_PER_HOUR;
    let app = app().await;
    let c = contest(&app, 600, 50).await;
    let url = format!("{}/api/v1/contests/{c}/code", app.base);
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (http, url) = (app.http.clone(), url.clone());
        requests.spawn(async move {
            let res = http.post(url).json(&json!({"phone": "0912 345 678"})).send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        });
    }
    let answers = requests.join_all().await;
    let sent = answers.iter().filter(|(status, _)| *status == 200).count();
    let refused: Vec<&Value> = answers.iter().filter(|(status, _)| *status == 422).map(|(_, b)| b).collect();
    assert_eq!(sent + refused.len(), 20, "every request answered, sent or refused: {answers:?}");
    assert_eq!(sent as i64, CODES_PER_HOUR, "{answers:?}");
    assert!(refused.iter().all(|b| b["message"].as_str().unwrap().contains("trong một giờ qua")), "{refused:?}");
    let stored = count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_codes").await;
    assert_eq!(stored, CODES_PER_HOUR, "codes stored for the number");
    // The server still answers, and another number still gets its code.
    code_for(&app, c, "0912 345 679").await;
}

#[tokio::test]
async fn an_open_contests_leaderboard_hides_predictions_closeness_and_the_all_correct_count_until_final() {
    let app = app().await;
    let c = contest(&app, 600, 5).await;
    let first = start(&app, c, "0913 000 001", "Người thứ nhất", None).await;
    let second = start(&app, c, "0913 000 002", "Người thứ hai", None).await;
    for (s, prediction) in [(&first, 4321), (&second, 8765)] {
        let body = json!({"token": s.token, "answers": answers(s, 0), "prediction": prediction});
        assert_eq!(submit(&app, c, s, body).await.0, 200);
    }
    let b = board(&app, c, 2).await;
    assert_eq!(b["final"], false);
    assert!(b["actual_all_correct"].is_null(), "the running answer is published: {b}");
    for place in b["places"].as_array().unwrap() {
        assert!(place["prediction"].is_null() && place["closeness"].is_null(), "{place}");
    }
    let places = b["places"].to_string();
    for leak in ["4321", "8765", "4319", "8763"] {
        assert!(!places.contains(leak), "{leak} in {places}");
    }
    // Nor on the pages: the leaderboard and an entrant's result.
    let html =
        app.http.get(format!("{}/contests/{c}/leaderboard", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Người thứ nhất"));
    let actual = html.split("id=\"actual\">").nth(1).and_then(|s| s.split("</p>").next()).unwrap();
    assert!(!actual.chars().any(|ch| ch.is_ascii_digit()), "the running count on the page: {actual}");
    for leak in ["4321", "8765", "4319", "8763"] {
        assert!(!html.contains(leak), "{leak} on the leaderboard page");
    }
    let res = app
        .http
        .get(format!("{}/contests/{c}/attempts/{}/result", app.base, first.attempt))
        .header("cookie", format!("km_attempt_{c}={}.{}", first.attempt, first.token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let result = res.text().await.unwrap();
    assert!(result.contains("4321"), "the entrant sees their own prediction");
    let provisional = result.split("id=\"result-rank\">").nth(1).and_then(|s| s.split("</section>").next()).unwrap();
    assert!(!provisional.contains("là 2") && !provisional.contains(" 2."), "the running count: {provisional}");

    // Once the contest is over and the results are final, all of it is published.
    sqlx::query("UPDATE contests SET closes_at = $1 WHERE id = $2")
        .bind(Timestamp::from(Utc::now() - chrono::Duration::minutes(1)).stored_millis())
        .bind(c)
        .execute(app.store.pool())
        .await
        .unwrap();
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let t = app.token("tinh").await;
    let res = app.http.post(format!("{}/outreach/contests/{c}/close", app.base)).bearer_auth(&t).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let mut b = Value::Null;
    for _ in 0..100 {
        b = app.get_json("", &format!("/api/v1/contests/{c}/leaderboard")).await.1;
        if b["final"] == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(b["final"], true, "{b}");
    assert_eq!(b["actual_all_correct"], 2);
    assert_eq!(b["places"][0]["prediction"], 4321);
    assert_eq!(b["places"][0]["closeness"], 4319);
    let html =
        app.http.get(format!("{}/contests/{c}/leaderboard", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("4321") && html.contains("<strong>2</strong>"), "{html}");
}

#[tokio::test]
async fn a_result_shows_which_answers_were_wrong_only_once_the_contest_has_closed() {
    let app = app().await;
    let c = contest(&app, 600, 3).await;
    let s = start(&app, c, "0913 000 011", "Người dự thi", None).await;
    let body = json!({"token": s.token, "answers": answers(&s, 1), "prediction": 3});
    assert_eq!(submit(&app, c, &s, body).await.0, 200);
    board(&app, c, 1).await;
    let result = |lang: &'static str| {
        let (http, url) = (app.http.clone(), format!("{}/contests/{c}/attempts/{}/result", app.base, s.attempt));
        let cookie = format!("km_attempt_{c}={}.{}; lang={lang}", s.attempt, s.token);
        async move {
            let res = http.get(url).header("cookie", cookie).send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.text().await.unwrap()
        }
    };

    // While it is open, the right answers would pass from one entrant to the next.
    let open = result("vi").await;
    assert!(open.contains("id=\"result-review-later\""), "{open}");
    assert!(!open.contains("id=\"result-review\"") && !open.contains("Đáp án đúng"), "{open}");
    let time = open.split("id=\"result-time\">").nth(1).unwrap().split('<').next().unwrap();
    assert!(time.ends_with(" giây") && !time.contains('.'), "a time as people read it: {time}");

    sqlx::query("UPDATE contests SET closes_at = $1 WHERE id = $2")
        .bind(Timestamp::from(Utc::now() - chrono::Duration::minutes(1)).stored_millis())
        .bind(c)
        .execute(app.store.pool())
        .await
        .unwrap();
    let closed = result("vi").await;
    let review = closed.split("id=\"result-review\"").nth(1).expect("the review once closed");
    assert_eq!(review.matches("class=\"review-wrong\"").count(), 1, "{review}");
    assert_eq!(review.matches("class=\"review-right\"").count(), QUESTIONS - 1, "{review}");
    // The wrong one says what was picked and what was right.
    let wrong = review.split("class=\"review-wrong\"").nth(1).unwrap().split("</li>").next().unwrap();
    assert!(wrong.contains("Anh/chị chọn: Sai") && wrong.contains("Đáp án đúng: Đúng"), "{wrong}");
    let english = result("en").await;
    let time = english.split("id=\"result-time\">").nth(1).unwrap().split('<').next().unwrap();
    assert!(time.ends_with(" seconds") && !time.contains(','), "{time}");
    assert!(english.contains("Right answer: Đúng"), "the review in English");
}

//! The contests' JSON API (`/api/v1/contests`): the same steps as the
//! pages, for apps and for the benchmark. Bodies are read strictly (core's
//! `contest_input`); a bad one is answered 422 with a Vietnamese message
//! and nothing is written.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use khienmang_core::outreach::contest::{EntryId, PersonKey};
use khienmang_core::outreach::contest_input::parse_sheet_json;
use khienmang_store::outreach::contests::{AnswerSubmission, SubmitOutcome, VerifiedEntrant};
use serde::Deserialize;
use serde_json::{Value, json};

use super::public::{board_row, final_actual, outcome_message, unit_choice, unit_rows};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::limit::ClientAddr;

/// Largest body a contest endpoint reads.
pub const MAX_BODY: usize = 64 * 1024;
/// Places per page of the leaderboard at most.
const MAX_LIMIT: usize = 500;

fn require_json(headers: &HeaderMap) -> WebResult<()> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if ct.starts_with("application/json") {
        Ok(())
    } else {
        Err(WebError::Unsupported("Nội dung gửi lên phải là JSON (Content-Type: application/json).".into()))
    }
}

fn read<T: for<'de> Deserialize<'de>>(headers: &HeaderMap, body: &Bytes, example: &str) -> WebResult<T> {
    require_json(headers)?;
    serde_json::from_slice(body)
        .map_err(|_| WebError::BadRequest(format!("Nội dung JSON không hợp lệ; ví dụ đúng: {example}")))
}

/// `GET /api/v1/contests`: every contest and whether it is open.
#[utoipa::path(get, path = "/api/v1/contests", tag = "contests",
    responses((status = 200, description = "[{id, title, opens_at, closes_at, question_count, time_limit_secs, max_attempts, attempt_period, prediction_question, open}]")))]
pub async fn list(State(state): State<AppState>) -> WebResult<Json<Value>> {
    let now = crate::access::now().utc();
    let contests: Vec<Value> = state
        .store
        .outreach_public()
        .contests()
        .await?
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "title": c.rules.title,
                "opens_at": c.rules.opens_at,
                "closes_at": c.rules.closes_at,
                "question_count": c.rules.question_count,
                "time_limit_secs": c.rules.time_limit_secs,
                "max_attempts": c.rules.attempts.max_attempts,
                "attempt_period": c.rules.attempts.period.as_str(),
                "prediction_question": c.prediction_question,
                "open": c.rules.is_open(now),
            })
        })
        .collect();
    Ok(Json(json!(contests)))
}

#[derive(Deserialize)]
struct CodeIn {
    phone: String,
}

/// `POST /api/v1/contests/{contest}/code` `{"phone": "0912 345 678"}`:
/// sends a one-time code by SMS.
#[utoipa::path(post, path = "/api/v1/contests/{contest}/code", tag = "contests",
    params(("contest" = i64, Path, description = "The contest")),
    request_body(content = Object, content_type = "application/json", description = "{\"phone\": \"0912 345 678\"}"),
    responses((status = 200, description = "{sent_to (masked), expires_in_secs}"),
        (status = 422, description = "Not a Vietnamese mobile, contest not open, organiser staff, attempts used up, too many codes"),
        (status = 429, description = "Too many codes from this client this hour")))]
pub async fn code(
    State(state): State<AppState>,
    client: ClientAddr,
    Path(contest): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Json<Value>> {
    let input: CodeIn = read(&headers, &body, r#"{"phone": "0912345678"}"#)?;
    let c = state.store.outreach_public().contest(contest).await?;
    let person = PersonKey::parse(&input.phone).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let demo_code =
        state.contests.send_code(state.store.outreach_public(), c.id, &person, &state.limits, client).await?;
    let mut out = json!({
        "sent_to": person.masked(),
        "expires_in_secs": khienmang_core::outreach::contest::OTP_TTL.num_seconds(),
    });
    if let Some(code) = demo_code {
        // Only with demo accounts on: the log-only sender sends nothing.
        out["demo_code"] = json!(code);
    }
    Ok(Json(out))
}

#[derive(Deserialize)]
struct StartIn {
    phone: String,
    code: String,
    name: String,
    #[serde(default)]
    unit: Option<Value>,
}

/// `POST /api/v1/contests/{contest}/attempts`
/// `{"phone", "code", "name", "unit"}`: starts an attempt; answers 201 with
/// its token, window and questions (answers in this attempt's order).
#[utoipa::path(post, path = "/api/v1/contests/{contest}/attempts", tag = "contests",
    params(("contest" = i64, Path, description = "The contest")),
    request_body(content = Object, content_type = "application/json",
        description = "{\"phone\", \"code\", \"name\", \"unit\" (optional unit id)}"),
    responses((status = 201, description = "{attempt, token, started_at, deadline, time_limit_secs, questions: [{index, category, text, choices}], prediction_question, submit}"),
        (status = 422, description = "Wrong, expired or used code; not eligible; attempts used up")))]
pub async fn start(
    State(state): State<AppState>,
    Path(contest): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Response> {
    let input: StartIn =
        read(&headers, &body, r#"{"phone": "0912345678", "code": "123456", "name": "Nguyễn Văn A", "unit": 12}"#)?;
    let c = state.store.outreach_public().contest(contest).await?;
    let person = PersonKey::parse(&input.phone).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let unit = match &input.unit {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => unit_choice(&n.to_string())?,
        Some(Value::String(s)) => unit_choice(s)?,
        Some(_) => return Err(WebError::BadRequest("Đơn vị đã chọn không hợp lệ.".into())),
    };
    let entrant = VerifiedEntrant { person, name: input.name, unit };
    let public = state.store.outreach_public();
    let started = public
        .start_contest_attempt(&state.contests.keys, c.id, entrant, &input.code, crate::access::now().utc())
        .await?;
    let bank = public.contest_bank(&c).await?;
    let mut questions = Vec::with_capacity(started.draw.questions.len());
    for (index, dq) in started.draw.questions.iter().enumerate() {
        let q = bank.iter().find(|b| b.question.id == dq.question).ok_or(WebError::NotFound)?;
        let choices = dq.displayed_choices(&q.question).ok_or(WebError::NotFound)?;
        questions.push(
            json!({"index": index, "category": q.question.category, "text": q.question.text, "choices": choices}),
        );
    }
    let body = json!({
        "attempt": started.id,
        "token": started.token,
        "started_at": started.window.started_at,
        "deadline": started.window.deadline,
        "time_limit_secs": c.rules.time_limit_secs,
        "questions": questions,
        "prediction_question": c.prediction_question,
        "submit": format!("/api/v1/contests/{}/attempts/{}/submit", c.id, started.id),
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `POST /api/v1/contests/{contest}/attempts/{attempt}/submit`
/// `{"token", "answers": [displayed position or null, …], "prediction"}`:
/// the answer sheet. The server's clock at arrival decides whether it is in
/// time; nothing the client says about time is read.
#[utoipa::path(post, path = "/api/v1/contests/{contest}/attempts/{attempt}/submit", tag = "contests",
    params(("contest" = i64, Path, description = "The contest"), ("attempt" = i64, Path, description = "The attempt")),
    request_body(content = Object, content_type = "application/json",
        description = "{\"token\": \"…\", \"answers\": [displayed position or null, …], \"prediction\": 15}"),
    responses((status = 200, description = "{entry, counted: true, score, total, time_taken_ms, message} or, after the deadline, {entry, counted: false, late_by_ms, message}"),
        (status = 404, description = "No such attempt, or a wrong token"),
        (status = 422, description = "A malformed sheet, or the attempt was already submitted")))]
pub async fn submit(
    State(state): State<AppState>,
    Path((contest, attempt)): Path<(i64, i64)>,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Json<Value>> {
    let received_at = crate::access::now().utc();
    require_json(&headers)?;
    let sheet = parse_sheet_json(&body).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let done = state.contests.submissions.submit(AnswerSubmission { contest, attempt, sheet, received_at }).await?;
    let message = outcome_message(&done.outcome);
    Ok(Json(match done.outcome {
        SubmitOutcome::Counted { grade, time_taken_ms } => json!({
            "entry": done.entry.0,
            "counted": true,
            "score": grade.correct,
            "total": grade.total,
            "time_taken_ms": time_taken_ms,
            "message": message,
        }),
        SubmitOutcome::Late(late) => json!({
            "entry": done.entry.0,
            "counted": false,
            "late_by_ms": late.late_by.num_milliseconds(),
            "message": message,
        }),
    }))
}

#[derive(Deserialize, Default)]
pub struct BoardQuery {
    #[serde(default)]
    offset: Option<usize>,
    #[serde(default)]
    limit: Option<usize>,
    /// An entry to look up: its place, if it is its person's best.
    #[serde(default)]
    entry: Option<i64>,
}

/// `GET /api/v1/contests/{contest}/leaderboard[?offset&limit&entry]`: the
/// live leaderboard (numbers masked), a page of places and every unit.
/// Until the results are final, the answer to the prediction question and
/// each place's prediction and closeness are null: they decide ties, and
/// shown early they would tell later entrants what to predict.
#[utoipa::path(get, path = "/api/v1/contests/{contest}/leaderboard", tag = "contests",
    params(("contest" = i64, Path, description = "The contest"),
        ("offset" = Option<usize>, Query, description = "First place (0-based)"),
        ("limit" = Option<usize>, Query, description = "Places, at most 500 (default 50)"),
        ("entry" = Option<i64>, Query, description = "An entry whose place to return")),
    responses((status = 200, description = "{question_count, actual_all_correct, final, entrants, sheets, places: [{rank, entry, name, phone, unit, score, prediction, closeness, time_taken_ms}], units: [...], entry}; actual_all_correct, prediction and closeness are null until final is true")))]
pub async fn leaderboard(
    State(state): State<AppState>,
    Path(contest): Path<i64>,
    Query(q): Query<BoardQuery>,
) -> WebResult<Json<Value>> {
    let snap = state.contests.boards.snapshot(contest).await?.ok_or(WebError::NotFound)?;
    let offset = q.offset.unwrap_or(0);
    let limit = q.limit.unwrap_or(50).min(MAX_LIMIT);
    let actual = final_actual(&snap);
    let row = |r: &khienmang_core::outreach::contest::Ranked| {
        let b = board_row(&snap, r, crate::i18n::Tr { lang: crate::i18n::Lang::Vi });
        // Predictions and closeness only once final (see `final_actual`).
        let (prediction, closeness) = match actual {
            Some(_) => (r.entry.prediction, r.closeness),
            None => (None, None),
        };
        json!({
            "rank": b.rank, "entry": b.entry, "name": b.name, "phone": b.phone, "unit": b.unit,
            "score": r.entry.score, "prediction": prediction, "closeness": closeness,
            "time_taken_ms": r.entry.time_taken_ms,
        })
    };
    let places: Vec<Value> = snap.ranked.iter().skip(offset).take(limit).map(row).collect();
    let units: Vec<Value> = snap
        .units
        .iter()
        .zip(unit_rows(&snap))
        .map(|(u, shown)| {
            json!({
                "rank": u.rank, "unit": u.unit.0, "name": shown.unit, "participants": u.participants,
                "eligible": u.eligible, "participation": u.participation, "average_score": u.average_score,
            })
        })
        .collect();
    let found = q.entry.map(|id| (snap.includes(EntryId(id)), snap.place_of_entry(EntryId(id)).map(row)));
    Ok(Json(json!({
        "contest": contest,
        "question_count": snap.question_count,
        "actual_all_correct": actual,
        "final": snap.is_final,
        "entrants": snap.ranked.len(),
        "sheets": snap.sheets,
        "offset": offset,
        "places": places,
        "units": units,
        "entry": found.as_ref().and_then(|(_, place)| place.clone()),
        "entry_included": found.map(|(included, _)| included),
    })))
}

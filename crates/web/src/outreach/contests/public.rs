//! The citizen's contest pages, made for a phone and usable without
//! script: the contest and its rules, the number and the one-time code,
//! the questions with their answers in this attempt's order and a
//! countdown (app.js; the server enforces the deadline whatever the page
//! shows), the prediction question, the result, and the leaderboards.
//!
//! The attempt's secret token travels in an HttpOnly cookie scoped to
//! /contests and in the answer form; without it an attempt does not exist.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use khienmang_core::org::UnitId;
use khienmang_core::outreach::contest::{EntryId, PersonKey, SUBMISSION_GRACE};
use khienmang_core::outreach::contest_input::parse_sheet_form;
use khienmang_store::outreach::contests::{
    AnswerSubmission, AttemptRecord, ContestRecord, SubmitOutcome, VerifiedEntrant, same_token,
};
use serde::Deserialize;

use super::{ContestsRuntime, duration_vi, limit_vi, percent_vi, status_of, when_vi};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::kit::form::Form;
use crate::limit::ClientAddr;
use crate::page::{Chrome, Page, render};

/// Places per page of the public leaderboard.
const PAGE_SIZE: usize = 50;

/// A contest as its pages show it.
pub struct ContestView {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub opens: String,
    pub closes: String,
    pub question_count: usize,
    pub time_limit: String,
    pub attempts: String,
    pub prediction_question: String,
    pub open: bool,
}

impl ContestView {
    pub fn of(c: &ContestRecord) -> ContestView {
        let now = crate::access::now().utc();
        let (status_label, status) = status_of(c, now);
        let policy = c.rules.attempts;
        ContestView {
            id: c.id,
            title: c.rules.title.clone(),
            description: c.description.clone(),
            status,
            status_label,
            opens: when_vi(c.rules.opens_at),
            closes: when_vi(c.rules.closes_at),
            question_count: c.rules.question_count,
            time_limit: limit_vi(c.rules.time_limit_secs),
            attempts: format!("{} lượt thi, {}", policy.max_attempts, policy.period.label_vi().to_lowercase()),
            prediction_question: c.prediction_question.clone(),
            open: c.rules.is_open(now),
        }
    }
}

// ---------------------------------------------------------------------------
// The list and a contest's page
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "outreach/contests/contests.html")]
struct ListPage {
    chrome: Chrome,
    contests: Vec<ContestView>,
    /// The session may run contests: a link to the organisers' pages.
    can_manage: bool,
}

/// `GET /contests`: contests open, coming and past.
pub async fn list(State(state): State<AppState>, Page { lang, id }: Page) -> WebResult<Html<String>> {
    let contests = state.store.outreach_public().contests().await?.iter().map(ContestView::of).collect();
    let can_manage = id.as_ref().is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::OutreachManage));
    render(&ListPage { chrome: Chrome::new(lang, id.as_ref(), "contests"), contests, can_manage })
}

#[derive(Template)]
#[template(path = "outreach/contests/contest.html")]
struct ContestPage {
    chrome: Chrome,
    c: ContestView,
    phone: String,
    error: Option<String>,
}

/// `GET /contests/{contest}`: the rules and the number box.
pub async fn page(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    Path(contest): Path<i64>,
) -> WebResult<Html<String>> {
    let c = state.store.outreach_public().contest(contest).await?;
    render(&ContestPage {
        chrome: Chrome::new(lang, id.as_ref(), "contests"),
        c: ContestView::of(&c),
        phone: String::new(),
        error: None,
    })
}

fn unprocessable(html: Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

#[derive(Template)]
#[template(path = "outreach/contests/code.html")]
struct CodePage {
    chrome: Chrome,
    c: ContestView,
    phone: String,
    masked: String,
    demo_code: Option<String>,
    units: Vec<(i64, String)>,
    name: String,
    unit: i64,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct PhoneForm {
    #[serde(default)]
    phone: String,
}

async fn units_of(state: &AppState, contest: i64) -> WebResult<Vec<(i64, String)>> {
    let public = state.store.outreach_public();
    let units: Vec<UnitId> = public.contest_units(contest).await?.iter().map(|u| u.unit).collect();
    let names = public.unit_names(&units).await?;
    let mut out: Vec<(i64, String)> = names.into_iter().map(|(u, n)| (u.0, n)).collect();
    out.sort_by_cached_key(|(_, n)| khienmang_core::text::fold(n));
    Ok(out)
}

/// `POST /contests/{contest}/code`: checks the number and sends a code.
pub async fn code_submit(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    client: ClientAddr,
    Path(contest): Path<i64>,
    Form(f): Form<PhoneForm>,
) -> WebResult<Response> {
    let c = state.store.outreach_public().contest(contest).await?;
    let chrome = Chrome::new(lang, id.as_ref(), "contests");
    let refused = |chrome, error: String| {
        render(&ContestPage { chrome, c: ContestView::of(&c), phone: f.phone.clone(), error: Some(error) })
            .map(unprocessable)
    };
    let person = match PersonKey::parse(&f.phone) {
        Ok(p) => p,
        Err(e) => return refused(chrome, e.message_vi()),
    };
    let rt: &ContestsRuntime = &state.contests;
    let demo_code = match rt.send_code(state.store.outreach_public(), c.id, &person, &state.limits, client).await {
        Ok(code) => code,
        Err(WebError::BadRequest(m)) | Err(WebError::TooManyAttempts(m)) => return refused(chrome, m),
        Err(e) => return Err(e),
    };
    let units = units_of(&state, c.id).await?;
    render(&CodePage {
        chrome,
        c: ContestView::of(&c),
        phone: f.phone.trim().to_owned(),
        masked: person.masked(),
        demo_code,
        units,
        name: String::new(),
        unit: 0,
        error: None,
    })
    .map(IntoResponse::into_response)
}

#[derive(Deserialize, Default)]
pub struct StartForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit: String,
}

/// The unit chosen in a form: blank for none, else a number.
pub fn unit_choice(text: &str) -> WebResult<Option<UnitId>> {
    match text.trim() {
        "" | "0" => Ok(None),
        t => {
            t.parse().map(|n| Some(UnitId(n))).map_err(|_| WebError::BadRequest("Đơn vị đã chọn không hợp lệ.".into()))
        }
    }
}

fn attempt_cookie(contest: i64) -> String {
    format!("km_attempt_{contest}")
}

/// `POST /contests/{contest}/start`: checks the code and starts an attempt.
pub async fn start_submit(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    Path(contest): Path<i64>,
    Form(f): Form<StartForm>,
) -> WebResult<Response> {
    let c = state.store.outreach_public().contest(contest).await?;
    let chrome = Chrome::new(lang, id.as_ref(), "contests");
    let person = PersonKey::parse(&f.phone).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let unit = unit_choice(&f.unit)?;
    let entrant = VerifiedEntrant { person: person.clone(), name: f.name.clone(), unit };
    match state
        .store
        .outreach_public()
        .start_contest_attempt(&state.contests.keys, c.id, entrant, &f.code, crate::access::now().utc())
        .await
    {
        Ok(started) => {
            let secure = if state.config.cookie_secure { "; Secure" } else { "" };
            let max_age = i64::from(c.rules.time_limit_secs) + 3600;
            let cookie = format!(
                "{}={}.{}; Path=/contests; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
                attempt_cookie(c.id),
                started.id,
                started.token
            );
            Ok((
                StatusCode::SEE_OTHER,
                [
                    (header::SET_COOKIE, cookie),
                    (header::LOCATION, format!("/contests/{}/attempts/{}", c.id, started.id)),
                ],
            )
                .into_response())
        }
        Err(khienmang_store::StoreError::Invalid(m)) => {
            let units = units_of(&state, c.id).await?;
            render(&CodePage {
                chrome,
                c: ContestView::of(&c),
                phone: f.phone.trim().to_owned(),
                masked: person.masked(),
                demo_code: None,
                units,
                name: f.name.clone(),
                unit: unit.map_or(0, |u| u.0),
                error: Some(m),
            })
            .map(unprocessable)
        }
        Err(e) => Err(e.into()),
    }
}

/// The attempt named in the path, if this browser holds its token.
async fn own_attempt(
    state: &AppState,
    headers: &HeaderMap,
    contest: i64,
    attempt: i64,
) -> WebResult<(AttemptRecord, String)> {
    let cookie = crate::security::cookie(headers, &attempt_cookie(contest)).ok_or(WebError::NotFound)?;
    let (id, token) = cookie.split_once('.').ok_or(WebError::NotFound)?;
    if id != attempt.to_string() {
        return Err(WebError::NotFound);
    }
    let a = state
        .store
        .outreach_public()
        .contest_attempt(attempt)
        .await?
        .filter(|a| a.contest == contest)
        .ok_or(WebError::NotFound)?;
    if !same_token(token, &a.token_hash) {
        return Err(WebError::NotFound);
    }
    Ok((a, token.to_owned()))
}

// ---------------------------------------------------------------------------
// The questions
// ---------------------------------------------------------------------------

pub struct ShownQuestion {
    pub index: usize,
    pub number: usize,
    pub category: String,
    pub text: String,
    pub choices: Vec<(usize, String)>,
}

#[derive(Template)]
#[template(path = "outreach/contests/attempt.html")]
struct AttemptPage {
    chrome: Chrome,
    c: ContestView,
    attempt: i64,
    token: String,
    questions: Vec<ShownQuestion>,
    remaining_ms: i64,
    remaining_text: String,
    deadline: String,
    over: bool,
}

/// `GET /contests/{contest}/attempts/{attempt}`: the questions.
pub async fn attempt_page(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    headers: HeaderMap,
    Path((contest, attempt)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let c = state.store.outreach_public().contest(contest).await?;
    let (a, token) = own_attempt(&state, &headers, contest, attempt).await?;
    if a.submitted {
        return Ok(Redirect::to(&format!("/contests/{contest}/attempts/{attempt}/result")).into_response());
    }
    let bank = state.store.outreach_public().contest_bank(&c).await?;
    let mut questions = Vec::with_capacity(a.draw.questions.len());
    for (index, dq) in a.draw.questions.iter().enumerate() {
        let q = bank.iter().find(|b| b.question.id == dq.question).ok_or(WebError::NotFound)?;
        let shown = dq.displayed_choices(&q.question).ok_or(WebError::NotFound)?;
        questions.push(ShownQuestion {
            index,
            number: index + 1,
            category: q.question.category.clone(),
            text: q.question.text.clone(),
            choices: shown.into_iter().map(str::to_owned).enumerate().collect(),
        });
    }
    let now = crate::access::now().utc();
    let remaining = a.window.remaining(now);
    let secs = remaining.num_seconds();
    render(&AttemptPage {
        chrome: Chrome::new(lang, id.as_ref(), "contests"),
        c: ContestView::of(&c),
        attempt,
        token,
        questions,
        remaining_ms: remaining.num_milliseconds(),
        remaining_text: format!("{:02}:{:02}", secs / 60, secs % 60),
        deadline: (a.window.deadline + chrono::Duration::hours(7)).format("%H:%M:%S").to_string(),
        over: now > a.window.deadline + SUBMISSION_GRACE,
    })
    .map(IntoResponse::into_response)
}

/// `POST /contests/{contest}/attempts/{attempt}`: the answer sheet. The
/// time is the server's, taken as the request arrives.
pub async fn attempt_submit(
    State(state): State<AppState>,
    Path((contest, attempt)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Redirect> {
    let received_at = crate::access::now().utc();
    let sheet = parse_sheet_form(&fields).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    state.contests.submissions.submit(AnswerSubmission { contest, attempt, sheet, received_at }).await?;
    Ok(Redirect::to(&format!("/contests/{contest}/attempts/{attempt}/result")))
}

// ---------------------------------------------------------------------------
// The result
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "outreach/contests/result.html")]
struct ResultPage {
    chrome: Chrome,
    c: ContestView,
    name: String,
    masked: String,
    counted: bool,
    late_message: String,
    score: u32,
    total: u32,
    time: String,
    prediction: Option<u64>,
    rank: Option<usize>,
    best_rank: Option<usize>,
    ranked: usize,
    is_final: bool,
    /// The contest has closed: the answers are reviewed below.
    closed: bool,
    review: Vec<ReviewRow>,
}

/// One question of a closed contest's result: what was asked, what the
/// entrant picked and, when it was wrong, the right answer.
pub struct ReviewRow {
    pub number: usize,
    pub text: String,
    /// The choice picked, as it was shown; `None` for a blank.
    pub picked: Option<String>,
    pub right_answer: String,
    pub right: bool,
}

/// The entrant's answers against the bank, in the order they saw them.
/// Called only once the contest has closed: before, the right answers
/// would pass from one entrant to the next.
fn review_of(
    draw: &khienmang_core::outreach::contest::Draw,
    bank: &[khienmang_store::outreach::contests::BankQuestion],
    answers: &[Option<usize>],
) -> Vec<ReviewRow> {
    let mut rows = Vec::with_capacity(draw.questions.len());
    for (i, dq) in draw.questions.iter().enumerate() {
        let Some(q) = bank.iter().find(|b| b.question.id == dq.question).map(|b| &b.question) else { continue };
        let Some(shown) = dq.displayed_choices(q) else { continue };
        let displayed = answers.get(i).copied().flatten();
        let picked = displayed.and_then(|d| shown.get(d)).map(|c| (*c).to_string());
        let right = displayed.and_then(|d| dq.original(d)) == Some(q.correct);
        rows.push(ReviewRow {
            number: i + 1,
            text: q.text.clone(),
            picked,
            right_answer: q.choices.get(q.correct).cloned().unwrap_or_default(),
            right,
        });
    }
    rows
}

/// `GET /contests/{contest}/attempts/{attempt}/result`.
pub async fn result_page(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    headers: HeaderMap,
    Path((contest, attempt)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let c = state.store.outreach_public().contest(contest).await?;
    let (a, _) = own_attempt(&state, &headers, contest, attempt).await?;
    let Some(sheet) = state.store.outreach_public().contest_sheet(attempt).await? else {
        return Ok(Redirect::to(&format!("/contests/{contest}/attempts/{attempt}")).into_response());
    };
    let entry = EntryId(sheet.entry);
    let snap = state
        .contests
        .boards
        .snapshot_with(contest, entry, std::time::Duration::from_secs(1))
        .await?
        .ok_or(WebError::NotFound)?;
    let rank = snap.place_of_entry(entry).map(|r| r.rank);
    let best_rank = match rank {
        Some(_) => None,
        None => {
            let person = state.contests.keys.open(&a.sealed)?;
            snap.place_of_person(&person).map(|r| r.rank)
        }
    };
    let late_message = match sheet.late_by_ms {
        Some(ms) => {
            format!("Bài làm đến máy chủ sau khi hết giờ {} giây nên không được tính kết quả.", (ms / 1000).max(1))
        }
        None => String::new(),
    };
    let closed = crate::access::now().utc() >= c.rules.closes_at;
    let review = if closed && sheet.counted {
        let bank = state.store.outreach_public().contest_bank(&c).await?;
        review_of(&a.draw, &bank, &sheet.answers)
    } else {
        Vec::new()
    };
    let chrome = Chrome::new(lang, id.as_ref(), "contests");
    let time = chrome.tr.seconds(sheet.time_taken_ms);
    render(&ResultPage {
        chrome,
        c: ContestView::of(&c),
        name: a.name.clone(),
        masked: a.masked.clone(),
        counted: sheet.counted,
        late_message,
        score: sheet.score,
        total: sheet.total,
        time,
        prediction: sheet.prediction,
        rank,
        best_rank,
        ranked: snap.ranked.len(),
        is_final: snap.is_final,
        closed,
        review,
    })
    .map(IntoResponse::into_response)
}

// ---------------------------------------------------------------------------
// The leaderboards
// ---------------------------------------------------------------------------

pub struct BoardRow {
    pub rank: usize,
    pub name: String,
    pub phone: String,
    pub unit: String,
    pub score: u32,
    pub prediction: String,
    pub closeness: String,
    pub time: String,
    pub entry: i64,
}

pub struct UnitRow {
    pub rank: usize,
    pub unit: String,
    pub participants: u64,
    pub eligible: String,
    pub participation: String,
    pub average: String,
}

pub struct PrizeRow {
    pub title: String,
    pub reward: String,
    pub places: String,
    pub winners: Vec<String>,
}

#[derive(Template)]
#[template(path = "outreach/contests/leaderboard.html")]
struct BoardPage {
    chrome: Chrome,
    c: ContestView,
    rows: Vec<BoardRow>,
    units: Vec<UnitRow>,
    prizes: Vec<PrizeRow>,
    total: usize,
    page: usize,
    pages: usize,
    question_count: u32,
    /// The answer to the prediction question, once the results are final.
    actual: Option<u64>,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<usize>,
}

impl BoardRow {
    /// A ranked entry as leaderboards show it: the number masked, the unit by name.
    pub fn of(r: &khienmang_core::outreach::contest::Ranked, unit: String) -> BoardRow {
        let e = &r.entry;
        BoardRow {
            rank: r.rank,
            name: e.name.clone(),
            phone: e.person.masked(),
            unit,
            score: e.score,
            prediction: e.prediction.map(|p| p.to_string()).unwrap_or_else(|| "—".into()),
            closeness: r.closeness.map(|p| p.to_string()).unwrap_or_else(|| "—".into()),
            time: duration_vi(e.time_taken_ms),
            entry: e.id.0,
        }
    }
}

/// The answer to the prediction question, published only once the results
/// are final: while the contest runs, it (and every entrant's prediction and
/// closeness to it) would tell later entrants what to predict.
pub fn final_actual(snap: &khienmang_store::outreach::contests::Snapshot) -> Option<u64> {
    snap.is_final.then_some(snap.actual_all_correct)
}

/// A row of the public leaderboard: the prediction and its closeness only
/// once the results are final (see [`final_actual`]).
pub fn board_row(
    snap: &khienmang_store::outreach::contests::Snapshot,
    r: &khienmang_core::outreach::contest::Ranked,
) -> BoardRow {
    let mut row = BoardRow::of(r, snap.unit_name(r.entry.unit));
    if !snap.is_final {
        row.prediction = "—".into();
        row.closeness = "—".into();
    }
    row
}

pub fn unit_rows(snap: &khienmang_store::outreach::contests::Snapshot) -> Vec<UnitRow> {
    snap.units
        .iter()
        .map(|u| UnitRow {
            rank: u.rank,
            unit: snap.unit_name(Some(u.unit)),
            participants: u.participants,
            eligible: super::eligible_vi(u.eligible),
            participation: u.participation.map(percent_vi).unwrap_or_else(|| "Chưa có số liệu".into()),
            average: u.average_score.map(|a| format!("{a:.2}").replace('.', ",")).unwrap_or_else(|| "—".into()),
        })
        .collect()
}

/// `GET /contests/{contest}/leaderboard[?page=N]`.
pub async fn leaderboard(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    Path(contest): Path<i64>,
    Query(q): Query<PageQuery>,
) -> WebResult<Html<String>> {
    let c = state.store.outreach_public().contest(contest).await?;
    let snap = state.contests.boards.snapshot(contest).await?.ok_or(WebError::NotFound)?;
    let total = snap.ranked.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let rows = snap.ranked.iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).map(|r| board_row(&snap, r)).collect();
    let prizes = state
        .store
        .outreach_public()
        .contest_prizes(contest)
        .await?
        .into_iter()
        .map(|p| PrizeRow {
            places: if p.rank_from == p.rank_to {
                format!("Hạng {}", p.rank_from)
            } else {
                format!("Hạng {}–{}", p.rank_from, p.rank_to)
            },
            winners: snap
                .ranked
                .iter()
                .filter(|r| (p.rank_from..=p.rank_to).contains(&r.rank))
                .map(|r| format!("{} ({})", r.entry.name, r.entry.person.masked()))
                .collect(),
            title: p.title,
            reward: p.reward,
        })
        .collect();
    render(&BoardPage {
        chrome: Chrome::new(lang, id.as_ref(), "contests"),
        c: ContestView::of(&c),
        rows,
        units: unit_rows(&snap),
        prizes,
        total,
        page,
        pages,
        question_count: snap.question_count,
        actual: final_actual(&snap),
    })
}

/// What a sheet's outcome says, for both the page and the API.
pub fn outcome_message(outcome: &SubmitOutcome) -> String {
    match outcome {
        SubmitOutcome::Counted { grade, .. } => {
            format!("Đã nhận bài làm: {}/{} câu trả lời đúng.", grade.correct, grade.total)
        }
        SubmitOutcome::Late(late) => late.message_vi(),
    }
}

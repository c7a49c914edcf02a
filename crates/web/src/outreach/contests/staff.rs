//! The organisers' pages (capability `OutreachManage`, within the
//! session's scope): create a contest, build its question bank (one by one
//! or from a spreadsheet), set the units and their populations, list the
//! organising body's staff (who may not enter), set prizes, see the exact
//! results, close them and export them as XLSX.

use askama::Template;
use axum::extract::{Multipart, Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use khienmang_core::org::{Level, UnitId};
use khienmang_core::outreach::contest::{
    AttemptPolicy, ContestRules, Period, PersonKey, Question, QuestionId, Quota, RESULT_HEADERS_VI, export_rows,
};
use khienmang_core::outreach::contest_input::{QUESTION_COLUMNS, choice_index, parse_question_rows};
use khienmang_store::outreach::contests::{ContestUnit, NewContest};
use serde::Deserialize;

use super::public::ContestView;
use super::{ContestsRuntime, results, when_vi};
use crate::AppState;
use crate::access::{OfContest, OutreachManage, Target};
use crate::error::{WebError, WebResult};
use crate::kit::form::Form;
use crate::kit::upload;
use crate::kit::xlsx::{Cell, Column, ColumnKind, Sheet, workbook, xlsx_response_headers};
use crate::offload::read_upload_table;
use crate::org::today;
use crate::page::{Chrome, Page, render};

/// Places shown on the organisers' page (the export has them all).
const TOP: usize = 20;

fn bad(m: impl Into<String>) -> WebError {
    WebError::BadRequest(m.into())
}

fn runtime(state: &AppState) -> &ContestsRuntime {
    &state.contests
}

// ---------------------------------------------------------------------------
// The list and creation
// ---------------------------------------------------------------------------

pub struct ListRow {
    pub view: ContestView,
    pub entries: i64,
    pub people: i64,
}

#[derive(Template)]
#[template(path = "outreach/contests/admin_list.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<ListRow>,
    home: i64,
    opens: String,
    closes: String,
}

fn local_input(t: DateTime<Utc>) -> String {
    (t + chrono::Duration::hours(7)).format("%Y-%m-%dT%H:%M").to_string()
}

/// `GET /outreach/contests`.
pub async fn list(Page { lang, id }: Page, m: OutreachManage) -> WebResult<Html<String>> {
    let mut rows = Vec::new();
    for c in m.contests().await? {
        let counts = m.of_contest(&c).counts().await?;
        rows.push(ListRow { view: ContestView::of(&c), entries: counts.counted, people: counts.people });
    }
    let now = crate::access::now().utc();
    render(&ListPage {
        chrome: Chrome::new(lang, id.as_ref(), "contests"),
        rows,
        home: m.0.home_unit(today()).await?.0,
        opens: local_input(now),
        closes: local_input(now + chrono::Duration::days(30)),
    })
}

#[derive(Deserialize)]
pub struct CreateIn {
    title: String,
    #[serde(default)]
    description: String,
    organiser: i64,
    opens_at: String,
    closes_at: String,
    question_count: String,
    #[serde(default)]
    quotas: String,
    time_limit_secs: String,
    max_attempts: String,
    period: String,
    prediction_question: String,
    #[serde(default)]
    use_shared_bank: Option<String>,
}

/// "2026-03-01T08:00" (Viet Nam time, as a datetime-local box sends it).
fn parse_local(text: &str, what: &str) -> WebResult<DateTime<Utc>> {
    let t = text.trim();
    let naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| bad(format!("{what} không hợp lệ (ngày và giờ, ví dụ 2026-03-01T08:00).")))?;
    Ok(naive.and_utc() - chrono::Duration::hours(7))
}

fn number<T: std::str::FromStr>(text: &str, what: &str) -> WebResult<T> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    digits.parse().map_err(|_| bad(format!("{what} phải là một số nguyên.")))
}

/// "Lĩnh vực: số câu", one per line.
fn parse_quotas(text: &str) -> WebResult<Vec<Quota>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (category, count) =
                line.rsplit_once(':').ok_or_else(|| bad(format!("Dòng «{line}»: ghi theo mẫu «Lĩnh vực: số câu».")))?;
            Ok(Quota { category: category.trim().to_owned(), count: number(count, "Số câu của lĩnh vực")? })
        })
        .collect()
}

/// `POST /outreach/contests`.
pub async fn create(m: OutreachManage, Form(f): Form<CreateIn>) -> WebResult<Redirect> {
    let organiser = UnitId(f.organiser);
    m.0.ensure_write(organiser).await?;
    let period = Period::parse(&f.period).ok_or_else(|| bad("Chu kỳ giới hạn lượt thi không hợp lệ."))?;
    let rules = ContestRules {
        title: f.title.trim().to_owned(),
        opens_at: parse_local(&f.opens_at, "Thời điểm bắt đầu")?,
        closes_at: parse_local(&f.closes_at, "Thời điểm kết thúc")?,
        question_count: number(&f.question_count, "Số câu hỏi mỗi lượt")?,
        quotas: parse_quotas(&f.quotas)?,
        time_limit_secs: number(&f.time_limit_secs, "Thời gian làm bài")?,
        attempts: AttemptPolicy { max_attempts: number(&f.max_attempts, "Số lượt thi")?, period },
    };
    let contest = NewContest {
        rules,
        organiser,
        description: f.description,
        prediction_question: f.prediction_question,
        use_shared_bank: f.use_shared_bank.is_some(),
    };
    let id = m.write(Target::Unit(organiser), async |tx| Ok(tx.create_contest(&contest).await?)).await?;
    Ok(Redirect::to(&format!("/outreach/contests/{id}")))
}

// ---------------------------------------------------------------------------
// A contest's page
// ---------------------------------------------------------------------------

pub struct QuestionRow {
    pub id: i64,
    pub category: String,
    pub text: String,
    pub choices: Vec<(char, String, bool)>,
    pub shared: bool,
    pub active: bool,
}

pub struct UnitLine {
    pub name: String,
    pub eligible: String,
}

pub struct PrizeLine {
    pub id: i64,
    pub places: String,
    pub title: String,
    pub reward: String,
}

#[derive(Template)]
#[template(path = "outreach/contests/admin.html")]
struct AdminPage {
    chrome: Chrome,
    c: ContestView,
    organiser: String,
    counts: khienmang_store::outreach::contests::ContestCounts,
    questions: Vec<QuestionRow>,
    active_questions: usize,
    units: Vec<UnitLine>,
    staff: Vec<khienmang_store::outreach::contests::StaffRecord>,
    prizes: Vec<PrizeLine>,
    results: Vec<super::public::BoardRow>,
    ranked: usize,
    actual: u64,
    closed: bool,
    can_close: bool,
}

const LETTERS: [char; 6] = ['A', 'B', 'C', 'D', 'E', 'F'];

/// `GET /outreach/contests/{id}`.
pub async fn page(
    Page { lang, id }: Page,
    axum::extract::State(state): axum::extract::State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
) -> WebResult<Html<String>> {
    let c = m.contest(contest).await?;
    let of = m.of_contest(&c);
    let bank = of.bank().await?;
    let questions: Vec<QuestionRow> = bank
        .iter()
        .map(|b| QuestionRow {
            id: b.question.id.0,
            category: b.question.category.clone(),
            text: b.question.text.clone(),
            choices: b
                .question
                .choices
                .iter()
                .enumerate()
                .map(|(i, text)| (LETTERS.get(i).copied().unwrap_or('?'), text.clone(), i == b.question.correct))
                .collect(),
            shared: b.shared,
            active: b.active,
        })
        .collect();
    let units = of.units().await?;
    let names = of.unit_names(&units.iter().map(|u| u.unit).chain([c.organiser]).collect::<Vec<_>>()).await?;
    let r = results(&of, &runtime(&state).keys, &c).await?;
    let prizes = of
        .prizes()
        .await?
        .into_iter()
        .map(|p| PrizeLine {
            id: p.id,
            places: if p.rank_from == p.rank_to {
                p.rank_from.to_string()
            } else {
                format!("{}–{}", p.rank_from, p.rank_to)
            },
            title: p.title,
            reward: p.reward,
        })
        .collect();
    let now = crate::access::now().utc();
    render(&AdminPage {
        chrome: Chrome::new(lang, id.as_ref(), "contests"),
        organiser: names.get(&c.organiser).cloned().unwrap_or_default(),
        counts: of.counts().await?,
        active_questions: questions.iter().filter(|q| q.active).count(),
        questions,
        units: units
            .iter()
            .map(|u| UnitLine {
                name: names.get(&u.unit).cloned().unwrap_or_else(|| format!("#{}", u.unit.0)),
                eligible: super::eligible_vi(u.eligible),
            })
            .collect(),
        staff: of.staff().await?,
        prizes,
        results: r
            .ranked
            .iter()
            .take(TOP)
            .map(|x| {
                let unit = x.entry.unit.and_then(|u| names.get(&u).cloned()).unwrap_or_default();
                super::public::BoardRow::of(x, unit)
            })
            .collect(),
        ranked: r.ranked.len(),
        actual: r.actual_all_correct,
        closed: c.actual_all_correct.is_some(),
        can_close: c.actual_all_correct.is_none() && now >= c.rules.closes_at,
        c: ContestView::of(&c),
    })
}

// ---------------------------------------------------------------------------
// The question bank
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct QuestionIn {
    category: String,
    text: String,
    choices: String,
    correct: String,
    #[serde(default)]
    shared: Option<String>,
}

/// `POST /outreach/contests/{id}/questions`: one question, its choices one
/// per line, the right one by letter.
pub async fn question_submit(
    m: OutreachManage,
    Path(contest): Path<i64>,
    Form(f): Form<QuestionIn>,
) -> WebResult<Redirect> {
    let c = m.contest_to_change(contest).await?;
    let correct = choice_index(&f.correct).ok_or_else(|| bad("Đáp án đúng phải là một chữ cái từ A đến F."))?;
    let q = Question {
        id: QuestionId(1),
        category: f.category.trim().to_owned(),
        text: f.text.trim().to_owned(),
        choices: f.choices.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
        correct,
    };
    if q.category.is_empty() {
        return Err(bad("Cần ghi lĩnh vực của câu hỏi."));
    }
    q.validate().map_err(|e| bad(e.message_vi()))?;
    let target = if f.shared.is_some() { None } else { Some(c.id) };
    m.write(Target::Unit(c.organiser), async |tx| Ok(tx.add_contest_questions(target, &[q]).await?)).await?;
    Ok(Redirect::to(&format!("/outreach/contests/{}#bank", c.id)))
}

#[derive(Template)]
#[template(path = "outreach/contests/admin_import.html")]
struct ImportErrorsPage {
    chrome: Chrome,
    c: ContestView,
    errors: Vec<(usize, String)>,
    valid: usize,
}

/// `POST /outreach/contests/{id}/questions/import`: a CSV or Excel file
/// with the columns of `QUESTION_COLUMNS`. All or nothing: with one bad row
/// nothing is added and every bad row is listed.
pub async fn questions_import(
    axum::extract::State(state): axum::extract::State<AppState>,
    Page { lang, id }: Page,
    m: OutreachManage,
    Path(contest): Path<i64>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> WebResult<Response> {
    let c = m.contest_to_change(contest).await?;
    let mp = mp.map_err(|_| upload::not_multipart("Tệp"))?;
    let upload = upload::read_intake(mp).await?;
    let shared = upload.fields.0.iter().any(|(k, v)| k == "shared" && !v.is_empty());
    let (_, bytes) =
        upload.non_empty_files().into_iter().next().ok_or_else(|| bad("Hãy chọn tệp câu hỏi (CSV hoặc Excel)."))?;
    let table = read_upload_table(&state, bytes, QUESTION_COLUMNS).await?.map_err(|e| bad(e.message_vi()))?;
    let (questions, errors) = parse_question_rows(&table);
    if !errors.is_empty() || questions.is_empty() {
        let mut errors: Vec<(usize, String)> = errors.into_iter().map(|e| (e.line, e.message_vi)).collect();
        if errors.is_empty() {
            errors.push((0, "Tệp không có câu hỏi nào.".into()));
        }
        let page = ImportErrorsPage {
            chrome: Chrome::new(lang, id.as_ref(), "contests"),
            c: ContestView::of(&c),
            errors,
            valid: questions.len(),
        };
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let target = if shared { None } else { Some(c.id) };
    m.write(Target::Unit(c.organiser), async |tx| Ok(tx.add_contest_questions(target, &questions).await?)).await?;
    Ok(Redirect::to(&format!("/outreach/contests/{}#bank", c.id)).into_response())
}

#[derive(Deserialize)]
pub struct RetireIn {
    question: i64,
}

/// `POST /outreach/contests/{id}/questions/retire`.
pub async fn question_retire(
    m: OutreachManage,
    Path(contest): Path<i64>,
    Form(f): Form<RetireIn>,
) -> WebResult<Redirect> {
    let c = m.contest_to_change(contest).await?;
    m.write(Target::Unit(c.organiser), async |tx| Ok(tx.retire_contest_question(c.id, f.question).await?)).await?;
    Ok(Redirect::to(&format!("/outreach/contests/{}#bank", c.id)))
}

// ---------------------------------------------------------------------------
// Units, staff, prizes, closing
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct UnitsIn {
    #[serde(default)]
    units: String,
    #[serde(default)]
    all_communes: Option<String>,
}

/// The communes under `unit` today, each with its population as the
/// number of people who may take part.
pub async fn communes_under(of: &OfContest<'_>, unit: UnitId) -> WebResult<Vec<ContestUnit>> {
    let on = today();
    let history = of.tree_history().await?;
    let within = history.within(unit);
    Ok(history
        .versions()
        .iter()
        .filter(|v| v.level == Level::Commune && v.is_valid_on(on) && within.contains(&v.unit_id))
        .map(|v| ContestUnit { unit: v.unit_id, eligible: v.attrs.population.and_then(|p| u64::try_from(p).ok()) })
        .collect())
}

/// `POST /outreach/contests/{id}/units`: lines "code or number; people",
/// and/or every commune of the organiser.
pub async fn units_submit(m: OutreachManage, Path(contest): Path<i64>, Form(f): Form<UnitsIn>) -> WebResult<Redirect> {
    let c = m.contest_to_change(contest).await?;
    let mut units =
        if f.all_communes.is_some() { communes_under(&m.of_contest(&c), c.organiser).await? } else { Vec::new() };
    let on = today();
    for line in f.units.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.split([';', '\t', ',']).map(str::trim);
        let name = parts.next().unwrap_or_default();
        let eligible = match parts.next().filter(|p| !p.is_empty()) {
            Some(n) => Some(number::<u64>(n, &format!("Số người của «{name}»"))?),
            None => None,
        };
        let by_code = m.unit_by_code(name, on).await?;
        let unit = match by_code {
            Some(u) => u,
            None => {
                UnitId(name.parse().map_err(|_| bad(format!("Không tìm thấy đơn vị «{name}» (ghi mã hoặc số hiệu).")))?)
            }
        };
        if !m.writable_unit(unit).await? {
            return Err(bad(format!("Không tìm thấy đơn vị «{name}» trong phạm vi quản lý.")));
        }
        units.retain(|u| u.unit != unit);
        units.push(ContestUnit { unit, eligible });
    }
    m.write(Target::Unit(c.organiser), async |tx| Ok(tx.set_contest_units(c.id, &units).await?)).await?;
    Ok(Redirect::to(&format!("/outreach/contests/{}#units", c.id)))
}

#[derive(Deserialize)]
pub struct StaffIn {
    phones: String,
}

/// `POST /outreach/contests/{id}/staff`: the organising body's staff
/// numbers, one per line (kept hashed; they may not enter).
pub async fn staff_submit(
    axum::extract::State(state): axum::extract::State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
    Form(f): Form<StaffIn>,
) -> WebResult<Redirect> {
    let c = m.contest_to_change(contest).await?;
    let mut people = Vec::new();
    for (i, line) in f.phones.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        people.push(PersonKey::parse(line).map_err(|e| bad(format!("Dòng {}: {}", i + 1, e.message_vi())))?);
    }
    if people.is_empty() {
        return Err(bad("Hãy nhập ít nhất một số điện thoại."));
    }
    let keys = &runtime(&state).keys;
    m.write(Target::Unit(c.organiser), async |tx| Ok(tx.add_contest_staff(keys, c.organiser, &people).await?)).await?;
    Ok(Redirect::to(&format!("/outreach/contests/{}#staff", c.id)))
}

#[derive(Deserialize)]
pub struct PrizeIn {
    rank_from: String,
    #[serde(default)]
    rank_to: String,
    title: String,
    #[serde(default)]
    reward: String,
}

/// `POST /outreach/contests/{id}/prizes`.
pub async fn prize_submit(m: OutreachManage, Path(contest): Path<i64>, Form(f): Form<PrizeIn>) -> WebResult<Redirect> {
    let c = m.contest_to_change(contest).await?;
    let from: usize = number(&f.rank_from, "Hạng đầu")?;
    let to: usize = if f.rank_to.trim().is_empty() { from } else { number(&f.rank_to, "Hạng cuối")? };
    m.write(Target::Unit(c.organiser), async |tx| {
        Ok(tx.add_contest_prize(c.id, from, to, &f.title, &f.reward).await?)
    })
    .await?;
    Ok(Redirect::to(&format!("/outreach/contests/{}#prizes", c.id)))
}

#[derive(Deserialize)]
pub struct PrizeRemoveIn {
    prize: i64,
}

/// `POST /outreach/contests/{id}/prizes/remove`.
pub async fn prize_remove(
    m: OutreachManage,
    Path(contest): Path<i64>,
    Form(f): Form<PrizeRemoveIn>,
) -> WebResult<Redirect> {
    let c = m.contest_to_change(contest).await?;
    m.write(Target::Unit(c.organiser), async |tx| Ok(tx.remove_contest_prize(c.id, f.prize).await?)).await?;
    Ok(Redirect::to(&format!("/outreach/contests/{}#prizes", c.id)))
}

/// `POST /outreach/contests/{id}/close`: after the contest ended, freezes
/// the answer to the prediction question (people who answered everything
/// correctly) so the ranking is final.
pub async fn close_submit(
    axum::extract::State(state): axum::extract::State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
) -> WebResult<Redirect> {
    let c = m.contest_to_change(contest).await?;
    let r = results(&m.of_contest(&c), &runtime(&state).keys, &c).await?;
    m.write(Target::Unit(c.organiser), async |tx| {
        Ok(tx.close_contest_results(&c, r.actual_all_correct, tx.now().utc()).await?)
    })
    .await?;
    Ok(Redirect::to(&format!("/outreach/contests/{}#results", c.id)))
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    /// "full" for the organisers' own copy with whole numbers (to call the
    /// winners); masked otherwise, as anything published must be.
    #[serde(default)]
    phones: Option<String>,
}

/// `GET /outreach/contests/{id}/results.xlsx[?phones=full]`: every place,
/// the units and the prizes. Audited (whole numbers are personal data).
pub async fn export(
    axum::extract::State(state): axum::extract::State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> WebResult<Response> {
    let c = m.contest(contest).await?;
    let of = m.of_contest(&c);
    let reveal = q.phones.as_deref() == Some("full");
    let r = results(&of, &runtime(&state).keys, &c).await?;
    let units = of.units().await?;
    let names = of
        .unit_names(
            &units.iter().map(|u| u.unit).chain(r.ranked.iter().filter_map(|x| x.entry.unit)).collect::<Vec<_>>(),
        )
        .await?;
    let question_count = u32::try_from(c.rules.question_count).unwrap_or(u32::MAX);
    let rows = export_rows(&r.ranked, question_count, &names, reveal);
    let kinds = [
        ColumnKind::Integer,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Integer,
        ColumnKind::Integer,
        ColumnKind::Integer,
        ColumnKind::Integer,
        ColumnKind::Text,
        ColumnKind::Text,
    ];
    let col = |h: &str, kind| Column { header: h.into(), kind, width: None };
    let opt = |v: Option<u64>| v.map_or(Cell::Empty, |v| Cell::Integer(i64::try_from(v).unwrap_or(i64::MAX)));
    let status = if c.actual_all_correct.is_some() { "kết quả chính thức" } else { "kết quả tạm thời" };
    let subtitle = format!(
        "{} · {} người trả lời đúng tất cả · {} · xuất lúc {}",
        if reveal {
            "Bản của ban tổ chức (số điện thoại đầy đủ)"
        } else {
            "Bản công bố (số điện thoại đã che)"
        },
        r.actual_all_correct,
        status,
        when_vi(crate::access::now().utc())
    );
    let results_sheet = Sheet {
        title: format!("Kết quả: {}", c.rules.title),
        subtitle: Some(subtitle),
        columns: RESULT_HEADERS_VI.iter().zip(kinds).map(|(h, k)| col(h, k)).collect(),
        rows: rows
            .iter()
            .map(|row| {
                vec![
                    Cell::Integer(i64::try_from(row.rank).unwrap_or(i64::MAX)),
                    Cell::Text(row.name.clone()),
                    Cell::Text(row.phone.clone()),
                    Cell::Text(row.unit.clone()),
                    Cell::Integer(i64::from(row.score)),
                    Cell::Integer(i64::from(row.question_count)),
                    opt(row.prediction),
                    opt(row.closeness),
                    Cell::Text(row.time_taken.clone()),
                    Cell::Text(row.submitted_at.clone()),
                ]
            })
            .collect(),
    };
    let units_sheet = Sheet {
        title: "Theo đơn vị".into(),
        subtitle: Some("Tỷ lệ tham gia = số người dự thi / số người thuộc diện tham gia".into()),
        columns: vec![
            col("Xếp hạng", ColumnKind::Integer),
            col("Đơn vị", ColumnKind::Text),
            col("Số người dự thi", ColumnKind::Integer),
            col("Số người thuộc diện", ColumnKind::Integer),
            col("Tỷ lệ tham gia", ColumnKind::Percent),
            col("Điểm trung bình", ColumnKind::Text),
        ],
        rows: r
            .units
            .iter()
            .map(|u| {
                vec![
                    Cell::Integer(i64::try_from(u.rank).unwrap_or(i64::MAX)),
                    Cell::Text(names.get(&u.unit).cloned().unwrap_or_default()),
                    Cell::Integer(i64::try_from(u.participants).unwrap_or(i64::MAX)),
                    opt(u.eligible),
                    u.participation.map_or(Cell::NoData, Cell::Share),
                    u.average_score.map_or(Cell::Empty, |a| Cell::Text(format!("{a:.2}").replace('.', ","))),
                ]
            })
            .collect(),
    };
    let prizes = of.prizes().await?;
    let mut prize_rows = Vec::new();
    for p in &prizes {
        for x in r.ranked.iter().filter(|x| (p.rank_from..=p.rank_to).contains(&x.rank)) {
            let row = rows.iter().find(|row| row.rank == x.rank);
            prize_rows.push(vec![
                Cell::Text(p.title.clone()),
                Cell::Text(p.reward.clone()),
                Cell::Integer(i64::try_from(x.rank).unwrap_or(i64::MAX)),
                Cell::Text(x.entry.name.clone()),
                Cell::Text(row.map(|r| r.phone.clone()).unwrap_or_default()),
                Cell::Text(row.map(|r| r.unit.clone()).unwrap_or_default()),
            ]);
        }
    }
    let prizes_sheet = Sheet {
        title: "Giải thưởng".into(),
        subtitle: None,
        columns: vec![
            col("Giải", ColumnKind::Text),
            col("Phần thưởng", ColumnKind::Text),
            col("Xếp hạng", ColumnKind::Integer),
            col("Họ và tên", ColumnKind::Text),
            col("Số điện thoại", ColumnKind::Text),
            col("Đơn vị", ColumnKind::Text),
        ],
        rows: prize_rows,
    };
    let bytes = workbook(&[results_sheet, units_sheet, prizes_sheet]).map_err(|e| WebError::Internal(e.to_string()))?;
    // The session's own trail: an export of a contest kept only as history is still logged.
    m.write(Target::Own, async |tx| Ok(tx.log_contest_export(c.id, reveal, rows.len()).await?)).await?;
    Ok((xlsx_response_headers(&format!("ket-qua-cuoc-thi-{}.xlsx", c.id)), bytes).into_response())
}

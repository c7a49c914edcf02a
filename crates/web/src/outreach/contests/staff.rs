//! The organisers' pages (capability `OutreachManage`, within the
//! session's scope): create a contest, build its question bank (one by one
//! or from a spreadsheet), set the units and their populations, list the
//! organising body's staff (who may not enter), set prizes, see the exact
//! results, close them and export them as XLSX.

use askama::Template;
use axum::extract::{Multipart, Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use khienmang_core::org::{Level, UnitId};
use khienmang_core::outreach::contest::{MAX_CHOICES, PersonKey, RESULT_HEADERS_VI, export_rows};
use khienmang_core::outreach::contest_input::{QUESTION_COLUMNS, parse_question_rows};
use khienmang_store::outreach::contests::{ContestRecord, ContestUnit, ensure_before_opening};
use serde::Deserialize;

use super::public::ContestView;
use super::settings::{Draft, period_options};
use super::{ContestsRuntime, results, when_vi};
use crate::AppState;
use crate::access::{OfContest, OutreachManage, Target};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::{Fields, Form, FormError, Opt, Refusal, refused, see_other};
use crate::kit::history::ChangeRow;
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

fn number<T: std::str::FromStr>(text: &str, what: &str) -> WebResult<T> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    if digits.len() > 9 {
        return Err(bad(format!("{what} quá lớn.")));
    }
    digits.parse().map_err(|_| bad(format!("{what} phải là một số nguyên.")))
}

// ---------------------------------------------------------------------------
// The list and creation
// ---------------------------------------------------------------------------

pub struct ListRow {
    pub view: ContestView,
    pub entries: i64,
    pub people: i64,
    pub voided: bool,
}

#[derive(Template)]
#[template(path = "outreach/contests/admin_list.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<ListRow>,
    home: i64,
    draft: Draft,
    periods: Vec<Opt>,
    voided_done: bool,
    form: Refusal,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    voided: Option<String>,
}

async fn list_page(
    Page { lang, id }: Page,
    m: &OutreachManage,
    draft: Draft,
    form: Refusal,
    voided_done: bool,
) -> WebResult<Html<String>> {
    let mut rows = Vec::new();
    for c in m.contests().await? {
        let counts = m.of_contest(&c).counts().await?;
        rows.push(ListRow {
            view: ContestView::of(&c),
            entries: counts.counted,
            people: counts.people,
            voided: c.voided.is_some(),
        });
    }
    let periods = period_options(&draft.period);
    render(&ListPage {
        chrome: Chrome::new(lang, id.as_ref(), "contests"),
        rows,
        home: m.0.home_unit(today()).await?.0,
        draft,
        periods,
        voided_done,
        form,
    })
}

/// `GET /outreach/contests`.
pub async fn list(page: Page, m: OutreachManage, Query(q): Query<ListQuery>) -> WebResult<Html<String>> {
    let draft = Draft::new_contest(crate::access::now().utc());
    list_page(page, &m, draft, Refusal::default(), q.voided.is_some()).await
}

/// `POST /outreach/contests`: a new contest from the settings form; a
/// refusal comes back with what was typed and the reason beside the form.
pub async fn create(page: Page, m: OutreachManage, fields: Fields) -> WebResult<Response> {
    // The organiser is the session's home unit unless the form names one (in the scope today).
    let organiser = match fields.get("organiser") {
        "" => m.0.home_unit(today()).await?,
        raw if raw.len() <= 20 => UnitId(raw.parse().map_err(|_| bad("Đơn vị tổ chức không hợp lệ."))?),
        _ => return Err(bad("Đơn vị tổ chức không hợp lệ.")),
    };
    m.0.ensure_write(organiser).await?;
    let draft = Draft::of_fields(&fields);
    let result = async {
        let contest = draft.check(organiser)?;
        m.write(Target::Unit(organiser), async |tx| Ok(tx.create_contest(&contest).await?)).await
    }
    .await;
    match result {
        Ok(id) => Ok(see_other(format!("/outreach/contests/{id}?saved=1"))),
        Err(e) => {
            let error = FormError::of("create", e)?;
            let form = Refusal { error: Some(error), entered: fields };
            Ok(refused(list_page(page, &m, draft, form, false).await?))
        }
    }
}

// ---------------------------------------------------------------------------
// A contest's page
// ---------------------------------------------------------------------------

pub struct QuestionRow {
    pub id: i64,
    pub category: String,
    pub text: String,
    pub choices: Vec<(char, String, bool)>,
    /// The six choice boxes of its correction form: (number, text, right).
    pub slots: Vec<(usize, String, bool)>,
    pub shared: bool,
    pub active: bool,
    /// One of the contest's own questions, still to be corrected before opening.
    pub editable: bool,
}

pub struct UnitLine {
    pub name: String,
    pub eligible: String,
}

/// A unit in the picker: ticked when it takes part (or was ticked before a search).
pub struct UnitPick {
    pub id: i64,
    pub label: String,
    pub checked: bool,
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
    /// Before it opens and not voided: the settings, units and bank change.
    may_change: bool,
    /// "Voided: when · by whom · why".
    voided: Option<String>,
    may_restore: bool,
    draft: Draft,
    periods: Vec<Opt>,
    /// The unit picker: the contest's units and the search's hits.
    picks: Vec<UnitPick>,
    /// The new-question form's six choice boxes.
    new_slots: Vec<(usize, String, bool)>,
    changes: Vec<ChangeRow>,
    saved: bool,
    form: Refusal,
}

const LETTERS: [char; 6] = ['A', 'B', 'C', 'D', 'E', 'F'];

/// What a page shown again carries: the form that was sent (its section,
/// what was typed, why it was refused) and the unit picker's search hits.
#[derive(Default)]
pub struct Extra {
    pub section: &'static str,
    pub fields: Fields,
    pub error: Option<WebError>,
    pub picks: Vec<UnitPick>,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /outreach/contests/{id}`.
pub async fn page(
    page: Page,
    axum::extract::State(state): axum::extract::State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
    Query(q): Query<PageQuery>,
) -> WebResult<Response> {
    let c = m.contest(contest).await?;
    let saved = q.saved.is_some();
    admin_page(page, &state, &m, &c, Extra::default(), saved).await.map(IntoResponse::into_response)
}

/// The contest's page shown again after a form: 422 with the reason beside
/// the form when refused, 200 after a search of the unit picker.
pub async fn admin_response(
    page: Page,
    state: &AppState,
    m: &OutreachManage,
    c: &ContestRecord,
    extra: Extra,
) -> WebResult<Response> {
    let refused_now = extra.error.is_some();
    let html = admin_page(page, state, m, c, extra, false).await?;
    Ok(if refused_now { refused(html) } else { html.into_response() })
}

/// The six choice boxes of a question form: the question's (or what was typed).
fn slots(choices: &[String], correct: Option<usize>) -> Vec<(usize, String, bool)> {
    (0..MAX_CHOICES).map(|i| (i, choices.get(i).cloned().unwrap_or_default(), correct == Some(i))).collect()
}

fn typed_slots(f: &Fields) -> Vec<(usize, String, bool)> {
    let right: Option<usize> = f.get("correct").parse().ok();
    (0..MAX_CHOICES).map(|i| (i, f.get(&format!("choice{i}")).to_string(), right == Some(i))).collect()
}

async fn admin_page(
    Page { lang, id }: Page,
    state: &AppState,
    m: &OutreachManage,
    c: &ContestRecord,
    extra: Extra,
    saved: bool,
) -> WebResult<Html<String>> {
    let of = m.of_contest(c);
    let now = crate::access::now().utc();
    let may_change = c.voided.is_none() && c.rules.ensure_settings_open(now).is_ok();
    let error = extra.error.map(|e| FormError::of(extra.section, e)).transpose()?;
    let entered = extra.fields;
    // A refused correction of a question shows what was typed in that question's form.
    let typed_question: Option<i64> =
        if extra.section == "question_edit" { entered.get("question").parse().ok() } else { None };
    let bank = of.bank().await?;
    let questions: Vec<QuestionRow> = bank
        .iter()
        .map(|b| {
            let id = b.question.id.0;
            let slots = if typed_question == Some(id) {
                typed_slots(&entered)
            } else {
                slots(&b.question.choices, Some(b.question.correct))
            };
            QuestionRow {
                id,
                category: b.question.category.clone(),
                text: b.question.text.clone(),
                choices: b
                    .question
                    .choices
                    .iter()
                    .enumerate()
                    .map(|(i, text)| (LETTERS.get(i).copied().unwrap_or('?'), text.clone(), i == b.question.correct))
                    .collect(),
                slots,
                shared: b.shared,
                active: b.active,
                editable: may_change && !b.shared && b.active,
            }
        })
        .collect();
    let units = of.units().await?;
    let names = of.unit_names(&units.iter().map(|u| u.unit).chain([c.organiser]).collect::<Vec<_>>()).await?;
    // The picker: what takes part (or was ticked before a search), then the search's hits.
    let ticked: Vec<&str> = entered.all("unit");
    let searched = extra.section == "units" && entered.has("find");
    let mut picks: Vec<UnitPick> = units
        .iter()
        .map(|u| UnitPick {
            id: u.unit.0,
            label: names.get(&u.unit).cloned().unwrap_or_else(|| format!("#{}", u.unit.0)),
            checked: !searched || ticked.contains(&u.unit.0.to_string().as_str()),
            eligible: if searched {
                entered.get(&format!("eligible_{}", u.unit.0)).to_string()
            } else {
                u.eligible.map(|n| n.to_string()).unwrap_or_default()
            },
        })
        .collect();
    for mut hit in extra.picks {
        if picks.iter().any(|p| p.id == hit.id) {
            continue;
        }
        hit.checked = ticked.contains(&hit.id.to_string().as_str());
        picks.push(hit);
    }
    let r = results(&of, &runtime(state).keys, c).await?;
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
    let draft = if extra.section == "settings" { Draft::of_fields(&entered) } else { Draft::of_contest(c) };
    let new_slots = if extra.section == "question" { typed_slots(&entered) } else { slots(&[], None) };
    let changes = m.0.history_rows(Tr { lang: lang.0 }, of.history().await?.into_iter().rev().collect()).await?;
    let may_restore = id.as_ref().is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::ProgrammeManage));
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
                super::public::BoardRow::of(x, unit, Tr { lang: lang.0 })
            })
            .collect(),
        ranked: r.ranked.len(),
        actual: r.actual_all_correct,
        closed: c.actual_all_correct.is_some(),
        can_close: c.voided.is_none() && c.actual_all_correct.is_none() && now >= c.rules.closes_at,
        may_change,
        voided: c.voided.as_ref().map(|v| format!("{} · {} · {}", crate::reports::local_time(&v.at), v.by, v.reason)),
        may_restore,
        periods: period_options(&draft.period),
        draft,
        picks,
        new_slots,
        changes,
        saved,
        form: Refusal { error, entered },
        c: ContestView::of(c),
    })
}

// ---------------------------------------------------------------------------
// The question bank
// ---------------------------------------------------------------------------

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
    ensure_before_opening(&c, crate::access::now().utc())?;
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
        ColumnKind::Moment,
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
                    Cell::DateTime(row.submitted_local),
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

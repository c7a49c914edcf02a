//! A contest's settings as forms (issue 18): the settings form shared by
//! creation and correction (time limit in minutes, dates as date-and-time
//! boxes, the attempt period from a menu), questions typed in the page (one
//! box per choice, the right one ticked), participating units picked from
//! the tree (a search that ignores diacritics, ticked boxes, no code or id
//! typed), and the contest opened now, corrected or voided with a reason
//! before it opens and restored by the secretariat. What may change after
//! the contest opens is core's rule (`ContestRules::ensure_settings_open`).

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDateTime, Utc};
use khienmang_core::movement::VoidReason;
use khienmang_core::org::UnitId;
use khienmang_core::outreach::contest::{
    AttemptPolicy, ContestRules, MAX_CHOICES, Period, Question, QuestionId, Quota,
};
use khienmang_store::outreach::contests::{ContestRecord, ContestUnit, NewContest, ensure_before_opening, settings_of};

use super::staff::{Extra, UnitPick, admin_response};
use crate::AppState;
use crate::access::{OutreachManage, Target};
use crate::error::{WebError, WebResult};
use crate::kit::form::{Fields, Opt, see_other};
use crate::page::Page;

/// Longest texts read from the settings form, in characters.
const MAX_TITLE_CHARS: usize = 200;
const MAX_TEXT_CHARS: usize = 5000;
const MAX_LINE_CHARS: usize = 500;
/// The longest time limit offered: ten hours.
pub const MAX_MINUTES: u32 = 600;
/// How many search hits the unit picker shows.
const PICKER_SIZE: i64 = 40;

fn bad(m: impl Into<String>) -> WebError {
    WebError::BadRequest(m.into())
}

/// "2026-03-01T08:00" as a date-and-time box shows it (Viet Nam time).
pub fn local_input(t: DateTime<Utc>) -> String {
    (t + chrono::Duration::hours(7)).format("%Y-%m-%dT%H:%M").to_string()
}

/// "2026-03-01T08:00" (Viet Nam time, as a datetime-local box sends it).
fn parse_local(text: &str, what: &str) -> WebResult<DateTime<Utc>> {
    let t = text.trim();
    if t.len() > 19 {
        return Err(bad(format!("{what} không hợp lệ (ngày và giờ, ví dụ 2026-03-01T08:00).")));
    }
    let naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| bad(format!("{what} không hợp lệ (ngày và giờ, ví dụ 2026-03-01T08:00).")))?;
    Ok(naive.and_utc() - chrono::Duration::hours(7))
}

fn number<T: std::str::FromStr>(text: &str, what: &str) -> WebResult<T> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    if digits.len() > 9 {
        return Err(bad(format!("{what} quá lớn.")));
    }
    digits.parse().map_err(|_| bad(format!("{what} phải là một số nguyên.")))
}

fn bounded<'a>(text: &'a str, max: usize, what: &str) -> WebResult<&'a str> {
    if text.chars().count() > max { Err(bad(format!("{what} dài tối đa {max} ký tự."))) } else { Ok(text) }
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

/// The settings form as typed (or as stored), shown again after a refusal.
pub struct Draft {
    pub title: String,
    pub description: String,
    pub opens_at: String,
    pub closes_at: String,
    pub question_count: String,
    pub quotas: String,
    pub time_limit_minutes: String,
    pub max_attempts: String,
    pub period: String,
    pub prediction_question: String,
    pub use_shared_bank: bool,
}

impl Draft {
    /// A new contest's form: opening in a day, for a month, ten questions in ten minutes.
    pub fn new_contest(now: DateTime<Utc>) -> Draft {
        Draft {
            title: String::new(),
            description: String::new(),
            opens_at: local_input(now + chrono::Duration::days(1)),
            closes_at: local_input(now + chrono::Duration::days(31)),
            question_count: "10".into(),
            quotas: String::new(),
            time_limit_minutes: "10".into(),
            max_attempts: "3".into(),
            period: Period::Day.as_str().into(),
            prediction_question: "Theo bạn, sẽ có bao nhiêu người trả lời đúng tất cả các câu hỏi?".into(),
            use_shared_bank: true,
        }
    }

    pub fn of_contest(c: &ContestRecord) -> Draft {
        Draft {
            title: c.rules.title.clone(),
            description: c.description.clone(),
            opens_at: local_input(c.rules.opens_at),
            closes_at: local_input(c.rules.closes_at),
            question_count: c.rules.question_count.to_string(),
            quotas: c
                .rules
                .quotas
                .iter()
                .map(|q| format!("{}: {}", q.category, q.count))
                .collect::<Vec<_>>()
                .join("\n"),
            // A limit stored in seconds shows rounded up to whole minutes.
            time_limit_minutes: c.rules.time_limit_secs.div_ceil(60).to_string(),
            max_attempts: c.rules.attempts.max_attempts.to_string(),
            period: c.rules.attempts.period.as_str().into(),
            prediction_question: c.prediction_question.clone(),
            use_shared_bank: c.use_shared_bank,
        }
    }

    pub fn of_fields(f: &Fields) -> Draft {
        Draft {
            title: f.get("title").into(),
            description: f.get("description").into(),
            opens_at: f.get("opens_at").into(),
            closes_at: f.get("closes_at").into(),
            question_count: f.get("question_count").into(),
            quotas: f.get("quotas").into(),
            time_limit_minutes: f.get("time_limit_minutes").into(),
            max_attempts: f.get("max_attempts").into(),
            period: f.get("period").into(),
            prediction_question: f.get("prediction_question").into(),
            use_shared_bank: f.has("use_shared_bank"),
        }
    }

    /// The settings checked field by field (core checks them together).
    pub fn check(&self, organiser: UnitId) -> WebResult<NewContest> {
        let period = Period::parse(&self.period).ok_or_else(|| bad("Hãy chọn chu kỳ giới hạn lượt thi."))?;
        let minutes: u32 = number(&self.time_limit_minutes, "Thời gian làm bài (phút)")?;
        if !(1..=MAX_MINUTES).contains(&minutes) {
            return Err(bad(format!("Thời gian làm bài từ 1 đến {MAX_MINUTES} phút.")));
        }
        let rules = ContestRules {
            title: bounded(&self.title, MAX_TITLE_CHARS, "Tên cuộc thi")?.trim().to_owned(),
            opens_at: parse_local(&self.opens_at, "Thời điểm bắt đầu")?,
            closes_at: parse_local(&self.closes_at, "Thời điểm kết thúc")?,
            question_count: number(&self.question_count, "Số câu hỏi mỗi lượt")?,
            quotas: parse_quotas(bounded(&self.quotas, MAX_TEXT_CHARS, "Số câu theo lĩnh vực")?)?,
            time_limit_secs: minutes * 60,
            attempts: AttemptPolicy { max_attempts: number(&self.max_attempts, "Số lượt thi")?, period },
        };
        rules.validate().map_err(|e| bad(e.message_vi()))?;
        Ok(NewContest {
            rules,
            organiser,
            description: bounded(&self.description, MAX_TEXT_CHARS, "Giới thiệu")?.to_owned(),
            prediction_question: bounded(&self.prediction_question, MAX_LINE_CHARS, "Câu hỏi dự đoán")?.to_owned(),
            use_shared_bank: self.use_shared_bank,
        })
    }
}

/// The attempt periods as a menu.
pub fn period_options(current: &str) -> Vec<Opt> {
    Period::ALL.iter().map(|p| Opt::new(p.as_str(), p.label_vi(), current)).collect()
}

/// A question as typed: its category, text, one box per choice and the
/// right one ticked (`correct` is the choice's number, 0 for the first).
pub fn question_of(f: &Fields) -> WebResult<Question> {
    let category = bounded(f.get("category"), MAX_LINE_CHARS, "Lĩnh vực")?.to_owned();
    if category.is_empty() {
        return Err(bad("Cần ghi lĩnh vực của câu hỏi."));
    }
    let text = bounded(f.get("text"), MAX_TEXT_CHARS, "Câu hỏi")?.to_owned();
    // Blank boxes are skipped; the ticked one is counted among those kept.
    let mut choices = Vec::new();
    let mut correct = None;
    let ticked: Option<usize> = f.get("correct").parse().ok();
    for i in 0..MAX_CHOICES {
        let choice = bounded(f.get(&format!("choice{i}")), MAX_LINE_CHARS, "Phương án")?;
        if choice.is_empty() {
            continue;
        }
        if ticked == Some(i) {
            correct = Some(choices.len());
        }
        choices.push(choice.to_owned());
    }
    let correct = correct.ok_or_else(|| bad("Hãy đánh dấu phương án đúng (một phương án đã điền)."))?;
    let q = Question { id: QuestionId(1), category, text, choices, correct };
    q.validate().map_err(|e| bad(e.message_vi()))?;
    Ok(q)
}

/// A question picked on the page (a hidden field of its form), read bounded.
fn picked(f: &Fields, name: &str) -> WebResult<i64> {
    let raw = f.get(name);
    if raw.is_empty() || raw.len() > 20 {
        return Err(bad("Hãy chọn câu hỏi trong danh sách."));
    }
    raw.parse().map_err(|_| bad("Hãy chọn câu hỏi trong danh sách."))
}

fn back(c: i64, anchor: &str) -> Response {
    see_other(format!("/outreach/contests/{c}?saved=1#{anchor}"))
}

/// The page again after a refused form, or after a search of the unit picker.
#[allow(clippy::too_many_arguments, reason = "the request's parts and what is shown again")]
async fn again(
    page: Page,
    state: &AppState,
    m: &OutreachManage,
    c: &ContestRecord,
    section: &'static str,
    fields: Fields,
    e: Option<WebError>,
    picks: Vec<UnitPick>,
) -> WebResult<Response> {
    admin_response(page, state, m, c, Extra { section, fields, error: e, picks }).await
}

/// `POST /outreach/contests/{id}/edit`: corrects the settings before the contest opens.
pub async fn edit_submit(
    page: Page,
    State(state): State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let c = m.contest_to_change(contest).await?;
    let result = async {
        let new = Draft::of_fields(&fields).check(c.organiser)?;
        m.write(Target::Unit(c.organiser), async |tx| Ok(tx.edit_contest(&c, &new).await.map(|_| ())?)).await
    }
    .await;
    match result {
        Ok(()) => Ok(back(c.id, "settings")),
        Err(e) => again(page, &state, &m, &c, "settings", fields, Some(e), Vec::new()).await,
    }
}

/// `POST /outreach/contests/{id}/open`: opens the contest now (its opening
/// time moved to now), once the bank holds enough questions for a draw.
pub async fn open_submit(
    page: Page,
    State(state): State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let c = m.contest_to_change(contest).await?;
    let result = async {
        let active = m.of_contest(&c).bank().await?.iter().filter(|q| q.active).count();
        if active < c.rules.question_count {
            return Err(bad(format!(
                "Ngân hàng mới có {active} câu hỏi đang dùng; mỗi lượt thi rút {} câu. Hãy thêm câu hỏi trước khi mở.",
                c.rules.question_count
            )));
        }
        let units = m.of_contest(&c).units().await?;
        if units.is_empty() {
            return Err(bad("Hãy chọn ít nhất một đơn vị tham gia trước khi mở cuộc thi."));
        }
        m.write(Target::Unit(c.organiser), async |tx| {
            let mut new = settings_of(&c);
            new.rules.opens_at = tx.now().utc();
            ensure_before_opening(&c, tx.now().utc())?;
            Ok(tx.edit_contest(&c, &new).await.map(|_| ())?)
        })
        .await
    }
    .await;
    match result {
        Ok(()) => Ok(back(c.id, "settings")),
        Err(e) => again(page, &state, &m, &c, "open", fields, Some(e), Vec::new()).await,
    }
}

/// `POST /outreach/contests/{id}/void`: voids a contest entered by mistake, before it opens.
pub async fn void_submit(
    page: Page,
    State(state): State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let c = m.contest_to_change(contest).await?;
    let result = async {
        let why = VoidReason::parse(fields.get("reason"))?;
        m.write(Target::Unit(c.organiser), async |tx| Ok(tx.void_contest(&c, &why).await?)).await
    }
    .await;
    match result {
        Ok(()) => Ok(see_other("/outreach/contests?voided=1".into())),
        Err(e) => again(page, &state, &m, &c, "void", fields, Some(e), Vec::new()).await,
    }
}

/// `POST /outreach/contests/{id}/restore`: the secretariat restores a voided contest.
pub async fn restore_submit(
    page: Page,
    State(state): State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let c = m.contest_to_restore(contest).await?;
    let result = m.write(Target::Unit(c.organiser), async |tx| Ok(tx.restore_contest(c.id).await?)).await;
    match result {
        Ok(()) => Ok(back(c.id, "settings")),
        Err(e) => again(page, &state, &m, &c, "restore", fields, Some(e), Vec::new()).await,
    }
}

/// `POST /outreach/contests/{id}/questions`: one question typed in the page,
/// added to the contest's bank (or the shared one) before the contest opens.
pub async fn question_submit(
    page: Page,
    State(state): State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let c = m.contest_to_change(contest).await?;
    let result = async {
        ensure_before_opening(&c, crate::access::now().utc())?;
        let q = question_of(&fields)?;
        let target = if fields.has("shared") { None } else { Some(c.id) };
        m.write(Target::Unit(c.organiser), async |tx| Ok(tx.add_contest_questions(target, &[q]).await.map(|_| ())?))
            .await
    }
    .await;
    match result {
        Ok(()) => Ok(back(c.id, "bank")),
        Err(e) => again(page, &state, &m, &c, "question", fields, Some(e), Vec::new()).await,
    }
}

/// `POST /outreach/contests/{id}/questions/edit`: corrects one of the
/// contest's own questions before it opens.
pub async fn question_edit_submit(
    page: Page,
    State(state): State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let c = m.contest_to_change(contest).await?;
    let result = async {
        let id = picked(&fields, "question")?;
        let q = Question { id: QuestionId(id), ..question_of(&fields)? };
        m.write(Target::Unit(c.organiser), async |tx| Ok(tx.edit_contest_question(&c, &q).await.map(|_| ())?)).await
    }
    .await;
    match result {
        Ok(()) => Ok(back(c.id, "bank")),
        Err(e) => again(page, &state, &m, &c, "question_edit", fields, Some(e), Vec::new()).await,
    }
}

/// The units ticked in the picker with the people each has who may take part.
fn ticked_units(f: &Fields) -> WebResult<Vec<ContestUnit>> {
    let mut out = Vec::new();
    for raw in f.all("unit") {
        if raw.len() > 20 {
            return Err(bad("Hãy chọn đơn vị trong danh sách."));
        }
        let unit = UnitId(raw.parse().map_err(|_| bad("Hãy chọn đơn vị trong danh sách."))?);
        let eligible = match f.get(&format!("eligible_{}", unit.0)) {
            "" => None,
            n => Some(number::<u64>(n, "Số người thuộc diện tham gia")?),
        };
        out.push(ContestUnit { unit, eligible });
    }
    Ok(out)
}

/// `POST /outreach/contests/{id}/units`: with `find`, the picker searched
/// (units matching the words, diacritics ignored, in the scope today; what
/// was ticked stays ticked), nothing saved; otherwise the ticked units (and
/// every commune of the organiser when asked) become the contest's units.
pub async fn units_submit(
    page: Page,
    State(state): State<AppState>,
    m: OutreachManage,
    Path(contest): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let c = m.contest_to_change(contest).await?;
    if fields.has("find") {
        let query: String = fields.get("unit_q").chars().take(MAX_TITLE_CHARS).collect();
        let hits = if query.trim().is_empty() { Vec::new() } else { m.pickable_units(&query, PICKER_SIZE).await? };
        let picks = hits
            .into_iter()
            .map(|v| UnitPick {
                id: v.unit_id.0,
                label: crate::org::changes::unit_label(&v),
                checked: false,
                eligible: v.attrs.population.map(|p| p.to_string()).unwrap_or_default(),
            })
            .collect();
        return again(page, &state, &m, &c, "units", fields, None, picks).await;
    }
    let result = async {
        ensure_before_opening(&c, crate::access::now().utc())?;
        let mut units = if fields.has("all_communes") {
            super::staff::communes_under(&m.of_contest(&c), c.organiser).await?
        } else {
            Vec::new()
        };
        for u in ticked_units(&fields)? {
            if !m.writable_unit(u.unit).await? {
                return Err(bad("Có đơn vị đã chọn không còn thuộc phạm vi quản lý; hãy tìm và chọn lại."));
            }
            units.retain(|x| x.unit != u.unit);
            units.push(u);
        }
        m.write(Target::Unit(c.organiser), async |tx| Ok(tx.set_contest_units(c.id, &units).await?)).await
    }
    .await;
    match result {
        Ok(()) => Ok(back(c.id, "units")),
        Err(e) => again(page, &state, &m, &c, "units", fields, Some(e), Vec::new()).await,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn a_question_typed_in_boxes_skips_the_blank_ones_and_keeps_the_ticked_one() {
        let f = fields(&[
            ("category", "Lừa đảo"),
            ("text", "Có người xin mã OTP?"),
            ("choice0", "Đưa mã"),
            ("choice1", ""),
            ("choice2", "Từ chối"),
            ("correct", "2"),
        ]);
        let q = question_of(&f).unwrap();
        assert_eq!(q.choices, ["Đưa mã", "Từ chối"]);
        assert_eq!(q.correct, 1, "the ticked box, counted among those filled");
        let blank_ticked =
            fields(&[("category", "A"), ("text", "B"), ("choice0", "C"), ("choice2", "D"), ("correct", "1")]);
        assert!(question_of(&blank_ticked).is_err(), "a ticked empty box is no answer");
    }

    #[test]
    fn the_time_limit_is_read_in_minutes_and_bounded() {
        let now = DateTime::parse_from_rfc3339("2026-03-01T01:00:00Z").unwrap().to_utc();
        let mut d = Draft::new_contest(now);
        d.title = "Thi".into();
        d.time_limit_minutes = "12".into();
        assert_eq!(d.check(UnitId(1)).unwrap().rules.time_limit_secs, 720);
        for bad in ["0", "601", "mười", "99999999999"] {
            d.time_limit_minutes = bad.into();
            assert!(d.check(UnitId(1)).is_err(), "{bad}");
        }
        d.time_limit_minutes = "10".into();
        d.period = "month".into();
        assert!(d.check(UnitId(1)).is_err(), "a period from the menu only");
    }
}

//! The survey builder: the secretariat writes a survey in a form (questions
//! added, moved, edited and removed, skip rules chosen from menus, a
//! preview at phone width). Every button posts the whole form and the page
//! comes back with the change made and everything typed kept, so it works
//! without script. A JSON definition can still be imported into the
//! builder, which checks it as it checks its own. A survey's questions can
//! be changed only until its first answer.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use khienmang_core::Date;
use khienmang_core::outreach::survey::{
    BuilderAction, DraftKind, DraftQuestion, FieldError, ImportError, OPS, SurveyDraft, import_json,
};
use khienmang_store::outreach::surveys::SurveyRecord;
use serde::Deserialize;

use super::surveys::FormQuestion;
use crate::access::{OutreachManage, Target};
use crate::error::WebResult;
use crate::i18n::Tr;
use crate::kit::form::{Fields, Opt};
use crate::org::today;
use crate::page::{Chrome, Page, render};

/// Longest a survey may run, in days.
const MAX_DAYS: u64 = 366;

/// A rule's row in the builder.
pub struct RuleRow {
    pub index: usize,
    /// The question's choices (choice and multiple).
    pub choices: Vec<Opt>,
    pub ops: Vec<Opt>,
    pub value: String,
    /// Later questions and the end of the survey.
    pub targets: Vec<Opt>,
    pub e_choice: Option<String>,
    pub e_value: Option<String>,
    pub e_to: Option<String>,
}

/// A question's block in the builder.
pub struct QuestionRow {
    pub index: usize,
    pub number: usize,
    pub q: DraftQuestion,
    pub kinds: Vec<Opt>,
    pub first: bool,
    pub last: bool,
    pub rules: Vec<RuleRow>,
    pub errors: Vec<(String, String)>,
}

impl QuestionRow {
    pub fn kind(&self) -> &'static str {
        self.q.kind.code()
    }
    pub fn takes_rules(&self) -> bool {
        self.q.kind.takes_rules()
    }
    /// The message beside field `name` of this question, if refused.
    pub fn e(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "outreach/survey_builder.html")]
struct BuilderPage {
    chrome: Chrome,
    /// Where the form posts: `/surveys` or `/surveys/{id}/edit`.
    action: String,
    survey_id: Option<i64>,
    title: String,
    anonymous: bool,
    opens_on: String,
    closes_on: String,
    questions: Vec<QuestionRow>,
    new_kinds: Vec<Opt>,
    e_title: Option<String>,
    e_dates: Option<String>,
    e_questions: Option<String>,
    /// Why the survey can no longer be changed.
    locked: Option<String>,
    saved: bool,
    preview: Vec<FormQuestion>,
    definition: String,
    e_import: Option<String>,
}

/// What the builder shows besides the draft.
#[derive(Default)]
struct Shown {
    errors: Vec<FieldError>,
    e_dates: Option<String>,
    locked: Option<String>,
    saved: bool,
    definition: String,
    e_import: Option<String>,
}

fn kind_label(tr: Tr, k: DraftKind) -> &'static str {
    tr.t(match k {
        DraftKind::Choice => "sb.kind.choice",
        DraftKind::Multiple => "sb.kind.multiple",
        DraftKind::Scale => "sb.kind.scale",
        DraftKind::Number => "sb.kind.number",
        DraftKind::Text => "sb.kind.text",
    })
}

fn op_label(tr: Tr, code: &str) -> &'static str {
    tr.t(&format!("sb.op.{code}"))
}

/// A short label of a question for a menu: "Câu 3: Anh/chị …".
fn question_label(tr: Tr, number: usize, text: &str) -> String {
    let text = text.trim();
    let short: String = text.chars().take(50).collect();
    let more = if text.chars().count() > 50 { "…" } else { "" };
    format!("{} {number}: {short}{more}", tr.t("sb.question"))
}

fn message(tr: Tr, e: &FieldError) -> String {
    let args = [
        ("{max_questions}", khienmang_core::outreach::survey::MAX_QUESTIONS),
        ("{max_choices}", khienmang_core::outreach::survey::MAX_SURVEY_CHOICES),
        ("{max_points}", khienmang_core::outreach::survey::MAX_SCALE_POINTS),
        ("{max_text}", khienmang_core::outreach::survey::MAX_TEXT_CHARS),
        ("{max_rules}", khienmang_core::outreach::survey::MAX_RULES),
        ("{max_title}", khienmang_core::outreach::survey::MAX_TITLE_CHARS),
        ("{max_question}", khienmang_core::outreach::survey::MAX_QUESTION_CHARS),
        ("{max_choice}", khienmang_core::outreach::survey::MAX_CHOICE_CHARS),
    ];
    args.iter().fold(tr.t(e.error.key()).to_string(), |m, (k, v)| m.replace(k, &v.to_string()))
}

/// The preview: the questions as a respondent sees them, from the draft
/// as it stands (a half-typed question shows what it has).
fn preview(d: &SurveyDraft) -> Vec<FormQuestion> {
    d.questions
        .iter()
        .filter(|q| !q.text.trim().is_empty())
        .map(|q| {
            let mut f = FormQuestion::new(&q.key, q.text.trim(), q.required);
            match q.kind {
                DraftKind::Choice | DraftKind::Multiple => {
                    f.kind = if q.kind == DraftKind::Choice { "single" } else { "multiple" };
                    f.options = q.choice_list().into_iter().enumerate().map(|(i, c)| (i.to_string(), c)).collect();
                }
                DraftKind::Scale => {
                    f.kind = "scale";
                    if let (Ok(lo), Ok(hi)) = (q.min.parse::<i32>(), q.max.parse::<i32>())
                        && hi > lo
                        && hi - lo < 11
                    {
                        f.options = super::surveys::scale_options(lo, hi, q.min_label.trim(), q.max_label.trim());
                    }
                }
                DraftKind::Number => {
                    f.kind = "number";
                    (f.min, f.max) = (q.min.clone(), q.max.clone());
                }
                DraftKind::Text => f.max_chars = q.max_chars.parse().unwrap_or(500),
            }
            f
        })
        .collect()
}

fn page(
    chrome: Chrome,
    action: String,
    survey_id: Option<i64>,
    d: &SurveyDraft,
    dates: (&str, &str),
    shown: Shown,
) -> WebResult<Html<String>> {
    let tr = chrome.tr;
    let field_error = |f: &str| shown.errors.iter().find(|e| e.field == f).map(|e| message(tr, e));
    let questions = d
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let prefix = format!("q{i}.");
            let errors = shown
                .errors
                .iter()
                .filter_map(|e| e.field.strip_prefix(&prefix).map(|f| (f.to_owned(), message(tr, e))))
                .collect::<Vec<_>>();
            let choices = q.choice_list();
            let rules = q
                .rules
                .iter()
                .enumerate()
                .map(|(j, r)| {
                    let mut targets: Vec<Opt> = d
                        .questions
                        .iter()
                        .enumerate()
                        .filter(|(k, o)| *k > i || o.key == r.to)
                        .map(|(k, o)| Opt::new(o.key.clone(), question_label(tr, k + 1, &o.text), &r.to))
                        .collect();
                    targets.push(Opt::new("end", tr.t("sb.to_end"), &r.to));
                    let re =
                        |name: &str| errors.iter().find(|(f, _)| *f == format!("r{j}.{name}")).map(|(_, m)| m.clone());
                    RuleRow {
                        index: j,
                        choices: choices
                            .iter()
                            .enumerate()
                            .map(|(c, l)| Opt::new(c.to_string(), l.clone(), &r.choice))
                            .collect(),
                        ops: OPS.iter().map(|(c, _)| Opt::new(*c, op_label(tr, c), &r.op)).collect(),
                        value: r.value.clone(),
                        targets,
                        e_choice: re("choice"),
                        e_value: re("value"),
                        e_to: re("to"),
                    }
                })
                .collect();
            QuestionRow {
                index: i,
                number: i + 1,
                q: q.clone(),
                kinds: DraftKind::ALL.iter().map(|k| Opt::new(k.code(), kind_label(tr, *k), q.kind.code())).collect(),
                first: i == 0,
                last: i + 1 == d.questions.len(),
                rules,
                errors,
            }
        })
        .collect();
    render(&BuilderPage {
        new_kinds: DraftKind::ALL.iter().map(|k| Opt::new(k.code(), kind_label(tr, *k), "choice")).collect(),
        e_title: field_error("title"),
        e_questions: field_error("questions"),
        preview: preview(d),
        chrome,
        action,
        survey_id,
        title: d.title.clone(),
        anonymous: d.anonymous,
        opens_on: dates.0.to_owned(),
        closes_on: dates.1.to_owned(),
        questions,
        e_dates: shown.e_dates,
        locked: shown.locked,
        saved: shown.saved,
        definition: shown.definition,
        e_import: shown.e_import,
    })
}

/// The dates typed, checked: both days, the end not before the start, at
/// most a year apart.
fn dates(tr: Tr, opens: &str, closes: &str) -> Result<(Date, Date), String> {
    let parse = |s: &str| Date::parse_from_str(s.trim().get(..10).unwrap_or(""), "%Y-%m-%d").ok();
    match (parse(opens), parse(closes)) {
        (Some(o), Some(c)) if c >= o && c <= o + chrono::Days::new(MAX_DAYS) => Ok((o, c)),
        (Some(_), Some(_)) => Err(tr.t("sb.err.dates_order").to_string()),
        _ => Err(tr.t("sb.err.dates").to_string()),
    }
}

fn default_dates() -> (String, String) {
    let on = today();
    (on.to_string(), (on + chrono::Days::new(30)).to_string())
}

/// `GET /surveys/new`: an empty builder with one question.
pub async fn new_page(Page { lang, id }: Page, _m: OutreachManage) -> WebResult<Html<String>> {
    let mut d = SurveyDraft { anonymous: true, ..SurveyDraft::default() };
    d.apply(BuilderAction::Add(DraftKind::Choice));
    let (o, c) = default_dates();
    page(Chrome::new(lang, id.as_ref(), "surveys"), "/surveys".into(), None, &d, (&o, &c), Shown::default())
}

/// What a builder post asks for, besides a [`BuilderAction`].
enum Step {
    /// Show the form again (the preview button, Enter in a field).
    Refresh,
    Save,
    Import,
    Act(BuilderAction),
}

fn step(fields: &Fields) -> Step {
    match fields.get("action") {
        "save" => Step::Save,
        "import" => Step::Import,
        a => BuilderAction::parse(a).map_or(Step::Refresh, Step::Act),
    }
}

/// The draft after the post's step, and what to show if it is not saved;
/// `Ok` with the survey and dates when the step is a save that passes.
#[allow(clippy::type_complexity)]
fn work(tr: Tr, fields: &Fields) -> (SurveyDraft, Shown, Option<(khienmang_core::outreach::Survey, Date, Date)>) {
    let mut d = SurveyDraft::from_fields(&fields.0);
    let mut shown = Shown::default();
    match step(fields) {
        Step::Refresh => {}
        Step::Act(a) => d.apply(a),
        Step::Import => {
            shown.definition = fields.raw("definition").chars().take(1024).collect();
            match import_json(fields.raw("definition")) {
                Ok(imported) => {
                    d = imported;
                    shown.definition.clear();
                }
                Err(ImportError::TooLarge) => shown.e_import = Some(tr.t("sb.err.import_large").to_string()),
                Err(ImportError::Unreadable { line, column }) => {
                    shown.e_import = Some(
                        tr.t("sb.err.import")
                            .replace("{line}", &line.to_string())
                            .replace("{column}", &column.to_string()),
                    )
                }
            }
        }
        Step::Save => {
            let checked = d.to_survey();
            let when = dates(tr, fields.get("opens_on"), fields.get("closes_on"));
            if let Err(e) = &when {
                shown.e_dates = Some(e.clone());
            }
            match (checked, when) {
                (Ok(s), Ok((o, c))) => return (d, shown, Some((s, o, c))),
                (Err(errors), _) => shown.errors = errors,
                (Ok(_), Err(_)) => {}
            }
        }
    }
    (d, shown, None)
}

fn with_status(status: StatusCode, html: Html<String>) -> Response {
    (status, html).into_response()
}

/// `POST /surveys`: a builder step on a new survey; "save" creates it.
pub async fn create(Page { lang, id }: Page, m: OutreachManage, fields: Fields) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "surveys");
    let (d, shown, ready) = work(chrome.tr, &fields);
    let Some((survey, opens_on, closes_on)) = ready else {
        let refused = !shown.errors.is_empty() || shown.e_dates.is_some() || shown.e_import.is_some();
        let when = (fields.get("opens_on").to_owned(), fields.get("closes_on").to_owned());
        let html = page(chrome, "/surveys".into(), None, &d, (&when.0, &when.1), shown)?;
        return Ok(with_status(if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, html));
    };
    let record = SurveyRecord { id: 0, survey, area: Some(m.0.home_unit(today()).await?), opens_on, closes_on };
    let id = m.write(Target::Programme, async |tx| Ok(tx.create_survey(&record).await?)).await?;
    Ok(Redirect::to(&format!("/surveys/{id}/edit?saved=1")).into_response())
}

#[derive(Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

/// Why a survey cannot be changed (answers, or a commune merged away), if so.
async fn lock_reason(m: &OutreachManage, tr: Tr, record: &SurveyRecord, answers: i64) -> WebResult<Option<String>> {
    if answers > 0 {
        return Ok(Some(tr.t("sb.locked_answers").replace("{n}", &crate::i18n::number_vi(answers))));
    }
    if let Some(area) = record.area
        && m.0.ensure_write(area).await.is_err()
    {
        return Ok(Some(tr.t("sb.locked_history").to_string()));
    }
    Ok(None)
}

/// `GET /surveys/{id}/edit`: the builder on a stored survey, locked (and
/// saying why) once it has been answered.
pub async fn edit_page(
    Page { lang, id }: Page,
    m: OutreachManage,
    Path(survey): Path<i64>,
    Query(q): Query<Saved>,
) -> WebResult<Html<String>> {
    let scoped = m.survey(survey).await?;
    let count = scoped.response_count().await?;
    let record = scoped.record;
    let chrome = Chrome::new(lang, id.as_ref(), "surveys");
    let locked = lock_reason(&m, chrome.tr, &record, count).await?;
    let d = SurveyDraft::from_survey(&record.survey);
    let dates = (record.opens_on.to_string(), record.closes_on.to_string());
    let shown = Shown { locked, saved: q.saved.is_some(), ..Shown::default() };
    page(chrome, format!("/surveys/{survey}/edit"), Some(survey), &d, (&dates.0, &dates.1), shown)
}

/// `POST /surveys/{id}/edit`: a builder step on a stored survey; "save"
/// replaces its questions and dates, refused once it has an answer.
pub async fn edit_submit(
    Page { lang, id }: Page,
    m: OutreachManage,
    Path(survey): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let scoped = m.survey(survey).await?;
    let count = scoped.response_count().await?;
    let record = scoped.record;
    if let Some(area) = record.area {
        m.0.ensure_write(area).await?;
    }
    let chrome = Chrome::new(lang, id.as_ref(), "surveys");
    let action = format!("/surveys/{survey}/edit");
    if let Some(reason) = lock_reason(&m, chrome.tr, &record, count).await? {
        let d = SurveyDraft::from_fields(&fields.0);
        let when = (fields.get("opens_on").to_owned(), fields.get("closes_on").to_owned());
        let shown = Shown { locked: Some(reason), ..Shown::default() };
        return Ok(with_status(
            StatusCode::CONFLICT,
            page(chrome, action, Some(survey), &d, (&when.0, &when.1), shown)?,
        ));
    }
    let (d, shown, ready) = work(chrome.tr, &fields);
    let Some((s, opens_on, closes_on)) = ready else {
        let refused = !shown.errors.is_empty() || shown.e_dates.is_some() || shown.e_import.is_some();
        let when = (fields.get("opens_on").to_owned(), fields.get("closes_on").to_owned());
        let html = page(chrome, action, Some(survey), &d, (&when.0, &when.1), shown)?;
        return Ok(with_status(if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, html));
    };
    let updated = SurveyRecord { id: survey, survey: s, area: record.area, opens_on, closes_on };
    let target = record.area.map_or(Target::Programme, Target::Unit);
    let changed = m.write(target, async |tx| Ok(tx.update_survey(survey, &updated).await?)).await?;
    if !changed {
        // Answered between the check above and the save.
        let shown = Shown { locked: Some(chrome.tr.t("sb.locked_answers").replace("{n}", "1")), ..Shown::default() };
        let when = (opens_on.to_string(), closes_on.to_string());
        return Ok(with_status(
            StatusCode::CONFLICT,
            page(chrome, action, Some(survey), &d, (&when.0, &when.1), shown)?,
        ));
    }
    Ok(Redirect::to(&format!("/surveys/{survey}/edit?saved=1")).into_response())
}

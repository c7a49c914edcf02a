//! Surveys of the movement's effect: citizens answer without an account
//! (skip logic applied by the server, which drops answers to questions the
//! path skipped); results by commune with small groups suppressed, text
//! answers never shown; an anonymous survey keeps no person and no time
//! finer than the day. Without script a survey is answered a page at a
//! time, each page ending where a skip rule may apply; with script the
//! whole path is one page and skipped questions are hidden as answers
//! change. The builder is in [`super::survey_builder`].

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Response};
use khienmang_core::org::{Level, UnitId};
use khienmang_core::outreach::survey::MAX_TEXT_CHARS;
use khienmang_core::outreach::{
    Answer, Answers, DEFAULT_MIN_GROUP, Figure, Mean, QuestionKind, ReportTree, Response as SurveyResponse, Survey,
    aggregate,
};
use khienmang_store::outreach::surveys::SurveyRecord;

use crate::AppState;
use crate::access::{OutreachManage, RequestLang, ScopedSurvey};
use crate::error::{WebError, WebResult};
use crate::kit::form::Form;
use crate::kit::xlsx::{Cell, Column, ColumnKind, Sheet, xlsx_download};
use crate::org::today;
use crate::page::{Chrome, Page, render};

pub struct SurveyRow {
    pub id: i64,
    pub title: String,
    pub anonymous: bool,
    pub until: String,
}

#[derive(Template)]
#[template(path = "outreach/surveys.html")]
struct ListPage {
    chrome: Chrome,
    surveys: Vec<SurveyRow>,
    can_create: bool,
}

/// `GET /surveys`: open surveys; the secretariat's form.
pub async fn list(Page { lang, id }: Page, State(state): State<AppState>) -> WebResult<Html<String>> {
    let on = today();
    let can_create = id.as_ref().is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::OutreachManage));
    let surveys = state
        .store
        .outreach_public()
        .surveys()
        .await?
        .into_iter()
        .filter(|s| s.is_open(on) || can_create)
        .map(|s| SurveyRow {
            id: s.id,
            title: s.survey.title.clone(),
            anonymous: s.survey.anonymous,
            until: s.closes_on.format("%d/%m/%Y").to_string(),
        })
        .collect();
    render(&ListPage { chrome: Chrome::new(lang, id.as_ref(), "surveys"), surveys, can_create })
}

/// A question as the respondent's form shows it.
pub struct FormQuestion {
    pub id: String,
    pub text: String,
    pub required: bool,
    /// single | multiple | scale | number | text
    pub kind: &'static str,
    pub options: Vec<(String, String)>,
    pub min: String,
    pub max: String,
    pub max_chars: usize,
    /// On the page being answered (without script, one page at a time).
    pub shown: bool,
    /// Its skip rules for the page's script: `c:1>q3` (choice 1 picked:
    /// go to q3), `lt:3>` (answer below 3: the end), joined by `;`.
    pub rules: String,
    /// What was answered, kept when the page comes back.
    pub chosen: Vec<String>,
    pub error: Option<String>,
}

impl FormQuestion {
    pub fn new(id: &str, text: &str, required: bool) -> FormQuestion {
        FormQuestion {
            id: id.to_owned(),
            text: text.to_owned(),
            required,
            kind: "text",
            options: Vec::new(),
            min: String::new(),
            max: String::new(),
            max_chars: 0,
            shown: true,
            rules: String::new(),
            chosen: Vec::new(),
            error: None,
        }
    }

    pub fn is_chosen(&self, value: &str) -> bool {
        self.chosen.iter().any(|c| c == value)
    }

    /// The text or number typed.
    pub fn typed(&self) -> &str {
        self.chosen.first().map(String::as_str).unwrap_or("")
    }
}

/// The points of a scale, the ends labelled.
pub fn scale_options(min: i32, max: i32, min_label: &str, max_label: &str) -> Vec<(String, String)> {
    (min..=max)
        .map(|v| {
            let label = if v == min && !min_label.is_empty() {
                format!("{v} – {min_label}")
            } else if v == max && !max_label.is_empty() {
                format!("{v} – {max_label}")
            } else {
                v.to_string()
            };
            (v.to_string(), label)
        })
        .collect()
}

fn rules_attr(q: &khienmang_core::outreach::SurveyQuestion) -> String {
    use khienmang_core::outreach::{CompareOp, Condition, SkipTarget};
    q.skip
        .iter()
        .map(|r| {
            let when = match &r.when {
                Condition::Chose { choice } => format!("c:{choice}"),
                Condition::Compare { op, value } => {
                    let op = match op {
                        CompareOp::Lt => "lt",
                        CompareOp::Le => "le",
                        CompareOp::Eq => "eq",
                        CompareOp::Ne => "ne",
                        CompareOp::Ge => "ge",
                        CompareOp::Gt => "gt",
                    };
                    format!("{op}:{value}")
                }
            };
            let to = match &r.then {
                SkipTarget::End => "",
                SkipTarget::Question(t) => t,
            };
            format!("{when}>{to}")
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The form values of an answer, as the inputs send them.
fn answer_values(a: &Answer) -> Vec<String> {
    match a {
        Answer::Choice(c) => vec![c.to_string()],
        Answer::Choices(cs) => cs.iter().map(usize::to_string).collect(),
        Answer::Scale(x) => vec![x.to_string()],
        Answer::Number(x) => vec![x.to_string()],
        Answer::Text(t) => vec![t.clone()],
    }
}

fn form_questions(s: &Survey, shown: std::ops::Range<usize>, answers: &Answers) -> Vec<FormQuestion> {
    s.questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut f = FormQuestion::new(&q.id, &q.text, q.required);
            f.shown = shown.contains(&i);
            f.rules = rules_attr(q);
            if f.shown {
                f.chosen = answers.get(&q.id).map(answer_values).unwrap_or_default();
            }
            match &q.kind {
                QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices, .. } => {
                    f.kind = if matches!(q.kind, QuestionKind::SingleChoice { .. }) { "single" } else { "multiple" };
                    f.options = choices.iter().enumerate().map(|(i, c)| (i.to_string(), c.clone())).collect();
                }
                QuestionKind::Scale { min, max, min_label, max_label } => {
                    f.kind = "scale";
                    f.options = scale_options(*min, *max, min_label, max_label);
                }
                QuestionKind::Number { min, max, .. } => {
                    f.kind = "number";
                    f.min = min.map(|v| v.to_string()).unwrap_or_default();
                    f.max = max.map(|v| v.to_string()).unwrap_or_default();
                }
                QuestionKind::Text { max_chars } => f.max_chars = *max_chars,
            }
            f
        })
        .collect()
}

#[derive(Template)]
#[template(path = "outreach/survey.html")]
struct FormPage {
    chrome: Chrome,
    id: i64,
    title: String,
    anonymous: bool,
    open: bool,
    communes: Vec<(i64, String)>,
    unit: String,
    e_unit: Option<String>,
    questions: Vec<FormQuestion>,
    /// The first question of the page shown.
    page: usize,
    /// The survey ends after this page (its button sends).
    last_page: bool,
    /// Answers of earlier pages, carried as hidden fields.
    carried: Vec<(String, String)>,
    error: Option<String>,
    done: bool,
}

async fn communes_of(state: &AppState, s: &SurveyRecord) -> WebResult<Vec<(i64, String)>> {
    let mut out: Vec<(i64, String)> = state
        .store
        .outreach_public()
        .survey_communes(s, today())
        .await?
        .into_iter()
        .map(|v| (v.unit_id.0, v.name))
        .collect();
    out.sort_by_cached_key(|(_, n)| khienmang_core::text::fold(n));
    Ok(out)
}

/// Where the respondent is: the page shown, the answers so far, what to say.
#[derive(Default)]
struct At {
    page: usize,
    answers: Answers,
    unit: String,
    e_unit: Option<String>,
    /// The refusal, and the question it is about (none: the form's).
    error: Option<(Option<String>, String)>,
    done: bool,
}

async fn form_page(
    state: &AppState,
    lang: RequestLang,
    id: Option<&crate::access::Identity>,
    s: &SurveyRecord,
    at: At,
) -> WebResult<Html<String>> {
    let range = s.survey.page_at(at.page);
    let mut questions = form_questions(&s.survey, range.clone(), &at.answers);
    let mut error = None;
    if let Some((question, message)) = at.error {
        match questions.iter_mut().find(|q| Some(&q.id) == question.as_ref() && q.shown) {
            Some(q) => q.error = Some(message),
            None => error = Some(message),
        }
    }
    // Answers of the questions before this page that the path went through.
    let path = s.survey.path(&at.answers);
    let carried = s.survey.questions[..range.start]
        .iter()
        .filter(|q| path.contains(&q.id.as_str()))
        .flat_map(|q| {
            at.answers.get(&q.id).map(answer_values).unwrap_or_default().into_iter().map(|v| (format!("q.{}", q.id), v))
        })
        .collect();
    render(&FormPage {
        chrome: Chrome::new(lang, id, "surveys"),
        id: s.id,
        title: s.survey.title.clone(),
        anonymous: s.survey.anonymous,
        open: s.is_open(today()),
        communes: communes_of(state, s).await?,
        unit: at.unit,
        e_unit: at.e_unit,
        last_page: s.survey.next_page(at.page, &at.answers).is_none()
            && range.end == s.survey.questions.len()
            && s.survey.questions[range.clone()].iter().all(|q| q.skip.is_empty()),
        page: at.page,
        questions,
        carried,
        error,
        done: at.done,
    })
}

/// The cookie holding a browser's random respondent token: one response
/// per survey and token, beside the address's hourly limit.
const RESPONDENT_COOKIE: &str = "survey_respondent";

/// The browser's respondent token, and a `Set-Cookie` giving it one if it
/// has none (or a malformed one).
fn respondent(state: &AppState, headers: &HeaderMap) -> (Option<String>, Option<(header::HeaderName, String)>) {
    let held = crate::security::cookie(headers, RESPONDENT_COOKIE)
        .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()));
    if held.is_some() {
        return (held, None);
    }
    let secure = if state.config.cookie_secure { "; Secure" } else { "" };
    let token = hex::encode(rand::random::<[u8; 16]>());
    let cookie =
        format!("{RESPONDENT_COOKIE}={token}; Path=/surveys; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}");
    (None, Some((header::SET_COOKIE, cookie)))
}

/// `GET /surveys/{id}`: the first page.
pub async fn page(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    Path(survey): Path<i64>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let s = state.store.outreach_public().survey(survey).await?;
    let page = form_page(&state, lang, id.as_ref(), &s, At::default()).await?;
    Ok((AppendHeaders(respondent(&state, &headers).1), page).into_response())
}

/// The answers in a submitted form: `q.<id>` fields (repeated for multiple
/// choice). An unparsable value is refused naming its question.
pub fn read_answers(survey: &Survey, fields: &[(String, String)]) -> Result<Answers, String> {
    let mut answers = Answers::new();
    for q in &survey.questions {
        let key = format!("q.{}", q.id);
        let values: Vec<&str> = fields
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .take(khienmang_core::outreach::survey::MAX_SURVEY_CHOICES + 1)
            .collect();
        if values.is_empty() {
            continue;
        }
        let bad = || q.id.clone();
        let answer = match &q.kind {
            QuestionKind::SingleChoice { .. } => Answer::Choice(values[0].parse().map_err(|_| bad())?),
            QuestionKind::MultipleChoice { .. } => Answer::Choices(
                values.iter().map(|v| v.parse::<usize>().map_err(|_| bad())).collect::<Result<Vec<_>, _>>()?,
            ),
            QuestionKind::Scale { .. } => Answer::Scale(values[0].parse().map_err(|_| bad())?),
            QuestionKind::Number { .. } => Answer::Number(values[0].parse().map_err(|_| bad())?),
            QuestionKind::Text { .. } => Answer::Text(values[0].chars().take(MAX_TEXT_CHARS + 1).collect()),
        };
        answers.insert(q.id.clone(), answer);
    }
    Ok(answers)
}

/// `POST /surveys/{id}`: a page of answers, or the whole response.
///
/// With a `page` field (the form without script) the page's answers are
/// checked and the next page on the respondent's path is shown, carrying
/// the earlier answers; after the last page the response is stored.
/// Without one (the form with script, which shows the whole path at once)
/// the response is stored at once. Either way, answers to questions off
/// the path are dropped before anything is stored.
pub async fn submit(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    Path(survey): Path<i64>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let s = state.store.outreach_public().survey(survey).await?;
    let tr = crate::i18n::Tr { lang: lang.0 };
    let (token, set_cookie) = respondent(&state, &headers);
    let unit_typed = fields.iter().find(|(k, _)| k == "unit").map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let page_no = fields.iter().find(|(k, _)| k == "page").and_then(|(_, v)| v.trim().parse::<usize>().ok());
    let (state_r, id_r, s_r) = (&state, id.as_ref(), &s);
    let refuse = move |at: At, status: StatusCode| async move {
        let page = form_page(state_r, lang, id_r, s_r, at).await?;
        WebResult::Ok((status, page).into_response())
    };
    let Some(token) = token else {
        // A script that never opened the page; a browser gets its token now.
        let at = At { error: Some((None, tr.t("os.no_token").into())), ..At::default() };
        let page = form_page(&state, lang, id.as_ref(), &s, at).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, AppendHeaders(set_cookie), page).into_response());
    };
    if !s.is_open(today()) {
        return Err(WebError::BadRequest(tr.t("os.closed").into()));
    }
    let answers = match read_answers(&s.survey, &fields) {
        Ok(a) => a,
        Err(q) => {
            let at = At {
                page: page_no.unwrap_or(0),
                unit: unit_typed,
                error: Some((Some(q), tr.t("os.bad_answer").into())),
                ..At::default()
            };
            return refuse(at, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let unit = unit_typed.parse::<i64>().ok().map(UnitId);
    let unit_ok = match unit {
        Some(u) => communes_of(&state, &s).await?.iter().any(|(c, _)| *c == u.0),
        None => false,
    };
    let page = page_no.filter(|p| s.survey.is_page_start(*p, &answers)).unwrap_or(0);
    if !unit_ok {
        let key = if unit.is_none() { "os.pick_commune" } else { "os.commune_outside" };
        let at = At { page: 0, answers, unit: unit_typed, e_unit: Some(tr.t(key).into()), ..At::default() };
        return refuse(at, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if page_no.is_some() {
        if let Err(e) = s.survey.check_page(page, &answers) {
            let at = At {
                page,
                answers,
                unit: unit_typed,
                error: Some((Some(e.question().to_owned()), e.message_vi())),
                ..At::default()
            };
            return refuse(at, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        if let Some(next) = s.survey.next_page(page, &answers) {
            // The next page: only the answers of the path so far go on.
            let kept: Answers =
                answers.into_iter().filter(|(q, _)| s.survey.questions[..next].iter().any(|sq| &sq.id == q)).collect();
            return refuse(At { page: next, answers: kept, unit: unit_typed, ..At::default() }, StatusCode::OK).await;
        }
    }
    let response = SurveyResponse {
        respondent: None,
        unit: unit.unwrap_or(UnitId(0)),
        started_at: None,
        submitted_at: crate::access::now().utc(),
        answers: answers.clone(),
    };
    let stored = match s.survey.to_stored(response) {
        Ok(stored) => stored,
        Err(e) => {
            // Back to the page of the question refused.
            let at_q = s.survey.questions.iter().position(|q| q.id == e.question()).unwrap_or(0);
            let mut start = 0;
            while let Some(n) = s.survey.next_page(start, &answers).filter(|n| *n <= at_q) {
                start = n;
            }
            let at = At {
                page: start,
                answers,
                unit: unit_typed,
                error: Some((Some(e.question().to_owned()), e.message_vi())),
                ..At::default()
            };
            return refuse(at, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    if !state.store.outreach_public().answer_survey_once(s.id, &stored, Some(&token)).await? {
        let at = At { error: Some((None, tr.t("os.already").into())), ..At::default() };
        return refuse(at, StatusCode::CONFLICT).await;
    }
    refuse(At { done: true, ..At::default() }, StatusCode::OK).await
}

pub struct ResultRow {
    pub unit: String,
    pub respondents: String,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "outreach/survey_results.html")]
struct ResultsPage {
    chrome: Chrome,
    id: i64,
    title: String,
    min_group: usize,
    headers: Vec<String>,
    rows: Vec<ResultRow>,
}

fn figure(f: &Figure) -> String {
    match f {
        Figure::Value(v) => v.to_string(),
        Figure::Suppressed => format!("<{DEFAULT_MIN_GROUP}"),
    }
}

fn mean(m: &Option<Mean>) -> Option<String> {
    match m {
        Some(Mean::Value(v)) => Some(format!("{v:.2}").replace('.', ",")),
        Some(Mean::Suppressed) => Some(figure(&Figure::Suppressed)),
        Some(Mean::NoData) => Some("—".into()),
        None => None,
    }
}

/// The results table by commune: headers and rows.
async fn results(scoped: &ScopedSurvey<'_>) -> WebResult<(Vec<String>, Vec<ResultRow>)> {
    let s = &scoped.record;
    let on = today();
    let history = scoped.area.tree_history().await?;
    let root = scoped.area.unit();
    // Province → communes; a response from a commune merged since is
    // counted under the commune that stands for it today.
    let communes: Vec<UnitId> = history
        .subtree_on(root, on)
        .into_iter()
        // A survey of one commune: the commune is the root, not a row under itself.
        .filter(|v| v.level == Level::Commune && v.unit_id != root)
        .map(|v| v.unit_id)
        .collect();
    let links: Vec<(UnitId, UnitId)> = communes.iter().map(|c| (*c, root)).collect();
    let tree = ReportTree::new(root, &links).map_err(|e| WebError::Internal(e.to_string()))?;
    let answers = scoped.answers().await?;
    let placed: Vec<(UnitId, &Answers)> =
        answers.iter().map(|(u, a)| (history.successor_on(*u, on).unwrap_or(*u), a)).collect();
    let report =
        aggregate(&s.survey, &tree, placed, DEFAULT_MIN_GROUP).map_err(|e| WebError::Internal(e.to_string()))?;
    let names: BTreeMap<UnitId, String> =
        history.subtree_on(root, on).into_iter().map(|v| (v.unit_id, v.name.clone())).collect();
    let mut headers = Vec::new();
    for q in &report.questions {
        for c in &q.categories {
            headers.push(format!("{}: {c}", q.id));
        }
        if q.has_mean {
            headers.push(format!("{}: trung bình", q.id));
        }
    }
    let rows = report
        .units
        .iter()
        .map(|u| {
            let mut cells = Vec::new();
            for q in &u.questions {
                cells.extend(q.counts.iter().map(figure));
                cells.extend(mean(&q.mean));
            }
            let name = names.get(&u.unit).cloned().unwrap_or_else(|| format!("#{}", u.unit.0));
            ResultRow {
                unit: if u.direct { format!("{name} (trực thuộc)") } else { name },
                respondents: figure(&u.respondents),
                cells,
            }
        })
        .collect();
    Ok((headers, rows))
}

/// `GET /surveys/{id}/results`.
pub async fn results_page(
    Page { lang, id }: Page,
    m: OutreachManage,
    Path(survey): Path<i64>,
) -> WebResult<Html<String>> {
    let scoped = m.survey(survey).await?;
    let (headers, rows) = results(&scoped).await?;
    let s = scoped.record;
    render(&ResultsPage {
        chrome: Chrome::new(lang, id.as_ref(), "surveys"),
        id: s.id,
        title: s.survey.title.clone(),
        min_group: DEFAULT_MIN_GROUP,
        headers,
        rows,
    })
}

/// `GET /surveys/{id}/results.xlsx`: the same table.
pub async fn results_export(m: OutreachManage, Path(survey): Path<i64>) -> WebResult<Response> {
    let scoped = m.survey(survey).await?;
    let (headers, rows) = results(&scoped).await?;
    let s = scoped.record;
    let mut columns = vec![Column::new("Đơn vị", ColumnKind::Text), Column::new("Số người trả lời", ColumnKind::Text)];
    columns.extend(headers.iter().map(|h| Column::new(h, ColumnKind::Text)));
    let sheet = Sheet {
        title: s.survey.title.clone(),
        subtitle: Some(format!("Nhóm dưới {DEFAULT_MIN_GROUP} người được ẩn để không nhận diện được ai")),
        columns,
        rows: rows
            .into_iter()
            .map(|r| {
                let mut cells = vec![Cell::Text(r.unit), Cell::Text(r.respondents)];
                cells.extend(r.cells.into_iter().map(Cell::Text));
                cells
            })
            .collect(),
    };
    xlsx_download(&format!("khao-sat-{}.xlsx", s.id), &[sheet]).map_err(|e| WebError::Internal(e.to_string()))
}

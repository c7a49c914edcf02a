//! Surveys of the movement's effect: citizens answer without an account
//! (skip logic applied by the server, which drops answers to questions the
//! path skipped); results by commune with small groups suppressed, text
//! answers never shown; an anonymous survey keeps no person and no time
//! finer than the day.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use khienmang_core::org::{Level, UnitId};
use khienmang_core::outreach::{
    Answer, Answers, DEFAULT_MIN_GROUP, Figure, Mean, QuestionKind, ReportTree, Response as SurveyResponse, Survey,
    aggregate,
};
use khienmang_store::outreach::surveys::SurveyRecord;
use serde::Deserialize;

use crate::AppState;
use crate::access::{OutreachManage, RequestLang, ScopedSurvey, Target};
use crate::error::{WebError, WebResult};
use crate::kit::form::Form;
use crate::kit::xlsx::{Cell, Column, ColumnKind, Sheet, xlsx_download};
use crate::org::today;
use crate::page::{Chrome, Page, render};

/// An example definition for the staff form.
const EXAMPLE: &str = r#"{"title": "Khảo sát hiệu quả tuyên truyền phòng, chống lừa đảo", "anonymous": true, "questions": [
 {"id": "q1", "text": "Trong 6 tháng qua, anh/chị có nhận được cuộc gọi, tin nhắn lừa đảo không?", "required": true,
  "kind": {"type": "single_choice", "choices": ["Có", "Không"]},
  "skip": [{"when": {"chose": {"choice": 1}}, "then": {"question": "q3"}}]},
 {"id": "q2", "text": "Anh/chị đã làm gì?", "required": false,
  "kind": {"type": "multiple_choice", "choices": ["Báo công an", "Kiểm tra trên Khiên Mạng", "Bỏ qua"]}},
 {"id": "q3", "text": "Anh/chị đánh giá mức độ hữu ích của các buổi tuyên truyền (1–5)", "required": true,
  "kind": {"type": "scale", "min": 1, "max": 5, "min_label": "Không hữu ích", "max_label": "Rất hữu ích"}}
]}"#;

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
    example: &'static str,
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
    render(&ListPage { chrome: Chrome::new(lang, id.as_ref(), "surveys"), surveys, can_create, example: EXAMPLE })
}

#[derive(Deserialize)]
pub struct SurveyIn {
    definition: String,
    #[serde(default)]
    days: Option<i64>,
}

/// `POST /surveys`: a survey from its JSON definition, open from today.
pub async fn create(m: OutreachManage, Form(f): Form<SurveyIn>) -> WebResult<Redirect> {
    let survey: Survey = serde_json::from_str(&f.definition)
        .map_err(|e| WebError::BadRequest(format!("Định nghĩa khảo sát không đọc được (JSON): {e}")))?;
    let on = today();
    let record = SurveyRecord {
        id: 0,
        survey,
        area: Some(m.0.home_unit(on).await?),
        opens_on: on,
        closes_on: on + chrono::Days::new(u64::try_from(f.days.unwrap_or(30).clamp(1, 366)).unwrap_or(30)),
    };
    let id = m.write(Target::Programme, async |tx| Ok(tx.create_survey(&record).await?)).await?;
    Ok(Redirect::to(&format!("/surveys/{id}")))
}

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
    questions: Vec<FormQuestion>,
    error: Option<String>,
    done: bool,
}

fn form_questions(s: &Survey) -> Vec<FormQuestion> {
    s.questions
        .iter()
        .map(|q| {
            let mut f = FormQuestion {
                id: q.id.clone(),
                text: q.text.clone(),
                required: q.required,
                kind: "text",
                options: Vec::new(),
                min: String::new(),
                max: String::new(),
                max_chars: 0,
            };
            match &q.kind {
                QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices, .. } => {
                    f.kind = if matches!(q.kind, QuestionKind::SingleChoice { .. }) { "single" } else { "multiple" };
                    f.options = choices.iter().enumerate().map(|(i, c)| (i.to_string(), c.clone())).collect();
                }
                QuestionKind::Scale { min, max, min_label, max_label } => {
                    f.kind = "scale";
                    f.options = (*min..=*max)
                        .map(|v| {
                            let label = if v == *min {
                                format!("{v} – {min_label}")
                            } else if v == *max {
                                format!("{v} – {max_label}")
                            } else {
                                v.to_string()
                            };
                            (v.to_string(), label)
                        })
                        .collect();
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

async fn form_page(
    state: &AppState,
    lang: RequestLang,
    id: Option<&crate::access::Identity>,
    s: &SurveyRecord,
    error: Option<String>,
    done: bool,
) -> WebResult<Html<String>> {
    render(&FormPage {
        chrome: Chrome::new(lang, id, "surveys"),
        id: s.id,
        title: s.survey.title.clone(),
        anonymous: s.survey.anonymous,
        open: s.is_open(today()),
        communes: communes_of(state, s).await?,
        questions: form_questions(&s.survey),
        error,
        done,
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

/// `GET /surveys/{id}`.
pub async fn page(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    Path(survey): Path<i64>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let s = state.store.outreach_public().survey(survey).await?;
    let page = form_page(&state, lang, id.as_ref(), &s, None, false).await?;
    Ok((AppendHeaders(respondent(&state, &headers).1), page).into_response())
}

/// The answers in a submitted form: `q.<id>` fields (repeated for multiple
/// choice). Unparsable values are errors naming the question.
pub fn read_answers(survey: &Survey, fields: &[(String, String)]) -> Result<Answers, String> {
    let mut answers = Answers::new();
    for q in &survey.questions {
        let key = format!("q.{}", q.id);
        let values: Vec<&str> =
            fields.iter().filter(|(k, _)| *k == key).map(|(_, v)| v.trim()).filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            continue;
        }
        let bad = || format!("Câu “{}”: câu trả lời không hợp lệ.", q.text);
        let answer = match &q.kind {
            QuestionKind::SingleChoice { .. } => Answer::Choice(values[0].parse().map_err(|_| bad())?),
            QuestionKind::MultipleChoice { .. } => Answer::Choices(
                values.iter().map(|v| v.parse::<usize>().map_err(|_| bad())).collect::<Result<Vec<_>, _>>()?,
            ),
            QuestionKind::Scale { .. } => Answer::Scale(values[0].parse().map_err(|_| bad())?),
            QuestionKind::Number { .. } => Answer::Number(values[0].parse().map_err(|_| bad())?),
            QuestionKind::Text { .. } => Answer::Text(values[0].to_owned()),
        };
        answers.insert(q.id.clone(), answer);
    }
    Ok(answers)
}

/// `POST /surveys/{id}`: a response, anonymous unless the survey says otherwise.
pub async fn submit(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    Path(survey): Path<i64>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let s = state.store.outreach_public().survey(survey).await?;
    let (token, set_cookie) = respondent(&state, &headers);
    let Some(token) = token else {
        // A script that never opened the page; a browser gets its token now.
        let message = "Trình duyệt chưa nhận mã phiếu: hãy tải lại trang khảo sát rồi gửi lại.".to_string();
        let page = form_page(&state, lang, id.as_ref(), &s, Some(message), false).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, AppendHeaders(set_cookie), page).into_response());
    };
    if !s.is_open(today()) {
        return Err(WebError::BadRequest("Khảo sát đã kết thúc hoặc chưa bắt đầu.".into()));
    }
    let unit = fields.iter().find(|(k, _)| k == "unit").and_then(|(_, v)| v.trim().parse::<i64>().ok()).map(UnitId);
    let refuse = |msg: String| WebError::BadRequest(msg);
    let Some(unit) = unit else {
        return Err(refuse("Hãy chọn xã, phường nơi anh/chị sinh sống.".into()));
    };
    if !communes_of(&state, &s).await?.iter().any(|(u, _)| *u == unit.0) {
        return Err(refuse("Xã, phường không thuộc phạm vi khảo sát.".into()));
    }
    let answers = read_answers(&s.survey, &fields).map_err(refuse)?;
    let response =
        SurveyResponse { respondent: None, unit, started_at: None, submitted_at: crate::access::now().utc(), answers };
    let stored = match s.survey.to_stored(response) {
        Ok(stored) => stored,
        Err(e) => {
            let page = form_page(&state, lang, id.as_ref(), &s, Some(e.message_vi()), false).await?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if !state.store.outreach_public().answer_survey_once(s.id, &stored, Some(&token)).await? {
        let message = "Trình duyệt này đã gửi phiếu cho khảo sát này. Cảm ơn anh/chị đã tham gia.".to_string();
        let page = form_page(&state, lang, id.as_ref(), &s, Some(message), false).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    Ok(form_page(&state, lang, id.as_ref(), &s, None, true).await?.into_response())
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

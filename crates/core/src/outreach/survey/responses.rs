//! Responses: one respondent's answers, checked against the survey's
//! questions and skip logic, and the anonymous form in which they are kept.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Date;
use crate::org::UnitId;
use crate::outreach::vn_date;
use crate::reports::clean_text;

use super::form::{QuestionKind, Survey, SurveyQuestion};

/// One answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Choice(usize),
    Choices(Vec<usize>),
    Scale(i32),
    Number(i64),
    Text(String),
}

impl Answer {
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Answer::Choices(c) => c.is_empty(),
            Answer::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// Answers by question id.
pub type Answers = BTreeMap<String, Answer>;

/// Why a response is refused. [`ResponseError::question`] says which field
/// to mark; the message speaks to the respondent about that field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    #[error("question {0:?} is not in this survey")]
    UnknownQuestion(String),
    #[error("question {0:?} is required")]
    Missing(String),
    #[error("the answer to {0:?} is not of the question's kind")]
    WrongType(String),
    #[error("the answer to {0:?} is not one of its choices")]
    ChoiceOutOfRange(String),
    #[error("the answer to {0:?} picks a choice twice")]
    DuplicateChoice(String),
    #[error("the answer to {id:?} picks more than {max} choices")]
    TooManyChoices { id: String, max: usize },
    #[error("the answer to {id:?} is out of range")]
    OutOfRange { id: String, min: Option<i64>, max: Option<i64> },
    #[error("the answer to {id:?} is longer than {max} characters")]
    TextTooLong { id: String, max: usize },
}

impl ResponseError {
    /// The question the error is about.
    pub fn question(&self) -> &str {
        match self {
            ResponseError::UnknownQuestion(id)
            | ResponseError::Missing(id)
            | ResponseError::WrongType(id)
            | ResponseError::ChoiceOutOfRange(id)
            | ResponseError::DuplicateChoice(id)
            | ResponseError::TooManyChoices { id, .. }
            | ResponseError::OutOfRange { id, .. }
            | ResponseError::TextTooLong { id, .. } => id,
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            ResponseError::UnknownQuestion(_) => "Phiếu trả lời có câu hỏi không thuộc khảo sát này.".into(),
            ResponseError::Missing(_) => "Vui lòng trả lời câu hỏi này.".into(),
            ResponseError::WrongType(_) => "Câu trả lời không đúng dạng của câu hỏi.".into(),
            ResponseError::ChoiceOutOfRange(_) => "Phương án đã chọn không có trong câu hỏi.".into(),
            ResponseError::DuplicateChoice(_) => "Một phương án được chọn hai lần.".into(),
            ResponseError::TooManyChoices { max, .. } => format!("Chỉ được chọn tối đa {max} phương án."),
            ResponseError::OutOfRange { min, max, .. } => match (min, max) {
                (Some(lo), Some(hi)) => format!("Giá trị phải từ {lo} đến {hi}."),
                (Some(lo), None) => format!("Giá trị không được nhỏ hơn {lo}."),
                (None, Some(hi)) => format!("Giá trị không được lớn hơn {hi}."),
                (None, None) => "Giá trị không hợp lệ.".into(),
            },
            ResponseError::TextTooLong { max, .. } => format!("Câu trả lời dài quá {max} ký tự; hãy rút gọn."),
        }
    }
}

/// The answer as stored, or `None` when it amounts to no answer.
pub(super) fn check_answer(q: &SurveyQuestion, a: &Answer) -> Result<Option<Answer>, ResponseError> {
    let id = || q.id.clone();
    let ok = match (&q.kind, a) {
        (QuestionKind::SingleChoice { choices }, Answer::Choice(c)) => {
            if *c >= choices.len() {
                return Err(ResponseError::ChoiceOutOfRange(id()));
            }
            Answer::Choice(*c)
        }
        (QuestionKind::MultipleChoice { choices, max_selected }, Answer::Choices(cs)) => {
            if cs.is_empty() {
                return Ok(None);
            }
            let set: BTreeSet<usize> = cs.iter().copied().collect();
            if set.len() != cs.len() {
                return Err(ResponseError::DuplicateChoice(id()));
            }
            if set.iter().any(|&c| c >= choices.len()) {
                return Err(ResponseError::ChoiceOutOfRange(id()));
            }
            if let Some(max) = max_selected
                && set.len() > *max
            {
                return Err(ResponseError::TooManyChoices { id: id(), max: *max });
            }
            Answer::Choices(set.into_iter().collect())
        }
        (QuestionKind::Scale { min, max, .. }, Answer::Scale(x)) => {
            if x < min || x > max {
                return Err(ResponseError::OutOfRange {
                    id: id(),
                    min: Some(i64::from(*min)),
                    max: Some(i64::from(*max)),
                });
            }
            Answer::Scale(*x)
        }
        (QuestionKind::Number { min, max, .. }, Answer::Number(x)) => {
            if min.is_some_and(|m| *x < m) || max.is_some_and(|m| *x > m) {
                return Err(ResponseError::OutOfRange { id: id(), min: *min, max: *max });
            }
            Answer::Number(*x)
        }
        (QuestionKind::Text { max_chars }, Answer::Text(t)) => {
            let t = clean_text(t);
            if t.is_empty() {
                return Ok(None);
            }
            if t.chars().count() > *max_chars {
                return Err(ResponseError::TextTooLong { id: id(), max: *max_chars });
            }
            Answer::Text(t)
        }
        _ => return Err(ResponseError::WrongType(id())),
    };
    Ok(Some(ok))
}

/// A response as it arrives, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// Who answered (an account or a verified phone), for a survey that is
    /// not anonymous.
    pub respondent: Option<String>,
    /// The unit the respondent belongs to (commune, school, agency…).
    pub unit: UnitId,
    pub started_at: Option<DateTime<Utc>>,
    pub submitted_at: DateTime<Utc>,
    pub answers: Answers,
}

/// What an anonymous survey keeps of a response: the unit, the *day* it
/// was submitted (in Asia/Ho_Chi_Minh), and the answers. The type has no
/// field that could hold a person or a time of day, so nothing downstream
/// can store one by mistake.
///
/// The storage layer must do its part: no sequential row id or insertion
/// timestamp that would reveal the order of submissions (which could be
/// matched with who was seen filling in the form when); use a random id
/// (e.g. a UUID v4), and keep no link to the session or account that sent
/// it. Free-text answers may still name someone; they are only read by the
/// organisers and never published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnonymousResponse {
    pub unit: UnitId,
    pub submitted_on: Date,
    pub answers: Answers,
}

impl From<Response> for AnonymousResponse {
    fn from(r: Response) -> AnonymousResponse {
        AnonymousResponse { unit: r.unit, submitted_on: vn_date(r.submitted_at), answers: r.answers }
    }
}

/// A response in the form its survey allows storing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum StoredResponse {
    Identified(Response),
    Anonymous(AnonymousResponse),
}

impl StoredResponse {
    pub fn unit(&self) -> UnitId {
        match self {
            StoredResponse::Identified(r) => r.unit,
            StoredResponse::Anonymous(r) => r.unit,
        }
    }

    pub fn answers(&self) -> &Answers {
        match self {
            StoredResponse::Identified(r) => &r.answers,
            StoredResponse::Anonymous(r) => &r.answers,
        }
    }
}

impl Survey {
    /// Checks a response and turns it into what may be stored: for an
    /// anonymous survey the respondent and every time finer than the day
    /// are dropped here, before anything is written.
    pub fn to_stored(&self, response: Response) -> Result<StoredResponse, ResponseError> {
        let answers = self.check_response(&response.answers)?;
        let response = Response { answers, ..response };
        Ok(if self.anonymous {
            StoredResponse::Anonymous(response.into())
        } else {
            StoredResponse::Identified(response)
        })
    }
}

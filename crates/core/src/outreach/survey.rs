//! Effectiveness surveys ("khảo sát", document 7.4): what a survey asks, the
//! skip logic that decides which questions a respondent sees, the checks on a
//! response, the anonymous form a response is stored in, and results by unit
//! with small groups suppressed.
//!
//! # Suppression
//!
//! Results are published per unit of a [`ReportTree`] (the root and every
//! unit below it). A unit with 1 to K−1 respondents shows no figures at all,
//! and any count of 1 to K−1 people is shown as [`Figure::Suppressed`], never
//! as a number (K is [`DEFAULT_MIN_GROUP`] unless configured). A count of
//! zero is shown: it is about nobody.
//!
//! Suppressing a figure is useless if it can be worked back from the others
//! ("province minus the published communes"). Every figure is tied to others
//! by sums: a parent is the sum of its children, a question's answers add up
//! to the number who answered it, a scale's total is the weighted sum of its
//! counts. After the first round, an exact check (Gaussian elimination over
//! the integers) looks for any suppressed figure that these sums pin down,
//! and suppresses one more figure next to it (the smallest non-zero one
//! first), until none can be recovered. Questions asked of everyone have as
//! many answers as there are respondents, so they follow the respondent
//! counts; a question that skip logic can bypass hides its answer count
//! wherever the question that gates it has a hidden figure.
//!
//! What this does not protect against: reasoning from bounds ("this hidden
//! cell is between 1 and 4 and sums to 2 with that one"), and sums across
//! questions other than the ones above. Free-text answers are never
//! aggregated.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::vn_date;
use crate::Date;
use crate::org::UnitId;
use crate::reports::clean_text;
use crate::text::fold;

/// The smallest group whose figures are published.
pub const DEFAULT_MIN_GROUP: usize = 5;
/// Longest free-text answer a question may allow.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Choices per question: more is a list nobody reads to the end.
pub const MAX_SURVEY_CHOICES: usize = 20;
/// A 0–10 scale is the longest in common use.
pub const MAX_SCALE_POINTS: usize = 11;

// ---------------------------------------------------------------------------
// Definition
// ---------------------------------------------------------------------------

/// A survey as its author defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    pub title: String,
    /// Anonymous: responses are stored as [`AnonymousResponse`] only.
    pub anonymous: bool,
    /// In the order they are shown; skip rules only jump forward.
    pub questions: Vec<SurveyQuestion>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyQuestion {
    /// A stable key ("q3", "bi_lua_dao"): answers and skip rules refer to it.
    pub id: String,
    pub text: String,
    /// Must be answered when it is on the respondent's path.
    pub required: bool,
    pub kind: QuestionKind,
    /// Tried in order after the question is answered; the first that
    /// matches decides where to go. None matching: the next question.
    #[serde(default)]
    pub skip: Vec<SkipRule>,
}

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    SingleChoice {
        choices: Vec<String>,
    },
    MultipleChoice {
        choices: Vec<String>,
        /// At most this many may be picked; `None`: any number.
        #[serde(default)]
        max_selected: Option<usize>,
    },
    /// A whole number from `min` to `max` ("1 = rất không hài lòng … 5 = rất
    /// hài lòng").
    Scale {
        min: i32,
        max: i32,
        min_label: String,
        max_label: String,
    },
    /// A whole number, optionally bounded. `bins` (ascending) split answers
    /// into ranges for the results: `[18, 30]` gives "under 18", "18 to
    /// 29", "30 and over"; without bins only the mean is reported.
    Number {
        #[serde(default)]
        min: Option<i64>,
        #[serde(default)]
        max: Option<i64>,
        #[serde(default)]
        bins: Vec<i64>,
    },
    /// Free text, read by the organisers; never published in results.
    Text {
        max_chars: usize,
    },
}

impl QuestionKind {
    fn choices(&self) -> Option<&[String]> {
        match self {
            QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices, .. } => Some(choices),
            _ => None,
        }
    }
}

/// "If the answer is …, go to …".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkipRule {
    pub when: Condition,
    pub then: SkipTarget,
}

/// A test on the answer to the question the rule belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Single choice: this choice was picked. Multiple choice: it is among
    /// those picked.
    Chose { choice: usize },
    /// Scale or number: `answer op value`.
    Compare { op: CompareOp, value: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

impl CompareOp {
    fn holds(self, x: i64, v: i64) -> bool {
        match self {
            CompareOp::Lt => x < v,
            CompareOp::Le => x <= v,
            CompareOp::Eq => x == v,
            CompareOp::Ne => x != v,
            CompareOp::Ge => x >= v,
            CompareOp::Gt => x > v,
        }
    }
}

/// Where a matching rule sends the respondent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipTarget {
    /// A later question.
    Question(String),
    /// The end of the survey.
    End,
}

impl Condition {
    fn matches(&self, answer: &Answer) -> bool {
        match (self, answer) {
            (Condition::Chose { choice }, Answer::Choice(c)) => c == choice,
            (Condition::Chose { choice }, Answer::Choices(cs)) => cs.contains(choice),
            (Condition::Compare { op, value }, Answer::Scale(x)) => op.holds(i64::from(*x), *value),
            (Condition::Compare { op, value }, Answer::Number(x)) => op.holds(*x, *value),
            _ => false,
        }
    }

    fn fits(&self, kind: &QuestionKind) -> bool {
        match (self, kind) {
            (Condition::Chose { choice }, k) => k.choices().is_some_and(|c| *choice < c.len()),
            (Condition::Compare { .. }, QuestionKind::Scale { .. } | QuestionKind::Number { .. }) => true,
            _ => false,
        }
    }
}

/// Why a survey definition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SurveyError {
    #[error("the survey needs a title")]
    NoTitle,
    #[error("the survey has no questions")]
    NoQuestions,
    #[error("question {0} has no id")]
    EmptyId(usize),
    #[error("two questions have the id {0:?}")]
    DuplicateId(String),
    #[error("question {0:?} has no text")]
    EmptyText(String),
    #[error("question {id:?} has {count} choices; 2 to 20 are allowed")]
    ChoiceCount { id: String, count: usize },
    #[error("question {0:?} has an empty or repeated choice")]
    BadChoice(String),
    #[error("question {0:?} allows picking no choice or more than it has")]
    BadMaxSelected(String),
    #[error("question {0:?} has a scale that is empty or longer than 11 points")]
    BadScale(String),
    #[error("question {0:?} has a minimum above its maximum or unsorted ranges")]
    BadRange(String),
    #[error("question {0:?} allows no text or too much")]
    BadTextLimit(String),
    #[error("a rule of question {from:?} goes to {to:?}, which does not exist")]
    UnknownTarget { from: String, to: String },
    #[error("a rule of question {from:?} goes back to {to:?}")]
    BackwardTarget { from: String, to: String },
    #[error("a rule of question {0:?} does not fit its kind of answer")]
    ConditionMismatch(String),
}

impl SurveyError {
    pub fn message_vi(&self) -> String {
        match self {
            SurveyError::NoTitle => "Cần đặt tên cho phiếu khảo sát.".into(),
            SurveyError::NoQuestions => "Phiếu khảo sát chưa có câu hỏi nào.".into(),
            SurveyError::EmptyId(i) => format!("Câu hỏi thứ {} chưa có mã.", i + 1),
            SurveyError::DuplicateId(id) => format!("Hai câu hỏi cùng mã «{id}»."),
            SurveyError::EmptyText(id) => format!("Câu hỏi «{id}» chưa có nội dung."),
            SurveyError::ChoiceCount { id, count } => {
                format!("Câu hỏi «{id}» có {count} phương án; mỗi câu cần từ 2 đến {MAX_SURVEY_CHOICES} phương án.")
            }
            SurveyError::BadChoice(id) => format!("Câu hỏi «{id}» có phương án để trống hoặc trùng nhau."),
            SurveyError::BadMaxSelected(id) => {
                format!("Số phương án được chọn tối đa của câu hỏi «{id}» phải từ 1 đến số phương án.")
            }
            SurveyError::BadScale(id) => {
                format!("Thang điểm của câu hỏi «{id}» phải có từ 2 đến {MAX_SCALE_POINTS} mức.")
            }
            SurveyError::BadRange(id) => {
                format!(
                    "Giới hạn của câu hỏi «{id}» không hợp lệ: giá trị nhỏ nhất lớn hơn giá trị lớn nhất, hoặc các khoảng chưa xếp tăng dần."
                )
            }
            SurveyError::BadTextLimit(id) => {
                format!("Độ dài câu trả lời của câu hỏi «{id}» phải từ 1 đến {MAX_TEXT_CHARS} ký tự.")
            }
            SurveyError::UnknownTarget { from, to } => {
                format!("Câu hỏi «{from}» có điều kiện chuyển tới câu «{to}» không có trong phiếu.")
            }
            SurveyError::BackwardTarget { from, to } => {
                format!("Câu hỏi «{from}» có điều kiện quay lại câu «{to}»; chỉ được chuyển tới câu hỏi phía sau.")
            }
            SurveyError::ConditionMismatch(id) => {
                format!("Điều kiện chuyển câu của câu hỏi «{id}» không phù hợp với loại câu hỏi.")
            }
        }
    }
}

fn choices_ok(choices: &[String]) -> bool {
    let mut seen = BTreeSet::new();
    choices.iter().all(|c| !c.trim().is_empty() && seen.insert(fold(c)))
}

impl SurveyQuestion {
    fn validate(&self) -> Result<(), SurveyError> {
        let id = || self.id.clone();
        if self.text.trim().is_empty() {
            return Err(SurveyError::EmptyText(id()));
        }
        match &self.kind {
            QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices, .. } => {
                if !(2..=MAX_SURVEY_CHOICES).contains(&choices.len()) {
                    return Err(SurveyError::ChoiceCount { id: id(), count: choices.len() });
                }
                if !choices_ok(choices) {
                    return Err(SurveyError::BadChoice(id()));
                }
                if let QuestionKind::MultipleChoice { max_selected: Some(m), .. } = &self.kind
                    && !(1..=choices.len()).contains(m)
                {
                    return Err(SurveyError::BadMaxSelected(id()));
                }
            }
            QuestionKind::Scale { min, max, .. } => {
                let points = i64::from(*max) - i64::from(*min) + 1;
                if points < 2 || points > MAX_SCALE_POINTS as i64 {
                    return Err(SurveyError::BadScale(id()));
                }
            }
            QuestionKind::Number { min, max, bins } => {
                if let (Some(lo), Some(hi)) = (min, max)
                    && lo > hi
                {
                    return Err(SurveyError::BadRange(id()));
                }
                if bins.windows(2).any(|w| w[0] >= w[1]) || bins.len() > MAX_SURVEY_CHOICES {
                    return Err(SurveyError::BadRange(id()));
                }
            }
            QuestionKind::Text { max_chars } => {
                if !(1..=MAX_TEXT_CHARS).contains(max_chars) {
                    return Err(SurveyError::BadTextLimit(id()));
                }
            }
        }
        Ok(())
    }
}

impl Survey {
    fn index_of(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    /// Checks the definition: unique ids, sound questions, and skip rules
    /// that fit their question and jump forward to a question that exists
    /// (so no respondent can be sent round in a loop).
    pub fn validate(&self) -> Result<(), SurveyError> {
        if self.title.trim().is_empty() {
            return Err(SurveyError::NoTitle);
        }
        if self.questions.is_empty() {
            return Err(SurveyError::NoQuestions);
        }
        let mut ids = BTreeSet::new();
        for (i, q) in self.questions.iter().enumerate() {
            if q.id.trim().is_empty() {
                return Err(SurveyError::EmptyId(i));
            }
            if !ids.insert(q.id.as_str()) {
                return Err(SurveyError::DuplicateId(q.id.clone()));
            }
            q.validate()?;
        }
        for (i, q) in self.questions.iter().enumerate() {
            for rule in &q.skip {
                if !rule.when.fits(&q.kind) {
                    return Err(SurveyError::ConditionMismatch(q.id.clone()));
                }
                if let SkipTarget::Question(to) = &rule.then {
                    match self.index_of(to) {
                        None => return Err(SurveyError::UnknownTarget { from: q.id.clone(), to: to.clone() }),
                        Some(j) if j <= i => {
                            return Err(SurveyError::BackwardTarget { from: q.id.clone(), to: to.clone() });
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        Ok(())
    }

    /// Where a respondent goes after question `i`, given the answers.
    fn next_after(&self, i: usize, answers: &Answers) -> usize {
        let q = &self.questions[i];
        let Some(answer) = answers.get(&q.id).filter(|a| !a.is_empty()) else {
            return i + 1;
        };
        for rule in &q.skip {
            if rule.when.matches(answer) {
                return match &rule.then {
                    SkipTarget::End => self.questions.len(),
                    // Only forward, even for an unchecked definition: the
                    // walk always ends.
                    SkipTarget::Question(t) => self.index_of(t).filter(|&j| j > i).unwrap_or(i + 1),
                };
            }
        }
        i + 1
    }

    /// The ids of the questions a respondent with these answers is shown,
    /// in order. Unanswered questions follow no rule.
    pub fn path(&self, answers: &Answers) -> Vec<&str> {
        let mut path = Vec::new();
        let mut i = 0;
        while let Some(q) = self.questions.get(i) {
            path.push(q.id.as_str());
            i = self.next_after(i, answers);
        }
        path
    }

    /// Checks a response and returns what may be stored.
    ///
    /// - An answer to a question the survey does not have is refused: the
    ///   form was not ours.
    /// - Answers to questions *off* the respondent's path are dropped, not
    ///   refused: a respondent who goes back and changes an earlier answer
    ///   may leave a now-skipped question filled in on the page, and that
    ///   answer was given to a question they were told to skip.
    /// - Required questions on the path must be answered; every answer must
    ///   fit its question. Texts are cleaned of control characters; empty
    ///   texts and empty selections count as unanswered.
    pub fn check_response(&self, answers: &Answers) -> Result<Answers, ResponseError> {
        if let Some(id) = answers.keys().find(|id| self.index_of(id).is_none()) {
            return Err(ResponseError::UnknownQuestion(id.clone()));
        }
        let mut kept = Answers::new();
        for id in self.path(answers) {
            let Some(q) = self.questions.iter().find(|q| q.id == id) else { continue };
            match answers.get(id).map(|a| check_answer(q, a)).transpose()?.flatten() {
                Some(a) => {
                    kept.insert(q.id.clone(), a);
                }
                None if q.required => return Err(ResponseError::Missing(q.id.clone())),
                None => {}
            }
        }
        Ok(kept)
    }

    /// Questions asked of every respondent: required, and no earlier rule
    /// can jump past them. Their answer count is the respondent count.
    fn always_answered(&self) -> Vec<bool> {
        (0..self.questions.len()).map(|j| self.questions[j].required && self.gates(j).is_empty()).collect()
    }

    /// The earlier questions with a rule that can jump past question `j`.
    fn gates(&self, j: usize) -> Vec<usize> {
        let len = self.questions.len();
        (0..j)
            .filter(|&i| {
                self.questions[i].skip.iter().any(|r| {
                    let target = match &r.then {
                        SkipTarget::End => len,
                        SkipTarget::Question(t) => self.index_of(t).unwrap_or(len),
                    };
                    target > j
                })
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------

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
    fn is_empty(&self) -> bool {
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
fn check_answer(q: &SurveyQuestion, a: &Answer) -> Result<Option<Answer>, ResponseError> {
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

// ---------------------------------------------------------------------------
// Aggregation
// ---------------------------------------------------------------------------

/// The units a report covers: a root and the units below it, each with its
/// parent. Responses may belong to any unit of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTree {
    root: UnitId,
    children: BTreeMap<UnitId, Vec<UnitId>>,
}

/// Why results cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AggregateError {
    #[error("unit {0} has two parents")]
    TwoParents(UnitId),
    #[error("unit {0} is not connected to the root")]
    Detached(UnitId),
    #[error("a response belongs to unit {0}, which is not in the report")]
    UnknownUnit(UnitId),
    #[error("the smallest publishable group must be at least 1")]
    Threshold,
    #[error(transparent)]
    Survey(#[from] SurveyError),
}

impl AggregateError {
    pub fn message_vi(&self) -> String {
        match self {
            AggregateError::TwoParents(u) => format!("Đơn vị {u} thuộc hai đơn vị cấp trên."),
            AggregateError::Detached(u) => format!("Đơn vị {u} không thuộc đơn vị được tổng hợp."),
            AggregateError::UnknownUnit(u) => format!("Có phiếu trả lời của đơn vị {u}, không thuộc phạm vi tổng hợp."),
            AggregateError::Threshold => "Ngưỡng số người tối thiểu để công bố phải từ 1 trở lên.".into(),
            AggregateError::Survey(e) => e.message_vi(),
        }
    }
}

impl ReportTree {
    /// `links` are (child, parent) pairs; every unit must lead up to `root`.
    pub fn new(root: UnitId, links: &[(UnitId, UnitId)]) -> Result<ReportTree, AggregateError> {
        let mut parent: BTreeMap<UnitId, UnitId> = BTreeMap::new();
        for &(child, p) in links {
            if child == root || parent.insert(child, p).is_some_and(|old| old != p) {
                return Err(AggregateError::TwoParents(child));
            }
        }
        for &start in parent.keys() {
            let mut at = start;
            let mut steps = 0;
            while at != root {
                at = *parent.get(&at).ok_or(AggregateError::Detached(start))?;
                steps += 1;
                if steps > parent.len() {
                    return Err(AggregateError::Detached(start));
                }
            }
        }
        let mut children: BTreeMap<UnitId, Vec<UnitId>> = BTreeMap::new();
        for (&child, &p) in &parent {
            children.entry(p).or_default().push(child);
        }
        Ok(ReportTree { root, children })
    }

    pub fn root(&self) -> UnitId {
        self.root
    }

    fn contains(&self, unit: UnitId) -> bool {
        unit == self.root || self.children.values().any(|c| c.contains(&unit))
    }
}

/// A published number, or the mark that it is withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    Value(u64),
    /// Fewer than K people, or needed to protect such a figure.
    Suppressed,
}

impl Figure {
    pub fn value(self) -> Option<u64> {
        match self {
            Figure::Value(v) => Some(v),
            Figure::Suppressed => None,
        }
    }
}

/// A published mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mean {
    Value(f64),
    Suppressed,
    /// Nobody answered.
    NoData,
}

/// A question's heading in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionHeading {
    pub id: String,
    pub text: String,
    /// Labels of [`QuestionReport::counts`]: the choices, the scale points
    /// or the number ranges.
    pub categories: Vec<String>,
    /// Whether a mean is reported (scales and numbers).
    pub has_mean: bool,
}

/// A question's figures for one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionReport {
    pub question: String,
    pub answered: Figure,
    /// In the order of [`QuestionHeading::categories`].
    pub counts: Vec<Figure>,
    /// For scales and numbers.
    pub mean: Option<Mean>,
}

/// One unit's line of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitReport {
    pub unit: UnitId,
    /// `true` for the respondents attached to `unit` itself rather than to
    /// a unit below it ("trực thuộc"); `false` for the whole subtree.
    pub direct: bool,
    pub respondents: Figure,
    pub questions: Vec<QuestionReport>,
}

/// Results of a survey over a [`ReportTree`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveyReport {
    pub min_group: usize,
    /// Free-text questions are left out.
    pub questions: Vec<QuestionHeading>,
    /// The root first, then each unit before the units below it.
    pub units: Vec<UnitReport>,
}

/// A node of the report: a unit's subtree, or the respondents attached
/// directly to a unit that also has units below it.
struct Node {
    unit: UnitId,
    direct: bool,
    children: Vec<usize>,
}

fn build_nodes(tree: &ReportTree, has_direct: &BTreeSet<UnitId>) -> (Vec<Node>, BTreeMap<UnitId, usize>) {
    let mut nodes = Vec::new();
    let mut home = BTreeMap::new();
    // Depth-first with an explicit stack: (unit, index of parent node).
    let mut stack: Vec<(UnitId, Option<usize>)> = vec![(tree.root, None)];
    while let Some((unit, parent)) = stack.pop() {
        let idx = nodes.len();
        nodes.push(Node { unit, direct: false, children: vec![] });
        if let Some(p) = parent {
            nodes[p].children.push(idx);
        }
        let kids = tree.children.get(&unit).map(Vec::as_slice).unwrap_or(&[]);
        if kids.is_empty() {
            home.insert(unit, idx);
        } else if has_direct.contains(&unit) {
            let d = nodes.len();
            nodes.push(Node { unit, direct: true, children: vec![] });
            nodes[idx].children.push(d);
            home.insert(unit, d);
        }
        for &k in kids.iter().rev() {
            stack.push((k, Some(idx)));
        }
    }
    (nodes, home)
}

/// The figures of one table (the respondent counts, or one question) for
/// every node, and the sums that tie them together.
struct Table {
    values: Vec<i128>,
    suppressed: Vec<bool>,
    /// Figures whose status is decided elsewhere: never picked to protect
    /// another.
    locked: Vec<bool>,
    /// Each relation means Σ coefficient × figure = 0.
    relations: Vec<Vec<(usize, i64)>>,
    /// (answer count, total): a mean is only shown with both, so the total
    /// is hidden whenever the count is.
    linked: Vec<(usize, usize)>,
}

impl Table {
    fn new(values: Vec<i128>) -> Table {
        let n = values.len();
        Table { values, suppressed: vec![false; n], locked: vec![false; n], relations: vec![], linked: vec![] }
    }

    /// For each sum in which `x` is the only hidden figure, the partner to
    /// hide with it: its smallest non-zero free figure (a hidden zero
    /// protects little: zero is the likeliest value of a hidden cell), else
    /// a zero.
    fn direct_partners(&self, x: usize) -> Vec<usize> {
        self.relations
            .iter()
            .filter(|r| r.iter().any(|&(v, c)| v == x && c != 0))
            .filter(|r| r.iter().all(|&(v, _)| v == x || !self.suppressed[v]))
            .filter_map(|r| {
                r.iter().map(|&(v, _)| v).filter(|&v| v != x).filter(|v| self.free(*v)).min_by_key(|v| self.cost(*v))
            })
            .collect()
    }

    /// When only a combination of sums pins `x` down: one more figure from
    /// a sum with `x`, failing that any free figure.
    fn fallback_partner(&self, x: usize) -> Option<usize> {
        let near = self
            .relations
            .iter()
            .filter(|r| r.iter().any(|&(v, c)| v == x && c != 0))
            .flat_map(|r| r.iter().map(|&(v, _)| v))
            .filter(|v| self.free(*v))
            .min_by_key(|v| self.cost(*v));
        near.or_else(|| (0..self.values.len()).filter(|v| self.free(*v)).min_by_key(|v| self.cost(*v)))
    }

    fn free(&self, v: usize) -> bool {
        !self.suppressed[v] && !self.locked[v]
    }

    /// Which figure to give up first: non-zero before zero, small before
    /// large, then position for a stable result.
    fn cost(&self, v: usize) -> (bool, i128, usize) {
        (self.values[v] == 0, self.values[v], v)
    }

    /// Adds suppressions until no suppressed figure can be computed from
    /// the published ones. Each round first gives every figure exposed by a
    /// single sum a partner in that sum; only when none is exposed that
    /// way, one figure exposed by a combination of sums gets one, and the
    /// check runs again (partners chosen for one often protect the others).
    /// Ends: every round suppresses at least one more figure, and with
    /// everything suppressed nothing can be computed.
    fn protect(&mut self) {
        loop {
            for &(count, total) in &self.linked {
                if self.suppressed[count] {
                    self.suppressed[total] = true;
                }
            }
            let exposed = determined(&self.relations, &self.suppressed);
            let mut added = false;
            for &x in &exposed {
                for c in self.direct_partners(x) {
                    added |= !std::mem::replace(&mut self.suppressed[c], true);
                }
            }
            if !added && let Some(c) = exposed.iter().find_map(|&x| self.fallback_partner(x)) {
                self.suppressed[c] = true;
                added = true;
            }
            if !added {
                return;
            }
        }
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    i128::try_from(a).unwrap_or(1)
}

/// The unknown figures (`unknown[v]`) whose value the relations fix, given
/// every other figure. Exact: reduces the relations to row echelon form
/// over the integers; an unknown is fixed exactly when some reduced row
/// mentions it alone. If a coefficient ever overflowed (it cannot with
/// realistic tables) every unknown is reported, which only suppresses more.
fn determined(relations: &[Vec<(usize, i64)>], unknown: &[bool]) -> Vec<usize> {
    let vars: Vec<usize> = (0..unknown.len()).filter(|&v| unknown[v]).collect();
    let mut col_of = vec![usize::MAX; unknown.len()];
    for (c, &v) in vars.iter().enumerate() {
        col_of[v] = c;
    }
    let width = vars.len();
    let mut rows: Vec<Vec<i128>> = relations
        .iter()
        .filter_map(|r| {
            let mut row = vec![0i128; width];
            for &(v, coef) in r {
                if unknown.get(v).copied().unwrap_or(false) {
                    row[col_of[v]] += i128::from(coef);
                }
            }
            row.iter().any(|&x| x != 0).then_some(row)
        })
        .collect();
    let mut next = 0;
    for col in 0..width {
        let Some(p) = (next..rows.len()).find(|&r| rows[r][col] != 0) else { continue };
        rows.swap(p, next);
        let pivot = rows[next].clone();
        let a = pivot[col];
        for (r, row) in rows.iter_mut().enumerate() {
            let b = row[col];
            if r == next || b == 0 {
                continue;
            }
            let mut g = 0;
            for (x, &y) in row.iter_mut().zip(&pivot) {
                let Some(v) = x.checked_mul(a).and_then(|xa| y.checked_mul(b).and_then(|yb| xa.checked_sub(yb))) else {
                    return vars;
                };
                *x = v;
                g = gcd(g, v);
            }
            if g > 1 {
                row.iter_mut().for_each(|x| *x /= g);
            }
        }
        next += 1;
    }
    let mut out: Vec<usize> = rows
        .iter()
        .filter_map(|row| {
            let mut nz = row.iter().enumerate().filter(|(_, x)| **x != 0);
            match (nz.next(), nz.next()) {
                (Some((c, _)), None) => Some(vars[c]),
                _ => None,
            }
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Which column a valid answer falls in, and what it adds to the total.
enum Tally {
    /// Counted in these categories, adding this much to the total.
    In(Vec<usize>, i128),
    /// Not a usable answer to this question.
    Out,
}

fn tally(kind: &QuestionKind, a: &Answer) -> Tally {
    match (kind, a) {
        (QuestionKind::SingleChoice { choices }, Answer::Choice(c)) if *c < choices.len() => Tally::In(vec![*c], 0),
        (QuestionKind::MultipleChoice { choices, .. }, Answer::Choices(cs)) if !cs.is_empty() => {
            let set: BTreeSet<usize> = cs.iter().copied().filter(|&c| c < choices.len()).collect();
            if set.is_empty() { Tally::Out } else { Tally::In(set.into_iter().collect(), 0) }
        }
        (QuestionKind::Scale { min, max, .. }, Answer::Scale(x)) if x >= min && x <= max => {
            Tally::In(vec![(i64::from(*x) - i64::from(*min)) as usize], i128::from(*x))
        }
        (QuestionKind::Number { min, max, bins }, Answer::Number(x))
            if min.is_none_or(|m| *x >= m) && max.is_none_or(|m| *x <= m) =>
        {
            let cats = if bins.is_empty() { vec![] } else { vec![bins.partition_point(|b| b <= x)] };
            Tally::In(cats, i128::from(*x))
        }
        _ => Tally::Out,
    }
}

/// Labels of a question's categories, and whether it has a mean. `None`
/// for free text, which is never aggregated.
fn categories(kind: &QuestionKind) -> Option<(Vec<String>, bool)> {
    match kind {
        QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices, .. } => {
            Some((choices.clone(), false))
        }
        QuestionKind::Scale { min, max, min_label, max_label } => {
            let labels = (*min..=*max)
                .map(|v| match v {
                    v if v == *min && !min_label.trim().is_empty() => format!("{v} ({})", min_label.trim()),
                    v if v == *max && !max_label.trim().is_empty() => format!("{v} ({})", max_label.trim()),
                    v => v.to_string(),
                })
                .collect();
            Some((labels, true))
        }
        QuestionKind::Number { bins, .. } => {
            let mut labels = Vec::new();
            if let (Some(first), Some(last)) = (bins.first(), bins.last()) {
                labels.push(format!("Dưới {first}"));
                labels.extend(bins.windows(2).map(|w| format!("Từ {} đến dưới {}", w[0], w[1])));
                labels.push(format!("Từ {last} trở lên"));
            }
            Some((labels, true))
        }
        QuestionKind::Text { .. } => None,
    }
}

/// Adds "parent = sum of children" for every column of a table laid out
/// node by node, `width` figures per node.
fn tree_relations(nodes: &[Node], width: usize) -> Vec<Vec<(usize, i64)>> {
    let mut out = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.children.is_empty() {
            continue;
        }
        for col in 0..width {
            let mut r = vec![(i * width + col, 1)];
            r.extend(n.children.iter().map(|&c| (c * width + col, -1)));
            out.push(r);
        }
    }
    out
}

/// Results of a survey by unit, with groups smaller than `min_group`
/// suppressed as the module documentation describes. Answers that do not
/// fit the current definition (it was edited after they came in) are not
/// counted.
pub fn aggregate<'a, I>(
    survey: &Survey,
    tree: &ReportTree,
    responses: I,
    min_group: usize,
) -> Result<SurveyReport, AggregateError>
where
    I: IntoIterator<Item = (UnitId, &'a Answers)>,
{
    if min_group == 0 {
        return Err(AggregateError::Threshold);
    }
    survey.validate()?;
    let k = min_group as i128;
    let small = |v: i128| v > 0 && v < k;
    let responses: Vec<(UnitId, &Answers)> = responses.into_iter().collect();
    for &(unit, _) in &responses {
        if !tree.contains(unit) {
            return Err(AggregateError::UnknownUnit(unit));
        }
    }
    let has_direct: BTreeSet<UnitId> = responses.iter().map(|(u, _)| *u).collect();
    let (nodes, home) = build_nodes(tree, &has_direct);
    let n = nodes.len();
    // Children come after their parent: summing from the end fills parents.
    let roll_up = |values: &mut Vec<i128>, width: usize| {
        for i in (0..n).rev() {
            for &c in &nodes[i].children {
                for col in 0..width {
                    values[i * width + col] += values[c * width + col];
                }
            }
        }
    };

    // Respondents.
    let mut resp = vec![0i128; n];
    for (unit, _) in &responses {
        if let Some(&h) = home.get(unit) {
            resp[h] += 1;
        }
    }
    roll_up(&mut resp, 1);
    let too_small: Vec<bool> = resp.iter().map(|&v| small(v)).collect();
    let mut resp_table = Table::new(resp);
    resp_table.relations = tree_relations(&nodes, 1);
    resp_table.suppressed.clone_from(&too_small);
    resp_table.protect();

    let always = survey.always_answered();
    let mut headings = Vec::new();
    // Per question index: (heading index, table, width, category count).
    let mut tables: BTreeMap<usize, (Table, usize, usize)> = BTreeMap::new();
    for (qi, q) in survey.questions.iter().enumerate() {
        let Some((labels, has_mean)) = categories(&q.kind) else { continue };
        let m = labels.len();
        // Layout per node: answered, m category counts, then the total.
        let width = 1 + m + usize::from(has_mean);
        let mut values = vec![0i128; n * width];
        for (unit, answers) in &responses {
            let (Some(&h), Some(a)) = (home.get(unit), answers.get(&q.id)) else { continue };
            if let Tally::In(cats, add) = tally(&q.kind, a) {
                values[h * width] += 1;
                for c in cats {
                    values[h * width + 1 + c] += 1;
                }
                if has_mean {
                    values[h * width + 1 + m] = values[h * width + 1 + m].saturating_add(add);
                }
            }
        }
        roll_up(&mut values, width);
        let mut t = Table::new(values);
        t.relations = tree_relations(&nodes, width);
        for (i, &unit_too_small) in too_small.iter().enumerate() {
            let base = i * width;
            let counts_add_up = m > 0 && !matches!(q.kind, QuestionKind::MultipleChoice { .. });
            if counts_add_up {
                let mut r = vec![(base, -1)];
                r.extend((0..m).map(|c| (base + 1 + c, 1)));
                t.relations.push(r);
            }
            if let QuestionKind::Scale { min, .. } = q.kind {
                let mut r = vec![(base + 1 + m, -1)];
                r.extend((0..m).map(|c| (base + 1 + c, i64::from(min) + c as i64)).filter(|(_, w)| *w != 0));
                t.relations.push(r);
            }
            if has_mean {
                t.linked.push((base, base + 1 + m));
            }
            for col in 0..width {
                let v = t.values[base + col];
                let is_total = has_mean && col == 1 + m;
                t.suppressed[base + col] = unit_too_small || if is_total { small(t.values[base]) } else { small(v) };
            }
            if always[qi] {
                // As many answers as respondents: the same figure, already
                // decided by the respondent table.
                t.suppressed[base] = resp_table.suppressed[i] || small(t.values[base]);
                t.locked[base] = true;
            } else if survey
                .gates(qi)
                .iter()
                .any(|g| tables.get(g).is_some_and(|(gt, gw, _)| (0..*gw).any(|c| gt.suppressed[i * gw + c])))
            {
                // Who reaches this question depends on answers hidden for
                // this unit: its answer count could reveal them.
                t.suppressed[base] = true;
            }
        }
        t.protect();
        headings.push(QuestionHeading { id: q.id.clone(), text: q.text.clone(), categories: labels, has_mean });
        tables.insert(qi, (t, width, m));
    }

    let figure = |t: &Table, v: usize| {
        if t.suppressed[v] { Figure::Suppressed } else { Figure::Value(u64::try_from(t.values[v]).unwrap_or(0)) }
    };
    let units = (0..n)
        .map(|i| UnitReport {
            unit: nodes[i].unit,
            direct: nodes[i].direct,
            respondents: figure(&resp_table, i),
            questions: tables
                .iter()
                .map(|(&qi, (t, width, m))| {
                    let base = i * width;
                    let has_mean = *width > 1 + m;
                    let mean = has_mean.then(|| {
                        let (count, total) = (base, base + 1 + m);
                        if t.suppressed[count] || t.suppressed[total] {
                            Mean::Suppressed
                        } else if t.values[count] == 0 {
                            Mean::NoData
                        } else {
                            Mean::Value(t.values[total] as f64 / t.values[count] as f64)
                        }
                    });
                    QuestionReport {
                        question: survey.questions[qi].id.clone(),
                        answered: figure(t, base),
                        counts: (0..*m).map(|c| figure(t, base + 1 + c)).collect(),
                        mean,
                    }
                })
                .collect(),
        })
        .collect();
    Ok(SurveyReport { min_group, questions: headings, units })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn single(id: &str, choices: &[&str]) -> SurveyQuestion {
        SurveyQuestion {
            id: id.into(),
            text: format!("Câu {id}?"),
            required: true,
            kind: QuestionKind::SingleChoice { choices: choices.iter().map(|c| c.to_string()).collect() },
            skip: vec![],
        }
    }

    fn scale(id: &str) -> SurveyQuestion {
        SurveyQuestion {
            id: id.into(),
            text: "Mức độ hài lòng?".into(),
            required: true,
            kind: QuestionKind::Scale {
                min: 1,
                max: 5,
                min_label: "Rất không hài lòng".into(),
                max_label: "Rất hài lòng".into(),
            },
            skip: vec![],
        }
    }

    fn text(id: &str) -> SurveyQuestion {
        SurveyQuestion {
            id: id.into(),
            text: "Góp ý khác?".into(),
            required: false,
            kind: QuestionKind::Text { max_chars: 200 },
            skip: vec![],
        }
    }

    /// q1: were you targeted by a scam? "No" ends the survey.
    /// q2: did you report it? q3: satisfaction 1–5. q4: comments.
    fn survey() -> Survey {
        let mut q1 = single("q1", &["Có", "Không"]);
        q1.skip = vec![SkipRule { when: Condition::Chose { choice: 1 }, then: SkipTarget::End }];
        let mut q2 = single("q2", &["Đã báo công an", "Chưa báo"]);
        q2.skip = vec![SkipRule { when: Condition::Chose { choice: 1 }, then: SkipTarget::Question("q4".into()) }];
        Survey {
            title: "Khảo sát hiệu quả tuyên truyền".into(),
            anonymous: true,
            questions: vec![q1, q2, scale("q3"), text("q4")],
        }
    }

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn definitions_are_checked() {
        survey().validate().unwrap();
        let mut s = survey();
        s.questions[1].id = "q1".into();
        assert_eq!(s.validate(), Err(SurveyError::DuplicateId("q1".into())));
        let mut s = survey();
        s.questions[1].skip[0].then = SkipTarget::Question("q1".into());
        let err = s.validate().unwrap_err();
        assert_eq!(err, SurveyError::BackwardTarget { from: "q2".into(), to: "q1".into() });
        assert!(err.message_vi().contains("chỉ được chuyển tới câu hỏi phía sau"));
        let mut s = survey();
        s.questions[1].skip[0].then = SkipTarget::Question("q2".into());
        assert!(matches!(s.validate(), Err(SurveyError::BackwardTarget { .. })), "a rule to itself is a loop");
        let mut s = survey();
        s.questions[1].skip[0].then = SkipTarget::Question("q9".into());
        assert!(matches!(s.validate(), Err(SurveyError::UnknownTarget { .. })));
        let mut s = survey();
        s.questions[1].skip[0].when = Condition::Chose { choice: 5 };
        assert_eq!(s.validate(), Err(SurveyError::ConditionMismatch("q2".into())));
        let mut s = survey();
        s.questions[3].skip =
            vec![SkipRule { when: Condition::Compare { op: CompareOp::Lt, value: 1 }, then: SkipTarget::End }];
        assert_eq!(s.validate(), Err(SurveyError::ConditionMismatch("q4".into())), "text cannot branch");
        let mut s = survey();
        s.questions[2].kind =
            QuestionKind::Scale { min: 0, max: 11, min_label: String::new(), max_label: String::new() };
        assert_eq!(s.validate(), Err(SurveyError::BadScale("q3".into())));
        let mut s = survey();
        s.questions[0].kind = QuestionKind::SingleChoice { choices: vec!["Có".into(), "CÓ".into()] };
        assert_eq!(s.validate(), Err(SurveyError::BadChoice("q1".into())));
        let mut s = survey();
        s.questions[3].kind = QuestionKind::Number { min: Some(5), max: Some(1), bins: vec![] };
        assert_eq!(s.validate(), Err(SurveyError::BadRange("q4".into())));
        let mut s = survey();
        s.questions[3].kind = QuestionKind::Number { min: None, max: None, bins: vec![30, 18] };
        assert_eq!(s.validate(), Err(SurveyError::BadRange("q4".into())));
        let mut s = survey();
        s.questions[3].kind = QuestionKind::Text { max_chars: 0 };
        assert_eq!(s.validate(), Err(SurveyError::BadTextLimit("q4".into())));
        let mut s = survey();
        s.questions[0].kind =
            QuestionKind::MultipleChoice { choices: vec!["a".into(), "b".into()], max_selected: Some(3) };
        assert_eq!(s.validate(), Err(SurveyError::BadMaxSelected("q1".into())));
        assert_eq!(Survey { questions: vec![], ..survey() }.validate(), Err(SurveyError::NoQuestions));
    }

    #[test]
    fn the_path_follows_the_skip_rules() {
        let s = survey();
        assert_eq!(s.path(&answers(&[("q1", Answer::Choice(1))])), ["q1"]);
        assert_eq!(s.path(&answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(1))])), ["q1", "q2", "q4"]);
        assert_eq!(s.path(&answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(0))])), ["q1", "q2", "q3", "q4"]);
        // Nothing answered yet: every question, no rule applies.
        assert_eq!(s.path(&Answers::new()), ["q1", "q2", "q3", "q4"]);
    }

    #[test]
    fn scale_and_number_comparisons_branch() {
        let mut q = scale("s");
        q.skip = vec![SkipRule {
            when: Condition::Compare { op: CompareOp::Le, value: 2 },
            then: SkipTarget::Question("why".into()),
        }];
        let mut num = SurveyQuestion {
            id: "n".into(),
            text: "Bao nhiêu lần?".into(),
            required: false,
            kind: QuestionKind::Number { min: Some(0), max: Some(100), bins: vec![] },
            skip: vec![SkipRule { when: Condition::Compare { op: CompareOp::Eq, value: 0 }, then: SkipTarget::End }],
        };
        num.required = true;
        let s = Survey { title: "x".into(), anonymous: false, questions: vec![q, num, text("why")] };
        s.validate().unwrap();
        assert_eq!(s.path(&answers(&[("s", Answer::Scale(2))])), ["s", "why"]);
        assert_eq!(s.path(&answers(&[("s", Answer::Scale(4)), ("n", Answer::Number(0))])), ["s", "n"]);
        assert_eq!(s.path(&answers(&[("s", Answer::Scale(4)), ("n", Answer::Number(3))])), ["s", "n", "why"]);
    }

    #[test]
    fn answers_off_the_path_are_dropped_and_required_ones_enforced() {
        let s = survey();
        // Said "no" to q1 but the page still had q3 filled in.
        let kept = s.check_response(&answers(&[("q1", Answer::Choice(1)), ("q3", Answer::Scale(4))])).unwrap();
        assert_eq!(kept, answers(&[("q1", Answer::Choice(1))]));
        // On the q3 path, q3 is required.
        let err = s.check_response(&answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(0))])).unwrap_err();
        assert_eq!(err, ResponseError::Missing("q3".into()));
        assert_eq!(err.question(), "q3");
        assert_eq!(err.message_vi(), "Vui lòng trả lời câu hỏi này.");
        // Not asked: fine without it.
        let ok = s.check_response(&answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(1))])).unwrap();
        assert_eq!(ok.len(), 2);
        // A question this survey does not have is refused.
        let err = s.check_response(&answers(&[("q1", Answer::Choice(1)), ("hack", Answer::Number(1))])).unwrap_err();
        assert_eq!(err, ResponseError::UnknownQuestion("hack".into()));
    }

    #[test]
    fn values_must_fit_their_question() {
        let s = survey();
        let base = [("q1", Answer::Choice(0)), ("q2", Answer::Choice(0))];
        let with = |extra: (&str, Answer)| {
            let mut a = answers(&base);
            a.insert(extra.0.into(), extra.1);
            s.check_response(&a)
        };
        let err = with(("q3", Answer::Scale(6))).unwrap_err();
        assert_eq!(err, ResponseError::OutOfRange { id: "q3".into(), min: Some(1), max: Some(5) });
        assert_eq!(err.message_vi(), "Giá trị phải từ 1 đến 5.");
        assert_eq!(with(("q3", Answer::Choice(1))).unwrap_err(), ResponseError::WrongType("q3".into()));
        let long = "a".repeat(201);
        let mut a = answers(&base);
        a.insert("q3".into(), Answer::Scale(5));
        a.insert("q4".into(), Answer::Text(long));
        assert_eq!(s.check_response(&a).unwrap_err(), ResponseError::TextTooLong { id: "q4".into(), max: 200 });
        a.insert("q4".into(), Answer::Text("  \u{7}Rất hữu ích\n ".into()));
        assert_eq!(s.check_response(&a).unwrap()["q4"], Answer::Text("Rất hữu ích".into()));
        a.insert("q4".into(), Answer::Text("   ".into()));
        assert!(!s.check_response(&a).unwrap().contains_key("q4"), "blank text is no answer");
        let bad_choice = s.check_response(&answers(&[("q1", Answer::Choice(2))])).unwrap_err();
        assert_eq!(bad_choice, ResponseError::ChoiceOutOfRange("q1".into()));
    }

    #[test]
    fn multiple_choice_limits() {
        let q = SurveyQuestion {
            id: "m".into(),
            text: "Bạn biết những hình thức lừa đảo nào?".into(),
            required: true,
            kind: QuestionKind::MultipleChoice {
                choices: vec!["a".into(), "b".into(), "c".into()],
                max_selected: Some(2),
            },
            skip: vec![],
        };
        let s = Survey { title: "x".into(), anonymous: true, questions: vec![q] };
        s.validate().unwrap();
        let check = |cs: Vec<usize>| s.check_response(&answers(&[("m", Answer::Choices(cs))]));
        assert_eq!(check(vec![2, 0]).unwrap()["m"], Answer::Choices(vec![0, 2]));
        assert_eq!(check(vec![0, 1, 2]).unwrap_err(), ResponseError::TooManyChoices { id: "m".into(), max: 2 });
        assert_eq!(check(vec![1, 1]).unwrap_err(), ResponseError::DuplicateChoice("m".into()));
        assert_eq!(check(vec![3]).unwrap_err(), ResponseError::ChoiceOutOfRange("m".into()));
        assert_eq!(check(vec![]).unwrap_err(), ResponseError::Missing("m".into()), "nothing picked is no answer");
    }

    #[test]
    fn an_anonymous_response_keeps_no_person_and_no_time_finer_than_a_day() {
        let s = survey();
        let submitted = Utc.with_ymd_and_hms(2025, 6, 1, 18, 42, 7).unwrap(); // 01:42 on 2 June locally
        let r = Response {
            respondent: Some("+84912345678".into()),
            unit: UnitId(12),
            started_at: Some(submitted - chrono::Duration::minutes(3)),
            submitted_at: submitted,
            answers: answers(&[("q1", Answer::Choice(1))]),
        };
        let StoredResponse::Anonymous(a) = s.to_stored(r.clone()).unwrap() else { panic!("anonymous survey") };
        assert_eq!(a.submitted_on, chrono::NaiveDate::from_ymd_opt(2025, 6, 2).unwrap());
        let json = serde_json::to_string(&a).unwrap();
        assert!(!json.contains("0912") && !json.contains("84912345678"), "{json}");
        assert!(!json.contains("18:42") && !json.contains("01:42") && !json.contains("T"), "{json}");
        assert_eq!(json, r#"{"unit":12,"submitted_on":"2025-06-02","answers":{"q1":{"choice":1}}}"#);
        // A named survey keeps the respondent.
        let named = Survey { anonymous: false, ..s };
        let StoredResponse::Identified(i) = named.to_stored(r).unwrap() else { panic!("named survey") };
        assert_eq!(i.respondent.as_deref(), Some("+84912345678"));
    }

    #[test]
    fn text_answers_are_never_in_the_results() {
        let s = survey();
        let tree = ReportTree::new(UnitId(1), &[]).unwrap();
        let a = answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(1)), ("q4", Answer::Text("bí mật".into()))]);
        let rows: Vec<(UnitId, &Answers)> = (0..10).map(|_| (UnitId(1), &a)).collect();
        let report = aggregate(&s, &tree, rows, 5).unwrap();
        assert!(report.questions.iter().all(|h| h.id != "q4"));
        assert!(!serde_json::to_string(&report).unwrap().contains("bí mật"));
    }

    /// Province 1 with communes 10, 11, 12; 12 has villages 120, 121.
    fn tree() -> ReportTree {
        ReportTree::new(
            UnitId(1),
            &[
                (UnitId(10), UnitId(1)),
                (UnitId(11), UnitId(1)),
                (UnitId(12), UnitId(1)),
                (UnitId(120), UnitId(12)),
                (UnitId(121), UnitId(12)),
            ],
        )
        .unwrap()
    }

    fn unit(r: &SurveyReport, u: i64) -> &UnitReport {
        r.units.iter().find(|x| x.unit == UnitId(u) && !x.direct).unwrap()
    }

    #[test]
    fn a_suppressed_unit_cannot_be_recovered_from_the_parent_total() {
        let q = Survey { title: "x".into(), anonymous: true, questions: vec![single("q", &["Có", "Không"])] };
        let yes = answers(&[("q", Answer::Choice(0))]);
        let mut rows = Vec::new();
        rows.extend((0..20).map(|_| (UnitId(10), &yes)));
        rows.extend((0..3).map(|_| (UnitId(11), &yes))); // too few
        rows.extend((0..8).map(|_| (UnitId(120), &yes)));
        rows.extend((0..7).map(|_| (UnitId(121), &yes)));
        let r = aggregate(&q, &tree(), rows, 5).unwrap();
        assert_eq!(unit(&r, 1).respondents, Figure::Value(38));
        assert_eq!(unit(&r, 11).respondents, Figure::Suppressed);
        // 38 − 20 − 15 would give commune 11's 3: the smallest other
        // commune (12, with 15) is hidden too...
        assert_eq!(unit(&r, 10).respondents, Figure::Value(20));
        assert_eq!(unit(&r, 12).respondents, Figure::Suppressed);
        // ...and then its smaller village, or 12 = 8 + 7 would undo that.
        assert_eq!(unit(&r, 120).respondents, Figure::Value(8));
        assert_eq!(unit(&r, 121).respondents, Figure::Suppressed);
        // The small commune shows nothing at all.
        let q11 = &unit(&r, 11).questions[0];
        assert!(q11.counts.iter().chain([&q11.answered]).all(|c| *c == Figure::Suppressed));
    }

    #[test]
    fn a_mean_is_a_sum_too() {
        let q = Survey { title: "x".into(), anonymous: true, questions: vec![scale("s")] };
        let v = |x| answers(&[("s", Answer::Scale(x))]);
        let (four, five, two) = (v(4), v(5), v(2));
        let mut rows = Vec::new();
        rows.extend((0..6).map(|_| (UnitId(1), &four)));
        rows.extend((0..6).map(|_| (UnitId(1), &five)));
        rows.push((UnitId(1), &two));
        let r = aggregate(&q, &ReportTree::new(UnitId(1), &[]).unwrap(), rows, 5).unwrap();
        let s = &r.units[0].questions[0];
        assert_eq!(s.answered, Figure::Value(13));
        assert_eq!(s.counts[0], Figure::Value(0));
        assert_eq!(s.counts[1], Figure::Suppressed, "one person chose 2");
        // 13 − 6 − 6 gives it back, so a second count goes; but with the
        // mean (56/13) two hidden counts are two equations in two unknowns:
        // a third count goes as well.
        let hidden = s.counts.iter().filter(|c| **c == Figure::Suppressed).count();
        assert_eq!(hidden, 3, "{s:?}");
        assert_eq!(s.mean, Some(Mean::Value(56.0 / 13.0)));
    }

    #[test]
    fn means_are_published_for_large_enough_groups() {
        let q = Survey { title: "x".into(), anonymous: true, questions: vec![scale("s")] };
        let (four, five) = (answers(&[("s", Answer::Scale(4))]), answers(&[("s", Answer::Scale(5))]));
        let mut rows = Vec::new();
        rows.extend((0..5).map(|_| (UnitId(1), &four)));
        rows.extend((0..15).map(|_| (UnitId(1), &five)));
        let r = aggregate(&q, &ReportTree::new(UnitId(1), &[]).unwrap(), rows, 5).unwrap();
        let s = &r.units[0].questions[0];
        assert_eq!(s.mean, Some(Mean::Value(4.75)));
        assert_eq!(
            s.counts,
            [Figure::Value(0), Figure::Value(0), Figure::Value(0), Figure::Value(5), Figure::Value(15)]
        );
        assert_eq!(r.questions[0].categories[0], "1 (Rất không hài lòng)");
        // Nobody answered in a unit with no respondents: no data.
        let r = aggregate(&q, &ReportTree::new(UnitId(1), &[]).unwrap(), Vec::new(), 5).unwrap();
        assert_eq!(r.units[0].questions[0].mean, Some(Mean::NoData));
        assert_eq!(r.units[0].respondents, Figure::Value(0));
    }

    #[test]
    fn the_minimum_group_is_configurable() {
        let q = Survey { title: "x".into(), anonymous: true, questions: vec![single("q", &["Có", "Không"])] };
        let yes = answers(&[("q", Answer::Choice(0))]);
        let rows: Vec<(UnitId, &Answers)> = (0..3).map(|_| (UnitId(1), &yes)).collect();
        let t = ReportTree::new(UnitId(1), &[]).unwrap();
        assert_eq!(aggregate(&q, &t, rows.clone(), 5).unwrap().units[0].respondents, Figure::Suppressed);
        assert_eq!(aggregate(&q, &t, rows.clone(), 3).unwrap().units[0].respondents, Figure::Value(3));
        assert_eq!(aggregate(&q, &t, rows, 0).unwrap_err(), AggregateError::Threshold);
    }

    #[test]
    fn gated_answer_counts_do_not_reveal_the_gate() {
        // q1 "Were you targeted by a scam?": "no" ends the survey, so q2's
        // answer count is q1's "yes" count. Wherever that is hidden (as a
        // small cell or to protect one), q2's count is hidden too.
        let s = survey();
        let yes = answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(1))]);
        let no = answers(&[("q1", Answer::Choice(1))]);
        let mut rows = Vec::new();
        rows.extend((0..2).map(|_| (UnitId(10), &yes)));
        rows.extend((0..9).map(|_| (UnitId(10), &no)));
        rows.extend((0..6).map(|_| (UnitId(11), &yes)));
        rows.extend((0..6).map(|_| (UnitId(11), &no)));
        rows.extend((0..7).map(|_| (UnitId(120), &yes)));
        rows.extend((0..7).map(|_| (UnitId(120), &no)));
        let r = aggregate(&s, &tree(), rows, 5).unwrap();
        assert_eq!(unit(&r, 10).questions[0].counts[0], Figure::Suppressed);
        let mut protected_large = 0;
        for u in &r.units {
            if u.questions[0].counts[0] == Figure::Suppressed {
                assert_eq!(u.questions[1].answered, Figure::Suppressed, "{u:?}");
                protected_large += usize::from(u.unit != UnitId(10));
            }
        }
        assert!(protected_large > 0, "some large 'yes' count was hidden to protect commune 10's");
    }

    #[test]
    fn responses_at_a_unit_with_units_below_get_their_own_line() {
        let q = Survey { title: "x".into(), anonymous: true, questions: vec![single("q", &["Có", "Không"])] };
        let yes = answers(&[("q", Answer::Choice(0))]);
        let mut rows = Vec::new();
        rows.extend((0..6).map(|_| (UnitId(12), &yes)));
        rows.extend((0..6).map(|_| (UnitId(120), &yes)));
        rows.extend((0..6).map(|_| (UnitId(121), &yes)));
        let r = aggregate(&q, &tree(), rows, 5).unwrap();
        let direct = r.units.iter().find(|u| u.unit == UnitId(12) && u.direct).unwrap();
        assert_eq!(direct.respondents, Figure::Value(6));
        assert_eq!(unit(&r, 12).respondents, Figure::Value(18));
        assert_eq!(r.units[0].unit, UnitId(1), "root first");
    }

    #[test]
    fn trees_and_units_are_checked() {
        assert_eq!(
            ReportTree::new(UnitId(1), &[(UnitId(2), UnitId(1)), (UnitId(2), UnitId(3))]).unwrap_err(),
            AggregateError::TwoParents(UnitId(2))
        );
        assert_eq!(
            ReportTree::new(UnitId(1), &[(UnitId(2), UnitId(3)), (UnitId(3), UnitId(2))]).unwrap_err(),
            AggregateError::Detached(UnitId(2))
        );
        let q = survey();
        let a = Answers::new();
        let err = aggregate(&q, &tree(), vec![(UnitId(99), &a)], 5).unwrap_err();
        assert_eq!(err, AggregateError::UnknownUnit(UnitId(99)));
        assert!(err.message_vi().contains("99"));
    }

    #[test]
    fn the_exposure_check_sees_through_combined_sums() {
        // x + y = a, y + z = b, x + z = c: each sum has two unknowns, yet
        // together they fix all three.
        let rel = vec![vec![(0, 1), (1, 1), (3, -1)], vec![(1, 1), (2, 1), (4, -1)], vec![(0, 1), (2, 1), (5, -1)]];
        let unknown = [true, true, true, false, false, false];
        assert_eq!(determined(&rel, &unknown), [0, 1, 2]);
        // Two sums sharing two unknowns fix nothing.
        let rel = vec![vec![(0, 1), (1, 1), (3, -1)], vec![(0, 1), (1, 1), (2, 1), (4, -1)]];
        assert_eq!(determined(&rel, &[true, true, false, false, false]), Vec::<usize>::new());
        assert_eq!(determined(&rel, &[true, true, true, false, false]), [2]);
    }

    // ----- properties -----

    /// Province 1; communes 10..10+c; each commune may have 0–2 villages.
    fn arb_case() -> impl Strategy<Value = (ReportTree, Vec<(UnitId, Answers)>, usize)> {
        (1usize..4, proptest::collection::vec(0usize..3, 3), 2usize..6)
            .prop_flat_map(|(communes, villages, k)| {
                let mut links = Vec::new();
                let mut units = vec![UnitId(1)];
                for (c, &village_count) in villages.iter().enumerate().take(communes) {
                    let cu = UnitId(10 + c as i64);
                    links.push((cu, UnitId(1)));
                    units.push(cu);
                    for v in 0..village_count {
                        let vu = UnitId(100 + 10 * c as i64 + v as i64);
                        links.push((vu, cu));
                        units.push(vu);
                    }
                }
                let tree = ReportTree::new(UnitId(1), &links).unwrap();
                let answer = (0usize..2, 0usize..3, proptest::option::of(1i32..=5), proptest::sample::select(units));
                (Just(tree), proptest::collection::vec(answer, 0..60), Just(k))
            })
            .prop_map(|(tree, raw, k)| {
                let rows = raw
                    .into_iter()
                    .map(|(q1, q2, s, unit)| {
                        let mut a = answers(&[("q1", Answer::Choice(q1)), ("m", Answer::Choices(vec![q2]))]);
                        if q1 == 0
                            && let Some(s) = s
                        {
                            a.insert("q3".into(), Answer::Scale(s));
                        }
                        (unit, a)
                    })
                    .collect();
                (tree, rows, k)
            })
    }

    fn prop_survey() -> Survey {
        let mut q1 = single("q1", &["Có", "Không"]);
        q1.skip = vec![SkipRule { when: Condition::Chose { choice: 1 }, then: SkipTarget::Question("m".into()) }];
        let mut q3 = scale("q3");
        q3.required = false;
        let m = SurveyQuestion {
            id: "m".into(),
            text: "Kênh nào?".into(),
            required: true,
            kind: QuestionKind::MultipleChoice {
                choices: vec!["Zalo".into(), "Facebook".into(), "TikTok".into()],
                max_selected: None,
            },
            skip: vec![],
        };
        Survey { title: "x".into(), anonymous: true, questions: vec![q1, q3, m] }
    }

    /// Every figure of the report with its true value, keyed so that sums
    /// can be checked: (node index, column).
    fn flat(r: &SurveyReport) -> Vec<Vec<Figure>> {
        r.units
            .iter()
            .map(|u| {
                let mut v = vec![u.respondents];
                for q in &u.questions {
                    v.push(q.answered);
                    v.extend(q.counts.iter().copied());
                }
                v
            })
            .collect()
    }

    proptest! {
        #[test]
        fn no_published_figure_counts_fewer_than_k_people((tree, rows, k) in arb_case()) {
            let s = prop_survey();
            let report = aggregate(&s, &tree, rows.iter().map(|(u, a)| (*u, a)), k).unwrap();
            for u in &report.units {
                if let Figure::Value(n) = u.respondents {
                    prop_assert!(n == 0 || n >= k as u64, "{u:?}");
                }
                for q in &u.questions {
                    for f in std::iter::once(&q.answered).chain(&q.counts) {
                        if let Figure::Value(n) = f {
                            prop_assert!(n == &0 || *n >= k as u64, "{u:?}");
                        }
                    }
                    if let Some(Mean::Value(_)) = q.mean {
                        prop_assert!(q.answered.value().is_some_and(|n| n >= k as u64));
                    }
                }
            }
        }

        #[test]
        fn published_figures_are_true(( tree, rows, k) in arb_case()) {
            let s = prop_survey();
            let report = aggregate(&s, &tree, rows.iter().map(|(u, a)| (*u, a)), k).unwrap();
            // Recount naively: a unit's line covers itself and every unit below.
            let below = |top: UnitId, u: UnitId| {
                let mut at = Some(u);
                let parents: BTreeMap<UnitId, UnitId> =
                    tree.children.iter().flat_map(|(p, cs)| cs.iter().map(move |c| (*c, *p))).collect();
                while let Some(x) = at {
                    if x == top { return true; }
                    at = parents.get(&x).copied();
                }
                false
            };
            for u in report.units.iter().filter(|u| !u.direct) {
                let mine: Vec<&Answers> = rows.iter().filter(|(x, _)| below(u.unit, *x)).map(|(_, a)| a).collect();
                if let Figure::Value(n) = u.respondents {
                    prop_assert_eq!(n as usize, mine.len());
                }
                let yes = mine.iter().filter(|a| a.get("q1") == Some(&Answer::Choice(0))).count();
                if let Figure::Value(n) = u.questions[0].counts[0] {
                    prop_assert_eq!(n as usize, yes);
                }
                let zalo = mine.iter().filter(|a| a.get("m") == Some(&Answer::Choices(vec![0]))).count();
                if let Figure::Value(n) = u.questions[2].counts[0] {
                    prop_assert_eq!(n as usize, zalo);
                }
            }
        }

        #[test]
        fn no_suppressed_figure_is_alone_in_a_published_sum((tree, rows, k) in arb_case()) {
            let s = prop_survey();
            let report = aggregate(&s, &tree, rows.iter().map(|(u, a)| (*u, a)), k).unwrap();
            let figs = flat(&report);
            // Rebuild which lines are children of which from the tree.
            let line = |u: UnitId, direct: bool| report.units.iter().position(|x| x.unit == u && x.direct == direct);
            let mut families: Vec<(usize, Vec<usize>)> = Vec::new();
            for (p, cs) in &tree.children {
                let parent = line(*p, false).unwrap();
                let mut kids: Vec<usize> = cs.iter().map(|c| line(*c, false).unwrap()).collect();
                kids.extend(line(*p, true));
                families.push((parent, kids));
            }
            let width = figs[0].len();
            // Parent = sum of children, figure by figure.
            for (p, kids) in &families {
                for col in 0..width {
                    let hidden = std::iter::once(p).chain(kids).filter(|&&i| figs[i].get(col) == Some(&Figure::Suppressed)).count();
                    prop_assert_ne!(hidden, 1, "line {} column {}", p, col);
                }
            }
            // Single choice: answered = sum of counts (q1 at columns 1..=3;
            // the scale at 4..=9 with its counts adding up too).
            for f in &figs {
                for cols in [1..4, 4..10] {
                    let hidden = f[cols].iter().filter(|x| **x == Figure::Suppressed).count();
                    prop_assert_ne!(hidden, 1, "{:?}", f);
                }
                // Everyone answers q1: its answer count is the respondent count.
                prop_assert_eq!(f[0] == Figure::Suppressed, f[1] == Figure::Suppressed);
            }
        }

        #[test]
        fn nothing_hidden_can_be_solved_for((tree, rows, k) in arb_case()) {
            // Rebuild, from the report alone, every sum a reader knows holds
            // (across units, within questions, the scale's total behind its
            // mean, and "everyone answers q1 and m"), then solve them all at
            // once, across questions.
            let s = prop_survey();
            let report = aggregate(&s, &tree, rows.iter().map(|(u, a)| (*u, a)), k).unwrap();
            let mut figs = flat(&report);
            for (f, u) in figs.iter_mut().zip(&report.units) {
                f.push(match u.questions[1].mean {
                    Some(Mean::Suppressed) => Figure::Suppressed,
                    _ => Figure::Value(0),
                });
            }
            let width = figs[0].len();
            let var = |line: usize, col: usize| line * width + col;
            let line = |u: UnitId, direct: bool| report.units.iter().position(|x| x.unit == u && x.direct == direct).unwrap();
            let mut rel: Vec<Vec<(usize, i64)>> = Vec::new();
            for (p, cs) in &tree.children {
                let kids: Vec<usize> = cs.iter().map(|c| line(*c, false)).chain(
                    report.units.iter().position(|x| x.unit == *p && x.direct)).collect();
                for col in 0..width {
                    let mut r = vec![(var(line(*p, false), col), 1)];
                    r.extend(kids.iter().map(|&c| (var(c, col), -1)));
                    rel.push(r);
                }
            }
            for l in 0..figs.len() {
                rel.push(vec![(var(l, 1), -1), (var(l, 2), 1), (var(l, 3), 1)]);
                let mut scale = vec![(var(l, 4), -1)];
                scale.extend((5..10).map(|c| (var(l, c), 1)));
                rel.push(scale);
                let mut total = vec![(var(l, width - 1), -1)];
                total.extend((5..10).map(|c| (var(l, c), c as i64 - 4)));
                rel.push(total);
                rel.push(vec![(var(l, 0), 1), (var(l, 1), -1)]);
                rel.push(vec![(var(l, 0), 1), (var(l, 10), -1)]);
            }
            let unknown: Vec<bool> = figs.iter().flatten().map(|f| *f == Figure::Suppressed).collect();
            let solved = determined(&rel, &unknown);
            prop_assert!(solved.is_empty(), "{:?} in {:?}", solved.iter().map(|v| (v / width, v % width)).collect::<Vec<_>>(), figs);
        }

        #[test]
        fn nothing_is_hidden_when_nothing_is_small((tree, rows, k) in arb_case()) {
            // Each response k times: every count is 0 or at least k.
            let s = prop_survey();
            let many: Vec<(UnitId, &Answers)> =
                rows.iter().flat_map(|(u, a)| std::iter::repeat_n((*u, a), k)).collect();
            let report = aggregate(&s, &tree, many, k).unwrap();
            let figs = flat(&report);
            prop_assert!(figs.iter().flatten().all(|f| *f != Figure::Suppressed), "{:?}", figs);
        }

        #[test]
        fn paths_only_move_forward(choice in 0usize..2, second in 0usize..2, scale_v in 1i32..=5) {
            let s = survey();
            let a = answers(&[("q1", Answer::Choice(choice)), ("q2", Answer::Choice(second)), ("q3", Answer::Scale(scale_v))]);
            let path = s.path(&a);
            let idx: Vec<usize> = path.iter().map(|id| s.index_of(id).unwrap()).collect();
            prop_assert!(idx.windows(2).all(|w| w[0] < w[1]));
            prop_assert_eq!(idx.first(), Some(&0));
            // What check_response keeps is on the path.
            let kept = s.check_response(&a).unwrap();
            prop_assert!(kept.keys().all(|k| path.contains(&k.as_str())));
        }
    }
}

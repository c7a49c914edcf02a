//! A survey's definition: its questions and their kinds, skip logic, and the
//! checks a survey passes before it is opened.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::text::fold;

use super::responses::{Answer, Answers, ResponseError, check_answer};

/// Longest free-text answer a question may allow.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Choices per question: more is a list nobody reads to the end.
pub const MAX_SURVEY_CHOICES: usize = 20;
/// A 0–10 scale is the longest in common use.
pub const MAX_SCALE_POINTS: usize = 11;

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
    pub(super) fn index_of(&self, id: &str) -> Option<usize> {
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
    pub(super) fn next_after(&self, i: usize, answers: &Answers) -> usize {
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
    pub(super) fn always_answered(&self) -> Vec<bool> {
        (0..self.questions.len()).map(|j| self.questions[j].required && self.gates(j).is_empty()).collect()
    }

    /// The earlier questions with a rule that can jump past question `j`.
    pub(super) fn gates(&self, j: usize) -> Vec<usize> {
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

//! The question bank: a question, its identity and wording, and the checks a
//! bank passes before a contest may draw from it.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::fold;

/// A question's identity in the bank; draws and answers refer to it, so it
/// never changes when the wording is corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionId(pub i64);

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Fewer than two choices is not a question; more than six do not fit a
/// phone screen (and a permutation digit per choice keeps draws compact).
pub const MIN_CHOICES: usize = 2;
pub const MAX_CHOICES: usize = 6;

/// A multiple-choice question of the bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: QuestionId,
    /// The field it tests ("Luật An ninh mạng", "Phòng, chống lừa đảo"), used
    /// by draw quotas.
    pub category: String,
    pub text: String,
    /// The choices in the order the author wrote them; each draw shows them
    /// in its own order.
    pub choices: Vec<String>,
    /// Index into `choices` of the right answer.
    pub correct: usize,
}

/// Why a question (or the bank) cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("question {0} has no text")]
    EmptyText(QuestionId),
    #[error("question {id} has {count} choices; 2 to 6 are allowed")]
    ChoiceCount { id: QuestionId, count: usize },
    #[error("choice {index} of question {id} is empty")]
    EmptyChoice { id: QuestionId, index: usize },
    #[error("question {0} offers the same choice twice")]
    DuplicateChoice(QuestionId),
    #[error("the correct answer of question {0} is not one of its choices")]
    CorrectOutOfRange(QuestionId),
    #[error("two questions share the id {0}")]
    DuplicateId(QuestionId),
}

impl QuestionError {
    pub fn message_vi(&self) -> String {
        match self {
            QuestionError::EmptyText(id) => format!("Câu hỏi số {id} chưa có nội dung."),
            QuestionError::ChoiceCount { id, count } => format!(
                "Câu hỏi số {id} có {count} phương án trả lời; mỗi câu cần từ {MIN_CHOICES} đến {MAX_CHOICES} phương án."
            ),
            QuestionError::EmptyChoice { id, index } => {
                format!("Phương án thứ {} của câu hỏi số {id} đang để trống.", index + 1)
            }
            QuestionError::DuplicateChoice(id) => format!("Câu hỏi số {id} có hai phương án trả lời trùng nhau."),
            QuestionError::CorrectOutOfRange(id) => {
                format!("Đáp án đúng của câu hỏi số {id} không nằm trong các phương án trả lời.")
            }
            QuestionError::DuplicateId(id) => format!("Ngân hàng câu hỏi có hai câu cùng mã số {id}."),
        }
    }
}

impl Question {
    /// Checks what the draw and the grading rely on. Choices are compared
    /// with diacritics folded: "Đúng" and "đúng" are the same answer.
    pub fn validate(&self) -> Result<(), QuestionError> {
        let id = self.id;
        if self.text.trim().is_empty() {
            return Err(QuestionError::EmptyText(id));
        }
        let count = self.choices.len();
        if !(MIN_CHOICES..=MAX_CHOICES).contains(&count) {
            return Err(QuestionError::ChoiceCount { id, count });
        }
        let mut seen = BTreeSet::new();
        for (index, c) in self.choices.iter().enumerate() {
            if c.trim().is_empty() {
                return Err(QuestionError::EmptyChoice { id, index });
            }
            if !seen.insert(fold(c)) {
                return Err(QuestionError::DuplicateChoice(id));
            }
        }
        if self.correct >= count {
            return Err(QuestionError::CorrectOutOfRange(id));
        }
        Ok(())
    }
}

/// Checks every question and that ids are unique.
pub fn validate_bank(bank: &[Question]) -> Result<(), QuestionError> {
    let mut ids = BTreeSet::new();
    for q in bank {
        q.validate()?;
        if !ids.insert(q.id) {
            return Err(QuestionError::DuplicateId(q.id));
        }
    }
    Ok(())
}

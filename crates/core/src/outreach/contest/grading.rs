//! Grading: an attempt's answers, given in the shuffled order the entrant saw,
//! scored against the bank.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::draw::{Draw, is_permutation};
use super::questions::{Question, QuestionId};

/// The result of grading one attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    /// Questions answered correctly: the score.
    pub correct: u32,
    /// Questions with an answer (right or wrong).
    pub answered: u32,
    /// Questions in the draw.
    pub total: u32,
    /// Right or wrong, question by question in the draw's order.
    pub per_question: Vec<bool>,
}

impl Grade {
    pub fn all_correct(&self) -> bool {
        self.total > 0 && self.correct == self.total
    }
}

/// Why an attempt cannot be graded. These are faults of the stored data or
/// of a forged request, not of the entrant's answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("question {0} of the draw is no longer in the bank")]
    UnknownQuestion(QuestionId),
    #[error("the choices of question {0} changed since the draw")]
    ChangedQuestion(QuestionId),
    #[error("{answers} answers for a draw of {questions} questions")]
    TooManyAnswers { answers: usize, questions: usize },
}

impl GradeError {
    pub fn message_vi(&self) -> String {
        match self {
            GradeError::UnknownQuestion(_) | GradeError::ChangedQuestion(_) => {
                "Đề thi của lượt này không còn khớp với ngân hàng câu hỏi; vui lòng liên hệ ban tổ chức.".into()
            }
            GradeError::TooManyAnswers { .. } => "Bài làm gửi lên không khớp với đề thi của lượt này.".into(),
        }
    }
}

/// Grades answers given as *displayed* positions (what the entrant tapped),
/// mapped back through the draw's permutation. `answers[i]` answers the
/// draw's `i`-th question; a missing or out-of-range answer is wrong, never
/// an error, so a doctored form gains nothing.
pub fn grade(draw: &Draw, bank: &[Question], answers: &[Option<usize>]) -> Result<Grade, GradeError> {
    if answers.len() > draw.questions.len() {
        return Err(GradeError::TooManyAnswers { answers: answers.len(), questions: draw.questions.len() });
    }
    let by_id: BTreeMap<QuestionId, &Question> = bank.iter().map(|q| (q.id, q)).collect();
    let mut grade = Grade { correct: 0, answered: 0, total: 0, per_question: Vec::with_capacity(draw.questions.len()) };
    for (i, dq) in draw.questions.iter().enumerate() {
        let q = by_id.get(&dq.question).ok_or(GradeError::UnknownQuestion(dq.question))?;
        if !is_permutation(&dq.order, q.choices.len()) {
            return Err(GradeError::ChangedQuestion(dq.question));
        }
        let original = answers.get(i).copied().flatten().and_then(|d| dq.original(d));
        let right = original == Some(q.correct);
        grade.total += 1;
        grade.answered += u32::from(original.is_some());
        grade.correct += u32::from(right);
        grade.per_question.push(right);
    }
    Ok(grade)
}

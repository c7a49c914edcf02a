//! A survey answered in pages, for a browser without script: a page runs
//! from its first question through the next question that has skip rules
//! (the page's boundary), so every question on a page is on the
//! respondent's path, and the server decides from the answers where the
//! next page starts. A skipped question is never on a page.

use std::ops::Range;

use super::form::Survey;
use super::responses::{Answers, ResponseError, check_answer};

impl Survey {
    /// The questions of the page starting at question `start`: through
    /// the first with skip rules, or to the end.
    pub fn page_at(&self, start: usize) -> Range<usize> {
        let len = self.questions.len();
        let start = start.min(len);
        let end = (start..len).find(|&i| !self.questions[i].skip.is_empty()).map_or(len, |b| b + 1);
        start..end
    }

    /// Where the page after the one starting at `start` begins, given the
    /// answers so far; `None` when the survey ends there.
    pub fn next_page(&self, start: usize, answers: &Answers) -> Option<usize> {
        let page = self.page_at(start);
        if page.is_empty() {
            return None;
        }
        let next = self.next_after(page.end - 1, answers);
        (next < self.questions.len()).then_some(next)
    }

    /// Whether `start` is where a page can begin for these answers: the
    /// first question, or where the path goes after an earlier page. A
    /// posted page number is checked with this before it is believed.
    pub fn is_page_start(&self, start: usize, answers: &Answers) -> bool {
        let mut at = Some(0);
        while let Some(s) = at {
            if s == start {
                return true;
            }
            if s > start {
                return false;
            }
            at = self.next_page(s, answers);
        }
        false
    }

    /// Checks the answers to the page starting at `start`: each must fit
    /// its question and a required one must be there.
    pub fn check_page(&self, start: usize, answers: &Answers) -> Result<(), ResponseError> {
        for q in &self.questions[self.page_at(start)] {
            match answers.get(&q.id).map(|a| check_answer(q, a)).transpose()?.flatten() {
                Some(_) => {}
                None if q.required => return Err(ResponseError::Missing(q.id.clone())),
                None => {}
            }
        }
        Ok(())
    }
}

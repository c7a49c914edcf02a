//! A plan or resolution, a village activity and a page post as a user types
//! them (issue 18): one check per record, used by its registration and by
//! its correction alike, returning a checked value the store writes.

use std::ops::Deref;

use chrono::Datelike;
use serde::Serialize;

use super::checks::{InputError, count, optional, required, year};
use super::document::DocumentKind;
use crate::Date;

/// A plan (target 2.2) or a thematic resolution (2.1) as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentFields {
    pub kind: DocumentKind,
    pub number: String,
    pub title: String,
    pub issued_on: Date,
    /// The year a plan is for; a resolution's is the year it was issued.
    pub year: i32,
}

/// [`DocumentFields`] that passed [`DocumentFields::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedDocument(DocumentFields);

impl Deref for CheckedDocument {
    type Target = DocumentFields;
    fn deref(&self) -> &DocumentFields {
        &self.0
    }
}

impl DocumentFields {
    /// Number and summary required, the year in range; a resolution counts
    /// for the year it was issued, whatever year was picked.
    pub fn check(&self) -> Result<CheckedDocument, InputError> {
        let number = required("number", &self.number)?;
        let title = required("summary", &self.title)?;
        let y = if self.kind == DocumentKind::Resolution { self.issued_on.year() } else { self.year };
        year("year", y)?;
        Ok(CheckedDocument(DocumentFields { kind: self.kind, number, title, issued_on: self.issued_on, year: y }))
    }
}

/// An awareness activity held in a village (target 2.6) as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityFields {
    pub held_on: Date,
    pub title: String,
    pub participants: Option<i64>,
}

/// [`ActivityFields`] that passed [`ActivityFields::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedActivity(ActivityFields);

impl Deref for CheckedActivity {
    type Target = ActivityFields;
    fn deref(&self) -> &ActivityFields {
        &self.0
    }
}

impl ActivityFields {
    /// What it was is required; the number attending is not negative.
    pub fn check(&self) -> Result<CheckedActivity, InputError> {
        let title = required("activity_title", &self.title)?;
        let participants = self.participants.map(|p| count("participants", p)).transpose()?;
        Ok(CheckedActivity(ActivityFields { held_on: self.held_on, title, participants }))
    }
}

/// A prevention post on a unit's official page (target 2.7) as typed; the
/// link was already read as an `http(s)` address ([`crate::link::HttpUrl`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostFields {
    pub posted_on: Date,
    pub title: String,
    pub url: Option<String>,
}

/// [`PostFields`] that passed [`PostFields::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedPost(PostFields);

impl Deref for CheckedPost {
    type Target = PostFields;
    fn deref(&self) -> &PostFields {
        &self.0
    }
}

impl PostFields {
    /// The post's title is required; an empty link is none.
    pub fn check(&self) -> Result<CheckedPost, InputError> {
        let title = required("post_title", &self.title)?;
        Ok(CheckedPost(PostFields { posted_on: self.posted_on, title, url: optional(self.url.as_deref()) }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::movement::checks::Problem;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_resolution_counts_for_the_year_it_was_issued() {
        let f = DocumentFields {
            kind: DocumentKind::Resolution,
            number: " 05-NQ/ĐU ".into(),
            title: "Nghị quyết chuyên đề".into(),
            issued_on: day("2025-03-04"),
            year: 2027,
        };
        let c = f.check().unwrap();
        assert_eq!((c.number.as_str(), c.year), ("05-NQ/ĐU", 2025));
        let plan = DocumentFields { kind: DocumentKind::Plan, ..f.clone() }.check().unwrap();
        assert_eq!(plan.year, 2027);
    }

    #[test]
    fn a_document_needs_its_number_and_summary() {
        let f = DocumentFields {
            kind: DocumentKind::Plan,
            number: " ".into(),
            title: "Kế hoạch".into(),
            issued_on: day("2026-01-02"),
            year: 2026,
        };
        assert_eq!(f.check().unwrap_err().field, "number");
        let f = DocumentFields { number: "01/KH".into(), title: String::new(), ..f };
        assert_eq!(f.check().unwrap_err().field, "summary");
        let f = DocumentFields { title: "Kế hoạch".into(), year: 1999, ..f };
        assert_eq!(f.check().unwrap_err().problem, Problem::YearOutOfRange);
    }

    #[test]
    fn activities_and_posts_are_checked_the_same_on_entry_and_correction() {
        let a = ActivityFields { held_on: day("2026-05-01"), title: "Tuyên truyền".into(), participants: Some(-1) };
        assert_eq!(a.check().unwrap_err().problem, Problem::Negative);
        let a = ActivityFields { participants: Some(40), ..a };
        assert_eq!(a.check().unwrap().participants, Some(40));
        let p = PostFields { posted_on: day("2026-05-01"), title: "  ".into(), url: None };
        assert_eq!(p.check().unwrap_err().field, "post_title");
        let p = PostFields { title: "Cảnh giác".into(), url: Some("  ".into()), ..p };
        assert_eq!(p.check().unwrap().url, None);
    }
}

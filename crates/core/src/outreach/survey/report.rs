//! The shape of survey results: the unit tree they are reported on, and the
//! figures, headings and per-unit reports that aggregation fills in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::org::UnitId;

use super::form::SurveyError;

/// The smallest group whose figures are published.
pub const DEFAULT_MIN_GROUP: usize = 5;

/// The units a report covers: a root and the units below it, each with its
/// parent. Responses may belong to any unit of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTree {
    pub(super) root: UnitId,
    pub(super) children: BTreeMap<UnitId, Vec<UnitId>>,
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

    pub(super) fn contains(&self, unit: UnitId) -> bool {
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

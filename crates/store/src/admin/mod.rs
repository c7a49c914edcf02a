//! Programme administration (SPEC M8): what people enter for the yearly
//! evaluations, the awards, the budget, the duties of Part 3 and the
//! communes' periodic reports, and the review reports assembled from live
//! data. The rules (criteria, bands, re-homing, completeness, the DOCX
//! layout) are in `khienmang_core::admin`; every change here is audited.

mod awards;
mod budget;
mod duties;
mod evaluations;
mod review;

pub use awards::{NominationFix, NominationRecord};
pub use budget::{BudgetRecord, BudgetSummary, LevelTotals};
pub use duties::{DutyReportRecord, PeriodReportRecord, reporting_units};
pub use evaluations::{EvaluationRecord, criteria_record_id, evaluation_record_id, unit_kind};
pub use review::review_data;

use khienmang_core::Date;

use crate::StoreError;

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::Invalid(message.into())
}

fn day(s: &str) -> crate::Result<Date> {
    crate::org::date(s)
}

//! Programme administration (SPEC M8): what the programme's secretariat (the
//! provincial police) and the steering committees do to run the programme
//! rather than the movement itself. It covers the yearly evaluation, scoring,
//! classification and ranking of villages, communes, agencies, enterprises and
//! schools and the awards that follow (Part 2, III.7.2–7.3); the budget by
//! level and spending line through estimate, allocation, spending and
//! settlement (Part 2, IV); the duties Part 3 assigns to 19 bodies, tracked as
//! tasks with deadlines and periodic reports; the two phases and their reviews
//! (Part 2, I.4); and the interim and final review reports generated from data
//! (Part 2, III.7.1). Everything here is pure: dates come in as arguments.

pub mod awards;
pub mod budget;
pub mod criteria;
pub mod duties;
pub mod evaluation;
pub mod phases;
pub mod review;

pub use awards::{AwardError, AwardKind, Nomination, NominationStatus, Nominee, RegisterEntry, register};
pub use budget::{
    BudgetEntry, BudgetError, BudgetLevel, BudgetRow, DISTRICT_LEVEL_END, DOCUMENT_PLAN, DOCUMENT_TOTAL, GroupBy,
    SpendingLine, Stage, Variance, document_plan_rows, format_dong, format_thousands, parse_dong, rehome, variance,
};
pub use criteria::{Bands, prefill_points};
pub use duties::{
    BODIES, Body, Completeness, DUTIES, DueRule, Duty, DutyState, PeriodKind, PeriodReport, ReportingPeriod,
    ReportingUnit, completeness, duty_state, overdue,
};
pub use evaluation::{
    Actor, Classification, CriteriaSet, Criterion, Evaluation, EvaluationError, EvaluationStatus, EvidenceLink,
    RankEntry, Ranked, Score, Total, UnitKind, default_criteria, rank, set_for, total,
};
pub use phases::{Phase, ReviewKind, phase_on};
pub use review::{
    BudgetSummaryRow, CommuneRow, CountTable, ReviewData, ReviewError, ReviewSettings, Section, TargetRow,
    review_annex_xlsx, review_docx,
};

use crate::Date;

/// A date from constant parts; an impossible date (never written here) falls
/// back to `NaiveDate::MIN` rather than panicking.
pub(crate) const fn ymd(year: i32, month: u32, day: u32) -> Date {
    match chrono::NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => chrono::NaiveDate::MIN,
    }
}

//! The duties of Part 3 ("Tổ chức thực hiện") as assigned tasks with
//! deadlines, the periods units report for, and completeness, timeliness and
//! overdue tracking.
//!
//! # The seed
//!
//! Part 3 names 19 bodies (items 1–19). [`DUTIES`] has one duty per bullet (or
//! per paragraph where an item has no bullets), with a short Vietnamese title
//! faithful to the text, except where one bullet carries different deadlines:
//! item 1's last bullet is split into the interim review, the final review and
//! the periodic report, and item 15's second bullet into supervision and the
//! village-covenant task "trong năm 2025". That gives 54 duties for bodies
//! 1–18. The document text stops at item 19's heading ("Đề nghị các cơ quan
//! Trung ương, các cơ quan thuộc Tỉnh ủy và các ban, ngành, đoàn thể tỉnh"),
//! so body 19 is seeded without duties.
//!
//! Deadlines: the document dates only the interim review (10/2027), the final
//! review (early 2031, read as 31/3/2031) and the covenant task (2025). Its
//! other duties are yearly or standing ("hằng năm", "thường xuyên"); they are
//! due each year by [`YEARLY_DUE`] (31/12) unless the steering committee sets
//! another date. "Định kỳ tổng hợp, báo cáo" (item 1) is read as quarterly.
//!
//! Item 18 (district People's Committees) ended with the district level on
//! 1/7/2025; which unit carries a duty on a date is the organisation tree's
//! business: the rates below take unit lifetimes and successors as data.
//!
//! # Completeness and timeliness
//!
//! For a [`ReportingPeriod`], a unit is *expected* iff it is active on the
//! period's last day. A report counts for the unit standing for its sender on
//! that day: the sender itself if active, otherwise its successor (followed
//! along the chain, e.g. village → merged village → …). A report that leads to
//! no expected unit (no successor, or a unit created after the period) is
//! counted as unattributed, not received. Each expected unit counts at most
//! once, with its earliest report, so received ≤ expected and on time ≤
//! received: the rates are in [0, 1] by construction, not by clamping.

mod deadlines;
mod periods;
mod seeds;

pub use deadlines::{DutyReport, DutyState, Overdue, duty_state, overdue};
pub use periods::{Completeness, PeriodKind, PeriodReport, ReportingPeriod, ReportingUnit, completeness, standing_for};
pub use seeds::{BODIES, Body, DUTIES, DueRule, Duty, YEARLY_DUE, body_by_code, duties_of, duty_by_code};

#[cfg(test)]
mod tests;

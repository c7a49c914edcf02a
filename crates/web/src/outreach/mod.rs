//! Outreach (SPEC M7): the public warnings and their feeds, campaigns
//! cascaded to initiatives, effectiveness surveys, and online contests.
//! Rules live in `khienmang_core::outreach`, storage in
//! `khienmang_store::outreach`.

pub mod campaign_items;
pub mod campaigns;
pub mod contests;
pub mod survey_builder;
pub mod surveys;
pub mod warning_corrections;
pub mod warnings;

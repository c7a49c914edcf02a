//! Outreach (SPEC M7): public warnings, campaigns and the initiatives'
//! sharing, surveys, and online contests.

pub mod campaigns;
pub mod contests;
pub mod surveys;
pub mod warnings;

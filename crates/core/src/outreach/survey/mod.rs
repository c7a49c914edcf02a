//! Effectiveness surveys ("khảo sát", document 7.4): what a survey asks, the
//! skip logic that decides which questions a respondent sees, the checks on a
//! response, the anonymous form a response is stored in, and results by unit
//! with small groups suppressed.
//!
//! # Suppression
//!
//! Results are published per unit of a [`ReportTree`] (the root and every
//! unit below it). A unit with 1 to K−1 respondents shows no figures at all,
//! and any count of 1 to K−1 people is shown as [`Figure::Suppressed`], never
//! as a number (K is [`DEFAULT_MIN_GROUP`] unless configured). A count of
//! zero is shown: it is about nobody.
//!
//! Suppressing a figure is useless if it can be worked back from the others
//! ("province minus the published communes"). Every figure is tied to others
//! by sums: a parent is the sum of its children, a question's answers add up
//! to the number who answered it, a scale's total is the weighted sum of its
//! counts. After the first round, an exact check (Gaussian elimination over
//! the integers) looks for any suppressed figure that these sums pin down,
//! and suppresses one more figure next to it (the smallest non-zero one
//! first), until none can be recovered. Questions asked of everyone have as
//! many answers as there are respondents, so they follow the respondent
//! counts; a question that skip logic can bypass hides its answer count
//! wherever the question that gates it has a hidden figure.
//!
//! What this does not protect against: reasoning from bounds ("this hidden
//! cell is between 1 and 4 and sums to 2 with that one"), and sums across
//! questions other than the ones above. Free-text answers are never
//! aggregated.

mod aggregate;
mod builder;
mod form;
mod paging;
mod report;
mod responses;
mod suppression;

pub use aggregate::*;
pub use builder::*;
pub use form::*;
pub use report::*;
pub use responses::*;

#[cfg(test)]
mod builder_tests;
#[cfg(test)]
mod tests;

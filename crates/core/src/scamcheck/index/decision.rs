//! Which of a link's matching expressions decides its verdict.

use super::entry::{IndicatorEntry, IndicatorState, UrlHit};
use super::expressions::Expression;
use super::key::{IndicatorKey, IndicatorKind};

/// Of the expressions of one link and what the index holds for each, the
/// one that decides the verdict:
///
/// 1. A verified scam wins unless an official entry is listed on a more
///    specific expression (an official page carved out of a domain
///    marked as scam on purpose); a verified scam on a more specific
///    expression than an official one still wins ("sites.example/"
///    official, "sites.example/phish/" verified: warn).
/// 2. Otherwise an official entry wins over any reported or disputed one.
/// 3. Otherwise the most severe (Disputed > Reported).
///
/// Among equals the most specific expression is returned: longer host
/// first, then longer path (a path with its query is longer than the
/// path, which is longer than its directory prefixes).
pub(super) fn decide(expressions: &[Expression<'_>], found: &[Option<IndicatorEntry>]) -> Option<UrlHit> {
    let mut best: Option<(Expression<'_>, IndicatorEntry)> = None;
    let mut official: Option<(Expression<'_>, IndicatorEntry)> = None;
    for (&expression, entry) in expressions.iter().zip(found) {
        let Some(entry) = *entry else { continue };
        let slot = if entry.state == IndicatorState::Official { &mut official } else { &mut best };
        let better = slot.as_ref().is_none_or(|(current, e)| {
            (entry.state.severity(), expression.specificity()) > (e.state.severity(), current.specificity())
        });
        if better {
            *slot = Some((expression, entry));
        }
    }
    let decided = match (best, official) {
        (Some((b, entry)), Some((o, _)))
            if entry.state == IndicatorState::Verified && b.specificity() > o.specificity() =>
        {
            Some((b, entry))
        }
        (_, Some(o)) => Some(o),
        (b, None) => b,
    };
    decided.map(|(e, entry)| UrlHit { expression: IndicatorKey { kind: IndicatorKind::Url, text: e.text() }, entry })
}

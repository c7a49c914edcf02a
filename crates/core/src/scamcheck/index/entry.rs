//! What the index holds per indicator (state, category, dates, database row)
//! and what a link check returns.

use crate::Date;

use super::key::IndicatorKey;
use super::table::ENTRY_BYTES;

/// Where an indicator stands. A withdrawn or expired indicator is not in
/// the index at all: the caller removes it ([`IndicatorIndex::remove`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndicatorState {
    /// Reported by citizens, not yet reviewed.
    Reported,
    /// Reviewed, and the owner (or another reviewer) contests it.
    Disputed,
    /// Confirmed by a moderator as used in scams.
    Verified,
    /// Belongs to an official body or bank (the whitelist).
    Official,
}

impl IndicatorState {
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorState::Reported => "reported",
            IndicatorState::Disputed => "disputed",
            IndicatorState::Verified => "verified",
            IndicatorState::Official => "official",
        }
    }

    /// How strongly a hit warns: Verified > Disputed > Reported; Official
    /// does not warn (0).
    pub fn severity(self) -> u8 {
        match self {
            IndicatorState::Official => 0,
            IndicatorState::Reported => 1,
            IndicatorState::Disputed => 2,
            IndicatorState::Verified => 3,
        }
    }

    fn code(self) -> u8 {
        match self {
            IndicatorState::Reported => 1,
            IndicatorState::Disputed => 2,
            IndicatorState::Verified => 3,
            IndicatorState::Official => 4,
        }
    }

    /// Only codes written by [`IndicatorState::code`] are ever read; an
    /// unknown one (impossible) reads as the mildest warning.
    fn from_code(code: u8) -> Self {
        match code {
            2 => IndicatorState::Disputed,
            3 => IndicatorState::Verified,
            4 => IndicatorState::Official,
            _ => IndicatorState::Reported,
        }
    }
}

/// What the index holds per indicator; the full evidence stays in the
/// database row `row_id`.
///
/// Dates are day numbers: days since 2020-01-01 (day 0), which reach the
/// year 2199 in a `u16` ([`IndicatorEntry::day`], [`IndicatorEntry::date`]).
/// `expires` is [`IndicatorEntry::NEVER`] when the indicator does not expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndicatorEntry {
    pub state: IndicatorState,
    /// A category code the store defines (kind of scam); opaque here.
    pub category: u8,
    /// Citizens' reports, saturating at `u16::MAX`.
    pub reports: u16,
    pub first_seen: u16,
    pub last_seen: u16,
    pub expires: u16,
    pub row_id: u32,
}

/// 2020-01-01 as days from 0001-01-01 (chrono's "days from CE").
const DAY_ZERO_FROM_CE: i32 = 737_425;

impl IndicatorEntry {
    /// `expires` of an indicator that does not expire.
    pub const NEVER: u16 = u16::MAX;

    /// The day number of `date`, clamped to 0..=`u16::MAX - 1` (the last
    /// value means "never").
    pub fn day(date: Date) -> u16 {
        use chrono::Datelike;
        let days = date.num_days_from_ce() - DAY_ZERO_FROM_CE;
        days.clamp(0, i32::from(u16::MAX - 1)) as u16
    }

    /// The date of a day number (`None` for [`IndicatorEntry::NEVER`]).
    pub fn date(day: u16) -> Option<Date> {
        if day == Self::NEVER {
            return None;
        }
        Date::from_num_days_from_ce_opt(DAY_ZERO_FROM_CE + i32::from(day))
    }

    /// Adds one report, saturating.
    pub fn add_report(&mut self) {
        self.reports = self.reports.saturating_add(1);
    }

    pub fn is_expired(&self, today: u16) -> bool {
        self.expires != Self::NEVER && self.expires < today
    }

    pub(super) fn encode(&self, out: &mut [u8; ENTRY_BYTES]) {
        out[0] = self.state.code();
        out[1] = self.category;
        out[2..4].copy_from_slice(&self.reports.to_le_bytes());
        out[4..6].copy_from_slice(&self.first_seen.to_le_bytes());
        out[6..8].copy_from_slice(&self.last_seen.to_le_bytes());
        out[8..10].copy_from_slice(&self.expires.to_le_bytes());
        out[10..14].copy_from_slice(&self.row_id.to_le_bytes());
    }

    pub(super) fn decode(b: &[u8; ENTRY_BYTES]) -> Self {
        let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
        IndicatorEntry {
            state: IndicatorState::from_code(b[0]),
            category: b[1],
            reports: u16_at(2),
            first_seen: u16_at(4),
            last_seen: u16_at(6),
            expires: u16_at(8),
            row_id: u32::from_le_bytes([b[10], b[11], b[12], b[13]]),
        }
    }
}

/// What [`IndicatorIndex::check_url`] found: the expression that decided
/// the verdict (a key of kind [`IndicatorKind::Url`], e.g. "evil.com/login")
/// and its entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlHit {
    pub expression: IndicatorKey,
    pub entry: IndicatorEntry,
}

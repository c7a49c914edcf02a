//! Ranking: the order of entries (score, prediction, time, submission), each
//! person's best attempt, and the leaderboard of units.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::org::UnitId;

use super::entrants::PersonKey;

/// An entry's identity; the last tie-break, so no two entries rank equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(pub i64);

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A graded, accepted attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    pub person: PersonKey,
    /// The name the entrant gave, for the leaderboard and the export.
    pub name: String,
    /// The unit (commune, agency, school…) the entrant chose to represent.
    pub unit: Option<UnitId>,
    /// Correct answers ([`Grade::correct`]).
    pub score: u32,
    /// How many people the entrant predicts will answer every question
    /// correctly; `None` when they skipped the prediction question.
    pub prediction: Option<u64>,
    /// [`Attempt::time_taken`] in milliseconds.
    pub time_taken_ms: u64,
    /// When the server received the submission.
    pub submitted_at: DateTime<Utc>,
}

/// |prediction − actual|; `None` when there was no prediction, which ranks
/// after every prediction.
pub fn closeness(prediction: Option<u64>, actual_all_correct: u64) -> Option<u64> {
    prediction.map(|p| p.abs_diff(actual_all_correct))
}

/// The contest order: score (higher first), prediction closeness (closer
/// first, none last), time taken (shorter first), submission (earlier
/// first), then entry id. Entry ids are unique, so this is a total order
/// and the ranking does not depend on the order entries are listed in.
pub fn rank_order(a: &Entry, b: &Entry, actual_all_correct: u64) -> Ordering {
    let close = |e: &Entry| closeness(e.prediction, actual_all_correct).unwrap_or(u64::MAX);
    let missing = |e: &Entry| e.prediction.is_none();
    b.score
        .cmp(&a.score)
        .then_with(|| missing(a).cmp(&missing(b)))
        .then_with(|| close(a).cmp(&close(b)))
        .then_with(|| a.time_taken_ms.cmp(&b.time_taken_ms))
        .then_with(|| a.submitted_at.cmp(&b.submitted_at))
        .then_with(|| a.id.cmp(&b.id))
}

/// A place on the leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    /// 1, 2, 3, …: the tie-breaks leave no ties.
    pub rank: usize,
    /// [`closeness`] of the entry's prediction.
    pub closeness: Option<u64>,
    pub entry: Entry,
}

/// Ranks entries (normally [`best_per_person`]'s) by [`rank_order`].
pub fn rank(entries: &[Entry], actual_all_correct: u64) -> Vec<Ranked> {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| rank_order(a, b, actual_all_correct));
    sorted
        .into_iter()
        .enumerate()
        .map(|(i, e)| Ranked { rank: i + 1, closeness: closeness(e.prediction, actual_all_correct), entry: e.clone() })
        .collect()
}

/// The answer to the prediction question: how many *people* answered every
/// question correctly in at least one attempt.
pub fn all_correct_count(entries: &[Entry], question_count: u32) -> u64 {
    let people: BTreeSet<&PersonKey> =
        entries.iter().filter(|e| question_count > 0 && e.score >= question_count).map(|e| &e.person).collect();
    people.len() as u64
}

/// Each person's best entry by [`rank_order`]: only that one is ranked.
pub fn best_per_person(entries: &[Entry], actual_all_correct: u64) -> Vec<Entry> {
    let mut best: BTreeMap<&PersonKey, &Entry> = BTreeMap::new();
    for e in entries {
        match best.get(&e.person) {
            Some(b) if rank_order(b, e, actual_all_correct) != Ordering::Greater => {}
            _ => {
                best.insert(&e.person, e);
            }
        }
    }
    best.into_values().cloned().collect()
}

/// How many people of a unit may take part (its staff, pupils or
/// residents, as the organisers set it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPopulation {
    pub unit: UnitId,
    pub eligible: u64,
}

/// A unit's line on the unit leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitStanding {
    pub rank: usize,
    pub unit: UnitId,
    /// Distinct people who entered for the unit.
    pub participants: u64,
    pub eligible: Option<u64>,
    /// participants / eligible, at most 1; `None` ("no data", not 0%) when
    /// the eligible population is unknown or zero.
    pub participation: Option<f64>,
    /// Mean of each participant's best score; `None` without participants.
    pub average_score: Option<f64>,
}

/// Units ranked by participation rate, then average score (each unknown
/// last), then participants, then unit id. Every unit with a population
/// or an entry is listed; a person counts once per unit, with their best
/// score.
pub fn unit_leaderboard(entries: &[Entry], populations: &[UnitPopulation]) -> Vec<UnitStanding> {
    let mut eligible: BTreeMap<UnitId, u64> = BTreeMap::new();
    for p in populations {
        eligible.insert(p.unit, p.eligible);
    }
    let mut best: BTreeMap<UnitId, BTreeMap<&PersonKey, u32>> = BTreeMap::new();
    for e in entries {
        let Some(unit) = e.unit else { continue };
        let score = best.entry(unit).or_default().entry(&e.person).or_insert(e.score);
        *score = (*score).max(e.score);
    }
    let units: BTreeSet<UnitId> = eligible.keys().chain(best.keys()).copied().collect();
    let mut standings: Vec<UnitStanding> = units
        .into_iter()
        .map(|unit| {
            let people = best.get(&unit);
            let participants = people.map_or(0, |p| p.len() as u64);
            let population = eligible.get(&unit).copied();
            let participation = population.filter(|&n| n > 0).map(|n| participants.min(n) as f64 / n as f64);
            let average_score = people
                .filter(|p| !p.is_empty())
                .map(|p| p.values().map(|&s| f64::from(s)).sum::<f64>() / p.len() as f64);
            UnitStanding { rank: 0, unit, participants, eligible: population, participation, average_score }
        })
        .collect();
    let known_first = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    standings.sort_by(|a, b| {
        known_first(a.participation, b.participation)
            .then_with(|| known_first(a.average_score, b.average_score))
            .then_with(|| b.participants.cmp(&a.participants))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    for (i, s) in standings.iter_mut().enumerate() {
        s.rank = i + 1;
    }
    standings
}

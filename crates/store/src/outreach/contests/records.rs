//! Contest records as stored: contests, bank questions, units, prizes, staff,
//! attempts and answer sheets, and the rows they are read from.

use std::collections::BTreeSet;

use khienmang_core::org::UnitId;
use khienmang_core::outreach::contest::{
    Attempt, AttemptPolicy, ContestRules, Draw, Period, PersonKey, Question, QuestionId, Quota,
};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Result;

use super::keys::invalid;
use crate::db::read_instant;

/// A contest as stored.
#[derive(Debug, Clone, Serialize)]
pub struct ContestRecord {
    pub id: i64,
    pub rules: ContestRules,
    pub organiser: UnitId,
    pub description: String,
    pub prediction_question: String,
    pub use_shared_bank: bool,
    /// Set when the organisers closed the results.
    pub actual_all_correct: Option<u64>,
    pub closed_at: Option<String>,
    pub created_at: String,
    /// Voided before it opened (entered by mistake): gone from every
    /// public page, kept for its history.
    pub voided: Option<crate::movement::Voided>,
}

/// What the organisers fill in to create a contest.
#[derive(Debug, Clone)]
pub struct NewContest {
    pub rules: ContestRules,
    pub organiser: UnitId,
    pub description: String,
    pub prediction_question: String,
    pub use_shared_bank: bool,
}

pub(super) const CONTEST_COLUMNS: &str = "id, title, description, organiser_unit_id, opens_at, closes_at, question_count, quotas, \
     time_limit_secs, max_attempts, attempt_period, prediction_question, use_shared_bank, actual_all_correct, \
     closed_at, created_at, voided_at, voided_by, void_reason";

pub(super) fn contest_record(r: &AnyRow) -> Result<ContestRecord> {
    let quotas: Vec<Quota> = serde_json::from_str(&r.try_get::<String, _>("quotas")?)
        .map_err(|_| invalid("số câu theo lĩnh vực của cuộc thi bị hỏng"))?;
    let period = Period::parse(&r.try_get::<String, _>("attempt_period")?).unwrap_or(Period::Contest);
    let count = |name: &str| -> Result<i64> { Ok(r.try_get::<i64, _>(name)?) };
    Ok(ContestRecord {
        id: r.try_get("id")?,
        rules: ContestRules {
            title: r.try_get("title")?,
            opens_at: read_instant(&r.try_get::<String, _>("opens_at")?)?,
            closes_at: read_instant(&r.try_get::<String, _>("closes_at")?)?,
            question_count: usize::try_from(count("question_count")?).unwrap_or(0),
            quotas,
            time_limit_secs: u32::try_from(count("time_limit_secs")?).unwrap_or(0),
            attempts: AttemptPolicy { max_attempts: u32::try_from(count("max_attempts")?).unwrap_or(0), period },
        },
        organiser: UnitId(r.try_get("organiser_unit_id")?),
        description: r.try_get("description")?,
        prediction_question: r.try_get("prediction_question")?,
        use_shared_bank: count("use_shared_bank")? != 0,
        actual_all_correct: r.try_get::<Option<i64>, _>("actual_all_correct")?.and_then(|v| u64::try_from(v).ok()),
        closed_at: r.try_get("closed_at")?,
        created_at: r.try_get("created_at")?,
        voided: crate::movement::corrections::voided_of(r)?,
    })
}

/// A question of a contest's bank as the organisers see it.
#[derive(Debug, Clone, Serialize)]
pub struct BankQuestion {
    pub question: Question,
    /// In the shared bank rather than the contest's own.
    pub shared: bool,
    /// Still drawn; a retired question only grades the attempts that drew it.
    pub active: bool,
}

pub(super) fn bank_question(r: &AnyRow) -> Result<BankQuestion> {
    let choices: Vec<String> = serde_json::from_str(&r.try_get::<String, _>("choices")?)
        .map_err(|_| invalid("phương án trả lời lưu trong cơ sở dữ liệu bị hỏng"))?;
    Ok(BankQuestion {
        question: Question {
            id: QuestionId(r.try_get("id")?),
            category: r.try_get("category")?,
            text: r.try_get("text")?,
            choices,
            correct: usize::try_from(r.try_get::<i64, _>("correct")?).unwrap_or(usize::MAX),
        },
        shared: r.try_get::<Option<i64>, _>("contest_id")?.is_none(),
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

/// A unit entrants may represent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ContestUnit {
    pub unit: UnitId,
    /// People of the unit who may take part; `None` when unknown.
    pub eligible: Option<u64>,
}

/// A prize by places on the leaderboard.
#[derive(Debug, Clone, Serialize)]
pub struct PrizeRecord {
    pub id: i64,
    pub rank_from: usize,
    pub rank_to: usize,
    pub title: String,
    pub reward: String,
}

/// A staff member of an organising body, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct StaffRecord {
    pub masked: String,
    pub added_by: String,
    pub added_at: String,
}

/// An attempt as stored.
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    pub id: i64,
    pub contest: i64,
    pub person_hash: String,
    pub masked: String,
    pub name: String,
    pub unit: Option<UnitId>,
    pub token_hash: String,
    pub draw: Draw,
    pub window: Attempt,
    pub submitted: bool,
    /// The number sealed with the field key ([`EntrantKeys::open`]).
    pub sealed: Vec<u8>,
}

pub(super) const ATTEMPT_COLUMNS: &str = "id, contest_id, person_hash, person_masked, name, unit_id, token_hash, draw, started_at, \
     deadline, submitted_at, person_sealed";

pub(super) fn attempt_record(r: &AnyRow) -> Result<AttemptRecord> {
    Ok(AttemptRecord {
        id: r.try_get("id")?,
        contest: r.try_get("contest_id")?,
        person_hash: r.try_get("person_hash")?,
        masked: r.try_get("person_masked")?,
        name: r.try_get("name")?,
        unit: r.try_get::<Option<i64>, _>("unit_id")?.map(UnitId),
        token_hash: r.try_get("token_hash")?,
        draw: Draw::decode(&r.try_get::<String, _>("draw")?).ok_or_else(|| invalid("đề thi lưu trữ bị hỏng"))?,
        window: Attempt {
            started_at: read_instant(&r.try_get::<String, _>("started_at")?)?,
            deadline: read_instant(&r.try_get::<String, _>("deadline")?)?,
        },
        submitted: r.try_get::<Option<String>, _>("submitted_at")?.is_some(),
        sealed: r.try_get("person_sealed")?,
    })
}

/// The answer sheet recorded for an attempt.
#[derive(Debug, Clone, Serialize)]
pub struct SheetRecord {
    pub entry: i64,
    pub score: u32,
    pub total: u32,
    pub prediction: Option<u64>,
    pub time_taken_ms: u64,
    pub received_at: String,
    pub counted: bool,
    pub late_by_ms: Option<i64>,
    /// The displayed positions picked, question by question in the draw's
    /// order (`None` for a blank), for the entrant's review once the
    /// contest has closed.
    pub answers: Vec<Option<usize>>,
}

/// Attempts started and sheets received for a contest.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ContestCounts {
    pub attempts: i64,
    pub counted: i64,
    pub late: i64,
    pub people: i64,
}

/// A new attempt: its id, the secret the entrant holds, the questions and
/// the window.
#[derive(Debug, Clone)]
pub struct StartedAttempt {
    pub id: i64,
    pub token: String,
    pub draw: Draw,
    pub window: Attempt,
}

/// An entrant whose number was verified (by a one-time code) by the caller.
#[derive(Debug, Clone)]
pub struct VerifiedEntrant {
    pub person: PersonKey,
    pub name: String,
    pub unit: Option<UnitId>,
}

/// What starting attempts needs to know of a contest, read before the
/// write transaction (which then only reads through its own connection).
#[derive(Debug, Clone)]
pub struct AttemptSetup {
    pub contest: ContestRecord,
    /// The units entrants may represent.
    pub units: BTreeSet<UnitId>,
    /// The questions still drawn.
    pub bank: Vec<Question>,
}

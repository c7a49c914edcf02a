//! Reads of contests for their pages: settings, bank, units, prizes, staff,
//! one attempt or sheet, the counts and the entries.

use khienmang_core::org::UnitId;
use khienmang_core::outreach::contest::{Entry, EntryId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::records::ATTEMPT_COLUMNS;
use super::records::CONTEST_COLUMNS;

use crate::{Result, Store};

use super::keys::{EntrantKeys, u64_of};
use super::records::{
    AttemptRecord, BankQuestion, ContestCounts, ContestRecord, ContestUnit, PrizeRecord, SheetRecord, StaffRecord,
    attempt_record, bank_question, contest_record,
};
use crate::db::read_instant;

impl Store {
    /// Every contest not voided, the latest to open first.
    pub async fn contests(&self) -> Result<Vec<ContestRecord>> {
        let sql =
            format!("SELECT {CONTEST_COLUMNS} FROM contests WHERE voided_at IS NULL ORDER BY opens_at DESC, id DESC");
        sqlx::query(&sql).fetch_all(self.pool()).await?.iter().map(contest_record).collect()
    }

    /// A contest not voided: what citizens and the live boards reach.
    pub async fn contest(&self, id: i64) -> Result<Option<ContestRecord>> {
        let sql = format!("SELECT {CONTEST_COLUMNS} FROM contests WHERE id = $1 AND voided_at IS NULL");
        sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await?.as_ref().map(contest_record).transpose()
    }

    /// Every contest, voided ones included: the organisers' list.
    pub async fn contests_for_staff(&self) -> Result<Vec<ContestRecord>> {
        let sql = format!("SELECT {CONTEST_COLUMNS} FROM contests ORDER BY opens_at DESC, id DESC");
        sqlx::query(&sql).fetch_all(self.pool()).await?.iter().map(contest_record).collect()
    }

    /// A contest, voided or not: the organisers' page (to restore it).
    pub async fn contest_for_staff(&self, id: i64) -> Result<Option<ContestRecord>> {
        let sql = format!("SELECT {CONTEST_COLUMNS} FROM contests WHERE id = $1");
        sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await?.as_ref().map(contest_record).transpose()
    }

    /// The contest's own questions and, if it uses it, the shared bank;
    /// retired questions included (they grade old attempts).
    pub async fn contest_bank(&self, contest: &ContestRecord) -> Result<Vec<BankQuestion>> {
        let sql = if contest.use_shared_bank {
            "SELECT id, contest_id, category, text, choices, correct, active FROM contest_questions \
             WHERE contest_id = $1 OR contest_id IS NULL ORDER BY id"
        } else {
            "SELECT id, contest_id, category, text, choices, correct, active FROM contest_questions \
             WHERE contest_id = $1 ORDER BY id"
        };
        sqlx::query(sql).bind(contest.id).fetch_all(self.pool()).await?.iter().map(bank_question).collect()
    }

    pub async fn contest_units(&self, contest: i64) -> Result<Vec<ContestUnit>> {
        let rows = sqlx::query("SELECT unit_id, eligible FROM contest_units WHERE contest_id = $1 ORDER BY unit_id")
            .bind(contest)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ContestUnit {
                    unit: UnitId(r.try_get("unit_id")?),
                    eligible: r.try_get::<Option<i64>, _>("eligible")?.map(u64_of),
                })
            })
            .collect()
    }

    pub async fn contest_prizes(&self, contest: i64) -> Result<Vec<PrizeRecord>> {
        let rows = sqlx::query(
            "SELECT id, rank_from, rank_to, title, reward FROM contest_prizes WHERE contest_id = $1 \
             ORDER BY rank_from, id",
        )
        .bind(contest)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PrizeRecord {
                    id: r.try_get("id")?,
                    rank_from: usize::try_from(r.try_get::<i64, _>("rank_from")?).unwrap_or(0),
                    rank_to: usize::try_from(r.try_get::<i64, _>("rank_to")?).unwrap_or(0),
                    title: r.try_get("title")?,
                    reward: r.try_get("reward")?,
                })
            })
            .collect()
    }

    /// The organising body's staff list (masked numbers only).
    pub async fn contest_staff(&self, unit: UnitId) -> Result<Vec<StaffRecord>> {
        let rows = sqlx::query(
            "SELECT person_masked, added_by, added_at FROM contest_staff WHERE unit_id = $1 ORDER BY added_at, person_masked",
        )
        .bind(unit.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StaffRecord {
                    masked: r.try_get("person_masked")?,
                    added_by: r.try_get("added_by")?,
                    added_at: r.try_get("added_at")?,
                })
            })
            .collect()
    }

    pub async fn contest_attempt(&self, id: i64) -> Result<Option<AttemptRecord>> {
        let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM contest_attempts WHERE id = $1");
        sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await?.as_ref().map(attempt_record).transpose()
    }

    /// The sheet recorded for an attempt, if any.
    pub async fn contest_sheet(&self, attempt: i64) -> Result<Option<SheetRecord>> {
        let row = sqlx::query(
            "SELECT id, score, question_total, prediction, time_taken_ms, received_at, counted, late_by_ms, answers \
             FROM contest_entries WHERE attempt_id = $1",
        )
        .bind(attempt)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(SheetRecord {
                entry: r.try_get("id")?,
                score: u32::try_from(r.try_get::<i64, _>("score")?).unwrap_or(0),
                total: u32::try_from(r.try_get::<i64, _>("question_total")?).unwrap_or(0),
                prediction: r.try_get::<Option<i64>, _>("prediction")?.map(u64_of),
                time_taken_ms: u64_of(r.try_get("time_taken_ms")?),
                received_at: r.try_get("received_at")?,
                counted: r.try_get::<i64, _>("counted")? != 0,
                late_by_ms: r.try_get("late_by_ms")?,
                // A sheet written by an older version without answers reviews as blank.
                answers: serde_json::from_str(&r.try_get::<String, _>("answers")?).unwrap_or_default(),
            })
        })
        .transpose()
    }

    pub async fn contest_counts(&self, contest: i64) -> Result<ContestCounts> {
        let attempts: i64 =
            sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM contest_attempts WHERE contest_id = $1")
                .bind(contest)
                .fetch_one(self.pool())
                .await?;
        let people: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(DISTINCT person_hash) AS BIGINT) FROM contest_attempts WHERE contest_id = $1",
        )
        .bind(contest)
        .fetch_one(self.pool())
        .await?;
        let rows = sqlx::query(
            "SELECT counted, CAST(COUNT(*) AS BIGINT) AS n FROM contest_entries WHERE contest_id = $1 GROUP BY counted",
        )
        .bind(contest)
        .fetch_all(self.pool())
        .await?;
        let mut counts = ContestCounts { attempts, people, ..Default::default() };
        for r in rows {
            let n: i64 = r.try_get("n")?;
            if r.try_get::<i64, _>("counted")? != 0 {
                counts.counted = n;
            } else {
                counts.late = n;
            }
        }
        Ok(counts)
    }

    /// Every counted entry of a contest with the entrant's number opened:
    /// what the organisers' result sheet is ranked from.
    pub async fn contest_entries(&self, keys: &EntrantKeys, contest: i64) -> Result<Vec<Entry>> {
        let rows = sqlx::query(
            "SELECT e.id, e.score, e.prediction, e.time_taken_ms, e.received_at, a.person_sealed, a.name, a.unit_id \
             FROM contest_entries e JOIN contest_attempts a ON a.id = e.attempt_id \
             WHERE e.contest_id = $1 AND e.counted = 1 ORDER BY e.id",
        )
        .bind(contest)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| entry_of(keys, r)).collect()
    }
}

pub(super) fn entry_of(keys: &EntrantKeys, r: &AnyRow) -> Result<Entry> {
    Ok(Entry {
        id: EntryId(r.try_get("id")?),
        person: keys.open(&r.try_get::<Vec<u8>, _>("person_sealed")?)?,
        name: r.try_get("name")?,
        unit: r.try_get::<Option<i64>, _>("unit_id")?.map(UnitId),
        score: u32::try_from(r.try_get::<i64, _>("score")?).unwrap_or(0),
        prediction: r.try_get::<Option<i64>, _>("prediction")?.map(u64_of),
        time_taken_ms: u64_of(r.try_get("time_taken_ms")?),
        submitted_at: read_instant(&r.try_get::<String, _>("received_at")?)?,
    })
}

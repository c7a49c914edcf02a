//! The organisers' writes, each audited: contests, their question banks,
//! units, staff lists and prizes, closing the results and logging exports.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use khienmang_core::org::UnitId;
use khienmang_core::outreach::contest::{PersonKey, Question, QuestionId, validate_bank};
use serde_json::json;
use sqlx::Row;

use crate::db::{Val, bulk_insert, bulk_insert_returning};
use crate::{Result, StoreError, WriteTx};

use super::keys::{EntrantKeys, GENERATION, MAX_NAME_CHARS, i64_of, invalid};
use super::records::{ContestRecord, ContestUnit, NewContest};
use khienmang_core::time::Timestamp;

/// A name as shown on the leaderboard: trimmed, single spaces, not empty.
pub fn clean_name(name: &str) -> Result<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(invalid("Hãy nhập họ và tên để ghi trên bảng xếp hạng."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(format!("Họ và tên dài quá {MAX_NAME_CHARS} ký tự.")));
    }
    Ok(name)
}

impl WriteTx {
    async fn bump_contests(&mut self) -> Result<()> {
        self.bump_generation(GENERATION).await.map(|_| ())
    }

    /// Creates a contest (its settings checked by core).
    pub async fn create_contest(&mut self, c: &NewContest) -> Result<i64> {
        c.rules.validate().map_err(|e| invalid(e.message_vi()))?;
        if c.prediction_question.trim().is_empty() {
            return Err(invalid("Cần nêu câu hỏi dự đoán (ví dụ: có bao nhiêu người trả lời đúng tất cả các câu?)."));
        }
        let quotas = serde_json::to_string(&c.rules.quotas).map_err(|e| invalid(e.to_string()))?;
        let now = self.stamp();
        let id = self
            .insert_returning_id(
                "INSERT INTO contests (title, description, organiser_unit_id, opens_at, closes_at, question_count, \
                 quotas, time_limit_secs, max_attempts, attempt_period, prediction_question, use_shared_bank, \
                 created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                vec![
                    Val::S(Some(c.rules.title.trim().to_owned())),
                    Val::S(Some(c.description.trim().to_owned())),
                    Val::I(Some(c.organiser.0)),
                    Val::S(Some(Timestamp::from(c.rules.opens_at).stored_millis())),
                    Val::S(Some(Timestamp::from(c.rules.closes_at).stored_millis())),
                    Val::I(Some(i64::try_from(c.rules.question_count).unwrap_or(i64::MAX))),
                    Val::S(Some(quotas)),
                    Val::I(Some(i64::from(c.rules.time_limit_secs))),
                    Val::I(Some(i64::from(c.rules.attempts.max_attempts))),
                    Val::S(Some(c.rules.attempts.period.as_str().to_owned())),
                    Val::S(Some(c.prediction_question.trim().to_owned())),
                    Val::I(Some(i64::from(c.use_shared_bank))),
                    Val::S(Some(self.actor.clone())),
                    Val::S(Some(now.clone())),
                    Val::S(Some(now)),
                ],
            )
            .await?;
        self.audit(
            "contest.create",
            &format!("contest:{id}"),
            &json!({
                "title": c.rules.title.trim(), "organiser": c.organiser.0,
                "opens_at": Timestamp::from(c.rules.opens_at).stored_millis(), "closes_at": Timestamp::from(c.rules.closes_at).stored_millis(),
                "questions": c.rules.question_count, "time_limit_secs": c.rules.time_limit_secs,
                "attempts": c.rules.attempts.max_attempts, "period": c.rules.attempts.period.as_str(),
            }),
        )
        .await?;
        self.bump_contests().await?;
        Ok(id)
    }

    /// Adds questions to a contest's bank (`None`: the shared bank). Ids
    /// given are ignored; the bank numbers them.
    pub async fn add_contest_questions(&mut self, contest: Option<i64>, questions: &[Question]) -> Result<Vec<i64>> {
        if questions.is_empty() {
            return Err(invalid("Không có câu hỏi nào để thêm."));
        }
        let mut renumbered = questions.to_vec();
        for (i, q) in renumbered.iter_mut().enumerate() {
            q.id = QuestionId(i as i64 + 1);
        }
        validate_bank(&renumbered).map_err(|e| invalid(e.message_vi()))?;
        let now = self.stamp();
        let mut rows = Vec::with_capacity(questions.len());
        for q in questions {
            rows.push(vec![
                Val::I(contest),
                Val::S(Some(q.category.trim().to_owned())),
                Val::S(Some(q.text.trim().to_owned())),
                Val::S(Some(serde_json::to_string(&q.choices).map_err(|e| invalid(e.to_string()))?)),
                Val::I(Some(q.correct as i64)),
                Val::I(Some(1)),
                Val::S(Some(self.actor.clone())),
                Val::S(Some(now.clone())),
            ]);
        }
        let inserted = bulk_insert_returning(
            self,
            "contest_questions",
            &["contest_id", "category", "text", "choices", "correct", "active", "created_by", "created_at"],
            rows,
            Some("id"),
        )
        .await?;
        let mut ids: Vec<i64> = inserted.iter().map(|r| r.try_get::<i64, _>(0)).collect::<Result<_, _>>()?;
        ids.sort_unstable();
        let object = contest.map_or_else(|| "contest-bank:shared".to_owned(), |c| format!("contest:{c}"));
        self.audit("contest.questions_add", &object, &json!({"questions": ids})).await?;
        self.bump_contests().await?;
        Ok(ids)
    }

    /// Retires a question: no longer drawn, still grading the attempts that drew it.
    pub async fn retire_contest_question(&mut self, contest: i64, question: i64) -> Result<()> {
        let done = sqlx::query(
            "UPDATE contest_questions SET active = 0 WHERE id = $1 AND (contest_id = $2 OR contest_id IS NULL)",
        )
        .bind(question)
        .bind(contest)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit("contest.question_retire", &format!("contest:{contest}"), &json!({"question": question})).await?;
        self.bump_contests().await
    }

    /// Replaces the units entrants may represent and their populations.
    pub async fn set_contest_units(&mut self, contest: i64, units: &[ContestUnit]) -> Result<()> {
        sqlx::query("DELETE FROM contest_units WHERE contest_id = $1").bind(contest).execute(self.conn()).await?;
        let mut seen = BTreeSet::new();
        let rows: Vec<Vec<Val>> = units
            .iter()
            .filter(|u| seen.insert(u.unit))
            .map(|u| vec![Val::I(Some(contest)), Val::I(Some(u.unit.0)), Val::I(u.eligible.map(i64_of))])
            .collect();
        let n = rows.len();
        bulk_insert(self, "contest_units", &["contest_id", "unit_id", "eligible"], rows).await?;
        self.audit("contest.units", &format!("contest:{contest}"), &json!({"units": n})).await?;
        self.bump_contests().await
    }

    /// Adds numbers to the organising body's staff list (hashed; numbers
    /// already listed are skipped). Returns how many were added.
    pub async fn add_contest_staff(&mut self, keys: &EntrantKeys, unit: UnitId, people: &[PersonKey]) -> Result<usize> {
        let existing: BTreeSet<String> = sqlx::query_scalar("SELECT person_hash FROM contest_staff WHERE unit_id = $1")
            .bind(unit.0)
            .fetch_all(self.conn())
            .await?
            .into_iter()
            .collect();
        let now = self.stamp();
        let mut seen = existing;
        let mut rows = Vec::new();
        let mut masked = Vec::new();
        for p in people {
            let hash = keys.hash(p);
            if seen.insert(hash.clone()) {
                masked.push(p.masked());
                rows.push(vec![
                    Val::I(Some(unit.0)),
                    Val::S(Some(hash)),
                    Val::S(Some(p.masked())),
                    Val::S(Some(self.actor.clone())),
                    Val::S(Some(now.clone())),
                ]);
            }
        }
        let n = rows.len();
        bulk_insert(self, "contest_staff", &["unit_id", "person_hash", "person_masked", "added_by", "added_at"], rows)
            .await?;
        self.audit("contest.staff_add", &format!("unit:{}", unit.0), &json!({"phones": masked})).await?;
        self.bump_contests().await?;
        Ok(n)
    }

    pub async fn add_contest_prize(
        &mut self,
        contest: i64,
        rank_from: usize,
        rank_to: usize,
        title: &str,
        reward: &str,
    ) -> Result<i64> {
        let (title, reward) = (title.trim(), reward.trim());
        if rank_from == 0 || rank_to < rank_from || rank_to > 100_000 {
            return Err(invalid("Thứ hạng nhận giải phải từ 1 trở lên, hạng cuối không nhỏ hơn hạng đầu."));
        }
        if title.is_empty() {
            return Err(invalid("Cần ghi tên giải (ví dụ: Giải Nhất)."));
        }
        let overlapping: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_prizes WHERE contest_id = $1 AND rank_from <= $2 AND rank_to >= $3",
        )
        .bind(contest)
        .bind(rank_to as i64)
        .bind(rank_from as i64)
        .fetch_one(self.conn())
        .await?;
        if overlapping > 0 {
            return Err(invalid("Các thứ hạng này đã thuộc một giải khác."));
        }
        let id = self
            .insert_returning_id(
                "INSERT INTO contest_prizes (contest_id, rank_from, rank_to, title, reward, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                vec![
                    Val::I(Some(contest)),
                    Val::I(Some(rank_from as i64)),
                    Val::I(Some(rank_to as i64)),
                    Val::S(Some(title.to_owned())),
                    Val::S(Some(reward.to_owned())),
                    Val::S(Some(self.actor.clone())),
                    Val::S(Some(self.stamp())),
                ],
            )
            .await?;
        self.audit(
            "contest.prize_add",
            &format!("contest:{contest}"),
            &json!({"prize": id, "from": rank_from, "to": rank_to, "title": title, "reward": reward}),
        )
        .await?;
        self.bump_contests().await?;
        Ok(id)
    }

    pub async fn remove_contest_prize(&mut self, contest: i64, prize: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM contest_prizes WHERE id = $1 AND contest_id = $2")
            .bind(prize)
            .bind(contest)
            .execute(self.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit("contest.prize_remove", &format!("contest:{contest}"), &json!({"prize": prize})).await?;
        self.bump_contests().await
    }

    /// Freezes the answer to the prediction question once the contest has
    /// closed: the final ranking uses it.
    pub async fn close_contest_results(
        &mut self,
        contest: &ContestRecord,
        actual: u64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if now < contest.rules.closes_at {
            return Err(invalid("Chỉ chốt kết quả sau khi cuộc thi đã kết thúc."));
        }
        sqlx::query("UPDATE contests SET actual_all_correct = $1, closed_at = $2, updated_at = $2 WHERE id = $3")
            .bind(i64_of(actual))
            .bind(Timestamp::from(now).stored_millis())
            .bind(contest.id)
            .execute(self.conn())
            .await?;
        self.audit("contest.close", &format!("contest:{}", contest.id), &json!({"actual_all_correct": actual})).await?;
        self.bump_contests().await
    }

    /// Records that someone exported the results (a view of personal data
    /// when the numbers are shown in full).
    pub async fn log_contest_export(&mut self, contest: i64, full_numbers: bool, rows: usize) -> Result<()> {
        self.audit(
            "contest.export",
            &format!("contest:{contest}"),
            &json!({"full_numbers": full_numbers, "rows": rows}),
        )
        .await
        .map(|_| ())
    }
}

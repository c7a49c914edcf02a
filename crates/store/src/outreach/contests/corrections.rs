//! Correcting and voiding a contest before it opens (issue 18): its
//! settings corrected, one of its own questions corrected, the contest
//! voided with a reason and restored. Core's rule decides what is still
//! open to change (`ContestRules::ensure_settings_open`); each change goes
//! through the registry's shared correction mechanism (history, audit) and
//! tells the live boards to read the contest again.

use chrono::{DateTime, Utc};
use khienmang_core::movement::{ChangeAction, RecordKind, VoidReason};
use khienmang_core::outreach::contest::{Question, QuestionId, validate_bank};
use khienmang_core::time::Timestamp;
use serde_json::{Map, Value, json};
use sqlx::Row;

use super::keys::{GENERATION, invalid};
use super::records::{ContestRecord, NewContest};
use crate::movement::corrections::changed_fields;
use crate::targets::FactChange;
use crate::{Result, StoreError, WriteTx};

/// Refused unless the contest is still to open and not voided.
pub fn ensure_before_opening(c: &ContestRecord, now: DateTime<Utc>) -> Result<()> {
    if c.voided.is_some() {
        return Err(invalid("Cuộc thi này đã bị hủy: hãy khôi phục trước khi sửa."));
    }
    c.rules.ensure_settings_open(now).map_err(|e| invalid(e.message_vi()))
}

/// The settings as the history compares them.
fn settings(c: &NewContest) -> Result<Value> {
    Ok(json!({
        "title": c.rules.title.trim(),
        "description": c.description.trim(),
        "opens_at": Timestamp::from(c.rules.opens_at).stored_millis(),
        "closes_at": Timestamp::from(c.rules.closes_at).stored_millis(),
        "question_count": c.rules.question_count,
        "quotas": serde_json::to_value(&c.rules.quotas).map_err(|e| invalid(e.to_string()))?,
        "time_limit_secs": c.rules.time_limit_secs,
        "max_attempts": c.rules.attempts.max_attempts,
        "attempt_period": c.rules.attempts.period.as_str(),
        "prediction_question": c.prediction_question.trim(),
        "use_shared_bank": c.use_shared_bank,
    }))
}

/// The settings of a stored contest, in the shape the organisers fill in.
pub fn settings_of(c: &ContestRecord) -> NewContest {
    NewContest {
        rules: c.rules.clone(),
        organiser: c.organiser,
        description: c.description.clone(),
        prediction_question: c.prediction_question.clone(),
        use_shared_bank: c.use_shared_bank,
    }
}

impl WriteTx {
    async fn contest_changed(
        &mut self,
        kind: RecordKind,
        id: i64,
        action: ChangeAction,
        changes: Map<String, Value>,
        reason: Option<&str>,
    ) -> Result<()> {
        self.record_change(FactChange::Unread, kind, &id.to_string(), action, changes, reason).await?;
        self.bump_generation(GENERATION).await.map(|_| ())
    }

    /// Corrects a contest's settings before it opens; returns whether
    /// anything changed. The organiser stays (a contest moves to no other body).
    pub async fn edit_contest(&mut self, current: &ContestRecord, new: &NewContest) -> Result<bool> {
        ensure_before_opening(current, self.now().utc())?;
        new.rules.validate().map_err(|e| invalid(e.message_vi()))?;
        if new.prediction_question.trim().is_empty() {
            return Err(invalid("Cần nêu câu hỏi dự đoán (ví dụ: có bao nhiêu người trả lời đúng tất cả các câu?)."));
        }
        let changes = changed_fields(&settings(&settings_of(current))?, &settings(new)?);
        if changes.is_empty() {
            return Ok(false);
        }
        let quotas = serde_json::to_string(&new.rules.quotas).map_err(|e| invalid(e.to_string()))?;
        sqlx::query(
            "UPDATE contests SET title = $1, description = $2, opens_at = $3, closes_at = $4, question_count = $5, \
             quotas = $6, time_limit_secs = $7, max_attempts = $8, attempt_period = $9, prediction_question = $10, \
             use_shared_bank = $11, updated_at = $12 WHERE id = $13 AND voided_at IS NULL",
        )
        .bind(new.rules.title.trim().to_owned())
        .bind(new.description.trim().to_owned())
        .bind(Timestamp::from(new.rules.opens_at).stored_millis())
        .bind(Timestamp::from(new.rules.closes_at).stored_millis())
        .bind(i64::try_from(new.rules.question_count).unwrap_or(i64::MAX))
        .bind(quotas)
        .bind(i64::from(new.rules.time_limit_secs))
        .bind(i64::from(new.rules.attempts.max_attempts))
        .bind(new.rules.attempts.period.as_str().to_owned())
        .bind(new.prediction_question.trim().to_owned())
        .bind(i64::from(new.use_shared_bank))
        .bind(self.stamp())
        .bind(current.id)
        .execute(self.conn())
        .await?;
        self.contest_changed(RecordKind::Contest, current.id, ChangeAction::Edit, changes, None).await?;
        Ok(true)
    }

    /// Corrects one of the contest's own questions before it opens (a
    /// question of the shared bank may have been drawn by another contest:
    /// it is retired and added again instead).
    pub async fn edit_contest_question(&mut self, contest: &ContestRecord, question: &Question) -> Result<bool> {
        ensure_before_opening(contest, self.now().utc())?;
        let q = Question { id: QuestionId(1), ..question.clone() };
        validate_bank(std::slice::from_ref(&q)).map_err(|e| invalid(e.message_vi()))?;
        if q.category.trim().is_empty() {
            return Err(invalid("Cần ghi lĩnh vực của câu hỏi."));
        }
        let row = sqlx::query(
            "SELECT category, text, choices, correct FROM contest_questions WHERE id = $1 AND contest_id = $2 AND active = 1",
        )
        .bind(question.id.0)
        .bind(contest.id)
        .fetch_optional(self.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        let choices: Vec<String> = serde_json::from_str(&row.try_get::<String, _>(2)?).unwrap_or_default();
        let before = json!({"category": row.try_get::<String, _>(0)?, "text": row.try_get::<String, _>(1)?,
            "choices": choices, "correct": row.try_get::<i64, _>(3)?});
        let after =
            json!({"category": q.category.trim(), "text": q.text.trim(), "choices": q.choices, "correct": q.correct});
        let changes = changed_fields(&before, &after);
        if changes.is_empty() {
            return Ok(false);
        }
        sqlx::query("UPDATE contest_questions SET category = $1, text = $2, choices = $3, correct = $4 WHERE id = $5")
            .bind(q.category.trim().to_owned())
            .bind(q.text.trim().to_owned())
            .bind(serde_json::to_string(&q.choices).map_err(|e| invalid(e.to_string()))?)
            .bind(q.correct as i64)
            .bind(question.id.0)
            .execute(self.conn())
            .await?;
        self.contest_changed(RecordKind::ContestQuestion, question.id.0, ChangeAction::Edit, changes, None).await?;
        Ok(true)
    }

    /// Voids a contest entered by mistake, before it opens: it leaves the
    /// public pages at once.
    pub async fn void_contest(&mut self, contest: &ContestRecord, reason: &VoidReason) -> Result<()> {
        ensure_before_opening(contest, self.now().utc())?;
        if self.mark_void("contests", "id = $4", &[contest.id], reason).await? == 0 {
            return Err(invalid("Cuộc thi này đã bị hủy."));
        }
        self.contest_changed(RecordKind::Contest, contest.id, ChangeAction::Void, Map::new(), Some(reason.as_str()))
            .await
    }

    /// Restores a voided contest (the caller checks the role).
    pub async fn restore_contest(&mut self, contest: i64) -> Result<()> {
        if self.clear_void("contests", "id = $1", &[contest], None).await? == 0 {
            return Err(invalid("Cuộc thi này chưa bị hủy."));
        }
        self.contest_changed(RecordKind::Contest, contest, ChangeAction::Restore, Map::new(), None).await
    }
}

impl crate::Store {
    /// The history of a contest and its own questions, oldest first.
    pub async fn contest_history(&self, contest: i64) -> Result<Vec<(RecordKind, crate::movement::RecordChange)>> {
        let rows = sqlx::query(
            "SELECT record_kind, actor, changed_at, action, changes, reason FROM record_changes \
             WHERE (record_kind = 'contest' AND record_id = $1) \
             OR (record_kind = 'contest_question' AND record_id IN \
                 (SELECT CAST(id AS TEXT) FROM contest_questions WHERE contest_id = $2)) ORDER BY id",
        )
        .bind(contest.to_string())
        .bind(contest)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let kind: String = r.try_get(0)?;
            let action: String = r.try_get(3)?;
            let (Some(kind), Some(action)) = (RecordKind::parse(&kind), ChangeAction::parse(&action)) else { continue };
            out.push((
                kind,
                crate::movement::RecordChange {
                    actor: r.try_get(1)?,
                    at: r.try_get(2)?,
                    action,
                    changes: serde_json::from_str::<Map<String, Value>>(&r.try_get::<String, _>(4)?)
                        .unwrap_or_default(),
                    reason: r.try_get(5)?,
                },
            ));
        }
        Ok(out)
    }
}

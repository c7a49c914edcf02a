//! Yearly evaluations: the unit scores itself against the year's criteria
//! set, submits, and the level above approves or returns it.

use khienmang_core::Date;
use khienmang_core::admin::{
    Classification, CriteriaSet, Evaluation, EvaluationStatus, Score, Total, UnitKind, default_criteria,
};
use khienmang_core::org::{Level, UnitId};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{day, invalid};
use crate::{Result, Store, StoreError, WriteTx};

/// The kind of evaluation a unit of `level` gets; provinces and the former
/// districts are not scored.
pub fn unit_kind(level: Level) -> Option<UnitKind> {
    match level {
        Level::Village => Some(UnitKind::Village),
        Level::Commune => Some(UnitKind::Commune),
        Level::Agency => Some(UnitKind::Agency),
        Level::Enterprise => Some(UnitKind::Enterprise),
        Level::School => Some(UnitKind::School),
        Level::Province | Level::District => None,
    }
}

/// One stored evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationRecord {
    pub unit: UnitId,
    pub year: i32,
    pub kind: UnitKind,
    pub status: EvaluationStatus,
    pub scores: Vec<Score>,
    pub total: Total,
    pub classification: Classification,
    pub submitted_at: Option<String>,
    pub approved_on: Option<Date>,
    pub decided_by: Option<String>,
    pub return_note: Option<String>,
    /// Who last changed the scores: they may not approve them too.
    pub updated_by: String,
    pub updated_at: String,
}

const COLUMNS: &str = "unit_id, year, kind, status, scores, total, classification, submitted_at, approved_on, \
    decided_by, return_note, updated_by, updated_at";

fn record(r: &AnyRow) -> Result<EvaluationRecord> {
    let bad = |what: &str| StoreError::Invalid(format!("đánh giá hỏng trong cơ sở dữ liệu: {what}"));
    let scores: String = r.try_get("scores")?;
    Ok(EvaluationRecord {
        unit: UnitId(r.try_get("unit_id")?),
        year: i32::try_from(r.try_get::<i64, _>("year")?).map_err(|_| bad("year"))?,
        kind: UnitKind::parse(&r.try_get::<String, _>("kind")?).ok_or_else(|| bad("kind"))?,
        status: EvaluationStatus::parse(&r.try_get::<String, _>("status")?).ok_or_else(|| bad("status"))?,
        scores: serde_json::from_str(&scores).map_err(|_| bad("scores"))?,
        total: Total(u32::try_from(r.try_get::<i64, _>("total")?).map_err(|_| bad("total"))?),
        classification: Classification::parse(&r.try_get::<String, _>("classification")?)
            .ok_or_else(|| bad("classification"))?,
        submitted_at: r.try_get("submitted_at")?,
        approved_on: r.try_get::<Option<String>, _>("approved_on")?.map(|d| day(&d)).transpose()?,
        decided_by: r.try_get("decided_by")?,
        return_note: r.try_get("return_note")?,
        updated_by: r.try_get("updated_by")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl EvaluationRecord {
    fn evaluation(&self) -> Evaluation {
        Evaluation {
            unit: self.unit,
            unit_name: String::new(),
            kind: self.kind,
            year: self.year,
            scores: self.scores.clone(),
            status: self.status,
            approved_on: self.approved_on,
            return_note: self.return_note.clone(),
        }
    }
}

impl Store {
    /// The criteria for `kind` in `year`: the province's own set if it
    /// saved one, otherwise the default drawn from the document.
    pub async fn criteria_set(&self, year: i32, kind: UnitKind) -> Result<CriteriaSet> {
        let stored: Option<String> =
            sqlx::query_scalar("SELECT criteria FROM criteria_sets WHERE year = $1 AND kind = $2")
                .bind(i64::from(year))
                .bind(kind.as_str())
                .fetch_optional(self.pool())
                .await?;
        match stored {
            Some(json) => Ok(CriteriaSet {
                year,
                kind,
                criteria: serde_json::from_str(&json).map_err(|_| invalid("bộ tiêu chí hỏng trong cơ sở dữ liệu"))?,
            }),
            None => Ok(default_criteria(kind, year)),
        }
    }

    pub async fn evaluation(&self, unit: UnitId, year: i32) -> Result<Option<EvaluationRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM evaluations WHERE unit_id = $1 AND year = $2");
        let row = sqlx::query(&sql).bind(unit.0).bind(i64::from(year)).fetch_optional(self.pool()).await?;
        row.as_ref().map(record).transpose()
    }

    /// Every evaluation of `year`; callers keep the ones in their scope.
    pub async fn evaluations(&self, year: i32) -> Result<Vec<EvaluationRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM evaluations WHERE year = $1 ORDER BY unit_id");
        let rows = sqlx::query(&sql).bind(i64::from(year)).fetch_all(self.pool()).await?;
        rows.iter().map(record).collect()
    }
}

impl WriteTx {
    /// The province replaces the criteria for one kind and year.
    pub async fn save_criteria_set(&mut self, set: &CriteriaSet) -> Result<()> {
        set.validate().map_err(|e| invalid(e.message_vi()))?;
        let criteria = serde_json::to_string(&set.criteria).map_err(|e| invalid(e.to_string()))?;
        sqlx::query("DELETE FROM criteria_sets WHERE year = $1 AND kind = $2")
            .bind(i64::from(set.year))
            .bind(set.kind.as_str())
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(
            "INSERT INTO criteria_sets (year, kind, criteria, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(i64::from(set.year))
        .bind(set.kind.as_str())
        .bind(&criteria)
        .bind(&self.actor)
        .bind(self.stamp())
        .execute(&mut *self.tx)
        .await?;
        self.audit(
            "evaluation.criteria",
            &format!("criteria:{}:{}", set.year, set.kind.as_str()),
            &json!({
                "criteria": set.criteria.len()
            }),
        )
        .await?;
        Ok(())
    }

    async fn load_evaluation(&mut self, unit: UnitId, year: i32) -> Result<Option<EvaluationRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM evaluations WHERE unit_id = $1 AND year = $2");
        let row = sqlx::query(&sql).bind(unit.0).bind(i64::from(year)).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(record).transpose()
    }

    /// The unit's own scores (a new evaluation, or one still editable:
    /// self-assessment or returned). Returns the new total.
    pub async fn score_evaluation(
        &mut self,
        unit: UnitId,
        kind: UnitKind,
        year: i32,
        set: &CriteriaSet,
        scores: Vec<Score>,
    ) -> Result<Total> {
        let existing = self.load_evaluation(unit, year).await?;
        let mut evaluation = match &existing {
            Some(e) => e.evaluation(),
            None => Evaluation::new(unit, "", kind, year),
        };
        let t = evaluation.set_scores(set, scores).map_err(|e| invalid(e.message_vi()))?;
        let scores = serde_json::to_string(&evaluation.scores).map_err(|e| invalid(e.to_string()))?;
        let now = self.stamp();
        let class = Classification::of(t);
        if existing.is_some() {
            sqlx::query(
                "UPDATE evaluations SET scores = $1, total = $2, classification = $3, updated_by = $4, updated_at = $5 \
                 WHERE unit_id = $6 AND year = $7",
            )
            .bind(&scores)
            .bind(i64::from(t.0))
            .bind(class.as_str())
            .bind(&self.actor)
            .bind(&now)
            .bind(unit.0)
            .bind(i64::from(year))
            .execute(&mut *self.tx)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO evaluations (unit_id, year, kind, status, scores, total, classification, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(unit.0)
            .bind(i64::from(year))
            .bind(kind.as_str())
            .bind(EvaluationStatus::SelfAssessment.as_str())
            .bind(&scores)
            .bind(i64::from(t.0))
            .bind(class.as_str())
            .bind(&self.actor)
            .bind(&now)
            .execute(&mut *self.tx)
            .await?;
        }
        self.audit("evaluation.score", &format!("unit:{}", unit.0), &json!({"year": year, "total": t.0})).await?;
        Ok(t)
    }

    /// The unit sends its self-assessment to the level above.
    pub async fn submit_evaluation(&mut self, unit: UnitId, year: i32) -> Result<()> {
        let mut e = self.load_evaluation(unit, year).await?.ok_or(StoreError::NotFound)?.evaluation();
        e.submit().map_err(|err| invalid(err.message_vi()))?;
        sqlx::query("UPDATE evaluations SET status = $1, submitted_at = $2 WHERE unit_id = $3 AND year = $4")
            .bind(e.status.as_str())
            .bind(self.stamp())
            .bind(unit.0)
            .bind(i64::from(year))
            .execute(&mut *self.tx)
            .await?;
        self.audit("evaluation.submit", &format!("unit:{}", unit.0), &json!({"year": year})).await?;
        Ok(())
    }

    /// The level above approves (on `on`) or returns the evaluation with a
    /// note. Whoever entered the scores cannot also approve them.
    pub async fn decide_evaluation(
        &mut self,
        unit: UnitId,
        year: i32,
        approve: bool,
        note: &str,
        on: Date,
    ) -> Result<()> {
        let record = self.load_evaluation(unit, year).await?.ok_or(StoreError::NotFound)?;
        if approve && record.updated_by == self.actor {
            return Err(invalid("Người nhập điểm không tự phê duyệt kết quả của mình; cấp trên phê duyệt."));
        }
        if !approve && note.trim().is_empty() {
            return Err(invalid("Hãy ghi lý do trả lại để đơn vị sửa."));
        }
        let mut e = record.evaluation();
        let step = if approve { e.approve(on) } else { e.send_back(note.trim()) };
        step.map_err(|err| invalid(err.message_vi()))?;
        sqlx::query(
            "UPDATE evaluations SET status = $1, approved_on = $2, decided_by = $3, return_note = $4 \
             WHERE unit_id = $5 AND year = $6",
        )
        .bind(e.status.as_str())
        .bind(e.approved_on.map(|d| d.to_string()))
        .bind(&self.actor)
        .bind(e.return_note.clone())
        .bind(unit.0)
        .bind(i64::from(year))
        .execute(&mut *self.tx)
        .await?;
        let action = if approve { "evaluation.approve" } else { "evaluation.return" };
        self.audit(action, &format!("unit:{}", unit.0), &json!({"year": year, "note": note.trim()})).await?;
        Ok(())
    }
}

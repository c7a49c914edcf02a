//! Yearly evaluations: the unit scores itself against the year's criteria
//! set, submits, and the level above approves or returns it. The secretariat
//! saves each year's set as a new version: an evaluation still being edited
//! moves to it (its total counted again), one already sent up keeps the
//! version it was scored against. Corrections of scores and sets are kept in
//! the records' history (`record_changes`).

use khienmang_core::Date;
use khienmang_core::admin::{
    Bands, Classification, CriteriaSet, Criterion, Evaluation, EvaluationStatus, Score, Total, UnitKind,
    default_criteria, total,
};
use khienmang_core::movement::{ChangeAction, RecordKind};
use khienmang_core::org::{Level, UnitId};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::movement::changed_fields;

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
    /// The version of the year's criteria set it was scored against (0: the default).
    pub criteria_version: i64,
}

const COLUMNS: &str = "unit_id, year, kind, status, scores, total, classification, submitted_at, approved_on, \
    decided_by, return_note, updated_by, updated_at, criteria_version";

/// How an evaluation is named in the records' history: `<unit>:<year>`.
pub fn evaluation_record_id(unit: UnitId, year: i32) -> String {
    format!("{}:{year}", unit.0)
}

/// How a criteria set is named in the records' history: `<year>:<kind>`.
pub fn criteria_record_id(year: i32, kind: UnitKind) -> String {
    format!("{year}:{}", kind.as_str())
}

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
        criteria_version: r.try_get::<Option<i64>, _>("criteria_version")?.unwrap_or(0),
    })
}

/// A saved version read back from its row (`version, criteria, bands`).
fn saved_set(year: i32, kind: UnitKind, r: &AnyRow) -> Result<CriteriaSet> {
    let bad = || invalid("bộ tiêu chí hỏng trong cơ sở dữ liệu");
    let criteria: String = r.try_get("criteria")?;
    let bands: String = r.try_get("bands")?;
    Ok(CriteriaSet {
        year,
        kind,
        criteria: serde_json::from_str(&criteria).map_err(|_| bad())?,
        bands: serde_json::from_str::<Bands>(&bands).map_err(|_| bad())?,
        version: r.try_get("version")?,
    })
}

const LATEST_SET: &str = "SELECT version, criteria, bands FROM criteria_set_versions \
    WHERE year = $1 AND kind = $2 ORDER BY version DESC LIMIT 1";
const ONE_SET: &str =
    "SELECT version, criteria, bands FROM criteria_set_versions WHERE year = $1 AND kind = $2 AND version = $3";

/// A set as the history compares it: one line per criterion, and the bands.
fn set_summary(set: &CriteriaSet) -> Value {
    let mut out = Map::new();
    for (i, c) in set.criteria.iter().enumerate() {
        let target = c.target.map(|t| format!(" · chỉ tiêu {}", t.code())).unwrap_or_default();
        out.insert(
            c.code.clone(),
            json!(format!("{}. {} · tối đa {} · hệ số {}{target}", i + 1, c.title_vi, c.max_points, c.weight)),
        );
    }
    let b = set.bands;
    out.insert("bands".into(), json!(format!("{}/{}/{}/{}", b.excellent, b.good, b.fair, b.average)));
    Value::Object(out)
}

/// The scores kept when an editable evaluation moves to another set: those
/// of criteria still in it, capped at their new maximum.
fn carried_scores(set: &CriteriaSet, scores: &[Score]) -> Vec<Score> {
    scores
        .iter()
        .filter_map(|s| {
            let c: &Criterion = set.criterion(&s.criterion)?;
            Some(Score { points: s.points.min(c.max_points), ..s.clone() })
        })
        .collect()
}

/// The points of each criterion, for the history: `{"points 2.6": n}`.
fn points_of(scores: &[Score]) -> Value {
    Value::Object(scores.iter().map(|s| (format!("điểm {}", s.criterion), json!(s.points))).collect())
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
    /// The criteria for `kind` in `year`: the latest version the province
    /// saved for that year, otherwise the default drawn from the document.
    pub async fn criteria_set(&self, year: i32, kind: UnitKind) -> Result<CriteriaSet> {
        let row = sqlx::query(LATEST_SET).bind(i64::from(year)).bind(kind.as_str()).fetch_optional(self.pool()).await?;
        match row {
            Some(r) => saved_set(year, kind, &r),
            None => Ok(default_criteria(kind, year)),
        }
    }

    /// The set an evaluation was scored against: `version` of the year (0,
    /// or a version no longer found: the default).
    pub async fn criteria_set_version(&self, year: i32, kind: UnitKind, version: i64) -> Result<CriteriaSet> {
        if version == 0 {
            return Ok(default_criteria(kind, year));
        }
        let row = sqlx::query(ONE_SET)
            .bind(i64::from(year))
            .bind(kind.as_str())
            .bind(version)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) => saved_set(year, kind, &r),
            None => Ok(default_criteria(kind, year)),
        }
    }

    /// How many evaluations of `kind` in `year` were sent up (submitted or
    /// approved) on `version` of the set: they keep it when the set is saved.
    pub async fn evaluations_sent_on(&self, year: i32, kind: UnitKind, version: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM evaluations WHERE year = $1 AND kind = $2 AND COALESCE(criteria_version, 0) = $3 \
             AND status IN ('submitted', 'approved')",
        )
        .bind(i64::from(year))
        .bind(kind.as_str())
        .bind(version)
        .fetch_one(self.pool())
        .await?)
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
    /// The secretariat saves the criteria for one kind and year as a new
    /// version (the set given is what the form holds; its `version` is
    /// ignored). Evaluations of that year and kind still being edited move
    /// to it with their totals counted again; those sent up keep theirs.
    /// Returns the new version.
    pub async fn save_criteria_set(&mut self, set: &CriteriaSet) -> Result<i64> {
        set.validate().map_err(|e| invalid(e.message_vi()))?;
        let (year, kind) = (set.year, set.kind);
        let previous = match sqlx::query(LATEST_SET)
            .bind(i64::from(year))
            .bind(kind.as_str())
            .fetch_optional(&mut *self.tx)
            .await?
        {
            Some(r) => saved_set(year, kind, &r)?,
            None => default_criteria(kind, year),
        };
        let version = previous.version + 1;
        let saved = CriteriaSet { version, ..set.clone() };
        let criteria = serde_json::to_string(&saved.criteria).map_err(|e| invalid(e.to_string()))?;
        let bands = serde_json::to_string(&saved.bands).map_err(|e| invalid(e.to_string()))?;
        sqlx::query(
            "INSERT INTO criteria_set_versions (year, kind, version, criteria, bands, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(i64::from(year))
        .bind(kind.as_str())
        .bind(version)
        .bind(&criteria)
        .bind(&bands)
        .bind(&self.actor)
        .bind(self.stamp())
        .execute(&mut *self.tx)
        .await?;
        let (before, after) = (set_summary(&previous), set_summary(&saved));
        let mut changes = changed_fields(&before, &after);
        // A criterion removed is a change too.
        if let (Some(old), Some(new)) = (before.as_object(), after.as_object()) {
            for (k, v) in old {
                if !new.contains_key(k) {
                    changes.insert(k.clone(), json!([v, Value::Null]));
                }
            }
        }
        changes.insert("version".into(), json!([previous.version, version]));
        self.record_history_row(
            RecordKind::CriteriaSet,
            &criteria_record_id(year, kind),
            ChangeAction::Edit,
            changes,
            None,
        )
        .await?;
        // The evaluations still being edited follow the set.
        let sql = format!(
            "SELECT {COLUMNS} FROM evaluations WHERE year = $1 AND kind = $2 AND status IN ('self_assessment', 'returned') \
             ORDER BY unit_id"
        );
        let rows = sqlx::query(&sql).bind(i64::from(year)).bind(kind.as_str()).fetch_all(&mut *self.tx).await?;
        let editable = rows.iter().map(record).collect::<Result<Vec<_>>>()?;
        let reason = format!("Bộ tiêu chí năm {year} được sửa (phiên bản {version})");
        for e in editable {
            let scores = carried_scores(&saved, &e.scores);
            let t = total(&saved, &scores).map_err(|err| invalid(err.message_vi()))?;
            let class = saved.bands.classify(t);
            let json = serde_json::to_string(&scores).map_err(|err| invalid(err.to_string()))?;
            sqlx::query(
                "UPDATE evaluations SET scores = $1, total = $2, classification = $3, criteria_version = $4 \
                 WHERE unit_id = $5 AND year = $6",
            )
            .bind(&json)
            .bind(i64::from(t.0))
            .bind(class.as_str())
            .bind(version)
            .bind(e.unit.0)
            .bind(i64::from(year))
            .execute(&mut *self.tx)
            .await?;
            let changes = changed_fields(
                &json!({"tổng điểm": e.total.to_vi(), "xếp loại": e.classification.label_vi(), "phiên bản bộ tiêu chí": e.criteria_version}),
                &json!({"tổng điểm": t.to_vi(), "xếp loại": class.label_vi(), "phiên bản bộ tiêu chí": version}),
            );
            self.record_history_row(
                RecordKind::Evaluation,
                &evaluation_record_id(e.unit, year),
                ChangeAction::Edit,
                changes,
                Some(&reason),
            )
            .await?;
        }
        Ok(version)
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
        let class = set.bands.classify(t);
        if let Some(old) = &existing {
            sqlx::query(
                "UPDATE evaluations SET scores = $1, total = $2, classification = $3, updated_by = $4, updated_at = $5, \
                 criteria_version = $6 WHERE unit_id = $7 AND year = $8",
            )
            .bind(&scores)
            .bind(i64::from(t.0))
            .bind(class.as_str())
            .bind(&self.actor)
            .bind(&now)
            .bind(set.version)
            .bind(unit.0)
            .bind(i64::from(year))
            .execute(&mut *self.tx)
            .await?;
            // A correction of the unit's own scores: which points changed, kept in its history.
            let mut before = points_of(&old.scores);
            let mut after = points_of(&evaluation.scores);
            if let (Some(b), Some(a)) = (before.as_object_mut(), after.as_object_mut()) {
                b.insert("tổng điểm".into(), json!(old.total.to_vi()));
                a.insert("tổng điểm".into(), json!(t.to_vi()));
                for k in b.keys() {
                    if !a.contains_key(k) {
                        a.insert(k.clone(), Value::Null);
                    }
                }
            }
            let changes = changed_fields(&before, &after);
            let notes: Vec<String> = evaluation
                .scores
                .iter()
                .filter_map(|s| s.note.as_ref().map(|n| format!("{}: {n}", s.criterion)))
                .collect();
            let reason = (!notes.is_empty()).then(|| notes.join("; "));
            self.record_history_row(
                RecordKind::Evaluation,
                &evaluation_record_id(unit, year),
                ChangeAction::Edit,
                changes,
                reason.as_deref(),
            )
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO evaluations (unit_id, year, kind, status, scores, total, classification, updated_by, \
                 updated_at, criteria_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
            .bind(set.version)
            .execute(&mut *self.tx)
            .await?;
            self.audit("evaluation.score", &format!("unit:{}", unit.0), &json!({"year": year, "total": t.0})).await?;
        }
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

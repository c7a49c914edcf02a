//! Surveys of the movement's effect. A response to an anonymous survey is
//! stored with a random id, its unit, the day and the answers: no person,
//! no time of day, no row order (see the migration), and no audit entry,
//! since an audit line with its moment would link the two again.

use khienmang_core::Date;
use khienmang_core::org::UnitId;
use khienmang_core::outreach::{Answers, StoredResponse, Survey};
use serde_json::json;
use sqlx::Row;

use crate::{Result, Store, StoreError, WriteTx};

/// A stored survey with where and when it runs.
#[derive(Debug, Clone)]
pub struct SurveyRecord {
    pub id: i64,
    pub survey: Survey,
    /// Who is asked: the units under this one (the whole province if `None`).
    pub area: Option<UnitId>,
    pub opens_on: Date,
    pub closes_on: Date,
}

impl SurveyRecord {
    pub fn is_open(&self, on: Date) -> bool {
        self.opens_on <= on && on <= self.closes_on
    }
}

impl Store {
    pub async fn surveys(&self) -> Result<Vec<SurveyRecord>> {
        let rows = sqlx::query("SELECT id, survey, area_unit_id, opens_on, closes_on FROM surveys ORDER BY id DESC")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(SurveyRecord {
                    id: r.try_get("id")?,
                    survey: serde_json::from_str(&r.try_get::<String, _>("survey")?)
                        .map_err(|_| StoreError::Invalid("khảo sát hỏng trong cơ sở dữ liệu".into()))?,
                    area: r.try_get::<Option<i64>, _>("area_unit_id")?.map(UnitId),
                    opens_on: crate::org::date(&r.try_get::<String, _>("opens_on")?)?,
                    closes_on: crate::org::date(&r.try_get::<String, _>("closes_on")?)?,
                })
            })
            .collect()
    }

    pub async fn survey(&self, id: i64) -> Result<Option<SurveyRecord>> {
        Ok(self.surveys().await?.into_iter().find(|s| s.id == id))
    }

    /// Every response's unit and answers: all that results need.
    pub async fn survey_answers(&self, survey: i64) -> Result<Vec<(UnitId, Answers)>> {
        let rows = sqlx::query("SELECT unit_id, answers FROM survey_responses WHERE survey_id = $1")
            .bind(survey)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let answers = serde_json::from_str(&r.try_get::<String, _>("answers")?)
                    .map_err(|_| StoreError::Invalid("câu trả lời hỏng trong cơ sở dữ liệu".into()))?;
                Ok((UnitId(r.try_get("unit_id")?), answers))
            })
            .collect()
    }
}

impl WriteTx {
    pub async fn create_survey(&mut self, s: &SurveyRecord) -> Result<i64> {
        s.survey.validate().map_err(|e| StoreError::Invalid(e.message_vi()))?;
        if s.closes_on < s.opens_on {
            return Err(StoreError::Invalid("Ngày kết thúc phải sau ngày bắt đầu.".into()));
        }
        let json = serde_json::to_string(&s.survey).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO surveys (title, survey, anonymous, area_unit_id, opens_on, closes_on, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&s.survey.title)
        .bind(&json)
        .bind(i64::from(s.survey.anonymous))
        .bind(s.area.map(|u| u.0))
        .bind(s.opens_on.to_string())
        .bind(s.closes_on.to_string())
        .bind(&self.actor)
        .bind(self.stamp())
        .fetch_one(&mut *self.tx)
        .await?;
        self.audit(
            "survey.create",
            &format!("survey:{id}"),
            &json!({"title": s.survey.title, "anonymous": s.survey.anonymous}),
        )
        .await?;
        Ok(id)
    }
}

impl WriteTx {
    /// Replaces a survey's definition and dates, only while nobody has
    /// answered it (answers are read against the questions they were given
    /// to). The check and the change are one statement. Returns false when
    /// the survey has answers (or does not exist): nothing is changed.
    pub async fn update_survey(&mut self, id: i64, s: &SurveyRecord) -> Result<bool> {
        s.survey.validate().map_err(|e| StoreError::Invalid(e.message_vi()))?;
        if s.closes_on < s.opens_on {
            return Err(StoreError::Invalid("Ngày kết thúc phải sau ngày bắt đầu.".into()));
        }
        let json = serde_json::to_string(&s.survey).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let changed = sqlx::query(
            "UPDATE surveys SET title = $1, survey = $2, anonymous = $3, opens_on = $4, closes_on = $5 \
             WHERE id = $6 AND NOT EXISTS (SELECT 1 FROM survey_responses WHERE survey_id = $6)",
        )
        .bind(&s.survey.title)
        .bind(&json)
        .bind(i64::from(s.survey.anonymous))
        .bind(s.opens_on.to_string())
        .bind(s.closes_on.to_string())
        .bind(id)
        .execute(&mut *self.tx)
        .await?
        .rows_affected()
            == 1;
        if changed {
            self.audit(
                "survey.edit",
                &format!("survey:{id}"),
                &json!({"title": s.survey.title, "anonymous": s.survey.anonymous,
                    "questions": s.survey.questions.len(), "opens_on": s.opens_on, "closes_on": s.closes_on}),
            )
            .await?;
        }
        Ok(changed)
    }
}

impl Store {
    /// How many responses a survey has (its questions are fixed from the first).
    pub async fn survey_response_count(&self, survey: i64) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM survey_responses WHERE survey_id = $1")
            .bind(survey)
            .fetch_one(self.pool())
            .await?)
    }

    /// Stores a checked response (see [`Survey::to_stored`]). Not audited:
    /// see the module documentation.
    pub async fn add_survey_response(&self, survey: i64, response: &StoredResponse) -> Result<()> {
        self.add_survey_response_once(survey, response, None).await.map(|_| ())
    }

    /// Adds a response unless the browser holding `respondent` (the random
    /// token of its survey cookie) has already answered this survey; false
    /// then. The response's id is a hash of the survey and the token, so the
    /// token itself is never stored and two responses cannot share it.
    pub async fn add_survey_response_once(
        &self,
        survey: i64,
        response: &StoredResponse,
        respondent: Option<&str>,
    ) -> Result<bool> {
        use sha2::{Digest, Sha256};
        let id = match respondent {
            Some(token) => {
                let digest = Sha256::new().chain_update(survey.to_be_bytes()).chain_update(token.as_bytes()).finalize();
                hex::encode(&digest[..16])
            }
            None => hex::encode(rand::random::<[u8; 16]>()),
        };
        let (unit, day, respondent, answers) = match response {
            StoredResponse::Anonymous(r) => (r.unit, r.submitted_on, None, &r.answers),
            StoredResponse::Identified(r) => {
                (r.unit, khienmang_core::outreach::vn_date(r.submitted_at), r.respondent.clone(), &r.answers)
            }
        };
        let answers = serde_json::to_string(answers).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let inserted = sqlx::query(
            "INSERT INTO survey_responses (id, survey_id, unit_id, submitted_on, respondent, answers) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&id)
        .bind(survey)
        .bind(unit.0)
        .bind(day.to_string())
        .bind(respondent)
        .bind(&answers)
        .execute(self.pool())
        .await?;
        Ok(inserted.rows_affected() == 1)
    }
}

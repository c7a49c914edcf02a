//! The entrant's way in: the checks before a one-time code is sent, and the
//! start of attempts once the code is right (eligibility, limits, the draw).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use khienmang_core::org::UnitId;
use khienmang_core::outreach::contest::{
    Ineligible, OneTimeCode, OtpChallenge, PastAttempt, PersonKey, check_eligibility, draw, may_start,
};
use serde_json::json;
use sqlx::Row;

use crate::db::{Val, bulk_insert_returning};
use crate::{Result, Store, StoreError, WriteTx};

use super::keys::{CODES_PER_HOUR, ENTRANT, EntrantKeys, invalid};
use super::organisers::clean_name;
use super::records::{AttemptSetup, ContestRecord, StartedAttempt, VerifiedEntrant};
use crate::db::read_instant;
use khienmang_core::secret::token_hash;
use khienmang_core::time::Timestamp;

impl Store {
    pub async fn attempt_setup(&self, contest_id: i64) -> Result<AttemptSetup> {
        let contest = self.contest(contest_id).await?.ok_or(StoreError::NotFound)?;
        let units = self.contest_units(contest.id).await?.iter().map(|u| u.unit).collect();
        let bank = self.contest_bank(&contest).await?.into_iter().filter(|q| q.active).map(|q| q.question).collect();
        Ok(AttemptSetup { contest, units, bank })
    }

    /// Whether `person` is on the organising body's staff list.
    async fn is_organiser_staff(&self, keys: &EntrantKeys, unit: UnitId, person: &PersonKey) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_staff WHERE unit_id = $1 AND person_hash = $2",
        )
        .bind(unit.0)
        .bind(keys.hash(person))
        .fetch_one(self.pool())
        .await?;
        Ok(n > 0)
    }

    /// Refuses staff of the organising body (core's rule, on the one
    /// number that matters: the staff list holds only hashes).
    async fn ensure_eligible(&self, keys: &EntrantKeys, contest: &ContestRecord, person: &PersonKey) -> Result<()> {
        let staff: BTreeSet<PersonKey> = if self.is_organiser_staff(keys, contest.organiser, person).await? {
            [person.clone()].into()
        } else {
            [].into()
        };
        check_eligibility(person, &staff).map_err(|e: Ineligible| invalid(e.message_vi()))
    }

    async fn past_attempts(&self, keys: &EntrantKeys, contest: i64, person: &PersonKey) -> Result<Vec<PastAttempt>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT started_at FROM contest_attempts WHERE contest_id = $1 AND person_hash = $2 ORDER BY started_at",
        )
        .bind(contest)
        .bind(keys.hash(person))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|s| Ok(PastAttempt { person: person.clone(), started_at: read_instant(s)? })).collect()
    }

    /// Sends nothing: checks that `person` may enter `contest` at `now`
    /// (open, not staff, attempts left, not too many codes this hour) and
    /// stores a new one-time code, which the caller sends by SMS.
    pub async fn request_contest_code(
        &self,
        keys: &EntrantKeys,
        contest_id: i64,
        person: &PersonKey,
        now: DateTime<Utc>,
    ) -> Result<OneTimeCode> {
        let contest = self.contest(contest_id).await?.ok_or(StoreError::NotFound)?;
        contest.rules.start_attempt(now).map_err(|e| invalid(e.message_vi()))?;
        self.ensure_eligible(keys, &contest, person).await?;
        let past = self.past_attempts(keys, contest.id, person).await?;
        may_start(&contest.rules.attempts, person, &past, now).map_err(|e| invalid(e.message_vi()))?;
        let hash = keys.hash(person);
        let hour_ago = Timestamp::from(now - chrono::Duration::hours(1)).stored_millis();
        // Counted inside the write transaction: `begin_write` first locks
        // the audit head's row, so concurrent requests (on either backend,
        // and across replicas) count one after another and each sees the
        // codes the others committed; counted outside, parallel requests
        // all read the same number and all pass.
        let mut tx = self.begin_write(ENTRANT, Timestamp::from(now)).await?;
        let recent: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_codes WHERE person_hash = $1 AND issued_at > $2",
        )
        .bind(&hash)
        .bind(&hour_ago)
        .fetch_one(tx.conn())
        .await?;
        if recent >= CODES_PER_HOUR {
            return Err(invalid(format!(
                "Số điện thoại này đã nhận {CODES_PER_HOUR} mã xác thực trong một giờ qua. Vui lòng thử lại sau."
            )));
        }
        let code = OneTimeCode::generate(rand::random());
        let challenge = OtpChallenge::issue(person.clone(), &code, rand::random(), now);
        let id = tx
            .insert_returning_id(
                "INSERT INTO contest_codes (contest_id, person_hash, salt, code_hash, issued_at, expires_at, tries) \
                 VALUES ($1, $2, $3, $4, $5, $6, 0)",
                vec![
                    Val::I(Some(contest.id)),
                    Val::S(Some(hash)),
                    Val::S(Some(challenge.salt.clone())),
                    Val::S(Some(challenge.code_hash.clone())),
                    Val::S(Some(Timestamp::from(challenge.issued_at).stored_millis())),
                    Val::S(Some(Timestamp::from(challenge.expires_at).stored_millis())),
                ],
            )
            .await?;
        tx.audit("contest.code", &format!("contest:{}", contest.id), &json!({"code": id, "phone": person.masked()}))
            .await?;
        tx.commit().await?;
        Ok(code)
    }

    /// Checks the code `person` typed and, if right, starts an attempt:
    /// checked again that they may enter, questions drawn, the window set by
    /// the server's clock. A wrong code uses up a try even though the
    /// attempt is refused.
    pub async fn start_contest_attempt(
        &self,
        keys: &EntrantKeys,
        contest_id: i64,
        entrant: VerifiedEntrant,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<StartedAttempt> {
        let hash = keys.hash(&entrant.person);
        let setup = self.attempt_setup(contest_id).await?;
        let mut tx = self.begin_write(ENTRANT, Timestamp::from(now)).await?;
        let row = sqlx::query(
            "SELECT id, salt, code_hash, issued_at, expires_at, tries, verified_at FROM contest_codes \
             WHERE contest_id = $1 AND person_hash = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(contest_id)
        .bind(&hash)
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| invalid("Hãy nhập số điện thoại và yêu cầu gửi mã xác thực trước."))?;
        let code_id: i64 = row.try_get("id")?;
        let mut challenge = OtpChallenge {
            person: entrant.person.clone(),
            salt: row.try_get("salt")?,
            code_hash: row.try_get("code_hash")?,
            issued_at: read_instant(&row.try_get::<String, _>("issued_at")?)?,
            expires_at: read_instant(&row.try_get::<String, _>("expires_at")?)?,
            tries: u32::try_from(row.try_get::<i64, _>("tries")?).unwrap_or(u32::MAX),
            verified_at: row.try_get::<Option<String>, _>("verified_at")?.map(|s| read_instant(&s)).transpose()?,
        };
        let verdict = challenge.verify(code, now);
        sqlx::query("UPDATE contest_codes SET tries = $1, verified_at = $2 WHERE id = $3")
            .bind(i64::from(challenge.tries))
            .bind(challenge.verified_at.map(|t| Timestamp::from(t).stored_millis()))
            .bind(code_id)
            .execute(tx.conn())
            .await?;
        if let Err(e) = verdict {
            tx.audit(
                "contest.code_refused",
                &format!("contest:{contest_id}"),
                &json!({"code": code_id, "phone": entrant.person.masked(), "reason": e.to_string()}),
            )
            .await?;
            tx.commit().await?;
            return Err(invalid(e.message_vi()));
        }
        let started = tx.start_attempts(&setup, keys, std::slice::from_ref(&entrant), now).await?;
        tx.commit().await?;
        started.into_iter().next().ok_or(StoreError::NotFound)
    }
}

impl WriteTx {
    /// Starts attempts for entrants whose numbers the caller verified: each
    /// is checked (contest open, not the organisers' staff, attempts left
    /// in the period, a unit of the contest), gets its own draw and a
    /// secret token. One audit entry for them all.
    pub async fn start_attempts(
        &mut self,
        setup: &AttemptSetup,
        keys: &EntrantKeys,
        entrants: &[VerifiedEntrant],
        now: DateTime<Utc>,
    ) -> Result<Vec<StartedAttempt>> {
        let AttemptSetup { contest, units, bank } = setup;
        let window = contest.rules.start_attempt(now).map_err(|e| invalid(e.message_vi()))?;
        let staff: BTreeSet<String> = sqlx::query_scalar("SELECT person_hash FROM contest_staff WHERE unit_id = $1")
            .bind(contest.organiser.0)
            .fetch_all(self.conn())
            .await?
            .into_iter()
            .collect();

        // Earlier attempts of these people, read in chunks.
        let hashes: Vec<String> = entrants.iter().map(|e| keys.hash(&e.person)).collect();
        let mut past: HashMap<String, Vec<DateTime<Utc>>> = HashMap::new();
        let mut wanted: Vec<&String> = hashes.iter().collect();
        wanted.sort();
        wanted.dedup();
        for chunk in wanted.chunks(500) {
            let marks: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT person_hash, started_at FROM contest_attempts WHERE contest_id = $1 AND person_hash IN ({})",
                marks.join(",")
            );
            let mut q = sqlx::query(&sql).bind(contest.id);
            for h in chunk {
                q = q.bind(h.as_str());
            }
            for r in q.fetch_all(self.conn()).await? {
                past.entry(r.try_get("person_hash")?)
                    .or_default()
                    .push(read_instant(&r.try_get::<String, _>("started_at")?)?);
            }
        }

        let mut rows = Vec::with_capacity(entrants.len());
        let mut started = Vec::with_capacity(entrants.len());
        for (entrant, hash) in entrants.iter().zip(&hashes) {
            let name = clean_name(&entrant.name)?;
            if staff.contains(hash) {
                let one: BTreeSet<PersonKey> = [entrant.person.clone()].into();
                check_eligibility(&entrant.person, &one).map_err(|e| invalid(e.message_vi()))?;
            }
            if let Some(unit) = entrant.unit
                && !units.contains(&unit)
            {
                return Err(invalid("Đơn vị đã chọn không tham gia cuộc thi này."));
            }
            let previous: Vec<PastAttempt> = past
                .get(hash)
                .map(|v| {
                    v.iter().map(|&started_at| PastAttempt { person: entrant.person.clone(), started_at }).collect()
                })
                .unwrap_or_default();
            may_start(&contest.rules.attempts, &entrant.person, &previous, now).map_err(|e| invalid(e.message_vi()))?;
            past.entry(hash.clone()).or_default().push(now);
            let drawn = draw(bank, contest.rules.question_count, &contest.rules.quotas, rand::random())
                .map_err(|e| invalid(e.message_vi()))?;
            let token = hex::encode(rand::random::<[u8; 32]>());
            rows.push(vec![
                Val::I(Some(contest.id)),
                Val::S(Some(hash.clone())),
                Val::S(Some(entrant.person.masked())),
                Val::B(Some(keys.seal(&entrant.person))),
                Val::S(Some(name)),
                Val::I(entrant.unit.map(|u| u.0)),
                Val::S(Some(token_hash(&token))),
                Val::S(Some(drawn.encode())),
                Val::S(Some(Timestamp::from(window.started_at).stored_millis())),
                Val::S(Some(Timestamp::from(window.deadline).stored_millis())),
            ]);
            started.push(StartedAttempt { id: 0, token, draw: drawn, window });
        }
        let inserted = bulk_insert_returning(
            self,
            "contest_attempts",
            &[
                "contest_id",
                "person_hash",
                "person_masked",
                "person_sealed",
                "name",
                "unit_id",
                "token_hash",
                "draw",
                "started_at",
                "deadline",
            ],
            rows,
            Some("id, token_hash"),
        )
        .await?;
        let mut ids = HashMap::with_capacity(inserted.len());
        for r in inserted {
            ids.insert(r.try_get::<String, _>(1)?, r.try_get::<i64, _>(0)?);
        }
        for s in &mut started {
            s.id = *ids.get(&token_hash(&s.token)).ok_or(StoreError::NotFound)?;
        }
        let details = if let [one] = started.as_slice() {
            json!({"attempt": one.id, "phone": entrants.first().map(|e| e.person.masked())})
        } else {
            json!({"attempts": started.len(), "first": started.first().map(|s| s.id), "last": started.last().map(|s| s.id)})
        };
        self.audit("contest.start", &format!("contest:{}", contest.id), &details).await?;
        Ok(started)
    }
}

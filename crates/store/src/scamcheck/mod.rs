//! Scam check (SPEC M6): indicators and their life (verified from
//! correlated reports or feeds, aged out unless seen again, withdrawn when
//! an owner's dispute is upheld), the live index every replica checks
//! against ([`live`]), and counts of checks that never keep what was checked.
//! Every decision is audited.

mod feeds;
pub mod live;
mod official;

use chrono::{DateTime, NaiveDate, Utc};
use khienmang_core::reports::{Category, Contact, TrackingCode, new_secret, secret_hash};
use khienmang_core::scamcheck::{IndicatorKey, IndicatorKind, IndicatorStatus, SubjectKind, lifetime};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::reports::FieldKey;
use crate::{Result, Store, StoreError, WriteTx};
use khienmang_core::time::Timestamp;

pub use feeds::FeedImportReport;
pub use live::LiveIndex;
pub use official::{MAX_SOURCE_CHARS, OfficialRow, checked_source};

/// Raised by every write to `indicators`; replicas poll for rows above theirs.
pub(crate) const SEQ: &str = "scamcheck.seq";
/// Prefix of a dispute's tracking code ("khiếu nại").
pub const DISPUTE_PREFIX: &str = "KN";

/// One indicator as analysts see it.
#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub hash: String,
    pub status: IndicatorStatus,
    pub category: Category,
    pub confidence: i64,
    pub source: String,
    pub source_ref: Option<String>,
    pub reports: i64,
    pub first_seen: String,
    pub last_seen: String,
    pub expires_at: Option<String>,
    pub imitates: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub note: Option<String>,
}

const COLUMNS: &str = "id, kind, key, hash, state, category, confidence, source, source_ref, reports, first_seen, \
    last_seen, expires_at, imitates, decided_by, decided_at, note";

fn indicator(r: &AnyRow) -> Result<Indicator> {
    Ok(Indicator {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        key: r.try_get("key")?,
        hash: r.try_get("hash")?,
        status: IndicatorStatus::parse(&r.try_get::<String, _>("state")?).unwrap_or(IndicatorStatus::Candidate),
        category: Category::parse(&r.try_get::<String, _>("category")?).unwrap_or(Category::Other),
        confidence: r.try_get("confidence")?,
        source: r.try_get("source")?,
        source_ref: r.try_get("source_ref")?,
        reports: r.try_get("reports")?,
        first_seen: r.try_get("first_seen")?,
        last_seen: r.try_get("last_seen")?,
        expires_at: r.try_get("expires_at")?,
        imitates: r.try_get("imitates")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: r.try_get("decided_at")?,
        note: r.try_get("note")?,
    })
}

/// What an analyst or a feed says about a key.
#[derive(Debug, Clone)]
pub struct Listing {
    pub key: IndicatorKey,
    pub status: IndicatorStatus,
    pub category: Category,
    pub confidence: i64,
    pub source: String,
    pub source_ref: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// `None`: the kind's lifetime after `last_seen`.
    pub valid_until: Option<DateTime<Utc>>,
    pub imitates: Option<String>,
    pub note: Option<String>,
}

/// The lifetime of an indicator kind (see [`lifetime`]).
pub fn kind_lifetime(kind: IndicatorKind) -> chrono::Duration {
    lifetime(match kind {
        IndicatorKind::Phone => SubjectKind::Phone,
        IndicatorKind::BankAccount => SubjectKind::BankAccount,
        IndicatorKind::Url => SubjectKind::Url,
    })
}

/// The kind as stored in `indicators.kind`.
pub fn kind_of(stored: &str) -> IndicatorKind {
    match stored {
        "phone" => IndicatorKind::Phone,
        "bank_account" => IndicatorKind::BankAccount,
        _ => IndicatorKind::Url,
    }
}

/// An open dispute, or one decided, as analysts see it.
#[derive(Debug, Clone, Serialize)]
pub struct Dispute {
    pub id: i64,
    pub indicator_id: i64,
    pub code: String,
    pub statement: String,
    pub status: String,
    pub filed_at: String,
    pub decided_at: Option<String>,
    pub decision: Option<String>,
    pub indicator_key: String,
    pub has_contact: bool,
}

const DISPUTE_SELECT: &str = "SELECT d.id, d.indicator_id, d.code, d.statement, d.status, d.filed_at, \
    d.decided_at, d.decision, i.key, d.contact_sealed IS NOT NULL AS has_contact \
    FROM indicator_disputes d JOIN indicators i ON i.id = d.indicator_id";

fn dispute(r: &AnyRow) -> Result<Dispute> {
    Ok(Dispute {
        id: r.try_get(0)?,
        indicator_id: r.try_get(1)?,
        code: r.try_get(2)?,
        statement: r.try_get(3)?,
        status: r.try_get(4)?,
        filed_at: r.try_get(5)?,
        decided_at: r.try_get(6)?,
        decision: r.try_get(7)?,
        indicator_key: r.try_get(8)?,
        has_contact: r.try_get::<bool, _>(9).or_else(|_| r.try_get::<i64, _>(9).map(|v| v != 0))?,
    })
}

/// What the owner keeps to follow a dispute.
#[derive(Debug, Clone, Serialize)]
pub struct DisputeReceipt {
    pub code: String,
    pub secret: String,
}

impl Store {
    /// Indicators in a state (all when `None`), newest change first.
    pub async fn indicators(&self, status: Option<IndicatorStatus>, limit: i64, offset: i64) -> Result<Vec<Indicator>> {
        let rows = match status {
            Some(s) => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM indicators WHERE state = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3"
                ))
                .bind(s.as_str())
                .bind(limit)
                .bind(offset)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM indicators ORDER BY seq DESC LIMIT $1 OFFSET $2"))
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter().map(indicator).collect()
    }

    pub async fn indicator(&self, id: i64) -> Result<Indicator> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM indicators WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        indicator(&row)
    }

    /// An indicator the public is shown now (verified or disputed, not
    /// expired, as the feeds publish them), by its hash: the reference the
    /// owner's dispute page uses, so that rows never shown cannot be listed.
    pub async fn public_indicator_by_hash(&self, hash: &str, now: DateTime<Utc>) -> Result<Option<Indicator>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM indicators WHERE hash = $1 AND state IN ('verified', 'disputed') \
             AND (expires_at IS NULL OR expires_at > $2)"
        ))
        .bind(hash)
        .bind(Timestamp::from(now).stored())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(indicator).transpose()
    }

    pub async fn indicator_by_key(&self, key: &str) -> Result<Option<Indicator>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM indicators WHERE key = $1"))
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(indicator).transpose()
    }

    /// Verified indicators still in force on `now`, for the exported feeds.
    pub async fn indicators_in_force(&self, now: DateTime<Utc>) -> Result<Vec<Indicator>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM indicators WHERE state IN ('verified', 'disputed') \
             AND (expires_at IS NULL OR expires_at > $1) ORDER BY id"
        ))
        .bind(Timestamp::from(now).stored())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(indicator).collect()
    }

    /// Disputes, open ones first then newest.
    pub async fn disputes(&self, open_only: bool, limit: i64) -> Result<Vec<Dispute>> {
        let filter = if open_only { "WHERE d.status = 'open'" } else { "" };
        let rows = sqlx::query(&format!(
            "{DISPUTE_SELECT} {filter} ORDER BY CASE WHEN d.status = 'open' THEN 0 ELSE 1 END, d.id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(dispute).collect()
    }

    /// The owner's view of their dispute, with code and secret.
    pub async fn dispute_by_code(&self, code: &str, secret: &str) -> Result<Dispute> {
        let code = TrackingCode::parse_with(DISPUTE_PREFIX, code).ok_or(StoreError::NotFound)?;
        let row = sqlx::query(&format!("{DISPUTE_SELECT} WHERE d.code = $1 AND d.secret_hash = $2"))
            .bind(code.as_str())
            .bind(secret_hash(secret))
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        dispute(&row)
    }

    /// Adds today's checks to the counts (kind and verdict only, never the value).
    pub async fn add_check_counts(&self, counts: &[(NaiveDate, &str, &str, i64)], now: Timestamp) -> Result<()> {
        let mut tx = self.begin_write(crate::reports::SYSTEM, now).await?;
        for (day, kind, verdict, n) in counts {
            sqlx::query(
                "INSERT INTO check_counts (day, kind, verdict, n) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (day, kind, verdict) DO UPDATE SET n = check_counts.n + excluded.n",
            )
            .bind(day.to_string())
            .bind(*kind)
            .bind(*verdict)
            .bind(*n)
            .execute(tx.conn())
            .await?;
        }
        tx.commit().await
    }

    /// Checks per day, kind and verdict.
    pub async fn check_counts(&self) -> Result<Vec<(String, String, String, i64)>> {
        Ok(sqlx::query_as("SELECT day, kind, verdict, n FROM check_counts ORDER BY day DESC, kind, verdict LIMIT 1000")
            .fetch_all(self.pool())
            .await?)
    }

    /// Re-sightings: a verified indicator that citizens report again lives
    /// on from the last report (the decay restarts); report counts follow,
    /// counted as everywhere else ([`crate::reports::NAMING_COUNTS`]).
    pub async fn resight_indicators(&self, now: Timestamp) -> Result<usize> {
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT i.id, i.kind, CAST(COUNT(DISTINCT ri.report_id) AS BIGINT), MAX(r.received_at) FROM indicators i \
             JOIN report_identifiers ri ON ri.kind = i.kind AND ('tel:' || ri.value = i.key \
               OR 'bank:' || ri.value = i.key OR ri.value || '/' = i.key) \
             JOIN reports r ON r.id = ri.report_id \
             WHERE i.state IN ('verified', 'candidate') GROUP BY i.id, i.kind, i.last_seen, i.reports \
             HAVING MAX(r.received_at) > i.last_seen OR COUNT(DISTINCT ri.report_id) <> i.reports",
        )
        .fetch_all(self.pool())
        .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write(crate::reports::SYSTEM, now).await?;
        let seq = tx.bump_generation(SEQ).await?;
        for (id, kind, reports, last) in &rows {
            let seen = DateTime::parse_from_rfc3339(last).map(|t| t.with_timezone(&Utc)).unwrap_or_else(|_| now.utc());
            let until = seen + kind_lifetime(kind_of(kind));
            sqlx::query(
                "UPDATE indicators SET reports = $1, last_seen = CASE WHEN last_seen < $2 THEN $2 ELSE last_seen END, \
                 expires_at = CASE WHEN expires_at IS NULL OR expires_at < $3 THEN $3 ELSE expires_at END, seq = $4 \
                 WHERE id = $5",
            )
            .bind(reports)
            .bind(last)
            .bind(Timestamp::from(until).stored())
            .bind(seq)
            .bind(id)
            .execute(tx.conn())
            .await?;
        }
        tx.audit("indicator.resight", "indicators", &json!({"indicators": rows.len()})).await?;
        tx.commit().await?;
        Ok(rows.len())
    }
}

impl WriteTx {
    /// Writes what an analyst decided or a feed said about a key. A feed
    /// never overrides an official, rejected, withdrawn or disputed entry:
    /// those are people's decisions protecting owners.
    pub async fn list_indicator(&mut self, l: &Listing, from_feed: bool) -> Result<Option<i64>> {
        let seq = self.bump_generation(SEQ).await?;
        let expires = match l.status {
            IndicatorStatus::Official | IndicatorStatus::Rejected | IndicatorStatus::Withdrawn => None,
            _ => Some(Timestamp::from(l.valid_until.unwrap_or(l.last_seen + kind_lifetime(l.key.kind()))).stored()),
        };
        let guard = if from_feed { "WHERE indicators.state IN ('candidate', 'verified')" } else { "" };
        let decided = (!from_feed).then(|| self.actor.clone());
        let row = sqlx::query(&format!(
            "INSERT INTO indicators (kind, key, hash, state, category, confidence, source, source_ref, reports, \
             first_seen, last_seen, expires_at, imitates, decided_by, decided_at, note, seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13, $14, $15, $16) \
             ON CONFLICT (key) DO UPDATE SET state = excluded.state, category = excluded.category, \
             confidence = excluded.confidence, source = excluded.source, source_ref = excluded.source_ref, \
             first_seen = CASE WHEN indicators.first_seen < excluded.first_seen THEN indicators.first_seen ELSE excluded.first_seen END, \
             last_seen = CASE WHEN indicators.last_seen > excluded.last_seen THEN indicators.last_seen ELSE excluded.last_seen END, \
             expires_at = excluded.expires_at, imitates = COALESCE(excluded.imitates, indicators.imitates), \
             decided_by = COALESCE(excluded.decided_by, indicators.decided_by), \
             decided_at = COALESCE(excluded.decided_at, indicators.decided_at), \
             note = COALESCE(excluded.note, indicators.note), seq = excluded.seq {guard} RETURNING id"
        ))
        .bind(l.key.kind().as_str())
        .bind(l.key.as_str())
        .bind(hex::encode(l.key.hash()))
        .bind(l.status.as_str())
        .bind(l.category.as_str())
        .bind(l.confidence.clamp(0, 100))
        .bind(&l.source)
        .bind(l.source_ref.clone())
        .bind(Timestamp::from(l.first_seen).stored())
        .bind(Timestamp::from(l.last_seen).stored())
        .bind(expires)
        .bind(l.imitates.clone())
        .bind(decided)
        .bind((!from_feed).then(|| self.stamp()))
        .bind(l.note.clone())
        .bind(seq)
        .fetch_optional(&mut *self.tx)
        .await?;
        let id: Option<i64> = row.map(|r| r.try_get(0)).transpose()?;
        if !from_feed {
            self.audit(
                &format!("indicator.{}", l.status.as_str()),
                &format!("indicator:{}", id.unwrap_or_default()),
                &json!({"kind": l.key.kind().as_str(), "key": l.key.as_str(), "category": l.category.as_str(),
                        "confidence": l.confidence, "note": l.note}),
            )
            .await?;
        }
        Ok(id)
    }

    /// Takes an indicator off the list (it stays, withdrawn, with the reason).
    pub async fn withdraw_indicator(&mut self, id: i64, note: &str) -> Result<()> {
        let seq = self.bump_generation(SEQ).await?;
        let done = sqlx::query(
            "UPDATE indicators SET state = 'withdrawn', note = $1, decided_by = $2, decided_at = $3, seq = $4 \
             WHERE id = $5 AND state <> 'withdrawn'",
        )
        .bind(note)
        .bind(&self.actor)
        .bind(self.stamp())
        .bind(seq)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit("indicator.withdraw", &format!("indicator:{id}"), &json!({"note": note})).await?;
        Ok(())
    }

    /// An owner disputes a verified listing: the verdict reads "disputed"
    /// until an analyst decides. Returns the code and secret to follow it.
    pub async fn file_dispute(
        &mut self,
        indicator_id: i64,
        statement: &str,
        contact: &Contact,
        key: &FieldKey,
    ) -> Result<DisputeReceipt> {
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM indicators WHERE id = $1")
            .bind(indicator_id)
            .fetch_optional(&mut *self.tx)
            .await?;
        match state.as_deref() {
            Some("verified" | "disputed") => {}
            Some(_) => return Err(invalid("Nội dung này hiện không bị liệt kê là lừa đảo, không cần khiếu nại.")),
            None => return Err(StoreError::NotFound),
        }
        let statement = statement.trim();
        if statement.chars().count() < 20 || statement.chars().count() > 4000 {
            return Err(invalid("Hãy trình bày lý do khiếu nại (từ 20 đến 4.000 ký tự)."));
        }
        let code = TrackingCode::generate_with(DISPUTE_PREFIX, rand::random());
        let secret = new_secret(rand::random());
        let sealed = (!contact.is_empty())
            .then(|| serde_json::to_vec(contact).map(|plain| key.seal(&plain)))
            .transpose()
            .map_err(|_| invalid("liên hệ"))?;
        let id = self
            .insert_returning_id(
                "INSERT INTO indicator_disputes (indicator_id, code, secret_hash, statement, contact_sealed, status, filed_at) \
                 VALUES ($1, $2, $3, $4, $5, 'open', $6)",
                vec![
                    crate::db::Val::I(Some(indicator_id)),
                    crate::db::Val::S(Some(code.to_string())),
                    crate::db::Val::S(Some(secret_hash(&secret))),
                    crate::db::Val::S(Some(statement.to_owned())),
                    crate::db::Val::B(sealed),
                    crate::db::Val::S(Some(self.stamp())),
                ],
            )
            .await?;
        let seq = self.bump_generation(SEQ).await?;
        sqlx::query("UPDATE indicators SET state = 'disputed', seq = $1 WHERE id = $2")
            .bind(seq)
            .bind(indicator_id)
            .execute(&mut *self.tx)
            .await?;
        self.audit("indicator.dispute", &format!("indicator:{indicator_id}"), &json!({"dispute": id})).await?;
        Ok(DisputeReceipt { code: code.to_string(), secret })
    }

    /// Decides a dispute: upheld withdraws the listing, rejected restores it.
    pub async fn decide_dispute(&mut self, dispute_id: i64, upheld: bool, decision: &str) -> Result<()> {
        let indicator: Option<i64> =
            sqlx::query_scalar("SELECT indicator_id FROM indicator_disputes WHERE id = $1 AND status = 'open'")
                .bind(dispute_id)
                .fetch_optional(&mut *self.tx)
                .await?;
        let indicator = indicator.ok_or(StoreError::NotFound)?;
        if decision.trim().is_empty() {
            return Err(invalid("Hãy ghi lý do quyết định: chủ sở hữu sẽ đọc được."));
        }
        sqlx::query(
            "UPDATE indicator_disputes SET status = $1, decided_by = $2, decided_at = $3, decision = $4 WHERE id = $5",
        )
        .bind(if upheld { "upheld" } else { "rejected" })
        .bind(&self.actor)
        .bind(self.stamp())
        .bind(decision.trim())
        .bind(dispute_id)
        .execute(&mut *self.tx)
        .await?;
        let still_open: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM indicator_disputes WHERE indicator_id = $1 AND status = 'open'")
                .bind(indicator)
                .fetch_one(&mut *self.tx)
                .await?;
        let state = match (upheld, still_open) {
            (true, _) => "withdrawn",
            (false, 0) => "verified",
            (false, _) => "disputed",
        };
        let seq = self.bump_generation(SEQ).await?;
        sqlx::query("UPDATE indicators SET state = $1, seq = $2, decided_by = $3, decided_at = $4 WHERE id = $5")
            .bind(state)
            .bind(seq)
            .bind(&self.actor)
            .bind(self.stamp())
            .bind(indicator)
            .execute(&mut *self.tx)
            .await?;
        self.audit(
            "indicator.dispute_decided",
            &format!("indicator:{indicator}"),
            &json!({"dispute": dispute_id, "upheld": upheld, "decision": decision.trim()}),
        )
        .await?;
        Ok(())
    }

    /// The owner's contact on a dispute (audited, like a reporter's).
    pub async fn dispute_contact(&mut self, dispute_id: i64, key: &FieldKey) -> Result<Option<Contact>> {
        let sealed: Option<Vec<u8>> = sqlx::query_scalar("SELECT contact_sealed FROM indicator_disputes WHERE id = $1")
            .bind(dispute_id)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.audit("personal_data.view", &format!("dispute:{dispute_id}"), &json!({"field": "contact"})).await?;
        match sealed {
            Some(bytes) => Ok(Some(serde_json::from_slice(&key.open(&bytes)?).map_err(|_| invalid("liên hệ hỏng"))?)),
            None => Ok(None),
        }
    }
}

fn invalid(message: &str) -> StoreError {
    StoreError::Invalid(message.to_owned())
}

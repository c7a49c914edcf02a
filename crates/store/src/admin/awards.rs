//! Award nominations and their approval chain; the register is the
//! approved ones with their decision numbers. A nomination is corrected
//! (nominee, kind, achievement) until it is decided, voided with a reason
//! when entered by mistake (it leaves the lists, the register and its
//! counts but stays in its history and the audit log), and restored by the
//! secretariat.

use khienmang_core::Date;
use khienmang_core::admin::{AwardKind, Nomination, NominationStatus, Nominee, RegisterEntry};
use khienmang_core::movement::{ChangeAction, RecordKind, VoidReason};
use khienmang_core::org::UnitId;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::invalid;
use crate::movement::corrections::voided_of;
use crate::movement::{Voided, changed_fields};
use crate::{Result, Store, StoreError, WriteTx};

const SELECT: &str =
    "SELECT id, nomination, decision_no, updated_at, voided_at, voided_by, void_reason FROM award_nominations";

/// A stored nomination.
#[derive(Debug, Clone, Serialize)]
pub struct NominationRecord {
    pub id: i64,
    pub nomination: Nomination,
    pub decision_no: Option<String>,
    pub updated_at: String,
    /// Set while the nomination is voided (entered by mistake).
    pub voided: Option<Voided>,
}

impl NominationRecord {
    /// Its line in the register, once approved with a decision number;
    /// a voided nomination has none.
    pub fn register_entry(&self) -> Option<RegisterEntry> {
        if self.voided.is_some() {
            return None;
        }
        self.nomination.register_entry(self.decision_no.as_deref()?).ok()
    }
}

/// What a correction may change on a nomination not yet decided.
#[derive(Debug, Clone)]
pub struct NominationFix {
    pub nominee: Nominee,
    pub kind: AwardKind,
    pub deed_on: Option<khienmang_core::Date>,
    pub achievement_vi: String,
}

/// The fields of a nomination as its history compares them.
fn shown(n: &Nomination) -> serde_json::Value {
    json!({
        "đối tượng": format!("{} ({})", n.nominee.name(), n.nominee.kind_vi()),
        "hình thức": n.kind.label_vi(),
        "ngày lập thành tích": n.deed_on.map(|d| d.format("%d/%m/%Y").to_string()),
        "thành tích": n.achievement_vi,
    })
}

fn record(r: &AnyRow) -> Result<NominationRecord> {
    let json: String = r.try_get("nomination")?;
    Ok(NominationRecord {
        id: r.try_get("id")?,
        nomination: serde_json::from_str(&json).map_err(|_| invalid("hồ sơ khen thưởng hỏng trong cơ sở dữ liệu"))?,
        decision_no: r.try_get("decision_no")?,
        updated_at: r.try_get("updated_at")?,
        voided: voided_of(r)?,
    })
}

impl Store {
    /// Nominations of `year` (every year with `None`) that count, newest first.
    pub async fn nominations(&self, year: Option<i32>) -> Result<Vec<NominationRecord>> {
        Ok(self.nominations_with_voided(year).await?.into_iter().filter(|n| n.voided.is_none()).collect())
    }

    /// Nominations of `year` (every year with `None`) including the voided
    /// ones, newest first: for the secretariat, who may restore them.
    pub async fn nominations_with_voided(&self, year: Option<i32>) -> Result<Vec<NominationRecord>> {
        let rows = match year {
            Some(y) => {
                let sql = format!("{SELECT} WHERE year = $1 ORDER BY id DESC");
                sqlx::query(&sql).bind(i64::from(y)).fetch_all(self.pool()).await?
            }
            None => sqlx::query(&format!("{SELECT} ORDER BY id DESC")).fetch_all(self.pool()).await?,
        };
        rows.iter().map(record).collect()
    }

    /// A nomination, voided or not.
    pub async fn nomination(&self, id: i64) -> Result<Option<NominationRecord>> {
        let row = sqlx::query(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(self.pool()).await?;
        row.as_ref().map(record).transpose()
    }
}

impl WriteTx {
    /// A unit proposes an award (already checked by `Nomination::draft`) and
    /// sends it on at once.
    pub async fn nominate(&mut self, mut n: Nomination, on: Date) -> Result<i64> {
        let by = n.proposed_by;
        n.step(NominationStatus::Submitted, by, on, None).map_err(|e| invalid(e.message_vi()))?;
        let json = serde_json::to_string(&n).map_err(|e| invalid(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO award_nominations (proposed_by, year, kind, status, nominee_name, nomination, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(by.0)
        .bind(i64::from(n.year))
        .bind(n.kind.as_str())
        .bind(n.status.as_str())
        .bind(n.nominee.name())
        .bind(&json)
        .bind(self.stamp())
        .fetch_one(&mut *self.tx)
        .await?;
        self.audit(
            "award.nominate",
            &format!("nomination:{id}"),
            &json!({
                "nominee": n.nominee.name(), "kind": n.kind.as_str(), "year": n.year
            }),
        )
        .await?;
        Ok(id)
    }

    /// The next step of the chain, taken by `by` (the level that decides);
    /// approving needs the decision number.
    pub async fn step_nomination(
        &mut self,
        id: i64,
        to: NominationStatus,
        by: UnitId,
        on: Date,
        note: Option<String>,
        decision_no: Option<&str>,
    ) -> Result<()> {
        let mut rec = self.load_nomination(id).await?;
        if rec.voided.is_some() {
            return Err(invalid("Hồ sơ này đã bị hủy; cần khôi phục trước khi xử lý tiếp."));
        }
        let decision_no = decision_no.map(str::trim).filter(|d| !d.is_empty());
        if to == NominationStatus::Approved && decision_no.is_none() {
            return Err(invalid("Cần ghi số quyết định khen thưởng."));
        }
        rec.nomination.step(to, by, on, note).map_err(|e| invalid(e.message_vi()))?;
        let json = serde_json::to_string(&rec.nomination).map_err(|e| invalid(e.to_string()))?;
        sqlx::query(
            "UPDATE award_nominations SET status = $1, nomination = $2, decision_no = COALESCE($3, decision_no), \
             updated_at = $4 WHERE id = $5",
        )
        .bind(to.as_str())
        .bind(&json)
        .bind(decision_no)
        .bind(self.stamp())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        self.audit("award.step", &format!("nomination:{id}"), &json!({"to": to.as_str(), "decision": decision_no}))
            .await?;
        Ok(())
    }

    async fn load_nomination(&mut self, id: i64) -> Result<NominationRecord> {
        let row = sqlx::query(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(record).transpose()?.ok_or(StoreError::NotFound)
    }

    /// Corrects a nomination not yet decided (not approved or rejected) and
    /// not voided; the history keeps what changed.
    pub async fn correct_nomination(&mut self, id: i64, fix: NominationFix) -> Result<()> {
        let rec = self.load_nomination(id).await?;
        if rec.voided.is_some() {
            return Err(invalid("Hồ sơ này đã bị hủy; cần khôi phục trước khi sửa."));
        }
        if rec.nomination.status.is_final() {
            return Err(invalid("Hồ sơ đã có quyết định nên không sửa được nữa."));
        }
        let old = rec.nomination.clone();
        // The draft's own checks (a name, an achievement, an ad-hoc date) apply to the correction.
        let checked = Nomination::draft(
            fix.nominee,
            fix.kind,
            old.year,
            fix.deed_on,
            fix.achievement_vi.trim(),
            old.proposed_by,
            old.history.first().map_or(chrono::NaiveDate::MIN, |s| s.on),
        )
        .map_err(|e| invalid(e.message_vi()))?;
        let new = Nomination {
            nominee: checked.nominee,
            kind: checked.kind,
            deed_on: checked.deed_on,
            achievement_vi: checked.achievement_vi,
            ..old.clone()
        };
        let changes = changed_fields(&shown(&old), &shown(&new));
        if changes.is_empty() {
            return Ok(());
        }
        let json = serde_json::to_string(&new).map_err(|e| invalid(e.to_string()))?;
        sqlx::query(
            "UPDATE award_nominations SET kind = $1, nominee_name = $2, nomination = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(new.kind.as_str())
        .bind(new.nominee.name())
        .bind(&json)
        .bind(self.stamp())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        self.record_history_row(RecordKind::Nomination, &id.to_string(), ChangeAction::Edit, changes, None).await
    }

    /// Voids a nomination entered by mistake: it leaves the lists and the
    /// register, and stays in its history and the audit log.
    pub async fn void_nomination(&mut self, id: i64, reason: &VoidReason) -> Result<()> {
        let marked = self.mark_void("award_nominations", "id = $4", &[id], reason).await?;
        if marked == 0 {
            return Err(match self.load_nomination(id).await {
                Ok(_) => invalid("Hồ sơ này đã bị hủy trước đó."),
                Err(e) => e,
            });
        }
        self.record_history_row(
            RecordKind::Nomination,
            &id.to_string(),
            ChangeAction::Void,
            serde_json::Map::new(),
            Some(reason.as_str()),
        )
        .await
    }

    /// Restores a voided nomination (the secretariat's decision).
    pub async fn restore_nomination(&mut self, id: i64) -> Result<()> {
        let rec = self.load_nomination(id).await?;
        if rec.voided.is_none() {
            return Err(invalid("Hồ sơ này không bị hủy."));
        }
        self.clear_void("award_nominations", "id = $1", &[id], None).await?;
        self.record_history_row(
            RecordKind::Nomination,
            &id.to_string(),
            ChangeAction::Restore,
            serde_json::Map::new(),
            None,
        )
        .await
    }
}

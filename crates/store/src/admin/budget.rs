//! The programme's budget: amounts entered by level, spending line, stage
//! and span, the document's plan seeded as yearly estimates, and the
//! summary by level with the district share re-homed.

use khienmang_core::admin::budget::PlanRow;
use khienmang_core::admin::phases::{PROGRAMME_END, PROGRAMME_START};
use khienmang_core::admin::{
    BudgetEntry, BudgetLevel, BudgetRow, DISTRICT_LEVEL_END, DOCUMENT_PLAN, SpendingLine, Stage, document_plan_rows,
    rehome,
};
use khienmang_core::movement::{ChangeAction, RecordKind, VoidReason};
use khienmang_core::org::UnitId;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use utoipa::ToSchema;

use super::{day, invalid};
use crate::movement::{Voided, changed_fields, voided_of};
use crate::{Result, Store, StoreError, WriteTx};

/// One stored amount.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetRecord {
    pub id: i64,
    pub unit: Option<UnitId>,
    pub entry: BudgetEntry,
    pub note: Option<String>,
    pub created_by: String,
    /// Set when the entry was voided (the budget's figures never count one).
    pub voided: Option<Voided>,
}

/// The columns an entry is read from; `filter` selects.
fn entry_sql(filter: &str) -> String {
    format!(
        "SELECT id, unit_id, level, line, stage, amount, from_day, to_day, note, created_by, voided_at, voided_by, \
         void_reason FROM budget_entries WHERE {filter}"
    )
}

fn record_of(r: &sqlx::any::AnyRow) -> Result<BudgetRecord> {
    let bad = |what: &str| invalid(format!("khoản kinh phí hỏng trong cơ sở dữ liệu: {what}"));
    let line: Option<String> = r.try_get("line")?;
    Ok(BudgetRecord {
        id: r.try_get("id")?,
        unit: r.try_get::<Option<i64>, _>("unit_id")?.map(UnitId),
        entry: BudgetEntry {
            level: BudgetLevel::parse(&r.try_get::<String, _>("level")?).ok_or_else(|| bad("level"))?,
            line: match line {
                Some(l) => Some(SpendingLine::parse(&l).ok_or_else(|| bad("line"))?),
                None => None,
            },
            stage: Stage::parse(&r.try_get::<String, _>("stage")?).ok_or_else(|| bad("stage"))?,
            amount: r.try_get("amount")?,
            from: day(&r.try_get::<String, _>("from_day")?)?,
            to: day(&r.try_get::<String, _>("to_day")?)?,
        },
        note: r.try_get("note")?,
        created_by: r.try_get("created_by")?,
        voided: voided_of(r)?,
    })
}

/// The four stages of one level (or of the total), in whole đồng.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct LevelTotals {
    /// `province`, `district`, `commune`, or `total`.
    pub level: String,
    /// "Cấp xã (chuyển từ cấp huyện)" for the re-homed part.
    pub label: String,
    /// The level the amounts were entered at, for a re-homed part.
    pub rehomed_from: Option<String>,
    pub planned: i64,
    pub allocated: i64,
    pub spent: i64,
    pub settled: i64,
}

impl LevelTotals {
    fn add(&mut self, stage: Stage, amount: i64) {
        let slot = match stage {
            Stage::Estimate => &mut self.planned,
            Stage::Allocation => &mut self.allocated,
            Stage::Spending => &mut self.spent,
            Stage::Settlement => &mut self.settled,
        };
        *slot = slot.saturating_add(amount);
    }
}

/// The budget as entered (by the level that entered it) and after the
/// district share was re-homed, with the document's plan beside it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BudgetSummary {
    /// By the level amounts were entered at: what the document's figures are compared with.
    pub by_level: Vec<LevelTotals>,
    /// After 1/7/2025 the district's part belongs to its successors; the moved parts are rows of their own.
    pub rehomed: Vec<LevelTotals>,
    pub total: LevelTotals,
    /// The document's plan (Part 2, IV.1) by level, and its total.
    pub document: Vec<LevelTotals>,
    /// The document's plan re-homed the same way.
    pub document_rehomed: Vec<LevelTotals>,
}

fn label(level: BudgetLevel, from: Option<BudgetLevel>) -> String {
    match from {
        Some(f) => format!("{} (chuyển từ {})", level.label_vi(), f.label_vi().to_lowercase()),
        None => level.label_vi().to_owned(),
    }
}

fn totals(level: BudgetLevel, from: Option<BudgetLevel>) -> LevelTotals {
    LevelTotals {
        level: level.as_str().to_owned(),
        label: label(level, from),
        rehomed_from: from.map(|f| f.as_str().to_owned()),
        ..LevelTotals::default()
    }
}

/// Adds rows up by (level, origin) in the document's order of levels.
fn by_origin(rows: &[BudgetRow]) -> Vec<LevelTotals> {
    let mut out: Vec<LevelTotals> = Vec::new();
    for r in rows {
        let from = r.rehomed_from.map(|f| f.as_str().to_owned());
        let i = match out.iter().position(|t| t.level == r.level.as_str() && t.rehomed_from == from) {
            Some(i) => i,
            None => {
                out.push(totals(r.level, r.rehomed_from));
                out.len() - 1
            }
        };
        out[i].add(r.stage, r.amount);
    }
    out
}

/// The document's level totals spread over the programme's years by days,
/// as yearly estimates (the parts add up to the level total exactly).
pub fn document_plan_entries() -> Vec<BudgetEntry> {
    use chrono::Datelike;
    let days = (PROGRAMME_END - PROGRAMME_START).num_days() + 1;
    let mut out = Vec::new();
    for (level, amount) in DOCUMENT_PLAN {
        let mut given = 0_i64;
        let mut elapsed = 0_i64;
        for year in PROGRAMME_START.year()..=PROGRAMME_END.year() {
            let from = PROGRAMME_START.max(chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(PROGRAMME_START));
            let to = PROGRAMME_END.min(chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(PROGRAMME_END));
            elapsed += (to - from).num_days() + 1;
            // Cumulative rounding: the last year takes what is left.
            let upto = i64::try_from(i128::from(amount) * i128::from(elapsed) / i128::from(days)).unwrap_or(amount);
            if let Ok(e) = BudgetEntry::new(level, None, Stage::Estimate, upto - given, from, to) {
                out.push(e);
            }
            given = upto;
        }
    }
    out
}

fn plan_totals(rows: &[PlanRow]) -> Vec<LevelTotals> {
    rows.iter().map(|r| LevelTotals { planned: r.amount, ..totals(r.level, r.rehomed_from) }).collect()
}

impl Store {
    /// Every entry not voided, by its first day.
    pub async fn budget_entries(&self) -> Result<Vec<BudgetRecord>> {
        let rows = sqlx::query(&entry_sql("voided_at IS NULL ORDER BY from_day, id")).fetch_all(self.pool()).await?;
        rows.iter().map(record_of).collect()
    }

    /// One entry, voided or not (the caller decides who sees a void).
    pub async fn budget_entry(&self, id: i64) -> Result<Option<BudgetRecord>> {
        let row = sqlx::query(&entry_sql("id = $1")).bind(id).fetch_optional(self.pool()).await?;
        row.as_ref().map(record_of).transpose()
    }

    /// Planned, allocated, spent and settled by level and in total.
    pub async fn budget_summary(&self) -> Result<BudgetSummary> {
        let entries: Vec<BudgetEntry> = self.budget_entries().await?.into_iter().map(|r| r.entry).collect();
        let as_entered: Vec<BudgetRow> = entries
            .iter()
            .map(|e| BudgetRow {
                level: e.level,
                rehomed_from: None,
                line: e.line,
                stage: e.stage,
                year: e.year(),
                amount: e.amount,
            })
            .collect();
        let mut by_level = by_origin(&as_entered);
        by_level.sort_by_key(|t| BudgetLevel::ALL.iter().position(|l| l.as_str() == t.level));
        let mut total = LevelTotals { level: "total".into(), label: "Tổng cộng".into(), ..Default::default() };
        for e in &entries {
            total.add(e.stage, e.amount);
        }
        let document_total: i64 = DOCUMENT_PLAN.iter().map(|(_, a)| a).sum();
        let mut document: Vec<LevelTotals> =
            DOCUMENT_PLAN.iter().map(|(l, a)| LevelTotals { planned: *a, ..totals(*l, None) }).collect();
        document.push(LevelTotals {
            level: "total".into(),
            label: "Tổng cộng".into(),
            planned: document_total,
            ..Default::default()
        });
        Ok(BudgetSummary {
            by_level,
            rehomed: by_origin(&rehome(&entries, DISTRICT_LEVEL_END)),
            total,
            document,
            document_rehomed: plan_totals(&document_plan_rows(DISTRICT_LEVEL_END)),
        })
    }
}

impl WriteTx {
    /// Records one amount; `unit` is the spending unit when known.
    pub async fn add_budget_entry(&mut self, unit: Option<UnitId>, e: &BudgetEntry, note: Option<&str>) -> Result<i64> {
        // Constructing through `new` re-checks an entry built field by field.
        let e =
            BudgetEntry::new(e.level, e.line, e.stage, e.amount, e.from, e.to).map_err(|x| invalid(x.message_vi()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO budget_entries (unit_id, level, line, stage, amount, from_day, to_day, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(unit.map(|u| u.0))
        .bind(e.level.as_str())
        .bind(e.line.map(|l| l.as_str()))
        .bind(e.stage.as_str())
        .bind(e.amount)
        .bind(e.from.to_string())
        .bind(e.to.to_string())
        .bind(note)
        .bind(&self.actor)
        .bind(self.stamp())
        .fetch_one(&mut *self.tx)
        .await?;
        self.audit(
            "budget.entry",
            &format!("budget:{id}"),
            &json!({
                "level": e.level.as_str(), "line": e.line.map(|l| l.code()), "stage": e.stage.as_str(),
                "amount": e.amount, "from": e.from.to_string(), "to": e.to.to_string(),
            }),
        )
        .await?;
        Ok(id)
    }

    /// Corrects an entry: its spending unit, level, line, stage, amount,
    /// days and note (checked again by core). Returns whether anything
    /// changed. No target reads the budget: its pages and the review read
    /// the entries afresh.
    pub async fn edit_budget_entry(
        &mut self,
        current: &BudgetRecord,
        unit: Option<UnitId>,
        e: &BudgetEntry,
        note: Option<&str>,
    ) -> Result<bool> {
        let e =
            BudgetEntry::new(e.level, e.line, e.stage, e.amount, e.from, e.to).map_err(|x| invalid(x.message_vi()))?;
        let of = |unit: Option<UnitId>, e: &BudgetEntry, note: Option<&str>| {
            json!({
                "unit": unit.map(|u| u.0), "level": e.level.as_str(), "line": e.line.map(|l| l.code()),
                "stage": e.stage.as_str(), "amount": e.amount, "from": e.from.to_string(), "to": e.to.to_string(),
                "note": note,
            })
        };
        let changes = changed_fields(&of(current.unit, &current.entry, current.note.as_deref()), &of(unit, &e, note));
        if changes.is_empty() {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE budget_entries SET unit_id = $1, level = $2, line = $3, stage = $4, amount = $5, from_day = $6, \
             to_day = $7, note = $8 WHERE id = $9 AND voided_at IS NULL",
        )
        .bind(unit.map(|u| u.0))
        .bind(e.level.as_str())
        .bind(e.line.map(|l| l.as_str()))
        .bind(e.stage.as_str())
        .bind(e.amount)
        .bind(e.from.to_string())
        .bind(e.to.to_string())
        .bind(note)
        .bind(current.id)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.log_change(RecordKind::BudgetEntry, &current.id.to_string(), ChangeAction::Edit, changes, None).await?;
        Ok(true)
    }

    /// Voids an entry entered by mistake: it leaves the budget's figures,
    /// its export and the reviews.
    pub async fn void_budget_entry(&mut self, id: i64, reason: &VoidReason) -> Result<()> {
        self.void_row("budget_entries", RecordKind::BudgetEntry, None, id, reason).await
    }

    pub async fn restore_budget_entry(&mut self, id: i64) -> Result<()> {
        self.restore_row("budget_entries", RecordKind::BudgetEntry, None, id).await
    }

    /// Seeds the document's plan as yearly estimates, once: nothing is
    /// written when estimates exist already. Returns the entries written.
    pub async fn seed_document_plan(&mut self) -> Result<usize> {
        let existing: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM budget_entries WHERE stage = 'estimate' AND voided_at IS NULL")
                .fetch_one(&mut *self.tx)
                .await?;
        if existing > 0 {
            return Ok(0);
        }
        let entries = document_plan_entries();
        for e in &entries {
            self.add_budget_entry(None, e, Some("Dự toán theo Đề án (Phần thứ hai, mục IV.1)")).await?;
        }
        Ok(entries.len())
    }
}

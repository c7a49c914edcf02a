//! Programme administration (SPEC M8): the yearly evaluation and ranking,
//! awards, the budget, the duties of Part 3 with the communes' periodic
//! reports, the phases and the generated reviews. Rules live in
//! `khienmang_core::admin`, storage in `khienmang_store::admin`.

pub mod awards;
pub mod budget;
pub mod budget_entries;
pub mod criteria;
pub mod duties;
pub mod duty_corrections;
pub mod evaluations;
pub mod nomination;
pub mod reviews;

use khienmang_core::Date;
use khienmang_core::org::UnitId;

use crate::access::{Granted, Scope};
use crate::error::{WebError, WebResult};

/// The name of `unit` on `on` (or its latest name).
async fn unit_name(g: &Granted, unit: UnitId, on: Date) -> WebResult<String> {
    let history = g.tree_history().await?;
    Ok(history
        .version_on(unit, on)
        .or_else(|| history.versions().iter().rev().find(|v| v.unit_id == unit))
        .map(|v| v.name.clone())
        .unwrap_or_else(|| format!("#{}", unit.0)))
}

/// The level above decides: `unit` must lie inside the scope and not be the
/// scope's own root (a commune does not approve itself).
async fn ensure_below(g: &Granted, unit: UnitId) -> WebResult<()> {
    g.ensure_write(unit).await?;
    match g.scope {
        Scope::Subtree(root) if root == unit => {
            Err(WebError::BadRequest("Đơn vị không tự phê duyệt kết quả của mình; cấp trên phê duyệt.".into()))
        }
        _ => Ok(()),
    }
}

/// A year from a query, within the programme's years; this year by default.
fn year_or_now(year: Option<i32>, today: Date) -> i32 {
    use chrono::Datelike;
    year.unwrap_or_else(|| today.year()).clamp(khienmang_core::targets::FIRST_YEAR, khienmang_core::targets::LAST_YEAR)
}

//! What the registries share: the units a scope sees, the core's checks of
//! typed text and years adapted to the store's error, and the SQL that names
//! a unit.

use std::collections::HashSet;

use khienmang_core::movement::checks;
use khienmang_core::org::UnitId;

use crate::{Result, Store, StoreError};

pub(super) fn invalid(message: &str) -> StoreError {
    StoreError::Invalid(message.to_string())
}

// The rules themselves are core's pure functions; these adapt their
// refusal to the store's error for the writes not yet taking checked values.

pub(super) fn check_year(year: i32) -> Result<()> {
    checks::year("year", year)?;
    Ok(())
}

pub(super) fn required(text: &str, field: &'static str) -> Result<String> {
    Ok(checks::required(field, text)?)
}

pub(super) fn optional(text: Option<&str>) -> Option<String> {
    checks::optional(text)
}

/// The current name of each unit, by id: one query for a whole list.
const UNIT_NAME: &str = "(SELECT v.name FROM org_unit_versions v WHERE v.unit_id = {col} \
     ORDER BY v.valid_from DESC LIMIT 1)";

pub(super) fn unit_name_of(col: &str) -> String {
    UNIT_NAME.replace("{col}", col)
}

/// A village's current name with its code beside it, "Tổ dân phố số 1
/// (24145.003)": one ward may hold several villages of one name.
const VILLAGE_LABEL: &str = "(SELECT v.name || COALESCE(' (' || v.code || ')', '') FROM org_unit_versions v \
     WHERE v.unit_id = {col} ORDER BY v.valid_from DESC LIMIT 1)";

pub(super) fn village_label_of(col: &str) -> String {
    VILLAGE_LABEL.replace("{col}", col)
}

impl Store {
    /// The units a scope rooted at `root` sees: the registry lists follow the
    /// whole history of a subtree, as [`Store::is_within`] does for one unit.
    pub async fn subtree_ids(&self, root: UnitId) -> Result<HashSet<UnitId>> {
        Ok(self.org_history().await?.within(root))
    }
}

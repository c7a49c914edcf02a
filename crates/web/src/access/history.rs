//! The names a record's history shows instead of ids: the units its
//! changes name and the display names of the accounts that made them, read
//! for [`crate::kit::history`], which renders every history table.

use std::collections::HashMap;

use khienmang_core::movement::RecordKind;
use khienmang_core::org::UnitId;
use khienmang_store::movement::RecordChange;

use super::Granted;
use crate::error::WebResult;
use crate::i18n::Tr;
use crate::kit::history::{ChangeRow, Names, row, wanted};

/// At most this many accounts are looked up for one history (a longer
/// history shows the rest by username).
const MAX_ACTORS: usize = 50;

impl Granted {
    /// The rows of a history whose changes are of several kinds of record
    /// (an initiative's, with its channels and groups), as people read them.
    pub async fn history_rows(&self, tr: Tr, changes: Vec<(RecordKind, RecordChange)>) -> WebResult<Vec<ChangeRow>> {
        let names = self.history_names(changes.iter().map(|(_, c)| c)).await?;
        Ok(changes.into_iter().map(|(kind, c)| row(tr, kind, c, &names)).collect())
    }

    /// The names of the units and accounts `changes` name.
    pub async fn history_names<'a>(&self, changes: impl Iterator<Item = &'a RecordChange>) -> WebResult<Names> {
        let (units, actors) = wanted(changes);
        let units: Vec<UnitId> = units.into_iter().map(UnitId).collect();
        let mut names = Names {
            units: super::outreach::names_of(&self.store, &units).await?.into_iter().map(|(u, n)| (u.0, n)).collect(),
            actors: HashMap::new(),
        };
        for username in actors.into_iter().take(MAX_ACTORS) {
            if let Some(user) = self.store.user_by_name(&username).await? {
                names.actors.insert(username, user.display_name);
            }
        }
        Ok(names)
    }

    /// The rows of one record's history, as people read them.
    pub async fn history_of_kind(
        &self,
        tr: Tr,
        kind: RecordKind,
        changes: Vec<RecordChange>,
    ) -> WebResult<Vec<ChangeRow>> {
        self.history_rows(tr, changes.into_iter().map(|c| (kind, c)).collect()).await
    }
}

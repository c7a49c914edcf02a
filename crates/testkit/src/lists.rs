//! The national unit lists bundled in `data/` (2024 and 2025 lists and the
//! 2025 reorganisation): parsed, imported as `khienmang import national`
//! does, and the provinces looked up afterwards.

use anyhow::{Context, Result, anyhow, bail};
use khienmang_core::Date;
use khienmang_core::import::{ImportError, ReorgRecord, UnitRecord, parse_reorg, parse_unit_list};
use khienmang_core::org::{Level, UnitId};
use khienmang_core::time::Timestamp;
use khienmang_store::Store;
use khienmang_store::import::{NationalImportReport, NationalLists};

pub const UNITS_2024: &[u8] = include_bytes!("../../../data/units-2024.csv");
pub const UNITS_2025: &[u8] = include_bytes!("../../../data/units-2025.csv");
pub const REORG_2025: &[u8] = include_bytes!("../../../data/reorg-2025.csv");

/// Which provinces an import keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provinces {
    /// Every unit of both lists.
    WholeCountry,
    /// Old Bắc Giang (24) and old Bắc Ninh (27) in 2024, new Bắc Ninh (24)
    /// in 2025: about a hundred communes, quick to import.
    BacNinh,
}

/// The three bundled lists, parsed.
pub struct BundledLists {
    pub units_2024: Vec<UnitRecord>,
    pub units_2025: Vec<UnitRecord>,
    pub reorg: Vec<ReorgRecord>,
}

impl BundledLists {
    /// Parses the three files; an error if any line of them does not parse.
    pub fn parse() -> Result<BundledLists> {
        let err = |e: ImportError| anyhow!(e.message_en());
        let (units_2024, e24) = parse_unit_list(UNITS_2024).map_err(err)?;
        let (units_2025, e25) = parse_unit_list(UNITS_2025).map_err(err)?;
        let (reorg, el) = parse_reorg(REORG_2025).map_err(err)?;
        if let Some(e) = e24.iter().chain(&e25).chain(&el).next() {
            bail!("the bundled lists do not parse cleanly: line {}: {}", e.line, e.message_en);
        }
        Ok(BundledLists { units_2024, units_2025, reorg })
    }

    /// Records in the three files.
    pub fn records(&self) -> usize {
        self.units_2024.len() + self.units_2025.len() + self.reorg.len()
    }

    /// Imports the lists narrowed to `provinces` in one write transaction
    /// recorded under `actor`, and commits.
    pub async fn import(&self, store: &Store, actor: &str, provinces: Provinces) -> Result<NationalImportReport> {
        let (provinces_2024, provinces_2025): (Option<&[&str]>, Option<&[&str]>) = match provinces {
            Provinces::WholeCountry => (None, None),
            Provinces::BacNinh => (Some(&["24", "27"]), Some(&["24"])),
        };
        let mut tx = store.begin_write(actor, Timestamp::now()).await?;
        let report = tx
            .import_national(&NationalLists {
                units_2024: &self.units_2024,
                units_2025: &self.units_2025,
                reorg: &self.reorg,
                provinces_2024,
                provinces_2025,
            })
            .await?;
        tx.commit().await?;
        Ok(report)
    }
}

/// Parses the bundled lists and imports the whole country (what
/// `khienmang import national` does).
pub async fn import_whole_country(store: &Store, actor: &str) -> Result<NationalImportReport> {
    BundledLists::parse()?.import(store, actor, Provinces::WholeCountry).await
}

/// Imports the lists narrowed to old Bắc Giang + old Bắc Ninh → new Bắc Ninh.
pub async fn import_bac_ninh(store: &Store) {
    let lists = BundledLists::parse().expect("the bundled lists");
    lists.import(store, crate::fixtures::TEST_ACTOR, Provinces::BacNinh).await.expect("import of Bắc Ninh");
}

/// The province with the official `code` on `on`.
pub async fn province(store: &Store, code: &str, on: Date) -> Result<UnitId> {
    store
        .units_by_code(code, on)
        .await?
        .into_iter()
        .find(|v| v.level == Level::Province)
        .map(|v| v.unit_id)
        .with_context(|| format!("no province {code} on {on}"))
}

//! Imports: the national unit lists with the 2025 reorganisation, and the
//! registry templates (villages, agencies, enterprises, schools).
//! Parsing and row validation are in core; here rows meet the database.

use khienmang_core::time::Timestamp;
use std::collections::{BTreeSet, HashMap, HashSet};

use khienmang_core::Date;
use khienmang_core::import::{ImportRow, ReorgRecord, RowError, TemplateKind, UnitRecord};
use khienmang_core::org::{EventKind, Level, UnitAttrs, UnitId, UnitVersion};
use khienmang_core::text::fold;
use serde::Serialize;

use crate::db::{Val, bulk_insert};
use crate::org::{INSERT_VERSION_COLUMNS, version_values};
use crate::{Result, Store, StoreError, WriteTx};

/// The day the 2024 lists are taken to describe.
pub fn list_2024_from() -> Date {
    Date::from_ymd_opt(2024, 1, 1).unwrap_or_default()
}

/// The day the 2025 reorganisation took effect.
pub fn reorg_2025_date() -> Date {
    Date::from_ymd_opt(2025, 7, 1).unwrap_or_default()
}

const REORG_LEGAL_BASIS: &str = "Nghị quyết 202/2025/QH15; Quyết định 19/2025/QĐ-TTg";
const NATIONAL_IMPORT_KEY: &str = "org.national_import";

/// The national lists, optionally narrowed to some provinces (by code).
pub struct NationalLists<'a> {
    pub units_2024: &'a [UnitRecord],
    pub units_2025: &'a [UnitRecord],
    pub reorg: &'a [ReorgRecord],
    pub provinces_2024: Option<&'a [&'a str]>,
    pub provinces_2025: Option<&'a [&'a str]>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct NationalImportReport {
    pub units_2024: usize,
    pub units_2025_new: usize,
    pub units_continuing: usize,
    pub lineage_links: usize,
    pub events: usize,
}

/// Records of one list, narrowed to the chosen provinces and their subtrees.
fn narrow<'a>(records: &'a [UnitRecord], provinces: Option<&[&str]>) -> Vec<&'a UnitRecord> {
    let Some(provinces) = provinces else { return records.iter().collect() };
    let mut keep: HashSet<(Level, &str)> = HashSet::new();
    let mut out = Vec::new();
    // Lists are ordered parents first, so one pass suffices; a second pass
    // covers files that are not.
    for _ in 0..2 {
        for r in records {
            let parent_level = match r.level {
                Level::Province => None,
                Level::District => Some(Level::Province),
                _ => None,
            };
            let wanted = match r.level {
                Level::Province => provinces.contains(&r.code.as_str()),
                Level::District => r
                    .parent_code
                    .as_deref()
                    .is_some_and(|p| keep.contains(&(parent_level.unwrap_or(Level::Province), p))),
                _ => r
                    .parent_code
                    .as_deref()
                    .is_some_and(|p| keep.contains(&(Level::District, p)) || keep.contains(&(Level::Province, p))),
            };
            if wanted && keep.insert((r.level, r.code.as_str())) {
                out.push(r);
            }
        }
    }
    out
}

fn version_of(r: &UnitRecord, id: UnitId, parent: Option<UnitId>, from: Date, to: Option<Date>) -> UnitVersion {
    UnitVersion {
        unit_id: id,
        valid_from: from,
        valid_to: to,
        code: Some(r.code.clone()),
        name: r.name.clone(),
        level: r.level,
        unit_type: r.unit_type.clone(),
        parent_id: parent,
        attrs: UnitAttrs::default(),
        lat: r.lat,
        lon: r.lon,
    }
}

impl Store {
    pub async fn national_import_done(&self) -> Result<bool> {
        Ok(self.setting(NATIONAL_IMPORT_KEY).await?.is_some())
    }
}

struct EventRow {
    id: i64,
    kind: EventKind,
    unit: UnitId,
    summary: String,
}

impl WriteTx {
    async fn max_id(&mut self, table: &str) -> Result<i64> {
        let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}");
        Ok(sqlx::query_scalar(&sql).fetch_one(&mut *self.tx).await?)
    }

    /// Loads the 2024 lists, then applies the 2025 reorganisation as dated
    /// operations on 1 July 2025: communes merge or split into new communes
    /// (lineage links, with the default target of splits), the district level
    /// is abolished, provinces merge. A unit keeps its identity only when it
    /// continues unchanged in extent (same code, one predecessor, no split);
    /// new Bắc Ninh (24) is therefore a different unit from old Bắc Giang (24).
    pub async fn import_national(&mut self, lists: &NationalLists<'_>) -> Result<NationalImportReport> {
        let existing: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(NATIONAL_IMPORT_KEY)
            .fetch_optional(&mut *self.tx)
            .await?;
        if existing.is_some() {
            return Err(StoreError::Invalid("Danh mục đơn vị hành chính toàn quốc đã được nhập trước đó.".into()));
        }
        let old = narrow(lists.units_2024, lists.provinces_2024);
        let new = narrow(lists.units_2025, lists.provinces_2025);
        let (from24, reorg) = (list_2024_from(), reorg_2025_date());

        let mut next_unit = self.max_id("org_units").await?;
        let mut alloc = || {
            next_unit += 1;
            UnitId(next_unit)
        };
        let old_ids: HashMap<(Level, &str), UnitId> =
            old.iter().map(|r| ((r.level, r.code.as_str()), alloc())).collect();
        let old_by_code: HashMap<(Level, &str), &UnitRecord> =
            old.iter().map(|r| ((r.level, r.code.as_str()), *r)).collect();
        let new_communes: HashMap<&str, &UnitRecord> =
            new.iter().filter(|r| r.level == Level::Commune).map(|r| (r.code.as_str(), *r)).collect();
        let new_provinces: HashMap<&str, &UnitRecord> =
            new.iter().filter(|r| r.level == Level::Province).map(|r| (r.code.as_str(), *r)).collect();

        // The old province of each old commune (through its district).
        fn province_of_old<'r>(
            old: &HashMap<(Level, &str), &'r UnitRecord>,
            commune: &'r UnitRecord,
        ) -> Option<&'r str> {
            let p = commune.parent_code.as_deref()?;
            match old.get(&(Level::District, p)) {
                Some(d) => d.parent_code.as_deref(),
                None => Some(p),
            }
        }
        let links: Vec<&ReorgRecord> = lists
            .reorg
            .iter()
            .filter(|l| {
                old_by_code.contains_key(&(Level::Commune, l.old_code.as_str()))
                    && new_communes.contains_key(l.new_code.as_str())
            })
            .collect();
        let mut preds: HashMap<&str, Vec<&ReorgRecord>> = HashMap::new();
        let mut dests: HashMap<&str, Vec<&ReorgRecord>> = HashMap::new();
        for l in &links {
            preds.entry(l.new_code.as_str()).or_default().push(l);
            dests.entry(l.old_code.as_str()).or_default().push(l);
        }

        // Provinces: which old provinces flow into which new ones.
        let mut prov_flow: HashMap<&str, HashMap<&str, usize>> = HashMap::new(); // old → new → communes
        let mut prov_sources: HashMap<&str, BTreeSet<&str>> = HashMap::new(); // new → olds
        for l in &links {
            let (Some(oc), Some(nc)) =
                (old_by_code.get(&(Level::Commune, l.old_code.as_str())), new_communes.get(l.new_code.as_str()))
            else {
                continue;
            };
            let (Some(op), Some(np)) = (province_of_old(&old_by_code, oc), nc.parent_code.as_deref()) else { continue };
            *prov_flow.entry(op).or_default().entry(np).or_default() += 1;
            prov_sources.entry(np).or_default().insert(op);
        }
        let mut new_ids: HashMap<(Level, &str), UnitId> = HashMap::new();
        let mut continuing: HashSet<UnitId> = HashSet::new();
        for code in new_provinces.keys() {
            let sources = prov_sources.get(code);
            let same = sources.is_some_and(|s| s.len() == 1 && s.contains(code))
                && prov_flow.get(code).is_some_and(|f| f.len() == 1);
            let id = match old_ids.get(&(Level::Province, *code)) {
                Some(id) if same => {
                    continuing.insert(*id);
                    *id
                }
                _ => alloc(),
            };
            new_ids.insert((Level::Province, code), id);
        }
        for code in new_communes.keys() {
            let p = preds.get(code).map(Vec::as_slice).unwrap_or_default();
            let same = matches!(p, [only] if only.old_code == *code && !only.split
                && dests.get(only.old_code.as_str()).is_some_and(|d| d.len() == 1));
            let id = match old_ids.get(&(Level::Commune, *code)) {
                Some(id) if same => {
                    continuing.insert(*id);
                    *id
                }
                _ => alloc(),
            };
            new_ids.insert((Level::Commune, code), id);
        }

        // Versions: the 2024 state ends on the reorganisation day when a 2025
        // list is given; the 2025 state starts then.
        let end = (!new.is_empty()).then_some(reorg);
        let parent_2024 = |r: &UnitRecord| -> Option<UnitId> {
            let p = r.parent_code.as_deref()?;
            match r.level {
                Level::District => old_ids.get(&(Level::Province, p)).copied(),
                _ => old_ids.get(&(Level::District, p)).or_else(|| old_ids.get(&(Level::Province, p))).copied(),
            }
        };
        let mut versions: Vec<Vec<Val>> = Vec::new();
        for r in &old {
            let id = old_ids[&(r.level, r.code.as_str())];
            versions.push(version_values(&version_of(r, id, parent_2024(r), from24, end)));
        }
        for r in &new {
            let id = new_ids[&(r.level, r.code.as_str())];
            let parent = r.parent_code.as_deref().and_then(|p| new_ids.get(&(Level::Province, p)).copied());
            versions.push(version_values(&version_of(r, id, parent, reorg, None)));
        }
        let fresh: Vec<UnitId> =
            old_ids.values().copied().chain(new_ids.values().copied().filter(|id| !continuing.contains(id))).collect();

        // Events and lineage.
        let mut next_event = self.max_id("org_events").await?;
        let mut events: Vec<EventRow> = Vec::new();
        let mut lineage: Vec<Vec<Val>> = Vec::new();
        let mut event = |kind: EventKind, unit: UnitId, summary: String| {
            next_event += 1;
            events.push(EventRow { id: next_event, kind, unit, summary });
            next_event
        };
        let mut link = |event: i64, from: UnitId, to: UnitId, is_default: bool| {
            lineage.push(vec![
                Val::I(Some(event)),
                Val::I(Some(from.0)),
                Val::I(Some(to.0)),
                Val::I(Some(i64::from(is_default))),
                Val::S(Some(reorg.to_string())),
            ]);
        };
        let when = reorg.format("%d/%m/%Y");
        for (code, rec) in &new_communes {
            let id = new_ids[&(Level::Commune, *code)];
            let p = preds.get(code).map(Vec::as_slice).unwrap_or_default();
            if continuing.contains(&id) {
                let province = rec.parent_code.as_deref().and_then(|c| new_provinces.get(c)).map(|p| p.name.as_str());
                event(
                    EventKind::Reparent,
                    id,
                    format!("{} trực thuộc {} (bỏ cấp huyện) từ ngày {when}", rec.name, province.unwrap_or("")),
                );
                continue;
            }
            if p.is_empty() {
                continue;
            }
            let names: Vec<&str> = p
                .iter()
                .filter_map(|l| old_by_code.get(&(Level::Commune, l.old_code.as_str())).map(|r| r.name.as_str()))
                .collect();
            let split = p.iter().any(|l| l.split);
            let (kind, verb) =
                if split { (EventKind::Split, "Hình thành") } else { (EventKind::Merge, "Sáp nhập") };
            let summary = if split {
                format!("{verb} {} từ {} (có chia tách) từ ngày {when}", rec.name, names.join(", "))
            } else {
                format!("{verb} {} thành {} từ ngày {when}", names.join(", "), rec.name)
            };
            let e = event(kind, id, summary);
            for l in p {
                let from = old_ids[&(Level::Commune, l.old_code.as_str())];
                link(e, from, id, l.default_target || !l.split);
            }
        }
        // Old provinces: districts abolished, the province merged or continued.
        for r in old.iter().filter(|r| r.level == Level::Province) {
            let old_id = old_ids[&(Level::Province, r.code.as_str())];
            let Some(flow) = prov_flow.get(r.code.as_str()) else { continue };
            let Some((target_code, _)) = flow.iter().max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c))) else {
                continue;
            };
            let target = new_ids[&(Level::Province, *target_code)];
            let target_name = new_provinces.get(target_code).map(|p| p.name.as_str()).unwrap_or("");
            let districts: Vec<&&UnitRecord> = old
                .iter()
                .filter(|d| d.level == Level::District && d.parent_code.as_deref() == Some(r.code.as_str()))
                .collect();
            if !districts.is_empty() {
                let e = event(
                    EventKind::AbolishLevel,
                    old_id,
                    format!("Bỏ cấp huyện ({} đơn vị) của {} từ ngày {when}", districts.len(), r.name),
                );
                for d in districts {
                    link(e, old_ids[&(Level::District, d.code.as_str())], target, true);
                }
            }
            if !continuing.contains(&old_id) {
                let sources: Vec<&str> = prov_sources
                    .get(target_code)
                    .map(|s| {
                        s.iter()
                            .filter_map(|c| old_by_code.get(&(Level::Province, *c)).map(|p| p.name.as_str()))
                            .collect()
                    })
                    .unwrap_or_default();
                let e = event(
                    EventKind::Merge,
                    old_id,
                    format!("Sáp nhập {} thành {target_name} từ ngày {when}", sources.join(", ")),
                );
                for to_code in flow.keys() {
                    link(e, old_id, new_ids[&(Level::Province, *to_code)], *to_code == *target_code);
                }
            }
        }

        let created = self.stamp();
        let unit_rows = fresh.iter().map(|id| vec![Val::I(Some(id.0)), Val::S(Some(created.clone()))]).collect();
        bulk_insert(self, "org_units", &["id", "created_at"], unit_rows).await?;
        bulk_insert(self, "org_unit_versions", INSERT_VERSION_COLUMNS, versions).await?;
        let event_rows: Vec<Vec<Val>> = events
            .iter()
            .map(|e| {
                vec![
                    Val::I(Some(e.id)),
                    Val::S(Some(e.kind.as_str().to_string())),
                    Val::S(Some(reorg.to_string())),
                    Val::I(Some(e.unit.0)),
                    Val::S(Some(e.summary.clone())),
                    Val::S(Some(REORG_LEGAL_BASIS.to_string())),
                    Val::S(Some(self.actor.clone())),
                    Val::S(Some(created.clone())),
                ]
            })
            .collect();
        let report = NationalImportReport {
            units_2024: old.len(),
            units_2025_new: new.len() - continuing.len(),
            units_continuing: continuing.len(),
            lineage_links: lineage.len(),
            events: event_rows.len(),
        };
        bulk_insert(
            self,
            "org_events",
            &["id", "kind", "effective", "unit_id", "summary", "legal_basis", "actor", "created_at"],
            event_rows,
        )
        .await?;
        bulk_insert(self, "org_lineage", &["event_id", "from_unit", "to_unit", "is_default", "effective"], lineage)
            .await?;
        Store::bump_sequence(self, "org_units").await?;
        Store::bump_sequence(self, "org_events").await?;
        let report_json = serde_json::to_value(&report).unwrap_or_default();
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
            .bind(NATIONAL_IMPORT_KEY)
            .bind(report_json.to_string())
            .execute(&mut *self.tx)
            .await?;
        self.bump_org_generation().await?;
        self.audit("org.import_national", "org", &report_json).await?;
        Ok(report)
    }
}

/// A template row whose commune was found and is within the importer's scope.
#[derive(Debug, Clone)]
pub struct CheckedRow {
    pub row: ImportRow,
    pub commune: UnitId,
    pub valid_from: Date,
}

/// The outcome of checking template rows against the database.
#[derive(Debug, Clone, Default)]
pub struct RowCheck {
    pub valid: Vec<CheckedRow>,
    pub errors: Vec<RowError>,
}

fn row_error(line: usize, column: &str, vi: String, en: String) -> RowError {
    RowError { line, column: Some(column.to_string()), message_vi: vi, message_en: en }
}

impl Store {
    /// Checks parsed rows against the tree: the commune must exist on the
    /// row's date and lie within `scope`, and the unit must not exist already.
    /// Writes nothing.
    pub async fn check_rows(
        &self,
        kind: TemplateKind,
        rows: Vec<ImportRow>,
        mut errors: Vec<RowError>,
        default_from: Date,
        scope: Option<UnitId>,
        today: Date,
    ) -> Result<RowCheck> {
        let level = kind_level(kind);
        let mut valid = Vec::new();
        let mut communes: HashMap<(String, Date), Option<UnitId>> = HashMap::new();
        let mut existing: HashMap<UnitId, HashSet<String>> = HashMap::new();
        for row in rows {
            let on = row.valid_from.unwrap_or(default_from);
            let key = (row.commune_code.clone(), on);
            if !communes.contains_key(&key) {
                let found = self
                    .units_by_code(&row.commune_code, on)
                    .await?
                    .into_iter()
                    .find(|v| v.level == Level::Commune)
                    .map(|v| v.unit_id);
                communes.insert(key.clone(), found);
            }
            let Some(commune) = communes.get(&key).copied().flatten() else {
                errors.push(row_error(
                    row.line,
                    "Mã xã/phường",
                    format!(
                        "Không có xã/phường mã {} vào ngày {}. Kiểm tra lại mã theo danh mục hiện hành.",
                        row.commune_code,
                        on.format("%d/%m/%Y")
                    ),
                    format!(
                        "No commune with code {} on {on}. Check the code against the current list.",
                        row.commune_code
                    ),
                ));
                continue;
            };
            // Rows are written, so the commune must be in the scope today,
            // not only in its history (a commune merged away is read-only).
            if let Some(root) = scope
                && !self.is_within_on(root, commune, today).await?
            {
                errors.push(row_error(
                    row.line,
                    "Mã xã/phường",
                    format!("Xã/phường mã {} không thuộc phạm vi quản lý của tài khoản này.", row.commune_code),
                    format!("Commune {} is outside this account's scope.", row.commune_code),
                ));
                continue;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = existing.entry(commune) {
                let names = self
                    .children_on(commune, on, 100_000, 0)
                    .await?
                    .into_iter()
                    .filter(|c| c.level == level)
                    .map(|c| fold(&c.name))
                    .collect();
                slot.insert(names);
            }
            if existing.get(&commune).is_some_and(|names| names.contains(&fold(&row.name))) {
                errors.push(row_error(
                    row.line,
                    kind.columns().get(1).map(|c| c.header_vi).unwrap_or("Tên"),
                    format!("“{}” đã có trong xã/phường mã {}.", row.name, row.commune_code),
                    format!("“{}” already exists in commune {}.", row.name, row.commune_code),
                ));
                continue;
            }
            valid.push(CheckedRow { row, commune, valid_from: on });
        }
        errors.sort_by_key(|e| e.line);
        Ok(RowCheck { valid, errors })
    }
}

pub fn kind_level(kind: TemplateKind) -> Level {
    match kind {
        TemplateKind::Villages => Level::Village,
        TemplateKind::Agencies => Level::Agency,
        TemplateKind::Enterprises => Level::Enterprise,
        TemplateKind::Schools => Level::School,
    }
}

impl WriteTx {
    /// Creates the units of checked template rows, one "create" event each,
    /// with one audit entry for the file.
    pub async fn import_rows(&mut self, kind: TemplateKind, rows: &[CheckedRow], source: &str) -> Result<Vec<UnitId>> {
        let level = kind_level(kind);
        let ids = self.new_unit_ids(rows.len()).await?;
        let mut versions = Vec::with_capacity(rows.len());
        let mut events = Vec::with_capacity(rows.len());
        let created = self.stamp();
        for (r, id) in rows.iter().zip(&ids) {
            let v = UnitVersion {
                unit_id: *id,
                valid_from: r.valid_from,
                valid_to: None,
                code: r.row.tax_code.clone(),
                name: r.row.name.clone(),
                level,
                unit_type: r.row.unit_type.clone(),
                parent_id: Some(r.commune),
                attrs: UnitAttrs {
                    households: r.row.households,
                    population: r.row.population,
                    enterprise_size: r.row.enterprise_size,
                    school_level: r.row.school_level,
                    official_page: r.row.official_page.clone(),
                },
                lat: None,
                lon: None,
            };
            versions.push(version_values(&v));
            events.push(vec![
                Val::S(Some(EventKind::Create.as_str().to_string())),
                Val::S(Some(r.valid_from.to_string())),
                Val::I(Some(id.0)),
                Val::S(Some(format!("Thành lập {} (nhập từ tệp {source})", r.row.name))),
                Val::S(Some(self.actor.clone())),
                Val::S(Some(created.clone())),
            ]);
        }
        bulk_insert(self, "org_unit_versions", INSERT_VERSION_COLUMNS, versions).await?;
        bulk_insert(self, "org_events", &["kind", "effective", "unit_id", "summary", "actor", "created_at"], events)
            .await?;
        // Villages imported without a code get the next ones of their commune.
        let codes = match ids.iter().min() {
            Some(first) => {
                let set: std::collections::HashSet<UnitId> = ids.iter().copied().collect();
                crate::org::assign_village_codes(&mut self.tx, *first, Some(&set)).await?.len()
            }
            None => 0,
        };
        self.bump_org_generation().await?;
        self.audit(
            "org.import_rows",
            "org",
            &serde_json::json!({"kind": kind.as_str(), "rows": rows.len(), "source": source, "codes_given": codes}),
        )
        .await?;
        Ok(ids)
    }
}

/// Staged files older than this are forgotten.
fn day_before(now: Timestamp) -> String {
    (now.utc() - chrono::Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A file to keep for its confirmation, with what its dry run found.
pub struct StagedBatch<'a> {
    pub id: &'a str,
    pub user_id: i64,
    pub kind: &'a str,
    pub filename: &'a str,
    pub content: &'a [u8],
    /// Rows the dry run refused (0 when the file is clean).
    pub refused_rows: usize,
    /// The uploading session's scope root; none for the whole country.
    pub unit: Option<UnitId>,
}

/// An upload left with refused rows, as the work overview lists it.
#[derive(Debug, Clone)]
pub struct RefusedUpload {
    /// `villages`, `members:<initiative>`, `people`, `accounts`, …
    pub kind: String,
    pub filename: String,
    pub created_at: String,
    pub refused_rows: i64,
    pub unit: Option<UnitId>,
    pub username: String,
}

/// A file uploaded for a dry run, kept until the user confirms or abandons it.
pub struct StagedImport {
    pub kind: String,
    pub filename: String,
    pub content: Vec<u8>,
}

impl Store {
    /// Keeps an uploaded file for its confirmation step (staged files are not
    /// registry data and expire after a day), with what its dry run found:
    /// the rows it refused, and the unit of the session that uploaded it
    /// (its scope's root), so that the work overview counts uploads left
    /// with errors within each scope ([`Store::refused_uploads`]).
    pub async fn stage_import(&self, batch: &StagedBatch<'_>, now: Timestamp) -> Result<()> {
        sqlx::query("DELETE FROM import_batches WHERE created_at < $1")
            .bind(day_before(now))
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO import_batches (id, user_id, kind, filename, content, created_at, refused_rows, unit_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(batch.id.to_string())
        .bind(batch.user_id)
        .bind(batch.kind.to_string())
        .bind(batch.filename.to_string())
        .bind(batch.content.to_vec())
        .bind(now.stored())
        .bind(i64::try_from(batch.refused_rows).unwrap_or(i64::MAX))
        .bind(batch.unit.map(|u| u.0))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// How many uploads of the last day were left with refused rows and not
    /// imported, per unit of the session that uploaded them (none: a
    /// session over the whole country). Counted in the database; the
    /// caller keeps the units of its scope.
    pub async fn refused_uploads(&self, now: Timestamp) -> Result<Vec<(Option<UnitId>, i64)>> {
        let rows: Vec<(Option<i64>, i64)> = sqlx::query_as(
            "SELECT unit_id, CAST(COUNT(*) AS BIGINT) FROM import_batches \
             WHERE refused_rows > 0 AND created_at >= $1 GROUP BY unit_id",
        )
        .bind(day_before(now))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(u, n)| (u.map(UnitId), n)).collect())
    }

    /// The uploads of the last day left with refused rows, newest first, at
    /// most `limit` (the caller keeps those of its scope).
    pub async fn refused_upload_list(&self, now: Timestamp, limit: i64) -> Result<Vec<RefusedUpload>> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT b.kind, b.filename, b.created_at, b.refused_rows, b.unit_id, u.username FROM import_batches b \
             JOIN users u ON u.id = b.user_id WHERE b.refused_rows > 0 AND b.created_at >= $1 \
             ORDER BY b.created_at DESC LIMIT $2",
        )
        .bind(day_before(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RefusedUpload {
                    kind: r.try_get(0)?,
                    filename: r.try_get(1)?,
                    created_at: r.try_get(2)?,
                    refused_rows: r.try_get(3)?,
                    unit: r.try_get::<Option<i64>, _>(4)?.map(UnitId),
                    username: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// The staged file, only for the user who uploaded it.
    pub async fn staged_import(&self, id: &str, user_id: i64) -> Result<Option<StagedImport>> {
        use sqlx::Row;
        let row = sqlx::query("SELECT kind, filename, content FROM import_batches WHERE id = $1 AND user_id = $2")
            .bind(id.to_string())
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok(StagedImport { kind: r.try_get(0)?, filename: r.try_get(1)?, content: r.try_get(2)? }))
            .transpose()
    }

    /// Forgets a file once it was imported, with the earlier uploads of the
    /// same list by the same person: they are superseded, no longer work
    /// left with errors.
    pub async fn drop_staged(&self, id: &str) -> Result<()> {
        sqlx::query(
            "DELETE FROM import_batches WHERE id <> $1 AND EXISTS (SELECT 1 FROM import_batches b WHERE b.id = $2 \
             AND b.user_id = import_batches.user_id AND b.kind = import_batches.kind \
             AND b.created_at >= import_batches.created_at)",
        )
        .bind(id.to_string())
        .bind(id.to_string())
        .execute(self.pool())
        .await?;
        sqlx::query("DELETE FROM import_batches WHERE id = $1").bind(id.to_string()).execute(self.pool()).await?;
        Ok(())
    }
}

/// A unit with its whole history, as the demo generator makes them.
pub struct UnitHistory {
    /// Versions oldest first; their `unit_id` is replaced by the new id.
    pub versions: Vec<UnitVersion>,
    pub events: Vec<(EventKind, Date, String)>,
}

impl WriteTx {
    /// Inserts units with their histories in bulk, one audit entry in all.
    pub async fn insert_histories(&mut self, units: Vec<UnitHistory>, what: &str) -> Result<Vec<UnitId>> {
        let first_unit = self.max_id("org_units").await? + 1;
        let mut next_event = self.max_id("org_events").await?;
        let created = self.stamp();
        let (mut unit_rows, mut versions, mut events, mut ids) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, u) in units.into_iter().enumerate() {
            let id = UnitId(first_unit + i as i64);
            ids.push(id);
            unit_rows.push(vec![Val::I(Some(id.0)), Val::S(Some(created.clone()))]);
            for mut v in u.versions {
                v.unit_id = id;
                versions.push(version_values(&v));
            }
            for (kind, on, summary) in u.events {
                next_event += 1;
                events.push(vec![
                    Val::I(Some(next_event)),
                    Val::S(Some(kind.as_str().to_string())),
                    Val::S(Some(on.to_string())),
                    Val::I(Some(id.0)),
                    Val::S(Some(summary)),
                    Val::S(Some(self.actor.clone())),
                    Val::S(Some(created.clone())),
                ]);
            }
        }
        let count = ids.len();
        bulk_insert(self, "org_units", &["id", "created_at"], unit_rows).await?;
        bulk_insert(self, "org_unit_versions", INSERT_VERSION_COLUMNS, versions).await?;
        bulk_insert(
            self,
            "org_events",
            &["id", "kind", "effective", "unit_id", "summary", "actor", "created_at"],
            events,
        )
        .await?;
        Store::bump_sequence(self, "org_units").await?;
        Store::bump_sequence(self, "org_events").await?;
        // Generated villages get codes as any new village does.
        let codes = crate::org::assign_village_codes(&mut self.tx, UnitId(first_unit), None).await?.len();
        self.bump_org_generation().await?;
        self.audit(
            "org.insert_generated",
            "org",
            &serde_json::json!({"what": what, "units": count, "codes_given": codes}),
        )
        .await?;
        Ok(ids)
    }

    /// Stores a setting in the same transaction.
    pub async fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        sqlx::query("DELETE FROM settings WHERE key = $1").bind(key.to_string()).execute(&mut *self.tx).await?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
            .bind(key.to_string())
            .bind(value.to_string())
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

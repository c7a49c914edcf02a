//! The nine targets for every node and year, computed from the registry and
//! kept in memory. The cache is keyed by the tree's and the registry's
//! generation counters (so every replica notices another's writes) and by
//! the day. A write that only changes listed or counted members patches the
//! cached tables in place — the village's 2.9c count and the nodes above it —
//! instead of recomputing everything; any other write makes the next read
//! recompute.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use khienmang_core::Date;
use khienmang_core::movement::Stage;
use khienmang_core::org::{OrgHistory, UnitId};
use khienmang_core::targets::{
    FIRST_YEAR, Facts, HouseholdMember, LAST_YEAR, Mode, Person, PersonRole, TargetTable, Voice, compute,
    households_with_member,
};
use sqlx::Row;

use crate::db::{CommitStep, OnCommit};
use crate::org::year_of;
use crate::{Result, Store, StoreError, WriteTx};

/// Bumped by every write to the registry, so caches know to reload.
pub(crate) const MOVEMENT_GENERATION: &str = "movement.generation";

/// What a registry write changed, for the cache.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum FactChange {
    #[default]
    None,
    /// Only the members (listed or counted) of these villages.
    Villages(Vec<UnitId>),
    /// Anything else: the next read recomputes.
    Other,
}

impl FactChange {
    fn merge(&mut self, next: FactChange) {
        *self = match (std::mem::take(self), next) {
            (FactChange::None, n) | (n, FactChange::None) => n,
            (FactChange::Villages(mut a), FactChange::Villages(b)) => {
                a.extend(b);
                a.sort_unstable();
                a.dedup();
                FactChange::Villages(a)
            }
            _ => FactChange::Other,
        };
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    org: i64,
    movement: i64,
    today: Date,
}

/// Both readings of the targets, as of one state of the database.
pub struct TargetsSnapshot {
    key: Key,
    /// Each year in the tree of its own time.
    pub then: TargetTable,
    /// Every year mapped to today's tree.
    pub mapped: TargetTable,
    pub history: Arc<OrgHistory>,
    /// Each village's 2.9c count by year, to know what a member change moved.
    households: HashMap<UnitId, Vec<(i32, i64)>>,
}

impl TargetsSnapshot {
    pub fn today(&self) -> Date {
        self.key.today
    }

    /// The table for a reading: "then" or mapped to today's tree.
    pub fn table(&self, mapped: bool) -> &TargetTable {
        if mapped { &self.mapped } else { &self.then }
    }
}

#[derive(Default)]
pub(crate) struct TargetsCache {
    snapshot: std::sync::RwLock<Option<TargetsSnapshot>>,
    /// One reader recomputes; the others wait for its result.
    loading: tokio::sync::Mutex<()>,
}

impl TargetsCache {
    fn read<T>(&self, key: Key, f: &mut Option<impl FnOnce(&TargetsSnapshot) -> T>) -> Option<T> {
        let guard = self.snapshot.read().unwrap_or_else(|e| e.into_inner());
        let snapshot = guard.as_ref().filter(|s| s.key == key)?;
        f.take().map(|f| f(snapshot))
    }
}

impl Store {
    async fn generations(&self) -> Result<(i64, i64)> {
        let rows = sqlx::query("SELECT key, value FROM settings WHERE key IN ($1, $2)")
            .bind(crate::db::ORG_GENERATION)
            .bind(MOVEMENT_GENERATION)
            .fetch_all(self.pool())
            .await?;
        let (mut org, mut movement) = (0, 0);
        for r in rows {
            let key: String = r.try_get(0)?;
            let value: i64 = r.try_get::<String, _>(1)?.parse().unwrap_or(0);
            if key == MOVEMENT_GENERATION {
                movement = value;
            } else {
                org = value;
            }
        }
        Ok((org, movement))
    }

    fn targets_cache(&self) -> Arc<TargetsCache> {
        self.caches().get()
    }

    /// Runs `f` on the targets as of now, recomputing them first if the tree,
    /// the registry or the day changed since they were last computed.
    pub async fn with_targets<T>(&self, today: Date, f: impl FnOnce(&TargetsSnapshot) -> T) -> Result<T> {
        let (org, movement) = self.generations().await?;
        let key = Key { org, movement, today };
        let mut f = Some(f);
        let cache = self.targets_cache();
        if let Some(out) = cache.read(key, &mut f) {
            return Ok(out);
        }
        let _loading = cache.loading.lock().await;
        if let Some(out) = cache.read(key, &mut f) {
            return Ok(out);
        }
        let snapshot = self.compute_targets(key).await?;
        let mut guard = cache.snapshot.write().unwrap_or_else(|e| e.into_inner());
        let snapshot = guard.insert(snapshot);
        f.take().map(|f| f(snapshot)).ok_or(StoreError::NotFound)
    }

    async fn compute_targets(&self, key: Key) -> Result<TargetsSnapshot> {
        let history = self.org_history().await?;
        let (facts, households) = self.load_facts().await?;
        let h = history.clone();
        let work = move || {
            let years = FIRST_YEAR..=LAST_YEAR;
            let then = compute(&h, &facts, Mode::Then, years.clone(), key.today);
            let mapped = compute(&h, &facts, Mode::Today(key.today), years, key.today);
            (then, mapped)
        };
        // Seconds of CPU on a large province: off the async workers (the
        // HTTP workers' runtimes each have one thread).
        let (then, mapped) = match tokio::task::spawn_blocking(work).await {
            Ok(both) => both,
            // It panicked: carry the panic on, as if it had run here.
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        Ok(TargetsSnapshot { key, then, mapped, history, households })
    }

    /// Everything the targets read, from the registry.
    pub async fn load_facts(&self) -> Result<(Facts, HashMap<UnitId, Vec<(i32, i64)>>)> {
        let pool = self.pool();
        let mut facts = Facts::default();
        let rows = |sql: &'static str| sqlx::query(sql).fetch_all(pool);
        let year = |r: &sqlx::any::AnyRow, i: usize| -> Result<i32> {
            Ok(i32::try_from(r.try_get::<i64, _>(i)?).unwrap_or(0))
        };
        let day =
            |r: &sqlx::any::AnyRow, i: usize| -> Result<Option<Date>> { Ok(r.try_get::<String, _>(i)?.parse().ok()) };
        for r in rows("SELECT unit_id, kind, issued_on, year FROM movement_documents WHERE voided_at IS NULL").await? {
            let unit = UnitId(r.try_get(0)?);
            if r.try_get::<String, _>(1)? == "resolution" {
                facts.resolutions.extend(day(&r, 2)?.map(|d| (unit, d)));
            } else {
                facts.plans.push((unit, year(&r, 3)?));
            }
        }
        let trained = self.person_years().await?;
        for r in
            rows("SELECT id, unit_id, role, registered_from, registered_to FROM people WHERE voided_at IS NULL").await?
        {
            let Some(role) = PersonRole::parse(&r.try_get::<String, _>(2)?) else { continue };
            facts.people.push(Person {
                unit: UnitId(r.try_get(1)?),
                role,
                registered_from: year(&r, 3)?,
                registered_to: r.try_get::<Option<i64>, _>(4)?.and_then(|y| i32::try_from(y).ok()),
                trained_years: trained.get(&r.try_get::<i64, _>(0)?).cloned().unwrap_or_default(),
            });
        }
        for r in rows("SELECT village_id, held_on FROM village_activities WHERE voided_at IS NULL").await? {
            let village = UnitId(r.try_get(0)?);
            facts.village_activities.extend(day(&r, 1)?.map(|d| (village, year_of(d))));
        }
        for r in rows("SELECT unit_id, posted_on FROM page_posts WHERE voided_at IS NULL").await? {
            let unit = UnitId(r.try_get(0)?);
            facts.page_posts.extend(day(&r, 1)?.map(|d| (unit, year_of(d))));
        }
        let mut enlisted: HashMap<i64, Vec<i32>> = HashMap::new();
        for r in rows("SELECT voice_id, year FROM voice_enlistments").await? {
            enlisted.entry(r.try_get(0)?).or_default().push(year(&r, 1)?);
        }
        for r in rows("SELECT id, unit_id, registered_from, registered_to FROM trusted_voices WHERE voided_at IS NULL")
            .await?
        {
            facts.trusted_voices.push(Voice {
                unit: UnitId(r.try_get(1)?),
                registered_from: year(&r, 2)?,
                registered_to: r.try_get::<Option<i64>, _>(3)?.and_then(|y| i32::try_from(y).ok()),
                enlisted_years: enlisted.remove(&r.try_get::<i64, _>(0)?).unwrap_or_default(),
            });
        }
        for r in rows("SELECT unit_id, year FROM unit_reports").await? {
            facts.reports.push((UnitId(r.try_get(0)?), year(&r, 1)?));
        }
        facts.initiative_participation = self.initiative_participation().await?;
        let households = village_households(pool, None).await?;
        facts.households_with_member =
            households.iter().flat_map(|(&v, years)| years.iter().map(move |&(y, n)| (v, y, n))).collect();
        Ok((facts, households))
    }

    /// The years each unit owned or took part in a running initiative.
    async fn initiative_participation(&self) -> Result<Vec<(UnitId, i32, Option<i32>)>> {
        let mut spans: HashMap<i64, (Option<i32>, Option<i32>)> = HashMap::new();
        let stages =
            sqlx::query("SELECT initiative_id, stage, effective FROM initiative_stages ORDER BY effective, id")
                .fetch_all(self.pool())
                .await?;
        for r in stages {
            let Some(stage) = Stage::parse(&r.try_get::<String, _>(1)?) else { continue };
            let Ok(on) = r.try_get::<String, _>(2)?.parse::<Date>() else { continue };
            let span = spans.entry(r.try_get(0)?).or_default();
            if stage.is_running() && span.0.is_none() {
                span.0 = Some(year_of(on));
            } else if matches!(stage, Stage::Ended | Stage::Dissolved) && span.0.is_some() {
                span.1 = Some(year_of(on));
            }
        }
        let mut out = Vec::new();
        for r in
            sqlx::query("SELECT id, unit_id FROM initiatives WHERE voided_at IS NULL").fetch_all(self.pool()).await?
        {
            if let Some(&(Some(from), to)) = spans.get(&r.try_get::<i64, _>(0)?) {
                out.push((UnitId(r.try_get(1)?), from, to));
            }
        }
        let rows = sqlx::query(
            "SELECT initiative_id, unit_id, from_year, to_year FROM initiative_units WHERE voided_at IS NULL",
        )
        .fetch_all(self.pool())
        .await?;
        for r in rows {
            let Some(&(Some(from), to)) = spans.get(&r.try_get::<i64, _>(0)?) else { continue };
            let own_from = i32::try_from(r.try_get::<i64, _>(2)?).unwrap_or(from);
            let own_to = r.try_get::<Option<i64>, _>(3)?.and_then(|y| i32::try_from(y).ok());
            let end = match (to, own_to) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let start = from.max(own_from);
            if end.is_none_or(|e| e >= start) {
                out.push((UnitId(r.try_get(1)?), start, end));
            }
        }
        Ok(out)
    }

    /// Patches the cached tables after a committed write that moved only some
    /// villages' members; anything it cannot patch is left for a recompute.
    pub(crate) async fn after_commit(&self, change: FactChange, generation: Option<i64>) -> Result<()> {
        let (FactChange::Villages(villages), Some(generation)) = (change, generation) else { return Ok(()) };
        let counts = village_households(self.pool(), Some(&villages)).await?;
        let cache = self.targets_cache();
        let mut guard = cache.snapshot.write().unwrap_or_else(|e| e.into_inner());
        let Some(snapshot) = guard.as_mut().filter(|s| s.key.movement == generation - 1) else { return Ok(()) };
        let mut patched = true;
        for village in villages {
            let after = counts.get(&village).cloned().unwrap_or_default();
            let before = snapshot.households.get(&village).cloned().unwrap_or_default();
            for year in FIRST_YEAR..=LAST_YEAR {
                let at = |list: &[(i32, i64)]| list.iter().find(|(y, _)| *y == year).map(|&(_, n)| n);
                let (old, new) = (at(&before), at(&after));
                if old != new {
                    patched &= snapshot.then.set_households_with_member(village, year, new);
                    patched &= snapshot.mapped.set_households_with_member(village, year, new);
                }
            }
            snapshot.households.insert(village, after);
        }
        if patched {
            snapshot.key.movement = generation;
        } else {
            *guard = None;
        }
        Ok(())
    }
}

/// Households with a member in an initiative, by village and year: the
/// distinct listed households, plus the households counted by initiatives that
/// do not list their members in that village. `villages` limits the read.
async fn village_households(
    pool: &sqlx::AnyPool,
    villages: Option<&[UnitId]>,
) -> Result<HashMap<UnitId, Vec<(i32, i64)>>> {
    // Rows voided (or of a voided initiative) leave the figures.
    let live =
        " WHERE voided_at IS NULL AND initiative_id NOT IN (SELECT id FROM initiatives WHERE voided_at IS NOT NULL)";
    let filter = match villages {
        Some([]) => return Ok(HashMap::new()),
        Some(list) => {
            format!("{live} AND village_id IN ({})", list.iter().map(|v| v.0.to_string()).collect::<Vec<_>>().join(","))
        }
        None => live.to_string(),
    };
    let member_rows = sqlx::query(&format!(
        "SELECT village_id, initiative_id, household_key, joined_year, left_year FROM initiative_members{filter}"
    ))
    .fetch_all(pool)
    .await?;
    let mut listing: HashSet<(i64, i64)> = HashSet::new();
    let mut members = Vec::with_capacity(member_rows.len());
    for r in member_rows {
        let (village, initiative): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
        listing.insert((village, initiative));
        members.push(HouseholdMember {
            village: UnitId(village),
            household: r.try_get::<i64, _>(2)? as u64,
            from_year: i32::try_from(r.try_get::<i64, _>(3)?).unwrap_or(i32::MAX),
            to_year: r.try_get::<Option<i64>, _>(4)?.and_then(|y| i32::try_from(y).ok()),
        });
    }
    let mut out: HashMap<UnitId, HashMap<i32, i64>> = HashMap::new();
    for (village, year, n) in households_with_member(&members, FIRST_YEAR..=LAST_YEAR) {
        *out.entry(village).or_default().entry(year).or_default() += n;
    }
    let count_rows = sqlx::query(&format!(
        "SELECT village_id, initiative_id, year, households FROM initiative_village_counts{filter}"
    ))
    .fetch_all(pool)
    .await?;
    for r in count_rows {
        let (village, initiative): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
        if !listing.contains(&(village, initiative)) {
            let year = i32::try_from(r.try_get::<i64, _>(2)?).unwrap_or(0);
            *out.entry(UnitId(village)).or_default().entry(year).or_default() += r.try_get::<i64, _>(3)?;
        }
    }
    Ok(out
        .into_iter()
        .map(|(v, years)| {
            let mut list: Vec<(i32, i64)> = years.into_iter().collect();
            list.sort_unstable();
            (v, list)
        })
        .collect())
}

impl WriteTx {
    /// Notes what this transaction changed in the registry.
    pub(crate) fn facts_changed(&mut self, change: FactChange) {
        if let Some(pending) = self.on_commit.iter_mut().find_map(|s| s.as_any_mut().downcast_mut::<PendingFacts>()) {
            pending.change.merge(change);
        } else {
            self.on_commit.push(Box::new(PendingFacts { change, generation: None }));
        }
    }
}

/// What a transaction changed in the registry, acted on when it commits:
/// the registry's generation is bumped inside the transaction, then this
/// process's cache is patched.
struct PendingFacts {
    change: FactChange,
    generation: Option<i64>,
}

impl OnCommit for PendingFacts {
    fn before_commit<'a>(&'a mut self, tx: &'a mut WriteTx) -> CommitStep<'a> {
        Box::pin(async move {
            if self.change != FactChange::None {
                self.generation = Some(tx.bump_generation(MOVEMENT_GENERATION).await?);
            }
            Ok(())
        })
    }

    fn after_commit(self: Box<Self>, store: &Store) -> CommitStep<'_> {
        Box::pin(async move { store.after_commit(self.change, self.generation).await })
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

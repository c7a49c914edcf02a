//! The nine targets for every node and year, computed from the registry and
//! kept in memory. The cache is keyed by the tree's and the registry's
//! generation counters (so every replica notices another's writes) and by
//! the day. A write names the records it changed ([`FactChange`]); once it
//! commits, this process reads those records again and patches the cached
//! tables with the difference, instead of computing everything again. A
//! write that cannot say what it changed makes the next read recompute.

mod records;

use std::sync::Arc;

use khienmang_core::Date;
use khienmang_core::org::OrgHistory;
use khienmang_core::targets::{FIRST_YEAR, Facts, LAST_YEAR, Mode, TargetTable, compute};
use sqlx::Row;

pub(crate) use self::records::FactChange;
use self::records::{Changed, FactRecords, Fresh};
use crate::db::{CommitStep, OnCommit};
use crate::{Result, Store, StoreError, WriteTx};

/// Bumped by every write to the registry, so caches know to reload.
pub const MOVEMENT_GENERATION: &str = "movement.generation";

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
    /// The records the tables were computed from, to know what a change moved.
    records: FactRecords,
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
    /// How many times the tables were computed in full.
    computed: std::sync::atomic::AtomicU64,
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
        cache.computed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut guard = cache.snapshot.write().unwrap_or_else(|e| e.into_inner());
        let snapshot = guard.insert(snapshot);
        f.take().map(|f| f(snapshot)).ok_or(StoreError::NotFound)
    }

    async fn compute_targets(&self, key: Key) -> Result<TargetsSnapshot> {
        let history = self.org_history().await?;
        let records = FactRecords::load(self.pool()).await?;
        let facts = records.facts();
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
        Ok(TargetsSnapshot { key, then, mapped, history, records })
    }

    /// How many times this process computed the targets in full (a patched
    /// write does not count): for the metrics and the tests.
    pub fn targets_computations(&self) -> u64 {
        self.targets_cache().computed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Everything the targets read, from the registry.
    pub async fn load_facts(&self) -> Result<Facts> {
        Ok(FactRecords::load(self.pool()).await?.facts())
    }

    /// Patches the cached tables after a committed write: the records it
    /// changed are read again and their difference carried into the tables.
    /// The cache must stand right before this write (no other write between);
    /// otherwise, or when the write could not say what it changed, the next
    /// read recomputes.
    pub(crate) async fn after_commit(&self, changed: Changed, generation: Option<i64>) -> Result<()> {
        let Some(generation) = generation else { return Ok(()) };
        if changed.everything {
            return Ok(());
        }
        let cache = self.targets_cache();
        let stands = |s: &TargetsSnapshot| s.key.movement == generation - 1;
        // Who a training's change moves, and which initiatives counted, as
        // known before the change.
        let (moved, counted) = {
            let guard = cache.snapshot.read().unwrap_or_else(|e| e.into_inner());
            let Some(snapshot) = guard.as_ref().filter(|s| stands(s)) else { return Ok(()) };
            (snapshot.records.attendees_of(&changed.trainings), snapshot.records.counted_of(&changed.initiatives))
        };
        let fresh = Fresh::read(self.pool(), &changed, moved, counted).await?;
        let mut guard = cache.snapshot.write().unwrap_or_else(|e| e.into_inner());
        let Some(snapshot) = guard.as_mut().filter(|s| stands(s)) else { return Ok(()) };
        let (removed, added) = snapshot.records.replace(fresh);
        snapshot.then.patch(&snapshot.history, &removed, &added);
        snapshot.mapped.patch(&snapshot.history, &removed, &added);
        snapshot.key.movement = generation;
        Ok(())
    }
}

impl WriteTx {
    /// Notes what this transaction changed in the registry.
    pub(crate) fn facts_changed(&mut self, change: FactChange) {
        if let Some(pending) = self.on_commit.iter_mut().find_map(|s| s.as_any_mut().downcast_mut::<PendingFacts>()) {
            pending.changed.add(change);
        } else {
            let mut changed = Changed::default();
            changed.add(change);
            self.on_commit.push(Box::new(PendingFacts { changed, generation: None }));
        }
    }
}

/// What a transaction changed in the registry, acted on when it commits:
/// the registry's generation is bumped inside the transaction, then this
/// process's cache is patched.
struct PendingFacts {
    changed: Changed,
    generation: Option<i64>,
}

impl OnCommit for PendingFacts {
    fn before_commit<'a>(&'a mut self, tx: &'a mut WriteTx) -> CommitStep<'a> {
        Box::pin(async move {
            if self.changed.any {
                self.generation = Some(tx.bump_generation(MOVEMENT_GENERATION).await?);
            }
            Ok(())
        })
    }

    fn after_commit(self: Box<Self>, store: &Store) -> CommitStep<'_> {
        Box::pin(async move { store.after_commit(self.changed, self.generation).await })
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

//! Leaderboards kept in memory, so reading one never waits for SQL: every
//! counted entry is added to its contest's board (by this replica's writer
//! right after its commit, and by polling `contest_entries` for what other
//! replicas wrote), and a keeper task recomputes a board's ranking from its
//! entries with core's rules when it changed. A snapshot is at most a few
//! hundred milliseconds behind the last commit; readers take the latest
//! snapshot without locking anything for long.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use khienmang_core::org::UnitId;
use khienmang_core::outreach::contest::{
    Entry, EntryId, PersonKey, Ranked, UnitPopulation, UnitStanding, all_correct_count, best_per_person, rank,
    unit_leaderboard,
};
use sqlx::Row;

use super::keys::{EntrantKeys, GENERATION};
use super::reads::entry_of;
use crate::{Result, Store};

/// How often the keeper looks for boards to recompute.
const TICK: Duration = Duration::from_millis(50);
/// How often the database is polled for other replicas' entries and for
/// changed settings (every this many ticks).
const POLL_TICKS: u32 = 5;
/// A board is recomputed at most this often…
const MIN_GAP: Duration = Duration::from_millis(100);
/// …and, for large boards, no more often than this many times its last
/// computation took (so recomputing never takes more than about a third
/// of a core), but always within this gap.
const GAP_FACTOR: u32 = 2;
const MAX_GAP: Duration = Duration::from_millis(500);
/// Rows read per query while catching up.
const PAGE: i64 = 20_000;

/// A contest's settings as the ranking needs them.
#[derive(Debug, Clone, Default)]
struct Def {
    question_count: u32,
    /// The answer to the prediction question once the results are closed.
    frozen_actual: Option<u64>,
    populations: Vec<UnitPopulation>,
    unit_names: BTreeMap<UnitId, String>,
}

#[derive(Default)]
struct Entries {
    list: Vec<Entry>,
    ids: HashSet<i64>,
}

struct Board {
    contest: i64,
    def: RwLock<Def>,
    entries: Mutex<Entries>,
    snapshot: RwLock<Arc<Snapshot>>,
    dirty: AtomicBool,
    /// When the last computation ended and how long it took.
    last: Mutex<(Instant, Duration)>,
}

/// A leaderboard at one moment.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub contest: i64,
    /// Counted answer sheets it includes.
    pub sheets: usize,
    /// People who answered every question correctly (the answer to the
    /// prediction question, live until the results are closed).
    pub actual_all_correct: u64,
    /// The organisers closed the results: the ranking is final.
    pub is_final: bool,
    pub question_count: u32,
    /// Each person's best entry, ranked.
    pub ranked: Vec<Ranked>,
    pub units: Vec<UnitStanding>,
    pub unit_names: BTreeMap<UnitId, String>,
    included: HashSet<i64>,
    place_of_entry: HashMap<i64, usize>,
    place_of_person: HashMap<PersonKey, usize>,
}

impl Snapshot {
    /// Whether the snapshot took this entry into account.
    pub fn includes(&self, entry: EntryId) -> bool {
        self.included.contains(&entry.0)
    }

    /// The place of an entry, if it is its person's best.
    pub fn place_of_entry(&self, entry: EntryId) -> Option<&Ranked> {
        self.place_of_entry.get(&entry.0).and_then(|&i| self.ranked.get(i))
    }

    /// The place of a person's best entry.
    pub fn place_of_person(&self, person: &PersonKey) -> Option<&Ranked> {
        self.place_of_person.get(person).and_then(|&i| self.ranked.get(i))
    }

    pub fn unit_name(&self, unit: Option<UnitId>) -> String {
        unit.and_then(|u| self.unit_names.get(&u).cloned()).unwrap_or_default()
    }
}

/// Ranks entries with core's rules.
fn compute(contest: i64, def: &Def, list: Vec<Entry>) -> Snapshot {
    let actual = def.frozen_actual.unwrap_or_else(|| all_correct_count(&list, def.question_count));
    let best = best_per_person(&list, actual);
    let ranked = rank(&best, actual);
    let units = unit_leaderboard(&list, &def.populations);
    let place_of_entry = ranked.iter().enumerate().map(|(i, r)| (r.entry.id.0, i)).collect();
    let place_of_person = ranked.iter().enumerate().map(|(i, r)| (r.entry.person.clone(), i)).collect();
    Snapshot {
        contest,
        sheets: list.len(),
        actual_all_correct: actual,
        is_final: def.frozen_actual.is_some(),
        question_count: def.question_count,
        ranked,
        units,
        unit_names: def.unit_names.clone(),
        included: list.iter().map(|e| e.id.0).collect(),
        place_of_entry,
        place_of_person,
    }
}

#[derive(Default)]
struct Cursor {
    /// Highest entry id read from the database.
    entry: i64,
    generation: Option<String>,
}

/// Every contest's board, shared by the web handlers, the submission
/// writer and the keeper task.
#[derive(Clone)]
pub struct LiveBoards {
    store: Store,
    keys: EntrantKeys,
    boards: Arc<RwLock<HashMap<i64, Arc<Board>>>>,
    cursor: Arc<tokio::sync::Mutex<Cursor>>,
}

impl LiveBoards {
    pub fn new(store: Store, keys: EntrantKeys) -> LiveBoards {
        LiveBoards { store, keys, boards: Arc::default(), cursor: Arc::default() }
    }

    pub fn keys(&self) -> &EntrantKeys {
        &self.keys
    }

    /// Loads every board, then keeps them current until the process ends.
    pub fn start(&self) {
        let live = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(TICK);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut n: u32 = 0;
            loop {
                tick.tick().await;
                if n.is_multiple_of(POLL_TICKS)
                    && let Err(e) = live.refresh().await
                {
                    tracing::warn!(error = %e, "contest leaderboards: refresh failed");
                }
                n = n.wrapping_add(1);
                live.recompute_due().await;
            }
        });
    }

    fn board(&self, contest: i64) -> Option<Arc<Board>> {
        self.boards.read().unwrap_or_else(|p| p.into_inner()).get(&contest).cloned()
    }

    /// The board of a contest, made (with its settings loaded) if missing.
    async fn board_or_load(&self, contest: i64) -> Result<Option<Arc<Board>>> {
        if let Some(b) = self.board(contest) {
            return Ok(Some(b));
        }
        let Some(def) = self.load_def(contest).await? else { return Ok(None) };
        let board = Arc::new(Board {
            contest,
            def: RwLock::new(def),
            entries: Mutex::default(),
            snapshot: RwLock::new(Arc::new(Snapshot { contest, ..Default::default() })),
            dirty: AtomicBool::new(true),
            last: Mutex::new((Instant::now().checked_sub(MAX_GAP).unwrap_or_else(Instant::now), Duration::ZERO)),
        });
        let mut boards = self.boards.write().unwrap_or_else(|p| p.into_inner());
        Ok(Some(boards.entry(contest).or_insert(board).clone()))
    }

    async fn load_def(&self, contest: i64) -> Result<Option<Def>> {
        let Some(record) = self.store.contest(contest).await? else { return Ok(None) };
        let units = self.store.contest_units(contest).await?;
        let history = self.store.org_history().await?;
        let unit_names = units
            .iter()
            .filter_map(|u| {
                history.versions().iter().rev().find(|v| v.unit_id == u.unit).map(|v| (u.unit, v.name.clone()))
            })
            .collect();
        Ok(Some(Def {
            question_count: u32::try_from(record.rules.question_count).unwrap_or(u32::MAX),
            frozen_actual: record.actual_all_correct,
            populations: units
                .iter()
                .filter_map(|u| u.eligible.map(|eligible| UnitPopulation { unit: u.unit, eligible }))
                .collect(),
            unit_names,
        }))
    }

    /// The latest leaderboard of a contest; `None` if there is no such contest.
    pub async fn snapshot(&self, contest: i64) -> Result<Option<Arc<Snapshot>>> {
        let Some(board) = self.board_or_load(contest).await? else { return Ok(None) };
        let snap = board.snapshot.read().unwrap_or_else(|p| p.into_inner()).clone();
        Ok(Some(snap))
    }

    /// The latest leaderboard once it includes `entry`, waiting at most
    /// `patience` (then the latest one, whatever it includes).
    pub async fn snapshot_with(
        &self,
        contest: i64,
        entry: EntryId,
        patience: Duration,
    ) -> Result<Option<Arc<Snapshot>>> {
        let until = Instant::now() + patience;
        loop {
            let Some(snap) = self.snapshot(contest).await? else { return Ok(None) };
            if snap.includes(entry) || Instant::now() >= until {
                return Ok(Some(snap));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Adds entries of this replica's writer, just committed.
    pub(crate) async fn add(&self, contest: i64, entries: Vec<Entry>) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        if let Some(board) = self.board_or_load(contest).await? {
            board.add(entries);
        }
        Ok(())
    }

    /// Reads what changed in the database since the last call: settings of
    /// contests (when the organisers changed something) and new entries.
    pub async fn refresh(&self) -> Result<usize> {
        let mut cursor = self.cursor.lock().await;
        let generation = self.store.setting(GENERATION).await?;
        if generation != cursor.generation {
            let known: Vec<(i64, Arc<Board>)> =
                self.boards.read().unwrap_or_else(|p| p.into_inner()).iter().map(|(k, v)| (*k, v.clone())).collect();
            for (contest, board) in known {
                if let Some(def) = self.load_def(contest).await? {
                    *board.def.write().unwrap_or_else(|p| p.into_inner()) = def;
                    board.dirty.store(true, Ordering::Release);
                }
            }
            cursor.generation = generation;
        }
        let mut added = 0;
        loop {
            let rows = sqlx::query(
                "SELECT e.id, e.contest_id, e.score, e.prediction, e.time_taken_ms, e.received_at, e.counted, \
                 a.person_sealed, a.name, a.unit_id \
                 FROM contest_entries e JOIN contest_attempts a ON a.id = e.attempt_id \
                 WHERE e.id > $1 ORDER BY e.id LIMIT $2",
            )
            .bind(cursor.entry)
            .bind(PAGE)
            .fetch_all(self.store.pool())
            .await?;
            let n = rows.len() as i64;
            let mut by_contest: BTreeMap<i64, Vec<Entry>> = BTreeMap::new();
            for r in &rows {
                let id: i64 = r.try_get("id")?;
                cursor.entry = cursor.entry.max(id);
                if r.try_get::<i64, _>("counted")? == 0 {
                    continue;
                }
                let contest: i64 = r.try_get("contest_id")?;
                // This replica's own entries are on the board already.
                if self.board(contest).is_some_and(|b| b.has(id)) {
                    continue;
                }
                by_contest.entry(contest).or_default().push(entry_of(&self.keys, r)?);
            }
            for (contest, entries) in by_contest {
                added += entries.len();
                self.add(contest, entries).await?;
            }
            if n < PAGE {
                break;
            }
        }
        Ok(added)
    }

    /// Recomputes the boards that changed and whose turn it is.
    async fn recompute_due(&self) {
        let boards: Vec<Arc<Board>> = self.boards.read().unwrap_or_else(|p| p.into_inner()).values().cloned().collect();
        for board in boards {
            if !board.due() {
                continue;
            }
            let job = board.clone();
            if let Err(e) = tokio::task::spawn_blocking(move || job.recompute()).await {
                tracing::warn!(error = %e, contest = board.contest, "contest leaderboard: recompute failed");
            }
        }
    }

    /// Recomputes every changed board now (tests, the demo seed).
    pub async fn recompute_now(&self) {
        let boards: Vec<Arc<Board>> = self.boards.read().unwrap_or_else(|p| p.into_inner()).values().cloned().collect();
        for board in boards {
            if board.dirty.load(Ordering::Acquire) {
                let job = board.clone();
                let _ = tokio::task::spawn_blocking(move || job.recompute()).await;
            }
        }
    }
}

impl Board {
    fn has(&self, id: i64) -> bool {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).ids.contains(&id)
    }

    fn add(&self, entries: Vec<Entry>) {
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        for entry in entries {
            if e.ids.insert(entry.id.0) {
                e.list.push(entry);
            }
        }
        drop(e);
        self.dirty.store(true, Ordering::Release);
    }

    fn due(&self) -> bool {
        if !self.dirty.load(Ordering::Acquire) {
            return false;
        }
        let (ended, took) = *self.last.lock().unwrap_or_else(|p| p.into_inner());
        let gap = (took * GAP_FACTOR).clamp(MIN_GAP, MAX_GAP);
        ended.elapsed() >= gap
    }

    fn recompute(&self) {
        let started = Instant::now();
        // Cleared first: an entry added while computing marks it again.
        self.dirty.store(false, Ordering::Release);
        let list = self.entries.lock().unwrap_or_else(|p| p.into_inner()).list.clone();
        let def = self.def.read().unwrap_or_else(|p| p.into_inner()).clone();
        let snap = Arc::new(compute(self.contest, &def, list));
        *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = snap;
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = (Instant::now(), started.elapsed());
    }
}

//! Connection, migrations and the write transaction that every change goes
//! through (it appends to the audit log before it commits).

use std::pin::Pin;
use std::str::FromStr;

use khienmang_core::audit::entry_hash;
use std::sync::Arc;

use khienmang_core::org::{OpError, OrgHistory, UnitId};
use khienmang_core::time::Timestamp;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, ConnectOptions, Executor, Row};
use tokio::sync::RwLock;

use crate::Result;
use crate::caches::Caches;

/// Bumped by every write that changes the tree, so caches know to reload.
pub(crate) const ORG_GENERATION: &str = "org.generation";

/// The migration that adds village codes, after which the villages already
/// stored are given theirs.
const VILLAGE_CODES_MIGRATION: i64 = 15;

/// The migration that adds the people registries' folded names, after which
/// the rows already stored get theirs.
const PEOPLE_SEARCH_MIGRATION: i64 = 14;

/// One migration source; tokens are replaced per backend.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_foundation.sql")),
    (2, include_str!("../migrations/0002_movement.sql")),
    (3, include_str!("../migrations/0003_reports.sql")),
    (4, include_str!("../migrations/0004_scamcheck.sql")),
    (5, include_str!("../migrations/0005_admin.sql")),
    (6, include_str!("../migrations/0006_contests.sql")),
    (7, include_str!("../migrations/0007_outreach.sql")),
    (8, include_str!("../migrations/0008_reports_public_notes.sql")),
    (9, include_str!("../migrations/0009_auth_backup.sql")),
    (10, include_str!("../migrations/0010_rate_limits.sql")),
    (11, include_str!("../migrations/0011_initiative_leaders.sql")),
    (12, include_str!("../migrations/0012_accounts.sql")),
    (13, include_str!("../migrations/0013_corrections.sql")),
    (14, include_str!("../migrations/0014_people_search.sql")),
    (15, include_str!("../migrations/0015_village_codes.sql")),
    (16, include_str!("../migrations/0016_official_entries.sql")),
    (18, include_str!("../migrations/0018_criteria_versions.sql")),
    (19, include_str!("../migrations/0019_outreach_corrections.sql")),
    (20, include_str!("../migrations/0020_onboarding.sql")),
    (21, include_str!("../migrations/0021_voided_initiatives_index.sql")),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{}", .0.message_vi())]
    Op(#[from] OpError),
    #[error("not found")]
    NotFound,
    /// A user-facing refusal, already in Vietnamese.
    #[error("{0}")]
    Invalid(String),
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    BadUrl(String),
}

/// A refused field from core's checks, shown as its Vietnamese message.
impl From<khienmang_core::movement::InputError> for StoreError {
    fn from(e: khienmang_core::movement::InputError) -> Self {
        StoreError::Invalid(e.message_vi())
    }
}

/// The tree's history and the generation it was read at.
type CachedHistory = Option<(i64, Arc<OrgHistory>)>;

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The whole tree's history, rebuilt whenever another writer (on any
    /// replica) has bumped the generation in the database.
    org_cache: Arc<RwLock<CachedHistory>>,
    /// What the feature modules keep in memory (targets, routing, audit).
    caches: Arc<Caches>,
}

/// An instant read back from the database; a broken value is refused, not a panic.
pub(crate) fn read_instant(s: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    khienmang_core::time::Timestamp::parse_stored(s)
        .map(khienmang_core::time::Timestamp::utc)
        .map_err(|_| StoreError::Invalid(format!("thời điểm hỏng trong cơ sở dữ liệu: {s}")))
}

impl Store {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(path) = url.strip_prefix("sqlite://") {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = if path.contains("mode=") { url.to_string() } else { format!("{url}{sep}mode=rwc") };
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        let options = AnyConnectOptions::from_str(&url)?
            .log_statements(tracing::log::LevelFilter::Debug)
            .log_slow_statements(tracing::log::LevelFilter::Warn, std::time::Duration::from_secs(5));
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; the busy
                        // timeout makes a second writer wait instead of failing.
                        // FULL syncs the log at every commit, so what was
                        // acknowledged (a citizen's 201) survives a power cut;
                        // group commit keeps that affordable.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 15000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store { pool, backend, org_cache: Arc::default(), caches: Arc::default() })
    }

    pub(crate) fn caches(&self) -> &Caches {
        &self.caches
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies the migrations not yet applied. Safe to run at every start.
    /// `now` is recorded as each migration's time.
    pub async fn migrate(&self, now: Timestamp) -> Result<usize> {
        self.pool
            .execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
            )
            .await?;
        let mut applied = 0;
        for (version, source) in MIGRATIONS {
            let mut tx = self.pool.begin().await?;
            let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_optional(&mut *tx)
                .await?;
            if done.is_some() {
                continue;
            }
            for statement in self.dialect(source).split(";\n").map(str::trim) {
                let body: String =
                    statement.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
                if !body.trim().is_empty() {
                    tx.execute(body.as_str()).await?;
                }
            }
            if *version == VILLAGE_CODES_MIGRATION {
                // The villages already stored get their codes with the table.
                crate::org::assign_village_codes(&mut tx, UnitId(0), None).await?;
            }
            if *version == PEOPLE_SEARCH_MIGRATION {
                // Folding is Unicode work the databases do not share: done here.
                crate::movement::fold_stored_names(&mut tx).await?;
            }
            sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(*version)
                .bind(now.stored())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            applied += 1;
        }
        Ok(applied)
    }

    fn dialect(&self, sql: &str) -> String {
        let (id, blob, without_rowid) = match self.backend {
            Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB", "WITHOUT ROWID"),
            Backend::Postgres => ("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BYTEA", ""),
        };
        sql.replace("{{ID}}", id).replace("{{BLOB}}", blob).replace("{{WITHOUT_ROWID}}", without_rowid)
    }

    /// Starts a write: takes the audit head's lock first, so every writer is
    /// serialised behind it on both backends (on SQLite this also makes the
    /// transaction a write transaction from its first statement).
    /// `now` is the write's time: every row and audit entry it stamps.
    pub async fn begin_write(&self, actor: &str, now: Timestamp) -> Result<WriteTx> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1").execute(&mut *tx).await?;
        Ok(WriteTx {
            tx,
            actor: actor.to_string(),
            now,
            backend: self.backend,
            on_commit: Vec::new(),
            store: self.clone(),
        })
    }

    /// After rows were inserted with explicit ids, moves PostgreSQL's
    /// identity sequence past them.
    pub(crate) async fn bump_sequence(tx: &mut WriteTx, table: &str) -> Result<()> {
        if tx.backend == Backend::Postgres {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
            );
            sqlx::query(&sql).fetch_optional(&mut *tx.tx).await?;
        }
        Ok(())
    }

    /// The tree's history from the cache, reloaded if the tree changed since.
    pub async fn org_history(&self) -> Result<Arc<OrgHistory>> {
        let generation = self.org_generation().await?;
        if let Some((cached, history)) = self.org_cache.read().await.as_ref()
            && *cached == generation
        {
            return Ok(history.clone());
        }
        let history = Arc::new(self.load_history().await?);
        *self.org_cache.write().await = Some((generation, history.clone()));
        Ok(history)
    }

    async fn org_generation(&self) -> Result<i64> {
        Ok(self.setting(ORG_GENERATION).await?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(&self.pool).await?)
    }
}

/// A write transaction. Every change is made through one, and
/// [`WriteTx::audit`] appends to the hash chain in the same transaction.
pub struct WriteTx {
    pub(crate) tx: sqlx::Transaction<'static, Any>,
    pub(crate) actor: String,
    /// The write's time, given by whoever began it.
    now: Timestamp,
    pub(crate) backend: Backend,
    /// What feature modules asked to be done when this transaction commits
    /// (the targets cache: see [`crate::targets`]).
    pub(crate) on_commit: Vec<Box<dyn OnCommit>>,
    store: Store,
}

/// A future that a commit step returns.
pub(crate) type CommitStep<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

/// Work a feature module attaches to a write transaction: a step inside
/// the transaction just before it commits, and one after it committed.
pub(crate) trait OnCommit: Send + 'static {
    fn before_commit<'a>(&'a mut self, tx: &'a mut WriteTx) -> CommitStep<'a>;
    fn after_commit(self: Box<Self>, store: &Store) -> CommitStep<'_>;
    /// For the module to find and update the step it attached earlier.
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;
}

impl WriteTx {
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The write's time.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// The write's time as stored.
    pub(crate) fn stamp(&self) -> String {
        self.now.stored()
    }

    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Appends an audit entry for this transaction's actor.
    pub async fn audit(&mut self, action: &str, object: &str, details: &serde_json::Value) -> Result<i64> {
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *self.tx).await?;
        let (prev_seq, prev_hash): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
        let seq = prev_seq + 1;
        let at = self.stamp();
        let details = details.to_string();
        let hash = entry_hash(seq, &at, &self.actor, action, object, &details, &prev_hash);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, object, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(seq)
        .bind(&at)
        .bind(&self.actor)
        .bind(action)
        .bind(object)
        .bind(&details)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(&hash)
            .execute(&mut *self.tx)
            .await?;
        Ok(seq)
    }

    /// Runs an INSERT and returns the new row's id.
    pub(crate) async fn insert_returning_id(&mut self, sql: &str, binds: Vec<Val>) -> Result<i64> {
        let sql = format!("{sql} RETURNING id");
        Ok(bind_all(sqlx::query(&sql), binds).fetch_one(&mut *self.tx).await?.try_get(0)?)
    }

    /// Marks the tree as changed, for every replica's cache.
    pub(crate) async fn bump_org_generation(&mut self) -> Result<()> {
        self.bump_generation(ORG_GENERATION).await.map(|_| ())
    }

    pub(crate) async fn bump_generation(&mut self, key: &str) -> Result<i64> {
        let current: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *self.tx)
            .await?;
        let next = current.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0) + 1;
        self.set_setting(key, &next.to_string()).await?;
        Ok(next)
    }

    /// Commits, running the steps feature modules attached before and after
    /// (a registry change bumps its generation first, and afterwards this
    /// process's targets cache is patched when the change allows it).
    pub async fn commit(mut self) -> Result<()> {
        let mut steps = std::mem::take(&mut self.on_commit);
        for step in &mut steps {
            step.before_commit(&mut self).await?;
        }
        self.tx.commit().await?;
        for step in steps {
            step.after_commit(&self.store).await?;
        }
        Ok(())
    }
}

/// A value for [`bulk_insert`].
#[derive(Debug, Clone)]
pub(crate) enum Val {
    I(Option<i64>),
    F(Option<f64>),
    S(Option<String>),
    B(Option<Vec<u8>>),
}

impl Val {
    fn is_null(&self) -> bool {
        matches!(self, Val::I(None) | Val::F(None) | Val::S(None) | Val::B(None))
    }
}

/// Binds values in order (`None` as a typed NULL).
pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    values: Vec<Val>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for v in values {
        q = match v {
            Val::I(x) => q.bind(x),
            Val::F(x) => q.bind(x),
            Val::S(x) => q.bind(x),
            Val::B(x) => q.bind(x),
        };
    }
    q
}

/// Group commit's batching: waits for one job, then takes whatever else has
/// queued up meanwhile, `max` at most; `None` once every sender is gone.
pub(crate) async fn next_batch<T>(queue: &mut tokio::sync::mpsc::Receiver<T>, max: usize) -> Option<Vec<T>> {
    let mut batch = vec![queue.recv().await?];
    while batch.len() < max {
        match queue.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// Inserts many rows with multi-row VALUES statements (far fewer round trips
/// than one statement per row, on both backends).
pub(crate) async fn bulk_insert(tx: &mut WriteTx, table: &str, columns: &[&str], rows: Vec<Vec<Val>>) -> Result<()> {
    bulk_insert_returning(tx, table, columns, rows, None).await.map(|_| ())
}

/// [`bulk_insert`] that also returns the `returning` columns of every row
/// inserted (in no promised order: match them by a unique column).
pub(crate) async fn bulk_insert_returning(
    tx: &mut WriteTx,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
    returning: Option<&str>,
) -> Result<Vec<sqlx::any::AnyRow>> {
    const MAX_PARAMS: usize = 1_000;
    let per_chunk = (MAX_PARAMS / columns.len().max(1)).max(1);
    let mut out = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_chunk).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        // NULLs are written as literals: a typed NULL parameter through the
        // Any driver is not accepted by PostgreSQL for every column type.
        let mut n = 0;
        for (i, row) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for (c, v) in row.iter().enumerate() {
                if c > 0 {
                    sql.push(',');
                }
                if v.is_null() {
                    sql.push_str("NULL");
                } else {
                    n += 1;
                    sql.push_str(&format!("${n}"));
                }
            }
            sql.push(')');
        }
        let values = chunk.into_iter().flatten().filter(|v| !v.is_null()).collect();
        match returning {
            Some(columns) => {
                sql.push_str(&format!(" RETURNING {columns}"));
                out.extend(bind_all(sqlx::query(&sql), values).fetch_all(&mut *tx.tx).await?);
            }
            None => {
                bind_all(sqlx::query(&sql), values).execute(&mut *tx.tx).await?;
            }
        }
    }
    Ok(out)
}

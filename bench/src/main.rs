//! Benchmarks of Khiên Mạng on one database (SQLite or PostgreSQL).
//!
//! Every figure is printed as `BENCH <name> <value> <unit>`, every ratio to
//! a baseline measured in the same run as `BENCH <name>_ratio <value> x`,
//! and every threshold as `BENCH_CHECK <name> <= <limit> <unit>: ok|FAILED`
//! (or `>=` for a rate, or a plain condition).
//! Times are medians. See `bench/README.md` for what each figure means.
//!
//! Usage: `khienmang-bench --database URL [--import-runs N] [--query-runs N] [NAME]`
//! where NAME (optional) keeps only the benchmarks whose name contains it
//! (`import`, `subtree`, `targets`, `review`, `reports`, `scamcheck`, `checkhttp`,
//! `contests`, `pages`).

use khienmang_core::time::Timestamp;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use khienmang_core::Date;
use khienmang_core::auth::Role;
use khienmang_core::org::{EventKind, Level, UnitAttrs, UnitId, UnitVersion};
use khienmang_core::text::fold;
use khienmang_store::import::{NationalImportReport, UnitHistory, list_2024_from, reorg_2025_date};
use khienmang_store::{Backend, Store};
use khienmang_testkit::db::open_migrated;
use khienmang_testkit::fixtures::create_user;
use khienmang_testkit::http::login;
use khienmang_testkit::lists::{BundledLists, import_whole_country, province};
use sqlx::Executor;

/// mimalloc instead of the system allocator: the server allocates small,
/// short-lived buffers on every request from several threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod check_http;
mod contests;
mod load;
mod pages;
mod reports;
mod review;
mod scamcheck;
mod target_patches;
mod targets;

/// Thresholds from the project's issue.
const IMPORT_LIMIT_S: f64 = 10.0;
const SUBTREE_LIMIT_MS: f64 = 5.0;

/// The setting that marks the benchmark villages as inserted.
const VILLAGES_KEY: &str = "bench.villages";
/// Villages per old Bắc Giang commune: 6 to 16, 11 on average (as the demo).
const VILLAGES_MIN: usize = 6;
const VILLAGES_SPREAD: usize = 11;

const USAGE: &str = "usage: khienmang-bench --database URL [--import-runs N] [--query-runs N] [NAME]
  URL   sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB
        (import runs use fresh databases beside it: PATH.import-N files,
        or DB_import_N databases created through the given connection)
  NAME  run only the benchmarks whose name contains NAME: import, subtree, targets, review, reports,
        scamcheck, checkhttp, contests, pages";

struct Args {
    database: String,
    filter: Option<String>,
    import_runs: usize,
    query_runs: usize,
}

fn parse_args() -> Result<Args> {
    let mut database = None;
    let mut filter = None;
    let mut import_runs = 3;
    let mut query_runs = 200;
    let mut args = std::env::args().skip(1);
    let count = |v: Option<String>, flag: &str| -> Result<usize> {
        let v = v.with_context(|| format!("{flag} needs a value\n{USAGE}"))?;
        match v.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => bail!("{flag} needs a positive number, not {v:?}"),
        }
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            "--database" => database = Some(args.next().with_context(|| format!("--database needs a URL\n{USAGE}"))?),
            "--import-runs" => import_runs = count(args.next(), "--import-runs")?,
            "--query-runs" => query_runs = count(args.next(), "--query-runs")?,
            other if other.starts_with('-') => bail!("unknown option {other}\n{USAGE}"),
            other if filter.is_none() => filter = Some(other.to_string()),
            other => bail!("unexpected argument {other}\n{USAGE}"),
        }
    }
    let database = database.with_context(|| format!("--database is required\n{USAGE}"))?;
    Ok(Args { database, filter, import_runs, query_runs })
}

// --- timing -------------------------------------------------------------------

/// Runs `f` `warmup` times untimed, then `runs` times timed; returns the
/// samples and the last result.
async fn measure<T>(warmup: usize, runs: usize, mut f: impl AsyncFnMut() -> Result<T>) -> Result<(Samples, T)> {
    for _ in 0..warmup {
        f().await?;
    }
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let out = f().await?;
        samples.push(started.elapsed());
        last = Some(out);
    }
    let last = last.context("no run")?;
    Ok((Samples(samples), last))
}

struct Samples(Vec<Duration>);

impl Samples {
    fn median(&self) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        match sorted.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Prints one figure, to 3 significant digits or more.
fn figure(name: &str, value: f64, unit: &str) {
    let decimals = if value >= 100.0 {
        1
    } else if value >= 10.0 {
        2
    } else if value >= 0.1 {
        3
    } else {
        4
    };
    println!("BENCH {name} {value:.decimals$} {unit}");
}

/// Prints a count.
fn count(name: &str, value: usize, unit: &str) {
    println!("BENCH {name} {value} {unit}");
}

fn ratio(name: &str, numerator: Duration, denominator: Duration) {
    let r = numerator.as_secs_f64() / denominator.as_secs_f64().max(1e-9);
    figure(&format!("{name}_ratio"), r, "x");
}

/// Threshold results, printed after every figure.
#[derive(Default)]
struct Checks(Vec<(String, bool)>);

impl Checks {
    fn limit(&mut self, name: &str, value: f64, limit: f64, unit: &str) {
        let ok = value <= limit;
        self.0.push((format!("BENCH_CHECK {name} <= {limit} {unit}: {}", if ok { "ok" } else { "FAILED" }), ok));
    }

    fn at_least(&mut self, name: &str, value: f64, limit: f64, unit: &str) {
        let ok = value >= limit;
        self.0.push((format!("BENCH_CHECK {name} >= {limit} {unit}: {}", if ok { "ok" } else { "FAILED" }), ok));
    }

    fn holds(&mut self, name: &str, ok: bool) {
        self.0.push((format!("BENCH_CHECK {name}: {}", if ok { "ok" } else { "FAILED" }), ok));
    }
}

// --- databases ----------------------------------------------------------------

/// The database given on the command line, and fresh ones made beside it.
enum Target {
    /// `sqlite://PATH` with the `?...` part kept apart.
    Sqlite { path: String, query: String },
    /// `postgres://...HOST:PORT/` + database name + `?...`.
    Postgres { prefix: String, db: String, query: String },
}

impl Target {
    fn parse(url: &str) -> Result<Target> {
        if let Some(rest) = url.strip_prefix("sqlite://") {
            let (path, query) = rest.split_once('?').map_or((rest, ""), |(p, q)| (p, q));
            if path.is_empty() {
                bail!("no file in {url:?}");
            }
            return Ok(Target::Sqlite { path: path.to_string(), query: query.to_string() });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
            let scheme_end = base.find("://").map_or(0, |i| i + 3);
            let slash = base[scheme_end..].find('/').map(|i| i + scheme_end);
            let Some(slash) = slash.filter(|s| *s + 1 < base.len()) else {
                bail!("name the database in {url:?} (postgres://USER:PASSWORD@HOST:PORT/DB)");
            };
            return Ok(Target::Postgres {
                prefix: base[..=slash].to_string(),
                db: base[slash + 1..].to_string(),
                query: query.to_string(),
            });
        }
        bail!("unsupported database URL {url:?}: use sqlite://PATH or postgres://...")
    }

    /// The backend's name in figure names.
    fn label(&self) -> &'static str {
        match self {
            Target::Sqlite { .. } => "sqlite",
            Target::Postgres { .. } => "pg",
        }
    }

    fn with_query(url: String, query: &str) -> String {
        if query.is_empty() { url } else { format!("{url}?{query}") }
    }

    fn fresh_name(&self, n: usize) -> String {
        match self {
            Target::Sqlite { path, .. } => format!("{path}.import-{n}"),
            Target::Postgres { db, .. } => format!("{db}_import_{n}"),
        }
    }

    /// Creates an empty database (dropping a leftover of the same name)
    /// and returns its URL.
    async fn create_fresh(&self, admin: &Store, n: usize) -> Result<String> {
        self.drop_fresh(admin, n).await?;
        let name = self.fresh_name(n);
        Ok(match self {
            Target::Sqlite { query, .. } => Target::with_query(format!("sqlite://{name}"), query),
            Target::Postgres { prefix, query, .. } => {
                admin.pool().execute(format!("CREATE DATABASE \"{name}\"").as_str()).await?;
                Target::with_query(format!("{prefix}{name}"), query)
            }
        })
    }

    async fn drop_fresh(&self, admin: &Store, n: usize) -> Result<()> {
        let name = self.fresh_name(n);
        match self {
            Target::Sqlite { .. } => {
                for file in [name.clone(), format!("{name}-wal"), format!("{name}-shm")] {
                    match std::fs::remove_file(&file) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                            return Err(e).with_context(|| format!("removing {file}"));
                        }
                        _ => {}
                    }
                }
            }
            Target::Postgres { .. } => {
                admin.pool().execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str()).await?;
            }
        }
        Ok(())
    }
}

// --- import ----------------------------------------------------------------------

/// The import on a fresh database per run, beside its baselines: parsing
/// alone, and a plain bulk INSERT of as many rows into the same tables.
async fn bench_import(target: &Target, admin: &Store, runs: usize, checks: &mut Checks) -> Result<()> {
    let b = target.label();

    let (parse, parsed) = measure(1, runs.max(5), async || BundledLists::parse()).await?;
    let records = parsed.records();

    let mut import_samples = Vec::new();
    let mut report = NationalImportReport::default();
    for n in 0..runs {
        let url = target.create_fresh(admin, n).await?;
        let store = open_migrated(&url).await?;
        let (s, r) = measure(0, 1, async || import_whole_country(&store, "bench").await).await?;
        import_samples.extend(s.0);
        report = r;
        store.pool().close().await;
        target.drop_fresh(admin, n).await?;
    }
    let import = Samples(import_samples);
    let rows = ImportRows::of(&report);

    let mut plain_samples = Vec::new();
    for n in 0..runs {
        let url = target.create_fresh(admin, n).await?;
        let store = open_migrated(&url).await?;
        let (s, ()) = measure(0, 1, async || plain_insert(&store, &parsed, &rows).await).await?;
        plain_samples.extend(s.0);
        store.pool().close().await;
        target.drop_fresh(admin, n).await?;
    }
    let plain = Samples(plain_samples);

    count("import_records", records, "records");
    count(&format!("import_national_{b}_rows"), rows.total(), "rows");
    figure(&format!("import_national_{b}_median"), secs(import.median()), "s");
    figure(&format!("import_parse_{b}_median"), ms(parse.median()), "ms");
    figure(&format!("import_plain_insert_{b}_median"), secs(plain.median()), "s");
    ratio(&format!("import_national_{b}_vs_parse"), import.median(), parse.median());
    ratio(&format!("import_national_{b}_vs_plain_insert"), import.median(), plain.median());
    checks.limit(&format!("import_national_{b}"), secs(import.median()), IMPORT_LIMIT_S, "s");
    Ok(())
}

/// How many rows the import wrote to each table.
struct ImportRows {
    units: usize,
    versions: usize,
    events: usize,
    links: usize,
}

impl ImportRows {
    fn of(r: &NationalImportReport) -> ImportRows {
        ImportRows {
            units: r.units_2024 + r.units_2025_new,
            versions: r.units_2024 + r.units_2025_new + r.units_continuing,
            events: r.events,
            links: r.lineage_links,
        }
    }

    fn total(&self) -> usize {
        self.units + self.versions + self.events + self.links
    }
}

/// One value of a plain INSERT; `None`s are written as NULL literals, as
/// the store does (the `Any` driver has no typed NULL for every column).
enum Val {
    I(Option<i64>),
    F(Option<f64>),
    S(Option<String>),
}

/// The baseline of the import: as many rows into the same tables (same
/// indexes and foreign keys), in one transaction, with the same multi-row
/// INSERT batches as the store, but no reorganisation logic: versions are
/// the list records as they are, and units, events and links are filler.
async fn plain_insert(store: &Store, p: &BundledLists, rows: &ImportRows) -> Result<()> {
    let mut tx = store.pool().begin().await?;
    let now = "2025-01-01T00:00:00Z".to_string();
    let units = (1..=rows.units as i64).map(|id| vec![Val::I(Some(id)), Val::S(Some(now.clone()))]);
    insert_rows(&mut tx, "org_units", &["id", "created_at"], units).await?;

    let unit_of = |i: usize| (i % rows.units.max(1)) as i64 + 1;
    let records = p.units_2024.iter().chain(&p.units_2025).cycle().take(rows.versions);
    let versions = records.enumerate().map(|(i, r)| {
        vec![
            Val::I(Some(unit_of(i))),
            Val::S(Some("2024-01-01".to_string())),
            Val::S(None),
            Val::S(Some(r.code.clone())),
            Val::S(Some(r.name.clone())),
            Val::S(Some(fold(&r.name))),
            Val::S(Some(r.level.as_str().to_string())),
            Val::S(r.unit_type.clone()),
            Val::I(r.parent_code.as_ref().map(|_| unit_of(i / 2))),
            Val::I(None),
            Val::I(None),
            Val::S(None),
            Val::S(None),
            Val::S(None),
            Val::F(r.lat),
            Val::F(r.lon),
        ]
    });
    let version_columns = [
        "unit_id",
        "valid_from",
        "valid_to",
        "code",
        "name",
        "name_folded",
        "level",
        "unit_type",
        "parent_id",
        "households",
        "population",
        "enterprise_size",
        "school_level",
        "official_page",
        "lat",
        "lon",
    ];
    insert_rows(&mut tx, "org_unit_versions", &version_columns, versions).await?;

    let summary = "Sáp nhập Xã Một, Xã Hai, Xã Ba thành Xã Bốn từ ngày 01/07/2025".to_string();
    let events = (1..=rows.events as i64).map(|id| {
        vec![
            Val::I(Some(id)),
            Val::S(Some("merge".to_string())),
            Val::S(Some("2025-07-01".to_string())),
            Val::I(Some(unit_of(id as usize))),
            Val::S(Some(summary.clone())),
            Val::S(Some("bench".to_string())),
            Val::S(Some(now.clone())),
        ]
    });
    let event_columns = ["id", "kind", "effective", "unit_id", "summary", "actor", "created_at"];
    insert_rows(&mut tx, "org_events", &event_columns, events).await?;

    let links = (0..rows.links).map(|i| {
        vec![
            Val::I(Some((i % rows.events.max(1)) as i64 + 1)),
            Val::I(Some(unit_of(i))),
            Val::I(Some(unit_of(i + 1))),
            Val::I(Some(1)),
            Val::S(Some("2025-07-01".to_string())),
        ]
    });
    let link_columns = ["event_id", "from_unit", "to_unit", "is_default", "effective"];
    insert_rows(&mut tx, "org_lineage", &link_columns, links).await?;
    tx.commit().await?;
    Ok(())
}

async fn insert_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<Val>>,
) -> Result<()> {
    const MAX_PARAMS: usize = 1_000;
    let per_chunk = (MAX_PARAMS / columns.len().max(1)).max(1);
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_chunk).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, row) in chunk.iter().enumerate() {
            sql.push_str(if i > 0 { ",(" } else { "(" });
            for (c, v) in row.iter().enumerate() {
                if c > 0 {
                    sql.push(',');
                }
                if matches!(v, Val::I(None) | Val::F(None) | Val::S(None)) {
                    sql.push_str("NULL");
                } else {
                    n += 1;
                    sql.push_str(&format!("${n}"));
                }
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for v in chunk.into_iter().flatten() {
            q = match v {
                Val::I(Some(x)) => q.bind(x),
                Val::F(Some(x)) => q.bind(x),
                Val::S(Some(x)) => q.bind(x),
                Val::I(None) | Val::F(None) | Val::S(None) => q,
            };
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

// --- subtree ----------------------------------------------------------------------

fn day(y: i32, m: u32, d: u32) -> Result<Date> {
    Date::from_ymd_opt(y, m, d).with_context(|| format!("bad date {y}-{m}-{d}"))
}

/// The national lists plus demo-like villages: 6 to 16 under each commune
/// of old Bắc Giang (24) as of 2025-06-30, each moved on 1 July 2025 to the
/// commune that took its commune's data. Done once per database.
async fn seed(store: &Store) -> Result<()> {
    if !store.national_import_done().await? {
        import_whole_country(store, "bench").await?;
    }
    if store.setting(VILLAGES_KEY).await?.is_some() {
        return Ok(());
    }
    let before = day(2025, 6, 30)?;
    let (from, reorg) = (list_2024_from(), reorg_2025_date());
    let history = store.load_history().await?;
    let root = province(store, "24", before).await?;
    let snapshot = history.snapshot(before);
    let communes: Vec<&UnitVersion> = snapshot
        .subtree(root)
        .into_iter()
        .filter_map(|u| snapshot.get(u))
        .filter(|v| v.level == Level::Commune)
        .collect();
    let mut units = Vec::new();
    for (i, commune) in communes.iter().enumerate() {
        let successor = history.successor_on(commune.unit_id, reorg).filter(|s| *s != commune.unit_id);
        for k in 1..=VILLAGES_MIN + (i * 7) % VILLAGES_SPREAD {
            let first = UnitVersion {
                unit_id: UnitId(0),
                valid_from: from,
                valid_to: None,
                code: None,
                name: format!("Thôn {k}"),
                level: Level::Village,
                unit_type: Some("Thôn".to_string()),
                parent_id: Some(commune.unit_id),
                attrs: UnitAttrs {
                    households: Some(150 + (k as i64 * 37) % 300),
                    population: Some(600 + (k as i64 * 151) % 1_200),
                    ..UnitAttrs::default()
                },
                lat: None,
                lon: None,
            };
            units.push(match successor {
                Some(new_parent) => {
                    let later = UnitVersion { valid_from: reorg, parent_id: Some(new_parent), ..first.clone() };
                    let summary = format!("{} chuyển về đơn vị mới từ ngày 01/07/2025", first.name);
                    UnitHistory {
                        versions: vec![UnitVersion { valid_to: Some(reorg), ..first }, later],
                        events: vec![(EventKind::Reparent, reorg, summary)],
                    }
                }
                None => UnitHistory { versions: vec![first], events: Vec::new() },
            });
        }
    }
    let count = units.len();
    let mut tx = store.begin_write("bench", Timestamp::now()).await?;
    tx.insert_histories(units, "bench: thôn").await?;
    tx.set_setting(VILLAGES_KEY, &count.to_string()).await?;
    tx.commit().await?;
    Ok(())
}

/// The "as of" subtree of a whole province: the store's call (served from
/// its cached history), the recursive SQL query, and the in-memory
/// baseline `OrgHistory::snapshot(date).subtree(root)`.
async fn bench_subtree(target: &Target, store: &Store, runs: usize, checks: &mut Checks) -> Result<()> {
    let b = target.label();
    seed(store).await?;
    if store.backend() == Backend::Postgres {
        // The store leaves statistics to autovacuum, which runs within a
        // minute or so of a bulk import; until then the recursive query
        // scans the whole table at each level. Measure the steady state.
        store.pool().execute("ANALYZE org_units, org_unit_versions, org_events, org_lineage").await?;
    }
    let villages: usize = store.setting(VILLAGES_KEY).await?.and_then(|v| v.parse().ok()).unwrap_or(0);
    count(&format!("org_villages_{b}"), villages, "units");

    let (load, history) = measure(1, 10, async || Ok(store.load_history().await?)).await?;
    count(&format!("org_versions_{b}"), history.versions().len(), "versions");
    figure(&format!("org_load_history_{b}_median"), ms(load.median()), "ms");

    let cases = [("bac_ninh_2026", "24", day(2026, 1, 1)?), ("bac_giang_2025", "24", day(2025, 6, 30)?)];
    let mut worst = Duration::ZERO;
    for (case, code, on) in cases {
        let root = province(store, code, on).await?;
        let (store_t, via_store) = measure(5, runs, async || Ok(store.subtree_on(root, on).await?)).await?;
        let (sql_t, via_sql) = measure(5, runs, async || Ok(store.subtree_on_sql(root, on).await?)).await?;
        let (mem_t, via_memory) = measure(5, runs, async || Ok(history.snapshot(on).subtree(root))).await?;

        let ids = |vs: &[UnitVersion]| vs.iter().map(|v| v.unit_id).collect::<BTreeSet<_>>();
        let memory: BTreeSet<UnitId> = via_memory.into_iter().collect();
        let same = ids(&via_store) == memory && ids(&via_sql) == memory;

        let name = format!("org_subtree_{case}_{b}");
        count(&format!("{name}_units"), memory.len(), "units");
        figure(&format!("{name}_median"), ms(store_t.median()), "ms");
        figure(&format!("org_subtree_sql_{case}_{b}_median"), ms(sql_t.median()), "ms");
        figure(&format!("org_subtree_memory_{case}_{b}_median"), ms(mem_t.median()), "ms");
        ratio(&format!("{name}_vs_memory"), store_t.median(), mem_t.median());
        ratio(&format!("org_subtree_sql_{case}_{b}_vs_memory"), sql_t.median(), mem_t.median());
        checks.holds(&format!("{name}_same_units"), same && memory.len() > 1);
        checks.limit(&name, ms(store_t.median()), SUBTREE_LIMIT_MS, "ms");
        worst = worst.max(store_t.median());
    }
    figure(&format!("org_subtree_{b}_median"), ms(worst), "ms");
    checks.limit(&format!("org_subtree_{b}"), ms(worst), SUBTREE_LIMIT_MS, "ms");

    // The first calls after a write: the store reloads its whole history,
    // once per caller that finds the cache stale.
    let on = day(2026, 1, 1)?;
    let root = province(store, "24", on).await?;
    let (mut cold, mut burst) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        invalidate(store).await?;
        let (s, _) = measure(0, 1, async || Ok(store.subtree_on(root, on).await?)).await?;
        cold.extend(s.0);
    }
    for _ in 0..3 {
        invalidate(store).await?;
        let (s, ()) = measure(0, 1, async || {
            let mut callers = tokio::task::JoinSet::new();
            for _ in 0..BURST {
                let store = store.clone();
                callers.spawn(async move { store.subtree_on(root, on).await.map(|v| v.len()) });
            }
            while let Some(done) = callers.join_next().await {
                done??;
            }
            Ok(())
        })
        .await?;
        burst.extend(s.0);
    }
    let (cold, burst) = (Samples(cold).median(), Samples(burst).median());
    figure(&format!("org_subtree_after_write_{b}_median"), ms(cold), "ms");
    figure(&format!("org_subtree_after_write_burst{BURST}_{b}_median"), ms(burst), "ms");
    ratio(&format!("org_subtree_after_write_burst{BURST}_{b}_vs_single"), burst, cold);
    Ok(())
}

/// The fresh database number the targets benchmark uses.
const TARGETS_DB: usize = 100;
/// The fresh database number the reports benchmark uses (dropped after).
const REPORTS_DB: usize = 101;
/// The fresh database number the HTTP check benchmark uses (dropped after).
const CHECK_DB: usize = 102;
/// The fresh database number the contests benchmark uses (dropped after).
const CONTESTS_DB: usize = 103;
/// The demo's data for the `pages` benchmark.
const PAGES_DB: usize = 104;

/// Logs a secretariat account of `province` into the server at `base` (made
/// on first use) and returns its bearer token.
pub(crate) async fn staff_token(store: &Store, base: &str, username: &str, province: UnitId) -> Result<String> {
    let password = "mat-khau-benchmark-2026";
    if store.user_by_name(username).await?.is_none() {
        create_user(store, "bench", username, Role::Secretariat, Some(province), password).await?;
    }
    login(&reqwest::Client::new(), base, username, password).await
}

async fn store_admin(url: &str) -> Result<Store> {
    Store::connect(url).await.with_context(|| format!("connecting to {url}"))
}

/// Concurrent callers right after a write, for the burst figure.
const BURST: usize = 8;

/// A write to the tree that changes nothing but the cache generation.
async fn invalidate(store: &Store) -> Result<()> {
    let mut tx = store.begin_write("bench", Timestamp::now()).await?;
    tx.insert_histories(Vec::new(), "bench: cache invalidation").await?;
    tx.commit().await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = parse_args()?;
    let target = Target::parse(&args.database)?;
    let wanted = |name: &str| args.filter.as_deref().is_none_or(|f| name.contains(f));
    if !wanted("import")
        && !wanted("subtree")
        && !wanted("targets")
        && !wanted("reports")
        && !wanted("scamcheck")
        && !wanted("checkhttp")
        && !wanted("review")
        && !wanted("contests")
        && !wanted("pages")
    {
        bail!(
            "no benchmark matches {:?}: use import, subtree, targets, review, reports, scamcheck, checkhttp, contests or pages",
            args.filter.unwrap_or_default()
        );
    }
    let store = open_migrated(&args.database).await?;
    let mut checks = Checks::default();
    if wanted("import") {
        bench_import(&target, &store, args.import_runs, &mut checks).await?;
    }
    if wanted("subtree") {
        bench_subtree(&target, &store, args.query_runs, &mut checks).await?;
    }
    store.pool().close().await;
    if wanted("targets") || wanted("review") {
        // A database of its own: the synthetic province, not the national lists.
        let url = target.create_fresh(&store_admin(&args.database).await?, TARGETS_DB).await?;
        let targets_store = open_migrated(&url).await?;
        if wanted("targets") {
            targets::bench_targets(target.label(), &targets_store, args.query_runs, &mut checks).await?;
        }
        targets_store.pool().close().await;
        if wanted("review") {
            review::bench_review(target.label(), &url, args.query_runs, &mut checks).await?;
        }
    }
    if wanted("reports") {
        // A database of its own with the national units only: the reports
        // written by the load do not pile up in the given database.
        let admin = store_admin(&args.database).await?;
        let url = target.create_fresh(&admin, REPORTS_DB).await?;
        let reports_store = open_migrated(&url).await?;
        let result = reports::bench_reports(target.label(), &reports_store, &mut checks).await;
        reports_store.pool().close().await;
        target.drop_fresh(&admin, REPORTS_DB).await?;
        admin.pool().close().await;
        result?;
    }
    if wanted("checkhttp") {
        // A database of its own, like the reports'.
        let admin = store_admin(&args.database).await?;
        let url = target.create_fresh(&admin, CHECK_DB).await?;
        let check_store = open_migrated(&url).await?;
        let result = check_http::bench_check_http(target.label(), &check_store, &mut checks).await;
        check_store.pool().close().await;
        target.drop_fresh(&admin, CHECK_DB).await?;
        admin.pool().close().await;
        result?;
    }
    if wanted("contests") {
        // A database of its own: the sheets written by the load do not pile up.
        let admin = store_admin(&args.database).await?;
        let url = target.create_fresh(&admin, CONTESTS_DB).await?;
        let contests_store = open_migrated(&url).await?;
        let result = contests::bench_contests(target.label(), &contests_store, &mut checks).await;
        contests_store.pool().close().await;
        target.drop_fresh(&admin, CONTESTS_DB).await?;
        admin.pool().close().await;
        result?;
    }
    if wanted("pages") {
        // A database of its own with the demo's data, made by `khienmang demo`.
        let admin = store_admin(&args.database).await?;
        let url = target.create_fresh(&admin, PAGES_DB).await?;
        let result = pages::bench_pages(target.label(), &url, &mut checks).await;
        target.drop_fresh(&admin, PAGES_DB).await?;
        admin.pool().close().await;
        result?;
    }
    if wanted("scamcheck") {
        // Its own SQLite file beside the given one; skipped on PostgreSQL.
        scamcheck::bench_scamcheck(&target, &mut checks).await?;
    }
    for (line, _) in &checks.0 {
        println!("{line}");
    }
    if checks.0.iter().any(|(_, ok)| !ok) {
        std::process::exit(1);
    }
    Ok(())
}

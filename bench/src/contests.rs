//! Online contests: answer sheets over HTTP, and how current the public
//! leaderboard stays while they pour in.
//!
//! - `contests_submit_*`: `POST /api/v1/contests/{c}/attempts/{a}/submit`
//!   from `CONNECTIONS` keep-alive connections (the `load` generator)
//!   against the real server in
//!   this process, each request a different attempt (started beforehand,
//!   one per person); only answers `200` with `"counted": true` count, and
//!   a 200 is sent after the sheet's transaction committed (group commit)
//!   and the sheet was put on the live leaderboard.
//! - `contests_fresh_*`: during the measured window, the newest
//!   acknowledged sheet is looked up on `GET …/leaderboard?entry=ID` every
//!   few milliseconds until it has a place: the time from its 200 to its
//!   place, max and p99 over the runs.
//! - Baselines in the same run: `GET /healthz` of the same server with the
//!   same client (the HTTP ceiling), and one ranking by SQL (`ORDER BY`
//!   over the contest's entries) against one `GET` of the in-memory
//!   leaderboard.

use khienmang_core::time::Timestamp;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::Utc;
use khienmang_core::org::UnitId;
use khienmang_core::outreach::contest::{AttemptPolicy, ContestRules, Period, PersonKey, Question, QuestionId};
use khienmang_store::Store;
use khienmang_store::outreach::contests::{ContestUnit, EntrantKeys, NewContest, StartedAttempt, VerifiedEntrant};
use khienmang_store::reports::FieldKey;
use khienmang_testkit::fixtures::province_with_communes;
use khienmang_testkit::http::serve_locally;
use serde_json::{Value, json};

use crate::load::{Load, Run, Runs, get, measure, percentile, post_json};
use crate::{Checks, count, figure, ms};

/// Sheets per second the issue asks for, on SQLite.
const RATE_LIMIT: f64 = 5_000.0;
/// The leaderboard must show a sheet within this after its 200.
const FRESH_LIMIT_MS: f64 = 1_000.0;

const CONNECTIONS: usize = 128;
const WARMUP: Duration = Duration::from_secs(1);
const MEASURED: Duration = Duration::from_secs(5);
const RUNS: usize = 3;
/// Attempts started before each run: more than the fastest run can use.
const ATTEMPTS: usize = 60_000;
const QUESTIONS: usize = 10;
const BANK: usize = 40;
const UNITS: usize = 20;

/// A province with `UNITS` communes, the contest's organiser and units.
async fn seed_units(store: &Store) -> Result<(UnitId, Vec<UnitId>)> {
    let on = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).context("date")?;
    province_with_communes(store, "bench", "Tỉnh Thi Thử", (0..UNITS).map(|i| format!("Xã Thử {i}")), on).await
}

/// A contest open now, its bank, its units, and `ATTEMPTS` attempts of as
/// many people; returns the contest and the request of each attempt.
async fn prepare_run(
    store: &Store,
    keys: &EntrantKeys,
    province: UnitId,
    communes: &[UnitId],
    run: usize,
    addr: SocketAddr,
) -> Result<(i64, Vec<Vec<u8>>)> {
    let now = Utc::now();
    let bank: Vec<Question> = (0..BANK)
        .map(|i| Question {
            id: QuestionId(i as i64 + 1),
            category: ["Luật An ninh mạng", "Phòng, chống lừa đảo", "Dữ liệu cá nhân", "Trẻ em"][i % 4].into(),
            text: format!("Câu hỏi số {i} về an toàn trên không gian mạng?"),
            choices: (0..4).map(|c| format!("Phương án {c} của câu {i}")).collect(),
            correct: i % 4,
        })
        .collect();
    let mut tx = store.begin_write("bench", Timestamp::now()).await?;
    let contest = tx
        .create_contest(&NewContest {
            rules: ContestRules {
                title: format!("Cuộc thi đo tải {run}"),
                opens_at: now - chrono::Duration::minutes(5),
                closes_at: now + chrono::Duration::days(1),
                question_count: QUESTIONS,
                quotas: vec![],
                time_limit_secs: 3600,
                attempts: AttemptPolicy { max_attempts: 1, period: Period::Contest },
            },
            organiser: province,
            description: String::new(),
            prediction_question: "Bao nhiêu người trả lời đúng tất cả?".into(),
            use_shared_bank: false,
        })
        .await?;
    tx.add_contest_questions(Some(contest), &bank).await?;
    let units: Vec<ContestUnit> =
        communes.iter().map(|u| ContestUnit { unit: *u, eligible: Some(ATTEMPTS as u64 / UNITS as u64 * 2) }).collect();
    tx.set_contest_units(contest, &units).await?;
    tx.commit().await?;

    let setup = store.attempt_setup(contest).await?;
    let right: std::collections::HashMap<i64, usize> = setup.bank.iter().map(|q| (q.id.0, q.correct)).collect();
    let mut requests = Vec::with_capacity(ATTEMPTS);
    for chunk in 0..ATTEMPTS.div_ceil(2_000) {
        let entrants: Vec<VerifiedEntrant> = (chunk * 2_000..((chunk + 1) * 2_000).min(ATTEMPTS))
            .map(|i| {
                let n = run * 1_000_000 + i;
                Ok(VerifiedEntrant {
                    person: PersonKey::parse(&format!("091{n:07}"))?,
                    name: format!("Người thi {n}"),
                    unit: Some(communes[i % communes.len()]),
                })
            })
            .collect::<Result<_, khienmang_core::outreach::contest::EntrantPhoneError>>()?;
        let mut tx = store.begin_write("bench", Timestamp::now()).await?;
        let started: Vec<StartedAttempt> = tx.start_attempts(&setup, keys, &entrants, Utc::now()).await?;
        tx.commit().await?;
        for (k, s) in started.into_iter().enumerate() {
            let i = chunk * 2_000 + k;
            // Right answers with a few misses, so scores and ties vary.
            let answers: Vec<Option<usize>> = s
                .draw
                .questions
                .iter()
                .enumerate()
                .map(|(q, dq)| {
                    let correct = right.get(&dq.question.0).copied().unwrap_or(0);
                    let shown = dq.order.iter().position(|&o| usize::from(o) == correct).unwrap_or(0);
                    if (i + q * 7) % 11 == 0 { Some((shown + 1) % dq.order.len()) } else { Some(shown) }
                })
                .collect();
            let body = json!({"token": s.token, "answers": answers, "prediction": (i * 37) % 5_000}).to_string();
            requests.push(post_json(addr, &format!("/api/v1/contests/{contest}/attempts/{}/submit", s.id), &body));
        }
    }
    Ok((contest, requests))
}

/// What one run saw: the load's run, and the time from each probed sheet's
/// 200 to its place on the leaderboard.
struct Seen {
    run: Run,
    fresh: Vec<Duration>,
}

/// Sends every request once at most, from `CONNECTIONS` connections, for
/// `WARMUP + MEASURED`; meanwhile probes the leaderboard's freshness.
async fn load(addr: SocketAddr, contest: i64, requests: Vec<Vec<u8>>) -> Result<Seen> {
    let start = Instant::now();
    let (from, until) = (start + WARMUP, start + WARMUP + MEASURED);
    // The newest acknowledged sheet and when its 200 arrived.
    let newest: Arc<Mutex<Option<(i64, Instant)>>> = Arc::default();
    let mut sheets = Load::new(addr, requests, 200);
    (sheets.once, sheets.connections, sheets.warmup, sheets.measured) = (true, CONNECTIONS, WARMUP, MEASURED);
    let noted = newest.clone();
    sheets.read = Some(Arc::new(move |body: &[u8]| {
        let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        match (v["counted"].as_bool(), v["entry"].as_i64()) {
            (Some(true), Some(entry)) => {
                *noted.lock().unwrap_or_else(|p| p.into_inner()) = Some((entry, Instant::now()));
                Ok(Some(entry.to_string()))
            }
            _ => Err(format!("200 without a counted entry: {v}")),
        }
    }));
    // The freshness probe: one sheet at a time, the newest acknowledged.
    let probe = tokio::spawn(async move {
        let client = reqwest::Client::new();
        let mut fresh = Vec::new();
        let mut problems = 0usize;
        while Instant::now() < until {
            let picked = *newest.lock().unwrap_or_else(|p| p.into_inner());
            let Some((entry, acked)) = picked.filter(|(_, at)| *at >= from) else {
                tokio::time::sleep(Duration::from_millis(5)).await;
                continue;
            };
            let url = format!("http://{addr}/api/v1/contests/{contest}/leaderboard?limit=0&entry={entry}");
            loop {
                let placed = match client.get(&url).send().await {
                    Ok(res) => res.json::<Value>().await.map(|v| !v["entry"].is_null()).unwrap_or(false),
                    Err(_) => {
                        problems += 1;
                        false
                    }
                };
                if placed || acked.elapsed() > Duration::from_secs(10) {
                    fresh.push(acked.elapsed());
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        (fresh, problems)
    });
    let mut run = crate::load::run(sheets).await?;
    let (fresh, problems) = probe.await?;
    run.unexpected += problems;
    Ok(Seen { run, fresh })
}

/// Counted entries of these ids in the database.
async fn stored(store: &Store, contest: i64, ids: &[i64]) -> Result<usize> {
    let all: Vec<i64> = sqlx::query_scalar("SELECT id FROM contest_entries WHERE contest_id = $1 AND counted = 1")
        .bind(contest)
        .fetch_all(store.pool())
        .await?;
    let all: std::collections::HashSet<i64> = all.into_iter().collect();
    Ok(ids.iter().filter(|id| all.contains(id)).count())
}

/// The ranking by SQL, as a per-request recomputation would do it.
async fn sql_ranking(store: &Store, contest: i64) -> Result<usize> {
    let actual: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_entries WHERE contest_id = $1 AND counted = 1 AND score = question_total",
    )
    .bind(contest)
    .fetch_one(store.pool())
    .await?;
    let rows: Vec<i64> = sqlx::query_scalar(
        "SELECT e.id FROM contest_entries e JOIN contest_attempts a ON a.id = e.attempt_id \
         WHERE e.contest_id = $1 AND e.counted = 1 \
         ORDER BY e.score DESC, CASE WHEN e.prediction IS NULL THEN 1 ELSE 0 END, ABS(e.prediction - $2), \
         e.time_taken_ms, e.received_at, e.id LIMIT 50",
    )
    .bind(contest)
    .bind(actual)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.len())
}

pub async fn bench_contests(b: &str, store: &Store, checks: &mut Checks) -> Result<()> {
    let (province, communes) = seed_units(store).await?;
    let (key, _) = FieldKey::generate();
    let keys = EntrantKeys::new(key.clone());
    let config = khienmang_web::WebConfig {
        require_totp: false,
        cookie_secure: false,
        field_key: Some(key),
        ..Default::default()
    };
    let addr = serve_locally(khienmang_web::AppState::new(store.clone(), config, None)).await?;
    let base = format!("http://{addr}");

    let mut runs = Runs::default();
    let mut fresh = Vec::new();
    let (mut acknowledged, mut lost) = (0usize, 0usize);
    let mut placed_all = true;
    let mut last_contest = 0;
    for run in 1..=RUNS {
        let prepared = Instant::now();
        let (contest, requests) = prepare_run(store, &keys, province, &communes, run, addr).await?;
        eprintln!(
            "contests {b} run {run}/{RUNS}: {ATTEMPTS} attempts started in {:.1} s",
            prepared.elapsed().as_secs_f64()
        );
        let Seen { run: r, fresh: seen_fresh } = load(addr, contest, requests).await?;
        let acknowledged_ids: Vec<i64> = r.kept.iter().filter_map(|k| k.parse().ok()).collect();
        eprintln!(
            "{}; fresh max {:.0} ms over {} probes",
            r.describe("contests_submit", b, run, RUNS),
            ms(seen_fresh.iter().max().copied().unwrap_or_default()),
            seen_fresh.len(),
        );
        runs.add(&r);
        fresh.extend(seen_fresh);
        acknowledged += acknowledged_ids.len();
        lost += acknowledged_ids.len() - stored(store, contest, &acknowledged_ids).await?;
        // Once the writer is idle, every counted sheet has its person's place.
        tokio::time::sleep(Duration::from_millis(1_200)).await;
        let board: Value =
            reqwest::get(format!("{base}/api/v1/contests/{contest}/leaderboard?limit=0")).await?.json().await?;
        placed_all &= board["entrants"].as_u64() == Some(acknowledged_ids.len() as u64);
        last_contest = contest;
    }
    if fresh.is_empty() {
        bail!("the freshness probe saw no sheet");
    }
    let (rate, _) = runs.report("contests_submit", b, "sheets/s");
    count(&format!("contests_submit_{b}_acknowledged"), acknowledged, "sheets");
    count(&format!("contests_lost_{b}"), lost, "sheets");
    let fresh_max = ms(fresh.iter().max().copied().unwrap_or_default());
    count(&format!("contests_fresh_{b}_probes"), fresh.len(), "sheets");
    figure(&format!("contests_fresh_{b}_p50"), ms(percentile(&fresh, 0.5)), "ms");
    figure(&format!("contests_fresh_{b}_p99"), ms(percentile(&fresh, 0.99)), "ms");
    figure(&format!("contests_fresh_{b}_max"), fresh_max, "ms");

    // Baselines.
    let health =
        measure("contests_healthz", b, &Load::new(addr, vec![get(addr, "/healthz")], 200), "requests/s").await?.rate;
    figure(&format!("contests_submit_{b}_vs_healthz_ratio"), rate / health.max(1e-9), "x");
    let http = reqwest::Client::new();
    let board_url = format!("{base}/api/v1/contests/{last_contest}/leaderboard?limit=50");
    let (memory, _) = crate::measure(5, 50, async || {
        let res = http.get(&board_url).send().await?;
        Ok(res.bytes().await?.len())
    })
    .await?;
    let (sql, _) = crate::measure(2, 20, async || sql_ranking(store, last_contest).await).await?;
    figure(&format!("contests_leaderboard_http_{b}_median"), ms(memory.median()), "ms");
    figure(&format!("contests_leaderboard_sql_{b}_median"), ms(sql.median()), "ms");
    crate::ratio(&format!("contests_leaderboard_sql_{b}_vs_http"), sql.median(), memory.median());

    checks.at_least(&format!("contests_submit_{b}"), rate, RATE_LIMIT, "sheets/s");
    checks.limit(&format!("contests_fresh_{b}_max"), fresh_max, FRESH_LIMIT_MS, "ms");
    checks.holds(&format!("contests_lost_{b} = 0"), lost == 0 && acknowledged > 0);
    checks.holds(&format!("contests_every_sheet_placed_{b}"), placed_all);
    Ok(())
}

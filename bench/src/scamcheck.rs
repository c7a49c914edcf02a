//! The scam-check indicator index: its build at 10 million indicators, its
//! memory per indicator, and checks of phones, bank accounts and links on
//! one thread, beside the same lookups as indexed SQL on an SQLite file.
//!
//! Checks are timed twice: as a stream (`check_phones` and the like, which
//! pipeline their reads from memory: the throughput a busy server or an app
//! checking a call log gets, and the figure the targets are for), and one
//! at a time, each waiting for its own read (its latency; the figure SQL's
//! one query at a time is compared with).
//!
//! The indicators are generated deterministically: 40% phone numbers, 30%
//! bank accounts, 30% URL expressions (whole domains and "/dang-nhap/"
//! paths). Queries are half hits, half misses (indicators of the same shape
//! that were not inserted), in a fixed pseudo-random order.
//!
//! `BENCH_SCAMCHECK_N` sets the number of indicators (default 10,000,000),
//! e.g. 100000 for a quick try. The SQLite file is made beside the given
//! SQLite database and removed after; on PostgreSQL the benchmark is skipped
//! (it does not use the given database).

use std::hint::black_box;
use std::time::Duration;

use anyhow::{Context, Result};
use khienmang_core::scamcheck::{
    BANKS, BankAccount, CanonicalUrl, IndicatorEntry, IndicatorIndex, IndicatorKey, IndicatorState, PhoneNumber,
    bank_hash, phone_hash,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Row};

use crate::{Checks, Samples, Target, count, figure, measure, ratio, secs};

const DEFAULT_N: usize = 10_000_000;
/// Thresholds from the issue.
const BUILD_LIMIT_S: f64 = 10.0;
const BYTES_LIMIT: f64 = 48.0;
const PHONE_LIMIT: f64 = 5_000_000.0;
const BANK_LIMIT: f64 = 5_000_000.0;
const URL_LIMIT: f64 = 1_000_000.0;
const SQL_RATIO_LIMIT: f64 = 50.0;

/// Timed runs per figure (medians), builds included.
const RUNS: usize = 5;
/// Queries per kind in memory, and against SQLite (slower: fewer suffice).
const QUERIES: usize = 400_000;
const SQL_QUERIES: usize = 20_000;
/// Queries that include parsing the raw text.
const PARSE_QUERIES: usize = 20_000;

/// Mobile prefixes (after +84) whose every 7-digit number libphonenumber
/// accepts ("89" is not one: only 896–899 are allocated).
const MOBILE: [&str; 24] = [
    "32", "33", "34", "35", "36", "37", "38", "39", "70", "76", "77", "78", "79", "81", "82", "83", "84", "85", "86",
    "88", "92", "90", "91", "96",
];
const WORDS: [&str; 8] = [
    "vcb-xacminh",
    "nhan-qua-tet",
    "shopee-uudai",
    "dichvucong-online",
    "evn-hoantien",
    "bhxh-tracuu",
    "vay-nhanh",
    "momo-km",
];
const TLDS: [&str; 6] = ["com", "top", "xyz", "vn", "online", "site"];

/// A fixed permutation-like mix (splitmix64), for spreading ids.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn sha(key: &str) -> [u8; 32] {
    IndicatorKey::from_stored(key).hash()
}

/// Phone `id`: a mobile prefix and 7 digits, distinct for every id below
/// 24 × 10^7 (the multiplier is prime to 10^7, so a bijection).
fn phone_parts(id: usize) -> (&'static str, u64) {
    let prefix = MOBILE[id % MOBILE.len()];
    let k = (id / MOBILE.len()) as u64;
    (prefix, (k * 7_919_993 + 1_234_567) % 10_000_000)
}

fn phone_key(id: usize) -> String {
    let (p, d) = phone_parts(id);
    format!("tel:+84{p}{d:07}")
}

/// As people type it: three forms in turn.
fn phone_raw(id: usize) -> String {
    let (p, d) = phone_parts(id);
    let d = format!("{d:07}");
    match id % 3 {
        0 => format!("0{p}{d}"),
        1 => format!("+84 {p} {} {}", &d[..3], &d[3..]),
        _ => format!("0{p}.{}.{}", &d[..3], &d[3..]),
    }
}

fn bank_parts(id: usize) -> (&'static str, &'static str, String) {
    let bank = &BANKS[id % BANKS.len()];
    let k = (id / BANKS.len()) as u64;
    (bank.bin, bank.code, format!("{:012}", (k * 7_919_993 + 1_234_567) % 1_000_000_000_000))
}

fn bank_key(id: usize) -> String {
    let (bin, _, number) = bank_parts(id);
    format!("bank:{bin}:{number}")
}

fn bank_raw(id: usize) -> (String, String) {
    let (_, code, n) = bank_parts(id);
    (code.to_owned(), format!("{} {} {}", &n[..4], &n[4..8], &n[8..]))
}

fn host(id: usize) -> String {
    format!("{}-{id:x}.{}", WORDS[id % WORDS.len()], TLDS[(id / WORDS.len()) % TLDS.len()])
}

/// A whole domain or its login path, alternating every four ids.
fn url_key(id: usize) -> String {
    if (id >> 2) & 1 == 0 { format!("{}/", host(id)) } else { format!("{}/dang-nhap/", host(id)) }
}

/// Four shapes of link, 8, 2, 4 and 4 expressions; each matches `url_key`.
fn url_raw(id: usize) -> String {
    let h = host(id);
    match id % 4 {
        0 => format!("https://www.{h}/dang-nhap/xac-thuc.html?ma={id}"),
        1 => format!("http://{h}/dang-nhap/"),
        2 => format!("{h}/dang-nhap/index.php?id=1"),
        _ => format!("https://m.{h}/dang-nhap/"),
    }
}

fn entry(id: usize) -> IndicatorEntry {
    let state = match id % 10 {
        0..=5 => IndicatorState::Reported,
        6 | 7 => IndicatorState::Verified,
        8 => IndicatorState::Disputed,
        _ => IndicatorState::Official,
    };
    let first_seen = 1_500 + (id % 500) as u16;
    IndicatorEntry {
        state,
        category: (id % 12) as u8,
        reports: 1 + (id % 50) as u16,
        first_seen,
        last_seen: first_seen + (id % 100) as u16,
        expires: if id.is_multiple_of(3) { IndicatorEntry::NEVER } else { first_seen + 365 },
        row_id: id as u32,
    }
}

fn state_code(state: IndicatorState) -> i64 {
    match state {
        IndicatorState::Reported => 1,
        IndicatorState::Disputed => 2,
        IndicatorState::Verified => 3,
        IndicatorState::Official => 4,
    }
}

struct Sizes {
    phones: usize,
    banks: usize,
    urls: usize,
}

/// Every indicator, in generation order (the row id counts across kinds).
fn generate(s: &Sizes) -> Vec<([u8; 32], IndicatorEntry)> {
    let mut out = Vec::with_capacity(s.phones + s.banks + s.urls);
    let keys = (0..s.phones).map(phone_key).chain((0..s.banks).map(bank_key)).chain((0..s.urls).map(url_key));
    for (row, key) in keys.enumerate() {
        out.push((sha(&key), entry(row)));
    }
    out
}

/// `n` query ids of a kind with `inserted` indicators: even positions (in
/// a mixed order) are hits, odd ones ids past the inserted range.
fn query_ids(n: usize, inserted: usize, salt: u64) -> Vec<usize> {
    (0..n)
        .map(|i| {
            let r = mix(i as u64 ^ salt);
            let id = (r >> 1) as usize % inserted.max(1);
            if r & 1 == 0 { id } else { inserted + id }
        })
        .collect()
}

fn expected_hits(ids: &[usize], inserted: usize) -> usize {
    ids.iter().filter(|&&id| id < inserted).count()
}

fn per_check(samples: &Samples, queries: usize) -> Duration {
    samples.median().div_f64(queries.max(1) as f64)
}

fn rate(samples: &Samples, queries: usize) -> f64 {
    queries as f64 / secs(samples.median()).max(1e-9)
}

pub async fn bench_scamcheck(target: &Target, checks: &mut Checks) -> Result<()> {
    let Target::Sqlite { path, .. } = target else {
        eprintln!("scamcheck: skipped on {} (its figures use their own SQLite file)", target.label());
        return Ok(());
    };
    let n = match std::env::var("BENCH_SCAMCHECK_N") {
        Ok(v) => v.parse::<usize>().ok().filter(|n| *n >= 10).with_context(|| format!("BENCH_SCAMCHECK_N={v:?}"))?,
        Err(_) => DEFAULT_N,
    };
    let sizes = Sizes { phones: n * 4 / 10, banks: n * 3 / 10, urls: n - n * 4 / 10 - n * 3 / 10 };

    eprintln!("scamcheck: generating {n} indicators");
    let entries = generate(&sizes);
    count("scamcheck_indicators", entries.len(), "indicators");

    // --- build and memory ---
    // The hosts of the link indicators, for the index's host filter (built in the timed part).
    let url_hosts: Vec<String> = (0..sizes.urls).map(host).collect();
    let (build, index) =
        measure(0, RUNS, async || Ok(IndicatorIndex::build(entries.iter().copied()).with_link_hosts(&url_hosts)))
            .await?;
    drop(url_hosts);
    figure("scamcheck_build_median", secs(build.median()), "s");
    checks.limit("scamcheck_build", secs(build.median()), BUILD_LIMIT_S, "s");
    let bytes = index.memory_bytes() as f64 / index.len().max(1) as f64;
    figure("scamcheck_bytes_per_indicator", bytes, "bytes");
    checks.limit("scamcheck_bytes_per_indicator", bytes, BYTES_LIMIT, "bytes");
    checks.holds("scamcheck_build_keeps_every_indicator", index.len() == entries.len());

    // --- queries, parsed beforehand ---
    eprintln!("scamcheck: parsing the queries");
    let phone_ids = query_ids(QUERIES.min(2 * n), sizes.phones, 1);
    let bank_ids = query_ids(QUERIES.min(2 * n), sizes.banks, 2);
    let url_ids = query_ids(QUERIES.min(2 * n), sizes.urls, 3);
    let phones = phone_ids
        .iter()
        .map(|&id| PhoneNumber::parse(&phone_raw(id)).with_context(|| phone_raw(id)))
        .collect::<Result<Vec<_>>>()?;
    let banks = bank_ids
        .iter()
        .map(|&id| {
            // By BIN, as a form's bank list sends it (by name: the figure with parsing).
            let (bin, _, number) = bank_parts(id);
            BankAccount::parse(bin, &number).with_context(|| format!("{bin} {number}"))
        })
        .collect::<Result<Vec<_>>>()?;
    let urls = url_ids
        .iter()
        .map(|&id| CanonicalUrl::parse(&url_raw(id)).with_context(|| url_raw(id)))
        .collect::<Result<Vec<_>>>()?;
    // The parsers give the keys the indicators were generated with.
    let phone_keys = phone_ids.iter().zip(&phones).all(|(&id, p)| phone_hash(p) == sha(&phone_key(id)));
    let bank_keys = bank_ids.iter().zip(&banks).all(|(&id, b)| bank_hash(b) == sha(&bank_key(id)));
    let url_keys = url_ids.iter().zip(&urls).all(|(&id, u)| u.expressions().iter().any(|e| e.as_str() == url_key(id)));
    checks.holds("scamcheck_parsed_keys_match_generated_phone", phone_keys);
    checks.holds("scamcheck_parsed_keys_match_generated_bank", bank_keys);
    checks.holds("scamcheck_parsed_keys_match_generated_url", url_keys);
    let expressions: usize = urls.iter().map(|u| u.expressions().len()).sum();
    figure("scamcheck_url_expressions_per_check", expressions as f64 / urls.len().max(1) as f64, "expressions");

    // --- in memory, one thread ---
    // As a stream (a server's or an app's many checks, taken in order):
    // `check_phones` and the like pipeline the memory reads, and these are
    // the figures the targets are for.
    let (phone_t, phone_hits) =
        measure(1, RUNS, async || Ok(index.check_phones(&phones).iter().flatten().count())).await?;
    let (bank_t, bank_hits) = measure(1, RUNS, async || Ok(index.check_banks(&banks).iter().flatten().count())).await?;
    let (url_t, url_hits) = measure(1, RUNS, async || Ok(index.check_urls(&urls).iter().flatten().count())).await?;
    // One at a time, each waiting for its own read from memory.
    let (phone_1, phone_hits_1) =
        measure(1, RUNS, async || Ok(phones.iter().filter(|p| black_box(index.check_phone(p)).is_some()).count()))
            .await?;
    let (bank_1, bank_hits_1) =
        measure(1, RUNS, async || Ok(banks.iter().filter(|b| black_box(index.check_bank(b)).is_some()).count()))
            .await?;
    let (url_1, url_hits_1) =
        measure(1, RUNS, async || Ok(urls.iter().filter(|u| black_box(index.check_url(u)).is_some()).count())).await?;
    let hits_ok = phone_hits == expected_hits(&phone_ids, sizes.phones)
        && bank_hits == expected_hits(&bank_ids, sizes.banks)
        && url_hits == expected_hits(&url_ids, sizes.urls);
    checks.holds("scamcheck_hits_as_generated", hits_ok);
    checks.holds(
        "scamcheck_single_checks_find_the_same",
        (phone_hits_1, bank_hits_1, url_hits_1) == (phone_hits, bank_hits, url_hits),
    );
    count("scamcheck_query_hits", phone_hits + bank_hits + url_hits, "hits");
    count("scamcheck_queries", phones.len() + banks.len() + urls.len(), "queries");
    for (name, samples, single, queries, limit) in [
        ("phone", &phone_t, &phone_1, phones.len(), PHONE_LIMIT),
        ("bank", &bank_t, &bank_1, banks.len(), BANK_LIMIT),
        ("url", &url_t, &url_1, urls.len(), URL_LIMIT),
    ] {
        let r = rate(samples, queries);
        figure(&format!("scamcheck_{name}_checks_per_s"), r, "checks/s");
        checks.at_least(&format!("scamcheck_{name}_checks_per_s"), r, limit, "checks/s");
        figure(&format!("scamcheck_{name}_single_checks_per_s"), rate(single, queries), "checks/s");
    }

    // The same from the raw text: parsing and canonicalisation included.
    let k = PARSE_QUERIES.min(phone_ids.len());
    let raw_phones: Vec<String> = phone_ids[..k].iter().map(|&id| phone_raw(id)).collect();
    let raw_banks: Vec<(String, String)> = bank_ids[..k].iter().map(|&id| bank_raw(id)).collect();
    let raw_urls: Vec<String> = url_ids[..k].iter().map(|&id| url_raw(id)).collect();
    let (t, _) = measure(1, RUNS, async || {
        Ok(raw_phones
            .iter()
            .filter(|raw| PhoneNumber::parse(raw).ok().and_then(|p| index.check_phone(&p)).is_some())
            .count())
    })
    .await?;
    figure("scamcheck_phone_with_parsing_checks_per_s", rate(&t, k), "checks/s");
    let (t, _) = measure(1, RUNS, async || {
        Ok(raw_banks
            .iter()
            .filter(|(b, n)| BankAccount::parse(b, n).ok().and_then(|a| index.check_bank(&a)).is_some())
            .count())
    })
    .await?;
    figure("scamcheck_bank_with_parsing_checks_per_s", rate(&t, k), "checks/s");
    let (t, _) = measure(1, RUNS, async || {
        Ok(raw_urls
            .iter()
            .filter(|raw| CanonicalUrl::parse(raw).ok().and_then(|u| index.check_url(&u)).is_some())
            .count())
    })
    .await?;
    figure("scamcheck_url_with_parsing_checks_per_s", rate(&t, k), "checks/s");

    // The private lookup: every full hash under a 4-byte prefix.
    let prefixes: Vec<[u8; 4]> = phones.iter().map(phone_hash).map(|h| [h[0], h[1], h[2], h[3]]).collect();
    let (t, found) =
        measure(1, RUNS, async || Ok(prefixes.iter().map(|p| black_box(index.with_prefix(*p)).len()).sum::<usize>()))
            .await?;
    figure("scamcheck_prefix_lookups_per_s", rate(&t, prefixes.len()), "lookups/s");
    checks.holds("scamcheck_prefix_lookups_find_the_hits", found >= phone_hits);

    // --- the same on SQLite ---
    let file = format!("{path}.scamcheck");
    // Against SQL's one query at a time, our one check at a time.
    let memory = [per_check(&phone_1, phones.len()), per_check(&bank_1, banks.len()), per_check(&url_1, urls.len())];
    let result = sqlite_side(&file, entries, &index, (&phones, &banks, &urls), memory, checks).await;
    for f in [file.clone(), format!("{file}-journal"), format!("{file}-wal"), format!("{file}-shm")] {
        match std::fs::remove_file(&f) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => eprintln!("could not remove {f}: {e}"),
            _ => {}
        }
    }
    result
}

const SELECT: &str = "SELECT state, category, reports, first_seen, last_seen, expires FROM indicators WHERE hash = ?1";
/// Rows per INSERT: 7 parameters each, under SQLite's limit of 32,766.
const INSERT_ROWS: usize = 500;

/// The in-memory time per check of each kind is `memory`, for the ratios.
async fn sqlite_side(
    file: &str,
    mut entries: Vec<([u8; 32], IndicatorEntry)>,
    index: &IndicatorIndex,
    (phones, banks, urls): (&[PhoneNumber], &[BankAccount], &[CanonicalUrl]),
    memory: [Duration; 3],
    checks: &mut Checks,
) -> Result<()> {
    let _ = std::fs::remove_file(file);
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Off)
        .synchronous(SqliteSynchronous::Off)
        .pragma("cache_size", "-262144")
        .connect()
        .await?;
    sqlx::query(
        "CREATE TABLE indicators(hash BLOB PRIMARY KEY, state INTEGER, category INTEGER, reports INTEGER, \
         first_seen INTEGER, last_seen INTEGER, expires INTEGER) WITHOUT ROWID",
    )
    .execute(&mut conn)
    .await?;

    // In key order, so that every row is appended to the B-tree: the fill
    // is the cheapest SQLite allows, and it is not part of the comparison.
    eprintln!("scamcheck: filling SQLite with {} rows", entries.len());
    let (fill, ()) = measure(0, 1, async || {
        entries.sort_unstable_by_key(|a| a.0);
        let mut tx = conn.begin().await?;
        let row = "(?,?,?,?,?,?,?)";
        for chunk in entries.chunks(INSERT_ROWS) {
            let sql = format!("INSERT INTO indicators VALUES {}", vec![row; chunk.len()].join(","));
            let mut q = sqlx::query(&sql);
            for (hash, e) in chunk {
                q = q
                    .bind(&hash[..])
                    .bind(state_code(e.state))
                    .bind(i64::from(e.category))
                    .bind(i64::from(e.reports))
                    .bind(i64::from(e.first_seen))
                    .bind(i64::from(e.last_seen))
                    .bind(i64::from(e.expires));
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await?;
    drop(entries);
    figure("scamcheck_sqlite_fill", secs(fill.median()), "s");

    let phones = &phones[..SQL_QUERIES.min(phones.len())];
    let banks = &banks[..SQL_QUERIES.min(banks.len())];
    let urls = &urls[..SQL_QUERIES.min(urls.len())];
    // One prepared statement (sqlx keeps it per connection), one execution per lookup.
    async fn lookup(conn: &mut SqliteConnection, hash: [u8; 32]) -> Result<Option<i64>> {
        let row = sqlx::query(SELECT).bind(&hash[..]).fetch_optional(&mut *conn).await?;
        Ok(row.map(|r| r.get::<i64, _>(0)))
    }
    let (phone_t, phone_hits) = measure(1, RUNS, async || {
        let mut hits = 0;
        for p in phones {
            hits += usize::from(lookup(&mut conn, phone_hash(p)).await?.is_some());
        }
        Ok(hits)
    })
    .await?;
    let (bank_t, bank_hits) = measure(1, RUNS, async || {
        let mut hits = 0;
        for b in banks {
            hits += usize::from(lookup(&mut conn, bank_hash(b)).await?.is_some());
        }
        Ok(hits)
    })
    .await?;
    let (url_t, url_hits) = measure(1, RUNS, async || {
        let mut hits = 0;
        for u in urls {
            let mut any = false;
            for e in u.expressions() {
                any |= lookup(&mut conn, e.sha256()).await?.is_some();
            }
            hits += usize::from(any);
        }
        Ok(hits)
    })
    .await?;
    conn.close().await?;

    let same = phone_hits == phones.iter().filter(|p| index.check_phone(p).is_some()).count()
        && bank_hits == banks.iter().filter(|b| index.check_bank(b).is_some()).count()
        && url_hits == urls.iter().filter(|u| index.check_url(u).is_some()).count();
    checks.holds("scamcheck_sqlite_same_hits", same);
    let [phone_m, bank_m, url_m] = memory;
    for (name, sql, sql_n, mem) in [
        ("phone", &phone_t, phones.len(), phone_m),
        ("bank", &bank_t, banks.len(), bank_m),
        ("url", &url_t, urls.len(), url_m),
    ] {
        figure(&format!("scamcheck_{name}_sqlite_checks_per_s"), rate(sql, sql_n), "checks/s");
        // In-process rate over SQL rate: SQL time per check over ours.
        let sql_each = per_check(sql, sql_n);
        ratio(&format!("scamcheck_{name}_vs_sqlite"), sql_each, mem);
        let r = sql_each.as_secs_f64() / mem.as_secs_f64().max(1e-12);
        checks.at_least(&format!("scamcheck_{name}_vs_sqlite_ratio"), r, SQL_RATIO_LIMIT, "x");
    }
    Ok(())
}

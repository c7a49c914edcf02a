//! The index every check reads, kept current without restart: each replica
//! polls for indicator rows with a higher `seq` and for reports received
//! since it last looked, and patches its index (the index's overlay), so a
//! verified or withdrawn indicator is seen by checks within the poll
//! interval on every replica. The checker built from the official list is
//! rebuilt the same way when the list's generation moves. Lookups take a
//! read lock and never wait for the database.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use khienmang_core::reports::Category;
use khienmang_core::scamcheck::{
    Checker, IndicatorEntry, IndicatorIndex, IndicatorKey, IndicatorState, OfficialList, category_code,
};
use sqlx::Row;
use tokio::sync::Mutex;

use crate::{Result, Store};

/// Rows read per query while catching up.
const PAGE: i64 = 20_000;
/// Overlay entries after which the index is rebuilt compactly.
const COMPACT_AFTER: usize = 50_000;

type Hash = [u8; 32];

/// What a row of `indicators` contributes.
#[derive(Debug, Clone, Copy)]
struct Listed {
    status: Status,
    category: u8,
    first_seen: u16,
    last_seen: u16,
    expires: u16,
    row_id: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Candidate,
    Verified,
    Disputed,
    Official,
    /// Rejected or withdrawn: people decided it is not a scam, so citizens'
    /// reports alone no longer make it suspicious.
    Cleared,
}

/// Citizens' reports naming a key.
#[derive(Debug, Clone, Copy)]
struct Reported {
    count: u16,
    first: u16,
    last: u16,
    category: u8,
}

#[derive(Default)]
struct Sync {
    /// The official list's generation the checker was built from.
    official: Option<i64>,
    seq: i64,
    last_report: i64,
    listed: HashMap<Hash, Listed>,
    reported: HashMap<Hash, Reported>,
}

/// The shared live index, and the checker of the official list in force.
#[derive(Clone)]
pub struct LiveIndex {
    index: Arc<RwLock<IndicatorIndex>>,
    checker: Arc<RwLock<Checker>>,
    sync: Arc<Mutex<Sync>>,
}

impl Default for LiveIndex {
    fn default() -> Self {
        LiveIndex {
            index: Arc::default(),
            checker: Arc::new(RwLock::new(Checker::new(OfficialList::default()))),
            sync: Arc::default(),
        }
    }
}

impl LiveIndex {
    /// Runs `f` on the current index.
    pub fn read<T>(&self, f: impl FnOnce(&IndicatorIndex) -> T) -> T {
        let guard = self.index.read().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }

    /// Runs `f` with the checker in force and the current index.
    pub fn check<T>(&self, f: impl FnOnce(&Checker, &IndicatorIndex) -> T) -> T {
        let checker = self.checker.read().unwrap_or_else(|p| p.into_inner());
        let index = self.index.read().unwrap_or_else(|p| p.into_inner());
        f(&checker, &index)
    }

    /// Loads what changed since the last call (everything the first time).
    /// Returns how many keys changed.
    pub async fn refresh(&self, store: &Store) -> Result<usize> {
        let mut sync = self.sync.lock().await;
        let generation = store.official_generation().await?;
        if sync.official != Some(generation) {
            let checker = Checker::new(store.official_list().await?);
            *self.checker.write().unwrap_or_else(|p| p.into_inner()) = checker;
            sync.official = Some(generation);
        }
        let first = sync.seq == 0 && sync.last_report == 0;
        let mut changed: Vec<Hash> = Vec::new();
        // The hosts of the link keys seen, for the index's host filter.
        let mut hosts: Vec<String> = Vec::new();
        loop {
            let rows = sqlx::query(
                "SELECT id, key, hash, state, category, first_seen, last_seen, expires_at, seq FROM indicators \
                 WHERE seq > $1 ORDER BY seq, id LIMIT $2",
            )
            .bind(sync.seq)
            .bind(PAGE)
            .fetch_all(store.pool())
            .await?;
            let n = rows.len() as i64;
            for r in rows {
                let hash = hash_of(&r.try_get::<String, _>("hash")?);
                hosts.extend(IndicatorKey::from_stored(&r.try_get::<String, _>("key")?).link_host().map(str::to_owned));
                let status = match r.try_get::<String, _>("state")?.as_str() {
                    "verified" => Status::Verified,
                    "disputed" => Status::Disputed,
                    "official" => Status::Official,
                    "candidate" => Status::Candidate,
                    _ => Status::Cleared,
                };
                let category = Category::parse(&r.try_get::<String, _>("category")?).unwrap_or(Category::Other);
                let expires: Option<String> = r.try_get("expires_at")?;
                sync.listed.insert(
                    hash,
                    Listed {
                        status,
                        category: category_code(category),
                        first_seen: day(&r.try_get::<String, _>("first_seen")?),
                        last_seen: day(&r.try_get::<String, _>("last_seen")?),
                        expires: expires.as_deref().map(day).unwrap_or(IndicatorEntry::NEVER),
                        row_id: u32::try_from(r.try_get::<i64, _>("id")?).unwrap_or(0),
                    },
                );
                sync.seq = sync.seq.max(r.try_get("seq")?);
                changed.push(hash);
            }
            if n < PAGE {
                break;
            }
        }
        loop {
            let rows = sqlx::query(
                // Counted as every page counts reports about an identifier
                // (`reports::NAMING_COUNTS`): any status, so that a report
                // rejected after it was read here counts the same as in SQL.
                "SELECT DISTINCT ri.report_id, ri.kind, ri.value, r.category, r.received_at FROM report_identifiers ri \
                 JOIN reports r ON r.id = ri.report_id WHERE ri.report_id > $1 \
                 ORDER BY ri.report_id LIMIT $2",
            )
            .bind(sync.last_report)
            .bind(PAGE)
            .fetch_all(store.pool())
            .await?;
            let n = rows.len() as i64;
            let mut last = sync.last_report;
            for r in rows {
                last = last.max(r.try_get("report_id")?);
                let Some(key) = report_key(&r.try_get::<String, _>("kind")?, &r.try_get::<String, _>("value")?) else {
                    continue;
                };
                let hash = key.hash();
                hosts.extend(key.link_host().map(str::to_owned));
                let at = day(&r.try_get::<String, _>("received_at")?);
                let category =
                    category_code(Category::parse(&r.try_get::<String, _>("category")?).unwrap_or(Category::Other));
                let e = sync.reported.entry(hash).or_insert(Reported { count: 0, first: at, last: at, category });
                e.count = e.count.saturating_add(1);
                e.first = e.first.min(at);
                e.last = e.last.max(at);
                changed.push(hash);
            }
            // A page that ends inside one report's identifiers is re-read
            // from that report next time; only whole pages move the mark.
            sync.last_report = if n < PAGE { last } else { last - 1 };
            if n < PAGE {
                break;
            }
        }
        if changed.is_empty() {
            return Ok(0);
        }
        changed.sort_unstable();
        changed.dedup();
        let entries: Vec<(Hash, Option<IndicatorEntry>)> =
            changed.iter().map(|h| (*h, combine(sync.listed.get(h), sync.reported.get(h)))).collect();
        if first {
            let built =
                IndicatorIndex::build(entries.into_iter().filter_map(|(h, e)| Some((h, e?)))).with_link_hosts(&hosts);
            *self.index.write().unwrap_or_else(|p| p.into_inner()) = built;
        } else {
            let mut index = self.index.write().unwrap_or_else(|p| p.into_inner());
            for host in &hosts {
                index.note_link_host(host);
            }
            for (hash, entry) in entries {
                match entry {
                    Some(e) => index.upsert(hash, e),
                    None => {
                        index.remove(&hash);
                    }
                }
            }
            if index.overlay_len() > COMPACT_AFTER {
                index.compact();
            }
        }
        Ok(changed.len())
    }

    /// Refreshes every `every` until the process ends.
    pub fn follow(&self, store: Store, every: std::time::Duration) {
        let live = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = live.refresh(&store).await {
                    tracing::warn!(error = %e, "scam-check index refresh failed");
                }
            }
        });
    }
}

/// The key a report's identifier is listed under; social-network channel
/// keys ("facebook:groups/1") are not web addresses and are skipped.
pub fn report_key(kind: &str, value: &str) -> Option<IndicatorKey> {
    match kind {
        "phone" => Some(IndicatorKey::from_stored(&format!("tel:{value}"))),
        "bank_account" => Some(IndicatorKey::from_stored(&format!("bank:{value}"))),
        "url" if !value.contains(':') && !value.contains('/') => Some(IndicatorKey::from_stored(&format!("{value}/"))),
        _ => None,
    }
}

/// What a check sees for a key, from its listing and its reports.
fn combine(listed: Option<&Listed>, reported: Option<&Reported>) -> Option<IndicatorEntry> {
    let reports = reported.map(|r| r.count).unwrap_or(0);
    let from_reports = |row_id: u32| {
        reported.map(|r| IndicatorEntry {
            state: IndicatorState::Reported,
            category: r.category,
            reports,
            first_seen: r.first,
            last_seen: r.last,
            expires: IndicatorEntry::NEVER,
            row_id,
        })
    };
    let Some(l) = listed else { return from_reports(0) };
    let state = match l.status {
        Status::Verified => IndicatorState::Verified,
        Status::Disputed => IndicatorState::Disputed,
        Status::Official => IndicatorState::Official,
        Status::Candidate => return from_reports(l.row_id),
        Status::Cleared => return None,
    };
    Some(IndicatorEntry {
        state,
        category: l.category,
        reports,
        first_seen: reported.map_or(l.first_seen, |r| r.first.min(l.first_seen)),
        last_seen: reported.map_or(l.last_seen, |r| r.last.max(l.last_seen)),
        expires: l.expires,
        row_id: l.row_id,
    })
}

fn hash_of(hex_text: &str) -> Hash {
    let mut out = [0u8; 32];
    if hex::decode_to_slice(hex_text, &mut out).is_err() {
        out = [0; 32];
    }
    out
}

/// The day number of a stored RFC 3339 stamp or date.
fn day(stamp: &str) -> u16 {
    let date = stamp.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()).unwrap_or_default();
    IndicatorEntry::day(date)
}

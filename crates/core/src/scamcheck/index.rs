//! The in-memory index of known indicators (phones, bank accounts, web
//! addresses) that every scam check is answered from.
//!
//! Each indicator is known by the SHA-256 of its canonical key text
//! ([`IndicatorKey`]), so one structure serves both the ordinary check (the
//! server hashes what the citizen typed) and the private one (the client
//! sends only the first 4 bytes of the hash and compares the full hashes it
//! gets back, as Safe Browsing's hash-prefix lookup does).
//!
//! Layout: one sorted array of 46-byte records (full hash + packed entry)
//! and a directory of offsets on the top bits of the hash, sized to about
//! eight to sixteen records per bucket (4 MB at ten million), both in
//! huge pages. Hashes are uniform, so a lookup guesses the record's place
//! within its bucket from the next bits and checks it and a neighbour or
//! two: one memory miss for the records. Checks that come as a stream
//! overlap those misses ([`IndicatorIndex::get_many_by`]), and a filter of
//! the hosts that have link indicators spares most links any lookup. At
//! ten million indicators the whole index takes under 48 bytes per
//! indicator. Changes go to a small ordered overlay that lookups consult
//! first, until [`IndicatorIndex::compact`] merges it.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use sha2::{Digest, Sha256};

use super::bank::BankAccount;
use super::domain::Domain;
use super::phone::PhoneNumber;
use super::url::{CanonicalUrl, LookupExpression};
use crate::Date;

/// What kind of thing an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndicatorKind {
    Phone,
    BankAccount,
    Url,
}

impl IndicatorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Phone => "phone",
            IndicatorKind::BankAccount => "bank_account",
            IndicatorKind::Url => "url",
        }
    }
}

/// The canonical key of an indicator, which is also exactly the text its
/// hash is taken of: "tel:+84912345678", "bank:970436:0011001234567", or a
/// Safe Browsing expression such as "evil.com/login" ("evil.com/" for a
/// whole domain).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndicatorKey {
    kind: IndicatorKind,
    text: String,
}

const PHONE_PREFIX: &str = "tel:";
const BANK_PREFIX: &str = "bank:";

impl IndicatorKey {
    pub fn phone(phone: &PhoneNumber) -> Self {
        IndicatorKey { kind: IndicatorKind::Phone, text: format!("{PHONE_PREFIX}{}", phone.e164()) }
    }

    pub fn bank(account: &BankAccount) -> Self {
        IndicatorKey { kind: IndicatorKind::BankAccount, text: format!("{BANK_PREFIX}{}", account.canonical()) }
    }

    /// One host-suffix/path-prefix expression of a URL.
    pub fn expression(expression: &LookupExpression) -> Self {
        IndicatorKey { kind: IndicatorKind::Url, text: expression.as_str().to_owned() }
    }

    /// A whole domain and its subdomains: the expression "host/", which
    /// every URL on the domain looks up.
    pub fn domain(domain: &Domain) -> Self {
        IndicatorKey { kind: IndicatorKind::Url, text: format!("{}/", domain.as_str()) }
    }

    /// A key read back from storage (the text of [`IndicatorKey::as_str`]).
    /// No canonical expression starts with "tel:" or "bank:" (a canonical
    /// host has no ':'), so the prefix tells the kind.
    pub fn from_stored(text: &str) -> Self {
        let kind = if text.starts_with(PHONE_PREFIX) {
            IndicatorKind::Phone
        } else if text.starts_with(BANK_PREFIX) {
            IndicatorKind::BankAccount
        } else {
            IndicatorKind::Url
        };
        IndicatorKey { kind, text: text.to_owned() }
    }

    pub fn kind(&self) -> IndicatorKind {
        self.kind
    }

    /// A link key's host ("evil.com" of "evil.com/login"), for
    /// [`IndicatorIndex::with_link_hosts`]; `None` for phones and accounts.
    pub fn link_host(&self) -> Option<&str> {
        (self.kind == IndicatorKind::Url).then(|| self.text.split('/').next().unwrap_or_default())
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// SHA-256 of [`IndicatorKey::as_str`].
    pub fn hash(&self) -> [u8; 32] {
        sha256_of(&[&self.text])
    }
}

impl fmt::Display for IndicatorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The hash of [`IndicatorKey::phone`] without building the key text.
pub fn phone_hash(phone: &PhoneNumber) -> [u8; 32] {
    sha256_of(&[PHONE_PREFIX, phone.e164()])
}

/// The hash of [`IndicatorKey::bank`] without building the key text.
pub fn bank_hash(account: &BankAccount) -> [u8; 32] {
    sha256_of(&[BANK_PREFIX, account.bank().bin, ":", account.number()])
}

/// SHA-256 of the concatenated `parts`. Keys of up to 55 bytes (every
/// phone and account, most link expressions) fit one padded block, which
/// is compressed directly: about 15% faster than the streaming hasher (some
/// 60 ns per key against 70 here), whose buffering weighs on short input.
fn sha256_of(parts: &[&str]) -> [u8; 32] {
    /// The initial hash value (FIPS 180-4, 5.3.3).
    const H0: [u32; 8] =
        [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if len > 55 {
        return parts.iter().fold(Sha256::new(), |h, p| h.chain_update(p)).finalize().into();
    }
    // The message, 0x80, zeros, and its length in bits in the last 8 bytes.
    let mut block = [0u8; 64];
    let mut at = 0;
    for p in parts {
        if let Some(dst) = block.get_mut(at..at + p.len()) {
            dst.copy_from_slice(p.as_bytes());
        }
        at += p.len();
    }
    block[len] = 0x80;
    block[56..].copy_from_slice(&(len as u64 * 8).to_be_bytes());
    let mut state = H0;
    sha2::compress256(&mut state, &[block.into()]);
    let mut out = [0u8; 32];
    for (o, word) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Where an indicator stands. A withdrawn or expired indicator is not in
/// the index at all: the caller removes it ([`IndicatorIndex::remove`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndicatorState {
    /// Reported by citizens, not yet reviewed.
    Reported,
    /// Reviewed, and the owner (or another reviewer) contests it.
    Disputed,
    /// Confirmed by a moderator as used in scams.
    Verified,
    /// Belongs to an official body or bank (the whitelist).
    Official,
}

impl IndicatorState {
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorState::Reported => "reported",
            IndicatorState::Disputed => "disputed",
            IndicatorState::Verified => "verified",
            IndicatorState::Official => "official",
        }
    }

    /// How strongly a hit warns: Verified > Disputed > Reported; Official
    /// does not warn (0).
    pub fn severity(self) -> u8 {
        match self {
            IndicatorState::Official => 0,
            IndicatorState::Reported => 1,
            IndicatorState::Disputed => 2,
            IndicatorState::Verified => 3,
        }
    }

    fn code(self) -> u8 {
        match self {
            IndicatorState::Reported => 1,
            IndicatorState::Disputed => 2,
            IndicatorState::Verified => 3,
            IndicatorState::Official => 4,
        }
    }

    /// Only codes written by [`IndicatorState::code`] are ever read; an
    /// unknown one (impossible) reads as the mildest warning.
    fn from_code(code: u8) -> Self {
        match code {
            2 => IndicatorState::Disputed,
            3 => IndicatorState::Verified,
            4 => IndicatorState::Official,
            _ => IndicatorState::Reported,
        }
    }
}

/// What the index holds per indicator; the full evidence stays in the
/// database row `row_id`.
///
/// Dates are day numbers: days since 2020-01-01 (day 0), which reach the
/// year 2199 in a `u16` ([`IndicatorEntry::day`], [`IndicatorEntry::date`]).
/// `expires` is [`IndicatorEntry::NEVER`] when the indicator does not expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndicatorEntry {
    pub state: IndicatorState,
    /// A category code the store defines (kind of scam); opaque here.
    pub category: u8,
    /// Citizens' reports, saturating at `u16::MAX`.
    pub reports: u16,
    pub first_seen: u16,
    pub last_seen: u16,
    pub expires: u16,
    pub row_id: u32,
}

/// 2020-01-01 as days from 0001-01-01 (chrono's "days from CE").
const DAY_ZERO_FROM_CE: i32 = 737_425;

impl IndicatorEntry {
    /// `expires` of an indicator that does not expire.
    pub const NEVER: u16 = u16::MAX;

    /// The day number of `date`, clamped to 0..=`u16::MAX - 1` (the last
    /// value means "never").
    pub fn day(date: Date) -> u16 {
        use chrono::Datelike;
        let days = date.num_days_from_ce() - DAY_ZERO_FROM_CE;
        days.clamp(0, i32::from(u16::MAX - 1)) as u16
    }

    /// The date of a day number (`None` for [`IndicatorEntry::NEVER`]).
    pub fn date(day: u16) -> Option<Date> {
        if day == Self::NEVER {
            return None;
        }
        Date::from_num_days_from_ce_opt(DAY_ZERO_FROM_CE + i32::from(day))
    }

    /// Adds one report, saturating.
    pub fn add_report(&mut self) {
        self.reports = self.reports.saturating_add(1);
    }

    pub fn is_expired(&self, today: u16) -> bool {
        self.expires != Self::NEVER && self.expires < today
    }

    fn encode(&self, out: &mut [u8; ENTRY_BYTES]) {
        out[0] = self.state.code();
        out[1] = self.category;
        out[2..4].copy_from_slice(&self.reports.to_le_bytes());
        out[4..6].copy_from_slice(&self.first_seen.to_le_bytes());
        out[6..8].copy_from_slice(&self.last_seen.to_le_bytes());
        out[8..10].copy_from_slice(&self.expires.to_le_bytes());
        out[10..14].copy_from_slice(&self.row_id.to_le_bytes());
    }

    fn decode(b: &[u8; ENTRY_BYTES]) -> Self {
        let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
        IndicatorEntry {
            state: IndicatorState::from_code(b[0]),
            category: b[1],
            reports: u16_at(2),
            first_seen: u16_at(4),
            last_seen: u16_at(6),
            expires: u16_at(8),
            row_id: u32::from_le_bytes([b[10], b[11], b[12], b[13]]),
        }
    }
}

/// What [`IndicatorIndex::check_url`] found: the expression that decided
/// the verdict (a key of kind [`IndicatorKind::Url`], e.g. "evil.com/login")
/// and its entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlHit {
    pub expression: IndicatorKey,
    pub entry: IndicatorEntry,
}

const HASH_BYTES: usize = 32;
const ENTRY_BYTES: usize = 14;
const RECORD_BYTES: usize = HASH_BYTES + ENTRY_BYTES;
/// A full hash then its packed entry; a byte array so that the records
/// pack without padding (46 bytes, not the 48 of a `(hash, entry)` pair).
type Record = [u8; RECORD_BYTES];

/// Directory bits: 8 to 16 records per bucket, within 4..=24 bits so
/// that a 4-byte prefix always names a single bucket.
const MIN_BITS: u32 = 4;
const MAX_BITS: u32 = 24;
const RECORDS_PER_BUCKET: usize = 16;

fn hash_of(record: &Record) -> &[u8; HASH_BYTES] {
    record.first_chunk().unwrap_or(&[0; HASH_BYTES])
}

/// The record's hash against `hash`: their first eight bytes as a number
/// decide all but one time in billions, without a call to `memcmp`.
fn compare(record: &Record, hash: &[u8; HASH_BYTES]) -> Ordering {
    let head = |b: &[u8]| b.first_chunk::<8>().map_or(0, |h| u64::from_be_bytes(*h));
    head(record).cmp(&head(hash)).then_with(|| hash_of(record).cmp(hash))
}

fn entry_of(record: &Record) -> IndicatorEntry {
    record.last_chunk().map(IndicatorEntry::decode).unwrap_or(IndicatorEntry {
        state: IndicatorState::Reported,
        category: 0,
        reports: 0,
        first_seen: 0,
        last_seen: 0,
        expires: IndicatorEntry::NEVER,
        row_id: 0,
    })
}

fn record(hash: &[u8; HASH_BYTES], entry: &IndicatorEntry) -> Record {
    let mut r = [0; RECORD_BYTES];
    r[..HASH_BYTES].copy_from_slice(hash);
    let mut packed = [0; ENTRY_BYTES];
    entry.encode(&mut packed);
    r[HASH_BYTES..].copy_from_slice(&packed);
    r
}

fn prefix_u32(bytes: &[u8]) -> u32 {
    match bytes.first_chunk::<4>() {
        Some(p) => u32::from_be_bytes(*p),
        None => 0,
    }
}

fn bits_for(n: usize) -> u32 {
    let buckets = (n / RECORDS_PER_BUCKET).max(1);
    buckets.next_power_of_two().trailing_zeros().clamp(MIN_BITS, MAX_BITS)
}

/// An array of fixed-size items: the sorted records, the directory. Past a
/// few megabytes it lives in a mapping of its own that the kernel is asked
/// to back with huge pages: at ten million records (460 MB) a lookup on
/// 4 KB pages misses the TLB as well as the cache (twice, in the directory
/// then in the records), and on a virtual machine each page walk costs more
/// than the miss itself.
#[derive(Default)]
enum Table<const N: usize> {
    #[default]
    Empty,
    Heap(Vec<[u8; N]>),
    Mapped(memmap2::MmapMut),
}

/// Below this (one huge page), items stay on the heap.
const MAPPED_FROM_BYTES: usize = 2 << 20;

impl<const N: usize> Table<N> {
    fn new(items: Vec<[u8; N]>) -> Self {
        let bytes = items.len() * N;
        if items.is_empty() {
            return Table::Empty;
        }
        if bytes < MAPPED_FROM_BYTES {
            return Table::Heap(items);
        }
        match memmap2::MmapMut::map_anon(bytes) {
            Ok(mut map) => {
                // Advice only: without transparent huge pages it changes nothing.
                #[cfg(target_os = "linux")]
                let _ = map.advise(memmap2::Advice::HugePage);
                map.copy_from_slice(items.as_flattened());
                Table::Mapped(map)
            }
            Err(_) => Table::Heap(items),
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Table::Empty => 0,
            Table::Heap(v) => v.capacity() * N,
            Table::Mapped(map) => map.len(),
        }
    }
}

impl<const N: usize> std::ops::Deref for Table<N> {
    type Target = [[u8; N]];

    fn deref(&self) -> &[[u8; N]] {
        match self {
            Table::Empty => &[],
            Table::Heap(v) => v,
            Table::Mapped(map) => map.as_chunks::<N>().0,
        }
    }
}

impl<const N: usize> Clone for Table<N> {
    fn clone(&self) -> Self {
        Table::new(self.to_vec())
    }
}

impl<const N: usize> fmt::Debug for Table<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} items of {N} bytes", self.len())
    }
}

/// A directory slot: the index of its bucket's first record, little-endian.
type Slot = [u8; 4];

fn slot_value(slot: &Slot) -> usize {
    u32::from_le_bytes(*slot) as usize
}

/// Items between the steps of [`IndicatorIndex::get_many_by`]: long enough
/// for a read from memory to arrive while they are hashed.
const AHEAD: usize = 8;

/// Asks the CPU to start loading the cache line of `item` and goes on
/// without waiting for it. Only x86-64 has a stable prefetch; elsewhere the
/// pipeline still runs, with the reads made when the search needs them.
#[inline(always)]
fn prefetch<T>(item: Option<&T>) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = item {
        // SAFETY: a prefetch is a hint: it reads nothing the program sees and
        // never faults, and SSE, which it needs, is part of every x86-64 CPU.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((item as *const T).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// Every known indicator by the SHA-256 of its key. Immutable apart from
/// its overlay, so callers share it behind an `Arc` and swap in a rebuilt
/// or compacted one.
#[derive(Debug, Clone)]
pub struct IndicatorIndex {
    bits: u32,
    /// `directory[b]..directory[b + 1]` are the records of bucket `b`.
    directory: Table<4>,
    /// Sorted by hash, no duplicates.
    records: Table<RECORD_BYTES>,
    /// Changes since the base was built: `None` is a removal. Ordered so
    /// that prefix queries and [`IndicatorIndex::compact`] walk it in hash order.
    overlay: BTreeMap<[u8; HASH_BYTES], Option<IndicatorEntry>>,
    len: usize,
    /// The hosts of the link indicators, when the builder gave them
    /// ([`IndicatorIndex::with_link_hosts`]); `None` lets every host through.
    hosts: Option<HostFilter>,
}

impl Default for IndicatorIndex {
    fn default() -> Self {
        Self::from_sorted(Vec::new())
    }
}

impl IndicatorIndex {
    /// Builds the index. A hash given more than once keeps its last entry,
    /// as successive upserts would.
    ///
    /// A counting sort on the directory bits (stable, one scatter pass),
    /// then a stable sort of each bucket, which holds a handful of records.
    pub fn build(entries: impl IntoIterator<Item = ([u8; HASH_BYTES], IndicatorEntry)>) -> Self {
        let input: Vec<Record> = entries.into_iter().map(|(hash, entry)| record(&hash, &entry)).collect();
        let bits = bits_for(input.len());
        let shift = 32 - bits;
        let mut starts = vec![0usize; (1 << bits) + 1];
        for r in &input {
            starts[(prefix_u32(r) >> shift) as usize + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut sorted = vec![[0u8; RECORD_BYTES]; input.len()];
        let mut next = starts.clone();
        for r in input {
            let slot = &mut next[(prefix_u32(&r) >> shift) as usize];
            sorted[*slot] = r;
            *slot += 1;
        }
        for bucket in starts.windows(2) {
            sorted[bucket[0]..bucket[1]].sort_by(|a, b| hash_of(a).cmp(hash_of(b)));
        }
        // Keep the last of equal hashes: the sorts were stable.
        let mut kept = 0;
        for i in 0..sorted.len() {
            if i + 1 < sorted.len() && hash_of(&sorted[i]) == hash_of(&sorted[i + 1]) {
                continue;
            }
            sorted[kept] = sorted[i];
            kept += 1;
        }
        if kept < sorted.len() {
            sorted.truncate(kept);
            sorted.shrink_to_fit();
        }
        Self::from_sorted(sorted)
    }

    /// `records` sorted by hash without duplicates.
    fn from_sorted(records: Vec<Record>) -> Self {
        let bits = bits_for(records.len());
        let shift = 32 - bits;
        let buckets = 1usize << bits;
        let mut directory: Vec<Slot> = Vec::with_capacity(buckets + 1);
        directory.push([0; 4]);
        let mut i = 0;
        for b in 0..buckets {
            while i < records.len() && (prefix_u32(&records[i]) >> shift) as usize == b {
                i += 1;
            }
            // More than u32::MAX indicators cannot be built in memory here.
            directory.push(u32::try_from(i).unwrap_or(u32::MAX).to_le_bytes());
        }
        let len = records.len();
        IndicatorIndex {
            bits,
            directory: Table::new(directory),
            records: Table::new(records),
            overlay: BTreeMap::new(),
            len,
            hosts: None,
        }
    }

    fn bucket_number(&self, prefix: u32) -> usize {
        (prefix >> (32 - self.bits)) as usize
    }

    /// The records of the bucket that `prefix` (the first 4 hash bytes) falls in.
    fn bucket(&self, prefix: u32) -> &[Record] {
        let b = self.bucket_number(prefix);
        match (self.directory.get(b), self.directory.get(b + 1)) {
            (Some(lo), Some(hi)) => self.records.get(slot_value(lo)..slot_value(hi)).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Where in its bucket `hash` should be, the hashes being uniform:
    /// the bits below the directory's, as a fraction of the bucket.
    fn guess(&self, hash: &[u8; HASH_BYTES], bucket_len: usize) -> usize {
        let below = hash.first_chunk::<8>().map_or(0, |b| u64::from_be_bytes(*b) << self.bits) >> 32;
        ((below * bucket_len as u64) >> 32) as usize
    }

    fn base_get(&self, hash: &[u8; HASH_BYTES]) -> Option<IndicatorEntry> {
        let bucket = self.bucket(prefix_u32(hash));
        Self::find_from(bucket, self.guess(hash, bucket.len()), hash)
    }

    /// Finds `hash` in `bucket` starting at `guess` and walking towards it.
    fn find_from(bucket: &[Record], guess: usize, hash: &[u8; HASH_BYTES]) -> Option<IndicatorEntry> {
        let at = bucket.get(guess)?;
        match compare(at, hash) {
            Ordering::Equal => Some(entry_of(at)),
            Ordering::Less => bucket.get(guess + 1..).unwrap_or(&[]).iter().find_map(|r| match compare(r, hash) {
                Ordering::Less => None,
                Ordering::Equal => Some(Some(entry_of(r))),
                Ordering::Greater => Some(None),
            })?,
            Ordering::Greater => {
                bucket.get(..guess).unwrap_or(&[]).iter().rev().find_map(|r| match compare(r, hash) {
                    Ordering::Greater => None,
                    Ordering::Equal => Some(Some(entry_of(r))),
                    Ordering::Less => Some(None),
                })?
            }
        }
    }

    /// Phone numbers checked as a stream (an app's call log, a feed to screen).
    pub fn check_phones(&self, phones: &[PhoneNumber]) -> Vec<Option<IndicatorEntry>> {
        let mut out = vec![None; phones.len()];
        self.get_many_by(phones, phone_hash, &mut out);
        out
    }

    /// Bank accounts checked as a stream.
    pub fn check_banks(&self, accounts: &[BankAccount]) -> Vec<Option<IndicatorEntry>> {
        let mut out = vec![None; accounts.len()];
        self.get_many_by(accounts, bank_hash, &mut out);
        out
    }

    /// Looks up the hash of each item into `out`, as a software pipeline:
    /// a lone lookup waits for its reads from main memory (a few hundred
    /// nanoseconds on a virtual machine, longer than the hashing), so here
    /// reads are only asked for ([`prefetch`]) and used [`AHEAD`] items later,
    /// having arrived while those items were hashed.
    ///
    /// Each step hashes item `k` and asks for its directory slot; reads the
    /// slot of item `k - AHEAD` and asks for its guessed records; and
    /// searches the records of item `k - 2 × AHEAD`. One step's reads are
    /// few, so the CPU's outstanding misses never queue up.
    pub fn get_many_by<T>(
        &self,
        items: &[T],
        hash: impl Fn(&T) -> [u8; HASH_BYTES],
        out: &mut [Option<IndicatorEntry>],
    ) {
        // Items in flight, from hashed to searched: 2 × AHEAD + 1 of them, in
        // a ring with room to spare (a power of two: the slot is a mask).
        const RING: usize = 4 * AHEAD;
        let mut hashes = [[0u8; HASH_BYTES]; RING];
        let mut buckets: [&[Record]; RING] = [&[]; RING];
        let mut guesses = [0usize; RING];
        let slot = |k: usize| k % RING;
        for k in 0..items.len() + 2 * AHEAD {
            if let Some(item) = items.get(k) {
                let h = hash(item);
                prefetch(self.directory.get(self.bucket_number(prefix_u32(&h))));
                hashes[slot(k)] = h;
            }
            if let Some(j) = k.checked_sub(AHEAD).filter(|j| *j < items.len()) {
                let bucket = self.bucket(prefix_u32(&hashes[slot(j)]));
                let guess = self.guess(&hashes[slot(j)], bucket.len());
                // The guess is often one record off, and a record may
                // straddle two cache lines: ask for its neighbours' too.
                prefetch(bucket.get(guess.saturating_sub(1)));
                prefetch(bucket.get(guess).and_then(|r| r.last()));
                prefetch(bucket.get(guess + 1).and_then(|r| r.last()));
                (buckets[slot(j)], guesses[slot(j)]) = (bucket, guess);
            }
            if let Some(i) = k.checked_sub(2 * AHEAD)
                && let Some(o) = out.get_mut(i)
            {
                let hash = &hashes[slot(i)];
                *o = Self::find_from(buckets[slot(i)], guesses[slot(i)], hash);
                if !self.overlay.is_empty()
                    && let Some(change) = self.overlay.get(hash)
                {
                    *o = *change;
                }
            }
        }
    }

    pub fn get(&self, hash: &[u8; HASH_BYTES]) -> Option<IndicatorEntry> {
        if !self.overlay.is_empty()
            && let Some(change) = self.overlay.get(hash)
        {
            return *change;
        }
        self.base_get(hash)
    }

    pub fn check_phone(&self, phone: &PhoneNumber) -> Option<IndicatorEntry> {
        self.get(&phone_hash(phone))
    }

    pub fn check_bank(&self, account: &BankAccount) -> Option<IndicatorEntry> {
        self.get(&bank_hash(account))
    }

    /// Looks up every expression of `url` and returns the one that decides
    /// (see [`decide`]).
    pub fn check_url(&self, url: &CanonicalUrl) -> Option<UrlHit> {
        let mut expressions = [Expression { host: "", path: "", query: None }; MAX_EXPRESSIONS];
        let mut n = 0;
        for_each_expression(url, self.hosts.as_ref(), |e| {
            if let Some(slot) = expressions.get_mut(n) {
                *slot = e;
                n += 1;
            }
        });
        let expressions = expressions.get(..n).unwrap_or(&[]);
        let mut found = [None; MAX_EXPRESSIONS];
        self.get_many_by(expressions, Expression::hash, &mut found);
        decide(expressions, &found)
    }

    /// Links checked as a stream: every expression of every link in one
    /// pipeline ([`IndicatorIndex::get_many_by`]), each link decided as
    /// [`IndicatorIndex::check_url`] does.
    pub fn check_urls(&self, urls: &[CanonicalUrl]) -> Vec<Option<UrlHit>> {
        /// Links per pipeline run: their expressions stay in cache.
        const CHUNK: usize = 64;
        let mut hits = Vec::with_capacity(urls.len());
        let mut expressions = Vec::with_capacity(CHUNK * 8);
        let mut ends = Vec::with_capacity(CHUNK);
        let mut found = Vec::with_capacity(CHUNK * 8);
        for urls in urls.chunks(CHUNK) {
            expressions.clear();
            ends.clear();
            for url in urls {
                for_each_expression(url, self.hosts.as_ref(), |e| expressions.push(e));
                ends.push(expressions.len());
            }
            found.clear();
            found.resize(expressions.len(), None);
            self.get_many_by(&expressions, Expression::hash, &mut found);
            let mut start = 0;
            for &end in &ends {
                hits.push(decide(expressions.get(start..end).unwrap_or(&[]), found.get(start..end).unwrap_or(&[])));
                start = end;
            }
        }
        hits
    }

    /// Every indicator whose hash starts with `prefix`, in hash order: the
    /// answer to a private lookup, where the client sends only these 4
    /// bytes and compares the full hashes itself.
    pub fn with_prefix(&self, prefix: [u8; 4]) -> Vec<([u8; HASH_BYTES], IndicatorEntry)> {
        let p = u32::from_be_bytes(prefix);
        let mut found: Vec<([u8; HASH_BYTES], IndicatorEntry)> = self
            .bucket(p)
            .iter()
            .filter(|r| prefix_u32(*r) == p)
            .map(|r| (*hash_of(r), entry_of(r)))
            .filter(|(hash, _)| self.overlay.is_empty() || !self.overlay.contains_key(hash))
            .collect();
        if !self.overlay.is_empty() {
            let mut low = [0u8; HASH_BYTES];
            low[..4].copy_from_slice(&prefix);
            let mut high = [0xFFu8; HASH_BYTES];
            high[..4].copy_from_slice(&prefix);
            found.extend(self.overlay.range(low..=high).filter_map(|(hash, e)| e.map(|e| (*hash, e))));
            found.sort_unstable_by_key(|a| a.0);
        }
        found
    }

    /// Gives the hosts of every link indicator (the text of its key before
    /// the first '/'): a link none of whose hosts is among them is then
    /// answered without hashing its expressions or reading the records. A
    /// link indicator added later needs its host noted first
    /// ([`IndicatorIndex::note_link_host`]).
    pub fn with_link_hosts(mut self, hosts: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.hosts = Some(HostFilter::new(hosts));
        self
    }

    /// Notes the host of a link indicator about to be upserted (see
    /// [`IndicatorIndex::with_link_hosts`]); without a filter, nothing to do.
    pub fn note_link_host(&mut self, host: &str) {
        if let Some(filter) = &mut self.hosts {
            filter.insert(host);
        }
    }

    /// Adds or replaces an indicator, visible to the next lookup.
    pub fn upsert(&mut self, hash: [u8; HASH_BYTES], entry: IndicatorEntry) {
        if self.get(&hash).is_none() {
            self.len += 1;
        }
        self.overlay.insert(hash, Some(entry));
    }

    /// Removes an indicator (withdrawn, expired); returns whether it was there.
    pub fn remove(&mut self, hash: &[u8; HASH_BYTES]) -> bool {
        let present = self.get(hash).is_some();
        if self.base_get(hash).is_some() {
            self.overlay.insert(*hash, None);
        } else {
            self.overlay.remove(hash);
        }
        if present {
            self.len -= 1;
        }
        present
    }

    /// Changes waiting in the overlay; compact when this grows large.
    pub fn overlay_len(&self) -> usize {
        self.overlay.len()
    }

    /// Merges the overlay into a new base (one linear merge: both are sorted).
    pub fn compact(&mut self) {
        if self.overlay.is_empty() {
            return;
        }
        let overlay = std::mem::take(&mut self.overlay);
        let base = std::mem::take(&mut self.records);
        let mut merged: Vec<Record> = Vec::with_capacity(self.len);
        let mut changes = overlay.into_iter().peekable();
        for &r in base.iter() {
            while let Some((hash, change)) = changes.next_if(|(hash, _)| hash < hash_of(&r)) {
                if let Some(entry) = change {
                    merged.push(record(&hash, &entry));
                }
            }
            match changes.next_if(|(hash, _)| hash == hash_of(&r)) {
                Some((hash, Some(entry))) => merged.push(record(&hash, &entry)),
                Some((_, None)) => {}
                None => merged.push(r),
            }
        }
        for (hash, change) in changes {
            if let Some(entry) = change {
                merged.push(record(&hash, &entry));
            }
        }
        merged.shrink_to_fit();
        let hosts = self.hosts.take();
        *self = Self::from_sorted(merged);
        self.hosts = hosts;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Heap bytes held: the records and directory exactly, the overlay
    /// estimated (a B-tree's nodes hold up to 11 pairs, about two thirds full).
    pub fn memory_bytes(&self) -> usize {
        let pair = size_of::<[u8; HASH_BYTES]>() + size_of::<Option<IndicatorEntry>>();
        self.records.bytes()
            + self.directory.bytes()
            + self.hosts.as_ref().map_or(0, HostFilter::bytes)
            + self.overlay.len() * pair * 3 / 2
    }
}

/// As in `url.rs`: host suffixes and path prefixes looked up per URL.
const MAX_HOST_COMPONENTS: usize = 5;
const MAX_PATH_PREFIXES: usize = 4;
const MAX_EXPRESSIONS: usize = MAX_HOST_COMPONENTS * (MAX_PATH_PREFIXES + 2);

/// One lookup expression of a URL as its parts, so that it is hashed
/// without being built: `host` + `path` (+ "?" + `query`).
#[derive(Debug, Clone, Copy)]
struct Expression<'a> {
    host: &'a str,
    path: &'a str,
    query: Option<&'a str>,
}

impl Expression<'_> {
    fn hash(&self) -> [u8; HASH_BYTES] {
        match self.query {
            Some(query) => sha256_of(&[self.host, self.path, "?", query]),
            None => sha256_of(&[self.host, self.path]),
        }
    }

    /// Its host's length, then its path's: the expressions of one URL are
    /// host suffixes × path prefixes, so longer is more specific on both
    /// (a path with its query is longer than the path, which is longer than
    /// its directory prefixes).
    fn specificity(&self) -> (usize, usize) {
        (self.host.len(), self.path.len() + self.query.map_or(0, |q| q.len() + 1))
    }

    fn text(&self) -> String {
        match self.query {
            Some(query) => format!("{}{}?{query}", self.host, self.path),
            None => format!("{}{}", self.host, self.path),
        }
    }
}

/// The hosts of [`CanonicalUrl::expressions`], in its order, as slices of
/// the host: itself, then its suffixes of at most five and at least two
/// components (none for an IP address).
fn host_suffixes(url: &CanonicalUrl) -> ([&str; MAX_HOST_COMPONENTS], usize) {
    let host = url.host();
    let mut out = [host; MAX_HOST_COMPONENTS];
    let mut n = 1;
    if !url.is_ip() {
        let components = host.matches('.').count() + 1;
        for k in (2..=MAX_HOST_COMPONENTS.min(components.saturating_sub(1))).rev() {
            // The last k components start after the k-th dot from the right.
            if let Some(suffix) = host.rmatch_indices('.').nth(k - 1).and_then(|(dot, _)| host.get(dot + 1..)) {
                out[n] = suffix;
                n += 1;
            }
        }
    }
    (out, n)
}

/// The paths of [`CanonicalUrl::expressions`], in its order: the path with
/// its query, the path, then its directory prefixes from "/" (at most four,
/// without repeating the path). The canonical path has no empty segment,
/// so each prefix ends at one of its slashes.
fn path_prefixes(url: &CanonicalUrl) -> ([(&str, Option<&str>); MAX_PATH_PREFIXES + 2], usize) {
    let path = url.path();
    let mut out = [(path, None); MAX_PATH_PREFIXES + 2];
    let mut n = 0;
    if let Some(query) = url.query().filter(|q| !q.is_empty()) {
        out[n] = (path, Some(query));
        n += 1;
    }
    out[n] = (path, None);
    n += 1;
    let last = path.rfind('/').unwrap_or(0);
    for (slash, _) in path.match_indices('/').take_while(|(i, _)| *i <= last).take(MAX_PATH_PREFIXES) {
        if let Some(prefix) = path.get(..=slash).filter(|p| *p != path) {
            out[n] = (prefix, None);
            n += 1;
        }
    }
    (out, n)
}

/// Calls `each` with the lookup expressions of `url` as parts, in
/// [`CanonicalUrl::expressions`]' order (host suffixes × path prefixes),
/// leaving out the hosts that `hosts` knows have no indicator.
fn for_each_expression<'a>(url: &'a CanonicalUrl, hosts: Option<&HostFilter>, mut each: impl FnMut(Expression<'a>)) {
    let (suffixes, host_count) = host_suffixes(url);
    let (paths, path_count) = path_prefixes(url);
    for &host in suffixes.iter().take(host_count).filter(|h| hosts.is_none_or(|f| f.may_contain(h))) {
        for &(path, query) in paths.iter().take(path_count) {
            each(Expression { host, path, query });
        }
    }
}

/// The hosts that have at least one link indicator, as a blocked Bloom
/// filter: each host sets three bits of one 64-bit word, 12 bits per host,
/// so a host that has none is told apart with one read (from the CPU cache,
/// at a few megabytes), with a false "maybe" in under 2% of cases (a test
/// measures it), which only costs the lookups it would have made anyway. Hosts are never
/// removed; hosts added after the build beyond its size raise the false
/// "maybe"s until the next build.
#[derive(Debug, Clone)]
struct HostFilter {
    words: Vec<u64>,
}

impl HostFilter {
    const BITS_PER_HOST: usize = 12;
    /// Any fixed seed: the filter lives only in this process.
    const SEED: u64 = 0x6b68_6965_6e6d_616e;

    fn new(hosts: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        let fingerprints: Vec<u64> = hosts.into_iter().map(|h| Self::fingerprint(h.as_ref())).collect();
        let words = (fingerprints.len() * Self::BITS_PER_HOST / 64).max(64);
        let mut filter = HostFilter { words: vec![0; words] };
        for f in fingerprints {
            filter.set(f);
        }
        filter
    }

    fn fingerprint(host: &str) -> u64 {
        use std::hash::BuildHasher;
        foldhash::fast::FixedState::with_seed(Self::SEED).hash_one(host)
    }

    /// The word of a fingerprint (its high half scaled to the length) and
    /// its three bits (from the low 18 bits).
    fn place(&self, f: u64) -> (usize, u64) {
        let word = ((f >> 32) * self.words.len() as u64) >> 32;
        (word as usize, 1 << (f & 63) | 1 << ((f >> 6) & 63) | 1 << ((f >> 12) & 63))
    }

    fn set(&mut self, f: u64) {
        let (word, bits) = self.place(f);
        if let Some(w) = self.words.get_mut(word) {
            *w |= bits;
        }
    }

    fn insert(&mut self, host: &str) {
        self.set(Self::fingerprint(host));
    }

    fn may_contain(&self, host: &str) -> bool {
        let (word, bits) = self.place(Self::fingerprint(host));
        self.words.get(word).is_none_or(|w| w & bits == bits)
    }

    fn bytes(&self) -> usize {
        self.words.capacity() * size_of::<u64>()
    }
}

/// Of the expressions of one link and what the index holds for each, the
/// one that decides the verdict:
///
/// 1. A verified scam wins unless an official entry is listed on a more
///    specific expression (an official page carved out of a domain
///    marked as scam on purpose); a verified scam on a more specific
///    expression than an official one still wins ("sites.example/"
///    official, "sites.example/phish/" verified: warn).
/// 2. Otherwise an official entry wins over any reported or disputed one.
/// 3. Otherwise the most severe (Disputed > Reported).
///
/// Among equals the most specific expression is returned: longer host
/// first, then longer path (a path with its query is longer than the
/// path, which is longer than its directory prefixes).
fn decide(expressions: &[Expression<'_>], found: &[Option<IndicatorEntry>]) -> Option<UrlHit> {
    let mut best: Option<(Expression<'_>, IndicatorEntry)> = None;
    let mut official: Option<(Expression<'_>, IndicatorEntry)> = None;
    for (&expression, entry) in expressions.iter().zip(found) {
        let Some(entry) = *entry else { continue };
        let slot = if entry.state == IndicatorState::Official { &mut official } else { &mut best };
        let better = slot.as_ref().is_none_or(|(current, e)| {
            (entry.state.severity(), expression.specificity()) > (e.state.severity(), current.specificity())
        });
        if better {
            *slot = Some((expression, entry));
        }
    }
    let decided = match (best, official) {
        (Some((b, entry)), Some((o, _)))
            if entry.state == IndicatorState::Verified && b.specificity() > o.specificity() =>
        {
            Some((b, entry))
        }
        (_, Some(o)) => Some(o),
        (b, None) => b,
    };
    decided.map(|(e, entry)| UrlHit { expression: IndicatorKey { kind: IndicatorKind::Url, text: e.text() }, entry })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn entry(state: IndicatorState, row_id: u32) -> IndicatorEntry {
        IndicatorEntry {
            state,
            category: 3,
            reports: 7,
            first_seen: 100,
            last_seen: 2_000,
            expires: IndicatorEntry::NEVER,
            row_id,
        }
    }

    fn sha(text: &str) -> [u8; 32] {
        Sha256::digest(text.as_bytes()).into()
    }

    fn url_index(listed: &[(&str, IndicatorState)]) -> IndicatorIndex {
        IndicatorIndex::build(listed.iter().enumerate().map(|(i, (text, state))| (sha(text), entry(*state, i as u32))))
    }

    /// Past `MAPPED_FROM_BYTES` the records move to their own mapping;
    /// lookups, compaction and clones behave as on the heap.
    #[test]
    fn a_large_index_lives_in_its_own_mapping_and_answers_the_same() {
        let n = MAPPED_FROM_BYTES / RECORD_BYTES + 1_000;
        let mut index = IndicatorIndex::build(
            (0..n).map(|i| (sha(&format!("tel:+849{i:08}")), entry(IndicatorState::Reported, i as u32))),
        );
        assert!(matches!(index.records, Table::Mapped(_)));
        assert_eq!(index.len(), n);
        assert!(index.memory_bytes() >= n * RECORD_BYTES);
        for i in [0, 1, n / 2, n - 1] {
            assert_eq!(index.get(&sha(&format!("tel:+849{i:08}"))).map(|e| e.row_id), Some(i as u32));
        }
        assert_eq!(index.get(&sha("tel:+84900000000x")), None);
        let gone = sha(&format!("tel:+849{:08}", 5));
        assert!(index.remove(&gone));
        index.compact();
        assert!(matches!(index.records, Table::Mapped(_)));
        let copy = index.clone();
        assert_eq!((copy.get(&gone), copy.len()), (None, n - 1));
        assert_eq!(&copy.records[..], &index.records[..]);
    }

    fn verdict(index: &IndicatorIndex, url: &str) -> Option<(String, IndicatorState)> {
        let hit = index.check_url(&CanonicalUrl::parse(url).unwrap())?;
        Some((hit.expression.as_str().to_owned(), hit.entry.state))
    }

    #[test]
    fn keys_are_the_documented_texts() {
        let phone = PhoneNumber::parse("0912 345 678").unwrap();
        let key = IndicatorKey::phone(&phone);
        assert_eq!(key.as_str(), "tel:+84912345678");
        assert_eq!(key.kind().as_str(), "phone");
        assert_eq!(key.hash(), sha("tel:+84912345678"));
        assert_eq!(phone_hash(&phone), key.hash());

        let account = BankAccount::parse("Vietcombank", "0011 0012 34567").unwrap();
        let key = IndicatorKey::bank(&account);
        assert_eq!(key.as_str(), "bank:970436:0011001234567");
        assert_eq!(key.kind(), IndicatorKind::BankAccount);
        assert_eq!(bank_hash(&account), key.hash());

        let url = CanonicalUrl::parse("http://evil.com/login").unwrap();
        let key = IndicatorKey::expression(&url.expressions()[0]);
        assert_eq!((key.as_str(), key.kind().as_str()), ("evil.com/login", "url"));
        assert_eq!(key.hash(), url.expressions()[0].sha256());
        let key = IndicatorKey::domain(&Domain::parse("https://Evil.com/x").unwrap());
        assert_eq!(key.as_str(), "evil.com/");
        assert_eq!(key.hash(), url.expressions()[1].sha256());

        for key in [IndicatorKey::phone(&phone), IndicatorKey::bank(&account), key] {
            assert_eq!(IndicatorKey::from_stored(key.as_str()), key);
        }
    }

    #[test]
    fn entries_are_compact_and_days_round_trip() {
        assert!(size_of::<IndicatorEntry>() <= 16);
        let day_zero = Date::from_ymd_opt(2020, 1, 1).unwrap();
        assert_eq!(IndicatorEntry::day(day_zero), 0);
        let d = Date::from_ymd_opt(2026, 3, 15).unwrap();
        assert_eq!(IndicatorEntry::date(IndicatorEntry::day(d)), Some(d));
        assert_eq!(IndicatorEntry::day(Date::from_ymd_opt(2019, 5, 1).unwrap()), 0);
        assert_eq!(IndicatorEntry::day(Date::from_ymd_opt(2300, 1, 1).unwrap()), u16::MAX - 1);
        assert_eq!(IndicatorEntry::date(IndicatorEntry::NEVER), None);
        let mut e = entry(IndicatorState::Verified, 1);
        e.reports = u16::MAX - 1;
        e.add_report();
        e.add_report();
        assert_eq!(e.reports, u16::MAX);
        assert!(!e.is_expired(60_000));
        e.expires = 10;
        assert!(e.is_expired(11) && !e.is_expired(10));
        let mut packed = [0; ENTRY_BYTES];
        e.encode(&mut packed);
        assert_eq!(IndicatorEntry::decode(&packed), e);
    }

    #[test]
    fn phones_and_accounts_are_found() {
        let phone = PhoneNumber::parse("+84 912 345 678").unwrap();
        let account = BankAccount::parse("970436", "0011001234567").unwrap();
        let index = IndicatorIndex::build([
            (IndicatorKey::phone(&phone).hash(), entry(IndicatorState::Verified, 1)),
            (IndicatorKey::bank(&account).hash(), entry(IndicatorState::Reported, 2)),
        ]);
        assert_eq!(index.check_phone(&phone).map(|e| e.row_id), Some(1));
        assert_eq!(index.check_bank(&account).map(|e| e.row_id), Some(2));
        assert_eq!(index.check_phone(&PhoneNumber::parse("0912345679").unwrap()), None);
        assert_eq!(index.len(), 2);
    }

    #[test]
    fn the_most_severe_and_specific_hit_decides() {
        use IndicatorState::*;
        let index = url_index(&[("evil.com/", Reported), ("evil.com/login", Verified), ("evil.com/a/", Disputed)]);
        assert_eq!(verdict(&index, "http://evil.com/login"), Some(("evil.com/login".into(), Verified)));
        assert_eq!(verdict(&index, "http://www.evil.com/a/b"), Some(("evil.com/a/".into(), Disputed)));
        assert_eq!(verdict(&index, "http://evil.com/other"), Some(("evil.com/".into(), Reported)));
        assert_eq!(verdict(&index, "http://good.com/login"), None);
        // Two reports: the more specific one.
        let index = url_index(&[("evil.com/", Reported), ("evil.com/a/", Reported)]);
        assert_eq!(verdict(&index, "http://a.evil.com/a/x"), Some(("evil.com/a/".into(), Reported)));
    }

    #[test]
    fn official_wins_over_reports_but_not_over_a_more_specific_verified_scam() {
        use IndicatorState::*;
        let index = url_index(&[
            ("vietcombank.com.vn/", Official),
            ("vietcombank.com.vn/khuyen-mai", Reported),
            ("vietcombank.com.vn/tai-lieu/", Disputed),
            ("sites.example/", Official),
            ("sites.example/phish/", Verified),
            ("free-host.example/", Verified),
            ("agency.free-host.example/", Official),
        ]);
        let official = |e: &str| Some((e.to_owned(), Official));
        assert_eq!(verdict(&index, "https://vietcombank.com.vn/khuyen-mai"), official("vietcombank.com.vn/"));
        assert_eq!(verdict(&index, "https://vietcombank.com.vn/tai-lieu/x.pdf"), official("vietcombank.com.vn/"));
        assert_eq!(verdict(&index, "https://ebank.vietcombank.com.vn/"), official("vietcombank.com.vn/"));
        assert_eq!(
            verdict(&index, "https://sites.example/phish/login.html"),
            Some(("sites.example/phish/".into(), Verified))
        );
        assert_eq!(verdict(&index, "https://sites.example/ok/page"), official("sites.example/"));
        // An official subdomain carved out of a domain verified as scam.
        assert_eq!(verdict(&index, "http://agency.free-host.example/x"), official("agency.free-host.example/"));
        assert_eq!(verdict(&index, "http://other.free-host.example/x"), Some(("free-host.example/".into(), Verified)));
    }

    #[test]
    fn overlay_changes_are_visible_at_once() {
        use IndicatorState::*;
        let mut index = url_index(&[("evil.com/", Reported)]);
        let url = CanonicalUrl::parse("http://evil.com/x").unwrap();
        index.upsert(sha("evil.com/"), entry(Verified, 9));
        assert_eq!(index.check_url(&url).map(|h| h.entry.state), Some(Verified));
        assert!(index.remove(&sha("evil.com/")));
        assert!(!index.remove(&sha("evil.com/")));
        assert_eq!(index.check_url(&url), None);
        assert_eq!((index.len(), index.overlay_len()), (0, 1));
        index.compact();
        assert_eq!((index.len(), index.overlay_len(), index.records.len()), (0, 0, 0));
        assert!(index.is_empty());
    }

    #[test]
    fn duplicates_keep_the_last_entry() {
        let h = sha("tel:+84912345678");
        let index =
            IndicatorIndex::build([(h, entry(IndicatorState::Reported, 1)), (h, entry(IndicatorState::Verified, 2))]);
        assert_eq!(index.len(), 1);
        assert_eq!(index.get(&h).map(|e| e.row_id), Some(2));
    }

    #[test]
    fn memory_stays_under_48_bytes_per_indicator() {
        let n = 100_000;
        let index =
            IndicatorIndex::build((0..n).map(|i: u32| (sha(&i.to_string()), entry(IndicatorState::Reported, i))));
        assert_eq!(index.len(), n as usize);
        assert!(index.memory_bytes() <= 48 * n as usize, "{}", index.memory_bytes());
    }

    fn arb_entry() -> impl Strategy<Value = IndicatorEntry> {
        let state = prop_oneof![
            Just(IndicatorState::Reported),
            Just(IndicatorState::Disputed),
            Just(IndicatorState::Verified),
            Just(IndicatorState::Official),
        ];
        (state, any::<u8>(), any::<u16>(), any::<u16>(), any::<u16>(), any::<u16>(), any::<u32>()).prop_map(
            |(state, category, reports, first_seen, last_seen, expires, row_id)| IndicatorEntry {
                state,
                category,
                reports,
                first_seen,
                last_seen,
                expires,
                row_id,
            },
        )
    }

    /// Hashes that often share their first bytes, so buckets and prefixes
    /// hold several.
    fn arb_hash() -> impl Strategy<Value = [u8; 32]> {
        (0u8..4, any::<[u8; 32]>()).prop_map(|(shared, mut h)| {
            if shared > 0 {
                h[..3].copy_from_slice(&[0xAB, 0xCD, shared]);
            }
            h
        })
    }

    #[derive(Debug, Clone)]
    enum Change {
        Upsert([u8; 32], IndicatorEntry),
        Remove([u8; 32]),
        /// Removes the i-th (mod len) inserted hash.
        RemoveExisting(usize),
    }

    fn arb_change() -> impl Strategy<Value = Change> {
        prop_oneof![
            (arb_hash(), arb_entry()).prop_map(|(h, e)| Change::Upsert(h, e)),
            arb_hash().prop_map(Change::Remove),
            any::<usize>().prop_map(Change::RemoveExisting),
        ]
    }

    proptest! {
        /// The one-block shortcut is SHA-256, on both sides of 55 bytes.
        #[test]
        fn short_keys_hash_as_sha256(parts in proptest::collection::vec("[a-z0-9:/.?+-]{0,30}", 0..5)) {
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            prop_assert_eq!(sha256_of(&parts), sha(&parts.concat()));
        }
    }

    /// Checks in a stream, spread over several groups of the pipeline,
    /// answer exactly as the same checks one at a time.
    #[test]
    fn a_stream_of_checks_answers_as_single_checks() {
        let phones: Vec<PhoneNumber> =
            (0..150).map(|i| PhoneNumber::parse(&format!("0912{:06}", i * 37)).unwrap()).collect();
        let accounts: Vec<BankAccount> =
            (0..150).map(|i| BankAccount::parse("Vietcombank", &format!("00110012{i:05}")).unwrap()).collect();
        let urls: Vec<CanonicalUrl> = (0..150)
            .map(|i| CanonicalUrl::parse(&format!("https://a.lua-dao-{}.example/dang-nhap/?id={i}", i % 7)).unwrap())
            .collect();
        let mut listed: Vec<(String, IndicatorState)> = Vec::new();
        for i in (0..150).step_by(3) {
            listed.push((IndicatorKey::phone(&phones[i]).to_string(), IndicatorState::Verified));
            listed.push((IndicatorKey::bank(&accounts[i]).to_string(), IndicatorState::Reported));
        }
        listed.push(("lua-dao-1.example/".into(), IndicatorState::Reported));
        listed.push(("a.lua-dao-2.example/dang-nhap/".into(), IndicatorState::Verified));
        listed.push(("lua-dao-2.example/".into(), IndicatorState::Official));
        let listed: Vec<(&str, IndicatorState)> = listed.iter().map(|(k, s)| (k.as_str(), *s)).collect();
        let mut index = url_index(&listed);
        // A change in the overlay is seen by the stream too.
        index.upsert(phone_hash(&phones[1]), entry(IndicatorState::Disputed, 99));
        assert!(index.remove(&phone_hash(&phones[3])));

        let phone_hits = index.check_phones(&phones);
        assert_eq!(phone_hits, phones.iter().map(|p| index.check_phone(p)).collect::<Vec<_>>());
        assert_eq!(phone_hits.iter().flatten().count(), 50 - 1 + 1);
        assert_eq!(phone_hits[1].map(|e| e.state), Some(IndicatorState::Disputed));
        let bank_hits = index.check_banks(&accounts);
        assert_eq!(bank_hits, accounts.iter().map(|a| index.check_bank(a)).collect::<Vec<_>>());
        assert_eq!(bank_hits.iter().flatten().count(), 50);
        let url_hits = index.check_urls(&urls);
        assert_eq!(url_hits, urls.iter().map(|u| index.check_url(u)).collect::<Vec<_>>());
        assert_eq!(url_hits[1].as_ref().map(|h| h.expression.as_str()), Some("lua-dao-1.example/"));
        assert_eq!(url_hits[2].as_ref().map(|h| h.entry.state), Some(IndicatorState::Verified));
        assert_eq!(url_hits.iter().flatten().count(), 22 + 22);
        assert_eq!(index.check_urls(&[]), vec![]);
    }

    /// Every listed host passes the filter; of hosts never listed, few do.
    #[test]
    fn the_host_filter_keeps_every_listed_host_and_few_others() {
        let listed: Vec<String> = (0..100_000).map(|i| format!("lua-dao-{i}.example")).collect();
        let filter = HostFilter::new(&listed);
        assert!(listed.iter().all(|h| filter.may_contain(h)));
        let others = (0..100_000).filter(|i| filter.may_contain(&format!("khong-co-{i}.example"))).count();
        let rate = others as f64 / 100_000.0;
        println!("host filter: {:.2}% false positives at {} bits per host", rate * 100.0, HostFilter::BITS_PER_HOST);
        assert!(rate < 0.04, "{rate}");
        assert!(filter.bytes() <= 100_000 * HostFilter::BITS_PER_HOST / 8 + 8);
    }

    /// With the hosts given, links answer exactly as without them; a host
    /// noted later is found, and compaction keeps the filter.
    #[test]
    fn links_answer_the_same_through_the_host_filter() {
        let keys = [
            ("evil.example/", IndicatorState::Verified),
            ("a.b.lure.example/login/", IndicatorState::Reported),
            ("bank.example/", IndicatorState::Official),
            ("bank.example/phish/", IndicatorState::Verified),
            ("1.2.3.4/x", IndicatorState::Reported),
        ];
        let plain = url_index(&keys);
        let hosts = keys.iter().map(|(k, _)| k.split('/').next().unwrap_or_default());
        let mut filtered = url_index(&keys).with_link_hosts(hosts);
        let urls: Vec<CanonicalUrl> = [
            "http://www.evil.example/a/b?c=d",
            "https://x.a.b.lure.example/login/index.html",
            "http://a.b.lure.example/other",
            "https://bank.example/phish/go",
            "https://bank.example/",
            "http://1.2.3.4/x",
            "http://fine.example/",
            "http://late.example/path/",
        ]
        .iter()
        .map(|u| CanonicalUrl::parse(u).unwrap())
        .collect();
        assert_eq!(filtered.check_urls(&urls), plain.check_urls(&urls));
        assert_eq!(filtered.check_urls(&urls).iter().flatten().count(), 5);

        filtered.note_link_host("late.example");
        filtered.upsert(sha("late.example/path/"), entry(IndicatorState::Verified, 9));
        assert_eq!(filtered.check_url(&urls[7]).map(|h| h.entry.row_id), Some(9));
        filtered.compact();
        assert!(filtered.hosts.is_some());
        assert_eq!(filtered.check_url(&urls[7]).map(|h| h.entry.row_id), Some(9));
        assert!(filtered.memory_bytes() > plain.memory_bytes());
    }

    fn assert_same(index: &IndicatorIndex, model: &HashMap<[u8; 32], IndicatorEntry>) {
        assert_eq!(index.len(), model.len());
        let mut hashes: Vec<[u8; 32]> = model.keys().copied().collect();
        hashes.push([0x5A; 32]);
        let one_by_one: Vec<_> = hashes.iter().map(|h| index.get(h)).collect();
        let mut many = vec![None; hashes.len()];
        index.get_many_by(&hashes, |h| *h, &mut many);
        assert_eq!(many, one_by_one);
        for (hash, e) in model {
            assert_eq!(index.get(hash), Some(*e));
            let mut expected: Vec<_> =
                model.iter().filter(|(h, _)| h[..4] == hash[..4]).map(|(h, e)| (*h, *e)).collect();
            expected.sort_unstable_by_key(|a| a.0);
            assert_eq!(index.with_prefix([hash[0], hash[1], hash[2], hash[3]]), expected);
        }
    }

    fn expressions_by_parts(url: &CanonicalUrl) -> Vec<(String, [u8; 32])> {
        let (hosts, nh) = host_suffixes(url);
        let (paths, np) = path_prefixes(url);
        let mut out = Vec::new();
        for &host in &hosts[..nh] {
            for &(path, query) in &paths[..np] {
                let e = Expression { host, path, query };
                out.push((e.text(), e.hash()));
            }
        }
        out
    }

    fn assert_same_expressions(url: &CanonicalUrl) {
        let expected: Vec<(String, [u8; 32])> =
            url.expressions().iter().map(|e| (e.as_str().to_owned(), e.sha256())).collect();
        assert_eq!(expressions_by_parts(url), expected, "{url}");
    }

    #[test]
    fn expressions_are_enumerated_as_the_url_does() {
        for url in [
            "http://a.b.c/1/2.html?param=1",
            "http://a.b.c.d.e.f.g/1.html",
            "http://1.2.3.4/1/",
            "http://example.com/a/b/c/d/e/f.html",
            "http://example.com/q?",
            "http://example.com/a/b/",
            "http://[2001:db8::1]/x/y",
            "http://localhost/",
            "https://www.vn-pay.top/dang-nhap/xac-thuc.html?ma=1",
        ] {
            assert_same_expressions(&CanonicalUrl::parse(url).unwrap());
        }
    }

    proptest! {
        #[test]
        fn expressions_match_the_url_module(
            s in "(https?://)?[a-z0-9.%@:\\[\\]-]{0,24}(/[a-zA-Z0-9.%#?/ -]{0,40})?",
        ) {
            if let Ok(url) = CanonicalUrl::parse(&s) {
                assert_same_expressions(&url);
            }
        }

        #[test]
        fn every_inserted_hash_is_found(
            items in prop::collection::vec((arb_hash(), arb_entry()), 0..300),
            absent in arb_hash(),
        ) {
            let index = IndicatorIndex::build(items.clone());
            let model: HashMap<[u8; 32], IndicatorEntry> = items.into_iter().collect();
            assert_same(&index, &model);
            if !model.contains_key(&absent) {
                prop_assert_eq!(index.get(&absent), None);
                let p = [absent[0], absent[1], absent[2], absent[3]];
                let under: Vec<_> = index.with_prefix(p).into_iter().map(|(h, _)| h).collect();
                prop_assert!(!under.contains(&absent));
                prop_assert!(under.iter().all(|h| h[..4] == p));
            }
        }

        #[test]
        fn overlay_then_compact_matches_a_fresh_build(
            items in prop::collection::vec((arb_hash(), arb_entry()), 0..200),
            changes in prop::collection::vec(arb_change(), 0..60),
        ) {
            let mut index = IndicatorIndex::build(items.clone());
            let mut model: HashMap<[u8; 32], IndicatorEntry> = items.iter().copied().collect();
            for change in changes {
                match change {
                    Change::Upsert(h, e) => {
                        index.upsert(h, e);
                        model.insert(h, e);
                    }
                    Change::Remove(h) => {
                        prop_assert_eq!(index.remove(&h), model.remove(&h).is_some());
                    }
                    Change::RemoveExisting(i) => {
                        if !items.is_empty() {
                            let h = items[i % items.len()].0;
                            prop_assert_eq!(index.remove(&h), model.remove(&h).is_some());
                        }
                    }
                }
            }
            assert_same(&index, &model);
            let fresh = IndicatorIndex::build(model.iter().map(|(h, e)| (*h, *e)));
            index.compact();
            prop_assert_eq!(index.overlay_len(), 0);
            prop_assert_eq!(&index.records[..], &fresh.records[..]);
            prop_assert_eq!(&index.directory[..], &fresh.directory[..]);
            assert_same(&index, &model);
        }
    }
}

//! The index itself: building it from sorted records, the overlay of changes,
//! lookups one at a time or as a stream, and compaction.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::scamcheck::bank::BankAccount;
use crate::scamcheck::phone::PhoneNumber;
use crate::scamcheck::url::CanonicalUrl;

use super::decision::decide;
use super::entry::{IndicatorEntry, UrlHit};
use super::expressions::{Expression, MAX_EXPRESSIONS, for_each_expression};
use super::host_filter::HostFilter;
use super::key::{bank_hash, phone_hash};
use super::table::{
    AHEAD, HASH_BYTES, RECORD_BYTES, Record, Slot, Table, bits_for, compare, entry_of, hash_of, prefetch, prefix_u32,
    record, slot_value,
};

/// Every known indicator by the SHA-256 of its key. Immutable apart from
/// its overlay, so callers share it behind an `Arc` and swap in a rebuilt
/// or compacted one.
#[derive(Debug, Clone)]
pub struct IndicatorIndex {
    bits: u32,
    /// `directory[b]..directory[b + 1]` are the records of bucket `b`.
    pub(super) directory: Table<4>,
    /// Sorted by hash, no duplicates.
    pub(super) records: Table<RECORD_BYTES>,
    /// Changes since the base was built: `None` is a removal. Ordered so
    /// that prefix queries and [`IndicatorIndex::compact`] walk it in hash order.
    overlay: BTreeMap<[u8; HASH_BYTES], Option<IndicatorEntry>>,
    len: usize,
    /// The hosts of the link indicators, when the builder gave them
    /// ([`IndicatorIndex::with_link_hosts`]); `None` lets every host through.
    pub(super) hosts: Option<HostFilter>,
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

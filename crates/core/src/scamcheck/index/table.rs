//! The packed storage: 46-byte records of hash and entry, the directory of
//! buckets, and the huge-page tables both live in.

use std::cmp::Ordering;
use std::fmt;

use super::entry::{IndicatorEntry, IndicatorState};

pub(super) const HASH_BYTES: usize = 32;
pub(super) const ENTRY_BYTES: usize = 14;
pub(super) const RECORD_BYTES: usize = HASH_BYTES + ENTRY_BYTES;
/// A full hash then its packed entry; a byte array so that the records
/// pack without padding (46 bytes, not the 48 of a `(hash, entry)` pair).
pub(super) type Record = [u8; RECORD_BYTES];

/// Directory bits: 8 to 16 records per bucket, within 4..=24 bits so
/// that a 4-byte prefix always names a single bucket.
const MIN_BITS: u32 = 4;
const MAX_BITS: u32 = 24;
const RECORDS_PER_BUCKET: usize = 16;

pub(super) fn hash_of(record: &Record) -> &[u8; HASH_BYTES] {
    record.first_chunk().unwrap_or(&[0; HASH_BYTES])
}

/// The record's hash against `hash`: their first eight bytes as a number
/// decide all but one time in billions, without a call to `memcmp`.
pub(super) fn compare(record: &Record, hash: &[u8; HASH_BYTES]) -> Ordering {
    let head = |b: &[u8]| b.first_chunk::<8>().map_or(0, |h| u64::from_be_bytes(*h));
    head(record).cmp(&head(hash)).then_with(|| hash_of(record).cmp(hash))
}

pub(super) fn entry_of(record: &Record) -> IndicatorEntry {
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

pub(super) fn record(hash: &[u8; HASH_BYTES], entry: &IndicatorEntry) -> Record {
    let mut r = [0; RECORD_BYTES];
    r[..HASH_BYTES].copy_from_slice(hash);
    let mut packed = [0; ENTRY_BYTES];
    entry.encode(&mut packed);
    r[HASH_BYTES..].copy_from_slice(&packed);
    r
}

pub(super) fn prefix_u32(bytes: &[u8]) -> u32 {
    match bytes.first_chunk::<4>() {
        Some(p) => u32::from_be_bytes(*p),
        None => 0,
    }
}

pub(super) fn bits_for(n: usize) -> u32 {
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
pub(super) enum Table<const N: usize> {
    #[default]
    Empty,
    Heap(Vec<[u8; N]>),
    Mapped(memmap2::MmapMut),
}

/// Below this (one huge page), items stay on the heap.
pub(super) const MAPPED_FROM_BYTES: usize = 2 << 20;

impl<const N: usize> Table<N> {
    pub(super) fn new(items: Vec<[u8; N]>) -> Self {
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

    pub(super) fn bytes(&self) -> usize {
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
pub(super) type Slot = [u8; 4];

pub(super) fn slot_value(slot: &Slot) -> usize {
    u32::from_le_bytes(*slot) as usize
}

/// Items between the steps of [`IndicatorIndex::get_many_by`]: long enough
/// for a read from memory to arrive while they are hashed.
pub(super) const AHEAD: usize = 8;

/// Asks the CPU to start loading the cache line of `item` and goes on
/// without waiting for it. Only x86-64 has a stable prefetch; elsewhere the
/// pipeline still runs, with the reads made when the search needs them.
#[inline(always)]
pub(super) fn prefetch<T>(item: Option<&T>) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = item {
        // SAFETY: a prefetch is a hint: it reads nothing the program sees and
        // never faults, and SSE, which it needs, is part of every x86-64 CPU.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((item as *const T).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

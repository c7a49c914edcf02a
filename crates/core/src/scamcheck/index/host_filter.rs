//! The filter of hosts that have link indicators, which spares most links
//! any lookup at all.

/// The hosts that have at least one link indicator, as a blocked Bloom
/// filter: each host sets three bits of one 64-bit word, 12 bits per host,
/// so a host that has none is told apart with one read (from the CPU cache,
/// at a few megabytes), with a false "maybe" in under 2% of cases (a test
/// measures it), which only costs the lookups it would have made anyway. Hosts are never
/// removed; hosts added after the build beyond its size raise the false
/// "maybe"s until the next build.
#[derive(Debug, Clone)]
pub(super) struct HostFilter {
    words: Vec<u64>,
}

impl HostFilter {
    pub(super) const BITS_PER_HOST: usize = 12;
    /// Any fixed seed: the filter lives only in this process.
    const SEED: u64 = 0x6b68_6965_6e6d_616e;

    pub(super) fn new(hosts: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
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

    pub(super) fn insert(&mut self, host: &str) {
        self.set(Self::fingerprint(host));
    }

    pub(super) fn may_contain(&self, host: &str) -> bool {
        let (word, bits) = self.place(Self::fingerprint(host));
        self.words.get(word).is_none_or(|w| w & bits == bits)
    }

    pub(super) fn bytes(&self) -> usize {
        self.words.capacity() * size_of::<u64>()
    }
}

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

mod decision;
mod entry;
mod expressions;
mod host_filter;
mod indicator_index;
mod key;
mod table;

pub use entry::*;
pub use indicator_index::*;
pub use key::*;

#[cfg(test)]
mod tests;

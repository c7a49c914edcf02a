//! Import of unit lists (filled in below).

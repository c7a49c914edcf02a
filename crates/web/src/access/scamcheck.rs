//! The scam check: scoped reads and writes.

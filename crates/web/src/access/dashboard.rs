//! The dashboard: scoped reads and writes.

//! Operations: scoped reads and writes.

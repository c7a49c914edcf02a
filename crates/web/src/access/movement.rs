//! The movement: scoped reads and writes.

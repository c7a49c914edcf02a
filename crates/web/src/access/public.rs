//! What anonymous pages reach: scoped reads and writes.

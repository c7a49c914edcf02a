//! The programme: scoped reads and writes.

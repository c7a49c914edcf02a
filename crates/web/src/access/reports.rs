//! Citizens' reports: scoped reads and writes.

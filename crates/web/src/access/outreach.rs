//! Outreach: scoped reads and writes.

//! Scam check (SPEC M6): the public check page and JSON API ([`public`],
//! [`api`]), the private lookup by hash prefix, owners' disputes, and the
//! analysts' page where candidate indicators from correlated reports are
//! verified or rejected and disputes decided ([`staff`]).
//!
//! Checks read the live index in memory; what was checked is never logged,
//! only counted by kind and verdict.

pub mod api;
pub mod feeds;
pub mod public;
pub mod staff;
mod text;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use khienmang_core::scamcheck::{Checker, Outcome, Query, QueryError, decode_qr_image};
use khienmang_store::Store;
use khienmang_store::scamcheck::LiveIndex;

pub(crate) use text::STRINGS;

use crate::error::{WebError, WebResult};

/// How often each replica looks for changed indicators.
pub const REFRESH_EVERY: Duration = Duration::from_millis(500);
/// How often the check counts are added to the database.
const COUNTS_EVERY: Duration = Duration::from_secs(60);

/// What checks need at run time.
#[derive(Clone)]
pub struct ScamcheckRuntime {
    pub live: LiveIndex,
    pub checker: Arc<Checker>,
    counts: Arc<Mutex<HashMap<(&'static str, &'static str), i64>>>,
}

impl ScamcheckRuntime {
    /// Starts following the indicators and flushing the counts.
    pub fn start(store: &Store) -> ScamcheckRuntime {
        let rt =
            ScamcheckRuntime { live: LiveIndex::default(), checker: Arc::new(Checker::new()), counts: Arc::default() };
        rt.live.follow(store.clone(), REFRESH_EVERY);
        let (counts, store) = (rt.counts.clone(), store.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(COUNTS_EVERY);
            loop {
                tick.tick().await;
                let drained: Vec<_> = std::mem::take(&mut *counts.lock().unwrap_or_else(|p| p.into_inner()))
                    .into_iter()
                    .map(|((kind, verdict), n)| (chrono::Utc::now().date_naive(), kind, verdict, n))
                    .collect();
                if !drained.is_empty()
                    && let Err(e) = store.add_check_counts(&drained).await
                {
                    tracing::warn!(error = %e, "check counts not saved");
                }
            }
        });
        rt
    }

    /// Checks a query against the live index and counts it (kind and verdict only).
    pub fn check(&self, query: &Query) -> Outcome {
        let today = crate::org::today();
        let outcome = self.live.read(|index| self.checker.check(index, query, today));
        *self
            .counts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((query.kind.as_str(), outcome.verdict.as_str()))
            .or_default() += 1;
        outcome
    }

    /// [`Self::check`] for many queries, in one pass over the index.
    pub fn check_many(&self, queries: &[Query]) -> Vec<Outcome> {
        let today = crate::org::today();
        let outcomes = self.live.read(|index| self.checker.check_many(index, queries, today));
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        for (query, outcome) in queries.iter().zip(&outcomes) {
            *counts.entry((query.kind.as_str(), outcome.verdict.as_str())).or_default() += 1;
        }
        outcomes
    }
}

/// Reads the text or the first QR code of an image, as a query.
pub fn query_from_image(bytes: &[u8]) -> WebResult<Query> {
    let texts = decode_qr_image(bytes).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let text = texts
        .into_iter()
        .next()
        .ok_or_else(|| WebError::BadRequest("Không tìm thấy mã QR trong ảnh. Hãy chụp rõ và gần hơn.".into()))?;
    let payload = khienmang_core::scamcheck::QrPayload::parse(&text).map_err(|e| bad(QueryError::DamagedQr(e)))?;
    Query::from_qr(payload).map_err(bad)
}

pub fn bad(e: QueryError) -> WebError {
    WebError::BadRequest(e.message_vi())
}

//! Scam check (SPEC M6): the public check page and JSON API ([`public`],
//! [`api`]), the private lookup by hash prefix, owners' disputes, and the
//! analysts' page where candidate indicators from correlated reports are
//! verified or rejected and disputes decided ([`staff`]), and the official
//! list the secretariat keeps ([`official`]).
//!
//! Checks read the live index in memory; what was checked is never logged,
//! only counted by kind and verdict.

pub mod api;
pub mod fast_path;
pub mod feeds;
pub mod official;
pub mod public;
pub mod staff;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use khienmang_core::scamcheck::{Outcome, Query, QueryError, SubjectKind, Verdict, decode_qr_image};
use khienmang_store::Store;
use khienmang_store::scamcheck::LiveIndex;

use crate::error::{WebError, WebResult};
use crate::offload::Offload;

/// How often each replica looks for changed indicators.
pub const REFRESH_EVERY: Duration = Duration::from_millis(500);
/// How often the check counts are added to the database.
const COUNTS_EVERY: Duration = Duration::from_secs(60);

/// What checks need at run time.
#[derive(Clone)]
pub struct ScamcheckRuntime {
    /// The indicators and the official list, as this replica last saw them.
    pub live: LiveIndex,
    counts: Arc<CheckCounts>,
    /// Slots for decoding QR photos, apart from the uploads' so that
    /// anonymous photos cannot keep staff from importing.
    images: Offload,
}

/// Checks since the last flush, one counter per kind and verdict, so that
/// counting takes no lock and hashes nothing on the request path.
struct CheckCounts(Vec<AtomicI64>);

impl Default for CheckCounts {
    fn default() -> Self {
        CheckCounts((0..SubjectKind::ALL.len() * Verdict::ALL.len()).map(|_| AtomicI64::new(0)).collect())
    }
}

impl CheckCounts {
    fn add(&self, kind: SubjectKind, verdict: Verdict) {
        let k = SubjectKind::ALL.iter().position(|x| *x == kind).unwrap_or(0);
        let v = Verdict::ALL.iter().position(|x| *x == verdict).unwrap_or(0);
        if let Some(counter) = self.0.get(k * Verdict::ALL.len() + v) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The counts that are not zero, each reset.
    fn drain(&self) -> Vec<(&'static str, &'static str, i64)> {
        let pairs = SubjectKind::ALL.iter().flat_map(|k| Verdict::ALL.iter().map(move |v| (k.as_str(), v.as_str())));
        pairs
            .zip(&self.0)
            .filter_map(|((kind, verdict), counter)| {
                let n = counter.swap(0, Ordering::Relaxed);
                (n > 0).then_some((kind, verdict, n))
            })
            .collect()
    }
}

impl ScamcheckRuntime {
    /// Starts following the indicators and flushing the counts.
    pub fn start(store: &Store) -> ScamcheckRuntime {
        let rt = ScamcheckRuntime { live: LiveIndex::default(), counts: Arc::default(), images: Offload::per_core() };
        rt.live.follow(store.clone(), REFRESH_EVERY);
        let (counts, store) = (rt.counts.clone(), store.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(COUNTS_EVERY);
            loop {
                tick.tick().await;
                // A job of its own: it reads the clock once per flush.
                let now = crate::access::now();
                let drained: Vec<_> = counts
                    .drain()
                    .into_iter()
                    .map(|(kind, verdict, n)| (now.utc().date_naive(), kind, verdict, n))
                    .collect();
                if !drained.is_empty()
                    && let Err(e) = store.add_check_counts(&drained, now).await
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
        let outcome = self.live.check(|checker, index| checker.check(index, query, today));
        self.counts.add(query.kind, outcome.verdict);
        outcome
    }

    /// [`Self::check`] for many queries, in one pass over the index.
    pub fn check_many(&self, queries: &[Query]) -> Vec<Outcome> {
        let today = crate::org::today();
        let outcomes = self.live.check(|checker, index| checker.check_many(index, queries, today));
        for (query, outcome) in queries.iter().zip(&outcomes) {
            self.counts.add(query.kind, outcome.verdict);
        }
        outcomes
    }
}

/// Reads the text or the first QR code of an image, as a query. Decoding a
/// photo takes tens of milliseconds of CPU: it runs off the request workers.
pub async fn query_from_image(rt: &ScamcheckRuntime, bytes: impl AsRef<[u8]> + Send + 'static) -> WebResult<Query> {
    let texts = rt.images.run(move || decode_qr_image(bytes.as_ref())).await?;
    let texts = texts.map_err(|e| WebError::BadRequest(e.message_vi()))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_are_counted_by_kind_and_verdict_and_drained_once() {
        let counts = CheckCounts::default();
        for _ in 0..3 {
            counts.add(SubjectKind::Phone, Verdict::Scam);
        }
        counts.add(SubjectKind::Url, Verdict::Unknown);
        counts.add(SubjectKind::ALL[SubjectKind::ALL.len() - 1], Verdict::ALL[Verdict::ALL.len() - 1]);
        let mut drained = counts.drain();
        drained.sort();
        let last =
            (SubjectKind::ALL[SubjectKind::ALL.len() - 1].as_str(), Verdict::ALL[Verdict::ALL.len() - 1].as_str(), 1);
        let mut expected = vec![("phone", "scam", 3), ("url", "unknown", 1), last];
        expected.sort();
        assert_eq!(drained, expected);
        assert!(counts.drain().is_empty(), "a drained count starts again from zero");
    }
}

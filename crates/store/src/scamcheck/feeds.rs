//! Feeds in and out: other lists imported as indicators (never over a
//! person's decision), and the province's list exported for others.

use chrono::{DateTime, Utc};
use khienmang_core::reports::Category;
use khienmang_core::scamcheck::feeds::{
    ExportIndicator, ExportKind, ExportState, FeedCategory, FeedFormat, FeedProblem, FeedValue,
};
use khienmang_core::scamcheck::{IndicatorKey, IndicatorStatus};
use khienmang_core::time::Timestamp;
use serde::Serialize;
use serde_json::json;

use super::{Indicator, Listing};
use crate::{Result, Store, StoreError};

/// Confidence given to a feed's entries that do not state one.
const FEED_CONFIDENCE: i64 = 70;

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FeedImportReport {
    pub read: usize,
    /// Written as verified (new or refreshed).
    pub listed: usize,
    /// Left as they were: official, rejected, withdrawn or disputed by people.
    pub kept: usize,
    pub ignored: usize,
    pub skipped: Vec<FeedProblem>,
}

impl Store {
    /// Reads a feed file and lists its indicators, all in one transaction
    /// (a file that is not the format changes nothing).
    pub async fn import_feed(
        &self,
        actor: &str,
        format: FeedFormat,
        bytes: &[u8],
        at: Timestamp,
    ) -> Result<FeedImportReport> {
        let feed = format.parse(bytes).map_err(|e| StoreError::Invalid(e.message_vi()))?;
        let now = at.utc();
        let mut report = FeedImportReport {
            read: feed.indicators.len(),
            ignored: feed.ignored,
            skipped: feed.skipped,
            ..Default::default()
        };
        let mut tx = self.begin_write(actor, at).await?;
        for f in &feed.indicators {
            let listing = Listing {
                key: key_of(&f.value),
                status: IndicatorStatus::Verified,
                category: match f.category {
                    FeedCategory::Fraud | FeedCategory::Phishing => Category::Fraud,
                    FeedCategory::Malware => Category::CyberAttack,
                    FeedCategory::Other => Category::Other,
                },
                confidence: f.confidence.map(i64::from).unwrap_or(FEED_CONFIDENCE),
                source: format.name().to_owned(),
                source_ref: f.source_ref.clone(),
                first_seen: f.first_seen.or(f.last_seen).unwrap_or(now),
                last_seen: f.last_seen.or(f.first_seen).unwrap_or(now),
                valid_until: f.valid_until,
                imitates: None,
                note: None,
            };
            match tx.list_indicator(&listing, true).await? {
                Some(_) => report.listed += 1,
                None => report.kept += 1,
            }
        }
        tx.audit(
            "indicator.import",
            &format!("feed:{}", format.name()),
            &json!({"read": report.read, "listed": report.listed, "kept": report.kept,
                    "skipped": report.skipped.len(), "ignored": report.ignored}),
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The verified list in force, for the exported feeds.
    pub async fn export_indicators(&self, now: DateTime<Utc>) -> Result<Vec<ExportIndicator>> {
        Ok(self.indicators_in_force(now).await?.iter().map(export_of).collect())
    }
}

/// The lookup key of a feed's value: a URL by its most specific expression
/// (host and full path), a domain as the whole site.
fn key_of(value: &FeedValue) -> IndicatorKey {
    match value {
        FeedValue::Phone(p) => IndicatorKey::phone(p),
        FeedValue::BankAccount(a) => IndicatorKey::bank(a),
        FeedValue::Domain(d) => IndicatorKey::domain(d),
        FeedValue::Url(u) => match u.expressions().first() {
            Some(e) => IndicatorKey::expression(e),
            None => IndicatorKey::from_stored(&format!("{}/", u.host())),
        },
    }
}

fn export_of(i: &Indicator) -> ExportIndicator {
    let (kind, value) = if let Some(v) = i.key.strip_prefix("tel:") {
        (ExportKind::Phone, v.to_owned())
    } else if let Some(v) = i.key.strip_prefix("bank:") {
        (ExportKind::BankAccount, v.to_owned())
    } else if let Some(host) = i.key.strip_suffix('/').filter(|h| !h.contains('/')) {
        (ExportKind::Domain, host.to_owned())
    } else {
        (ExportKind::Url, format!("http://{}", i.key))
    };
    let parse = |s: &str| DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).unwrap_or_default();
    ExportIndicator {
        kind,
        value,
        state: if i.status == IndicatorStatus::Verified { ExportState::Scam } else { ExportState::Suspicious },
        category: i.category.as_str().to_owned(),
        reports: u32::try_from(i.reports).unwrap_or(0),
        first_seen: parse(&i.first_seen),
        last_seen: parse(&i.last_seen),
        valid_until: i.expires_at.as_deref().map(parse),
    }
}

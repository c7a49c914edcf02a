//! Demo scam indicators: the recurring numbers, accounts and one site of the
//! demo reports verified by an analyst, one number left as reported only,
//! so the check page shows every verdict.

use anyhow::Result;
use chrono::{Duration, Utc};
use khienmang_core::reports::Category;
use khienmang_core::scamcheck::{IndicatorStatus, Query};
use khienmang_core::time::Timestamp;
use khienmang_store::Store;
use khienmang_store::scamcheck::Listing;

const SCAMCHECK_KEY: &str = "demo.scamcheck";

/// Verified in the demo (the third phone stays "reported only").
const VERIFIED: &[&str] =
    &["0856 123 789", "0703 456 111", "Vietcombank 1023456789", "MB Bank 0988776655", "dichvucong-bacninh.top"];

/// Seeds once; returns how many indicators were listed.
pub async fn seed(store: &Store) -> Result<usize> {
    if store.setting(SCAMCHECK_KEY).await?.is_some() {
        return Ok(0);
    }
    let now = Utc::now();
    let mut tx = store.begin_write("phantich", Timestamp::now()).await?;
    for text in VERIFIED {
        let Some(key) = Query::detect(text).ok().and_then(|q| q.subject).map(|s| s.key()) else { continue };
        let listing = Listing {
            key,
            status: IndicatorStatus::Verified,
            category: Category::Fraud,
            confidence: 90,
            source: "reports".into(),
            source_ref: None,
            first_seen: now - Duration::days(200),
            last_seen: now - Duration::days(3),
            valid_until: None,
            imitates: None,
            note: Some("Nhiều phản ánh trùng nhau (dữ liệu mẫu)".into()),
        };
        tx.list_indicator(&listing, false).await?;
    }
    tx.set_setting(SCAMCHECK_KEY, &tx.now().stored()).await?;
    tx.commit().await?;
    Ok(VERIFIED.len())
}

//! `review`: the province's final review (DOCX + XLSX annex; every year
//! 2024–2030 and the per-commune annex, dated early 2031) generated
//! from live data, as `khienmang review generate` and `/reviews/interim.docx`
//! do: on the demo's data (`KHIENMANG_BENCH_DEMO_URL`, made by `bench/run`),
//! where the target applies, and on the synthetic province of the `targets`
//! benchmark (a million members: 200 times the demo's), for scale. Each run
//! opens a new connection pool, so the targets are computed from the
//! database as a fresh process would. Baseline: writing the same two files
//! from the same data, without reading anything.

use khienmang_core::time::Timestamp;
use std::time::Duration;

use anyhow::{Result, anyhow};
use khienmang_core::admin::{ReviewKind, ReviewSettings, review_annex_xlsx, review_docx};
use khienmang_store::Store;
use khienmang_store::admin::review_data;

use crate::{Checks, figure, measure, ms, ratio};

/// The limit for the whole generation.
const LIMIT_MS: f64 = 2_000.0;

pub async fn bench_review(b: &str, url: &str, runs: usize, checks: &mut Checks) -> Result<()> {
    if let Ok(demo) = std::env::var("KHIENMANG_BENCH_DEMO_URL") {
        let store = Store::connect(&demo).await?;
        let province = store.reports_province(Timestamp::now().vietnam_date()).await?;
        store.pool().close().await;
        let full = measure_review(&demo, province, runs, &format!("review_final_demo_{b}")).await?;
        checks.limit(&format!("review_final_demo_{b}"), ms(full), LIMIT_MS, "ms");
    }
    let seeding = Store::connect(url).await?;
    let province = crate::targets::seed(&seeding).await?;
    let mut tx = seeding.begin_write("bench", Timestamp::now()).await?;
    tx.seed_document_plan().await?;
    tx.commit().await?;
    seeding.pool().close().await;
    let full = measure_review(url, province, runs, &format!("review_final_synthetic_{b}")).await?;
    checks.holds(&format!("review_final_synthetic_{b}_written"), full > Duration::ZERO);
    Ok(())
}

/// Times the whole generation and its rendering alone; prints the figures
/// under `name`; returns the whole generation's median.
async fn measure_review(url: &str, province: khienmang_core::org::UnitId, runs: usize, name: &str) -> Result<Duration> {
    // Early 2031: the final review, with every year 2024–2030 and the annex.
    let today = chrono::NaiveDate::from_ymd_opt(2031, 1, 15).unwrap_or_default();
    let runs = runs.clamp(3, 10);

    let mut bytes = 0;
    let (full, data) = measure(1, runs, async || {
        let store = Store::connect(url).await?;
        let data = review_data(&store, ReviewKind::Final, province, today, &ReviewSettings::default()).await?;
        let docx = review_docx(&data).map_err(|e| anyhow!(e.message_vi()))?;
        let xlsx = review_annex_xlsx(&data).map_err(|e| anyhow!(e.message_vi()))?;
        bytes = docx.len() + xlsx.len();
        store.pool().close().await;
        Ok(data)
    })
    .await?;
    let (render, ()) = measure(1, runs, async || {
        review_docx(&data).map_err(|e| anyhow!(e.message_vi()))?;
        review_annex_xlsx(&data).map_err(|e| anyhow!(e.message_vi()))?;
        Ok(())
    })
    .await?;
    if data.targets.len() < 9 {
        anyhow::bail!("{name}: the review has {} targets, not the nine", data.targets.len());
    }
    if data.years != (2024..=2030).collect::<Vec<_>>() || data.communes.is_empty() {
        anyhow::bail!("{name}: the final review lacks a year 2024–2030 or the communes' annex");
    }
    figure(&format!("{name}_median"), ms(full.median()), "ms");
    figure(&format!("{name}_render_only_median"), ms(render.median()), "ms");
    figure(&format!("{name}_bytes"), bytes as f64, "bytes");
    ratio(&format!("{name}_vs_render_only"), full.median(), render.median().max(Duration::from_micros(1)));
    Ok(full.median())
}

//! `khienmang review generate`: the interim or final review of the province
//! (DOCX under Decree 30/2020/NĐ-CP and the XLSX annex) from live data.

use khienmang_core::time::Timestamp;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use clap::Subcommand;
use khienmang_core::admin::{ReviewKind, review_annex_xlsx, review_docx};
use khienmang_store::admin::review_data;

use crate::config::{Config, DbArgs};

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// Write review.docx and annex.xlsx for the province into a folder.
    Generate {
        #[command(flatten)]
        db: DbArgs,
        /// interim (sơ kết giai đoạn I) or final (tổng kết).
        #[arg(long)]
        kind: String,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// The date on the report (default: today).
        #[arg(long)]
        date: Option<khienmang_core::Date>,
        /// The official code of a commune or agency whose own review to
        /// write (default: the province).
        #[arg(long)]
        unit: Option<String>,
    },
}

pub async fn run(config: &Config, command: ReviewCommand) -> Result<()> {
    let ReviewCommand::Generate { db, kind, out, date, unit } = command;
    let kind =
        ReviewKind::parse(&kind).ok_or_else(|| anyhow!("loại báo cáo {kind:?} không có: dùng interim hoặc final"))?;
    let store = crate::open(config, &db).await?;
    config.reports.resolved().configure_province(&store, false).await?;
    let today = date.unwrap_or_else(|| Timestamp::now().vietnam_date());
    let unit = match unit {
        Some(code) => {
            let found = store.units_by_code(&code, today).await?;
            found.first().map(|v| v.unit_id).ok_or_else(|| anyhow!("không có đơn vị mã {code:?}"))?
        }
        None => store.reports_province(today).await?,
    };
    let data = review_data(&store, kind, unit, today, &config.review).await?;
    std::fs::create_dir_all(&out).with_context(|| format!("không tạo được thư mục {}", out.display()))?;
    let docx = review_docx(&data).map_err(|e| anyhow!(e.message_vi()))?;
    let xlsx = review_annex_xlsx(&data).map_err(|e| anyhow!(e.message_vi()))?;
    for (name, bytes) in [("review.docx", docx), ("annex.xlsx", xlsx)] {
        let path = out.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("không ghi được {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(())
}

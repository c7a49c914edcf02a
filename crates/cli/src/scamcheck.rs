//! `khienmang scamcheck …`: the scam-check parsers from the command line,
//! and feeds in and out of the database.

use khienmang_core::time::Timestamp;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use khienmang_core::scamcheck::feeds::{FeedFormat, feed_csv, feed_json, stix_bundle};
use khienmang_core::scamcheck::{CanonicalUrl, QrPayload};

use crate::config::{Config, DbArgs};

#[derive(Subcommand)]
pub enum ScamcheckCommand {
    /// Print a URL in Safe Browsing's canonical form.
    Canonicalize {
        url: String,
        /// Also print every host-suffix / path-prefix lookup expression, one per line.
        #[arg(long)]
        expressions: bool,
    },
    /// Parse a QR code's text (VietQR / EMVCo, link, tel:) and print its fields as JSON.
    ParseQr { payload: String },
    /// Import a feed file: phishtank, urlhaus, chongluadao, stix or misp.
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        format: String,
        file: PathBuf,
    },
    /// Export the verified list as stix, csv or json (signed feeds: see the web endpoints).
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value = "stix")]
        format: String,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub async fn run(config: &Config, command: ScamcheckCommand) -> Result<()> {
    match command {
        ScamcheckCommand::Canonicalize { url, expressions } => {
            let url = CanonicalUrl::parse(&url).map_err(|e| anyhow::anyhow!(e.message_vi()))?;
            println!("{url}");
            if expressions {
                for e in url.expressions() {
                    println!("{e}");
                }
            }
        }
        ScamcheckCommand::ParseQr { payload } => {
            let parsed = QrPayload::parse(&payload).map_err(|e| anyhow::anyhow!(e.message_vi()))?;
            println!("{}", serde_json::to_string_pretty(&khienmang_web::scamcheck::api::qr_json(&parsed))?);
        }
        ScamcheckCommand::Import { db, format, file } => {
            let format = FeedFormat::from_name(&format).map_err(|e| anyhow::anyhow!(e.message_vi()))?;
            let bytes = std::fs::read(&file).with_context(|| format!("không đọc được {}", file.display()))?;
            let store = crate::open(config, &db).await?;
            let r = store.import_feed("cli", format, &bytes, Timestamp::now()).await?;
            println!(
                "Đã đọc {} dấu hiệu: {} được liệt kê, {} giữ nguyên theo quyết định của cán bộ, {} dòng bỏ qua, {} mục không thuộc loại theo dõi.",
                r.read,
                r.listed,
                r.kept,
                r.skipped.len(),
                r.ignored
            );
            for p in r.skipped.iter().take(20) {
                println!("  dòng {}: {}", p.position, p.reason_vi);
            }
        }
        ScamcheckCommand::Export { db, format, out } => {
            let store = crate::open(config, &db).await?;
            let now = chrono::Utc::now();
            let list = store.export_indicators(now).await?;
            let body = match format.as_str() {
                "stix" => serde_json::to_string_pretty(&stix_bundle(&list, now))?,
                "csv" => feed_csv(&list),
                "json" => feed_json(&list),
                other => bail!("định dạng {other:?} không hỗ trợ: dùng stix, csv hoặc json"),
            };
            match out {
                Some(path) => {
                    std::fs::write(&path, body).with_context(|| format!("không ghi được {}", path.display()))?
                }
                None => print!("{body}"),
            }
        }
    }
    Ok(())
}

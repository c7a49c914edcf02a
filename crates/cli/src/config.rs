//! Configuration: flags, then `KHIENMANG_*` environment variables, then the
//! TOML file, then defaults.

use khienmang_core::time::Timestamp;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use khienmang_store::Store;
use khienmang_store::reports::FieldKey;
use khienmang_web::limit::{LimitClass, LimitSettings};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://USER:PASS@HOST/DB`.
    pub database: Option<String>,
    /// e.g. "127.0.0.1:8080".
    pub listen: Option<String>,
    /// Send cookies with `Secure` (default true).
    pub cookie_secure: Option<bool>,
    /// Staff roles must enrol TOTP (default true; the demo turns it off).
    pub require_totp: Option<bool>,
    pub session_hours: Option<i64>,
    /// "json" (default) or "pretty".
    pub log_format: Option<String>,
    /// The site's address as citizens reach it, e.g. "https://phananh.example.vn"
    /// (`KHIENMANG_PUBLIC_URL`), for absolute links; never taken from requests.
    pub public_url: Option<String>,
    /// An address of its own for `/metrics`, e.g. "127.0.0.1:9090" (`KHIENMANG_METRICS_LISTEN`).
    pub metrics_listen: Option<String>,
    /// A bearer token that opens `/metrics` on the main address (`KHIENMANG_METRICS_TOKEN`).
    pub metrics_token: Option<String>,
    /// Citizens' reports: the field key, attachments, limits, retention, mail.
    #[serde(default)]
    pub reports: ReportsConfig,
    /// Rate limits of anonymous callers and the proxies in front.
    #[serde(default)]
    pub limits: LimitsConfig,
    /// Who issues the interim and final reviews, where, under which number
    /// and who signs (`[review]`: issuing_body, parent_body, place,
    /// number_prefix, signer_title, signer_name, drafter).
    #[serde(default)]
    pub review: khienmang_core::admin::ReviewSettings,
}

/// `[limits]`: requests per client and hour by kind (`per_hour = { checks =
/// 3600, reports = 20 }`, 0 = no limit) and the reverse proxies whose
/// `X-Forwarded-For`/`Forwarded` are believed (`trusted_proxies =
/// ["127.0.0.1", "10.0.0.0/8"]`). The environment's `KHIENMANG_LIMITS`
/// ("checks=3600,reports=20") and `KHIENMANG_TRUSTED_PROXIES`
/// ("127.0.0.1,::1") override the file's.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    #[serde(default)]
    pub per_hour: std::collections::BTreeMap<String, u32>,
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
}

impl LimitsConfig {
    /// The settings, with `reports_per_hour` (`[reports] per_hour`) as the
    /// reports' limit unless `[limits]` sets one.
    pub fn settings(&self, reports_per_hour: Option<u32>) -> Result<LimitSettings> {
        let mut settings = LimitSettings::default();
        if let Some(n) = reports_per_hour {
            settings.set(LimitClass::Report, n);
        }
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let mut per_hour: Vec<(String, u32)> = self.per_hour.iter().map(|(k, v)| (k.clone(), *v)).collect();
        if let Some(list) = env("KHIENMANG_LIMITS") {
            for pair in list.split(',') {
                let parsed =
                    pair.split_once('=').and_then(|(k, v)| Some((k.trim().to_string(), v.trim().parse().ok()?)));
                per_hour.push(parsed.with_context(|| format!("KHIENMANG_LIMITS: {pair:?} không có dạng tên=số"))?);
            }
        }
        for (name, n) in per_hour {
            if !settings.set_named(&name, n) {
                let known: Vec<&str> = LimitClass::ALL.iter().map(|c| c.name()).collect();
                anyhow::bail!("[limits] không có giới hạn {name:?} (có: {})", known.join(", "));
            }
        }
        let proxies = match env("KHIENMANG_TRUSTED_PROXIES") {
            Some(list) => list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
            None => self.trusted_proxies.clone(),
        };
        for proxy in proxies {
            settings.trusted_proxies.push(proxy.parse().map_err(anyhow::Error::msg)?);
        }
        Ok(settings)
    }
}

/// `[reports]` in the configuration file; each has an environment variable.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportsConfig {
    /// The official code of the province the installation serves, e.g. "24"
    /// (`KHIENMANG_REPORTS_PROVINCE`). Required by `serve`: citizens'
    /// reports go to its communes.
    pub province: Option<String>,
    /// 64 hex characters sealing reporters' contact details
    /// (`KHIENMANG_FIELD_KEY`; make one with `khienmang keygen`).
    pub field_key: Option<String>,
    /// Where attachments are stored (`KHIENMANG_FILES_DIR`, default "khienmang-files").
    pub files_dir: Option<PathBuf>,
    /// Reports one client may send per hour (`KHIENMANG_REPORTS_PER_HOUR`, default 20; 0 = no limit).
    pub per_hour: Option<u32>,
    /// Days after closing before the contact is deleted (default 180).
    pub contact_retention_days: Option<i64>,
    /// SMTP relay as a URL, e.g. "smtp://localhost:25" (`KHIENMANG_SMTP_URL`).
    /// Without one, notification mail stays queued.
    pub smtp_url: Option<String>,
    /// Sender of notification mail (default "Khiên Mạng <khong-tra-loi@localhost>").
    pub mail_from: Option<String>,
    /// Seconds between runs of the background jobs (default 60).
    pub jobs_every_seconds: Option<u64>,
}

impl ReportsConfig {
    /// Settings from the environment override the file's.
    pub fn resolved(&self) -> ReportsConfig {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        ReportsConfig {
            province: env("KHIENMANG_REPORTS_PROVINCE").or_else(|| self.province.clone()),
            field_key: env("KHIENMANG_FIELD_KEY").or_else(|| self.field_key.clone()),
            files_dir: env("KHIENMANG_FILES_DIR").map(PathBuf::from).or_else(|| self.files_dir.clone()),
            per_hour: env("KHIENMANG_REPORTS_PER_HOUR").and_then(|v| v.parse().ok()).or(self.per_hour),
            contact_retention_days: self.contact_retention_days,
            smtp_url: env("KHIENMANG_SMTP_URL").or_else(|| self.smtp_url.clone()),
            mail_from: self.mail_from.clone(),
            jobs_every_seconds: env("KHIENMANG_JOBS_EVERY_SECONDS")
                .and_then(|v| v.parse().ok())
                .or(self.jobs_every_seconds),
        }
    }

    /// Points the database at the configured province, if one is given.
    /// Without one, `required` refuses (the server); otherwise the setting
    /// already in the database is used (the demo sets it when it seeds).
    pub async fn configure_province(&self, store: &Store, required: bool) -> Result<()> {
        match self.province.as_deref() {
            Some(code) => {
                let now = Timestamp::now();
                store.configure_province(code, now.vietnam_date(), now).await?;
            }
            None if required => anyhow::bail!(
                "thiếu tỉnh/thành phố của hệ thống: đặt [reports] province = \"<mã tỉnh>\" trong khienmang.toml \
                 hoặc KHIENMANG_REPORTS_PROVINCE (ví dụ 24 cho tỉnh Bắc Ninh); phản ánh của người dân được chuyển \
                 về các xã, phường của tỉnh này"
            ),
            None => {}
        }
        Ok(())
    }

    /// The field key; the demo makes and keeps one beside its database.
    pub fn field_key(&self, demo: bool) -> Result<FieldKey> {
        if let Some(hex) = &self.field_key {
            return Ok(FieldKey::from_hex(hex)?);
        }
        if !demo {
            anyhow::bail!(
                "thiếu khóa mã hóa thông tin liên hệ: đặt KHIENMANG_FIELD_KEY hoặc [reports] field_key \
                 (tạo khóa mới bằng `khienmang keygen`)"
            );
        }
        let path = Path::new(DEMO_KEY_FILE);
        if let Ok(hex) = std::fs::read_to_string(path) {
            return Ok(FieldKey::from_hex(&hex)?);
        }
        let (key, hex) = FieldKey::generate();
        write_private(path, &hex)?;
        Ok(key)
    }
}

/// The demo's field key, kept beside the demo database (never inside it).
pub const DEMO_KEY_FILE: &str = "khienmang-demo.key";

fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("không tạo được {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

impl Config {
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let default = Path::new("khienmang.toml");
        let path = match path {
            Some(p) => p,
            None if default.exists() => default,
            None => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(path).with_context(|| format!("không đọc được {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("tệp cấu hình {} không hợp lệ", path.display()))
    }

    pub fn database_url(&self, db: &DbArgs) -> String {
        db.database.clone().or_else(|| self.database.clone()).unwrap_or_else(|| "sqlite://khienmang.db".into())
    }
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Database URL: sqlite://PATH (default sqlite://khienmang.db) or postgres://...
    #[arg(long, env = "KHIENMANG_DATABASE")]
    pub database: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "KHIENMANG_LISTEN")]
    pub listen: Option<String>,
    /// Let the demo accounts (password "demo") log in. Never on a real server.
    #[arg(long, env = "KHIENMANG_ALLOW_DEMO_ACCOUNTS")]
    pub allow_demo_accounts: bool,
}

pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KHIENMANG_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log_format.as_deref() == Some("pretty") {
        builder.init();
    } else {
        builder.json().init();
    }
}

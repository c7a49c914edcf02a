//! Configuration: flags, then `KHIENMANG_*` environment variables, then the
//! TOML file, then defaults.

use std::path::Path;

use anyhow::{Context, Result};
use clap::Args;
use khienmang_store::Store;
use khienmang_web::{AppState, WebConfig};
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

pub async fn serve(config: &Config, args: &ServeArgs, store: Store, demo: bool) -> Result<()> {
    let listen = args.listen.clone().or_else(|| config.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".into());
    let web = WebConfig {
        allow_demo_accounts: demo || args.allow_demo_accounts,
        cookie_secure: config.cookie_secure.unwrap_or(true),
        require_totp: !demo && config.require_totp.unwrap_or(true),
        session_hours: config.session_hours.unwrap_or(12),
    };
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder().ok();
    let listener =
        tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("không mở được cổng {listen}"))?;
    let addr = listener.local_addr()?;
    let host = if addr.ip().is_loopback() { format!("localhost:{}", addr.port()) } else { addr.to_string() };
    println!("Khiên Mạng đang chạy tại http://{host}/");
    if demo {
        println!(
            "Tài khoản thử nghiệm (mật khẩu: demo): admin, tinh, phantich, donvi, mohinh, xa-<mã xã> (ví dụ xa-07210)"
        );
    }
    tracing::info!(%addr, demo, "listening");
    khienmang_web::serve(AppState::new(store, web, metrics), listener).await?;
    Ok(())
}

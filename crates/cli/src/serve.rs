//! Runs the server: resolves the reports' settings and the web settings from
//! the configuration, starts the report jobs and the metrics listener, then
//! serves until stopped.

use std::path::PathBuf;

use anyhow::{Context, Result};
use khienmang_store::Store;
use khienmang_web::{AppState, WebConfig};

use crate::config::{Config, ServeArgs};

pub async fn serve(config: &Config, args: &ServeArgs, store: Store, demo: bool) -> Result<()> {
    let reports = config.reports.resolved();
    let key = reports.field_key(demo)?;
    reports.configure_province(&store, !demo).await?;
    let listen = args.listen.clone().or_else(|| config.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".into());
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let public_url = env("KHIENMANG_PUBLIC_URL").or_else(|| config.public_url.clone());
    if let Some(url) = &public_url {
        let parsed = url::Url::parse(url).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
        anyhow::ensure!(
            parsed.is_some(),
            "public_url {url:?} không phải địa chỉ http(s) đầy đủ (ví dụ https://phananh.example.vn)"
        );
    }
    let metrics_listen = env("KHIENMANG_METRICS_LISTEN").or_else(|| config.metrics_listen.clone());
    let web = WebConfig {
        allow_demo_accounts: demo || args.allow_demo_accounts,
        cookie_secure: config.cookie_secure.unwrap_or(true),
        require_totp: !demo && config.require_totp.unwrap_or(true),
        session_hours: config.session_hours.unwrap_or(12),
        field_key: Some(key.clone()),
        files_dir: reports.files_dir.clone().unwrap_or_else(|| PathBuf::from("khienmang-files")),
        limits: config.limits.settings(reports.per_hour)?,
        public_url,
        metrics_token: env("KHIENMANG_METRICS_TOKEN").or_else(|| config.metrics_token.clone()),
        connections: Default::default(),
        review: config.review.clone(),
    };
    crate::jobs::spawn(store.clone(), reports, key);
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
    let state = AppState::new(store, web, metrics);
    if let Some(listen) = metrics_listen {
        let listener = tokio::net::TcpListener::bind(&listen)
            .await
            .with_context(|| format!("không mở được cổng số liệu {listen}"))?;
        tokio::spawn(khienmang_web::serve_metrics(state.clone(), listener));
    }
    khienmang_web::serve(state, listener).await?;
    Ok(())
}

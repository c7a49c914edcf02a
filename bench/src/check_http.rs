//! The scam check over HTTP: `GET /api/v1/check?q=…` of the real server in
//! this process (phone numbers, accounts and links, a quarter of them
//! listed) against nginx answering a static 200 on the same machine, with the
//! same load generator and settings (`load`: 64 keep-alive connections, 2 s
//! of warm-up then 10 s measured), five runs of each taken in turns. The
//! issue asks for at least half nginx's rate (the median of the five pairs'
//! ratios), p99 ≤ 10 ms.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result, bail};
use khienmang_core::scamcheck::feeds::FeedFormat;
use khienmang_store::Store;
use tokio::net::TcpListener;

use crate::load::{Load, get, side_by_side};
use crate::{Checks, count, figure};

/// Listed indicators the server's index holds.
const LISTED: usize = 20_000;
const P99_LIMIT_MS: f64 = 10.0;
/// Runs of each, taken in turns.
const PAIRS: usize = 5;

pub async fn bench_check_http(b: &str, store: &Store, checks: &mut Checks) -> Result<()> {
    let listed = seed(store).await?;
    count(&format!("checkhttp_listed_{b}"), listed, "indicators");
    let config = khienmang_web::WebConfig { require_totp: false, cookie_secure: false, ..Default::default() };
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = khienmang_web::AppState::new(store.clone(), config, None);
    state.scamcheck.live.refresh(store).await?;
    tokio::spawn(async move { khienmang_web::serve(state, listener).await });

    let requests: Vec<Vec<u8>> = (0..1024)
        .map(|i| {
            let q = match i % 4 {
                0 => format!("09{:08}", i * 7 % 100_000_000),
                1 => format!("http://lua-dao-{}.example/dang-nhap", i % (LISTED / 2)),
                2 => format!("Vietcombank 10{:08}", i),
                _ => format!("https://khong-co-{i}.example/"),
            };
            get(addr, &format!("/api/v1/check?q={}", urlencode(&q)))
        })
        .collect();
    let (nginx, port) = Nginx::start().context("nginx, the HTTP ceiling")?;
    let nginx_addr = SocketAddr::from(([127, 0, 0, 1], port));
    let (checked, ratio) = side_by_side(
        ("checkhttp", &Load::new(addr, requests, 200), "checks/s"),
        ("checkhttp_nginx", &Load::new(nginx_addr, vec![get(nginx_addr, "/")], 200), "requests/s"),
        b,
        PAIRS,
    )
    .await?;
    drop(nginx);
    figure(&format!("checkhttp_{b}_vs_nginx_ratio"), ratio, "x");
    checks.at_least(&format!("checkhttp_{b}_vs_nginx_ratio"), ratio, 0.5, "x");
    checks.limit(&format!("checkhttp_{b}_p99"), checked.p99_ms, P99_LIMIT_MS, "ms");
    Ok(())
}

/// Lists the URLs the checks name through a chongluadao feed.
async fn seed(store: &Store) -> Result<usize> {
    let items: Vec<serde_json::Value> =
        (0..LISTED).map(|i| serde_json::json!({"url": format!("http://lua-dao-{i}.example/dang-nhap")})).collect();
    let feed = serde_json::to_vec(&items)?;
    let report = store.import_feed("bench", FeedFormat::ChongLuaDao, &feed).await?;
    Ok(report.listed)
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// nginx answering `200 ok` from memory, in a temporary prefix.
struct Nginx {
    child: std::process::Child,
    dir: std::path::PathBuf,
}

impl Nginx {
    fn start() -> Result<(Nginx, u16)> {
        let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .context("nginx is not installed (bench/run installs Debian's nginx-light)")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let dir = std::env::temp_dir().join(format!("khienmang-bench-nginx-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("logs"))?;
        let conf = format!(
            "daemon off; worker_processes auto; pid {d}/nginx.pid; error_log {d}/logs/error.log;\n\
             events {{ worker_connections 1024; }}\n\
             http {{ access_log off; client_body_temp_path {d}; proxy_temp_path {d}; fastcgi_temp_path {d}; \
             uwsgi_temp_path {d}; scgi_temp_path {d};\n\
             server {{ listen 127.0.0.1:{port}; keepalive_requests 1000000; location / {{ return 200 \"ok\"; }} }} }}\n",
            d = dir.display()
        );
        std::fs::write(dir.join("nginx.conf"), conf)?;
        let child = std::process::Command::new(binary)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok((Nginx { child, dir }, port));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        bail!("nginx did not listen on port {port}")
    }
}

impl Drop for Nginx {
    /// A fast shutdown (SIGTERM) lets the master stop its workers; a killed
    /// master would leave them serving.
    fn drop(&mut self) {
        let stopped = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

//! The scam check over HTTP: `GET /api/v1/check?q=…` of the real server in
//! this process (phone numbers, accounts and links, a quarter of them
//! listed) against nginx answering a static 200 on the same machine, with the
//! same load generator and settings (`load`: 64 keep-alive connections, 2 s
//! of warm-up then 10 s measured), five runs of each taken in turns. The
//! issue asks for at least half nginx's rate (the median of the five pairs'
//! ratios), p99 ≤ 10 ms.
//!
//! The rate limiter is on: the benchmark's clients come from addresses
//! spread over 127.0.0.0/8, so every request is counted under its own
//! client, with a limit set high enough that none is refused. The same ratio
//! is then taken with wrk (`-t2 -c16` and `-c64`, from one address), the
//! standard tool, check and nginx in turns; a non-2xx answer fails the run.

use khienmang_core::time::Timestamp;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result, bail};
use khienmang_core::scamcheck::feeds::FeedFormat;
use khienmang_store::Store;
use khienmang_testkit::http::serve_locally;

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
    // Limits as configured for a load test: counted, never reached.
    let mut limits = khienmang_web::limit::LimitSettings::default();
    limits.set(khienmang_web::limit::LimitClass::Check, u32::MAX);
    let config = khienmang_web::WebConfig { require_totp: false, cookie_secure: false, limits, ..Default::default() };
    let state = khienmang_web::AppState::new(store.clone(), config, None);
    state.scamcheck.live.refresh(store).await?;
    let addr = serve_locally(state).await?;

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
    let spread = Load { spread: true, ..Load::new(addr, requests, 200) };
    let (checked, ratio) = side_by_side(
        ("checkhttp", &spread, "checks/s"),
        ("checkhttp_nginx", &Load::new(nginx_addr, vec![get(nginx_addr, "/")], 200), "requests/s"),
        b,
        PAIRS,
    )
    .await?;
    figure(&format!("checkhttp_{b}_vs_nginx_ratio"), ratio, "x");
    checks.at_least(&format!("checkhttp_{b}_vs_nginx_ratio"), ratio, 0.5, "x");
    checks.limit(&format!("checkhttp_{b}_p99"), checked.p99_ms, P99_LIMIT_MS, "ms");

    let check_url = format!("http://{addr}/api/v1/check?q={}", urlencode("0912 345 678"));
    let nginx_url = format!("http://{nginx_addr}/");
    for connections in [16, 64] {
        let ratio = wrk_side_by_side(&check_url, &nginx_url, connections, b)?;
        figure(&format!("checkhttp_wrk_c{connections}_{b}_vs_nginx_ratio"), ratio, "x");
        checks.at_least(&format!("checkhttp_wrk_c{connections}_{b}_vs_nginx_ratio"), ratio, 0.5, "x");
    }
    drop(nginx);
    Ok(())
}

/// wrk's requests per second at `url`, or an error if any answer was not 2xx.
fn wrk(url: &str, connections: usize) -> Result<f64> {
    let out = std::process::Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), "-d10s", url])
        .output()
        .context("wrk is not installed (bench/run installs Debian's wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("wrk failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    }
    if let Some(line) = text.lines().find(|l| l.contains("Non-2xx or 3xx responses")) {
        bail!("wrk counted answers that were not 2xx at {url}: {}", line.trim());
    }
    let rate = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .with_context(|| format!("no Requests/sec in wrk's output: {text}"))?;
    Ok(rate)
}

/// The median of `PAIRS` ratios check ÷ nginx, wrk taking them in turns.
fn wrk_side_by_side(check: &str, nginx: &str, connections: usize, b: &str) -> Result<f64> {
    wrk(check, connections)?; // warm-up
    let mut ratios = Vec::with_capacity(PAIRS);
    for n in 1..=PAIRS {
        let (ours, theirs) = (wrk(check, connections)?, wrk(nginx, connections)?);
        eprintln!("checkhttp_wrk_c{connections} [{b}] {n}/{PAIRS}: {ours:.0} checks/s, nginx {theirs:.0} requests/s");
        ratios.push(ours / theirs.max(1e-9));
    }
    ratios.sort_by(f64::total_cmp);
    Ok(ratios[ratios.len() / 2])
}

/// Lists the URLs the checks name through a chongluadao feed.
async fn seed(store: &Store) -> Result<usize> {
    let items: Vec<serde_json::Value> =
        (0..LISTED).map(|i| serde_json::json!({"url": format!("http://lua-dao-{i}.example/dang-nhap")})).collect();
    let feed = serde_json::to_vec(&items)?;
    let report = store.import_feed("bench", FeedFormat::ChongLuaDao, &feed, Timestamp::now()).await?;
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

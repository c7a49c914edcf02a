//! The load generator of the HTTP benchmarks, in the manner of wrk: a
//! minimal HTTP/1.1 client (requests built beforehand, answers read by
//! `Content-Length`) on a runtime of its own with two threads, like a load
//! tool started beside the server. It shares the machine's two cores with the
//! server under test, so it must be light: a general client (`reqwest`
//! builds a URL, a header map and a pooled connection per request) takes CPU
//! from the server and levels every server down to the client's own speed.
//!
//! Each benchmark runs `RUNS` runs of `WARMUP` then `MEASURED` from
//! `CONNECTIONS` keep-alive connections sending back to back, and reports
//! the medians over the runs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::{count, figure};

pub(crate) const CONNECTIONS: usize = 64;
pub(crate) const WARMUP: Duration = Duration::from_secs(2);
pub(crate) const MEASURED: Duration = Duration::from_secs(10);
pub(crate) const RUNS: usize = 3;
/// Threads of the load generator's runtime (one per core of a small machine).
const CLIENT_THREADS: usize = 2;

/// Reads the body of an answer with the expected status: `Ok(Some(v))` keeps
/// `v` (a receipt, an entry id), `Err` names what is wrong with it.
pub(crate) type ReadBody = Arc<dyn Fn(&[u8]) -> Result<Option<String>, String> + Send + Sync>;

/// What to send, where, and what counts.
#[derive(Clone)]
pub(crate) struct Load {
    pub addr: SocketAddr,
    /// Requests as sent on the wire (see [`get`] and [`post_json`]).
    pub requests: Arc<Vec<Vec<u8>>>,
    /// Each request is sent once at most (they are single-use, like contest
    /// attempts); otherwise each connection cycles through them from its own
    /// offset.
    pub once: bool,
    pub expect: u16,
    pub connections: usize,
    pub warmup: Duration,
    pub measured: Duration,
    pub read: Option<ReadBody>,
    /// Each connection comes from an address of its own in 127.0.0.0/8, as
    /// many citizens would (each then has a count of its own in the
    /// server's rate limiter); otherwise all come from 127.0.0.1.
    pub spread: bool,
}

impl Load {
    /// `requests` cycled, expecting `expect`, with the default settings.
    pub(crate) fn new(addr: SocketAddr, requests: Vec<Vec<u8>>, expect: u16) -> Load {
        Load {
            addr,
            requests: Arc::new(requests),
            once: false,
            expect,
            connections: CONNECTIONS,
            warmup: WARMUP,
            measured: MEASURED,
            read: None,
            spread: false,
        }
    }
}

/// A GET request.
pub(crate) fn get(addr: SocketAddr, path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes()
}

/// A POST request with a JSON body.
pub(crate) fn post_json(addr: SocketAddr, path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// What one run saw.
#[derive(Default)]
pub(crate) struct Run {
    /// Expected answers completed inside the measured window.
    pub ok: usize,
    pub latencies: Vec<Duration>,
    /// What `read` kept, warm-up included.
    pub kept: Vec<String>,
    /// Other statuses, bad bodies and transport errors, warm-up included.
    pub unexpected: usize,
    pub first_problem: Option<String>,
    /// A single-use load had no request left before the end.
    pub ran_out: bool,
    measured: Duration,
}

impl Run {
    pub(crate) fn per_second(&self) -> f64 {
        self.ok as f64 / self.measured.as_secs_f64().max(1e-9)
    }

    pub(crate) fn percentile(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }

    fn merge(&mut self, other: Run) {
        self.ok += other.ok;
        self.latencies.extend(other.latencies);
        self.kept.extend(other.kept);
        self.unexpected += other.unexpected;
        self.ran_out |= other.ran_out;
        if self.first_problem.is_none() {
            self.first_problem = other.first_problem;
        }
    }

    /// One line on stderr.
    pub(crate) fn describe(&self, name: &str, b: &str, n: usize, of: usize) -> String {
        format!(
            "{name} {b} run {n}/{of}: {:.0}/s, p50 {:.1} ms, p99 {:.1} ms, {} unexpected{}{}",
            self.per_second(),
            crate::ms(self.percentile(0.50)),
            crate::ms(self.percentile(0.99)),
            self.unexpected,
            self.first_problem.as_deref().map(|p| format!(" (first: {})", short(p))).unwrap_or_default(),
            if self.ran_out { "; ran out of requests" } else { "" },
        )
    }
}

pub(crate) fn percentile(values: &[Duration], p: f64) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

pub(crate) fn short(s: &str) -> String {
    let mut out: String = s.chars().take(200).collect();
    if s.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// The medians of `RUNS` runs.
pub(crate) struct Measured {
    pub rate: f64,
    pub p99_ms: f64,
    pub kept: Vec<String>,
}

/// What each of several runs saw, summed up as medians.
#[derive(Default)]
pub(crate) struct Runs {
    rates: Vec<f64>,
    p50s: Vec<f64>,
    p99s: Vec<f64>,
    unexpected: usize,
}

impl Runs {
    pub(crate) fn add(&mut self, run: &Run) {
        self.rates.push(run.per_second());
        self.p50s.push(crate::ms(run.percentile(0.50)));
        self.p99s.push(crate::ms(run.percentile(0.99)));
        self.unexpected += run.unexpected;
    }

    /// Prints `<name>_<db>_per_s`, `_p50`, `_p99` (medians) and
    /// `_unexpected`; returns the median rate and p99 (ms).
    pub(crate) fn report(mut self, name: &str, b: &str, unit: &str) -> (f64, f64) {
        let rate = median(&mut self.rates);
        let p99_ms = median(&mut self.p99s);
        figure(&format!("{name}_{b}_per_s"), rate, unit);
        figure(&format!("{name}_{b}_p50"), median(&mut self.p50s), "ms");
        figure(&format!("{name}_{b}_p99"), p99_ms, "ms");
        count(&format!("{name}_{b}_unexpected"), self.unexpected, "responses");
        (rate, p99_ms)
    }
}

/// `RUNS` runs of `load`, reported by [`Runs::report`].
pub(crate) async fn measure(name: &str, b: &str, load: &Load, unit: &str) -> Result<Measured> {
    let (mut runs, mut kept) = (Runs::default(), Vec::new());
    for n in 1..=RUNS {
        let run = run(load.clone()).await?;
        eprintln!("{}", run.describe(name, b, n, RUNS));
        runs.add(&run);
        kept.extend(run.kept);
    }
    let (rate, p99_ms) = runs.report(name, b, unit);
    Ok(Measured { rate, p99_ms, kept })
}

/// Two loads measured in turns (A, B, A, B, …) for `pairs` pairs, so that
/// both see the same moments of a shared machine: its noise (±10–15% between
/// runs here) then moves both figures of a pair together. Reports each as
/// [`measure`] does; returns A's medians and the median of the pairs'
/// ratios A ÷ B.
pub(crate) async fn side_by_side(
    a: (&str, &Load, &str),
    b: (&str, &Load, &str),
    db: &str,
    pairs: usize,
) -> Result<(Measured, f64)> {
    let (mut runs_a, mut runs_b, mut ratios) = (Runs::default(), Runs::default(), Vec::new());
    for n in 1..=pairs {
        let run_a = run(a.1.clone()).await?;
        eprintln!("{}", run_a.describe(a.0, db, n, pairs));
        let run_b = run(b.1.clone()).await?;
        eprintln!("{}", run_b.describe(b.0, db, n, pairs));
        ratios.push(run_a.per_second() / run_b.per_second().max(1e-9));
        runs_a.add(&run_a);
        runs_b.add(&run_b);
    }
    let (rate, p99_ms) = runs_a.report(a.0, db, a.2);
    runs_b.report(b.0, db, b.2);
    Ok((Measured { rate, p99_ms, kept: Vec::new() }, median(&mut ratios)))
}

/// One run, on the load generator's own threads.
pub(crate) async fn run(load: Load) -> Result<Run> {
    let client = std::thread::Builder::new().name("load".into()).spawn(move || -> Result<Run> {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(CLIENT_THREADS).enable_all().build()?;
        rt.block_on(generate(load))
    })?;
    tokio::task::spawn_blocking(move || client.join()).await?.map_err(|_| anyhow!("the load generator stopped"))?
}

async fn generate(load: Load) -> Result<Run> {
    let start = Instant::now();
    let (from, until) = (start + load.warmup, start + load.warmup + load.measured);
    let shared_next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for first in 0..load.connections {
        let (load, shared_next) = (load.clone(), shared_next.clone());
        tasks.spawn(async move {
            let mut run = Run::default();
            let mut conn: Option<TcpStream> = None;
            let mut buf = Vec::with_capacity(16 * 1024);
            let mut next = first;
            // 127.1.x.y: a different address per connection, never 127.0.0.1.
            let source = load.spread.then(|| {
                std::net::IpAddr::V4(std::net::Ipv4Addr::new(127, 1, (first >> 8) as u8, (first & 0xff) as u8 + 1))
            });
            while Instant::now() < until {
                let i = if load.once { shared_next.fetch_add(1, Ordering::Relaxed) } else { next };
                next += load.connections;
                let request =
                    if load.once { load.requests.get(i) } else { load.requests.get(i % load.requests.len().max(1)) };
                let Some(request) = request else {
                    run.ran_out = load.once;
                    break;
                };
                let sent = Instant::now();
                let answer = exchange(&mut conn, load.addr, source, request, &mut buf).await;
                let outcome = match answer {
                    Ok((status, body)) if status == load.expect => match &load.read {
                        Some(read) => read(&buf[body..]),
                        None => Ok(None),
                    },
                    Ok((status, body)) => Err(format!("{status}: {}", String::from_utf8_lossy(&buf[body..]))),
                    Err(e) => {
                        conn = None;
                        Err(e.to_string())
                    }
                };
                let done = Instant::now();
                match outcome {
                    Ok(kept) => {
                        run.kept.extend(kept);
                        if sent >= from && done <= until {
                            run.ok += 1;
                            run.latencies.push(done - sent);
                        }
                    }
                    Err(problem) => {
                        run.unexpected += 1;
                        run.first_problem.get_or_insert(problem);
                        // Do not spin on a server that refuses everything.
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
            }
            run
        });
    }
    let mut total = Run { measured: load.measured, ..Run::default() };
    while let Some(run) = tasks.join_next().await {
        total.merge(run?);
    }
    Ok(total)
}

/// Sends `request` on the connection (opened if needed) and reads the whole
/// answer into `buf`; returns its status and where its body starts.
async fn exchange(
    conn: &mut Option<TcpStream>,
    addr: SocketAddr,
    source: Option<std::net::IpAddr>,
    request: &[u8],
    buf: &mut Vec<u8>,
) -> Result<(u16, usize)> {
    let stream = match conn {
        Some(stream) => stream,
        None => {
            let stream = match source {
                Some(ip) => {
                    let socket = tokio::net::TcpSocket::new_v4()?;
                    socket.bind(SocketAddr::new(ip, 0))?;
                    socket.connect(addr).await?
                }
                None => TcpStream::connect(addr).await?,
            };
            stream.set_nodelay(true)?;
            conn.insert(stream)
        }
    };
    stream.write_all(request).await?;
    buf.clear();
    let head = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        read_more(stream, buf).await?;
    };
    let text = std::str::from_utf8(&buf[..head]).context("a header that is not UTF-8")?;
    let mut lines = text.split("\r\n");
    let status =
        lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse::<u16>().ok()).context("no status line")?;
    let mut length = None;
    let mut close = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { continue };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().context("a bad Content-Length")?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            bail!("a body sent as {value}: only Content-Length is read");
        } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
            close = true;
        }
    }
    let total = head + length.context("no Content-Length")?;
    while buf.len() < total {
        read_more(stream, buf).await?;
    }
    buf.truncate(total);
    if close {
        *conn = None;
    }
    Ok((status, head))
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<()> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await?;
    if n == 0 {
        bail!("the server closed the connection");
    }
    buf.extend_from_slice(&chunk[..n]);
    Ok(())
}

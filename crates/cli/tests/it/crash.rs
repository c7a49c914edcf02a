//! Durability of the report intake: the real `khienmang serve` is killed
//! with SIGKILL while reports stream in from several clients, and restarted,
//! `KHIENMANG_CRASH_ROUNDS` times (default 3). Every report that got a 201
//! must be in the database afterwards and open with its secret; requests
//! cut off by a kill may fail, but none that was acknowledged may be lost.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use khienmang_core::reports::Category;
use khienmang_store::reports::FieldKey;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::support::{fresh_store, import_bac_ninh, random_suffix};

/// Clients sending reports at the same time.
const SENDERS: usize = 8;
/// Reports acknowledged by each server before it is killed (at least).
const ACKS_PER_ROUND: usize = 100;

fn rounds() -> usize {
    std::env::var("KHIENMANG_CRASH_ROUNDS").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(3)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Server {
    child: Child,
    base: String,
}

/// Starts `khienmang serve` on a free port and waits until it answers.
async fn start(url: &str, key: &str, dir: &Path, log: &Path, http: &reqwest::Client) -> Server {
    for _ in 0..3 {
        let port = free_port();
        let log_file = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_khienmang"))
            .args(["serve", "--database", url, "--listen", &format!("127.0.0.1:{port}")])
            .current_dir(dir)
            .env("KHIENMANG_FIELD_KEY", key)
            .env("KHIENMANG_REPORTS_PROVINCE", "24")
            .env("KHIENMANG_REPORTS_PER_HOUR", "0")
            .env("KHIENMANG_FILES_DIR", dir.join("files"))
            .env("KHIENMANG_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log_file))
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                // Most likely the port was taken in between: try another.
                eprintln!(
                    "server exited at start ({status}); log:\n{}",
                    std::fs::read_to_string(log).unwrap_or_default()
                );
                break;
            }
            let health = http.get(format!("{base}/healthz")).send().await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return Server { child, base };
            }
            assert!(
                Instant::now() < deadline,
                "the server did not start; log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    panic!("could not start the server; log:\n{}", std::fs::read_to_string(log).unwrap_or_default());
}

/// What the senders share: where the server is now, what was acknowledged.
#[derive(Default)]
struct Shared {
    base: Mutex<Option<String>>,
    receipts: Mutex<Vec<(String, String)>>,
    failures: Mutex<usize>,
    /// A valid report answered with a 4xx: a bug, not a crash.
    refused: Mutex<Option<String>>,
    stop: AtomicBool,
}

impl Shared {
    fn acknowledged(&self) -> usize {
        self.receipts.lock().unwrap().len()
    }
}

/// Sends reports back to back until told to stop; keeps every receipt.
async fn sender(shared: Arc<Shared>, n: usize, communes: Arc<Vec<String>>) {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let mut i = n;
    while !shared.stop.load(Ordering::SeqCst) {
        let Some(base) = shared.base.lock().unwrap().clone() else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        i += SENDERS;
        let body = json!({
            "category": Category::ALL[i % Category::ALL.len()].as_str(),
            "description": format!("Tin nhắn giả danh ngân hàng số {i} yêu cầu cập nhật tài khoản qua đường dẫn lạ."),
            "commune": communes[i % communes.len()],
            "identifiers": [format!("09{:08}", 10_000_000 + i)],
            "contact": if i.is_multiple_of(3) { json!({"phone": "0912 345 678"}) } else { Value::Null },
        });
        let answer = http.post(format!("{base}/api/v1/reports")).json(&body).send().await;
        match answer {
            Ok(res) if res.status() == StatusCode::CREATED => {
                // The 201 is in: the report is committed. Reading the body
                // may still fail if the kill lands now; then it is unknown.
                if let Ok(receipt) = res.json::<Value>().await {
                    let code = receipt["code"].as_str().expect("a code").to_string();
                    let secret = receipt["secret"].as_str().expect("a secret").to_string();
                    shared.receipts.lock().unwrap().push((code, secret));
                }
            }
            Ok(res) => {
                // Only a server being killed may fail a valid report.
                let status = res.status();
                if !status.is_server_error() {
                    let text = res.text().await.unwrap_or_default();
                    shared.refused.lock().unwrap().get_or_insert(format!("{status} {text}"));
                }
                *shared.failures.lock().unwrap() += 1;
            }
            Err(_) => {
                // Connection refused or reset: the server is down or dying.
                *shared.failures.lock().unwrap() += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// Waits until `more` reports beyond `from` are acknowledged.
async fn wait_for(shared: &Shared, from: usize, more: usize, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while shared.acknowledged() < from + more {
        if let Some(refused) = shared.refused.lock().unwrap().clone() {
            panic!("a valid report was refused: {refused}");
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {more} reports acknowledged; log:\n{}",
            shared.acknowledged() - from,
            std::fs::read_to_string(log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_reports_survive_sigkill() {
    let started = Instant::now();
    let (store, url) = fresh_store().await;
    import_bac_ninh(&store).await;
    store.configure_province("24", chrono::Utc::now().date_naive()).await.unwrap();
    let communes: Vec<String> = store
        .report_communes()
        .await
        .unwrap()
        .iter()
        .map(|c| c.code.clone().unwrap_or(c.unit_id.0.to_string()))
        .collect();
    assert!(communes.len() > 10, "the province's communes");
    let communes = Arc::new(communes);
    let dir: PathBuf = std::env::temp_dir().join(format!("khienmang-crash-{}", random_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("server.log");
    let (_, key) = FieldKey::generate();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();

    let shared = Arc::new(Shared::default());
    let mut senders = tokio::task::JoinSet::new();
    for n in 0..SENDERS {
        senders.spawn(sender(shared.clone(), n, communes.clone()));
    }
    let rounds = rounds();
    for round in 1..=rounds {
        let mut server = start(&url, &key, &dir, &log, &http).await;
        let from = shared.acknowledged();
        *shared.base.lock().unwrap() = Some(server.base.clone());
        wait_for(&shared, from, ACKS_PER_ROUND, &log).await;
        // Land the kill at a different point of the stream each time.
        tokio::time::sleep(Duration::from_millis(rand::random::<u64>() % 400)).await;
        server.child.kill().await.unwrap();
        *shared.base.lock().unwrap() = None;
        eprintln!("round {round}/{rounds}: killed after {} acknowledged reports", shared.acknowledged() - from);
    }

    // After the last restart the intake works again.
    let server = start(&url, &key, &dir, &log, &http).await;
    let from = shared.acknowledged();
    *shared.base.lock().unwrap() = Some(server.base.clone());
    wait_for(&shared, from, ACKS_PER_ROUND, &log).await;
    shared.stop.store(true, Ordering::SeqCst);
    while let Some(done) = senders.join_next().await {
        done.unwrap();
    }
    let receipts = shared.receipts.lock().unwrap().clone();
    let failures = *shared.failures.lock().unwrap();
    eprintln!("{} reports acknowledged, {failures} requests cut off by the kills", receipts.len());

    // Every acknowledged report is in the database, once.
    let stored: Vec<String> = sqlx::query_scalar("SELECT code FROM reports").fetch_all(store.pool()).await.unwrap();
    let stored: HashSet<String> = stored.into_iter().collect();
    let acknowledged: HashSet<&str> = receipts.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(acknowledged.len(), receipts.len(), "a code was given twice");
    let lost: Vec<&str> = acknowledged.iter().copied().filter(|c| !stored.contains(*c)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged reports lost, e.g. {:?}",
        lost.len(),
        receipts.len(),
        &lost[..lost.len().min(5)]
    );

    // And opens with its secret, through the store and over HTTP.
    for (code, secret) in &receipts {
        let report = store.report_for_reporter(code, secret).await.unwrap();
        assert!(report.is_some_and(|r| &r.code == code), "{code} does not open with its secret");
    }
    let mut trackers = tokio::task::JoinSet::new();
    let chunk = receipts.len().div_ceil(SENDERS).max(1);
    for part in receipts.chunks(chunk) {
        let (part, http, base) = (part.to_vec(), http.clone(), server.base.clone());
        trackers.spawn(async move {
            for (code, secret) in part {
                let res = http
                    .get(format!("{base}/api/v1/reports/track/{code}"))
                    .header("x-report-secret", &secret)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK, "tracking {code}");
                let view: Value = res.json().await.unwrap();
                assert_eq!(view["code"], code.as_str());
                assert_eq!(view["status"], "received");
            }
        });
    }
    while let Some(done) = trackers.join_next().await {
        done.unwrap();
    }
    // The audit chain was never left half-written.
    assert!(store.audit_verify().await.unwrap().is_ok(), "the audit chain verifies after the kills");

    drop(server);
    std::fs::remove_dir_all(&dir).ok();
    eprintln!("crash test: {rounds} kills in {:.1} s", started.elapsed().as_secs_f64());
}

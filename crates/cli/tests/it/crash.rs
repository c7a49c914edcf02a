//! Durability of what citizens send: the real `khienmang serve` is killed
//! with SIGKILL while reports (or contest answer sheets) stream in from
//! several clients, and restarted, `KHIENMANG_CRASH_ROUNDS` times (default
//! 3). Every report that got a 201 must be in the database afterwards and
//! open with its secret, every sheet that got a 200 must be counted with its
//! score; requests cut off by a kill may fail, but none that was
//! acknowledged may be lost.

use khienmang_core::time::Timestamp;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use khienmang_core::org::Level;
use khienmang_core::reports::Category;
use khienmang_store::reports::FieldKey;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use khienmang_testkit::db::{fresh_store, temp_path};
use khienmang_testkit::fixtures::day;
use khienmang_testkit::lists::import_bac_ninh;

/// Clients sending reports at the same time.
const SENDERS: usize = 8;
/// Reports acknowledged by each server before it is killed (at least).
const ACKS_PER_ROUND: usize = 100;
/// Answer sheets acknowledged by each server before it is killed (at least):
/// a sheet takes three requests and a code.
const SHEETS_PER_ROUND: usize = 30;

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
/// `flags` adds to the command, e.g. `--allow-demo-accounts` (contest codes
/// are then answered instead of sent).
async fn start(url: &str, key: &str, dir: &Path, log: &Path, http: &reqwest::Client, flags: &[&str]) -> Server {
    for _ in 0..3 {
        let port = free_port();
        let log_file = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_khienmang"))
            .args(["serve", "--database", url, "--listen", &format!("127.0.0.1:{port}")])
            .args(flags)
            .current_dir(dir)
            .env("KHIENMANG_FIELD_KEY", key)
            .env("KHIENMANG_REPORTS_PROVINCE", "24")
            .env("KHIENMANG_REPORTS_PER_HOUR", "0")
            // The test tracks every report it sent, from one address.
            .env("KHIENMANG_LIMITS", "tracking=0")
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

/// What became of one request sent while the server may be killed.
enum Sent {
    /// Acknowledged: what to look for afterwards.
    Receipt(String, String),
    /// Cut off: the server was down or dying.
    CutOff,
    /// Refused with a 4xx although valid: a bug, not a crash.
    Refused(String),
}

/// Sends back to back until told to stop, with `send(base, i)` for the
/// i-th request of this sender; keeps every receipt.
async fn sender<F, Fut>(shared: Arc<Shared>, n: usize, send: F)
where
    F: Fn(String, usize) -> Fut,
    Fut: Future<Output = Sent>,
{
    let mut i = n;
    while !shared.stop.load(Ordering::SeqCst) {
        let Some(base) = shared.base.lock().unwrap().clone() else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        i += SENDERS;
        match send(base, i).await {
            Sent::Receipt(a, b) => shared.receipts.lock().unwrap().push((a, b)),
            Sent::Refused(why) => {
                shared.refused.lock().unwrap().get_or_insert(why);
                *shared.failures.lock().unwrap() += 1;
            }
            Sent::CutOff => {
                *shared.failures.lock().unwrap() += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// A non-2xx answer: refused if the server was not failing.
async fn refused_or_cut_off(res: reqwest::Response) -> Sent {
    let status = res.status();
    if status.is_server_error() {
        return Sent::CutOff;
    }
    Sent::Refused(format!("{status} {}", res.text().await.unwrap_or_default()))
}

/// One citizen's report; the receipt is its code and secret.
async fn send_report(http: &reqwest::Client, base: &str, i: usize, communes: &[String]) -> Sent {
    let body = json!({
        "category": Category::ALL[i % Category::ALL.len()].as_str(),
        "description": format!("Tin nhắn giả danh ngân hàng số {i} yêu cầu cập nhật tài khoản qua đường dẫn lạ."),
        "commune": communes[i % communes.len()],
        "identifiers": [format!("09{:08}", 10_000_000 + i)],
        "contact": if i.is_multiple_of(3) { json!({"phone": "0912 345 678"}) } else { Value::Null },
    });
    match http.post(format!("{base}/api/v1/reports")).json(&body).send().await {
        // The 201 is in: the report is committed. Reading the body may
        // still fail if the kill lands now; then it is unknown.
        Ok(res) if res.status() == StatusCode::CREATED => match res.json::<Value>().await {
            Ok(receipt) => Sent::Receipt(
                receipt["code"].as_str().expect("a code").to_string(),
                receipt["secret"].as_str().expect("a secret").to_string(),
            ),
            Err(_) => Sent::CutOff,
        },
        Ok(res) => refused_or_cut_off(res).await,
        Err(_) => Sent::CutOff,
    }
}

/// One entrant's whole attempt: a code for a number of their own, the
/// start, and a sheet with `i % 5` answers wrong. The receipt is the entry
/// and its score. Each attempt comes from its own loopback address, so the
/// per-client limit on codes never refuses the test's stream.
async fn send_sheet(base: &str, contest: i64, i: usize) -> Sent {
    let address = std::net::Ipv4Addr::new(127, 1 + (i >> 16) as u8, (i >> 8) as u8, i as u8 | 1);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .local_address(std::net::IpAddr::V4(address))
        .build()
        .unwrap();
    let phone = format!("091{:07}", i);
    let step = |path: String, body: Value| {
        let http = http.clone();
        async move { http.post(format!("{base}/api/v1/contests/{contest}/{path}")).json(&body).send().await }
    };
    let code = match step("code".into(), json!({"phone": phone})).await {
        Ok(res) if res.status() == StatusCode::OK => match res.json::<Value>().await {
            Ok(v) => v["demo_code"].as_str().expect("the demo code").to_string(),
            Err(_) => return Sent::CutOff,
        },
        Ok(res) => return refused_or_cut_off(res).await,
        Err(_) => return Sent::CutOff,
    };
    let started =
        match step("attempts".into(), json!({"phone": phone, "code": code, "name": format!("Thí sinh {i}")})).await {
            Ok(res) if res.status() == StatusCode::CREATED => match res.json::<Value>().await {
                Ok(v) => v,
                Err(_) => return Sent::CutOff,
            },
            // A code cut off between its issue and the start has been used up
            // or lost with the server: not a refusal of a valid request.
            Ok(res) if res.status() == StatusCode::UNPROCESSABLE_ENTITY => return Sent::CutOff,
            Ok(res) => return refused_or_cut_off(res).await,
            Err(_) => return Sent::CutOff,
        };
    let wrong = i % 5;
    let answers: Vec<usize> = started["questions"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(q, question)| {
            let choices = question["choices"].as_array().unwrap();
            let right = choices.iter().position(|c| c.as_str().unwrap().starts_with("Đúng")).unwrap();
            if q < wrong { (right + 1) % choices.len() } else { right }
        })
        .collect();
    let attempt = started["attempt"].as_i64().unwrap();
    let sheet = json!({"token": started["token"], "answers": answers, "prediction": i});
    match step(format!("attempts/{attempt}/submit"), sheet).await {
        Ok(res) if res.status() == StatusCode::OK => match res.json::<Value>().await {
            Ok(v) => {
                assert_eq!(v["counted"], true, "a sheet in time is counted: {v}");
                let expected = answers.len() - wrong.min(answers.len());
                assert_eq!(v["score"].as_u64(), Some(expected as u64), "the score of sheet {i}");
                Sent::Receipt(v["entry"].as_i64().unwrap().to_string(), expected.to_string())
            }
            Err(_) => Sent::CutOff,
        },
        Ok(res) => refused_or_cut_off(res).await,
        Err(_) => Sent::CutOff,
    }
}

/// Waits until `more` requests beyond `from` are acknowledged.
async fn wait_for(shared: &Shared, from: usize, more: usize, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while shared.acknowledged() < from + more {
        if let Some(refused) = shared.refused.lock().unwrap().clone() {
            panic!("a valid request was refused: {refused}");
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {more} requests acknowledged; log:\n{}",
            shared.acknowledged() - from,
            std::fs::read_to_string(log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// One durability run: the database, the key, a folder for files and the log.
struct Run {
    url: String,
    key: String,
    dir: PathBuf,
    log: PathBuf,
    http: reqwest::Client,
    flags: &'static [&'static str],
}

impl Run {
    async fn new(flags: &'static [&'static str]) -> (Run, khienmang_store::Store) {
        let (store, url) = fresh_store().await;
        import_bac_ninh(&store).await;
        store.configure_province("24", chrono::Utc::now().date_naive(), Timestamp::now()).await.unwrap();
        let dir: PathBuf = temp_path("khienmang-crash");
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("server.log");
        let (_, key) = FieldKey::generate();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
        (Run { url, key, dir, log, http, flags }, store)
    }

    async fn start(&self) -> Server {
        start(&self.url, &self.key, &self.dir, &self.log, &self.http, self.flags).await
    }

    /// Kills the server `rounds()` times while the senders stream, each time
    /// after at least `per_round` acknowledgements; restarts it once more,
    /// waits for `per_round` more, stops the senders and returns the server
    /// still running and every receipt.
    async fn through_kills(
        &self,
        shared: &Shared,
        mut senders: tokio::task::JoinSet<()>,
        per_round: usize,
    ) -> (Server, Vec<(String, String)>) {
        let rounds = rounds();
        for round in 1..=rounds {
            let mut server = self.start().await;
            let from = shared.acknowledged();
            *shared.base.lock().unwrap() = Some(server.base.clone());
            wait_for(shared, from, per_round, &self.log).await;
            // Land the kill at a different point of the stream each time.
            tokio::time::sleep(Duration::from_millis(rand::random::<u64>() % 400)).await;
            server.child.kill().await.unwrap();
            *shared.base.lock().unwrap() = None;
            eprintln!("round {round}/{rounds}: killed after {} acknowledged", shared.acknowledged() - from);
        }
        // After the last restart the server takes requests again.
        let server = self.start().await;
        let from = shared.acknowledged();
        *shared.base.lock().unwrap() = Some(server.base.clone());
        wait_for(shared, from, per_round, &self.log).await;
        shared.stop.store(true, Ordering::SeqCst);
        while let Some(done) = senders.join_next().await {
            done.unwrap();
        }
        let receipts = shared.receipts.lock().unwrap().clone();
        let failures = *shared.failures.lock().unwrap();
        eprintln!("{} acknowledged, {failures} requests cut off by the kills", receipts.len());
        (server, receipts)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_reports_survive_sigkill() {
    let started = Instant::now();
    let (run, store) = Run::new(&[]).await;
    let communes: Vec<String> = store
        .report_communes(Timestamp::now().vietnam_date())
        .await
        .unwrap()
        .iter()
        .map(|c| c.code.clone().unwrap_or(c.unit_id.0.to_string()))
        .collect();
    assert!(communes.len() > 10, "the province's communes");
    let communes = Arc::new(communes);
    let shared = Arc::new(Shared::default());
    let mut senders = tokio::task::JoinSet::new();
    for n in 0..SENDERS {
        let (communes, http) = (communes.clone(), run.http.clone());
        senders.spawn(sender(shared.clone(), n, move |base, i| {
            let (communes, http) = (communes.clone(), http.clone());
            async move { send_report(&http, &base, i, &communes).await }
        }));
    }
    let (server, receipts) = run.through_kills(&shared, senders, ACKS_PER_ROUND).await;
    let http = &run.http;

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
    std::fs::remove_dir_all(&run.dir).ok();
    eprintln!("crash test: {} kills in {:.1} s", rounds(), started.elapsed().as_secs_f64());
}

/// Answer sheets acknowledged while the server is killed are all counted,
/// once, with the score the entrant was told.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_contest_answers_survive_sigkill() {
    let started = Instant::now();
    let (run, store) = Run::new(&["--allow-demo-accounts"]).await;
    let today = day("2026-01-01");
    let province = store.units_by_code("24", today).await.unwrap().into_iter().find(|v| v.level == Level::Province);
    let commune = store.report_communes(Timestamp::now().vietnam_date()).await.unwrap()[0].unit_id;
    let contest = crate::contests::open_contest(&store, province.unwrap().unit_id, &[(commune, 1000)], 600, 3).await;
    let shared = Arc::new(Shared::default());
    let mut senders = tokio::task::JoinSet::new();
    for n in 0..SENDERS {
        senders.spawn(sender(shared.clone(), n, move |base, i| async move { send_sheet(&base, contest, i).await }));
    }
    let (server, receipts) = run.through_kills(&shared, senders, SHEETS_PER_ROUND).await;

    // Every acknowledged sheet is in the database, once, counted, with its score.
    let rows: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT id, score, counted FROM contest_entries WHERE contest_id = $1")
            .bind(contest)
            .fetch_all(store.pool())
            .await
            .unwrap();
    let stored: std::collections::HashMap<String, (i64, i64)> =
        rows.into_iter().map(|(id, score, counted)| (id.to_string(), (score, counted))).collect();
    let acknowledged: HashSet<&str> = receipts.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(acknowledged.len(), receipts.len(), "an entry was given twice");
    for (entry, score) in &receipts {
        let Some(&(stored_score, counted)) = stored.get(entry) else {
            panic!("acknowledged sheet {entry} lost ({} acknowledged in all)", receipts.len());
        };
        assert_eq!((stored_score.to_string(), counted), (score.clone(), 1), "sheet {entry} as stored");
    }
    // The leaderboard reads them, and the audit chain was never left half-written.
    let res = run.http.get(format!("{}/api/v1/contests/{contest}/leaderboard", server.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(store.audit_verify().await.unwrap().is_ok(), "the audit chain verifies after the kills");

    drop(server);
    std::fs::remove_dir_all(&run.dir).ok();
    eprintln!("contest crash test: {} kills in {:.1} s", rounds(), started.elapsed().as_secs_f64());
}

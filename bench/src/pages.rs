//! `pages`: every page of the staff side on the demo's data, as the
//! secretariat and as a commune officer see it. Signed in, the benchmark
//! starts at the work overview (`/work`, where sign-in lands) and follows
//! every link of every page it reaches, so it measures what a user can
//! click, including the province's people and attendee lists. Each kind of
//! page (its path with ids as `{id}`, and which query keys it has) is timed
//! once per kind: its median server time (loopback, to the last byte) over
//! [`RUNS`] requests. Baseline: `/healthz` on the same server, same run.
//! Routes of the router that no link reaches are listed on stderr, so a page
//! left out of the navigation shows.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use khienmang_store::Store;
use khienmang_testkit::http::{login, serve_locally};
use reqwest::Method;
use sqlx::Row;

use crate::{Checks, count, figure, measure, ms, ratio};

/// The issue's limit for every page.
const LIMIT_MS: f64 = 300.0;
/// Timed requests per kind of page (after one warm-up).
const RUNS: usize = 7;
/// At most this many kinds of page per role: a runaway crawl stops here.
const MAX_KINDS: usize = 400;
/// The demo's password for every demo account.
const DEMO_PASSWORD: &str = "demo";

/// Links that are not pages: files, feeds, the API, language and session switches.
fn is_page_link(path: &str) -> bool {
    const SKIP_PREFIXES: &[&str] =
        &["/api/", "/open311/", "/feeds/", "/.well-known/", "/assets/", "/lang/", "/logout", "/metrics", "/healthz"];
    const SKIP_ENDINGS: &[&str] = &[".xlsx", ".docx", ".csv", ".json", ".atom", ".rss", ".pdf", ".xml", ".png", ".svg"];
    let bare = path.split(['?', '#']).next().unwrap_or(path);
    path.starts_with('/')
        && !path.starts_with("//")
        && !SKIP_PREFIXES.iter().any(|p| bare.starts_with(p))
        && !SKIP_ENDINGS.iter().any(|e| bare.ends_with(e))
        && !bare.ends_with("/file")
        && !bare.contains("/attachments/")
        && !bare.starts_with("/movement/templates/")
        && !bare.contains("{file}")
}

/// A page's kind: numeric path segments as `{id}`, the query's keys only.
fn kind_of(path: &str) -> String {
    let (bare, query) = path.split_once('?').unwrap_or((path, ""));
    let bare = bare.split('#').next().unwrap_or(bare);
    let segments: Vec<&str> = bare
        .split('/')
        .map(|s| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { "{id}" } else { s })
        .collect();
    let mut keys: Vec<&str> =
        query.split('&').filter_map(|kv| kv.split('=').next()).filter(|k| !k.is_empty()).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.is_empty() { segments.join("/") } else { format!("{}?{}", segments.join("/"), keys.join("&")) }
}

/// The `href`s of a page, unescaped, that stay on the site.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let Some(end) = rest.find('"') else { break };
        let link = rest[..end].replace("&amp;", "&");
        rest = &rest[end..];
        let link = link.split('#').next().unwrap_or_default().to_string();
        if is_page_link(&link) {
            out.push(link);
        }
    }
    out
}

/// Whether a route's path (`/movement/initiatives/{id}`) is a kind of page reached.
fn route_reached(route: &str, reached: &BTreeSet<String>) -> bool {
    let pattern: Vec<&str> = route.split('/').collect();
    reached.iter().any(|kind| {
        let bare: Vec<&str> = kind.split('?').next().unwrap_or_default().split('/').collect();
        bare.len() == pattern.len() && bare.iter().zip(&pattern).all(|(k, p)| k == p || p.starts_with('{'))
    })
}

struct Crawl {
    /// Each kind of page with the first address found for it.
    kinds: BTreeMap<String, String>,
}

/// Follows every link from `/work` as the holder of `token`; GET only.
async fn crawl(http: &reqwest::Client, base: &str, token: &str) -> Result<Crawl> {
    let mut kinds = BTreeMap::new();
    let mut queue = VecDeque::from(["/work".to_string()]);
    kinds.insert(kind_of("/work"), "/work".to_string());
    while let Some(path) = queue.pop_front() {
        let res = http.get(format!("{base}{path}")).bearer_auth(token).send().await?;
        let html = res
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if !res.status().is_success() || !html {
            // A link the user may see but not open (a 403 page), or a file: not a page to time.
            kinds.remove(&kind_of(&path));
            continue;
        }
        for link in links(&res.text().await?) {
            let kind = kind_of(&link);
            if kinds.len() < MAX_KINDS && !kinds.contains_key(&kind) {
                kinds.insert(kind, link.clone());
                queue.push_back(link);
            }
        }
    }
    Ok(Crawl { kinds })
}

/// Times every kind of page `username` reaches; prints the figures as
/// `pages_<role>_<b>_…` and checks the slowest against the limit.
async fn bench_role(
    b: &str,
    role: &str,
    base: &str,
    username: &str,
    health: Duration,
    checks: &mut Checks,
) -> Result<()> {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let token = login(&http, base, username, DEMO_PASSWORD).await?;
    let crawl = crawl(&http, base, &token).await?;
    let mut times = Vec::new();
    for (kind, path) in &crawl.kinds {
        let url = format!("{base}{path}");
        let (t, ()) = measure(1, RUNS, async || {
            let res = http.get(&url).bearer_auth(&token).send().await?;
            if !res.status().is_success() {
                bail!("GET {path}: {}", res.status());
            }
            res.bytes().await?;
            Ok(())
        })
        .await?;
        eprintln!("pages {role} [{b}] {:>8.2} ms  {kind}", ms(t.median()));
        times.push((t.median(), kind.clone()));
    }
    times.sort();
    let (slowest, slowest_kind) = times.last().cloned().context("no page reached from /work")?;
    eprintln!("pages {role} [{b}]: {} kinds of page, slowest {slowest_kind}", times.len());
    let reached: BTreeSet<String> = crawl.kinds.keys().cloned().collect();
    let unreached: Vec<&str> = khienmang_web::route_table()
        .into_iter()
        .filter(|(m, p, _)| *m == Method::GET && is_page_link(p) && !route_reached(p, &reached))
        .map(|(_, p, _)| p)
        .collect();
    eprintln!("pages {role} [{b}]: routes no link reaches: {}", unreached.join(" "));
    count(&format!("pages_{role}_{b}_kinds"), times.len(), "pages");
    figure(&format!("pages_{role}_{b}_max_ms"), ms(slowest), "ms");
    let median = times[times.len() / 2].0;
    figure(&format!("pages_{role}_{b}_median_ms"), ms(median), "ms");
    ratio(&format!("pages_{role}_{b}_max_vs_healthz"), slowest, health);
    checks.limit(&format!("pages_{role}_{b}_max"), ms(slowest), LIMIT_MS, "ms");
    Ok(())
}

/// The demo commune's officer: the commune the demo's initiative leader works in.
async fn commune_officer(store: &Store) -> Result<String> {
    let row = sqlx::query(
        "SELECT o.username FROM users o JOIN users l ON l.scope_unit_id = o.scope_unit_id \
         WHERE l.username = 'mohinh' AND o.role = 'commune_officer' ORDER BY o.username LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .context("the demo data has no commune officer for the demo's commune")?;
    Ok(row.try_get(0)?)
}

/// Makes the demo data in the database at `url` with the `khienmang` binary
/// named by `KHIENMANG_BENCH_KHIENMANG` (set by `bench/run`).
fn make_demo(url: &str) -> Result<()> {
    let bin = std::env::var("KHIENMANG_BENCH_KHIENMANG")
        .context("set KHIENMANG_BENCH_KHIENMANG to the khienmang binary (bench/run does) to make the demo data")?;
    let status = std::process::Command::new(&bin)
        .args(["demo", "--no-serve", "--database", url])
        .stdout(std::process::Stdio::null())
        .status()
        .with_context(|| format!("running {bin} demo"))?;
    if !status.success() {
        bail!("{bin} demo --no-serve exited with {status}");
    }
    Ok(())
}

pub async fn bench_pages(b: &str, url: &str, checks: &mut Checks) -> Result<()> {
    make_demo(url)?;
    let store = Store::connect(url).await?;
    // The demo's accounts sign in as `khienmang demo` lets them.
    let config = khienmang_web::WebConfig {
        require_totp: false,
        cookie_secure: false,
        allow_demo_accounts: true,
        ..Default::default()
    };
    let base = format!("http://{}", serve_locally(khienmang_web::AppState::new(store.clone(), config, None)).await?);
    let http = reqwest::Client::new();
    let healthz = format!("{base}/healthz");
    let (health, ()) = measure(3, 100, async || {
        http.get(&healthz).send().await?.error_for_status()?.bytes().await?;
        Ok(())
    })
    .await?;
    figure(&format!("pages_healthz_{b}_median_ms"), ms(health.median()), "ms");
    bench_role(b, "secretariat", &base, "tinh", health.median(), checks).await?;
    let officer = commune_officer(&store).await?;
    bench_role(b, "commune", &base, &officer, health.median(), checks).await?;
    store.pool().close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_kind_names_ids_and_query_keys_only() {
        assert_eq!(kind_of("/movement/initiatives/42"), "/movement/initiatives/{id}");
        assert_eq!(kind_of("/targets?year=2026&unit=7"), "/targets?unit&year");
        assert_eq!(kind_of("/work"), "/work");
    }

    #[test]
    fn files_feeds_and_the_api_are_not_pages() {
        let html = r#"<a href="/movement/people?role=staff&amp;page=2">x</a><a href="/budget/export.xlsx">
            <a href="https://example.vn/">e</a><a href="/api/v1/me">a</a><a href="/warnings.atom">f</a>
            <link href="/assets/app.css"><a href="/movement/documents/3/file">d</a><a href="/work#top">w</a>"#;
        assert_eq!(links(html), vec!["/movement/people?role=staff&page=2", "/work"]);
    }

    #[test]
    fn a_route_is_reached_by_a_page_of_its_shape() {
        let reached: BTreeSet<String> = ["/movement/initiatives/{id}", "/targets?unit&year"].map(String::from).into();
        assert!(route_reached("/movement/initiatives/{id}", &reached));
        assert!(route_reached("/targets", &reached));
        assert!(!route_reached("/movement/initiatives/{id}/edit", &reached));
    }
}

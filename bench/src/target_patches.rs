//! Registry changes of every kind on the `targets` benchmark's province, in
//! the same process: each change written and committed, then the province's
//! targets read back. The cache patches the records the change names, so the
//! read does not recompute; beside it, the same read after a change the
//! cache cannot patch (a full reload and recompute), in the same run.
//!
//! - `targets_patch_<kind>_ms`: the median of write + commit + read for one
//!   kind of change (the patch is made when the write commits).
//! - `targets_full_reload_vs_patch_<kind>_ratio`: how many times longer the
//!   full reload takes.
//! - `BENCH_CHECK targets_patches_equal_reload_<db>`: after all the changes,
//!   the patched figures equal a full recompute's.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use khienmang_core::Date;
use khienmang_core::movement::{Channel, Stage};
use khienmang_core::org::{Level, UnitId};
use khienmang_core::targets::{PersonRole, TargetValue};
use khienmang_core::time::Timestamp;
use khienmang_store::movement::{DocumentInput, DocumentKind, InitiativeInput, PersonInput, VoiceInput};
use khienmang_store::{Store, WriteTx};
use khienmang_testkit::fixtures::initiative_input;

use crate::{Checks, Samples, figure, ms, ratio};

/// The bound on a change's next targets read.
const PATCH_LIMIT_MS: f64 = 50.0;

/// Every change the registry's pages make, by the name it is printed under.
const KINDS: [&str; 13] = [
    "initiative_created",
    "initiative_staged",
    "initiative_participant",
    "channel",
    "village_count",
    "person",
    "training",
    "person_update",
    "voice",
    "plan",
    "activity",
    "post",
    "unit_report",
];

/// What the changes pick from.
struct Picks {
    province: UnitId,
    commune: UnitId,
    village: UnitId,
    agency: UnitId,
    /// A seeded initiative with listed members.
    initiative: i64,
    /// Seeded people, for trainings and updates.
    people: Vec<i64>,
    year: i32,
    today: Date,
}

/// The province's rows for every year, as the cache gives them.
async fn read(store: &Store, p: &Picks) -> Result<Vec<Option<[TargetValue; 12]>>> {
    Ok(store
        .with_targets(p.today, |s| {
            let mut rows: Vec<_> = (2024..=2030).map(|y| s.then.rows(p.province, y)).collect();
            rows.extend((2024..=2030).map(|y| s.mapped.rows(p.province, y)));
            rows
        })
        .await?)
}

/// Untimed preparation for run `n` of a kind: an initiative to stage.
async fn prepare(store: &Store, p: &Picks, kind: &str) -> Result<Option<i64>> {
    if kind != "initiative_staged" {
        return Ok(None);
    }
    let mut tx = store.begin_write("bench", Timestamp::now()).await?;
    let input =
        InitiativeInput { stage: Stage::Proposed, since: p.today, ..initiative_input(p.commune, "Đề xuất") };
    let id = tx.create_initiative(&input.check()?).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// One change of `kind` (run `n`), written in `tx`.
async fn change(tx: &mut WriteTx, p: &Picks, kind: &str, n: usize, prepared: Option<i64>) -> Result<()> {
    let (year, on) = (p.year, p.today);
    match kind {
        "initiative_created" => {
            tx.create_initiative(&initiative_input(p.commune, &format!("Mô hình đo {n}")).check()?).await?;
        }
        "initiative_staged" => {
            tx.move_initiative(prepared.context("an initiative to stage")?, Stage::Active, on, None).await?;
        }
        "initiative_participant" => {
            tx.add_participant(p.initiative, p.agency, year - (n % 3) as i32, None).await?;
        }
        "channel" => {
            let channel = Channel::parse(&format!("https://zalo.me/g/bench-patch-{n}-{}", std::process::id()))?;
            tx.add_channel(p.initiative, &channel, Some(100)).await?;
        }
        "village_count" => {
            let households = 10 + (n % 50) as i64;
            tx.set_village_count(p.initiative, p.village, year, households * 2, households).await?;
        }
        "person" => {
            let person = PersonInput {
                unit: p.commune,
                full_name: format!("Cán bộ đo {n}"),
                role: PersonRole::CommuneKeyOfficial,
                position: None,
                initiative: None,
                registered_from: year,
                registered_to: None,
            };
            tx.create_person(&person).await?;
        }
        "training" => {
            let attendees: Vec<i64> = p.people.iter().skip(n % 10).take(20).copied().collect();
            tx.create_training(p.commune, "Lớp đo", on, None, &attendees).await?;
        }
        "person_update" => {
            tx.record_update(p.people[n % p.people.len()], year, None).await?;
        }
        "voice" => {
            let voice = VoiceInput {
                unit: p.commune,
                full_name: format!("Người có uy tín {n}"),
                in_province: true,
                channels: None,
                audience: Some(1000),
                consent_on: Some(khienmang_core::Date::from_ymd_opt(year, 1, 1).unwrap_or_default()),
                initiative: None,
                registered_from: year,
            };
            tx.create_voice(&voice).await?;
        }
        "plan" => {
            let plan = DocumentInput {
                unit: p.agency,
                kind: DocumentKind::Plan,
                number: format!("{n}/KH"),
                title: "Kế hoạch".into(),
                issued_on: on,
                year,
                file: None,
            };
            tx.add_document(&plan).await?;
        }
        "activity" => {
            tx.add_village_activity(p.village, on, "Tuyên truyền", Some(40)).await?;
        }
        "post" => {
            tx.add_page_post(p.agency, on, "Cảnh báo", None).await?;
        }
        _ => {
            tx.submit_unit_report(p.commune, year - (n % 2) as i32).await?;
        }
    }
    Ok(())
}

pub async fn bench_target_patches(
    b: &str,
    store: &Store,
    province: UnitId,
    today: Date,
    runs: usize,
    checks: &mut Checks,
) -> Result<()> {
    let history = store.org_history().await?;
    let units = history.snapshot(today).subtree(province);
    let level = |u: &UnitId| history.version_on(*u, today).map(|v| v.level);
    let find = |l: Level| units.iter().copied().find(|u| level(u) == Some(l)).context("a unit of each level");
    let initiative: i64 = sqlx::query_scalar("SELECT CAST(MIN(initiative_id) AS BIGINT) FROM initiative_members")
        .fetch_one(store.pool())
        .await?;
    let people: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM people ORDER BY id LIMIT 40").fetch_all(store.pool()).await?;
    anyhow::ensure!(!people.is_empty(), "the seeded province has people");
    let p = Picks {
        province,
        commune: find(Level::Commune)?,
        village: find(Level::Village)?,
        agency: find(Level::Agency)?,
        initiative,
        people,
        year: chrono::Datelike::year(&today).clamp(2024, 2030),
        today,
    };
    read(store, &p).await?;

    // Baseline: a registry change the cache cannot patch, then the same read:
    // the facts reloaded and computed again.
    let mut reload = Vec::new();
    for _ in 0..runs.clamp(1, 3) {
        let started = Instant::now();
        crate::targets::registry_changed_elsewhere(store).await?;
        read(store, &p).await?;
        reload.push(started.elapsed());
    }
    let reload = Samples(reload).median();
    figure(&format!("targets_full_reload_{b}_median"), ms(reload), "ms");

    let computed = store.targets_computations();
    for kind in KINDS {
        let mut samples: Vec<Duration> = Vec::new();
        for n in 0..runs.clamp(3, 30) {
            let prepared = prepare(store, &p, kind).await?;
            read(store, &p).await?;
            let started = Instant::now();
            let mut tx = store.begin_write("bench", Timestamp::now()).await?;
            change(&mut tx, &p, kind, n, prepared).await?;
            tx.commit().await?;
            read(store, &p).await?;
            samples.push(started.elapsed());
        }
        let median = Samples(samples).median();
        figure(&format!("targets_patch_{kind}_ms"), ms(median), "ms");
        ratio(&format!("targets_full_reload_vs_patch_{kind}"), reload, median);
        checks.limit(&format!("targets_patch_{kind}"), ms(median), PATCH_LIMIT_MS, "ms");
    }
    checks.holds(&format!("targets_patches_not_recomputed_{b}"), store.targets_computations() == computed);
    let patched = read(store, &p).await?;
    crate::targets::registry_changed_elsewhere(store).await?;
    checks.holds(&format!("targets_patches_equal_reload_{b}"), read(store, &p).await? == patched);
    Ok(())
}

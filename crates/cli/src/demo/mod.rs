//! Demo data for new Bắc Ninh: the real units of old Bắc Giang (24), old Bắc
//! Ninh (27) and new Bắc Ninh (24), plus generated villages, agencies,
//! enterprises and schools that follow their commune through the 2025
//! reorganisation, one account per role (password "demo"), and the
//! movement's activity from 2024 to today ([`movement`]).

pub mod admin;
pub mod contests;
mod movement;
pub mod outreach;
pub mod reports;
pub mod scamcheck;

use anyhow::{Context, Result};
use khienmang_core::Date;
use khienmang_core::auth::Role;
use khienmang_core::org::{EnterpriseSize, EventKind, Level, OrgHistory, SchoolLevel, UnitAttrs, UnitId, UnitVersion};
use khienmang_core::time::Timestamp;
use khienmang_store::Store;
use khienmang_store::auth::NewUser;
use khienmang_store::import::{UnitHistory, list_2024_from, reorg_2025_date};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const DEMO_KEY: &str = "demo.seeded";
const DEMO_UNITS_KEY: &str = "demo.units";
pub const DEMO_PASSWORD: &str = "demo";

const VILLAGE_WORDS: &[&str] = &[
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Thượng",
    "Hạ",
    "Cầu",
    "Chùa",
    "Đình",
    "Mới",
    "Cả",
    "Non",
    "Trại",
    "Hòa",
    "An",
    "Phú",
    "Thịnh",
    "Lãm",
    "Sơn",
    "Vân",
    "Yên",
    "Đồng",
    "Bến",
    "Chợ",
    "Gò",
    "Ngọc",
    "Kim",
    "Tân",
    "Quang",
];
const TRADES: &[&str] =
    &["May mặc", "Điện tử", "Cơ khí", "Nông sản", "Xây dựng", "Vận tải", "Gỗ", "Thực phẩm", "Thương mại", "Dược"];

/// Seeds once; a second run reuses the database as it is.
pub async fn seed(store: &Store) -> Result<()> {
    if !store.national_import_done().await? {
        let p24 = ["24", "27"];
        let p25 = ["24"];
        let report = crate::import_national(
            store,
            crate::UNITS_2024,
            crate::UNITS_2025,
            crate::REORG_2025,
            Some(&p24[..]),
            Some(&p25[..]),
        )
        .await?;
        println!(
            "Đã nhập danh mục: {} đơn vị 2024, {} đơn vị mới 2025, {} liên kết lịch sử.",
            report.units_2024, report.units_2025_new, report.lineage_links
        );
    }
    // Reports go to new Bắc Ninh (also in a demo database made before the setting was required).
    store.configure_province("24", chrono::Utc::now().date_naive().max(reorg_2025_date()), Timestamp::now()).await?;
    if store.setting(DEMO_KEY).await?.is_some() {
        println!("Dữ liệu thử nghiệm đã có; dùng lại.");
        return Ok(());
    }
    if store.setting(DEMO_UNITS_KEY).await?.is_none() {
        seed_units(store).await?;
    }
    let history = store.load_history().await?;
    let today = chrono::Utc::now().date_naive();
    let province = store
        .units_by_code("24", today.max(reorg_2025_date()))
        .await?
        .into_iter()
        .find(|v| v.level == Level::Province)
        .context("thiếu tỉnh Bắc Ninh mới")?;
    let mut tx = store.begin_write("demo", Timestamp::now()).await?;
    let seeded = movement::seed(&mut tx, &history, province.unit_id, today).await?;
    tx.set_setting(DEMO_KEY, &tx.now().stored()).await?;
    tx.commit().await?;
    link_demo_leader(store, today).await?;
    println!(
        "Đã tạo hoạt động phong trào: {} mô hình, {} người, {} kế hoạch, hoạt động, tin bài.",
        seeded.initiatives, seeded.people, seeded.facts
    );
    Ok(())
}

/// Villages, agencies, enterprises and schools, and the demo accounts.
async fn seed_units(store: &Store) -> Result<()> {
    let before = Date::from_ymd_opt(2025, 6, 30).context("date")?;
    let history = store.load_history().await?;
    let mut rng = StdRng::seed_from_u64(2024);
    let mut units = Vec::new();
    for (code, mean_villages) in [("24", 11.0), ("27", 5.5)] {
        let province = store
            .units_by_code(code, before)
            .await?
            .into_iter()
            .find(|v| v.level == Level::Province)
            .with_context(|| format!("thiếu tỉnh mã {code}"))?;
        let communes: Vec<UnitVersion> = store
            .subtree_on(province.unit_id, before)
            .await?
            .into_iter()
            .filter(|v| v.level == Level::Commune)
            .collect();
        for commune in &communes {
            generate_for_commune(&mut rng, &history, commune, mean_villages, &mut units);
        }
    }
    let count = units.len();
    // Each agency's parent today: the units are not committed yet when the
    // accounts are made, so the unit officer's agency is found from here.
    let parents: Vec<Option<UnitId>> = units
        .iter()
        .map(|u| u.versions.last().filter(|v| v.level == Level::Agency).and_then(|v| v.parent_id))
        .collect();
    let mut tx = store.begin_write("demo", Timestamp::now()).await?;
    let ids = tx.insert_histories(units, "demo: thôn, cơ quan, doanh nghiệp, trường học").await?;
    let agencies: Vec<(UnitId, UnitId)> =
        ids.into_iter().zip(parents).filter_map(|(id, parent)| Some((id, parent?))).collect();
    create_demo_accounts(store, &mut tx, &agencies).await?;
    tx.set_setting(DEMO_UNITS_KEY, &tx.now().stored()).await?;
    tx.commit().await?;
    println!("Đã tạo {count} đơn vị thử nghiệm và các tài khoản thử nghiệm.");

    Ok(())
}

/// A unit under an old commune from 2024, moved to the commune that took the
/// old one's data on 1 July 2025.
fn follow(history: &OrgHistory, commune: &UnitVersion, mut first: UnitVersion) -> UnitHistory {
    let reorg = reorg_2025_date();
    first.valid_from = list_2024_from();
    first.parent_id = Some(commune.unit_id);
    let successor = history.successor_on(commune.unit_id, reorg);
    match successor.filter(|s| *s != commune.unit_id) {
        Some(new_parent) => {
            let name = history.snapshot(reorg).get(new_parent).map(|v| v.name.clone()).unwrap_or_default();
            let mut later = first.clone();
            first.valid_to = Some(reorg);
            later.valid_from = reorg;
            later.parent_id = Some(new_parent);
            let summary =
                format!("{} chuyển từ {} về {name} theo sắp xếp đơn vị hành chính 2025", later.name, commune.name);
            UnitHistory { versions: vec![first, later], events: vec![(EventKind::Reparent, reorg, summary)] }
        }
        None => UnitHistory { versions: vec![first], events: vec![] },
    }
}

fn blank(name: String, level: Level, unit_type: Option<&str>, attrs: UnitAttrs) -> UnitVersion {
    UnitVersion {
        unit_id: UnitId(0),
        valid_from: list_2024_from(),
        valid_to: None,
        code: None,
        name,
        level,
        unit_type: unit_type.map(str::to_string),
        parent_id: None,
        attrs,
        lat: None,
        lon: None,
    }
}

fn generate_for_commune(
    rng: &mut StdRng,
    history: &OrgHistory,
    commune: &UnitVersion,
    mean_villages: f64,
    out: &mut Vec<UnitHistory>,
) {
    let urban = commune.unit_type.as_deref().is_some_and(|t| t.contains("Phường") || t.contains("Thị trấn"));
    let short = commune.name.trim_start_matches("Xã ").trim_start_matches("Phường ").trim_start_matches("Thị trấn ");
    let n = ((mean_villages * rng.gen_range(0.55..1.45)).round() as usize).max(2);
    let mut used = std::collections::HashSet::new();
    for i in 1..=n {
        let (name, kind) = if urban {
            (format!("Tổ dân phố số {i}"), "Tổ dân phố")
        } else {
            let mut word = VILLAGE_WORDS[rng.gen_range(0..VILLAGE_WORDS.len())];
            while !used.insert(word) {
                word = VILLAGE_WORDS[rng.gen_range(0..VILLAGE_WORDS.len())];
            }
            (format!("Thôn {word}"), "Thôn")
        };
        let households: i64 = rng.gen_range(140..460);
        let population = (households as f64 * rng.gen_range(3.4..4.3)) as i64;
        let attrs = UnitAttrs { households: Some(households), population: Some(population), ..Default::default() };
        out.push(follow(history, commune, blank(name, Level::Village, Some(kind), attrs)));
    }
    // The People's Committee is the commune itself for the targets, so it is
    // not generated as an agency (it would count twice in 2.2).
    for agency in ["Đoàn Thanh niên", "Công an", "Trạm Y tế"] {
        let page = (agency != "Trạm Y tế" && rng.gen_bool(0.7)).then(|| {
            format!(
                "https://www.facebook.com/{}{}",
                agency.split(' ').map(|w| w.chars().next().unwrap_or('x')).collect::<String>().to_lowercase(),
                short.replace(' ', "").to_lowercase()
            )
        });
        let attrs = UnitAttrs { official_page: page, ..Default::default() };
        out.push(follow(history, commune, blank(format!("{agency} {}", commune.name), Level::Agency, None, attrs)));
    }
    for _ in 0..rng.gen_range(2..9) {
        let size = match rng.gen_range(0..100) {
            0..=59 => EnterpriseSize::Micro,
            60..=84 => EnterpriseSize::Small,
            85..=95 => EnterpriseSize::Medium,
            _ => EnterpriseSize::Large,
        };
        let trade = TRADES[rng.gen_range(0..TRADES.len())];
        let attrs = UnitAttrs { enterprise_size: Some(size), ..Default::default() };
        let name = format!("Công ty TNHH {trade} {short} {}", rng.gen_range(1..99));
        out.push(follow(history, commune, blank(name, Level::Enterprise, None, attrs)));
    }
    let mut levels = vec![
        (SchoolLevel::Preschool, "Trường Mầm non"),
        (SchoolLevel::Primary, "Trường Tiểu học"),
        (SchoolLevel::LowerSecondary, "Trường THCS"),
    ];
    if rng.gen_bool(0.25) {
        levels.push((SchoolLevel::UpperSecondary, "Trường THPT"));
    }
    for (level, prefix) in levels {
        let attrs = UnitAttrs { school_level: Some(level), ..Default::default() };
        out.push(follow(history, commune, blank(format!("{prefix} {short}"), Level::School, None, attrs)));
    }
}

/// The commune officer's link of `mohinh` to one initiative of its commune
/// (the newest one it can write today): the only initiative it may change.
async fn link_demo_leader(store: &Store, today: Date) -> Result<()> {
    let Some(leader) = store.user_by_name("mohinh").await? else { return Ok(()) };
    let Some(commune) = leader.scope_unit_id else { return Ok(()) };
    let mut linked = None;
    for ini in store.initiatives_under(commune, None).await? {
        if store.is_within_on(commune, ini.unit_id, today).await? {
            linked = Some(ini);
            break;
        }
    }
    let Some(ini) = linked else { return Ok(()) };
    let mut tx = store.begin_write("demo", Timestamp::now()).await?;
    tx.set_initiative_leader(ini.id, leader.id, true).await?;
    tx.commit().await?;
    println!("Tài khoản mohinh được giao mô hình «{}».", ini.name);
    Ok(())
}

/// The demo accounts; `agencies` are the new agencies and their parents today.
async fn create_demo_accounts(
    store: &Store,
    tx: &mut khienmang_store::WriteTx,
    agencies: &[(UnitId, UnitId)],
) -> Result<()> {
    let today = chrono::Utc::now().date_naive().max(reorg_2025_date());
    let province = store
        .units_by_code("24", today)
        .await?
        .into_iter()
        .find(|v| v.level == Level::Province)
        .context("thiếu tỉnh Bắc Ninh mới")?;
    let communes: Vec<UnitVersion> = store.children_on(province.unit_id, today, 10_000, 0).await?;
    let a_commune = communes.iter().find(|c| c.level == Level::Commune).context("thiếu xã")?;
    // The unit officer works for one agency of that commune (README: `donvi`).
    let an_agency = agencies
        .iter()
        .find(|(_, parent)| *parent == a_commune.unit_id)
        .map(|(agency, _)| *agency)
        .context("thiếu cơ quan trong xã")?;
    // One hash for every demo account: Argon2id is slow on purpose.
    let hash = khienmang_web::auth::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let mut accounts: Vec<(String, String, Role, Option<UnitId>)> = vec![
        ("admin".into(), "Quản trị hệ thống".into(), Role::SystemAdmin, None),
        ("tinh".into(), "Thường trực Công an tỉnh Bắc Ninh".into(), Role::Secretariat, Some(province.unit_id)),
        ("phantich".into(), "Cán bộ phân tích tỉnh".into(), Role::Analyst, Some(province.unit_id)),
        ("donvi".into(), "Cán bộ cơ quan".into(), Role::UnitOfficer, Some(an_agency)),
        (
            "mohinh".into(),
            format!("Người đứng đầu mô hình, {}", a_commune.name),
            Role::InitiativeLeader,
            Some(a_commune.unit_id),
        ),
    ];
    for c in communes.iter().filter(|c| c.level == Level::Commune) {
        let code = c.code.clone().unwrap_or_default();
        accounts.push((format!("xa-{code}"), format!("Cán bộ {}", c.name), Role::CommuneOfficer, Some(c.unit_id)));
    }
    for (username, display, role, scope) in &accounts {
        tx.create_user(&NewUser {
            username,
            display_name: display,
            password_hash: &hash,
            role: *role,
            scope_unit_id: *scope,
            is_demo: true,
        })
        .await?;
    }
    Ok(())
}

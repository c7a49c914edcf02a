//! Demo activity for the movement, so the dashboards look like a real province
//! in the middle of Phase I: 2024 to today, uneven progress between communes
//! (each has its own pace), a few communes that never reported, initiatives
//! with channels, members counted per village (and listed for some), people
//! trained, trusted voices, plans and resolutions. Everything goes through the
//! store's registry functions, so it is validated and audited like real input.

use std::collections::HashMap;

use anyhow::Result;
use chrono::Datelike;
use khienmang_core::Date;
use khienmang_core::movement::{Channel, ContentKind, Focus, LeaderKind, ParticipantKind, Stage, household_key};
use khienmang_core::org::{Level, OrgHistory, UnitId, UnitVersion};
use khienmang_core::targets::PersonRole;
use khienmang_store::WriteTx;
use khienmang_store::movement::{
    ActivityReport, DocumentInput, DocumentKind, InitiativeInput, NewMember, PersonInput, VoiceInput,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const GIVEN: &[&str] = &[
    "Văn An",
    "Thị Bình",
    "Văn Cường",
    "Thị Dung",
    "Đức Hải",
    "Thị Hoa",
    "Minh Khôi",
    "Thị Lan",
    "Quang Minh",
    "Thị Nga",
    "Văn Phúc",
    "Thu Trang",
];
const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"];
const THEMES: &[(&str, Focus)] = &[
    ("Tổ phòng chống lừa đảo trực tuyến", Focus::AntiFraud),
    ("Nhóm Zalo an ninh mạng", Focus::FakeNews),
    ("Câu lạc bộ bảo vệ trẻ em trên mạng", Focus::ChildSafety),
    ("Tổ tuyên truyền tín dụng đen", Focus::BlackMarketLending),
    ("Nhóm cảnh báo tin giả", Focus::FakeNews),
];

fn person_name(rng: &mut StdRng) -> String {
    format!("{} {}", FAMILY[rng.gen_range(0..FAMILY.len())], GIVEN[rng.gen_range(0..GIVEN.len())])
}

fn day(year: i32, month: u32, d: u32) -> Date {
    Date::from_ymd_opt(year, month, d).unwrap_or_default()
}

/// A date in `year` no later than `today`.
fn some_day(rng: &mut StdRng, year: i32, today: Date) -> Date {
    let last = if year == today.year() { today.ordinal() } else { 365 };
    Date::from_yo_opt(year, rng.gen_range(1..=last.max(1))).unwrap_or(today)
}

/// Counts of what was seeded, for the summary line.
#[derive(Default)]
pub struct Seeded {
    pub initiatives: usize,
    pub people: usize,
    pub facts: usize,
}

/// Seeds the movement's registry under the communes of `province_2025` (the
/// new province) and of the old communes that went into it.
pub async fn seed(tx: &mut WriteTx, history: &OrgHistory, province_2025: UnitId, today: Date) -> Result<Seeded> {
    let mut rng = StdRng::seed_from_u64(2030);
    let mut seeded = Seeded::default();
    let years: Vec<i32> = (2024..=today.year().min(2030)).collect();

    // Each commune of today has a pace, shared with the old communes that
    // went into it; about one in twelve never reports anything.
    let now = history.snapshot(today);
    let communes_now: Vec<UnitId> =
        now.subtree(province_2025).into_iter().filter(|u| level(history, *u, today) == Some(Level::Commune)).collect();
    let mut pace: HashMap<UnitId, f64> = HashMap::new();
    for c in &communes_now {
        let p = if rng.gen_bool(0.08) { 0.0 } else { rng.gen_range(0.15..1.0) };
        pace.insert(*c, p);
    }
    let pace_of =
        |unit: UnitId| -> f64 { history.successor_on(unit, today).and_then(|s| pace.get(&s).copied()).unwrap_or(0.0) };

    // The province's thematic resolution and plans.
    tx.add_document(&DocumentInput {
        unit: province_2025,
        kind: DocumentKind::Resolution,
        number: "15-NQ/TU".into(),
        title: "Nghị quyết chuyên đề về xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc trên không gian mạng"
            .into(),
        issued_on: day(2025, 8, 20),
        year: 2025,
        file: None,
    })
    .await?;

    let mut channel_seq = 100_000_000u64;
    for &year in &years {
        let growth = match year {
            2024 => 0.55,
            2025 => 0.8,
            _ => 1.0,
        };
        let reference = day(year, 12, 31).min(today);
        let snapshot = history.snapshot(reference);
        let province = history.successor_on(province_2025, reference).unwrap_or(province_2025);
        // In 2024 the new province did not exist: read the old ones that went into it.
        let roots: Vec<UnitId> = if snapshot.get(province).is_some() {
            vec![province]
        } else {
            history
                .predecessors(province_2025)
                .into_iter()
                .filter(|p| snapshot.get(*p).map(|v| v.level) == Some(Level::Province))
                .collect()
        };
        for root in roots {
            tx.add_document(&DocumentInput {
                unit: root,
                kind: DocumentKind::Plan,
                number: format!("{}/KH-UBND", 100 + year - 2000),
                title: format!("Kế hoạch thực hiện phong trào năm {year}"),
                issued_on: day(year, 1, 20),
                year,
                file: None,
            })
            .await?;
            tx.submit_unit_report(root, year).await?;
            seeded.facts += 2;
            let communes: Vec<UnitId> = snapshot
                .subtree(root)
                .into_iter()
                .filter(|u| snapshot.get(*u).map(|v| v.level) == Some(Level::Commune))
                .collect();
            for commune in communes {
                let p = pace_of(commune);
                if p == 0.0 {
                    continue;
                }
                let rate = (p * growth).min(1.0);
                let units: Vec<&UnitVersion> =
                    snapshot.subtree(commune).into_iter().filter_map(|u| snapshot.get(u)).collect();
                // A yearly report from most communes; the current year is still coming in.
                let reports = year < today.year() || rng.gen_bool(0.7);
                for v in &units {
                    let d = some_day(&mut rng, year, today);
                    let plan_eligible =
                        matches!(v.level, Level::Commune | Level::Agency | Level::Enterprise | Level::School);
                    if plan_eligible && rng.gen_bool(rate) {
                        tx.add_document(&DocumentInput {
                            unit: v.unit_id,
                            kind: DocumentKind::Plan,
                            number: format!("{}/KH", rng.gen_range(1..300)),
                            title: format!("Kế hoạch xây dựng phong trào năm {year}"),
                            issued_on: day(year, 1, 1).max(d.min(day(year, 3, 31))),
                            year,
                            file: None,
                        })
                        .await?;
                        seeded.facts += 1;
                    }
                    if v.level == Level::Commune && rng.gen_bool((rate * 0.7).min(1.0)) {
                        tx.add_document(&DocumentInput {
                            unit: v.unit_id,
                            kind: DocumentKind::Resolution,
                            number: format!("{}-NQ/ĐU", rng.gen_range(1..60)),
                            title: "Nghị quyết chuyên đề về bảo vệ an ninh Tổ quốc trên không gian mạng".into(),
                            issued_on: d,
                            year,
                            file: None,
                        })
                        .await?;
                        seeded.facts += 1;
                    }
                    if v.level == Level::Village && rng.gen_bool(rate) {
                        tx.add_village_activity(
                            v.unit_id,
                            d,
                            "Tuyên truyền phòng chống lừa đảo trực tuyến tại nhà văn hóa",
                            Some(rng.gen_range(30..200)),
                        )
                        .await?;
                        seeded.facts += 1;
                    }
                    if v.attrs.official_page.is_some() && rng.gen_bool(rate) {
                        tx.add_page_post(v.unit_id, d, "Cảnh báo thủ đoạn giả danh công an gọi điện lừa đảo", None)
                            .await?;
                        seeded.facts += 1;
                    }
                    if reports {
                        tx.submit_unit_report(v.unit_id, year).await?;
                    }
                }
            }
        }
    }

    // People, trainings and trusted voices of the 2024 communes (they follow
    // their commune through the merger).
    let old = history.snapshot(day(2024, 12, 31));
    let old_communes: Vec<UnitId> = history
        .predecessors(province_2025)
        .into_iter()
        .filter(|p| old.get(*p).map(|v| v.level) == Some(Level::Province))
        .flat_map(|p| old.subtree(p))
        .filter(|u| old.get(*u).map(|v| v.level) == Some(Level::Commune))
        .collect();
    for commune in old_communes {
        let p = pace_of(commune);
        if p == 0.0 {
            continue;
        }
        let villages: Vec<UnitId> = old
            .children(commune)
            .iter()
            .copied()
            .filter(|u| old.get(*u).map(|v| v.level) == Some(Level::Village))
            .collect();
        let mut people = Vec::new();
        let mut roles = vec![
            (commune, PersonRole::PoliceMovementStaff),
            (commune, PersonRole::LegalReporter),
            (commune, PersonRole::LegalPropagandist),
        ];
        roles.extend((0..3).map(|_| (commune, PersonRole::CommuneKeyOfficial)));
        roles.extend(villages.iter().map(|v| (*v, PersonRole::VillageKeyOfficial)));
        for (unit, role) in roles {
            let id = tx
                .create_person(&PersonInput {
                    unit,
                    full_name: person_name(&mut rng),
                    role,
                    position: None,
                    initiative: None,
                    registered_from: 2024,
                    registered_to: None,
                })
                .await?;
            people.push((id, role));
            seeded.people += 1;
        }
        for &year in &years {
            let growth = if year == 2024 { 0.5 } else { 0.85 };
            let rate = (p * growth).min(1.0);
            let attendees: Vec<i64> = people
                .iter()
                .filter(|(_, r)| r.target() == khienmang_core::targets::TargetId::StaffTraining)
                .filter(|_| rng.gen_bool(rate))
                .map(|(id, _)| *id)
                .collect();
            if !attendees.is_empty() {
                let on = some_day(&mut rng, year, today);
                tx.create_training(
                    commune,
                    &format!("Tập huấn kỹ năng phòng ngừa lừa đảo trên không gian mạng {year}"),
                    on,
                    Some("Hội trường UBND xã"),
                    &attendees,
                )
                .await?;
                seeded.facts += 1;
            }
            for (id, role) in &people {
                if role.target() == khienmang_core::targets::TargetId::OutreachUpdate && rng.gen_bool(rate) {
                    tx.record_update(*id, year, Some("Cập nhật kiến thức pháp luật về an ninh mạng")).await?;
                }
            }
        }
        for k in 0..2 {
            let consent = rng.gen_bool(0.85);
            let voice = tx
                .create_voice(&VoiceInput {
                    unit: commune,
                    full_name: person_name(&mut rng),
                    in_province: k == 0 || rng.gen_bool(0.7),
                    channels: Some(format!(
                        "https://www.facebook.com/profile.php?id={}",
                        100_000_000_000u64 + rng.gen_range(0..9_999_999u64)
                    )),
                    audience: Some(rng.gen_range(1_000..80_000)),
                    // Consent on record from the start of the programme.
                    consent_on: consent.then(|| Date::from_ymd_opt(2024, 1, 1)).flatten(),
                    initiative: None,
                    registered_from: 2024,
                })
                .await?;
            seeded.people += 1;
            for &year in &years {
                if consent && rng.gen_bool((p * 0.9).min(1.0)) {
                    tx.enlist_voice(voice, year).await?;
                }
            }
        }
    }

    // Initiatives under today's communes, owned by a village, an agency, a
    // school or an enterprise (units that live through the merger).
    let mut leaders: Vec<(i64, i32, f64)> = Vec::new();
    for commune in &communes_now {
        let p = pace[commune];
        if p == 0.0 {
            continue;
        }
        let below: Vec<&UnitVersion> = now
            .subtree(*commune)
            .into_iter()
            .filter_map(|u| now.get(u))
            .filter(|v| v.level != Level::Commune)
            .collect();
        let villages: Vec<&UnitVersion> = below.iter().copied().filter(|v| v.level == Level::Village).collect();
        let count = ((p * 4.0).round() as usize).max(1);
        for k in 0..count {
            let owner = if k == 0 || below.is_empty() {
                villages.first().copied()
            } else {
                Some(below[rng.gen_range(0..below.len())])
            };
            let Some(owner) = owner else { continue };
            let (theme, focus) = THEMES[rng.gen_range(0..THEMES.len())];
            let start_year = if rng.gen_bool(0.6) { 2024 } else { 2025 };
            let started = day(start_year, rng.gen_range(2..=10), rng.gen_range(1..=28));
            let id = tx
                .create_initiative(
                    &InitiativeInput {
                        unit: owner.unit_id,
                        name: format!("{theme} {}", owner.name),
                        leader_name: Some(person_name(&mut rng)),
                        participant_kind: if owner.level == Level::Village {
                            ParticipantKind::LocalityLinked
                        } else {
                            ParticipantKind::AgencyLinked
                        },
                        leader_kind: if rng.gen_bool(0.2) {
                            LeaderKind::TrustedVoiceInProvince
                        } else {
                            LeaderKind::Other
                        },
                        content_kind: ContentKind::Awareness,
                        focus: vec![focus],
                        criteria: [true, rng.gen_bool(0.9), rng.gen_bool(p)],
                        description: Some(
                            "Tuyên truyền, tiếp nhận phản ánh về lừa đảo và tin xấu độc trên mạng.".into(),
                        ),
                        stage: Stage::Proposed,
                        since: started,
                    }
                    .check()?,
                )
                .await?;
            seeded.initiatives += 1;
            let active_on = (started + chrono::Duration::days(30)).min(today);
            tx.move_initiative(id, Stage::Active, active_on, None).await?;
            if rng.gen_bool(p * 0.3) && today >= day(2025, 12, 1) {
                tx.move_initiative(id, Stage::Exemplary, day(2025, 12, 1), Some("Được công nhận điển hình tiên tiến"))
                    .await?;
            } else if rng.gen_bool(0.05) {
                tx.move_initiative(
                    id,
                    Stage::Ended,
                    day(2025, 11, 15).min(today).max(active_on),
                    Some("Kết thúc do sáp nhập"),
                )
                .await?;
            }
            channel_seq += 1 + rng.gen_range(0..1000);
            let link = if rng.gen_bool(0.7) {
                format!("https://www.facebook.com/groups/{channel_seq}/")
            } else {
                format!("https://zalo.me/g/km{channel_seq:x}")
            };
            if let Ok(channel) = Channel::parse(&link) {
                tx.add_channel(id, &channel, Some(rng.gen_range(200..15_000))).await?;
            }
            for (role, position) in
                [(PersonRole::InitiativeLeader, "Trưởng nhóm"), (PersonRole::InitiativeAdmin, "Quản trị viên")]
            {
                let person = tx
                    .create_person(&PersonInput {
                        unit: owner.unit_id,
                        full_name: person_name(&mut rng),
                        role,
                        position: Some(position.into()),
                        initiative: Some(id),
                        registered_from: start_year,
                        registered_to: None,
                    })
                    .await?;
                leaders.push((person, start_year, p));
                seeded.people += 1;
            }
            // Enterprises take part in some of the commune's initiatives (2.9b).
            for e in below.iter().filter(|v| v.level == Level::Enterprise) {
                if rng.gen_bool((p * 0.35).min(1.0)) {
                    tx.add_participant(id, e.unit_id, start_year.max(2025), None).await?;
                }
            }
            // Members counted per village; one initiative in a few lists them.
            let covered: Vec<&UnitVersion> =
                villages.iter().copied().filter(|_| rng.gen_bool((0.3 + p * 0.6).min(1.0))).collect();
            let lists = k == 0 && rng.gen_bool(0.15);
            for v in covered {
                if v.unit_id != owner.unit_id {
                    tx.add_participant(id, v.unit_id, start_year.max(2025), None).await?;
                }
                let households = v.attrs.households.unwrap_or(200);
                if lists {
                    let members: Vec<NewMember> = (0..rng.gen_range(15..40))
                        .map(|i| {
                            let head = person_name(&mut rng);
                            NewMember {
                                village: v.unit_id,
                                full_name: head.clone(),
                                household: household_key(
                                    v.code.as_deref().unwrap_or(""),
                                    &format!("{head} số {}", i / 2),
                                ),
                                joined_year: start_year,
                                left_year: None,
                            }
                        })
                        .collect();
                    tx.add_members(id, &members).await?;
                    continue;
                }
                for &year in years.iter().filter(|y| **y >= start_year) {
                    let share = (p * if year == 2024 { 0.5 } else { 0.9 } * rng.gen_range(0.6..1.1)).min(1.0);
                    let hh = (households as f64 * share) as i64;
                    tx.set_village_count(id, v.unit_id, year, hh + hh / 3, hh).await?;
                }
            }
            let mut from = active_on;
            while from + chrono::Duration::days(90) <= today {
                let to = from + chrono::Duration::days(90);
                tx.add_initiative_report(
                    id,
                    &ActivityReport {
                        period_from: from,
                        period_to: to,
                        posts: rng.gen_range(3..60),
                        reach: rng.gen_range(500..40_000),
                        reports_received: rng.gen_range(0..12),
                        note: None,
                    },
                )
                .await?;
                from = to + chrono::Duration::days(1);
            }
        }
    }
    // The province trains initiative leaders and admins once a year (2.4).
    for &year in &years {
        let attendees: Vec<i64> = leaders
            .iter()
            .filter(|(_, from, p)| *from <= year && rng.gen_bool((p * 0.8).min(1.0)))
            .map(|(id, _, _)| *id)
            .collect();
        if !attendees.is_empty() {
            let on = some_day(&mut rng, year, today);
            tx.create_training(
                province_2025,
                &format!("Tập huấn người đứng đầu, ban quản trị mô hình năm {year}"),
                on,
                Some("Hội trường Công an tỉnh"),
                &attendees,
            )
            .await?;
            seeded.facts += 1;
        }
    }
    Ok(seeded)
}

fn level(history: &OrgHistory, unit: UnitId, on: Date) -> Option<Level> {
    history.version_on(unit, on).map(|v| v.level)
}

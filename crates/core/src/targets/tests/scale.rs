//! A synthetic province of the benchmark's size: 100 communes (10 of them
//! merged in 2025), 10 districts until 2025, 3,000 villages, 30,000 units,
//! 5,000 initiatives and 1,000,000 listed members. Prints the time taken.

use std::time::Instant;

use super::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn year(&mut self) -> i32 {
        2024 + self.below(7) as i32
    }
}

struct Province {
    history: OrgHistory,
    /// Every unit with its level and whether it has a page.
    units: Vec<(UnitId, Level, bool)>,
    /// Villages with their households.
    villages: Vec<(UnitId, i64)>,
}

fn province(rng: &mut Rng) -> Province {
    let none = UnitAttrs::default;
    let mut versions = vec![ver(1, None, Level::Province, START, None, none())];
    let mut links = Vec::new();
    let mut units = vec![(UnitId(1), Level::Province, false)];
    let mut villages = Vec::new();
    for k in 0..10 {
        versions.push(ver(10 + k, Some(1), Level::District, START, Some(REORG), none()));
        links.push(link(10 + k, 1));
        units.push((UnitId(10 + k), Level::District, false));
    }
    let mut next = 10_000;
    for c in 0..100 {
        let id = 100 + c;
        let district = 10 + c / 10;
        let merged = c >= 90;
        let home = if merged { 100 + c - 90 } else { id };
        versions.push(ver(id, Some(district), Level::Commune, START, Some(REORG), none()));
        if merged {
            links.push(link(id, home));
        } else {
            versions.push(ver(id, Some(1), Level::Commune, REORG, None, none()));
        }
        units.push((UnitId(id), Level::Commune, false));
        let mut children: Vec<(Level, UnitAttrs)> = Vec::new();
        for _ in 0..30 {
            children.push((Level::Village, UnitAttrs { households: Some(100 + rng.below(300) as i64), ..none() }));
        }
        for _ in 0..70 {
            children.push((Level::Agency, UnitAttrs { official_page: rng.chance(60).then(page).flatten(), ..none() }));
        }
        for _ in 0..120 {
            let size = EnterpriseSize::ALL[rng.below(4) as usize];
            children.push((
                Level::Enterprise,
                UnitAttrs { enterprise_size: Some(size), official_page: rng.chance(30).then(page).flatten(), ..none() },
            ));
        }
        for _ in 0..79 {
            let level = SchoolLevel::ALL[rng.below(SchoolLevel::ALL.len() as u64) as usize];
            children.push((
                Level::School,
                UnitAttrs { school_level: Some(level), official_page: rng.chance(50).then(page).flatten(), ..none() },
            ));
        }
        for (level, attrs) in children {
            next += 1;
            units.push((UnitId(next), level, attrs.official_page.is_some()));
            if level == Level::Village {
                villages.push((UnitId(next), attrs.households.unwrap_or(0)));
            }
            if merged {
                versions.push(ver(next, Some(id), level, START, Some(REORG), attrs.clone()));
                versions.push(ver(next, Some(home), level, REORG, None, attrs));
            } else {
                versions.push(ver(next, Some(id), level, START, None, attrs));
            }
        }
    }
    Province { history: OrgHistory::new(versions, links), units, villages }
}

fn facts(rng: &mut Rng, p: &Province) -> (Facts, Vec<HouseholdMember>) {
    let mut f = Facts::default();
    let pick = |rng: &mut Rng| p.units[rng.below(p.units.len() as u64) as usize];
    for &(unit, level, has_page) in &p.units {
        if matches!(level, Level::Province | Level::District | Level::Commune) && rng.chance(70) {
            f.resolutions.push((unit, Date::from_ymd_opt(2024 + rng.below(3) as i32, 3, 1).unwrap()));
        }
        for year in 2024..=2030 {
            if rng.chance(80) {
                f.plans.push((unit, year));
            }
            if rng.chance(90) {
                f.reports.push((unit, year));
            }
            if level == Level::Village && rng.chance(70) {
                f.village_activities.push((unit, year));
            }
            if has_page && rng.chance(60) {
                f.page_posts.push((unit, year));
            }
        }
        let staff = match level {
            Level::Commune => 10,
            Level::Village => 3,
            Level::Agency => 1,
            _ => 0,
        };
        for _ in 0..staff {
            let role =
                if level == Level::Village { PersonRole::VillageKeyOfficial } else { PersonRole::CommuneKeyOfficial };
            let trained = (2024..=2030).filter(|_| rng.chance(50)).collect();
            f.people.push(Person {
                unit,
                role,
                registered_from: rng.year(),
                registered_to: None,
                trained_years: trained,
            });
        }
    }
    for _ in 0..5_000 {
        let (owner, _, _) = pick(rng);
        let from = rng.year();
        let to = rng.chance(30).then_some(from + 2);
        f.initiative_participation.push((owner, from, to));
        for _ in 0..3 {
            f.initiative_participation.push((pick(rng).0, from, to));
        }
        for role in [PersonRole::InitiativeLeader, PersonRole::InitiativeAdmin, PersonRole::InitiativeAdmin] {
            let trained = (from..=2030).filter(|_| rng.chance(60)).collect();
            f.people.push(Person {
                unit: owner,
                role,
                registered_from: from,
                registered_to: to,
                trained_years: trained,
            });
        }
    }
    for _ in 0..2_000 {
        let trained = (2024..=2030).filter(|_| rng.chance(70)).collect();
        let role = if rng.chance(50) { PersonRole::LegalReporter } else { PersonRole::LegalPropagandist };
        f.people.push(Person {
            unit: pick(rng).0,
            role,
            registered_from: 2024,
            registered_to: None,
            trained_years: trained,
        });
    }
    for _ in 0..500 {
        let enlisted = (2024..=2030).filter(|_| rng.chance(80)).collect();
        f.trusted_voices.push(Voice {
            unit: UnitId(1),
            registered_from: rng.year(),
            registered_to: None,
            enlisted_years: enlisted,
        });
    }
    let members = (0..1_000_000)
        .map(|_| {
            let (village, households) = p.villages[rng.below(p.villages.len() as u64) as usize];
            HouseholdMember {
                village,
                household: rng.below(households as u64),
                from_year: rng.year(),
                to_year: rng.chance(10).then_some(2030),
            }
        })
        .collect();
    (f, members)
}

#[test]
fn a_province_of_thirty_thousand_units() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let p = province(&mut rng);
    let (mut facts, members) = facts(&mut rng, &p);
    assert_eq!(p.units.len(), 30_011);
    assert_eq!(members.len(), 1_000_000);
    let today = d("2031-01-15");

    let started = Instant::now();
    facts.households_with_member = households_with_member(&members, 2024..=2030);
    let counting = started.elapsed();

    let started = Instant::now();
    let then = compute(&p.history, &facts, Mode::Then, 2024..=2030, today);
    let computing_then = started.elapsed();

    let started = Instant::now();
    let now = compute(&p.history, &facts, Mode::Today(today), 2024..=2030, today);
    let computing_today = started.elapsed();

    let started = Instant::now();
    let mut rows = 0usize;
    for table in [&then, &now] {
        for year in 2024..=2030 {
            table.each_row(year, |_, r| rows += r.len());
        }
    }
    let reading = started.elapsed();
    println!(
        "synthetic province: {} units, {} facts lists; households from 1,000,000 members {:?}; \
         every target, node and year: as then {:?}, mapped to today {:?}; reading {} rows {:?}",
        p.units.len(),
        facts.plans.len() + facts.reports.len() + facts.people.len() + facts.initiative_participation.len(),
        counting,
        computing_then,
        computing_today,
        rows,
        reading
    );

    assert_eq!(then.nodes(2024).len(), 30_011);
    assert_eq!(then.nodes(2030).len(), 30_011 - 10 - 10);
    assert_eq!(now.nodes(2024).len(), 30_011 - 20);
    let households: i64 = p.villages.iter().map(|v| v.1).sum();
    for year in 2024..=2030 {
        for table in [&then, &now] {
            assert_eq!(nd(table, 1, year, TargetId::VillageActivity).1, 3_000);
            assert_eq!(nd(table, 1, year, TargetId::CoverageHouseholds).1, households);
        }
        assert_eq!(then.rows(UnitId(1), year), now.rows(UnitId(1), year), "{year}");
        assert_eq!(then.rank_communes(UnitId(1), year, TargetId::Plan).len(), if year == 2024 { 100 } else { 90 });
    }
    // 2024 mapped to today: each of the first ten communes carries a merged one.
    assert_eq!(nd(&now, 100, 2024, TargetId::Resolution).1, 2);
    assert_eq!(nd(&then, 100, 2025, TargetId::Resolution).1, 1);
}

//! Random provinces (some communes merged into the first on 1/7/2025) with
//! random facts on every unit but the province itself.

use proptest::prelude::*;
use proptest::sample::Index;

use super::*;

/// (merged into the first commune in 2025, villages' households, other units' kinds)
type CommuneShape = (bool, Vec<Option<i64>>, Vec<u8>);
/// (kind, unit, year, amount)
type FactShape = (u8, Index, i32, i64);
/// (unit, role, from, years on the registry, trained years)
type PersonShape = (Index, u8, i32, Option<i32>, Vec<i32>);

const PROVINCE: i64 = 1;

fn other(kind: u8) -> (Level, UnitAttrs) {
    let mut attrs = UnitAttrs::default();
    let level = match kind {
        0 => Level::Agency,
        1 => {
            attrs.official_page = page();
            Level::Agency
        }
        2 => {
            attrs.enterprise_size = Some(EnterpriseSize::Micro);
            Level::Enterprise
        }
        3 => {
            attrs.enterprise_size = Some(EnterpriseSize::Medium);
            attrs.official_page = page();
            Level::Enterprise
        }
        4 => Level::Enterprise,
        5 => {
            attrs.school_level = Some(SchoolLevel::Preschool);
            Level::School
        }
        6 => {
            attrs.school_level = Some(SchoolLevel::LowerSecondary);
            attrs.official_page = page();
            Level::School
        }
        _ => Level::School,
    };
    (level, attrs)
}

/// The history and every unit but the province.
fn build(shape: &[CommuneShape]) -> (OrgHistory, Vec<UnitId>) {
    let mut versions = vec![ver(PROVINCE, None, Level::Province, START, None, UnitAttrs::default())];
    let mut links = Vec::new();
    let mut units = Vec::new();
    let mut next = 1000;
    let first = 100;
    for (i, (merged, villages, others)) in shape.iter().enumerate() {
        let commune = first + i as i64;
        let merged = *merged && i > 0;
        let end = merged.then_some(REORG);
        versions.push(ver(commune, Some(PROVINCE), Level::Commune, START, end, UnitAttrs::default()));
        units.push(UnitId(commune));
        if merged {
            links.push(link(commune, first));
        }
        let children = villages
            .iter()
            .map(|&h| (Level::Village, UnitAttrs { households: h, ..Default::default() }))
            .chain(others.iter().map(|&k| other(k)));
        for (level, attrs) in children {
            next += 1;
            units.push(UnitId(next));
            if merged {
                versions.push(ver(next, Some(commune), level, START, end, attrs.clone()));
                versions.push(ver(next, Some(first), level, REORG, None, attrs));
            } else {
                versions.push(ver(next, Some(commune), level, START, None, attrs));
            }
        }
    }
    (OrgHistory::new(versions, links), units)
}

fn facts_of(units: &[UnitId], facts: &[FactShape], people: &[PersonShape]) -> Facts {
    let mut out = Facts::default();
    for &(kind, ref at, year, amount) in facts {
        let unit = *at.get(units);
        match kind {
            0 => out.resolutions.push((unit, Date::from_ymd_opt(year, 6, 1).unwrap())),
            1 => out.plans.push((unit, year)),
            2 => out.village_activities.push((unit, year)),
            3 => out.page_posts.push((unit, year)),
            4 => {
                out.initiative_participation.push((unit, year, (amount % 3 != 0).then_some(year + (amount % 3) as i32)))
            }
            5 => out.households_with_member.push((unit, year, amount)),
            6 => out.trusted_voices.push(Voice {
                unit,
                registered_from: year,
                registered_to: None,
                enlisted_years: vec![year, year + 1],
            }),
            _ => out.reports.push((unit, year)),
        }
    }
    for (at, role, from, span, trained) in people {
        let role = PersonRole::ALL[*role as usize % PersonRole::ALL.len()];
        out.people.push(Person {
            unit: *at.get(units),
            role,
            registered_from: *from,
            registered_to: span.map(|s| from + s),
            trained_years: trained.clone(),
        });
    }
    out
}

fn shapes() -> impl Strategy<Value = (Vec<CommuneShape>, Vec<FactShape>, Vec<PersonShape>)> {
    let commune =
        (any::<bool>(), prop::collection::vec(prop::option::of(0i64..500), 0..4), prop::collection::vec(0u8..8, 0..5));
    let fact = (0u8..8, any::<Index>(), 2023i32..2032, 0i64..600);
    let person = (
        any::<Index>(),
        any::<u8>(),
        2023i32..2031,
        prop::option::of(0i32..4),
        prop::collection::vec(2023i32..2032, 0..3),
    );
    (prop::collection::vec(commune, 1..5), prop::collection::vec(fact, 0..60), prop::collection::vec(person, 0..30))
}

const YEARS: std::ops::RangeInclusive<i32> = 2023..=2028;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn values_are_shares_and_numerators_never_exceed_denominators((shape, facts, people) in shapes()) {
        let (history, units) = build(&shape);
        let facts = facts_of(&units, &facts, &people);
        let today = d("2026-06-15");
        for mode in [Mode::Then, Mode::Today(today)] {
            let table = compute(&history, &facts, mode, YEARS, today);
            for year in YEARS {
                let mut failures = Vec::new();
                table.each_row(year, |unit, rows| {
                    for r in rows {
                        let ok = r.numerator <= r.denominator
                            && r.numerator >= 0
                            && r.reported_units <= r.eligible_units
                            && r.value.is_none_or(|v| (0.0..=1.0).contains(&v))
                            && (r.value.is_none() == (r.status == Status::NoData));
                        if !ok {
                            failures.push(format!("{mode:?} {year} {unit} {r:?}"));
                        }
                    }
                });
                prop_assert!(failures.is_empty(), "{failures:?}");
            }
        }
    }

    #[test]
    fn the_province_is_the_sum_of_its_children((shape, facts, people) in shapes()) {
        let (history, units) = build(&shape);
        let facts = facts_of(&units, &facts, &people);
        let today = d("2026-06-15");
        let then = compute(&history, &facts, Mode::Then, YEARS, today);
        let now = compute(&history, &facts, Mode::Today(today), YEARS, today);
        for year in 2024..=2028 {
            let province = then.rows(UnitId(PROVINCE), year).unwrap();
            let children: Vec<UnitId> =
                then.nodes(year).into_iter().filter(|&c| then.parent(c, year) == Some(UnitId(PROVINCE))).collect();
            for (k, row) in province.iter().enumerate() {
                if row.target == TargetId::Coverage {
                    continue;
                }
                let sum: i64 = children.iter().map(|&c| then.rows(c, year).unwrap()[k].numerator).sum();
                prop_assert_eq!(row.numerator, sum, "{} in {}", row.target, year);
            }
            // Villages, pages and enterprises are leaves here: their targets at the
            // province add up the leaves directly.
            let nodes = then.nodes(year);
            let parents: Vec<Option<UnitId>> = nodes.iter().map(|&n| then.parent(n, year)).collect();
            let leaves: Vec<UnitId> = nodes.iter().copied().filter(|n| !parents.contains(&Some(*n))).collect();
            for target in [
                TargetId::VillageActivity,
                TargetId::PagePosts,
                TargetId::CoverageEnterprises,
                TargetId::CoverageHouseholds,
            ] {
                let total = then.get(UnitId(PROVINCE), year, target).unwrap();
                let (num, den) = leaves.iter().fold((0, 0), |(n, d), &l| {
                    let v = then.get(l, year, target).unwrap();
                    (n + v.numerator, d + v.denominator)
                });
                prop_assert_eq!((total.numerator, total.denominator), (num, den), "{} in {}", target, year);
            }
            // Mapping to today's tree neither loses nor invents anything.
            prop_assert_eq!(now.rows(UnitId(PROVINCE), year).unwrap(), province);
        }
    }
}

/// Splits each list of `facts` by `keep` (read cyclically): (kept, taken out).
fn split_facts(facts: &Facts, keep: &[bool]) -> (Facts, Facts) {
    fn split<T: Clone>(list: &[T], keep: &[bool], at: &mut usize) -> (Vec<T>, Vec<T>) {
        let (mut kept, mut out) = (Vec::new(), Vec::new());
        for x in list {
            *at += 1;
            if keep.is_empty() || keep[*at % keep.len()] { kept.push(x.clone()) } else { out.push(x.clone()) }
        }
        (kept, out)
    }
    let at = &mut 0;
    let (mut kept, mut out) = (Facts::default(), Facts::default());
    (kept.resolutions, out.resolutions) = split(&facts.resolutions, keep, at);
    (kept.plans, out.plans) = split(&facts.plans, keep, at);
    (kept.people, out.people) = split(&facts.people, keep, at);
    (kept.village_activities, out.village_activities) = split(&facts.village_activities, keep, at);
    (kept.page_posts, out.page_posts) = split(&facts.page_posts, keep, at);
    (kept.trusted_voices, out.trusted_voices) = split(&facts.trusted_voices, keep, at);
    (kept.initiative_participation, out.initiative_participation) = split(&facts.initiative_participation, keep, at);
    (kept.households_with_member, out.households_with_member) = split(&facts.households_with_member, keep, at);
    (kept.reports, out.reports) = split(&facts.reports, keep, at);
    (kept, out)
}

/// Every list of `b` after that of `a`.
fn joined(a: &Facts, b: &Facts) -> Facts {
    let mut out = a.clone();
    out.resolutions.extend(&b.resolutions);
    out.plans.extend(&b.plans);
    out.people.extend(b.people.iter().cloned());
    out.village_activities.extend(&b.village_activities);
    out.page_posts.extend(&b.page_posts);
    out.trusted_voices.extend(b.trusted_voices.iter().cloned());
    out.initiative_participation.extend(&b.initiative_participation);
    out.households_with_member.extend(&b.households_with_member);
    out.reports.extend(&b.reports);
    out
}

/// Keeps the first household count of each village and year (a patch needs
/// them unique, as the store records them); `taken` are already recorded.
fn unique_households(facts: &mut Facts, taken: &Facts) {
    let mut seen: std::collections::HashSet<(UnitId, i32)> =
        taken.households_with_member.iter().map(|&(u, y, _)| (u, y)).collect();
    facts.households_with_member.retain(|&(u, y, _)| seen.insert((u, y)));
}

fn all_rows(table: &TargetTable) -> Vec<(i32, UnitId, [TargetValue; 12])> {
    let mut out = Vec::new();
    for year in YEARS {
        table.each_row(year, |unit, rows| out.push((year, unit, *rows)));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// A registry change patched into the tables (facts taken out, then facts
    /// put in) reads the same as the tables computed again from the result.
    #[test]
    fn patches_give_the_table_computed_again(
        (shape, facts, people) in shapes(),
        more in prop::collection::vec((0u8..8, any::<Index>(), 2023i32..2032, 0i64..600), 0..20),
        more_people in prop::collection::vec(
            (any::<Index>(), any::<u8>(), 2023i32..2031, prop::option::of(0i32..4),
             prop::collection::vec(2023i32..2032, 0..3)),
            0..8,
        ),
        keep in prop::collection::vec(any::<bool>(), 1..12),
    ) {
        let (history, units) = build(&shape);
        let mut before = facts_of(&units, &facts, &people);
        unique_households(&mut before, &Facts::default());
        let (kept, removed) = split_facts(&before, &keep);
        let mut added = facts_of(&units, &more, &more_people);
        unique_households(&mut added, &kept);
        let after = joined(&kept, &added);
        let today = d("2026-06-15");
        for mode in [Mode::Then, Mode::Today(today)] {
            let mut patched = compute(&history, &before, mode, YEARS, today);
            patched.patch(&history, &removed, &Facts::default());
            patched.patch(&history, &Facts::default(), &added);
            let fresh = compute(&history, &after, mode, YEARS, today);
            prop_assert_eq!(all_rows(&patched), all_rows(&fresh), "{:?}", mode);
        }
    }
}

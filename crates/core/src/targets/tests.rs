#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::org::{EnterpriseSize, Level, LineageLink, OrgHistory, SchoolLevel, UnitAttrs, UnitId, UnitVersion};

mod properties;
mod scale;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn ver(id: i64, parent: Option<i64>, level: Level, from: &str, to: Option<&str>, attrs: UnitAttrs) -> UnitVersion {
    UnitVersion {
        unit_id: UnitId(id),
        valid_from: d(from),
        valid_to: to.map(d),
        code: Some(format!("{id:05}")),
        name: format!("Unit {id}"),
        level,
        unit_type: None,
        parent_id: parent.map(UnitId),
        attrs,
        lat: None,
        lon: None,
    }
}

fn link(from: i64, to: i64) -> LineageLink {
    LineageLink { from: UnitId(from), to: UnitId(to), is_default: true, effective: d(REORG) }
}

const START: &str = "2024-01-01";
const REORG: &str = "2025-07-01";
const TODAY: &str = "2026-03-01";

// Province P; district D (abolished on 1/7/2025, its history to P); communes
// C1 and C2 under D, merged into the new commune C3 on 1/7/2025; commune C9
// moved from D to P; villages V1 (C1 → C3), V2 (C2 → C3), V3 (C9); under C9
// an agency with a page, a medium and a micro enterprise, a lower-secondary
// school with a page and a preschool.
const P: i64 = 1;
const D: i64 = 2;
const C1: i64 = 3;
const C2: i64 = 4;
const C3: i64 = 5;
const C9: i64 = 6;
const V1: i64 = 11;
const V2: i64 = 12;
const V3: i64 = 13;
const A1: i64 = 21;
const E1: i64 = 22;
const E2: i64 = 23;
const S1: i64 = 24;
const S2: i64 = 25;

fn village(households: i64) -> UnitAttrs {
    UnitAttrs { households: Some(households), ..Default::default() }
}

fn page() -> Option<String> {
    Some("https://www.facebook.com/example".into())
}

fn world_versions() -> Vec<UnitVersion> {
    let none = UnitAttrs::default;
    let end = Some(REORG);
    vec![
        ver(P, None, Level::Province, START, None, none()),
        ver(D, Some(P), Level::District, START, end, none()),
        ver(C1, Some(D), Level::Commune, START, end, none()),
        ver(C2, Some(D), Level::Commune, START, end, none()),
        ver(C3, Some(P), Level::Commune, REORG, None, none()),
        ver(C9, Some(D), Level::Commune, START, end, none()),
        ver(C9, Some(P), Level::Commune, REORG, None, none()),
        ver(V1, Some(C1), Level::Village, START, end, village(100)),
        ver(V1, Some(C3), Level::Village, REORG, None, village(100)),
        ver(V2, Some(C2), Level::Village, START, end, village(200)),
        ver(V2, Some(C3), Level::Village, REORG, None, village(200)),
        ver(V3, Some(C9), Level::Village, START, None, village(50)),
        ver(A1, Some(C9), Level::Agency, START, None, UnitAttrs { official_page: page(), ..none() }),
        ver(
            E1,
            Some(C9),
            Level::Enterprise,
            START,
            None,
            UnitAttrs { enterprise_size: Some(EnterpriseSize::Medium), ..none() },
        ),
        ver(
            E2,
            Some(C9),
            Level::Enterprise,
            START,
            None,
            UnitAttrs { enterprise_size: Some(EnterpriseSize::Micro), official_page: page(), ..none() },
        ),
        ver(
            S1,
            Some(C9),
            Level::School,
            START,
            None,
            UnitAttrs { school_level: Some(SchoolLevel::LowerSecondary), official_page: page(), ..none() },
        ),
        ver(
            S2,
            Some(C9),
            Level::School,
            START,
            None,
            UnitAttrs { school_level: Some(SchoolLevel::Preschool), ..none() },
        ),
    ]
}

fn world() -> OrgHistory {
    OrgHistory::new(world_versions(), vec![link(D, P), link(C1, C3), link(C2, C3)])
}

fn then(facts: &Facts) -> TargetTable {
    compute(&world(), facts, Mode::Then, 2024..=2026, d(TODAY))
}

fn today(facts: &Facts) -> TargetTable {
    compute(&world(), facts, Mode::Today(d(TODAY)), 2024..=2026, d(TODAY))
}

/// (numerator, denominator) of a node.
fn nd(table: &TargetTable, unit: i64, year: i32, target: TargetId) -> (i64, i64) {
    let v = table.get(UnitId(unit), year, target).unwrap_or_else(|| panic!("{unit} not in {year}"));
    (v.numerator, v.denominator)
}

fn val(table: &TargetTable, unit: i64, year: i32, target: TargetId) -> TargetValue {
    table.get(UnitId(unit), year, target).unwrap()
}

fn u(id: i64) -> UnitId {
    UnitId(id)
}

fn yearly(list: &[(i64, i32)]) -> Vec<(UnitId, i32)> {
    list.iter().map(|&(unit, year)| (u(unit), year)).collect()
}

fn person(unit: i64, role: PersonRole, from: i32, to: Option<i32>, trained: &[i32]) -> Person {
    Person { unit: u(unit), role, registered_from: from, registered_to: to, trained_years: trained.to_vec() }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn target_ids_codes_and_goals() {
    let codes: Vec<&str> = TargetId::ALL.iter().map(|t| t.code()).collect();
    assert_eq!(codes, ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "2.9a", "2.9b", "2.9c"]);
    for t in TargetId::ALL {
        assert_eq!(TargetId::from_code(t.code()), Some(t));
        assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{}\"", t.code()));
        assert!(!t.label_vi().is_empty());
    }
    assert!(close(TargetId::TrustedVoices.goal(), 0.8));
    assert!(close(TargetId::CoverageEnterprises.goal(), 0.7));
    assert!(close(TargetId::CoverageHouseholds.goal(), 0.8));
    assert!(close(TargetId::Plan.goal(), 1.0));
    assert!(TargetId::StaffTraining.by_2030() && TargetId::CoverageUnits.by_2030());
    assert!(!TargetId::Plan.by_2030() && !TargetId::TrustedVoices.by_2030());
    assert_eq!(PersonRole::LegalPropagandist.target(), TargetId::OutreachUpdate);
    assert_eq!(PersonRole::InitiativeAdmin.target(), TargetId::LeaderTraining);
    assert_eq!(PersonRole::VillageKeyOfficial.target(), TargetId::StaffTraining);
}

#[test]
fn t21_committees_with_a_resolution() {
    let facts = Facts {
        resolutions: vec![(u(C1), d("2024-05-10")), (u(D), d("2024-09-01")), (u(C9), d("2025-02-01"))],
        reports: yearly(&[(P, 2024)]),
        ..Default::default()
    };
    let t = then(&facts);
    // 2024: committees P, D, C1, C2, C9; D and C1 have one; C9's comes in 2025.
    assert_eq!(nd(&t, P, 2024, TargetId::Resolution), (2, 5));
    assert_eq!(val(&t, P, 2024, TargetId::Resolution).reported_units, 3);
    assert_eq!(val(&t, P, 2024, TargetId::Resolution).status, Status::Behind);
    assert_eq!(nd(&t, D, 2024, TargetId::Resolution), (2, 4));
    assert_eq!(val(&t, C1, 2024, TargetId::Resolution).status, Status::Met);
    // C2 never reported and has no resolution: no data, not 0%.
    let c2 = val(&t, C2, 2024, TargetId::Resolution);
    assert_eq!((c2.numerator, c2.denominator, c2.value, c2.status), (0, 1, None, Status::NoData));
    // Villages, agencies... have no committee.
    assert_eq!(nd(&t, V3, 2024, TargetId::Resolution), (0, 0));
    // 2025: committees P, C3, C9; C3 carries C1's resolution; D's does not
    // become the province's.
    assert_eq!(nd(&t, P, 2025, TargetId::Resolution), (2, 3));
    assert_eq!(nd(&t, C3, 2025, TargetId::Resolution), (1, 1));
    assert_eq!(val(&t, P, 2025, TargetId::Resolution).reported_units, 2);
    assert!(t.get(u(D), 2025, TargetId::Resolution).is_none());
    assert!(t.get(u(C3), 2024, TargetId::Resolution).is_none());
    assert_eq!(nd(&t, P, 2026, TargetId::Resolution), (2, 3));
    // Mapped to today's tree, 2024 counts the two old committees under C3.
    let now = today(&facts);
    assert_eq!(nd(&now, C3, 2024, TargetId::Resolution), (1, 2));
    assert_eq!(nd(&now, P, 2024, TargetId::Resolution), (2, 5));
    assert!(now.get(u(C1), 2024, TargetId::Resolution).is_none());
}

#[test]
fn t22_units_with_a_yearly_plan() {
    let facts = Facts {
        plans: yearly(&[(P, 2024), (C1, 2024), (C9, 2024), (A1, 2024), (E1, 2024), (S1, 2024), (C1, 2025)]),
        reports: yearly(&[(C2, 2024), (E2, 2024), (S2, 2024)]),
        ..Default::default()
    };
    let t = then(&facts);
    // P, D, C1, C2, C9, A1, E1, S1; not the micro enterprise E2, not the preschool S2.
    assert_eq!(nd(&t, P, 2024, TargetId::Plan), (6, 8));
    assert_eq!(val(&t, P, 2024, TargetId::Plan).reported_units, 7);
    // A micro enterprise and a preschool without a plan do not lower 2.2.
    let c9 = val(&t, C9, 2024, TargetId::Plan);
    assert_eq!((c9.numerator, c9.denominator, c9.status), (4, 4, Status::Met));
    assert_eq!(nd(&t, E2, 2024, TargetId::Plan), (0, 0));
    assert_eq!(val(&t, E2, 2024, TargetId::Plan).status, Status::NoData);
    // C1's 2025 plan (made before the merger) is the new commune's plan.
    assert_eq!(nd(&t, C3, 2025, TargetId::Plan), (1, 1));
    assert_eq!(nd(&t, P, 2025, TargetId::Plan), (1, 6));
    // A plan for one year is not a plan for the next.
    assert_eq!(nd(&t, C9, 2025, TargetId::Plan), (0, 4));
    assert_eq!(val(&t, C9, 2025, TargetId::Plan).status, Status::NoData);
    let now = today(&facts);
    assert_eq!(nd(&now, C3, 2024, TargetId::Plan), (1, 2));
    assert_eq!(nd(&now, P, 2024, TargetId::Plan), (6, 8));
}

#[test]
fn t22_an_enterprise_of_unknown_size_counts() {
    let mut versions = world_versions();
    versions.push(ver(30, Some(C9), Level::Enterprise, START, None, UnitAttrs::default()));
    versions.push(ver(31, Some(C9), Level::School, START, None, UnitAttrs::default()));
    let history = OrgHistory::new(versions, vec![]);
    let facts = Facts { plans: yearly(&[(C9, 2024)]), ..Default::default() };
    let t = compute(&history, &facts, Mode::Then, 2024..=2024, d(TODAY));
    assert_eq!(nd(&t, C9, 2024, TargetId::Plan), (1, 6));
}

#[test]
fn t23_key_staff_trained() {
    use PersonRole::*;
    let facts = Facts {
        people: vec![
            person(P, PoliceMovementStaff, 2024, None, &[2024, 2025]),
            person(C1, CommuneKeyOfficial, 2024, None, &[2024]),
            person(C2, CommuneKeyOfficial, 2024, Some(2024), &[]),
            person(C3, CommuneKeyOfficial, 2025, None, &[2025]),
            person(V3, VillageKeyOfficial, 2024, None, &[2025]),
            person(E1, MovementStaff, 2024, None, &[]),
            // Other registries do not count for 2.3.
            person(V3, InitiativeLeader, 2024, None, &[2024]),
            person(V3, LegalReporter, 2024, None, &[2024]),
        ],
        ..Default::default()
    };
    let t = then(&facts);
    let p24 = val(&t, P, 2024, TargetId::StaffTraining);
    assert_eq!((p24.numerator, p24.denominator), (2, 5));
    // A target "by 2030": 2024 is the start of its own trajectory.
    assert!(close(p24.expected, 0.4));
    assert_eq!(p24.status, Status::OnTrack);
    // 2025: P, C1 (now in C3), C3, V3, E1 registered; P, C3, V3 trained.
    let p25 = val(&t, P, 2025, TargetId::StaffTraining);
    assert_eq!((p25.numerator, p25.denominator), (3, 5));
    assert!(close(p25.expected, 0.5));
    assert_eq!(p25.status, Status::OnTrack);
    assert_eq!(nd(&t, C3, 2025, TargetId::StaffTraining), (1, 2));
    let p26 = val(&t, P, 2026, TargetId::StaffTraining);
    assert_eq!((p26.numerator, p26.denominator, p26.status), (0, 5, Status::Behind));
    assert!(close(p26.expected, 0.6));
    // The new commune has no 2024 value of its own: its trajectory starts at 0.
    assert!(close(val(&t, C3, 2025, TargetId::StaffTraining).expected, 1.0 / 6.0));
    // Nobody registered: no data.
    assert_eq!(val(&t, A1, 2024, TargetId::StaffTraining).status, Status::NoData);
    let now = today(&facts);
    assert_eq!(nd(&now, C3, 2024, TargetId::StaffTraining), (1, 2));
    assert_eq!(nd(&now, P, 2024, TargetId::StaffTraining), (2, 5));
}

#[test]
fn t24_initiative_leaders_and_admins_trained() {
    use PersonRole::*;
    let facts = Facts {
        people: vec![
            person(V1, InitiativeLeader, 2024, None, &[2024]),
            person(V2, InitiativeAdmin, 2024, None, &[]),
            person(C9, InitiativeLeader, 2025, None, &[2025]),
        ],
        ..Default::default()
    };
    let t = then(&facts);
    let d24 = val(&t, D, 2024, TargetId::LeaderTraining);
    assert_eq!((d24.numerator, d24.denominator, d24.status), (1, 2, Status::Behind));
    assert!(close(d24.expected, 1.0));
    assert_eq!(nd(&t, P, 2024, TargetId::LeaderTraining), (1, 2));
    assert_eq!(nd(&t, P, 2025, TargetId::LeaderTraining), (1, 3));
    assert_eq!(nd(&t, C3, 2025, TargetId::LeaderTraining), (0, 2));
    assert_eq!(val(&t, C9, 2025, TargetId::LeaderTraining).status, Status::Met);
    let now = today(&facts);
    assert_eq!(nd(&now, C3, 2024, TargetId::LeaderTraining), (1, 2));
}

#[test]
fn t25_outreach_officers_updated() {
    use PersonRole::*;
    let facts = Facts {
        people: vec![
            person(P, LegalReporter, 2024, None, &[2024, 2025]),
            person(C9, LegalPropagandist, 2024, None, &[]),
        ],
        ..Default::default()
    };
    let t = then(&facts);
    let p24 = val(&t, P, 2024, TargetId::OutreachUpdate);
    assert_eq!((p24.numerator, p24.denominator, p24.status), (1, 2, Status::OnTrack));
    let p25 = val(&t, P, 2025, TargetId::OutreachUpdate);
    assert_eq!((p25.numerator, p25.denominator, p25.status), (1, 2, Status::Behind));
    assert!(close(p25.expected, 0.5 + 0.5 / 6.0));
    assert_eq!(nd(&t, C9, 2025, TargetId::OutreachUpdate), (0, 1));
}

#[test]
fn t26_villages_with_awareness_activities() {
    let facts = Facts {
        village_activities: yearly(&[(V1, 2024), (V3, 2024)]),
        reports: yearly(&[(V2, 2024)]),
        ..Default::default()
    };
    let t = then(&facts);
    // D holds V1, V2 and (through C9) V3 in 2024.
    let d24 = val(&t, D, 2024, TargetId::VillageActivity);
    assert_eq!((d24.numerator, d24.denominator, d24.reported_units), (2, 3, 3));
    let c1 = val(&t, C1, 2024, TargetId::VillageActivity);
    assert!(close(c1.value.unwrap(), 1.0));
    assert_eq!(val(&t, C9, 2024, TargetId::VillageActivity).status, Status::Met);
    assert_eq!(nd(&t, P, 2024, TargetId::VillageActivity), (2, 3));
    // V2 reported and did nothing: 0%, not "no data".
    let v2 = val(&t, V2, 2024, TargetId::VillageActivity);
    assert_eq!((v2.value, v2.status), (Some(0.0), Status::Behind));
    // 2025: no village reported anything; the communes show no data, not 0%.
    for unit in [P, C3, C9, V1] {
        let v = val(&t, unit, 2025, TargetId::VillageActivity);
        assert_eq!((v.value, v.status, v.reported_units), (None, Status::NoData, 0), "unit {unit}");
    }
    assert_eq!(nd(&t, P, 2025, TargetId::VillageActivity), (0, 3));
    let now = today(&facts);
    assert_eq!(nd(&now, C3, 2024, TargetId::VillageActivity), (1, 2));
}

#[test]
fn t27_official_pages_that_posted() {
    let facts = Facts { page_posts: yearly(&[(A1, 2024), (E1, 2024), (C9, 2024)]), ..Default::default() };
    let t = then(&facts);
    // Pages: A1, E2 (micro enterprises count here), S1; E1 has no page.
    let c9 = val(&t, C9, 2024, TargetId::PagePosts);
    assert_eq!((c9.numerator, c9.denominator, c9.reported_units), (1, 3, 1));
    assert_eq!(val(&t, E1, 2024, TargetId::PagePosts).status, Status::NoData);
    assert_eq!(nd(&t, P, 2024, TargetId::PagePosts), (1, 3));
    assert_eq!(val(&t, P, 2025, TargetId::PagePosts).status, Status::NoData);
}

#[test]
fn t28_trusted_voices_enlisted() {
    let voice = |from: i32, enlisted: &[i32]| Voice {
        unit: u(P),
        registered_from: from,
        registered_to: None,
        enlisted_years: enlisted.to_vec(),
    };
    let facts = Facts {
        trusted_voices: vec![
            voice(2024, &[2024, 2025]),
            voice(2024, &[2024, 2025]),
            voice(2024, &[2024, 2025]),
            voice(2024, &[2024]),
            voice(2024, &[]),
            voice(2025, &[2025]),
        ],
        ..Default::default()
    };
    let t = then(&facts);
    let p24 = val(&t, P, 2024, TargetId::TrustedVoices);
    assert_eq!((p24.numerator, p24.denominator, p24.status), (4, 5, Status::Met));
    let p25 = val(&t, P, 2025, TargetId::TrustedVoices);
    assert_eq!((p25.numerator, p25.denominator, p25.status), (4, 6, Status::Behind));
    assert!(close(p25.expected, 0.8));
}

fn coverage_facts() -> Facts {
    Facts {
        initiative_participation: vec![
            (u(C9), 2024, None),
            (u(V3), 2024, Some(2024)),
            (u(A1), 2025, None),
            (u(S1), 2024, None),
            (u(E1), 2024, None),
            (u(C1), 2024, None),
            (u(V1), 2024, None),
        ],
        households_with_member: vec![(u(V1), 2024, 60), (u(V1), 2024, 80), (u(V3), 2024, 70)],
        ..Default::default()
    }
}

#[test]
fn t29_initiative_coverage() {
    let t = then(&coverage_facts());
    // 2.9a under C9: C9, V3, A1, S1 — the preschool S2 without an initiative does not count.
    let a = val(&t, C9, 2024, TargetId::CoverageUnits);
    assert_eq!((a.numerator, a.denominator, a.reported_units, a.status), (3, 4, 3, Status::OnTrack));
    // 2.9b: the medium enterprise only, not the micro one.
    let b = val(&t, C9, 2024, TargetId::CoverageEnterprises);
    assert_eq!((b.numerator, b.denominator, b.status), (1, 1, Status::Met));
    // 2.9c: 70 households recorded for a village of 50 count as 50.
    let c = val(&t, C9, 2024, TargetId::CoverageHouseholds);
    assert_eq!((c.numerator, c.denominator, c.status), (50, 50, Status::Met));
    let all = val(&t, C9, 2024, TargetId::Coverage);
    assert_eq!((all.numerator, all.denominator, all.status), (2, 3, Status::OnTrack));

    // The province: C1, C2, C9, V1, V2, V3, A1, S1; the last entry for V1 wins.
    assert_eq!(nd(&t, P, 2024, TargetId::CoverageUnits), (5, 8));
    let hh = val(&t, P, 2024, TargetId::CoverageHouseholds);
    assert_eq!((hh.numerator, hh.denominator, hh.eligible_units, hh.reported_units), (130, 350, 3, 2));
    assert_eq!(hh.status, Status::OnTrack);

    // 2025: V3's initiative ended; A1 joined one; C3 carries C1's.
    let a25 = val(&t, C9, 2025, TargetId::CoverageUnits);
    assert_eq!((a25.numerator, a25.denominator, a25.status), (3, 4, Status::Behind));
    assert!(close(a25.expected, 0.75 + 0.25 / 6.0));
    assert_eq!(nd(&t, P, 2025, TargetId::CoverageUnits), (5, 7));
    // No household counts for 2025: 2.9c has no data, so 2.9 has none either.
    assert_eq!(val(&t, P, 2025, TargetId::CoverageHouseholds).status, Status::NoData);
    assert_eq!(val(&t, P, 2025, TargetId::CoverageUnits).status, Status::OnTrack);
    assert_eq!(val(&t, P, 2025, TargetId::Coverage).status, Status::NoData);
    // A village has no enterprise: 2.9b does not apply, 2.9 is met on the others.
    let rows = t.rows(u(V3), 2024).unwrap();
    let combined = rows.iter().find(|r| r.target == TargetId::Coverage).unwrap();
    assert_eq!((combined.numerator, combined.denominator, combined.status), (2, 2, Status::Met));

    let now = today(&coverage_facts());
    assert_eq!(nd(&now, C3, 2024, TargetId::CoverageUnits), (2, 4));
    assert_eq!(nd(&now, C3, 2024, TargetId::CoverageHouseholds), (80, 300));
}

#[test]
fn merged_commune_then_and_today() {
    let facts = Facts {
        resolutions: vec![(u(C1), d("2024-03-01")), (u(C2), d("2024-04-01"))],
        plans: yearly(&[(C1, 2024), (C2, 2024)]),
        village_activities: yearly(&[(V1, 2024), (V2, 2024)]),
        people: vec![
            person(C1, PersonRole::CommuneKeyOfficial, 2024, None, &[2024]),
            person(C2, PersonRole::CommuneKeyOfficial, 2024, None, &[2024]),
        ],
        ..Default::default()
    };
    let t = then(&facts);
    // As it was: the two communes sit under the old district in 2024.
    assert_eq!(t.parent(u(C1), 2024), Some(u(D)));
    assert_eq!(t.parent(u(C2), 2024), Some(u(D)));
    // D holds D, C1, C2 and C9 (with its villages and units) in 2024.
    assert_eq!(nd(&t, D, 2024, TargetId::Resolution), (2, 4));
    assert_eq!(nd(&t, D, 2024, TargetId::Plan), (2, 7));
    assert_eq!(nd(&t, D, 2024, TargetId::VillageActivity), (2, 3));
    assert!(!t.nodes(2024).contains(&u(C3)));
    assert!(t.nodes(2025).contains(&u(C3)) && !t.nodes(2025).contains(&u(C1)));
    // After the merger there is one committee, which carries the resolutions.
    assert_eq!(nd(&t, C3, 2025, TargetId::Resolution), (1, 1));
    assert_eq!(nd(&t, C3, 2025, TargetId::StaffTraining), (0, 2));

    // Mapped to today's tree: 2024 shows both old communes under C3.
    let now = today(&facts);
    assert_eq!(now.parent(u(C3), 2024), Some(u(P)));
    assert!(!now.nodes(2024).contains(&u(D)));
    assert_eq!(nd(&now, C3, 2024, TargetId::Resolution), (2, 2));
    assert_eq!(nd(&now, C3, 2024, TargetId::Plan), (2, 2));
    assert_eq!(nd(&now, C3, 2024, TargetId::VillageActivity), (2, 2));
    assert_eq!(nd(&now, C3, 2024, TargetId::StaffTraining), (2, 2));
    assert_eq!(val(&now, C3, 2024, TargetId::Resolution).value, Some(1.0));

    // Never above 100%, in either mode, anywhere.
    for table in [&t, &now] {
        for year in 2024..=2026 {
            table.each_row(year, |unit, rows| {
                for r in rows {
                    assert!(r.numerator <= r.denominator, "{unit} {year} {}", r.target);
                    assert!(r.value.is_none_or(|v| (0.0..=1.0).contains(&v)));
                }
            });
        }
    }
    // The whole tree counts the same in both modes.
    for year in 2024..=2026 {
        assert_eq!(t.rows(u(P), year), now.rows(u(P), year), "{year}");
    }
}

#[test]
fn ranking_communes() {
    let facts = Facts {
        plans: yearly(&[(C1, 2024), (C9, 2024), (A1, 2024), (E1, 2024), (S1, 2024), (D, 2024)]),
        ..Default::default()
    };
    let t = then(&facts);
    let ranked = t.rank_communes(u(P), 2024, TargetId::Plan);
    let order: Vec<(Option<u32>, UnitId)> = ranked.iter().map(|r| (r.rank, r.unit)).collect();
    // C9 4/4 and C1 1/1 share the first place (the larger denominator first);
    // C2 reported nothing and comes last without a rank.
    assert_eq!(order, [(Some(1), u(C9)), (Some(1), u(C1)), (None, u(C2))]);
    let t =
        then(&Facts { plans: yearly(&[(C1, 2024), (C9, 2024)]), reports: yearly(&[(C2, 2024)]), ..Default::default() });
    let order: Vec<(Option<u32>, UnitId)> =
        t.rank_communes(u(P), 2024, TargetId::Plan).iter().map(|r| (r.rank, r.unit)).collect();
    assert_eq!(order, [(Some(1), u(C1)), (Some(2), u(C9)), (Some(3), u(C2))]);
    // Only the communes under the unit asked for.
    assert!(t.rank_communes(u(C9), 2024, TargetId::Plan).is_empty());
    assert!(t.rank_communes(u(D), 2025, TargetId::Plan).is_empty());
}

#[test]
fn rows_and_series() {
    let t = then(&coverage_facts());
    let rows = t.rows(u(C9), 2024).unwrap();
    let targets: Vec<TargetId> = rows.iter().map(|r| r.target).collect();
    assert_eq!(targets, TargetId::ALL);
    assert_eq!(rows[9], val(&t, C9, 2024, TargetId::CoverageUnits));
    let series = t.series(u(C3), TargetId::CoverageUnits);
    assert_eq!(
        series.iter().map(|(y, v)| (*y, v.is_some())).collect::<Vec<_>>(),
        [(2024, false), (2025, true), (2026, true)]
    );
    assert_eq!(t.reference_date(2026), Some(d(TODAY)));
    assert_eq!(t.reference_date(2025), Some(d("2025-12-31")));
    assert_eq!(t.reference_date(2023), None);
    let mut count = 0;
    t.each_row(2025, |_, _| count += 1);
    assert_eq!(count, t.nodes(2025).len());
    assert_eq!(count, 11);
}

#[test]
fn trajectory_starts_from_2024_even_when_2024_is_not_asked_for() {
    let facts = Facts {
        people: vec![
            person(P, PersonRole::LegalReporter, 2024, None, &[2024]),
            person(P, PersonRole::LegalReporter, 2024, None, &[]),
        ],
        ..Default::default()
    };
    let t = compute(&world(), &facts, Mode::Then, 2027..=2027, d("2031-01-01"));
    assert_eq!(t.years(), 2027..=2027);
    assert!(t.get(u(P), 2024, TargetId::OutreachUpdate).is_none());
    assert!(close(val(&t, P, 2027, TargetId::OutreachUpdate).expected, 0.75));
    let (from, to) = (2027, 2026);
    let empty = compute(&world(), &facts, Mode::Then, from..=to, d(TODAY));
    assert!(empty.nodes(2027).is_empty());
}

#[test]
fn facts_of_unknown_or_unborn_units_are_ignored() {
    let facts = Facts {
        plans: yearly(&[(999, 2024), (C3, 2024)]),
        people: vec![person(C3, PersonRole::CommuneKeyOfficial, 2024, None, &[2024])],
        ..Default::default()
    };
    let t = then(&facts);
    assert_eq!(nd(&t, P, 2024, TargetId::Plan), (0, 8));
    assert_eq!(nd(&t, P, 2024, TargetId::StaffTraining), (0, 0));
    // From 2025 the person counts where the commune stands.
    assert_eq!(nd(&t, P, 2025, TargetId::StaffTraining), (0, 1));
}

#[test]
fn counting_households_from_listed_members() {
    let m = |village: i64, household: u64, from: i32, to: Option<i32>| HouseholdMember {
        village: u(village),
        household,
        from_year: from,
        to_year: to,
    };
    let members = [
        m(V1, 1, 2024, None),
        m(V1, 1, 2025, None),
        m(V1, 2, 2024, Some(2024)),
        m(V3, 9, 2026, None),
        m(V3, 8, 2019, Some(2020)),
    ];
    let counted = households_with_member(&members, 2024..=2026);
    assert_eq!(counted, [(u(V1), 2024, 2), (u(V1), 2025, 1), (u(V1), 2026, 1), (u(V3), 2026, 1)]);
    let (from, to) = (2026, 2025);
    assert!(households_with_member(&members, from..=to).is_empty());
    // Household keys too large to pack take the general path, with the same result.
    let hashed: Vec<HouseholdMember> =
        members.iter().map(|x| HouseholdMember { household: u64::MAX - x.household, ..*x }).collect();
    assert_eq!(households_with_member(&hashed, 2024..=2026), counted);
    // One village, keys that fill 64 bits with the years.
    let one = [m(V1, (1 << 61) - 1, 2024, None), m(V1, 3, 2024, Some(2025))];
    assert_eq!(households_with_member(&one, 2024..=2026), [(u(V1), 2024, 2), (u(V1), 2025, 2), (u(V1), 2026, 1)]);
}

#[test]
fn changing_one_villages_households_matches_a_full_recompute() {
    let before = coverage_facts();
    // V1 gets a new count in 2024 (its own entry) and its first in 2025; V3 loses its 2024 record.
    let mut after = before.clone();
    after.households_with_member.push((u(V1), 2024, 95));
    after.households_with_member.push((u(V1), 2025, 40));
    after.households_with_member.retain(|&(v, _, _)| v != u(V3));
    for (mut patched, fresh) in [(then(&before), then(&after)), (today(&before), today(&after))] {
        assert!(patched.set_households_with_member(&world(), u(V1), 2024, Some(95)));
        assert!(patched.set_households_with_member(&world(), u(V1), 2025, Some(40)));
        assert!(patched.set_households_with_member(&world(), u(V3), 2024, None));
        for year in 2024..=2026 {
            for unit in fresh.nodes(year) {
                assert_eq!(patched.rows(unit, year), fresh.rows(unit, year), "{unit:?} in {year}");
            }
        }
    }
    // An agency has no household count: the caller must recompute.
    assert!(!then(&before).set_households_with_member(&world(), u(A1), 2024, Some(1)));
}

/// A corrupt tree (a village its own parent from the reorganisation, two
/// communes each other's parent) must not make the tables loop: a unit on a
/// loop is a root or, unreachable from any root, left out.
#[test]
fn a_tree_with_loops_still_computes() {
    let mut versions = world_versions();
    versions.retain(|v| v.unit_id != u(V3));
    versions.push(ver(V3, Some(C9), Level::Village, START, Some(REORG), village(50)));
    versions.push(ver(V3, Some(V3), Level::Village, REORG, None, village(50)));
    versions.push(ver(31, Some(32), Level::Commune, START, None, UnitAttrs::default()));
    versions.push(ver(32, Some(31), Level::Commune, START, None, UnitAttrs::default()));
    let history = OrgHistory::new(versions, vec![link(D, P), link(C1, C3), link(C2, C3)]);
    let facts = coverage_facts();
    for mode in [Mode::Then, Mode::Today(d(TODAY))] {
        let mut table = compute(&history, &facts, mode, 2024..=2026, d(TODAY));
        assert!(table.rows(u(V3), 2026).is_some(), "{mode:?}");
        assert_eq!(table.parent(u(V3), 2026), None);
        assert!(table.rows(u(31), 2026).is_none() && table.rows(u(32), 2026).is_none());
        table.set_households_with_member(&history, u(V3), 2026, Some(3));
        assert_eq!(table.series(u(V3), TargetId::Coverage).len(), 3);
    }
}

#[test]
fn years_still_to_come_have_no_figure() {
    // Computed on 01/03/2026: 2027–2030 have not begun, whatever the
    // registers hold (people registered with no end count in every year).
    let facts = Facts {
        people: vec![person(C9, PersonRole::VillageKeyOfficial, 2024, None, &[2024, 2025, 2026])],
        ..Default::default()
    };
    let t = compute(&world(), &facts, Mode::Then, FIRST_YEAR..=LAST_YEAR, d(TODAY));
    assert!(t.has_begun(2026) && !t.has_begun(2027));
    assert!(val(&t, P, 2026, TargetId::StaffTraining).value.is_some());
    for year in 2027..=2030 {
        let v = val(&t, P, year, TargetId::StaffTraining);
        assert_eq!((v.value, v.status), (None, Status::NoData), "{year}");
        for row in t.rows(u(P), year).unwrap() {
            assert_eq!(row.value, None, "{year} {}", row.target);
        }
    }
    // The series a chart draws stops at this year.
    let drawn: Vec<i32> = t
        .series(u(P), TargetId::StaffTraining)
        .into_iter()
        .filter(|(_, v)| v.is_some_and(|v| v.value.is_some()))
        .map(|(y, _)| y)
        .collect();
    assert_eq!(drawn, vec![2024, 2025, 2026]);
}

#[test]
fn one_rating_for_every_figure() {
    // The goal is compared on the counts, the trajectory on the share.
    assert_eq!(rate(TargetId::TrustedVoices, Some((4, 5)), 0.8), Status::Met);
    assert_eq!(rate(TargetId::TrustedVoices, Some((79_999, 100_000)), 0.8), Status::Behind);
    assert_eq!(rate(TargetId::StaffTraining, Some((1, 2)), 0.5), Status::OnTrack);
    assert_eq!(rate(TargetId::StaffTraining, Some((1, 2)), 0.6), Status::Behind);
    assert_eq!(rate(TargetId::StaffTraining, None, 0.6), Status::NoData);
    assert_eq!(rate(TargetId::StaffTraining, Some((0, 0)), 0.6), Status::NoData);
    // A composite follows its parts.
    use Status::*;
    assert_eq!(rate_parts(&[Met, Met, Met]), Met);
    assert_eq!(rate_parts(&[Met, OnTrack, Met]), OnTrack);
    assert_eq!(rate_parts(&[OnTrack, OnTrack, OnTrack]), OnTrack);
    assert_eq!(rate_parts(&[Met, Behind, NoData]), Behind);
    assert_eq!(rate_parts(&[Met, NoData]), NoData);
    assert_eq!(rate_parts(&[]), NoData);
    // The table's own statuses are this rating.
    let t = then(&coverage_facts());
    for year in 2024..=2026 {
        t.each_row(year, |unit, rows| {
            for v in rows.iter().filter(|v| v.target != TargetId::Coverage) {
                let counts = v.value.map(|_| (v.numerator, v.denominator));
                assert_eq!(v.status, rate(v.target, counts, v.expected), "{unit:?} {year} {}", v.target);
            }
            let parts: Vec<Status> = rows[9..].iter().filter(|p| p.denominator > 0).map(|p| p.status).collect();
            assert_eq!(rows[8].status, rate_parts(&parts), "{unit:?} {year}");
        });
    }
}

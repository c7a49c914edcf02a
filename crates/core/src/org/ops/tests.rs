//! Random sequences of operations keep the tree a forest: an operation that
//! would put a unit under itself is refused, and every accepted one leaves
//! each unit with a finite chain of parents.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::sample::Index;

use super::*;
use crate::org::MAX_DEPTH;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// The stored versions, changed the way the store writes a plan: every
/// close at once, then the new versions.
#[derive(Debug, Clone)]
struct Model {
    versions: Vec<UnitVersion>,
    next_id: i64,
}

fn version(id: i64, parent: Option<i64>, level: Level, from: Date) -> UnitVersion {
    UnitVersion {
        unit_id: UnitId(id),
        valid_from: from,
        valid_to: None,
        code: None,
        name: format!("Đơn vị {id}"),
        level,
        unit_type: None,
        parent_id: parent.map(UnitId),
        attrs: UnitAttrs::default(),
        lat: None,
        lon: None,
    }
}

impl Model {
    /// A province (1) with two communes (2, 3) and three villages (4, 5 under 2; 6 under 3).
    fn start(on: Date) -> Model {
        let versions = vec![
            version(1, None, Level::Province, on),
            version(2, Some(1), Level::Commune, on),
            version(3, Some(1), Level::Commune, on),
            version(4, Some(2), Level::Village, on),
            version(5, Some(2), Level::Village, on),
            version(6, Some(3), Level::Village, on),
        ];
        Model { versions, next_id: 7 }
    }

    /// Every id ever handed out, including units whose only version was
    /// opened and closed on the same day (and so vanished): steps may name
    /// them, and the planner must refuse them. Never empty.
    fn ids(&self) -> Vec<UnitId> {
        (1..self.next_id).map(UnitId).collect()
    }

    fn on(&self, unit: UnitId, date: Date) -> Option<&UnitVersion> {
        self.versions.iter().find(|v| v.unit_id == unit && v.is_valid_on(date))
    }

    fn apply(&mut self, date: Date, changes: Vec<Change>) {
        let mut opens = Vec::new();
        for change in changes {
            match change {
                Change::Close(u) => {
                    self.versions.retain(|v| !(v.unit_id == u && v.valid_to.is_none() && v.valid_from == date));
                    for v in self.versions.iter_mut().filter(|v| v.unit_id == u && v.valid_to.is_none()) {
                        v.valid_to = Some(date);
                    }
                }
                Change::Open(v) => opens.push(v),
                Change::Link(_) => {}
            }
        }
        self.versions.extend(opens);
    }

    /// Whether `unit` is `top` or lies under it on `date` (its own walk, not the planner's).
    fn is_under(&self, unit: UnitId, top: UnitId, date: Date) -> bool {
        let mut seen = HashSet::new();
        let mut up = Some(unit);
        while let Some(u) = up {
            if u == top {
                return true;
            }
            if !seen.insert(u) {
                return false;
            }
            up = self.on(u, date).and_then(|v| v.parent_id);
        }
        false
    }

    /// The unit on a loop on `date`, if any: going up from every unit must
    /// reach a root without meeting a unit twice.
    fn loop_on(&self, date: Date) -> Option<UnitId> {
        for v in self.versions.iter().filter(|v| v.is_valid_on(date)) {
            let mut seen = HashSet::from([v.unit_id]);
            let mut up = v.parent_id;
            while let Some(p) = up {
                if !seen.insert(p) {
                    return Some(v.unit_id);
                }
                up = self.on(p, date).and_then(|v| v.parent_id);
            }
        }
        None
    }
}

impl TreeView for Model {
    fn latest(&self, unit: UnitId) -> Option<UnitVersion> {
        self.versions.iter().filter(|v| v.unit_id == unit).max_by_key(|v| v.valid_from).cloned()
    }

    fn children_on(&self, unit: UnitId, date: Date) -> Vec<UnitVersion> {
        self.versions.iter().filter(|v| v.parent_id == Some(unit) && v.is_valid_on(date)).cloned().collect()
    }

    fn descendants_of_level(&self, root: UnitId, level: Level, date: Date) -> Vec<UnitVersion> {
        let mut seen = HashSet::from([root]);
        let mut queue = vec![root];
        let mut out = Vec::new();
        while let Some(u) = queue.pop() {
            if let Some(v) = self.on(u, date).filter(|v| v.level == level) {
                out.push(v.clone());
            }
            for c in self.children_on(u, date) {
                if seen.insert(c.unit_id) {
                    queue.push(c.unit_id);
                }
            }
        }
        out
    }

    fn ancestors_on(&self, unit: UnitId, date: Date) -> Vec<UnitId> {
        let mut out = Vec::new();
        let mut seen = HashSet::from([unit]);
        let mut up = self.on(unit, date).and_then(|v| v.parent_id);
        while let Some(p) = up.filter(|p| out.len() < MAX_DEPTH && seen.insert(*p)) {
            out.push(p);
            up = self.on(p, date).and_then(|v| v.parent_id);
        }
        out
    }
}

/// One random step; units are picked among every unit made so far,
/// current or not (so that refusals for ended units are exercised too).
#[derive(Debug, Clone)]
enum Step {
    Create { parent: Option<Index>, level: u8 },
    Merge { sources: Vec<Index>, into: Option<Index>, new_parent: Option<Index> },
    Split { source: Index, parents: Vec<Option<Index>>, default_part: usize },
    Move { unit: Index, parent: Index },
    Abolish { unit: Index },
    AbolishLevel { level: u8, within: Index },
}

fn level(n: u8) -> Level {
    [Level::District, Level::Commune, Level::Village, Level::Agency][usize::from(n) % 4]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (proptest::option::weighted(0.9, any::<Index>()), 0u8..4)
            .prop_map(|(parent, level)| Step::Create { parent, level }),
        (
            proptest::collection::vec(any::<Index>(), 1..3),
            proptest::option::of(any::<Index>()),
            proptest::option::weighted(0.9, any::<Index>())
        )
            .prop_map(|(sources, into, new_parent)| Step::Merge { sources, into, new_parent }),
        (any::<Index>(), proptest::collection::vec(proptest::option::weighted(0.9, any::<Index>()), 2..4), 0usize..3)
            .prop_map(|(source, parents, default_part)| Step::Split { source, parents, default_part }),
        (any::<Index>(), any::<Index>()).prop_map(|(unit, parent)| Step::Move { unit, parent }),
        any::<Index>().prop_map(|unit| Step::Abolish { unit }),
        (0u8..4, any::<Index>()).prop_map(|(level, within)| Step::AbolishLevel { level, within }),
    ]
}

/// The operation a step stands for, and whether it would put a unit under
/// itself (a target under a source, or a unit moved under its own subtree).
fn operation(model: &Model, step: &Step, date: Date) -> (OrgOp, bool) {
    let ids = model.ids();
    let pick = |i: &Index| *i.get(&ids);
    let under = |unit: UnitId, top: UnitId| model.is_under(unit, top, date);
    match step {
        Step::Create { parent, level: l } => {
            (OrgOp::Create { unit: NewUnit::new("Mới", level(*l), parent.as_ref().map(pick)) }, false)
        }
        Step::Merge { sources, into, new_parent } => {
            let sources: Vec<UnitId> = sources.iter().map(pick).collect();
            let (into, new_unit, place) = match into {
                Some(t) => (Some(pick(t)), None, Some(pick(t))),
                None => {
                    let parent = new_parent.as_ref().map(pick);
                    (None, Some(NewUnit::new("Hợp nhất", Level::Commune, parent)), parent)
                }
            };
            // Merging a unit into itself is a malformed merge, refused too.
            let looped = place.is_some_and(|p| sources.iter().any(|s| under(p, *s)));
            (OrgOp::Merge { sources, into, new_unit }, looped)
        }
        Step::Split { source, parents, default_part } => {
            let source = pick(source);
            let parents: Vec<Option<UnitId>> = parents.iter().map(|p| p.as_ref().map(pick)).collect();
            let looped = parents.iter().flatten().any(|p| under(*p, source));
            let parts = parents.iter().map(|p| NewUnit::new("Phần", Level::Village, *p)).collect();
            (OrgOp::Split { source, parts, default_part: *default_part }, looped)
        }
        Step::Move { unit, parent } => {
            let (unit, parent) = (pick(unit), pick(parent));
            (OrgOp::Reparent { unit, parent }, under(parent, unit))
        }
        Step::Abolish { unit } => (OrgOp::Abolish { unit: pick(unit) }, false),
        Step::AbolishLevel { level: l, within } => {
            (OrgOp::AbolishLevel { level: level(*l), within: pick(within) }, false)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_the_tree_a_forest(steps in proptest::collection::vec((step(), any::<bool>()), 1..40)) {
        let mut date = d("2026-01-01");
        let mut model = Model::start(date);
        let mut dates = vec![date];
        for (step, next_day) in &steps {
            if *next_day {
                date = date.succ_opt().unwrap();
                dates.push(date);
            }
            let (op, looped) = operation(&model, step, date);
            let new_ids: Vec<UnitId> = (0..op.new_units().len()).map(|i| UnitId(model.next_id + i as i64)).collect();
            // A refused operation writes nothing: the model stays as it was.
            if let Ok(changes) = op.plan(date, &new_ids, &model) {
                prop_assert!(!looped, "accepted an operation that puts a unit under itself: {op:?}");
                model.next_id += new_ids.len() as i64;
                model.apply(date, changes);
                for on in &dates {
                    prop_assert_eq!(model.loop_on(*on), None, "after {:?} on {}", op, on);
                }
            }
        }
    }
}

#[test]
fn merging_a_commune_into_its_own_village_is_refused() {
    let on = d("2026-02-01");
    let model = Model::start(d("2026-01-01"));
    let op = OrgOp::Merge { sources: vec![UnitId(2)], into: Some(UnitId(4)), new_unit: None };
    assert_eq!(op.plan(on, &[], &model), Err(OpError::TargetUnderSource { target: UnitId(4), from: UnitId(2) }));
    // Likewise a new unit placed under one of the source's villages, and a
    // split part placed there.
    let op = OrgOp::Merge {
        sources: vec![UnitId(3), UnitId(2)],
        into: None,
        new_unit: Some(NewUnit::new("X", Level::Commune, Some(UnitId(5)))),
    };
    assert_eq!(
        op.plan(on, &[UnitId(9)], &model),
        Err(OpError::TargetUnderSource { target: UnitId(5), from: UnitId(2) })
    );
    let parts =
        vec![NewUnit::new("A", Level::Commune, Some(UnitId(1))), NewUnit::new("B", Level::Commune, Some(UnitId(4)))];
    let op = OrgOp::Split { source: UnitId(2), parts, default_part: 0 };
    assert!(matches!(op.plan(on, &[UnitId(9), UnitId(10)], &model), Err(OpError::TargetUnderSource { .. })));
    // Moving the commune under its own village is a cycle.
    let op = OrgOp::Reparent { unit: UnitId(2), parent: UnitId(5) };
    assert_eq!(op.plan(on, &[], &model), Err(OpError::Cycle(UnitId(2))));
    // Outside the source, all three are fine.
    let op = OrgOp::Merge { sources: vec![UnitId(2)], into: Some(UnitId(3)), new_unit: None };
    assert!(op.plan(on, &[], &model).is_ok());
}

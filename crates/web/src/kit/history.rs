//! A record's change history as people read it: every history table on a
//! record's page (initiatives, people, trainings, voices, plans, activities,
//! posts, budget entries, evaluations, nominations, criteria sets, warnings,
//! contests, duty and period reports) is rendered here and through the one
//! template `kit/history.html`. The stored history keeps field codes and raw
//! values (`{"unit": [12, 14]}`); a person reads the field's label, unit
//! names instead of ids, dates as dd/mm/yyyy, money with thousands dots and
//! " đ", the programme's values by their names, "Có"/"Không" for yes and no,
//! the time in Viet Nam and the actor's display name.

use std::collections::{BTreeSet, HashMap};

use khienmang_core::admin::{AwardKind, BudgetLevel, PeriodKind};
use khienmang_core::movement::{
    ContentKind, DocumentKind, Focus, LeaderKind, ParticipantKind, Platform, RecordKind, Stage,
};
use khienmang_core::targets::PersonRole;
use khienmang_store::movement::RecordChange;
use serde_json::Value;

use crate::i18n::{Tr, number_vi};

/// One row of a record's history: who, when, what changed.
pub struct ChangeRow {
    /// When, in Viet Nam time (dd/mm/yyyy hh:mm).
    pub when: String,
    /// When, as stored (RFC 3339, UTC), for the `<time>` element.
    pub iso: String,
    /// The actor's display name (the username when the account is gone).
    pub actor: String,
    pub action: &'static str,
    pub action_code: &'static str,
    /// The kind of record, for a table that lists several.
    pub what: &'static str,
    /// "label: «old» → «new»", one per changed field.
    pub changes: Vec<String>,
    pub reason: String,
}

/// The names a history shows instead of unit ids and usernames.
#[derive(Default)]
pub struct Names {
    pub units: HashMap<i64, String>,
    pub actors: HashMap<String, String>,
}

/// Fields whose values are unit ids.
const UNIT_FIELDS: &[&str] = &["unit", "village", "unit_id", "parent", "participant", "participants_units"];
/// Fields whose values are amounts of money in đồng.
const MONEY_FIELDS: &[&str] = &["amount", "budget", "cost", "amount_vnd"];
/// Fields whose numbers are years or counts of seconds, shown without grouping.
const PLAIN_NUMBERS: &[&str] = &["year", "registered_from", "registered_to"];

/// The unit ids and usernames `changes` name, for the caller to look up.
pub fn wanted<'a>(changes: impl Iterator<Item = &'a RecordChange>) -> (BTreeSet<i64>, BTreeSet<String>) {
    let mut units = BTreeSet::new();
    let mut actors = BTreeSet::new();
    for c in changes {
        actors.insert(c.actor.clone());
        for (field, pair) in &c.changes {
            if !UNIT_FIELDS.contains(&field.as_str()) {
                continue;
            }
            for v in pair.as_array().into_iter().flatten() {
                match v {
                    Value::Number(n) => units.extend(n.as_i64()),
                    Value::Array(items) => units.extend(items.iter().filter_map(Value::as_i64)),
                    _ => {}
                }
            }
        }
    }
    (units, actors)
}

/// One change as people read it.
pub fn row(tr: Tr, kind: RecordKind, c: RecordChange, names: &Names) -> ChangeRow {
    let changes = c
        .changes
        .iter()
        .map(|(field, pair)| {
            let side = |i: usize| pair.get(i).map(|v| value(tr, kind, field, v, names)).unwrap_or_default();
            format!("{}: «{}» → «{}»", field_label(tr, kind, field), side(0), side(1))
        })
        .collect();
    ChangeRow {
        when: vietnam_time(&c.at),
        actor: names.actors.get(&c.actor).filter(|n| !n.trim().is_empty()).cloned().unwrap_or(c.actor),
        iso: c.at,
        action: tr.t(&format!("ppl.action.{}", c.action.as_str())),
        action_code: c.action.as_str(),
        what: tr.get(&format!("hist.kind.{}", kind.as_str())).unwrap_or(kind.label_vi()),
        changes,
        reason: c.reason.unwrap_or_default(),
    }
}

/// What a changed field is called on the page: its label in the page's
/// language; a field stored under a label already (a nomination's) as it is.
pub fn field_label(tr: Tr, kind: RecordKind, field: &str) -> String {
    // The people registries name their fields as their forms do ("Tên lớp tập huấn").
    let own = matches!(kind, RecordKind::Person | RecordKind::Training | RecordKind::Voice)
        .then(|| tr.get(&format!("ppl.f.{field}")))
        .flatten();
    match own.or_else(|| tr.get(&format!("hist.f.{field}"))) {
        Some(label) => label.to_string(),
        // A criteria set's history names each criterion by its code.
        None if kind == RecordKind::CriteriaSet => format!("{} {field}", tr.t("hist.f.criterion")),
        None if field.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => {
            // A code with no label yet is not shown as a code.
            tr.t("hist.f.other").to_string()
        }
        None => field.to_string(),
    }
}

/// 12.500.000 đ
pub fn money(n: i64) -> String {
    format!("{} đ", number_vi(n))
}

/// dd/mm/yyyy hh:mm in Viet Nam time, from an RFC 3339 stamp.
pub fn vietnam_time(stamp: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .ok()
        .and_then(|t| chrono::FixedOffset::east_opt(7 * 3600).map(|tz| t.with_timezone(&tz)))
        .map(|t| t.format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|| stamp.to_string())
}

/// The name of a value of the programme's lists, by the field that holds it.
fn listed(kind: RecordKind, field: &str, s: &str) -> Option<&'static str> {
    match field {
        "role" => PersonRole::parse(s).map(PersonRole::label_vi),
        "stage" if kind == RecordKind::BudgetEntry => {
            khienmang_core::admin::Stage::parse(s).map(khienmang_core::admin::Stage::label_vi)
        }
        "stage" => Stage::parse(s).map(Stage::label_vi),
        "kind" => match kind {
            RecordKind::Document => DocumentKind::parse(s).map(DocumentKind::label_vi),
            RecordKind::Nomination => AwardKind::parse(s).map(AwardKind::label_vi),
            RecordKind::PeriodReport => PeriodKind::parse(s).map(PeriodKind::label_vi),
            _ => None,
        },
        "platform" | "channels" => Platform::parse(s).map(Platform::label_vi),
        "focus" | "themes" => Focus::parse(s).map(Focus::label_vi),
        "participant_kind" => ParticipantKind::parse(s).map(ParticipantKind::label_vi),
        "leader_kind" => LeaderKind::parse(s).map(LeaderKind::label_vi),
        "content_kind" => ContentKind::parse(s).map(ContentKind::label_vi),
        "level" => BudgetLevel::parse(s).map(BudgetLevel::label_vi),
        "category" => khienmang_core::category::Category::parse(s).map(khienmang_core::category::Category::label_vi),
        _ => None,
    }
}

/// A value as people read it.
pub fn value(tr: Tr, kind: RecordKind, field: &str, v: &Value, names: &Names) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => tr.t("hist.yes").into(),
        Value::Bool(false) => tr.t("hist.no").into(),
        Value::Number(n) => match n.as_i64() {
            Some(id) if UNIT_FIELDS.contains(&field) => {
                names.units.get(&id).cloned().unwrap_or_else(|| tr.t("hist.unknown_unit").into())
            }
            Some(m) if MONEY_FIELDS.contains(&field) => money(m),
            Some(y) if PLAIN_NUMBERS.contains(&field) => y.to_string(),
            Some(i) => number_vi(i),
            None => n.to_string().replace('.', ","),
        },
        Value::String(s) => {
            if let Some(label) = listed(kind, field, s) {
                label.into()
            } else if let Ok(d) = s.parse::<khienmang_core::Date>()
                && s.len() == 10
            {
                crate::i18n::date_vi(d)
            } else if s.len() >= 20 && chrono::DateTime::parse_from_rfc3339(s).is_ok() {
                vietnam_time(s)
            } else {
                s.clone()
            }
        }
        Value::Array(items) => {
            if items.is_empty() {
                return "—".into();
            }
            items.iter().map(|i| value(tr, kind, field, i, names)).collect::<Vec<_>>().join(", ")
        }
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", field_label(tr, kind, k), value(tr, kind, k, v, names)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use khienmang_core::movement::ChangeAction;
    use serde_json::json;

    use super::*;
    use crate::i18n::Lang;

    fn change(changes: Value) -> RecordChange {
        RecordChange {
            actor: "xa-07210".into(),
            at: "2026-03-04T17:30:00Z".into(),
            action: ChangeAction::Edit,
            changes: changes.as_object().unwrap().clone(),
            reason: None,
        }
    }

    fn names() -> Names {
        Names {
            units: HashMap::from([(12, "Thôn Đông".to_string()), (14, "Thôn Tây".to_string())]),
            actors: HashMap::from([("xa-07210".to_string(), "Nguyễn Văn An".to_string())]),
        }
    }

    #[test]
    fn a_change_reads_as_people_write_it() {
        let tr = Tr { lang: Lang::Vi };
        let c = change(json!({
            "unit": [12, 14],
            "held_on": ["2026-01-05", "2026-01-06"],
            "amount": [12_500_000_000_i64, 12_500_000],
            "in_province": [true, false],
            "role": ["village_key_official", "legal_reporter"],
            "registered_from": [2025, 2026],
        }));
        let r = row(tr, RecordKind::Person, c, &names());
        assert_eq!(r.actor, "Nguyễn Văn An");
        assert_eq!(r.when, "05/03/2026 00:30", "Viet Nam time, the next day");
        let all = r.changes.join("\n");
        for want in [
            "«Thôn Đông» → «Thôn Tây»",
            "«05/01/2026» → «06/01/2026»",
            "«12.500.000.000 đ» → «12.500.000 đ»",
            "«Có» → «Không»",
            "«Cán bộ chủ chốt thôn, tổ dân phố» → «Báo cáo viên pháp luật»",
            "«2025» → «2026»",
        ] {
            assert!(all.contains(want), "{want} in\n{all}");
        }
        for code in ["unit:", "held_on", "amount", "in_province", "village_key_official", "registered_from"] {
            assert!(!all.contains(code), "{code} shown raw in\n{all}");
        }
    }

    #[test]
    fn labels_follow_the_language_and_unknown_codes_are_not_shown() {
        let (vi, en) = (Tr { lang: Lang::Vi }, Tr { lang: Lang::En });
        let k = RecordKind::Activity;
        assert_ne!(field_label(vi, k, "held_on"), field_label(en, k, "held_on"));
        assert_eq!(field_label(en, k, "held_on"), "Date held");
        assert!(!field_label(vi, k, "some_new_field").contains('_'));
        assert_eq!(field_label(vi, k, "thành tích"), "thành tích", "a field stored under its label");
        assert_eq!(field_label(vi, RecordKind::CriteriaSet, "c2"), "Tiêu chí c2");
        assert_eq!(value(en, RecordKind::Voice, "consent", &json!(true), &names()), "Yes");
    }

    #[test]
    fn an_unknown_unit_or_actor_is_never_a_bare_id() {
        let tr = Tr { lang: Lang::Vi };
        let c = RecordChange { actor: "cu".into(), ..change(json!({"village": [99, null]})) };
        let r = row(tr, RecordKind::Activity, c, &Names::default());
        assert_eq!(r.actor, "cu", "an account gone keeps its username");
        assert!(!r.changes[0].contains("99") && r.changes[0].contains("«—»"), "{:?}", r.changes);
        assert_eq!(money(-1500), "-1.500 đ");
    }
}

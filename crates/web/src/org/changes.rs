//! Boundary changes from a unit's page: rename, move under another unit
//! (the parent picked from a searchable list), merge (the units merged and
//! the successor picked), split (with the part that takes the data by
//! default), abolish, and abolish a whole level below the unit (the
//! province's decision: its own route, for the secretariat and system
//! administrators only), each dated. A change is first previewed (what
//! moves: units, registry records, accounts, open reports), then confirmed;
//! a refused form comes back with what was typed and the reason beside it.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Response};
use khienmang_core::Date;
use khienmang_core::org::{Level, NewUnit, OrgOp, UnitId, UnitVersion};
use khienmang_store::org::OpPreview;
use serde::Deserialize;

use super::{parse_day, today};
use crate::access::{Granted, OrgRead, OrgReorganise, OrgWrite};
use crate::error::{WebError, WebResult};
use crate::i18n::date_vi;
use crate::kit::form::{Check, Fields, FormError, Opt, Refusal};
use crate::page::{Chrome, Page, render};

/// Longest accepted unit name or search, in characters.
const MAX_NAME_CHARS: usize = 200;
/// How many parts a split form offers.
pub const SPLIT_PARTS: usize = 4;
/// How many units a picker lists.
const PICKER_SIZE: i64 = 40;

/// What the unit page's change forms offer.
pub struct ChangeForms {
    /// False when the unit is the root of the session's scope: only the
    /// level above moves, merges, splits or abolishes it.
    pub can_restructure: bool,
    pub has_children: bool,
    /// Units beside it (same parent, same level) that may be merged with it.
    pub siblings: Vec<Check>,
    /// The merge's successor: a new unit, or one of the units beside it.
    pub successors: Vec<Opt>,
    /// Candidate new parents for a move.
    pub parents: Vec<Opt>,
    /// The split's name fields: (field name, value typed).
    pub parts: Vec<(String, String)>,
    pub default_part: String,
    /// The administrative levels present below the unit that the session
    /// may abolish (empty without [`Capability::OrgReorganise`]).
    ///
    /// [`Capability::OrgReorganise`]: khienmang_core::auth::Capability::OrgReorganise
    pub levels: Vec<Opt>,
}

/// The label of a unit in a picker: name, type, code.
pub fn unit_label(v: &UnitVersion) -> String {
    let kind = v.unit_type.clone().unwrap_or_else(|| v.level.label_vi().to_string());
    match v.code.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => format!("{} ({kind}) · {code}", v.name),
        None => format!("{} ({kind})", v.name),
    }
}

/// The units beside `unit` on `on`: same parent and level, readable in the scope.
async fn siblings(g: &Granted, unit: &UnitVersion, on: Date) -> WebResult<Vec<UnitVersion>> {
    let Some(parent) = unit.parent_id else { return Ok(Vec::new()) };
    let Ok(above) = g.within(parent).await else { return Ok(Vec::new()) };
    let all = above.children_on(on, 500, 0).await?;
    Ok(all.into_iter().filter(|v| v.level == unit.level && v.unit_id != unit.unit_id).collect())
}

/// Candidate parents: the search's hits, or without a search the units
/// beside the current parent (a village moves to another commune).
async fn parent_candidates(g: &Granted, unit: &UnitVersion, on: Date, query: &str) -> WebResult<Vec<UnitVersion>> {
    let query: String = query.chars().take(MAX_NAME_CHARS).collect();
    let found = if !query.trim().is_empty() {
        g.search_units(&query, Some(on), PICKER_SIZE).await?
    } else if let Some(parent) = unit.parent_id
        && let Ok(p) = g.within(parent).await
        && let Some(pv) = p.on(on).await?
    {
        let mut out = vec![pv.clone()];
        out.extend(siblings(g, &pv, on).await?);
        out
    } else {
        Vec::new()
    };
    Ok(found.into_iter().filter(|v| v.unit_id != unit.unit_id && Some(v.unit_id) != unit.parent_id).collect())
}

/// The administrative levels present strictly below `unit` on `on`, from
/// the cached tree, in the tree's order (district before commune).
async fn levels_below(g: &Granted, unit: &UnitVersion, on: Date) -> WebResult<Vec<Level>> {
    let history = g.within(unit.unit_id).await?.tree_history().await?;
    let present: std::collections::HashSet<Level> =
        history.subtree_on(unit.unit_id, on).iter().skip(1).map(|v| v.level).collect();
    Ok(Level::ALL
        .iter()
        .copied()
        .filter(|l| l.is_administrative() && *l != unit.level && present.contains(l))
        .collect())
}

/// The change forms of `unit` as shown on `on`, with what was typed.
pub async fn change_forms(g: &Granted, unit: &UnitVersion, on: Date, entered: &Fields) -> WebResult<ChangeForms> {
    let has_children = !g.within(unit.unit_id).await?.children_on(on, 1, 0).await?.is_empty();
    let beside = siblings(g, unit, on).await?;
    let chosen = entered.all("sources");
    let siblings = beside
        .iter()
        .map(|v| Check {
            id: format!("mg-src-{}", v.unit_id),
            value: v.unit_id.0.to_string(),
            label: unit_label(v),
            checked: chosen.contains(&v.unit_id.0.to_string().as_str()),
        })
        .collect();
    let target = match entered.get("target") {
        "" => "new",
        t => t,
    };
    let mut successors = vec![Opt::new("new", "", target)];
    successors.extend(beside.iter().map(|v| Opt::new(v.unit_id.0.to_string(), unit_label(v), target)));
    let parents = parent_candidates(g, unit, on, entered.get("unit_q"))
        .await?
        .iter()
        .map(|v| Opt::new(v.unit_id.0.to_string(), unit_label(v), entered.get("parent")))
        .collect();
    let parts = (1..=SPLIT_PARTS)
        .map(|i| {
            let name = format!("part{i}");
            let value = entered.get(&name).to_string();
            (name, value)
        })
        .collect();
    let default_part = match entered.get("default_part") {
        "" => "1".to_string(),
        d => d.to_string(),
    };
    let levels = if g.role.can(khienmang_core::auth::Capability::OrgReorganise) {
        levels_below(g, unit, on).await?.into_iter().map(|l| Opt::new(l.as_str(), "", entered.get("level"))).collect()
    } else {
        Vec::new()
    };
    Ok(ChangeForms {
        can_restructure: g.scope.root() != Some(unit.unit_id),
        has_children,
        siblings,
        successors,
        parents,
        parts,
        default_part,
        levels,
    })
}

/// A refusal of one field of one form: the section names the form and the
/// field ("merge.target"), so the message shows beside that field.
type Refused = (&'static str, WebError);

fn bad(section: &'static str, message: &str) -> Refused {
    (section, WebError::BadRequest(message.into()))
}

fn name_field(s: &str, section: &'static str) -> Result<String, Refused> {
    let name = s.trim();
    if name.is_empty() {
        return Err(bad(section, "Hãy ghi tên đơn vị."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(bad(section, "Tên đơn vị dài quá 200 ký tự."));
    }
    Ok(name.to_string())
}

fn unit_field(s: &str, section: &'static str, message: &str) -> Result<UnitId, Refused> {
    s.trim().parse::<i64>().map(UnitId).map_err(|_| bad(section, message))
}

/// A new unit beside `unit`: same level, type and parent.
fn beside(unit: &UnitVersion, name: String) -> NewUnit {
    NewUnit { unit_type: unit.unit_type.clone(), ..NewUnit::new(name, unit.level, unit.parent_id) }
}

/// The form `kind` as an operation on `unit`, with its effective date.
pub fn build_op(kind: &str, unit: &UnitVersion, f: &Fields) -> Result<(OrgOp, Date), Refused> {
    let effective = |section: &'static str| -> Result<Date, Refused> {
        let s = f.get("effective");
        if s.is_empty() {
            return Err(bad(section, "Hãy chọn ngày hiệu lực."));
        }
        if s.len() > 10 {
            return Err(bad(section, "Ngày hiệu lực không hợp lệ; dùng dạng dd/mm/yyyy."));
        }
        parse_day(s).map_err(|e| (section, e))
    };
    let id = unit.unit_id;
    Ok(match kind {
        "rename" => {
            let name = name_field(f.get("name"), "rename.name")?;
            (OrgOp::Rename { unit: id, name, code: None }, effective("rename.effective")?)
        }
        "reparent" => {
            let parent =
                unit_field(f.get("parent"), "reparent.parent", "Hãy chọn đơn vị cấp trên mới trong danh sách.")?;
            (OrgOp::Reparent { unit: id, parent }, effective("reparent.effective")?)
        }
        "merge" => {
            let mut sources = vec![id];
            for s in f.all("sources").into_iter().take(200) {
                let other = unit_field(s, "merge.sources", "Hãy chọn các đơn vị trong danh sách.")?;
                if !sources.contains(&other) {
                    sources.push(other);
                }
            }
            let op = match f.get("target") {
                "" | "new" => {
                    let name = name_field(f.get("new_name"), "merge.new_name")?;
                    OrgOp::Merge { sources, into: None, new_unit: Some(beside(unit, name)) }
                }
                t => {
                    let into = unit_field(t, "merge.target", "Hãy chọn đơn vị kế thừa trong danh sách.")?;
                    if sources.contains(&into) {
                        return Err(bad("merge.target", "Đơn vị kế thừa không được nằm trong các đơn vị bị sáp nhập."));
                    }
                    OrgOp::Merge { sources, into: Some(into), new_unit: None }
                }
            };
            (op, effective("merge.effective")?)
        }
        "split" => {
            let mut parts = Vec::new();
            let mut default_part = None;
            let chosen = f.get("default_part");
            for i in 1..=SPLIT_PARTS {
                let typed = f.get(&format!("part{i}"));
                if typed.is_empty() {
                    continue;
                }
                if chosen == i.to_string() {
                    default_part = Some(parts.len());
                }
                parts.push(beside(unit, name_field(typed, "split.parts")?));
            }
            if parts.len() < 2 {
                return Err(bad("split.parts", "Hãy ghi tên ít nhất hai đơn vị mới."));
            }
            let Some(default_part) = default_part else {
                return Err(bad(
                    "split.default",
                    "Hãy chọn đơn vị mới nhận dữ liệu mặc định trong số các đơn vị đã ghi tên.",
                ));
            };
            (OrgOp::Split { source: id, parts, default_part }, effective("split.effective")?)
        }
        "abolish" => (OrgOp::Abolish { unit: id }, effective("abolish.effective")?),
        "abolish_level" => {
            let level = Level::parse(f.get("level").trim())
                .filter(|l| l.is_administrative() && *l != unit.level)
                .ok_or_else(|| bad("abolish_level.level", "Hãy chọn cấp cần bỏ trong danh sách."))?;
            (OrgOp::AbolishLevel { level, within: id }, effective("abolish_level.effective")?)
        }
        _ => return Err(("", WebError::NotFound)),
    })
}

/// The unit the page goes to after the change: the successor of a merge,
/// the default part of a split, the parent of an abolished unit.
fn after(op: &OrgOp, created: &[UnitId], unit: &UnitVersion) -> UnitId {
    match op {
        OrgOp::Merge { into: Some(t), .. } => *t,
        OrgOp::Merge { .. } => created.first().copied().unwrap_or(unit.unit_id),
        OrgOp::Split { default_part, .. } => created.get(*default_part).copied().unwrap_or(unit.unit_id),
        OrgOp::Abolish { .. } => unit.parent_id.unwrap_or(unit.unit_id),
        _ => unit.unit_id,
    }
}

struct Moved {
    name: String,
    code: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "org/preview.html")]
struct PreviewPage {
    chrome: Chrome,
    unit_id: i64,
    unit_name: String,
    unit_code: String,
    /// Where the confirmation posts.
    action: String,
    kind_label: &'static str,
    effective: String,
    /// Every field as typed, sent again with the confirmation.
    hidden: Vec<(String, String)>,
    ended: Vec<Moved>,
    created: Vec<Moved>,
    moved: Vec<Moved>,
    renamed: Vec<Moved>,
    affected_units: usize,
    records: Vec<(&'static str, String)>,
    preview: OpPreview,
    nothing_moves: bool,
}

fn moved(list: &[khienmang_store::org::PreviewUnit]) -> Vec<Moved> {
    list.iter()
        .map(|u| Moved {
            name: u.name.clone(),
            code: u.code.clone().unwrap_or_default(),
            before: u.before.clone().unwrap_or_default(),
            after: u.after.clone().unwrap_or_default(),
        })
        .collect()
}

fn kind_key(kind: &str) -> &'static str {
    match kind {
        "rename" => "bd.rename",
        "reparent" => "bd.reparent",
        "merge" => "bd.merge",
        "split" => "bd.split",
        "abolish_level" => "bd.abolish_level",
        _ => "bd.abolish",
    }
}

/// `POST /org/units/{id}/change/{kind}`: a search of the parent picker
/// (without script), the preview, or with `confirm` the change itself.
pub async fn change_submit(
    page: Page,
    org: OrgWrite,
    Path((unit, kind)): Path<(i64, String)>,
    fields: Fields,
) -> WebResult<Response> {
    if !["rename", "reparent", "merge", "split", "abolish"].contains(&kind.as_str()) {
        return Err(WebError::NotFound);
    }
    change(page, org, UnitId(unit), kind, fields).await
}

/// `POST /org/units/{id}/abolish-level`: ends every unit of the chosen
/// level below the unit, their children moving up to the ended units'
/// parents; previewed, then confirmed, as the other changes are. Only a
/// session that may reorganise (the secretariat, a system administrator)
/// reaches it.
pub async fn abolish_level_submit(
    page: Page,
    _may: OrgReorganise,
    org: OrgWrite,
    Path(unit): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    change(page, org, UnitId(unit), "abolish_level".into(), fields).await
}

/// The action a change form posts to.
fn action(unit: UnitId, kind: &str) -> String {
    match kind {
        "abolish_level" => format!("/org/units/{unit}/abolish-level"),
        k => format!("/org/units/{unit}/change/{k}"),
    }
}

async fn change(
    Page { lang, id }: Page,
    org: OrgWrite,
    unit: UnitId,
    kind: String,
    fields: Fields,
) -> WebResult<Response> {
    let here = org.within(unit).await?;
    let on = today();
    let shown = here.on(on).await?.ok_or(WebError::NotFound)?;
    let again = |error: Option<FormError>, entered: Fields| {
        let refusal = Refusal { error, entered };
        super::unit_page_for(lang, id.as_ref(), &org, unit, on, refusal, false)
    };
    // The picker's "Tìm" button, or "Quay lại sửa" on the preview.
    if fields.has("find") || fields.has("back") {
        return Ok(again(None, fields).await?.into_response());
    }
    let (op, effective) = match build_op(&kind, &shown, &fields) {
        Ok(x) => x,
        Err((section, e)) => {
            let error = FormError::of(section, e)?;
            return Ok(crate::kit::form::refused(again(Some(error), fields).await?));
        }
    };
    let section = match kind.as_str() {
        "rename" => "rename.name",
        "reparent" => "reparent.parent",
        "merge" => "merge.target",
        "split" => "split.parts",
        "abolish_level" => "abolish_level.level",
        _ => "abolish.effective",
    };
    // A refusal by the rules (a cycle, a later change, the scope's root)
    // is shown beside the form, with what was typed.
    let as_form_error = |e: WebError| match e {
        WebError::Refused(m) => Ok(FormError { section, message: m }),
        other => FormError::of(section, other),
    };
    if !fields.has("confirm") {
        let preview = match org.preview(&op, effective).await {
            Ok(p) => p,
            Err(e) => return Ok(crate::kit::form::refused(again(Some(as_form_error(e)?), fields).await?)),
        };
        let chrome = Chrome::new(lang, id.as_ref(), "org");
        let records = preview.records.iter().map(|(k, n)| (*k, crate::i18n::number_vi(*n))).collect();
        let page = PreviewPage {
            unit_id: unit.0,
            action: action(unit, &kind),
            unit_name: shown.name.clone(),
            unit_code: shown.code.clone().unwrap_or_default(),
            kind_label: chrome.tr.t(kind_key(&kind)),
            effective: date_vi(effective),
            hidden: fields.0.iter().filter(|(k, _)| k != "csrf").cloned().collect(),
            ended: moved(&preview.ended),
            created: moved(&preview.created),
            moved: moved(&preview.moved),
            renamed: moved(&preview.renamed),
            affected_units: preview.affected_units,
            records,
            nothing_moves: preview.records.is_empty()
                && preview.accounts_total == 0
                && preview.open_reports_total == 0
                && preview.moved.is_empty()
                && preview.ended.is_empty(),
            preview,
            chrome,
        };
        return Ok(render(&page)?.into_response());
    }
    match org.apply(&op, effective, None).await {
        Ok(created) => {
            let to = after(&op, &created, &shown);
            Ok(crate::kit::form::see_other(format!("/org/units/{to}?saved=1")))
        }
        Err(e) => Ok(crate::kit::form::refused(again(Some(as_form_error(e)?), fields).await?)),
    }
}

#[derive(Deserialize, Default)]
pub struct PickerQuery {
    #[serde(default)]
    unit_q: String,
    #[serde(default)]
    parent: String,
}

#[derive(Template)]
#[template(path = "users/unit_options.html")]
struct ParentOptions {
    chrome: Chrome,
    whole_country: bool,
    units: Vec<Opt>,
}

/// `GET /org/units/{id}/parents?unit_q=`: the move form's picker options
/// for a search, for htmx (without script its "Tìm" button does the same).
pub async fn parent_options(
    Page { lang, id }: Page,
    org: OrgRead,
    Path(unit): Path<i64>,
    Query(q): Query<PickerQuery>,
) -> WebResult<Html<String>> {
    let on = today();
    let here = org.within(UnitId(unit)).await?;
    // A unit of the past (merged away) is moved nowhere: no candidates.
    let units = match here.on(on).await? {
        Some(shown) => parent_candidates(&org, &shown, on, &q.unit_q)
            .await?
            .iter()
            .map(|v| Opt::new(v.unit_id.0.to_string(), unit_label(v), &q.parent))
            .collect(),
        None => Vec::new(),
    };
    render(&ParentOptions { chrome: Chrome::new(lang, id.as_ref(), "org"), whole_country: false, units })
}

/// Whether a level can be moved under another unit from the unit page.
pub fn movable(level: Level) -> bool {
    level != Level::Province
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use khienmang_core::org::{UnitAttrs, UnitVersion};
    use proptest::prelude::*;

    use super::*;

    fn village() -> UnitVersion {
        UnitVersion {
            unit_id: UnitId(7),
            valid_from: "2025-07-01".parse().unwrap(),
            valid_to: None,
            code: Some("07210.001".into()),
            name: "Tổ dân phố số 1".into(),
            level: Level::Village,
            unit_type: Some("Tổ dân phố".into()),
            parent_id: Some(UnitId(3)),
            attrs: UnitAttrs::default(),
            lat: None,
            lon: None,
        }
    }

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn forms_become_the_operations_they_name() {
        let v = village();
        let (op, _) =
            build_op("merge", &v, &fields(&[("sources", "8"), ("target", "9"), ("effective", "01/08/2026")])).unwrap();
        assert_eq!(op, OrgOp::Merge { sources: vec![UnitId(7), UnitId(8)], into: Some(UnitId(9)), new_unit: None });
        let f = fields(&[("part1", "A"), ("part3", "B"), ("default_part", "3"), ("effective", "2026-08-01")]);
        let (OrgOp::Split { parts, default_part, .. }, _) = build_op("split", &v, &f).unwrap() else { panic!() };
        assert_eq!((parts.len(), default_part, parts[1].name.as_str()), (2, 1, "B"));
        assert_eq!(parts[0].parent_id, Some(UnitId(3)), "parts stand where the unit stood");
        let (section, _) = build_op("merge", &v, &fields(&[("target", "7"), ("effective", "2026-08-01")])).unwrap_err();
        assert_eq!(section, "merge.target", "a unit is not its own successor");
        let commune = UnitVersion { level: Level::Commune, ..village() };
        let (op, _) =
            build_op("abolish_level", &commune, &fields(&[("level", "village"), ("effective", "01/08/2026")])).unwrap();
        assert_eq!(op, OrgOp::AbolishLevel { level: Level::Village, within: UnitId(7) });
        for level in ["commune", "school", "", "huyen"] {
            let f = fields(&[("level", level), ("effective", "01/08/2026")]);
            let (section, _) = build_op("abolish_level", &commune, &f).unwrap_err();
            assert_eq!(section, "abolish_level.level", "{level}: not a level below the commune to abolish");
        }
    }

    proptest! {
        /// Whatever a form holds, it becomes an operation or a refusal named
        /// by its field, never a panic; accepted names are trimmed, bounded
        /// and not empty.
        #[test]
        fn any_form_is_an_operation_or_a_refusal_beside_a_field(
            kind in prop::sample::select(vec!["rename", "reparent", "merge", "split", "abolish", "abolish_level"]),
            pairs in prop::collection::vec(
                (prop::sample::select(vec!["name", "parent", "sources", "target", "new_name", "part1", "part2",
                    "part3", "default_part", "effective", "level"]), ".{0,240}"),
                0..12,
            ),
        ) {
            let f = Fields(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
            match build_op(kind, &village(), &f) {
                Ok((op, _)) => {
                    let names: Vec<String> = match &op {
                        OrgOp::Rename { name, .. } => vec![name.clone()],
                        OrgOp::Split { parts, .. } => parts.iter().map(|p| p.name.clone()).collect(),
                        OrgOp::Merge { new_unit: Some(u), .. } => vec![u.name.clone()],
                        _ => vec![],
                    };
                    for n in names {
                        prop_assert!(!n.is_empty() && n.trim() == n && n.chars().count() <= MAX_NAME_CHARS);
                    }
                }
                Err((section, _)) => prop_assert!(section.starts_with(kind), "{} for {}", section, kind),
            }
        }
    }
}

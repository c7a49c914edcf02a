//! Dated operations on the tree, planned as plain version changes.
//!
//! The store allocates ids for new units, asks an [`OrgOp`] for its plan
//! against the versions current on the effective date, and applies the plan
//! in one transaction with its audit entry. The rules live here.

use serde::{Deserialize, Serialize};

use super::{EventKind, Level, LineageLink, UnitAttrs, UnitId, UnitVersion};
use crate::Date;

/// A unit to be created by an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewUnit {
    pub code: Option<String>,
    pub name: String,
    pub level: Level,
    #[serde(default)]
    pub unit_type: Option<String>,
    #[serde(default)]
    pub parent_id: Option<UnitId>,
    #[serde(default)]
    pub attrs: UnitAttrs,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
}

impl NewUnit {
    /// A unit with only a name, a level and a parent: no code, no type, no
    /// attributes, no position. The rest is filled in with `..NewUnit::new(..)`.
    pub fn new(name: impl Into<String>, level: Level, parent: Option<UnitId>) -> NewUnit {
        NewUnit {
            code: None,
            name: name.into(),
            level,
            unit_type: None,
            parent_id: parent,
            attrs: UnitAttrs::default(),
            lat: None,
            lon: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OrgOp {
    Create {
        unit: NewUnit,
    },
    Rename {
        unit: UnitId,
        name: String,
        #[serde(default)]
        code: Option<String>,
    },
    Reparent {
        unit: UnitId,
        parent: UnitId,
    },
    UpdateAttrs {
        unit: UnitId,
        attrs: UnitAttrs,
    },
    /// A + B → C. With `into` the sources join an existing unit; otherwise
    /// `new_unit` is created. Children of the sources move to the target.
    Merge {
        sources: Vec<UnitId>,
        #[serde(default)]
        into: Option<UnitId>,
        #[serde(default)]
        new_unit: Option<NewUnit>,
    },
    /// A → B + C. Children of A move to the default part.
    Split {
        source: UnitId,
        parts: Vec<NewUnit>,
        default_part: usize,
    },
    /// Ends every unit of `level` under `within`; their children move up to
    /// the ended unit's parent, which also takes the ended unit's history.
    AbolishLevel {
        level: Level,
        within: UnitId,
    },
    /// Ends a unit with no children.
    Abolish {
        unit: UnitId,
    },
}

/// What a plan does to the stored versions, all on the effective date.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// End the unit's current version the day before the effective date.
    Close(UnitId),
    /// Start a new version on the effective date.
    Open(UnitVersion),
    Link(LineageLink),
}

/// Why an operation was refused; `message_vi` is what the user reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    #[error("unit {0} does not exist on the effective date")]
    NotFound(UnitId),
    #[error("unit {0} has a later change; operations must follow the history in order")]
    LaterChange(UnitId),
    #[error("a name is required")]
    EmptyName,
    #[error("a merge needs at least one source and exactly one target")]
    BadMerge,
    #[error("a split needs at least two parts and a default part among them")]
    BadSplit,
    #[error("unit {0} cannot be placed under its own subtree")]
    Cycle(UnitId),
    #[error("unit {target} lies under unit {from}, which the operation ends")]
    TargetUnderSource { target: UnitId, from: UnitId },
    #[error("unit {0} still has units under it")]
    HasChildren(UnitId),
    #[error("no unit of that level under this unit")]
    NothingToAbolish,
    #[error("official page: {0}")]
    BadLink(#[from] crate::link::UrlError),
}

impl OpError {
    pub fn message_vi(&self) -> String {
        match self {
            OpError::NotFound(u) => format!("Đơn vị {u} không tồn tại vào ngày hiệu lực."),
            OpError::LaterChange(u) => {
                format!("Đơn vị {u} đã có thay đổi sau ngày này; các thao tác phải theo đúng trình tự thời gian.")
            }
            OpError::EmptyName => "Tên đơn vị không được để trống.".into(),
            OpError::BadMerge => "Sáp nhập cần ít nhất một đơn vị nguồn và đúng một đơn vị đích.".into(),
            OpError::BadSplit => "Chia tách cần ít nhất hai đơn vị mới và một đơn vị nhận dữ liệu mặc định.".into(),
            OpError::Cycle(u) => {
                format!("Không thể đặt đơn vị {u} vào dưới chính nó hoặc dưới một đơn vị trực thuộc nó.")
            }
            OpError::TargetUnderSource { target, from } => format!(
                "Đơn vị {target} nằm trong đơn vị {from}: không thể sáp nhập hay chia tách một đơn vị \
                 vào đơn vị trực thuộc của chính nó."
            ),
            OpError::HasChildren(u) => format!("Đơn vị {u} vẫn còn đơn vị trực thuộc."),
            OpError::NothingToAbolish => "Không có đơn vị nào thuộc cấp này.".into(),
            OpError::BadLink(e) => format!("Trang mạng xã hội chính thức: {}", e.message_vi()),
        }
    }
}

/// What a plan needs to know about the tree on the effective date.
pub trait TreeView {
    /// The unit's latest version (current or not).
    fn latest(&self, unit: UnitId) -> Option<UnitVersion>;
    /// Children valid on `date`.
    fn children_on(&self, unit: UnitId, date: Date) -> Vec<UnitVersion>;
    /// Units of `level` in the subtree of `root` on `date`.
    fn descendants_of_level(&self, root: UnitId, level: Level, date: Date) -> Vec<UnitVersion>;
    /// The units above `unit` on `date`, nearest first. The walk stops at a
    /// unit it already met or after [`MAX_DEPTH`](super::MAX_DEPTH) steps.
    fn ancestors_on(&self, unit: UnitId, date: Date) -> Vec<UnitId>;
}

impl OrgOp {
    pub fn kind(&self) -> EventKind {
        match self {
            OrgOp::Create { .. } => EventKind::Create,
            OrgOp::Rename { .. } => EventKind::Rename,
            OrgOp::Reparent { .. } => EventKind::Reparent,
            OrgOp::UpdateAttrs { .. } => EventKind::UpdateAttrs,
            OrgOp::Merge { .. } => EventKind::Merge,
            OrgOp::Split { .. } => EventKind::Split,
            OrgOp::AbolishLevel { .. } => EventKind::AbolishLevel,
            OrgOp::Abolish { .. } => EventKind::Abolish,
        }
    }

    /// New units this operation creates, in order; the store allocates ids
    /// for them and passes them to [`OrgOp::plan`] in the same order.
    pub fn new_units(&self) -> Vec<&NewUnit> {
        match self {
            OrgOp::Create { unit } => vec![unit],
            OrgOp::Merge { new_unit: Some(u), into: None, .. } => vec![u],
            OrgOp::Split { parts, .. } => parts.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// Every existing unit the operation touches (for access control).
    pub fn touched_units(&self) -> Vec<UnitId> {
        let mut out: Vec<UnitId> = self.new_units().iter().filter_map(|u| u.parent_id).collect();
        match self {
            OrgOp::Create { .. } => {}
            OrgOp::Rename { unit, .. } | OrgOp::UpdateAttrs { unit, .. } | OrgOp::Abolish { unit } => out.push(*unit),
            OrgOp::Reparent { unit, parent } => out.extend([*unit, *parent]),
            OrgOp::Merge { sources, into, .. } => {
                out.extend(sources);
                out.extend(into);
            }
            OrgOp::Split { source, .. } => out.push(*source),
            OrgOp::AbolishLevel { within, .. } => out.push(*within),
        }
        out
    }

    /// The existing units whose place in the tree the operation changes
    /// (moved, merged away, split, abolished). A scope never does this to
    /// its own root: that is the level above's decision (a commune officer
    /// does not move or merge their commune), while it may still rename it
    /// or change its attributes.
    pub fn restructured_units(&self) -> Vec<UnitId> {
        match self {
            OrgOp::Reparent { unit, .. } | OrgOp::Abolish { unit } => vec![*unit],
            OrgOp::Merge { sources, .. } => sources.clone(),
            OrgOp::Split { source, .. } => vec![*source],
            OrgOp::Create { .. } | OrgOp::Rename { .. } | OrgOp::UpdateAttrs { .. } | OrgOp::AbolishLevel { .. } => {
                Vec::new()
            }
        }
    }

    /// The unit attributes the operation writes.
    fn attrs(&self) -> Vec<&UnitAttrs> {
        match self {
            OrgOp::Create { unit } => vec![&unit.attrs],
            OrgOp::UpdateAttrs { attrs, .. } => vec![attrs],
            OrgOp::Merge { new_unit, .. } => new_unit.iter().map(|u| &u.attrs).collect(),
            OrgOp::Split { parts, .. } => parts.iter().map(|u| &u.attrs).collect(),
            OrgOp::Rename { .. } | OrgOp::Reparent { .. } | OrgOp::AbolishLevel { .. } | OrgOp::Abolish { .. } => {
                vec![]
            }
        }
    }

    pub fn plan(&self, date: Date, new_ids: &[UnitId], tree: &dyn TreeView) -> Result<Vec<Change>, OpError> {
        // Every path that writes an official page (forms, API, import) comes through here.
        for attrs in self.attrs() {
            if let Some(page) = &attrs.official_page {
                crate::link::HttpUrl::parse(page)?;
            }
        }
        let current = |u: UnitId| -> Result<UnitVersion, OpError> {
            let v = tree.latest(u).ok_or(OpError::NotFound(u))?;
            if v.valid_from > date {
                return Err(OpError::LaterChange(u));
            }
            if !v.is_valid_on(date) {
                return Err(OpError::NotFound(u));
            }
            Ok(v)
        };
        let revise = |old: UnitVersion, edit: &dyn Fn(&mut UnitVersion)| -> Vec<Change> {
            let mut new = UnitVersion { valid_from: date, valid_to: None, ..old };
            edit(&mut new);
            vec![Change::Close(new.unit_id), Change::Open(new)]
        };
        let open_new = |spec: &NewUnit, id: UnitId| -> Result<Change, OpError> {
            if spec.name.trim().is_empty() {
                return Err(OpError::EmptyName);
            }
            if let Some(p) = spec.parent_id {
                current(p)?;
            }
            Ok(Change::Open(UnitVersion {
                unit_id: id,
                valid_from: date,
                valid_to: None,
                code: spec.code.clone(),
                name: spec.name.trim().to_string(),
                level: spec.level,
                unit_type: spec.unit_type.clone(),
                parent_id: spec.parent_id,
                attrs: spec.attrs.clone(),
                lat: spec.lat,
                lon: spec.lon,
            }))
        };
        let move_children = |from: UnitId, to: UnitId| -> Vec<Change> {
            tree.children_on(from, date).into_iter().flat_map(|c| revise(c, &|n| n.parent_id = Some(to))).collect()
        };
        let link = |from: UnitId, to: UnitId, is_default: bool| {
            Change::Link(LineageLink { from, to, is_default, effective: date })
        };
        // Whether `unit` is `top` or lies under it: a unit ended or moved must
        // not end up under itself (its children would become its parents).
        let under = |unit: UnitId, top: UnitId| unit == top || tree.ancestors_on(unit, date).contains(&top);

        match self {
            OrgOp::Create { unit } => {
                let id = *new_ids.first().ok_or(OpError::BadMerge)?;
                Ok(vec![open_new(unit, id)?])
            }
            OrgOp::Rename { unit, name, code } => {
                if name.trim().is_empty() {
                    return Err(OpError::EmptyName);
                }
                Ok(revise(current(*unit)?, &|n| {
                    n.name = name.trim().to_string();
                    if code.is_some() {
                        n.code.clone_from(code);
                    }
                }))
            }
            OrgOp::UpdateAttrs { unit, attrs } => Ok(revise(current(*unit)?, &|n| n.attrs = attrs.clone())),
            OrgOp::Reparent { unit, parent } => {
                let v = current(*unit)?;
                current(*parent)?;
                if under(*parent, *unit) {
                    return Err(OpError::Cycle(*unit));
                }
                Ok(revise(v, &|n| n.parent_id = Some(*parent)))
            }
            OrgOp::Merge { sources, into, new_unit } => {
                let (target, mut changes) = match (into, new_unit, new_ids.first()) {
                    (Some(t), None, _) => {
                        current(*t)?;
                        (*t, Vec::new())
                    }
                    (None, Some(spec), Some(id)) => (*id, vec![open_new(spec, *id)?]),
                    _ => return Err(OpError::BadMerge),
                };
                if sources.is_empty() || sources.contains(&target) {
                    return Err(OpError::BadMerge);
                }
                // The existing target, or the new unit's parent, must lie
                // outside every source.
                let place = match (into, new_unit) {
                    (Some(t), _) => Some(*t),
                    (None, Some(spec)) => spec.parent_id,
                    (None, None) => None,
                };
                for s in sources {
                    current(*s)?;
                    if let Some(p) = place.filter(|p| under(*p, *s)) {
                        return Err(OpError::TargetUnderSource { target: p, from: *s });
                    }
                    changes.extend(move_children(*s, target));
                    changes.push(Change::Close(*s));
                    changes.push(link(*s, target, true));
                }
                Ok(changes)
            }
            OrgOp::Split { source, parts, default_part } => {
                if parts.len() < 2 || *default_part >= parts.len() || new_ids.len() != parts.len() {
                    return Err(OpError::BadSplit);
                }
                current(*source)?;
                // Every part is placed outside the unit it splits from.
                for p in parts.iter().filter_map(|spec| spec.parent_id) {
                    if under(p, *source) {
                        return Err(OpError::TargetUnderSource { target: p, from: *source });
                    }
                }
                let mut changes = Vec::new();
                for (i, (spec, id)) in parts.iter().zip(new_ids).enumerate() {
                    changes.push(open_new(spec, *id)?);
                    changes.push(link(*source, *id, i == *default_part));
                }
                changes.extend(move_children(*source, new_ids[*default_part]));
                changes.push(Change::Close(*source));
                Ok(changes)
            }
            OrgOp::AbolishLevel { level, within } => {
                current(*within)?;
                let doomed = tree.descendants_of_level(*within, *level, date);
                if doomed.is_empty() {
                    return Err(OpError::NothingToAbolish);
                }
                let mut changes = Vec::new();
                for v in doomed {
                    let Some(parent) = v.parent_id else { continue };
                    changes.extend(move_children(v.unit_id, parent));
                    changes.push(Change::Close(v.unit_id));
                    changes.push(link(v.unit_id, parent, true));
                }
                Ok(changes)
            }
            OrgOp::Abolish { unit } => {
                current(*unit)?;
                if !tree.children_on(*unit, date).is_empty() {
                    return Err(OpError::HasChildren(*unit));
                }
                Ok(vec![Change::Close(*unit)])
            }
        }
    }
}

#[cfg(test)]
mod tests;

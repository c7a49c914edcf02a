//! Evaluation and ranking: a unit scores itself against the year's criteria
//! with evidence links and submits; the level above approves or returns it;
//! approved and submitted totals are ranked and classified, and exported
//! for the evaluation of each unit's head. A criterion that reads a target
//! starts from the points the unit's computed target gives (the figure the
//! targets page shows), which the unit may change with a note; the ranking
//! leads to award nominations of the chosen units.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, Redirect, Response};
use khienmang_core::admin::{
    CriteriaSet, EvaluationStatus, EvidenceLink, RankEntry, Score, Total, UnitKind, prefill_points, rank, total,
};
use khienmang_core::auth::Capability;
use khienmang_core::movement::RecordKind;
use khienmang_core::org::UnitId;
use khienmang_core::targets::TargetValue;
use khienmang_store::admin::{EvaluationRecord, evaluation_record_id, unit_kind};
use serde::Deserialize;

use super::{ensure_below, unit_name, year_or_now};
use crate::access::{Evaluate, ProgrammeRead, Target, Within};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::Form;
use crate::kit::history::ChangeRow;
use crate::kit::xlsx::{Cell, Column, ColumnKind, Sheet, xlsx_download};
use crate::org::today;
use crate::page::{Chrome, Page, render};

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
    /// village | commune | agency | enterprise | school (default commune).
    #[serde(default)]
    kind: Option<String>,
}

pub struct RankRow {
    pub rank: usize,
    /// Offered ticked for a nomination: the top three places.
    pub top: bool,
    pub unit: i64,
    pub name: String,
    pub total: String,
    pub classification: &'static str,
    pub status: &'static str,
    pub status_code: &'static str,
}

#[derive(Template)]
#[template(path = "admin/evaluations.html")]
struct ListPage {
    chrome: Chrome,
    year: i32,
    years: Vec<i32>,
    kind: &'static str,
    kinds: Vec<(&'static str, &'static str)>,
    home: i64,
    home_name: String,
    /// Whether the session's own unit is scored (a province is not).
    home_scored: bool,
    home_status: String,
    rows: Vec<RankRow>,
    /// Units of the kind in scope with nothing entered yet.
    not_started: Vec<(i64, String)>,
    /// Whether the session may propose awards from the ranking.
    can_nominate: bool,
}

pub(crate) fn parse_kind(kind: Option<&str>) -> WebResult<UnitKind> {
    match kind.filter(|k| !k.is_empty()) {
        None => Ok(UnitKind::Commune),
        Some(k) => UnitKind::parse(k).ok_or_else(|| WebError::BadRequest(format!("Loại đơn vị “{k}” không có."))),
    }
}

/// The ranking of `kind` in the scope for `year`: submitted and approved
/// evaluations (a self-assessment still being edited is not ranked).
pub(crate) async fn ranking(
    g: &crate::access::Granted,
    year: i32,
    kind: UnitKind,
) -> WebResult<Vec<(RankEntry, EvaluationRecord)>> {
    let (history, evaluations) = g.evaluations(year).await?;
    let on = today();
    let mut out = Vec::new();
    for e in evaluations {
        if e.kind != kind || e.status == EvaluationStatus::SelfAssessment {
            continue;
        }
        let name = history
            .version_on(e.unit, on)
            .or_else(|| history.versions().iter().rev().find(|v| v.unit_id == e.unit))
            .map(|v| v.name.clone())
            .unwrap_or_default();
        out.push((RankEntry { unit: e.unit, name, total: e.total, approved_on: e.approved_on }, e));
    }
    Ok(out)
}

/// `GET /evaluations`: the ranking of the scope's units and the session's own evaluation.
pub async fn list(Page { lang, id }: Page, m: ProgrammeRead, Query(q): Query<YearQuery>) -> WebResult<Html<String>> {
    let on = today();
    let year = year_or_now(q.year, on);
    let kind = parse_kind(q.kind.as_deref())?;
    let home_unit = m.0.home(on).await?;
    let home = home_unit.unit();
    let home_status = match home_unit.evaluation(year).await? {
        Some(e) => format!("{} · {} điểm", Tr { lang: lang.0 }.label(&e.status), e.total.to_vi()),
        None => "Chưa tự đánh giá".to_owned(),
    };
    let entries = ranking(&m.0, year, kind).await?;
    let ranked = rank(&entries.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>());
    let rows = ranked
        .iter()
        .filter_map(|r| {
            let (_, e) = entries.iter().find(|(x, _)| x.unit == r.entry.unit)?;
            Some(RankRow {
                rank: r.competition_rank,
                top: r.competition_rank <= 3,
                unit: r.entry.unit.0,
                name: r.entry.name.clone(),
                total: r.entry.total.to_vi(),
                // The band of the set the evaluation was scored against.
                classification: Tr { lang: lang.0 }.label(&e.classification),
                status: Tr { lang: lang.0 }.label(&e.status),
                status_code: e.status.as_str(),
            })
        })
        .collect();
    // Units of this kind in scope today that have entered nothing.
    let (history, evaluations) = m.0.evaluations(year).await?;
    let started: std::collections::HashSet<UnitId> = evaluations.into_iter().map(|e| e.unit).collect();
    let roots = m.0.scope_roots(on).await?;
    let mut not_started = Vec::new();
    for root in roots {
        for v in history.subtree_on(root, on) {
            if unit_kind(v.level) == Some(kind) && !started.contains(&v.unit_id) {
                not_started.push((v.unit_id.0, v.name.clone()));
            }
        }
    }
    not_started.truncate(200);
    render(&ListPage {
        chrome: Chrome::new(lang, id.as_ref(), "evaluations"),
        year,
        years: (khienmang_core::targets::FIRST_YEAR..=khienmang_core::targets::LAST_YEAR).collect(),
        kind: kind.as_str(),
        kinds: UnitKind::ALL.iter().map(|k| (k.as_str(), Tr { lang: lang.0 }.label(k))).collect(),
        home: home.0,
        home_name: unit_name(&m.0, home, on).await?,
        home_scored: kind_of(&home_unit).await.is_ok(),
        home_status,
        rows,
        not_started,
        can_nominate: id.as_ref().is_some_and(|i| i.user.role.can(Capability::Evaluate)),
    })
}

/// `GET /evaluations/export.xlsx`: the ranking, for the evaluation of each unit's head.
pub async fn export(m: ProgrammeRead, Query(q): Query<YearQuery>) -> WebResult<Response> {
    let year = year_or_now(q.year, today());
    let kind = parse_kind(q.kind.as_deref())?;
    let entries = ranking(&m.0, year, kind).await?;
    let ranked = rank(&entries.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>());
    let sheet = Sheet {
        title: format!("Xếp loại {} năm {year}", kind.label_vi().to_lowercase()),
        subtitle: Some("Kết quả dùng cho đánh giá, xếp loại người đứng đầu đơn vị".into()),
        columns: vec![
            Column::new("Thứ tự", ColumnKind::Integer),
            Column::new("Xếp hạng", ColumnKind::Integer),
            Column::new("Đơn vị", ColumnKind::Text),
            Column::new("Tổng điểm", ColumnKind::Text),
            Column::new("Xếp loại", ColumnKind::Text),
            Column::new("Trạng thái", ColumnKind::Text),
            Column::new("Ngày phê duyệt", ColumnKind::Date),
        ],
        rows: ranked
            .iter()
            .map(|r| {
                let record = entries.iter().find(|(x, _)| x.unit == r.entry.unit).map(|(_, e)| e);
                let status = record.map(|e| e.status.label_vi()).unwrap_or_default();
                let class = record.map_or(r.classification, |e| e.classification);
                vec![
                    Cell::Integer(r.position as i64),
                    Cell::Integer(r.competition_rank as i64),
                    Cell::Text(r.entry.name.clone()),
                    Cell::Text(r.entry.total.to_vi()),
                    Cell::Text(class.label_vi().into()),
                    Cell::Text(status.into()),
                    r.entry.approved_on.map(Cell::Date).unwrap_or(Cell::Empty),
                ]
            })
            .collect(),
    };
    xlsx_download(&format!("xep-loai-{}-{year}.xlsx", kind.as_str()), &[sheet])
        .map_err(|e| WebError::Internal(e.to_string()))
}

pub struct CriterionRow {
    pub code: String,
    pub title: String,
    pub max: u32,
    pub weight: u32,
    pub points: String,
    pub evidence: String,
    /// "tính từ chỉ tiêu 2.6: 50% → 5/10 điểm", for a criterion reading a target.
    pub computed: Option<String>,
    /// Whether the points shown are the computed ones (nothing entered yet).
    pub prefilled: bool,
    pub note: String,
}

#[derive(Template)]
#[template(path = "admin/evaluation.html")]
struct FormPage {
    chrome: Chrome,
    unit: i64,
    name: String,
    kind: &'static str,
    year: i32,
    status: &'static str,
    status_code: &'static str,
    editable: bool,
    total: String,
    classification: &'static str,
    return_note: Option<String>,
    criteria: Vec<CriterionRow>,
    decided: Option<String>,
    /// The version of the year's set the form shows (0: the document's default).
    version: i64,
    changes: Vec<ChangeRow>,
}

async fn kind_of(unit: &Within<'_>) -> WebResult<UnitKind> {
    let v = unit.on_or_latest(today()).await?;
    unit_kind(v.level)
        .ok_or_else(|| WebError::BadRequest("Cấp tỉnh và cấp huyện không chấm điểm theo bộ tiêu chí này.".into()))
}

/// The unit's targets of `year` as the targets page reads them (the tree
/// of the year, not mapped to today's): `None` when the unit has no row.
async fn unit_targets(within: &Within<'_>, year: i32) -> WebResult<Option<[TargetValue; 12]>> {
    let unit = within.unit();
    within.with_targets(today(), |snap| snap.table(false).rows(unit, year)).await
}

/// What a criterion reading a target starts from: the points and the words
/// beside them.
fn computed(
    c: &khienmang_core::admin::Criterion,
    targets: Option<&[TargetValue; 12]>,
) -> Option<(Option<u32>, String)> {
    let target = c.target?;
    let v = targets.and_then(|rows| rows.iter().find(|v| v.target == target));
    let Some(v) = v.filter(|v| v.value.is_some()) else {
        return Some((None, format!("chỉ tiêu {}: chưa có số liệu", target.code())));
    };
    let points = prefill_points(c.max_points, v.value, v.goal);
    let shown = v.value.map(crate::dashboard::percent_vi).unwrap_or_default();
    let words = match points {
        Some(p) => format!("tính từ chỉ tiêu {}: {shown} → {p}/{} điểm", target.code(), c.max_points),
        None => format!("chỉ tiêu {}: chưa có số liệu", target.code()),
    };
    Some((points, words))
}

/// `GET /evaluations/{unit}`: the scoring form, with the criteria of the
/// year (those it was scored against, once sent up) and the points the
/// unit's targets give.
pub async fn page(
    Page { lang, id }: Page,
    m: ProgrammeRead,
    Path(unit): Path<i64>,
    Query(q): Query<YearQuery>,
) -> WebResult<Html<String>> {
    let within = m.0.within(UnitId(unit)).await?;
    let unit = within.unit();
    let on = today();
    let year = year_or_now(q.year, on);
    let kind = kind_of(&within).await?;
    let record = within.evaluation(year).await?;
    let status = record.as_ref().map_or(EvaluationStatus::SelfAssessment, |r| r.status);
    let set: CriteriaSet = match &record {
        Some(r) if !status.is_editable() => m.0.criteria_set_version(year, kind, r.criteria_version).await?,
        _ => m.0.criteria_set(year, kind).await?,
    };
    let targets = if status.is_editable() { unit_targets(&within, year).await? } else { None };
    let scores = record.as_ref().map(|r| r.scores.clone()).unwrap_or_default();
    let criteria = set
        .criteria
        .iter()
        .map(|c| {
            let s = scores.iter().find(|s| s.criterion == c.code);
            let from_target = if status.is_editable() { computed(c, targets.as_ref()) } else { None };
            let prefill = from_target.as_ref().and_then(|(p, _)| *p);
            CriterionRow {
                code: c.code.clone(),
                title: c.title_vi.clone(),
                max: c.max_points,
                weight: c.weight,
                points: s.map(|s| s.points.to_string()).or_else(|| prefill.map(|p| p.to_string())).unwrap_or_default(),
                evidence: s
                    .map(|s| s.evidence.iter().map(|e| e.as_str()).collect::<Vec<_>>().join("\n"))
                    .unwrap_or_default(),
                prefilled: s.is_none() && prefill.is_some(),
                computed: from_target.map(|(_, words)| words),
                note: s.and_then(|s| s.note.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let t = record.as_ref().map_or(Total(0), |r| r.total);
    let history = m.0.programme_history(RecordKind::Evaluation, &evaluation_record_id(unit, year)).await?;
    let changes =
        m.0.history_of_kind(Tr { lang: lang.0 }, RecordKind::Evaluation, history.into_iter().rev().collect()).await?;
    render(&FormPage {
        chrome: Chrome::new(lang, id.as_ref(), "evaluations"),
        unit: unit.0,
        name: unit_name(&m.0, unit, on).await?,
        kind: Tr { lang: lang.0 }.label(&kind),
        year,
        status: Tr { lang: lang.0 }.label(&status),
        status_code: status.as_str(),
        editable: status.is_editable(),
        total: t.to_vi(),
        classification: record.as_ref().map_or_else(|| set.bands.classify(t), |r| r.classification).label_vi(),
        return_note: record.as_ref().and_then(|r| r.return_note.clone()),
        decided: record.as_ref().and_then(|r| {
            Some(format!(
                "{} ({})",
                r.decided_by.clone()?,
                r.approved_on.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
            ))
        }),
        criteria,
        version: set.version,
        changes,
    })
}

/// `POST /evaluations/{unit}/scores`: fields `year`, `points.CODE`, `evidence.CODE`.
pub async fn scores_submit(
    m: Evaluate,
    Path(unit): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Redirect> {
    let unit = UnitId(unit);
    let within = m.0.within_today(unit).await?;
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim());
    let year = year_or_now(field("year").and_then(|y| y.parse().ok()), today());
    let kind = kind_of(&within).await?;
    let set = m.0.criteria_set(year, kind).await?;
    let mut scores = Vec::new();
    for c in &set.criteria {
        let raw = field(&format!("points.{}", c.code)).unwrap_or("");
        if raw.is_empty() {
            continue;
        }
        let points: u32 = raw
            .parse()
            .map_err(|_| WebError::BadRequest(format!("Tiêu chí {}: “{raw}” không phải số điểm.", c.code)))?;
        let evidence = field(&format!("evidence.{}", c.code))
            .unwrap_or("")
            .split_whitespace()
            .take(20)
            .map(|l| EvidenceLink::parse(l).map_err(|e| WebError::BadRequest(e.message_vi())))
            .collect::<WebResult<Vec<_>>>()?;
        let note = field(&format!("note.{}", c.code)).filter(|n| !n.is_empty()).map(str::to_owned);
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            return Err(WebError::BadRequest(format!("Tiêu chí {}: ghi chú dài quá 500 ký tự.", c.code)));
        }
        scores.push(Score { criterion: c.code.clone(), points, evidence, note });
    }
    total(&set, &scores).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let submit = field("submit") == Some("1");
    m.0.write(Target::Unit(unit), async |tx| {
        tx.score_evaluation(unit, kind, year, &set, scores).await?;
        if submit {
            tx.submit_evaluation(unit, year).await?;
        }
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&format!("/evaluations/{}?year={year}", unit.0)))
}

#[derive(Deserialize)]
pub struct DecisionIn {
    year: i32,
    /// approve | return
    decision: String,
    #[serde(default)]
    note: String,
}

/// `POST /evaluations/{unit}/decision`: the level above approves or returns.
pub async fn decision_submit(m: Evaluate, Path(unit): Path<i64>, Form(f): Form<DecisionIn>) -> WebResult<Redirect> {
    let unit = UnitId(unit);
    ensure_below(&m.0, unit).await?;
    let approve = match f.decision.as_str() {
        "approve" => true,
        "return" => false,
        _ => return Err(WebError::BadRequest("Quyết định không hợp lệ.".into())),
    };
    m.0.write(Target::Unit(unit), async |tx| Ok(tx.decide_evaluation(unit, f.year, approve, &f.note, today()).await?))
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{}?year={}", unit.0, f.year)))
}

//! Evaluation and ranking: a unit scores itself against the year's criteria
//! with evidence links and submits; the level above approves or returns it;
//! approved and submitted totals are ranked and classified, and exported
//! for the evaluation of each unit's head.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, Redirect, Response};
use khienmang_core::admin::{
    Classification, EvaluationStatus, EvidenceLink, RankEntry, Score, Total, UnitKind, rank, total,
};
use khienmang_core::org::UnitId;
use khienmang_store::admin::{EvaluationRecord, unit_kind};
use serde::Deserialize;

use super::{ensure_below, unit_name, year_or_now};
use crate::access::{Evaluate, ProgrammeRead, Target, Within};
use crate::error::{WebError, WebResult};
use crate::kit::form::Form;
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
}

fn parse_kind(kind: Option<&str>) -> WebResult<UnitKind> {
    match kind.filter(|k| !k.is_empty()) {
        None => Ok(UnitKind::Commune),
        Some(k) => UnitKind::parse(k).ok_or_else(|| WebError::BadRequest(format!("Loại đơn vị “{k}” không có."))),
    }
}

/// The ranking of `kind` in the scope for `year`: submitted and approved
/// evaluations (a self-assessment still being edited is not ranked).
async fn ranking(
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
        Some(e) => format!("{} · {} điểm", e.status.label_vi(), e.total.to_vi()),
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
                unit: r.entry.unit.0,
                name: r.entry.name.clone(),
                total: r.entry.total.to_vi(),
                classification: r.classification.label_vi(),
                status: e.status.label_vi(),
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
        kinds: UnitKind::ALL.iter().map(|k| (k.as_str(), k.label_vi())).collect(),
        home: home.0,
        home_name: unit_name(&m.0, home, on).await?,
        home_scored: kind_of(&home_unit).await.is_ok(),
        home_status,
        rows,
        not_started,
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
                let status = entries
                    .iter()
                    .find(|(x, _)| x.unit == r.entry.unit)
                    .map(|(_, e)| e.status.label_vi())
                    .unwrap_or_default();
                vec![
                    Cell::Integer(r.position as i64),
                    Cell::Integer(r.competition_rank as i64),
                    Cell::Text(r.entry.name.clone()),
                    Cell::Text(r.entry.total.to_vi()),
                    Cell::Text(r.classification.label_vi().into()),
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
}

async fn kind_of(unit: &Within<'_>) -> WebResult<UnitKind> {
    let v = unit.on_or_latest(today()).await?;
    unit_kind(v.level)
        .ok_or_else(|| WebError::BadRequest("Cấp tỉnh và cấp huyện không chấm điểm theo bộ tiêu chí này.".into()))
}

/// `GET /evaluations/{unit}`: the scoring form, with the criteria of the year.
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
    let set = m.0.criteria_set(year, kind).await?;
    let record = within.evaluation(year).await?;
    let scores = record.as_ref().map(|r| r.scores.clone()).unwrap_or_default();
    let criteria = set
        .criteria
        .iter()
        .map(|c| {
            let s = scores.iter().find(|s| s.criterion == c.code);
            CriterionRow {
                code: c.code.clone(),
                title: c.title_vi.clone(),
                max: c.max_points,
                weight: c.weight,
                points: s.map(|s| s.points.to_string()).unwrap_or_default(),
                evidence: s
                    .map(|s| s.evidence.iter().map(|e| e.as_str()).collect::<Vec<_>>().join("\n"))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let status = record.as_ref().map_or(EvaluationStatus::SelfAssessment, |r| r.status);
    let t = record.as_ref().map_or(Total(0), |r| r.total);
    render(&FormPage {
        chrome: Chrome::new(lang, id.as_ref(), "evaluations"),
        unit: unit.0,
        name: unit_name(&m.0, unit, on).await?,
        kind: kind.label_vi(),
        year,
        status: status.label_vi(),
        status_code: status.as_str(),
        editable: status.is_editable(),
        total: t.to_vi(),
        classification: Classification::of(t).label_vi(),
        return_note: record.as_ref().and_then(|r| r.return_note.clone()),
        decided: record.as_ref().and_then(|r| {
            Some(format!(
                "{} ({})",
                r.decided_by.clone()?,
                r.approved_on.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
            ))
        }),
        criteria,
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
            .map(|l| EvidenceLink::parse(l).map_err(|e| WebError::BadRequest(e.message_vi())))
            .collect::<WebResult<Vec<_>>>()?;
        scores.push(Score { criterion: c.code.clone(), points, evidence });
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

//! The nine targets (SPEC M4): the dashboard of a node with drill-down to
//! its children, trend by year, ranking and map of communes, XLSX exports,
//! and the JSON API. Values come from the store's cached tables; nothing
//! here computes a target.

use askama::Template;
use axum::Json;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Response};
use khienmang_core::Date;
use khienmang_core::org::{Level, OrgHistory, UnitId};
use khienmang_core::targets::{FIRST_YEAR, LAST_YEAR, Status, TargetId, TargetTable, TargetValue, composite_parts};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{MovementRead, Within};
use crate::dashboard::chart::{BarRow, TrendPoint, ranking_bars, sparkline, trend_chart};
use crate::dashboard::map::{MapPoint, commune_map};
use crate::error::{WebError, WebResult};
use crate::i18n::{Tr, date_vi, number_vi};
use crate::kit::xlsx::{Cell, Column, ColumnKind, Sheet, workbook, xlsx_response_headers};
use crate::org::today;
use crate::page::{Chrome, Page, render};

/// The nine targets as the dashboards show them (2.9's parts on the detail table).
const NINE: [TargetId; 9] = [
    TargetId::Resolution,
    TargetId::Plan,
    TargetId::StaffTraining,
    TargetId::LeaderTraining,
    TargetId::OutreachUpdate,
    TargetId::VillageActivity,
    TargetId::PagePosts,
    TargetId::TrustedVoices,
    TargetId::Coverage,
];

#[derive(Deserialize, Default, Clone)]
pub struct TargetsQuery {
    #[serde(default)]
    unit: Option<i64>,
    #[serde(default)]
    year: Option<i32>,
    /// "then" (default) or "today".
    #[serde(default)]
    mode: Option<String>,
    /// The target the trend, ranking and map show.
    #[serde(default)]
    target: Option<String>,
}

/// The request, resolved: which unit, year, reading and target.
struct Selection<'a> {
    /// The unit, checked once to be in the scope; the targets are read through it.
    at: Within<'a>,
    unit: UnitId,
    year: i32,
    mapped: bool,
    target: TargetId,
    today: Date,
}

impl<'a> Selection<'a> {
    async fn of(m: &'a MovementRead, q: &TargetsQuery) -> WebResult<Selection<'a>> {
        let today = today();
        let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&today)).clamp(FIRST_YEAR, LAST_YEAR);
        let mapped = match q.mode.as_deref() {
            None | Some("") | Some("then") => false,
            Some("today") => true,
            Some(other) => {
                return Err(WebError::BadRequest(format!("Cách đọc “{other}” không hợp lệ: then hoặc today.")));
            }
        };
        let target = match q.target.as_deref().filter(|t| !t.is_empty()) {
            None => TargetId::Coverage,
            Some(code) => TargetId::from_code(code)
                .ok_or_else(|| WebError::BadRequest(format!("Chỉ tiêu “{code}” không có; dùng 2.1 … 2.9.")))?,
        };
        let unit = match q.unit {
            Some(u) => UnitId(u),
            None => m.0.home_unit(today).await?,
        };
        let at = m.0.within(unit).await?;
        Ok(Selection { at, unit, year, mapped, target, today })
    }

    fn mode(&self) -> &'static str {
        if self.mapped { "today" } else { "then" }
    }

    fn link(&self, unit: UnitId) -> String {
        format!("/targets?unit={}&year={}&mode={}&target={}", unit.0, self.year, self.mode(), self.target.code())
    }
}

/// "72,5%", or the no-data words.
fn percent(v: Option<f64>, tr: &Tr) -> String {
    match v {
        Some(v) => crate::dashboard::percent_vi(v),
        None => tr.label(&Status::NoData).to_string(),
    }
}

fn name_in(history: &OrgHistory, unit: UnitId, on: Date) -> String {
    history
        .version_on(unit, on)
        .or_else(|| history.versions().iter().rev().find(|v| v.unit_id == unit))
        .map(|v| v.name.clone())
        .unwrap_or_else(|| format!("#{}", unit.0))
}

fn level_in(history: &OrgHistory, unit: UnitId, on: Date) -> Option<Level> {
    history.version_on(unit, on).map(|v| v.level)
}

pub struct TargetRow {
    pub code: &'static str,
    pub label: &'static str,
    pub part: bool,
    pub numerator: String,
    pub denominator: String,
    pub value: String,
    pub goal: String,
    pub expected: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub reported: String,
    pub trend: String,
}

pub struct ChildRow {
    pub href: String,
    pub name: String,
    pub cells: Vec<(String, &'static str)>,
}

pub struct Crumb {
    pub href: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "targets.html")]
struct DashboardPage {
    chrome: Chrome,
    unit_name: String,
    unit_id: i64,
    year: i32,
    years: Vec<i32>,
    mode: &'static str,
    target: &'static str,
    target_label: &'static str,
    targets: Vec<(&'static str, &'static str)>,
    reference: String,
    crumbs: Vec<Crumb>,
    rows: Vec<TargetRow>,
    children: Vec<ChildRow>,
    codes: Vec<&'static str>,
    trend: String,
    ranking: String,
    map: String,
    /// The unit is not in this year's tree (e.g. a commune formed in 2025 read "then" in 2024).
    absent: bool,
    successor: Option<Crumb>,
    predecessors: Vec<Crumb>,
    export: String,
}

/// A target's years as a chart draws them: a year still to come is left
/// out (a gap, never 0%), and a composite (2.9) has no trajectory of its own.
fn trend_points(table: &TargetTable, unit: UnitId, target: TargetId) -> Vec<TrendPoint> {
    table
        .series(unit, target)
        .into_iter()
        .filter(|(year, _)| table.has_begun(*year))
        .map(|(year, value)| TrendPoint {
            year,
            value: value.and_then(|x| x.value),
            expected: value.filter(|x| x.target != TargetId::Coverage).map(|x| x.expected),
        })
        .collect()
}

/// "0/3 parts met: 2.9a Đúng lộ trình; 2.9b Đạt; …": a composite read as its
/// parts, each with its own rating.
fn parts_met(v: &TargetValue, row: &[TargetValue], tr: &Tr) -> String {
    let parts: Vec<String> =
        composite_parts(row).map(|p| format!("{} {}", p.target.code(), tr.label(&p.status))).collect();
    format!("{}/{} {}: {}", v.numerator, v.denominator, tr.t("fig.parts_met"), parts.join("; "))
}

fn target_row(v: &TargetValue, row: &[TargetValue], table: &TargetTable, unit: UnitId, tr: &Tr) -> TargetRow {
    let trend = trend_points(table, unit, v.target);
    let reported = match v.target {
        TargetId::Coverage => String::new(),
        _ => format!("{}/{}", number_vi(v.reported_units), number_vi(v.eligible_units)),
    };
    // Nothing to count under this node (no committee under a village, no
    // enterprise under a school): "not applicable", not "no data".
    let applies = v.denominator > 0 || v.eligible_units > 0;
    let (status, status_label) =
        if applies { (v.status.as_str(), tr.label(&v.status)) } else { ("not_applicable", tr.t("fig.not_applicable")) };
    TargetRow {
        code: v.target.code(),
        label: tr.label(&v.target),
        part: matches!(
            v.target,
            TargetId::CoverageUnits | TargetId::CoverageEnterprises | TargetId::CoverageHouseholds
        ),
        numerator: number_vi(v.numerator),
        denominator: number_vi(v.denominator),
        value: match v.target {
            _ if !applies => "—".into(),
            TargetId::Coverage if v.value.is_some() => parts_met(v, row, tr),
            _ => percent(v.value, tr),
        },
        goal: percent(Some(v.goal), tr),
        expected: if v.target == TargetId::Coverage {
            tr.t("fig.all_parts").into()
        } else {
            percent(Some(v.expected), tr)
        },
        status,
        status_label,
        reported,
        trend: sparkline(*tr, &trend),
    }
}

/// The targets behind their trajectory this year at the scope's own unit:
/// (code, label), for the work overview.
pub async fn behind_this_year(m: &MovementRead) -> WebResult<Vec<(&'static str, &'static str)>> {
    let sel = Selection::of(m, &TargetsQuery::default()).await?;
    let behind = sel
        .at
        .with_targets(sel.today, |snap| {
            let rows = snap.table(sel.mapped).rows(sel.unit, sel.year)?;
            Some(
                rows.iter()
                    .filter(|v| v.status.as_str() == "behind")
                    .map(|v| (v.target.code(), v.target.label_vi()))
                    .collect::<Vec<_>>(),
            )
        })
        .await?;
    Ok(behind.unwrap_or_default())
}

/// The province dashboard and every node's drill-down.
pub async fn dashboard(
    Page { lang, id }: Page,
    m: MovementRead,
    Query(q): Query<TargetsQuery>,
) -> WebResult<Html<String>> {
    let sel = Selection::of(&m, &q).await?;
    let chrome = Chrome::new(lang, id.as_ref(), "targets");
    let tr = chrome.tr;
    let page = sel
        .at
        .with_targets(sel.today, |snap| {
            let table = snap.table(sel.mapped);
            let history = &snap.history;
            let reference = table.reference_date(sel.year).unwrap_or(sel.today);
            let base = DashboardPage {
                chrome,
                unit_name: name_in(history, sel.unit, reference),
                unit_id: sel.unit.0,
                year: sel.year,
                years: (FIRST_YEAR..=LAST_YEAR).collect(),
                mode: sel.mode(),
                target: sel.target.code(),
                target_label: tr.label(&sel.target),
                targets: TargetId::ALL.iter().map(|t| (t.code(), tr.label(t))).collect(),
                reference: date_vi(reference),
                crumbs: Vec::new(),
                rows: Vec::new(),
                children: Vec::new(),
                codes: NINE.iter().map(|t| t.code()).collect(),
                trend: String::new(),
                ranking: String::new(),
                map: String::new(),
                absent: false,
                successor: None,
                predecessors: Vec::new(),
                export: format!("/targets/export.xlsx?unit={}&year={}&mode={}", sel.unit.0, sel.year, sel.mode()),
            };
            let Some(rows) = table.rows(sel.unit, sel.year) else {
                // Not in this year's tree: offer the units that stand for it.
                let successor = history.successor_on(sel.unit, reference).filter(|s| *s != sel.unit);
                let predecessors = history
                    .predecessors(sel.unit)
                    .into_iter()
                    .filter(|p| table.rows(*p, sel.year).is_some())
                    .map(|p| Crumb { href: sel.link(p), name: name_in(history, p, reference) })
                    .collect();
                return DashboardPage {
                    absent: true,
                    successor: successor.map(|s| Crumb { href: sel.link(s), name: name_in(history, s, reference) }),
                    predecessors,
                    ..base
                };
            };
            let mut crumbs = Vec::new();
            let mut up = table.parent(sel.unit, sel.year);
            while let Some(p) = up {
                crumbs.push(Crumb { href: sel.link(p), name: name_in(history, p, reference) });
                up = table.parent(p, sel.year);
            }
            crumbs.reverse();
            let children = table
                .children(sel.unit, sel.year)
                .into_iter()
                .filter_map(|c| {
                    let values = table.rows(c, sel.year)?;
                    let cells = NINE
                        .iter()
                        .filter_map(|t| values.iter().find(|v| v.target == *t))
                        .map(|v| (percent(v.value, &tr), v.status.as_str()))
                        .collect();
                    Some(ChildRow { href: sel.link(c), name: name_in(history, c, reference), cells })
                })
                .collect();
            let series = trend_points(table, sel.unit, sel.target);
            let ranked = table.rank_communes(sel.unit, sel.year, sel.target);
            let (ranking, map) = if ranked.len() > 1 {
                let bars: Vec<BarRow> = ranked
                    .iter()
                    .map(|r| BarRow {
                        label: format!(
                            "{}. {}",
                            r.rank.map(|n| n.to_string()).unwrap_or_else(|| "–".into()),
                            name_in(history, r.unit, reference)
                        ),
                        value: r.value.value,
                        status: r.value.status,
                        href: Some(sel.link(r.unit)),
                    })
                    .collect();
                let points: Vec<MapPoint> = ranked
                    .iter()
                    .filter_map(|r| {
                        let v = history.version_on(r.unit, reference)?;
                        Some(MapPoint {
                            label: v.name.clone(),
                            lat: v.lat?,
                            lon: v.lon?,
                            value: r.value.value,
                            status: r.value.status,
                            href: Some(sel.link(r.unit)),
                        })
                    })
                    .collect();
                let title = format!("{} {} — {}", sel.target.code(), sel.target.label_vi(), sel.year);
                let map = if points.len() > 2 { commune_map(tr, &title, &points) } else { String::new() };
                (ranking_bars(tr, &title, &bars), map)
            } else {
                (String::new(), String::new())
            };
            let goal = sel.target.goal();
            DashboardPage {
                crumbs,
                rows: rows.iter().map(|v| target_row(v, &rows, table, sel.unit, &tr)).collect(),
                children,
                trend: trend_chart(tr, &format!("{} {}", sel.target.code(), tr.label(&sel.target)), &series, goal),
                ranking,
                map,
                ..base
            }
        })
        .await?;
    render(&page)
}

/// A target as the API returns it.
#[derive(Serialize, ToSchema)]
pub struct TargetJson {
    /// "2.1" … "2.9", and the parts "2.9a", "2.9b", "2.9c".
    pub target: &'static str,
    pub label: &'static str,
    pub numerator: i64,
    pub denominator: i64,
    /// The share achieved; null when there is no data (never 0).
    pub value: Option<f64>,
    /// The document's goal as a share.
    pub goal: f64,
    /// What the trajectory to 2030 expects this year.
    pub expected: f64,
    /// met, on_track, behind or no_data.
    pub status: &'static str,
    pub eligible_units: i64,
    pub reported_units: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TargetsJson {
    pub unit: i64,
    pub name: String,
    pub year: i32,
    pub mode: &'static str,
    /// The date whose tree and units the year is read with.
    pub reference_date: String,
    pub targets: Vec<TargetJson>,
}

/// The nine targets of a unit for a year.
#[utoipa::path(get, path = "/api/v1/targets",
    params(("unit" = Option<i64>, Query, description = "Unit id; the scope's root by default"),
           ("year" = Option<i32>, Query, description = "2024–2030; this year by default"),
           ("mode" = Option<String>, Query, description = "then (default) or today")),
    responses((status = 200, body = TargetsJson), (status = 404, description = "Not in that year's tree or outside the scope")))]
pub async fn api_targets(m: MovementRead, Query(q): Query<TargetsQuery>) -> WebResult<Json<TargetsJson>> {
    let sel = Selection::of(&m, &q).await?;
    let out = sel
        .at
        .with_targets(sel.today, |snap| {
            let table = snap.table(sel.mapped);
            let rows = table.rows(sel.unit, sel.year)?;
            let reference = table.reference_date(sel.year)?;
            Some(TargetsJson {
                unit: sel.unit.0,
                name: name_in(&snap.history, sel.unit, reference),
                year: sel.year,
                mode: sel.mode(),
                reference_date: reference.to_string(),
                targets: rows
                    .iter()
                    .map(|v| TargetJson {
                        target: v.target.code(),
                        label: v.target.label_vi(),
                        numerator: v.numerator,
                        denominator: v.denominator,
                        value: v.value,
                        goal: v.goal,
                        expected: v.expected,
                        status: v.status.as_str(),
                        eligible_units: v.eligible_units,
                        reported_units: v.reported_units,
                    })
                    .collect(),
            })
        })
        .await?;
    out.map(Json).ok_or(WebError::NotFound)
}

fn value_cell(v: &TargetValue) -> Cell {
    match v.value {
        Some(x) => Cell::Share(x),
        None => Cell::NoData,
    }
}

/// The dashboard's tables as one workbook: the unit's targets, its
/// children's, and the ranking of communes on every target.
pub async fn export(m: MovementRead, Query(q): Query<TargetsQuery>) -> WebResult<Response> {
    let sel = Selection::of(&m, &q).await?;
    let (name, sheets) = sel
        .at
        .with_targets(sel.today, |snap| {
            let table = snap.table(sel.mapped);
            let history = &snap.history;
            let rows = table.rows(sel.unit, sel.year)?;
            let reference = table.reference_date(sel.year)?;
            let name = name_in(history, sel.unit, reference);
            let reading =
                if sel.mapped { "theo địa giới hiện nay" } else { "theo địa giới tại thời điểm" };
            let subtitle = Some(format!("Năm {} ({reading}); số liệu đến ngày {}", sel.year, date_vi(reference)));
            let col = |header: &str, kind: ColumnKind| Column { header: header.to_string(), kind, width: None };
            let own = Sheet {
                title: format!("Kết quả thực hiện chỉ tiêu — {name}"),
                subtitle: subtitle.clone(),
                columns: vec![
                    col("Chỉ tiêu", ColumnKind::Text),
                    col("Nội dung", ColumnKind::Text),
                    col("Tử số", ColumnKind::Integer),
                    col("Mẫu số", ColumnKind::Integer),
                    col("Tỷ lệ đạt", ColumnKind::Percent),
                    col("Chỉ tiêu đề ra", ColumnKind::Percent),
                    col("Lộ trình năm", ColumnKind::Percent),
                    col("Đánh giá", ColumnKind::Text),
                    col("Đơn vị đã báo cáo", ColumnKind::Integer),
                    col("Đơn vị thuộc diện", ColumnKind::Integer),
                ],
                rows: rows
                    .iter()
                    .map(|v| {
                        // A composite reads as its parts, as on the dashboard.
                        let composite = v.target == TargetId::Coverage && v.value.is_some();
                        let tr = Tr::default();
                        vec![
                            Cell::Text(v.target.code().into()),
                            Cell::Text(v.target.label_vi().into()),
                            Cell::Integer(v.numerator),
                            Cell::Integer(v.denominator),
                            if composite { Cell::Text(parts_met(v, &rows, &tr)) } else { value_cell(v) },
                            Cell::Share(v.goal),
                            if composite { Cell::Text(tr.t("fig.all_parts").into()) } else { Cell::Share(v.expected) },
                            Cell::Text(v.status.label_vi().into()),
                            Cell::Integer(v.reported_units),
                            Cell::Integer(v.eligible_units),
                        ]
                    })
                    .collect(),
            };
            let mut columns = vec![col("Đơn vị", ColumnKind::Text)];
            columns.extend(NINE.iter().map(|t| col(&format!("{} {}", t.code(), t.label_vi()), ColumnKind::Percent)));
            let children = Sheet {
                title: format!("Chỉ tiêu của các đơn vị trực thuộc {name}"),
                subtitle: subtitle.clone(),
                columns,
                rows: table
                    .children(sel.unit, sel.year)
                    .into_iter()
                    .filter_map(|c| {
                        let values = table.rows(c, sel.year)?;
                        let mut row = vec![Cell::Text(name_in(history, c, reference))];
                        row.extend(NINE.iter().filter_map(|t| values.iter().find(|v| v.target == *t)).map(value_cell));
                        Some(row)
                    })
                    .collect(),
            };
            let mut sheets = vec![own, children];
            if level_in(history, sel.unit, reference).is_some_and(|l| matches!(l, Level::Province | Level::District)) {
                let ranked = table.rank_communes(sel.unit, sel.year, sel.target);
                sheets.push(Sheet {
                    title: format!("Xếp hạng xã, phường — chỉ tiêu {} {}", sel.target.code(), sel.target.label_vi()),
                    subtitle,
                    columns: vec![
                        col("Hạng", ColumnKind::Integer),
                        col("Xã, phường", ColumnKind::Text),
                        col("Tử số", ColumnKind::Integer),
                        col("Mẫu số", ColumnKind::Integer),
                        col("Tỷ lệ đạt", ColumnKind::Percent),
                        col("Đánh giá", ColumnKind::Text),
                    ],
                    rows: ranked
                        .iter()
                        .map(|r| {
                            vec![
                                r.rank.map_or(Cell::Empty, |n| Cell::Integer(i64::from(n))),
                                Cell::Text(name_in(history, r.unit, reference)),
                                Cell::Integer(r.value.numerator),
                                Cell::Integer(r.value.denominator),
                                value_cell(&r.value),
                                Cell::Text(r.value.status.label_vi().into()),
                            ]
                        })
                        .collect(),
                });
            }
            Some((name, sheets))
        })
        .await?
        .ok_or(WebError::NotFound)?;
    let bytes = workbook(&sheets).map_err(|e| WebError::Internal(e.to_string()))?;
    let filename = format!("chi-tieu-{}-{}.xlsx", khienmang_core::text::fold(&name).replace(' ', "-"), sel.year);
    Ok((xlsx_response_headers(&filename), bytes).into_response())
}

//! The phases of the programme and the review reports: one action writes
//! the interim or final review (DOCX under Decree 30/2020/NĐ-CP) and its
//! annex (XLSX) from the live targets, figures and budget, for the caller's
//! subtree: the province's, a commune's or an agency's own.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use khienmang_core::admin::phases::{PROGRAMME_END, PROGRAMME_START};
use khienmang_core::admin::{Phase, ReviewKind, phase_on, review_annex_xlsx, review_docx};
use khienmang_core::org::{Level, UnitId, UnitVersion};
use serde::Deserialize;

use crate::AppState;
use crate::access::ProgrammeRead;
use crate::error::{WebError, WebResult};
use crate::kit::form::Opt;
use crate::kit::xlsx::xlsx_response_headers;
use crate::movement::unit_options;
use crate::org::today;
use crate::page::{Chrome, Page, render};

pub struct PhaseRow {
    pub name: &'static str,
    pub span: String,
    pub wording: &'static str,
    pub review: &'static str,
    pub review_code: &'static str,
    pub review_window: String,
    pub current: bool,
    /// Share of the phase's days gone, for the progress bar (0–100).
    pub elapsed: i64,
}

#[derive(Template)]
#[template(path = "admin/reviews.html")]
struct ReviewsPage {
    chrome: Chrome,
    phases: Vec<PhaseRow>,
    today: String,
    programme: String,
    /// The units whose own review the caller may write: its root, then the
    /// province's and communes' of its subtree.
    units: Vec<Opt>,
    /// `?unit=…` for the download links, empty for the scope's root.
    unit_query: String,
}

/// The phases as the dashboard shows them, as of `on`.
pub fn phase_rows(on: khienmang_core::Date) -> Vec<PhaseRow> {
    let current = phase_on(on);
    Phase::ALL
        .iter()
        .map(|p| {
            let days = (p.end() - p.start()).num_days().max(1);
            let gone = (on - p.start()).num_days().clamp(0, days);
            let (from, to) = p.review().window();
            PhaseRow {
                name: p.label_vi(),
                span: format!("{} – {}", p.start().format("%m/%Y"), p.end().format("%m/%Y")),
                wording: p.wording_vi(),
                review: p.review().label_vi(),
                review_code: p.review().as_str(),
                review_window: format!("{} – {}", from.format("%d/%m/%Y"), to.format("%d/%m/%Y")),
                current: current == Some(*p),
                elapsed: gone * 100 / days,
            }
        })
        .collect()
}

/// `GET /reviews`: the phases, and the reviews of the unit picked from the
/// scope (its root by default).
pub async fn page(Page { lang, id }: Page, m: ProgrammeRead, Query(q): Query<ReviewQuery>) -> WebResult<Html<String>> {
    let on = today();
    let g = &m.0;
    let here = g.home(on).await?;
    let root = here.unit();
    let picked = match q.unit {
        Some(u) => g.within(UnitId(u)).await?.unit(),
        None => root,
    };
    let units: Vec<UnitVersion> = here
        .subtree_on(on)
        .await?
        .into_iter()
        .filter(|u| u.unit_id == root || matches!(u.level, Level::Province | Level::Commune))
        .collect();
    render(&ReviewsPage {
        chrome: Chrome::new(lang, id.as_ref(), "reviews"),
        phases: phase_rows(on),
        today: on.format("%d/%m/%Y").to_string(),
        programme: format!("{} – {}", PROGRAMME_START.format("%d/%m/%Y"), PROGRAMME_END.format("%d/%m/%Y")),
        units: unit_options(&units, None, &picked.0.to_string()),
        unit_query: if picked == root { String::new() } else { format!("?unit={}", picked.0) },
    })
}

/// `?unit=`: a unit of the caller's scope whose subtree the review covers.
#[derive(Debug, Default, Deserialize)]
pub struct ReviewQuery {
    unit: Option<i64>,
}

/// `GET /reviews/{file}`: `interim.docx`, `interim.xlsx`, `final.docx` or
/// `final.xlsx`, written now for the scope's root (the province, a commune
/// or an agency) or `?unit=` within the scope.
pub async fn file(
    State(state): State<AppState>,
    m: ProgrammeRead,
    Path(file): Path<String>,
    Query(q): Query<ReviewQuery>,
) -> WebResult<Response> {
    let (kind, ext) = file.split_once('.').ok_or(WebError::NotFound)?;
    let kind = ReviewKind::parse(kind).ok_or(WebError::NotFound)?;
    let on = today();
    let data = m.review_data(kind, q.unit.map(UnitId), on, &state.config.review).await?;
    let name = format!("{}-{}", if kind == ReviewKind::Interim { "so-ket" } else { "tong-ket" }, on.format("%Y%m%d"));
    match ext {
        "docx" => {
            let bytes = review_docx(&data).map_err(|e| WebError::Internal(e.message_vi()))?;
            let ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
            let disposition = format!("attachment; filename=\"bao-cao-{name}.docx\"");
            Ok(([(header::CONTENT_TYPE, ct.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
                .into_response())
        }
        "xlsx" => {
            let bytes = review_annex_xlsx(&data).map_err(|e| WebError::Internal(e.message_vi()))?;
            Ok((xlsx_response_headers(&format!("phu-luc-{name}.xlsx")), bytes).into_response())
        }
        _ => Err(WebError::NotFound),
    }
}

//! The work overview (`/work`, where sign-in lands): what the session's role
//! has to do now, counted within its scope, each count a link to the list it
//! comes from. A role sees only the parts its capabilities open.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use khienmang_core::admin::EvaluationStatus;
use khienmang_core::reports::Status;
use khienmang_store::reports::ReportFilter;

use crate::AppState;
use crate::access::{Authenticated, IndicatorManage, MovementRead, ProgrammeRead, ReportRead};
use crate::error::WebResult;
use crate::page::{Chrome, Page, render};

/// Open disputes are counted up to this many; beyond it the overview says
/// "N+" (the analysts' page lists the rest).
const CAP: usize = 500;

/// One line of the overview: a count, what it counts, where it leads.
pub struct Due {
    /// The i18n key of what is counted.
    pub label: &'static str,
    pub count: usize,
    pub href: String,
    /// Late or waiting on the session: shown first and marked.
    pub urgent: bool,
}

impl Due {
    fn new(label: &'static str, count: usize, href: String, urgent: bool) -> Due {
        Due { label, count, href, urgent }
    }

    /// The count as shown ("3", "500+").
    pub fn shown(&self) -> String {
        if self.count > CAP { format!("{CAP}+") } else { self.count.to_string() }
    }
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    chrome: Chrome,
    scope_name: String,
    due: Vec<Due>,
    /// The targets behind their trajectory this year (code, label).
    behind: Vec<(&'static str, &'static str)>,
    can_targets: bool,
}

async fn reports_due(r: &ReportRead) -> WebResult<Vec<Due>> {
    let now = crate::access::now();
    let open = ReportFilter { open_only: true, ..ReportFilter::default() };
    let overdue = ReportFilter { overdue_only: true, ..open.clone() };
    let new = ReportFilter { status: Some(Status::Received), ..open.clone() };
    let count = async |filter: &ReportFilter| -> WebResult<usize> {
        Ok(usize::try_from(r.count(filter, now).await?).unwrap_or(0))
    };
    Ok(vec![
        Due::new("work.reports_overdue", count(&overdue).await?, "/reports?view=overdue".into(), true),
        Due::new("work.reports_new", count(&new).await?, "/reports?status=received".into(), true),
        Due::new("work.reports_open", count(&open).await?, "/reports?view=open".into(), false),
    ])
}

/// The evaluations the units below sent up this year, waiting for a decision.
async fn evaluations_due(p: &ProgrammeRead) -> WebResult<Due> {
    let year = chrono::Datelike::year(&crate::org::today());
    let own = p.scope.root();
    let (_, list) = p.evaluations(year).await?;
    let count = list.iter().filter(|e| e.status == EvaluationStatus::Submitted && Some(e.unit) != own).count();
    Ok(Due::new("work.evaluations_submitted", count, format!("/evaluations?year={year}"), true))
}

/// `GET /work` (and `/` for a signed-in person, until `/` becomes the
/// citizens' home).
pub async fn overview(
    Page { lang, .. }: Page,
    Authenticated(who): Authenticated,
    State(state): State<AppState>,
    reports: Option<ReportRead>,
    indicators: Option<IndicatorManage>,
    programme: Option<ProgrammeRead>,
    movement: Option<MovementRead>,
) -> WebResult<Html<String>> {
    let chrome = Chrome::new(lang, Some(&who), "home");
    let mut due = Vec::new();
    if let Some(r) = &reports {
        due.extend(reports_due(r).await?);
    }
    if let Some(i) = &indicators {
        let count = i.disputes(true, CAP as i64 + 1).await?.len();
        due.push(Due::new("work.disputes_open", count, "/scamcheck#disp-h".into(), true));
    }
    if let Some(p) = &programme {
        due.push(evaluations_due(p).await?);
    }
    // The late and waiting first, then what is merely open.
    due.sort_by_key(|d| !d.urgent);
    let behind = match &movement {
        Some(m) => crate::targets::behind_this_year(m).await?,
        None => Vec::new(),
    };
    let scope_name = match who.user.scope_unit_id {
        None => chrome.tr.t("home.whole_country").to_string(),
        Some(u) => state.store.scope_name(u).await?,
    };
    render(&WorkPage { chrome, scope_name, due, behind, can_targets: movement.is_some() })
}

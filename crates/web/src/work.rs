//! The work overview (`/work`, where sign-in lands): what the session's role
//! has to do now, counted within its scope, each count a link to the list it
//! comes from. A role sees only the parts its capabilities open. The uploads
//! left with refused rows have their own short list (`/uploads/refused`), each
//! leading back to the page where the file is uploaded again.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use khienmang_core::admin::{EvaluationStatus, PeriodKind, ReportingPeriod};
use khienmang_core::reports::Status;
use khienmang_store::reports::ReportFilter;

use crate::AppState;
use crate::access::{
    Authenticated, Granted, IndicatorManage, MovementRead, MovementWrite, OrgWrite, ProgrammeManage, ProgrammeRead,
    ReportRead, UserAdmin,
};
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
    let awaiting = ReportFilter { awaiting_reporter: true, ..open.clone() };
    Ok(vec![
        Due::new("work.reports_overdue", count(&overdue).await?, "/reports?view=overdue".into(), true),
        Due::new("work.reports_new", count(&new).await?, "/reports?status=received".into(), true),
        Due::new("work.reports_open", count(&open).await?, "/reports?view=open".into(), false),
        // Waiting on the citizen, not on the session: not urgent.
        Due::new("work.reports_awaiting_reporter", count(&awaiting).await?, "/reports?view=awaiting".into(), false),
    ])
}

/// The duties of Part 3 due this quarter (Viet Nam date) and not yet reported.
async fn duties_due(p: &ProgrammeManage) -> WebResult<Due> {
    let quarter = ReportingPeriod::containing(PeriodKind::Quarter, crate::org::today());
    let count = p.duties_due_between(quarter.start(), quarter.end()).await?.len();
    Ok(Due::new("work.duties_due", count, "/duties".into(), true))
}

/// The evaluations the units below sent up this year, waiting for a decision.
async fn evaluations_due(p: &ProgrammeRead) -> WebResult<Due> {
    let year = chrono::Datelike::year(&crate::org::today());
    let own = p.scope.root();
    let (_, list) = p.evaluations(year).await?;
    let count = list.iter().filter(|e| e.status == EvaluationStatus::Submitted && Some(e.unit) != own).count();
    Ok(Due::new("work.evaluations_submitted", count, format!("/evaluations?year={year}"), true))
}

/// What may upload lists (units, members, people, accounts): any of these
/// capabilities, taken when the role has it.
pub struct Uploaders {
    movement: Option<MovementWrite>,
    org: Option<OrgWrite>,
    users: Option<UserAdmin>,
}

impl axum::extract::FromRequestParts<AppState> for Uploaders {
    type Rejection = crate::error::WebError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::OptionalFromRequestParts;
        Ok(Uploaders {
            movement: <MovementWrite as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state).await?,
            org: <OrgWrite as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state).await?,
            users: <UserAdmin as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state).await?,
        })
    }
}

impl Uploaders {
    /// The session's capability that uploads lists, if any (they share the scope).
    fn granted(&self) -> Option<&Granted> {
        self.movement.as_deref().or(self.org.as_deref()).or(self.users.as_deref())
    }
}

/// `GET /work`: the staff home (`/` is the citizens').
#[allow(clippy::too_many_arguments)]
pub async fn overview(
    Page { lang, .. }: Page,
    Authenticated(who): Authenticated,
    State(state): State<AppState>,
    reports: Option<ReportRead>,
    indicators: Option<IndicatorManage>,
    programme: Option<ProgrammeRead>,
    manage: Option<ProgrammeManage>,
    movement: Option<MovementRead>,
    uploaders: Uploaders,
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
    if let Some(m) = &manage {
        due.push(duties_due(m).await?);
    }
    if let Some(g) = uploaders.granted() {
        let count = g.refused_upload_count().await?;
        due.push(Due::new("work.imports_refused", count, "/uploads/refused".into(), false));
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

/// An upload left with refused rows, as its list shows it.
pub struct RefusedRow {
    pub filename: String,
    pub kind: &'static str,
    pub username: String,
    pub at: String,
    pub refused_rows: i64,
    /// Where the list is uploaded again.
    pub href: String,
}

/// What a staged upload's kind is, and where it is uploaded again.
fn upload_place(kind: &str) -> (&'static str, String) {
    if let Some(initiative) = kind.strip_prefix("members:") {
        return ("Danh sách thành viên mô hình", format!("/movement/initiatives/{initiative}#villages"));
    }
    match kind {
        "people" => ("Danh sách người theo vai trò", "/movement/people".into()),
        crate::access::ONBOARDING_KIND => ("Danh sách tài khoản", "/users/onboarding".into()),
        other => (
            khienmang_core::import::TemplateKind::parse(other).map_or("Danh mục đơn vị", |k| k.label_vi()),
            "/import".into(),
        ),
    }
}

#[derive(Template)]
#[template(path = "work_imports.html")]
struct ImportsPage {
    chrome: Chrome,
    rows: Vec<RefusedRow>,
}

/// `GET /uploads/refused`: the scope's uploads of the last day left with
/// refused rows and not imported, newest first.
pub async fn imports(
    Page { lang, .. }: Page,
    Authenticated(who): Authenticated,
    uploaders: Uploaders,
) -> WebResult<Html<String>> {
    let chrome = Chrome::new(lang, Some(&who), "home");
    let found = match uploaders.granted() {
        Some(g) => g.refused_upload_list(200).await?,
        None => Vec::new(),
    };
    let rows = found
        .into_iter()
        .map(|u| {
            let (kind, href) = upload_place(&u.kind);
            RefusedRow {
                filename: u.filename,
                kind,
                username: u.username,
                at: crate::reports::local_time(&u.created_at),
                refused_rows: u.refused_rows,
                href,
            }
        })
        .collect();
    render(&ImportsPage { chrome, rows })
}

//! The organisation tree: browsing with "as of" dates, search that ignores
//! diacritics, unit pages with history, dated operations; HTML and JSON.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use khienmang_core::Date;
use khienmang_core::link::HttpUrl;
use khienmang_core::org::{
    EnterpriseSize, Level, NewUnit, OrgOp, RollupMode, SchoolLevel, UnitAttrs, UnitId, UnitVersion,
};
use khienmang_store::org::{LinkedUnit, OrgEvent};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub(crate) mod changes;
pub use changes::{abolish_level_submit, change_submit, parent_options};

use crate::access::{Granted, Identity, OrgRead, OrgWrite};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::i18n::{date_vi, number_vi};
use crate::kit::form::{Form, Opt, Refusal};
use crate::page::{Chrome, Page, is_htmx, render};

pub use crate::access::today;

/// Parses `YYYY-MM-DD` or `dd/mm/yyyy`, with a clear message otherwise.
pub fn parse_day(s: &str) -> WebResult<Date> {
    let s = s.trim();
    Date::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| Date::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| WebError::BadRequest(format!("Ngày “{s}” không hợp lệ; dùng dạng dd/mm/yyyy hoặc yyyy-mm-dd.")))
}

#[derive(Deserialize, Default)]
pub struct AsOf {
    #[serde(default)]
    as_of: Option<String>,
    /// Set after a change was saved, to say so on the page.
    #[serde(default)]
    saved: Option<String>,
}

impl AsOf {
    fn date(&self) -> WebResult<Date> {
        match self.as_of.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => parse_day(s),
            None => Ok(today()),
        }
    }
}

/// A unit version as the pages show it.
pub struct UnitRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: String,
    pub households: String,
    pub population: String,
    pub valid_from: String,
    pub valid_to: String,
}

impl UnitRow {
    fn of(v: &UnitVersion) -> UnitRow {
        let n = |x: Option<i64>| x.map(number_vi).unwrap_or_default();
        UnitRow {
            id: v.unit_id.0,
            code: v.code.clone().unwrap_or_default(),
            name: v.name.clone(),
            level: v.unit_type.clone().unwrap_or_else(|| v.level.label_vi().to_string()),
            households: n(v.attrs.households),
            population: n(v.attrs.population),
            valid_from: date_vi(v.valid_from),
            valid_to: v.valid_to.map(date_vi).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "org_tree.html")]
struct TreePage {
    chrome: Chrome,
    as_of: String,
    roots: Vec<UnitRow>,
}

pub async fn tree_page(Page { lang, id }: Page, org: OrgRead, Query(q): Query<AsOf>) -> WebResult<Html<String>> {
    let on = q.date()?;
    let roots = org.roots(on).await?.iter().map(UnitRow::of).collect();
    render(&TreePage { chrome: Chrome::new(lang, id.as_ref(), "org"), as_of: on.to_string(), roots })
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    as_of: Option<String>,
}

#[derive(Template)]
#[template(path = "org_search.html")]
struct SearchResults {
    chrome: Chrome,
    results: Vec<UnitRow>,
    searched: bool,
    as_of: String,
}

#[derive(Template)]
#[template(path = "org_tree.html")]
struct SearchPage {
    chrome: Chrome,
    as_of: String,
    roots: Vec<UnitRow>,
}

/// Search results: a fragment for htmx, the tree page with results otherwise.
pub async fn search_page(
    Page { lang, id }: Page,
    headers: HeaderMap,
    org: OrgRead,
    Query(q): Query<SearchQuery>,
) -> WebResult<Response> {
    let on = AsOf { as_of: q.as_of.clone(), saved: None }.date()?;
    let hits = org.search(&q.q, q.as_of.as_ref().map(|_| on), 50).await?;
    let chrome = Chrome::new(lang, id.as_ref(), "org");
    let results: Vec<UnitRow> = hits.iter().map(UnitRow::of).collect();
    if is_htmx(&headers) {
        let frag = SearchResults { chrome, results, searched: !q.q.trim().is_empty(), as_of: on.to_string() };
        return Ok(render(&frag)?.into_response());
    }
    Ok(render(&SearchPage { chrome, as_of: on.to_string(), roots: results })?.into_response())
}

#[derive(Template)]
#[template(path = "org_unit.html")]
struct UnitPage {
    chrome: Chrome,
    as_of: String,
    unit: UnitRow,
    exists_on_date: bool,
    breadcrumb: Vec<UnitRow>,
    children: Vec<UnitRow>,
    versions: Vec<UnitRow>,
    events: Vec<OrgEvent>,
    formed_from: Vec<LinkedUnit>,
    went_into: Vec<LinkedUnit>,
    official_page: String,
    rollup_then: String,
    rollup_today: String,
    can_write: bool,
    is_village_parent: bool,
    /// The boundary change forms (for a session that may change the tree).
    changes: Option<changes::ChangeForms>,
    /// A refused change: its message beside the field, what was typed.
    form: Refusal,
    saved: bool,
    movable: bool,
    sizes: Vec<Opt>,
    school_levels: Vec<Opt>,
}

pub async fn unit_page(
    Page { lang, id }: Page,
    org: OrgRead,
    Path(unit): Path<i64>,
    Query(q): Query<AsOf>,
) -> WebResult<Html<String>> {
    let saved = q.saved.is_some();
    unit_page_for(lang, id.as_ref(), &org, UnitId(unit), q.date()?, Refusal::default(), saved).await
}

/// A unit's page on `on`, with a refused change's message and input if any.
pub(crate) async fn unit_page_for(
    lang: crate::access::RequestLang,
    id: Option<&Identity>,
    org: &Granted,
    unit: UnitId,
    on: Date,
    form: Refusal,
    saved: bool,
) -> WebResult<Html<String>> {
    let here = org.within(unit).await?;
    let versions = here.versions().await?;
    let current = here.on(on).await?;
    let shown = current.clone().or_else(|| versions.last().cloned()).ok_or(WebError::NotFound)?;
    let show_on = if current.is_some() { on } else { shown.valid_from };
    let children = here.children_on(show_on, 500, 0).await?;
    let breadcrumb = here.ancestors_on(show_on).await?;
    let history = here.tree_history().await?;
    let pop = |v: &UnitVersion| v.attrs.population.map(|p| (v.unit_id, p));
    let values: Vec<(UnitId, i64)> =
        history.versions().iter().filter(|v| v.is_valid_on(show_on)).filter_map(pop).collect();
    let fmt =
        |x: Option<i64>, chrome: &Chrome| x.map(number_vi).unwrap_or_else(|| chrome.tr.t("org.no_data").to_string());
    let chrome = Chrome::new(lang, id, "org");
    let rollup_then = fmt(history.rollup(&values, unit, RollupMode::AsOf(show_on)), &chrome);
    let rollup_today = match history.successor_on(unit, today()) {
        Some(now_unit) => {
            let today_values: Vec<(UnitId, i64)> =
                history.versions().iter().filter(|v| v.is_valid_on(show_on)).filter_map(pop).collect();
            let mapped = history.rollup(&today_values, now_unit, RollupMode::MappedTo(today()));
            let name = history.snapshot(today()).get(now_unit).map(|v| v.name.clone()).unwrap_or_default();
            format!("{} ({name})", fmt(mapped, &chrome))
        }
        None => chrome.tr.t("org.no_data").to_string(),
    };
    let can_write = id.is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::OrgWrite));
    // Boundary changes are made on today's tree.
    let changes = match (&current, can_write) {
        (Some(v), true) if org.unit_writable_today(unit).await? => {
            Some(changes::change_forms(org, v, today(), &form.entered).await?)
        }
        _ => None,
    };
    let size = form.entered.get("enterprise_size");
    let size = if size.is_empty() { shown.attrs.enterprise_size.map(|s| s.as_str()).unwrap_or("") } else { size };
    let school = form.entered.get("school_level");
    let school = if school.is_empty() { shown.attrs.school_level.map(|s| s.as_str()).unwrap_or("") } else { school };
    render(&UnitPage {
        chrome,
        as_of: on.to_string(),
        exists_on_date: current.is_some(),
        official_page: shown.attrs.official_page.clone().unwrap_or_default(),
        is_village_parent: shown.level == Level::Commune,
        movable: changes::movable(shown.level),
        sizes: if shown.level == Level::Enterprise {
            EnterpriseSize::ALL.iter().map(|s| Opt::new(s.as_str(), Tr { lang: lang.0 }.label(s), size)).collect()
        } else {
            Vec::new()
        },
        school_levels: if shown.level == Level::School {
            SchoolLevel::ALL.iter().map(|s| Opt::new(s.as_str(), Tr { lang: lang.0 }.label(s), school)).collect()
        } else {
            Vec::new()
        },
        unit: UnitRow::of(&shown),
        breadcrumb: breadcrumb.iter().map(UnitRow::of).collect(),
        children: children.iter().map(UnitRow::of).collect(),
        versions: versions.iter().map(UnitRow::of).collect(),
        events: here.events().await?,
        formed_from: here.lineage(true).await?,
        went_into: here.lineage(false).await?,
        rollup_then,
        rollup_today,
        can_write,
        changes,
        form,
        saved,
    })
}

fn back_to(unit: UnitId) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/org/units/{unit}"))]).into_response()
}

#[derive(Deserialize)]
pub struct RenameForm {
    name: String,
    effective: String,
}

pub async fn rename_submit(org: OrgWrite, Path(unit): Path<i64>, Form(f): Form<RenameForm>) -> WebResult<Response> {
    let unit = UnitId(unit);
    let op = OrgOp::Rename { unit, name: f.name, code: None };
    org.apply(&op, parse_day(&f.effective)?, None).await?;
    Ok(back_to(unit))
}

#[derive(Deserialize)]
pub struct AttrsForm {
    #[serde(default)]
    enterprise_size: String,
    #[serde(default)]
    school_level: String,
    #[serde(default)]
    households: String,
    #[serde(default)]
    population: String,
    #[serde(default)]
    official_page: String,
    effective: String,
}

fn opt_count(s: &str, label: &str) -> WebResult<Option<i64>> {
    let s = s.trim().replace(['.', ' '], "");
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .map(Some)
        .ok_or_else(|| WebError::BadRequest(format!("{label} phải là số nguyên không âm.")))
}

pub async fn attrs_submit(org: OrgWrite, Path(unit): Path<i64>, Form(f): Form<AttrsForm>) -> WebResult<Response> {
    let unit = UnitId(unit);
    let on = parse_day(&f.effective)?;
    let current = org.unit(unit, on).await?.ok_or(WebError::NotFound)?;
    let page = HttpUrl::parse_optional(&f.official_page).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let attrs = UnitAttrs {
        households: opt_count(&f.households, "Số hộ")?,
        population: opt_count(&f.population, "Số nhân khẩu")?,
        official_page: page.map(HttpUrl::into_string),
        // Chosen from a list; an empty choice keeps what was recorded.
        enterprise_size: EnterpriseSize::parse(&f.enterprise_size).or(current.attrs.enterprise_size),
        school_level: SchoolLevel::parse(&f.school_level).or(current.attrs.school_level),
    };
    org.apply(&OrgOp::UpdateAttrs { unit, attrs }, on, None).await?;
    Ok(back_to(unit))
}

#[derive(Deserialize)]
pub struct ChildForm {
    name: String,
    level: String,
    #[serde(default)]
    unit_type: String,
    #[serde(default)]
    households: String,
    #[serde(default)]
    population: String,
    #[serde(default)]
    enterprise_size: String,
    #[serde(default)]
    school_level: String,
    effective: String,
}

pub async fn add_child_submit(org: OrgWrite, Path(unit): Path<i64>, Form(f): Form<ChildForm>) -> WebResult<Response> {
    let parent = UnitId(unit);
    let level = Level::parse(&f.level).ok_or_else(|| WebError::BadRequest("Loại đơn vị không hợp lệ.".into()))?;
    let new = NewUnit {
        code: None,
        name: f.name,
        level,
        unit_type: Some(f.unit_type.trim().to_string()).filter(|s| !s.is_empty()),
        parent_id: Some(parent),
        attrs: UnitAttrs {
            households: opt_count(&f.households, "Số hộ")?,
            population: opt_count(&f.population, "Số nhân khẩu")?,
            enterprise_size: EnterpriseSize::parse(&f.enterprise_size),
            school_level: SchoolLevel::parse(&f.school_level),
            official_page: None,
        },
        lat: None,
        lon: None,
    };
    let ids = org.apply(&OrgOp::Create { unit: new }, parse_day(&f.effective)?, None).await?;
    Ok(back_to(ids.first().copied().unwrap_or(parent)))
}

// ---- JSON API ----

/// A unit as it stood on the requested date.
#[derive(Serialize, ToSchema)]
pub struct ApiUnit {
    /// Stable identity; never reused (unlike official codes).
    id: i64,
    code: Option<String>,
    name: String,
    level: String,
    unit_type: Option<String>,
    parent_id: Option<i64>,
    valid_from: String,
    /// Exclusive; null while current.
    valid_to: Option<String>,
    households: Option<i64>,
    population: Option<i64>,
    enterprise_size: Option<String>,
    school_level: Option<String>,
    official_page: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
}

impl From<&UnitVersion> for ApiUnit {
    fn from(v: &UnitVersion) -> Self {
        ApiUnit {
            id: v.unit_id.0,
            code: v.code.clone(),
            name: v.name.clone(),
            level: v.level.as_str().to_string(),
            unit_type: v.unit_type.clone(),
            parent_id: v.parent_id.map(|p| p.0),
            valid_from: v.valid_from.to_string(),
            valid_to: v.valid_to.map(|d| d.to_string()),
            households: v.attrs.households,
            population: v.attrs.population,
            enterprise_size: v.attrs.enterprise_size.map(|s| s.as_str().to_string()),
            school_level: v.attrs.school_level.map(|s| s.as_str().to_string()),
            official_page: v.attrs.official_page.clone(),
            lat: v.lat,
            lon: v.lon,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct UnitsQuery {
    /// Official code (e.g. "24"); several levels can share one.
    #[serde(default)]
    code: Option<String>,
    /// Name search, diacritics and case ignored.
    #[serde(default)]
    q: Option<String>,
    /// YYYY-MM-DD; default today.
    #[serde(default)]
    as_of: Option<String>,
}

/// Find units by code or name, as of a date, within the caller's scope.
#[utoipa::path(get, path = "/api/v1/org/units", params(UnitsQuery),
    responses((status = 200, body = Vec<ApiUnit>)), tag = "org", security(("bearer" = [])))]
pub async fn api_units(org: OrgRead, Query(q): Query<UnitsQuery>) -> WebResult<Json<Vec<ApiUnit>>> {
    let on = AsOf { as_of: q.as_of.clone(), saved: None }.date()?;
    let found = match (&q.code, &q.q) {
        (Some(code), _) => org.units_by_code(code.trim(), on).await?,
        (None, Some(text)) => org.search(text, Some(on), 100).await?,
        (None, None) => org.roots(on).await?,
    };
    Ok(Json(found.iter().map(ApiUnit::from).collect()))
}

/// One unit as of a date.
#[utoipa::path(get, path = "/api/v1/org/units/{id}", params(("id" = i64, Path,), ("as_of" = Option<String>, Query,)),
    responses((status = 200, body = ApiUnit), (status = 404)), tag = "org", security(("bearer" = [])))]
pub async fn api_unit(org: OrgRead, Path(id): Path<i64>, Query(q): Query<AsOf>) -> WebResult<Json<ApiUnit>> {
    let v = org.unit(UnitId(id), q.date()?).await?.ok_or(WebError::NotFound)?;
    Ok(Json(ApiUnit::from(&v)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ChildrenQuery {
    #[serde(default)]
    as_of: Option<String>,
    /// Page size, at most 1000 (default 500).
    #[serde(default)]
    limit: Option<i64>,
    #[serde(default)]
    offset: Option<i64>,
}

/// The units directly under one unit on a date (paginated).
#[utoipa::path(get, path = "/api/v1/org/units/{id}/children", params(("id" = i64, Path,), ChildrenQuery),
    responses((status = 200, body = Vec<ApiUnit>), (status = 404)), tag = "org", security(("bearer" = [])))]
pub async fn api_children(
    org: OrgRead,
    Path(id): Path<i64>,
    Query(q): Query<ChildrenQuery>,
) -> WebResult<Json<Vec<ApiUnit>>> {
    let unit = UnitId(id);
    let here = org.within(unit).await?;
    let on = AsOf { as_of: q.as_of, saved: None }.date()?;
    let limit = q.limit.unwrap_or(500).clamp(1, 1000);
    let children = here.children_on(on, limit, q.offset.unwrap_or(0).max(0)).await?;
    Ok(Json(children.iter().map(ApiUnit::from).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct ApiHistory {
    versions: Vec<ApiUnit>,
    #[schema(value_type = Vec<Object>)]
    events: Vec<OrgEvent>,
    #[schema(value_type = Vec<Object>)]
    formed_from: Vec<LinkedUnit>,
    #[schema(value_type = Vec<Object>)]
    went_into: Vec<LinkedUnit>,
}

/// A unit's dated versions, events and lineage links.
#[utoipa::path(get, path = "/api/v1/org/units/{id}/history", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiHistory), (status = 404)), tag = "org", security(("bearer" = [])))]
pub async fn api_history(org: OrgRead, Path(id): Path<i64>) -> WebResult<Json<ApiHistory>> {
    let unit = UnitId(id);
    let here = org.within(unit).await?;
    Ok(Json(ApiHistory {
        versions: here.versions().await?.iter().map(ApiUnit::from).collect(),
        events: here.events().await?,
        formed_from: here.lineage(true).await?,
        went_into: here.lineage(false).await?,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct RollupQuery {
    /// The date whose recorded values are rolled up (YYYY-MM-DD).
    on: String,
    /// `then` (the tree of that date) or `today` (mapped to today's tree).
    #[serde(default)]
    mode: Option<String>,
    /// `population` (default) or `households`.
    #[serde(default)]
    measure: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiRollup {
    unit_id: i64,
    measure: String,
    mode: String,
    /// Null when nothing was recorded: no data is not zero.
    value: Option<i64>,
}

/// Roll villages' population or households up to a unit, either as the tree
/// stood then or mapped through the 2025 reorganisation to today's tree.
#[utoipa::path(get, path = "/api/v1/org/units/{id}/rollup", params(("id" = i64, Path,), RollupQuery),
    responses((status = 200, body = ApiRollup), (status = 404)), tag = "org", security(("bearer" = [])))]
pub async fn api_rollup(org: OrgRead, Path(id): Path<i64>, Query(q): Query<RollupQuery>) -> WebResult<Json<ApiRollup>> {
    let unit = UnitId(id);
    let here = org.within(unit).await?;
    let on = parse_day(&q.on)?;
    let measure = q.measure.unwrap_or_else(|| "population".into());
    let history = here.tree_history().await?;
    let values: Vec<(UnitId, i64)> = history
        .versions()
        .iter()
        .filter(|v| v.is_valid_on(on))
        .filter_map(|v| {
            let x = if measure == "households" { v.attrs.households } else { v.attrs.population };
            x.map(|x| (v.unit_id, x))
        })
        .collect();
    let mode_name = q.mode.unwrap_or_else(|| "then".into());
    let mode = match mode_name.as_str() {
        "then" => RollupMode::AsOf(on),
        "today" => RollupMode::MappedTo(today()),
        _ => return Err(WebError::BadRequest("mode phải là then hoặc today.".into())),
    };
    Ok(Json(ApiRollup { unit_id: id, measure, mode: mode_name, value: history.rollup(&values, unit, mode) }))
}

#[derive(Deserialize, ToSchema)]
pub struct ApiOperation {
    /// The dated operation, e.g. `{"op":"rename","unit":42,"name":"..."}`.
    #[schema(value_type = Object)]
    operation: OrgOp,
    /// YYYY-MM-DD
    effective: String,
    #[serde(default)]
    legal_basis: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiOperationResult {
    created: Vec<i64>,
}

/// Apply a dated operation: create, rename, reparent, update_attrs, merge,
/// split (with default part), abolish_level, abolish.
#[utoipa::path(post, path = "/api/v1/org/operations", request_body = ApiOperation,
    responses((status = 200, body = ApiOperationResult), (status = 404), (status = 422)), tag = "org", security(("bearer" = [])))]
pub async fn api_operation(org: OrgWrite, Json(body): Json<ApiOperation>) -> WebResult<Json<ApiOperationResult>> {
    let on = parse_day(&body.effective)?;
    let ids = org.apply(&body.operation, on, body.legal_basis.as_deref()).await?;
    Ok(Json(ApiOperationResult { created: ids.iter().map(|u| u.0).collect() }))
}

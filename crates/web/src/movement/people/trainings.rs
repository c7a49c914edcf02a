//! Training sessions: the list searched by title and paged in the database;
//! a session registered or corrected with its attendees picked from a
//! searchable, paged list of the organising unit's people (a search box and
//! results with checkboxes, the chosen ones kept above them; it works
//! without script: searching and turning a page re-show the form with what
//! was typed); a session's page with its history, void and restore.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, Response};
use khienmang_core::movement::{RecordKind, TrainingFields};
use khienmang_core::org::UnitId;
use khienmang_store::movement::{ListFilter, PersonEntry, TrainingEntry};
use serde::Deserialize;
use serde_json::json;

use super::super::{audit_view, bad, required_day, scope_units, see_other, unit_in_scope, unit_options};
use super::persons::SavedQuery;
use super::{ListQuery, PAGE_SIZE, Pager, RecordBox, bounded_query, can_correct, picked_id, void_reason};
use crate::access::{Granted, Identity, MovementRead, MovementWrite, ProgrammeManage, RequestLang, Target};
use crate::error::WebResult;
use crate::i18n::Tr;
use crate::i18n::{date_vi, number_vi};
use crate::kit::form::{Check, Fields, FormError, Opt, Refusal, refused};
use crate::org::today;
use crate::page::{Chrome, Page, render};

/// People offered on a page of the picker.
const PICK_PAGE: i64 = 20;
/// The most attendees one session names.
const MAX_ATTENDEES: usize = 5_000;
const OUTSIDE: &str = "Người tham dự phải có tên trong danh sách của đơn vị tổ chức hoặc đơn vị trực thuộc.";

/// The attendee picker as the form shows it.
pub struct Picker {
    pub query: String,
    /// The attendees chosen so far, checked.
    pub chosen: Vec<Check>,
    /// A page of the organiser's people matching the search, not yet chosen.
    pub results: Vec<Check>,
    pub total: String,
    pub page: i64,
    pub pages: i64,
}

impl Picker {
    /// No picker: the session may not change the attendees.
    fn none() -> Picker {
        Picker { query: String::new(), chosen: Vec::new(), results: Vec::new(), total: "0".into(), page: 1, pages: 1 }
    }
}

fn check(p: &PersonEntry, checked: bool) -> Check {
    Check {
        id: format!("attendee-{}", p.id),
        value: p.id.to_string(),
        label: format!("{} — {} ({})", p.full_name, p.role.label_vi(), p.unit_name),
        checked,
    }
}

/// The attendees a form names (bounded), each once.
fn chosen_ids(fields: &Fields) -> WebResult<Vec<i64>> {
    let raw = fields.all("attendee");
    if raw.len() > MAX_ATTENDEES {
        return Err(bad("Một lớp tập huấn ghi tối đa 5.000 người tham dự."));
    }
    let mut ids = Vec::with_capacity(raw.len());
    for a in raw {
        ids.push(picked_id(a).ok_or_else(|| bad(OUTSIDE))?);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The page of the picker a form asks for: `action=page:N`.
fn picker_page(fields: &Fields) -> i64 {
    fields.get("action").strip_prefix("page:").and_then(|n| n.parse::<i64>().ok()).unwrap_or(1).clamp(1, 100_000)
}

/// The picker for a training of `organiser`: what `fields` chose (kept to
/// the organiser's people), and a page of the others matching the search.
async fn picker(g: &Granted, organiser: UnitId, fields: &Fields) -> WebResult<Picker> {
    let ids = chosen_ids(fields).unwrap_or_default();
    let chosen = g.people_within(organiser, &ids).await?;
    let query = bounded_query(fields.get("aq"));
    let page = picker_page(fields);
    let filter = ListFilter {
        query: query.clone(),
        exclude: chosen.iter().map(|p| p.id).collect(),
        limit: Some(PICK_PAGE),
        offset: (page - 1) * PICK_PAGE,
        ..ListFilter::default()
    };
    let found = g.within(organiser).await?.people_page(&filter).await?;
    audit_view(
        g,
        "people",
        json!({"scope": organiser.0, "purpose": "training", "q": query, "shown": found.rows.len() + chosen.len()}),
    )
    .await?;
    Ok(Picker {
        query: query.unwrap_or_default(),
        chosen: chosen.iter().map(|p| check(p, true)).collect(),
        results: found.rows.iter().map(|p| check(p, false)).collect(),
        total: number_vi(found.total),
        page,
        pages: ((found.total + PICK_PAGE - 1) / PICK_PAGE).max(1),
    })
}

/// The attendees a saved form names, every one checked to be registered
/// within the organiser's subtree (a posted id is never trusted).
async fn attendees_of(g: &Granted, organiser: UnitId, fields: &Fields) -> WebResult<Vec<i64>> {
    let ids = chosen_ids(fields)?;
    let allowed = g.people_within(organiser, &ids).await?;
    if allowed.len() != ids.len() {
        return Err(bad(OUTSIDE));
    }
    Ok(ids)
}

/// Whether a training form asks to save (rather than search or turn a page).
fn saving(fields: &Fields) -> bool {
    matches!(fields.get("action"), "" | "save")
}

// ---- the list and a new session ----

pub struct TrainingRow {
    pub id: i64,
    pub title: String,
    pub unit_name: String,
    pub on: String,
    pub place: String,
    pub attendees: String,
}

#[derive(Template)]
#[template(path = "movement/trainings.html")]
struct TrainingsPage {
    chrome: Chrome,
    can_write: bool,
    q: String,
    trainings: Vec<TrainingRow>,
    pager: Pager,
    units: Vec<Opt>,
    unit_id: i64,
    picker: Picker,
    today: String,
    may_restore: bool,
    voided: bool,
    done: bool,
    form: Refusal,
}

#[derive(Deserialize, Default)]
pub struct TrainingQuery {
    #[serde(flatten)]
    list: ListQuery,
    /// The organising unit of a new session.
    #[serde(default)]
    organiser: Option<String>,
}

async fn trainings_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    q: &ListQuery,
    organiser: Option<&str>,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let here = g.home(today()).await?;
    let home = here.unit();
    let organiser = match organiser.filter(|u| !u.is_empty()) {
        Some(u) => unit_in_scope(g, u).await?,
        None => home,
    };
    let can_write = can_correct(id);
    let (units, picker) = if can_write {
        (
            unit_options(&scope_units(g).await?, None, &organiser.0.to_string()),
            Some(picker(g, organiser, &entered).await?),
        )
    } else {
        (Vec::new(), None)
    };
    let listed = match q.unit(g).await? {
        Some(u) => g.within(u).await?,
        None => here,
    };
    let page = q.page();
    let filter = ListFilter {
        query: q.query(),
        voided: q.voided(),
        limit: Some(PAGE_SIZE),
        offset: (page - 1) * PAGE_SIZE,
        ..ListFilter::default()
    };
    let found = listed.trainings_page(&filter).await?;
    let params = [
        ("q", filter.query.clone().unwrap_or_default()),
        ("voided", if filter.voided { "1".into() } else { String::new() }),
    ];
    let pager = Pager::new("/movement/trainings", &params, page, found.total);
    let trainings = found
        .rows
        .into_iter()
        .map(|t| TrainingRow {
            id: t.id,
            title: t.title,
            unit_name: t.unit_name,
            on: date_vi(t.held_on),
            place: t.place.unwrap_or_default(),
            attendees: number_vi(t.attendees),
        })
        .collect();
    render(&TrainingsPage {
        chrome: Chrome::new(lang, id, "movement"),
        can_write,
        q: filter.query.clone().unwrap_or_default(),
        trainings,
        pager,
        units,
        unit_id: organiser.0,
        picker: picker.unwrap_or_else(Picker::none),
        today: today().to_string(),
        may_restore: g.may_restore(),
        voided: filter.voided,
        done: q.done.as_deref() == Some("1"),
        form: Refusal { error, entered },
    })
}

/// `GET /movement/trainings`: a page of the sessions, and a new session's form.
pub async fn trainings_list(
    Page { lang, id }: Page,
    m: MovementRead,
    Query(q): Query<TrainingQuery>,
) -> WebResult<Html<String>> {
    trainings_page(lang, id.as_ref(), &m.0, &q.list, q.organiser.as_deref(), None, Fields::default()).await
}

/// `POST /movement/trainings`: saves a new session, or (`action=search`,
/// `action=page:N`) shows the form again with the picker's next results.
pub async fn training_submit(Page { lang, id }: Page, m: MovementWrite, fields: Fields) -> WebResult<Response> {
    let g = &m.0;
    let unit = unit_in_scope(g, fields.get("unit")).await?;
    let organiser = unit.0.to_string();
    if !saving(&fields) {
        let html = trainings_page(lang, id.as_ref(), g, &ListQuery::default(), Some(&organiser), None, fields).await?;
        return Ok(axum::response::IntoResponse::into_response(html));
    }
    let result = async {
        let held_on = required_day(fields.get("held_on"), "ngày tập huấn")?;
        let attendees = attendees_of(g, unit, &fields).await?;
        let place = Some(fields.get("place")).filter(|p| !p.is_empty());
        g.write(Target::Registry(unit), async |tx| {
            Ok(tx.create_training(unit, fields.get("title"), held_on, place, &attendees).await.map(|_| ())?)
        })
        .await
    }
    .await;
    match result {
        Ok(()) => Ok(see_other(format!("/movement/trainings?organiser={}", unit.0))),
        Err(e) => {
            let error = FormError::of("new", e)?;
            let q = ListQuery::default();
            Ok(refused(trainings_page(lang, id.as_ref(), g, &q, Some(&organiser), Some(error), fields).await?))
        }
    }
}

// ---- one session's page ----

#[derive(Template)]
#[template(path = "movement/training.html")]
struct TrainingPage {
    chrome: Chrome,
    title: String,
    on: String,
    unit_name: String,
    place: String,
    attendees: Vec<String>,
    units: Vec<Opt>,
    picker: Picker,
    record: RecordBox,
    form: Refusal,
}

fn entered_of(t: &TrainingEntry, attendees: &[PersonEntry]) -> Fields {
    let mut f = vec![
        ("unit".into(), t.unit_id.0.to_string()),
        ("title".into(), t.title.clone()),
        ("held_on".into(), t.held_on.to_string()),
        ("place".into(), t.place.clone().unwrap_or_default()),
    ];
    f.extend(attendees.iter().map(|p| ("attendee".to_string(), p.id.to_string())));
    Fields(f)
}

async fn training_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    t: &TrainingEntry,
    error: Option<FormError>,
    entered: Option<Fields>,
    saved: bool,
) -> WebResult<Html<String>> {
    let attendees = g.training_attendees(t).await?;
    audit_view(g, &format!("training:{}", t.id), json!({"record": "training", "shown": attendees.len()})).await?;
    let chrome = Chrome::new(lang, id, "movement");
    let record =
        RecordBox::of(g, (chrome.tr, id), (RecordKind::Training, t.id, t.unit_id), t.voided.as_ref(), saved).await?;
    let entered = entered.unwrap_or_else(|| entered_of(t, &attendees));
    let (units, picker) = if record.can_correct {
        let organiser = picked_id(entered.get("unit")).map(UnitId).unwrap_or(t.unit_id);
        let organiser = if g.within(organiser).await.is_ok() { organiser } else { t.unit_id };
        (unit_options(&scope_units(g).await?, None, entered.get("unit")), picker(g, organiser, &entered).await?)
    } else {
        (Vec::new(), Picker::none())
    };
    render(&TrainingPage {
        chrome,
        title: t.title.clone(),
        on: date_vi(t.held_on),
        unit_name: t.unit_name.clone(),
        place: t.place.clone().unwrap_or_default(),
        attendees: attendees
            .iter()
            .map(|p| format!("{} — {} ({})", p.full_name, Tr { lang: lang.0 }.label(&p.role), p.unit_name))
            .collect(),
        units,
        picker,
        record,
        form: Refusal { error, entered },
    })
}

/// `GET /movement/trainings/{id}`: the session, who attended, the correction
/// form with its attendee picker, the void form and the history.
pub async fn training_view(
    Page { lang, id }: Page,
    m: MovementRead,
    Path(tid): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> WebResult<Html<String>> {
    let t = m.0.training(tid).await?;
    training_page(lang, id.as_ref(), &m.0, &t, None, None, q.saved()).await
}

/// `POST /movement/trainings/{id}/edit`: saves the correction (attendees
/// added or removed kept by name in the history), or shows the form again
/// with the picker's next results.
pub async fn training_edit_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(tid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let t = g.training(tid).await?;
    if !saving(&fields) {
        g.ensure_registry(t.unit_id).await?;
        let html = training_page(lang, id.as_ref(), g, &t, None, Some(fields), false).await?;
        return Ok(axum::response::IntoResponse::into_response(html));
    }
    let result = async {
        g.ensure_registry(t.unit_id).await?;
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        g.ensure_registry(unit).await?;
        let checked = TrainingFields {
            title: fields.get("title").to_string(),
            held_on: required_day(fields.get("held_on"), "ngày tập huấn")?,
            place: Some(fields.get("place").to_string()),
        }
        .check()?;
        let attendees = attendees_of(g, unit, &fields).await?;
        g.write(Target::Registry(t.unit_id), async |tx| Ok(tx.edit_training(&t, unit, &checked, &attendees).await?))
            .await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(format!("/movement/trainings/{tid}?saved=1"))),
        Err(e) => {
            let error = FormError::of("edit", e)?;
            Ok(refused(training_page(lang, id.as_ref(), g, &t, Some(error), Some(fields), false).await?))
        }
    }
}

/// `POST /movement/trainings/{id}/void`: voids a session entered by mistake; back to the list.
pub async fn training_void_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(tid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let t = g.training(tid).await?;
    let result = async {
        let why = void_reason(&fields)?;
        g.write(Target::Registry(t.unit_id), async |tx| Ok(tx.void_training(t.id, &why).await?)).await
    }
    .await;
    match result {
        Ok(()) => Ok(see_other("/movement/trainings?done=1".into())),
        Err(e) => {
            let error = FormError::of("void", e)?;
            Ok(refused(training_page(lang, id.as_ref(), g, &t, Some(error), Some(fields), false).await?))
        }
    }
}

/// `POST /movement/trainings/{id}/restore`: the secretariat restores a voided session.
pub async fn training_restore_submit(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(tid): Path<i64>,
) -> WebResult<Response> {
    let g: &Granted = &m.0;
    let t = g.training(tid).await?;
    match g.write(Target::Unit(t.unit_id), async |tx| Ok(tx.restore_training(t.id).await?)).await {
        Ok(()) => Ok(see_other(format!("/movement/trainings/{tid}"))),
        Err(e) => {
            let error = FormError::of("changes", e)?;
            Ok(refused(training_page(lang, id.as_ref(), g, &t, Some(error), None, false).await?))
        }
    }
}

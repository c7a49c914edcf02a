//! People with a role: the list searched, filtered by role and unit and
//! paged in the database; a registration and the yearly knowledge update of
//! an outreach officer (target 2.5); a person's page with the correction
//! form pre-filled, the void form, the history and the secretariat's restore.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, Response};
use khienmang_core::movement::{PersonFields, RecordKind};
use khienmang_core::org::{Level, UnitVersion};
use khienmang_core::targets::{PersonRole, TargetId};
use khienmang_store::movement::{ListFilter, PersonEntry, PersonInput};
use serde_json::json;

use super::super::{
    audit_view, bad, parse_year, required_year, scope_units, see_other, this_year, unit_in_scope, unit_options,
    year_options,
};
use super::{ListQuery, PAGE_SIZE, Pager, RecordBox, can_correct, void_reason};
use crate::access::{Granted, Identity, MovementRead, MovementWrite, ProgrammeManage, RequestLang, Target};
use crate::error::WebResult;
use crate::i18n::Tr;
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused};
use crate::org::today;
use crate::page::{Chrome, Page, render};

fn years_text(years: &[i32]) -> String {
    years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
}

fn role_options(current: &str) -> Vec<Opt> {
    PersonRole::ALL.iter().map(|r| Opt::new(r.as_str(), r.label_vi(), current)).collect()
}

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    pub role: &'static str,
    pub position: String,
    pub registered: String,
    pub years: String,
    /// An outreach officer, whose knowledge is updated yearly (target 2.5).
    pub outreach: bool,
    pub updated_this_year: bool,
}

fn registered(from: i32, to: Option<i32>) -> String {
    match to {
        Some(to) => format!("{from}–{to}"),
        None => format!("{from}–"),
    }
}

#[derive(Template)]
#[template(path = "movement/people.html")]
struct PeoplePage {
    chrome: Chrome,
    can_write: bool,
    q: String,
    roles: Vec<Opt>,
    filter_units: Vec<Opt>,
    role_choices: Vec<Opt>,
    people: Vec<PersonRow>,
    pager: Pager,
    units: Vec<Opt>,
    years: Vec<Opt>,
    this_year: i32,
    /// The secretariat sees the voided ones on demand, to restore one.
    may_restore: bool,
    voided: bool,
    /// A person was just voided.
    done: bool,
    form: Refusal,
}

async fn people_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    q: &ListQuery,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let role = q.role.as_deref().and_then(PersonRole::parse);
    let unit = q.unit(g).await?;
    let here = match unit {
        Some(u) => g.within(u).await?,
        None => g.home(today()).await?,
    };
    let page = q.page();
    let filter = ListFilter {
        query: q.query(),
        role,
        voided: q.voided(),
        limit: Some(PAGE_SIZE),
        offset: (page - 1) * PAGE_SIZE,
        ..ListFilter::default()
    };
    let found = here.people_page(&filter).await?;
    audit_view(
        g,
        "people",
        json!({"scope": here.unit().0, "role": role.map(PersonRole::as_str), "q": filter.query, "shown": found.rows.len()}),
    )
    .await?;
    let year = this_year();
    let people = found
        .rows
        .into_iter()
        .map(|p| PersonRow {
            id: p.id,
            name: p.full_name,
            unit_name: p.unit_name,
            role: Tr { lang: lang.0 }.label(&p.role),
            position: p.position.unwrap_or_default(),
            registered: registered(p.registered_from, p.registered_to),
            years: years_text(&p.years),
            outreach: p.role.target() == TargetId::OutreachUpdate,
            updated_this_year: p.years.contains(&year),
        })
        .collect();
    let unit_text = unit.map(|u| u.0.to_string()).unwrap_or_default();
    let params = [
        ("q", filter.query.clone().unwrap_or_default()),
        ("role", role.map(|r| r.as_str().to_string()).unwrap_or_default()),
        ("unit", unit_text.clone()),
        ("voided", if filter.voided { "1".into() } else { String::new() }),
    ];
    let pager = Pager::new("/movement/people", &params, page, found.total);
    let can_write = can_correct(id);
    let all_units = scope_units(g).await?;
    let units = if can_write { unit_options(&all_units, None, entered.get("unit")) } else { Vec::new() };
    // The filter offers the units above the villages (a province has thousands
    // of villages); a village is kept when it is the one filtered on.
    let filter_units: Vec<UnitVersion> =
        all_units.iter().filter(|u| u.level != Level::Village || Some(u.unit_id) == unit).cloned().collect();
    let registered_from = entered.get("year").parse().unwrap_or(year);
    render(&PeoplePage {
        chrome: Chrome::new(lang, id, "movement"),
        can_write,
        q: filter.query.clone().unwrap_or_default(),
        roles: role_options(role.map(PersonRole::as_str).unwrap_or("")),
        filter_units: unit_options(&filter_units, None, &unit_text),
        role_choices: role_options(entered.get("role")),
        people,
        pager,
        units,
        years: year_options(registered_from),
        this_year: year,
        may_restore: g.may_restore(),
        voided: filter.voided,
        done: q.done.as_deref() == Some("1"),
        form: Refusal { error, entered },
    })
}

/// `GET /movement/people`: a page of the people of the scope (or a unit of
/// it), searched by name with diacritics ignored, filtered by role.
pub async fn people_list(
    Page { lang, id }: Page,
    m: MovementRead,
    Query(q): Query<ListQuery>,
) -> WebResult<Html<String>> {
    people_page(lang, id.as_ref(), &m.0, &q, None, Fields::default()).await
}

/// Re-shows the people page with a message next to the upload form.
pub async fn refused_people_upload(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    message: String,
) -> WebResult<Response> {
    let error = FormError { section: "upload", message };
    Ok(refused(people_page(lang, id, g, &ListQuery::default(), Some(error), Fields::default()).await?))
}

async fn after_people_change(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    section: &'static str,
    to: String,
    fields: Fields,
    result: WebResult<()>,
) -> WebResult<Response> {
    match result {
        Ok(()) => Ok(see_other(to)),
        Err(e) => {
            let error = FormError::of(section, e)?;
            Ok(refused(people_page(lang, id, g, &ListQuery::default(), Some(error), fields).await?))
        }
    }
}

/// The role picked in a form.
fn role_of(fields: &Fields) -> WebResult<PersonRole> {
    PersonRole::parse(fields.get("role")).ok_or_else(|| bad("Hãy chọn vai trò."))
}

pub async fn person_submit(Page { lang, id }: Page, m: MovementWrite, fields: Fields) -> WebResult<Response> {
    let g = &m.0;
    let result = async {
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        let person = PersonInput {
            unit,
            full_name: fields.get("full_name").to_string(),
            role: role_of(&fields)?,
            position: Some(fields.get("position").to_string()).filter(|p| !p.is_empty()),
            initiative: None,
            registered_from: required_year(fields.get("year"), "năm bắt đầu")?,
            registered_to: None,
        };
        g.write(Target::Registry(unit), async |tx| Ok(tx.create_person(&person).await.map(|_| ())?)).await
    }
    .await;
    after_people_change(lang, id.as_ref(), g, "new", "/movement/people".into(), fields, result).await
}

/// A yearly knowledge update of an outreach officer (target 2.5).
pub async fn update_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(pid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let person = g.person(pid).await?;
    let result = async {
        let year = required_year(fields.get("year"), "năm cập nhật")?;
        let note = Some(fields.get("note")).filter(|n| !n.is_empty());
        g.write(Target::Registry(person.unit_id), async |tx| Ok(tx.record_update(pid, year, note).await?)).await
    }
    .await;
    let to = format!("/movement/people#person-{pid}");
    after_people_change(lang, id.as_ref(), g, "update", to, fields, result).await
}

// ---- one person's page ----

#[derive(Template)]
#[template(path = "movement/person.html")]
struct PersonPage {
    chrome: Chrome,
    name: String,
    role: &'static str,
    unit_name: String,
    position: String,
    registered: String,
    years: String,
    units: Vec<Opt>,
    roles: Vec<Opt>,
    years_from: Vec<Opt>,
    years_to: Vec<Opt>,
    record: RecordBox,
    form: Refusal,
}

/// What the correction form shows first: the person as they stand.
fn entered_of(p: &PersonEntry) -> Fields {
    Fields(vec![
        ("unit".into(), p.unit_id.0.to_string()),
        ("full_name".into(), p.full_name.clone()),
        ("role".into(), p.role.as_str().into()),
        ("position".into(), p.position.clone().unwrap_or_default()),
        ("registered_from".into(), p.registered_from.to_string()),
        ("registered_to".into(), p.registered_to.map(|y| y.to_string()).unwrap_or_default()),
    ])
}

async fn person_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    p: &PersonEntry,
    error: Option<FormError>,
    entered: Option<Fields>,
    saved: bool,
) -> WebResult<Html<String>> {
    audit_view(g, &format!("person:{}", p.id), json!({"record": "person"})).await?;
    let chrome = Chrome::new(lang, id, "movement");
    let record =
        RecordBox::of(g, (chrome.tr, id), (RecordKind::Person, p.id, p.unit_id), p.voided.as_ref(), saved).await?;
    let entered = entered.unwrap_or_else(|| entered_of(p));
    let units =
        if record.can_correct { unit_options(&scope_units(g).await?, None, entered.get("unit")) } else { Vec::new() };
    let mut years_to = vec![Opt::new("", "—", entered.get("registered_to"))];
    years_to.extend(year_options(entered.get("registered_to").parse().unwrap_or(0)));
    render(&PersonPage {
        chrome,
        name: p.full_name.clone(),
        role: Tr { lang: lang.0 }.label(&p.role),
        unit_name: p.unit_name.clone(),
        position: p.position.clone().unwrap_or_default(),
        registered: registered(p.registered_from, p.registered_to),
        years: years_text(&p.years),
        units,
        roles: role_options(entered.get("role")),
        years_from: year_options(entered.get("registered_from").parse().unwrap_or(p.registered_from)),
        years_to,
        record,
        form: Refusal { error, entered },
    })
}

#[derive(serde::Deserialize, Default)]
pub struct SavedQuery {
    /// Set by the redirect after a correction, to confirm it.
    #[serde(default)]
    saved: Option<String>,
}

impl SavedQuery {
    pub fn saved(&self) -> bool {
        self.saved.as_deref() == Some("1")
    }
}

/// `GET /movement/people/{id}`: the person, the correction form pre-filled
/// (for those who may correct), the void form and the history.
pub async fn person_view(
    Page { lang, id }: Page,
    m: MovementRead,
    Path(pid): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> WebResult<Html<String>> {
    let p = m.0.person(pid).await?;
    person_page(lang, id.as_ref(), &m.0, &p, None, None, q.saved()).await
}

/// `POST /movement/people/{id}/edit`: saves the correction (only the
/// fields that changed are kept in the history) and shows the person again.
pub async fn person_edit_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(pid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let p = g.person(pid).await?;
    let result = async {
        g.ensure_registry(p.unit_id).await?;
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        g.ensure_registry(unit).await?;
        let checked = PersonFields {
            full_name: fields.get("full_name").to_string(),
            role: role_of(&fields)?,
            position: Some(fields.get("position").to_string()),
            registered_from: required_year(fields.get("registered_from"), "năm bắt đầu")?,
            registered_to: parse_year(fields.get("registered_to"), "Năm kết thúc")?,
        }
        .check()?;
        g.write(Target::Registry(p.unit_id), async |tx| Ok(tx.edit_person(&p, unit, &checked).await?)).await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(format!("/movement/people/{pid}?saved=1"))),
        Err(e) => {
            let error = FormError::of("edit", e)?;
            Ok(refused(person_page(lang, id.as_ref(), g, &p, Some(error), Some(fields), false).await?))
        }
    }
}

/// `POST /movement/people/{id}/void`: voids a person registered by mistake; back to the list.
pub async fn person_void_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(pid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let p = g.person(pid).await?;
    let result = async {
        let why = void_reason(&fields)?;
        g.write(Target::Registry(p.unit_id), async |tx| Ok(tx.void_person(p.id, &why).await?)).await
    }
    .await;
    match result {
        Ok(()) => Ok(see_other("/movement/people?done=1".into())),
        Err(e) => {
            let error = FormError::of("void", e)?;
            Ok(refused(person_page(lang, id.as_ref(), g, &p, Some(error), Some(fields), false).await?))
        }
    }
}

/// `POST /movement/people/{id}/restore`: the secretariat restores a voided person.
pub async fn person_restore_submit(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(pid): Path<i64>,
) -> WebResult<Response> {
    let g: &Granted = &m.0;
    let p = g.person(pid).await?;
    match g.write(Target::Unit(p.unit_id), async |tx| Ok(tx.restore_person(p.id).await?)).await {
        Ok(()) => Ok(see_other(format!("/movement/people/{pid}"))),
        Err(e) => {
            let error = FormError::of("changes", e)?;
            Ok(refused(person_page(lang, id.as_ref(), g, &p, Some(error), None, false).await?))
        }
    }
}

//! People registries (SPEC M3): people with a role (staff, key officials,
//! initiative leaders and admins, outreach officers) and their yearly
//! knowledge updates; training sessions and who attended; trusted voices,
//! their consent and the years they were enlisted. Lists of names are
//! personal data: each view is audited before it is shown.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, Response};
use khienmang_core::targets::{PersonRole, TargetId};
use khienmang_store::movement::{PersonInput, VoiceInput};
use serde::Deserialize;
use serde_json::json;

use super::initiatives::load;
use super::{
    audit_view, bad, can_write, parse_count, required_day, required_year, scope_units, see_other, this_year,
    unit_in_scope, unit_options, year_options,
};
use crate::access::{Granted, Identity, MovementRead, MovementWrite, RequestLang};
use crate::error::{WebError, WebResult};
use crate::i18n::{date_vi, number_vi};
use crate::kit::form::{Check, Fields, FormError, Opt, Refusal, refused};
use crate::org::today;
use crate::page::{Chrome, Page, render};

fn years_text(years: &[i32]) -> String {
    years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
}

// ---- people with a role ----

#[derive(Deserialize, Default)]
pub struct PeopleQuery {
    #[serde(default)]
    role: Option<String>,
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

#[derive(Template)]
#[template(path = "movement/people.html")]
struct PeoplePage {
    chrome: Chrome,
    can_write: bool,
    roles: Vec<Opt>,
    role_choices: Vec<Opt>,
    people: Vec<PersonRow>,
    units: Vec<Opt>,
    years: Vec<Opt>,
    this_year: i32,
    form: Refusal,
}

fn role_options(current: &str) -> Vec<Opt> {
    PersonRole::ALL.iter().map(|r| Opt::new(r.as_str(), r.label_vi(), current)).collect()
}

async fn people_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    role: &str,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let wanted = PersonRole::parse(role);
    let here = g.home(today()).await?;
    let home = here.unit();
    let found = here.people(wanted).await?;
    audit_view(g, "people", json!({"scope": home.0, "role": wanted.map(PersonRole::as_str), "shown": found.len()}))
        .await?;
    let year = this_year();
    let people = found
        .into_iter()
        .map(|p| PersonRow {
            id: p.id,
            name: p.full_name,
            unit_name: p.unit_name,
            role: p.role.label_vi(),
            position: p.position.unwrap_or_default(),
            registered: match p.registered_to {
                Some(to) => format!("{}–{to}", p.registered_from),
                None => format!("{}–", p.registered_from),
            },
            years: years_text(&p.years),
            outreach: p.role.target() == TargetId::OutreachUpdate,
            updated_this_year: p.years.contains(&year),
        })
        .collect();
    let can_write = can_write(id);
    let units = if can_write { unit_options(&scope_units(g).await?, None, entered.get("unit")) } else { Vec::new() };
    let registered_from = entered.get("year").parse().unwrap_or(year);
    render(&PeoplePage {
        chrome: Chrome::new(lang, id, "movement"),
        can_write,
        roles: role_options(wanted.map(PersonRole::as_str).unwrap_or("")),
        role_choices: role_options(entered.get("role")),
        people,
        units,
        years: year_options(registered_from),
        this_year: year,
        form: Refusal { error, entered },
    })
}

pub async fn people_list(
    Page { lang, id }: Page,
    m: MovementRead,
    Query(q): Query<PeopleQuery>,
) -> WebResult<Html<String>> {
    people_page(lang, id.as_ref(), &m.0, q.role.as_deref().unwrap_or(""), None, Fields::default()).await
}

/// Re-shows the people page with a message next to the upload form.
pub async fn refused_people_upload(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    message: String,
) -> WebResult<Response> {
    let error = FormError { section: "upload", message };
    Ok(refused(people_page(lang, id, g, "", Some(error), Fields::default()).await?))
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
            Ok(refused(people_page(lang, id, g, "", Some(error), fields).await?))
        }
    }
}

pub async fn person_submit(Page { lang, id }: Page, m: MovementWrite, fields: Fields) -> WebResult<Response> {
    let g = &m.0;
    let result = async {
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        let role = PersonRole::parse(fields.get("role")).ok_or_else(|| bad("Hãy chọn vai trò."))?;
        let person = PersonInput {
            unit,
            full_name: fields.get("full_name").to_string(),
            role,
            position: Some(fields.get("position").to_string()).filter(|p| !p.is_empty()),
            initiative: None,
            registered_from: required_year(fields.get("year"), "năm bắt đầu")?,
            registered_to: None,
        };
        let mut tx = g.write_for(unit).await?;
        tx.create_person(&person).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
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
    let unit = g.person_unit(pid).await?;
    let result = async {
        let year = required_year(fields.get("year"), "năm cập nhật")?;
        let note = Some(fields.get("note")).filter(|n| !n.is_empty());
        let mut tx = g.write_for(unit).await?;
        tx.record_update(pid, year, note).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    let to = format!("/movement/people#person-{pid}");
    after_people_change(lang, id.as_ref(), g, "update", to, fields, result).await
}

// ---- trainings ----

#[derive(Deserialize, Default)]
pub struct TrainingQuery {
    #[serde(default)]
    unit: Option<String>,
}

pub struct TrainingRow {
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
    units: Vec<Opt>,
    unit_id: i64,
    attendees: Vec<Check>,
    trainings: Vec<TrainingRow>,
    today: String,
    form: Refusal,
}

async fn trainings_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    unit: Option<&str>,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let here = g.home(today()).await?;
    let home = here.unit();
    let organiser = match unit.filter(|u| !u.is_empty()) {
        Some(u) => unit_in_scope(g, u).await?,
        None => home,
    };
    let can_write = can_write(id);
    let (units, attendees) = if can_write {
        // The attendees are chosen among the people of the organising unit's subtree.
        let people = g.within(organiser).await?.people(None).await?;
        audit_view(g, "people", json!({"scope": organiser.0, "purpose": "training", "shown": people.len()})).await?;
        let chosen = entered.all("attendee");
        let checks = people
            .into_iter()
            .map(|p| Check {
                id: format!("attendee-{}", p.id),
                value: p.id.to_string(),
                label: format!("{} — {} ({})", p.full_name, p.role.label_vi(), p.unit_name),
                checked: chosen.contains(&p.id.to_string().as_str()),
            })
            .collect();
        (unit_options(&scope_units(g).await?, None, &organiser.0.to_string()), checks)
    } else {
        (Vec::new(), Vec::new())
    };
    let trainings = here
        .trainings()
        .await?
        .into_iter()
        .map(|t| TrainingRow {
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
        units,
        unit_id: organiser.0,
        attendees,
        trainings,
        today: today().to_string(),
        form: Refusal { error, entered },
    })
}

pub async fn trainings_list(
    Page { lang, id }: Page,
    m: MovementRead,
    Query(q): Query<TrainingQuery>,
) -> WebResult<Html<String>> {
    trainings_page(lang, id.as_ref(), &m.0, q.unit.as_deref(), None, Fields::default()).await
}

pub async fn training_submit(Page { lang, id }: Page, m: MovementWrite, fields: Fields) -> WebResult<Response> {
    let g = &m.0;
    let unit = unit_in_scope(g, fields.get("unit")).await?;
    let result = async {
        let held_on = required_day(fields.get("held_on"), "ngày tập huấn")?;
        let allowed: Vec<i64> = g.within(unit).await?.people(None).await?.iter().map(|p| p.id).collect();
        let mut attendees = Vec::new();
        for a in fields.all("attendee") {
            let person = a.parse::<i64>().ok().filter(|p| allowed.contains(p)).ok_or_else(|| {
                bad("Người tham dự phải có tên trong danh sách của đơn vị tổ chức hoặc đơn vị trực thuộc.")
            })?;
            attendees.push(person);
        }
        let place = Some(fields.get("place")).filter(|p| !p.is_empty());
        let mut tx = g.write_for(unit).await?;
        tx.create_training(unit, fields.get("title"), held_on, place, &attendees).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(see_other(format!("/movement/trainings?unit={}", unit.0))),
        Err(e) => {
            let error = FormError::of("new", e)?;
            let unit = unit.0.to_string();
            Ok(refused(trainings_page(lang, id.as_ref(), g, Some(&unit), Some(error), fields).await?))
        }
    }
}

// ---- trusted voices ----

pub struct VoiceRow {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    pub in_province: bool,
    pub channels: String,
    pub audience: String,
    pub consent: bool,
    pub enlisted: String,
    pub enlisted_this_year: bool,
}

#[derive(Template)]
#[template(path = "movement/voices.html")]
struct VoicesPage {
    chrome: Chrome,
    can_write: bool,
    voices: Vec<VoiceRow>,
    units: Vec<Opt>,
    initiatives: Vec<Opt>,
    years: Vec<Opt>,
    this_year: i32,
    form: Refusal,
}

async fn voices_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let here = g.home(today()).await?;
    let home = here.unit();
    let found = here.voices().await?;
    audit_view(g, "voices", json!({"scope": home.0, "shown": found.len()})).await?;
    let year = this_year();
    let voices = found
        .into_iter()
        .map(|v| VoiceRow {
            id: v.id,
            name: v.full_name,
            unit_name: v.unit_name,
            in_province: v.in_province,
            channels: v.channels.unwrap_or_default(),
            audience: v.audience.map(number_vi).unwrap_or_default(),
            consent: v.consent,
            enlisted_this_year: v.enlisted_years.contains(&year),
            enlisted: years_text(&v.enlisted_years),
        })
        .collect();
    let can_write = can_write(id);
    let (units, initiatives) = if can_write {
        let initiatives = here
            .initiatives(None)
            .await?
            .into_iter()
            .map(|i| Opt::new(i.id.to_string(), format!("{} ({})", i.name, i.unit_name), entered.get("initiative")))
            .collect();
        (unit_options(&scope_units(g).await?, None, entered.get("unit")), initiatives)
    } else {
        (Vec::new(), Vec::new())
    };
    let registered_from = entered.get("year").parse().unwrap_or(year);
    render(&VoicesPage {
        chrome: Chrome::new(lang, id, "movement"),
        can_write,
        voices,
        units,
        initiatives,
        years: year_options(registered_from),
        this_year: year,
        form: Refusal { error, entered },
    })
}

pub async fn voices_list(Page { lang, id }: Page, m: MovementRead) -> WebResult<Html<String>> {
    voices_page(lang, id.as_ref(), &m.0, None, Fields::default()).await
}

async fn after_voice_change(
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
            Ok(refused(voices_page(lang, id, g, Some(error), fields).await?))
        }
    }
}

pub async fn voice_submit(Page { lang, id }: Page, m: MovementWrite, fields: Fields) -> WebResult<Response> {
    let g = &m.0;
    let result = async {
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        let in_province = match fields.get("where") {
            "in" => true,
            "out" => false,
            _ => return Err(bad("Hãy chọn người có uy tín ở trong hay ngoài tỉnh.")),
        };
        let initiative = match fields.get("initiative") {
            "" => None,
            s => Some(load(g, s.parse().map_err(|_| bad("Mô hình không hợp lệ."))?).await?.id),
        };
        let voice = VoiceInput {
            unit,
            full_name: fields.get("full_name").to_string(),
            in_province,
            channels: Some(fields.get("channels").to_string()).filter(|c| !c.is_empty()),
            audience: parse_count(fields.get("audience"), "Số người theo dõi")?,
            consent: fields.has("consent"),
            initiative,
            registered_from: required_year(fields.get("year"), "năm bắt đầu")?,
        };
        let mut tx = g.write_for(unit).await?;
        tx.create_voice(&voice).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    after_voice_change(lang, id.as_ref(), g, "new", "/movement/voices".into(), fields, result).await
}

/// A trusted voice enlisted for a year (target 2.8); the store refuses it
/// without their consent on record.
pub async fn enlist_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(vid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let unit = g.voice_unit(vid).await?;
    let result = async {
        let year = required_year(fields.get("year"), "năm")?;
        let mut tx = g.write_for(unit).await?;
        tx.enlist_voice(vid, year).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    let to = format!("/movement/voices#voice-{vid}");
    after_voice_change(lang, id.as_ref(), g, "enlist", to, Fields::default(), result).await
}

//! Trusted voices: the list searched by name and paged in the database; a
//! registration with the day consent was given (target 2.8 counts a voice
//! only from that year); a yearly enlistment; a voice's page with the
//! correction form (a consent given later is entered with its date), the
//! void form, the history and the secretariat's restore.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, Response};
use khienmang_core::Date;
use khienmang_core::movement::{RecordKind, VoiceFields};
use khienmang_store::movement::{ListFilter, VoiceEntry, VoiceInput};
use serde_json::json;

use super::super::initiatives::load;
use super::super::{
    audit_view, bad, parse_count, required_year, scope_units, see_other, this_year, unit_in_scope, unit_options,
    year_options,
};
use super::persons::SavedQuery;
use super::{ListQuery, PAGE_SIZE, Pager, RecordBox, can_correct, picked_id, void_reason};
use crate::access::{Granted, Identity, MovementRead, MovementWrite, ProgrammeManage, RequestLang, Target};
use crate::error::WebResult;
use crate::i18n::{date_vi, number_vi};
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused};
use crate::org::{parse_day, today};
use crate::page::{Chrome, Page, render};

fn years_text(years: &[i32]) -> String {
    years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
}

/// In or outside the province, as the form's radio says.
fn in_province(fields: &Fields) -> WebResult<bool> {
    match fields.get("where") {
        "in" => Ok(true),
        "out" => Ok(false),
        _ => Err(bad("Hãy chọn người có uy tín ở trong hay ngoài tỉnh.")),
    }
}

/// The day consent was given: the date typed, or today when only the
/// box "has consented" is ticked; none otherwise.
fn consent_on(fields: &Fields) -> WebResult<Option<Date>> {
    match fields.get("consent_on") {
        "" if fields.has("consent") => Ok(Some(today())),
        "" => Ok(None),
        s => Ok(Some(parse_day(s)?)),
    }
}

pub struct VoiceRow {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    pub in_province: bool,
    pub channels: String,
    pub audience: String,
    pub consent: String,
    pub enlisted: String,
    pub enlisted_this_year: bool,
    /// Consent given by this year: enlisting is offered.
    pub may_enlist: bool,
}

#[derive(Template)]
#[template(path = "movement/voices.html")]
struct VoicesPage {
    chrome: Chrome,
    can_write: bool,
    q: String,
    voices: Vec<VoiceRow>,
    pager: Pager,
    units: Vec<Opt>,
    initiatives: Vec<Opt>,
    years: Vec<Opt>,
    this_year: i32,
    may_restore: bool,
    voided: bool,
    done: bool,
    form: Refusal,
}

async fn voices_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    q: &ListQuery,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let here = g.home(today()).await?;
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
    let found = listed.voices_page(&filter).await?;
    audit_view(g, "voices", json!({"scope": listed.unit().0, "q": filter.query, "shown": found.rows.len()})).await?;
    let year = this_year();
    let voices = found
        .rows
        .into_iter()
        .map(|v| VoiceRow {
            id: v.id,
            name: v.full_name,
            unit_name: v.unit_name,
            in_province: v.in_province,
            channels: v.channels.unwrap_or_default(),
            audience: v.audience.map(number_vi).unwrap_or_default(),
            consent: v.consent_on.map(date_vi).unwrap_or_default(),
            enlisted_this_year: v.enlisted_years.contains(&year),
            may_enlist: v.consent_on.is_some_and(|d| chrono::Datelike::year(&d) <= year),
            enlisted: years_text(&v.enlisted_years),
        })
        .collect();
    let params = [
        ("q", filter.query.clone().unwrap_or_default()),
        ("voided", if filter.voided { "1".into() } else { String::new() }),
    ];
    let pager = Pager::new("/movement/voices", &params, page, found.total);
    let can_write = can_correct(id);
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
        q: filter.query.clone().unwrap_or_default(),
        voices,
        pager,
        units,
        initiatives,
        years: year_options(registered_from),
        this_year: year,
        may_restore: g.may_restore(),
        voided: filter.voided,
        done: q.done.as_deref() == Some("1"),
        form: Refusal { error, entered },
    })
}

/// `GET /movement/voices`: a page of the trusted voices of the scope.
pub async fn voices_list(
    Page { lang, id }: Page,
    m: MovementRead,
    Query(q): Query<ListQuery>,
) -> WebResult<Html<String>> {
    voices_page(lang, id.as_ref(), &m.0, &q, None, Fields::default()).await
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
            Ok(refused(voices_page(lang, id, g, &ListQuery::default(), Some(error), fields).await?))
        }
    }
}

pub async fn voice_submit(Page { lang, id }: Page, m: MovementWrite, fields: Fields) -> WebResult<Response> {
    let g = &m.0;
    let result = async {
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        let initiative = match fields.get("initiative") {
            "" => None,
            s => Some(load(g, picked_id(s).ok_or_else(|| bad("Mô hình không hợp lệ."))?).await?.id),
        };
        let voice = VoiceInput {
            unit,
            full_name: fields.get("full_name").to_string(),
            in_province: in_province(&fields)?,
            channels: Some(fields.get("channels").to_string()).filter(|c| !c.is_empty()),
            audience: parse_count(fields.get("audience"), "Số người theo dõi")?,
            consent_on: consent_on(&fields)?,
            initiative,
            registered_from: required_year(fields.get("year"), "năm bắt đầu")?,
        };
        g.write(Target::Registry(unit), async |tx| Ok(tx.create_voice(&voice).await.map(|_| ())?)).await
    }
    .await;
    after_voice_change(lang, id.as_ref(), g, "new", "/movement/voices".into(), fields, result).await
}

/// A trusted voice enlisted for a year (target 2.8); the store refuses it
/// without their consent given by then.
pub async fn enlist_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(vid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let voice = g.voice(vid).await?;
    let result = async {
        let year = required_year(fields.get("year"), "năm")?;
        g.write(Target::Registry(voice.unit_id), async |tx| Ok(tx.enlist_voice(vid, year).await?)).await
    }
    .await;
    let to = format!("/movement/voices#voice-{vid}");
    after_voice_change(lang, id.as_ref(), g, "enlist", to, Fields::default(), result).await
}

// ---- one voice's page ----

#[derive(Template)]
#[template(path = "movement/voice.html")]
struct VoicePage {
    chrome: Chrome,
    name: String,
    unit_name: String,
    in_province: bool,
    channels: String,
    audience: String,
    consent: String,
    enlisted: String,
    units: Vec<Opt>,
    years: Vec<Opt>,
    record: RecordBox,
    form: Refusal,
}

fn entered_of(v: &VoiceEntry) -> Fields {
    Fields(vec![
        ("unit".into(), v.unit_id.0.to_string()),
        ("full_name".into(), v.full_name.clone()),
        ("where".into(), if v.in_province { "in" } else { "out" }.into()),
        ("channels".into(), v.channels.clone().unwrap_or_default()),
        ("audience".into(), v.audience.map(|a| a.to_string()).unwrap_or_default()),
        ("consent_on".into(), v.consent_on.map(|d| d.to_string()).unwrap_or_default()),
        ("registered_from".into(), v.registered_from.to_string()),
    ])
}

async fn voice_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    v: &VoiceEntry,
    error: Option<FormError>,
    entered: Option<Fields>,
    saved: bool,
) -> WebResult<Html<String>> {
    audit_view(g, &format!("voice:{}", v.id), json!({"record": "voice"})).await?;
    let chrome = Chrome::new(lang, id, "movement");
    let record =
        RecordBox::of(g, (chrome.tr, id), (RecordKind::Voice, v.id, v.unit_id), v.voided.as_ref(), saved).await?;
    let entered = entered.unwrap_or_else(|| entered_of(v));
    let units =
        if record.can_correct { unit_options(&scope_units(g).await?, None, entered.get("unit")) } else { Vec::new() };
    render(&VoicePage {
        chrome,
        name: v.full_name.clone(),
        unit_name: v.unit_name.clone(),
        in_province: v.in_province,
        channels: v.channels.clone().unwrap_or_default(),
        audience: v.audience.map(number_vi).unwrap_or_default(),
        consent: v.consent_on.map(date_vi).unwrap_or_default(),
        enlisted: years_text(&v.enlisted_years),
        units,
        years: year_options(entered.get("registered_from").parse().unwrap_or(v.registered_from)),
        record,
        form: Refusal { error, entered },
    })
}

/// `GET /movement/voices/{id}`: the voice, the correction form, the void form and the history.
pub async fn voice_view(
    Page { lang, id }: Page,
    m: MovementRead,
    Path(vid): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> WebResult<Html<String>> {
    let v = m.0.voice(vid).await?;
    voice_page(lang, id.as_ref(), &m.0, &v, None, None, q.saved()).await
}

/// `POST /movement/voices/{id}/edit`: saves the correction.
pub async fn voice_edit_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(vid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let v = g.voice(vid).await?;
    let result = async {
        g.ensure_registry(v.unit_id).await?;
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        g.ensure_registry(unit).await?;
        let checked = VoiceFields {
            full_name: fields.get("full_name").to_string(),
            in_province: in_province(&fields)?,
            channels: Some(fields.get("channels").to_string()),
            audience: parse_count(fields.get("audience"), "Số người theo dõi")?,
            consent_on: consent_on(&fields)?,
            registered_from: required_year(fields.get("registered_from"), "năm bắt đầu")?,
        }
        .check()?;
        g.write(Target::Registry(v.unit_id), async |tx| Ok(tx.edit_voice(&v, unit, &checked).await?)).await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(format!("/movement/voices/{vid}?saved=1"))),
        Err(e) => {
            let error = FormError::of("edit", e)?;
            Ok(refused(voice_page(lang, id.as_ref(), g, &v, Some(error), Some(fields), false).await?))
        }
    }
}

/// `POST /movement/voices/{id}/void`: voids a voice registered by mistake; back to the list.
pub async fn voice_void_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(vid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let v = g.voice(vid).await?;
    let result = async {
        let why = void_reason(&fields)?;
        g.write(Target::Registry(v.unit_id), async |tx| Ok(tx.void_voice(v.id, &why).await?)).await
    }
    .await;
    match result {
        Ok(()) => Ok(see_other("/movement/voices?done=1".into())),
        Err(e) => {
            let error = FormError::of("void", e)?;
            Ok(refused(voice_page(lang, id.as_ref(), g, &v, Some(error), Some(fields), false).await?))
        }
    }
}

/// `POST /movement/voices/{id}/restore`: the secretariat restores a voided voice.
pub async fn voice_restore_submit(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(vid): Path<i64>,
) -> WebResult<Response> {
    let g: &Granted = &m.0;
    let v = g.voice(vid).await?;
    match g.write(Target::Unit(v.unit_id), async |tx| Ok(tx.restore_voice(v.id).await?)).await {
        Ok(()) => Ok(see_other(format!("/movement/voices/{vid}"))),
        Err(e) => {
            let error = FormError::of("changes", e)?;
            Ok(refused(voice_page(lang, id.as_ref(), g, &v, Some(error), None, false).await?))
        }
    }
}

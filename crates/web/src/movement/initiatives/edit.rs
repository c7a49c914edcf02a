//! Correcting and voiding an initiative (issue 18): the correction form
//! pre-filled with the current values, the void form with its required
//! reason, the secretariat's restore; and from the initiative's page, a
//! channel corrected or voided, a sub-group, a participating unit or a
//! member count voided. The checks are core's; each write goes through the
//! store's shared correction mechanism (history, audit, targets).

use askama::Template;
use axum::extract::Path;
use axum::response::{Html, Response};
use khienmang_core::movement::{Channel, VoidReason};
use khienmang_store::movement::Initiative;

use super::super::{bad, parse_count, required_year, see_other, unit_in_scope, village_in_scope};
use super::new::{Choices, Draft, fields_of};
use super::{after_change, load, on_initiative};
use crate::access::{Granted, Identity, MovementWrite, ProgrammeManage, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::kit::form::{Check, Fields, FormError, Opt, Refusal, refused};
use crate::page::{Chrome, Page, render};

/// The longest id a form sends back (a record picked on the page).
const MAX_ID_CHARS: usize = 20;

/// A record picked on the page (a hidden field of its row), read bounded.
fn picked(fields: &Fields, name: &str) -> WebResult<i64> {
    let raw = fields.get(name);
    if raw.is_empty() || raw.len() > MAX_ID_CHARS {
        return Err(bad("Hãy chọn bản ghi trong danh sách."));
    }
    raw.parse().map_err(|_| bad("Hãy chọn bản ghi trong danh sách."))
}

/// The reason a void gives, checked by core.
fn reason(fields: &Fields) -> WebResult<VoidReason> {
    Ok(VoidReason::parse(fields.get("reason"))?)
}

#[derive(Template)]
#[template(path = "movement/initiative_edit.html")]
struct EditPage {
    chrome: Chrome,
    ini_id: i64,
    ini_name: String,
    draft: Draft,
    participant_kinds: Vec<Opt>,
    leader_kinds: Vec<Opt>,
    content_kinds: Vec<Opt>,
    focus: Vec<Check>,
    criteria: Vec<Check>,
    form: Refusal,
}

fn draft_of(ini: &Initiative) -> Draft {
    Draft {
        name: ini.name.clone(),
        leader: ini.leader_name.clone().unwrap_or_default(),
        participant_kind: ini.participant_kind.as_str().into(),
        leader_kind: ini.leader_kind.as_str().into(),
        content_kind: ini.content_kind.as_str().into(),
        focus: ini.focus.iter().map(|f| f.as_str().to_string()).collect(),
        criteria: ini.criteria,
        description: ini.description.clone().unwrap_or_default(),
        ..Draft::default()
    }
}

fn edit_page(
    lang: RequestLang,
    id: Option<&Identity>,
    ini: &Initiative,
    draft: Draft,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let c = Choices::of(&draft);
    render(&EditPage {
        chrome: Chrome::new(lang, id, "movement"),
        ini_id: ini.id,
        ini_name: ini.name.clone(),
        participant_kinds: c.participant_kinds,
        leader_kinds: c.leader_kinds,
        content_kinds: c.content_kinds,
        focus: c.focus,
        criteria: c.criteria,
        draft,
        form: Refusal { error, entered },
    })
}

/// `GET /movement/initiatives/{id}/edit`: the correction form, pre-filled.
pub async fn edit_form(Page { lang, id }: Page, m: MovementWrite, Path(iid): Path<i64>) -> WebResult<Html<String>> {
    let ini = load(&m.0, iid).await?;
    edit_page(lang, id.as_ref(), &ini, draft_of(&ini), None, Fields::default())
}

/// `POST /movement/initiatives/{id}/edit`: saves the correction (only the
/// fields that changed are kept in the history) and goes back to the page.
pub async fn edit_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let ini = load(g, iid).await?;
    let draft = Draft::of(&fields);
    let result = async {
        let checked = fields_of(&draft)?.check()?;
        g.write(Target::Initiative(&ini), async |tx| Ok(tx.edit_initiative(&ini, &checked).await?)).await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(format!("/movement/initiatives/{}?saved=1#changes", ini.id))),
        Err(e) => {
            let error = FormError::of("edit", e)?;
            Ok(refused(edit_page(lang, id.as_ref(), &ini, draft, Some(error), fields)?))
        }
    }
}

/// `POST /movement/initiatives/{id}/void`: voids an initiative entered by
/// mistake, with its channels and member counts; back to the list.
pub async fn void_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let ini = load(g, iid).await?;
    let result = async {
        let why = reason(&fields)?;
        g.write(Target::Initiative(&ini), async |tx| Ok(tx.void_initiative(ini.id, &why).await?)).await
    }
    .await;
    match result {
        Ok(()) => Ok(see_other("/movement?voided=1".to_string())),
        Err(e) => {
            let error = FormError::of("void", e)?;
            Ok(refused(edit_page(lang, id.as_ref(), &ini, draft_of(&ini), Some(error), fields)?))
        }
    }
}

/// `POST /movement/initiatives/{id}/restore`: the secretariat restores a
/// voided initiative with what was voided with it.
pub async fn restore_submit(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g: &Granted = &m.0;
    let ini = load(g, iid).await?;
    let result = g.write(Target::Unit(ini.unit_id), async |tx| Ok(tx.restore_initiative(ini.id).await?)).await;
    after_change(lang, id.as_ref(), g, ini, "changes", fields, result).await
}

/// `POST /movement/initiatives/{id}/channels/edit`: corrects a channel's link or audience.
pub async fn channel_edit_submit(
    page: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    on_initiative(page, m, iid, "channels", fields, async |g, ini, fields| {
        let channel_id = picked(fields, "channel")?;
        let channel = Channel::parse(fields.get("url")).map_err(|e| WebError::BadRequest(e.message_vi()))?;
        let audience = parse_count(fields.get("audience"), "Số người theo dõi")?;
        g.write(Target::Initiative(ini), async |tx| {
            Ok(tx.edit_channel(ini.id, channel_id, &channel, audience).await.map(|_| ())?)
        })
        .await
    })
    .await
}

/// `POST /movement/initiatives/{id}/channels/void`: voids a channel entered by mistake.
pub async fn channel_void_submit(
    page: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    on_initiative(page, m, iid, "channels", fields, async |g, ini, fields| {
        let channel_id = picked(fields, "channel")?;
        let why = reason(fields)?;
        g.write(Target::Initiative(ini), async |tx| Ok(tx.void_channel(ini.id, channel_id, &why).await?)).await
    })
    .await
}

/// `POST /movement/initiatives/{id}/groups/void`: voids a sub-group.
pub async fn group_void_submit(
    page: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    on_initiative(page, m, iid, "groups", fields, async |g, ini, fields| {
        let group = picked(fields, "group")?;
        let why = reason(fields)?;
        g.write(Target::Initiative(ini), async |tx| Ok(tx.void_group(ini.id, group, &why).await?)).await
    })
    .await
}

/// `POST /movement/initiatives/{id}/reports/void`: voids a periodic
/// activity report entered by mistake (it is then entered again right).
pub async fn report_void_submit(
    page: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    on_initiative(page, m, iid, "reports", fields, async |g, ini, fields| {
        let report = picked(fields, "report")?;
        let why = reason(fields)?;
        g.write(Target::Initiative(ini), async |tx| Ok(tx.void_initiative_report(ini.id, report, &why).await?)).await
    })
    .await
}

/// `POST /movement/initiatives/{id}/participants/void`: voids a unit's part in the initiative.
pub async fn participant_void_submit(
    page: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    on_initiative(page, m, iid, "participants", fields, async |g, ini, fields| {
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        let why = reason(fields)?;
        g.write(Target::Initiative(ini), async |tx| Ok(tx.void_participant(ini.id, unit, &why).await?)).await
    })
    .await
}

/// `POST /movement/initiatives/{id}/counts/void`: voids the members counted in a village for a year.
pub async fn count_void_submit(
    page: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    on_initiative(page, m, iid, "villages", fields, async |g, ini, fields| {
        let village = village_in_scope(g, fields.get("village")).await?;
        let year = required_year(fields.get("year"), "năm")?;
        let why = reason(fields)?;
        g.write(Target::Initiative(ini), async |tx| Ok(tx.void_village_count(ini.id, village, year, &why).await?)).await
    })
    .await
}

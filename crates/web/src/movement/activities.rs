//! Awareness activities held in villages (target 2.6) and prevention posts
//! on units' official pages (target 2.7).

use askama::Template;
use axum::response::{Html, Response};
use khienmang_core::link::HttpUrl;
use khienmang_core::org::Level;

use super::{
    bad, can_write, parse_count, required_day, scope_units, see_other, unit_in_scope, unit_options, village_in_scope,
};
use crate::access::{Granted, Identity, MovementRead, MovementWrite, RequestLang};
use crate::error::{WebError, WebResult};
use crate::i18n::date_vi;
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused};
use crate::org::today;
use crate::page::{Chrome, Page, render};

pub struct ActivityRow {
    pub id: i64,
    pub unit_name: String,
    pub on: String,
    pub title: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "movement/activities.html")]
struct ActivitiesPage {
    chrome: Chrome,
    can_write: bool,
    voided: bool,
    activities: Vec<ActivityRow>,
    posts: Vec<ActivityRow>,
    villages: Vec<Opt>,
    units: Vec<Opt>,
    today: String,
    form: Refusal,
}

async fn activities_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    voided: bool,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let here = g.home(today()).await?;
    let rows = |list: Vec<khienmang_store::movement::ActivityEntry>| {
        list.into_iter()
            .map(|a| ActivityRow {
                id: a.id,
                unit_name: a.unit_name,
                on: date_vi(a.on),
                title: a.title,
                detail: a.detail.unwrap_or_default(),
            })
            .collect::<Vec<_>>()
    };
    let activities = rows(here.activities(false).await?);
    let posts = rows(here.activities(true).await?);
    let can_write = can_write(id);
    let (villages, units) = if can_write {
        let all = scope_units(g).await?;
        (
            unit_options(&all, Some(Level::Village), entered.get("village")),
            unit_options(&all, None, entered.get("unit")),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    render(&ActivitiesPage {
        chrome: Chrome::new(lang, id, "movement"),
        can_write,
        voided,
        activities,
        posts,
        villages,
        units,
        today: today().to_string(),
        form: Refusal { error, entered },
    })
}

pub async fn activities_list(
    Page { lang, id }: Page,
    m: MovementRead,
    axum::extract::Query(q): axum::extract::Query<super::documents::AfterVoid>,
) -> WebResult<Html<String>> {
    activities_page(lang, id.as_ref(), &m.0, q.shown(), None, Fields::default()).await
}

async fn after_change(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    section: &'static str,
    fields: Fields,
    result: WebResult<()>,
) -> WebResult<Response> {
    match result {
        Ok(()) => Ok(see_other(format!("/movement/activities#{section}"))),
        Err(e) => {
            let error = FormError::of(section, e)?;
            Ok(refused(activities_page(lang, id, g, false, Some(error), fields).await?))
        }
    }
}

/// An awareness activity held in a village.
pub async fn activity_submit(Page { lang, id }: Page, m: MovementWrite, fields: Fields) -> WebResult<Response> {
    let g = &m.0;
    let result = async {
        let village = village_in_scope(g, fields.get("village")).await?;
        let held_on = required_day(fields.get("held_on"), "ngày tổ chức")?;
        let participants = parse_count(fields.get("participants"), "Số người tham dự")?;
        let mut tx = g.write_for(village).await?;
        tx.add_village_activity(village, held_on, fields.get("title"), participants).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    after_change(lang, id.as_ref(), g, "village-activities", fields, result).await
}

/// A prevention post on a unit's official page.
pub async fn post_submit(Page { lang, id }: Page, m: MovementWrite, fields: Fields) -> WebResult<Response> {
    let g = &m.0;
    let result = async {
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        let posted_on = required_day(fields.get("posted_on"), "ngày đăng")?;
        let url = HttpUrl::parse_optional(fields.get("url")).map_err(|e| bad(&e.message_vi()))?;
        let mut tx = g.write_for(unit).await?;
        tx.add_page_post(unit, posted_on, fields.get("post_title"), url.as_ref().map(HttpUrl::as_str)).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    after_change(lang, id.as_ref(), g, "page-posts", fields, result).await
}

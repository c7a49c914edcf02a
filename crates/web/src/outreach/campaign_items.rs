//! A campaign's content items as form rows: the new-campaign form (title,
//! kind, link or a published warning per row; themes ticked from a
//! translated list; a button for one more row), and on a campaign's page
//! each item corrected, or voided with a reason (a campaign is published
//! when it is made, so an item entered by mistake is voided, not deleted:
//! it stays in the campaign's history and the audit log). A refused form
//! comes back with what was typed and the reason beside the field.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use khienmang_core::movement::Focus;
use khienmang_core::outreach::campaign_form::{
    ItemError, ItemRow, MAX_ITEMS, MAX_VOID_REASON, row_to_item, rows_from_fields, rows_to_items,
};
use khienmang_core::outreach::{Campaign, ContentKind, Schedule, Targeting};
use serde_json::json;

use crate::AppState;
use crate::access::{OutreachManage, Target};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::{Check, Fields, Opt};
use crate::org::today;
use crate::page::Page;

/// A row of the items form, with its menus and the reason it was refused.
pub struct RowView {
    pub index: usize,
    pub row: ItemRow,
    pub kinds: Vec<Opt>,
    pub warnings: Vec<Opt>,
    pub e_title: Option<String>,
    pub e_kind: Option<String>,
    pub e_url: Option<String>,
    pub e_warning: Option<String>,
}

/// The published warnings a warning item may share: (id, title).
pub(super) async fn warning_choices(state: &AppState) -> WebResult<Vec<(i64, String)>> {
    Ok(state.store.outreach_public().recent_warnings(200).await?.into_iter().map(|w| (w.id, w.title)).collect())
}

fn kind_label(tr: Tr, k: ContentKind) -> &'static str {
    tr.t(&format!("ci.kind.{}", k.as_str()))
}

fn error_text(tr: Tr, e: ItemError) -> String {
    tr.t(e.key()).replace("{max}", &MAX_ITEMS.to_string())
}

/// The view of `rows`, with `errors` (by row) beside their fields.
pub(super) fn row_views(
    tr: Tr,
    rows: &[ItemRow],
    errors: &[(Option<usize>, ItemError)],
    warnings: &[(i64, String)],
) -> Vec<RowView> {
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let e = |field: &str| {
                errors.iter().find(|(r, e)| *r == Some(i) && e.field() == field).map(|(_, e)| error_text(tr, *e))
            };
            RowView {
                index: i,
                kinds: ContentKind::ALL.iter().map(|k| Opt::new(k.as_str(), kind_label(tr, *k), &row.kind)).collect(),
                warnings: warnings.iter().map(|(id, t)| Opt::new(id.to_string(), t.clone(), &row.warning)).collect(),
                e_title: e("title"),
                e_kind: e("kind"),
                e_url: e("url"),
                e_warning: e("warning"),
                row: row.clone(),
            }
        })
        .collect()
}

/// The themes as checkboxes, ticked as typed.
pub(super) fn theme_checks(tr: Tr, ticked: &[&str]) -> Vec<Check> {
    Focus::ALL
        .iter()
        .map(|f| Check {
            id: format!("theme-{}", f.as_str()),
            value: f.as_str().to_owned(),
            label: tr.t(&format!("ci.theme.{}", f.as_str())).to_owned(),
            checked: ticked.contains(&f.as_str()),
        })
        .collect()
}

/// What the new-campaign form shows again after a refusal or a new row.
pub struct NewCampaign {
    pub title: String,
    pub description: String,
    pub days: String,
    pub rows: Vec<RowView>,
    pub themes: Vec<Check>,
    pub error: Option<String>,
}

impl NewCampaign {
    /// An empty form with three rows.
    pub(super) fn blank(tr: Tr, warnings: &[(i64, String)]) -> NewCampaign {
        let rows = vec![ItemRow { kind: "article".into(), ..ItemRow::default() }; 3];
        NewCampaign {
            title: String::new(),
            description: String::new(),
            days: "30".into(),
            rows: row_views(tr, &rows, &[], warnings),
            themes: theme_checks(tr, &[]),
            error: None,
        }
    }
}

/// `POST /campaigns`: "one more row" shows the form again with a blank row;
/// "publish" checks every row and publishes the campaign over the
/// session's home unit.
pub async fn create(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    m: OutreachManage,
    fields: Fields,
) -> WebResult<Response> {
    let tr = Tr { lang: lang.0 };
    let warnings = warning_choices(&state).await?;
    let mut rows = rows_from_fields(&fields.0);
    let ticked = fields.all("themes");
    let themes: Vec<Focus> = ticked.iter().filter_map(|t| Focus::parse(t)).collect();
    let title = fields.get("title").chars().take(400).collect::<String>();
    let description = fields.get("description").chars().take(4000).collect::<String>();
    let days = fields.get("days").to_owned();
    let form = |rows: &[ItemRow], errors: &[(Option<usize>, ItemError)], error: Option<String>| NewCampaign {
        title: title.clone(),
        description: description.clone(),
        days: days.clone(),
        rows: row_views(tr, rows, errors, &warnings),
        themes: theme_checks(tr, &ticked),
        error,
    };
    let (lang_c, id_c, g) = (lang, id.as_ref(), &m.0);
    let show = async move |form: NewCampaign, status: StatusCode| -> WebResult<Response> {
        let html = super::campaigns::list_page(lang_c, id_c, g, Some(form)).await?;
        Ok((status, html).into_response())
    };
    if fields.get("action") == "row" {
        if rows.len() < MAX_ITEMS {
            rows.push(ItemRow { kind: "article".into(), ..ItemRow::default() });
        }
        return show(form(&rows, &[], None), StatusCode::OK).await;
    }
    let ids: Vec<i64> = warning_choices(&state).await?.iter().map(|(i, _)| *i).collect();
    let items = match rows_to_items(&rows, &ids) {
        Ok(items) => items,
        Err(errors) => {
            let general = errors.iter().find(|(r, _)| r.is_none()).map(|(_, e)| error_text(tr, *e));
            return show(form(&rows, &errors, general), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let title_t = fields.get("title").trim().to_owned();
    if title_t.is_empty() || title_t.chars().count() > 200 {
        let refused = form(&rows, &[], Some(tr.t("ci.err.campaign_title").into()));
        return show(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let area = m.0.home_unit(today()).await?;
    m.0.ensure_write(area).await?;
    // Whole seconds, as confirmations are stored: one in the same second still counts.
    let now = chrono::SubsecRound::trunc_subsecs(crate::access::now().utc(), 0);
    let days = fields.get("days").parse::<i64>().ok().filter(|d| (1..=3660).contains(d));
    let c = Campaign {
        id: 0,
        title: title_t,
        description: fields.get("description").chars().take(2000).collect(),
        items,
        schedule: Schedule { publish_at: now, end_at: days.map(|d| now + chrono::Duration::days(d)) },
        targeting: Targeting { units: BTreeSet::new(), subtrees: BTreeSet::from([area]), themes },
    };
    let id = m.write(Target::Unit(area), async |tx| Ok(tx.create_campaign(&c).await?)).await?;
    Ok(Redirect::to(&format!("/campaigns/{id}")).into_response())
}

/// The campaign to change, and the unit its writes are checked against
/// (its area: a campaign of another subtree is not found).
async fn campaign_to_change(m: &OutreachManage, id: i64) -> WebResult<(Campaign, Target<'static>)> {
    let c = m.0.campaign(id).await?;
    let area = c.targeting.subtrees.iter().chain(c.targeting.units.iter()).next().copied();
    let area = match area {
        Some(a) => a,
        None => m.0.home_unit(today()).await?,
    };
    m.0.ensure(area).await?;
    Ok((c, Target::Unit(area)))
}

async fn refused(
    lang: crate::access::RequestLang,
    id: Option<&crate::access::Identity>,
    state: &AppState,
    m: &OutreachManage,
    c: Campaign,
    refusal: super::campaigns::PageRefusal,
) -> WebResult<Response> {
    let html = super::campaigns::campaign_page(lang, id, state, &m.0, c, refusal).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

/// `POST /campaigns/{id}/items`: one more item (fields `item0.*`).
pub async fn add(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    m: OutreachManage,
    Path(campaign): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let (mut c, target) = campaign_to_change(&m, campaign).await?;
    let row = rows_from_fields(&fields.0).into_iter().next().unwrap_or_default();
    let ids: Vec<i64> = warning_choices(&state).await?.iter().map(|(i, _)| *i).collect();
    let too_many = c.live_items().count() >= MAX_ITEMS;
    let item = if too_many { Err(ItemError::TooMany) } else { row_to_item(&row, c.next_item_id(), &ids) };
    match item {
        Ok(item) => {
            let detail = json!({"item": item.id, "title": item.title, "kind": item.kind.as_str()});
            c.items.push(item);
            m.write(target, async |tx| Ok(tx.update_campaign(&c, "campaign.item_add", detail).await?)).await?;
            Ok(Redirect::to(&format!("/campaigns/{campaign}#items-h")).into_response())
        }
        Err(e) => {
            let refusal = super::campaigns::PageRefusal::Item { item: None, row, error: e };
            refused(lang, id.as_ref(), &state, &m, c, refusal).await
        }
    }
}

/// `POST /campaigns/{id}/items/edit`: an item corrected (`item` names it).
pub async fn edit(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    m: OutreachManage,
    Path(campaign): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let (mut c, target) = campaign_to_change(&m, campaign).await?;
    let item_id = fields.get("item").parse::<i64>().map_err(|_| WebError::NotFound)?;
    let at = c.items.iter().position(|i| i.id == item_id && i.voided.is_none()).ok_or(WebError::NotFound)?;
    let row = rows_from_fields(&fields.0).into_iter().next().unwrap_or_default();
    let ids: Vec<i64> = warning_choices(&state).await?.iter().map(|(i, _)| *i).collect();
    match row_to_item(&row, item_id, &ids) {
        Ok(item) => {
            let before = c.items[at].clone();
            let detail = json!({"item": item_id, "before": {"title": before.title, "kind": before.kind.as_str(),
                "url": before.url}, "after": {"title": item.title, "kind": item.kind.as_str(), "url": item.url}});
            c.items[at] = item;
            m.write(target, async |tx| Ok(tx.update_campaign(&c, "campaign.item_edit", detail).await?)).await?;
            Ok(Redirect::to(&format!("/campaigns/{campaign}#items-h")).into_response())
        }
        Err(e) => {
            let refusal = super::campaigns::PageRefusal::Item { item: Some(item_id), row, error: e };
            refused(lang, id.as_ref(), &state, &m, c, refusal).await
        }
    }
}

/// `POST /campaigns/{id}/items/void`: an item entered by mistake leaves the
/// lists and the coverage, with a reason; the last item cannot go (a
/// campaign shares something).
pub async fn void(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    m: OutreachManage,
    Path(campaign): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let (mut c, target) = campaign_to_change(&m, campaign).await?;
    let tr = Tr { lang: lang.0 };
    let item_id = fields.get("item").parse::<i64>().map_err(|_| WebError::NotFound)?;
    let at = c.items.iter().position(|i| i.id == item_id && i.voided.is_none()).ok_or(WebError::NotFound)?;
    let reason: String = fields.get("reason").chars().take(MAX_VOID_REASON * 2).collect();
    let problem = if reason.trim().is_empty() {
        Some(tr.t("ci.err.reason"))
    } else if reason.chars().count() > MAX_VOID_REASON {
        Some(tr.t("ci.err.reason_long"))
    } else if c.live_items().count() <= 1 {
        Some(tr.t("ci.err.last_item"))
    } else {
        None
    };
    if let Some(message) = problem {
        let refusal = super::campaigns::PageRefusal::Void { item: item_id, reason, message: message.to_owned() };
        return refused(lang, id.as_ref(), &state, &m, c, refusal).await;
    }
    c.items[at].voided = Some(reason.trim().to_owned());
    let detail = json!({"item": item_id, "title": c.items[at].title, "reason": reason.trim()});
    m.write(target, async |tx| Ok(tx.update_campaign(&c, "campaign.item_void", detail).await?)).await?;
    Ok(Redirect::to(&format!("/campaigns/{campaign}#items-h")).into_response())
}

//! Campaigns: the secretariat publishes content items for initiatives in an
//! area and on themes; each initiative confirms it shared an item and the
//! reach it saw (a post on an official page also counts for target 2.7);
//! the campaign's page shows coverage by commune within the viewer's scope.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use khienmang_core::link::HttpUrl;
use khienmang_core::org::UnitId;
use khienmang_core::outreach::campaign_form::{ItemError, ItemRow};
use khienmang_core::outreach::{Campaign, coverage};
use serde::Deserialize;

use super::campaign_items::{NewCampaign, RowView, row_views, warning_choices};
use crate::AppState;
use crate::access::{Granted, Identity, MovementRead, MovementWrite, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::Form;
use crate::org::today;
use crate::page::{Chrome, Page, render};

pub struct CampaignRow {
    pub id: i64,
    pub title: String,
    pub state: &'static str,
    pub items: usize,
    pub coverage: String,
}

#[derive(Template)]
#[template(path = "outreach/campaigns.html")]
struct ListPage {
    chrome: Chrome,
    campaigns: Vec<CampaignRow>,
    /// The new-campaign form, for those who publish campaigns.
    new: Option<NewCampaign>,
}

fn rate(r: Option<f64>) -> String {
    r.map(crate::dashboard::percent_vi).unwrap_or_else(|| "—".into())
}

/// Coverage of `c` over the initiatives in the viewer's scope.
async fn coverage_in_scope(g: &crate::access::Granted, c: &Campaign) -> WebResult<khienmang_core::outreach::Coverage> {
    let on = today();
    let home = g.home(on).await?;
    let history = home.tree_history().await?;
    let initiatives = home.initiative_refs(&history, on).await?;
    let shares = g.campaign_shares(c.id).await?;
    Ok(coverage(c, &initiatives, &shares))
}

fn can_publish(id: Option<&Identity>) -> bool {
    id.is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::OutreachManage))
}

/// The list of campaigns, with the new-campaign form as given.
pub(super) async fn list_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    new: Option<NewCampaign>,
) -> WebResult<Html<String>> {
    let now = crate::access::now().utc();
    let mut campaigns = Vec::new();
    for c in g.campaigns().await? {
        let cov = coverage_in_scope(g, &c).await?;
        campaigns.push(CampaignRow {
            id: c.id,
            title: c.title.clone(),
            state: Tr { lang: lang.0 }.label(&c.schedule.state(now)),
            items: c.live_items().count(),
            coverage: rate(cov.overall.rate),
        });
    }
    render(&ListPage { chrome: Chrome::new(lang, id, "campaigns"), campaigns, new })
}

/// `GET /campaigns`.
pub async fn list(Page { lang, id }: Page, State(state): State<AppState>, m: MovementRead) -> WebResult<Html<String>> {
    let new = if can_publish(id.as_ref()) {
        Some(NewCampaign::blank(Tr { lang: lang.0 }, &warning_choices(&state).await?))
    } else {
        None
    };
    list_page(lang, id.as_ref(), &m.0, new).await
}

pub struct CommuneRow {
    pub name: String,
    pub targeted: u64,
    pub confirmed: u64,
    pub rate: String,
    pub reach: u64,
}

pub struct MyInitiative {
    pub id: i64,
    pub name: String,
}

#[derive(Template)]
#[template(path = "outreach/campaign.html")]
struct CampaignPage {
    chrome: Chrome,
    c: Campaign,
    state: &'static str,
    overall: CommuneRow,
    communes: Vec<CommuneRow>,
    untargeted_reach: u64,
    mine: Vec<MyInitiative>,
    /// The item forms, for those who publish campaigns.
    manage: Option<ManageItems>,
}

/// An item's correction and void forms.
pub struct ItemEdit {
    pub id: i64,
    pub title: String,
    pub view: RowView,
    pub reason: String,
    pub e_void: Option<String>,
}

/// The forms that correct a campaign's items.
pub struct ManageItems {
    pub items: Vec<ItemEdit>,
    pub new: RowView,
    /// Items voided: title and reason.
    pub voided: Vec<(String, String)>,
}

/// A refused item form, shown again on the campaign's page.
pub enum PageRefusal {
    None,
    Item { item: Option<i64>, row: ItemRow, error: ItemError },
    Void { item: i64, reason: String, message: String },
}

fn manage_items(tr: Tr, c: &Campaign, warnings: &[(i64, String)], refusal: PageRefusal) -> ManageItems {
    let one = |row: &ItemRow, error: Option<ItemError>| {
        let errors: Vec<(Option<usize>, ItemError)> = error.map(|e| (Some(0), e)).into_iter().collect();
        row_views(tr, std::slice::from_ref(row), &errors, warnings).remove(0)
    };
    let items = c
        .live_items()
        .map(|item| {
            let (row, error) = match &refusal {
                PageRefusal::Item { item: Some(i), row, error } if *i == item.id => (row.clone(), Some(*error)),
                _ => (ItemRow::of(item), None),
            };
            let (reason, e_void) = match &refusal {
                PageRefusal::Void { item: i, reason, message } if *i == item.id => {
                    (reason.clone(), Some(message.clone()))
                }
                _ => (String::new(), None),
            };
            ItemEdit { id: item.id, title: item.title.clone(), view: one(&row, error), reason, e_void }
        })
        .collect();
    let new = match &refusal {
        PageRefusal::Item { item: None, row, error } => one(row, Some(*error)),
        _ => one(&ItemRow { kind: "article".into(), ..ItemRow::default() }, None),
    };
    let voided = c.items.iter().filter_map(|i| i.voided.as_ref().map(|r| (i.title.clone(), r.clone()))).collect();
    ManageItems { items, new, voided }
}

/// `GET /campaigns/{id}`: items, coverage by commune, and the viewer's
/// initiatives with a form to confirm sharing.
pub async fn page(
    Page { lang, id }: Page,
    State(state): State<AppState>,
    m: MovementRead,
    Path(campaign): Path<i64>,
) -> WebResult<Html<String>> {
    let c = m.0.campaign(campaign).await?;
    campaign_page(lang, id.as_ref(), &state, &m.0, c, PageRefusal::None).await
}

/// A campaign's page, with a refused item form shown again.
pub(super) async fn campaign_page(
    lang: RequestLang,
    id: Option<&Identity>,
    state: &AppState,
    g: &Granted,
    c: Campaign,
    refusal: PageRefusal,
) -> WebResult<Html<String>> {
    let cov = coverage_in_scope(g, &c).await?;
    let on = today();
    let home = g.home(on).await?;
    let history = home.tree_history().await?;
    let name = |u: UnitId| history.version_on(u, on).map(|v| v.name.clone()).unwrap_or_else(|| format!("#{}", u.0));
    let row = |n: String, f: &khienmang_core::outreach::CoverageFigure| CommuneRow {
        name: n,
        targeted: f.targeted,
        confirmed: f.confirmed,
        rate: rate(f.rate),
        reach: f.reach,
    };
    let mut communes: Vec<CommuneRow> = cov.by_commune.iter().map(|(u, f)| row(name(*u), f)).collect();
    communes.sort_by(|a, b| a.name.cmp(&b.name));
    let targeted: BTreeSet<i64> = c.targeted(&home.initiative_refs(&history, on).await?).iter().map(|i| i.id).collect();
    let mine = home
        .initiatives(None)
        .await?
        .into_iter()
        .filter(|i| targeted.contains(&i.id))
        .take(50)
        .map(|i| MyInitiative { id: i.id, name: format!("{} ({})", i.name, i.unit_name) })
        .collect();
    let manage = if can_publish(id) {
        Some(manage_items(Tr { lang: lang.0 }, &c, &warning_choices(state).await?, refusal))
    } else {
        None
    };
    render(&CampaignPage {
        manage,
        chrome: Chrome::new(lang, id, "campaigns"),
        state: c.schedule.state(crate::access::now().utc()).label_vi(),
        overall: row("Toàn phạm vi".into(), &cov.overall),
        communes,
        untargeted_reach: cov.untargeted_reach,
        mine,
        c,
    })
}

#[derive(Deserialize)]
pub struct ShareIn {
    campaign: i64,
    #[serde(default)]
    item: Option<i64>,
    reach: u64,
    #[serde(default)]
    link: String,
    /// "1" when it was posted on the unit's official page (target 2.7).
    #[serde(default)]
    official_page: Option<String>,
}

/// `POST /movement/initiatives/{id}/campaign-shares`: the initiative
/// confirms it shared a campaign's item.
pub async fn share(m: MovementWrite, Path(initiative): Path<i64>, Form(f): Form<ShareIn>) -> WebResult<Redirect> {
    let i = m.0.initiative(initiative).await?;
    m.0.ensure_write(i.unit_id).await?;
    let c = m.0.campaign(f.campaign).await?;
    let item = match f.item {
        Some(id) => Some(c.items.iter().find(|x| x.id == id).ok_or(WebError::NotFound)?),
        None => None,
    };
    let link = HttpUrl::parse_optional(&f.link).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let link = link.as_ref().map(HttpUrl::as_str);
    // An initiative leader confirms shares only for the initiatives it leads.
    m.0.write(Target::Initiative(&i), async |tx| {
        tx.confirm_share(c.id, item.map(|x| x.id), initiative, i.unit_id, f.reach, link).await?;
        if f.official_page.as_deref() == Some("1") {
            let title = item.map_or(c.title.as_str(), |x| x.title.as_str());
            tx.add_page_post(i.unit_id, today(), title, link).await?;
        }
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&format!("/campaigns/{}", c.id)))
}

//! Campaigns: the secretariat publishes content items for initiatives in an
//! area and on themes; each initiative confirms it shared an item and the
//! reach it saw (a post on an official page also counts for target 2.7);
//! the campaign's page shows coverage by commune within the viewer's scope.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::Path;
use axum::response::{Html, Redirect};
use khienmang_core::link::HttpUrl;
use khienmang_core::movement::Focus;
use khienmang_core::org::UnitId;
use khienmang_core::outreach::{Campaign, ContentItem, ContentKind, Schedule, Targeting, coverage};
use serde::Deserialize;

use crate::access::{MovementRead, MovementWrite, OutreachManage, Target};
use crate::error::{WebError, WebResult};
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
    can_create: bool,
    themes: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
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

/// `GET /campaigns`.
pub async fn list(Page { lang, id }: Page, m: MovementRead) -> WebResult<Html<String>> {
    let now = crate::access::now().utc();
    let mut campaigns = Vec::new();
    for c in m.0.campaigns().await? {
        let cov = coverage_in_scope(&m.0, &c).await?;
        campaigns.push(CampaignRow {
            id: c.id,
            title: c.title.clone(),
            state: c.schedule.state(now).label_vi(),
            items: c.items.len(),
            coverage: rate(cov.overall.rate),
        });
    }
    let can_create = id.as_ref().is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::OutreachManage));
    render(&ListPage {
        chrome: Chrome::new(lang, id.as_ref(), "campaigns"),
        campaigns,
        can_create,
        themes: Focus::ALL.iter().map(|f| (f.as_str(), f.label_vi())).collect(),
        kinds: ContentKind::ALL.iter().map(|k| (k.as_str(), k.label_vi())).collect(),
    })
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
}

/// `GET /campaigns/{id}`: items, coverage by commune, and the viewer's
/// initiatives with a form to confirm sharing.
pub async fn page(Page { lang, id }: Page, m: MovementRead, Path(campaign): Path<i64>) -> WebResult<Html<String>> {
    let c = m.0.campaign(campaign).await?;
    let cov = coverage_in_scope(&m.0, &c).await?;
    let on = today();
    let home = m.0.home(on).await?;
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
    render(&CampaignPage {
        chrome: Chrome::new(lang, id.as_ref(), "campaigns"),
        state: c.schedule.state(crate::access::now().utc()).label_vi(),
        overall: row("Toàn phạm vi".into(), &cov.overall),
        communes,
        untargeted_reach: cov.untargeted_reach,
        mine,
        c,
    })
}

#[derive(Deserialize)]
pub struct CampaignIn {
    title: String,
    #[serde(default)]
    description: String,
    /// One item a line: "kind | title | https://…" (kind: article, video, image, warning).
    items: String,
    /// The area: this unit and everything below (default: the scope's root).
    #[serde(default)]
    area: Option<i64>,
    /// Comma-separated theme codes; empty: every theme.
    #[serde(default)]
    themes: String,
    #[serde(default)]
    days: Option<i64>,
}

/// Reads "kind | title | url" lines; a bad line is named in the error.
pub fn parse_items(text: &str) -> Result<Vec<ContentItem>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let kind = parts
            .first()
            .and_then(|k| ContentKind::parse(k))
            .ok_or_else(|| format!("Dòng {}: loại nội dung phải là article, video, image hoặc warning.", n + 1))?;
        let title = parts.get(1).filter(|t| !t.is_empty()).ok_or_else(|| format!("Dòng {}: thiếu tiêu đề.", n + 1))?;
        let url = HttpUrl::parse_optional(parts.get(2).copied().unwrap_or_default())
            .map_err(|e| format!("Dòng {}: {}", n + 1, e.message_vi()))?;
        out.push(ContentItem {
            id: i64::try_from(n).unwrap_or(0) + 1,
            kind,
            title: (*title).to_owned(),
            url: url.map(HttpUrl::into_string),
            warning_id: None,
        });
    }
    Ok(out)
}

/// `POST /campaigns`.
pub async fn create(m: OutreachManage, Form(f): Form<CampaignIn>) -> WebResult<Redirect> {
    let items = parse_items(&f.items).map_err(WebError::BadRequest)?;
    let area = match f.area {
        Some(u) => UnitId(u),
        None => m.0.home_unit(today()).await?,
    };
    m.0.ensure_write(area).await?;
    let themes = f
        .themes
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| Focus::parse(t).ok_or_else(|| WebError::BadRequest(format!("Chủ đề “{t}” không có."))))
        .collect::<WebResult<Vec<_>>>()?;
    // Whole seconds, as confirmations are stored: one in the same second still counts.
    let now = chrono::SubsecRound::trunc_subsecs(crate::access::now().utc(), 0);
    let c = Campaign {
        id: 0,
        title: f.title.trim().to_owned(),
        description: f.description.trim().to_owned(),
        items,
        schedule: Schedule {
            publish_at: now,
            end_at: f.days.filter(|d| *d > 0).map(|d| now + chrono::Duration::days(d)),
        },
        targeting: Targeting { units: BTreeSet::new(), subtrees: BTreeSet::from([area]), themes },
    };
    let id = m.write(Target::Unit(area), async |tx| Ok(tx.create_campaign(&c).await?)).await?;
    Ok(Redirect::to(&format!("/campaigns/{id}")))
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

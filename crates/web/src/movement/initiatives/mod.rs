//! Initiatives: registration with the document's classifications (I.1.3.3)
//! and criteria (I.1.3.1); the initiative's page with its lifecycle,
//! channels (one guiding unit each), sub-groups, units taking part, members
//! per village and activity reports, and its history of corrections; the
//! audited list of its members. Registration is in [`new`], correction and
//! void in [`edit`], the JSON API in [`api`].

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, Response};
use khienmang_core::auth::Role;
use khienmang_core::movement::{CRITERIA_VI, Channel, Criteria, Platform, Stage};
use khienmang_core::org::Level;
use khienmang_store::auth::User;
use khienmang_store::movement::{ActivityReport, Initiative, ReportEntry};
use serde::Deserialize;
use serde_json::json;

use super::{
    audit_view, bad, can_write, parse_count, parse_year, required_count, required_day, required_year, scope_units,
    see_other, this_year, unit_in_scope, unit_options, village_in_scope, year_options,
};
use crate::access::{Granted, Identity, MovementRead, MovementWrite, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::i18n::{date_vi, number_vi};
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused};
use crate::org::today;
use crate::page::{Chrome, Page, render};
use crate::reports::local_time;

/// The initiative, or 404 when it is absent or owned outside the scope.
pub async fn load(g: &Granted, id: i64) -> WebResult<Initiative> {
    g.initiative(id).await
}

fn options<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str, current: &str) -> Vec<Opt> {
    all.iter().map(|&v| Opt::new(code(v), label(v), current)).collect()
}

mod api;
mod edit;
mod new;

pub use api::*;
pub use edit::*;
pub use new::*;

// ---- the initiative's page ----

pub struct StageRow {
    pub label: &'static str,
    pub on: String,
    pub iso: String,
    pub note: String,
    pub actor: String,
}

pub struct ChannelRow {
    pub id: i64,
    pub platform: &'static str,
    pub url: String,
    pub audience: String,
}

pub struct NamedRow {
    /// The record a row's void form names (a group's id, a unit's id).
    pub key: i64,
    pub name: String,
    pub detail: String,
}

pub struct VillageRow {
    pub village_id: i64,
    pub name: String,
    pub year: i32,
    pub members: i64,
    pub households: i64,
    pub members_text: String,
    pub households_text: String,
    pub listed: bool,
}

pub struct ReportRow {
    pub id: i64,
    pub period: String,
    pub posts: String,
    pub reach: String,
    pub received: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "movement/initiative.html")]
struct InitiativePage {
    chrome: Chrome,
    can_write: bool,
    ini: Initiative,
    participant_kind: &'static str,
    leader_kind: &'static str,
    content_kind: &'static str,
    focus: Vec<&'static str>,
    criteria: Vec<(&'static str, bool)>,
    missing: Vec<&'static str>,
    stage: &'static str,
    stage_since: String,
    stages: Vec<StageRow>,
    next_stages: Vec<Opt>,
    channels: Vec<ChannelRow>,
    groups: Vec<NamedRow>,
    participants: Vec<NamedRow>,
    villages: Vec<VillageRow>,
    reports: Vec<ReportRow>,
    changes: Vec<crate::kit::history::ChangeRow>,
    /// Set when the initiative is void (only the secretariat sees it then).
    voided: Option<String>,
    may_restore: bool,
    /// A correction was just saved.
    saved: bool,
    members: String,
    units: Vec<Opt>,
    village_options: Vec<Opt>,
    years: Vec<Opt>,
    today: String,
    form: Refusal,
    /// Accounts linked as the initiative's leaders.
    leaders: Vec<LeaderRow>,
    /// The commune officer's pick list, empty for anyone who cannot link.
    leader_options: Vec<Opt>,
    can_link: bool,
}

pub struct LeaderRow {
    pub user_id: i64,
    pub label: String,
}

async fn initiative_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    ini: Initiative,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let criteria = Criteria::from_array(ini.criteria);
    let stages = g
        .of_initiative(&ini)
        .stages()
        .await?
        .into_iter()
        .map(|s| StageRow {
            label: Tr { lang: lang.0 }.label(&s.stage),
            on: date_vi(s.effective),
            iso: s.effective.to_string(),
            note: s.note.unwrap_or_default(),
            actor: s.actor,
        })
        .collect();
    let chosen_stage = entered.get("stage").to_string();
    let next_stages = ini
        .stage
        .next_stages()
        .iter()
        .map(|s| Opt::new(s.as_str(), Tr { lang: lang.0 }.label(s), &chosen_stage))
        .collect();
    let channels = g
        .of_initiative(&ini)
        .channels()
        .await?
        .into_iter()
        .map(|c| ChannelRow {
            id: c.id,
            platform: Platform::parse(&c.platform).map(Platform::label_vi).unwrap_or("?"),
            url: c.url,
            audience: c.audience.map(number_vi).unwrap_or_default(),
        })
        .collect();
    let groups = g
        .of_initiative(&ini)
        .groups()
        .await?
        .into_iter()
        .map(|g| NamedRow { key: g.id, name: g.name, detail: g.leader_name.unwrap_or_default() })
        .collect();
    let participants = g
        .of_initiative(&ini)
        .participants()
        .await?
        .into_iter()
        .map(|p| NamedRow {
            key: p.unit_id.0,
            name: p.unit_name,
            detail: match p.to_year {
                Some(to) => format!("{}–{to}", p.from_year),
                None => format!("{}–", p.from_year),
            },
        })
        .collect();
    let villages = g
        .of_initiative(&ini)
        .villages()
        .await?
        .into_iter()
        .map(|v| VillageRow {
            village_id: v.village_id.0,
            name: v.village_name,
            year: v.year,
            members: v.members,
            households: v.households,
            members_text: number_vi(v.members),
            households_text: number_vi(v.households),
            listed: v.listed,
        })
        .collect();
    let reports = g
        .of_initiative(&ini)
        .reports()
        .await?
        .into_iter()
        .map(|ReportEntry { id, report: r }| ReportRow {
            id,
            period: format!("{} – {}", date_vi(r.period_from), date_vi(r.period_to)),
            posts: number_vi(r.posts),
            reach: number_vi(r.reach),
            received: number_vi(r.reports_received),
            note: r.note.unwrap_or_default(),
        })
        .collect();
    let changes = g.history_rows(Tr { lang: lang.0 }, g.of_initiative(&ini).history().await?).await?;
    let voided = ini.voided.as_ref().map(|v| format!("{} · {} · {}", local_time(&v.at), v.by, v.reason));
    // A voided initiative takes no change until the secretariat restores
    // it; an initiative leader changes only the initiatives linked to it.
    let can_write = can_write(id) && g.may_write(Target::Initiative(&ini)).await?;
    let (units, village_options) = if can_write {
        let all = scope_units(g).await?;
        (
            unit_options(&all, None, entered.get("unit")),
            unit_options(&all, Some(Level::Village), entered.get("village")),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let leaders = g
        .of_initiative(&ini)
        .leaders()
        .await?
        .into_iter()
        .map(|u| LeaderRow { user_id: u.id, label: format!("{} ({})", u.display_name, u.username) })
        .collect();
    let can_link = can_write && g.role != Role::InitiativeLeader;
    let leader_options = if can_link {
        leader_candidates(g, &ini)
            .await?
            .into_iter()
            .map(|u| Opt::new(u.id.to_string(), format!("{} ({})", u.display_name, u.username), entered.get("user")))
            .collect()
    } else {
        Vec::new()
    };
    let year = entered.get("year").parse().unwrap_or_else(|_| this_year());
    render(&InitiativePage {
        chrome: Chrome::new(lang, id, "movement"),
        can_write,
        participant_kind: Tr { lang: lang.0 }.label(&ini.participant_kind),
        leader_kind: Tr { lang: lang.0 }.label(&ini.leader_kind),
        content_kind: Tr { lang: lang.0 }.label(&ini.content_kind),
        focus: ini.focus.iter().map(|f| Tr { lang: lang.0 }.label(f)).collect(),
        criteria: CRITERIA_VI.iter().copied().zip(criteria.as_array()).collect(),
        missing: criteria.missing_vi(),
        stage: Tr { lang: lang.0 }.label(&ini.stage),
        stage_since: date_vi(ini.stage_since),
        stages,
        next_stages,
        channels,
        groups,
        participants,
        villages,
        reports,
        changes,
        may_restore: voided.is_some() && g.may_restore(),
        voided,
        saved: entered.get("saved") == "1",
        members: number_vi(ini.members),
        units,
        village_options,
        years: year_options(year),
        today: today().to_string(),
        ini,
        form: Refusal { error, entered },
        leaders,
        leader_options,
        can_link,
    })
}

/// The initiative-leader accounts that may be linked to `ini`: enabled,
/// their scope holding the initiative's unit today (so the link lets them
/// write it) and itself inside the officer's scope today.
async fn leader_candidates(g: &Granted, ini: &Initiative) -> WebResult<Vec<User>> {
    g.leader_accounts_for(ini.unit_id).await
}

/// The officer's side of a link change: not an initiative leader, and the
/// initiative writable today. The account id is parsed bounded.
fn picked_user(fields: &Fields) -> WebResult<i64> {
    let raw = fields.get("user");
    if raw.is_empty() || raw.len() > 20 {
        return Err(bad("Hãy chọn tài khoản người đứng đầu mô hình trong danh sách."));
    }
    raw.parse().map_err(|_| bad("Hãy chọn tài khoản người đứng đầu mô hình trong danh sách."))
}

/// Only the commune officer (or the levels above) links leaders; a leader
/// does not hand initiatives to itself.
fn ensure_not_leader(g: &Granted) -> WebResult<()> {
    if g.role == Role::InitiativeLeader {
        return Err(WebError::Refused(
            "Chỉ cán bộ xã/phường mới giao mô hình cho tài khoản người đứng đầu mô hình.".into(),
        ));
    }
    Ok(())
}

/// `POST /movement/initiatives/{id}/leaders`: links a leader account picked
/// from the list of the commune's leader accounts; audited.
pub async fn leader_submit(page: Page, m: MovementWrite, iid: Path<i64>, fields: Fields) -> WebResult<Response> {
    change_leader(page, m, iid, fields, true).await
}

/// `POST /movement/initiatives/{id}/leaders/remove`: removes a link; audited.
pub async fn leader_remove_submit(page: Page, m: MovementWrite, iid: Path<i64>, fields: Fields) -> WebResult<Response> {
    change_leader(page, m, iid, fields, false).await
}

/// Links (`linked`) or unlinks the account picked in `fields`, which must be
/// one of those offered: a posted id is never trusted.
async fn change_leader(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
    linked: bool,
) -> WebResult<Response> {
    let g = &m.0;
    ensure_not_leader(g)?;
    let ini = load(g, iid).await?;
    g.ensure_write(ini.unit_id).await?;
    let result = async {
        let user = picked_user(&fields)?;
        let (offered, refusal) = if linked {
            let offered = leader_candidates(g, &ini).await?;
            (offered, "Tài khoản này không phải tài khoản người đứng đầu mô hình của xã/phường này.")
        } else {
            (g.of_initiative(&ini).leaders().await?, "Tài khoản này không được giao mô hình này.")
        };
        if !offered.iter().any(|u| u.id == user) {
            return Err(bad(refusal));
        }
        let mut tx = g.write_for(ini.unit_id).await?;
        tx.set_initiative_leader(ini.id, user, linked).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    after_change(lang, id.as_ref(), g, ini, "leaders", fields, result).await
}

#[derive(Deserialize)]
pub struct PageQuery {
    /// Set by the redirect after a correction, to confirm it.
    #[serde(default)]
    saved: Option<u8>,
}

pub async fn page(
    Page { lang, id }: Page,
    m: MovementRead,
    Path(iid): Path<i64>,
    Query(q): Query<PageQuery>,
) -> WebResult<Html<String>> {
    let ini = load(&m.0, iid).await?;
    let shown = if q.saved == Some(1) { Fields(vec![("saved".into(), "1".into())]) } else { Fields::default() };
    initiative_page(lang, id.as_ref(), &m.0, ini, None, shown).await
}

/// After a change from the initiative's page: back to it (303), or the page
/// again with the message next to the refused form (422).
/// A form on an initiative's page: the initiative read within the scope,
/// `change` run with what was typed, then back to the page's `section` (or
/// the page again, the refusal beside that form and what was typed kept).
pub(super) async fn on_initiative(
    Page { lang, id }: Page,
    m: MovementWrite,
    iid: i64,
    section: &'static str,
    fields: Fields,
    change: impl AsyncFnOnce(&Granted, &Initiative, &Fields) -> WebResult<()>,
) -> WebResult<Response> {
    let g = &m.0;
    let ini = load(g, iid).await?;
    let result = change(g, &ini, &fields).await;
    after_change(lang, id.as_ref(), g, ini, section, fields, result).await
}

pub(super) async fn after_change(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    ini: Initiative,
    section: &'static str,
    fields: Fields,
    result: WebResult<()>,
) -> WebResult<Response> {
    match result {
        Ok(()) => Ok(see_other(format!("/movement/initiatives/{}#{section}", ini.id))),
        Err(e) => {
            let error = FormError::of(section, e)?;
            Ok(refused(initiative_page(lang, id, g, ini, Some(error), fields).await?))
        }
    }
}

pub async fn stage_submit(page: Page, m: MovementWrite, Path(iid): Path<i64>, fields: Fields) -> WebResult<Response> {
    on_initiative(page, m, iid, "history", fields, async |g, ini, fields| {
        let stage = Stage::parse(fields.get("stage")).ok_or_else(|| bad("Hãy chọn giai đoạn mới."))?;
        let on = required_day(fields.get("on"), "ngày chuyển giai đoạn")?;
        let note = Some(fields.get("stage_note")).filter(|n| !n.is_empty());
        g.write(Target::Initiative(ini), async |tx| Ok(tx.move_initiative(ini.id, stage, on, note).await?)).await
    })
    .await
}

/// Registers a channel; the store refuses one already guided, naming the unit.
pub(super) async fn register_channel(
    g: &Granted,
    ini: &Initiative,
    url: &str,
    audience: Option<i64>,
) -> WebResult<(i64, Channel)> {
    let channel = Channel::parse(url).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let mut tx = g.write_for_initiative(ini).await?;
    let channel_id = tx.add_channel(ini.id, &channel, audience).await?;
    tx.commit().await?;
    Ok((channel_id, channel))
}

pub async fn channel_submit(page: Page, m: MovementWrite, Path(iid): Path<i64>, fields: Fields) -> WebResult<Response> {
    on_initiative(page, m, iid, "channels", fields, async |g, ini, fields| {
        let audience = parse_count(fields.get("audience"), "Số người theo dõi")?;
        register_channel(g, ini, fields.get("url"), audience).await.map(|_| ())
    })
    .await
}

pub async fn group_submit(page: Page, m: MovementWrite, Path(iid): Path<i64>, fields: Fields) -> WebResult<Response> {
    on_initiative(page, m, iid, "groups", fields, async |g, ini, fields| {
        let leader = Some(fields.get("group_leader")).filter(|l| !l.is_empty());
        let name = fields.get("group_name");
        g.write(Target::Initiative(ini), async |tx| Ok(tx.add_group(ini.id, name, leader).await?)).await
    })
    .await
}

pub async fn participant_submit(
    page: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    on_initiative(page, m, iid, "participants", fields, async |g, ini, fields| {
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        if unit == ini.unit_id {
            return Err(bad("Đơn vị này đã là đơn vị chủ trì của mô hình."));
        }
        let from = required_year(fields.get("from_year"), "năm bắt đầu tham gia")?;
        let to = parse_year(fields.get("to_year"), "Năm kết thúc")?;
        g.write(Target::Initiative(ini), async |tx| Ok(tx.add_participant(ini.id, unit, from, to).await?)).await
    })
    .await
}

pub async fn count_submit(page: Page, m: MovementWrite, Path(iid): Path<i64>, fields: Fields) -> WebResult<Response> {
    on_initiative(page, m, iid, "villages", fields, async |g, ini, fields| {
        let village = village_in_scope(g, fields.get("village")).await?;
        let year = required_year(fields.get("year"), "năm")?;
        let members = required_count(fields.get("members"), "số thành viên")?;
        let households = required_count(fields.get("households"), "số hộ")?;
        g.write(Target::Initiative(ini), async |tx| {
            Ok(tx.set_village_count(ini.id, village, year, members, households).await?)
        })
        .await
    })
    .await
}

pub async fn report_submit(page: Page, m: MovementWrite, Path(iid): Path<i64>, fields: Fields) -> WebResult<Response> {
    on_initiative(page, m, iid, "reports", fields, async |g, ini, fields| {
        let report = ActivityReport {
            period_from: required_day(fields.get("period_from"), "ngày bắt đầu kỳ báo cáo")?,
            period_to: required_day(fields.get("period_to"), "ngày kết thúc kỳ báo cáo")?,
            posts: parse_count(fields.get("posts"), "Số tin bài")?.unwrap_or(0),
            reach: parse_count(fields.get("reach"), "Số lượt tiếp cận")?.unwrap_or(0),
            reports_received: parse_count(fields.get("reports_received"), "Số tin báo tiếp nhận")?.unwrap_or(0),
            note: Some(fields.get("report_note").to_string()).filter(|n| !n.is_empty()),
        };
        g.write(Target::Initiative(ini), async |tx| Ok(tx.add_initiative_report(ini.id, &report).await?)).await
    })
    .await
}

/// Re-shows the initiative's page with a message next to the members upload.
pub async fn refused_upload(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    ini: Initiative,
    message: String,
) -> WebResult<Response> {
    let error = FormError { section: "members", message };
    Ok(refused(initiative_page(lang, id, g, ini, Some(error), Fields::default()).await?))
}

// ---- the members list (personal data) ----

pub struct MemberRow {
    pub village: String,
    pub name: String,
    pub joined: i32,
    pub left: String,
}

#[derive(Template)]
#[template(path = "movement/members.html")]
struct MembersPage {
    chrome: Chrome,
    ini_id: i64,
    ini_name: String,
    members: Vec<MemberRow>,
}

pub async fn members_page(Page { lang, id }: Page, m: MovementRead, Path(iid): Path<i64>) -> WebResult<Html<String>> {
    let ini = load(&m.0, iid).await?;
    // A list of names is personal data: the view is audited before it is shown.
    audit_view(&m.0, &format!("initiative:{}", ini.id), json!({"list": "members", "listed": ini.members})).await?;
    let members =
        m.0.of_initiative(&ini)
            .members()
            .await?
            .into_iter()
            .map(|x| MemberRow {
                village: x.village_name,
                name: x.full_name,
                joined: x.joined_year,
                left: x.left_year.map(|y| y.to_string()).unwrap_or_default(),
            })
            .collect();
    render(&MembersPage {
        chrome: Chrome::new(lang, id.as_ref(), "movement"),
        ini_id: ini.id,
        ini_name: ini.name,
        members,
    })
}

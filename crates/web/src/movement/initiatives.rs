//! Initiatives: registration with the document's classifications (I.1.3.3)
//! and criteria (I.1.3.1); the initiative's page with its lifecycle,
//! channels (one guiding unit each), sub-groups, units taking part, members
//! per village and activity reports; the audited list of its members; the
//! JSON API.

use askama::Template;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use khienmang_core::auth::Role;
use khienmang_core::movement::{
    CRITERIA_VI, Channel, ContentKind, Criteria, Focus, LeaderKind, ParticipantKind, Platform, Stage,
};
use khienmang_core::org::Level;
use khienmang_store::auth::User;
use khienmang_store::movement::{ActivityReport, Initiative, InitiativeInput};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{
    audit_view, bad, can_write, parse_count, parse_year, required_count, required_day, required_year, scope_units,
    see_other, this_year, unit_in_scope, unit_options, village_in_scope, year_options,
};
use crate::access::{Granted, Identity, MovementRead, MovementWrite, RequestLang};
use crate::error::{WebError, WebResult};
use crate::i18n::{date_vi, number_vi};
use crate::kit::form::{Check, Fields, FormError, Opt, Refusal, refused};
use crate::org::today;
use crate::page::{Chrome, Page, render};

/// The initiative, or 404 when it is absent or owned outside the scope.
pub async fn load(g: &Granted, id: i64) -> WebResult<Initiative> {
    g.initiative(id).await
}

fn options<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str, current: &str) -> Vec<Opt> {
    all.iter().map(|&v| Opt::new(code(v), label(v), current)).collect()
}

// ---- registration ----

/// The registration form as entered, shown again when it is refused.
#[derive(Default)]
pub struct Draft {
    pub unit: String,
    pub name: String,
    pub leader: String,
    pub participant_kind: String,
    pub leader_kind: String,
    pub content_kind: String,
    pub focus: Vec<String>,
    pub criteria: [bool; 3],
    pub description: String,
    pub stage: String,
    pub since: String,
}

impl Draft {
    fn of(f: &Fields) -> Draft {
        Draft {
            unit: f.get("unit").into(),
            name: f.get("name").into(),
            leader: f.get("leader").into(),
            participant_kind: f.get("participant_kind").into(),
            leader_kind: f.get("leader_kind").into(),
            content_kind: f.get("content_kind").into(),
            focus: f.all("focus").into_iter().map(String::from).collect(),
            criteria: [f.has("criterion_1"), f.has("criterion_2"), f.has("criterion_3")],
            description: f.get("description").into(),
            stage: f.get("stage").into(),
            since: f.get("since").into(),
        }
    }
}

#[derive(Template)]
#[template(path = "movement/initiative_new.html")]
struct NewPage {
    chrome: Chrome,
    draft: Draft,
    units: Vec<Opt>,
    participant_kinds: Vec<Opt>,
    leader_kinds: Vec<Opt>,
    content_kinds: Vec<Opt>,
    focus: Vec<Check>,
    criteria: Vec<Check>,
    stages: Vec<Opt>,
    error: Option<String>,
}

async fn new_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    draft: Draft,
    error: Option<String>,
) -> WebResult<Html<String>> {
    let focus = Focus::ALL
        .iter()
        .map(|f| Check {
            id: format!("focus-{}", f.as_str()),
            value: f.as_str().into(),
            label: f.label_vi().into(),
            checked: draft.focus.iter().any(|x| x == f.as_str()),
        })
        .collect();
    let criteria = CRITERIA_VI
        .iter()
        .enumerate()
        .map(|(i, text)| Check {
            id: format!("criterion-{}", i + 1),
            value: format!("criterion_{}", i + 1),
            label: format!("({}) {text}", i + 1),
            checked: draft.criteria[i],
        })
        .collect();
    let stages =
        [Stage::Proposed, Stage::Active].iter().map(|s| Opt::new(s.as_str(), s.label_vi(), &draft.stage)).collect();
    render(&NewPage {
        chrome: Chrome::new(lang, id, "movement"),
        units: unit_options(&scope_units(g).await?, None, &draft.unit),
        participant_kinds: options(
            ParticipantKind::ALL,
            ParticipantKind::as_str,
            ParticipantKind::label_vi,
            &draft.participant_kind,
        ),
        leader_kinds: options(LeaderKind::ALL, LeaderKind::as_str, LeaderKind::label_vi, &draft.leader_kind),
        content_kinds: options(ContentKind::ALL, ContentKind::as_str, ContentKind::label_vi, &draft.content_kind),
        focus,
        criteria,
        stages,
        draft,
        error,
    })
}

pub async fn new_form(Page { lang, id }: Page, m: MovementWrite) -> WebResult<Html<String>> {
    let here = m.0.home(today()).await?;
    let home = here.unit();
    let draft = Draft {
        unit: home.0.to_string(),
        stage: Stage::Active.as_str().into(),
        since: today().to_string(),
        ..Draft::default()
    };
    new_page(lang, id.as_ref(), &m.0, draft, None).await
}

async fn input_of(g: &Granted, d: &Draft) -> WebResult<InitiativeInput> {
    let unit = unit_in_scope(g, &d.unit).await?;
    if d.name.is_empty() {
        return Err(bad("Chưa nhập tên mô hình."));
    }
    let participant_kind = ParticipantKind::parse(&d.participant_kind)
        .ok_or_else(|| bad("Hãy chọn phân loại theo đối tượng tham gia."))?;
    let leader_kind =
        LeaderKind::parse(&d.leader_kind).ok_or_else(|| bad("Hãy chọn phân loại theo người đứng đầu mô hình."))?;
    let content_kind =
        ContentKind::parse(&d.content_kind).ok_or_else(|| bad("Hãy chọn phân loại theo nội dung, tính chất."))?;
    let focus = d
        .focus
        .iter()
        .map(|f| Focus::parse(f).ok_or_else(|| bad("Nội dung trọng tâm không hợp lệ.")))
        .collect::<WebResult<Vec<Focus>>>()?;
    if focus.is_empty() {
        return Err(bad("Chọn ít nhất một nội dung trọng tâm."));
    }
    let stage = Stage::parse(&d.stage).filter(|s| matches!(s, Stage::Proposed | Stage::Active)).ok_or_else(|| {
        WebError::BadRequest(format!(
            "Giai đoạn ban đầu phải là «{}» hoặc «{}».",
            Stage::Proposed.label_vi(),
            Stage::Active.label_vi()
        ))
    })?;
    let since = required_day(&d.since, "ngày bắt đầu giai đoạn")?;
    let text = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    Ok(InitiativeInput {
        unit,
        name: d.name.clone(),
        leader_name: text(&d.leader),
        participant_kind,
        leader_kind,
        content_kind,
        focus,
        criteria: d.criteria,
        description: text(&d.description),
        stage,
        since,
    })
}

pub async fn create(Page { lang, id }: Page, m: MovementWrite, fields: Fields) -> WebResult<Response> {
    let g = &m.0;
    let draft = Draft::of(&fields);
    let result = async {
        let input = input_of(g, &draft).await?;
        let mut tx = g.write_for(input.unit).await?;
        let new_id = tx.create_initiative(&input).await?;
        tx.commit().await?;
        Ok::<_, WebError>(new_id)
    }
    .await;
    match result {
        Ok(new_id) => Ok(see_other(format!("/movement/initiatives/{new_id}"))),
        Err(e) => {
            let error = FormError::of("new", e)?;
            Ok(refused(new_page(lang, id.as_ref(), g, draft, Some(error.message)).await?))
        }
    }
}

// ---- the initiative's page ----

pub struct StageRow {
    pub label: &'static str,
    pub on: String,
    pub iso: String,
    pub note: String,
    pub actor: String,
}

pub struct ChannelRow {
    pub platform: &'static str,
    pub url: String,
    pub audience: String,
}

pub struct NamedRow {
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
            label: s.stage.label_vi(),
            on: date_vi(s.effective),
            iso: s.effective.to_string(),
            note: s.note.unwrap_or_default(),
            actor: s.actor,
        })
        .collect();
    let chosen_stage = entered.get("stage").to_string();
    let next_stages =
        ini.stage.next_stages().iter().map(|s| Opt::new(s.as_str(), s.label_vi(), &chosen_stage)).collect();
    let channels = g
        .of_initiative(&ini)
        .channels()
        .await?
        .into_iter()
        .map(|c| ChannelRow {
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
        .map(|g| NamedRow { name: g.name, detail: g.leader_name.unwrap_or_default() })
        .collect();
    let participants = g
        .of_initiative(&ini)
        .participants()
        .await?
        .into_iter()
        .map(|p| NamedRow {
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
        .map(|r| ReportRow {
            period: format!("{} – {}", date_vi(r.period_from), date_vi(r.period_to)),
            posts: number_vi(r.posts),
            reach: number_vi(r.reach),
            received: number_vi(r.reports_received),
            note: r.note.unwrap_or_default(),
        })
        .collect();
    let can_write = can_write(id);
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
        participant_kind: ini.participant_kind.label_vi(),
        leader_kind: ini.leader_kind.label_vi(),
        content_kind: ini.content_kind.label_vi(),
        focus: ini.focus.iter().map(|f| f.label_vi()).collect(),
        criteria: CRITERIA_VI.iter().copied().zip(criteria.as_array()).collect(),
        missing: criteria.missing_vi(),
        stage: ini.stage.label_vi(),
        stage_since: date_vi(ini.stage_since),
        stages,
        next_stages,
        channels,
        groups,
        participants,
        villages,
        reports,
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

pub async fn page(Page { lang, id }: Page, m: MovementRead, Path(iid): Path<i64>) -> WebResult<Html<String>> {
    let ini = load(&m.0, iid).await?;
    initiative_page(lang, id.as_ref(), &m.0, ini, None, Fields::default()).await
}

/// After a change from the initiative's page: back to it (303), or the page
/// again with the message next to the refused form (422).
async fn after_change(
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

pub async fn stage_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let ini = load(g, iid).await?;
    let result = async {
        let stage = Stage::parse(fields.get("stage")).ok_or_else(|| bad("Hãy chọn giai đoạn mới."))?;
        let on = required_day(fields.get("on"), "ngày chuyển giai đoạn")?;
        let note = Some(fields.get("stage_note")).filter(|n| !n.is_empty());
        let mut tx = g.write_for_initiative(&ini).await?;
        tx.move_initiative(ini.id, stage, on, note).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    after_change(lang, id.as_ref(), g, ini, "history", fields, result).await
}

/// Registers a channel; the store refuses one already guided, naming the unit.
async fn register_channel(
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

pub async fn channel_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let ini = load(g, iid).await?;
    let result = async {
        let audience = parse_count(fields.get("audience"), "Số người theo dõi")?;
        register_channel(g, &ini, fields.get("url"), audience).await.map(|_| ())
    }
    .await;
    after_change(lang, id.as_ref(), g, ini, "channels", fields, result).await
}

pub async fn group_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let ini = load(g, iid).await?;
    let result = async {
        let leader = Some(fields.get("group_leader")).filter(|l| !l.is_empty());
        let mut tx = g.write_for_initiative(&ini).await?;
        tx.add_group(ini.id, fields.get("group_name"), leader).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    after_change(lang, id.as_ref(), g, ini, "groups", fields, result).await
}

pub async fn participant_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let ini = load(g, iid).await?;
    let result = async {
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        if unit == ini.unit_id {
            return Err(bad("Đơn vị này đã là đơn vị chủ trì của mô hình."));
        }
        let from = required_year(fields.get("from_year"), "năm bắt đầu tham gia")?;
        let to = parse_year(fields.get("to_year"), "Năm kết thúc")?;
        let mut tx = g.write_for_initiative(&ini).await?;
        tx.add_participant(ini.id, unit, from, to).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    after_change(lang, id.as_ref(), g, ini, "participants", fields, result).await
}

pub async fn count_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let ini = load(g, iid).await?;
    let result = async {
        let village = village_in_scope(g, fields.get("village")).await?;
        let year = required_year(fields.get("year"), "năm")?;
        let members = required_count(fields.get("members"), "số thành viên")?;
        let households = required_count(fields.get("households"), "số hộ")?;
        let mut tx = g.write_for_initiative(&ini).await?;
        tx.set_village_count(ini.id, village, year, members, households).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    after_change(lang, id.as_ref(), g, ini, "villages", fields, result).await
}

pub async fn report_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(iid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let ini = load(g, iid).await?;
    let result = async {
        let report = ActivityReport {
            period_from: required_day(fields.get("period_from"), "ngày bắt đầu kỳ báo cáo")?,
            period_to: required_day(fields.get("period_to"), "ngày kết thúc kỳ báo cáo")?,
            posts: parse_count(fields.get("posts"), "Số tin bài")?.unwrap_or(0),
            reach: parse_count(fields.get("reach"), "Số lượt tiếp cận")?.unwrap_or(0),
            reports_received: parse_count(fields.get("reports_received"), "Số tin báo tiếp nhận")?.unwrap_or(0),
            note: Some(fields.get("report_note").to_string()).filter(|n| !n.is_empty()),
        };
        let mut tx = g.write_for_initiative(&ini).await?;
        tx.add_initiative_report(ini.id, &report).await?;
        tx.commit().await?;
        Ok::<(), WebError>(())
    }
    .await;
    after_change(lang, id.as_ref(), g, ini, "reports", fields, result).await
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

// ---- JSON API ----

/// Which of the three criteria of I.1.3.1 an initiative meets.
#[derive(Serialize, ToSchema)]
pub struct ApiCriteria {
    /// (1) Led and managed by the Party committee, the authorities or the head of the body.
    leadership: bool,
    /// (2) Draws many people in and changes their awareness.
    mass_participation: bool,
    /// (3) Works under the police's advice and guidance.
    police_guidance: bool,
}

/// An initiative ("mô hình") of the movement.
#[derive(Serialize, ToSchema)]
pub struct ApiInitiative {
    id: i64,
    /// The owning unit.
    unit_id: i64,
    unit_name: String,
    name: String,
    leader_name: Option<String>,
    /// agency_linked, locality_linked or joint.
    participant_kind: String,
    /// trusted_voice_in_province, trusted_voice_outside_province or other.
    leader_kind: String,
    /// awareness or science_technology.
    content_kind: String,
    /// anti_fraud, child_safety, black_market_lending, fake_news, drugs, other.
    focus: Vec<String>,
    criteria: ApiCriteria,
    /// All three criteria met.
    criteria_met: bool,
    /// proposed, active, exemplary, replicated, ended or dissolved.
    stage: String,
    /// YYYY-MM-DD
    stage_since: String,
    channels: i64,
    /// Members listed by name (counted members are in `villages`).
    listed_members: i64,
}

impl From<&Initiative> for ApiInitiative {
    fn from(i: &Initiative) -> Self {
        let c = Criteria::from_array(i.criteria);
        ApiInitiative {
            id: i.id,
            unit_id: i.unit_id.0,
            unit_name: i.unit_name.clone(),
            name: i.name.clone(),
            leader_name: i.leader_name.clone(),
            participant_kind: i.participant_kind.as_str().into(),
            leader_kind: i.leader_kind.as_str().into(),
            content_kind: i.content_kind.as_str().into(),
            focus: i.focus.iter().map(|f| f.as_str().to_string()).collect(),
            criteria_met: c.met(),
            criteria: ApiCriteria {
                leadership: c.leadership,
                mass_participation: c.mass_participation,
                police_guidance: c.police_guidance,
            },
            stage: i.stage.as_str().into(),
            stage_since: i.stage_since.to_string(),
            channels: i.channels,
            listed_members: i.members,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiStage {
    stage: String,
    effective: String,
    note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiChannel {
    id: i64,
    /// facebook, zalo, tiktok, youtube, telegram, viber or website.
    platform: String,
    /// The canonical key: the same channel however its link is written.
    key: String,
    url: String,
    audience: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiVillageCount {
    village_id: i64,
    village_name: String,
    year: i32,
    members: i64,
    /// Households with a member, each counted once.
    households: i64,
    /// Counted from the listed members rather than entered as numbers.
    listed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ApiReport {
    period_from: String,
    period_to: String,
    posts: i64,
    reach: i64,
    reports_received: i64,
    note: Option<String>,
}

/// An initiative with its history, channels, members per village and reports.
#[derive(Serialize, ToSchema)]
pub struct ApiInitiativeDetail {
    initiative: ApiInitiative,
    stages: Vec<ApiStage>,
    channels: Vec<ApiChannel>,
    villages: Vec<ApiVillageCount>,
    reports: Vec<ApiReport>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ApiListQuery {
    /// Name search, diacritics and case ignored.
    #[serde(default)]
    q: Option<String>,
}

/// The initiatives owned by units within the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/initiatives", params(ApiListQuery),
    responses((status = 200, body = Vec<ApiInitiative>)), tag = "movement", security(("bearer" = [])))]
pub async fn api_list(m: MovementRead, Query(q): Query<ApiListQuery>) -> WebResult<Json<Vec<ApiInitiative>>> {
    let here = m.0.home(today()).await?;
    let found = here.initiatives(q.q.as_deref()).await?;
    Ok(Json(found.iter().map(ApiInitiative::from).collect()))
}

/// One initiative with its lifecycle, channels, members per village and reports.
#[utoipa::path(get, path = "/api/v1/initiatives/{id}", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiInitiativeDetail), (status = 404)), tag = "movement", security(("bearer" = [])))]
pub async fn api_get(m: MovementRead, Path(iid): Path<i64>) -> WebResult<Json<ApiInitiativeDetail>> {
    let ini = load(&m.0, iid).await?;
    let stages =
        m.0.of_initiative(&ini)
            .stages()
            .await?
            .into_iter()
            .map(|s| ApiStage { stage: s.stage.as_str().into(), effective: s.effective.to_string(), note: s.note })
            .collect();
    let channels =
        m.0.of_initiative(&ini)
            .channels()
            .await?
            .into_iter()
            .map(|c| ApiChannel { id: c.id, platform: c.platform, key: c.key, url: c.url, audience: c.audience })
            .collect();
    let villages =
        m.0.of_initiative(&ini)
            .villages()
            .await?
            .into_iter()
            .map(|v| ApiVillageCount {
                village_id: v.village_id.0,
                village_name: v.village_name,
                year: v.year,
                members: v.members,
                households: v.households,
                listed: v.listed,
            })
            .collect();
    let reports =
        m.0.of_initiative(&ini)
            .reports()
            .await?
            .into_iter()
            .map(|r| ApiReport {
                period_from: r.period_from.to_string(),
                period_to: r.period_to.to_string(),
                posts: r.posts,
                reach: r.reach,
                reports_received: r.reports_received,
                note: r.note,
            })
            .collect();
    Ok(Json(ApiInitiativeDetail { initiative: ApiInitiative::from(&ini), stages, channels, villages, reports }))
}

#[derive(Deserialize, ToSchema)]
pub struct ApiChannelInput {
    /// The channel's link, however written ("m.facebook.com/groups/123?ref=share").
    url: String,
    /// Followers or members, if known.
    #[serde(default)]
    audience: Option<i64>,
}

/// Register a channel of an initiative. A channel already registered (under
/// any spelling of its link) is refused with 422; the message names the
/// unit that already guides it.
#[utoipa::path(post, path = "/api/v1/initiatives/{id}/channels", params(("id" = i64, Path,)), request_body = ApiChannelInput,
    responses((status = 201, body = ApiChannel), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn api_add_channel(
    m: MovementWrite,
    Path(iid): Path<i64>,
    body: Result<Json<ApiChannelInput>, JsonRejection>,
) -> WebResult<(StatusCode, Json<ApiChannel>)> {
    // The scope first: outside it, every request is the same 404.
    let ini = load(&m.0, iid).await?;
    let Json(body) =
        body.map_err(|e| WebError::BadRequest(format!("Nội dung JSON không hợp lệ: {}", e.body_text())))?;
    if body.audience.is_some_and(|a| a < 0) {
        return Err(bad("Số người theo dõi phải là số nguyên không âm."));
    }
    let (channel_id, channel) = register_channel(&m.0, &ini, &body.url, body.audience).await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiChannel {
            id: channel_id,
            platform: channel.platform.as_str().into(),
            key: channel.key,
            url: channel.url,
            audience: body.audience,
        }),
    ))
}

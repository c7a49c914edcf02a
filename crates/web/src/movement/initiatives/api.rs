//! The initiatives' JSON API: the paged list, one initiative with its
//! records, a channel registered; corrections, voids and restores.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use khienmang_core::movement::{ContentKind, Criteria, Focus, LeaderKind, ParticipantKind, VoidReason};
use khienmang_store::movement::Initiative;
use serde::Deserializer;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::super::bad;
use super::{load, register_channel};
use crate::access::{MovementRead, MovementWrite, ProgrammeManage, Target};
use crate::error::{WebError, WebResult};
use crate::org::today;

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
    /// Set when the initiative was voided (only the secretariat still sees it).
    #[serde(skip_serializing_if = "Option::is_none")]
    voided: Option<ApiVoid>,
}

/// A void: when, by whom, why.
#[derive(Serialize, ToSchema)]
pub struct ApiVoid {
    /// RFC 3339, UTC.
    at: String,
    by: String,
    reason: String,
}

impl From<&khienmang_store::movement::Voided> for ApiVoid {
    fn from(v: &khienmang_store::movement::Voided) -> Self {
        ApiVoid { at: v.at.clone(), by: v.by.clone(), reason: v.reason.clone() }
    }
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
            voided: i.voided.as_ref().map(|v| ApiVoid { at: v.at.clone(), by: v.by.clone(), reason: v.reason.clone() }),
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
    /// At most 200; 50 when not given.
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    offset: Option<usize>,
}

/// A page of initiatives.
#[derive(Serialize, ToSchema)]
pub struct ApiInitiatives {
    initiatives: Vec<ApiInitiative>,
    /// How many the search found in all.
    total: usize,
    limit: usize,
    offset: usize,
}

/// The initiatives owned by units within the caller's scope, newest first,
/// paged; voided ones are not listed.
#[utoipa::path(get, path = "/api/v1/initiatives", params(ApiListQuery),
    responses((status = 200, body = ApiInitiatives)), tag = "movement", security(("bearer" = [])))]
pub async fn api_list(m: MovementRead, Query(q): Query<ApiListQuery>) -> WebResult<Json<ApiInitiatives>> {
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let offset = q.offset.unwrap_or(0);
    let here = m.0.home(today()).await?;
    let query: Option<String> = q.q.map(|s| s.chars().take(200).collect());
    let found = here.initiatives(query.as_deref()).await?;
    Ok(Json(ApiInitiatives {
        total: found.len(),
        initiatives: found.iter().skip(offset).take(limit).map(ApiInitiative::from).collect(),
        limit,
        offset,
    }))
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
            .map(|e| e.report)
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
    let body = json_body(body)?;
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

/// Which of the three criteria to change; those left out stay as they are.
#[derive(Deserialize, ToSchema, Default)]
pub struct ApiCriteriaPatch {
    #[serde(default)]
    leadership: Option<bool>,
    #[serde(default)]
    mass_participation: Option<bool>,
    #[serde(default)]
    police_guidance: Option<bool>,
}

/// The fields to correct; those left out stay as they are. `null` clears
/// the leader's name or the description.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiInitiativePatch {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    leader_name: Option<Option<String>>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    participant_kind: Option<ParticipantKind>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    leader_kind: Option<LeaderKind>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    content_kind: Option<ContentKind>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    focus: Option<Vec<Focus>>,
    #[serde(default)]
    criteria: Option<ApiCriteriaPatch>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    description: Option<Option<String>>,
}

/// A field given (possibly as `null`), as opposed to left out.
pub(crate) fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

pub(crate) fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> WebResult<T> {
    body.map(|Json(b)| b).map_err(|e| WebError::BadRequest(format!("Nội dung JSON không hợp lệ: {}", e.body_text())))
}

/// Correct an initiative: the fields given replace the current ones, the
/// same checks as a registration apply (422 naming the field), and the
/// change is kept in the initiative's history and the audit log.
#[utoipa::path(patch, path = "/api/v1/initiatives/{id}", params(("id" = i64, Path,)), request_body = ApiInitiativePatch,
    responses((status = 200, body = ApiInitiative), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn api_patch(
    m: MovementWrite,
    Path(iid): Path<i64>,
    body: Result<Json<ApiInitiativePatch>, JsonRejection>,
) -> WebResult<Json<ApiInitiative>> {
    // The scope first: outside it, every request is the same 404.
    let ini = load(&m.0, iid).await?;
    let p = json_body(body)?;
    let mut f = ini.fields();
    if let Some(name) = p.name {
        f.name = name;
    }
    if let Some(leader) = p.leader_name {
        f.leader_name = leader;
    }
    f.participant_kind = p.participant_kind.unwrap_or(f.participant_kind);
    f.leader_kind = p.leader_kind.unwrap_or(f.leader_kind);
    f.content_kind = p.content_kind.unwrap_or(f.content_kind);
    if let Some(focus) = p.focus {
        f.focus = focus;
    }
    if let Some(c) = p.criteria {
        let now = Criteria::from_array(f.criteria);
        f.criteria = [
            c.leadership.unwrap_or(now.leadership),
            c.mass_participation.unwrap_or(now.mass_participation),
            c.police_guidance.unwrap_or(now.police_guidance),
        ];
    }
    if let Some(d) = p.description {
        f.description = d;
    }
    let checked = f.check()?;
    m.0.write(Target::Initiative(&ini), async |tx| Ok(tx.edit_initiative(&ini, &checked).await?)).await?;
    Ok(Json(ApiInitiative::from(&load(&m.0, iid).await?)))
}

/// Why a record is voided.
#[derive(Deserialize, ToSchema)]
pub struct ApiVoidInput {
    /// Required: what was entered by mistake.
    pub(crate) reason: String,
}

/// Void an initiative entered by mistake, with its channels and member
/// counts: it leaves every list and the targets, and answers 404 to all but
/// the secretariat, who can restore it.
#[utoipa::path(post, path = "/api/v1/initiatives/{id}/void", params(("id" = i64, Path,)), request_body = ApiVoidInput,
    responses((status = 204), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn api_void(
    m: MovementWrite,
    Path(iid): Path<i64>,
    body: Result<Json<ApiVoidInput>, JsonRejection>,
) -> WebResult<StatusCode> {
    let ini = load(&m.0, iid).await?;
    let why = VoidReason::parse(&json_body(body)?.reason)?;
    m.0.write(Target::Initiative(&ini), async |tx| Ok(tx.void_initiative(ini.id, &why).await?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restore a voided initiative with what was voided with it (the secretariat).
#[utoipa::path(post, path = "/api/v1/initiatives/{id}/restore", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiInitiative), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn api_restore(m: ProgrammeManage, Path(iid): Path<i64>) -> WebResult<Json<ApiInitiative>> {
    let ini = load(&m.0, iid).await?;
    m.0.write(Target::Unit(ini.unit_id), async |tx| Ok(tx.restore_initiative(ini.id).await?)).await?;
    Ok(Json(ApiInitiative::from(&load(&m.0, iid).await?)))
}

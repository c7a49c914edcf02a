//! The JSON API of trainings and trusted voices, shaped as the people's
//! ([`super::api`]): the paged list, one record, a registration, a
//! correction of the fields given, a void with its reason and the
//! secretariat's restore. A training's attendees are people registered
//! within its unit's subtree; a voice's consent is dated.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use khienmang_core::Date;
use khienmang_core::org::UnitId;
use khienmang_store::movement::{PersonEntry, TrainingEntry, VoiceEntry, VoiceInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::super::bad;
use super::api::{ApiPeopleQuery, ApiVoidReason, ApiVoided, json_body, moved_to, present, reason_of, voided};
use crate::access::{Granted, MovementRead, MovementWrite, ProgrammeManage, Target};
use crate::error::WebResult;

/// The most attendees one session names.
const MAX_ATTENDEES: usize = 5_000;

/// Someone who attended a training.
#[derive(Serialize, ToSchema)]
pub struct ApiAttendee {
    id: i64,
    full_name: String,
    role: String,
    unit_name: String,
}

/// A training session (targets 2.3, 2.4).
#[derive(Serialize, ToSchema)]
pub struct ApiTraining {
    id: i64,
    /// The organising unit.
    unit_id: i64,
    unit_name: String,
    title: String,
    /// YYYY-MM-DD
    held_on: String,
    place: Option<String>,
    attendee_count: i64,
    /// Who attended (in the answers about one session).
    #[serde(skip_serializing_if = "Option::is_none")]
    attendees: Option<Vec<ApiAttendee>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    voided: Option<ApiVoided>,
}

fn training_of(t: &TrainingEntry, attendees: Option<&[PersonEntry]>) -> ApiTraining {
    ApiTraining {
        id: t.id,
        unit_id: t.unit_id.0,
        unit_name: t.unit_name.clone(),
        title: t.title.clone(),
        held_on: t.held_on.to_string(),
        place: t.place.clone(),
        attendee_count: t.attendees,
        attendees: attendees.map(|list| {
            list.iter()
                .map(|p| ApiAttendee {
                    id: p.id,
                    full_name: p.full_name.clone(),
                    role: p.role.as_str().into(),
                    unit_name: p.unit_name.clone(),
                })
                .collect()
        }),
        voided: voided(t.voided.as_ref()),
    }
}

/// One session with its attendees, read through the scope.
async fn training_answer(g: &Granted, id: i64) -> WebResult<ApiTraining> {
    let t = g.training(id).await?;
    let attendees = g.training_attendees(&t).await?;
    Ok(training_of(&t, Some(&attendees)))
}

/// The attendees a request names, each registered within `unit`'s subtree.
async fn attendees_within(g: &Granted, unit: UnitId, ids: &[i64]) -> WebResult<Vec<i64>> {
    if ids.len() > MAX_ATTENDEES {
        return Err(bad("Một lớp tập huấn ghi tối đa 5.000 người tham dự."));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if g.people_within(unit, &ids).await?.len() != ids.len() {
        return Err(bad("Người tham dự phải có tên trong danh sách của đơn vị tổ chức hoặc đơn vị trực thuộc."));
    }
    Ok(ids)
}

/// A page of training sessions.
#[derive(Serialize, ToSchema)]
pub struct ApiTrainings {
    trainings: Vec<ApiTraining>,
    total: i64,
    limit: i64,
    offset: i64,
}

/// The sessions held by units of the caller's scope (or a unit of it),
/// latest first, searched by title, paged; voided ones are not listed.
#[utoipa::path(get, path = "/api/v1/trainings", params(ApiPeopleQuery),
    responses((status = 200, body = ApiTrainings), (status = 404)), tag = "movement", security(("bearer" = [])))]
pub async fn api_trainings(m: MovementRead, Query(q): Query<ApiPeopleQuery>) -> WebResult<Json<ApiTrainings>> {
    let (within, filter, limit, offset) = q.resolve(&m.0).await?;
    let found = within.trainings_page(&filter).await?;
    Ok(Json(ApiTrainings {
        trainings: found.rows.iter().map(|t| training_of(t, None)).collect(),
        total: found.total,
        limit,
        offset,
    }))
}

/// One session with its attendees.
#[utoipa::path(get, path = "/api/v1/trainings/{id}", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiTraining), (status = 404)), tag = "movement", security(("bearer" = [])))]
pub async fn api_training(m: MovementRead, Path(tid): Path<i64>) -> WebResult<Json<ApiTraining>> {
    let answer = training_answer(&m.0, tid).await?;
    m.0.audit_view("personal_data.view", &format!("training:{tid}"), serde_json::json!({"api": true})).await?;
    Ok(Json(answer))
}

/// A session to register.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiTrainingInput {
    unit_id: i64,
    title: String,
    /// YYYY-MM-DD
    #[schema(value_type = String, format = Date)]
    held_on: Date,
    #[serde(default)]
    place: Option<String>,
    /// The people who attended (ids from `GET /api/v1/people`).
    #[serde(default)]
    attendees: Vec<i64>,
}

/// Register a session held by a unit of the caller's scope.
#[utoipa::path(post, path = "/api/v1/trainings", request_body = ApiTrainingInput,
    responses((status = 201, body = ApiTraining), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn api_training_create(
    m: MovementWrite,
    body: Result<Json<ApiTrainingInput>, JsonRejection>,
) -> WebResult<(StatusCode, Json<ApiTraining>)> {
    let b = json_body(body)?;
    let unit = UnitId(b.unit_id);
    m.0.ensure(unit).await?;
    let attendees = attendees_within(&m.0, unit, &b.attendees).await?;
    let tid =
        m.0.write(Target::Registry(unit), async |tx| {
            Ok(tx.create_training(unit, &b.title, b.held_on, b.place.as_deref(), &attendees).await?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(training_answer(&m.0, tid).await?)))
}

/// The fields to correct; those left out stay as they are. `attendees`
/// replaces the list (those left out are removed).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiTrainingPatch {
    #[serde(default)]
    unit_id: Option<i64>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    held_on: Option<Date>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    place: Option<Option<String>>,
    #[serde(default)]
    attendees: Option<Vec<i64>>,
}

/// Correct a session: its fields, its unit, who attended.
#[utoipa::path(patch, path = "/api/v1/trainings/{id}", params(("id" = i64, Path,)), request_body = ApiTrainingPatch,
    responses((status = 200, body = ApiTraining), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn api_training_patch(
    m: MovementWrite,
    Path(tid): Path<i64>,
    body: Result<Json<ApiTrainingPatch>, JsonRejection>,
) -> WebResult<Json<ApiTraining>> {
    let t = m.0.training(tid).await?;
    let b = json_body(body)?;
    let unit = moved_to(&m.0, t.unit_id, b.unit_id).await?;
    let mut f = t.fields();
    f.title = b.title.unwrap_or(f.title);
    f.held_on = b.held_on.unwrap_or(f.held_on);
    if let Some(place) = b.place {
        f.place = place;
    }
    let checked = f.check()?;
    let ids = match b.attendees {
        Some(ids) => ids,
        None => m.0.training_attendees(&t).await?.iter().map(|p| p.id).collect(),
    };
    let attendees = attendees_within(&m.0, unit, &ids).await?;
    m.0.write(Target::Registry(t.unit_id), async |tx| Ok(tx.edit_training(&t, unit, &checked, &attendees).await?))
        .await?;
    Ok(Json(training_answer(&m.0, tid).await?))
}

/// Void a session entered by mistake: its attendees' years drop from the targets.
#[utoipa::path(post, path = "/api/v1/trainings/{id}/void", params(("id" = i64, Path,)), request_body = ApiVoidReason,
    responses((status = 204), (status = 403), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn api_training_void(
    m: MovementWrite,
    Path(tid): Path<i64>,
    body: Result<Json<ApiVoidReason>, JsonRejection>,
) -> WebResult<StatusCode> {
    let t = m.0.training(tid).await?;
    let why = reason_of(body)?;
    m.0.write(Target::Registry(t.unit_id), async |tx| Ok(tx.void_training(t.id, &why).await?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restore a voided session (the secretariat).
#[utoipa::path(post, path = "/api/v1/trainings/{id}/restore", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiTraining), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn api_training_restore(m: ProgrammeManage, Path(tid): Path<i64>) -> WebResult<Json<ApiTraining>> {
    let t = m.0.training(tid).await?;
    m.0.write(Target::Unit(t.unit_id), async |tx| Ok(tx.restore_training(t.id).await?)).await?;
    Ok(Json(training_answer(&m.0, tid).await?))
}

// ---- trusted voices ----

/// A trusted voice (target 2.8).
#[derive(Serialize, ToSchema)]
pub struct ApiVoice {
    id: i64,
    unit_id: i64,
    unit_name: String,
    full_name: String,
    in_province: bool,
    channels: Option<String>,
    audience: Option<i64>,
    /// The day they consented to cooperate (YYYY-MM-DD); target 2.8 counts
    /// them from that year. `null` while they have not.
    consent_on: Option<String>,
    initiative_id: Option<i64>,
    registered_from: i32,
    enlisted_years: Vec<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    voided: Option<ApiVoided>,
}

impl From<&VoiceEntry> for ApiVoice {
    fn from(v: &VoiceEntry) -> Self {
        ApiVoice {
            id: v.id,
            unit_id: v.unit_id.0,
            unit_name: v.unit_name.clone(),
            full_name: v.full_name.clone(),
            in_province: v.in_province,
            channels: v.channels.clone(),
            audience: v.audience,
            consent_on: v.consent_on.map(|d| d.to_string()),
            initiative_id: v.initiative_id,
            registered_from: v.registered_from,
            enlisted_years: v.enlisted_years.clone(),
            voided: voided(v.voided.as_ref()),
        }
    }
}

/// A page of trusted voices.
#[derive(Serialize, ToSchema)]
pub struct ApiVoices {
    voices: Vec<ApiVoice>,
    total: i64,
    limit: i64,
    offset: i64,
}

/// The trusted voices registered within the caller's scope (or a unit of
/// it), by name, paged; voided ones are not listed.
#[utoipa::path(get, path = "/api/v1/voices", params(ApiPeopleQuery),
    responses((status = 200, body = ApiVoices), (status = 404)), tag = "movement", security(("bearer" = [])))]
pub async fn api_voices(m: MovementRead, Query(q): Query<ApiPeopleQuery>) -> WebResult<Json<ApiVoices>> {
    let (within, filter, limit, offset) = q.resolve(&m.0).await?;
    let found = within.voices_page(&filter).await?;
    m.0.audit_view(
        "personal_data.view",
        "voices",
        serde_json::json!({"scope": within.unit().0, "api": true, "shown": found.rows.len()}),
    )
    .await?;
    Ok(Json(ApiVoices { voices: found.rows.iter().map(ApiVoice::from).collect(), total: found.total, limit, offset }))
}

/// One trusted voice.
#[utoipa::path(get, path = "/api/v1/voices/{id}", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiVoice), (status = 404)), tag = "movement", security(("bearer" = [])))]
pub async fn api_voice(m: MovementRead, Path(vid): Path<i64>) -> WebResult<Json<ApiVoice>> {
    let v = m.0.voice(vid).await?;
    m.0.audit_view("personal_data.view", &format!("voice:{vid}"), serde_json::json!({"api": true})).await?;
    Ok(Json(ApiVoice::from(&v)))
}

/// A trusted voice to register.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiVoiceInput {
    unit_id: i64,
    full_name: String,
    #[serde(default = "yes")]
    in_province: bool,
    #[serde(default)]
    channels: Option<String>,
    #[serde(default)]
    audience: Option<i64>,
    /// YYYY-MM-DD; left out while they have not consented.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    consent_on: Option<Date>,
    /// An initiative of the caller's scope the voice works with.
    #[serde(default)]
    initiative_id: Option<i64>,
    registered_from: i32,
}

fn yes() -> bool {
    true
}

/// Register a trusted voice with a unit of the caller's scope.
#[utoipa::path(post, path = "/api/v1/voices", request_body = ApiVoiceInput,
    responses((status = 201, body = ApiVoice), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn api_voice_create(
    m: MovementWrite,
    body: Result<Json<ApiVoiceInput>, JsonRejection>,
) -> WebResult<(StatusCode, Json<ApiVoice>)> {
    let b = json_body(body)?;
    let unit = UnitId(b.unit_id);
    m.0.ensure(unit).await?;
    let initiative = match b.initiative_id {
        Some(i) => Some(m.0.initiative(i).await?.id),
        None => None,
    };
    let input = VoiceInput {
        unit,
        full_name: b.full_name,
        in_province: b.in_province,
        channels: b.channels,
        audience: b.audience,
        consent_on: b.consent_on,
        initiative,
        registered_from: b.registered_from,
    };
    let vid = m.0.write(Target::Registry(unit), async |tx| Ok(tx.create_voice(&input).await?)).await?;
    Ok((StatusCode::CREATED, Json(ApiVoice::from(&m.0.voice(vid).await?))))
}

/// The fields to correct; those left out stay as they are. `null` clears
/// the channels, the audience or the consent (withdrawn).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiVoicePatch {
    #[serde(default)]
    unit_id: Option<i64>,
    #[serde(default)]
    full_name: Option<String>,
    #[serde(default)]
    in_province: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    channels: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    audience: Option<Option<i64>>,
    /// YYYY-MM-DD: a consent given later counts from that year.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    consent_on: Option<Option<Date>>,
    #[serde(default)]
    registered_from: Option<i32>,
}

/// Correct a trusted voice; a consent date moves the years target 2.8 counts.
#[utoipa::path(patch, path = "/api/v1/voices/{id}", params(("id" = i64, Path,)), request_body = ApiVoicePatch,
    responses((status = 200, body = ApiVoice), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn api_voice_patch(
    m: MovementWrite,
    Path(vid): Path<i64>,
    body: Result<Json<ApiVoicePatch>, JsonRejection>,
) -> WebResult<Json<ApiVoice>> {
    let v = m.0.voice(vid).await?;
    let b = json_body(body)?;
    let unit = moved_to(&m.0, v.unit_id, b.unit_id).await?;
    let mut f = v.fields();
    f.full_name = b.full_name.unwrap_or(f.full_name);
    f.in_province = b.in_province.unwrap_or(f.in_province);
    if let Some(c) = b.channels {
        f.channels = c;
    }
    if let Some(a) = b.audience {
        f.audience = a;
    }
    if let Some(c) = b.consent_on {
        f.consent_on = c;
    }
    f.registered_from = b.registered_from.unwrap_or(f.registered_from);
    let checked = f.check()?;
    m.0.write(Target::Registry(v.unit_id), async |tx| Ok(tx.edit_voice(&v, unit, &checked).await?)).await?;
    Ok(Json(ApiVoice::from(&m.0.voice(vid).await?)))
}

/// Void a trusted voice registered by mistake: they leave every list and target 2.8.
#[utoipa::path(post, path = "/api/v1/voices/{id}/void", params(("id" = i64, Path,)), request_body = ApiVoidReason,
    responses((status = 204), (status = 403), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn api_voice_void(
    m: MovementWrite,
    Path(vid): Path<i64>,
    body: Result<Json<ApiVoidReason>, JsonRejection>,
) -> WebResult<StatusCode> {
    let v = m.0.voice(vid).await?;
    let why = reason_of(body)?;
    m.0.write(Target::Registry(v.unit_id), async |tx| Ok(tx.void_voice(v.id, &why).await?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restore a voided trusted voice (the secretariat).
#[utoipa::path(post, path = "/api/v1/voices/{id}/restore", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiVoice), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn api_voice_restore(m: ProgrammeManage, Path(vid): Path<i64>) -> WebResult<Json<ApiVoice>> {
    let v = m.0.voice(vid).await?;
    m.0.write(Target::Unit(v.unit_id), async |tx| Ok(tx.restore_voice(v.id).await?)).await?;
    Ok(Json(ApiVoice::from(&m.0.voice(vid).await?)))
}

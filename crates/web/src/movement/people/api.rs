//! The people registry's JSON API: the paged list (searched, filtered by
//! role and unit), one person (404 outside the scope; once voided, 404 to
//! all but the secretariat, who sees it marked void), a registration, a
//! correction of the fields given, a void with its reason and the
//! secretariat's restore. Trainings and trusted voices follow the same
//! shape in [`super::api_records`].

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use khienmang_core::movement::VoidReason;
use khienmang_core::org::UnitId;
use khienmang_core::targets::PersonRole;
use khienmang_store::movement::{ListFilter, PersonEntry, PersonInput, Voided};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::super::bad;
use super::bounded_query;
use crate::access::{Granted, MovementRead, MovementWrite, ProgrammeManage, Target, Within};
use crate::error::{WebError, WebResult};
use crate::org::today;

/// A void: when, by whom, why.
#[derive(Serialize, ToSchema)]
pub struct ApiVoided {
    /// RFC 3339, UTC.
    pub at: String,
    pub by: String,
    pub reason: String,
}

pub(super) fn voided(v: Option<&Voided>) -> Option<ApiVoided> {
    v.map(|v| ApiVoided { at: v.at.clone(), by: v.by.clone(), reason: v.reason.clone() })
}

/// A field given (possibly as `null`), as opposed to left out.
pub(super) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

pub(super) fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> WebResult<T> {
    body.map(|Json(b)| b).map_err(|e| WebError::BadRequest(format!("Nội dung JSON không hợp lệ: {}", e.body_text())))
}

/// Why a record is voided.
#[derive(Deserialize, ToSchema)]
pub struct ApiVoidReason {
    /// Required: what was entered by mistake.
    pub reason: String,
}

pub(super) fn reason_of(body: Result<Json<ApiVoidReason>, JsonRejection>) -> WebResult<VoidReason> {
    Ok(VoidReason::parse(&json_body(body)?.reason)?)
}

/// A list's query: search, filters and the page.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ApiPeopleQuery {
    /// Name search, diacritics and case ignored ("nguyen" finds "Nguyễn").
    #[serde(default)]
    pub q: Option<String>,
    /// People only: one role (police_movement_staff, movement_staff,
    /// commune_key_official, village_key_official, initiative_leader,
    /// initiative_admin, legal_reporter, legal_propagandist).
    #[serde(default)]
    pub role: Option<String>,
    /// Only the records of this unit's subtree (within the caller's scope).
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// `true`: the voided records instead (the secretariat only).
    #[serde(default)]
    pub voided: Option<bool>,
    /// At most 200; 50 when not given.
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: Option<i64>,
}

impl ApiPeopleQuery {
    /// The unit listed (checked in the scope) and the filter, bounded.
    pub(super) async fn resolve<'a>(&self, g: &'a Granted) -> WebResult<(Within<'a>, ListFilter, i64, i64)> {
        let within = match self.unit_id {
            Some(u) => g.within(UnitId(u)).await?,
            None => g.home(today()).await?,
        };
        let limit = self.limit.unwrap_or(50).clamp(1, 200);
        let offset = self.offset.unwrap_or(0).clamp(0, 10_000_000);
        let filter = ListFilter {
            query: bounded_query(self.q.as_deref().unwrap_or("")),
            voided: self.voided == Some(true),
            limit: Some(limit),
            offset,
            ..ListFilter::default()
        };
        Ok((within, filter, limit, offset))
    }
}

/// A person on the people registry (targets 2.3–2.5).
#[derive(Serialize, ToSchema)]
pub struct ApiPerson {
    id: i64,
    unit_id: i64,
    unit_name: String,
    full_name: String,
    /// One of the roles listed for the `role` filter.
    role: String,
    position: Option<String>,
    registered_from: i32,
    registered_to: Option<i32>,
    /// Years trained (a session not voided) or updated.
    years: Vec<i32>,
    /// Set when the person was voided (only the secretariat still sees it).
    #[serde(skip_serializing_if = "Option::is_none")]
    voided: Option<ApiVoided>,
}

impl From<&PersonEntry> for ApiPerson {
    fn from(p: &PersonEntry) -> Self {
        ApiPerson {
            id: p.id,
            unit_id: p.unit_id.0,
            unit_name: p.unit_name.clone(),
            full_name: p.full_name.clone(),
            role: p.role.as_str().into(),
            position: p.position.clone(),
            registered_from: p.registered_from,
            registered_to: p.registered_to,
            years: p.years.clone(),
            voided: voided(p.voided.as_ref()),
        }
    }
}

/// A page of people.
#[derive(Serialize, ToSchema)]
pub struct ApiPeople {
    people: Vec<ApiPerson>,
    /// How many the search found in all.
    total: i64,
    limit: i64,
    offset: i64,
}

/// The people registered within the caller's scope (or a unit of it), by
/// name, paged; voided ones are not listed.
#[utoipa::path(get, path = "/api/v1/people", params(ApiPeopleQuery),
    responses((status = 200, body = ApiPeople), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn api_people(m: MovementRead, Query(q): Query<ApiPeopleQuery>) -> WebResult<Json<ApiPeople>> {
    let (within, mut filter, limit, offset) = q.resolve(&m.0).await?;
    filter.role = match q.role.as_deref() {
        None | Some("") => None,
        Some(r) => Some(PersonRole::parse(r).ok_or_else(|| bad("Vai trò không hợp lệ."))?),
    };
    let found = within.people_page(&filter).await?;
    m.0.audit_view(
        "personal_data.view",
        "people",
        serde_json::json!({"scope": within.unit().0, "api": true, "shown": found.rows.len()}),
    )
    .await?;
    Ok(Json(ApiPeople { people: found.rows.iter().map(ApiPerson::from).collect(), total: found.total, limit, offset }))
}

/// One person.
#[utoipa::path(get, path = "/api/v1/people/{id}", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiPerson), (status = 404)), tag = "movement", security(("bearer" = [])))]
pub async fn api_person(m: MovementRead, Path(pid): Path<i64>) -> WebResult<Json<ApiPerson>> {
    let p = m.0.person(pid).await?;
    m.0.audit_view("personal_data.view", &format!("person:{pid}"), serde_json::json!({"api": true})).await?;
    Ok(Json(ApiPerson::from(&p)))
}

/// A person to register.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiPersonInput {
    unit_id: i64,
    full_name: String,
    #[schema(value_type = String)]
    role: PersonRole,
    #[serde(default)]
    position: Option<String>,
    registered_from: i32,
    #[serde(default)]
    registered_to: Option<i32>,
}

/// Register a person with a unit of the caller's scope (404 outside it;
/// 422 naming the field a check refuses).
#[utoipa::path(post, path = "/api/v1/people", request_body = ApiPersonInput,
    responses((status = 201, body = ApiPerson), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn api_person_create(
    m: MovementWrite,
    body: Result<Json<ApiPersonInput>, JsonRejection>,
) -> WebResult<(StatusCode, Json<ApiPerson>)> {
    let b = json_body(body)?;
    let unit = UnitId(b.unit_id);
    m.0.ensure(unit).await?;
    let input = PersonInput {
        unit,
        full_name: b.full_name,
        role: b.role,
        position: b.position,
        initiative: None,
        registered_from: b.registered_from,
        registered_to: b.registered_to,
    };
    let pid = m.0.write(Target::Registry(unit), async |tx| Ok(tx.create_person(&input).await?)).await?;
    Ok((StatusCode::CREATED, Json(ApiPerson::from(&m.0.person(pid).await?))))
}

/// The fields to correct; those left out stay as they are. `null` clears
/// the position or the last year.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiPersonPatch {
    #[serde(default)]
    unit_id: Option<i64>,
    #[serde(default)]
    full_name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    role: Option<PersonRole>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    position: Option<Option<String>>,
    #[serde(default)]
    registered_from: Option<i32>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>)]
    registered_to: Option<Option<i32>>,
}

/// The unit a correction moves a record to (checked writable today), or its own.
pub(super) async fn moved_to(g: &Granted, current: UnitId, given: Option<i64>) -> WebResult<UnitId> {
    g.ensure_registry(current).await?;
    match given.map(UnitId) {
        Some(u) if u != current => {
            g.ensure(u).await?;
            g.ensure_registry(u).await?;
            Ok(u)
        }
        _ => Ok(current),
    }
}

/// Correct a person: the fields given replace the current ones, the same
/// checks as a registration apply, and the change is kept in the person's
/// history and the audit log.
#[utoipa::path(patch, path = "/api/v1/people/{id}", params(("id" = i64, Path,)), request_body = ApiPersonPatch,
    responses((status = 200, body = ApiPerson), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn api_person_patch(
    m: MovementWrite,
    Path(pid): Path<i64>,
    body: Result<Json<ApiPersonPatch>, JsonRejection>,
) -> WebResult<Json<ApiPerson>> {
    // The scope first: outside it, every request is the same 404.
    let p = m.0.person(pid).await?;
    let b = json_body(body)?;
    let unit = moved_to(&m.0, p.unit_id, b.unit_id).await?;
    let mut f = p.fields();
    f.full_name = b.full_name.unwrap_or(f.full_name);
    f.role = b.role.unwrap_or(f.role);
    if let Some(position) = b.position {
        f.position = position;
    }
    f.registered_from = b.registered_from.unwrap_or(f.registered_from);
    if let Some(to) = b.registered_to {
        f.registered_to = to;
    }
    let checked = f.check()?;
    m.0.write(Target::Registry(p.unit_id), async |tx| Ok(tx.edit_person(&p, unit, &checked).await?)).await?;
    Ok(Json(ApiPerson::from(&m.0.person(pid).await?)))
}

/// Void a person registered by mistake: they leave every list and the
/// targets, and answer 404 to all but the secretariat, who can restore them.
#[utoipa::path(post, path = "/api/v1/people/{id}/void", params(("id" = i64, Path,)), request_body = ApiVoidReason,
    responses((status = 204), (status = 403), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn api_person_void(
    m: MovementWrite,
    Path(pid): Path<i64>,
    body: Result<Json<ApiVoidReason>, JsonRejection>,
) -> WebResult<StatusCode> {
    let p = m.0.person(pid).await?;
    let why = reason_of(body)?;
    m.0.write(Target::Registry(p.unit_id), async |tx| Ok(tx.void_person(p.id, &why).await?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restore a voided person (the secretariat).
#[utoipa::path(post, path = "/api/v1/people/{id}/restore", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiPerson), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn api_person_restore(m: ProgrammeManage, Path(pid): Path<i64>) -> WebResult<Json<ApiPerson>> {
    let p = m.0.person(pid).await?;
    m.0.write(Target::Unit(p.unit_id), async |tx| Ok(tx.restore_person(p.id).await?)).await?;
    Ok(Json(ApiPerson::from(&m.0.person(pid).await?)))
}

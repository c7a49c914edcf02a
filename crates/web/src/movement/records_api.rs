//! The JSON API of plans and resolutions (`/api/v1/documents`), village
//! activities (`/api/v1/activities`) and page posts (`/api/v1/posts`, a
//! resource of its own: a post belongs to a unit and has a link, an
//! activity to a village and has a head count). Each has the paged list,
//! one record, a registration, a correction (`PATCH`, the fields given
//! replace the current ones, the same checks as a registration), a void
//! with its reason and the secretariat's restore. Outside the scope every
//! request is the same 404; after a void, 404 to all but the secretariat,
//! who sees the record marked void. A document's file is attached on its
//! page (a multipart upload), not through this API.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use khienmang_core::Date;
use khienmang_core::link::HttpUrl;
use khienmang_core::movement::{ActivityFields, DocumentFields, DocumentKind, PostFields, VoidReason};
use khienmang_core::org::UnitId;
use khienmang_store::movement::{ActivityEntry, DocumentEntry};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::initiatives::{ApiVoid, ApiVoidInput, json_body, present};
use super::{bad, unit_in_scope, village_in_scope};
use crate::access::{Granted, MovementRead, MovementWrite, ProgrammeManage, Target};
use crate::error::WebResult;
use crate::org::today;

/// The longest list page.
const MAX_LIMIT: usize = 200;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ApiPageQuery {
    /// At most 200; 50 when not given.
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    offset: Option<usize>,
}

impl ApiPageQuery {
    fn bounds(&self) -> (usize, usize) {
        (self.limit.unwrap_or(50).clamp(1, MAX_LIMIT), self.offset.unwrap_or(0))
    }
}

fn day(s: &str, what: &str) -> WebResult<Date> {
    let s: String = s.chars().take(40).collect();
    s.trim().parse::<Date>().map_err(|_| bad(&format!("{what} “{s}” không hợp lệ; ghi dạng YYYY-MM-DD.")))
}

// ---- Plans and resolutions ----

/// A plan (target 2.2) or a thematic resolution (target 2.1).
#[derive(Serialize, ToSchema)]
pub struct ApiDocument {
    id: i64,
    unit_id: i64,
    unit_name: String,
    /// plan or resolution.
    kind: String,
    number: String,
    title: String,
    /// YYYY-MM-DD
    issued_on: String,
    /// The year a plan is for; a resolution's is the year it was issued.
    year: i32,
    file_name: Option<String>,
    /// Set when the document was voided (only the secretariat still sees it).
    #[serde(skip_serializing_if = "Option::is_none")]
    voided: Option<ApiVoid>,
}

impl From<&DocumentEntry> for ApiDocument {
    fn from(d: &DocumentEntry) -> Self {
        ApiDocument {
            id: d.id,
            unit_id: d.unit_id.0,
            unit_name: d.unit_name.clone(),
            kind: d.kind.as_str().into(),
            number: d.number.clone(),
            title: d.title.clone(),
            issued_on: d.issued_on.to_string(),
            year: d.year,
            file_name: d.file_name.clone(),
            voided: d.voided.as_ref().map(ApiVoid::from),
        }
    }
}

/// A page of plans and resolutions.
#[derive(Serialize, ToSchema)]
pub struct ApiDocuments {
    documents: Vec<ApiDocument>,
    total: usize,
    limit: usize,
    offset: usize,
}

/// The plans and resolutions of units in the caller's scope, newest first,
/// paged; voided ones are not listed.
#[utoipa::path(get, path = "/api/v1/documents", params(ApiPageQuery),
    responses((status = 200, body = ApiDocuments)), tag = "movement", security(("bearer" = [])))]
pub async fn documents_list(m: MovementRead, Query(q): Query<ApiPageQuery>) -> WebResult<Json<ApiDocuments>> {
    let (limit, offset) = q.bounds();
    let found = m.0.home(today()).await?.documents().await?;
    Ok(Json(ApiDocuments {
        total: found.len(),
        documents: found.iter().skip(offset).take(limit).map(ApiDocument::from).collect(),
        limit,
        offset,
    }))
}

/// One plan or resolution.
#[utoipa::path(get, path = "/api/v1/documents/{id}", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiDocument), (status = 404)), tag = "movement", security(("bearer" = [])))]
pub async fn document_get(m: MovementRead, Path(rid): Path<i64>) -> WebResult<Json<ApiDocument>> {
    Ok(Json(ApiDocument::from(&m.0.document(rid).await?)))
}

/// A plan or resolution to register.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiDocumentInput {
    unit_id: i64,
    /// plan or resolution.
    #[schema(value_type = String)]
    kind: DocumentKind,
    number: String,
    title: String,
    /// YYYY-MM-DD
    issued_on: String,
    /// The year a plan is for; a resolution's is the year it was issued.
    #[serde(default)]
    year: Option<i32>,
}

/// Register a plan or resolution (422 naming the field when a check fails).
#[utoipa::path(post, path = "/api/v1/documents", request_body = ApiDocumentInput,
    responses((status = 201, body = ApiDocument), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn document_create(
    m: MovementWrite,
    body: Result<Json<ApiDocumentInput>, JsonRejection>,
) -> WebResult<(StatusCode, Json<ApiDocument>)> {
    let g = &m.0;
    let b = json_body(body)?;
    let unit = unit_in_scope(g, &b.unit_id.to_string()).await?;
    let issued_on = day(&b.issued_on, "Ngày ban hành")?;
    let input = khienmang_store::movement::DocumentInput {
        unit,
        kind: b.kind,
        number: b.number,
        title: b.title,
        issued_on,
        year: b.year.unwrap_or_else(|| chrono::Datelike::year(&issued_on)),
        file: None,
    };
    input.fields().check()?;
    let rid = g.write(Target::Registry(unit), async |tx| Ok(tx.add_document(&input).await?)).await?;
    Ok((StatusCode::CREATED, Json(ApiDocument::from(&g.document(rid).await?))))
}

/// The fields of a plan or resolution to correct; those left out stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiDocumentPatch {
    #[serde(default)]
    unit_id: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    kind: Option<DocumentKind>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    issued_on: Option<String>,
    #[serde(default)]
    year: Option<i32>,
}

/// The unit a record moves to, checked as a registration there would be.
async fn moved_to(g: &Granted, from: UnitId, to: Option<i64>) -> WebResult<UnitId> {
    match to {
        Some(u) if u != from.0 => {
            let unit = unit_in_scope(g, &u.to_string()).await?;
            g.check(Target::Registry(unit)).await?;
            Ok(unit)
        }
        _ => Ok(from),
    }
}

/// Correct a plan or resolution; kept in its history and the audit log.
#[utoipa::path(patch, path = "/api/v1/documents/{id}", params(("id" = i64, Path,)), request_body = ApiDocumentPatch,
    responses((status = 200, body = ApiDocument), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn document_patch(
    m: MovementWrite,
    Path(rid): Path<i64>,
    body: Result<Json<ApiDocumentPatch>, JsonRejection>,
) -> WebResult<Json<ApiDocument>> {
    let g = &m.0;
    // The scope first: outside it, every request is the same 404.
    let d = g.document(rid).await?;
    let p = json_body(body)?;
    let f = d.fields();
    let checked = DocumentFields {
        kind: p.kind.unwrap_or(f.kind),
        number: p.number.unwrap_or(f.number),
        title: p.title.unwrap_or(f.title),
        issued_on: match p.issued_on {
            Some(s) => day(&s, "Ngày ban hành")?,
            None => f.issued_on,
        },
        year: p.year.unwrap_or(f.year),
    }
    .check()?;
    let unit = moved_to(g, d.unit_id, p.unit_id).await?;
    g.write(Target::Registry(d.unit_id), async |tx| Ok(tx.edit_document(&d, unit, &checked, None).await?)).await?;
    Ok(Json(ApiDocument::from(&g.document(rid).await?)))
}

/// Void a plan or resolution entered by mistake: it leaves the list and targets 2.1–2.2.
#[utoipa::path(post, path = "/api/v1/documents/{id}/void", params(("id" = i64, Path,)), request_body = ApiVoidInput,
    responses((status = 204), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn document_void(
    m: MovementWrite,
    Path(rid): Path<i64>,
    body: Result<Json<ApiVoidInput>, JsonRejection>,
) -> WebResult<StatusCode> {
    let d = m.0.document(rid).await?;
    let why = VoidReason::parse(&json_body(body)?.reason)?;
    m.0.write(Target::Registry(d.unit_id), async |tx| Ok(tx.void_document(rid, &why).await?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restore a voided plan or resolution (the secretariat).
#[utoipa::path(post, path = "/api/v1/documents/{id}/restore", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiDocument), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn document_restore(m: ProgrammeManage, Path(rid): Path<i64>) -> WebResult<Json<ApiDocument>> {
    let d = m.0.document(rid).await?;
    m.0.write(Target::Unit(d.unit_id), async |tx| Ok(tx.restore_document(rid).await?)).await?;
    Ok(Json(ApiDocument::from(&m.0.document(rid).await?)))
}

// ---- Village activities ----

/// An awareness activity held in a village (target 2.6).
#[derive(Serialize, ToSchema)]
pub struct ApiActivity {
    id: i64,
    village_id: i64,
    village_name: String,
    /// YYYY-MM-DD
    held_on: String,
    title: String,
    participants: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    voided: Option<ApiVoid>,
}

impl From<&ActivityEntry> for ApiActivity {
    fn from(a: &ActivityEntry) -> Self {
        ApiActivity {
            id: a.id,
            village_id: a.unit_id.0,
            village_name: a.unit_name.clone(),
            held_on: a.on.to_string(),
            title: a.title.clone(),
            participants: a.participants(),
            voided: a.voided.as_ref().map(ApiVoid::from),
        }
    }
}

/// A page of village activities.
#[derive(Serialize, ToSchema)]
pub struct ApiActivities {
    activities: Vec<ApiActivity>,
    total: usize,
    limit: usize,
    offset: usize,
}

/// The village activities in the caller's scope, newest first, paged (page
/// posts are at `/api/v1/posts`).
#[utoipa::path(get, path = "/api/v1/activities", params(ApiPageQuery),
    responses((status = 200, body = ApiActivities)), tag = "movement", security(("bearer" = [])))]
pub async fn activities_list(m: MovementRead, Query(q): Query<ApiPageQuery>) -> WebResult<Json<ApiActivities>> {
    let (limit, offset) = q.bounds();
    let found = m.0.home(today()).await?.activities(false).await?;
    Ok(Json(ApiActivities {
        total: found.len(),
        activities: found.iter().skip(offset).take(limit).map(ApiActivity::from).collect(),
        limit,
        offset,
    }))
}

/// One village activity.
#[utoipa::path(get, path = "/api/v1/activities/{id}", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiActivity), (status = 404)), tag = "movement", security(("bearer" = [])))]
pub async fn activity_get(m: MovementRead, Path(rid): Path<i64>) -> WebResult<Json<ApiActivity>> {
    Ok(Json(ApiActivity::from(&m.0.activity(rid, false).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiActivityInput {
    village_id: i64,
    /// YYYY-MM-DD
    held_on: String,
    title: String,
    #[serde(default)]
    participants: Option<i64>,
}

/// Register an awareness activity held in a village.
#[utoipa::path(post, path = "/api/v1/activities", request_body = ApiActivityInput,
    responses((status = 201, body = ApiActivity), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn activity_create(
    m: MovementWrite,
    body: Result<Json<ApiActivityInput>, JsonRejection>,
) -> WebResult<(StatusCode, Json<ApiActivity>)> {
    let g = &m.0;
    let b = json_body(body)?;
    let village = village_in_scope(g, &b.village_id.to_string()).await?;
    let a =
        ActivityFields { held_on: day(&b.held_on, "Ngày tổ chức")?, title: b.title, participants: b.participants }
            .check()?;
    let rid = g
        .write(Target::Registry(village), async |tx| {
            Ok(tx.add_village_activity(village, a.held_on, &a.title, a.participants).await?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(ApiActivity::from(&g.activity(rid, false).await?))))
}

/// The fields of a village activity to correct; `null` clears the head count.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiActivityPatch {
    #[serde(default)]
    village_id: Option<i64>,
    #[serde(default)]
    held_on: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, deserialize_with = "present_count")]
    #[schema(value_type = Option<i64>)]
    participants: Option<Option<i64>>,
}

/// A count given (possibly as `null`), as opposed to left out.
fn present_count<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

/// Correct a village activity; kept in its history and the audit log.
#[utoipa::path(patch, path = "/api/v1/activities/{id}", params(("id" = i64, Path,)), request_body = ApiActivityPatch,
    responses((status = 200, body = ApiActivity), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn activity_patch(
    m: MovementWrite,
    Path(rid): Path<i64>,
    body: Result<Json<ApiActivityPatch>, JsonRejection>,
) -> WebResult<Json<ApiActivity>> {
    let g = &m.0;
    let a = g.activity(rid, false).await?;
    let p = json_body(body)?;
    let checked = ActivityFields {
        held_on: match p.held_on {
            Some(s) => day(&s, "Ngày tổ chức")?,
            None => a.on,
        },
        title: p.title.unwrap_or_else(|| a.title.clone()),
        participants: p.participants.unwrap_or_else(|| a.participants()),
    }
    .check()?;
    let village = match p.village_id {
        Some(v) if v != a.unit_id.0 => {
            let village = village_in_scope(g, &v.to_string()).await?;
            g.check(Target::Registry(village)).await?;
            village
        }
        _ => a.unit_id,
    };
    g.write(Target::Registry(a.unit_id), async |tx| Ok(tx.edit_village_activity(&a, village, &checked).await?)).await?;
    Ok(Json(ApiActivity::from(&g.activity(rid, false).await?)))
}

/// Void a village activity entered by mistake: it leaves the list and target 2.6.
#[utoipa::path(post, path = "/api/v1/activities/{id}/void", params(("id" = i64, Path,)), request_body = ApiVoidInput,
    responses((status = 204), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn activity_void(
    m: MovementWrite,
    Path(rid): Path<i64>,
    body: Result<Json<ApiVoidInput>, JsonRejection>,
) -> WebResult<StatusCode> {
    let a = m.0.activity(rid, false).await?;
    let why = VoidReason::parse(&json_body(body)?.reason)?;
    m.0.write(Target::Registry(a.unit_id), async |tx| Ok(tx.void_village_activity(rid, &why).await?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restore a voided village activity (the secretariat).
#[utoipa::path(post, path = "/api/v1/activities/{id}/restore", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiActivity), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn activity_restore(m: ProgrammeManage, Path(rid): Path<i64>) -> WebResult<Json<ApiActivity>> {
    let a = m.0.activity(rid, false).await?;
    m.0.write(Target::Unit(a.unit_id), async |tx| Ok(tx.restore_village_activity(rid).await?)).await?;
    Ok(Json(ApiActivity::from(&m.0.activity(rid, false).await?)))
}

// ---- Page posts ----

/// A prevention post on a unit's official page (target 2.7).
#[derive(Serialize, ToSchema)]
pub struct ApiPost {
    id: i64,
    unit_id: i64,
    unit_name: String,
    /// YYYY-MM-DD
    posted_on: String,
    title: String,
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    voided: Option<ApiVoid>,
}

impl From<&ActivityEntry> for ApiPost {
    fn from(p: &ActivityEntry) -> Self {
        ApiPost {
            id: p.id,
            unit_id: p.unit_id.0,
            unit_name: p.unit_name.clone(),
            posted_on: p.on.to_string(),
            title: p.title.clone(),
            url: p.detail.clone(),
            voided: p.voided.as_ref().map(ApiVoid::from),
        }
    }
}

/// A page of page posts.
#[derive(Serialize, ToSchema)]
pub struct ApiPosts {
    posts: Vec<ApiPost>,
    total: usize,
    limit: usize,
    offset: usize,
}

/// The posts on official pages of units in the caller's scope, newest first, paged.
#[utoipa::path(get, path = "/api/v1/posts", params(ApiPageQuery),
    responses((status = 200, body = ApiPosts)), tag = "movement", security(("bearer" = [])))]
pub async fn posts_list(m: MovementRead, Query(q): Query<ApiPageQuery>) -> WebResult<Json<ApiPosts>> {
    let (limit, offset) = q.bounds();
    let found = m.0.home(today()).await?.activities(true).await?;
    Ok(Json(ApiPosts {
        total: found.len(),
        posts: found.iter().skip(offset).take(limit).map(ApiPost::from).collect(),
        limit,
        offset,
    }))
}

/// One page post.
#[utoipa::path(get, path = "/api/v1/posts/{id}", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiPost), (status = 404)), tag = "movement", security(("bearer" = [])))]
pub async fn post_get(m: MovementRead, Path(rid): Path<i64>) -> WebResult<Json<ApiPost>> {
    Ok(Json(ApiPost::from(&m.0.activity(rid, true).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiPostInput {
    unit_id: i64,
    /// YYYY-MM-DD
    posted_on: String,
    title: String,
    #[serde(default)]
    url: Option<String>,
}

fn link(url: Option<&str>) -> WebResult<Option<String>> {
    let url = HttpUrl::parse_optional(url.unwrap_or("")).map_err(|e| bad(&e.message_vi()))?;
    Ok(url.map(|u| u.as_str().to_string()))
}

/// Register a post on a unit's official page.
#[utoipa::path(post, path = "/api/v1/posts", request_body = ApiPostInput,
    responses((status = 201, body = ApiPost), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn post_create(
    m: MovementWrite,
    body: Result<Json<ApiPostInput>, JsonRejection>,
) -> WebResult<(StatusCode, Json<ApiPost>)> {
    let g = &m.0;
    let b = json_body(body)?;
    let unit = unit_in_scope(g, &b.unit_id.to_string()).await?;
    let p = PostFields { posted_on: day(&b.posted_on, "Ngày đăng")?, title: b.title, url: link(b.url.as_deref())? }
        .check()?;
    let rid = g
        .write(Target::Registry(unit), async |tx| {
            Ok(tx.add_page_post(unit, p.posted_on, &p.title, p.url.as_deref()).await?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(ApiPost::from(&g.activity(rid, true).await?))))
}

/// The fields of a post to correct; `null` clears the link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiPostPatch {
    #[serde(default)]
    unit_id: Option<i64>,
    #[serde(default)]
    posted_on: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    url: Option<Option<String>>,
}

/// Correct a page post; kept in its history and the audit log.
#[utoipa::path(patch, path = "/api/v1/posts/{id}", params(("id" = i64, Path,)), request_body = ApiPostPatch,
    responses((status = 200, body = ApiPost), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn post_patch(
    m: MovementWrite,
    Path(rid): Path<i64>,
    body: Result<Json<ApiPostPatch>, JsonRejection>,
) -> WebResult<Json<ApiPost>> {
    let g = &m.0;
    let cur = g.activity(rid, true).await?;
    let p = json_body(body)?;
    let checked = PostFields {
        posted_on: match p.posted_on {
            Some(s) => day(&s, "Ngày đăng")?,
            None => cur.on,
        },
        title: p.title.unwrap_or_else(|| cur.title.clone()),
        url: match p.url {
            Some(u) => link(u.as_deref())?,
            None => cur.detail.clone(),
        },
    }
    .check()?;
    let unit = moved_to(g, cur.unit_id, p.unit_id).await?;
    g.write(Target::Registry(cur.unit_id), async |tx| Ok(tx.edit_page_post(&cur, unit, &checked).await?)).await?;
    Ok(Json(ApiPost::from(&g.activity(rid, true).await?)))
}

/// Void a page post entered by mistake: it leaves the list and target 2.7.
#[utoipa::path(post, path = "/api/v1/posts/{id}/void", params(("id" = i64, Path,)), request_body = ApiVoidInput,
    responses((status = 204), (status = 404), (status = 422)), tag = "movement", security(("bearer" = [])))]
pub async fn post_void(
    m: MovementWrite,
    Path(rid): Path<i64>,
    body: Result<Json<ApiVoidInput>, JsonRejection>,
) -> WebResult<StatusCode> {
    let cur = m.0.activity(rid, true).await?;
    let why = VoidReason::parse(&json_body(body)?.reason)?;
    m.0.write(Target::Registry(cur.unit_id), async |tx| Ok(tx.void_page_post(rid, &why).await?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restore a voided page post (the secretariat).
#[utoipa::path(post, path = "/api/v1/posts/{id}/restore", params(("id" = i64, Path,)),
    responses((status = 200, body = ApiPost), (status = 403), (status = 404), (status = 422)), tag = "movement",
    security(("bearer" = [])))]
pub async fn post_restore(m: ProgrammeManage, Path(rid): Path<i64>) -> WebResult<Json<ApiPost>> {
    let cur = m.0.activity(rid, true).await?;
    m.0.write(Target::Unit(cur.unit_id), async |tx| Ok(tx.restore_page_post(rid).await?)).await?;
    Ok(Json(ApiPost::from(&m.0.activity(rid, true).await?)))
}

//! Correcting and voiding a plan or resolution, a village activity and a
//! page post from their pages (issue 18): the correction form pre-filled,
//! the void form with its required reason, the secretariat's restore, the
//! record's history. The checks are core's (the same as on entry); each
//! write goes through the scope-checked door and the store's shared
//! correction mechanism (history, audit, the targets patched per record).

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query};
use axum::response::{Html, Response};
use khienmang_core::Date;
use khienmang_core::link::HttpUrl;
use khienmang_core::movement::{ActivityFields, DocumentFields, DocumentKind, PostFields, RecordKind, VoidReason};
use khienmang_core::org::{Level, UnitId};
use khienmang_store::movement::{ActivityEntry, DocumentEntry};
use serde::Deserialize;

use super::documents::check_attachment;
use super::record_page::{FieldView, Input, RecordView, record_page};
use super::{
    bad, parse_count, read_upload, required_day, required_year, scope_units, see_other, unit_in_scope, unit_options,
    village_in_scope, year_options,
};
use crate::access::{Granted, Identity, MovementWrite, ProgrammeManage, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::kit::form::{Fields, FormError, Opt, refused};
use crate::page::Page;

/// `?saved=1` after a correction was saved.
#[derive(Deserialize, Default)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

impl Saved {
    pub fn shown(&self) -> bool {
        self.saved.is_some()
    }
}

/// Which registry a record is in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Registry {
    Document,
    Activity,
    Post,
}

impl Registry {
    fn base(self, id: i64) -> String {
        match self {
            Registry::Document => format!("/movement/documents/{id}"),
            Registry::Activity => format!("/movement/activities/{id}"),
            Registry::Post => format!("/movement/posts/{id}"),
        }
    }

    /// Where the record is listed (after a void, with the notice).
    fn list(self) -> &'static str {
        match self {
            Registry::Document => "/movement/documents?voided=1",
            Registry::Activity => "/movement/activities?voided=1#village-activities",
            Registry::Post => "/movement/activities?voided=1#page-posts",
        }
    }

    fn kind(self) -> RecordKind {
        match self {
            Registry::Document => RecordKind::Document,
            Registry::Activity => RecordKind::Activity,
            Registry::Post => RecordKind::Post,
        }
    }
}

/// A record loaded through the session's scope.
enum Loaded {
    Document(DocumentEntry),
    Activity(ActivityEntry),
    Post(ActivityEntry),
}

impl Loaded {
    async fn of(g: &Granted, registry: Registry, id: i64) -> WebResult<Loaded> {
        Ok(match registry {
            Registry::Document => Loaded::Document(g.document(id).await?),
            Registry::Activity => Loaded::Activity(g.activity(id, false).await?),
            Registry::Post => Loaded::Post(g.activity(id, true).await?),
        })
    }

    fn registry(&self) -> Registry {
        match self {
            Loaded::Document(_) => Registry::Document,
            Loaded::Activity(_) => Registry::Activity,
            Loaded::Post(_) => Registry::Post,
        }
    }

    fn id(&self) -> i64 {
        match self {
            Loaded::Document(d) => d.id,
            Loaded::Activity(a) | Loaded::Post(a) => a.id,
        }
    }

    fn unit(&self) -> UnitId {
        match self {
            Loaded::Document(d) => d.unit_id,
            Loaded::Activity(a) | Loaded::Post(a) => a.unit_id,
        }
    }

    fn is_voided(&self) -> bool {
        match self {
            Loaded::Document(d) => d.voided.is_some(),
            Loaded::Activity(a) | Loaded::Post(a) => a.voided.is_some(),
        }
    }
}

/// The value shown in a field: what was typed after a refusal, else the record's.
fn shown(entered: &Fields, name: &str, current: String) -> String {
    if entered.0.is_empty() { current } else { entered.get(name).to_string() }
}

/// The record's page as it stands, its fields showing `entered` when given.
async fn view(g: &Granted, r: &Loaded, entered: &Fields) -> WebResult<RecordView> {
    let registry = r.registry();
    let units = if r.is_voided() { Vec::new() } else { scope_units(g).await? };
    let day = |d: Date| d.to_string();
    let (heading, name, back_label, multipart, fields) = match r {
        Loaded::Document(d) => {
            let kinds = [DocumentKind::Plan, DocumentKind::Resolution]
                .iter()
                .map(|k| Opt::new(k.as_str(), k.label_vi(), &shown(entered, "kind", d.kind.as_str().into())))
                .collect();
            let year = shown(entered, "year", d.year.to_string()).parse().unwrap_or(d.year);
            let fields = vec![
                FieldView::pick(
                    "unit",
                    "movement.unit",
                    unit_options(&units, None, &shown(entered, "unit", d.unit_id.0.to_string())),
                ),
                FieldView::pick("kind", "movement.kind", kinds),
                FieldView::typed("number", "movement.number", Input::Text, d.number.clone(), entered),
                FieldView::typed("title", "movement.doc_title", Input::Text, d.title.clone(), entered),
                FieldView::typed("issued_on", "movement.issued_on", Input::Date, day(d.issued_on), entered),
                FieldView::pick("year", "movement.plan_year", year_options(year)),
                FieldView {
                    name: "file",
                    label: "movement.attachment",
                    input: Input::File,
                    value: d.file_name.clone().unwrap_or_default(),
                    options: Vec::new(),
                    required: false,
                },
            ];
            ("rec.document_edit", format!("{} · {}", d.number, d.title), "movement.documents", true, fields)
        }
        Loaded::Activity(a) => {
            let current = shown(entered, "village", a.unit_id.0.to_string());
            let fields = vec![
                FieldView::pick("village", "movement.village", unit_options(&units, Some(Level::Village), &current)),
                FieldView::typed("held_on", "movement.held_on", Input::Date, day(a.on), entered),
                FieldView::typed("title", "movement.activity_title", Input::Text, a.title.clone(), entered),
                FieldView::typed(
                    "participants",
                    "movement.participants_count",
                    Input::Numeric,
                    a.participants().map(|p| p.to_string()).unwrap_or_default(),
                    entered,
                ),
            ];
            ("rec.activity_edit", format!("{} · {}", a.unit_name, a.title), "movement.activities", false, fields)
        }
        Loaded::Post(p) => {
            let fields = vec![
                FieldView::pick(
                    "unit",
                    "movement.unit",
                    unit_options(&units, None, &shown(entered, "unit", p.unit_id.0.to_string())),
                ),
                FieldView::typed("posted_on", "movement.posted_on", Input::Date, day(p.on), entered),
                FieldView::typed("post_title", "movement.post_title", Input::Text, p.title.clone(), entered),
                FieldView::typed("url", "movement.link", Input::Text, p.detail.clone().unwrap_or_default(), entered)
                    .optional(),
            ];
            ("rec.post_edit", format!("{} · {}", p.unit_name, p.title), "movement.activities", false, fields)
        }
    };
    let voided = match r {
        Loaded::Document(d) => d.voided.clone(),
        Loaded::Activity(a) | Loaded::Post(a) => a.voided.clone(),
    };
    let history = g.history_of(registry.kind(), r.id(), r.unit()).await?;
    Ok(RecordView {
        nav: "movement",
        heading,
        name,
        back: registry.list().replace("?voided=1", ""),
        back_label,
        base: registry.base(r.id()),
        multipart,
        fields,
        voided,
        kind: registry.kind(),
        names: g.history_names(history.iter()).await?,
        history,
    })
}

/// A refused change shown on the record's page, beside the form it came from.
async fn refused_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    r: &Loaded,
    section: &'static str,
    e: WebError,
    entered: Fields,
) -> WebResult<Response> {
    let error = FormError::of(section, e)?;
    let form_values = if section == "edit" { entered.clone() } else { Fields::default() };
    let page = record_page(lang, id, view(g, r, &form_values).await?, g.may_restore(), false, Some(error), entered)?;
    Ok(refused(page))
}

/// `GET /movement/{documents,activities,posts}/{id}/edit`: the record's page,
/// for whom may correct it (a voided one: the secretariat, to restore it).
async fn edit_page(
    Page { lang, id }: Page,
    g: &Granted,
    registry: Registry,
    rid: i64,
    saved: Saved,
) -> WebResult<Html<String>> {
    let r = Loaded::of(g, registry, rid).await?;
    if !r.is_voided() {
        // Only whom may send the form sees it: an initiative leader, or a
        // unit readable only for its history, is refused here already.
        g.check(Target::Registry(r.unit())).await?;
    }
    record_page(
        lang,
        id.as_ref(),
        view(g, &r, &Fields::default()).await?,
        g.may_restore(),
        saved.shown(),
        None,
        Fields::default(),
    )
}

pub async fn document_edit_form(
    page: Page,
    m: MovementWrite,
    Path(rid): Path<i64>,
    Query(q): Query<Saved>,
) -> WebResult<Html<String>> {
    edit_page(page, &m.0, Registry::Document, rid, q).await
}

pub async fn activity_edit_form(
    page: Page,
    m: MovementWrite,
    Path(rid): Path<i64>,
    Query(q): Query<Saved>,
) -> WebResult<Html<String>> {
    edit_page(page, &m.0, Registry::Activity, rid, q).await
}

pub async fn post_edit_form(
    page: Page,
    m: MovementWrite,
    Path(rid): Path<i64>,
    Query(q): Query<Saved>,
) -> WebResult<Html<String>> {
    edit_page(page, &m.0, Registry::Post, rid, q).await
}

/// Checks that a record may move to `unit`: in the scope today, as for
/// registering it there.
async fn moving_to(g: &Granted, from: UnitId, to: UnitId) -> WebResult<()> {
    if to != from {
        g.check(Target::Registry(to)).await?;
    }
    Ok(())
}

/// `POST /movement/documents/{id}/edit` (multipart: the file may be replaced).
pub async fn document_edit_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(rid): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> WebResult<Response> {
    let g = &m.0;
    let r = Loaded::of(g, Registry::Document, rid).await?;
    let Loaded::Document(d) = &r else { return Err(WebError::NotFound) };
    let mut entered = Fields::default();
    let result = async {
        let upload = read_upload(form).await?;
        entered = Fields(upload.fields.0.clone());
        let f = &upload.fields;
        let unit = unit_in_scope(g, f.get("unit")).await?;
        let kind = DocumentKind::parse(f.get("kind")).ok_or_else(|| bad("Hãy chọn loại văn bản."))?;
        let checked = DocumentFields {
            kind,
            number: f.get("number").to_string(),
            title: f.get("title").to_string(),
            issued_on: required_day(f.get("issued_on"), "ngày ban hành")?,
            year: required_year(f.get("year"), "năm của kế hoạch")?,
        }
        .check()?;
        let file = if upload.file.is_empty() && upload.file_name.is_empty() {
            None
        } else {
            let content_type = check_attachment(&upload.file_name, &upload.file)?;
            Some((upload.file_name.clone(), content_type.to_string(), upload.file))
        };
        moving_to(g, d.unit_id, unit).await?;
        g.write(Target::Registry(d.unit_id), async |tx| Ok(tx.edit_document(d, unit, &checked, file.as_ref()).await?))
            .await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(format!("{}/edit?saved=1", Registry::Document.base(rid)))),
        Err(e) => refused_page(lang, id.as_ref(), g, &r, "edit", e, entered).await,
    }
}

/// `POST /movement/activities/{id}/edit`.
pub async fn activity_edit_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let r = Loaded::of(g, Registry::Activity, rid).await?;
    let Loaded::Activity(a) = &r else { return Err(WebError::NotFound) };
    let result = async {
        let village = village_in_scope(g, fields.get("village")).await?;
        let checked = ActivityFields {
            held_on: required_day(fields.get("held_on"), "ngày tổ chức")?,
            title: fields.get("title").to_string(),
            participants: parse_count(fields.get("participants"), "Số người tham dự")?,
        }
        .check()?;
        moving_to(g, a.unit_id, village).await?;
        g.write(Target::Registry(a.unit_id), async |tx| Ok(tx.edit_village_activity(a, village, &checked).await?)).await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(format!("{}/edit?saved=1", Registry::Activity.base(rid)))),
        Err(e) => refused_page(lang, id.as_ref(), g, &r, "edit", e, fields).await,
    }
}

/// `POST /movement/posts/{id}/edit`.
pub async fn post_edit_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let r = Loaded::of(g, Registry::Post, rid).await?;
    let Loaded::Post(p) = &r else { return Err(WebError::NotFound) };
    let result = async {
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        let url = HttpUrl::parse_optional(fields.get("url")).map_err(|e| bad(&e.message_vi()))?;
        let checked = PostFields {
            posted_on: required_day(fields.get("posted_on"), "ngày đăng")?,
            title: fields.get("post_title").to_string(),
            url: url.as_ref().map(|u| u.as_str().to_string()),
        }
        .check()?;
        moving_to(g, p.unit_id, unit).await?;
        g.write(Target::Registry(p.unit_id), async |tx| Ok(tx.edit_page_post(p, unit, &checked).await?)).await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(format!("{}/edit?saved=1", Registry::Post.base(rid)))),
        Err(e) => refused_page(lang, id.as_ref(), g, &r, "edit", e, fields).await,
    }
}

/// Voids a record entered by mistake; back to its list.
async fn void(page: Page, g: &Granted, registry: Registry, rid: i64, fields: Fields) -> WebResult<Response> {
    let Page { lang, id } = page;
    let r = Loaded::of(g, registry, rid).await?;
    let result = async {
        let why = VoidReason::parse(fields.get("reason"))?;
        g.write(Target::Registry(r.unit()), async |tx| {
            match registry {
                Registry::Document => tx.void_document(rid, &why).await?,
                Registry::Activity => tx.void_village_activity(rid, &why).await?,
                Registry::Post => tx.void_page_post(rid, &why).await?,
            }
            Ok(())
        })
        .await
    }
    .await;
    match result {
        Ok(()) => Ok(see_other(registry.list().to_string())),
        Err(e) => refused_page(lang, id.as_ref(), g, &r, "void", e, fields).await,
    }
}

pub async fn document_void_submit(
    page: Page,
    m: MovementWrite,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    void(page, &m.0, Registry::Document, rid, fields).await
}

pub async fn activity_void_submit(
    page: Page,
    m: MovementWrite,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    void(page, &m.0, Registry::Activity, rid, fields).await
}

pub async fn post_void_submit(
    page: Page,
    m: MovementWrite,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    void(page, &m.0, Registry::Post, rid, fields).await
}

/// The secretariat restores a voided record; back to its page.
async fn restore(page: Page, g: &Granted, registry: Registry, rid: i64, fields: Fields) -> WebResult<Response> {
    let Page { lang, id } = page;
    let r = Loaded::of(g, registry, rid).await?;
    let result = g
        .write(Target::Unit(r.unit()), async |tx| {
            match registry {
                Registry::Document => tx.restore_document(rid).await?,
                Registry::Activity => tx.restore_village_activity(rid).await?,
                Registry::Post => tx.restore_page_post(rid).await?,
            }
            Ok(())
        })
        .await;
    match result {
        Ok(()) => Ok(see_other(format!("{}/edit?saved=1", registry.base(rid)))),
        Err(e) => refused_page(lang, id.as_ref(), g, &r, "restore", e, fields).await,
    }
}

pub async fn document_restore_submit(
    page: Page,
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    restore(page, &m.0, Registry::Document, rid, fields).await
}

pub async fn activity_restore_submit(
    page: Page,
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    restore(page, &m.0, Registry::Activity, rid, fields).await
}

pub async fn post_restore_submit(
    page: Page,
    m: ProgrammeManage,
    Path(rid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    restore(page, &m.0, Registry::Post, rid, fields).await
}

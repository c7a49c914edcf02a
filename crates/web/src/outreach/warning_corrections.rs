//! Correcting and voiding a published warning (issue 18): the secretariat's
//! page with the correction form pre-filled (the slug, so every shared link,
//! stays), the void form with its required reason (for a warning entered by
//! mistake; withdrawing an outdated one stays its own button), the
//! secretariat's restore, and the warning's change history. Each write goes
//! through the store's shared correction mechanism (history, audit).

use askama::Template;
use axum::extract::Path;
use axum::response::{Html, Response};
use khienmang_core::movement::{RecordKind, VoidReason};
use khienmang_core::outreach::warnings::MAX_TITLE_CHARS;
use khienmang_core::reports::Category;
use khienmang_store::outreach::warnings::{StaffWarning, WarningInput};

use crate::access::{Granted, Identity, OutreachManage, ProgrammeManage, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused, see_other};
use crate::kit::history::ChangeRow;
use crate::page::{Chrome, Page, render};
use crate::reports::local_time;

/// The longest slug read from an address (a slug is at most 100 characters).
const MAX_SLUG_BYTES: usize = 120;
/// The longest body read (a warning is a notice, not a book).
const MAX_BODY_CHARS: usize = 20_000;

#[derive(Template)]
#[template(path = "outreach/warning_edit.html")]
struct EditPage {
    chrome: Chrome,
    slug: String,
    title: String,
    /// Citizens can open its page (neither voided nor withdrawn).
    shown: bool,
    withdrawn: bool,
    voided: Option<String>,
    may_restore: bool,
    saved: bool,
    draft_title: String,
    draft_summary: String,
    draft_body: String,
    categories: Vec<Opt>,
    changes: Vec<ChangeRow>,
    form: Refusal,
}

fn bounded_slug(slug: &str) -> WebResult<&str> {
    if slug.len() > MAX_SLUG_BYTES { Err(WebError::NotFound) } else { Ok(slug) }
}

async fn edit_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    w: &StaffWarning,
    entered: Option<Fields>,
    error: Option<FormError>,
    saved: bool,
) -> WebResult<Html<String>> {
    let history = g.record_history(RecordKind::Warning, w.warning.id).await?.into_iter().rev().collect();
    let changes = g.history_of_kind(Tr { lang: lang.0 }, RecordKind::Warning, history).await?;
    let typed = entered.as_ref();
    let pick = |name: &str, current: &str| typed.map_or_else(|| current.to_string(), |f| f.get(name).to_string());
    let category = pick("category", w.warning.category.as_str());
    let may_restore = id.is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::ProgrammeManage));
    render(&EditPage {
        chrome: Chrome::new(lang, id, "warnings"),
        slug: w.warning.slug.clone(),
        title: w.warning.title.clone(),
        shown: !w.withdrawn && w.voided.is_none(),
        withdrawn: w.withdrawn,
        voided: w.voided.as_ref().map(|v| format!("{} · {} · {}", local_time(&v.at), v.by, v.reason)),
        may_restore,
        saved,
        draft_title: pick("title", &w.warning.title),
        draft_summary: pick("summary", &w.warning.summary),
        draft_body: pick("body", &w.warning.body),
        categories: Category::ALL
            .iter()
            .map(|c| Opt::new(c.as_str(), Tr { lang: lang.0 }.label(c), &category))
            .collect(),
        changes,
        form: Refusal { error, entered: entered.unwrap_or_default() },
    })
}

#[derive(serde::Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /warnings/{slug}/edit`: the correction and void forms, and the history.
pub async fn edit_form(
    Page { lang, id }: Page,
    m: OutreachManage,
    Path(slug): Path<String>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> WebResult<Html<String>> {
    let w = m.staff_warning(bounded_slug(&slug)?).await?;
    edit_page(lang, id.as_ref(), &m.0, &w, None, None, q.saved.is_some()).await
}

/// The corrected fields, bounded before they are checked by core.
fn input_of(fields: &Fields, w: &StaffWarning) -> WebResult<WarningInput> {
    let category = Category::parse(fields.get("category"))
        .ok_or_else(|| WebError::BadRequest("Hãy chọn loại cảnh báo.".into()))?;
    let title = fields.get("title");
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(WebError::BadRequest(format!("Tiêu đề dài tối đa {MAX_TITLE_CHARS} ký tự.")));
    }
    if fields.get("body").chars().count() > MAX_BODY_CHARS {
        return Err(WebError::BadRequest(format!("Nội dung dài tối đa {MAX_BODY_CHARS} ký tự.")));
    }
    Ok(WarningInput {
        title: title.to_string(),
        summary: fields.get("summary").to_string(),
        body: fields.get("body").to_string(),
        category,
        published_at: w.warning.published_at,
    })
}

/// What follows a change: back to the page with the confirmation, or the
/// page again with what was typed and the reason beside the form.
async fn after(
    (lang, id): (RequestLang, Option<Identity>),
    g: &Granted,
    w: &StaffWarning,
    section: &'static str,
    fields: Fields,
    result: WebResult<()>,
) -> WebResult<Response> {
    match result {
        Ok(()) => Ok(see_other(format!("/warnings/{}/edit?saved=1", w.warning.slug))),
        Err(e) => {
            let error = FormError::of(section, e)?;
            let current = g.staff_warning(&w.warning.slug).await?;
            Ok(refused(edit_page(lang, id.as_ref(), g, &current, Some(fields), Some(error), false).await?))
        }
    }
}

/// `POST /warnings/{slug}/edit`: saves the correction (the changed fields go
/// to the history); the page and the feeds show the warning updated.
pub async fn edit_submit(
    Page { lang, id }: Page,
    m: OutreachManage,
    Path(slug): Path<String>,
    fields: Fields,
) -> WebResult<Response> {
    let w = m.staff_warning(bounded_slug(&slug)?).await?;
    let result = async {
        if w.voided.is_some() {
            return Err(WebError::BadRequest("Cảnh báo này đã bị hủy: hãy khôi phục trước khi sửa.".into()));
        }
        let input = input_of(&fields, &w)?;
        m.write(Target::Programme, async |tx| Ok(tx.edit_warning(&w.warning, &input).await.map(|_| ())?)).await
    }
    .await;
    after((lang, id), &m.0, &w, "edit", fields, result).await
}

/// `POST /warnings/{slug}/void`: voids a warning entered by mistake, with a
/// reason; it leaves the page and the feeds at once.
pub async fn void_submit(
    Page { lang, id }: Page,
    m: OutreachManage,
    Path(slug): Path<String>,
    fields: Fields,
) -> WebResult<Response> {
    let w = m.staff_warning(bounded_slug(&slug)?).await?;
    let result = async {
        let why = VoidReason::parse(fields.get("reason"))?;
        m.write(Target::Programme, async |tx| Ok(tx.void_warning(w.warning.id, &why).await?)).await
    }
    .await;
    after((lang, id), &m.0, &w, "void", fields, result).await
}

/// `POST /warnings/{slug}/restore`: the secretariat restores a voided warning.
pub async fn restore_submit(
    Page { lang, id }: Page,
    m: ProgrammeManage,
    Path(slug): Path<String>,
    fields: Fields,
) -> WebResult<Response> {
    let w = m.staff_warning(bounded_slug(&slug)?).await?;
    let result = m.write(Target::Programme, async |tx| Ok(tx.restore_warning(w.warning.id).await?)).await;
    after((lang, id), &m.0, &w, "restore", fields, result).await
}

//! The official list, kept by the secretariat: the domains, hotlines and
//! accounts of banks and public services that the check answers "official"
//! for and measures look-alikes against, each with its source. An entry is
//! added, corrected or voided (with a reason) from these pages; every
//! replica checks against the change within its poll interval.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use khienmang_core::audit::AuditEntry;
use khienmang_core::scamcheck::{BANKS, OfficialEntry, OfficialKind};
use khienmang_core::text::fold;
use khienmang_store::scamcheck::{OfficialRow, checked_source};
use serde::Deserialize;

use crate::access::ProgrammeManage;
use crate::error::{WebError, WebResult};
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused};
use crate::page::{Chrome, Page, render};
use crate::reports::local_time;

/// The page's section for the navigation.
const NAV: &str = "scamcheck";

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: String,
}

#[derive(Template)]
#[template(path = "scamcheck/official.html")]
struct ListPage {
    chrome: Chrome,
    q: String,
    done: String,
    entries: Vec<OfficialRow>,
    kinds: Vec<Opt>,
    banks: Vec<Opt>,
    form: Refusal,
}

impl ListPage {
    fn when(&self, stamp: &str) -> String {
        local_time(stamp)
    }
}

fn kind_options(chosen: &str) -> Vec<Opt> {
    OfficialKind::ALL.iter().map(|k| Opt::new(k.as_str(), k.label_vi(), chosen)).collect()
}

fn bank_options(chosen: &str) -> Vec<Opt> {
    let none = Opt::new("", "—", chosen);
    std::iter::once(none).chain(BANKS.iter().map(|b| Opt::new(b.bin, b.short_name, chosen))).collect()
}

/// The entries whose value or owner contains the search, diacritics ignored.
fn matching(entries: Vec<OfficialRow>, q: &str) -> Vec<OfficialRow> {
    let q = fold(q.trim());
    if q.is_empty() {
        return entries;
    }
    entries.into_iter().filter(|e| fold(&e.value).contains(&q) || fold(&e.owner).contains(&q)).collect()
}

async fn list_page(
    chrome: Chrome,
    m: &ProgrammeManage,
    query: ListQuery,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let entries = matching(m.official_entries().await?, &query.q);
    render(&ListPage {
        chrome,
        q: query.q,
        done: query.done,
        entries,
        kinds: kind_options(entered.get("kind")),
        banks: bank_options(entered.get("bank")),
        form: Refusal { error, entered },
    })
}

/// `GET /scamcheck/official`: the list, searchable, and the form of a new entry.
pub async fn page(m: ProgrammeManage, Page { lang, id }: Page, Query(q): Query<ListQuery>) -> WebResult<Html<String>> {
    list_page(Chrome::new(lang, id.as_ref(), NAV), &m, q, None, Fields::default()).await
}

/// What the form typed, checked: the entry and its source, or the refusal
/// beside the field it concerns.
fn checked(fields: &Fields) -> Result<(OfficialEntry, String), FormError> {
    let kind = OfficialKind::parse(fields.get("kind"))
        .ok_or_else(|| FormError { section: "kind", message: "Hãy chọn loại.".into() })?;
    let entry = OfficialEntry::check(kind, fields.get("value"), fields.get("bank"), fields.get("owner"))
        .map_err(|e| FormError { section: e.field(), message: e.message_vi() })?;
    let source =
        checked_source(fields.get("source")).map_err(|m| FormError { section: "source", message: m.into() })?;
    Ok((entry, source))
}

/// `POST /scamcheck/official`: adds an entry.
pub async fn add(m: ProgrammeManage, Page { lang, id }: Page, fields: Fields) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), NAV);
    let added = match checked(&fields) {
        Ok((entry, source)) => m.add_official(&entry, &source).await.map_err(|e| FormError::of("value", e)),
        Err(e) => Err(Ok(e)),
    };
    match added {
        Ok(new_id) => Ok(Redirect::to(&format!("/scamcheck/official?done=added#official-{new_id}")).into_response()),
        Err(e) => Ok(refused(list_page(chrome, &m, ListQuery::default(), Some(e?), fields).await?)),
    }
}

#[derive(Template)]
#[template(path = "scamcheck/official_entry.html")]
struct EntryPage {
    chrome: Chrome,
    entry: OfficialRow,
    history: Vec<AuditEntry>,
    kinds: Vec<Opt>,
    banks: Vec<Opt>,
    form: Refusal,
}

impl EntryPage {
    fn when(&self, stamp: &str) -> String {
        local_time(stamp)
    }

    /// The value as typed back into the form: an account's number without its BIN.
    fn typed_value(&self) -> &str {
        match self.form.entered("value") {
            "" if !self.form.entered.has("value") => self.entry.value.rsplit(':').next().unwrap_or_default(),
            typed => typed,
        }
    }

    /// The field's value: what was typed when the form was refused, else the entry's.
    fn field<'a>(&'a self, name: &str, current: &'a str) -> &'a str {
        if self.form.entered.has(name) { self.form.entered(name) } else { current }
    }
}

async fn entry_page(
    chrome: Chrome,
    m: &ProgrammeManage,
    entry_id: i64,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let (entry, history) = m.official_entry(entry_id).await?;
    let kind = if entered.has("kind") { entered.get("kind").to_owned() } else { entry.kind.as_str().to_owned() };
    let bin = entry.value.split_once(':').map(|(bin, _)| bin).unwrap_or_default().to_owned();
    let bank = if entered.has("bank") { entered.get("bank").to_owned() } else { bin };
    render(&EntryPage {
        chrome,
        entry,
        history,
        kinds: kind_options(&kind),
        banks: bank_options(&bank),
        form: Refusal { error, entered },
    })
}

/// `GET /scamcheck/official/{id}`: an entry, its correction and void forms, its history.
pub async fn entry(m: ProgrammeManage, Page { lang, id }: Page, Path(entry_id): Path<i64>) -> WebResult<Html<String>> {
    entry_page(Chrome::new(lang, id.as_ref(), NAV), &m, entry_id, None, Fields::default()).await
}

/// `POST /scamcheck/official/{id}`: corrects an entry.
pub async fn edit(
    m: ProgrammeManage,
    Page { lang, id }: Page,
    Path(entry_id): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), NAV);
    let edited = match checked(&fields) {
        Ok((entry, source)) => m.edit_official(entry_id, &entry, &source).await.map_err(|e| FormError::of("value", e)),
        Err(e) => Err(Ok(e)),
    };
    match edited {
        Ok(()) => Ok(Redirect::to(&format!("/scamcheck/official?done=edited#official-{entry_id}")).into_response()),
        Err(e) => Ok(refused(entry_page(chrome, &m, entry_id, Some(e?), fields).await?)),
    }
}

/// `POST /scamcheck/official/{id}/void`: voids an entry added by mistake.
pub async fn void(
    m: ProgrammeManage,
    Page { lang, id }: Page,
    Path(entry_id): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), NAV);
    let reason = fields.get("reason").trim();
    let voided = if reason.is_empty() || reason.chars().count() > 500 {
        Err(WebError::BadRequest("Hãy ghi lý do hủy (tối đa 500 ký tự).".into()))
    } else {
        m.void_official(entry_id, reason).await
    };
    match voided {
        Ok(()) => Ok(Redirect::to("/scamcheck/official?done=voided").into_response()),
        Err(e) => {
            let error = FormError::of("reason", e)?;
            Ok(refused(entry_page(chrome, &m, entry_id, Some(error), fields).await?))
        }
    }
}

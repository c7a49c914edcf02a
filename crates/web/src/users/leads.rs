//! An initiative leader's account and the initiatives it leads, from the
//! account's page: the initiatives linked, a searchable list (diacritics
//! ignored) of those it may be given (within its unit and the
//! administrator's subtree), and the forms to link and unlink. The same
//! store call as the initiative's own page; the checks are the access
//! layer's ([`UserAdmin::set_leads`]).

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use khienmang_core::auth::Role;
use khienmang_store::auth::User;

use super::{account_page, after_change};
use crate::access::UserAdmin;
use crate::error::{WebError, WebResult};
use crate::kit::form::{Fields, Opt};
use crate::page::{Chrome, Page};

/// Initiatives offered by the picker at once; a search narrows them.
const PICKER_SIZE: usize = 60;

/// The account page's section on the initiatives an account leads.
pub struct Leads {
    /// (id, "name · unit") of the initiatives linked.
    pub linked: Vec<(i64, String)>,
    /// The initiatives it may be given, matching the search.
    pub offered: Vec<Opt>,
}

/// The section for an initiative leader's account; none for other roles.
pub async fn leads_of(admin: &UserAdmin, u: &User, entered: &Fields) -> WebResult<Option<Leads>> {
    if u.role != Role::InitiativeLeader {
        return Ok(None);
    }
    let linked =
        admin.led_initiatives(u).await?.into_iter().map(|i| (i.id, format!("{} · {}", i.name, i.unit_name))).collect();
    let chosen = entered.get("initiative");
    let offered = admin
        .leadable_initiatives(u, entered.get("ini_q"), PICKER_SIZE)
        .await?
        .into_iter()
        .map(|i| Opt::new(i.id.to_string(), format!("{} · {}", i.name, i.unit_name), chosen))
        .collect();
    Ok(Some(Leads { linked, offered }))
}

/// The initiative picked in the form, parsed bounded; the access layer
/// checks it was one that may be offered.
fn picked(fields: &Fields) -> WebResult<i64> {
    let raw = fields.get("initiative");
    let refuse = || WebError::BadRequest("Hãy chọn mô hình trong danh sách.".into());
    if raw.is_empty() || raw.len() > 20 {
        return Err(refuse());
    }
    raw.parse().map_err(|_| refuse())
}

/// `POST /users/{id}/initiatives`: links the initiative picked (or, with
/// the "Tìm" button, the page again with the initiatives the search found).
pub async fn link_submit(
    Page { lang, id }: Page,
    admin: UserAdmin,
    Path(account): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "users");
    if fields.has("find_initiative") {
        let u = admin.view_account(account).await?;
        return Ok(account_page(chrome, &admin, &u, "", None, fields).await?.into_response());
    }
    let outcome = async { admin.set_leads(account, picked(&fields)?, true).await }.await;
    after_change(chrome, &admin, account, "leads", "lead_link", outcome, fields).await
}

/// `POST /users/{id}/initiatives/remove`: unlinks an initiative linked to the account.
pub async fn unlink_submit(
    Page { lang, id }: Page,
    admin: UserAdmin,
    Path(account): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "users");
    let outcome = async { admin.set_leads(account, picked(&fields)?, false).await }.await;
    after_change(chrome, &admin, account, "leads", "lead_unlink", outcome, fields).await
}

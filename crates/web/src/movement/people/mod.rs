//! People registries (SPEC M3): people with a role (staff, key officials,
//! initiative leaders and admins, outreach officers) and their yearly
//! knowledge updates in [`persons`]; training sessions and who attended in
//! [`trainings`], the attendees picked from a searchable, paged list; trusted
//! voices, their dated consent and the years they were enlisted in
//! [`voices`]; the JSON API in [`api`] and [`api_records`]. Each list is
//! searched and paged in the database. Each record has its page: what it
//! holds, its correction form pre-filled, the void form with its required
//! reason, its history, and the secretariat's restore. Lists of names are
//! personal data: each view is audited before it is shown.

pub mod api;
pub mod api_records;
pub mod persons;
pub mod trainings;
pub mod voices;

pub use api::*;
pub use api_records::*;
pub use persons::*;
pub use trainings::*;
pub use voices::*;

use khienmang_core::auth::Role;
use khienmang_core::movement::{RecordKind, VoidReason};
use khienmang_core::org::UnitId;
use khienmang_store::movement::Voided;
use serde::Deserialize;

use super::{bad, can_write, unit_in_scope};
use crate::access::{Granted, Identity};
use crate::error::WebResult;
use crate::i18n::{Tr, number_vi};
use crate::kit::form::Fields;
use crate::reports::local_time;

/// Rows on a page of a list.
pub const PAGE_SIZE: i64 = 50;
/// The longest search read (characters); the rest is ignored.
const MAX_QUERY_CHARS: usize = 100;
/// The longest id a form or an address sends (a record picked on the page).
const MAX_ID_CHARS: usize = 20;

/// Whether the session may correct the people registries: a registry
/// writer that is not an initiative leader (who changes only its initiatives).
pub fn can_correct(id: Option<&Identity>) -> bool {
    can_write(id) && id.is_some_and(|i| i.user.role != Role::InitiativeLeader)
}

/// A list's filters as the address gives them; every one read bounded and
/// leniently (a malformed value is no filter, never an error page).
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
    /// `1`: the voided records (the secretariat's view, to restore one).
    #[serde(default)]
    pub voided: Option<String>,
    /// Set by the redirect after a void, to confirm it.
    #[serde(default)]
    pub done: Option<String>,
}

impl ListQuery {
    /// The search, trimmed and bounded.
    pub fn query(&self) -> Option<String> {
        bounded_query(self.q.as_deref().unwrap_or(""))
    }

    /// The page asked for, from 1.
    pub fn page(&self) -> i64 {
        self.page.as_deref().and_then(|p| p.trim().parse::<i64>().ok()).unwrap_or(1).clamp(1, 1_000_000)
    }

    pub fn voided(&self) -> bool {
        self.voided.as_deref() == Some("1")
    }

    /// The unit filter, checked to be in the scope (404 outside, as if absent).
    pub async fn unit(&self, g: &Granted) -> WebResult<Option<UnitId>> {
        match self.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) if u.len() <= MAX_ID_CHARS => Ok(Some(unit_in_scope(g, u).await?)),
            Some(_) => Err(bad("Hãy chọn đơn vị.")),
            None => Ok(None),
        }
    }
}

/// A search as typed, trimmed and bounded; empty is none.
pub fn bounded_query(s: &str) -> Option<String> {
    let q: String = s.trim().chars().take(MAX_QUERY_CHARS).collect();
    (!q.is_empty()).then_some(q)
}

/// A record picked on the page (an id sent back by the form), read bounded.
pub fn picked_id(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > MAX_ID_CHARS { None } else { raw.parse().ok() }
}

/// The reason a void gives, checked by core.
pub fn void_reason(fields: &Fields) -> WebResult<VoidReason> {
    Ok(VoidReason::parse(fields.get("reason"))?)
}

/// The links between the pages of a list.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `base` with the filters `params` (empty ones left out) and the page.
    pub fn new(base: &str, params: &[(&str, String)], page: i64, total: i64) -> Pager {
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let link = |n: i64| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (k, v) in params.iter().filter(|(_, v)| !v.is_empty()) {
                query.append_pair(k, v);
            }
            query.append_pair("page", &n.to_string());
            format!("{base}?{}", query.finish())
        };
        Pager {
            page,
            pages,
            total: number_vi(total),
            prev: (page > 1).then(|| link((page - 1).min(pages))),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

/// What every record's page shows below its correction form: the void (if
/// any) with the restore, the void form, and the history.
pub struct RecordBox {
    /// The record's address, e.g. `/movement/people/5`.
    pub base: String,
    pub changes: Vec<crate::kit::history::ChangeRow>,
    /// "when · by whom · why", when the record is void.
    pub voided: Option<String>,
    pub may_restore: bool,
    /// The session may correct and void it (it is not void).
    pub can_correct: bool,
    /// A correction was just saved.
    pub saved: bool,
}

impl RecordBox {
    /// The box of record `id` of `kind` (of `unit`), read through the scope.
    pub async fn of(
        g: &Granted,
        (tr, id): (Tr, Option<&Identity>),
        (kind, record, unit): (RecordKind, i64, UnitId),
        voided: Option<&Voided>,
        saved: bool,
    ) -> WebResult<RecordBox> {
        let base = match kind {
            RecordKind::Training => "/movement/trainings",
            RecordKind::Voice => "/movement/voices",
            _ => "/movement/people",
        };
        let changes = g.history_of_kind(tr, kind, g.history_of(kind, record, unit).await?).await?;
        Ok(RecordBox {
            base: format!("{base}/{record}"),
            changes,
            voided: voided.map(|v| format!("{} · {} · {}", local_time(&v.at), v.by, v.reason)),
            may_restore: voided.is_some() && g.may_restore(),
            can_correct: voided.is_none() && can_correct(id),
            saved,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn pages_link_to_their_neighbours_with_the_filters() {
        let p = Pager::new("/movement/people", &[("q", "Nguyễn".into()), ("role", String::new())], 2, 120);
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev.as_deref(), Some("/movement/people?q=Nguy%E1%BB%85n&page=1"));
        assert_eq!(p.next.as_deref(), Some("/movement/people?q=Nguy%E1%BB%85n&page=3"));
        let last = Pager::new("/movement/people", &[], 3, 120);
        assert!(last.next.is_none());
        let empty = Pager::new("/movement/people", &[], 1, 0);
        assert_eq!((empty.pages, empty.prev.is_none(), empty.next.is_none()), (1, true, true));
    }

    #[test]
    fn every_field_of_a_history_has_its_label() {
        for lang in [crate::i18n::Lang::Vi, crate::i18n::Lang::En] {
            let tr = Tr { lang };
            // The fields the people registries' corrections write.
            let fields = [
                "full_name",
                "role",
                "position",
                "unit",
                "registered_from",
                "registered_to",
                "title",
                "held_on",
                "place",
                "attendees_added",
                "attendees_removed",
                "in_province",
                "channels",
                "audience",
                "consent_on",
            ];
            for field in fields {
                let label = crate::kit::history::field_label(tr, RecordKind::Person, field);
                assert!(!label.contains("missing") && label != tr.t("hist.f.other"), "{field}: {label}");
            }
            for action in khienmang_core::movement::ChangeAction::ALL {
                assert!(!tr.t(&format!("ppl.action.{}", action.as_str())).contains("missing"));
            }
        }
    }

    #[test]
    fn a_search_and_an_id_are_read_bounded() {
        assert_eq!(bounded_query("  "), None);
        assert_eq!(bounded_query(&"a".repeat(500)).unwrap().len(), MAX_QUERY_CHARS);
        assert_eq!(picked_id("42"), Some(42));
        assert_eq!(picked_id(&"9".repeat(30)), None);
        assert_eq!(picked_id("x"), None);
    }
}

//! Accounts: what an account administrator (the system administrators and
//! the secretariat) sees and changes. Only accounts whose scope lies within
//! theirs are visible (an account over the whole country only to the
//! country's administrators), the rest are "not found"; every change is
//! checked by the rules of [`khienmang_core::auth`] and audited; viewing
//! accounts is a view of personal data, audited too. The session's own
//! account (sign-in, second factor, password, sessions) is in
//! [`super::public`].

use std::collections::BTreeMap;

use khienmang_core::auth::{AccountRefusal, Grant, Role, check_disable, check_display_name, check_grant};
use khienmang_core::org::{UnitId, UnitVersion};
use khienmang_core::text::fold;
use khienmang_store::auth::{AccountChange, NewUser, User};

use super::{Scope, Target, UserAdmin, today};
use crate::error::{WebError, WebResult};

fn refusal(r: AccountRefusal) -> WebError {
    WebError::Account(r)
}

/// A new account as the administrator filled it in; the password is
/// already hashed (a temporary one, changed at the first sign-in).
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub scope: Option<UnitId>,
    pub password_hash: &'a str,
}

/// One page of the accounts a search found, and how many it found.
pub struct AccountsFound {
    pub accounts: Vec<User>,
    pub total: usize,
}

impl UserAdmin {
    async fn visible(&self, u: &User) -> WebResult<bool> {
        Ok(match (self.0.scope, u.scope_unit_id) {
            (Scope::Country, _) => true,
            (Scope::Subtree(_), None) => false,
            (scope, Some(unit)) => scope.contains(&self.0.store, unit).await?,
        })
    }

    /// Accounts whose scope lies within this one's, by username, whose
    /// username or display name contains `query` (diacritics and case
    /// ignored); `limit` of them from `offset`. Audited as a view of
    /// personal data.
    pub async fn accounts(&self, query: &str, limit: usize, offset: usize) -> WebResult<AccountsFound> {
        let details = serde_json::json!({"scope": self.0.scope.root(), "q": query, "offset": offset});
        self.audit_view("personal_data.view", "users", details).await?;
        let wanted = fold(query);
        let mut found = Vec::new();
        // Accounts share units: each unit's place in the scope is asked once.
        let mut within = std::collections::HashMap::new();
        for u in self.0.store.all_users().await? {
            let matches = wanted.is_empty() || fold(&format!("{} {}", u.username, u.display_name)).contains(&wanted);
            if !matches {
                continue;
            }
            let visible = match within.get(&u.scope_unit_id) {
                Some(v) => *v,
                None => *within.entry(u.scope_unit_id).or_insert(self.visible(&u).await?),
            };
            if visible {
                found.push(u);
            }
        }
        let total = found.len();
        let accounts = found.into_iter().skip(offset).take(limit).collect();
        Ok(AccountsFound { accounts, total })
    }

    /// An account within the scope, or NotFound. Not audited: for the
    /// checks before a change ([`UserAdmin::view_account`] is the view).
    async fn account(&self, id: i64) -> WebResult<User> {
        let u = self.0.store.user_by_id(id).await?.ok_or(WebError::NotFound)?;
        if self.visible(&u).await? { Ok(u) } else { Err(WebError::NotFound) }
    }

    /// An account within the scope, or NotFound; audited as a view of personal data.
    pub async fn view_account(&self, id: i64) -> WebResult<User> {
        let u = self.account(id).await?;
        self.audit_view("personal_data.view", &format!("user:{id}"), serde_json::json!({})).await?;
        Ok(u)
    }

    /// The latest names of the units accounts are scoped to.
    pub async fn unit_names(&self, units: &[UnitId]) -> WebResult<BTreeMap<UnitId, String>> {
        super::outreach::names_of(&self.0.store, units).await
    }

    /// The units an account may be given today, those whose name or code
    /// contains `query` (diacritics and case ignored), at most `limit`,
    /// each with its parent's name (names repeat: "Tổ dân phố số 1").
    pub async fn scope_choices(&self, query: &str, limit: usize) -> WebResult<Vec<(UnitVersion, String)>> {
        let on = today();
        let units = self.0.store.subtree_on(self.0.home_unit(on).await?, on).await?;
        let names: BTreeMap<UnitId, &str> = units.iter().map(|u| (u.unit_id, u.name.as_str())).collect();
        let wanted = fold(query);
        Ok(units
            .iter()
            .filter(|u| {
                wanted.is_empty()
                    || fold(&u.name).contains(&wanted)
                    || u.code.as_deref().is_some_and(|c| c.contains(wanted.as_str()))
            })
            .take(limit)
            .map(|u| {
                let parent = u.parent_id.and_then(|p| names.get(&p)).map(|n| n.to_string()).unwrap_or_default();
                (u.clone(), parent)
            })
            .collect())
    }

    /// The unit a scope choice names, if it is one of [`UserAdmin::scope_choices`].
    pub async fn scope_choice(&self, unit: UnitId) -> WebResult<Option<UnitVersion>> {
        if !self.0.scope.contains_today(&self.0.store, unit).await? {
            return Ok(None);
        }
        Ok(self.0.store.unit_on(unit, today()).await?)
    }

    /// Checks that this administrator may give `grant`.
    async fn check(&self, grant: Grant) -> WebResult<()> {
        let within = match grant.scope {
            Some(unit) => self.0.scope.contains_today(&self.0.store, unit).await?,
            None => false,
        };
        check_grant(self.0.role, grant, within).map_err(refusal)
    }

    /// Where a change to an account is written: its unit (checked to be in
    /// the subtree today), or the programme for an account over the whole
    /// country (visible only to the country's administrators).
    fn target(scope: Option<UnitId>) -> Target<'static> {
        match scope {
            Some(unit) => Target::Unit(unit),
            None => Target::Programme,
        }
    }

    /// Creates an account within the subtree with a temporary password.
    pub async fn create_account(&self, a: &NewAccount<'_>) -> WebResult<i64> {
        let username = khienmang_core::auth::check_username(a.username).map_err(refusal)?;
        let display_name = check_display_name(a.display_name).map_err(refusal)?;
        self.check(Grant { role: a.role, scope: a.scope }).await?;
        if self.0.store.user_by_name(username).await?.is_some() {
            return Err(WebError::BadRequest(format!(
                "Tên đăng nhập «{username}» đã có tài khoản dùng. Hãy chọn tên khác."
            )));
        }
        let new = NewUser {
            username,
            display_name,
            password_hash: a.password_hash,
            role: a.role,
            scope_unit_id: a.scope,
            is_demo: false,
        };
        self.0.write(Self::target(a.scope), async |tx| Ok(tx.create_account(&new).await?)).await
    }

    /// An account this administrator may change: within the scope, with a
    /// role not above their own.
    async fn changeable(&self, id: i64) -> WebResult<User> {
        let u = self.account(id).await?;
        self.0.role.may_grant(u.role).map_err(refusal)?;
        Ok(u)
    }

    /// Changes an account's display name, role and scope unit.
    pub async fn update_account(&self, id: i64, change: &AccountChange) -> WebResult<User> {
        let before = self.changeable(id).await?;
        let display_name = check_display_name(&change.display_name).map_err(refusal)?.to_string();
        let change = AccountChange { display_name, ..change.clone() };
        self.check(Grant { role: change.role, scope: change.scope_unit_id }).await?;
        self.0
            .write(Self::target(before.scope_unit_id), async |tx| Ok(tx.update_account(&before, &change).await?))
            .await?;
        self.account(id).await
    }

    /// Disables (its sessions end) or enables an account; never one's own.
    pub async fn set_disabled(&self, id: i64, disabled: bool, reason: &str) -> WebResult<User> {
        let u = self.changeable(id).await?;
        check_disable(self.0.user_id, id, disabled).map_err(refusal)?;
        self.0
            .write(Self::target(u.scope_unit_id), async |tx| Ok(tx.set_disabled(id, disabled, reason.trim()).await?))
            .await?;
        self.account(id).await
    }

    /// Gives the account a new temporary password (hashed by the caller);
    /// its sessions end.
    pub async fn reset_password(&self, id: i64, password_hash: &str) -> WebResult<User> {
        let u = self.changeable(id).await?;
        self.0.write(Self::target(u.scope_unit_id), async |tx| Ok(tx.reset_password(id, password_hash).await?)).await?;
        Ok(u)
    }

    /// Removes the account's lost second factor; its sessions end.
    pub async fn reset_second_factor(&self, id: i64) -> WebResult<User> {
        let u = self.changeable(id).await?;
        self.0.write(Self::target(u.scope_unit_id), async |tx| Ok(tx.reset_second_factor(id).await?)).await?;
        self.account(id).await
    }
}

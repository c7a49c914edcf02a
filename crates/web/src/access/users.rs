//! Accounts: what an account administrator (the system administrators and
//! the secretariat) sees and changes. Only accounts whose scope lies within
//! theirs are visible (an account over the whole country only to the
//! country's administrators), the rest are "not found"; every change is
//! checked by the rules of [`khienmang_core::auth`] and audited; viewing
//! accounts is a view of personal data, audited too. The session's own
//! account (sign-in, second factor, password, sessions) is in
//! [`super::public`]. Below the single account: the checks of an onboarding
//! list (many accounts from one file, created all or none) and the links
//! of an initiative leader's account to the initiatives it leads.

use std::collections::BTreeMap;

use khienmang_core::auth::{AccountRefusal, Grant, Role, check_disable, check_display_name, check_grant};
use khienmang_core::import::UnitRef;
use khienmang_core::org::{UnitId, UnitVersion};
use khienmang_core::text::fold;
use khienmang_store::auth::{AccountChange, NewUser, User};
use khienmang_store::movement::Initiative;

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

// ---- onboarding many accounts from a list ----

/// How a row of an onboarding list fared against the tree and the rules:
/// the unit found (id and its name with its parent's), or why not.
pub type UnitFound = Result<(UnitId, String), String>;

/// The units an onboarding list may name by name, found once per file: the
/// administrator's subtree today, by folded name (with and without its type
/// word, "Phường Đáp Cầu" or "Đáp Cầu") and its parent's.
pub struct UnitFinder {
    by_name: std::collections::HashMap<String, Vec<Named>>,
    codes: std::collections::HashMap<String, UnitFound>,
}

/// A unit found by name: its id, its name, its parent's name, and one
/// folded way of writing the parent's name.
type Named = (UnitId, String, String, String);

/// A unit's name folded, and without its leading type word when it has one.
fn name_keys(v: &UnitVersion) -> Vec<String> {
    let mut keys = vec![fold(&v.name)];
    if let Some(kind) = v.unit_type.as_deref() {
        let (name, kind) = (fold(&v.name), fold(kind));
        if let Some(rest) = name.strip_prefix(&format!("{kind} ")) {
            keys.push(rest.to_string());
        }
    }
    keys
}

impl UserAdmin {
    /// The finder for one onboarding file.
    pub async fn unit_finder(&self) -> WebResult<UnitFinder> {
        let on = today();
        let units = self.0.store.subtree_on(self.0.home_unit(on).await?, on).await?;
        let names: BTreeMap<UnitId, &UnitVersion> = units.iter().map(|u| (u.unit_id, u)).collect();
        let mut by_name: std::collections::HashMap<String, Vec<Named>> = std::collections::HashMap::new();
        for u in &units {
            let Some(parent) = u.parent_id.and_then(|p| names.get(&p)) else { continue };
            // Each way of writing the name, with each way of writing the parent's.
            for key in name_keys(u) {
                for parent_key in name_keys(parent) {
                    let entry = (u.unit_id, u.name.clone(), parent.name.clone(), parent_key);
                    by_name.entry(key.clone()).or_default().push(entry);
                }
            }
        }
        Ok(UnitFinder { by_name, codes: std::collections::HashMap::new() })
    }

    /// The unit a row names, within the subtree today, or why not (Vietnamese).
    pub async fn find_unit(&self, finder: &mut UnitFinder, unit: &UnitRef) -> WebResult<UnitFound> {
        match unit {
            UnitRef::Code(code) => {
                if let Some(found) = finder.codes.get(code) {
                    return Ok(found.clone());
                }
                let on = today();
                let all = self.0.store.units_by_code(code, on).await?;
                let mut found = Err(if all.is_empty() {
                    format!(
                        "Không có đơn vị mã «{code}» trong danh mục hôm nay. Hãy ghi mã như trong danh mục đơn vị của hệ thống."
                    )
                } else {
                    format!("Đơn vị mã «{code}» không thuộc phạm vi quản lý của bạn.")
                });
                for v in all {
                    if self.0.scope.contains_today(&self.0.store, v.unit_id).await? {
                        found = Ok((v.unit_id, format!("{} ({code})", v.name)));
                        break;
                    }
                }
                finder.codes.insert(code.clone(), found.clone());
                Ok(found)
            }
            UnitRef::Named { name, parent } => {
                let (wanted, wanted_parent) = (fold(name), fold(parent));
                let mut matches: Vec<(UnitId, String, String)> = finder
                    .by_name
                    .get(&wanted)
                    .map(|v| {
                        v.iter()
                            .filter(|(_, _, _, p)| *p == wanted_parent)
                            .map(|(id, n, p, _)| (*id, n.clone(), p.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                matches.sort_by_key(|m| m.0);
                matches.dedup_by_key(|m| m.0);
                Ok(match matches.as_slice() {
                    [] => Err(format!(
                        "Không tìm thấy đơn vị «{name}» thuộc «{parent}» trong phạm vi quản lý của bạn. Hãy kiểm tra \
                         tên, hoặc ghi mã đơn vị."
                    )),
                    [(id, n, p)] => Ok((*id, format!("{n} · {p}"))),
                    many => Err(format!(
                        "Có {} đơn vị tên «{name}» thuộc «{parent}»: hãy ghi mã đơn vị để chọn đúng.",
                        many.len()
                    )),
                })
            }
        }
    }

    /// Why this administrator may not create `username` with `role` in
    /// `unit` (Vietnamese), or nothing when the row may be created.
    pub async fn refuse_row(&self, username: &str, role: Role, unit: UnitId) -> WebResult<Option<String>> {
        match self.check(Grant { role, scope: Some(unit) }).await {
            Ok(()) => {}
            Err(WebError::Account(r)) => return Ok(Some(r.message_vi().to_string())),
            Err(e) => return Err(e),
        }
        if self.0.store.user_by_name(username).await?.is_some() {
            return Ok(Some(format!("Tên đăng nhập «{username}» đã có tài khoản dùng. Hãy chọn tên khác.")));
        }
        Ok(None)
    }

    /// Creates every account of a checked list in one transaction (all or
    /// none), each with its temporary password (hashed by the caller), and
    /// records in the audit that their first-login sheet, with the
    /// passwords, was shown once.
    pub async fn onboard(&self, accounts: &[NewAccount<'_>], source: &str) -> WebResult<Vec<i64>> {
        let mut units = Vec::new();
        for a in accounts {
            let username = khienmang_core::auth::check_username(a.username).map_err(refusal)?;
            check_display_name(a.display_name).map_err(refusal)?;
            self.check(Grant { role: a.role, scope: a.scope }).await?;
            if self.0.store.user_by_name(username).await?.is_some() {
                return Err(WebError::BadRequest(format!(
                    "Tên đăng nhập «{username}» đã có tài khoản dùng. Hãy chọn tên khác."
                )));
            }
            units.extend(a.scope);
        }
        self.0
            .write(Target::Units(&units), async |tx| {
                let mut ids = Vec::new();
                for a in accounts {
                    let new = NewUser {
                        username: a.username.trim(),
                        display_name: a.display_name.trim(),
                        password_hash: a.password_hash,
                        role: a.role,
                        scope_unit_id: a.scope,
                        is_demo: false,
                    };
                    ids.push(tx.create_account(&new).await?);
                }
                let details = serde_json::json!({"accounts": ids, "source": source});
                tx.audit("user.onboarding", "users", &details).await?;
                // The sheet is the only place the passwords are shown: said
                // once here, never again.
                tx.audit("user.first_login_sheet", "users", &serde_json::json!({"accounts": ids, "shown": "once"}))
                    .await?;
                Ok(ids)
            })
            .await
    }

    /// A file this session staged (NotFound for anyone else's or another kind).
    pub async fn staged_list(&self, batch: &str) -> WebResult<khienmang_store::import::StagedImport> {
        if batch.len() > 64 {
            return Err(WebError::NotFound);
        }
        let staged = self.0.store.staged_import(batch, self.0.user_id).await?.ok_or(WebError::NotFound)?;
        if staged.kind != ONBOARDING_KIND {
            return Err(WebError::NotFound);
        }
        Ok(staged)
    }

    /// Forgets a staged list once its accounts were created.
    pub async fn drop_list(&self, batch: &str) -> WebResult<()> {
        Ok(self.0.store.drop_staged(batch).await?)
    }
}

/// The kind an onboarding list is staged under.
pub const ONBOARDING_KIND: &str = "accounts";

// ---- initiatives an initiative leader's account leads ----

impl UserAdmin {
    /// The initiatives linked to the account, those within this scope.
    pub async fn led_initiatives(&self, account: &User) -> WebResult<Vec<Initiative>> {
        let mut out = Vec::new();
        for ini in self.0.store.initiatives_led_by(account.id).await? {
            if self.0.scope.contains(&self.0.store, ini.unit_id).await? {
                out.push(ini);
            }
        }
        Ok(out)
    }

    /// The initiatives the account may be linked to: an initiative leader's
    /// account, initiatives of its own unit's subtree and of this scope
    /// today, not voided, not yet linked, whose name contains `query`
    /// (diacritics ignored); at most `limit`.
    pub async fn leadable_initiatives(&self, account: &User, query: &str, limit: usize) -> WebResult<Vec<Initiative>> {
        let (Role::InitiativeLeader, Some(scope)) = (account.role, account.scope_unit_id) else {
            return Ok(Vec::new());
        };
        let linked: std::collections::HashSet<i64> =
            self.0.store.initiatives_led_by(account.id).await?.iter().map(|i| i.id).collect();
        let on = today();
        let mut out = Vec::new();
        let query = Some(query.trim()).filter(|q| !q.is_empty());
        for ini in self.0.store.initiatives_under(scope, query).await? {
            if out.len() >= limit {
                break;
            }
            if linked.contains(&ini.id) || !self.0.store.is_within_on(scope, ini.unit_id, on).await? {
                continue;
            }
            if self.0.scope.contains_today(&self.0.store, ini.unit_id).await? {
                out.push(ini);
            }
        }
        Ok(out)
    }

    /// Links (`linked`) the account to an initiative it may lead, or
    /// unlinks one linked to it: the same store call as the initiative's
    /// page, checked as there (the initiative's unit in this scope today;
    /// the account an initiative leader whose unit holds the initiative).
    /// Anything else is "not offered", whether it exists or not.
    pub async fn set_leads(&self, account: i64, initiative: i64, linked: bool) -> WebResult<User> {
        let u = self.changeable(account).await?;
        let not_offered = || WebError::BadRequest("Hãy chọn mô hình trong danh sách.".into());
        let ini = self.0.store.initiative(initiative).await?.ok_or_else(not_offered)?;
        if !self.0.scope.contains_today(&self.0.store, ini.unit_id).await? {
            return Err(not_offered());
        }
        if linked {
            let may_lead = match (u.role, u.scope_unit_id) {
                (Role::InitiativeLeader, Some(scope)) => self.0.store.is_within_on(scope, ini.unit_id, today()).await?,
                _ => false,
            };
            if !may_lead {
                return Err(WebError::BadRequest(
                    "Chỉ giao mô hình cho tài khoản người đứng đầu mô hình, và mô hình phải thuộc đơn vị của tài khoản."
                        .into(),
                ));
            }
            if ini.voided.is_some() {
                return Err(not_offered());
            }
        } else if !self.0.store.leads_initiative(u.id, ini.id).await? {
            return Err(WebError::BadRequest("Tài khoản này không được giao mô hình này.".into()));
        }
        self.0
            .write(Target::Unit(ini.unit_id), async |tx| Ok(tx.set_initiative_leader(ini.id, u.id, linked).await?))
            .await?;
        Ok(u)
    }
}

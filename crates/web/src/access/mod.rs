//! The access-control layer. A handler asks for a capability by taking one
//! of these extractors as an argument; the extractor exists only if the
//! session's role grants it, and it carries the session's scope, so every
//! query it offers stays inside the subtree. Handlers never look at roles.
//!
//! The raw [`Store`] lives only here. A capability hands out scope-bound
//! reads (a list takes the session's scope, a single record is checked
//! against it and is "not found" outside) and one door for writes,
//! [`Granted::write`] (or [`Granted::begin`] for a transaction the handler
//! commits itself), which checks the change's [`Target`] before the
//! transaction opens. The reads and writes of each capability are in the
//! submodules below; what anonymous pages may reach is in [`public`].
//!
//! A handler that was not given a scope cannot reach the store: the field
//! is private to this module.
//!
//! ```compile_fail
//! fn raw(g: &khienmang_web::access::Granted) -> &khienmang_store::Store {
//!     &g.store
//! }
//! ```
//!
//! ```compile_fail
//! fn raw(state: &khienmang_web::AppState) -> &khienmang_store::Store {
//!     &state.store.0
//! }
//! ```
//!
//! The allowed path: a capability's scoped reads and its checked write.
//!
//! ```
//! use khienmang_web::access::{Granted, Target};
//! use khienmang_core::org::UnitId;
//!
//! async fn note(g: &Granted, unit: UnitId) -> Result<i64, khienmang_web::WebError> {
//!     // Refused unless `unit` is in the session's subtree today.
//!     g.write(Target::Unit(unit), async |tx| Ok(tx.audit("example", "unit", &serde_json::json!({})).await?))
//!         .await
//! }
//! ```

mod admin;
mod dashboard;
mod history;
mod movement;
mod ops;
mod org;
mod outreach;
mod people;

pub mod public;
pub mod reports;
mod scamcheck;
mod users;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use khienmang_core::Date;
use khienmang_core::auth::{Capability, Role};
use khienmang_core::org::UnitId;
use khienmang_core::time::Timestamp;
use khienmang_store::auth::User;
use khienmang_store::movement::Initiative;
use khienmang_store::{Store, WriteTx};

use crate::error::{WebError, WebResult};
use crate::{AppState, i18n::Lang};

pub use outreach::{OfContest, ScopedSurvey};
pub use users::{AccountsFound, NewAccount, ONBOARDING_KIND, UnitFinder, UnitFound};

/// Where sign-in lands: the work overview of the session's role.
pub const WORK: &str = "/work";

/// Where an account changes its own password, and where a sign-in with a
/// temporary password is sent before anything else.
pub const CHANGE_PASSWORD: &str = "/account/password";

/// How the request authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Cookie,
    Bearer,
}

/// The logged-in session, put in the request by the session middleware.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user: User,
    pub token_hash: String,
    pub csrf_token: String,
    pub via: Via,
    pub second_factor_done: bool,
}

/// The language of this request (cookie `lang`, default Vietnamese).
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<RequestLang>().copied().unwrap_or_default())
    }
}

/// Any session, possibly one still waiting for its second factor.
pub struct MaybeIdentity(pub Option<Identity>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeIdentity {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeIdentity(parts.extensions.get::<Identity>().cloned()))
    }
}

/// A fully logged-in session (second factor done, enrolled if required).
pub struct Authenticated(pub Identity);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let id = parts.extensions.get::<Identity>().cloned().ok_or(WebError::Unauthenticated)?;
        if id.user.totp_secret.is_some() && !id.second_factor_done {
            return Err(match id.via {
                Via::Cookie => WebError::Redirect("/login/totp".into()),
                Via::Bearer => WebError::Unauthenticated,
            });
        }
        // A temporary password is changed before anything else is done.
        if id.user.must_change_password {
            return Err(match id.via {
                Via::Cookie => WebError::Redirect(CHANGE_PASSWORD.into()),
                Via::Bearer => WebError::Account(khienmang_core::auth::AccountRefusal::PasswordChangeRequired),
            });
        }
        if state.config.require_totp && id.user.role.requires_second_factor() && id.user.totp_secret.is_none() {
            return Err(match id.via {
                Via::Cookie => WebError::Redirect("/account/totp".into()),
                Via::Bearer => WebError::Forbidden,
            });
        }
        Ok(Authenticated(id))
    }
}

/// The subtree a session works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Country,
    Subtree(UnitId),
}

impl Scope {
    fn of(user: &User) -> Scope {
        match user.scope_unit_id {
            Some(root) => Scope::Subtree(root),
            None => Scope::Country,
        }
    }

    pub async fn contains(&self, store: &Store, unit: UnitId) -> WebResult<bool> {
        match self {
            Scope::Country => Ok(true),
            Scope::Subtree(root) => Ok(store.is_within(*root, unit).await?),
        }
    }

    /// Whether `unit` is in the subtree as it stands today (Viet Nam date):
    /// the rule for writes. [`Scope::contains`] also admits units that were
    /// ever under the root or flowed into it, which is for reading history.
    pub async fn contains_today(&self, store: &Store, unit: UnitId) -> WebResult<bool> {
        match self {
            // The whole country: any unit that exists today.
            Scope::Country => Ok(store.unit_on(unit, today()).await?.is_some()),
            Scope::Subtree(root) => Ok(store.is_within_on(*root, unit, today()).await?),
        }
    }

    pub fn root(&self) -> Option<UnitId> {
        match self {
            Scope::Country => None,
            Scope::Subtree(r) => Some(*r),
        }
    }
}

/// The clock: the time a write is made at (read once where the access
/// layer opens it) and what the reads that need "now" are given. The store
/// never reads the clock itself.
pub fn now() -> Timestamp {
    Timestamp::now()
}

/// Today's date in Viet Nam: the date a write is checked against, and the
/// pages' "today" (re-exported as `org::today`).
pub fn today() -> Date {
    now().vietnam_date()
}

/// The store as the application state holds it: only the access layer
/// opens it. Everything outside reaches it through a capability, the
/// [`public`] accessors, or the named global tasks below.
#[derive(Clone)]
pub struct Vault(Store);

impl Vault {
    pub(crate) fn new(store: Store) -> Vault {
        Vault(store)
    }
}

/// Grants `cap` or refuses with 403.
fn grant(state: &AppState, id: &Identity, cap: Capability) -> WebResult<Granted> {
    if !id.user.role.can(cap) {
        return Err(WebError::Forbidden);
    }
    Ok(Granted {
        store: state.store.0.clone(),
        scope: Scope::of(&id.user),
        actor: id.user.username.clone(),
        user_id: id.user.id,
        role: id.user.role,
    })
}

/// What every capability carries. The store is private: the capability's
/// scoped reads and [`Granted::write`] are the way to it.
#[derive(Clone)]
pub struct Granted {
    store: Store,
    pub scope: Scope,
    pub actor: String,
    pub user_id: i64,
    pub role: Role,
}

/// Why an initiative leader's write is refused.
const LEADER_ONLY_LINKED: &str = "Tài khoản người đứng đầu mô hình chỉ được cập nhật các mô hình mà cán bộ xã/phường \
     đã giao cho tài khoản này. Việc này do cán bộ xã/phường thực hiện.";
const LEADER_NOT_LINKED: &str = "Mô hình này chưa được giao cho tài khoản của bạn, nên bạn không được cập nhật nó. \
     Hãy đề nghị cán bộ xã/phường giao mô hình cho bạn trên trang của mô hình.";
const UNIT_NOT_WRITABLE: &str = "Đơn vị này không còn thuộc phạm vi quản lý của bạn tính đến hôm nay (ví dụ đã sáp \
     nhập vào đơn vị khác): bạn vẫn xem được lịch sử nhưng không được ghi thay đổi.";

macro_rules! capability {
    ($(#[$m:meta])* $name:ident = $cap:expr) => {
        $(#[$m])*
        pub struct $name(pub Granted);

        impl std::ops::Deref for $name {
            type Target = Granted;
            fn deref(&self) -> &Granted {
                &self.0
            }
        }

        impl FromRequestParts<AppState> for $name {
            type Rejection = WebError;
            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
                let Authenticated(id) = Authenticated::from_request_parts(parts, state).await?;
                Ok($name(grant(state, &id, $cap)?))
            }
        }

        /// `Option<Self>`: the capability when the role has it, for a page
        /// that shows each role what it may do (the work overview).
        impl axum::extract::OptionalFromRequestParts<AppState> for $name {
            type Rejection = WebError;
            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
                let Authenticated(id) = Authenticated::from_request_parts(parts, state).await?;
                Ok(grant(state, &id, $cap).ok().map($name))
            }
        }
    };
}

capability!(
    /// Read the tree within the scope.
    OrgRead = Capability::OrgRead
);
capability!(
    /// Change the tree within the scope.
    OrgWrite = Capability::OrgWrite
);
capability!(
    /// Abolish a whole administrative level within the scope.
    OrgReorganise = Capability::OrgReorganise
);
capability!(
    /// Read the audit log.
    AuditRead = Capability::AuditRead
);
capability!(
    /// Manage accounts within the scope.
    UserAdmin = Capability::UserAdmin
);

capability!(
    /// Read the movement's registry and the targets within the scope.
    MovementRead = Capability::MovementRead
);
capability!(
    /// Register initiatives, people, plans and activities within the scope.
    MovementWrite = Capability::MovementWrite
);

capability!(
    /// Read citizens' reports handled within the scope.
    ReportRead = Capability::ReportRead
);
capability!(
    /// Triage, assign, answer and close citizens' reports within the scope.
    ReportHandle = Capability::ReportHandle
);
capability!(
    /// Verify, reject and withdraw scam indicators; decide owners' disputes.
    IndicatorManage = Capability::IndicatorManage
);
capability!(
    /// Read evaluations, awards, duties and periodic reports within the scope.
    ProgrammeRead = Capability::ProgrammeRead
);
capability!(
    /// Score units, approve the evaluations of units below, nominate, report.
    Evaluate = Capability::Evaluate
);
capability!(
    /// The budget, criteria, award decisions, duties and reviews (the secretariat).
    ProgrammeManage = Capability::ProgrammeManage
);
capability!(
    /// Campaigns, warnings, contests and surveys (the secretariat).
    OutreachManage = Capability::OutreachManage
);

impl Granted {
    /// Refuses units outside the scope as if they did not exist.
    pub async fn ensure(&self, unit: UnitId) -> WebResult<()> {
        if self.scope.contains(&self.store, unit).await? { Ok(()) } else { Err(WebError::NotFound) }
    }

    /// Where the session's views start: its scope's root, or for the whole
    /// country the province this installation serves (the `[reports]
    /// province` setting, followed to the unit standing for it today), never
    /// whichever top-level unit sorts first.
    pub async fn home_unit(&self, _on: Date) -> WebResult<UnitId> {
        match self.scope {
            Scope::Subtree(root) => Ok(root),
            Scope::Country => Ok(self.store.reports_province(today()).await?),
        }
    }

    /// Refuses a write to `unit` unless it is in the subtree today. A unit
    /// outside the scope altogether stays "not found"; one readable only for
    /// its history (merged away, moved out) is refused with the reason.
    pub async fn ensure_write(&self, unit: UnitId) -> WebResult<()> {
        self.ensure(unit).await?;
        if self.scope.contains_today(&self.store, unit).await? {
            Ok(())
        } else {
            Err(WebError::Refused(UNIT_NOT_WRITABLE.into()))
        }
    }

    /// A write transaction for a change to `unit`, refused unless it is in
    /// the subtree today. Initiative leaders write only through
    /// [`Granted::write_for_initiative`].
    pub async fn write_for(&self, unit: UnitId) -> WebResult<WriteTx> {
        self.begin(Target::Registry(unit)).await
    }

    /// A write transaction for a change to an initiative: its unit in the
    /// subtree today and, for an initiative leader, the initiative linked to
    /// the account by the commune officer.
    pub async fn write_for_initiative(&self, ini: &Initiative) -> WebResult<WriteTx> {
        self.begin(Target::Initiative(ini)).await
    }

    /// The one door for writes: checks `target`, then opens a transaction
    /// in the session's name. The caller commits it (dropping it rolls back).
    pub async fn begin(&self, target: Target<'_>) -> WebResult<WriteTx> {
        self.check(target).await?;
        Ok(self.store.begin_write(&self.actor, now()).await?)
    }

    /// Whether the session may write `target` (a page shows its forms only
    /// then): the check of [`Granted::check`] with its refusals as `false`.
    pub async fn may_write(&self, target: Target<'_>) -> WebResult<bool> {
        match self.check(target).await {
            Ok(()) => Ok(true),
            Err(WebError::Forbidden | WebError::Refused(_) | WebError::NotFound) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// The initiatives an initiative leader's account was linked to (none
    /// for other roles): their list shows these first, marked.
    pub async fn led_initiatives(&self) -> WebResult<Vec<i64>> {
        if self.role != Role::InitiativeLeader {
            return Ok(Vec::new());
        }
        Ok(self.store.initiatives_led_by(self.user_id).await?.into_iter().map(|i| i.id).collect())
    }

    /// The check [`Granted::begin`] makes, without opening a transaction:
    /// for a form page that is shown only to whom may send it.
    pub async fn check(&self, target: Target<'_>) -> WebResult<()> {
        match target {
            Target::Unit(unit) => self.ensure_write(unit).await?,
            Target::Registry(unit) => {
                if self.role == Role::InitiativeLeader {
                    return Err(WebError::Refused(LEADER_ONLY_LINKED.into()));
                }
                self.ensure_write(unit).await?;
            }
            Target::Initiative(ini) => {
                // A voided initiative takes no change until it is restored.
                if ini.voided.is_some() {
                    return Err(WebError::NotFound);
                }
                self.ensure_write(ini.unit_id).await?;
                if self.role == Role::InitiativeLeader && !self.store.leads_initiative(self.user_id, ini.id).await? {
                    return Err(WebError::Refused(LEADER_NOT_LINKED.into()));
                }
            }
            Target::Units(units) => {
                for unit in units {
                    self.ensure_write(*unit).await?;
                }
            }
            Target::Report(id) => {
                self.report_in_scope(id).await?;
            }
            Target::Programme | Target::Own => {}
        }
        Ok(())
    }

    /// Begins (checking `target`), runs `change`, and commits if it
    /// succeeded; an error rolls the change back and is returned as is.
    pub async fn write<T>(
        &self,
        target: Target<'_>,
        change: impl AsyncFnOnce(&mut WriteTx) -> WebResult<T>,
    ) -> WebResult<T> {
        let mut tx = self.begin(target).await?;
        let out = change(&mut tx).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Keeps an uploaded file for its confirmation under the session's name,
    /// with the rows its dry run refused, filed under the session's scope
    /// root so that the work overview of that scope (and those above) counts
    /// it while it is left with errors.
    pub async fn stage(&self, batch: &str, kind: &str, filename: &str, bytes: &[u8], refused: usize) -> WebResult<()> {
        let staged = khienmang_store::import::StagedBatch {
            id: batch,
            user_id: self.user_id,
            kind,
            filename,
            content: bytes,
            refused_rows: refused,
            unit: self.scope.root(),
        };
        Ok(self.store.stage_import(&staged, now()).await?)
    }

    /// Whether an upload filed under `unit` (none: a session over the
    /// whole country) belongs to this scope.
    fn holds_upload(unit: Option<UnitId>, within: Option<&std::collections::HashSet<UnitId>>) -> bool {
        match (within, unit) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(set), Some(u)) => set.contains(&u),
        }
    }

    /// The units of the scope (none: the whole country).
    async fn scope_units(&self) -> WebResult<Option<std::collections::HashSet<UnitId>>> {
        match self.scope.root() {
            None => Ok(None),
            Some(root) => Ok(Some(self.store.subtree_ids(root).await?)),
        }
    }

    /// How many uploads of the last day within the scope were left with
    /// refused rows and not imported (counted in the database per unit).
    pub async fn refused_upload_count(&self) -> WebResult<usize> {
        let within = self.scope_units().await?;
        let mut total = 0i64;
        for (unit, n) in self.store.refused_uploads(now()).await? {
            if Self::holds_upload(unit, within.as_ref()) {
                total += n;
            }
        }
        Ok(usize::try_from(total).unwrap_or(0))
    }

    /// Those uploads, newest first, at most `limit`.
    pub async fn refused_upload_list(&self, limit: usize) -> WebResult<Vec<khienmang_store::import::RefusedUpload>> {
        let within = self.scope_units().await?;
        let mut out = Vec::new();
        // Other scopes' uploads are skipped, so more are read than kept.
        for u in self.store.refused_upload_list(now(), 2000).await? {
            if out.len() < limit && Self::holds_upload(u.unit, within.as_ref()) {
                out.push(u);
            }
        }
        Ok(out)
    }

    /// Records in the audit chain that the session viewed personal data.
    pub async fn audit_view(&self, action: &str, object: &str, details: serde_json::Value) -> WebResult<()> {
        self.write(Target::Own, async |tx| {
            tx.audit(action, object, &details).await?;
            Ok(())
        })
        .await
    }
}

/// What a write changes, checked by [`Granted::begin`] before the
/// transaction opens.
pub enum Target<'a> {
    /// A record of `unit`: the unit must be in the subtree today.
    Unit(UnitId),
    /// Every one of these units in the subtree today.
    Units(&'a [UnitId]),
    /// A movement registry's record of `unit`: as [`Target::Unit`], and
    /// refused to initiative leaders, who change only their initiatives.
    Registry(UnitId),
    /// An initiative: not voided, its unit in the subtree today and, for an
    /// initiative leader, the initiative linked to the account.
    Initiative(&'a Initiative),
    /// A citizen's report by id: it must exist and the unit handling it be
    /// in the scope (NotFound otherwise), as for reading it. A report keeps
    /// its handling unit through reorganisations, so the rule is the
    /// reading one, not today's subtree.
    Report(i64),
    /// A record of the whole programme that belongs to no unit (an
    /// indicator, a warning, a survey, the criteria): the capability the
    /// extractor checked is the whole rule. Campaigns and contests belong to
    /// their area or organiser and are written as [`Target::Unit`].
    Programme,
    /// The session's own records (its audit trail of views, its
    /// notifications read).
    Own,
}

/// A unit the session's scope was checked to contain, for reading: the
/// reads anchored on it are in the capabilities' submodules.
#[derive(Clone, Copy)]
pub struct Within<'a> {
    g: &'a Granted,
    unit: UnitId,
}

impl Granted {
    /// The unit, checked to be in the scope (NotFound outside).
    pub async fn within(&self, unit: UnitId) -> WebResult<Within<'_>> {
        self.ensure(unit).await?;
        Ok(Within { g: self, unit })
    }
}

impl Within<'_> {
    pub fn unit(&self) -> UnitId {
        self.unit
    }
}

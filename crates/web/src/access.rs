//! The access-control layer. A handler asks for a capability by taking one
//! of these extractors as an argument; the extractor exists only if the
//! session's role grants it, and it carries the session's scope, so every
//! query it offers stays inside the subtree. Handlers never look at roles.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use khienmang_core::Date;
use khienmang_core::auth::{Capability, Role};
use khienmang_core::import::TemplateKind;
use khienmang_core::org::{OrgOp, UnitId, UnitVersion};
use khienmang_store::Store;
use khienmang_store::auth::User;
use khienmang_store::import::{CheckedRow, RowCheck};
use khienmang_store::movement::Initiative;

use crate::error::{WebError, WebResult};
use crate::{AppState, i18n::Lang};

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
            Scope::Country => Ok(store.unit_on(unit, crate::org::today()).await?.is_some()),
            Scope::Subtree(root) => Ok(store.is_within_on(*root, unit, crate::org::today()).await?),
        }
    }

    pub fn root(&self) -> Option<UnitId> {
        match self {
            Scope::Country => None,
            Scope::Subtree(r) => Some(*r),
        }
    }
}

/// Grants `cap` or refuses with 403.
fn grant(state: &AppState, id: &Identity, cap: Capability) -> WebResult<Granted> {
    if !id.user.role.can(cap) {
        return Err(WebError::Forbidden);
    }
    Ok(Granted {
        store: state.store.clone(),
        scope: Scope::of(&id.user),
        actor: id.user.username.clone(),
        user_id: id.user.id,
        role: id.user.role,
    })
}

/// What every capability carries.
#[derive(Clone)]
pub struct Granted {
    pub store: Store,
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

        impl FromRequestParts<AppState> for $name {
            type Rejection = WebError;
            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
                let Authenticated(id) = Authenticated::from_request_parts(parts, state).await?;
                Ok($name(grant(state, &id, $cap)?))
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
            Scope::Country => Ok(self.store.reports_province().await?),
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
    pub async fn write_for(&self, unit: UnitId) -> WebResult<khienmang_store::WriteTx> {
        if self.role == Role::InitiativeLeader {
            return Err(WebError::Refused(LEADER_ONLY_LINKED.into()));
        }
        self.ensure_write(unit).await?;
        Ok(self.store.begin_write(&self.actor).await?)
    }

    /// A write transaction for a change to an initiative: its unit in the
    /// subtree today and, for an initiative leader, the initiative linked to
    /// the account by the commune officer.
    pub async fn write_for_initiative(&self, ini: &Initiative) -> WebResult<khienmang_store::WriteTx> {
        self.ensure_write(ini.unit_id).await?;
        if self.role == Role::InitiativeLeader && !self.store.leads_initiative(self.user_id, ini.id).await? {
            return Err(WebError::Refused(LEADER_NOT_LINKED.into()));
        }
        Ok(self.store.begin_write(&self.actor).await?)
    }
}

impl OrgRead {
    /// The unit on `on`, or NotFound if it is absent or outside the scope.
    pub async fn unit(&self, unit: UnitId, on: Date) -> WebResult<Option<UnitVersion>> {
        self.ensure(unit).await?;
        Ok(self.0.store.unit_on(unit, on).await?)
    }

    /// Refuses units outside the scope as if they did not exist.
    pub async fn ensure(&self, unit: UnitId) -> WebResult<()> {
        if self.0.scope.contains(&self.0.store, unit).await? { Ok(()) } else { Err(WebError::NotFound) }
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// Where browsing starts: the scope's root, or every province.
    pub async fn roots(&self, on: Date) -> WebResult<Vec<UnitVersion>> {
        match self.0.scope {
            Scope::Country => Ok(self.0.store.roots_on(on).await?),
            Scope::Subtree(root) => {
                // The root as of `on`, or its latest version if it did not exist then.
                let v = match self.0.store.unit_on(root, on).await? {
                    Some(v) => Some(v),
                    None => self.0.store.unit_versions(root).await?.pop(),
                };
                Ok(v.into_iter().collect())
            }
        }
    }

    /// Search, keeping only units inside the scope.
    pub async fn search(&self, q: &str, on: Option<Date>, limit: i64) -> WebResult<Vec<UnitVersion>> {
        let mut out = Vec::new();
        // Over-fetch, then filter: most hits of a scoped search are outside it.
        let fetch = if self.0.scope == Scope::Country { limit } else { limit * 20 };
        for v in self.0.store.search_units(q, on, fetch).await? {
            if self.0.scope.contains(&self.0.store, v.unit_id).await? {
                out.push(v);
                if out.len() as i64 >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }
}

impl OrgWrite {
    /// The unit on `on`, or NotFound if it is absent or outside the scope.
    pub async fn unit(&self, unit: UnitId, on: Date) -> WebResult<Option<UnitVersion>> {
        if !self.0.scope.contains(&self.0.store, unit).await? {
            return Err(WebError::NotFound);
        }
        Ok(self.0.store.unit_on(unit, on).await?)
    }

    /// Applies a dated operation if every unit it touches is in the scope.
    /// Making a top-level unit needs the whole country, whichever operation
    /// makes it (a create, or a merge or split whose new unit has no parent).
    pub async fn apply(&self, op: &OrgOp, on: Date, legal_basis: Option<&str>) -> WebResult<Vec<UnitId>> {
        if self.0.scope != Scope::Country && op.new_units().iter().any(|u| u.parent_id.is_none()) {
            return Err(WebError::Refused(
                "Chỉ tài khoản có phạm vi toàn quốc mới được lập đơn vị cấp cao nhất (đơn vị không có \
                 đơn vị cấp trên). Hãy chọn đơn vị cấp trên cho đơn vị mới."
                    .into(),
            ));
        }
        let touched = op.touched_units();
        if touched.is_empty() && self.0.scope != Scope::Country {
            return Err(WebError::Forbidden);
        }
        // Writes need every unit in the subtree today, not just in its history.
        for unit in touched {
            self.0.ensure_write(unit).await?;
        }
        let mut tx = self.0.store.begin_write(&self.0.actor).await?;
        let ids = tx.apply_op(op, on, legal_basis).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Checks template rows against the tree and the scope; writes nothing.
    pub async fn check_rows(
        &self,
        kind: TemplateKind,
        parsed: khienmang_core::import::ParseReport,
        default_from: Date,
    ) -> WebResult<RowCheck> {
        Ok(self.0.store.check_rows(kind, parsed.rows, parsed.errors, default_from, self.0.scope.root()).await?)
    }

    pub async fn import_rows(&self, kind: TemplateKind, rows: &[CheckedRow], source: &str) -> WebResult<usize> {
        let mut tx = self.0.store.begin_write(&self.0.actor).await?;
        let ids = tx.import_rows(kind, rows, source).await?;
        tx.commit().await?;
        Ok(ids.len())
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }
}

impl UserAdmin {
    /// Accounts whose scope lies within this one's. Viewing the list is a
    /// view of personal data, so it is audited.
    pub async fn users(&self) -> WebResult<Vec<User>> {
        let mut tx = self.0.store.begin_write(&self.0.actor).await?;
        tx.audit("personal_data.view", "users", &serde_json::json!({"scope": self.0.scope.root()})).await?;
        tx.commit().await?;
        let mut out = Vec::new();
        for u in self.0.store.users(1000, 0).await? {
            let visible = match (self.0.scope, u.scope_unit_id) {
                (Scope::Country, _) => true,
                (Scope::Subtree(_), None) => false,
                (scope, Some(unit)) => scope.contains(&self.0.store, unit).await?,
            };
            if visible {
                out.push(u);
            }
        }
        Ok(out)
    }
}

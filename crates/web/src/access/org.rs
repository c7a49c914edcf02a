//! The tree's scoped reads and writes: browsing from the scope's root, a
//! unit's versions, children, breadcrumb, events and lineage (each read
//! anchored on a unit checked to be in the scope), dated operations, and
//! the spreadsheet import staged under the session's own name.

use khienmang_core::Date;
use khienmang_core::auth::Capability;
use khienmang_core::import::{ParseReport, TemplateKind};
use khienmang_core::org::{OrgHistory, OrgOp, UnitId, UnitVersion};
use khienmang_store::import::{CheckedRow, RowCheck, StagedImport};
use khienmang_store::org::{LinkedUnit, OpPreview, OrgEvent};

use super::{OrgRead, OrgWrite, Scope, Target, Within, today};
use crate::error::{WebError, WebResult};

impl Within<'_> {
    /// The unit on `on` (None if it did not exist then).
    pub async fn on(&self, on: Date) -> WebResult<Option<UnitVersion>> {
        Ok(self.g.store.unit_on(self.unit, on).await?)
    }

    /// Every dated version of the unit.
    pub async fn versions(&self) -> WebResult<Vec<UnitVersion>> {
        Ok(self.g.store.unit_versions(self.unit).await?)
    }

    /// The units directly under it on `on` (paginated).
    pub async fn children_on(&self, on: Date, limit: i64, offset: i64) -> WebResult<Vec<UnitVersion>> {
        Ok(self.g.store.children_on(self.unit, on, limit, offset).await?)
    }

    /// Its breadcrumb on `on`.
    pub async fn ancestors_on(&self, on: Date) -> WebResult<Vec<UnitVersion>> {
        Ok(self.g.store.ancestors_on(self.unit, on).await?)
    }

    /// The operations that changed it.
    pub async fn events(&self) -> WebResult<Vec<OrgEvent>> {
        Ok(self.g.store.unit_events(self.unit).await?)
    }

    /// The units it was formed from (`from`) or went into.
    pub async fn lineage(&self, from: bool) -> WebResult<Vec<LinkedUnit>> {
        Ok(self.g.store.unit_lineage(self.unit, from).await?)
    }

    /// The tree's whole history, to follow this unit through
    /// reorganisations and roll values up to it.
    pub async fn tree_history(&self) -> WebResult<std::sync::Arc<OrgHistory>> {
        Ok(self.g.store.org_history().await?)
    }
}

impl OrgRead {
    /// The unit on `on`, or NotFound if it is absent or outside the scope.
    pub async fn unit(&self, unit: UnitId, on: Date) -> WebResult<Option<UnitVersion>> {
        self.within(unit).await?.on(on).await
    }

    /// Units with this code on `on`, keeping only those inside the scope.
    pub async fn units_by_code(&self, code: &str, on: Date) -> WebResult<Vec<UnitVersion>> {
        let mut out = Vec::new();
        for v in self.0.store.units_by_code(code, on).await? {
            if self.ensure(v.unit_id).await.is_ok() {
                out.push(v);
            }
        }
        Ok(out)
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
        self.0.search_units(q, on, limit).await
    }
}

impl super::Granted {
    /// Whether the session may change `unit` today (it lies in the subtree
    /// as it stands today, not only in its history).
    pub async fn unit_writable_today(&self, unit: UnitId) -> WebResult<bool> {
        self.scope.contains_today(&self.store, unit).await
    }

    /// Search by name or code ignoring diacritics, keeping only units inside the scope.
    pub async fn search_units(&self, q: &str, on: Option<Date>, limit: i64) -> WebResult<Vec<UnitVersion>> {
        let g = self;
        let mut out = Vec::new();
        // Over-fetch, then filter: most hits of a scoped search are outside it.
        let fetch = if g.scope == Scope::Country { limit } else { limit * 20 };
        for v in g.store.search_units(q, on, fetch).await? {
            if g.scope.contains(&g.store, v.unit_id).await? {
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
        self.within(unit).await?.on(on).await
    }

    /// Applies a dated operation if every unit it touches is in the scope.
    /// Making a top-level unit needs the whole country, whichever operation
    /// makes it (a create, or a merge or split whose new unit has no parent).
    pub async fn apply(&self, op: &OrgOp, on: Date, legal_basis: Option<&str>) -> WebResult<Vec<UnitId>> {
        let touched = self.allowed(op)?;
        // Writes need every unit in the subtree today, not just in its history.
        self.write(Target::Units(&touched), async |tx| Ok(tx.apply_op(op, on, legal_basis).await?)).await
    }

    /// What `op` would move, checked as [`OrgWrite::apply`] checks it;
    /// nothing is written (the transaction is rolled back).
    pub async fn preview(&self, op: &OrgOp, on: Date) -> WebResult<OpPreview> {
        let touched = self.allowed(op)?;
        let mut tx = self.begin(Target::Units(&touched)).await?;
        let preview = tx.preview_op(op, on).await?;
        drop(tx);
        Ok(preview)
    }

    /// The scope's rules for an operation, before its units are checked
    /// to lie in the subtree today: only the whole country makes top-level
    /// units, and a scope's root is moved, merged, split or abolished only
    /// by the level above. Returns the units to check.
    fn allowed(&self, op: &OrgOp) -> WebResult<Vec<UnitId>> {
        if self.0.scope != Scope::Country && op.new_units().iter().any(|u| u.parent_id.is_none()) {
            return Err(WebError::Refused(
                "Chỉ tài khoản có phạm vi toàn quốc mới được lập đơn vị cấp cao nhất (đơn vị không có \
                 đơn vị cấp trên). Hãy chọn đơn vị cấp trên cho đơn vị mới."
                    .into(),
            ));
        }
        if matches!(op, OrgOp::AbolishLevel { .. }) && !self.0.role.can(Capability::OrgReorganise) {
            return Err(WebError::Refused(
                "Chỉ Thường trực Công an tỉnh hoặc quản trị hệ thống mới được bỏ cả một cấp hành chính; \
                 cán bộ xã/phường hay cơ quan, đơn vị không thực hiện việc này."
                    .into(),
            ));
        }
        if let Some(root) = self.0.scope.root()
            && op.restructured_units().contains(&root)
        {
            return Err(WebError::Refused(
                "Đơn vị gốc của phạm vi quản lý chỉ được chuyển, sáp nhập, chia tách hoặc giải thể bởi cấp trên \
                 (ví dụ Thường trực Công an tỉnh): cán bộ xã/phường không tự thay đổi địa giới của xã/phường mình."
                    .into(),
            ));
        }
        let touched = op.touched_units();
        if touched.is_empty() && self.0.scope != Scope::Country {
            return Err(WebError::Forbidden);
        }
        Ok(touched)
    }

    /// Checks template rows against the tree and the scope; writes nothing.
    pub async fn check_rows(&self, kind: TemplateKind, parsed: ParseReport, default_from: Date) -> WebResult<RowCheck> {
        Ok(self
            .0
            .store
            .check_rows(kind, parsed.rows, parsed.errors, default_from, self.0.scope.root(), today())
            .await?)
    }

    /// Writes rows [`OrgWrite::check_rows`] passed (it checked the scope).
    pub async fn import_rows(&self, kind: TemplateKind, rows: &[CheckedRow], source: &str) -> WebResult<usize> {
        let ids = self.write(Target::Programme, async |tx| Ok(tx.import_rows(kind, rows, source).await?)).await?;
        Ok(ids.len())
    }

    /// Keeps an uploaded file for its commit, under the session's name.
    pub async fn stage_import(
        &self,
        batch: &str,
        kind: &str,
        filename: &str,
        bytes: &[u8],
        refused: usize,
    ) -> WebResult<()> {
        self.0.stage(batch, kind, filename, bytes, refused).await
    }

    /// A file this session staged (NotFound for anyone else's).
    pub async fn staged_import(&self, batch: &str) -> WebResult<StagedImport> {
        self.0.store.staged_import(batch, self.0.user_id).await?.ok_or(WebError::NotFound)
    }

    /// Forgets a staged file once it was imported.
    pub async fn drop_staged(&self, batch: &str) -> WebResult<()> {
        Ok(self.0.store.drop_staged(batch).await?)
    }
}

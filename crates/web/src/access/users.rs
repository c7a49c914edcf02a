//! Accounts: the list an account administrator sees (only accounts whose
//! scope lies within theirs, the view audited), and the session's own
//! account (sign-in, second factor, sessions) in [`super::public`].

use khienmang_store::auth::User;

use super::{Scope, UserAdmin};
use crate::error::WebResult;

impl UserAdmin {
    /// Accounts whose scope lies within this one's. Viewing the list is a
    /// view of personal data, so it is audited.
    pub async fn users(&self) -> WebResult<Vec<User>> {
        self.audit_view("personal_data.view", "users", serde_json::json!({"scope": self.0.scope.root()})).await?;
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

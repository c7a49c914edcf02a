//! Accounts and sessions. Passwords arrive here already hashed (Argon2id, in
//! core); session tokens are stored only as SHA-256 hashes.

use khienmang_core::auth::{Role, SESSION_IDLE_MINUTES, lockout_seconds};
use khienmang_core::org::UnitId;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, Store, StoreError, WriteTx};
use khienmang_core::time::Timestamp;

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: Role,
    /// `None` only for system administrators: the whole country.
    pub scope_unit_id: Option<UnitId>,
    #[serde(skip)]
    pub totp_secret: Option<String>,
    pub is_demo: bool,
    pub disabled: bool,
    pub failed_logins: i64,
    pub locked_until: Option<String>,
    /// The password is a temporary one an administrator gave: it must be
    /// changed before the account does anything else.
    pub must_change_password: bool,
    /// When the account last completed a sign-in (RFC 3339, UTC).
    pub last_sign_in_at: Option<String>,
}

/// What an administrator changes of an account.
#[derive(Debug, Clone)]
pub struct AccountChange {
    pub display_name: String,
    pub role: Role,
    pub scope_unit_id: Option<UnitId>,
}

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub second_factor_done: bool,
    pub expires_at: String,
    /// When the session was last used (to the minute, see [`Store::touch_session`]).
    pub last_seen: String,
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.password_hash, u.role, u.scope_unit_id, \
     u.totp_secret, u.is_demo, u.disabled, u.failed_logins, u.locked_until, u.must_change_password, u.last_sign_in_at";

fn user_from_row(r: &AnyRow) -> Result<User> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        password_hash: r.try_get("password_hash")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Invalid(format!("vai trò không hợp lệ: {role}")))?,
        scope_unit_id: r.try_get::<Option<i64>, _>("scope_unit_id")?.map(UnitId),
        totp_secret: r.try_get("totp_secret")?,
        is_demo: r.try_get::<i64, _>("is_demo")? != 0,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        failed_logins: r.try_get("failed_logins")?,
        locked_until: r.try_get("locked_until")?,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
        last_sign_in_at: r.try_get("last_sign_in_at")?,
    })
}

/// A sign-in attempt, counted as failed until it succeeds.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    pub user_id: i64,
    /// The account's failures, this attempt included.
    pub failures: i64,
}

/// The account is locked until this time (RFC 3339, UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked(pub String);

/// An attempt is still admitted when no attempt began after it (the count
/// is its own) or the account is not locked. Binds: user id, the attempt's
/// count, now.
const STILL_ADMITTED: &str = "(failed_logins = $2 OR locked_until IS NULL OR locked_until <= $3)";

/// What a new account needs.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub scope_unit_id: Option<UnitId>,
    pub is_demo: bool,
}

impl Store {
    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1"))
            .bind(username.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every account, by username: the access layer keeps those of the
    /// caller's subtree (accounts are hundreds, not millions).
    pub async fn all_users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username"))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    pub async fn users(&self, limit: i64, offset: i64) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username LIMIT $1 OFFSET $2"))
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// The live session of a token: not past its absolute expiry, used
    /// within the last [`SESSION_IDLE_MINUTES`], of an enabled account.
    pub async fn session(&self, token_hash: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Option<Session>> {
        let idle_since = now - chrono::Duration::minutes(SESSION_IDLE_MINUTES);
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.second_factor_done, s.expires_at, \
             COALESCE(s.last_seen, s.created_at) AS last_seen FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 \
             AND COALESCE(s.last_seen, s.created_at) > $3 AND u.disabled = 0"
        ))
        .bind(token_hash.to_string())
        .bind(Timestamp::from(now).stored())
        .bind(Timestamp::from(idle_since).stored())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref()
            .map(|r| {
                Ok(Session {
                    user: user_from_row(r)?,
                    csrf_token: r.try_get("csrf_token")?,
                    second_factor_done: r.try_get::<i64, _>("second_factor_done")? != 0,
                    expires_at: r.try_get("expires_at")?,
                    last_seen: r.try_get("last_seen")?,
                })
            })
            .transpose()
    }

    /// The account's live sessions, newest first; `reference` names one
    /// without giving out anything that opens it (a digest of its token's
    /// digest).
    pub async fn sessions_of(&self, user_id: i64, now: chrono::DateTime<chrono::Utc>) -> Result<Vec<SessionInfo>> {
        let idle_since = now - chrono::Duration::minutes(SESSION_IDLE_MINUTES);
        let rows = sqlx::query(
            "SELECT token_hash, created_at, COALESCE(last_seen, created_at) AS last_seen, expires_at              FROM sessions WHERE user_id = $1 AND expires_at > $2 AND COALESCE(last_seen, created_at) > $3              ORDER BY created_at DESC LIMIT 100",
        )
        .bind(user_id)
        .bind(Timestamp::from(now).stored())
        .bind(Timestamp::from(idle_since).stored())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SessionInfo {
                    reference: session_reference(&r.try_get::<String, _>("token_hash")?),
                    created_at: r.try_get("created_at")?,
                    last_seen: r.try_get("last_seen")?,
                    expires_at: r.try_get("expires_at")?,
                })
            })
            .collect()
    }

    /// Marks a session used now. Only once a minute has passed since the
    /// last mark: a write a minute per session, not one per request.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        session: &Session,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let minute_ago = Timestamp::from(now - chrono::Duration::minutes(1)).stored();
        if session.last_seen.as_str() >= minute_ago.as_str() {
            return Ok(());
        }
        sqlx::query("UPDATE sessions SET last_seen = $2 WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .bind(Timestamp::from(now).stored())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// A live session as its owner sees it in the list of their sessions.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub reference: String,
    pub created_at: String,
    pub last_seen: String,
    pub expires_at: String,
}

/// What names a session in its owner's list: 16 hex digits of a digest of
/// its token's digest, so the list gives out nothing that opens a session.
pub fn session_reference(token_hash: &str) -> String {
    khienmang_core::secret::token_hash(token_hash)[..16].to_string()
}

impl WriteTx {
    /// Ends the account's sessions named by `reference` (one), or every one
    /// but `keep` (the session asking) when `reference` is `None`. Returns
    /// how many ended; audited.
    pub async fn end_own_sessions(&mut self, user_id: i64, reference: Option<&str>, keep: &str) -> Result<u64> {
        let hashes: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&mut *self.tx)
            .await?;
        let mut ended = 0;
        for hash in hashes.iter().filter(|h| h.as_str() != keep) {
            if reference.is_some_and(|r| session_reference(hash) != r) {
                continue;
            }
            ended += sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(hash)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
        }
        if ended > 0 {
            let detail = serde_json::json!({"ended": ended, "all_others": reference.is_none()});
            self.audit("auth.sessions_ended", &format!("user:{user_id}"), &detail).await?;
        }
        Ok(ended)
    }

    pub async fn create_user(&mut self, u: &NewUser<'_>) -> Result<i64> {
        self.insert_user(u, false).await
    }

    /// An account whose password is temporary: it must be changed at the
    /// first sign-in. Audited as `user.create`.
    pub async fn create_account(&mut self, u: &NewUser<'_>) -> Result<i64> {
        self.insert_user(u, true).await
    }

    async fn insert_user(&mut self, u: &NewUser<'_>, temporary: bool) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, role, scope_unit_id, is_demo, created_at, \
             must_change_password) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(u.username.to_string())
        .bind(u.display_name.to_string())
        .bind(u.password_hash.to_string())
        .bind(u.role.as_str())
        .bind(u.scope_unit_id.map(|s| s.0))
        .bind(i64::from(u.is_demo))
        .bind(self.stamp())
        .bind(i64::from(temporary))
        .fetch_one(&mut *self.tx)
        .await?;
        let detail = serde_json::json!({"username": u.username, "display_name": u.display_name,
            "role": u.role.as_str(), "scope": u.scope_unit_id, "demo": u.is_demo, "temporary_password": temporary});
        self.audit("user.create", &format!("user:{id}"), &detail).await?;
        Ok(id)
    }

    pub async fn set_password(&mut self, user_id: i64, password_hash: &str) -> Result<()> {
        self.replace_password(user_id, password_hash, false, None).await?;
        self.audit("user.password", &format!("user:{user_id}"), &serde_json::json!({})).await?;
        Ok(())
    }

    /// An administrator's reset: a temporary password that must be changed
    /// at the next sign-in; every session of the account ends. Audited.
    pub async fn reset_password(&mut self, user_id: i64, password_hash: &str) -> Result<()> {
        let ended = self.replace_password(user_id, password_hash, true, None).await?;
        let detail = serde_json::json!({"temporary_password": true, "sessions_ended": ended});
        self.audit("user.password_reset", &format!("user:{user_id}"), &detail).await?;
        Ok(())
    }

    /// The account changes its own password (knowing the old one, or the
    /// temporary one at its first sign-in): the temporary mark goes, and its
    /// sessions end but `keep` (the one asking, if any). Audited.
    pub async fn change_own_password(&mut self, user_id: i64, password_hash: &str, keep: Option<&str>) -> Result<()> {
        let ended = self.replace_password(user_id, password_hash, false, keep).await?;
        let detail = serde_json::json!({"sessions_ended": ended});
        self.audit("user.password_change", &format!("user:{user_id}"), &detail).await?;
        Ok(())
    }

    /// Sets the hash and the temporary mark, forgets failures and lockout,
    /// and ends the account's sessions but `keep`; returns how many ended.
    async fn replace_password(
        &mut self,
        user_id: i64,
        password_hash: &str,
        temporary: bool,
        keep: Option<&str>,
    ) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE users SET password_hash = $2, must_change_password = $3, failed_logins = 0, locked_until = NULL \
             WHERE id = $1",
        )
        .bind(user_id)
        .bind(password_hash.to_string())
        .bind(i64::from(temporary))
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.end_sessions_but(user_id, keep).await
    }

    /// Ends every session of the account but `keep`; returns how many ended.
    async fn end_sessions_but(&mut self, user_id: i64, keep: Option<&str>) -> Result<u64> {
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or("").to_string())
            .execute(&mut *self.tx)
            .await?;
        Ok(ended.rows_affected())
    }

    pub async fn set_totp(&mut self, user_id: i64, secret: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE users SET totp_secret = $2 WHERE id = $1")
            .bind(user_id)
            .bind(secret.map(str::to_string))
            .execute(&mut *self.tx)
            .await?;
        self.audit("user.totp", &format!("user:{user_id}"), &serde_json::json!({"enabled": secret.is_some()})).await?;
        Ok(())
    }

    /// An administrator removes a lost second factor: the account enrols a
    /// new one at its next sign-in (if its role requires one), and its
    /// sessions end, since whoever holds the lost device may be in one.
    pub async fn reset_second_factor(&mut self, user_id: i64) -> Result<()> {
        sqlx::query("UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?;
        let ended = self.end_sessions_but(user_id, None).await?;
        self.audit("user.totp_reset", &format!("user:{user_id}"), &serde_json::json!({"sessions_ended": ended}))
            .await?;
        Ok(())
    }

    /// Changes an account's display name, role and scope; the audit keeps
    /// what they were and what they became. A change of role or scope ends
    /// the account's sessions, so that no session keeps the old rights.
    pub async fn update_account(&mut self, before: &User, change: &AccountChange) -> Result<()> {
        sqlx::query("UPDATE users SET display_name = $2, role = $3, scope_unit_id = $4 WHERE id = $1")
            .bind(before.id)
            .bind(change.display_name.clone())
            .bind(change.role.as_str())
            .bind(change.scope_unit_id.map(|s| s.0))
            .execute(&mut *self.tx)
            .await?;
        let rights_changed = change.role != before.role || change.scope_unit_id != before.scope_unit_id;
        let ended = if rights_changed { self.end_sessions_but(before.id, None).await? } else { 0 };
        let detail = serde_json::json!({
            "before": {"display_name": before.display_name, "role": before.role.as_str(), "scope": before.scope_unit_id},
            "after": {"display_name": change.display_name, "role": change.role.as_str(), "scope": change.scope_unit_id},
            "sessions_ended": ended,
        });
        self.audit("user.update", &format!("user:{}", before.id), &detail).await?;
        Ok(())
    }

    /// Disables an account (its sessions end at once, and it cannot sign
    /// in) or enables it again; the reason is kept in the audit.
    pub async fn set_disabled(&mut self, user_id: i64, disabled: bool, reason: &str) -> Result<()> {
        sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1")
            .bind(user_id)
            .bind(i64::from(disabled))
            .execute(&mut *self.tx)
            .await?;
        let ended = if disabled { self.end_sessions_but(user_id, None).await? } else { 0 };
        let action = if disabled { "user.disable" } else { "user.enable" };
        let detail = serde_json::json!({"reason": reason, "sessions_ended": ended});
        self.audit(action, &format!("user:{user_id}"), &detail).await?;
        Ok(())
    }

    /// Notes the account completed a sign-in now.
    async fn signed_in(&mut self, user_id: i64) -> Result<()> {
        sqlx::query("UPDATE users SET last_sign_in_at = $2 WHERE id = $1")
            .bind(user_id)
            .bind(self.stamp())
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Counts a sign-in attempt (a password, or a TOTP code) as failed
    /// before its secret is checked, unless the account is locked, and from
    /// the fifth failure on locks the account at once. Counting first, in
    /// one statement, is what stops guesses sent in parallel: each is counted
    /// one after the other and only the first few are checked (the count
    /// used to be written from a value read before the check, so sixty
    /// parallel guesses all passed it). A locked account is refused without
    /// counting or checking anything.
    pub async fn begin_attempt(
        &mut self,
        user_id: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<std::result::Result<Attempt, Locked>> {
        let failures: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET failed_logins = failed_logins + 1 \
             WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) RETURNING failed_logins",
        )
        .bind(user_id)
        .bind(Timestamp::from(now).stored())
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some(failures) = failures else {
            return Ok(Err(self.lock_of(user_id).await?.unwrap_or(Locked(String::new()))));
        };
        let wait = lockout_seconds(u32::try_from(failures).unwrap_or(u32::MAX));
        if wait > 0 {
            sqlx::query("UPDATE users SET locked_until = $2 WHERE id = $1")
                .bind(user_id)
                .bind(Timestamp::from(now + chrono::Duration::seconds(wait)).stored())
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(Ok(Attempt { user_id, failures }))
    }

    /// The attempt's secret was wrong (or missing, or a code already used):
    /// it stays counted. Returns the lockout it caused, if any.
    pub async fn attempt_failed(&mut self, attempt: &Attempt, factor: &str) -> Result<Option<Locked>> {
        let locked = match lockout_seconds(u32::try_from(attempt.failures).unwrap_or(u32::MAX)) {
            0 => None,
            _ => self.lock_of(attempt.user_id).await?,
        };
        self.audit(
            "auth.login_failed",
            &format!("user:{}", attempt.user_id),
            &serde_json::json!({"failures": attempt.failures, "factor": factor, "locked_until": locked.as_ref().map(|l| &l.0)}),
        )
        .await?;
        Ok(locked)
    }

    /// The sign-in is complete: the failures are forgotten. If attempts that
    /// began while this one was checked have locked the account meanwhile,
    /// the lock wins and nothing changes.
    pub async fn attempt_succeeded(
        &mut self,
        attempt: &Attempt,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<std::result::Result<(), Locked>> {
        let done = sqlx::query(&format!(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND {STILL_ADMITTED}"
        ))
        .bind(attempt.user_id)
        .bind(attempt.failures)
        .bind(Timestamp::from(now).stored())
        .execute(&mut *self.tx)
        .await?;
        self.admitted(attempt, done.rows_affected()).await
    }

    /// The password was right and a code is still due: this attempt no
    /// longer counts (wrong codes will), but the earlier failures stay
    /// until the code is right, so that signing in again does not buy more
    /// guesses at the code. The same rule as [`Self::attempt_succeeded`]
    /// when the account was locked meanwhile.
    pub async fn attempt_half_done(
        &mut self,
        attempt: &Attempt,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<std::result::Result<(), Locked>> {
        // A lock still on is this attempt's own (it was admitted, and no
        // attempt began after it), so it goes with the attempt.
        let done = sqlx::query(&format!(
            "UPDATE users SET failed_logins = failed_logins - 1, locked_until = NULL WHERE id = $1 AND {STILL_ADMITTED}"
        ))
        .bind(attempt.user_id)
        .bind(attempt.failures)
        .bind(Timestamp::from(now).stored())
        .execute(&mut *self.tx)
        .await?;
        self.admitted(attempt, done.rows_affected()).await
    }

    async fn admitted(&mut self, attempt: &Attempt, rows: u64) -> Result<std::result::Result<(), Locked>> {
        if rows == 1 {
            return Ok(Ok(()));
        }
        Ok(Err(self.lock_of(attempt.user_id).await?.unwrap_or(Locked(String::new()))))
    }

    async fn lock_of(&mut self, user_id: i64) -> Result<Option<Locked>> {
        let until: Option<Option<String>> = sqlx::query_scalar("SELECT locked_until FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(until.flatten().map(Locked))
    }

    /// Takes the TOTP time step of a right code; `false` if that step (or a
    /// later one) was already taken: a code is good once.
    pub async fn claim_totp_step(&mut self, user_id: i64, step: u64) -> Result<bool> {
        let step = i64::try_from(step).map_err(|_| StoreError::Invalid("bước thời gian không hợp lệ".into()))?;
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(user_id)
        .bind(step)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn create_session(
        &mut self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        second_factor_done: bool,
        expires_at: &str,
    ) -> Result<()> {
        let now = self.stamp();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, second_factor_done, created_at, expires_at, last_seen) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token_hash.to_string())
        .bind(user_id)
        .bind(csrf_token.to_string())
        .bind(i64::from(second_factor_done))
        .bind(now.clone())
        .bind(expires_at.to_string())
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        if second_factor_done {
            self.signed_in(user_id).await?;
        }
        self.audit("auth.login", &format!("user:{user_id}"), &serde_json::json!({"second_factor": second_factor_done}))
            .await?;
        Ok(())
    }

    pub async fn complete_second_factor(&mut self, token_hash: &str, user_id: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET second_factor_done = 1 WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(&mut *self.tx)
            .await?;
        self.signed_in(user_id).await?;
        self.audit("auth.second_factor", &format!("user:{user_id}"), &serde_json::json!({})).await?;
        Ok(())
    }

    pub async fn end_session(&mut self, token_hash: &str, user_id: i64) -> Result<()> {
        let ended = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(&mut *self.tx)
            .await?;
        // A session already gone (ended by a parallel request) is not logged twice.
        if ended.rows_affected() > 0 {
            self.audit("auth.logout", &format!("user:{user_id}"), &serde_json::json!({})).await?;
        }
        Ok(())
    }
}

// ---- initiative leaders: the initiatives an account leads ----

impl Store {
    /// Enabled initiative-leader accounts, for the commune officer's pick
    /// list (the web layer keeps those of the initiative's commune).
    pub async fn leader_accounts(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.role = $1 AND u.disabled = 0 ORDER BY u.username"
        ))
        .bind(Role::InitiativeLeader.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// The accounts linked as leaders of `initiative`.
    pub async fn initiative_leaders(&self, initiative: i64) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u JOIN initiative_leaders l ON l.user_id = u.id \
             WHERE l.initiative_id = $1 ORDER BY u.username"
        ))
        .bind(initiative)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Whether `user` is linked as a leader of `initiative`.
    pub async fn leads_initiative(&self, user: i64, initiative: i64) -> Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT user_id FROM initiative_leaders WHERE user_id = $1 AND initiative_id = $2")
                .bind(user)
                .bind(initiative)
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }
}

impl WriteTx {
    /// Links `user` as a leader of `initiative`, or removes the link;
    /// audited. Linking again, or removing what is not there, changes nothing.
    pub async fn set_initiative_leader(&mut self, initiative: i64, user: i64, linked: bool) -> Result<()> {
        let (query, action) = if linked {
            let insert = sqlx::query(
                "INSERT INTO initiative_leaders (initiative_id, user_id, linked_by, linked_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            );
            (insert.bind(initiative).bind(user).bind(self.actor.clone()).bind(self.stamp()), "initiative.leader_link")
        } else {
            let delete = sqlx::query("DELETE FROM initiative_leaders WHERE initiative_id = $1 AND user_id = $2");
            (delete.bind(initiative).bind(user), "initiative.leader_unlink")
        };
        query.execute(&mut *self.tx).await?;
        self.audit(action, &format!("initiative:{initiative}"), &serde_json::json!({"user": user})).await?;
        Ok(())
    }
}

//! What anonymous pages reach: scoped reads and writes.

// --- Citizens' reports, sign-in and sessions, health (anonymous pages) ---
//
// Each accessor below is named for the one page or step that needs it, and
// reaches no more than that step shows: the communes a report may name, a
// report only by its code and secret (or its public code for Open311), the
// province's statistics, the session a token stands for. A write is in the
// reporter's name for a report the caller opened, or in the account's own
// name for its sign-in, second factor and sessions.

mod reports_and_sessions {
    use chrono::{DateTime, Utc};
    use khienmang_core::org::{UnitId, UnitVersion};
    use khienmang_core::reports::{Category, Channel};
    use khienmang_store::auth::{Session, SessionInfo, User};
    use khienmang_store::reports::{REPORTER, Receipt, Report, ReportEvent, ReportStats};
    use khienmang_store::{Result as StoreResult, WriteTx};

    use super::super::{Identity, Vault};
    use crate::error::WebResult;
    use crate::reports::{ReportsRuntime, Submission};

    impl Vault {
        /// The communes a citizen may say the report is about.
        pub async fn report_communes(&self) -> StoreResult<Vec<UnitVersion>> {
            self.0.report_communes().await
        }

        /// Checks and hands a citizen's report to the intake.
        pub async fn submit_report(&self, s: Submission, rt: &ReportsRuntime, channel: Channel) -> WebResult<Receipt> {
            s.submit(&self.0, rt, channel).await
        }

        /// The name of the unit a just-received report went to (for the receipt page).
        pub async fn handling_unit_name(&self, receipt: &Receipt) -> StoreResult<String> {
            Ok(self.0.report(receipt.id).await?.map(|r| r.unit_name).unwrap_or_default())
        }

        /// The commune a citizen named (its code, id or name).
        pub async fn resolve_commune(&self, given: &str) -> WebResult<UnitId> {
            crate::reports::resolve_commune(&self.0, given).await
        }

        /// How many reports (up to `limit`) look like the one being written: a
        /// count only, nothing of them.
        pub async fn similar_count(
            &self,
            description: &str,
            identifiers: &[khienmang_core::reports::Identifier],
            commune: Option<UnitId>,
            limit: usize,
        ) -> StoreResult<usize> {
            Ok(self.0.similar_reports(description, identifiers, commune, None, None, limit).await?.len())
        }

        /// The report its reporter opens with the code and the secret.
        pub async fn report_for_reporter(&self, code: &str, secret: &str) -> StoreResult<Option<Report>> {
            self.0.report_for_reporter(code, secret).await
        }

        /// A report by its public tracking code (Open311 shows its public fields).
        pub async fn report_by_code(&self, code: &str) -> StoreResult<Option<Report>> {
            self.0.report_by_code(code).await
        }

        /// The timeline of a report the caller holds (by code and secret, or by
        /// public code); the pages keep only what is meant for the reporter.
        pub async fn report_timeline(&self, report: &Report) -> StoreResult<Vec<ReportEvent>> {
            self.0.report_events(report.id).await
        }

        /// Reports received in `[since, until)` for Open311's public list.
        pub async fn reports_received(
            &self,
            since: &str,
            until: &str,
            category: Option<Category>,
            open: Option<bool>,
            limit: i64,
        ) -> StoreResult<Vec<Report>> {
            self.0.reports_received(since, until, category, open, limit).await
        }

        /// The public statistics of the province the reports are received for.
        pub async fn province_report_stats(&self, year: Option<i32>) -> StoreResult<ReportStats> {
            let province = self.0.reports_province().await?;
            self.0.report_stats(Some(province), year).await
        }

        /// A transaction in the reporter's name, for the report the caller
        /// opened with its code and secret. The caller commits it.
        pub async fn reporter_tx(&self, _opened: &Report) -> StoreResult<WriteTx> {
            self.0.begin_write(REPORTER).await
        }

        /// The account signing in under `username`, if there is one.
        pub async fn account_named(&self, username: &str) -> StoreResult<Option<User>> {
            self.0.user_by_name(username).await
        }

        /// A transaction in no one's name, for a sign-in attempt not yet tied
        /// to an account. The caller commits it.
        pub async fn anonymous_tx(&self) -> StoreResult<WriteTx> {
            self.0.begin_write("anonymous").await
        }

        /// A transaction in the account's own name, for its sign-in, second
        /// factor and sessions. The caller commits it.
        pub async fn account_tx(&self, user: &User) -> StoreResult<WriteTx> {
            self.0.begin_write(&user.username).await
        }

        /// The live sessions of the signed-in account.
        pub async fn own_sessions(&self, id: &Identity, now: DateTime<Utc>) -> StoreResult<Vec<SessionInfo>> {
            self.0.sessions_of(id.user.id, now).await
        }

        /// The session a token stands for, if it is live.
        pub async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Session>> {
            self.0.session(token_hash, now).await
        }

        /// Marks the session used now (at most once a minute).
        pub async fn touch_session(&self, token_hash: &str, session: &Session, now: DateTime<Utc>) -> StoreResult<()> {
            self.0.touch_session(token_hash, session, now).await
        }

        /// The latest name of the unit an account's scope is rooted at.
        pub async fn scope_name(&self, unit: UnitId) -> StoreResult<String> {
            Ok(self.0.unit_versions(unit).await?.pop().map(|v| v.name).unwrap_or_default())
        }

        /// Whether the database answers (the health check's one read).
        pub async fn health(&self) -> StoreResult<()> {
            self.0.setting("health").await.map(|_| ())
        }
    }
}
// --- end of reports, sign-in and sessions ---

//! What anonymous pages reach: narrow, purpose-named reads (and the few
//! writes a citizen makes), each view handed out by the [`Vault`] for one
//! group of public pages. None of them gives out the store.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use khienmang_core::Date;
use khienmang_core::org::{Level, UnitId, UnitVersion};
use khienmang_core::outreach::Warning;
use khienmang_core::outreach::contest::{OneTimeCode, PersonKey};
use khienmang_core::outreach::survey::StoredResponse;
use khienmang_core::reports::Contact;
use khienmang_core::scamcheck::feeds::ExportIndicator;
use khienmang_store::outreach::contests::{
    AttemptRecord, BankQuestion, ContestRecord, ContestUnit, EntrantKeys, PrizeRecord, SheetRecord, StartedAttempt,
    VerifiedEntrant,
};
use khienmang_store::outreach::surveys::SurveyRecord;
use khienmang_store::reports::FieldKey;
use khienmang_store::scamcheck::{Dispute, DisputeReceipt, Indicator};
use khienmang_store::{Store, StoreError};

use super::Vault;
use crate::error::{WebError, WebResult};

impl Vault {
    /// What the warnings, surveys and contests pages reach.
    pub fn outreach_public(&self) -> OutreachPublic<'_> {
        OutreachPublic(&self.0)
    }

    /// What the check page, the owner's dispute and the feeds reach.
    pub fn scamcheck_public(&self) -> ScamcheckPublic<'_> {
        ScamcheckPublic(&self.0)
    }
}

/// The public side of outreach: published warnings, open surveys and the
/// citizen's steps through a contest.
#[derive(Clone, Copy)]
pub struct OutreachPublic<'a>(&'a Store);

impl OutreachPublic<'_> {
    /// The latest `limit` warnings, the page and the feeds keeping those
    /// published by now.
    pub async fn recent_warnings(&self, limit: i64) -> WebResult<Vec<Warning>> {
        Ok(self.0.warnings(limit).await?)
    }

    /// When a warning was last corrected (RFC 3339), for the note citizens read.
    pub async fn warning_corrected_at(&self, id: i64) -> WebResult<Option<String>> {
        Ok(self.0.warning_corrected_at(id).await?)
    }

    /// A warning by its slug (published or not: the page checks), or NotFound.
    pub async fn warning(&self, slug: &str) -> WebResult<Warning> {
        self.0.warning_by_slug(slug).await?.ok_or(WebError::NotFound)
    }

    /// Every survey (the page shows the open ones).
    pub async fn surveys(&self) -> WebResult<Vec<SurveyRecord>> {
        Ok(self.0.surveys().await?)
    }

    /// A survey, or NotFound.
    pub async fn survey(&self, id: i64) -> WebResult<SurveyRecord> {
        self.0.survey(id).await?.ok_or(WebError::NotFound)
    }

    /// The communes a survey asks on `on`: those under its area, or under
    /// the reports' province when it has none.
    pub async fn survey_communes(&self, s: &SurveyRecord, on: Date) -> WebResult<Vec<UnitVersion>> {
        let history = self.0.org_history().await?;
        let root = match s.area {
            Some(a) => a,
            None => self.0.reports_province(super::today()).await?,
        };
        Ok(history.subtree_on(root, on).into_iter().filter(|v| v.level == Level::Commune).cloned().collect())
    }

    /// Adds a response unless this respondent token already answered; false then.
    pub async fn answer_survey_once(
        &self,
        survey: i64,
        response: &StoredResponse,
        respondent: Option<&str>,
    ) -> WebResult<bool> {
        Ok(self.0.add_survey_response_once(survey, response, respondent).await?)
    }

    /// Every contest, open, coming or past.
    pub async fn contests(&self) -> WebResult<Vec<ContestRecord>> {
        Ok(self.0.contests().await?)
    }

    /// A contest that exists, or NotFound.
    pub async fn contest(&self, id: i64) -> WebResult<ContestRecord> {
        self.0.contest(id).await?.ok_or(WebError::NotFound)
    }

    /// The units an entrant may choose in a contest.
    pub async fn contest_units(&self, contest: i64) -> WebResult<Vec<ContestUnit>> {
        Ok(self.0.contest_units(contest).await?)
    }

    /// The prizes of a contest.
    pub async fn contest_prizes(&self, contest: i64) -> WebResult<Vec<PrizeRecord>> {
        Ok(self.0.contest_prizes(contest).await?)
    }

    /// The questions an attempt was drawn from.
    pub async fn contest_bank(&self, contest: &ContestRecord) -> WebResult<Vec<BankQuestion>> {
        Ok(self.0.contest_bank(contest).await?)
    }

    /// The latest names of units.
    pub async fn unit_names(&self, units: &[UnitId]) -> WebResult<BTreeMap<UnitId, String>> {
        super::outreach::names_of(self.0, units).await
    }

    /// Checks `person` may enter and stores a one-time code for them.
    pub async fn contest_code(
        &self,
        keys: &EntrantKeys,
        contest: i64,
        person: &PersonKey,
        now: DateTime<Utc>,
    ) -> WebResult<OneTimeCode> {
        Ok(self.0.request_contest_code(keys, contest, person, now).await?)
    }

    /// Checks the code typed and starts an attempt. The store's error is
    /// kept: a refusal (`Invalid`) is shown on the form.
    pub async fn start_contest_attempt(
        &self,
        keys: &EntrantKeys,
        contest: i64,
        entrant: VerifiedEntrant,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<StartedAttempt, StoreError> {
        self.0.start_contest_attempt(keys, contest, entrant, code, now).await
    }

    /// An attempt (the caller checks the browser holds its token).
    pub async fn contest_attempt(&self, id: i64) -> WebResult<Option<AttemptRecord>> {
        Ok(self.0.contest_attempt(id).await?)
    }

    /// An attempt's marked sheet, once it was submitted.
    pub async fn contest_sheet(&self, attempt: i64) -> WebResult<Option<SheetRecord>> {
        Ok(self.0.contest_sheet(attempt).await?)
    }
}

/// The public side of the scam check.
#[derive(Clone, Copy)]
pub struct ScamcheckPublic<'a>(&'a Store);

impl ScamcheckPublic<'_> {
    /// The hash of the listing at `row`, or None when there is none.
    pub async fn listing_hash(&self, row: i64) -> WebResult<Option<String>> {
        match self.0.indicator(row).await {
            Ok(listed) => Ok(Some(listed.hash)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The listing with this hash if the public is shown it at `now`.
    pub async fn shown_listing(&self, hash: &str, now: DateTime<Utc>) -> WebResult<Option<Indicator>> {
        Ok(self.0.public_indicator_by_hash(hash, now).await?)
    }

    /// Files an owner's dispute of a listing, in the reporters' name. The
    /// store's error is kept: a refusal (`Invalid`) is shown on the form.
    pub async fn file_dispute(
        &self,
        indicator: i64,
        statement: &str,
        contact: &Contact,
        key: &FieldKey,
    ) -> Result<DisputeReceipt, StoreError> {
        let mut tx = self.0.begin_write(khienmang_store::reports::REPORTER, super::now()).await?;
        let receipt = tx.file_dispute(indicator, statement, contact, key).await?;
        tx.commit().await?;
        Ok(receipt)
    }

    /// A dispute by its code and secret.
    pub async fn tracked_dispute(&self, code: &str, secret: &str) -> Result<Dispute, StoreError> {
        self.0.dispute_by_code(code, secret).await
    }

    /// The indicators the feeds publish at `now`.
    pub async fn feed_indicators(&self, now: DateTime<Utc>) -> WebResult<Vec<ExportIndicator>> {
        Ok(self.0.export_indicators(now).await?)
    }
}

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
    use khienmang_core::reports::Category;
    use khienmang_store::auth::{Session, SessionInfo, User};
    use khienmang_store::reports::{Likeness, REPORTER, Receipt, Report, ReportEvent, ReportStats};
    use khienmang_store::{Result as StoreResult, WriteTx};

    use super::super::{Identity, Vault, now, today};
    use crate::error::{WebError, WebResult};

    impl Vault {
        /// The communes a citizen may say the report is about.
        pub async fn report_communes(&self) -> StoreResult<Vec<UnitVersion>> {
            self.0.report_communes(today()).await
        }

        /// The name of the unit a just-received report went to (for the receipt page).
        pub async fn handling_unit_name(&self, receipt: &Receipt) -> StoreResult<String> {
            Ok(self.0.report(receipt.id).await?.map(|r| r.unit_name).unwrap_or_default())
        }

        /// The commune a citizen named (its id or official code), today.
        pub async fn resolve_commune(&self, given: &str) -> WebResult<UnitId> {
            self.0
                .report_commune(given, today())
                .await?
                .ok_or_else(|| WebError::BadRequest("Không tìm thấy xã/phường đã chọn trong tỉnh.".into()))
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
            let like = Likeness { text: description, identifiers, commune, exclude: None };
            Ok(self.0.similar_reports(&like, None, limit, now()).await?.len())
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
            let province = self.0.reports_province(today()).await?;
            self.0.report_stats(Some(province), year).await
        }

        /// A transaction in the reporter's name, for the report the caller
        /// opened with its code and secret. The caller commits it.
        pub async fn reporter_tx(&self, _opened: &Report) -> StoreResult<WriteTx> {
            self.0.begin_write(REPORTER, now()).await
        }

        /// The account signing in under `username`, if there is one.
        pub async fn account_named(&self, username: &str) -> StoreResult<Option<User>> {
            self.0.user_by_name(username).await
        }

        /// A transaction in no one's name, for a sign-in attempt not yet tied
        /// to an account. The caller commits it.
        pub async fn anonymous_tx(&self) -> StoreResult<WriteTx> {
            self.0.begin_write("anonymous", now()).await
        }

        /// A transaction in the account's own name, for its sign-in, second
        /// factor and sessions. The caller commits it.
        pub async fn account_tx(&self, user: &User) -> StoreResult<WriteTx> {
            self.0.begin_write(&user.username, now()).await
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

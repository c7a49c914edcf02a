//! Online contests (SPEC M7): the citizen's pages on a phone ([`public`]:
//! number → one-time code → questions with a countdown → prediction →
//! result), the public leaderboards, the JSON API ([`api`]) and the
//! organisers' pages ([`staff`]: create, question bank, units, staff list,
//! prizes, results and their export; [`settings`]: the settings, questions
//! and units as forms, corrected or voided before the contest opens).
//!
//! The deadline is the server's: a sheet is stamped when it arrives and
//! judged by core's `accept_submission`. Leaderboards are read from memory
//! (`LiveBoards`), never recomputed with SQL per request.

pub mod api;
pub mod public;
pub mod settings;
pub mod staff;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use khienmang_core::outreach::contest::{
    Entry, LogSmsSender, OneTimeCode, PersonKey, Ranked, SmsError, SmsSender, UnitStanding, all_correct_count,
    best_per_person, otp_sms_text, rank, unit_leaderboard,
};
use khienmang_store::Store;
use khienmang_store::outreach::contests::{ContestRecord, EntrantKeys, LiveBoards, Submissions};
use khienmang_store::reports::FieldKey;

use crate::access::OfContest;
use crate::access::public::OutreachPublic;
use crate::error::{WebError, WebResult};
use crate::limit::{ClientAddr, LimitClass, Limits};

/// Sends nothing and logs the message with its digits hidden: what runs
/// when no SMS gateway is configured outside a demo, so no code ever
/// reaches a log in production.
struct RedactedLogSender(LogSmsSender);

impl SmsSender for RedactedLogSender {
    fn send(&self, to: &PersonKey, text: &str) -> Result<(), SmsError> {
        let hidden: String = text.chars().map(|c| if c.is_ascii_digit() { '•' } else { c }).collect();
        self.0.send(to, &hidden)
    }
}

/// What the contest pages need at run time.
#[derive(Clone)]
pub struct ContestsRuntime {
    pub boards: LiveBoards,
    pub submissions: Submissions,
    pub keys: EntrantKeys,
    sms: Arc<dyn SmsSender>,
    /// The log-only sender's messages, shown on the page (labelled as a
    /// demo) only when demo accounts are enabled.
    demo_outbox: Option<Arc<LogSmsSender>>,
}

impl ContestsRuntime {
    /// Starts the leaderboards' keeper and the answer writer. With
    /// `demo` the log-only sender keeps codes readable (the demo shows
    /// them); otherwise codes are never logged.
    pub fn start(store: &Store, key: FieldKey, demo: bool) -> ContestsRuntime {
        let keys = EntrantKeys::new(key);
        let boards = LiveBoards::new(store.clone(), keys.clone());
        boards.start();
        let submissions = Submissions::start(store.clone(), boards.clone());
        let (sms, demo_outbox): (Arc<dyn SmsSender>, _) = if demo {
            let outbox = Arc::new(LogSmsSender::new());
            (outbox.clone(), Some(outbox))
        } else {
            (Arc::new(RedactedLogSender(LogSmsSender::new())), None)
        };
        ContestsRuntime { boards, submissions, keys, sms, demo_outbox }
    }

    /// Stores a code for `person` and sends it; returns the code itself only
    /// in a demo (to show it on the page), never otherwise.
    async fn send_code(
        &self,
        public: OutreachPublic<'_>,
        contest: i64,
        person: &PersonKey,
        limits: &Limits,
        client: ClientAddr,
    ) -> WebResult<Option<String>> {
        limits.check(LimitClass::ContestCode, client)?;
        let code: OneTimeCode = public.contest_code(&self.keys, contest, person, crate::access::now().utc()).await?;
        let text = otp_sms_text(&code);
        let (sender, to) = (self.sms.clone(), person.clone());
        tokio::task::spawn_blocking(move || sender.send(&to, &text))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?
            .map_err(|e| {
                tracing::warn!(error = %e, "contest code not sent");
                WebError::BadRequest(e.message_vi())
            })?;
        Ok(self.demo_outbox.as_ref().map(|_| code.as_str().to_owned()))
    }
}

/// "Đang diễn ra", "Sắp diễn ra" or "Đã kết thúc", and its CSS word.
pub fn status_of(c: &ContestRecord, now: DateTime<Utc>) -> (&'static str, &'static str) {
    if now < c.rules.opens_at {
        ("Sắp diễn ra", "upcoming")
    } else if c.rules.is_open(now) {
        ("Đang diễn ra", "open")
    } else {
        ("Đã kết thúc", "closed")
    }
}

/// "dd/mm/yyyy HH:MM" in Viet Nam.
pub fn when_vi(t: DateTime<Utc>) -> String {
    (t + chrono::Duration::hours(7)).format("%H:%M ngày %d/%m/%Y").to_string()
}

/// How many people a unit has who may take part, or "—" when not given.
pub fn eligible_vi(eligible: Option<u64>) -> String {
    eligible.map(|n| crate::i18n::number_vi(i64::try_from(n).unwrap_or(i64::MAX))).unwrap_or_else(|| "—".into())
}

/// "12 phút 30 giây", "45 giây".
pub fn limit_vi(secs: u32) -> String {
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} giây"),
        (m, 0) => format!("{m} phút"),
        (m, s) => format!("{m} phút {s} giây"),
    }
}

/// "72,5%"; small shares keep two decimals ("0,04%") so they do not read as 0.
pub fn percent_vi(share: f64) -> String {
    let text =
        if share >= 0.01 || share == 0.0 { format!("{:.1}%", share * 100.0) } else { format!("{:.2}%", share * 100.0) };
    text.replace('.', ",")
}

/// The exact ranking from the database with core's rules (the organisers'
/// pages and the export; the public pages read the live boards).
pub struct Results {
    pub actual_all_correct: u64,
    pub ranked: Vec<Ranked>,
    pub units: Vec<UnitStanding>,
}

pub async fn results(of: &OfContest<'_>, keys: &EntrantKeys, contest: &ContestRecord) -> WebResult<Results> {
    let entries: Vec<Entry> = of.entries(keys).await?;
    let question_count = u32::try_from(contest.rules.question_count).unwrap_or(u32::MAX);
    let actual = contest.actual_all_correct.unwrap_or_else(|| all_correct_count(&entries, question_count));
    let ranked = rank(&best_per_person(&entries, actual), actual);
    let populations: Vec<_> = of
        .units()
        .await?
        .into_iter()
        .filter_map(|u| {
            u.eligible.map(|eligible| khienmang_core::outreach::contest::UnitPopulation { unit: u.unit, eligible })
        })
        .collect();
    let units = unit_leaderboard(&entries, &populations);
    Ok(Results { actual_all_correct: actual, ranked, units })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_production_sender_never_logs_a_code() {
        let sender = RedactedLogSender(LogSmsSender::new());
        let me = PersonKey::parse("0912345678").unwrap();
        let code = OneTimeCode::generate([7; 8]);
        sender.send(&me, &otp_sms_text(&code)).unwrap();
        let kept = sender.0.last_to(&me).unwrap();
        assert!(!kept.contains(code.as_str()), "{kept}");
        assert!(!kept.chars().any(|c| c.is_ascii_digit()));
    }

    #[test]
    fn times_and_shares_read_the_vietnamese_way() {
        assert_eq!(limit_vi(90), "1 phút 30 giây");
        assert_eq!(limit_vi(60), "1 phút");
        assert_eq!(limit_vi(45), "45 giây");
        assert_eq!(percent_vi(0.725), "72,5%");
        assert_eq!(percent_vi(0.0004), "0,04%");
        assert_eq!(percent_vi(0.0), "0,0%");
    }
}

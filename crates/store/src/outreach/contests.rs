//! Online contests (SPEC M7): the organisers' settings, question banks,
//! staff lists and prizes (every change audited), and the entrants' side:
//! one-time codes, attempts, answer sheets ([`submit`], written in batches
//! by one writer task) and the live leaderboards ([`live`]) that follow the
//! entries on every replica.
//!
//! The rules (draw, grading, deadline, ranking, codes) are those of
//! `khienmang_core::outreach::contest`. An entrant's mobile number is never
//! stored in clear: rows carry a keyed hash of it (to find a person's
//! attempts and to recognise staff), its masked form (for display) and the
//! number sealed with the field key (only the organisers' own result sheet
//! opens it, to call the winners).

mod live;
mod submit;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, SecondsFormat, Utc};
use khienmang_core::org::UnitId;
use khienmang_core::outreach::contest::{
    Attempt, AttemptPolicy, ContestRules, Draw, Entry, EntryId, Ineligible, OneTimeCode, OtpChallenge, PastAttempt,
    Period, PersonKey, Question, QuestionId, Quota, check_eligibility, draw, may_start, validate_bank,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

pub use live::{LiveBoards, Snapshot};
pub use submit::{AnswerSubmission, Submissions, SubmitOutcome, Submitted};

use crate::db::{Val, bulk_insert, bulk_insert_returning};
use crate::reports::FieldKey;
use crate::{Result, Store, StoreError, WriteTx};

/// Bumped by every change of the organisers (contests, banks, units,
/// prizes, staff): replicas and the writer reload what they cache.
pub(crate) const GENERATION: &str = "contests.generation";
/// The audit actor of entrants (they have no account).
pub const ENTRANT: &str = "contest-entrant";
/// Codes one number may ask for per hour, all contests together.
pub const CODES_PER_HOUR: i64 = 5;
/// Longest name shown on a leaderboard.
pub const MAX_NAME_CHARS: usize = 80;

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::Invalid(message.into())
}

/// RFC 3339 with milliseconds: the tie-break on time is to the millisecond.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_stamp(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| invalid("thời điểm lưu trong cơ sở dữ liệu không hợp lệ"))
}

/// What the store keeps of an entrant's number, from the field key: a keyed
/// hash (the same number, however typed, gives the same hash; without the
/// key nobody can test a guess against it), and the sealed number.
#[derive(Clone, Debug)]
pub struct EntrantKeys {
    key: FieldKey,
    hash_key: [u8; 32],
}

impl EntrantKeys {
    pub fn new(key: FieldKey) -> EntrantKeys {
        let hash_key = key.derive("khienmang contest entrant");
        EntrantKeys { key, hash_key }
    }

    /// Hex SHA-256 of the derived key and the E.164 number.
    pub fn hash(&self, person: &PersonKey) -> String {
        hex::encode(Sha256::new().chain_update(self.hash_key).chain_update(person.as_str().as_bytes()).finalize())
    }

    pub fn seal(&self, person: &PersonKey) -> Vec<u8> {
        self.key.seal(person.as_str().as_bytes())
    }

    pub fn open(&self, sealed: &[u8]) -> Result<PersonKey> {
        let plain = self.key.open(sealed)?;
        let text = String::from_utf8(plain).map_err(|_| invalid("số điện thoại đã mã hóa bị hỏng"))?;
        PersonKey::parse(&text).map_err(|e| invalid(e.message_vi()))
    }
}

// ---------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------

/// A contest as stored.
#[derive(Debug, Clone, Serialize)]
pub struct ContestRecord {
    pub id: i64,
    pub rules: ContestRules,
    pub organiser: UnitId,
    pub description: String,
    pub prediction_question: String,
    pub use_shared_bank: bool,
    /// Set when the organisers closed the results.
    pub actual_all_correct: Option<u64>,
    pub closed_at: Option<String>,
    pub created_at: String,
}

/// What the organisers fill in to create a contest.
#[derive(Debug, Clone)]
pub struct NewContest {
    pub rules: ContestRules,
    pub organiser: UnitId,
    pub description: String,
    pub prediction_question: String,
    pub use_shared_bank: bool,
}

const CONTEST_COLUMNS: &str = "id, title, description, organiser_unit_id, opens_at, closes_at, question_count, quotas, \
     time_limit_secs, max_attempts, attempt_period, prediction_question, use_shared_bank, actual_all_correct, \
     closed_at, created_at";

fn contest_record(r: &AnyRow) -> Result<ContestRecord> {
    let quotas: Vec<Quota> = serde_json::from_str(&r.try_get::<String, _>("quotas")?)
        .map_err(|_| invalid("số câu theo lĩnh vực của cuộc thi bị hỏng"))?;
    let period = Period::parse(&r.try_get::<String, _>("attempt_period")?).unwrap_or(Period::Contest);
    let count = |name: &str| -> Result<i64> { Ok(r.try_get::<i64, _>(name)?) };
    Ok(ContestRecord {
        id: r.try_get("id")?,
        rules: ContestRules {
            title: r.try_get("title")?,
            opens_at: parse_stamp(&r.try_get::<String, _>("opens_at")?)?,
            closes_at: parse_stamp(&r.try_get::<String, _>("closes_at")?)?,
            question_count: usize::try_from(count("question_count")?).unwrap_or(0),
            quotas,
            time_limit_secs: u32::try_from(count("time_limit_secs")?).unwrap_or(0),
            attempts: AttemptPolicy { max_attempts: u32::try_from(count("max_attempts")?).unwrap_or(0), period },
        },
        organiser: UnitId(r.try_get("organiser_unit_id")?),
        description: r.try_get("description")?,
        prediction_question: r.try_get("prediction_question")?,
        use_shared_bank: count("use_shared_bank")? != 0,
        actual_all_correct: r.try_get::<Option<i64>, _>("actual_all_correct")?.and_then(|v| u64::try_from(v).ok()),
        closed_at: r.try_get("closed_at")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A question of a contest's bank as the organisers see it.
#[derive(Debug, Clone, Serialize)]
pub struct BankQuestion {
    pub question: Question,
    /// In the shared bank rather than the contest's own.
    pub shared: bool,
    /// Still drawn; a retired question only grades the attempts that drew it.
    pub active: bool,
}

fn bank_question(r: &AnyRow) -> Result<BankQuestion> {
    let choices: Vec<String> = serde_json::from_str(&r.try_get::<String, _>("choices")?)
        .map_err(|_| invalid("phương án trả lời lưu trong cơ sở dữ liệu bị hỏng"))?;
    Ok(BankQuestion {
        question: Question {
            id: QuestionId(r.try_get("id")?),
            category: r.try_get("category")?,
            text: r.try_get("text")?,
            choices,
            correct: usize::try_from(r.try_get::<i64, _>("correct")?).unwrap_or(usize::MAX),
        },
        shared: r.try_get::<Option<i64>, _>("contest_id")?.is_none(),
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

/// A unit entrants may represent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ContestUnit {
    pub unit: UnitId,
    /// People of the unit who may take part; `None` when unknown.
    pub eligible: Option<u64>,
}

/// A prize by places on the leaderboard.
#[derive(Debug, Clone, Serialize)]
pub struct PrizeRecord {
    pub id: i64,
    pub rank_from: usize,
    pub rank_to: usize,
    pub title: String,
    pub reward: String,
}

/// A staff member of an organising body, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct StaffRecord {
    pub masked: String,
    pub added_by: String,
    pub added_at: String,
}

/// An attempt as stored.
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    pub id: i64,
    pub contest: i64,
    pub person_hash: String,
    pub masked: String,
    pub name: String,
    pub unit: Option<UnitId>,
    pub token_hash: String,
    pub draw: Draw,
    pub window: Attempt,
    pub submitted: bool,
    /// The number sealed with the field key ([`EntrantKeys::open`]).
    pub sealed: Vec<u8>,
}

const ATTEMPT_COLUMNS: &str = "id, contest_id, person_hash, person_masked, name, unit_id, token_hash, draw, started_at, \
     deadline, submitted_at, person_sealed";

fn attempt_record(r: &AnyRow) -> Result<AttemptRecord> {
    Ok(AttemptRecord {
        id: r.try_get("id")?,
        contest: r.try_get("contest_id")?,
        person_hash: r.try_get("person_hash")?,
        masked: r.try_get("person_masked")?,
        name: r.try_get("name")?,
        unit: r.try_get::<Option<i64>, _>("unit_id")?.map(UnitId),
        token_hash: r.try_get("token_hash")?,
        draw: Draw::decode(&r.try_get::<String, _>("draw")?).ok_or_else(|| invalid("đề thi lưu trữ bị hỏng"))?,
        window: Attempt {
            started_at: parse_stamp(&r.try_get::<String, _>("started_at")?)?,
            deadline: parse_stamp(&r.try_get::<String, _>("deadline")?)?,
        },
        submitted: r.try_get::<Option<String>, _>("submitted_at")?.is_some(),
        sealed: r.try_get("person_sealed")?,
    })
}

/// The answer sheet recorded for an attempt.
#[derive(Debug, Clone, Serialize)]
pub struct SheetRecord {
    pub entry: i64,
    pub score: u32,
    pub total: u32,
    pub prediction: Option<u64>,
    pub time_taken_ms: u64,
    pub received_at: String,
    pub counted: bool,
    pub late_by_ms: Option<i64>,
}

/// Attempts started and sheets received for a contest.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ContestCounts {
    pub attempts: i64,
    pub counted: i64,
    pub late: i64,
    pub people: i64,
}

/// A new attempt: its id, the secret the entrant holds, the questions and
/// the window.
#[derive(Debug, Clone)]
pub struct StartedAttempt {
    pub id: i64,
    pub token: String,
    pub draw: Draw,
    pub window: Attempt,
}

/// An entrant whose number was verified (by a one-time code) by the caller.
#[derive(Debug, Clone)]
pub struct VerifiedEntrant {
    pub person: PersonKey,
    pub name: String,
    pub unit: Option<UnitId>,
}

/// What starting attempts needs to know of a contest, read before the
/// write transaction (which then only reads through its own connection).
#[derive(Debug, Clone)]
pub struct AttemptSetup {
    pub contest: ContestRecord,
    /// The units entrants may represent.
    pub units: BTreeSet<UnitId>,
    /// The questions still drawn.
    pub bank: Vec<Question>,
}

/// SHA-256 of an attempt's token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` is the one whose hash is stored.
pub fn same_token(token: &str, stored_hash: &str) -> bool {
    same_secret(&token_hash(token), stored_hash)
}

/// Equal without telling, through timing, how much matched.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn u64_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

// ---------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------

impl Store {
    /// Every contest, the latest to open first.
    pub async fn contests(&self) -> Result<Vec<ContestRecord>> {
        let sql = format!("SELECT {CONTEST_COLUMNS} FROM contests ORDER BY opens_at DESC, id DESC");
        sqlx::query(&sql).fetch_all(self.pool()).await?.iter().map(contest_record).collect()
    }

    pub async fn contest(&self, id: i64) -> Result<Option<ContestRecord>> {
        let sql = format!("SELECT {CONTEST_COLUMNS} FROM contests WHERE id = $1");
        sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await?.as_ref().map(contest_record).transpose()
    }

    /// The contest's own questions and, if it uses it, the shared bank;
    /// retired questions included (they grade old attempts).
    pub async fn contest_bank(&self, contest: &ContestRecord) -> Result<Vec<BankQuestion>> {
        let sql = if contest.use_shared_bank {
            "SELECT id, contest_id, category, text, choices, correct, active FROM contest_questions \
             WHERE contest_id = $1 OR contest_id IS NULL ORDER BY id"
        } else {
            "SELECT id, contest_id, category, text, choices, correct, active FROM contest_questions \
             WHERE contest_id = $1 ORDER BY id"
        };
        sqlx::query(sql).bind(contest.id).fetch_all(self.pool()).await?.iter().map(bank_question).collect()
    }

    pub async fn contest_units(&self, contest: i64) -> Result<Vec<ContestUnit>> {
        let rows = sqlx::query("SELECT unit_id, eligible FROM contest_units WHERE contest_id = $1 ORDER BY unit_id")
            .bind(contest)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ContestUnit {
                    unit: UnitId(r.try_get("unit_id")?),
                    eligible: r.try_get::<Option<i64>, _>("eligible")?.map(u64_of),
                })
            })
            .collect()
    }

    pub async fn contest_prizes(&self, contest: i64) -> Result<Vec<PrizeRecord>> {
        let rows = sqlx::query(
            "SELECT id, rank_from, rank_to, title, reward FROM contest_prizes WHERE contest_id = $1 \
             ORDER BY rank_from, id",
        )
        .bind(contest)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PrizeRecord {
                    id: r.try_get("id")?,
                    rank_from: usize::try_from(r.try_get::<i64, _>("rank_from")?).unwrap_or(0),
                    rank_to: usize::try_from(r.try_get::<i64, _>("rank_to")?).unwrap_or(0),
                    title: r.try_get("title")?,
                    reward: r.try_get("reward")?,
                })
            })
            .collect()
    }

    /// The organising body's staff list (masked numbers only).
    pub async fn contest_staff(&self, unit: UnitId) -> Result<Vec<StaffRecord>> {
        let rows = sqlx::query(
            "SELECT person_masked, added_by, added_at FROM contest_staff WHERE unit_id = $1 ORDER BY added_at, person_masked",
        )
        .bind(unit.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StaffRecord {
                    masked: r.try_get("person_masked")?,
                    added_by: r.try_get("added_by")?,
                    added_at: r.try_get("added_at")?,
                })
            })
            .collect()
    }

    pub async fn contest_attempt(&self, id: i64) -> Result<Option<AttemptRecord>> {
        let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM contest_attempts WHERE id = $1");
        sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await?.as_ref().map(attempt_record).transpose()
    }

    /// The sheet recorded for an attempt, if any.
    pub async fn contest_sheet(&self, attempt: i64) -> Result<Option<SheetRecord>> {
        let row = sqlx::query(
            "SELECT id, score, question_total, prediction, time_taken_ms, received_at, counted, late_by_ms \
             FROM contest_entries WHERE attempt_id = $1",
        )
        .bind(attempt)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(SheetRecord {
                entry: r.try_get("id")?,
                score: u32::try_from(r.try_get::<i64, _>("score")?).unwrap_or(0),
                total: u32::try_from(r.try_get::<i64, _>("question_total")?).unwrap_or(0),
                prediction: r.try_get::<Option<i64>, _>("prediction")?.map(u64_of),
                time_taken_ms: u64_of(r.try_get("time_taken_ms")?),
                received_at: r.try_get("received_at")?,
                counted: r.try_get::<i64, _>("counted")? != 0,
                late_by_ms: r.try_get("late_by_ms")?,
            })
        })
        .transpose()
    }

    pub async fn contest_counts(&self, contest: i64) -> Result<ContestCounts> {
        let attempts: i64 =
            sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM contest_attempts WHERE contest_id = $1")
                .bind(contest)
                .fetch_one(self.pool())
                .await?;
        let people: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(DISTINCT person_hash) AS BIGINT) FROM contest_attempts WHERE contest_id = $1",
        )
        .bind(contest)
        .fetch_one(self.pool())
        .await?;
        let rows = sqlx::query(
            "SELECT counted, CAST(COUNT(*) AS BIGINT) AS n FROM contest_entries WHERE contest_id = $1 GROUP BY counted",
        )
        .bind(contest)
        .fetch_all(self.pool())
        .await?;
        let mut counts = ContestCounts { attempts, people, ..Default::default() };
        for r in rows {
            let n: i64 = r.try_get("n")?;
            if r.try_get::<i64, _>("counted")? != 0 {
                counts.counted = n;
            } else {
                counts.late = n;
            }
        }
        Ok(counts)
    }

    /// Every counted entry of a contest with the entrant's number opened:
    /// what the organisers' result sheet is ranked from.
    pub async fn contest_entries(&self, keys: &EntrantKeys, contest: i64) -> Result<Vec<Entry>> {
        let rows = sqlx::query(
            "SELECT e.id, e.score, e.prediction, e.time_taken_ms, e.received_at, a.person_sealed, a.name, a.unit_id \
             FROM contest_entries e JOIN contest_attempts a ON a.id = e.attempt_id \
             WHERE e.contest_id = $1 AND e.counted = 1 ORDER BY e.id",
        )
        .bind(contest)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| entry_of(keys, r)).collect()
    }

    pub async fn attempt_setup(&self, contest_id: i64) -> Result<AttemptSetup> {
        let contest = self.contest(contest_id).await?.ok_or(StoreError::NotFound)?;
        let units = self.contest_units(contest.id).await?.iter().map(|u| u.unit).collect();
        let bank = self.contest_bank(&contest).await?.into_iter().filter(|q| q.active).map(|q| q.question).collect();
        Ok(AttemptSetup { contest, units, bank })
    }

    /// Whether `person` is on the organising body's staff list.
    async fn is_organiser_staff(&self, keys: &EntrantKeys, unit: UnitId, person: &PersonKey) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_staff WHERE unit_id = $1 AND person_hash = $2",
        )
        .bind(unit.0)
        .bind(keys.hash(person))
        .fetch_one(self.pool())
        .await?;
        Ok(n > 0)
    }

    /// Refuses staff of the organising body (core's rule, on the one
    /// number that matters: the staff list holds only hashes).
    async fn ensure_eligible(&self, keys: &EntrantKeys, contest: &ContestRecord, person: &PersonKey) -> Result<()> {
        let staff: BTreeSet<PersonKey> = if self.is_organiser_staff(keys, contest.organiser, person).await? {
            [person.clone()].into()
        } else {
            [].into()
        };
        check_eligibility(person, &staff).map_err(|e: Ineligible| invalid(e.message_vi()))
    }

    async fn past_attempts(&self, keys: &EntrantKeys, contest: i64, person: &PersonKey) -> Result<Vec<PastAttempt>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT started_at FROM contest_attempts WHERE contest_id = $1 AND person_hash = $2 ORDER BY started_at",
        )
        .bind(contest)
        .bind(keys.hash(person))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|s| Ok(PastAttempt { person: person.clone(), started_at: parse_stamp(s)? })).collect()
    }

    /// Sends nothing: checks that `person` may enter `contest` at `now`
    /// (open, not staff, attempts left, not too many codes this hour) and
    /// stores a new one-time code, which the caller sends by SMS.
    pub async fn request_contest_code(
        &self,
        keys: &EntrantKeys,
        contest_id: i64,
        person: &PersonKey,
        now: DateTime<Utc>,
    ) -> Result<OneTimeCode> {
        let contest = self.contest(contest_id).await?.ok_or(StoreError::NotFound)?;
        contest.rules.start_attempt(now).map_err(|e| invalid(e.message_vi()))?;
        self.ensure_eligible(keys, &contest, person).await?;
        let past = self.past_attempts(keys, contest.id, person).await?;
        may_start(&contest.rules.attempts, person, &past, now).map_err(|e| invalid(e.message_vi()))?;
        let hash = keys.hash(person);
        let hour_ago = stamp(now - chrono::Duration::hours(1));
        // Counted inside the write transaction: `begin_write` first locks
        // the audit head's row, so concurrent requests (on either backend,
        // and across replicas) count one after another and each sees the
        // codes the others committed; counted outside, parallel requests
        // all read the same number and all pass.
        let mut tx = self.begin_write(ENTRANT).await?;
        let recent: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_codes WHERE person_hash = $1 AND issued_at > $2",
        )
        .bind(&hash)
        .bind(&hour_ago)
        .fetch_one(tx.conn())
        .await?;
        if recent >= CODES_PER_HOUR {
            return Err(invalid(format!(
                "Số điện thoại này đã nhận {CODES_PER_HOUR} mã xác thực trong một giờ qua. Vui lòng thử lại sau."
            )));
        }
        let code = OneTimeCode::generate(rand::random());
        let challenge = OtpChallenge::issue(person.clone(), &code, rand::random(), now);
        let id = tx
            .insert_returning_id(
                "INSERT INTO contest_codes (contest_id, person_hash, salt, code_hash, issued_at, expires_at, tries) \
                 VALUES ($1, $2, $3, $4, $5, $6, 0)",
                vec![
                    Val::I(Some(contest.id)),
                    Val::S(Some(hash)),
                    Val::S(Some(challenge.salt.clone())),
                    Val::S(Some(challenge.code_hash.clone())),
                    Val::S(Some(stamp(challenge.issued_at))),
                    Val::S(Some(stamp(challenge.expires_at))),
                ],
            )
            .await?;
        tx.audit("contest.code", &format!("contest:{}", contest.id), &json!({"code": id, "phone": person.masked()}))
            .await?;
        tx.commit().await?;
        Ok(code)
    }

    /// Checks the code `person` typed and, if right, starts an attempt:
    /// checked again that they may enter, questions drawn, the window set by
    /// the server's clock. A wrong code uses up a try even though the
    /// attempt is refused.
    pub async fn start_contest_attempt(
        &self,
        keys: &EntrantKeys,
        contest_id: i64,
        entrant: VerifiedEntrant,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<StartedAttempt> {
        let hash = keys.hash(&entrant.person);
        let setup = self.attempt_setup(contest_id).await?;
        let mut tx = self.begin_write(ENTRANT).await?;
        let row = sqlx::query(
            "SELECT id, salt, code_hash, issued_at, expires_at, tries, verified_at FROM contest_codes \
             WHERE contest_id = $1 AND person_hash = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(contest_id)
        .bind(&hash)
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| invalid("Hãy nhập số điện thoại và yêu cầu gửi mã xác thực trước."))?;
        let code_id: i64 = row.try_get("id")?;
        let mut challenge = OtpChallenge {
            person: entrant.person.clone(),
            salt: row.try_get("salt")?,
            code_hash: row.try_get("code_hash")?,
            issued_at: parse_stamp(&row.try_get::<String, _>("issued_at")?)?,
            expires_at: parse_stamp(&row.try_get::<String, _>("expires_at")?)?,
            tries: u32::try_from(row.try_get::<i64, _>("tries")?).unwrap_or(u32::MAX),
            verified_at: row.try_get::<Option<String>, _>("verified_at")?.map(|s| parse_stamp(&s)).transpose()?,
        };
        let verdict = challenge.verify(code, now);
        sqlx::query("UPDATE contest_codes SET tries = $1, verified_at = $2 WHERE id = $3")
            .bind(i64::from(challenge.tries))
            .bind(challenge.verified_at.map(stamp))
            .bind(code_id)
            .execute(tx.conn())
            .await?;
        if let Err(e) = verdict {
            tx.audit(
                "contest.code_refused",
                &format!("contest:{contest_id}"),
                &json!({"code": code_id, "phone": entrant.person.masked(), "reason": e.to_string()}),
            )
            .await?;
            tx.commit().await?;
            return Err(invalid(e.message_vi()));
        }
        let started = tx.start_attempts(&setup, keys, std::slice::from_ref(&entrant), now).await?;
        tx.commit().await?;
        started.into_iter().next().ok_or(StoreError::NotFound)
    }
}

fn entry_of(keys: &EntrantKeys, r: &AnyRow) -> Result<Entry> {
    Ok(Entry {
        id: EntryId(r.try_get("id")?),
        person: keys.open(&r.try_get::<Vec<u8>, _>("person_sealed")?)?,
        name: r.try_get("name")?,
        unit: r.try_get::<Option<i64>, _>("unit_id")?.map(UnitId),
        score: u32::try_from(r.try_get::<i64, _>("score")?).unwrap_or(0),
        prediction: r.try_get::<Option<i64>, _>("prediction")?.map(u64_of),
        time_taken_ms: u64_of(r.try_get("time_taken_ms")?),
        submitted_at: parse_stamp(&r.try_get::<String, _>("received_at")?)?,
    })
}

// ---------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------

/// A name as shown on the leaderboard: trimmed, single spaces, not empty.
pub fn clean_name(name: &str) -> Result<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(invalid("Hãy nhập họ và tên để ghi trên bảng xếp hạng."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(format!("Họ và tên dài quá {MAX_NAME_CHARS} ký tự.")));
    }
    Ok(name)
}

impl WriteTx {
    async fn bump_contests(&mut self) -> Result<()> {
        self.bump_generation(GENERATION).await.map(|_| ())
    }

    /// Starts attempts for entrants whose numbers the caller verified: each
    /// is checked (contest open, not the organisers' staff, attempts left
    /// in the period, a unit of the contest), gets its own draw and a
    /// secret token. One audit entry for them all.
    pub async fn start_attempts(
        &mut self,
        setup: &AttemptSetup,
        keys: &EntrantKeys,
        entrants: &[VerifiedEntrant],
        now: DateTime<Utc>,
    ) -> Result<Vec<StartedAttempt>> {
        let AttemptSetup { contest, units, bank } = setup;
        let window = contest.rules.start_attempt(now).map_err(|e| invalid(e.message_vi()))?;
        let staff: BTreeSet<String> = sqlx::query_scalar("SELECT person_hash FROM contest_staff WHERE unit_id = $1")
            .bind(contest.organiser.0)
            .fetch_all(self.conn())
            .await?
            .into_iter()
            .collect();

        // Earlier attempts of these people, read in chunks.
        let hashes: Vec<String> = entrants.iter().map(|e| keys.hash(&e.person)).collect();
        let mut past: HashMap<String, Vec<DateTime<Utc>>> = HashMap::new();
        let mut wanted: Vec<&String> = hashes.iter().collect();
        wanted.sort();
        wanted.dedup();
        for chunk in wanted.chunks(500) {
            let marks: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT person_hash, started_at FROM contest_attempts WHERE contest_id = $1 AND person_hash IN ({})",
                marks.join(",")
            );
            let mut q = sqlx::query(&sql).bind(contest.id);
            for h in chunk {
                q = q.bind(h.as_str());
            }
            for r in q.fetch_all(self.conn()).await? {
                past.entry(r.try_get("person_hash")?)
                    .or_default()
                    .push(parse_stamp(&r.try_get::<String, _>("started_at")?)?);
            }
        }

        let mut rows = Vec::with_capacity(entrants.len());
        let mut started = Vec::with_capacity(entrants.len());
        for (entrant, hash) in entrants.iter().zip(&hashes) {
            let name = clean_name(&entrant.name)?;
            if staff.contains(hash) {
                let one: BTreeSet<PersonKey> = [entrant.person.clone()].into();
                check_eligibility(&entrant.person, &one).map_err(|e| invalid(e.message_vi()))?;
            }
            if let Some(unit) = entrant.unit
                && !units.contains(&unit)
            {
                return Err(invalid("Đơn vị đã chọn không tham gia cuộc thi này."));
            }
            let previous: Vec<PastAttempt> = past
                .get(hash)
                .map(|v| {
                    v.iter().map(|&started_at| PastAttempt { person: entrant.person.clone(), started_at }).collect()
                })
                .unwrap_or_default();
            may_start(&contest.rules.attempts, &entrant.person, &previous, now).map_err(|e| invalid(e.message_vi()))?;
            past.entry(hash.clone()).or_default().push(now);
            let drawn = draw(bank, contest.rules.question_count, &contest.rules.quotas, rand::random())
                .map_err(|e| invalid(e.message_vi()))?;
            let token = hex::encode(rand::random::<[u8; 32]>());
            rows.push(vec![
                Val::I(Some(contest.id)),
                Val::S(Some(hash.clone())),
                Val::S(Some(entrant.person.masked())),
                Val::B(Some(keys.seal(&entrant.person))),
                Val::S(Some(name)),
                Val::I(entrant.unit.map(|u| u.0)),
                Val::S(Some(token_hash(&token))),
                Val::S(Some(drawn.encode())),
                Val::S(Some(stamp(window.started_at))),
                Val::S(Some(stamp(window.deadline))),
            ]);
            started.push(StartedAttempt { id: 0, token, draw: drawn, window });
        }
        let inserted = bulk_insert_returning(
            self,
            "contest_attempts",
            &[
                "contest_id",
                "person_hash",
                "person_masked",
                "person_sealed",
                "name",
                "unit_id",
                "token_hash",
                "draw",
                "started_at",
                "deadline",
            ],
            rows,
            Some("id, token_hash"),
        )
        .await?;
        let mut ids = HashMap::with_capacity(inserted.len());
        for r in inserted {
            ids.insert(r.try_get::<String, _>(1)?, r.try_get::<i64, _>(0)?);
        }
        for s in &mut started {
            s.id = *ids.get(&token_hash(&s.token)).ok_or(StoreError::NotFound)?;
        }
        let details = if let [one] = started.as_slice() {
            json!({"attempt": one.id, "phone": entrants.first().map(|e| e.person.masked())})
        } else {
            json!({"attempts": started.len(), "first": started.first().map(|s| s.id), "last": started.last().map(|s| s.id)})
        };
        self.audit("contest.start", &format!("contest:{}", contest.id), &details).await?;
        Ok(started)
    }

    /// Creates a contest (its settings checked by core).
    pub async fn create_contest(&mut self, c: &NewContest) -> Result<i64> {
        c.rules.validate().map_err(|e| invalid(e.message_vi()))?;
        if c.prediction_question.trim().is_empty() {
            return Err(invalid("Cần nêu câu hỏi dự đoán (ví dụ: có bao nhiêu người trả lời đúng tất cả các câu?)."));
        }
        let quotas = serde_json::to_string(&c.rules.quotas).map_err(|e| invalid(e.to_string()))?;
        let now = crate::now_utc();
        let id = self
            .insert_returning_id(
                "INSERT INTO contests (title, description, organiser_unit_id, opens_at, closes_at, question_count, \
                 quotas, time_limit_secs, max_attempts, attempt_period, prediction_question, use_shared_bank, \
                 created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                vec![
                    Val::S(Some(c.rules.title.trim().to_owned())),
                    Val::S(Some(c.description.trim().to_owned())),
                    Val::I(Some(c.organiser.0)),
                    Val::S(Some(stamp(c.rules.opens_at))),
                    Val::S(Some(stamp(c.rules.closes_at))),
                    Val::I(Some(i64::try_from(c.rules.question_count).unwrap_or(i64::MAX))),
                    Val::S(Some(quotas)),
                    Val::I(Some(i64::from(c.rules.time_limit_secs))),
                    Val::I(Some(i64::from(c.rules.attempts.max_attempts))),
                    Val::S(Some(c.rules.attempts.period.as_str().to_owned())),
                    Val::S(Some(c.prediction_question.trim().to_owned())),
                    Val::I(Some(i64::from(c.use_shared_bank))),
                    Val::S(Some(self.actor.clone())),
                    Val::S(Some(now.clone())),
                    Val::S(Some(now)),
                ],
            )
            .await?;
        self.audit(
            "contest.create",
            &format!("contest:{id}"),
            &json!({
                "title": c.rules.title.trim(), "organiser": c.organiser.0,
                "opens_at": stamp(c.rules.opens_at), "closes_at": stamp(c.rules.closes_at),
                "questions": c.rules.question_count, "time_limit_secs": c.rules.time_limit_secs,
                "attempts": c.rules.attempts.max_attempts, "period": c.rules.attempts.period.as_str(),
            }),
        )
        .await?;
        self.bump_contests().await?;
        Ok(id)
    }

    /// Adds questions to a contest's bank (`None`: the shared bank). Ids
    /// given are ignored; the bank numbers them.
    pub async fn add_contest_questions(&mut self, contest: Option<i64>, questions: &[Question]) -> Result<Vec<i64>> {
        if questions.is_empty() {
            return Err(invalid("Không có câu hỏi nào để thêm."));
        }
        let mut renumbered = questions.to_vec();
        for (i, q) in renumbered.iter_mut().enumerate() {
            q.id = QuestionId(i as i64 + 1);
        }
        validate_bank(&renumbered).map_err(|e| invalid(e.message_vi()))?;
        let now = crate::now_utc();
        let mut rows = Vec::with_capacity(questions.len());
        for q in questions {
            rows.push(vec![
                Val::I(contest),
                Val::S(Some(q.category.trim().to_owned())),
                Val::S(Some(q.text.trim().to_owned())),
                Val::S(Some(serde_json::to_string(&q.choices).map_err(|e| invalid(e.to_string()))?)),
                Val::I(Some(q.correct as i64)),
                Val::I(Some(1)),
                Val::S(Some(self.actor.clone())),
                Val::S(Some(now.clone())),
            ]);
        }
        let inserted = bulk_insert_returning(
            self,
            "contest_questions",
            &["contest_id", "category", "text", "choices", "correct", "active", "created_by", "created_at"],
            rows,
            Some("id"),
        )
        .await?;
        let mut ids: Vec<i64> = inserted.iter().map(|r| r.try_get::<i64, _>(0)).collect::<Result<_, _>>()?;
        ids.sort_unstable();
        let object = contest.map_or_else(|| "contest-bank:shared".to_owned(), |c| format!("contest:{c}"));
        self.audit("contest.questions_add", &object, &json!({"questions": ids})).await?;
        self.bump_contests().await?;
        Ok(ids)
    }

    /// Retires a question: no longer drawn, still grading the attempts that drew it.
    pub async fn retire_contest_question(&mut self, contest: i64, question: i64) -> Result<()> {
        let done = sqlx::query(
            "UPDATE contest_questions SET active = 0 WHERE id = $1 AND (contest_id = $2 OR contest_id IS NULL)",
        )
        .bind(question)
        .bind(contest)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit("contest.question_retire", &format!("contest:{contest}"), &json!({"question": question})).await?;
        self.bump_contests().await
    }

    /// Replaces the units entrants may represent and their populations.
    pub async fn set_contest_units(&mut self, contest: i64, units: &[ContestUnit]) -> Result<()> {
        sqlx::query("DELETE FROM contest_units WHERE contest_id = $1").bind(contest).execute(self.conn()).await?;
        let mut seen = BTreeSet::new();
        let rows: Vec<Vec<Val>> = units
            .iter()
            .filter(|u| seen.insert(u.unit))
            .map(|u| vec![Val::I(Some(contest)), Val::I(Some(u.unit.0)), Val::I(u.eligible.map(i64_of))])
            .collect();
        let n = rows.len();
        bulk_insert(self, "contest_units", &["contest_id", "unit_id", "eligible"], rows).await?;
        self.audit("contest.units", &format!("contest:{contest}"), &json!({"units": n})).await?;
        self.bump_contests().await
    }

    /// Adds numbers to the organising body's staff list (hashed; numbers
    /// already listed are skipped). Returns how many were added.
    pub async fn add_contest_staff(&mut self, keys: &EntrantKeys, unit: UnitId, people: &[PersonKey]) -> Result<usize> {
        let existing: BTreeSet<String> = sqlx::query_scalar("SELECT person_hash FROM contest_staff WHERE unit_id = $1")
            .bind(unit.0)
            .fetch_all(self.conn())
            .await?
            .into_iter()
            .collect();
        let now = crate::now_utc();
        let mut seen = existing;
        let mut rows = Vec::new();
        let mut masked = Vec::new();
        for p in people {
            let hash = keys.hash(p);
            if seen.insert(hash.clone()) {
                masked.push(p.masked());
                rows.push(vec![
                    Val::I(Some(unit.0)),
                    Val::S(Some(hash)),
                    Val::S(Some(p.masked())),
                    Val::S(Some(self.actor.clone())),
                    Val::S(Some(now.clone())),
                ]);
            }
        }
        let n = rows.len();
        bulk_insert(self, "contest_staff", &["unit_id", "person_hash", "person_masked", "added_by", "added_at"], rows)
            .await?;
        self.audit("contest.staff_add", &format!("unit:{}", unit.0), &json!({"phones": masked})).await?;
        self.bump_contests().await?;
        Ok(n)
    }

    pub async fn add_contest_prize(
        &mut self,
        contest: i64,
        rank_from: usize,
        rank_to: usize,
        title: &str,
        reward: &str,
    ) -> Result<i64> {
        let (title, reward) = (title.trim(), reward.trim());
        if rank_from == 0 || rank_to < rank_from || rank_to > 100_000 {
            return Err(invalid("Thứ hạng nhận giải phải từ 1 trở lên, hạng cuối không nhỏ hơn hạng đầu."));
        }
        if title.is_empty() {
            return Err(invalid("Cần ghi tên giải (ví dụ: Giải Nhất)."));
        }
        let overlapping: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM contest_prizes WHERE contest_id = $1 AND rank_from <= $2 AND rank_to >= $3",
        )
        .bind(contest)
        .bind(rank_to as i64)
        .bind(rank_from as i64)
        .fetch_one(self.conn())
        .await?;
        if overlapping > 0 {
            return Err(invalid("Các thứ hạng này đã thuộc một giải khác."));
        }
        let id = self
            .insert_returning_id(
                "INSERT INTO contest_prizes (contest_id, rank_from, rank_to, title, reward, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                vec![
                    Val::I(Some(contest)),
                    Val::I(Some(rank_from as i64)),
                    Val::I(Some(rank_to as i64)),
                    Val::S(Some(title.to_owned())),
                    Val::S(Some(reward.to_owned())),
                    Val::S(Some(self.actor.clone())),
                    Val::S(Some(crate::now_utc())),
                ],
            )
            .await?;
        self.audit(
            "contest.prize_add",
            &format!("contest:{contest}"),
            &json!({"prize": id, "from": rank_from, "to": rank_to, "title": title, "reward": reward}),
        )
        .await?;
        self.bump_contests().await?;
        Ok(id)
    }

    pub async fn remove_contest_prize(&mut self, contest: i64, prize: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM contest_prizes WHERE id = $1 AND contest_id = $2")
            .bind(prize)
            .bind(contest)
            .execute(self.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit("contest.prize_remove", &format!("contest:{contest}"), &json!({"prize": prize})).await?;
        self.bump_contests().await
    }

    /// Freezes the answer to the prediction question once the contest has
    /// closed: the final ranking uses it.
    pub async fn close_contest_results(
        &mut self,
        contest: &ContestRecord,
        actual: u64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if now < contest.rules.closes_at {
            return Err(invalid("Chỉ chốt kết quả sau khi cuộc thi đã kết thúc."));
        }
        sqlx::query("UPDATE contests SET actual_all_correct = $1, closed_at = $2, updated_at = $2 WHERE id = $3")
            .bind(i64_of(actual))
            .bind(stamp(now))
            .bind(contest.id)
            .execute(self.conn())
            .await?;
        self.audit("contest.close", &format!("contest:{}", contest.id), &json!({"actual_all_correct": actual})).await?;
        self.bump_contests().await
    }

    /// Records that someone exported the results (a view of personal data
    /// when the numbers are shown in full).
    pub async fn log_contest_export(&mut self, contest: i64, full_numbers: bool, rows: usize) -> Result<()> {
        self.audit(
            "contest.export",
            &format!("contest:{contest}"),
            &json!({"full_numbers": full_numbers, "rows": rows}),
        )
        .await
        .map(|_| ())
    }
}

//! Answer sheets written with group commit: every request hands its sheet,
//! stamped with the server's clock when it arrived, to one writer task. The
//! writer reads the attempts of everything queued in one query, checks each
//! token, applies the deadline (core's `accept_submission`), grades against
//! the draw stored at the start (never anything the client says about its
//! questions, time or score), writes the entries in one transaction, puts
//! the counted ones on the live leaderboard and only then answers.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use khienmang_core::outreach::contest::{Entry, EntryId, Grade, LateSubmission, Question, accept_submission, grade};
use khienmang_core::outreach::contest_input::AnswerSheet;
use serde_json::json;
use sqlx::Row;
use tokio::sync::{mpsc, oneshot};

use super::keys::{ENTRANT, GENERATION, same_token};
use super::live::LiveBoards;
use super::records::{ATTEMPT_COLUMNS, attempt_record, bank_question};
use crate::db::{Val, bulk_insert_returning, next_batch};
use crate::{Result, Store, StoreError, WriteTx};
use khienmang_core::time::Timestamp;

/// Sheets written in one transaction at most.
const MAX_BATCH: usize = 1024;
/// Requests waiting for the writer at most; more wait for a place.
const QUEUE: usize = 16_384;

/// A sheet as received.
#[derive(Debug, Clone)]
pub struct AnswerSubmission {
    pub contest: i64,
    pub attempt: i64,
    pub sheet: AnswerSheet,
    /// When the request reached the server, by its clock.
    pub received_at: DateTime<Utc>,
}

/// What became of a sheet.
#[derive(Debug, Clone)]
pub enum SubmitOutcome {
    /// In time: graded and on the leaderboard.
    Counted { grade: Grade, time_taken_ms: u64 },
    /// After the deadline and its grace: recorded, never counted.
    Late(LateSubmission),
}

/// The recorded sheet.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub entry: EntryId,
    pub attempt: i64,
    pub outcome: SubmitOutcome,
}

type Job = (AnswerSubmission, oneshot::Sender<Result<Submitted>>);

/// The writer's queue. Cloning it shares the one writer.
#[derive(Clone)]
pub struct Submissions {
    jobs: mpsc::Sender<Job>,
}

fn stopped() -> StoreError {
    StoreError::Invalid("Hệ thống nhận bài thi đang dừng; vui lòng thử lại sau ít phút.".into())
}

impl Submissions {
    /// Starts the writer task; it stops when every `Submissions` is dropped.
    pub fn start(store: Store, boards: LiveBoards) -> Submissions {
        let (jobs, mut queue) = mpsc::channel::<Job>(QUEUE);
        tokio::spawn(async move {
            let mut banks = Banks::default();
            while let Some(batch) = next_batch(&mut queue, MAX_BATCH).await {
                let (sheets, replies): (Vec<AnswerSubmission>, Vec<_>) = batch.into_iter().unzip();
                match write_batch(&store, &boards, &mut banks, &sheets).await {
                    Ok(outcomes) => {
                        for (reply, outcome) in replies.into_iter().zip(outcomes) {
                            let _ = reply.send(outcome);
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, sheets = sheets.len(), "contest answer batch failed");
                        for reply in replies {
                            let _ = reply.send(Err(StoreError::Invalid(
                                "Hệ thống chưa lưu được bài làm; vui lòng gửi lại ngay.".into(),
                            )));
                        }
                    }
                }
            }
        });
        Submissions { jobs }
    }

    /// Queues a sheet and waits until it is committed (or refused).
    pub async fn submit(&self, sheet: AnswerSubmission) -> Result<Submitted> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send((sheet, reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Question banks by contest, as of a generation of the organisers' changes.
#[derive(Default)]
struct Banks {
    generation: Option<String>,
    by_contest: HashMap<i64, Arc<Vec<Question>>>,
}

impl Banks {
    /// Every question a contest's attempts may have drawn: its own and the
    /// shared bank's, retired ones included.
    async fn get(&mut self, tx: &mut WriteTx, contest: i64) -> Result<Arc<Vec<Question>>> {
        if let Some(bank) = self.by_contest.get(&contest) {
            return Ok(bank.clone());
        }
        let rows = sqlx::query(
            "SELECT id, contest_id, category, text, choices, correct, active FROM contest_questions \
             WHERE contest_id = $1 OR contest_id IS NULL",
        )
        .bind(contest)
        .fetch_all(tx.conn())
        .await?;
        let bank: Vec<Question> = rows.iter().map(|r| bank_question(r).map(|q| q.question)).collect::<Result<_>>()?;
        let bank = Arc::new(bank);
        self.by_contest.insert(contest, bank.clone());
        Ok(bank)
    }
}

fn already() -> StoreError {
    StoreError::Invalid("Lượt thi này đã nộp bài; mỗi lượt thi chỉ được nộp một lần.".into())
}

/// One row of `contest_entries` and what to answer.
struct Graded {
    job: usize,
    contest: i64,
    attempt: i64,
    outcome: SubmitOutcome,
    entry: Option<Entry>,
}

async fn write_batch(
    store: &Store,
    boards: &LiveBoards,
    banks: &mut Banks,
    sheets: &[AnswerSubmission],
) -> Result<Vec<Result<Submitted>>> {
    // The batch's time: when its last sheet arrived.
    let Some(now) = sheets.iter().map(|s| s.received_at).max() else {
        return Ok(Vec::new());
    };
    let mut tx = store.begin_write(ENTRANT, Timestamp::from(now)).await?;
    let generation: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(GENERATION)
        .fetch_optional(tx.conn())
        .await?;
    if generation != banks.generation {
        banks.by_contest.clear();
        banks.generation = generation;
    }

    // The attempts of the batch, in one query per 500.
    let mut wanted: Vec<i64> = sheets.iter().map(|s| s.attempt).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut attempts = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM contest_attempts WHERE id IN ({})", marks.join(","));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(tx.conn()).await? {
            let a = attempt_record(&r)?;
            attempts.insert(a.id, a);
        }
    }

    let mut results: Vec<Option<Result<Submitted>>> = (0..sheets.len()).map(|_| None).collect();
    let mut graded: Vec<Graded> = Vec::new();
    let mut taken: HashSet<i64> = HashSet::new();
    for (job, s) in sheets.iter().enumerate() {
        let Some(a) = attempts.get(&s.attempt).filter(|a| a.contest == s.contest) else {
            results[job] = Some(Err(StoreError::NotFound));
            continue;
        };
        if !same_token(&s.sheet.token, &a.token_hash) {
            results[job] = Some(Err(StoreError::NotFound));
            continue;
        }
        if a.submitted || !taken.insert(a.id) {
            results[job] = Some(Err(already()));
            continue;
        }
        match accept_submission(&a.window, s.received_at) {
            Err(late) => graded.push(Graded {
                job,
                contest: a.contest,
                attempt: a.id,
                outcome: SubmitOutcome::Late(late),
                entry: None,
            }),
            Ok(()) => {
                let bank = banks.get(&mut tx, a.contest).await?;
                match grade(&a.draw, &bank, &s.sheet.answers) {
                    Err(e) => {
                        taken.remove(&a.id);
                        results[job] = Some(Err(StoreError::Invalid(e.message_vi())));
                    }
                    Ok(g) => {
                        let ms = u64::try_from(a.window.time_taken(s.received_at).num_milliseconds()).unwrap_or(0);
                        let person = boards.keys().open(&a.sealed)?;
                        let entry = Entry {
                            id: EntryId(0),
                            person,
                            name: a.name.clone(),
                            unit: a.unit,
                            score: g.correct,
                            prediction: s.sheet.prediction,
                            time_taken_ms: ms,
                            submitted_at: s.received_at,
                        };
                        graded.push(Graded {
                            job,
                            contest: a.contest,
                            attempt: a.id,
                            outcome: SubmitOutcome::Counted { grade: g, time_taken_ms: ms },
                            entry: Some(entry),
                        });
                    }
                }
            }
        }
    }

    let mut ids: HashMap<i64, i64> = HashMap::with_capacity(graded.len());
    if !graded.is_empty() {
        let rows: Vec<Vec<Val>> = graded
            .iter()
            .map(|g| {
                let s = &sheets[g.job];
                let total = attempts.get(&g.attempt).map_or(0, |a| a.draw.questions.len() as i64);
                let (score, ms, counted, late_by) = match &g.outcome {
                    SubmitOutcome::Counted { grade, time_taken_ms } => {
                        (i64::from(grade.correct), i64::try_from(*time_taken_ms).unwrap_or(i64::MAX), 1, None)
                    }
                    SubmitOutcome::Late(late) => {
                        let limit = attempts
                            .get(&g.attempt)
                            .map_or(0, |a| a.window.time_taken(s.received_at).num_milliseconds());
                        (0, limit, 0, Some(late.late_by.num_milliseconds()))
                    }
                };
                vec![
                    Val::I(Some(g.contest)),
                    Val::I(Some(g.attempt)),
                    Val::S(Some(json!(s.sheet.answers).to_string())),
                    Val::I(Some(score)),
                    Val::I(Some(total)),
                    Val::I(s.sheet.prediction.map(|p| i64::try_from(p).unwrap_or(i64::MAX))),
                    Val::I(Some(ms)),
                    Val::S(Some(Timestamp::from(s.received_at).stored_millis())),
                    Val::I(Some(counted)),
                    Val::I(late_by),
                ]
            })
            .collect();
        let inserted = bulk_insert_returning(
            &mut tx,
            "contest_entries",
            &[
                "contest_id",
                "attempt_id",
                "answers",
                "score",
                "question_total",
                "prediction",
                "time_taken_ms",
                "received_at",
                "counted",
                "late_by_ms",
            ],
            rows,
            Some("id, attempt_id"),
        )
        .await?;
        for r in inserted {
            ids.insert(r.try_get::<i64, _>(1)?, r.try_get::<i64, _>(0)?);
        }
        let done: Vec<i64> = graded.iter().map(|g| g.attempt).collect();
        let now = tx.now().stored_millis();
        for chunk in done.chunks(500) {
            let marks: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!("UPDATE contest_attempts SET submitted_at = $1 WHERE id IN ({})", marks.join(","));
            let mut q = sqlx::query(&sql).bind(&now);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(tx.conn()).await?;
        }
        for g in &mut graded {
            let id = *ids.get(&g.attempt).ok_or(StoreError::NotFound)?;
            if let Some(e) = g.entry.as_mut() {
                e.id = EntryId(id);
            }
        }
        let counted: Vec<i64> = graded.iter().filter_map(|g| g.entry.as_ref().map(|e| e.id.0)).collect();
        let late: Vec<i64> =
            graded.iter().filter(|g| g.entry.is_none()).filter_map(|g| ids.get(&g.attempt).copied()).collect();
        tx.audit("contest.submit", "contest_entries", &json!({"counted": counted, "late": late})).await?;
        tx.commit().await?;
    } else {
        // Nothing written: the transaction ends without a change.
        drop(tx);
    }

    let mut by_contest: HashMap<i64, Vec<Entry>> = HashMap::new();
    for g in graded {
        let entry = EntryId(ids.get(&g.attempt).copied().unwrap_or(0));
        if let Some(e) = g.entry {
            by_contest.entry(g.contest).or_default().push(e);
        }
        results[g.job] = Some(Ok(Submitted { entry, attempt: g.attempt, outcome: g.outcome }));
    }
    for (contest, entries) in by_contest {
        if let Err(e) = boards.add(contest, entries).await {
            tracing::warn!(error = %e, contest, "contest leaderboard not updated; the next poll will");
        }
    }
    Ok(results.into_iter().map(|r| r.unwrap_or(Err(StoreError::NotFound))).collect())
}

//! Online contests on the law ("cuộc thi trực tuyến tìm hiểu pháp luật", SPEC
//! M7).
//!
//! A contest draws N questions from a bank for each attempt, shuffles their
//! answers, gives the entrant a time limit that only the server's clock
//! enforces, asks a prediction question ("how many people will answer every
//! question correctly?") and ranks entries by score, then closeness of the
//! prediction, then time taken, then who submitted first. Entrants are known
//! by their mobile number, verified by a one-time code sent by SMS; each may
//! try a limited number of times per period, and only their best attempt is
//! on the leaderboard. Staff of the organising body may not take part.
//!
//! Nothing here reads the clock or a random source: instants, seeds and
//! random bytes are arguments, so every rule is tested exactly.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Mutex;

use chrono::{DateTime, Datelike, Duration, Utc};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{vn_date, vn_midnight, vn_naive};
use crate::org::{UnitId, string_enum};
use crate::scamcheck::{PhoneError, PhoneKind, PhoneNumber};
use crate::text::fold;

// ---------------------------------------------------------------------------
// Question bank
// ---------------------------------------------------------------------------

/// A question's identity in the bank; draws and answers refer to it, so it
/// never changes when the wording is corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionId(pub i64);

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Fewer than two choices is not a question; more than six do not fit a
/// phone screen (and a permutation digit per choice keeps draws compact).
pub const MIN_CHOICES: usize = 2;
pub const MAX_CHOICES: usize = 6;

/// A multiple-choice question of the bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: QuestionId,
    /// The field it tests ("Luật An ninh mạng", "Phòng, chống lừa đảo"), used
    /// by draw quotas.
    pub category: String,
    pub text: String,
    /// The choices in the order the author wrote them; each draw shows them
    /// in its own order.
    pub choices: Vec<String>,
    /// Index into `choices` of the right answer.
    pub correct: usize,
}

/// Why a question (or the bank) cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("question {0} has no text")]
    EmptyText(QuestionId),
    #[error("question {id} has {count} choices; 2 to 6 are allowed")]
    ChoiceCount { id: QuestionId, count: usize },
    #[error("choice {index} of question {id} is empty")]
    EmptyChoice { id: QuestionId, index: usize },
    #[error("question {0} offers the same choice twice")]
    DuplicateChoice(QuestionId),
    #[error("the correct answer of question {0} is not one of its choices")]
    CorrectOutOfRange(QuestionId),
    #[error("two questions share the id {0}")]
    DuplicateId(QuestionId),
}

impl QuestionError {
    pub fn message_vi(&self) -> String {
        match self {
            QuestionError::EmptyText(id) => format!("Câu hỏi số {id} chưa có nội dung."),
            QuestionError::ChoiceCount { id, count } => format!(
                "Câu hỏi số {id} có {count} phương án trả lời; mỗi câu cần từ {MIN_CHOICES} đến {MAX_CHOICES} phương án."
            ),
            QuestionError::EmptyChoice { id, index } => {
                format!("Phương án thứ {} của câu hỏi số {id} đang để trống.", index + 1)
            }
            QuestionError::DuplicateChoice(id) => format!("Câu hỏi số {id} có hai phương án trả lời trùng nhau."),
            QuestionError::CorrectOutOfRange(id) => {
                format!("Đáp án đúng của câu hỏi số {id} không nằm trong các phương án trả lời.")
            }
            QuestionError::DuplicateId(id) => format!("Ngân hàng câu hỏi có hai câu cùng mã số {id}."),
        }
    }
}

impl Question {
    /// Checks what the draw and the grading rely on. Choices are compared
    /// with diacritics folded: "Đúng" and "đúng" are the same answer.
    pub fn validate(&self) -> Result<(), QuestionError> {
        let id = self.id;
        if self.text.trim().is_empty() {
            return Err(QuestionError::EmptyText(id));
        }
        let count = self.choices.len();
        if !(MIN_CHOICES..=MAX_CHOICES).contains(&count) {
            return Err(QuestionError::ChoiceCount { id, count });
        }
        let mut seen = BTreeSet::new();
        for (index, c) in self.choices.iter().enumerate() {
            if c.trim().is_empty() {
                return Err(QuestionError::EmptyChoice { id, index });
            }
            if !seen.insert(fold(c)) {
                return Err(QuestionError::DuplicateChoice(id));
            }
        }
        if self.correct >= count {
            return Err(QuestionError::CorrectOutOfRange(id));
        }
        Ok(())
    }
}

/// Checks every question and that ids are unique.
pub fn validate_bank(bank: &[Question]) -> Result<(), QuestionError> {
    let mut ids = BTreeSet::new();
    for q in bank {
        q.validate()?;
        if !ids.insert(q.id) {
            return Err(QuestionError::DuplicateId(q.id));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The draw
// ---------------------------------------------------------------------------

/// Exactly `count` questions of `category` in every draw. A quota of 0 keeps
/// a category out of the contest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub category: String,
    pub count: usize,
}

/// One question as an attempt shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawnQuestion {
    pub question: QuestionId,
    /// `order[d]` is the bank index of the choice displayed at position `d`:
    /// a permutation of `0..choices.len()`.
    pub order: Vec<u8>,
}

impl DrawnQuestion {
    /// The bank index behind a displayed position, if there is one.
    pub fn original(&self, displayed: usize) -> Option<usize> {
        self.order.get(displayed).map(|&i| usize::from(i))
    }

    /// The choices of `question` in displayed order; `None` when the
    /// question no longer matches the draw (its choices were edited).
    pub fn displayed_choices<'q>(&self, question: &'q Question) -> Option<Vec<&'q str>> {
        if !is_permutation(&self.order, question.choices.len()) {
            return None;
        }
        self.order.iter().map(|&i| question.choices.get(usize::from(i)).map(String::as_str)).collect()
    }
}

/// The questions of one attempt and the order of their answers. The server
/// stores it (as JSON or as [`Draw::encode`]) when the attempt starts and
/// grades against it later; it never depends on what the client sends back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draw {
    pub questions: Vec<DrawnQuestion>,
}

impl Draw {
    /// A compact text form for one database column: "17:2013;5:10" is
    /// question 17 showing its choices 2, 0, 1, 3, then question 5 with its
    /// two choices swapped. One digit per choice is enough: at most six.
    pub fn encode(&self) -> String {
        let parts: Vec<String> = self
            .questions
            .iter()
            .map(|q| {
                let perm: String = q.order.iter().map(|d| char::from(b'0' + d)).collect();
                format!("{}:{perm}", q.question)
            })
            .collect();
        parts.join(";")
    }

    /// Reads [`Draw::encode`] back; `None` for anything it did not write.
    pub fn decode(s: &str) -> Option<Draw> {
        if s.is_empty() {
            return Some(Draw { questions: vec![] });
        }
        let mut questions = Vec::new();
        for part in s.split(';') {
            let (id, perm) = part.split_once(':')?;
            let id: i64 = id.parse().ok()?;
            let order: Vec<u8> =
                perm.bytes().map(|b| b.is_ascii_digit().then(|| b - b'0')).collect::<Option<Vec<u8>>>()?;
            if !(MIN_CHOICES..=MAX_CHOICES).contains(&order.len()) || !is_permutation(&order, order.len()) {
                return None;
            }
            questions.push(DrawnQuestion { question: QuestionId(id), order });
        }
        Some(Draw { questions })
    }
}

/// Why a draw cannot be made with these settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error(transparent)]
    Bank(#[from] QuestionError),
    #[error("a draw needs at least one question")]
    NoQuestions,
    #[error("the quotas ask for {quotas} questions but the draw has only {n}")]
    QuotasExceed { quotas: usize, n: usize },
    #[error("category {0:?} has two quotas")]
    DuplicateQuota(String),
    #[error("category {category:?} has {available} questions; its quota is {wanted}")]
    QuotaNotEnough { category: String, wanted: usize, available: usize },
    #[error("the bank has {available} usable questions; the draw needs {wanted}")]
    NotEnough { wanted: usize, available: usize },
}

impl DrawError {
    pub fn message_vi(&self) -> String {
        match self {
            DrawError::Bank(e) => e.message_vi(),
            DrawError::NoQuestions => "Mỗi lượt thi cần ít nhất một câu hỏi.".into(),
            DrawError::QuotasExceed { quotas, n } => {
                format!("Tổng số câu theo từng lĩnh vực ({quotas}) vượt quá số câu của mỗi lượt thi ({n}).")
            }
            DrawError::DuplicateQuota(c) => format!("Lĩnh vực «{c}» được đặt số câu hai lần."),
            DrawError::QuotaNotEnough { category, wanted, available } => format!(
                "Lĩnh vực «{category}» chỉ có {available} câu hỏi trong ngân hàng, không đủ {wanted} câu cho mỗi lượt thi."
            ),
            DrawError::NotEnough { wanted, available } => {
                format!("Ngân hàng chỉ có {available} câu hỏi dùng được, không đủ {wanted} câu cho mỗi lượt thi.")
            }
        }
    }
}

/// A uniform integer below `n` from the ChaCha stream, by rejection so no
/// value is favoured. Only the stream is used (not `rand`'s distributions),
/// so a seed gives the same draw on every platform and library version.
fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    let n = n as u64;
    if n <= 1 {
        return 0;
    }
    // 2^64 mod n values at the top would make the low ones more likely.
    let skew = (u64::MAX % n + 1) % n;
    let limit = u64::MAX - skew;
    loop {
        let x = rng.next_u64();
        if x <= limit {
            return (x % n) as usize;
        }
    }
}

/// Fisher–Yates: every order equally likely.
fn shuffle<T>(rng: &mut ChaCha8Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = below(rng, i + 1);
        items.swap(i, j);
    }
}

/// The first `k` items of `pool` become a uniform random choice of `k`.
fn choose<T>(rng: &mut ChaCha8Rng, pool: &mut [T], k: usize) {
    let len = pool.len();
    for i in 0..k.min(len) {
        let j = i + below(rng, len - i);
        pool.swap(i, j);
    }
}

fn is_permutation(order: &[u8], len: usize) -> bool {
    if order.len() != len {
        return false;
    }
    let mut seen = [false; 256];
    order.iter().all(|&d| usize::from(d) < len && !std::mem::replace(&mut seen[usize::from(d)], true))
}

/// Draws `n` distinct questions and an answer order for each.
///
/// Categories with a quota give exactly their quota; the rest of the `n`
/// come from categories without one. The result depends only on the seed
/// and on the *set* of questions (the bank is sorted by id first), so the
/// order rows come out of the database does not matter.
pub fn draw(bank: &[Question], n: usize, quotas: &[Quota], seed: u64) -> Result<Draw, DrawError> {
    validate_bank(bank)?;
    if n == 0 {
        return Err(DrawError::NoQuestions);
    }
    let mut quota_of: BTreeMap<&str, usize> = BTreeMap::new();
    for q in quotas {
        if quota_of.insert(q.category.trim(), q.count).is_some() {
            return Err(DrawError::DuplicateQuota(q.category.trim().to_owned()));
        }
    }
    let quota_total: usize = quota_of.values().sum();
    if quota_total > n {
        return Err(DrawError::QuotasExceed { quotas: quota_total, n });
    }

    let mut sorted: Vec<&Question> = bank.iter().collect();
    sorted.sort_by_key(|q| q.id);
    let mut pools: BTreeMap<&str, Vec<&Question>> = BTreeMap::new();
    let mut rest: Vec<&Question> = Vec::new();
    for q in sorted {
        match quota_of.get_key_value(q.category.trim()) {
            Some((cat, _)) => pools.entry(cat).or_default().push(q),
            None => rest.push(q),
        }
    }

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut chosen: Vec<&Question> = Vec::with_capacity(n);
    for (category, &wanted) in &quota_of {
        let pool = pools.entry(category).or_default();
        if pool.len() < wanted {
            return Err(DrawError::QuotaNotEnough { category: (*category).to_owned(), wanted, available: pool.len() });
        }
        choose(&mut rng, pool, wanted);
        chosen.extend(pool.iter().take(wanted));
    }
    let free = n - quota_total;
    if rest.len() < free {
        return Err(DrawError::NotEnough { wanted: n, available: quota_total + rest.len() });
    }
    choose(&mut rng, &mut rest, free);
    chosen.extend(rest.iter().take(free));
    // Quota questions must not always come first.
    shuffle(&mut rng, &mut chosen);

    let questions = chosen
        .into_iter()
        .map(|q| {
            // At most MAX_CHOICES (validated), so every index fits a u8.
            let mut order: Vec<u8> = (0..q.choices.len()).map(|i| i as u8).collect();
            shuffle(&mut rng, &mut order);
            DrawnQuestion { question: q.id, order }
        })
        .collect();
    Ok(Draw { questions })
}

// ---------------------------------------------------------------------------
// Grading
// ---------------------------------------------------------------------------

/// The result of grading one attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    /// Questions answered correctly: the score.
    pub correct: u32,
    /// Questions with an answer (right or wrong).
    pub answered: u32,
    /// Questions in the draw.
    pub total: u32,
    /// Right or wrong, question by question in the draw's order.
    pub per_question: Vec<bool>,
}

impl Grade {
    pub fn all_correct(&self) -> bool {
        self.total > 0 && self.correct == self.total
    }
}

/// Why an attempt cannot be graded. These are faults of the stored data or
/// of a forged request, not of the entrant's answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("question {0} of the draw is no longer in the bank")]
    UnknownQuestion(QuestionId),
    #[error("the choices of question {0} changed since the draw")]
    ChangedQuestion(QuestionId),
    #[error("{answers} answers for a draw of {questions} questions")]
    TooManyAnswers { answers: usize, questions: usize },
}

impl GradeError {
    pub fn message_vi(&self) -> String {
        match self {
            GradeError::UnknownQuestion(_) | GradeError::ChangedQuestion(_) => {
                "Đề thi của lượt này không còn khớp với ngân hàng câu hỏi; vui lòng liên hệ ban tổ chức.".into()
            }
            GradeError::TooManyAnswers { .. } => "Bài làm gửi lên không khớp với đề thi của lượt này.".into(),
        }
    }
}

/// Grades answers given as *displayed* positions (what the entrant tapped),
/// mapped back through the draw's permutation. `answers[i]` answers the
/// draw's `i`-th question; a missing or out-of-range answer is wrong, never
/// an error, so a doctored form gains nothing.
pub fn grade(draw: &Draw, bank: &[Question], answers: &[Option<usize>]) -> Result<Grade, GradeError> {
    if answers.len() > draw.questions.len() {
        return Err(GradeError::TooManyAnswers { answers: answers.len(), questions: draw.questions.len() });
    }
    let by_id: BTreeMap<QuestionId, &Question> = bank.iter().map(|q| (q.id, q)).collect();
    let mut grade = Grade { correct: 0, answered: 0, total: 0, per_question: Vec::with_capacity(draw.questions.len()) };
    for (i, dq) in draw.questions.iter().enumerate() {
        let q = by_id.get(&dq.question).ok_or(GradeError::UnknownQuestion(dq.question))?;
        if !is_permutation(&dq.order, q.choices.len()) {
            return Err(GradeError::ChangedQuestion(dq.question));
        }
        let original = answers.get(i).copied().flatten().and_then(|d| dq.original(d));
        let right = original == Some(q.correct);
        grade.total += 1;
        grade.answered += u32::from(original.is_some());
        grade.correct += u32::from(right);
        grade.per_question.push(right);
    }
    Ok(grade)
}

// ---------------------------------------------------------------------------
// Time limit
// ---------------------------------------------------------------------------

/// Network slack after the deadline: an answer sent in the last second on a
/// slow mobile connection still arrives within it. It is the only leeway;
/// the time the client claims is never read.
pub const SUBMISSION_GRACE: Duration = Duration::seconds(2);

/// One attempt's window, by the server's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub started_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
}

impl Attempt {
    pub fn new(started_at: DateTime<Utc>, time_limit: Duration) -> Attempt {
        let deadline = started_at.checked_add_signed(time_limit).unwrap_or(DateTime::<Utc>::MAX_UTC);
        Attempt { started_at, deadline }
    }

    /// Time counted for the tie-break: from start to receipt, never more
    /// than the limit (the grace is for the network, not for thinking) and
    /// never negative (clocks of two servers may differ slightly).
    pub fn time_taken(&self, received_at: DateTime<Utc>) -> Duration {
        (received_at.min(self.deadline) - self.started_at).max(Duration::zero())
    }

    /// What the countdown shows.
    pub fn remaining(&self, now: DateTime<Utc>) -> Duration {
        (self.deadline - now).max(Duration::zero())
    }
}

/// A submission that reached the server after the deadline and the grace.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("submission received {late_by} after the deadline")]
pub struct LateSubmission {
    pub deadline: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub late_by: Duration,
}

impl LateSubmission {
    pub fn message_vi(&self) -> String {
        format!(
            "Bài làm đến máy chủ sau khi hết giờ {} giây nên không được tính kết quả.",
            self.late_by.num_seconds().max(1)
        )
    }
}

/// Accepts a submission received (by the server's clock) no later than the
/// deadline plus [`SUBMISSION_GRACE`].
pub fn accept_submission(attempt: &Attempt, received_at: DateTime<Utc>) -> Result<(), LateSubmission> {
    let cutoff = attempt.deadline.checked_add_signed(SUBMISSION_GRACE).unwrap_or(attempt.deadline);
    if received_at > cutoff {
        return Err(LateSubmission {
            deadline: attempt.deadline,
            received_at,
            late_by: received_at - attempt.deadline,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Entrants
// ---------------------------------------------------------------------------

/// An entrant's identity: their Vietnamese mobile number in E.164 form.
/// "0912 345 678" and "+84 912345678" are the same person, so attempt
/// limits cannot be dodged by typing the number differently.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonKey(String);

/// Why a number cannot identify an entrant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntrantPhoneError {
    #[error(transparent)]
    Phone(#[from] PhoneError),
    #[error("not a Vietnamese mobile number")]
    NotMobile,
}

impl EntrantPhoneError {
    pub fn message_vi(&self) -> String {
        match self {
            EntrantPhoneError::Phone(e) => e.message_vi(),
            EntrantPhoneError::NotMobile => {
                "Hãy nhập số điện thoại di động tại Việt Nam để nhận mã xác thực qua tin nhắn.".into()
            }
        }
    }
}

impl PersonKey {
    /// Parses a number as typed; only Vietnamese mobiles can receive the
    /// verification code.
    pub fn parse(input: &str) -> Result<PersonKey, EntrantPhoneError> {
        PersonKey::from_phone(&PhoneNumber::parse(input)?)
    }

    pub fn from_phone(phone: &PhoneNumber) -> Result<PersonKey, EntrantPhoneError> {
        match phone.kind() {
            PhoneKind::Mobile => Ok(PersonKey(phone.e164().to_owned())),
            _ => Err(EntrantPhoneError::NotMobile),
        }
    }

    /// "+84912345678".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// "091****678": enough for the entrant to recognise their number on a
    /// public leaderboard or in a log, not enough to call it.
    pub fn masked(&self) -> String {
        let national = match self.0.strip_prefix("+84") {
            Some(rest) => format!("0{rest}"),
            None => self.0.clone(),
        };
        let chars: Vec<char> = national.chars().collect();
        if chars.len() <= 6 {
            return "*".repeat(chars.len());
        }
        let (head, tail) = (3, 3);
        chars.iter().enumerate().map(|(i, c)| if i < head || i >= chars.len() - tail { *c } else { '*' }).collect()
    }
}

impl fmt::Display for PersonKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why someone may not enter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ineligible {
    #[error("staff of the organising body cannot take part")]
    OrganiserStaff,
}

impl Ineligible {
    pub fn message_vi(&self) -> String {
        match self {
            Ineligible::OrganiserStaff => {
                "Cán bộ của cơ quan tổ chức cuộc thi không được tham gia dự thi, để bảo đảm khách quan.".into()
            }
        }
    }
}

/// The organisers wrote the questions: their staff are kept out. The set
/// holds the staff's numbers as [`PersonKey`]s, so formatting cannot slip
/// a staff member through.
pub fn check_eligibility(person: &PersonKey, organiser_staff: &BTreeSet<PersonKey>) -> Result<(), Ineligible> {
    if organiser_staff.contains(person) { Err(Ineligible::OrganiserStaff) } else { Ok(()) }
}

// ---------------------------------------------------------------------------
// Attempt limits
// ---------------------------------------------------------------------------

string_enum!(
    /// The period an attempt limit applies to. Days and weeks are civil
    /// ones in Asia/Ho_Chi_Minh; weeks start on Monday.
    Period {
        Day = "day" / "Mỗi ngày",
        Week = "week" / "Mỗi tuần",
        Contest = "contest" / "Cả cuộc thi",
    }
);

impl Period {
    /// The period inside a sentence: "3 lượt thi mỗi ngày".
    fn phrase_vi(self) -> &'static str {
        match self {
            Period::Day => "mỗi ngày",
            Period::Week => "mỗi tuần",
            Period::Contest => "trong cả cuộc thi",
        }
    }
}

/// How many attempts a person may start per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptPolicy {
    pub max_attempts: u32,
    pub period: Period,
}

/// An attempt already started by someone: started attempts count whether
/// or not they were submitted, since starting one shows its questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastAttempt {
    pub person: PersonKey,
    pub started_at: DateTime<Utc>,
}

/// A person who has used up their attempts for the period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{used} of {max_attempts} attempts used ({period})")]
pub struct AttemptLimitReached {
    pub max_attempts: u32,
    pub used: u32,
    pub period: Period,
    /// When the next period starts; `None` for a limit over the whole contest.
    pub next_allowed: Option<DateTime<Utc>>,
}

impl AttemptLimitReached {
    pub fn message_vi(&self) -> String {
        let base = format!("Bạn đã dùng hết {} lượt thi {}.", self.max_attempts, self.period.phrase_vi());
        match self.next_allowed {
            Some(t) => format!("{base} Bạn có thể thi tiếp từ {}.", vn_naive(t).format("%H:%M ngày %d/%m/%Y")),
            None => base,
        }
    }
}

impl AttemptPolicy {
    /// Start of the period containing `now`, and of the next one.
    fn period_bounds(&self, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let today = vn_date(now);
        let first = match self.period {
            Period::Day => today,
            Period::Week => {
                today.checked_sub_days(chrono::Days::new(u64::from(today.weekday().num_days_from_monday())))?
            }
            Period::Contest => return None,
        };
        let next = match self.period {
            Period::Day => first.succ_opt()?,
            _ => first.checked_add_days(chrono::Days::new(7))?,
        };
        Some((vn_midnight(first), vn_midnight(next)))
    }
}

/// Whether `person` may start another attempt at `now`. `previous` may hold
/// everyone's attempts; only this person's count.
pub fn may_start(
    policy: &AttemptPolicy,
    person: &PersonKey,
    previous: &[PastAttempt],
    now: DateTime<Utc>,
) -> Result<(), AttemptLimitReached> {
    let bounds = policy.period_bounds(now);
    let used = previous
        .iter()
        .filter(|a| &a.person == person)
        .filter(|a| bounds.is_none_or(|(from, to)| from <= a.started_at && a.started_at < to))
        .count();
    let used = u32::try_from(used).unwrap_or(u32::MAX);
    if used < policy.max_attempts {
        return Ok(());
    }
    Err(AttemptLimitReached {
        max_attempts: policy.max_attempts,
        used,
        period: policy.period,
        next_allowed: bounds.map(|(_, next)| next),
    })
}

// ---------------------------------------------------------------------------
// Contest settings
// ---------------------------------------------------------------------------

/// A contest's settings, checked together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestRules {
    pub title: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub question_count: usize,
    pub quotas: Vec<Quota>,
    pub time_limit_secs: u32,
    pub attempts: AttemptPolicy,
}

/// Why settings are refused or an attempt cannot start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("the contest needs a title")]
    NoTitle,
    #[error("the contest closes before it opens")]
    BadWindow,
    #[error("a draw needs at least one question")]
    NoQuestions,
    #[error("the time limit must be positive")]
    NoTime,
    #[error("at least one attempt must be allowed")]
    NoAttempts,
    #[error("the contest has not opened yet")]
    NotOpenYet { opens_at: DateTime<Utc> },
    #[error("the contest is closed")]
    Closed,
}

impl RulesError {
    pub fn message_vi(&self) -> String {
        match self {
            RulesError::NoTitle => "Cần đặt tên cuộc thi.".into(),
            RulesError::BadWindow => "Thời điểm kết thúc phải sau thời điểm bắt đầu cuộc thi.".into(),
            RulesError::NoQuestions => "Mỗi lượt thi cần ít nhất một câu hỏi.".into(),
            RulesError::NoTime => "Thời gian làm bài phải lớn hơn 0.".into(),
            RulesError::NoAttempts => "Mỗi người phải được thi ít nhất một lượt.".into(),
            RulesError::NotOpenYet { opens_at } => {
                format!(
                    "Cuộc thi chưa bắt đầu; mời bạn quay lại từ {}.",
                    vn_naive(*opens_at).format("%H:%M ngày %d/%m/%Y")
                )
            }
            RulesError::Closed => "Cuộc thi đã kết thúc.".into(),
        }
    }
}

impl ContestRules {
    pub fn validate(&self) -> Result<(), RulesError> {
        if self.title.trim().is_empty() {
            return Err(RulesError::NoTitle);
        }
        if self.closes_at <= self.opens_at {
            return Err(RulesError::BadWindow);
        }
        if self.question_count == 0 {
            return Err(RulesError::NoQuestions);
        }
        if self.time_limit_secs == 0 {
            return Err(RulesError::NoTime);
        }
        if self.attempts.max_attempts == 0 {
            return Err(RulesError::NoAttempts);
        }
        Ok(())
    }

    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.opens_at <= now && now < self.closes_at
    }

    /// Starts an attempt at `now`. Its deadline is the time limit or the
    /// closing time, whichever comes first: nobody answers after closing.
    pub fn start_attempt(&self, now: DateTime<Utc>) -> Result<Attempt, RulesError> {
        if now < self.opens_at {
            return Err(RulesError::NotOpenYet { opens_at: self.opens_at });
        }
        if now >= self.closes_at {
            return Err(RulesError::Closed);
        }
        let mut attempt = Attempt::new(now, Duration::seconds(i64::from(self.time_limit_secs)));
        attempt.deadline = attempt.deadline.min(self.closes_at);
        Ok(attempt)
    }
}

// ---------------------------------------------------------------------------
// Ranking
// ---------------------------------------------------------------------------

/// An entry's identity; the last tie-break, so no two entries rank equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(pub i64);

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A graded, accepted attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    pub person: PersonKey,
    /// The name the entrant gave, for the leaderboard and the export.
    pub name: String,
    /// The unit (commune, agency, school…) the entrant chose to represent.
    pub unit: Option<UnitId>,
    /// Correct answers ([`Grade::correct`]).
    pub score: u32,
    /// How many people the entrant predicts will answer every question
    /// correctly; `None` when they skipped the prediction question.
    pub prediction: Option<u64>,
    /// [`Attempt::time_taken`] in milliseconds.
    pub time_taken_ms: u64,
    /// When the server received the submission.
    pub submitted_at: DateTime<Utc>,
}

/// |prediction − actual|; `None` when there was no prediction, which ranks
/// after every prediction.
pub fn closeness(prediction: Option<u64>, actual_all_correct: u64) -> Option<u64> {
    prediction.map(|p| p.abs_diff(actual_all_correct))
}

/// The contest order: score (higher first), prediction closeness (closer
/// first, none last), time taken (shorter first), submission (earlier
/// first), then entry id. Entry ids are unique, so this is a total order
/// and the ranking does not depend on the order entries are listed in.
pub fn rank_order(a: &Entry, b: &Entry, actual_all_correct: u64) -> Ordering {
    let close = |e: &Entry| closeness(e.prediction, actual_all_correct).unwrap_or(u64::MAX);
    let missing = |e: &Entry| e.prediction.is_none();
    b.score
        .cmp(&a.score)
        .then_with(|| missing(a).cmp(&missing(b)))
        .then_with(|| close(a).cmp(&close(b)))
        .then_with(|| a.time_taken_ms.cmp(&b.time_taken_ms))
        .then_with(|| a.submitted_at.cmp(&b.submitted_at))
        .then_with(|| a.id.cmp(&b.id))
}

/// A place on the leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    /// 1, 2, 3, …: the tie-breaks leave no ties.
    pub rank: usize,
    /// [`closeness`] of the entry's prediction.
    pub closeness: Option<u64>,
    pub entry: Entry,
}

/// Ranks entries (normally [`best_per_person`]'s) by [`rank_order`].
pub fn rank(entries: &[Entry], actual_all_correct: u64) -> Vec<Ranked> {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| rank_order(a, b, actual_all_correct));
    sorted
        .into_iter()
        .enumerate()
        .map(|(i, e)| Ranked { rank: i + 1, closeness: closeness(e.prediction, actual_all_correct), entry: e.clone() })
        .collect()
}

/// The answer to the prediction question: how many *people* answered every
/// question correctly in at least one attempt.
pub fn all_correct_count(entries: &[Entry], question_count: u32) -> u64 {
    let people: BTreeSet<&PersonKey> =
        entries.iter().filter(|e| question_count > 0 && e.score >= question_count).map(|e| &e.person).collect();
    people.len() as u64
}

/// Each person's best entry by [`rank_order`]: only that one is ranked.
pub fn best_per_person(entries: &[Entry], actual_all_correct: u64) -> Vec<Entry> {
    let mut best: BTreeMap<&PersonKey, &Entry> = BTreeMap::new();
    for e in entries {
        match best.get(&e.person) {
            Some(b) if rank_order(b, e, actual_all_correct) != Ordering::Greater => {}
            _ => {
                best.insert(&e.person, e);
            }
        }
    }
    best.into_values().cloned().collect()
}

// ---------------------------------------------------------------------------
// Leaderboard by unit
// ---------------------------------------------------------------------------

/// How many people of a unit may take part (its staff, pupils or
/// residents, as the organisers set it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPopulation {
    pub unit: UnitId,
    pub eligible: u64,
}

/// A unit's line on the unit leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitStanding {
    pub rank: usize,
    pub unit: UnitId,
    /// Distinct people who entered for the unit.
    pub participants: u64,
    pub eligible: Option<u64>,
    /// participants / eligible, at most 1; `None` ("no data", not 0%) when
    /// the eligible population is unknown or zero.
    pub participation: Option<f64>,
    /// Mean of each participant's best score; `None` without participants.
    pub average_score: Option<f64>,
}

/// Units ranked by participation rate, then average score (each unknown
/// last), then participants, then unit id. Every unit with a population
/// or an entry is listed; a person counts once per unit, with their best
/// score.
pub fn unit_leaderboard(entries: &[Entry], populations: &[UnitPopulation]) -> Vec<UnitStanding> {
    let mut eligible: BTreeMap<UnitId, u64> = BTreeMap::new();
    for p in populations {
        eligible.insert(p.unit, p.eligible);
    }
    let mut best: BTreeMap<UnitId, BTreeMap<&PersonKey, u32>> = BTreeMap::new();
    for e in entries {
        let Some(unit) = e.unit else { continue };
        let score = best.entry(unit).or_default().entry(&e.person).or_insert(e.score);
        *score = (*score).max(e.score);
    }
    let units: BTreeSet<UnitId> = eligible.keys().chain(best.keys()).copied().collect();
    let mut standings: Vec<UnitStanding> = units
        .into_iter()
        .map(|unit| {
            let people = best.get(&unit);
            let participants = people.map_or(0, |p| p.len() as u64);
            let population = eligible.get(&unit).copied();
            let participation = population.filter(|&n| n > 0).map(|n| participants.min(n) as f64 / n as f64);
            let average_score = people
                .filter(|p| !p.is_empty())
                .map(|p| p.values().map(|&s| f64::from(s)).sum::<f64>() / p.len() as f64);
            UnitStanding { rank: 0, unit, participants, eligible: population, participation, average_score }
        })
        .collect();
    let known_first = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    standings.sort_by(|a, b| {
        known_first(a.participation, b.participation)
            .then_with(|| known_first(a.average_score, b.average_score))
            .then_with(|| b.participants.cmp(&a.participants))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    for (i, s) in standings.iter_mut().enumerate() {
        s.rank = i + 1;
    }
    standings
}

// ---------------------------------------------------------------------------
// Phone verification
// ---------------------------------------------------------------------------

pub const OTP_DIGITS: usize = 6;
/// Long enough for a text message to arrive, short enough that a code read
/// over someone's shoulder is soon useless.
pub const OTP_TTL: Duration = Duration::minutes(5);
/// Wrong guesses allowed per code: 5 in 1,000,000 is a negligible chance.
pub const OTP_MAX_TRIES: u32 = 5;

/// A six-digit code. `Debug` hides it so it cannot leak into logs by
/// accident.
#[derive(Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OneTimeCode(******)")
    }
}

impl OneTimeCode {
    /// A code from 8 random bytes. 2^64 mod 10^6 makes some codes likelier
    /// by about one part in 10^13: nothing a guesser can use.
    pub fn generate(random: [u8; 8]) -> OneTimeCode {
        let n = u64::from_le_bytes(random) % 1_000_000;
        OneTimeCode(format!("{n:06}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The text message carrying a code. Without diacritics: a message with
/// Vietnamese letters is sent as Unicode, which halves what fits in one SMS
/// and is garbled by some older phones.
pub fn otp_sms_text(code: &OneTimeCode) -> String {
    format!(
        "KHIEN MANG: ma xac thuc cua ban la {}, hieu luc {} phut. Khong cung cap ma nay cho bat ky ai.",
        code.as_str(),
        OTP_TTL.num_minutes()
    )
}

/// A code sent to a person and waiting to be typed back. Only a salted
/// hash of the code is kept: someone reading the table during the five
/// minutes cannot just copy codes out. (A million codes can be hashed in
/// a moment, so the expiry and the try limit are the real protection.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpChallenge {
    pub person: PersonKey,
    /// Hex, 16 random bytes chosen when the code was issued.
    pub salt: String,
    /// Hex SHA-256 of salt, person and code.
    pub code_hash: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Wrong or right guesses so far.
    pub tries: u32,
    /// Set by the first correct guess: a code works once.
    pub verified_at: Option<DateTime<Utc>>,
}

/// Why a code typed back is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OtpError {
    #[error("the code is not six digits")]
    Malformed,
    #[error("the code has expired")]
    Expired,
    #[error("too many wrong codes")]
    TooManyTries,
    #[error("the code was already used")]
    AlreadyUsed,
    #[error("wrong code, {tries_left} tries left")]
    Wrong { tries_left: u32 },
}

impl OtpError {
    pub fn message_vi(&self) -> String {
        match self {
            OtpError::Malformed => format!("Mã xác thực gồm {OTP_DIGITS} chữ số."),
            OtpError::Expired => "Mã xác thực đã hết hạn; hãy yêu cầu gửi mã mới.".into(),
            OtpError::TooManyTries => "Bạn đã nhập sai quá nhiều lần; hãy yêu cầu gửi mã mới.".into(),
            OtpError::AlreadyUsed => "Mã xác thực này đã được sử dụng; hãy yêu cầu gửi mã mới.".into(),
            OtpError::Wrong { tries_left } => format!("Mã xác thực không đúng. Bạn còn {tries_left} lần thử."),
        }
    }
}

fn otp_hash(salt_hex: &str, person: &PersonKey, code: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt_hex.as_bytes());
    h.update(b":");
    h.update(person.as_str().as_bytes());
    h.update(b":");
    h.update(code.as_bytes());
    hex::encode(h.finalize())
}

/// Equal without leaking, through timing, how many leading bytes matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl OtpChallenge {
    pub fn issue(person: PersonKey, code: &OneTimeCode, salt: [u8; 16], now: DateTime<Utc>) -> OtpChallenge {
        let salt = hex::encode(salt);
        let code_hash = otp_hash(&salt, &person, code.as_str());
        OtpChallenge {
            person,
            salt,
            code_hash,
            issued_at: now,
            expires_at: now.checked_add_signed(OTP_TTL).unwrap_or(now),
            tries: 0,
            verified_at: None,
        }
    }

    /// Checks a code as typed (spaces allowed). A wrong guess uses up a try,
    /// so the caller stores the challenge again whatever the outcome; a
    /// malformed one does not (it reveals nothing).
    pub fn verify(&mut self, input: &str, now: DateTime<Utc>) -> Result<(), OtpError> {
        if self.verified_at.is_some() {
            return Err(OtpError::AlreadyUsed);
        }
        if now > self.expires_at {
            return Err(OtpError::Expired);
        }
        if self.tries >= OTP_MAX_TRIES {
            return Err(OtpError::TooManyTries);
        }
        let code: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != OTP_DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OtpError::Malformed);
        }
        self.tries += 1;
        let hash = otp_hash(&self.salt, &self.person, &code);
        if constant_time_eq(hash.as_bytes(), self.code_hash.as_bytes()) {
            self.verified_at = Some(now);
            Ok(())
        } else {
            Err(OtpError::Wrong { tries_left: OTP_MAX_TRIES - self.tries })
        }
    }
}

/// Why a text message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    #[error("the SMS gateway refused the message: {0}")]
    Rejected(String),
    #[error("the SMS gateway is unreachable: {0}")]
    Unavailable(String),
}

impl SmsError {
    /// The gateway's own words stay in the log; the entrant reads this.
    pub fn message_vi(&self) -> String {
        "Chưa gửi được tin nhắn chứa mã xác thực. Vui lòng thử lại sau ít phút.".into()
    }
}

/// Something that sends text messages. Blocking: an implementation that
/// talks to a gateway over the network is called from a blocking thread.
pub trait SmsSender: Send + Sync {
    fn send(&self, to: &PersonKey, text: &str) -> Result<(), SmsError>;
}

/// A message [`LogSmsSender`] did not send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedSms {
    pub to: PersonKey,
    pub text: String,
}

/// Sends nothing: records the message and writes it to the log with the
/// number masked. For demos and tests. It logs the text, code included,
/// which is what a demo operator needs and exactly why a real deployment
/// must configure a gateway instead.
#[derive(Debug, Default)]
pub struct LogSmsSender {
    sent: Mutex<Vec<LoggedSms>>,
}

impl LogSmsSender {
    pub fn new() -> LogSmsSender {
        LogSmsSender::default()
    }

    /// Every message so far, oldest first.
    pub fn sent(&self) -> Vec<LoggedSms> {
        self.sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// The latest message to `to`.
    pub fn last_to(&self, to: &PersonKey) -> Option<String> {
        self.sent().into_iter().rev().find(|m| &m.to == to).map(|m| m.text)
    }
}

impl SmsSender for LogSmsSender {
    fn send(&self, to: &PersonKey, text: &str) -> Result<(), SmsError> {
        tracing::info!(to = %to.masked(), text, "SMS not sent: log-only sender");
        self.sent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(LoggedSms { to: to.clone(), text: text.to_owned() });
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Result export
// ---------------------------------------------------------------------------

/// Column headings of [`ResultRow::cells`], in the organisers' words.
pub const RESULT_HEADERS_VI: [&str; 10] = [
    "Xếp hạng",
    "Họ và tên",
    "Số điện thoại",
    "Đơn vị",
    "Số câu trả lời đúng",
    "Tổng số câu",
    "Dự đoán số người trả lời đúng tất cả",
    "Chênh lệch so với kết quả",
    "Thời gian làm bài",
    "Thời điểm nộp bài",
];

/// One line of the result sheet. Numbers stay numbers for the spreadsheet;
/// times are formatted the Vietnamese way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultRow {
    pub rank: usize,
    pub name: String,
    /// Full for the organisers' own export, masked for a published one.
    pub phone: String,
    pub unit: String,
    pub score: u32,
    pub question_count: u32,
    pub prediction: Option<u64>,
    pub closeness: Option<u64>,
    pub time_taken_ms: u64,
    /// "12:05,250" (minutes:seconds,milliseconds).
    pub time_taken: String,
    /// "dd/mm/yyyy HH:MM:SS" in Asia/Ho_Chi_Minh.
    pub submitted_at: String,
}

impl ResultRow {
    /// The row as text, in the order of [`RESULT_HEADERS_VI`] (for CSV).
    pub fn cells(&self) -> [String; 10] {
        let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
        [
            self.rank.to_string(),
            self.name.clone(),
            self.phone.clone(),
            self.unit.clone(),
            self.score.to_string(),
            self.question_count.to_string(),
            opt(self.prediction),
            opt(self.closeness),
            self.time_taken.clone(),
            self.submitted_at.clone(),
        ]
    }
}

/// "mm:ss,mmm": the tie-break is to the millisecond, so the sheet shows it.
fn format_duration_ms(ms: u64) -> String {
    format!("{:02}:{:02},{:03}", ms / 60_000, (ms / 1000) % 60, ms % 1000)
}

/// Rows for the result sheet. `reveal_phone` is for the organisers' own
/// copy (they call the winners); anything published is masked.
pub fn export_rows(
    ranked: &[Ranked],
    question_count: u32,
    unit_names: &BTreeMap<UnitId, String>,
    reveal_phone: bool,
) -> Vec<ResultRow> {
    ranked
        .iter()
        .map(|r| {
            let e = &r.entry;
            ResultRow {
                rank: r.rank,
                name: e.name.clone(),
                phone: if reveal_phone { e.person.as_str().to_owned() } else { e.person.masked() },
                unit: e.unit.and_then(|u| unit_names.get(&u).cloned()).unwrap_or_default(),
                score: e.score,
                question_count,
                prediction: e.prediction,
                closeness: r.closeness,
                time_taken_ms: e.time_taken_ms,
                time_taken: format_duration_ms(e.time_taken_ms),
                submitted_at: vn_naive(e.submitted_at).format("%d/%m/%Y %H:%M:%S").to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn q(id: i64, category: &str, choices: usize, correct: usize) -> Question {
        Question {
            id: QuestionId(id),
            category: category.into(),
            text: format!("Câu hỏi {id}"),
            choices: (0..choices).map(|i| format!("Phương án {i}")).collect(),
            correct,
        }
    }

    fn bank() -> Vec<Question> {
        let mut b = Vec::new();
        for i in 0..10 {
            b.push(q(i, "Luật An ninh mạng", 4, (i % 4) as usize));
        }
        for i in 10..16 {
            b.push(q(i, "Phòng, chống lừa đảo", 3, 1));
        }
        for i in 16..20 {
            b.push(q(i, "Bảo vệ trẻ em", 2, 0));
        }
        b
    }

    fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 2, h, m, s).unwrap()
    }

    fn person(n: u32) -> PersonKey {
        PersonKey::parse(&format!("0912{n:06}")).unwrap()
    }

    fn entry(id: i64, score: u32, prediction: Option<u64>, time_ms: u64, submitted: DateTime<Utc>) -> Entry {
        Entry {
            id: EntryId(id),
            person: person(id as u32),
            name: format!("Người thi {id}"),
            unit: None,
            score,
            prediction,
            time_taken_ms: time_ms,
            submitted_at: submitted,
        }
    }

    /// The displayed position of the right answer.
    fn right_answer(d: &DrawnQuestion, bank: &[Question]) -> usize {
        let q = bank.iter().find(|q| q.id == d.question).unwrap();
        d.order.iter().position(|&o| usize::from(o) == q.correct).unwrap()
    }

    #[test]
    fn questions_are_validated_with_vietnamese_messages() {
        assert!(q(1, "x", 4, 3).validate().is_ok());
        assert_eq!(q(1, "x", 1, 0).validate(), Err(QuestionError::ChoiceCount { id: QuestionId(1), count: 1 }));
        assert_eq!(q(1, "x", 7, 0).validate(), Err(QuestionError::ChoiceCount { id: QuestionId(1), count: 7 }));
        assert_eq!(q(1, "x", 4, 4).validate(), Err(QuestionError::CorrectOutOfRange(QuestionId(1))));
        let mut blank = q(2, "x", 3, 0);
        blank.text = "  ".into();
        assert_eq!(blank.validate(), Err(QuestionError::EmptyText(QuestionId(2))));
        let mut dup = q(3, "x", 3, 0);
        dup.choices[2] = "PHƯƠNG ÁN 0".into();
        assert_eq!(dup.validate(), Err(QuestionError::DuplicateChoice(QuestionId(3))));
        let mut empty = q(4, "x", 3, 0);
        empty.choices[1] = " ".into();
        let err = empty.validate().unwrap_err();
        assert_eq!(err.message_vi(), "Phương án thứ 2 của câu hỏi số 4 đang để trống.");
        assert!(QuestionError::ChoiceCount { id: QuestionId(1), count: 1 }.message_vi().contains("từ 2 đến 6"));
        assert_eq!(validate_bank(&[q(1, "x", 2, 0), q(1, "y", 2, 0)]), Err(QuestionError::DuplicateId(QuestionId(1))));
    }

    #[test]
    fn the_same_seed_gives_the_same_draw_whatever_the_bank_order() {
        let b = bank();
        let d1 = draw(&b, 8, &[], 42).unwrap();
        let mut reversed = b.clone();
        reversed.reverse();
        assert_eq!(draw(&reversed, 8, &[], 42).unwrap(), d1);
        assert_ne!(draw(&b, 8, &[], 43).unwrap(), d1, "another seed, another draw");
        let ids: BTreeSet<_> = d1.questions.iter().map(|d| d.question).collect();
        assert_eq!(ids.len(), 8, "no question twice");
    }

    #[test]
    fn quotas_are_exact_and_the_rest_comes_from_other_categories() {
        let b = bank();
        let quotas = [
            Quota { category: "Bảo vệ trẻ em".into(), count: 2 },
            Quota { category: "Phòng, chống lừa đảo".into(), count: 3 },
        ];
        for seed in 0..20 {
            let d = draw(&b, 10, &quotas, seed).unwrap();
            let cat = |c: &str| {
                d.questions.iter().filter(|x| b.iter().any(|q| q.id == x.question && q.category == c)).count()
            };
            assert_eq!((cat("Bảo vệ trẻ em"), cat("Phòng, chống lừa đảo"), cat("Luật An ninh mạng")), (2, 3, 5));
        }
        // A quota of 0 keeps a category out.
        let none = [Quota { category: "Luật An ninh mạng".into(), count: 0 }];
        let d = draw(&b, 10, &none, 1).unwrap();
        assert!(d.questions.iter().all(|x| x.question.0 >= 10));
        assert_eq!(draw(&b, 11, &none, 1), Err(DrawError::NotEnough { wanted: 11, available: 10 }));
    }

    #[test]
    fn impossible_draws_say_why() {
        let b = bank();
        assert_eq!(draw(&b, 0, &[], 1), Err(DrawError::NoQuestions));
        assert_eq!(draw(&b, 21, &[], 1), Err(DrawError::NotEnough { wanted: 21, available: 20 }));
        let too_many = [Quota { category: "Bảo vệ trẻ em".into(), count: 5 }];
        let err = draw(&b, 10, &too_many, 1).unwrap_err();
        assert_eq!(err, DrawError::QuotaNotEnough { category: "Bảo vệ trẻ em".into(), wanted: 5, available: 4 });
        assert!(err.message_vi().contains("chỉ có 4 câu hỏi"));
        let over = [
            Quota { category: "Bảo vệ trẻ em".into(), count: 3 },
            Quota { category: "Phòng, chống lừa đảo".into(), count: 3 },
        ];
        assert_eq!(draw(&b, 5, &over, 1), Err(DrawError::QuotasExceed { quotas: 6, n: 5 }));
        let twice = [Quota { category: "A".into(), count: 1 }, Quota { category: "A ".into(), count: 1 }];
        assert_eq!(draw(&b, 5, &twice, 1), Err(DrawError::DuplicateQuota("A".into())));
        let mut broken = bank();
        broken[0].correct = 9;
        assert!(matches!(draw(&broken, 5, &[], 1), Err(DrawError::Bank(QuestionError::CorrectOutOfRange(_)))));
    }

    #[test]
    fn answers_are_graded_through_the_shuffled_order() {
        let b = bank();
        let d = draw(&b, 6, &[], 7).unwrap();
        let right: Vec<Option<usize>> = d.questions.iter().map(|x| Some(right_answer(x, &b))).collect();
        let g = grade(&d, &b, &right).unwrap();
        assert_eq!((g.correct, g.answered, g.total), (6, 6, 6));
        assert!(g.all_correct());

        // Answering the bank's own index (ignoring the shuffle) is not how
        // grading works: only displayed positions count.
        let mut shuffled_somewhere = false;
        for x in &d.questions {
            let q = b.iter().find(|q| q.id == x.question).unwrap();
            shuffled_somewhere |= right_answer(x, &b) != q.correct;
        }
        assert!(shuffled_somewhere, "seed 7 shuffles at least one question");

        // Unanswered, out of range and missing tail answers are wrong.
        let mut partial = right.clone();
        partial[0] = None;
        partial[1] = Some(99);
        partial.truncate(4);
        let g = grade(&d, &b, &partial).unwrap();
        assert_eq!((g.correct, g.answered, g.total), (2, 2, 6));
        assert_eq!(g.per_question, [false, false, true, true, false, false]);
        assert!(!g.all_correct());

        let too_many = vec![Some(0); 7];
        assert_eq!(grade(&d, &b, &too_many), Err(GradeError::TooManyAnswers { answers: 7, questions: 6 }));
    }

    #[test]
    fn grading_notices_an_edited_or_deleted_question() {
        let b = bank();
        let d = draw(&b, 20, &[], 3).unwrap();
        let mut edited = b.clone();
        edited[0].choices.push("Phương án mới".into());
        assert_eq!(grade(&d, &edited, &[]), Err(GradeError::ChangedQuestion(QuestionId(0))));
        let fewer: Vec<Question> = b.iter().filter(|q| q.id != QuestionId(5)).cloned().collect();
        assert_eq!(grade(&d, &fewer, &[]), Err(GradeError::UnknownQuestion(QuestionId(5))));
        // A corrected answer key regrades: the draw holds no answers.
        let mut fixed = b.clone();
        fixed[0].correct = (fixed[0].correct + 1) % 4;
        let right: Vec<Option<usize>> = d.questions.iter().map(|x| Some(right_answer(x, &b))).collect();
        assert_eq!(grade(&d, &fixed, &right).unwrap().correct, 19);
    }

    #[test]
    fn displayed_choices_follow_the_permutation() {
        let question = q(1, "x", 3, 2);
        let d = DrawnQuestion { question: QuestionId(1), order: vec![2, 0, 1] };
        assert_eq!(d.displayed_choices(&question).unwrap(), ["Phương án 2", "Phương án 0", "Phương án 1"]);
        assert_eq!(d.original(0), Some(2));
        assert_eq!(d.original(3), None);
        let stale = DrawnQuestion { question: QuestionId(1), order: vec![1, 0] };
        assert_eq!(stale.displayed_choices(&question), None);
    }

    #[test]
    fn draws_encode_compactly_and_refuse_garbage() {
        let d = draw(&bank(), 5, &[], 9).unwrap();
        let s = d.encode();
        assert!(s.len() < 60, "{s}");
        assert_eq!(Draw::decode(&s), Some(d));
        assert_eq!(Draw::decode("17:2013;5:10").unwrap().questions[0].order, [2, 0, 1, 3]);
        for bad in ["17:2213", "17:0", "x:01", "17-01", "17:0123456", "17:01;", "17:0a"] {
            assert_eq!(Draw::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_submission_after_deadline_and_grace_is_refused() {
        let attempt = Attempt::new(t(8, 0, 0), Duration::minutes(15));
        assert_eq!(attempt.deadline, t(8, 15, 0));
        assert!(accept_submission(&attempt, t(8, 14, 59)).is_ok());
        assert!(accept_submission(&attempt, t(8, 15, 0)).is_ok());
        assert!(accept_submission(&attempt, t(8, 15, 2)).is_ok(), "within the 2 s network grace");
        let late = accept_submission(&attempt, t(8, 15, 3)).unwrap_err();
        assert_eq!(late.late_by, Duration::seconds(3));
        assert_eq!(late.message_vi(), "Bài làm đến máy chủ sau khi hết giờ 3 giây nên không được tính kết quả.");
    }

    #[test]
    fn time_taken_never_exceeds_the_limit_nor_goes_negative() {
        let attempt = Attempt::new(t(8, 0, 0), Duration::minutes(15));
        assert_eq!(attempt.time_taken(t(8, 7, 30)), Duration::seconds(450));
        assert_eq!(attempt.time_taken(t(8, 15, 2)), Duration::minutes(15), "grace is not thinking time");
        assert_eq!(attempt.time_taken(t(7, 59, 59)), Duration::zero());
        assert_eq!(attempt.remaining(t(8, 14, 0)), Duration::minutes(1));
        assert_eq!(attempt.remaining(t(9, 0, 0)), Duration::zero());
    }

    #[test]
    fn contest_rules_cut_the_last_attempt_at_closing_time() {
        let rules = ContestRules {
            title: "Tìm hiểu pháp luật về an ninh mạng".into(),
            opens_at: t(1, 0, 0),
            closes_at: t(10, 0, 0),
            question_count: 20,
            quotas: vec![],
            time_limit_secs: 900,
            attempts: AttemptPolicy { max_attempts: 3, period: Period::Day },
        };
        rules.validate().unwrap();
        assert_eq!(rules.start_attempt(t(9, 0, 0)).unwrap().deadline, t(9, 15, 0));
        assert_eq!(rules.start_attempt(t(9, 50, 0)).unwrap().deadline, t(10, 0, 0));
        assert_eq!(rules.start_attempt(t(10, 0, 0)), Err(RulesError::Closed));
        let early = rules.start_attempt(t(0, 59, 59)).unwrap_err();
        assert_eq!(early.message_vi(), "Cuộc thi chưa bắt đầu; mời bạn quay lại từ 08:00 ngày 02/06/2025.");
        assert!(rules.is_open(t(1, 0, 0)) && !rules.is_open(t(10, 0, 0)));
        let bad = ContestRules { closes_at: t(1, 0, 0), ..rules.clone() };
        assert_eq!(bad.validate(), Err(RulesError::BadWindow));
        let bad = ContestRules { time_limit_secs: 0, ..rules.clone() };
        assert_eq!(bad.validate(), Err(RulesError::NoTime));
        let bad = ContestRules { attempts: AttemptPolicy { max_attempts: 0, period: Period::Day }, ..rules };
        assert_eq!(bad.validate(), Err(RulesError::NoAttempts));
    }

    #[test]
    fn equal_scores_rank_by_prediction_then_time_then_submission() {
        let actual = 12;
        let entries = vec![
            entry(1, 18, Some(20), 300_000, t(9, 0, 0)),  // off by 8
            entry(2, 18, Some(10), 400_000, t(9, 0, 0)),  // off by 2
            entry(3, 18, Some(14), 200_000, t(9, 0, 0)),  // off by 2, faster
            entry(4, 19, Some(500), 899_000, t(9, 0, 0)), // best score wins whatever else
            entry(5, 18, None, 1_000, t(8, 0, 0)),        // no prediction: after all that predicted
            entry(6, 18, Some(14), 200_000, t(8, 59, 0)), // same as 3 but submitted earlier
        ];
        let ranked = rank(&entries, actual);
        let order: Vec<i64> = ranked.iter().map(|r| r.entry.id.0).collect();
        assert_eq!(order, [4, 6, 3, 2, 1, 5]);
        assert_eq!(ranked.iter().map(|r| r.rank).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
        assert_eq!(ranked[1].closeness, Some(2));
        assert_eq!(ranked[5].closeness, None);
    }

    #[test]
    fn fully_equal_keys_fall_back_to_entry_id() {
        let a = entry(7, 10, Some(3), 1000, t(9, 0, 0));
        let mut b = a.clone();
        b.id = EntryId(8);
        assert_eq!(rank_order(&a, &b, 3), Ordering::Less);
        assert_eq!(rank_order(&b, &a, 3), Ordering::Greater);
        assert_eq!(rank_order(&a, &a, 3), Ordering::Equal);
    }

    #[test]
    fn only_the_best_attempt_of_each_person_counts() {
        let p = person(1);
        let mut a = entry(1, 12, Some(5), 500_000, t(8, 0, 0));
        let mut b = entry(2, 15, Some(50), 600_000, t(9, 0, 0));
        let mut c = entry(3, 15, Some(6), 600_000, t(10, 0, 0));
        for e in [&mut a, &mut b, &mut c] {
            e.person = p.clone();
        }
        let other = entry(4, 20, Some(1), 100_000, t(11, 0, 0));
        let all = vec![a, b, c, other];
        let actual = all_correct_count(&all, 20);
        assert_eq!(actual, 1);
        let best = best_per_person(&all, actual);
        assert_eq!(best.len(), 2);
        let mine = best.iter().find(|e| e.person == p).unwrap();
        assert_eq!(mine.id, EntryId(3), "15 points and a prediction closer to 1 than entry 2's");
    }

    #[test]
    fn all_correct_counts_people_not_attempts() {
        let mut a = entry(1, 20, None, 1, t(8, 0, 0));
        let mut b = entry(2, 20, None, 1, t(8, 0, 0));
        b.person = a.person.clone();
        let c = entry(3, 19, None, 1, t(8, 0, 0));
        a.score = 20;
        assert_eq!(all_correct_count(&[a, b, c], 20), 1);
        assert_eq!(all_correct_count(&[], 20), 0);
    }

    #[test]
    fn phone_numbers_typed_differently_are_one_person() {
        let a = PersonKey::parse("0912 345 678").unwrap();
        let b = PersonKey::parse("+84 912.345.678").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "+84912345678");
        assert_eq!(a.masked(), "091****678");
        let landline = PersonKey::parse("024 3825 1234").unwrap_err();
        assert_eq!(landline, EntrantPhoneError::NotMobile);
        assert!(landline.message_vi().contains("di động"));
        assert!(matches!(PersonKey::parse("abc"), Err(EntrantPhoneError::Phone(_))));
    }

    #[test]
    fn attempts_are_limited_per_vietnamese_day() {
        let policy = AttemptPolicy { max_attempts: 2, period: Period::Day };
        let me = PersonKey::parse("0912345678").unwrap();
        let other = PersonKey::parse("0987654321").unwrap();
        // 2 June 2025, 08:00 and 15:00 in Bắc Ninh (01:00 and 08:00 UTC).
        let previous = vec![
            PastAttempt { person: me.clone(), started_at: t(1, 0, 0) },
            PastAttempt { person: me.clone(), started_at: t(8, 0, 0) },
            PastAttempt { person: other.clone(), started_at: t(8, 0, 0) },
        ];
        let err = may_start(&policy, &me, &previous, t(10, 0, 0)).unwrap_err();
        assert_eq!(err.used, 2);
        // The next Vietnamese day starts at 17:00 UTC.
        assert_eq!(err.next_allowed, Some(t(17, 0, 0)));
        assert_eq!(
            err.message_vi(),
            "Bạn đã dùng hết 2 lượt thi mỗi ngày. Bạn có thể thi tiếp từ 00:00 ngày 03/06/2025."
        );
        assert!(may_start(&policy, &me, &previous, t(17, 0, 0)).is_ok());
        assert!(may_start(&policy, &other, &previous, t(10, 0, 0)).is_ok());
        // The same number typed another way is the same person.
        let typed = PersonKey::parse("+84 912 345 678").unwrap();
        assert!(may_start(&policy, &typed, &previous, t(10, 0, 0)).is_err());
    }

    #[test]
    fn weekly_and_contest_limits() {
        let me = person(1);
        // Monday 2 June 2025 and Sunday 8 June (local).
        let monday = t(1, 0, 0);
        let sunday = Utc.with_ymd_and_hms(2025, 6, 8, 10, 0, 0).unwrap();
        let next_monday_local_midnight = Utc.with_ymd_and_hms(2025, 6, 8, 17, 0, 0).unwrap();
        let previous = vec![PastAttempt { person: me.clone(), started_at: monday }];
        let week = AttemptPolicy { max_attempts: 1, period: Period::Week };
        let err = may_start(&week, &me, &previous, sunday).unwrap_err();
        assert_eq!(err.next_allowed, Some(next_monday_local_midnight));
        assert!(may_start(&week, &me, &previous, next_monday_local_midnight).is_ok());
        let whole = AttemptPolicy { max_attempts: 1, period: Period::Contest };
        let err = may_start(&whole, &me, &previous, next_monday_local_midnight).unwrap_err();
        assert_eq!(err.next_allowed, None);
        assert_eq!(err.message_vi(), "Bạn đã dùng hết 1 lượt thi trong cả cuộc thi.");
    }

    #[test]
    fn organiser_staff_cannot_enter() {
        let staff: BTreeSet<PersonKey> = [PersonKey::parse("0912345678").unwrap()].into();
        let err = check_eligibility(&PersonKey::parse("+84912345678").unwrap(), &staff).unwrap_err();
        assert_eq!(err, Ineligible::OrganiserStaff);
        assert!(err.message_vi().contains("không được tham gia"));
        assert!(check_eligibility(&PersonKey::parse("0987654321").unwrap(), &staff).is_ok());
    }

    #[test]
    fn unit_leaderboard_counts_people_once_and_never_exceeds_100_percent() {
        let u = |n| Some(UnitId(n));
        let mut entries = vec![
            entry(1, 10, None, 1, t(8, 0, 0)),
            entry(2, 20, None, 1, t(8, 0, 0)),
            entry(3, 16, None, 1, t(8, 0, 0)),
            entry(4, 18, None, 1, t(8, 0, 0)),
            entry(5, 5, None, 1, t(8, 0, 0)),
        ];
        entries[0].unit = u(1);
        entries[1].unit = u(1);
        entries[1].person = entries[0].person.clone(); // same person, better attempt
        entries[2].unit = u(2);
        entries[3].unit = u(2);
        entries[4].unit = u(3); // unit 3 has no population
        let populations = [
            UnitPopulation { unit: UnitId(1), eligible: 4 },
            UnitPopulation { unit: UnitId(2), eligible: 1 }, // stale population: 2 entered
            UnitPopulation { unit: UnitId(4), eligible: 0 },
            UnitPopulation { unit: UnitId(5), eligible: 10 },
        ];
        let board = unit_leaderboard(&entries, &populations);
        let by_unit = |n| board.iter().find(|s| s.unit == UnitId(n)).unwrap();
        assert_eq!(by_unit(1).participants, 1);
        assert_eq!(by_unit(1).participation, Some(0.25));
        assert_eq!(by_unit(1).average_score, Some(20.0));
        assert_eq!(by_unit(2).participation, Some(1.0), "capped at 100%");
        assert_eq!(by_unit(2).average_score, Some(17.0));
        assert_eq!(by_unit(3).participation, None, "no population: no data");
        assert_eq!(by_unit(4).participation, None, "population 0: no data, not 0%");
        assert_eq!(by_unit(5).participation, Some(0.0), "nobody entered: 0%");
        assert_eq!(by_unit(5).average_score, None);
        let order: Vec<i64> = board.iter().map(|s| s.unit.0).collect();
        assert_eq!(order, [2, 1, 5, 3, 4]);
        assert_eq!(board.iter().map(|s| s.rank).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn one_time_codes_expire_and_allow_few_tries() {
        let me = person(1);
        let code = OneTimeCode::generate([1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(code.as_str().len(), 6);
        assert!(!format!("{code:?}").contains(code.as_str()), "Debug hides the code");
        let mut c = OtpChallenge::issue(me.clone(), &code, [9; 16], t(8, 0, 0));
        assert!(!c.code_hash.contains(code.as_str()));
        let wrong = if code.as_str() == "000000" { "111111" } else { "000000" };
        assert_eq!(c.verify(wrong, t(8, 1, 0)), Err(OtpError::Wrong { tries_left: 4 }));
        assert_eq!(c.verify("12", t(8, 1, 0)), Err(OtpError::Malformed));
        assert_eq!(c.tries, 1, "a malformed code does not use a try");
        let spaced: String = code.as_str().chars().flat_map(|ch| [ch, ' ']).collect();
        assert_eq!(c.verify(&spaced, t(8, 2, 0)), Ok(()));
        assert_eq!(c.verify(code.as_str(), t(8, 2, 0)), Err(OtpError::AlreadyUsed), "a code works once");

        let mut c = OtpChallenge::issue(me.clone(), &code, [9; 16], t(8, 0, 0));
        assert_eq!(c.verify(code.as_str(), t(8, 5, 1)), Err(OtpError::Expired));

        let mut c = OtpChallenge::issue(me, &code, [9; 16], t(8, 0, 0));
        for left in (0..5).rev() {
            assert_eq!(c.verify(wrong, t(8, 1, 0)), Err(OtpError::Wrong { tries_left: left }));
        }
        assert_eq!(c.verify(code.as_str(), t(8, 1, 0)), Err(OtpError::TooManyTries), "even the right code");
        assert!(OtpError::Wrong { tries_left: 2 }.message_vi().contains("còn 2 lần"));
    }

    #[test]
    fn a_code_is_bound_to_its_phone_and_salt() {
        let code = OneTimeCode::generate([0; 8]);
        assert_eq!(code.as_str(), "000000");
        let a = OtpChallenge::issue(person(1), &code, [1; 16], t(8, 0, 0));
        let b = OtpChallenge::issue(person(2), &code, [1; 16], t(8, 0, 0));
        let c = OtpChallenge::issue(person(1), &code, [2; 16], t(8, 0, 0));
        assert_ne!(a.code_hash, b.code_hash);
        assert_ne!(a.code_hash, c.code_hash);
    }

    #[test]
    fn the_log_sender_records_messages_without_sending() {
        let sender = LogSmsSender::new();
        let me = person(1);
        let code = OneTimeCode::generate([7; 8]);
        let text = otp_sms_text(&code);
        assert!(text.is_ascii() && text.len() <= 160, "one plain SMS: {text}");
        assert!(text.contains(code.as_str()));
        let dyn_sender: &dyn SmsSender = &sender;
        dyn_sender.send(&me, &text).unwrap();
        assert_eq!(sender.sent().len(), 1);
        assert_eq!(sender.last_to(&me), Some(text));
        assert_eq!(sender.last_to(&person(2)), None);
        assert!(SmsError::Unavailable("timeout".into()).message_vi().contains("thử lại"));
    }

    #[test]
    fn export_rows_mask_phones_unless_asked_and_format_times() {
        let mut e = entry(1, 18, Some(10), 125_250, t(8, 5, 9));
        e.unit = Some(UnitId(7));
        let ranked = rank(&[e], 12);
        let names: BTreeMap<UnitId, String> = [(UnitId(7), "Phường Kinh Bắc".to_string())].into();
        let published = export_rows(&ranked, 20, &names, false);
        let row = &published[0];
        assert_eq!(row.phone, "091****001");
        assert_eq!(row.unit, "Phường Kinh Bắc");
        assert_eq!(row.time_taken, "02:05,250");
        assert_eq!(row.submitted_at, "02/06/2025 15:05:09");
        assert_eq!(row.closeness, Some(2));
        let cells = row.cells();
        assert_eq!(cells.len(), RESULT_HEADERS_VI.len());
        assert_eq!(cells[0], "1");
        assert_eq!(cells[6], "10");
        let own = export_rows(&ranked, 20, &names, true);
        assert_eq!(own[0].phone, "+84912000001");
    }

    fn arb_entry() -> impl Strategy<Value = Entry> {
        (0u32..4, proptest::option::of(0u64..6), 0u64..4, 0i64..4, 0u32..5).prop_map(
            |(score, prediction, time, minute, who)| Entry {
                id: EntryId(0),
                person: person(who),
                name: String::new(),
                unit: Some(UnitId(i64::from(who % 2))),
                score,
                prediction,
                time_taken_ms: time * 1000,
                submitted_at: t(8, minute as u32, 0),
            },
        )
    }

    /// Entries with small value ranges (so keys tie often) and unique ids.
    fn arb_entries() -> impl Strategy<Value = Vec<Entry>> {
        proptest::collection::vec(arb_entry(), 0..14).prop_map(|mut v| {
            for (i, e) in v.iter_mut().enumerate() {
                e.id = EntryId(i as i64 * 7 % 100);
            }
            v
        })
    }

    proptest! {
        #[test]
        fn draws_are_valid_and_reproducible(n in 1usize..=20, seed in any::<u64>(), quota in 0usize..=4) {
            let b = bank();
            let quotas = [Quota { category: "Bảo vệ trẻ em".into(), count: quota }];
            match draw(&b, n, &quotas, seed) {
                Ok(d) => {
                    prop_assert_eq!(d.questions.len(), n);
                    let ids: BTreeSet<_> = d.questions.iter().map(|x| x.question).collect();
                    prop_assert_eq!(ids.len(), n);
                    for x in &d.questions {
                        let q = b.iter().find(|q| q.id == x.question).unwrap();
                        prop_assert!(is_permutation(&x.order, q.choices.len()));
                    }
                    let children = d.questions.iter().filter(|x| x.question.0 >= 16).count();
                    prop_assert_eq!(children, quota);
                    prop_assert_eq!(Draw::decode(&d.encode()), Some(d.clone()));
                    prop_assert_eq!(draw(&b, n, &quotas, seed).unwrap(), d);
                }
                Err(e) => prop_assert!(n > 16 + quota || quota > n, "{e:?}"),
            }
        }

        #[test]
        fn grading_counts_exactly_the_right_displayed_answers(
            seed in any::<u64>(),
            picks in proptest::collection::vec(proptest::option::of(0usize..6), 0..=8),
        ) {
            let b = bank();
            let d = draw(&b, 8, &[], seed).unwrap();
            let g = grade(&d, &b, &picks).unwrap();
            let expected = picks.iter().zip(&d.questions).filter(|(p, x)| **p == Some(right_answer(x, &b))).count();
            prop_assert_eq!(g.correct as usize, expected);
            prop_assert!(g.correct <= g.answered && g.answered <= g.total);
            prop_assert_eq!(g.total, 8);
        }

        #[test]
        fn rank_order_is_a_total_order(a in arb_entry(), b in arb_entry(), c in arb_entry(), actual in 0u64..6) {
            let (mut a, mut b, mut c) = (a, b, c);
            a.id = EntryId(1);
            b.id = EntryId(2);
            c.id = EntryId(3);
            // Antisymmetric, and never equal for distinct entries.
            prop_assert_eq!(rank_order(&a, &b, actual), rank_order(&b, &a, actual).reverse());
            prop_assert_ne!(rank_order(&a, &b, actual), Ordering::Equal);
            // Transitive.
            if rank_order(&a, &b, actual) == Ordering::Less && rank_order(&b, &c, actual) == Ordering::Less {
                prop_assert_eq!(rank_order(&a, &c, actual), Ordering::Less);
            }
        }

        #[test]
        fn ranking_does_not_depend_on_input_order(entries in arb_entries(), seed in any::<u64>(), actual in 0u64..6) {
            let mut shuffled = entries.clone();
            shuffle(&mut ChaCha8Rng::seed_from_u64(seed), &mut shuffled);
            let a: Vec<EntryId> = rank(&entries, actual).iter().map(|r| r.entry.id).collect();
            let b: Vec<EntryId> = rank(&shuffled, actual).iter().map(|r| r.entry.id).collect();
            prop_assert_eq!(a, b);
            let ranks: Vec<usize> = rank(&entries, actual).iter().map(|r| r.rank).collect();
            prop_assert_eq!(ranks, (1..=entries.len()).collect::<Vec<_>>());
        }

        #[test]
        fn best_per_person_keeps_one_unbeaten_entry_each(entries in arb_entries(), actual in 0u64..6) {
            let best = best_per_person(&entries, actual);
            let people: BTreeSet<&PersonKey> = entries.iter().map(|e| &e.person).collect();
            prop_assert_eq!(best.len(), people.len());
            for b in &best {
                for e in entries.iter().filter(|e| e.person == b.person) {
                    prop_assert_ne!(rank_order(e, b, actual), Ordering::Less);
                }
            }
        }

        #[test]
        fn participation_is_a_share_or_no_data(entries in arb_entries(), pop0 in 0u64..4, pop1 in 0u64..4) {
            let pops = [UnitPopulation { unit: UnitId(0), eligible: pop0 }, UnitPopulation { unit: UnitId(1), eligible: pop1 }];
            for s in unit_leaderboard(&entries, &pops) {
                match s.participation {
                    Some(r) => prop_assert!((0.0..=1.0).contains(&r) && s.eligible.unwrap_or(0) > 0),
                    None => prop_assert_eq!(s.eligible.unwrap_or(0), 0),
                }
            }
        }

        #[test]
        fn otp_accepts_only_its_own_code(random in any::<[u8; 8]>(), guess in "[0-9]{6}") {
            let code = OneTimeCode::generate(random);
            let mut c = OtpChallenge::issue(person(1), &code, [3; 16], t(8, 0, 0));
            let ok = c.verify(&guess, t(8, 0, 1)).is_ok();
            prop_assert_eq!(ok, guess == code.as_str());
        }

        #[test]
        fn below_stays_below(seed in any::<u64>(), n in 1usize..1000) {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            prop_assert!(below(&mut rng, n) < n);
        }
    }
}

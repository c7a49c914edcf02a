//! The draw: which questions an attempt gets and in which order their
//! answers are shown, decided by a seed so the draw can be replayed exactly.

use std::collections::BTreeMap;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};

use super::questions::{MAX_CHOICES, MIN_CHOICES, Question, QuestionError, QuestionId, validate_bank};

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
pub(super) fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
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
pub(super) fn shuffle<T>(rng: &mut ChaCha8Rng, items: &mut [T]) {
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

pub(super) fn is_permutation(order: &[u8], len: usize) -> bool {
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

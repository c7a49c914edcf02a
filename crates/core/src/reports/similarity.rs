//! Suggesting that a new report may repeat an earlier one, so an officer
//! can merge them instead of verifying the same scam twice.
//!
//! Two signals: the wording (character trigrams of the folded text, which
//! survive missing diacritics, typos and reordered phrases) and the
//! identifiers both reports name (phone numbers, bank accounts, URLs),
//! which the caller counts and which outweigh any wording. Only
//! suggestions come out of here: a person decides what is a duplicate.

use crate::text::fold;

/// Lowest score suggested as a possible duplicate. Tuned on the tests
/// below: two wordings of the same scam score 0.39 to 0.45, unrelated
/// reports in the same register 0.05 to 0.13. Looser rewordings (about
/// 0.3) are left to the shared identifiers rather than risk officers
/// learning to ignore noisy suggestions.
pub const DUPLICATE_THRESHOLD: f64 = 0.35;

/// Score given to a candidate sharing one identifier with the report,
/// whatever its wording: the same scammer's number is strong evidence.
const ONE_IDENTIFIER_SCORE: f64 = 0.9;

/// A report's text prepared once for comparisons.
///
/// Holds the sorted, deduplicated hashes of the character trigrams of the
/// folded text (lowercase, no diacritics, "đ" → "d"), with punctuation
/// turned into spaces and words joined by single spaces, so "Lừa đảo qua
/// Zalo!" and "lua dao qua zalo" are the same text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shingles(Vec<u64>);

/// FNV-1a, 64 bits: fast, and the same on every run and machine, unlike
/// std's randomly keyed hasher (shingles may be compared across processes).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

impl Shingles {
    /// Prepares `text`. A text of one or two characters is one shingle, so
    /// only a text with no letters or digits at all is empty.
    pub fn of(text: &str) -> Shingles {
        let folded = fold(text);
        let words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let chars: Vec<char> = words.join(" ").chars().collect();
        let mut buf = [0u8; 12];
        let mut hash = |window: &[char]| {
            let mut len = 0;
            for c in window {
                len += c.encode_utf8(&mut buf[len..]).len();
            }
            fnv1a(&buf[..len])
        };
        let mut hashes: Vec<u64> = if chars.len() < 3 {
            if chars.is_empty() { Vec::new() } else { vec![hash(&chars)] }
        } else {
            chars.windows(3).map(&mut hash).collect()
        };
        hashes.sort_unstable();
        hashes.dedup();
        Shingles(hashes)
    }

    /// True when the text had nothing to compare (no letters or digits);
    /// such a report can only match on shared identifiers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Shared trigrams over all trigrams of either text, in [0, 1]: 1 for
    /// the same text (diacritics and case aside), 0 when nothing is shared
    /// or either text is empty.
    pub fn jaccard(&self, other: &Shingles) -> f64 {
        let (a, b) = (&self.0, &other.0);
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let (mut i, mut j, mut both) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    both += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        both as f64 / (a.len() + b.len() - both) as f64
    }
}

/// An earlier report to compare with: the caller's key for it (its id),
/// its prepared text, and how many identifiers it shares with the new one.
#[derive(Debug, Clone)]
pub struct Candidate<'a, K> {
    /// Handed back in the [`Suggestion`] (a report id, say).
    pub key: K,
    /// Borrowed: the caller prepares each earlier report's text once.
    pub text: &'a Shingles,
    /// Identifiers (phone, account, URL) both reports name.
    pub shared_identifiers: usize,
}

/// A possible duplicate, with the parts of its score so the officer sees
/// why it was suggested ("same account number" vs "similar wording").
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion<K> {
    /// The candidate's key.
    pub key: K,
    /// What the ranking uses, in [0, 1].
    pub score: f64,
    /// Jaccard similarity of the two texts, in [0, 1].
    pub text_similarity: f64,
    /// As given in the [`Candidate`].
    pub shared_identifiers: usize,
}

/// Ranks candidates: score = text jaccard, raised to at least 0.9 when one
/// identifier (phone, account, URL) is shared and 1.0 for two or more;
/// keeps those with score >= [`DUPLICATE_THRESHOLD`], best first, at most
/// `limit`. Equal scores are ordered by text similarity, then in the order
/// given (callers list newer reports first if they prefer those).
pub fn suggest<'a, K: Clone>(
    text: &Shingles,
    candidates: impl IntoIterator<Item = Candidate<'a, K>>,
    limit: usize,
) -> Vec<Suggestion<K>> {
    let mut out: Vec<Suggestion<K>> = candidates
        .into_iter()
        .map(|c| {
            let text_similarity = text.jaccard(c.text);
            let score = match c.shared_identifiers {
                0 => text_similarity,
                1 => text_similarity.max(ONE_IDENTIFIER_SCORE),
                _ => 1.0,
            };
            Suggestion { key: c.key, score, text_similarity, shared_identifiers: c.shared_identifiers }
        })
        .filter(|s| s.score >= DUPLICATE_THRESHOLD)
        .collect();
    // Stable: full ties keep the caller's order.
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.text_similarity.total_cmp(&a.text_similarity)));
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    const FAKE_POLICE: &str = "Có người gọi điện xưng là công an yêu cầu chuyển tiền vào tài khoản";
    const FAKE_POLICE_REWORDED: &str = "Tôi nhận cuộc gọi tự xưng công an bắt chuyển tiền vào tài khoản";
    const GAMBLING: &str = "Trang web cá độ bóng đá mời chơi đánh bạc, nạp tiền nhận thưởng lớn";
    const DRUGS: &str = "Nhóm Telegram rao bán ma túy, giao hàng tận nơi trong thành phố";
    const FAKE_BANK: &str = "Trang vietcombank-hotro.com giả mạo ngân hàng, yêu cầu nhập mã OTP";
    const FAKE_BANK_REWORDED: &str = "Có trang web giả ngân hàng Vietcombank bắt nhập OTP để nhận quà";

    fn sim(a: &str, b: &str) -> f64 {
        Shingles::of(a).jaccard(&Shingles::of(b))
    }

    fn candidate(key: u32, text: &Shingles, shared: usize) -> Candidate<'_, u32> {
        Candidate { key, text, shared_identifiers: shared }
    }

    #[test]
    fn diacritics_case_spacing_and_punctuation_are_ignored() {
        assert_eq!(sim("Lừa đảo qua Zalo", "lua dao qua zalo"), 1.0);
        assert_eq!(sim("LỪA   ĐẢO, qua Zalo!", "lừa đảo qua zalo"), 1.0);
        assert_eq!(Shingles::of("Đắk Lắk"), Shingles::of("dak lak"));
    }

    #[test]
    fn a_reworded_report_of_the_same_scam_is_suggested() {
        let s = sim(FAKE_POLICE, FAKE_POLICE_REWORDED);
        assert!(s >= DUPLICATE_THRESHOLD, "{s}");
        let fake_bank = sim(FAKE_BANK, FAKE_BANK_REWORDED);
        assert!(fake_bank >= DUPLICATE_THRESHOLD, "{fake_bank}");
        let without_marks = sim(FAKE_POLICE, &crate::text::fold(FAKE_POLICE_REWORDED));
        assert!((s - without_marks).abs() < 1e-12);
    }

    #[test]
    fn unrelated_reports_are_not() {
        let pairs = [
            (GAMBLING, DRUGS),
            (FAKE_POLICE, GAMBLING),
            (FAKE_POLICE, DRUGS),
            (FAKE_POLICE, FAKE_BANK),
            (FAKE_BANK_REWORDED, GAMBLING),
            (FAKE_POLICE_REWORDED, FAKE_BANK_REWORDED),
        ];
        for (a, b) in pairs {
            let s = sim(a, b);
            assert!(s < DUPLICATE_THRESHOLD, "{s}: {a} / {b}");
        }
    }

    #[test]
    fn empty_texts_match_nothing_but_shared_identifiers_still_count() {
        let empty = Shingles::of(" ,.!? ");
        assert!(empty.is_empty());
        assert!(!Shingles::of("ab").is_empty());
        assert_eq!(empty.jaccard(&empty), 0.0);
        assert_eq!(empty.jaccard(&Shingles::of(DRUGS)), 0.0);
        let other = Shingles::of(DRUGS);
        let found = suggest(&empty, [candidate(1, &other, 0), candidate(2, &other, 1)], 10);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].key, found[0].score, found[0].text_similarity), (2, 0.9, 0.0));
    }

    #[test]
    fn shared_identifiers_lift_the_score() {
        let this = Shingles::of(GAMBLING);
        let other = Shingles::of(DRUGS);
        let t = this.jaccard(&other);
        let found = suggest(&this, [candidate(0, &other, 0), candidate(1, &other, 1), candidate(2, &other, 2)], 10);
        let scores: Vec<(u32, f64)> = found.iter().map(|s| (s.key, s.score)).collect();
        assert_eq!(scores, vec![(2, 1.0), (1, 0.9)]);
        assert!(found.iter().all(|s| s.text_similarity == t));
        // A text closer than 0.9 keeps its own score with one identifier.
        let same = Shingles::of(GAMBLING);
        let found = suggest(&this, [candidate(3, &same, 1)], 10);
        assert_eq!(found[0].score, 1.0);
    }

    #[test]
    fn best_first_and_at_most_limit() {
        let this = Shingles::of(FAKE_POLICE);
        let same = Shingles::of(&FAKE_POLICE.to_uppercase());
        let reworded = Shingles::of(FAKE_POLICE_REWORDED);
        let unrelated = Shingles::of(DRUGS);
        let candidates = || {
            vec![
                candidate(1, &unrelated, 0),
                candidate(2, &reworded, 0),
                candidate(3, &same, 0),
                candidate(4, &unrelated, 1),
                candidate(5, &reworded, 3),
            ]
        };
        let keys = |v: Vec<Suggestion<u32>>| v.into_iter().map(|s| s.key).collect::<Vec<_>>();
        // 3 and 5 both score 1.0; 3 first for its closer text. 4 (0.9) before 2 (~0.4); 1 dropped.
        assert_eq!(keys(suggest(&this, candidates(), 10)), vec![3, 5, 4, 2]);
        assert_eq!(keys(suggest(&this, candidates(), 2)), vec![3, 5]);
        assert!(suggest(&this, candidates(), 0).is_empty());
        assert!(suggest::<u32>(&this, [], 5).is_empty());
    }

    #[test]
    fn hashes_do_not_change_between_runs() {
        // Known FNV-1a values: shingles stay comparable if ever stored.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(Shingles::of("abc").0, vec![fnv1a(b"abc")]);
    }

    proptest! {
        #[test]
        fn jaccard_is_symmetric_and_bounded(a in "\\PC{0,80}", b in "\\PC{0,80}") {
            let (x, y) = (Shingles::of(&a), Shingles::of(&b));
            let (xy, yx) = (x.jaccard(&y), y.jaccard(&x));
            prop_assert_eq!(xy, yx);
            prop_assert!((0.0..=1.0).contains(&xy), "{}", xy);
        }

        #[test]
        fn a_text_is_identical_to_itself(a in "\\PC{0,80}") {
            let x = Shingles::of(&a);
            if !x.is_empty() {
                prop_assert_eq!(x.jaccard(&x), 1.0);
            }
        }

        #[test]
        fn vietnamese_case_and_marks_do_not_matter(a in "[a-zA-ZĐàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ ,.]{1,60}") {
            let x = Shingles::of(&a);
            if !x.is_empty() {
                prop_assert_eq!(x.jaccard(&Shingles::of(&a.to_uppercase())), 1.0);
                prop_assert_eq!(x.jaccard(&Shingles::of(&crate::text::fold(&a))), 1.0);
            }
        }

        #[test]
        fn suggestions_are_sorted_limited_and_above_threshold(
            texts in prop::collection::vec(("[a-e ]{0,30}", 0usize..3), 0..12), limit in 0usize..8,
        ) {
            let this = Shingles::of("abc de");
            let prepared: Vec<(Shingles, usize)> = texts.iter().map(|(t, n)| (Shingles::of(t), *n)).collect();
            let found = suggest(
                &this,
                prepared.iter().enumerate().map(|(i, (s, n))| candidate(i as u32, s, *n)),
                limit,
            );
            prop_assert!(found.len() <= limit);
            prop_assert!(found.windows(2).all(|w| w[0].score >= w[1].score));
            prop_assert!(found.iter().all(|s| s.score >= DUPLICATE_THRESHOLD && s.score <= 1.0));
            prop_assert!(found.iter().all(|s| s.score >= s.text_similarity));
        }
    }
}

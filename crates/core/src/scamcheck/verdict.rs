//! The answer a citizen gets: a verdict, the evidence behind it and advice
//! in plain Vietnamese. Decided from the indicator index (scams verified or
//! reported), the official entities (checked first) and the look-alike
//! detector, in that order. Also the ageing of indicators.

use chrono::Duration;
use serde::Serialize;

use super::check::{Query, Subject, SubjectKind};
use super::domain::Domain;
use super::index::{IndicatorEntry, IndicatorIndex, IndicatorKey, IndicatorState};
use super::lookalike::{LookalikeDetector, Technique};
use super::official::OfficialList;
use crate::Date;
use crate::category::Category;

crate::macros::string_enum!(
    /// The API's `verdict`.
    Verdict {
        Scam = "scam" / "Lừa đảo (đã xác minh)",
        Suspicious = "suspicious" / "Có dấu hiệu đáng ngờ",
        Official = "official" / "Chính thức",
        Unknown = "unknown" / "Chưa có thông tin",
        Disputed = "disputed" / "Đang có khiếu nại",
    }
);

crate::macros::string_enum!(
    /// Where an indicator stands in the analysts' workflow.
    IndicatorStatus {
        Candidate = "candidate" / "Chờ xác minh",
        Verified = "verified" / "Đã xác minh lừa đảo",
        Disputed = "disputed" / "Đang có khiếu nại",
        Rejected = "rejected" / "Không phải lừa đảo",
        Withdrawn = "withdrawn" / "Đã gỡ sau khiếu nại",
        Official = "official" / "Chính thức",
    }
);

/// Why the verdict is what it is. As JSON, a fact not known is left out
/// rather than written as `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Citizens' reports that name it: every one received, of any status,
    /// since the start (the count every staff page shows for it too).
    pub reports: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// Until when a verified listing lasts unless seen again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    /// The official domain a look-alike imitates, or the owner of an
    /// official number or domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imitates: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub official_owner: Option<String>,
    /// How a look-alike imitates (homoglyph, typo, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technique: Option<&'static str>,
    /// The lookup expression or key that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
    /// The database row of the indicator, for staff links and disputes.
    #[serde(skip)]
    pub row_id: Option<u32>,
}

/// A verdict with its evidence and advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub verdict: Verdict,
    pub evidence: Evidence,
    pub advice_vi: &'static str,
}

/// The category stored in an index entry: its place in [`Category::ALL`].
pub fn category_code(c: Category) -> u8 {
    Category::ALL.iter().position(|x| *x == c).unwrap_or(0) as u8
}

pub fn category_of_code(code: u8) -> Option<Category> {
    Category::ALL.get(usize::from(code)).copied()
}

/// How long a verified indicator stays listed after it was last seen.
/// Numbers and accounts are bought and discarded over months, not days
/// (MISP's 10 days for phones is far too short); sites move faster.
pub fn lifetime(kind: SubjectKind) -> Duration {
    match kind {
        SubjectKind::Phone => Duration::days(270),
        SubjectKind::BankAccount => Duration::days(365),
        _ => Duration::days(180),
    }
}

/// MISP's decay: `base × (1 − (t/τ)^(1/δ))`, 0 once `t ≥ τ`. With δ = 2 the
/// score stays high for most of the lifetime and drops near its end.
pub fn decay_score(base: u8, age: Duration, lifetime: Duration) -> u8 {
    const DELTA: f64 = 2.0;
    let (t, tau) = (age.num_seconds().max(0) as f64, lifetime.num_seconds().max(1) as f64);
    if t >= tau {
        return 0;
    }
    (f64::from(base) * (1.0 - (t / tau).powf(1.0 / DELTA))).round().clamp(0.0, 100.0) as u8
}

/// Decides verdicts; built from the official list in force, and built
/// anew when the secretariat changes it.
#[derive(Debug, Clone)]
pub struct Checker {
    official: OfficialList,
    lookalikes: LookalikeDetector,
}

impl Checker {
    pub fn new(official: OfficialList) -> Checker {
        let domains: Vec<&str> = official.domains().collect();
        // Every entry was checked as a domain when it was added; should one
        // still fail, the others keep protecting.
        let lookalikes = LookalikeDetector::new(&domains).unwrap_or_else(|_| {
            let usable: Vec<&str> = domains.iter().copied().filter(|d| LookalikeDetector::new(&[d]).is_ok()).collect();
            LookalikeDetector::new(&usable).unwrap_or_else(|_| unreachable_detector())
        });
        Checker { official, lookalikes }
    }

    /// The outcome for `query` on `today`; an expired verified listing
    /// counts only as reported.
    pub fn check(&self, index: &IndicatorIndex, query: &Query, today: Date) -> Outcome {
        self.decide(index, query, today, |key| index.get(&key.hash()))
    }

    /// [`Checker::check`], with `lookup` finding the entry of a phone
    /// number's or an account's key.
    fn decide(
        &self,
        index: &IndicatorIndex,
        query: &Query,
        today: Date,
        lookup: impl FnOnce(&IndicatorKey) -> Option<IndicatorEntry>,
    ) -> Outcome {
        let Some(subject) = &query.subject else { return outcome(Verdict::Unknown, Evidence::default()) };
        let today_n = IndicatorEntry::day(today);
        match subject {
            Subject::Phone(p) if let Some(owner) = self.official.phone_owner(p) => official(owner.to_owned()),
            Subject::BankAccount { bin, number, .. } if let Some(owner) = self.official.account_owner(bin, number) => {
                official(owner.to_owned())
            }
            Subject::Phone(_) | Subject::BankAccount { .. } => {
                let key = subject.key();
                listed(lookup(&key), today_n, key.as_str())
            }
            Subject::Url(url) => {
                let hit = index.check_url(url);
                if let Some(hit) = &hit
                    && hit.entry.state == IndicatorState::Verified
                {
                    return listed(Some(hit.entry), today_n, hit.expression.as_str());
                }
                let domain = Domain::from_url(url).ok();
                if let Some(owner) = domain.as_ref().and_then(|d| self.official.domain_owner(d)) {
                    return official(owner.to_owned());
                }
                let mut out = match hit {
                    Some(hit) => listed(Some(hit.entry), today_n, hit.expression.as_str()),
                    None => outcome(Verdict::Unknown, Evidence::default()),
                };
                // A look-alike is suspicious on its own, and reports about it
                // say which official site it imitates too.
                if let Some(l) = domain.as_ref().and_then(|d| self.lookalikes.check(d)) {
                    if out.verdict == Verdict::Unknown {
                        out = outcome(Verdict::Suspicious, Evidence::default());
                    }
                    out.evidence.imitates = Some(l.imitates);
                    out.evidence.technique = Some(technique_vi(l.technique));
                }
                out
            }
        }
    }

    /// The outcomes of many queries at once (an app screening a call log or
    /// a list of accounts), in order. The keys of their phone numbers and
    /// accounts are looked up in the index as one stream
    /// ([`IndicatorIndex::get_many_by`]), whose reads from memory overlap;
    /// each query is then decided as [`Checker::check`] decides it.
    pub fn check_many(&self, index: &IndicatorIndex, queries: &[Query], today: Date) -> Vec<Outcome> {
        let keyed: Vec<(usize, IndicatorKey)> = queries
            .iter()
            .enumerate()
            .filter_map(|(i, q)| match &q.subject {
                Some(s @ (Subject::Phone(_) | Subject::BankAccount { .. })) => Some((i, s.key())),
                _ => None,
            })
            .collect();
        let mut found = vec![None; keyed.len()];
        index.get_many_by(&keyed, |(_, key)| key.hash(), &mut found);
        let mut entries = vec![None; queries.len()];
        for ((i, _), entry) in keyed.iter().zip(found) {
            entries[*i] = entry;
        }
        queries.iter().zip(entries).map(|(q, entry)| self.decide(index, q, today, |_| entry)).collect()
    }
}

/// Never reached: an empty list always builds.
fn unreachable_detector() -> LookalikeDetector {
    match LookalikeDetector::new(&[]) {
        Ok(d) => d,
        Err(_) => unreachable!("an empty list of official domains always builds"),
    }
}

fn official(owner: String) -> Outcome {
    outcome(Verdict::Official, Evidence { official_owner: Some(owner), ..Evidence::default() })
}

fn listed(entry: Option<IndicatorEntry>, today: u16, matched: &str) -> Outcome {
    let Some(e) = entry else { return outcome(Verdict::Unknown, Evidence::default()) };
    let verdict = match e.state {
        IndicatorState::Official => Verdict::Official,
        IndicatorState::Disputed => Verdict::Disputed,
        IndicatorState::Verified if !e.is_expired(today) => Verdict::Scam,
        _ if e.reports > 0 => Verdict::Suspicious,
        _ => Verdict::Unknown,
    };
    if verdict == Verdict::Unknown {
        return outcome(verdict, Evidence::default());
    }
    outcome(
        verdict,
        Evidence {
            reports: u32::from(e.reports),
            first_seen: IndicatorEntry::date(e.first_seen),
            last_seen: IndicatorEntry::date(e.last_seen),
            category: category_of_code(e.category),
            expires: IndicatorEntry::date(e.expires),
            matched: Some(matched.to_owned()),
            row_id: (e.row_id != 0).then_some(e.row_id),
            ..Evidence::default()
        },
    )
}

fn outcome(verdict: Verdict, evidence: Evidence) -> Outcome {
    Outcome { verdict, advice_vi: advice_vi(verdict), evidence }
}

fn technique_vi(t: Technique) -> &'static str {
    match t {
        Technique::Homoglyph => "thay chữ bằng ký tự trông giống",
        Technique::Punycode => "tên miền có dấu giả tên chính thức",
        Technique::Typo { .. } => "viết sai lệch vài ký tự",
        Technique::AddedWords => "ghép thêm từ vào tên chính thức",
        Technique::TldSwap => "đổi đuôi tên miền",
        Technique::Subdomain => "đặt tên chính thức làm tên miền con",
    }
}

/// What to do, in words for anyone.
pub fn advice_vi(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Scam => {
            "Đã được cơ quan chức năng xác minh là dùng để lừa đảo. Không chuyển tiền, không cung cấp mã OTP, mật khẩu hay thông tin cá nhân. Nếu đã lỡ giao dịch, hãy báo ngay cho ngân hàng và cơ quan Công an gần nhất."
        }
        Verdict::Suspicious => {
            "Có dấu hiệu đáng ngờ: đã có người dân phản ánh hoặc tên miền giả mạo một trang chính thức. Hãy dừng lại, tự liên hệ với tổ chức thật qua số điện thoại hoặc trang web chính thức trước khi làm theo bất kỳ yêu cầu nào."
        }
        Verdict::Official => {
            "Đây là kênh chính thức. Dù vậy, ngân hàng và cơ quan nhà nước không bao giờ yêu cầu bạn cung cấp mã OTP hay mật khẩu."
        }
        Verdict::Unknown => {
            "Chưa có thông tin về nội dung này. Chưa có thông tin không có nghĩa là an toàn: hãy cảnh giác với yêu cầu chuyển tiền gấp, mã OTP hoặc đường link lạ."
        }
        Verdict::Disputed => {
            "Nội dung này từng được xác minh là lừa đảo nhưng chủ sở hữu đang khiếu nại và cơ quan chức năng đang xem xét lại. Hãy thận trọng trong lúc chờ kết luận."
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::scamcheck::IndicatorKey;
    use crate::scamcheck::official::tests::sample;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn entry(state: IndicatorState, reports: u16, expires: Date) -> IndicatorEntry {
        IndicatorEntry {
            state,
            category: category_code(Category::Fraud),
            reports,
            first_seen: IndicatorEntry::day(d("2026-01-05")),
            last_seen: IndicatorEntry::day(d("2026-03-01")),
            expires: IndicatorEntry::day(expires),
            row_id: 7,
        }
    }

    fn index(items: &[(&str, IndicatorEntry)]) -> IndicatorIndex {
        IndicatorIndex::build(items.iter().map(|(k, e)| (IndicatorKey::from_stored(k).hash(), *e)))
    }

    fn verdict(i: &IndicatorIndex, text: &str, today: &str) -> Outcome {
        Checker::new(sample()).check(i, &Query::detect(text).unwrap(), d(today))
    }

    #[test]
    fn many_queries_at_once_get_the_answers_of_one_at_a_time() {
        let i = index(&[
            ("tel:+84912345678", entry(IndicatorState::Verified, 3, d("2027-01-01"))),
            ("tel:+84987654321", entry(IndicatorState::Reported, 1, d("2027-01-01"))),
            ("bank:970436:0011001234567", entry(IndicatorState::Verified, 2, d("2026-02-01"))),
            ("lua-dao.example/", entry(IndicatorState::Verified, 5, d("2027-01-01"))),
        ]);
        let texts = [
            "0912 345 678",
            "0987654321",
            "0911111111",
            "Vietcombank 0011001234567",
            "http://lua-dao.example/dang-nhap",
            "https://vietcombank.com.vn/",
            "vietcombank-hotro.com",
            "1900 545413",
        ];
        // More than one pipeline group, the kinds interleaved.
        let queries: Vec<Query> = (0..40).map(|n| Query::detect(texts[n % texts.len()]).unwrap()).collect();
        let checker = Checker::new(sample());
        let today = d("2026-06-01");
        let many = checker.check_many(&i, &queries, today);
        let one_by_one: Vec<Outcome> = queries.iter().map(|q| checker.check(&i, q, today)).collect();
        assert_eq!(many, one_by_one);
        let verdicts: Vec<Verdict> = many.iter().take(texts.len()).map(|o| o.verdict).collect();
        use Verdict::*;
        assert_eq!(verdicts, [Scam, Suspicious, Unknown, Suspicious, Scam, Official, Suspicious, Official]);
    }

    #[test]
    fn a_verified_number_is_a_scam_until_it_ages_out_then_only_suspicious() {
        let i = index(&[("tel:+84912345678", entry(IndicatorState::Verified, 3, d("2026-12-01")))]);
        let out = verdict(&i, "0912 345 678", "2026-06-01");
        assert_eq!(out.verdict, Verdict::Scam);
        assert_eq!(out.evidence.reports, 3);
        assert_eq!(out.evidence.category, Some(Category::Fraud));
        assert_eq!(out.evidence.first_seen, Some(d("2026-01-05")));
        assert_eq!(verdict(&i, "0912345678", "2027-01-01").verdict, Verdict::Suspicious);
        assert_eq!(verdict(&i, "0912345679", "2026-06-01").verdict, Verdict::Unknown);
    }

    #[test]
    fn official_comes_first_and_lookalikes_name_what_they_imitate() {
        let i = index(&[("vietcombank.com.vn/", entry(IndicatorState::Reported, 1, d("2030-01-01")))]);
        assert_eq!(verdict(&i, "https://vietcombank.com.vn/", "2026-06-01").verdict, Verdict::Official);
        assert_eq!(verdict(&i, "1900 545413", "2026-06-01").verdict, Verdict::Official);
        let out = verdict(&i, "vietcombank-hotro.com", "2026-06-01");
        assert_eq!(out.verdict, Verdict::Suspicious);
        assert_eq!(out.evidence.imitates.as_deref(), Some("vietcombank.com.vn"));
        // An account the list names is official even when citizens reported it.
        let i = index(&[("bank:970436:0071000888999", entry(IndicatorState::Reported, 3, d("2030-01-01")))]);
        let out = verdict(&i, "Vietcombank 0071000888999", "2026-06-01");
        assert_eq!(out.verdict, Verdict::Official);
        assert_eq!(out.evidence.official_owner.as_deref(), Some("Quỹ phòng chống thiên tai tỉnh"));
    }

    #[test]
    fn without_the_list_nothing_but_gov_vn_is_official() {
        let i = index(&[]);
        let checker = Checker::new(OfficialList::default());
        let out = |text: &str| checker.check(&i, &Query::detect(text).unwrap(), d("2026-06-01")).verdict;
        assert_eq!(out("https://vietcombank.com.vn/"), Verdict::Unknown);
        assert_eq!(out("https://dichvucong.gov.vn/"), Verdict::Official);
        assert_eq!(out("1900 545413"), Verdict::Unknown);
    }

    #[test]
    fn a_disputed_listing_says_so_and_reports_alone_are_suspicious() {
        let i = index(&[
            ("bank:970436:0011001234567", entry(IndicatorState::Disputed, 2, d("2027-01-01"))),
            ("evil.example/", entry(IndicatorState::Reported, 4, d("2027-01-01"))),
        ]);
        assert_eq!(verdict(&i, "Vietcombank 0011001234567", "2026-06-01").verdict, Verdict::Disputed);
        let out = verdict(&i, "http://evil.example/login", "2026-06-01");
        assert_eq!(out.verdict, Verdict::Suspicious);
        assert_eq!(out.evidence.matched.as_deref(), Some("evil.example/"));
        let i = index(&[("vietcombank-hotro.com/", entry(IndicatorState::Reported, 2, d("2027-01-01")))]);
        let out = verdict(&i, "vietcombank-hotro.com", "2026-06-01");
        assert_eq!((out.verdict, out.evidence.reports), (Verdict::Suspicious, 2));
        assert_eq!(out.evidence.imitates.as_deref(), Some("vietcombank.com.vn"), "reported and a look-alike");
    }

    #[test]
    fn decay_starts_high_and_reaches_zero_at_the_lifetime() {
        let life = lifetime(SubjectKind::Phone);
        assert_eq!(decay_score(80, Duration::zero(), life), 80);
        assert!(decay_score(80, life / 2, life) > 20);
        assert_eq!(decay_score(80, life, life), 0);
        let mut last = 100;
        for days in 0..300 {
            let s = decay_score(100, Duration::days(days), life);
            assert!(s <= last);
            last = s;
        }
    }
}

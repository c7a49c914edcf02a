//! The phone numbers, bank accounts and web addresses a report involves, in
//! the canonical form the scam check uses, so that two reports naming the
//! same number however written are linked.

use crate::movement::{Channel, Platform};
use crate::scamcheck::{BANKS, Bank, BankAccount, Domain, PhoneNumber};
use crate::text::fold;

crate::macros::string_enum!(
    /// What an identifier is.
    IdentifierKind {
        Phone = "phone" / "Số điện thoại",
        BankAccount = "bank_account" / "Tài khoản ngân hàng",
        Url = "url" / "Trang web, tài khoản mạng xã hội",
    }
);

/// One identifier: "+84912345678", "970436:0011001234567", "scam-site.com"
/// or a social account's channel key ("facebook:groups/123").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Identifier {
    pub kind: IdentifierKind,
    pub value: String,
}

impl PartialOrd for IdentifierKind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for IdentifierKind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// Finds identifiers in a free text and in the entries a citizen listed
/// (one link, number or "bank number" per entry). Sorted, without repeats.
pub fn extract_identifiers(text: &str, entries: &[&str]) -> Vec<Identifier> {
    let mut out = Vec::new();
    for entry in entries {
        match entry_identifier(entry) {
            Some(id) => out.push(id),
            None => scan(entry, &mut out),
        }
    }
    scan(text, &mut out);
    out.sort();
    out.dedup();
    out
}

/// One listed entry, read as a whole.
fn entry_identifier(entry: &str) -> Option<Identifier> {
    let entry = entry.trim();
    if entry.chars().any(|c| c.is_alphabetic())
        && let Ok(account) = BankAccount::parse_written(entry)
    {
        return Some(Identifier { kind: IdentifierKind::BankAccount, value: account.canonical() });
    }
    if let Ok(phone) = PhoneNumber::parse(entry) {
        return Some(Identifier { kind: IdentifierKind::Phone, value: phone.e164().to_string() });
    }
    web(entry)
}

/// A link or a bare domain: social accounts keep their channel key (the
/// platform's domain would link every report); other sites their
/// registrable domain, which scam sites rotate paths under.
fn web(token: &str) -> Option<Identifier> {
    let token = token.trim_matches(|c: char| matches!(c, '.' | ',' | ';' | ')' | '(' | '"' | '\'' | '»' | '«'));
    if !token.contains('.') || token.contains('@') {
        return None;
    }
    if let Ok(channel) = Channel::parse(token)
        && channel.platform != Platform::Website
    {
        return Some(Identifier { kind: IdentifierKind::Url, value: channel.key });
    }
    let domain = Domain::parse(token).ok()?;
    // A bare word with a dot ("v.v", "1.5") is only a domain if its suffix is real.
    if !psl::suffix(domain.as_str().as_bytes()).is_some_and(|s| s.is_known()) {
        return None;
    }
    let value = domain.registrable().unwrap_or(domain.as_str()).to_string();
    Some(Identifier { kind: IdentifierKind::Url, value })
}

/// Scans a free text: links and domains word by word, bank accounts as a
/// bank's name followed by digits, then phone numbers among the remaining
/// runs of digits.
fn scan(text: &str, out: &mut Vec<Identifier>) {
    for word in text.split_whitespace() {
        if word.chars().any(|c| c.is_alphabetic()) && !word.chars().all(|c| c.is_ascii_digit() || c == '.') {
            out.extend(web(word));
        }
    }
    let folded = fold(text);
    let runs = digit_runs(&folded);
    let mut used = vec![false; runs.len()];
    for (bank, name) in folded_bank_names() {
        for (at, _) in folded.match_indices(name.as_str()) {
            let end = at + name.len();
            // The account is the first run of digits within a few words.
            if let Some((i, run)) = runs.iter().enumerate().find(|(_, r)| r.start >= end && r.start <= end + 40)
                && let Ok(account) = BankAccount::parse(bank.bin, &run.digits)
            {
                used[i] = true;
                out.push(Identifier { kind: IdentifierKind::BankAccount, value: account.canonical() });
            }
        }
    }
    for (run, used) in runs.iter().zip(used) {
        if used {
            continue;
        }
        if let Ok(phone) = PhoneNumber::parse(&run.text)
            && !phone.is_foreign()
        {
            out.push(Identifier { kind: IdentifierKind::Phone, value: phone.e164().to_string() });
        }
    }
}

/// Every bank's names folded once (scanning a report compares against all).
fn folded_bank_names() -> &'static [(&'static Bank, String)] {
    static NAMES: std::sync::LazyLock<Vec<(&'static Bank, String)>> = std::sync::LazyLock::new(|| {
        BANKS
            .iter()
            .flat_map(|bank| bank.names().map(move |name| (bank, fold(name))))
            .filter(|(_, name)| name.chars().count() >= 3)
            .collect()
    });
    &NAMES
}

struct Run {
    start: usize,
    text: String,
    digits: String,
}

/// Runs of digits that may be separated by single spaces, dots or dashes
/// ("0912 345 678", "0912.345.678"), with a leading "+" kept.
fn digit_runs(text: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if !(c.is_ascii_digit() || (c == '+' && chars.get(i + 1).is_some_and(|(_, d)| d.is_ascii_digit()))) {
            i += 1;
            continue;
        }
        let mut text = String::new();
        let mut digits = String::new();
        while i < chars.len() {
            let c = chars[i].1;
            if c.is_ascii_digit() || (c == '+' && text.is_empty()) {
                text.push(c);
                if c.is_ascii_digit() {
                    digits.push(c);
                }
                i += 1;
            } else if matches!(c, ' ' | '.' | '-') && chars.get(i + 1).is_some_and(|(_, d)| d.is_ascii_digit()) {
                text.push(c);
                i += 1;
            } else {
                break;
            }
        }
        if (9..=19).contains(&digits.len()) {
            runs.push(Run { start, text, digits });
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    fn values(text: &str, entries: &[&str]) -> Vec<String> {
        extract_identifiers(text, entries).into_iter().map(|i| format!("{}={}", i.kind, i.value)).collect()
    }

    #[test]
    fn the_same_number_written_three_ways_is_one_identifier() {
        let v = values("Gọi từ 0912.345.678, rồi +84 912 345 678", &["0912-345-678"]);
        assert_eq!(v, vec!["phone=+84912345678"]);
    }

    #[test]
    fn a_bank_named_before_digits_is_an_account_not_a_phone() {
        let v = values("Chuyển khoản vào tài khoản Techcombank số 19036 7788 99 013 tên NGUYEN VAN A", &[]);
        assert_eq!(v, vec!["bank_account=970407:19036778899013"]);
        assert_eq!(values("", &["MB Bank 0987654321"]), vec!["bank_account=970422:0987654321"]);
    }

    #[test]
    fn links_keep_social_accounts_and_reduce_sites_to_their_domain() {
        let v = values(
            "Nhóm https://www.facebook.com/groups/123456/?ref=share và trang http://login.vietcombank-hotro.com/otp.",
            &[],
        );
        assert_eq!(v, vec!["url=facebook:groups/123456", "url=vietcombank-hotro.com"]);
        assert!(values("v.v. và 1.5 triệu, lúc 10.30", &[]).is_empty());
    }

    proptest! {
        #[test]
        fn extraction_never_panics_and_is_sorted(text in "\\PC{0,200}", entry in "\\PC{0,40}") {
            let ids = extract_identifiers(&text, &[&entry]);
            let mut sorted = ids.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(ids, sorted);
        }
    }
}

//! Village codes: `<commune code>.<sequence>`, the sequence at least three
//! digits and assigned within the commune. Official lists give villages no
//! code, yet uploads must name a village without ambiguity, and one ward may
//! hold seven "Tổ dân phố số 1" after the 2025 reorganisation.
//!
//! A sequence is never reused: the commune's counter only grows, so a code
//! once given (even to a village later abolished) never names another one.
//! The store keeps the counter; the rules are here.

/// The separator between the commune's code and the village's sequence.
pub const SEPARATOR: char = '.';
/// The sequence is written with at least this many digits.
pub const SEQ_DIGITS: usize = 3;
/// What separates a code from its label in a template's drop-down list
/// ("24145.003 · Tổ dân phố số 1"): a cell may hold either.
pub const LABEL_SEPARATOR: &str = " · ";

/// The code of a village with sequence `seq` in the commune coded `commune`.
pub fn village_code(commune: &str, seq: u32) -> String {
    format!("{commune}{SEPARATOR}{seq:0width$}", width = SEQ_DIGITS)
}

/// The sequence of `code` if it is a village code of the commune `commune`.
pub fn village_seq(commune: &str, code: &str) -> Option<u32> {
    let rest = code.strip_prefix(commune)?.strip_prefix(SEPARATOR)?;
    if rest.len() < SEQ_DIGITS || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}

/// The next `n` codes of a commune whose counter stands at `last`, given the
/// codes its villages already carry (some may have been written by hand or
/// imported): every new sequence lies above both. Returns the codes and the
/// counter's new value.
pub fn next_codes<'a>(
    commune: &str,
    last: u32,
    existing: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> (Vec<String>, u32) {
    let taken = existing.into_iter().filter_map(|c| village_seq(commune, c)).max().unwrap_or(0);
    let mut counter = last.max(taken);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        counter = counter.saturating_add(1);
        out.push(village_code(commune, counter));
    }
    (out, counter)
}

/// The code in a cell that holds either a code or a drop-down label
/// ("code · name"), whitespace trimmed.
pub fn code_of_label(cell: &str) -> &str {
    cell.split(LABEL_SEPARATOR).next().unwrap_or(cell).trim()
}

/// The drop-down label of a village: its code, its name, and where it was
/// before when that tells it apart from a namesake.
pub fn village_label(code: &str, name: &str, hint: Option<&str>) -> String {
    match hint.filter(|h| !h.trim().is_empty()) {
        Some(h) => format!("{code}{LABEL_SEPARATOR}{name} ({h})"),
        None => format!("{code}{LABEL_SEPARATOR}{name}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn codes_read_as_the_issue_writes_them() {
        assert_eq!(village_code("24145", 3), "24145.003");
        assert_eq!(village_code("24145", 1234), "24145.1234");
        assert_eq!(village_seq("24145", "24145.003"), Some(3));
        assert_eq!(village_seq("24145", "24145.03"), None);
        assert_eq!(village_seq("2414", "24145.003"), None);
        assert_eq!(village_seq("24145", "24145.00a"), None);
        assert_eq!(code_of_label("24145.003 · Tổ dân phố số 1 (Phường Cũ)"), "24145.003");
        assert_eq!(code_of_label("  24145.003 "), "24145.003");
    }

    #[test]
    fn hand_written_codes_are_stepped_over() {
        let (codes, last) = next_codes("07210", 2, ["07210.005", "07211.900", "07210.x"], 2);
        assert_eq!(codes, ["07210.006", "07210.007"]);
        assert_eq!(last, 7);
    }

    proptest! {
        /// Codes handed out in any number of rounds, with villages abolished
        /// between them, are unique, never reuse a sequence, and read back.
        #[test]
        fn codes_are_unique_never_reused_and_well_formed(
            commune in "[0-9]{2,6}",
            rounds in proptest::collection::vec((0usize..6, proptest::collection::vec(any::<bool>(), 0..6)), 1..12),
        ) {
            let mut last = 0u32;
            let mut alive: Vec<String> = Vec::new();
            let mut ever: HashSet<String> = HashSet::new();
            for (n, abolish) in rounds {
                let (codes, counter) = next_codes(&commune, last, alive.iter().map(String::as_str), n);
                prop_assert!(counter >= last);
                last = counter;
                for c in &codes {
                    prop_assert!(ever.insert(c.clone()), "code {} reused", c);
                    let (prefix, seq) = c.split_once(SEPARATOR).unwrap();
                    prop_assert_eq!(prefix, commune.as_str());
                    prop_assert!(seq.len() >= SEQ_DIGITS && seq.bytes().all(|b| b.is_ascii_digit()));
                    prop_assert_eq!(village_seq(&commune, c), Some(seq.parse::<u32>().unwrap()));
                    let label = village_label(c, "Tổ dân phố số 1", Some("Phường A"));
                    prop_assert_eq!(code_of_label(&label), c.as_str());
                }
                alive.extend(codes);
                // Abolished villages leave the list; their codes stay spent.
                let mut keep = abolish.into_iter().chain(std::iter::repeat(true));
                alive.retain(|_| keep.next().unwrap_or(true));
            }
        }

        /// Whatever a cell holds, the code read from it is a trimmed prefix
        /// of it and holds no label separator.
        #[test]
        fn code_of_label_never_panics(cell in ".{0,80}") {
            let code = code_of_label(&cell);
            prop_assert!(!code.contains(LABEL_SEPARATOR));
            prop_assert!(cell.contains(code));
        }
    }
}

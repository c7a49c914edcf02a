//! Text helpers shared by search and import.

use unicode_normalization::UnicodeNormalization;

/// Folds Vietnamese text for search: lowercase, diacritics removed, "đ" → "d",
/// whitespace collapsed. "Bắc  Ninh" and "bac ninh" fold to the same string.
pub fn fold(s: &str) -> String {
    // ASCII is its own decomposition: the normalisation is skipped.
    if s.is_ascii() { fold_chars(s.chars(), s.len()) } else { fold_chars(s.nfd(), s.len()) }
}

/// [`fold`] of text already decomposed (NFD).
fn fold_chars(decomposed: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut last_space = true;
    for c in decomposed {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        out.extend(c.to_lowercase());
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Tỉnh Bắc Ninh"), "tinh bac ninh");
        assert_eq!(fold("  ĐỒNG   Nai "), "dong nai");
        assert_eq!(fold("Phường Đáp Cầu"), "phuong dap cau");
    }

    proptest! {
        /// The shortcut for ASCII changes nothing.
        #[test]
        fn ascii_folds_as_its_decomposition(s in "[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(fold(&s), fold_chars(s.nfd(), s.len()));
        }

        #[test]
        fn fold_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }
    }
}

//! Text helpers shared by search and import.

use unicode_normalization::UnicodeNormalization;

/// Folds Vietnamese text for search: lowercase, diacritics removed, "đ" → "d",
/// whitespace collapsed. "Bắc  Ninh" and "bac ninh" fold to the same string.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    for c in s.nfd() {
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
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }
    }
}

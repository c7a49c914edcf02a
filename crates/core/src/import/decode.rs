//! Turning the bytes of a text file into a `String`, whatever Vietnamese
//! Windows, Excel or LibreOffice saved it as.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1258};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::{ImportError, check_size};

/// How many leading bytes are inspected to guess a BOM-less UTF-16 file.
const SNIFF_BYTES: usize = 4096;

/// Decodes a text file to NFC-normalised text without a BOM.
///
/// Accepts UTF-8 (with or without BOM), UTF-16 LE/BE (with a BOM, or without
/// one when the NUL-byte pattern gives it away, as in Excel's "Unicode text")
/// and, for anything that is not valid UTF-8, Windows-1258: the "ANSI" code
/// page Excel uses on Vietnamese Windows. Windows-1258 writes tone marks as
/// combining characters, hence the NFC normalisation, which also makes text
/// typed on different systems compare equal.
pub fn decode_text(bytes: &[u8]) -> Result<String, ImportError> {
    check_size(bytes)?;
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((encoding, bom_len)) => (encoding, &bytes[bom_len..]),
        None => (sniff_utf16(bytes).unwrap_or(UTF_8), bytes),
    };
    if body.is_empty() {
        return Err(ImportError::Empty);
    }
    let text = match encoding.decode_without_bom_handling_and_without_replacement(body) {
        Some(text) => text,
        // Only a BOM-less file may fall back: a BOM or a UTF-16 pattern was a
        // deliberate choice, so malformed content there is a broken file.
        None if encoding == UTF_8 && body.len() == bytes.len() => WINDOWS_1258.decode_without_bom_handling(body).0,
        None => return Err(ImportError::BadEncoding),
    };
    if looks_binary(&text) {
        return Err(ImportError::BadEncoding);
    }
    Ok(match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text.into_owned(),
        _ => text.nfc().collect(),
    })
}

/// Guesses BOM-less UTF-16 from where the NUL bytes fall: ASCII characters
/// (digits, commas, Latin letters) have a zero high byte, which sits at odd
/// offsets in little-endian and at even offsets in big-endian text.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let pairs = sample.len() / 2;
    if pairs == 0 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    // Most characters of a CSV file are ASCII (digits, separators, Latin
    // letters; "ô" and "ã" too), and the NULs must be overwhelmingly on one
    // side; otherwise it is binary, not UTF-16.
    if odd * 2 >= pairs && even * 8 <= odd {
        Some(UTF_16LE)
    } else if even * 2 >= pairs && odd * 8 <= even {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Binary files decode "successfully" as Windows-1258, so reject text with
/// any NUL or with more than 1% control characters (tab and line breaks
/// excepted; C1 controls come from bytes undefined in Windows-1258).
fn looks_binary(text: &str) -> bool {
    let (mut total, mut control) = (0usize, 0usize);
    for c in text.chars() {
        if c == '\0' {
            return true;
        }
        total += 1;
        control += usize::from(c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    }
    control * 100 > total
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::char::is_combining_mark;

    const BOM: char = '\u{FEFF}';
    const SAMPLE: &str = "Thôn Đồng Kỵ, xã Đông Phong";

    fn utf16(s: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let units = bom.then_some(0xFEFF).into_iter().chain(s.encode_utf16());
        units.flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    }

    /// Windows-1258 has precomposed letters with circumflex, breve and horn
    /// but only combining tone marks, so text must be split that way first.
    fn to_1258_form(s: &str) -> String {
        const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
        let mut out = String::new();
        let mut base = String::new();
        let mut tones = String::new();
        let mut flush = |base: &mut String, tones: &mut String| {
            out.extend(base.nfc());
            out.push_str(tones);
            base.clear();
            tones.clear();
        };
        for c in s.nfd() {
            if TONES.contains(&c) {
                tones.push(c);
            } else if is_combining_mark(c) {
                base.push(c);
            } else {
                flush(&mut base, &mut tones);
                base.push(c);
            }
        }
        flush(&mut base, &mut tones);
        out
    }

    fn windows_1258(s: &str) -> Vec<u8> {
        let text = to_1258_form(s);
        let (bytes, _, had_errors) = WINDOWS_1258.encode(&text);
        assert!(!had_errors, "{s} is not representable in Windows-1258");
        bytes.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode_text(SAMPLE.as_bytes()).unwrap(), SAMPLE);
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), SAMPLE.as_bytes()].concat();
        assert_eq!(decode_text(&with_bom).unwrap(), SAMPLE);
    }

    #[test]
    fn utf16_with_bom() {
        assert_eq!(decode_text(&utf16(SAMPLE, false, true)).unwrap(), SAMPLE);
        assert_eq!(decode_text(&utf16(SAMPLE, true, true)).unwrap(), SAMPLE);
    }

    #[test]
    fn utf16_without_bom() {
        let csv = "Mã xã/phường\tTên thôn/tổ dân phố\r\n07210\tThôn Đồng Kỵ\r\n";
        assert_eq!(decode_text(&utf16(csv, false, false)).unwrap(), csv);
        assert_eq!(decode_text(&utf16(csv, true, false)).unwrap(), csv);
        assert_eq!(decode_text(&utf16(SAMPLE, false, false)).unwrap(), SAMPLE);
    }

    #[test]
    fn windows_1258_is_decoded_to_nfc() {
        let bytes = windows_1258(SAMPLE);
        assert!(std::str::from_utf8(&bytes).is_err());
        // The encoded form really uses combining tone marks.
        assert!(bytes.contains(&0xF2), "dot below of Kỵ as a combining mark");
        assert_eq!(decode_text(&bytes).unwrap(), SAMPLE);
        let longer = "Mã xã,Tên thôn\n07210,Thôn Phù Lưu Tế; Ấp Mỹ Hạnh; Tổ dân phố Nguyễn Huệ\n";
        assert_eq!(decode_text(&windows_1258(longer)).unwrap(), longer);
    }

    #[test]
    fn decomposed_utf8_is_normalised() {
        let nfd: String = SAMPLE.nfd().collect();
        assert_ne!(nfd, SAMPLE);
        assert_eq!(decode_text(nfd.as_bytes()).unwrap(), SAMPLE);
    }

    #[test]
    fn rejects_binary_and_broken_files() {
        assert_eq!(decode_text(b""), Err(ImportError::Empty));
        assert_eq!(decode_text(b"\xEF\xBB\xBF"), Err(ImportError::Empty));
        assert_eq!(decode_text(b"a,b\0c\n"), Err(ImportError::BadEncoding));
        // A PNG header and other control-heavy junk.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0";
        assert_eq!(decode_text(png), Err(ImportError::BadEncoding));
        assert_eq!(decode_text(&[0x01, 0x02, 0x03, 0x81, 0x8D, 0x90]), Err(ImportError::BadEncoding));
        // A BOM promises UTF-8 or UTF-16: broken content after it is an error.
        assert_eq!(decode_text(b"\xEF\xBB\xBFab\xFFcd"), Err(ImportError::BadEncoding));
        assert_eq!(decode_text(b"\xFF\xFEa"), Err(ImportError::BadEncoding));
    }

    #[test]
    fn rejects_oversize_input() {
        let big = vec![b'a'; super::super::MAX_IMPORT_BYTES + 1];
        assert!(matches!(decode_text(&big), Err(ImportError::TooLarge { .. })));
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(text) = decode_text(&bytes) {
                prop_assert!(!text.contains('\0'));
                prop_assert!(!text.starts_with(BOM));
            }
        }

        #[test]
        fn utf16_round_trips(s in "[^\u{0}-\u{1F}\u{7F}-\u{9F}\u{FEFF}]{1,60}", big_endian: bool) {
            let nfc: String = s.nfc().collect();
            prop_assert_eq!(decode_text(&utf16(&s, big_endian, true)).unwrap(), nfc);
        }

        #[test]
        fn utf8_bom_round_trips(s in "[^\u{0}-\u{1F}\u{7F}-\u{9F}\u{FEFF}]{1,60}") {
            let nfc: String = s.nfc().collect();
            let bytes = [b"\xEF\xBB\xBF".as_slice(), s.as_bytes()].concat();
            prop_assert_eq!(decode_text(&bytes).unwrap(), nfc);
        }
    }
}

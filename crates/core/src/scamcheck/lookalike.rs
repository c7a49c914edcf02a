//! Domains built to be mistaken for official ones: "vietc0mbank.com.vn",
//! "vietcombank-hotro.com", "vietcombank.com.vn.login-secure.xyz".
//!
//! Everything is compared on the registrable label (the part of the name its
//! owner chose), in two forms: `plain` (IDN decoded, lowercase, Vietnamese
//! diacritics removed) and `key` (additionally mapped through the Unicode
//! confusables skeleton of UTS #39 and the ASCII tricks it does not cover:
//! 0/o, 1/l/i, rn/m, vv/w). Names under gov.vn are never flagged: only state
//! bodies can register them, so they are not a scammer's tool.

use std::collections::HashSet;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use strsim::damerau_levenshtein;
use unicode_security::confusable_detection::skeleton;

use super::bank::BANKS;
use super::domain::{Domain, DomainError};
use crate::text::fold;

/// How a domain imitates an official one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Technique {
    /// Letters swapped for look-alikes: digits, Cyrillic or Greek letters, "rn" for "m".
    Homoglyph,
    /// An internationalised name that reads as the official one once its
    /// diacritics are ignored ("chinhphủ.vn").
    Punycode,
    /// A misspelling: `distance` Damerau-Levenshtein edits from the official label.
    Typo { distance: usize },
    /// The official name with words around it ("vietcombank-hotro.com").
    AddedWords,
    /// The official label under another public suffix ("vietcombank.net").
    TldSwap,
    /// The official name as a subdomain of an unrelated domain.
    Subdomain,
}

/// A domain found imitating `imitates`, an official domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookalike {
    pub imitates: String,
    pub technique: Technique,
}

/// Checks domains against a list of official ones.
#[derive(Debug, Clone)]
pub struct LookalikeDetector {
    official: Vec<Official>,
    /// Names of real banks ("abbank", "vpbank"): one of them is that bank,
    /// not a misspelling of another.
    bank_names: HashSet<String>,
    words_plain: HashSet<String>,
    words_key: HashSet<String>,
    /// Every official brand, then every brand key, without hyphens: one pass
    /// over a label names the officials it contains (see [`Self::check`]).
    brands: AhoCorasick,
}

/// The checks of [`LookalikeDetector::check`] (the first ones) that only an
/// official domain whose brand the label contains can pass.
const NEED_THE_BRAND: usize = 5;

/// One technique's test against one official domain.
type Check<'a> = &'a dyn Fn(&Official) -> Option<Technique>;

#[derive(Debug, Clone)]
struct Official {
    domain: String,
    suffix: String,
    brand: String,
    brand_key: String,
}

/// Words scammers glue to an official name, without diacritics: "hỗ trợ",
/// "đăng nhập", "xác thực", "cổng thông tin"… Glued to a brand without a
/// hyphen they only count when the whole rest of the label is made of them,
/// so "baochinhphu" (a real newspaper) and "bidvmetlife" are left alone.
#[rustfmt::skip]
const SCAM_WORDS: &[&str] = &[
    "hotro", "cskh", "tuvan", "tongdai", "online", "login", "dangnhap", "signin", "secure", "security", "baomat",
    "xacthuc", "xacminh", "verify", "verification", "update", "capnhat", "kichhoat", "active", "activate", "vn",
    "vietnam", "bank", "nganhang", "ebank", "ebanking", "ibank", "ibanking", "smartbanking", "digibank", "mobile",
    "app", "tai", "taiapp", "download", "khachhang", "taikhoan", "the", "card", "vay", "vayvon", "uudai", "khuyenmai",
    "qua", "tang", "quatang", "nhanqua", "hoantien", "gov", "govvn", "quocgia", "cong", "thong", "tin", "portal",
    "service", "services", "support", "dichvu", "help", "id", "my", "web", "www", "official", "chinhthuc", "auth",
    "account", "pay", "payment", "wallet", "hoso", "thue", "cccd", "dinhdanh", "dientu", "tructuyen", "info", "hcm",
    "hn", "com", "net", "org", "247", "24h",
];

impl LookalikeDetector {
    /// `official`: the domains to protect, e.g. "vietcombank.com.vn". Each
    /// must be a domain with a registrable part.
    pub fn new(official: &[&str]) -> Result<Self, DomainError> {
        let official = official
            .iter()
            .map(|name| {
                let domain = Domain::parse(name)?;
                let brand = domain
                    .registrable_label()
                    .map(decode_label)
                    .ok_or_else(|| DomainError::InvalidName(domain.as_str().to_owned()))?;
                Ok(Official {
                    domain: domain.as_str().to_owned(),
                    suffix: domain.suffix().to_owned(),
                    brand_key: confusable_key(&brand),
                    brand,
                })
            })
            .collect::<Result<Vec<_>, DomainError>>()?;
        let bank_names =
            BANKS.iter().flat_map(|b| b.names()).map(|n| fold(n).replace(|c: char| !c.is_alphanumeric(), "")).collect();
        let brands = AhoCorasick::new(
            official
                .iter()
                .map(|o| without_hyphens(&o.brand))
                .chain(official.iter().map(|o| without_hyphens(&o.brand_key))),
        )
        .map_err(|_| {
            DomainError::InvalidName(official.iter().map(|o| o.domain.as_str()).collect::<Vec<_>>().join(","))
        })?;
        Ok(LookalikeDetector {
            official,
            brands,
            bank_names,
            words_plain: SCAM_WORDS.iter().map(|w| (*w).to_owned()).collect(),
            words_key: SCAM_WORDS.iter().map(|w| confusable_key(w)).collect(),
        })
    }

    /// Which official domain `domain` imitates, and how; `None` for the
    /// official domains, their subdomains, names under gov.vn and anything
    /// unlike them.
    pub fn check(&self, domain: &Domain) -> Option<Lookalike> {
        self.check_among(domain, true)
    }

    /// [`Self::check`]; `shortlist` false tries every official domain in
    /// every check (for the test that the shortlist changes nothing).
    fn check_among(&self, domain: &Domain, shortlist: bool) -> Option<Lookalike> {
        if domain.is_gov_vn() || self.official.iter().any(|o| domain.is_within(&o.domain)) {
            return None;
        }
        let label_ascii = domain.registrable_label()?;
        let idn = label_ascii.starts_with("xn--");
        let plain = decode_label(label_ascii);
        let key = confusable_key(&plain);
        let (joined_plain, joined_key) = (without_hyphens(&plain), without_hyphens(&key));
        let subdomain: Vec<String> =
            domain.subdomain().map(|s| s.split('.').map(decode_label).collect()).unwrap_or_default();
        // The first `NEED_THE_BRAND` checks need the brand (or its key) within
        // the hyphen-less label: the others are not tried. Most labels name none.
        let named = if shortlist { self.named_in(&joined_plain, &joined_key) } else { vec![true; self.official.len()] };

        // The most telling technique wins, whichever official domain it concerns.
        let checks: [Check; 7] = [
            &|o| (!idn && plain == o.brand && domain.suffix() != o.suffix).then_some(Technique::TldSwap),
            &|o| (idn && plain == o.brand).then_some(Technique::Punycode),
            &|o| (plain != o.brand && key == o.brand_key).then_some(Technique::Homoglyph),
            &|o| added_words(&plain, &joined_plain, &o.brand, &self.words_plain).then_some(Technique::AddedWords),
            &|o| added_words(&key, &joined_key, &o.brand_key, &self.words_key).then_some(Technique::Homoglyph),
            &|o| self.typo(&plain, &o.brand).map(|distance| Technique::Typo { distance }),
            &|o| {
                subdomain
                    .iter()
                    .any(|s| {
                        *s == o.brand
                            || confusable_key(s) == o.brand_key
                            || added_words(s, &without_hyphens(s), &o.brand, &self.words_plain)
                    })
                    .then_some(Technique::Subdomain)
            },
        ];
        checks.iter().enumerate().find_map(|(i, check)| {
            self.official
                .iter()
                .zip(&named)
                .filter(|(_, named)| **named || i >= NEED_THE_BRAND)
                .find_map(|(o, _)| check(o).map(|technique| Lookalike { imitates: o.domain.clone(), technique }))
        })
    }

    /// For each official domain, whether its brand is within `joined_plain`
    /// or its brand key within `joined_key`.
    fn named_in(&self, joined_plain: &str, joined_key: &str) -> Vec<bool> {
        let n = self.official.len();
        let mut named = vec![false; n];
        for (text, keys) in [(joined_plain, false), (joined_key, true)] {
            for found in self.brands.find_overlapping_iter(text) {
                let pattern = found.pattern().as_usize();
                if (pattern >= n) == keys {
                    named[pattern % n] = true;
                }
            }
        }
        named
    }

    /// The smallest edit distance from `brand` of the label or one of its
    /// hyphen-separated parts, if within the allowance for the brand's length.
    /// Short brands get none: at four letters, one edit reaches other real names.
    fn typo(&self, label: &str, brand: &str) -> Option<usize> {
        let brand_len = brand.chars().count();
        let allowed = match brand_len {
            0..=5 => return None,
            6..=8 => 1,
            _ => 2,
        };
        std::iter::once(label)
            .chain(label.split(['-', '_']))
            // The distance is at least the difference in length: most labels stop here.
            .filter(|candidate| candidate.chars().count().abs_diff(brand_len) <= allowed)
            // So is the difference in letters, counted without regard to order.
            .filter(|candidate| letters_apart(candidate, brand).is_none_or(|apart| apart <= allowed))
            .filter(|candidate| {
                let joined = candidate.replace(['-', '_'], "");
                joined == brand || !self.bank_names.contains(&joined)
            })
            .map(|candidate| damerau_levenshtein(candidate, brand))
            .filter(|d| (1..=allowed).contains(d))
            .min()
    }
}

/// An ASCII label as read: punycode decoded, lowercase, without diacritics.
fn decode_label(label: &str) -> String {
    if label.starts_with("xn--") { fold(&idna::domain_to_unicode(label).0) } else { fold(label) }
}

/// The form in which look-alike characters coincide.
fn confusable_key(s: &str) -> String {
    let mapped = if s.bytes().all(|b| b.is_ascii_graphic()) {
        s.bytes().map(|b| ASCII_KEY_PIECES[usize::from(b)].as_str()).collect()
    } else {
        key_pieces(s)
    };
    join_pairs(mapped)
}

/// The pairs of letters that read as one: "rn" as "m", "vv" as "w", "cl" as "d".
fn join_pairs(s: String) -> String {
    s.replace("rn", "m").replace("vv", "w").replace("cl", "d")
}

/// The skeleton, folded, with digits read as letters: the key before its
/// pairs are joined.
fn key_pieces(s: &str) -> String {
    let skeleton: String = skeleton(s).collect();
    fold(&skeleton)
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | 'i' | '|' => 'l',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '7' => 't',
            c => c,
        })
        .collect()
}

/// [`key_pieces`] of each ASCII character. A word of visible ASCII gets the
/// pieces of its characters in turn (a property test holds this to the
/// whole computation), and domain labels are such words: they skip the
/// Unicode normalisation the skeleton needs for everything else.
static ASCII_KEY_PIECES: LazyLock<Vec<String>> =
    LazyLock::new(|| (0..128u8).map(|b| key_pieces(char::from(b).encode_utf8(&mut [0; 4]))).collect());

fn without_hyphens(label: &str) -> String {
    label.replace(['-', '_'], "")
}

/// A lower bound of the edit distance of two ASCII words: the letters one
/// has that the other lacks, counted with repetition, on the side with more
/// (an edit changes at most one on each side; a transposition none).
/// `None` when either is not ASCII.
fn letters_apart(a: &str, b: &str) -> Option<usize> {
    if !a.is_ascii() || !b.is_ascii() {
        return None;
    }
    let mut counts = [0i32; 128];
    a.bytes().for_each(|c| counts[usize::from(c & 0x7f)] += 1);
    b.bytes().for_each(|c| counts[usize::from(c & 0x7f)] -= 1);
    let (more_in_a, more_in_b) = counts.iter().fold((0, 0), |(p, n), &c| (p + c.max(0), n + (-c).max(0)));
    usize::try_from(more_in_a.max(more_in_b)).ok()
}

/// The brand as a hyphen-separated part of the label, or glued to words that
/// make up all the rest of it. `joined` is the label without its hyphens.
fn added_words(label: &str, joined: &str, brand: &str, words: &HashSet<String>) -> bool {
    // Both ways below need the brand within the hyphen-less label.
    if !joined.contains(brand) {
        return false;
    }
    if label.split(['-', '_']).any(|part| part == brand) {
        return label != brand;
    }
    // The brand split by a hyphen alone is a misspelling, not added words.
    joined != brand
        && joined
            .match_indices(brand)
            .any(|(at, _)| made_of_words(&joined[..at], words) && made_of_words(&joined[at + brand.len()..], words))
}

/// Whether `s` splits entirely into `words` and runs of digits.
fn made_of_words(s: &str, words: &HashSet<String>) -> bool {
    // reachable[i]: s[..i] splits; only char boundaries are tried.
    let mut reachable = vec![false; s.len() + 1];
    reachable[0] = true;
    for end in 1..=s.len() {
        reachable[end] = (0..end).any(|start| {
            reachable[start]
                && s.get(start..end)
                    .is_some_and(|piece| words.contains(piece) || piece.bytes().all(|b| b.is_ascii_digit()))
        });
    }
    reachable[s.len()]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    const OFFICIAL: &[&str] = &[
        "vietcombank.com.vn",
        "bidv.com.vn",
        "techcombank.com.vn",
        "mbbank.com.vn",
        "agribank.com.vn",
        "chinhphu.vn",
        "dichvucong.gov.vn",
        "bocongan.gov.vn",
        "vneid.gov.vn",
    ];

    fn detector() -> LookalikeDetector {
        LookalikeDetector::new(OFFICIAL).unwrap()
    }

    fn check(d: &LookalikeDetector, name: &str) -> Option<Lookalike> {
        d.check(&Domain::parse(name).unwrap_or_else(|e| panic!("{name}: {e}")))
    }

    use Technique::*;

    /// Labelled evaluation set: look-alikes with what they imitate and how.
    const POSITIVES: &[(&str, &str, Technique)] = &[
        ("vietcombank.vn", "vietcombank.com.vn", TldSwap),
        ("vietcombank.com", "vietcombank.com.vn", TldSwap),
        ("vietcombank.net", "vietcombank.com.vn", TldSwap),
        ("vietc0mbank.com.vn", "vietcombank.com.vn", Homoglyph),
        ("vietcornbank.com", "vietcombank.com.vn", Homoglyph),
        ("vietcombаnk.com", "vietcombank.com.vn", Homoglyph), // Cyrillic а
        ("viêtcombank.com", "vietcombank.com.vn", Punycode),
        ("vietconbank.com.vn", "vietcombank.com.vn", Typo { distance: 1 }),
        ("vietcombnak.com", "vietcombank.com.vn", Typo { distance: 1 }),
        ("vietcombank-hotro.com", "vietcombank.com.vn", AddedWords),
        ("hotro-vietcombank.net", "vietcombank.com.vn", AddedWords),
        ("vietcombank.com.vn.login-secure.xyz", "vietcombank.com.vn", Subdomain),
        ("vietcombankvn.com", "vietcombank.com.vn", AddedWords),
        ("ibanking-vietcombank.top", "vietcombank.com.vn", AddedWords),
        ("vietcombank-online.vercel.app", "vietcombank.com.vn", AddedWords),
        ("bidv.vn", "bidv.com.vn", TldSwap),
        ("bidv.com", "bidv.com.vn", TldSwap),
        ("bidv-online.com", "bidv.com.vn", AddedWords),
        ("b1dv.com.vn", "bidv.com.vn", Homoglyph),
        ("smartbanking-bidv.net", "bidv.com.vn", AddedWords),
        ("bidv.com.vn.xacminh.site", "bidv.com.vn", Subdomain),
        ("techcombank.vn", "techcombank.com.vn", TldSwap),
        ("techcombank-vn.com", "techcombank.com.vn", AddedWords),
        ("teckcombank.com.vn", "techcombank.com.vn", Typo { distance: 1 }),
        ("techc0mbank.vn", "techcombank.com.vn", Homoglyph),
        ("techcom-bank.com", "techcombank.com.vn", Typo { distance: 1 }),
        ("mbbank.vn", "mbbank.com.vn", TldSwap),
        ("mbbank-hotro.com", "mbbank.com.vn", AddedWords),
        ("rnbbank.com.vn", "mbbank.com.vn", Homoglyph),
        ("mbbamk.com", "mbbank.com.vn", Typo { distance: 1 }),
        ("mbbank.com.vn.verify-login.com", "mbbank.com.vn", Subdomain),
        ("agribank.net", "agribank.com.vn", TldSwap),
        ("agribank-vn.online", "agribank.com.vn", AddedWords),
        ("agrlbank.com.vn", "agribank.com.vn", Homoglyph),
        ("argibank.com.vn", "agribank.com.vn", Typo { distance: 1 }),
        ("agribank.com.vn.khachhang.site", "agribank.com.vn", Subdomain),
        ("chinhphu.com", "chinhphu.vn", TldSwap),
        ("chinhphu-vn.org", "chinhphu.vn", AddedWords),
        ("chinhphuu.vn", "chinhphu.vn", Typo { distance: 1 }),
        ("chinhphủ.vn", "chinhphu.vn", Punycode),
        ("cong-thong-tin-chinhphu.com", "chinhphu.vn", AddedWords),
        ("dichvucong.vn", "dichvucong.gov.vn", TldSwap),
        ("dichvucong.org", "dichvucong.gov.vn", TldSwap),
        ("dichvucong-gov.vn", "dichvucong.gov.vn", AddedWords),
        ("dichvuc0ng.com", "dichvucong.gov.vn", Homoglyph),
        ("dichvucongquocgia.com", "dichvucong.gov.vn", AddedWords),
        ("dichvucong.gov.vn.hoso.site", "dichvucong.gov.vn", Subdomain),
        ("bocongan.vn", "bocongan.gov.vn", TldSwap),
        ("bocongan-gov.com", "bocongan.gov.vn", AddedWords),
        ("bocong-an.com", "bocongan.gov.vn", Typo { distance: 1 }),
        ("b0congan.com", "bocongan.gov.vn", Homoglyph),
        ("vneid.vn", "vneid.gov.vn", TldSwap),
        ("vneid.app", "vneid.gov.vn", TldSwap),
        ("vneid-app.com", "vneid.gov.vn", AddedWords),
        ("tai-vneid.com", "vneid.gov.vn", AddedWords),
        ("vneld.com", "vneid.gov.vn", Homoglyph),
        ("vneid.gov.vn.capnhat.xyz", "vneid.gov.vn", Subdomain),
    ];

    /// Real domains that must not be flagged, some deliberately close to the
    /// official names (other banks, a government newspaper, provincial portals).
    const NEGATIVES: &[&str] = &[
        "vietcombank.com.vn",
        "ebank.vietcombank.com.vn",
        "vcbdigibank.vietcombank.com.vn",
        "online.mbbank.com.vn",
        "xacthuc.dichvucong.gov.vn",
        "chinhphu.vn",
        "vnexpress.net",
        "tuoitre.vn",
        "thanhnien.vn",
        "dantri.com.vn",
        "vietnamnet.vn",
        "shopee.vn",
        "lazada.vn",
        "tiki.vn",
        "google.com",
        "facebook.com",
        "zalo.me",
        "youtube.com",
        "bank-of-america.com",
        "bankofamerica.com",
        "momo.vn",
        "vnpay.vn",
        "napas.com.vn",
        "viettel.vn",
        "fpt.com.vn",
        "github.com",
        "thuvienphapluat.vn",
        "baochinhphu.vn",
        "vietnamplus.vn",
        "mof.gov.vn",
        "dichvucong.hanoi.gov.vn",
        "congan.com.vn",
        "cand.com.vn",
        "vietinbank.vn",
        "acb.com.vn",
        "vpbank.com.vn",
        "tpb.vn",
        "sacombank.com.vn",
        "hdbank.com.vn",
        "abbank.vn",
        "vietbank.com.vn",
        "bidvmetlife.com.vn",
        "mbank.pl",
    ];

    #[test]
    fn evaluation_set() {
        let d = detector();
        assert!(POSITIVES.len() + NEGATIVES.len() >= 60);
        let (mut tp, mut fn_, mut fp, mut right_technique) = (0usize, 0usize, 0usize, 0usize);
        for (name, imitates, technique) in POSITIVES {
            match check(&d, name) {
                Some(found) => {
                    tp += 1;
                    assert_eq!(found.imitates, *imitates, "{name}");
                    if found.technique == *technique {
                        right_technique += 1;
                    } else {
                        println!("technique differs for {name}: expected {technique:?}, found {:?}", found.technique);
                    }
                }
                None => {
                    fn_ += 1;
                    println!("missed: {name}");
                }
            }
        }
        for name in NEGATIVES {
            if let Some(found) = check(&d, name) {
                fp += 1;
                println!("false positive: {name} → {found:?}");
            }
        }
        let precision = tp as f64 / (tp + fp) as f64;
        let recall = tp as f64 / (tp + fn_) as f64;
        println!(
            "look-alike evaluation: {} positives, {} negatives; precision {precision:.3}, recall {recall:.3}, technique right {right_technique}/{tp}",
            POSITIVES.len(),
            NEGATIVES.len()
        );
        assert!(precision >= 0.95, "precision {precision}");
        assert!(recall >= 0.9, "recall {recall}");
    }

    #[test]
    fn official_domains_are_never_flagged() {
        let d = detector();
        for name in OFFICIAL {
            assert_eq!(check(&d, name), None, "{name}");
            assert_eq!(check(&d, &format!("www.{name}")), None, "www.{name}");
            assert_eq!(check(&d, &format!("a.b.{name}")), None, "a.b.{name}");
        }
    }

    #[test]
    fn building_blocks() {
        assert_eq!(confusable_key("vietc0mbank"), confusable_key("vietcombank"));
        assert_eq!(confusable_key("vietcornbank"), confusable_key("vietcombank"));
        assert_eq!(confusable_key("b1dv"), confusable_key("bidv"));
        assert_eq!(confusable_key("vіetcombank"), confusable_key("vietcombank")); // Ukrainian і
        assert_ne!(confusable_key("vietinbank"), confusable_key("vietcombank"));
        let words: HashSet<String> = SCAM_WORDS.iter().map(|w| (*w).to_owned()).collect();
        let added = |label: &str, brand: &str| added_words(label, &without_hyphens(label), brand, &words);
        assert!(added("hotrovietcombank", "vietcombank"));
        assert!(added("tai-lieu-vietcombank", "vietcombank"));
        assert!(!added("baochinhphu", "chinhphu"));
        assert!(!added("vietcom-bank", "vietcombank"));
        assert!(!added("vietcombank", "vietcombank"));
        assert!(made_of_words("", &words) && made_of_words("cskh247", &words) && !made_of_words("xyz", &words));
        assert!(LookalikeDetector::new(&["com.vn"]).is_err());
        assert!(LookalikeDetector::new(&["1.2.3.4"]).is_err());
    }

    proptest! {
        /// The shortcut that spares most distance computations never skips a typo.
        #[test]
        fn letters_apart_never_exceed_the_edit_distance(a in "[a-e-]{0,12}", b in "[a-e]{0,12}") {
            let apart = letters_apart(&a, &b).unwrap();
            prop_assert!(apart <= damerau_levenshtein(&a, &b), "{a} {b}: {apart}");
            prop_assert_eq!(apart == 0, { let (mut x, mut y) = (a.clone().into_bytes(), b.clone().into_bytes()); x.sort(); y.sort(); x == y });
        }

        /// The shortcut for ASCII words keys them as the whole computation does.
        #[test]
        fn ascii_words_are_keyed_piece_by_piece(s in "[!-~]{0,24}") {
            prop_assert_eq!(confusable_key(&s), join_pairs(key_pieces(&s)));
        }

        /// Only officials whose brand the label contains can match the
        /// first five checks: the detector answers as if it tried all.
        #[test]
        fn named_officials_answer_as_all_would(s in "(vietc[o0]m|b[i1]dv|agr[i1]|mb|rn|-|vn|hotro|bank|x){1,6}") {
            let d = detector();
            if let Ok(domain) = Domain::parse(&format!("{s}.com")) {
                prop_assert_eq!(d.check(&domain), d.check_among(&domain, false));
            }
        }

        #[test]
        fn never_panics(s in "[a-z0-9аоеі.-]{1,40}") {
            let d = detector();
            if let Ok(domain) = Domain::parse(&s) {
                let _ = d.check(&domain);
            }
        }
    }
}

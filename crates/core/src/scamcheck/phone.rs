//! Phone numbers as Vietnamese people write them, to E.164.
//!
//! The number ranges and their kinds come from libphonenumber's metadata
//! (the `phonenumber` crate), which is kept current with the numbering plan.
//! What it cannot know is handled here: the many ways a number is typed
//! ("0912.345.678", "84-912-345-678", "(024) 3825 1234", "+84 (0) 912…") and
//! the 11-digit mobile prefixes retired in 2018, which libphonenumber simply
//! calls invalid while users need to be told the new number.

use std::fmt;
use std::sync::LazyLock;

use phonenumber::{Mode, Type, metadata::DATABASE};

/// A phone number in E.164 form ("+84912345678") with its kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    e164: String,
    kind: PhoneKind,
}

/// What a number is used for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PhoneKind {
    Mobile,
    /// A fixed line under the 2017 area codes (024 Hà Nội, 028 TP. Hồ Chí Minh, 02xx elsewhere).
    Landline,
    /// 1800 numbers: free for the caller.
    TollFree,
    /// 1900 numbers: the caller pays a premium rate.
    PremiumRate,
    /// Another allocated Vietnamese range (VoIP, nationwide access numbers).
    OtherVn,
    /// A valid number of another country. `region` is its ISO 3166 code when known.
    Foreign {
        country_code: u16,
        region: Option<String>,
    },
}

/// The 11-digit mobile prefixes (without the leading 0) moved to 10 digits in
/// 2018, with their replacements: "0162 xxx xxxx" became "032 xxx xxxx".
const RETIRED_PREFIXES: [(&str, &str); 21] = [
    ("162", "32"),
    ("163", "33"),
    ("164", "34"),
    ("165", "35"),
    ("166", "36"),
    ("167", "37"),
    ("168", "38"),
    ("169", "39"),
    ("120", "70"),
    ("121", "79"),
    ("122", "77"),
    ("126", "76"),
    ("128", "78"),
    ("123", "83"),
    ("124", "84"),
    ("125", "85"),
    ("127", "81"),
    ("129", "82"),
    ("186", "56"),
    ("188", "58"),
    ("199", "59"),
];

/// Input longer than this is not a phone number, whatever it contains.
const MAX_INPUT_CHARS: usize = 40;
/// E.164 allows at most 15 digits including the country code.
const MAX_E164_DIGITS: usize = 15;

/// Why a phone number was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("No phone number was entered.")]
    Empty,
    #[error(
        "'{0}' cannot appear in a phone number: use digits, optionally with spaces, dots, dashes, brackets and a leading +."
    )]
    InvalidCharacter(char),
    #[error("The number is too short ({digits} digits): check that no digit is missing.")]
    TooShort { digits: usize },
    #[error("The number is too long ({digits} digits): check that no digit was typed twice.")]
    TooLong { digits: usize },
    #[error("The prefix {old} was retired in 2018 and replaced by {new}: the number is now {new_number}.")]
    RetiredPrefix { old: String, new: String, new_number: String },
    #[error("{number} is not in any number range allocated in Viet Nam.")]
    NotAllocated { number: String },
    #[error("{number} is not a valid international number.")]
    InvalidForeign { number: String },
}

impl PhoneError {
    /// The message for Vietnamese users: what is wrong and how to fix it.
    pub fn message_vi(&self) -> String {
        match self {
            PhoneError::Empty => "Chưa nhập số điện thoại.".to_owned(),
            PhoneError::InvalidCharacter(c) => format!(
                "Số điện thoại không được chứa ký tự «{c}». Chỉ nhập chữ số; có thể dùng dấu cách, dấu chấm, dấu gạch ngang, dấu ngoặc và dấu + ở đầu."
            ),
            PhoneError::TooShort { digits } => {
                format!("Số điện thoại quá ngắn ({digits} chữ số). Hãy kiểm tra xem có thiếu chữ số nào không.")
            }
            PhoneError::TooLong { digits } => {
                format!("Số điện thoại quá dài ({digits} chữ số). Hãy kiểm tra xem có chữ số nào bị nhập thừa không.")
            }
            PhoneError::RetiredPrefix { old, new, new_number } => {
                format!("Đầu số {old} đã được chuyển thành {new} từ năm 2018. Số điện thoại này hiện là {new_number}.")
            }
            PhoneError::NotAllocated { number } => {
                format!("Số {number} không thuộc dải số nào đang được cấp tại Việt Nam. Hãy kiểm tra lại đầu số.")
            }
            PhoneError::InvalidForeign { number } => {
                format!(
                    "Số {number} không phải là số điện thoại quốc tế hợp lệ. Hãy kiểm tra lại mã quốc gia và các chữ số."
                )
            }
        }
    }
}

impl PhoneNumber {
    /// Parses a number written the way people write it. Without a country
    /// code the number is Vietnamese; "+", "00" or a leading "84" on an
    /// 11- or 12-digit number mark an international form.
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(PhoneError::Empty);
        }
        let mut digits = String::new();
        let mut plus = false;
        for c in input.chars() {
            match c {
                '0'..='9' => digits.push(c),
                // Only before the first digit: "+84…" or "(+84) …".
                '+' if digits.is_empty() && !plus => plus = true,
                '.' | '-' | '(' | ')' | '/' => {}
                c if c.is_whitespace() => {}
                c => return Err(PhoneError::InvalidCharacter(c)),
            }
        }
        if input.chars().count() > MAX_INPUT_CHARS {
            return Err(PhoneError::TooLong { digits: digits.len() });
        }
        if digits.is_empty() {
            return Err(PhoneError::TooShort { digits: 0 });
        }
        let international = if plus {
            Some(digits.as_str())
        } else if let Some(rest) = digits.strip_prefix("00") {
            Some(rest)
        } else if digits.starts_with("84") && digits.len() >= 11 {
            // "84912345678": a national number never starts with 84 and has
            // 11 digits (a mobile written with its 0 starts with 0).
            Some(digits.as_str())
        } else if digits.starts_with("84")
            && digits.len() == 10
            && vietnamese(digits.trim_start_matches('0'), digits.len()).is_err()
        {
            // "84 1800 1234": a service number after the country code; no
            // 10-digit national number starting with 84 is allocated.
            Some(digits.as_str())
        } else {
            None
        };
        match international {
            Some(rest) => match rest.strip_prefix("84") {
                // "+84 (0) 912…": the trunk 0 is often kept after the country code.
                // Every 0 after it goes: a national number never starts with
                // one, and "+84 00…" is a typo, not another number.
                Some(national) => vietnamese(national.trim_start_matches('0'), digits.len()),
                None => foreign(rest),
            },
            None => vietnamese(digits.strip_prefix('0').unwrap_or(&digits), digits.len()),
        }
    }

    /// "+84912345678".
    pub fn e164(&self) -> &str {
        &self.e164
    }

    pub fn kind(&self) -> &PhoneKind {
        &self.kind
    }

    pub fn is_foreign(&self) -> bool {
        matches!(self.kind, PhoneKind::Foreign { .. })
    }

    /// The number as dialled inside Viet Nam ("0912345678"); `None` for a
    /// foreign number.
    pub fn national(&self) -> Option<String> {
        if self.is_foreign() {
            return None;
        }
        let national = self.e164.strip_prefix("+84")?;
        // Service numbers (1800/1900) are dialled without the trunk 0.
        Some(match self.kind {
            PhoneKind::TollFree | PhoneKind::PremiumRate => national.to_owned(),
            _ => format!("0{national}"),
        })
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)
    }
}

/// `national` is the national significant number (no trunk 0); `typed` the
/// count of digits the user entered, for messages.
fn vietnamese(national: &str, typed: usize) -> Result<PhoneNumber, PhoneError> {
    // Mobiles have 9 digits, landlines 10, 1800/1900 numbers 8 to 10, and
    // a few allocated ranges (069…) 7.
    if national.len() < 7 {
        return Err(PhoneError::TooShort { digits: typed });
    }
    if national.len() > 10 {
        return Err(PhoneError::TooLong { digits: typed });
    }
    if national.len() == 10 {
        for (old, new) in RETIRED_PREFIXES {
            if let Some(rest) = national.strip_prefix(old) {
                return Err(PhoneError::RetiredPrefix {
                    old: format!("0{old}"),
                    new: format!("0{new}"),
                    new_number: format!("0{new}{rest}"),
                });
            }
        }
    }
    let not_allocated = || PhoneError::NotAllocated { number: format!("0{national}") };
    // Classified on the ranges compiled here; the crate's parser only if
    // they could not be (a test holds that they are).
    if let Some(ranges) = VN_RANGES.as_ref() {
        let kind = vietnamese_kind(ranges.number_type(national)).ok_or_else(not_allocated)?;
        return Ok(PhoneNumber { e164: format!("+84{national}"), kind });
    }
    let number = phonenumber::parse(None, format!("+84{national}")).map_err(|_| not_allocated())?;
    if !number.is_valid() {
        return Err(not_allocated());
    }
    let kind = vietnamese_kind(number.number_type(&DATABASE)).ok_or_else(not_allocated)?;
    Ok(PhoneNumber { e164: number.format().mode(Mode::E164).to_string(), kind })
}

/// libphonenumber's patterns are compiled when first used, into one cache
/// of 100 for the whole world. A parse uses a dozen of its country's, so
/// numbers of changing countries compiled them again and again: half a
/// millisecond a number, for anyone to ask for. The cache is made large
/// enough to keep every pattern in use.
static ROOM_FOR_EVERY_PATTERN: LazyLock<()> = LazyLock::new(|| {
    if let Ok(mut cache) = DATABASE.cache().lock() {
        cache.set_capacity(PATTERNS_KEPT);
    }
});
const PATTERNS_KEPT: usize = 8192;

/// `None` for a number in no range (invalid).
fn vietnamese_kind(number_type: Type) -> Option<PhoneKind> {
    Some(match number_type {
        Type::Unknown => return None,
        Type::Mobile => PhoneKind::Mobile,
        Type::FixedLine => PhoneKind::Landline,
        Type::TollFree => PhoneKind::TollFree,
        Type::PremiumRate => PhoneKind::PremiumRate,
        _ => PhoneKind::OtherVn,
    })
}

/// Viet Nam's number ranges from libphonenumber's metadata, each pattern
/// compiled once as a plain regex. The crate matches through one global
/// cache of compiled patterns behind a lock, keyed by each pattern's text,
/// which made a number cost some 15 µs to classify; these answer the same
/// (a test compares them over every prefix) in a fraction of that.
static VN_RANGES: LazyLock<Option<VnRanges>> = LazyLock::new(|| VnRanges::new(DATABASE.by_id("VN")?));

struct VnRanges {
    general: Range,
    /// The kinds tried before fixed lines and mobiles, in the crate's order.
    others: Vec<(Type, Range)>,
    fixed_line: Option<Range>,
    mobile: Option<Range>,
    /// The metadata gives one pattern for both.
    fixed_line_is_mobile: bool,
}

/// One kind's numbers: their possible lengths and the pattern they start with.
struct Range {
    lengths: Vec<u16>,
    pattern: regex::Regex,
}

impl Range {
    fn new(descriptor: &phonenumber::metadata::Descriptor) -> Option<Range> {
        // As the crate builds it (whitespace ignored), anchored at the start:
        // the crate accepts a match that begins at the first digit.
        let pattern = regex::RegexBuilder::new(&format!("^(?:{})", descriptor.national_number().as_str()))
            .ignore_whitespace(true)
            .build()
            .ok()?;
        Some(Range { lengths: descriptor.possible_length().to_vec(), pattern })
    }

    fn matches(&self, national: &str) -> bool {
        let length = u16::try_from(national.len()).unwrap_or(u16::MAX);
        (self.lengths.is_empty() || self.lengths.contains(&length)) && self.pattern.is_match(national)
    }
}

impl VnRanges {
    fn new(meta: &phonenumber::Metadata) -> Option<VnRanges> {
        let meta = meta.descriptors();
        let range = |t: Type| meta.get(t).map(Range::new);
        let others = [
            Type::PremiumRate,
            Type::TollFree,
            Type::SharedCost,
            Type::Voip,
            Type::PersonalNumber,
            Type::Pager,
            Type::Uan,
            Type::Voicemail,
        ];
        let pattern_of = |t: Type| meta.get(t).map(|d| d.national_number().as_str().to_owned());
        Some(VnRanges {
            general: Range::new(meta.general())?,
            others: others.into_iter().filter_map(|t| Some((t, range(t)??))).collect(),
            fixed_line: range(Type::FixedLine).flatten(),
            mobile: range(Type::Mobile).flatten(),
            fixed_line_is_mobile: pattern_of(Type::FixedLine) == pattern_of(Type::Mobile),
        })
    }

    /// As `phonenumber::validator::number_type` on the national number.
    fn number_type(&self, national: &str) -> Type {
        if !self.general.matches(national) {
            return Type::Unknown;
        }
        if let Some((t, _)) = self.others.iter().find(|(_, r)| r.matches(national)) {
            return *t;
        }
        let mobile = || self.mobile.as_ref().is_some_and(|r| r.matches(national));
        if self.fixed_line.as_ref().is_some_and(|r| r.matches(national)) {
            return if self.fixed_line_is_mobile || mobile() { Type::FixedLineOrMobile } else { Type::FixedLine };
        }
        if mobile() { Type::Mobile } else { Type::Unknown }
    }
}

/// `digits`: country code and number, without "+" or "00".
fn foreign(digits: &str) -> Result<PhoneNumber, PhoneError> {
    if digits.len() > MAX_E164_DIGITS {
        return Err(PhoneError::TooLong { digits: digits.len() });
    }
    // The shortest numbers in use (a few small territories) have 7 digits with the country code.
    if digits.len() < 7 {
        return Err(PhoneError::TooShort { digits: digits.len() });
    }
    let invalid = || PhoneError::InvalidForeign { number: format!("+{digits}") };
    LazyLock::force(&ROOM_FOR_EVERY_PATTERN);
    let number = phonenumber::parse(None, format!("+{digits}")).map_err(|_| invalid())?;
    if !number.is_valid() {
        return Err(invalid());
    }
    let kind = PhoneKind::Foreign {
        country_code: number.code().value(),
        region: number.country().id().map(|id| id.as_ref().to_owned()),
    };
    let e164 = number.format().mode(Mode::E164).to_string();
    // libphonenumber may drop a trunk prefix typed after the country code
    // ("+7 8 8655…") and give a number that it then calls invalid: such a
    // number is refused rather than kept in a form that does not read back.
    if e164 != format!("+{digits}") && foreign(&e164[1..]).map(|again| again.e164) != Ok(e164.clone()) {
        return Err(invalid());
    }
    Ok(PhoneNumber { e164, kind })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    fn ok(s: &str) -> PhoneNumber {
        PhoneNumber::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn mobiles_written_every_way() {
        for s in [
            "0912 345 678",
            "0912345678",
            "+84912345678",
            "84-912-345-678",
            "0912.345.678",
            "(+84) 912 345 678",
            "+84 (0) 912 345 678",
            "0084 912 345 678",
            "84912345678",
            "912345678",
            " 091-234-5678 ",
        ] {
            let n = ok(s);
            assert_eq!(n.e164(), "+84912345678", "{s}");
            assert_eq!(n.kind(), &PhoneKind::Mobile, "{s}");
            assert_eq!(n.national().as_deref(), Some("0912345678"));
        }
        for (s, e164) in [
            ("0329 123 456", "+84329123456"),
            ("0707 123 456", "+84707123456"),
            ("0563 123 456", "+84563123456"),
            ("0868 123 456", "+84868123456"),
        ] {
            assert_eq!(ok(s).e164(), e164);
            assert_eq!(ok(s).kind(), &PhoneKind::Mobile);
        }
    }

    #[test]
    fn landlines_and_service_numbers() {
        let hn = ok("(024) 3825 1234");
        assert_eq!(hn.e164(), "+842438251234");
        assert_eq!(hn.kind(), &PhoneKind::Landline);
        assert_eq!(ok("028.3829.5555").kind(), &PhoneKind::Landline);
        assert_eq!(ok("0236 3822 123").e164(), "+842363822123");
        let free = ok("1800 1234");
        assert_eq!(free.kind(), &PhoneKind::TollFree);
        assert_eq!(free.national().as_deref(), Some("18001234"));
        assert_eq!(ok("1800 599 920").kind(), &PhoneKind::TollFree);
        assert_eq!(ok("1900 545 413").kind(), &PhoneKind::PremiumRate);
        assert_eq!(ok("1900 1234").e164(), "+8419001234");
    }

    #[test]
    fn retired_prefixes_name_the_new_number() {
        let e = PhoneNumber::parse("0162 345 6789").unwrap_err();
        assert_eq!(
            e,
            PhoneError::RetiredPrefix { old: "0162".into(), new: "032".into(), new_number: "0323456789".into() }
        );
        assert!(e.message_vi().contains("0323456789"));
        assert!(e.to_string().contains("0323456789"));
        for (old, new) in [
            ("01201234567", "0701234567"),
            ("01211234567", "0791234567"),
            ("01221234567", "0771234567"),
            ("01261234567", "0761234567"),
            ("01281234567", "0781234567"),
            ("01231234567", "0831234567"),
            ("01241234567", "0841234567"),
            ("01251234567", "0851234567"),
            ("01271234567", "0811234567"),
            ("01291234567", "0821234567"),
            ("01861234567", "0561234567"),
            ("01881234567", "0581234567"),
            ("01991234567", "0591234567"),
            ("+84 169 123 4567", "0391234567"),
        ] {
            match PhoneNumber::parse(old) {
                Err(PhoneError::RetiredPrefix { new_number, .. }) => assert_eq!(new_number, new, "{old}"),
                other => panic!("{old}: {other:?}"),
            }
            // The new number itself is a valid mobile.
            assert_eq!(ok(new).kind(), &PhoneKind::Mobile, "{new}");
        }
    }

    #[test]
    fn foreign_numbers_are_flagged() {
        let kh = ok("+855 12 345 678");
        assert_eq!(kh.e164(), "+85512345678");
        assert_eq!(kh.kind(), &PhoneKind::Foreign { country_code: 855, region: Some("KH".into()) });
        assert!(kh.is_foreign());
        assert_eq!(kh.national(), None);
        assert_eq!(ok("001 202 555 0143").kind(), &PhoneKind::Foreign { country_code: 1, region: Some("US".into()) });
        assert!(matches!(PhoneNumber::parse("+999 1234 5678"), Err(PhoneError::InvalidForeign { .. })));
        // Found by the fuzz target: read as +78655068065, which libphonenumber then refuses.
        assert!(matches!(PhoneNumber::parse("-+788-8655068065"), Err(PhoneError::InvalidForeign { .. })));
    }

    #[test]
    fn rejections_say_why() {
        assert_eq!(PhoneNumber::parse("  "), Err(PhoneError::Empty));
        assert_eq!(PhoneNumber::parse("0912 34a 678"), Err(PhoneError::InvalidCharacter('a')));
        assert_eq!(PhoneNumber::parse("091234"), Err(PhoneError::TooShort { digits: 6 }));
        assert_eq!(PhoneNumber::parse("09123456789012"), Err(PhoneError::TooLong { digits: 14 }));
        assert_eq!(PhoneNumber::parse("---"), Err(PhoneError::TooShort { digits: 0 }));
        assert_eq!(PhoneNumber::parse("0912+345678"), Err(PhoneError::InvalidCharacter('+')));
        // 011… was never a mobile prefix.
        assert!(matches!(PhoneNumber::parse("0111 234 567"), Err(PhoneError::NotAllocated { .. })));
        for e in [
            PhoneError::Empty,
            PhoneError::InvalidCharacter('x'),
            PhoneError::TooShort { digits: 3 },
            PhoneError::TooLong { digits: 20 },
            PhoneError::NotAllocated { number: "0111".into() },
            PhoneError::InvalidForeign { number: "+999".into() },
        ] {
            assert!(!e.message_vi().is_empty() && e.message_vi() != e.to_string());
        }
    }

    /// The crate's own answer: parse, validity, kind, E.164.
    fn by_the_crate(national: &str) -> Option<(String, Option<PhoneKind>)> {
        let number = phonenumber::parse(None, format!("+84{national}")).ok()?;
        let kind = if number.is_valid() { vietnamese_kind(number.number_type(&DATABASE)) } else { None };
        Some((number.format().mode(Mode::E164).to_string(), kind))
    }

    #[test]
    fn zeros_after_the_country_code_are_typos() {
        assert_eq!(ok("+84 0 912 345 678").e164(), "+84912345678");
        assert_eq!(ok("+84 00 912 345 678").e164(), "+84912345678");
        // Found by the fuzz target when 7-digit numbers were refused: it is
        // "+846933363" (a 069 number, as libphonenumber reads it too), and
        // reads back from both its forms.
        let n = ok("84006933363");
        assert_eq!(n.e164(), "+846933363");
        assert_eq!(ok(n.e164()), n);
        assert_eq!(ok(&n.national().unwrap()), n);
    }

    #[test]
    fn compiled_ranges_answer_as_the_crate_for_every_prefix() {
        let ranges = VN_RANGES.as_ref().expect("libphonenumber has Viet Nam's metadata");
        let mut seen = std::collections::BTreeMap::<String, usize>::new();
        // Every 4-digit start at every length of a national number, with
        // tails that vary the digits the patterns may look at further on.
        for start in 1000..10_000u32 {
            for len in 8..=10usize {
                for tail in ["0000000", "9999999", "1234567", "5555555", "8706142"] {
                    let national = format!("{start}{}", &tail[..len - 4]);
                    let (e164, kind) = by_the_crate(&national).expect("+84 and digits parse");
                    let ours = vietnamese_kind(ranges.number_type(&national));
                    assert_eq!(ours, kind, "{national}");
                    if ours.is_some() {
                        assert_eq!(e164, format!("+84{national}"));
                    }
                    *seen.entry(format!("{ours:?}")).or_default() += 1;
                }
            }
        }
        // The sweep reached every kind, not only invalid numbers.
        for kind in ["Some(Mobile)", "Some(Landline)", "Some(TollFree)", "Some(PremiumRate)", "None"] {
            assert!(seen.get(kind).is_some_and(|n| *n > 0), "{kind}: {seen:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = PhoneNumber::parse(&s);
        }

        /// Whatever parses, its E.164 and national forms parse back to it.
        #[test]
        fn canonical_forms_parse_back(s in "[0-9+ ().-]{0,30}") {
            if let Ok(number) = PhoneNumber::parse(&s) {
                prop_assert_eq!(PhoneNumber::parse(number.e164()), Ok(number.clone()));
                if let Some(national) = number.national() {
                    prop_assert_eq!(PhoneNumber::parse(&national), Ok(number.clone()));
                }
            }
        }

        #[test]
        fn vietnamese_digit_strings_parse_back(national in "0[1-9][0-9]{7,9}") {
            if let Ok(number) = PhoneNumber::parse(&national) {
                prop_assert_eq!(PhoneNumber::parse(number.e164()), Ok(number.clone()));
                prop_assert_eq!(number.national().map(|n| n.trim_start_matches('0').to_owned()), Some(national[1..].to_owned()));
            }
        }

        /// Any separators, anywhere between the digits, in any mix, after any
        /// of the prefixes people use: the same number.
        #[test]
        fn separators_anywhere_keep_the_number(
            national in prop::sample::select(vec![
                "912345678", "329123456", "707123456", "563123456", "868123456",
                "2438251234", "2043851234", "2223851234", "18001234", "1900545413",
            ]),
            cuts in prop::collection::vec((1usize..10, prop::sample::select(vec![" ", ".", "-", " - ", ". ", "  "])), 0..8),
            style in prop::sample::select(vec!["0", "+84", "+84 ", "84", "84-", "(+84) ", "(+84)", "0084 ", "+84 (0) "]),
        ) {
            let reference = PhoneNumber::parse(&format!("+84{national}")).unwrap();
            let mut body = String::new();
            for (i, c) in national.chars().enumerate() {
                if let Some((_, sep)) = cuts.iter().find(|(at, _)| *at == i) {
                    body.push_str(sep);
                }
                body.push(c);
            }
            // Service numbers are written without the trunk 0.
            let style = if style == "0" && national.starts_with('1') { "" } else { style };
            let written = format!("{style}{body}");
            prop_assert_eq!(PhoneNumber::parse(&written), Ok(reference), "{}", written);
        }

        /// The same number, however it is grouped and prefixed, has one E.164 form.
        #[test]
        fn formatting_does_not_change_the_number(
            prefix in prop::sample::select(vec!["32", "33", "39", "70", "77", "81", "86", "88", "90", "91", "94", "98"]),
            rest in "[0-9]{7}",
            style in 0usize..6,
            sep in prop::sample::select(vec![" ", ".", "-", ""]),
        ) {
            let national = format!("{prefix}{rest}");
            let grouped = format!("{}{sep}{}{sep}{}", &national[..3], &national[3..6], &national[6..]);
            let written = match style {
                0 => format!("0{grouped}"),
                1 => format!("+84{sep}{grouped}"),
                2 => format!("84{sep}{grouped}"),
                3 => format!("0084 {grouped}"),
                4 => format!("(+84) 0{grouped}"),
                _ => format!("0{national}"),
            };
            let reference = PhoneNumber::parse(&format!("0{national}")).unwrap();
            prop_assert_eq!(PhoneNumber::parse(&written).unwrap(), reference);
        }
    }
}

//! Bank accounts, keyed by the bank's NAPAS BIN so that "VCB", "Vietcombank"
//! and "970436" are the same bank.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use crate::text::fold;

/// A bank or e-wallet on the NAPAS network.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Bank {
    /// The 6-digit NAPAS BIN, as in VietQR codes.
    pub bin: &'static str,
    /// The short code used in transfer apps and stock tickers ("VCB", "CTG").
    pub code: &'static str,
    /// The name people use ("Vietcombank").
    pub short_name: &'static str,
    /// The full legal name in Vietnamese.
    pub name_vi: &'static str,
    /// Other names the bank is known by (former names, spellings).
    pub aliases: &'static [&'static str],
}

macro_rules! bank {
    ($bin:literal, $code:literal, $short:literal, $name:literal $(, $alias:literal)* $(,)?) => {
        Bank { bin: $bin, code: $code, short_name: $short, name_vi: $name, aliases: &[$($alias),*] }
    };
}

/// Banks and wallets by BIN.
pub static BANKS: &[Bank] = &[
    bank!("970436", "VCB", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam"),
    bank!("970415", "CTG", "VietinBank", "Ngân hàng TMCP Công thương Việt Nam", "ICB"),
    bank!("970418", "BIDV", "BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
    bank!("970405", "VBA", "Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
    bank!("970407", "TCB", "Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam"),
    bank!("970422", "MB", "MB Bank", "Ngân hàng TMCP Quân đội", "MBB", "MBBank", "Ngân hàng Quân đội"),
    bank!("970416", "ACB", "ACB", "Ngân hàng TMCP Á Châu"),
    bank!("970432", "VPB", "VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    bank!("970423", "TPB", "TPBank", "Ngân hàng TMCP Tiên Phong"),
    bank!("970403", "STB", "Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín"),
    bank!("970437", "HDB", "HDBank", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh"),
    bank!("970441", "VIB", "VIB", "Ngân hàng TMCP Quốc tế Việt Nam"),
    bank!("970443", "SHB", "SHB", "Ngân hàng TMCP Sài Gòn – Hà Nội"),
    bank!("970448", "OCB", "OCB", "Ngân hàng TMCP Phương Đông"),
    bank!("970426", "MSB", "MSB", "Ngân hàng TMCP Hàng Hải Việt Nam", "Maritime Bank"),
    bank!("970454", "VCCB", "Viet Capital Bank", "Ngân hàng TMCP Bản Việt", "BVBank"),
    bank!("970431", "EIB", "Eximbank", "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam"),
    bank!("970440", "SSB", "SeABank", "Ngân hàng TMCP Đông Nam Á"),
    bank!("970449", "LPB", "LPBank", "Ngân hàng TMCP Lộc Phát Việt Nam", "LienVietPostBank"),
    bank!("970429", "SCB", "SCB", "Ngân hàng TMCP Sài Gòn"),
    bank!("970428", "NAB", "Nam A Bank", "Ngân hàng TMCP Nam Á"),
    bank!("970409", "BAB", "Bac A Bank", "Ngân hàng TMCP Bắc Á"),
    bank!("970412", "PVCB", "PVcomBank", "Ngân hàng TMCP Đại Chúng Việt Nam"),
    bank!("970414", "MBV", "MBV", "Ngân hàng TNHH MTV Việt Nam Hiện Đại", "OceanBank", "Ngân hàng TNHH MTV Đại Dương"),
    bank!("970419", "NCB", "NCB", "Ngân hàng TMCP Quốc Dân"),
    bank!("970424", "SHBVN", "Shinhan Bank", "Ngân hàng TNHH MTV Shinhan Việt Nam"),
    bank!("970425", "ABB", "ABBANK", "Ngân hàng TMCP An Bình"),
    bank!("970427", "VAB", "VietABank", "Ngân hàng TMCP Việt Á"),
    bank!("970430", "PGB", "PG Bank", "Ngân hàng TMCP Thịnh vượng và Phát triển"),
    bank!("970433", "VBB", "VietBank", "Ngân hàng TMCP Việt Nam Thương Tín"),
    bank!("970438", "BVB", "BaoViet Bank", "Ngân hàng TMCP Bảo Việt"),
    bank!("970439", "PBVN", "Public Bank", "Ngân hàng TNHH MTV Public Việt Nam"),
    bank!("970452", "KLB", "KienlongBank", "Ngân hàng TMCP Kiên Long"),
    bank!("970458", "UOB", "UOB", "Ngân hàng TNHH MTV United Overseas Bank (Việt Nam)"),
    bank!("970457", "WVN", "Woori Bank", "Ngân hàng TNHH MTV Woori Việt Nam"),
    bank!("970400", "SGICB", "Saigonbank", "Ngân hàng TMCP Sài Gòn Công Thương"),
    bank!("970406", "DAB", "DongA Bank", "Ngân hàng TMCP Đông Á", "Vikki"),
    bank!("970408", "GPB", "GPBank", "Ngân hàng TNHH MTV Dầu khí Toàn Cầu"),
    bank!("970410", "SCVN", "Standard Chartered", "Ngân hàng TNHH MTV Standard Chartered Bank (Việt Nam)"),
    bank!("970421", "VRB", "VRB", "Ngân hàng Liên doanh Việt – Nga"),
    bank!("970434", "IVB", "Indovina Bank", "Ngân hàng TNHH Indovina"),
    bank!("970442", "HLBVN", "Hong Leong Bank", "Ngân hàng TNHH MTV Hong Leong Việt Nam"),
    bank!("970444", "CBB", "CBBank", "Ngân hàng TNHH MTV Xây dựng Việt Nam"),
    bank!("970446", "COOPBANK", "Co-op Bank", "Ngân hàng Hợp tác xã Việt Nam"),
    bank!("970455", "IBKHN", "IBK Hà Nội", "Ngân hàng Công nghiệp Hàn Quốc – Chi nhánh Hà Nội"),
    bank!("970456", "IBKHCM", "IBK Hồ Chí Minh", "Ngân hàng Công nghiệp Hàn Quốc – Chi nhánh TP. Hồ Chí Minh"),
    bank!("970462", "KBHN", "Kookmin Hà Nội", "Ngân hàng Kookmin – Chi nhánh Hà Nội"),
    bank!("970463", "KBHCM", "Kookmin Hồ Chí Minh", "Ngân hàng Kookmin – Chi nhánh TP. Hồ Chí Minh"),
    bank!("422589", "CIMB", "CIMB", "Ngân hàng TNHH MTV CIMB Việt Nam"),
    bank!("458761", "HSBC", "HSBC", "Ngân hàng TNHH MTV HSBC (Việt Nam)"),
    bank!("796500", "DBS", "DBS", "Ngân hàng DBS – Chi nhánh TP. Hồ Chí Minh"),
    bank!("801011", "NHB", "Nonghyup", "Ngân hàng Nonghyup – Chi nhánh Hà Nội"),
    bank!("546034", "CAKE", "Cake", "Ngân hàng số CAKE by VPBank"),
    bank!("546035", "UBANK", "Ubank", "Ngân hàng số Ubank by VPBank"),
    bank!("963388", "TIMO", "Timo", "Ngân hàng số Timo by Bản Việt"),
    bank!("971005", "VIETTELMONEY", "Viettel Money", "Ví điện tử Viettel Money"),
    bank!("971011", "VNPTMONEY", "VNPT Money", "Ví điện tử VNPT Money"),
];

/// Account numbers in use have 6 to 19 digits (card numbers reach 19).
const MIN_ACCOUNT_DIGITS: usize = 6;
const MAX_ACCOUNT_DIGITS: usize = 19;

/// Longest text [`BankAccount::parse_written`] reads: a bank's full name and
/// a 19-digit number with separators fit well within it.
pub const MAX_WRITTEN_CHARS: usize = 160;

/// Words around an account number that only say what it is ("STK", "số tài
/// khoản"), as folded phrases, longest first.
const FILLER: [&str; 7] = ["so tai khoan", "tai khoan", "so tk", "stk", "tk", "account", "acc"];

/// Drops the filler phrases at either end of `words`, never the last word:
/// "STK Vietcombank" → "Vietcombank".
fn strip_filler(words: &mut Vec<&str>) {
    let folded = |ws: &[&str]| fold(&ws.join(" "));
    'again: loop {
        for phrase in FILLER {
            let n = phrase.split(' ').count();
            if words.len() > n && folded(&words[..n]) == phrase {
                words.drain(..n);
                continue 'again;
            }
            if words.len() > n && folded(&words[words.len() - n..]) == phrase {
                words.truncate(words.len() - n);
                continue 'again;
            }
        }
        break;
    }
}

/// Words that open most bank names and say nothing about which bank it is,
/// as folded keys. Longest first, so "nganhangtmcp" goes before "nganhang".
const NAME_PREFIXES: [&str; 4] = ["nganhangtnhhmtv", "nganhangtmcp", "nganhangtnhh", "nganhang"];

/// Folded, diacritic-free, with only letters and digits: "Ngân hàng Á Châu" → "nganhangachau".
fn key(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

fn without_prefix(key: &str) -> &str {
    NAME_PREFIXES.iter().find_map(|p| key.strip_prefix(p)).filter(|rest| !rest.is_empty()).unwrap_or(key)
}

/// Every name's key (as [`Bank::find`] compares them) to its bank, built
/// once: folding some three hundred names on every query cost tens of
/// microseconds. The first bank listed keeps a name two banks share.
static BY_NAME: LazyLock<HashMap<String, &'static Bank>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for bank in BANKS {
        for name in bank.names() {
            map.entry(without_prefix(&key(name)).to_owned()).or_insert(bank);
        }
    }
    map
});

impl Bank {
    pub fn by_bin(bin: &str) -> Option<&'static Bank> {
        BANKS.iter().find(|b| b.bin == bin)
    }

    /// Finds a bank by BIN, code, usual name, former name or full name,
    /// ignoring case, diacritics, spacing and a leading "Ngân hàng (TMCP)".
    pub fn find(query: &str) -> Option<&'static Bank> {
        let q = key(query);
        if q.len() == 6 && q.bytes().all(|b| b.is_ascii_digit()) {
            return Bank::by_bin(&q);
        }
        let q = without_prefix(&q);
        if q.is_empty() {
            return None;
        }
        BY_NAME.get(q).copied()
    }

    /// Every name the bank goes by.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        [self.code, self.short_name, self.name_vi].into_iter().chain(self.aliases.iter().copied())
    }
}

/// An account at a known bank; `canonical()` ("970436:0011001234567") is the
/// key reports are matched on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BankAccount {
    bank: &'static Bank,
    number: String,
}

/// Why a bank account was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    #[error("No bank was given.")]
    EmptyBank,
    #[error("Unknown bank \"{0}\": give its name (e.g. Vietcombank), its code (VCB) or its 6-digit BIN (970436).")]
    UnknownBank(String),
    #[error("No account number was given.")]
    EmptyNumber,
    #[error("'{0}' cannot appear in an account number: it has digits only (spaces and dashes are ignored).")]
    InvalidCharacter(char),
    #[error("The account number is too short ({digits} digits; at least {MIN_ACCOUNT_DIGITS}).")]
    TooShort { digits: usize },
    #[error("The account number is too long ({digits} digits; at most {MAX_ACCOUNT_DIGITS}).")]
    TooLong { digits: usize },
}

impl BankError {
    /// The message for Vietnamese users: what is wrong and how to fix it.
    pub fn message_vi(&self) -> String {
        match self {
            BankError::EmptyBank => "Chưa chọn ngân hàng.".to_owned(),
            BankError::UnknownBank(name) => format!(
                "Không nhận ra ngân hàng «{name}». Hãy nhập tên ngân hàng (ví dụ Vietcombank), mã viết tắt (VCB) hoặc mã BIN gồm 6 chữ số (970436)."
            ),
            BankError::EmptyNumber => "Chưa nhập số tài khoản.".to_owned(),
            BankError::InvalidCharacter(c) => format!(
                "Số tài khoản không được chứa ký tự «{c}». Số tài khoản chỉ gồm chữ số (dấu cách và dấu gạch ngang được bỏ qua)."
            ),
            BankError::TooShort { digits } => {
                format!("Số tài khoản quá ngắn ({digits} chữ số; cần ít nhất {MIN_ACCOUNT_DIGITS} chữ số).")
            }
            BankError::TooLong { digits } => {
                format!("Số tài khoản quá dài ({digits} chữ số; tối đa {MAX_ACCOUNT_DIGITS} chữ số).")
            }
        }
    }
}

impl BankAccount {
    /// `bank` is a BIN, code or name ([`Bank::find`]); `number` may contain
    /// spaces, dots and dashes, which are dropped.
    pub fn parse(bank: &str, number: &str) -> Result<Self, BankError> {
        let bank_query = bank.trim();
        if bank_query.is_empty() {
            return Err(BankError::EmptyBank);
        }
        let bank = Bank::find(bank_query).ok_or_else(|| BankError::UnknownBank(bank_query.to_owned()))?;
        let mut digits = String::new();
        for c in number.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '-' | '.' => {}
                c if c.is_whitespace() => {}
                c => return Err(BankError::InvalidCharacter(c)),
            }
        }
        match digits.len() {
            0 => Err(BankError::EmptyNumber),
            n if n < MIN_ACCOUNT_DIGITS => Err(BankError::TooShort { digits: n }),
            n if n > MAX_ACCOUNT_DIGITS => Err(BankError::TooLong { digits: n }),
            _ => Ok(BankAccount { bank, number: digits }),
        }
    }

    /// An account written in one piece, as people paste it: the bank's
    /// name, code or BIN before or after the number ("Vietcombank 0011 0012
    /// 34567", "0011001234567 VCB", "STK 0011001234567 - Ngân hàng Á Châu",
    /// "MB: 0123.456.789"). The number is the run of numeric words at one
    /// end, the bank the words at the other, after dropping the words that
    /// only say "account number".
    pub fn parse_written(text: &str) -> Result<Self, BankError> {
        if text.chars().count() > MAX_WRITTEN_CHARS {
            return Err(BankError::TooLong { digits: text.chars().filter(char::is_ascii_digit).count() });
        }
        // Separators people put between the bank and the number.
        let spaced: String =
            text.chars().map(|c| if matches!(c, ':' | ',' | ';' | '|' | '·' | '–' | '—') { ' ' } else { c }).collect();
        let mut words: Vec<&str> = spaced.split_whitespace().filter(|w| *w != "-").collect();
        strip_filler(&mut words);
        let numeric = |w: &&str| {
            w.bytes().any(|b| b.is_ascii_digit()) && w.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'.')
        };
        let trailing = words.iter().rev().take_while(|w| numeric(w)).count();
        let leading = words.iter().take_while(|w| numeric(w)).count();
        if words.is_empty() {
            return Err(BankError::EmptyBank);
        }
        if trailing == words.len() {
            // Digits only: "970436 0011001234567" is a BIN and a number.
            return match words.split_first() {
                Some((bin, rest)) if !rest.is_empty() && Bank::find(bin).is_some() => {
                    BankAccount::parse(bin, &rest.join(" "))
                }
                _ => Err(BankError::EmptyBank),
            };
        }
        let mut tried = None;
        for (bank, number) in [
            (&words[..words.len() - trailing], &words[words.len() - trailing..]),
            (&words[leading..], &words[..leading]),
        ] {
            let mut bank = bank.to_vec();
            strip_filler(&mut bank);
            let bank = bank.join(" ");
            if number.is_empty() || bank.is_empty() {
                continue;
            }
            if Bank::find(&bank).is_some() {
                return BankAccount::parse(&bank, &number.join(" "));
            }
            tried.get_or_insert(bank);
        }
        match tried {
            Some(bank) => Err(BankError::UnknownBank(bank)),
            None => Err(BankError::EmptyNumber),
        }
    }

    pub fn bank(&self) -> &'static Bank {
        self.bank
    }

    /// Digits only.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// "BIN:number", e.g. "970436:0011001234567".
    pub fn canonical(&self) -> String {
        format!("{}:{}", self.bank.bin, self.number)
    }
}

impl fmt::Display for BankAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.bank.bin, self.number)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn table_is_consistent() {
        let mut bins = HashSet::new();
        for b in BANKS {
            assert!(b.bin.len() == 6 && b.bin.bytes().all(|c| c.is_ascii_digit()), "{}", b.bin);
            assert!(bins.insert(b.bin), "duplicate BIN {}", b.bin);
            for name in b.names() {
                // Every name must lead back to its own bank.
                assert_eq!(Bank::find(name).map(|f| f.bin), Some(b.bin), "{name}");
            }
        }
        assert_eq!(BANKS.len(), 57);
    }

    #[test]
    fn finds_banks_however_they_are_named() {
        for (query, bin) in [
            ("970436", "970436"),
            ("VCB", "970436"),
            ("vietcombank", "970436"),
            ("Ngân hàng Vietcombank", "970436"),
            ("ngan hang ngoai thuong viet nam", "970436"),
            ("CTG", "970415"),
            ("Vietin Bank", "970415"),
            ("NGÂN HÀNG TMCP CÔNG THƯƠNG VIỆT NAM", "970415"),
            ("bidv", "970418"),
            ("MB", "970422"),
            ("mbbank", "970422"),
            ("Quân Đội", "970422"),
            ("Á Châu", "970416"),
            ("oceanbank", "970414"),
            ("LienVietPostBank", "970449"),
            ("Co-op Bank", "970446"),
            ("viettel money", "971005"),
            ("Timo", "963388"),
        ] {
            assert_eq!(Bank::find(query).map(|b| b.bin), Some(bin), "{query}");
        }
        assert_eq!(Bank::find("970499"), None);
        assert_eq!(Bank::find("Ngân hàng"), None);
        assert_eq!(Bank::find("Bank of Nowhere"), None);
    }

    #[test]
    fn accounts_parse_to_bin_and_digits() {
        let a = BankAccount::parse("Vietcombank", "0011 0012-34567").unwrap();
        assert_eq!(a.canonical(), "970436:0011001234567");
        assert_eq!(a.to_string(), a.canonical());
        assert_eq!(a.bank().code, "VCB");
        assert_eq!(a.number(), "0011001234567");
        assert_eq!(BankAccount::parse("970436", "0011001234567").unwrap(), a);
        assert_eq!(BankAccount::parse("", "123456"), Err(BankError::EmptyBank));
        assert_eq!(BankAccount::parse("XYZ", "123456"), Err(BankError::UnknownBank("XYZ".into())));
        assert_eq!(BankAccount::parse("VCB", " - "), Err(BankError::EmptyNumber));
        assert_eq!(BankAccount::parse("VCB", "12345a"), Err(BankError::InvalidCharacter('a')));
        assert_eq!(BankAccount::parse("VCB", "12345"), Err(BankError::TooShort { digits: 5 }));
        assert_eq!(BankAccount::parse("VCB", "12345678901234567890"), Err(BankError::TooLong { digits: 20 }));
        assert!(BankAccount::parse("VCB", "123456").is_ok());
        assert!(BankAccount::parse("VCB", "1234567890123456789").is_ok());
        for e in [
            BankError::EmptyBank,
            BankError::UnknownBank("x".into()),
            BankError::EmptyNumber,
            BankError::InvalidCharacter('x'),
            BankError::TooShort { digits: 1 },
            BankError::TooLong { digits: 30 },
        ] {
            assert!(!e.message_vi().is_empty() && e.message_vi() != e.to_string());
        }
    }

    #[test]
    fn an_account_is_read_with_its_bank_before_or_after_it() {
        let vcb = BankAccount::parse("VCB", "0011001234567").unwrap();
        for written in [
            "Vietcombank 0011001234567",
            "0011001234567 VCB",
            "0011 0012 34567 - Vietcombank",
            "VCB: 0011.0012.34567",
            "STK 0011001234567 Ngân hàng Ngoại thương Việt Nam",
            "Số tài khoản 0011-0012-34567, ngân hàng Vietcombank",
            "ngân hàng TMCP Ngoại Thương Việt Nam · 0011001234567",
            "970436 0011001234567",
            "970436:0011001234567",
            "  vietcombank   stk 0011001234567  ",
        ] {
            assert_eq!(BankAccount::parse_written(written), Ok(vcb.clone()), "{written}");
        }
        let mb = BankAccount::parse("MB", "0123456789").unwrap();
        assert_eq!(BankAccount::parse_written("MB Bank 0123 456 789"), Ok(mb.clone()));
        assert_eq!(BankAccount::parse_written("0123456789 MB Bank"), Ok(mb));
        // Said why, as for two fields.
        assert_eq!(BankAccount::parse_written("0011001234567"), Err(BankError::EmptyBank));
        assert_eq!(BankAccount::parse_written("Vietcombank"), Err(BankError::EmptyNumber));
        assert_eq!(
            BankAccount::parse_written("Ngân hàng Mặt Trăng 0011001234567"),
            Err(BankError::UnknownBank("Ngân hàng Mặt Trăng".into()))
        );
        assert_eq!(BankAccount::parse_written("VCB 12345"), Err(BankError::TooShort { digits: 5 }));
        assert_eq!(BankAccount::parse_written(""), Err(BankError::EmptyBank));
        assert!(matches!(BankAccount::parse_written(&"1".repeat(500)), Err(BankError::TooLong { .. })));
    }

    /// A separator at every place people put one, in any mix.
    fn written_with(digits: &str, cuts: &[(usize, &str)]) -> String {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if let Some((_, sep)) = cuts.iter().find(|(at, _)| *at == i && i > 0) {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    }

    proptest! {
        #[test]
        fn never_panics(bank in "\\PC{0,30}", number in "\\PC{0,30}") {
            let _ = BankAccount::parse(&bank, &number);
            let _ = BankAccount::parse_written(&format!("{bank} {number}"));
        }

        /// The bank's name, code or BIN before or after the number, joined by
        /// any separator and with any separators inside the number: one account.
        #[test]
        fn the_bank_before_or_after_gives_one_account(
            bank in 0..BANKS.len(),
            which in 0usize..3,
            digits in "[0-9]{6,19}",
            cuts in prop::collection::vec((1usize..19, prop::sample::select(vec![" ", ".", "-", " - "])), 0..6),
            join in prop::sample::select(vec![" ", ": ", " - ", ", ", " · "]),
            filler in prop::sample::select(vec!["", "STK ", "Số tài khoản "]),
        ) {
            let bank = &BANKS[bank];
            let name = match which { 0 => bank.code, 1 => bank.short_name, _ => bank.name_vi };
            let number = written_with(&digits, &cuts);
            let expected = BankAccount::parse(bank.bin, &digits).unwrap();
            prop_assert_eq!(BankAccount::parse_written(&format!("{name}{join}{filler}{number}")), Ok(expected.clone()));
            prop_assert_eq!(BankAccount::parse_written(&format!("{filler}{number}{join}{name}")), Ok(expected));
        }

        #[test]
        fn separators_do_not_matter(digits in "[0-9]{6,19}", sep in prop::sample::select(vec![" ", "-", ".", ""])) {
            let spaced: Vec<String> = digits.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
            let a = BankAccount::parse("BIDV", &spaced.join(sep)).unwrap();
            prop_assert_eq!(a.canonical(), format!("970418:{digits}"));
        }
    }
}

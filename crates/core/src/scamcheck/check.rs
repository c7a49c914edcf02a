//! One box for everything a citizen wants to check: the text is recognised
//! as a phone number, a bank account ("Vietcombank 0011001234567"), a web
//! address or a QR code's content, and put in the canonical form the
//! indicators are keyed on.

use std::fmt;

use super::bank::{Bank, BankAccount, BankError, MAX_WRITTEN_CHARS};
use super::index::IndicatorKey;
use super::phone::PhoneNumber;
use super::qr::{QrError, QrPayload};
use super::url::CanonicalUrl;

/// Longest text the check box accepts (a QR payload is at most ~7 KB).
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

crate::macros::string_enum!(
    /// What the text was recognised as (the API's `kind`).
    SubjectKind {
        Phone = "phone" / "Số điện thoại",
        BankAccount = "bank_account" / "Tài khoản ngân hàng",
        Url = "url" / "Đường link, trang web",
        Qr = "qr" / "Mã QR",
        Unknown = "unknown" / "Không xác định",
    }
);

/// Something that can be listed as an indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Phone(PhoneNumber),
    /// By BIN and number; `bank` is `None` for a BIN not in [`super::BANKS`].
    BankAccount {
        bin: String,
        number: String,
        bank: Option<&'static Bank>,
    },
    Url(CanonicalUrl),
}

impl Subject {
    pub fn kind(&self) -> SubjectKind {
        match self {
            Subject::Phone(_) => SubjectKind::Phone,
            Subject::BankAccount { .. } => SubjectKind::BankAccount,
            Subject::Url(_) => SubjectKind::Url,
        }
    }

    /// The canonical value shown and returned as `normalized`:
    /// "+84912345678", "970436:0011001234567" or the canonical URL.
    pub fn normalized(&self) -> String {
        match self {
            Subject::Phone(p) => p.e164().to_owned(),
            Subject::BankAccount { bin, number, .. } => format!("{bin}:{number}"),
            Subject::Url(u) => u.as_str().to_owned(),
        }
    }

    /// The key its indicator is listed under; for a link, its whole site
    /// ("host/"), the way analysts list domains.
    pub fn key(&self) -> IndicatorKey {
        match self {
            Subject::Phone(p) => IndicatorKey::phone(p),
            Subject::BankAccount { bin, number, .. } => IndicatorKey::from_stored(&format!("bank:{bin}:{number}")),
            Subject::Url(u) => IndicatorKey::from_stored(&format!("{}/", u.host())),
        }
    }

    /// What a person reads: "0912 345 678", "Vietcombank · 0011001234567".
    pub fn display(&self) -> String {
        match self {
            Subject::Phone(p) => p.national().unwrap_or_else(|| p.e164().to_owned()),
            Subject::BankAccount { bin, number, bank } => {
                format!("{} · {number}", bank.map(|b| b.short_name.to_owned()).unwrap_or_else(|| format!("BIN {bin}")))
            }
            Subject::Url(u) => u.as_str().to_owned(),
        }
    }
}

impl From<BankAccount> for Subject {
    fn from(a: BankAccount) -> Self {
        Subject::BankAccount { bin: a.bank().bin.to_owned(), number: a.number().to_owned(), bank: Some(a.bank()) }
    }
}

/// Why a text could not be checked, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    Empty,
    TooLong,
    /// A payment QR code whose checksum or structure is wrong.
    DamagedQr(QrError),
    /// Only digits, but not a phone number: an account number needs its bank.
    AccountWithoutBank,
    /// Recognised as this kind, but not valid: the parser's explanation,
    /// in Vietnamese and in English.
    Invalid {
        kind: SubjectKind,
        message_vi: String,
        message_en: String,
    },
}

impl QueryError {
    fn invalid(kind: SubjectKind, message_vi: String, e: &impl fmt::Display) -> QueryError {
        QueryError::Invalid { kind, message_vi, message_en: e.to_string() }
    }

    pub fn message_vi(&self) -> String {
        match self {
            QueryError::Empty => "Hãy nhập số điện thoại, số tài khoản, đường link hoặc nội dung mã QR.".into(),
            QueryError::TooLong => format!("Nội dung quá dài (tối đa {} KB).", MAX_QUERY_BYTES / 1024),
            QueryError::DamagedQr(e) => format!("Mã QR bị hỏng hoặc đã bị sửa: {}", e.message_vi()),
            QueryError::AccountWithoutBank => {
                "Đây không phải số điện thoại. Nếu là số tài khoản, hãy ghi kèm tên ngân hàng, ví dụ \"Vietcombank 0011001234567\"."
                    .into()
            }
            QueryError::Invalid { message_vi, .. } => message_vi.clone(),
        }
    }

    /// The same for English readers.
    pub fn message_en(&self) -> String {
        match self {
            QueryError::Empty => "Enter a phone number, an account number, a link or a QR code's content.".into(),
            QueryError::TooLong => format!("The text is too long (at most {} KB).", MAX_QUERY_BYTES / 1024),
            QueryError::DamagedQr(e) => format!("The QR code is damaged or was altered: {e}"),
            QueryError::AccountWithoutBank => {
                "This is not a phone number. If it is an account number, write the bank's name with it, e.g. \"Vietcombank 0011001234567\"."
                    .into()
            }
            QueryError::Invalid { message_en, .. } => message_en.clone(),
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::Empty => f.write_str("nothing to check"),
            QueryError::TooLong => write!(f, "longer than {MAX_QUERY_BYTES} bytes"),
            QueryError::DamagedQr(e) => write!(f, "damaged QR payload: {e}"),
            QueryError::AccountWithoutBank => f.write_str("digits that are not a phone number and name no bank"),
            QueryError::Invalid { kind, message_en, .. } => write!(f, "invalid {}: {message_en}", kind.as_str()),
        }
    }
}

impl std::error::Error for QueryError {}

/// What a text turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub kind: SubjectKind,
    /// What to look up; `None` for a QR code or text with nothing to match.
    pub subject: Option<Subject>,
    /// The QR content, when the text was a QR payload.
    pub qr: Option<QrPayload>,
}

impl Query {
    /// Recognises `text` (typed, pasted or decoded from a QR image).
    pub fn detect(text: &str) -> Result<Query, QueryError> {
        if text.len() > MAX_QUERY_BYTES {
            return Err(QueryError::TooLong);
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(QueryError::Empty);
        }
        if looks_like_payment_code(text) || has_scheme(text, "tel:") {
            return Query::from_qr(QrPayload::parse(text).map_err(QueryError::DamagedQr)?);
        }
        if let Some(digits) = phone_like(text) {
            return match PhoneNumber::parse(text) {
                Ok(p) => Ok(Query::of(Subject::Phone(p))),
                // "970436 0011001234567": a BIN and a number.
                Err(_) if digits >= 10 => match BankAccount::parse_written(text) {
                    Ok(a) => Ok(Query::of(a.into())),
                    Err(_) => Err(QueryError::AccountWithoutBank),
                },
                Err(e) => Err(QueryError::invalid(SubjectKind::Phone, e.message_vi(), &e)),
            };
        }
        // A bank named before or after the number; text naming no bank goes on.
        if text.chars().count() <= MAX_WRITTEN_CHARS && text.chars().any(|c| c.is_ascii_digit()) {
            match BankAccount::parse_written(text) {
                Ok(a) => return Ok(Query::of(a.into())),
                Err(BankError::UnknownBank(_) | BankError::EmptyBank | BankError::EmptyNumber) => {}
                Err(e) => return Err(QueryError::invalid(SubjectKind::BankAccount, e.message_vi(), &e)),
            }
        }
        if !text.contains(char::is_whitespace) && text.contains('.') {
            return CanonicalUrl::parse(text)
                .map(|u| Query::of(Subject::Url(u)))
                .map_err(|e| QueryError::invalid(SubjectKind::Url, e.message_vi(), &e));
        }
        Ok(Query { kind: SubjectKind::Unknown, subject: None, qr: None })
    }

    /// A QR code's content, as decoded from an image.
    pub fn from_qr(payload: QrPayload) -> Result<Query, QueryError> {
        let subject = match &payload {
            QrPayload::VietQr { bin, account, bank, .. } => {
                Some(Subject::BankAccount { bin: bin.clone(), number: account.clone(), bank: *bank })
            }
            QrPayload::Url(u) => Some(Subject::Url(u.clone())),
            QrPayload::Phone(p) => Some(Subject::Phone(p.clone())),
            QrPayload::Text(t) => Query::detect(t).ok().and_then(|q| q.subject),
        };
        Ok(Query { kind: SubjectKind::Qr, subject, qr: Some(payload) })
    }

    fn of(subject: Subject) -> Query {
        Query { kind: subject.kind(), subject: Some(subject), qr: None }
    }
}

fn has_scheme(text: &str, scheme: &str) -> bool {
    text.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme))
}

/// EMVCo payloads start with field 00 = "01".
fn looks_like_payment_code(text: &str) -> bool {
    text.starts_with("000201") && text.len() > 20
}

/// The number of digits when the text is written like a phone number:
/// digits with spaces, dots, dashes, brackets and an optional leading '+'.
fn phone_like(text: &str) -> Option<usize> {
    let body = text.strip_prefix('+').unwrap_or(text);
    let mut digits = 0;
    for c in body.chars() {
        match c {
            '0'..='9' => digits += 1,
            ' ' | '.' | '-' | '(' | ')' => {}
            _ => return None,
        }
    }
    (digits > 0).then_some(digits)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    fn kind(text: &str) -> SubjectKind {
        Query::detect(text).unwrap().kind
    }

    #[test]
    fn each_kind_is_recognised_however_people_write_it() {
        assert_eq!(kind("0912 345 678"), SubjectKind::Phone);
        assert_eq!(kind("+84 (91) 234-5678"), SubjectKind::Phone);
        assert_eq!(kind("Vietcombank 0011001234567"), SubjectKind::BankAccount);
        assert_eq!(kind("VCB: 0011.0012.34567"), SubjectKind::BankAccount);
        assert_eq!(kind("vietcombank-hotro.com"), SubjectKind::Url);
        assert_eq!(kind("https://evil.example/login?x=1"), SubjectKind::Url);
        assert_eq!(kind("tel:0912345678"), SubjectKind::Qr);
        assert_eq!(kind("xin chào"), SubjectKind::Unknown);
        let q = Query::detect("0912.345.678").unwrap();
        assert_eq!(q.subject.unwrap().normalized(), "+84912345678");
        let q = Query::detect("vietcombank 0011001234567").unwrap();
        assert_eq!(q.subject.unwrap().normalized(), "970436:0011001234567");
        for written in [
            "0011001234567 VCB",
            "0011 0012 34567 Vietcombank",
            "970436 0011001234567",
            "STK 0011001234567 - Vietcombank",
        ] {
            let q = Query::detect(written).unwrap();
            assert_eq!(q.subject.unwrap().normalized(), "970436:0011001234567", "{written}");
        }
        // A bank was named: what is wrong with its number is said.
        assert!(matches!(Query::detect("VCB 12345"), Err(QueryError::Invalid { kind: SubjectKind::BankAccount, .. })));
    }

    #[test]
    fn a_bare_account_number_asks_for_its_bank() {
        assert_eq!(Query::detect("0011001234567").unwrap_err(), QueryError::AccountWithoutBank);
        assert!(QueryError::AccountWithoutBank.message_vi().contains("ngân hàng"));
    }

    #[test]
    fn a_vietqr_payload_is_checked_as_its_account_and_a_damaged_one_is_refused() {
        let body = "00020101021138570010A00000072701270006970436011300110012345670208QRIBFTTA53037045802VN6304";
        let crc = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740).checksum(body.as_bytes());
        let good = format!("{body}{crc:04X}");
        let q = Query::detect(&good).unwrap();
        assert_eq!(q.kind, SubjectKind::Qr);
        assert_eq!(q.subject.unwrap().normalized(), "970436:0011001234567");
        let bad = format!("{body}{:04X}", crc ^ 1);
        assert!(matches!(Query::detect(&bad), Err(QueryError::DamagedQr(_))));
    }

    proptest! {
        #[test]
        fn any_text_is_recognised_or_refused_without_panicking(text in ".{0,200}") {
            match Query::detect(&text) {
                Ok(q) => prop_assert_eq!(q.subject.is_some() || q.qr.is_some(), q.kind != SubjectKind::Unknown),
                Err(e) => prop_assert!(!e.message_vi().is_empty()),
            }
        }
    }
}

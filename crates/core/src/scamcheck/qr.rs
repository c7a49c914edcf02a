//! QR codes: reading them from a photo or screenshot, and telling what they
//! hold. Bank-transfer codes follow VietQR, NAPAS's profile of the EMVCo
//! merchant-presented format: a string of ID(2) LEN(2) VALUE fields, closed by
//! field 63, a CRC-16/CCITT-FALSE over everything before its value.

use std::io::Cursor;

use crc::{CRC_16_IBM_3740, Crc};
use image::{GrayImage, ImageFormat, ImageReader, Limits};

use super::bank::Bank;
use super::phone::{PhoneError, PhoneNumber};
use super::url::{CanonicalUrl, UrlError};

/// Largest image file accepted.
pub const MAX_QR_IMAGE_BYTES: usize = 10 * 1024 * 1024;
/// Longest image side accepted, in pixels.
pub const MAX_QR_IMAGE_SIDE: u32 = 8192;
/// A 12-megapixel phone photo passes; a decompression bomb does not.
const MAX_QR_IMAGE_PIXELS: u64 = 40_000_000;
/// Detection runs on copies no larger than these (longest side), smallest
/// first: a QR code that fills a photo is found quickly on the small copy,
/// a small one in a big photo needs the larger copy.
const DETECTION_SIDES: [u32; 2] = [1600, 3200];
/// Longer payloads are not QR content (a QR code holds at most 7,089 digits).
const MAX_PAYLOAD_BYTES: usize = 8 * 1024;

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection.
const CRC16: Crc<u16> = Crc::<u16>::new(&CRC_16_IBM_3740);
/// VietQR's application identifier in field 38.00.
const VIETQR_GUID: &str = "A000000727";
/// Viet Nam's ISO 4217 currency code.
const VND: &str = "704";

/// What a QR code holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrPayload {
    /// A VietQR bank-transfer code.
    VietQr {
        bin: String,
        /// Account or card number, as encoded.
        account: String,
        /// `None` when the BIN is not in [`super::BANKS`].
        bank: Option<&'static Bank>,
        service: TransferTo,
        /// In đồng, when the code fixes the amount.
        amount: Option<u64>,
        /// Field 62.08, the transfer description.
        purpose: Option<String>,
        /// Field 59, the account holder or merchant name.
        name: Option<String>,
    },
    Url(CanonicalUrl),
    /// A "tel:" code.
    Phone(PhoneNumber),
    /// Anything else, including EMVCo codes of other schemes.
    Text(String),
}

/// VietQR service code (field 38.02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferTo {
    /// QRIBFTTA: to an account number.
    Account,
    /// QRIBFTTC: to a card number.
    Card,
}

/// Why an image or a QR payload could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("The image file is empty.")]
    EmptyImage,
    #[error("The image is too large: the limit is {} MB.", .limit / (1024 * 1024))]
    ImageTooLarge { limit: usize },
    #[error(
        "The image is {width}×{height} pixels; at most {MAX_QR_IMAGE_SIDE} pixels a side and 40 megapixels are accepted."
    )]
    ImageDimensions { width: u32, height: u32 },
    #[error("Only PNG and JPEG images can be read.")]
    UnsupportedImage,
    #[error("The image cannot be decoded ({0}); it may be damaged.")]
    BadImage(String),
    #[error("No readable QR code was found in the image.")]
    NoQrFound,
    #[error("The QR code is empty.")]
    Empty,
    #[error("The QR content is too long (more than {MAX_PAYLOAD_BYTES} bytes).")]
    PayloadTooLong,
    #[error("The QR payment code is malformed: a field is cut short or its length is wrong.")]
    Truncated,
    #[error("The QR payment code has no checksum (field 63 must come last).")]
    MissingChecksum,
    #[error("The QR payment code is damaged: its checksum is {found} but the content gives {expected}.")]
    BadChecksum { expected: String, found: String },
    #[error("The QR payment code is malformed: field {tag} is missing.")]
    MissingField { tag: &'static str },
    #[error("The QR payment code is malformed: field {tag} has an invalid value.")]
    BadField { tag: &'static str },
    #[error("The QR code holds a web address that cannot be read: {0}")]
    BadUrl(UrlError),
    #[error("The QR code holds a phone number that cannot be read: {0}")]
    BadPhone(PhoneError),
}

impl QrError {
    /// The message for Vietnamese users: what is wrong and how to fix it.
    pub fn message_vi(&self) -> String {
        match self {
            QrError::EmptyImage => "Tệp ảnh rỗng.".to_owned(),
            QrError::ImageTooLarge { limit } => {
                format!("Ảnh quá lớn: dung lượng tối đa là {} MB. Hãy chụp màn hình phần có mã QR rồi gửi lại.", limit / (1024 * 1024))
            }
            QrError::ImageDimensions { width, height } => format!(
                "Ảnh có kích thước {width}×{height} điểm ảnh, vượt quá giới hạn ({MAX_QR_IMAGE_SIDE} điểm ảnh mỗi cạnh, 40 triệu điểm ảnh). Hãy cắt ảnh chỉ còn phần có mã QR."
            ),
            QrError::UnsupportedImage => "Chỉ đọc được ảnh PNG hoặc JPEG. Hãy chụp màn hình mã QR rồi gửi lại.".to_owned(),
            QrError::BadImage(_) => "Không đọc được tệp ảnh; tệp có thể đã bị hỏng. Hãy chụp lại mã QR.".to_owned(),
            QrError::NoQrFound => {
                "Không tìm thấy mã QR đọc được trong ảnh. Hãy chụp lại rõ nét, đủ sáng và để mã QR chiếm phần lớn khung hình."
                    .to_owned()
            }
            QrError::Empty => "Mã QR không có nội dung.".to_owned(),
            QrError::PayloadTooLong => format!("Nội dung mã QR quá dài (vượt quá {MAX_PAYLOAD_BYTES} byte)."),
            QrError::Truncated => {
                "Mã QR thanh toán sai định dạng: có trường bị cắt cụt hoặc độ dài không khớp.".to_owned()
            }
            QrError::MissingChecksum => {
                "Mã QR thanh toán không có mã kiểm tra (trường 63 phải nằm cuối cùng).".to_owned()
            }
            QrError::BadChecksum { .. } => {
                "Mã QR thanh toán đã bị hỏng hoặc bị sửa: mã kiểm tra không khớp với nội dung. Không chuyển tiền theo mã này."
                    .to_owned()
            }
            QrError::MissingField { tag } => format!("Mã QR thanh toán sai định dạng: thiếu trường {tag}."),
            QrError::BadField { tag } => format!("Mã QR thanh toán sai định dạng: trường {tag} có giá trị không hợp lệ."),
            QrError::BadUrl(e) => format!("Mã QR chứa địa chỉ trang web không đọc được: {}", e.message_vi()),
            QrError::BadPhone(e) => format!("Mã QR chứa số điện thoại không đọc được: {}", e.message_vi()),
        }
    }
}

/// Finds and decodes every QR code in a PNG or JPEG image, in the order
/// found, without duplicates.
pub fn decode_qr_image(bytes: &[u8]) -> Result<Vec<String>, QrError> {
    if bytes.is_empty() {
        return Err(QrError::EmptyImage);
    }
    if bytes.len() > MAX_QR_IMAGE_BYTES {
        return Err(QrError::ImageTooLarge { limit: MAX_QR_IMAGE_BYTES });
    }
    let format = image::guess_format(bytes).map_err(|_| QrError::UnsupportedImage)?;
    if !matches!(format, ImageFormat::Png | ImageFormat::Jpeg) {
        return Err(QrError::UnsupportedImage);
    }
    let bad = |e: image::ImageError| QrError::BadImage(e.to_string());
    // The header is read first so that a huge image is refused before its pixels are allocated.
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format).into_dimensions().map_err(bad)?;
    if width == 0
        || height == 0
        || width > MAX_QR_IMAGE_SIDE
        || height > MAX_QR_IMAGE_SIDE
        || u64::from(width) * u64::from(height) > MAX_QR_IMAGE_PIXELS
    {
        return Err(QrError::ImageDimensions { width, height });
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_QR_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_QR_IMAGE_SIDE);
    reader.limits(limits);
    let gray = reader.decode().map_err(bad)?.into_luma8();

    let mut found: Vec<String> = Vec::new();
    let longest = width.max(height);
    for side in DETECTION_SIDES.iter().map(|&s| s.min(longest)) {
        let copy;
        let image = if side < longest {
            let scale = f64::from(side) / f64::from(longest);
            let w = ((f64::from(width) * scale).round() as u32).max(1);
            let h = ((f64::from(height) * scale).round() as u32).max(1);
            copy = image::imageops::thumbnail(&gray, w, h);
            &copy
        } else {
            &gray
        };
        for text in detect(image) {
            if !found.contains(&text) {
                found.push(text);
            }
        }
        if !found.is_empty() || side == longest {
            break;
        }
    }
    if found.is_empty() { Err(QrError::NoQrFound) } else { Ok(found) }
}

fn detect(image: &GrayImage) -> Vec<String> {
    let (w, h) = image.dimensions();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        image.get_pixel(x as u32, y as u32).0[0]
    });
    prepared.detect_grids().iter().filter_map(|grid| grid.decode().ok()).map(|(_, text)| text).collect()
}

impl QrPayload {
    /// Classifies decoded QR text. A string that starts like an EMVCo payment
    /// code ("000201") or ends like one ("6304" and 4 hex digits) must be well
    /// formed with a correct checksum, so that a damaged code is refused
    /// rather than read as text; one carrying VietQR account information
    /// becomes [`QrPayload::VietQr`].
    pub fn parse(text: &str) -> Result<Self, QrError> {
        if text.len() > MAX_PAYLOAD_BYTES {
            return Err(QrError::PayloadTooLong);
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(QrError::Empty);
        }
        if text.starts_with("000201") || ends_with_checksum_field(text) {
            return parse_emv(text);
        }
        let lower_prefix = |n: usize| text.get(..n).map(str::to_ascii_lowercase);
        if lower_prefix(4).as_deref() == Some("tel:") {
            // "tel:+84912345678;ext=1": parameters after ';' are not part of the number.
            let number = text[4..].split(';').next().unwrap_or_default();
            return PhoneNumber::parse(number).map(QrPayload::Phone).map_err(QrError::BadPhone);
        }
        if lower_prefix(7).as_deref() == Some("http://") || lower_prefix(8).as_deref() == Some("https://") {
            return CanonicalUrl::parse(text).map(QrPayload::Url).map_err(QrError::BadUrl);
        }
        Ok(QrPayload::Text(text.to_owned()))
    }

    /// "BIN:account" for a VietQR code, the same key as [`super::BankAccount::canonical`].
    pub fn account_key(&self) -> Option<String> {
        match self {
            QrPayload::VietQr { bin, account, .. } => Some(format!("{bin}:{account}")),
            _ => None,
        }
    }
}

fn ends_with_checksum_field(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 8
        && bytes[bytes.len() - 8..].starts_with(b"6304")
        && bytes[bytes.len() - 4..].iter().all(u8::is_ascii_hexdigit)
}

/// Splits ID(2) LEN(2) VALUE fields. Lengths count characters, so a name
/// with diacritics is measured as the encoder measured it.
fn fields(mut data: &str) -> Result<Vec<(&str, &str)>, QrError> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let head = data.get(..4).ok_or(QrError::Truncated)?;
        if !head.bytes().all(|b| b.is_ascii_digit()) {
            return Err(QrError::Truncated);
        }
        let len: usize = head[2..].parse().map_err(|_| QrError::Truncated)?;
        let rest = &data[4..];
        let end = match rest.char_indices().nth(len) {
            Some((end, _)) => end,
            None if rest.chars().count() == len => rest.len(),
            None => return Err(QrError::Truncated),
        };
        out.push((&head[..2], &rest[..end]));
        data = &rest[end..];
    }
    Ok(out)
}

fn field<'a>(fields: &[(&str, &'a str)], tag: &str) -> Option<&'a str> {
    fields.iter().find(|(t, _)| *t == tag).map(|(_, v)| *v)
}

fn parse_emv(text: &str) -> Result<QrPayload, QrError> {
    // The checksum field must close the payload: "6304" and 4 hex digits.
    let split = text.len().checked_sub(8).filter(|&i| text.is_char_boundary(i)).ok_or(QrError::MissingChecksum)?;
    let (body, crc_field) = text.split_at(split);
    let found = crc_field.strip_prefix("6304").ok_or(QrError::MissingChecksum)?;
    if !found.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(QrError::BadField { tag: "63" });
    }
    // The CRC covers everything up to and including "6304".
    let expected = CRC16.checksum(&text.as_bytes()[..split + 4]);
    if u16::from_str_radix(found, 16).ok() != Some(expected) {
        return Err(QrError::BadChecksum { expected: format!("{expected:04X}"), found: found.to_owned() });
    }
    let top = fields(body)?;
    if top.first() != Some(&("00", "01")) {
        return Err(QrError::BadField { tag: "00" });
    }
    if field(&top, "01").is_some_and(|v| v != "11" && v != "12") {
        return Err(QrError::BadField { tag: "01" });
    }
    if top.iter().any(|(tag, _)| *tag == "63") {
        return Err(QrError::MissingChecksum);
    }
    // Merchant account information: VietQR puts it in field 38.
    let Some(account_info) = field(&top, "38") else { return Ok(QrPayload::Text(text.to_owned())) };
    let account_info = fields(account_info)?;
    if !field(&account_info, "00").is_some_and(|guid| guid.eq_ignore_ascii_case(VIETQR_GUID)) {
        return Ok(QrPayload::Text(text.to_owned()));
    }
    let beneficiary = fields(field(&account_info, "01").ok_or(QrError::MissingField { tag: "38.01" })?)?;
    let bin = field(&beneficiary, "00").ok_or(QrError::MissingField { tag: "38.01.00" })?;
    if bin.len() != 6 || !bin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(QrError::BadField { tag: "38.01.00" });
    }
    let account = field(&beneficiary, "01").ok_or(QrError::MissingField { tag: "38.01.01" })?;
    if account.is_empty() || account.len() > 19 || !account.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(QrError::BadField { tag: "38.01.01" });
    }
    let service = match field(&account_info, "02") {
        // Some encoders leave the service code out; they mean an account.
        None | Some("QRIBFTTA") => TransferTo::Account,
        Some("QRIBFTTC") => TransferTo::Card,
        Some(_) => return Err(QrError::BadField { tag: "38.02" }),
    };
    if field(&top, "53").is_some_and(|currency| currency != VND) {
        return Err(QrError::BadField { tag: "53" });
    }
    let amount = field(&top, "54").map(parse_amount).transpose()?;
    let text_field = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let purpose = match field(&top, "62") {
        Some(additional) => field(&fields(additional)?, "08").and_then(text_field),
        None => None,
    };
    Ok(QrPayload::VietQr {
        bin: bin.to_owned(),
        account: account.to_owned(),
        bank: Bank::by_bin(bin),
        service,
        amount,
        purpose,
        name: field(&top, "59").and_then(text_field),
    })
}

/// Đồng have no subunit: "50000" and "50000.00" are accepted, "50000.5" is not.
fn parse_amount(text: &str) -> Result<u64, QrError> {
    let bad = QrError::BadField { tag: "54" };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b == b'0') {
        return Err(bad);
    }
    whole.parse().map_err(|_| bad)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::scamcheck::PhoneKind;
    use image::ImageEncoder;
    use proptest::prelude::*;

    fn tlv(tag: &str, value: &str) -> String {
        format!("{tag}{:02}{value}", value.chars().count())
    }

    /// A VietQR payload as a bank app would generate it, with its CRC.
    fn vietqr(bin: &str, account: &str, amount: Option<&str>, purpose: Option<&str>) -> String {
        let beneficiary = tlv("00", bin) + &tlv("01", account);
        let account_info = tlv("00", VIETQR_GUID) + &tlv("01", &beneficiary) + &tlv("02", "QRIBFTTA");
        let mut body =
            tlv("00", "01") + &tlv("01", if amount.is_some() { "12" } else { "11" }) + &tlv("38", &account_info);
        body += &tlv("53", VND);
        if let Some(amount) = amount {
            body += &tlv("54", amount);
        }
        body += &tlv("58", "VN");
        body += &tlv("59", "NGUYEN VAN A");
        if let Some(purpose) = purpose {
            body += &tlv("62", &tlv("08", purpose));
        }
        body += "6304";
        let crc = CRC16.checksum(body.as_bytes());
        format!("{body}{crc:04X}")
    }

    #[test]
    fn crc_is_ccitt_false() {
        // The catalogue check value of CRC-16/CCITT-FALSE.
        assert_eq!(CRC16.checksum(b"123456789"), 0x29B1);
    }

    #[test]
    fn vietqr_transfer() {
        let payload = vietqr("970436", "0011001234567", Some("150000"), Some("CHUYEN TIEN"));
        match QrPayload::parse(&payload).unwrap() {
            QrPayload::VietQr { bin, account, bank, service, amount, purpose, name } => {
                assert_eq!((bin.as_str(), account.as_str()), ("970436", "0011001234567"));
                assert_eq!(bank.map(|b| b.code), Some("VCB"));
                assert_eq!(service, TransferTo::Account);
                assert_eq!(amount, Some(150_000));
                assert_eq!(purpose.as_deref(), Some("CHUYEN TIEN"));
                assert_eq!(name.as_deref(), Some("NGUYEN VAN A"));
            }
            other => panic!("{other:?}"),
        }
        let static_qr = QrPayload::parse(&vietqr("999999", "123456", None, None)).unwrap();
        assert!(matches!(static_qr, QrPayload::VietQr { bank: None, amount: None, purpose: None, .. }));
        assert_eq!(static_qr.account_key().as_deref(), Some("999999:123456"));
        let decimals = vietqr("970418", "12345678", Some("50000.00"), None);
        assert!(matches!(QrPayload::parse(&decimals).unwrap(), QrPayload::VietQr { amount: Some(50_000), .. }));
        // Lowercase checksum digits are accepted.
        let lower = format!("{}{}", &decimals[..decimals.len() - 4], decimals[decimals.len() - 4..].to_lowercase());
        assert!(QrPayload::parse(&lower).is_ok());
    }

    #[test]
    fn damaged_and_malformed_codes() {
        let good = vietqr("970436", "0011001234567", Some("150000"), None);
        let tampered = good.replace("0011001234567", "0011009999999");
        assert!(matches!(QrPayload::parse(&tampered), Err(QrError::BadChecksum { .. })));
        assert!(matches!(QrPayload::parse(&good[..good.len() - 10]), Err(QrError::MissingChecksum)));
        // A field claiming more characters than remain, with a correct CRC.
        let mut body = tlv("00", "01") + "3899A0000007";
        body += "6304";
        let truncated = format!("{body}{:04X}", CRC16.checksum(body.as_bytes()));
        assert_eq!(QrPayload::parse(&truncated), Err(QrError::Truncated));
        let resign = |body: String| {
            let body = body + "6304";
            let crc = CRC16.checksum(body.as_bytes());
            format!("{body}{crc:04X}")
        };
        let no_account =
            resign(tlv("00", "01") + &tlv("38", &(tlv("00", VIETQR_GUID) + &tlv("01", &tlv("00", "970436")))));
        assert_eq!(QrPayload::parse(&no_account), Err(QrError::MissingField { tag: "38.01.01" }));
        let bad_bin = resign(
            tlv("00", "01")
                + &tlv("38", &(tlv("00", VIETQR_GUID) + &tlv("01", &(tlv("00", "97043") + &tlv("01", "1"))))),
        );
        assert_eq!(QrPayload::parse(&bad_bin), Err(QrError::BadField { tag: "38.01.00" }));
        let usd = resign(
            tlv("00", "01")
                + &tlv("38", &(tlv("00", VIETQR_GUID) + &tlv("01", &(tlv("00", "970436") + &tlv("01", "123456")))))
                + &tlv("53", "840"),
        );
        assert_eq!(QrPayload::parse(&usd), Err(QrError::BadField { tag: "53" }));
        let bad_amount = resign(
            tlv("00", "01")
                + &tlv("38", &(tlv("00", VIETQR_GUID) + &tlv("01", &(tlv("00", "970436") + &tlv("01", "123456")))))
                + &tlv("54", "12.5"),
        );
        assert_eq!(QrPayload::parse(&bad_amount), Err(QrError::BadField { tag: "54" }));
        // A well-formed EMVCo code of another scheme is only text.
        let other = resign(tlv("00", "01") + &tlv("26", &tlv("00", "COM.EXAMPLE.PAY")));
        assert!(matches!(QrPayload::parse(&other).unwrap(), QrPayload::Text(_)));
    }

    #[test]
    fn other_payloads() {
        match QrPayload::parse("tel:+84912345678").unwrap() {
            QrPayload::Phone(n) => assert_eq!((n.e164(), n.kind()), ("+84912345678", &PhoneKind::Mobile)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(QrPayload::parse("TEL:0912 345 678;ext=2"), Ok(QrPayload::Phone(_))));
        assert!(matches!(
            QrPayload::parse("tel:01623456789"),
            Err(QrError::BadPhone(PhoneError::RetiredPrefix { .. }))
        ));
        match QrPayload::parse("HTTPS://Vietcombank.com.vn.Login-Secure.xyz/#x").unwrap() {
            QrPayload::Url(u) => assert_eq!(u.as_str(), "https://vietcombank.com.vn.login-secure.xyz/"),
            other => panic!("{other:?}"),
        }
        assert_eq!(QrPayload::parse("Xin chào").unwrap(), QrPayload::Text("Xin chào".into()));
        assert_eq!(QrPayload::parse(" \n"), Err(QrError::Empty));
        assert_eq!(QrPayload::parse(&"a".repeat(MAX_PAYLOAD_BYTES + 1)), Err(QrError::PayloadTooLong));
        for e in [
            QrError::EmptyImage,
            QrError::ImageTooLarge { limit: MAX_QR_IMAGE_BYTES },
            QrError::ImageDimensions { width: 1, height: 99_999 },
            QrError::UnsupportedImage,
            QrError::BadImage("x".into()),
            QrError::NoQrFound,
            QrError::Empty,
            QrError::PayloadTooLong,
            QrError::Truncated,
            QrError::MissingChecksum,
            QrError::BadChecksum { expected: "0000".into(), found: "FFFF".into() },
            QrError::MissingField { tag: "38" },
            QrError::BadField { tag: "54" },
            QrError::BadUrl(UrlError::Empty),
            QrError::BadPhone(PhoneError::Empty),
        ] {
            assert!(!e.message_vi().is_empty() && e.message_vi() != e.to_string());
        }
    }

    /// Renders `text` as a QR code, `scale` pixels a module, with a quiet zone.
    fn qr_image(text: &str, scale: u32) -> GrayImage {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let modules = code.width() as u32;
        let colors = code.to_colors();
        let side = (modules + 8) * scale;
        GrayImage::from_fn(side, side, |x, y| {
            let (mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
            let dark = mx < modules && my < modules && colors[(my * modules + mx) as usize] == qrcode::Color::Dark;
            image::Luma([if dark { 0 } else { 255 }])
        })
    }

    fn encode(image: &GrayImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        let (w, h) = image.dimensions();
        match format {
            ImageFormat::Png => image::codecs::png::PngEncoder::new(&mut out)
                .write_image(image.as_raw(), w, h, image::ExtendedColorType::L8)
                .unwrap(),
            _ => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
                .write_image(image.as_raw(), w, h, image::ExtendedColorType::L8)
                .unwrap(),
        }
        out
    }

    #[test]
    fn reads_qr_codes_from_png_and_jpeg() {
        let payload = vietqr("970422", "0123456789", Some("200000"), Some("TRA TIEN HANG"));
        let png = encode(&qr_image(&payload, 6), ImageFormat::Png);
        let texts = decode_qr_image(&png).unwrap();
        assert_eq!(texts, std::slice::from_ref(&payload));
        assert_eq!(QrPayload::parse(&texts[0]).unwrap().account_key().as_deref(), Some("970422:0123456789"));
        let jpeg = encode(&qr_image("https://vietcombank-hotro.example/", 5), ImageFormat::Jpeg);
        assert_eq!(decode_qr_image(&jpeg).unwrap(), ["https://vietcombank-hotro.example/"]);
        // A small code in a large picture is found on the larger copy.
        let mut big = GrayImage::from_pixel(3000, 2000, image::Luma([255]));
        image::imageops::overlay(&mut big, &qr_image("tel:0912345678", 3), 2500, 1500);
        assert_eq!(decode_qr_image(&encode(&big, ImageFormat::Png)).unwrap(), ["tel:0912345678"]);
    }

    #[test]
    fn image_refusals() {
        assert_eq!(decode_qr_image(b""), Err(QrError::EmptyImage));
        assert_eq!(decode_qr_image(b"GIF89a......"), Err(QrError::UnsupportedImage));
        assert_eq!(decode_qr_image(b"not an image"), Err(QrError::UnsupportedImage));
        let blank = encode(&GrayImage::from_pixel(64, 64, image::Luma([255])), ImageFormat::Png);
        assert_eq!(decode_qr_image(&blank), Err(QrError::NoQrFound));
        let png = encode(&qr_image("x", 4), ImageFormat::Png);
        assert!(matches!(decode_qr_image(&png[..png.len() / 2]), Err(QrError::BadImage(_))));
        let huge = vec![0u8; MAX_QR_IMAGE_BYTES + 1];
        assert_eq!(decode_qr_image(&huge), Err(QrError::ImageTooLarge { limit: MAX_QR_IMAGE_BYTES }));
        // A header claiming 100000×1 pixels is refused before decoding: the
        // IHDR chunk's width is rewritten and its CRC-32 recomputed.
        let mut wide = encode(&GrayImage::from_pixel(1, 1, image::Luma([255])), ImageFormat::Png);
        wide[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        let ihdr_crc = Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(&wide[12..29]);
        wide[29..33].copy_from_slice(&ihdr_crc.to_be_bytes());
        assert_eq!(decode_qr_image(&wide), Err(QrError::ImageDimensions { width: 100_000, height: 1 }));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,120}") {
            let _ = QrPayload::parse(&s);
        }

        #[test]
        fn never_panics_on_emv_like_input(s in "000201[0-9A-Z]{0,80}") {
            let _ = QrPayload::parse(&s);
        }

        #[test]
        fn images_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode_qr_image(&bytes);
        }

        #[test]
        fn vietqr_round_trips(
            bin in "9[0-9]{5}",
            account in "[0-9]{6,19}",
            amount in proptest::option::of(1u64..10_000_000_000),
            purpose in proptest::option::of("[A-Z0-9 ]{1,25}"),
        ) {
            let amount_text = amount.map(|a| a.to_string());
            let payload = vietqr(&bin, &account, amount_text.as_deref(), purpose.as_deref());
            let parsed = QrPayload::parse(&payload).unwrap();
            prop_assert_eq!(parsed.account_key(), Some(format!("{bin}:{account}")));
            let is_match = matches!(parsed, QrPayload::VietQr { amount: a, .. } if a == amount);
            prop_assert!(is_match);
        }

        /// CRC-16 catches every single-character change: a flipped payload
        /// is refused, never read as a (different) transfer, whichever
        /// character is flipped (body, "6304" or the checksum itself).
        #[test]
        fn any_flipped_character_is_caught(
            account in "[0-9]{6,19}",
            position in any::<prop::sample::Index>(),
            replacement in "[0-9A-Za-z .]",
        ) {
            let payload = vietqr("970436", &account, Some("100000"), Some("HOC PHI"));
            let i = position.index(payload.len());
            let replacement = replacement.chars().next().unwrap();
            let original = payload.as_bytes()[i] as char;
            // The checksum's hex digits are read case-insensitively: "7eca" is the same value as "7ECA".
            let same_digit = i >= payload.len() - 4 && original.eq_ignore_ascii_case(&replacement);
            prop_assume!(original != replacement && !same_digit);
            let mut flipped = payload.clone();
            flipped.replace_range(i..=i, &replacement.to_string());
            prop_assert!(QrPayload::parse(&flipped).is_err(), "{} accepted", flipped);
        }
    }
}

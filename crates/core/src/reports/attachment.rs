//! Citizens' attachments (screenshots of a scam message, a bank transfer,
//! a fake page; sometimes a PDF) made safe to keep and to show officers.
//!
//! A phone photo carries the reporter's location (EXIF GPS), the device and
//! often their name; a report is anonymous, so none of that may be stored.
//! Images are therefore decoded and encoded again, which keeps the pixels
//! and drops every metadata block. The type is decided by the content only,
//! never by the name or the declared MIME type, which the sender controls.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::error::LimitErrorKind;
use image::metadata::Orientation;
use image::{ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// Largest file accepted, per attachment: enough for a full-resolution phone
/// screenshot or a short PDF, small enough that an upload cannot fill memory.
pub const MAX_ATTACHMENT_BYTES: usize = 8 * 1024 * 1024;

/// Most files one report may carry. Exported for the intake forms and the
/// API, which enforce it (this module sees one file at a time).
pub const MAX_ATTACHMENTS: usize = 5;

/// Largest image accepted, in pixels (width × height), checked from the
/// header before any pixel is decoded: a small, highly compressed file can
/// claim a huge canvas (a "decompression bomb"). 40 million pixels is more
/// than any phone screenshot, including long scrolling captures.
pub const MAX_PIXELS: u64 = 40_000_000;

/// Longest side accepted, in pixels: JPEG's own maximum. Only a guard for
/// the decoder; real images hit [`MAX_PIXELS`] first.
const MAX_SIDE: u32 = 65_535;

/// Most memory the decoded pixels may take: 8-bit RGBA at [`MAX_PIXELS`].
/// A 16-bit image gets half as many pixels.
const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 4;

/// Memory a decoder may use besides the pixels (rows, Huffman tables, ICC
/// profiles and text chunks it reads on the way).
const DECODER_OVERHEAD_BYTES: u64 = 64 * 1024 * 1024;

/// JPEG quality of re-encoded photos: visually the same as a phone's
/// output, and the file does not grow much when the original was smaller.
const JPEG_QUALITY: u8 = 85;

/// How far from the end of a PDF its "%%EOF" marker may be (some writers
/// append line breaks or a little junk after it).
const PDF_EOF_WINDOW: usize = 1024;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_SIGNATURE: &[u8] = &[0xFF, 0xD8, 0xFF];
const PDF_SIGNATURE: &[u8] = b"%PDF-";

/// The kinds of file a report may carry. Screenshots are PNG or JPEG;
/// PDF is for documents such as a fake "arrest warrant" sent by scammers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttachmentKind {
    /// Screenshots, lossless: kept as PNG.
    Png,
    /// Photos: kept as JPEG.
    Jpeg,
    /// Documents, kept byte for byte and only offered as a download.
    Pdf,
}

impl AttachmentKind {
    /// The Content-Type to store and to serve the file with: always this
    /// one, whatever the browser declared on upload.
    pub fn mime(self) -> &'static str {
        match self {
            AttachmentKind::Png => "image/png",
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Pdf => "application/pdf",
        }
    }

    /// The extension for a download name, so the file opens with the right
    /// program even when the citizen's own name had none or a wrong one.
    pub fn extension(self) -> &'static str {
        match self {
            AttachmentKind::Png => "png",
            AttachmentKind::Jpeg => "jpg",
            AttachmentKind::Pdf => "pdf",
        }
    }

    /// Whether the file is a picture that may be shown inline (PDFs are
    /// only ever offered as a download).
    pub fn is_image(self) -> bool {
        matches!(self, AttachmentKind::Png | AttachmentKind::Jpeg)
    }
}

/// An attachment that passed [`sanitize`]: the bytes to store (images
/// re-encoded without metadata) and their hash, which names the stored file
/// and lets the same screenshot sent twice be stored once.
#[derive(Clone, PartialEq, Eq)]
pub struct CleanAttachment {
    /// Found from the content, to store and serve the file with.
    pub kind: AttachmentKind,
    /// What to store: re-encoded for images, as sent for a PDF.
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`, lowercase hex.
    pub sha256: String,
}

// By hand: the derived form would print megabytes of bytes into logs.
impl std::fmt::Debug for CleanAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CleanAttachment")
            .field("kind", &self.kind)
            .field("len", &self.bytes.len())
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// Why a file was refused. The English text is for logs; citizens read
/// [`AttachmentError::message_vi`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    /// Over [`MAX_ATTACHMENT_BYTES`]; `bytes` is the size sent.
    #[error("file of {bytes} bytes is larger than {MAX_ATTACHMENT_BYTES}")]
    TooLarge { bytes: usize },
    /// Nothing was sent (an empty file input).
    #[error("empty file")]
    Empty,
    /// The content is not PNG, JPEG or PDF, whatever its name says.
    #[error("not a PNG, JPEG or PDF file")]
    UnsupportedType,
    /// Starts like a PNG, JPEG or PDF but cannot be read to the end.
    #[error("damaged or unreadable file")]
    Damaged,
    /// An image over [`MAX_PIXELS`] (or too big to decode safely), with
    /// the size its header claims.
    #[error("image of {width}x{height} pixels is too large")]
    TooManyPixels { width: u32, height: u32 },
}

impl AttachmentError {
    /// A sentence for the citizen that says what to do instead.
    pub fn message_vi(&self) -> String {
        match self {
            AttachmentError::TooLarge { .. } => {
                format!("Tệp lớn quá {} MB. Hãy gửi tệp nhỏ hơn.", MAX_ATTACHMENT_BYTES / (1024 * 1024))
            }
            AttachmentError::Empty => "Tệp rỗng, không có nội dung.".into(),
            AttachmentError::UnsupportedType => "Chỉ nhận ảnh PNG, JPEG hoặc tệp PDF.".into(),
            AttachmentError::Damaged => "Tệp bị hỏng, không đọc được.".into(),
            AttachmentError::TooManyPixels { width, height } => format!(
                "Ảnh có kích thước quá lớn ({width} × {height} điểm ảnh). Hãy gửi ảnh nhỏ hơn (tối đa {} triệu điểm ảnh).",
                MAX_PIXELS / 1_000_000
            ),
        }
    }
}

/// Checks one uploaded file and returns what may be stored.
///
/// The type comes from the magic bytes only. PNG and JPEG images are
/// decoded within memory limits and encoded again in the same format, which
/// drops EXIF (with any GPS position), XMP, IPTC, comments, text chunks and
/// ICC profiles; an EXIF rotation is applied first so the picture still
/// stands the right way up. A PDF is kept byte for byte.
pub fn sanitize(bytes: &[u8]) -> Result<CleanAttachment, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(AttachmentError::TooLarge { bytes: bytes.len() });
    }
    let kind = sniff(bytes).ok_or(AttachmentError::UnsupportedType)?;
    let clean = match kind {
        AttachmentKind::Png => reencode(bytes, ImageFormat::Png)?,
        AttachmentKind::Jpeg => reencode(bytes, ImageFormat::Jpeg)?,
        AttachmentKind::Pdf => check_pdf(bytes)?.to_vec(),
    };
    let sha256 = hex::encode(Sha256::digest(&clean));
    Ok(CleanAttachment { kind, bytes: clean, sha256 })
}

/// The kind announced by the first bytes, if it is one we accept.
fn sniff(bytes: &[u8]) -> Option<AttachmentKind> {
    if bytes.starts_with(PNG_SIGNATURE) {
        Some(AttachmentKind::Png)
    } else if bytes.starts_with(JPEG_SIGNATURE) {
        Some(AttachmentKind::Jpeg)
    } else if bytes.starts_with(PDF_SIGNATURE) {
        Some(AttachmentKind::Pdf)
    } else {
        None
    }
}

/// A PDF is only checked for its frame: the header at the start and the
/// end-of-file marker near the end, which a truncated upload lacks.
///
/// Its metadata (author, producer, XMP) is NOT rewritten: that needs a full
/// PDF parser and writer. The web layer only ever serves a PDF as a
/// download (`Content-Disposition: attachment`, never inline), so neither
/// its scripts nor its metadata run in an officer's browser session.
fn check_pdf(bytes: &[u8]) -> Result<&[u8], AttachmentError> {
    let tail = &bytes[bytes.len().saturating_sub(PDF_EOF_WINDOW)..];
    if tail.windows(5).any(|w| w == b"%%EOF") { Ok(bytes) } else { Err(AttachmentError::Damaged) }
}

/// Limits for reading only the header: no pixels are decoded yet, only
/// metadata chunks, so the sides are not capped (the caller wants the
/// real size to say it is too big) and the memory cap is small.
fn header_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = None;
    limits.max_image_height = None;
    limits.max_alloc = Some(DECODER_OVERHEAD_BYTES);
    limits
}

/// Limits for decoding the pixels of an image whose header was accepted.
fn decode_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES + DECODER_OVERHEAD_BYTES);
    limits
}

fn reader(bytes: &[u8], format: ImageFormat, limits: Limits) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    reader
}

/// Decodes within limits, turns the picture upright and encodes it again.
fn reencode(bytes: &[u8], format: ImageFormat) -> Result<Vec<u8>, AttachmentError> {
    // 1. The header alone: size, pixel format and EXIF rotation.
    let mut decoder = reader(bytes, format, header_limits()).into_decoder().map_err(|_| AttachmentError::Damaged)?;
    let (width, height) = decoder.dimensions();
    let too_big = AttachmentError::TooManyPixels { width, height };
    if u64::from(width) * u64::from(height) > MAX_PIXELS
        || width > MAX_SIDE
        || height > MAX_SIDE
        || decoder.total_bytes() > MAX_DECODED_BYTES
    {
        return Err(too_big);
    }
    // A damaged EXIF block only costs the rotation, not the picture.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    drop(decoder);

    // 2. The pixels, with the decoder's allocations capped as well.
    let mut image = reader(bytes, format, decode_limits()).decode().map_err(|e| match e {
        ImageError::Limits(l) if !matches!(l.kind(), LimitErrorKind::Unsupported { .. }) => too_big.clone(),
        _ => AttachmentError::Damaged,
    })?;
    image.apply_orientation(orientation);

    // 3. A fresh file: the encoders write pixels and nothing else (no
    //    EXIF, ICC profile or text is given to them).
    let mut out = Vec::new();
    let written = match format {
        ImageFormat::Jpeg => image.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)),
        _ => image.write_with_encoder(PngEncoder::new_with_quality(
            &mut out,
            CompressionType::Default,
            FilterType::Adaptive,
        )),
    };
    written.map_err(|_| AttachmentError::Damaged)?;
    Ok(out)
}

/// Longest display name kept, in characters.
const MAX_NAME_CHARS: usize = 80;

/// Name shown when nothing usable is left of the citizen's file name.
const FALLBACK_NAME: &str = "tep-dinh-kem";

/// Characters that are never kept in a name: Windows-reserved and
/// header-breaking punctuation, and invisible format characters (the
/// right-to-left override turns "hoadon\u{202E}gpj.exe" into a name that
/// reads "hoadonexe.jpg").
fn is_unsafe_name_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// The citizen's file name made safe to display next to the attachment.
///
/// It is a label only: stored files are named by their hash and served with
/// the type found by [`sanitize`]. Any directory part (with `/` or `\`),
/// control and invisible characters, ".." and leading dots go; the name is
/// NFC-normalised (Vietnamese names from macOS arrive decomposed) and cut to
/// 80 characters, keeping a short extension. Nothing left gives
/// "tep-dinh-kem".
pub fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    // Filtered before normalising: a removed invisible character may have
    // kept a combining mark apart from its letter.
    let mut clean: String = base.chars().filter(|c| !is_unsafe_name_char(*c)).nfc().collect();
    while clean.contains("..") {
        clean = clean.replace("..", ".");
    }
    let clean = clean.trim_start_matches(|c: char| c == '.' || c.is_whitespace()).trim_end();
    let clean = truncate_name(clean);
    if clean.is_empty() { FALLBACK_NAME.to_string() } else { clean }
}

/// Cuts a name to [`MAX_NAME_CHARS`], keeping an extension of up to ten
/// characters so "…dai.png" still reads as a picture.
fn truncate_name(name: &str) -> String {
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.to_string();
    }
    if let Some((stem, ext)) = name.rsplit_once('.') {
        let ext_chars = ext.chars().count();
        if (1..=10).contains(&ext_chars) && !stem.is_empty() {
            let stem: String = stem.chars().take(MAX_NAME_CHARS - 1 - ext_chars).collect();
            let stem = stem.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
            if !stem.is_empty() {
                return format!("{stem}.{ext}");
            }
        }
    }
    name.chars().take(MAX_NAME_CHARS).collect::<String>().trim_end().to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use image::{DynamicImage, GenericImageView, Rgb, RgbImage, Rgba, RgbaImage};
    use proptest::prelude::*;

    fn crc32(data: &[u8]) -> u32 {
        crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(data)
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(kind);
        chunk.extend_from_slice(data);
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        chunk.extend_from_slice(&crc32(&crc_input).to_be_bytes());
        chunk
    }

    fn sample_rgba(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgba8(RgbaImage::from_fn(width, height, |x, y| {
            Rgba([(x * 7) as u8, (y * 5) as u8, ((x + y) * 3) as u8, 200])
        }))
    }

    fn sample_rgb(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x * 9) as u8, (y * 4) as u8, ((x ^ y) * 8) as u8])
        }))
    }

    fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        image.write_to(&mut Cursor::new(&mut out), format).unwrap();
        out
    }

    /// A PNG with chunks inserted right after IHDR (signature 8 + IHDR 25).
    fn png_with_chunks(image: &DynamicImage, chunks: &[Vec<u8>]) -> Vec<u8> {
        let png = encode(image, ImageFormat::Png);
        let mut out = png[..33].to_vec();
        for c in chunks {
            out.extend_from_slice(c);
        }
        out.extend_from_slice(&png[33..]);
        out
    }

    /// Latitude 21°1'30" as EXIF rationals: what must never be stored.
    const GPS_LATITUDE: [u8; 24] = [0, 0, 0, 21, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 30, 0, 0, 0, 1];

    /// A big-endian TIFF block as in EXIF: IFD0 with the orientation and a
    /// pointer to a GPS IFD holding "N" and a latitude.
    fn exif_tiff(orientation: u16) -> Vec<u8> {
        let mut t = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
        // IFD0 at 8: two entries, then the next-IFD offset.
        t.extend_from_slice(&2u16.to_be_bytes());
        t.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
        t.extend_from_slice(&orientation.to_be_bytes());
        t.extend_from_slice(&[0, 0]);
        t.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
        t.extend_from_slice(&[0, 0, 0, 0]);
        // GPS IFD at 38: GPSLatitudeRef "N", GPSLatitude at 68.
        t.extend_from_slice(&2u16.to_be_bytes());
        t.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        t.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
        t.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(t.len(), 68);
        t.extend_from_slice(&GPS_LATITUDE);
        t
    }

    /// A JPEG from the image crate with an APP1 "Exif" segment after SOI.
    fn jpeg_with_exif(image: &DynamicImage, orientation: u16) -> Vec<u8> {
        let jpeg = encode(image, ImageFormat::Jpeg);
        let mut payload = b"Exif\x00\x00".to_vec();
        payload.extend_from_slice(&exif_tiff(orientation));
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&payload);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn dimensions(bytes: &[u8]) -> (u32, u32) {
        image::load_from_memory(bytes).unwrap().dimensions()
    }

    #[test]
    fn png_text_and_exif_chunks_are_dropped() {
        let image = sample_rgba(40, 30);
        let text = png_chunk(b"tEXt", b"Author\x00Nguyen Van A 0912345678");
        let mut exif = exif_tiff(1);
        let exif = png_chunk(b"eXIf", &std::mem::take(&mut exif));
        let dirty = png_with_chunks(&image, &[text, exif]);
        assert!(contains(&dirty, b"Nguyen Van A") && contains(&dirty, &GPS_LATITUDE));
        assert_eq!(dimensions(&dirty), (40, 30), "the test file itself is a valid PNG");

        let clean = sanitize(&dirty).unwrap();
        assert_eq!(clean.kind, AttachmentKind::Png);
        for needle in [&b"tEXt"[..], b"eXIf", b"Nguyen Van A", &GPS_LATITUDE] {
            assert!(!contains(&clean.bytes, needle), "{:?} left in", String::from_utf8_lossy(needle));
        }
        let decoded = image::load_from_memory(&clean.bytes).unwrap();
        assert_eq!(decoded.dimensions(), (40, 30));
        assert_eq!(decoded.to_rgba8(), image.to_rgba8(), "PNG is lossless: the pixels are the same");
        assert_eq!(clean.sha256, hex::encode(Sha256::digest(&clean.bytes)));
        assert_eq!(clean.sha256.len(), 64);
    }

    #[test]
    fn jpeg_exif_with_gps_is_dropped() {
        let dirty = jpeg_with_exif(&sample_rgb(48, 32), 1);
        assert!(contains(&dirty, b"Exif") && contains(&dirty, &GPS_LATITUDE));
        assert_eq!(dimensions(&dirty), (48, 32), "the test file itself is a valid JPEG");

        let clean = sanitize(&dirty).unwrap();
        assert_eq!(clean.kind, AttachmentKind::Jpeg);
        assert!(clean.bytes.starts_with(JPEG_SIGNATURE));
        assert!(!contains(&clean.bytes, b"Exif"));
        assert!(!contains(&clean.bytes, &GPS_LATITUDE));
        assert_eq!(dimensions(&clean.bytes), (48, 32));
    }

    #[test]
    fn jpeg_is_turned_upright_before_its_exif_goes() {
        // Orientation 6: the camera held sideways, shown rotated 90° clockwise.
        let clean = sanitize(&jpeg_with_exif(&sample_rgb(48, 32), 6)).unwrap();
        assert_eq!(dimensions(&clean.bytes), (32, 48));
        assert!(!contains(&clean.bytes, b"Exif"));
    }

    #[test]
    fn a_huge_canvas_is_refused_from_its_header() {
        // 100000 × 100000 RGBA would need 40 GB: refused before decoding.
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(png_chunk(b"IHDR", &ihdr));
        png.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
        png.extend(png_chunk(b"IEND", &[]));
        let err = sanitize(&png).unwrap_err();
        assert_eq!(err, AttachmentError::TooManyPixels { width: 100_000, height: 100_000 });
        assert!(err.message_vi().contains("100000 × 100000 điểm ảnh"), "{}", err.message_vi());
    }

    #[test]
    fn a_jpeg_claiming_a_huge_canvas_is_refused_from_its_header() {
        let mut jpeg = encode(&sample_rgb(16, 16), ImageFormat::Jpeg);
        // SOF0: FF C0, length (2), precision (1), height (2), width (2).
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 9].copy_from_slice(&[0xFD, 0xE8, 0xFD, 0xE8]);
        assert_eq!(sanitize(&jpeg).unwrap_err(), AttachmentError::TooManyPixels { width: 65_000, height: 65_000 });
    }

    #[test]
    fn a_canvas_just_over_the_pixel_limit_is_refused() {
        // 8000 × 5001 = 40 008 000 pixels, a header only.
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&8000u32.to_be_bytes());
        ihdr.extend_from_slice(&5001u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(png_chunk(b"IHDR", &ihdr));
        png.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
        png.extend(png_chunk(b"IEND", &[]));
        assert!(matches!(sanitize(&png), Err(AttachmentError::TooManyPixels { .. })));
    }

    #[test]
    fn other_types_are_refused_whatever_they_are_called() {
        let cases: [&[u8]; 6] = [
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
            b"RIFF\x24\x00\x00\x00WEBPVP8 ",
            b"  %PDF-1.7 leading spaces",
        ];
        for bytes in cases {
            assert_eq!(sanitize(bytes).unwrap_err(), AttachmentError::UnsupportedType, "{bytes:?}");
        }
        assert_eq!(AttachmentError::UnsupportedType.message_vi(), "Chỉ nhận ảnh PNG, JPEG hoặc tệp PDF.");
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        assert_eq!(sanitize(b"").unwrap_err(), AttachmentError::Empty);
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(MAX_ATTACHMENT_BYTES + 1, b' ');
        let err = sanitize(&big).unwrap_err();
        assert_eq!(err, AttachmentError::TooLarge { bytes: MAX_ATTACHMENT_BYTES + 1 });
        assert!(err.message_vi().starts_with("Tệp lớn quá 8 MB."), "{}", err.message_vi());
    }

    #[test]
    fn truncated_images_are_damaged() {
        let png = encode(&sample_rgba(64, 64), ImageFormat::Png);
        for cut in [8, 20, 40, png.len() / 2, png.len() - 13] {
            assert_eq!(sanitize(&png[..cut]).unwrap_err(), AttachmentError::Damaged, "cut at {cut}");
        }
        assert_eq!(sanitize(&[0xFF, 0xD8, 0xFF]).unwrap_err(), AttachmentError::Damaged);
        assert_eq!(AttachmentError::Damaged.message_vi(), "Tệp bị hỏng, không đọc được.");
    }

    #[test]
    fn a_pdf_is_kept_as_it_is_and_a_cut_one_is_not() {
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
        let clean = sanitize(&pdf).unwrap();
        assert_eq!(clean.kind, AttachmentKind::Pdf);
        assert_eq!(clean.bytes, pdf);
        assert_eq!(clean.sha256, hex::encode(Sha256::digest(&pdf)));
        assert_eq!(sanitize(&pdf[..pdf.len() - 8]).unwrap_err(), AttachmentError::Damaged);
        // "%%EOF" far from the end (an appended payload) does not count.
        let mut padded = pdf.clone();
        padded.extend(std::iter::repeat_n(b'A', 2 * PDF_EOF_WINDOW));
        assert_eq!(sanitize(&padded).unwrap_err(), AttachmentError::Damaged);
    }

    #[test]
    fn kinds_name_their_mime_type_and_extension() {
        assert_eq!(AttachmentKind::Png.mime(), "image/png");
        assert_eq!(AttachmentKind::Jpeg.mime(), "image/jpeg");
        assert_eq!(AttachmentKind::Pdf.mime(), "application/pdf");
        assert_eq!(AttachmentKind::Jpeg.extension(), "jpg");
        assert!(AttachmentKind::Png.is_image() && !AttachmentKind::Pdf.is_image());
        let debug = format!("{:?}", sanitize(&encode(&sample_rgb(4, 4), ImageFormat::Png)).unwrap());
        assert!(debug.contains("len") && !debug.contains("bytes"), "{debug}");
    }

    #[test]
    fn file_names_lose_their_directories_and_tricks() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\x\\a.png"), "a.png");
        assert_eq!(safe_file_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(safe_file_name(".htaccess"), "htaccess");
        assert_eq!(safe_file_name(".."), "tep-dinh-kem");
        assert_eq!(safe_file_name(""), "tep-dinh-kem");
        assert_eq!(safe_file_name("dir/"), "tep-dinh-kem");
        assert_eq!(safe_file_name("a..b.png"), "a.b.png");
        assert_eq!(safe_file_name("anh\u{0}\n\u{1b}[31m.png"), "anh[31m.png");
        assert_eq!(safe_file_name("hoadon\u{202E}gpj.exe"), "hoadongpj.exe");
        assert_eq!(safe_file_name("\"a\";b<c>.png"), "a;bc.png");
        // Decomposed (macOS) Vietnamese comes out composed.
        assert_eq!(safe_file_name("A\u{0300}nh chu\u{0323}p.png"), "Ành chụp.png");
        assert_eq!(safe_file_name("Ảnh chụp màn hình 2026-11-02.png"), "Ảnh chụp màn hình 2026-11-02.png");
        let long = format!("{}.png", "ả".repeat(200));
        let cut = safe_file_name(&long);
        assert_eq!(cut.chars().count(), 80);
        assert!(cut.ends_with(".png"));
        assert_eq!(safe_file_name(&"x".repeat(100)).chars().count(), 80);
    }

    fn with_magic() -> impl Strategy<Value = Vec<u8>> {
        let magic = prop::sample::select(vec![
            PNG_SIGNATURE.to_vec(),
            JPEG_SIGNATURE.to_vec(),
            PDF_SIGNATURE.to_vec(),
            [PNG_SIGNATURE, &png_chunk(b"IHDR", &[0, 0, 0, 9, 0, 0, 0, 7, 8, 2, 0, 0, 0])].concat(),
            vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00],
        ]);
        (magic, prop::collection::vec(any::<u8>(), 0..600)).prop_map(|(m, rest)| [m, rest].concat())
    }

    fn accepted_image() -> impl Strategy<Value = (Vec<u8>, ImageFormat)> {
        (1u32..40, 1u32..40, any::<u64>(), prop::bool::ANY, prop::bool::ANY).prop_map(|(w, h, seed, jpeg, alpha)| {
            let pixel = |x: u32, y: u32| {
                let v = seed.rotate_left((x * 3 + y * 5) % 64) ^ u64::from(x * 31 + y * 17);
                v.to_le_bytes()
            };
            let image = if alpha && !jpeg {
                DynamicImage::ImageRgba8(RgbaImage::from_fn(w, h, |x, y| {
                    let p = pixel(x, y);
                    Rgba([p[0], p[1], p[2], p[3]])
                }))
            } else {
                DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| {
                    let p = pixel(x, y);
                    Rgb([p[0], p[1], p[2]])
                }))
            };
            let format = if jpeg { ImageFormat::Jpeg } else { ImageFormat::Png };
            (encode(&image, format), format)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn sanitize_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = sanitize(&bytes);
        }

        #[test]
        fn sanitize_never_panics_behind_a_magic(bytes in with_magic()) {
            match sanitize(&bytes) {
                Ok(clean) => prop_assert_eq!(Some(clean.kind), sniff(&clean.bytes)),
                Err(e) => prop_assert!(!e.message_vi().is_empty()),
            }
        }

        #[test]
        fn sanitizing_twice_gives_the_same_kind_and_size((bytes, format) in accepted_image()) {
            let once = sanitize(&bytes).unwrap();
            let expected = if format == ImageFormat::Jpeg { AttachmentKind::Jpeg } else { AttachmentKind::Png };
            prop_assert_eq!(once.kind, expected);
            let twice = sanitize(&once.bytes).unwrap();
            prop_assert_eq!(twice.kind, once.kind);
            prop_assert_eq!(dimensions(&twice.bytes), dimensions(&bytes));
            prop_assert_eq!(dimensions(&once.bytes), dimensions(&bytes));
            if format == ImageFormat::Png {
                prop_assert_eq!(&twice.bytes, &once.bytes, "PNG output is a fixed point");
            }
        }

        #[test]
        fn file_names_are_always_safe(name in "\\PC{0,120}|[./\\\\ \u{0}-\u{1f}\u{202e}a-zà-ỹ]{0,120}") {
            let safe = safe_file_name(&name);
            prop_assert!(!safe.is_empty());
            prop_assert!(safe.chars().count() <= MAX_NAME_CHARS, "{:?}", safe);
            prop_assert!(!safe.starts_with('.'), "{:?}", safe);
            prop_assert!(!safe.contains(['/', '\\']), "{:?}", safe);
            prop_assert!(!safe.contains(".."), "{:?}", safe);
            prop_assert!(!safe.chars().any(is_unsafe_name_char), "{:?}", safe);
            prop_assert_eq!(safe_file_name(&safe), safe.clone(), "idempotent");
        }
    }
}

//! The one reader of `multipart/form-data` uploads: every upload route
//! reads its form here. The body is bounded before multer parses it (the
//! router's body limit, [`MAX_BODY`]), and the parts read are counted
//! against the route's own bound as they stream in, so nothing larger than
//! that is ever held.

use axum::extract::Multipart;

use crate::error::WebError;
use crate::kit::form::Fields;

/// The largest body any route reads (an import file with its form).
pub const MAX_BODY: usize = 25 * 1024 * 1024;

/// A multipart form read whole: its text fields, and its files (parts with
/// a file name, or named `file` or `attachments`) in order.
pub struct Upload {
    pub fields: Fields,
    pub files: Vec<File>,
    /// A text field was not UTF-8 (kept with U+FFFD in `fields`).
    pub not_text: bool,
}

pub struct File {
    /// The form field it came in.
    pub field: String,
    /// The file name as the client sent it, if it sent one.
    pub name: Option<String>,
    pub bytes: Vec<u8>,
}

impl File {
    /// The file name without control characters, at most 120 characters;
    /// `absent` when none was sent.
    pub fn short_name(&self, absent: &str) -> String {
        self.name.as_deref().unwrap_or(absent).chars().filter(|c| !c.is_control()).take(120).collect()
    }
}

impl Upload {
    /// The last file sent under `field`.
    pub fn take_file(&mut self, field: &str) -> Option<File> {
        let i = self.files.iter().rposition(|f| f.field == field)?;
        Some(self.files.remove(i))
    }

    /// The files that are not empty, as (name, bytes).
    pub fn non_empty_files(self) -> Vec<(String, Vec<u8>)> {
        self.files.into_iter().filter(|f| !f.bytes.is_empty()).map(|f| (f.name.unwrap_or_default(), f.bytes)).collect()
    }
}

/// Why an upload could not be read; each kind of form tells it in its own words.
#[derive(Debug)]
pub enum UploadError {
    /// The multipart framing is broken (multer's reason).
    Broken(String),
    /// A part stopped before its end (a cut connection, or past [`MAX_BODY`]).
    Cut,
    /// The parts add up to more than the route's bound.
    TooLarge(usize),
}

impl UploadError {
    /// As the registry's upload forms (movement) say it.
    pub fn registry(self) -> WebError {
        match self {
            UploadError::Broken(e) => WebError::BadRequest(format!("Biểu mẫu lỗi: {e}")),
            UploadError::Cut | UploadError::TooLarge(_) => {
                WebError::BadRequest("Tệp quá lớn hoặc bị gián đoạn khi tải lên.".into())
            }
        }
    }

    /// As the public intake (reports, scam check, contests' question files) says it.
    pub fn intake(self) -> WebError {
        match self {
            UploadError::Broken(_) | UploadError::Cut => {
                WebError::BadRequest("Không đọc được nội dung gửi lên.".into())
            }
            UploadError::TooLarge(max) => {
                WebError::TooLarge(format!("Tổng dung lượng gửi lên vượt quá {} MB.", max / 1024 / 1024))
            }
        }
    }
}

/// A refusal of a request that is not a multipart form: "`what` phải gửi
/// dạng multipart/form-data." (415).
pub fn not_multipart(what: &str) -> WebError {
    WebError::Unsupported(format!("{what} phải gửi dạng multipart/form-data."))
}

/// The most the public intake takes in one upload (a report's files, a QR
/// photo, a feed, a contest's question file).
pub const MAX_INTAKE_BYTES: usize = 20 * 1024 * 1024;

/// Reads an upload of the public intake: text fields must be UTF-8, and the
/// parts add up to at most [`MAX_INTAKE_BYTES`].
pub async fn read_intake(mp: Multipart) -> Result<Upload, WebError> {
    let upload = read(mp, MAX_INTAKE_BYTES).await.map_err(UploadError::intake)?;
    if upload.not_text {
        return Err(WebError::BadRequest("Nội dung phải là văn bản UTF-8.".into()));
    }
    Ok(upload)
}

/// Reads every part, refusing past `max_bytes` of content in all.
pub async fn read(mut mp: Multipart, max_bytes: usize) -> Result<Upload, UploadError> {
    let mut upload = Upload { fields: Fields::default(), files: Vec::new(), not_text: false };
    let mut total = 0usize;
    while let Some(mut part) = mp.next_field().await.map_err(|e| UploadError::Broken(e.to_string()))? {
        let field = part.name().unwrap_or("").to_string();
        let file_name = part.file_name().map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = part.chunk().await.map_err(|_| UploadError::Cut)? {
            total += chunk.len();
            if total > max_bytes {
                return Err(UploadError::TooLarge(max_bytes));
            }
            bytes.extend_from_slice(&chunk);
        }
        if file_name.is_some() || field == "file" || field == "attachments" {
            upload.files.push(File { field, name: file_name, bytes });
            continue;
        }
        let value = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                upload.not_text = true;
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        upload.fields.0.push((field, value));
    }
    Ok(upload)
}

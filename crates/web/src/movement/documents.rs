//! Plans and thematic resolutions (targets 2.1, 2.2) with their attached
//! files. An attachment is accepted by what its bytes are (PDF, DOCX, JPEG,
//! PNG), never by its name alone, and is served back only as a download.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use khienmang_store::movement::{DocumentInput, DocumentKind};

use super::{
    bad, can_write, read_upload, required_day, required_year, scope_units, see_other, this_year, unit_in_scope,
    unit_options, year_options,
};
use crate::access::{Granted, Identity, MovementRead, MovementWrite, RequestLang};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::i18n::date_vi;
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused};
use crate::org::today;
use crate::page::{Chrome, Page, render};

/// The largest attachment accepted.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of attachment accepted: extension, content type, and a check of the bytes.
const FILE_KINDS: [(&str, &str); 5] = [
    ("pdf", "application/pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
];

/// What the bytes are, whatever the file is called.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"PK\x03\x04") && contains(bytes, b"word/") {
        // A Word document is a ZIP archive whose entries live under "word/".
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    } else {
        None
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The attachment's content type, when its name and its bytes agree on an accepted kind.
pub fn check_attachment(name: &str, bytes: &[u8]) -> WebResult<&'static str> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(bad("Tệp đính kèm lớn hơn 10 MB. Hãy nén hoặc chia nhỏ tệp."));
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let named = FILE_KINDS.iter().find(|(e, _)| *e == ext).map(|(_, t)| *t).ok_or_else(|| {
        WebError::BadRequest(format!("Tệp «{name}» không được nhận: chỉ nhận tệp PDF, DOCX, JPG hoặc PNG."))
    })?;
    match sniff(bytes) {
        Some(actual) if actual == named => Ok(actual),
        _ => Err(WebError::BadRequest(format!(
            "Nội dung tệp «{name}» không phải là tệp .{ext} thật (có thể đã bị đổi đuôi). Hãy đính kèm đúng tệp PDF, DOCX, JPG hoặc PNG."
        ))),
    }
}

pub struct DocumentRow {
    pub id: i64,
    pub kind: &'static str,
    pub number: String,
    pub title: String,
    pub unit_name: String,
    pub on: String,
    pub year: i32,
    pub file_name: Option<String>,
}

#[derive(Template)]
#[template(path = "movement/documents.html")]
struct DocumentsPage {
    chrome: Chrome,
    can_write: bool,
    voided: bool,
    documents: Vec<DocumentRow>,
    units: Vec<Opt>,
    kinds: Vec<Opt>,
    years: Vec<Opt>,
    today: String,
    form: Refusal,
}

async fn documents_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    voided: bool,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let here = g.home(today()).await?;
    let documents = here
        .documents()
        .await?
        .into_iter()
        .map(|d| DocumentRow {
            id: d.id,
            kind: Tr { lang: lang.0 }.label(&d.kind),
            number: d.number,
            title: d.title,
            unit_name: d.unit_name,
            on: date_vi(d.issued_on),
            year: d.year,
            file_name: d.file_name,
        })
        .collect();
    let can_write = can_write(id);
    let units = if can_write { unit_options(&scope_units(g).await?, None, entered.get("unit")) } else { Vec::new() };
    let kinds = [DocumentKind::Plan, DocumentKind::Resolution]
        .iter()
        .map(|k| Opt::new(k.as_str(), Tr { lang: lang.0 }.label(k), entered.get("kind")))
        .collect();
    let year = entered.get("year").parse().unwrap_or_else(|_| this_year());
    render(&DocumentsPage {
        chrome: Chrome::new(lang, id, "movement"),
        can_write,
        voided,
        documents,
        units,
        kinds,
        years: year_options(year),
        today: today().to_string(),
        form: Refusal { error, entered },
    })
}

/// `?voided=1` after a record was voided (`?saved=1` after one was
/// added): the list says so.
#[derive(serde::Deserialize, Default)]
pub struct AfterVoid {
    #[serde(default)]
    voided: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

impl AfterVoid {
    pub fn shown(&self) -> bool {
        self.voided.is_some()
    }

    pub fn saved(&self) -> bool {
        self.saved.is_some()
    }
}

pub async fn documents_list(
    Page { lang, id }: Page,
    m: MovementRead,
    axum::extract::Query(q): axum::extract::Query<AfterVoid>,
) -> WebResult<Html<String>> {
    documents_page(lang, id.as_ref(), &m.0, q.shown(), None, Fields::default()).await
}

pub async fn document_submit(
    Page { lang, id }: Page,
    m: MovementWrite,
    form: Result<Multipart, MultipartRejection>,
) -> WebResult<Response> {
    let g = &m.0;
    let mut entered = Fields::default();
    let result = async {
        let upload = read_upload(form).await?;
        entered = Fields(upload.fields.0.clone());
        let f = &upload.fields;
        let unit = unit_in_scope(g, f.get("unit")).await?;
        let kind = DocumentKind::parse(f.get("kind")).ok_or_else(|| bad("Hãy chọn loại văn bản."))?;
        let file = if upload.file.is_empty() && upload.file_name.is_empty() {
            None
        } else {
            let content_type = check_attachment(&upload.file_name, &upload.file)?;
            Some((upload.file_name.clone(), content_type.to_string(), upload.file))
        };
        let input = DocumentInput {
            unit,
            kind,
            number: f.get("number").to_string(),
            title: f.get("title").to_string(),
            issued_on: required_day(f.get("issued_on"), "ngày ban hành")?,
            year: required_year(f.get("year"), "năm của kế hoạch")?,
            file,
        };
        let mut tx = g.write_for(unit).await?;
        tx.add_document(&input).await?;
        tx.commit().await?;
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(see_other("/movement/documents".into())),
        Err(e) => {
            let error = FormError::of("new", e)?;
            Ok(refused(documents_page(lang, id.as_ref(), g, false, Some(error), entered).await?))
        }
    }
}

/// `filename="..."` in ASCII for old browsers, `filename*` with the real name.
fn disposition(name: &str) -> String {
    let ascii: String = khienmang_core::text::fold(name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The attached file, as a download, only inside the scope.
pub async fn document_file(m: MovementRead, Path(did): Path<i64>) -> WebResult<Response> {
    let (name, stored_type, bytes) = m.0.document_file(did).await?;
    // Only the types accepted on upload are ever named; anything else is plain bytes.
    let content_type =
        FILE_KINDS.iter().map(|(_, t)| *t).find(|t| *t == stored_type).unwrap_or("application/octet-stream");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition(&name)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn attachments_are_judged_by_their_bytes() {
        assert_eq!(check_attachment("ke-hoach.pdf", b"%PDF-1.7\n...").unwrap(), "application/pdf");
        assert_eq!(check_attachment("anh.PNG", b"\x89PNG\r\n\x1a\n....").unwrap(), "image/png");
        assert_eq!(check_attachment("anh.jpeg", b"\xFF\xD8\xFF\xE0..").unwrap(), "image/jpeg");
        assert!(check_attachment("nghi-quyet.docx", b"PK\x03\x04....word/document.xml").is_ok());
        // Text renamed to .pdf, a PNG named .pdf, a plain ZIP named .docx, a script.
        assert!(check_attachment("gia.pdf", b"xin chao, day khong phai PDF").is_err());
        assert!(check_attachment("gia.pdf", b"\x89PNG\r\n\x1a\n....").is_err());
        assert!(check_attachment("gia.docx", b"PK\x03\x04 other/entries").is_err());
        assert!(check_attachment("x.html", b"<script>").is_err());
        assert!(check_attachment("to.pdf", &vec![b'%'; MAX_DOCUMENT_BYTES + 1]).is_err());
    }

    #[test]
    fn download_names_are_safe() {
        let d = disposition("Kế hoạch \"số 1\".pdf");
        assert!(d.starts_with("attachment; filename=\"ke_hoach__so_1_.pdf\"; filename*=UTF-8''"), "{d}");
        assert!(!d.contains('\n'));
    }
}

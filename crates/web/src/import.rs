//! Import pages: templates to download, a dry run that reports every bad row
//! with its line, then a confirmed import of all rows or only the valid ones.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use khienmang_core::import::{ImportError, RowError, TemplateKind, parse_rows, template_xlsx};
use khienmang_store::import::RowCheck;
use rand::RngCore;
use serde::Deserialize;

use crate::AppState;
use crate::access::{Authenticated, OrgWrite, RequestLang};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::Form;
use crate::kit::upload::{self, UploadError};
use crate::offload::read_upload_table;
use crate::org::{parse_day, today};
use crate::page::{Chrome, Page, render};

pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
}

fn kinds() -> Vec<KindOption> {
    TemplateKind::ALL.iter().map(|k| KindOption { value: k.as_str(), label: k.label_vi() }).collect()
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    kinds: Vec<KindOption>,
    today: String,
    error: Option<String>,
}

pub async fn import_page(Page { lang, id }: Page, _org: OrgWrite) -> WebResult<Html<String>> {
    let chrome = Chrome::new(lang, id.as_ref(), "import");
    render(&ImportPage { chrome, kinds: kinds(), today: today().to_string(), error: None })
}

#[derive(Template)]
#[template(path = "import_report.html")]
struct ReportPage {
    chrome: Chrome,
    batch: String,
    kind_label: String,
    filename: String,
    effective: String,
    valid_rows: usize,
    errors: Vec<RowError>,
    imported: Option<usize>,
}

/// Reads and checks a file; bad files become a user-facing message.
async fn check(
    state: &AppState,
    org: &OrgWrite,
    kind: TemplateKind,
    bytes: impl AsRef<[u8]> + Send + 'static,
    effective: &str,
) -> WebResult<Result<RowCheck, String>> {
    let on = if effective.trim().is_empty() { today() } else { parse_day(effective)? };
    let table = match read_upload_table(state, bytes, kind.columns()).await? {
        Ok(t) => t,
        Err(e) => return Ok(Err(e.message_vi())),
    };
    let parsed = parse_rows(kind, &table);
    Ok(Ok(org.check_rows(kind, parsed, on).await?))
}

fn batch_id() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub async fn dry_run(
    State(state): State<AppState>,
    lang: RequestLang,
    Authenticated(id): Authenticated,
    org: OrgWrite,
    form: Multipart,
) -> WebResult<Response> {
    let mut upload = upload::read(form, upload::MAX_BODY).await.map_err(|e| match e {
        UploadError::Broken(e) => WebError::BadRequest(format!("Biểu mẫu lỗi: {e}")),
        UploadError::Cut | UploadError::TooLarge(_) => {
            WebError::BadRequest(ImportError::TooLarge { limit: khienmang_core::import::MAX_IMPORT_BYTES }.message_vi())
        }
    })?;
    let last = |name: &str| upload.fields.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let kind = last("kind").and_then(|k| TemplateKind::parse(&k));
    let effective = last("effective").unwrap_or_default();
    let upload_file = upload.take_file("file");
    let filename = upload_file.as_ref().map(|f| f.short_name("tep")).unwrap_or_default();
    let file = upload_file.map(|f| Bytes::from(f.bytes));
    let chrome = Chrome::new(lang, Some(&id), "import");
    let kind = kind.ok_or_else(|| WebError::BadRequest("Hãy chọn loại dữ liệu.".into()))?;
    let bytes = file.filter(|f| !f.is_empty()).ok_or_else(|| WebError::BadRequest("Hãy chọn tệp cần nhập.".into()))?;
    let result = match check(&state, &org, kind, bytes.clone(), &effective).await? {
        Ok(r) => r,
        Err(message) => {
            let page = ImportPage { chrome, kinds: kinds(), today: today().to_string(), error: Some(message) };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let batch = batch_id();
    org.stage_import(&batch, kind.as_str(), &filename, &bytes, result.errors.len()).await?;
    let page = ReportPage {
        chrome,
        batch,
        kind_label: Tr { lang: lang.0 }.label(&kind).to_string(),
        filename,
        effective,
        valid_rows: result.valid.len(),
        errors: result.errors,
        imported: None,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct CommitForm {
    /// `all` (refused if any row is bad) or `valid` (only the valid rows).
    mode: String,
    #[serde(default)]
    effective: String,
}

pub async fn commit(
    State(state): State<AppState>,
    lang: RequestLang,
    Authenticated(id): Authenticated,
    org: OrgWrite,
    Path(batch): Path<String>,
    Form(form): Form<CommitForm>,
) -> WebResult<Response> {
    let staged = org.staged_import(&batch).await?;
    let kind = TemplateKind::parse(&staged.kind).ok_or(WebError::NotFound)?;
    // Check again: the tree may have changed since the dry run.
    let result = check(&state, &org, kind, staged.content, &form.effective).await?.map_err(WebError::BadRequest)?;
    let chrome = Chrome::new(lang, Some(&id), "import");
    // "Import all" is refused while any row is bad; nothing is written then.
    let refused = form.mode != "valid" && !result.errors.is_empty();
    let imported = if refused { None } else { Some(org.import_rows(kind, &result.valid, &staged.filename).await?) };
    if imported.is_some() {
        org.drop_staged(&batch).await?;
    }
    let page = ReportPage {
        chrome,
        batch,
        kind_label: Tr { lang: lang.0 }.label(&kind).to_string(),
        filename: staged.filename,
        effective: form.effective,
        valid_rows: result.valid.len(),
        errors: result.errors,
        imported,
    };
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)?).into_response())
}

/// The XLSX template for a kind, e.g. `/import/templates/villages.xlsx`.
pub async fn template(_org: OrgWrite, Path(file): Path<String>) -> WebResult<Response> {
    let kind = file.strip_suffix(".xlsx").and_then(TemplateKind::parse).ok_or(WebError::NotFound)?;
    let bytes = template_xlsx(kind).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"mau-{}.xlsx\"", kind.as_str())),
        ],
        bytes,
    )
        .into_response())
}

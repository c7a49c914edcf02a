//! Onboarding many accounts at once (the communes and agencies of a
//! province joining) from an XLSX list, as other imports do: the template to
//! download, a dry run that shows every row's outcome with its refusal
//! beside it and writes nothing, then the confirmation that creates every
//! account or none. Each account gets a temporary password, to be changed at
//! its first sign-in; the passwords are shown once, on the printable sheet of
//! first-login instructions the confirmation answers with (audited), and
//! never stored or shown again.
//!
//! The same rules as one account: never a role above the administrator's,
//! system administrators only from a system administrator, units within the
//! administrator's subtree today ([`UserAdmin`]). The file is bounded before
//! it is parsed: its size here, its cells and unpacked size by the reader.

use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use khienmang_core::import::{
    ACCOUNT_COLUMNS, ImportError, MAX_ONBOARDING_BYTES, MAX_ONBOARDING_ROWS, accounts_template_xlsx, parse_accounts,
};
use khienmang_core::org::UnitId;
use rand::RngCore;

use super::new_temporary_password;
use crate::AppState;
use crate::access::{NewAccount, ONBOARDING_KIND, UserAdmin};
use crate::auth::hash_blocking;
use crate::error::{WebError, WebResult};
use crate::kit::form::Fields;
use crate::kit::upload::{self, UploadError};
use crate::offload::read_upload_table;
use crate::page::{Chrome, Page, render};

/// One row of the list as the preview shows it: what was written, the
/// unit found, and why the row is refused (none: it will be created).
pub struct PreviewRow {
    pub line: usize,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit: String,
    pub refusal: Option<String>,
}

/// A row that passed every check, ready to be created.
struct Ready {
    username: String,
    display_name: String,
    role: khienmang_core::auth::Role,
    unit: UnitId,
    unit_name: String,
}

/// A checked list: every row for the preview, and those to create.
struct Checked {
    rows: Vec<PreviewRow>,
    ready: Vec<Ready>,
}

impl Checked {
    fn refused(&self) -> usize {
        self.rows.iter().filter(|r| r.refusal.is_some()).count()
    }
}

/// Reads and checks a list against the tree, the rules and the accounts
/// that exist; writes nothing. A file that cannot be read is the inner error.
async fn check(state: &AppState, admin: &UserAdmin, bytes: Bytes) -> WebResult<Result<Checked, String>> {
    // Bounded before parsing: an onboarding list is small.
    if bytes.len() > MAX_ONBOARDING_BYTES {
        return Ok(Err(ImportError::TooLarge { limit: MAX_ONBOARDING_BYTES }.message_vi()));
    }
    let table = match read_upload_table(state, bytes, ACCOUNT_COLUMNS).await? {
        Ok(t) => t,
        Err(e) => return Ok(Err(e.message_vi())),
    };
    if table.rows.len() > MAX_ONBOARDING_ROWS {
        return Ok(Err(format!(
            "Tệp có {} dòng: mỗi lần chỉ tạo tối đa {MAX_ONBOARDING_ROWS} tài khoản. Hãy chia danh sách thành nhiều \
             tệp nhỏ hơn rồi nhập lần lượt.",
            table.rows.len()
        )));
    }
    let parsed = parse_accounts(&table);
    // What each refused row had written, to show it beside the reason.
    let cell = |line: usize, i: usize| -> String {
        table.rows.iter().find(|r| r.line == line).and_then(|r| r.cells.get(i)).cloned().unwrap_or_default()
    };
    let mut rows = Vec::new();
    for e in &parsed.errors {
        let reason = match &e.column {
            Some(c) => format!("{c}: {}", e.message_vi),
            None => e.message_vi.clone(),
        };
        // A row with several problems shows them all, in one cell.
        match rows.iter().position(|r: &PreviewRow| r.line == e.line) {
            Some(i) => {
                let joined = format!("{} {reason}", rows[i].refusal.take().unwrap_or_default());
                rows[i].refusal = Some(joined);
            }
            None => rows.push(PreviewRow {
                line: e.line,
                username: cell(e.line, 0),
                display_name: cell(e.line, 1),
                role: cell(e.line, 2),
                unit: [cell(e.line, 3), cell(e.line, 4), cell(e.line, 5)]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                refusal: Some(reason),
            }),
        }
    }
    let mut finder = admin.unit_finder().await?;
    let mut ready = Vec::new();
    for r in parsed.records {
        let mut row = PreviewRow {
            line: r.line,
            username: r.username.clone(),
            display_name: r.display_name.clone(),
            role: r.role.label_vi().to_string(),
            unit: r.unit.shown(),
            refusal: None,
        };
        match admin.find_unit(&mut finder, &r.unit).await? {
            Err(why) => row.refusal = Some(why),
            Ok((unit, unit_name)) => {
                row.unit = unit_name.clone();
                row.refusal = admin.refuse_row(&r.username, r.role, unit).await?;
                if row.refusal.is_none() {
                    ready.push(Ready {
                        username: r.username,
                        display_name: r.display_name,
                        role: r.role,
                        unit,
                        unit_name,
                    });
                }
            }
        }
        rows.push(row);
    }
    rows.sort_by_key(|r| r.line);
    Ok(Ok(Checked { rows, ready }))
}

#[derive(Template)]
#[template(path = "users/onboarding.html")]
struct UploadPage {
    chrome: Chrome,
    error: Option<String>,
    max_rows: usize,
}

fn upload_page(chrome: Chrome, error: Option<String>) -> WebResult<Response> {
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&UploadPage { chrome, error, max_rows: MAX_ONBOARDING_ROWS })?).into_response())
}

/// `GET /users/onboarding`: the template and the upload form.
pub async fn page(Page { lang, id }: Page, _admin: UserAdmin) -> WebResult<Response> {
    upload_page(Chrome::new(lang, id.as_ref(), "users"), None)
}

/// `GET /users/onboarding/template.xlsx`: the columns, an example row, and
/// the roles this administrator may give as a drop-down.
pub async fn template(admin: UserAdmin) -> WebResult<Response> {
    let bytes = accounts_template_xlsx(&admin.role.grantable()).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"mau-tao-tai-khoan.xlsx\"".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "users/onboarding_report.html")]
struct ReportPage {
    chrome: Chrome,
    batch: String,
    filename: String,
    rows: Vec<PreviewRow>,
    ready: usize,
    refused: usize,
}

fn batch_id() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// `POST /users/onboarding`: the dry run. Every row with its outcome;
/// nothing is written but the staged file for the confirmation.
pub async fn dry_run(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    admin: UserAdmin,
    form: Result<Multipart, MultipartRejection>,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "users");
    let Ok(form) = form else {
        return upload_page(chrome, Some("Hãy chọn tệp danh sách tài khoản rồi gửi lại.".into()));
    };
    // The parts are counted as they stream in: nothing past the bound is held.
    let mut upload = match upload::read(form, MAX_ONBOARDING_BYTES + 64 * 1024).await {
        Ok(u) => u,
        Err(UploadError::Broken(_)) => {
            return upload_page(chrome, Some("Biểu mẫu tải tệp không hợp lệ; hãy chọn tệp rồi gửi lại.".into()));
        }
        Err(UploadError::Cut | UploadError::TooLarge(_)) => {
            let message = ImportError::TooLarge { limit: MAX_ONBOARDING_BYTES }.message_vi();
            return upload_page(chrome, Some(message));
        }
    };
    let Some(file) = upload.take_file("file").filter(|f| !f.bytes.is_empty()) else {
        return upload_page(chrome, Some("Hãy chọn tệp danh sách tài khoản cần tạo.".into()));
    };
    let filename = file.short_name("danh-sach");
    let bytes = Bytes::from(file.bytes);
    let checked = match check(&state, &admin, bytes.clone()).await? {
        Ok(c) => c,
        Err(message) => return upload_page(chrome, Some(message)),
    };
    let batch = batch_id();
    admin.stage(&batch, ONBOARDING_KIND, &filename, &bytes, checked.refused()).await?;
    let page = ReportPage {
        chrome,
        batch,
        filename,
        ready: checked.ready.len(),
        refused: checked.refused(),
        rows: checked.rows,
    };
    Ok(render(&page)?.into_response())
}

/// One block of the printable sheet.
pub struct SheetEntry {
    pub unit: String,
    pub display_name: String,
    pub username: String,
    pub password: String,
    /// The account must enrol a second factor after changing its password.
    pub second_factor: bool,
}

#[derive(Template)]
#[template(path = "users/onboarding_sheet.html")]
struct SheetPage {
    chrome: Chrome,
    login_url: String,
    entries: Vec<SheetEntry>,
}

/// `POST /users/onboarding/{batch}/commit`: checks the list again (the tree
/// or the accounts may have changed), creates every account or none, and
/// answers with the printable sheet: the only time the passwords are shown.
pub async fn commit(
    State(state): State<AppState>,
    Page { lang, id }: Page,
    admin: UserAdmin,
    Path(batch): Path<String>,
    _fields: Fields,
) -> WebResult<Response> {
    let chrome = Chrome::new(lang, id.as_ref(), "users");
    let staged = admin.staged_list(&batch).await?;
    let checked = check(&state, &admin, Bytes::from(staged.content)).await?.map_err(WebError::BadRequest)?;
    if checked.refused() > 0 || checked.ready.is_empty() {
        let page = ReportPage {
            chrome,
            batch,
            filename: staged.filename,
            ready: checked.ready.len(),
            refused: checked.refused(),
            rows: checked.rows,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let mut passwords = Vec::with_capacity(checked.ready.len());
    let mut hashes = Vec::with_capacity(checked.ready.len());
    for _ in &checked.ready {
        let password = new_temporary_password();
        hashes.push(hash_blocking(password.clone()).await?);
        passwords.push(password);
    }
    let accounts: Vec<NewAccount> = checked
        .ready
        .iter()
        .zip(&hashes)
        .map(|(r, hash)| NewAccount {
            username: &r.username,
            display_name: &r.display_name,
            role: r.role,
            scope: Some(r.unit),
            password_hash: hash,
        })
        .collect();
    admin.onboard(&accounts, &staged.filename).await?;
    admin.drop_list(&batch).await?;
    let entries = checked
        .ready
        .into_iter()
        .zip(passwords)
        .map(|(r, password)| SheetEntry {
            second_factor: state.config.require_totp && r.role.requires_second_factor(),
            unit: r.unit_name,
            display_name: r.display_name,
            username: r.username,
            password,
        })
        .collect();
    let page = SheetPage { chrome, login_url: format!("{}/login", state.site_url()), entries };
    // Shown once: no cache may keep the passwords.
    Ok(([(header::CACHE_CONTROL, "no-store")], render(&page)?).into_response())
}

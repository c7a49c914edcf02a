//! Uploads of an initiative's members and of people with a role: a dry run
//! that names every bad row by its spreadsheet line and writes nothing, then
//! the confirmed import of all rows or only the valid ones, as for units.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use khienmang_core::Date;
use khienmang_core::import::{Column, RowError};
use khienmang_core::movement::{MEMBER_COLUMNS, PEOPLE_COLUMNS, parse_members, parse_people};
use khienmang_core::org::{Level, UnitId};
use khienmang_core::text::fold;
use khienmang_store::movement::{Initiative, NewMember, PersonInput};
use rand::RngCore;

use super::initiatives::{load, refused_upload};
use super::people::refused_people_upload;
use super::read_upload;
use crate::AppState;
use crate::access::{Authenticated, Granted, MovementWrite, RequestLang};
use crate::error::{WebError, WebResult};
use crate::i18n::date_vi;
use crate::kit::form::Fields;
use crate::offload::read_upload_table;
use crate::org::today;
use crate::page::{Chrome, render};

#[derive(Template)]
#[template(path = "movement/import_report.html")]
struct ReportPage {
    chrome: Chrome,
    title: String,
    filename: String,
    commit_action: String,
    back_href: String,
    valid_rows: usize,
    households: Option<usize>,
    errors: Vec<RowError>,
    imported: Option<usize>,
}

/// The rows of a checked file: those to write, and every problem by line.
struct Checked<T> {
    valid: Vec<T>,
    errors: Vec<RowError>,
    households: Option<usize>,
}

fn batch_id() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn heading(columns: &[Column], key: &str) -> Option<String> {
    columns.iter().find(|c| c.key == key).map(|c| c.header_vi.to_string())
}

/// A code resolved to a unit of the scope (id and name), or why not (Vietnamese, English).
type Resolved = Result<(UnitId, String), (String, String)>;

/// A code from a file, resolved to a unit of the scope on `on`.
async fn resolve(g: &Granted, code: &str, on: Date, village: bool) -> WebResult<Resolved> {
    let found: Vec<_> = g
        .units_by_code_scoped(code, on)
        .await?
        .into_iter()
        .filter(|(v, _)| !village || v.level == Level::Village)
        .collect();
    let (what_vi, what_en) = if village { ("thôn, tổ dân phố", "village") } else { ("đơn vị", "unit") };
    if found.is_empty() {
        return Ok(Err((
            format!(
                "Không có {what_vi} mã «{code}» trong danh mục ngày {}. Hãy ghi mã như trong danh mục đơn vị của hệ thống.",
                date_vi(on)
            ),
            format!(
                "There is no {what_en} with code \"{code}\" on {on}. Use the code from the system's list of units."
            ),
        )));
    }
    for (v, inside) in &found {
        if *inside {
            // The code beside the name: several villages may share the name.
            let name = if village { format!("{} ({code})", v.name) } else { v.name.clone() };
            return Ok(Ok((v.unit_id, name)));
        }
    }
    Ok(Err((
        format!("{} mã «{code}» không thuộc phạm vi quản lý của bạn.", capitalise(what_vi)),
        format!("The {what_en} with code \"{code}\" is outside your scope."),
    )))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// Checks a member list against the tree, the scope and the members already
/// listed; writes nothing. A file that cannot be read becomes a message.
async fn check_members(
    state: &AppState,
    g: &Granted,
    ini: &Initiative,
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> WebResult<Result<Checked<NewMember>, String>> {
    let table = match read_upload_table(state, bytes, MEMBER_COLUMNS).await? {
        Ok(t) => t,
        Err(e) => return Ok(Err(e.message_vi())),
    };
    let parsed = parse_members(&table);
    let mut errors = parsed.errors;
    let on = today();
    let code_column = heading(MEMBER_COLUMNS, "village_code");
    let name_column = heading(MEMBER_COLUMNS, "full_name");
    // Someone already listed in the same village is not listed twice.
    let listed: HashSet<(UnitId, String)> =
        g.of_initiative(ini).members().await?.into_iter().map(|m| (m.village_id, fold(&m.full_name))).collect();
    let mut villages: HashMap<String, Resolved> = HashMap::new();
    let mut households = HashSet::new();
    let mut valid = Vec::new();
    for r in parsed.records {
        if !villages.contains_key(&r.village_code) {
            let resolved = resolve(g, &r.village_code, on, true).await?;
            villages.insert(r.village_code.clone(), resolved);
        }
        match villages.get(&r.village_code) {
            Some(Ok((village, village_name))) => {
                if listed.contains(&(*village, fold(&r.full_name))) {
                    errors.push(RowError {
                        line: r.line,
                        column: name_column.clone(),
                        message_vi: format!(
                            "«{}» ở {village_name} đã có trong danh sách thành viên của mô hình. Hãy xóa dòng này.",
                            r.full_name
                        ),
                        message_en: format!(
                            "\"{}\" of {village_name} is already a listed member of this initiative. Delete this row.",
                            r.full_name
                        ),
                    });
                    continue;
                }
                households.insert((*village, r.household));
                valid.push(NewMember {
                    village: *village,
                    full_name: r.full_name,
                    household: r.household,
                    joined_year: r.joined_year,
                    left_year: r.left_year,
                });
            }
            Some(Err((vi, en))) => errors.push(RowError {
                line: r.line,
                column: code_column.clone(),
                message_vi: vi.clone(),
                message_en: en.clone(),
            }),
            None => {}
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(Ok(Checked { valid, errors, households: Some(households.len()) }))
}

/// Checks a people list against the tree, the scope and the people already
/// registered; writes nothing.
async fn check_people(
    state: &AppState,
    g: &Granted,
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> WebResult<Result<Checked<PersonInput>, String>> {
    let table = match read_upload_table(state, bytes, PEOPLE_COLUMNS).await? {
        Ok(t) => t,
        Err(e) => return Ok(Err(e.message_vi())),
    };
    let parsed = parse_people(&table);
    let mut errors = parsed.errors;
    let on = today();
    let here = g.home(on).await?;
    let code_column = heading(PEOPLE_COLUMNS, "unit_code");
    let name_column = heading(PEOPLE_COLUMNS, "full_name");
    let registered: HashSet<(UnitId, String, &str)> =
        here.people(None).await?.into_iter().map(|p| (p.unit_id, fold(&p.full_name), p.role.as_str())).collect();
    let mut units: HashMap<String, Resolved> = HashMap::new();
    let mut valid = Vec::new();
    for r in parsed.records {
        if !units.contains_key(&r.unit_code) {
            let resolved = resolve(g, &r.unit_code, on, false).await?;
            units.insert(r.unit_code.clone(), resolved);
        }
        match units.get(&r.unit_code) {
            Some(Ok((unit, unit_name))) => {
                if registered.contains(&(*unit, fold(&r.full_name), r.role.as_str())) {
                    errors.push(RowError {
                        line: r.line,
                        column: name_column.clone(),
                        message_vi: format!(
                            "«{}» đã có trong danh sách của {unit_name} với vai trò «{}». Hãy xóa dòng này.",
                            r.full_name,
                            r.role.label_vi()
                        ),
                        message_en: format!(
                            "\"{}\" is already registered with {unit_name} as {}. Delete this row.",
                            r.full_name,
                            r.role.as_str()
                        ),
                    });
                    continue;
                }
                valid.push(PersonInput {
                    unit: *unit,
                    full_name: r.full_name,
                    role: r.role,
                    position: r.position,
                    initiative: None,
                    registered_from: r.year,
                    registered_to: None,
                });
            }
            Some(Err((vi, en))) => errors.push(RowError {
                line: r.line,
                column: code_column.clone(),
                message_vi: vi.clone(),
                message_en: en.clone(),
            }),
            None => {}
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(Ok(Checked { valid, errors, households: None }))
}

fn members_title(ini: &Initiative) -> String {
    format!("Danh sách thành viên: {}", ini.name)
}

/// The dry run of a member list: the report, nothing written.
pub async fn members_dry_run(
    State(state): State<AppState>,
    lang: RequestLang,
    Authenticated(id): Authenticated,
    m: MovementWrite,
    Path(iid): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> WebResult<Response> {
    let g = &m.0;
    let ini = load(g, iid).await?;
    let upload = match read_upload(form).await {
        Ok(u) if !u.file.is_empty() => u,
        Ok(_) => return refused_upload(lang, Some(&id), g, ini, "Hãy chọn tệp cần nhập.".into()).await,
        Err(WebError::BadRequest(message)) => return refused_upload(lang, Some(&id), g, ini, message).await,
        Err(e) => return Err(e),
    };
    let file = Bytes::from(upload.file);
    let checked = match check_members(&state, g, &ini, file.clone()).await? {
        Ok(c) => c,
        Err(message) => return refused_upload(lang, Some(&id), g, ini, message).await,
    };
    let batch = batch_id();
    g.stage_upload(&batch, &format!("members:{}", ini.id), &upload.file_name, &file, checked.errors.len()).await?;
    let page = ReportPage {
        chrome: Chrome::new(lang, Some(&id), "movement"),
        title: members_title(&ini),
        filename: upload.file_name,
        commit_action: format!("/movement/initiatives/{}/members/import/{batch}/commit", ini.id),
        back_href: format!("/movement/initiatives/{}#villages", ini.id),
        valid_rows: checked.valid.len(),
        households: checked.households,
        errors: checked.errors,
        imported: None,
    };
    Ok(render(&page)?.into_response())
}

/// "Import all" (refused while any row is bad) or "only the valid rows".
fn wants_all(fields: &Fields) -> bool {
    fields.get("mode") != "valid"
}

pub async fn members_commit(
    State(state): State<AppState>,
    lang: RequestLang,
    Authenticated(id): Authenticated,
    m: MovementWrite,
    Path((iid, batch)): Path<(i64, String)>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let ini = load(g, iid).await?;
    let staged = g.staged_upload(&batch).await?;
    if staged.kind != format!("members:{}", ini.id) {
        return Err(WebError::NotFound);
    }
    // Checked again: the tree or the list may have changed since the dry run.
    let checked = check_members(&state, g, &ini, staged.content).await?.map_err(WebError::BadRequest)?;
    let refused = wants_all(&fields) && !checked.errors.is_empty();
    let imported = if refused || checked.valid.is_empty() {
        None
    } else {
        let mut tx = g.write_for_initiative(&ini).await?;
        let n = tx.add_members(ini.id, &checked.valid).await?;
        tx.commit().await?;
        g.drop_upload(&batch).await?;
        Some(n)
    };
    let page = ReportPage {
        chrome: Chrome::new(lang, Some(&id), "movement"),
        title: members_title(&ini),
        filename: staged.filename,
        commit_action: format!("/movement/initiatives/{}/members/import/{batch}/commit", ini.id),
        back_href: format!("/movement/initiatives/{}#villages", ini.id),
        valid_rows: checked.valid.len(),
        households: checked.households,
        errors: checked.errors,
        imported,
    };
    let status = if imported.is_some() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(&page)?).into_response())
}

const PEOPLE_TITLE: &str = "Danh sách người theo vai trò";

pub async fn people_dry_run(
    State(state): State<AppState>,
    lang: RequestLang,
    Authenticated(id): Authenticated,
    m: MovementWrite,
    form: Result<Multipart, MultipartRejection>,
) -> WebResult<Response> {
    let g = &m.0;
    let upload = match read_upload(form).await {
        Ok(u) if !u.file.is_empty() => u,
        Ok(_) => return refused_people_upload(lang, Some(&id), g, "Hãy chọn tệp cần nhập.".into()).await,
        Err(WebError::BadRequest(message)) => return refused_people_upload(lang, Some(&id), g, message).await,
        Err(e) => return Err(e),
    };
    let file = Bytes::from(upload.file);
    let checked = match check_people(&state, g, file.clone()).await? {
        Ok(c) => c,
        Err(message) => return refused_people_upload(lang, Some(&id), g, message).await,
    };
    let batch = batch_id();
    g.stage_upload(&batch, "people", &upload.file_name, &file, checked.errors.len()).await?;
    let page = ReportPage {
        chrome: Chrome::new(lang, Some(&id), "movement"),
        title: PEOPLE_TITLE.into(),
        filename: upload.file_name,
        commit_action: format!("/movement/people/import/{batch}/commit"),
        back_href: "/movement/people".into(),
        valid_rows: checked.valid.len(),
        households: None,
        errors: checked.errors,
        imported: None,
    };
    Ok(render(&page)?.into_response())
}

pub async fn people_commit(
    State(state): State<AppState>,
    lang: RequestLang,
    Authenticated(id): Authenticated,
    m: MovementWrite,
    Path(batch): Path<String>,
    fields: Fields,
) -> WebResult<Response> {
    let g = &m.0;
    let staged = g.staged_upload(&batch).await?;
    if staged.kind != "people" {
        return Err(WebError::NotFound);
    }
    let checked = check_people(&state, g, staged.content).await?.map_err(WebError::BadRequest)?;
    let refused = wants_all(&fields) && !checked.errors.is_empty();
    let imported = if refused || checked.valid.is_empty() {
        None
    } else {
        let here = g.home(today()).await?;
        let home = here.unit();
        // Every row's unit was checked against the scope above; one transaction for the file.
        let mut tx = g.write_for(home).await?;
        for p in &checked.valid {
            tx.create_person(p).await?;
        }
        tx.commit().await?;
        g.drop_upload(&batch).await?;
        Some(checked.valid.len())
    };
    let page = ReportPage {
        chrome: Chrome::new(lang, Some(&id), "movement"),
        title: PEOPLE_TITLE.into(),
        filename: staged.filename,
        commit_action: format!("/movement/people/import/{batch}/commit"),
        back_href: "/movement/people".into(),
        valid_rows: checked.valid.len(),
        households: None,
        errors: checked.errors,
        imported,
    };
    let status = if imported.is_some() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(&page)?).into_response())
}

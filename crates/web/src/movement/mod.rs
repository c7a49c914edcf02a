//! The movement's registry (SPEC M2, M3): initiatives with their channels,
//! lifecycle, members and reports; people, trainings and trusted voices;
//! plans and resolutions; village activities and page posts; the units'
//! yearly reports. HTML pages and the JSON API, every one scoped to the
//! session's subtree through [`MovementRead`] and [`MovementWrite`].

pub mod activities;
pub mod documents;
pub mod initiatives;
pub mod people;
pub mod record_edits;
pub mod record_page;
pub mod records_api;
pub mod uploads;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chrono::Datelike;
use khienmang_core::Date;
use khienmang_core::auth::{Capability, Role};
use khienmang_core::org::{Level, UnitId, UnitVersion};
use khienmang_core::targets::{FIRST_YEAR, LAST_YEAR};
use serde::Deserialize;

use crate::access::{Granted, Identity, MovementRead, MovementWrite, RequestLang};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::i18n::number_vi;
pub use crate::kit::form::see_other;
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused};
use crate::kit::upload::{self, UploadError};
use crate::org::{parse_day, today};
use crate::page::{Chrome, Page, render};

pub fn bad(message: &str) -> WebError {
    WebError::BadRequest(message.to_string())
}

/// A registry upload: its text fields and its one file (named `file`).
pub struct Upload {
    pub fields: Fields,
    pub file_name: String,
    pub file: Vec<u8>,
}

/// Reads a registry upload ([`upload::read`]). Taken as a `Result` by
/// handlers, so that the scope is checked before the body is judged.
pub async fn read_upload(form: Result<Multipart, MultipartRejection>) -> WebResult<Upload> {
    let form = form.map_err(|_| bad("Biểu mẫu tải tệp không hợp lệ; hãy chọn tệp rồi gửi lại."))?;
    let mut upload = upload::read(form, upload::MAX_BODY).await.map_err(UploadError::registry)?;
    let file = upload.take_file("file");
    Ok(Upload {
        fields: upload.fields,
        file_name: file.as_ref().map(|f| f.short_name("")).unwrap_or_default(),
        file: file.map(|f| f.bytes).unwrap_or_default(),
    })
}

/// Whether the session may change the registry (pages hide their forms otherwise).
pub fn can_write(id: Option<&Identity>) -> bool {
    id.is_some_and(|i| i.user.role.can(Capability::MovementWrite))
}

pub fn this_year() -> i32 {
    today().year()
}

/// The years of the programme, for year selects.
pub fn year_options(current: i32) -> Vec<Opt> {
    (FIRST_YEAR..=LAST_YEAR).map(|y| Opt::new(y.to_string(), y.to_string(), &current.to_string())).collect()
}

/// A non-negative whole number; "1.234" (Vietnamese grouping) reads as 1234.
pub fn parse_count(s: &str, label: &str) -> WebResult<Option<i64>> {
    let s = s.trim().replace(['.', ' '], "");
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .map(Some)
        .ok_or_else(|| WebError::BadRequest(format!("{label} phải là số nguyên không âm.")))
}

pub fn required_count(s: &str, label: &str) -> WebResult<i64> {
    parse_count(s, label)?.ok_or_else(|| WebError::BadRequest(format!("Chưa nhập {label}.")))
}

pub fn parse_year(s: &str, label: &str) -> WebResult<Option<i32>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .map(Some)
        .ok_or_else(|| WebError::BadRequest(format!("{label} “{s}” không hợp lệ; ghi năm bằng 4 chữ số, ví dụ 2025.")))
}

pub fn required_year(s: &str, label: &str) -> WebResult<i32> {
    parse_year(s, label)?.ok_or_else(|| WebError::BadRequest(format!("Chưa nhập {label}.")))
}

pub fn required_day(s: &str, label: &str) -> WebResult<Date> {
    if s.trim().is_empty() {
        return Err(WebError::BadRequest(format!("Chưa nhập {label}.")));
    }
    parse_day(s)
}

/// A unit chosen in a form: an id inside the scope, or 404 as if absent.
pub async fn unit_in_scope(g: &Granted, s: &str) -> WebResult<UnitId> {
    let id = s.trim().parse::<i64>().map_err(|_| WebError::BadRequest("Hãy chọn đơn vị.".into()))?;
    let unit = UnitId(id);
    g.ensure(unit).await?;
    Ok(unit)
}

/// A village chosen in a form: inside the scope and a village today.
pub async fn village_in_scope(g: &Granted, s: &str) -> WebResult<UnitId> {
    let unit = unit_in_scope(g, s).await?;
    match g.within(unit).await?.on(today()).await? {
        Some(v) if v.level == Level::Village => Ok(unit),
        _ => Err(WebError::BadRequest("Hãy chọn một thôn, tổ dân phố.".into())),
    }
}

/// The units of the scope today, parents before children.
pub async fn scope_units(g: &Granted) -> WebResult<Vec<UnitVersion>> {
    let on = today();
    g.home(on).await?.subtree_on(on).await
}

/// Select options for units, "Name (level)", the current one marked. A
/// name that repeats in the list (seven "Tổ dân phố số 1" in one ward) also
/// shows its code and the unit it stands under.
pub fn unit_options(units: &[UnitVersion], only: Option<Level>, current: &str) -> Vec<Opt> {
    let shown: Vec<&UnitVersion> = units.iter().filter(|u| only.is_none_or(|l| u.level == l)).collect();
    let mut names: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for u in &shown {
        *names.entry(khienmang_core::text::fold(&u.name)).or_default() += 1;
    }
    let parent_name = |p: Option<UnitId>| units.iter().find(|x| Some(x.unit_id) == p).map(|x| x.name.as_str());
    shown
        .into_iter()
        .map(|u| {
            let kind = u.unit_type.clone().unwrap_or_else(|| u.level.label_vi().to_string());
            let mut label = format!("{} ({kind})", u.name);
            if names.get(&khienmang_core::text::fold(&u.name)).is_some_and(|n| *n > 1) {
                for extra in [u.code.as_deref(), parent_name(u.parent_id)].into_iter().flatten() {
                    label.push_str(" · ");
                    label.push_str(extra);
                }
            }
            Opt::new(u.unit_id.0.to_string(), label, current)
        })
        .collect()
}

/// Records a view of personal data before it is shown.
pub async fn audit_view(g: &Granted, object: &str, details: serde_json::Value) -> WebResult<()> {
    g.audit_view("personal_data.view", object, details).await
}

// ---- the registry's home ----

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    #[serde(default)]
    q: Option<String>,
    /// Set by the redirect after an initiative was voided, to confirm it.
    #[serde(default)]
    voided: Option<u8>,
}

pub struct InitiativeRow {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    pub stage: &'static str,
    pub channels: String,
    pub members: String,
    pub criteria_met: bool,
    /// Linked to the initiative leader signed in: listed first, marked.
    pub yours: bool,
}

pub struct Tile {
    pub href: &'static str,
    pub key: &'static str,
    pub count: String,
}

#[derive(Template)]
#[template(path = "movement/home.html")]
struct HomePage {
    chrome: Chrome,
    scope_name: String,
    q: String,
    tiles: Vec<Tile>,
    initiatives: Vec<InitiativeRow>,
    can_write: bool,
    units: Vec<Opt>,
    years: Vec<Opt>,
    reported_years: String,
    form: Refusal,
    /// An initiative was just voided.
    voided: bool,
}

async fn home_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    q: &str,
    error: Option<FormError>,
    voided: bool,
) -> WebResult<Html<String>> {
    let on = today();
    let here = g.home(on).await?;
    let home = here.unit();
    let scope_name = here.versions().await?.pop().map(|v| v.name).unwrap_or_default();
    let query = Some(q.trim()).filter(|q| !q.is_empty());
    let initiatives = here.initiatives(query).await?;
    let all = if query.is_some() { here.initiatives(None).await?.len() } else { initiatives.len() };
    let count = |n: usize| number_vi(i64::try_from(n).unwrap_or(i64::MAX));
    // Counted in the database: a province has thousands of names.
    let (people, trainings, voices) = here.people_counts().await?;
    let tiles = vec![
        Tile { href: "/movement", key: "movement.initiatives", count: count(all) },
        Tile { href: "/movement/people", key: "movement.people", count: number_vi(people) },
        Tile { href: "/movement/trainings", key: "movement.trainings", count: number_vi(trainings) },
        Tile { href: "/movement/voices", key: "movement.voices", count: number_vi(voices) },
        Tile { href: "/movement/documents", key: "movement.documents", count: count(here.documents().await?.len()) },
        Tile {
            href: "/movement/activities",
            key: "movement.activities",
            count: count(here.activities(false).await?.len() + here.activities(true).await?.len()),
        },
    ];
    let led = g.led_initiatives().await?;
    let mut rows: Vec<InitiativeRow> = initiatives
        .iter()
        .map(|i| InitiativeRow {
            id: i.id,
            name: i.name.clone(),
            unit_name: i.unit_name.clone(),
            stage: Tr { lang: lang.0 }.label(&i.stage),
            channels: number_vi(i.channels),
            members: number_vi(i.members),
            criteria_met: i.criteria.iter().all(|c| *c),
            yours: led.contains(&i.id),
        })
        .collect();
    rows.sort_by_key(|r| !r.yours);
    // An initiative leader registers nothing: it changes its own initiatives.
    let can_write = can_write(id) && g.role != Role::InitiativeLeader;
    let units = if can_write { unit_options(&scope_units(g).await?, None, &home.0.to_string()) } else { Vec::new() };
    let years: Vec<String> = here.report_years().await?.iter().map(i32::to_string).collect();
    render(&HomePage {
        chrome: Chrome::new(lang, id, "movement"),
        scope_name,
        q: q.to_string(),
        tiles,
        initiatives: rows,
        can_write,
        units,
        years: year_options(this_year()),
        reported_years: years.join(", "),
        form: Refusal { error, entered: Fields::default() },
        voided,
    })
}

pub async fn home(Page { lang, id }: Page, m: MovementRead, Query(q): Query<HomeQuery>) -> WebResult<Html<String>> {
    home_page(lang, id.as_ref(), &m.0, q.q.as_deref().unwrap_or(""), None, q.voided == Some(1)).await
}

/// A unit's yearly report: from then on its missing facts read "no", not "no data".
pub async fn report_submit(Page { lang, id }: Page, m: MovementWrite, fields: Fields) -> WebResult<Response> {
    let g = &m.0;
    let result = async {
        let unit = unit_in_scope(g, fields.get("unit")).await?;
        let year = required_year(fields.get("year"), "năm báo cáo")?;
        let mut tx = g.write_for(unit).await?;
        tx.submit_unit_report(unit, year).await?;
        tx.commit().await?;
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(see_other("/movement#unit-report".into())),
        Err(e) => {
            let error = FormError::of("report", e)?;
            Ok(refused(home_page(lang, id.as_ref(), g, "", Some(error), false).await?))
        }
    }
}

#[derive(Deserialize, Default)]
pub struct TemplateQuery {
    /// The initiative whose commune's villages the member template lists.
    #[serde(default)]
    initiative: Option<i64>,
}

/// The villages a member template of `ini` offers: those of the commune
/// (or ward) the initiative stands in, if the scope reaches it, each with
/// the commune it stood under before when it moved (how namesakes differ).
async fn template_villages(g: &Granted, ini: i64) -> WebResult<Vec<khienmang_core::movement::TemplateVillage>> {
    let on = today();
    let ini = g.initiative(ini).await?;
    let here = g.within(ini.unit_id).await?;
    let Some(unit) = here.on(on).await? else { return Ok(Vec::new()) };
    let commune = if unit.level == Level::Commune {
        Some(unit.unit_id)
    } else {
        here.ancestors_on(on).await?.into_iter().rev().find(|a| a.level == Level::Commune).map(|a| a.unit_id)
    };
    let Some(commune) = commune else { return Ok(Vec::new()) };
    let Ok(area) = g.within(commune).await else { return Ok(Vec::new()) };
    let history = area.tree_history().await?;
    let mut out = Vec::new();
    for v in history.subtree_on(commune, on).into_iter().filter(|v| v.level == Level::Village) {
        let Some(code) = v.code.clone() else { continue };
        let before = v.valid_from.pred_opt().and_then(|d| history.version_on(v.unit_id, d).map(|p| (d, p)));
        let hint = before
            .filter(|(_, p)| p.parent_id != v.parent_id)
            .and_then(|(d, p)| p.parent_id.and_then(|pp| history.version_on(pp, d)))
            .map(|p| p.name.clone());
        out.push(khienmang_core::movement::TemplateVillage { code, name: v.name.clone(), hint });
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

/// The XLSX templates of the registry's uploads; the member template of an
/// initiative lists its commune's villages with their codes.
pub async fn template(
    m: MovementRead,
    axum::extract::Path(file): axum::extract::Path<String>,
    Query(q): Query<TemplateQuery>,
) -> WebResult<Response> {
    use khienmang_core::movement::{members_template_for_xlsx, members_template_xlsx, people_template_xlsx};
    let (bytes, name) = match (file.as_str(), q.initiative) {
        ("members.xlsx", Some(ini)) => {
            (members_template_for_xlsx(&template_villages(&m, ini).await?), "mau-thanh-vien-mo-hinh.xlsx")
        }
        ("members.xlsx", None) => (members_template_xlsx(), "mau-thanh-vien-mo-hinh.xlsx"),
        ("people.xlsx", _) => (people_template_xlsx(), "mau-danh-sach-nguoi.xlsx"),
        _ => return Err(WebError::NotFound),
    };
    let bytes = bytes.map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

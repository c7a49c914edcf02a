//! The criteria sets as a form (issue 18): the secretariat edits the
//! criteria of a year and kind of unit (add, reorder, edit, remove; text,
//! maximum, weight and the target a criterion reads, picked from a list)
//! and the bands' thresholds, starting from the document's default. Each
//! save is a new version: evaluations already sent up keep the version they
//! were scored against, and the page says so before the save.

use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use khienmang_core::admin::{Bands, Classification, CriteriaSet, Criterion, UnitKind};
use khienmang_core::movement::RecordKind;
use khienmang_core::targets::TargetId;
use khienmang_store::admin::criteria_record_id;
use serde::Deserialize;

use super::year_or_now;
use crate::access::{Identity, ProgrammeManage, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused, see_other};
use crate::kit::history::ChangeRow;
use crate::org::today;
use crate::page::{Chrome, Page, render};

/// The most rows a set may have: the document's sets have five to nine.
const MAX_ROWS: usize = 40;
/// Empty rows offered for new criteria.
const NEW_ROWS: usize = 2;

#[derive(Deserialize, Default)]
pub struct SetQuery {
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

/// One row of the form, as shown (and as typed, after a refusal).
pub struct RowIn {
    pub index: usize,
    /// Empty for a new row: its code is given on saving.
    pub code: String,
    pub order: String,
    pub title: String,
    pub max: String,
    pub weight: String,
    pub targets: Vec<Opt>,
    pub remove: bool,
}

fn target_options(current: &str) -> Vec<Opt> {
    let mut out = vec![Opt::new("", "Không đọc chỉ tiêu (đơn vị tự chấm)", current)];
    out.extend(TargetId::ALL.iter().map(|t| Opt::new(t.code(), format!("{} · {}", t.code(), t.label_vi()), current)));
    out
}

fn rows_of(set: &CriteriaSet) -> Vec<RowIn> {
    let mut rows: Vec<RowIn> = set
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| RowIn {
            index: i,
            code: c.code.clone(),
            order: (i + 1).to_string(),
            title: c.title_vi.clone(),
            max: c.max_points.to_string(),
            weight: c.weight.to_string(),
            targets: target_options(c.target.map_or("", |t| t.code())),
            remove: false,
        })
        .collect();
    let n = rows.len();
    rows.extend((n..n + NEW_ROWS).map(|i| RowIn {
        index: i,
        code: String::new(),
        order: (i + 1).to_string(),
        title: String::new(),
        max: "10".into(),
        weight: "1".into(),
        targets: target_options(""),
        remove: false,
    }));
    rows
}

fn rows_entered(f: &Fields) -> Vec<RowIn> {
    let count = f.get("rows").parse::<usize>().unwrap_or(0).min(MAX_ROWS);
    (0..count)
        .map(|i| {
            let g = |name: &str| f.get(&format!("c{i}.{name}")).to_owned();
            RowIn {
                index: i,
                code: g("code"),
                order: g("order"),
                title: g("title"),
                max: g("max"),
                weight: g("weight"),
                targets: target_options(f.get(&format!("c{i}.target"))),
                remove: f.has(&format!("c{i}.remove")),
            }
        })
        .collect()
}

pub struct BandIn {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
}

fn bands_shown(b: &Bands) -> Vec<BandIn> {
    [Classification::Excellent, Classification::Good, Classification::Fair, Classification::Average]
        .iter()
        .map(|c| BandIn { name: c.as_str(), label: c.label_vi(), value: b.min_points(*c).to_string() })
        .collect()
}

fn bands_entered(f: &Fields) -> Vec<BandIn> {
    [Classification::Excellent, Classification::Good, Classification::Fair, Classification::Average]
        .iter()
        .map(|c| BandIn { name: c.as_str(), label: c.label_vi(), value: f.get(&format!("band.{}", c.as_str())).into() })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/criteria.html")]
struct CriteriaPage {
    chrome: Chrome,
    year: i32,
    years: Vec<i32>,
    kind: &'static str,
    kind_label: &'static str,
    kinds: Vec<(&'static str, &'static str)>,
    version: i64,
    /// Evaluations sent up on this version: they keep it when a new one is saved.
    sent: i64,
    rows: Vec<RowIn>,
    bands: Vec<BandIn>,
    saved: bool,
    form: Refusal,
    changes: Vec<ChangeRow>,
}

fn parse_kind(raw: &str) -> WebResult<UnitKind> {
    if raw.is_empty() {
        return Ok(UnitKind::Commune);
    }
    UnitKind::parse(raw).ok_or_else(|| WebError::BadRequest(format!("Loại đơn vị «{raw}» không có trong danh sách.")))
}

fn parse_year(raw: &str) -> WebResult<i32> {
    if raw.is_empty() {
        return Ok(year_or_now(None, today()));
    }
    let y: i32 = raw.parse().map_err(|_| WebError::BadRequest(format!("Năm «{raw}» không hợp lệ.")))?;
    Ok(year_or_now(Some(y), today()))
}

async fn show(
    lang: RequestLang,
    id: Option<&Identity>,
    m: &ProgrammeManage,
    year: i32,
    kind: UnitKind,
    saved: bool,
    entered: Option<(FormError, Fields)>,
) -> WebResult<Html<String>> {
    let set = m.0.criteria_set(year, kind).await?;
    let sent = m.0.evaluations_sent_on(year, kind, set.version).await?;
    let history = m.0.programme_history(RecordKind::CriteriaSet, &criteria_record_id(year, kind)).await?;
    let changes =
        m.0.history_of_kind(Tr { lang: lang.0 }, RecordKind::CriteriaSet, history.into_iter().rev().collect()).await?;
    let (rows, bands, form) = match entered {
        Some((error, fields)) => {
            (rows_entered(&fields), bands_entered(&fields), Refusal { error: Some(error), entered: fields })
        }
        None => (rows_of(&set), bands_shown(&set.bands), Refusal::default()),
    };
    render(&CriteriaPage {
        chrome: Chrome::new(lang, id, "evaluations"),
        year,
        years: (khienmang_core::targets::FIRST_YEAR..=khienmang_core::targets::LAST_YEAR).collect(),
        kind: kind.as_str(),
        kind_label: Tr { lang: lang.0 }.label(&kind),
        kinds: UnitKind::ALL.iter().map(|k| (k.as_str(), Tr { lang: lang.0 }.label(k))).collect(),
        version: set.version,
        sent,
        rows,
        bands,
        saved,
        form,
        changes,
    })
}

/// `GET /evaluations/criteria?year=&kind=`: the set in force, as a form.
pub async fn page(Page { lang, id }: Page, m: ProgrammeManage, Query(q): Query<SetQuery>) -> WebResult<Html<String>> {
    let year = parse_year(q.year.as_deref().unwrap_or("").trim())?;
    let kind = parse_kind(q.kind.as_deref().unwrap_or("").trim())?;
    show(lang, id.as_ref(), &m, year, kind, q.saved.is_some(), None).await
}

/// A whole number of points from a field, bounded.
fn number(raw: &str, what: &str, row: usize, max: u32) -> WebResult<u32> {
    let n: u32 = raw
        .parse()
        .map_err(|_| WebError::BadRequest(format!("Dòng {}: {what} «{raw}» phải là số nguyên.", row + 1)))?;
    if n == 0 || n > max {
        return Err(WebError::BadRequest(format!("Dòng {}: {what} phải từ 1 đến {max}.", row + 1)));
    }
    Ok(n)
}

/// The set the form holds: rows kept (not removed, not left empty) in the
/// order given, new rows coded `TC1`, `TC2`, … after the highest in use.
fn set_from(f: &Fields, year: i32, kind: UnitKind) -> WebResult<CriteriaSet> {
    let count = f.get("rows").parse::<usize>().unwrap_or(0);
    if count > MAX_ROWS {
        return Err(WebError::BadRequest(format!("Một bộ tiêu chí có tối đa {MAX_ROWS} tiêu chí.")));
    }
    let mut kept: Vec<(i64, usize, Criterion)> = Vec::new();
    for i in 0..count {
        let g = |name: &str| f.get(&format!("c{i}.{name}"));
        let (code, title) = (g("code"), g("title"));
        if f.has(&format!("c{i}.remove")) || (code.is_empty() && title.is_empty()) {
            continue;
        }
        if title.chars().count() > 500 {
            return Err(WebError::BadRequest(format!("Dòng {}: nội dung tiêu chí dài quá 500 ký tự.", i + 1)));
        }
        let order: i64 = match g("order") {
            "" => i as i64 + 1,
            o => o
                .parse()
                .map_err(|_| WebError::BadRequest(format!("Dòng {}: thứ tự «{o}» phải là số nguyên.", i + 1)))?,
        };
        let target = match g("target") {
            "" => None,
            t => Some(TargetId::from_code(t).ok_or_else(|| {
                WebError::BadRequest(format!("Dòng {}: chỉ tiêu «{t}» không có trong danh sách.", i + 1))
            })?),
        };
        // The code of a kept row comes back in a hidden field; a new row has none.
        if code.chars().count() > 20 {
            return Err(WebError::BadRequest(format!("Dòng {}: mã tiêu chí không hợp lệ.", i + 1)));
        }
        let code = code.to_owned();
        let criterion = Criterion {
            code,
            title_vi: title.to_owned(),
            max_points: number(g("max"), "điểm tối đa", i, 1000)?,
            weight: number(g("weight"), "hệ số", i, 100)?,
            target,
        };
        kept.push((order, i, criterion));
    }
    kept.sort_by_key(|(order, i, _)| (*order, *i));
    // New criteria get the next free "TCn" codes, never one already in use.
    let mut n = 0;
    let mut criteria: Vec<Criterion> = kept.into_iter().map(|(_, _, c)| c).collect();
    let taken: std::collections::HashSet<String> = criteria.iter().map(|c| c.code.clone()).collect();
    for c in criteria.iter_mut().filter(|c| c.code.is_empty()) {
        loop {
            n += 1;
            let code = format!("TC{n}");
            if !taken.contains(&code) {
                c.code = code;
                break;
            }
        }
    }
    let band = |c: Classification| -> WebResult<u32> {
        let raw = f.get(&format!("band.{}", c.as_str()));
        raw.parse()
            .map_err(|_| WebError::BadRequest(format!("Ngưỡng «{}» phải là số điểm nguyên: «{raw}».", c.label_vi())))
    };
    let bands = Bands {
        excellent: band(Classification::Excellent)?,
        good: band(Classification::Good)?,
        fair: band(Classification::Fair)?,
        average: band(Classification::Average)?,
    };
    let set = CriteriaSet { year, kind, criteria, bands, version: 0 };
    set.validate().map_err(|e| WebError::BadRequest(e.message_vi()))?;
    Ok(set)
}

/// `POST /evaluations/criteria`: saves the form as the year's new version.
pub async fn save(Page { lang, id }: Page, m: ProgrammeManage, fields: Fields) -> WebResult<Response> {
    let year = parse_year(fields.get("year"))?;
    let kind = parse_kind(fields.get("kind"))?;
    let outcome = match set_from(&fields, year, kind) {
        Ok(set) => m.0.write(Target::Programme, async |tx| Ok(tx.save_criteria_set(&set).await?)).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(see_other(format!("/evaluations/criteria?year={year}&kind={}&saved=1", kind.as_str()))),
        Err(e) => {
            let error = FormError::of("criteria", e)?;
            Ok(refused(show(lang, id.as_ref(), &m, year, kind, false, Some((error, fields))).await?))
        }
    }
}

//! Awards: nominations (regular or ad hoc) for people, units and
//! initiatives; the chain submitted → endorsed → approved or rejected; the
//! register of approved awards and its export.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, Redirect, Response};
use khienmang_core::admin::{AwardKind, Nomination, NominationStatus, Nominee, register};
use khienmang_core::org::UnitId;
use serde::Deserialize;

use super::year_or_now;
use crate::access::{Evaluate, ProgrammeManage, ProgrammeRead, Target};
use crate::error::{WebError, WebResult};
use crate::kit::form::Form;
use crate::kit::xlsx::{Cell, Column, ColumnKind, Sheet, xlsx_download};
use crate::org::today;
use crate::page::{Chrome, Page, render};

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

pub struct NominationRow {
    pub id: i64,
    pub nominee: String,
    pub kind_vi: &'static str,
    pub award: &'static str,
    pub achievement: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub next: Vec<(&'static str, &'static str)>,
}

pub struct RegisterRow {
    pub decision: String,
    pub decided_on: String,
    pub nominee: String,
    pub kind_vi: &'static str,
    pub award: &'static str,
    pub achievement: String,
}

#[derive(Template)]
#[template(path = "admin/awards.html")]
struct AwardsPage {
    chrome: Chrome,
    year: i32,
    nominations: Vec<NominationRow>,
    register: Vec<RegisterRow>,
    can_decide: bool,
    home: i64,
}

/// Nominations visible to the scope: proposed by a unit in it.
async fn visible(g: &crate::access::Granted, year: i32) -> WebResult<Vec<khienmang_store::admin::NominationRecord>> {
    g.nominations(year).await
}

/// `GET /awards`.
pub async fn page(Page { lang, id }: Page, m: ProgrammeRead, Query(q): Query<YearQuery>) -> WebResult<Html<String>> {
    let on = today();
    let year = year_or_now(q.year, on);
    let records = visible(&m.0, year).await?;
    let can_decide = id.as_ref().is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::ProgrammeManage));
    let nominations = records
        .iter()
        .map(|r| {
            let n = &r.nomination;
            let next = NominationStatus::ALL
                .iter()
                .copied()
                .filter(|to| n.status.can_become(*to) && *to != NominationStatus::Submitted)
                .map(|to| (to.as_str(), to.label_vi()))
                .collect();
            NominationRow {
                id: r.id,
                nominee: n.nominee.name().to_owned(),
                kind_vi: n.nominee.kind_vi(),
                award: n.kind.label_vi(),
                achievement: n.achievement_vi.clone(),
                status: n.status.label_vi(),
                status_code: n.status.as_str(),
                next,
            }
        })
        .collect();
    let entries = register(records.iter().filter_map(|r| r.register_entry()).collect());
    render(&AwardsPage {
        chrome: Chrome::new(lang, id.as_ref(), "awards"),
        year,
        nominations,
        register: entries
            .iter()
            .map(|e| RegisterRow {
                decision: e.decision_no.clone(),
                decided_on: e.decided_on.format("%d/%m/%Y").to_string(),
                nominee: e.nominee.name().to_owned(),
                kind_vi: e.nominee.kind_vi(),
                award: e.kind.label_vi(),
                achievement: e.achievement_vi.clone(),
            })
            .collect(),
        can_decide,
        home: m.0.home_unit(on).await?.0,
    })
}

#[derive(Deserialize)]
pub struct NominateIn {
    /// person | unit | initiative
    nominee_type: String,
    name: String,
    /// The proposing unit (in the scope); a "unit" nominee is this unit.
    unit: i64,
    #[serde(default)]
    initiative: Option<i64>,
    /// regular | ad_hoc
    kind: String,
    #[serde(default)]
    deed_on: String,
    achievement: String,
}

/// `POST /awards`: a unit proposes an award.
pub async fn nominate_submit(m: Evaluate, Form(f): Form<NominateIn>) -> WebResult<Redirect> {
    let unit = UnitId(f.unit);
    m.0.ensure_write(unit).await?;
    let name = f.name.trim().to_owned();
    let nominee = match f.nominee_type.as_str() {
        "person" => Nominee::Person { name, unit: Some(unit) },
        "unit" => Nominee::Unit { unit, name },
        "initiative" => {
            let id = f.initiative.ok_or_else(|| WebError::BadRequest("Chọn mô hình được đề nghị.".into()))?;
            let initiative = m.0.initiative(id).await?;
            m.0.ensure_write(initiative.unit_id).await?;
            Nominee::Initiative { initiative_id: id, name: initiative.name }
        }
        _ => return Err(WebError::BadRequest("Đối tượng đề nghị không hợp lệ.".into())),
    };
    let kind =
        AwardKind::parse(&f.kind).ok_or_else(|| WebError::BadRequest("Hình thức khen thưởng không hợp lệ.".into()))?;
    let deed_on = match f.deed_on.trim() {
        "" => None,
        d => Some(d.parse().map_err(|_| WebError::BadRequest("Ngày lập thành tích không hợp lệ.".into()))?),
    };
    let on = today();
    let year = deed_on.map_or_else(|| chrono::Datelike::year(&on), |d| chrono::Datelike::year(&d));
    let n = Nomination::draft(nominee, kind, year, deed_on, f.achievement.trim(), unit, on)
        .map_err(|e| WebError::BadRequest(e.message_vi()))?;
    m.0.write(Target::Unit(unit), async |tx| Ok(tx.nominate(n, on).await?)).await?;
    Ok(Redirect::to(&format!("/awards?year={year}")))
}

#[derive(Deserialize)]
pub struct StepIn {
    to: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    decision_no: String,
}

/// `POST /awards/{id}/step`: the secretariat endorses, approves (with the
/// decision number) or rejects.
pub async fn step_submit(m: ProgrammeManage, Path(id): Path<i64>, Form(f): Form<StepIn>) -> WebResult<Redirect> {
    let record = m.0.nomination(id).await?;
    m.0.ensure_write(record.nomination.proposed_by).await?;
    let to = NominationStatus::parse(&f.to).ok_or_else(|| WebError::BadRequest("Bước không hợp lệ.".into()))?;
    let on = today();
    let by = m.0.home_unit(on).await?;
    let note = Some(f.note.trim().to_owned()).filter(|n| !n.is_empty());
    m.0.write(Target::Unit(record.nomination.proposed_by), async |tx| {
        Ok(tx.step_nomination(id, to, by, on, note, Some(f.decision_no.as_str())).await?)
    })
    .await?;
    Ok(Redirect::to(&format!("/awards?year={}", record.nomination.year)))
}

/// `GET /awards/register.xlsx`: the register of the year.
pub async fn export(m: ProgrammeRead, Query(q): Query<YearQuery>) -> WebResult<Response> {
    let year = year_or_now(q.year, today());
    let entries = register(visible(&m.0, year).await?.iter().filter_map(|r| r.register_entry()).collect());
    let sheet = Sheet {
        title: format!("Sổ khen thưởng năm {year}"),
        subtitle: Some("Phong trào toàn dân bảo vệ ANTQ trên không gian mạng".into()),
        columns: vec![
            Column::new("Số quyết định", ColumnKind::Text),
            Column::new("Ngày quyết định", ColumnKind::Date),
            Column::new("Đối tượng", ColumnKind::Text),
            Column::new("Tên", ColumnKind::Text),
            Column::new("Hình thức", ColumnKind::Text),
            Column::new("Thành tích", ColumnKind::Text),
        ],
        rows: entries
            .iter()
            .map(|e| {
                vec![
                    Cell::Text(e.decision_no.clone()),
                    Cell::Date(e.decided_on),
                    Cell::Text(e.nominee.kind_vi().into()),
                    Cell::Text(e.nominee.name().into()),
                    Cell::Text(e.kind.label_vi().into()),
                    Cell::Text(e.achievement_vi.clone()),
                ]
            })
            .collect(),
    };
    xlsx_download(&format!("so-khen-thuong-{year}.xlsx"), &[sheet]).map_err(|e| WebError::Internal(e.to_string()))
}

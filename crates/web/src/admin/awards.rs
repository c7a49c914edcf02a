//! Awards: nominations (regular or ad hoc) for people, units and
//! initiatives; the chain submitted → endorsed → approved or rejected; the
//! register of approved awards and its export. Every nominee is picked from
//! a list of the scope's units and initiatives, searched by name with the
//! diacritics ignored; a person is named, with the unit they belong to
//! picked the same way.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, Redirect, Response};
use khienmang_core::admin::{AwardKind, Nomination, NominationStatus, Nominee, register};
use khienmang_core::org::UnitId;
use khienmang_core::text::fold;
use serde::Deserialize;

use super::{unit_name, year_or_now};
use crate::access::{Evaluate, Granted, Identity, ProgrammeManage, ProgrammeRead, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::{Fields, Form, FormError, Opt, Refusal, refused, see_other};
use crate::kit::xlsx::{Cell, Column, ColumnKind, Sheet, xlsx_download};
use crate::movement::{scope_units, unit_options};
use crate::org::today;
use crate::page::{Chrome, Page, render};

/// The most units or initiatives a picker offers at once; a search narrows it.
const PICK_LIMIT: usize = 100;

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
    /// Narrows the pickers to names containing it (diacritics ignored).
    #[serde(default)]
    q: Option<String>,
    /// Set by the redirect after a nomination was sent, to confirm it.
    #[serde(default)]
    saved: Option<u8>,
}

/// The pickers of a nomination form: the scope's units and initiatives
/// whose names contain `q` (diacritics ignored), at most [`PICK_LIMIT`]
/// each, the current choices marked.
pub(crate) async fn pickers(g: &Granted, q: &str, unit: &str, initiative: &str) -> WebResult<(Vec<Opt>, Vec<Opt>)> {
    let wanted = fold(q.trim());
    let units: Vec<_> = scope_units(g)
        .await?
        .into_iter()
        .filter(|u| wanted.is_empty() || fold(&u.name).contains(&wanted) || u.unit_id.0.to_string() == unit)
        .take(PICK_LIMIT)
        .collect();
    let initiatives = g
        .home(today())
        .await?
        .initiatives(None)
        .await?
        .into_iter()
        .filter(|i| wanted.is_empty() || fold(&i.name).contains(&wanted) || i.id.to_string() == initiative)
        .take(PICK_LIMIT)
        .map(|i| Opt::new(i.id.to_string(), format!("{} ({})", i.name, i.unit_name), initiative))
        .collect();
    Ok((unit_options(&units, None, unit), initiatives))
}

/// The nominee a form names: a person (named, in a unit picked or the
/// proposing one), a unit picked from the list, or an initiative picked
/// from the list; each checked to be in the scope today.
pub(crate) async fn nominee_from(g: &Granted, f: &Fields, proposer: UnitId) -> WebResult<Nominee> {
    let picked_unit = || -> WebResult<Option<UnitId>> {
        match f.get("nominee_unit") {
            "" => Ok(None),
            raw => raw
                .parse::<i64>()
                .map(|u| Some(UnitId(u)))
                .map_err(|_| WebError::BadRequest("Hãy chọn đơn vị, tập thể trong danh sách.".into())),
        }
    };
    match f.get("nominee_type") {
        "person" => {
            let name = f.get("name");
            if name.chars().count() > 200 {
                return Err(WebError::BadRequest("Tên cá nhân dài quá 200 ký tự.".into()));
            }
            let unit = picked_unit()?.unwrap_or(proposer);
            g.ensure_write(unit).await?;
            Ok(Nominee::Person { name: name.to_owned(), unit: Some(unit) })
        }
        "unit" => {
            let unit = picked_unit()?
                .ok_or_else(|| WebError::BadRequest("Hãy chọn tập thể được đề nghị trong danh sách.".into()))?;
            g.ensure_write(unit).await?;
            Ok(Nominee::Unit { unit, name: unit_name(g, unit, today()).await? })
        }
        "initiative" => {
            let id: i64 = f
                .get("initiative")
                .parse()
                .map_err(|_| WebError::BadRequest("Hãy chọn mô hình được đề nghị trong danh sách.".into()))?;
            let initiative = g.initiative(id).await?;
            g.ensure_write(initiative.unit_id).await?;
            Ok(Nominee::Initiative { initiative_id: id, name: initiative.name })
        }
        _ => Err(WebError::BadRequest("Hãy chọn đối tượng đề nghị: cá nhân, tập thể hoặc mô hình.".into())),
    }
}

/// An award kind and the day of the deed from a form.
pub(crate) fn kind_and_deed(f: &Fields) -> WebResult<(AwardKind, Option<khienmang_core::Date>)> {
    let kind = AwardKind::parse(f.get("kind"))
        .ok_or_else(|| WebError::BadRequest("Hãy chọn hình thức khen thưởng trong danh sách.".into()))?;
    let deed_on = match f.get("deed_on") {
        "" => None,
        d => Some(d.parse().map_err(|_| WebError::BadRequest("Ngày lập thành tích không hợp lệ.".into()))?),
    };
    Ok((kind, deed_on))
}

/// A nomination's achievement, bounded.
pub(crate) fn achievement(f: &Fields) -> WebResult<String> {
    let text = f.get("achievement");
    if text.chars().count() > 2000 {
        return Err(WebError::BadRequest("Thành tích dài quá 2.000 ký tự.".into()));
    }
    Ok(text.to_owned())
}

pub struct NominationRow {
    pub id: i64,
    pub voided: bool,
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
    q: String,
    units: Vec<Opt>,
    initiatives: Vec<Opt>,
    nominee_type: String,
    saved: bool,
    form: Refusal,
}

/// Nominations visible to the scope: proposed by a unit in it.
async fn visible(g: &crate::access::Granted, year: i32) -> WebResult<Vec<khienmang_store::admin::NominationRecord>> {
    g.nominations(year).await
}

/// `GET /awards`.
pub async fn page(Page { lang, id }: Page, m: ProgrammeRead, Query(q): Query<YearQuery>) -> WebResult<Html<String>> {
    let search = q.q.as_deref().unwrap_or("").chars().take(100).collect::<String>();
    show(lang, id.as_ref(), &m.0, q.year, &search, q.saved.is_some(), Refusal::default()).await
}

async fn show(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    year: Option<i32>,
    q: &str,
    saved: bool,
    form: Refusal,
) -> WebResult<Html<String>> {
    let on = today();
    let year = year_or_now(year, on);
    let records = visible(g, year).await?;
    let can_decide = id.is_some_and(|i| i.user.role.can(khienmang_core::auth::Capability::ProgrammeManage));
    let nominations = records
        .iter()
        .map(|r| {
            let n = &r.nomination;
            let next = NominationStatus::ALL
                .iter()
                .copied()
                .filter(|to| n.status.can_become(*to) && *to != NominationStatus::Submitted && r.voided.is_none())
                .map(|to| (to.as_str(), Tr { lang: lang.0 }.label(&to)))
                .collect();
            NominationRow {
                id: r.id,
                voided: r.voided.is_some(),
                nominee: n.nominee.name().to_owned(),
                kind_vi: n.nominee.kind_vi(),
                award: Tr { lang: lang.0 }.label(&n.kind),
                achievement: n.achievement_vi.clone(),
                status: Tr { lang: lang.0 }.label(&n.status),
                status_code: n.status.as_str(),
                next,
            }
        })
        .collect();
    let entries = register(records.iter().filter_map(|r| r.register_entry()).collect());
    let (units, initiatives) = pickers(g, q, form.entered("nominee_unit"), form.entered("initiative")).await?;
    let nominee_type = match form.entered("nominee_type") {
        "" => "person".to_owned(),
        t => t.to_owned(),
    };
    render(&AwardsPage {
        chrome: Chrome::new(lang, id, "awards"),
        year,
        nominations,
        register: entries
            .iter()
            .map(|e| RegisterRow {
                decision: e.decision_no.clone(),
                decided_on: e.decided_on.format("%d/%m/%Y").to_string(),
                nominee: e.nominee.name().to_owned(),
                kind_vi: e.nominee.kind_vi(),
                award: Tr { lang: lang.0 }.label(&e.kind),
                achievement: e.achievement_vi.clone(),
            })
            .collect(),
        can_decide,
        home: g.home_unit(on).await?.0,
        q: q.to_owned(),
        units,
        initiatives,
        nominee_type,
        saved,
        form,
    })
}

/// `POST /awards`: a unit proposes an award; every nominee is picked from
/// a list (a person is named, in a unit picked or the proposing one). A
/// refusal comes back on the page with what was typed.
pub async fn nominate_submit(Page { lang, id }: Page, m: Evaluate, fields: Fields) -> WebResult<Response> {
    let on = today();
    let proposer = match fields.get("unit") {
        "" => m.0.home_unit(on).await?,
        raw => UnitId(raw.parse().map_err(|_| WebError::BadRequest("Đơn vị đề nghị không hợp lệ.".into()))?),
    };
    m.0.ensure_write(proposer).await?;
    let outcome = async {
        let nominee = nominee_from(&m.0, &fields, proposer).await?;
        let (kind, deed_on) = kind_and_deed(&fields)?;
        let year = deed_on.map_or_else(|| chrono::Datelike::year(&on), |d| chrono::Datelike::year(&d));
        let n = Nomination::draft(nominee, kind, year, deed_on, achievement(&fields)?, proposer, on)
            .map_err(|e| WebError::BadRequest(e.message_vi()))?;
        m.0.write(Target::Unit(proposer), async |tx| Ok(tx.nominate(n, on).await?)).await?;
        Ok::<i32, WebError>(year)
    }
    .await;
    match outcome {
        Ok(year) => Ok(see_other(format!("/awards?year={year}&saved=1"))),
        Err(e) => {
            let error = FormError::of("nominate", e)?;
            let q = fields.get("q").to_owned();
            Ok(refused(
                show(lang, id.as_ref(), &m.0, None, &q, false, Refusal { error: Some(error), entered: fields }).await?,
            ))
        }
    }
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

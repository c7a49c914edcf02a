//! One award nomination (issue 18): its page with its change history; a
//! correction (nominee picked from a list, kind, achievement) until it is
//! decided; a void with a reason for a nomination entered by mistake (it
//! leaves the register and its counts, stays in the history and the audit
//! log) and the secretariat's restore. And the way from a ranking to award
//! proposals: the chosen units of a ranked result nominated at once, with
//! the reason drawn from their classification.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, Response};
use chrono::Datelike;
use khienmang_core::admin::{AwardKind, Nomination, Nominee, rank};
use khienmang_core::auth::Capability;
use khienmang_core::movement::{RecordKind, VoidReason};
use khienmang_core::org::UnitId;
use khienmang_store::admin::{NominationFix, NominationRecord};
use serde::Deserialize;

use super::awards::{achievement, kind_and_deed, nominee_from, pickers};
use super::evaluations::{parse_kind, ranking};
use super::year_or_now;
use crate::access::{Evaluate, Granted, Identity, ProgrammeManage, ProgrammeRead, RequestLang, Target};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::{Fields, FormError, Opt, Refusal, refused, see_other};
use crate::kit::history::ChangeRow;
use crate::org::today;
use crate::page::{Chrome, Page, render};
use crate::reports::local_time;

/// The most units one ranking nominates at once.
const MAX_FROM_RANKING: usize = 100;

#[derive(Deserialize, Default)]
pub struct NominationQuery {
    /// Narrows the pickers (diacritics ignored).
    #[serde(default)]
    q: Option<String>,
    /// Set by the redirect after a saved change, to confirm it.
    #[serde(default)]
    saved: Option<u8>,
}

#[derive(Template)]
#[template(path = "admin/nomination.html")]
struct NominationPage {
    chrome: Chrome,
    id: i64,
    year: i32,
    nominee: String,
    kind_vi: &'static str,
    award: &'static str,
    achievement: String,
    status: &'static str,
    status_code: &'static str,
    /// "when · by whom · why" while voided.
    voided: Option<String>,
    can_edit: bool,
    can_void: bool,
    can_restore: bool,
    q: String,
    units: Vec<Opt>,
    initiatives: Vec<Opt>,
    nominee_type: String,
    saved: bool,
    form: Refusal,
    changes: Vec<ChangeRow>,
}

/// The correction form's fields as the nomination stands, so the form opens filled in.
fn fields_of(r: &NominationRecord) -> Fields {
    let n = &r.nomination;
    let (kind, unit, initiative, name) = match &n.nominee {
        Nominee::Person { name, unit } => ("person", unit.map(|u| u.0.to_string()), None, name.clone()),
        Nominee::Unit { unit, .. } => ("unit", Some(unit.0.to_string()), None, String::new()),
        Nominee::Initiative { initiative_id, .. } => {
            ("initiative", None, Some(initiative_id.to_string()), String::new())
        }
    };
    Fields(vec![
        ("nominee_type".into(), kind.into()),
        ("name".into(), name),
        ("nominee_unit".into(), unit.unwrap_or_default()),
        ("initiative".into(), initiative.unwrap_or_default()),
        ("kind".into(), n.kind.as_str().into()),
        ("deed_on".into(), n.deed_on.map(|d| d.to_string()).unwrap_or_default()),
        ("achievement".into(), n.achievement_vi.clone()),
    ])
}

async fn show(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    nid: i64,
    q: &str,
    saved: bool,
    refusal: Option<(FormError, Fields)>,
) -> WebResult<Html<String>> {
    let r = g.nomination(nid).await?;
    let n = &r.nomination;
    let can = |c: Capability| id.is_some_and(|i| i.user.role.can(c));
    let form = match refusal {
        Some((error, entered)) => Refusal { error: Some(error), entered },
        None => Refusal { error: None, entered: fields_of(&r) },
    };
    let (units, initiatives) = pickers(g, q, form.entered("nominee_unit"), form.entered("initiative")).await?;
    let history = g.programme_history(RecordKind::Nomination, &nid.to_string()).await?.into_iter().rev().collect();
    let changes = g.history_of_kind(Tr { lang: lang.0 }, RecordKind::Nomination, history).await?;
    render(&NominationPage {
        chrome: Chrome::new(lang, id, "awards"),
        id: r.id,
        year: n.year,
        nominee: n.nominee.name().to_owned(),
        kind_vi: n.nominee.kind_vi(),
        award: Tr { lang: lang.0 }.label(&n.kind),
        achievement: n.achievement_vi.clone(),
        status: Tr { lang: lang.0 }.label(&n.status),
        status_code: n.status.as_str(),
        voided: r.voided.as_ref().map(|v| format!("{} · {} · {}", local_time(&v.at), v.by, v.reason)),
        can_edit: can(Capability::Evaluate) && r.voided.is_none() && !n.status.is_final(),
        can_void: can(Capability::Evaluate) && r.voided.is_none(),
        can_restore: can(Capability::ProgrammeManage) && r.voided.is_some(),
        q: q.to_owned(),
        units,
        initiatives,
        nominee_type: form.entered("nominee_type").to_owned(),
        saved,
        form,
        changes,
    })
}

/// `GET /awards/{id}`: the nomination, its correction and void forms, its history.
pub async fn page(
    Page { lang, id }: Page,
    m: ProgrammeRead,
    Path(nid): Path<i64>,
    Query(q): Query<NominationQuery>,
) -> WebResult<Html<String>> {
    let search = q.q.as_deref().unwrap_or("").chars().take(100).collect::<String>();
    show(lang, id.as_ref(), &m.0, nid, &search, q.saved.is_some(), None).await
}

/// `POST /awards/{id}/edit`: corrects the nominee, kind, deed date or
/// achievement of a nomination not yet decided.
pub async fn edit_submit(
    Page { lang, id }: Page,
    m: Evaluate,
    Path(nid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let record = m.0.nomination(nid).await?;
    let proposer = record.nomination.proposed_by;
    let outcome = async {
        let nominee = nominee_from(&m.0, &fields, proposer).await?;
        let (kind, deed_on) = kind_and_deed(&fields)?;
        let fix = NominationFix { nominee, kind, deed_on, achievement_vi: achievement(&fields)? };
        m.0.write(Target::Unit(proposer), async |tx| Ok(tx.correct_nomination(nid, fix).await?)).await
    }
    .await;
    match outcome {
        Ok(()) => Ok(see_other(format!("/awards/{nid}?saved=1"))),
        Err(e) => {
            let error = FormError::of("edit", e)?;
            let q = fields.get("q").to_owned();
            Ok(refused(show(lang, id.as_ref(), &m.0, nid, &q, false, Some((error, fields))).await?))
        }
    }
}

/// `POST /awards/{id}/void`: voids a nomination entered by mistake, with a reason.
pub async fn void_submit(
    Page { lang, id }: Page,
    m: Evaluate,
    Path(nid): Path<i64>,
    fields: Fields,
) -> WebResult<Response> {
    let record = m.0.nomination(nid).await?;
    let proposer = record.nomination.proposed_by;
    let outcome = match VoidReason::parse(fields.get("reason")) {
        Ok(reason) => m.0.write(Target::Unit(proposer), async |tx| Ok(tx.void_nomination(nid, &reason).await?)).await,
        Err(e) => Err(WebError::BadRequest(e.message_vi())),
    };
    match outcome {
        Ok(()) => Ok(see_other(format!("/awards?year={}&saved=1", record.nomination.year))),
        Err(e) => {
            let error = FormError::of("void", e)?;
            let mut entered = fields_of(&record);
            entered.0.extend(fields.0);
            Ok(refused(show(lang, id.as_ref(), &m.0, nid, "", false, Some((error, entered))).await?))
        }
    }
}

/// `POST /awards/{id}/restore`: the secretariat restores a voided nomination.
pub async fn restore_submit(m: ProgrammeManage, Path(nid): Path<i64>) -> WebResult<Response> {
    let record = m.0.nomination(nid).await?;
    m.0.write(Target::Unit(record.nomination.proposed_by), async |tx| Ok(tx.restore_nomination(nid).await?)).await?;
    Ok(see_other(format!("/awards/{nid}?saved=1")))
}

/// `POST /awards/from-ranking`: fields `year`, `kind` (of unit), `award`
/// (regular | ad_hoc) and `unit` once per chosen row. Each chosen unit must
/// be ranked in the scope; its nomination names it, the year, and the
/// reason "Xếp loại … năm …", proposed by the session's unit.
pub async fn from_ranking(m: Evaluate, fields: Fields) -> WebResult<Response> {
    let on = today();
    let year = match fields.get("year") {
        "" => year_or_now(None, on),
        raw => {
            year_or_now(Some(raw.parse().map_err(|_| WebError::BadRequest(format!("Năm «{raw}» không hợp lệ.")))?), on)
        }
    };
    let kind = parse_kind(Some(fields.get("kind")))?;
    let award = AwardKind::parse(fields.get("award"))
        .ok_or_else(|| WebError::BadRequest("Hãy chọn hình thức khen thưởng trong danh sách.".into()))?;
    let chosen = fields.all("unit");
    if chosen.is_empty() {
        return Err(WebError::BadRequest("Hãy chọn ít nhất một đơn vị trong bảng xếp hạng.".into()));
    }
    if chosen.len() > MAX_FROM_RANKING {
        return Err(WebError::BadRequest(format!("Mỗi lần đề nghị tối đa {MAX_FROM_RANKING} đơn vị.")));
    }
    let units = chosen
        .iter()
        .map(|u| u.parse::<i64>().map(UnitId))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| WebError::BadRequest("Hãy chọn đơn vị trong bảng xếp hạng.".into()))?;
    // Outside the scope is "not found", before anything is read of it.
    for u in &units {
        m.0.ensure_write(*u).await?;
    }
    let proposer = m.0.home_unit(on).await?;
    let entries = ranking(&m.0, year, kind).await?;
    let ranked = rank(&entries.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>());
    // An ad-hoc award names the day of the deed: the end of the year ranked, or today.
    let deed_on = (award == AwardKind::AdHoc)
        .then(|| chrono::NaiveDate::from_ymd_opt(year, 12, 31).map_or(on, |end| end.min(on)));
    let mut drafts = Vec::new();
    for unit in &units {
        let Some(r) = ranked.iter().find(|r| r.entry.unit == *unit) else {
            return Err(WebError::BadRequest("Đơn vị được chọn chưa có kết quả xếp hạng của năm này.".into()));
        };
        let class = entries.iter().find(|(e, _)| e.unit == *unit).map_or(r.classification, |(_, e)| e.classification);
        let reason = format!(
            "Xếp loại {} năm {year} ({} điểm, xếp hạng {}/{}, {}).",
            class.label_vi(),
            r.entry.total.to_vi(),
            r.competition_rank,
            ranked.len(),
            kind.label_vi().to_lowercase()
        );
        let nominee = Nominee::Unit { unit: *unit, name: r.entry.name.clone() };
        let year_of = deed_on.map_or(year, |d| d.year());
        drafts.push(
            Nomination::draft(nominee, award, year_of, deed_on, reason, proposer, on)
                .map_err(|e| WebError::BadRequest(e.message_vi()))?,
        );
    }
    m.0.write(Target::Unit(proposer), async |tx| {
        for n in drafts {
            tx.nominate(n, on).await?;
        }
        Ok(())
    })
    .await?;
    Ok(see_other(format!("/awards?year={year}&saved=1")))
}

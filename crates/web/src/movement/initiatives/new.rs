//! Registering an initiative: the form with the document's classifications
//! (I.1.3.3) and criteria (I.1.3.1), checked by core and shown again with
//! what was typed when refused.

use askama::Template;
use axum::response::{Html, Response};
use khienmang_core::movement::{
    CRITERIA_VI, CheckedInitiative, ContentKind, Focus, InitiativeFields, InitiativeInput, LeaderKind, ParticipantKind,
    Stage,
};

use super::super::{bad, required_day, scope_units, see_other, unit_in_scope, unit_options};
use super::options;
use crate::access::{Granted, Identity, MovementWrite, RequestLang};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::kit::form::{Check, Fields, FormError, Opt, refused};
use crate::org::today;
use crate::page::{Chrome, Page, render};

/// The registration form as entered, shown again when it is refused.
#[derive(Default)]
pub struct Draft {
    pub unit: String,
    pub name: String,
    pub leader: String,
    pub participant_kind: String,
    pub leader_kind: String,
    pub content_kind: String,
    pub focus: Vec<String>,
    pub criteria: [bool; 3],
    pub description: String,
    pub stage: String,
    pub since: String,
}

impl Draft {
    pub(super) fn of(f: &Fields) -> Draft {
        Draft {
            unit: f.get("unit").into(),
            name: f.get("name").into(),
            leader: f.get("leader").into(),
            participant_kind: f.get("participant_kind").into(),
            leader_kind: f.get("leader_kind").into(),
            content_kind: f.get("content_kind").into(),
            focus: f.all("focus").into_iter().map(String::from).collect(),
            criteria: [f.has("criterion_1"), f.has("criterion_2"), f.has("criterion_3")],
            description: f.get("description").into(),
            stage: f.get("stage").into(),
            since: f.get("since").into(),
        }
    }
}

#[derive(Template)]
#[template(path = "movement/initiative_new.html")]
struct NewPage {
    chrome: Chrome,
    draft: Draft,
    units: Vec<Opt>,
    participant_kinds: Vec<Opt>,
    leader_kinds: Vec<Opt>,
    content_kinds: Vec<Opt>,
    focus: Vec<Check>,
    criteria: Vec<Check>,
    stages: Vec<Opt>,
    error: Option<String>,
}

/// The lists a registration or a correction picks from, marked as `draft` chose.
pub(super) struct Choices {
    pub participant_kinds: Vec<Opt>,
    pub leader_kinds: Vec<Opt>,
    pub content_kinds: Vec<Opt>,
    pub focus: Vec<Check>,
    pub criteria: Vec<Check>,
}

impl Choices {
    pub(super) fn of(draft: &Draft) -> Choices {
        let focus = Focus::ALL
            .iter()
            .map(|f| Check {
                id: format!("focus-{}", f.as_str()),
                value: f.as_str().into(),
                label: f.label_vi().into(),
                checked: draft.focus.iter().any(|x| x == f.as_str()),
            })
            .collect();
        let criteria = CRITERIA_VI
            .iter()
            .enumerate()
            .map(|(i, text)| Check {
                id: format!("criterion-{}", i + 1),
                value: format!("criterion_{}", i + 1),
                label: format!("({}) {text}", i + 1),
                checked: draft.criteria[i],
            })
            .collect();
        Choices {
            participant_kinds: options(
                ParticipantKind::ALL,
                ParticipantKind::as_str,
                ParticipantKind::label_vi,
                &draft.participant_kind,
            ),
            leader_kinds: options(LeaderKind::ALL, LeaderKind::as_str, LeaderKind::label_vi, &draft.leader_kind),
            content_kinds: options(ContentKind::ALL, ContentKind::as_str, ContentKind::label_vi, &draft.content_kind),
            focus,
            criteria,
        }
    }
}

async fn new_page(
    lang: RequestLang,
    id: Option<&Identity>,
    g: &Granted,
    draft: Draft,
    error: Option<String>,
) -> WebResult<Html<String>> {
    let stages = [Stage::Proposed, Stage::Active]
        .iter()
        .map(|s| Opt::new(s.as_str(), Tr { lang: lang.0 }.label(s), &draft.stage))
        .collect();
    let c = Choices::of(&draft);
    render(&NewPage {
        chrome: Chrome::new(lang, id, "movement"),
        units: unit_options(&scope_units(g).await?, None, &draft.unit),
        participant_kinds: c.participant_kinds,
        leader_kinds: c.leader_kinds,
        content_kinds: c.content_kinds,
        focus: c.focus,
        criteria: c.criteria,
        stages,
        draft,
        error,
    })
}

pub async fn new_form(Page { lang, id }: Page, m: MovementWrite) -> WebResult<Html<String>> {
    let here = m.0.home(today()).await?;
    let home = here.unit();
    let draft = Draft {
        unit: home.0.to_string(),
        stage: Stage::Active.as_str().into(),
        since: today().to_string(),
        ..Draft::default()
    };
    new_page(lang, id.as_ref(), &m.0, draft, None).await
}

/// The classifications picked from their lists and the typed text, as
/// core checks them ([`InitiativeFields::check`]): used by the registration
/// and by the correction.
pub(super) fn fields_of(d: &Draft) -> WebResult<InitiativeFields> {
    let participant_kind = ParticipantKind::parse(&d.participant_kind)
        .ok_or_else(|| bad("Hãy chọn phân loại theo đối tượng tham gia."))?;
    let leader_kind =
        LeaderKind::parse(&d.leader_kind).ok_or_else(|| bad("Hãy chọn phân loại theo người đứng đầu mô hình."))?;
    let content_kind =
        ContentKind::parse(&d.content_kind).ok_or_else(|| bad("Hãy chọn phân loại theo nội dung, tính chất."))?;
    let focus = d
        .focus
        .iter()
        .map(|f| Focus::parse(f).ok_or_else(|| bad("Nội dung trọng tâm không hợp lệ.")))
        .collect::<WebResult<Vec<Focus>>>()?;
    let text = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    Ok(InitiativeFields {
        name: d.name.clone(),
        leader_name: text(&d.leader),
        participant_kind,
        leader_kind,
        content_kind,
        focus,
        criteria: d.criteria,
        description: text(&d.description),
    })
}

async fn input_of(g: &Granted, d: &Draft) -> WebResult<CheckedInitiative> {
    let unit = unit_in_scope(g, &d.unit).await?;
    let f = fields_of(d)?;
    let stage = Stage::parse(&d.stage).ok_or_else(|| bad("Hãy chọn giai đoạn ban đầu."))?;
    let since = required_day(&d.since, "ngày bắt đầu giai đoạn")?;
    let input = InitiativeInput {
        unit,
        name: f.name,
        leader_name: f.leader_name,
        participant_kind: f.participant_kind,
        leader_kind: f.leader_kind,
        content_kind: f.content_kind,
        focus: f.focus,
        criteria: f.criteria,
        description: f.description,
        stage,
        since,
    };
    Ok(input.check()?)
}

pub async fn create(Page { lang, id }: Page, m: MovementWrite, fields: Fields) -> WebResult<Response> {
    let g = &m.0;
    let draft = Draft::of(&fields);
    let result = async {
        let input = input_of(g, &draft).await?;
        let mut tx = g.write_for(input.unit()).await?;
        let new_id = tx.create_initiative(&input).await?;
        tx.commit().await?;
        Ok::<_, WebError>(new_id)
    }
    .await;
    match result {
        Ok(new_id) => Ok(see_other(format!("/movement/initiatives/{new_id}"))),
        Err(e) => {
            let error = FormError::of("new", e)?;
            Ok(refused(new_page(lang, id.as_ref(), g, draft, Some(error.message)).await?))
        }
    }
}

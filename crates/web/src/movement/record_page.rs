//! One page to correct a record (issue 18), shared by plans and
//! resolutions, village activities, page posts and budget entries: the
//! correction form pre-filled with the current values (or with what was
//! typed, after a refusal, the reason beside the form), the void form with
//! its required reason, the secretariat's restore of a voided record, and
//! the record's change history (who, when, what changed).

use askama::Template;
use axum::response::Html;
use khienmang_core::movement::RecordKind;
use khienmang_store::movement::{RecordChange, Voided};

use crate::access::{Identity, RequestLang};
use crate::error::WebResult;
use crate::i18n::Tr;
use crate::kit::form::{Fields, FormError, Opt, Refusal};
use crate::kit::history::{self, ChangeRow};
use crate::page::{Chrome, render};
use crate::reports::local_time;

/// How a field is typed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    Date,
    /// A whole number as people write it ("12.500.000").
    Numeric,
    /// Picked from the options.
    Select,
    /// A file to replace the current one (optional).
    File,
}

impl Input {
    pub fn is_select(&self) -> bool {
        *self == Input::Select
    }
    pub fn is_file(&self) -> bool {
        *self == Input::File
    }
    /// The `type` of an `<input>`.
    pub fn html_type(&self) -> &'static str {
        match self {
            Input::Date => "date",
            _ => "text",
        }
    }
    pub fn is_numeric(&self) -> bool {
        *self == Input::Numeric
    }
}

/// One field of the correction form.
pub struct FieldView {
    pub name: &'static str,
    /// The label's key in the string tables.
    pub label: &'static str,
    pub input: Input,
    pub value: String,
    pub options: Vec<Opt>,
    pub required: bool,
}

impl FieldView {
    /// A typed field, showing `current` (or what was typed, after a refusal).
    pub fn typed(name: &'static str, label: &'static str, input: Input, current: String, entered: &Fields) -> Self {
        let value = if entered.0.is_empty() { current } else { entered.get(name).to_string() };
        FieldView { name, label, input, value, options: Vec::new(), required: input != Input::Numeric }
    }

    /// A pick from `options` (the current one marked), required.
    pub fn pick(name: &'static str, label: &'static str, options: Vec<Opt>) -> Self {
        FieldView { name, label, input: Input::Select, value: String::new(), options, required: true }
    }

    /// An optional field.
    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }
}

/// What a record's page shows about it.
pub struct RecordView {
    /// The menu entry the page is under (`movement`, `budget`).
    pub nav: &'static str,
    /// The page's heading key and the record's own name.
    pub heading: &'static str,
    pub name: String,
    /// Where the record is listed, and that list's key.
    pub back: String,
    pub back_label: &'static str,
    /// The record's address: `{base}/edit`, `{base}/void`, `{base}/restore`.
    pub base: String,
    pub multipart: bool,
    pub fields: Vec<FieldView>,
    pub voided: Option<Voided>,
    pub kind: RecordKind,
    pub history: Vec<RecordChange>,
    /// The names its history shows instead of ids.
    pub names: crate::kit::history::Names,
}

#[derive(Template)]
#[template(path = "movement/record_edit.html")]
struct RecordPage {
    chrome: Chrome,
    heading: &'static str,
    name: String,
    back: String,
    back_label: &'static str,
    base: String,
    multipart: bool,
    fields: Vec<FieldView>,
    voided: Option<String>,
    may_restore: bool,
    saved: bool,
    changes: Vec<ChangeRow>,
    form: Refusal,
}

/// The record's page; `error` beside the form it came from (`edit`, `void`
/// or `restore`), `entered` what was typed.
pub fn record_page(
    lang: RequestLang,
    id: Option<&Identity>,
    r: RecordView,
    may_restore: bool,
    saved: bool,
    error: Option<FormError>,
    entered: Fields,
) -> WebResult<Html<String>> {
    let kind = r.kind;
    render(&RecordPage {
        chrome: Chrome::new(lang, id, r.nav),
        heading: r.heading,
        name: r.name,
        back: r.back,
        back_label: r.back_label,
        base: r.base,
        multipart: r.multipart,
        fields: r.fields,
        voided: r.voided.map(|v| format!("{} · {} · {}", local_time(&v.at), v.by, v.reason)),
        may_restore,
        saved,
        changes: r.history.into_iter().map(|c| history::row(Tr { lang: lang.0 }, kind, c, &r.names)).collect(),
        form: Refusal { error, entered },
    })
}

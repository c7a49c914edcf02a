//! The survey builder: a survey as its author types it in a form (every
//! field a string, kept as typed so a refused form comes back intact), the
//! builder's actions (add, move, remove a question; add or remove a skip
//! rule), and the checks that turn a draft into a [`Survey`] with every
//! refusal tied to the field it is about.
//!
//! The form's field names: `title`, `anonymous`, and for question `i`
//! (0-based, in the order shown) `q{i}.key`, `q{i}.text`, `q{i}.required`,
//! `q{i}.kind`, `q{i}.choices` (one a line), `q{i}.max_selected`,
//! `q{i}.min`, `q{i}.max`, `q{i}.min_label`, `q{i}.max_label`,
//! `q{i}.max_chars`, and for its rule `j` `q{i}.r{j}.choice`,
//! `q{i}.r{j}.op`, `q{i}.r{j}.value`, `q{i}.r{j}.to`. The question key is
//! made here and carried in a hidden field: the author never types it.

use std::collections::BTreeSet;

use super::form::{
    CompareOp, Condition, MAX_SCALE_POINTS, MAX_SURVEY_CHOICES, MAX_TEXT_CHARS, QuestionKind, SkipRule, SkipTarget,
    Survey, SurveyQuestion,
};
use crate::text::fold;

/// Questions in one survey: a longer form is not finished on a phone.
pub const MAX_QUESTIONS: usize = 40;
/// Skip rules on one question.
pub const MAX_RULES: usize = 10;
/// Longest survey title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest question text, in characters.
pub const MAX_QUESTION_CHARS: usize = 500;
/// Longest choice or scale label, in characters.
pub const MAX_CHOICE_CHARS: usize = 200;
/// Longest question key (made by the builder, or from an import).
pub const MAX_KEY_CHARS: usize = 40;
/// Name/value pairs read from one builder form: every field of the largest
/// survey, with room to spare; the rest is ignored.
pub const MAX_FIELDS: usize = MAX_QUESTIONS * (12 + 4 * MAX_RULES) + 16;

/// The kinds of question the builder offers, by their form value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftKind {
    Choice,
    Multiple,
    Scale,
    Number,
    Text,
}

impl DraftKind {
    pub const ALL: [DraftKind; 5] =
        [DraftKind::Choice, DraftKind::Multiple, DraftKind::Scale, DraftKind::Number, DraftKind::Text];

    pub fn code(self) -> &'static str {
        match self {
            DraftKind::Choice => "choice",
            DraftKind::Multiple => "multiple",
            DraftKind::Scale => "scale",
            DraftKind::Number => "number",
            DraftKind::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<DraftKind> {
        DraftKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Whether a rule on this kind tests a choice (else it compares a number).
    pub fn has_choices(self) -> bool {
        matches!(self, DraftKind::Choice | DraftKind::Multiple)
    }

    /// Whether a skip rule can test an answer of this kind.
    pub fn takes_rules(self) -> bool {
        self != DraftKind::Text
    }
}

/// A skip rule as typed: which fields count depends on the question's kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftRule {
    /// The choice's position (as a string, from a menu of the question's choices).
    pub choice: String,
    /// lt, le, eq, ne, ge, gt (scale and number).
    pub op: String,
    pub value: String,
    /// A later question's key, or "end".
    pub to: String,
}

/// A question as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftQuestion {
    pub key: String,
    pub text: String,
    pub required: bool,
    pub kind: DraftKind,
    /// One choice a line.
    pub choices: String,
    pub max_selected: String,
    pub min: String,
    pub max: String,
    pub min_label: String,
    pub max_label: String,
    pub max_chars: String,
    pub rules: Vec<DraftRule>,
}

impl DraftQuestion {
    /// A new question of `kind` with sensible defaults (a 1–5 scale, 500 characters).
    pub fn new(key: String, kind: DraftKind) -> DraftQuestion {
        DraftQuestion {
            key,
            text: String::new(),
            required: kind != DraftKind::Text,
            kind,
            choices: String::new(),
            max_selected: String::new(),
            min: if kind == DraftKind::Scale { "1".into() } else { String::new() },
            max: if kind == DraftKind::Scale { "5".into() } else { String::new() },
            min_label: String::new(),
            max_label: String::new(),
            max_chars: "500".into(),
            rules: Vec::new(),
        }
    }

    /// The choices, one a line, blank lines dropped.
    pub fn choice_list(&self) -> Vec<String> {
        self.choices.lines().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect()
    }
}

/// A survey as typed in the builder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyDraft {
    pub title: String,
    pub anonymous: bool,
    pub questions: Vec<DraftQuestion>,
}

/// One change the builder makes to a draft (a button of the form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuilderAction {
    Add(DraftKind),
    Up(usize),
    Down(usize),
    Remove(usize),
    AddRule(usize),
    RemoveRule(usize, usize),
}

impl BuilderAction {
    /// The action of a button value: `add:<kind>`, `up:3`, `down:3`,
    /// `remove:3`, `rule:3`, `unrule:3:1`. Anything else is no action.
    pub fn parse(s: &str) -> Option<BuilderAction> {
        let mut parts = s.splitn(3, ':');
        let verb = parts.next()?;
        let a = parts.next()?;
        let n = || a.parse::<usize>().ok().filter(|i| *i < MAX_QUESTIONS);
        Some(match verb {
            "add" => BuilderAction::Add(DraftKind::parse(a)?),
            "up" => BuilderAction::Up(n()?),
            "down" => BuilderAction::Down(n()?),
            "remove" => BuilderAction::Remove(n()?),
            "rule" => BuilderAction::AddRule(n()?),
            "unrule" => BuilderAction::RemoveRule(n()?, parts.next()?.parse().ok().filter(|j| *j < MAX_RULES)?),
            _ => return None,
        })
    }
}

/// Why the builder refuses a draft; the web layer translates the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildError {
    NoTitle,
    TitleTooLong,
    NoQuestions,
    TooManyQuestions,
    NoText,
    TextTooLong,
    ChoiceCount,
    ChoiceTooLong,
    RepeatedChoice,
    BadMaxSelected,
    BadScale,
    LabelTooLong,
    BadNumber,
    BadRange,
    BadTextLimit,
    TooManyRules,
    RuleChoice,
    RuleValue,
    RuleTarget,
    RuleBackward,
    /// A question key that is not the builder's (a tampered form or an import).
    BadKey,
    RepeatedKey,
}

impl BuildError {
    /// The translation key of the message shown beside the field.
    pub fn key(self) -> &'static str {
        match self {
            BuildError::NoTitle => "sb.err.no_title",
            BuildError::TitleTooLong => "sb.err.title_long",
            BuildError::NoQuestions => "sb.err.no_questions",
            BuildError::TooManyQuestions => "sb.err.too_many_questions",
            BuildError::NoText => "sb.err.no_text",
            BuildError::TextTooLong => "sb.err.text_long",
            BuildError::ChoiceCount => "sb.err.choice_count",
            BuildError::ChoiceTooLong => "sb.err.choice_long",
            BuildError::RepeatedChoice => "sb.err.choice_repeated",
            BuildError::BadMaxSelected => "sb.err.max_selected",
            BuildError::BadScale => "sb.err.scale",
            BuildError::LabelTooLong => "sb.err.label_long",
            BuildError::BadNumber => "sb.err.number",
            BuildError::BadRange => "sb.err.range",
            BuildError::BadTextLimit => "sb.err.text_limit",
            BuildError::TooManyRules => "sb.err.too_many_rules",
            BuildError::RuleChoice => "sb.err.rule_choice",
            BuildError::RuleValue => "sb.err.rule_value",
            BuildError::RuleTarget => "sb.err.rule_target",
            BuildError::RuleBackward => "sb.err.rule_backward",
            BuildError::BadKey => "sb.err.key",
            BuildError::RepeatedKey => "sb.err.key_repeated",
        }
    }
}

/// A refusal and the form field it is shown beside (`title`, `q2.choices`,
/// `q2.r0.to`, or `questions` for the list as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub error: BuildError,
}

fn bounded(s: &str, max_chars: usize) -> String {
    // Kept as typed, but never more than twice the bound (so a refused form
    // shows the overflow without holding a megabyte).
    s.chars().take(max_chars * 2).collect()
}

fn key_ok(k: &str) -> bool {
    !k.is_empty()
        && k.chars().count() <= MAX_KEY_CHARS
        && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl SurveyDraft {
    /// The draft in a submitted builder form. Bounded: at most
    /// [`MAX_FIELDS`] pairs are read, question and rule positions past
    /// their limits are ignored, every text is cut at twice its limit.
    pub fn from_fields(fields: &[(String, String)]) -> SurveyDraft {
        let mut draft = SurveyDraft::default();
        // Questions by position; a gap (a removed question's fields) closes up.
        let mut slots: Vec<Option<DraftQuestion>> = vec![None; MAX_QUESTIONS];
        let mut rules: Vec<Vec<Option<DraftRule>>> = vec![vec![None; MAX_RULES]; MAX_QUESTIONS];
        for (name, value) in fields.iter().take(MAX_FIELDS) {
            match name.as_str() {
                "title" => draft.title = bounded(value, MAX_TITLE_CHARS),
                "anonymous" => draft.anonymous = !value.is_empty(),
                _ => {}
            }
            let Some(rest) = name.strip_prefix('q') else { continue };
            let Some((i, field)) = rest.split_once('.') else { continue };
            let Some(i) = i.parse::<usize>().ok().filter(|i| *i < MAX_QUESTIONS) else { continue };
            let q = slots[i].get_or_insert_with(|| {
                let mut q = DraftQuestion::new(String::new(), DraftKind::Choice);
                (q.required, q.min, q.max, q.max_chars) = (false, String::new(), String::new(), String::new());
                q
            });
            match field {
                "key" => q.key = bounded(value.trim(), MAX_KEY_CHARS),
                "text" => q.text = bounded(value, MAX_QUESTION_CHARS),
                "required" => q.required = !value.is_empty(),
                "kind" => q.kind = DraftKind::parse(value.trim()).unwrap_or(DraftKind::Choice),
                "choices" => q.choices = bounded(value, (MAX_CHOICE_CHARS + 1) * MAX_SURVEY_CHOICES),
                "max_selected" => q.max_selected = bounded(value.trim(), 8),
                "min" => q.min = bounded(value.trim(), 20),
                "max" => q.max = bounded(value.trim(), 20),
                "min_label" => q.min_label = bounded(value, MAX_CHOICE_CHARS),
                "max_label" => q.max_label = bounded(value, MAX_CHOICE_CHARS),
                "max_chars" => q.max_chars = bounded(value.trim(), 8),
                _ => {
                    let Some((r, part)) = field.strip_prefix('r').and_then(|f| f.split_once('.')) else { continue };
                    let Some(j) = r.parse::<usize>().ok().filter(|j| *j < MAX_RULES) else { continue };
                    let rule = rules[i][j].get_or_insert_with(DraftRule::default);
                    let v = bounded(value.trim(), MAX_KEY_CHARS + 2);
                    match part {
                        "choice" => rule.choice = v,
                        "op" => rule.op = v,
                        "value" => rule.value = v,
                        "to" => rule.to = v,
                        _ => {}
                    }
                }
            }
        }
        for (i, slot) in slots.into_iter().enumerate() {
            if let Some(mut q) = slot {
                q.rules = rules[i].iter_mut().filter_map(Option::take).collect();
                draft.questions.push(q);
            }
        }
        draft.fill_keys();
        draft
    }

    /// Gives every question without a sound key a new one ("q7"), never
    /// one in use.
    fn fill_keys(&mut self) {
        let mut used: BTreeSet<String> = self.questions.iter().map(|q| q.key.clone()).collect();
        for q in &mut self.questions {
            if !key_ok(&q.key) {
                q.key = next_key(&used);
                used.insert(q.key.clone());
            }
        }
    }

    /// Applies one builder action. Out-of-range positions change nothing.
    pub fn apply(&mut self, action: BuilderAction) {
        let len = self.questions.len();
        match action {
            BuilderAction::Add(kind) if len < MAX_QUESTIONS => {
                let used: BTreeSet<String> = self.questions.iter().map(|q| q.key.clone()).collect();
                self.questions.push(DraftQuestion::new(next_key(&used), kind));
            }
            BuilderAction::Add(_) => {}
            BuilderAction::Up(i) if i > 0 && i < len => self.questions.swap(i - 1, i),
            BuilderAction::Down(i) if i + 1 < len => self.questions.swap(i, i + 1),
            BuilderAction::Up(_) | BuilderAction::Down(_) => {}
            BuilderAction::Remove(i) if i < len => {
                let gone = self.questions.remove(i).key;
                // A rule sending respondents to the removed question has nowhere to go.
                for q in &mut self.questions {
                    q.rules.retain(|r| r.to != gone);
                }
            }
            BuilderAction::Remove(_) => {}
            BuilderAction::AddRule(i) => {
                if let Some(q) = self.questions.get_mut(i)
                    && q.kind.takes_rules()
                    && q.rules.len() < MAX_RULES
                {
                    q.rules.push(DraftRule { op: "eq".into(), to: "end".into(), ..DraftRule::default() });
                }
            }
            BuilderAction::RemoveRule(i, j) => {
                if let Some(q) = self.questions.get_mut(i)
                    && j < q.rules.len()
                {
                    q.rules.remove(j);
                }
            }
        }
    }

    /// The survey the draft describes, or every refusal with its field.
    pub fn to_survey(&self) -> Result<Survey, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field: String, error: BuildError| errors.push(FieldError { field, error });
        let title = self.title.trim();
        if title.is_empty() {
            err("title".into(), BuildError::NoTitle);
        } else if title.chars().count() > MAX_TITLE_CHARS {
            err("title".into(), BuildError::TitleTooLong);
        }
        if self.questions.is_empty() {
            err("questions".into(), BuildError::NoQuestions);
        } else if self.questions.len() > MAX_QUESTIONS {
            err("questions".into(), BuildError::TooManyQuestions);
        }
        let mut keys = BTreeSet::new();
        let mut questions = Vec::new();
        for (i, q) in self.questions.iter().enumerate() {
            let f = |name: &str| format!("q{i}.{name}");
            if !key_ok(&q.key) {
                err(f("text"), BuildError::BadKey);
            } else if !keys.insert(q.key.as_str()) {
                err(f("text"), BuildError::RepeatedKey);
            }
            let text = q.text.trim();
            if text.is_empty() {
                err(f("text"), BuildError::NoText);
            } else if text.chars().count() > MAX_QUESTION_CHARS {
                err(f("text"), BuildError::TextTooLong);
            }
            let kind = match q.kind {
                DraftKind::Choice | DraftKind::Multiple => {
                    let choices = q.choice_list();
                    if !(2..=MAX_SURVEY_CHOICES).contains(&choices.len()) {
                        err(f("choices"), BuildError::ChoiceCount);
                    } else if choices.iter().any(|c| c.chars().count() > MAX_CHOICE_CHARS) {
                        err(f("choices"), BuildError::ChoiceTooLong);
                    } else {
                        let mut seen = BTreeSet::new();
                        if !choices.iter().all(|c| seen.insert(fold(c))) {
                            err(f("choices"), BuildError::RepeatedChoice);
                        }
                    }
                    if q.kind == DraftKind::Choice {
                        Some(QuestionKind::SingleChoice { choices })
                    } else {
                        let max_selected = match q.max_selected.trim() {
                            "" => None,
                            m => match m.parse::<usize>() {
                                Ok(m) if (1..=choices.len().max(1)).contains(&m) => Some(m),
                                _ => {
                                    err(f("max_selected"), BuildError::BadMaxSelected);
                                    None
                                }
                            },
                        };
                        Some(QuestionKind::MultipleChoice { choices, max_selected })
                    }
                }
                DraftKind::Scale => {
                    let (lo, hi) = (q.min.trim().parse::<i32>(), q.max.trim().parse::<i32>());
                    let labels_ok =
                        [&q.min_label, &q.max_label].iter().all(|l| l.trim().chars().count() <= MAX_CHOICE_CHARS);
                    if !labels_ok {
                        err(f("min_label"), BuildError::LabelTooLong);
                    }
                    match (lo, hi) {
                        (Ok(lo), Ok(hi))
                            if hi > lo && i64::from(hi) - i64::from(lo) < MAX_SCALE_POINTS as i64 && lo >= -100 =>
                        {
                            Some(QuestionKind::Scale {
                                min: lo,
                                max: hi,
                                min_label: q.min_label.trim().to_owned(),
                                max_label: q.max_label.trim().to_owned(),
                            })
                        }
                        _ => {
                            err(f("min"), BuildError::BadScale);
                            None
                        }
                    }
                }
                DraftKind::Number => {
                    let parse = |s: &str| -> Result<Option<i64>, ()> {
                        match s.trim() {
                            "" => Ok(None),
                            v => v.parse::<i64>().map(Some).map_err(|_| ()),
                        }
                    };
                    match (parse(&q.min), parse(&q.max)) {
                        (Ok(min), Ok(max)) => {
                            if let (Some(lo), Some(hi)) = (min, max)
                                && lo > hi
                            {
                                err(f("min"), BuildError::BadRange);
                            }
                            Some(QuestionKind::Number { min, max, bins: Vec::new() })
                        }
                        _ => {
                            err(f("min"), BuildError::BadNumber);
                            None
                        }
                    }
                }
                DraftKind::Text => match q.max_chars.trim().parse::<usize>() {
                    Ok(m) if (1..=MAX_TEXT_CHARS).contains(&m) => Some(QuestionKind::Text { max_chars: m }),
                    _ => {
                        err(f("max_chars"), BuildError::BadTextLimit);
                        None
                    }
                },
            };
            if q.rules.len() > MAX_RULES {
                err(f("rules"), BuildError::TooManyRules);
            }
            let mut skip = Vec::new();
            for (j, r) in q.rules.iter().enumerate() {
                let rf = |name: &str| format!("q{i}.r{j}.{name}");
                let when = if q.kind.has_choices() {
                    match r.choice.parse::<usize>() {
                        Ok(c) if c < q.choice_list().len() => Some(Condition::Chose { choice: c }),
                        _ => {
                            err(rf("choice"), BuildError::RuleChoice);
                            None
                        }
                    }
                } else if q.kind.takes_rules() {
                    match (op_of(&r.op), r.value.trim().parse::<i64>()) {
                        (Some(op), Ok(value)) => Some(Condition::Compare { op, value }),
                        _ => {
                            err(rf("value"), BuildError::RuleValue);
                            None
                        }
                    }
                } else {
                    err(rf("choice"), BuildError::RuleValue);
                    None
                };
                let then = if r.to == "end" {
                    Some(SkipTarget::End)
                } else {
                    match self.questions.iter().position(|o| o.key == r.to) {
                        Some(t) if t > i => Some(SkipTarget::Question(r.to.clone())),
                        Some(_) => {
                            err(rf("to"), BuildError::RuleBackward);
                            None
                        }
                        None => {
                            err(rf("to"), BuildError::RuleTarget);
                            None
                        }
                    }
                };
                if let (Some(when), Some(then)) = (when, then) {
                    skip.push(SkipRule { when, then });
                }
            }
            if let Some(kind) = kind {
                questions.push(SurveyQuestion {
                    id: q.key.clone(),
                    text: text.to_owned(),
                    required: q.required,
                    kind,
                    skip,
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let survey = Survey { title: title.to_owned(), anonymous: self.anonymous, questions };
        // The definition's own checks; the builder's above catch all of them
        // first, so this is the net under a change to either.
        match survey.validate() {
            Ok(()) => Ok(survey),
            Err(_) => Err(vec![FieldError { field: "questions".into(), error: BuildError::NoQuestions }]),
        }
    }

    /// The builder's view of a stored or imported survey (a number
    /// question's result ranges are not offered by the builder and dropped).
    pub fn from_survey(s: &Survey) -> SurveyDraft {
        let questions = s
            .questions
            .iter()
            .map(|q| {
                let kind = match &q.kind {
                    QuestionKind::SingleChoice { .. } => DraftKind::Choice,
                    QuestionKind::MultipleChoice { .. } => DraftKind::Multiple,
                    QuestionKind::Scale { .. } => DraftKind::Scale,
                    QuestionKind::Number { .. } => DraftKind::Number,
                    QuestionKind::Text { .. } => DraftKind::Text,
                };
                let mut d = DraftQuestion::new(q.id.clone(), kind);
                d.text = q.text.clone();
                d.required = q.required;
                match &q.kind {
                    QuestionKind::SingleChoice { choices } => d.choices = choices.join("\n"),
                    QuestionKind::MultipleChoice { choices, max_selected } => {
                        d.choices = choices.join("\n");
                        d.max_selected = max_selected.map(|m| m.to_string()).unwrap_or_default();
                    }
                    QuestionKind::Scale { min, max, min_label, max_label } => {
                        (d.min, d.max) = (min.to_string(), max.to_string());
                        (d.min_label, d.max_label) = (min_label.clone(), max_label.clone());
                    }
                    QuestionKind::Number { min, max, .. } => {
                        d.min = min.map(|v| v.to_string()).unwrap_or_default();
                        d.max = max.map(|v| v.to_string()).unwrap_or_default();
                    }
                    QuestionKind::Text { max_chars } => d.max_chars = max_chars.to_string(),
                }
                d.rules = q
                    .skip
                    .iter()
                    .map(|r| {
                        let mut dr = DraftRule::default();
                        match &r.when {
                            Condition::Chose { choice } => dr.choice = choice.to_string(),
                            Condition::Compare { op, value } => {
                                dr.op = op_code(*op).into();
                                dr.value = value.to_string();
                            }
                        }
                        dr.to = match &r.then {
                            SkipTarget::End => "end".into(),
                            SkipTarget::Question(t) => t.clone(),
                        };
                        dr
                    })
                    .collect();
                d
            })
            .collect();
        SurveyDraft { title: s.title.clone(), anonymous: s.anonymous, questions }
    }
}

/// The comparison operators by their form value, in menu order.
pub const OPS: [(&str, CompareOp); 6] = [
    ("lt", CompareOp::Lt),
    ("le", CompareOp::Le),
    ("eq", CompareOp::Eq),
    ("ne", CompareOp::Ne),
    ("ge", CompareOp::Ge),
    ("gt", CompareOp::Gt),
];

fn op_of(s: &str) -> Option<CompareOp> {
    OPS.iter().find(|(c, _)| *c == s.trim()).map(|(_, op)| *op)
}

fn op_code(op: CompareOp) -> &'static str {
    OPS.iter().find(|(_, o)| *o == op).map(|(c, _)| *c).unwrap_or("eq")
}

/// The first "q{n}" not in use.
fn next_key(used: &BTreeSet<String>) -> String {
    (1..).map(|n| format!("q{n}")).find(|k| !used.contains(k)).unwrap_or_else(|| "q0".into())
}

/// Where a JSON import went wrong, for the field error beside the box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Longer than [`MAX_IMPORT_BYTES`].
    TooLarge,
    /// Not a survey definition; the line and column of the first problem.
    Unreadable { line: usize, column: usize },
}

/// The longest JSON definition imported.
pub const MAX_IMPORT_BYTES: usize = 256 * 1024;

/// A survey definition in JSON, read into a draft for the builder (which
/// then applies its own checks before anything is saved).
pub fn import_json(json: &str) -> Result<SurveyDraft, ImportError> {
    if json.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let survey: Survey =
        serde_json::from_str(json).map_err(|e| ImportError::Unreadable { line: e.line(), column: e.column() })?;
    if survey.questions.len() > MAX_QUESTIONS {
        let mut d = SurveyDraft::from_survey(&Survey { questions: Vec::new(), ..survey.clone() });
        d.questions = SurveyDraft::from_survey(&survey).questions.into_iter().take(MAX_QUESTIONS).collect();
        return Ok(d);
    }
    Ok(SurveyDraft::from_survey(&survey))
}

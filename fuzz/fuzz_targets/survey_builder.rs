//! Any body as the survey builder's form (name=value pairs) and as a JSON
//! definition to import: read within the builder's limits, any action
//! applied, and whatever the builder accepts is a survey that passes the
//! definition's own checks and whose pages cover exactly the path.
#![no_main]

use khienmang_core::outreach::Answers;
use khienmang_core::outreach::survey::{BuilderAction, MAX_QUESTIONS, MAX_RULES, SurveyDraft, import_json};
use libfuzzer_sys::fuzz_target;

fn check(mut d: SurveyDraft, action: &str) {
    assert!(d.questions.len() <= MAX_QUESTIONS);
    assert!(d.questions.iter().all(|q| q.rules.len() <= MAX_RULES));
    if let Some(a) = BuilderAction::parse(action) {
        d.apply(a);
    }
    if let Ok(s) = d.to_survey() {
        assert!(s.validate().is_ok());
        let answers = Answers::new();
        let mut shown = Vec::new();
        let mut at = Some(0);
        while let Some(start) = at {
            shown.extend(s.questions[s.page_at(start)].iter().map(|q| q.id.as_str()));
            at = s.next_page(start, &answers);
        }
        assert_eq!(shown, s.path(&answers));
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let fields: Vec<(String, String)> = text
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (kv.to_owned(), String::new()),
        })
        .collect();
    let action = fields.iter().find(|(k, _)| k == "action").map(|(_, v)| v.clone()).unwrap_or_default();
    check(SurveyDraft::from_fields(&fields), &action);
    if let Ok(d) = import_json(text) {
        check(d, &action);
    }
});

//! Tests of the survey builder (form fields → draft → survey, the actions)
//! and of answering in pages (skip rules decide the next page).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use super::*;
use proptest::prelude::*;

fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The form of a three-question survey: "No" on q0 skips to the scale.
fn form() -> Vec<(String, String)> {
    f(&[
        ("title", "Khảo sát phòng, chống lừa đảo"),
        ("anonymous", "1"),
        ("q0.key", "q1"),
        ("q0.text", "Anh/chị có nhận cuộc gọi lừa đảo?"),
        ("q0.required", "1"),
        ("q0.kind", "choice"),
        ("q0.choices", "Có\r\nKhông\r\n"),
        ("q0.r0.choice", "1"),
        ("q0.r0.to", "q3"),
        ("q1.key", "q2"),
        ("q1.text", "Anh/chị đã làm gì?"),
        ("q1.kind", "multiple"),
        ("q1.choices", "Báo công an\nBỏ qua"),
        ("q2.key", "q3"),
        ("q2.text", "Mức độ hữu ích"),
        ("q2.required", "1"),
        ("q2.kind", "scale"),
        ("q2.min", "1"),
        ("q2.max", "5"),
        ("q2.min_label", "Thấp"),
        ("q2.max_label", "Cao"),
    ])
}

#[test]
fn a_form_becomes_a_survey_with_its_skip_rule() {
    let s = SurveyDraft::from_fields(&form()).to_survey().unwrap();
    assert_eq!(s.title, "Khảo sát phòng, chống lừa đảo");
    assert!(s.anonymous);
    assert_eq!(s.questions.len(), 3);
    assert_eq!(s.questions[0].kind, QuestionKind::SingleChoice { choices: vec!["Có".into(), "Không".into()] });
    assert_eq!(
        s.questions[0].skip,
        vec![SkipRule { when: Condition::Chose { choice: 1 }, then: SkipTarget::Question("q3".into()) }]
    );
    assert!(!s.questions[1].required);
    let no: Answers = [("q1".to_string(), Answer::Choice(1))].into();
    assert_eq!(s.path(&no), ["q1", "q3"]);
}

#[test]
fn a_survey_round_trips_through_the_builder() {
    let s = SurveyDraft::from_fields(&form()).to_survey().unwrap();
    assert_eq!(SurveyDraft::from_survey(&s).to_survey().unwrap(), s);
}

#[test]
fn each_refusal_names_its_field() {
    let mut fields = form();
    fields.retain(|(k, _)| k != "title" && k != "q1.text");
    fields.push(("q0.choices".into(), String::new()));
    // A rule going back to the first question.
    fields.extend(f(&[("q2.r0.op", "lt"), ("q2.r0.value", "3"), ("q2.r0.to", "q1")]));
    let d = SurveyDraft::from_fields(&fields);
    let errors = d.to_survey().unwrap_err();
    let fields: Vec<(&str, BuildError)> = errors.iter().map(|e| (e.field.as_str(), e.error)).collect();
    assert!(fields.contains(&("title", BuildError::NoTitle)), "{fields:?}");
    assert!(fields.contains(&("q1.text", BuildError::NoText)), "{fields:?}");
    assert!(fields.contains(&("q2.r0.to", BuildError::RuleBackward)), "{fields:?}");
}

#[test]
fn choices_are_counted_and_repeats_refused_ignoring_accents() {
    let mut fields = form();
    fields.retain(|(k, _)| k != "q0.choices");
    fields.push(("q0.choices".into(), "Có\nCo".into()));
    let e = SurveyDraft::from_fields(&fields).to_survey().unwrap_err();
    assert_eq!(e[0].field, "q0.choices");
    assert_eq!(e[0].error, BuildError::RepeatedChoice);
    let many = (0..=MAX_SURVEY_CHOICES).map(|i| format!("Phương án {i}")).collect::<Vec<_>>().join("\n");
    let mut fields = form();
    fields.retain(|(k, _)| k != "q0.choices");
    fields.push(("q0.choices".into(), many));
    let e = SurveyDraft::from_fields(&fields).to_survey().unwrap_err();
    assert_eq!(e[0].error, BuildError::ChoiceCount);
}

#[test]
fn actions_add_move_and_remove_questions_and_rules() {
    let mut d = SurveyDraft::from_fields(&form());
    d.apply(BuilderAction::Add(DraftKind::Text));
    assert_eq!(d.questions.len(), 4);
    assert_eq!(d.questions[3].key, "q4", "a new key, never one in use");
    assert_eq!(d.questions[3].kind, DraftKind::Text);
    d.apply(BuilderAction::Up(3));
    assert_eq!(d.questions[2].key, "q4");
    d.apply(BuilderAction::Down(2));
    assert_eq!(d.questions[3].key, "q4");
    // Removing the rule's target removes the rule: nowhere left to go.
    d.apply(BuilderAction::Remove(2));
    assert!(d.questions[0].rules.is_empty());
    d.apply(BuilderAction::AddRule(0));
    assert_eq!(d.questions[0].rules.len(), 1);
    d.apply(BuilderAction::AddRule(2));
    assert!(d.questions[2].rules.is_empty(), "a text answer takes no rule");
    d.apply(BuilderAction::RemoveRule(0, 0));
    assert!(d.questions[0].rules.is_empty());
    // Out of range: nothing happens.
    let before = d.clone();
    d.apply(BuilderAction::Up(0));
    d.apply(BuilderAction::Down(2));
    d.apply(BuilderAction::Remove(9));
    assert_eq!(d, before);
}

#[test]
fn moving_a_target_above_its_rule_is_refused_beside_the_rule() {
    let mut d = SurveyDraft::from_fields(&form());
    d.apply(BuilderAction::Up(2));
    d.apply(BuilderAction::Up(1));
    let e = d.to_survey().unwrap_err();
    assert_eq!(e, vec![FieldError { field: "q1.r0.to".into(), error: BuildError::RuleBackward }]);
}

#[test]
fn action_values_parse_and_stay_in_bounds() {
    assert_eq!(BuilderAction::parse("add:scale"), Some(BuilderAction::Add(DraftKind::Scale)));
    assert_eq!(BuilderAction::parse("unrule:2:1"), Some(BuilderAction::RemoveRule(2, 1)));
    assert_eq!(BuilderAction::parse("up:99999999999999999999"), None);
    assert_eq!(BuilderAction::parse(&format!("remove:{MAX_QUESTIONS}")), None);
    assert_eq!(BuilderAction::parse("add:json"), None);
    assert_eq!(BuilderAction::parse("save"), None);
}

#[test]
fn positions_past_the_limits_are_ignored() {
    let mut fields = form();
    fields.push((format!("q{MAX_QUESTIONS}.text"), "Thừa".into()));
    fields.push((format!("q0.r{MAX_RULES}.to"), "end".into()));
    let d = SurveyDraft::from_fields(&fields);
    assert_eq!(d.questions.len(), 3);
    assert_eq!(d.questions[0].rules.len(), 1);
}

#[test]
fn a_tampered_key_is_replaced() {
    let mut fields = form();
    fields.retain(|(k, _)| k != "q1.key");
    fields.push(("q1.key".into(), "<script>".into()));
    let d = SurveyDraft::from_fields(&fields);
    assert_eq!(d.questions[1].key, "q2", "the first key not in use");
}

#[test]
fn the_json_import_reads_into_the_builder_and_says_where_it_broke() {
    let s = SurveyDraft::from_fields(&form()).to_survey().unwrap();
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(import_json(&json).unwrap().to_survey().unwrap(), s);
    assert_eq!(
        import_json("{\"title\": \"x\",\n \"questions\": [,]}"),
        Err(ImportError::Unreadable { line: 2, column: 16 })
    );
    assert_eq!(import_json(&" ".repeat(MAX_IMPORT_BYTES + 1)), Err(ImportError::TooLarge));
}

// ---- answering in pages ----

#[test]
fn pages_end_at_each_question_with_rules_and_follow_them() {
    let s = SurveyDraft::from_fields(&form()).to_survey().unwrap();
    assert_eq!(s.page_at(0), 0..1);
    assert_eq!(s.page_at(1), 1..3);
    let yes: Answers = [("q1".to_string(), Answer::Choice(0))].into();
    let no: Answers = [("q1".to_string(), Answer::Choice(1))].into();
    assert_eq!(s.next_page(0, &yes), Some(1));
    assert_eq!(s.next_page(0, &no), Some(2), "the skipped question is on no page");
    assert_eq!(s.next_page(1, &yes), None);
    assert!(s.is_page_start(2, &no));
    assert!(!s.is_page_start(2, &yes), "page 2 is not where a yes goes");
    assert!(!s.is_page_start(1, &no));
    // A required answer missing on the page is refused, naming it.
    assert_eq!(s.check_page(0, &Answers::new()), Err(ResponseError::Missing("q1".into())));
    assert_eq!(s.check_page(0, &no), Ok(()));
}

fn arb_draft() -> impl Strategy<Value = SurveyDraft> {
    let rule = (0usize..4, 0usize..6, -3i64..8, 0usize..6).prop_map(|(c, op, v, to)| DraftRule {
        choice: c.to_string(),
        op: OPS[op].0.to_string(),
        value: v.to_string(),
        to: if to == 5 { "end".into() } else { format!("q{to}") },
    });
    let question = (0usize..5, "[a-zA-Zà-ỹ ]{0,12}", 0usize..4, proptest::collection::vec(rule, 0..3), any::<bool>())
        .prop_map(|(kind, text, n, rules, required)| {
            let kind = DraftKind::ALL[kind];
            let mut q = DraftQuestion::new(String::new(), kind);
            q.text = text;
            q.required = required;
            q.choices = (0..n).map(|i| format!("Ý {i}")).collect::<Vec<_>>().join("\n");
            q.rules = rules;
            q
        });
    (proptest::collection::vec(question, 0..7), any::<bool>()).prop_map(|(mut qs, anonymous)| {
        for (i, q) in qs.iter_mut().enumerate() {
            q.key = format!("q{i}");
        }
        SurveyDraft { title: "Khảo sát".into(), anonymous, questions: qs }
    })
}

fn arb_answers() -> impl Strategy<Value = Answers> {
    proptest::collection::btree_map(
        (0usize..7).prop_map(|i| format!("q{i}")),
        prop_oneof![
            (0usize..4).prop_map(Answer::Choice),
            proptest::collection::vec(0usize..4, 0..3).prop_map(Answer::Choices),
            (-3i32..8).prop_map(Answer::Scale),
            (-3i64..8).prop_map(Answer::Number),
            "[a-z]{0,5}".prop_map(Answer::Text),
        ],
        0..7,
    )
}

proptest! {
    /// Whatever the builder accepts passes the definition's own checks, and
    /// comes back unchanged through the builder's view of it.
    #[test]
    fn what_the_builder_accepts_is_a_valid_survey(d in arb_draft()) {
        if let Ok(s) = d.to_survey() {
            prop_assert!(s.validate().is_ok());
            prop_assert_eq!(SurveyDraft::from_survey(&s).to_survey(), Ok(s));
        }
    }

    /// Any fields at all: read without a panic, within the limits.
    #[test]
    fn any_fields_are_read_within_bounds(
        pairs in proptest::collection::vec(("(title|anonymous|q[0-9]{1,3}\\.(key|text|kind|choices|min|max|r[0-9]{1,2}\\.(choice|op|value|to)))", ".{0,30}"), 0..60),
        action in ".{0,12}",
    ) {
        let mut d = SurveyDraft::from_fields(&pairs);
        prop_assert!(d.questions.len() <= MAX_QUESTIONS);
        prop_assert!(d.questions.iter().all(|q| q.rules.len() <= MAX_RULES));
        if let Some(a) = BuilderAction::parse(&action) {
            d.apply(a);
        }
        let _ = d.to_survey();
    }

    /// Answering page by page shows exactly the questions of the path that
    /// the answers take (each once, in order), never a skipped one.
    #[test]
    fn pages_cover_exactly_the_path(d in arb_draft(), answers in arb_answers()) {
        if let Ok(s) = d.to_survey() {
            let mut shown = Vec::new();
            let mut at = Some(0);
            while let Some(start) = at {
                prop_assert!(s.is_page_start(start, &answers));
                shown.extend(s.questions[s.page_at(start)].iter().map(|q| q.id.as_str()));
                at = s.next_page(start, &answers);
            }
            prop_assert_eq!(shown, s.path(&answers));
        }
    }
}

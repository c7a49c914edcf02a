//! Tests of surveys: definitions and skip logic, answers, and results by unit
//! with small groups suppressed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use super::suppression::determined;
use super::*;
use crate::org::UnitId;
use chrono::TimeZone;
use chrono::Utc;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn single(id: &str, choices: &[&str]) -> SurveyQuestion {
    SurveyQuestion {
        id: id.into(),
        text: format!("Câu {id}?"),
        required: true,
        kind: QuestionKind::SingleChoice { choices: choices.iter().map(|c| c.to_string()).collect() },
        skip: vec![],
    }
}

fn scale(id: &str) -> SurveyQuestion {
    SurveyQuestion {
        id: id.into(),
        text: "Mức độ hài lòng?".into(),
        required: true,
        kind: QuestionKind::Scale {
            min: 1,
            max: 5,
            min_label: "Rất không hài lòng".into(),
            max_label: "Rất hài lòng".into(),
        },
        skip: vec![],
    }
}

fn text(id: &str) -> SurveyQuestion {
    SurveyQuestion {
        id: id.into(),
        text: "Góp ý khác?".into(),
        required: false,
        kind: QuestionKind::Text { max_chars: 200 },
        skip: vec![],
    }
}

/// q1: were you targeted by a scam? "No" ends the survey.
/// q2: did you report it? q3: satisfaction 1–5. q4: comments.
fn survey() -> Survey {
    let mut q1 = single("q1", &["Có", "Không"]);
    q1.skip = vec![SkipRule { when: Condition::Chose { choice: 1 }, then: SkipTarget::End }];
    let mut q2 = single("q2", &["Đã báo công an", "Chưa báo"]);
    q2.skip = vec![SkipRule { when: Condition::Chose { choice: 1 }, then: SkipTarget::Question("q4".into()) }];
    Survey {
        title: "Khảo sát hiệu quả tuyên truyền".into(),
        anonymous: true,
        questions: vec![q1, q2, scale("q3"), text("q4")],
    }
}

fn answers(pairs: &[(&str, Answer)]) -> Answers {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

#[test]
fn definitions_are_checked() {
    survey().validate().unwrap();
    let mut s = survey();
    s.questions[1].id = "q1".into();
    assert_eq!(s.validate(), Err(SurveyError::DuplicateId("q1".into())));
    let mut s = survey();
    s.questions[1].skip[0].then = SkipTarget::Question("q1".into());
    let err = s.validate().unwrap_err();
    assert_eq!(err, SurveyError::BackwardTarget { from: "q2".into(), to: "q1".into() });
    assert!(err.message_vi().contains("chỉ được chuyển tới câu hỏi phía sau"));
    let mut s = survey();
    s.questions[1].skip[0].then = SkipTarget::Question("q2".into());
    assert!(matches!(s.validate(), Err(SurveyError::BackwardTarget { .. })), "a rule to itself is a loop");
    let mut s = survey();
    s.questions[1].skip[0].then = SkipTarget::Question("q9".into());
    assert!(matches!(s.validate(), Err(SurveyError::UnknownTarget { .. })));
    let mut s = survey();
    s.questions[1].skip[0].when = Condition::Chose { choice: 5 };
    assert_eq!(s.validate(), Err(SurveyError::ConditionMismatch("q2".into())));
    let mut s = survey();
    s.questions[3].skip =
        vec![SkipRule { when: Condition::Compare { op: CompareOp::Lt, value: 1 }, then: SkipTarget::End }];
    assert_eq!(s.validate(), Err(SurveyError::ConditionMismatch("q4".into())), "text cannot branch");
    let mut s = survey();
    s.questions[2].kind = QuestionKind::Scale { min: 0, max: 11, min_label: String::new(), max_label: String::new() };
    assert_eq!(s.validate(), Err(SurveyError::BadScale("q3".into())));
    let mut s = survey();
    s.questions[0].kind = QuestionKind::SingleChoice { choices: vec!["Có".into(), "CÓ".into()] };
    assert_eq!(s.validate(), Err(SurveyError::BadChoice("q1".into())));
    let mut s = survey();
    s.questions[3].kind = QuestionKind::Number { min: Some(5), max: Some(1), bins: vec![] };
    assert_eq!(s.validate(), Err(SurveyError::BadRange("q4".into())));
    let mut s = survey();
    s.questions[3].kind = QuestionKind::Number { min: None, max: None, bins: vec![30, 18] };
    assert_eq!(s.validate(), Err(SurveyError::BadRange("q4".into())));
    let mut s = survey();
    s.questions[3].kind = QuestionKind::Text { max_chars: 0 };
    assert_eq!(s.validate(), Err(SurveyError::BadTextLimit("q4".into())));
    let mut s = survey();
    s.questions[0].kind = QuestionKind::MultipleChoice { choices: vec!["a".into(), "b".into()], max_selected: Some(3) };
    assert_eq!(s.validate(), Err(SurveyError::BadMaxSelected("q1".into())));
    assert_eq!(Survey { questions: vec![], ..survey() }.validate(), Err(SurveyError::NoQuestions));
}

#[test]
fn the_path_follows_the_skip_rules() {
    let s = survey();
    assert_eq!(s.path(&answers(&[("q1", Answer::Choice(1))])), ["q1"]);
    assert_eq!(s.path(&answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(1))])), ["q1", "q2", "q4"]);
    assert_eq!(s.path(&answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(0))])), ["q1", "q2", "q3", "q4"]);
    // Nothing answered yet: every question, no rule applies.
    assert_eq!(s.path(&Answers::new()), ["q1", "q2", "q3", "q4"]);
}

#[test]
fn scale_and_number_comparisons_branch() {
    let mut q = scale("s");
    q.skip = vec![SkipRule {
        when: Condition::Compare { op: CompareOp::Le, value: 2 },
        then: SkipTarget::Question("why".into()),
    }];
    let mut num = SurveyQuestion {
        id: "n".into(),
        text: "Bao nhiêu lần?".into(),
        required: false,
        kind: QuestionKind::Number { min: Some(0), max: Some(100), bins: vec![] },
        skip: vec![SkipRule { when: Condition::Compare { op: CompareOp::Eq, value: 0 }, then: SkipTarget::End }],
    };
    num.required = true;
    let s = Survey { title: "x".into(), anonymous: false, questions: vec![q, num, text("why")] };
    s.validate().unwrap();
    assert_eq!(s.path(&answers(&[("s", Answer::Scale(2))])), ["s", "why"]);
    assert_eq!(s.path(&answers(&[("s", Answer::Scale(4)), ("n", Answer::Number(0))])), ["s", "n"]);
    assert_eq!(s.path(&answers(&[("s", Answer::Scale(4)), ("n", Answer::Number(3))])), ["s", "n", "why"]);
}

#[test]
fn answers_off_the_path_are_dropped_and_required_ones_enforced() {
    let s = survey();
    // Said "no" to q1 but the page still had q3 filled in.
    let kept = s.check_response(&answers(&[("q1", Answer::Choice(1)), ("q3", Answer::Scale(4))])).unwrap();
    assert_eq!(kept, answers(&[("q1", Answer::Choice(1))]));
    // On the q3 path, q3 is required.
    let err = s.check_response(&answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(0))])).unwrap_err();
    assert_eq!(err, ResponseError::Missing("q3".into()));
    assert_eq!(err.question(), "q3");
    assert_eq!(err.message_vi(), "Vui lòng trả lời câu hỏi này.");
    // Not asked: fine without it.
    let ok = s.check_response(&answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(1))])).unwrap();
    assert_eq!(ok.len(), 2);
    // A question this survey does not have is refused.
    let err = s.check_response(&answers(&[("q1", Answer::Choice(1)), ("hack", Answer::Number(1))])).unwrap_err();
    assert_eq!(err, ResponseError::UnknownQuestion("hack".into()));
}

#[test]
fn values_must_fit_their_question() {
    let s = survey();
    let base = [("q1", Answer::Choice(0)), ("q2", Answer::Choice(0))];
    let with = |extra: (&str, Answer)| {
        let mut a = answers(&base);
        a.insert(extra.0.into(), extra.1);
        s.check_response(&a)
    };
    let err = with(("q3", Answer::Scale(6))).unwrap_err();
    assert_eq!(err, ResponseError::OutOfRange { id: "q3".into(), min: Some(1), max: Some(5) });
    assert_eq!(err.message_vi(), "Giá trị phải từ 1 đến 5.");
    assert_eq!(with(("q3", Answer::Choice(1))).unwrap_err(), ResponseError::WrongType("q3".into()));
    let long = "a".repeat(201);
    let mut a = answers(&base);
    a.insert("q3".into(), Answer::Scale(5));
    a.insert("q4".into(), Answer::Text(long));
    assert_eq!(s.check_response(&a).unwrap_err(), ResponseError::TextTooLong { id: "q4".into(), max: 200 });
    a.insert("q4".into(), Answer::Text("  \u{7}Rất hữu ích\n ".into()));
    assert_eq!(s.check_response(&a).unwrap()["q4"], Answer::Text("Rất hữu ích".into()));
    a.insert("q4".into(), Answer::Text("   ".into()));
    assert!(!s.check_response(&a).unwrap().contains_key("q4"), "blank text is no answer");
    let bad_choice = s.check_response(&answers(&[("q1", Answer::Choice(2))])).unwrap_err();
    assert_eq!(bad_choice, ResponseError::ChoiceOutOfRange("q1".into()));
}

#[test]
fn multiple_choice_limits() {
    let q = SurveyQuestion {
        id: "m".into(),
        text: "Bạn biết những hình thức lừa đảo nào?".into(),
        required: true,
        kind: QuestionKind::MultipleChoice { choices: vec!["a".into(), "b".into(), "c".into()], max_selected: Some(2) },
        skip: vec![],
    };
    let s = Survey { title: "x".into(), anonymous: true, questions: vec![q] };
    s.validate().unwrap();
    let check = |cs: Vec<usize>| s.check_response(&answers(&[("m", Answer::Choices(cs))]));
    assert_eq!(check(vec![2, 0]).unwrap()["m"], Answer::Choices(vec![0, 2]));
    assert_eq!(check(vec![0, 1, 2]).unwrap_err(), ResponseError::TooManyChoices { id: "m".into(), max: 2 });
    assert_eq!(check(vec![1, 1]).unwrap_err(), ResponseError::DuplicateChoice("m".into()));
    assert_eq!(check(vec![3]).unwrap_err(), ResponseError::ChoiceOutOfRange("m".into()));
    assert_eq!(check(vec![]).unwrap_err(), ResponseError::Missing("m".into()), "nothing picked is no answer");
}

#[test]
fn an_anonymous_response_keeps_no_person_and_no_time_finer_than_a_day() {
    let s = survey();
    let submitted = Utc.with_ymd_and_hms(2025, 6, 1, 18, 42, 7).unwrap(); // 01:42 on 2 June locally
    let r = Response {
        respondent: Some("+84912345678".into()),
        unit: UnitId(12),
        started_at: Some(submitted - chrono::Duration::minutes(3)),
        submitted_at: submitted,
        answers: answers(&[("q1", Answer::Choice(1))]),
    };
    let StoredResponse::Anonymous(a) = s.to_stored(r.clone()).unwrap() else { panic!("anonymous survey") };
    assert_eq!(a.submitted_on, chrono::NaiveDate::from_ymd_opt(2025, 6, 2).unwrap());
    let json = serde_json::to_string(&a).unwrap();
    assert!(!json.contains("0912") && !json.contains("84912345678"), "{json}");
    assert!(!json.contains("18:42") && !json.contains("01:42") && !json.contains("T"), "{json}");
    assert_eq!(json, r#"{"unit":12,"submitted_on":"2025-06-02","answers":{"q1":{"choice":1}}}"#);
    // A named survey keeps the respondent.
    let named = Survey { anonymous: false, ..s };
    let StoredResponse::Identified(i) = named.to_stored(r).unwrap() else { panic!("named survey") };
    assert_eq!(i.respondent.as_deref(), Some("+84912345678"));
}

#[test]
fn text_answers_are_never_in_the_results() {
    let s = survey();
    let tree = ReportTree::new(UnitId(1), &[]).unwrap();
    let a = answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(1)), ("q4", Answer::Text("bí mật".into()))]);
    let rows: Vec<(UnitId, &Answers)> = (0..10).map(|_| (UnitId(1), &a)).collect();
    let report = aggregate(&s, &tree, rows, 5).unwrap();
    assert!(report.questions.iter().all(|h| h.id != "q4"));
    assert!(!serde_json::to_string(&report).unwrap().contains("bí mật"));
}

/// Province 1 with communes 10, 11, 12; 12 has villages 120, 121.
fn tree() -> ReportTree {
    ReportTree::new(
        UnitId(1),
        &[
            (UnitId(10), UnitId(1)),
            (UnitId(11), UnitId(1)),
            (UnitId(12), UnitId(1)),
            (UnitId(120), UnitId(12)),
            (UnitId(121), UnitId(12)),
        ],
    )
    .unwrap()
}

fn unit(r: &SurveyReport, u: i64) -> &UnitReport {
    r.units.iter().find(|x| x.unit == UnitId(u) && !x.direct).unwrap()
}

#[test]
fn a_suppressed_unit_cannot_be_recovered_from_the_parent_total() {
    let q = Survey { title: "x".into(), anonymous: true, questions: vec![single("q", &["Có", "Không"])] };
    let yes = answers(&[("q", Answer::Choice(0))]);
    let mut rows = Vec::new();
    rows.extend((0..20).map(|_| (UnitId(10), &yes)));
    rows.extend((0..3).map(|_| (UnitId(11), &yes))); // too few
    rows.extend((0..8).map(|_| (UnitId(120), &yes)));
    rows.extend((0..7).map(|_| (UnitId(121), &yes)));
    let r = aggregate(&q, &tree(), rows, 5).unwrap();
    assert_eq!(unit(&r, 1).respondents, Figure::Value(38));
    assert_eq!(unit(&r, 11).respondents, Figure::Suppressed);
    // 38 − 20 − 15 would give commune 11's 3: the smallest other
    // commune (12, with 15) is hidden too...
    assert_eq!(unit(&r, 10).respondents, Figure::Value(20));
    assert_eq!(unit(&r, 12).respondents, Figure::Suppressed);
    // ...and then its smaller village, or 12 = 8 + 7 would undo that.
    assert_eq!(unit(&r, 120).respondents, Figure::Value(8));
    assert_eq!(unit(&r, 121).respondents, Figure::Suppressed);
    // The small commune shows nothing at all.
    let q11 = &unit(&r, 11).questions[0];
    assert!(q11.counts.iter().chain([&q11.answered]).all(|c| *c == Figure::Suppressed));
}

#[test]
fn a_mean_is_a_sum_too() {
    let q = Survey { title: "x".into(), anonymous: true, questions: vec![scale("s")] };
    let v = |x| answers(&[("s", Answer::Scale(x))]);
    let (four, five, two) = (v(4), v(5), v(2));
    let mut rows = Vec::new();
    rows.extend((0..6).map(|_| (UnitId(1), &four)));
    rows.extend((0..6).map(|_| (UnitId(1), &five)));
    rows.push((UnitId(1), &two));
    let r = aggregate(&q, &ReportTree::new(UnitId(1), &[]).unwrap(), rows, 5).unwrap();
    let s = &r.units[0].questions[0];
    assert_eq!(s.answered, Figure::Value(13));
    assert_eq!(s.counts[0], Figure::Value(0));
    assert_eq!(s.counts[1], Figure::Suppressed, "one person chose 2");
    // 13 − 6 − 6 gives it back, so a second count goes; but with the
    // mean (56/13) two hidden counts are two equations in two unknowns:
    // a third count goes as well.
    let hidden = s.counts.iter().filter(|c| **c == Figure::Suppressed).count();
    assert_eq!(hidden, 3, "{s:?}");
    assert_eq!(s.mean, Some(Mean::Value(56.0 / 13.0)));
}

#[test]
fn means_are_published_for_large_enough_groups() {
    let q = Survey { title: "x".into(), anonymous: true, questions: vec![scale("s")] };
    let (four, five) = (answers(&[("s", Answer::Scale(4))]), answers(&[("s", Answer::Scale(5))]));
    let mut rows = Vec::new();
    rows.extend((0..5).map(|_| (UnitId(1), &four)));
    rows.extend((0..15).map(|_| (UnitId(1), &five)));
    let r = aggregate(&q, &ReportTree::new(UnitId(1), &[]).unwrap(), rows, 5).unwrap();
    let s = &r.units[0].questions[0];
    assert_eq!(s.mean, Some(Mean::Value(4.75)));
    assert_eq!(s.counts, [Figure::Value(0), Figure::Value(0), Figure::Value(0), Figure::Value(5), Figure::Value(15)]);
    assert_eq!(r.questions[0].categories[0], "1 (Rất không hài lòng)");
    // Nobody answered in a unit with no respondents: no data.
    let r = aggregate(&q, &ReportTree::new(UnitId(1), &[]).unwrap(), Vec::new(), 5).unwrap();
    assert_eq!(r.units[0].questions[0].mean, Some(Mean::NoData));
    assert_eq!(r.units[0].respondents, Figure::Value(0));
}

#[test]
fn the_minimum_group_is_configurable() {
    let q = Survey { title: "x".into(), anonymous: true, questions: vec![single("q", &["Có", "Không"])] };
    let yes = answers(&[("q", Answer::Choice(0))]);
    let rows: Vec<(UnitId, &Answers)> = (0..3).map(|_| (UnitId(1), &yes)).collect();
    let t = ReportTree::new(UnitId(1), &[]).unwrap();
    assert_eq!(aggregate(&q, &t, rows.clone(), 5).unwrap().units[0].respondents, Figure::Suppressed);
    assert_eq!(aggregate(&q, &t, rows.clone(), 3).unwrap().units[0].respondents, Figure::Value(3));
    assert_eq!(aggregate(&q, &t, rows, 0).unwrap_err(), AggregateError::Threshold);
}

#[test]
fn gated_answer_counts_do_not_reveal_the_gate() {
    // q1 "Were you targeted by a scam?": "no" ends the survey, so q2's
    // answer count is q1's "yes" count. Wherever that is hidden (as a
    // small cell or to protect one), q2's count is hidden too.
    let s = survey();
    let yes = answers(&[("q1", Answer::Choice(0)), ("q2", Answer::Choice(1))]);
    let no = answers(&[("q1", Answer::Choice(1))]);
    let mut rows = Vec::new();
    rows.extend((0..2).map(|_| (UnitId(10), &yes)));
    rows.extend((0..9).map(|_| (UnitId(10), &no)));
    rows.extend((0..6).map(|_| (UnitId(11), &yes)));
    rows.extend((0..6).map(|_| (UnitId(11), &no)));
    rows.extend((0..7).map(|_| (UnitId(120), &yes)));
    rows.extend((0..7).map(|_| (UnitId(120), &no)));
    let r = aggregate(&s, &tree(), rows, 5).unwrap();
    assert_eq!(unit(&r, 10).questions[0].counts[0], Figure::Suppressed);
    let mut protected_large = 0;
    for u in &r.units {
        if u.questions[0].counts[0] == Figure::Suppressed {
            assert_eq!(u.questions[1].answered, Figure::Suppressed, "{u:?}");
            protected_large += usize::from(u.unit != UnitId(10));
        }
    }
    assert!(protected_large > 0, "some large 'yes' count was hidden to protect commune 10's");
}

#[test]
fn responses_at_a_unit_with_units_below_get_their_own_line() {
    let q = Survey { title: "x".into(), anonymous: true, questions: vec![single("q", &["Có", "Không"])] };
    let yes = answers(&[("q", Answer::Choice(0))]);
    let mut rows = Vec::new();
    rows.extend((0..6).map(|_| (UnitId(12), &yes)));
    rows.extend((0..6).map(|_| (UnitId(120), &yes)));
    rows.extend((0..6).map(|_| (UnitId(121), &yes)));
    let r = aggregate(&q, &tree(), rows, 5).unwrap();
    let direct = r.units.iter().find(|u| u.unit == UnitId(12) && u.direct).unwrap();
    assert_eq!(direct.respondents, Figure::Value(6));
    assert_eq!(unit(&r, 12).respondents, Figure::Value(18));
    assert_eq!(r.units[0].unit, UnitId(1), "root first");
}

#[test]
fn trees_and_units_are_checked() {
    assert_eq!(
        ReportTree::new(UnitId(1), &[(UnitId(2), UnitId(1)), (UnitId(2), UnitId(3))]).unwrap_err(),
        AggregateError::TwoParents(UnitId(2))
    );
    assert_eq!(
        ReportTree::new(UnitId(1), &[(UnitId(2), UnitId(3)), (UnitId(3), UnitId(2))]).unwrap_err(),
        AggregateError::Detached(UnitId(2))
    );
    let q = survey();
    let a = Answers::new();
    let err = aggregate(&q, &tree(), vec![(UnitId(99), &a)], 5).unwrap_err();
    assert_eq!(err, AggregateError::UnknownUnit(UnitId(99)));
    assert!(err.message_vi().contains("99"));
}

#[test]
fn the_exposure_check_sees_through_combined_sums() {
    // x + y = a, y + z = b, x + z = c: each sum has two unknowns, yet
    // together they fix all three.
    let rel = vec![vec![(0, 1), (1, 1), (3, -1)], vec![(1, 1), (2, 1), (4, -1)], vec![(0, 1), (2, 1), (5, -1)]];
    let unknown = [true, true, true, false, false, false];
    assert_eq!(determined(&rel, &unknown), [0, 1, 2]);
    // Two sums sharing two unknowns fix nothing.
    let rel = vec![vec![(0, 1), (1, 1), (3, -1)], vec![(0, 1), (1, 1), (2, 1), (4, -1)]];
    assert_eq!(determined(&rel, &[true, true, false, false, false]), Vec::<usize>::new());
    assert_eq!(determined(&rel, &[true, true, true, false, false]), [2]);
}

// ----- properties -----

/// Province 1; communes 10..10+c; each commune may have 0–2 villages.
fn arb_case() -> impl Strategy<Value = (ReportTree, Vec<(UnitId, Answers)>, usize)> {
    (1usize..4, proptest::collection::vec(0usize..3, 3), 2usize..6)
        .prop_flat_map(|(communes, villages, k)| {
            let mut links = Vec::new();
            let mut units = vec![UnitId(1)];
            for (c, &village_count) in villages.iter().enumerate().take(communes) {
                let cu = UnitId(10 + c as i64);
                links.push((cu, UnitId(1)));
                units.push(cu);
                for v in 0..village_count {
                    let vu = UnitId(100 + 10 * c as i64 + v as i64);
                    links.push((vu, cu));
                    units.push(vu);
                }
            }
            let tree = ReportTree::new(UnitId(1), &links).unwrap();
            let answer = (0usize..2, 0usize..3, proptest::option::of(1i32..=5), proptest::sample::select(units));
            (Just(tree), proptest::collection::vec(answer, 0..60), Just(k))
        })
        .prop_map(|(tree, raw, k)| {
            let rows = raw
                .into_iter()
                .map(|(q1, q2, s, unit)| {
                    let mut a = answers(&[("q1", Answer::Choice(q1)), ("m", Answer::Choices(vec![q2]))]);
                    if q1 == 0
                        && let Some(s) = s
                    {
                        a.insert("q3".into(), Answer::Scale(s));
                    }
                    (unit, a)
                })
                .collect();
            (tree, rows, k)
        })
}

fn prop_survey() -> Survey {
    let mut q1 = single("q1", &["Có", "Không"]);
    q1.skip = vec![SkipRule { when: Condition::Chose { choice: 1 }, then: SkipTarget::Question("m".into()) }];
    let mut q3 = scale("q3");
    q3.required = false;
    let m = SurveyQuestion {
        id: "m".into(),
        text: "Kênh nào?".into(),
        required: true,
        kind: QuestionKind::MultipleChoice {
            choices: vec!["Zalo".into(), "Facebook".into(), "TikTok".into()],
            max_selected: None,
        },
        skip: vec![],
    };
    Survey { title: "x".into(), anonymous: true, questions: vec![q1, q3, m] }
}

/// Every figure of the report with its true value, keyed so that sums
/// can be checked: (node index, column).
fn flat(r: &SurveyReport) -> Vec<Vec<Figure>> {
    r.units
        .iter()
        .map(|u| {
            let mut v = vec![u.respondents];
            for q in &u.questions {
                v.push(q.answered);
                v.extend(q.counts.iter().copied());
            }
            v
        })
        .collect()
}

proptest! {
    #[test]
    fn no_published_figure_counts_fewer_than_k_people((tree, rows, k) in arb_case()) {
        let s = prop_survey();
        let report = aggregate(&s, &tree, rows.iter().map(|(u, a)| (*u, a)), k).unwrap();
        for u in &report.units {
            if let Figure::Value(n) = u.respondents {
                prop_assert!(n == 0 || n >= k as u64, "{u:?}");
            }
            for q in &u.questions {
                for f in std::iter::once(&q.answered).chain(&q.counts) {
                    if let Figure::Value(n) = f {
                        prop_assert!(n == &0 || *n >= k as u64, "{u:?}");
                    }
                }
                if let Some(Mean::Value(_)) = q.mean {
                    prop_assert!(q.answered.value().is_some_and(|n| n >= k as u64));
                }
            }
        }
    }

    #[test]
    fn published_figures_are_true(( tree, rows, k) in arb_case()) {
        let s = prop_survey();
        let report = aggregate(&s, &tree, rows.iter().map(|(u, a)| (*u, a)), k).unwrap();
        // Recount naively: a unit's line covers itself and every unit below.
        let below = |top: UnitId, u: UnitId| {
            let mut at = Some(u);
            let parents: BTreeMap<UnitId, UnitId> =
                tree.children.iter().flat_map(|(p, cs)| cs.iter().map(move |c| (*c, *p))).collect();
            while let Some(x) = at {
                if x == top { return true; }
                at = parents.get(&x).copied();
            }
            false
        };
        for u in report.units.iter().filter(|u| !u.direct) {
            let mine: Vec<&Answers> = rows.iter().filter(|(x, _)| below(u.unit, *x)).map(|(_, a)| a).collect();
            if let Figure::Value(n) = u.respondents {
                prop_assert_eq!(n as usize, mine.len());
            }
            let yes = mine.iter().filter(|a| a.get("q1") == Some(&Answer::Choice(0))).count();
            if let Figure::Value(n) = u.questions[0].counts[0] {
                prop_assert_eq!(n as usize, yes);
            }
            let zalo = mine.iter().filter(|a| a.get("m") == Some(&Answer::Choices(vec![0]))).count();
            if let Figure::Value(n) = u.questions[2].counts[0] {
                prop_assert_eq!(n as usize, zalo);
            }
        }
    }

    #[test]
    fn no_suppressed_figure_is_alone_in_a_published_sum((tree, rows, k) in arb_case()) {
        let s = prop_survey();
        let report = aggregate(&s, &tree, rows.iter().map(|(u, a)| (*u, a)), k).unwrap();
        let figs = flat(&report);
        // Rebuild which lines are children of which from the tree.
        let line = |u: UnitId, direct: bool| report.units.iter().position(|x| x.unit == u && x.direct == direct);
        let mut families: Vec<(usize, Vec<usize>)> = Vec::new();
        for (p, cs) in &tree.children {
            let parent = line(*p, false).unwrap();
            let mut kids: Vec<usize> = cs.iter().map(|c| line(*c, false).unwrap()).collect();
            kids.extend(line(*p, true));
            families.push((parent, kids));
        }
        let width = figs[0].len();
        // Parent = sum of children, figure by figure.
        for (p, kids) in &families {
            for col in 0..width {
                let hidden = std::iter::once(p).chain(kids).filter(|&&i| figs[i].get(col) == Some(&Figure::Suppressed)).count();
                prop_assert_ne!(hidden, 1, "line {} column {}", p, col);
            }
        }
        // Single choice: answered = sum of counts (q1 at columns 1..=3;
        // the scale at 4..=9 with its counts adding up too).
        for f in &figs {
            for cols in [1..4, 4..10] {
                let hidden = f[cols].iter().filter(|x| **x == Figure::Suppressed).count();
                prop_assert_ne!(hidden, 1, "{:?}", f);
            }
            // Everyone answers q1: its answer count is the respondent count.
            prop_assert_eq!(f[0] == Figure::Suppressed, f[1] == Figure::Suppressed);
        }
    }

    #[test]
    fn nothing_hidden_can_be_solved_for((tree, rows, k) in arb_case()) {
        // Rebuild, from the report alone, every sum a reader knows holds
        // (across units, within questions, the scale's total behind its
        // mean, and "everyone answers q1 and m"), then solve them all at
        // once, across questions.
        let s = prop_survey();
        let report = aggregate(&s, &tree, rows.iter().map(|(u, a)| (*u, a)), k).unwrap();
        let mut figs = flat(&report);
        for (f, u) in figs.iter_mut().zip(&report.units) {
            f.push(match u.questions[1].mean {
                Some(Mean::Suppressed) => Figure::Suppressed,
                _ => Figure::Value(0),
            });
        }
        let width = figs[0].len();
        let var = |line: usize, col: usize| line * width + col;
        let line = |u: UnitId, direct: bool| report.units.iter().position(|x| x.unit == u && x.direct == direct).unwrap();
        let mut rel: Vec<Vec<(usize, i64)>> = Vec::new();
        for (p, cs) in &tree.children {
            let kids: Vec<usize> = cs.iter().map(|c| line(*c, false)).chain(
                report.units.iter().position(|x| x.unit == *p && x.direct)).collect();
            for col in 0..width {
                let mut r = vec![(var(line(*p, false), col), 1)];
                r.extend(kids.iter().map(|&c| (var(c, col), -1)));
                rel.push(r);
            }
        }
        for l in 0..figs.len() {
            rel.push(vec![(var(l, 1), -1), (var(l, 2), 1), (var(l, 3), 1)]);
            let mut scale = vec![(var(l, 4), -1)];
            scale.extend((5..10).map(|c| (var(l, c), 1)));
            rel.push(scale);
            let mut total = vec![(var(l, width - 1), -1)];
            total.extend((5..10).map(|c| (var(l, c), c as i64 - 4)));
            rel.push(total);
            rel.push(vec![(var(l, 0), 1), (var(l, 1), -1)]);
            rel.push(vec![(var(l, 0), 1), (var(l, 10), -1)]);
        }
        let unknown: Vec<bool> = figs.iter().flatten().map(|f| *f == Figure::Suppressed).collect();
        let solved = determined(&rel, &unknown);
        prop_assert!(solved.is_empty(), "{:?} in {:?}", solved.iter().map(|v| (v / width, v % width)).collect::<Vec<_>>(), figs);
    }

    #[test]
    fn nothing_is_hidden_when_nothing_is_small((tree, rows, k) in arb_case()) {
        // Each response k times: every count is 0 or at least k.
        let s = prop_survey();
        let many: Vec<(UnitId, &Answers)> =
            rows.iter().flat_map(|(u, a)| std::iter::repeat_n((*u, a), k)).collect();
        let report = aggregate(&s, &tree, many, k).unwrap();
        let figs = flat(&report);
        prop_assert!(figs.iter().flatten().all(|f| *f != Figure::Suppressed), "{:?}", figs);
    }

    #[test]
    fn paths_only_move_forward(choice in 0usize..2, second in 0usize..2, scale_v in 1i32..=5) {
        let s = survey();
        let a = answers(&[("q1", Answer::Choice(choice)), ("q2", Answer::Choice(second)), ("q3", Answer::Scale(scale_v))]);
        let path = s.path(&a);
        let idx: Vec<usize> = path.iter().map(|id| s.index_of(id).unwrap()).collect();
        prop_assert!(idx.windows(2).all(|w| w[0] < w[1]));
        prop_assert_eq!(idx.first(), Some(&0));
        // What check_response keeps is on the path.
        let kept = s.check_response(&a).unwrap();
        prop_assert!(kept.keys().all(|k| path.contains(&k.as_str())));
    }
}

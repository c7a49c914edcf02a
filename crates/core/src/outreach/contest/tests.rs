//! Tests of the contest rules: bank, draw, grading, time and attempt limits,
//! ranking, leaderboards, one-time codes and result export.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use super::draw::{below, is_permutation, shuffle};
use super::*;
use crate::org::UnitId;
use chrono::TimeZone;
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

fn q(id: i64, category: &str, choices: usize, correct: usize) -> Question {
    Question {
        id: QuestionId(id),
        category: category.into(),
        text: format!("Câu hỏi {id}"),
        choices: (0..choices).map(|i| format!("Phương án {i}")).collect(),
        correct,
    }
}

fn bank() -> Vec<Question> {
    let mut b = Vec::new();
    for i in 0..10 {
        b.push(q(i, "Luật An ninh mạng", 4, (i % 4) as usize));
    }
    for i in 10..16 {
        b.push(q(i, "Phòng, chống lừa đảo", 3, 1));
    }
    for i in 16..20 {
        b.push(q(i, "Bảo vệ trẻ em", 2, 0));
    }
    b
}

fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, h, m, s).unwrap()
}

fn person(n: u32) -> PersonKey {
    PersonKey::parse(&format!("0912{n:06}")).unwrap()
}

fn entry(id: i64, score: u32, prediction: Option<u64>, time_ms: u64, submitted: DateTime<Utc>) -> Entry {
    Entry {
        id: EntryId(id),
        person: person(id as u32),
        name: format!("Người thi {id}"),
        unit: None,
        score,
        prediction,
        time_taken_ms: time_ms,
        submitted_at: submitted,
    }
}

/// The displayed position of the right answer.
fn right_answer(d: &DrawnQuestion, bank: &[Question]) -> usize {
    let q = bank.iter().find(|q| q.id == d.question).unwrap();
    d.order.iter().position(|&o| usize::from(o) == q.correct).unwrap()
}

#[test]
fn questions_are_validated_with_vietnamese_messages() {
    assert!(q(1, "x", 4, 3).validate().is_ok());
    assert_eq!(q(1, "x", 1, 0).validate(), Err(QuestionError::ChoiceCount { id: QuestionId(1), count: 1 }));
    assert_eq!(q(1, "x", 7, 0).validate(), Err(QuestionError::ChoiceCount { id: QuestionId(1), count: 7 }));
    assert_eq!(q(1, "x", 4, 4).validate(), Err(QuestionError::CorrectOutOfRange(QuestionId(1))));
    let mut blank = q(2, "x", 3, 0);
    blank.text = "  ".into();
    assert_eq!(blank.validate(), Err(QuestionError::EmptyText(QuestionId(2))));
    let mut dup = q(3, "x", 3, 0);
    dup.choices[2] = "PHƯƠNG ÁN 0".into();
    assert_eq!(dup.validate(), Err(QuestionError::DuplicateChoice(QuestionId(3))));
    let mut empty = q(4, "x", 3, 0);
    empty.choices[1] = " ".into();
    let err = empty.validate().unwrap_err();
    assert_eq!(err.message_vi(), "Phương án thứ 2 của câu hỏi số 4 đang để trống.");
    assert!(QuestionError::ChoiceCount { id: QuestionId(1), count: 1 }.message_vi().contains("từ 2 đến 6"));
    assert_eq!(validate_bank(&[q(1, "x", 2, 0), q(1, "y", 2, 0)]), Err(QuestionError::DuplicateId(QuestionId(1))));
}

#[test]
fn the_same_seed_gives_the_same_draw_whatever_the_bank_order() {
    let b = bank();
    let d1 = draw(&b, 8, &[], 42).unwrap();
    let mut reversed = b.clone();
    reversed.reverse();
    assert_eq!(draw(&reversed, 8, &[], 42).unwrap(), d1);
    assert_ne!(draw(&b, 8, &[], 43).unwrap(), d1, "another seed, another draw");
    let ids: BTreeSet<_> = d1.questions.iter().map(|d| d.question).collect();
    assert_eq!(ids.len(), 8, "no question twice");
}

#[test]
fn quotas_are_exact_and_the_rest_comes_from_other_categories() {
    let b = bank();
    let quotas = [
        Quota { category: "Bảo vệ trẻ em".into(), count: 2 },
        Quota { category: "Phòng, chống lừa đảo".into(), count: 3 },
    ];
    for seed in 0..20 {
        let d = draw(&b, 10, &quotas, seed).unwrap();
        let cat =
            |c: &str| d.questions.iter().filter(|x| b.iter().any(|q| q.id == x.question && q.category == c)).count();
        assert_eq!((cat("Bảo vệ trẻ em"), cat("Phòng, chống lừa đảo"), cat("Luật An ninh mạng")), (2, 3, 5));
    }
    // A quota of 0 keeps a category out.
    let none = [Quota { category: "Luật An ninh mạng".into(), count: 0 }];
    let d = draw(&b, 10, &none, 1).unwrap();
    assert!(d.questions.iter().all(|x| x.question.0 >= 10));
    assert_eq!(draw(&b, 11, &none, 1), Err(DrawError::NotEnough { wanted: 11, available: 10 }));
}

#[test]
fn impossible_draws_say_why() {
    let b = bank();
    assert_eq!(draw(&b, 0, &[], 1), Err(DrawError::NoQuestions));
    assert_eq!(draw(&b, 21, &[], 1), Err(DrawError::NotEnough { wanted: 21, available: 20 }));
    let too_many = [Quota { category: "Bảo vệ trẻ em".into(), count: 5 }];
    let err = draw(&b, 10, &too_many, 1).unwrap_err();
    assert_eq!(err, DrawError::QuotaNotEnough { category: "Bảo vệ trẻ em".into(), wanted: 5, available: 4 });
    assert!(err.message_vi().contains("chỉ có 4 câu hỏi"));
    let over = [
        Quota { category: "Bảo vệ trẻ em".into(), count: 3 },
        Quota { category: "Phòng, chống lừa đảo".into(), count: 3 },
    ];
    assert_eq!(draw(&b, 5, &over, 1), Err(DrawError::QuotasExceed { quotas: 6, n: 5 }));
    let twice = [Quota { category: "A".into(), count: 1 }, Quota { category: "A ".into(), count: 1 }];
    assert_eq!(draw(&b, 5, &twice, 1), Err(DrawError::DuplicateQuota("A".into())));
    let mut broken = bank();
    broken[0].correct = 9;
    assert!(matches!(draw(&broken, 5, &[], 1), Err(DrawError::Bank(QuestionError::CorrectOutOfRange(_)))));
}

#[test]
fn answers_are_graded_through_the_shuffled_order() {
    let b = bank();
    let d = draw(&b, 6, &[], 7).unwrap();
    let right: Vec<Option<usize>> = d.questions.iter().map(|x| Some(right_answer(x, &b))).collect();
    let g = grade(&d, &b, &right).unwrap();
    assert_eq!((g.correct, g.answered, g.total), (6, 6, 6));
    assert!(g.all_correct());

    // Answering the bank's own index (ignoring the shuffle) is not how
    // grading works: only displayed positions count.
    let mut shuffled_somewhere = false;
    for x in &d.questions {
        let q = b.iter().find(|q| q.id == x.question).unwrap();
        shuffled_somewhere |= right_answer(x, &b) != q.correct;
    }
    assert!(shuffled_somewhere, "seed 7 shuffles at least one question");

    // Unanswered, out of range and missing tail answers are wrong.
    let mut partial = right.clone();
    partial[0] = None;
    partial[1] = Some(99);
    partial.truncate(4);
    let g = grade(&d, &b, &partial).unwrap();
    assert_eq!((g.correct, g.answered, g.total), (2, 2, 6));
    assert_eq!(g.per_question, [false, false, true, true, false, false]);
    assert!(!g.all_correct());

    let too_many = vec![Some(0); 7];
    assert_eq!(grade(&d, &b, &too_many), Err(GradeError::TooManyAnswers { answers: 7, questions: 6 }));
}

#[test]
fn grading_notices_an_edited_or_deleted_question() {
    let b = bank();
    let d = draw(&b, 20, &[], 3).unwrap();
    let mut edited = b.clone();
    edited[0].choices.push("Phương án mới".into());
    assert_eq!(grade(&d, &edited, &[]), Err(GradeError::ChangedQuestion(QuestionId(0))));
    let fewer: Vec<Question> = b.iter().filter(|q| q.id != QuestionId(5)).cloned().collect();
    assert_eq!(grade(&d, &fewer, &[]), Err(GradeError::UnknownQuestion(QuestionId(5))));
    // A corrected answer key regrades: the draw holds no answers.
    let mut fixed = b.clone();
    fixed[0].correct = (fixed[0].correct + 1) % 4;
    let right: Vec<Option<usize>> = d.questions.iter().map(|x| Some(right_answer(x, &b))).collect();
    assert_eq!(grade(&d, &fixed, &right).unwrap().correct, 19);
}

#[test]
fn displayed_choices_follow_the_permutation() {
    let question = q(1, "x", 3, 2);
    let d = DrawnQuestion { question: QuestionId(1), order: vec![2, 0, 1] };
    assert_eq!(d.displayed_choices(&question).unwrap(), ["Phương án 2", "Phương án 0", "Phương án 1"]);
    assert_eq!(d.original(0), Some(2));
    assert_eq!(d.original(3), None);
    let stale = DrawnQuestion { question: QuestionId(1), order: vec![1, 0] };
    assert_eq!(stale.displayed_choices(&question), None);
}

#[test]
fn draws_encode_compactly_and_refuse_garbage() {
    let d = draw(&bank(), 5, &[], 9).unwrap();
    let s = d.encode();
    assert!(s.len() < 60, "{s}");
    assert_eq!(Draw::decode(&s), Some(d));
    assert_eq!(Draw::decode("17:2013;5:10").unwrap().questions[0].order, [2, 0, 1, 3]);
    for bad in ["17:2213", "17:0", "x:01", "17-01", "17:0123456", "17:01;", "17:0a"] {
        assert_eq!(Draw::decode(bad), None, "{bad}");
    }
}

#[test]
fn a_submission_after_deadline_and_grace_is_refused() {
    let attempt = Attempt::new(t(8, 0, 0), Duration::minutes(15));
    assert_eq!(attempt.deadline, t(8, 15, 0));
    assert!(accept_submission(&attempt, t(8, 14, 59)).is_ok());
    assert!(accept_submission(&attempt, t(8, 15, 0)).is_ok());
    assert!(accept_submission(&attempt, t(8, 15, 2)).is_ok(), "within the 2 s network grace");
    let late = accept_submission(&attempt, t(8, 15, 3)).unwrap_err();
    assert_eq!(late.late_by, Duration::seconds(3));
    assert_eq!(late.message_vi(), "Bài làm đến máy chủ sau khi hết giờ 3 giây nên không được tính kết quả.");
}

#[test]
fn time_taken_never_exceeds_the_limit_nor_goes_negative() {
    let attempt = Attempt::new(t(8, 0, 0), Duration::minutes(15));
    assert_eq!(attempt.time_taken(t(8, 7, 30)), Duration::seconds(450));
    assert_eq!(attempt.time_taken(t(8, 15, 2)), Duration::minutes(15), "grace is not thinking time");
    assert_eq!(attempt.time_taken(t(7, 59, 59)), Duration::zero());
    assert_eq!(attempt.remaining(t(8, 14, 0)), Duration::minutes(1));
    assert_eq!(attempt.remaining(t(9, 0, 0)), Duration::zero());
}

#[test]
fn contest_rules_cut_the_last_attempt_at_closing_time() {
    let rules = ContestRules {
        title: "Tìm hiểu pháp luật về an ninh mạng".into(),
        opens_at: t(1, 0, 0),
        closes_at: t(10, 0, 0),
        question_count: 20,
        quotas: vec![],
        time_limit_secs: 900,
        attempts: AttemptPolicy { max_attempts: 3, period: Period::Day },
    };
    rules.validate().unwrap();
    assert_eq!(rules.start_attempt(t(9, 0, 0)).unwrap().deadline, t(9, 15, 0));
    assert_eq!(rules.start_attempt(t(9, 50, 0)).unwrap().deadline, t(10, 0, 0));
    assert_eq!(rules.start_attempt(t(10, 0, 0)), Err(RulesError::Closed));
    let early = rules.start_attempt(t(0, 59, 59)).unwrap_err();
    assert_eq!(early.message_vi(), "Cuộc thi chưa bắt đầu; mời bạn quay lại từ 08:00 ngày 02/06/2025.");
    assert!(rules.is_open(t(1, 0, 0)) && !rules.is_open(t(10, 0, 0)));
    let bad = ContestRules { closes_at: t(1, 0, 0), ..rules.clone() };
    assert_eq!(bad.validate(), Err(RulesError::BadWindow));
    let bad = ContestRules { time_limit_secs: 0, ..rules.clone() };
    assert_eq!(bad.validate(), Err(RulesError::NoTime));
    let bad = ContestRules { attempts: AttemptPolicy { max_attempts: 0, period: Period::Day }, ..rules };
    assert_eq!(bad.validate(), Err(RulesError::NoAttempts));
}

#[test]
fn equal_scores_rank_by_prediction_then_time_then_submission() {
    let actual = 12;
    let entries = vec![
        entry(1, 18, Some(20), 300_000, t(9, 0, 0)),  // off by 8
        entry(2, 18, Some(10), 400_000, t(9, 0, 0)),  // off by 2
        entry(3, 18, Some(14), 200_000, t(9, 0, 0)),  // off by 2, faster
        entry(4, 19, Some(500), 899_000, t(9, 0, 0)), // best score wins whatever else
        entry(5, 18, None, 1_000, t(8, 0, 0)),        // no prediction: after all that predicted
        entry(6, 18, Some(14), 200_000, t(8, 59, 0)), // same as 3 but submitted earlier
    ];
    let ranked = rank(&entries, actual);
    let order: Vec<i64> = ranked.iter().map(|r| r.entry.id.0).collect();
    assert_eq!(order, [4, 6, 3, 2, 1, 5]);
    assert_eq!(ranked.iter().map(|r| r.rank).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
    assert_eq!(ranked[1].closeness, Some(2));
    assert_eq!(ranked[5].closeness, None);
}

#[test]
fn fully_equal_keys_fall_back_to_entry_id() {
    let a = entry(7, 10, Some(3), 1000, t(9, 0, 0));
    let mut b = a.clone();
    b.id = EntryId(8);
    assert_eq!(rank_order(&a, &b, 3), Ordering::Less);
    assert_eq!(rank_order(&b, &a, 3), Ordering::Greater);
    assert_eq!(rank_order(&a, &a, 3), Ordering::Equal);
}

#[test]
fn only_the_best_attempt_of_each_person_counts() {
    let p = person(1);
    let mut a = entry(1, 12, Some(5), 500_000, t(8, 0, 0));
    let mut b = entry(2, 15, Some(50), 600_000, t(9, 0, 0));
    let mut c = entry(3, 15, Some(6), 600_000, t(10, 0, 0));
    for e in [&mut a, &mut b, &mut c] {
        e.person = p.clone();
    }
    let other = entry(4, 20, Some(1), 100_000, t(11, 0, 0));
    let all = vec![a, b, c, other];
    let actual = all_correct_count(&all, 20);
    assert_eq!(actual, 1);
    let best = best_per_person(&all, actual);
    assert_eq!(best.len(), 2);
    let mine = best.iter().find(|e| e.person == p).unwrap();
    assert_eq!(mine.id, EntryId(3), "15 points and a prediction closer to 1 than entry 2's");
}

#[test]
fn all_correct_counts_people_not_attempts() {
    let mut a = entry(1, 20, None, 1, t(8, 0, 0));
    let mut b = entry(2, 20, None, 1, t(8, 0, 0));
    b.person = a.person.clone();
    let c = entry(3, 19, None, 1, t(8, 0, 0));
    a.score = 20;
    assert_eq!(all_correct_count(&[a, b, c], 20), 1);
    assert_eq!(all_correct_count(&[], 20), 0);
}

#[test]
fn phone_numbers_typed_differently_are_one_person() {
    let a = PersonKey::parse("0912 345 678").unwrap();
    let b = PersonKey::parse("+84 912.345.678").unwrap();
    assert_eq!(a, b);
    assert_eq!(a.as_str(), "+84912345678");
    assert_eq!(a.masked(), "091****678");
    let landline = PersonKey::parse("024 3825 1234").unwrap_err();
    assert_eq!(landline, EntrantPhoneError::NotMobile);
    assert!(landline.message_vi().contains("di động"));
    assert!(matches!(PersonKey::parse("abc"), Err(EntrantPhoneError::Phone(_))));
}

#[test]
fn attempts_are_limited_per_vietnamese_day() {
    let policy = AttemptPolicy { max_attempts: 2, period: Period::Day };
    let me = PersonKey::parse("0912345678").unwrap();
    let other = PersonKey::parse("0987654321").unwrap();
    // 2 June 2025, 08:00 and 15:00 in Bắc Ninh (01:00 and 08:00 UTC).
    let previous = vec![
        PastAttempt { person: me.clone(), started_at: t(1, 0, 0) },
        PastAttempt { person: me.clone(), started_at: t(8, 0, 0) },
        PastAttempt { person: other.clone(), started_at: t(8, 0, 0) },
    ];
    let err = may_start(&policy, &me, &previous, t(10, 0, 0)).unwrap_err();
    assert_eq!(err.used, 2);
    // The next Vietnamese day starts at 17:00 UTC.
    assert_eq!(err.next_allowed, Some(t(17, 0, 0)));
    assert_eq!(err.message_vi(), "Bạn đã dùng hết 2 lượt thi mỗi ngày. Bạn có thể thi tiếp từ 00:00 ngày 03/06/2025.");
    assert!(may_start(&policy, &me, &previous, t(17, 0, 0)).is_ok());
    assert!(may_start(&policy, &other, &previous, t(10, 0, 0)).is_ok());
    // The same number typed another way is the same person.
    let typed = PersonKey::parse("+84 912 345 678").unwrap();
    assert!(may_start(&policy, &typed, &previous, t(10, 0, 0)).is_err());
}

#[test]
fn weekly_and_contest_limits() {
    let me = person(1);
    // Monday 2 June 2025 and Sunday 8 June (local).
    let monday = t(1, 0, 0);
    let sunday = Utc.with_ymd_and_hms(2025, 6, 8, 10, 0, 0).unwrap();
    let next_monday_local_midnight = Utc.with_ymd_and_hms(2025, 6, 8, 17, 0, 0).unwrap();
    let previous = vec![PastAttempt { person: me.clone(), started_at: monday }];
    let week = AttemptPolicy { max_attempts: 1, period: Period::Week };
    let err = may_start(&week, &me, &previous, sunday).unwrap_err();
    assert_eq!(err.next_allowed, Some(next_monday_local_midnight));
    assert!(may_start(&week, &me, &previous, next_monday_local_midnight).is_ok());
    let whole = AttemptPolicy { max_attempts: 1, period: Period::Contest };
    let err = may_start(&whole, &me, &previous, next_monday_local_midnight).unwrap_err();
    assert_eq!(err.next_allowed, None);
    assert_eq!(err.message_vi(), "Bạn đã dùng hết 1 lượt thi trong cả cuộc thi.");
}

#[test]
fn organiser_staff_cannot_enter() {
    let staff: BTreeSet<PersonKey> = [PersonKey::parse("0912345678").unwrap()].into();
    let err = check_eligibility(&PersonKey::parse("+84912345678").unwrap(), &staff).unwrap_err();
    assert_eq!(err, Ineligible::OrganiserStaff);
    assert!(err.message_vi().contains("không được tham gia"));
    assert!(check_eligibility(&PersonKey::parse("0987654321").unwrap(), &staff).is_ok());
}

#[test]
fn unit_leaderboard_counts_people_once_and_never_exceeds_100_percent() {
    let u = |n| Some(UnitId(n));
    let mut entries = vec![
        entry(1, 10, None, 1, t(8, 0, 0)),
        entry(2, 20, None, 1, t(8, 0, 0)),
        entry(3, 16, None, 1, t(8, 0, 0)),
        entry(4, 18, None, 1, t(8, 0, 0)),
        entry(5, 5, None, 1, t(8, 0, 0)),
    ];
    entries[0].unit = u(1);
    entries[1].unit = u(1);
    entries[1].person = entries[0].person.clone(); // same person, better attempt
    entries[2].unit = u(2);
    entries[3].unit = u(2);
    entries[4].unit = u(3); // unit 3 has no population
    let populations = [
        UnitPopulation { unit: UnitId(1), eligible: 4 },
        UnitPopulation { unit: UnitId(2), eligible: 1 }, // stale population: 2 entered
        UnitPopulation { unit: UnitId(4), eligible: 0 },
        UnitPopulation { unit: UnitId(5), eligible: 10 },
    ];
    let board = unit_leaderboard(&entries, &populations);
    let by_unit = |n| board.iter().find(|s| s.unit == UnitId(n)).unwrap();
    assert_eq!(by_unit(1).participants, 1);
    assert_eq!(by_unit(1).participation, Some(0.25));
    assert_eq!(by_unit(1).average_score, Some(20.0));
    assert_eq!(by_unit(2).participation, Some(1.0), "capped at 100%");
    assert_eq!(by_unit(2).average_score, Some(17.0));
    assert_eq!(by_unit(3).participation, None, "no population: no data");
    assert_eq!(by_unit(4).participation, None, "population 0: no data, not 0%");
    assert_eq!(by_unit(5).participation, Some(0.0), "nobody entered: 0%");
    assert_eq!(by_unit(5).average_score, None);
    let order: Vec<i64> = board.iter().map(|s| s.unit.0).collect();
    assert_eq!(order, [2, 1, 5, 3, 4]);
    assert_eq!(board.iter().map(|s| s.rank).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
}

#[test]
fn one_time_codes_expire_and_allow_few_tries() {
    let me = person(1);
    let code = OneTimeCode::generate([1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(code.as_str().len(), 6);
    assert!(!format!("{code:?}").contains(code.as_str()), "Debug hides the code");
    let mut c = OtpChallenge::issue(me.clone(), &code, [9; 16], t(8, 0, 0));
    assert!(!c.code_hash.contains(code.as_str()));
    let wrong = if code.as_str() == "000000" { "111111" } else { "000000" };
    assert_eq!(c.verify(wrong, t(8, 1, 0)), Err(OtpError::Wrong { tries_left: 4 }));
    assert_eq!(c.verify("12", t(8, 1, 0)), Err(OtpError::Malformed));
    assert_eq!(c.tries, 1, "a malformed code does not use a try");
    let spaced: String = code.as_str().chars().flat_map(|ch| [ch, ' ']).collect();
    assert_eq!(c.verify(&spaced, t(8, 2, 0)), Ok(()));
    assert_eq!(c.verify(code.as_str(), t(8, 2, 0)), Err(OtpError::AlreadyUsed), "a code works once");

    let mut c = OtpChallenge::issue(me.clone(), &code, [9; 16], t(8, 0, 0));
    assert_eq!(c.verify(code.as_str(), t(8, 5, 1)), Err(OtpError::Expired));

    let mut c = OtpChallenge::issue(me, &code, [9; 16], t(8, 0, 0));
    for left in (0..5).rev() {
        assert_eq!(c.verify(wrong, t(8, 1, 0)), Err(OtpError::Wrong { tries_left: left }));
    }
    assert_eq!(c.verify(code.as_str(), t(8, 1, 0)), Err(OtpError::TooManyTries), "even the right code");
    assert!(OtpError::Wrong { tries_left: 2 }.message_vi().contains("còn 2 lần"));
}

#[test]
fn a_code_is_bound_to_its_phone_and_salt() {
    let code = OneTimeCode::generate([0; 8]);
    assert_eq!(code.as_str(), "000000");
    let a = OtpChallenge::issue(person(1), &code, [1; 16], t(8, 0, 0));
    let b = OtpChallenge::issue(person(2), &code, [1; 16], t(8, 0, 0));
    let c = OtpChallenge::issue(person(1), &code, [2; 16], t(8, 0, 0));
    assert_ne!(a.code_hash, b.code_hash);
    assert_ne!(a.code_hash, c.code_hash);
}

#[test]
fn the_log_sender_records_messages_without_sending() {
    let sender = LogSmsSender::new();
    let me = person(1);
    let code = OneTimeCode::generate([7; 8]);
    let text = otp_sms_text(&code);
    assert!(text.is_ascii() && text.len() <= 160, "one plain SMS: {text}");
    assert!(text.contains(code.as_str()));
    let dyn_sender: &dyn SmsSender = &sender;
    dyn_sender.send(&me, &text).unwrap();
    assert_eq!(sender.sent().len(), 1);
    assert_eq!(sender.last_to(&me), Some(text));
    assert_eq!(sender.last_to(&person(2)), None);
    assert!(SmsError::Unavailable("timeout".into()).message_vi().contains("thử lại"));
}

#[test]
fn export_rows_mask_phones_unless_asked_and_format_times() {
    let mut e = entry(1, 18, Some(10), 125_250, t(8, 5, 9));
    e.unit = Some(UnitId(7));
    let ranked = rank(&[e], 12);
    let names: BTreeMap<UnitId, String> = [(UnitId(7), "Phường Kinh Bắc".to_string())].into();
    let published = export_rows(&ranked, 20, &names, false);
    let row = &published[0];
    assert_eq!(row.phone, "091****001");
    assert_eq!(row.unit, "Phường Kinh Bắc");
    assert_eq!(row.time_taken, "02:05,250");
    assert_eq!(row.submitted_at, "02/06/2025 15:05:09");
    assert_eq!(row.closeness, Some(2));
    let cells = row.cells();
    assert_eq!(cells.len(), RESULT_HEADERS_VI.len());
    assert_eq!(cells[0], "1");
    assert_eq!(cells[6], "10");
    let own = export_rows(&ranked, 20, &names, true);
    assert_eq!(own[0].phone, "+84912000001");
}

fn arb_entry() -> impl Strategy<Value = Entry> {
    (0u32..4, proptest::option::of(0u64..6), 0u64..4, 0i64..4, 0u32..5).prop_map(
        |(score, prediction, time, minute, who)| Entry {
            id: EntryId(0),
            person: person(who),
            name: String::new(),
            unit: Some(UnitId(i64::from(who % 2))),
            score,
            prediction,
            time_taken_ms: time * 1000,
            submitted_at: t(8, minute as u32, 0),
        },
    )
}

/// Entries with small value ranges (so keys tie often) and unique ids.
fn arb_entries() -> impl Strategy<Value = Vec<Entry>> {
    proptest::collection::vec(arb_entry(), 0..14).prop_map(|mut v| {
        for (i, e) in v.iter_mut().enumerate() {
            e.id = EntryId(i as i64 * 7 % 100);
        }
        v
    })
}

proptest! {
    #[test]
    fn draws_are_valid_and_reproducible(n in 1usize..=20, seed in any::<u64>(), quota in 0usize..=4) {
        let b = bank();
        let quotas = [Quota { category: "Bảo vệ trẻ em".into(), count: quota }];
        match draw(&b, n, &quotas, seed) {
            Ok(d) => {
                prop_assert_eq!(d.questions.len(), n);
                let ids: BTreeSet<_> = d.questions.iter().map(|x| x.question).collect();
                prop_assert_eq!(ids.len(), n);
                for x in &d.questions {
                    let q = b.iter().find(|q| q.id == x.question).unwrap();
                    prop_assert!(is_permutation(&x.order, q.choices.len()));
                }
                let children = d.questions.iter().filter(|x| x.question.0 >= 16).count();
                prop_assert_eq!(children, quota);
                prop_assert_eq!(Draw::decode(&d.encode()), Some(d.clone()));
                prop_assert_eq!(draw(&b, n, &quotas, seed).unwrap(), d);
            }
            Err(e) => prop_assert!(n > 16 + quota || quota > n, "{e:?}"),
        }
    }

    #[test]
    fn grading_counts_exactly_the_right_displayed_answers(
        seed in any::<u64>(),
        picks in proptest::collection::vec(proptest::option::of(0usize..6), 0..=8),
    ) {
        let b = bank();
        let d = draw(&b, 8, &[], seed).unwrap();
        let g = grade(&d, &b, &picks).unwrap();
        let expected = picks.iter().zip(&d.questions).filter(|(p, x)| **p == Some(right_answer(x, &b))).count();
        prop_assert_eq!(g.correct as usize, expected);
        prop_assert!(g.correct <= g.answered && g.answered <= g.total);
        prop_assert_eq!(g.total, 8);
    }

    #[test]
    fn rank_order_is_a_total_order(a in arb_entry(), b in arb_entry(), c in arb_entry(), actual in 0u64..6) {
        let (mut a, mut b, mut c) = (a, b, c);
        a.id = EntryId(1);
        b.id = EntryId(2);
        c.id = EntryId(3);
        // Antisymmetric, and never equal for distinct entries.
        prop_assert_eq!(rank_order(&a, &b, actual), rank_order(&b, &a, actual).reverse());
        prop_assert_ne!(rank_order(&a, &b, actual), Ordering::Equal);
        // Transitive.
        if rank_order(&a, &b, actual) == Ordering::Less && rank_order(&b, &c, actual) == Ordering::Less {
            prop_assert_eq!(rank_order(&a, &c, actual), Ordering::Less);
        }
    }

    #[test]
    fn ranking_does_not_depend_on_input_order(entries in arb_entries(), seed in any::<u64>(), actual in 0u64..6) {
        let mut shuffled = entries.clone();
        shuffle(&mut ChaCha8Rng::seed_from_u64(seed), &mut shuffled);
        let a: Vec<EntryId> = rank(&entries, actual).iter().map(|r| r.entry.id).collect();
        let b: Vec<EntryId> = rank(&shuffled, actual).iter().map(|r| r.entry.id).collect();
        prop_assert_eq!(a, b);
        let ranks: Vec<usize> = rank(&entries, actual).iter().map(|r| r.rank).collect();
        prop_assert_eq!(ranks, (1..=entries.len()).collect::<Vec<_>>());
    }

    #[test]
    fn best_per_person_keeps_one_unbeaten_entry_each(entries in arb_entries(), actual in 0u64..6) {
        let best = best_per_person(&entries, actual);
        let people: BTreeSet<&PersonKey> = entries.iter().map(|e| &e.person).collect();
        prop_assert_eq!(best.len(), people.len());
        for b in &best {
            for e in entries.iter().filter(|e| e.person == b.person) {
                prop_assert_ne!(rank_order(e, b, actual), Ordering::Less);
            }
        }
    }

    #[test]
    fn participation_is_a_share_or_no_data(entries in arb_entries(), pop0 in 0u64..4, pop1 in 0u64..4) {
        let pops = [UnitPopulation { unit: UnitId(0), eligible: pop0 }, UnitPopulation { unit: UnitId(1), eligible: pop1 }];
        for s in unit_leaderboard(&entries, &pops) {
            match s.participation {
                Some(r) => prop_assert!((0.0..=1.0).contains(&r) && s.eligible.unwrap_or(0) > 0),
                None => prop_assert_eq!(s.eligible.unwrap_or(0), 0),
            }
        }
    }

    #[test]
    fn otp_accepts_only_its_own_code(random in any::<[u8; 8]>(), guess in "[0-9]{6}") {
        let code = OneTimeCode::generate(random);
        let mut c = OtpChallenge::issue(person(1), &code, [3; 16], t(8, 0, 0));
        let ok = c.verify(&guess, t(8, 0, 1)).is_ok();
        prop_assert_eq!(ok, guess == code.as_str());
    }

    #[test]
    fn below_stays_below(seed in any::<u64>(), n in 1usize..1000) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        prop_assert!(below(&mut rng, n) < n);
    }
}

//! What contest entrants and organisers send, read strictly: an answer
//! sheet (JSON from the API, form fields from the page) and the rows of a
//! question-bank spreadsheet. Every refusal says in Vietnamese what to fix;
//! nothing here trusts a time, a score or a deadline from the client (the
//! sheet has no field for them, and unknown fields are ignored).

use std::collections::BTreeSet;

use serde_json::Value;

use super::contest::{MAX_CHOICES, Question, QuestionId};
use crate::import::{Column, RowError, Table};

/// More answers than any draw has: a sheet this long is not a sheet.
pub const MAX_ANSWERS: usize = 200;
/// A prediction above this is a typing accident, not a guess about a province.
pub const MAX_PREDICTION: u64 = 1_000_000_000;
/// Attempt tokens are 64 hex characters; this leaves room, not abuse.
pub const MAX_TOKEN_LEN: usize = 128;
/// An answer sheet's body is a few hundred bytes.
pub const MAX_SHEET_BYTES: usize = 64 * 1024;

/// One attempt's answers as the entrant gave them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnswerSheet {
    /// The secret that came with the attempt; only its holder may submit.
    pub token: String,
    /// The *displayed* position chosen for each question of the draw, in the
    /// draw's order; `None` for a question left blank.
    pub answers: Vec<Option<usize>>,
    /// The answer to the prediction question, if given.
    pub prediction: Option<u64>,
}

/// Why an answer sheet is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the sheet is larger than {MAX_SHEET_BYTES} bytes")]
    TooLarge,
    #[error("the sheet is not a JSON object")]
    NotAnObject,
    #[error("no attempt token")]
    NoToken,
    #[error("the attempt token is malformed")]
    BadToken,
    #[error("answers is not a list")]
    AnswersNotList,
    #[error("{0} answers")]
    TooManyAnswers(usize),
    #[error("answer {index} is not a choice")]
    BadAnswer { index: usize },
    #[error("the prediction is not a whole number in range")]
    BadPrediction,
    #[error("field {0} given twice")]
    Duplicate(String),
}

impl SheetError {
    pub fn message_vi(&self) -> String {
        match self {
            SheetError::TooLarge => "Bài làm gửi lên quá lớn.".into(),
            SheetError::NotAnObject => "Bài làm phải là một đối tượng JSON, ví dụ \
                 {\"token\": \"…\", \"answers\": [0, 2, null], \"prediction\": 15}."
                .into(),
            SheetError::NoToken => "Thiếu mã của lượt thi (token).".into(),
            SheetError::BadToken => "Mã của lượt thi (token) không hợp lệ.".into(),
            SheetError::AnswersNotList => {
                "Trường «answers» phải là danh sách các phương án đã chọn, theo thứ tự câu hỏi.".into()
            }
            SheetError::TooManyAnswers(n) => {
                format!("Bài làm có {n} câu trả lời, nhiều hơn số câu tối đa của một lượt thi ({MAX_ANSWERS}).")
            }
            SheetError::BadAnswer { index } => format!(
                "Câu trả lời thứ {} không hợp lệ: hãy chọn một phương án (số thứ tự từ 0 đến {}) hoặc để trống.",
                index + 1,
                MAX_CHOICES - 1
            ),
            SheetError::BadPrediction => {
                "Dự đoán phải là một số nguyên không âm (không quá 1.000.000.000) hoặc để trống.".into()
            }
            SheetError::Duplicate(field) => format!("Trường «{field}» xuất hiện hai lần trong bài làm."),
        }
    }
}

fn check_token(token: &str) -> Result<String, SheetError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(SheetError::NoToken);
    }
    if token.len() > MAX_TOKEN_LEN || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(SheetError::BadToken);
    }
    Ok(token.to_owned())
}

fn check_choice(value: u64, index: usize) -> Result<usize, SheetError> {
    usize::try_from(value).ok().filter(|&v| v < MAX_CHOICES).ok_or(SheetError::BadAnswer { index })
}

fn check_prediction(value: u64) -> Result<u64, SheetError> {
    if value > MAX_PREDICTION { Err(SheetError::BadPrediction) } else { Ok(value) }
}

/// Reads `{"token": "…", "answers": [0, 2, null, …], "prediction": 15}`.
/// `answers[i]` is the displayed position picked for question `i`;
/// `prediction` may be missing or null. Other fields are ignored: a time,
/// a score or a deadline sent by the client is never read.
pub fn parse_sheet_json(body: &[u8]) -> Result<AnswerSheet, SheetError> {
    if body.len() > MAX_SHEET_BYTES {
        return Err(SheetError::TooLarge);
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| SheetError::NotAnObject)?;
    let Value::Object(map) = value else { return Err(SheetError::NotAnObject) };
    let token = match map.get("token") {
        None | Some(Value::Null) => return Err(SheetError::NoToken),
        Some(Value::String(s)) => check_token(s)?,
        Some(_) => return Err(SheetError::BadToken),
    };
    let answers = match map.get("answers") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            if items.len() > MAX_ANSWERS {
                return Err(SheetError::TooManyAnswers(items.len()));
            }
            items
                .iter()
                .enumerate()
                .map(|(index, item)| match item {
                    Value::Null => Ok(None),
                    Value::Number(n) => {
                        n.as_u64().ok_or(SheetError::BadAnswer { index }).and_then(|v| check_choice(v, index)).map(Some)
                    }
                    _ => Err(SheetError::BadAnswer { index }),
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        Some(_) => return Err(SheetError::AnswersNotList),
    };
    let prediction = match map.get("prediction") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_u64().ok_or(SheetError::BadPrediction).and_then(check_prediction)?),
        Some(Value::String(s)) => parse_prediction_text(s)?,
        Some(_) => return Err(SheetError::BadPrediction),
    };
    Ok(AnswerSheet { token, answers, prediction })
}

/// A prediction as typed in a box: blank, or digits (spaces allowed, as in
/// "1 200").
fn parse_prediction_text(s: &str) -> Result<Option<u64>, SheetError> {
    let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SheetError::BadPrediction);
    }
    digits.parse::<u64>().map_err(|_| SheetError::BadPrediction).and_then(check_prediction).map(Some)
}

/// Reads the answer form of the contest page: `token`, `q0` … `qN` (the
/// displayed position picked, blank for none) and `prediction`. Other
/// fields (the CSRF token, a button's name) are ignored.
pub fn parse_sheet_form(fields: &[(String, String)]) -> Result<AnswerSheet, SheetError> {
    let size: usize = fields.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    if size > MAX_SHEET_BYTES {
        return Err(SheetError::TooLarge);
    }
    let mut seen = BTreeSet::new();
    let mut token = None;
    let mut prediction = None;
    let mut answers: Vec<Option<usize>> = Vec::new();
    for (name, value) in fields {
        let is_ours = name == "token" || name == "prediction" || question_index(name).is_some();
        if is_ours && !seen.insert(name.as_str()) {
            return Err(SheetError::Duplicate(name.clone()));
        }
        if name == "token" {
            token = Some(check_token(value)?);
        } else if name == "prediction" {
            prediction = parse_prediction_text(value)?;
        } else if let Some(index) = question_index(name) {
            if index >= MAX_ANSWERS {
                return Err(SheetError::TooManyAnswers(index + 1));
            }
            let value = value.trim();
            let picked = if value.is_empty() {
                None
            } else {
                let n: u64 = value.parse().map_err(|_| SheetError::BadAnswer { index })?;
                Some(check_choice(n, index)?)
            };
            if answers.len() <= index {
                answers.resize(index + 1, None);
            }
            answers[index] = picked;
        }
    }
    Ok(AnswerSheet { token: token.ok_or(SheetError::NoToken)?, answers, prediction })
}

/// `q12` → 12; anything else (including `q`, `q-1`, `q01x`) → `None`.
fn question_index(name: &str) -> Option<usize> {
    let digits = name.strip_prefix('q')?;
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

// ---------------------------------------------------------------------------
// Question bank import
// ---------------------------------------------------------------------------

/// The columns of a question-bank spreadsheet: a category, the question,
/// up to six choices and the letter of the right one.
pub const QUESTION_COLUMNS: &[Column] = &[
    Column { key: "category", header_vi: "Lĩnh vực", aliases: &["Chủ đề", "Nhóm câu hỏi"], required: true },
    Column { key: "text", header_vi: "Câu hỏi", aliases: &["Nội dung câu hỏi"], required: true },
    Column { key: "a", header_vi: "Phương án A", aliases: &["A"], required: true },
    Column { key: "b", header_vi: "Phương án B", aliases: &["B"], required: true },
    Column { key: "c", header_vi: "Phương án C", aliases: &["C"], required: false },
    Column { key: "d", header_vi: "Phương án D", aliases: &["D"], required: false },
    Column { key: "e", header_vi: "Phương án E", aliases: &["E"], required: false },
    Column { key: "f", header_vi: "Phương án F", aliases: &["F"], required: false },
    Column { key: "correct", header_vi: "Đáp án đúng", aliases: &["Đáp án"], required: true },
];

const LETTERS: [char; MAX_CHOICES] = ['A', 'B', 'C', 'D', 'E', 'F'];

/// The index of a choice named by its letter ("B", "b", "Phương án B") or its
/// number from 1 ("2").
pub fn choice_index(text: &str) -> Option<usize> {
    let t = text.trim();
    let t = t.strip_prefix("Phương án").or_else(|| t.strip_prefix("phương án")).unwrap_or(t).trim();
    let mut chars = t.chars();
    let (first, rest) = (chars.next()?, chars.as_str());
    if rest.is_empty()
        && let Some(i) = LETTERS.iter().position(|l| l.eq_ignore_ascii_case(&first))
    {
        return Some(i);
    }
    t.parse::<usize>().ok().filter(|n| (1..=MAX_CHOICES).contains(n)).map(|n| n - 1)
}

/// The questions of a bank spreadsheet read by `read_table` with
/// [`QUESTION_COLUMNS`], each checked as the draw needs it. A question's id
/// is its line number until the bank gives it one.
pub fn parse_question_rows(table: &Table) -> (Vec<Question>, Vec<RowError>) {
    let mut questions = Vec::new();
    let mut errors = Vec::new();
    let error = |line: usize, column: Option<&str>, vi: String, en: &str| RowError {
        line,
        column: column.map(str::to_owned),
        message_vi: vi,
        message_en: en.to_owned(),
    };
    for row in &table.rows {
        let cell = |i: usize| row.cells.get(i).map(|c| c.trim()).unwrap_or("");
        let choices: Vec<String> =
            (2..2 + MAX_CHOICES).map(cell).filter(|c| !c.is_empty()).map(str::to_owned).collect();
        // A blank between two choices would shift the letters: refused.
        let last_filled = (2..2 + MAX_CHOICES).rev().find(|&i| !cell(i).is_empty()).map_or(0, |i| i - 1);
        if last_filled != choices.len() {
            errors.push(error(
                row.line,
                None,
                "Các phương án phải điền liền nhau từ A, không bỏ trống ở giữa.".into(),
                "choices must be filled from A without gaps",
            ));
            continue;
        }
        let Some(correct) = choice_index(cell(8)) else {
            errors.push(error(
                row.line,
                Some("Đáp án đúng"),
                format!("Đáp án đúng «{}» phải là một chữ cái từ A đến F.", cell(8)),
                "the right answer must be a letter A to F",
            ));
            continue;
        };
        let question = Question {
            id: QuestionId(row.line as i64),
            category: cell(0).to_owned(),
            text: cell(1).to_owned(),
            choices,
            correct,
        };
        if question.category.is_empty() {
            errors.push(error(row.line, Some("Lĩnh vực"), "Cần ghi lĩnh vực của câu hỏi.".into(), "no category"));
            continue;
        }
        match question.validate() {
            Ok(()) => questions.push(question),
            Err(e) => errors.push(error(row.line, None, e.message_vi(), &e.to_string())),
        }
    }
    (questions, errors)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::import::read_table;
    use proptest::prelude::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_json_sheet_is_read_and_client_claims_are_ignored() {
        let body = format!(
            r#"{{"token":"{TOKEN}","answers":[2,null,0],"prediction":15,"time_taken_ms":1,"received_at":"2020-01-01T00:00:00Z","score":99}}"#
        );
        let sheet = parse_sheet_json(body.as_bytes()).unwrap();
        assert_eq!(
            sheet,
            AnswerSheet { token: TOKEN.into(), answers: vec![Some(2), None, Some(0)], prediction: Some(15) }
        );
        let no_prediction = format!(r#"{{"token":"{TOKEN}","answers":[]}}"#);
        assert_eq!(parse_sheet_json(no_prediction.as_bytes()).unwrap().prediction, None);
        let typed = format!(r#"{{"token":"{TOKEN}","prediction":"1 200"}}"#);
        assert_eq!(parse_sheet_json(typed.as_bytes()).unwrap().prediction, Some(1200));
    }

    #[test]
    fn bad_json_sheets_say_what_is_wrong_in_vietnamese() {
        let cases: &[(&str, SheetError)] = &[
            ("[]", SheetError::NotAnObject),
            ("{", SheetError::NotAnObject),
            ("{}", SheetError::NoToken),
            (r#"{"token":"a b"}"#, SheetError::BadToken),
            (r#"{"token":7}"#, SheetError::BadToken),
            (r#"{"token":"abc","answers":"1,2"}"#, SheetError::AnswersNotList),
            (r#"{"token":"abc","answers":[0,6]}"#, SheetError::BadAnswer { index: 1 }),
            (r#"{"token":"abc","answers":[-1]}"#, SheetError::BadAnswer { index: 0 }),
            (r#"{"token":"abc","answers":[1.5]}"#, SheetError::BadAnswer { index: 0 }),
            (r#"{"token":"abc","answers":["A"]}"#, SheetError::BadAnswer { index: 0 }),
            (r#"{"token":"abc","prediction":-3}"#, SheetError::BadPrediction),
            (r#"{"token":"abc","prediction":2000000000}"#, SheetError::BadPrediction),
            (r#"{"token":"abc","prediction":"mười"}"#, SheetError::BadPrediction),
        ];
        for (body, expected) in cases {
            let err = parse_sheet_json(body.as_bytes()).unwrap_err();
            assert_eq!(&err, expected, "{body}");
            assert!(!err.message_vi().is_empty());
        }
        let long = format!(r#"{{"token":"abc","answers":[{}]}}"#, vec!["0"; MAX_ANSWERS + 1].join(","));
        assert_eq!(parse_sheet_json(long.as_bytes()), Err(SheetError::TooManyAnswers(MAX_ANSWERS + 1)));
        assert_eq!(parse_sheet_json(&vec![b' '; MAX_SHEET_BYTES + 1]), Err(SheetError::TooLarge));
        assert!(SheetError::BadAnswer { index: 2 }.message_vi().starts_with("Câu trả lời thứ 3"));
    }

    #[test]
    fn a_form_sheet_fills_gaps_and_ignores_other_fields() {
        let form =
            pairs(&[("csrf", "x"), ("token", TOKEN), ("q2", "1"), ("q0", "3"), ("prediction", " 12 "), ("go", "")]);
        let sheet = parse_sheet_form(&form).unwrap();
        assert_eq!(sheet.answers, vec![Some(3), None, Some(1)]);
        assert_eq!(sheet.prediction, Some(12));
        assert_eq!(parse_sheet_form(&pairs(&[("q0", "1")])), Err(SheetError::NoToken));
        assert_eq!(
            parse_sheet_form(&pairs(&[("token", TOKEN), ("q0", "1"), ("q0", "2")])),
            Err(SheetError::Duplicate("q0".into()))
        );
        assert_eq!(parse_sheet_form(&pairs(&[("token", TOKEN), ("q1", "x")])), Err(SheetError::BadAnswer { index: 1 }));
        assert_eq!(
            parse_sheet_form(&pairs(&[("token", TOKEN), ("q9999", "1")])),
            Err(SheetError::TooManyAnswers(10000))
        );
        assert_eq!(
            parse_sheet_form(&pairs(&[("token", TOKEN), ("prediction", "1,5")])),
            Err(SheetError::BadPrediction)
        );
        // Names that merely look like answers are not answers.
        let odd = parse_sheet_form(&pairs(&[("token", TOKEN), ("q", "1"), ("q-1", "1"), ("q01x", "1")])).unwrap();
        assert!(odd.answers.is_empty());
    }

    #[test]
    fn choices_are_named_by_letter_or_number() {
        assert_eq!(choice_index("B"), Some(1));
        assert_eq!(choice_index(" d "), Some(3));
        assert_eq!(choice_index("Phương án C"), Some(2));
        assert_eq!(choice_index("1"), Some(0));
        assert_eq!(choice_index("7"), None);
        assert_eq!(choice_index("G"), None);
        assert_eq!(choice_index(""), None);
    }

    #[test]
    fn bank_rows_are_read_with_line_numbers_and_reasons() {
        let csv = "Lĩnh vực,Câu hỏi,Phương án A,Phương án B,Phương án C,Phương án D,Đáp án đúng\n\
                   Luật An ninh mạng,Luật An ninh mạng có hiệu lực từ năm nào?,2017,2019,2021,,B\n\
                   Lừa đảo,Có nên cung cấp mã OTP qua điện thoại?,Có,Không,,,B\n\
                   Lừa đảo,Câu thiếu đáp án,Có,Không,,,\n\
                   Lừa đảo,Câu có chỗ trống,Có,,Không,,A\n\
                   ,Câu không lĩnh vực,Có,Không,,,A\n\
                   Lừa đảo,Câu đáp án ngoài,Có,Không,,,D\n";
        let table = read_table(csv.as_bytes(), QUESTION_COLUMNS).unwrap();
        let (questions, errors) = parse_question_rows(&table);
        assert_eq!(questions.len(), 2);
        assert_eq!(questions[0].choices, ["2017", "2019", "2021"]);
        assert_eq!(questions[0].correct, 1);
        assert_eq!(questions[1].category, "Lừa đảo");
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [4, 5, 6, 7]);
        assert!(errors[0].message_vi.contains("Đáp án đúng"));
        assert!(errors[1].message_vi.contains("liền nhau"));
        assert!(errors[3].message_vi.contains("không nằm trong"));
    }

    proptest! {
        #[test]
        fn any_json_body_is_read_or_refused_in_vietnamese(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            match parse_sheet_json(&body) {
                Ok(sheet) => {
                    prop_assert!(!sheet.token.is_empty() && sheet.answers.len() <= MAX_ANSWERS);
                    prop_assert!(sheet.answers.iter().flatten().all(|&a| a < MAX_CHOICES));
                }
                Err(e) => prop_assert!(!e.message_vi().is_empty()),
            }
        }

        #[test]
        fn shaped_json_sheets_are_read_back_exactly(
            answers in proptest::collection::vec(proptest::option::of(0usize..MAX_CHOICES), 0..40),
            prediction in proptest::option::of(0u64..=MAX_PREDICTION),
        ) {
            let body = serde_json::json!({"token": TOKEN, "answers": answers, "prediction": prediction}).to_string();
            let sheet = parse_sheet_json(body.as_bytes()).unwrap();
            prop_assert_eq!(sheet.answers, answers);
            prop_assert_eq!(sheet.prediction, prediction);
        }

        #[test]
        fn any_form_is_read_or_refused_in_vietnamese(
            fields in proptest::collection::vec(("(q[0-9]{0,3}|token|prediction|x)", "[ -~]{0,12}"), 0..12),
        ) {
            match parse_sheet_form(&fields) {
                Ok(sheet) => prop_assert!(sheet.answers.iter().flatten().all(|&a| a < MAX_CHOICES)),
                Err(e) => prop_assert!(!e.message_vi().is_empty()),
            }
        }
    }
}

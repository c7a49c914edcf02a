//! Any body as a contest answer sheet, as JSON and as form fields: read
//! (answers within the choices, a token, a prediction in range) or refused
//! with a Vietnamese message. And any file as a question bank: every
//! question read is one the draw can use.
#![no_main]

use khienmang_core::import::read_table;
use khienmang_core::outreach::contest::{MAX_CHOICES, validate_bank};
use khienmang_core::outreach::contest_input::{
    AnswerSheet, MAX_ANSWERS, MAX_PREDICTION, QUESTION_COLUMNS, SheetError, parse_question_rows, parse_sheet_form,
    parse_sheet_json,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let check = |sheet: Result<AnswerSheet, SheetError>| match sheet {
        Ok(s) => {
            assert!(!s.token.is_empty());
            assert!(s.answers.len() <= MAX_ANSWERS);
            assert!(s.answers.iter().flatten().all(|&a| a < MAX_CHOICES));
            assert!(s.prediction.is_none_or(|p| p <= MAX_PREDICTION));
        }
        Err(e) => assert!(!e.message_vi().is_empty()),
    };
    check(parse_sheet_json(data));
    if let Ok(text) = std::str::from_utf8(data) {
        let fields: Vec<(String, String)> = text
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_owned(), v.to_owned()),
                None => (kv.to_owned(), String::new()),
            })
            .collect();
        check(parse_sheet_form(&fields));
    }
    if let Ok(table) = read_table(data, QUESTION_COLUMNS) {
        let (questions, errors) = parse_question_rows(&table);
        assert!(errors.iter().all(|e| !e.message_vi.is_empty()));
        for q in &questions {
            assert!(q.validate().is_ok());
        }
        // Line numbers are the ids until stored: unique, so the bank is valid.
        assert!(validate_bank(&questions).is_ok());
    }
});

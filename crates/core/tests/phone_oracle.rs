//! The phone parser against an independent oracle: `fixtures/phones/vn_phones.csv`
//! holds Vietnamese numbers (mobiles, landlines, 1800/1900 numbers, short
//! codes, retired 11-digit mobiles, invalid ones) in the many ways people
//! type them, each judged by PyPI's `phonenumbers` (see `generate.py` beside
//! it). Ours must agree on every one: valid or not, and the E.164 form.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use khienmang_core::scamcheck::{PhoneError, PhoneKind, PhoneNumber};

const CORPUS: &str = include_str!("fixtures/phones/vn_phones.csv");

struct Row<'a> {
    written: &'a str,
    class: &'a str,
    valid: bool,
    e164: &'a str,
    kind: &'a str,
}

fn rows() -> Vec<Row<'static>> {
    CORPUS
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 6, "{line}");
            Row { written: f[0], class: f[2], valid: f[3] == "1", e164: f[4], kind: f[5] }
        })
        .collect()
}

#[test]
fn agrees_with_libphonenumber_on_every_written_form() {
    let rows = rows();
    assert!(rows.len() > 3000, "the corpus is all there: {}", rows.len());
    let mut disagreements = Vec::new();
    for r in &rows {
        let ours = PhoneNumber::parse(r.written);
        let agrees = match (&ours, r.valid) {
            (Ok(n), true) => n.e164() == r.e164,
            (Err(_), false) => true,
            _ => false,
        };
        if !agrees {
            disagreements.push(format!("{:?} ({}): oracle {} {}, ours {ours:?}", r.written, r.class, r.valid, r.e164));
        }
    }
    assert!(disagreements.is_empty(), "{} of {}:\n{}", disagreements.len(), rows.len(), disagreements.join("\n"));
}

#[test]
fn kinds_agree_with_libphonenumber() {
    for r in rows().iter().filter(|r| r.valid) {
        let ours = PhoneNumber::parse(r.written).unwrap();
        let expected = match r.kind {
            "MOBILE" => PhoneKind::Mobile,
            "FIXED_LINE" => PhoneKind::Landline,
            "TOLL_FREE" => PhoneKind::TollFree,
            "PREMIUM_RATE" => PhoneKind::PremiumRate,
            _ => PhoneKind::OtherVn,
        };
        assert_eq!(ours.kind(), &expected, "{} ({})", r.written, r.kind);
    }
}

/// libphonenumber calls the retired 11-digit mobiles invalid; ours refuses
/// them too, naming the number they became.
#[test]
fn retired_prefixes_are_refused_with_the_new_number() {
    let retired: Vec<_> = rows().into_iter().filter(|r| r.class == "retired").collect();
    assert!(retired.len() > 100);
    for r in retired {
        assert!(!r.valid, "{}", r.written);
        match PhoneNumber::parse(r.written) {
            Err(PhoneError::RetiredPrefix { new_number, .. }) => {
                assert_eq!(new_number.len(), 10, "{}", r.written);
                assert!(PhoneNumber::parse(&new_number).is_ok(), "{} → {new_number}", r.written);
            }
            other => panic!("{}: {other:?}", r.written),
        }
    }
}

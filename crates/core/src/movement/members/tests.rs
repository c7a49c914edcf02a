//! Tests of reading member lists: the checks of each row and of the file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::import::Row;
use crate::import::read_table;

fn members(csv: &str) -> MembersReport {
    parse_members(&read_table(csv.as_bytes(), MEMBER_COLUMNS).unwrap())
}

fn people(csv: &str) -> PeopleReport {
    parse_people(&read_table(csv.as_bytes(), PEOPLE_COLUMNS).unwrap())
}

#[test]
fn households_are_one_however_written() {
    let key = household_key("001", "Nguyễn Văn A, số 12");
    for same in ["nguyen van a so 12", "NGUYỄN VĂN A - SỐ 12", "  Nguyễn  Văn A,số 12.", "Nguyễn Văn A (số 12)"]
    {
        assert_eq!(household_key("001", same), key, "{same}");
    }
    assert_eq!(household_key(" 001 ", "Nguyễn Văn A, số 12"), key, "the village code is trimmed");
    assert_ne!(household_key("002", "Nguyễn Văn A, số 12"), key, "another village");
    assert_ne!(household_key("001", "Nguyễn Văn A, số 13"), key, "another house");
    assert_ne!(household_key("001", "Nguyễn Văn Á, số 12 B"), key);
    // The separator keeps village and text apart: ("0011", "x") is not ("001", "1 x").
    assert_ne!(household_key("0011", "x"), household_key("001", "1 x"));
    let expected = Sha256::digest("001\u{1f}nguyen van a so 12".as_bytes());
    assert_eq!(key.to_be_bytes(), expected[..8]);
}

#[test]
fn a_member_list_with_good_and_bad_rows() {
    let r = members(
        "Họ và tên,Mã thôn,Chủ hộ,Năm tham gia,Năm rời,Số CCCD,Số điện thoại\n\
         Nguyễn Văn An,001,\"Nguyễn Văn An, số 12\",2025,,012345678901,0912345678\n\
         Nguyễn Thị Bình,001,nguyen van an so 12,2025,2026,,\n\
         ,001,x,2025,,,\n\
         Lê Văn C,001,Lê Văn C,1999,,,\n\
         Lê Văn D,001,Lê Văn D,2025,2024,,\n\
         nguyễn văn  an,001,NGUYỄN VĂN AN SỐ 12,2026,,,\n\
         Phạm E,002,---,2025,,,\n\
         Phạm F,002,Phạm F,,,,\n\
         Trần G,002,Trần G số 3,2024,,,\n",
    );
    let lines = |r: &MembersReport| r.errors.iter().map(|e| e.line).collect::<Vec<_>>();
    assert_eq!(r.records.iter().map(|m| m.line).collect::<Vec<_>>(), vec![2, 3, 10], "{:?}", r.errors);
    assert_eq!(r.households, 2, "two members of one household, one of another");
    assert_eq!(lines(&r), vec![4, 5, 6, 7, 8, 9]);
    let at = |line: usize| r.errors.iter().find(|e| e.line == line).unwrap();
    assert_eq!(at(4).column.as_deref(), Some("Họ và tên"));
    assert!(at(4).message_vi.starts_with("Thiếu Họ và tên"));
    assert!(at(5).message_vi.contains("1999"));
    assert_eq!(at(6).column.as_deref(), Some("Năm rời"));
    assert!(at(7).message_vi.contains("Trùng với dòng 2"), "{}", at(7).message_vi);
    assert!(at(8).message_vi.contains("không có chữ hoặc số"));
    assert_eq!(at(9).column.as_deref(), Some("Năm tham gia"));
    assert!(r.errors.iter().all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty()));
    let first = &r.records[0];
    assert_eq!(
        (first.village_code.as_str(), first.full_name.as_str(), first.joined_year, first.left_year),
        ("001", "Nguyễn Văn An", 2025, None)
    );
    assert_eq!(first.household, household_key("001", "Nguyễn Văn An, số 12"));
    assert_eq!(r.records[1].left_year, Some(2026));
    // Nothing of the ID-card or phone columns is kept.
    assert!(!format!("{r:?}").contains("012345678901") && !format!("{r:?}").contains("0912345678"));
}

#[test]
fn member_headings_as_people_write_them() {
    let r = members("STT;Họ tên;Thôn;Địa chỉ hộ;Năm tham gia\n1;Hà Văn K;T3;Hà Văn K, xóm Trại;2024\n");
    assert_eq!(r.records.len(), 1, "{:?}", r.errors);
    assert_eq!(r.records[0].village_code, "T3");
    let missing = read_table("Họ và tên,Năm tham gia,Năm rời\nA,2025,\n".as_bytes(), MEMBER_COLUMNS).unwrap_err();
    assert_eq!(missing, ImportError::MissingColumns(vec!["Mã thôn".into(), "Hộ gia đình".into()]));
}

#[test]
fn a_people_list() {
    let r = people(
        "Họ và tên,Mã đơn vị,Vai trò,Chức vụ,Năm\n\
         Trần Thị B,07210,bao cao vien phap luat,,2025\n\
         Trần Thị B,07210,legal_propagandist,Phó Chủ tịch,2025\n\
         Lê C,07210,NGƯỜI ĐỨNG ĐẦU MÔ HÌNH,Trưởng thôn,2024\n\
         X,07210,không rõ,,2025\n\
         Trần Thị B,07210,Báo cáo viên,,2026\n\
         Y,,Tuyên truyền viên,,20255\n",
    );
    assert_eq!(r.records.len(), 3, "{:?}", r.errors);
    assert_eq!(r.records[0].role, PersonRole::LegalReporter);
    assert_eq!(r.records[1].role, PersonRole::LegalPropagandist);
    assert_eq!(r.records[1].position.as_deref(), Some("Phó Chủ tịch"));
    assert_eq!(r.records[2].role, PersonRole::InitiativeLeader);
    assert_eq!(r.records[0].position, None);
    let lines: Vec<usize> = r.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![5, 6, 7, 7]);
    assert!(r.errors[0].message_vi.contains("Vai trò \"không rõ\" không hợp lệ"));
    assert!(r.errors[1].message_vi.contains("Trùng với dòng 2"), "{}", r.errors[1].message_vi);
    assert_eq!(r.errors[2].column.as_deref(), Some("Mã đơn vị"));
    assert_eq!(r.errors[3].column.as_deref(), Some("Năm"));
}

#[test]
fn roles_by_code_label_or_usual_name() {
    for &role in PersonRole::ALL {
        assert_eq!(parse_role(role.as_str()).ok(), Some(role));
        assert_eq!(parse_role(&role.label_vi().to_uppercase()).ok(), Some(role));
        assert_eq!(parse_role(&fold(role.label_vi())).ok(), Some(role));
        assert_eq!(parse_role(&role.as_str().replace('_', " ")).ok(), Some(role));
    }
    assert_eq!(parse_role("quản trị viên").ok(), Some(PersonRole::InitiativeAdmin));
    assert!(parse_role("giám đốc").is_err());
}

#[test]
fn templates_read_back_with_their_example() {
    let bytes = members_template_xlsx().unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let table = read_table(&bytes, MEMBER_COLUMNS).unwrap();
    assert_eq!(table.headers, MEMBER_COLUMNS.iter().map(|c| c.header_vi).collect::<Vec<_>>());
    let r = parse_members(&table);
    assert_eq!((r.records.len(), r.errors.len(), r.households), (1, 0, 1), "{:?}", r.errors);
    assert_eq!(r.records[0].line, 4, "numbered as in Excel");

    let bytes = people_template_xlsx().unwrap();
    let r = parse_people(&read_table(&bytes, PEOPLE_COLUMNS).unwrap());
    assert_eq!((r.records.len(), r.errors.len()), (1, 0), "{:?}", r.errors);
    assert_eq!(r.records[0].role, PersonRole::LegalReporter);
    assert_eq!(r.records[0].unit_code, "07210", "the code keeps its leading zero");
}

#[test]
fn a_communes_template_offers_its_villages_and_its_example_names_one() {
    let village = |code: &str, hint: Option<&str>| TemplateVillage {
        code: code.into(),
        name: "Tổ dân phố số 1".into(),
        hint: hint.map(str::to_string),
    };
    let bytes =
        members_template_for_xlsx(&[village("25090.001", Some("Phường Cũ")), village("25090.002", None)]).unwrap();
    let r = parse_members(&read_table(&bytes, MEMBER_COLUMNS).unwrap());
    assert_eq!((r.records.len(), r.errors.len()), (1, 0), "{:?}", r.errors);
    assert_eq!(r.records[0].village_code, "25090.001", "the label's code, not its name");
}

#[test]
fn every_column_has_a_hint() {
    for c in MEMBER_COLUMNS.iter().chain(PEOPLE_COLUMNS) {
        assert!(!column_hint_vi(c).ends_with(' '), "{}", c.key);
    }
    assert_eq!(List::Members.example().len(), MEMBER_COLUMNS.len());
    assert_eq!(List::People.example().len(), PEOPLE_COLUMNS.len());
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "(19|20|21)[0-9]{2}",
        "[0-9]{1,6}",
        "[A-Za-zÀ-ỹĐđ ,.-]{1,12}",
        "\\PC{0,20}",
        prop::sample::select(PersonRole::ALL).prop_map(|r| r.label_vi().to_owned()),
    ]
}

fn table(columns: &[Column], rows: Vec<Vec<String>>) -> Table {
    Table {
        headers: columns.iter().map(|c| c.header_vi.to_owned()).collect(),
        rows: rows.into_iter().enumerate().map(|(i, cells)| Row { line: i + 2, cells }).collect(),
    }
}

fn accounted(table: &Table, ok: &[usize], errors: &[RowError]) -> Result<(), TestCaseError> {
    let ok_lines: BTreeSet<usize> = ok.iter().copied().collect();
    let bad: BTreeSet<usize> = errors.iter().map(|e| e.line).collect();
    let all: BTreeSet<usize> = table.rows.iter().map(|r| r.line).collect();
    prop_assert_eq!(ok_lines.len(), ok.len());
    prop_assert!(ok_lines.is_disjoint(&bad));
    prop_assert_eq!(ok_lines.union(&bad).copied().collect::<BTreeSet<_>>(), all);
    for e in errors {
        prop_assert!(!e.message_vi.is_empty() && !e.message_en.is_empty());
    }
    Ok(())
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(t) = read_table(&bytes, MEMBER_COLUMNS) {
            let r = parse_members(&t);
            prop_assert!(r.households <= r.records.len());
        }
        if let Ok(t) = read_table(&bytes, PEOPLE_COLUMNS) {
            let _ = parse_people(&t);
        }
    }

    #[test]
    fn every_member_row_is_accounted_for(rows in prop::collection::vec(prop::collection::vec(cell(), 0..7), 0..12)) {
        let t = table(MEMBER_COLUMNS, rows);
        let r = parse_members(&t);
        accounted(&t, &r.records.iter().map(|m| m.line).collect::<Vec<_>>(), &r.errors)?;
        let mut households = BTreeSet::new();
        for m in &r.records {
            prop_assert!(YEARS.contains(&m.joined_year));
            prop_assert!(m.left_year.is_none_or(|l| YEARS.contains(&l) && l >= m.joined_year));
            prop_assert!(!m.full_name.is_empty() && m.full_name.chars().count() <= MAX_NAME_CHARS);
            prop_assert!(!m.village_code.is_empty() && m.village_code.chars().count() <= MAX_CODE_CHARS);
            households.insert((m.village_code.clone(), m.household));
        }
        prop_assert_eq!(r.households, households.len());
    }

    #[test]
    fn every_person_row_is_accounted_for(rows in prop::collection::vec(prop::collection::vec(cell(), 0..7), 0..12)) {
        let t = table(PEOPLE_COLUMNS, rows);
        let r = parse_people(&t);
        accounted(&t, &r.records.iter().map(|p| p.line).collect::<Vec<_>>(), &r.errors)?;
        for p in &r.records {
            prop_assert!(YEARS.contains(&p.year));
            prop_assert!(!p.full_name.is_empty() && !p.unit_code.is_empty());
            prop_assert!(p.position.as_ref().is_none_or(|s| !s.is_empty()));
        }
    }

    #[test]
    fn household_key_ignores_case_marks_and_spacing(
        words in prop::collection::vec("[a-zA-Z0-9àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]{1,8}", 1..5),
        village in "[A-Z0-9-]{1,8}",
        separator in prop::sample::select(vec![" ", "  ", ", ", " - ", "\t", ".", "/"]),
    ) {
        let text = words.join(" ");
        let written = words.iter().map(|w| w.to_uppercase()).collect::<Vec<_>>().join(separator);
        prop_assert_eq!(household_key(&village, &text), household_key(&village, &written));
        prop_assert_eq!(household_key(&village, &text), household_key(&village, &fold(&text)));
        prop_assert_eq!(household_key(&village, &text), household_key(&format!(" {village}\t"), &format!(" {text} ")));
    }
}

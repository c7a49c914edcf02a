//! The review's files read back: the decree's layout, the tables and their
//! one total, the pre-filled parts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::*;
use crate::admin::ymd;

fn sample_review_data() -> ReviewData {
    let t = |code: &str, title: &str, goal: &str, value: &str, percent: Option<f64>, status: Status| TargetRow {
        code: code.into(),
        title: title.into(),
        goal_text: goal.into(),
        value_text: value.into(),
        percent,
        expected: Some(60.0),
        status,
        by_year: vec![Some(40.0), percent, None],
    };
    let settings = ReviewSettings { signer_name: Some("Nguyễn Văn B".into()), ..ReviewSettings::default() };
    ReviewData {
        kind: ReviewKind::Interim,
        unit_name: "tỉnh Bắc Ninh".into(),
        issuer: settings.province_issuer("Tỉnh Bắc Ninh"),
        date: ymd(2027, 10, 5),
        subject: ReviewKind::Interim.subject_vi().into(),
        intro: vec!["Thực hiện Đề án, Ủy ban nhân dân tỉnh báo cáo sơ kết giai đoạn I như sau:".into()],
        year: 2026,
        years: vec![2024, 2025, 2026],
        targets: vec![
            t("2.1", "Cấp ủy có nghị quyết chuyên đề", "100%", "99/99", Some(100.0), Status::Met),
            t("2.3", "Cán bộ được tập huấn", "100%", "1.180/1.250", Some(94.4), Status::OnTrack),
            t("2.9c", "Hộ dân có người tham gia mô hình", "Tối thiểu 80%", "", None, Status::NoData),
        ],
        results: vec![Section {
            heading: "Tiếp nhận tin báo".into(),
            paragraphs: vec!["Người dân đã gửi tin báo.".into()],
            table: Some(CountTable {
                header: vec!["Năm".into(), "Tin báo".into(), "Lượt tra cứu".into()],
                rows: vec![("2025".into(), vec![3, 1_000]), ("2026".into(), vec![4, 2_500])],
            }),
        }],
        budget: vec![
            BudgetSummaryRow {
                label: "Ngân sách cấp tỉnh".into(),
                planned: 5_015_728_000,
                allocated: 2_400_000_000,
                spent: 2_100_000_000,
                settled: 1_900_000_000,
            },
            BudgetSummaryRow {
                label: "Ngân sách cấp xã".into(),
                planned: 28_531_500_000,
                allocated: 9_000_000_000,
                spent: 8_500_000_000,
                settled: 8_000_000_000,
            },
        ],
        shortcomings: vec!["Chỉ tiêu 2.3 chậm so với lộ trình.".into()],
        causes: vec!["Một số đơn vị chưa báo cáo.".into()],
        solutions: vec!["Đôn đốc các đơn vị.".into()],
        communes: vec![CommuneRow {
            name: "Phường Kinh Bắc".into(),
            values: vec![Some(100.0), Some(50.0), None, None, None, None, None, None, Some(12.5)],
            behind: 1,
        }],
    }
}

/// The names in a zip's central directory: proves the bytes are a zip
/// and lists its parts.
fn zip_names(bytes: &[u8]) -> Vec<String> {
    let u16_at = |i: usize| usize::from(u16::from_le_bytes([bytes[i], bytes[i + 1]]));
    let u32_at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
    // The end-of-central-directory record is the last "PK\x05\x06".
    let eocd = (0..bytes.len() - 3).rev().find(|&i| bytes[i..i + 4] == [0x50, 0x4b, 0x05, 0x06]).unwrap();
    let (count, mut at) = (u16_at(eocd + 10), u32_at(eocd + 16));
    let mut names = Vec::new();
    for _ in 0..count {
        assert_eq!(bytes[at..at + 4], [0x50, 0x4b, 0x01, 0x02], "central directory entry");
        let (n, extra, comment) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        names.push(String::from_utf8(bytes[at + 46..at + 46 + n].to_vec()).unwrap());
        at += 46 + n + extra + comment;
    }
    names
}

/// The body of word/document.xml as read back: top-level paragraphs' text
/// and each table as rows of cell texts (a cell's paragraphs joined by "\n").
fn read_back(bytes: &[u8]) -> (Vec<String>, Vec<Vec<Vec<String>>>) {
    use docx_rs::{DocumentChild, TableCellContent, TableChild, TableRowChild};
    let doc = docx_rs::read_docx(bytes).unwrap();
    let (mut paragraphs, mut tables) = (Vec::new(), Vec::new());
    for child in &doc.document.children {
        match child {
            DocumentChild::Paragraph(p) => paragraphs.push(p.raw_text()),
            DocumentChild::Table(t) => tables.push(
                t.rows
                    .iter()
                    .map(|TableChild::TableRow(r)| {
                        r.cells
                            .iter()
                            .map(|TableRowChild::TableCell(c)| {
                                let texts: Vec<String> = c
                                    .children
                                    .iter()
                                    .filter_map(|x| match x {
                                        TableCellContent::Paragraph(p) => Some(p.raw_text()),
                                        _ => None,
                                    })
                                    .collect();
                                texts.join("\n")
                            })
                            .collect()
                    })
                    .collect(),
            ),
            _ => {}
        }
    }
    (paragraphs, tables)
}

/// Every run of the document with its text and whether it is bold and italic.
fn runs(bytes: &[u8]) -> Vec<(String, bool, bool)> {
    use docx_rs::{DocumentChild, Paragraph, ParagraphChild, RunChild, TableCellContent, TableChild, TableRowChild};
    fn of_paragraph(p: &Paragraph, out: &mut Vec<(String, bool, bool)>) {
        for child in &p.children {
            if let ParagraphChild::Run(r) = child {
                let text: String = r
                    .children
                    .iter()
                    .filter_map(|c| match c {
                        RunChild::Text(t) => Some(t.text.as_str()),
                        _ => None,
                    })
                    .collect();
                out.push((text, r.run_property.bold.is_some(), r.run_property.italic.is_some()));
            }
        }
    }
    let doc = docx_rs::read_docx(bytes).unwrap();
    let mut out = Vec::new();
    for child in &doc.document.children {
        match child {
            DocumentChild::Paragraph(p) => of_paragraph(p, &mut out),
            DocumentChild::Table(t) => {
                for TableChild::TableRow(r) in &t.rows {
                    for TableRowChild::TableCell(c) in &r.cells {
                        for x in &c.children {
                            if let TableCellContent::Paragraph(p) = x {
                                of_paragraph(p, &mut out);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn table_with<'a>(tables: &'a [Vec<Vec<String>>], first: &[&str]) -> &'a Vec<Vec<String>> {
    tables.iter().find(|t| t[0].iter().zip(first).all(|(a, b)| a == b)).expect("table")
}

#[test]
fn date_line_follows_decree_30() {
    assert_eq!(date_line_vi("Bắc Ninh", ymd(2031, 2, 5)), "Bắc Ninh, ngày 05 tháng 02 năm 2031");
    assert_eq!(date_line_vi("Bắc Ninh", ymd(2027, 10, 15)), "Bắc Ninh, ngày 15 tháng 10 năm 2027");
    assert_eq!(date_line_vi("Bắc Ninh", ymd(2027, 3, 1)), "Bắc Ninh, ngày 01 tháng 3 năm 2027");
}

#[test]
fn result_text_and_percent() {
    assert_eq!(format_percent(98.45), "98,5%");
    assert_eq!(format_percent(100.0), "100%");
    let data = sample_review_data();
    let rows = targets_table_rows(&data);
    assert_eq!(rows[0], ["1", "2.1. Cấp ủy có nghị quyết chuyên đề", "100%", "60%", "99/99 (100%)", "Đạt"]);
    assert_eq!(rows[1][5], "Đúng lộ trình", "the dashboard's status, not met/unmet");
    assert_eq!(rows[2][4..], ["Chưa có số liệu", "Chưa có số liệu"]);
}

#[test]
fn the_issuer_defaults_to_the_provinces_committee_and_a_commune_issues_its_own() {
    let p = ReviewSettings::default().province_issuer("Tỉnh Bắc Ninh");
    assert_eq!(p.issuing_body.to_uppercase(), "ỦY BAN NHÂN DÂN TỈNH BẮC NINH");
    assert_eq!((p.place.as_str(), p.number.trim()), ("Bắc Ninh", "/BC-UBND"));
    assert!(p.recipients.last().unwrap().contains("Công an tỉnh"), "drafted by the standing agency");
    let set = ReviewSettings {
        issuing_body: Some("Ban Chỉ đạo 138 tỉnh".into()),
        number_prefix: Some("BC-BCĐ".into()),
        signer_title: Some("TM. BAN CHỈ ĐẠO\\nTRƯỞNG BAN".into()),
        ..ReviewSettings::default()
    }
    .province_issuer("Tỉnh Bắc Ninh");
    assert_eq!((set.issuing_body.as_str(), set.number.trim()), ("Ban Chỉ đạo 138 tỉnh", "/BC-BCĐ"));
    assert_eq!(set.signer_title, "TM. BAN CHỈ ĐẠO\nTRƯỞNG BAN");
    let c = ReviewSettings::default().unit_issuer("Phường Kinh Bắc", true, "Tỉnh Bắc Ninh");
    assert_eq!((c.issuing_body.as_str(), c.place.as_str()), ("Ủy ban nhân dân phường Kinh Bắc", "Kinh Bắc"));
    let a = ReviewSettings::default().unit_issuer("Sở Y tế", false, "Tỉnh Bắc Ninh");
    assert_eq!(a.parent_body.as_deref(), Some("Ủy ban nhân dân tỉnh Bắc Ninh"));
}

#[test]
fn docx_has_the_decree_layout_and_the_rows_in_order() {
    let data = sample_review_data();
    let bytes = review_docx(&data).unwrap();
    assert!(zip_names(&bytes).iter().any(|n| n == "word/document.xml"));
    let (paragraphs, tables) = read_back(&bytes);

    // Top: issuer left, motto and date right.
    let top = &tables[0][0];
    assert_eq!(top[0], "ỦY BAN NHÂN DÂN TỈNH BẮC NINH\n________\nSố:        /BC-UBND");
    let right: Vec<&str> = top[1].lines().collect();
    assert_eq!(right[..2], ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]);
    assert_eq!(right[3], "Bắc Ninh, ngày 05 tháng 10 năm 2027");

    let at = paragraphs.iter().position(|p| p == "BÁO CÁO").unwrap();
    assert_eq!(paragraphs[at + 1], data.subject);
    for part in
        ["I. KẾT QUẢ ĐẠT ĐƯỢC", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "III. PHƯƠNG HƯỚNG, GIẢI PHÁP", "PHỤ LỤC"]
    {
        assert!(paragraphs.iter().any(|p| p == part), "{part}");
    }
    assert!(
        paragraphs.iter().any(|p| p == "Trên đây là báo cáo sơ kết giai đoạn I của Ủy ban nhân dân tỉnh Bắc Ninh./.")
    );
    assert!(!paragraphs.concat().contains("giai đoạn i "));

    let targets = table_with(&tables, &TARGETS_HEADER_START);
    assert_eq!(targets[0][3], "Lộ trình năm 2026");
    assert_eq!(targets[1..], targets_table_rows(&data)[..]);
    let years = table_with(&tables, &["Chỉ tiêu", "2024"]);
    assert_eq!(years[2], ["2.3", "40%", "94,4%", "—", "100%"]);

    // Each count table ends with one total, the sum of its rows.
    let budget = table_with(&tables, &BUDGET_HEADER);
    assert_eq!(budget.iter().filter(|r| r[0] == TOTAL).count(), 1);
    assert_eq!(
        budget.last().unwrap(),
        &["Tổng cộng", "33.547.228.000", "11.400.000.000", "10.600.000.000", "9.900.000.000"]
    );
    let reports = table_with(&tables, &["Năm", "Tin báo"]);
    assert_eq!(reports.last().unwrap(), &["Tổng cộng", "7", "3.500"]);

    let annex = table_with(&tables, &["STT", "Xã, phường"]);
    assert_eq!(annex[1][..4], ["1", "Phường Kinh Bắc", "100%", "50%"]);

    // Bottom: recipients left, signer right with the decree's hint.
    let bottom = &tables.iter().rev().find(|t| t[0][0].starts_with("Nơi nhận:")).unwrap()[0];
    assert!(bottom[0].starts_with("Nơi nhận:\n- Bộ Công an (để b/c);"));
    let sign: Vec<&str> = bottom[1].lines().collect();
    assert_eq!(sign[..3], ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", SIGN_HINT]);
    assert_eq!(sign.last(), Some(&"Nguyễn Văn B"));

    let runs = runs(&bytes);
    let style = |text: &str| runs.iter().find(|r| r.0 == text).map(|r| (r.1, r.2)).expect(text);
    assert_eq!(style("ỦY BAN NHÂN DÂN TỈNH BẮC NINH"), (true, false));
    assert_eq!(style("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), (true, false));
    assert_eq!(style("Bắc Ninh, ngày 05 tháng 10 năm 2027"), (false, true));
    assert_eq!(style("Nơi nhận:"), (true, true));
    assert_eq!(style(SIGN_HINT), (false, true));
    assert_eq!(style("Nguyễn Văn B"), (true, false));
}

#[test]
fn xlsx_cells_equal_the_data() {
    let data = sample_review_data();
    let bytes = review_annex_xlsx(&data).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), ["Chỉ tiêu", "Kinh phí", "Các xã"]);
    let r = wb.worksheet_range("Chỉ tiêu").unwrap();
    for (i, t) in data.targets.iter().enumerate() {
        assert_eq!(r.get((i + 1, 1)), Some(&Data::String(t.code.clone())));
        assert_eq!(r.get((i + 1, 7)), Some(&Data::String(t.status.label_vi().to_owned())));
    }
    assert_eq!(r.get((2, 6)), Some(&Data::Float(94.4)));
    let r = wb.worksheet_range("Kinh phí").unwrap();
    assert_eq!(r.get((3, 0)), Some(&Data::String(TOTAL.into())));
    assert_eq!(r.get((3, 1)), Some(&Data::Float(33_547_228_000.0)));
    assert_eq!(r.get((4, 0)), None, "one total row");
    let r = wb.worksheet_range("Các xã").unwrap();
    assert_eq!(r.get((1, 10)), Some(&Data::Float(12.5)));
}

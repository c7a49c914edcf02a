//! The review as a DOCX in the layout of Decree 30/2020/NĐ-CP, Appendix I.
//!
//! A4, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman.
//! At the top a two-column borderless table: on the left the governing body
//! (upper case, 13 pt, when there is one), the issuing body (upper case, bold,
//! 13 pt), a short rule and "Số: …"; on the right the national motto "CỘNG
//! HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (bold 13 pt) and "Độc lập - Tự do - Hạnh
//! phúc" (bold 14 pt), a rule, and the place and date in italics. Then the
//! document type "BÁO CÁO" and the subject, centred and bold; the body text in
//! 14 pt, justified, first line indented 1 cm; the tables in 13 pt (the
//! annex's in 11 pt, to fit eleven columns); and at the bottom another
//! borderless table with "Nơi nhận:" (bold italic 12 pt, the list in 11 pt)
//! on the left and the signer's position (bold 14 pt), "(Ký, ghi rõ họ tên,
//! đóng dấu)" in italics and the name (bold 14 pt) on the right. The annex
//! starts on a new page.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Table,
    TableCell, TableRow, WidthType,
};

use super::{
    NINE, ReviewData, ReviewError, SIGN_HINT, TOTAL, annex_header, annex_rows, budget_table, count_rows, date_line_vi,
    kind_in_sentence, targets_header, targets_table_rows, years_table,
};

const FONT: &str = "Times New Roman";
/// Sizes in half-points, as DOCX counts them.
const PT11: usize = 22;
const PT12: usize = 24;
const PT13: usize = 26;
const PT14: usize = 28;
/// A4 in twentieths of a point, and the decree's margins (20/20/30/15 mm).
const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;
const MARGIN_TOP: i32 = 1_134;
const MARGIN_BOTTOM: i32 = 1_134;
const MARGIN_LEFT: i32 = 1_701;
const MARGIN_RIGHT: i32 = 850;
/// The width between the margins.
const TEXT_W: usize = 9_355;
/// 1 cm first-line indent.
const INDENT: i32 = 567;

fn fonts() -> RunFonts {
    RunFonts::new().ascii(FONT).hi_ansi(FONT).east_asia(FONT).cs(FONT)
}

fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).size(size).fonts(fonts())
}

fn centred(r: Run) -> Paragraph {
    Paragraph::new().add_run(r).align(AlignmentType::Center)
}

fn body_par(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, PT14))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
        .line_spacing(LineSpacing::new().before(120).after(0))
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, PT14).bold())
        .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
        .line_spacing(LineSpacing::new().before(240).after(120))
}

fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    paragraphs.into_iter().fold(TableCell::new().width(width, WidthType::Dxa), |c, p| c.add_paragraph(p))
}

/// A bordered table with a bold header row; a "Tổng cộng" row is bold too.
/// Columns from `numeric_from` on are right-aligned.
fn data_table(header: &[String], rows: &[Vec<String>], widths: &[usize], numeric_from: usize, size: usize) -> Table {
    let mk_row = |texts: &[String], bold: bool| {
        TableRow::new(
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let r = if bold { run(t, size).bold() } else { run(t, size) };
                    let align = if i == 0 && (bold || numeric_from > 1) {
                        AlignmentType::Center
                    } else if i >= numeric_from {
                        AlignmentType::Right
                    } else {
                        AlignmentType::Left
                    };
                    cell(vec![Paragraph::new().add_run(r).align(align)], widths.get(i).copied().unwrap_or(1000))
                })
                .collect(),
        )
        .cant_split()
    };
    let mut out = vec![mk_row(header, true)];
    out.extend(rows.iter().map(|r| mk_row(r, r.first().is_some_and(|c| c == TOTAL))));
    Table::new(out).set_grid(widths.to_vec()).width(widths.iter().sum(), WidthType::Dxa)
}

/// A label column then equal numeric columns across the text width.
fn widths(label: usize, n: usize) -> Vec<usize> {
    let rest = (TEXT_W - label) / n.max(1);
    std::iter::once(label).chain(std::iter::repeat_n(rest, n)).collect()
}

/// The heading block: issuer on the left, motto and date on the right.
fn top(data: &ReviewData) -> Table {
    let left_w = 3_900;
    let right_w = TEXT_W - left_w;
    let issuer = &data.issuer;
    let mut left = Vec::new();
    if let Some(parent) = issuer.parent_body.as_deref().filter(|p| !p.trim().is_empty()) {
        left.push(centred(run(&parent.to_uppercase(), PT13)));
    }
    left.push(centred(run(&issuer.issuing_body.to_uppercase(), PT13).bold()));
    left.push(centred(run("________", PT13)));
    left.push(centred(run(&format!("Số: {}", issuer.number), PT13)).line_spacing(LineSpacing::new().before(120)));
    let right = vec![
        centred(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", PT13).bold()),
        centred(run("Độc lập - Tự do - Hạnh phúc", PT14).bold()),
        centred(run("______________________", PT13)),
        centred(run(&date_line_vi(&issuer.place, data.date), PT14).italic())
            .line_spacing(LineSpacing::new().before(120)),
    ];
    Table::without_borders(vec![TableRow::new(vec![cell(left, left_w), cell(right, right_w)])])
        .clear_all_border()
        .set_grid(vec![left_w, right_w])
        .width(TEXT_W, WidthType::Dxa)
}

/// The closing block: recipients on the left, the signer on the right.
fn bottom(data: &ReviewData) -> Table {
    let issuer = &data.issuer;
    let mut recipients = vec![Paragraph::new().add_run(run("Nơi nhận:", PT12).bold().italic())];
    for r in &issuer.recipients {
        let line = if r.starts_with('-') { r.clone() } else { format!("- {r}") };
        recipients.push(Paragraph::new().add_run(run(&line, PT11)));
    }
    let mut signature: Vec<Paragraph> =
        issuer.signer_title.lines().map(|l| centred(run(&l.to_uppercase(), PT14).bold())).collect();
    signature.push(centred(run(SIGN_HINT, PT14).italic()));
    // Room for the signature and the seal.
    signature.extend((0..3).map(|_| Paragraph::new()));
    signature.push(centred(run(&issuer.signer_name, PT14).bold()));
    Table::without_borders(vec![TableRow::new(vec![cell(recipients, 4_400), cell(signature, TEXT_W - 4_400)])])
        .clear_all_border()
        .set_grid(vec![4_400, TEXT_W - 4_400])
        .width(TEXT_W, WidthType::Dxa)
}

/// The review report as a DOCX file.
pub fn review_docx(data: &ReviewData) -> Result<Vec<u8>, ReviewError> {
    let mut doc = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(PageMargin::new().top(MARGIN_TOP).bottom(MARGIN_BOTTOM).left(MARGIN_LEFT).right(MARGIN_RIGHT))
        .default_fonts(fonts())
        .default_size(PT14)
        .add_table(top(data))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(run("BÁO CÁO", PT14).bold()).line_spacing(LineSpacing::new().before(240)))
        .add_paragraph(centred(run(&data.subject, PT14).bold()))
        .add_paragraph(centred(run("____________", PT14)));
    for p in &data.intro {
        doc = doc.add_paragraph(body_par(p));
    }

    doc = doc.add_paragraph(heading("I. KẾT QUẢ ĐẠT ĐƯỢC"));
    doc = doc.add_paragraph(heading(&format!("1. Kết quả thực hiện các chỉ tiêu năm {}", data.year)));
    doc = doc.add_table(data_table(
        &targets_header(data.year),
        &targets_table_rows(data),
        &[720, 3_235, 1_200, 1_300, 1_600, 1_300],
        usize::MAX,
        PT13,
    ));
    let (header, rows) = years_table(data);
    doc = doc.add_paragraph(heading("2. Kết quả thực hiện các chỉ tiêu qua các năm"));
    doc = doc.add_table(data_table(&header, &rows, &widths(900, header.len() - 1), 1, PT12));

    let mut n = 3;
    for s in &data.results {
        doc = doc.add_paragraph(heading(&format!("{n}. {}", s.heading)));
        for p in &s.paragraphs {
            doc = doc.add_paragraph(body_par(p));
        }
        if let Some(t) = &s.table {
            doc = doc.add_table(data_table(&t.header, &count_rows(t), &widths(3_355, t.header.len() - 1), 1, PT13));
        }
        n += 1;
    }
    doc = doc.add_paragraph(heading(&format!("{n}. Kinh phí thực hiện (đồng)")));
    let budget = budget_table(&data.budget);
    doc = doc.add_table(data_table(&budget.header, &count_rows(&budget), &widths(2_955, 4), 1, PT13));

    doc = doc.add_paragraph(heading("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"));
    doc = doc.add_paragraph(heading("1. Tồn tại, hạn chế"));
    for p in &data.shortcomings {
        doc = doc.add_paragraph(body_par(p));
    }
    doc = doc.add_paragraph(heading("2. Nguyên nhân"));
    for p in &data.causes {
        doc = doc.add_paragraph(body_par(p));
    }
    doc = doc.add_paragraph(heading("III. PHƯƠNG HƯỚNG, GIẢI PHÁP"));
    for p in &data.solutions {
        doc = doc.add_paragraph(body_par(p));
    }
    doc = doc.add_paragraph(body_par(&format!(
        "Trên đây là báo cáo {} của {}./.",
        kind_in_sentence(data.kind),
        data.issuer.issuing_body
    )));
    doc = doc.add_paragraph(Paragraph::new()).add_table(bottom(data));

    // The annex, on a page of its own.
    doc = doc
        .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
        .add_paragraph(centred(run("PHỤ LỤC", PT14).bold()))
        .add_paragraph(centred(
            run(&format!("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA CÁC XÃ, PHƯỜNG NĂM {}", data.year), PT14).bold(),
        ))
        .add_paragraph(
            centred(
                run(
                    &format!(
                        "(Kèm theo Báo cáo số {} ngày {} của {})",
                        data.issuer.number.trim(),
                        data.date.format("%d/%m/%Y"),
                        data.issuer.issuing_body
                    ),
                    PT13,
                )
                .italic(),
            )
            .line_spacing(LineSpacing::new().after(120)),
        );
    let mut annex_w = vec![500, 2_105];
    annex_w.extend(std::iter::repeat_n(750, NINE.len()));
    doc = doc.add_table(data_table(&annex_header(&NINE), &annex_rows(data), &annex_w, 2, PT11));
    if data.communes.is_empty() {
        doc = doc.add_paragraph(body_par("Không có xã, phường trực thuộc."));
    }

    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| ReviewError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

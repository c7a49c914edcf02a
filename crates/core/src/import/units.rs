//! The official national lists: administrative units (provinces, districts,
//! communes) and the 2025 reorganisation's old → new commune links.

use std::collections::{HashMap, HashSet};

use super::rows::{Cells, Fields, Problem, choose, parse_name, parse_unit_type};
use super::{Column, ImportError, Row, RowError, normalize_code, quote, read_table};
use crate::org::Level;

const fn column(key: &'static str, header_vi: &'static str, required: bool) -> Column {
    Column { key, header_vi, aliases: &[], required }
}

const LEVEL: Column = column("level", "Cấp", true);
const CODE: Column = column("code", "Mã", true);
const PARENT_CODE: Column = column("parent_code", "Mã cấp trên", false);

/// Columns of a unit list. An `area_km2` column (2025 list) is ignored.
const UNIT_COLUMNS: &[Column] = &[
    LEVEL,
    CODE,
    column("name", "Tên", true),
    column("type", "Loại", false),
    PARENT_CODE,
    column("lat", "Vĩ độ", false),
    column("lon", "Kinh độ", false),
];

const NEW_CODE: Column = column("new_code", "Mã xã mới", true);
const SPLIT: Column = column("split", "Chia tách", true);
const DEFAULT_TARGET: Column = column("default_target", "Nhận dữ liệu mặc định", true);

const REORG_COLUMNS: &[Column] = &[column("old_code", "Mã xã cũ", true), NEW_CODE, SPLIT, DEFAULT_TARGET];

/// The levels a national list contains.
const LIST_LEVELS: &[Level] = &[Level::Province, Level::District, Level::Commune];

/// One row of a national unit list.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRecord {
    pub line: usize,
    pub level: Level,
    /// 2 digits for a province, 3 for a district, 5 for a commune.
    pub code: String,
    pub name: String,
    /// The official type word: "Tỉnh", "Quận", "Xã", "Phường", "Đặc khu", ...
    pub unit_type: Option<String>,
    /// `None` for provinces only.
    pub parent_code: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// One link of the reorganisation: `old_code` (2024 list) continues as
/// `new_code` (2025 list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReorgRecord {
    pub line: usize,
    pub old_code: String,
    pub new_code: String,
    /// The old commune was divided among several new ones.
    pub split: bool,
    /// This new commune takes the old one's data when nothing better is
    /// known; exactly one link per old commune has it.
    pub default_target: bool,
}

fn code_width(level: Level) -> usize {
    match level {
        Level::Province => 2,
        Level::District => 3,
        _ => 5,
    }
}

fn parse_level(s: &str) -> Result<Level, Problem> {
    choose(s, LIST_LEVELS, |l| [l.as_str(), l.label_vi()], &[]).ok_or_else(|| {
        Problem::new(
            format!("Cấp {} không hợp lệ. Hãy ghi province (tỉnh), district (huyện) hoặc commune (xã).", quote(s)),
            format!("Level {} is invalid. Use province, district or commune.", quote(s)),
        )
    })
}

fn parse_unit_code(s: &str, level: Level) -> Result<String, Problem> {
    let width = code_width(level);
    normalize_code(s, width).ok_or_else(|| {
        Problem::new(
            format!("Mã {} không hợp lệ: mã cấp {} gồm {width} chữ số.", quote(s), level.label_vi()),
            format!("Code {} is invalid: a {} code has {width} digits.", quote(s), level.as_str()),
        )
    })
}

/// A latitude (`limit` 90) or longitude (`limit` 180) in decimal degrees;
/// a decimal comma is accepted for files saved with Vietnamese settings.
fn parse_degrees(s: &str, limit: f64) -> Result<f64, Problem> {
    let value = s.replace(',', ".").parse::<f64>().ok().filter(|v| v.abs() <= limit);
    value.ok_or_else(|| {
        Problem::new(
            format!("Tọa độ {} không hợp lệ: cần số thập phân từ -{limit} đến {limit}, ví dụ 21.0468.", quote(s)),
            format!("Coordinate {} is invalid: use a decimal number from -{limit} to {limit}, e.g. 21.0468.", quote(s)),
        )
    })
}

/// A unit list row after the checks that need only the row itself.
struct Draft {
    line: usize,
    level: Option<Level>,
    code: Option<String>,
    name: Option<String>,
    unit_type: Option<String>,
    parent: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    fields: Fields,
}

/// Parses a national list of administrative units (header `level, code,
/// name, type, parent_code, lat, lon`, optionally `area_km2`).
///
/// A district's parent must be a province of the file; a commune's parent
/// must be a district of the file or, in a list without districts (after
/// 2025), a province. Rows with errors are left out of the records.
pub fn parse_unit_list(bytes: &[u8]) -> Result<(Vec<UnitRecord>, Vec<RowError>), ImportError> {
    let table = read_table(bytes, UNIT_COLUMNS)?;
    let cells = Cells::new(UNIT_COLUMNS, &table);
    let drafts: Vec<Draft> = table.rows.iter().map(|row| draft_unit(&cells, row)).collect();

    let known: HashSet<(Level, String)> = drafts.iter().filter_map(|d| Some((d.level?, d.code.clone()?))).collect();
    let commune_parent =
        if drafts.iter().any(|d| d.level == Some(Level::District)) { Level::District } else { Level::Province };

    let mut seen: HashMap<(Level, String), usize> = HashMap::new();
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for mut d in drafts {
        let Some(level) = d.level else {
            errors.append(&mut d.fields.errors);
            continue;
        };
        let line = d.line;
        let mut problem = |p: Problem, column: &Column| d.fields.errors.push(p.at(line, column));
        if let Some(code) = &d.code {
            let first = *seen.entry((level, code.clone())).or_insert(line);
            if first != line {
                problem(
                    Problem::new(
                        format!("Trùng mã: {} {code} đã có ở dòng {first}. Hãy xóa dòng trùng.", level.label_vi()),
                        format!(
                            "Duplicate code: {} {code} is already on line {first}. Delete the duplicate row.",
                            level.as_str()
                        ),
                    ),
                    &CODE,
                );
            }
        }
        let parent_level = match level {
            Level::Province => None,
            Level::District => Some(Level::Province),
            _ => Some(commune_parent),
        };
        let parent_code = match (parent_level, &d.parent) {
            (None, None) => None,
            (None, Some(v)) => {
                problem(
                    Problem::new(
                        format!(
                            "Tỉnh/thành phố không có cấp trên, nhưng ô Mã cấp trên ghi {}. Hãy để trống ô này.",
                            quote(v)
                        ),
                        format!("A province has no parent, but the parent code is {}. Leave it empty.", quote(v)),
                    ),
                    &PARENT_CODE,
                );
                None
            }
            (Some(parent_level), None) => {
                problem(
                    Problem::new(
                        format!("Thiếu mã cấp trên. Hãy ghi mã {} chứa đơn vị này.", parent_level.label_vi()),
                        format!(
                            "The parent code is missing. Give the code of the {} this unit belongs to.",
                            parent_level.as_str()
                        ),
                    ),
                    &PARENT_CODE,
                );
                None
            }
            (Some(parent_level), Some(v)) => {
                let code = normalize_code(v, code_width(parent_level))
                    .filter(|code| known.contains(&(parent_level, code.clone())));
                if code.is_none() {
                    problem(
                        Problem::new(
                            format!(
                                "Mã cấp trên {} không có trong tệp ở cấp {}. Hãy kiểm tra lại mã.",
                                quote(v),
                                parent_level.label_vi()
                            ),
                            format!(
                                "Unknown parent code {}: there is no {} with this code in the file. Check the code.",
                                quote(v),
                                parent_level.as_str()
                            ),
                        ),
                        &PARENT_CODE,
                    );
                }
                code
            }
        };
        match (d.code, d.name) {
            (Some(code), Some(name)) if d.fields.errors.is_empty() => records.push(UnitRecord {
                line,
                level,
                code,
                name,
                unit_type: d.unit_type,
                parent_code,
                lat: d.lat,
                lon: d.lon,
            }),
            _ => errors.append(&mut d.fields.errors),
        }
    }
    Ok((records, errors))
}

/// The checks of a unit list row that need only the row itself.
fn draft_unit(cells: &Cells, row: &Row) -> Draft {
    let cell = |key: &str| cells.get(row, key);
    let mut fields = Fields::new(row.line);
    let level = fields.get(cell("level"), parse_level);
    // The code's width depends on the level; an unknown level is already
    // reported, but an empty code still is too.
    let code = fields.get(cell("code"), |s| level.map(|l| parse_unit_code(s, l)).transpose()).flatten();
    let name = fields.get(cell("name"), parse_name);
    let unit_type = fields.get(cell("type"), parse_unit_type);
    let parent = cell("parent_code").map(|(_, v)| v.to_owned()).filter(|v| !v.is_empty());
    let lat = fields.get(cell("lat"), |s| parse_degrees(s, 90.0));
    let lon = fields.get(cell("lon"), |s| parse_degrees(s, 180.0));
    let missing = match (lat, lon) {
        (Some(_), None) => cell("lon"),
        (None, Some(_)) => cell("lat"),
        _ => None,
    };
    if let Some((column, _)) = missing {
        fields.errors.push(
            Problem::new(
                "Thiếu một trong hai tọa độ. Hãy điền cả vĩ độ và kinh độ, hoặc để trống cả hai.",
                "One of the two coordinates is missing. Give both latitude and longitude, or neither.",
            )
            .at(row.line, column),
        );
    }
    Draft { line: row.line, level, code, name, unit_type, parent, lat, lon, fields }
}

fn parse_flag(s: &str) -> Result<bool, Problem> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(Problem::new(
            format!("Giá trị {} không hợp lệ. Hãy ghi 1 (có) hoặc 0 (không).", quote(s)),
            format!("Value {} is invalid. Write 1 (yes) or 0 (no).", quote(s)),
        )),
    }
}

/// Parses the reorganisation links (header `old_code, new_code, split,
/// default_target`, flags 0/1). Besides each row's own checks, the links of
/// one old commune must name exactly one default target, and be marked
/// `split` exactly when there are several. The links of an old commune are
/// kept all or none: if one line has an error, the others are left out too.
pub fn parse_reorg(bytes: &[u8]) -> Result<(Vec<ReorgRecord>, Vec<RowError>), ImportError> {
    let table = read_table(bytes, REORG_COLUMNS)?;
    let cells = Cells::new(REORG_COLUMNS, &table);
    let commune_code = |s: &str| parse_unit_code(s, Level::Commune);
    let mut parsed: Vec<(usize, Option<ReorgRecord>, Vec<RowError>)> = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for row in &table.rows {
        let cell = |key: &str| cells.get(row, key);
        let mut fields = Fields::new(row.line);
        let old_code = fields.get(cell("old_code"), commune_code);
        let new_code = fields.get(cell("new_code"), commune_code);
        let split = fields.get(cell("split"), parse_flag);
        let default_target = fields.get(cell("default_target"), parse_flag);
        let (Some(old_code), Some(new_code), Some(split), Some(default_target)) =
            (old_code, new_code, split, default_target)
        else {
            parsed.push((row.line, None, fields.errors));
            continue;
        };
        let first = *seen.entry((old_code.clone(), new_code.clone())).or_insert(row.line);
        if first != row.line {
            fields.errors.push(
                Problem::new(
                    format!("Trùng với dòng {first}: liên kết {old_code} → {new_code} đã có. Hãy xóa dòng trùng."),
                    format!("Duplicate of line {first}: the link {old_code} → {new_code} is already there. Delete the duplicate row."),
                )
                .at(row.line, &NEW_CODE),
            );
        }
        let record = ReorgRecord { line: row.line, old_code, new_code, split, default_target };
        parsed.push((row.line, Some(record), fields.errors));
    }

    // Whole-group checks over the links of each old commune.
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, record, _)) in parsed.iter().enumerate() {
        if let Some(r) = record {
            groups.entry(r.old_code.as_str()).or_default().push(i);
        }
    }
    let mut group_errors: Vec<(usize, RowError)> = Vec::new();
    for (old_code, members) in &groups {
        let records: Vec<&ReorgRecord> = members.iter().filter_map(|&i| parsed[i].1.as_ref()).collect();
        let defaults = records.iter().filter(|r| r.default_target).count();
        let is_split = records.len() > 1;
        for (&i, r) in members.iter().zip(&records) {
            if defaults != 1 {
                group_errors.push((i, Problem::new(
                    format!("Xã cũ {old_code} có {defaults} xã mới nhận dữ liệu mặc định. Hãy ghi 1 ở đúng một dòng của xã {old_code}, 0 ở các dòng còn lại."),
                    format!("Old commune {old_code} has {defaults} default targets. Write 1 on exactly one of its lines and 0 on the others."),
                ).at(r.line, &DEFAULT_TARGET)));
            }
            if r.split != is_split {
                group_errors.push((
                    i,
                    Problem::new(
                        format!(
                            "Xã cũ {old_code} có {} liên kết nên cột Chia tách phải là {}. Hãy sửa lại.",
                            records.len(),
                            u8::from(is_split)
                        ),
                        format!(
                            "Old commune {old_code} has {} link(s), so split must be {}. Correct it.",
                            records.len(),
                            u8::from(is_split)
                        ),
                    )
                    .at(r.line, &SPLIT),
                ));
            }
        }
    }
    for (i, error) in group_errors {
        parsed[i].2.push(error);
    }
    // An old commune's links are taken all or none, so that the records
    // kept always have exactly one default target per old commune.
    let bad_groups: HashSet<String> = parsed
        .iter()
        .filter(|(_, _, errors)| !errors.is_empty())
        .filter_map(|(_, record, _)| record.as_ref().map(|r| r.old_code.clone()))
        .collect();

    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (line, record, mut row_errors) in parsed {
        match record {
            Some(r) if row_errors.is_empty() && !bad_groups.contains(&r.old_code) => records.push(r),
            Some(r) if row_errors.is_empty() => errors.push(RowError {
                line,
                column: None,
                message_vi: format!(
                    "Bỏ qua vì các liên kết khác của xã cũ {} có lỗi. Hãy sửa các dòng đó.",
                    r.old_code
                ),
                message_en: format!(
                    "Skipped because other links of old commune {} have errors. Fix those lines.",
                    r.old_code
                ),
            }),
            _ => errors.append(&mut row_errors),
        }
    }
    Ok((records, errors))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const UNITS_2024: &[u8] = include_bytes!("../../../../data/units-2024.csv");
    const UNITS_2025: &[u8] = include_bytes!("../../../../data/units-2025.csv");
    const REORG_2025: &[u8] = include_bytes!("../../../../data/reorg-2025.csv");

    fn count(records: &[UnitRecord], level: Level) -> usize {
        records.iter().filter(|r| r.level == level).count()
    }

    #[test]
    fn units_2024() {
        let (records, errors) = parse_unit_list(UNITS_2024).unwrap();
        assert_eq!(errors, []);
        assert_eq!(count(&records, Level::Province), 63);
        assert_eq!(count(&records, Level::District), 696);
        assert_eq!(count(&records, Level::Commune), 10_035);
        // Old Bắc Giang (24): 10 districts, 192 communes.
        let districts: HashSet<&str> = records
            .iter()
            .filter(|r| r.level == Level::District && r.parent_code.as_deref() == Some("24"))
            .map(|r| r.code.as_str())
            .collect();
        assert_eq!(districts.len(), 10);
        let communes = records
            .iter()
            .filter(|r| r.level == Level::Commune)
            .filter(|r| r.parent_code.as_deref().is_some_and(|p| districts.contains(p)))
            .count();
        assert_eq!(communes, 192);
        let phuc_xa = &records[2];
        assert_eq!((phuc_xa.line, phuc_xa.code.as_str(), phuc_xa.name.as_str()), (4, "00001", "Phường Phúc Xá"));
        assert_eq!(phuc_xa.unit_type.as_deref(), Some("Phường"));
        assert_eq!(phuc_xa.parent_code.as_deref(), Some("001"));
        assert_eq!((phuc_xa.lat, phuc_xa.lon), (Some(21.046798), Some(105.848112)));
        assert_eq!(records[0].parent_code, None);
    }

    #[test]
    fn units_2025_have_communes_under_provinces() {
        let (records, errors) = parse_unit_list(UNITS_2025).unwrap();
        assert_eq!(errors, []);
        assert_eq!(count(&records, Level::Province), 34);
        assert_eq!(count(&records, Level::District), 0);
        assert_eq!(count(&records, Level::Commune), 3_321);
        let bac_ninh =
            records.iter().filter(|r| r.level == Level::Commune && r.parent_code.as_deref() == Some("24")).count();
        assert_eq!(bac_ninh, 99);
    }

    #[test]
    fn reorg_2025() {
        let (records, errors) = parse_reorg(REORG_2025).unwrap();
        assert_eq!(errors, []);
        assert_eq!(records.len(), 10_597);
        assert_eq!(
            records[0],
            ReorgRecord {
                line: 2,
                old_code: "31150".into(),
                new_code: "31150".into(),
                split: false,
                default_target: true,
            }
        );
        // Every link joins a 2024 commune to a 2025 commune.
        let (old, _) = parse_unit_list(UNITS_2024).unwrap();
        let (new, _) = parse_unit_list(UNITS_2025).unwrap();
        let communes = |units: &[UnitRecord]| -> HashSet<String> {
            units.iter().filter(|u| u.level == Level::Commune).map(|u| u.code.clone()).collect()
        };
        let (old, new) = (communes(&old), communes(&new));
        assert!(records.iter().all(|r| old.contains(&r.old_code) && new.contains(&r.new_code)));
    }

    #[test]
    fn unit_list_row_errors() {
        let csv = "level,code,name,type,parent_code,lat,lon\n\
                   province,1,Thành phố Hà Nội,Thành phố,,,\n\
                   district,001,Quận Ba Đình,Quận,01,,\n\
                   commune,4,Phường Trúc Bạch,Phường,1,21.04,105.84\n\
                   commune,00007,Phường X,Phường,999,,\n\
                   commune,00004,Phường Trùng,Phường,001,,\n\
                   village,00010,Thôn A,Thôn,001,,\n\
                   commune,,Phường Y,Phường,001,,\n\
                   province,02,Tỉnh Hà Giang,Tỉnh,01,,\n\
                   commune,00013,Phường Z,Phường,,21.1,\n\
                   district,002,Quận Hoàn Kiếm,Quận,01,\"21,03\",\"105,85\"\n";
        let (records, errors) = parse_unit_list(csv.as_bytes()).unwrap();
        let codes: Vec<(usize, &str, Option<&str>)> =
            records.iter().map(|r| (r.line, r.code.as_str(), r.parent_code.as_deref())).collect();
        assert_eq!(
            codes,
            [(2, "01", None), (3, "001", Some("01")), (4, "00004", Some("001")), (11, "002", Some("01"))]
        );
        assert_eq!(records[3].lat, Some(21.03));
        let lines: Vec<(usize, Option<&str>)> = errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(
            lines,
            [
                (5, Some("Mã cấp trên")),
                (6, Some("Mã")),
                (7, Some("Cấp")),
                (8, Some("Mã")),
                (9, Some("Mã cấp trên")),
                (10, Some("Kinh độ")),
                (10, Some("Mã cấp trên")),
            ]
        );
        assert!(errors[0].message_en.contains("Unknown parent code \"999\""));
        assert!(errors[1].message_vi.contains("đã có ở dòng 4"));
    }

    #[test]
    fn reorg_row_and_group_errors() {
        let csv = "old_code,new_code,split,default_target\n\
                   00001,00001,0,1\n\
                   00002,00001,1,1\n\
                   00002,00003,1,1\n\
                   00004,00005,0,1\n\
                   00004,00005,0,1\n\
                   00006,00007,2,1\n\
                   00008,00009,1,1\n\
                   00010,00011,1,1\n\
                   00010,00012,0,0\n";
        let (records, errors) = parse_reorg(csv.as_bytes()).unwrap();
        let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2]);
        let lines: Vec<(usize, Option<&str>)> = errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(
            lines,
            [
                (3, Some("Nhận dữ liệu mặc định")),
                (4, Some("Nhận dữ liệu mặc định")),
                (5, Some("Nhận dữ liệu mặc định")),
                (5, Some("Chia tách")),
                (6, Some("Mã xã mới")),
                (6, Some("Nhận dữ liệu mặc định")),
                (6, Some("Chia tách")),
                (7, Some("Chia tách")),
                (8, Some("Chia tách")),
                (9, None),
                (10, Some("Chia tách")),
            ]
        );
        assert!(errors[9].message_vi.starts_with("Bỏ qua vì các liên kết khác của xã cũ 00010"));
    }

    #[test]
    fn whole_file_problems_pass_through() {
        assert_eq!(parse_unit_list(b""), Err(ImportError::Empty));
        assert_eq!(
            parse_unit_list(b"level,code,type,lat,lon\nprovince,01,,,\n"),
            Err(ImportError::MissingColumns(vec!["Tên".into()]))
        );
        assert_eq!(parse_reorg(b"x,y\n1,2\n"), Err(ImportError::NotATable));
    }
}

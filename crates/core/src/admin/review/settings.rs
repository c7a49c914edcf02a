//! Who issues a review, where, under which number and who signs: the
//! configuration (`[review]`) and the issuer it gives for the province, a
//! commune or an agency.
//!
//! By default the province's review is issued by its People's Committee and
//! drafted by the provincial police, the programme's standing agency ("Công
//! an tỉnh tham mưu UBND tỉnh chỉ đạo tổ chức sơ kết giai đoạn I, tổng kết Đề
//! án", Part 2, III.7.1); a commune's by the commune's own People's
//! Committee; an agency's by the agency under the province's committee.

use serde::{Deserialize, Serialize};

/// The `[review]` keys of the configuration; every one optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewSettings {
    /// The issuing body of the province's review (default "Ủy ban nhân dân
    /// tỉnh …", the province's People's Committee).
    pub issuing_body: Option<String>,
    /// The body above it, printed above the issuer (default none).
    pub parent_body: Option<String>,
    /// The place in the date line (default the province's name, "Bắc Ninh").
    pub place: Option<String>,
    /// The symbol after the number (default "BC-UBND").
    pub number_prefix: Option<String>,
    /// The signer's position, lines separated by "\n" (default
    /// "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH").
    pub signer_title: Option<String>,
    /// The signer's name (default a dotted line to write it on).
    pub signer_name: Option<String>,
    /// The standing agency that drafts it (default "Công an tỉnh").
    pub drafter: Option<String>,
}

/// The filled-in heading and signature fields of one review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issuer {
    /// Printed above the issuer, upper case; none for a People's Committee.
    pub parent_body: Option<String>,
    pub issuing_body: String,
    /// After "Số: ": the number left blank for the registry, then the symbol
    /// ("      /BC-UBND").
    pub number: String,
    pub place: String,
    /// Lines separated by "\n".
    pub signer_title: String,
    pub signer_name: String,
    /// The standing agency that drafted it, named in the text and the filing line.
    pub drafter: String,
    /// The "Nơi nhận" lines.
    pub recipients: Vec<String>,
}

/// Where the signer writes the name when none is configured.
pub const NAME_LINE: &str = "………………………………";
/// Room for the registry to write the number in.
const NUMBER_BLANK: &str = "       /";

/// "Tỉnh Bắc Ninh" → "Bắc Ninh", "Phường Kinh Bắc" → "Kinh Bắc".
pub fn short_name(name: &str) -> &str {
    ["Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu "].iter().find_map(|p| name.strip_prefix(p)).unwrap_or(name)
}

/// "Tỉnh Bắc Ninh" → "tỉnh Bắc Ninh": a unit's name inside a sentence.
pub fn in_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if short_name(name) != name => first.to_lowercase().chain(chars).collect(),
        _ => name.to_owned(),
    }
}

fn set(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

impl ReviewSettings {
    /// The province's own review: the configuration over the defaults.
    pub fn province_issuer(&self, province: &str) -> Issuer {
        let committee = format!("Ủy ban nhân dân {}", in_sentence(province));
        let drafter = set(&self.drafter).unwrap_or_else(|| "Công an tỉnh".to_owned());
        Issuer {
            parent_body: set(&self.parent_body),
            issuing_body: set(&self.issuing_body).unwrap_or(committee),
            number: format!("{NUMBER_BLANK}{}", set(&self.number_prefix).unwrap_or_else(|| "BC-UBND".to_owned())),
            place: set(&self.place).unwrap_or_else(|| short_name(province).to_owned()),
            signer_title: set(&self.signer_title)
                .map(|t| t.replace("\\n", "\n"))
                .unwrap_or_else(|| "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".to_owned()),
            signer_name: set(&self.signer_name).unwrap_or_else(|| NAME_LINE.to_owned()),
            recipients: vec![
                "Bộ Công an (để b/c);".to_owned(),
                "Thường trực Tỉnh ủy, Thường trực HĐND tỉnh (để b/c);".to_owned(),
                "Chủ tịch, các Phó Chủ tịch UBND tỉnh;".to_owned(),
                "Các sở, ban, ngành, đoàn thể tỉnh;".to_owned(),
                "UBND các xã, phường;".to_owned(),
                format!("Lưu: VT, {drafter}."),
            ],
            drafter,
        }
    }

    /// A unit's own review under the province: a commune's by its People's
    /// Committee, an agency's by the agency under the province's committee.
    pub fn unit_issuer(&self, unit: &str, commune: bool, province: &str) -> Issuer {
        let province_issuer = self.province_issuer(province);
        let report_to = format!("{} (qua {}) (để b/c);", province_issuer.issuing_body, province_issuer.drafter);
        if commune {
            Issuer {
                parent_body: None,
                issuing_body: format!("Ủy ban nhân dân {}", in_sentence(unit)),
                number: format!("{NUMBER_BLANK}BC-UBND"),
                place: short_name(unit).to_owned(),
                signer_title: "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".to_owned(),
                signer_name: NAME_LINE.to_owned(),
                drafter: format!("Công an {}", in_sentence(unit)),
                recipients: vec![report_to, "Lưu: VT.".to_owned()],
            }
        } else {
            Issuer {
                parent_body: Some(province_issuer.issuing_body.clone()),
                issuing_body: unit.to_owned(),
                number: format!("{NUMBER_BLANK}BC"),
                place: province_issuer.place.clone(),
                signer_title: "THỦ TRƯỞNG CƠ QUAN".to_owned(),
                signer_name: NAME_LINE.to_owned(),
                drafter: unit.to_owned(),
                recipients: vec![report_to, "Lưu: VT.".to_owned()],
            }
        }
    }
}

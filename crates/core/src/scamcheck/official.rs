//! Official entities, checked before any list of scams (as chongluadao and
//! eth-phishing-detect do): names under gov.vn, the banks' own domains and
//! hotlines. A look-alike is measured against these domains.

use super::domain::Domain;
use super::phone::PhoneNumber;

/// Domains of banks, wallets and public services people are lured to imitate.
#[rustfmt::skip]
pub const OFFICIAL_DOMAINS: &[&str] = &[
    "vietcombank.com.vn", "vietinbank.vn", "bidv.com.vn", "agribank.com.vn", "techcombank.com.vn",
    "mbbank.com.vn", "acb.com.vn", "vpbank.com.vn", "tpb.vn", "sacombank.com.vn", "napas.com.vn",
    "momo.vn", "zalopay.vn", "chinhphu.vn", "dichvucong.gov.vn", "bocongan.gov.vn", "vneid.gov.vn",
    "gdt.gov.vn", "baohiemxahoi.gov.vn", "evn.com.vn", "ncsc.gov.vn",
];

/// Banks' customer-service hotlines, as the banks publish them, and
/// the national emergency numbers.
#[rustfmt::skip]
pub const OFFICIAL_PHONES: &[(&str, &str)] = &[
    ("1900545413", "Vietcombank"), ("1900558868", "VietinBank"), ("19009247", "BIDV"),
    ("1900558818", "Agribank"), ("1800588822", "Techcombank"), ("1900545426", "MB Bank"),
    ("1900545486", "ACB"), ("1900545415", "VPBank"), ("1900585885", "TPBank"), ("1900555588", "Sacombank"),
    ("113", "Cảnh sát 113"), ("114", "Cứu hỏa 114"), ("115", "Cấp cứu 115"),
];

/// The official domain `domain` belongs to (itself or a parent), or
/// "gov.vn" for any state body's name.
pub fn official_domain(domain: &Domain) -> Option<&'static str> {
    if domain.is_gov_vn() {
        return Some("gov.vn");
    }
    OFFICIAL_DOMAINS.iter().copied().find(|official| domain.is_within(official))
}

/// Whose hotline a number is, if it is an official one.
pub fn official_phone(phone: &PhoneNumber) -> Option<&'static str> {
    let national = phone.national()?;
    OFFICIAL_PHONES.iter().find(|(number, _)| *number == national).map(|(_, owner)| *owner)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn banks_and_state_bodies_are_official_and_their_imitators_are_not() {
        let d = |s: &str| Domain::parse(s).unwrap();
        assert_eq!(official_domain(&d("ibanking.vietcombank.com.vn")), Some("vietcombank.com.vn"));
        assert_eq!(official_domain(&d("congan.bacninh.gov.vn")), Some("gov.vn"));
        assert_eq!(official_domain(&d("vietcombank-hotro.com")), None);
        assert_eq!(official_domain(&d("vietcombank.com.vn.login-secure.xyz")), None);
        for name in OFFICIAL_DOMAINS {
            assert!(official_domain(&d(name)).is_some(), "{name}");
        }
    }

    #[test]
    fn hotlines_are_recognised_however_written() {
        let p = |s: &str| PhoneNumber::parse(s).unwrap();
        assert_eq!(official_phone(&p("1900 54 54 13")), Some("Vietcombank"));
        assert_eq!(official_phone(&p("0912 345 678")), None);
    }
}

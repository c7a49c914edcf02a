//! Pure rendering helpers for the targets dashboards: inline SVG charts and a
//! commune map, and the XLSX export of the dashboard tables.
//!
//! Nothing here reads the store or the request: pages hand in plain rows and
//! get back a string or bytes. The SVG never uses inline `style` (the site's
//! CSP forbids it): colours are presentation attributes, and `km-` classes are
//! hooks for the site stylesheet. Output is deterministic (fixed number
//! formatting, input order kept) so it can be compared in tests.

pub mod chart;
pub mod map;

use khienmang_core::targets::Status;

/// Text colour, and the colours of the "no data" hatching.
pub(crate) const INK: &str = "#1b1b1f";
pub(crate) const MUTED: &str = "#4a4a55";
pub(crate) const GRID: &str = "#d4d4dc";
pub(crate) const NO_DATA_LINE: &str = "#8a8a96";
pub(crate) const NO_DATA_BG: &str = "#f0f0f3";

pub(crate) use crate::i18n::NO_DATA_VI;

/// A share as a Vietnamese percentage with one decimal: 0.725 → "72,5%",
/// 1.0 → "100%". Non-finite input (never produced by the engine) reads as
/// "no data" rather than a misleading number.
pub fn percent_vi(share: f64) -> String {
    if !share.is_finite() {
        return NO_DATA_VI.to_string();
    }
    let tenths = (share * 1000.0).round() / 10.0;
    let s = format!("{:.1}", if tenths == 0.0 { 0.0 } else { tenths });
    let s = s.strip_suffix(".0").unwrap_or(&s);
    format!("{}%", s.replace('.', ","))
}

/// A value that can be drawn: `None` and non-finite values are "no data".
pub(crate) fn known(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// A coordinate with one decimal, so the same input gives the same bytes.
pub(crate) fn num(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if !r.is_finite() || r == 0.0 { "0".to_string() } else { format!("{r:.1}").trim_end_matches(".0").to_string() }
}

/// Only links within the site or to the web: a `javascript:` URL in a link
/// would run script despite the CSP's intent.
pub(crate) fn safe_href(href: Option<&str>) -> Option<&str> {
    let h = href?.trim();
    let ok = (h.starts_with('/') && !h.starts_with("//"))
        || h.starts_with('?')
        || h.starts_with('#')
        || h.starts_with("https://")
        || h.starts_with("http://");
    ok.then_some(h)
}

/// A stable id for `<defs>` entries, derived from the content: several
/// charts on one page must not share ids that mean different things.
pub(crate) fn content_id(prefix: &str, key: &str) -> String {
    // FNV-1a: tiny and stable across releases (unlike the std hasher).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{prefix}{h:016x}")
}

/// The hatching used for "no data": grey diagonal lines on a light ground.
pub(crate) fn hatch_pattern(id: &str) -> String {
    format!(
        "<pattern id=\"{id}\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"{NO_DATA_BG}\"/>\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{NO_DATA_LINE}\" stroke-width=\"2\"/></pattern>"
    )
}

/// Status colours, dark enough for text on white (WCAG AA, ≥ 4.5:1); the
/// status word always goes with them, so colour is never the only cue.
pub(crate) fn status_colour(s: Status) -> &'static str {
    match s {
        Status::Met => "#146c2e",
        Status::OnTrack => "#0b4fb3",
        Status::Behind => "#b3261e",
        Status::NoData => "#5f5f6b",
    }
}

/// "72,5% (Đạt)", or "Chưa có số liệu" when there is no figure.
pub(crate) fn value_with_status(tr: crate::i18n::Tr, value: Option<f64>, status: Status) -> String {
    match known(value) {
        Some(v) if status == Status::NoData => percent_vi(v),
        Some(v) => format!("{} ({})", percent_vi(v), tr.label(&status)),
        None => tr.label(&Status::NoData).to_string(),
    }
}

/// Shortens a label for a fixed-width column; the full text stays in the
/// `<title>` and `aria-label`.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Parses an SVG as XML and checks it needs nothing the CSP forbids: no
/// `<style>` or `<script>` element, no `style` or `on…` attribute.
#[cfg(test)]
#[allow(clippy::panic)]
pub(crate) fn parse_csp_safe(svg: &str) -> roxmltree::Document<'_> {
    let doc = match roxmltree::Document::parse(svg) {
        Ok(d) => d,
        Err(e) => panic!("not XML: {e}\n{svg}"),
    };
    for n in doc.descendants().filter(|n| n.is_element()) {
        let tag = n.tag_name().name();
        assert!(tag != "style" && tag != "script", "<{tag}> in {svg}");
        for a in n.attributes() {
            assert!(a.name() != "style" && !a.name().starts_with("on"), "{}= in {svg}", a.name());
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn percent_uses_vietnamese_decimal_comma() {
        assert_eq!(percent_vi(0.725), "72,5%");
        assert_eq!(percent_vi(1.0), "100%");
        assert_eq!(percent_vi(0.0), "0%");
        assert_eq!(percent_vi(-0.0), "0%");
        assert_eq!(percent_vi(0.33333), "33,3%");
        assert_eq!(percent_vi(f64::NAN), NO_DATA_VI);
    }

    #[test]
    fn hrefs_are_limited_to_site_and_web() {
        assert_eq!(safe_href(Some("/targets?unit=3")), Some("/targets?unit=3"));
        assert_eq!(safe_href(Some("javascript:alert(1)")), None);
        assert_eq!(safe_href(Some("//evil.example")), None);
        assert_eq!(safe_href(None), None);
    }

    #[test]
    fn numbers_are_fixed() {
        assert_eq!(num(1.04), "1");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(f64::INFINITY), "0");
    }
}

//! A commune map without a tile server: each commune is the Voronoi cell of
//! its centre point, clipped to the hull of all points plus a margin, and
//! filled by its value on a 5-class scale (hatched grey for "no data").

use std::fmt::Write as _;

use khienmang_core::targets::Status;

use super::{INK, MUTED, NO_DATA_LINE, content_id, hatch_pattern, known, num, safe_href};
use crate::i18n::Tr;
use crate::kit::html::escape;

/// One commune on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    pub label: String,
    pub lat: f64,
    pub lon: f64,
    pub value: Option<f64>,
    pub status: Status,
    pub href: Option<String>,
}

/// A sequential scale, light to dark (ColorBrewer BuGn), readable by people
/// with the common colour-vision deficiencies; class `i` covers
/// [20·i %, 20·(i+1) %), the last one up to and above 100%.
const SCALE: [&str; 5] = ["#edf8fb", "#b2e2e2", "#66c2a4", "#2ca25f", "#006d2c"];
const CLASS_LABELS: [&str; 5] = ["Dưới 20%", "20% – dưới 40%", "40% – dưới 60%", "60% – dưới 80%", "Từ 80%"];

type Pt = (f64, f64);

/// The class of a value, decided on the value as displayed (one decimal), so
/// a commune shown as "80%" is never in the "below 80%" class.
fn class_of(v: f64) -> usize {
    let shown = (v * 1000.0).round() / 10.0;
    ((shown / 20.0).floor().max(0.0) as usize).min(4)
}

fn cross(o: Pt, a: Pt, b: Pt) -> f64 {
    (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
}

/// Convex hull (monotone chain); the orientation does not matter here, only
/// convexity does.
fn convex_hull(points: &[Pt]) -> Vec<Pt> {
    let mut pts = points.to_vec();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let mut lower: Vec<Pt> = Vec::new();
    for &p in &pts {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], p) <= 0.0 {
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<Pt> = Vec::new();
    for &p in pts.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], p) <= 0.0 {
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

/// The hull of the sites grown by `margin` in every direction (a 16-gon
/// around each site), which also gives 1, 2 or collinear sites an area.
fn clip_region(sites: &[Pt], margin: f64) -> Vec<Pt> {
    let mut ring = Vec::with_capacity(sites.len() * 16);
    for &(x, y) in sites {
        for k in 0..16 {
            let a = f64::from(k) * std::f64::consts::PI / 8.0;
            ring.push((x + margin * a.cos(), y + margin * a.sin()));
        }
    }
    convex_hull(&ring)
}

/// Keeps the part of a convex polygon on `site`'s side of the bisector
/// between `site` and `other` (one Sutherland–Hodgman step).
fn clip_half_plane(poly: &[Pt], site: Pt, other: Pt) -> Vec<Pt> {
    let n = (other.0 - site.0, other.1 - site.1);
    let mid = ((site.0 + other.0) / 2.0, (site.1 + other.1) / 2.0);
    let side = |p: Pt| (p.0 - mid.0) * n.0 + (p.1 - mid.1) * n.1;
    let mut out = Vec::with_capacity(poly.len() + 1);
    for (i, &a) in poly.iter().enumerate() {
        let b = poly[(i + 1) % poly.len()];
        let (da, db) = (side(a), side(b));
        if da <= 0.0 {
            out.push(a);
        }
        if (da < 0.0 && db > 0.0) || (da > 0.0 && db < 0.0) {
            let t = da / (da - db);
            out.push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
        }
    }
    out
}

/// The Voronoi cell of every site within `region` (convex). Sites must be
/// distinct. O(n²) half-plane clips, fine for a province's communes.
fn voronoi_cells(sites: &[Pt], region: &[Pt]) -> Vec<Vec<Pt>> {
    sites
        .iter()
        .enumerate()
        .map(|(i, &site)| {
            let mut cell = region.to_vec();
            for (j, &other) in sites.iter().enumerate() {
                if i != j && cell.len() >= 3 {
                    cell = clip_half_plane(&cell, site, other);
                }
            }
            cell
        })
        .collect()
}

fn path_d(poly: &[Pt]) -> String {
    let mut d = String::new();
    for (i, &(x, y)) in poly.iter().enumerate() {
        let _ = write!(d, "{}{} {}", if i == 0 { "M" } else { " L" }, num(x), num(y));
    }
    d.push_str(" Z");
    d
}

/// "Name: 72,5% (Đúng lộ trình)", or "Name: Chưa có số liệu".
fn describe(p: &MapPoint, tr: Tr) -> String {
    format!("{}: {}", p.label, super::value_with_status(tr, p.value, p.status))
}

/// A map of communes: a Voronoi cell per distinct location, filled by value,
/// linked when `href` is set, titled "Name: 72,5% (Đúng lộ trình)", with a
/// legend of the classes. Points without finite coordinates are left out;
/// points at the same location share one cell, described with all names.
pub fn commune_map(tr: Tr, title: &str, points: &[MapPoint]) -> String {
    const W: f64 = 640.0;
    const MAX_H: f64 = 560.0;
    const MIN_H: f64 = 200.0;

    let placed: Vec<&MapPoint> =
        points.iter().filter(|p| p.lat.is_finite() && p.lon.is_finite() && p.lat.abs() <= 90.0).collect();

    // Equirectangular projection, x shrunk by cos(mean latitude).
    let mean_lat =
        if placed.is_empty() { 0.0 } else { placed.iter().map(|p| p.lat).sum::<f64>() / placed.len() as f64 };
    let kx = mean_lat.to_radians().cos().max(0.01);
    let raw: Vec<Pt> = placed.iter().map(|p| (p.lon * kx, -p.lat)).collect();

    // Group points at the same location, keeping the order of first sight.
    let mut sites: Vec<Pt> = Vec::new();
    let mut members: Vec<Vec<&MapPoint>> = Vec::new();
    for (p, &xy) in placed.iter().zip(&raw) {
        match sites.iter().position(|&s| s == xy) {
            Some(k) => members[k].push(p),
            None => {
                sites.push(xy);
                members.push(vec![p]);
            }
        }
    }

    let margin = if sites.len() <= 2 { 60.0 } else { 24.0 };
    let pad = margin + 4.0;
    let (min_x, max_x) = sites.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, s| (a.0.min(s.0), a.1.max(s.0)));
    let (min_y, max_y) = sites.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, s| (a.0.min(s.1), a.1.max(s.1)));
    let (dx, dy) = if sites.is_empty() { (0.0, 0.0) } else { (max_x - min_x, max_y - min_y) };
    let sx = if dx > 0.0 { (W - 2.0 * pad) / dx } else { f64::INFINITY };
    let sy = if dy > 0.0 { (MAX_H - 2.0 * pad) / dy } else { f64::INFINITY };
    let scale = if sx.min(sy).is_finite() { sx.min(sy) } else { 1.0 };
    let map_h = (dy * scale + 2.0 * pad).max(MIN_H);
    let off_x = (W - dx * scale) / 2.0;
    let off_y = (map_h - dy * scale) / 2.0;
    let sites: Vec<Pt> =
        sites.iter().map(|&(x, y)| (off_x + (x - min_x) * scale, off_y + (y - min_y) * scale)).collect();

    let region = clip_region(&sites, margin);
    let cells = voronoi_cells(&sites, &region);

    let hatch = content_id("km-h", &format!("map{title}{points:?}"));
    let legend_y = map_h + 12.0;
    let h = legend_y + 52.0;
    let linked = members.iter().flatten().any(|p| safe_href(p.href.as_deref()).is_some());
    let no_data = placed.iter().filter(|p| known(p.value).is_none()).count();

    let mut summary = format!("{}: {} {}", escape(title), tr.t("chart.map_of"), placed.len());
    if no_data > 0 {
        let _ = write!(summary, ", {no_data} {}", tr.label(&Status::NoData).to_lowercase());
    }
    if placed.len() < points.len() {
        let _ = write!(summary, ", {} {}", points.len() - placed.len(), tr.t("chart.no_coordinates"));
    }
    // An image hides its children from assistive technology, links included.
    let role = if linked { "group" } else { "img" };

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" class=\"km-chart km-map\" role=\"{role}\" \
         aria-label=\"{summary}\"><title>{}</title><defs>{}</defs>",
        num(W),
        num(h),
        escape(title),
        hatch_pattern(&hatch)
    );

    if sites.is_empty() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"14\" fill=\"{MUTED}\">\
             Chưa có xã, phường nào có tọa độ</text>",
            num(W / 2.0),
            num(map_h / 2.0)
        );
    }

    s.push_str("<g class=\"km-cells\" stroke=\"#fff\" stroke-width=\"1\" stroke-linejoin=\"round\">");
    for ((cell, group), site) in cells.iter().zip(&members).zip(&sites) {
        let Some(first) = group.first() else { continue };
        let fill = match known(first.value) {
            Some(v) => SCALE[class_of(v)].to_string(),
            None => format!("url(#{hatch})"),
        };
        let said = escape(&group.iter().map(|p| describe(p, tr)).collect::<Vec<_>>().join("; "));
        let path = format!(
            "<path class=\"km-cell km-status-{}\" d=\"{}\" fill=\"{fill}\"><title>{said}</title></path>\
             <circle class=\"km-site\" cx=\"{}\" cy=\"{}\" r=\"1.5\" fill=\"{INK}\" stroke=\"none\"/>",
            first.status.as_str(),
            path_d(cell),
            num(site.0),
            num(site.1)
        );
        match group.iter().find_map(|p| safe_href(p.href.as_deref())) {
            Some(href) => {
                let _ =
                    write!(s, "<a class=\"km-cell-link\" href=\"{}\" aria-label=\"{said}\">{path}</a>", escape(href));
            }
            None => s.push_str(&path),
        }
    }
    s.push_str("</g>");
    // The outline keeps the lightest class visible against a white page.
    if region.len() >= 3 {
        let _ = write!(
            s,
            "<path class=\"km-outline\" d=\"{}\" fill=\"none\" stroke=\"{NO_DATA_LINE}\" stroke-width=\"1\"/>",
            path_d(&region)
        );
    }

    // Legend: the five classes and "no data", two rows of three.
    s.push_str("<g class=\"km-legend\" font-size=\"12\">");
    let items = SCALE.iter().map(|c| c.to_string()).chain([format!("url(#{hatch})")]);
    let labels = CLASS_LABELS.iter().copied().chain([tr.label(&Status::NoData)]);
    for (i, (fill, label)) in items.zip(labels).enumerate() {
        let x = 8.0 + 210.0 * (i % 3) as f64;
        let y = legend_y + 24.0 * (i / 3) as f64;
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"18\" height=\"14\" fill=\"{fill}\" stroke=\"{NO_DATA_LINE}\" \
             stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\" fill=\"{INK}\">{label}</text>",
            num(x),
            num(y),
            num(x + 24.0),
            num(y + 12.0)
        );
    }
    s.push_str("</g></svg>");
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    const VI: Tr = Tr { lang: crate::i18n::Lang::Vi };

    fn parse(svg: &str) -> roxmltree::Document<'_> {
        crate::dashboard::parse_csp_safe(svg)
    }

    /// Even-odd ray casting: is `p` strictly inside the polygon?
    fn contains(poly: &[Pt], p: Pt) -> bool {
        let mut inside = false;
        for i in 0..poly.len() {
            let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
            if (a.1 > p.1) != (b.1 > p.1) && p.0 < a.0 + (p.1 - a.1) / (b.1 - a.1) * (b.0 - a.0) {
                inside = !inside;
            }
        }
        inside
    }

    /// Parses "M x y L x y … Z".
    fn polygon(d: &str) -> Vec<Pt> {
        let nums: Vec<f64> =
            d.split([' ', 'M', 'L', 'Z']).filter(|t| !t.is_empty()).filter_map(|t| t.parse().ok()).collect();
        nums.chunks(2).map(|c| (c[0], c[1])).collect()
    }

    /// A deterministic scatter (xorshift) over a province-sized box.
    fn scatter(n: usize) -> Vec<MapPoint> {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 10_000) as f64 / 10_000.0
        };
        (0..n)
            .map(|i| {
                let (lat, lon) = (21.0 + next() * 0.8, 105.9 + next() * 0.6);
                let value = if i % 7 == 0 { None } else { Some(next()) };
                MapPoint {
                    label: format!("Xã {i}"),
                    lat,
                    lon,
                    value,
                    status: if value.is_some() { Status::OnTrack } else { Status::NoData },
                    href: Some(format!("/targets?unit={i}")),
                }
            })
            .collect()
    }

    fn point(label: &str, lat: f64, lon: f64, value: Option<f64>) -> MapPoint {
        MapPoint {
            label: label.into(),
            lat,
            lon,
            value,
            status: if value.is_some() { Status::OnTrack } else { Status::NoData },
            href: None,
        }
    }

    fn is_cell(n: &roxmltree::Node<'_, '_>) -> bool {
        n.has_tag_name("path") && n.attribute("class").is_some_and(|c| c.starts_with("km-cell "))
    }

    fn cells(doc: &roxmltree::Document<'_>) -> Vec<(Vec<Pt>, Pt)> {
        let paths = doc.descendants().filter(is_cell).filter_map(|n| n.attribute("d"));
        let sites = doc.descendants().filter(|n| n.attribute("class") == Some("km-site")).map(|n| {
            let f = |a| n.attribute(a).and_then(|v: &str| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
            (f("cx"), f("cy"))
        });
        paths.map(polygon).zip(sites).collect()
    }

    #[test]
    fn hundred_communes_each_in_its_own_cell() {
        let pts = scatter(100);
        let svg = commune_map(VI, "Tỷ lệ đạt 2.6", &pts);
        let doc = parse(&svg);
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("group"), "links inside: not an image");
        let cells = cells(&doc);
        assert_eq!(cells.len(), 100);
        for (poly, site) in &cells {
            assert!(poly.len() >= 3);
            assert!(contains(poly, *site), "{site:?} outside {poly:?}");
        }
        let links: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
        assert_eq!(links.len(), 100);
        assert!(links.iter().all(|a| a.attribute("aria-label").is_some_and(|l| l.starts_with("Xã "))));
        // Every seventh has no data and is hatched, never a scale colour.
        let hatched = doc
            .descendants()
            .filter(|n| n.has_tag_name("path") && n.attribute("fill").is_some_and(|f| f.starts_with("url(#")))
            .count();
        assert_eq!(hatched, 15);
        assert!(!svg.contains("style="));
        assert_eq!(svg, commune_map(VI, "Tỷ lệ đạt 2.6", &pts), "deterministic");
    }

    #[test]
    fn cells_contain_their_sites_exactly() {
        let sites: Vec<Pt> = scatter(60).iter().map(|p| (p.lon * 500.0, p.lat * 500.0)).collect();
        let region = clip_region(&sites, 10.0);
        let cells = voronoi_cells(&sites, &region);
        assert_eq!(cells.len(), sites.len());
        for (cell, site) in cells.iter().zip(&sites) {
            assert!(contains(cell, *site));
            // And no other site is strictly closer than the cell's own to any vertex.
            for v in cell {
                let own = (v.0 - site.0).hypot(v.1 - site.1);
                assert!(sites.iter().all(|o| (v.0 - o.0).hypot(v.1 - o.1) >= own - 1e-6));
            }
        }
    }

    #[test]
    fn small_maps_degrade_gracefully() {
        let empty = commune_map(VI, "Trống", &[]);
        let doc = parse(&empty);
        assert_eq!(doc.root_element().attribute("role"), Some("img"));
        assert!(empty.contains("Chưa có xã, phường nào có tọa độ"));

        let one = commune_map(VI, "Một", &[point("A", 21.0, 106.0, Some(0.5))]);
        let doc = parse(&one);
        let c = cells(&doc);
        assert_eq!(c.len(), 1);
        assert!(contains(&c[0].0, c[0].1));

        let two = commune_map(VI, "Hai", &[point("A", 21.0, 106.0, Some(0.5)), point("B", 21.0, 106.2, None)]);
        let doc = parse(&two);
        let c = cells(&doc);
        assert_eq!(c.len(), 2);
        assert!(c.iter().all(|(poly, site)| contains(poly, *site)));
        assert!(two.contains("B: Chưa có số liệu"));
    }

    #[test]
    fn duplicates_share_a_cell_and_bad_coordinates_are_skipped() {
        let pts = [
            point("A", 21.0, 106.0, Some(0.9)),
            point("B", 21.0, 106.0, Some(0.1)),
            point("C", 21.3, 106.1, Some(0.5)),
            point("D", 21.1, 106.3, None),
            point("E", f64::NAN, 106.3, None),
        ];
        let svg = commune_map(VI, "Trùng", &pts);
        let doc = parse(&svg);
        let c = cells(&doc);
        assert_eq!(c.len(), 3, "one cell per distinct location");
        assert!(c.iter().all(|(poly, site)| contains(poly, *site)));
        assert!(svg.contains("A: 90% (Đúng lộ trình); B: 10% (Đúng lộ trình)"));
        assert!(doc.root_element().attribute("aria-label").is_some_and(|l| l.contains("1 không có tọa độ")));
    }

    #[test]
    fn labels_are_escaped_and_values_classed() {
        let pts = [
            point("<script>alert('x')</script>", 21.0, 106.0, Some(0.8)),
            point("Phường \"Q\" & Co", 21.2, 106.0, Some(0.0)),
            point("C", 21.1, 106.2, Some(0.7999)),
        ];
        let svg = commune_map(VI, "<b>bản đồ</b>", &pts);
        let doc = parse(&svg);
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        let fills: Vec<_> = doc.descendants().filter(is_cell).filter_map(|n| n.attribute("fill")).collect();
        assert_eq!(fills, [SCALE[4], SCALE[0], SCALE[4]], "79,99% shows as 80% and is classed so");
        for label in CLASS_LABELS.iter().chain([&"Chưa có số liệu"]) {
            assert!(svg.contains(label), "{label}");
        }
    }
}

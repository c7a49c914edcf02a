//! Inline SVG charts: a target's trend by year, a ranking of communes, and a
//! sparkline for table cells. Values are shares (1.0 = 100%).

use std::fmt::Write as _;

use khienmang_core::targets::{FIRST_YEAR, LAST_YEAR, Status};

use super::{
    GRID, INK, MUTED, NO_DATA_LINE, content_id, hatch_pattern, known, num, percent_vi, safe_href, status_colour,
    truncate_chars, value_with_status,
};
use crate::i18n::Tr;
use crate::kit::html::escape;

/// One year of a target: the value (`None` is "no data") and what the
/// trajectory expects that year.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub year: i32,
    pub value: Option<f64>,
    pub expected: Option<f64>,
}

/// One row of a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    pub label: String,
    pub value: Option<f64>,
    pub status: Status,
    pub href: Option<String>,
}

/// Colour of the value columns and the sparkline.
const SERIES: &str = "#2f5f9e";
/// The goal line, in the brand red (7:1 on white, so its label reads too).
const GOAL: &str = "#a3201a";

/// The years shown: the programme's 2024–2030 plus any other year given, in
/// order. A repeated year keeps its first point.
fn years_of(points: &[TrendPoint]) -> Vec<(i32, Option<&TrendPoint>)> {
    let mut years: Vec<i32> = (FIRST_YEAR..=LAST_YEAR).chain(points.iter().map(|p| p.year)).collect();
    years.sort_unstable();
    years.dedup();
    years.into_iter().map(|y| (y, points.iter().find(|p| p.year == y))).collect()
}

/// The top of the value axis: 100%, or higher in quarter steps if a value is.
fn axis_max(values: impl Iterator<Item = f64>) -> f64 {
    let top = values.fold(1.0_f64, f64::max);
    if top > 1.0 { (top * 4.0).ceil() / 4.0 } else { 1.0 }
}

/// "Chưa có số liệu" / "No data": the engine's own word for a missing value.
fn no_data_words(tr: Tr) -> &'static str {
    tr.label(&Status::NoData)
}

/// A column and line chart of one target by year: columns for the values, a
/// dashed line for the expected trajectory, a line for the goal, and years
/// without data as hatched columns labelled "Chưa có số liệu" (never as 0%).
pub fn trend_chart(tr: Tr, title: &str, points: &[TrendPoint], goal: f64) -> String {
    const W: f64 = 640.0;
    const LEFT: f64 = 48.0;
    const RIGHT: f64 = 624.0;
    const TOP: f64 = 28.0;
    const BOTTOM: f64 = 232.0;
    const LEGEND_Y: f64 = 276.0;
    const H: f64 = 292.0;

    let years = years_of(points);
    let goal = known(Some(goal));
    let ymax = axis_max(
        points.iter().flat_map(|p| [known(p.value), known(p.expected)]).flatten().chain(goal).map(|v| v.max(0.0)),
    );
    let y = |v: f64| BOTTOM - v.clamp(0.0, ymax) / ymax * (BOTTOM - TOP);
    let slot = (RIGHT - LEFT) / years.len().max(1) as f64;
    let cx = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let bar_w = (slot * 0.56).min(56.0);
    let hatch = content_id("km-h", &format!("trend{title}{points:?}{goal:?}"));

    let mut summary = escape(title);
    if let Some(g) = goal {
        let _ = write!(summary, ". {} {}", tr.t("chart.goal"), percent_vi(g));
    }
    for (year, p) in &years {
        if p.is_none() {
            // A year still to come: a gap in the chart, never a column or a "no data" mark.
            let _ = write!(summary, ". {year}: {}", tr.t("chart.upcoming"));
            continue;
        }
        let value = p.and_then(|p| known(p.value));
        let _ = write!(summary, ". {year}: {}", value.map_or_else(|| no_data_words(tr).to_lowercase(), percent_vi));
        if let Some(e) = p.and_then(|p| known(p.expected)) {
            let _ = write!(summary, " ({} {})", tr.t("chart.trajectory").to_lowercase(), percent_vi(e));
        }
    }

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" class=\"km-chart km-trend\" role=\"img\" \
         aria-label=\"{summary}\"><title>{}</title><defs>{}</defs>",
        num(W),
        num(H),
        escape(title),
        hatch_pattern(&hatch)
    );

    // Grid and value axis.
    let step = ymax / 4.0;
    for k in 0..=4 {
        let v = step * f64::from(k);
        let gy = num(y(v));
        let _ = write!(
            s,
            "<line class=\"km-grid\" x1=\"{}\" y1=\"{gy}\" x2=\"{}\" y2=\"{gy}\" stroke=\"{}\" stroke-width=\"1\"/>\
             <text class=\"km-axis\" x=\"{}\" y=\"{gy}\" dy=\"4\" text-anchor=\"end\" font-size=\"11\" fill=\"{MUTED}\">{}</text>",
            num(LEFT),
            num(RIGHT),
            if k == 0 { NO_DATA_LINE } else { GRID },
            num(LEFT - 6.0),
            percent_vi(v)
        );
    }

    // One column (or hatched placeholder) per year, with its label.
    let mut labels = String::new();
    for (i, (year, p)) in years.iter().enumerate() {
        let x = num(cx(i) - bar_w / 2.0);
        let w = num(bar_w);
        if p.is_none() {
            // A year still to come: a gap with its year, never a column.
            let _ = write!(
                s,
                "<text class=\"km-axis km-upcoming\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" \
                 fill=\"{MUTED}\">{year}</text>",
                num(cx(i)),
                num(BOTTOM + 18.0)
            );
            continue;
        }
        match p.and_then(|p| known(p.value)) {
            Some(v) => {
                let top = y(v);
                let _ = write!(
                    s,
                    "<rect class=\"km-bar\" x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"{SERIES}\"/>",
                    num(top),
                    num(BOTTOM - top)
                );
                // Drawn last with a white halo, so the lines never cross the figures.
                let _ = write!(
                    labels,
                    "<text class=\"km-value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" \
                     font-weight=\"600\" fill=\"{INK}\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
                    num(cx(i)),
                    num(top - 6.0),
                    percent_vi(v)
                );
            }
            None => {
                let mid = (TOP + BOTTOM) / 2.0;
                let _ = write!(
                    s,
                    "<g class=\"km-nodata\"><rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"url(#{hatch})\" \
                     stroke=\"{NO_DATA_LINE}\" stroke-dasharray=\"4 3\"/><rect x=\"{}\" y=\"{}\" width=\"{}\" \
                     height=\"30\" fill=\"#fff\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" \
                     fill=\"{MUTED}\"><tspan x=\"{}\">{}</tspan><tspan x=\"{}\" dy=\"12\">{}</tspan></text></g>",
                    num(TOP),
                    num(BOTTOM - TOP),
                    num(cx(i) - 24.0),
                    num(mid - 15.0),
                    num(48.0),
                    num(cx(i)),
                    num(mid - 3.0),
                    num(cx(i)),
                    tr.t("chart.no_data_line1"),
                    num(cx(i)),
                    tr.t("chart.no_data_line2"),
                );
            }
        }
        let _ = write!(
            s,
            "<text class=\"km-axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{INK}\">{year}</text>",
            num(cx(i)),
            num(BOTTOM + 18.0)
        );
    }

    // The expected trajectory, broken where a year has none.
    let mut segment: Vec<String> = Vec::new();
    let mut lines = String::new();
    let flush = |segment: &mut Vec<String>, lines: &mut String| {
        if segment.len() > 1 {
            let _ = write!(
                lines,
                "<polyline class=\"km-expected\" points=\"{}\" fill=\"none\" stroke=\"{MUTED}\" stroke-width=\"2\" \
                 stroke-dasharray=\"6 4\"/>",
                segment.join(" ")
            );
        }
        segment.clear();
    };
    let mut markers = String::new();
    for (i, (_, p)) in years.iter().enumerate() {
        match p.and_then(|p| known(p.expected)) {
            Some(e) => {
                segment.push(format!("{},{}", num(cx(i)), num(y(e))));
                let _ = write!(
                    markers,
                    "<circle class=\"km-expected-dot\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"#fff\" stroke=\"{MUTED}\" \
                     stroke-width=\"1.5\"/>",
                    num(cx(i)),
                    num(y(e))
                );
            }
            None => flush(&mut segment, &mut lines),
        }
    }
    flush(&mut segment, &mut lines);
    s.push_str(&lines);
    s.push_str(&markers);

    if let Some(g) = goal {
        let gy = num(y(g));
        let _ = write!(
            s,
            "<line class=\"km-goal\" x1=\"{}\" y1=\"{gy}\" x2=\"{}\" y2=\"{gy}\" stroke=\"{GOAL}\" stroke-width=\"2\"/>",
            num(LEFT),
            num(RIGHT)
        );
    }
    s.push_str(&labels);

    // Legend: each series has its own shape, not only its own colour.
    let ly = num(LEGEND_Y);
    let _ = write!(
        s,
        "<g class=\"km-legend\" font-size=\"12\" fill=\"{INK}\">\
         <rect x=\"48\" y=\"{}\" width=\"14\" height=\"12\" fill=\"{SERIES}\"/><text x=\"68\" y=\"{ly}\">{}</text>\
         <line x1=\"150\" y1=\"{}\" x2=\"178\" y2=\"{}\" stroke=\"{MUTED}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\
         <text x=\"184\" y=\"{ly}\">{}</text>\
         <line x1=\"264\" y1=\"{}\" x2=\"292\" y2=\"{}\" stroke=\"{GOAL}\" stroke-width=\"2\"/>\
         <text x=\"298\" y=\"{ly}\">{}</text>\
         <rect x=\"412\" y=\"{}\" width=\"14\" height=\"12\" fill=\"url(#{hatch})\" stroke=\"{NO_DATA_LINE}\"/>\
         <text x=\"432\" y=\"{ly}\">{}</text></g></svg>",
        num(LEGEND_Y - 10.0),
        tr.t("chart.result"),
        num(LEGEND_Y - 4.0),
        num(LEGEND_Y - 4.0),
        tr.t("chart.trajectory"),
        num(LEGEND_Y - 4.0),
        num(LEGEND_Y - 4.0),
        goal.map_or_else(|| tr.t("chart.goal").to_string(), |g| format!("{} {}", tr.t("chart.goal"), percent_vi(g))),
        num(LEGEND_Y - 10.0),
        no_data_words(tr),
    );
    s
}

/// Horizontal bars ranking communes, in the order given: the status colour
/// and the status word on every bar, a link per row when `href` is set, and a
/// hatched stub with "Chưa có số liệu" for a row without data.
pub fn ranking_bars(tr: Tr, title: &str, rows: &[BarRow]) -> String {
    const W: f64 = 640.0;
    const ROW_H: f64 = 24.0;
    const FIRST_ROW: f64 = 36.0;
    const LABEL_END: f64 = 190.0;
    const BAR_X: f64 = 196.0;
    const BAR_MAX: f64 = 260.0;
    const TEXT_X: f64 = 462.0;

    let h = FIRST_ROW + ROW_H * rows.len().max(1) as f64 + 8.0;
    let max = axis_max(rows.iter().filter_map(|r| known(r.value)));
    let hatch = content_id("km-h", &format!("rank{title}{rows:?}"));
    let linked = rows.iter().any(|r| safe_href(r.href.as_deref()).is_some());
    let no_data = rows.iter().filter(|r| known(r.value).is_none()).count();

    let mut summary = format!("{}: {} {}", escape(title), rows.len(), tr.t("chart.units"));
    if no_data > 0 {
        let _ = write!(summary, ", {no_data} {}", no_data_words(tr).to_lowercase());
    }
    if !linked {
        for r in rows {
            let _ = write!(summary, ". {}: {}", escape(&r.label), escape(&value_with_status(tr, r.value, r.status)));
        }
    }
    // With links inside, the svg is a group (an image hides its children).
    let role = if linked { "group" } else { "img" };

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" class=\"km-chart km-ranking\" role=\"{role}\" \
         aria-label=\"{summary}\"><title>{}</title><defs>{}</defs>",
        num(W),
        num(h),
        escape(title),
        hatch_pattern(&hatch)
    );

    // Legend: every status with its word, "no data" hatched.
    s.push_str("<g class=\"km-legend\" font-size=\"12\">");
    let mut x = 4.0;
    for status in [Status::Met, Status::OnTrack, Status::Behind, Status::NoData] {
        let fill = if status == Status::NoData { format!("url(#{hatch})") } else { status_colour(status).to_string() };
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"8\" width=\"14\" height=\"12\" fill=\"{fill}\" stroke=\"{}\"/>\
             <text x=\"{}\" y=\"18\" fill=\"{INK}\">{}</text>",
            num(x),
            if status == Status::NoData { NO_DATA_LINE } else { "none" },
            num(x + 20.0),
            tr.label(&status)
        );
        x += 20.0 + 6.4 * tr.label(&status).chars().count() as f64 + 20.0;
    }
    s.push_str("</g>");

    if rows.is_empty() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{MUTED}\">{}</text></svg>",
            num(BAR_X),
            num(FIRST_ROW + 16.0),
            no_data_words(tr)
        );
        return s;
    }

    for (i, r) in rows.iter().enumerate() {
        let top = FIRST_ROW + ROW_H * i as f64;
        let text_y = num(top + 16.0);
        let said = escape(&format!("{}: {}", r.label, value_with_status(tr, r.value, r.status)));
        let href = safe_href(r.href.as_deref());
        match href {
            Some(h) => {
                let _ = write!(
                    s,
                    // Named by its visible text (axe: label-content-name-mismatch);
                    // the <title> adds the full name and the status.
                    "<a class=\"km-row km-status-{}\" href=\"{}\">",
                    r.status.as_str(),
                    escape(h)
                );
            }
            None => {
                let _ = write!(s, "<g class=\"km-row km-status-{}\">", r.status.as_str());
            }
        }
        // A clear band under the row makes the whole row the click target.
        let _ = write!(
            s,
            "<title>{said}</title><rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff\" fill-opacity=\"0\"/>\
             <text class=\"km-label\" x=\"{}\" y=\"{text_y}\" text-anchor=\"end\" font-size=\"12\" fill=\"{}\"{}>{}</text>",
            num(top),
            num(W),
            num(ROW_H),
            num(LABEL_END),
            if href.is_some() { "#0b57d0" } else { INK },
            if href.is_some() { " text-decoration=\"underline\"" } else { "" },
            escape(&truncate_chars(&r.label, 28)),
        );
        match known(r.value) {
            Some(v) => {
                let _ = write!(
                    s,
                    "<rect class=\"km-bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" fill=\"{}\"/>\
                     <text class=\"km-value\" x=\"{}\" y=\"{text_y}\" font-size=\"12\" fill=\"{}\">\
                     <tspan font-weight=\"600\" fill=\"{INK}\">{}</tspan> · {}</text>",
                    num(BAR_X),
                    num(top + 4.0),
                    num(v.clamp(0.0, max) / max * BAR_MAX),
                    status_colour(r.status),
                    num(TEXT_X),
                    status_colour(r.status),
                    percent_vi(v),
                    tr.label(&r.status)
                );
            }
            None => {
                let _ = write!(
                    s,
                    "<rect class=\"km-bar km-nodata\" x=\"{}\" y=\"{}\" width=\"36\" height=\"16\" fill=\"url(#{hatch})\" \
                     stroke=\"{NO_DATA_LINE}\" stroke-dasharray=\"3 2\"/>\
                     <text class=\"km-value km-nodata\" x=\"{}\" y=\"{text_y}\" font-size=\"12\" \
                     fill=\"{MUTED}\">{}</text>",
                    num(BAR_X),
                    num(top + 4.0),
                    num(TEXT_X),
                    no_data_words(tr)
                );
            }
        }
        let _ = write!(s, "{}", if href.is_some() { "</a>" } else { "</g>" });
    }
    s.push_str("</svg>");
    s
}

/// A tiny trend for a table cell (96×24): the values as a line with a dot
/// per year, the last year's dot larger, and a dotted tick for a year
/// without data so a gap never reads as 0.
pub fn sparkline(tr: Tr, points: &[TrendPoint]) -> String {
    const W: f64 = 96.0;
    const H: f64 = 24.0;
    let years = years_of(points);
    let max = axis_max(points.iter().filter_map(|p| known(p.value)));
    let step = if years.len() > 1 { (W - 8.0) / (years.len() - 1) as f64 } else { 0.0 };
    let x = |i: usize| 4.0 + step * i as f64;
    let y = |v: f64| 21.0 - v.clamp(0.0, max) / max * 18.0;

    let mut summary = tr.t("chart.trend").to_string();
    for (year, p) in &years {
        if p.is_none() {
            let _ = write!(summary, "; {year}: {}", tr.t("chart.upcoming"));
            continue;
        }
        let v = p.and_then(|p| known(p.value));
        let _ = write!(summary, "; {year}: {}", v.map_or_else(|| no_data_words(tr).to_lowercase(), percent_vi));
    }

    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" class=\"km-spark\" \
         role=\"img\" aria-label=\"{summary}\"><title>{summary}</title>",
        num(W),
        num(H),
        num(W),
        num(H)
    );
    let _ = write!(s, "<line x1=\"2\" y1=\"21\" x2=\"94\" y2=\"21\" stroke=\"{GRID}\" stroke-width=\"1\"/>");

    let mut segment: Vec<String> = Vec::new();
    let mut dots = String::new();
    let last_known = years.iter().rposition(|(_, p)| p.and_then(|p| known(p.value)).is_some());
    for (i, (_, p)) in years.iter().enumerate() {
        match p.and_then(|p| known(p.value)) {
            Some(v) => {
                segment.push(format!("{},{}", num(x(i)), num(y(v))));
                let r = if Some(i) == last_known { "2.5" } else { "1.6" };
                let _ = write!(dots, "<circle cx=\"{}\" cy=\"{}\" r=\"{r}\" fill=\"{SERIES}\"/>", num(x(i)), num(y(v)));
            }
            None => {
                if segment.len() > 1 {
                    let _ = write!(
                        s,
                        "<polyline points=\"{}\" fill=\"none\" stroke=\"{SERIES}\" stroke-width=\"1.5\"/>",
                        segment.join(" ")
                    );
                }
                segment.clear();
                // A year still to come is a gap; a year without data is marked.
                if p.is_some() {
                    let _ = write!(
                        s,
                        "<line class=\"km-nodata\" x1=\"{}\" y1=\"3\" x2=\"{}\" y2=\"21\" stroke=\"{NO_DATA_LINE}\" \
                         stroke-width=\"1\" stroke-dasharray=\"2 2\"/>",
                        num(x(i)),
                        num(x(i))
                    );
                }
            }
        }
    }
    if segment.len() > 1 {
        let _ = write!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{SERIES}\" stroke-width=\"1.5\"/>",
            segment.join(" ")
        );
    }
    s.push_str(&dots);
    s.push_str("</svg>");
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

    fn series() -> Vec<TrendPoint> {
        vec![
            TrendPoint { year: 2024, value: Some(0.4), expected: Some(0.4) },
            TrendPoint { year: 2025, value: Some(0.0), expected: Some(0.5) },
            TrendPoint { year: 2026, value: None, expected: Some(0.6) },
            TrendPoint { year: 2027, value: Some(0.725), expected: Some(0.7) },
        ]
    }

    #[test]
    fn trend_parses_and_describes_itself() {
        let svg = trend_chart(VI, "2.3 Cán bộ được tập huấn", &series(), 1.0);
        let doc = parse(&svg);
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        assert!(root.attribute("viewBox").is_some());
        assert!(root.attribute("width").is_none(), "must scale to its container");
        let label = root.attribute("aria-label").unwrap_or_default();
        assert!(label.contains("2027: 72,5% (lộ trình 70%)"), "{label}");
        assert!(label.contains("2026: chưa có số liệu"), "{label}");
        assert!(label.contains("Chỉ tiêu 100%"), "{label}");
        assert_eq!(root.first_element_child().map(|n| n.tag_name().name()), Some("title"));
        // Seven programme years on the axis.
        for year in 2024..=2030 {
            assert!(svg.contains(&format!(">{year}</text>")), "{year}");
        }
        assert!(svg.contains("72,5%"));
        assert!(svg.contains("stroke-dasharray=\"6 4\""), "dashed trajectory");
        assert!(svg.contains("km-goal"));
        assert!(!svg.contains("style"));
    }

    #[test]
    fn trend_no_data_is_not_zero() {
        let svg = trend_chart(VI, "t", &series(), 1.0);
        let doc = parse(&svg);
        let bars = doc.descendants().filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some("km-bar"));
        // 2024, 2025 (0%) and 2027 have values; 2026 has none; 2028–2030,
        // still to come, are gaps: neither a column nor a "no data" mark.
        assert_eq!(bars.count(), 3);
        let hatched = doc.descendants().filter(|n| n.attribute("class") == Some("km-nodata")).count();
        assert_eq!(hatched, 1);
        assert_eq!(doc.descendants().filter(|n| n.attribute("class") == Some("km-axis km-upcoming")).count(), 3);
        let label = doc.root_element().attribute("aria-label").unwrap_or_default();
        assert!(label.contains("2029: chưa đến kỳ") && !label.contains("2029: 0%"), "{label}");
        assert!(svg.contains(">0%</text>"), "0% is labelled as such");
        assert!(svg.contains("Chưa có</tspan>"));
    }

    #[test]
    fn trend_escapes_title_and_is_stable() {
        let evil = "<script>alert('x')</script> & \"q\"";
        let svg = trend_chart(VI, evil, &series(), 0.8);
        parse(&svg);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
        assert_eq!(svg, trend_chart(VI, evil, &series(), 0.8));
    }

    #[test]
    fn trend_handles_empty_and_out_of_range() {
        parse(&trend_chart(VI, "", &[], 1.0));
        let odd = [
            TrendPoint { year: 2031, value: Some(1.5), expected: Some(f64::NAN) },
            TrendPoint { year: 2024, value: Some(f64::INFINITY), expected: None },
        ];
        let svg = trend_chart(VI, "x", &odd, f64::NAN);
        parse(&svg);
        assert!(svg.contains(">2031</text>"));
        assert!(svg.contains("150%"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    fn rows() -> Vec<BarRow> {
        vec![
            BarRow {
                label: "Xã An Bình".into(),
                value: Some(1.0),
                status: Status::Met,
                href: Some("/targets?unit=7&year=2026".into()),
            },
            BarRow { label: "<script>alert(1)</script>".into(), value: Some(0.0), status: Status::Behind, href: None },
            BarRow {
                label: "Phường Đông".into(), value: None, status: Status::NoData, href: Some("/t?u=9".into())
            },
        ]
    }

    #[test]
    fn ranking_links_escapes_and_marks_no_data() {
        let svg = ranking_bars(VI, "Xếp hạng xã", &rows());
        let doc = parse(&svg);
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("group"), "links inside: not an image");
        assert!(root.attribute("aria-label").is_some_and(|l| l.contains("1 chưa có số liệu")));
        let links: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].attribute("href"), Some("/targets?unit=7&year=2026"));
        let title = |a: &roxmltree::Node| {
            a.children().find(|n| n.has_tag_name("title")).and_then(|t| t.text().map(str::to_string))
        };
        assert_eq!(title(&links[0]).as_deref(), Some("Xã An Bình: 100% (Đạt)"));
        assert_eq!(title(&links[1]).as_deref(), Some("Phường Đông: Chưa có số liệu"));
        assert!(links.iter().all(|a| a.attribute("aria-label").is_none()), "named by their visible text");
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(!svg.contains("style="));
        let no_data = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some("km-bar km-nodata"))
            .collect::<Vec<_>>();
        assert_eq!(no_data.len(), 1);
        assert!(no_data[0].attribute("fill").is_some_and(|f| f.starts_with("url(#")));
        assert!(svg.contains(">Chưa có số liệu</text>"));
        // The 0% row is a bar of width 0 with its value and status word.
        assert!(svg.contains("0%</tspan> · Chậm"));
    }

    #[test]
    fn ranking_without_links_is_an_image_and_grows_with_rows() {
        let many: Vec<BarRow> = (0..150)
            .map(|i| BarRow {
                label: format!("Xã số {i}"),
                value: Some(f64::from(i) / 150.0),
                status: Status::OnTrack,
                href: None,
            })
            .collect();
        let svg = ranking_bars(VI, "t", &many);
        let doc = parse(&svg);
        assert_eq!(doc.root_element().attribute("role"), Some("img"));
        assert_eq!(doc.root_element().attribute("viewBox"), Some("0 0 640 3644"));
        assert_eq!(
            doc.descendants().filter(|n| n.attribute("class") == Some("km-row km-status-on_track")).count(),
            150
        );
        parse(&ranking_bars(VI, "empty", &[]));
    }

    #[test]
    fn ranking_drops_script_links() {
        let row =
            BarRow { label: "x".into(), value: Some(0.5), status: Status::Behind, href: Some("javascript:x()".into()) };
        let svg = ranking_bars(VI, "t", &[row]);
        assert!(!svg.contains("javascript"));
        assert!(!svg.contains("<a "));
    }

    #[test]
    fn sparkline_is_small_and_marks_gaps() {
        let svg = sparkline(VI, &series());
        let doc = parse(&svg);
        let root = doc.root_element();
        assert_eq!(root.attribute("width"), Some("96"));
        assert_eq!(root.attribute("role"), Some("img"));
        assert!(root.attribute("aria-label").is_some_and(|l| l.contains("2026: chưa có số liệu")));
        assert!(root.attribute("aria-label").is_some_and(|l| l.contains("2028: chưa đến kỳ")));
        // 2026 without data is marked; 2028–2030, still to come, are gaps.
        assert_eq!(doc.descendants().filter(|n| n.attribute("class") == Some("km-nodata")).count(), 1);
        assert_eq!(doc.descendants().filter(|n| n.has_tag_name("circle")).count(), 3);
        assert!(!svg.contains("style"));
        parse(&sparkline(VI, &[]));
    }
}

//! The one HTML (and XML) escaper for text written outside askama's
//! templates: the error page and the dashboards' inline SVG.

/// Escapes text for HTML or XML content and attribute values. Characters
/// XML 1.0 cannot carry at all (most C0 controls) are dropped, and tabs and
/// line breaks become spaces, so a stray control character in a unit name
/// cannot break a whole page or drawing.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_controls_cannot_pass() {
        assert_eq!(escape("<a href=\"x\">'&'</a>\u{1}"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(escape("Xã Đông\nthôn 1\t"), "Xã Đông thôn 1 ");
    }
}

//! Text that comes from elsewhere (an import file, a Jira server, a terminal argument)
//! made safe for where it goes: a terminal, a freedesktop notification, a log line.
//!
//! A terminal runs escape sequences and reorders text around bidi controls, so a crafted
//! profile name or Jira error body could rewrite what an admin reads ("Trojan Source").
//! Everything echoed to a terminal passes through [`escape_terminal`].

use std::borrow::Cow;

/// `n` and the noun in the number it takes: "1 profile", "3 profiles".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Bidi formatting controls: embeddings and overrides (U+202A..U+202E), isolates
/// (U+2066..U+2069), and the marks U+200E, U+200F, U+061C.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters a terminal must not receive raw: C0 and C1 controls, DEL, bidi controls,
/// and the line/paragraph separators.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Escapes every control and bidi character as `\u{XXXX}` (tab, newline and carriage
/// return as `\t`, `\n`, `\r`), so one value prints as one visible line.
pub fn escape_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_for_terminal) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe_for_terminal(c) => out.push_str(&format!("\\u{{{:04X}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`escape_terminal`] for text of several lines that we wrote ourselves around values
/// from elsewhere: line breaks stay, everything else unsafe is escaped.
pub fn escape_terminal_lines(s: &str) -> String {
    s.split('\n')
        .map(|line| escape_terminal(line.strip_suffix('\r').unwrap_or(line)).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escapes `&`, `<` and `>` for a freedesktop notification body, which servers read as
/// a small markup language (a name such as `<b>` would otherwise change the text).
pub fn escape_markup(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text from a server, cut to `max` characters with an ellipsis, control and bidi
/// characters escaped: fit for an error message, a log line or the UI.
pub fn from_server(s: &str, max: usize) -> String {
    let cut: String = s.chars().take(max).collect();
    let mut out = escape_terminal(cut.trim()).into_owned();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_controls_and_bidi() {
        assert_eq!(escape_terminal("plain name"), "plain name");
        assert!(matches!(escape_terminal("plain"), Cow::Borrowed(_)));
        assert_eq!(escape_terminal("a\x1b[31mred"), "a\\u{001B}[31mred");
        assert_eq!(escape_terminal("x\u{202E}gpj.exe"), "x\\u{202E}gpj.exe");
        assert_eq!(escape_terminal("l1\nl2\tx\r"), "l1\\nl2\\tx\\r");
        assert_eq!(escape_terminal("\u{9b}2J"), "\\u{009B}2J");
        assert_eq!(escape_terminal("iso\u{2066}late"), "iso\\u{2066}late");
        assert_eq!(escape_terminal("日本語 ok"), "日本語 ok");
    }

    #[test]
    fn lines_keep_our_line_breaks() {
        assert_eq!(
            escape_terminal_lines("error:\n  --name: \x07bell"),
            "error:\n  --name: \\u{0007}bell"
        );
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape_markup("A <b>bold</b> & co"),
            "A &lt;b&gt;bold&lt;/b&gt; &amp; co"
        );
        assert_eq!(escape_markup("plain"), "plain");
    }

    #[test]
    fn server_text_is_cut_and_escaped() {
        assert_eq!(from_server("  short \x1b ", 300), "short \\u{001B}");
        let long = "x".repeat(400);
        let cut = from_server(&long, 300);
        assert_eq!(cut.chars().count(), 301);
        assert!(cut.ends_with('…'));
    }
}

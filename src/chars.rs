//! Characters that web pages and feeds cannot carry, so that no input puts one into the output.
//!
//! XML 1.0 forbids the C0 controls other than tab, line feed and carriage return, even written
//! as `&#1;`; HTML calls every control character and noncharacter a parse error. Text holding
//! one would make an invalid feed whatever the escaping, so such input is refused where it is
//! read, with its position.

/// True for a character no output may hold: C0 controls but tab, LF and CR; DEL and the C1
/// controls; the noncharacters (U+FDD0..U+FDEF and U+xFFFE/U+xFFFF of every plane).
pub fn is_forbidden(c: char) -> bool {
    let n = c as u32;
    (n < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7F..=0x9F).contains(&n)
        || (0xFDD0..=0xFDEF).contains(&n)
        || n & 0xFFFE == 0xFFFE
}

/// Byte offset and character of the first forbidden character of `text`.
pub fn find_forbidden(text: &str) -> Option<(usize, char)> {
    // Nearly all text is printable ASCII: test bytes first, characters only when needed.
    let bytes = text.as_bytes();
    let suspicious = bytes
        .iter()
        .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b >= 0x7F);
    if !suspicious {
        return None;
    }
    text.char_indices().find(|&(_, c)| is_forbidden(c))
}

/// How a forbidden character is named in messages: `U+0001`.
pub fn name(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_noncharacters_are_forbidden_whitespace_and_text_are_not() {
        for c in [
            '\0',
            '\u{1}',
            '\u{b}',
            '\u{c}',
            '\u{1b}',
            '\u{7f}',
            '\u{85}',
            '\u{fffe}',
            '\u{fdd0}',
            '\u{10ffff}',
        ] {
            assert!(is_forbidden(c), "{}", name(c));
        }
        for c in [
            '\t', '\n', '\r', ' ', 'a', 'ক', '\u{200d}', '\u{a0}', '\u{fffd}', '😀',
        ] {
            assert!(!is_forbidden(c), "{}", name(c));
        }
        assert_eq!(find_forbidden("ab\u{1}c"), Some((2, '\u{1}')));
        assert_eq!(find_forbidden("কিম\u{85}"), Some((9, '\u{85}')));
        assert_eq!(find_forbidden("plain text\n"), None);
    }
}

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
    // Only a few UTF-8 lead bytes can start a forbidden character: the C0 controls and DEL
    // themselves, 0xC2 (C1 controls), 0xEF (U+FDD0.., U+FFFE/F) and the 4-byte leads (the
    // other planes' xFFFE/F). Bengali, Devanagari, CJK and most other text never uses them,
    // so blocks of 64 bytes are ruled out at once, and a character is decoded only at a
    // candidate byte. Every file is scanned whole, so this is hot: a fold without an early
    // exit tests sixteen bytes per instruction, where eight bytes at a time in a `u64` (and
    // every line feed a "maybe") cost 2.4% of a build's instructions.
    let mut offset = 0;
    for block in text.as_bytes().chunks(64) {
        if block.iter().fold(false, |seen, &b| seen | is_candidate(b))
            && let Some(found) = forbidden_in(text, offset, offset + block.len())
        {
            return Some(found);
        }
        offset += block.len();
    }
    None
}

/// The first forbidden character starting at a candidate byte in `text[from..to]`.
fn forbidden_in(text: &str, from: usize, to: usize) -> Option<(usize, char)> {
    (from..to)
        .filter(|&i| is_candidate(text.as_bytes()[i]))
        // Every candidate byte is ASCII or a lead byte, so `i` is a character boundary.
        .filter_map(|i| Some((i, text.get(i..)?.chars().next()?)))
        .find(|&(_, c)| is_forbidden(c))
}

/// A byte that starts a character `is_forbidden` may hold (see `find_forbidden`). Written
/// with `&` and `|`, not `&&` and `||`, so that it has no branch and vectorises.
fn is_candidate(b: u8) -> bool {
    ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
        | (b == 0x7F)
        | (b == 0xC2)
        | (b == 0xEF)
        | (b >= 0xF0)
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

    /// The byte pre-filter must never skip a character `is_forbidden` refuses: every
    /// character, alone and between text, is found exactly when it is forbidden.
    #[test]
    fn the_byte_scan_agrees_with_is_forbidden_for_every_character() {
        for n in 0..=0x10FFFF_u32 {
            let Some(c) = char::from_u32(n) else { continue };
            let text = format!("কিম a{c}b");
            let expected = is_forbidden(c).then(|| ("কিম a".len(), c));
            assert_eq!(find_forbidden(&text), expected, "{}", name(c));
        }
    }

    /// Characters at every position of a longer text, so that each lands at every place in
    /// a 64-byte block, across a block's end, and in the last, shorter block.
    #[test]
    fn forbidden_characters_are_found_at_every_offset() {
        let samples = [
            '\0',
            '\u{1}',
            '\u{1f}',
            '\u{7f}',
            '\u{80}',
            '\u{9f}',
            '\u{fdd0}',
            '\u{fdef}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{1fffe}',
            '\u{10ffff}',
        ];
        let allowed = [
            '\t',
            '\n',
            '\u{a0}',
            '\u{fdcf}',
            '\u{fdf0}',
            '\u{fffd}',
            '\u{1fffd}',
            'ক',
        ];
        for prefix_len in 0..72 {
            let prefix: String = "কিম ab\tc\nd".chars().cycle().take(prefix_len).collect();
            for c in samples {
                let text = format!("{prefix}{c}tail text, long enough");
                assert_eq!(
                    find_forbidden(&text),
                    Some((prefix.len(), c)),
                    "{} after {prefix_len}",
                    name(c)
                );
            }
            for c in allowed {
                let text = format!("{prefix}{c}tail");
                assert_eq!(
                    find_forbidden(&text),
                    None,
                    "{} after {prefix_len}",
                    name(c)
                );
            }
        }
    }
}

//! Slugs that keep their own script, and percent-encoding of URL path segments.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

/// Turns a tag, title or file name into a slug.
///
/// NFC, lower case where the script has case, every letter, digit,
/// combining mark (Bengali vowel signs, virama, nukta) and ZWJ/ZWNJ kept;
/// each run of anything else becomes one `-`. `উত্তর কোরিয়া` → `উত্তর-কোরিয়া`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    // Most names are NFC already: the quick check spares composing them again.
    let text: std::borrow::Cow<str> = if is_nfc(text) {
        text.into()
    } else {
        text.nfc().collect::<String>().into()
    };
    let mut lowered = false;
    let mut push = |c: char, keep: bool| {
        if keep {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c);
        } else {
            pending_dash = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            let lower = c.to_ascii_lowercase();
            lowered |= lower != c;
            push(lower, lower.is_ascii_alphanumeric());
        } else if let Some(&keep) = BENGALI_BLOCK.get((c as usize).wrapping_sub(0x980)) {
            // Heading ids slugify whole Bengali headings: std's tables for letters, marks
            // and case were 4% of a build's instructions. The block has no case.
            push(c, keep);
        } else {
            for lower in c.to_lowercase() {
                lowered |= lower != c;
                push(lower, is_slug_char(lower));
            }
        }
    }
    // Lower-casing can leave a string that is no longer NFC (rare, but cheap to guard).
    // Otherwise the slug is NFC like the text: it keeps the text's characters in order, and
    // a `-` (which composes with nothing) stands wherever it left some out between them.
    if !lowered || is_nfc(&slug) {
        slug
    } else {
        slug.nfc().collect()
    }
}

/// Whether a slug keeps each character of the Bengali block, U+0980 to U+09FF.
static BENGALI_BLOCK: std::sync::LazyLock<[bool; 128]> = std::sync::LazyLock::new(|| {
    std::array::from_fn(|i| char::from_u32(0x980 + i as u32).is_some_and(is_slug_char))
});

/// True when `text` is certainly NFC.
fn is_nfc(text: &str) -> bool {
    use unicode_normalization::IsNormalized;
    if text.is_ascii() {
        return true;
    }
    match unicode_normalization::is_nfc_quick(text.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        // Bengali's `া` and `ৗ` make the quick check unsure (most Bengali words have one),
        // and composing the text again to be sure was most of a Bengali slug's cost. They
        // are starters, so they compose only with the character right before them, and in
        // the block only `ে` + `া` = `ো` and `ে` + `ৗ` = `ৌ` do.
        IsNormalized::Maybe if text.chars().all(|c| c.is_ascii() || in_bengali_block(c)) => {
            !(text.contains("\u{9C7}\u{9BE}") || text.contains("\u{9C7}\u{9D7}"))
        }
        IsNormalized::Maybe => false,
    }
}

/// U+0980 to U+09FF.
fn in_bengali_block(c: char) -> bool {
    ('\u{980}'..='\u{9FF}').contains(&c)
}

/// Whether a slug keeps `c`: letters, digits, combining marks and ZWJ/ZWNJ.
pub fn is_slug_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c) || c == ZWJ || c == ZWNJ
}

/// True when `text` has no character a slug keeps (its slug would be empty), without
/// building the slug.
pub fn has_empty_slug(text: &str) -> bool {
    !text.chars().any(is_slug_char)
}

/// Characters left as they are in a path segment; everything else is %-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one URL path segment (UTF-8 bytes, so Bengali works in every browser).
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Percent-encodes a relative path of `/`-separated segments.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `slugify` as it was before its fast paths: NFC, lower case, keep or dash, NFC again.
    fn slugify_plainly(text: &str) -> String {
        let mut slug = String::new();
        let mut pending_dash = false;
        for c in text.nfc().flat_map(char::to_lowercase) {
            if is_slug_char(c) {
                if pending_dash && !slug.is_empty() {
                    slug.push('-');
                }
                pending_dash = false;
                slug.push(c);
            } else {
                pending_dash = true;
            }
        }
        slug.nfc().collect()
    }

    /// What `is_nfc` knows of the Bengali block: only `া` and `ৗ` leave the quick check
    /// unsure, and text of the block is NFC exactly when `ে` does not come right before one.
    #[test]
    fn bengali_nfc_is_decided_without_composing() {
        use unicode_normalization::{IsNormalized, is_nfc_quick};
        let block: Vec<char> = (0x980..0xA00).filter_map(char::from_u32).collect();
        let unsure: Vec<char> = block
            .iter()
            .copied()
            .filter(|&c| is_nfc_quick(std::iter::once(c)) == IsNormalized::Maybe)
            .collect();
        assert_eq!(unsure, ['\u{9BE}', '\u{9D7}']);
        for &a in &block {
            for &b in &block {
                let text = format!("ক{a}{b}");
                let composed: String = text.nfc().collect();
                assert_eq!(is_nfc(&text), composed == text, "{text:?}");
            }
        }
    }

    #[test]
    fn the_bengali_block_has_no_case() {
        for c in (0x980..0xA00).filter_map(char::from_u32) {
            assert!(c.to_lowercase().eq([c]), "{c:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        /// Bengali (with the vowel signs that compose, ে + া = ো, and the letters NFC takes
        /// apart, য়), Latin with case and accents, combining marks, joiners and punctuation.
        #[test]
        fn slugify_agrees_with_the_plain_definition(
            text in "[\u{980}-\u{9FF}\u{9C7}\u{9BE}\u{9D7}\u{9DF}\u{9BC}\u{9CD}a-zA-Z0-9 \\-.,:'’ÉéÅİıẞß\u{300}\u{301}\u{327}\u{200C}\u{200D}\u{130}Ωω]{0,24}"
        ) {
            proptest::prop_assert_eq!(slugify(&text), slugify_plainly(&text));
        }
    }

    #[test]
    fn bengali_tag_keeps_script_and_joins_words() {
        assert_eq!(slugify("উত্তর কোরিয়া"), "উত্তর-কোরিয়া");
    }

    #[test]
    fn bengali_virama_nukta_and_vowel_signs_are_kept() {
        // র্যাপ্টর: ra + virama + ZWJ? + ya-phala; কোরিয়া has a nukta in decomposed form.
        let decomposed = "কোরি\u{09AF}\u{09BC}া";
        assert_eq!(slugify(decomposed), "কোরিয়া");
        assert_eq!(slugify("র্যাপ্টর"), "র্যাপ্টর");
        assert_eq!(slugify("র\u{09CD}\u{200D}যাপ্টর"), "র\u{09CD}\u{200D}যাপ্টর");
        assert_eq!(slugify("সের্গেই লাভরভ"), "সের্গেই-লাভরভ");
    }

    #[test]
    fn latin_is_lower_cased_and_punctuation_collapses() {
        assert_eq!(slugify("Kim Jong-Un: the  Visit!"), "kim-jong-un-the-visit");
        assert_eq!(slugify("  --KCNA--  "), "kcna");
        assert_eq!(slugify("Ünïcödé Straße"), "ünïcödé-straße");
        assert_eq!(slugify("Κόσμος"), "κόσμος");
    }

    #[test]
    fn bengali_digits_and_danda_punctuation() {
        assert_eq!(slugify("২০২৩ সালের বৈঠক।"), "২০২৩-সালের-বৈঠক");
    }

    #[test]
    fn nothing_but_punctuation_gives_empty_slug() {
        assert_eq!(slugify("!!! — ???"), "");
        assert_eq!(slugify(""), "");
    }

    #[test]
    fn arabic_and_cjk_are_kept() {
        assert_eq!(slugify("كوريا الشمالية"), "كوريا-الشمالية");
        assert_eq!(slugify("朝鲜 新闻"), "朝鲜-新闻");
    }

    #[test]
    fn encoding_bengali_segment() {
        assert_eq!(
            encode_segment("উত্তর-কোরিয়া"),
            "%E0%A6%89%E0%A6%A4%E0%A7%8D%E0%A6%A4%E0%A6%B0-%E0%A6%95%E0%A7%8B%E0%A6%B0%E0%A6%BF%E0%A6%AF%E0%A6%BC%E0%A6%BE"
        );
        assert_eq!(encode_path("tags/a b/"), "tags/a%20b/");
    }
}

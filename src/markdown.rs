//! Markdown → HTML body, table of contents and word count; pure, no templates, no files.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::slug::slugify;

/// One heading of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Empty from `outline_with_images`, which leaves the HTML for later.
    pub html: String,
    /// Empty from `outline_with_images`, like `html`.
    pub toc: Vec<TocEntry>,
    /// Words of scripts that separate words with spaces (Latin, Bengali, Korean...).
    pub word_count: usize,
    /// Characters of Chinese and Japanese text, which is read by character, not by word.
    pub cjk_chars: usize,
    /// Plain text of the first paragraph, cut near `EXCERPT_CHARS` at a space.
    pub excerpt: String,
    /// Images written without alt text (`![](map.png)`), in the order they appear.
    pub images_without_alt: Vec<ImageWithoutAlt>,
}

/// An image with empty alt text: its `src`, and where its Markdown stands in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageWithoutAlt {
    pub src: String,
    /// Byte range of the image's Markdown (`![](map.png)`) in the text given to `render`.
    pub span: std::ops::Range<usize>,
}

/// Longest excerpt, in characters, taken from the first paragraph.
pub const EXCERPT_CHARS: usize = 240;

impl Rendered {
    /// Minutes to read: 200 words a minute, 500 CJK characters a minute; at least one.
    pub fn reading_minutes(&self) -> usize {
        reading_minutes(self.word_count, self.cjk_chars)
    }
}

pub fn reading_minutes(words: usize, cjk_chars: usize) -> usize {
    (words * 5 + cjk_chars * 2).div_ceil(1000).max(1)
}

/// Element ids the page layout owns.
pub const RESERVED_IDS: &[&str] = &["main", "top", "content"];

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders CommonMark plus tables, footnotes, strikethrough and task lists.
///
/// Headings get ids in their own script (a Bengali heading gets a Bengali id),
/// unique within the page. Raw HTML passes through; quotes are left as written.
pub fn render(markdown: &str) -> Rendered {
    render_with_images(markdown, &|_| None)
}

/// `render`, giving every image whose size `image_size(src)` knows a `width` and `height`,
/// so the browser keeps its space before it loads (no layout shift).
pub fn render_with_images(
    markdown: &str,
    image_size: &dyn Fn(&str) -> Option<(u32, u32)>,
) -> Rendered {
    walk(markdown, image_size, Output::Everything)
}

/// What an article page shows of its text: the HTML and its headings' table of contents.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub html: String,
    pub toc: Vec<TocEntry>,
}

/// The HTML and table of contents `render_with_images` makes, without the rest of what
/// `outline_with_images` gives.
pub fn html_with_images(markdown: &str, image_size: &dyn Fn(&str) -> Option<(u32, u32)>) -> Body {
    let rendered = walk(markdown, image_size, Output::HtmlOnly);
    Body {
        html: rendered.html,
        toc: rendered.toc,
    }
}

/// What `render_with_images` finds in the text (word count, excerpt, images without alt
/// text) without writing the HTML or the table of contents: `html` and `toc` are left empty.
/// The parse of a whole site needs only these; each page makes its HTML and table of
/// contents when it is rendered (`html_with_images`).
pub fn outline_with_images(
    markdown: &str,
    image_size: &dyn Fn(&str) -> Option<(u32, u32)>,
) -> Rendered {
    walk(markdown, image_size, Output::OutlineOnly)
}

/// What `walk` makes: the outline (table of contents, words, excerpt, images without alt
/// text), the HTML, or both.
#[derive(Clone, Copy, PartialEq)]
enum Output {
    Everything,
    OutlineOnly,
    HtmlOnly,
}

impl Output {
    fn outline(self) -> bool {
        self != Output::HtmlOnly
    }
    fn html(self) -> bool {
        self != Output::OutlineOnly
    }
}

/// Reads the text's events once: ids for headings, footnote prefixes, image sizes, words,
/// the excerpt; then writes the HTML. `output` says which of these are wanted.
fn walk(
    markdown: &str,
    image_size: &dyn Fn(&str) -> Option<(u32, u32)>,
    output: Output,
) -> Rendered {
    // The source ranges stay index-aligned with `events`: the loop below replaces events in
    // place and never inserts or removes one.
    // Only the outline needs the ranges (to point at images without alt text).
    let (mut events, spans): (Vec<Event>, Vec<std::ops::Range<usize>>) = if output.outline() {
        Parser::new_ext(markdown, options())
            .into_offset_iter()
            .unzip()
    } else {
        (Parser::new_ext(markdown, options()).collect(), Vec::new())
    };
    let mut images_without_alt = Vec::new();
    let mut toc = Vec::new();
    // Ids the theme uses itself (the skip link's target) are never given to a heading.
    let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    let mut next_suffix: HashMap<String, usize> = HashMap::default();
    let mut word_count = 0;
    let mut cjk_chars = 0;
    let mut in_word = false;
    let mut excerpt: Option<String> = None;
    // Images to write with their size: replaced after the loop, which counts their alt text.
    let mut sized_images: Vec<(usize, usize, (u32, u32))> = Vec::new();

    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            // Ids and the table of contents are for the HTML only.
            Event::Start(Tag::Heading { level, id, .. }) if output.html() => {
                let level = *level;
                let explicit = id.as_ref().map(|s| s.to_string());
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map_or(events.len(), |p| i + p);
                let title = plain_text(&events[i + 1..end]);
                let base = explicit.unwrap_or_else(|| slugify(&title));
                let base = if base.is_empty() {
                    "section".to_string()
                } else {
                    base
                };
                let unique = unique_id(&base, &mut used, &mut next_suffix);
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                    *id = Some(CowStr::from(unique.clone()));
                }
                toc.push(TocEntry {
                    level: heading_number(level),
                    id: unique,
                    title,
                });
            }
            // The alt text is the image's inner text; none at all (or only spaces) leaves
            // screen-reader users with just the file name, if anything.
            Event::Start(Tag::Image { dest_url, .. }) => {
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Image)))
                    .map_or(events.len(), |p| i + p);
                if output.outline() && plain_text(&events[i + 1..end]).trim().is_empty() {
                    images_without_alt.push(ImageWithoutAlt {
                        src: dest_url.to_string(),
                        span: spans[i].clone(),
                    });
                }
                // Only the HTML has a use for the size (which may mean reading the file).
                if output.html()
                    && let Some(size) = image_size(dest_url)
                {
                    sized_images.push((i, end, size));
                }
            }
            // Footnote ids get a prefix so they cannot clash with heading ids.
            Event::FootnoteReference(name) => {
                events[i] = Event::FootnoteReference(format!("fn-{name}").into());
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                events[i] = Event::Start(Tag::FootnoteDefinition(format!("fn-{name}").into()));
            }
            Event::Start(Tag::Paragraph) if excerpt.is_none() && output.outline() => {
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
                    .map_or(events.len(), |p| i + p);
                let text = plain_text(&events[i + 1..end]);
                if !text.is_empty() {
                    excerpt = Some(truncate_at_space(&text, EXCERPT_CHARS));
                }
            }
            Event::Text(text) | Event::Code(text) if output.outline() => {
                let (words, cjk) = count_words(text, &mut in_word);
                word_count += words;
                cjk_chars += cjk;
            }
            // Inline markup (`*today*.`) continues a word; block ends and breaks finish it.
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link | TagEnd::Strikethrough,
            ) => {}
            Event::End(_) | Event::SoftBreak | Event::HardBreak => in_word = false,
            _ => {}
        }
        i += 1;
    }

    let mut out = String::new();
    if output.html() {
        out.reserve(markdown.len() * 3 / 2);
        for (start, end, size) in sized_images {
            let end = end.min(events.len() - 1);
            let img = sized_img(&events[start..=end], size);
            events[start] = Event::InlineHtml(img.into());
            for event in &mut events[start + 1..=end] {
                *event = Event::Text(CowStr::Borrowed(""));
            }
        }
        html::push_html(&mut out, events.into_iter());
    }
    Rendered {
        html: out,
        toc,
        word_count,
        cjk_chars,
        excerpt: excerpt.unwrap_or_default(),
        images_without_alt,
    }
}

/// The `<img>` pulldown-cmark would write for an image's events, plus its size.
fn sized_img(events: &[Event], (width, height): (u32, u32)) -> String {
    use pulldown_cmark_escape::{escape_href, escape_html};
    let mut img = String::from("<img src=\"");
    let Some(Event::Start(Tag::Image {
        dest_url, title, ..
    })) = events.first()
    else {
        return img;
    };
    // Writing into a String cannot fail.
    let _ = escape_href(&mut img, dest_url);
    img.push_str("\" alt=\"");
    for event in &events[1..] {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => {
                let _ = escape_html(&mut img, t);
            }
            Event::SoftBreak | Event::HardBreak => img.push(' '),
            _ => {}
        }
    }
    if !title.is_empty() {
        img.push_str("\" title=\"");
        let _ = escape_html(&mut img, title);
    }
    img.push_str(&format!("\" width=\"{width}\" height=\"{height}\" />"));
    img
}

/// The pixel size of an image file: raster formats from their header, SVG from the
/// `width`/`height` (or `viewBox`) of its root element. `None` when it cannot tell.
pub fn image_size(path: &std::path::Path) -> Option<(u32, u32)> {
    let is_svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if !is_svg {
        let size = imagesize::size(path).ok()?;
        return Some((
            u32::try_from(size.width).ok()?,
            u32::try_from(size.height).ok()?,
        ));
    }
    let text = std::fs::read_to_string(path).ok()?;
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attribute = |name: &str| -> Option<&str> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        tag[at..].split('"').next()
    };
    // Plain numbers or pixels only: a percentage or an em says nothing about the shape.
    let pixels = |v: &str| -> Option<u32> {
        let v = v.trim().trim_end_matches("px");
        let n: f64 = v.parse().ok()?;
        (1.0..100_000.0).contains(&n).then_some(n.round() as u32)
    };
    match (
        attribute("width").and_then(pixels),
        attribute("height").and_then(pixels),
    ) {
        (Some(w), Some(h)) => Some((w, h)),
        _ => {
            let view: Vec<f64> = attribute("viewBox")?
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .filter_map(|s| s.parse().ok())
                .collect();
            match view.as_slice() {
                [_, _, w, h] if *w >= 1.0 && *h >= 1.0 => {
                    Some((w.round() as u32, h.round() as u32))
                }
                _ => None,
            }
        }
    }
}

/// Words and CJK characters in `text`; `in_word` carries a word across inline markup (`*to*day`).
fn count_words(text: &str, in_word: &mut bool) -> (usize, usize) {
    if !may_hold_wide_space_or_cjk(text.as_bytes()) {
        return (count_words_spaced_by_ascii(text.as_bytes(), in_word), 0);
    }
    // A byte walk, not `split_whitespace`: decoding every character of Bengali or Hindi text
    // to ask whether it is a space costs more than the rest of the count.
    let bytes = text.as_bytes();
    let (mut words, mut cjk) = (0, 0);
    let mut i = 0;
    let mut first = true;
    while i < bytes.len() {
        let space = whitespace_len(text, i);
        if space > 0 {
            i += space;
            continue;
        }
        let start = i;
        let mut maybe_cjk = false;
        while i < bytes.len() && whitespace_len(text, i) == 0 {
            // CJK characters are 3-byte UTF-8 sequences led by 0xE3..=0xE9.
            maybe_cjk |= (0xE3..=0xE9).contains(&bytes[i]);
            i += utf8_width(bytes[i]);
        }
        let han = if maybe_cjk {
            text[start..i].chars().filter(|&c| is_cjk(c)).count()
        } else {
            0
        };
        if han > 0 {
            cjk += han;
        } else if !(first && start == 0 && *in_word) {
            words += 1;
        }
        first = false;
    }
    if let Some(last) = text.chars().next_back() {
        *in_word = !last.is_whitespace();
    }
    (words, cjk)
}

/// Whether `bytes` has a lead byte that can start a non-ASCII space (0xC2, 0xE1..=0xE3) or a
/// CJK character (0xE3..=0xE9). Latin, Bengali (0xE0) and most other text has none.
fn may_hold_wide_space_or_cjk(bytes: &[u8]) -> bool {
    // A fold within each block has no early exit, so it can test bytes in bulk; the `any`
    // over blocks still stops at the first block with one.
    bytes.chunks(64).any(|block| {
        block.iter().fold(false, |seen, &b| {
            seen | (b == 0xC2) | (b.wrapping_sub(0xE1) <= 8)
        })
    })
}

/// `count_words` for text whose only spaces are ASCII and that has no CJK: a word starts at
/// every non-space byte after a space. It has no branch per byte.
fn count_words_spaced_by_ascii(bytes: &[u8], in_word: &mut bool) -> usize {
    let is_space = |b: u8| (b == b' ') | (b.wrapping_sub(b'\t') <= b'\r' - b'\t');
    let Some(&last) = bytes.last() else {
        return 0;
    };
    let first = usize::from(!*in_word && !is_space(bytes[0]));
    // Each byte with the one after it, summed in blocks into bytes: a block of 240 pairs
    // cannot overflow one, and byte lanes fill a vector register sixteen at a time, where a
    // `usize` sum widened every byte to eight (6% of a build's instructions, on SSE2).
    const BLOCK: usize = 240;
    let starts: usize = bytes[..bytes.len() - 1]
        .chunks(BLOCK)
        .zip(bytes[1..].chunks(BLOCK))
        .map(|(this, next)| {
            let block = this.iter().zip(next).fold(0u8, |sum, (&a, &b)| {
                sum + u8::from(is_space(a) & !is_space(b))
            });
            usize::from(block)
        })
        .sum();
    *in_word = !is_space(last);
    first + starts
}

/// The byte length of the whitespace character at byte `i` of `text`, or 0 if it is not one.
/// Only ASCII and the lead bytes 0xC2, 0xE1..=0xE3 can start a Unicode space.
fn whitespace_len(text: &str, i: usize) -> usize {
    match text.as_bytes()[i] {
        b'\t'..=b'\r' | b' ' => 1,
        0xC2 | 0xE1..=0xE3 => text[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
        _ => 0,
    }
}

/// The length of the UTF-8 sequence a lead byte starts.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0..0xC0 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

/// Han ideographs and Japanese kana: scripts read by character.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// Cleans rendered HTML with ammonia (`sanitize: true` in site.yaml): scripts, styles, frames,
/// event handlers and `javascript:` links go; everything Markdown itself makes stays (heading
/// ids, footnotes, task-list boxes, table alignment, code language classes).
pub fn sanitize(html: &str) -> String {
    static CLEANER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    let cleaner = CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id"])
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attribute_values("input", "type", ["checkbox"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .filter_style_properties(std::collections::HashSet::from(["text-align"]))
            .link_rel(None);
        for tag in ["code", "div", "sup", "span", "li", "ol", "ul", "p"] {
            b.add_tag_attributes(tag, ["class"]);
        }
        b
    });
    cleaner.clean(html).to_string()
}

/// `text` cut to at most `max` characters, at the last space, with an ellipsis when cut.
pub fn truncate_at_space(text: &str, max: usize) -> String {
    // Where character `max` starts, if the text goes on that far: one pass, no copy.
    let Some((end, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let cut = &text[..end];
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// `base`, else `base-1`, `base-2`... the first not used yet.
///
/// `next` remembers where each base's search stopped: without it, a page of 100,000 headings
/// named alike took minutes (each heading retried every suffix before it).
fn unique_id(base: &str, used: &mut HashSet<String>, next: &mut HashMap<String, usize>) -> String {
    if used.insert(base.to_string()) {
        return base.to_string();
    }
    let n = next.entry(base.to_string()).or_insert(1);
    loop {
        let candidate = format!("{base}-{n}");
        *n += 1;
        if used.insert(candidate.clone()) {
            return candidate;
        }
    }
}

fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {

    /// The reference `count_words` was before the byte walk: `split_whitespace` and chars.
    fn count_words_by_chars(text: &str, in_word: &mut bool) -> (usize, usize) {
        let (mut words, mut cjk) = (0, 0);
        for (n, token) in text.split_whitespace().enumerate() {
            let han = token.chars().filter(|&c| is_cjk(c)).count();
            if han > 0 {
                cjk += han;
            } else if !(n == 0 && *in_word && !text.starts_with(char::is_whitespace)) {
                words += 1;
            }
        }
        if let Some(last) = text.chars().next_back() {
            *in_word = !last.is_whitespace();
        }
        (words, cjk)
    }

    /// `truncate_at_space` as it was first written: count, collect, cut.
    fn truncate_by_collecting(text: &str, max: usize) -> String {
        if text.chars().count() <= max {
            return text.to_string();
        }
        let cut: String = text.chars().take(max).collect();
        let cut = match cut.rfind(char::is_whitespace) {
            Some(i) if i > cut.len() / 2 => &cut[..i],
            _ => cut.as_str(),
        };
        format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
    }

    proptest::proptest! {
        #[test]
        fn truncating_agrees_with_collecting(
            text in "[a কিম্\u{a0}\u{3000},;:。]{0,40}",
            max in 0usize..30,
        ) {
            proptest::prop_assert_eq!(truncate_at_space(&text, max), truncate_by_collecting(&text, max));
        }

        /// The byte walk counts exactly what splitting on Unicode whitespace counts, for text
        /// mixing every kind of space with Bengali, CJK, ASCII and other characters.
        #[test]
        fn byte_word_count_equals_the_char_word_count(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                " ", "\t", "\n", "\u{b}", "\u{85}", "\u{a0}", "\u{1680}", "\u{2003}",
                "\u{2028}", "\u{202f}", "\u{3000}", "\u{200b}", "কিম", "্", "a", "Kim", "漢字",
                "かな", "\u{e000}", "😀", "é", "\u{2011}",
            ]), 0..20),
            in_word: bool,
        ) {
            let text: String = pieces.concat();
            let (mut a, mut b) = (in_word, in_word);
            proptest::prop_assert_eq!(count_words(&text, &mut a), count_words_by_chars(&text, &mut b));
            proptest::prop_assert_eq!(a, b);
        }

        /// The same for text that takes the shortcut: ASCII spaces only, no CJK.
        #[test]
        fn ascii_spaced_word_count_equals_the_char_word_count(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "কিম", "্", "a", "Kim", "\u{e000}",
                "😀", "é", "-", ".",
            ]), 0..30),
            in_word: bool,
        ) {
            let text: String = pieces.concat();
            proptest::prop_assert!(!may_hold_wide_space_or_cjk(text.as_bytes()));
            let (mut a, mut b) = (in_word, in_word);
            proptest::prop_assert_eq!(count_words(&text, &mut a), count_words_by_chars(&text, &mut b));
            proptest::prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn text_with_a_wide_space_or_cjk_is_not_counted_by_ascii_spaces() {
        for text in [
            "a\u{a0}b",
            "a\u{2003}b",
            "a\u{3000}b",
            "漢字",
            "a\u{85}b",
            "\u{1680}",
        ] {
            assert!(may_hold_wide_space_or_cjk(text.as_bytes()), "{text:?}");
        }
        // Long enough to span several blocks, with the wide space in the last one.
        let long = format!("{}\u{2003}", "word ".repeat(40));
        assert!(may_hold_wide_space_or_cjk(long.as_bytes()));
        assert_eq!(count_words(&long, &mut false), (40, 0));
    }
    use super::*;

    #[test]
    fn sized_images_keep_their_alt_text_and_escaping() {
        let r = render_with_images(
            "![A \"map\" & more](map%20one.svg \"The <map>\")\n\n![](other.png)\n",
            &|src| (src == "map%20one.svg").then_some((600, 400)),
        );
        assert!(
            r.html.contains(
                "<img src=\"map%20one.svg\" alt=\"A &quot;map&quot; &amp; more\" title=\"The &lt;map&gt;\" width=\"600\" height=\"400\" />"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<img src=\"other.png\" alt=\"\" />"),
            "{}",
            r.html
        );
        // The same as pulldown-cmark writes it, but for the size.
        let plain = render("![A \"map\" & more](map%20one.svg \"The <map>\")\n");
        assert_eq!(
            plain
                .html
                .replace(" />", " width=\"600\" height=\"400\" />"),
            render_with_images(
                "![A \"map\" & more](map%20one.svg \"The <map>\")\n",
                &|_| Some((600, 400))
            )
            .html
        );
    }

    #[test]
    fn svg_sizes_come_from_width_height_or_view_box() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let a = write(
            "a.svg",
            r#"<?xml version="1.0"?><svg xmlns="x" width="600" height="400px">"#,
        );
        let b = write("b.svg", r#"<svg viewBox="0 0 320.4 180">"#);
        let c = write("c.svg", r#"<svg width="100%" height="50%">"#);
        assert_eq!(image_size(&a), Some((600, 400)));
        assert_eq!(image_size(&b), Some((320, 180)));
        assert_eq!(image_size(&c), None);
        assert_eq!(image_size(&dir.path().join("missing.png")), None);
    }

    #[test]
    fn images_without_alt_text_are_found_with_their_source_span() {
        let text = "![Map of Korea](a.png)\n\nSee ![ ](b.png) and ![](c.svg \"title\").\n\n[![](d.png)](x)\n";
        let r = render(text);
        let found: Vec<(&str, &str)> = r
            .images_without_alt
            .iter()
            .map(|i| (i.src.as_str(), &text[i.span.clone()]))
            .collect();
        assert_eq!(
            found,
            [
                ("b.png", "![ ](b.png)"),
                ("c.svg", "![](c.svg \"title\")"),
                ("d.png", "![](d.png)"),
            ]
        );
    }

    #[test]
    fn bengali_heading_gets_bengali_id() {
        let r = render("## ‘ধ্বংসের প্রথম লক্ষ্য’\n\ntext\n");
        assert_eq!(r.toc[0].id, "ধ্বংসের-প্রথম-লক্ষ্য");
        assert!(
            r.html
                .contains("<h2 id=\"ধ্বংসের-প্রথম-লক্ষ্য\">‘ধ্বংসের প্রথম লক্ষ্য’</h2>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn repeated_headings_get_unique_ids() {
        let r = render("## Notes\n\n## Notes\n\n## Notes-1\n");
        let ids: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["notes", "notes-1", "notes-1-1"]);
    }

    #[test]
    fn many_headings_named_alike_take_linear_time() {
        // Each heading used to retry every suffix before its own: minutes for 100,000.
        let md = "## a\n".repeat(20_000);
        let started = std::time::Instant::now();
        let r = render(&md);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(r.toc.len(), 20_000);
        assert_eq!(r.toc[19_999].id, "a-19999");
    }

    #[test]
    fn heading_named_main_does_not_take_the_skip_link_target() {
        let r = render("## Main\n");
        assert_eq!(r.toc[0].id, "main-1");
    }

    #[test]
    fn explicit_heading_id_is_kept() {
        let r = render("## Background {#bg}\n");
        assert_eq!(r.toc[0].id, "bg");
        assert_eq!(r.toc[0].title, "Background");
    }

    #[test]
    fn extensions_and_raw_html() {
        let md = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ [^1]\n\n- [x] done\n\n<aside>raw</aside>\n\n[^1]: note\n";
        insta::assert_snapshot!(render(md).html);
    }

    #[test]
    fn sanitize_removes_scripts_and_keeps_what_markdown_makes() {
        let md = "## Title {#t}\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] done\n\nText[^1] [ok](/x) [bad](javascript:alert(1))\n\n```rust\nfn x() {}\n```\n\n<script>alert(1)</script><img src=x onerror=alert(1)><iframe src=//evil></iframe><b onclick=\"x()\">bold</b>\n\n[^1]: note\n";
        let clean = sanitize(&render(md).html);
        for gone in ["<script", "onerror", "<iframe", "onclick", "javascript:"] {
            assert!(!clean.contains(gone), "{gone} in {clean}");
        }
        for kept in [
            "<h2 id=\"t\">",
            "style=\"text-align:left\"",
            "type=\"checkbox\"",
            "class=\"language-rust\"",
            "href=\"#fn-1\"",
            "id=\"fn-1\"",
            "<b>bold</b>",
            "href=\"/x\"",
        ] {
            assert!(clean.contains(kept), "{kept} not in {clean}");
        }
    }

    #[test]
    fn typographic_quotes_stay_as_written() {
        let r = render("He said \"no\" and “yes” — it’s fine.\n");
        assert!(
            r.html.contains("\"no\" and “yes” — it’s fine."),
            "{}",
            r.html
        );
    }

    #[test]
    fn excerpt_is_the_first_paragraph_cut_at_a_space() {
        let r = render("## Heading\n\nFirst *paragraph* here.\n\nSecond.\n");
        assert_eq!(r.excerpt, "First paragraph here.");
        let long = "শব্দ ".repeat(100);
        let r = render(&long);
        assert!(r.excerpt.ends_with('…'), "{}", r.excerpt);
        assert!(r.excerpt.chars().count() <= EXCERPT_CHARS + 1);
        assert!(!r.excerpt.contains("শব্দ …"));
    }

    #[test]
    fn chinese_is_read_by_character() {
        let r = render("朝鲜领导人会见俄罗斯外长。\n");
        assert_eq!(r.word_count, 0);
        assert_eq!(r.cjk_chars, 12);
        assert_eq!(reading_minutes(1000, 0), 5);
        assert_eq!(reading_minutes(0, 1000), 2);
        assert_eq!(reading_minutes(3, 0), 1);
    }

    #[test]
    fn words_are_counted_across_scripts() {
        assert_eq!(render("কিম এবং লাভরভ met *today*.\n").word_count, 5);
    }
}

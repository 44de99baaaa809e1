//! The preview server's pure parts: which built file a request path names (or why none),
//! the content type of a file, and the live-reload script injected into HTML responses.
//!
//! Kept apart from the HTTP stack so that every rule about paths — the ones that keep a
//! request inside the site — is a plain function with a table of tests.

use percent_encoding::percent_decode_str;

use crate::slug::encode_path;

/// Where the preview's own endpoints live, outside any site path a build writes.
pub const DEV_PREFIX: &str = "/__briefing/";

/// Longer request paths are refused outright (no file a build writes comes close).
pub const MAX_PATH_BYTES: usize = 2048;

/// What a request path resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A built file, by its output path (`articles/কিম/index.html`).
    File(String),
    /// A redirect to this (percent-encoded) location: a folder without its slash, or the
    /// server root when the site lives under a subpath.
    Redirect(String),
    /// Inside the site, but nothing is there.
    NotFound,
    /// A path no site can have: `..`, an encoded `/`, a backslash, NUL, bad UTF-8, too long.
    BadRequest(&'static str),
}

/// Resolves `raw_path` (as sent: percent-encoded, no query) against a site published under
/// `base_path` (`/` or `/briefs/`). `exists` says whether the build wrote an output path.
pub fn resolve(base_path: &str, raw_path: &str, exists: impl Fn(&str) -> bool) -> Resolution {
    if raw_path.len() > MAX_PATH_BYTES {
        return Resolution::BadRequest("path too long");
    }
    if !raw_path.starts_with('/') {
        return Resolution::BadRequest("path must start with /");
    }
    let rest = match raw_path.strip_prefix(base_path) {
        Some(rest) => rest,
        // `/briefs` for a site under `/briefs/`, or `/` when the site is not at the root:
        // both mean the site's home page.
        None if raw_path == base_path.trim_end_matches('/') || raw_path == "/" => {
            return Resolution::Redirect(base_path.to_string());
        }
        None => return Resolution::NotFound,
    };
    let mut decoded: Vec<String> = Vec::new();
    let segments: Vec<&str> = rest.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if segment.is_empty() {
            if last {
                break;
            }
            return Resolution::BadRequest("empty path segment");
        }
        let bytes: Vec<u8> = percent_decode_str(segment).collect();
        let Ok(name) = String::from_utf8(bytes) else {
            return Resolution::BadRequest("path is not UTF-8");
        };
        if name == "." || name == ".." {
            return Resolution::BadRequest("relative path segment");
        }
        if name.contains(['/', '\\', '\0']) {
            return Resolution::BadRequest("path segment holds a separator or NUL");
        }
        decoded.push(name);
    }
    let joined = decoded.join("/");
    if rest.is_empty() || rest.ends_with('/') {
        let index = if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        };
        return if exists(&index) {
            Resolution::File(index)
        } else {
            Resolution::NotFound
        };
    }
    if exists(&joined) {
        Resolution::File(joined)
    } else if exists(&format!("{joined}/index.html")) {
        // Encoded afresh from the decoded names, not `raw_path` with a slash: a request may
        // hold raw UTF-8 (hyper accepts it), which a `Location` header cannot.
        Resolution::Redirect(format!("{base_path}{}/", encode_path(&joined)))
    } else {
        Resolution::NotFound
    }
}

/// The `Content-Type` for an output path, by its extension; text types say `charset=utf-8`.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = match name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => String::new(),
    };
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" if name == "atom.xml" => "application/atom+xml; charset=utf-8",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// `html` with the live-reload script added just before `</body>` (or at the end when
/// there is none). `generation` tells the script which build the page came from.
pub fn inject_live_reload(html: &[u8], generation: u64) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{DEV_PREFIX}live.js\" data-generation=\"{generation}\" defer></script>"
    );
    let at = last_body_close(html).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The byte offset of the last `</body` (any case).
fn last_body_close(html: &[u8]) -> Option<usize> {
    const NEEDLE: &[u8] = b"</body";
    html.windows(NEEDLE.len())
        .rposition(|w| w.eq_ignore_ascii_case(NEEDLE))
}

/// The client side of live reload, served at `/__briefing/live.js`.
pub const LIVE_RELOAD_JS: &str = include_str!("live.js");

/// A strong validator for a response body (FNV-1a over the bytes served).
pub fn etag(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{hash:016x}\"")
}

/// Whether an `If-None-Match` header value matches `etag` (a list, or `*`).
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(path: &str) -> bool {
        matches!(
            path,
            "index.html"
                | "404.html"
                | "style.css"
                | "tags/x/index.html"
                | "articles/কিম-লাভরভ-বৈঠক/index.html"
                | "tags/উত্তর-কোরিয়া/index.html"
                | "articles/trip/map one.svg"
        )
    }

    #[test]
    fn resolves_files_folders_and_redirects_at_the_root() {
        use Resolution::*;
        let cases: &[(&str, Resolution)] = &[
            ("/", File("index.html".into())),
            ("/index.html", File("index.html".into())),
            ("/style.css", File("style.css".into())),
            ("/tags/x/", File("tags/x/index.html".into())),
            ("/tags/x", Redirect("/tags/x/".into())),
            ("/tags/x/index.html", File("tags/x/index.html".into())),
            ("/tags/", NotFound),
            ("/tags/y/", NotFound),
            ("/nothing", NotFound),
            (
                "/articles/%E0%A6%95%E0%A6%BF%E0%A6%AE-%E0%A6%B2%E0%A6%BE%E0%A6%AD%E0%A6%B0%E0%A6%AD-%E0%A6%AC%E0%A7%88%E0%A6%A0%E0%A6%95/",
                File("articles/কিম-লাভরভ-বৈঠক/index.html".into()),
            ),
            (
                "/articles/trip/map%20one.svg",
                File("articles/trip/map one.svg".into()),
            ),
        ];
        for (path, expected) in cases {
            assert_eq!(&resolve("/", path, site), expected, "{path}");
        }
    }

    /// Found by the `preview_url` fuzz target: a folder named in raw UTF-8, without its
    /// slash, was redirected to the request path as sent, which is no valid `Location`
    /// (the server answered 400 "bad redirect target").
    #[test]
    fn folder_redirects_are_percent_encoded_even_for_raw_utf8_requests() {
        use Resolution::*;
        let encoded = "/tags/%E0%A6%89%E0%A6%A4%E0%A7%8D%E0%A6%A4%E0%A6%B0-%E0%A6%95%E0%A7%8B%E0%A6%B0%E0%A6%BF%E0%A6%AF%E0%A6%BC%E0%A6%BE/";
        assert_eq!(
            resolve("/", "/tags/উত্তর-কোরিয়া", site),
            Redirect(encoded.into())
        );
        assert_eq!(
            resolve("/", &encoded[..encoded.len() - 1], site),
            Redirect(encoded.into())
        );
        assert_eq!(
            resolve("/briefs/", "/briefs/tags/উত্তর-কোরিয়া", site),
            Redirect(format!("/briefs{encoded}"))
        );
        assert_eq!(
            resolve("/", encoded, site),
            File("tags/উত্তর-কোরিয়া/index.html".into())
        );
    }

    #[test]
    fn refuses_every_way_out_of_the_site() {
        let hostile = [
            "/../etc/passwd",
            "/tags/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/tags/%2e%2e%2f%2e%2e%2fetc/passwd",
            "/tags%2fx/",
            "/..%5c..%5cetc/passwd",
            "/tags\\..\\x",
            "/index.html%00.css",
            "/./index.html",
            "//etc/passwd",
            "/tags//x/",
            "/%ff%fe",
            "etc/passwd",
        ];
        for path in hostile {
            assert!(
                matches!(resolve("/", path, |_| true), Resolution::BadRequest(_)),
                "{path} was not refused: {:?}",
                resolve("/", path, |_| true)
            );
        }
        let long = format!("/{}", "a/".repeat(MAX_PATH_BYTES));
        assert_eq!(
            resolve("/", &long, |_| true),
            Resolution::BadRequest("path too long")
        );
    }

    #[test]
    fn a_site_under_a_subpath_is_served_only_there() {
        use Resolution::*;
        let base = "/briefs/";
        assert_eq!(resolve(base, "/briefs/", site), File("index.html".into()));
        assert_eq!(resolve(base, "/briefs", site), Redirect("/briefs/".into()));
        assert_eq!(resolve(base, "/", site), Redirect("/briefs/".into()));
        assert_eq!(
            resolve(base, "/briefs/tags/x", site),
            Redirect("/briefs/tags/x/".into())
        );
        assert_eq!(resolve(base, "/tags/x/", site), NotFound);
        assert_eq!(resolve(base, "/briefsx/", site), NotFound);
        assert!(matches!(
            resolve(base, "/briefs/../index.html", site),
            BadRequest(_)
        ));
    }

    #[test]
    fn content_types_name_utf8_for_text() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(
            content_type("search-index.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(
            content_type("atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("map.SVG"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("photo.JPG"), "image/jpeg");
        assert_eq!(content_type("font.woff2"), "font/woff2");
        assert_eq!(content_type("CNAME"), "application/octet-stream");
        assert_eq!(content_type("dir.d/CNAME"), "application/octet-stream");
    }

    #[test]
    fn live_reload_goes_before_the_last_body_close() {
        let html = b"<html><body><p>&lt;/body&gt;</p></BODY></html>";
        let out = String::from_utf8(inject_live_reload(html, 7)).unwrap();
        assert_eq!(
            out,
            "<html><body><p>&lt;/body&gt;</p><script src=\"/__briefing/live.js\" data-generation=\"7\" defer></script></BODY></html>"
        );
        let bare = String::from_utf8(inject_live_reload(b"<p>x", 1)).unwrap();
        assert!(bare.starts_with("<p>x<script"), "{bare}");
    }

    #[test]
    fn etags_match_lists_weak_forms_and_star() {
        let tag = etag(b"hello");
        assert_ne!(tag, etag(b"hello!"));
        assert!(etag_matches(&tag, &tag));
        assert!(etag_matches(&format!("\"x\", W/{tag}"), &tag));
        assert!(etag_matches("*", &tag));
        assert!(!etag_matches("\"x\"", &tag));
    }
}

//! Fuzzes the preview server's URL handling (`dev::preview::resolve`): which built file a
//! request path names. A broken property panics, which the fuzzer reports like a crash.
//!
//! Each input is tried as a request path against a site at `/`, and against a site under
//! `/briefs/` both as it is and with `/briefs` put in front. The build holds a small fixed
//! set of files, Bengali names among them.
#![no_main]

use std::cell::RefCell;
use std::sync::Once;

use briefing::dev::preview::{Resolution, resolve};
use briefing::slug::encode_path;
use libfuzzer_sys::fuzz_target;
use percent_encoding::percent_decode_str;

/// The output paths of the pretend build.
const FILES: &[&str] = &[
    "index.html",
    "404.html",
    "style.css",
    "atom.xml",
    "search-index.json",
    "page/2/index.html",
    "tags/x/index.html",
    "tags/উত্তর-কোরিয়া/index.html",
    "articles/kim-meets-lavrov/index.html",
    "articles/কিম-লাভরভ-বৈঠক/index.html",
    "articles/কিম-লাভরভ-বৈঠক/ছবি ১.jpg",
    "articles/trip/map one.svg",
];

/// Resolves `raw` and checks every property; returns the resolution.
fn check(base: &str, raw: &str) -> Resolution {
    let accepted = RefCell::new(Vec::new());
    let resolution = resolve(base, raw, |p| {
        let ok = FILES.contains(&p);
        if ok {
            accepted.borrow_mut().push(p.to_string());
        }
        ok
    });
    match &resolution {
        Resolution::File(path) => {
            assert!(
                accepted.borrow().contains(path),
                "{raw:?} under {base:?} → {path:?}, which `exists` never accepted"
            );
            assert!(
                !path.starts_with('/') && !path.contains(['\\', '\0']),
                "{raw:?} under {base:?} → {path:?}"
            );
            assert!(
                path.split('/').all(|s| !matches!(s, "" | "." | "..")),
                "{raw:?} under {base:?} → {path:?}"
            );
            // Percent-decoding round-trips: the file is the decoded request path (plus
            // `index.html` for a folder), and its own encoding resolves back to it.
            let rest = raw.strip_prefix(base).expect("a file is inside the base");
            let decoded: Vec<u8> = percent_decode_str(rest).collect();
            let decoded = String::from_utf8(decoded).expect("a file's path is UTF-8");
            let expected = if decoded.is_empty() || decoded.ends_with('/') {
                format!("{decoded}index.html")
            } else {
                decoded
            };
            assert_eq!(path, &expected, "{raw:?} under {base:?}");
            let again = format!("{base}{}", encode_path(path));
            assert_eq!(
                resolve(base, &again, |p| FILES.contains(&p)),
                resolution,
                "{raw:?} under {base:?} → {path:?}, but {again:?} does not"
            );
        }
        Resolution::Redirect(location) => {
            // A percent-encoded location on this server: visible ASCII (a valid `Location`
            // header), one leading slash (`//host` would leave the site), and one hop to a
            // file (no chains, no loops).
            assert!(
                location.bytes().all(|b| b.is_ascii_graphic()),
                "{raw:?} under {base:?} → redirect to {location:?}, not percent-encoded"
            );
            assert!(
                location.starts_with('/') && !location.starts_with("//"),
                "{raw:?} under {base:?} → redirect to {location:?}"
            );
            assert!(!location.contains('\\'), "{raw:?} → {location:?}");
            assert!(
                matches!(
                    resolve(base, location, |p| FILES.contains(&p)),
                    Resolution::File(_)
                ),
                "{raw:?} under {base:?} → redirect to {location:?}, which is no file"
            );
        }
        Resolution::NotFound | Resolution::BadRequest(_) => {}
    }
    resolution
}

fuzz_target!(|raw: &str| {
    static EVERY_FILE_IS_REACHABLE: Once = Once::new();
    EVERY_FILE_IS_REACHABLE.call_once(|| {
        for base in ["/", "/briefs/"] {
            for file in FILES {
                let url = format!("{base}{}", encode_path(file));
                assert_eq!(
                    check(base, &url),
                    Resolution::File(file.to_string()),
                    "{url}"
                );
            }
        }
    });
    check("/", raw);
    check("/briefs/", raw);
    let under = format!("/briefs{raw}");
    let nested = check("/briefs/", &under);
    // The same site served at `/` and under `/briefs/` finds the same file.
    if raw.starts_with('/')
        && under.len() <= briefing::dev::preview::MAX_PATH_BYTES
        && let Resolution::File(path) = &nested
    {
        assert_eq!(check("/", raw), Resolution::File(path.clone()), "{raw:?}");
    }
});

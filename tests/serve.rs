//! `briefing serve` on the real binary: HTTP behaviour, path safety, live reload over a
//! WebSocket, the error overlay's message, that `output/` is never touched, and that slow
//! or hostile clients (slowloris, huge heads, thousands of idle sockets, clients that stop
//! reading, running out of file descriptors) cannot stall the others.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::running::{PATIENCE, Running};
use common::{fixture, read, read_tree};

/// A running `briefing serve --port 0` after its first build, and where it listens.
struct Serving {
    process: Running,
    /// `127.0.0.1:PORT`
    address: String,
    /// The site's base path as served: `/` or `/briefs/`.
    base: String,
}

fn serve(root: &Path) -> Serving {
    serving(Running::start(&["serve", "--port", "0"], root))
}

/// `serve` with more arguments (the hidden limits: `--header-timeout-ms` and the like).
fn serve_with(root: &Path, more: &[&str]) -> Serving {
    let args: Vec<&str> = ["serve", "--port", "0"]
        .iter()
        .chain(more)
        .copied()
        .collect();
    serving(Running::start(&args, root))
}

/// Waits for a started `serve` to print its address and finish its first build.
fn serving(process: Running) -> Serving {
    let url = process.serving_url();
    let url = url.strip_prefix("http://").expect("an http URL");
    let (address, base) = url.split_at(url.find('/').unwrap());
    let built = process.next_stdout();
    assert!(built.contains("watching for changes"), "{built}");
    Serving {
        address: address.to_string(),
        base: base.to_string(),
        process,
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request_line` with `headers` as it is (no client normalises the path).
fn send(address: &str, request_line: &str, headers: &[&str]) -> Response {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut request = format!("{request_line}\r\nHost: {address}\r\nConnection: close\r\n");
    for h in headers {
        request.push_str(h);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    Response {
        status,
        head,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(address: &str, path: &str) -> Response {
    send(address, &format!("GET {path} HTTP/1.1"), &[])
}

#[test]
fn serves_pages_with_types_redirects_404_head_and_etags() {
    let site = fixture("basic");
    let s = serve(site.path());
    let a = s.address.as_str();
    assert_eq!(s.base, "/");

    let home = get(a, "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    let html = home.text();
    assert!(
        html.contains(&format!("http://{a}/")),
        "links are for the preview"
    );
    assert!(html.contains("/__briefing/live.js"), "live reload injected");

    // Types for everything the site holds.
    for (path, expected) in [
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/articles/trip/map.svg", "image/svg+xml; charset=utf-8"),
    ] {
        let r = get(a, path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(
            r.header("content-type").as_deref(),
            Some(expected),
            "{path}"
        );
        assert!(!r.text().contains("live.js"), "injected into {path}");
    }

    // The Bengali article, by its percent-encoded URL as a browser sends it.
    let bengali = format!(
        "/articles/{}/",
        percent_encoding::utf8_percent_encode("বাংলা-প্রতিবেদন", percent_encoding::NON_ALPHANUMERIC)
    );
    let page = get(a, &bengali);
    assert_eq!(page.status, 200, "{bengali}");
    assert!(page.text().contains("উত্তর কোরিয়া ও রাশিয়ার বৈঠক"));

    // A folder without its slash redirects, keeping the query.
    let redirect = get(a, "/tags?x=1");
    assert_eq!(redirect.status, 302);
    assert_eq!(redirect.header("location").as_deref(), Some("/tags/?x=1"));

    // The site's own 404 page, with status 404.
    let missing = get(a, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("<html"), "the site's 404.html");

    // HEAD: the headers of GET, no body.
    let head = send(a, "HEAD / HTTP/1.1", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), home.header("etag"));
    assert_eq!(
        head.header("content-length"),
        Some(home.body.len().to_string())
    );

    // ETag revalidation.
    let etag = home.header("etag").expect("an ETag");
    let again = send(a, "GET / HTTP/1.1", &[&format!("If-None-Match: {etag}")]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let stale = send(a, "GET / HTTP/1.1", &["If-None-Match: \"other\""]);
    assert_eq!(stale.status, 200);

    // Only GET and HEAD.
    let post = send(a, "POST / HTTP/1.1", &["Content-Length: 0"]);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow").as_deref(), Some("GET, HEAD"));

    assert_eq!(s.process.interrupt().code(), Some(0));
}

#[test]
fn no_request_reaches_outside_the_site() {
    let site = fixture("basic");
    let root = site.path();
    // Secrets next to the site and inside it (not part of the output).
    std::fs::write(root.join("secret.txt"), "TOP-SECRET").unwrap();
    std::fs::write(root.join("content/secret.txt"), "TOP-SECRET").unwrap();
    let s = serve(root);
    let a = s.address.as_str();
    let long = format!("/{}", "a".repeat(5000));
    let hostile = [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/tags/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/index.html%00",
        "/%00",
        "/content/secret.txt",
        "/./secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/%ff",
        long.as_str(),
        "/tags/",
    ];
    for path in hostile {
        let r = send(a, &format!("GET {path} HTTP/1.1"), &[]);
        assert!(
            [400, 404, 414, 431].contains(&r.status) || path == "/tags/",
            "{path}: {}",
            r.status
        );
        assert!(!r.text().contains("TOP-SECRET"), "{path} leaked a file");
        assert!(!r.text().contains("root:"), "{path} leaked /etc/passwd");
    }
    // An absolute-form request names the same paths: still refused.
    let absolute = send(a, &format!("GET http://{a}/../secret.txt HTTP/1.1"), &[]);
    assert!(!absolute.text().contains("TOP-SECRET"));
    // No folder is ever listed: a folder without index.html is a 404.
    let listing = get(a, "/articles/");
    assert_eq!(listing.status, 404, "{}", listing.text());
}

/// The basic fixture with `base_url` set to `url`.
fn fixture_at(url: &str) -> tempfile::TempDir {
    let site = fixture("basic");
    let config = read(&site.path().join("site.yaml"));
    let config = config.replace(
        "base_url: https://example.org/",
        &format!("base_url: {url}"),
    );
    std::fs::write(site.path().join("site.yaml"), config).unwrap();
    site
}

#[test]
fn a_site_with_a_subpath_is_served_under_it() {
    let site = fixture_at("https://user.github.io/briefs/");
    let s = serve(site.path());
    let a = s.address.as_str();
    assert_eq!(s.base, "/briefs/");
    let home = get(a, "/briefs/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("href=\"/briefs/tags/\""));
    assert!(home.text().contains(&format!("http://{a}/briefs/")));
    assert!(!home.text().contains("user.github.io"));
    assert_eq!(get(a, "/").header("location").as_deref(), Some("/briefs/"));
    assert_eq!(
        get(a, "/briefs").header("location").as_deref(),
        Some("/briefs/")
    );
    assert_eq!(get(a, "/tags/").status, 404, "only under /briefs/");
    assert_eq!(get(a, "/briefs/style.css").status, 200);
}

/// Regression: a `base_url` with a Bengali folder kept it raw, so the preview never matched
/// the percent-encoded paths browsers send, and `/` redirected with a 400.
#[test]
fn a_site_under_a_bengali_subpath_is_served_under_its_encoded_path() {
    let site = fixture_at("https://user.github.io/ব্রিফ/");
    let s = serve(site.path());
    let a = s.address.as_str();
    let base = "/%E0%A6%AC%E0%A7%8D%E0%A6%B0%E0%A6%BF%E0%A6%AB/";
    assert_eq!(s.base, base);
    assert_eq!(get(a, "/").header("location").as_deref(), Some(base));
    let home = get(a, base);
    assert_eq!(home.status, 200);
    assert!(home.text().contains(&format!("href=\"{base}tags/\"")));
    assert_eq!(get(a, &format!("{base}style.css")).status, 200);
}

/// A WebSocket listening for reloads, as a page would.
struct Listener(tungstenite::WebSocket<TcpStream>);

impl Listener {
    fn connect(address: &str) -> Listener {
        let stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let (socket, _) =
            tungstenite::client(format!("ws://{address}/__briefing/live"), stream).unwrap();
        Listener(socket)
    }

    /// The next message, parsed.
    fn next(&mut self) -> serde_json::Value {
        loop {
            match self.0.read().expect("a live-reload message in time") {
                tungstenite::Message::Text(text) => return serde_json::from_str(&text).unwrap(),
                tungstenite::Message::Close(_) => panic!("closed"),
                _ => {}
            }
        }
    }
}

fn status(address: &str) -> serde_json::Value {
    serde_json::from_slice(&get(address, "/__briefing/status").body).unwrap()
}

#[test]
fn live_reload_follows_edits_errors_fixes_and_css() {
    let site = fixture("basic");
    let root = site.path();
    let s = serve(root);
    let a = s.address.as_str();
    let mut live = Listener::connect(a);
    let hello = live.next();
    assert_eq!(hello["type"], "hello");
    assert!(hello["error"].is_null());
    let generation = hello["generation"].as_u64().unwrap();

    // An edit: the reload comes only once the new build is being served.
    let article = root.join("content/articles/older-english.md");
    let original = read(&article);
    std::fs::write(
        &article,
        original.replace("Older English briefing", "Retitled"),
    )
    .unwrap();
    let reload = live.next();
    assert_eq!(reload["type"], "reload");
    assert_eq!(reload["generation"].as_u64(), Some(generation + 1));
    assert!(
        get(a, "/articles/older-english/")
            .text()
            .contains("Retitled")
    );

    // Broken front matter: the terminal's diagnostic, and the last good build still served.
    std::fs::write(&article, original.replace("date: 2023-10-01", "date: [")).unwrap();
    let error = live.next();
    assert_eq!(error["type"], "error");
    let text = error["error"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("content/articles/older-english.md:") && text.contains(": error: "),
        "{text}"
    );
    s.process.stderr_until("still watching");
    assert!(
        get(a, "/articles/older-english/")
            .text()
            .contains("Retitled")
    );
    // A page opened now learns of the error at once.
    let mut late = Listener::connect(a);
    assert!(
        late.next()["error"]["text"]
            .as_str()
            .unwrap()
            .contains("older-english.md")
    );

    // Fixed: a reload, which clears the overlay.
    std::fs::write(&article, &original).unwrap();
    assert_eq!(live.next()["type"], "reload");
    assert_eq!(late.next()["type"], "reload");
    assert!(
        get(a, "/articles/older-english/")
            .text()
            .contains("Older English briefing")
    );

    // CSS alone: the pages swap their stylesheet instead of reloading.
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/extra.css"), "body { color: red }\n").unwrap();
    assert_eq!(live.next()["type"], "css");
    assert_eq!(get(a, "/extra.css").text(), "body { color: red }\n");

    assert_eq!(s.process.interrupt().code(), Some(0));
}

#[test]
fn listeners_that_leave_are_cleaned_up() {
    let site = fixture("basic");
    let s = serve(site.path());
    let a = s.address.as_str();
    let mut listeners: Vec<Listener> = (0..50).map(|_| Listener::connect(a)).collect();
    for l in &mut listeners {
        assert_eq!(l.next()["type"], "hello");
    }
    assert_eq!(status(a)["listeners"], 50);
    // Half close politely, half just vanish.
    for (i, mut l) in listeners.into_iter().enumerate() {
        if i % 2 == 0 {
            l.0.close(None).unwrap();
            let _ = l.0.flush();
        }
        drop(l);
    }
    s.process
        .wait_until("every listener is gone", || status(a)["listeners"] == 0);
}

#[test]
fn a_live_reload_socket_that_sends_a_big_message_is_closed() {
    let site = fixture("basic");
    let s = serve(site.path());
    let a = s.address.as_str();
    let mut live = Listener::connect(a);
    assert_eq!(live.next()["type"], "hello");
    assert_eq!(status(a)["listeners"], 1);
    // Pages send nothing; a megabyte is refused rather than buffered.
    let _ = live
        .0
        .send(tungstenite::Message::Text("a".repeat(1 << 20).into()));
    s.process
        .wait_until("the listener is dropped", || status(a)["listeners"] == 0);
}

#[test]
fn two_hundred_connections_at_once_all_get_their_page() {
    let site = fixture("basic");
    let s = serve(site.path());
    let address = s.address.clone();
    // Open them all before any request is sent, so they are truly concurrent.
    let streams: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(&address).unwrap())
        .collect();
    let handles: Vec<_> = streams
        .into_iter()
        .map(|mut stream| {
            let address = address.clone();
            std::thread::spawn(move || {
                stream.set_read_timeout(Some(PATIENCE)).unwrap();
                write!(
                    stream,
                    "GET /style.css HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut raw = String::new();
                stream.read_to_string(&mut raw).unwrap();
                raw.starts_with("HTTP/1.1 200")
            })
        })
        .collect();
    let ok = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|ok| *ok)
        .count();
    assert_eq!(ok, 200);
}

#[test]
fn the_output_folder_is_never_touched() {
    let site = fixture("basic");
    let root = site.path();
    // A published build is there already; serving must not change a byte of it.
    common::build(root, &[]);
    let before = read_tree(&root.join("output"));
    let hidden = |root: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        names.sort();
        names
    };
    // The build leaves its lock file (and nothing else hidden); serving adds nothing.
    let hidden_before = hidden(root);
    let s = serve(root);
    std::fs::write(
        root.join("content/articles/windows.md"),
        read(&root.join("content/articles/windows.md")).replace("title:", "title: Edited"),
    )
    .unwrap();
    s.process.next_stdout();
    assert_eq!(s.process.interrupt().code(), Some(0));
    assert_eq!(read_tree(&root.join("output")), before);
    assert_eq!(hidden(root), hidden_before);
}

#[test]
fn a_port_in_use_says_how_to_pick_another() {
    let site = fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = assert_cmd::Command::cargo_bin("briefing")
        .unwrap()
        .args(["serve", "--port", &port, "--root"])
        .arg(site.path())
        .timeout(PATIENCE)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("port {port}")), "{stderr}");
    assert!(stderr.contains("--port 0"), "{stderr}");
}

#[test]
fn a_site_broken_from_the_start_shows_why_until_fixed() {
    let site = fixture("basic");
    let root = site.path();
    let article = root.join("content/articles/older-english.md");
    let original = read(&article);
    std::fs::write(&article, original.replace("title:", "title: [")).unwrap();
    let process = Running::start(&["serve", "--port", "0"], root);
    let url = process.serving_url();
    let address = url
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .expect("an http URL")
        .to_string();
    process.stderr_until("still watching");
    let page = get(&address, "/");
    assert_eq!(page.status, 503);
    let text = page.text();
    assert!(
        text.contains("content/articles/older-english.md:"),
        "{text}"
    );
    assert!(
        text.contains("/__briefing/live.js"),
        "it reloads when fixed"
    );
    std::fs::write(&article, &original).unwrap();
    process.wait_until("the fixed site is served", || {
        get(&address, "/").status == 200
    });
    assert_eq!(process.interrupt().code(), Some(0));
}

#[test]
fn open_hands_the_address_to_the_system_browser() {
    use std::os::unix::fs::PermissionsExt;
    let site = fixture("basic");
    // A stand-in for xdg-open that records what it was asked to open.
    let bin = tempfile::tempdir().unwrap();
    let opened = bin.path().join("opened");
    let opener = bin.path().join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin.path().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let process = Running::start_with(
        &["serve", "--port", "0", "--open"],
        site.path(),
        &[("PATH", path.as_os_str())],
    );
    let url = process.serving_url();
    process.wait_until("the browser is opened", || {
        std::fs::read_to_string(&opened).is_ok_and(|s| s.trim() == url)
    });
    assert_eq!(process.interrupt().code(), Some(0));
}

/// Raises this test process's soft limit on open files to its hard limit and returns how
/// many of `wanted` extra sockets fit, leaving room for the tests running beside it.
fn sockets_that_fit(wanted: usize) -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read or write only the struct we pass.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        limit.rlim_cur = limit.rlim_max;
        if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
            assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        }
    }
    let room = usize::try_from(limit.rlim_cur)
        .unwrap_or(usize::MAX)
        .saturating_sub(500);
    if room < wanted {
        eprintln!("only {room} open files allowed: testing with {room} sockets, not {wanted}");
    }
    wanted.min(room)
}

fn connections(address: &str) -> u64 {
    status(address)["connections"].as_u64().unwrap()
}

#[test]
fn slowloris_clients_are_dropped_and_do_not_hold_up_others() {
    let site = fixture("basic");
    let s = serve_with(site.path(), &["--header-timeout-ms", "5000"]);
    let a = s.address.clone();
    // 200 clients that start a request, then send one more header byte every second, for
    // ever: the head is never complete.
    let slow: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut stream = TcpStream::connect(&a).unwrap();
            write!(stream, "GET / HTTP/1.1\r\nHost: {a}\r\nX-Slow: ").unwrap();
            stream.set_nonblocking(true).unwrap();
            stream
        })
        .collect();
    let dribbler = std::thread::spawn(move || {
        let mut open = slow;
        let deadline = Instant::now() + PATIENCE;
        while !open.is_empty() && Instant::now() < deadline {
            // Keep those the server has not closed yet: no EOF, no error.
            open.retain_mut(|stream| {
                let mut buf = [0; 512];
                match stream.read(&mut buf) {
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        stream.write_all(b"a").is_ok()
                    }
                    _ => false,
                }
            });
            // The attack's own pace, not a wait for anything.
            std::thread::sleep(Duration::from_secs(1));
        }
        open.len()
    });
    // Once the server holds all 200, a normal request is answered at once...
    s.process
        .wait_until("all slow clients are connected", || connections(&a) == 201);
    let started = Instant::now();
    let home = get(&a, "/");
    assert_eq!(home.status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "a request took {:?} beside slow clients",
        started.elapsed()
    );
    // ...and the slow ones were still open when it was (this request makes the 201st; the
    // last one may not be closed yet on the server's side).
    assert!(connections(&a) > 200);
    // Then the header timeout closes every one of them, though they never stopped sending.
    assert_eq!(dribbler.join().unwrap(), 0, "slow clients still open");
    s.process
        .wait_until("the server forgets them", || connections(&a) == 1);
    assert_eq!(get(&a, "/").status, 200);
}

#[test]
fn connections_that_never_send_a_request_are_closed() {
    let site = fixture("basic");
    let s = serve_with(site.path(), &["--header-timeout-ms", "1000"]);
    let a = s.address.as_str();
    let idle: Vec<TcpStream> = (0..20).map(|_| TcpStream::connect(a).unwrap()).collect();
    s.process
        .wait_until("the server holds them", || connections(a) == 21);
    s.process
        .wait_until("the idle connections are closed", || connections(a) == 1);
    for mut stream in idle {
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut rest = Vec::new();
        // Closed by the server: end of stream (or a reset), and not a byte before it.
        match stream.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
        }
        assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
    }
}

#[test]
fn an_oversized_head_gets_431_and_the_server_carries_on() {
    let site = fixture("basic");
    let s = serve(site.path());
    let a = s.address.as_str();
    let mut stream = TcpStream::connect(a).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let big = format!(
        "GET / HTTP/1.1\r\nHost: {a}\r\nCookie: {}\r\n\r\n",
        "a".repeat(1 << 20)
    );
    // The server answers and closes long before the megabyte is sent, so the rest of the
    // write fails: write from a thread and read the answer meanwhile.
    let write = std::thread::spawn(move || writer.write_all(big.as_bytes()));
    let mut raw = Vec::new();
    let read = stream.read_to_end(&mut raw);
    let answer = String::from_utf8_lossy(&raw);
    assert!(answer.starts_with("HTTP/1.1 431 "), "{read:?}: {answer:?}");
    // Whether the rest of the write failed depends on how much the socket buffers took.
    let _ = write.join().unwrap();
    // The server is well and holds nothing for that client.
    assert_eq!(get(a, "/").status, 200);
    s.process
        .wait_until("the big request's connection is gone", || {
            connections(a) == 1
        });
    // The limit is 32 KB for the whole head (hyper's own default would take 400 KB).
    let cookie = |kb: usize| format!("Cookie: {}", "a".repeat(kb * 1024));
    assert_eq!(send(a, "GET / HTTP/1.1", &[&cookie(30)]).status, 200);
    assert_eq!(send(a, "GET / HTTP/1.1", &[&cookie(33)]).status, 431);
    assert_eq!(send(a, "GET / HTTP/1.1", &[&cookie(100)]).status, 431);
}

#[test]
fn thousands_of_idle_connections_do_not_stop_a_request() {
    let wanted = sockets_that_fit(2000);
    let site = fixture("basic");
    // Long enough that none of them is closed for idling during the test.
    let s = serve_with(site.path(), &["--header-timeout-ms", "120000"]);
    let a = s.address.as_str();
    let idle: Vec<TcpStream> = (0..wanted)
        .map(|_| TcpStream::connect(a).unwrap())
        .collect();
    s.process.wait_until("the server holds every idle one", || {
        connections(a) == wanted as u64 + 1
    });
    let home = get(a, "/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("live.js"));
    // Still all there after it (this request makes one more; the last one may not be
    // closed yet on the server's side).
    assert!(connections(a) > wanted as u64);
    drop(idle);
    s.process
        .wait_until("the idle ones are closed", || connections(a) == 1);
}

#[test]
fn connections_beyond_the_limit_wait_for_a_free_slot() {
    let site = fixture("basic");
    let s = serve_with(
        site.path(),
        &["--max-connections", "5", "--header-timeout-ms", "120000"],
    );
    let a = s.address.as_str();
    let mut idle: Vec<TcpStream> = (0..4).map(|_| TcpStream::connect(a).unwrap()).collect();
    // The status request takes the fifth slot.
    s.process
        .wait_until("the server holds four", || connections(a) == 5);
    assert_eq!(status(a)["max_connections"], 5);
    // Now all five are taken (the kernel queues this one until the status request's slot
    // is free), and a request must wait in the queue.
    idle.push(TcpStream::connect(a).unwrap());
    let mut waiting = TcpStream::connect(a).unwrap();
    write!(
        waiting,
        "GET / HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    waiting
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut byte = [0];
    let early = waiting.read(&mut byte);
    assert!(
        early.as_ref().is_err_and(|e| matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        )),
        "answered beyond the limit: {early:?}"
    );
    // One idle client leaves: the waiting request gets its slot and its page.
    drop(idle.pop());
    waiting.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut rest = Vec::new();
    waiting.read_to_end(&mut rest).unwrap();
    assert!(
        rest.starts_with(b"HTTP/1.1 200 "),
        "{:?}",
        String::from_utf8_lossy(&rest)
    );
}

#[test]
fn a_client_that_stops_reading_is_dropped() {
    let site = fixture("basic");
    let s = serve_with(
        site.path(),
        &["--write-stall-ms", "1000", "--header-timeout-ms", "120000"],
    );
    let a = s.address.as_str();
    let page = get(a, "/").body.len();
    // Far more responses than loopback's socket buffers hold, asked for in one go and
    // never read.
    let requests = 2000;
    let mut stream = TcpStream::connect(a).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    // First one HEAD, answered in full, so the server has surely taken the connection.
    write!(stream, "HEAD / HTTP/1.1\r\nHost: {a}\r\n\r\n").unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0];
        stream.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 200 "));
    let one = format!("GET / HTTP/1.1\r\nHost: {a}\r\n\r\n");
    stream.write_all(one.repeat(requests).as_bytes()).unwrap();
    // The server gives up on it (the header timeout is far off), while others are served.
    s.process
        .wait_until("the stalled connection is closed", || connections(a) == 1);
    let mut received = Vec::new();
    match stream.read_to_end(&mut received) {
        Ok(_) => {}
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
    assert!(
        received.len() < page * requests,
        "all {} bytes arrived: nothing stalled",
        received.len()
    );
}

#[test]
fn running_out_of_file_descriptors_neither_stops_nor_spins_the_server() {
    let site = fixture("basic");
    // 64 open files in all, but a connection limit far above: accept fails with EMFILE.
    let process = Running::start_with_file_limit(
        &[
            "serve",
            "--port",
            "0",
            "--max-connections",
            "1000",
            "--header-timeout-ms",
            "1000",
        ],
        site.path(),
        64,
    );
    let s = serving(process);
    let a = s.address.as_str();
    // More idle clients than the server has descriptors for. The header timeout closes
    // those it took, making room for the rest, then for the request below.
    let idle: Vec<TcpStream> = (0..150).map(|_| TcpStream::connect(a).unwrap()).collect();
    s.process.stderr_until("Too many open files");
    let after = status(a);
    let errors = after["accept_errors"].as_u64().unwrap();
    // The loop waits 100 ms after each failure; spinning would fail thousands of times.
    assert!((1..1000).contains(&errors), "{errors} failed accepts");
    s.process.stderr_until("accepting connections again");
    assert_eq!(get(a, "/").status, 200);
    drop(idle);
    assert_eq!(s.process.interrupt().code(), Some(0));
}

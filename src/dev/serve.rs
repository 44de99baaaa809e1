//! `serve`: a preview build kept in memory, served over HTTP with live reload, rebuilt on
//! every change exactly as `watch` does. The preview never touches `output/`, so a
//! publishable output never holds a `localhost` link.
//!
//! The routes are axum on tokio, served by hyper with limits against slow and hostile
//! clients (`super::http`). The watch loop stays on the calling thread and hands each new
//! build to the server by swapping one `Arc`, so a request sees one whole build or the
//! previous one, never a mix. Reload messages go out only after the swap.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::broadcast;

use super::http::{self, Gate, Limits};
use super::preview::{self, Resolution};
use super::watch::{self, Event, Message};
use crate::cache::BuildCache;
use crate::config::{self, BuildOptions};
use crate::error::{Error, Result};
use crate::render::Sink;
use crate::theme::FileSource;
use crate::{BuildReport, build_into};

/// Every file of one build, by output path.
type Files = HashMap<String, Bytes>;

/// For each output path, the fingerprint of the inputs it was made from.
type Made = HashMap<String, u64>;

/// A file as it is served: its body (for HTML, with the live-reload script) and its ETag.
/// Made once per build and shared by every response, so that a thousand clients reading a
/// big page slowly hold one copy of it between them, not one each, and the ETag is not
/// hashed again for every request.
#[derive(Clone)]
struct Served {
    body: Bytes,
    etag: HeaderValue,
}

/// The files served so far from the build of one generation.
#[derive(Default)]
struct ServedFiles {
    generation: u64,
    files: HashMap<String, Served>,
}

/// The build being served, and the error of the latest build if it failed.
struct Current {
    files: Arc<Files>,
    made: Arc<Made>,
    /// Bumped by every build whose output differs; pages carry it so a page loaded from an
    /// older build knows to reload.
    generation: u64,
    /// The diagnostic text of the latest build, when it failed (the last good build is
    /// still served).
    error: Option<Arc<str>>,
}

/// What the server serves and whom it tells about rebuilds.
pub struct PreviewSite {
    base_path: String,
    current: RwLock<Current>,
    /// JSON messages to every live-reload listener.
    live: broadcast::Sender<Arc<str>>,
    /// Builds finished, good or failed (tools wait on it: see `/__briefing/status`).
    builds: AtomicU64,
    /// Responses made from the current generation's files.
    served: Mutex<ServedFiles>,
    /// The connections open, for `/__briefing/status`.
    connections: Arc<Gate>,
}

impl PreviewSite {
    pub fn new(base_path: &str, connections: Arc<Gate>) -> Self {
        PreviewSite {
            base_path: base_path.to_string(),
            current: RwLock::new(Current {
                files: Arc::default(),
                made: Arc::default(),
                generation: 0,
                error: None,
            }),
            // Listeners more than this many messages behind are told to reload.
            live: broadcast::channel(16).0,
            builds: AtomicU64::new(0),
            served: Mutex::default(),
            connections,
        }
    }

    /// Serves `files` from now on and tells listeners: a stylesheet swap when only CSS
    /// changed, a reload otherwise. Returns how many files differ from the previous build.
    fn publish(&self, files: Files, made: Made, css_only: bool) -> usize {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        let changed = count_changed(&current.files, &files);
        let had_error = current.error.take().is_some();
        current.files = Arc::new(files);
        current.made = Arc::new(made);
        if changed > 0 {
            current.generation += 1;
            // Forget the old build's responses now rather than at the next request.
            let mut served = self.served.lock().unwrap_or_else(|e| e.into_inner());
            *served = ServedFiles {
                generation: current.generation,
                files: HashMap::new(),
            };
        }
        let generation = current.generation;
        drop(current);
        self.builds.fetch_add(1, Ordering::SeqCst);
        if changed > 0 || had_error {
            let kind = if css_only && !had_error {
                "css"
            } else {
                "reload"
            };
            self.tell(serde_json::json!({"type": kind, "generation": generation}));
        }
        changed
    }

    /// Keeps serving the last good build and shows `error` in every open page.
    pub fn fail(&self, error: &Error) {
        let text: Arc<str> = error.to_string().into();
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        current.error = Some(text.clone());
        drop(current);
        self.builds.fetch_add(1, Ordering::SeqCst);
        self.tell(serde_json::json!({"type": "error", "error": {"text": &*text}}));
    }

    /// How many pages are listening for reloads now.
    pub fn listeners(&self) -> usize {
        self.live.receiver_count()
    }

    fn tell(&self, message: serde_json::Value) {
        // No listeners is not an error.
        let _ = self.live.send(message.to_string().into());
    }

    fn snapshot(&self) -> (Arc<Files>, u64) {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        (current.files.clone(), current.generation)
    }

    fn hello(&self) -> String {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        let error = current
            .error
            .as_ref()
            .map(|text| serde_json::json!({"text": &**text}));
        serde_json::json!({"type": "hello", "generation": current.generation, "error": error})
            .to_string()
    }

    /// The previous build's files and what they were made from, for the next build to reuse.
    fn previous(&self) -> (Arc<Files>, Arc<Made>) {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        (current.files.clone(), current.made.clone())
    }

    fn status(&self) -> String {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        serde_json::json!({
            "generation": current.generation,
            "builds": self.builds.load(Ordering::SeqCst),
            "files": current.files.len(),
            "listeners": self.listeners(),
            "error": current.error.is_some(),
            "connections": self.connections.open(),
            "max_connections": self.connections.capacity(),
            "accept_errors": self.connections.accept_errors(),
        })
        .to_string()
    }

    /// `path` of `files` (the build of `generation`) as served, made once per generation.
    fn served(&self, files: &Files, path: &str, generation: u64) -> Option<Served> {
        {
            let served = self.served.lock().unwrap_or_else(|e| e.into_inner());
            if served.generation == generation
                && let Some(hit) = served.files.get(path)
            {
                return Some(hit.clone());
            }
        }
        let bytes = files.get(path)?;
        let body = if preview::content_type(path).starts_with("text/html") {
            Bytes::from(preview::inject_live_reload(bytes, generation))
        } else {
            bytes.clone()
        };
        // Hex digits in quotes: always a valid header value.
        let etag = HeaderValue::from_str(&preview::etag(&body)).ok()?;
        let made = Served { body, etag };
        let mut served = self.served.lock().unwrap_or_else(|e| e.into_inner());
        // A request still holding an older build's files gets its answer but leaves no trace.
        if served.generation == generation {
            served.files.insert(path.to_string(), made.clone());
        }
        Some(made)
    }
}

/// Collects a preview build in memory, taking over the previous build's bytes for every
/// output made from the same inputs (shared, not copied).
struct PreviewSink {
    previous: Arc<Files>,
    previous_made: Arc<Made>,
    files: Mutex<Files>,
    made: Mutex<Made>,
}

impl PreviewSink {
    fn new((previous, previous_made): (Arc<Files>, Arc<Made>)) -> Self {
        PreviewSink {
            previous,
            previous_made,
            files: Mutex::default(),
            made: Mutex::default(),
        }
    }

    fn into_parts(self) -> (Files, Made) {
        (
            self.files.into_inner().unwrap_or_else(|e| e.into_inner()),
            self.made.into_inner().unwrap_or_else(|e| e.into_inner()),
        )
    }
}

impl Sink for PreviewSink {
    fn file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), Bytes::copy_from_slice(bytes));
        Ok(())
    }

    fn copy(&self, path: &str, source: &FileSource) -> Result<()> {
        self.file(path, &source.bytes()?)
    }

    fn reuse(&self, path: &str, fingerprint: u64) -> Result<bool> {
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), fingerprint);
        let kept = self
            .previous_made
            .get(path)
            .filter(|f| **f == fingerprint)
            .and_then(|_| self.previous.get(path));
        match kept {
            Some(bytes) => {
                let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
                files.insert(path.to_string(), bytes.clone());
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// Files added, removed, or with other bytes.
fn count_changed(old: &Files, new: &Files) -> usize {
    // Bytes taken over from the previous build are the same allocation: no need to compare.
    let same = |a: &Bytes, b: &Bytes| (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b;
    let changed = new
        .iter()
        .filter(|(k, v)| !old.get(*k).is_some_and(|o| same(o, v)))
        .count();
    let removed = old.keys().filter(|k| !new.contains_key(*k)).count();
    changed + removed
}

/// The HTTP routes: the preview's own endpoints under `/__briefing/`, the site for the rest.
pub fn router(site: Arc<PreviewSite>) -> Router {
    Router::new()
        .route("/__briefing/live", get(live_socket))
        .route("/__briefing/live.js", get(live_script))
        .route("/__briefing/status", get(status))
        .fallback(site_file)
        .with_state(site)
}

async fn live_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        preview::LIVE_RELOAD_JS,
    )
        .into_response()
}

async fn status(State(site): State<Arc<PreviewSite>>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        site.status(),
    )
        .into_response()
}

async fn live_socket(ws: WebSocketUpgrade, State(site): State<Arc<PreviewSite>>) -> Response {
    // Pages only listen: they send nothing but pongs and a close, and receive short JSON.
    // The defaults (a 128 KB read buffer allocated per socket, 64 MB messages) would let a
    // few thousand sockets take gigabytes.
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(64 * 1024)
        .max_frame_size(64 * 1024)
        .on_upgrade(move |socket| listen(socket, site))
}

/// One page's live-reload connection: a hello with the current build, then every message
/// until either side goes away (then its receiver is dropped, so nothing piles up for it).
async fn listen(mut socket: WebSocket, site: Arc<PreviewSite>) {
    // Subscribe before the hello so that no rebuild falls between the two.
    let mut messages = site.live.subscribe();
    if socket
        .send(WsMessage::Text(site.hello().into()))
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            message = messages.recv() => {
                let text: String = match message {
                    Ok(text) => text.to_string(),
                    // Too far behind to know what changed: the page reloads and catches up.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        r#"{"type":"reload"}"#.to_string()
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                if socket.send(WsMessage::Text(text.into())).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Any other request: a file of the site, a redirect, or the site's 404 page.
async fn site_file(State(site): State<Arc<PreviewSite>>, request: Request) -> Response {
    let method = request.method();
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "only GET and HEAD\n",
        )
            .into_response();
    }
    let (files, generation) = site.snapshot();
    if files.is_empty() {
        return no_build_yet(&site, generation);
    }
    let uri = request.uri();
    match preview::resolve(&site.base_path, uri.path(), |p| files.contains_key(p)) {
        Resolution::File(path) => file_response(
            &site,
            &files,
            &path,
            generation,
            StatusCode::OK,
            request.headers(),
        ),
        Resolution::Redirect(location) => {
            let location = match uri.query() {
                Some(query) => format!("{location}?{query}"),
                None => location,
            };
            match HeaderValue::from_str(&location) {
                Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
                Err(_) => (StatusCode::BAD_REQUEST, "bad redirect target\n").into_response(),
            }
        }
        Resolution::NotFound if files.contains_key("404.html") => file_response(
            &site,
            &files,
            "404.html",
            generation,
            StatusCode::NOT_FOUND,
            request.headers(),
        ),
        Resolution::NotFound => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        Resolution::BadRequest(why) => {
            (StatusCode::BAD_REQUEST, format!("{why}\n")).into_response()
        }
    }
}

/// Before the first good build there is no site: a page that shows why (the overlay does
/// too) and reloads by itself once a build succeeds.
fn no_build_yet(site: &PreviewSite, generation: u64) -> Response {
    let error = site
        .current
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .error
        .clone();
    let message = error
        .as_deref()
        .unwrap_or("The first build is still running.");
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>briefing: no build yet</title></head><body><h1>No build to show yet</h1><pre>{}</pre></body></html>",
        crate::render::escape(message)
    );
    Response::builder()
        .status(StatusCode::SERVICE_UNAVAILABLE)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(preview::inject_live_reload(
            html.as_bytes(),
            generation,
        )))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// A file's response: its type, an `ETag` (with `304 Not Modified` when the browser holds
/// it already), and for HTML the live-reload script.
fn file_response(
    site: &PreviewSite,
    files: &Files,
    path: &str,
    generation: u64,
    status: StatusCode,
    request_headers: &HeaderMap,
) -> Response {
    let Some(Served { body, etag }) = site.served(files, path, generation) else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let content_type = preview::content_type(path);
    let fresh = status == StatusCode::OK
        && request_headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .zip(etag.to_str().ok())
            .is_some_and(|(v, etag)| preview::etag_matches(v, etag));
    let mut response = if fresh {
        Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
    } else {
        Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
    }
    .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    // Revalidate every time: the preview changes under the browser.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Overrides of the defaults in `http::Limits` (tests use short timeouts).
    pub header_timeout: Option<Duration>,
    pub write_stall: Option<Duration>,
    pub max_connections: Option<usize>,
}

/// A preview server that is listening, before its first build.
pub struct Preview {
    /// The preview's address with the site's base path: `http://127.0.0.1:1111/briefs/`.
    pub url: String,
    build: BuildOptions,
    site: Arc<PreviewSite>,
    runtime: tokio::runtime::Runtime,
}

impl Preview {
    /// Binds the port (a clear error when it is taken) and starts serving an empty site.
    pub fn bind(options: &ServeOptions) -> Result<Preview> {
        let config = config::load(&options.build)?;
        let mut limits = Limits::new(http::raise_open_file_limit());
        limits.header_timeout = options.header_timeout.unwrap_or(limits.header_timeout);
        limits.write_stall = options.write_stall.unwrap_or(limits.write_stall);
        limits.max_connections = options.max_connections.unwrap_or(limits.max_connections);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("briefing-serve")
            .build()
            .map_err(|e| Error::Usage(format!("cannot start the preview server: {e}")))?;
        let address = SocketAddr::new(options.bind, options.port);
        let listener = {
            // The listener registers with this runtime's reactor.
            let _entered = runtime.enter();
            http::listen(address).map_err(|e| bind_error(address, &e))?
        };
        let local = listener.local_addr().map_err(|e| bind_error(address, &e))?;
        let host = match local.ip() {
            ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_string(),
            ip if ip.is_unspecified() => "[::1]".to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        let url = format!("http://{host}:{}{}", local.port(), config.base_path);
        let gate = Arc::new(Gate::new(limits.max_connections));
        let site = Arc::new(PreviewSite::new(&config.base_path, gate.clone()));
        runtime.spawn(http::serve(listener, router(site.clone()), limits, gate));
        let build = BuildOptions {
            base_url: Some(url.clone()),
            ..options.build.clone()
        };
        Ok(Preview {
            url,
            build,
            site,
            runtime,
        })
    }

    /// The site being served (for tests and tools that want its state).
    pub fn site(&self) -> Arc<PreviewSite> {
        self.site.clone()
    }

    /// Builds, serves, and rebuilds on every change until stopped, like `watch::watch`.
    pub fn run(
        self,
        debounce: watch::Debounce,
        stopper: impl FnOnce(mpsc::Sender<Message>),
        report: impl FnMut(Event),
    ) -> Result<()> {
        let builder = PreviewBuilder {
            site: self.site.clone(),
            options: self.build.clone(),
        };
        let result = watch::watch(&self.build, debounce, stopper, builder, report);
        // Open live-reload sockets would hold a graceful shutdown forever: just stop.
        self.runtime.shutdown_timeout(Duration::from_millis(200));
        result
    }
}

/// `serve`'s builder: builds into memory, and the preview serves the build once committed.
struct PreviewBuilder {
    site: Arc<PreviewSite>,
    options: BuildOptions,
}

impl watch::Builder for PreviewBuilder {
    type Staged = Result<(PreviewSink, BuildReport)>;

    fn stage(&mut self, cache: &mut BuildCache, _: &[PathBuf]) -> Self::Staged {
        let sink = PreviewSink::new(self.site.previous());
        let report = build_into(&self.options, cache, &sink)?;
        Ok((sink, report))
    }

    fn commit(
        &mut self,
        _: &mut BuildCache,
        staged: Self::Staged,
        changed: &[PathBuf],
    ) -> Result<BuildReport> {
        match staged {
            Ok((sink, report)) => {
                let (files, made) = sink.into_parts();
                let written = self
                    .site
                    .publish(files, made, css_only(&self.options.root, changed));
                Ok(BuildReport { written, ..report })
            }
            Err(e) => {
                self.site.fail(&e);
                Err(e)
            }
        }
    }

    // What was built lives only in the sink, which goes with it.
    fn abandon(&mut self, _: &mut BuildCache, _: Self::Staged) {}
}

/// Whether a rebuild was caused by stylesheets alone (so pages can swap them in place).
/// Folders among the changes say nothing of what changed inside them: not CSS alone.
fn css_only(root: &std::path::Path, changed: &[PathBuf]) -> bool {
    !changed.is_empty()
        && changed.iter().all(|p| {
            p.extension().is_some_and(|e| e.eq_ignore_ascii_case("css")) && !root.join(p).is_dir()
        })
}

fn bind_error(address: SocketAddr, error: &std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::AddrInUse {
        Error::Usage(format!(
            "port {} on {} is already in use (another `briefing serve`?); pick another with --port N, or --port 0 for any free port",
            address.port(),
            address.ip()
        ))
    } else {
        Error::Usage(format!("cannot listen on {address}: {error}"))
    }
}

/// Opens `url` in the system's browser; says so when it cannot.
pub fn open_in_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("could not open a browser ({opener}: {e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> Files {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Bytes::copy_from_slice(v.as_bytes())))
            .collect()
    }

    #[test]
    fn publishing_counts_changes_and_tells_listeners_what_kind() {
        let site = PreviewSite::new("/", Arc::new(Gate::new(1)));
        let mut listener = site.live.subscribe();
        assert_eq!(
            site.publish(files(&[("a", "1"), ("b", "2")]), Made::new(), false),
            2
        );
        assert!(listener.try_recv().unwrap().contains(r#""type":"reload""#));
        // Nothing changed: nobody is disturbed.
        assert_eq!(
            site.publish(files(&[("a", "1"), ("b", "2")]), Made::new(), false),
            0
        );
        assert!(listener.try_recv().is_err());
        // One changed, one removed, one added.
        assert_eq!(
            site.publish(files(&[("b", "3"), ("c", "")]), Made::new(), true),
            3
        );
        let message = listener.try_recv().unwrap();
        assert!(message.contains(r#""type":"css""#), "{message}");
        assert!(message.contains(r#""generation":2"#), "{message}");
    }

    #[test]
    fn a_failure_keeps_the_last_build_and_the_next_success_reloads() {
        let site = PreviewSite::new("/", Arc::new(Gate::new(1)));
        site.publish(files(&[("a", "1")]), Made::new(), false);
        let mut listener = site.live.subscribe();
        site.fail(&Error::Usage("broken".into()));
        assert!(listener.try_recv().unwrap().contains(r#""type":"error""#));
        assert_eq!(site.snapshot().0.len(), 1);
        assert!(site.hello().contains("broken"));
        // Fixed back to the same bytes: nothing changed, yet the overlay must go.
        assert_eq!(site.publish(files(&[("a", "1")]), Made::new(), true), 0);
        assert!(listener.try_recv().unwrap().contains(r#""type":"reload""#));
        assert!(site.hello().contains(r#""error":null"#));
    }

    #[test]
    fn a_response_body_is_made_once_per_build_and_shared() {
        let site = PreviewSite::new("/", Arc::new(Gate::new(1)));
        let html = "<html><body>hi</body></html>";
        site.publish(
            files(&[("index.html", html), ("a.css", "x")]),
            Made::new(),
            false,
        );
        let (built, generation) = site.snapshot();
        let first = site.served(&built, "index.html", generation).unwrap();
        let again = site.served(&built, "index.html", generation).unwrap();
        assert!(
            std::str::from_utf8(&first.body)
                .unwrap()
                .contains("live.js")
        );
        assert_eq!(first.body.as_ptr(), again.body.as_ptr(), "one copy, shared");
        // Other files are served from the build's own bytes.
        let css = site.served(&built, "a.css", generation).unwrap();
        assert_eq!(css.body.as_ptr(), built["a.css"].as_ptr());
        assert!(site.served(&built, "missing.html", generation).is_none());

        // A new build: its pages carry the new generation, and a request still holding the
        // old build gets the old page without it being kept.
        site.publish(
            files(&[("index.html", "<body>new</body>")]),
            Made::new(),
            false,
        );
        let (rebuilt, next) = site.snapshot();
        let stale = site.served(&built, "index.html", generation).unwrap();
        assert_eq!(stale.body, first.body);
        let fresh = site.served(&rebuilt, "index.html", next).unwrap();
        assert!(std::str::from_utf8(&fresh.body).unwrap().contains("new"));
        assert_ne!(fresh.etag, first.etag);
        let served = site.served.lock().unwrap();
        assert_eq!(served.generation, next);
        assert_eq!(served.files.len(), 1);
    }

    #[test]
    fn css_only_means_every_change_is_a_stylesheet() {
        let p = |s: &str| PathBuf::from(s);
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        std::fs::create_dir_all(root.join("static/odd.css")).unwrap();
        assert!(css_only(
            root,
            &[p("static/style.css"), p("themes/x/static/a.CSS")]
        ));
        assert!(!css_only(
            root,
            &[p("static/style.css"), p("templates/base.html")]
        ));
        assert!(!css_only(root, &[p("static/odd.css")]), "a folder");
        assert!(!css_only(root, &[p("static")]));
        assert!(!css_only(root, &[]));
    }
}

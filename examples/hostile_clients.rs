//! Load helper for bench/serve_hostile.sh: holds N hostile connections open on a running
//! `briefing serve`, reopening each one the server closes as an attacker would, and
//! meanwhile times ordinary page requests, one after another, each on a new connection.
//!
//! Usage: cargo run --release --example hostile_clients -- ADDRESS KIND N SECONDS [PATH]
//!
//! KIND is what the N connections do:
//! - `none`: nothing (no connections; the baseline),
//! - `idle`: connect and send nothing,
//! - `slow`: slowloris: start a request, then send one more header byte every second,
//! - `ws`: open a live-reload WebSocket and never read from it,
//! - `stall`: ask for the stylesheet a thousand times in one go (pipelined) and never read
//!   the answers.
//!
//! It prints `holding N KIND connections` once they are all open, then after SECONDS the
//! latency percentiles of the requests for PATH (default `/`) and how many of the hostile
//! connections the server closed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Idle,
    Slow,
    WebSocket,
    Stall,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (address, kind, count, seconds, path) = match args.as_slice() {
        [_, address, kind, n, seconds, rest @ ..] if rest.len() <= 1 => (
            address.clone(),
            kind.clone(),
            n.parse::<usize>().expect("N is a number"),
            seconds.parse::<u64>().expect("SECONDS is a number"),
            rest.first().cloned().unwrap_or_else(|| "/".to_string()),
        ),
        _ => {
            eprintln!("usage: hostile_clients ADDRESS none|idle|slow|ws|stall N SECONDS [PATH]");
            std::process::exit(2);
        }
    };
    let kind = match kind.as_str() {
        "none" => None,
        "idle" => Some(Kind::Idle),
        "slow" => Some(Kind::Slow),
        "ws" => Some(Kind::WebSocket),
        "stall" => Some(Kind::Stall),
        other => {
            eprintln!("unknown KIND {other:?}: none, idle, slow, ws or stall");
            std::process::exit(2);
        }
    };
    raise_open_file_limit();

    let stop = Arc::new(AtomicBool::new(false));
    let closed = Arc::new(AtomicU64::new(0));
    let attacker = kind.map(|kind| {
        let started = Instant::now();
        let sockets: Vec<TcpStream> = (0..count).map(|_| open(&address, kind)).collect();
        println!(
            "holding {count} {} connections (opened in {} ms)",
            name(kind),
            started.elapsed().as_millis()
        );
        let (address, stop, closed) = (address.clone(), stop.clone(), closed.clone());
        std::thread::spawn(move || hold(sockets, &address, kind, &stop, &closed))
    });
    if kind.is_none() {
        println!("no hostile connections");
    }

    let mut latencies = Vec::new();
    let mut failures = 0;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        let started = Instant::now();
        match get(&address, &path) {
            Ok(200) => latencies.push(started.elapsed()),
            Ok(status) => {
                failures += 1;
                eprintln!("status {status}");
            }
            Err(e) => {
                failures += 1;
                eprintln!("request failed: {e}");
            }
        }
    }
    stop.store(true, Ordering::SeqCst);
    if let Some(attacker) = attacker {
        attacker.join().expect("the attacking thread");
    }

    latencies.sort();
    let ms = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{} requests for {path} in {seconds} s, {failures} failed; latency ms: p50 {:.2}, p90 {:.2}, p99 {:.2}, max {:.2}",
        latencies.len(),
        ms(0.5),
        ms(0.9),
        ms(0.99),
        latencies
            .last()
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0),
    );
    if let Some(kind) = kind {
        println!(
            "{} of the {} connections were closed by the server (and reopened)",
            closed.load(Ordering::SeqCst),
            name(kind)
        );
    }
    if failures > 0 {
        std::process::exit(1);
    }
}

fn name(kind: Kind) -> &'static str {
    match kind {
        Kind::Idle => "idle",
        Kind::Slow => "slowloris",
        Kind::WebSocket => "WebSocket",
        Kind::Stall => "stalled",
    }
}

/// One hostile connection, left non-blocking for `hold` to poll.
fn open(address: &str, kind: Kind) -> TcpStream {
    let mut stream = TcpStream::connect(address).expect("connect");
    match kind {
        Kind::Idle => {}
        Kind::Slow => {
            write!(stream, "GET / HTTP/1.1\r\nHost: {address}\r\nX-Slow: ").expect("write");
        }
        Kind::WebSocket => {
            stream
                .set_read_timeout(Some(Duration::from_secs(60)))
                .expect("timeout");
            let (mut socket, _) =
                tungstenite::client(format!("ws://{address}/__briefing/live"), stream)
                    .expect("WebSocket handshake");
            socket.read().expect("hello");
            // From here on, the socket is only watched for being closed, never read.
            stream = socket.into_inner();
        }
        Kind::Stall => {
            let one = format!("GET /style.css HTTP/1.1\r\nHost: {address}\r\n\r\n");
            let requests = one.repeat(1000);
            stream.set_nonblocking(true).expect("non-blocking");
            // As much as the socket takes now; the server reads the rest as it answers.
            let _ = stream.write(requests.as_bytes());
        }
    }
    stream.set_nonblocking(true).expect("non-blocking");
    stream
}

/// Whether the server has closed `socket` (found without reading, which a stalled client
/// must not do).
fn closed_by_server(socket: &TcpStream) -> bool {
    use std::os::fd::AsRawFd;
    #[cfg(target_os = "linux")]
    const HANGUP: libc::c_short = libc::POLLRDHUP | libc::POLLHUP | libc::POLLERR;
    #[cfg(not(target_os = "linux"))]
    const HANGUP: libc::c_short = libc::POLLHUP | libc::POLLERR;
    let mut poll = libc::pollfd {
        fd: socket.as_raw_fd(),
        events: HANGUP,
        revents: 0,
    };
    // SAFETY: one valid pollfd, and a timeout of 0: no waiting.
    let ready = unsafe { libc::poll(&mut poll, 1, 0) };
    ready > 0 && poll.revents & HANGUP != 0
}

/// Once a second: one more byte on each slowloris connection, and a new connection for
/// each one the server closed.
fn hold(
    mut sockets: Vec<TcpStream>,
    address: &str,
    kind: Kind,
    stop: &AtomicBool,
    closed: &AtomicU64,
) {
    while !stop.load(Ordering::SeqCst) {
        let round = Instant::now();
        for socket in &mut sockets {
            let open =
                !closed_by_server(socket) && (kind != Kind::Slow || socket.write_all(b"a").is_ok());
            if !open {
                closed.fetch_add(1, Ordering::SeqCst);
                *socket = self::open(address, kind);
            }
            if stop.load(Ordering::SeqCst) {
                return;
            }
        }
        // The attack's pace: a byte a second.
        std::thread::sleep(Duration::from_secs(1).saturating_sub(round.elapsed()));
    }
}

/// An ordinary request on a new connection; its status.
fn get(address: &str, path: &str) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let head = String::from_utf8_lossy(&response[..response.len().min(64)]).into_owned();
    head.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status in {head:?}")))
}

/// This process needs a file descriptor per connection: as many as it may have.
fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read or write only the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

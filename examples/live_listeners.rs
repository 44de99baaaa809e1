//! Load helper for bench/serve_load.sh: holds N live-reload WebSockets open on a running
//! `briefing serve`, waits for every one to hear the next rebuild, and reports how long
//! the slowest took after the signal to start watching.
//!
//! Usage: cargo run --release --example live_listeners -- ADDRESS N
//! It prints `ready` once all N are connected, then waits for a line on stdin (the script
//! edits an article right after writing it) before timing the reload messages.

use std::io::BufRead;
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (address, count): (&str, usize) = match args.as_slice() {
        [_, address, n] => (address, n.parse().expect("N is a number")),
        _ => {
            eprintln!("usage: live_listeners ADDRESS N");
            std::process::exit(2);
        }
    };
    let mut sockets = Vec::with_capacity(count);
    for _ in 0..count {
        let stream = TcpStream::connect(address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let (mut socket, _) =
            tungstenite::client(format!("ws://{address}/__briefing/live"), stream)
                .expect("WebSocket handshake");
        let hello = socket.read().expect("hello");
        assert!(hello.to_string().contains("hello"), "{hello}");
        sockets.push(socket);
    }
    println!("ready");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).expect("stdin");
    let started = Instant::now();
    let mut reloaded = 0;
    for socket in &mut sockets {
        match socket.read() {
            Ok(message) if message.to_string().contains("reload") => reloaded += 1,
            Ok(other) => eprintln!("unexpected message: {other}"),
            Err(e) => eprintln!("listener failed: {e}"),
        }
    }
    println!(
        "{reloaded}/{count} listeners told to reload; the last {} ms after the edit signal",
        started.elapsed().as_millis()
    );
    if reloaded != count {
        std::process::exit(1);
    }
}

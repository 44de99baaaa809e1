//! A long-running `briefing` command (watch, serve) as a child process, its output lines
//! arriving on channels, stopped with SIGINT like a person pressing Ctrl-C.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long any single expected line may take (builds in debug mode on a busy CI machine).
pub const PATIENCE: Duration = Duration::from_secs(30);

pub struct Running {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
}

fn lines(stream: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Running {
    /// Starts `briefing ARGS --root ROOT`.
    pub fn start(args: &[&str], root: &Path) -> Running {
        Running::start_with(args, root, &[])
    }

    /// `start`, with extra environment variables.
    pub fn start_with(args: &[&str], root: &Path, env: &[(&str, &std::ffi::OsStr)]) -> Running {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin("briefing"));
        command.envs(env.iter().copied());
        Running::spawn(command, args, root)
    }

    /// `start`, with the process allowed only `files` open files (soft and hard limit, so
    /// that it cannot raise them).
    pub fn start_with_file_limit(args: &[&str], root: &Path, files: u64) -> Running {
        use std::os::unix::process::CommandExt;
        let mut command = Command::new(assert_cmd::cargo::cargo_bin("briefing"));
        let limit = libc::rlimit {
            rlim_cur: files as libc::rlim_t,
            rlim_max: files as libc::rlim_t,
        };
        // SAFETY: setrlimit is async-signal-safe and touches only the child about to exec.
        unsafe {
            command.pre_exec(move || {
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        Running::spawn(command, args, root)
    }

    fn spawn(mut command: Command, args: &[&str], root: &Path) -> Running {
        let mut child = command
            .args(args)
            .arg("--root")
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        Running {
            child,
            stdout,
            stderr,
        }
    }

    pub fn next_stdout(&self) -> String {
        self.stdout
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("no output within {PATIENCE:?}"))
    }

    /// The address `briefing serve` prints on its first line: `http://127.0.0.1:PORT/...`.
    pub fn serving_url(&self) -> String {
        let first = self.next_stdout();
        first
            .strip_prefix("serving ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no URL in {first:?}"))
            .to_string()
    }

    /// The next stdout line if one comes within `wait`.
    pub fn stdout_within(&self, wait: Duration) -> Option<String> {
        self.stdout.recv_timeout(wait).ok()
    }

    /// Waits (bounded) until `done` holds, checking after each output line or 200 ms.
    pub fn wait_until(&self, what: &str, mut done: impl FnMut() -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !done() {
            assert!(Instant::now() < deadline, "gave up waiting: {what}");
            let _ = self.stdout.recv_timeout(Duration::from_millis(200));
        }
    }

    /// Stderr lines until one contains `needle`.
    pub fn stderr_until(&self, needle: &str) -> String {
        let mut seen = String::new();
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(line) = self.stderr.recv_timeout(Duration::from_millis(200)) {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(needle) {
                    return seen;
                }
            }
        }
        panic!("stderr never said {needle:?}; it said:\n{seen}");
    }

    /// Sends SIGINT and waits (bounded) for the process to exit.
    pub fn interrupt(mut self) -> ExitStatus {
        // SAFETY: sending SIGINT to our own child process.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "did not stop on SIGINT");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

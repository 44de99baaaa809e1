//! `briefing watch`: build, then rebuild on every change; one log line per rebuild.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;

use briefing::dev::watch::{Debounce, Event, Message, OutputBuilder, watch};

use super::SiteArgs;

#[derive(clap::Args)]
pub struct WatchArgs {
    #[command(flatten)]
    site: SiteArgs,
}

/// How long the watcher waits for changes to settle before rebuilding.
pub const DEBOUNCE: Debounce = Debounce::DEFAULT;

pub fn run(args: WatchArgs) -> ExitCode {
    let options = args.site.options();
    match watch(
        &options,
        DEBOUNCE,
        stop_on_ctrl_c,
        OutputBuilder(&options),
        |event| print_event(event, ""),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => super::fail(&e),
    }
}

/// First Ctrl-C: finish the build under way, then exit cleanly. Second: exit now.
pub fn stop_on_ctrl_c(tx: Sender<Message>) {
    static STOPPING: AtomicBool = AtomicBool::new(false);
    let _ = ctrlc::set_handler(move || {
        if STOPPING.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        let _ = tx.send(Message::Stop);
    });
}

/// The log line for one round of watching; `first_suffix` follows the first build's summary.
pub fn print_event(event: Event, first_suffix: &str) {
    match event {
        Event::Built {
            report,
            changed: [],
        } => {
            println!(
                "{}{first_suffix}; watching for changes (Ctrl-C to stop)",
                super::summary(report)
            );
        }
        Event::Built { report, changed } => {
            for warning in &report.warnings {
                eprintln!("{warning}");
            }
            println!(
                "{}: {} parsed, {} rendered, {} file{} written in {} ms",
                describe(changed),
                report.parsed,
                report.rendered,
                report.written,
                if report.written == 1 { "" } else { "s" },
                report.elapsed.as_millis()
            );
        }
        Event::Failed { error, changed } => {
            eprintln!("{error}");
            let after = if changed.is_empty() {
                String::new()
            } else {
                format!(" after {}", describe(changed))
            };
            eprintln!("build failed{after}; the last good output is unchanged; still watching");
        }
        Event::WatchError(message) => eprintln!("watch: {message}"),
    }
}

/// "content/articles/a.md changed", or "3 files changed (content/articles/a.md, …)".
fn describe(changed: &[std::path::PathBuf]) -> String {
    match changed {
        [one] => format!("{} changed", one.display()),
        [first, rest @ ..] => format!("{} and {} more changed", first.display(), rest.len()),
        [] => "nothing changed".to_string(),
    }
}

//! `briefing serve`: preview the site with live reload; `output/` is never touched.

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use briefing::BuildOptions;
use briefing::dev::serve::{Preview, ServeOptions, open_in_browser};

use super::watch::{DEBOUNCE, print_event, stop_on_ctrl_c};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Site folder (holding site.yaml and content/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Address to listen on; 0.0.0.0 shows the preview to your network
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port to listen on; 0 picks a free one
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Include articles marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// Include articles dated in the future
    #[arg(long)]
    future: bool,
    /// Open the preview in the system's browser
    #[arg(long)]
    open: bool,
    // Hidden: the limits on clients (see src/dev/http.rs), for tests that cannot wait for
    // the defaults.
    #[arg(long, hide = true, value_name = "MS")]
    header_timeout_ms: Option<u64>,
    #[arg(long, hide = true, value_name = "MS")]
    write_stall_ms: Option<u64>,
    #[arg(long, hide = true, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: Option<u32>,
}

pub fn run(args: ServeArgs) -> ExitCode {
    let options = ServeOptions {
        build: BuildOptions {
            root: args.root,
            drafts: args.drafts,
            future: args.future,
            ..BuildOptions::default()
        },
        bind: args.bind,
        port: args.port,
        header_timeout: args.header_timeout_ms.map(Duration::from_millis),
        write_stall: args.write_stall_ms.map(Duration::from_millis),
        max_connections: args.max_connections.map(|n| n as usize),
    };
    let preview = match Preview::bind(&options) {
        Ok(preview) => preview,
        Err(e) => return super::fail(&e),
    };
    let url = preview.url.clone();
    println!("serving {url} (a preview build in memory; output/ is not touched)");
    // Tests and scripts read the URL from a pipe: make sure it gets there now.
    let _ = std::io::stdout().flush();
    let mut opened = !args.open;
    let result = preview.run(DEBOUNCE, stop_on_ctrl_c, |event| {
        print_event(event, &format!(" at {url}"));
        let _ = std::io::stdout().flush();
        if !opened {
            opened = true;
            open_in_browser(&url);
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => super::fail(&e),
    }
}

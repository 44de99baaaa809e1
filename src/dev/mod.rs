//! Development modes on top of the build core: watching for changes, and the preview
//! server. The core knows nothing of these.

pub mod http;
pub mod preview;
pub mod serve;
pub mod watch;

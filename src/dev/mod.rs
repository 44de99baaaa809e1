//! Development modes on top of the build core: watching for changes (and, later, serving).
//! The core knows nothing of these.

pub mod watch;

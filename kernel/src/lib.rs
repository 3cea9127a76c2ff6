//! Cloudbook's kernel crate: the notebook session (one cell in, outputs out), the Jupyter
//! wire protocol and its ZeroMQ transport, the headless notebook runner and the CLI.
//! See ARCHITECTURE.md, section "kernel".

pub mod docs;
pub mod grade;
pub mod session;
pub mod cli;
pub mod complete;
pub mod install;
pub mod kernel;
pub mod memory;
pub mod notebook;
pub mod params;
pub mod report;
pub mod script;
pub mod transport;
pub mod wire;

/// This build's version (`cloudbook --version`, kernel_info, notebook metadata).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

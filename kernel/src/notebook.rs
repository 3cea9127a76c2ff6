//! `cloudbook run`: placeholder until stage 3.
use anyhow::Result;
pub fn run_command(_o: &crate::cli::RunOptions) -> Result<u8> { anyhow::bail!("not yet") }

//! STUB (being written by the serve helper): preview server with live reload.
use anyhow::Result;
pub struct ServeOptions {
    pub build: crate::Options,
    pub bind: String,
    pub port: u16,
}
pub fn serve(_opts: ServeOptions) -> Result<()> {
    anyhow::bail!("cairn serve is not implemented yet")
}

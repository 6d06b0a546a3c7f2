//! STUB (being written by the render helper): tera templates over a SiteView.
use crate::audience::SiteView;
use anyhow::Result;
use std::path::Path;

pub struct RenderOptions {
    /// Injected only by `cairn serve`: the URL path of the live-reload script.
    pub live_reload: bool,
    pub today: chrono::NaiveDate,
}
pub struct Theme;
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}
pub fn load_theme(_site_root: &Path, _config: &crate::model::Config) -> Result<Theme> {
    Ok(Theme)
}
pub fn render_site(
    _view: &SiteView,
    _theme: &Theme,
    _opts: &RenderOptions,
    _sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<usize> {
    Ok(0)
}

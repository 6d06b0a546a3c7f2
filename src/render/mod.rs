//! STUB (being written by the render helper): tera templates over a SiteView.
use crate::audience::SiteView;
use anyhow::Result;
use std::path::Path;

pub struct RenderOptions {
    /// Injected only by `cairn serve`: the URL path of the live-reload script.
    pub live_reload: bool,
    pub today: chrono::NaiveDate,
    /// Render only these output paths (`runbooks/x/index.html`); `None` renders all.
    /// `cairn serve` uses it to re-render what an edit touched.
    pub only: Option<std::collections::HashSet<String>>,
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

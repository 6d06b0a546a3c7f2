//! STUB (being written by the search helper): build-time search index.
use crate::audience::SiteView;
use crate::render::OutputFile;
pub fn build_index(_view: &SiteView) -> Vec<OutputFile> {
    Vec::new()
}

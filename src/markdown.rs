//! STUB (being replaced by the markdown helper): pulldown-cmark → HTML and page facts.
#[derive(Debug, Clone, Default)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub id: String,
}
#[derive(Debug, Clone)]
pub struct LinkRef {
    pub dest: String,
    pub line: usize,
    pub is_image: bool,
}
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub headings: Vec<Heading>,
    pub links: Vec<LinkRef>,
    pub text: String,
    pub code: String,
}
pub fn scan(_markdown: &str) -> Scan {
    Scan::default()
}
#[derive(Clone, Copy)]
pub enum RawHtml {
    Allow,
    Escape,
}
pub struct RenderOptions {
    pub raw_html: RawHtml,
}
pub fn render(
    markdown: &str,
    _opts: &RenderOptions,
    _resolve: &dyn Fn(&str, bool) -> Option<String>,
) -> String {
    markdown.to_string()
}
pub fn highlight_css() -> String {
    String::new()
}
pub fn slugify(text: &str) -> String {
    text.to_lowercase()
}

//! STUB (the check helper replaces this file).
use crate::diag::Diagnostic;
use crate::model::Audience;
use crate::site::Site;
pub struct CheckOptions {
    pub audience: Audience,
    pub today: chrono::NaiveDate,
}
pub fn check_site(_site: &Site, _opts: &CheckOptions) -> Vec<Diagnostic> {
    Vec::new()
}
pub fn promote_for_client_build(_diags: &mut [Diagnostic]) {}

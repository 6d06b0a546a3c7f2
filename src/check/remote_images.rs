//! `remote-image`: an image on another host. The pages' Content-Security-Policy
//! allows images from the site itself (and `data:`) only, so a remote image
//! shows as broken unless `csp.img_src` in `cairn.yaml` allows its host.

use crate::diag::{Code, Diagnostic};
use crate::model::ImageOrigin;
use crate::model::url_origin;
use crate::site::Page;

/// On `page`, one the view shows, with the origins `cairn.yaml` allows (`allowed`).
pub(super) fn check_page(allowed: &[ImageOrigin], page: &Page) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    {
        let images = page.scan.links.iter().chain(&page.scan.html_images);
        for image in images.filter(|l| l.is_image) {
            let Some((scheme, host, port)) = url_origin(&image.dest) else {
                continue;
            };
            if allowed.iter().any(|origin| origin.allows(&image.dest)) {
                continue;
            }
            let origin = match port {
                Some(port) => format!("{scheme}://{host}:{port}"),
                None => format!("{scheme}://{host}"),
            };
            diags.push(Diagnostic::new(
                Code::RemoteImage,
                &page.source,
                Some(page.body_line + image.line.max(1) - 1),
                format!(
                    "image `{}` is on another host: the pages' Content-Security-Policy blocks it, \
                     so readers see a broken image; copy it into the site, or allow the host in \
                     cairn.yaml with `csp: {{ img_src: [{origin}] }}`",
                    image.dest
                ),
            ));
        }
    }
    diags
}

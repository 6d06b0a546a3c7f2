//! Request paths → keys of the in-memory site, refusing anything that could
//! name a file outside the output root, whatever its encoding.

use percent_encoding::percent_decode_str;

/// What a request path asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// A key of the site map (`runbooks/reset-mfa/index.html`); `dir` when the
    /// path ended with `/` (or was `/`), so `index.html` was appended.
    File { key: String, dir: bool },
    /// An endpoint of the server itself under `/__cairn/` (`livereload.js`).
    Internal(String),
    /// Traversal, a backslash, a NUL, an absolute-form or otherwise unsafe path.
    Refused,
}

pub(crate) const INTERNAL_PREFIX: &str = "__cairn";

/// Decode and normalise the path part of a request URL.
pub(crate) fn resolve(url: &str) -> Target {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Target::Refused;
    }
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return Target::Refused;
    };
    // Decode repeatedly-encoded forms too (`%252e%252e`): a second pass must not
    // reveal a traversal either.
    if let Ok(twice) = percent_decode_str(&decoded).decode_utf8()
        && twice != decoded
        && unsafe_text(&twice)
    {
        return Target::Refused;
    }
    if unsafe_text(&decoded) {
        return Target::Refused;
    }
    // `..` is refused above; empty and `.` segments name nothing.
    let segments: Vec<&str> = (decoded.split('/'))
        .filter(|seg| !matches!(*seg, "" | "."))
        .collect();
    if segments.iter().any(|s| s.contains(':')) {
        // `C:`, `file:` and friends: never a file of the site.
        return Target::Refused;
    }
    if segments.first() == Some(&INTERNAL_PREFIX) {
        return Target::Internal(segments[1..].join("/"));
    }
    let dir = decoded.ends_with('/') || segments.is_empty();
    let key = segments.join("/");
    let key = if dir { crate::urls::folder(&key) } else { key };
    Target::File { key, dir }
}

fn unsafe_text(s: &str) -> bool {
    s.contains('\\')
        || s.contains('\0')
        || s.chars().any(char::is_control)
        || s.split('/').any(|seg| seg == "..")
        || s.starts_with("//")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(key: &str, dir: bool) -> Target {
        Target::File {
            key: key.into(),
            dir,
        }
    }

    #[test]
    fn plain_paths_map_to_keys() {
        assert_eq!(resolve("/"), file("index.html", true));
        assert_eq!(
            resolve("/runbooks/reset-mfa/"),
            file("runbooks/reset-mfa/index.html", true)
        );
        assert_eq!(
            resolve("/assets/site.css?v=1"),
            file("assets/site.css", false)
        );
        assert_eq!(
            resolve("/search/index.html?q=mfa#top"),
            file("search/index.html", false)
        );
        assert_eq!(resolve("/a//b/./c.css"), file("a/b/c.css", false));
        assert_eq!(resolve("/runbooks"), file("runbooks", false));
        assert_eq!(resolve("/a%20b.png"), file("a b.png", false));
    }

    #[test]
    fn traversal_is_refused_in_every_encoding() {
        for url in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/..%2fetc%2fpasswd",
            "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/..%5c..%5cetc%5cpasswd",
            "/..\\..\\etc\\passwd",
            "/a\\b",
            "/%252e%252e/etc/passwd",
            "/%00",
            "/a%00.html",
            "//etc/passwd",
            "/%2f%2fetc/passwd",
            "/C:/Windows/win.ini",
            "etc/passwd",
            "http://evil.example/etc/passwd",
            "*",
            "/%ff%fe",
            "/.%2e/.%2e/etc/passwd",
        ] {
            assert_eq!(resolve(url), Target::Refused, "{url}");
        }
    }

    #[test]
    fn dotted_names_that_are_not_traversal_are_fine() {
        assert_eq!(resolve("/a..b/c"), file("a..b/c", false));
        assert_eq!(resolve("/.well-known/x"), file(".well-known/x", false));
    }

    #[test]
    fn internal_endpoints_are_recognised() {
        assert_eq!(
            resolve("/__cairn/livereload.js"),
            Target::Internal("livereload.js".into())
        );
        assert_eq!(
            resolve("/__cairn/wait?since=3"),
            Target::Internal("wait".into())
        );
    }
}

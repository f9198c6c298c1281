//! Which link targets a published page may carry.
//!
//! Articles are scraped text, so a link in one is somebody else's markup: a
//! `javascript:` or `data:` URL in it would run in the reader's browser, on the site's
//! origin. Only web and mail links, and links relative to the site, are published as
//! links; anything else is shown as text (and `check` says where it was).

/// True for `http:`, `https:` and `mailto:` URLs and for URLs with no scheme (relative
/// ones, including `//host/…` and `#fragment`).
pub fn allowed(url: &str) -> bool {
    match scheme(url) {
        None => true,
        Some(s) => matches!(s.as_str(), "http" | "https" | "mailto"),
    }
}

/// True for an absolute `http:` or `https:` URL with a host: what `base_url` must be.
pub fn is_absolute_web(url: &str) -> bool {
    let Some(s) = scheme(url) else {
        return false;
    };
    let rest = &cleaned(url)[s.len() + 1..];
    matches!(s.as_str(), "http" | "https")
        && rest
            .strip_prefix("//")
            .is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
}

/// Whether `url` can be the address a site is published at: an absolute web
/// address written as one (no space, control character or character a URL must
/// escape, no query or fragment), since it goes as it is into every `<loc>` of the
/// sitemap and every link of the feeds.
pub fn is_base_url(url: &str) -> bool {
    is_absolute_web(url)
        && url.chars().all(|c| {
            c.is_ascii_graphic()
                && !matches!(
                    c,
                    '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`' | '?' | '#'
                )
        })
}

/// The scheme of `url`, lowercased, as a browser reads it: leading and trailing
/// spaces and control characters are ignored and tabs and line breaks inside are
/// dropped (so `java\tscript:` is `javascript`).
pub fn scheme(url: &str) -> Option<String> {
    let url = cleaned(url);
    let colon = url.find(':')?;
    let candidate = &url[..colon];
    let mut chars = candidate.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| candidate.to_ascii_lowercase())
}

fn cleaned(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_is_a_plain_absolute_address() {
        for good in [
            "https://example.org/",
            "http://x.org/sub/dir",
            "https://x.org:8080/a-b_c~d/",
        ] {
            assert!(is_base_url(good), "{good}");
        }
        for bad in [
            "https://example.org/a b/",
            "https://example.org/\u{1}",
            "https://example.org/\u{85}",
            "https://例子.org/",
            "https://x.org/<script>",
            "https://x.org/?q=1",
            "https://x.org/#top",
            "ftp://x.org/",
            "/relative/",
        ] {
            assert!(!is_base_url(bad), "{bad:?}");
        }
    }

    #[test]
    fn web_mail_and_relative_links_are_allowed() {
        for ok in [
            "https://www.example.gov.cn/art/1.html",
            "HTTP://example.org",
            "mailto:kjj@example.gov.cn",
            "../cities/fuzhou/",
            "/about/",
            "//cdn.example.org/x.png",
            "#q-1",
            "a:b/c".replace(':', "/").as_str(),
            "page.html?x=a:b",
        ] {
            assert!(allowed(ok), "{ok}");
        }
    }

    #[test]
    fn script_data_and_disguised_schemes_are_not() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            assert!(!allowed(bad), "{bad:?}");
        }
    }

    #[test]
    fn base_urls_must_be_absolute_web_urls() {
        assert!(is_absolute_web("https://example.org/"));
        assert!(is_absolute_web("http://localhost:8000/sub/"));
        assert!(!is_absolute_web("javascript:alert(1)//"));
        assert!(!is_absolute_web("https:///x"));
        assert!(!is_absolute_web("/relative/"));
        assert!(!is_absolute_web("mailto:a@b"));
    }
}

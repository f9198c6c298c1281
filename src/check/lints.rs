//! Warnings about an article's text that no figure depends on: links that go
//! nowhere, characters a page would show wrongly.

use crate::content::Article;
use crate::diagnostics::{Code, Diagnostic};
use crate::markdown;

/// A warning for each link or image of the article that is shown as text because its
/// URL's scheme is not allowed (see [`crate::safe_url`]).
pub(super) fn link_warnings(article: &Article) -> Vec<Diagnostic> {
    let start = article.body_range.start;
    markdown::disallowed_links(article.body())
        .into_iter()
        .map(|(range, url)| {
            let at = crate::diagnostics::Location::from_span(
                &article.file.path,
                &article.file.text,
                start + range.start..start + range.end,
            );
            Diagnostic::warning(
                Code::W002,
                format!("a link to `{}` is shown as text", ellipsis(&url, 60)),
            )
            .at(Some(at))
            .label("not a web, mail or relative link")
            .help("only http:, https:, mailto: and relative links are published as links; remove the link or correct its address")
        })
        .collect()
}

/// Warnings for the characters of an article's text that no page may hold (they are
/// left out of its page): the first few, and how many there are. Here rather than at
/// load: an article the cache holds had none.
pub(super) fn character_warnings(article: &Article) -> Vec<Diagnostic> {
    let (file, body) = (&article.file, article.body_range.clone());
    let found: Vec<(usize, char)> = crate::chars::disallowed(&file.text[body.clone()]).collect();
    let shown = 5;
    found
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, &(at, c))| {
            let start = body.start + at;
            let mut d = Diagnostic::warning(
                Code::W003,
                format!(
                    "the article holds the control character {}; it is left out of the page",
                    crate::chars::code_point(c)
                ),
            )
            .at(Some(crate::diagnostics::Location::from_span(
                &file.path,
                &file.text,
                start..start + c.len_utf8(),
            )))
            .label("not a character a page can hold")
            .help("delete it (`indicity clean` removes such characters from raw pages)");
            if i + 1 == shown && found.len() > shown {
                d = d.help(format!("{} more in this file", found.len() - shown));
            }
            d
        })
        .collect()
}

/// `s` cut to `max` characters, with an ellipsis when cut.
fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

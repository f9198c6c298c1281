//! Article files: front matter and markdown body, the id from the path, and the
//! date checked against the file name.

use super::*;

pub(super) fn load_article(file: Arc<SourceFile>, diags: &mut Diagnostics) -> Option<Article> {
    let id = article_id(&file.path);
    if !id.split('/').all(|s| is_slug(s, '-')) {
        diags.push(
            Diagnostic::error(Code::E012, format!("`{id}` is not a valid article path"))
                .at(Some(file.start()))
                .help("name articles `content/articles/<place>/<date>-<slug>.md` with lowercase ASCII, digits and `-`; the path becomes the page URL"),
        );
        return None;
    }
    let text = file.text.clone();
    let Some((yaml, body)) = split_front_matter(&text) else {
        diags.push(
            Diagnostic::error(Code::E012, "the article has no front matter")
                .at(Some(file.start()))
                .label("expected `---` here")
                .help("start the file with `---`, then `title:`, `city:` (and `date:`, `publisher:`, … when known), then `---` and the text"),
        );
        return None;
    };
    let mut fm = Arc::new(file.with_yaml(yaml));
    let before = fm.text.len();
    diags.extend(SourceFile::take_escapes(&mut fm));
    let body = body.start - (before - fm.text.len())..fm.text.len();
    let meta: ArticleMeta = match fm.parse() {
        Ok(m) => m,
        Err(mut d) => {
            d.code = if d.code == Code::E010 {
                Code::E010
            } else {
                Code::E012
            };
            diags.push(d);
            return None;
        }
    };
    // `clean` leaves `title:` empty when the page states none, for the curator to fill.
    if meta.title.trim().is_empty() {
        diags.push(
            Diagnostic::error(Code::E012, "the article has no title")
                .at(fm.locate(&YamlPath::default().key("title"), None))
                .label("empty title")
                .help("write the headline as the page states it (its `<title>`, the heading above the text, or the document's name); never make one up from the text"),
        );
    }
    if let Some(date) = &meta.date {
        if !is_date(date) {
            diags.push(
                Diagnostic::error(Code::E012, format!("`{date}` is not a date"))
                    .at(fm.locate(&YamlPath::default().key("date"), None))
                    .label("expected YYYY-MM-DD")
                    .help("write the date as `2023-02-13`, or remove `date:` when the source does not state it"),
            );
        }
    }
    if let Some(d) = date_against_file_name(&id, meta.date.as_deref(), &fm) {
        diags.push(d);
    }
    if let Some(url) = meta.url.as_deref().filter(|u| !crate::safe_url::allowed(u)) {
        diags.push(
            Diagnostic::warning(
                Code::W002,
                "the original address is not a web link; it is shown as text",
            )
            .at(fm.locate(&YamlPath::default().key("url"), None))
            .label(format!(
                "scheme `{}`",
                crate::safe_url::scheme(url).unwrap_or_default()
            ))
            .help("`url:` must start with `http://` or `https://`; correct it or remove it"),
        );
    }
    Some(Article {
        id,
        meta,
        body_range: body,
        file: fm,
    })
}

/// An error when the date in an article's file name (`2023-02-13-….md`) is not its
/// `date:`: the name is what readers and curators go by.
pub(super) fn date_against_file_name(
    id: &str,
    date: Option<&str>,
    fm: &SourceFile,
) -> Option<Diagnostic> {
    let stem = id.rsplit('/').next().unwrap_or(id);
    let named = stem
        .get(..10)
        .filter(|d| is_date(d) && stem[10..].starts_with('-'));
    // `undated-…` with a date is a date the curator added by hand, as `clean` asks.
    let clash = match (named, date) {
        (Some(n), Some(d)) => n != d,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if !clash {
        return None;
    }
    let rest = match named {
        Some(_) => &stem[11..],
        None => stem.strip_prefix("undated-").unwrap_or(stem),
    };
    let name = |d: Option<&str>| format!("{}-{rest}.md", d.unwrap_or("undated"));
    let where_ = fm.locate(&YamlPath::default().key("date"), None);
    Some(
        Diagnostic::error(
            Code::E012,
            format!(
                "the file name says {}, `date:` says {}",
                named.unwrap_or("undated"),
                date.unwrap_or("nothing")
            ),
        )
        .at(where_.or_else(|| Some(fm.start())))
        .label("does not agree with the file name")
        .help(format!(
            "correct `date:`, or rename the file to {} and change the `source:` of the figures citing it",
            name(date)
        )),
    )
}

/// `content/articles/fuzhou/x.md` → `fuzhou/x`: how figures cite it and its URL path.
pub(super) fn article_id(path: &Path) -> String {
    let rel = path.strip_prefix(ARTICLES_DIR).unwrap_or(path);
    rel.with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Byte ranges of the front matter YAML and of the body.
pub(super) fn split_front_matter(
    text: &str,
) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let rest = text.strip_prefix("---\n")?;
    let start = 4;
    let mut offset = start;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let body = offset + line.len();
            return Some((start..offset, body..text.len()));
        }
        offset += line.len();
    }
    None
}

pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (
        s[..4].parse::<u32>(),
        s[5..7].parse::<u32>(),
        s[8..].parse::<u32>(),
    ) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2200).contains(&y) && (1..=days).contains(&d)
}

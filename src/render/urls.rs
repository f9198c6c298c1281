//! The URL scheme, in one place: where each page is written and how pages link.
//!
//! Page links are relative (`../../cities/fuzhou/`), so the output works unchanged at
//! a domain root, under a sub-path, or in `indicity serve`. Only the sitemap and the
//! feed, which other sites read, use absolute URLs built from `base_url`.

/// Output path of a page, relative to the output root.
pub fn place(slug: &str) -> String {
    format!("cities/{slug}/")
}

pub fn indicator(id: &str) -> String {
    format!("indicators/{id}/")
}

pub fn article(id: &str) -> String {
    format!("articles/{id}/")
}

/// The list of every province and its places.
pub const PLACES: &str = "cities/";

/// A province's page. Not under `cities/`, where a place's slug could be the same.
pub fn province(slug: &str) -> String {
    format!("provinces/{slug}/")
}

/// The list of indicators by theme.
pub const INDICATORS: &str = "indicators/";

/// Page `n` (from 1) of the list of articles: `articles/`, then `articles/page-2/`…
/// An article is always two levels below `articles/` (place, file), so a list page
/// one level below is never an article's.
pub fn article_list(n: u32) -> String {
    if n <= 1 {
        "articles/".to_string()
    } else {
        format!("articles/page-{n}/")
    }
}

pub fn place_csv(slug: &str) -> String {
    format!("data/cities/{slug}.csv")
}

pub fn indicator_csv(id: &str) -> String {
    format!("data/indicators/{id}.csv")
}

pub const FIGURES_CSV: &str = "data/figures.csv";
pub const FIGURES_JSON: &str = "data/figures.json";

/// The JSON beside a data CSV: the same rows as an array of objects.
pub fn json_of(csv: &str) -> String {
    format!("{}.json", csv.strip_suffix(".csv").unwrap_or(csv))
}
pub const DATAPACKAGE: &str = "data/datapackage.json";
pub const STYLESHEET: &str = "css/site.css";

/// The prefix that leads from the directory of page `dir` back to the site root:
/// `cities/fuzhou/` → `../../`, the root itself → `./`.
pub fn root_from(dir: &str) -> String {
    let depth = dir.split('/').filter(|s| !s.is_empty()).count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

/// The file a directory URL is served from.
pub fn file_of(dir: &str) -> String {
    if dir.is_empty() || dir.ends_with('/') {
        format!("{dir}index.html")
    } else {
        dir.to_string()
    }
}

/// `base` joined with a site-relative path, for the sitemap and feed.
pub fn absolute(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), path)
}

/// The path part of `base` (`https://x.org/sub/` → `/sub/`), for pages such as 404.html
/// that are served at arbitrary URLs and so cannot use relative links.
pub fn base_path(base: &str) -> String {
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_roots() {
        assert_eq!(root_from(""), "./");
        assert_eq!(root_from(&place("fuzhou")), "../../");
        assert_eq!(root_from(&article("fuzhou/2023-02-13-x")), "../../../");
    }

    #[test]
    fn base_paths() {
        assert_eq!(base_path("https://example.org"), "/");
        assert_eq!(base_path("https://example.org/indicity"), "/indicity/");
        assert_eq!(
            absolute("https://example.org/", "cities/fuzhou/"),
            "https://example.org/cities/fuzhou/"
        );
    }
}

//! Site consistency: the settings, the places' parents, every figure's indicator and
//! article exist, with a suggestion when a name is close to one that does.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::content::yaml::YamlPath;
use crate::content::{Article, Figure, Place, Site};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};

pub(super) fn check_config(site: &Site, diags: &mut Diagnostics) {
    let Some(file) = &site.config_file else {
        return;
    };
    if !crate::safe_url::is_base_url(&site.config.base_url) {
        diags.push(
            Diagnostic::error(Code::E011, "`base_url` is not an absolute web address")
                .at(file.locate(&YamlPath::default().key("base_url"), None))
                .label("expected http://… or https://…, with no space or control character")
                .help("write the address the site is published at, e.g. `https://indicity.example.org/`, percent-encoding any space or non-ASCII character (`%20`) and with no `?` or `#`; the sitemap and the feed link to it"),
        );
    }
    for (i, id) in site.config.headline.iter().enumerate() {
        if !site.catalogue_failed && !site.indicators.contains_key(id) {
            diags.push(
                Diagnostic::error(
                    Code::E020,
                    format!("unknown indicator `{id}` in `headline`"),
                )
                .at(file.locate(&YamlPath::default().key("headline").index(i), None))
                .label("not in content/indicators.yaml")
                .help(known_ids_help(site, id)),
            );
        }
    }
}

pub(super) fn check_articles(site: &Site, diags: &mut Diagnostics) {
    for article in site.articles.values() {
        if !site.place_files.contains(&article.meta.city) {
            diags.push(
                Diagnostic::error(Code::E023, format!("unknown place `{}`", article.meta.city))
                    .at(article.file.locate(&YamlPath::default().key("city"), None))
                    .label("no content/cities/<this>.yaml")
                    .help(format!(
                        "use the file name of a place under content/cities/ ({}), or add that place",
                        site.places.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>().join(", ")
                    )),
            );
        }
    }
}

/// A place's `parent` must lead up to a place that has none: not to itself, and not
/// round a cycle (pages follow parents to build full names and breadcrumbs).
pub(super) fn check_parents(site: &Site, diags: &mut Diagnostics) {
    let by_name: HashMap<&str, usize> = site
        .places
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.as_str(), i))
        .collect();
    for (i, place) in site.places.iter().enumerate() {
        let Some(first) = &place.parent else {
            continue;
        };
        let mut chain = vec![place.name.as_str()];
        let mut at = by_name.get(first.as_str()).copied();
        while let Some(j) = at {
            chain.push(site.places[j].name.as_str());
            if j == i {
                let why = if chain.len() == 2 {
                    format!("{} is its own parent", place.name)
                } else {
                    format!(
                        "the parents of {} form a cycle: {}",
                        place.name,
                        chain.join(" → ")
                    )
                };
                diags.push(
                    Diagnostic::error(Code::E011, why)
                        .at(place.origin.file.locate(&YamlPath::default().key("parent"), None))
                        .label("leads back to this place")
                        .help("`parent` is the city a district or county belongs to; remove it from the city, or correct it"),
                );
                break;
            }
            if chain.len() > site.places.len() {
                break;
            }
            at = site.places[j]
                .parent
                .as_deref()
                .and_then(|n| by_name.get(n).copied());
        }
    }
}

/// Every place's figures, on every core (the diagnostics are sorted afterwards).
pub(super) fn check_figures(site: &Site, diags: &mut Diagnostics) {
    let found: Vec<Vec<Diagnostic>> = site
        .places
        .par_iter()
        .map(|place| {
            let mut d = Diagnostics::default();
            check_place(site, place, &mut d);
            d.0
        })
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// The figures of one place: known indicator, existing sources about this place, and
/// one figure per indicator, period and status unless they disagree and one of them
/// is `preferred`.
pub(super) fn check_place(site: &Site, place: &Place, diags: &mut Diagnostics) {
    let mut unknown_reported = Vec::new();
    let mut groups: Vec<Vec<&Figure>> = Vec::new();
    let mut group_of: HashMap<(&str, _, _), usize> = HashMap::new();
    for fig in &place.figures {
        if !site.indicators.contains_key(&fig.indicator) {
            if !site.catalogue_failed && !unknown_reported.contains(&fig.indicator) {
                unknown_reported.push(fig.indicator.clone());
                diags.push(
                    Diagnostic::error(Code::E020, format!("unknown indicator `{}`", fig.indicator))
                        .at(place
                            .origin
                            .file
                            .locate(&YamlPath::default().key("figures"), Some(&fig.indicator)))
                        .label("not in content/indicators.yaml")
                        .help(known_ids_help(site, &fig.indicator)),
                );
            }
            continue;
        }
        let views = fig.views();
        for (i, view) in views.iter().enumerate().skip(1).take(fig.also.len()) {
            // The count of sources readers see is of independent articles.
            if views[..i].iter().any(|v| v.source == view.source) {
                diags.push(
                    Diagnostic::error(Code::E011, format!("article `{}` is cited twice by one figure", view.source))
                        .at(view.origin.locate(Some("source")))
                        .label("already a source of this figure")
                        .help("list each article once; to quote two fragments of one article, give its `quote:` a list"),
                );
            }
        }
        for view in &views {
            match site.articles.get(&view.source) {
                // The article exists but did not load; that is already reported.
                None if site.article_files.contains(&view.source) => {}
                None => diags.push(
                    Diagnostic::error(Code::E021, format!("no article `{}`", view.source))
                        .at(view.origin.locate(Some("source")))
                        .label("no such file under content/articles/")
                        .help(article_help(site, place, &view.source)),
                ),
                Some(article) => check_article_place(place, view, article, diags),
            }
        }
        let key = (fig.indicator.as_str(), fig.period, fig.status);
        let g = *group_of.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(fig);
    }
    for group in &groups {
        super::conflicts::check(site, place, group, diags);
    }
}

/// An article is a valid source for a place if it is filed under that place or names it.
fn check_article_place(place: &Place, fig: &Figure, article: &Article, diags: &mut Diagnostics) {
    if article.meta.city == place.slug {
        return;
    }
    let short = place
        .name
        .trim_end_matches(['市', '区', '县', '省'])
        .to_string();
    let names_it = article.body().contains(&place.name)
        || (short.chars().count() >= 2 && article.body().contains(&short));
    if !names_it {
        diags.push(
            Diagnostic::error(
                Code::E024,
                format!(
                    "article `{}` is about `{}` and never names {}",
                    fig.source, article.meta.city, place.name
                ),
            )
            .at(fig.origin.locate(Some("source")))
            .label("source about another place")
            .help("cite an article about this place, or move the figure to the place the article is about"),
        );
    }
}

fn known_ids_help(site: &Site, id: &str) -> String {
    let close: Vec<&str> = site
        .indicators
        .keys()
        .filter(|k| similar(k, id))
        .map(String::as_str)
        .collect();
    if close.is_empty() {
        format!(
            "add `{id}` to content/indicators.yaml, or use one of: {}",
            site.indicators
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!("did you mean `{}`?", close.join("` or `"))
    }
}

fn article_help(site: &Site, place: &Place, source: &str) -> String {
    let prefix = format!("{}/", place.slug);
    let candidates: Vec<&str> = site
        .articles
        .keys()
        .filter(|k| k.starts_with(&prefix) || similar(k, source))
        .map(String::as_str)
        .take(8)
        .collect();
    let mut help = format!(
        "`source` is the article's path under content/articles/ without `.md`; there is no content/articles/{source}.md"
    );
    if !candidates.is_empty() {
        help.push_str(&format!(
            "; articles for {}: {}",
            place.name,
            candidates.join(", ")
        ));
    }
    help
}

/// Loose similarity for "did you mean": a shared prefix or a small edit distance.
pub(super) fn similar(a: &str, b: &str) -> bool {
    let d = edit_distance(a, b);
    d <= 2.max(b.len() / 4) || (a.len() >= 4 && b.len() >= 4 && a[..4] == b[..4])
}

pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

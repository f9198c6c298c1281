//! Refusing: a proposal `check` would refuse next to the place file's figures is not
//! proposed, and the reason is said.

use super::{Extraction, Proposal, write};
use crate::content::{Article, Site};
use crate::diagnostics::Diagnostics;

/// The proposals (of list 0, the sure ones, or 1, the unsure ones added to them)
/// that `check` refuses once merged into the place file: (index, the error).
pub(super) fn refused(
    site: &Site,
    place: &crate::content::Place,
    article: &Article,
    earlier: &[Proposal],
    ex: &Extraction,
    list: usize,
) -> Vec<(usize, String)> {
    let mut all: Vec<&Proposal> = ex.proposals.iter().collect();
    let first = all.len();
    if list == 1 {
        all.extend(&ex.unsure);
    }
    if all.len() == first && list == 1 || all.is_empty() {
        return Vec::new();
    }
    // The earlier articles' proposals are in the file too, but not this check's to
    // refuse: they cite articles this mini site does not hold.
    let skip = earlier.len();
    let owned: Vec<Proposal> = earlier.iter().chain(all.iter().copied()).cloned().collect();
    let text = &place.origin.file.text;
    let Ok((merged, spans)) = write::merge(text, &owned) else {
        return Vec::new();
    };
    let rel = &place.origin.file.path;
    let diags = check_as(site, place, article, &merged);
    let mut out = Vec::new();
    for d in diags.0.iter().filter(|d| d.is_error()) {
        let Some(loc) = &d.location else { continue };
        if loc.file != *rel || *loc.source != *merged {
            continue;
        }
        let at = loc.span.start;
        let Some(k) = spans.iter().position(|s| s.contains(&at)) else {
            continue;
        };
        let Some(k) = k.checked_sub(skip) else {
            continue;
        };
        if k >= first || list == 0 {
            let k = if list == 1 { k - first } else { k };
            if !out.iter().any(|(i, _)| *i == k) {
                out.push((k, format!("{} {}", d.code, d.message)));
            }
        }
    }
    out
}

/// What `check` says, beyond what it said already, of the place file with
/// `proposals` merged in, next to `article`: the merged text when nothing, else each
/// new error.
pub fn objections(
    site: &Site,
    place: &crate::content::Place,
    article: &Article,
    proposals: &[Proposal],
) -> Result<String, Vec<String>> {
    let text = &place.origin.file.text;
    let (merged, _) = write::merge(text, proposals).map_err(|m| vec![m])?;
    let errors = |text: &str| -> Vec<String> {
        check_as(site, place, article, text)
            .0
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{} {}", d.code, d.message))
            .collect()
    };
    let before = errors(text);
    let new: Vec<String> = errors(&merged)
        .into_iter()
        .filter(|e| !before.contains(e))
        .collect();
    if new.is_empty() { Ok(merged) } else { Err(new) }
}

/// What `check` says of the place file if it read `text`, next to `article` alone:
/// a site of one place and one article, so that nothing else's errors are counted.
fn check_as(
    site: &Site,
    place: &crate::content::Place,
    article: &Article,
    text: &str,
) -> Diagnostics {
    let (loaded, load_diags) = crate::content::place_from_text(&place.origin.file.path, text);
    let mut diags = Diagnostics::default();
    diags.extend(load_diags.0);
    if let Some(loaded) = loaded {
        let mut mini = site.clone();
        mini.places = vec![loaded];
        mini.articles = site
            .articles
            .get_key_value(&article.id)
            .map(|(k, v)| (k.clone(), v.clone()))
            .into_iter()
            .collect();
        crate::check::check(&mini, None, &mut diags);
    }
    diags
}

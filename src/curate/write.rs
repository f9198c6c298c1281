//! The three writes a curator makes from the workbench: record a figure, reject a
//! proposal, add an indicator.
//!
//! Each one is checked before anything is written, touches one file only
//! (`content/cities/<place>.yaml`, `content/rejected.yaml` or
//! `content/indicators.yaml`, never a path the request names), keeps every byte of
//! it, replaces it in one step, and is refused when the file changed since the page
//! was built: the curator's other edits always win.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Shown, fingerprint};
use crate::content::{Bound, Group, INDICATORS_FILE, PLACES_DIR, PeriodFrom, Site, Status};
use crate::extract::mentions::{self, Choice};
use crate::extract::rejections::{self, Rejection};
use crate::extract::{self, Proposal, write as yaml};
use crate::safe_fs::{self, ReplaceError, Snapshot};

/// Why a write was not made.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The request cannot be done as asked (the reason says why): nothing written.
    Invalid(String),
    /// The file changed since the page was built: nothing written; reload.
    Changed(String),
    /// Reading or writing failed.
    Io(String),
}

/// A number read as the curator chose: the article, where the number is, and the
/// choice (empty period or bound: as the article states it).
#[derive(Debug, Clone, Deserialize)]
pub struct Pick {
    pub article: String,
    pub run: usize,
    pub at: usize,
    pub indicator: String,
    #[serde(default)]
    pub period: String,
    pub status: String,
    #[serde(default)]
    pub bound: String,
    /// The period's basis (`date`, `previous-year`, `title`, `address`,
    /// `judgement`); empty: as the reading found it.
    #[serde(default)]
    pub period_from: String,
    /// The reason, for a judgement.
    #[serde(default)]
    pub judgement: String,
    /// The place file's fingerprint when the page was built.
    #[serde(default)]
    pub base: String,
}

impl Pick {
    fn choice(&self) -> Result<Choice, Refusal> {
        let status = match self.status.as_str() {
            "actual" => Status::Actual,
            "target" => Status::Target,
            other => {
                return Err(Refusal::Invalid(format!(
                    "status `{other}` is neither actual nor target"
                )));
            }
        };
        let bound = match self.bound.as_str() {
            "" => None,
            "none" => Some(None),
            b => Some(Some(
                serde_yaml::from_str::<Bound>(&format!("'{b}'")).map_err(|_| {
                    Refusal::Invalid(format!("bound `{b}` is not one of > >= < <= ~"))
                })?,
            )),
        };
        let period = match self.period.trim() {
            "" => None,
            p => Some(p.parse().map_err(|e: String| Refusal::Invalid(e))?),
        };
        let period_from = match self.period_from.as_str() {
            "" => None,
            "date" => Some(PeriodFrom::Date),
            "previous-year" => Some(PeriodFrom::PreviousYear),
            "title" => Some(PeriodFrom::Title),
            "address" => Some(PeriodFrom::Address),
            "judgement" if !self.judgement.trim().is_empty() => {
                Some(PeriodFrom::Judgement(self.judgement.trim().to_string()))
            }
            "judgement" => {
                return Err(Refusal::Invalid(
                    "a judgement needs its reason: say why this period".to_string(),
                ));
            }
            other => {
                return Err(Refusal::Invalid(format!(
                    "`{other}` is not a basis of a period (date, previous-year, title, address, judgement)"
                )));
            }
        };
        Ok(Choice {
            indicator: self.indicator.clone(),
            status,
            bound,
            period,
            period_from,
        })
    }
}

/// The figure a pick would record, and whether `check` passes it next to the place
/// file: `Ok` with the figure, or the reasons it would not pass.
pub fn preview(site: &Site, pick: &Pick) -> Result<(Proposal, Shown), Refusal> {
    let article = site
        .articles
        .get(&pick.article)
        .ok_or_else(|| Refusal::Invalid(format!("no article `{}`", pick.article)))?;
    let place = site
        .place(&article.meta.city)
        .ok_or_else(|| Refusal::Invalid(format!("no place `{}`", article.meta.city)))?;
    let choice = pick.choice()?;
    let readings =
        mentions::read_as(site, article, pick.run, pick.at, &choice).map_err(Refusal::Invalid)?;
    let mut refusals = Vec::new();
    let mut chosen = None;
    for p in readings {
        if place.figures.iter().any(|f| {
            f.indicator == p.indicator
                && f.period == p.period
                && f.status == p.status
                && crate::text::numbers::same(f.value, p.value)
        }) {
            return Err(Refusal::Invalid(format!(
                "{} already records {} {} = {}",
                place.origin.file.path.display(),
                p.indicator,
                p.period,
                crate::format::plain(p.value)
            )));
        }
        match extract::objections(site, place, article, std::slice::from_ref(&p)) {
            Ok(_) => {
                chosen = Some(p);
                break;
            }
            Err(errors) => refusals.push(errors.join("; ")),
        }
    }
    let Some(p) = chosen else {
        return Err(Refusal::Invalid(format!(
            "check would refuse it: {}",
            refusals.first().map_or("no reading", String::as_str)
        )));
    };
    let shown = Shown::of(site, &p);
    Ok((p, shown))
}

/// Records a pick in its place file, as `extract --write` adds a proposal: the
/// figure, and the file written (relative to the root).
pub fn record(root: &Path, site: &Site, pick: &Pick) -> Result<(Shown, PathBuf), Refusal> {
    let (p, shown) = preview(site, pick)?;
    let article = &site.articles[&pick.article];
    let place = site.place(&article.meta.city).expect("preview found it");
    let rel = place.origin.file.path.clone();
    if !rel.starts_with(PLACES_DIR) || rel.extension().is_none_or(|e| e != "yaml") {
        return Err(Refusal::Invalid(format!(
            "{} is not a place file under {PLACES_DIR}/",
            rel.display()
        )));
    }
    let snapshot = take(root, &rel)?;
    let on_disk = std::str::from_utf8(&snapshot.bytes)
        .map_err(|_| Refusal::Changed(format!("{} is not UTF-8 text any more", rel.display())))?;
    let loaded = as_loaded(&rel, on_disk);
    if fingerprint(&loaded) != pick.base || loaded != *place.origin.file.text {
        return Err(changed(&rel));
    }
    let (merged, _) = yaml::merge(on_disk, std::slice::from_ref(&p))
        .map_err(|m| Refusal::Invalid(format!("{}: {m}", rel.display())))?;
    replace(snapshot, &rel, merged.as_bytes())?;
    Ok((shown, rel))
}

/// What to reject: the proposal `extract` makes for the number at `at` of run `run`.
#[derive(Debug, Clone, Deserialize)]
pub struct Reject {
    pub article: String,
    pub run: usize,
    pub at: usize,
}

/// Adds the proposal for a number to `content/rejected.yaml`.
pub fn reject(root: &Path, site: &Site, r: &Reject) -> Result<Rejection, Refusal> {
    let rejected = rejections::load(root).map_err(Refusal::Invalid)?;
    let ex = extract::extract_rejecting(site, &r.article, None, &[], &rejected)
        .map_err(Refusal::Invalid)?;
    let here = |p: &Proposal| p.at == Some((r.run, r.at));
    let p = ex
        .proposals
        .iter()
        .chain(&ex.unsure)
        .chain(ex.contradicted.iter().map(|(p, _)| p))
        .chain(ex.dropped.iter().map(|(p, _)| p))
        .find(|p| here(p))
        .ok_or_else(|| {
            Refusal::Invalid(
                "nothing is proposed for this number (already rejected, or never read): there is nothing to reject"
                    .to_string(),
            )
        })?;
    let rel = PathBuf::from(rejections::FILE);
    let path = root.join(&rel);
    if path.exists() {
        let snapshot = take(root, &rel)?;
        let text = std::str::from_utf8(&snapshot.bytes)
            .map_err(|_| Refusal::Invalid(format!("{} is not UTF-8 text", rel.display())))?;
        let text = rejections::append(text, &r.article, p);
        replace(snapshot, &rel, text.as_bytes())?;
    } else {
        let text = rejections::append("", &r.article, p);
        safe_fs::write_new_below(root, &rel, text.as_bytes(), false)
            .map_err(|e| Refusal::Io(format!("{}: {e}", rel.display())))?;
    }
    let text = rejections::append("", &r.article, p);
    Ok(rejections::parse(&text)
        .map_err(Refusal::Io)?
        .pop()
        .expect("one entry"))
}

/// A new indicator, as the curator names it.
#[derive(Debug, Clone, Deserialize)]
pub struct NewIndicator {
    pub article: String,
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    pub unit: String,
    pub group: String,
    /// The number it is added for, for the comment.
    #[serde(default)]
    pub example: String,
    /// The catalogue's fingerprint when the page was built.
    #[serde(default)]
    pub base: String,
}

/// Appends an indicator to `content/indicators.yaml`, every byte of it kept: its id.
pub fn add_indicator(root: &Path, site: &Site, n: &NewIndicator) -> Result<String, Refusal> {
    let invalid = |m: String| Err(Refusal::Invalid(m));
    let (id, name, unit) = (n.id.trim(), n.name.trim(), n.unit.trim());
    if !crate::content::is_slug(id, '_') {
        return invalid(format!(
            "id `{id}` is not an id: lowercase ASCII letters, digits and `_`, e.g. `academician_workstations`"
        ));
    }
    if site.indicators.contains_key(id) {
        return invalid(format!("the catalogue already has `{id}`"));
    }
    if name.is_empty() || site.indicators.values().any(|i| i.name == name) {
        return invalid(format!(
            "the name `{name}` is empty or already in the catalogue"
        ));
    }
    if unit.is_empty() {
        return invalid("give the unit the number is counted in (家, 个, 亿元, %)".to_string());
    }
    let group: Group = serde_yaml::from_str(&n.group)
        .map_err(|_| Refusal::Invalid(format!("`{}` is not a theme of the catalogue", n.group)))?;
    let name_en = if n.name_en.trim().is_empty() {
        id.replace('_', " ")
    } else {
        n.name_en.trim().to_string()
    };
    let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let entry = format!(
        "# added in `indicity serve` for {} in {}: check the name, group and unit, and write the definitions\n{id}:\n  name: {}\n  name_en: {}\n  group: {}\n  unit: {}\n  description: {}\n",
        n.example.replace(['\n', '\r'], " "),
        n.article,
        q(name),
        q(&name_en),
        group.as_str(),
        q(unit),
        q(&format!("{name}（待补充定义）")),
    );
    let rel = PathBuf::from(INDICATORS_FILE);
    let snapshot = take(root, &rel)?;
    let on_disk = std::str::from_utf8(&snapshot.bytes)
        .map_err(|_| Refusal::Changed(format!("{} is not UTF-8 text any more", rel.display())))?;
    let current = site
        .indicators_file
        .as_ref()
        .map_or(String::new(), |f| f.text.to_string());
    let loaded = as_loaded(&rel, on_disk);
    if fingerprint(&loaded) != n.base || loaded != current {
        return Err(changed(&rel));
    }
    let mut text = on_disk.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&entry);
    let (found, diags) = crate::content::indicators_from_text(&as_loaded(&rel, &text));
    if diags.has_errors() || !found.contains_key(id) {
        return invalid(format!(
            "the catalogue would not load with it: {}",
            diags.render(false)
        ));
    }
    replace(snapshot, &rel, text.as_bytes())?;
    Ok(id.to_string())
}

/// A file's text as `load` reads it (the escapes it takes out taken out).
fn as_loaded(rel: &Path, on_disk: &str) -> String {
    let mut f = std::sync::Arc::new(crate::content::yaml::SourceFile::new(
        rel,
        std::sync::Arc::from(crate::content::source_text(on_disk.to_string())),
    ));
    let _ = crate::content::yaml::SourceFile::take_escapes(&mut f);
    f.text.to_string()
}

fn take(root: &Path, rel: &Path) -> Result<Snapshot, Refusal> {
    if safe_fs::link_below(root, rel).is_some() {
        return Err(Refusal::Invalid(format!(
            "{} is reached through a symbolic link: serve writes only to files inside content/",
            rel.display()
        )));
    }
    Snapshot::take(&root.join(rel)).map_err(|e| Refusal::Io(format!("{}: {e}", rel.display())))
}

fn replace(snapshot: Snapshot, rel: &Path, bytes: &[u8]) -> Result<(), Refusal> {
    snapshot.replace(bytes).map_err(|e| match e {
        ReplaceError::Changed => changed(rel),
        ReplaceError::ReadOnly => Refusal::Invalid(format!(
            "{} is read-only: nothing was written",
            rel.display()
        )),
        ReplaceError::Io(m) => Refusal::Io(m),
    })
}

fn changed(rel: &Path) -> Refusal {
    Refusal::Changed(format!(
        "{} changed on disk since this page was built: nothing was written; the page reloads with what is there now",
        rel.display()
    ))
}

//! What the site is made of, as the rest of the pipeline sees it.
//!
//! These types are the loaded, validated shape of `content/`. Each figure remembers
//! the file and YAML path it came from, so a later stage can point the curator at the
//! exact value it objects to.
//!
//! One job, the types of the loaded site and their small accessors; long because a
//! figure has many parts, each documented.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::period::Period;
use super::yaml::{SourceFile, YamlPath};
use crate::diagnostics::Location;

/// `content/site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub title_en: Option<String>,
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published at; used for the sitemap and feed, where
    /// links must be absolute. Page links are relative so the site works anywhere.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    /// Indicator ids shown on the index page for every place.
    #[serde(default)]
    pub headline: Vec<String>,
    #[serde(default)]
    pub footer: Option<String>,
    /// How many recent articles the index lists.
    #[serde(default = "default_recent")]
    pub recent_articles: usize,
    /// How many articles a page of `/articles/` lists.
    #[serde(default = "default_per_page")]
    pub articles_per_page: usize,
    /// The licence the data are published under: the footer names it, and the
    /// Dataset JSON-LD and the data package carry it.
    #[serde(default)]
    pub license: Option<License>,
}

/// A licence, by its name and the address of its text.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct License {
    /// As readers know it: `CC BY 4.0`.
    pub name: String,
    pub url: String,
}

fn default_base_url() -> String {
    "http://localhost/".to_string()
}
fn default_language() -> String {
    "zh-CN".to_string()
}
fn default_recent() -> usize {
    10
}
fn default_per_page() -> usize {
    50
}

/// One entry of `content/indicators.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    #[serde(skip_deserializing)]
    pub id: String,
    pub name: String,
    pub name_en: String,
    /// The theme a place page files the indicator under; ungrouped ones come last.
    #[serde(default)]
    pub group: Option<Group>,
    pub unit: String,
    #[serde(default)]
    pub unit_en: String,
    pub description: String,
    #[serde(default)]
    pub description_en: Option<String>,
    /// Words articles use for the indicator ("高企" for 国家高新技术企业数). A number right
    /// after one of them that no figure records is reported as a warning.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The measure words a quote may state the unit in, when they are not the
    /// default family of the unit (家 counts as 家, 户, 个 or 所; 人 as 人, 名, 位…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unit_words: Vec<String>,
}

/// The themes of the catalogue, in the order a place page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    Enterprises,
    Rd,
    Platforms,
    Talent,
    Money,
    Targets,
}

impl Group {
    pub fn label_zh(self) -> &'static str {
        match self {
            Group::Enterprises => "企业",
            Group::Rd => "研发与成果",
            Group::Platforms => "平台与孵化载体",
            Group::Talent => "人才",
            Group::Money => "资金与金融",
            Group::Targets => "目标",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Group::Enterprises => "Enterprises",
            Group::Rd => "R&D and results",
            Group::Platforms => "Platforms and incubators",
            Group::Talent => "Talent",
            Group::Money => "Money and finance",
            Group::Targets => "Targets",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Group::Enterprises => "enterprises",
            Group::Rd => "rd",
            Group::Platforms => "platforms",
            Group::Talent => "talent",
            Group::Money => "money",
            Group::Targets => "targets",
        }
    }
}

/// Administrative level of a place, as in China's division codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Province,
    Prefecture,
    District,
    County,
    CountyLevelCity,
}

impl Level {
    pub fn label_zh(self) -> &'static str {
        match self {
            Level::Province => "省级",
            Level::Prefecture => "地级市",
            Level::District => "市辖区",
            Level::County => "县",
            Level::CountyLevelCity => "县级市",
        }
    }
}

/// Whether a figure was achieved or is a goal for the period.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Actual,
    Target,
}

impl Status {
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Actual => "实际",
            Status::Target => "目标",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Actual => "actual",
            Status::Target => "target",
        }
    }
}

/// How a curator read a figure's period where the text leaves a choice (a report
/// dated early in a year may state last year's figures or this year's) or states
/// none: written `period_from: date`, `previous-year`, `title`, `address`, or
/// `{judgement: reason}`. `check` proves the first four give the period; a judgement
/// is the one way a figure passes with no text for its year, so readers are told.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PeriodFrom {
    /// The year of the article's date.
    Date,
    /// The year before the article's date: a summary of last year published early.
    PreviousYear,
    /// A year the article's title states.
    Title,
    /// The year of the date in the article's original address (`url:`).
    Address,
    /// The curator's reading, with the reason.
    Judgement(String),
}

impl PeriodFrom {
    /// As written in a place file and in the data files' `period_from` column.
    pub fn as_text(&self) -> String {
        match self {
            PeriodFrom::Date => "date".into(),
            PeriodFrom::PreviousYear => "previous-year".into(),
            PeriodFrom::Title => "title".into(),
            PeriodFrom::Address => "address".into(),
            PeriodFrom::Judgement(why) => format!("judgement: {why}"),
        }
    }

    /// How a page tells readers the period was read: "期间依据：…".
    pub fn label_zh(&self) -> String {
        match self {
            PeriodFrom::Date => "文章日期所在年份".into(),
            PeriodFrom::PreviousYear => "文章日期的上一年".into(),
            PeriodFrom::Title => "文章标题所述年份".into(),
            PeriodFrom::Address => "原文地址中的日期".into(),
            PeriodFrom::Judgement(why) => format!("编者判断：{why}"),
        }
    }
}

impl Serialize for PeriodFrom {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            PeriodFrom::Judgement(why) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("judgement", why)?;
                m.end()
            }
            other => s.serialize_str(&other.as_text()),
        }
    }
}

impl<'de> Deserialize<'de> for PeriodFrom {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Judged {
            judgement: String,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            Judged(Judged),
        }
        const FORMS: &str =
            "`date`, `previous-year`, `title`, `address` or `{judgement: <why this year>}`";
        match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom(format!("`period_from` takes {FORMS}")))?
        {
            Raw::Word(w) => match w.as_str() {
                "date" => Ok(PeriodFrom::Date),
                "previous-year" => Ok(PeriodFrom::PreviousYear),
                "title" => Ok(PeriodFrom::Title),
                "address" => Ok(PeriodFrom::Address),
                other => Err(serde::de::Error::custom(format!(
                    "`{other}` is not a period basis; write {FORMS}"
                ))),
            },
            Raw::Judged(j) if j.judgement.trim().is_empty() => Err(serde::de::Error::custom(
                "a judgement needs its reason: `period_from: {judgement: 下文以2025年为明年}`",
            )),
            Raw::Judged(j) => Ok(PeriodFrom::Judgement(j.judgement.trim().to_string())),
        }
    }
}

/// How exact a stated number is: "突破4000家" is a lower bound, "近2000万" approximate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum Bound {
    #[serde(rename = ">")]
    Above,
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<")]
    Below,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "~")]
    About,
}

impl Bound {
    pub fn symbol(self) -> &'static str {
        match self {
            Bound::Above => ">",
            Bound::AtLeast => "≥",
            Bound::Below => "<",
            Bound::AtMost => "≤",
            Bound::About => "≈",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Bound::Above => ">",
            Bound::AtLeast => ">=",
            Bound::Below => "<",
            Bound::AtMost => "<=",
            Bound::About => "~",
        }
    }
}

/// A stated number with its provenance.
#[derive(Debug, Clone)]
pub struct Figure {
    pub indicator: String,
    pub period: Period,
    /// How the period was read, where the text leaves it open.
    pub period_from: Option<PeriodFrom>,
    pub value: f64,
    pub status: Status,
    pub bound: Option<Bound>,
    /// Article id, `<dir>/<file stem>` under `content/articles/`.
    pub source: String,
    pub quotes: Vec<String>,
    /// Further sources stating the same value (`sources:` beyond the first): each is
    /// proved like the first.
    pub also: Vec<Citation>,
    /// Of two figures for the same place, indicator, period and status that disagree,
    /// the one readers see; the other stays on record.
    pub preferred: bool,
    /// Another figure for the same indicator, period and status is `preferred` over
    /// this one: it stays on record (data files, its article's page) but pages show
    /// the preferred one, naming this one as another source's claim.
    pub alternative: bool,
    /// The value departs from the quote on purpose; the quote states `original`.
    pub overridden: Option<Override>,
    pub derived: Option<String>,
    pub note: Option<String>,
    pub origin: Origin,
}

/// Sets [`Figure::alternative`] on the figures of one place.
pub fn mark_alternatives(figures: &mut [Figure]) {
    let preferred: std::collections::HashSet<(&str, super::period::Period, Status)> = figures
        .iter()
        .filter(|f| f.preferred)
        .map(|f| (f.indicator.as_str(), f.period, f.status))
        .collect();
    if preferred.is_empty() {
        return;
    }
    let alternative: Vec<bool> = figures
        .iter()
        .map(|f| !f.preferred && preferred.contains(&(f.indicator.as_str(), f.period, f.status)))
        .collect();
    for (f, a) in figures.iter_mut().zip(alternative) {
        f.alternative = a;
    }
}

/// An article and the fragments of it that state a figure.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Citation {
    pub source: String,
    pub quotes: Vec<String>,
}

/// A deliberate correction of what the source states (`override:`).
#[derive(Debug, Clone)]
pub struct Override {
    pub reason: String,
    /// What the quote states; `check` proves the quote still says it.
    pub original: f64,
    /// A source that states the corrected value, proved against `value`.
    pub support: Option<Citation>,
}

/// Which citation of a figure a [`Figure::views`] entry proves, so that a diagnostic
/// points at that citation's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cite {
    /// The first source, stating `value`.
    Main,
    /// The first source of an overridden figure, stating `override.original`.
    Original,
    /// `sources[i]`, i ≥ 1.
    Also(u32),
    /// `override.source`, stating `value`.
    Support,
}

impl Figure {
    /// Everything of the figure that a page or a data file can show: all of it but
    /// its position in its file. Compared and hashed by derive, so incremental builds
    /// and `serve` re-render a page when any of it changes. The figure is taken apart
    /// field by field, with no `..`: a field added to [`Figure`] does not compile until
    /// it is either shown here or said not to be.
    pub fn shown(&self) -> FigureShown<'_> {
        let Figure {
            indicator,
            period,
            period_from,
            value,
            status,
            bound,
            source,
            quotes,
            also,
            preferred,
            // Follows from the other figures' `preferred`, which they show.
            alternative: _,
            overridden,
            derived,
            note,
            // Where the figure is written, which no page shows.
            origin: _,
        } = self;
        FigureShown {
            indicator,
            period: *period,
            period_from: period_from.as_ref(),
            value: value.to_bits(),
            status: *status,
            bound: *bound,
            source,
            quotes,
            also,
            preferred: *preferred,
            overridden: overridden.as_ref().map(|o| {
                let Override {
                    reason,
                    original,
                    support,
                } = o;
                (reason.as_str(), original.to_bits(), support.as_ref())
            }),
            derived: derived.as_deref(),
            note: note.as_deref(),
        }
    }

    /// The figure once per citation, each holding only that citation as its
    /// `source` and `quotes` and the value that citation must state: what `check`
    /// proves, one by one, by the rules for a figure with one source. The first is
    /// the figure itself unless it is overridden.
    pub fn views(&self) -> Vec<std::borrow::Cow<'_, Figure>> {
        use std::borrow::Cow;
        if self.also.is_empty() && self.overridden.is_none() {
            return vec![Cow::Borrowed(self)];
        }
        let view = |cite: &Citation, value: f64, at: Cite| {
            let mut f = self.clone();
            f.source = cite.source.clone();
            f.quotes = cite.quotes.clone();
            f.value = value;
            f.also = Vec::new();
            f.overridden = None;
            if let OriginPath::Figure { cite, .. } = &mut f.origin.at {
                *cite = at;
            }
            Cow::Owned(f)
        };
        let main = Citation {
            source: self.source.clone(),
            quotes: self.quotes.clone(),
        };
        let mut out = Vec::with_capacity(2 + self.also.len());
        match &self.overridden {
            Some(o) => out.push(view(&main, o.original, Cite::Original)),
            None => out.push(Cow::Borrowed(self)),
        }
        for (i, c) in self.also.iter().enumerate() {
            out.push(view(c, self.value, Cite::Also(i as u32 + 1)));
        }
        if let Some(c) = self.overridden.as_ref().and_then(|o| o.support.as_ref()) {
            out.push(view(c, self.value, Cite::Support));
        }
        out
    }

    /// Each citation's source and quotes, in the order of [`Figure::views`].
    pub fn citations(&self) -> impl Iterator<Item = (&str, &[String])> {
        std::iter::once((self.source.as_str(), self.quotes.as_slice()))
            .chain(
                self.also
                    .iter()
                    .map(|c| (c.source.as_str(), c.quotes.as_slice())),
            )
            .chain(
                self.overridden
                    .iter()
                    .filter_map(|o| o.support.as_ref())
                    .map(|c| (c.source.as_str(), c.quotes.as_slice())),
            )
    }

    /// Quote number `slot` of all the figure's citations counted in a row: the
    /// citation (as an index into [`Figure::views`]), the quote's index in it, and
    /// the quote.
    pub fn quote_slot(&self, slot: usize) -> Option<(usize, usize, &str)> {
        let mut left = slot;
        for (view, (_, quotes)) in self.citations().enumerate() {
            match quotes.get(left) {
                Some(q) => return Some((view, left, q)),
                None => left -= quotes.len(),
            }
        }
        None
    }

    /// Every article the figure cites, the first source first.
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.citations().map(|(source, _)| source)
    }

    /// The anchor of this figure's row on its place page; marks in articles link here.
    pub fn anchor(&self) -> String {
        format!(
            "fig-{}-{}-{}",
            self.indicator,
            self.period,
            self.status.as_str()
        )
    }
}

/// What of a [`Figure`] the site shows; see [`Figure::shown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FigureShown<'a> {
    pub indicator: &'a str,
    pub period: Period,
    pub period_from: Option<&'a PeriodFrom>,
    /// The value's bits: the same number written the same way.
    pub value: u64,
    pub status: Status,
    pub bound: Option<Bound>,
    pub source: &'a str,
    pub quotes: &'a [String],
    pub also: &'a [Citation],
    pub preferred: bool,
    /// Reason, the original value's bits, the supporting source.
    pub overridden: Option<(&'a str, u64, Option<&'a Citation>)>,
    pub derived: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// Where a value was written, resolved to a position only when a diagnostic needs it.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: Arc<SourceFile>,
    pub at: OriginPath,
}

/// The YAML path of a value, kept small: a site has hundreds of thousands of figures,
/// and their paths are only spelled out for the few a diagnostic points at.
#[derive(Debug, Clone)]
pub enum OriginPath {
    Root,
    /// `figures.<indicator>[<index>]`
    Figure {
        indicator: Arc<str>,
        index: u32,
        /// The first source is written as `sources: [{source, quote}]`, not as
        /// `source:` and `quote:`.
        listed: bool,
        /// The citation this copy of the figure proves ([`Figure::views`]).
        cite: Cite,
    },
}

impl Origin {
    pub fn path(&self) -> YamlPath {
        match &self.at {
            OriginPath::Root => YamlPath::default(),
            OriginPath::Figure {
                indicator, index, ..
            } => YamlPath::default()
                .key("figures")
                .key(indicator)
                .index(*index as usize),
        }
    }

    /// The path of `field` of the figure, for the citation this copy proves: its
    /// `source` and `quote` are those of that citation, and the value an overridden
    /// figure's quote must state is `override.original`.
    fn field_path(&self, field: &str) -> YamlPath {
        let OriginPath::Figure { listed, cite, .. } = &self.at else {
            return self.path().key(field);
        };
        let base = self.path();
        match (field, cite) {
            ("source" | "quote", Cite::Main | Cite::Original) if *listed => {
                base.key("sources").index(0).key(field)
            }
            ("source" | "quote", Cite::Also(i)) => {
                base.key("sources").index(*i as usize).key(field)
            }
            ("source" | "quote", Cite::Support) => base.key("override").key(field),
            ("value", Cite::Original) => base.key("override").key("original"),
            ("value", Cite::Also(i)) => base.key("sources").index(*i as usize),
            ("value", Cite::Support) => base.key("override"),
            _ => base.key(field),
        }
    }

    pub fn locate(&self, field: Option<&str>) -> Option<Location> {
        let path = match field {
            Some(f) => self.field_path(f),
            None => self.path(),
        };
        self.file.locate(&path, None)
    }

    pub fn locate_index(&self, field: &str, i: usize) -> Option<Location> {
        self.file.locate(&self.field_path(field).index(i), None)
    }
}

/// A city, district or county: one file under `content/cities/`.
#[derive(Debug, Clone)]
pub struct Place {
    pub slug: String,
    pub name: String,
    pub name_en: String,
    pub province: String,
    pub level: Level,
    /// The parent city's name, for districts and counties.
    pub parent: Option<String>,
    /// The six-digit administrative division code, when known.
    pub code: Option<String>,
    pub figures: Vec<Figure>,
    pub origin: Origin,
}

impl Place {
    /// The full name a reader expects: 温州市瓯海区 rather than 瓯海区.
    pub fn full_name(&self) -> String {
        match &self.parent {
            Some(p) if !self.name.starts_with(p.as_str()) => format!("{p}{}", self.name),
            _ => self.name.clone(),
        }
    }

    /// Indicator ids this place has figures for, in catalogue order.
    pub fn indicators<'a>(
        &'a self,
        catalogue: &'a IndexMap<String, Indicator>,
    ) -> Vec<&'a Indicator> {
        catalogue
            .values()
            .filter(|i| self.figures.iter().any(|f| f.indicator == i.id))
            .collect()
    }
}

/// Front matter of a cleaned article.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    pub title: String,
    /// `YYYY-MM-DD`; absent when the source does not state it (never invented).
    #[serde(default)]
    pub date: Option<String>,
    /// Slug of the place the article is about.
    pub city: String,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    /// The original address of the article.
    #[serde(default)]
    pub url: Option<String>,
    /// The raw scraped file it was cleaned from, relative to `content/`.
    #[serde(default)]
    pub raw: Option<String>,
    /// `traditional` when the cleaner converted Traditional characters.
    #[serde(default)]
    pub script: Option<String>,
}

/// A cleaned article: front matter and a markdown body.
#[derive(Debug, Clone)]
pub struct Article {
    /// `<dir>/<file stem>`, also its URL path under `/articles/`.
    pub id: String,
    pub meta: ArticleMeta,
    /// Byte range of the body in `file.text` (the body is not copied: a large site
    /// holds hundreds of megabytes of articles).
    pub body_range: std::ops::Range<usize>,
    pub file: Arc<SourceFile>,
}

impl Article {
    /// The markdown body, after the front matter.
    pub fn body(&self) -> &str {
        &self.file.text[self.body_range.clone()]
    }

    /// The texts a quote is looked for in: the body's runs ([`crate::markdown::runs`]),
    /// then the title, last (a headline can be the only sentence that states a number,
    /// and its run is [`crate::check::TITLE_RUN`]). `check`, `extract` and the
    /// conflict messages all read an article this way.
    pub fn texts(&self) -> Vec<String> {
        let mut runs = crate::markdown::runs(self.body());
        runs.push(self.meta.title.clone());
        runs
    }
}

/// Everything under `content/`, loaded.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub config_file: Option<Arc<SourceFile>>,
    pub indicators: IndexMap<String, Indicator>,
    pub indicators_file: Option<Arc<SourceFile>>,
    /// `indicators.yaml` could not be read or parsed at all (that error is reported):
    /// every indicator id would look unknown, so none is reported as such.
    pub catalogue_failed: bool,
    /// Sorted by slug.
    pub places: Vec<Place>,
    pub articles: BTreeMap<String, Article>,
    /// Slugs and ids of every place and article file, including those that failed to
    /// load: a reference to one of them is not a second error.
    pub place_files: BTreeSet<String>,
    pub article_files: BTreeSet<String>,
}

impl Site {
    pub fn place(&self, slug: &str) -> Option<&Place> {
        self.places
            .binary_search_by(|p| p.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &self.places[i])
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

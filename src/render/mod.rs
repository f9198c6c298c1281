//! Render: checked site → pages, charts and data files in the staging directory.
//!
//! Each page kind has a context builder here and a tera template in `templates/`; the
//! builders do the arithmetic (latest value, change, chart, links) so templates only
//! lay out. Pages are rendered in parallel and written as soon as they are rendered,
//! so memory does not grow with the size of the site. Every collection is iterated in
//! a fixed order, so the output is byte-identical from one build to the next.

mod article;
mod cite;
mod columns;
mod corrections;
mod data;
mod datapackage;
pub mod fed;
mod index;
mod indicator;
pub mod kinds;
mod place;
mod select;
mod sitewide;
mod templates;
pub mod urls;

pub use templates::{digests as template_digests, load_templates, page_templates};

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::chart::{self, Point};
use crate::check::{FigureRef, Provenance};
use crate::content::{Article, Citation, Figure, Indicator, Place, Site, Status};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::format;
use crate::history::History;
use crate::markdown;
use crate::output::Writer;

pub const TEMPLATES_DIR: &str = "templates";
pub const STATIC_DIR: &str = "static";

/// An editor's scratch file (`x~`, `.x.swp`, `#x#`, vim's `4913` probe): never part of
/// the site, in `build` or `serve`.
fn is_scratch(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

/// Whether a file under `static/` (given relative to it) is copied into the site:
/// everything but editor scratch files, hidden files included (`.well-known/`).
pub fn is_published(rel: &Path) -> bool {
    rel.file_name()
        .is_some_and(|n| !is_scratch(&n.to_string_lossy()))
}

/// Whether a file under `templates/` (given relative to it) is a template: hidden and
/// scratch files (an open editor's swap file) are not.
pub fn is_template(rel: &Path) -> bool {
    rel.components().all(|c| {
        let c = c.as_os_str().to_string_lossy();
        !c.starts_with('.') && !is_scratch(&c)
    })
}

use kinds::Render;
pub use kinds::shadowed_by_generated;
pub use select::Pages;

/// Site-wide values every template sees.
#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    title_en: Option<&'a str>,
    description: &'a str,
    language: &'a str,
    footer: Option<&'a str>,
    base_url: &'a str,
}

/// Everything the renderer needs, shared by all page builders.
pub struct Renderer<'a> {
    site: &'a Site,
    prov: &'a Provenance,
    tera: &'a Tera,
    base_url: String,
    /// Time spent drawing charts, summed over threads, for `build --timings`.
    chart_nanos: std::sync::atomic::AtomicU64,
    coverage: std::sync::OnceLock<Coverage<'a>>,
    /// Place slug → its articles, newest first; a scan of all articles per place page
    /// was 90 million comparisons at 3,000 places.
    articles_of: std::sync::OnceLock<HashMap<&'a str, Vec<&'a Article>>>,
    /// Place name → the first place (by slug) of that name: where a parent links to.
    named: std::sync::OnceLock<HashMap<&'a str, &'a Place>>,
    /// The correction record, when the site is in a git repository.
    history: Option<&'a History>,
}

/// Indicator id → the places with figures for it, in place order: what the index and
/// the indicator pages need, found in one pass over all figures instead of one pass
/// per page (there are hundreds of thousands of figures).
type Coverage<'a> = std::collections::HashMap<&'a str, Vec<Covered<'a>>>;

struct Covered<'a> {
    place: usize,
    /// The latest actual figure (the last of the latest period, if it has several).
    latest: Option<&'a Figure>,
    count: usize,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, prov: &'a Provenance, tera: &'a Tera, base_url: &str) -> Self {
        let base_url = if base_url.ends_with('/') {
            base_url.to_string()
        } else {
            format!("{base_url}/")
        };
        Renderer {
            site,
            prov,
            tera,
            base_url,
            chart_nanos: Default::default(),
            coverage: Default::default(),
            articles_of: Default::default(),
            named: Default::default(),
            history: None,
        }
    }

    /// The renderer showing `history`'s corrections (see [`crate::history`]).
    pub fn with_history(mut self, history: &'a History) -> Self {
        self.history = Some(history);
        self
    }

    /// Renders and writes the whole site into `out`.
    pub fn render_all(&self, root: &Path, out: &dyn Writer) -> Result<(), Diagnostics> {
        self.render(&Pages::all(self.site), root, out)
    }

    /// Renders and writes the outputs selected by `pages` into `out`.
    pub fn render(&self, pages: &Pages, root: &Path, out: &dyn Writer) -> Result<(), Diagnostics> {
        // The data files are one sequential stream over every figure: written on one
        // core while the pages are rendered on the others.
        let (data, mut jobs) =
            rayon::join(|| self.data(pages, out), || self.pages(pages, root, out));
        jobs.push(data);
        let mut diags = Diagnostics::default();
        diags.extend(jobs.into_iter().filter_map(Result::err));
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }

    fn pages(&self, pages: &Pages, root: &Path, out: &dyn Writer) -> Vec<Result<(), Diagnostic>> {
        let mut jobs: Vec<Result<(), Diagnostic>> = Vec::new();
        if pages.static_files {
            // Not where the site generates a file: the generated one wins.
            let generated = fed::generated_files(self.site);
            jobs.push(
                out.copy_tree_into(&root.join(STATIC_DIR), "", &|rel| {
                    is_published(rel)
                        && !generated.contains(rel.to_string_lossy().replace('\\', "/").as_str())
                })
                .map_err(io_err),
            );
        }
        for rel in &pages.statics {
            jobs.push(
                std::fs::read(root.join(STATIC_DIR).join(rel))
                    .and_then(|bytes| out.write(rel, &bytes))
                    .map_err(io_err),
            );
        }
        for kind in kinds::KINDS {
            match kind.render {
                Render::Single(render) if pages.singles.contains(kind.name) => {
                    jobs.push(render(self, out));
                }
                Render::Each(render) => jobs.extend(render(self, pages, out)),
                Render::Single(_) | Render::Data => {}
            }
        }
        jobs
    }

    fn coverage(&self) -> &Coverage<'a> {
        self.coverage.get_or_init(|| {
            let mut map: Coverage<'a> = Default::default();
            for (pi, p) in self.site.places.iter().enumerate() {
                // A place has a few indicators, its figures grouped by indicator.
                let mut own: Vec<(&'a str, Covered<'a>)> = Vec::new();
                for f in p.figures.iter().filter(|f| !f.alternative) {
                    let at = match own.iter().rposition(|(id, _)| *id == f.indicator) {
                        Some(at) => at,
                        None => {
                            own.push((
                                &f.indicator,
                                Covered {
                                    place: pi,
                                    latest: None,
                                    count: 0,
                                },
                            ));
                            own.len() - 1
                        }
                    };
                    let c = &mut own[at].1;
                    c.count += 1;
                    if f.status == Status::Actual && c.latest.is_none_or(|l| f.period >= l.period) {
                        c.latest = Some(f);
                    }
                }
                for (id, c) in own {
                    map.entry(id).or_default().push(c);
                }
            }
            map
        })
    }

    /// The articles about the place `slug`, newest first.
    fn articles_of(&self, slug: &str) -> &[&'a Article] {
        self.articles_of
            .get_or_init(|| {
                let mut map: HashMap<&'a str, Vec<&'a Article>> = HashMap::new();
                for a in self.site.articles.values() {
                    map.entry(a.meta.city.as_str()).or_default().push(a);
                }
                for list in map.values_mut() {
                    list.sort_by(|a, b| newest_first(a, b));
                }
                map
            })
            .get(slug)
            .map_or(&[], Vec::as_slice)
    }

    /// The marks of article `id`, in order.
    fn marks_of(&self, id: &str) -> &'a [crate::check::QuoteMark] {
        let prov: &'a Provenance = self.prov;
        prov.marks.get(id).map(Vec::as_slice).unwrap_or_default()
    }

    /// The place a parent's name refers to.
    fn named(&self, name: &str) -> Option<&'a Place> {
        self.named
            .get_or_init(|| {
                let mut map = HashMap::new();
                for p in &self.site.places {
                    map.entry(p.name.as_str()).or_insert(p);
                }
                map
            })
            .get(name)
            .copied()
    }

    /// The places with figures for indicator `id`.
    fn covered(&self, id: &str) -> &[Covered<'a>] {
        self.coverage().get(id).map_or(&[], Vec::as_slice)
    }

    /// Time spent drawing charts, summed over threads.
    pub fn chart_time(&self) -> std::time::Duration {
        std::time::Duration::from_nanos(self.chart_nanos.load(std::sync::atomic::Ordering::Relaxed))
    }

    fn timed<T>(&self, f: impl FnOnce() -> T) -> T {
        let started = std::time::Instant::now();
        let out = f();
        self.chart_nanos.fetch_add(
            started.elapsed().as_nanos() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        out
    }

    fn context(&self, dir: &str) -> Context {
        let c = &self.site.config;
        let mut ctx = Context::new();
        ctx.insert(
            "site",
            &SiteCtx {
                title: &c.title,
                title_en: c.title_en.as_deref(),
                description: &c.description,
                language: &c.language,
                footer: c.footer.as_deref(),
                base_url: &self.base_url,
            },
        );
        ctx.insert("root", &urls::root_from(dir));
        ctx.insert("canonical", &urls::absolute(&self.base_url, dir));
        ctx.insert("stylesheet", urls::STYLESHEET);
        ctx
    }

    fn page(
        &self,
        template: &str,
        dir: &str,
        ctx: &Context,
        out: &dyn Writer,
    ) -> Result<(), Diagnostic> {
        // Into bytes: `render` would check the whole page is UTF-8 again to make a
        // String (6 % of a large build), and the page only goes to a file.
        let mut html = Vec::with_capacity(64 * 1024);
        self.tera.render_to(template, ctx, &mut html).map_err(|e| {
            Diagnostic::error(Code::E014, format!("template `{template}` failed for /{dir}:\n{e}"))
                .help("fix the template at the position shown (docs/templates.md lists the variables each page gets)")
        })?;
        out.write(&urls::file_of(dir), &html).map_err(io_err)
    }

    fn article_ref(&self, a: &Article, root: &str) -> ArticleRef {
        ArticleRef {
            title: a.meta.title.clone(),
            date: a.meta.date.clone(),
            publisher: a.meta.publisher.clone(),
            place: self.site.place(&a.meta.city).map(Place::full_name),
            href: format!("{root}{}", urls::article(&a.id)),
        }
    }

    fn figure_row<'r>(
        &self,
        fref: FigureRef,
        f: &'r Figure,
        ind: &'r Indicator,
        root: &str,
    ) -> RowCtx<'r>
    where
        'a: 'r,
    {
        let article = self.site.articles.get(&f.source);
        let href = self.sentence_href(fref, 0, &f.source, root);
        let also = f
            .also
            .iter()
            .enumerate()
            .map(|(i, c)| self.source_ctx(fref, i as u32 + 1, c, root))
            .collect();
        let correction = f.overridden.as_ref().map(|o| CorrectionCtx {
            original: format!(
                "{}{} {}",
                f.bound.map_or("", |b| b.symbol()),
                format::number(o.original),
                ind.unit
            ),
            reason: &o.reason,
            support: o
                .support
                .as_ref()
                .map(|c| self.source_ctx(fref, 1 + f.also.len() as u32, c, root)),
        });
        let others = if f.preferred {
            let place = &self.site.places[fref.place];
            place
                .figures
                .iter()
                .enumerate()
                .filter(|(_, o)| {
                    o.alternative
                        && o.indicator == f.indicator
                        && o.period == f.period
                        && o.status == f.status
                })
                .map(|(oi, o)| OtherCtx {
                    display: format!(
                        "{}{} {}",
                        o.bound.map_or("", |b| b.symbol()),
                        format::number(o.value),
                        ind.unit
                    ),
                    source: self.source_ctx(
                        FigureRef {
                            place: fref.place,
                            figure: oi,
                        },
                        0,
                        &Citation {
                            source: o.source.clone(),
                            quotes: o.quotes.clone(),
                        },
                        root,
                    ),
                })
                .collect()
        } else {
            Vec::new()
        };
        RowCtx {
            anchor: f.anchor(),
            period: f.period.to_string(),
            figure: FigureCtx::of(f, f.value, ind, quote_of(f)),
            source_title: article.map_or(f.source.as_str(), |a| a.meta.title.as_str()),
            source_publisher: article.and_then(|a| a.meta.publisher.as_deref()),
            source_date: article.and_then(|a| a.meta.date.as_deref()),
            href,
            original: article.and_then(|a| text_fragment(a, f.quotes.first()?)),
            derived: f.derived.as_deref(),
            note: f.note.as_deref(),
            history: self.figure_history(&self.site.places[fref.place], f, &ind.unit),
            source_count: 1 + f.also.len(),
            also,
            others,
            correction,
        }
    }

    /// The link to the sentence of citation `view` of a figure: its mark on the
    /// article's page, or the page when the mark is unknown.
    fn sentence_href(&self, fref: FigureRef, view: u32, source: &str, root: &str) -> String {
        match self.prov.cite_mark_of(fref, view) {
            Some(m) => format!("{root}{}#{m}", urls::article(source)),
            None => format!("{root}{}", urls::article(source)),
        }
    }

    fn source_ctx(&self, fref: FigureRef, view: u32, c: &Citation, root: &str) -> SourceCtx {
        let article = self.site.articles.get(&c.source);
        SourceCtx {
            quote: c.quotes.join(" … "),
            title: article.map_or(c.source.clone(), |a| a.meta.title.clone()),
            publisher: article.and_then(|a| a.meta.publisher.clone()),
            date: article.and_then(|a| a.meta.date.clone()),
            href: self.sentence_href(fref, view, &c.source, root),
        }
    }
}

fn io_err(e: std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::E013, format!("cannot write the output: {e}"))
        .help("check that the output directory's parent is writable and the disk is not full")
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

/// The order articles are listed in everywhere (index, place pages, feed): newest
/// first, undated last, then by id so that equal dates keep one order on every page.
/// A link to `quote` on the article's original page (`url#:~:text=…`), which a
/// browser scrolls to and highlights where it finds the words. None when the
/// article has no web address, or when its text was converted from Traditional
/// characters: the quote would not be on the original page.
fn text_fragment(a: &Article, quote: &str) -> Option<String> {
    let url = a.meta.url.as_deref()?;
    if !crate::safe_url::is_absolute_web(url) || a.meta.script.as_deref() == Some("traditional") {
        return None;
    }
    let page = url.split_once('#').map_or(url, |(page, _)| page);
    // The spec's reserved characters (`&`, `,`, `-`) and everything not ASCII
    // alphanumeric are escaped: over-escaping is always read back the same.
    let text =
        percent_encoding::utf8_percent_encode(quote.trim(), percent_encoding::NON_ALPHANUMERIC);
    Some(format!("{page}#:~:text={text}"))
}

fn newest_first(a: &Article, b: &Article) -> std::cmp::Ordering {
    b.meta.date.cmp(&a.meta.date).then(a.id.cmp(&b.id))
}

/// A figure's quotes as one text; most figures have one, which is borrowed.
fn quote_of(f: &Figure) -> Cow<'_, str> {
    match f.quotes.as_slice() {
        [one] => Cow::Borrowed(one),
        many => Cow::Owned(many.join(" … ")),
    }
}

/// The figures of `place` for indicator `id` with their index, in period order
/// (actual before target within a period); of figures that disagree, the preferred.
fn figures_of<'p>(place: &'p Place, id: &str) -> Vec<(usize, &'p Figure)> {
    let mut figs: Vec<(usize, &Figure)> = place
        .figures
        .iter()
        .enumerate()
        .filter(|(_, f)| f.indicator == id && !f.alternative)
        .collect();
    figs.sort_by_key(|(_, f)| (f.period, f.status));
    figs
}

#[derive(Serialize)]
struct IndicatorRef {
    id: String,
    name: String,
    name_en: String,
    unit: String,
    href: String,
}

impl IndicatorRef {
    fn of(i: &Indicator, root: &str) -> Self {
        IndicatorRef {
            id: i.id.clone(),
            name: i.name.clone(),
            name_en: i.name_en.clone(),
            unit: i.unit.clone(),
            href: format!("{root}{}", urls::indicator(&i.id)),
        }
    }
}

#[derive(Serialize)]
struct LatestCtx {
    display: String,
    bound: Option<&'static str>,
    unit: String,
    period: String,
}

impl LatestCtx {
    fn of(f: &Figure, ind: &Indicator) -> Self {
        LatestCtx {
            display: format::number(f.value),
            bound: f.bound.map(|b| b.symbol()),
            unit: ind.unit.clone(),
            period: f.period.label_zh(),
        }
    }
}

#[derive(Serialize)]
struct ArticleRef {
    title: String,
    date: Option<String>,
    publisher: Option<String>,
    place: Option<String>,
    href: String,
}

/// A figure as every page and template shows it: a place page's row, an indicator
/// page's row and an article page's list all start from this, flattened into their
/// own context so templates read `row.display` and `f.display` alike.
#[derive(Serialize)]
struct FigureCtx<'a> {
    period_label: String,
    /// The value exactly as in the YAML, for machines (`data-value`).
    value: String,
    /// The value as readers see it.
    display: String,
    bound: Option<&'static str>,
    unit: &'a str,
    status: &'static str,
    status_label: &'static str,
    quote: Cow<'a, str>,
}

impl<'a> FigureCtx<'a> {
    /// `value` and `quote` are the figure's own, or what one of its sources states.
    fn of(f: &Figure, value: f64, ind: &'a Indicator, quote: Cow<'a, str>) -> FigureCtx<'a> {
        FigureCtx {
            period_label: f.period.label_zh(),
            value: format::plain(value),
            display: format::number(value),
            bound: f.bound.map(|b| b.symbol()),
            unit: &ind.unit,
            status: f.status.as_str(),
            status_label: f.status.label_zh(),
            quote,
        }
    }
}

/// One figure with its source, as place and indicator pages list it. Borrows what the
/// site already holds: tera copies every field into its own values anyway, and there
/// are hundreds of thousands of rows.
#[derive(Serialize)]
struct RowCtx<'a> {
    anchor: String,
    period: String,
    #[serde(flatten)]
    figure: FigureCtx<'a>,
    source_title: &'a str,
    source_publisher: Option<&'a str>,
    source_date: Option<&'a str>,
    href: String,
    /// The sentence on the publisher's own page, as a text fragment.
    original: Option<String>,
    derived: Option<&'a str>,
    note: Option<&'a str>,
    /// How many articles state the figure.
    source_count: usize,
    /// The sources after the first.
    also: Vec<SourceCtx>,
    /// What other sources state, when they disagree with this preferred figure.
    others: Vec<OtherCtx>,
    correction: Option<CorrectionCtx<'a>>,
    /// Earlier values of the figure, from the site's git history.
    history: Vec<corrections::HistoryCtx>,
}

/// A citation as a row lists it: its quote linked to its sentence, and its article.
#[derive(Serialize)]
struct SourceCtx {
    quote: String,
    title: String,
    publisher: Option<String>,
    date: Option<String>,
    href: String,
}

/// A figure that disagrees with the preferred one: "其他来源称 X（source）".
#[derive(Serialize)]
struct OtherCtx {
    display: String,
    source: SourceCtx,
}

/// "原文为 X，编者更正为 Y：reason".
#[derive(Serialize)]
struct CorrectionCtx<'a> {
    original: String,
    reason: &'a str,
    support: Option<SourceCtx>,
}

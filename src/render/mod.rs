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
mod figure;
mod index;
mod indicator;
pub mod kinds;
mod lists;
mod place;
mod select;
mod sitewide;
pub mod splice;
mod templates;
pub mod urls;

pub use templates::{digests as template_digests, load_templates};

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

use figure::*;
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
    license: Option<&'a crate::content::License>,
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
    /// The provinces and their places, for the listing pages.
    provinces: std::sync::OnceLock<Vec<lists::Province<'a>>>,
    /// Every article, newest first, for the pages of `/articles/`.
    newest_first: std::sync::OnceLock<Vec<&'a Article>>,
    /// The published `figures.csv` to splice unchanged places' rows from.
    previous_rows: Option<splice::Previous>,
    /// Where each place's rows went in the `figures.csv` this render wrote.
    rows_written: std::sync::Mutex<Option<splice::Rows>>,
    /// How many places' rows were copied from the published `figures.csv`.
    spliced: std::sync::atomic::AtomicUsize,
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
            provinces: Default::default(),
            newest_first: Default::default(),
            previous_rows: None,
            rows_written: Default::default(),
            spliced: Default::default(),
        }
    }

    /// The renderer splicing `figures.csv` from the published one (see [`splice`]).
    pub fn with_previous_rows(mut self, previous: Option<splice::Previous>) -> Self {
        self.previous_rows = previous;
        self
    }

    /// Where each place's rows are in the `figures.csv` this renderer wrote, if it
    /// wrote one.
    pub fn rows_written(&self) -> Option<splice::Rows> {
        self.rows_written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// How many places' rows of `figures.csv` were copied rather than formatted.
    pub fn spliced(&self) -> usize {
        self.spliced.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The renderer showing `history`'s corrections (see [`crate::history`]).
    pub fn with_history(mut self, history: &'a History) -> Self {
        self.history = Some(history);
        self
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
            let generated = kinds::generated_files(self.site);
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

    /// Every article, newest first: sorted once per render, not once per page (the
    /// home page, the feed and 600 pages of `/articles/` at 30,000 articles).
    fn newest(&self) -> &[&'a Article] {
        self.newest_first.get_or_init(|| {
            let mut all: Vec<&'a Article> = self.site.articles.values().collect();
            all.sort_by(|a, b| newest_first(a, b));
            all
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
                license: c.license.as_ref(),
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
fn newest_first(a: &Article, b: &Article) -> std::cmp::Ordering {
    b.meta.date.cmp(&a.meta.date).then(a.id.cmp(&b.id))
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
struct ArticleRef {
    title: String,
    date: Option<String>,
    publisher: Option<String>,
    place: Option<String>,
    href: String,
}

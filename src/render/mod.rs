//! Render: checked site → pages, charts and data files in the staging directory.
//!
//! Each page kind has a context builder here and a tera template in `templates/`; the
//! builders do the arithmetic (latest value, change, chart, links) so templates only
//! lay out. Pages are rendered in parallel and written as soon as they are rendered,
//! so memory does not grow with the size of the site. Every collection is iterated in
//! a fixed order, so the output is byte-identical from one build to the next.

mod datapackage;
pub mod urls;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::chart::{self, Point};
use crate::check::{FigureRef, Provenance};
use crate::content::{Article, Figure, Indicator, Place, Site, Status};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::format;
use crate::markdown;
use crate::output::Staging;

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

/// Whether a static file (relative to `static/`) sits where the site generates files;
/// the generated one wins.
pub fn shadowed_by_generated(rel: &Path) -> bool {
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .unwrap_or_default();
    ["cities", "indicators", "articles", "data"].contains(&first.as_str())
        || ["index.html", "404.html", "sitemap.xml", "atom.xml"].contains(&first.as_str())
}

/// Loads every template under `root/templates`, named by its path inside it.
pub fn load_templates(root: &Path) -> Result<Tera, Diagnostic> {
    let dir = root.join(TEMPLATES_DIR);
    let mut files = Vec::new();
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Diagnostic::error("E014", format!("cannot read {TEMPLATES_DIR}/: {e}"))
                .help("run indicity from the site root, or pass --root")
        })?;
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        if entry.file_type().is_file() && is_template(rel) {
            let name = rel.to_string_lossy().replace('\\', "/");
            files.push((entry.path().to_path_buf(), Some(name)));
        }
    }
    let mut tera = Tera::new();
    tera.add_template_files(files).map_err(|e| {
        Diagnostic::error("E014", format!("a template cannot be loaded:\n{e}"))
            .help("fix the template syntax at the position shown")
    })?;
    Ok(tera)
}

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
        }
    }

    /// Renders and writes the whole site into `out`.
    pub fn render_all(&self, root: &Path, out: &Staging) -> Result<(), Diagnostics> {
        self.render(&Pages::all(self.site), root, out)
    }

    /// Renders and writes the outputs selected by `pages` into `out`.
    pub fn render(&self, pages: &Pages, root: &Path, out: &Staging) -> Result<(), Diagnostics> {
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

    fn pages(&self, pages: &Pages, root: &Path, out: &Staging) -> Vec<Result<(), Diagnostic>> {
        let mut jobs: Vec<Result<(), Diagnostic>> = Vec::new();
        if pages.static_files {
            jobs.push(
                out.copy_tree_into(&root.join(STATIC_DIR), "", is_published)
                    .map_err(io_err),
            );
        }
        if pages.index {
            jobs.push(self.index(out));
        }
        if pages.not_found {
            jobs.push(self.not_found(out));
        }
        if pages.sitemap {
            jobs.push(self.sitemap(out));
        }
        if pages.feed {
            jobs.push(self.feed(out));
        }
        jobs.par_extend(
            pages
                .places
                .iter()
                .filter(|&&i| i < self.site.places.len())
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|&i| self.place(i, &self.site.places[i], out)),
        );
        jobs.par_extend(
            pages
                .indicators
                .iter()
                .filter_map(|id| self.site.indicators.get(id))
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|ind| self.indicator(ind, out)),
        );
        jobs.par_extend(
            pages
                .articles
                .iter()
                .filter_map(|id| self.site.articles.get(id))
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|a| self.article(a, out)),
        );
        jobs
    }

    fn coverage(&self) -> &Coverage<'a> {
        self.coverage.get_or_init(|| {
            let mut map: Coverage<'a> = Default::default();
            for (pi, p) in self.site.places.iter().enumerate() {
                // A place has a few indicators, its figures grouped by indicator.
                let mut own: Vec<(&'a str, Covered<'a>)> = Vec::new();
                for f in &p.figures {
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
                    if f.status == Status::Actual
                        && c.latest
                            .is_none_or(|l| f.period.sort_key() >= l.period.sort_key())
                    {
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
        out: &Staging,
    ) -> Result<(), Diagnostic> {
        // Into bytes: `render` would check the whole page is UTF-8 again to make a
        // String (6 % of a large build), and the page only goes to a file.
        let mut html = Vec::with_capacity(64 * 1024);
        self.tera.render_to(template, ctx, &mut html).map_err(|e| {
            Diagnostic::error("E014", format!("template `{template}` failed for /{dir}:\n{e}"))
                .help("fix the template at the position shown (the README's Templates section lists the variables each page gets)")
        })?;
        out.write(&urls::file_of(dir), &html).map_err(io_err)
    }

    fn index(&self, out: &Staging) -> Result<(), Diagnostic> {
        let mut ctx = self.context("");
        let headline: Vec<&Indicator> = self
            .site
            .config
            .headline
            .iter()
            .filter_map(|id| self.site.indicators.get(id))
            .collect();
        // Slug → latest figure, per headline indicator.
        let headline_latest: Vec<std::collections::HashMap<&str, &Figure>> = headline
            .iter()
            .map(|ind| {
                self.covered(&ind.id)
                    .iter()
                    .filter_map(|c| {
                        c.latest
                            .map(|f| (self.site.places[c.place].slug.as_str(), f))
                    })
                    .collect()
            })
            .collect();
        let root = urls::root_from("");
        let mut provinces: BTreeMap<&str, Vec<&Place>> = BTreeMap::new();
        for p in &self.site.places {
            provinces.entry(&p.province).or_default().push(p);
        }
        // In the order of the administrative division codes, as Chinese statistics list
        // them (places without a code last, by name).
        let code_key = |p: &Place| {
            (
                p.code.is_none(),
                p.code.clone(),
                p.full_name(),
                p.slug.clone(),
            )
        };
        let mut provinces: Vec<(&str, Vec<&Place>)> = provinces.into_iter().collect();
        for (_, places) in &mut provinces {
            places.sort_by_cached_key(|p| code_key(p));
        }
        provinces.sort_by_cached_key(|(name, places)| (code_key(places[0]), name.to_string()));
        let provinces: Vec<ProvinceCtx> = provinces
            .into_iter()
            .map(|(name, places)| ProvinceCtx {
                name: name.to_string(),
                places: places
                    .into_iter()
                    .map(|p| PlaceSummary {
                        name: p.full_name(),
                        level: p.level.label_zh(),
                        href: format!("{root}{}", urls::place(&p.slug)),
                        headline: headline
                            .iter()
                            .zip(&headline_latest)
                            .map(|(ind, latest)| {
                                latest.get(p.slug.as_str()).map(|f| LatestCtx::of(f, ind))
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        ctx.insert("provinces", &provinces);
        ctx.insert(
            "headline",
            &headline
                .iter()
                .map(|i| IndicatorRef::of(i, &root))
                .collect::<Vec<_>>(),
        );
        ctx.insert(
            "indicators",
            &self
                .site
                .indicators
                .values()
                .map(|i| IndicatorRef::of(i, &root))
                .collect::<Vec<_>>(),
        );
        let mut recent: Vec<&Article> = self.site.articles.values().collect();
        recent.sort_by(|a, b| newest_first(a, b));
        recent.truncate(self.site.config.recent_articles);
        ctx.insert(
            "recent",
            &recent
                .into_iter()
                .map(|a| self.article_ref(a, &root))
                .collect::<Vec<_>>(),
        );
        ctx.insert(
            "figure_count",
            &self
                .site
                .places
                .iter()
                .map(|p| p.figures.len())
                .sum::<usize>(),
        );
        ctx.insert("article_count", &self.site.articles.len());
        ctx.insert("figures_csv", urls::FIGURES_CSV);
        ctx.insert("datapackage", urls::DATAPACKAGE);
        self.page("index.html", "", &ctx, out)
    }

    fn not_found(&self, out: &Staging) -> Result<(), Diagnostic> {
        let mut ctx = self.context("");
        // Served at any URL, so its links are absolute paths rather than relative.
        ctx.insert("root", &urls::base_path(&self.base_url));
        let html = self
            .tera
            .render("404.html", &ctx)
            .map_err(|e| Diagnostic::error("E014", format!("template `404.html` failed:\n{e}")))?;
        out.write("404.html", html.as_bytes()).map_err(io_err)
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

    fn place(&self, index: usize, place: &Place, out: &Staging) -> Result<(), Diagnostic> {
        let dir = urls::place(&place.slug);
        let root = urls::root_from(&dir);
        let mut ctx = self.context(&dir);
        let mut cards = Vec::new();
        for ind in place.indicators(&self.site.indicators) {
            let figs = figures_of(place, &ind.id);
            let actual: Vec<&Figure> = figs
                .iter()
                .map(|(_, f)| *f)
                .filter(|f| f.status == Status::Actual)
                .collect();
            let latest = actual.last().map(|f| LatestCtx::of(f, ind));
            let change = match actual.as_slice() {
                [.., prev, last] => {
                    let (abs, pct) = format::change(prev.value, last.value, &ind.unit);
                    Some(ChangeCtx {
                        abs,
                        pct,
                        since: prev.period.label_zh(),
                    })
                }
                _ => None,
            };
            let title = format!("{} · {}", place.full_name(), ind.name);
            let has_targets = figs.iter().any(|(_, f)| f.status == Status::Target);
            let subtitle = if has_targets {
                format!("单位：{}　实心点为实际值，空心点与虚线为目标", ind.unit)
            } else {
                format!("单位：{}", ind.unit)
            };
            let points: Vec<Point> = figs
                .iter()
                .map(|(_, f)| Point {
                    period: f.period,
                    value: f.value,
                    status: f.status,
                    bound: f.bound,
                })
                .collect();
            let svg = self.timed(|| {
                chart::series_chart(
                    &format!("chart-{}", ind.id),
                    &title,
                    &subtitle,
                    &describe_series(&figs.iter().map(|(_, f)| *f).collect::<Vec<_>>(), ind),
                    &points,
                )
            });
            let rows = figs
                .iter()
                .map(|(fi, f)| {
                    self.figure_row(
                        FigureRef {
                            place: index,
                            figure: *fi,
                        },
                        f,
                        ind,
                        &root,
                    )
                })
                .collect();
            cards.push(CardCtx {
                indicator: IndicatorRef::of(ind, &root),
                description: &ind.description,
                chart: svg,
                chart_file: format!("{}-{}.svg", place.slug, ind.id),
                latest,
                change,
                rows,
            });
        }
        let parent_href = place
            .parent
            .as_deref()
            .and_then(|parent| self.named(parent))
            .map(|p| format!("{root}{}", urls::place(&p.slug)));
        ctx.insert(
            "place",
            &PlaceCtx {
                slug: &place.slug,
                name: &place.name,
                full_name: place.full_name(),
                name_en: &place.name_en,
                province: &place.province,
                level: place.level.label_zh(),
                parent: place.parent.as_deref(),
                parent_href,
                code: place.code.as_deref(),
            },
        );
        ctx.insert("cards", &cards);
        ctx.insert(
            "articles",
            &self
                .articles_of(&place.slug)
                .iter()
                .map(|a| self.article_ref(a, &root))
                .collect::<Vec<_>>(),
        );
        ctx.insert(
            "csv_href",
            &format!("{root}{}", urls::place_csv(&place.slug)),
        );
        self.page("place.html", &dir, &ctx, out)
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
        let mark = self.prov.mark_of(fref);
        let href = match mark {
            Some(m) => format!("{root}{}#{m}", urls::article(&f.source)),
            None => format!("{root}{}", urls::article(&f.source)),
        };
        RowCtx {
            anchor: f.anchor(),
            period: f.period.to_string(),
            period_label: f.period.label_zh(),
            value: format::plain(f.value),
            display: format::number(f.value),
            bound: f.bound.map(|b| b.symbol()),
            unit: &ind.unit,
            status: f.status.as_str(),
            status_label: f.status.label_zh(),
            quote: quote_of(f),
            source_title: article.map_or(f.source.as_str(), |a| a.meta.title.as_str()),
            source_publisher: article.and_then(|a| a.meta.publisher.as_deref()),
            source_date: article.and_then(|a| a.meta.date.as_deref()),
            href,
            derived: f.derived.as_deref(),
            note: f.note.as_deref(),
        }
    }

    fn indicator(&self, ind: &Indicator, out: &Staging) -> Result<(), Diagnostic> {
        let dir = urls::indicator(&ind.id);
        let root = urls::root_from(&dir);
        let mut ctx = self.context(&dir);
        let covered = self.covered(&ind.id);
        let mut latest_rows: Vec<(&Place, &Figure)> = covered
            .iter()
            .filter_map(|c| c.latest.map(|f| (&self.site.places[c.place], f)))
            .collect();
        latest_rows.sort_by(|a, b| {
            b.1.value
                .total_cmp(&a.1.value)
                .then(a.0.slug.cmp(&b.0.slug))
        });
        const SHOWN: usize = 20;
        let bars: Vec<(String, f64)> = latest_rows
            .iter()
            .take(SHOWN)
            .map(|(p, f)| {
                (
                    format!("{}（{}）", p.full_name(), f.period.label_short()),
                    f.value,
                )
            })
            .collect();
        let title = format!("{}：各地最新值", ind.name);
        let subtitle = if latest_rows.len() > SHOWN {
            format!(
                "单位：{}　最新实际值最高的{SHOWN}个地区，共{}个",
                ind.unit,
                latest_rows.len()
            )
        } else {
            format!("单位：{}　括号内为数据所属时期", ind.unit)
        };
        let desc = latest_rows
            .iter()
            .take(SHOWN)
            .map(|(p, f)| {
                format!(
                    "{}{}{}{}",
                    p.full_name(),
                    f.period.label_zh(),
                    format::number(f.value),
                    ind.unit
                )
            })
            .collect::<Vec<_>>()
            .join("；");
        let svg = self.timed(|| {
            chart::ranking_chart(
                &format!("chart-{}", ind.id),
                &title,
                &subtitle,
                &desc,
                &bars,
            )
        });

        // Every figure with its source, on the page while that stays readable; beyond
        // that (thousands of places) the page keeps the latest value of each place and
        // links to the indicator's CSV, which has every figure.
        const ALL_ROWS_LIMIT: usize = 2000;
        let total: usize = covered.iter().map(|c| c.count).sum();
        let mut all = Vec::new();
        for c in covered.iter().filter(|_| total <= ALL_ROWS_LIMIT) {
            let (pi, p) = (c.place, &self.site.places[c.place]);
            for (fi, f) in figures_of(p, &ind.id) {
                all.push(PlaceRowCtx {
                    place: p.full_name(),
                    place_href: format!("{root}{}#{}", urls::place(&p.slug), f.anchor()),
                    row: self.figure_row(
                        FigureRef {
                            place: pi,
                            figure: fi,
                        },
                        f,
                        ind,
                        &root,
                    ),
                });
            }
        }
        ctx.insert("indicator", &IndicatorRef::of(ind, &root));
        ctx.insert("description", &ind.description);
        ctx.insert("description_en", &ind.description_en);
        ctx.insert("chart", &(!latest_rows.is_empty()).then_some(svg));
        ctx.insert("chart_file", &format!("{}.svg", ind.id));
        ctx.insert(
            "latest",
            &latest_rows
                .iter()
                .map(|(p, f)| PlaceLatestCtx {
                    place: p.full_name(),
                    href: format!("{root}{}#ind-{}", urls::place(&p.slug), ind.id),
                    latest: LatestCtx::of(f, ind),
                })
                .collect::<Vec<_>>(),
        );
        ctx.insert("rows", &all);
        ctx.insert("rows_omitted", &(total > ALL_ROWS_LIMIT).then_some(total));
        ctx.insert(
            "csv_href",
            &format!("{root}{}", urls::indicator_csv(&ind.id)),
        );
        self.page("indicator.html", &dir, &ctx, out)
    }

    fn article(&self, a: &Article, out: &Staging) -> Result<(), Diagnostic> {
        let dir = urls::article(&a.id);
        let root = urls::root_from(&dir);
        let mut ctx = self.context(&dir);
        let marks = self
            .prov
            .marks
            .get(&a.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut citing: BTreeSet<FigureRef> = BTreeSet::new();
        let md_marks: Vec<markdown::Mark> = marks
            .iter()
            .map(|m| {
                citing.extend(m.citing.iter().copied());
                let links: Vec<String> = m
                    .citing
                    .iter()
                    .map(|r| {
                        let p = &self.site.places[r.place];
                        let f = &p.figures[r.figure];
                        let ind = self
                            .site
                            .indicators
                            .get(&f.indicator)
                            .map_or(f.indicator.as_str(), |i| i.name.as_str());
                        let status = if f.status == Status::Target {
                            "目标"
                        } else {
                            ""
                        };
                        format!(
                            "<a href=\"{root}{}#{}\" title=\"{} · {}{} · {}\">{}·{}{}</a>",
                            urls::place(&p.slug),
                            f.anchor(),
                            escape(&p.full_name()),
                            escape(ind),
                            status,
                            f.period.label_zh(),
                            escape(&p.name),
                            f.period.label_short(),
                            status,
                        )
                    })
                    .collect();
                markdown::Mark {
                    run: m.run,
                    range: m.range.clone(),
                    id: m.id.clone(),
                    after: format!("<sup class=\"cite\">{}</sup>", links.join(" ")),
                }
            })
            .collect();
        let (title_marks, body_marks): (Vec<markdown::Mark>, Vec<markdown::Mark>) = md_marks
            .into_iter()
            .partition(|m| m.run == crate::check::TITLE_RUN);
        let body = markdown::render(a.body(), &body_marks);
        ctx.insert(
            "title_html",
            &markdown::marked_text(&a.meta.title, &title_marks),
        );
        let figures: Vec<CitedCtx> = citing
            .into_iter()
            .map(|r| {
                let p = &self.site.places[r.place];
                let f = &p.figures[r.figure];
                let ind = &self.site.indicators[&f.indicator];
                CitedCtx {
                    place: p.full_name(),
                    place_href: format!("{root}{}#{}", urls::place(&p.slug), f.anchor()),
                    indicator: &ind.name,
                    period_label: f.period.label_zh(),
                    value: format::plain(f.value),
                    display: format::number(f.value),
                    bound: f.bound.map(|b| b.symbol()),
                    unit: &ind.unit,
                    status: f.status.as_str(),
                    quote: quote_of(f),
                    mark: self.prov.mark_of(r).map(String::as_str),
                }
            })
            .collect();
        let place = self.site.place(&a.meta.city);
        // A template never gets an address that is not a web link as `article.url`
        // (it would write it into an `href`); it gets it as text, `unlinked_url`.
        if a.meta
            .url
            .as_deref()
            .is_some_and(|u| !crate::safe_url::allowed(u))
        {
            let mut meta = a.meta.clone();
            ctx.insert("unlinked_url", &meta.url.take());
            ctx.insert("article", &meta);
        } else {
            ctx.insert("unlinked_url", &None::<String>);
            ctx.insert("article", &a.meta);
        }
        ctx.insert("article_id", &a.id);
        ctx.insert("place_name", &place.map(Place::full_name));
        ctx.insert(
            "place_href",
            &place.map(|p| format!("{root}{}", urls::place(&p.slug))),
        );
        ctx.insert("body", &body);
        ctx.insert("figures", &figures);
        self.page("article.html", &dir, &ctx, out)
    }

    fn sitemap(&self, out: &Staging) -> Result<(), Diagnostic> {
        let mut urls_out = vec![SitemapUrl {
            loc: self.base_url.clone(),
            lastmod: None,
        }];
        let abs = |p: String| urls::absolute(&self.base_url, &p);
        urls_out.extend(self.site.places.iter().map(|p| SitemapUrl {
            loc: abs(urls::place(&p.slug)),
            lastmod: None,
        }));
        urls_out.extend(self.site.indicators.keys().map(|id| SitemapUrl {
            loc: abs(urls::indicator(id)),
            lastmod: None,
        }));
        urls_out.extend(self.site.articles.values().map(|a| SitemapUrl {
            loc: abs(urls::article(&a.id)),
            lastmod: a.meta.date.clone(),
        }));
        let mut ctx = self.context("");
        ctx.insert("urls", &urls_out);
        let xml = self.tera.render("sitemap.xml", &ctx).map_err(|e| {
            Diagnostic::error("E014", format!("template `sitemap.xml` failed:\n{e}"))
        })?;
        out.write("sitemap.xml", xml.as_bytes()).map_err(io_err)
    }

    /// The Atom feed lists dated articles, newest first. Undated ones are left out
    /// rather than given an invented date.
    fn feed(&self, out: &Staging) -> Result<(), Diagnostic> {
        let mut dated: Vec<&Article> = self
            .site
            .articles
            .values()
            .filter(|a| a.meta.date.is_some())
            .collect();
        dated.sort_by(|a, b| newest_first(a, b));
        let entries: Vec<FeedEntry> = dated
            .iter()
            .map(|a| FeedEntry {
                title: a.meta.title.clone(),
                url: urls::absolute(&self.base_url, &urls::article(&a.id)),
                updated: format!("{}T00:00:00Z", a.meta.date.as_deref().unwrap_or_default()),
                author: a.meta.author.clone().or_else(|| a.meta.publisher.clone()),
                summary: summary(a.body()),
            })
            .collect();
        let mut ctx = self.context("");
        ctx.insert(
            "updated",
            &entries
                .first()
                .map(|e| e.updated.clone())
                .unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
        );
        ctx.insert("feed_url", &urls::absolute(&self.base_url, "atom.xml"));
        ctx.insert("entries", &entries);
        let xml = self
            .tera
            .render("atom.xml", &ctx)
            .map_err(|e| Diagnostic::error("E014", format!("template `atom.xml` failed:\n{e}")))?;
        out.write("atom.xml", xml.as_bytes()).map_err(io_err)
    }

    /// `/data/figures.csv` with its descriptor `/data/datapackage.json`, and one CSV per
    /// place and per indicator: every figure with its source, at stable URLs.
    /// Streamed row by row into their files: at the scale of every county of China
    /// there are 675,000 rows, which must not all be held in memory at once.
    ///
    /// Per-place files are written for the places in `pages.places`; the site-wide
    /// files and the per-indicator ones (which every place feeds) when `pages.data`.
    fn data(&self, pages: &Pages, out: &Staging) -> Result<(), Diagnostic> {
        if !pages.data && pages.places.is_empty() {
            return Ok(());
        }
        let mut all_csv = None;
        let mut by_indicator: BTreeMap<&str, csv::Writer<crate::output::Stream>> = BTreeMap::new();
        if pages.data {
            all_csv = Some(csv_writer(out, urls::FIGURES_CSV)?);
            for ind in self.site.indicators.keys() {
                by_indicator.insert(ind, csv_writer(out, &urls::indicator_csv(ind))?);
            }
            out.write(
                urls::DATAPACKAGE,
                datapackage::descriptor(self.site, &self.base_url).as_bytes(),
            )
            .map_err(io_err)?;
        }
        for (pi, p) in self.site.places.iter().enumerate() {
            let mut place_csv = if pages.places.contains(&pi) {
                Some(csv_writer(out, &urls::place_csv(&p.slug))?)
            } else if pages.data {
                None
            } else {
                continue;
            };
            let mut figs: Vec<&Figure> = p
                .figures
                .iter()
                .filter(|f| self.site.indicators.contains_key(&f.indicator))
                .collect();
            figs.sort_by_cached_key(|f| (&f.indicator, f.period.to_string(), f.status));
            let place_name = p.full_name();
            for f in figs {
                let ind = &self.site.indicators[&f.indicator];
                let (period, value) = (f.period.to_string(), format::plain(f.value));
                let source_url = urls::absolute(&self.base_url, &urls::article(&f.source));
                let quote = f.quotes.join(" | ");
                let text = datapackage::csv_text;
                let record: [&str; datapackage::COLUMNS.len()] = [
                    &p.slug,
                    &text(&place_name),
                    &text(&p.province),
                    &ind.id,
                    &text(&ind.name),
                    &period,
                    &value,
                    &text(&ind.unit),
                    f.status.as_str(),
                    f.bound.map_or("", |b| b.as_str()),
                    &text(f.derived.as_deref().unwrap_or("")),
                    &f.source,
                    &source_url,
                    &text(&quote),
                ];
                if let Some(w) = place_csv.as_mut() {
                    w.write_record(record).map_err(csv_err)?;
                }
                if let Some(w) = all_csv.as_mut() {
                    w.write_record(record).map_err(csv_err)?;
                }
                if let Some(w) = by_indicator.get_mut(ind.id.as_str()) {
                    w.write_record(record).map_err(csv_err)?;
                }
            }
            if let Some(w) = place_csv {
                finish_csv(out, w)?;
            }
        }
        if let Some(w) = all_csv {
            finish_csv(out, w)?;
        }
        for (_, w) in by_indicator {
            finish_csv(out, w)?;
        }
        Ok(())
    }
}

/// Which outputs a render writes: `build` writes them all, `serve` only those that a
/// change feeds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pages {
    /// Copy the whole `static/` tree.
    pub static_files: bool,
    pub index: bool,
    pub not_found: bool,
    pub sitemap: bool,
    pub feed: bool,
    /// `/data/figures.csv`, `/data/datapackage.json` and the per-indicator CSVs.
    pub data: bool,
    /// Place pages, with their charts and CSVs, by index into `site.places`.
    pub places: BTreeSet<usize>,
    /// Indicator pages and their charts, by id.
    pub indicators: BTreeSet<String>,
    /// Article pages, by id.
    pub articles: BTreeSet<String>,
}

impl Pages {
    pub fn all(site: &Site) -> Pages {
        Pages {
            static_files: true,
            index: true,
            not_found: true,
            sitemap: true,
            feed: true,
            data: true,
            places: (0..site.places.len()).collect(),
            indicators: site.indicators.keys().cloned().collect(),
            articles: site.articles.keys().cloned().collect(),
        }
    }

    /// Every page made from the template kinds in `templates` (top-level page
    /// templates such as `place.html`; see [`page_templates`]).
    pub fn using(site: &Site, templates: &BTreeSet<String>) -> Pages {
        let has = |t: &str| templates.contains(t);
        Pages {
            static_files: false,
            index: has("index.html"),
            not_found: has("404.html"),
            sitemap: has("sitemap.xml"),
            feed: has("atom.xml"),
            data: false,
            places: if has("place.html") {
                (0..site.places.len()).collect()
            } else {
                BTreeSet::new()
            },
            indicators: if has("indicator.html") {
                site.indicators.keys().cloned().collect()
            } else {
                BTreeSet::new()
            },
            articles: if has("article.html") {
                site.articles.keys().cloned().collect()
            } else {
                BTreeSet::new()
            },
        }
    }

    pub fn extend(&mut self, other: Pages) {
        self.static_files |= other.static_files;
        self.index |= other.index;
        self.not_found |= other.not_found;
        self.sitemap |= other.sitemap;
        self.feed |= other.feed;
        self.data |= other.data;
        self.places.extend(other.places);
        self.indicators.extend(other.indicators);
        self.articles.extend(other.articles);
    }

    /// How many pages (not data files) are selected.
    pub fn count(&self) -> usize {
        [self.index, self.not_found, self.sitemap, self.feed]
            .iter()
            .filter(|&&b| b)
            .count()
            + self.places.len()
            + self.indicators.len()
            + self.articles.len()
    }
}

/// The templates the renderer renders pages with; every other template is a part
/// of these (`extends`, `include`, `import`).
pub const PAGE_TEMPLATES: [&str; 7] = [
    "index.html",
    "place.html",
    "indicator.html",
    "article.html",
    "404.html",
    "sitemap.xml",
    "atom.xml",
];

/// The page templates that use, directly or through other templates, any of
/// `changed` (template names, paths under `templates/`). Reads the template sources
/// for `extends`, `include` and `import`: tera does not expose its dependency graph.
pub fn page_templates(root: &Path, changed: &BTreeSet<String>) -> BTreeSet<String> {
    static REF: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = REF.get_or_init(|| {
        regex::Regex::new(r#"\{%-?\s*(?:extends|include|import)\s+["']([^"']+)["']"#)
            .expect("valid regex")
    });
    let dir = root.join(TEMPLATES_DIR);
    let uses = |name: &str| -> Vec<String> {
        std::fs::read_to_string(dir.join(name))
            .map(|src| re.captures_iter(&src).map(|c| c[1].to_string()).collect())
            .unwrap_or_default()
    };
    // Every template each page is made of, itself included.
    let parts = |page: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![page.to_string()];
        while let Some(t) = todo.pop() {
            if seen.insert(t.clone()) {
                todo.extend(uses(&t));
            }
        }
        seen
    };
    let made_of: Vec<(&str, BTreeSet<String>)> =
        PAGE_TEMPLATES.iter().map(|p| (*p, parts(p))).collect();
    // A changed template no page names may still be used: tera 2's components are
    // global. Then every page is rendered again.
    let named = |t: &String| made_of.iter().any(|(_, parts)| parts.contains(t));
    made_of
        .iter()
        .filter(|(_, parts)| changed.iter().any(|t| parts.contains(t) || !named(t)))
        .map(|(page, _)| page.to_string())
        .collect()
}

fn csv_writer(out: &Staging, rel: &str) -> Result<csv::Writer<crate::output::Stream>, Diagnostic> {
    let mut w = csv::Writer::from_writer(out.stream(rel).map_err(io_err)?);
    w.write_record(datapackage::COLUMNS.map(|(name, _, _)| name))
        .map_err(csv_err)?;
    Ok(w)
}

fn finish_csv(out: &Staging, w: csv::Writer<crate::output::Stream>) -> Result<(), Diagnostic> {
    let inner = w
        .into_inner()
        .map_err(|e| Diagnostic::error("E013", format!("cannot write CSV: {e}")))?;
    out.finish(inner).map_err(io_err)
}

fn csv_err(e: csv::Error) -> Diagnostic {
    Diagnostic::error("E013", format!("cannot write CSV: {e}"))
}

fn io_err(e: std::io::Error) -> Diagnostic {
    Diagnostic::error("E013", format!("cannot write the output: {e}"))
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

/// A figure's quotes as one text; most figures have one, which is borrowed.
fn quote_of(f: &Figure) -> Cow<'_, str> {
    match f.quotes.as_slice() {
        [one] => Cow::Borrowed(one),
        many => Cow::Owned(many.join(" … ")),
    }
}

/// The figures of `place` for indicator `id` with their index, in period order
/// (actual before target within a period).
fn figures_of<'p>(place: &'p Place, id: &str) -> Vec<(usize, &'p Figure)> {
    let mut figs: Vec<(usize, &Figure)> = place
        .figures
        .iter()
        .enumerate()
        .filter(|(_, f)| f.indicator == id)
        .collect();
    figs.sort_by_key(|(_, f)| (f.period.sort_key(), f.status));
    figs
}

/// A text alternative for a series chart: every value, in order, in words.
fn describe_series(figs: &[&Figure], ind: &Indicator) -> String {
    let part = |f: &&Figure| {
        format!(
            "{}{}{}{}",
            f.period.label_zh(),
            f.bound.map_or("", |b| match b.as_str() {
                ">" => "超过",
                ">=" => "不少于",
                "<" => "少于",
                "<=" => "不超过",
                _ => "约",
            }),
            format::number(f.value),
            ind.unit
        )
    };
    let actual: Vec<String> = figs
        .iter()
        .filter(|f| f.status == Status::Actual)
        .map(part)
        .collect();
    let target: Vec<String> = figs
        .iter()
        .filter(|f| f.status == Status::Target)
        .map(part)
        .collect();
    let mut s = String::new();
    if !actual.is_empty() {
        s.push_str(&format!("实际值：{}。", actual.join("，")));
    }
    if !target.is_empty() {
        s.push_str(&format!("目标：{}。", target.join("，")));
    }
    s
}

/// The first paragraph of an article, for the feed.
fn summary(body: &str) -> String {
    let runs = markdown::runs(body);
    let text = runs
        .iter()
        .find(|r| r.chars().count() > 20)
        .or(runs.first());
    let text = text.map(String::as_str).unwrap_or_default();
    let mut s: String = text.chars().take(140).collect();
    if text.chars().count() > 140 {
        s.push('…');
    }
    s
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
struct ChangeCtx {
    abs: String,
    pct: Option<String>,
    since: String,
}

#[derive(Serialize)]
struct ProvinceCtx {
    name: String,
    places: Vec<PlaceSummary>,
}

#[derive(Serialize)]
struct PlaceSummary {
    name: String,
    level: &'static str,
    href: String,
    headline: Vec<Option<LatestCtx>>,
}

#[derive(Serialize)]
struct ArticleRef {
    title: String,
    date: Option<String>,
    publisher: Option<String>,
    place: Option<String>,
    href: String,
}

#[derive(Serialize)]
struct PlaceCtx<'a> {
    slug: &'a str,
    name: &'a str,
    full_name: String,
    name_en: &'a str,
    province: &'a str,
    level: &'static str,
    parent: Option<&'a str>,
    parent_href: Option<String>,
    code: Option<&'a str>,
}

#[derive(Serialize)]
struct CardCtx<'a> {
    indicator: IndicatorRef,
    description: &'a str,
    chart: String,
    /// The name a downloaded copy of the chart is saved under (see `static/js/chart.js`).
    chart_file: String,
    latest: Option<LatestCtx>,
    change: Option<ChangeCtx>,
    rows: Vec<RowCtx<'a>>,
}

/// One figure with its source, as place and indicator pages list it. Borrows what the
/// site already holds: tera copies every field into its own values anyway, and there
/// are hundreds of thousands of rows.
#[derive(Serialize)]
struct RowCtx<'a> {
    anchor: String,
    period: String,
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
    source_title: &'a str,
    source_publisher: Option<&'a str>,
    source_date: Option<&'a str>,
    href: String,
    derived: Option<&'a str>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct PlaceRowCtx<'a> {
    place: String,
    place_href: String,
    row: RowCtx<'a>,
}

#[derive(Serialize)]
struct PlaceLatestCtx {
    place: String,
    href: String,
    latest: LatestCtx,
}

/// A figure an article supports, as its page lists it: the source is the page itself,
/// so it needs less than a place page's row (30,000 pages of them).
#[derive(Serialize)]
struct CitedCtx<'a> {
    place: String,
    place_href: String,
    indicator: &'a str,
    period_label: String,
    /// The value exactly as in the YAML, for machines (`data-value`).
    value: String,
    display: String,
    bound: Option<&'static str>,
    unit: &'a str,
    status: &'static str,
    quote: Cow<'a, str>,
    /// The id of the marked sentence on the page.
    mark: Option<&'a str>,
}

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

#[derive(Serialize)]
struct FeedEntry {
    title: String,
    url: String,
    updated: String,
    author: Option<String>,
    summary: String,
}

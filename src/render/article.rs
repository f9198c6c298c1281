//! An article's page: its text with each quoted sentence marked and linked to the
//! figures it supports.

use super::fed::Fed;
use super::*;

impl<'a> Renderer<'a> {
    /// Fed by: the article itself, its marks with the figures each cites (and those
    /// figures' places), and the place it is about.
    pub(super) fn fed_article(&self, fed: &Fed, a: &Article) -> u128 {
        let mut p = fed.page("article", "article.html");
        p.add(&fed.articles.get(a.id.as_str()));
        let figure = |r: &FigureRef| {
            (
                fed.heads.get(r.place),
                fed.figures.get(r.place).and_then(|f| f.get(r.figure)),
            )
        };
        let marks = self.marks_of(&a.id);
        let mut citing: BTreeSet<FigureRef> = BTreeSet::new();
        for m in marks {
            p.add(&m.run).add(&m.range).add(&m.id);
            for r in &m.citing {
                p.add(&figure(r));
            }
            citing.extend(m.citing.iter().copied());
        }
        // The table of figures lists them in the order of their places and files.
        for r in &citing {
            p.add(&figure(r));
        }
        p.add(&self.place_index(&a.meta.city).map(|i| fed.heads[i]));
        p.done()
    }

    pub(super) fn article(&self, a: &Article, out: &dyn Writer) -> Result<(), Diagnostic> {
        let (dir, ctx) = self.article_context(a, &[]);
        self.page("article.html", &dir, &ctx, out)
    }

    /// The article's page with `wraps` around passages of its text (runs as
    /// [`markdown::runs`] numbers them, [`crate::check::TITLE_RUN`] for the title):
    /// what `serve` shows a curator. `build` never calls it.
    pub fn article_page(
        &self,
        a: &Article,
        wraps: &[markdown::Wrap],
    ) -> Result<Vec<u8>, Diagnostic> {
        let (dir, ctx) = self.article_context(a, wraps);
        let mut html = Vec::with_capacity(64 * 1024);
        self.tera
            .render_to("article.html", &ctx, &mut html)
            .map_err(|e| {
                Diagnostic::error(
                    Code::E014,
                    format!("template `article.html` failed for /{dir}:\n{e}"),
                )
            })?;
        Ok(html)
    }

    fn article_context(&self, a: &Article, wraps: &[markdown::Wrap]) -> (String, Context) {
        let dir = urls::article(&a.id);
        let root = urls::root_from(&dir);
        let mut ctx = self.context(&dir);
        ctx.insert("section", "articles");
        let marks = self.marks_of(&a.id);
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
        let (title_wraps, body_wraps): (Vec<markdown::Wrap>, Vec<markdown::Wrap>) = wraps
            .iter()
            .cloned()
            .partition(|w| w.run == crate::check::TITLE_RUN);
        let body = markdown::render_wrapped(a.body(), &body_marks, &body_wraps);
        ctx.insert(
            "title_html",
            &markdown::marked_text_wrapped(&a.meta.title, &title_marks, &title_wraps),
        );
        let figures: Vec<CitedCtx> = citing
            .into_iter()
            .map(|r| {
                let p = &self.site.places[r.place];
                let f = &p.figures[r.figure];
                let ind = &self.site.indicators[&f.indicator];
                // What this article states: the citation of the figure that is this
                // article (an overridden figure's first source states the original).
                let view = f.sources().position(|s| s == a.id).unwrap_or(0);
                let (value, quote) = if view == 0 && f.overridden.is_none() {
                    (f.value, quote_of(f))
                } else {
                    let v = f.views().swap_remove(view);
                    (v.value, Cow::Owned(quote_of(&v).into_owned()))
                };
                let note = if f.alternative {
                    Some("与其他来源不一致，本站采用另一来源的数字".to_string())
                } else {
                    f.overridden.as_ref().filter(|_| view == 0).map(|o| {
                        format!(
                            "编者更正为 {}{} {}：{}",
                            f.bound.map_or("", |b| b.symbol()),
                            format::number(f.value),
                            ind.unit,
                            o.reason
                        )
                    })
                };
                CitedCtx {
                    place: p.full_name(),
                    place_href: format!("{root}{}#{}", urls::place(&p.slug), f.anchor()),
                    indicator: &ind.name,
                    figure: FigureCtx::of(f, value, ind, quote),
                    mark: self.prov.cite_mark_of(r, view as u32).map(String::as_str),
                    note,
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
        (dir, ctx)
    }
}

/// A figure an article supports, as its page lists it: the source is the page itself,
/// so it needs less than a place page's row (30,000 pages of them).
#[derive(Serialize)]
struct CitedCtx<'a> {
    place: String,
    place_href: String,
    indicator: &'a str,
    #[serde(flatten)]
    figure: FigureCtx<'a>,
    /// The id of the marked sentence on the page.
    mark: Option<&'a str>,
    /// The figure as published differs from what this article states.
    note: Option<String>,
}

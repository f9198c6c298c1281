//! The pages every site has besides its content: 404, the sitemap and the Atom feed.

use super::fed::Fed;
use super::*;

impl<'a> Renderer<'a> {
    /// Fed by the settings alone.
    pub(super) fn fed_not_found(&self, fed: &Fed) -> u128 {
        fed.page("404", "404.html").done()
    }

    /// Fed by: which places, indicators and articles there are, and the articles'
    /// dates.
    pub(super) fn fed_sitemap(&self, fed: &Fed) -> u128 {
        let mut p = fed.page("sitemap", "sitemap.xml");
        // Exactly what it lists, in its order (provinces are in their places' order).
        for entry in super::kinds::sitemap_entries(self.site) {
            p.add(&entry);
        }
        p.done()
    }

    /// Fed by every article's front matter and text (the summary is its opening).
    pub(super) fn fed_feed(&self, fed: &Fed) -> u128 {
        let mut p = fed.page("feed", "atom.xml");
        for a in self.site.articles.values() {
            p.add(&a.id).add(&fed.articles.get(a.id.as_str()));
        }
        p.done()
    }

    pub(super) fn not_found(&self, out: &dyn Writer) -> Result<(), Diagnostic> {
        let mut ctx = self.context("");
        // Served at any URL, so its links are absolute paths rather than relative.
        ctx.insert("root", &urls::base_path(&self.base_url));
        let html = self.tera.render("404.html", &ctx).map_err(|e| {
            Diagnostic::error(Code::E014, format!("template `404.html` failed:\n{e}"))
        })?;
        out.write("404.html", html.as_bytes()).map_err(io_err)
    }

    pub(super) fn sitemap(&self, out: &dyn Writer) -> Result<(), Diagnostic> {
        let abs = |p: String| urls::absolute(&self.base_url, &p);
        let urls_out: Vec<SitemapUrl> = super::kinds::sitemap_entries(self.site)
            .into_iter()
            .map(|(path, lastmod)| SitemapUrl {
                loc: if path.is_empty() {
                    self.base_url.clone()
                } else {
                    abs(path)
                },
                lastmod,
            })
            .collect();
        let render = |urls: &[SitemapUrl], file: &str| -> Result<(), Diagnostic> {
            let mut ctx = self.context("");
            ctx.insert("urls", urls);
            let xml = self.tera.render("sitemap.xml", &ctx).map_err(|e| {
                Diagnostic::error(Code::E014, format!("template `sitemap.xml` failed:\n{e}"))
            })?;
            out.write(file, xml.as_bytes()).map_err(io_err)
        };
        if super::fed::sitemap_parts(self.site) == 0 {
            return render(&urls_out, "sitemap.xml");
        }
        // More URLs than one sitemap may list: parts, and `sitemap.xml` as their index.
        let mut index = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for (k, part) in urls_out.chunks(super::fed::SITEMAP_MAX).enumerate() {
            let file = format!("sitemap-{}.xml", k + 1);
            render(part, &file)?;
            index.push_str("<sitemap><loc>");
            pulldown_cmark_escape::escape_html(&mut index, &abs(file)).ok();
            index.push_str("</loc></sitemap>\n");
        }
        index.push_str("</sitemapindex>\n");
        out.write("sitemap.xml", index.as_bytes()).map_err(io_err)
    }

    /// The Atom feed lists dated articles, newest first. Undated ones are left out
    /// rather than given an invented date.
    pub(super) fn feed(&self, out: &dyn Writer) -> Result<(), Diagnostic> {
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
        let xml = self.tera.render("atom.xml", &ctx).map_err(|e| {
            Diagnostic::error(Code::E014, format!("template `atom.xml` failed:\n{e}"))
        })?;
        out.write("atom.xml", xml.as_bytes()).map_err(io_err)
    }
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

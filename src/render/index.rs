//! The home page: an overview of the provinces and their places, the indicators and
//! the newest articles, linking to the full lists (`super::lists`).

use super::fed::Fed;
use super::*;

impl<'a> Renderer<'a> {
    /// Fed by what other pages show of every place and how many figures each has,
    /// the newest articles as listed, and the counts.
    pub(super) fn fed_index(&self, fed: &Fed) -> u128 {
        let mut p = fed.page("index", "index.html");
        for (i, place) in self.site.places.iter().enumerate() {
            p.add(&fed.heads[i]).add(&place.figures.len());
        }
        for a in self.newest().iter().take(self.site.config.recent_articles) {
            p.add(&a.id).add(&fed.article_refs.get(a.id.as_str()));
        }
        p.add(&self.site.articles.len());
        p.done()
    }

    /// An overview that stays small however large the site: the provinces with their
    /// places (a large province's prefecture-level ones), the indicators and the newest
    /// articles, each section linking to its full list.
    pub(super) fn index(&self, out: &dyn Writer) -> Result<(), Diagnostic> {
        let mut ctx = self.context("");
        ctx.insert("section", "home");
        let root = urls::root_from("");
        let provinces = self.province_overview("");
        ctx.insert("provinces", &provinces);
        ctx.insert("province_heading", &3);
        ctx.insert("place_count", &self.site.places.len());
        ctx.insert(
            "indicators",
            &self
                .site
                .indicators
                .values()
                .map(|i| IndicatorRef::of(i, &root))
                .collect::<Vec<_>>(),
        );
        let recent: Vec<&Article> = self
            .newest()
            .iter()
            .take(self.site.config.recent_articles)
            .copied()
            .collect();
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
        ctx.insert("places_href", &format!("{root}{}", urls::PLACES));
        ctx.insert("indicators_href", &format!("{root}{}", urls::INDICATORS));
        ctx.insert("articles_href", &format!("{root}{}", urls::article_list(1)));
        ctx.insert("figures_csv", urls::FIGURES_CSV);
        ctx.insert("figures_json", urls::FIGURES_JSON);
        ctx.insert("datapackage", urls::DATAPACKAGE);
        self.page("index.html", "", &ctx, out)
    }
}

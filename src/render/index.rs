//! The home page: every place by province with the headline indicators' latest
//! values, the indicator list and the newest articles.

use super::fed::Fed;
use super::*;

impl<'a> Renderer<'a> {
    /// Fed by: every place's own fields and its figures of the headline indicators
    /// (their latest values), the newest articles as listed, and the counts.
    pub(super) fn fed_index(&self, fed: &Fed) -> u128 {
        let mut p = fed.page("index", "index.html");
        for (i, by) in fed.by_indicator.iter().enumerate() {
            p.add(&fed.heads[i]);
            for id in &self.site.config.headline {
                p.add(&by.get(id.as_str()));
            }
        }
        let mut recent: Vec<&Article> = self.site.articles.values().collect();
        recent.sort_by(|a, b| newest_first(a, b));
        for a in recent.iter().take(self.site.config.recent_articles) {
            p.add(&a.id).add(&fed.article_refs.get(a.id.as_str()));
        }
        let figures: usize = self.site.places.iter().map(|p| p.figures.len()).sum();
        p.add(&figures).add(&self.site.articles.len());
        p.done()
    }

    pub(super) fn index(&self, out: &dyn Writer) -> Result<(), Diagnostic> {
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
        ctx.insert("figures_json", urls::FIGURES_JSON);
        ctx.insert("datapackage", urls::DATAPACKAGE);
        self.page("index.html", "", &ctx, out)
    }
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

//! The pages that list the site's places, indicators and articles: `/cities/` (every
//! province, with a page each), `/indicators/` (by theme) and `/articles/` (newest
//! first, a page at a time). They are what the header links to, so that no page, the
//! home page least, has to list everything at once: at 3,000 places the home page's
//! one table was 937 KB and the only way to a county was scrolling.

use super::fed::Fed;
use super::*;
use crate::content::Group;

/// A province and its places, as the listing pages show them.
pub(super) struct Province<'a> {
    pub name: &'a str,
    pub slug: String,
    /// Places, in the order of their administrative division codes.
    pub places: Vec<usize>,
}

/// The provinces of a site, in the order of their places' division codes (places
/// without one last, by name), each with a slug from its pinyin: `福建省` → `fujian`.
/// Two provinces of one pinyin (山西, 陕西) are told apart by a number, in that order.
pub(super) fn provinces(site: &Site) -> Vec<Province<'_>> {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in site.places.iter().enumerate() {
        by_name.entry(&p.province).or_default().push(i);
    }
    let code_key = |i: &usize| {
        let p = &site.places[*i];
        (
            p.code.is_none(),
            p.code.clone(),
            p.full_name(),
            p.slug.clone(),
        )
    };
    let mut list: Vec<(&str, Vec<usize>)> = by_name.into_iter().collect();
    for (_, places) in &mut list {
        places.sort_by_cached_key(code_key);
    }
    list.sort_by_cached_key(|(name, places)| (code_key(&places[0]), name.to_string()));
    let mut taken: BTreeSet<String> = BTreeSet::new();
    list.into_iter()
        .map(|(name, places)| {
            let mut base = crate::gazetteer::slug_of(crate::gazetteer::short_name(name));
            if base.is_empty() {
                base = "province".to_string();
            }
            let mut slug = base.clone();
            let mut n = 2;
            while !taken.insert(slug.clone()) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            Province { name, slug, places }
        })
        .collect()
}

/// How many pages `/articles/` takes.
pub(super) fn article_pages(site: &Site) -> u32 {
    let per = site.config.articles_per_page.max(1);
    site.articles.len().div_ceil(per).max(1) as u32
}

/// Places a province lists in full in an overview (`/cities/`, the home page); a
/// larger one lists its prefecture-level places and links to its page for the rest.
const LISTED_IN_FULL: usize = 24;

impl<'a> Renderer<'a> {
    pub(super) fn provinces(&self) -> &[Province<'a>] {
        self.provinces.get_or_init(|| provinces(self.site))
    }

    /// The slug of the province named `name`.
    pub(super) fn province_slug(&self, name: &str) -> Option<&str> {
        self.provinces()
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.slug.as_str())
    }

    /// The provinces as an overview lists them, with links from page `dir`.
    pub(super) fn province_overview(&self, dir: &str) -> Vec<ProvinceSummary> {
        let root = urls::root_from(dir);
        self.provinces()
            .iter()
            .map(|pr| {
                let places: Vec<&Place> = pr.places.iter().map(|&i| &self.site.places[i]).collect();
                let shown: Vec<&Place> = if places.len() <= LISTED_IN_FULL {
                    places.clone()
                } else {
                    places
                        .iter()
                        .copied()
                        .filter(|p| p.parent.is_none())
                        .collect()
                };
                ProvinceSummary {
                    name: pr.name.to_string(),
                    href: format!("{root}{}", urls::province(&pr.slug)),
                    place_count: places.len(),
                    figure_count: places.iter().map(|p| p.figures.len()).sum(),
                    more: places.len() - shown.len(),
                    places: shown
                        .into_iter()
                        .map(|p| PlaceLink {
                            name: p.full_name(),
                            level: p.level.label_zh(),
                            href: format!("{root}{}", urls::place(&p.slug)),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// Fed by what other pages show of every place, and how many figures each has.
    pub(super) fn fed_place_list(&self, fed: &Fed) -> u128 {
        let mut p = fed.page("places", "places.html");
        for (i, place) in self.site.places.iter().enumerate() {
            p.add(&fed.heads[i]).add(&place.figures.len());
        }
        p.done()
    }

    pub(super) fn place_list(&self, out: &dyn Writer) -> Result<(), Diagnostic> {
        let dir = urls::PLACES;
        let mut ctx = self.context(dir);
        ctx.insert("section", "places-list");
        ctx.insert("province_heading", &2);
        ctx.insert("provinces", &self.province_overview(dir));
        ctx.insert("place_count", &self.site.places.len());
        self.page("places.html", dir, &ctx, out)
    }

    /// Fed by its places' heads and their figures of the headline indicators.
    pub(super) fn fed_province(&self, fed: &Fed, slug: &str) -> u128 {
        let mut p = fed.page("province", "province.html");
        p.add(slug);
        if let Some(pr) = self.provinces().iter().find(|pr| pr.slug == slug) {
            p.add(pr.name);
            for &i in &pr.places {
                p.add(&fed.heads[i]).add(&self.site.places[i].figures.len());
                for id in &self.site.config.headline {
                    p.add(&fed.by_indicator[i].get(id.as_str()));
                }
            }
        }
        p.done()
    }

    pub(super) fn province(&self, pr: &Province, out: &dyn Writer) -> Result<(), Diagnostic> {
        let dir = urls::province(&pr.slug);
        let root = urls::root_from(&dir);
        let mut ctx = self.context(&dir);
        ctx.insert("section", "places");
        let headline: Vec<&Indicator> = self
            .site
            .config
            .headline
            .iter()
            .filter_map(|id| self.site.indicators.get(id))
            .collect();
        let latest = |place: usize, ind: &Indicator| -> Option<LatestCtx> {
            let covered = self.covered(&ind.id);
            // In place order: a search, not a scan, for each of a province's places.
            covered
                .binary_search_by_key(&place, |c| c.place)
                .ok()
                .and_then(|i| covered[i].latest)
                .map(|f| LatestCtx::of(f, ind))
        };
        let places: Vec<PlaceSummary> = pr
            .places
            .iter()
            .map(|&i| {
                let p = &self.site.places[i];
                PlaceSummary {
                    name: p.full_name(),
                    level: p.level.label_zh(),
                    href: format!("{root}{}", urls::place(&p.slug)),
                    figure_count: p.figures.len(),
                    headline: headline.iter().map(|ind| latest(i, ind)).collect(),
                }
            })
            .collect();
        ctx.insert("province", pr.name);
        ctx.insert("places", &places);
        ctx.insert(
            "headline",
            &headline
                .iter()
                .map(|i| IndicatorRef::of(i, &root))
                .collect::<Vec<_>>(),
        );
        ctx.insert("places_href", &format!("{root}{}", urls::PLACES));
        self.page("province.html", &dir, &ctx, out)
    }

    /// Fed by the catalogue (in the site's digest) and which places have figures of
    /// each indicator, with their latest periods.
    pub(super) fn fed_indicator_list(&self, fed: &Fed) -> u128 {
        let mut p = fed.page("indicators", "indicators.html");
        for by in &fed.by_indicator {
            p.add(by);
        }
        p.done()
    }

    pub(super) fn indicator_list(&self, out: &dyn Writer) -> Result<(), Diagnostic> {
        let dir = urls::INDICATORS;
        let root = urls::root_from(dir);
        let mut ctx = self.context(dir);
        ctx.insert("section", "indicators-list");
        let mut groups: Vec<(Option<Group>, Vec<IndicatorSummary>)> = Vec::new();
        let mut inds: Vec<&Indicator> = self.site.indicators.values().collect();
        // By theme, ungrouped last; in catalogue order within a theme.
        inds.sort_by_key(|i| (i.group.is_none(), i.group));
        for ind in inds {
            let covered = self.covered(&ind.id);
            let latest = covered
                .iter()
                .filter_map(|c| c.latest)
                .map(|f| f.period)
                .max();
            let summary = IndicatorSummary {
                indicator: IndicatorRef::of(ind, &root),
                places: covered.len(),
                latest: latest.map(|p| p.label_zh()),
            };
            match groups.last_mut() {
                Some((g, list)) if *g == ind.group => list.push(summary),
                _ => groups.push((ind.group, vec![summary])),
            }
        }
        let groups: Vec<GroupCtx> = groups
            .into_iter()
            .map(|(g, indicators)| GroupCtx {
                id: g.map_or("other", Group::as_str),
                label: g.map_or("其他", Group::label_zh),
                label_en: g.map_or("Other", Group::label_en),
                indicators,
            })
            .collect();
        ctx.insert("groups", &groups);
        ctx.insert("indicator_count", &self.site.indicators.len());
        self.page("indicators.html", dir, &ctx, out)
    }

    /// The articles of page `n` (from 1), newest first.
    fn articles_on(&self, n: u32) -> &[&'a Article] {
        let per = self.site.config.articles_per_page.max(1);
        let all = self.newest();
        let start = ((n.max(1) as usize - 1) * per).min(all.len());
        &all[start..(start + per).min(all.len())]
    }

    /// Fed by the articles it lists as other pages show them, and how many pages
    /// there are (its navigation).
    pub(super) fn fed_article_list(&self, fed: &Fed, n: u32) -> u128 {
        let mut p = fed.page("articles", "articles.html");
        p.add(&n)
            .add(&article_pages(self.site))
            .add(&self.site.articles.len());
        for a in self.articles_on(n) {
            p.add(&a.id).add(&fed.article_refs.get(a.id.as_str()));
            // The name of its place, as the list shows it.
            let place = self
                .site
                .places
                .binary_search_by(|p| p.slug.as_str().cmp(&a.meta.city));
            p.add(&place.ok().map(|i| fed.heads[i]));
        }
        p.done()
    }

    pub(super) fn article_list(&self, n: u32, out: &dyn Writer) -> Result<(), Diagnostic> {
        let dir = urls::article_list(n);
        let root = urls::root_from(&dir);
        let mut ctx = self.context(&dir);
        ctx.insert("section", if n == 1 { "articles-list" } else { "articles" });
        let pages = article_pages(self.site);
        let href = |k: u32| format!("{root}{}", urls::article_list(k));
        ctx.insert(
            "articles",
            &self
                .articles_on(n)
                .iter()
                .map(|a| self.article_ref(a, &root))
                .collect::<Vec<_>>(),
        );
        ctx.insert(
            "pager",
            &Pager {
                current: n,
                total: pages,
                previous: (n > 1).then(|| href(n - 1)),
                next: (n < pages).then(|| href(n + 1)),
                pages: pager_window(n, pages)
                    .into_iter()
                    .map(|(k, gap_before)| PageLink {
                        number: k,
                        href: href(k),
                        gap_before,
                    })
                    .collect(),
            },
        );
        ctx.insert("article_count", &self.site.articles.len());
        self.page("articles.html", &dir, &ctx, out)
    }
}

#[derive(Serialize)]
pub(super) struct ProvinceSummary {
    name: String,
    href: String,
    place_count: usize,
    figure_count: usize,
    /// Places not listed here (shown on the province's page).
    more: usize,
    places: Vec<PlaceLink>,
}

#[derive(Serialize)]
struct PlaceLink {
    name: String,
    level: &'static str,
    href: String,
}

#[derive(Serialize)]
struct PlaceSummary {
    name: String,
    level: &'static str,
    href: String,
    figure_count: usize,
    headline: Vec<Option<LatestCtx>>,
}

#[derive(Serialize)]
struct IndicatorSummary {
    indicator: IndicatorRef,
    /// How many places have figures of it.
    places: usize,
    /// The latest period with an actual figure, anywhere.
    latest: Option<String>,
}

#[derive(Serialize)]
struct GroupCtx {
    id: &'static str,
    label: &'static str,
    label_en: &'static str,
    indicators: Vec<IndicatorSummary>,
}

#[derive(Serialize)]
struct Pager {
    current: u32,
    total: u32,
    previous: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
}

#[derive(Serialize)]
struct PageLink {
    number: u32,
    href: String,
    /// Pages are left out before it (an ellipsis).
    gap_before: bool,
}

/// The page numbers a pager shows: the first, the last, and two either side of the
/// current one, each with whether pages are left out before it. At 30,000 articles a
/// full list would put 600 links on each of 600 pages.
fn pager_window(current: u32, total: u32) -> Vec<(u32, bool)> {
    let mut shown: Vec<u32> = (1..=total)
        .filter(|&k| k == 1 || k == total || k.abs_diff(current) <= 2)
        .collect();
    shown.dedup();
    let mut last = 0;
    shown
        .into_iter()
        .map(|k| {
            let gap = k > last + 1;
            last = k;
            (k, gap)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with(provinces: &[(&str, &str, Option<&str>)]) -> Site {
        let (mut site, _) =
            crate::content::load_uncached(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
        let template = site.places[0].clone();
        site.places = provinces
            .iter()
            .enumerate()
            .map(|(i, (province, name, code))| {
                let mut p = template.clone();
                p.slug = format!("p{i}");
                p.name = name.to_string();
                p.province = province.to_string();
                p.code = code.map(str::to_string);
                p.parent = None;
                p
            })
            .collect();
        site
    }

    #[test]
    fn provinces_follow_division_codes_and_two_of_one_pinyin_get_two_slugs() {
        let site = site_with(&[
            ("陕西省", "西安市", Some("610100")),
            ("山西省", "太原市", Some("140100")),
            ("福建省", "福州市", Some("350100")),
            ("福建省", "厦门市", Some("350200")),
            ("某省", "某市", None),
        ]);
        let list = provinces(&site);
        let got: Vec<(&str, &str, usize)> = list
            .iter()
            .map(|p| (p.name, p.slug.as_str(), p.places.len()))
            .collect();
        assert_eq!(
            got,
            [
                ("山西省", "shanxi", 1),
                ("福建省", "fujian", 2),
                ("陕西省", "shanxi-2", 1),
                ("某省", "mousheng", 1)
            ]
        );
        // Within a province, by code: 福州 (350100) before 厦门 (350200).
        assert_eq!(site.places[list[1].places[0]].name, "福州市");
    }

    #[test]
    fn a_pager_shows_the_ends_and_the_pages_near_the_current_one() {
        let numbers = |c, t| -> Vec<(u32, bool)> { pager_window(c, t) };
        assert_eq!(numbers(1, 1), [(1, false)]);
        assert_eq!(
            numbers(1, 4),
            [(1, false), (2, false), (3, false), (4, false)]
        );
        assert_eq!(
            numbers(300, 600),
            [
                (1, false),
                (298, true),
                (299, false),
                (300, false),
                (301, false),
                (302, false),
                (600, true)
            ]
        );
        assert_eq!(numbers(600, 600)[..2], [(1, false), (598, true)]);
    }

    #[test]
    fn articles_take_as_many_pages_as_they_fill() {
        let mut site = site_with(&[("福建省", "福州市", None)]);
        let n = site.articles.len();
        site.config.articles_per_page = n;
        assert_eq!(article_pages(&site), 1);
        site.config.articles_per_page = n - 1;
        assert_eq!(article_pages(&site), 2);
        site.config.articles_per_page = 0;
        assert_eq!(article_pages(&site) as usize, n);
        site.articles.clear();
        assert_eq!(article_pages(&site), 1, "an empty list is still one page");
    }
}

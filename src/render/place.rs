//! A place's page: a card per indicator with its chart, latest value, change and
//! every figure with its source.

use super::fed::Fed;
use super::*;

impl<'a> Renderer<'a> {
    /// Fed by: the place's own fields and figures (with their marks and sources),
    /// the slug of the place its parent's name links to, and the articles about it.
    /// Its CSV is written with it and reads no more.
    pub(super) fn fed_place(&self, fed: &Fed, index: usize) -> u128 {
        let place = &self.site.places[index];
        let mut p = fed.page("place", "place.html");
        p.add(&fed.heads[index])
            .add(&place.name_en)
            .add(&fed.by_indicator[index]);
        p.add(
            &place
                .parent
                .as_deref()
                .and_then(|parent| self.named(parent))
                .map(|n| &n.slug),
        );
        p.add(&self.province_slug(&place.province));
        for a in self.articles_of(&place.slug) {
            p.add(&a.id).add(&fed.article_refs.get(a.id.as_str()));
        }
        p.done()
    }

    pub(super) fn place(
        &self,
        index: usize,
        place: &'a Place,
        out: &dyn Writer,
    ) -> Result<(), Diagnostic> {
        let dir = urls::place(&place.slug);
        let root = urls::root_from(&dir);
        let mut ctx = self.context(&dir);
        ctx.insert("section", "places");
        let catalogued = place.indicators(&self.site.indicators);
        let mut inds = catalogued.clone();
        // Grouped by theme in the catalogue's order; the ungrouped come last.
        inds.sort_by_key(|i| i.group.map_or(u8::MAX, |g| g as u8));
        let mut groups: Vec<GroupCtx> = Vec::new();
        for ind in inds {
            let figs = figures_of(place, &ind.id);
            let actual: Vec<&Figure> = figs
                .iter()
                .map(|(_, f)| *f)
                .filter(|f| f.status == Status::Actual)
                .collect();
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
            let row = |(fi, f): &(usize, &'a Figure)| {
                self.figure_row(
                    FigureRef {
                        place: index,
                        figure: *fi,
                    },
                    f,
                    ind,
                    &root,
                )
            };
            let mut points: Vec<Point> = figs
                .iter()
                .map(|(_, f)| Point {
                    period: f.period,
                    value: f.value,
                    status: f.status,
                    bound: f.bound,
                })
                .collect();
            points.dedup_by_key(|p| (p.period, p.status));
            // A single figure is a row of the key-figures table, with its source;
            // a chart of one dot says nothing the row does not.
            // Several figures for one point (two sources of the same year) keep their
            // table, without a chart.
            let card = if figs.len() >= 2 {
                Some(self.card(place, ind, &figs, &points, &root, &row))
            } else {
                None
            };
            // The latest actual figure, or the latest target where nothing is achieved yet.
            let shown = actual
                .last()
                .copied()
                .or_else(|| figs.last().map(|(_, f)| *f));
            let Some(shown) = shown else { continue };
            let key = KeyRowCtx {
                indicator: IndicatorRef::of(ind, &root),
                latest: LatestCtx::of(shown, ind),
                status_label: shown.status.label_zh(),
                change,
                count: figs.len(),
                chart: card.as_ref().is_some_and(|c| c.chart.is_some()),
                single: if card.is_none() {
                    figs.first().map(row)
                } else {
                    None
                },
            };
            let id = ind.group.map_or("other", |g| g.as_str());
            if groups.last().is_none_or(|g| g.id != id) {
                groups.push(GroupCtx {
                    id,
                    label: ind.group.map_or("其他", |g| g.label_zh()),
                    label_en: ind.group.map_or("Other", |g| g.label_en()),
                    keys: Vec::new(),
                    cards: Vec::new(),
                });
            }
            let g = groups.last_mut().expect("pushed above");
            g.keys.push(key);
            g.cards.extend(card);
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
                province_href: self
                    .province_slug(&place.province)
                    .map(|slug| format!("{root}{}", urls::province(slug))),
                level: place.level.label_zh(),
                parent: place.parent.as_deref(),
                parent_href,
                code: place.code.as_deref(),
            },
        );
        ctx.insert("groups", &groups);
        ctx.insert(
            "charts",
            &groups
                .iter()
                .flat_map(|g| &g.cards)
                .filter(|c| c.chart.is_some())
                .count(),
        );
        ctx.insert(
            "articles",
            &self
                .articles_of(&place.slug)
                .iter()
                .map(|a| self.article_ref(a, &root))
                .collect::<Vec<_>>(),
        );
        let csv = urls::place_csv(&place.slug);
        ctx.insert(
            "about",
            &self.about(&cite::Subject {
                title: format!("{}科技创新指标", place.full_name()),
                description: format!(
                    "{}（{}）的科技创新指标，每个数字均附原文出处。",
                    place.full_name(),
                    place.province
                ),
                dir: &dir,
                indicators: catalogued,
                figures: place.figures.iter().map(|f| (place, f)).collect(),
                csv: csv.clone(),
                json: urls::json_of(&csv),
            }),
        );
        ctx.insert("json_href", &format!("{root}{}", urls::json_of(&csv)));
        ctx.insert("csv_href", &format!("{root}{csv}"));
        self.page("place.html", &dir, &ctx, out)
    }
}

#[derive(Serialize)]
struct PlaceCtx<'a> {
    slug: &'a str,
    name: &'a str,
    full_name: String,
    name_en: &'a str,
    province: &'a str,
    province_href: Option<String>,
    level: &'static str,
    parent: Option<&'a str>,
    parent_href: Option<String>,
    code: Option<&'a str>,
}

impl<'a> Renderer<'a> {
    /// An indicator's series as a chart with the table of its figures.
    fn card(
        &self,
        place: &Place,
        ind: &'a Indicator,
        figs: &[(usize, &'a Figure)],
        points: &[Point],
        root: &str,
        row: &dyn Fn(&(usize, &'a Figure)) -> RowCtx<'a>,
    ) -> CardCtx<'a> {
        let title = format!("{} · {}", place.full_name(), ind.name);
        let subtitle = if figs.iter().any(|(_, f)| f.status == Status::Target) {
            format!("单位：{}　实心点为实际值，空心点与虚线为目标", ind.unit)
        } else {
            format!("单位：{}", ind.unit)
        };
        let svg = (points.len() >= 2).then(|| {
            self.timed(|| {
                chart::series_chart(
                    &format!("chart-{}", ind.id),
                    &title,
                    &subtitle,
                    &describe_series(&figs.iter().map(|(_, f)| *f).collect::<Vec<_>>(), ind),
                    points,
                )
            })
        });
        CardCtx {
            indicator: IndicatorRef::of(ind, root),
            description: &ind.description,
            chart: svg,
            chart_file: format!("{}-{}.svg", place.slug, ind.id),
            rows: figs.iter().map(row).collect(),
        }
    }
}

/// A theme of the page: its key figures and the charts of its series.
#[derive(Serialize)]
struct GroupCtx<'a> {
    id: &'static str,
    label: &'static str,
    label_en: &'static str,
    keys: Vec<KeyRowCtx<'a>>,
    cards: Vec<CardCtx<'a>>,
}

/// One indicator in the key-figures table.
#[derive(Serialize)]
struct KeyRowCtx<'a> {
    indicator: IndicatorRef,
    latest: LatestCtx,
    status_label: &'static str,
    change: Option<ChangeCtx>,
    count: usize,
    /// Whether the indicator's section below has a chart.
    chart: bool,
    /// The indicator's only figure, shown with its source in the table.
    single: Option<RowCtx<'a>>,
}

#[derive(Serialize)]
struct CardCtx<'a> {
    indicator: IndicatorRef,
    description: &'a str,
    /// None when the series has a single point.
    chart: Option<String>,
    /// The name a downloaded copy of the chart is saved under (see `static/js/chart.js`).
    chart_file: String,
    rows: Vec<RowCtx<'a>>,
}

#[derive(Serialize)]
struct ChangeCtx {
    abs: String,
    pct: Option<String>,
    since: String,
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

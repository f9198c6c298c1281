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
        for a in self.articles_of(&place.slug) {
            p.add(&a.id).add(&fed.article_refs.get(a.id.as_str()));
        }
        p.done()
    }

    pub(super) fn place(
        &self,
        index: usize,
        place: &Place,
        out: &Staging,
    ) -> Result<(), Diagnostic> {
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

//! An indicator's page: places ranked by their latest value, and every figure with
//! its source while that stays readable.

use super::fed::Fed;
use super::*;

impl<'a> Renderer<'a> {
    /// Fed by: the figures of the indicator in every place, and those places' own
    /// fields.
    pub(super) fn fed_indicator(&self, fed: &Fed, id: &str) -> u128 {
        let mut p = fed.page("indicator", "indicator.html");
        p.add(id);
        self.add_coverage(fed, id, &mut p);
        p.done()
    }

    /// The places with figures for `id`, with those figures.
    pub(super) fn add_coverage(&self, fed: &Fed, id: &str, p: &mut super::fed::Print) {
        for (i, by) in fed.by_indicator.iter().enumerate() {
            if let Some(d) = by.get(id) {
                p.add(&fed.heads[i]).add(d);
            }
        }
    }

    pub(super) fn indicator(&self, ind: &Indicator, out: &dyn Writer) -> Result<(), Diagnostic> {
        let dir = urls::indicator(&ind.id);
        let root = urls::root_from(&dir);
        let mut ctx = self.context(&dir);
        ctx.insert("section", "indicators");
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
        let csv = urls::indicator_csv(&ind.id);
        let figures = covered
            .iter()
            .flat_map(|c| {
                let p = &self.site.places[c.place];
                p.figures
                    .iter()
                    .filter(|f| f.indicator == ind.id)
                    .map(move |f| (p, f))
            })
            .collect();
        ctx.insert(
            "about",
            &self.about(&cite::Subject {
                title: format!("{}：各地比较", ind.name),
                description: format!("{}（{}）：{}", ind.name, ind.unit, ind.description),
                dir: &dir,
                indicators: vec![ind],
                figures,
                csv: csv.clone(),
                json: urls::json_of(&csv),
            }),
        );
        ctx.insert("json_href", &format!("{root}{}", urls::json_of(&csv)));
        ctx.insert("csv_href", &format!("{root}{csv}"));
        self.page("indicator.html", &dir, &ctx, out)
    }
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

//! The data files: `/data/figures.csv` with its descriptor, and one CSV per place
//! and per indicator.

use super::fed::Fed;
use super::*;

impl<'a> Renderer<'a> {
    /// Fed by every figure of every place.
    pub(super) fn fed_figures_csv(&self, fed: &Fed) -> u128 {
        let mut p = super::fed::Print::new("figures.csv");
        p.add(&fed.site);
        for (head, by) in fed.heads.iter().zip(&fed.by_indicator) {
            p.add(head).add(by);
        }
        p.done()
    }

    /// Fed by the settings and the catalogue alone.
    pub(super) fn fed_datapackage(&self, fed: &Fed) -> u128 {
        let mut p = super::fed::Print::new("datapackage");
        p.add(&fed.site);
        p.done()
    }

    /// Fed by the indicator's figures in every place.
    pub(super) fn fed_indicator_csv(&self, fed: &Fed, id: &str) -> u128 {
        let mut p = super::fed::Print::new("indicator.csv");
        p.add(&fed.site).add(id);
        self.add_coverage(fed, id, &mut p);
        p.done()
    }

    /// `/data/figures.csv` with its descriptor `/data/datapackage.json`, and one CSV per
    /// place and per indicator: every figure with its source, at stable URLs.
    /// Streamed row by row into their files: at the scale of every county of China
    /// there are 675,000 rows, which must not all be held in memory at once.
    ///
    /// Per-place files are written for the places in `pages.places`, the others when
    /// `pages` selects them.
    pub(super) fn data(&self, pages: &Pages, out: &Staging) -> Result<(), Diagnostic> {
        let rows_needed = pages.figures_csv || !pages.indicator_csvs.is_empty();
        if !rows_needed && !pages.datapackage && pages.places.is_empty() {
            return Ok(());
        }
        let mut all_csv = None;
        let mut by_indicator: BTreeMap<&str, csv::Writer<crate::output::Stream>> = BTreeMap::new();
        if pages.figures_csv {
            all_csv = Some(csv_writer(out, urls::FIGURES_CSV)?);
        }
        for ind in self.site.indicators.keys() {
            if pages.indicator_csvs.contains(ind) {
                by_indicator.insert(ind, csv_writer(out, &urls::indicator_csv(ind))?);
            }
        }
        if pages.datapackage {
            out.write(
                urls::DATAPACKAGE,
                datapackage::descriptor(self.site, &self.base_url).as_bytes(),
            )
            .map_err(io_err)?;
        }
        for (pi, p) in self.site.places.iter().enumerate() {
            let mut place_csv = if pages.places.contains(&pi) {
                Some(csv_writer(out, &urls::place_csv(&p.slug))?)
            } else if pages.figures_csv
                || p.figures
                    .iter()
                    .any(|f| pages.indicator_csvs.contains(&f.indicator))
            {
                None
            } else {
                continue;
            };
            let mut figs: Vec<&Figure> = p
                .figures
                .iter()
                .filter(|f| self.site.indicators.contains_key(&f.indicator))
                .collect();
            figs.sort_by_key(|f| (&f.indicator, f.period, f.status));
            let place_name = p.full_name();
            for f in figs {
                let ind = &self.site.indicators[&f.indicator];
                let (period, value) = (f.period.to_string(), format::plain(f.value));
                let source_url = urls::absolute(&self.base_url, &urls::article(&f.source));
                let quote = f.quotes.join(" | ");
                let others: Vec<(&str, &[String])> = f.citations().skip(1).collect();
                let other_sources = others
                    .iter()
                    .map(|(s, _)| *s)
                    .collect::<Vec<_>>()
                    .join(" | ");
                let other_quotes = others
                    .iter()
                    .map(|(_, q)| q.join(" … "))
                    .collect::<Vec<_>>()
                    .join(" | ");
                let preferred = if f.alternative { "no" } else { "yes" };
                let original = f
                    .overridden
                    .as_ref()
                    .map_or(String::new(), |o| format::plain(o.original));
                let reason = f.overridden.as_ref().map_or("", |o| o.reason.as_str());
                let corrected = self.corrected(p, f);
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
                    &other_sources,
                    &text(&other_quotes),
                    preferred,
                    &original,
                    &text(reason),
                    &corrected,
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

fn csv_writer(out: &Staging, rel: &str) -> Result<csv::Writer<crate::output::Stream>, Diagnostic> {
    let mut w = csv::Writer::from_writer(out.stream(rel).map_err(io_err)?);
    w.write_record(datapackage::COLUMNS.map(|(name, _, _)| name))
        .map_err(csv_err)?;
    Ok(w)
}

fn finish_csv(out: &Staging, w: csv::Writer<crate::output::Stream>) -> Result<(), Diagnostic> {
    let inner = w
        .into_inner()
        .map_err(|e| Diagnostic::error(Code::E013, format!("cannot write CSV: {e}")))?;
    out.finish(inner).map_err(io_err)
}

fn csv_err(e: csv::Error) -> Diagnostic {
    Diagnostic::error(Code::E013, format!("cannot write CSV: {e}"))
}

impl Renderer<'_> {
    /// The figure's earlier values with the dates they were corrected: the CSV's
    /// `corrected` column.
    fn corrected(&self, place: &Place, f: &Figure) -> String {
        let Some(h) = self.history else {
            return String::new();
        };
        h.of_figure(&place.slug, &f.indicator, f.period, f.status)
            .filter_map(|c| match &c.change {
                crate::history::Change::Value { from, .. } => {
                    Some(format!("{}@{}", format::plain(*from), c.date))
                }
                crate::history::Change::Moved { from, value, .. } => {
                    Some(format!("{}@{}({from})", format::plain(*value), c.date))
                }
                crate::history::Change::Deleted { .. } => None,
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

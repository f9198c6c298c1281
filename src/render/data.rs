//! The data files: `/data/figures.csv` with its descriptor, and one CSV per place
//! and per indicator.

use super::*;

impl<'a> Renderer<'a> {
    /// `/data/figures.csv` with its descriptor `/data/datapackage.json`, and one CSV per
    /// place and per indicator: every figure with its source, at stable URLs.
    /// Streamed row by row into their files: at the scale of every county of China
    /// there are 675,000 rows, which must not all be held in memory at once.
    ///
    /// Per-place files are written for the places in `pages.places`; the site-wide
    /// files and the per-indicator ones (which every place feeds) when `pages.data`.
    pub(super) fn data(&self, pages: &Pages, out: &Staging) -> Result<(), Diagnostic> {
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

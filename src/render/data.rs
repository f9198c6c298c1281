//! The data files: `/data/figures.csv` with its descriptor, and one CSV per place
//! and per indicator, each with a JSON twin holding the same rows.

use super::columns::{COLUMNS, Fields, Kind};
use super::fed::{Fed, Output};
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
    pub(super) fn data(&self, pages: &Pages, out: &dyn Writer) -> Result<(), Diagnostic> {
        let rows_needed = pages.has(&Output::FiguresCsv) || !pages.indicator_csvs.is_empty();
        if !rows_needed && !pages.has(&Output::Datapackage) && pages.places.is_empty() {
            return Ok(());
        }
        let mut all_csv = None;
        let mut by_indicator: BTreeMap<&str, Table> = BTreeMap::new();
        if pages.has(&Output::FiguresCsv) {
            all_csv = Some(Table::open(out, urls::FIGURES_CSV)?);
        }
        for ind in self.site.indicators.keys() {
            if pages.indicator_csvs.contains(ind) {
                by_indicator.insert(ind, Table::open(out, &urls::indicator_csv(ind))?);
            }
        }
        if pages.has(&Output::Datapackage) {
            out.write(
                urls::DATAPACKAGE,
                datapackage::descriptor(self.site, &self.base_url).as_bytes(),
            )
            .map_err(io_err)?;
        }
        for (pi, p) in self.site.places.iter().enumerate() {
            let mut place_csv = if pages.places.contains(&pi) {
                Some(Table::open(out, &urls::place_csv(&p.slug))?)
            } else if pages.has(&Output::FiguresCsv)
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
                let source_url = urls::absolute(&self.base_url, &urls::article(&f.source));
                let corrected = self.corrected(p, f);
                let row = Row::of(&Fields {
                    place: p,
                    place_name: &place_name,
                    indicator: ind,
                    figure: f,
                    source_url: &source_url,
                    corrected: &corrected,
                });
                for w in [
                    place_csv.as_mut(),
                    all_csv.as_mut(),
                    by_indicator.get_mut(ind.id.as_str()),
                ]
                .into_iter()
                .flatten()
                {
                    w.write(&row)?;
                }
            }
            if let Some(w) = place_csv {
                w.finish(out)?;
            }
        }
        if let Some(w) = all_csv {
            w.finish(out)?;
        }
        for (_, w) in by_indicator {
            w.finish(out)?;
        }
        Ok(())
    }
}

/// A data file in both formats, written row by row: the CSV for spreadsheets, its
/// text cells guarded against formulas; the JSON for programs, one object per row
/// with the CSV's columns, the text as it is and `value` a number.
struct Table {
    csv: csv::Writer<crate::output::Stream>,
    json: crate::output::Stream,
    rows: usize,
}

/// A figure's row, encoded once for every file it goes to: the CSV's cells and the
/// JSON object.
struct Row<'r> {
    cells: [std::borrow::Cow<'r, str>; COLUMNS.len()],
    json: Vec<u8>,
}

impl<'r> Row<'r> {
    fn of(fields: &Fields<'r>) -> Row<'r> {
        let record: [Cow<'r, str>; COLUMNS.len()] =
            std::array::from_fn(|i| (COLUMNS[i].read)(fields));
        let mut json = Vec::with_capacity(512);
        json.push(b'{');
        for (i, (column, cell)) in COLUMNS.iter().zip(&record).enumerate() {
            let (name, kind) = (column.name, column.kind);
            if i > 0 {
                json.push(b',');
            }
            json.push(b'"');
            json.extend_from_slice(name.as_bytes());
            json.extend_from_slice(b"\":");
            if kind == Kind::Number {
                json.extend_from_slice(if cell.is_empty() {
                    b"null"
                } else {
                    cell.as_bytes()
                });
            } else {
                serde_json::to_writer(&mut json, cell.as_ref()).expect("a string serializes");
            }
        }
        json.push(b'}');
        let mut column = COLUMNS.iter();
        let cells = record.map(|cell| {
            if !column.next().is_some_and(|c| c.free_text) {
                return cell;
            }
            let guarded = match datapackage::csv_text(&cell) {
                Cow::Owned(s) => Some(s),
                Cow::Borrowed(_) => None,
            };
            guarded.map_or(cell, Cow::Owned)
        });
        Row { cells, json }
    }
}

impl Table {
    fn open(out: &dyn Writer, csv_rel: &str) -> Result<Table, Diagnostic> {
        let mut csv = csv::Writer::from_writer(out.stream(csv_rel).map_err(io_err)?);
        csv.write_record(COLUMNS.iter().map(|c| c.name))
            .map_err(csv_err)?;
        let json = out.stream(&urls::json_of(csv_rel)).map_err(io_err)?;
        Ok(Table { csv, json, rows: 0 })
    }

    fn write(&mut self, row: &Row) -> Result<(), Diagnostic> {
        use std::io::Write as _;
        self.csv
            .write_record(row.cells.iter().map(|c| c.as_ref()))
            .map_err(csv_err)?;
        let sep: &[u8] = if self.rows == 0 { b"[\n" } else { b",\n" };
        self.json.write_all(sep).map_err(io_err)?;
        self.json.write_all(&row.json).map_err(io_err)?;
        self.rows += 1;
        Ok(())
    }

    fn finish(mut self, out: &dyn Writer) -> Result<(), Diagnostic> {
        use std::io::Write as _;
        let end: &[u8] = if self.rows == 0 { b"[]\n" } else { b"\n]\n" };
        self.json.write_all(end).map_err(io_err)?;
        out.finish(self.json).map_err(io_err)?;
        let inner = self
            .csv
            .into_inner()
            .map_err(|e| Diagnostic::error(Code::E013, format!("cannot write CSV: {e}")))?;
        out.finish(inner).map_err(io_err)
    }
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

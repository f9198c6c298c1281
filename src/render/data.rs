//! The data files: `/data/figures.csv` with its descriptor, and one CSV per place
//! and per indicator, each with a JSON twin holding the same rows.

use super::columns::{COLUMNS, Fields, Kind};
use super::fed::{Fed, Output};
use super::splice::{self, Out, Rows, Span};
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
        // The rows of unchanged places are copied from the published files.
        let source = match (&self.previous_rows, pages.has(&Output::FiguresCsv)) {
            (Some(previous), true) => splice::Source::open(previous),
            _ => None,
        };
        let mut layout = Rows::default();
        if pages.has(&Output::FiguresCsv) {
            let mut all = Table::open(out, urls::FIGURES_CSV)?;
            if let Some(src) = &source {
                all.csv.splice_from(src.csv()).map_err(io_err)?;
                all.json.splice_from(src.json()).map_err(io_err)?;
            }
            all_csv = Some(all);
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
            let in_indicator_csv = || {
                p.figures
                    .iter()
                    .any(|f| pages.indicator_csvs.contains(&f.indicator))
            };
            let mut place_csv = if pages.places.contains(&pi) {
                Some(Table::open(out, &urls::place_csv(&p.slug))?)
            } else if all_csv.is_some() || in_indicator_csv() {
                None
            } else {
                continue;
            };
            let at = all_csv.as_ref().map(Table::at);
            let mut spliced = false;
            if let (Some(all), Some(src)) = (all_csv.as_mut(), &source)
                && place_csv.is_none()
                && let Some(span) = src.span(&p.slug)
            {
                all.splice(span).map_err(io_err)?;
                spliced = true;
                self.spliced
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            // The figures some file still needs formatted.
            let everything = place_csv.is_some() || (all_csv.is_some() && !spliced);
            let mut figs: Vec<&Figure> = p
                .figures
                .iter()
                .filter(|f| self.site.indicators.contains_key(&f.indicator))
                .filter(|f| everything || pages.indicator_csvs.contains(&f.indicator))
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
                    all_csv.as_mut().filter(|_| !spliced),
                    by_indicator.get_mut(ind.id.as_str()),
                ]
                .into_iter()
                .flatten()
                {
                    w.write(&row)?;
                }
            }
            if let (Some(all), Some(at)) = (&all_csv, at) {
                layout.places.insert(p.slug.clone(), all.since(at));
            }
            if let Some(w) = place_csv {
                w.finish(out)?;
            }
        }
        if let Some(w) = all_csv {
            (layout.csv_len, layout.json_len) = w.finish(out)?;
            *self.rows_written.lock().unwrap_or_else(|e| e.into_inner()) = Some(layout);
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
    csv: Out,
    json: Out,
    rows: u64,
}

/// Where a table was: the bytes written to each file and the rows.
#[derive(Clone, Copy)]
struct At {
    csv: u64,
    json: u64,
    rows: u64,
}

/// A figure's row, encoded once for every file it goes to: the CSV record and the
/// JSON object.
struct Row {
    csv: Vec<u8>,
    json: Vec<u8>,
}

impl Row {
    fn of(fields: &Fields) -> Row {
        let record: [Cow<str>; COLUMNS.len()] = std::array::from_fn(|i| (COLUMNS[i].read)(fields));
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
            match datapackage::csv_text(&cell) {
                Cow::Owned(s) => Cow::Owned(s),
                Cow::Borrowed(_) => cell,
            }
        });
        Row {
            csv: csv_record(cells.iter().map(|c| c.as_ref())),
            json,
        }
    }
}

/// One CSV record as the `csv` crate writes it by default (quoted where needed, `\n`
/// at the end).
fn csv_record<'c>(cells: impl IntoIterator<Item = &'c str>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .buffer_capacity(512)
        .from_writer(Vec::with_capacity(512));
    // Writing into memory cannot fail.
    let _ = w.write_record(cells);
    w.into_inner().unwrap_or_default()
}

impl Table {
    fn open(out: &dyn Writer, csv_rel: &str) -> Result<Table, Diagnostic> {
        let mut csv = Out::new(out.stream(csv_rel).map_err(io_err)?);
        csv.write(&csv_record(COLUMNS.iter().map(|c| c.name)))
            .map_err(io_err)?;
        let json = Out::new(out.stream(&urls::json_of(csv_rel)).map_err(io_err)?);
        Ok(Table { csv, json, rows: 0 })
    }

    fn write(&mut self, row: &Row) -> Result<(), Diagnostic> {
        let sep: &[u8] = if self.rows == 0 { b"[\n" } else { b",\n" };
        self.csv.write(&row.csv).map_err(io_err)?;
        self.json.write(sep).map_err(io_err)?;
        self.json.write(&row.json).map_err(io_err)?;
        self.rows += 1;
        Ok(())
    }

    /// Copies a place's published rows.
    fn splice(&mut self, span: Span) -> std::io::Result<()> {
        self.csv.copy(span.csv)?;
        if span.rows == 0 {
            return Ok(());
        }
        // Every row but the file's first follows a `,\n`: copied with it, so that a
        // run of places is one range.
        let (start, end) = span.json;
        if self.rows > 0 && start > 2 {
            self.json.copy((start - 2, end))?;
        } else {
            let sep: &[u8] = if self.rows == 0 { b"[\n" } else { b",\n" };
            self.json.write(sep)?;
            self.json.copy(span.json)?;
        }
        self.rows += span.rows;
        Ok(())
    }

    fn at(&self) -> At {
        At {
            csv: self.csv.pos,
            json: self.json.pos,
            rows: self.rows,
        }
    }

    /// The rows written since `at`.
    fn since(&self, at: At) -> Span {
        let rows = self.rows - at.rows;
        // The JSON range starts after the separator before the first row.
        let json_start = if rows == 0 {
            self.json.pos
        } else {
            at.json + 2
        };
        Span {
            csv: (at.csv, self.csv.pos),
            json: (json_start, self.json.pos),
            rows,
        }
    }

    /// Ends both files; returns their lengths.
    fn finish(mut self, out: &dyn Writer) -> Result<(u64, u64), Diagnostic> {
        let end: &[u8] = if self.rows == 0 { b"[]\n" } else { b"\n]\n" };
        self.json.write(end).map_err(io_err)?;
        self.csv.flush_copy().map_err(io_err)?;
        let lengths = (self.csv.pos, self.json.pos);
        out.finish(self.json.w).map_err(io_err)?;
        out.finish(self.csv.w).map_err(io_err)?;
        Ok(lengths)
    }
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

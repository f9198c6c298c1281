//! The public record of corrections: `/corrections/` lists every change of a
//! published figure, newest first, with an Atom feed beside it (see [`crate::history`]).

use super::fed::Fed;
use super::*;
use crate::history::{Change, Correction};

pub const PAGE: &str = "corrections/";
pub const FEED: &str = "corrections/atom.xml";

impl<'a> Renderer<'a> {
    /// Fed by: the history, the places' own fields (names and links) and the
    /// indicators (names and units, in the site print).
    pub(super) fn fed_corrections(&self, fed: &Fed) -> u128 {
        let mut p = fed.page("corrections", "corrections.html");
        p.add(&fed.templates.get("corrections.xml"));
        if let Some(h) = self.history {
            p.json(&h.corrections).json(&h.note);
        }
        for (i, pl) in self.site.places.iter().enumerate() {
            p.add(&pl.slug).add(&fed.heads[i]);
        }
        p.done()
    }

    pub(super) fn corrections(&self, out: &dyn Writer) -> Result<(), Diagnostic> {
        let root = urls::root_from(PAGE);
        let all: &[Correction] = self.history.map_or(&[], |h| h.corrections.as_slice());
        let rows: Vec<CorrectionRow> = all.iter().map(|c| self.correction_row(c, &root)).collect();
        let mut ctx = self.context(PAGE);
        ctx.insert("corrections", &rows);
        ctx.insert("record_note", &self.history.and_then(|h| h.note.as_deref()));
        self.page("corrections.html", PAGE, &ctx, out)?;

        let abs = |p: &str| urls::absolute(&self.base_url, p);
        let entries: Vec<CorrectionEntry> = rows
            .iter()
            .zip(all)
            .map(|(r, c)| CorrectionEntry {
                title: format!("{} · {} · {}", r.place_name, r.indicator, r.period),
                id: format!("{}#{}-{}", abs(PAGE), c.commit, r.anchor),
                url: match &r.place_href {
                    Some(_) => abs(&format!("{}#{}", urls::place(&c.place), r.anchor)),
                    None => abs(PAGE),
                },
                updated: c.time.clone(),
                summary: format!("{}：{}", r.text, r.message),
            })
            .collect();
        let mut ctx = self.context(PAGE);
        ctx.insert(
            "updated",
            &all.first()
                .map_or("1970-01-01T00:00:00Z".to_string(), |c| c.time.clone()),
        );
        ctx.insert("feed_url", &abs(FEED));
        ctx.insert("page_url", &abs(PAGE));
        ctx.insert("entries", &entries);
        let xml = self.tera.render("corrections.xml", &ctx).map_err(|e| {
            Diagnostic::error(
                Code::E014,
                format!("template `corrections.xml` failed:\n{e}"),
            )
        })?;
        out.write(FEED, xml.as_bytes()).map_err(io_err)
    }

    fn correction_row(&self, c: &Correction, root: &str) -> CorrectionRow {
        let ind = self.site.indicators.get(&c.indicator);
        let unit = ind.map_or("", |i| i.unit.as_str());
        let place = self.site.place(&c.place);
        let anchor = format!("fig-{}-{}-{}", c.indicator, c.period, c.status.as_str());
        CorrectionRow {
            date: c.date.clone(),
            place_name: place.map_or(c.place_name.clone(), Place::full_name),
            place_href: place.map(|p| format!("{root}{}", urls::place(&p.slug))),
            indicator: ind.map_or(c.indicator.clone(), |i| i.name.clone()),
            period: format!("{}{}", c.period.label_zh(), status_suffix(c.status)),
            text: change_text(&c.change, unit),
            message: c.message.clone(),
            commit: c.commit.chars().take(10).collect(),
            deleted: matches!(c.change, Change::Deleted { .. }),
            anchor,
        }
    }

    /// The corrections of one figure as its row lists them, oldest first.
    pub(super) fn figure_history(&self, place: &Place, f: &Figure, unit: &str) -> Vec<HistoryCtx> {
        let Some(h) = self.history else {
            return Vec::new();
        };
        h.of_figure(&place.slug, &f.indicator, f.period, f.status)
            .map(|c| HistoryCtx {
                date: c.date.clone(),
                text: change_text(&c.change, unit),
                message: c.message.clone(),
                commit: c.commit.chars().take(10).collect(),
            })
            .collect()
    }
}

fn status_suffix(s: Status) -> &'static str {
    match s {
        Status::Actual => "",
        Status::Target => "（目标）",
    }
}

fn stated(v: f64, bound: Option<crate::content::Bound>, unit: &str) -> String {
    format!(
        "{}{} {unit}",
        bound.map_or("", |b| b.symbol()),
        format::number(v)
    )
}

/// "由 3795 家更正为 3759 家", "由 2015年 移至此时期", "删除 157 家".
pub(super) fn change_text(change: &Change, unit: &str) -> String {
    match change {
        Change::Value {
            from,
            from_bound,
            to,
            to_bound,
        } => format!(
            "由 {} 更正为 {}",
            stated(*from, *from_bound, unit),
            stated(*to, *to_bound, unit)
        ),
        Change::Moved {
            from,
            from_status,
            value,
        } => format!(
            "{} 由{}{}移至此时期",
            stated(*value, None, unit),
            from.label_zh(),
            status_suffix(*from_status)
        ),
        Change::Deleted { value } => format!("删除 {}", stated(*value, None, unit)),
    }
}

/// A line of a figure's "更正记录".
#[derive(Serialize, Clone)]
pub(super) struct HistoryCtx {
    date: String,
    text: String,
    message: String,
    commit: String,
}

#[derive(Serialize)]
struct CorrectionRow {
    date: String,
    place_name: String,
    place_href: Option<String>,
    indicator: String,
    period: String,
    text: String,
    message: String,
    commit: String,
    deleted: bool,
    anchor: String,
}

#[derive(Serialize)]
struct CorrectionEntry {
    title: String,
    id: String,
    url: String,
    updated: String,
    summary: String,
}

//! A figure as pages show it: one view ([`FigureCtx`]) that a place or indicator
//! page's row and an article page's list flatten into their own context, and a row
//! with its sources, corrections, other sources' values and history.

use super::*;

/// A link to `quote` on the article's original page (`url#:~:text=…`), which a
/// browser scrolls to and highlights where it finds the words. None when the
/// article has no web address, or when its text was converted from Traditional
/// characters: the quote would not be on the original page.
pub(super) fn text_fragment(a: &Article, quote: &str) -> Option<String> {
    let url = a.meta.url.as_deref()?;
    if !crate::safe_url::is_absolute_web(url) || a.meta.script.as_deref() == Some("traditional") {
        return None;
    }
    let page = url.split_once('#').map_or(url, |(page, _)| page);
    // The spec's reserved characters (`&`, `,`, `-`) and everything not ASCII
    // alphanumeric are escaped: over-escaping is always read back the same.
    let text =
        percent_encoding::utf8_percent_encode(quote.trim(), percent_encoding::NON_ALPHANUMERIC);
    Some(format!("{page}#:~:text={text}"))
}

/// A figure's quotes as one text; most figures have one, which is borrowed.
pub(super) fn quote_of(f: &Figure) -> Cow<'_, str> {
    match f.quotes.as_slice() {
        [one] => Cow::Borrowed(one),
        many => Cow::Owned(many.join(" … ")),
    }
}

#[derive(Serialize)]
pub(super) struct LatestCtx {
    pub(super) display: String,
    pub(super) bound: Option<&'static str>,
    pub(super) unit: String,
    pub(super) period: String,
}

impl LatestCtx {
    pub(super) fn of(f: &Figure, ind: &Indicator) -> Self {
        LatestCtx {
            display: format::number(f.value),
            bound: f.bound.map(|b| b.symbol()),
            unit: ind.unit.clone(),
            period: f.period.label_zh(),
        }
    }
}

/// A figure as every page and template shows it: a place page's row, an indicator
/// page's row and an article page's list all start from this, flattened into their
/// own context so templates read `row.display` and `f.display` alike.
#[derive(Serialize)]
pub(super) struct FigureCtx<'a> {
    pub(super) period_label: String,
    /// The value exactly as in the YAML, for machines (`data-value`).
    pub(super) value: String,
    /// The value as readers see it.
    pub(super) display: String,
    pub(super) bound: Option<&'static str>,
    pub(super) unit: &'a str,
    pub(super) status: &'static str,
    pub(super) status_label: &'static str,
    pub(super) quote: Cow<'a, str>,
}

impl<'a> FigureCtx<'a> {
    /// `value` and `quote` are the figure's own, or what one of its sources states.
    pub(super) fn of(
        f: &Figure,
        value: f64,
        ind: &'a Indicator,
        quote: Cow<'a, str>,
    ) -> FigureCtx<'a> {
        FigureCtx {
            period_label: f.period.label_zh(),
            value: format::plain(value),
            display: format::number(value),
            bound: f.bound.map(|b| b.symbol()),
            unit: &ind.unit,
            status: f.status.as_str(),
            status_label: f.status.label_zh(),
            quote,
        }
    }
}

/// One figure with its source, as place and indicator pages list it. Borrows what the
/// site already holds: tera copies every field into its own values anyway, and there
/// are hundreds of thousands of rows.
#[derive(Serialize)]
pub(super) struct RowCtx<'a> {
    pub(super) anchor: String,
    pub(super) period: String,
    #[serde(flatten)]
    pub(super) figure: FigureCtx<'a>,
    pub(super) source_title: &'a str,
    pub(super) source_publisher: Option<&'a str>,
    pub(super) source_date: Option<&'a str>,
    pub(super) href: String,
    /// The sentence on the publisher's own page, as a text fragment.
    pub(super) original: Option<String>,
    pub(super) derived: Option<&'a str>,
    pub(super) note: Option<&'a str>,
    /// How the period was read where the text leaves it open ("期间依据：…").
    pub(super) period_from: Option<String>,
    /// How many articles state the figure.
    pub(super) source_count: usize,
    /// The sources after the first.
    pub(super) also: Vec<SourceCtx>,
    /// What other sources state, when they disagree with this preferred figure.
    pub(super) others: Vec<OtherCtx>,
    pub(super) correction: Option<CorrectionCtx<'a>>,
    /// Earlier values of the figure, from the site's git history.
    pub(super) history: Vec<corrections::HistoryCtx>,
}

/// A citation as a row lists it: its quote linked to its sentence, and its article.
#[derive(Serialize)]
pub(super) struct SourceCtx {
    pub(super) quote: String,
    pub(super) title: String,
    pub(super) publisher: Option<String>,
    pub(super) date: Option<String>,
    pub(super) href: String,
}

/// A figure that disagrees with the preferred one: "其他来源称 X（source）".
#[derive(Serialize)]
pub(super) struct OtherCtx {
    pub(super) display: String,
    pub(super) source: SourceCtx,
}

/// "原文为 X，编者更正为 Y：reason".
#[derive(Serialize)]
pub(super) struct CorrectionCtx<'a> {
    pub(super) original: String,
    pub(super) reason: &'a str,
    pub(super) support: Option<SourceCtx>,
}

impl<'a> Renderer<'a> {
    pub(super) fn figure_row<'r>(
        &self,
        fref: FigureRef,
        f: &'r Figure,
        ind: &'r Indicator,
        root: &str,
    ) -> RowCtx<'r>
    where
        'a: 'r,
    {
        let article = self.site.articles.get(&f.source);
        let href = self.sentence_href(fref, 0, &f.source, root);
        let also = f
            .also
            .iter()
            .enumerate()
            .map(|(i, c)| self.source_ctx(fref, i as u32 + 1, c, root))
            .collect();
        let correction = f.overridden.as_ref().map(|o| CorrectionCtx {
            original: format!(
                "{}{}{}",
                f.bound.map_or("", |b| b.symbol()),
                format::number(o.original),
                ind.unit
            ),
            reason: &o.reason,
            support: o
                .support
                .as_ref()
                .map(|c| self.source_ctx(fref, 1 + f.also.len() as u32, c, root)),
        });
        let others = if f.preferred {
            let place = &self.site.places[fref.place];
            place
                .figures
                .iter()
                .enumerate()
                .filter(|(_, o)| {
                    o.alternative
                        && o.indicator == f.indicator
                        && o.period == f.period
                        && o.status == f.status
                })
                .map(|(oi, o)| OtherCtx {
                    display: format!(
                        "{}{}{}",
                        o.bound.map_or("", |b| b.symbol()),
                        format::number(o.value),
                        ind.unit
                    ),
                    source: self.source_ctx(
                        FigureRef {
                            place: fref.place,
                            figure: oi,
                        },
                        0,
                        &Citation {
                            source: o.source.clone(),
                            quotes: o.quotes.clone(),
                        },
                        root,
                    ),
                })
                .collect()
        } else {
            Vec::new()
        };
        RowCtx {
            anchor: f.anchor(),
            period: f.period.to_string(),
            figure: FigureCtx::of(f, f.value, ind, quote_of(f)),
            source_title: article.map_or(f.source.as_str(), |a| a.meta.title.as_str()),
            source_publisher: article.and_then(|a| a.meta.publisher.as_deref()),
            source_date: article.and_then(|a| a.meta.date.as_deref()),
            href,
            original: article.and_then(|a| text_fragment(a, f.quotes.first()?)),
            derived: f.derived.as_deref(),
            note: f.note.as_deref(),
            period_from: f.period_from.as_ref().map(|p| p.label_zh()),
            history: self.figure_history(&self.site.places[fref.place], f, &ind.unit),
            source_count: 1 + f.also.len(),
            also,
            others,
            correction,
        }
    }

    /// The link to the sentence of citation `view` of a figure: its mark on the
    /// article's page, or the page when the mark is unknown.
    pub(super) fn sentence_href(
        &self,
        fref: FigureRef,
        view: u32,
        source: &str,
        root: &str,
    ) -> String {
        match self.prov.cite_mark_of(fref, view) {
            Some(m) => format!("{root}{}#{m}", urls::article(source)),
            None => format!("{root}{}", urls::article(source)),
        }
    }

    pub(super) fn source_ctx(
        &self,
        fref: FigureRef,
        view: u32,
        c: &Citation,
        root: &str,
    ) -> SourceCtx {
        let article = self.site.articles.get(&c.source);
        SourceCtx {
            quote: c.quotes.join(" … "),
            title: article.map_or(c.source.clone(), |a| a.meta.title.clone()),
            publisher: article.and_then(|a| a.meta.publisher.clone()),
            date: article.and_then(|a| a.meta.date.clone()),
            href: self.sentence_href(fref, view, &c.source, root),
        }
    }
}

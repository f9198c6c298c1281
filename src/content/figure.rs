//! One figure of a place file, as written: `source:` and `quote:`, or `sources:`
//! (several articles stating the same value), `preferred` (the choice between
//! figures that disagree) and `override:` (a value that departs from its quote on
//! purpose).
//!
//! Both load paths ask [`RawFigure::problems`]: the fast path to know it can take the
//! file whole, the slow path to report each problem at its line.

use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::model::{
    Bound, Citation, Cite, Figure, Origin, OriginPath, Override, PeriodFrom, Status,
};
use super::period::Period;
use super::yaml::{SourceFile, YamlPath};
use crate::diagnostics::{Code, Diagnostic};

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFigure {
    period: Period,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period_from: Option<PeriodFrom>,
    value: f64,
    #[serde(default)]
    status: Status,
    #[serde(default)]
    bound: Option<Bound>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quote: Option<Quotes>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sources: Vec<RawCitation>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    preferred: bool,
    #[serde(default, rename = "override", skip_serializing_if = "Option::is_none")]
    overridden: Option<RawOverride>,
    #[serde(default)]
    derived: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawCitation {
    source: String,
    quote: Quotes,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    #[serde(default)]
    reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    original: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quote: Option<Quotes>,
}

/// What keeps a figure out of the site, and where.
pub(super) struct Problem {
    /// Path below the figure.
    at: Vec<PathSeg>,
    message: &'static str,
    label: &'static str,
    help: String,
}

enum PathSeg {
    Key(&'static str),
    Index(usize),
}

impl Problem {
    pub(super) fn diagnostic(&self, file: &SourceFile, figure: &YamlPath) -> Diagnostic {
        let mut path = figure.clone();
        for seg in &self.at {
            path = match seg {
                PathSeg::Key(k) => path.key(k),
                PathSeg::Index(i) => path.index(*i),
            };
        }
        Diagnostic::error(Code::E011, self.message)
            .at(file.locate(&path, None))
            .label(self.label)
            .help(self.help.clone())
    }
}

fn empty(q: &Quotes) -> bool {
    q.0.is_empty() || q.0.iter().any(|q| q.trim().is_empty())
}

impl RawFigure {
    /// Every reason the figure cannot be taken as written; empty when it can.
    pub(super) fn problems(&self) -> Vec<Problem> {
        use PathSeg::{Index, Key};
        let mut out = Vec::new();
        let empty_quote = |at: Vec<PathSeg>| Problem {
            at,
            message: "a figure needs the sentence it comes from",
            label: "empty quote",
            help:
                "copy the sentence fragment that states this number from the article into `quote:`"
                    .into(),
        };
        match (&self.source, &self.quote, self.sources.is_empty()) {
            (Some(_), Some(q), true) => {
                if empty(q) {
                    out.push(empty_quote(vec![Key("quote")]));
                }
            }
            (None, None, false) => {
                for (i, c) in self.sources.iter().enumerate() {
                    if empty(&c.quote) {
                        out.push(empty_quote(vec![Key("sources"), Index(i), Key("quote")]));
                    }
                }
            }
            (_, _, false) => out.push(Problem {
                at: vec![Key("sources")],
                message: "a figure has `sources:` and also `source:` or `quote:`",
                label: "two ways of naming the sources",
                help: "move `source:` and `quote:` into `sources:` as its first entry, or remove `sources:`".into(),
            }),
            (Some(_), None, true) => out.push(Problem {
                at: vec![Key("source")],
                message: "a figure needs the sentence it comes from",
                label: "`source:` without `quote:`",
                help: "add `quote:` with the sentence fragment of the article that states this number".into(),
            }),
            (None, _, true) => out.push(Problem {
                at: vec![],
                message: "a figure needs the article it comes from",
                label: "no `source:`",
                help: "add `source:` (the article's path under content/articles/ without `.md`) and `quote:`, or `sources:` with one `{source, quote}` per article".into(),
            }),
        }
        if !self.value.is_finite() {
            out.push(Problem {
                at: vec![Key("value")],
                message: "the value is not a finite number",
                label: "not a number",
                help: "write the number as digits, e.g. `3759` or `2.27`".into(),
            });
        }
        if let Some(o) = &self.overridden {
            if o.reason.trim().is_empty() {
                out.push(Problem {
                    at: vec![Key("override")],
                    message: "an override needs a reason",
                    label: "no `reason:`",
                    help: "say why the value departs from the source, e.g. `reason: 原文合计有误，按分项相加为 3795`; readers see it beside the figure".into(),
                });
            }
            match o.original {
                None => out.push(Problem {
                    at: vec![Key("override")],
                    message: "an override needs the value the source states",
                    label: "no `original:`",
                    help: "add `original:` with the number the quote states; `check` proves the quote still states it".into(),
                }),
                Some(v) if !v.is_finite() => out.push(Problem {
                    at: vec![Key("override"), Key("original")],
                    message: "the original value is not a finite number",
                    label: "not a number",
                    help: "write the number the quote states as digits".into(),
                }),
                Some(v) if v == self.value => out.push(Problem {
                    at: vec![Key("override"), Key("original")],
                    message: "the override changes nothing: `original` equals `value`",
                    label: "same as `value`",
                    help: "remove `override:` when the value is what the source states".into(),
                }),
                Some(_) => {}
            }
            match (&o.source, &o.quote) {
                (Some(_), Some(q)) if empty(q) => {
                    out.push(empty_quote(vec![Key("override"), Key("quote")]))
                }
                (Some(_), None) | (None, Some(_)) => out.push(Problem {
                    at: vec![Key("override")],
                    message: "the override's supporting source needs both `source:` and `quote:`",
                    label: "half a citation",
                    help: "name the article that states the corrected value with `source:` and copy its sentence fragment into `quote:`, or remove both".into(),
                }),
                _ => {}
            }
        }
        out
    }

    /// The figure at `figures.<indicator>[i]` of `file`; only for a figure without
    /// [`problems`](Self::problems).
    pub(super) fn into_figure(
        self,
        indicator: &str,
        ind: &Arc<str>,
        i: usize,
        file: &Arc<SourceFile>,
    ) -> Figure {
        let listed = self.source.is_none();
        let mut cites = self.sources.into_iter().map(|c| Citation {
            source: c.source,
            quotes: c.quote.0,
        });
        let first = match (self.source, self.quote) {
            (Some(source), Some(q)) => Citation {
                source,
                quotes: q.0,
            },
            _ => cites.next().unwrap_or(Citation {
                source: String::new(),
                quotes: Vec::new(),
            }),
        };
        let overridden = self.overridden.map(|o| Override {
            reason: o.reason.trim().to_string(),
            original: o.original.unwrap_or(f64::NAN),
            support: match (o.source, o.quote) {
                (Some(source), Some(q)) => Some(Citation {
                    source,
                    quotes: q.0,
                }),
                _ => None,
            },
        });
        Figure {
            indicator: indicator.to_string(),
            period: self.period,
            period_from: self.period_from,
            value: self.value,
            status: self.status,
            bound: self.bound,
            source: first.source,
            quotes: first.quotes,
            also: cites.collect(),
            preferred: self.preferred,
            alternative: false,
            overridden,
            derived: self.derived,
            note: self.note,
            origin: Origin {
                file: file.clone(),
                at: OriginPath::Figure {
                    indicator: ind.clone(),
                    index: i as u32,
                    listed,
                    cite: Cite::Main,
                },
            },
        }
    }
}

/// `quote:` takes one string or a list of them (a derived figure quotes each operand).
pub(super) struct Quotes(Vec<String>);

impl Serialize for Quotes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Quotes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Quotes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the quoted sentence fragment, or a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Quotes, E> {
                Ok(Quotes(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Quotes, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Quotes(out))
            }
        }
        d.deserialize_any(V)
    }
}

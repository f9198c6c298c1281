//! The columns of every data file, declared once: name, type, meaning, constraints,
//! and how each is read from a figure. The CSVs, their JSON twins and the
//! `datapackage.json` descriptor all follow from [`COLUMNS`], so a column cannot be
//! added to one and forgotten in another.

use std::borrow::Cow;

use crate::content::{Figure, Indicator, Place};
use crate::format;

/// What one row is read from: a figure of a place, and what the renderer worked out
/// for it (the absolute source address, the correction record).
pub struct Fields<'r> {
    pub place: &'r Place,
    pub place_name: &'r str,
    pub indicator: &'r Indicator,
    pub figure: &'r Figure,
    pub source_url: &'r str,
    pub corrected: &'r str,
}

/// A column's Frictionless type: a number is written bare in the JSON (`null` when
/// empty), text as a string.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
}

impl Kind {
    pub fn frictionless(self) -> &'static str {
        match self {
            Kind::Text => "string",
            Kind::Number => "number",
        }
    }
}

pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub description: &'static str,
    /// Every row has it.
    pub required: bool,
    /// The only values it takes, when it is one of a few.
    pub values: Option<&'static [&'static str]>,
    /// Free text, which the CSV guards against spreadsheet formulas
    /// ([`super::datapackage::csv_text`]); the other columns hold identifiers, numbers
    /// and dates the site writes itself.
    pub free_text: bool,
    pub read: for<'r> fn(&Fields<'r>) -> Cow<'r, str>,
}

const fn text(
    name: &'static str,
    description: &'static str,
    read: for<'r> fn(&Fields<'r>) -> Cow<'r, str>,
) -> Column {
    Column {
        name,
        kind: Kind::Text,
        description,
        required: false,
        values: None,
        free_text: false,
        read,
    }
}

impl Column {
    const fn required(mut self) -> Column {
        self.required = true;
        self
    }
    const fn free_text(mut self) -> Column {
        self.free_text = true;
        self
    }
    const fn number(mut self) -> Column {
        self.kind = Kind::Number;
        self
    }
    const fn one_of(mut self, values: &'static [&'static str]) -> Column {
        self.values = Some(values);
        self
    }
}

fn b(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}

/// The columns of every data CSV, in order.
pub const COLUMNS: [Column; 21] = [
    text("place", "地区标识（页面地址 /cities/<place>/）", |r| b(&r.place.slug)).required(),
    text("place_name", "地区全称", |r| b(r.place_name)).free_text(),
    text("province", "所属省级行政区", |r| b(&r.place.province)).free_text(),
    text("indicator", "指标标识（见 indicators）", |r| b(&r.indicator.id)).required(),
    text("indicator_name", "指标名称", |r| b(&r.indicator.name)).free_text(),
    text("period", "时期：2022、2023-H1、2023-Q2 或 2023-05", |r| {
        Cow::Owned(r.figure.period.to_string())
    })
    .required(),
    text(
        "period_from",
        "原文未写明年份时，时期的依据：date（文章日期）、previous-year（文章日期的上一年）、title（标题）、address（原文地址中的日期）或 judgement: 编者判断及理由；空为原文写明",
        |r| Cow::Owned(r.figure.period_from.as_ref().map_or(String::new(), |p| p.as_text())),
    )
    .free_text(),
    text("value", "数值，单位见 unit", |r| Cow::Owned(format::plain(r.figure.value)))
        .number()
        .required(),
    text("unit", "单位", |r| b(&r.indicator.unit)).free_text(),
    text("status", "actual（实际值）或 target（目标）", |r| b(r.figure.status.as_str()))
        .required()
        .one_of(&["actual", "target"]),
    text(
        "bound",
        "数值的精确程度：> 突破/超过，>= 以上，< 不足，<= 以内，~ 约；空为确数",
        |r| b(r.figure.bound.map_or("", |b| b.as_str())),
    )
    .one_of(&[">", ">=", "<", "<=", "~"]),
    text("derived", "由原文数字推算时的算式；空为原文直接给出", |r| {
        b(r.figure.derived.as_deref().unwrap_or(""))
    })
    .free_text(),
    text("source", "出处文章标识", |r| b(&r.figure.source)).required(),
    text("source_url", "出处文章的地址，文中高亮该句", |r| b(r.source_url)),
    text("quote", "原文句子片段；多句以 \" | \" 分隔", |r| {
        Cow::Owned(r.figure.quotes.join(" | "))
    })
    .required()
    .free_text(),
    text(
        "other_sources",
        "陈述同一数字的其他出处文章标识，以 \" | \" 分隔；空为仅一个出处",
        |r| {
            Cow::Owned(
                r.figure
                    .citations()
                    .skip(1)
                    .map(|(s, _)| s)
                    .collect::<Vec<_>>()
                    .join(" | "),
            )
        },
    ),
    text(
        "other_quotes",
        "其他出处的原文句子片段，与 other_sources 一一对应，以 \" | \" 分隔（一处多句以 \" … \" 连接）",
        |r| {
            Cow::Owned(
                r.figure
                    .citations()
                    .skip(1)
                    .map(|(_, q)| q.join(" … "))
                    .collect::<Vec<_>>()
                    .join(" | "),
            )
        },
    )
    .free_text(),
    text(
        "preferred",
        "yes：本站页面采用的数字；no：与采用的数字矛盾、仅作记录的其他来源所称（同一地区、指标、时期与类型）",
        |r| b(if r.figure.alternative { "no" } else { "yes" }),
    )
    .required()
    .one_of(&["yes", "no"]),
    text("original_value", "编者更正前原文所称的数值；空为未更正", |r| {
        r.figure
            .overridden
            .as_ref()
            .map_or(b(""), |o| Cow::Owned(format::plain(o.original)))
    })
    .number(),
    text("override_reason", "编者更正的理由", |r| {
        b(r.figure.overridden.as_ref().map_or("", |o| o.reason.as_str()))
    })
    .free_text(),
    text(
        "corrected",
        "本站此前发布过的数值及其更正日期（据站点的 git 历史），如 \"3795@2024-03-02\"，多次以 \" | \" 分隔；空为未更正",
        |r| b(r.corrected),
    ),
];

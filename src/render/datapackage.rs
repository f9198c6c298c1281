//! `/data/datapackage.json`: a Frictionless Data Package descriptor
//! (<https://specs.frictionlessdata.io/data-package/>) for the site's data.
//!
//! The figures are published once, as CSV (site-wide, per place and per indicator, all
//! with the same columns). What a program needs beyond the CSV — the type and meaning
//! of each column, which columns identify a row, what the indicators are — is here, in
//! a standard form that pandas, R and the `frictionless` tools read. It replaces a
//! `figures.json` that repeated every row of `figures.csv` with its keys (286 MB at
//! 3,000 places) and said nothing about the columns.

use serde_json::{Value, json};

use crate::content::Site;

use super::urls;

/// The columns of every data CSV, in order, with their type and meaning.
pub const COLUMNS: [(&str, &str, &str); 20] = [
    ("place", "string", "地区标识（页面地址 /cities/<place>/）"),
    ("place_name", "string", "地区全称"),
    ("province", "string", "所属省级行政区"),
    ("indicator", "string", "指标标识（见 indicators）"),
    ("indicator_name", "string", "指标名称"),
    (
        "period",
        "string",
        "时期：2022、2023-H1、2023-Q2 或 2023-05",
    ),
    ("value", "number", "数值，单位见 unit"),
    ("unit", "string", "单位"),
    ("status", "string", "actual（实际值）或 target（目标）"),
    (
        "bound",
        "string",
        "数值的精确程度：> 突破/超过，>= 以上，< 不足，<= 以内，~ 约；空为确数",
    ),
    (
        "derived",
        "string",
        "由原文数字推算时的算式；空为原文直接给出",
    ),
    ("source", "string", "出处文章标识"),
    ("source_url", "string", "出处文章的地址，文中高亮该句"),
    ("quote", "string", "原文句子片段；多句以 \" | \" 分隔"),
    (
        "other_sources",
        "string",
        "陈述同一数字的其他出处文章标识，以 \" | \" 分隔；空为仅一个出处",
    ),
    (
        "other_quotes",
        "string",
        "其他出处的原文句子片段，与 other_sources 一一对应，以 \" | \" 分隔（一处多句以 \" … \" 连接）",
    ),
    (
        "preferred",
        "string",
        "yes：本站页面采用的数字；no：与采用的数字矛盾、仅作记录的其他来源所称（同一地区、指标、时期与类型）",
    ),
    (
        "original_value",
        "number",
        "编者更正前原文所称的数值；空为未更正",
    ),
    ("override_reason", "string", "编者更正的理由"),
    (
        "corrected",
        "string",
        "本站此前发布过的数值及其更正日期（据站点的 git 历史），如 \"3795@2024-03-02\"，多次以 \" | \" 分隔；空为未更正",
    ),
];

/// What the CSV does to a text cell a spreadsheet would run as a formula.
pub const FORMULA_NOTE: &str = "以 = + - @ 或制表符开头的文字单元格前加一个撇号（'），以免电子表格把它当作公式执行（OWASP CSV Injection）";

/// A text cell as the CSV writes it: a leading apostrophe when it begins with a
/// character that makes Excel, LibreOffice or Google Sheets evaluate it (OWASP's
/// advice against CSV injection). Numbers are not text cells and stay as they are.
pub fn csv_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The descriptor, pretty-printed, with a final newline.
pub fn descriptor(site: &Site, base_url: &str) -> String {
    let fields: Vec<Value> = COLUMNS
        .iter()
        .map(|(name, kind, description)| {
            let mut field = json!({ "name": name, "type": kind, "description": description });
            let constraints = match *name {
                "place" | "indicator" | "period" | "value" | "source" | "quote" => {
                    json!({ "required": true })
                }
                "status" => json!({ "required": true, "enum": ["actual", "target"] }),
                "bound" => json!({ "enum": [">", ">=", "<", "<=", "~"] }),
                "preferred" => json!({ "required": true, "enum": ["yes", "no"] }),
                _ => Value::Null,
            };
            if !constraints.is_null() {
                field["constraints"] = constraints;
            }
            if *name == "source_url" {
                field["format"] = json!("uri");
            }
            field
        })
        .collect();
    let indicators: Vec<Value> = site
        .indicators
        .values()
        .map(|i| {
            json!({
                "id": i.id,
                "name": i.name,
                "name_en": i.name_en,
                "unit": i.unit,
                "unit_en": i.unit_en,
                "description": i.description,
                "description_en": i.description_en,
            })
        })
        .collect();
    let indicator_fields: Vec<Value> = [
        "id",
        "name",
        "name_en",
        "unit",
        "unit_en",
        "description",
        "description_en",
    ]
    .iter()
    .map(|name| json!({ "name": name, "type": "string" }))
    .collect();
    let package = json!({
        "profile": "tabular-data-package",
        "name": "indicity-figures",
        "title": site.config.title,
        "description": format!(
            "{}。每行一个数据点及其出处。各地区（{}）与各指标（{}）的 CSV 与 figures.csv 列相同。{FORMULA_NOTE}。",
            site.config.description.trim_end_matches('。'),
            urls::place_csv("<place>"),
            urls::indicator_csv("<indicator>"),
        ),
        "homepage": urls::absolute(base_url, ""),
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": "figures",
                "path": file_name(urls::FIGURES_CSV),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": { "delimiter": ",", "lineTerminator": "\n", "header": true },
                "schema": {
                    "fields": fields,
                    "missingValues": [""],
                    "primaryKey": ["place", "indicator", "period", "status", "value"],
                    "foreignKeys": [{
                        "fields": "indicator",
                        "reference": { "resource": "indicators", "fields": "id" },
                    }],
                },
            },
            {
                "profile": "tabular-data-resource",
                "name": "indicators",
                "data": indicators,
                "schema": {
                    "fields": indicator_fields,
                    "primaryKey": ["id"],
                },
            },
        ],
    });
    let mut out = serde_json::to_string_pretty(&package).expect("a JSON value serialises");
    out.push('\n');
    out
}

/// The path of a file in `data/`, relative to the descriptor (which is in `data/`).
fn file_name(path: &str) -> &str {
    path.strip_prefix("data/").unwrap_or(path)
}

//! `/data/datapackage.json`: a Frictionless Data Package descriptor
//! (<https://specs.frictionlessdata.io/data-package/>) for the site's data.
//!
//! The figures are published as CSV (site-wide, per place and per indicator, all with
//! the same columns, [`super::columns`]), each with a JSON twin of the same rows. What
//! a program needs beyond the rows — the type and meaning of each column, which
//! columns identify a row, what the indicators are — is here, in a standard form that
//! pandas, R and the `frictionless` tools read.

use serde_json::{Value, json};

use crate::content::Site;

use super::columns::COLUMNS;
use super::urls;

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
        .map(|c| {
            let mut field = json!({
                "name": c.name,
                "type": c.kind.frictionless(),
                "description": c.description,
            });
            let constraints = match (c.required, c.values) {
                (true, Some(values)) => json!({ "required": true, "enum": values }),
                (true, None) => json!({ "required": true }),
                (false, Some(values)) => json!({ "enum": values }),
                (false, None) => Value::Null,
            };
            if !constraints.is_null() {
                field["constraints"] = constraints;
            }
            if c.name == "source_url" {
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
    let mut package = json!({
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
    if let Some(l) = &site.config.license {
        package["licenses"] = json!([{ "path": l.url, "title": l.name }]);
    }
    let mut out = serde_json::to_string_pretty(&package).expect("a JSON value serialises");
    out.push('\n');
    out
}

/// The path of a file in `data/`, relative to the descriptor (which is in `data/`).
fn file_name(path: &str) -> &str {
    path.strip_prefix("data/").unwrap_or(path)
}

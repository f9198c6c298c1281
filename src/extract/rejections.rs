//! Proposals a curator rejected, kept in `content/rejected.yaml`, so that neither
//! `extract` nor `serve` proposes them again.
//!
//! A plain YAML list the curator can read, edit and commit; one entry is the
//! figure as it was proposed (article, indicator, period, status, value) and the
//! quote it came from. The site is never built from it.

use serde::Deserialize;

use crate::content::Figure;
use crate::format;
use crate::text::numbers;

/// Where the rejections are kept, relative to the site root.
pub const FILE: &str = "content/rejected.yaml";

const HEADER: &str = "# Proposals rejected in `indicity serve`: `extract` does not propose them again.\n# Remove an entry to have it proposed again.\n";

/// One rejected proposal.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    pub article: String,
    pub indicator: String,
    pub period: serde_yaml::Value,
    #[serde(default = "actual")]
    pub status: String,
    pub value: f64,
    #[serde(default)]
    pub quote: String,
}

fn actual() -> String {
    "actual".to_string()
}

impl Rejection {
    /// Whether it rejects `f`, proposed from article `article`.
    pub fn rejects(&self, article: &str, f: &Figure) -> bool {
        let period = match &self.period {
            serde_yaml::Value::String(s) => s.clone(),
            serde_yaml::Value::Number(n) => n.to_string(),
            _ => return false,
        };
        self.article == article
            && self.indicator == f.indicator
            && period == f.period.to_string()
            && self.status == f.status.as_str()
            && numbers::same(self.value, f.value)
    }
}

/// The rejections of the site at `root`: none when the file is missing; an error
/// naming the line and column when it does not read.
pub fn load(root: &std::path::Path) -> Result<Vec<Rejection>, String> {
    let path = root.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{FILE}: {e}")),
    };
    parse(&text)
}

/// The rejections a file's text holds.
pub fn parse(text: &str) -> Result<Vec<Rejection>, String> {
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.starts_with('#'))
    {
        return Ok(Vec::new());
    }
    serde_yaml::from_str::<Vec<Rejection>>(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        format!(
            "{FILE}{at}: {e}; each entry needs `article`, `indicator`, `period`, `status` and `value` (remove the entry to have the figure proposed again)"
        )
    })
}

/// `text` (the file as it is, empty when missing) with a rejection of `f` appended,
/// every byte of it kept.
pub fn append(text: &str, article: &str, f: &Figure) -> String {
    let mut out = if text.is_empty() {
        HEADER.to_string()
    } else {
        text.to_string()
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    let quote = f.quotes.first().map_or("", String::as_str);
    out.push_str(&format!(
        "- article: {article}\n  indicator: {}\n  period: {}\n  status: {}\n  value: {}\n  quote: {}\n",
        f.indicator,
        serde_json::Value::String(f.period.to_string()),
        f.status.as_str(),
        format::stated(f.value),
        serde_json::Value::String(quote.to_string()),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Period, Status};

    fn figure(value: f64) -> Figure {
        let file = crate::content::yaml::SourceFile::new(
            std::path::Path::new("t.yaml"),
            std::sync::Arc::from(""),
        );
        Figure {
            indicator: "tech_smes".into(),
            period: Period::Year(2022),
            period_from: None,
            value,
            status: Status::Actual,
            bound: None,
            source: "demo/2024-01-05-a".into(),
            quotes: vec!["科技型中小企业2437家: \"引号\"".into()],
            also: Vec::new(),
            preferred: false,
            alternative: false,
            overridden: None,
            derived: None,
            note: None,
            origin: crate::content::Origin {
                file: std::sync::Arc::new(file),
                at: crate::content::OriginPath::Root,
            },
        }
    }

    #[test]
    fn an_appended_rejection_reads_back_and_rejects_only_its_figure() {
        let text = append("", "demo/2024-01-05-a", &figure(2437.0));
        let text = append(&text, "demo/2024-01-05-a", &figure(12.5));
        let all = parse(&text).unwrap();
        assert_eq!(all.len(), 2, "{text}");
        assert!(all[0].rejects("demo/2024-01-05-a", &figure(2437.0)));
        assert!(!all[0].rejects("demo/2024-01-05-b", &figure(2437.0)));
        assert!(!all[0].rejects("demo/2024-01-05-a", &figure(2438.0)));
        assert!(all[1].rejects("demo/2024-01-05-a", &figure(12.5)));
        // What was there is kept byte for byte.
        let kept = "# mine\n- article: x\n  indicator: y\n  period: 2021\n  value: 1\n";
        assert!(append(kept, "a", &figure(1.0)).starts_with(kept));
        assert!(parse(kept).unwrap()[0].status == "actual");
    }

    #[test]
    fn a_broken_file_names_line_and_column() {
        let e = parse("- article: x\n  indicater: y\n").unwrap_err();
        assert!(e.contains("content/rejected.yaml:2:"), "{e}");
        assert!(parse("# only a comment\n").unwrap().is_empty());
    }
}

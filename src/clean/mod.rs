//! Clean: a raw scraped page (text or HTML, UTF-8/GBK/Big5) → an article with front
//! matter, ready for `content/articles/`.
//!
//! The page is a list of lines, each remembering the raw line it came from. Rules are
//! small passes over that list, in a fixed order, each with a name; every line a rule
//! drops or changes is logged, so `--explain` can show a curator exactly what happened
//! and why. Rules match kinds of noise (breadcrumbs, editor lines, related-article
//! lists…), never one site's text. A rule that is unsure keeps the line: losing a
//! sentence of the article is worse than keeping a line of chrome.

mod blocks;
mod credits;
pub mod decode;
mod flags;
mod layout;
mod meta;
pub use meta::date_in_address;
mod noise;
pub mod place;
mod repair;
mod structure;
mod title;

use crate::text::punct::{TERMINAL, char_len, ends_sentence};
use std::fmt;

use crate::content::ArticleMeta;

/// One line of the page as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    /// 1-based line in the raw file (after decoding).
    pub raw: usize,
    /// Becomes a `## ` heading.
    pub heading: bool,
    /// A paragraph, a table's row or a list's item.
    pub block: Block,
}

/// What kind of block a line is in the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Block {
    #[default]
    Para,
    /// A row of a table: its cells, joined by ` | `; the first row of a table is its
    /// header.
    Row,
    /// An item of a bullet list.
    Item,
}

/// What a rule did to a line.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Dropped,
    Changed {
        after: String,
    },
    /// Moved into the front matter as `field`.
    Moved {
        field: &'static str,
        value: String,
    },
    Joined,
    /// Read into the front matter as `field`, and left in the body: a notice's
    /// signature is part of the document it signs.
    Read {
        field: &'static str,
        value: String,
    },
}

/// One entry of the `--explain` log.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub raw: usize,
    pub rule: &'static str,
    pub text: String,
    pub action: Action,
}

/// Something the cleaner saw but would not repair: mojibake, an OCR slip.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub raw: usize,
    /// 1-based column, in characters, in the cleaned line.
    pub col: usize,
    pub message: String,
}

/// Front matter fields as the rules find them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    pub title: Option<String>,
    pub date: Option<String>,
    pub publisher: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub traditional: bool,
}

/// The page being cleaned.
#[derive(Debug, Default)]
pub struct Doc {
    pub lines: Vec<Line>,
    pub found: Found,
    pub steps: Vec<Step>,
    pub flags: Vec<Flag>,
    /// The HTML `<title>`, a last resort for the title ("标题 - 网站名").
    pub page_title: Option<String>,
    /// The page's header lines (dropped from the article): evidence of its place.
    pub header: Vec<String>,
    /// A document-sharing or model-essay copy: its dates are the upload's.
    pub copy: bool,
}

impl Doc {
    fn log(&mut self, raw: usize, rule: &'static str, text: &str, action: Action) {
        self.steps.push(Step {
            raw,
            rule,
            text: text.to_string(),
            action,
        });
    }

    /// Drops every line `keep` rejects, logging it under `rule`. A table's row is not
    /// judged by its text: its cells are fragments that read like furniture.
    fn retain(&mut self, rule: &'static str, mut keep: impl FnMut(&Line) -> bool) {
        let mut kept = Vec::with_capacity(self.lines.len());
        for line in std::mem::take(&mut self.lines) {
            if line.block == Block::Row || keep(&line) {
                kept.push(line);
            } else {
                self.log(line.raw, rule, &line.text, Action::Dropped);
            }
        }
        self.lines = kept;
    }

    /// Rewrites every line with `f`, logging the lines it changes under `rule`.
    fn rewrite(&mut self, rule: &'static str, mut f: impl FnMut(&str) -> Option<String>) {
        let mut steps = Vec::new();
        for line in &mut self.lines {
            if let Some(after) = f(&line.text) {
                if after != line.text {
                    steps.push(Step {
                        raw: line.raw,
                        rule,
                        text: line.text.clone(),
                        action: Action::Changed {
                            after: after.clone(),
                        },
                    });
                    line.text = after;
                }
            }
        }
        self.steps.extend(steps);
    }

    /// Sets a front matter field from a line that stays in the body.
    fn read(
        &mut self,
        field: &'static str,
        value: String,
        raw: usize,
        rule: &'static str,
        text: &str,
    ) {
        let slot = match field {
            "date" => &mut self.found.date,
            "publisher" => &mut self.found.publisher,
            _ => return,
        };
        if slot.is_none() && !value.trim().is_empty() {
            *slot = Some(value.trim().to_string());
            self.log(
                raw,
                rule,
                text,
                Action::Read {
                    field,
                    value: value.trim().to_string(),
                },
            );
        }
    }

    /// Sets a front matter field the first time a rule finds it.
    fn found(
        &mut self,
        field: &'static str,
        value: String,
        raw: usize,
        rule: &'static str,
        text: &str,
    ) {
        let slot = match field {
            "title" => &mut self.found.title,
            "date" => &mut self.found.date,
            "publisher" => &mut self.found.publisher,
            "author" => &mut self.found.author,
            "url" => &mut self.found.url,
            _ => return,
        };
        if slot.is_none() && !value.trim().is_empty() {
            *slot = Some(value.trim().to_string());
            self.log(
                raw,
                rule,
                text,
                Action::Moved {
                    field,
                    value: value.trim().to_string(),
                },
            );
        } else {
            self.log(raw, rule, text, Action::Dropped);
        }
    }
}

/// The cleaned article, and everything that was done to get it.
#[derive(Debug)]
pub struct Cleaned {
    pub meta: ArticleMeta,
    pub body: String,
    pub encoding: &'static str,
    pub steps: Vec<Step>,
    pub flags: Vec<Flag>,
    /// The place, as inferred from the text, when `city` was not given.
    pub place: Option<place::Guess>,
    /// Why no place could be inferred, when `city` was not given and the text does not
    /// say: the article is cleaned all the same, with `city:` left for the curator.
    pub unplaced: Option<String>,
}

impl Cleaned {
    /// The article file: front matter and body.
    pub fn to_markdown(&self) -> String {
        let m = &self.meta;
        let mut out = String::from("---\n");
        let mut field = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                out.push_str(&format!("{k}: {}\n", yaml_scalar(v)));
            }
        };
        field("title", &Some(m.title.clone()));
        field("date", &m.date);
        field("city", &Some(m.city.clone()).filter(|c| !c.is_empty()));
        field("publisher", &m.publisher);
        field("author", &m.author);
        field("url", &m.url);
        field("raw", &m.raw);
        field("script", &m.script);
        out.push_str("---\n\n");
        out.push_str(&self.body);
        out
    }

    /// How many lines each rule took out of the body (dropped, or moved into the
    /// front matter), for reports.
    pub fn dropped_by_rule(&self) -> Vec<(&'static str, usize)> {
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for s in &self.steps {
            if matches!(s.action, Action::Dropped | Action::Moved { .. })
                && seen.insert((s.rule, s.raw))
            {
                match counts.iter_mut().find(|(r, _)| *r == s.rule) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((s.rule, 1)),
                }
            }
        }
        counts
    }
}

/// A YAML scalar as the front matter writes it: plain when YAML reads it back as the
/// same string, quoted otherwise.
fn yaml_scalar(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([':', ' '])
        && serde_yaml::from_str::<serde_yaml::Value>(s).ok() == Some(serde_yaml::Value::String(s.to_string()))
        // YAML 1.1 readers take these for booleans.
        && !["yes", "no", "on", "off", "y", "n"].contains(&s.to_ascii_lowercase().as_str());
    if plain_ok {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// What the caller knows that the page may not say.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The place slug, instead of inferring it.
    pub city: Option<String>,
    /// `raw:` in the front matter.
    pub raw: Option<String>,
    /// Places the site already has: (slug, name, code), to name an inferred place.
    pub places: Vec<(String, String, Option<String>)>,
}

/// Why a page could not be cleaned.
#[derive(Debug)]
pub enum CleanError {
    /// Not a text page at all (binary, or no encoding reads it).
    NotText(String),
    NoText,
}

impl fmt::Display for CleanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CleanError::NotText(why) => write!(f, "{why}"),
            CleanError::NoText => write!(f, "the page has no article text left after cleaning"),
        }
    }
}

impl std::error::Error for CleanError {}

/// The article's lines as markdown: a blank line between paragraphs; a table's rows
/// and a list's items together, a table with its header's rule.
fn markdown_body(lines: &[Line]) -> String {
    let mut body = String::new();
    let mut prev: Option<Block> = None;
    let mut width = 0;
    for (i, line) in lines.iter().enumerate() {
        let same = prev == Some(line.block) && line.block != Block::Para && !line.heading;
        if !body.is_empty() && !same {
            body.push('\n');
        }
        match line.block {
            _ if line.heading => {
                body.push_str("## ");
                body.push_str(&line.text);
            }
            Block::Para => body.push_str(&line.text),
            Block::Item => {
                body.push_str("- ");
                body.push_str(&line.text);
            }
            Block::Row => {
                // Every row as wide as the widest: a reader drops the cells of a row
                // past its header's.
                if !same {
                    width = lines[i..]
                        .iter()
                        .take_while(|l| l.block == Block::Row)
                        .map(|l| l.text.split(" | ").count())
                        .max()
                        .unwrap_or(1);
                }
                let mut cells: Vec<&str> = line.text.split(" | ").collect();
                cells.resize(width, "");
                body.push_str(&format!("| {} |", cells.join(" | ")));
                if !same {
                    body.push_str(&format!("\n|{}", " --- |".repeat(width)));
                }
            }
        }
        body.push('\n');
        prev = Some(if line.heading {
            Block::Para
        } else {
            line.block
        });
    }
    body
}

/// Cleans one raw page.
pub fn clean(bytes: &[u8], opts: &Options) -> Result<Cleaned, CleanError> {
    let (text, encoding) = decode::decode(bytes);
    if let Some(why) = decode::not_text(bytes, &text, encoding) {
        return Err(CleanError::NotText(why));
    }
    let depth = structure::html_depth(&text);
    if depth > structure::MAX_HTML_DEPTH {
        return Err(CleanError::NotText(format!(
            "its HTML nests elements {depth} deep (a page nests a few dozen): not a page clean can read"
        )));
    }
    // Characters no page may hold (a stray control character from a broken encoder)
    // are removed here, with a flag where each was.
    let removed = flags::disallowed_characters(&text);
    let text = crate::chars::strip(&text);
    let mut doc = structure::parse(&text);
    doc.flags.extend(removed);
    doc.copy = layout::is_document_copy(&doc.lines);
    // Order matters: characters first (so later rules see Simplified text without
    // pinyin), then the page's metadata and chrome, then the article's structure.
    repair::pinyin(&mut doc);
    repair::traditional(&mut doc);
    // Tables and lists before any rule judges their lines one by one.
    blocks::tables(&mut doc);
    blocks::bullets(&mut doc);
    repair::columns(&mut doc);
    repair::split_figures(&mut doc);
    noise::placeholders(&mut doc);
    noise::breadcrumbs(&mut doc);
    credits::signature(&mut doc);
    meta::document_title(&mut doc);
    meta::disclosure(&mut doc);
    meta::labelled_cells(&mut doc);
    meta::metadata_line(&mut doc);
    meta::dateline(&mut doc);
    meta::source_line(&mut doc);
    meta::link_lines(&mut doc);
    // Before the layout (a related list can date and title an untitled page) and
    // before the byline rule (which looks at the last lines of the article).
    noise::notice_blocks(&mut doc);
    noise::related_lists(&mut doc);
    credits::trailing_tags(&mut doc);
    credits::byline(&mut doc);
    // Chrome of the shapes the named rules know first, so `--explain` names them; the
    // layout then takes what nobody named.
    noise::page_chrome(&mut doc);
    noise::editor_lines(&mut doc);
    noise::spam(&mut doc);
    // The article's lines, apart from the page's header and footer.
    let header = layout::main_block(&mut doc);
    credits::header_date(&mut doc, &header);
    credits::news_dateline(&mut doc);
    credits::header_publisher(&mut doc, &header);
    title::title_from_header(&mut doc, header);
    noise::teaser(&mut doc);
    credits::notice_issuer(&mut doc);
    repair::page_chunks(&mut doc);
    repair::running_heads(&mut doc);
    noise::repeated_title(&mut doc);
    noise::duplicates(&mut doc);
    repair::sequences(&mut doc);
    repair::hard_wraps(&mut doc);
    repair::headings(&mut doc);
    flags::mojibake(&mut doc);
    flags::ocr_slips(&mut doc);

    if doc.lines.iter().all(|l| l.heading) {
        return Err(CleanError::NoText);
    }
    // A page without a title is cleaned all the same: the title is left for the
    // curator to fill in (`check` refuses an article without one), never made up.
    let title = doc.found.title.clone().unwrap_or_default();
    // A page that names no place (`我市`, `全区`) is still an article the curator wants
    // to read before choosing `--city`: the place is left open, never guessed.
    let (city, guess, unplaced) = match &opts.city {
        Some(c) => (c.clone(), None, None),
        None => {
            let mut context = doc.header.clone();
            context.extend(doc.found.publisher.clone());
            match place::infer(&title, &doc.lines, &context, &opts.places) {
                Ok(g) => (g.slug.clone(), Some(g), None),
                Err(why) => (String::new(), None, Some(why)),
            }
        }
    };
    let body = markdown_body(&doc.lines);
    let meta = ArticleMeta {
        title,
        date: doc.found.date.clone(),
        city,
        publisher: doc.found.publisher.clone(),
        author: doc.found.author.clone(),
        url: doc.found.url.clone(),
        raw: opts.raw.clone(),
        script: doc.found.traditional.then(|| "traditional".to_string()),
    };
    Ok(Cleaned {
        meta,
        body,
        encoding,
        steps: doc.steps,
        flags: doc.flags,
        place: guess,
        unplaced,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_stay_plain_when_they_can() {
        assert_eq!(
            yaml_scalar("福州:国家高新技术企业总量全省第一"),
            "福州:国家高新技术企业总量全省第一"
        );
        assert_eq!(yaml_scalar("2023-02-13"), "2023-02-13");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
        assert_eq!(yaml_scalar("[x]"), "\"[x]\"");
        assert_eq!(yaml_scalar("123"), "\"123\"");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
    }
}

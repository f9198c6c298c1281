//! The development set: real pages (kept out of git under `target/devset/pages/`) with
//! gold annotations (`devset/pages/*.yaml`), and the scores of `clean`, `check` and
//! `extract` on them. See `devset/README.md`.
//!
//! ```sh
//! cargo run --release --example devset -- status
//! cargo run --release --example devset -- gold a01
//! cargo run --release --example devset -- clean [ID...] [--with OLD_BINARY]
//! cargo run --release --example devset -- clean --diff [ID...]
//! cargo run --release --example devset -- check [--no-mutants]
//! cargo run --release --example devset -- extract [--seeds] [--path] [-v] [ID_PREFIX...]
//! ```

#[path = "../tests/it/common/mutants.rs"]
mod mutants;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use indicity::text::script::to_simplified;

#[derive(Debug, Deserialize)]
struct Entry {
    id: String,
    url: String,
    query: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    kind: String,
    sha256: String,
    gold: Gold,
    #[serde(default)]
    figures: Option<Vec<GoldFigure>>,
    #[serde(default)]
    new_indicators: Option<BTreeMap<String, NewIndicator>>,
}

#[derive(Debug, Deserialize)]
struct Gold {
    title: Option<String>,
    date: Option<serde_yaml::Value>,
    publisher: Option<String>,
    place: Option<GoldPlace>,
    /// The date a curator puts in the article when the page does not state one but
    /// its address does (for `check`; `clean` is scored on `date`).
    #[serde(default)]
    article_date: Option<serde_yaml::Value>,
    body: Vec<serde_yaml::Value>,
    #[serde(default)]
    cut: Option<Vec<String>>,
    #[serde(default)]
    cut_re: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, Clone)]
struct GoldPlace {
    name: String,
    code: String,
}

#[derive(Debug, Deserialize, Clone)]
struct GoldFigure {
    indicator: String,
    period: serde_yaml::Value,
    value: f64,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    bound: Option<String>,
    quote: String,
    /// How the annotator read the period where the text does not state it
    /// (`date`, `previous-year`, `title`, `address`, `{judgement: why}`).
    #[serde(default)]
    period_from: Option<serde_yaml::Value>,
}

#[derive(Debug, Deserialize, Clone)]
struct NewIndicator {
    name: String,
    unit: String,
    /// The measure words the indicator accepts besides its unit (`[人, 名, 位, 个]`).
    #[serde(default)]
    unit_words: Vec<String>,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn page_path(id: &str) -> PathBuf {
    repo().join("target/devset/pages").join(format!("{id}.txt"))
}

fn load_manifest() -> Vec<Entry> {
    let dir = repo().join("devset/pages");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = fs::read_to_string(p).unwrap();
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(bytes);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The page text, when it is there and is the one the gold was written on.
fn page(e: &Entry) -> Result<String, String> {
    let bytes = fs::read(page_path(&e.id)).map_err(|_| "missing".to_string())?;
    if sha256(&bytes) != e.sha256 {
        return Err("changed".to_string());
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())
}

fn date_of(v: &Option<serde_yaml::Value>) -> Option<String> {
    match v {
        Some(serde_yaml::Value::String(s)) => Some(s.clone()),
        Some(serde_yaml::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

fn scalar(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

/// The gold body: the selected pieces of the page, in order, one paragraph each.
fn gold_body(e: &Entry, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    for item in &e.gold.body {
        let item = scalar(item);
        let (range, chars) = match item.split_once(':') {
            Some((l, c)) => (l.to_string(), Some(c.to_string())),
            None => (item.clone(), None),
        };
        let (a, b) = match range.split_once('-') {
            Some((a, b)) => (
                a.trim().parse::<usize>().unwrap(),
                b.trim().parse::<usize>().unwrap(),
            ),
            None => {
                let n = range.trim().parse::<usize>().unwrap();
                (n, n)
            }
        };
        for n in a..=b {
            let line = lines.get(n - 1).copied().unwrap_or_default();
            let piece = match &chars {
                Some(c) => {
                    let (s, t) = c.split_once('-').unwrap();
                    let cs: Vec<char> = line.chars().collect();
                    let s: usize = s.parse().unwrap();
                    let t: usize = if t.is_empty() {
                        cs.len()
                    } else {
                        t.parse().unwrap()
                    };
                    cs[s.min(cs.len())..t.min(cs.len())].iter().collect()
                }
                None => line.to_string(),
            };
            out.push(piece);
        }
    }
    let cuts = e.gold.cut.clone().unwrap_or_default();
    let res: Vec<regex::Regex> = e
        .gold
        .cut_re
        .clone()
        .unwrap_or_default()
        .iter()
        .map(|r| regex::Regex::new(r).unwrap())
        .collect();
    out.into_iter()
        .map(|mut p| {
            for c in &cuts {
                p = p.replace(c.as_str(), "");
            }
            for r in &res {
                p = r.replace_all(&p, "").to_string();
            }
            p.trim().to_string()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Text as it is compared: NFKC, Simplified, no whitespace, no markdown heading marks,
/// no table or list markup (a table's bars and rule, a list item's marker or a page's
/// bullet glyph), on either side.
fn norm(s: &str) -> String {
    static RULE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"^\|?(?:\s*:?-{3,}:?\s*\|)+\s*$").unwrap());
    let lines: String = s
        .lines()
        .filter(|l| !RULE.is_match(l.trim()))
        .map(|l| {
            let l = l.trim_start().trim_start_matches('#').trim_start();
            let l = l.strip_prefix("- ").unwrap_or(l);
            l.trim_start_matches(['•', '●', '○', '◆', '◇', '■', '□', '▪', '▶', '►', '➢', '・'])
                .replace(['|', '｜'], "")
        })
        .collect::<Vec<_>>()
        .join("");
    let nfkc: String = lines.nfkc().filter(|c| !c.is_whitespace()).collect();
    to_simplified(&nfkc)
}

fn status(entries: &[Entry]) -> ExitCode {
    let mut bad = 0;
    let mut sites = std::collections::BTreeSet::new();
    for e in entries {
        sites.insert(e.site.clone());
        if let Err(why) = page(e) {
            bad += 1;
            println!(
                "{} {why}: re-collect it: run the query\n    {}\n  in the `pages` corpus and save the excerpt of the result {}\n  as {}",
                e.id,
                e.query,
                e.url,
                page_path(&e.id).display()
            );
        }
    }
    let figures: usize = entries
        .iter()
        .map(|e| e.figures.as_ref().map_or(0, Vec::len))
        .sum();
    println!(
        "{} pages from {} sites, {} gold figures; {} present, {} to re-collect",
        entries.len(),
        sites.len(),
        figures,
        entries.len() - bad,
        bad
    );
    if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The date of the gold article: the page's, or the one its address gives.
fn article_date(e: &Entry) -> Option<String> {
    // An article's `date:` is a day; a page that states only a month has none.
    date_of(&e.gold.date)
        .or_else(|| date_of(&e.gold.article_date))
        .filter(|d| indicity::content::is_date(d))
}

/// The gold article as a curator's cleaned article: front matter, then the body with
/// hard-wrapped lines (a line that does not end a sentence) joined into paragraphs.
fn gold_markdown(e: &Entry, text: &str) -> String {
    let mut out = String::from("---\n");
    // A page that states no title gets the one its curator must write (`check` refuses
    // an empty title): marked as ours, never taken from the body.
    let title = e
        .gold
        .title
        .clone()
        .unwrap_or_else(|| format!("(no title on the page: {})", e.id));
    let _ = writeln!(out, "title: {title:?}");
    if let Some(d) = article_date(e) {
        let _ = writeln!(out, "date: {d}");
    }
    let _ = writeln!(out, "city: {}", slug_of(e));
    if let Some(p) = &e.gold.publisher {
        let _ = writeln!(out, "publisher: {p:?}");
    }
    let _ = writeln!(out, "url: {:?}", e.url);
    let traditional = is_traditional(text);
    if traditional {
        out.push_str("script: traditional\n");
    }
    out.push_str("---\n\n");
    let mut open = false;
    for p in gold_body(e, text) {
        let p = if traditional { to_simplified(&p) } else { p };
        if open {
            out.push('\n');
        } else if !out.ends_with("---\n\n") {
            out.push_str("\n\n");
        }
        out.push_str(&p);
        // Long and not ending a sentence: the page wrapped it.
        open = p.chars().count() >= 15
            && !p.trim_end().ends_with([
                '。', '！', '？', '；', '：', '”', '」', '!', '?', ';', ':', '…',
            ]);
    }
    out.push('\n');
    out
}

/// Whether the page is in Traditional characters (its body changes on conversion).
fn is_traditional(text: &str) -> bool {
    let sample: String = text
        .chars()
        .filter(|c| indicity::text::is_cjk(*c))
        .take(400)
        .collect();
    let converted = to_simplified(&sample);
    let changed = sample
        .chars()
        .zip(converted.chars())
        .filter(|(a, b)| a != b)
        .count();
    changed * 20 > sample.chars().count().max(1)
}

fn slug_of(e: &Entry) -> String {
    format!("dev-{}", e.id)
}

// ---------------------------------------------------------------------------------
// clean

#[derive(Default)]
struct CleanScore {
    precision: f64,
    recall: f64,
    f1: f64,
    title: bool,
    date: bool,
    publisher: bool,
    place: &'static str,
    lost_numbers: Vec<String>,
    /// Gold figures' quotes, and those not in the cleaned text.
    quotes: usize,
    lost_quotes: usize,
    refused: Option<String>,
}

/// Characters of `ours` that are in `gold` in order (a longest common subsequence by
/// diff), over each side's length.
fn char_scores(ours: &str, gold: &str) -> (f64, f64, f64) {
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_secs(5))
        .diff_chars(ours, gold);
    let same: usize = diff
        .ops()
        .iter()
        .filter_map(|op| match op {
            similar::DiffOp::Equal { len, .. } => Some(*len),
            _ => None,
        })
        .sum();
    let (a, b) = (ours.chars().count(), gold.chars().count());
    let p = if a == 0 { 0.0 } else { same as f64 / a as f64 };
    let r = if b == 0 { 1.0 } else { same as f64 / b as f64 };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// The numbers of a text (digit runs with their decimals), normalised.
fn numbers_of(s: &str) -> Vec<String> {
    let re = regex::Regex::new(r"[0-9]+(?:\.[0-9]+)?").unwrap();
    re.find_iter(s).map(|m| m.as_str().to_string()).collect()
}

/// What a cleaner made of a page: the fields the score compares.
struct Out {
    title: String,
    date: Option<String>,
    publisher: Option<String>,
    body: String,
    /// The inferred place's division code; `None` when it said "unknown".
    place: Option<String>,
}

/// This build's `clean`, in process.
fn clean_here(text: &str) -> Result<Out, String> {
    let c = indicity::clean::clean(text.as_bytes(), &indicity::clean::Options::default())
        .map_err(|e| e.to_string())?;
    Ok(Out {
        title: c.meta.title.clone(),
        date: c.meta.date.clone(),
        publisher: c.meta.publisher.clone(),
        body: c.body.clone(),
        place: c.place.as_ref().map(|g| g.code.clone()),
    })
}

/// Another build's `indicity clean --dry-run` (`--with BINARY`: the code before a
/// change, on the same pages).
fn clean_with(bin: &Path, text: &str) -> Result<Out, String> {
    let dir = std::env::temp_dir().join(format!("devset-with-{}", std::process::id()));
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let page = dir.join("page.txt");
    fs::write(&page, text).map_err(|e| e.to_string())?;
    let out = std::process::Command::new(bin)
        .args(["clean", "--dry-run", "--city", "unknown", "--root"])
        .arg(&dir)
        .arg(&page)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or("failed")
            .to_string());
    }
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    let md = &md[md.find("---\n").ok_or("no article printed")?..];
    let (fm, body) = md[4..].split_once("\n---\n").ok_or("no front matter")?;
    let field = |k: &str| {
        fm.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}: ")))
            .and_then(|v| serde_yaml::from_str::<String>(v).ok())
    };
    // Its place, from a second run without `--city`: "(place inferred: 枞阳县 340722, …)".
    let inferred = std::process::Command::new(bin)
        .args(["clean", "--dry-run", "--root"])
        .arg(&dir)
        .arg(&page)
        .output()
        .ok()
        .and_then(|o| {
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            let at = all.find("place inferred: ")?;
            let code: String = all[at..]
                .split_whitespace()
                .nth(3)?
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            (code.len() == 6).then_some(code)
        });
    Ok(Out {
        title: field("title").unwrap_or_default(),
        date: field("date"),
        publisher: field("publisher"),
        body: body.trim_start_matches('\n').to_string(),
        place: inferred,
    })
}

fn score_clean(e: &Entry, text: &str, with: Option<&Path>) -> CleanScore {
    let gold: String = gold_body(e, text).join("\n");
    let c = match with.map_or_else(|| clean_here(text), |bin| clean_with(bin, text)) {
        Ok(c) => c,
        Err(why) => {
            let quotes = e.figures.as_ref().map_or(0, Vec::len);
            return CleanScore {
                quotes,
                lost_quotes: quotes,
                refused: Some(why),
                place: "-",
                ..Default::default()
            };
        }
    };
    let (ours, gold_n) = (norm(&c.body), norm(&gold));
    let (precision, recall, f1) = char_scores(&ours, &gold_n);
    let title_ok = match &e.gold.title {
        Some(t) => norm(&c.title) == norm(t),
        None => c.title.trim().is_empty(),
    };
    let date_ok = date_of(&e.gold.date) == c.date;
    // A publisher named in full where the page says "区科技局" is the same one.
    let publisher_ok = match (&e.gold.publisher, &c.publisher) {
        (Some(g), Some(o)) => {
            let (g, o) = (norm(g), norm(o));
            g == o || (o.chars().count() >= 3 && (g.contains(&o) || o.contains(&g)))
        }
        (None, None) => true,
        _ => false,
    };
    let inferred = c.place.clone();
    let place = match (&e.gold.place, inferred) {
        (Some(g), Some(code)) if code == g.code => "right",
        (Some(_), None) => "unknown",
        (None, None) => "right",
        _ => "WRONG",
    };
    let mut have = numbers_of(&ours);
    let mut lost = Vec::new();
    for n in numbers_of(&gold_n) {
        match have.iter().position(|h| *h == n) {
            Some(i) => {
                have.swap_remove(i);
            }
            None => lost.push(n),
        }
    }
    // A quote the curator would copy must survive in the cleaned text (it may span a
    // line the cleaner joined, so it is compared normalised).
    let quotes: Vec<String> = e.figures.iter().flatten().map(|f| norm(&f.quote)).collect();
    let lost_quotes = quotes.iter().filter(|q| !ours.contains(q.as_str())).count();
    CleanScore {
        quotes: quotes.len(),
        lost_quotes,
        precision,
        recall,
        f1,
        title: title_ok,
        date: date_ok,
        publisher: publisher_ok,
        place,
        lost_numbers: lost,
        refused: None,
    }
}

/// The lines `clean` kept that the gold body does not have, and the gold lines it
/// lost, for one page: what to look at when a page scores low.
fn clean_diff(e: &Entry, text: &str) {
    let gold = gold_body(e, text);
    let c = indicity::clean::clean(
        text.as_bytes(),
        &indicity::clean::Options {
            city: Some("x".into()),
            ..Default::default()
        },
    );
    let c = match c {
        Ok(c) => c,
        Err(err) => {
            println!("{}: refused: {err}", e.id);
            return;
        }
    };
    println!(
        "== {} title={:?} date={:?} publisher={:?}",
        e.id, c.meta.title, c.meta.date, c.meta.publisher
    );
    println!(
        "   gold title={:?} date={:?} publisher={:?}",
        e.gold.title,
        date_of(&e.gold.date),
        e.gold.publisher
    );
    let g: String = gold.iter().map(|p| norm(p)).collect();
    for line in c.body.lines().filter(|l| !l.trim().is_empty()) {
        let n = norm(line);
        if !n.is_empty() && !g.contains(&n) {
            println!("  + {line}");
        }
    }
    let ours = norm(&c.body);
    for p in &gold {
        let n = norm(p);
        if !n.is_empty() && !ours.contains(&n) {
            println!("  - {p}");
        }
    }
}

fn clean_report(entries: &[Entry], only: &[String]) -> ExitCode {
    if only.first().is_some_and(|a| a == "--diff") {
        for e in entries
            .iter()
            .filter(|e| only.len() == 1 || only[1..].contains(&e.id))
        {
            if let Ok(text) = page(e) {
                clean_diff(e, &text);
            }
        }
        return ExitCode::SUCCESS;
    }
    // `--with BINARY`: score another build's `clean` (the code before a change).
    let mut only = only.to_vec();
    let with: Option<PathBuf> = only.iter().position(|a| a == "--with").map(|i| {
        let bin = only.get(i + 1).map(PathBuf::from).unwrap_or_default();
        only.drain(i..(i + 2).min(only.len()));
        bin
    });
    println!(
        "| page | kind | P | R | F1 | title | date | publisher | place | quotes lost | numbers lost |"
    );
    println!("|---|---|---:|---:|---:|---|---|---|---|---:|---|");
    let (mut quotes, mut lost_quotes) = (0, 0);
    let (mut n, mut f_sum, mut titles, mut dates, mut pubs, mut lost_pages, mut refused) =
        (0, 0.0, 0, 0, 0, 0, 0);
    let mut places: BTreeMap<&str, usize> = BTreeMap::new();
    let mut min_f1: f64 = 1.0;
    for e in entries
        .iter()
        .filter(|e| only.is_empty() || only.contains(&e.id))
    {
        let Ok(text) = page(e) else {
            println!("| {} | {} | (page missing) |", e.id, e.kind);
            continue;
        };
        let s = score_clean(e, &text, with.as_deref());
        n += 1;
        if let Some(why) = &s.refused {
            refused += 1;
            quotes += s.quotes;
            lost_quotes += s.lost_quotes;
            min_f1 = 0.0;
            println!("| {} | {} | REFUSED: {why} |", e.id, e.kind);
            continue;
        }
        f_sum += s.f1;
        min_f1 = min_f1.min(s.f1);
        titles += usize::from(s.title);
        dates += usize::from(s.date);
        pubs += usize::from(s.publisher);
        *places.entry(s.place).or_default() += 1;
        lost_pages += usize::from(!s.lost_numbers.is_empty());
        quotes += s.quotes;
        lost_quotes += s.lost_quotes;
        let yes = |b: bool| if b { "ok" } else { "WRONG" };
        println!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {} | {} | {} | {} | {}/{} | {} |",
            e.id,
            e.kind,
            s.precision,
            s.recall,
            s.f1,
            yes(s.title),
            yes(s.date),
            yes(s.publisher),
            s.place,
            s.lost_quotes,
            s.quotes,
            s.lost_numbers.join(" ")
        );
    }
    let pct = |k: usize| 100.0 * k as f64 / n.max(1) as f64;
    println!(
        "\n{n} pages: mean body F1 {:.3} (refused pages count 0), lowest {:.3}; title right {:.0} %, date {:.0} %, publisher {:.0} %; place {:?}; pages losing a gold number {lost_pages}; quotes lost {lost_quotes} of {quotes}; refused {refused}",
        f_sum / n.max(1) as f64,
        min_f1,
        pct(titles),
        pct(dates),
        pct(pubs),
        places
    );
    ExitCode::SUCCESS
}

// ---------------------------------------------------------------------------------
// check

/// A site made of the gold: one place per page with figures, the gold article, the
/// gold figures, and the bundled catalogue grown by the pages' new indicators.
///
/// With `path`, the whole path a curator takes instead: the article is what `clean`
/// makes of the raw page (with the place given, as `--city` would), and the catalogue
/// is the bundled one, not grown.
fn gold_site(entries: &[Entry], dir: &Path, path: bool) -> Vec<(String, String)> {
    let content = dir.join("content");
    fs::create_dir_all(content.join("cities")).unwrap();
    fs::create_dir_all(content.join("articles")).unwrap();
    for d in ["templates", "static"] {
        copy_dir(&repo().join(d), &dir.join(d));
    }
    fs::copy(repo().join("content/site.yaml"), content.join("site.yaml")).unwrap();
    let mut catalogue = fs::read_to_string(repo().join("content/indicators.yaml")).unwrap();
    let known: serde_yaml::Mapping = serde_yaml::from_str(&catalogue).unwrap();
    let mut added = std::collections::BTreeSet::new();
    let mut index = Vec::new();
    for e in entries {
        let Some(figures) = e.figures.as_ref().filter(|f| !f.is_empty()) else {
            continue;
        };
        let Ok(text) = page(e) else {
            continue;
        };
        for (id, ni) in e.new_indicators.clone().unwrap_or_default() {
            if path {
                break;
            }
            if known.contains_key(id.as_str()) || !added.insert(id.clone()) {
                continue;
            }
            let _ = write!(
                catalogue,
                "{id}:\n  name: {:?}\n  name_en: {id}\n  unit: {:?}\n  description: {:?}\n",
                ni.name, ni.unit, ni.name
            );
            if !ni.unit_words.is_empty() {
                let _ = writeln!(catalogue, "  unit_words: {:?}", ni.unit_words);
            }
        }
        let slug = slug_of(e);
        let cleaned = if path {
            match indicity::clean::clean(
                text.as_bytes(),
                &indicity::clean::Options {
                    city: Some(slug.clone()),
                    ..Default::default()
                },
            ) {
                Ok(mut c) => {
                    // The curator gives the page's address (`--url`): a page that
                    // states no date takes the one its address carries.
                    c.meta.url = Some(e.url.clone());
                    if c.meta.date.is_none() {
                        c.meta.date = indicity::clean::date_in_address(&e.url);
                    }
                    // A page with no title of its own: the curator writes one (check
                    // refuses an empty title), as the gold article does.
                    if c.meta.title.trim().is_empty() {
                        println!("{}: clean found no title; the curator writes one", e.id);
                        c.meta.title = format!("(no title on the page: {})", e.id);
                    }
                    Some(c)
                }
                Err(why) => {
                    println!("{}: clean refused the page: {why}", e.id);
                    continue;
                }
            }
        } else {
            None
        };
        let date = match &cleaned {
            Some(c) => c.meta.date.clone(),
            None => article_date(e),
        };
        let article_id = format!(
            "{slug}/{}-{}",
            date.as_deref().map_or("undated", |d| &d[..d.len().min(10)]),
            e.id
        );
        let file = content.join("articles").join(format!("{article_id}.md"));
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        let markdown = match &cleaned {
            Some(c) => c.to_markdown(),
            None => gold_markdown(e, &text),
        };
        fs::write(&file, markdown).unwrap();
        let name = e
            .gold
            .place
            .as_ref()
            .map_or_else(|| format!("未知地区{}", e.id), |p| p.name.clone());
        let mut y =
            format!("name: {name}\nname_en: {slug}\nprovince: 未知\nlevel: prefecture\nfigures:\n");
        let mut by_ind: BTreeMap<&str, Vec<&GoldFigure>> = BTreeMap::new();
        for f in figures {
            by_ind.entry(f.indicator.as_str()).or_default().push(f);
        }
        for (ind, figs) in by_ind {
            let _ = writeln!(y, "  {ind}:");
            for f in figs {
                let _ = writeln!(y, "    - period: {}", scalar(&f.period));
                match &f.period_from {
                    Some(serde_yaml::Value::String(s)) => {
                        let _ = writeln!(y, "      period_from: {s}");
                    }
                    Some(serde_yaml::Value::Mapping(m)) => {
                        let why = m
                            .get("judgement")
                            .and_then(|v| v.as_str())
                            .unwrap_or("(no reason given)");
                        let _ = writeln!(
                            y,
                            "      period_from: {{judgement: {}}}",
                            serde_json::to_string(why).unwrap()
                        );
                    }
                    _ => {}
                }
                let _ = writeln!(y, "      value: {}", indicity::format::plain(f.value));
                if let Some(s) = &f.status {
                    let _ = writeln!(y, "      status: {s}");
                }
                if let Some(b) = &f.bound {
                    let _ = writeln!(y, "      bound: {b:?}");
                }
                let _ = writeln!(y, "      source: {article_id}");
                let _ = writeln!(y, "      quote: {:?}", f.quote);
            }
        }
        fs::write(content.join("cities").join(format!("{slug}.yaml")), y).unwrap();
        index.push((e.id.clone(), slug));
    }
    fs::write(content.join("indicators.yaml"), catalogue).unwrap();
    index
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn check_report(entries: &[Entry], with_mutants: bool) -> ExitCode {
    // DEVSET_SITE=DIR keeps the gold site there, to look at what an error points to.
    let tmp = tempfile::tempdir().unwrap();
    let kept = std::env::var_os("DEVSET_SITE").map(PathBuf::from);
    if let Some(k) = &kept {
        let _ = fs::remove_dir_all(k);
    }
    let root = kept.as_deref().unwrap_or(tmp.path());
    let index = gold_site(entries, root, false);
    let figures: usize = fs::read_dir(root.join("content/cities"))
        .unwrap()
        .map(|e| {
            fs::read_to_string(e.unwrap().path())
                .unwrap()
                .matches("- period:")
                .count()
        })
        .sum();
    let diags = match indicity::check(root) {
        Ok(c) => c.warnings,
        Err(indicity::Error::Content(d)) => d,
        Err(e) => panic!("{e}"),
    };
    // False alarms: errors on gold figures, by page and code.
    let mut by_page: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diags.errors() {
        let file = d
            .location
            .as_ref()
            .map_or(String::new(), |l| l.file.to_string_lossy().to_string());
        let page = index
            .iter()
            .find(|(_, slug)| {
                file.contains(&format!("/{slug}.yaml")) || file.contains(&format!("/{slug}/"))
            })
            .map_or_else(|| "(site)".to_string(), |(id, _)| id.clone());
        *by_page
            .entry(page)
            .or_default()
            .entry(d.code.as_str())
            .or_default() += 1;
        *by_code.entry(d.code.as_str()).or_default() += 1;
        if std::env::var_os("DEVSET_VERBOSE").is_some() {
            eprintln!(
                "{}",
                indicity::diagnostics::Diagnostics(vec![d.clone()]).render(false)
            );
        }
    }
    let alarms: usize = by_code.values().sum();
    let window = diags
        .0
        .iter()
        .filter(|d| d.code == indicity::diagnostics::Code::W007)
        .count();
    let judged: usize = entries
        .iter()
        .filter(|e| index.iter().any(|(id, _)| *id == e.id))
        .flat_map(|e| e.figures.iter().flatten())
        .filter(|f| matches!(f.period_from, Some(serde_yaml::Value::Mapping(_))))
        .count();
    let based: usize = entries
        .iter()
        .filter(|e| index.iter().any(|(id, _)| *id == e.id))
        .flat_map(|e| e.figures.iter().flatten())
        .filter(|f| f.period_from.is_some())
        .count();
    println!("## check on the gold figures\n");
    println!(
        "{} pages, {figures} gold figures: {alarms} refused (false alarms) {by_code:?}",
        index.len()
    );
    println!(
        "period bases in the gold: {based} (of them judgements: {judged}); W007 (period on the date's two years, no basis): {window}\n"
    );
    println!("| page | false alarms |");
    println!("|---|---|");
    for (id, _) in &index {
        let a = by_page
            .get(id)
            .map_or("0".to_string(), |m| format!("{m:?}"));
        println!("| {id} | {a} |");
    }
    if !with_mutants {
        return ExitCode::SUCCESS;
    }
    // Mutants: only of figures that pass, so a false alarm is not counted as a catch.
    let failing: std::collections::BTreeSet<(String, usize)> = diags
        .errors()
        .filter_map(|d| d.location.as_ref())
        .map(|l| (l.file.to_string_lossy().to_string(), l.line_col().0))
        .collect();
    if !failing.is_empty() {
        // Remove failing figures' files from the mutation run: take the pages that pass.
        println!("\n(mutants are run on the pages with no false alarm)");
    }
    let passing_root = tempfile::tempdir().unwrap();
    let ok_entries: Vec<&Entry> = entries
        .iter()
        .filter(|e| index.iter().any(|(id, _)| id == &e.id) && !by_page.contains_key(&e.id))
        .collect();
    let ok_ids: Vec<String> = ok_entries.iter().map(|e| e.id.clone()).collect();
    let kept: Vec<Entry> = load_manifest()
        .into_iter()
        .filter(|e| ok_ids.contains(&e.id))
        .collect();
    gold_site(&kept, passing_root.path(), false);
    if indicity::check(passing_root.path()).is_err() {
        println!("the passing pages do not pass together; no mutation run");
        return ExitCode::from(1);
    }
    let ms = mutants::mutants(passing_root.path());
    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut missed = Vec::new();
    let mut misleading = Vec::new();
    for m in &ms {
        let caught = mutants::is_caught(passing_root.path(), m);
        if caught && let Some(p) = mutants::help_misleads(passing_root.path(), m) {
            misleading.push(p);
        }
        let k = kinds.entry(m.kind).or_default();
        k.0 += 1;
        if caught {
            k.1 += 1;
        } else {
            // The figure's quote, to find its sentence.
            let text = fs::read_to_string(passing_root.path().join(&m.file)).unwrap_or_default();
            let quote = text
                .lines()
                .skip(m.line.saturating_sub(1))
                .find_map(|l| l.trim().strip_prefix("quote: "))
                .unwrap_or("")
                .to_string();
            let what = if !m.what.is_empty() {
                m.what.clone()
            } else if m.replacement.contains('\n') {
                m.replacement
                    .lines()
                    .find(|l| l.trim_end().ends_with(':') && !l.trim().starts_with('-'))
                    .map_or("(moved)".to_string(), |l| {
                        format!("moved under {}", l.trim())
                    })
            } else {
                m.replacement.clone()
            };
            missed.push(format!(
                "{} {}:{} → {what}  {quote}",
                m.kind, m.file, m.line
            ));
        }
    }
    let mutated: std::collections::BTreeSet<(&str, usize)> = ms
        .iter()
        .filter(|m| m.kind == "digit" || m.kind == "period+1")
        .map(|m| (m.file.as_str(), m.line))
        .collect();
    println!(
        "\n## mutants of the {} figures of the {} pages that pass\n",
        mutated.len() / 2,
        ok_ids.len()
    );
    println!("| kind | caught / total |");
    println!("|---|---|");
    for (k, (n, c)) in &kinds {
        println!("| {k} | {c}/{n} |");
    }
    println!(
        "\nhelp texts that turn a caught mutant into another wrong figure that passes: {}",
        misleading.len()
    );
    for p in &misleading {
        println!("  {p}");
    }
    if !missed.is_empty() {
        println!("\nnot caught:");
        for m in &missed {
            println!("  {m}");
        }
    }
    ExitCode::SUCCESS
}

/// The indicators the extract targets are set on (issue: enterprises, R&D, contracts,
/// incubators and makerspaces, talent and platforms), by id prefix.
const CORE: &[&str] = &[
    "high_tech_enterprises",
    "tech_smes",
    "rd_spending",
    "rd_intensity",
    "tech_contract",
    "incubators",
    "makerspaces",
    "new_rd_institutions",
    "national_talent",
    "provincial_talent",
    "high_level_talent",
    "enterprise_tech_centres",
    "industry_innovation_centres",
];

fn is_core(id: &str) -> bool {
    CORE.iter().any(|c| id.starts_with(c))
}

/// A figure to find: (indicator, period, status, value).
type Want = (String, String, String, f64);

#[derive(Default, Clone, Copy)]
struct Tally {
    gold: usize,
    found: usize,
    /// Gold figures whose indicator the bundled catalogue has, and of those found.
    in_catalogue: usize,
    found_in_catalogue: usize,
    proposed: usize,
    /// Proposals equal to a gold figure in indicator, period, status and value.
    right: usize,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.gold += o.gold;
        self.found += o.found;
        self.in_catalogue += o.in_catalogue;
        self.found_in_catalogue += o.found_in_catalogue;
        self.proposed += o.proposed;
        self.right += o.right;
    }
    fn ratio(n: usize, d: usize) -> f64 {
        if d == 0 { 1.0 } else { n as f64 / d as f64 }
    }
    fn recall(&self) -> f64 {
        Self::ratio(self.found, self.gold)
    }
    fn catalogue_recall(&self) -> f64 {
        Self::ratio(self.found_in_catalogue, self.in_catalogue)
    }
    fn precision(&self) -> f64 {
        Self::ratio(self.right, self.proposed)
    }
    fn row(&self, label: &str, core: &Tally) -> String {
        format!(
            "{label:<6} {:>4} {:>4} {:>4} {:>6.3} {:>6.3} {:>6.3} | {:>4} {:>4} {:>6.3} {:>6.3}",
            self.gold,
            self.proposed,
            self.found,
            self.recall(),
            self.catalogue_recall(),
            self.precision(),
            core.gold,
            core.proposed,
            core.recall(),
            core.precision()
        )
    }
}

fn same_fig(w: &Want, p: &indicity::extract::Proposal) -> bool {
    w.0 == p.indicator
        && w.1 == p.period.to_string()
        && w.2 == p.status.as_str()
        && indicity::text::numbers::same(w.3, p.value)
}

/// Runs `extract` on every (article, place, gold) of a site whose place files hold no
/// figures, scores it, and checks the proposals by writing them and running `check`.
///
/// A proposal is right when indicator, period, status and value all equal a gold
/// figure's; "cat" is the recall over gold figures whose indicator the bundled
/// catalogue has; "core" counts only the core indicators, on both sides.
fn score_extract(
    root: &Path,
    cases: &[(String, String, String, Vec<Want>)],
    verbose: bool,
) -> ExitCode {
    let (site, _) = indicity::content::load_uncached(root);
    let bundled: serde_yaml::Mapping =
        serde_yaml::from_str(&fs::read_to_string(repo().join("content/indicators.yaml")).unwrap())
            .unwrap();
    println!(
        "{:<6} {:>4} {:>4} {:>4} {:>6} {:>6} {:>6} | {:>4} {:>4} {:>6} {:>6}",
        "page", "gold", "prop", "hit", "recall", "cat", "prec", "core", "prop", "recall", "prec"
    );
    let mut all = (Tally::default(), Tally::default());
    let mut batches: BTreeMap<char, (Tally, Tally)> = BTreeMap::new();
    let mut merged: BTreeMap<String, Vec<indicity::extract::Proposal>> = BTreeMap::new();
    let mut slowest = (0.0f64, String::new(), 0usize);
    for (label, article, slug, wants) in cases {
        let started = std::time::Instant::now();
        let earlier = merged.get(slug).cloned().unwrap_or_default();
        let ex = match indicity::extract::extract(&site, article, Some(slug), &earlier) {
            Ok(ex) => ex,
            Err(e) => {
                println!("{label:<6} error: {e}");
                continue;
            }
        };
        let took = started.elapsed().as_secs_f64();
        let chars = site.articles[article].body().chars().count();
        if took > slowest.0 {
            slowest = (took, label.clone(), chars);
        }
        let props = &ex.proposals;
        let mut t = Tally {
            gold: wants.len(),
            proposed: props.len(),
            ..Tally::default()
        };
        let mut c = Tally::default();
        for w in wants {
            let hit = props.iter().any(|p| same_fig(w, p));
            t.found += usize::from(hit);
            if bundled.contains_key(w.0.as_str()) {
                t.in_catalogue += 1;
                t.found_in_catalogue += usize::from(hit);
            }
            if is_core(&w.0) {
                c.gold += 1;
                c.found += usize::from(hit);
            }
            if verbose && !hit {
                println!("    missed {} {} {} {}", w.0, w.1, w.2, w.3);
            }
        }
        for p in props {
            let right = wants.iter().any(|w| same_fig(w, p));
            t.right += usize::from(right);
            if is_core(&p.indicator) {
                c.proposed += 1;
                c.right += usize::from(right);
            }
            if verbose && !right {
                // A value the gold has, read as another indicator, period or status.
                let real = wants
                    .iter()
                    .any(|w| indicity::text::numbers::same(w.3, p.value));
                println!(
                    "    {} {} {} {} {} ({})",
                    if real { "misread" } else { "extra " },
                    p.indicator,
                    p.period,
                    p.status,
                    p.value,
                    p.quote()
                );
            }
        }
        println!("{}", t.row(label, &c));
        all.0.add(t);
        all.1.add(c);
        let b = batches
            .entry(label.chars().next().unwrap_or('?'))
            .or_default();
        b.0.add(t);
        b.1.add(c);
        merged.entry(slug.clone()).or_default().extend(ex.proposals);
    }
    if batches.len() > 1 {
        for (b, (t, c)) in &batches {
            println!("{}", t.row(&format!("{b}*"), c));
        }
    }
    println!("{}", all.0.row("all", &all.1));
    // Every proposal must pass `check` as printed.
    let mut n = 0;
    for (slug, props) in &merged {
        let path = root.join("content/cities").join(format!("{slug}.yaml"));
        // `extract_with`: every article's proposals, as successive `--write`s leave them.
        let text = fs::read_to_string(&path).unwrap();
        let (out, _) = indicity::extract::write::merge(&text, props).unwrap();
        fs::write(&path, out).unwrap();
        n += props.len();
    }
    let errors: Vec<String> = match indicity::check(root) {
        Ok(_) => Vec::new(),
        Err(indicity::Error::Content(d)) => {
            d.0.iter()
                .filter(|d| d.is_error())
                .map(|d| {
                    format!(
                        "{} {} {}",
                        d.code,
                        d.position().unwrap_or_default(),
                        d.message
                    )
                })
                .collect()
        }
        Err(e) => vec![e.to_string()],
    };
    println!(
        "proposals passing check as printed: {}/{n} ({:.1} %)",
        n.saturating_sub(errors.len()),
        100.0 * (n.saturating_sub(errors.len())) as f64 / n.max(1) as f64
    );
    for e in &errors {
        println!("  {e}");
    }
    println!(
        "slowest article: {} ({} characters) in {:.1} ms",
        slowest.1,
        slowest.2,
        slowest.0 * 1000.0
    );
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The place files of a site, emptied of their figures.
fn strip_figures(root: &Path) {
    for e in fs::read_dir(root.join("content/cities")).unwrap() {
        let path = e.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let head = text.split("\nfigures:").next().unwrap_or(&text).to_string();
        fs::write(&path, format!("{}\n", head.trim_end())).unwrap();
    }
}

fn extract_report(entries: &[Entry], verbose: bool, path: bool) -> ExitCode {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let index = gold_site(entries, root, path);
    strip_figures(root);
    let (site, _) = indicity::content::load_uncached(root);
    let mut cases = Vec::new();
    for (id, slug) in index {
        let e = entries.iter().find(|e| e.id == id).unwrap();
        let Some(article) = site
            .articles
            .keys()
            .find(|a| a.ends_with(&format!("-{id}")))
        else {
            continue;
        };
        let wants: Vec<Want> = e
            .figures
            .clone()
            .unwrap_or_default()
            .iter()
            .map(|f| {
                (
                    f.indicator.clone(),
                    scalar(&f.period),
                    f.status.clone().unwrap_or_else(|| "actual".into()),
                    f.value,
                )
            })
            .collect();
        cases.push((id, article.clone(), slug, wants));
    }
    score_extract(root, &cases, verbose)
}

/// The same on the bundled site: every curated figure of the seeds is gold.
fn extract_seeds(verbose: bool) -> ExitCode {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for d in ["content", "templates", "static"] {
        copy_dir(&repo().join(d), &root.join(d));
    }
    let (site, _) = indicity::content::load_uncached(&repo());
    strip_figures(root);
    let mut cases = Vec::new();
    for id in site.articles.keys() {
        let slug = site.articles[id].meta.city.clone();
        let place = site.place(&slug).unwrap();
        let wants: Vec<Want> = place
            .figures
            .iter()
            .filter(|f| &f.source == id && f.derived.is_none())
            .map(|f| {
                (
                    f.indicator.clone(),
                    f.period.to_string(),
                    f.status.as_str().to_string(),
                    f.value,
                )
            })
            .collect();
        let label = id.split('/').next().unwrap_or(id).chars().take(6).collect();
        cases.push((label, id.clone(), slug, wants));
    }
    score_extract(root, &cases, verbose)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let entries = load_manifest();
    match args.first().map(String::as_str) {
        Some("status") | None => status(&entries),
        Some("gold") => {
            for id in &args[1..] {
                let e = entries.iter().find(|e| &e.id == id).expect("no such page");
                match page(e) {
                    Ok(t) => print!("{}", gold_markdown(e, &t)),
                    Err(why) => eprintln!("{id}: page {why}"),
                }
            }
            ExitCode::SUCCESS
        }
        Some("clean") => clean_report(&entries, &args[1..]),
        Some("check") => check_report(&entries, !args.iter().any(|a| a == "--no-mutants")),
        Some("extract") => {
            let verbose = args.iter().any(|a| a == "-v");
            let path = args.iter().any(|a| a == "--path");
            // `extract f g`: only the pages whose id starts with one of these.
            let only: Vec<&String> = args[1..].iter().filter(|a| !a.starts_with('-')).collect();
            let chosen: Vec<Entry> = entries
                .into_iter()
                .filter(|e| only.is_empty() || only.iter().any(|o| e.id.starts_with(o.as_str())))
                .collect();
            if args.iter().any(|a| a == "--seeds") {
                extract_seeds(verbose)
            } else {
                extract_report(&chosen, verbose, path)
            }
        }
        Some(other) => {
            eprintln!(
                "unknown command {other}: status | gold ID | clean [ID…] | check [--no-mutants]"
            );
            ExitCode::from(2)
        }
    }
}

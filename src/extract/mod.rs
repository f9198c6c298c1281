//! From a cleaned article to the figures it states, proposed in the project's own
//! format.
//!
//! Each number of the article is read the way `check` reads a quote: its value and
//! unit ([`numbers`]), the indicator the words before it name ([`vocab`]), its
//! status and bound from the wording, its period by the very levels `check` applies
//! ([`dating::supported`]). A proposal is kept only when `check` would pass it as
//! printed: each one is verified as it is made, and the whole place file with the
//! proposals merged in is checked again before anything is printed or written.

pub mod vocab;
pub mod write;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::check::dating::{self, Document};
use crate::check::values::{self, QuoteHit};
use crate::content::yaml::SourceFile;
use crate::content::{Article, Bound, Figure, Origin, OriginPath, Period, Site, Status};
use crate::diagnostics::Diagnostics;
use crate::format;
use crate::text::numbers::{self, Mention, Unit};
use crate::text::punct::{self, Sentence};
use crate::text::words::declines;
use crate::text::{Normalized, normalize};

use vocab::Vocabulary;

/// One figure the article states: the very [`Figure`] `check` proved, with one
/// quote, and why it is only a guess when it is one.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub figure: Figure,
    /// Why it is only a guess (printed commented out, with `--all`).
    pub doubt: Option<String>,
}

impl Proposal {
    /// The sentence it is proposed from, as the article writes it.
    pub fn quote(&self) -> &str {
        self.figure.quotes.first().map_or("", String::as_str)
    }
}

impl std::ops::Deref for Proposal {
    type Target = Figure;
    fn deref(&self) -> &Figure {
        &self.figure
    }
}

/// A number stated in an indicator-like unit that no indicator's name explains.
#[derive(Debug, Clone, PartialEq)]
pub struct Unassigned {
    /// The words before the number, in its sentence.
    pub before: String,
    /// The number as stated, with its unit.
    pub stated: String,
}

/// What `extract` found in one article.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub article: String,
    pub place: String,
    /// Sure and checked: printed, and written by `--write`.
    pub proposals: Vec<Proposal>,
    /// Checked, but the reading may be wrong: printed commented out with `--all`.
    pub unsure: Vec<Proposal>,
    /// Already in the place file with the same value.
    pub recorded: Vec<Proposal>,
    /// The place file records another value for the same indicator, period and
    /// status: (proposal, the recorded value and where).
    pub contradicted: Vec<(Proposal, String)>,
    /// Read, but `check` refuses them as printed: (proposal, why).
    pub dropped: Vec<(Proposal, String)>,
    pub unassigned: Vec<Unassigned>,
}

/// Words that make a figure a goal rather than an achievement.
const TARGET_WORDS: &[&str] = &[
    "力争",
    "力促",
    "目标",
    "预计",
    "确保",
    "争取",
    "预期",
    "计划到",
    "计划在",
    "计划年",
    "拟",
    "将达",
    "将突破",
    "将超过",
    "将实现",
    "要达到",
    "达到…以上",
];

/// Words for "now": the article's date is the figure's.
const NOW_WORDS: &[&str] = &["截至目前", "目前", "至今", "现有", "当前"];

/// Words that make a count one of an activity around the indicator (enterprises
/// recommended, trained, visited) rather than the indicator's own.
const ACTIVITY_WORDS: &[&str] = &[
    "推荐", "申报", "参评", "走访", "辅导", "培训", "对接", "服务", "组织", "梯队", "后备", "潜力",
];

/// Words before a number that make it a phone, fax or code, not a count.
const NOT_A_COUNT: &[&str] = &[
    "电话", "热线", "传真", "邮编", "代码", "编号", "文号", "号码",
];

/// A rate or share of something named before it: `完成率107%` is not the subject's
/// value. A core that is itself a rate (`研发活动覆盖率`) is matched before this.
const RATE_WORDS: &[&str] = &["率", "比重", "占比", "比例", "份额", "排名", "名次"];

/// Extracts the figures `article` states for the place `slug` (the article's own
/// place when `None`).
///
/// `earlier` are proposals already made for the place from other articles in the same
/// run (`extract a.md b.md --write`): they count as recorded.
pub fn extract(
    site: &Site,
    article_id: &str,
    slug: Option<&str>,
    earlier: &[Proposal],
) -> Result<Extraction, String> {
    let article = site
        .articles
        .get(article_id)
        .ok_or_else(|| format!("no article `{article_id}` under content/articles/"))?;
    let slug = slug.unwrap_or(&article.meta.city);
    let place = site.place(slug).ok_or_else(|| {
        format!(
            "no place `{slug}`: content/cities/{slug}.yaml is missing or does not load (create it with `indicity new place NAME`)"
        )
    })?;
    let vocab = Vocabulary::new(site);
    let read = read_article(site, article, &vocab);
    let mut out = Extraction {
        article: article_id.to_string(),
        place: slug.to_string(),
        unassigned: read.unassigned,
        ..Extraction::default()
    };
    // One proposal per indicator, period and status: a second value is a doubt.
    let mut keys: Vec<(String, Period, Status, f64)> = Vec::new();
    for p in read.proposals {
        if keys.iter().any(|k| {
            k.0 == p.indicator && k.1 == p.period && k.2 == p.status && numbers::same(k.3, p.value)
        }) {
            continue;
        }
        let recorded: Vec<&Figure> = place
            .figures
            .iter()
            .filter(|f| f.indicator == p.indicator && f.period == p.period && f.status == p.status)
            .collect();
        if recorded.iter().any(|f| numbers::same(f.value, p.value))
            || earlier.iter().any(|e| {
                e.indicator == p.indicator
                    && e.period == p.period
                    && e.status == p.status
                    && numbers::same(e.value, p.value)
            })
        {
            keys.push((p.indicator.clone(), p.period, p.status, p.value));
            out.recorded.push(p);
            continue;
        }
        if let Some(f) = recorded.first() {
            let at = f
                .origin
                .locate(Some("value"))
                .map(|l| {
                    let (line, _) = l.line_col();
                    format!(" at {}:{line}", l.file.display())
                })
                .unwrap_or_default();
            let what = format!("{}{at} (from {})", format::plain(f.value), f.source);
            keys.push((p.indicator.clone(), p.period, p.status, p.value));
            out.contradicted.push((p, what));
            continue;
        }
        let clash = keys
            .iter()
            .map(|k| (k.0.as_str(), k.1, k.2, k.3))
            .chain(
                earlier
                    .iter()
                    .map(|e| (e.indicator.as_str(), e.period, e.status, e.value)),
            )
            .find(|k| k.0 == p.indicator && k.1 == p.period && k.2 == p.status)
            .map(|k| k.3);
        keys.push((p.indicator.clone(), p.period, p.status, p.value));
        match clash {
            Some(v) => out.unsure.push(Proposal {
                doubt: Some(format!(
                    "the article also states {} for this indicator and period",
                    format::plain(v)
                )),
                ..p
            }),
            None if p.doubt.is_some() => out.unsure.push(p),
            None => out.proposals.push(p),
        }
    }
    // What `check` says of the place file with the proposals in it, exactly as
    // `--write` would leave it; a proposal it objects to is dropped, and the rest
    // checked again (dropping one can resolve another's conflict).
    for list in [0, 1] {
        loop {
            let refused = refused(site, place, article, earlier, &out, list);
            if refused.is_empty() {
                break;
            }
            let from = if list == 0 {
                &mut out.proposals
            } else {
                &mut out.unsure
            };
            let mut keep = Vec::new();
            for (i, p) in from.drain(..).enumerate() {
                match refused.iter().find(|(k, _)| *k == i) {
                    Some((_, why)) => out.dropped.push((p, why.clone())),
                    None => keep.push(p),
                }
            }
            *from = keep;
        }
    }
    Ok(out)
}

/// The proposals (of list 0, the sure ones, or 1, the unsure ones added to them)
/// that `check` refuses once merged into the place file: (index, the error).
fn refused(
    site: &Site,
    place: &crate::content::Place,
    article: &Article,
    earlier: &[Proposal],
    ex: &Extraction,
    list: usize,
) -> Vec<(usize, String)> {
    let mut all: Vec<&Proposal> = ex.proposals.iter().collect();
    let first = all.len();
    if list == 1 {
        all.extend(&ex.unsure);
    }
    if all.len() == first && list == 1 || all.is_empty() {
        return Vec::new();
    }
    // The earlier articles' proposals are in the file too, but not this check's to
    // refuse: they cite articles this mini site does not hold.
    let skip = earlier.len();
    let owned: Vec<Proposal> = earlier.iter().chain(all.iter().copied()).cloned().collect();
    let text = &place.origin.file.text;
    let Ok((merged, spans)) = write::merge(text, &owned) else {
        return Vec::new();
    };
    let rel = place.origin.file.path.clone();
    let (loaded, load_diags) = crate::content::place_from_text(&rel, &merged);
    let mut diags = Diagnostics::default();
    diags.extend(load_diags.0);
    if let Some(loaded) = loaded {
        let mut mini = site.clone();
        mini.places = vec![loaded];
        mini.articles = site
            .articles
            .get_key_value(&article.id)
            .map(|(k, v)| (k.clone(), v.clone()))
            .into_iter()
            .collect();
        crate::check::check(&mini, None, &mut diags);
    }
    let mut out = Vec::new();
    for d in diags.0.iter().filter(|d| d.is_error()) {
        let Some(loc) = &d.location else { continue };
        if loc.file != rel || *loc.source != *merged {
            continue;
        }
        let at = loc.span.start;
        let Some(k) = spans.iter().position(|s| s.contains(&at)) else {
            continue;
        };
        let Some(k) = k.checked_sub(skip) else {
            continue;
        };
        if k >= first || list == 0 {
            let k = if list == 1 { k - first } else { k };
            if !out.iter().any(|(i, _)| *i == k) {
                out.push((k, format!("{} {}", d.code, d.message)));
            }
        }
    }
    out
}

/// What reading the article gave, before it is compared with the place file.
struct Read {
    proposals: Vec<Proposal>,
    unassigned: Vec<Unassigned>,
}

fn read_article(site: &Site, article: &Article, vocab: &Vocabulary) -> Read {
    let texts = article.texts();
    let runs: Vec<Normalized> = texts.iter().map(|t| Normalized::new(t)).collect();
    let doc = Document::of(article, &runs);
    let origin = Origin {
        file: Arc::new(SourceFile::new(
            &PathBuf::from("extract.yaml"),
            Arc::from(""),
        )),
        at: OriginPath::Root,
    };
    let mut read = Read {
        proposals: Vec::new(),
        unassigned: Vec::new(),
    };
    // Headings and the title repeat a paragraph's key figure, without the words that
    // date it or make it a goal: the paragraphs are read first, and a heading's
    // reading of a number the paragraphs already gave is dropped.
    let heading = |r: usize| r + 1 == runs.len() || punct::is_short_heading(&runs[r].text);
    let plan = is_target(&runs[runs.len() - 1].text);
    for pass in [false, true] {
        let body = read.proposals.len();
        for (r, run) in runs.iter().enumerate().filter(|(r, _)| heading(*r) == pass) {
            for s in punct::sentences(&run.text) {
                let ctx = Context {
                    site,
                    article,
                    vocab,
                    runs: &runs,
                    texts: &texts,
                    run: r,
                    doc: &doc,
                    origin: &origin,
                    plan,
                };
                read_sentence(&ctx, &s, &mut read);
            }
        }
        if pass {
            let headed = read.proposals.split_off(body);
            let kept: Vec<Proposal> = headed
                .into_iter()
                .filter(|p| {
                    !read
                        .proposals
                        .iter()
                        .any(|b| b.indicator == p.indicator && numbers::same(b.value, p.value))
                })
                .collect();
            read.proposals.extend(kept);
        }
    }
    read
}

/// What reading one sentence needs of its article.
struct Context<'a> {
    site: &'a Site,
    article: &'a Article,
    vocab: &'a Vocabulary,
    runs: &'a [Normalized],
    texts: &'a [String],
    run: usize,
    doc: &'a Document,
    origin: &'a Origin,
    /// The title announces goals (`力争…超1500家`): the article is a plan.
    plan: bool,
}

fn read_sentence(ctx: &Context<'_>, s: &Sentence<'_>, read: &mut Read) {
    let Context {
        site,
        article,
        vocab,
        runs,
        texts,
        run,
        doc,
        origin,
        plan,
    } = *ctx;
    let mentions = numbers::mentions(s.text);
    // Where the last named subject's words start: a clause with none goes on about it.
    let mut subject: Option<usize> = None;
    let mut prev_end = 0;
    for (k, m) in mentions.iter().enumerate() {
        // Years and dates do not end the words before a number (`增速从2月的-5.7%`).
        if skip(s.text, m) {
            continue;
        }
        let window_start = prev_end;
        let window = &s.text[window_start..m.span.start];
        let mut expanded = vocab::expand(window);
        let fits = |u: &Unit| states_unit(m, u);
        // A number written before its noun (`新认定16家省级企业技术中心`): the noun right
        // after the unit is the subject, and the quote runs to its end.
        let qe = quote_end(s.text, m);
        let mut end = qe;
        if numbers::starts_with_unit(&m.rest) && !m.rest.starts_with('%') {
            let clause_end = s.text[qe..]
                .find([',', ';', ':', '，', '；', '：', '、', '('])
                .map_or(s.text.len(), |i| qe + i);
            let after = &s.text[qe..clause_end];
            let after_x = vocab::expand(after);
            if let Some(core_end) = vocab.leading_core(&after_x, &fits) {
                let orig = after
                    .char_indices()
                    .map(|(i, c)| i + c.len_utf8())
                    .find(|&i| vocab::expand(&after[..i]).len() >= core_end)
                    .unwrap_or(after.len());
                expanded.push_str(&after_x[..core_end]);
                end = qe + orig;
            }
        }
        prev_end = end;
        let mut named = vocab.name(&expanded, &expanded, &fits);
        let own = named.is_some();
        if named.is_none()
            && let Some(from) = subject
            && (vocab.continues(&expanded) || window.chars().count() <= 2)
        {
            let earlier = vocab::expand(&s.text[from..m.span.start]);
            named = vocab.name(&earlier, &expanded, &fits);
        }
        let Some(named) = named else {
            if states_any_unit(m) {
                let before: String = {
                    let cs: Vec<char> = s.text[..m.span.start].chars().collect();
                    cs[cs.len().saturating_sub(14)..].iter().collect()
                };
                read.unassigned.push(Unassigned {
                    before,
                    stated: stated(s.text, m),
                });
            }
            continue;
        };
        if named.score <= 0 {
            continue;
        }
        if own {
            subject = Some(window_start);
        }
        let indicator = &site.indicators[&named.id];
        let unit = Unit::with_words(&indicator.unit, &indicator.unit_words);
        let Some((mut value, hi)) = m.in_unit(&unit) else {
            continue;
        };
        // The rate of something the core names, not the core's own value.
        if RATE_WORDS.iter().any(|w| named.after.contains(w)) && !indicator.name.contains('率') {
            continue;
        }
        if unit.base == "%" && declines(&s.text[..m.span.start]) {
            value = -value;
        }
        let bound = m
            .bound
            .and_then(|w| numbers::bounds_for(w).first())
            .and_then(|b| serde_yaml::from_str::<Bound>(&format!("'{b}'")).ok());
        let status = if is_target(&s.text[..m.span.start])
            || heading_before(runs, run).is_some_and(is_target)
            || plan && !states_past_year(&s.text[..m.span.start], doc)
        {
            Status::Target
        } else {
            Status::Actual
        };
        let mut doubt = hi.map(|h| {
            format!(
                "a range ({}–{}): the figure may be either end",
                format::plain(value),
                format::plain(h)
            )
        });
        if named.score < 3 && doubt.is_none() {
            doubt = Some(format!(
                "the words before it only loosely name `{}`",
                named.id
            ));
        }
        if doubt.is_none()
            && let Some(w) = ACTIVITY_WORDS.iter().find(|w| window.contains(*w))
        {
            doubt = Some(format!(
                "`{w}`: it may count an activity, not the indicator"
            ));
        }
        let previous_in_unit = mentions[..k]
            .iter()
            .rev()
            .find(|p| p.in_unit(&unit).is_some() && !skip(s.text, p))
            .map(|p| quote_end(s.text, p));
        let draft = Draft {
            end,
            indicator: &named.id,
            value,
            status,
            bound,
            m,
        };
        let Some(p) = choose_quote(
            article,
            indicator,
            runs,
            texts,
            run,
            s,
            &draft,
            previous_in_unit,
            doc,
            origin,
        ) else {
            continue;
        };
        read.proposals.push(Proposal { doubt, ..p });
    }
}

/// A figure read from a mention, before its quote and period are chosen.
struct Draft<'a> {
    /// Where the quote ends: after the unit, or after a noun that follows it.
    end: usize,
    indicator: &'a str,
    value: f64,
    status: Status,
    bound: Option<Bound>,
    m: &'a Mention,
}

/// The shortest fragment of the sentence that `check` passes for the figure, and the
/// period it supports.
#[allow(clippy::too_many_arguments)]
fn choose_quote(
    article: &Article,
    indicator: &crate::content::Indicator,
    runs: &[Normalized],
    texts: &[String],
    run: usize,
    s: &Sentence<'_>,
    d: &Draft<'_>,
    previous_in_unit: Option<usize>,
    doc: &Document,
    origin: &Origin,
) -> Option<Proposal> {
    let end = d.end;
    let clause = s.text[..d.m.span.start]
        .rfind([',', ';', ':', '，', '；', '：'])
        .map_or(0, |i| {
            i + s.text[i..].chars().next().map_or(1, char::len_utf8)
        });
    // Bound words before the number (`突破`, `近`) belong in the quote.
    let mut starts = vec![clause];
    if let Some(p) = previous_in_unit
        && p > clause
    {
        starts.insert(0, p);
    }
    starts.push(0);
    starts.dedup();
    for start in starts {
        let start = trim_start(s.text, start);
        if start >= d.m.span.start {
            continue;
        }
        let normal = &s.text[start..end];
        let at = s.start + start..s.start + end;
        let occurrences: Vec<(usize, std::ops::Range<usize>)> = runs
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.find_all(normal).map(move |m| (i, m)))
            .collect();
        if occurrences.is_empty() {
            continue;
        }
        let hit = QuoteHit {
            text: normal.to_string(),
            run,
            range: at.clone(),
            occurrences,
        };
        let original = texts[run][runs[run].original_range(at.clone())].to_string();
        let mut fig = Figure {
            indicator: d.indicator.to_string(),
            period: Period::Year(0),
            value: d.value,
            status: d.status,
            bound: d.bound,
            source: article.id.clone(),
            quotes: vec![original.clone()],
            also: Vec::new(),
            preferred: false,
            alternative: false,
            overridden: None,
            derived: None,
            note: None,
            origin: origin.clone(),
        };
        let Some(period) = choose_period(&fig, &hit, runs, s, d.m, doc) else {
            continue;
        };
        fig.period = period;
        if values::verify(&fig, indicator, doc, std::slice::from_ref(&hit), runs).is_empty() {
            return Some(Proposal {
                figure: fig,
                doubt: None,
            });
        }
    }
    None
}

/// The period of a figure quoted by `hit`: the part of the year its sentence names
/// before the number, in the year `check` supports.
fn choose_period(
    fig: &Figure,
    hit: &QuoteHit,
    runs: &[Normalized],
    s: &Sentence<'_>,
    m: &Mention,
    doc: &Document,
) -> Option<Period> {
    let located = vec![(
        hit.text.clone(),
        hit.occurrences
            .iter()
            .map(|(run, range)| dating::Occurrence {
                run: *run,
                paragraph: &runs[*run].text,
                range: range.clone(),
            })
            .collect(),
    )];
    let (years, _) = dating::supported(fig, &located, doc);
    let mut years = years?;
    years.sort_unstable();
    years.dedup();
    let (date_year, date_month) = doc.date();
    let year = match years.as_slice() {
        [] => return None,
        [y] => *y,
        many => {
            // A report dated early in a year recounts the year before; a plan's span
            // is reached at its end.
            let early = date_month.is_some_and(|mo| mo <= 3);
            match (fig.status, date_year) {
                (Status::Actual, Some(dy)) if early && many.contains(&(dy - 1)) => dy - 1,
                (Status::Actual, Some(dy)) if many.contains(&dy) => dy,
                (Status::Target, Some(dy)) if many.contains(&dy) && !many.contains(&(dy + 1)) => dy,
                _ => *many.last()?,
            }
        }
    };
    let before = &s.text[..m.span.start];
    // A paragraph's opening frame (`上半年,…`) dates what follows it; a month named in
    // one of its other sentences (`10月底达到…`) does not.
    let paragraph = &runs[hit.run].text[..s.start];
    let paragraph = paragraph
        .find(punct::CLAUSE_MARKS)
        .map_or("", |i| &paragraph[..i]);
    let paragraph = if paragraph.chars().count() <= 12 {
        paragraph
    } else {
        ""
    };
    let title = &runs[runs.len() - 1].text;
    let part = part_of_year(before, fig.status)
        .or_else(|| part_of_year(paragraph, fig.status))
        .or_else(|| part_of_year(title, fig.status));
    let period = match part {
        Some(p) => p.with_year(year),
        // `目前`, `截至目前`: the state on the article's date, when no year is stated.
        None if NOW_WORDS
            .iter()
            .any(|w| before.contains(w) || paragraph.contains(w))
            && !numbers::mentions(before).iter().any(|m| m.year().is_some())
            && date_year == Some(year)
            && date_month.is_some_and(|mo| mo < 12) =>
        {
            Period::Month(year, date_month.unwrap_or(12))
        }
        None => Period::Year(year),
    };
    Some(period)
}

/// The part of a year the words before a number name, nearest first: `上半年` → H1,
/// `一季度` → Q1, `1—5月` or `截至5月` → May.
fn part_of_year(before: &str, status: Status) -> Option<Period> {
    // `上半年工作总结和下半年工作计划`: results are of the first half, plans of the second.
    if before.contains("上半年") && before.contains("下半年") {
        return Some(match status {
            Status::Actual => Period::Half(0, 1),
            Status::Target => Period::Half(0, 2),
        });
    }
    let mut found: Vec<(usize, Period)> = Vec::new();
    for (w, p) in [
        ("上半年", Period::Half(0, 1)),
        ("下半年", Period::Half(0, 2)),
        ("一季度", Period::Quarter(0, 1)),
        ("二季度", Period::Quarter(0, 2)),
        ("三季度", Period::Quarter(0, 3)),
        ("四季度", Period::Quarter(0, 4)),
    ] {
        if let Some(i) = before.rfind(w) {
            // `前三季度` is nine months, not the third quarter.
            let p = if w == "三季度" && before[..i].ends_with('前') {
                Period::Month(0, 9)
            } else {
                p
            };
            found.push((i, p));
        }
    }
    for mention in numbers::mentions(before) {
        if mention.rest.starts_with('月')
            && !mention.rest.starts_with("月份")
            && mention.value.fract() == 0.0
            && (1.0..=12.0).contains(&mention.value)
            // A day (`3月15日`) dates an event, not the figure, unless the figure is
            // as of that day (`截至2018年4月10日`).
            && (!before[mention.span.end..].chars().skip(1).take(3).any(|c| c == '日' || c == '号')
                || {
                    let lead: String = before[..mention.span.start].chars().rev().take(8).collect();
                    lead.contains("至截") || lead.contains("止截")
                })
        {
            let m = mention.hi.unwrap_or(mention.value) as u8;
            found.push((mention.span.start, Period::Month(0, m)));
        }
    }
    found.into_iter().max_by_key(|(i, _)| *i).map(|(_, p)| p)
}

/// Where a quote ending at mention `m` ends: after the number, its unit, and a bound
/// word that follows the unit (`1500家以上`).
fn quote_end(text: &str, m: &Mention) -> usize {
    let after = &text[m.span.end..];
    let unit_len: usize = after
        .chars()
        .take_while(|c| numbers::is_unit_char(*c))
        .map(char::len_utf8)
        .sum();
    let mut end = m.span.end + unit_len;
    for w in ["平方米", "平方公里", "以上", "以下", "以内", "左右"] {
        let rest = &text[end..];
        if rest.starts_with(w) {
            end += w.len();
            break;
        }
        // `万平方米`: the magnitude was taken as part of the unit run.
        if m.span.end + unit_len < text.len() && text[m.span.end..].starts_with(w) {
            end = m.span.end + w.len();
            break;
        }
    }
    end
}

/// A quote starts at a word, not on punctuation or a list marker.
fn trim_start(text: &str, mut start: usize) -> usize {
    while let Some(c) = text[start..].chars().next() {
        if c.is_alphanumeric() && !matches!(c, '一' | '二' | '三' | '四' | '五') || c == '“'
        {
            break;
        }
        if matches!(c, '一' | '二' | '三' | '四' | '五')
            && !text[start + c.len_utf8()..].starts_with(['是', '、', '.'])
        {
            break;
        }
        start += c.len_utf8();
        // `一是` / `二、`: the marker and its word.
        if text[start..].starts_with(['是', '、', '.']) {
            start += text[start..].chars().next().map_or(0, char::len_utf8);
        }
    }
    start.min(text.len())
}

/// The nearest heading before run `run`: a short run that does not end a sentence.
fn heading_before(runs: &[Normalized], run: usize) -> Option<&str> {
    runs[..run]
        .iter()
        .rev()
        .map(|r| r.text.as_str())
        .find(|t| punct::is_short_heading(t))
}

/// Whether the words before a number state a year before the article's (a plan
/// recounting last year's results).
fn states_past_year(before: &str, doc: &Document) -> bool {
    let Some(y) = doc.date().0 else {
        return false;
    };
    numbers::mentions(before)
        .iter()
        .filter_map(Mention::year)
        .any(|v| v < y)
        || before.contains("去年")
        || before.contains("上年")
}

fn is_target(before: &str) -> bool {
    // `完成了年度目标任务` reports a goal met: it is not one.
    let met = |w: &str| {
        before.match_indices(w).all(|(i, _)| {
            let after = &before[i + w.len()..];
            let prior = &before[..i];
            after.starts_with("任务")
                || prior.ends_with("年度")
                || prior.ends_with('了')
                || prior.ends_with("完成")
                || prior.ends_with("实现")
        })
    };
    TARGET_WORDS.iter().any(|w| before.contains(w) && !met(w))
        || before.contains('将') && !before.contains("将近") && !before.contains("即将")
}

/// Numbers that are not figures of any indicator: years, dates, ordinals and ranks,
/// phone numbers and codes.
fn skip(text: &str, m: &Mention) -> bool {
    if m.ordinal || m.year().is_some() {
        return true;
    }
    if m.rest
        .starts_with(['月', '日', '号', '时', '期', '届', '版', '次', '批', '年'])
        && !m.rest.starts_with("年度")
    {
        return true;
    }
    let before = &text[..m.span.start];
    if NOT_A_COUNT
        .iter()
        .any(|w| before.ends_with(w) || before.ends_with(&format!("{w}:")))
    {
        return true;
    }
    // Seven or more digits and no unit: a phone number or a code.
    let digits = text[m.span.clone()]
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if digits >= 7 && m.magnitude == 1.0 && !numbers::starts_with_unit(&m.rest) {
        return true;
    }
    // `5G`, `3D`: part of a name.
    if m.rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return true;
    }
    false
}

/// Whether the mention states a number in `unit` (not a bare number, which could be
/// anything).
fn states_unit(m: &Mention, unit: &Unit) -> bool {
    if m.in_unit(unit).is_none() {
        return false;
    }
    if unit.base == "%" {
        return m.rest.starts_with('%');
    }
    unit.words.iter().any(|w| m.rest.starts_with(w.as_str()))
        || m.magnitude != 1.0 && unit.magnitude != 1.0 && !numbers::starts_with_unit(&m.rest)
}

/// Whether the mention states a unit at all (for listing the unassigned ones).
fn states_any_unit(m: &Mention) -> bool {
    numbers::starts_with_unit(&m.rest) || m.rest.starts_with('%') || m.magnitude != 1.0
}

/// The number as stated, with its unit: `828家`, `1.57万家`.
fn stated(text: &str, m: &Mention) -> String {
    text[m.span.start..quote_end(text, m)].to_string()
}

/// The article ids `args` name: ids, or paths of files under `content/articles/`.
pub fn article_ids(
    site: &Site,
    root: &std::path::Path,
    args: &[String],
) -> Result<Vec<String>, String> {
    let mut out = BTreeSet::new();
    for a in args {
        if site.articles.contains_key(a.trim_end_matches(".md")) {
            out.insert(a.trim_end_matches(".md").to_string());
            continue;
        }
        let path = std::path::Path::new(a);
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        };
        let base = std::fs::canonicalize(root.join("content/articles")).ok();
        let abs = std::fs::canonicalize(&abs).ok();
        let id = match (base, abs) {
            (Some(b), Some(a)) => a
                .strip_prefix(&b)
                .ok()
                .map(|rel| rel.with_extension("").to_string_lossy().replace('\\', "/")),
            _ => None,
        };
        match id.filter(|id| site.articles.contains_key(id)) {
            Some(id) => {
                out.insert(id);
            }
            None => {
                return Err(format!(
                    "`{a}` is not an article of this site: give an id such as `fuzhou/2023-02-21-gaoqi` or the path of a file under content/articles/ (it must load: run `indicity check`)"
                ));
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// The normal form of a quote, for tests and the scorer.
pub fn normal(s: &str) -> String {
    normalize(s)
}

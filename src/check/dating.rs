//! When a figure is: the periods its source text supports, from the nearest words
//! that say.
//!
//! Chinese reports date their figures at several levels, and the nearest one wins:
//! the quote itself (`较2021年净增964家`), the clause it is in (a year opening a clause
//! governs that clause, not the ones after its `;`), a time frame opening its sentence
//! (`2021年,…;…`) or its paragraph, the document (its title's year, the frame of
//! its opening paragraph) and last the article's date. Relative words (今年, 全年,
//! 去年, 明年, 年底, 目前) are read against the document's year: its title's when the
//! title states one (`2023年…报告` dates its 全年), else its date's. Years a figure is
//! compared with or grows from (`较…`, `比…`, `在…的基础上`, `由…的…增长到`) are not its
//! period. When no level says, the period cannot be verified, which is an error of
//! its own, not a silent pass.
//!
//! One job, the dating policy (the words themselves are [`crate::text::time`]); its
//! length is the levels and their tests.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use crate::content::{Article, Figure, Period, PeriodFrom, Status};
use crate::diagnostics::{Code, Diagnostic};
use crate::text::Normalized;
use crate::text::time::{Ref, frames, last_frame_before, refs};
use crate::text::{numbers, punct};

/// What decides the period at one level, and how it reads in a message.
struct Decided {
    years: Vec<i32>,
    evidence: String,
    level: Level,
}

/// Which kind of words decided a period: the text around the quote, or the
/// document as a whole. A curator's `period_from` may choose among the document's
/// readings, never against the text's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The quote, its clause, sentence, paragraph or section heading.
    Text,
    /// The article's title or opening paragraph.
    Document,
    /// The article's date alone, which allows two years for a current figure (a
    /// report early in a year states last year's or this year's).
    Date,
}

/// How the document's year is known, for reading relative words.
#[derive(Clone, Copy)]
struct DocYear {
    year: Option<i32>,
    /// From the date, not the title: 全年 may then be the year just ended.
    from_date: bool,
}

/// The years a set of time words supports for `fig`, if they decide it. At the quote
/// (`at_quote`) a start year dates its value and comparisons date an increase; `end`
/// is set for a value a change grows to (`增长至8500余家`), which in a plan period
/// (`十四五`) is the period's last year's.
fn decide(
    found: &[Ref],
    fig: &Figure,
    doc: DocYear,
    at_quote: bool,
    end: bool,
) -> Option<Vec<i32>> {
    let mut years = Vec::new();
    for r in found {
        match *r {
            Ref::Year(y) => years.push(y),
            Ref::Start(y) if at_quote => years.push(y),
            Ref::Since(y) => {
                let last = doc.year.unwrap_or(y + 10).max(y);
                years.extend(y..=last);
            }
            Ref::Span(_, b) if end => years.push(b),
            Ref::Span(a, b) => years.extend(a..=b),
            Ref::Relative(off, loose) => {
                if let Some(d) = doc.year {
                    years.push(d + off);
                    if loose && doc.from_date && fig.status == Status::Actual {
                        years.push(d + off - 1);
                    }
                }
            }
            // "目前" dates nothing by itself: the frames around it, or the date, do.
            _ => {}
        }
    }
    if years.is_empty() && at_quote {
        // "较2021年净增964家": the increase is 2022's; a figure derived from it
        // (3759 - 964) is the 2021 base. A target is not dated by what it compares with.
        for r in found {
            let base = match *r {
                Ref::Compared(y) => Some(y),
                Ref::RelativeCompared(off) => doc.year.map(|d| d + off),
                _ => None,
            };
            if let Some(b) = base {
                if fig.derived.is_some() {
                    years.push(b);
                } else if fig.status == Status::Actual {
                    years.push(b + 1);
                }
            }
        }
    }
    years.sort_unstable();
    years.dedup();
    (!years.is_empty()).then_some(years)
}

fn describe(found: &[Ref], doc: DocYear) -> String {
    let words: Vec<String> = found
        .iter()
        .filter_map(|r| match *r {
            Ref::Year(y) | Ref::Start(y) => Some(format!("{y}年")),
            Ref::Since(y) => Some(format!("{y}年以来")),
            Ref::Span(a, b) => Some(format!("{a}—{b}年")),
            Ref::Compared(y) => Some(format!("较{y}年")),
            Ref::Relative(off, _) | Ref::RelativeCompared(off) => {
                doc.year.map(|d| format!("{}年", d + off))
            }
            Ref::Now | Ref::Base(_) => None,
        })
        .collect();
    let mut words = words;
    words.dedup();
    words.join("、")
}

/// Where a quote is: its run, the text of that run (normal form) and its range there.
pub struct Occurrence<'a> {
    pub run: usize,
    pub paragraph: &'a str,
    pub range: Range<usize>,
}

/// Years a document-level text states, in order; `span` when a plan period gave them.
#[derive(Debug, Clone, Default)]
struct Years {
    list: Vec<i32>,
    span: bool,
}

/// A sentence of a run: the run, and its byte range there.
type SentenceAt = (usize, usize, usize);

/// The time words of a text, as [`refs`] gives them, shared.
type Refs = Rc<[(usize, Ref)]>;

/// The article-wide facts the levels read.
pub struct Document {
    /// Years the title states, in order.
    title_years: Years,
    /// Years the opening paragraph states (news set their time frame there).
    opening: Years,
    /// For each run, what the runs before it carry over: the years of the nearest
    /// heading (a short run stating some: `二、2023年工作计划` dates the section under
    /// it) or the frame a paragraph opens with (a story's `2023年,` goes on framing the
    /// paragraphs after it), whichever is nearer.
    carried: Vec<Vec<Ref>>,
    /// For each run, its frames ([`frames`]): read once, not once per figure.
    frames: Vec<Vec<(usize, Vec<Ref>)>>,
    /// The time words of each sentence a figure's paragraph was searched back
    /// through, by run and byte range: a paragraph stating twenty figures is searched
    /// back twenty times.
    sentences: RefCell<HashMap<SentenceAt, Refs>>,
    date_year: Option<i32>,
    date_month: Option<u8>,
    date: Option<String>,
    /// The year of the date the article's original address carries.
    address_year: Option<i32>,
    /// What 今年 and 全年 mean: the title's (first) year, else the date's.
    doc_year: DocYear,
}

impl Document {
    /// `refs(sentence)`, for the sentence at `start` in run `run`, read once.
    fn sentence_refs(&self, run: usize, start: usize, sentence: &str) -> Refs {
        let key = (run, start, sentence.len());
        if let Some(found) = self.sentences.borrow().get(&key) {
            return found.clone();
        }
        let found: Refs = refs(sentence).into();
        self.sentences.borrow_mut().insert(key, found.clone());
        found
    }

    pub fn of(article: &Article, runs: &[Normalized]) -> Document {
        // The years a text states; a plan's years (`十四五`) are all of them, never
        // "earlier ones recounted, later ones planned".
        let stated = |text: &str| -> Years {
            let mut ys = Years::default();
            for (_, r) in refs(text) {
                match r {
                    Ref::Year(y) | Ref::Since(y) => ys.list.push(y),
                    Ref::Span(a, b) => {
                        ys.list.extend(a..=b);
                        ys.span = true;
                    }
                    _ => {}
                }
            }
            ys.list.sort_unstable();
            ys.list.dedup();
            ys
        };
        let title_years = stated(&crate::text::normalize(&article.meta.title));
        let date_year = article
            .meta
            .date
            .as_deref()
            .and_then(|d| d.get(..4)?.parse().ok());
        let opening = runs
            .iter()
            .find(|r| punct::char_len(&r.text) > punct::HEADING_MAX)
            .map(|r| stated(&r.text))
            .unwrap_or_default();
        let mut carried = Vec::with_capacity(runs.len());
        let mut current: Vec<Ref> = Vec::new();
        let all_frames: Vec<Vec<(usize, Vec<Ref>)>> =
            runs.iter().map(|r| frames(&r.text)).collect();
        for (r, run_frames) in runs.iter().zip(&all_frames) {
            carried.push(current.clone());
            let heading: Vec<Ref> = if punct::char_len(&r.text) <= punct::HEADING_MAX {
                refs(&r.text)
                    .into_iter()
                    .map(|(_, r)| r)
                    .filter(|r| matches!(r, Ref::Year(_) | Ref::Since(_) | Ref::Span(..)))
                    .collect()
            } else {
                Vec::new()
            };
            // A paragraph's opening frame only: one in its middle dates its own topic.
            let opening = run_frames
                .first()
                .filter(|(end, _)| !r.text[..*end].contains(punct::CLAUSE_SPLITS))
                .map(|(_, f)| f.clone());
            // A heading without a year starts a new topic; a frame naming a day
            // (`今年2月10日,`) dates an event, not the paragraphs after it.
            let is_heading = punct::is_short_heading(&r.text);
            let dated_event = |f: &[Ref]| {
                f.is_empty()
                    || r.text
                        .split([',', ':'])
                        .next()
                        .is_some_and(|h| h.contains('日'))
            };
            if !heading.is_empty() {
                current = heading;
            } else if let Some(f) =
                opening.filter(|f| !f.iter().all(|r| *r == Ref::Now) && !dated_event(f))
            {
                current = f;
            } else if is_heading {
                current.clear();
            }
        }
        Document {
            doc_year: DocYear {
                year: title_years.list.first().copied().or(date_year),
                from_date: title_years.list.is_empty(),
            },
            title_years,
            opening,
            carried,
            frames: all_frames,
            sentences: Default::default(),
            date_year,
            date_month: article
                .meta
                .date
                .as_deref()
                .and_then(|d| d.get(5..7)?.parse().ok()),
            date: article.meta.date.clone(),
            address_year: article.meta.url.as_deref().and_then(year_in_address),
        }
    }
}

/// The result of reading a figure's period from its source.
enum Support {
    /// The years at the first level that decides, and why.
    Years(Decided),
    /// Nothing in the source says which year the figure is for.
    Unknown,
}

/// The years the text around one occurrence of a quote supports: the quote, the rest
/// of its clause before it, the nearest frame before it in its paragraph, its
/// section's heading, the title, the opening paragraph, the date.
fn support(fig: &Figure, quote: &[Ref], at: &Occurrence<'_>, doc: &Document) -> Support {
    let text = at.paragraph;
    let r = &at.range;
    let c0 = text[..r.start]
        .rfind(punct::SENTENCE_SPLITS)
        .map_or(0, |i| next_char(text, i));
    let before: Vec<Ref> = refs(&text[c0..r.start])
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let frame: Vec<Ref> = match doc.frames.get(at.run) {
        Some(all) => last_frame_before(text, all, r.start),
        None => frames(&text[..r.start]).pop().map(|(_, f)| f),
    }
    .unwrap_or_default();
    let dy = doc.doc_year;
    let s0 = text[..r.start]
        .rfind(punct::FULL_STOPS)
        .map_or(0, |i| next_char(text, i));
    // A start value (`高新技术企业从4142家`) of a sentence that lists changes in
    // parallel clauses (`…从2020年的2.73%提升至3.35%;…从4142家增长至…`) is of the
    // year the first clause starts from.
    let quote_text = &text[r.clone()];
    let starts_from = quote_text.contains('从') || quote_text.contains('由');
    let parallel: Vec<Ref> = if starts_from {
        // The nearest start year before it in the paragraph.
        refs(&text[..r.start])
            .into_iter()
            .rev()
            .find_map(|(_, r)| match r {
                Ref::Start(y) => Some(vec![Ref::Year(y)]),
                _ => None,
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    // The year an earlier sentence of the paragraph grows something to
    // (`…提升至2021年的7.6万件。其中,发明专利增至9413件`): the year the paragraph has
    // reached. Not any year of it: `完成2021年度考评工作` dates nothing after it.
    let mut sentence_start = s0;
    let earlier: Vec<Ref> = text[..s0]
        .split_inclusive(punct::FULL_STOPS)
        .rev()
        .map(|sentence| {
            sentence_start -= sentence.len();
            let found = doc.sentence_refs(at.run, sentence_start, sentence);
            let reached = found.iter().position(|(at, r)| {
                matches!(r, Ref::Year(_))
                    && ["至", "到"].iter().any(|w| sentence[..*at].ends_with(w))
            });
            let Some(k) = reached else {
                return Vec::new();
            };
            // A series it grows through (`增长到2018年的40家、2019年的48家…和今年目前的196家`)
            // reaches its last item, in the same clause: a year, or a time word the
            // document's date must resolve.
            let at = found[k].0;
            let clause_end = sentence[at..]
                .find([',', ';', '，', '；', '。'])
                .map_or(sentence.len(), |i| at + i);
            let last = found[k..]
                .iter()
                .take_while(|(a, _)| *a < clause_end)
                .filter(|(_, r)| matches!(r, Ref::Year(_) | Ref::Relative(..) | Ref::Now))
                .last()
                .map_or(found[k].1, |(_, r)| *r);
            vec![last]
        })
        .find(|found| !found.is_empty())
        .unwrap_or_default();
    // A value a change grows to (`增长至8500余家`) in a plan period is its last year's.
    let end_value = !starts_from && quote_text.contains(['至', '到']);
    let previous = doc.carried.get(at.run).map_or(&[][..], Vec::as_slice);
    let levels: [(&str, &[Ref], bool); 6] = [
        ("the quote states", quote, true),
        ("its clause states", &before, false),
        ("its paragraph starts from", &parallel, false),
        ("the text before it opens with", &frame, false),
        (
            "an earlier sentence of its paragraph reaches",
            &earlier,
            false,
        ),
        ("the heading or paragraph before it states", previous, false),
    ];
    for (name, found, at_quote) in levels {
        if let Some(years) = decide(found, fig, dy, at_quote, end_value) {
            // 全年, 年底 read against a date allow that year and the one before:
            // the date decides them, as it does a figure with no words at all.
            let loose = dy.from_date
                && fig.status == Status::Actual
                && found.iter().any(|r| matches!(r, Ref::Relative(_, true)));
            return Support::Years(Decided {
                years,
                evidence: format!("{name} {}", describe(found, dy)),
                level: if loose { Level::Date } else { Level::Text },
            });
        }
        // A time word of another year than now that nothing resolves (`上年度` in an
        // article without a date or a year in its title) dates the figure, unknowably:
        // the opening paragraph's years, further out, are of "now". (`目前`, `今年` are
        // now, which the opening paragraph does tell.)
        if dy.year.is_none()
            && found
                .iter()
                .any(|r| matches!(r, Ref::Relative(k, _) if *k != 0))
        {
            return Support::Unknown;
        }
    }
    // A document (or a section) about several years ("2022年工作总结及2023年工作思
    // 路") recounts the earlier ones and plans the later ones.
    let framed = |ys: &Years| -> Vec<i32> {
        let l = &ys.list;
        match (fig.status, l.len()) {
            _ if ys.span && end_value => l[l.len() - 1..].to_vec(),
            _ if ys.span || l.len() == 1 => l.clone(),
            (Status::Actual, _) => l[..l.len() - 1].to_vec(),
            (Status::Target, _) => l[1..].to_vec(),
        }
    };
    if !doc.title_years.list.is_empty() {
        return Support::Years(Decided {
            years: framed(&doc.title_years),
            evidence: format!(
                "the article's title refers to {}",
                years_list(&doc.title_years.list)
            ),
            level: Level::Document,
        });
    }
    let opening = (!doc.opening.list.is_empty()).then(|| framed(&doc.opening));
    let Some(y) = doc.date_year else {
        return match opening {
            Some(years) => Support::Years(Decided {
                years,
                evidence: format!(
                    "the article's opening paragraph refers to {}",
                    years_list(&doc.opening.list)
                ),
                level: Level::Document,
            }),
            None => Support::Unknown,
        };
    };
    // A report states current figures (early in a year, last year's too; but a month
    // or a half-year "now" is this year's) and targets for this year or the next. The
    // opening paragraph's years narrow that down, never widen it.
    let dated = match fig.status {
        Status::Actual if doc.date_month.is_some_and(|m| m > 6) => vec![y],
        Status::Actual if !matches!(fig.period, Period::Year(_)) => vec![y],
        Status::Actual => vec![y - 1, y],
        Status::Target => vec![y, y + 1],
    };
    let narrowed: Vec<i32> = opening
        .unwrap_or_default()
        .into_iter()
        .filter(|o| dated.contains(o))
        .collect();
    let date = doc.date.as_deref().unwrap_or_default();
    Support::Years(if narrowed.is_empty() {
        Decided {
            years: dated,
            evidence: format!("the article is dated {date}"),
            level: Level::Date,
        }
    } else {
        Decided {
            years: narrowed,
            evidence: format!(
                "the article is dated {date} and its opening paragraph refers to {}",
                years_list(&doc.opening.list)
            ),
            level: Level::Document,
        }
    })
}

/// The year the article's original address carries: of the date in it (as `clean
/// --url` reads one), or of a year and month (`/184_900_201109/`) or a year alone
/// (`/2013/`, `?nian=2017`) between separators.
fn year_in_address(url: &str) -> Option<i32> {
    static YEAR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[/_\-=]((?:19|20)\d{2})(?:0[1-9]|1[0-2])?(?:[/_\-.&]|$)").unwrap()
    });
    if let Some(d) = crate::clean::date_in_address(url) {
        return d.get(..4)?.parse().ok();
    }
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = &path[path.find('/').unwrap_or(path.len())..];
    YEAR.captures(path)?.get(1)?.as_str().parse().ok()
}

fn next_char(text: &str, i: usize) -> usize {
    i + text[i..].chars().next().map_or(1, char::len_utf8)
}

/// The period must be one the source supports (see the module's levels); a month or
/// half-year must also be the one the quote names. A figure's `period_from` chooses
/// among the document's readings (its date, the year before, its title, its
/// address) and must give the period; the text around the quote still wins over it.
pub fn check(
    fig: &Figure,
    quotes: &[(String, Vec<Occurrence<'_>>)],
    doc: &Document,
) -> Option<Diagnostic> {
    if matches!(
        fig.period,
        Period::Month(..) | Period::Half(..) | Period::Quarter(..)
    ) {
        let joined: String = quotes
            .iter()
            .map(|(q, _)| q.as_str())
            .collect::<Vec<_>>()
            .join("|");
        if let Some(d) = check_part_of_year(fig, &joined) {
            return Some(d);
        }
    }
    let found = read_support(fig, quotes, doc);
    let year = fig.period.year();
    let basis = match &fig.period_from {
        Some(PeriodFrom::Judgement(_)) | None => None,
        Some(b) => Some(b),
    };
    if let Some(b) = basis {
        if let Some(d) = check_basis(fig, b, doc) {
            return Some(d);
        }
        // The basis gives the period; only the text around the quote can refuse it.
        return match &found.allowed {
            Some(allowed) if found.text && !allowed.contains(&year) => {
                Some(contradiction(fig, allowed, &found.evidence))
            }
            _ => None,
        };
    }
    let Some(allowed) = found.allowed else {
        if matches!(fig.period_from, Some(PeriodFrom::Judgement(_))) {
            return None;
        }
        return Some(
            Diagnostic::error(
                Code::E037,
                format!(
                    "the period {} cannot be verified: neither the quote, its sentence and paragraph, the title nor a date of the article states a year",
                    fig.period
                ),
            )
            .at(fig.origin.locate(Some("period")))
            .label("no year in the source")
            .help("add the article's `date:` (when its page or address gives one), or quote the fragment that states the year; if nothing in the article dates it, say how you read the year: `period_from: {judgement: <why>}`"),
        );
    };
    if !allowed.contains(&year) {
        return Some(contradiction(fig, &allowed, &found.evidence));
    }
    if found.window && fig.period_from.is_none() && allowed.len() > 1 {
        return Some(
            Diagnostic::warning(
                Code::W007,
                format!(
                    "the period {} rests on the article's date alone, which allows {}",
                    fig.period,
                    years_list(&allowed)
                ),
            )
            .at(fig.origin.locate(Some("period")))
            .label("which year?")
            .help(format!(
                "say how the year was read: `period_from: date` ({}年, the article's date) or `period_from: previous-year`; check then holds the figure to it",
                doc.date_year.unwrap_or(year)
            )),
        );
    }
    None
}

/// The period the text contradicts, with the one it allows when there is one.
fn contradiction(fig: &Figure, allowed: &[i32], evidence: &[String]) -> Diagnostic {
    let year = fig.period.year();
    let mut allowed = allowed.to_vec();
    allowed.sort_unstable();
    allowed.dedup();
    let d = Diagnostic::error(
        Code::E032,
        format!(
            "the period {} contradicts the source: {}",
            fig.period,
            evidence.join("; ")
        ),
    )
    .at(fig.origin.locate(Some("period")))
    .label("period not supported by the source");
    // A period is suggested only when the source allows exactly one: where it allows
    // several, a suggestion could turn a wrong figure into another wrong one that
    // passes.
    match allowed.as_slice() {
        [only] => {
            let p = fig.period.with_year(*only);
            d.help(format!(
                "the source says {}: use `period: {p}`, or quote the sentence that states {year}年",
                years_list(&allowed)
            ))
            .suggest("period", p.to_string())
        }
        _ => d.help(format!(
            "the source allows {}; quote the fragment that states the figure's year",
            years_list(&allowed)
        )),
    }
}

/// A `period_from` that cannot be read, or gives another year than the period's.
fn check_basis(fig: &Figure, basis: &PeriodFrom, doc: &Document) -> Option<Diagnostic> {
    let year = fig.period.year();
    let (years, what): (Vec<i32>, String) = match basis {
        PeriodFrom::Date | PeriodFrom::PreviousYear => {
            let back = i32::from(*basis == PeriodFrom::PreviousYear);
            match doc.date_year {
                Some(y) => (
                    vec![y - back],
                    format!("the article is dated {}", doc.date.as_deref().unwrap_or("")),
                ),
                None => (Vec::new(), "the article has no `date:`".into()),
            }
        }
        PeriodFrom::Title => (
            doc.title_years.list.clone(),
            if doc.title_years.list.is_empty() {
                "the article's title states no year".into()
            } else {
                format!("the title states {}", years_list(&doc.title_years.list))
            },
        ),
        PeriodFrom::Address => match doc.address_year {
            Some(y) => (vec![y], format!("the article's address carries {y}年")),
            None => (Vec::new(), "the article's `url:` carries no date".into()),
        },
        PeriodFrom::Judgement(_) => return None,
    };
    if years.contains(&year) {
        return None;
    }
    let written = basis.as_text();
    let d = Diagnostic::error(
        Code::E034,
        format!(
            "the period {} is not what `period_from: {written}` gives: {what}",
            fig.period
        ),
    )
    .at(fig.origin.locate(Some("period")))
    .label("not the basis's year");
    Some(match years.as_slice() {
        [] => d.help("name a basis the article has (`date`, `previous-year`, `title`, `address`), or say why you read this year: `period_from: {judgement: <why>}`"),
        [only] => {
            let p = fig.period.with_year(*only);
            d.help(format!("by that basis the period is {p}; or name the basis that gives {year}年"))
                .suggest("period", p.to_string())
        }
        _ => d.help(format!(
            "by that basis the period is one of {}; or name the basis that gives {year}年",
            years_list(&years)
        )),
    })
}

/// What the source says of a figure's period, over every occurrence of its first quote.
struct Found {
    /// `None` when nothing states a year.
    allowed: Option<Vec<i32>>,
    evidence: Vec<String>,
    /// Some occurrence was dated by the text around it.
    text: bool,
    /// Every occurrence was dated by the article's date alone.
    window: bool,
}

fn read_support(fig: &Figure, quotes: &[(String, Vec<Occurrence<'_>>)], doc: &Document) -> Found {
    let quote_refs: Vec<Ref> = quotes
        .iter()
        .flat_map(|(q, _)| refs(q).into_iter().map(|(_, r)| r))
        .collect();
    // Each occurrence of each quote is read on its own; the figure may be any year one
    // of them supports. The first quote of a derived figure dates it.
    let mut found = Found {
        allowed: None,
        evidence: Vec::new(),
        text: false,
        window: true,
    };
    for (_, occurrences) in quotes.iter().take(1) {
        for at in occurrences {
            if let Support::Years(d) = support(fig, &quote_refs, at, doc) {
                found.allowed.get_or_insert_with(Vec::new).extend(d.years);
                found.text |= d.level == Level::Text;
                found.window &= d.level == Level::Date;
                if !found.evidence.contains(&d.evidence) {
                    found.evidence.push(d.evidence);
                }
            }
        }
    }
    found.window &= found.allowed.is_some();
    found
}

/// The years the source supports for `fig` (`None` when nothing in it states a year),
/// and the evidence, by the levels [`check`] reads: `extract` asks the same question
/// to choose a proposal's period, so that what it proposes passes.
pub fn supported(
    fig: &Figure,
    quotes: &[(String, Vec<Occurrence<'_>>)],
    doc: &Document,
) -> (Option<Vec<i32>>, Vec<String>) {
    let f = read_support(fig, quotes, doc);
    (f.allowed, f.evidence)
}

/// Whether the years `supported` gives come from the article's date alone (two
/// readable years): `extract` then writes the basis it chose.
pub fn rests_on_date(
    fig: &Figure,
    quotes: &[(String, Vec<Occurrence<'_>>)],
    doc: &Document,
) -> bool {
    read_support(fig, quotes, doc).window
}

/// The article's date as `check` reads it: (year, month).
impl Document {
    pub fn date(&self) -> (Option<i32>, Option<u8>) {
        (self.date_year, self.date_month)
    }
}

/// Months, quarters and half-years: "从2月的…提升至5月的…" supports 2023-02 and
/// 2023-05 only; "上半年" supports H1; "1—9月" supports 2023-09.
fn check_part_of_year(fig: &Figure, quotes: &str) -> Option<Diagnostic> {
    let evidence = match fig.period {
        Period::Month(_, m) => {
            let months = numbers::months(quotes);
            if months.is_empty() || months.contains(&m) {
                return None;
            }
            format!(
                "the quote states {}",
                months
                    .iter()
                    .map(|m| format!("{m}月"))
                    .collect::<Vec<_>>()
                    .join("、")
            )
        }
        Period::Half(_, h) => {
            let first = quotes.contains("上半年");
            let second = quotes.contains("下半年");
            if (!first && !second) || (h == 1 && first) || (h == 2 && second) {
                return None;
            }
            format!("the quote says {}", if first { "上半年" } else { "下半年" })
        }
        _ => return None,
    };
    Some(
        Diagnostic::error(
            Code::E032,
            format!(
                "the period {} contradicts the source: {evidence}",
                fig.period
            ),
        )
        .at(fig.origin.locate(Some("period")))
        .label("period not supported by the quote")
        .help("use the month or half-year the quote states"),
    )
}

fn years_list(ys: &[i32]) -> String {
    let mut ys = ys.to_vec();
    ys.sort_unstable();
    ys.dedup();
    ys.iter()
        .map(|y| format!("{y}年"))
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<Ref> {
        refs(t).into_iter().map(|(_, r)| r).collect()
    }

    #[test]
    fn years_compared_with_or_built_on_are_told_apart() {
        assert_eq!(kinds("较2021年净增964家"), vec![Ref::Compared(2021)]);
        assert_eq!(kinds("是2012年的5倍"), vec![Ref::Compared(2012)]);
        assert_eq!(kinds("在2022年的基础上实现双倍增"), vec![Ref::Base(2022)]);
        assert_eq!(
            kinds("由2014年的500亿元增长到目前的1880.49亿元"),
            vec![Ref::Start(2014), Ref::Now]
        );
        assert_eq!(kinds("由2017年929家增长到3605家"), vec![Ref::Start(2017)]);
        assert_eq!(kinds("2022年以来,新增"), vec![Ref::Since(2022)]);
        assert_eq!(
            kinds("2020年全国院士工作站改革重塑以来"),
            vec![Ref::Since(2020)]
        );
        assert_eq!(kinds("到2025年,力争"), vec![Ref::Year(2025)]);
        assert_eq!(kinds("截至2022年底"), vec![Ref::Year(2022)]);
        assert_eq!(kinds("2023年上半年"), vec![Ref::Year(2023)]);
        assert_eq!(kinds("比去年增长12%"), vec![Ref::RelativeCompared(-1)]);
        assert_eq!(
            kinds("至年底,全市将突破3000家"),
            vec![Ref::Relative(0, true)]
        );
        assert_eq!(
            kinds("截至去年底,总数达614家"),
            vec![Ref::Relative(-1, false)]
        );
        assert_eq!(kinds("上半年,全区新增"), vec![Ref::Relative(0, false)]);
        assert_eq!(kinds("“十四五”末期拥有"), vec![Ref::Year(2025)]);
    }

    #[test]
    fn a_frame_is_a_segment_of_time_words() {
        let ends = |t: &str| -> Vec<Vec<Ref>> { frames(t).into_iter().map(|(_, f)| f).collect() };
        assert_eq!(ends("2021年,全市高企达1000家"), vec![vec![Ref::Year(2021)]]);
        assert_eq!(
            ends("今年以来,我局坚持"),
            vec![vec![Ref::Relative(0, false)]]
        );
        assert_eq!(
            ends("即将印发《方案(2021—2023年)》,目标到2023年,自治区R&D经费投入强度突破1.3%"),
            vec![vec![Ref::Year(2023)]]
        );
        assert!(ends("2022年全区R&D经费占GDP比重达3.02%;全年区本级").is_empty());
        assert!(ends("全市100家企业,2022年新增").is_empty());
    }
}

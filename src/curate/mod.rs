//! The curator's workbench: every number of an article, what it is (recorded,
//! proposed, unsure, unassigned or rejected), and the writes that record, reject
//! or explain one.
//!
//! [`bench`] reads; [`write`] is the only code that changes content on a curator's
//! request, and it changes a place file exactly as `extract --write` does, after
//! `check` passed the result. `serve` puts the two behind its one endpoint; `build`
//! never calls either, so no built page carries any of it.

pub mod write;

use serde::Serialize;

use crate::check::{Provenance, TITLE_RUN};
use crate::content::{Article, Figure, Period, PeriodFrom, Place, Site, Status};
use crate::extract::mentions::{self, Stated};
use crate::extract::rejections::Rejection;
use crate::extract::{self, Proposal, write as yaml};
use crate::format;
use crate::markdown::Wrap;
use crate::text::numbers::{self, Unit};

/// What a number is, for the curator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// A figure of the place file quotes it.
    Recorded,
    /// `extract` reads it with confidence, and `check` passes it.
    Proposed,
    /// `extract` reads it, but the reading may be wrong (or `check` objects).
    Unsure,
    /// No indicator's name explains it.
    Unassigned,
    /// The curator rejected what `extract` read.
    Rejected,
}

impl State {
    pub fn label_zh(self) -> &'static str {
        match self {
            State::Recorded => "已记录",
            State::Proposed => "建议",
            State::Unsure => "存疑",
            State::Unassigned => "未归类",
            State::Rejected => "已拒绝",
        }
    }
}

/// A figure as the workbench shows and edits it.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub indicator: String,
    pub name: String,
    pub period: String,
    pub status: &'static str,
    pub bound: Option<&'static str>,
    pub value: String,
    pub unit: String,
    pub quote: String,
    /// The figure as it is (or would be) written in the place file.
    pub yaml: String,
}

impl Shown {
    pub fn of(site: &Site, f: &Figure) -> Shown {
        let ind = site.indicators.get(&f.indicator);
        Shown {
            indicator: f.indicator.clone(),
            name: ind.map_or_else(|| f.indicator.clone(), |i| i.name.clone()),
            period: f.period.to_string(),
            status: f.status.as_str(),
            bound: f.bound.map(|b| b.symbol()),
            value: format::plain(f.value),
            unit: ind.map_or_else(String::new, |i| i.unit.clone()),
            quote: f.quotes.first().cloned().unwrap_or_default(),
            yaml: format!("{}:\n{}", f.indicator, yaml::entry(f, 2)),
        }
    }
}

/// One number of the article.
#[derive(Debug, Clone, Serialize)]
pub struct Number {
    pub n: usize,
    pub run: usize,
    /// Where the number starts in its run's normal form (what a write names).
    pub at: usize,
    pub text: String,
    /// The number with its unit, as a byte range of its run's original text.
    #[serde(skip)]
    pub range: std::ops::Range<usize>,
    pub state: State,
    pub state_label: &'static str,
    /// The sentence around it, cut at the number.
    pub before: String,
    pub after: String,
    pub figure: Option<Shown>,
    /// Why it is read so (or not read).
    pub why: Vec<String>,
    /// The recorded figure, on its place's page.
    pub href: Option<String>,
}

/// An indicator of the catalogue, as the picker lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Pick {
    pub id: String,
    pub name: String,
    pub unit: String,
    /// Pinyin of the name, whole and by initials, to search by.
    pub pinyin: String,
    pub initials: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Theme {
    pub group: &'static str,
    pub label: &'static str,
    pub indicators: Vec<Pick>,
}

/// Everything the workbench page needs of one article.
#[derive(Debug, Clone, Serialize)]
pub struct Bench {
    pub article: String,
    pub place: String,
    pub place_file: String,
    /// The place file as the served site read it: a write is refused if the file
    /// changed since.
    pub base: String,
    pub numbers: Vec<Number>,
    pub themes: Vec<Theme>,
    /// Reading the rejection file failed: why (nothing can be rejected until fixed).
    pub problem: Option<String>,
}

/// The fingerprint of a file's text, as a write compares it.
pub fn fingerprint(text: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// The workbench of article `id` of the served site.
pub fn bench(
    site: &Site,
    prov: &Provenance,
    id: &str,
    rejected: Result<Vec<Rejection>, String>,
) -> Option<Bench> {
    let article = site.articles.get(id)?;
    let place = site.place(&article.meta.city)?;
    let (rejected, problem) = match rejected {
        Ok(r) => (r, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let ex = extract::extract_rejecting(site, id, None, &[], &rejected).ok()?;
    let stated = mentions::stated(article);
    let title_run = article.texts().len() - 1;
    let marks = prov.marks.get(id).map(Vec::as_slice).unwrap_or_default();
    let mut out = Vec::new();
    for (n, s) in stated.iter().enumerate() {
        let at = |p: &Proposal| p.at == Some((s.run, s.normal_start));
        let mut why = Vec::new();
        let (state, figure, href) = if let Some((f, href)) = recorded(site, marks, s, title_run)
            .or_else(|| {
                ex.recorded
                    .iter()
                    .find(|p| at(p))
                    .and_then(|p| in_place(place, p))
            }) {
            why.push(format!(
                "recorded in {} as {} {}",
                place.origin.file.path.display(),
                f.indicator,
                f.period
            ));
            (State::Recorded, Some(Shown::of(site, f)), Some(href))
        } else if let Some(p) = ex.proposals.iter().find(|p| at(p)) {
            why.extend(reading(site, article, p));
            (State::Proposed, Some(Shown::of(site, p)), None)
        } else if let Some(p) = ex.unsure.iter().find(|p| at(p)) {
            why.extend(reading(site, article, p));
            if let Some(d) = &p.doubt {
                why.push(format!("unsure: {d}"));
            }
            (State::Unsure, Some(Shown::of(site, p)), None)
        } else if let Some((p, what)) = ex.contradicted.iter().find(|(p, _)| at(p)) {
            why.extend(reading(site, article, p));
            why.push(format!("the place file records another value: {what}"));
            (State::Unsure, Some(Shown::of(site, p)), None)
        } else if let Some((p, e)) = ex.dropped.iter().find(|(p, _)| at(p)) {
            why.extend(reading(site, article, p));
            why.push(format!("check refuses it as read: {e}"));
            (State::Unsure, Some(Shown::of(site, p)), None)
        } else if let Some(p) = ex.rejected.iter().find(|p| at(p)) {
            why.push(format!(
                "rejected in {} (remove the entry to have it proposed again)",
                extract::rejections::FILE
            ));
            (State::Rejected, Some(Shown::of(site, p)), None)
        } else {
            why.push(
                "no indicator's name is in the words before or after it: choose one, or add one"
                    .to_string(),
            );
            (State::Unassigned, None, None)
        };
        out.push(Number {
            n,
            run: s.run,
            at: s.normal_start,
            text: s.text.clone(),
            range: s.range.clone(),
            state,
            state_label: state.label_zh(),
            before: s.sentence[..s.in_sentence.start].to_string(),
            after: s.sentence[s.in_sentence.end..].to_string(),
            figure,
            why,
            href,
        });
    }
    Some(Bench {
        article: id.to_string(),
        place: place.slug.clone(),
        place_file: place.origin.file.path.display().to_string(),
        base: fingerprint(&place.origin.file.text),
        numbers: out,
        themes: themes(site),
        problem,
    })
}

/// The markup `serve` puts around each number of the article's page.
pub fn wraps(bench: &Bench, title_run: usize) -> Vec<Wrap> {
    let mut w: Vec<Wrap> = Vec::new();
    for n in &bench.numbers {
        w.push(Wrap {
            run: if n.run == title_run { TITLE_RUN } else { n.run },
            range: n.range.clone(),
            open: format!(
                "<button type=\"button\" class=\"ic-num ic-{}\" data-n=\"{}\" aria-label=\"{}：{}\">",
                serde_json::to_value(n.state)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                n.n,
                escape(&n.text),
                n.state_label
            ),
            close: "</button>".to_string(),
        });
    }
    w.sort_by_key(|w| (w.run, w.range.start));
    w
}

fn escape(s: &str) -> String {
    let mut out = String::new();
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

/// A figure of the place file quoting the number: one whose quote mark covers it and
/// whose value is the number's, in the figure's unit.
fn recorded<'a>(
    site: &'a Site,
    marks: &[crate::check::QuoteMark],
    s: &Stated,
    title_run: usize,
) -> Option<(&'a Figure, String)> {
    let run = if s.run == title_run { TITLE_RUN } else { s.run };
    for m in marks
        .iter()
        .filter(|m| m.run == run && m.range.start <= s.range.start && s.range.end <= m.range.end)
    {
        for r in &m.citing {
            let place = &site.places[r.place];
            let f = &place.figures[r.figure];
            let Some(ind) = site.indicators.get(&f.indicator) else {
                continue;
            };
            let unit = Unit::with_words(&ind.unit, &ind.unit_words);
            let value = numbers::mentions(&s.text)
                .first()
                .and_then(|m| m.in_unit(&unit))
                .map(|(v, _)| v);
            if value.is_some_and(|v| numbers::same(v.abs(), f.value.abs())) {
                return Some((f, href(place, f)));
            }
        }
    }
    None
}

fn in_place<'a>(place: &'a Place, p: &Proposal) -> Option<(&'a Figure, String)> {
    place
        .figures
        .iter()
        .find(|f| {
            f.indicator == p.indicator
                && f.period == p.period
                && f.status == p.status
                && numbers::same(f.value, p.value)
        })
        .map(|f| (f, href(place, f)))
}

fn href(place: &Place, f: &Figure) -> String {
    format!(
        "/{}#{}",
        crate::render::urls::place(&place.slug),
        f.anchor()
    )
}

/// Why `extract` read a proposal as it did.
pub fn reading(site: &Site, article: &Article, proposal: &Proposal) -> Vec<String> {
    let p = &proposal.figure;
    let name = site
        .indicators
        .get(&p.indicator)
        .map_or(p.indicator.as_str(), |i| i.name.as_str());
    let mut why = Vec::new();
    // The words of its own clause: what a reader checks the name against.
    let words: String = {
        let clause = proposal
            .named_by
            .rsplit([',', ';', ':', '，', '；', '：', '。'])
            .next()
            .unwrap_or_default();
        let cs: Vec<char> = clause.chars().collect();
        cs[cs.len().saturating_sub(24)..].iter().collect()
    };
    why.push(if words.is_empty() {
        format!("indicator: {name} ({}), as chosen", p.indicator)
    } else {
        format!("indicator: `{words}` names {name} ({})", p.indicator)
    });
    why.push(match p.status {
        Status::Target => "status target: its sentence, paragraph or heading states a goal, or its period is after the article's date".to_string(),
        Status::Actual => "status actual: nothing around it states a goal".to_string(),
    });
    let date = article.meta.date.as_deref().unwrap_or("undated");
    why.push(match &p.period_from {
        Some(PeriodFrom::Date) => format!(
            "period {}: its sentence names no year; the article's date ({date}) dates it",
            p.period
        ),
        Some(PeriodFrom::PreviousYear) => format!(
            "period {}: its sentence names no year; a report dated {date} recounts the year before",
            p.period
        ),
        Some(PeriodFrom::Title) => format!("period {}: the year the title names", p.period),
        Some(PeriodFrom::Address) => {
            format!("period {}: the year of the article's address", p.period)
        }
        Some(PeriodFrom::Judgement(w)) => format!("period {}: {w}", p.period),
        None => format!(
            "period {}: named in its sentence, its paragraph or its heading",
            p.period
        ),
    });
    if let Some(b) = p.bound {
        why.push(format!(
            "bound {}: the wording around the number",
            b.symbol()
        ));
    }
    why
}

/// The catalogue, by theme, for the picker.
pub fn themes(site: &Site) -> Vec<Theme> {
    use pinyin::ToPinyin;
    let mut out: Vec<Theme> = Vec::new();
    for ind in site.indicators.values() {
        let syllables: Vec<String> = ind
            .name
            .as_str()
            .to_pinyin()
            .flatten()
            .map(|p| p.plain().replace('ü', "v"))
            .collect();
        let pick = Pick {
            id: ind.id.clone(),
            name: ind.name.clone(),
            unit: ind.unit.clone(),
            pinyin: syllables.concat(),
            initials: syllables.iter().filter_map(|s| s.chars().next()).collect(),
        };
        let (group, label) = ind
            .group
            .map_or(("other", "其他"), |g| (g.as_str(), g.label_zh()));
        match out.iter_mut().find(|t| t.group == group) {
            Some(t) => t.indicators.push(pick),
            None => out.push(Theme {
                group,
                label,
                indicators: vec![pick],
            }),
        }
    }
    out
}

/// The period a curator typed, as the place file writes it.
pub fn period(s: &str) -> Result<Period, String> {
    s.trim().parse::<Period>()
}

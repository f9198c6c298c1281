//! Which indicator the words before a number name.
//!
//! The catalogue's names are built the same way: an optional flow word (新增, 新认定,
//! 新培育…), an optional level (国家级, 省级, 市级), a core noun (众创空间, 科技型中小企业)
//! and an optional change word (净增, 增速). So the indicators are not matched by a
//! list of phrases per indicator but by their parts: the core (or an alias) must be
//! in the words before the number, and among the indicators sharing that core the one
//! whose flow, level and change words agree best with the text wins. A new indicator
//! in `indicators.yaml` is found without any change here.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::content::Site;
use crate::text::normalize;
use crate::text::numbers::Unit;

/// Words that make a count a flow ("new in the period").
pub const FLOW: &[&str] = &[
    "新增",
    "新认定",
    "新培育",
    "新备案",
    "新建",
    "新入选",
    "新组建",
    "新获批",
    "新入库",
    "新评价",
    "新引进",
    "新设立",
    "新获",
    "新晋",
    "新登记",
];

/// Words that make a count the stock at the end of the period: `总数达到22家` after
/// `新增…14家` goes on about the same noun, as its stock.
pub const STOCK: &[&str] = &[
    "总数",
    "总量",
    "拥有量",
    "保有量",
    "存量",
    "累计达",
    "累计有",
    "共计",
    "总计",
    "合计",
];

/// Words that make a count a net change.
const NET: &[&str] = &["净增加", "净增"];

/// Words that make a percentage a growth rate.
const GROWTH: &[&str] = &[
    "增速", "增幅", "增长", "同比", "下降", "下滑", "回落", "提高", "提升",
];

/// Levels of a certificate, in the order a name writes them.
const LEVELS: &[(&str, Level)] = &[
    ("自治区级", Level::Provincial),
    ("自治区", Level::Provincial),
    ("国家级", Level::National),
    ("国家", Level::National),
    ("省级", Level::Provincial),
    ("省", Level::Provincial),
    ("市级", Level::Municipal),
    ("市", Level::Municipal),
];

/// What a name ends with that is not part of its core noun.
const COUNT_SUFFIXES: &[&str] = &["总数", "总量", "数量", "数"];

/// Words that stand for others in articles; replaced in both the catalogue and the
/// text before matching.
pub const SYNONYMS: &[(&str, &str)] = &[
    ("高企", "高新技术企业"),
    ("研究与试验发展", "研发"),
    ("R&D", "研发"),
    ("科技型中小微企业", "科技型中小企业"),
    ("国高企业", "高新技术企业"),
    ("规模以上", "规上"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    National,
    Provincial,
    Municipal,
}

/// An indicator's name, taken apart.
#[derive(Debug, Clone)]
struct Parts {
    id: String,
    unit: Unit,
    flow: bool,
    net: bool,
    growth: bool,
    level: Option<Level>,
    /// `省级以上`: the level and the ones above it.
    above: bool,
}

/// Every indicator of the catalogue, by its core nouns, as one automaton.
pub struct Vocabulary {
    automaton: Option<AhoCorasick>,
    /// Each indicator's name in normal form and the cores and aliases that name it,
    /// by id: `check` asks for them once per figure.
    named: std::collections::HashMap<String, (String, Vec<String>)>,
    /// For each pattern, the indicators it is the core (or an alias) of.
    owners: Vec<Vec<usize>>,
    parts: Vec<Parts>,
    /// The words that pass for a subject with no core: a clause that is only
    /// "其中新增" or "同比增长" goes on about the subject before it.
    modifiers: AhoCorasick,
}

/// The indicator the words before a number name, and where they are.
#[derive(Debug, Clone)]
pub struct Named {
    pub id: String,
    /// The words between the core and the number.
    pub after: String,
    pub score: i32,
    /// The core names a kind of it (`城市建设类技术合同`): a part, not the whole.
    pub category: bool,
}

/// What one core in some words may name: every indicator of it whose unit fits,
/// and those the words allow.
#[derive(Debug, Clone)]
pub struct Reading {
    pub core: String,
    pub family: Vec<String>,
    pub allowed: Vec<String>,
}

/// `s` with the synonyms written out; every byte of the output maps to a byte of `s`
/// only where nothing was replaced, so callers match on the result and keep offsets
/// by searching the original for the core's first character.
pub fn expand(s: &str) -> String {
    let mut out = s.to_string();
    for (short, long) in SYNONYMS {
        if out.contains(short) {
            out = out.replace(short, long);
        }
    }
    out
}

fn strip_any<'a>(s: &'a str, words: &[&str]) -> (&'a str, bool) {
    for w in words {
        if let Some(rest) = s.strip_prefix(w) {
            return (rest, true);
        }
    }
    (s, false)
}

/// The core noun of a name or alias, and its flow, level and change words.
fn parse(name: &str) -> (String, bool, bool, bool, Option<Level>) {
    let name = expand(&normalize(name));
    let (mut s, flow) = strip_any(&name, FLOW);
    let mut level = None;
    for (w, l) in LEVELS {
        if let Some(rest) = s.strip_prefix(w) {
            // `市级行业技术创新中心` is a level; `市场` is not.
            let word = matches!(*w, "市" | "省")
                && rest.starts_with(['场', '民', '区', '县', '值', '政', '内', '外', '会']);
            if rest.chars().count() >= 2 && !word {
                s = rest;
                level = Some(*l);
            }
            break;
        }
    }
    let mut core = s.to_string();
    let mut net = false;
    let mut growth = false;
    for w in ["净增数", "净增"] {
        if let Some(c) = core.strip_suffix(w) {
            core = c.to_string();
            net = true;
            break;
        }
    }
    for w in ["增速", "增幅", "增长率"] {
        if let Some(c) = core.strip_suffix(w) {
            core = c.to_string();
            growth = true;
            break;
        }
    }
    for w in COUNT_SUFFIXES {
        // `企业数` → `企业`, but a core must keep a noun: `人数` alone stays.
        if let Some(c) = core.strip_suffix(w)
            && c.chars().count() >= 2
        {
            core = c.to_string();
            break;
        }
    }
    // `企业（产品）`, `企业（团队）`: the bracketed word is an alternative, not required.
    if let Some(i) = core.find('(') {
        core.truncate(i);
    }
    let mut core = core.trim_matches(['“', '”', '"']).to_string();
    // `全社会研发经费支出` and `研发经费支出增速` are about one thing.
    for w in ["全社会", "全市", "全区", "全县", "全省"] {
        if let Some(c) = core.strip_prefix(w)
            && c.chars().count() >= 2
        {
            core = c.to_string();
        }
    }
    // `科创走廊新增载体面积`: a flow word inside the core makes a flow too.
    let flow = flow || FLOW.iter().any(|w| core.contains(w));
    (core, flow, net, growth, level)
}

impl Vocabulary {
    pub fn new(site: &Site) -> Vocabulary {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut parts = Vec::new();
        let mut cores: Vec<String> = Vec::new();
        for ind in site.indicators.values() {
            let (core, flow, net, growth, level) = parse(&ind.name);
            parts.push(Parts {
                id: ind.id.clone(),
                unit: Unit::with_words(&ind.unit, &ind.unit_words),
                flow,
                net,
                growth,
                level,
                above: ind.name.contains("以上"),
            });
            cores.push(core);
        }
        // An alias names a core, and so every indicator of that core: `技术交易额`,
        // an alias of the turnover, also names its growth rate and its count of new ones.
        for (i, ind) in site.indicators.values().enumerate() {
            let family: Vec<usize> = (0..parts.len()).filter(|&j| cores[j] == cores[i]).collect();
            let aliases = ind.aliases.iter().map(|a| parse(a).0);
            for c in std::iter::once(cores[i].clone()).chain(aliases) {
                if c.chars().count() < 2 {
                    continue;
                }
                let k = match patterns.iter().position(|p| *p == c) {
                    Some(k) => k,
                    None => {
                        patterns.push(c);
                        owners.push(Vec::new());
                        patterns.len() - 1
                    }
                };
                for &j in &family {
                    if !owners[k].contains(&j) {
                        owners[k].push(j);
                    }
                }
            }
        }
        let modifiers: Vec<&str> = FLOW
            .iter()
            .chain(NET)
            .chain(GROWTH)
            .chain(&["其中"])
            .chain(STOCK)
            .copied()
            .collect();
        let named = site
            .indicators
            .values()
            .enumerate()
            .map(|(i, ind)| {
                let cores = owners
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| o.contains(&i))
                    .map(|(k, _)| patterns[k].clone())
                    .collect();
                (ind.id.clone(), (normalize(&ind.name), cores))
            })
            .collect();
        Vocabulary {
            automaton: AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .ok(),
            named,
            owners,
            parts,
            modifiers: AhoCorasick::new(modifiers).expect("fixed words"),
        }
    }

    /// The length of a core that `text` starts with (after at most a level word), for
    /// a number written before its noun: `16家省级企业技术中心`.
    pub fn leading_core(&self, text: &str, fits: &dyn Fn(&Unit) -> bool) -> Option<usize> {
        let ac = self.automaton.as_ref()?;
        let skip = LEVELS
            .iter()
            .find(|(w, _)| text.starts_with(w))
            .map_or(0, |(w, _)| w.len());
        ac.find_overlapping_iter(text)
            .filter(|m| m.start() == skip || m.start() == 0)
            .filter(|m| {
                self.owners[m.pattern().as_usize()]
                    .iter()
                    .any(|&i| fits(&self.parts[i].unit))
            })
            .map(|m| m.end())
            .max()
    }

    /// Whether the indicator counts what is new in the period (a flow).
    pub fn is_flow(&self, id: &str) -> bool {
        self.parts.iter().any(|p| p.id == id && p.flow)
    }

    /// Whether the indicator is a net change.
    pub fn is_net(&self, id: &str) -> bool {
        self.parts.iter().any(|p| p.id == id && p.net)
    }

    /// Whether `window` (normal form, synonyms expanded) has a word that continues the
    /// previous subject.
    pub fn continues(&self, window: &str) -> bool {
        self.modifiers.is_match(window)
    }

    /// The indicator whose name best explains the words before a number, among those
    /// whose unit `fits`: its core is searched in `window`, its flow and change words
    /// in `modifiers` (the number's own clause, when the core is an earlier one's).
    pub fn name(
        &self,
        window: &str,
        modifiers: &str,
        fits: &dyn Fn(&Unit) -> bool,
    ) -> Option<Named> {
        let ac = self.automaton.as_ref()?;
        // The core nearest the number: the one ending last, and of those the longest.
        let mut best: Option<(usize, usize, usize)> = None; // (end, len, pattern)
        for m in ac.find_overlapping_iter(window) {
            let key = (m.end(), m.end() - m.start(), m.pattern().as_usize());
            if self.owners[key.2]
                .iter()
                .any(|&i| fits(&self.parts[i].unit))
                && best.is_none_or(|b| (key.0, key.1) > (b.0, b.1))
            {
                best = Some(key);
            }
        }
        let (end, len, pattern) = best?;
        self.ranked(window, modifiers, fits, (end, len, pattern))
            .into_iter()
            .rev()
            .max_by_key(|(k, _)| *k)
            .map(|(_, n)| n)
    }

    /// How many Chinese characters of `window` are not words that go on about an
    /// earlier subject (`同比增长`, `其中新增`, `总数达到` leave one or two): a clause
    /// with more has a subject of its own, even one the catalogue lacks.
    pub fn residue(&self, window: &str) -> String {
        let mut covered = vec![false; window.len()];
        for m in self.modifiers.find_overlapping_iter(window) {
            covered[m.start()..m.end()]
                .iter_mut()
                .for_each(|c| *c = true);
        }
        for w in ["比上年", "较上年", "同比", "比", "较"] {
            for (i, _) in window.match_indices(w) {
                covered[i..i + w.len()].iter_mut().for_each(|c| *c = true);
            }
        }
        window
            .char_indices()
            .filter(|(i, c)| !covered[*i] && crate::text::is_cjk(*c))
            .map(|(_, c)| c)
            .collect()
    }

    /// What each core in `window` may name, read leniently for `check`: the
    /// indicators of that core whose unit fits, less only those the words
    /// contradict outright (a flow word and a stock, `总数` and a flow, `净增` and
    /// anything but a net change, `省级` and another level). `extract` proposes the
    /// best reading; `check` refuses only what no reading allows.
    pub fn readings(
        &self,
        window: &str,
        modifiers: &str,
        fits: &dyn Fn(&Unit) -> bool,
    ) -> Vec<Reading> {
        let Some(ac) = self.automaton.as_ref() else {
            return Vec::new();
        };
        let has = |words: &[&str]| words.iter().any(|w| modifiers.contains(w));
        let explicit = [
            ("国家级", Level::National),
            ("自治区级", Level::Provincial),
            ("省级", Level::Provincial),
            ("市级", Level::Municipal),
            ("国家", Level::National),
        ];
        // A clause going on about an earlier core names its own level
        // (`其中国家级13家`).
        let own_level = (modifiers != window)
            .then(|| {
                explicit
                    .iter()
                    .find(|(w, _)| modifiers.contains(w))
                    .map(|(_, l)| *l)
            })
            .flatten();
        // `比上年增加21.43亿元`: a change on a base, a net change's number.
        let change = ["比", "较"].iter().any(|w| modifiers.contains(w))
            && ["增加", "减少", "净增"]
                .iter()
                .any(|w| modifiers.contains(w));
        let matches: Vec<_> = ac.find_overlapping_iter(window).collect();
        let mut out = Vec::new();
        for m in &matches {
            // A core inside a longer one found at the same place
            // (`高新技术产业` in `高新技术产业增加值`) is the longer one's.
            if matches.iter().any(|o| {
                o.start() <= m.start()
                    && m.end() <= o.end()
                    && o.end() - o.start() > m.end() - m.start()
            }) {
                continue;
            }
            let family: Vec<&Parts> = self.owners[m.pattern().as_usize()]
                .iter()
                .map(|&i| &self.parts[i])
                .filter(|p| fits(&p.unit))
                .collect();
            if family.is_empty() {
                continue;
            }
            let before = &window[..m.start()];
            let flow = reads_flow(window, modifiers, before);
            let stock = has(STOCK);
            let net = has(NET) || change;
            let above = before.ends_with("以上");
            // Levels that share one noun (`省、市级众创空间各10家`) name each of them.
            let shared = before.chars().rev().take(4).any(|c| c == '、' || c == '和');
            let level = own_level.or_else(|| {
                explicit
                    .iter()
                    .find(|(w, _)| before.ends_with(w))
                    .map(|(_, l)| *l)
                    .filter(|_| !shared)
            });
            let all = family.iter().map(|p| p.id.clone()).collect();
            let levels: Vec<Level> = family.iter().filter_map(|p| p.level).collect();
            let ids = family
                .into_iter()
                .filter(|p| !(flow && !p.flow && !p.net))
                .filter(|p| !(stock && (p.flow || p.net)))
                .filter(|p| !net || p.net || p.unit.base == "%")
                .filter(|p| {
                    above
                        || p.above
                        || match (level, p.level) {
                            (Some(a), Some(b)) => a == b,
                            // A count with no level is all levels' (or the national
                            // certificate's, where the catalogue has no national one):
                            // `其中国家级14家` is not the total where a national one exists.
                            // A city registers every makerspace it counts: `市级众创空间` is
                            // the total.
                            (Some(Level::Provincial), None) => false,
                            (Some(Level::National), None) => !levels.contains(&Level::National),
                            (Some(Level::Municipal), None) => true,
                            _ => true,
                        }
                })
                .map(|p| p.id.clone())
                .collect();
            out.push(Reading {
                core: window[m.start()..m.end()].to_string(),
                family: all,
                allowed: ids,
            });
        }
        out
    }

    /// The cores (and aliases) that name indicator `id`.
    pub fn cores_of(&self, id: &str) -> &[String] {
        self.named
            .get(id)
            .map_or(&[], |(_, cores)| cores.as_slice())
    }

    /// The indicator's name in normal form (`check` compares it with the words).
    pub fn name_of(&self, id: &str) -> &str {
        self.named.get(id).map_or("", |(name, _)| name.as_str())
    }

    /// The indicators of one core found at `(end, len, pattern)` of `window` that the
    /// words allow, each with its score.
    fn ranked(
        &self,
        window: &str,
        modifiers: &str,
        fits: &dyn Fn(&Unit) -> bool,
        (end, len, pattern): (usize, usize, usize),
    ) -> Vec<((i32, bool), Named)> {
        let start = end - len;
        let before = &window[..start];
        let after = &window[end..];
        // A level right before the core (`省级众创空间`, `国家高新技术企业`); `全省` is a
        // place, not a level.
        // `济宁市高新技术企业`, `云南省重点实验室`: the 市 or 省 ends a place's name. It
        // names a level only for what that place certifies (a provincial lab), so it
        // weighs less than a level word of its own.
        let soft = LEVELS.iter().any(|(w, _)| {
            matches!(*w, "市" | "省") && before.ends_with(w) && ends_with_place(before)
        });
        // A clause going on about an earlier core names its own level, which wins:
        // `市级众创空间119家(其中国家级14家…)`.
        let own_level = (modifiers != window)
            .then(|| {
                ["国家级", "省级", "市级"]
                    .iter()
                    .zip([Level::National, Level::Provincial, Level::Municipal])
                    .find(|(w, _)| modifiers.contains(*w))
                    .map(|(_, l)| l)
            })
            .flatten();
        // `市级以上`, `省级及以上`: that level and the ones above it.
        let (stem, above) = match before.strip_suffix("以上") {
            Some(b) => (b.strip_suffix('及').unwrap_or(b), true),
            None => (before, false),
        };
        let level = own_level.or_else(|| {
            LEVELS.iter().find_map(|(w, l)| {
                let b = stem.strip_suffix(w)?;
                (!b.ends_with('全')).then_some(*l)
            })
        });
        // A clause naming its own level is about that level alone.
        let above = above && own_level.is_none();
        let has = |words: &[&str]| words.iter().any(|w| modifiers.contains(w));
        // A clause going on about an earlier noun (`…新培育165家、同比增长52%`) is
        // about its flow too, unless it turns to the stock (`总数达到`).
        let flow = reads_flow(window, modifiers, before);
        let net = has(NET);
        let growth = has(GROWTH);
        let family: Vec<&Parts> = self.owners[pattern]
            .iter()
            .map(|&i| &self.parts[i])
            .filter(|p| fits(&p.unit))
            .collect();
        // The words must agree with the name where the catalogue can tell: a new count
        // is never a stock; a count without a flow word is a stock when the catalogue
        // has one (an indicator of new ones alone takes `培育…10家`); a provincial one
        // is not the total, `省级以上` not the provincial ones, where the catalogue has
        // levels (科技型中小企业 has none, and its words only weigh). Better unassigned
        // than misfiled.
        let stock_there = family.iter().any(|p| !p.flow && !p.net);
        let level_choice = family
            .iter()
            .any(|p| matches!(p.level, Some(Level::Provincial | Level::Municipal)));
        family
            .into_iter()
            .filter(|p| p.flow == flow || p.net || p.flow && !stock_there)
            // Every makerspace or incubator a report counts is registered at least by
            // its city: `市级众创空间`, `市级以上孵化器` are the totals, and national is
            // what a count with no level means (`国家高新技术企业`).
            .filter(|p| {
                !level_choice
                    || p.above == above
                    || level == Some(Level::Municipal) && p.level.is_none()
            })
            .filter(|p| {
                !level_choice
                    || match (p.level, level) {
                        (Some(a), Some(b)) => a == b || soft,
                        (None, Some(Level::National | Level::Municipal)) => true,
                        (None, Some(_)) => soft,
                        _ => true,
                    }
            })
            .map(|p| {
                let mut score = len as i32;
                let agree = |want: bool, seen: bool| match (want, seen) {
                    (true, true) => 3,
                    (true, false) | (false, true) => -4,
                    (false, false) => 0,
                };
                score += agree(p.flow, flow) + agree(p.net, net);
                // A rate's change words matter only for rates.
                if p.unit.base == "%" {
                    score += agree(p.growth, growth);
                }
                score += match (p.level, level) {
                    (Some(a), Some(b)) if a == b => 2,
                    (Some(_), Some(_)) if soft => -1,
                    (Some(_), Some(_)) => -5,
                    (Some(Level::National), None) => 0,
                    (None, Some(_)) if soft => 0,
                    (Some(_), None) | (None, Some(_)) => -1,
                    (None, None) => 0,
                };
                (
                    // On a tie, the indicator that asks for fewer words.
                    (score, p.level.is_none()),
                    Named {
                        id: p.id.clone(),
                        after: after.to_string(),
                        score,
                        category: before.ends_with('类'),
                    },
                )
            })
            .collect()
    }
}

/// Whether the words count what is new: a flow word of the number's own clause, or
/// one before an earlier clause's core that the clause goes on about
/// (`…新培育165家、同比增长52%`), unless it turns to the stock (`总数达到`).
fn reads_flow(window: &str, modifiers: &str, before_core: &str) -> bool {
    let has = |words: &[&str]| words.iter().any(|w| modifiers.contains(w));
    has(FLOW) || modifiers != window && FLOW.iter().any(|w| before_core.contains(w)) && !has(STOCK)
}

/// Whether `s` ends with the full name of a province or city of the gazetteer
/// (`济宁市`, `山东省`).
fn ends_with_place(s: &str) -> bool {
    static NAMES: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| {
            crate::gazetteer::DIVISIONS
                .iter()
                .map(|d| d.name.as_str())
                .filter(|n| n.ends_with('市') || n.ends_with('省'))
                .collect()
        });
    let starts: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    starts
        .iter()
        .rev()
        .skip(1)
        .take(8)
        .any(|&i| NAMES.contains(&s[i..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_taken_apart() {
        let (core, flow, net, growth, level) = parse("新增国家级众创空间数");
        assert_eq!(core, "众创空间");
        assert!(flow && !net && !growth);
        assert_eq!(level, Some(Level::National));
        let (core, _, net, _, _) = parse("高新技术企业净增数");
        assert_eq!((core.as_str(), net), ("高新技术企业", true));
        let (core, _, _, growth, _) = parse("技术合同成交额增速");
        assert_eq!((core.as_str(), growth), ("技术合同成交额", true));
        assert_eq!(parse("高企数量").0, "高新技术企业");
        assert_eq!(parse("市场主体数").0, "市场主体");
        assert_eq!(parse("新增在孵企业（团队）数").0, "在孵企业");
    }

    #[test]
    fn a_places_own_suffix_is_not_a_level() {
        assert!(ends_with_place("截至年底,济宁市"));
        assert!(ends_with_place("山东省"));
        // `新增市`: a level, no place's name.
        assert!(!ends_with_place("新增市"));
        assert!(!ends_with_place("市"));
    }
}

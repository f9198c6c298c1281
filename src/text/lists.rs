//! Lists: `孵化器、众创空间分别达14个、41个` pairs each number with its own noun, in
//! order. Without this, every number of the list is read with the words nearest
//! before it, and the first number is filed under the last noun.

use super::numbers::{self, Mention};

/// Words that join the members of a list of nouns or of numbers.
const JOINS: &[&str] = &["、", "和", "及", "与", "以及", "或"];

/// Words between a list of nouns and its numbers, longest first: what the list says of
/// each member (`分别比上年度增长`), kept with every noun so that its change words are
/// read.
const VERBS: &[&str] = &[
    "分别达到",
    "分别达",
    "分别为",
    "分别是",
    "均达到",
    "均达",
    "均为",
    "达到",
    "达",
    "为",
    "突破",
    "超过",
    "共有",
    "有",
];

/// For the numbers of a list in `text`, the words that name each one: (index of the
/// mention, its noun and what the list says of it). A list is two or more numbers
/// joined only by list words (`14个、41个`, `66.6%和106%`), after a list of as many
/// nouns (`孵化器、众创空间分别达`); a `分别` clause with no nouns of its own
/// (`…达6588家、6403家,分别增长26.3%、44.4%`) takes those of the list before it.
/// The numbers of a list whose nouns and numbers do not pair one to one get an empty
/// noun: they are not read at all.
pub fn pairs(
    text: &str,
    mentions: &[Mention],
    counts: &dyn Fn(&Mention) -> bool,
) -> Vec<(usize, String)> {
    let counted: Vec<usize> = (0..mentions.len())
        .filter(|&k| counts(&mentions[k]))
        .collect();
    // Runs of numbers joined only by list words.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &k in &counted {
        let joined = groups.last().and_then(|g| g.last()).is_some_and(|&prev| {
            let gap = &text[numbers::unit_end(text, &mentions[prev])..mentions[k].span.start];
            let gap = gap.trim_start_matches(['以', '上', '左', '右', '多', '余']);
            JOINS.contains(&gap)
        });
        match groups.last_mut() {
            Some(g) if joined => g.push(k),
            _ => groups.push(vec![k]),
        }
    }
    let mut out = Vec::new();
    // One number after a list of nouns (`孵化器、众创空间52家`) counts them together:
    // no indicator's figure.
    for g in groups.iter().filter(|g| g.len() == 1) {
        let m = &mentions[g[0]];
        let lead = &text[clause_start(text, m.span.start)..m.span.start];
        let nouns = VERBS
            .iter()
            .find_map(|v| lead.strip_suffix(v))
            .unwrap_or(lead);
        // (`省、市级众创空间各10家`: each has ten, read as before.)
        if !nouns.contains("分别")
            && !nouns.ends_with('各')
            && !nouns.chars().any(|c| c.is_ascii_digit())
            && nouns.contains('、')
            && split(nouns).len() >= 2
        {
            out.push((g[0], String::new()));
        }
    }
    let mut last_nouns: Option<Vec<String>> = None;
    for g in groups.into_iter().filter(|g| g.len() >= 2) {
        let first = &mentions[g[0]];
        let lead = &text[clause_start(text, first.span.start)..first.span.start];
        let (nouns_text, verb) = match lead.find("分别") {
            Some(i) => (&lead[..i], &lead[i..]),
            None => VERBS
                .iter()
                .find_map(|v| lead.strip_suffix(v).map(|n| (n, &lead[n.len()..])))
                .unwrap_or((lead, "")),
        };
        let mut nouns = split(nouns_text);
        if nouns.is_empty() && verb.contains("分别") {
            nouns = last_nouns.clone().unwrap_or_default();
        }
        if nouns.len() != g.len() {
            // Two nouns and three numbers: which is which cannot be told, and the
            // words nearest each number would name the wrong one.
            if nouns.len() >= 2 {
                out.extend(g.iter().map(|&k| (k, String::new())));
            }
            continue;
        }
        last_nouns = Some(nouns.clone());
        let verb = verb.trim_start_matches("分别");
        // `国家级、省级、市级工程技术研究中心`: the last member's noun is every member's;
        // `新增孵化器、众创空间`: the first member's flow word is every member's.
        let last = nouns.last().cloned().unwrap_or_default();
        let head = head_noun(&last);
        let lead_word = [
            "新增",
            "新认定",
            "新培育",
            "新备案",
            "新建",
            "累计",
            "全市",
            "全区",
            "全县",
        ]
        .iter()
        .find(|w| nouns[0].starts_with(*w))
        .copied()
        .unwrap_or("");
        for (n, (k, noun)) in g.iter().zip(&nouns).enumerate() {
            let mut named = noun.clone();
            if n + 1 < nouns.len() && is_level_only(noun) {
                named.push_str(head);
            }
            // (Only to a bare noun: `…企业数量和科技型中小企业入库数量` is a phrase of
            // its own.)
            let own = noun
                .strip_suffix(head)
                .filter(|o| !o.is_empty())
                .unwrap_or(noun);
            if n > 0 && !named.starts_with(lead_word) && own.chars().count() <= 6 {
                named.insert_str(0, lead_word);
            }
            named.push_str(verb);
            out.push((*k, named));
        }
    }
    out
}

/// Where the clause holding byte `at` starts: after the last mark before it.
fn clause_start(text: &str, at: usize) -> usize {
    text[..at]
        .rfind([',', ';', ':', '。', '(', '，', '；', '：'])
        .map_or(0, |j| {
            j + text[j..].chars().next().map_or(1, char::len_utf8)
        })
}

/// The members of a list of nouns.
fn split(s: &str) -> Vec<String> {
    let mut parts = vec![s.to_string()];
    for j in JOINS {
        parts = parts
            .iter()
            .flat_map(|p| p.split(j).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// A member that is only a level (`国家级`, `省级`): it names the last member's noun.
fn is_level_only(s: &str) -> bool {
    let mut s = s;
    for w in [
        "全市",
        "全区",
        "全县",
        "全省",
        "新增",
        "新认定",
        "共有",
        "拥有",
        "现有",
    ] {
        s = s.strip_prefix(w).unwrap_or(s);
    }
    ["国家级", "省级", "市级", "县级", "区级", "国家", "省", "市"].contains(&s)
        || s.chars().count() <= 3 && s.ends_with('级')
}

/// The noun of the last member without its level: `市级工程技术研究中心` → `工程技术研究中心`.
fn head_noun(s: &str) -> &str {
    for w in ["国家级", "省级", "市级", "县级", "区级"] {
        if let Some(i) = s.find(w) {
            return &s[i + w.len()..];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::numbers::mentions;

    fn read(text: &str) -> Vec<(String, String)> {
        let ms = mentions(text);
        pairs(text, &ms, &|m| m.year().is_none())
            .into_iter()
            .filter(|(_, noun)| !noun.is_empty())
            .map(|(k, noun)| (text[ms[k].span.clone()].to_string(), noun))
            .collect()
    }

    #[test]
    fn each_number_takes_its_own_noun_in_order() {
        assert_eq!(
            read("新增孵化器、众创空间分别为2个、5个"),
            [
                ("2".into(), "新增孵化器为".into()),
                ("5".into(), "新增众创空间为".into())
            ]
        );
        assert_eq!(
            read("全市拥有孵化器、众创空间分别达14个、41个。"),
            [
                ("14".into(), "全市拥有孵化器达".into()),
                ("41".into(), "全市众创空间达".into())
            ]
        );
        assert_eq!(
            read("新认定高新技术企业和科技型中小企业分别增长66%和106%"),
            [
                ("66".into(), "新认定高新技术企业增长".into()),
                ("106".into(), "科技型中小企业增长".into())
            ]
        );
        // Levels share the last member's noun.
        assert_eq!(
            read("全市国家级、省级工程技术研究中心分别达3个、12个"),
            [
                ("3".into(), "全市国家级工程技术研究中心达".into()),
                ("12".into(), "全市省级工程技术研究中心达".into())
            ]
        );
    }

    #[test]
    fn a_list_without_fenbie_and_a_fenbie_clause_with_no_nouns() {
        assert_eq!(
            read("高新技术企业、科技型中小企业达6588家、6403家,分别增长26.3%、44.4%。"),
            [
                ("6588".into(), "高新技术企业达".into()),
                ("6403".into(), "科技型中小企业达".into()),
                ("26.3".into(), "高新技术企业增长".into()),
                ("44.4".into(), "科技型中小企业增长".into())
            ]
        );
    }

    #[test]
    fn one_number_after_a_list_of_nouns_counts_them_together() {
        let text = "建设省级以上科技企业孵化器、众创空间52家";
        let ms = mentions(text);
        assert_eq!(pairs(text, &ms, &|_| true), [(0, String::new())]);
        // Negative: numbers before their nouns, one after another.
        let text = "新认定16家省级企业技术中心、29家市级企业技术中心";
        let ms = mentions(text);
        assert!(pairs(text, &ms, &|_| true).is_empty());
    }

    #[test]
    fn no_pairing_when_the_counts_differ_or_there_is_no_list() {
        // Two nouns, three numbers: not a pairing, and none of them is read.
        assert!(read("孵化器、众创空间分别达14个、41个、9个").is_empty());
        let text = "孵化器、众创空间分别达14个、41个、9个";
        let ms = mentions(text);
        assert_eq!(pairs(text, &ms, &|_| true).len(), 3);
        // `分别` with one noun.
        assert!(read("高新技术企业分别位于三个园区,共12家").is_empty());
        // One number after two nouns: no pairing (it is left unread, see above).
        assert!(read("孵化器、众创空间达14个").is_empty());
        // Numbers joined by more than a list word are not one list.
        assert!(read("孵化器、众创空间达14个,其中国家级3个").is_empty());
    }
}

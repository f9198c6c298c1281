//! Catalogue entries for the numbers no indicator explains (`extract --new-indicators`):
//! a curator who meets `建成院士工作站12个` and has no such indicator should not have to
//! learn the schema of `indicators.yaml` to add one.
//!
//! The name is the noun phrase the article puts before the number (or right after it,
//! `新认定16家省级企业技术中心`), without the place, time and verb words around it; the
//! unit is the number's own; the group follows from the noun. Every entry is a
//! proposal: it is printed, or appended to `indicators.yaml` with `--write`, and the
//! next `extract` assigns the numbers it explains, because [`crate::vocab`] reads
//! the catalogue's names by their parts.

use std::collections::BTreeSet;

use super::Unassigned;
use crate::vocab::FLOW;
use indexmap::IndexMap;

use crate::content::{Group, Indicator};
use crate::text::numbers;

/// A proposed entry of `indicators.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIndicator {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub group: Group,
    /// The number it was proposed for, with the words before it.
    pub example: String,
}

/// Words that open a noun phrase's clause without being part of the noun: the
/// place, the time, "of which".
const LEADING: &[&str] = &[
    "截至目前",
    "截至",
    "截止",
    "全市",
    "全区",
    "全县",
    "全省",
    "全州",
    "全旗",
    "全盟",
    "我市",
    "我区",
    "我县",
    "我州",
    "我旗",
    "本市",
    "该市",
    "该区",
    "该县",
    "全年",
    "当年",
    "年内",
    "目前",
    "今年",
    "去年",
    "上半年",
    "下半年",
    "其中",
    "共有",
    "共",
    "已",
    "现有",
    "拥有",
    "建成",
    "有",
];

/// Verbs and bound words between the noun and the number.
const TRAILING: &[&str] = &[
    "达到了",
    "达到",
    "达",
    "为",
    "共有",
    "共计",
    "共",
    "有",
    "累计",
    "突破",
    "超过",
    "超",
    "实现",
    "完成",
    "增至",
    "增加到",
    "提高到",
    "增长到",
    "提升到",
    "约",
    "近",
    "逾",
    "以上",
    "了",
    "总计",
    "合计",
    "分别",
];

/// Entries for the unassigned numbers of one extraction, one per name, none the
/// catalogue already has.
pub fn propose(
    catalogue: &IndexMap<String, Indicator>,
    unassigned: &[Unassigned],
) -> Vec<NewIndicator> {
    let mut taken: BTreeSet<String> = catalogue.keys().cloned().collect();
    let known: BTreeSet<String> = catalogue
        .values()
        .flat_map(|i| std::iter::once(i.name.clone()).chain(i.aliases.iter().cloned()))
        .collect();
    let mut out: Vec<NewIndicator> = Vec::new();
    for u in unassigned {
        let Some(unit) = unit_of(&u.stated) else {
            continue;
        };
        let Some(name) = name_of(&u.before, &u.after, &unit) else {
            continue;
        };
        if known.contains(&name) || out.iter().any(|e| e.name == name) {
            continue;
        }
        let base = id_of(&name);
        if base.is_empty() {
            continue;
        }
        let mut id = base.clone();
        let mut n = 2;
        while taken.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        taken.insert(id.clone());
        out.push(NewIndicator {
            id,
            group: group_of(&name, &unit),
            name,
            unit,
            example: format!("{}{}", clause_of(&u.before), u.stated),
        });
    }
    out
}

/// The unit an indicator of this number is kept in: the measure word or `%` the
/// article states, money in 亿元 (the catalogue's unit for money; `check` converts
/// 万元), a count without its magnitude (`1.57万家` is counted in 家).
fn unit_of(stated: &str) -> Option<String> {
    let word: String = stated
        .trim_start_matches(|c: char| c.is_ascii_digit() || ".,+-~—–".contains(c))
        .chars()
        .skip_while(|c| "十百千万亿".contains(*c))
        .collect();
    let word = word.trim();
    if word.starts_with('%') {
        return Some("%".into());
    }
    if word.ends_with('元') {
        return Some("亿元".into());
    }
    let first = word.chars().next()?;
    numbers::is_unit_char(first).then(|| first.to_string())
}

/// The words of `before` after its last clause mark.
fn clause_of(before: &str) -> &str {
    before
        .rfind(|c: char| ",;:。、()!?“”\"' ".contains(c))
        .map_or(before, |i| {
            &before[i + before[i..].chars().next().map_or(1, char::len_utf8)..]
        })
}

/// The noun phrase before the number (or after it, when the number comes first), as
/// an indicator's name.
fn name_of(before: &str, after: &str, unit: &str) -> Option<String> {
    let mut noun = strip(clause_of(before));
    let mut flow = "";
    // (The catalogue writes a flow's word first: `新认定高新技术企业数`.)
    for w in FLOW {
        if let Some(rest) = noun.strip_prefix(w) {
            flow = w;
            noun = strip(rest);
            break;
        }
    }
    // `新认定16家省级企业技术中心`: the noun follows the number.
    if han(noun) < 2 {
        noun = after.trim_start_matches(|c: char| numbers::is_unit_char(c) && c != '%');
        noun = noun
            .split(|c: char| !c.is_alphanumeric() && c != '&')
            .next()
            .unwrap_or("");
    }
    if han(noun) < 2 || noun.chars().count() > 16 {
        return None;
    }
    let mut name = format!("{flow}{noun}");
    let ends_named = [
        "数", "量", "额", "值", "率", "比重", "占比", "费", "入", "出", "收",
    ]
    .iter()
    .any(|w| name.ends_with(w));
    if unit != "%" && unit != "亿元" && !ends_named {
        name.push('数');
    }
    Some(name)
}

/// `s` without the place, time and verb words around its noun.
fn strip(mut s: &str) -> &str {
    loop {
        let before = s;
        for w in LEADING {
            if let Some(rest) = s.strip_prefix(w) {
                s = rest;
            }
        }
        // A year or a month at the front: `2023年`, `1-9月`, `一季度`.
        let lead: usize = s
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_digit() || "-—~至".contains(*c))
            .map(|(_, c)| c.len_utf8())
            .sum();
        if lead > 0 {
            let rest = &s[lead..];
            for w in ["年度", "年", "月底", "月末", "月份", "月"] {
                if let Some(r) = rest.strip_prefix(w) {
                    s = r;
                    break;
                }
            }
        }
        for w in ["一季度", "二季度", "三季度", "四季度", "前三季度"] {
            if let Some(rest) = s.strip_prefix(w) {
                s = rest;
            }
        }
        for w in TRAILING {
            if let Some(rest) = s.strip_suffix(w) {
                s = rest;
            }
        }
        if s == before {
            return s;
        }
    }
}

fn han(s: &str) -> usize {
    s.chars().filter(|c| crate::text::is_cjk(*c)).count()
}

/// The theme of the catalogue a noun belongs to.
fn group_of(name: &str, unit: &str) -> Group {
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if unit == "亿元" && !has(&["研发", "R&D"]) {
        Group::Money
    } else if has(&[
        "中心",
        "实验室",
        "平台",
        "孵化器",
        "众创空间",
        "工作站",
        "基地",
        "园区",
        "研究院",
        "机构",
        "加速器",
    ]) {
        Group::Platforms
    } else if has(&["人才", "院士", "专家", "团队"]) || unit == "人" {
        Group::Talent
    } else if has(&["企业", "公司"]) {
        Group::Enterprises
    } else {
        Group::Rd
    }
}

/// An id from the name's pinyin, two syllables a word: `院士工作站数` →
/// `yuanshi_gongzuo_zhanshu`.
fn id_of(name: &str) -> String {
    use pinyin::ToPinyin;
    let syllables: Vec<String> = name
        .to_pinyin()
        .flatten()
        .map(|p| p.plain().replace('ü', "v"))
        .collect();
    syllables
        .chunks(2)
        .map(|w| w.concat())
        .collect::<Vec<_>>()
        .join("_")
}

/// The entries as `indicators.yaml` writes them, each with a comment naming the
/// number it was proposed for; `name_en` is left for the curator to translate.
pub fn yaml(entries: &[NewIndicator], article: &str) -> String {
    let mut s = String::new();
    for e in entries {
        s.push_str(&format!(
            "# proposed by `extract --new-indicators` for {} in {article}: check the name, group and unit, and write name_en\n",
            e.example
        ));
        s.push_str(&format!("{}:\n", e.id));
        s.push_str(&format!("  name: {}\n", e.name));
        s.push_str(&format!("  name_en: {}\n", e.id.replace('_', " ")));
        s.push_str(&format!("  group: {}\n", e.group.as_str()));
        s.push_str(&format!("  unit: {}\n", scalar(&e.unit)));
        s.push_str(&format!("  description: {}（待补充定义）\n", e.name));
    }
    s
}

/// `text` (the catalogue file) with the entries appended, every byte of it kept.
pub fn append(text: &str, entries: &[NewIndicator], article: &str) -> String {
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&yaml(entries, article));
    out
}

fn scalar(v: &str) -> String {
    if v == "%" {
        "\"%\"".into()
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(before: &str, stated: &str, after: &str) -> Unassigned {
        Unassigned {
            before: before.into(),
            stated: stated.into(),
            after: after.into(),
            sentence: String::new(),
        }
    }

    #[test]
    fn names_come_from_the_noun_without_place_time_or_verb() {
        assert_eq!(
            name_of("2023年,全市建成院士工作站", "", "个").as_deref(),
            Some("院士工作站数")
        );
        assert_eq!(
            name_of("全区技术转移机构达到", "", "家").as_deref(),
            Some("技术转移机构数")
        );
        assert_eq!(
            name_of("新认定", "家省级企业技术中心", "家").as_deref(),
            Some("新认定省级企业技术中心数")
        );
        assert_eq!(
            name_of("高新技术产业产值", "", "亿元").as_deref(),
            Some("高新技术产业产值")
        );
        // Nothing nameable: a bare verb with nothing after the number.
        assert_eq!(name_of("共计", "", "个"), None);
    }

    #[test]
    fn units_and_groups() {
        assert_eq!(unit_of("1.57万家").as_deref(), Some("家"));
        assert_eq!(unit_of("2600万元").as_deref(), Some("亿元"));
        assert_eq!(unit_of("12.5%").as_deref(), Some("%"));
        assert_eq!(unit_of("12").as_deref(), None);
        assert_eq!(group_of("技术转移机构数", "家"), Group::Platforms);
        assert_eq!(group_of("规上工业企业数", "家"), Group::Enterprises);
        assert_eq!(group_of("科技金融贷款额", "亿元"), Group::Money);
        assert_eq!(group_of("引进高层次人才数", "人"), Group::Talent);
    }

    #[test]
    fn an_entry_a_name_and_ids_are_slugs() {
        let got = propose(
            &IndexMap::new(),
            &[
                u("全市技术转移机构达", "35家", ""),
                u("新增技术转移机构", "6家", ""),
                u("其中技术转移机构", "35家", ""),
            ],
        );
        let names: Vec<&str> = got.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["技术转移机构数", "新增技术转移机构数"]);
        for e in &got {
            assert!(crate::content::is_slug(&e.id, '_'), "{}", e.id);
        }
        let text = append("a:\n  name: x\n", &got, "x/2023-01-01-a");
        assert!(text.starts_with("a:\n  name: x\n"));
        let parsed: serde_yaml::Mapping = serde_yaml::from_str(&text).unwrap();
        assert_eq!(parsed.len(), 3);
    }
}

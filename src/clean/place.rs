//! Which place an article is about, from the names it mentions.
//!
//! The gazetteer (`data/divisions.csv`: provinces, prefectures and county-level
//! divisions with their codes) is compiled in. An article about 瓯海 mentions 瓯海
//! and 温州; one about 福州 mentions 福州 dozens of times and 鼓楼 once. The most
//! mentioned prefecture-level place wins, unless one of its counties is mentioned
//! about as often, in which case the article is about that county.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use pinyin::ToPinyin;

use super::Line;

/// One row of the gazetteer.
#[derive(Debug, Clone)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent: Option<String>,
}

const CSV: &str = include_str!("../../data/divisions.csv");

pub static DIVISIONS: LazyLock<Vec<Division>> = LazyLock::new(|| {
    let mut r = csv::Reader::from_reader(CSV.as_bytes());
    r.records()
        .filter_map(Result::ok)
        .map(|rec| Division {
            code: rec[0].to_string(),
            name: rec[1].to_string(),
            level: rec[2].to_string(),
            parent: (!rec[3].is_empty()).then(|| rec[3].to_string()),
        })
        .collect()
});

/// The name without its administrative suffix: 瓯海区 → 瓯海, 恩施土家族苗族自治州 → 恩施.
pub fn short_name(name: &str) -> &str {
    const SUFFIXES: &[&str] = &[
        "特别行政区",
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "自治州",
        "自治县",
        "自治旗",
        "地区",
        "林区",
        "特区",
        "省",
        "市",
        "区",
        "县",
        "盟",
        "旗",
    ];
    let mut s = name;
    for suf in SUFFIXES {
        if let Some(stem) = s.strip_suffix(suf) {
            s = stem;
            break;
        }
    }
    // An ethnic-group qualifier follows the place name ("恩施土家族苗族"): keep the first
    // two characters, the usual short form (恩施, 延边, 凉山).
    if s.contains('族') && s.chars().count() > 4 {
        if let Some((i, _)) = s.char_indices().nth(2) {
            s = &s[..i];
        }
    }
    if s.chars().count() >= 2 { s } else { name }
}

/// The place an article is about, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub slug: String,
    pub name: String,
    pub code: String,
    pub mentions: usize,
}

/// Infers the place from `title` and `lines`; `known` are the site's places
/// (slug, name, code), whose slug is used when the place is one of them.
pub fn infer(
    title: &str,
    lines: &[Line],
    known: &[(String, String, Option<String>)],
) -> Result<Guess, String> {
    static MATCHER: LazyLock<(AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (i, d) in DIVISIONS.iter().enumerate() {
            patterns.push(short_name(&d.name).to_string());
            owner.push(i);
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("gazetteer patterns");
        (ac, owner)
    });
    let (ac, owner) = &*MATCHER;
    let mut counts: HashMap<usize, usize> = HashMap::new();
    let text = std::iter::once(title).chain(lines.iter().map(|l| l.text.as_str()));
    for (k, t) in text.enumerate() {
        let weight = if k == 0 { 3 } else { 1 };
        for m in ac.find_iter(t) {
            *counts.entry(owner[m.pattern().as_usize()]).or_default() += weight;
        }
    }
    // Names shared by several divisions (鼓楼区 in 福州, 南京, …) count for the one whose
    // ancestors the article also mentions.
    let by_code: HashMap<&str, usize> = DIVISIONS
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i))
        .collect();
    let ancestor_mentions = |i: usize| -> usize {
        let mut n = 0;
        let mut p = DIVISIONS[i].parent.as_deref();
        while let Some(code) = p {
            let Some(&j) = by_code.get(code) else { break };
            n += counts.get(&j).copied().unwrap_or(0);
            p = DIVISIONS[j].parent.as_deref();
        }
        n
    };
    let score = |i: usize| (counts.get(&i).copied().unwrap_or(0), ancestor_mentions(i));
    let best_of = |level: &str| {
        counts
            .keys()
            .copied()
            .filter(|&i| DIVISIONS[i].level == level)
            .max_by_key(|&i| (score(i), std::cmp::Reverse(DIVISIONS[i].code.clone())))
    };
    let top = best_of("prefecture")
        .or_else(|| best_of("county"))
        .or_else(|| best_of("province"));
    let Some(mut chosen) = top else {
        return Err("the text names no Chinese province, city or county".to_string());
    };
    let chosen_count = score(chosen).0;
    // How the text refers to its own administration: "全区/我区/区科技局" is a district's
    // report, "全县/我县" a county's, "全市/我市" a city's.
    let all: String = std::iter::once(title)
        .chain(lines.iter().map(|l| l.text.as_str()))
        .collect();
    let selves = |unit: &str| -> usize {
        ["全", "我", "本"]
            .iter()
            .map(|p| all.matches(&format!("{p}{unit}")).count())
            .sum::<usize>()
            + all.matches(&format!("{unit}科技局")).count()
            + all.matches(&format!("{unit}委")).count()
    };
    let county_voice = selves("区") + selves("县") > selves("市");
    // A county of the chosen prefecture is what the article is about when it is
    // mentioned about as often, or when the text speaks as a district or county.
    if DIVISIONS[chosen].level == "prefecture" {
        let code = DIVISIONS[chosen].code.clone();
        if let Some(county) = counts
            .keys()
            .copied()
            .filter(|&i| DIVISIONS[i].parent.as_deref() == Some(code.as_str()))
            .max_by_key(|&i| score(i))
        {
            let n = score(county).0;
            if n >= 2 && (n * 2 >= chosen_count || county_voice) {
                chosen = county;
            }
        }
    }
    let d = &DIVISIONS[chosen];
    let slug = known
        .iter()
        .find(|(_, name, code)| code.as_deref() == Some(d.code.as_str()) || name == &d.name)
        .map(|(slug, _, _)| slug.clone())
        .unwrap_or_else(|| slug_of(short_name(&d.name)));
    Ok(Guess {
        slug,
        name: d.name.clone(),
        code: d.code.clone(),
        mentions: score(chosen).0,
    })
}

/// Lowercase pinyin of the Han characters of `s`, for file names and URLs.
pub fn slug_of(s: &str) -> String {
    s.to_pinyin()
        .flatten()
        .map(ascii_pinyin)
        .collect::<Vec<_>>()
        .join("")
}

/// Plain pinyin in ASCII: ü is written v, as on keyboards (绿 → lv).
fn ascii_pinyin(p: pinyin::Pinyin) -> String {
    p.plain().replace('ü', "v")
}

/// A short slug for an article title: the pinyin of its first Han characters, two
/// syllables a word (most Chinese words have two), at most four words.
pub fn title_slug(title: &str) -> String {
    let syllables: Vec<String> = title.to_pinyin().flatten().map(ascii_pinyin).collect();
    let words: Vec<String> = syllables.chunks(2).take(4).map(|w| w.concat()).collect();
    if words.is_empty() {
        "article".to_string()
    } else {
        words.join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line> {
        text.lines()
            .enumerate()
            .map(|(i, t)| Line {
                text: t.to_string(),
                raw: i + 1,
                heading: false,
            })
            .collect()
    }

    #[test]
    fn the_gazetteer_is_complete_enough() {
        assert!(DIVISIONS.len() > 3000);
        for (code, name) in [
            ("350100", "福州市"),
            ("620100", "兰州市"),
            ("330304", "瓯海区"),
            ("110105", "朝阳区"),
        ] {
            assert!(
                DIVISIONS.iter().any(|d| d.code == code && d.name == name),
                "{code} {name}"
            );
        }
        assert_eq!(short_name("瓯海区"), "瓯海");
        assert_eq!(short_name("恩施土家族苗族自治州"), "恩施");
        assert_eq!(short_name("新疆维吾尔自治区"), "新疆");
    }

    #[test]
    fn the_most_mentioned_city_or_its_county() {
        let g = infer(
            "福州:国家高新技术企业总量全省第一",
            &lines("福州市科技局……鼓楼怡山片区……福州新区。"),
            &[],
        )
        .unwrap();
        assert_eq!(
            (g.name.as_str(), g.code.as_str(), g.slug.as_str()),
            ("福州市", "350100", "fuzhou")
        );
        let g = infer(
            "区科技局工作总结",
            &lines("赋能瓯海产业。浙大温州研究院。瓯海区支持政策。瓯海生命健康小镇。"),
            &[],
        )
        .unwrap();
        assert_eq!(g.name, "瓯海区");
        let known = vec![(
            "ouhai".to_string(),
            "瓯海区".to_string(),
            Some("330304".to_string()),
        )];
        assert_eq!(
            infer("瓯海", &lines("瓯海 温州"), &known).unwrap().slug,
            "ouhai"
        );
        assert!(infer("标题", &lines("没有地名的文字。"), &[]).is_err());
    }

    #[test]
    fn slugs() {
        assert_eq!(
            title_slug("福州:国家高新技术企业总量全省第一"),
            "fuzhou-guojia-gaoxin-jishu"
        );
        assert_eq!(slug_of("瓯海"), "ouhai");
        assert_eq!(slug_of("绿春"), "lvchun");
        assert_eq!(title_slug("绿色发展"), "lvse-fazhan");
    }
}

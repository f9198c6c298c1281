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

use super::Line;
use crate::gazetteer::{DIVISIONS, short_name, slug_of};

/// The place an article is about, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub slug: String,
    pub name: String,
    pub code: String,
    pub mentions: usize,
}

/// Words that follow a place's short name and make it one: `福州市`, `瓯海高新区`,
/// `福州晚报`, `福州科技局`. A short name with none of them (`新兴` in `新兴产业`, `新平`
/// in `创新平台`) is only weak evidence.
const MARKERS: &[&str] = &[
    "市", "区", "县", "州", "省", "盟", "旗", "高新", "经开", "新区", "晚报", "日报", "科技",
    "人民", "地区", "片区", "园区", "全市", "全区", "全县",
];

/// How a prefecture-level text speaks of itself: a city, an autonomous prefecture
/// (州), a league (盟).
const CITY_VOICE: &[&str] = &[
    "全市",
    "我市",
    "本市",
    "市委",
    "市政府",
    "市科技局",
    "市科学技术局",
    "全州",
    "我州",
    "本州",
    "州委",
    "州政府",
    "州科技局",
    "全盟",
    "我盟",
    "本盟",
    "盟委",
    "盟行政公署",
    "盟科技局",
];

/// What follows a full name that shows it is not one (`合作市场`, `资源县域`).
const NOT_AFTER: &[(char, &[char])] = &[
    ('市', &['场', '民']),
    ('区', &['域', '块', '间']),
    ('县', &['域']),
];

/// The divisions a spelling names: (index in `DIVISIONS`, whether it is the full name).
type Owners = Vec<(usize, bool)>;

/// Infers the place from `title` and `lines`; `known` are the site's places
/// (slug, name, code), whose slug is used when the place is one of them.
///
/// A name counts fully when written out (`福州市`) or followed by a word that makes it a
/// place (`福州晚报`); a bare short name (`福州`) counts for a division only when the
/// text also names one of its ancestors, or the short name is long enough to be
/// unmistakable. Of the divisions left, the level the text speaks as (`全省`, `全市`,
/// `全区`/`全县`, a bureau of that level) decides; without such a voice, the most
/// mentioned city, or its county when that is mentioned about as often. Weak evidence
/// is an error ("place unknown"), never a guess.
pub fn infer(
    title: &str,
    lines: &[Line],
    context: &[String],
    known: &[(String, String, Option<String>)],
) -> Result<Guess, String> {
    // One pattern per spelling, with every division spelled so (full name or not).
    static MATCHER: LazyLock<(AhoCorasick, Vec<Owners>)> = LazyLock::new(|| {
        let mut spellings: Vec<String> = Vec::new();
        let mut owners: HashMap<String, Vec<(usize, bool)>> = HashMap::new();
        for (i, d) in DIVISIONS.iter().enumerate() {
            let short = short_name(&d.name);
            for (spelling, full) in [(d.name.as_str(), true), (short, false)] {
                if !full && short == d.name {
                    continue;
                }
                let entry = owners.entry(spelling.to_string()).or_default();
                if entry.is_empty() {
                    spellings.push(spelling.to_string());
                }
                entry.push((i, full));
            }
        }
        let owner = spellings.iter().map(|s| owners[s].clone()).collect();
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&spellings)
            .expect("gazetteer patterns");
        (ac, owner)
    });
    let (ac, owner) = &*MATCHER;
    // (strong, weak) mentions per division; a short name shared by several divisions
    // counts for each of them.
    let mut strong: HashMap<usize, usize> = HashMap::new();
    let mut weak: HashMap<usize, usize> = HashMap::new();
    // The title, the page's header and metadata (a bureau's name, a site's), the text.
    let texts: Vec<&str> = std::iter::once(title)
        .chain(context.iter().map(String::as_str))
        .chain(lines.iter().map(|l| l.text.as_str()))
        .collect();
    for (k, t) in texts.iter().enumerate() {
        let weight = if k == 0 { 3 } else { 1 };
        for m in ac.find_iter(t) {
            let matched = &t[m.start()..m.end()];
            let after = &t[m.end()..];
            let last = matched.chars().last().unwrap_or(' ');
            let next = after.chars().next().unwrap_or(' ');
            if NOT_AFTER
                .iter()
                .any(|(end, bad)| last == *end && bad.contains(&next))
            {
                continue;
            }
            // A voice word that is also a short name (`全州` of 全州县, "the whole
            // prefecture") is the voice unless written out.
            let voice = CITY_VOICE.contains(&matched);
            let spelled = &owner[m.pattern().as_usize()];
            for &(i, full) in spelled {
                // A short name a city shares with one of its counties (长沙 for 长沙市 and
                // 长沙县) is the city's: the county is written out.
                if !full
                    && spelled.iter().any(|&(j, f)| {
                        !f && DIVISIONS[i].parent.as_deref() == Some(DIVISIONS[j].code.as_str())
                    })
                {
                    continue;
                }
                // A full name of two characters (范县, 和县) is as weak as a short one:
                // `示范县` and `和县域` contain it.
                let full = full && DIVISIONS[i].name.chars().count() > 2;
                // A level after a short name (`新建省级研发中心`: "newly build a provincial
                // one") makes it a word of the sentence, not a place's name.
                let level = ["省级", "市级", "区级", "县级"]
                    .iter()
                    .any(|w| after.starts_with(w));
                let marked =
                    full || (!level && !voice && MARKERS.iter().any(|w| after.starts_with(w)));
                let slot = if marked { &mut strong } else { &mut weak };
                *slot.entry(i).or_default() += weight;
            }
        }
    }
    let by_code: HashMap<&str, usize> = DIVISIONS
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i))
        .collect();
    let ancestors = |i: usize| -> Vec<usize> {
        let mut out = Vec::new();
        let mut p = DIVISIONS[i].parent.as_deref();
        while let Some(code) = p {
            let Some(&j) = by_code.get(code) else { break };
            out.push(j);
            p = DIVISIONS[j].parent.as_deref();
        }
        out
    };
    let named =
        |i: usize| strong.get(&i).copied().unwrap_or(0) + weak.get(&i).copied().unwrap_or(0);
    // How the text refers to its own administration.
    let all: String = texts.concat();
    // Not a ranking against the level above ("居全省第一", "全市排名前列"): that names
    // the level the place is compared within, not the place.
    let said = |words: &[&str]| -> usize {
        words
            .iter()
            .map(|w| {
                all.match_indices(w)
                    .filter(|(at, _)| {
                        let before = &all[..*at];
                        let after = &all[at + w.len()..];
                        !["居", "列", "排名", "位居", "跃居", "位列", "排", "在"]
                            .iter()
                            .any(|b| before.ends_with(b))
                            && ![
                                "第",
                                "前",
                                "排名",
                                "首位",
                                "首",
                                "领先",
                                "前列",
                                "之首",
                                "排头兵",
                                "平均",
                            ]
                            .iter()
                            .any(|a| after.starts_with(a))
                    })
                    .count()
            })
            .sum()
    };
    let province_voice = said(&[
        "全省",
        "我省",
        "本省",
        "省委",
        "省政府",
        "省科技厅",
        "自治区",
    ]);
    // A prefecture speaks as a 市, an autonomous prefecture as a 州 and a league as a
    // 盟; a banner (旗) as a county.
    let city_voice = said(CITY_VOICE);
    let county_voice = said(&[
        "全区",
        "我区",
        "本区",
        "区委",
        "区政府",
        "区科技局",
        "全县",
        "我县",
        "本县",
        "县委",
        "县政府",
        "县科技局",
        "全旗",
        "我旗",
        "本旗",
        "旗委",
        "旗政府",
        "旗科技局",
    ]);
    // A county's short name needs more than the voice: many are ordinary words
    // (新兴, 资源, 和平) in a county's own report.
    let speaks_as = |i: usize| match DIVISIONS[i].level.as_str() {
        "province" => province_voice > 0 || (DIVISIONS[i].name.ends_with('市') && city_voice > 0),
        "prefecture" => city_voice > 0,
        _ => false,
    };
    let eligible = |i: usize| {
        let s = strong.get(&i).copied().unwrap_or(0);
        let w = weak.get(&i).copied().unwrap_or(0);
        let unmistakable = short_name(&DIVISIONS[i].name).chars().count() >= 3;
        s >= 1
            || (w >= 1
                && (unmistakable || speaks_as(i) || ancestors(i).iter().any(|&a| named(a) > 0)))
    };
    let mut candidates: Vec<usize> = strong
        .keys()
        .chain(weak.keys())
        .copied()
        .filter(|&i| eligible(i))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    // Ancestors the text supports lend their weight: of two 鼓楼区, the one of the city
    // the text also names.
    let score = |i: usize| {
        let own = 3 * strong.get(&i).copied().unwrap_or(0) + weak.get(&i).copied().unwrap_or(0);
        let support: usize = ancestors(i).iter().map(|&a| named(a)).sum();
        (own, support)
    };
    let best_of = |levels: &[&str]| {
        candidates
            .iter()
            .copied()
            .filter(|&i| levels.contains(&DIVISIONS[i].level.as_str()))
            .max_by_key(|&i| (score(i), std::cmp::Reverse(DIVISIONS[i].code.clone())))
    };
    let municipality =
        |i: usize| DIVISIONS[i].level == "province" && DIVISIONS[i].name.ends_with('市');
    let autonomous =
        |i: usize| DIVISIONS[i].level == "province" && DIVISIONS[i].name.ends_with("自治区");
    let province = best_of(&["province"]);
    let prefecture = best_of(&["prefecture"]).or_else(|| province.filter(|&p| municipality(p)));
    // The province, when the text speaks as one and names it at least as often as any
    // of its cities (a city's story quotes the province's bureau too).
    let province_leads =
        province.is_some_and(|p| prefecture.is_none_or(|c| score(p).0 >= score(c).0));
    let chosen = if province.is_some_and(autonomous)
        && province_leads
        && county_voice + province_voice > city_voice
    {
        // 广西 says 全区 of itself.
        province
    } else if province_voice > city_voice.max(county_voice) && province_leads {
        province
    } else if county_voice > city_voice {
        // A district's or county's own report: the county the text names, or nobody.
        let of_city = |c: usize| {
            prefecture
                .is_none_or(|p| DIVISIONS[c].parent.as_deref() == Some(DIVISIONS[p].code.as_str()))
        };
        candidates
            .iter()
            .copied()
            .filter(|&i| DIVISIONS[i].level == "county" && of_city(i))
            .max_by_key(|&i| score(i))
    } else {
        match prefecture {
            Some(p) => {
                // A county of the city mentioned about as often is what it is about.
                let code = DIVISIONS[p].code.clone();
                let county = candidates
                    .iter()
                    .copied()
                    .filter(|&i| DIVISIONS[i].parent.as_deref() == Some(code.as_str()))
                    .max_by_key(|&i| score(i));
                let named_twice = |c: usize| named(c) >= 2;
                match county {
                    Some(c) if named_twice(c) && score(c).0 * 2 >= score(p).0 => Some(c),
                    _ => Some(p),
                }
            }
            None => best_of(&["county"]).or(province),
        }
        // A county written out far more often than any city (a district's report that
        // mentions a university of the provincial capital).
        .map(|p| {
            let county =
                best_of(&["county"]).filter(|&c| strong.get(&c).copied().unwrap_or(0) >= 2);
            match county {
                Some(c)
                    if DIVISIONS[p].level != "county" && score(c).0 >= 2 * score(p).0.max(1) =>
                {
                    c
                }
                _ => p,
            }
        })
    };
    // Three or more counties of one city, none named far more than the others (a table
    // by county, a round-up of a city's districts): the city is what it is about.
    let chosen = chosen.map(|c| {
        let parent = DIVISIONS[c].parent.as_deref();
        let mut siblings: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| DIVISIONS[i].level == "county" && DIVISIONS[i].parent.as_deref() == parent)
            .map(named)
            .collect();
        siblings.sort_unstable_by(|a, b| b.cmp(a));
        let even = siblings.len() >= 3 && siblings[0] < 2 * siblings[1];
        match parent.and_then(|p| by_code.get(p)) {
            Some(&p)
                if DIVISIONS[c].level == "county" && even && DIVISIONS[p].level == "prefecture" =>
            {
                p
            }
            _ => c,
        }
    });
    let Some(chosen) = chosen else {
        return Err(if candidates.is_empty() {
            "place unknown: the text names no Chinese province, city or county (a short name inside a word, such as 新平 in 创新平台, does not count)".to_string()
        } else {
            "place unknown: the text speaks as a district or county but names none".to_string()
        });
    };
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
        mentions: named(chosen),
    })
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
                block: super::super::Block::Para,
            })
            .collect()
    }

    #[test]
    fn the_most_mentioned_city_or_its_county() {
        let g = infer(
            "福州:国家高新技术企业总量全省第一",
            &lines("福州市科技局……鼓楼怡山片区……福州新区。"),
            &[],
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
            infer("瓯海", &lines("瓯海 温州"), &[], &known)
                .unwrap()
                .slug,
            "ouhai"
        );
        assert!(infer("标题", &lines("没有地名的文字。"), &[], &[]).is_err());
    }

    #[test]
    fn autonomous_prefectures_leagues_and_banners_speak_as_themselves() {
        let name = |title: &str, text: &str| infer(title, &lines(text), &[], &[]).map(|g| g.name);
        // `全州` is the whole prefecture, not 全州县: the prefecture written short wins.
        assert_eq!(
            name(
                "科技创新工作综述",
                "全州高新技术企业达到86家,全州科技型中小企业入库210家,全州高新区建设加快。黔南州研发投入持续增长。"
            )
            .unwrap(),
            "黔南布依族苗族自治州"
        );
        // Negative: 全州县 written out, with its city, is that county.
        assert_eq!(
            name(
                "全州县科技工作总结",
                "全州县新增高新技术企业5家,桂林市科技局指导全州县建设创新平台。全县科技工作稳步推进。"
            )
            .unwrap(),
            "全州县"
        );
        // 凉山州 is 凉山彝族自治州 written short, though its capital's companies (西昌…)
        // are named too.
        assert_eq!(
            name(
                "科技创新新闻发布会",
                "凉山州政府副州长介绍,凉山州已建成省级高新区,全州科技型企业达349家。西昌卫星发射中心、西昌钢钒公司等一批企业走向世界。"
            )
            .unwrap(),
            "凉山彝族自治州"
        );
        // A table by county names the city's counties alike: the city.
        assert_eq!(
            name(
                "分县区科技事业基本情况",
                "单位 吴兴区 南浔区 德清县 长兴县 安吉县\n高新技术企业 290 95 43 50 60 42"
            )
            .unwrap(),
            "湖州市"
        );
        // Negative: one county named more than its neighbours is that county.
        assert_eq!(
            name(
                "德清县科技工作",
                "德清县新增高新技术企业50家,德清县科技局表示,与吴兴区、南浔区合作,德清县将继续推进。"
            )
            .unwrap(),
            "德清县"
        );
        // A league speaks as a prefecture; a banner's report as a county.
        assert_eq!(
            name(
                "阿拉善盟科技工作",
                "全盟新增高新技术企业9家,盟科技局组织阿拉善盟企业申报项目。"
            )
            .unwrap(),
            "阿拉善盟"
        );
        assert_eq!(
            name(
                "阿拉善左旗科技局工作总结",
                "全旗新增科技型中小企业12家,阿拉善左旗科技工作稳步推进,旗委重视创新。阿拉善盟科技局给予支持。"
            )
            .unwrap(),
            "阿拉善左旗"
        );
    }
}

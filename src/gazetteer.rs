//! The gazetteer: China's provinces, prefectures and county-level divisions with
//! their codes (`data/divisions.csv`, compiled in), their names without the
//! administrative suffix, and the pinyin slugs places and articles are filed under.
//! `clean` infers an article's place from it and `new place` starts a place file.

use std::sync::LazyLock;

use pinyin::ToPinyin;

/// One row of the gazetteer.
#[derive(Debug, Clone)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent: Option<String>,
    /// The province's and (for a county) the prefecture's name.
    pub province: String,
    pub prefecture: String,
}

const CSV: &str = include_str!("../data/divisions.csv");

pub static DIVISIONS: LazyLock<Vec<Division>> = LazyLock::new(|| {
    let mut r = csv::Reader::from_reader(CSV.as_bytes());
    r.records()
        .filter_map(Result::ok)
        .map(|rec| Division {
            code: rec[0].to_string(),
            name: rec[1].to_string(),
            level: rec[2].to_string(),
            parent: (!rec[3].is_empty()).then(|| rec[3].to_string()),
            province: rec.get(4).unwrap_or_default().to_string(),
            prefecture: rec.get(5).unwrap_or_default().to_string(),
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
    // An ethnic-group qualifier follows the place name ("恩施土家族苗族", "凉山彝族"):
    // keep the first two characters, the usual short form (恩施, 延边, 凉山, 临夏).
    if s.contains('族') && s.chars().count() >= 4 {
        if let Some((i, _)) = s.char_indices().nth(2) {
            s = &s[..i];
        }
    }
    if s.chars().count() >= 2 { s } else { name }
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
        // One ethnic group after a two-character name: 凉山州, 临夏州 as people write them.
        assert_eq!(short_name("凉山彝族自治州"), "凉山");
        assert_eq!(short_name("临夏回族自治州"), "临夏");
        // Negative: a name of three characters keeps them (东乡族自治县 is 东乡族).
        assert_eq!(short_name("东乡族自治县"), "东乡族");
        assert_eq!(short_name("新疆维吾尔自治区"), "新疆");
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

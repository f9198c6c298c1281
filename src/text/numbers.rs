//! The numbers a Chinese sentence states, with their units, bounds and ranges.
//!
//! "力争2023年高新技术企业突破4000家" states 2023 (a year) and 4000 (家, a lower bound);
//! "1.57万家" is 15700 家; "2600万元" is 0.26 亿元; "4—5个" is a range; "两个" is 2;
//! "第32期" is an ordinal, not a figure. The checker compares a curated value with these
//! mentions, in the unit of the figure's indicator.
//!
//! Input is expected in normal form ([`super::normalize`]): ASCII digits and
//! punctuation, no whitespace.
//!
//! One job, reading the numbers of a sentence; a fifth of it is tests.

use std::ops::Range;

/// A number as the text states it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// The number as written, before any magnitude word (1.57 in "1.57万家").
    pub value: f64,
    /// The upper end of a range ("4—5个" → 5).
    pub hi: Option<f64>,
    /// 万 = 1e4, 亿 = 1e8, … ; 1 when there is none.
    pub magnitude: f64,
    /// Up to a few characters after the number and magnitude: where the unit is.
    pub rest: String,
    /// A bound word next to the number: "突破", "以上", "近", "余", …
    pub bound: Option<&'static str>,
    /// "第32期": an ordinal, never a figure.
    pub ordinal: bool,
    /// Written in digits; "两个", "十六条" are not (and may be part of a name: 三元区).
    pub arabic: bool,
    /// Byte range of the whole mention (bound words excluded) in the input.
    pub span: Range<usize>,
}

impl Mention {
    /// A four-digit whole number followed by 年: a year, not a count.
    pub fn year(&self) -> Option<i32> {
        (self.magnitude == 1.0
            && self.value.fract() == 0.0
            && (1900.0..=2100.0).contains(&self.value)
            && self.rest.starts_with('年')
            && !self.rest.starts_with("年间"))
        .then_some(self.value as i32)
    }

    /// The value (and range end) in `unit`, if the mention is in that unit.
    /// Whether the mention states a number in `unit` (not a bare number, which could
    /// be anything): what the words before it can be read for.
    pub fn states_unit(&self, unit: &Unit) -> bool {
        if self.in_unit(unit).is_none() {
            return false;
        }
        if unit.base == "%" {
            return self.rest.starts_with('%');
        }
        unit.words.iter().any(|w| self.rest.starts_with(w.as_str()))
            || self.magnitude != 1.0 && unit.magnitude != 1.0 && !starts_with_unit(&self.rest)
    }

    pub fn in_unit(&self, unit: &Unit) -> Option<(f64, Option<f64>)> {
        if self.ordinal || self.year().is_some() && unit.base != "年" {
            return None;
        }
        // 人 does not state 人次 (a count of attendances, not of people).
        let stated_base = unit.words.iter().any(|w| {
            self.rest.starts_with(w.as_str()) && (w == "人次" || !self.rest.starts_with("人次"))
        });
        // "总投资额90亿": a magnitude with the base unit left out still reads as money.
        let implied_base = self.magnitude != 1.0 && !starts_with_unit(&self.rest);
        // A bare number (followed by punctuation or nothing) may be in any unit.
        let bare = self.magnitude == 1.0
            && !starts_with_unit(&self.rest)
            && !self.rest.starts_with(['月', '日', '年']);
        if !(stated_base || implied_base || bare) {
            return None;
        }
        let scale = self.magnitude / unit.magnitude;
        Some((self.value * scale, self.hi.map(|h| h * scale)))
    }
}

/// The measure words that count the same things as `base`, by default: Chinese
/// counts enterprises in 家, 户 and 个 alike, people in 人, 名 and 位, projects in 项
/// and 个. An indicator can name its own (`unit_words:` in `indicators.yaml`).
pub fn default_words(base: &str) -> Vec<String> {
    let family: &[&str] = match base {
        "家" | "户" => &["家", "户", "个", "所"],
        "个" => &["个", "家", "户", "所"],
        "所" => &["所", "家", "个"],
        "人" | "名" | "位" => &["人", "名", "位"],
        "项" => &["项", "个", "件"],
        "件" => &["件", "项"],
        "笔" => &["笔", "项"],
        "场" | "次" => &["场", "次", "期"],
        "期" => &["期", "场", "次"],
        other => return vec![other.to_string()],
    };
    let mut words: Vec<String> = vec![base.to_string()];
    words.extend(family.iter().filter(|w| **w != base).map(|w| w.to_string()));
    words
}

/// An indicator's unit split into magnitude and base (亿元 → 1e8, 元), and the
/// measure words that state it (the base first).
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub magnitude: f64,
    pub base: String,
    pub words: Vec<String>,
}

impl Unit {
    /// The unit of an indicator: its `unit`, stated in its `unit_words` (or the
    /// default family of its base when it lists none).
    pub fn with_words(unit: &str, unit_words: &[String]) -> Unit {
        let mut u = Unit::parse(unit);
        if !unit_words.is_empty() {
            u.words = unit_words.to_vec();
            if !u.words.contains(&u.base) {
                u.words.insert(0, u.base.clone());
            }
        }
        u
    }

    pub fn parse(unit: &str) -> Unit {
        let unit = super::normalize(unit);
        let mut magnitude = 1.0;
        let mut base = unit.as_str();
        while let Some(c) = base.chars().next() {
            match magnitude_of(c) {
                Some(m) if base.chars().count() > 1 => {
                    magnitude *= m;
                    base = &base[c.len_utf8()..];
                }
                _ => break,
            }
        }
        Unit {
            magnitude,
            words: default_words(base),
            base: base.to_string(),
        }
    }
}

fn magnitude_of(c: char) -> Option<f64> {
    match c {
        '十' => Some(10.0),
        '百' => Some(100.0),
        '千' => Some(1e3),
        '万' => Some(1e4),
        '亿' => Some(1e8),
        _ => None,
    }
}

/// Where a mention's unit ends in `text`: `14个` → after 个, `66.6%` → after %. The
/// lists `check` and `extract` read (`14个、41个`) are joined after it.
pub fn unit_end(text: &str, m: &Mention) -> usize {
    m.span.end
        + text[m.span.end..]
            .chars()
            .take_while(|c| is_unit_char(*c) || *c == '%')
            .map(char::len_utf8)
            .sum::<usize>()
}

/// Measure words and units that can follow a number. A number followed by none of
/// them is "bare".
pub fn is_unit_char(c: char) -> bool {
    // A match, not `UNIT_CHARS.contains`: this runs for every number of every quote.
    matches!(
        c,
        '家' | '个'
            | '名'
            | '项'
            | '人'
            | '场'
            | '件'
            | '条'
            | '次'
            | '笔'
            | '间'
            | '所'
            | '座'
            | '台'
            | '套'
            | '批'
            | '期'
            | '年'
            | '月'
            | '日'
            | '天'
            | '元'
            | '米'
            | '亩'
            | '吨'
            | '户'
            | '位'
            | '支'
            | '款'
            | '种'
            | '只'
            | '部'
            | '册'
            | '份'
            | '张'
            | '栋'
            | '层'
            | '届'
            | '类'
            | '%'
    )
}

pub fn starts_with_unit(rest: &str) -> bool {
    rest.chars().next().is_some_and(is_unit_char)
        || ["平方", "公里", "公顷", "千克", "人次"]
            .iter()
            .any(|u| rest.starts_with(u))
}

const BOUND_BEFORE: &[&str] = &[
    "不低于",
    "不少于",
    "不超过",
    "不到",
    "不足",
    "超过",
    "突破",
    "至少",
    "最多",
    "接近",
    "将近",
    "大约",
    "多于",
    "少于",
    "高于",
    "低于",
    "约",
    "近",
    "超",
    "逾",
];
const BOUND_AFTER: &[&str] = &["以上", "以下", "以内", "左右", "上下"];

fn chinese_digit(c: char) -> Option<u32> {
    match c {
        '零' | '〇' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

fn is_chinese_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || matches!(c, '十' | '百' | '千')
}

/// Value of a Chinese numeral without 万/亿: 十六 → 16, 四百二十三 → 423, 两 → 2.
fn chinese_value(s: &[char]) -> Option<f64> {
    let mut total = 0u32;
    let mut digit: Option<u32> = None;
    for &c in s {
        if let Some(d) = chinese_digit(c) {
            if digit.is_some() && d != 0 {
                return None; // "二三" is not a number
            }
            digit = Some(d);
        } else {
            let unit = match c {
                '十' => 10,
                '百' => 100,
                '千' => 1000,
                _ => return None,
            };
            total += digit.unwrap_or(1) * unit;
            digit = None;
        }
    }
    total += digit.unwrap_or(0);
    Some(f64::from(total))
}

/// Every number `text` states, in order.
pub fn mentions(text: &str) -> Vec<Mention> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let Some((value, next, arabic)) = number_at(&chars, i) else {
            i += 1;
            continue;
        };
        let mut j = next;
        // A range: "4—5个", "1-2家", "80至120项".
        let mut hi = None;
        if let Some(&(_, c)) = chars.get(j) {
            if matches!(c, '-' | '—' | '–' | '~' | '～' | '至') {
                let mut k = j + 1;
                while chars.get(k).is_some_and(|c| c.1 == '—') {
                    k += 1;
                }
                if let Some((v, after, a2)) = number_at(&chars, k) {
                    if a2 == arabic && chars.get(k).is_none_or(|c| c.1 != '-') {
                        hi = Some(v);
                        j = after;
                    }
                }
            }
        }
        let mut bound: Option<&'static str> = None;
        let approx_suffix = |j: &mut usize, bound: &mut Option<&'static str>| {
            if let Some(&(_, c)) = chars.get(*j) {
                if c == '余' || c == '多' {
                    *bound = Some(if c == '余' { "余" } else { "多" });
                    *j += 1;
                }
            }
        };
        approx_suffix(&mut j, &mut bound);
        let mut magnitude = 1.0;
        while let Some(m) = chars.get(j).and_then(|c| magnitude_of(c.1)) {
            // 十/百/千 after Arabic digits are magnitudes ("1.5万"); a lone 十 after a
            // Chinese numeral was already consumed as part of it.
            magnitude *= m;
            j += 1;
        }
        approx_suffix(&mut j, &mut bound);
        let rest: String = chars[j..]
            .iter()
            .take(6)
            .map(|c| c.1)
            .take_while(|c| !"，,。;；:：、)）(（".contains(*c))
            .collect();
        let end = j;
        // Chinese numerals only count when a measure word follows ("两个", "十六条"),
        // so that 一是 or 一流 are not numbers.
        if !arabic && !starts_with_unit(&rest) {
            i = next.max(i + 1);
            continue;
        }
        let before: String = chars[..start]
            .iter()
            .rev()
            .take(4)
            .map(|c| c.1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let ordinal = before.ends_with('第');
        if bound.is_none() {
            bound = BOUND_BEFORE.iter().copied().find(|w| before.ends_with(w));
        }
        if let Some(w) = BOUND_AFTER.iter().copied().find(|w| {
            // 以上 follows the unit: "1500家以上".
            let unit_len = rest.chars().take_while(|c| is_unit_char(*c)).count();
            rest.chars()
                .skip(unit_len)
                .collect::<String>()
                .starts_with(w)
        }) {
            bound = Some(w);
        }
        out.push(Mention {
            value,
            hi,
            magnitude,
            rest,
            bound,
            ordinal,
            arabic,
            span: byte(start)..byte(end),
        });
        i = end.max(i + 1);
    }
    out
}

/// A number starting at `i`: (value, index after it, is Arabic).
fn number_at(chars: &[(usize, char)], i: usize) -> Option<(f64, usize, bool)> {
    let c = chars.get(i)?.1;
    let prev = i.checked_sub(1).and_then(|p| chars.get(p)).map(|c| c.1);
    // A minus sign, not the dash of a range or a date ("2022-2025", "1-2家").
    let negative = matches!(c, '-' | '−')
        && chars.get(i + 1).is_some_and(|c| c.1.is_ascii_digit())
        && !prev.is_some_and(|p| p.is_ascii_digit() || p.is_alphanumeric() && !is_cjk_word(p));
    if c.is_ascii_digit() || negative {
        if prev.is_some_and(|p| p.is_ascii_digit() || p == '.') {
            return None;
        }
        let mut j = if negative { i + 1 } else { i };
        let mut s = String::new();
        if negative {
            s.push('-');
        }
        while let Some(&(_, d)) = chars.get(j) {
            if d.is_ascii_digit() {
                s.push(d);
                j += 1;
            } else if d == ','
                && chars
                    .get(j + 1..j + 4)
                    .is_some_and(|g| g.iter().all(|c| c.1.is_ascii_digit()))
                && !chars.get(j + 4).is_some_and(|c| c.1.is_ascii_digit())
            {
                j += 1; // thousands separator: "3,759"
            } else if d == '.'
                && chars.get(j + 1).is_some_and(|c| c.1.is_ascii_digit())
                && !s.contains('.')
            {
                s.push('.');
                j += 1;
            } else {
                break;
            }
        }
        return s.parse().ok().map(|v| (v, j, true));
    }
    // "突破万亿元": 万亿 with no numeral before it is one 万亿 (the magnitudes are read
    // by the caller, from `i`).
    if c == '万'
        && chars.get(i + 1).is_some_and(|c| c.1 == '亿')
        && !prev.is_some_and(|p| is_chinese_numeral(p) || p.is_ascii_digit() || p == '.')
    {
        return Some((1.0, i, false));
    }
    if is_chinese_numeral(c) && !prev.is_some_and(is_chinese_numeral) {
        let mut j = i;
        while chars.get(j).is_some_and(|c| is_chinese_numeral(c.1)) {
            j += 1;
        }
        let run: Vec<char> = chars[i..j].iter().map(|c| c.1).collect();
        return chinese_value(&run).map(|v| (v, j, false));
    }
    None
}

/// A CJK character before a minus sign still allows a negative number ("的-5.7%").
fn is_cjk_word(c: char) -> bool {
    super::is_cjk(c)
}

/// Years the text states, split into those it compares with ("较2021年", "比2020年",
/// "同比") and the others.
pub fn years(text: &str) -> (Vec<i32>, Vec<i32>) {
    let mut stated = Vec::new();
    let mut compared = Vec::new();
    for m in mentions(text) {
        if let Some((comparison, ys)) = year_mention(text, &m) {
            if comparison {
                compared.extend(ys);
            } else {
                stated.extend(ys);
            }
        }
    }
    (stated, compared)
}

/// The year (and the end year of a range) a mention of `text` states, and whether it
/// is a comparison ("较2021年", "与2021年相比") rather than the time of the figure.
pub fn year_mention(text: &str, m: &Mention) -> Option<(bool, Vec<i32>)> {
    let y = m.year()?;
    let before = &text[..m.span.start];
    let comparison = ["较", "比", "相比", "对比", "与", "同比"]
        .iter()
        .any(|w| before.ends_with(w))
        || m.rest.starts_with("年相比")
        || m.rest.starts_with("年同期");
    let mut ys = vec![y];
    if let Some(hi) = m.hi {
        ys.push(hi as i32);
    }
    Some((comparison, ys))
}

/// Months stated as "N月", as numbers 1–12; a range "1—9月" states both ends.
pub fn months(text: &str) -> Vec<u8> {
    mentions(text)
        .into_iter()
        .filter(|m| m.rest.starts_with('月') && m.magnitude == 1.0 && m.value.fract() == 0.0)
        .flat_map(|m| [Some(m.value), m.hi].into_iter().flatten())
        .filter_map(|v| u8::try_from(v as i64).ok())
        .filter(|m| (1..=12).contains(m))
        .collect()
}

/// Bound words and the bounds a figure may carry for them.
pub fn bounds_for(word: &str) -> &'static [&'static str] {
    match word {
        "超过" | "突破" | "超" | "逾" | "多于" | "高于" => &[">", ">="],
        "以上" | "不低于" | "不少于" | "至少" => &[">=", ">"],
        "近" | "约" | "大约" | "左右" | "上下" | "接近" | "将近" => &["~", "<"],
        "余" | "多" => &["~", ">"],
        "不到" | "不足" | "低于" | "少于" => &["<", "<="],
        "以下" | "以内" | "不超过" | "最多" => &["<=", "<"],
        _ => &[],
    }
}

/// Equal up to floating-point noise.
pub fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Vec<(f64, Option<f64>, f64, String)> {
        mentions(text)
            .into_iter()
            .map(|m| (m.value, m.hi, m.magnitude, m.rest.chars().take(1).collect()))
            .collect()
    }

    fn in_unit(text: &str, unit: &str) -> Vec<f64> {
        let u = Unit::parse(unit);
        mentions(text)
            .iter()
            .filter_map(|m| m.in_unit(&u))
            .map(|v| v.0)
            .collect()
    }

    #[test]
    fn plain_counts_money_and_percentages() {
        assert_eq!(in_unit("国家高新技术企业总量达3759家", "家"), vec![3759.0]);
        assert_eq!(in_unit("企业数为3,759家", "家"), vec![3759.0]);
        assert_eq!(in_unit("全社会R&D支出257.4亿元", "亿元"), vec![257.4]);
        assert_eq!(in_unit("R&D投入强度2.27%", "%"), vec![2.27]);
        assert_eq!(
            in_unit("增速从2月的-5.7%提升到5月的3.6%", "%"),
            vec![-5.7, 3.6]
        );
    }

    #[test]
    fn magnitudes_are_scaled_to_the_indicator_unit() {
        assert_eq!(in_unit("科技型中小企业1.57万家", "家"), vec![15700.0]);
        assert_eq!(
            in_unit("新增孵化面积18.32万平方米", "万平方米"),
            vec![18.32]
        );
        let v = in_unit("获得省级协同创新专项资金1700万元", "亿元");
        assert!(same(v[0], 0.17), "{v:?}");
        assert!(same(in_unit("支持经费2600万元", "亿元")[0], 0.26));
        assert_eq!(in_unit("总投资额90亿", "亿元"), vec![90.0]);
        // 万平方米 is an area, not an amount in a count's unit.
        assert!(in_unit("载体面积330.2万平方米", "个").is_empty());
    }

    #[test]
    fn ranges_bounds_and_chinese_numerals() {
        assert_eq!(
            n("引进4—5个平台")[0].0..n("引进4—5个平台")[0].1.unwrap(),
            4.0..5.0
        );
        assert_eq!(n("力争新建1-2家")[0].1, Some(2.0));
        let m = &mentions("挖掘梳理超过1700家企业")[0];
        assert_eq!((m.value, m.bound), (1700.0, Some("超过")));
        assert_eq!(
            mentions("入库科技型中小企业1500家以上")[0].bound,
            Some("以上")
        );
        assert_eq!(mentions("1200余家企业")[0].bound, Some("余"));
        assert_eq!(
            mentions("力争2023年高新技术企业突破4000家")[1].bound,
            Some("突破")
        );
        assert_eq!(mentions("近2000万")[0].bound, Some("近"));
        assert_eq!(in_unit("组织开展推介活动六场", "场"), vec![6.0]);
        assert_eq!(in_unit("围绕十六条产业链", "条"), vec![16.0]);
        assert_eq!(in_unit("两个发展阶段", "个"), vec![2.0]);
        assert_eq!(in_unit("查办案件四百二十三件", "件"), vec![423.0]);
    }

    #[test]
    fn a_year_is_not_a_count_and_an_ordinal_is_not_a_figure() {
        assert!(in_unit("2021年达到681家", "家") == vec![681.0]);
        assert!(in_unit("专栏今天推出第32期", "期").is_empty());
        assert!(in_unit("一是实施高新技术企业倍增计划", "个").is_empty());
        assert!(in_unit("建设一流大学城", "家").is_empty());
        assert!(in_unit("2022年", "家").is_empty());
        // A bare number, with no unit after it, may be in any unit.
        assert_eq!(in_unit("总量为3759,居全省第一", "家"), vec![3759.0]);
        // But a number in another unit is not this indicator's.
        assert!(in_unit("创新创业载体面积119平方米", "家").is_empty());
        assert!(in_unit("申请发明专利119件", "家").is_empty());
        // People are people, whether counted in 名 or 人; 人次 are visits.
        assert_eq!(in_unit("选认省市级科技特派员500人以上", "名"), vec![500.0]);
        assert!(in_unit("培训1.5万人次以上", "名").is_empty());
    }

    #[test]
    fn measure_words_of_a_family_and_a_bare_trillion() {
        assert_eq!(in_unit("全县高新技术企业47户", "家"), vec![47.0]);
        assert_eq!(in_unit("市级及以上科技企业孵化器35个", "家"), vec![35.0]);
        assert_eq!(in_unit("争取省科技项目41项", "笔"), vec![41.0]);
        assert_eq!(in_unit("培训1.5万人次", "人"), Vec::<f64>::new());
        assert_eq!(in_unit("高新区工业总产值突破万亿元", "亿元"), vec![10000.0]);
        assert_eq!(in_unit("打造万亿级产业集群", "亿元"), Vec::<f64>::new());
    }

    #[test]
    fn years_and_comparisons() {
        assert_eq!(
            years("2022年,福州市共有1572家企业通过认定,较2021年净增964家"),
            (vec![2022], vec![2021])
        );
        assert_eq!(years("自2008年首次认定87家"), (vec![2008], vec![]));
        assert_eq!(years("倍增工作方案(2022-2025年)").0, vec![2022, 2025]);
        assert_eq!(months("从2月的3.3%提升到5月的3.57%"), vec![2, 5]);
    }
}

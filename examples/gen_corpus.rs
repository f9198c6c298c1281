//! A synthetic site at the scale indicity is built for: real places from the gazetteer,
//! ~15 indicators with ~15 years each, and articles whose sentences state every figure,
//! so `check` runs every real rule on the whole corpus.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --places 3000 --articles 30000 --out /tmp/corpus
//! ```
//! Deterministic: the same arguments give the same bytes (a fixed-seed xorshift, sorted
//! iteration, no clocks). Templates and static files are copied from this repository.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use indicity::gazetteer::{DIVISIONS, short_name, slug_of};

/// (id, name, unit, typical size, yearly growth)
const INDICATORS: [(&str, &str, &str, f64, f64); 15] = [
    (
        "high_tech_enterprises",
        "国家高新技术企业数",
        "家",
        300.0,
        0.15,
    ),
    ("tech_smes", "科技型中小企业数", "家", 500.0, 0.18),
    ("rd_spending", "全社会研发经费支出", "亿元", 40.0, 0.12),
    ("rd_intensity", "研发投入强度", "%", 1.8, 0.03),
    (
        "tech_contract_turnover",
        "技术合同成交额",
        "亿元",
        15.0,
        0.2,
    ),
    ("makerspaces", "众创空间数", "家", 20.0, 0.1),
    ("incubators", "科技企业孵化器数", "家", 8.0, 0.08),
    ("little_giants", "科技小巨人企业数", "家", 60.0, 0.12),
    ("invention_patents", "发明专利授权量", "件", 800.0, 0.14),
    ("sci_tech_commissioners", "科技特派员数", "名", 120.0, 0.06),
    ("new_rd_institutions", "新型研发机构数", "家", 6.0, 0.1),
    ("high_tech_output", "高新技术产业产值", "亿元", 300.0, 0.1),
    ("talent_projects", "高层次人才项目数", "项", 25.0, 0.09),
    ("key_labs", "重点实验室数", "个", 10.0, 0.07),
    ("incubation_area", "孵化载体面积", "万平方米", 30.0, 0.11),
];

const FIRST_YEAR: i32 = 2009;
const YEARS: i32 = 15;

/// xorshift64*: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const FILLER: &[&str] = &[
    "会议强调，要深入实施创新驱动发展战略，加快构建以企业为主体、市场为导向、产学研深度融合的技术创新体系。",
    "下一步，当地将持续优化创新生态，强化企业科技创新主体地位，推动科技成果转化和产业化。",
    "据介绍，近年来当地不断完善科技政策体系，加大财政科技投入，引导企业加大研发投入力度。",
    "与会人员表示，要以更大力度推进科技体制改革，激发各类创新主体活力，营造良好的创新环境。",
    "当地还积极搭建产学研合作平台，推动高校、科研院所与企业开展联合攻关，解决关键核心技术难题。",
    "同时，加强科技人才队伍建设，实施人才引进计划，为高质量发展提供有力的人才支撑。",
    "在金融支持方面，当地推出科技信贷产品，扩大科技型企业受惠面，缓解企业融资难题。",
    "据了解，当地将继续实施高新技术企业倍增计划，强化分类施策和靶向服务，推动企业做大做强。",
];

fn value(base: f64, growth: f64, year: i32, jitter: f64, unit: &str) -> f64 {
    let v = base * (1.0 + growth).powi(year - FIRST_YEAR) * (0.6 + 0.8 * jitter);
    match unit {
        "%" => (v * 100.0).round() / 100.0,
        "亿元" | "万平方米" => (v * 10.0).round() / 10.0,
        _ => v.round().max(1.0),
    }
}

fn fmt(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

struct Place {
    slug: String,
    name: String,
    short: String,
    name_en: String,
    province: String,
    level: &'static str,
    parent: Option<String>,
    code: String,
}

fn places(n: usize) -> Vec<Place> {
    let by_code: std::collections::HashMap<&str, &indicity::gazetteer::Division> =
        DIVISIONS.iter().map(|d| (d.code.as_str(), d)).collect();
    // Counties first (most of the places), then prefectures, in code order.
    let mut chosen: Vec<_> = DIVISIONS.iter().filter(|d| d.level == "county").collect();
    chosen.extend(DIVISIONS.iter().filter(|d| d.level == "prefecture"));
    chosen.truncate(n);
    chosen
        .into_iter()
        .map(|d| {
            let province = {
                let mut p = d;
                while let Some(parent) = p.parent.as_deref().and_then(|c| by_code.get(c)) {
                    p = parent;
                }
                p.name.clone()
            };
            let parent = d
                .parent
                .as_deref()
                .and_then(|c| by_code.get(c))
                .filter(|p| p.level == "prefecture")
                .map(|p| p.name.clone());
            let short = short_name(&d.name).to_string();
            let pinyin = slug_of(&short);
            let mut en: Vec<char> = pinyin.chars().collect();
            if let Some(c) = en.first_mut() {
                *c = c.to_ascii_uppercase();
            }
            Place {
                slug: format!("{pinyin}-{}", d.code),
                name: d.name.clone(),
                short,
                name_en: en.into_iter().collect(),
                province,
                level: if d.level == "county" {
                    if d.name.ends_with('区') {
                        "district"
                    } else if d.name.ends_with('市') {
                        "county-level-city"
                    } else {
                        "county"
                    }
                } else {
                    "prefecture"
                },
                parent,
                code: d.code.clone(),
            }
        })
        .collect()
}

fn main() {
    let mut places_n = 300usize;
    let mut articles_n = 3000usize;
    let mut out = PathBuf::from("/tmp/indicity-corpus");
    let mut seed = 42u64;
    let mut hugo: Option<PathBuf> = None;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--places" => places_n = v.parse().expect("--places N"),
            "--articles" => articles_n = v.parse().expect("--articles N"),
            "--out" => out = PathBuf::from(v),
            "--seed" => seed = v.parse().expect("--seed N"),
            "--hugo" => hugo = Some(PathBuf::from(v)),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    let places = places(places_n);
    assert!(!places.is_empty(), "no places");
    generate(&places, articles_n, &out, seed);
    println!(
        "{} places, {articles_n} articles → {}",
        places.len(),
        out.display()
    );
    if let Some(h) = hugo {
        hugo_site(&out, &h);
        println!("the same content as a Hugo site → {}", h.display());
    }
}

fn generate(places: &[Place], articles_n: usize, out: &Path, seed: u64) {
    if out.exists() {
        fs::remove_dir_all(out).unwrap();
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["templates", "static"] {
        copy_dir(&repo.join(dir), &out.join(dir));
    }
    let content = out.join("content");
    fs::create_dir_all(content.join("cities")).unwrap();
    fs::write(
        content.join("site.yaml"),
        "title: 城市科创指标（合成数据）\ndescription: 用于性能测试的合成数据。\nbase_url: https://example.org/\nheadline: [high_tech_enterprises, tech_smes, rd_spending]\n",
    )
    .unwrap();
    let mut ind = String::new();
    for (id, name, unit, _, _) in INDICATORS {
        writeln!(
            ind,
            "{id}:\n  name: {name}\n  name_en: {id}\n  unit: \"{unit}\"\n  unit_en: \"{unit}\"\n  description: {name}（合成数据）。\n  aliases: [{name}]"
        )
        .unwrap();
    }
    fs::write(content.join("indicators.yaml"), ind).unwrap();

    let per_place = articles_n.div_ceil(places.len()).max(1);
    let mut written = 0;
    for (pi, place) in places.iter().enumerate() {
        let mut rng = Rng(seed ^ (pi as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let scale = 0.3 + 2.0 * rng.unit();
        let n_articles = per_place.min(articles_n - written.min(articles_n)).max(1);
        // Each article reports some years of every indicator, in full sentences.
        let mut bodies: Vec<String> = vec![String::new(); n_articles];
        let mut yaml = format!(
            "name: {}\nname_en: {}\nprovince: {}\nlevel: {}\n{}code: \"{}\"\nfigures:\n",
            place.name,
            place.name_en,
            place.province,
            place.level,
            place
                .parent
                .as_ref()
                .map_or(String::new(), |p| format!("parent: {p}\n")),
            place.code
        );
        let dir = content.join("articles").join(&place.slug);
        fs::create_dir_all(&dir).unwrap();
        let ids: Vec<String> = (0..n_articles)
            .map(|a| {
                format!(
                    "{}-gongzuo-baogao-{a}",
                    FIRST_YEAR + 1 + (a as i32 * YEARS / n_articles as i32)
                )
            })
            .collect();
        for (id, name, unit, base, growth) in INDICATORS {
            writeln!(yaml, "  {id}:").unwrap();
            for y in 0..YEARS {
                let year = FIRST_YEAR + y;
                let v = value(base * scale, growth, year, rng.unit(), unit);
                let a = (y as usize * n_articles) / YEARS as usize;
                let verb = *rng.pick(&["达到", "达", "为", "增至", "累计达到"]);
                let sentence = format!("{year}年，{}{name}{verb}{}{unit}", place.short, fmt(v));
                write!(bodies[a], "{sentence}，").unwrap();
                let filler: &&str = rng.pick(FILLER);
                bodies[a].push_str(filler);
                writeln!(
                    yaml,
                    "    - period: {year}\n      value: {}\n      source: {}/{}\n      quote: {sentence}",
                    fmt(v),
                    place.slug,
                    ids[a]
                )
                .unwrap();
            }
        }
        for (a, body) in bodies.iter().enumerate() {
            let year = FIRST_YEAR + 1 + (a as i32 * YEARS / n_articles as i32);
            let mut text = String::new();
            for (k, sentence) in body.split_inclusive('。').enumerate() {
                text.push_str(sentence);
                if k % 3 == 2 {
                    text.push_str("\n\n");
                }
            }
            // Pad to a realistic length (1,500–3,000 characters).
            while text.chars().count() < 1500 {
                let filler: &&str = rng.pick(FILLER);
                text.push_str(filler);
                text.push_str("\n\n");
            }
            let md = format!(
                "---\ntitle: {}科技创新工作报告（{}）\ndate: {year}-01-{:02}\ncity: {}\npublisher: {}科学技术局\n---\n\n{}\n",
                place.name,
                a + 1,
                1 + a % 28,
                place.slug,
                place.name,
                text.trim_end()
            );
            fs::write(dir.join(format!("{}.md", ids[a])), md).unwrap();
        }
        written += n_articles;
        fs::write(
            content.join("cities").join(format!("{}.yaml", place.slug)),
            yaml,
        )
        .unwrap();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The same corpus as a Hugo site, for the side-by-side benchmark: the same articles
/// as Hugo content, and place pages made from the same place YAML as Hugo data files,
/// with templates that lay out the same tables (Hugo draws no charts and checks
/// nothing, so it does less work than indicity).
fn hugo_site(corpus: &Path, out: &Path) {
    if out.exists() {
        fs::remove_dir_all(out).unwrap();
    }
    let content = corpus.join("content");
    copy_dir(&content.join("articles"), &out.join("content/articles"));
    copy_dir(&content.join("cities"), &out.join("data/cities"));
    copy_dir(&corpus.join("static"), &out.join("static"));
    fs::create_dir_all(out.join("content/cities")).unwrap();
    for entry in fs::read_dir(content.join("cities")).unwrap() {
        let path = entry.unwrap().path();
        let slug = path.file_stem().unwrap().to_string_lossy().to_string();
        fs::write(
            out.join("content/cities").join(format!("{slug}.md")),
            format!("---\ntitle: {slug}\nplace: \"{slug}\"\n---\n"),
        )
        .unwrap();
    }
    fs::write(
        out.join("data/indicators.yaml"),
        fs::read(content.join("indicators.yaml")).unwrap(),
    )
    .unwrap();
    fs::write(
        out.join("hugo.toml"),
        "baseURL = 'https://example.org/'\nlanguageCode = 'zh-cn'\ntitle = '城市科创指标'\ndisableKinds = ['taxonomy', 'term']\n",
    )
    .unwrap();
    let layouts = out.join("layouts");
    fs::create_dir_all(layouts.join("_default")).unwrap();
    fs::create_dir_all(layouts.join("cities")).unwrap();
    let files = [
        (
            "_default/baseof.html",
            r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title><link rel="stylesheet" href="{{ "css/site.css" | relURL }}"></head>
<body><header class="site-header"><a class="brand" href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main id="main" class="wrap">{{ block "main" . }}{{ end }}</main></body></html>
"#,
        ),
        (
            "_default/single.html",
            r#"{{ define "main" }}<article class="article"><h1>{{ .Title }}</h1>
<dl class="article-meta"><div><dt>来源</dt><dd>{{ .Params.publisher }}</dd></div><div><dt>日期</dt><dd>{{ .Date.Format "2006-01-02" }}</dd></div></dl>
<div class="prose">{{ .Content }}</div></article>{{ end }}
"#,
        ),
        (
            "_default/list.html",
            r#"{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"#,
        ),
        (
            "index.html",
            r#"{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>{{ range where .Site.RegularPages "Section" "cities" }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"#,
        ),
        (
            "cities/single.html",
            r#"{{ define "main" }}{{ $p := index .Site.Data.cities .Params.place }}
<h1>{{ $p.name }}</h1><p>{{ $p.province }}</p>
{{ range $id, $figs := $p.figures }}{{ $ind := index $.Site.Data.indicators $id }}
<section class="card"><h2>{{ $ind.name }}</h2><table class="figures"><thead><tr><th>时期</th><th>数值</th><th>出处</th></tr></thead><tbody>
{{ range $figs }}<tr><th>{{ .period }}</th><td class="num">{{ .value }} {{ $ind.unit }}</td><td><a href="{{ printf "/articles/%s/" .source | relURL }}">「{{ .quote }}」</a></td></tr>{{ end }}
</tbody></table></section>{{ end }}{{ end }}
"#,
        ),
    ];
    for (name, text) in files {
        fs::write(layouts.join(name), text).unwrap();
    }
}

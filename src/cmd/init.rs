//! `indicity init [DIR]`: a new site that builds, with the bundled templates and
//! styles, the bundled catalogue of indicators (or, with `--starter`, twelve of them),
//! and one example place and article (invented, and saying so) that show the format
//! and pass `check`.
//!
//! The whole catalogue is the default because `extract` can only assign a number to
//! an indicator the catalogue has: with twelve, most of a report's figures were
//! "unassigned" and some were filed under the nearest of the twelve instead (科技小巨人
//! 企业 as tech SMEs).

use std::path::{Path, PathBuf};

use crate::Error;

#[derive(clap::Args)]
pub struct Args {
    /// Where to create the site (made if missing; must not hold a site already).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Start small: twelve core indicators instead of the whole catalogue (add more
    /// later from the bundled `content/indicators.yaml`).
    #[arg(long)]
    starter: bool,
}

/// The bundled templates and static files, compiled in: `init` works without this
/// repository.
const FILES: &[(&str, &str)] = &[
    (
        "templates/404.html",
        include_str!("../../templates/404.html"),
    ),
    (
        "templates/article.html",
        include_str!("../../templates/article.html"),
    ),
    (
        "templates/atom.xml",
        include_str!("../../templates/atom.xml"),
    ),
    (
        "templates/base.html",
        include_str!("../../templates/base.html"),
    ),
    (
        "templates/corrections.html",
        include_str!("../../templates/corrections.html"),
    ),
    (
        "templates/corrections.xml",
        include_str!("../../templates/corrections.xml"),
    ),
    (
        "templates/index.html",
        include_str!("../../templates/index.html"),
    ),
    (
        "templates/indicator.html",
        include_str!("../../templates/indicator.html"),
    ),
    (
        "templates/articles.html",
        include_str!("../../templates/articles.html"),
    ),
    (
        "templates/indicators.html",
        include_str!("../../templates/indicators.html"),
    ),
    (
        "templates/places.html",
        include_str!("../../templates/places.html"),
    ),
    (
        "templates/province.html",
        include_str!("../../templates/province.html"),
    ),
    (
        "templates/partials/province_list.html",
        include_str!("../../templates/partials/province_list.html"),
    ),
    (
        "templates/partials/article_item.html",
        include_str!("../../templates/partials/article_item.html"),
    ),
    (
        "templates/partials/figure_source.html",
        include_str!("../../templates/partials/figure_source.html"),
    ),
    (
        "templates/partials/about.html",
        include_str!("../../templates/partials/about.html"),
    ),
    (
        "templates/partials/about_head.html",
        include_str!("../../templates/partials/about_head.html"),
    ),
    (
        "templates/place.html",
        include_str!("../../templates/place.html"),
    ),
    (
        "templates/sitemap.xml",
        include_str!("../../templates/sitemap.xml"),
    ),
    (
        "static/css/site.css",
        include_str!("../../static/css/site.css"),
    ),
    (
        "static/favicon.svg",
        include_str!("../../static/favicon.svg"),
    ),
    (
        "static/js/chart.js",
        include_str!("../../static/js/chart.js"),
    ),
    ("static/js/cite.js", include_str!("../../static/js/cite.js")),
];

/// The indicators a new site starts with: the core ones of the bundled catalogue.
const STARTER: &[&str] = &[
    "high_tech_enterprises",
    "high_tech_enterprises_new",
    "high_tech_enterprises_net_increase",
    "tech_smes",
    "tech_smes_new",
    "rd_spending",
    "rd_spending_growth",
    "rd_intensity",
    "tech_contract_turnover",
    "tech_contract_growth",
    "makerspaces",
    "incubators",
];

const CATALOGUE: &str = include_str!("../../content/indicators.yaml");

const SITE: &str = "# Site-wide settings. See docs/content.md of indicity.
title: 城市科创指标
title_en: indicity
description: 中国城市科技创新指标：每个数字都可追溯到它所出自的原文句子。
base_url: http://localhost/
language: zh-CN
headline:
  - high_tech_enterprises
  - tech_smes
  - rd_spending
recent_articles: 10
# The licence of the data, named in the footer and in the data's descriptions:
# license: { name: CC BY 4.0, url: https://creativecommons.org/licenses/by/4.0/ }
";

const PLACE: &str = "# An invented place, to show the format: replace it with real ones
# (`indicity new place 瓯海区`) and delete it.
name: 示例市
name_en: Example City
province: 示例省
level: prefecture
figures:
  high_tech_enterprises:
    - period: 2023
      value: 120
      source: example/2024-01-15-shili-gongzuo
      quote: 全市高新技术企业总数达120家
  tech_smes_new:
    - period: 2023
      value: 45
      source: example/2024-01-15-shili-gongzuo
      quote: 新增科技型中小企业45家
";

const ARTICLE: &str = "---
title: 示例市科技局2023年工作总结（虚构示例）
date: 2024-01-15
city: example
publisher: 示例市科学技术局
---

这是一篇虚构的示例文章，用来演示格式，文中的数字都不是真实数据。

2023年，全市高新技术企业总数达120家，新增科技型中小企业45家。
";

/// The catalogue a new site starts with: the bundled one (grouped by theme, as the
/// site's pages group it), or with `starter` its [`STARTER`] entries, as written there.
fn catalogue(starter: bool) -> String {
    if !starter {
        return CATALOGUE.to_string();
    }
    let mut out =
        String::from("# The indicator catalogue (a starter set; the bundled site has more).\n");
    let mut keep = false;
    for line in CATALOGUE.lines() {
        if !line.starts_with([' ', '#']) && !line.is_empty() {
            let id = line.trim_end_matches(':');
            keep = STARTER.contains(&id);
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

pub fn run(args: Args) -> Result<(), Error> {
    let dir = &args.dir;
    if std::fs::symlink_metadata(dir.join("content")).is_ok() {
        return Err(Error::Usage(format!(
            "{} holds a site already (content/ exists); `init` never overwrites one",
            dir.display()
        )));
    }
    let files: Vec<(String, String)> = FILES
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .chain([
            ("content/site.yaml".into(), SITE.into()),
            ("content/indicators.yaml".into(), catalogue(args.starter)),
            ("content/cities/example.yaml".into(), PLACE.into()),
            (
                "content/articles/example/2024-01-15-shili-gongzuo.md".into(),
                ARTICLE.into(),
            ),
            (".gitignore".into(), "public/\n.indicity-cache/\n".into()),
        ])
        .collect();
    for (rel, _) in &files {
        let path = dir.join(rel);
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(Error::Usage(format!(
                "{} exists; `init` never overwrites a file",
                path.display()
            )));
        }
    }
    // All or nothing: a failure half way (a full disk, a file made meanwhile) takes
    // back what this run made, so that `init` can simply be run again.
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let mut made_files: Vec<PathBuf> = Vec::new();
    let mut result = Ok(());
    for (rel, text) in &files {
        let path = dir.join(rel);
        let mut missing: Vec<PathBuf> = path
            .ancestors()
            .skip(1)
            .take_while(|d| !d.as_os_str().is_empty() && std::fs::symlink_metadata(d).is_err())
            .map(Path::to_path_buf)
            .collect();
        missing.reverse();
        if let Err(e) = write(dir, rel, text) {
            made_dirs.extend(missing.into_iter().filter(|d| d.is_dir()));
            result = Err(e);
            break;
        }
        made_dirs.extend(missing);
        made_files.push(path);
    }
    if let Err(e) = result {
        for f in made_files.iter().rev() {
            let _ = std::fs::remove_file(f);
        }
        for d in made_dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
        return Err(e);
    }
    crate::sayln!(
        "created a site in {}: `indicity build --root {}` builds it; `indicity new place NAME` adds a place",
        dir.display(),
        dir.display()
    );
    Ok(())
}

/// Writes the new file `dir/rel` (never through a link below `dir`, never over an
/// existing entry).
fn write(dir: &Path, rel: &str, text: &str) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Output(format!("{}: {e}", dir.display())))?;
    crate::safe_fs::write_new_below(dir, Path::new(rel), text.as_bytes(), false)
        .map_err(|e| Error::Output(format!("{}: {e}", dir.join(rel).display())))
}

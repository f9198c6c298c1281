//! The built site in a real browser and through the standard validators.
//!
//! Builds the bundled site into a temporary directory and runs the browser suite,
//! `node tests/browser/run.mjs SITE_DIR`, on it: headless Debian Chromium driven by
//! playwright-core (every page at 360 and 1280 px, charts and their CJK glyphs, figure
//! links, contrast in light and dark mode), axe-core, and the Nu Html Checker over every
//! HTML page and SVG file. See that file for what each check does. `./scripts/test`
//! installs what it needs (chromium, fonts-noto-cjk, `npm ci`); screenshots land in
//! `target/screenshots/`.
//!
//! Run on its own: `cargo test --test it browser` (add `-- --nocapture` to see the report
//! of a passing run).

use std::path::Path;
use std::process::Command;

use crate::common::{commit, git, replace_in};

const FUZHOU: &str = "content/cities/fuzhou.yaml";

/// 福州's page as it looks with every kind of correction: a figure with a second
/// source (the undated Fuzhou article states the same count), two figures that
/// disagree (the second from an invented article), an override, and a git history
/// in which a value was corrected, so that `/corrections/` has rows.
fn with_corrections(root: &Path) {
    replace_in(
        root,
        FUZHOU,
        "      value: 2437\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 全市备案科技型中小企业2437家\n",
        "      value: 2437\n      sources:\n        - source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n          quote: 全市备案科技型中小企业2437家\n        - source: fuzhou/undated-fuzhou-shike-xueji-shuju\n          quote: 全市备案科技型中小企业2437家\n",
    );
    std::fs::write(
        root.join("content/articles/fuzhou/2023-03-01-wanbao-gaoqi.md"),
        "---\ntitle: 福州高企数量再创新高（示例）\ndate: 2023-03-01\ncity: fuzhou\npublisher: 示例晚报\n---\n\n本报讯 截至2022年底，福州市国家高新技术企业总量达3760家。\n",
    )
    .unwrap();
    replace_in(
        root,
        FUZHOU,
        "      quote: 国家高新技术企业总量达3759家\n",
        "      quote: 国家高新技术企业总量达3759家\n      preferred: true\n    - period: 2022\n      value: 3760\n      source: fuzhou/2023-03-01-wanbao-gaoqi\n      quote: 国家高新技术企业总量达3760家\n",
    );
    replace_in(
        root,
        FUZHOU,
        "      value: 257.4\n",
        "      value: 257.5\n      override:\n        reason: 统计公报修订为257.5亿元（示例）\n        original: 257.4\n",
    );
    git(root, &["init", "-q"], "2024-01-01T09:00:00+08:00");
    replace_in(root, FUZHOU, "      value: 628\n", "      value: 682\n");
    commit(root, "录入福州数据", "2024-01-01T09:00:00+08:00");
    replace_in(root, FUZHOU, "      value: 682\n", "      value: 628\n");
    commit(
        root,
        "更正科技小巨人企业数：数字录反",
        "2024-02-01T09:00:00+08:00",
    );
}

#[test]
fn the_site_in_a_real_browser_and_the_validators() {
    let repo = crate::common::repo();
    for (path, what) in [
        ("node_modules/playwright-core", "playwright-core"),
        ("node_modules/axe-core", "axe-core"),
        ("node_modules/vnu-jar/build/dist/vnu.jar", "vnu-jar"),
    ] {
        assert!(
            repo.join(path).exists(),
            "{what} is not installed: run ./scripts/test, or `npm ci --ignore-scripts` \
             (the browser suite also needs /usr/bin/chromium, fonts-noto-cjk and java)"
        );
    }
    let site = crate::common::site_copy();
    with_corrections(site.path());
    let out = crate::common::build(site.path());
    let run = Command::new("node")
        .arg(repo.join("tests/browser/run.mjs"))
        .arg(&out)
        .current_dir(&repo)
        .output()
        .expect("cannot run node: the browser suite needs Node.js 20 or later");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        run.status.success(),
        "the browser suite failed ({}):\n{stdout}\n{stderr}",
        run.status
    );
}

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
//! Run on its own: `cargo test --test browser` (add `-- --nocapture` to see the report
//! of a passing run).

mod common;

use std::process::Command;

#[test]
fn the_site_in_a_real_browser_and_the_validators() {
    let repo = common::repo();
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
    let site = common::site_copy();
    let out = common::build(site.path());
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

//! The README's "Your first site in ten commands", run exactly as written: a
//! newcomer's first hour must not depend on anything the README does not say.

use std::fs;
use std::process::Command;

use crate::common::{html, repo, sel};

/// The shell block under the README's first-site heading.
fn first_site_block() -> String {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let (_, after) = readme
        .split_once("## Your first site in ten commands")
        .expect("README has the first-site section");
    let (_, block) = after.split_once("```sh\n").expect("a shell block");
    let (block, _) = block.split_once("```").expect("the block ends");
    block.to_string()
}

#[test]
fn the_readme_first_site_runs_as_written_and_publishes_a_checked_figure() {
    let block = first_site_block();
    let lines: Vec<&str> = block.lines().collect();
    assert_eq!(lines.len(), 10, "ten commands:\n{block}");
    // Every command but the last, which serves until Ctrl-C.
    let last = lines.last().unwrap();
    assert!(last.starts_with("indicity serve"), "{last}");
    let script = lines[..lines.len() - 1].join("\n");

    // "Run it in the directory that holds your clone, `indicity/`."
    let dir = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(repo(), dir.path().join("indicity")).unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_indicity"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(dir.path())
        .env("PATH", path)
        .env("GIT_AUTHOR_NAME", "编者")
        .env("GIT_AUTHOR_EMAIL", "editor@example.org")
        .env("GIT_COMMITTER_NAME", "编者")
        .env("GIT_COMMITTER_EMAIL", "editor@example.org")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the README's commands failed:\n{said}"
    );

    // Step 6 wrote what a careful curator records from the invented story, no more:
    // the list paired, the part, stock against new, the net change and the goals.
    let mut written: Vec<(String, String, String, String)> =
        crate::common::yaml_figures(&dir.path().join("mysite"))
            .into_iter()
            .filter(|f| f.place == "putian")
            .map(|f| (f.indicator, f.period, f.value.to_string(), f.status))
            .collect();
    written.sort();
    let mut want: Vec<(String, String, String, String)> = [
        ("high_tech_enterprises", "2023", "856", "actual"),
        ("high_tech_enterprises_net_increase", "2023", "98", "actual"),
        ("high_tech_enterprises_new", "2023", "112", "actual"),
        ("high_tech_enterprises_new", "2024", "120", "target"),
        ("incubators", "2023", "21", "actual"),
        ("incubators_national", "2023", "3", "actual"),
        ("makerspaces", "2023", "46", "actual"),
        ("rd_intensity", "2023", "1.75", "actual"),
        ("rd_spending", "2023", "52.3", "actual"),
        ("tech_contract_turnover", "2023", "38.6", "actual"),
        ("tech_contract_turnover", "2024", "45", "target"),
        ("tech_smes", "2023", "1530", "actual"),
        ("tech_smes_growth", "2023", "18.6", "actual"),
    ]
    .iter()
    .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
    .collect();
    want.sort();
    assert_eq!(written, want, "{said}");

    // The place page shows the figure the article states, linked to its sentence.
    let public = dir.path().join("mysite/public");
    let page = html(&public, "cities/putian/index.html");
    let values: Vec<String> = page
        .select(&sel("td.num[data-value]"))
        .filter_map(|td| td.value().attr("data-value").map(str::to_string))
        .collect();
    assert!(values.iter().any(|v| v == "856"), "{values:?}\n{said}");
    let quotes: Vec<String> = page
        .select(&sel("a.quote"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert!(
        quotes
            .iter()
            .any(|h| h.contains("articles/putian/2024-02-20-putian-shinian-keji-chuangxin/#")),
        "{quotes:?}"
    );
    // And the history the README promises starts with that commit.
    let log = Command::new("git")
        .args(["log", "--format=%s"])
        .current_dir(dir.path().join("mysite"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&log.stdout).starts_with("莆田"));
}

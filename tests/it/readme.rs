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

    // The place page shows the figure the article states, linked to its sentence.
    let public = dir.path().join("mysite/public");
    let page = html(&public, "cities/fuzhou/index.html");
    let values: Vec<String> = page
        .select(&sel("td.num[data-value]"))
        .filter_map(|td| td.value().attr("data-value").map(str::to_string))
        .collect();
    assert!(values.iter().any(|v| v == "3759"), "{values:?}\n{said}");
    let quotes: Vec<String> = page
        .select(&sel("a.quote"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert!(
        quotes
            .iter()
            .any(|h| h.contains("articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu/#")),
        "{quotes:?}"
    );
    // And the history the README promises starts with that commit.
    let log = Command::new("git")
        .args(["log", "--format=%s"])
        .current_dir(dir.path().join("mysite"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&log.stdout).starts_with("福州"));
}

//! Time from saving a place's YAML to the event that reloads (or shows errors on) the
//! open pages of `indicity serve`: what a curator waits for.
//!
//! cargo build --release && cargo run --release --example serve_latency -- --root DIR [--place SLUG] [--runs N]
//!
//! Starts `target/release/indicity serve` on DIR, listens to the event stream as a
//! page does, and times three kinds of edit of one place file, each `--runs` times: a
//! field only its page shows (`name_en`), a wrong value (the quote contradicts it:
//! the error overlay), and the fix. The file is restored at the end.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut root = PathBuf::from(".");
    let mut place: Option<String> = None;
    let mut runs = 10usize;
    let mut bin = PathBuf::from("target/release/indicity");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_default();
        match a.as_str() {
            "--root" => root = PathBuf::from(v),
            "--place" => place = Some(v),
            "--runs" => runs = v.parse().expect("--runs N"),
            "--bin" => bin = PathBuf::from(v),
            _ => panic!("unknown argument {a}"),
        }
    }
    let cities = root.join("content/cities");
    let place = place.unwrap_or_else(|| {
        let mut names: Vec<String> = std::fs::read_dir(&cities)
            .expect("content/cities")
            .filter_map(|e| e.ok())
            .map(|e| {
                e.file_name()
                    .to_string_lossy()
                    .trim_end_matches(".yaml")
                    .to_string()
            })
            .collect();
        names.sort();
        names[names.len() / 2].clone()
    });
    let file = cities.join(format!("{place}.yaml"));
    let original = std::fs::read_to_string(&file).expect("the place file");

    let mut child = Command::new(&bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .expect("run indicity (build it with --release first)");
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let started = Instant::now();
    let addr = loop {
        let mut line = String::new();
        assert!(log.read_line(&mut line).unwrap() > 0, "serve exited");
        if line.starts_with("serving ") && line.contains("http://") {
            break line
                .split("http://")
                .nth(1)
                .and_then(|s| s.split('/').next())
                .unwrap()
                .to_string();
        }
    };
    eprintln!(
        "first build and start: {:.1} s; editing {}",
        started.elapsed().as_secs_f64(),
        file.display()
    );
    // Keep draining the server's log so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in log.lines() {});

    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    write!(
        stream,
        "GET /.indicity/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(stream);
    let mut next_event = move || -> String {
        loop {
            let mut line = String::new();
            assert!(events.read_line(&mut line).unwrap() > 0, "stream closed");
            if let Some(e) = line.trim_end().strip_prefix("event: ") {
                return e.to_string();
            }
        }
    };
    assert_eq!(next_event(), "hello");

    let name_en = original
        .lines()
        .find(|l| l.starts_with("name_en:"))
        .expect("a name_en line")
        .to_string();
    let value = original
        .lines()
        .find(|l| l.trim_start().starts_with("value:"))
        .expect("a figure")
        .to_string();
    let n: f64 = value
        .trim()
        .trim_start_matches("value:")
        .trim()
        .parse()
        .unwrap();
    let wrong = value.replace(&format!("{n}"), &format!("{}", n + 1.0));

    let mut times: [Vec<f64>; 3] = Default::default();
    let mut timed = |kind: usize, text: String, want: &str| {
        std::thread::sleep(Duration::from_millis(300));
        let t = Instant::now();
        std::fs::write(&file, text).unwrap();
        let mut got = next_event();
        while got != want {
            got = next_event();
        }
        times[kind].push(t.elapsed().as_secs_f64() * 1000.0);
    };
    for i in 0..runs {
        let renamed = original.replacen(&name_en, &format!("{name_en} {i}"), 1);
        timed(0, renamed, "reload");
        timed(1, original.replacen(&value, &wrong, 1), "problem");
        timed(2, original.clone(), "reload");
    }
    std::fs::write(&file, &original).unwrap();
    interrupt(child.id());
    let _ = child.wait();

    for (kind, label) in [
        "name_en edit → reload",
        "wrong value → error overlay",
        "fix → reload",
    ]
    .iter()
    .enumerate()
    {
        let t = &mut times[kind];
        t.sort_by(f64::total_cmp);
        println!(
            "{label:<28} median {:>6.1} ms   min {:>6.1}   max {:>6.1}   (n={})",
            t[t.len() / 2],
            t[0],
            t[t.len() - 1],
            t.len()
        );
    }
}

fn interrupt(pid: u32) {
    let _ = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status();
}

//! End to end in a real browser: `report.html` opened in headless Chromium
//! renders with no console message and no network request, and a screenshot is
//! saved as `target/report-screenshot.png` (a CI artifact).
//!
//! Skipped, with a notice, when Chromium is not installed (`.ci/run` installs
//! Debian's `chromium`). Set `CHROMIUM=/path/to/chrome` to use another binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path).chain([PathBuf::from("/usr/bin")]) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// What the browser did with a page.
struct Visit {
    console: Vec<String>,
    requests: Vec<String>,
}

/// Opens `page` in headless Chromium, saving a screenshot to `shot`; returns
/// the console messages and the requests the page made. Every host name
/// resolves to nothing, so even a request the page should not make never
/// leaves the machine; the net log still records it.
fn visit(browser: &Path, page: &Path, shot: &Path, work: &Path) -> Visit {
    let profile = work.join("profile");
    let netlog = work.join("netlog.json");
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=1280,9000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = reader.join().unwrap();
    let console = log
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(String::from)
        .collect();
    let text = std::fs::read_to_string(&netlog).expect("chromium wrote its net log");
    let net: serde_json::Value = serde_json::from_str(&text).expect("the net log is JSON");
    let start_job = net["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    let page_url = format!("file://{}", page.display());
    let requests = net["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == start_job)
        .filter(|e| {
            // Chromium's own background requests have no initiating origin; a
            // page's requests carry its origin (file pages: "null", keyed by file://).
            let p = &e["params"];
            p["initiator"] != "not an origin"
                || p["network_isolation_key"]
                    .as_str()
                    .is_some_and(|k| k.contains("file://"))
        })
        .filter_map(|e| e["params"]["url"].as_str())
        .filter(|u| *u != page_url)
        .map(String::from)
        .collect();
    Visit { console, requests }
}

#[test]
fn report_renders_offline_in_chromium_without_errors() {
    let Some(browser) = chromium() else {
        skip_notice(
            "the browser test is SKIPPED: chromium not found (install Debian's `chromium`, or set CHROMIUM)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let status = Command::cargo_bin("guarantor")
        .unwrap()
        .args(["report", "-o"])
        .arg(&out)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());

    // The detector itself: a page that logs to the console and fetches an image is caught.
    let bad = dir.path().join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><img src=\"http://example.invalid/x.png\"><script>console.error('boom')</script></body></html>",
    )
    .unwrap();
    let v = visit(&browser, &bad, &dir.path().join("bad.png"), dir.path());
    assert!(
        v.console.iter().any(|l| l.contains("boom")),
        "the console detector missed a console.error"
    );
    assert!(
        v.requests.iter().any(|u| u.contains("example.invalid")),
        "the request detector missed an image fetch"
    );

    screenshot_offline(
        &browser,
        &out.join("report.html"),
        "report-screenshot.png",
        dir.path(),
        100_000,
    );
}

/// Open `page` in headless Chromium offline, save its screenshot as
/// `target/NAME` and check that nothing went to the console or the network
/// and that the picture is not blank (at least `min_bytes` of PNG).
fn screenshot_offline(browser: &Path, page: &Path, name: &str, dir: &Path, min_bytes: usize) {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let shot = target.join(name);
    let _ = std::fs::remove_file(&shot);
    let v = visit(browser, page, &shot, dir);
    assert!(v.console.is_empty(), "console messages: {:#?}", v.console);
    assert!(v.requests.is_empty(), "network requests: {:#?}", v.requests);
    let png = std::fs::read(&shot).expect("a screenshot was saved");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > min_bytes,
        "the screenshot looks blank ({} bytes)",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
}

/// A skip must show in `cargo test`'s output, which captures `eprintln!` of
/// passing tests: write to the process's standard error directly.
fn skip_notice(what: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "NOTICE: {what}");
}

/// The uncertainty section (`report --draws`) renders offline without errors;
/// its screenshot (the section alone, on the report's styles) is saved as
/// `target/report-uncertainty-screenshot.png`.
#[test]
fn uncertainty_section_renders_offline_in_chromium() {
    let Some(browser) = chromium() else {
        skip_notice(
            "the uncertainty browser test is SKIPPED: chromium not found (install Debian's `chromium`, or set CHROMIUM)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let status = Command::cargo_bin("guarantor")
        .unwrap()
        .args(["report", "--draws", "150", "--forecast-model", "none", "-o"])
        .arg(&out)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // The report's head (its styles) and the uncertainty section alone.
    let head = &html[..html.find("<body").expect("a body")];
    let start = html
        .find("<section id=\"uncertainty\">")
        .expect("an uncertainty section");
    let end = start + html[start..].find("</section>").unwrap() + "</section>".len();
    let page = dir.path().join("uncertainty.html");
    std::fs::write(
        &page,
        format!(
            "{head}<body><main>{}</main></body></html>",
            &html[start..end]
        ),
    )
    .unwrap();
    screenshot_offline(
        &browser,
        &page,
        "report-uncertainty-screenshot.png",
        dir.path(),
        100_000,
    );
}

/// `explain --map`: the package's map (a Sky Shield-like no-fly zone, Patriot
/// umbrella, garrisons and monitored line) as an SVG that renders offline in
/// Chromium; screenshot saved as `target/explain-map.png`.
#[test]
fn explain_map_renders_offline_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("map.svg");
    let status = Command::cargo_bin("guarantor")
        .unwrap()
        .args([
            "explain",
            "--option",
            "air_cover=western_nfz",
            "--option",
            "air_defence=us_systems",
            "--option",
            "ground_force=deterrence_large",
            "--option",
            "monitoring=ground_teams",
            "--map",
        ])
        .arg(&svg_path)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    // Six patrol stations (the S-400 rings keep one out), five Patriot
    // sites, six garrisons, the four bases the stations may use, the line
    // of contact, the threat rings; no script.
    assert_eq!(svg.matches("class=\"station\"").count(), 6, "stations");
    assert!(svg.contains("Threat ring"));
    assert!(svg.contains("Line of contact (2025)"));
    assert!(svg.contains("Rzeszów-Jasionka"));
    assert!(!svg.contains("<script"));
    let Some(browser) = chromium() else {
        skip_notice(&format!(
            "the explain-map screenshot is SKIPPED: chromium not found ({} written)",
            svg_path.display()
        ));
        return;
    };
    let page = dir.path().join("map.html");
    std::fs::write(
        &page,
        format!("<!DOCTYPE html><html><body style=\"margin:0\">{svg}</body></html>"),
    )
    .unwrap();
    screenshot_offline(&browser, &page, "explain-map.png", dir.path(), 50_000);
}

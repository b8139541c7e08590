//! End to end in headless Chromium, driven over the DevTools protocol: the
//! facilitator opens a round, two delegations submit through their forms, the
//! round closes, both pages show the verdict (delivered by server-sent events),
//! and neither page holds the other delegation's private values. Screenshots
//! go to target/tmp/exercise-browser/.
//!
//! Skipped, with a notice, when Chromium is not installed.

use crate::common;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use common::*;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// The browser tests run one at a time: two Chromiums and two servers
/// adjudicating at once on a small machine make the timing flaky.
static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn chromium() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    ["/usr/bin".into()]
        .into_iter()
        .chain(on_path)
        .flat_map(|d: PathBuf| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file())
}

/// Chromium, killed when the test ends.
struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A minimal DevTools protocol client: numbered calls, events skipped.
struct Cdp {
    ws: WebSocket<TcpStream>,
    next: u64,
}

impl Cdp {
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        match self.try_call(session, method, params) {
            Ok(v) => v,
            Err(v) => panic!("{method}: {v}"),
        }
    }

    /// A call whose error is returned, not a panic (a page reloading under an
    /// evaluation destroys its context: the caller retries).
    fn try_call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, Value> {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(Message::Text(msg.to_string().into())).unwrap();
        loop {
            let m = self.ws.read().unwrap();
            let Message::Text(t) = m else { continue };
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            if v["id"] == json!(id) {
                return match v.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(v["result"].clone()),
                };
            }
        }
    }
}

/// One signed-in browser context (own cookies) with one page.
struct Page {
    session: String,
}

impl Page {
    fn new(cdp: &mut Cdp) -> Page {
        let ctx = cdp.call(None, "Target.createBrowserContext", json!({}));
        let target = cdp.call(
            None,
            "Target.createTarget",
            json!({ "url": "about:blank", "browserContextId": ctx["browserContextId"] }),
        );
        let attached = cdp.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        let session = attached["sessionId"].as_str().unwrap().to_string();
        cdp.call(
            Some(&session),
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 1100, "height": 1400, "deviceScaleFactor": 1, "mobile": false }),
        );
        Page { session }
    }

    fn eval(&self, cdp: &mut Cdp, js: &str) -> Value {
        let r = cdp.call(
            Some(&self.session),
            "Runtime.evaluate",
            json!({ "expression": js, "returnByValue": true }),
        );
        r["result"]["value"].clone()
    }

    /// Navigate and wait until the page shown is `url`. A live reload
    /// the old page had already begun (a notice that arrived just before)
    /// can win over the navigation and leave the old page in place — seen
    /// once under load as the observer's public picture instead of the
    /// debrief — so navigate again until the new page is the one loaded.
    fn goto(&self, cdp: &mut Cdp, url: &str) {
        let arrived = format!(
            "document.readyState === 'complete' && location.href === {}",
            json!(url)
        );
        for _ in 0..5 {
            cdp.call(Some(&self.session), "Page.navigate", json!({ "url": url }));
            if self.try_wait(cdp, &arrived, Duration::from_secs(30)) {
                return;
            }
        }
        self.wait(cdp, &arrived, url);
    }

    /// Wait until a JavaScript condition holds (page loads and live reloads included).
    fn wait(&self, cdp: &mut Cdp, cond: &str, what: &str) {
        // Generous: a round's adjudication and band take tens of seconds in a debug build.
        if self.try_wait(cdp, cond, Duration::from_secs(180)) {
            return;
        }
        let text = self.eval(cdp, "document.body ? document.body.innerText : ''");
        let at = self.eval(cdp, "location.href");
        panic!("timed out waiting for {what}; page {at} says: {text}");
    }

    /// Whether a JavaScript condition comes to hold within `limit`.
    fn try_wait(&self, cdp: &mut Cdp, cond: &str, limit: Duration) -> bool {
        let start = Instant::now();
        let js = format!(
            "(function(){{ try {{ return !!({cond}); }} catch (e) {{ return false; }} }})()"
        );
        while start.elapsed() < limit {
            // A live reload may destroy the page's context mid-evaluation: try again.
            let r = cdp.try_call(
                Some(&self.session),
                "Runtime.evaluate",
                json!({ "expression": js, "returnByValue": true }),
            );
            if r.is_ok_and(|r| r["result"]["value"] == json!(true)) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// The page's HTML; a live reload may destroy the page's context
    /// mid-evaluation (no value comes back), so wait for the page and try again.
    fn html(&self, cdp: &mut Cdp) -> String {
        let start = Instant::now();
        loop {
            let r = cdp.try_call(
                Some(&self.session),
                "Runtime.evaluate",
                json!({ "expression": "document.readyState === 'complete' ? document.documentElement.outerHTML : null", "returnByValue": true }),
            );
            if let Ok(r) = r
                && let Some(html) = r["result"]["value"].as_str()
            {
                return html.to_string();
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no page to read after 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, cdp: &mut Cdp, path: &Path) {
        let r = cdp.call(
            Some(&self.session),
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true }),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(path, png).unwrap();
    }

    fn sign_in(&self, cdp: &mut Cdp, base: &str, who: &str, code: &str, home: &str) {
        self.goto(cdp, &format!("{base}/"));
        self.eval(
            cdp,
            &format!(
                "document.querySelector('select[name=who]').value = {who};
                 document.querySelector('input[name=code]').value = {code};
                 document.querySelector('form[action=\"/signin\"]').submit();",
                who = json!(who),
                code = json!(code)
            ),
        );
        self.wait(
            cdp,
            &format!("location.pathname === '{home}' && document.readyState === 'complete'"),
            &format!("{who} to reach {home}"),
        );
    }
}

fn launch(exe: &Path) -> (Browser, Cdp) {
    let profile = temp_dir("chromium-profile");
    let child = Command::new(exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let browser = Browser { child, profile };
    let port_file = browser.profile.join("DevToolsActivePort");
    let start = Instant::now();
    let text = loop {
        match std::fs::read_to_string(&port_file) {
            Ok(t) if t.lines().count() >= 2 => break t,
            _ => {}
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "Chromium did not open its DevTools port"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut lines = text.lines();
    let port = lines.next().unwrap().trim().to_string();
    let path = lines.next().unwrap().trim().to_string();
    let stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    stream
        // Generous: the other tests of the binary load the machine meanwhile.
        .set_read_timeout(Some(Duration::from_secs(240)))
        .unwrap();
    let (ws, _) = tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream).unwrap();
    (browser, Cdp { ws, next: 0 })
}

#[test]
fn two_delegations_play_a_round_in_chromium_and_see_only_their_own_inputs() {
    let Some(exe) = chromium() else {
        skip_notice(
            "the browser test is SKIPPED: chromium not found (install Debian's `chromium`, or set CHROMIUM)",
        );
        return;
    };
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let s = start("browser");
    let base = format!("http://{}", s.running.addr);
    let (_browser, mut cdp) = launch(&exe);
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("exercise-browser");
    std::fs::create_dir_all(&shots).unwrap();

    let fac = Page::new(&mut cdp);
    let ru = Page::new(&mut cdp);
    let uk = Page::new(&mut cdp);
    fac.sign_in(
        &mut cdp,
        &base,
        "facilitator",
        &s.codes.facilitator,
        "/facilitator",
    );
    ru.sign_in(
        &mut cdp,
        &base,
        "delegation:ru",
        &s.codes.delegations["ru"],
        "/delegation",
    );
    uk.sign_in(
        &mut cdp,
        &base,
        "delegation:uk",
        &s.codes.delegations["uk"],
        "/delegation",
    );

    // The facilitator opens round 1; the delegations' pages learn of it by themselves.
    fac.eval(&mut cdp, "document.getElementById('open-round').click()");
    fac.wait(
        &mut cdp,
        "document.body.innerText.includes('Round 1 is open for moves')",
        "round 1 open",
    );
    for (who, p) in [("ru", &ru), ("uk", &uk)] {
        p.wait(
            &mut cdp,
            "document.querySelector('#move-form button').disabled === false",
            &format!("{who}'s page to offer round 1 (live update)"),
        );
    }

    // ru lowers its reservation and drops one red line; uk offers more brigades.
    ru.eval(
        &mut cdp,
        "document.querySelector('input[name=reservation]').value = '0.5813';
         document.querySelector('input[name=\"red_line.no_foreign_air_policing_over_ukraine\"]').checked = false;
         document.querySelector('#move-form button').click();",
    );
    uk.eval(
        &mut cdp,
        "document.querySelector('input[name=\"count.brigades\"]').value = '4321.5';
         document.querySelector('input[name=reservation]').value = '0.4137';
         document.querySelector('#move-form button').click();",
    );
    for (who, p) in [("ru", &ru), ("uk", &uk)] {
        p.wait(
            &mut cdp,
            "document.body.innerText.includes('You have moved in round 1')",
            &format!("{who}'s move to be acknowledged"),
        );
    }
    fac.wait(
        &mut cdp,
        "document.body.innerText.includes('2 of 22 delegations have moved')",
        "the facilitator to see both moves",
    );
    fac.screenshot(&mut cdp, &shots.join("1-facilitator-round-open.png"));

    fac.eval(&mut cdp, "document.getElementById('close-round').click()");
    fac.wait(
        &mut cdp,
        "document.body.innerText.includes('Round 1 verdict published')",
        "the verdict",
    );
    for (who, p) in [("ru", &ru), ("uk", &uk)] {
        p.wait(
            &mut cdp,
            // The band arrives after the verdict (a second live reload): wait for both.
            "document.body.innerText.includes('Round 1 verdict published') && document.querySelector('section.round') !== null && document.querySelector('table.band') !== null",
            &format!("{who} to see the verdict (live update)"),
        );
    }
    fac.screenshot(&mut cdp, &shots.join("2-facilitator-verdict.png"));
    ru.screenshot(&mut cdp, &shots.join("3-delegation-ru-verdict.png"));
    uk.screenshot(&mut cdp, &shots.join("4-delegation-uk-verdict.png"));

    // A close look at the first failing package as uk sees it (others' reasons redacted).
    let rect = uk.eval(
        &mut cdp,
        "(function(){ var d = Array.from(document.querySelectorAll('details.package'))
             .find(function(x){ return x.querySelector('.fail'); });
           d.open = true; d.scrollIntoView();
           var r = d.getBoundingClientRect();
           return { x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height }; })()",
    );
    let r = cdp.call(
        Some(&uk.session),
        "Page.captureScreenshot",
        json!({ "format": "png", "captureBeyondViewport": true,
                "clip": { "x": rect["x"], "y": rect["y"], "width": rect["w"], "height": rect["h"], "scale": 1 } }),
    );
    std::fs::write(
        shots.join("5-delegation-uk-failing-package.png"),
        base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();

    let ru_html = ru.html(&mut cdp);
    let uk_html = uk.html(&mut cdp);
    // uk reads that ru rejects a package (or that ru's verdict is undetermined:
    // a red line or margin within the precision of the codings), and the kind
    // of reason only; ru reads its full reasons. Since the no-fly zones are
    // sized from geography (issue #14) the nearest failing packages may all be
    // infeasible for want of fighters: then both read the shortfall or another
    // actor's rejection.
    if uk_html.contains("rejected by ru") || uk_html.contains("undetermined for ru") {
        assert!(
            uk_html.contains("a red line")
                || uk_html.contains("below its reservation")
                || uk_html.contains("a margin within the precision")
        );
        assert!(
            ru_html.contains("violated")
                || ru_html.contains("is below its reservation")
                || ru_html.contains("within the precision")
        );
    } else {
        for html in [&uk_html, &ru_html] {
            assert!(
                html.contains("Short of") || html.contains("rejected by"),
                "a failing package without its reason: {html}"
            );
        }
    }
    assert!(!uk_html.contains("no_foreign_air_policing_over_ukraine"));
    // Each sees its own values…
    assert!(ru_html.contains("0.5813"));
    assert!(uk_html.contains("4321.5") && uk_html.contains("0.4137"));
    // …and nothing of the other's.
    for v in ["4321.5", "0.4137"] {
        assert!(!ru_html.contains(v), "ru's page shows uk's {v}");
    }
    for v in [
        "0.5813",
        "no_nato_country_ground_troops",
        "no_foreign_air_policing_over_ukraine",
    ] {
        assert!(!uk_html.contains(v), "uk's page shows ru's {v}");
    }
    // Both read the same verdict.
    let passing = |html: &str| {
        let end = html.find(" pass</strong>")?;
        let start = html[..end].rfind("<strong>")? + "<strong>".len();
        Some(html[start..end].to_string())
    };
    assert!(passing(&ru_html).is_some());
    assert_eq!(passing(&ru_html), passing(&uk_html));
}

/// Fill a page's form fields (selector → value; checkboxes take "true"/"false") and submit it.
fn fill_and_submit(p: &Page, cdp: &mut Cdp, form: &str, fields: &[(&str, &str)]) {
    let mut js = format!("var f = document.querySelector({});", json!(form));
    for (sel, v) in fields {
        js.push_str(&format!(
            "var e = f.querySelector({s}); if (e.type === 'checkbox') {{ e.checked = {v} === 'true'; }} else {{ e.value = {v}; }}",
            s = json!(sel),
            v = json!(v)
        ));
    }
    js.push_str("f.querySelector('button[type=submit]').click();");
    p.eval(cdp, &js);
}

/// Wait until the page's text contains `text`.
fn wait_text(p: &Page, cdp: &mut Cdp, text: &str, what: &str) {
    p.wait(
        cdp,
        &format!(
            "document.readyState === 'complete' && document.body.innerText.includes({})",
            json!(text)
        ),
        what,
    );
}

/// A full three-round exercise in Chromium: the facilitator sets the clock and
/// moves through the stages, four delegations move, the scripted injects and a
/// live one reach their targets only, the facilitator overrides round 2, the
/// notetaker keeps notes, two roles write lessons, and the after-action report
/// holds it all. Screenshots: target/tmp/exercise-browser-game/.
#[test]
fn a_three_round_exercise_with_seven_roles_ends_in_the_after_action_report() {
    let Some(exe) = chromium() else {
        skip_notice(
            "the three-round browser test is SKIPPED: chromium not found (install Debian's `chromium`)",
        );
        return;
    };
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let s = start_on("browser-game", crate::game::scenario_with_injects());
    let base = format!("http://{}", s.running.addr);
    let (_browser, mut cdp) = launch(&exe);
    let cdp = &mut cdp;
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("exercise-browser-game");
    std::fs::create_dir_all(&shots).unwrap();

    let fac = Page::new(cdp);
    fac.sign_in(
        cdp,
        &base,
        "facilitator",
        &s.codes.facilitator,
        "/facilitator",
    );
    let actors = ["ru", "uk", "ua", "us"];
    let dels: Vec<Page> = actors
        .iter()
        .map(|a| {
            let p = Page::new(cdp);
            p.sign_in(
                cdp,
                &base,
                &format!("delegation:{a}"),
                &s.codes.delegations[*a],
                "/delegation",
            );
            p
        })
        .collect();
    let (ru, uk, ua) = (&dels[0], &dels[1], &dels[2]);
    let obs = Page::new(cdp);
    obs.sign_in(cdp, &base, "observer", &s.codes.observer, "/public");
    let nt = Page::new(cdp);
    nt.sign_in(cdp, &base, "notetaker", &s.codes.notetaker, "/notes");

    // Setup: the clock.
    fill_and_submit(
        &fac,
        cdp,
        "#clock-form",
        &[
            ("input[name=start]", "2025-09-01"),
            ("input[name=interval]", "14"),
        ],
    );
    wait_text(
        &fac,
        cdp,
        "Open round 1 (planning, 2025-09-01)",
        "the clock",
    );

    let advance = |cdp: &mut Cdp, text: &str| {
        fac.eval(cdp, "document.getElementById('advance').click()");
        wait_text(&fac, cdp, text, text);
    };
    let move_with = |p: &Page, cdp: &mut Cdp, who: &str, reservation: &str, round: u32| {
        p.wait(
            cdp,
            "document.querySelector('#move-form button').disabled === false",
            &format!("{who}'s form to open"),
        );
        fill_and_submit(
            p,
            cdp,
            "#move-form",
            &[("input[name=reservation]", reservation)],
        );
        wait_text(
            p,
            cdp,
            &format!("You have moved in round {round}"),
            &format!("{who}'s move"),
        );
    };

    // Round 1: planning, negotiation, verdict.
    advance(cdp, "Round 1 is open for moves · planning");
    for (p, (a, r)) in
        dels.iter()
            .zip([("ru", "0.55"), ("uk", "0.45"), ("ua", "0.5"), ("us", "0.5")])
    {
        move_with(p, cdp, a, r, 1);
    }
    advance(cdp, "Round 1 is open for moves · negotiation");
    nt.goto(cdp, &format!("{base}/notes"));
    fill_and_submit(
        &nt,
        cdp,
        "#note-form",
        &[
            ("select[name=kind]", "moment"),
            (
                "textarea[name=text]",
                "Russia softens its reservation in round 1",
            ),
        ],
    );
    wait_text(&nt, cdp, "Russia softens its reservation", "the note");
    advance(cdp, "Round 1 verdict published · debrief");
    fac.wait(
        cdp,
        "document.querySelector('table.band') !== null",
        "the band",
    );
    fac.screenshot(cdp, &shots.join("1-facilitator-round1-band.png"));

    // Round 2: the scripted inject reaches everyone, the live one only Ukraine.
    advance(cdp, "Round 2 is open for moves · planning");
    wait_text(
        ru,
        cdp,
        "legitimate targets",
        "the scripted inject on ru's page",
    );
    wait_text(
        &obs,
        cdp,
        "legitimate targets",
        "the scripted inject on the observer's page",
    );
    fill_and_submit(
        &fac,
        cdp,
        "#inject-form",
        &[
            (
                "textarea[name=text]",
                "Kyiv hears that Washington will not send aircraft",
            ),
            ("input[name=target][value=ua]", "true"),
            ("textarea[name=set]", "actors.us.reservation=0.7"),
        ],
    );
    wait_text(
        &fac,
        cdp,
        "Kyiv hears",
        "the live inject on the facilitator's page",
    );
    wait_text(ua, cdp, "Kyiv hears", "the live inject on ua's page");
    ua.screenshot(cdp, &shots.join("2-delegation-ua-live-inject.png"));
    move_with(ru, cdp, "ru", "0.6", 2);
    move_with(ua, cdp, "ua", "0.45", 2);
    advance(cdp, "Round 2 is open for moves · negotiation");
    advance(cdp, "Round 2 verdict published · debrief");
    fill_and_submit(
        &fac,
        cdp,
        "#override-form",
        &[
            ("select[name=ruling]", "passes"),
            ("input[name=p_pass]", "1"),
            (
                "textarea[name=reason]",
                "Moscow signalled flexibility in the back channel",
            ),
        ],
    );
    wait_text(
        &obs,
        cdp,
        "Overridden by the facilitator",
        "the override on the observer's page",
    );
    obs.screenshot(cdp, &shots.join("3-observer-round2-override.png"));

    // Round 3: the UK-and-France inject.
    advance(cdp, "Round 3 is open for moves · planning");
    wait_text(
        uk,
        cdp,
        "grounds part of the RAF",
        "the targeted inject on uk's page",
    );
    wait_text(
        &nt,
        cdp,
        "grounds part of the RAF",
        "the targeted inject on the notetaker's page",
    );
    // A live inject for ru only that swaps one of its red lines for a new one.
    let ru_line = guarantor_model::default_scenario()
        .actor("ru")
        .unwrap()
        .red_lines[0]
        .id
        .clone();
    let drop_box = format!("input[name=drop_red_line][value=\"ru/{ru_line}\"]");
    fill_and_submit(
        &fac,
        cdp,
        "#inject-form",
        &[
            (
                "textarea[name=text]",
                "Moscow trades one condition for another",
            ),
            ("input[name=target][value=ru]", "true"),
            (drop_box.as_str(), "true"),
            (
                "textarea[name=add_red_line]",
                "actor = \"ru\"\nid = \"no_monitors\"\nkind = \"option\"\ncomponent = \"ground_force\"\noptions = [\"trainers_monitors\"]\nhardness = \"stated\"",
            ),
        ],
    );
    wait_text(
        ru,
        cdp,
        "Moscow trades one condition",
        "the live red-line inject on ru's page",
    );
    let ru_page = ru.html(cdp);
    assert!(
        ru_page.contains("no_monitors"),
        "the new red line in ru's form"
    );
    ru.screenshot(cdp, &shots.join("3-delegation-ru-live-red-line.png"));
    fill_and_submit(
        &nt,
        cdp,
        "#note-form",
        &[
            ("select[name=kind]", "quote"),
            ("textarea[name=text]", "We cannot fly what is grounded (UK)"),
        ],
    );
    wait_text(&nt, cdp, "We cannot fly what is grounded", "the quote");
    move_with(uk, cdp, "uk", "0.5", 3);
    advance(cdp, "Round 3 is open for moves · negotiation");
    advance(cdp, "Round 3 verdict published · debrief");

    // Lessons learned, written by a delegation and rewritten by the notetaker.
    uk.goto(cdp, &format!("{base}/lessons"));
    fill_and_submit(
        uk,
        cdp,
        "#lesson-form",
        &[(
            "textarea[name=text]",
            "Air capacity decides the no-fly options",
        )],
    );
    wait_text(uk, cdp, "Air capacity decides", "uk's lesson");
    nt.goto(cdp, &format!("{base}/lessons"));
    fill_and_submit(
        &nt,
        cdp,
        "#lesson-form",
        &[
            ("select[name=lesson]", "1"),
            (
                "textarea[name=text]",
                "Air capacity, not will, decides the no-fly options",
            ),
        ],
    );
    wait_text(&nt, cdp, "not will", "the rewritten lesson");
    nt.goto(cdp, &format!("{base}/notes"));
    nt.screenshot(cdp, &shots.join("4-notetaker-notes.png"));

    // What the others may not read.
    let ru_html = ru.html(cdp);
    assert!(!ru_html.contains("Kyiv hears") && !ru_html.contains("grounds part of the RAF"));
    let obs_html = obs.html(cdp);
    assert!(!obs_html.contains("Kyiv hears") && !obs_html.contains("grounds part of the RAF"));

    // The debrief of round 2 as the observer sees it.
    obs.goto(cdp, &format!("{base}/debrief?round=2"));
    wait_text(&obs, cdp, "What each delegation changed", "the debrief");
    let d = obs.html(cdp);
    assert!(
        d.contains("its changes are private") && !d.contains("0.65 → 0.6"),
        "{d}"
    );
    obs.screenshot(cdp, &shots.join("5-observer-debrief-round2.png"));

    // The after-action report.
    fac.goto(cdp, &format!("{base}/report/after-action"));
    wait_text(&fac, cdp, "After-action report", "the report");
    let aar = fac
        .eval(cdp, "document.body.innerText")
        .as_str()
        .unwrap()
        .to_string();
    for want in [
        "legitimate targets",
        "Kyiv hears",
        "grounds part of the RAF",
        "Overridden by the facilitator",
        "Moscow signalled flexibility",
        "Russia softens its reservation",
        "We cannot fly what is grounded",
        "Air capacity, not will",
        "reservation 0.65 → 0.6",
        "reservation 0.5 → 0.45",
    ] {
        assert!(aar.contains(want), "the report lacks {want}");
    }
    // Its inline style applies (the CSP admits it by hash): the body font is not the default serif.
    let font = fac.eval(cdp, "getComputedStyle(document.body).fontFamily");
    assert!(
        !font.as_str().unwrap_or("").starts_with("\"Times"),
        "{font}"
    );
    fac.screenshot(cdp, &shots.join("6-after-action-report.png"));
}

/// A skip must show in `cargo test`'s output, which captures `eprintln!` of
/// passing tests: write to the process's standard error directly.
fn skip_notice(what: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "NOTICE: {what}");
}

//! The call card (issue 13): whom to call now, the number and who is next, with a
//! faked clock in the site's timezone (America/New_York), and where it lies on a
//! phone's first screen.

use crate::cdp::{Tab, TabOptions};
use crate::{Browser, Fixture, TestFn, ensure, file_url};
use serde_json::Value;
use std::time::Duration;

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![
        (
            "call_card_skips_a_closed_level_one_and_times_the_next_from_the_open_one",
            call_card_skips_a_closed_level_one_and_times_the_next_from_the_open_one,
        ),
        (
            "call_card_in_business_hours_calls_level_one_first",
            call_card_in_business_hours_calls_level_one_first,
        ),
        (
            "call_card_with_nobody_answering_says_until_when_and_links_the_guide",
            call_card_with_nobody_answering_says_until_when_and_links_the_guide,
        ),
        (
            "call_card_deadlines_are_true_across_dst_changes",
            call_card_deadlines_are_true_across_dst_changes,
        ),
        (
            "call_card_number_is_on_a_phones_first_screen",
            call_card_number_is_on_a_phones_first_screen,
        ),
        (
            "runbook_steps_start_on_a_desktops_first_screen",
            runbook_steps_start_on_a_desktops_first_screen,
        ),
        (
            "ladder_is_complete_without_javascript",
            ladder_is_complete_without_javascript,
        ),
        (
            "weekly_hours_read_in_the_browser_are_the_hours_cairn_wrote",
            weekly_hours_read_in_the_browser_are_the_hours_cairn_wrote,
        ),
    ]
}

/// What a call card shows, read from the page.
#[derive(Debug)]
struct Card {
    answering: String,
    level: String,
    party: String,
    tel: String,
    deadline: String,
    next: String,
    next_tel: String,
    text: String,
}

const READ_CARD: &str = r#"(() => {
  const c = document.getElementById(CARD);
  if (!c || c.hidden) return null;
  const q = (s) => c.querySelector(s);
  const tel = q('.contacts a[href^="tel:"]'), next = q('.call-next'), ntel = next && next.querySelector('a[href^="tel:"]');
  return {
    answering: c.getAttribute('data-answering') || '',
    level: q('.call-level') ? q('.call-level').textContent : '',
    party: q('.call-party') ? q('.call-party').textContent.trim() : '',
    tel: tel ? tel.getAttribute('href') : '',
    deadline: next ? (next.getAttribute('data-deadline') || '') : '',
    next: next ? next.textContent : '',
    next_tel: ntel ? ntel.getAttribute('href') : '',
    text: c.textContent,
  };
})()"#;

fn open<'b>(b: &'b Browser, url: &str, now: &str, opts: TabOptions) -> Result<Tab<'b>, String> {
    let mut tab = b.chrome().tab(&TabOptions {
        now: Some(now.into()),
        ..opts
    })?;
    tab.goto(url)?;
    tab.wait_for(
        "document.querySelector('.call-card:not([hidden])')",
        Duration::from_secs(5),
    )?;
    Ok(tab)
}

fn card(tab: &mut Tab, id: &str) -> Result<Card, String> {
    let v = tab.eval(&READ_CARD.replace("CARD", &format!("{id:?}")))?;
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    ensure(!v.is_null(), || format!("no visible call card #{id}"))?;
    Ok(Card {
        answering: s("answering"),
        level: s("level"),
        party: s("party"),
        tel: s("tel"),
        deadline: s("deadline"),
        next: s("next"),
        next_tel: s("next_tel"),
        text: s("text"),
    })
}

/// The ladder level states cairn.js set (`now`, `open`, `closed`), in order.
fn states(tab: &mut Tab, ladder: &str) -> Result<Vec<String>, String> {
    let v = tab.eval(&format!(
        "Array.from(document.querySelectorAll('#{ladder} .level')).map(l => l.getAttribute('data-state') + ': ' + l.querySelector('.lh').textContent.replace(/\\s+/g, ' ').trim())"
    ))?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default())
}

/// Saturday 02:00 in New York: level 1 (Acme, business hours) is closed, so the NOC
/// (level 2) is called at once and Lakeview (level 3, `after: 30m`) at 02:30, on the
/// system page and on a runbook of that system alike.
fn call_card_skips_a_closed_level_one_and_times_the_next_from_the_open_one(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let now = "2026-11-28T02:00:00-05:00";
    for page in [
        "systems/firewall/index.html",
        "runbooks/network/vpn-down/index.html",
    ] {
        let mut tab = open(b, &file_url(&f.out, page), now, TabOptions::default())?;
        let c = card(&mut tab, "call-firewall")?;
        ensure(
            c.answering == "2" && c.level == "Level 2 of 4" && c.party.contains("Bright MSP"),
            || format!("{page}: level 2, Bright MSP should answer; got {c:?}"),
        )?;
        ensure(c.tel == "tel:+15550142", || {
            format!("{page}: the NOC's number; got {c:?}")
        })?;
        ensure(
            c.text
                .contains("answers around the clock · responds within 15m"),
            || format!("{page}: the level's hours and response time; got {c:?}"),
        )?;
        ensure(
            c.deadline == "02:30"
                && c.next.contains("Lakeview NOC")
                && c.next_tel == "tel:+15550180",
            || format!("{page}: no answer by 02:30 → Lakeview NOC +1 555 0180; got {c:?}"),
        )?;
        // A region named for its system: by the system page's markup, and by
        // cairn.js on a runbook (whose page carries no label for a hidden card).
        let region = tab.eval(
            "[document.getElementById('call-firewall').getAttribute('role'), document.getElementById('call-firewall').getAttribute('aria-label')]",
        )?;
        ensure(
            region == serde_json::json!(["region", "Whom to call now: Firewalls and site VPN"]),
            || format!("{page}: the card's role and name; got {region}"),
        )?;
        let s = states(&mut tab, "ladder-firewall")?;
        ensure(
            s.len() == 4
                && s[0].starts_with("closed:")
                && s[0].contains("opens Mon 08:00")
                && s[1].starts_with("now:")
                && s[1].contains("Level 2 of 4, Bright MSP, answers now")
                && s[2].starts_with("open:")
                && s[2].contains("also answering, call at 02:30")
                && s[3].starts_with("open:")
                && s[3].contains("call at 03:30"),
            || format!("{page}: ladder states {s:#?}"),
        )?;
        let csp = tab.csp_violations();
        ensure(csp.is_empty(), || {
            format!("{page}: CSP violations: {csp:?}")
        })?;
    }
    Ok(())
}

fn call_card_in_business_hours_calls_level_one_first(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let url = file_url(&f.out, "systems/firewall/index.html");
    let mut tab = open(b, &url, "2026-11-30T10:00:00-05:00", TabOptions::default())?;
    let c = card(&mut tab, "call-firewall")?;
    ensure(
        c.answering == "1" && c.tel == "tel:+15550101" && c.text.contains("Marcus Lee"),
        || format!("Monday 10:00: Marcus Lee answers; got {c:?}"),
    )?;
    ensure(
        c.deadline == "10:15"
            && c.next.contains("NOC, Bright MSP")
            && c.next_tel == "tel:+15550142",
        || format!("Monday 10:00: no answer by 10:15 → the NOC; got {c:?}"),
    )
}

/// Wi-Fi at night: nobody on its ladder answers until Monday 08:00; the card says
/// so, names who opens then, and links the escalation guide.
fn call_card_with_nobody_answering_says_until_when_and_links_the_guide(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    for page in [
        "systems/wifi/index.html",
        "runbooks/network/wifi-not-connecting/index.html",
    ] {
        let mut tab = open(
            b,
            &file_url(&f.out, page),
            "2026-11-28T23:30:00-05:00",
            TabOptions::default(),
        )?;
        let c = card(&mut tab, "call-wifi")?;
        ensure(
            c.answering == "0"
                && c.text.contains("Nobody answers now")
                && c.deadline == "Mon 08:00"
                && c.next.contains("level 1, Acme Dental Internal IT")
                && c.next_tel.starts_with("tel:+1555010"),
            || format!("{page}: nobody until Mon 08:00, then Acme; got {c:?}"),
        )?;
        let guide =
            tab.eval("(document.querySelector('#call-wifi .call-guide a') || {}).href || ''")?;
        ensure(
            guide
                .as_str()
                .is_some_and(|g| g.ends_with("guides/how-to-escalate/index.html")),
            || format!("{page}: the card should link the escalation guide; got {guide}"),
        )?;
    }
    Ok(())
}

/// Clock times are real time: 30 minutes after 01:50 on the night clocks spring
/// forward is 03:20, and on the night they fall back, 01:20.
fn call_card_deadlines_are_true_across_dst_changes(b: &Browser, f: &Fixture) -> Result<(), String> {
    let url = file_url(&f.out, "systems/firewall/index.html");
    for (now, want) in [
        ("2026-03-08T01:50:00-05:00", "03:20"),
        ("2026-11-01T01:50:00-04:00", "01:20"),
    ] {
        let mut tab = open(b, &url, now, TabOptions::default())?;
        let c = card(&mut tab, "call-firewall")?;
        ensure(
            c.answering == "2" && c.tel == "tel:+15550142" && c.deadline == want,
            || format!("at {now} the NOC answers and Lakeview is next at {want}; got {c:?}"),
        )?;
    }
    Ok(())
}

const PHONE: TabOptions = TabOptions {
    width: 390,
    height: 844,
    mobile: true,
    dark: false,
    print: false,
    now: None,
};

/// Bottom edge (page coordinates) of the first element matching `selector`.
fn bottom(tab: &mut Tab, selector: &str) -> Result<f64, String> {
    let v = tab.eval(&format!(
        "(() => {{ const e = document.querySelector({selector:?}); if (!e) return null; const r = e.getBoundingClientRect(); return r.bottom + window.scrollY; }})()"
    ))?;
    v.as_f64()
        .ok_or_else(|| format!("nothing matches {selector}"))
}

fn call_card_number_is_on_a_phones_first_screen(b: &Browser, f: &Fixture) -> Result<(), String> {
    for page in [
        "systems/firewall/index.html",
        "runbooks/network/vpn-down/index.html",
    ] {
        let mut tab = open(
            b,
            &file_url(&f.out, page),
            "2026-11-28T02:00:00-05:00",
            PHONE,
        )?;
        let y = bottom(&mut tab, "#call-firewall .contacts a[href^='tel:']")?;
        ensure(y <= 844.0, || {
            format!("{page}: the answering level's number ends at y={y}, below the first 844 px")
        })?;
        // Nothing runs off the side of a phone.
        let w = tab.eval("document.documentElement.scrollWidth")?;
        ensure(w.as_f64().is_some_and(|w| w <= 390.0), || {
            format!("{page}: the page is {w} px wide on a 390 px phone")
        })?;
        let folded = tab.eval("document.querySelector('#ladder-firewall details').open")?;
        ensure(folded == Value::Bool(false), || {
            format!("{page}: on a phone the full ladder folds under the card")
        })?;
    }
    Ok(())
}

fn runbook_steps_start_on_a_desktops_first_screen(b: &Browser, f: &Fixture) -> Result<(), String> {
    let mut tab = open(
        b,
        &file_url(&f.out, "runbooks/network/vpn-down/index.html"),
        "2026-11-28T02:00:00-05:00",
        TabOptions::default(),
    )?;
    // The first line of the first step (a step may hold a long code block).
    let y = tab.eval(
        "(() => { const li = document.querySelector('.prose ol > li'); const w = document.createTreeWalker(li, NodeFilter.SHOW_TEXT); let n; while ((n = w.nextNode()) && !n.textContent.trim()); const r = document.createRange(); r.selectNodeContents(n); return r.getClientRects()[0].bottom + window.scrollY; })()",
    )?;
    let y = y.as_f64().ok_or("no first step")?;
    ensure(y <= 800.0, || {
        format!(
            "the first step's first line ends at y={y}, below the first 800 px of a 1280×800 screen"
        )
    })
}

/// Without JavaScript the card stays hidden and the full ladder is open, every
/// level with its contact and hours.
fn ladder_is_complete_without_javascript(b: &Browser, f: &Fixture) -> Result<(), String> {
    let mut tab = b.chrome().tab(&TabOptions::default())?;
    tab.send(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({ "value": true }),
    )?;
    tab.goto(&file_url(&f.out, "systems/firewall/index.html"))?;
    let v = tab.eval(
        "[document.querySelector('#ladder-firewall details').open, document.querySelector('#call-firewall').hidden, document.querySelector('#ladder-firewall').innerText, document.documentElement.classList.contains('js')]",
    )?;
    ensure(v[3] == Value::Bool(false), || "scripts ran".into())?;
    ensure(
        v[0] == Value::Bool(true) && v[1] == Value::Bool(true),
        || format!("without JS the ladder is open and the empty card hidden; got {v}"),
    )?;
    let text = v[2].as_str().unwrap_or_default();
    for want in [
        "Marcus Lee",
        "+1 555 0101",
        "+1 555 0142",
        "+1 555 0180",
        "Lakeview NOC",
        "New York time",
        "30m without an answer",
    ] {
        ensure(text.contains(want), || {
            format!("the no-JS ladder lacks {want:?}:\n{text}")
        })?;
    }
    Ok(())
}

/// Each level's `data-hours` is a weekly pattern (`480-1080/31`); what
/// `cairn.ladderFrom` reads from it is the minutes cairn wrote, for the usual
/// hours and for windows over midnight, over Sunday night and on single days,
/// and a few hundred made up (the weekly answer before the calendar's first
/// day, and without a calendar, comes from these).
fn weekly_hours_read_in_the_browser_are_the_hours_cairn_wrote(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    use cairn::model::{CoverageWindow, DaySet, HoursSpec, MINUTES_PER_WEEK, TimeOfDay};
    let window = |days: &str, from: &str, to: &str| {
        CoverageWindow::weekly(
            DaySet::parse(days).unwrap(),
            TimeOfDay::parse(from).unwrap(),
            TimeOfDay::parse(to).unwrap(),
        )
    };
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let mut specs = vec![
        HoursSpec::Always,
        HoursSpec::Windows(vec![window("mon-fri", "08:00", "18:00")]),
        HoursSpec::Windows(vec![window("mon-sun", "18:00", "08:00")]),
        HoursSpec::Windows(vec![window("sun", "22:00", "02:00")]),
        HoursSpec::Windows(vec![
            window("fri", "18:00", "08:00"),
            window("sat", "09:00", "13:00"),
        ]),
        HoursSpec::Windows(vec![
            window("sat-sun", "00:00", "00:00"),
            window("mon", "00:00", "08:00"),
        ]),
        HoursSpec::Windows(Vec::new()),
    ];
    // Made up, the same every run: one to three windows of any days and times.
    let mut seed: u64 = 27;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for _ in 0..300 {
        let windows = (0..=next(3))
            .map(|_| {
                let days: Vec<&str> = (0..7).filter(|_| next(2) == 0).map(|d| DAYS[d]).collect();
                let days = if days.is_empty() {
                    "wed".to_string()
                } else {
                    days.join(",")
                };
                let time = |m: u64| format!("{:02}:{:02}", m / 60, m % 60);
                window(&days, &time(next(96) * 15), &time(next(96) * 15))
            })
            .collect();
        specs.push(HoursSpec::Windows(windows));
    }
    // What the browser should read: covered runs, none over Sunday midnight.
    let want: Vec<Vec<[usize; 2]>> = specs
        .iter()
        .map(|spec| {
            let mut runs: Vec<[usize; 2]> = Vec::new();
            for (a, b) in spec.mask().spans() {
                if b > MINUTES_PER_WEEK {
                    runs.push([0, b - MINUTES_PER_WEEK]);
                    runs.push([a, MINUTES_PER_WEEK]);
                } else {
                    runs.push([a, b]);
                }
            }
            runs.sort();
            runs
        })
        .collect();
    let patterns: Vec<String> = specs.iter().map(|s| s.mask().pattern()).collect();
    let mut tab = b.chrome().tab(&TabOptions::default())?;
    tab.goto(&file_url(&f.out, "systems/firewall/index.html"))?;
    tab.wait_for(
        "window.cairn && window.cairn.ladderFrom",
        Duration::from_secs(5),
    )?;
    let got = tab.eval(&format!(
        r#"(() => {{
  const patterns = {patterns};
  return patterns.map((p) => {{
    const ladder = document.createElement('section');
    ladder.setAttribute('data-timezone', 'UTC');
    const level = ladder.appendChild(document.createElement('li'));
    level.className = 'level';
    level.setAttribute('data-hours', p);
    const week = new Array(10080).fill(false);
    window.cairn.ladderFrom(ladder).levels[0].spans.forEach(([a, b]) => {{ for (let m = a; m < b; m++) week[m] = true; }});
    const runs = [];
    week.forEach((on, m) => {{
      if (!on) return;
      const last = runs[runs.length - 1];
      if (last && last[1] === m) last[1] = m + 1; else runs.push([m, m + 1]);
    }});
    return runs;
  }});
}})()"#,
        patterns = serde_json::to_string(&patterns).unwrap()
    ))?;
    let got: Vec<Vec<[usize; 2]>> = serde_json::from_value(got).map_err(|e| e.to_string())?;
    for ((pattern, want), got) in patterns.iter().zip(&want).zip(&got) {
        ensure(want == got, || {
            format!("data-hours {pattern:?}: cairn wrote {want:?}, the browser read {got:?}")
        })?;
    }
    ensure(got.len() == patterns.len(), || {
        "a pattern went unread".into()
    })
}

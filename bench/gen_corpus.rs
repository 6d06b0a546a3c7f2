//! cairn-gen-corpus: writes a deterministic, valid cairn site for benchmarks.
//!
//! ```text
//! cargo build --release --example cairn-gen-corpus
//! target/release/examples/cairn-gen-corpus --runbooks N --systems M [--seed S] [--force] OUT_DIR
//! ```
//!
//! An example rather than a `[[bin]]`, so `cargo install` installs `cairn` only;
//! the integration tests include this file as a module and call [`write_site`].
//!
//! The same arguments always produce a byte-identical tree: nothing here reads
//! the clock, the environment or the OS random source, and every file's content
//! depends only on (seed, kind, index). Uses std only (no crates).
//!
//! What it writes (see /SPEC.md in the shared contract):
//! - `cairn.yaml` with business / after-hours / always windows;
//! - `data/parties.yaml` (internal team, provider, vendors; one internal contact);
//! - `data/activities.yaml` (standard catalogue, a few `required: true`);
//! - `data/systems/sys-NNNN.yaml` x M: tiers 1-4 rotating, acyclic `depends_on`
//!   (lower-numbered only), valid RACI rows (one A, at least one R), escalation
//!   ladders that cover the whole week for tiers 1 and 2, SLAs;
//! - `content/_index.md`, `content/docs/`, `content/runbooks/area-XX/[sub-YY/]`
//!   with N runbooks of 400-900 words of varied prose, 2-4 `##` headings, lists,
//!   a table, a fenced code block and 1-2 relative links (some with `#anchor`)
//!   to other runbooks. Every system is named by at least one runbook, every
//!   `last_reviewed` is between 2026-09-01 and 2026-11-20, and nothing looks
//!   like a secret, so `cairn check` on the corpus should be clean.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// ---------------------------------------------------------------------------
// PRNG: splitmix64, seeded per (seed, stream, index) so that every file can be
// generated independently (and in parallel) yet deterministically.

#[derive(Clone)]
struct Rng(u64);

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    fn new(seed: u64, stream: u64, index: u64) -> Rng {
        let s = mix64(seed ^ 0x9e37_79b9_7f4a_7c15)
            ^ mix64(stream.wrapping_add(0x1234_5678))
            ^ mix64(
                index
                    .wrapping_mul(0x2545_f491_4f6c_dd1d)
                    .wrapping_add(stream),
            );
        Rng(mix64(s))
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }
    /// Uniform in `0..n` (n > 0); the tiny modulo bias is irrelevant here.
    fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        (self.next_u64() % n as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next_u64() % den < num
    }
    fn pick<'a, T: ?Sized>(&mut self, xs: &[&'a T]) -> &'a T {
        xs[self.below(xs.len())]
    }
}

// Stream ids, so that adding a use of randomness in one place never changes
// another file.
const S_SYSTEM: u64 = 1;
const S_PLAN: u64 = 2;
const S_BODY: u64 = 3;
const S_SECTION: u64 = 4;

// ---------------------------------------------------------------------------
// Vocabulary (a few hundred IT words, so the search index is realistic).

const NOUNS: &[&str] = &[
    "server",
    "workstation",
    "laptop",
    "tablet",
    "phone",
    "printer",
    "scanner",
    "switch",
    "router",
    "firewall",
    "access point",
    "controller",
    "hypervisor",
    "virtual machine",
    "container",
    "cluster",
    "node",
    "volume",
    "datastore",
    "snapshot",
    "backup job",
    "restore point",
    "replica",
    "mailbox",
    "calendar",
    "distribution list",
    "shared drive",
    "file share",
    "document library",
    "tenant",
    "subscription",
    "license",
    "user account",
    "service account",
    "security group",
    "conditional access policy",
    "sign-in log",
    "audit log",
    "event log",
    "syslog feed",
    "alert",
    "ticket",
    "incident",
    "change request",
    "maintenance window",
    "patch",
    "update ring",
    "feature update",
    "driver",
    "firmware",
    "certificate",
    "DNS record",
    "DHCP scope",
    "VLAN",
    "subnet",
    "gateway",
    "VPN tunnel",
    "site link",
    "WAN circuit",
    "ISP handoff",
    "UPS",
    "power supply",
    "rack",
    "cabinet",
    "badge reader",
    "camera",
    "door controller",
    "endpoint agent",
    "antivirus engine",
    "quarantine",
    "vulnerability scan",
    "baseline",
    "policy",
    "group policy object",
    "registry key",
    "scheduled task",
    "service",
    "process",
    "queue",
    "database",
    "transaction log",
    "index",
    "table",
    "report",
    "dashboard",
    "metric",
    "threshold",
    "health check",
    "heartbeat",
    "probe",
    "monitor",
    "on-call rota",
    "runbook",
    "checklist",
    "escalation path",
    "vendor portal",
    "support case",
    "warranty",
    "asset tag",
    "inventory",
    "configuration",
    "template",
    "image",
    "deployment",
    "rollout",
    "pilot group",
    "retention policy",
    "archive",
    "encryption key",
    "recovery key",
    "MFA prompt",
    "authenticator app",
    "single sign-on",
    "identity provider",
    "directory",
    "domain controller",
    "replication",
    "time source",
    "NTP server",
    "load balancer",
    "web server",
    "API gateway",
    "storage array",
    "tape library",
    "cloud bucket",
    "offsite copy",
    "immutable copy",
    "practice management system",
    "imaging software",
    "payroll export",
    "billing run",
    "phone system",
    "call queue",
    "voicemail box",
    "fax line",
    "Wi-Fi network",
    "guest network",
];

const VERBS: &[&str] = &[
    "check",
    "verify",
    "confirm",
    "restart",
    "reboot",
    "isolate",
    "disable",
    "enable",
    "reset",
    "rotate",
    "renew",
    "update",
    "patch",
    "upgrade",
    "roll back",
    "restore",
    "replicate",
    "export",
    "import",
    "review",
    "inspect",
    "compare",
    "record",
    "document",
    "escalate",
    "notify",
    "assign",
    "acknowledge",
    "close",
    "reopen",
    "schedule",
    "defer",
    "approve",
    "reject",
    "test",
    "validate",
    "measure",
    "collect",
    "archive",
    "purge",
    "rebuild",
    "reindex",
    "resync",
    "reconnect",
    "re-register",
    "reimage",
    "provision",
    "deprovision",
    "license",
    "tag",
    "label",
    "monitor",
    "drain",
    "fail over",
    "fail back",
    "throttle",
    "pause",
    "resume",
    "capture",
    "trace",
    "audit",
    "clean up",
    "harden",
];

const ADJECTIVES: &[&str] = &[
    "primary",
    "secondary",
    "standby",
    "degraded",
    "healthy",
    "stale",
    "pending",
    "failed",
    "successful",
    "current",
    "previous",
    "latest",
    "scheduled",
    "unscheduled",
    "critical",
    "minor",
    "major",
    "local",
    "remote",
    "offsite",
    "onsite",
    "shared",
    "dedicated",
    "virtual",
    "physical",
    "encrypted",
    "unencrypted",
    "expired",
    "expiring",
    "valid",
    "invalid",
    "locked",
    "unlocked",
    "disabled",
    "enabled",
    "orphaned",
    "duplicate",
    "missing",
    "unexpected",
    "intermittent",
    "persistent",
    "slow",
    "unreachable",
    "noisy",
    "quiet",
    "nightly",
    "weekly",
    "monthly",
    "quarterly",
    "after-hours",
    "business-hours",
];

const ADVERBS: &[&str] = &[
    "carefully",
    "first",
    "then",
    "immediately",
    "quickly",
    "gradually",
    "again",
    "manually",
    "automatically",
    "briefly",
    "directly",
    "remotely",
    "locally",
    "only",
    "always",
    "usually",
];

const ACTORS: &[&str] = &[
    "the technician",
    "the on-call engineer",
    "the help desk",
    "the NOC",
    "the IT manager",
    "the practice manager",
    "the vendor",
    "the MSP",
    "the internal team",
    "the service owner",
    "the security analyst",
    "the network engineer",
    "the backup operator",
    "whoever is on call",
];

const CONDITIONS: &[&str] = &[
    "if the alert repeats",
    "when the queue backs up",
    "before the maintenance window",
    "after the change is approved",
    "while users are signed in",
    "once the snapshot completes",
    "if replication lags",
    "when the certificate is close to expiry",
    "during business hours",
    "outside business hours",
    "after a power cut",
    "when the ISP reports an outage",
    "if the restore test fails",
    "before closing the ticket",
    "after the vendor confirms",
    "if more than one site is affected",
    "when a user reports slowness",
];

const REASONS: &[&str] = &[
    "so that nobody assumes the other side is handling it",
    "because the ticket history is the only record the auditors see",
    "to keep the recovery point objective within the agreed limit",
    "so the next shift knows what was already tried",
    "because a silent failure here usually surfaces days later",
    "to avoid locking out the whole office",
    "since the vendor needs the exact timestamps",
    "so the escalation ladder stays accurate",
    "because the SLA clock keeps running",
    "to prove the backup can actually be restored",
];

const TAGS: &[&str] = &[
    "identity",
    "mfa",
    "email",
    "backup",
    "restore",
    "network",
    "firewall",
    "vpn",
    "wifi",
    "printing",
    "endpoint",
    "patching",
    "monitoring",
    "security",
    "incident",
    "onboarding",
    "offboarding",
    "licensing",
    "storage",
    "database",
    "telephony",
    "cloud",
    "compliance",
    "dns",
    "certificates",
    "hardware",
    "vendor",
    "change",
    "documentation",
    "after-hours",
];

const SYSTEM_KINDS: &[&str] = &[
    "Microsoft 365",
    "Entra ID",
    "Active Directory",
    "Edge firewall",
    "Core switch",
    "Wi-Fi controller",
    "File server",
    "Print server",
    "Backup appliance",
    "Offsite backup",
    "Hypervisor host",
    "SQL Server",
    "Practice management",
    "Imaging server",
    "Phone system",
    "VPN concentrator",
    "Endpoint protection",
    "RMM agent",
    "Patch server",
    "Web portal",
    "Payroll system",
    "Line-of-business app",
    "Door access",
    "CCTV recorder",
    "UPS",
    "Internet circuit",
    "DNS filtering",
    "Email security gateway",
    "Password manager",
    "Document management",
    "ERP",
    "CRM",
    "Scanner fleet",
    "Laptop fleet",
    "Mobile devices",
    "SharePoint intranet",
    "Teams telephony",
    "Certificate authority",
    "NAS",
    "Log collector",
];

const LOCATIONS: &[&str] = &[
    "Main office",
    "North clinic",
    "South clinic",
    "Warehouse",
    "Head office",
    "Lab",
    "Branch A",
    "Branch B",
    "Data room",
    "Cloud",
];

const AREAS: &[&str] = &[
    "Identity and access",
    "Email and collaboration",
    "Network",
    "Backup and recovery",
    "Endpoints",
    "Servers",
    "Security operations",
    "Telephony",
    "Line-of-business apps",
    "Facilities",
    "Cloud services",
    "Printing and scanning",
];

const TITLE_VERBS: &[&str] = &[
    "Reset",
    "Restore",
    "Restart",
    "Verify",
    "Replace",
    "Renew",
    "Rotate",
    "Troubleshoot",
    "Recover",
    "Onboard",
    "Offboard",
    "Patch",
    "Fail over",
    "Rebuild",
    "Audit",
    "Reconnect",
];

const SECTION_HEADINGS: &[&str] = &[
    "Before you start",
    "Symptoms",
    "Diagnosis",
    "Fix",
    "Verify the result",
    "Rollback",
    "Escalation",
    "Aftercare",
    "Prerequisites",
    "What to check first?",
    "Known causes",
    "Restore from backup",
    "Communicate with users",
    "Close the ticket",
    "Who does what (and when)",
    "If it happens again",
    "Recovery steps",
    "Scope and impact",
];

const SUB_HEADINGS: &[&str] = &["Notes", "Checks", "Example", "Details"];

const ACTIVITIES: &[(&str, &str, bool)] = &[
    (
        "Help desk",
        "First-line user support by phone, email and portal.",
        false,
    ),
    (
        "After-hours support",
        "Answering and triaging outside business hours.",
        false,
    ),
    (
        "Patch management",
        "OS and application updates, tested and rolled out.",
        true,
    ),
    (
        "Monitoring",
        "Alerting on availability, capacity and health.",
        true,
    ),
    (
        "Backup verification",
        "Regular test restores, not just green job status.",
        true,
    ),
    (
        "Endpoint security",
        "Antivirus, EDR and device hardening.",
        false,
    ),
    (
        "Vulnerability scanning",
        "Scheduled scans and remediation tracking.",
        false,
    ),
    (
        "Incident response",
        "Containment, communication and recovery.",
        true,
    ),
    (
        "Vendor coordination",
        "Opening and chasing vendor support cases.",
        false,
    ),
    (
        "User onboarding",
        "Accounts, licences and devices for new staff.",
        false,
    ),
    (
        "User offboarding",
        "Removing access and recovering devices.",
        false,
    ),
    (
        "Documentation",
        "Keeping runbooks and diagrams current.",
        false,
    ),
    (
        "Change management",
        "Approving and scheduling changes.",
        false,
    ),
    ("Compliance", "Evidence for audits and regulators.", false),
    (
        "MFA enforcement",
        "Conditional access and second factors for every account.",
        false,
    ),
];

struct Contact {
    name: &'static str,
    role: &'static str,
    email: &'static str,
    phone: &'static str,
    internal: bool,
}

struct Party {
    id: &'static str,
    name: &'static str,
    kind: &'static str,
    hours: &'static str,
    contacts: &'static [Contact],
}

const PARTIES: &[Party] = &[
    Party {
        id: "acme-it",
        name: "Acme Internal IT",
        kind: "internal",
        hours: "business",
        contacts: &[
            Contact {
                name: "Dana Ruiz",
                role: "IT Manager",
                email: "dana@acme.example",
                phone: "+1 555 0100",
                internal: false,
            },
            Contact {
                name: "Sam Okafor",
                role: "Systems Administrator",
                email: "sam@acme.example",
                phone: "+1 555 0101",
                internal: false,
            },
            Contact {
                name: "Night pager",
                role: "On-call pager",
                email: "pager@acme.example",
                phone: "+1 555 0199",
                internal: true,
            },
        ],
    },
    Party {
        id: "bright",
        name: "Bright MSP",
        kind: "provider",
        hours: "always",
        contacts: &[
            Contact {
                name: "NOC",
                role: "Network Operations Centre",
                email: "noc@bright.example",
                phone: "+1 555 0142",
                internal: false,
            },
            Contact {
                name: "Priya Natarajan",
                role: "Account Manager",
                email: "priya@bright.example",
                phone: "+1 555 0143",
                internal: false,
            },
        ],
    },
    Party {
        id: "nightwatch",
        name: "Nightwatch SOC",
        kind: "provider",
        hours: "after-hours",
        contacts: &[Contact {
            name: "SOC desk",
            role: "Security Operations",
            email: "soc@nightwatch.example",
            phone: "+1 555 0160",
            internal: false,
        }],
    },
    Party {
        id: "northwind-isp",
        name: "Northwind Telecom",
        kind: "vendor",
        hours: "always",
        contacts: &[Contact {
            name: "Carrier support",
            role: "Circuit support",
            email: "support@northwind.example",
            phone: "+1 555 0170",
            internal: false,
        }],
    },
    Party {
        id: "fabrikam-backup",
        name: "Fabrikam Backup",
        kind: "vendor",
        hours: "business",
        contacts: &[
            Contact {
                name: "Backup support",
                role: "Vendor support",
                email: "help@fabrikam.example",
                phone: "+1 555 0180",
                internal: false,
            },
            Contact {
                name: "Lee Chen",
                role: "Technical Account Manager",
                email: "lee@fabrikam.example",
                phone: "+1 555 0181",
                internal: false,
            },
        ],
    },
    Party {
        id: "contoso-apps",
        name: "Contoso Software",
        kind: "vendor",
        hours: "business",
        contacts: &[Contact {
            name: "Application support",
            role: "Vendor support",
            email: "support@contoso.example",
            phone: "+1 555 0190",
            internal: false,
        }],
    },
];

// Party indexes used by the ladders.
const P_ACME: usize = 0;
const P_BRIGHT: usize = 1;
const P_NIGHT: usize = 2;

// ---------------------------------------------------------------------------
// Helpers.

/// YAML double-quoted scalar.
fn yq(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            _ => o.push(c),
        }
    }
    o.push('"');
    o
}

/// GitHub-style heading id: lowercase, spaces to `-`, punctuation dropped
/// (letters, digits, `-` and `_` are kept).
fn slug(text: &str) -> String {
    let mut o = String::with_capacity(text.len());
    for c in text.chars() {
        if c == ' ' {
            o.push('-');
        } else if c.is_alphanumeric() || c == '-' || c == '_' {
            o.extend(c.to_lowercase());
        }
    }
    o
}

/// Ids for a document's headings, in order, with `-1`, `-2` for repeats.
fn heading_ids(texts: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::with_capacity(texts.len());
    let mut out = Vec::with_capacity(texts.len());
    for t in texts {
        let base = slug(t);
        let mut id = base.clone();
        let mut n = 0;
        while seen.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        seen.push(id.clone());
        out.push(id);
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Path of `to` (components under content/) relative to directory `from_dir`.
fn rel_path(from_dir: &[String], to: &[String]) -> String {
    let common = from_dir
        .iter()
        .zip(to.iter())
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    for p in &to[common..] {
        parts.push(p);
    }
    parts.join("/")
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

// 2026-09-01 and 2026-11-20 as days since the epoch.
const DAY_FIRST_REVIEW: i64 = 20_697;
const DAY_LAST_REVIEW: i64 = 20_777;

// ---------------------------------------------------------------------------
// Model.

struct System {
    id: String,
    name: String,
}

struct Section {
    /// Components under content/, e.g. ["runbooks", "area-03", "sub-01"].
    dir: Vec<String>,
    title: String,
    area_topic: usize,
}

struct Plan {
    /// Components under content/, e.g. ["runbooks", "area-03", "rb-00042.md"].
    path: Vec<String>,
    section: usize,
    title: String,
    systems: Vec<usize>,
    /// All headings (`##` and `###`), in document order: (level, text).
    headings: Vec<(u8, String)>,
    ids: Vec<String>,
}

struct Corpus {
    seed: u64,
    n_runbooks: usize,
    systems: Vec<System>,
    sections: Vec<Section>,
    plans: Vec<Plan>,
}

fn system_name(i: usize) -> String {
    let kind = SYSTEM_KINDS[i % SYSTEM_KINDS.len()];
    let round = i / SYSTEM_KINDS.len();
    let loc = LOCATIONS[round % LOCATIONS.len()];
    let n = round / LOCATIONS.len();
    if n == 0 {
        format!("{kind} ({loc})")
    } else {
        format!("{kind} ({loc} {})", n + 1)
    }
}

fn build_sections(n_runbooks: usize) -> Vec<Section> {
    // About 100-200 runbooks per area; between 2 and 99 areas. Every third
    // area is split into 2-3 second-level sections.
    let n_areas = (n_runbooks / 150).clamp(2, 99);
    let mut out = Vec::new();
    for a in 0..n_areas {
        let topic = a % AREAS.len();
        let round = a / AREAS.len();
        let title = if round == 0 {
            AREAS[topic].to_string()
        } else {
            format!("{} {}", AREAS[topic], round + 1)
        };
        let area_dir = format!("area-{:02}", a + 1);
        out.push(Section {
            dir: vec!["runbooks".into(), area_dir.clone()],
            title,
            area_topic: topic,
        });
        if a % 3 == 2 {
            let n_sub = 2 + (a % 2);
            for s in 0..n_sub {
                out.push(Section {
                    dir: vec![
                        "runbooks".into(),
                        area_dir.clone(),
                        format!("sub-{:02}", s + 1),
                    ],
                    title: format!("{} — part {}", AREAS[topic], s + 1),
                    area_topic: topic,
                });
            }
        }
    }
    out
}

fn plan_runbook(seed: u64, i: usize, n: usize, systems: &[System], sections: &[Section]) -> Plan {
    let mut r = Rng::new(seed, S_PLAN, i as u64);
    let m = systems.len();
    let section = i % sections.len();
    let mut path = sections[section].dir.clone();
    path.push(format!("rb-{:05}.md", i + 1));

    // Systems: runbook i always names system i % M, so every system is named
    // when N >= M. With fewer runbooks than systems, runbook i names every
    // system j with j % N == i instead.
    let mut sys: Vec<usize> = Vec::new();
    if m > 0 {
        if n >= m {
            sys.push(i % m);
            if m > 1 && r.chance(2, 5) {
                let mut other = r.below(m);
                if other == i % m {
                    other = (other + 1) % m;
                }
                sys.push(other);
            }
        } else {
            sys.extend((i..m).step_by(n));
        }
    }

    let obj = r.pick(NOUNS);
    let title = match sys.first() {
        Some(&s) => format!("{} {} on {}", r.pick(TITLE_VERBS), obj, systems[s].name),
        None => format!("{} {}", r.pick(TITLE_VERBS), obj),
    };

    // 2-4 `##` headings (distinct), each maybe with a `###` subheading from a
    // small set so repeats (notes, notes-1, ...) happen.
    let n_h2 = r.range(2, 4);
    let mut headings = Vec::new();
    let mut used: Vec<usize> = Vec::new();
    for k in 0..n_h2 {
        let mut h = r.below(SECTION_HEADINGS.len());
        while used.contains(&h) {
            h = (h + 1) % SECTION_HEADINGS.len();
        }
        used.push(h);
        let text = if k == 0 && r.chance(1, 4) {
            format!("Step 1: {}", SECTION_HEADINGS[h].to_lowercase())
        } else {
            SECTION_HEADINGS[h].to_string()
        };
        headings.push((2u8, text));
        if r.chance(1, 2) {
            headings.push((3u8, r.pick(SUB_HEADINGS).to_string()));
        }
    }
    let texts: Vec<String> = headings.iter().map(|(_, t)| t.clone()).collect();
    let ids = heading_ids(&texts);
    Plan {
        path,
        section,
        title,
        systems: sys,
        headings,
        ids,
    }
}

impl Corpus {
    fn new(seed: u64, n_runbooks: usize, n_systems: usize) -> Corpus {
        let systems: Vec<System> = (0..n_systems)
            .map(|i| System {
                id: format!("sys-{:04}", i + 1),
                name: system_name(i),
            })
            .collect();
        let sections = build_sections(n_runbooks);
        let plans = (0..n_runbooks)
            .map(|i| plan_runbook(seed, i, n_runbooks, &systems, &sections))
            .collect();
        Corpus {
            seed,
            n_runbooks,
            systems,
            sections,
            plans,
        }
    }
}

// ---------------------------------------------------------------------------
// Prose.

fn sentence(r: &mut Rng, o: &mut String, ctx: &[&str]) {
    let noun = |r: &mut Rng| -> &str {
        if !ctx.is_empty() && r.chance(1, 8) {
            ctx[r.below(ctx.len())]
        } else {
            r.pick(NOUNS)
        }
    };
    let s = match r.below(9) {
        0 => format!(
            "{} {} the {} {} {}.",
            capitalize(r.pick(ACTORS)),
            verb_s(r.pick(VERBS)),
            r.pick(ADJECTIVES),
            noun(r),
            r.pick(CONDITIONS)
        ),
        1 => format!(
            "{} {} the {} and {} the {}.",
            capitalize(r.pick(ADVERBS)),
            r.pick(VERBS),
            noun(r),
            r.pick(VERBS),
            noun(r)
        ),
        2 => format!(
            "{}, {} the {} {}.",
            capitalize(r.pick(CONDITIONS)),
            r.pick(VERBS),
            noun(r),
            r.pick(REASONS)
        ),
        3 => format!(
            "The {} {} is often the first sign that the {} needs attention.",
            r.pick(ADJECTIVES),
            noun(r),
            noun(r)
        ),
        4 => format!(
            "Do not {} the {} until {} has confirmed the {} is {}.",
            r.pick(VERBS),
            noun(r),
            r.pick(ACTORS),
            noun(r),
            r.pick(ADJECTIVES)
        ),
        5 => format!(
            "Record the {} and the {} in the ticket {}.",
            noun(r),
            noun(r),
            r.pick(REASONS)
        ),
        6 => format!(
            "{} usually means the {} was not {} after the last {}.",
            capitalize(&with_article(r.pick(ADJECTIVES), noun(r))),
            noun(r),
            past(r.pick(VERBS)),
            noun(r)
        ),
        7 => format!(
            "{} {} {} the {} and {} the {} {}.",
            capitalize(r.pick(ACTORS)),
            r.pick(ADVERBS),
            verb_s(r.pick(VERBS)),
            noun(r),
            verb_s(r.pick(VERBS)),
            r.pick(ADJECTIVES),
            noun(r)
        ),
        _ => format!(
            "Expect the {} to take longer {}; {} the {} {}.",
            noun(r),
            r.pick(CONDITIONS),
            r.pick(VERBS),
            noun(r),
            r.pick(ADVERBS)
        ),
    };
    o.push_str(&s);
}

/// "a stale ticket", "an expired certificate".
fn with_article(adj: &str, noun: &str) -> String {
    let an = adj.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {adj} {noun}", if an { "an" } else { "a" })
}

/// Third person singular of a (possibly two-word) verb.
fn verb_s(v: &str) -> String {
    let (head, tail) = match v.split_once(' ') {
        Some((h, t)) => (h, Some(t)),
        None => (v, None),
    };
    let h = if head.ends_with("sh")
        || head.ends_with("ch")
        || head.ends_with('s')
        || head.ends_with('x')
    {
        format!("{head}es")
    } else if head.ends_with('y') && !head.ends_with("ay") && !head.ends_with("ey") {
        format!("{}ies", &head[..head.len() - 1])
    } else {
        format!("{head}s")
    };
    match tail {
        Some(t) => format!("{h} {t}"),
        None => h,
    }
}

/// Rough past participle of a (possibly two-word) verb.
fn past(v: &str) -> String {
    let (head, tail) = match v.split_once(' ') {
        Some((h, t)) => (h, Some(t)),
        None => (v, None),
    };
    let h = match head {
        "reset" | "set" => head.to_string(),
        "drain" | "label" | "tag" | "audit" => format!("{head}ed"),
        _ if head.ends_with('e') => format!("{head}d"),
        _ if head.ends_with('y') && !head.ends_with("ay") && !head.ends_with("ey") => {
            format!("{}ied", &head[..head.len() - 1])
        }
        _ => format!("{head}ed"),
    };
    match tail {
        Some(t) => format!("{h} {t}"),
        None => h,
    }
}

/// A paragraph of 3-6 sentences; occasionally a word in `code` or **bold**.
fn paragraph(r: &mut Rng, o: &mut String, ctx: &[&str]) {
    let n = r.range(3, 6);
    paragraph_of(r, o, ctx, n);
}

/// A short paragraph (2-3 sentences), for the fixed parts of a runbook.
fn short_paragraph(r: &mut Rng, o: &mut String, ctx: &[&str]) {
    let n = r.range(2, 3);
    paragraph_of(r, o, ctx, n);
}

fn paragraph_of(r: &mut Rng, o: &mut String, ctx: &[&str], n: usize) {
    for k in 0..n {
        if k > 0 {
            o.push(' ');
        }
        sentence(r, o, ctx);
    }
    if r.chance(1, 4) {
        let _ = write!(
            o,
            " Keep the `{}` step **{}**.",
            slug(r.pick(NOUNS)),
            r.pick(ADJECTIVES)
        );
    }
    o.push_str("\n\n");
}

fn list(r: &mut Rng, o: &mut String, ctx: &[&str]) {
    let ordered = r.chance(1, 2);
    let n = r.range(3, 6);
    for k in 0..n {
        if ordered {
            let _ = write!(o, "{}. ", k + 1);
        } else {
            o.push_str("- ");
        }
        let noun = if !ctx.is_empty() && r.chance(1, 5) {
            ctx[r.below(ctx.len())]
        } else {
            r.pick(NOUNS)
        };
        let _ = writeln!(
            o,
            "{} the {} {} {}.",
            capitalize(r.pick(VERBS)),
            r.pick(ADJECTIVES),
            noun,
            r.pick(CONDITIONS)
        );
    }
    o.push('\n');
}

fn table(r: &mut Rng, o: &mut String) {
    o.push_str("| Check | Expected | Who | Within |\n|---|---|---|---|\n");
    let n = r.range(3, 5);
    for _ in 0..n {
        let p = &PARTIES[r.below(PARTIES.len())];
        let within = ["15m", "30m", "1h", "4h", "1d"][r.below(5)];
        let _ = writeln!(
            o,
            "| {} {} | {} | {} | {} |",
            capitalize(r.pick(NOUNS)),
            r.pick(NOUNS),
            capitalize(r.pick(ADJECTIVES)),
            p.name,
            within
        );
    }
    o.push('\n');
}

const LANGS: &[&str] = &["powershell", "bash", "yaml", "json", "sql", "dockerfile"];

fn code_block(r: &mut Rng, o: &mut String, lang_idx: usize, sys_id: &str) {
    let lang = LANGS[lang_idx % LANGS.len()];
    let name = slug(r.pick(NOUNS));
    let host = format!("{}-{:02}", sys_id, r.range(1, 12));
    let user = ["jdoe", "asmith", "mlopez", "kpatel", "tnguyen"][r.below(5)];
    let _ = writeln!(o, "```{lang}");
    match lang {
        "powershell" => {
            let _ = writeln!(
                o,
                "# {} the {} on {host}",
                capitalize(r.pick(VERBS)),
                r.pick(NOUNS)
            );
            let _ = writeln!(o, "$target = \"{host}\"");
            let _ = writeln!(
                o,
                "Get-Service -ComputerName $target -Name \"{name}\" | Select-Object Status, StartType"
            );
            let _ = writeln!(
                o,
                "Get-ADUser -Identity {user} -Properties LastLogonDate, LockedOut"
            );
            let _ = writeln!(o, "Restart-Service -Name \"{name}\" -Force -Verbose");
            let _ = writeln!(
                o,
                "Get-WinEvent -LogName System -MaxEvents {} | Where-Object Level -le 2",
                r.range(20, 200)
            );
        }
        "bash" => {
            let _ = writeln!(o, "# {} the {} on {host}", r.pick(VERBS), r.pick(NOUNS));
            let _ = writeln!(o, "set -euo pipefail");
            let _ = writeln!(o, "systemctl status {name}.service --no-pager");
            let _ = writeln!(
                o,
                "journalctl -u {name}.service --since \"-{}h\" | tail -n 50",
                r.range(1, 24)
            );
            let _ = writeln!(o, "df -h /srv/{name}");
            let _ = writeln!(o, "ping -c 4 {host}.corp.example");
        }
        "yaml" => {
            let _ = writeln!(o, "# {} settings for {host}", r.pick(ADJECTIVES));
            let _ = writeln!(o, "job: {name}");
            let _ = writeln!(o, "schedule: \"0 {} * * *\"", r.range(0, 23));
            let _ = writeln!(o, "retention_days: {}", r.range(7, 90));
            let _ = writeln!(o, "targets:\n  - {host}\n  - {sys_id}-backup");
            let _ = writeln!(
                o,
                "notify: {}",
                PARTIES[r.below(PARTIES.len())].contacts[0].email
            );
        }
        "json" => {
            let _ = writeln!(o, "{{");
            let _ = writeln!(o, "  \"host\": \"{host}\",");
            let _ = writeln!(o, "  \"check\": \"{name}\",");
            let _ = writeln!(o, "  \"threshold\": {},", r.range(50, 95));
            let _ = writeln!(o, "  \"interval_minutes\": {},", r.range(1, 30));
            let _ = writeln!(
                o,
                "  \"escalate\": [\"{}\", \"{}\"]",
                PARTIES[0].id, PARTIES[1].id
            );
            let _ = writeln!(o, "}}");
        }
        "sql" => {
            let _ = writeln!(o, "-- {} the {} for {host}", r.pick(VERBS), r.pick(NOUNS));
            let _ = writeln!(o, "SELECT name, state_desc, recovery_model_desc");
            let _ = writeln!(o, "FROM sys.databases");
            let _ = writeln!(o, "WHERE name LIKE '{}%'", name.replace('-', "_"));
            let _ = writeln!(o, "ORDER BY name;");
            let _ = writeln!(
                o,
                "DBCC CHECKDB ('{}') WITH NO_INFOMSGS;",
                name.replace('-', "_")
            );
        }
        _ => {
            let _ = writeln!(o, "# {} image for {host}", r.pick(ADJECTIVES));
            let _ = writeln!(o, "FROM debian:bookworm-slim");
            let _ = writeln!(
                o,
                "RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates"
            );
            let _ = writeln!(o, "WORKDIR /srv/{name}");
            let _ = writeln!(o, "COPY {name}.conf /etc/{name}.d/main.conf");
            let _ = writeln!(o, "EXPOSE {}", [80, 443, 8080, 8443][r.below(4)]);
            let _ = writeln!(
                o,
                "CMD [\"{name}\", \"--config\", \"/etc/{name}.d/main.conf\"]"
            );
        }
    }
    o.push_str("```\n\n");
}

fn render_runbook(c: &Corpus, i: usize) -> String {
    let p = &c.plans[i];
    let mut r = Rng::new(c.seed, S_BODY, i as u64);
    let mut o = String::with_capacity(7000);

    // Front matter.
    let day = DAY_FIRST_REVIEW + r.range(0, (DAY_LAST_REVIEW - DAY_FIRST_REVIEW) as usize) as i64;
    let (y, mo, d) = civil_from_days(day);
    o.push_str("---\n");
    let _ = writeln!(o, "title: {}", yq(&p.title));
    if !p.systems.is_empty() {
        let ids: Vec<&str> = p
            .systems
            .iter()
            .map(|&s| c.systems[s].id.as_str())
            .collect();
        let _ = writeln!(o, "systems: [{}]", ids.join(", "));
    }
    let topic_tag = TAGS[(c.sections[p.section].area_topic * 7) % TAGS.len()];
    let mut tags = vec![topic_tag];
    for _ in 0..r.range(0, 2) {
        let t = r.pick(TAGS);
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let _ = writeln!(o, "tags: [{}]", tags.join(", "));
    let _ = writeln!(o, "last_reviewed: {y:04}-{mo:02}-{d:02}");
    match r.below(10) {
        0 => o.push_str("review_every: 90d\n"),
        1 => o.push_str("review_every: 26w\n"),
        _ => {}
    }
    o.push_str("---\n\n");

    // Context words: system names, so searching for a system finds its runbooks.
    let ctx: Vec<&str> = p
        .systems
        .iter()
        .map(|&s| c.systems[s].name.as_str())
        .collect();
    let first_sys = p
        .systems
        .first()
        .map(|&s| c.systems[s].id.as_str())
        .unwrap_or("host");

    // Links to 1-2 other runbooks, placed in paragraphs below.
    let mut links: Vec<String> = Vec::new();
    if c.n_runbooks > 1 {
        let n_links = r.range(1, 2);
        for _ in 0..n_links {
            let mut t = r.below(c.n_runbooks);
            if t == i {
                t = (t + 1) % c.n_runbooks;
            }
            let tp = &c.plans[t];
            let from_dir = &p.path[..p.path.len() - 1];
            let mut href = rel_path(from_dir, &tp.path);
            if r.chance(1, 2) && !tp.ids.is_empty() {
                href.push('#');
                href.push_str(&tp.ids[r.below(tp.ids.len())]);
            }
            links.push(format!(
                "See [{}]({href}) for the related procedure.",
                tp.title
            ));
        }
    }

    // Word budget (prose only: code and tables are not counted). The body is
    // filled to a cumulative share of the target after the intro and after
    // each `##` section; the last paragraph may overshoot by < 100 words.
    let target_words = r.range(360, 660);
    let n_h2 = p.headings.iter().filter(|(l, _)| *l == 2).count();
    let mut words = 0usize;
    macro_rules! counted {
        ($e:expr) => {{
            let before = o.len();
            $e;
            words += word_count(&o[before..]);
        }};
    }
    macro_rules! fill_to {
        ($k:expr) => {{
            let budget = target_words * ($k + 1) / (n_h2 + 1);
            while words < budget {
                counted!(paragraph(&mut r, &mut o, &ctx));
            }
        }};
    }

    // Intro.
    counted!(paragraph(&mut r, &mut o, &ctx));
    if let Some(l) = links.first() {
        o.pop();
        o.pop();
        o.push(' ');
        counted!(o.push_str(l));
        o.push_str("\n\n");
    }
    fill_to!(0);

    let table_at = r.below(n_h2);
    let code_at = (table_at + 1) % n_h2;
    let list_at = r.below(n_h2);
    let second_link_at = r.below(n_h2);
    let mut h2_index = 0;
    let mut pending_fill = false;
    for (level, text) in &p.headings {
        if *level == 2 {
            if pending_fill {
                fill_to!(h2_index);
            }
            h2_index += 1;
            counted!({
                let _ = writeln!(o, "## {text}\n");
            });
            counted!(short_paragraph(&mut r, &mut o, &ctx));
            if h2_index - 1 == list_at {
                counted!(list(&mut r, &mut o, &ctx));
            }
            if h2_index - 1 == table_at {
                table(&mut r, &mut o);
            }
            if h2_index - 1 == code_at {
                code_block(&mut r, &mut o, i, first_sys);
            }
            if h2_index - 1 == second_link_at
                && let Some(l) = links.get(1)
            {
                counted!({
                    let _ = writeln!(o, "{l}\n");
                });
            }
            pending_fill = true;
        } else {
            // A `###` subsection closes its `##` section's filler first.
            if pending_fill {
                fill_to!(h2_index);
                pending_fill = false;
            }
            counted!({
                let _ = writeln!(o, "### {text}\n");
            });
            counted!(short_paragraph(&mut r, &mut o, &ctx));
        }
    }
    if pending_fill {
        fill_to!(h2_index);
    }
    if r.chance(1, 5) {
        o.push_str("Vendor documentation: <https://learn.microsoft.com/en-us/troubleshoot/>.\n\n");
    }
    // Exactly one trailing newline.
    while o.ends_with("\n\n") {
        o.pop();
    }
    o
}

// ---------------------------------------------------------------------------
// Data files.

fn render_config() -> String {
    "title: \"Acme Dental — IT runbooks (benchmark corpus)\"\n\
     base_url: /\n\
     timezone: America/New_York\n\
     audience: client\n\
     review_every: 180d\n\
     hours:\n  \
       business: { days: mon-fri, from: \"08:00\", to: \"18:00\" }\n  \
       after-hours: { days: mon-sun, from: \"18:00\", to: \"08:00\" }\n  \
       always: 24x7\n"
        .to_string()
}

fn render_parties() -> String {
    let mut o = String::new();
    for p in PARTIES {
        let _ = writeln!(o, "- id: {}", p.id);
        let _ = writeln!(o, "  name: {}", yq(p.name));
        let _ = writeln!(o, "  kind: {}", p.kind);
        let _ = writeln!(o, "  hours: {}", p.hours);
        o.push_str("  contacts:\n");
        for c in p.contacts {
            let _ = writeln!(o, "    - name: {}", yq(c.name));
            let _ = writeln!(o, "      role: {}", yq(c.role));
            let _ = writeln!(o, "      email: {}", c.email);
            let _ = writeln!(o, "      phone: {}", yq(c.phone));
            if c.internal {
                o.push_str("      audience: internal\n");
            }
        }
    }
    o
}

fn render_activities() -> String {
    let mut o = String::new();
    for (name, desc, required) in ACTIVITIES {
        let _ = writeln!(o, "- name: {name}");
        let _ = writeln!(o, "  description: {}", yq(desc));
        if *required {
            o.push_str("  required: true\n");
        }
    }
    o
}

/// Give party `p` letter `l` in a RACI row (each letter at most once per party).
fn add_letter(p: usize, l: char, row: &mut Vec<(usize, Vec<char>)>) {
    if let Some(e) = row.iter_mut().find(|e| e.0 == p) {
        if !e.1.contains(&l) {
            e.1.push(l);
        }
    } else {
        row.push((p, vec![l]));
    }
}

fn letters_string(r: &mut Rng, set: &[char]) -> String {
    // Canonical RACI order, or sometimes reversed ("AR") to exercise any order.
    let mut v: Vec<char> = ['R', 'A', 'C', 'I']
        .into_iter()
        .filter(|l| set.contains(l))
        .collect();
    if v.len() > 1 && r.chance(1, 4) {
        v.reverse();
    }
    v.into_iter().collect()
}

fn render_system(c: &Corpus, i: usize) -> String {
    let s = &c.systems[i];
    let mut r = Rng::new(c.seed, S_SYSTEM, i as u64);
    let tier = i % 4 + 1;
    let mut o = String::with_capacity(2000);
    let owner = if r.chance(2, 3) { P_ACME } else { P_BRIGHT };
    let _ = writeln!(o, "id: {}", s.id);
    let _ = writeln!(o, "name: {}", yq(&s.name));
    let _ = writeln!(o, "tier: {tier}");
    let mut desc = String::new();
    sentence(&mut r, &mut desc, &[]);
    let _ = writeln!(
        o,
        "description: {}",
        yq(&format!(
            "{} for the {}. {desc}",
            s.name,
            r.pick(LOCATIONS).to_lowercase()
        ))
    );
    let _ = writeln!(o, "owner: {}", PARTIES[owner].id);

    // Dependencies: only on lower-numbered systems, so never a cycle.
    if i > 0 {
        let n_dep = r.range(0, 3.min(i));
        let mut deps: Vec<usize> = Vec::new();
        for _ in 0..n_dep {
            let d = r.below(i);
            if !deps.contains(&d) {
                deps.push(d);
            }
        }
        deps.sort_unstable();
        if !deps.is_empty() {
            let ids: Vec<&str> = deps.iter().map(|&d| c.systems[d].id.as_str()).collect();
            let _ = writeln!(o, "depends_on: [{}]", ids.join(", "));
        }
    }

    // RACI: every required activity plus 1-4 others.
    let mut acts: Vec<usize> = (0..ACTIVITIES.len()).filter(|&a| ACTIVITIES[a].2).collect();
    let extra = r.range(1, 4);
    for _ in 0..extra {
        let a = r.below(ACTIVITIES.len());
        if !acts.contains(&a) {
            acts.push(a);
        }
    }
    acts.sort_unstable();
    o.push_str("raci:\n");
    for a in acts {
        // party index -> letters
        let mut row: Vec<(usize, Vec<char>)> = Vec::new();
        let accountable = if r.chance(3, 4) { owner } else { r.below(2) };
        add_letter(accountable, 'A', &mut row);
        let responsible = if r.chance(1, 3) {
            accountable
        } else {
            r.below(PARTIES.len())
        };
        add_letter(responsible, 'R', &mut row);
        if r.chance(1, 3) {
            let p = r.below(PARTIES.len());
            if !row.iter().any(|e| e.0 == p) {
                add_letter(p, 'R', &mut row);
            }
        }
        for l in ['C', 'I'] {
            if r.chance(1, 2) {
                let p = r.below(PARTIES.len());
                add_letter(p, l, &mut row);
            }
        }
        let cells: Vec<String> = row
            .iter()
            .map(|(p, ls)| format!("{}: {}", PARTIES[*p].id, letters_string(&mut r, ls)))
            .collect();
        let _ = writeln!(o, "  {}: {{ {} }}", ACTIVITIES[a].0, cells.join(", "));
    }

    // Escalation ladder.
    o.push_str("escalation:\n");
    let first = owner;
    let first_contact = if first == P_ACME {
        ["Dana Ruiz", "Sam Okafor"][r.below(2)]
    } else {
        "NOC"
    };
    let _ = writeln!(o, "  - party: {}", PARTIES[first].id);
    if r.chance(2, 3) {
        let _ = writeln!(o, "    contact: {first_contact}");
    }
    let _ = writeln!(o, "    hours: business");
    let _ = writeln!(o, "    respond_within: {}", ["15m", "30m"][r.below(2)]);
    if tier <= 2 {
        // After-hours level, then a 24x7 provider: the union covers the week.
        let (p2, contact2) = if r.chance(1, 3) {
            (P_ACME, Some("Night pager")) // internal contact: hidden in client builds
        } else {
            (P_NIGHT, None)
        };
        let _ = writeln!(o, "  - party: {}", PARTIES[p2].id);
        if let Some(cn) = contact2 {
            let _ = writeln!(o, "    contact: {cn}");
            // What a client build shows instead: never a dead end.
            let _ = writeln!(o, "    client_contact: Dana Ruiz");
        }
        let _ = writeln!(o, "    after: {}", ["15m", "30m"][r.below(2)]);
        let _ = writeln!(o, "    hours: after-hours");
        let _ = writeln!(o, "    respond_within: 30m");
        let _ = writeln!(o, "  - party: {}", PARTIES[P_BRIGHT].id);
        let _ = writeln!(o, "    after: 1h");
        let _ = writeln!(o, "    hours: always");
        let _ = writeln!(o, "    respond_within: 1h");
    } else if r.chance(1, 2) {
        let vendor = 3 + r.below(PARTIES.len() - 3);
        let _ = writeln!(o, "  - party: {}", PARTIES[vendor].id);
        let _ = writeln!(o, "    after: 4h");
        let _ = writeln!(o, "    respond_within: 1d");
    }

    // SLA by tier.
    let (p1r, p1x, p2r, p2x) = match tier {
        1 => ("15m", "4h", "1h", "1d"),
        2 => ("30m", "8h", "2h", "2d"),
        3 => ("1h", "1d", "4h", "3d"),
        _ => ("4h", "2d", "1d", "1w"),
    };
    o.push_str("sla:\n");
    let _ = writeln!(o, "  P1: {{ respond: {p1r}, resolve: {p1x} }}");
    let _ = writeln!(o, "  P2: {{ respond: {p2r}, resolve: {p2x} }}");
    o
}

// ---------------------------------------------------------------------------
// Content indexes and docs.

fn render_home(c: &Corpus) -> String {
    let mut o = String::new();
    o.push_str("---\ntitle: \"Acme Dental IT\"\n---\n\n");
    let _ = writeln!(
        o,
        "Runbooks and responsibilities for Acme Dental's co-managed IT: {} systems, {} runbooks. \
         Search for a system, a symptom or a party. Start with the [glossary](docs/glossary.md) \
         and the [conventions](docs/conventions.md) if you are new here.\n",
        c.systems.len(),
        c.n_runbooks
    );
    let mut r = Rng::new(c.seed, S_SECTION, 1_000_000);
    paragraph(&mut r, &mut o, &[]);
    trim_end(o)
}

fn render_section_index(c: &Corpus, k: usize) -> String {
    let s = &c.sections[k];
    let mut r = Rng::new(c.seed, S_SECTION, k as u64);
    let mut o = String::new();
    let _ = write!(o, "---\ntitle: {}\n", yq(&s.title));
    if k % 5 == 4 {
        o.push_str("review_every: 365d\n");
    }
    o.push_str("---\n\n");
    let _ = writeln!(o, "Procedures for {}.\n", s.title.to_lowercase());
    paragraph(&mut r, &mut o, &[]);
    trim_end(o)
}

fn render_runbooks_index() -> String {
    "---\ntitle: Runbooks\n---\n\nAll runbooks, grouped by area.\n".to_string()
}

fn render_docs_index() -> String {
    "---\ntitle: About this site\n---\n\nHow this site is organised and the words it uses.\n"
        .to_string()
}

fn render_glossary() -> String {
    let mut o = String::from("---\ntitle: Glossary\n---\n\n");
    o.push_str("## RACI\n\n");
    o.push_str("- **R**esponsible: does the work.\n- **A**ccountable: owns the outcome; exactly one per activity.\n");
    o.push_str("- **C**onsulted: asked before.\n- **I**nformed: told after.\n\n");
    o.push_str(
        "## Tiers\n\n| Tier | Meaning |\n|---|---|\n| 1 | The business stops without it |\n",
    );
    o.push_str("| 2 | Serious degradation |\n| 3 | Workaround exists |\n| 4 | Convenience |\n\n");
    o.push_str("See also the [conventions](conventions.md#escalation).\n");
    o
}

fn render_conventions() -> String {
    let mut o = String::from("---\ntitle: Conventions\n---\n\n");
    o.push_str("## Writing runbooks\n\nOne procedure per page. Name the systems in the front matter so the page shows whom to call.\n\n");
    o.push_str("## Escalation\n\nCall level 1 first. If nobody answers within the stated time, move to the next level. ");
    o.push_str("The [glossary](glossary.md#raci) explains the letters.\n");
    o
}

fn trim_end(mut o: String) -> String {
    while o.ends_with("\n\n") {
        o.pop();
    }
    if !o.ends_with('\n') {
        o.push('\n');
    }
    o
}

// ---------------------------------------------------------------------------
// Output.

fn join(base: &Path, comps: &[String]) -> PathBuf {
    let mut p = base.to_path_buf();
    for c in comps {
        p.push(c);
    }
    p
}

fn write(path: &Path, contents: &str) -> io::Result<()> {
    fs::write(path, contents)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

fn generate(c: &Corpus, out: &Path) -> io::Result<()> {
    let content = out.join("content");
    let data = out.join("data");
    fs::create_dir_all(data.join("systems"))?;
    fs::create_dir_all(content.join("docs"))?;
    fs::create_dir_all(content.join("runbooks"))?;
    for s in &c.sections {
        fs::create_dir_all(join(&content, &s.dir))?;
    }

    write(&out.join("cairn.yaml"), &render_config())?;
    write(&data.join("parties.yaml"), &render_parties())?;
    write(&data.join("activities.yaml"), &render_activities())?;
    write(&content.join("_index.md"), &render_home(c))?;
    write(
        &content.join("runbooks").join("_index.md"),
        &render_runbooks_index(),
    )?;
    write(
        &content.join("docs").join("_index.md"),
        &render_docs_index(),
    )?;
    write(
        &content.join("docs").join("glossary.md"),
        &render_glossary(),
    )?;
    write(
        &content.join("docs").join("conventions.md"),
        &render_conventions(),
    )?;
    for k in 0..c.sections.len() {
        write(
            &join(&content, &c.sections[k].dir).join("_index.md"),
            &render_section_index(c, k),
        )?;
    }

    // Systems and runbooks: independent files, written in parallel.
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(16);
    let n_sys = c.systems.len();
    let n_rb = c.n_runbooks;
    let total = n_sys + n_rb;
    let chunk = total.div_ceil(threads).max(1);
    std::thread::scope(|scope| -> io::Result<()> {
        let mut handles = Vec::new();
        for t in 0..threads {
            let lo = t * chunk;
            let hi = ((t + 1) * chunk).min(total);
            if lo >= hi {
                continue;
            }
            let data = &data;
            let content = &content;
            handles.push(scope.spawn(move || -> io::Result<()> {
                for j in lo..hi {
                    if j < n_sys {
                        let path = data
                            .join("systems")
                            .join(format!("{}.yaml", c.systems[j].id));
                        write(&path, &render_system(c, j))?;
                    } else {
                        let i = j - n_sys;
                        write(&join(content, &c.plans[i].path), &render_runbook(c, i))?;
                    }
                }
                Ok(())
            }));
        }
        for h in handles {
            h.join()
                .map_err(|_| io::Error::other("generator thread panicked"))??;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// CLI.

const USAGE: &str = "usage: cairn-gen-corpus --runbooks N --systems M [--seed S] [--force] OUT_DIR

Writes a deterministic cairn site (cairn.yaml, data/, content/) into OUT_DIR.
  --runbooks N   number of runbooks (default 1000)
  --systems M    number of systems (default 100)
  --seed S       PRNG seed (default 1); same arguments => byte-identical tree
  --force        OUT_DIR may be non-empty: its cairn.yaml, data/ and content/
                 are removed first (nothing else is touched)";

struct Args {
    runbooks: usize,
    systems: usize,
    seed: u64,
    force: bool,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut runbooks = 1000usize;
    let mut systems = 100usize;
    let mut seed = 1u64;
    let mut force = false;
    let mut out: Option<PathBuf> = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--runbooks" | "-n" => {
                runbooks = value("--runbooks")?
                    .parse()
                    .map_err(|e| format!("--runbooks: {e}"))?
            }
            "--systems" | "-m" => {
                systems = value("--systems")?
                    .parse()
                    .map_err(|e| format!("--systems: {e}"))?
            }
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--force" => force = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            _ => {
                if out.is_some() {
                    return Err(format!("unexpected argument {a}"));
                }
                out = Some(PathBuf::from(a));
            }
        }
    }
    let out = out.ok_or("missing OUT_DIR")?;
    if systems == 0 {
        return Err("--systems must be at least 1".into());
    }
    if systems > 9999 || runbooks > 999_999 {
        return Err("at most 9999 systems and 999999 runbooks".into());
    }
    Ok(Args {
        runbooks,
        systems,
        seed,
        force,
        out,
    })
}

/// Writes the corpus of (`runbooks`, `systems`, `seed`) into `out` (created if
/// missing) and returns how many sections it has.
pub(crate) fn write_site(
    out: &Path,
    runbooks: usize,
    systems: usize,
    seed: u64,
) -> io::Result<usize> {
    let corpus = Corpus::new(seed, runbooks, systems);
    generate(&corpus, out)?;
    Ok(corpus.sections.len())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("cairn-gen-corpus: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let out = &args.out;
    let ours = ["cairn.yaml", "data", "content"];
    if out.exists() {
        let non_empty = fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
        if non_empty {
            if !args.force {
                eprintln!(
                    "cairn-gen-corpus: {} exists and is not empty (use --force to replace its cairn.yaml, data/ and content/)",
                    out.display()
                );
                return ExitCode::from(2);
            }
            for name in ours {
                let p = out.join(name);
                let res = if p.is_dir() {
                    fs::remove_dir_all(&p)
                } else if p.exists() {
                    fs::remove_file(&p)
                } else {
                    Ok(())
                };
                if let Err(e) = res {
                    eprintln!("cairn-gen-corpus: cannot remove {}: {e}", p.display());
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    match write_site(out, args.runbooks, args.systems, args.seed) {
        Ok(sections) => {
            eprintln!(
                "cairn-gen-corpus: wrote {} runbooks, {} systems, {sections} sections to {}",
                args.runbooks,
                args.systems,
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cairn-gen-corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

//! References between sources: parties, systems, contacts and hours named
//! anywhere must exist; ids are unique; dependencies form no cycle; tier-1/2
//! systems carry a RACI row for every required activity.

use super::{SiteIndex, did_you_mean, front_item_line, front_line};
use crate::audience::sees;
use crate::diag::{Code, Diagnostic};
use crate::model::Audience;
use crate::site::{PARTIES_FILE, Page, Site};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

/// The references of the data files and of every page.
#[cfg(test)]
pub(super) fn check_refs(site: &Site, index: &SiteIndex) -> Vec<Diagnostic> {
    let mut out = check_data_refs(site, index);
    for page in &site.pages {
        check_page(site, index, page, &mut out);
    }
    out
}

/// The references of the data files: read nothing of the pages.
pub(super) fn check_data_refs(site: &Site, index: &SiteIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_duplicates(site, &mut out);
    check_party_hours(site, &mut out);
    check_systems(site, index, &mut out);
    check_cycles(site, index, &mut out);
    check_required_activities(site, &mut out);
    out
}

fn unknown_party(site: &Site, id: &str, what: &str) -> String {
    format!(
        "unknown party `{id}` {what}{}",
        did_you_mean(id, site.parties.iter().map(|p| p.id.as_str()))
    )
}

fn unknown_system(site: &Site, id: &str, what: &str) -> String {
    format!(
        "unknown system `{id}` {what}{}",
        did_you_mean(id, site.systems.iter().map(|s| s.system.id.as_str()))
    )
}

/// Whether an hours name is defined; unknowable when cairn.yaml failed to load.
fn hours_known(site: &Site, name: &str) -> bool {
    site.failed.config || site.config.hours_named(name).is_some()
}

fn unknown_hours(site: &Site, name: &str, what: &str) -> String {
    let mut names: Vec<&str> = site.config.hours.keys().map(String::as_str).collect();
    if !names.contains(&"24x7") {
        names.push("24x7");
    }
    format!(
        "unknown hours `{name}` {what}{}; named hours in cairn.yaml: {}",
        did_you_mean(name, names.iter().copied()),
        super::name_list(&names)
    )
}

fn check_duplicates(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, party) in site.parties.iter().enumerate() {
        let idx = i.to_string();
        match seen.get(party.id.as_str()) {
            Some(&first) => {
                let first_line = site.line(PARTIES_FILE, &[&first.to_string(), "id"]);
                let at = match first_line {
                    Some(l) => format!("{PARTIES_FILE}:{l}"),
                    None => PARTIES_FILE.to_string(),
                };
                out.push(Diagnostic::new(
                    Code::DuplicateId,
                    PARTIES_FILE,
                    site.line(PARTIES_FILE, &[&idx, "id"]),
                    format!(
                        "duplicate party id `{}`: already used by the party at {at}",
                        party.id
                    ),
                ));
            }
            None => {
                seen.insert(party.id.as_str(), i);
            }
        }
    }

    // A system's id is its file name, so ids only collide as `x.yaml` and `x.yml`;
    // a file whose id differs from its name is already `invalid-value`.
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for entry in &site.systems {
        let id = entry.system.id.as_str();
        if stem(&entry.file) != id {
            continue;
        }
        match seen.get(id) {
            Some(first) => out.push(Diagnostic::new(
                Code::DuplicateId,
                &entry.file,
                site.line(&entry.file, &["id"]),
                format!("duplicate system id `{id}`: already defined in {first}"),
            )),
            None => {
                seen.insert(id, &entry.file);
            }
        }
    }
}

fn stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(name)
}

fn check_party_hours(site: &Site, out: &mut Vec<Diagnostic>) {
    for (i, party) in site.parties.iter().enumerate() {
        if let Some(name) = &party.hours
            && !hours_known(site, name)
        {
            out.push(Diagnostic::new(
                Code::UnknownHours,
                PARTIES_FILE,
                site.line(PARTIES_FILE, &[&i.to_string(), "hours"]),
                unknown_hours(site, name, &format!("for party `{}`", party.id)),
            ));
        }
    }
}

fn check_systems(site: &Site, index: &SiteIndex, out: &mut Vec<Diagnostic>) {
    for entry in &site.systems {
        let sys = &entry.system;
        let file = entry.file.as_str();
        if !index.party_known(site, &sys.owner) {
            out.push(Diagnostic::new(
                Code::UnknownParty,
                file,
                site.line(file, &["owner"]),
                unknown_party(site, &sys.owner, "as the owner"),
            ));
        }
        for (i, dep) in sys.depends_on.iter().enumerate() {
            if !index.system_known(site, dep) {
                out.push(Diagnostic::new(
                    Code::UnknownSystem,
                    file,
                    site.line(file, &["depends_on", &i.to_string()]),
                    unknown_system(site, dep, "in `depends_on`"),
                ));
            }
        }
        for (activity, cells) in &sys.raci {
            for party in cells.keys() {
                if !index.party_known(site, party) {
                    out.push(Diagnostic::new(
                        Code::UnknownParty,
                        file,
                        site.line(file, &["raci", activity, party]),
                        unknown_party(site, party, &format!("in the RACI row `{activity}`")),
                    ));
                }
            }
        }
        for (i, level) in sys.escalation.iter().enumerate() {
            let idx = i.to_string();
            let n = i + 1;
            match index.parties.get(level.party.as_str()) {
                None if !site.failed.parties => out.push(Diagnostic::new(
                    Code::UnknownParty,
                    file,
                    site.line(file, &["escalation", &idx, "party"]),
                    unknown_party(site, &level.party, &format!("in escalation level {n}")),
                )),
                None => {}
                Some(&p) => {
                    let party = &site.parties[p];
                    if let Some(contact) = &level.contact
                        && party.contact(contact).is_none()
                        && !party.rotations.contains_key(contact)
                    {
                        // A ladder names a contact or a rotation of the party.
                        let names: Vec<&str> = party
                            .contacts
                            .iter()
                            .map(|c| c.name.as_str())
                            .chain(party.rotations.keys().map(String::as_str))
                            .collect();
                        let known = if names.is_empty() {
                            "it lists no contacts".to_string()
                        } else {
                            format!("its contacts: {}", super::name_list(&names))
                        };
                        out.push(Diagnostic::new(
                            Code::UnknownContact,
                            file,
                            site.line(file, &["escalation", &idx, "contact"]),
                            format!(
                                "unknown contact `{contact}` of party `{}` in escalation level {n}{}; {known}",
                                party.id,
                                did_you_mean(contact, names.iter().copied()),
                            ),
                        ));
                    }
                    if let Some(contact) = &level.client_contact
                        && !party
                            .contact(contact)
                            .is_some_and(|c| sees(Audience::Client, c))
                    {
                        let names: Vec<&str> = party
                            .contacts
                            .iter()
                            .filter(|c| sees(Audience::Client, *c))
                            .map(|c| c.name.as_str())
                            .collect();
                        let why = if party.contact(contact).is_some() {
                            " is internal"
                        } else {
                            " is not a contact of that party"
                        };
                        let known = if names.is_empty() {
                            "it lists no client-visible contacts".to_string()
                        } else {
                            format!("its client-visible contacts: {}", super::name_list(&names))
                        };
                        out.push(Diagnostic::new(
                            Code::UnknownContact,
                            file,
                            site.line(file, &["escalation", &idx, "client_contact"]),
                            format!(
                                "client_contact `{contact}` of party `{}` in escalation level {n}{why}{}; {known}",
                                party.id,
                                did_you_mean(contact, names.iter().copied()),
                            ),
                        ));
                    }
                }
            }
            if let Some(hours) = &level.hours
                && !hours_known(site, hours)
            {
                out.push(Diagnostic::new(
                    Code::UnknownHours,
                    file,
                    site.line(file, &["escalation", &idx, "hours"]),
                    unknown_hours(site, hours, &format!("in escalation level {n}")),
                ));
            }
        }
    }
}

/// The parties and systems `page` names.
pub(super) fn check_page(site: &Site, index: &SiteIndex, page: &Page, out: &mut Vec<Diagnostic>) {
    {
        if let Some(owner) = &page.front.owner
            && !index.party_known(site, owner)
        {
            out.push(Diagnostic::new(
                Code::UnknownParty,
                &page.source,
                front_line(page, "owner"),
                unknown_party(site, owner, "as the page owner"),
            ));
        }
        let mut seen = HashSet::new();
        for (i, id) in page.front.systems.iter().enumerate() {
            if !index.system_known(site, id) && seen.insert(id.as_str()) {
                out.push(Diagnostic::new(
                    Code::UnknownSystem,
                    &page.source,
                    front_item_line(page, "systems", i),
                    unknown_system(site, id, "in `systems`"),
                ));
            }
        }
    }
}

/// One report per strongly connected component of `depends_on`, at the file of
/// its smallest id, showing the shortest cycle through that system.
fn check_cycles(site: &Site, index: &SiteIndex, out: &mut Vec<Diagnostic>) {
    // Sorted adjacency over known systems, so the output never depends on file order.
    let graph: BTreeMap<&str, BTreeSet<&str>> = index
        .systems
        .iter()
        .map(|(&id, &i)| {
            let deps = site.systems[i]
                .system
                .depends_on
                .iter()
                .map(String::as_str)
                .filter(|d| index.systems.contains_key(d))
                .collect();
            (id, deps)
        })
        .collect();
    for component in strongly_connected(&graph) {
        let Some(&first) = component.iter().next() else {
            continue;
        };
        let cyclic = component.len() > 1 || graph.get(first).is_some_and(|d| d.contains(first));
        if !cyclic {
            continue;
        }
        let cycle = shortest_cycle(&graph, &component, first);
        let Some(&i) = index.systems.get(first) else {
            continue;
        };
        let entry = &site.systems[i];
        let next = cycle.get(1).copied().unwrap_or(first);
        let line = entry
            .system
            .depends_on
            .iter()
            .position(|d| d == next)
            .and_then(|p| site.line(&entry.file, &["depends_on", &p.to_string()]));
        out.push(Diagnostic::new(
            Code::DependencyCycle,
            &entry.file,
            line,
            format!("dependency cycle: {}", cycle.join(" → ")),
        ));
    }
}

/// Tarjan's algorithm, iterative so a long dependency chain cannot overflow the stack.
/// Components come back as sorted sets.
fn strongly_connected<'a>(graph: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Vec<BTreeSet<&'a str>> {
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    let mut low: HashMap<&str, usize> = HashMap::new();
    let mut on_stack: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for &root in graph.keys() {
        if index_of.contains_key(root) {
            continue;
        }
        // (node, iterator position over its successors)
        let mut work: Vec<(&str, usize)> = vec![(root, 0)];
        while let Some(&mut (node, ref mut pos)) = work.last_mut() {
            if *pos == 0 && !index_of.contains_key(node) {
                index_of.insert(node, next);
                low.insert(node, next);
                next += 1;
                stack.push(node);
                on_stack.insert(node);
            }
            let succ: Vec<&str> = graph
                .get(node)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            if let Some(&w) = succ.get(*pos) {
                *pos += 1;
                if !index_of.contains_key(w) {
                    work.push((w, 0));
                } else if on_stack.contains(w) {
                    let lw = index_of[w];
                    if let Some(l) = low.get_mut(node) {
                        *l = (*l).min(lw);
                    }
                }
                continue;
            }
            work.pop();
            let node_low = low.get(node).copied().unwrap_or(0);
            if let Some(&(parent, _)) = work.last()
                && let Some(l) = low.get_mut(parent)
            {
                *l = (*l).min(node_low);
            }
            if Some(&node_low) == index_of.get(node) {
                let mut component = BTreeSet::new();
                while let Some(w) = stack.pop() {
                    on_stack.remove(w);
                    component.insert(w);
                    if w == node {
                        break;
                    }
                }
                out.push(component);
            }
        }
    }
    out.sort();
    out
}

/// `first → … → first` by breadth-first search inside the component,
/// successors in id order.
fn shortest_cycle<'a>(
    graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    component: &BTreeSet<&'a str>,
    first: &'a str,
) -> Vec<&'a str> {
    let mut parent: HashMap<&str, &str> = HashMap::new();
    let mut queue = VecDeque::from([first]);
    let mut seen = HashSet::from([first]);
    while let Some(node) = queue.pop_front() {
        for &w in graph.get(node).into_iter().flatten() {
            if !component.contains(w) {
                continue;
            }
            if w == first {
                // Walk back to `first`, then read it forwards and close the loop.
                let mut path = vec![node];
                let mut at = node;
                while at != first {
                    at = parent.get(at).copied().unwrap_or(first);
                    path.push(at);
                }
                path.reverse();
                path.push(first);
                return path;
            }
            if seen.insert(w) {
                parent.insert(w, node);
                queue.push_back(w);
            }
        }
    }
    vec![first, first]
}

fn check_required_activities(site: &Site, out: &mut Vec<Diagnostic>) {
    let required: Vec<&str> = site
        .activities
        .iter()
        .filter(|a| a.required)
        .map(|a| a.name.as_str())
        .collect();
    if required.is_empty() {
        return;
    }
    for entry in &site.systems {
        let sys = &entry.system;
        if !sys.tier.is_critical() {
            continue;
        }
        let rows: HashSet<String> = sys.raci.keys().map(|k| k.trim().to_lowercase()).collect();
        for name in &required {
            if !rows.contains(&name.trim().to_lowercase()) {
                out.push(Diagnostic::new(
                    Code::RequiredActivityMissing,
                    &entry.file,
                    site.line(&entry.file, &["raci"]),
                    format!(
                        "tier-{} system `{}` has no RACI row for the required activity `{name}`",
                        sys.tier.0, sys.id
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestSite;
    use super::*;

    fn system(id: &str, deps: &str) -> String {
        format!(
            "id: {id}\nname: {id}\ntier: 3\nowner: it\ndepends_on: [{deps}]\nraci:\n  Ops: {{ it: RA }}\n"
        )
    }

    fn codes(site: &Site) -> Vec<(String, String, Option<usize>, String)> {
        let index = SiteIndex::new(site);
        check_refs(site, &index)
            .into_iter()
            .map(|d| (d.code.as_str().to_string(), d.file, d.line, d.message))
            .collect()
    }

    #[test]
    fn cycle_is_reported_once_at_first_system() {
        let t = TestSite::new();
        t.write("data/systems/c.yaml", &system("c", "a"));
        t.write("data/systems/b.yaml", &system("b", "c"));
        t.write("data/systems/a.yaml", &system("a", "b"));
        t.write("data/systems/d.yaml", &system("d", "a"));
        let got = codes(&t.load());
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "dependency-cycle");
        assert_eq!(got[0].1, "data/systems/a.yaml");
        assert_eq!(got[0].2, Some(5));
        assert_eq!(got[0].3, "dependency cycle: a → b → c → a");
    }

    #[test]
    fn a_system_depending_on_itself_is_a_cycle() {
        let t = TestSite::new();
        t.write("data/systems/a.yaml", &system("a", "a"));
        let got = codes(&t.load());
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].3, "dependency cycle: a → a");
    }

    #[test]
    fn shortest_cycle_follows_ids_in_order() {
        let t = TestSite::new();
        t.write("data/systems/a.yaml", &system("a", "c, b"));
        t.write("data/systems/b.yaml", &system("b", "a"));
        t.write("data/systems/c.yaml", &system("c", "b"));
        let got = codes(&t.load());
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].3, "dependency cycle: a → b → a");
    }

    #[test]
    fn unknown_references_name_the_value_and_point_at_its_line() {
        let t = TestSite::new();
        t.write(
            "data/systems/m.yaml",
            "id: m\nname: M\ntier: 3\nowner: itt\ndepends_on: [nope]\nraci:\n  Ops: { it: RA, msq: C }\nescalation:\n  - party: it\n    contact: Dane\n    hours: bussiness\n  - party: vendor\n",
        );
        t.write(
            "content/a.md",
            "---\ntitle: A\nowner: msp2\nsystems: [m, gone]\n---\nx\n",
        );
        let got = codes(&t.load());
        let want = [
            ("unknown-party", "data/systems/m.yaml", Some(4), "`itt`"),
            ("unknown-system", "data/systems/m.yaml", Some(5), "`nope`"),
            ("unknown-party", "data/systems/m.yaml", Some(7), "`msq`"),
            ("unknown-contact", "data/systems/m.yaml", Some(10), "`Dane`"),
            (
                "unknown-hours",
                "data/systems/m.yaml",
                Some(11),
                "`bussiness`",
            ),
            ("unknown-party", "data/systems/m.yaml", Some(12), "`vendor`"),
            ("unknown-party", "content/a.md", Some(3), "`msp2`"),
            ("unknown-system", "content/a.md", Some(4), "`gone`"),
        ];
        assert_eq!(got.len(), want.len(), "{got:#?}");
        for (code, file, line, says) in want {
            assert!(
                got.iter()
                    .any(|g| g.0 == code && g.1 == file && g.2 == line && g.3.contains(says)),
                "missing {code} {file}:{line:?} {says}: {got:#?}"
            );
        }
        let contact = got.iter().find(|g| g.0 == "unknown-contact").unwrap();
        assert!(contact.3.contains("did you mean `Dana`"), "{}", contact.3);
    }

    #[test]
    fn client_contact_must_be_a_client_visible_contact_of_the_party() {
        let t = TestSite::new();
        t.write(
            "data/parties.yaml",
            "- id: msp\n  name: MSP\n  kind: provider\n  contacts:\n    - name: NOC\n    - name: Pager\n      audience: internal\n",
        );
        t.write(
            "data/systems/m.yaml",
            "id: m\nname: M\ntier: 3\nowner: msp\nescalation:\n  - party: msp\n    contact: Pager\n    client_contact: NOC\n  - party: msp\n    contact: Pager\n    client_contact: Pager\n  - party: msp\n    contact: Pager\n    client_contact: NOCC\n",
        );
        let got = codes(&t.load());
        assert_eq!(got.len(), 2, "{got:#?}");
        assert_eq!(got[0].0, "unknown-contact");
        assert_eq!(got[0].2, Some(11));
        assert!(
            got[0]
                .3
                .contains("`Pager` of party `msp` in escalation level 2 is internal"),
            "{}",
            got[0].3
        );
        assert_eq!(got[1].2, Some(14));
        assert!(got[1].3.contains("did you mean `NOC`"), "{}", got[1].3);
    }

    #[test]
    fn twenty_four_seven_is_always_a_known_hours_name() {
        let t = TestSite::new();
        t.write(
            "data/systems/m.yaml",
            "id: m\nname: M\ntier: 3\nowner: it\nescalation:\n  - party: msp\n    hours: 24x7\n",
        );
        assert!(codes(&t.load()).is_empty());
    }

    #[test]
    fn duplicate_party_points_at_the_second_and_names_the_first() {
        let t = TestSite::new();
        t.write(
            "data/parties.yaml",
            &format!(
                "{}- id: it\n  name: Again\n  kind: vendor\n",
                super::super::testing::PARTIES
            ),
        );
        let got = codes(&t.load());
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "duplicate-id");
        assert_eq!(got[0].2, Some(12));
        assert!(got[0].3.contains("data/parties.yaml:1"), "{}", got[0].3);
    }

    #[test]
    fn yaml_and_yml_of_one_system_are_duplicates() {
        let t = TestSite::new();
        t.write("data/systems/x.yaml", &system("x", ""));
        t.write("data/systems/x.yml", &system("x", ""));
        let got = codes(&t.load());
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "data/systems/x.yml");
        assert!(got[0].3.contains("data/systems/x.yaml"));
    }

    #[test]
    fn required_activities_match_case_insensitively_for_tiers_one_and_two() {
        let t = TestSite::new();
        t.write(
            "data/activities.yaml",
            "- name: Patch management\n  required: true\n- name: Help desk\n",
        );
        t.write(
            "data/systems/a.yaml",
            "id: a\nname: A\ntier: 1\nowner: it\nraci:\n  patch MANAGEMENT: { it: RA }\n",
        );
        t.write(
            "data/systems/b.yaml",
            "id: b\nname: B\ntier: 2\nowner: it\nraci:\n  Help desk: { it: RA }\n",
        );
        t.write(
            "data/systems/c.yaml",
            "id: c\nname: C\ntier: 3\nowner: it\n",
        );
        let got = codes(&t.load());
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "required-activity-missing");
        assert_eq!(got[0].1, "data/systems/b.yaml");
        assert!(got[0].3.contains("`Patch management`"));
    }

    #[test]
    fn references_into_a_broken_parties_file_are_not_reported_again() {
        let t = TestSite::new();
        t.write("data/parties.yaml", "- id: [\n");
        t.write(
            "data/systems/m.yaml",
            "id: m\nname: M\ntier: 3\nowner: anyone\n",
        );
        let (site, diags) = crate::site::load_site(t.root()).unwrap();
        assert_eq!(diags.len(), 1);
        assert!(codes(&site).is_empty());
    }
}

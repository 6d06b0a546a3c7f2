//! ARCHITECTURE.md, "One direction": no two modules import each other, at the
//! top level of `src/` and one level down. The graph comes from the `crate::`
//! and `super::` paths of every source file (tests left out); a new cycle
//! fails here with the modules and the files that close it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path of a source file (`src/render/data/mod.rs` → `render::data`).
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments and its `#[cfg(test)] mod tests`.
fn code(text: &str) -> String {
    let text = text
        .split("#[cfg(test)]\nmod tests {")
        .next()
        .unwrap_or(text);
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a file names: `crate::a::b`, `super::c`, inside `{…}` lists too.
fn named_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut out = Vec::new();
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", module[..module.len().saturating_sub(1)].to_vec()),
    ] {
        for (at, _) in code.match_indices(prefix) {
            if at > 0
                && code[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            {
                continue;
            }
            let rest = &code[at + prefix.len()..];
            let head: String = rest.chars().take_while(|&c| ident(c)).collect();
            let mut heads = vec![head.clone()];
            if head.ends_with("::") || head.is_empty() {
                // `crate::a::{b, c::d}`
                if let Some(list) = rest[head.len()..].strip_prefix('{') {
                    let list = list.split('}').next().unwrap_or("");
                    heads = list
                        .split(',')
                        .map(|item| format!("{head}{}", item.trim()))
                        .collect();
                }
            }
            for h in heads {
                let mut path = base.clone();
                let mut h = h.as_str();
                // `super::super::x`: one module up for each.
                while let Some(up) = h.strip_prefix("super::") {
                    path.pop();
                    h = up;
                }
                path.extend(h.split("::").filter(|s| !s.is_empty()).map(str::to_string));
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn no_two_modules_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&src).unwrap().to_path_buf();
        if entry.path().extension().is_some_and(|e| e == "rs")
            && rel.file_name().is_some_and(|n| n != "tests.rs")
        {
            files.insert(
                module_of(&rel),
                std::fs::read_to_string(entry.path()).unwrap(),
            );
        }
    }
    let modules: BTreeSet<Vec<String>> = files.keys().cloned().collect();
    // (from, to) → a file that makes the edge.
    let mut edges: BTreeMap<(String, String), String> = BTreeMap::new();
    for (module, text) in &files {
        if module.is_empty() {
            continue;
        }
        for path in named_paths(&code(text), module) {
            let Some(target) = (1..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|p| modules.contains(p))
            else {
                continue;
            };
            let edge = if module[0] != target[0] {
                (module[0].clone(), target[0].clone())
            } else if module.len() >= 2 && target.len() >= 2 && module[1] != target[1] {
                (module[..2].join("::"), target[..2].join("::"))
            } else {
                continue;
            };
            edges.entry(edge).or_insert_with(|| module.join("::"));
        }
    }
    let mut cycles = Vec::new();
    for ((a, b), file) in &edges {
        if a < b
            && let Some(back) = edges.get(&(b.clone(), a.clone()))
        {
            cycles.push(format!("{a} ↔ {b} ({file} and {back})"));
        }
    }
    // Longer cycles: a path back from every edge's end to its start.
    let next = |from: &str| -> Vec<String> {
        edges
            .keys()
            .filter(|(a, _)| a == from)
            .map(|(_, b)| b.clone())
            .collect()
    };
    for (a, b) in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut todo = vec![b.clone()];
        while let Some(m) = todo.pop() {
            if m == *a && !cycles.iter().any(|c| c.contains(a.as_str())) {
                cycles.push(format!("a cycle through {a} → {b}"));
                break;
            }
            if seen.insert(m.clone()) {
                todo.extend(next(&m));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "modules that import each other:\n{}",
        cycles.join("\n")
    );
}

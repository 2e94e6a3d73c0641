//! The ledger's modules import downwards only: the graph of `use crate::…`/`use super::…`
//! edges between the files of `src/` (test modules left out) has no circle, so each file can
//! be read knowing only the files below it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`children::record`) → source of every `.rs` file under `dir`.
fn modules(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("src").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("utf-8 name").to_string();
        if path.is_dir() {
            modules(&path, &format!("{prefix}{stem}::"), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = match stem.as_str() {
                "mod" => prefix.trim_end_matches("::").to_string(),
                _ => format!("{prefix}{stem}"),
            };
            out.insert(name, std::fs::read_to_string(&path).expect("source"));
        }
    }
}

/// The non-test code of a file, comments dropped.
fn code(source: &str) -> String {
    let body = source.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
    body.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// The modules `source` (the file of module `of`) names through `crate::` or `super::`
/// paths, each resolved to the longest module prefix.
fn imports(of: &str, source: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let parent: Vec<&str> = of.rsplit_once("::").map_or(vec![], |(p, _)| p.split("::").collect());
    let mut found = BTreeSet::new();
    let text = code(source);
    for (i, _) in text.match_indices("crate::").chain(text.match_indices("super::")) {
        let rest = &text[i..];
        let end = rest
            .find(|c: char| {
                !(c.is_alphanumeric()
                    || c == '_'
                    || c == ':'
                    || c == '{'
                    || c == ','
                    || c == ' '
                    || c == '\n')
            })
            .unwrap_or(rest.len());
        let path = &rest[..end];
        let (base, group) = match path.split_once('{') {
            Some((b, g)) => (b.trim_end_matches(':'), Some(g)),
            None => (path, None),
        };
        let mut parts: Vec<String> =
            base.split("::").filter(|p| !p.is_empty()).map(|p| p.trim().to_string()).collect();
        if parts.first().is_some_and(|p| p == "super") {
            parts.splice(0..1, parent.iter().map(|p| p.to_string()));
        } else {
            parts.remove(0);
        }
        let mut candidates = vec![parts.clone()];
        for item in group.into_iter().flat_map(|g| g.split(',')) {
            let head = item
                .trim()
                .split("::")
                .next()
                .unwrap_or_default()
                .split(' ')
                .next()
                .unwrap_or_default();
            let mut p = parts.clone();
            p.push(head.to_string());
            candidates.push(p);
        }
        for parts in candidates {
            let hit =
                (1..=parts.len()).rev().map(|n| parts[..n].join("::")).find(|m| known.contains(m));
            if let Some(m) = hit.filter(|m| m != of) {
                found.insert(m);
            }
        }
    }
    found
}

#[test]
fn the_ledgers_module_imports_have_no_circle() {
    let mut files = BTreeMap::new();
    modules(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), "", &mut files);
    files.remove("lib");
    let known: BTreeSet<String> = files.keys().cloned().collect();
    let edges: BTreeMap<&str, BTreeSet<String>> =
        files.iter().map(|(m, s)| (m.as_str(), imports(m, s, &known))).collect();
    // Depth-first search for a back edge.
    fn visit<'a>(
        m: &'a str,
        edges: &'a BTreeMap<&str, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, bool>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(m) {
            Some(true) => {
                let start = path.iter().position(|p| *p == m).unwrap_or_default();
                return Some(path[start..].iter().chain([&m]).map(|s| s.to_string()).collect());
            }
            Some(false) => return None,
            None => {}
        }
        state.insert(m, true);
        path.push(m);
        for next in edges.get(m).into_iter().flatten() {
            if let Some(circle) = visit(next.as_str(), edges, state, path) {
                return Some(circle);
            }
        }
        path.pop();
        state.insert(m, false);
        None
    }
    let mut state = BTreeMap::new();
    for m in edges.keys() {
        let circle = visit(m, &edges, &mut state, &mut Vec::new());
        assert!(circle.is_none(), "import circle: {}", circle.unwrap_or_default().join(" -> "));
    }
    // The check sees real edges: the block executor imports the transaction rules.
    assert!(edges["block"].contains("tx"), "{:?}", edges["block"]);
}

//! Shared fixtures: a copy of a fixture site in a temp dir, and the binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// 2026-11-25T12:00:00Z: "today" for every test run, so review dates are stable
/// (2026-11-25 in the fixtures' New York too: today is the date in the site's timezone).
pub const TODAY_EPOCH: &str = "1795608000";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A site in a temp dir, copied from `tests/fixtures/NAME` (or `content-example`).
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn fixture(name: &str) -> Site {
        Site::copy_of(&fixtures().join(name))
    }

    pub fn example() -> Site {
        Site::copy_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example"))
    }

    pub fn copy_of(from: &Path) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(from, dir.path());
        let _ = fs::remove_dir_all(dir.path().join("public"));
        Site { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    /// Replace `from` with `to` in a file, which must contain it.
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &text.replacen(from, to, 1))
    }

    pub fn cairn(&self, args: &[&str]) -> Run {
        cairn_in(self.path(), args)
    }

    /// `cairn build SITE --out SITE/public ARGS`; the output folder.
    pub fn build(&self, args: &[&str]) -> Run {
        let site = self.path().to_str().unwrap().to_string();
        let mut all = vec!["build", &site];
        all.extend_from_slice(args);
        self.cairn(&all)
    }

    pub fn out(&self, rel: &str) -> String {
        self.read(&format!("public/{rel}"))
    }

    /// `cairn check . --format json ARGS` on the date of `epoch`
    /// (`SOURCE_DATE_EPOCH`): the exit code and the report.
    pub fn check_on(&self, epoch: &str, args: &[&str]) -> (i32, serde_json::Value) {
        let mut all = vec!["check", ".", "--format", "json"];
        all.extend_from_slice(args);
        let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(&all)
            .current_dir(self.path())
            .env("SOURCE_DATE_EPOCH", epoch)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
        (out.status.code().unwrap_or(-1), json)
    }
}

/// The messages of a `check --format json` report's errors and warnings
/// with `code`.
pub fn messages(json: &serde_json::Value, code: &str) -> Vec<String> {
    ["errors", "warnings"]
        .iter()
        .flat_map(|k| json[*k].as_array().cloned().unwrap_or_default())
        .filter(|d| d["code"] == code)
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub fn cairn_in(cwd: &Path, args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file below `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    v.sort();
    v
}

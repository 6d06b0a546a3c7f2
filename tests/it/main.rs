//! Integration tests: real sites through the real binary, asserting what users
//! see (exit codes, messages, JSON, HTML on disk, HTTP responses).
#![allow(unreachable_pub, missing_docs)] // helpers are `pub` to be shared between the modules of this test binary, not API

mod adopt;
mod architecture;
mod audience;
mod build;
mod calendar;
mod calendar_example;
mod calendar_out;
mod calendar_web;
mod calendar_zones;
mod check;
mod ci_recipes;
mod common;
mod corpus;
mod coverage;
mod data_files;
mod diff;
mod docs;
mod facts;
// The benchmark corpus generator (an example binary), called in-process.
#[path = "../../bench/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;
mod github;
mod golden;
mod hostile_input;
mod init_new;
mod markdown;
mod no_panic;
mod offline;
mod out;
mod outside;
mod phones;
mod search;
mod secrets;
mod serve;
mod serve_hostile;
mod techpage;
mod trust;
mod version;

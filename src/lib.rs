//! cairn: markdown runbooks and YAML responsibility data in, a searchable static
//! site out. Data flows one way: load → check → view (audience) → render → write.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod diag;
pub mod markdown;
pub mod model;
pub mod site;

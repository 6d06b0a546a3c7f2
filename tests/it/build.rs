//! `cairn build`: the HTML a reader sees.

//! Integration tests: real sites through the real binary.

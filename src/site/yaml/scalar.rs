//! How a plain scalar resolves (YAML 1.2 core schema, as serde_yaml 0.9
//! read it): null, bool, int, float, or else a string.

/// Whether a scalar reads as a string (quoted, or plain and nothing else):
/// `"a"` and `a` are one key, `"1"` and `1` are two.
pub(super) fn is_string(text: &str, plain: bool) -> bool {
    !plain || !(is_null(text) || parse_bool(text).is_some() || parse_number(text).is_some())
}

pub(super) fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

pub(super) fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Leading zeros before digits make a string in YAML 1.2 (`0123`).
fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

pub(super) enum Number {
    U(u64),
    I(i64),
    F(f64),
}

pub(super) fn parse_number(text: &str) -> Option<Number> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if unsigned.starts_with(['+', '-']) {
        return None;
    }
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
        .iter()
        .find_map(|(p, r)| unsigned.strip_prefix(p).map(|rest| (rest, *r)));
    let int = match radix {
        Some((rest, _)) if rest.starts_with(['+', '-']) => None,
        Some((rest, r)) => u64::from_str_radix(rest, r).ok(),
        None if digits_but_not_number(text) => return None,
        None => unsigned.parse::<u64>().ok(),
    };
    if let Some(n) = int {
        return Some(if negative {
            match 0i64.checked_sub_unsigned(n) {
                Some(i) => Number::I(i),
                None => Number::F(-(n as f64)),
            }
        } else {
            Number::U(n)
        });
    }
    if radix.is_some() {
        return None;
    }
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(Number::F(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }));
        }
        ".nan" | ".NaN" | ".NAN" if !text.starts_with(['+', '-']) => {
            return Some(Number::F(f64::NAN));
        }
        _ => {}
    }
    let f: f64 = unsigned.parse().ok()?;
    // Rust reads `inf` and `nan`; YAML does not.
    f.is_finite()
        .then_some(Number::F(if negative { -f } else { f }))
}

//! Phone numbers typed in prose: found by one pattern for the `stray-phone`
//! check (via [`super::Scan::phones`]) and for the renderer, which makes each
//! a `tel:` link, so a number the check read is the number the page dials.
//!
//! Conservative on purpose: a number must start with `+` (`+1 555 0142`,
//! `+44 20 7946 0958`) or be a North American ten-digit number with
//! separators (`(555) 555-0100`, `555-555-0100`, `555.555.0100`). Dates,
//! versions, IP addresses, ticket and circuit ids (`LVF-88213`) are not.

use std::sync::LazyLock;

use regex::Regex;

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::constant(
        r"\+\d[\d \-().]{5,22}\d|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\b\d{3}[.-]\d{3}[.-]\d{4}\b",
    )
});

/// A phone number in a piece of text: its byte range and its digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    /// `+15550142`: what the `tel:` link dials.
    pub tel: String,
}

/// The phone numbers in `text`, in order.
pub(crate) fn find(text: &str) -> Vec<Found> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    PHONE
        .find_iter(text)
        .filter_map(|m| {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            // Part of a longer token: `x+1 555 0100`, `1234-555-0100`, `0142a`.
            let joined = |c: char| c.is_alphanumeric() || "+_-/".contains(c);
            let more_digits = text[m.end()..]
                .strip_prefix('.')
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
            if before.is_some_and(|c| joined(c) || c == '.')
                || after.is_some_and(joined)
                || more_digits
            {
                return None;
            }
            let number = m.as_str();
            let digits = digits(number);
            // Doubled separators (`+1  -- 5`) are a table of figures, not a
            // number; a parenthesis beside a space is how numbers are written.
            let separator = |b: &u8| !b.is_ascii_digit() && *b != b'(' && *b != b')';
            let doubled = number
                .as_bytes()
                .windows(2)
                .any(|w| separator(&w[0]) && separator(&w[1]));
            if !(7..=15).contains(&digits.len()) || doubled {
                return None;
            }
            let tel = if number.starts_with('+') {
                format!("+{digits}")
            } else {
                digits
            };
            Some(Found {
                start: m.start(),
                end: m.end(),
                tel,
            })
        })
        .collect()
}

/// The digits of a phone number, without `+` or separators (and without an
/// extension, which the parties file may carry: `+1 555 0100 x12`).
pub(crate) fn digits(number: &str) -> String {
    let number = number
        .find(|c: char| c.is_ascii_alphabetic() || c == ',')
        .map_or(number, |i| &number[..i]);
    number.chars().filter(char::is_ascii_digit).collect()
}

/// Whether two numbers' digits are the same number: equal, or one is the
/// other with a country code in front (`+1 555 555 0100` and `(555) 555-0100`).
pub(crate) fn same_number(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 7 && long.ends_with(short) && long.len() - short.len() <= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tels(text: &str) -> Vec<String> {
        find(text).into_iter().map(|f| f.tel).collect()
    }

    #[test]
    fn the_pattern_compiles() {
        LazyLock::force(&PHONE);
    }

    #[test]
    fn numbers_in_prose_are_found_with_their_digits() {
        assert_eq!(tels("call +1 555 0142. Say:"), ["+15550142"]);
        assert_eq!(tels("desk (+1 555 0143) now"), ["+15550143"]);
        assert_eq!(tels("+44 20 7946 0958"), ["+442079460958"]);
        assert_eq!(
            tels("(555) 555-0100 or 555.555.0101"),
            ["5555550100", "5555550101"]
        );
        assert_eq!(tels("+1 (555) 555-0100"), ["+15555550100"]);
        let f = &find("on +1 555 0142.")[0];
        assert_eq!((f.start, f.end), (3, 14));
    }

    #[test]
    fn dates_ids_and_addresses_are_not_numbers() {
        for text in [
            "2026-09-01",
            "10.0.0.1",
            "LVF-88213",
            "4471-22",
            "version 1.2.3",
            "ticket 123456789",
            "+1",
            "x+1 555 0100",
            "SN-555-555-0100",
            "1234-555-0100",
            "+1 555 0142a",
            "192.168.100.1000",
        ] {
            assert!(tels(text).is_empty(), "{text}: {:?}", tels(text));
        }
    }

    #[test]
    fn a_number_with_a_country_code_is_the_same_number() {
        assert!(same_number("15550142", "15550142"));
        assert!(same_number("15555550100", "5555550100"));
        assert!(!same_number(
            "15550142",
            "5550142"[1..].to_string().as_str()
        ));
        assert!(!same_number("15550142", "15550143"));
        assert_eq!(digits("+1 555 0100 x12"), "15550100");
    }
}

//! vCards (RFC 6350, vCard 4.0) of the contacts the audience may see, so a
//! technician can put the NOC's number in their phone: `parties/ID/contacts.vcf`
//! per party and `contacts.vcf` for the whole site. CRLF line ends, lines
//! folded at 75 octets (never inside a UTF-8 character), text values escaped.

use crate::audience::{PartyView, SiteView};
use crate::model::Contact;
use crate::render::tel;

/// One vCard per visible contact of `party`.
pub(super) fn party_vcards(view: &SiteView, party: &PartyView) -> Vec<u8> {
    let mut out = String::new();
    for c in &party.contacts {
        card(&mut out, view, party, c);
    }
    out.into_bytes()
}

/// Every visible contact of every party, in `parties.yaml` order.
pub(super) fn site_vcards(view: &SiteView) -> Vec<u8> {
    let mut out = String::new();
    for p in &view.parties {
        for c in &p.contacts {
            card(&mut out, view, p, c);
        }
    }
    out.into_bytes()
}

fn card(out: &mut String, view: &SiteView, party: &PartyView, c: &Contact) {
    line(out, "BEGIN:VCARD");
    line(out, "VERSION:4.0");
    line(out, "KIND:individual");
    line(out, &format!("FN:{}", text(&c.name)));
    line(out, &format!("ORG:{}", text(party.name)));
    if let Some(role) = &c.role {
        line(out, &format!("TITLE:{}", text(role)));
    }
    if let Some(phone) = &c.phone {
        let number = tel(phone);
        if number.is_empty() {
            line(out, &format!("TEL;VALUE=text;TYPE=work:{}", text(phone)));
        } else {
            line(out, &format!("TEL;VALUE=uri;TYPE=work,voice:tel:{number}"));
        }
    }
    if let Some(email) = &c.email {
        line(out, &format!("EMAIL;TYPE=work:{}", text(email)));
    }
    let hours = if party.hours.describe() == party.hours_name {
        party.hours_name.clone()
    } else {
        format!("{} ({})", party.hours_name, party.hours.describe())
    };
    line(
        out,
        &format!(
            "NOTE:{}",
            text(&format!(
                "{} answers {hours}, {} time.",
                party.name, view.config.timezone.0
            ))
        ),
    );
    line(out, "END:VCARD");
}

/// A TEXT value: backslash, comma, semicolon and line breaks escaped (RFC 6350 §3.4).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded: at most 75 octets a line, continuation lines
/// start with a space, and a multi-octet character is never split (§3.2).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_escape_separators_and_newlines() {
        assert_eq!(
            text("a,b;c\\d\ne\r\nf"),
            "a\\,b\\;c\\\\d\\ne\\nf".to_string()
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let value = format!("NOTE:{}", "é".repeat(60));
        line(&mut out, &value);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        // Unfolding gives the line back.
        assert_eq!(out.replace("\r\n ", ""), format!("{value}\r\n"));
    }
}

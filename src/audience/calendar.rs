//! What one audience sees of the calendar's people: the rotations of the
//! parties it shows and who holds them. A client build names only
//! client-visible holders and never whom they stand in for (that would tell
//! of an absence).

use super::SiteView;
use crate::calendar::{Calendar, Duty, Stretch};
use crate::model::Audience;

/// A rotation of a party the view shows.
pub(crate) struct RotationView<'a> {
    /// The party's id.
    pub party: &'a str,
    pub party_name: &'a str,
    /// The rotation's name (`on-call`).
    pub name: &'a str,
}

impl<'a> SiteView<'a> {
    /// Every rotation of the parties this view shows, in file order.
    pub(crate) fn rotations(&self) -> Vec<RotationView<'a>> {
        let mut out = Vec::new();
        for p in &self.parties {
            let Some(party) = self.site.party(p.id) else {
                continue;
            };
            for name in party.rotations.keys() {
                out.push(RotationView {
                    party: p.id,
                    party_name: p.name,
                    name,
                });
            }
        }
        out
    }

    /// Who holds `rotation` over the calendar's span, as this audience may
    /// see it: in a client build a holder it may not see is `name: None` (its
    /// neighbours joined), and no one is shown covering for anyone.
    pub(crate) fn rotation_holders(
        &self,
        calendar: &Calendar<'a>,
        rotation: &RotationView,
    ) -> Vec<Stretch> {
        let stretches = calendar.rotation(rotation.party, rotation.name);
        if self.audience == Audience::Internal {
            return stretches;
        }
        let mut out: Vec<Stretch> = Vec::with_capacity(stretches.len());
        for s in stretches {
            let duty = s.duty.map(|d| {
                let shown = d.name.as_deref().is_some_and(|n| self.shows_name(n));
                Duty {
                    name: d.name.filter(|_| shown),
                    phone: d.phone.filter(|_| shown),
                    email: d.email.filter(|_| shown),
                    covering_for: None,
                    until: s.end,
                    rotation: d.rotation,
                }
            });
            match out.last_mut() {
                Some(last) if last.end == s.start && last.duty == duty_until(&duty, last.end) => {
                    last.end = s.end;
                    last.duty = duty;
                }
                _ => out.push(Stretch {
                    start: s.start,
                    end: s.end,
                    duty,
                }),
            }
        }
        out
    }

    /// Whether a person's name may be shown to this audience: some contact
    /// it sees has that name and none it may not see does.
    fn shows_name(&self, name: &str) -> bool {
        let contacts = || self.site.parties.iter().flat_map(|p| &p.contacts);
        contacts().any(|c| c.name == name && self.shows(c))
            && !contacts().any(|c| c.name == name && !self.shows(c))
    }
}

/// `duty` as it would read had it ended at `until` (to compare with a stretch
/// that does).
fn duty_until(duty: &Option<Duty>, until: i64) -> Option<Duty> {
    duty.clone().map(|d| Duty { until, ..d })
}

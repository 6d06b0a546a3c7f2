//! Sets of minutes as sorted, disjoint, half-open intervals.

use super::Minute;

/// Sorts and joins overlapping or touching intervals; drops empty ones.
pub(crate) fn normalize(mut v: Vec<(Minute, Minute)>) -> Vec<(Minute, Minute)> {
    v.retain(|(a, b)| a < b);
    v.sort_unstable();
    let mut out: Vec<(Minute, Minute)> = Vec::with_capacity(v.len());
    for (a, b) in v {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The minutes in both (each normalized).
pub(crate) fn intersect(x: &[(Minute, Minute)], y: &[(Minute, Minute)]) -> Vec<(Minute, Minute)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < x.len() && j < y.len() {
        let a = x[i].0.max(y[j].0);
        let b = x[i].1.min(y[j].1);
        if a < b {
            out.push((a, b));
        }
        if x[i].1 < y[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The minutes of `x` not in `y` (each normalized).
pub(crate) fn subtract(x: &[(Minute, Minute)], y: &[(Minute, Minute)]) -> Vec<(Minute, Minute)> {
    let mut out = Vec::new();
    let mut j = 0;
    for &(a, b) in x {
        let mut start = a;
        while j < y.len() && y[j].1 <= start {
            j += 1;
        }
        let mut k = j;
        while k < y.len() && y[k].0 < b {
            if y[k].0 > start {
                out.push((start, y[k].0));
            }
            start = start.max(y[k].1);
            k += 1;
        }
        if start < b {
            out.push((start, b));
        }
    }
    out
}

/// Whether `at` is in the (normalized) set.
pub(crate) fn contains(x: &[(Minute, Minute)], at: Minute) -> bool {
    let i = x.partition_point(|&(_, b)| b <= at);
    x.get(i).is_some_and(|&(a, _)| a <= at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations() {
        let x = normalize(vec![(5, 10), (0, 3), (3, 4), (20, 30)]);
        assert_eq!(x, [(0, 4), (5, 10), (20, 30)]);
        let y = vec![(2, 6), (25, 40)];
        assert_eq!(intersect(&x, &y), [(2, 4), (5, 6), (25, 30)]);
        assert_eq!(subtract(&x, &y), [(0, 2), (6, 10), (20, 25)]);
        assert!(contains(&x, 0) && !contains(&x, 4) && contains(&x, 29) && !contains(&x, 30));
    }
}

//! Polynomials in a scaled variable u, coefficients lowest power first: evaluation, calculus,
//! real roots and the first point where a polynomial reaches zero. The fits keep u within
//! about [−1, 1] over the data, which keeps these steps well conditioned.

use nalgebra::DMatrix;

/// Bisection steps; 200 halvings shrink any finite bracket below one ulp.
const BISECTION_STEPS: usize = 200;
/// Bracket doublings before giving up on an unbounded search; 2¹⁰⁰⁰ overflows f64 anyway.
const BRACKET_DOUBLINGS: usize = 1100;

/// Evaluates the polynomial at `u` by Horner's rule.
pub fn evaluate(coefficients: &[f64], u: f64) -> f64 {
    coefficients.iter().rev().fold(0.0, |sum, c| sum * u + c)
}

/// Returns the derivative's coefficients.
pub fn derivative(coefficients: &[f64]) -> Vec<f64> {
    coefficients
        .iter()
        .enumerate()
        .skip(1)
        .map(|(power, c)| c * power as f64)
        .collect()
}

/// Evaluates the antiderivative that is zero at u = 0.
pub fn antiderivative(coefficients: &[f64], u: f64) -> f64 {
    coefficients
        .iter()
        .enumerate()
        .rev()
        .fold(0.0, |sum, (power, c)| sum * u + c / (power + 1) as f64)
        * u
}

/// Drops leading zero coefficients, so the last one is the real leading coefficient.
fn trimmed(coefficients: &[f64]) -> &[f64] {
    match coefficients.iter().rposition(|c| *c != 0.0) {
        Some(degree) => &coefficients[..=degree],
        None => &coefficients[..coefficients.len().min(1)],
    }
}

/// Returns the real parts of all complex roots, sorted: every real root is among them, and
/// extra points only split an interval more finely. Roots come from the eigenvalues of the
/// companion matrix.
pub fn root_real_parts(coefficients: &[f64]) -> Vec<f64> {
    let coefficients = trimmed(coefficients);
    let degree = coefficients.len().saturating_sub(1);
    let mut roots = match degree {
        0 => Vec::new(),
        1 => vec![-coefficients[0] / coefficients[1]],
        _ => companion_eigenvalue_real_parts(coefficients, degree),
    };
    roots.retain(|r| r.is_finite());
    roots.sort_by(f64::total_cmp);
    roots
}

fn companion_eigenvalue_real_parts(coefficients: &[f64], degree: usize) -> Vec<f64> {
    let leading = coefficients[degree];
    let companion = DMatrix::from_fn(degree, degree, |row, column| {
        if column == degree - 1 {
            -coefficients[row] / leading
        } else if row == column + 1 {
            1.0
        } else {
            0.0
        }
    });
    companion
        .complex_eigenvalues()
        .iter()
        .map(|root| root.re)
        .collect()
}

/// Returns the minimum and maximum of the polynomial over [from, to].
pub fn extremes(coefficients: &[f64], from: f64, to: f64) -> (f64, f64) {
    let (from, to) = (from.min(to), from.max(to));
    let critical = root_real_parts(&derivative(coefficients));
    let inside = critical.into_iter().filter(|u| *u > from && *u < to);
    [from, to]
        .into_iter()
        .chain(inside)
        .map(|u| evaluate(coefficients, u))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(min, max), value| {
            (min.min(value), max.max(value))
        })
}

/// Finds the first u after `start` where `sign · p(u) ≥ 0`, given that it is negative at
/// `start`. `sign` is +1 to find where p rises to zero and −1 where it falls to zero.
/// Returns `None` when p never gets there.
pub fn first_reach(coefficients: &[f64], start: f64, sign: f64) -> Option<f64> {
    let coefficients = trimmed(coefficients);
    let h = |u: f64| sign * evaluate(coefficients, u);
    if coefficients.len() == 2 {
        let root = -coefficients[0] / coefficients[1];
        return (sign * coefficients[1] > 0.0 && root > start).then_some(root);
    }

    // Between consecutive critical points p is monotone, so the first interval whose end
    // reaches zero contains exactly one crossing, which bisection finds.
    let mut from = start;
    let critical = root_real_parts(&derivative(coefficients));
    for to in critical.into_iter().filter(|u| *u > start) {
        if h(to) >= 0.0 {
            return Some(bisect(&h, from, to));
        }
        from = to;
    }

    let leading = *coefficients.last()?;
    if coefficients.len() < 2 || sign * leading <= 0.0 {
        return None;
    }
    let mut step = from.abs().max(1.0);
    for _ in 0..BRACKET_DOUBLINGS {
        let to = from + step;
        if !to.is_finite() {
            return None;
        }
        if h(to) >= 0.0 {
            return Some(bisect(&h, from, to));
        }
        step *= 2.0;
    }
    None
}

/// Narrows [below, above] with h(below) < 0 ≤ h(above) and returns the upper end.
fn bisect(h: &impl Fn(f64) -> f64, mut below: f64, mut above: f64) -> f64 {
    for _ in 0..BISECTION_STEPS {
        let middle = below + (above - below) / 2.0;
        if middle <= below || middle >= above {
            break;
        }
        if h(middle) >= 0.0 {
            above = middle;
        } else {
            below = middle;
        }
    }
    above
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluate_uses_lowest_power_first() {
        assert_eq!(evaluate(&[1.0, 2.0, 3.0], 2.0), 17.0);
    }

    #[test]
    fn antiderivative_integrates_square() {
        assert!((antiderivative(&[0.0, 0.0, 3.0], 2.0) - 8.0).abs() < 1e-12);
    }

    #[test]
    fn roots_of_cubic_are_found() {
        // (u − 1)(u − 2)(u − 3) = u³ − 6u² + 11u − 6
        let roots = root_real_parts(&[-6.0, 11.0, -6.0, 1.0]);
        for (root, expected) in roots.iter().zip([1.0, 2.0, 3.0]) {
            assert!((root - expected).abs() < 1e-9, "{root}");
        }
    }

    #[test]
    fn extremes_include_interior_peak() {
        // 1 − u² peaks at u = 0 inside [−1, 2].
        let (min, max) = extremes(&[1.0, 0.0, -1.0], -1.0, 2.0);
        assert!((max - 1.0).abs() < 1e-12);
        assert!((min + 3.0).abs() < 1e-12);
    }

    #[test]
    fn first_reach_skips_dip_before_rise() {
        // u² − 4 is negative at 0 and reaches zero at u = 2.
        let root = first_reach(&[-4.0, 0.0, 1.0], 0.0, 1.0).unwrap();
        assert!((root - 2.0).abs() < 1e-12);
    }

    #[test]
    fn first_reach_finds_earlier_of_two_crossings() {
        // −(u − 1)(u − 3) rises to zero at u = 1 and falls back at 3.
        let root = first_reach(&[-3.0, 4.0, -1.0], 0.0, 1.0).unwrap();
        assert!((root - 1.0).abs() < 1e-12);
    }

    #[test]
    fn first_reach_none_for_falling_parabola() {
        assert_eq!(first_reach(&[-1.0, 0.0, -1.0], 0.0, 1.0), None);
    }

    #[test]
    fn first_reach_lower_limit() {
        // 5 − u falls to zero at u = 5.
        let root = first_reach(&[5.0, -1.0], 0.0, -1.0).unwrap();
        assert!((root - 5.0).abs() < 1e-12);
    }
}

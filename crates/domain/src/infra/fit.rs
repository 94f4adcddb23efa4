//! Least-squares curves as Zabbix 6.0 fits them for `forecast` and `timeleft`: `linear`,
//! `polynomial1`..`polynomial6`, and `exponential`, `logarithmic` and `power` fitted on
//! linearised data (ln of values, ln of time or both).
//!
//! Zabbix solves the normal equations in raw seconds, whose matrix for a degree-6 fit over a
//! month contains t¹² ≈ 10⁷⁶. Here the regressor is centred and scaled to u ∈ [−1, 1] and the
//! system is solved by Householder QR, so the same curve comes out without losing digits.

use std::fmt;

use nalgebra::{DMatrix, DVector};
use serde::{Serialize, Serializer};

use super::polynomial;
use crate::Invalid;

/// Highest polynomial degree Zabbix accepts.
pub const MAX_POLYNOMIAL_DEGREE: u8 = 6;
/// A diagonal element of R this small relative to the largest one means the columns are
/// dependent, so the fit has no unique solution.
const RANK_TOLERANCE: f64 = 1e-12;
/// A coefficient this small relative to the largest one is rounding noise: a flat series
/// fitted exactly leaves slopes near 1e-17, which would put a crossing 10¹⁹ s away.
const NOISE_TOLERANCE: f64 = 1e-12;

/// The curve type of a forecast, named as in Zabbix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Fit {
    /// x = a + b·t (the default).
    #[default]
    Linear,
    /// x = a₀ + a₁·t + … + aₙ·tⁿ, n from 1 to 6.
    Polynomial(u8),
    /// x = a·e^(b·t), fitted as ln x = ln a + b·t.
    Exponential,
    /// x = a + b·ln t.
    Logarithmic,
    /// x = a·t^b, fitted as ln x = ln a + b·ln t.
    Power,
}

impl Fit {
    /// Parses a Zabbix fit name; an empty value is `linear`, as in Zabbix.
    pub fn parse(field: &str, value: &str) -> Result<Fit, Invalid> {
        let trimmed = value.trim();
        match trimmed {
            "" | "linear" => return Ok(Fit::Linear),
            "exponential" => return Ok(Fit::Exponential),
            "logarithmic" => return Ok(Fit::Logarithmic),
            "power" => return Ok(Fit::Power),
            _ => {}
        }
        let Some(degree) = trimmed.strip_prefix("polynomial") else {
            return Err(Invalid::not_one_of(field, value, &Fit::names()));
        };
        match degree.parse::<u8>() {
            Ok(degree) if (1..=MAX_POLYNOMIAL_DEGREE).contains(&degree) => {
                Ok(Fit::Polynomial(degree))
            }
            _ => Err(Invalid::new(field, "infra-fit-polynomial-degree").arg("value", value)),
        }
    }

    /// Returns every fit name Zabbix accepts.
    pub fn names() -> Vec<&'static str> {
        vec![
            "linear",
            "polynomial1",
            "polynomial2",
            "polynomial3",
            "polynomial4",
            "polynomial5",
            "polynomial6",
            "exponential",
            "logarithmic",
            "power",
        ]
    }

    /// Returns the degree of the fitted polynomial in the (possibly logarithmic) regressor.
    pub fn degree(self) -> usize {
        match self {
            Fit::Polynomial(degree) => usize::from(degree),
            _ => 1,
        }
    }

    /// Whether the fit takes the logarithm of time, so t must stay positive.
    pub fn uses_log_time(self) -> bool {
        matches!(self, Fit::Logarithmic | Fit::Power)
    }

    /// Whether the fit takes the logarithm of values, so every value must be above zero.
    pub fn uses_log_values(self) -> bool {
        matches!(self, Fit::Exponential | Fit::Power)
    }

    /// Whether the curve is monotone in t, so its extremes over an interval lie at the ends.
    pub fn is_monotone(self) -> bool {
        !matches!(self, Fit::Polynomial(degree) if degree > 1)
    }
}

impl fmt::Display for Fit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fit::Linear => f.write_str("linear"),
            Fit::Polynomial(degree) => write!(f, "polynomial{degree}"),
            Fit::Exponential => f.write_str("exponential"),
            Fit::Logarithmic => f.write_str("logarithmic"),
            Fit::Power => f.write_str("power"),
        }
    }
}

impl Serialize for Fit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A fitted curve x(t). Internally a polynomial in u = (r − centre) / scale, where the
/// regressor r is t or ln t, and the polynomial gives x or ln x.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    fit: Fit,
    centre: f64,
    scale: f64,
    coefficients: Vec<f64>,
}

impl Curve {
    /// Fits `values` at `times` (seconds on the Zabbix time axis, all positive for the
    /// logarithmic and power fits) by least squares. Needs more points than the degree.
    pub fn fit(fit: Fit, times: &[f64], values: &[f64]) -> Result<Curve, Invalid> {
        if let Some(bad) = values.iter().find(|v| fit.uses_log_values() && **v <= 0.0) {
            return Err(Invalid::new("values", "infra-forecast-nonpositive-value")
                .arg("fit", fit)
                .arg("value", bad));
        }
        let regressors: Vec<f64> = times
            .iter()
            .map(|t| if fit.uses_log_time() { t.ln() } else { *t })
            .collect();
        let targets: Vec<f64> = values
            .iter()
            .map(|v| if fit.uses_log_values() { v.ln() } else { *v })
            .collect();

        let (low, high) = regressors
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
                (lo.min(*r), hi.max(*r))
            });
        let centre = (low + high) / 2.0;
        let scale = (high - low) / 2.0;
        if !(scale > 0.0 && scale.is_finite()) {
            return Err(Invalid::new("window", "infra-forecast-singular").arg("fit", fit));
        }

        let scaled: Vec<f64> = regressors.iter().map(|r| (r - centre) / scale).collect();
        let coefficients = least_squares(&scaled, &targets, fit.degree())
            .ok_or_else(|| Invalid::new("window", "infra-forecast-singular").arg("fit", fit))?;
        Ok(Curve {
            fit,
            centre,
            scale,
            coefficients,
        })
    }

    /// Returns the fit this curve was made with.
    pub fn fit_kind(&self) -> Fit {
        self.fit
    }

    /// Evaluates the curve at `t` seconds on the Zabbix time axis.
    pub fn value(&self, t: f64) -> f64 {
        let inner = polynomial::evaluate(&self.coefficients, self.to_u(t));
        if self.fit.uses_log_values() {
            inner.exp()
        } else {
            inner
        }
    }

    /// Returns the coefficients in the regressor itself, lowest power first, as Zabbix writes them in
    /// its debug log: a, b, … of x = a + b·t + … for `linear` and `polynomialN`, of
    /// x = a + b·ln t for `logarithmic`, of ln x = a + b·t for `exponential` and of
    /// ln x = a + b·ln t for `power`.
    pub fn coefficients(&self) -> Vec<f64> {
        let degree = self.coefficients.len();
        let mut expanded = vec![0.0; degree];
        // Σⱼ cⱼ·((r − m)/s)ʲ = Σⱼ cⱼ·s⁻ʲ·Σᵢ C(j,i)·rⁱ·(−m)ʲ⁻ⁱ
        for (j, c) in self.coefficients.iter().enumerate() {
            let factor = c / self.scale.powi(j as i32);
            let mut binomial = 1.0;
            for (i, slot) in expanded.iter_mut().enumerate().take(j + 1) {
                *slot += factor * binomial * (-self.centre).powi((j - i) as i32);
                binomial = binomial * (j - i) as f64 / (i + 1) as f64;
            }
        }
        expanded
    }

    /// Computes the coefficient of determination of the curve on `values`, on the values' own
    /// scale. Returns `None` when all values are equal.
    pub fn r2(&self, times: &[f64], values: &[f64]) -> Option<f64> {
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let total: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
        if total == 0.0 {
            return None;
        }
        let residual: f64 = times
            .iter()
            .zip(values)
            .map(|(t, v)| (v - self.value(*t)).powi(2))
            .sum();
        Some(1.0 - residual / total)
    }

    /// The minimum and maximum of the curve over [from, to] (in either order).
    pub fn extremes(&self, from: f64, to: f64) -> (f64, f64) {
        if self.fit.is_monotone() {
            let (a, b) = (self.value(from), self.value(to));
            return (a.min(b), a.max(b));
        }
        polynomial::extremes(&self.coefficients, self.to_u(from), self.to_u(to))
    }

    /// The mean of the curve over [now, now + horizon], from its antiderivative, as Zabbix
    /// computes `avg`; the value at `now` when the horizon is zero.
    pub fn average(&self, now: f64, horizon: f64) -> f64 {
        if horizon == 0.0 {
            return self.value(now);
        }
        let (left, right) = (self.value(now), self.value(now + horizon));
        let (a, b) = self.linear_terms();
        match self.fit {
            Fit::Linear | Fit::Polynomial(_) => {
                let to = polynomial::antiderivative(&self.coefficients, self.to_u(now + horizon));
                let from = polynomial::antiderivative(&self.coefficients, self.to_u(now));
                (to - from) * self.scale / horizon
            }
            Fit::Exponential if b == 0.0 => left,
            Fit::Exponential => (right - left) / horizon / b,
            Fit::Logarithmic => right + b * ((horizon / now).ln_1p() * now / horizon - 1.0),
            Fit::Power if (b + 1.0).abs() < f64::EPSILON => {
                a.exp() * (horizon / now).ln_1p() / horizon
            }
            Fit::Power => (right * (now + horizon) - left * now) / horizon / (b + 1.0),
        }
    }

    /// Finds the first time after `now` where the curve reaches `threshold` from below
    /// (`rising`) or from above (`!rising`), given that it has not reached it at `now`.
    /// Returns `None` when it never does.
    pub fn first_reach(&self, now: f64, threshold: f64, rising: bool) -> Option<f64> {
        let sign = if rising { 1.0 } else { -1.0 };
        let target = if self.fit.uses_log_values() {
            if threshold <= 0.0 {
                // e^y stays above zero, so it falls towards such a threshold forever.
                return None;
            }
            threshold.ln()
        } else {
            threshold
        };
        let mut shifted = self.coefficients.clone();
        shifted[0] -= target;

        let u = polynomial::first_reach(&shifted, self.to_u(now), sign)?;
        let regressor = self.centre + self.scale * u;
        let t = if self.fit.uses_log_time() {
            regressor.exp()
        } else {
            regressor
        };
        t.is_finite().then_some(t.max(now))
    }

    /// Prepares the least-squares prediction interval of the linearised fit to `values` at
    /// `times` (the data the curve was fitted to). Returns `None` when there are no more
    /// values than coefficients, so no residual variance can be estimated.
    pub(crate) fn prediction_interval(
        &self,
        times: &[f64],
        values: &[f64],
    ) -> Option<PredictionInterval<'_>> {
        let parameters = self.coefficients.len();
        if times.len() <= parameters {
            return None;
        }
        let scaled: Vec<f64> = times.iter().map(|t| self.to_u(*t)).collect();
        let residual_sum: f64 = scaled
            .iter()
            .zip(values)
            .map(|(u, v)| {
                let target = if self.fit.uses_log_values() {
                    v.ln()
                } else {
                    *v
                };
                (target - polynomial::evaluate(&self.coefficients, *u)).powi(2)
            })
            .sum();
        let sigma = (residual_sum / (times.len() - parameters) as f64).sqrt();
        let design = DMatrix::from_fn(scaled.len(), parameters, |row, power| {
            scaled[row].powi(power as i32)
        });
        let inverse_gram = (design.transpose() * &design).try_inverse()?;
        Some(PredictionInterval {
            curve: self,
            sigma,
            inverse_gram,
        })
    }

    /// a and b of the linearised two-parameter fits in the unscaled regressor.
    fn linear_terms(&self) -> (f64, f64) {
        let c1 = self.coefficients.get(1).copied().unwrap_or(0.0);
        let b = c1 / self.scale;
        (self.coefficients[0] - b * self.centre, b)
    }

    fn to_u(&self, t: f64) -> f64 {
        let regressor = if self.fit.uses_log_time() { t.ln() } else { t };
        (regressor - self.centre) / self.scale
    }
}

/// The ordinary least-squares prediction interval of a fitted curve, computed in the
/// linearised problem (ln x for the exponential and power fits) and mapped back. Those two
/// fits therefore get a band that is wider above the curve than below it.
pub(crate) struct PredictionInterval<'a> {
    curve: &'a Curve,
    /// Residual standard error s, with n − p degrees of freedom.
    sigma: f64,
    /// (VᵀV)⁻¹ of the scaled design matrix V.
    inverse_gram: DMatrix<f64>,
}

impl PredictionInterval<'_> {
    /// Returns the lower and upper edge at `t`: ŷ ± z·s·√(1 + vᵀ(VᵀV)⁻¹v), with v the
    /// regressor's powers at `t` and z the normal quantile of the coverage.
    pub(crate) fn edges(&self, t: f64, z: f64) -> (f64, f64) {
        let u = self.curve.to_u(t);
        let parameters = self.curve.coefficients.len();
        let row = DVector::from_fn(parameters, |power, _| u.powi(power as i32));
        let leverage = (row.transpose() * &self.inverse_gram * &row)[(0, 0)];
        let half = z * self.sigma * (1.0 + leverage.max(0.0)).sqrt();
        let centre = polynomial::evaluate(&self.curve.coefficients, u);
        if self.curve.fit.uses_log_values() {
            ((centre - half).exp(), (centre + half).exp())
        } else {
            (centre - half, centre + half)
        }
    }
}

/// Solves min ‖V·c − y‖ for the Vandermonde matrix V of `u` up to `degree` by Householder QR.
/// Returns `None` when the columns are dependent (fewer distinct points than coefficients).
fn least_squares(u: &[f64], y: &[f64], degree: usize) -> Option<Vec<f64>> {
    let columns = degree + 1;
    if u.len() < columns {
        return None;
    }
    let design = DMatrix::from_fn(u.len(), columns, |row, power| u[row].powi(power as i32));
    let qr = design.qr();
    let r = qr.r();
    let largest = r.diagonal().iter().fold(0.0_f64, |m, d| m.max(d.abs()));
    if r.diagonal()
        .iter()
        .any(|d| d.abs() <= RANK_TOLERANCE * largest)
    {
        return None;
    }
    let projected = qr.q().transpose() * DVector::from_column_slice(y);
    let solution = r.solve_upper_triangular(&projected)?;
    let largest = solution.iter().fold(0.0_f64, |m, c| m.max(c.abs()));
    let denoised = solution
        .iter()
        .map(|c| {
            if c.abs() <= NOISE_TOLERANCE * largest {
                0.0
            } else {
                *c
            }
        })
        .collect();
    Some(denoised)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(times: &[f64], a: f64, b: f64) -> Vec<f64> {
        times.iter().map(|t| a + b * t).collect()
    }

    #[test]
    fn fit_parses_zabbix_names() {
        assert_eq!(Fit::parse("fit", ""), Ok(Fit::Linear));
        assert_eq!(Fit::parse("fit", "polynomial3"), Ok(Fit::Polynomial(3)));
        assert_eq!(Fit::parse("fit", "power"), Ok(Fit::Power));
    }

    #[test]
    fn fit_rejects_polynomial_seven() {
        let error = Fit::parse("fit", "polynomial7").unwrap_err();
        assert_eq!(error.key, "infra-fit-polynomial-degree");
    }

    #[test]
    fn fit_unknown_names_allowed() {
        let error = Fit::parse("fit", "cubic").unwrap_err();
        assert!(error.args.iter().any(|(_, v)| v.contains("polynomial6")));
    }

    #[test]
    fn fit_displays_as_parsed() {
        for name in Fit::names() {
            assert_eq!(Fit::parse("fit", name).unwrap().to_string(), name);
        }
    }

    #[test]
    fn linear_coefficients_recovered() {
        let times = [1e-9, 300.0, 600.0, 900.0];
        let curve = Curve::fit(Fit::Linear, &times, &line(&times, 3.0, 0.5)).unwrap();
        let coefficients = curve.coefficients();
        assert!((coefficients[0] - 3.0).abs() < 1e-9);
        assert!((coefficients[1] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn polynomial_exact_on_its_own_degree() {
        let times: Vec<f64> = (0..20).map(|i| 1e-9 + 3600.0 * i as f64).collect();
        let values: Vec<f64> = times
            .iter()
            .map(|t| 1.0 + 1e-4 * t - 2e-9 * t * t)
            .collect();
        let curve = Curve::fit(Fit::Polynomial(2), &times, &values).unwrap();
        let at = 30.0 * 3600.0;
        let expected = 1.0 + 1e-4 * at - 2e-9 * at * at;
        assert!((curve.value(at) - expected).abs() < 1e-9);
    }

    #[test]
    fn polynomial_needs_more_points_than_degree() {
        let error = Curve::fit(Fit::Polynomial(3), &[1.0, 2.0, 3.0], &[1.0, 2.0, 1.0]);
        assert_eq!(error.unwrap_err().key, "infra-forecast-singular");
    }

    #[test]
    fn exponential_rejects_zero_value() {
        let error = Curve::fit(Fit::Exponential, &[1.0, 2.0], &[1.0, 0.0]).unwrap_err();
        assert_eq!(error.key, "infra-forecast-nonpositive-value");
    }

    #[test]
    fn power_rejects_negative_value() {
        let error = Curve::fit(Fit::Power, &[1.0, 2.0], &[-1.0, 2.0]).unwrap_err();
        assert_eq!(error.key, "infra-forecast-nonpositive-value");
    }

    #[test]
    fn exponential_average_matches_integral() {
        let times = [1.0, 2.0, 3.0];
        let values: Vec<f64> = times.iter().map(|t: &f64| (0.1 * t).exp()).collect();
        let curve = Curve::fit(Fit::Exponential, &times, &values).unwrap();
        let expected = ((0.1_f64 * 5.0).exp() - (0.1_f64 * 3.0).exp()) / 2.0 / 0.1;
        assert!((curve.average(3.0, 2.0) - expected).abs() < 1e-12);
    }

    #[test]
    fn logarithmic_average_matches_integral() {
        let times = [1.0, 2.0, 4.0];
        let values: Vec<f64> = times.iter().map(|t: &f64| 2.0 + 3.0 * t.ln()).collect();
        let curve = Curve::fit(Fit::Logarithmic, &times, &values).unwrap();
        // ∫ (2 + 3 ln t) dt = 2t + 3(t ln t − t)
        let primitive = |t: f64| 2.0 * t + 3.0 * (t * t.ln() - t);
        let expected = (primitive(6.0) - primitive(4.0)) / 2.0;
        assert!((curve.average(4.0, 2.0) - expected).abs() < 1e-12);
    }

    #[test]
    fn power_reach_inverts_curve() {
        let times = [1.0, 2.0, 4.0, 8.0];
        let values: Vec<f64> = times.iter().map(|t: &f64| 2.0 * t.powf(0.5)).collect();
        let curve = Curve::fit(Fit::Power, &times, &values).unwrap();
        let t = curve.first_reach(8.0, 10.0, true).unwrap();
        assert!((t - 25.0).abs() < 1e-9);
    }
}

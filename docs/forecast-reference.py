#!/usr/bin/env python3
"""Reference numbers for the forecast tests, computed with numpy independently of the Rust code.

Run from the repository root:  python3 docs/forecast-reference.py
It reads the NAB metric series from ../shared/data/metrics/ and prints one line per case,
which the test crates/domain/tests/nab_forecasts.rs embeds as constants.

Method, as in Zabbix 6.0 forecast() and timeleft():
- t is seconds from the oldest value in the window plus 1 ns (the oldest value sits at 1e-9);
  the evaluation time is the newest sample, at now = (newest - oldest) - 1e-9.
- linear and polynomialN are least squares in t; exponential fits ln x, logarithmic fits
  against ln t, power fits ln x against ln t.
- Fits use numpy.polynomial.Polynomial.fit, which maps the regressor onto [-1, 1] and solves
  by numpy.linalg.lstsq (SVD). The Rust code uses its own centring and Householder QR.
- timeleft takes the smallest real root after now of fitted(t) - threshold (numpy.roots
  through Polynomial.roots for polynomials, the closed form for the two-parameter fits).
"""

import csv
import datetime
import math
import os

import numpy as np
from numpy.polynomial import Polynomial

HERE = os.path.dirname(os.path.abspath(__file__))
METRICS = os.path.join(HERE, "..", "..", "shared", "data", "metrics")
NS = 1e-9


def load(name, convert=lambda v: v):
    """Read rows as (Unix seconds, value), sorted, keeping the last value of a repeated timestamp."""
    rows = {}
    with open(os.path.join(METRICS, name), newline="") as handle:
        for row in csv.DictReader(handle):
            stamp = datetime.datetime.strptime(row["timestamp"], "%Y-%m-%d %H:%M:%S")
            seconds = int(stamp.replace(tzinfo=datetime.timezone.utc).timestamp())
            rows[seconds] = convert(float(row["value"]))
    return sorted(rows.items())


def window(rows, seconds=None):
    """Select samples in (newest - seconds, newest] and place them on the Zabbix time axis."""
    newest = rows[-1][0]
    chosen = [(s, v) for s, v in rows if seconds is None or s > newest - seconds]
    oldest = chosen[0][0]
    t = np.array([(s - oldest) + NS for s, _ in chosen], dtype=float)
    x = np.array([v for _, v in chosen], dtype=float)
    now = (newest - oldest) - NS
    return t, x, now


def fit(kind, t, x):
    """Fit `kind` and return (predict(t), polynomial in the regressor, regressor, log_x)."""
    log_t = kind in ("logarithmic", "power")
    log_x = kind in ("exponential", "power")
    degree = int(kind[len("polynomial"):]) if kind.startswith("polynomial") else 1
    regressor = np.log if log_t else (lambda v: v)
    target = np.log(x) if log_x else x
    poly = Polynomial.fit(regressor(t), target, degree)
    untransform = np.exp if log_x else (lambda v: v)
    return (lambda at: untransform(poly(regressor(at)))), poly, regressor, log_x


def r2(predict, t, x):
    residual = np.sum((x - predict(t)) ** 2)
    total = np.sum((x - x.mean()) ** 2)
    return 1.0 - residual / total


def timeleft(poly, regressor, log_x, now, threshold):
    level = math.log(threshold) if log_x else threshold
    start = regressor(now)
    roots = (poly - level).roots()
    real = [r.real for r in roots if abs(r.imag) <= 1e-9 * max(1.0, abs(r.real)) and r.real > start]
    if not real:
        return None
    root = min(real)
    moment = math.exp(root) if regressor is np.log else root
    return float(moment - now)


def average(poly, now, horizon):
    """Return the mean of a polynomial fit over [now, now + horizon] from its antiderivative."""
    primitive = poly.integ()
    return (primitive(now + horizon) - primitive(now)) / horizon


def maximum(predict, poly, now, horizon):
    candidates = [now, now + horizon]
    candidates += [r.real for r in poly.deriv().roots() if abs(r.imag) < 1e-12 and now < r.real < now + horizon]
    return max(predict(np.array(candidates)))


def report(name, value):
    print(f"{name} = {value!r}")


def main():
    day = 86400
    cpu = load("ec2_cpu_utilization_ac20cd.csv")
    rds = load("rds_cpu_utilization_e47b3b.csv")
    temperature = load("ambient_temperature_system_failure.csv", lambda f: (f - 32.0) * 5.0 / 9.0)
    network = load("ec2_network_in_257a54.csv", lambda b: b / 300.0)

    t, x, now = window(cpu, 7 * day)
    predict, poly, regressor, log_x = fit("linear", t, x)
    report("CPU_AC20CD_7D_POINTS", len(t))
    report("CPU_AC20CD_7D_LINEAR_VALUE_1D", float(predict(now + day)))
    report("CPU_AC20CD_7D_LINEAR_R2", float(r2(predict, t, x)))
    report("CPU_AC20CD_7D_LINEAR_TIMELEFT_95", timeleft(poly, regressor, log_x, now, 95.0))
    report("CPU_AC20CD_7D_LINEAR_UNCLAMPED_7D", float(predict(now + 7 * day)))

    t, x, now = window(cpu)
    predict, poly, regressor, log_x = fit("polynomial2", t, x)
    report("CPU_AC20CD_ALL_POLY2_VALUE_NOW", float(predict(now)))
    report("CPU_AC20CD_ALL_POLY2_TIMELEFT_95", timeleft(poly, regressor, log_x, now, 95.0))

    t, x, now = window(cpu, 3 * day)
    predict, poly, regressor, log_x = fit("power", t, x)
    report("CPU_AC20CD_3D_POWER_TIMELEFT_75", timeleft(poly, regressor, log_x, now, 75.0))

    t, x, now = window(rds)
    predict, poly, regressor, log_x = fit("linear", t, x)
    report("RDS_ALL_POINTS", len(t))
    report("RDS_ALL_LINEAR_VALUE_7D", float(predict(now + 7 * day)))
    report("RDS_ALL_LINEAR_TIMELEFT_75", timeleft(poly, regressor, log_x, now, 75.0))
    predict, poly, regressor, log_x = fit("polynomial2", t, x)
    report("RDS_ALL_POLY2_VALUE_7D", float(predict(now + 7 * day)))
    report("RDS_ALL_POLY2_R2", float(r2(predict, t, x)))
    predict, poly, regressor, log_x = fit("polynomial3", t, x)
    report("RDS_ALL_POLY3_AVG_3D", float(average(poly, now, 3 * day)))
    report("RDS_ALL_POLY3_MAX_3D", float(maximum(predict, poly, now, 3 * day)))
    predict, poly, regressor, log_x = fit("polynomial6", t, x)
    report("RDS_ALL_POLY6_TIMELEFT_30", timeleft(poly, regressor, log_x, now, 30.0))
    predict, poly, regressor, log_x = fit("exponential", t, x)
    report("RDS_ALL_EXPONENTIAL_VALUE_7D", float(predict(now + 7 * day)))
    report("RDS_ALL_EXPONENTIAL_TIMELEFT_75", timeleft(poly, regressor, log_x, now, 75.0))
    predict, poly, regressor, log_x = fit("logarithmic", t, x)
    report("RDS_ALL_LOGARITHMIC_TIMELEFT_30", timeleft(poly, regressor, log_x, now, 30.0))

    t, x, now = window(rds, 3 * day)
    predict, poly, regressor, log_x = fit("polynomial4", t, x)
    report("RDS_3D_POINTS", len(t))
    report("RDS_3D_POLY4_TIMELEFT_50", timeleft(poly, regressor, log_x, now, 50.0))

    t, x, now = window(temperature)
    predict, poly, regressor, log_x = fit("logarithmic", t, x)
    report("TEMPERATURE_ALL_POINTS", len(t))
    report("TEMPERATURE_ALL_LOGARITHMIC_VALUE_30D", float(predict(now + 30 * day)))
    predict, poly, regressor, log_x = fit("power", t, x)
    report("TEMPERATURE_ALL_POWER_VALUE_30D", float(predict(now + 30 * day)))
    report("TEMPERATURE_ALL_POWER_R2", float(r2(predict, t, x)))

    t, x, now = window(network, 1 * day)
    predict, poly, regressor, log_x = fit("linear", t, x)
    report("NETWORK_1D_POINTS", len(t))
    report("NETWORK_1D_LINEAR_VALUE_6H", float(predict(now + 6 * 3600)))


if __name__ == "__main__":
    main()

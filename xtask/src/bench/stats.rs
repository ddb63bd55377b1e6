//! Small statistics and number formatting for the benchmark tables.

use serde_json::Value;

/// Min, median and max of several runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Fastest run.
    pub min: f64,
    /// Median run (the upper one of an even count).
    pub median: f64,
    /// Slowest run.
    pub max: f64,
    /// How many runs.
    pub runs: usize,
}

impl Spread {
    /// The spread of `xs`; `None` when empty.
    pub fn of(xs: &[f64]) -> Option<Spread> {
        let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(Spread {
            min: v[0],
            median: v[v.len() / 2],
            max: v[v.len() - 1],
            runs: v.len(),
        })
    }

    /// The spread of the JSON array of numbers at `v[key]`.
    pub fn at(v: &Value, key: &str) -> Option<Spread> {
        let xs: Vec<f64> = v
            .get(key)?
            .as_array()?
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        Spread::of(&xs)
    }

    /// `min / median / max` with `unit` formatting each number (nanoseconds in).
    pub fn show(&self, unit: fn(f64) -> String) -> String {
        format!(
            "{} / **{}** / {}",
            unit(self.min),
            unit(self.median),
            unit(self.max)
        )
    }
}

/// Nanoseconds as the most readable unit.
pub fn time(ns: f64) -> String {
    if !ns.is_finite() {
        return "?".into();
    }
    if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1_000_000_000.0 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// Bytes with thousands separators and a KiB/MiB reading.
pub fn bytes(n: u64) -> String {
    let kib = n as f64 / 1024.0;
    if kib < 1024.0 {
        format!("{} B ({kib:.1} KiB)", thousands(n))
    } else {
        format!("{} B ({:.1} MiB)", thousands(n), kib / 1024.0)
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits: Vec<char> = n.to_string().chars().collect();
    let groups: Vec<String> = digits
        .rchunks(3)
        .rev()
        .map(|g| g.iter().collect())
        .collect();
    groups.join(",")
}

/// A ratio with two significant decimals (`12.3×`).
pub fn ratio(x: f64) -> String {
    if !x.is_finite() {
        "?".into()
    } else if x >= 100.0 {
        format!("{x:.0}×")
    } else if x >= 10.0 {
        format!("{x:.1}×")
    } else {
        format!("{x:.2}×")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_and_units() {
        let s = Spread::of(&[3.0, 1.0, 2.0, f64::NAN]).unwrap();
        assert_eq!((s.min, s.median, s.max, s.runs), (1.0, 2.0, 3.0, 3));
        assert_eq!(Spread::of(&[]), None);
        assert_eq!(time(950.0), "950 ns");
        assert_eq!(time(12_340.0), "12.34 µs");
        assert_eq!(time(2.5e6), "2.50 ms");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(ratio(12.34), "12.3×");
    }
}

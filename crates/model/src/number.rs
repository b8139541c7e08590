//! Numbers as people read them, in one place: the terminal, the reports, the
//! exercise pages and every reason text format numbers through these
//! functions, so a figure reads the same wherever it appears.

/// A number as people write it: integers without decimals, others to at most
/// two decimal places, trailing zeros dropped.
///
/// ```
/// use guarantor_model::number::fmt;
/// assert_eq!(fmt(48.0), "48");
/// assert_eq!(fmt(53.333), "53.33");
/// assert_eq!(fmt(0.5), "0.5");
/// ```
pub fn fmt(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A whole amount with thousands separators, rounded to the nearest unit: money
/// in the scenario's currency unit (e.g. USD million), counts of packages.
///
/// ```
/// use guarantor_model::number::grouped;
/// assert_eq!(grouped(31_810.4), "31,810");
/// assert_eq!(grouped(-1_234_567.0), "-1,234,567");
/// assert_eq!(grouped(999.0), "999");
/// ```
pub fn grouped(x: f64) -> String {
    let r = x.round() as i64;
    let s = r.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if r < 0 { format!("-{out}") } else { out }
}

/// A share of a total as a percentage to one decimal; an empty total counts as 1.
///
/// ```
/// use guarantor_model::number::percent;
/// assert_eq!(percent(298, 2160), "13.8%");
/// assert_eq!(percent(0, 0), "0.0%");
/// ```
pub fn percent(n: u64, total: u64) -> String {
    format!("{:.1}%", 100.0 * n as f64 / total.max(1) as f64)
}

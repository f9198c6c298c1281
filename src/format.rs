//! How numbers read on the site: the value the curator wrote, grouped for the eye.
//!
//! A published figure must read as exactly the number in the YAML (and so in its
//! source), never rounded: 257.4 stays 257.4, 2.27 stays 2.27, 3759 becomes 3,759.

/// `3759` → `3,759`; `257.4` → `257.4`; `-7.7` → `-7.7`; `15700` → `15,700`.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    // Rust's shortest round-trip formatting never prints noise digits (0.1+0.2 aside,
    // which no curated value is), and never uses exponents for this range.
    let raw = plain(v);
    let digits = raw.strip_prefix('-').unwrap_or(&raw);
    let int = digits.find('.').unwrap_or(digits.len());
    if int <= 3 {
        return raw;
    }
    // Every page shows hundreds of numbers: grouped into one new string, not three.
    let sign = raw.len() - digits.len();
    let mut grouped = String::with_capacity(raw.len() + int / 3);
    grouped.push_str(&raw[..sign]);
    for (i, c) in digits[..int].chars().enumerate() {
        if i > 0 && (int - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped.push_str(&digits[int..]);
    grouped
}

/// The value as written in data files: no grouping, shortest exact form.
pub fn plain(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A number computed by a unit conversion (2100万元 in 亿元 is 0.21000000000000002) as
/// a curator would write it: rounded to 12 significant digits.
pub fn stated(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return plain(v);
    }
    let digits = 12 - (v.abs().log10().floor() as i32) - 1;
    let scale = 10f64.powi(digits.clamp(0, 15));
    plain((v * scale).round() / scale)
}

/// Change between two values, in the indicator's unit and as a percentage.
/// Returns (`+964`, `+34.5%`); the percentage is absent when the base is zero, and for
/// indicators that are themselves percentages, whose change reads in percentage points
/// (a growth rate going from -5.7% to 3.6% did not grow by 163%).
pub fn change(from: f64, to: f64, unit: &str) -> (String, Option<String>) {
    let delta = to - from;
    // Round the difference to the precision of the inputs so 2.27 - 2.1 prints 0.17.
    let decimals = decimals(from).max(decimals(to));
    let factor = 10f64.powi(decimals as i32);
    let delta = (delta * factor).round() / factor;
    let sign = if delta > 0.0 { "+" } else { "" };
    let abs = format!("{sign}{}", number(delta));
    if unit == "%" {
        return (format!("{abs}个百分点"), None);
    }
    let pct = (from != 0.0).then(|| {
        let p = delta / from.abs() * 100.0;
        let sign = if p > 0.0 { "+" } else { "" };
        format!("{sign}{p:.1}%")
    });
    (abs, pct)
}

fn decimals(v: f64) -> usize {
    let s = plain(v);
    s.split_once('.').map_or(0, |(_, f)| f.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converted_numbers_read_as_written() {
        assert_eq!(stated(2100.0 * 1e4 / 1e8), "0.21");
        assert_eq!(stated(3759.0), "3759");
        assert_eq!(stated(257.4), "257.4");
        assert_eq!(stated(0.0001234), "0.0001234");
    }

    #[test]
    fn numbers_keep_every_digit_and_group_thousands() {
        assert_eq!(number(3759.0), "3,759");
        assert_eq!(number(257.4), "257.4");
        assert_eq!(number(2.27), "2.27");
        assert_eq!(number(15700.0), "15,700");
        assert_eq!(number(-7.7), "-7.7");
        assert_eq!(number(1234567.25), "1,234,567.25");
        assert_eq!(number(87.0), "87");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-1234.5), "-1,234.5");
        assert_eq!(number(-100.0), "-100");
        assert_eq!(number(1000.0), "1,000");
        assert_eq!(number(999.999), "999.999");
        assert_eq!(number(123456.0), "123,456");
    }

    #[test]
    fn changes_are_signed_and_exact() {
        assert_eq!(
            change(2795.0, 3759.0, "家"),
            ("+964".to_string(), Some("+34.5%".to_string()))
        );
        assert_eq!(change(2.1, 2.27, "亿元").0, "+0.17");
        assert_eq!(
            change(10.0, 7.0, "家"),
            ("-3".to_string(), Some("-30.0%".to_string()))
        );
        assert_eq!(change(0.0, 5.0, "家").1, None);
        assert_eq!(change(-5.7, 3.6, "%"), ("+9.3个百分点".to_string(), None));
    }
}

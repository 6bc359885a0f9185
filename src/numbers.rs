//! Numbers the Swedish way (`153 790`, `63,5 %`), for every text people read.

/// A number the Swedish way: `153 790`, `63,5`.
pub(crate) fn sv(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// `value` rounded to a whole number, as `format!("{value:.0}")` writes it, but without
/// the float formatter for values that are whole already (most frequencies): a decision's
/// explanation is written per request.
pub(crate) fn whole(value: f64) -> impl std::fmt::Display {
    struct Whole(f64);
    impl std::fmt::Display for Whole {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let v = self.0;
            // Below 2^53 every whole f64 converts to i64 exactly; -0 keeps its sign.
            let exact = v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0;
            if exact && !(v == 0.0 && v.is_sign_negative()) {
                write!(f, "{}", v as i64)
            } else {
                write!(f, "{v:.0}")
            }
        }
    }
    Whole(value)
}

#[cfg_attr(not(feature = "dryrun"), allow(dead_code))]
/// A share (0–1) as a Swedish percentage with one decimal: `63,5 %`.
pub(crate) fn percent(share: f64) -> String {
    format!("{} %", sv(share * 100.0, 1))
}

#[cfg_attr(not(feature = "studio"), allow(dead_code))]
/// `1 ärendetyp`, `3 ärendetyper`: a count with the Swedish word that agrees with it.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_writes_what_the_float_formatter_writes() {
        let values = [
            0.0,
            -0.0,
            1.0,
            480.0,
            120.0,
            0.5,
            1.5,
            2.5,
            -2.5,
            479.999,
            1e20,
            -7.0,
            f64::NAN,
            f64::INFINITY,
            9_007_199_254_740_993.0,
        ];
        for v in values {
            assert_eq!(whole(v).to_string(), format!("{v:.0}"), "{v}");
        }
    }
}

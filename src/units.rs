//! Parsing of the human units the command line takes: durations (`500ms`, `1.5s`, `5m`, `2h`) and
//! sizes (`512`, `64KiB`, `10MB`). Pure; used as clap value parsers.

use std::time::Duration;

/// Parses a duration: a non-negative number followed by `ms`, `s`, `m`, `h` or `d`; a bare number is
/// seconds. Compound forms such as `1m30s` are accepted.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let explain = || {
        format!(
            "invalid duration {text:?}: use a number with a unit, such as 500ms, 1.5s, 5m or 2h"
        )
    };
    if text.is_empty() {
        return Err(explain());
    }
    if let Ok(secs) = text.parse::<f64>() {
        return seconds(secs).ok_or_else(explain);
    }
    let mut total = 0.0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(explain)?;
        let number: f64 = rest[..number_len].parse().map_err(|_| explain())?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" | "sec" | "secs" => 1.0,
            "m" | "min" | "mins" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            _ => return Err(explain()),
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    seconds(total).ok_or_else(explain)
}

fn seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && (0.0..1e12).contains(&secs)).then(|| Duration::from_secs_f64(secs))
}

/// Parses a size in bytes: a whole number with an optional unit (`B`, `K`/`KB`/`KiB`, `M`/`MB`/`MiB`,
/// `G`/`GB`/`GiB`; the decimal and binary forms are both read as powers of 1024, as most CLIs do).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let explain = || {
        format!(
            "invalid size {text:?}: use a number of bytes with an optional unit, such as 512, 64KiB or 10MiB"
        )
    };
    let digits_len = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    if digits_len == 0 {
        return Err(explain());
    }
    let number: u64 = text[..digits_len].parse().map_err(|_| explain())?;
    let scale: u64 = match text[digits_len..].trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(explain()),
    };
    number.checked_mul(scale).ok_or_else(explain)
}

/// Parses a point in time given as unix seconds or RFC 3339 (`2024-01-01T00:00:00Z`); returns unix seconds.
pub fn parse_time(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<i64>() {
        return Ok(secs);
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|_| format!("invalid time {text:?}: use unix seconds (1700000000) or RFC 3339 (2024-01-01T00:00:00Z)"))
}

/// A short human form of a duration: `850ms`, `1.5s`, `2m05s`.
pub fn format_duration(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        let secs = duration.as_secs_f64();
        if (secs - secs.round()).abs() < 0.05 {
            format!("{}s", secs.round())
        } else {
            format!("{secs:.1}s")
        }
    } else if ms < 3_600_000 {
        let secs = duration.as_secs();
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        let secs = duration.as_secs();
        format!("{}h{:02}m", secs / 3600, secs % 3600 / 60)
    }
}

/// `duration` in milliseconds, rounded to the microsecond: how `--json` records give times.
pub fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// A count with thousands separators: `2,909`.
pub fn format_count(count: u64) -> String {
    let digits = count.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A rate per second for people: whole and grouped from 10 up (`2,909`), one decimal below
/// (`2.5`), so a progress bar never shows `2909.2606`.
pub fn format_rate(per_second: f64) -> String {
    if !per_second.is_finite() || per_second <= 0.0 {
        return "0".into();
    }
    if per_second < 10.0 {
        let text = format!("{per_second:.1}");
        return text.strip_suffix(".0").map_or(text.clone(), str::to_string);
    }
    // Saturating: a rate over u64::MAX per second is not a real one.
    format_count(per_second.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_round_to_the_microsecond() {
        assert_eq!(millis(Duration::from_nanos(1_234_567)), 1.235);
        assert_eq!(millis(Duration::from_secs(2)), 2000.0);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        for bad in ["", "-1s", "5x", "s", "1..5s", "inf", "NaN", "1e30"] {
            let err = parse_duration(bad).unwrap_err();
            assert!(err.contains("invalid duration"), "{bad}: {err}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64KiB"), Ok(64 * 1024));
        assert_eq!(parse_size("10MB"), Ok(10 * 1024 * 1024));
        assert_eq!(parse_size("1 g"), Ok(1 << 30));
        for bad in ["", "MB", "-1", "1.5MB", "99999999999999999999G", "7Q"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("1700000000"), Ok(1_700_000_000));
        assert_eq!(parse_time("2024-01-01T00:00:00Z"), Ok(1_704_067_200));
        assert_eq!(parse_time("2024-01-01T01:00:00+01:00"), Ok(1_704_067_200));
        assert!(parse_time("yesterday").unwrap_err().contains("RFC 3339"));
    }

    #[test]
    fn formatting() {
        assert_eq!(format_duration(Duration::from_millis(850)), "850ms");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(format_duration(Duration::from_secs(2)), "2s");
        assert_eq!(format_duration(Duration::from_secs(125)), "2m05s");
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(2909), "2,909");
        assert_eq!(format_count(1_234_567), "1,234,567");
        assert_eq!(format_rate(2909.2606), "2,909");
        assert_eq!(format_rate(12.4), "12");
        assert_eq!(format_rate(2.54), "2.5");
        assert_eq!(format_rate(3.0), "3");
        assert_eq!(format_rate(0.0), "0");
        assert_eq!(format_rate(f64::NAN), "0");
        assert_eq!(format_duration(Duration::from_secs(86_400)), "24h00m");
        assert_eq!(format_duration(Duration::MAX), "5124095576030431h00m");
    }
}

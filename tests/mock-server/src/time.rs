//! Minimal UTC date/time helpers (RFC 3339 formatting and parsing) without extra dependencies.

use std::time::{SystemTime, UNIX_EPOCH};

const MS_PER_DAY: i64 = 86_400_000;

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(_) => 0,
    }
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

struct Parts {
    y: i64,
    mo: u32,
    d: u32,
    h: i64,
    mi: i64,
    s: i64,
    ms: i64,
}

fn split(ms: i64) -> Parts {
    let days = ms.div_euclid(MS_PER_DAY);
    let rem = ms.rem_euclid(MS_PER_DAY);
    let (y, mo, d) = civil_from_days(days);
    Parts {
        y,
        mo,
        d,
        h: rem / 3_600_000,
        mi: rem / 60_000 % 60,
        s: rem / 1000 % 60,
        ms: rem % 1000,
    }
}

/// `2026-06-19T04:00:18.764Z`
pub(crate) fn fmt_ms(ms: i64) -> String {
    let p = split(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        p.y, p.mo, p.d, p.h, p.mi, p.s, p.ms
    )
}

/// `2026-04-22T20:30:00Z` (no fraction)
pub(crate) fn fmt_s(ms: i64) -> String {
    let p = split(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        p.y, p.mo, p.d, p.h, p.mi, p.s
    )
}

/// `20260619` (for ids)
pub(crate) fn ymd(ms: i64) -> String {
    let p = split(ms);
    format!("{:04}{:02}{:02}", p.y, p.mo, p.d)
}

fn num(s: &[u8]) -> Option<i64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Parses RFC 3339 (`2026-04-01T11:11:11Z`, fractions and `±HH:MM` offsets allowed, a missing
/// offset means UTC) or a date alone (`2026-04-01`, midnight UTC). Returns epoch milliseconds.
pub(crate) fn parse(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = num(&b[0..4])?;
    let mo = num(&b[5..7])? as u32;
    let d = num(&b[8..10])? as u32;
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) {
        return None;
    }
    let day_ms = days_from_civil(y, mo, d) * MS_PER_DAY;
    if b.len() == 10 {
        return Some(day_ms);
    }
    if b.len() < 19 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let h = num(&b[11..13])?;
    let mi = num(&b[14..16])?;
    let sec = num(&b[17..19])?;
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut frac_ms = 0i64;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let digits = &b[start..i.min(start + 3)];
        let mut v = num(digits)?;
        for _ in digits.len()..3 {
            v *= 10;
        }
        frac_ms = v;
    }
    let rest = &b[i..];
    let offset_ms = match rest {
        [] | [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-' | b' '), hh0, hh1, b':', mm0, mm1] => {
            let oh = num(&[*hh0, *hh1])?;
            let om = num(&[*mm0, *mm1])?;
            if oh > 23 || om > 59 {
                return None;
            }
            let v = (oh * 60 + om) * 60_000;
            if *sign == b'-' {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    Some(day_ms + ((h * 60 + mi) * 60 + sec) * 1000 + frac_ms - offset_ms)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        let ms = parse("2026-06-19T04:00:18.764Z").unwrap();
        assert_eq!(fmt_ms(ms), "2026-06-19T04:00:18.764Z");
        assert_eq!(fmt_s(ms), "2026-06-19T04:00:18Z");
        assert_eq!(ymd(ms), "20260619");
        assert_eq!(
            parse("2026-06-19").unwrap(),
            parse("2026-06-19T00:00:00Z").unwrap()
        );
        assert_eq!(
            parse("2026-06-19T02:00:00+02:00").unwrap(),
            parse("2026-06-19T00:00:00Z").unwrap()
        );
        assert_eq!(fmt_ms(0), "1970-01-01T00:00:00.000Z");
        assert!(parse("2026-13-01").is_none());
        assert!(parse("2026-02-30").is_none());
        assert!(parse("yesterday").is_none());
        assert!(parse("2026-06-19T04:00").is_none());
    }
}

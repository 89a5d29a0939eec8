//! Expiration times as the AWS CLI writes and reads them: Python's
//! `datetime.isoformat()` of a UTC time, `2026-11-30T05:29:08+00:00`, with
//! `.ffffff` only when the microseconds are not zero.

use std::time::{Duration, SystemTime};

pub fn format(t: SystemTime) -> String {
    let since = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp(since.as_secs() as i64) else {
        return String::new();
    };
    let base = at
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]"
        ))
        .unwrap_or_default();
    match since.subsec_micros() {
        0 => format!("{base}+00:00"),
        micros => format!("{base}.{micros:06}+00:00"),
    }
}

/// For people: `2026-11-30T05:29:08Z`, to the second.
pub fn format_for_display(t: SystemTime) -> String {
    let whole = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| SystemTime::UNIX_EPOCH + Duration::from_secs(d.as_secs()))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    format(whole).replace("+00:00", "Z")
}

/// Reads RFC 3339 (`Z` or an offset, any fraction of a second) and the
/// AWS CLI v1 cache's `...UTC` spelling.
pub fn parse(s: &str) -> Option<SystemTime> {
    let normalized;
    let s = match s.strip_suffix("UTC") {
        Some(rest) => {
            normalized = format!("{rest}+00:00");
            normalized.as_str()
        }
        None => s,
    };
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    let nanos = u64::try_from(t.unix_timestamp_nanos()).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_nanos(nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_to_the_second_in_utc() {
        let at = parse("2026-11-30T05:29:08.957862+00:00").unwrap();
        assert_eq!(format_for_display(at), "2026-11-30T05:29:08Z");
    }

    #[test]
    fn prints_like_python_isoformat() {
        let at = |s| parse(s).unwrap();
        assert_eq!(
            format(at("2030-01-02T03:04:05Z")),
            "2030-01-02T03:04:05+00:00"
        );
        assert_eq!(
            format(at("2030-01-02T03:04:05.123Z")),
            "2030-01-02T03:04:05.123000+00:00"
        );
        assert_eq!(
            format(at("2030-01-02T03:04:05.076635Z")),
            "2030-01-02T03:04:05.076635+00:00"
        );
        assert_eq!(
            format(at("2030-01-02T03:04:05UTC")),
            "2030-01-02T03:04:05+00:00"
        );
        assert_eq!(
            format(at("2030-01-02T12:04:05+09:00")),
            "2030-01-02T03:04:05+00:00"
        );
        assert!(parse("yesterday").is_none());
    }
}

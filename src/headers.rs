//! Header lookup over `(name, value)` pairs: case-insensitive names, duplicates kept in order.
//! Pure; shared by the signature schemes, the capture record and every command.

/// One header as received or to be sent: name and value.
pub type Header = (String, String);

/// Every value of `name`, in the order they came.
pub fn get_all<'a>(headers: &'a [Header], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The first value of `name`, if any.
pub fn get_one<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Parses `Name: value` into a header pair.
pub fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("invalid header {text:?}: write it as 'Name: value'"))?;
    let name = name.trim();
    if !crate::http_headers::is_token(name) {
        return Err(format!(
            "invalid header name {name:?}: an HTTP token (letters, digits and !#$%&'*+-.^_`|~), as in 'X-Event: value'"
        ));
    }
    if value.contains(['\r', '\n']) {
        return Err(format!(
            "invalid header {name}: the value holds a line break"
        ));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

pub(crate) fn has(headers: &[Header], name: &str) -> bool {
    get_one(headers, name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(parse_header("X-A: b c"), Ok(("X-A".into(), "b c".into())));
        assert_eq!(parse_header("X-A:"), Ok(("X-A".into(), "".into())));
        assert_eq!(parse_header("t: a:b"), Ok(("t".into(), "a:b".into())));
        assert!(parse_header("no colon").is_err());
        assert!(parse_header(": v").is_err());
        assert!(parse_header("bad name: v").is_err());
    }
}

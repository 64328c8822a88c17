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

pub(crate) fn has(headers: &[Header], name: &str) -> bool {
    get_one(headers, name).is_some()
}

//! Fuzzes the HAR reader: arbitrary text must never panic, and what it imports must export and
//! import again to the same requests.
#![no_main]

use hooky::capture::har;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = har::looks_like_har(text);
    let Ok(import) = har::read(text) else {
        return;
    };
    let records: Vec<_> = import.records.iter().collect();
    let exported = har::write(&records, Some("http://127.0.0.1:8080"), "fuzz").to_string();
    let again = har::read(&exported).expect("an exported HAR reads back");
    assert_eq!(again.records.len(), import.records.len());
    for (a, b) in import.records.iter().zip(&again.records) {
        assert_eq!(a.method, b.method);
        assert_eq!(a.body_bytes().ok(), b.body_bytes().ok());
    }
});

//! Fuzzes the capture reader: arbitrary bytes must never panic, and every record it reads must
//! survive a write-then-read round trip.
#![no_main]

use hooky::capture;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = capture::read_captures(data) else {
        return;
    };
    for record in &file.records {
        let _ = record.body_bytes();
        let _ = record.path_and_query();
        let line = record.to_line();
        let again = capture::parse_line(&line).expect("a written record reads back");
        assert_eq!(again.to_line(), line);
    }
});

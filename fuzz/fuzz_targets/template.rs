//! Fuzzes the fixture template engine: parsing and rendering arbitrary text must never panic,
//! whatever the clock says.
#![no_main]

use hooky::fixtures::template::{RenderContext, Template};
use libfuzzer_sys::fuzz_target;
use rand::SeedableRng;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let now = i64::from_le_bytes(data[..8].try_into().unwrap());
    let Ok(text) = std::str::from_utf8(&data[8..]) else {
        return;
    };
    let Ok(template) = Template::parse("fuzz", text) else {
        return;
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let env = |name: &str| (name == "SET").then(|| "va\"lue".to_string());
    let mut context = RenderContext {
        now,
        seq: 1,
        rng: &mut rng,
        env: &env,
    };
    let rendered = template.render(&mut context);
    if template.is_static() {
        assert_eq!(rendered.as_deref(), Ok(text));
    }
});

//! Arbitrary bytes: parsing never panics, an unedited document prints its
//! input back, reading profiles and resolving chains never panic, and edits
//! followed by their undo give the input back.
#![no_main]

use awsprof::document::Document;
use awsprof::profiles::ProfileSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Document::parse(data) else { return };
    assert_eq!(doc.to_bytes(), data);
    if let Ok(set) = ProfileSet::from_documents(&doc, &Document::default()) {
        for name in set.profiles.keys() {
            let _ = awsprof::chain::resolve(&set, name);
        }
    }
    let headers: Vec<usize> = doc.sections().iter().filter(|s| s.name.is_some()).map(|s| s.header).collect();
    if let Some(&h) = headers.first() {
        let mut edited = doc.clone();
        if edited.find_key(h, "awsprof_fuzz").is_empty() {
            edited.insert_property(h, "awsprof_fuzz", "v");
            edited.remove_key(h, "awsprof_fuzz");
            assert_eq!(edited.to_bytes(), data);
        }
    }
});

use super::*;
use proptest::prelude::*;

fn doc(s: &str) -> Document {
    Document::parse_str(s)
}

#[test]
fn classifies_the_sdk_line_grammar() {
    let d = doc("# c\n; c\n\t \n[profile foo] # c\n[profile bar\nname = value # c\nname2 = a#b\n s3 = x\nnope\n= v\n");
    let kinds: Vec<_> = d.lines().map(|l| *l.kind()).collect();
    assert_eq!(kinds[0], LineKind::Comment);
    assert_eq!(kinds[1], LineKind::Comment);
    assert_eq!(kinds[2], LineKind::Blank);
    assert_eq!(d.line(3).header_name(), Some("profile foo"));
    assert_eq!(kinds[4], LineKind::MalformedHeader);
    assert_eq!(d.line(5).key(), Some("name"));
    assert_eq!(d.line(5).value(), Some("value"));
    assert_eq!(d.line(6).value(), Some("a#b"));
    assert!(matches!(kinds[7], LineKind::Indented { .. }));
    assert_eq!(kinds[8], LineKind::MissingEquals);
    assert_eq!(kinds[9], LineKind::MissingKey);
}

#[test]
fn keeps_bom_crlf_and_missing_final_newline() {
    let input = "\u{feff}[default]\r\nk = v\nx=y";
    let d = doc(input);
    assert!(d.has_bom());
    assert_eq!(d.line(0).ending(), LineEnding::CrLf);
    assert_eq!(d.line(2).ending(), LineEnding::None);
    assert_eq!(d.to_string(), input);
}

#[test]
fn a_lines_debug_shows_that_line_not_the_whole_shared_buffer() {
    let d = doc("[default]\nregion = eu-west-1\r\n");
    let second = &d.line(1);
    let kind = *second.kind();
    assert_eq!(
        format!("{second:?}"),
        format!("Line {{ text: \"region = eu-west-1\", ending: CrLf, kind: {kind:?} }}")
    );
    assert!(matches!(kind, LineKind::Property { .. }));
}

#[test]
fn the_byte_order_mark_is_dropped_or_added_and_nothing_else_changes() {
    let mut d = doc("\u{feff}[default]\r\n");
    d.set_bom(false);
    assert!(!d.has_bom());
    assert_eq!(d.to_bytes(), b"[default]\r\n");
    d.set_bom(true);
    assert_eq!(d.to_string(), "\u{feff}[default]\r\n");
}

#[test]
fn the_dominant_line_ending_is_the_one_most_lines_use_and_lf_on_a_tie() {
    assert_eq!(
        doc("[a]\r\nk = v\r\nx = y\n").dominant_ending(),
        LineEnding::CrLf
    );
    assert_eq!(doc("[a]\r\nk = v\n").dominant_ending(), LineEnding::Lf);
    assert_eq!(
        doc("[a]\nk = v\nx = y\r\n").dominant_ending(),
        LineEnding::Lf
    );
    assert_eq!(doc("[a]").dominant_ending(), LineEnding::Lf);
    let mut d = doc("[a]\r\nk = v\r\n[b]\n");
    d.append_section("c", &[("n", "m")]);
    assert!(d.to_string().ends_with("[c]\r\nn = m\r\n"), "{d}");
}

#[test]
fn bytes_are_written_into_one_buffer_of_exactly_their_size() {
    for input in ["\u{feff}[a]\r\nk = v\nlast", "[a]\nk = v\n", ""] {
        let bytes = doc(input).to_bytes();
        assert_eq!(bytes, input.as_bytes());
        assert_eq!(bytes.capacity(), bytes.len(), "{input:?}");
    }
}

#[test]
fn a_replaced_value_takes_only_its_own_continuation_lines() {
    let mut d = doc("[a]\nfirst =\n  x = 1\nsecond = old\n  more\nthird = t\n");
    assert!(d.replace_value(3, "new"));
    assert_eq!(
        d.to_string(),
        "[a]\nfirst =\n  x = 1\nsecond = new\nthird = t\n"
    );
    assert!(!d.replace_value(0, "header"), "not a property");
}

#[test]
fn sub_properties_belong_to_their_own_block_only() {
    let mut d = doc("[a]\ns3 =\n  a = 1\nsts =\n  b = 2\n  c = 3\nregion = x\n");
    assert_eq!(d.sub_properties(3), vec![(4, "b", "2"), (5, "c", "3")]);
    assert_eq!(d.sub_properties(1), vec![(2, "a", "1")]);
    // Removing one of two keeps the block; removing the last takes it.
    assert!(d.remove_sub_property(3, "B"));
    assert_eq!(
        d.to_string(),
        "[a]\ns3 =\n  a = 1\nsts =\n  c = 3\nregion = x\n"
    );
    assert!(!d.remove_sub_property(3, "a"), "a is s3's");
    assert!(d.remove_sub_property(3, "c"));
    assert_eq!(d.to_string(), "[a]\ns3 =\n  a = 1\nregion = x\n");
}

#[test]
fn a_first_sub_property_goes_under_its_block_with_four_spaces() {
    let mut d = doc("[a]\nregion = x\ns3 =\nz = 1\n");
    d.set_sub_property(2, "addressing_style", "path");
    assert_eq!(
        d.to_string(),
        "[a]\nregion = x\ns3 =\n    addressing_style = path\nz = 1\n"
    );
    d.set_sub_property(2, "ADDRESSING_STYLE", "virtual");
    assert_eq!(
        d.to_string(),
        "[a]\nregion = x\ns3 =\n    ADDRESSING_STYLE = virtual\nz = 1\n"
    );
}

#[test]
fn an_appended_section_names_the_index_of_its_header() {
    let mut d = doc("[a]\nk=v\n");
    let header = d.append_section("b", &[("n", "m")]);
    assert_eq!(header, 3);
    assert_eq!(d.line(header).header_name(), Some("b"));
    assert_eq!(d.to_string(), "[a]\nk=v\n\n[b]\nn=m\n");
    let header = d.append_section_lines("c", vec![]);
    assert_eq!((header, d.line(header).header_name()), (6, Some("c")));
}

#[test]
fn every_line_of_an_unterminated_file_can_be_removed() {
    let mut d = doc("[a]\nk = v");
    d.remove_lines(1, 2);
    assert_eq!(d.to_string(), "[a]");
    d.remove_lines(0, 1);
    assert_eq!(d.to_string(), "");
    assert!(d.sections().is_empty());
}

#[test]
fn sections_found_by_search_are_the_headers_a_full_read_finds() {
    let texts = [
        "[a]\n",
        "x = a\r\n[profile a]\r\n[b]\r\n[a] # a\r\n",
        "[b]\n[a]\r",
        "[b]\n[a]\r\r\n",
        "\u{feff}[a]\nk = a\n [a]\n[a",
        "# a\n[ a ] ; a\n\n\n[aa]",
    ];
    for text in texts {
        let buffer = std::sync::Arc::new(text.to_string());
        let mut expected = Vec::new();
        for (idx, line) in lines_of(&buffer).enumerate() {
            if let LineKind::Header { name } = *line.kind() {
                if line.text().contains('a') {
                    let start = line.text().as_ptr() as usize - buffer.as_ptr() as usize;
                    expected.push((start, idx + 1, name.of(line.text())));
                }
            }
        }
        assert_eq!(sections_mentioning(&buffer, "a"), expected, "{text:?}");
    }
    // A needle that begins with a line's newline is searched past, not
    // found again forever; the line where it starts is the one named.
    let buffer = std::sync::Arc::new("[a]\n[b]\n".to_string());
    assert_eq!(sections_mentioning(&buffer, "\n[b"), vec![(0, 1, "a")]);
}

#[test]
fn a_sections_lines_run_to_the_next_header_only() {
    let buffer = std::sync::Arc::new("x\n[a]\n[b]\nk = v\n\n[c]\nz".to_string());
    let read = |start, number| -> Vec<(usize, String)> {
        section_lines(&buffer, start, number)
            .map(|(n, line)| (n, line.text().to_string()))
            .collect()
    };
    assert_eq!(read(2, 2), vec![(2, "[a]".to_string())]);
    assert_eq!(
        read(6, 3),
        vec![(3, "[b]".into()), (4, "k = v".into()), (5, String::new())]
    );
    assert_eq!(read(17, 6), vec![(6, "[c]".into()), (7, "z".into())]);
}

#[test]
fn rejects_invalid_utf8_with_offset() {
    let err = Document::parse(b"[default]\nk = \xff\n").unwrap_err();
    assert_eq!(err.offset, 14);
    assert_eq!(err.line, 2);
}

#[test]
fn set_replaces_in_place_keeping_style() {
    let mut d = doc("[p]\r\nregion   =us-east-1 ; note\r\n");
    d.set(0, "REGION", "eu-west-1");
    assert_eq!(d.to_string(), "[p]\r\nregion   =eu-west-1 ; note\r\n");
}

#[test]
fn set_on_empty_value_adds_it_after_the_equals_sign() {
    let mut d = doc("[p]\nregion =\nb = c\n");
    d.set(0, "region", "x");
    assert_eq!(d.to_string(), "[p]\nregion = x\nb = c\n");
    let mut d = doc("[p]\nregion= # c\n");
    d.set(0, "region", "x");
    assert_eq!(d.to_string(), "[p]\nregion=x # c\n");
}

#[test]
fn set_replaces_a_multi_line_value() {
    let mut d = doc("[p]\ns3 =\n  a = b\n# c\n  c = d\nk = v\n");
    d.set(0, "s3", "x");
    assert_eq!(d.to_string(), "[p]\ns3 = x\n# c\nk = v\n");
}

#[test]
fn insert_goes_after_the_last_property_in_the_file_style() {
    let mut d = doc("[a]\nk=v\n\n# next\n[b]\nx=y\n");
    d.set(0, "role_arn", "arn");
    assert_eq!(
        d.to_string(),
        "[a]\nk=v\nrole_arn=arn\n\n# next\n[b]\nx=y\n"
    );
}

#[test]
fn insert_into_empty_section_goes_after_header() {
    let mut d = doc("[a]\n\n[b]\n");
    d.set(0, "k", "v");
    assert_eq!(d.to_string(), "[a]\nk = v\n\n[b]\n");
}

#[test]
fn insert_uses_dominant_line_ending() {
    let mut d = doc("[a]\r\nk = v\r\n[b]\r\n");
    d.set(0, "n", "m");
    assert_eq!(d.to_string(), "[a]\r\nk = v\r\nn = m\r\n[b]\r\n");
}

#[test]
fn insert_at_unterminated_end_then_remove_round_trips() {
    let original = "[a]\nk = v";
    let mut d = doc(original);
    d.set(0, "n", "m");
    assert_eq!(d.to_string(), "[a]\nk = v\nn = m");
    assert_eq!(d.remove_key(0, "n"), 1);
    assert_eq!(d.to_string(), original);
}

#[test]
fn remove_key_takes_duplicates_and_continuations() {
    let mut d = doc("[a]\nk = 1\n  more\nj = 2\nK = 3\n");
    assert_eq!(d.remove_key(0, "k"), 2);
    assert_eq!(d.to_string(), "[a]\nj = 2\n");
}

#[test]
fn append_section_adds_separator_and_final_newline() {
    let mut d = doc("[a]\nk=v");
    d.append_section("profile b", &[("x", "1"), ("y", "2")]);
    assert_eq!(d.to_string(), "[a]\nk=v\n\n[profile b]\nx=1\ny=2\n");
    let mut empty = doc("");
    empty.append_section("default", &[("region", "us-east-1")]);
    assert_eq!(empty.to_string(), "[default]\nregion = us-east-1\n");
}

#[test]
fn remove_section_removes_only_that_section() {
    let mut d = doc("[a]\nk=v\n[b]\nx=y\n[c]\n");
    let b = d.sections()[1].header;
    d.remove_section_whole(b);
    assert_eq!(d.to_string(), "[a]\nk=v\n[c]\n");
    // With the comments directly above it, and no blank line left twice;
    // the next section's own comment stays.
    let mut d = doc("[a]\nk=v\n\n# about b\n[b]\nx=y\n\n# about c\n[c]\n");
    let b = d.sections()[1].header;
    d.remove_section_whole(b);
    assert_eq!(d.to_string(), "[a]\nk=v\n\n# about c\n[c]\n");
    let mut d = doc("[a]\nk=v\n\n[b]\nx=y\n");
    let b = d.sections()[1].header;
    d.remove_section_whole(b);
    assert_eq!(d.to_string(), "[a]\nk=v\n");
    // The last section's closing comment is its own; so is the first's,
    // which starts the file.
    let mut d = doc("[a]\nk=v\n\n[b]\nx=y\n# end of b\n");
    d.remove_section_whole(3);
    assert_eq!(d.to_string(), "[a]\nk=v\n");
    let mut d = doc("[a]\n# about b\n[b]\n");
    assert_eq!(d.section_span(0), (0, 1));
    d.remove_section_whole(0);
    assert_eq!(d.to_string(), "# about b\n[b]\n");
}

#[test]
fn only_empty_sections_are_removed_and_counted() {
    let mut d = doc("[a]\n\n[b]\nk = v\n[c]\n# kept\n[d]\n");
    assert_eq!(d.remove_empty(vec![6, 0, 2, 4]), 2);
    assert_eq!(d.to_string(), "[b]\nk = v\n[c]\n# kept\n");
    assert!(!d.remove_if_empty(0));
    // The blank line above goes with the last section, not with one that
    // another section follows.
    let mut d = doc("[a]\nk=v\n\n[b]\n\n[c]\n\n");
    assert!(d.remove_if_empty(5));
    assert_eq!(d.to_string(), "[a]\nk=v\n\n[b]\n");
    assert!(d.remove_if_empty(3));
    assert_eq!(d.to_string(), "[a]\nk=v\n");
    let mut d = doc("[a]\nk=v\n\n[b]\n\n[c]\n");
    assert!(d.remove_if_empty(3));
    assert_eq!(d.to_string(), "[a]\nk=v\n\n[c]\n");
}

#[test]
fn set_header_keeps_comment_and_ending() {
    let mut d = doc("[ profile  foo ] # team\r\nk = v\r\n");
    assert!(d.set_header(0, "profile foo"));
    assert_eq!(d.to_string(), "[profile foo] # team\r\nk = v\r\n");
    assert!(!d.set_header(1, "x"));
}

fn line_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("[default]".to_string()),
        Just("[profile foo] # c".to_string()),
        Just("[ profile  foo ]".to_string()),
        Just("[unclosed".to_string()),
        Just("# comment".to_string()),
        Just("; comment".to_string()),
        Just("key = value".to_string()),
        Just("s3 =".to_string()),
        Just("  name = value".to_string()),
        Just("\t-continued".to_string()),
        Just("= v".to_string()),
        Just("junk".to_string()),
        "[ -~]{0,20}",
        "\\PC{0,12}",
    ]
}

fn file_strategy() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::collection::vec((line_strategy(), 0..3u8), 0..30),
        any::<bool>(),
    )
        .prop_map(|(bom, lines, final_newline)| {
            let mut s = if bom {
                "\u{feff}".to_string()
            } else {
                String::new()
            };
            let n = lines.len();
            for (i, (line, ending)) in lines.into_iter().enumerate() {
                s.push_str(&line);
                if i + 1 < n || final_newline {
                    s.push_str(match ending {
                        0 => "\n",
                        1 => "\r\n",
                        _ => "\r",
                    });
                }
            }
            s
        })
}

proptest! {
    #[test]
    fn unedited_document_round_trips_generated_files(input in file_strategy()) {
        prop_assert_eq!(doc(&input).to_string(), input);
    }


    #[test]
    fn insert_then_remove_gives_back_the_original(input in file_strategy()) {
        let mut d = doc(&input);
        let headers: Vec<usize> = d.sections().iter().filter(|s| s.name.is_some()).map(|s| s.header).collect();
        if let Some(&h) = headers.first() {
            if d.find_key(h, "awsprof_test_key").is_empty() {
                d.insert_property(h, "awsprof_test_key", "v");
                prop_assert_eq!(d.remove_key(h, "awsprof_test_key"), 1);
                prop_assert_eq!(d.to_string(), input);
            }
        }
    }
}

/// Bytes of the AWS dialect and around it: headers, keys, comments,
/// indentation, CR, tabs, a BOM, non-ASCII text, and now and then a byte
/// that is not UTF-8.
fn dialect_bytes() -> impl Strategy<Value = Vec<u8>> {
    let valid = prop_oneof![
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"profile ".to_vec()),
        Just(b"sso-session ".to_vec()),
        Just(b"tanaka".to_vec()),
        Just(b"region".to_vec()),
        Just(b" = ".to_vec()),
        Just(b"=".to_vec()),
        Just(b"  ".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"# ".to_vec()),
        Just(b";".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just("\u{feff}".as_bytes().to_vec()),
        Just("東京 é".as_bytes().to_vec()),
    ];
    let piece = prop_oneof![60 => valid, 1 => Just(b"\xff".to_vec())];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

#[test]
fn unedited_document_round_trips_dialect_bytes() {
    use proptest::test_runner::{Config, TestRunner};
    let parsed = std::cell::Cell::new(0usize);
    let cases = 512;
    let mut runner = TestRunner::new(Config::with_cases(cases));
    runner
        .run(&dialect_bytes(), |bytes| {
            match Document::parse(&bytes) {
                Ok(d) => {
                    parsed.set(parsed.get() + 1);
                    prop_assert_eq!(d.to_bytes(), bytes);
                }
                // Only bytes that are not UTF-8 may be refused.
                Err(_) => prop_assert!(std::str::from_utf8(&bytes).is_err()),
            }
            Ok(())
        })
        .unwrap();
    // Most cases must really test the round trip, not the refusal.
    eprintln!(
        "dialect bytes: {} of {cases} cases parsed and round-tripped",
        parsed.get()
    );
    assert!(
        parsed.get() * 2 > cases as usize,
        "only {} of {cases} parsed",
        parsed.get()
    );
}

fn headers_ending_with_by_reading_each<'a>(d: &'a Document, suffix: &str) -> Vec<(usize, &'a str)> {
    fresh_section_starts(d)
        .into_iter()
        .filter_map(|idx| Some((idx, d.line(idx).header_name()?)))
        .filter(|(_, name)| name.trim_end().ends_with(suffix))
        .collect()
}

#[test]
fn headers_are_found_by_the_end_of_their_name_however_long() {
    let d = doc("[profile a-very-long-name]\n[name]\n[profile name ]\n[broken\n[ame]\n[]\n");
    let found = |suffix| {
        d.headers_ending_with(suffix)
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    };
    assert_eq!(found("name"), [0, 1, 2]);
    assert_eq!(found("ame"), [0, 1, 2, 4]);
    assert_eq!(found("a-very-long-name"), [0]);
    assert_eq!(found("profile a-very-long-name"), [0]);
    assert_eq!(found("xprofile a-very-long-name"), Vec::<usize>::new());
    assert_eq!(found("very-long-nam"), Vec::<usize>::new());
    assert_eq!(found(""), [0, 1, 2, 4, 5]);
}

fn fresh_section_starts(d: &Document) -> Vec<usize> {
    (0..d.line_count())
        .filter(|&i| d.line(i).starts_section())
        .collect()
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, Vec<String>),
    Remove(usize, usize),
    Append(String),
    Set(usize, String),
    Header(usize),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let text = prop_oneof![
        Just("[profile x]".to_string()),
        Just("[broken".to_string()),
        Just("k = v".to_string()),
        Just(String::new()),
        Just("  sub = 1".to_string()),
    ];
    prop_oneof![
        (0..40usize, prop::collection::vec(text, 0..4)).prop_map(|(at, t)| Edit::Insert(at, t)),
        (0..40usize, 0..6usize).prop_map(|(at, n)| Edit::Remove(at, n)),
        prop_oneof![Just("profile y".to_string()), Just("z".to_string())].prop_map(Edit::Append),
        (
            0..40usize,
            prop_oneof![Just("k".to_string()), Just("region".to_string())]
        )
            .prop_map(|(at, k)| Edit::Set(at, k)),
        (0..40usize).prop_map(Edit::Header),
    ]
}

proptest! {
    #[test]
    fn the_section_index_ending_counts_and_bytes_follow_every_edit(
        input in file_strategy(),
        edits in prop::collection::vec(edit_strategy(), 1..8),
    ) {
        let mut d = doc(&input);
        prop_assert_eq!(d.section_starts().collect::<Vec<_>>(), fresh_section_starts(&d));
        for edit in edits {
            let n = d.line_count();
            match edit {
                Edit::Insert(at, texts) => d.insert_lines(at.min(n), texts),
                Edit::Remove(at, count) => {
                    let start = at.min(n);
                    d.remove_lines(start, (start + count).min(n));
                }
                Edit::Append(name) => {
                    d.append_section(&name, &[("k", "v")]);
                }
                Edit::Set(at, key) => {
                    let headers: Vec<usize> = d.section_starts().collect();
                    if let Some(&h) = headers.get(at % headers.len().max(1)) {
                        if d.line(h).header_name().is_some() {
                            d.set(h, &key, "v2");
                        }
                    }
                }
                Edit::Header(at) => {
                    if n > 0 {
                        d.set_header(at % n, "profile renamed");
                    }
                }
            }
            prop_assert_eq!(d.section_starts().collect::<Vec<_>>(), fresh_section_starts(&d));
            prop_assert_eq!(d.endings, EndingCounts::of(d.lines.iter()));
            for suffix in ["", "x", "o", "foo", "profile foo", "renamed", "profile renamed", "y", "z"] {
                let found: Vec<(usize, &str)> = d.headers_ending_with(suffix).collect();
                prop_assert_eq!(found, headers_ending_with_by_reading_each(&d, suffix), "{:?}", suffix);
            }
            // `Display` writes line by line: the runs `to_bytes` copies
            // must give the same bytes.
            prop_assert_eq!(String::from_utf8(d.to_bytes()).unwrap(), d.to_string());
            for (i, section) in d.sections().iter().enumerate() {
                prop_assert_eq!(d.section_end(section.header), section.end, "section {}", i);
            }
        }
    }
}

#[test]
fn a_part_of_a_line_is_shared_and_anything_else_copied() {
    let buffer = std::sync::Arc::new("[profile a]\nk = v\n".to_string());
    let line = lines_of(&buffer).next().expect("a first line");
    let part = &line.text()[9..10];
    let shared = line.share(part);
    assert_eq!(shared.as_str(), "a");
    assert_eq!(shared.as_str().as_ptr(), part.as_ptr());
    let elsewhere = String::from("a");
    let copied = line.share(&elsewhere);
    assert_eq!(copied.as_str(), "a");
    assert_ne!(copied.as_str().as_ptr(), elsewhere.as_ptr());
    assert!(!std::ptr::eq(copied.as_str(), part));
}

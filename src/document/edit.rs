//! The edit API: every edit touches only the lines it must.

use super::{Document, Line, LineEnding, LineKind, LineRef};

const DEFAULT_SEPARATOR: &str = " = ";

impl Document {
    /// The section whose header is at `header` ends where the next one starts.
    pub fn section_end(&self, header: usize) -> usize {
        let next = self
            .section_starts
            .partition_point(|&start| start as usize <= header);
        self.section_starts
            .get(next)
            .map_or(self.lines.len(), |&start| start as usize)
    }

    /// Puts `line` at `idx` in place of the line there.
    fn replace_line(&mut self, idx: usize, line: Line) {
        let reindex = line.starts_section() != self.lines[idx].starts_section();
        self.endings.remove(self.lines[idx].ending);
        self.endings.add(line.ending);
        self.lines[idx] = line;
        if reindex {
            self.index_sections();
        } else if let Ok(at) = self.section_starts.binary_search(&(idx as u32)) {
            self.section_tails[at] = self.tail_at(idx);
        }
    }

    /// Index just past the lines that belong to the property at `head`:
    /// indented continuation or sub-property lines, with blank and comment
    /// lines between them but not after the last one.
    pub fn property_end(&self, head: usize) -> usize {
        let mut end = head + 1;
        for (idx, line) in self.lines.iter().enumerate().skip(head + 1) {
            match line.kind {
                LineKind::Indented { .. } => end = idx + 1,
                LineKind::Blank | LineKind::Comment => {}
                _ => break,
            }
        }
        end
    }

    /// Indices of the property lines in the section at `header` whose key
    /// matches `key` (ASCII case-insensitively), in file order.
    pub fn find_key(&self, header: usize, key: &str) -> Vec<usize> {
        (header + 1..self.section_end(header))
            .filter(|&idx| {
                self.line(idx)
                    .key()
                    .is_some_and(|k| k.eq_ignore_ascii_case(key))
            })
            .collect()
    }

    /// Sets `key` in the section at `header`: the value of its last
    /// occurrence is replaced in place, or a new line is inserted after the
    /// section's last property. Returns the index of the line holding it.
    pub fn set(&mut self, header: usize, key: &str, value: &str) -> usize {
        match self.find_key(header, key).last() {
            Some(&idx) => {
                self.replace_value(idx, value);
                idx
            }
            None => self.insert_property(header, key, value),
        }
    }

    /// Replaces the value of the property at `idx`, keeping its key,
    /// spacing, trailing comment and line ending. A multi-line value loses
    /// its continuation lines. Returns false, changing nothing, when the
    /// line at `idx` is not a property.
    pub fn replace_value(&mut self, idx: usize, value: &str) -> bool {
        let continuation: Vec<usize> = (idx + 1..self.property_end(idx))
            .filter(|&i| matches!(self.lines[i].kind, LineKind::Indented { .. }))
            .collect();
        let line = self.line(idx);
        let LineKind::Property { key, value: span } = *line.kind() else {
            return false;
        };
        let text = line.text();
        let new_text = if span.start() == span.end() {
            // `key =` or `key = # comment`: add the value after the `=`.
            let space = if text[key.end()..span.start()].starts_with([' ', '\t']) {
                " "
            } else {
                ""
            };
            let rest = text[span.start()..].trim_start_matches([' ', '\t']);
            let tail = if rest.is_empty() {
                String::new()
            } else {
                format!(" {rest}")
            };
            format!("{}{space}{value}{tail}", &text[..span.start()])
        } else {
            format!("{}{value}{}", &text[..span.start()], &text[span.end()..])
        };
        let line = self.written_line(new_text, line.ending());
        self.replace_line(idx, line);
        for i in continuation.into_iter().rev() {
            self.remove_lines(i, i + 1);
        }
        true
    }

    /// Inserts `key = value` after the last property of the section at
    /// `header`, in the section's own spacing style. Returns its index.
    pub fn insert_property(&mut self, header: usize, key: &str, value: &str) -> usize {
        let at = self.insertion_point(header);
        let text = format!("{key}{}{value}", self.separator_style(header));
        self.insert_lines(at, vec![text]);
        at
    }

    /// Where a new property of the section at `header` goes: after its last
    /// property (with that property's continuation lines), else right after
    /// the header.
    pub fn insertion_point(&self, header: usize) -> usize {
        let end = self.section_end(header);
        (header + 1..end)
            .rev()
            .find(|&i| {
                matches!(
                    self.lines[i].kind,
                    LineKind::Property { .. } | LineKind::Indented { .. }
                )
            })
            .map_or(header + 1, |i| i + 1)
    }

    /// The text between key and value that this section (else the file)
    /// already uses, such as `" = "` or `"="`.
    fn separator_style(&self, header: usize) -> String {
        let section = header + 1..self.section_end(header);
        let from_line = |line: LineRef<'_>| match *line.kind() {
            LineKind::Property { key, value } => {
                let sep = &line.text()[key.end()..value.start()];
                // An empty value's span sits right after `=`; keep a space after it.
                Some(if sep.ends_with('=') && value.start() == value.end() {
                    format!("{sep} ")
                } else {
                    sep.to_string()
                })
            }
            _ => None,
        };
        section
            .map(|idx| self.line(idx))
            .find_map(from_line)
            .or_else(|| self.lines().find_map(from_line))
            .unwrap_or_else(|| DEFAULT_SEPARATOR.to_string())
    }

    /// Removes every occurrence of `key` in the section at `header`, each
    /// with its continuation lines. Returns how many were removed.
    pub fn remove_key(&mut self, header: usize, key: &str) -> usize {
        let found = self.find_key(header, key);
        for &idx in found.iter().rev() {
            let end = self.property_end(idx);
            self.remove_lines(idx, end);
        }
        found.len()
    }

    /// The sub-property lines of the block whose key line is at `block`
    /// (`s3 =` followed by indented `name = value` lines): each line's
    /// index with its name and value.
    pub fn sub_properties(&self, block: usize) -> Vec<(usize, &str, &str)> {
        (block + 1..self.property_end(block))
            .filter_map(|idx| {
                let line = self.line(idx);
                let LineKind::Indented { content } = *line.kind() else {
                    return None;
                };
                let (name, value) = content.of(line.text()).split_once('=')?;
                Some((idx, name.trim(), value.trim()))
            })
            .collect()
    }

    /// Sets sub-property `name` of the block at `block`: in place where it
    /// is, else as a new last line of the block in the block's own indent
    /// (four spaces for a block with none yet).
    pub fn set_sub_property(&mut self, block: usize, name: &str, value: &str) {
        let subs = self.sub_properties(block);
        let indent_of = |idx: usize| {
            let text = self.line(idx).text();
            text[..text.len() - text.trim_start_matches([' ', '\t']).len()].to_string()
        };
        let indent = subs
            .first()
            .map_or_else(|| "    ".to_string(), |&(idx, _, _)| indent_of(idx));
        if let Some(&(idx, _, _)) = subs
            .iter()
            .rev()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(name))
        {
            let text = format!("{}{name} = {value}", indent_of(idx));
            let ending = self.lines[idx].ending;
            let line = self.written_line(text, ending);
            self.replace_line(idx, line);
            return;
        }
        let at = subs.last().map_or(block + 1, |&(idx, _, _)| idx + 1);
        self.insert_lines(at, vec![format!("{indent}{name} = {value}")]);
    }

    /// Removes sub-property `name` from the block at `block`, and the
    /// block's own line when that leaves it empty. Returns whether
    /// anything was removed.
    pub fn remove_sub_property(&mut self, block: usize, name: &str) -> bool {
        let subs = self.sub_properties(block);
        let found: Vec<usize> = subs
            .iter()
            .filter(|(_, n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(idx, _, _)| idx)
            .collect();
        if found.is_empty() {
            return false;
        }
        if found.len() == subs.len() {
            let end = self.property_end(block);
            self.remove_lines(block, end);
            return true;
        }
        for idx in found.into_iter().rev() {
            self.remove_lines(idx, idx + 1);
        }
        true
    }

    /// Appends `[header_name]` and its properties at the end of the file,
    /// after a blank line when the file does not already end with one.
    /// Returns the index of the header line.
    pub fn append_section(&mut self, header_name: &str, properties: &[(&str, &str)]) -> usize {
        let sep = self
            .lines()
            .find_map(|l| match *l.kind() {
                LineKind::Property { key, value } => {
                    Some(l.text()[key.end()..value.start()].to_string())
                }
                _ => None,
            })
            .unwrap_or_else(|| DEFAULT_SEPARATOR.to_string());
        let body = properties
            .iter()
            .map(|(k, v)| format!("{k}{sep}{v}"))
            .collect();
        self.append_section_lines(header_name, body)
    }

    /// Appends `[header_name]` and `body` (whole lines, as written) at the
    /// end of the file, after a blank line when the file does not already
    /// end with one. Returns the index of the header line.
    pub fn append_section_lines(&mut self, header_name: &str, body: Vec<String>) -> usize {
        let mut texts = Vec::new();
        if self.lines.last().is_some_and(|l| l.kind != LineKind::Blank) {
            texts.push(String::new());
        }
        let header = self.lines.len() + texts.len();
        texts.push(format!("[{header_name}]"));
        texts.extend(body);
        let at = self.lines.len();
        self.insert_lines(at, texts);
        // An appended section always ends with a newline, even in a file
        // that had none: the file grows a last line, so it gets one.
        let ending = self.dominant_ending();
        if let Some(last) = self.lines.len().checked_sub(1) {
            self.set_ending(last, ending);
        }
        header
    }

    /// The lines a section owns, for removing it whole: the comment lines
    /// directly above its header, the header, and its lines up to the next
    /// section less the comments directly above that next header (they
    /// are the next section's). `[start, end)`.
    pub fn section_span(&self, header: usize) -> (usize, usize) {
        let is_comment = |idx: usize| self.lines[idx].kind == LineKind::Comment;
        let mut start = header;
        while start > 0 && is_comment(start - 1) {
            start -= 1;
        }
        let mut end = self.section_end(header);
        if end < self.lines.len() {
            // Stops at the header at the latest: it is not a comment.
            while is_comment(end - 1) {
                end -= 1;
            }
        }
        (start, end)
    }

    /// Removes a section with the comments above it (see `section_span`),
    /// and the blank line that separated it when it was last: no stray
    /// blank line is left at the end.
    pub fn remove_section_whole(&mut self, header: usize) {
        let (start, end) = self.section_span(header);
        self.remove_lines(self.with_blank_above_when_last(start, end), end);
    }

    /// Removes the section at `header` when nothing but blank lines
    /// follows it up to the next section (no property, no comment), with
    /// the blank line that separated it when it was last. Comments above
    /// the header stay: they are the user's words.
    /// Returns whether it was removed.
    pub fn remove_if_empty(&mut self, header: usize) -> bool {
        let end = self.section_end(header);
        let blank = |idx: usize| self.lines[idx].kind == LineKind::Blank;
        if !(header + 1..end).all(blank) {
            return false;
        }
        self.remove_lines(self.with_blank_above_when_last(header, end), end);
        true
    }

    /// Where removing `[start, end)` starts: one line earlier when the
    /// removed lines end the file and a blank line separated them (what
    /// follows a section is a header or the comments above one, so only
    /// at the end can that blank line be left stray).
    fn with_blank_above_when_last(&self, start: usize, end: usize) -> usize {
        let blank_above = start > 0 && self.lines[start - 1].kind == LineKind::Blank;
        if blank_above && end == self.lines.len() {
            start - 1
        } else {
            start
        }
    }

    /// [`Document::remove_if_empty`] for each of `headers` (last first,
    /// so the others' indices hold); returns how many went.
    pub fn remove_empty(&mut self, mut headers: Vec<usize>) -> usize {
        headers.sort_unstable();
        headers
            .into_iter()
            .rev()
            .filter(|&h| self.remove_if_empty(h))
            .count()
    }

    /// Rewrites the bracketed part of the header at `idx` as `[inner]`,
    /// keeping whatever follows it (a comment) and the line ending.
    /// Returns false, changing nothing, when the line is not a header.
    pub fn set_header(&mut self, idx: usize, inner: &str) -> bool {
        let line = self.line(idx);
        let LineKind::Header { name } = *line.kind() else {
            return false;
        };
        let Some(close) = line.text()[name.end()..].find(']').map(|p| name.end() + p) else {
            return false;
        };
        let text = format!("[{inner}]{}", &line.text()[close + 1..]);
        let line = self.written_line(text, line.ending());
        self.replace_line(idx, line);
        true
    }

    /// Inserts whole lines before index `at`, with the file's dominant line
    /// ending. A file without a final newline keeps none: the line that was
    /// last gets an ending, the new last line goes without.
    pub fn insert_lines(&mut self, at: usize, texts: Vec<String>) {
        if texts.is_empty() {
            return;
        }
        let ending = self.dominant_ending();
        let appends_after_unterminated =
            at == self.lines.len() && at > 0 && self.lines[at - 1].ending == LineEnding::None;
        if appends_after_unterminated {
            self.set_ending(at - 1, ending);
        }
        let count = texts.len();
        let new_lines: Vec<Line> = texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                let last = i + 1 == count;
                let e = if last && appends_after_unterminated {
                    LineEnding::None
                } else {
                    ending
                };
                self.written_line(text, e)
            })
            .collect();
        self.lines.splice(at..at, new_lines);
        for idx in at..at + count {
            self.endings.add(self.lines[idx].ending);
        }
        let first_after = self.section_starts.partition_point(|&s| (s as usize) < at);
        for start in &mut self.section_starts[first_after..] {
            *start += count as u32;
        }
        let tail = self.section_starts.split_off(first_after);
        let tails_after = self.section_tails.split_off(first_after);
        for idx in (at..at + count).filter(|&idx| self.lines[idx].starts_section()) {
            self.section_starts.push(idx as u32);
            self.section_tails.push(self.tail_at(idx));
        }
        self.section_starts.extend(tail);
        self.section_tails.extend(tails_after);
    }

    /// Removes lines `[start, end)`. Removing an unterminated last line
    /// leaves the new last line unterminated too, so insert-then-remove
    /// gives back the original bytes.
    pub fn remove_lines(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        let removes_unterminated_tail =
            end == self.lines.len() && self.lines[end - 1].ending == LineEnding::None;
        for line in self.lines.drain(start..end) {
            self.endings.remove(line.ending);
        }
        let removed = end - start;
        let first = self
            .section_starts
            .partition_point(|&s| (s as usize) < start);
        let past = self.section_starts.partition_point(|&s| (s as usize) < end);
        self.section_starts.drain(first..past);
        self.section_tails.drain(first..past);
        for s in &mut self.section_starts {
            if *s as usize >= end {
                *s -= removed as u32;
            }
        }
        if removes_unterminated_tail && start > 0 {
            self.set_ending(start - 1, LineEnding::None);
        }
    }

    /// Gives line `idx` the line ending `ending`.
    fn set_ending(&mut self, idx: usize, ending: LineEnding) {
        self.endings.remove(self.lines[idx].ending);
        self.endings.add(ending);
        self.lines[idx].ending = ending;
    }
}

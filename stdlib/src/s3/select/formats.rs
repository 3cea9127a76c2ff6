//! Input and output serialization for S3 Select: CSV (through the `csv` crate, so quoting
//! follows the usual rules) and JSON (DOCUMENT: one or more whitespace-separated JSON
//! values, a document may span lines; LINES: one JSON value per line), and the records S3
//! writes back (CSV with QuoteFields ALWAYS/ASNEEDED, or JSON objects).

use super::eval::Record;
use super::sql::Step;
use super::value::{Value, write_object};
use crate::s3::error::S3Error;
use crate::world::{AwsError, ErrorCode};

/// "The length of a record in the input or result is greater than maxCharsPerRecord of 1 MB."
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HeaderInfo {
    Use,
    Ignore,
    None,
}

#[derive(Clone, Debug)]
pub struct CsvIn {
    pub header: HeaderInfo,
    pub field_delimiter: u8,
    /// `b'\n'` stands for "\n", "\r\n" or "\r".
    pub record_delimiter: u8,
    pub quote: u8,
    pub quote_escape: u8,
    pub comments: Option<u8>,
    pub allow_quoted_record_delimiter: bool,
}

#[derive(Clone, Debug)]
pub enum Input {
    Csv(CsvIn),
    Json { lines: bool },
}

#[derive(Clone, Debug)]
pub enum Output {
    Csv { field_delimiter: String, record_delimiter: String, quote: char, quote_escape: char, always_quote: bool },
    Json { record_delimiter: String },
}

fn too_long(n: usize) -> AwsError {
    S3Error::OverMaxRecordSize.err(format!(
        "The length of a record in the input or result is greater than maxCharsPerRecord of 1 MB: a record of {n} bytes."
    ))
}

/// The byte window a ScanRange selects: from the first record that starts in `[start, end]`
/// to the end of the last such record ("A record is processed when its first byte is
/// contained by the range"). `None` when no record starts in the range.
pub fn scan_window(body: &[u8], delimiter: u8, start: u64, end: u64) -> Option<(usize, usize)> {
    let len = body.len() as u64;
    if start >= len {
        return None;
    }
    let end = end.min(len - 1);
    let starts = std::iter::once(0usize).chain(body.iter().enumerate().filter(|(i, b)| **b == delimiter && (*i as u64) + 1 < len).map(|(i, _)| i + 1));
    let mut first = None;
    let mut after_last = body.len();
    for s in starts {
        let s64 = s as u64;
        if s64 > end {
            after_last = s;
            break;
        }
        if s64 >= start && first.is_none() {
            first = Some(s);
        }
    }
    first.map(|f| (f, after_last))
}

/// Reads `body` (already cut to the scan window) and hands each record to `sink`, which
/// returns false to stop early. `header_line` is the object's header row when the window
/// does not start at the object's beginning.
pub fn read_csv(body: &[u8], cfg: &CsvIn, header_line: Option<&[u8]>, mut sink: impl FnMut(Record) -> Result<bool, AwsError>) -> Result<(), AwsError> {
    let mut b = csv::ReaderBuilder::new();
    b.has_headers(false)
        .flexible(true)
        .delimiter(cfg.field_delimiter)
        .quote(cfg.quote)
        .double_quote(true)
        .comment(cfg.comments)
        .terminator(if cfg.record_delimiter == b'\n' { csv::Terminator::CRLF } else { csv::Terminator::Any(cfg.record_delimiter) });
    if cfg.quote_escape != cfg.quote {
        b.escape(Some(cfg.quote_escape));
    }
    let decode = |rec: &csv::ByteRecord| -> Result<Vec<String>, AwsError> {
        rec.iter()
            .map(|f| {
                let s = std::str::from_utf8(f).map_err(|_| S3Error::InvalidTextEncoding.err("The encoding type is not valid. Only UTF-8 encoding is supported."))?;
                if !cfg.allow_quoted_record_delimiter && (s.contains('\n') || s.contains('\r') || s.as_bytes().contains(&cfg.record_delimiter)) {
                    return Err(S3Error::CsvEscapingRecordDelimiter.err(
                        "A quoted record delimiter was found in the file. To allow quoted record delimiters, set AllowQuotedRecordDelimiter to 'TRUE'.",
                    ));
                }
                Ok(s.to_string())
            })
            .collect()
    };
    let parse_err = |e: csv::Error| S3Error::CsvParsingError.err(format!("An error occurred while parsing the CSV file. Check the file and try again: {e}"));
    let mut headers: Option<Vec<String>> = None;
    let mut skip_first = cfg.header != HeaderInfo::None;
    if let Some(line) = header_line {
        let mut r = b.from_reader(line);
        let mut rec = csv::ByteRecord::new();
        if skip_first && r.read_byte_record(&mut rec).map_err(parse_err)? {
            headers = Some(decode(&rec)?);
        }
        skip_first = false;
    }
    let mut r = b.from_reader(body);
    let mut rec = csv::ByteRecord::new();
    loop {
        let before = r.position().byte();
        if !r.read_byte_record(&mut rec).map_err(parse_err)? {
            return Ok(());
        }
        let size = (r.position().byte() - before) as usize;
        if size > MAX_RECORD_BYTES {
            return Err(too_long(size));
        }
        let fields = decode(&rec)?;
        if skip_first {
            skip_first = false;
            headers = Some(fields);
            continue;
        }
        let h = if cfg.header == HeaderInfo::Use { headers.as_deref() } else { None };
        if !sink(Record::Csv { fields: &fields, headers: h })? {
            return Ok(());
        }
    }
}

/// Expands a FROM path (`S3Object[*].a[*].b`) over one top-level JSON value. Wildcards
/// "always emit at least one record. If no record matches, then Amazon S3 Select emits the
/// value MISSING".
pub fn expand(v: &Value, steps: &[Step], out: &mut Vec<Value>) {
    let Some((first, rest)) = steps.split_first() else {
        out.push(v.clone());
        return;
    };
    let before = out.len();
    match (first, v) {
        (Step::Field(n), Value::Struct(fs)) => {
            if let Some((_, x)) = fs.iter().find(|(k, _)| n.matches(k)) {
                expand(x, rest, out);
            }
        }
        (Step::Index(i), Value::List(items)) => {
            if let Some(x) = usize::try_from(*i).ok().and_then(|i| items.get(i)) {
                expand(x, rest, out);
            }
        }
        (Step::Wildcard, Value::List(items)) => items.iter().for_each(|x| expand(x, rest, out)),
        (Step::Wildcard, Value::Struct(fs)) => fs.iter().for_each(|(_, x)| expand(x, rest, out)),
        _ => {}
    }
    if out.len() == before {
        out.push(Value::Missing);
    }
}

/// Reads JSON input and hands each record (after the FROM path) to `sink`.
pub fn read_json(body: &[u8], lines: bool, from: &[Step], mut sink: impl FnMut(Record) -> Result<bool, AwsError>) -> Result<(), AwsError> {
    let parse_err = |e: serde_json::Error| S3Error::JsonParsingError.err(format!("An error occurred while parsing the JSON file. Check the file and try again: {e}"));
    let mut emit = |v: serde_json::Value| -> Result<bool, AwsError> {
        let v = Value::from_json(v);
        let mut recs = Vec::new();
        expand(&v, from, &mut recs);
        for r in &recs {
            if !sink(Record::Json(r))? {
                return Ok(false);
            }
        }
        Ok(true)
    };
    if lines {
        for line in body.split(|b| *b == b'\n') {
            if line.len() > MAX_RECORD_BYTES {
                return Err(too_long(line.len()));
            }
            if line.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            if !emit(serde_json::from_slice(line).map_err(parse_err)?)? {
                return Ok(());
            }
        }
        return Ok(());
    }
    let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<serde_json::Value>();
    let mut before = 0usize;
    while let Some(v) = stream.next() {
        let v = v.map_err(parse_err)?;
        let size = stream.byte_offset() - before;
        before = stream.byte_offset();
        if size > MAX_RECORD_BYTES {
            return Err(too_long(size));
        }
        if !emit(v)? {
            return Ok(());
        }
    }
    Ok(())
}

impl Output {
    /// Appends one result record.
    pub fn write(&self, row: &[(String, Value)], out: &mut String) -> Result<(), AwsError> {
        let start = out.len();
        match self {
            Output::Json { record_delimiter } => {
                write_object(row.iter().map(|(k, v)| (k.as_str(), v)), out);
                out.push_str(record_delimiter);
            }
            Output::Csv { field_delimiter, record_delimiter, quote, quote_escape, always_quote } => {
                for (i, (name, v)) in row.iter().enumerate() {
                    if i > 0 {
                        out.push_str(field_delimiter);
                    }
                    if matches!(v, Value::List(_) | Value::Struct(_)) {
                        return Err(S3Error::InvalidDataType.err(format!(
                            "Amazon S3 Select can only emit nested data using the JSON output format: `{name}` is a {}.",
                            v.type_name()
                        )));
                    }
                    let text = v.to_text();
                    let needs = *always_quote
                        || text.contains(*quote)
                        || text.contains(field_delimiter.as_str())
                        || text.contains(record_delimiter.as_str())
                        || text.contains('\n')
                        || text.contains('\r');
                    if needs {
                        out.push(*quote);
                        for c in text.chars() {
                            if c == *quote {
                                out.push(*quote_escape);
                            }
                            out.push(c);
                        }
                        out.push(*quote);
                    } else {
                        out.push_str(&text);
                    }
                }
                out.push_str(record_delimiter);
            }
        }
        let n = out.len() - start;
        if n > MAX_RECORD_BYTES {
            return Err(too_long(n));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(header: HeaderInfo) -> CsvIn {
        CsvIn { header, field_delimiter: b',', record_delimiter: b'\n', quote: b'"', quote_escape: b'"', comments: Some(b'#'), allow_quoted_record_delimiter: false }
    }

    /// Each record's fields and the header names it was given.
    type Rows = Vec<(Vec<String>, Option<Vec<String>>)>;

    fn rows(body: &str, c: &CsvIn) -> Result<Rows, AwsError> {
        let mut out = Vec::new();
        read_csv(body.as_bytes(), c, None, |r| {
            if let Record::Csv { fields, headers } = r {
                out.push((fields.to_vec(), headers.map(|h| h.to_vec())));
            }
            Ok(true)
        })?;
        Ok(out)
    }

    #[test]
    fn csv_headers_quotes_and_comments() {
        let body = "name,city\n# a comment line\nAda,\"London, UK\"\n\"Grace \"\"Amazing\"\" Hopper\",NYC\r\n";
        let r = rows(body, &cfg(HeaderInfo::Use)).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].0, vec!["Ada", "London, UK"]);
        assert_eq!(r[1].0[0], "Grace \"Amazing\" Hopper");
        assert_eq!(r[0].1.as_deref(), Some(&["name".to_string(), "city".to_string()][..]));
        // IGNORE skips the header but does not name columns; NONE reads it as data.
        assert_eq!(rows(body, &cfg(HeaderInfo::Ignore)).unwrap()[0].1, None);
        assert_eq!(rows(body, &cfg(HeaderInfo::None)).unwrap().len(), 3);
        // A quoted record delimiter needs AllowQuotedRecordDelimiter.
        let quoted = "a,\"line1\nline2\"\n";
        assert_eq!(rows(quoted, &cfg(HeaderInfo::None)).unwrap_err().code, "CSVEscapingRecordDelimiter");
        let mut allow = cfg(HeaderInfo::None);
        allow.allow_quoted_record_delimiter = true;
        assert_eq!(rows(quoted, &allow).unwrap()[0].0[1], "line1\nline2");
        // Other delimiters.
        let mut semi = cfg(HeaderInfo::None);
        semi.field_delimiter = b';';
        semi.record_delimiter = b'|';
        assert_eq!(rows("a;b|c;d|", &semi).unwrap().len(), 2);
    }

    #[test]
    fn records_longer_than_1_mb_are_refused() {
        let big = format!("{}\n", "x".repeat(MAX_RECORD_BYTES + 1));
        assert_eq!(rows(&big, &cfg(HeaderInfo::None)).unwrap_err().code, "OverMaxRecordSize");
        let json = format!("{{\"a\":\"{}\"}}", "x".repeat(MAX_RECORD_BYTES));
        assert_eq!(read_json(json.as_bytes(), true, &[], |_| Ok(true)).unwrap_err().code, "OverMaxRecordSize");
        assert_eq!(read_json(json.as_bytes(), false, &[], |_| Ok(true)).unwrap_err().code, "OverMaxRecordSize");
    }

    #[test]
    fn scan_ranges_take_the_records_that_start_inside() {
        // Records start at 0, 4, 8, 12.
        let body = b"aaa\nbbb\nccc\nddd\n";
        // "process only the records starting between the bytes 50 and 100 (inclusive)".
        assert_eq!(scan_window(body, b'\n', 1, 8), Some((4, 12)));
        assert_eq!(scan_window(body, b'\n', 0, 0), Some((0, 4)));
        assert_eq!(scan_window(body, b'\n', 5, 7), None);
        assert_eq!(scan_window(body, b'\n', 12, 99), Some((12, 16)));
        assert_eq!(scan_window(body, b'\n', 16, 99), None);
    }

    #[test]
    fn json_documents_lines_and_paths() {
        let mut n = 0;
        read_json(b"{\"a\":1}\n{\"a\":\n2}  {\"a\":3}", false, &[], |_| {
            n += 1;
            Ok(true)
        })
        .unwrap();
        assert_eq!(n, 3);
        assert_eq!(read_json(b"{\"a\":1}\n{\"a\":\n2}", true, &[], |_| Ok(true)).unwrap_err().code, "JSONParsingError");
        // FROM S3Object[*].Rules[*]
        let doc = Value::from_json(serde_json::json!({"Rules": [{"id": 1}, {"id": 2}]}));
        let mut out = Vec::new();
        let steps = crate::s3::select::sql::parse("SELECT * FROM S3Object[*].Rules[*]").unwrap().from_path;
        expand(&doc, &steps, &mut out);
        assert_eq!(out.len(), 2);
        let mut none = Vec::new();
        let steps = crate::s3::select::sql::parse("SELECT * FROM S3Object[*].Nope[*]").unwrap().from_path;
        expand(&doc, &steps, &mut none);
        assert_eq!(none, vec![Value::Missing]);
    }

    #[test]
    fn csv_output_quotes_as_needed_or_always() {
        let row = vec![("a".to_string(), Value::Str("x,y".into())), ("b".to_string(), Value::Str("say \"hi\"".into())), ("c".to_string(), Value::Int(3))];
        let csv = |always| Output::Csv { field_delimiter: ",".into(), record_delimiter: "\n".into(), quote: '"', quote_escape: '"', always_quote: always };
        let mut s = String::new();
        csv(false).write(&row, &mut s).unwrap();
        assert_eq!(s, "\"x,y\",\"say \"\"hi\"\"\",3\n");
        let mut s = String::new();
        csv(true).write(&row, &mut s).unwrap();
        assert_eq!(s, "\"x,y\",\"say \"\"hi\"\"\",\"3\"\n");
        // "Amazon S3 Select can only emit nested data using the JSON output format."
        let nested = vec![("l".to_string(), Value::List(vec![Value::Int(1)]))];
        assert_eq!(csv(false).write(&nested, &mut String::new()).unwrap_err().code, "InvalidDataType");
        let mut s = String::new();
        Output::Json { record_delimiter: "\n".into() }.write(&[("a".into(), Value::Missing), ("b".into(), Value::Null), ("c".into(), Value::Float(2.5))], &mut s).unwrap();
        assert_eq!(s, "{\"b\":null,\"c\":2.5}\n");
    }
}

//! S3 Select: `SelectObjectContent` runs one SQL statement over one CSV or JSON object on
//! the server and returns only the matching records, with statistics on how many bytes it
//! scanned, processed and returned — the point being that filtering in S3 sends back a
//! fraction of the object.
//!
//! AWS closed S3 Select to new customers on 25 July 2024 ("Amazon S3 Select is no longer
//! available to new customers. Existing customers of Amazon S3 Select can continue to use
//! the feature as usual."); the simulator keeps it for existing workloads and teaching.
//!
//! Modelled as the API Reference and the "SQL reference for Amazon S3 Select" document it:
//! - Authorization: `s3:GetObject` on the object through the same path GetObject uses (bucket
//!   policy, ACLs, Block Public Access, access points by ARN or alias in `Bucket`, SSE-KMS
//!   decryption through kms, SSE-C keys over HTTPS). "Amazon S3 Select does not support anonymous access": AccessDenied. One
//!   CloudTrail data event, `SelectObjectContent`.
//! - Objects in GLACIER or DEEP_ARCHIVE cannot be queried (`InvalidObjectState`, restored or
//!   not), nor REDUCED_REDUNDANCY ones (`UnsupportedStorageClass`).
//! - SQL ([`sql`], [`mod@eval`]): SELECT list (`*` or expressions with aliases), `FROM S3Object`
//!   / `S3Object[*].path` with an alias, WHERE, LIMIT; the operators, CAST, CASE, COALESCE,
//!   NULLIF, string functions (CHAR_LENGTH, LOWER, UPPER, SUBSTRING, TRIM, `||`), date
//!   functions (DATE_ADD, DATE_DIFF, EXTRACT, TO_STRING, TO_TIMESTAMP, UTCNOW on the world
//!   clock), aggregates COUNT/SUM/AVG/MIN/MAX over numbers (no GROUP BY), list literals.
//!   S3 Select's reserved keywords must be double-quoted as names (`s."level"`); double
//!   quotes also make a name case-sensitive; an unknown CSV header is `MissingHeaderName`.
//!   Errors use S3 Select's codes with the line and column of the SQL.
//! - Output values: CSV output refuses nested data ("Amazon S3 Select can only emit nested
//!   data using the JSON output format"); MISSING is left out of JSON records; floats print
//!   with at most 15 significant digits; timestamps as RFC 3339 with their offset.
//! - Input ([`formats`]): CSV with FileHeaderInfo USE/IGNORE/NONE, FieldDelimiter,
//!   RecordDelimiter, QuoteCharacter, QuoteEscapeCharacter, Comments (default `#`),
//!   AllowQuotedRecordDelimiter; JSON DOCUMENT or LINES. Output CSV (QuoteFields
//!   ASNEEDED/ALWAYS, delimiters, quote characters) or JSON (RecordDelimiter, default
//!   newline). Limits: 256 KB of SQL (`ExpressionTooLong`), 1 MB records in and out
//!   (`OverMaxRecordSize`).
//! - ScanRange: the records whose first byte lies in `[Start, End]` (`End` alone: the last
//!   `End` bytes), for CSV without quoted record delimiters and JSON LINES
//!   (`UnsupportedScanRangeInput` otherwise).
//! - Stats: `BytesScanned` = bytes read from the object (the scan window), `BytesProcessed`
//!   = the same (uncompressed input), `BytesReturned` = the size of the serialized records.
//!
//! The response: AWS streams events (boto3 shows `{'Payload': EventStream}` yielding
//! `{'Records': {'Payload': bytes}}`, `{'Progress': {'Details': ...}}`, `{'Stats':
//! {'Details': {'BytesScanned', 'BytesProcessed', 'BytesReturned'}}}`, `{'End': {}}`). The
//! simulator returns that stream as the array `Payload` — one Records event when there is
//! output, a Progress event when `RequestProgress.Enabled`, then Stats and End — and, for
//! notebooks, the concatenated records as the string `Records` and the stats as `Stats`.
//!
//! Simplified: GZIP/BZIP2 input and Parquet are refused with `NotImplemented`; DECIMAL is
//! an 8-byte float; BytesScanned counts the whole window even when LIMIT stops early; no
//! Cont (keep-alive) events; a JSON `Type` left out means DOCUMENT; INTELLIGENT_TIERING
//! archive tiers are not modelled, so such objects are always queryable. Typing follows
//! [`mod@eval`]'s rules: no implicit string-to-number conversion (`ExternalEvalException`, as
//! AWS answers), so CSV columns are CAST.

pub mod eval;
pub mod formats;
pub mod sql;
pub mod value;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::classes::StorageClass;
use super::error::{S3Error, access_denied};
use super::object_ops::{find_for_read, owner_check, plaintext_of};
use super::sse::customer_key_of;
use crate::world::{AwsError, Blob, Call, ErrorCode, Principal};
use eval::{Acc, Env, Record, collect_aggregates, eval, record_value};
use formats::{CsvIn, HeaderInfo, Input, Output};
use sql::{Expr, Query, Step};
use value::Value;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CsvInput {
    #[serde(default)]
    pub file_header_info: Option<String>,
    #[serde(default)]
    pub comments: Option<String>,
    #[serde(default)]
    pub quote_escape_character: Option<String>,
    #[serde(default)]
    pub record_delimiter: Option<String>,
    #[serde(default)]
    pub field_delimiter: Option<String>,
    #[serde(default)]
    pub quote_character: Option<String>,
    #[serde(default)]
    pub allow_quoted_record_delimiter: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct JsonInput {
    #[serde(default)]
    pub r#type: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct InputSerialization {
    #[serde(rename = "CSV", default)]
    pub csv: Option<CsvInput>,
    #[serde(rename = "JSON", default)]
    pub json: Option<JsonInput>,
    #[serde(default)]
    pub parquet: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default)]
    pub compression_type: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CsvOutput {
    #[serde(default)]
    pub quote_fields: Option<String>,
    #[serde(default)]
    pub quote_escape_character: Option<String>,
    #[serde(default)]
    pub record_delimiter: Option<String>,
    #[serde(default)]
    pub field_delimiter: Option<String>,
    #[serde(default)]
    pub quote_character: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct JsonOutput {
    #[serde(default)]
    pub record_delimiter: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct OutputSerialization {
    #[serde(rename = "CSV", default)]
    pub csv: Option<CsvOutput>,
    #[serde(rename = "JSON", default)]
    pub json: Option<JsonOutput>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RequestProgress {
    #[serde(default)]
    pub enabled: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ScanRange {
    #[serde(default)]
    pub start: Option<i64>,
    #[serde(default)]
    pub end: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SelectObjectContentRequest {
    pub bucket: String,
    pub key: String,
    pub expression: String,
    pub expression_type: String,
    pub input_serialization: InputSerialization,
    pub output_serialization: OutputSerialization,
    #[serde(default)]
    pub request_progress: Option<RequestProgress>,
    #[serde(default)]
    pub scan_range: Option<ScanRange>,
    #[serde(rename = "SSECustomerAlgorithm", default)]
    pub sse_customer_algorithm: Option<String>,
    #[serde(rename = "SSECustomerKey", default)]
    pub sse_customer_key: Option<Blob>,
    #[serde(rename = "SSECustomerKeyMD5", default)]
    pub sse_customer_key_md5: Option<String>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

/// The Stats (and Progress) event's `Details`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Stats {
    pub bytes_scanned: u64,
    pub bytes_processed: u64,
    pub bytes_returned: u64,
}

/// One event of the response stream, shaped as boto3 yields it.
#[derive(Clone, Debug, Serialize)]
pub enum SelectEvent {
    Records {
        #[serde(rename = "Payload")]
        payload: Blob,
    },
    Progress {
        #[serde(rename = "Details")]
        details: Stats,
    },
    Stats {
        #[serde(rename = "Details")]
        details: Stats,
    },
    End {},
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SelectObjectContentResponse {
    /// The event stream: Records (when there is output), Progress (if requested), Stats, End.
    pub payload: Vec<SelectEvent>,
    /// Convenience: every Records payload, concatenated, as text.
    pub records: String,
    /// Convenience: the Stats event's details.
    pub stats: Stats,
}

// ---------------------------------------------------------------------------------------
// Request validation

fn one_char(what: &str, v: &Option<String>, default: char) -> Result<char, AwsError> {
    match v.as_deref() {
        None => Ok(default),
        Some(s) if s.chars().count() == 1 => Ok(s.chars().next().unwrap_or(default)),
        Some(s) => Err(S3Error::InvalidRequestParameter.err(format!("The value of a parameter in the SelectRequest element is not valid: {what} must be a single character, got `{s}`."))),
    }
}

fn one_byte(what: &str, v: &Option<String>, default: char) -> Result<u8, AwsError> {
    let c = one_char(what, v, default)?;
    u8::try_from(c).ok().filter(|b| b.is_ascii()).ok_or_else(|| S3Error::InvalidRequestParameter.err(format!("The value of a parameter in the SelectRequest element is not valid: the simulator reads only ASCII {what}s, got `{c}`.")))
}

fn input_of(s: &InputSerialization) -> Result<Input, AwsError> {
    let n = s.csv.is_some() as u8 + s.json.is_some() as u8 + s.parquet.is_some() as u8;
    if n > 1 {
        return Err(S3Error::ObjectSerializationConflict.err("InputSerialization specifies more than one format (CSV, JSON, or Parquet). You can specify only one format."));
    }
    match s.compression_type.as_deref().map(|c| c.to_ascii_uppercase()) {
        None => {}
        Some(c) if c == "NONE" => {}
        Some(c) if c == "GZIP" || c == "BZIP2" => {
            return Err(S3Error::NotImplemented.err(format!("The simulator does not decompress {c} objects; store the object uncompressed and use CompressionType NONE.")));
        }
        Some(c) => return Err(S3Error::InvalidRequestParameter.err(format!("The value of a parameter in the SelectRequest element is not valid: CompressionType `{c}` (NONE, GZIP or BZIP2)."))),
    }
    if s.parquet.is_some() {
        return Err(S3Error::NotImplemented.err("The simulator does not read Parquet objects; use CSV or JSON input."));
    }
    if let Some(j) = &s.json {
        let lines = match j.r#type.as_deref().map(|t| t.to_ascii_uppercase()).as_deref() {
            None | Some("DOCUMENT") => false,
            Some("LINES") => true,
            Some(_) => return Err(S3Error::InvalidJsonType.err(format!("The JsonType value is not valid: `{}`. Only DOCUMENT and LINES are supported.", j.r#type.clone().unwrap_or_default()))),
        };
        return Ok(Input::Json { lines });
    }
    let Some(c) = &s.csv else {
        return Err(S3Error::MissingRequiredParameter.err("The SelectRequest entity is missing a required parameter: InputSerialization needs CSV, JSON or Parquet."));
    };
    let header = match c.file_header_info.as_deref().map(|h| h.to_ascii_uppercase()).as_deref() {
        None | Some("NONE") => HeaderInfo::None,
        Some("USE") => HeaderInfo::Use,
        Some("IGNORE") => HeaderInfo::Ignore,
        Some(_) => {
            return Err(S3Error::InvalidFileHeaderInfo.err(format!(
                "The FileHeaderInfo value is not valid: `{}`. Only NONE, USE, and IGNORE are supported.",
                c.file_header_info.clone().unwrap_or_default()
            )));
        }
    };
    let record_delimiter = match c.record_delimiter.as_deref() {
        None | Some("\n") | Some("\r\n") => b'\n',
        other => one_byte("RecordDelimiter", &other.map(str::to_string), '\n')?,
    };
    let quote = one_byte("QuoteCharacter", &c.quote_character, '"')?;
    let field_delimiter = one_byte("FieldDelimiter", &c.field_delimiter, ',')?;
    if field_delimiter == record_delimiter || field_delimiter == quote || record_delimiter == quote {
        return Err(S3Error::InvalidRequestParameter.err(
            "The value of a parameter in the SelectRequest element is not valid: FieldDelimiter, RecordDelimiter and QuoteCharacter must differ.",
        ));
    }
    Ok(Input::Csv(CsvIn {
        header,
        field_delimiter,
        record_delimiter,
        quote,
        quote_escape: one_byte("QuoteEscapeCharacter", &c.quote_escape_character, quote as char)?,
        comments: Some(one_byte("Comments", &c.comments, '#')?),
        allow_quoted_record_delimiter: c.allow_quoted_record_delimiter.unwrap_or(false),
    }))
}

fn output_of(s: &OutputSerialization) -> Result<Output, AwsError> {
    match (&s.csv, &s.json) {
        (Some(_), Some(_)) => Err(S3Error::ObjectSerializationConflict.err("OutputSerialization specifies more than one format (CSV or JSON). You can specify only one format.")),
        (None, None) => Err(S3Error::MissingRequiredParameter.err("The SelectRequest entity is missing a required parameter: OutputSerialization needs CSV or JSON.")),
        (None, Some(j)) => Ok(Output::Json { record_delimiter: j.record_delimiter.clone().unwrap_or_else(|| "\n".into()) }),
        (Some(c), None) => {
            let always_quote = match c.quote_fields.as_deref().map(|q| q.to_ascii_uppercase()).as_deref() {
                None | Some("ASNEEDED") => false,
                Some("ALWAYS") => true,
                Some(_) => {
                    return Err(S3Error::InvalidQuoteFields.err(format!(
                        "The QuoteFields value is not valid: `{}`. Only ALWAYS and ASNEEDED are supported.",
                        c.quote_fields.clone().unwrap_or_default()
                    )));
                }
            };
            let quote = one_char("QuoteCharacter", &c.quote_character, '"')?;
            Ok(Output::Csv {
                field_delimiter: c.field_delimiter.clone().unwrap_or_else(|| ",".into()),
                record_delimiter: c.record_delimiter.clone().unwrap_or_else(|| "\n".into()),
                quote,
                quote_escape: one_char("QuoteEscapeCharacter", &c.quote_escape_character, quote)?,
                always_quote,
            })
        }
    }
}

/// The byte range `[start, end]` a ScanRange asks for, for an object of `size` bytes.
fn scan_bounds(r: &ScanRange, size: u64) -> Result<(u64, u64), AwsError> {
    let bad = |why: &str| S3Error::InvalidScanRange.err(format!("The provided scan range is not valid: {why}."));
    match (r.start, r.end) {
        (None, None) => Err(bad("when specified, ScanRange must not be empty")),
        (Some(s), _) if s < 0 => Err(bad("Start must not be negative")),
        (_, Some(e)) if e < 0 => Err(bad("End must not be negative")),
        (Some(s), Some(e)) if s > e => Err(bad("Start is after End")),
        (Some(s), Some(e)) => Ok((s as u64, e as u64)),
        (Some(s), None) => Ok((s as u64, size.saturating_sub(1))),
        // "scan the last N bytes of the file".
        (None, Some(n)) => Ok((size.saturating_sub(n as u64), size.saturating_sub(1))),
    }
}

// ---------------------------------------------------------------------------------------
// Running a query

/// A query's output: the serialized records and the stats.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub records: String,
    pub stats: Stats,
}

/// A projection's output name: its alias, else the last field of its path (`s.user.name` is
/// `name`, `s._2` is `_2`), else `_N` for the N-th projection.
fn column_name(item: &sql::Item, i: usize, alias: &sql::Name) -> String {
    if let Some(a) = &item.alias {
        return a.clone();
    }
    if let Expr::Path(n, steps) = &item.expr {
        match steps.last() {
            Some(Step::Field(f)) => return f.text.clone(),
            None if !n.matches(&alias.text) => return n.text.clone(),
            _ => {}
        }
    }
    format!("_{}", i + 1)
}

/// The result row for one record: `SELECT *` gives the record's own fields.
fn project(q: &Query, rec: &Record, env: &Env) -> Result<Vec<(String, Value)>, AwsError> {
    match &q.items {
        None => Ok(match record_value(rec) {
            Value::Struct(fields) => fields,
            Value::Missing => Vec::new(),
            v => vec![("_1".to_string(), v)],
        }),
        Some(items) => items.iter().enumerate().map(|(i, item)| Ok((column_name(item, i, &q.alias), eval(&item.expr, rec, env)?))).collect(),
    }
}

fn interrupted_error() -> AwsError {
    AwsError::new("Interrupted", 400, "Interrupted: the query was stopped by a kernel interrupt.")
}

/// Runs `q` over `body` (the plaintext object): native loops, polling `interrupted` every
/// 4,096 records.
pub fn run(q: &Query, input: &Input, output: &Output, body: &[u8], scan: Option<(u64, u64)>, now: DateTime<FixedOffset>, interrupted: &dyn Fn() -> bool) -> Result<Run, AwsError> {
    if (!q.from_path.is_empty() || q.from_star) && matches!(input, Input::Csv(_)) {
        return Err(S3Error::UnsupportedSqlStructure.err("`FROM S3Object[*].path` works only with JSON objects."));
    }
    let (window, header_line) = match (scan, input) {
        (None, _) => ((0, body.len()), None),
        (Some((s, e)), Input::Csv(c)) => {
            let w = formats::scan_window(body, c.record_delimiter, s, e).unwrap_or((body.len(), body.len()));
            let first_line_end = body.iter().position(|b| *b == c.record_delimiter).map_or(body.len(), |i| i + 1);
            (w, (w.0 > 0 && c.header != HeaderInfo::None).then(|| &body[..first_line_end]))
        }
        (Some((s, e)), Input::Json { .. }) => (formats::scan_window(body, b'\n', s, e).unwrap_or((body.len(), body.len())), None),
    };
    let data = &body[window.0..window.1];
    let mut aggs: Vec<(usize, sql::Agg, Option<&Expr>)> = Vec::new();
    for item in q.items.iter().flatten() {
        collect_aggregates(&item.expr, &mut aggs);
    }
    aggs.sort_by_key(|a| a.0);
    let mut accs: Vec<Acc> = aggs.iter().map(|a| Acc::new(a.1)).collect();
    let aggregate = !aggs.is_empty();
    let limit = q.limit.unwrap_or(u64::MAX);
    let row = match q.from_path.last() {
        Some(Step::Field(n)) => n.text.as_str(),
        _ => "_1",
    };
    let env = Env { alias: &q.alias, row, now, aggs: None };
    let mut out = String::new();
    let mut emitted = 0u64;
    let mut seen = 0u64;
    let mut sink = |rec: Record| -> Result<bool, AwsError> {
        seen += 1;
        if seen.is_multiple_of(4096) && interrupted() {
            return Err(interrupted_error());
        }
        if !aggregate && emitted >= limit {
            return Ok(false);
        }
        if let Some(f) = &q.filter
            && eval(f, &rec, &env)? != Value::Bool(true)
        {
            return Ok(true);
        }
        if aggregate {
            for ((_, _, arg), acc) in aggs.iter().zip(accs.iter_mut()) {
                acc.add(match arg {
                    Some(a) => Some(eval(a, &rec, &env)?),
                    None => None,
                })?;
            }
            return Ok(true);
        }
        output.write(&project(q, &rec, &env)?, &mut out)?;
        emitted += 1;
        Ok(emitted < limit)
    };
    match input {
        Input::Csv(c) => formats::read_csv(data, c, header_line, &mut sink)?,
        Input::Json { lines } => formats::read_json(data, *lines, &q.from_path, &mut sink)?,
    }
    if aggregate && limit > 0 {
        let results: Vec<Value> = accs.into_iter().map(Acc::finish).collect();
        let env = Env { alias: &q.alias, row, now, aggs: Some(&results) };
        let empty = Value::Struct(Vec::new());
        output.write(&project(q, &Record::Json(&empty), &env)?, &mut out)?;
    }
    let scanned = data.len() as u64 + header_line.map_or(0, |h| h.len() as u64);
    Ok(Run { stats: Stats { bytes_scanned: scanned, bytes_processed: scanned, bytes_returned: out.len() as u64 }, records: out })
}

impl super::access_points::BucketParam for SelectObjectContentRequest {
    fn bucket_param(&mut self) -> &mut String {
        &mut self.bucket
    }
}

/// SelectObjectContent with an access point ARN or alias accepted in `Bucket`, as the other
/// object operations accept them (the script API registers this one).
pub fn select_object_content_via(c: &mut Call<'_>, req: SelectObjectContentRequest) -> Result<SelectObjectContentResponse, AwsError> {
    super::access_points::through(c, req, select_object_content)
}

/// SelectObjectContent: authorize as GetObject, check the object can be queried, validate
/// the request and the SQL, decrypt, run.
pub fn select_object_content(c: &mut Call<'_>, req: SelectObjectContentRequest) -> Result<SelectObjectContentResponse, AwsError> {
    let o = find_for_read(c, &req.bucket, &req.key, None, "s3:GetObject")?;
    if matches!(c.principal(), Principal::Anonymous) {
        return Err(access_denied());
    }
    owner_check(c, &req.bucket, &req.expected_bucket_owner)?;
    match o.storage_class {
        StorageClass::GLACIER | StorageClass::DEEP_ARCHIVE => {
            return Err(S3Error::InvalidObjectState.err(format!(
                "The operation is not valid for the object's storage class: S3 Select cannot query objects in the `{}` storage class.",
                o.storage_class.as_str()
            )));
        }
        StorageClass::REDUCED_REDUNDANCY => {
            return Err(S3Error::UnsupportedStorageClass.err("We encountered a storage class that is not supported: S3 Select cannot query REDUCED_REDUNDANCY objects."));
        }
        _ => {}
    }
    if !req.expression_type.eq_ignore_ascii_case("SQL") {
        return Err(S3Error::InvalidExpressionType.err(format!("The ExpressionType value is not valid: `{}`. Only SQL expressions are supported.", req.expression_type)));
    }
    let input = input_of(&req.input_serialization)?;
    let output = output_of(&req.output_serialization)?;
    let scan = match &req.scan_range {
        None => None,
        Some(r) => {
            match &input {
                Input::Json { lines: false } => return Err(S3Error::UnsupportedScanRangeInput.err("Scan range queries are not supported on this type of object: JSON DOCUMENT input (use JSON LINES or CSV).")),
                Input::Csv(c) if c.allow_quoted_record_delimiter => {
                    return Err(S3Error::UnsupportedScanRangeInput.err("Scan range queries are not supported on this type of object: CSV with AllowQuotedRecordDelimiter."));
                }
                _ => {}
            }
            Some(scan_bounds(r, o.size)?)
        }
    };
    let query = sql::parse(&req.expression)?;
    let ck = customer_key_of(&req.sse_customer_algorithm, &req.sse_customer_key, &req.sse_customer_key_md5)?;
    let body = plaintext_of(c, &req.bucket, &req.key, &o, ck.as_ref())?;
    let now = c.now().to_chrono().fixed_offset();
    let w = &*c.w;
    let r = run(&query, &input, &output, &body, scan, now, &|| w.interrupted())?;
    let mut payload = Vec::new();
    if !r.records.is_empty() {
        payload.push(SelectEvent::Records { payload: Blob(r.records.clone().into_bytes()) });
    }
    if req.request_progress.as_ref().and_then(|p| p.enabled).unwrap_or(false) {
        payload.push(SelectEvent::Progress { details: r.stats });
    }
    payload.push(SelectEvent::Stats { details: r.stats });
    payload.push(SelectEvent::End {});
    Ok(SelectObjectContentResponse { payload, records: r.records, stats: r.stats })
}

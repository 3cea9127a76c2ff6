//! Script-level tests of S3 Select (each cites the AWS rule it pins).

use crate::script::testing::*;

/// A bucket with a CSV object (header row) and a JSON Lines object.
const DATA: &str = r#"
    s3::create_bucket("data");
    s3::put_object("data", "people.csv", "name,age,city\nAda,36,London\nAlan,41,Wilmslow\nGrace,85,\"New York, NY\"\nLinus,28,Helsinki\n");
    s3::put_object("data", "events.jsonl", `{"id":1,"level":"INFO","ms":12,"user":{"name":"ada"}}
{"id":2,"level":"ERROR","ms":340,"user":{"name":"alan"}}
{"id":3,"level":"ERROR","ms":95}
`);
    fn q(key, sql, input) {
        s3::select_object_content(#{ Bucket: "data", Key: key, Expression: sql, ExpressionType: "SQL",
            InputSerialization: input, OutputSerialization: #{ CSV: #{} } })
    }
    let csv_use = #{ CSV: #{ FileHeaderInfo: "USE" } };
    let lines = #{ JSON: #{ Type: "LINES" } };
"#;

#[test]
fn csv_queries_project_filter_and_limit() {
    let r = map(ok(&format!(r#"{DATA} q("people.csv", "SELECT s.name, s.city FROM S3Object s WHERE CAST(s.age AS INT) > 30", csv_use)"#)));
    // CSV output quotes a field that contains the delimiter (QuoteFields ASNEEDED).
    assert_eq!(s(&r["Records"]), "Ada,London\nAlan,Wilmslow\nGrace,\"New York, NY\"\n");
    let r = map(ok(&format!(r#"{DATA} q("people.csv", "SELECT * FROM S3Object LIMIT 2", csv_use)"#)));
    assert_eq!(s(&r["Records"]), "Ada,36,London\nAlan,41,Wilmslow\n");
    // Positional columns: "FileHeaderInfo NONE: First line is not a header" -> _1 is "name".
    let r = map(ok(&format!(r#"{DATA} q("people.csv", "SELECT s._1 FROM S3Object s LIMIT 1", #{{ CSV: #{{}} }})"#)));
    assert_eq!(s(&r["Records"]), "name\n");
    // IGNORE: the header is skipped, columns are positional only.
    let r = map(ok(&format!(r#"{DATA} q("people.csv", "SELECT s._1 FROM S3Object s WHERE s._3 LIKE 'H%'", #{{ CSV: #{{ FileHeaderInfo: "IGNORE" }} }})"#)));
    assert_eq!(s(&r["Records"]), "Linus\n");
}

#[test]
fn aggregates_and_casts() {
    let r = map(ok(&format!(
        r#"{DATA} q("people.csv", "SELECT COUNT(*), SUM(CAST(s.age AS INT)), MIN(CAST(s.age AS INT)), MAX(CAST(s.age AS FLOAT)), AVG(CAST(s.age AS FLOAT)) FROM S3Object s", csv_use)"#
    )));
    // SUM of INT is INT, MAX of FLOAT is FLOAT.
    assert_eq!(s(&r["Records"]), "4,190,28,85.0,47.5\n");
    // Without CAST the fields are strings ("all input data is treated as a string").
    let (c, m) = code(&format!(r#"{DATA} q("people.csv", "SELECT SUM(s.age) FROM S3Object s", csv_use)"#));
    assert_eq!(c, "IncorrectSqlFunctionArgumentType");
    assert!(m.contains("CAST"), "{m}");
    // An aggregate over no records: COUNT is 0, SUM is null (empty in CSV).
    let r = map(ok(&format!(r#"{DATA} q("people.csv", "SELECT COUNT(*), SUM(CAST(s.age AS INT)) FROM S3Object s WHERE s.city = 'Paris'", csv_use)"#)));
    assert_eq!(s(&r["Records"]), "0,\n");
    let (c, _) = code(&format!(r#"{DATA} q("people.csv", "SELECT CAST(s.city AS INT) FROM S3Object s", csv_use)"#));
    assert_eq!(c, "CastFailed");
    // Comparing a CSV field with a number needs a CAST too: AWS answers ExternalEvalException
    // ("The query cannot be evaluated") rather than converting by itself.
    let (c, m) = code(&format!(r#"{DATA} q("people.csv", "SELECT s.name FROM S3Object s WHERE s.age > 30", csv_use)"#));
    assert_eq!(c, "ExternalEvalException");
    assert!(m.contains("CAST"), "{m}");
}

#[test]
fn json_lines_paths_and_json_output() {
    let rows = ok(&format!(r#"{DATA} s3::select("data", "events.jsonl", "SELECT s.id, s.\"user\".name AS who, s.ms * 2 FROM S3Object s WHERE s.\"level\" = 'ERROR'")"#)).into_array().unwrap();
    assert_eq!(rows.len(), 2);
    let first = map(rows[0].clone());
    assert_eq!(first["id"].as_int().unwrap(), 2);
    assert_eq!(s(&first["who"]), "alan");
    // An expression without an alias is named by its position: `_3`.
    assert_eq!(first["_3"].as_int().unwrap(), 680);
    // A missing attribute is MISSING, left out of JSON output.
    let second = map(rows[1].clone());
    assert!(!second.contains_key("who"));
    // JSON output keeps the record as is for SELECT *.
    let r = map(ok(&format!(
        r#"{DATA} s3::select_object_content(#{{ Bucket: "data", Key: "events.jsonl", Expression: "SELECT * FROM S3Object s WHERE s.id = 3", ExpressionType: "SQL", InputSerialization: lines, OutputSerialization: #{{ JSON: #{{ RecordDelimiter: ";" }} }} }})"#
    )));
    assert_eq!(s(&r["Records"]), r#"{"id":3,"level":"ERROR","ms":95};"#);
}

#[test]
fn reserved_keywords_must_be_double_quoted() {
    // "SELECT s.\"CAST\" from S3Object s" works; "SELECT s.CAST from S3Object s" is a 400
    // parse error. `level` and `user` are reserved words too.
    let setup = r#"s3::create_bucket("data"); s3::put_object("data", "k.csv", "CAST,level\n1,2\n");"#;
    let rows = ok(&format!(r#"{setup} s3::select("data", "k.csv", "SELECT s.\"CAST\", s.\"level\" FROM S3Object s")"#)).into_array().unwrap();
    assert_eq!(s(&map(rows[0].clone())["CAST"]), "1");
    let (c, m) = code(&format!(r#"{setup} s3::select("data", "k.csv", "SELECT s.CAST FROM S3Object s")"#));
    assert_eq!(c, "ParseUnExpectedKeyword");
    assert!(m.contains("double-quote"), "{m}");
    assert_eq!(code(&format!(r#"{setup} s3::select("data", "k.csv", "SELECT level FROM S3Object s")"#)).0, "ParseUnExpectedKeyword");
}

#[test]
fn the_reference_json_path_examples() {
    // The SQL reference's Example #1: wildcards emit MISSING where nothing matches, written
    // as empty records, unless filtered with IS NOT MISSING.
    let setup = r#"s3::create_bucket("data");
        s3::put_object("data", "rules.json", `{ "Rules": [ {"id": "1"}, {"expr": "y > x"}, {"id": "2", "expr": "z = DEBUG"} ]}
{ "created": "June 27", "modified": "July 6" }`);
        fn run(sql) { s3::select_object_content(#{ Bucket: "data", Key: "rules.json", Expression: sql, ExpressionType: "SQL",
            InputSerialization: #{ JSON: #{ Type: "DOCUMENT" } }, OutputSerialization: #{ JSON: #{} } }).Records }"#;
    assert_eq!(s(&ok(&format!(r#"{setup} run("SELECT id FROM S3Object[*].Rules[*].id")"#))), "{\"id\":\"1\"}\n{}\n{\"id\":\"2\"}\n{}\n");
    assert_eq!(s(&ok(&format!(r#"{setup} run("SELECT id FROM S3Object[*].Rules[*].id WHERE id IS NOT MISSING")"#))), "{\"id\":\"1\"}\n{\"id\":\"2\"}\n");
    // Example #2: `_1` names the row when the path ends in a wildcard.
    let setup = r#"s3::create_bucket("data");
        s3::put_object("data", "dirs.json", `{ "created": "936864000", "dir_name": "important_docs", "files": [ { "name": "." }, { "name": ".." }, { "name": ".aws" }, { "name": "downloads" } ], "owner": "AWS S3" }
{ "created": "936864000", "dir_name": "other_docs", "files": [ { "name": "." }, { "name": ".." }, { "name": "my stuff" }, { "name": "backup" } ], "owner": "User" }`);
        fn run(sql) { s3::select_object_content(#{ Bucket: "data", Key: "dirs.json", Expression: sql, ExpressionType: "SQL",
            InputSerialization: #{ JSON: #{ Type: "DOCUMENT" } }, OutputSerialization: #{ JSON: #{} } }).Records }"#;
    assert_eq!(
        s(&ok(&format!(r#"{setup} run("SELECT d.dir_name, d.files FROM S3Object[*] d")"#))),
        "{\"dir_name\":\"important_docs\",\"files\":[{\"name\":\".\"},{\"name\":\"..\"},{\"name\":\".aws\"},{\"name\":\"downloads\"}]}\n{\"dir_name\":\"other_docs\",\"files\":[{\"name\":\".\"},{\"name\":\"..\"},{\"name\":\"my stuff\"},{\"name\":\"backup\"}]}\n"
    );
    assert_eq!(
        s(&ok(&format!(r#"{setup} run("SELECT _1.dir_name, _1.owner FROM S3Object[*]")"#))),
        "{\"dir_name\":\"important_docs\",\"owner\":\"AWS S3\"}\n{\"dir_name\":\"other_docs\",\"owner\":\"User\"}\n"
    );
}

#[test]
fn json_documents_with_from_paths() {
    // "FROM S3Object[*].path": select from arrays within a JSON document.
    let rows = ok(r#"s3::create_bucket("data");
        s3::put_object("data", "rules.json", `{"Rules": [{"id": "a", "expr": "x > 1"}, {"id": "b", "expr": "y"}]}`);
        s3::select(#{ Bucket: "data", Key: "rules.json", Expression: "SELECT r.id FROM S3Object[*].Rules[*] r", ExpressionType: "SQL", InputSerialization: #{ JSON: #{ Type: "DOCUMENT" } } })"#)
    .into_array()
    .unwrap();
    let ids: Vec<String> = rows.iter().map(|r| s(&map(r.clone())["id"])).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn stats_show_server_side_filtering_returns_a_fraction() {
    let r = map(ok(&format!(
        r#"{DATA} let size = s3::head_object("data", "people.csv").ContentLength;
           let r = q("people.csv", "SELECT s.name FROM S3Object s WHERE s.city = 'Helsinki'", csv_use);
           #{{ size: size, stats: r.Stats, payload: r.Payload, records: r.Records }}"#
    )));
    let stats = map(r["stats"].clone());
    let size = r["size"].as_int().unwrap();
    // BytesScanned: the object read in full; BytesReturned: only "Linus\n".
    assert_eq!(stats["BytesScanned"].as_int().unwrap(), size);
    assert_eq!(stats["BytesProcessed"].as_int().unwrap(), size);
    assert_eq!(stats["BytesReturned"].as_int().unwrap(), 6);
    // The event stream: Records, Stats, End (boto3's shapes).
    let events = r["payload"].clone().into_array().unwrap();
    assert_eq!(events.len(), 3);
    let rec = map(map(events[0].clone())["Records"].clone());
    assert_eq!(rec["Payload"].clone().cast::<rhai::Blob>(), b"Linus\n".to_vec());
    let st = map(map(events[1].clone())["Stats"].clone());
    assert_eq!(map(st["Details"].clone())["BytesReturned"].as_int().unwrap(), 6);
    assert!(map(events[2].clone()).contains_key("End"));
    // Nothing matches: no Records event; RequestProgress adds a Progress event.
    let r = map(ok(&format!(
        r#"{DATA} s3::select_object_content(#{{ Bucket: "data", Key: "people.csv", Expression: "SELECT * FROM S3Object s WHERE s.city = 'Paris'", ExpressionType: "SQL",
            InputSerialization: csv_use, OutputSerialization: #{{ JSON: #{{}} }}, RequestProgress: #{{ Enabled: true }} }})"#
    )));
    let kinds: Vec<String> = r["Payload"].clone().into_array().unwrap().iter().map(|e| map(e.clone()).keys().next().unwrap().to_string()).collect();
    assert_eq!(kinds, ["Progress", "Stats", "End"]);
    assert_eq!(s(&r["Records"]), "");
}

#[test]
fn scan_ranges_process_records_starting_inside() {
    // Records of "name,age,city\nAda,36,London\n..." start at 0, 14, 28, ...: a range
    // starting at byte 1 skips the header line's start, so the header is read separately.
    let r = map(ok(&format!(
        r#"{DATA} s3::select_object_content(#{{ Bucket: "data", Key: "people.csv", Expression: "SELECT s.name FROM S3Object s", ExpressionType: "SQL",
            InputSerialization: csv_use, OutputSerialization: #{{ CSV: #{{}} }}, ScanRange: #{{ Start: 1, End: 30 }} }})"#
    )));
    assert_eq!(s(&r["Records"]), "Ada\nAlan\n");
    // The user guide's example: "A,B\nC,D\nD,E\n..." with Start 1 and End 4 returns "C,D",
    // the one record that starts inside the range.
    let r = map(ok(r#"s3::create_bucket("data"); s3::put_object("data", "ab.csv", "A,B\nC,D\nD,E\nE,F\nG,H\nI,J\n");
        s3::select_object_content(#{ Bucket: "data", Key: "ab.csv", Expression: "SELECT * FROM S3Object", ExpressionType: "SQL",
            InputSerialization: #{ CSV: #{} }, OutputSerialization: #{ CSV: #{} }, ScanRange: #{ Start: 1, End: 4 } })"#));
    assert_eq!(s(&r["Records"]), "C,D\n");
    assert_eq!(map(r["Stats"].clone())["BytesScanned"].as_int().unwrap(), 4);
    let (c, _) = code(&format!(
        r#"{DATA} s3::select_object_content(#{{ Bucket: "data", Key: "people.csv", Expression: "SELECT * FROM S3Object", ExpressionType: "SQL",
            InputSerialization: csv_use, OutputSerialization: #{{ CSV: #{{}} }}, ScanRange: #{{ Start: 9, End: 3 }} }})"#
    ));
    assert_eq!(c, "InvalidScanRange");
    let (c, _) = code(&format!(
        r#"{DATA} s3::select_object_content(#{{ Bucket: "data", Key: "events.jsonl", Expression: "SELECT * FROM S3Object", ExpressionType: "SQL",
            InputSerialization: #{{ JSON: #{{ Type: "DOCUMENT" }} }}, OutputSerialization: #{{ CSV: #{{}} }}, ScanRange: #{{ Start: 0 }} }})"#
    ));
    assert_eq!(c, "UnsupportedScanRangeInput");
}

#[test]
fn request_validation_uses_select_error_codes() {
    let base = |extra: &str| format!(r#"{DATA} s3::select_object_content(#{{ Bucket: "data", Key: "people.csv", Expression: "SELECT * FROM S3Object", {extra} }})"#);
    assert_eq!(code(&base(r#"ExpressionType: "XPATH", InputSerialization: csv_use, OutputSerialization: #{ CSV: #{} }"#)).0, "InvalidExpressionType");
    assert_eq!(code(&base(r#"ExpressionType: "SQL", InputSerialization: #{ CSV: #{}, JSON: #{} }, OutputSerialization: #{ CSV: #{} }"#)).0, "ObjectSerializationConflict");
    assert_eq!(code(&base(r#"ExpressionType: "SQL", InputSerialization: #{}, OutputSerialization: #{ CSV: #{} }"#)).0, "MissingRequiredParameter");
    assert_eq!(code(&base(r#"ExpressionType: "SQL", InputSerialization: csv_use, OutputSerialization: #{ CSV: #{}, JSON: #{} }"#)).0, "ObjectSerializationConflict");
    assert_eq!(code(&base(r#"ExpressionType: "SQL", InputSerialization: #{ CSV: #{ FileHeaderInfo: "MAYBE" } }, OutputSerialization: #{ CSV: #{} }"#)).0, "InvalidFileHeaderInfo");
    assert_eq!(code(&base(r#"ExpressionType: "SQL", InputSerialization: #{ JSON: #{ Type: "XML" } }, OutputSerialization: #{ CSV: #{} }"#)).0, "InvalidJsonType");
    assert_eq!(code(&base(r#"ExpressionType: "SQL", InputSerialization: csv_use, OutputSerialization: #{ CSV: #{ QuoteFields: "SOMETIMES" } }"#)).0, "InvalidQuoteFields");
    assert_eq!(code(&base(r#"ExpressionType: "SQL", InputSerialization: #{ CSV: #{ FieldDelimiter: "::" } }, OutputSerialization: #{ CSV: #{} }"#)).0, "InvalidRequestParameter");
    assert_eq!(code(&base(r#"ExpressionType: "SQL", InputSerialization: #{ CSV: #{ FieldDelimiter: "\n" } }, OutputSerialization: #{ CSV: #{} }"#)).0, "InvalidRequestParameter");
    let (c, _) = code(&base(r#"ExpressionType: "SQL", InputSerialization: #{ CSV: #{}, CompressionType: "GZIP" }, OutputSerialization: #{ CSV: #{} }"#));
    assert_eq!(c, "NotImplemented");
    // A missing required parameter of the request itself.
    assert_eq!(code(&format!(r#"{DATA} s3::select_object_content(#{{ Bucket: "data", Key: "people.csv" }})"#)).0, "InvalidArgument");
    // A bad query: the SQL error code and where it is.
    let (c, m) = code(&format!(r#"{DATA} q("people.csv", "SELECT s.name FROM S3Object s WHERE s.age >", csv_use)"#));
    assert_eq!(c, "ParseExpectedExpression");
    assert!(m.contains("line 1, column 44"), "{m}");
    let e = map(ok(&format!(r#"{DATA} let e = #{{}}; try {{ q("people.csv", "SELECT s.nmae FROM S3Object s", csv_use); }} catch (err) {{ e = err; }} e"#)));
    assert_eq!(s(&e["Code"]), "MissingHeaderName");
    assert_eq!(e["StatusCode"].as_int().unwrap(), 400);
    assert_eq!(s(&e["Operation"]), "SelectObjectContent");
}

#[test]
fn authorization_storage_classes_and_encryption() {
    // "You must have the s3:GetObject permission for this operation."
    let (c, _) = code(&format!(
        r#"{DATA} iam::create_user("bob"); as_principal("bob", || q("people.csv", "SELECT * FROM S3Object", csv_use))"#
    ));
    assert_eq!(c, "AccessDenied");
    let r = map(ok(&format!(
        r#"{DATA} iam::create_user("bob");
           iam::put_user_policy(#{{ UserName: "bob", PolicyName: "read", PolicyDocument: `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}}]}}` }});
           let r = as_principal("bob", || q("people.csv", "SELECT COUNT(*) FROM S3Object", csv_use));
           let t = world::trail();
           #{{ records: r.Records, event: t[-1].eventName, category: t[-1].eventCategory, source: t[-1].eventSource }}"#
    )));
    assert_eq!(s(&r["records"]), "4\n");
    // One audit event, a data event.
    assert_eq!(s(&r["event"]), "SelectObjectContent");
    assert_eq!(s(&r["category"]), "Data");
    assert_eq!(s(&r["source"]), "s3.amazonaws.com");
    // "Amazon S3 Select does not support anonymous access", even with a public-read policy.
    let (c, _) = code(&format!(
        r#"{DATA} s3::delete_public_access_block(#{{ Bucket: "data" }});
           s3::put_bucket_policy("data", `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}}]}}`);
           let plain = as_principal("anonymous", || s3::get_object("data", "people.csv")).ContentLength;
           as_principal("anonymous", || q("people.csv", "SELECT * FROM S3Object", csv_use))"#
    ));
    assert_eq!(c, "AccessDenied");
    // "You cannot query objects in the GLACIER, DEEP_ARCHIVE, or REDUCED_REDUNDANCY storage classes".
    let (c, _) = code(r#"s3::create_bucket("data"); s3::put_object(#{ Bucket: "data", Key: "old.csv", Body: "a\n1\n", StorageClass: "GLACIER" });
        s3::select("data", "old.csv", "SELECT * FROM S3Object")"#);
    assert_eq!(c, "InvalidObjectState");
    let (c, _) = code(r#"s3::create_bucket("data"); s3::put_object(#{ Bucket: "data", Key: "rr.csv", Body: "a\n1\n", StorageClass: "REDUCED_REDUNDANCY" });
        s3::select("data", "rr.csv", "SELECT * FROM S3Object")"#);
    assert_eq!(c, "UnsupportedStorageClass");
    // A missing key: NoSuchKey for the bucket owner.
    assert_eq!(code(r#"s3::create_bucket("data"); s3::select("data", "nope.csv", "SELECT * FROM S3Object")"#).0, "NoSuchKey");
}

#[test]
fn sse_kms_and_sse_c_objects_are_decrypted() {
    let r = map(ok(r#"let key = kms::create_key("s3 data").KeyMetadata;
        s3::create_bucket("secure");
        s3::put_bucket_encryption(#{ Bucket: "secure", ServerSideEncryptionConfiguration: #{ Rules: [#{
            ApplyServerSideEncryptionByDefault: #{ SSEAlgorithm: "aws:kms", KMSMasterKeyID: key.KeyId } }] } });
        s3::put_object("secure", "cards.csv", "holder,last4\nada,1111\nalan,2222\n");
        let rows = s3::select("secure", "cards.csv", "SELECT s.holder FROM S3Object s WHERE s.last4 = '2222'");
        #{ rows: rows, kms: world::trail().filter(|e| e.eventSource == "kms.amazonaws.com").map(|e| e.eventName) }"#));
    let rows = r["rows"].clone().into_array().unwrap();
    assert_eq!(s(&map(rows[0].clone())["holder"]), "alan");
    let kms: Vec<String> = r["kms"].clone().into_array().unwrap().iter().map(s).collect();
    assert_eq!(kms.iter().filter(|e| *e == "Decrypt").count(), 1, "{kms:?}");
    // SSE-C: the key must come with the request.
    let setup = r#"s3::create_bucket("bkt"); let key = blob(32, 7);
        s3::put_object(#{ Bucket: "bkt", Key: "secret.csv", Body: "a,b\n1,2\n", SSECustomerAlgorithm: "AES256", SSECustomerKey: key });
        let p = #{ Bucket: "bkt", Key: "secret.csv", Expression: "SELECT s.b FROM S3Object s", ExpressionType: "SQL", InputSerialization: #{ CSV: #{ FileHeaderInfo: "USE" } }, OutputSerialization: #{ CSV: #{} } };"#;
    assert_eq!(code(&format!("{setup} s3::select_object_content(p)")).0, "InvalidRequest");
    let r = map(ok(&format!(r#"{setup} p.SSECustomerAlgorithm = "AES256"; p.SSECustomerKey = key; s3::select_object_content(p)"#)));
    assert_eq!(s(&r["Records"]), "2\n");
}

#[test]
fn utcnow_uses_the_world_clock() {
    let r = ok(r#"s3::create_bucket("data"); s3::put_object("data", "x.csv", "a\n1\n");
        clock::set("2030-06-01T12:00:00Z");
        s3::select("data", "x.csv", "SELECT UTCNOW() AS now, EXTRACT(YEAR FROM UTCNOW()) AS y FROM S3Object LIMIT 1")"#)
    .into_array()
    .unwrap();
    let row = map(r[0].clone());
    assert_eq!(s(&row["now"]), "2030-06-01T12:00:00Z");
    assert_eq!(row["y"].as_int().unwrap(), 2030);
}

/// Mutated queries run against CSV and JSON input never panic: each one parses and runs, or
/// gives an AWS error (evaluation included, not only parsing).
#[test]
fn mutated_queries_never_panic_when_run() {
    use super::formats::{CsvIn, HeaderInfo, Input, Output};
    let seeds = [
        "SELECT s.name, CAST(s.age AS INT) * 2 AS a FROM S3Object s WHERE s.city LIKE '%o%' LIMIT 3",
        "SELECT COUNT(*), SUM(CAST(s._2 AS FLOAT)), MAX(s._1) FROM S3Object s WHERE s._2 BETWEEN '1' AND '9'",
        "SELECT SUBSTRING(s.name, 2, 3), TRIM(BOTH 'A' FROM s.name), DATE_DIFF(day, `2020-01-01T`, UTCNOW()), TO_STRING(UTCNOW(), 'yyyy MMM d') FROM S3Object s",
        "SELECT CASE WHEN s.\"user\".name IS MISSING THEN 'anon' ELSE UPPER(s.\"user\".name) END, s.ms / 0, s.tags[1] FROM S3Object[*] s WHERE s.ms IN (12, 340)",
    ];
    let csv = b"name,age,city\nAda,36,London\nAlan,x,\"Wil,mslow\"\n,,\n";
    let json = br#"{"ms":12,"user":{"name":"ada"},"tags":["a","b"]}
{"ms":340,"tags":[]}
"#;
    let csv_in = Input::Csv(CsvIn { header: HeaderInfo::Use, field_delimiter: b',', record_delimiter: b'\n', quote: b'"', quote_escape: b'"', comments: Some(b'#'), allow_quoted_record_delimiter: false });
    let json_in = Input::Json { lines: true };
    let out = Output::Json { record_delimiter: "\n".into() };
    let now = super::value::parse_timestamp("2026-01-01T00:00Z").unwrap();
    let alphabet: Vec<char> = "SELECTFROMWHERE s.*,()[]'\"`-+/%<>=!|_0123456789aAzZ ".chars().collect();
    let mut rng = crate::world::SimRng::new(11);
    let (mut ran, mut failed) = (0, 0);
    for round in 0..3000 {
        let mut chars: Vec<char> = seeds[round % seeds.len()].chars().collect();
        for _ in 0..=rng.below(4) {
            let pos = rng.below(chars.len() as u64) as usize;
            match rng.below(3) {
                0 => {
                    chars.remove(pos);
                }
                1 => chars[pos] = alphabet[rng.below(alphabet.len() as u64) as usize],
                _ => chars.insert(pos, alphabet[rng.below(alphabet.len() as u64) as usize]),
            }
        }
        let sql: String = chars.into_iter().collect();
        let Ok(q) = super::sql::parse(&sql) else { continue };
        for (input, body) in [(&csv_in, &csv[..]), (&json_in, &json[..])] {
            match super::run(&q, input, &out, body, None, now, &|| false) {
                Ok(r) => {
                    ran += 1;
                    assert_eq!(r.stats.bytes_returned, r.records.len() as u64);
                }
                Err(e) => {
                    failed += 1;
                    assert_eq!(e.status_code, 400, "{sql}: {e:?}");
                }
            }
        }
    }
    // Both paths were exercised.
    assert!(ran > 50 && failed > 50, "ran {ran}, failed {failed}");
}

/// Long scans poll the kernel's interrupt flag and stop with an error.
#[test]
fn an_interrupt_stops_a_long_scan() {
    use super::formats::{Input, Output};
    let body: String = (0..10_000).map(|i| format!("{{\"n\":{i}}}\n")).collect();
    let q = super::sql::parse("SELECT COUNT(*) FROM S3Object s WHERE s.n >= 0").unwrap();
    let now = super::value::parse_timestamp("2026-01-01T00:00Z").unwrap();
    let out = Output::Json { record_delimiter: "\n".into() };
    let run = |stop: bool| super::run(&q, &Input::Json { lines: true }, &out, body.as_bytes(), None, now, &move || stop);
    assert_eq!(run(false).unwrap().records, "{\"_1\":10000}\n");
    assert_eq!(run(true).unwrap_err().code, "Interrupted");
}

#[test]
fn versions_owners_and_declared_only_objects() {
    // Select reads the current version; behind a delete marker the key is gone.
    let r = ok(r#"s3::create_bucket("vers"); s3::put_bucket_versioning("vers", "Enabled");
        s3::put_object("vers", "t.csv", "n\n1\n"); s3::put_object("vers", "t.csv", "n\n2\n");
        s3::select("vers", "t.csv", "SELECT s.n FROM S3Object s")"#)
    .into_array()
    .unwrap();
    assert_eq!(s(&map(r[0].clone())["n"]), "2");
    assert_eq!(code(r#"s3::create_bucket("vers"); s3::put_bucket_versioning("vers", "Enabled"); s3::put_object("vers", "t.csv", "n\n1\n");
        s3::delete_object("vers", "t.csv"); s3::select("vers", "t.csv", "SELECT * FROM S3Object")"#).0, "NoSuchKey");
    // ExpectedBucketOwner that is not the owner: 403.
    assert_eq!(code(r#"s3::create_bucket("vers"); s3::put_object("vers", "t.csv", "n\n1\n");
        s3::select(#{ Bucket: "vers", Key: "t.csv", Expression: "SELECT * FROM S3Object", ExpressionType: "SQL", InputSerialization: #{ CSV: #{} }, ExpectedBucketOwner: "999999999999" })"#).0, "AccessDenied");
    // An object declared by size only has no content to query.
    assert_eq!(code(r#"s3::create_bucket("vers"); s3::put_object(#{ Bucket: "vers", Key: "big.csv", ContentLength: 1000000 });
        s3::select("vers", "big.csv", "SELECT * FROM S3Object")"#).0, "InvalidRequest");
}

#[test]
fn queries_through_an_access_point() {
    // Object operations accept an access point alias or ARN as `Bucket`; the access point is
    // among the event's resources.
    let r = map(ok(r#"s3::create_bucket("lake"); s3::put_object("lake", "t.csv", "n\n1\n2\n");
        let ap = s3::create_access_point(#{ AccountId: "111122223333", Name: "team-ap", Bucket: "lake" });
        let by_alias = s3::select(ap.Alias, "t.csv", "SELECT s.n FROM S3Object s WHERE CAST(s.n AS INT) > 1");
        let by_arn = s3::select(ap.AccessPointArn, "t.csv", "SELECT COUNT(*) AS n FROM S3Object");
        #{ alias: by_alias[0].n, arn: by_arn[0].n, resources: world::trail()[-1].resources.map(|r| r.type) }"#));
    assert_eq!(s(&r["alias"]), "2");
    assert_eq!(r["arn"].as_int().unwrap(), 2);
    let types: Vec<String> = r["resources"].clone().into_array().unwrap().iter().map(s).collect();
    assert!(types.contains(&"AWS::S3::AccessPoint".to_string()), "{types:?}");
}

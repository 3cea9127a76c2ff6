//! Conversions between Rhai values, serde types and JSON, and AWS errors as thrown maps.

use std::fmt::Write as _;

use base64::Engine as _;
use rhai::{Dynamic, EvalAltResult, Map, Position};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::world::audit::JsonText;
use crate::world::{AwsError, Service};

/// Every error a binding returns.
pub type RhaiResult<T = Dynamic> = Result<T, Box<EvalAltResult>>;

/// An AWS error as the map a script's `catch (e)` receives:
/// `#{ Code, Message, Operation, Service, StatusCode, RequestId }` and the error's details
/// (`Key`, `BucketName`, ...).
pub fn error_map(e: &AwsError) -> Map {
    let mut m = Map::new();
    for (k, v) in &e.details {
        m.insert(k.as_str().into(), v.clone().into());
    }
    m.insert("Code".into(), e.code.clone().into());
    m.insert("Message".into(), e.message.clone().into());
    m.insert("Operation".into(), e.operation.clone().into());
    m.insert("Service".into(), e.service.clone().into());
    m.insert("StatusCode".into(), (e.status_code as i64).into());
    m.insert("RequestId".into(), e.request_id.clone().into());
    m
}

/// Throws an AWS error into the script at `pos`.
pub fn throw(e: AwsError, pos: Position) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(error_map(&e).into(), pos))
}

/// The fields every thrown AWS error has; any others are its details.
const ERROR_FIELDS: &[&str] = &["Code", "Message", "Operation", "Service", "StatusCode", "RequestId"];

/// The map a script threw (through any function calls it passed).
fn thrown_map(err: &EvalAltResult) -> Option<Map> {
    match err {
        EvalAltResult::ErrorRuntime(v, _) => v.read_lock::<Map>().map(|m| m.clone()),
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => thrown_map(inner),
        _ => None,
    }
}

/// The code and message of a thrown AWS error map.
fn code_and_message(m: &Map) -> Option<(String, String)> {
    let code = m.get("Code")?.clone().into_string().ok()?;
    let msg = m.get("Message").and_then(|m| m.clone().into_string().ok()).unwrap_or_default();
    Some((code, msg))
}

/// Reads an AWS error back out of a thrown value (for `lab::expect_error` and the kernel).
pub fn as_aws_error(err: &EvalAltResult) -> Option<(String, String)> {
    code_and_message(&thrown_map(err)?)
}

/// An AWS error as the kernel shows it: its code, and its message followed by its details
/// in name order ("The specified key does not exist. (Key: nope)").
pub fn shown_aws_error(err: &EvalAltResult) -> Option<(String, String)> {
    let m = thrown_map(err)?;
    let (code, msg) = code_and_message(&m)?;
    let details: Vec<String> = m.iter().filter(|(k, _)| !ERROR_FIELDS.contains(&k.as_str())).map(|(k, v)| format!("{k}: {v}")).collect();
    Some((code, if details.is_empty() { msg } else { format!("{msg} ({})", details.join(", ")) }))
}

/// A serde value as a Rhai value (maps, arrays, blobs for bytes, `()` for None).
pub fn to_dyn<T: Serialize>(v: &T) -> RhaiResult {
    rhai::serde::to_dynamic(v)
}

/// Reads request parameters into an operation's typed request, reporting problems the way
/// the service reports a malformed request.
pub fn from_params<'de, T: Deserialize<'de>>(params: &'de Dynamic, service: &Service, script_name: &str) -> Result<T, AwsError> {
    // Read without tracking the path to each value (tracking allocates a string per map key);
    // only parameters that fail are read again, with the path, for the error message.
    if let Ok(req) = rhai::serde::from_dynamic::<T>(params) {
        return Ok(req);
    }
    let de = rhai::serde::DynamicDeserializer::new(params);
    serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
        let path = e.path().to_string();
        let detail = match *e.into_inner() {
            EvalAltResult::ErrorParsing(ref pe, _) => pe.to_string(),
            EvalAltResult::ErrorMismatchDataType(ref want, ref got, _) | EvalAltResult::ErrorMismatchOutputType(ref want, ref got, _) => {
                format!("wrong type: expected {}, got {}", nice_type(want), nice_type(got))
            }
            ref other => other.to_string(),
        };
        let detail = detail
            .trim_start_matches("Improper symbol: ")
            .replace("unknown field", "unknown parameter")
            .replace("missing field", "missing required parameter")
            .replace("expected one of", "valid parameters are");
        // A wrong value's path ends with its own name; an unknown parameter names itself in
        // the message, so its path's parent says where it was; a missing one's path is that
        // place already. The top level goes unsaid.
        let place = if detail.contains("unknown parameter") { path.rsplit_once('.').map_or("", |(parent, _)| parent) } else { path.as_str() };
        let at = if place.is_empty() || place == "." { String::new() } else { format!("`{place}`: ") };
        let (code, status) = service.validation;
        AwsError::new(code, status, format!("{}::{script_name}: {at}{detail}", service.module))
    })
}

fn nice_type(t: &str) -> String {
    match t {
        "" => "a value".into(),
        t if t.contains("ImmutableString") || t.eq_ignore_ascii_case("string") || t.contains("str") => "a string".into(),
        t if t.contains("i64") || t == "i64" => "an integer".into(),
        t if t.contains("f64") => "a number".into(),
        t if t.contains("Map") || t == "map" => "a map".into(),
        t if t.contains("Array") || t == "array" => "an array".into(),
        t => format!("`{t}`"),
    }
}

/// A Rhai value as JSON. Blobs become base64 strings (the way the AWS CLI prints them);
/// non-finite floats become null.
pub fn dynamic_to_json(d: &Dynamic) -> Value {
    if d.is_unit() {
        return Value::Null;
    }
    if let Ok(b) = d.as_bool() {
        return Value::Bool(b);
    }
    if let Ok(i) = d.as_int() {
        return Value::from(i);
    }
    if let Ok(f) = d.as_float() {
        return serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null);
    }
    if let Some(s) = d.read_lock::<rhai::ImmutableString>() {
        return Value::String(s.to_string());
    }
    if let Ok(c) = d.as_char() {
        return Value::String(c.to_string());
    }
    if let Some(b) = d.read_lock::<rhai::Blob>() {
        return Value::String(base64::engine::general_purpose::STANDARD.encode(&*b));
    }
    if let Some(a) = d.read_lock::<rhai::Array>() {
        return Value::Array(a.iter().map(dynamic_to_json).collect());
    }
    if let Some(m) = d.read_lock::<Map>() {
        return Value::Object(m.iter().map(|(k, v)| (k.to_string(), dynamic_to_json(v))).collect());
    }
    if let Some(ts) = d.read_lock::<crate::world::Timestamp>() {
        return Value::String(ts.iso());
    }
    if let Some(t) = d.read_lock::<crate::render::Table>() {
        return Value::Array(t.source.iter().map(|m| Value::Object(m.iter().map(|(k, v)| (k.to_string(), dynamic_to_json(v))).collect())).collect());
    }
    if let Some(c) = d.read_lock::<crate::lab::CheckResult>() {
        return serde_json::to_value(&*c).unwrap_or_default();
    }
    Value::String(d.to_string())
}

/// JSON as a Rhai value.
pub fn json_to_dynamic(v: &Value) -> Dynamic {
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64().unwrap_or(f64::NAN).into(),
        },
        Value::String(s) => s.clone().into(),
        Value::Array(a) => Dynamic::from_array(a.iter().map(json_to_dynamic).collect()),
        Value::Object(o) => Dynamic::from_map(o.iter().map(|(k, v)| (k.as_str().into(), json_to_dynamic(v))).collect()),
    }
}

/// Parameter names whose values CloudTrail never records.
const SENSITIVE: &[&str] = &[
    "Plaintext", "Body", "SecretAccessKey", "SessionToken", "SSECustomerKey", "Password", "OldPassword", "NewPassword",
    "EncryptedKeyMaterial", "ImportToken", "AuthenticationCode1", "AuthenticationCode2", "TokenCode", "WebIdentityToken",
    "SAMLAssertion", "Message",
];

const HIDDEN: &str = "HIDDEN_DUE_TO_SECURITY_REASONS";

/// A request's parameters as CloudTrail records them: camelCase names, secrets and binary
/// values replaced by `HIDDEN_DUE_TO_SECURITY_REASONS`. Written straight to JSON text (no
/// `Value` in between): every call of every script makes one.
pub fn audit_params(params: &Map) -> JsonText {
    let mut out = Vec::with_capacity(96);
    serde_json::to_writer(&mut out, &Audited(params)).expect("a map of Rhai values writes as JSON");
    JsonText::from_text(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// A parameter map as CloudTrail records it.
struct Audited<'a>(&'a Map);

impl Serialize for Audited<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            if SENSITIVE.contains(&k.as_str()) {
                m.serialize_entry(&Camel(k), HIDDEN)?;
            } else {
                m.serialize_entry(&Camel(k), &AuditedValue(v))?;
            }
        }
        m.end()
    }
}

/// One parameter value as CloudTrail records it.
struct AuditedValue<'a>(&'a Dynamic);

impl Serialize for AuditedValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        if d.is_blob() {
            return s.serialize_str(HIDDEN);
        }
        if let Some(text) = d.read_lock::<rhai::ImmutableString>() {
            return s.serialize_str(&text);
        }
        if let Some(m) = d.read_lock::<Map>() {
            return Audited(&m).serialize(s);
        }
        if let Some(a) = d.read_lock::<rhai::Array>() {
            return s.collect_seq(a.iter().map(AuditedValue));
        }
        dynamic_to_json(d).serialize(s)
    }
}

/// A parameter name in camelCase (`KeyId` -> `keyId`), written without a copy.
struct Camel<'a>(&'a str);

impl std::fmt::Display for Camel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut cs = self.0.chars();
        match cs.next() {
            Some(c) => {
                f.write_char(c.to_ascii_lowercase())?;
                f.write_str(cs.as_str())
            }
            None => Ok(()),
        }
    }
}

impl Serialize for Camel<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::Blob;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase", deny_unknown_fields)]
    struct Req {
        key_id: String,
        plaintext: Blob,
        #[serde(default)]
        number_of_bytes: Option<u32>,
    }

    fn map(pairs: &[(&str, Dynamic)]) -> Dynamic {
        Dynamic::from_map(pairs.iter().map(|(k, v)| ((*k).into(), v.clone())).collect())
    }

    #[test]
    fn strings_and_blobs_both_fill_blob_fields() {
        let r: Req = from_params(&map(&[("KeyId", "k".into()), ("Plaintext", "hi".into())]), &crate::world::service::KMS, "encrypt").unwrap();
        assert_eq!((r.key_id.as_str(), r.plaintext.0.as_slice()), ("k", b"hi".as_slice()));
        let r: Req = from_params(
            &map(&[("KeyId", "k".into()), ("Plaintext", Dynamic::from_blob(vec![1, 2])), ("NumberOfBytes", 5_i64.into())]),
            &crate::world::service::KMS,
            "encrypt",
        )
        .unwrap();
        assert_eq!(r.plaintext.0, vec![1, 2]);
        assert_eq!(r.number_of_bytes, Some(5));
    }

    #[test]
    fn unknown_missing_and_mistyped_parameters_are_validation_errors() {
        let kms = &crate::world::service::KMS;
        let e = from_params::<Req>(&map(&[("KeyId", "k".into()), ("Plaintext", "x".into()), ("Bogus", 1_i64.into())]), kms, "encrypt").unwrap_err();
        assert_eq!(e.code, "ValidationException");
        assert!(e.message.contains("unknown parameter `Bogus`"), "{}", e.message);
        let e = from_params::<Req>(&map(&[("Plaintext", "x".into())]), kms, "encrypt").unwrap_err();
        assert!(e.message.contains("missing required parameter `KeyId`"), "{}", e.message);
        let e = from_params::<Req>(&map(&[("KeyId", 5_i64.into()), ("Plaintext", "x".into())]), kms, "encrypt").unwrap_err();
        assert!(e.message.contains("`KeyId`: wrong type: expected a string, got an integer"), "{}", e.message);
        let e = from_params::<Req>(&map(&[("KeyId", "k".into()), ("Plaintext", "x".into()), ("NumberOfBytes", (-1_i64).into())]), kms, "encrypt");
        assert!(e.is_err());
    }

    #[test]
    fn shown_errors_carry_their_details() {
        let e = crate::s3::error::no_such_key("photos/cat.jpg");
        let thrown = throw(e, Position::NONE);
        assert_eq!(as_aws_error(&thrown).unwrap().1, "The specified key does not exist.");
        assert_eq!(shown_aws_error(&thrown).unwrap(), ("NoSuchKey".into(), "The specified key does not exist. (Key: photos/cat.jpg)".into()));
        let plain = throw(AwsError::new("NotFoundException", 400, "Key 'x' does not exist"), Position::NONE);
        assert_eq!(shown_aws_error(&plain).unwrap().1, "Key 'x' does not exist");
    }

    #[test]
    fn audit_hides_secrets_and_camel_cases() {
        let p: Map = [("KeyId".into(), Dynamic::from("alias/x")), ("Plaintext".into(), Dynamic::from("secret"))].into_iter().collect();
        let v = audit_params(&p).value();
        assert_eq!(v["keyId"], "alias/x");
        assert_eq!(v["plaintext"], "HIDDEN_DUE_TO_SECURITY_REASONS");
    }

    #[test]
    fn audit_text_keeps_the_map_order_and_hides_nested_secrets() {
        let inner = map(&[("Name", "a\"b".into()), ("Password", "pw".into()), ("Data", Dynamic::from_blob(vec![1]))]);
        let list = Dynamic::from_array(vec![inner.clone(), 3_i64.into(), true.into(), 1.5_f64.into(), Dynamic::UNIT]);
        let p = map(&[("Bucket", "b".into()), ("Items", list), ("Config", inner), ("", "empty".into())]).cast::<Map>();
        assert_eq!(
            audit_params(&p).as_str(),
            r#"{"":"empty","bucket":"b","config":{"data":"HIDDEN_DUE_TO_SECURITY_REASONS","name":"a\"b","password":"HIDDEN_DUE_TO_SECURITY_REASONS"},"items":[{"data":"HIDDEN_DUE_TO_SECURITY_REASONS","name":"a\"b","password":"HIDDEN_DUE_TO_SECURITY_REASONS"},3,true,1.5,null]}"#
        );
    }
}

//! The world's own script API: `clock::`, `world::`, `as_principal`, `whoami`.

use rhai::{Dynamic, Engine, FnPtr, Map, NativeCallContext};

use super::{DocMode, Shared};
use super::api::Api;
use super::convert::{RhaiResult, dynamic_to_json, json_to_dynamic, throw, to_dyn};
use crate::world::service::CLOUDBOOK;
use crate::world::{AwsError, Caller, CommonError, Duration, ErrorCode, Timestamp, places};

fn validation(msg: impl Into<String>) -> AwsError {
    CommonError::ValidationException.err(msg)
}

fn duration_of(d: &Dynamic) -> Result<Duration, AwsError> {
    if let Ok(i) = d.as_int() {
        // Through the parser, which checks the range (`Duration::secs` would overflow on
        // `clock::advance(9223372036854775807)`: found by tests/integration/api_sweep.rs).
        return Duration::parse(&i.to_string()).map_err(validation);
    }
    if let Ok(f) = d.as_float() {
        return Duration::parse(&f.to_string()).map_err(validation);
    }
    match d.read_lock::<rhai::ImmutableString>() {
        Some(s) => Duration::parse(&s).map_err(validation),
        None => Err(validation(format!("expected a duration such as `90s` or a number of seconds, got a {}", d.type_name()))),
    }
}

/// The caller described by `as_principal`'s first argument.
fn caller_of(w: &crate::world::World, who: &Dynamic) -> Result<Caller, AwsError> {
    let base = w.caller();
    if let Some(name) = who.read_lock::<rhai::ImmutableString>() {
        let p = crate::iam::resolve_principal(w, &crate::iam::PrincipalSpec::Name(name.to_string()))?;
        return Ok(Caller { principal: p, via_service: None, access_key_id: None, ..base });
    }
    let Some(m) = who.read_lock::<Map>() else {
        return Err(validation(format!(
            "as_principal takes a user name, an ARN, credentials or a map with `Principal`, not a {}",
            who.type_name()
        )));
    };
    let get = |k: &str| m.get(k).and_then(|v| v.clone().into_string().ok());
    let creds = m.get("Credentials").and_then(|c| c.read_lock::<Map>().map(|c| c.clone())).unwrap_or_else(|| m.clone());
    // The access key that signs the calls (CloudTrail's accessKeyId, IAM's "last used" data).
    let (principal, signed_with) = if let Some(key) = creds.get("AccessKeyId").and_then(|v| v.clone().into_string().ok()) {
        let secret = creds.get("SecretAccessKey").and_then(|v| v.clone().into_string().ok());
        let token = creds.get("SessionToken").and_then(|v| v.clone().into_string().ok());
        let spec = crate::iam::PrincipalSpec::Credentials { access_key_id: key.clone(), secret_access_key: secret, session_token: token };
        (crate::iam::resolve_principal(w, &spec)?, Some(key))
    } else if let Some(p) = m.get("Principal") {
        let inner = caller_of(w, p)?;
        (inner.principal, inner.access_key_id)
    } else {
        (base.principal.clone(), base.access_key_id.clone())
    };
    let mut c = Caller { principal, via_service: None, access_key_id: signed_with, ..base };
    for (k, v) in m.iter() {
        match k.as_str() {
            "Principal" | "Credentials" | "AccessKeyId" | "SecretAccessKey" | "SessionToken" | "Expiration" | "AssumedRoleUser"
            | "PackedPolicySize" | "SourceIdentity" | "UserName" | "Status" | "CreateDate" => {}
            // The rest of AssumeRoleWithWebIdentity / AssumeRoleWithSAML responses.
            "SubjectFromWebIdentityToken" | "Provider" | "Audience" | "Subject" | "SubjectType" | "Issuer" | "NameQualifier" => {}
            "SourceIp" => c.source_ip = if v.is_unit() { None } else { get("SourceIp").map(Into::into) },
            "SecureTransport" => c.secure_transport = v.as_bool().map_err(|_| validation("`SecureTransport` must be true or false"))?,
            "Region" => {
                let r = get("Region").unwrap_or_default();
                let Some(r) = places::known_region(&r) else {
                    return Err(validation(format!("`{r}` is not a region this simulator knows")));
                };
                c.region = r.into();
            }
            "SourceVpc" => c.source_vpc = get("SourceVpc"),
            "SourceVpce" => c.source_vpce = get("SourceVpce"),
            other => return Err(validation(format!("as_principal: unknown option `{other}` (known: Principal, Credentials, SourceIp, SecureTransport, Region, SourceVpc, SourceVpce)"))),
        }
    }
    Ok(c)
}

pub fn register(engine: &mut Engine, shared: &Shared, docs: DocMode) {
    // ---- clock ----
    let mut clock = Api::new(shared, &CLOUDBOOK, docs);
    let h = clock.handle();
    clock.func("now", "The simulated time, ISO-8601 UTC.\n```rhai\nclock::now()   // \"2026-01-01T00:00:00Z\"\n```", &["String"], move || h.shared.lock().now().iso());
    let h = clock.handle();
    clock.func(
        "advance",
        "Moves the simulated clock forward and runs everything that falls due on the way (key rotations and deletions, lifecycle rules, credential expiry), in time order. Takes `\"90s\"`, `\"15m\"`, `\"2h\"`, `\"30d\"`, `\"1h30m\"` or a number of seconds. Returns the new time.\n```rhai\nclock::advance(\"30d\")\n```",
        &["by: Duration", "String"],
        move |ctx: NativeCallContext, by: Dynamic| -> RhaiResult<String> {
            h.with(&ctx, |w| {
                let d = duration_of(&by)?;
                if d.as_millis() < 0 {
                    return Err(validation("clock::advance takes a positive duration; use clock::set to go back"));
                }
                let t = w.now().plus(d);
                w.advance_to(t);
                Ok(t.iso())
            })
        },
    );
    let h = clock.handle();
    clock.func(
        "set",
        "Sets the simulated clock to an ISO-8601 time. Moving forward runs what falls due; moving back runs nothing (useful to reproduce a documented example at its date).\n```rhai\nclock::set(\"2013-05-24T00:00:00Z\")\n```",
        &["iso: &str", "String"],
        move |ctx: NativeCallContext, iso: &str| -> RhaiResult<String> {
            h.with(&ctx, |w| {
                let t = Timestamp::parse(iso).map_err(validation)?;
                w.advance_to(t);
                Ok(t.iso())
            })
        },
    );
    let h = clock.handle();
    clock.func("start", "When this world's clock started.", &["String"], move || h.shared.lock().clock.start.iso());
    let h = clock.handle();
    clock.func(
        "elapsed",
        "Simulated seconds since the world's clock started.",
        &["i64"],
        move || {
            let w = h.shared.lock();
            w.now().since(w.clock.start).whole_secs()
        },
    );
    clock.install_as(engine, "clock");

    // ---- world ----
    let mut world = Api::new(shared, &CLOUDBOOK, docs);
    let h = world.handle();
    world.func(
        "seed",
        "Re-seeds the world's random stream: ids, key material and nonces that follow are reproducible for that seed. Resources already created stay.\n```rhai\nworld::seed(42);\n```",
        &["n: i64", "()"],
        move |n: i64| {
            h.shared.lock().rng = crate::world::SimRng::new(n as u64);
        },
    );
    let h = world.handle();
    world.func("seed", "The current seed.", &["i64"], move || h.shared.lock().seed() as i64);
    let h = world.handle();
    world.func(
        "reset",
        "Replaces the world with a fresh one (default account, clock at 2026-01-01T00:00:00Z) keeping the current seed. Recorded lab checks are kept (`lab::reset()` clears them).",
        &["()"],
        move || {
            let mut w = h.shared.lock();
            let s = w.seed();
            w.reset(s);
        },
    );
    let h = world.handle();
    world.func(
        "reset",
        "Replaces the world with a fresh one seeded with `seed`.",
        &["seed: i64", "()"],
        move |seed: i64| h.shared.lock().reset(seed as u64),
    );
    let h = world.handle();
    world.func(
        "trail",
        "The audit trail: one CloudTrail-shaped event per API call, allowed or denied, oldest first. It keeps the latest 100,000 events (older ones are let go, as CloudTrail's event history keeps 90 days); IAM's last-used data, Access Advisor and S3 access logs do not depend on them.\n```rhai\nworld::trail().filter(|e| e.eventSource == \"kms.amazonaws.com\")\n```",
        &["Array"],
        move |ctx: NativeCallContext| -> RhaiResult {
            let w = h.shared.lock();
            to_dyn(&w.trail.iter().collect::<Vec<_>>()).map_err(|e| throw(validation(e.to_string()), ctx.call_position()))
        },
    );
    let h = world.handle();
    world.func(
        "trail",
        "The audit events whose fields equal every entry of `filter`, e.g. `#{ eventName: \"Decrypt\", errorCode: \"AccessDeniedException\" }`.",
        &["filter: Map", "Array"],
        move |ctx: NativeCallContext, filter: Map| -> RhaiResult {
            let w = h.shared.lock();
            let want: Vec<(String, serde_json::Value)> = filter.iter().map(|(k, v)| (k.to_string(), dynamic_to_json(v))).collect();
            let events: Vec<&crate::world::AuditEvent> = w
                .trail
                .iter()
                .filter(|e| {
                    let j = serde_json::to_value(e).unwrap_or_default();
                    want.iter().all(|(k, v)| j.get(k) == Some(v))
                })
                .collect();
            to_dyn(&events).map_err(|e| throw(validation(e.to_string()), ctx.call_position()))
        },
    );
    let h = world.handle();
    world.func(
        "save",
        "The whole world (every account's resources, the clock, the random stream, the trail) as JSON text; `world::load` restores it exactly.",
        &["String"],
        move || serde_json::to_string(&h.shared.lock().save()).unwrap_or_default(),
    );
    let h = world.handle();
    world.func(
        "load",
        "Restores a world saved with `world::save()`.",
        &["json: &str", "()"],
        move |ctx: NativeCallContext, json: &str| -> RhaiResult<()> {
            let v: serde_json::Value =
                serde_json::from_str(json).map_err(|e| throw(validation(format!("not JSON: {e}")), ctx.call_position()))?;
            h.with(&ctx, |w| w.load(v).map_err(validation))
        },
    );
    let h = world.handle();
    world.func(
        "region",
        "The region calls go to by default.",
        &["String"],
        move || h.shared.lock().region.clone(),
    );
    let h = world.handle();
    world.func(
        "set_region",
        "Sets the region calls go to by default (`us-east-1` at start).",
        &["region: &str", "()"],
        move |ctx: NativeCallContext, region: &str| -> RhaiResult<()> {
            h.with(&ctx, |w| {
                if !places::is_region(region) {
                    return Err(validation(format!("`{region}` is not a region this simulator knows")));
                }
                w.region = region.to_string();
                Ok(())
            })
        },
    );
    let h = world.handle();
    world.func(
        "regions",
        "The regions the simulator knows, with their Availability Zones.",
        &["Array"],
        move || -> Dynamic {
            let _ = &h;
            places::REGIONS
                .iter()
                .map(|(r, _)| {
                    let mut m = Map::new();
                    m.insert("RegionName".into(), (*r).into());
                    m.insert(
                        "AvailabilityZones".into(),
                        places::availability_zones(r).into_iter().map(Dynamic::from).collect::<rhai::Array>().into(),
                    );
                    Dynamic::from_map(m)
                })
                .collect::<rhai::Array>()
                .into()
        },
    );
    world.install_as(engine, "world");

    // ---- global: as_principal, whoami ----
    let s = shared.clone();
    let doc = "Runs `f` as another principal: a user name (`\"alice\"`), an ARN, credentials from `iam::assume_role` / `iam::create_access_key`, `\"anonymous\"`, or a map `#{ Principal, SourceIp, SecureTransport, Region, SourceVpc, SourceVpce }`. Returns what `f` returns.\n```rhai\nas_principal(\"alice\", || kms::encrypt(\"alias/demo\", \"hi\"))\n```";
    docs.describe(rhai::FuncRegistration::new("as_principal"), doc, &["who: Dynamic", "f: FnPtr", "Dynamic"])
        .with_volatility(true)
        .register_into_engine(engine, move |ctx: NativeCallContext, who: Dynamic, f: FnPtr| -> RhaiResult {
            let caller = {
                let w = s.lock();
                caller_of(&w, &who).map_err(|e| throw(e, ctx.call_position()))?
            };
            let depth = {
                let mut w = s.lock();
                w.callers.push(caller);
                w.callers.len()
            };
            let r = f.call_within_context::<Dynamic>(&ctx, ());
            let mut w = s.lock();
            if w.callers.len() >= depth {
                w.callers.truncate(depth - 1);
            }
            r
        });
    let s = shared.clone();
    docs.describe(rhai::FuncRegistration::new("whoami"), "Who calls run as now, shaped like STS GetCallerIdentity: `#{ Account, Arn, UserId, Type }`.", &["Map"])
        .with_volatility(true)
        .register_into_engine(engine, move || -> Dynamic {
            let w = s.lock();
            let p = w.caller().principal;
            let mut m = Map::new();
            m.insert("Account".into(), p.account().unwrap_or_default().to_string().into());
            m.insert("Arn".into(), p.display_name().into());
            m.insert("UserId".into(), p.user_id().into());
            m.insert("Type".into(), p.identity_type().into());
            Dynamic::from_map(m)
        });
    let _ = json_to_dynamic;
}

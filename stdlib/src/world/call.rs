//! One API call in progress.
//!
//! Every operation of every service runs inside [`World::call`]: it takes the current caller,
//! checks that the caller's credentials are still valid on the clock, runs the operation
//! (which authorizes first through [`Call::authorize`], then validates, then mutates), and
//! appends exactly one CloudTrail-shaped event, allowed or denied, to the audit trail.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::audit::{AuditEvent, EventResource, JsonText, Uuid, UserIdentity};
use super::authz::{self, Authz};
use super::clock::Timestamp;
use super::error::AwsError;
use super::principal::Principal;
use super::rng::SimRng;
use super::service::Service;
use super::World;
use crate::policy::{Decision, EvalDecision};

/// Who is calling and from where: the principal plus the request's network facts, which
/// feed global condition keys (`aws:SourceIp`, `aws:SecureTransport`, `aws:SourceVpc`, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Caller {
    pub principal: Principal,
    /// `aws:SourceIp`. Absent when the request comes through a VPC endpoint.
    pub source_ip: Option<Cow<'static, str>>,
    /// `aws:SecureTransport` (HTTPS).
    pub secure_transport: bool,
    /// The region the request is sent to (`aws:RequestedRegion`).
    pub region: Cow<'static, str>,
    /// `aws:SourceVpc` / `aws:SourceVpce` for requests through a VPC endpoint.
    pub source_vpc: Option<String>,
    pub source_vpce: Option<String>,
    /// The service making this call on the principal's behalf (`s3.amazonaws.com` when S3
    /// calls KMS for SSE-KMS): CloudTrail's `invokedBy`, `kms:ViaService`, `aws:CalledVia`.
    pub via_service: Option<String>,
    /// The access key that signed the request (`AKIA...` or `ASIA...`), when the caller used
    /// credentials: CloudTrail's `userIdentity.accessKeyId`, from which IAM derives "last used"
    /// data (credential report, GetAccessKeyLastUsed). `None` when a script names a principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
}

/// The documentation address (RFC 5737) callers use unless they say otherwise.
pub const DEFAULT_SOURCE_IP: &str = "203.0.113.10";

impl Caller {
    pub fn new(principal: Principal, region: &str) -> Self {
        Caller {
            principal,
            source_ip: Some(DEFAULT_SOURCE_IP.into()),
            secure_transport: true,
            region: super::places::region_name(region),
            source_vpc: None,
            source_vpce: None,
            via_service: None,
            access_key_id: None,
        }
    }
}

/// One API call in progress; operations receive `&mut Call`.
pub struct Call<'w> {
    pub w: &'w mut World,
    pub service: &'static Service,
    /// AWS's operation name (`Encrypt`, `PutObject`), CloudTrail's `eventName`.
    pub operation: &'static str,
    pub caller: Caller,
    pub request_id: Uuid,
    resources: Vec<EventResource>,
    /// CloudTrail `readOnly`; defaults from the operation name (Get/List/Describe/Head/...).
    pub read_only: bool,
    /// S3 object-level calls are CloudTrail data events.
    pub data_event: bool,
    /// CloudTrail `responseElements` (secrets omitted), set by the operation if useful.
    pub response_elements: Value,
    /// CloudTrail `userIdentity` when it is not the caller's own: unsigned federation calls
    /// (AssumeRoleWithWebIdentity, AssumeRoleWithSAML) record the external identity
    /// (`WebIdentityUser`, `SAMLUser`) here.
    pub user_identity: Option<UserIdentity>,
    /// S3: the access point ARN a data request was addressed to (the SDKs accept an access
    /// point ARN or alias where a bucket name goes). Set once by `s3::access_points::through`;
    /// S3's authorization then evaluates the access point as well as the bucket.
    pub access_point: Option<String>,
}

fn default_read_only(op: &str) -> bool {
    const READ: &[&str] = &[
        "Get", "List", "Describe", "Head", "Decrypt", "Encrypt", "ReEncrypt", "GenerateDataKey", "GenerateRandom",
        "Sign", "Verify", "Simulate", "Test", "Select", "Lookup",
    ];
    READ.iter().any(|p| op.starts_with(p))
}

/// CloudTrail's `userIdentity` for a call by `caller`: the signing access key, and the
/// service that made the call on the principal's behalf (`invokedBy`).
fn recorded_identity(mut u: UserIdentity, caller: &Caller) -> UserIdentity {
    if u.access_key_id.is_none() {
        u.access_key_id = caller.access_key_id.clone();
    }
    if let Some(via) = &caller.via_service {
        u.invoked_by = Some(via.clone());
    }
    u
}

impl World {
    /// Runs `f` as one audited API call by the current caller.
    pub fn call<R>(
        &mut self,
        service: &'static Service,
        operation: &'static str,
        request_parameters: impl Into<JsonText>,
        f: impl FnOnce(&mut Call<'_>) -> Result<R, AwsError>,
    ) -> Result<R, AwsError> {
        let caller = self.caller();
        self.call_as(caller, service, operation, request_parameters, f)
    }

    /// Runs `f` as one audited API call by `caller`.
    pub fn call_as<R>(
        &mut self,
        caller: Caller,
        service: &'static Service,
        operation: &'static str,
        request_parameters: impl Into<JsonText>,
        f: impl FnOnce(&mut Call<'_>) -> Result<R, AwsError>,
    ) -> Result<R, AwsError> {
        let request_id = self.rng.uuid_v4();
        let event_id = self.rng.uuid_v4();
        let event_time = self.clock.now;
        let mut call = Call {
            w: self,
            service,
            operation,
            caller,
            request_id,
            resources: Vec::new(),
            read_only: default_read_only(operation),
            data_event: false,
            response_elements: Value::Null,
            user_identity: None,
            access_point: None,
        };
        let result = match call.check_credentials() {
            Ok(()) => f(&mut call),
            Err(e) => Err(e),
        };
        let Call { caller, request_id, resources, read_only, data_event, response_elements, user_identity, .. } = call;
        let (error_code, error_message) = match &result {
            Ok(_) => (None, None),
            Err(e) => (Some(e.code.clone()), Some(e.message.clone())),
        };
        let result = result.map_err(|mut e| {
            e.service = service.module.to_string();
            e.operation = operation.to_string();
            e.request_id = request_id.to_string();
            e
        });
        let user_identity = match user_identity {
            Some(u) => Arc::new(recorded_identity(u, &caller)),
            None => self.memo.identity.get(|c| *c == caller, || (caller.clone(), Arc::new(recorded_identity(UserIdentity::of(&caller.principal), &caller)))),
        };
        let account = caller.principal.account().or_else(|| resources.iter().find_map(|r| r.account_id()));
        let recipient = super::static_name(account.unwrap_or(super::DEFAULT_ACCOUNT), [super::DEFAULT_ACCOUNT]);
        let direct = caller.via_service.is_none();
        self.record(AuditEvent {
            event_version: "1.09".into(),
            event_time,
            event_source: service.event_source.into(),
            event_name: operation.into(),
            aws_region: if service.global { "us-east-1".into() } else { caller.region.clone() },
            source_ip_address: match (&caller.via_service, &caller.source_ip) {
                (Some(via), _) => via.clone().into(),
                (None, Some(ip)) => ip.clone(),
                (None, None) => "AWS Internal".into(),
            },
            user_identity,
            request_parameters: request_parameters.into(),
            response_elements: response_elements.into(),
            error_code,
            error_message,
            request_id,
            event_id,
            read_only,
            resources,
            event_type: "AwsApiCall".into(),
            event_category: if data_event { "Data".into() } else { "Management".into() },
            recipient_account_id: recipient,
        }, direct);
        result
    }
}

/// How many events a call may record inside another (nested calls, such as S3 calling KMS
/// for SSE-KMS) before its own: S3 delivers access logs early while at least this many
/// pushes remain before an undelivered event would be let go.
const NESTED_EVENTS: u64 = 64;

impl World {
    /// Records an audit event: IAM folds it into what it keeps of every call (last-used data,
    /// Access Advisor), then it joins the trail. Before the event of a `direct` call (one
    /// not made inside another operation), S3 delivers the access logs of the events the
    /// trail is about to let go: early, not lost. Never in the middle of another operation,
    /// which may yet fail and must then have changed nothing.
    pub fn record(&mut self, e: AuditEvent, direct: bool) {
        if direct && !self.s3.delivering {
            let headroom = NESTED_EVENTS.min(self.trail.capacity() as u64 / 4);
            if self.s3.log_cursor.is_some_and(|c| c < self.trail.first_seq_after(headroom + 1)) {
                crate::s3::logging::run_due(self, self.clock.now);
            }
        }
        self.iam.usage.observe(&e, self.trail.total());
        self.trail.push(e);
    }
}

impl<'w> Call<'w> {
    pub fn now(&self) -> Timestamp {
        self.w.clock.now
    }

    pub fn rng(&mut self) -> &mut SimRng {
        &mut self.w.rng
    }

    /// The region this call goes to.
    pub fn region(&self) -> String {
        self.caller.region.to_string()
    }

    /// The caller's account, which owns what the call creates. Anonymous and service callers
    /// act in the default account.
    pub fn account(&self) -> String {
        self.caller.principal.account().unwrap_or(super::DEFAULT_ACCOUNT).to_string()
    }

    pub fn principal(&self) -> &Principal {
        &self.caller.principal
    }

    /// Records a resource in this call's audit event.
    pub fn resource(&mut self, arn: impl Into<String> + AsRef<str>, kind: impl Into<Cow<'static, str>>) {
        if !self.resources.iter().any(|r| r.arn == arn.as_ref()) {
            // Most calls touch one resource; the event keeps this vector for ever.
            self.resources.reserve_exact(1);
            self.resources.push(EventResource { arn: arn.into(), kind: Some(kind.into()) });
        }
    }

    /// The one authorizer: decides `req` for this call's caller with every policy in the world
    /// (identity, resource, boundary, session, SCPs, grants) and fails with the service's
    /// AccessDenied error, in AWS's message format, unless allowed.
    pub fn authorize(&mut self, req: Authz<'_>) -> Result<Decision, AwsError> {
        let (action, resource) = (req.action, req.resource);
        let g = crate::iam::gather(self.w, &self.caller.principal);
        let d = authz::decide_owned(self.w, &self.caller, req, &g);
        if d.decision == EvalDecision::Allowed {
            Ok(d)
        } else {
            let (code, status) = self.service.access_denied;
            Err(AwsError::new(code, status, authz::access_denied_message(&self.caller.principal, action, resource, &d)))
        }
    }

    /// Decides without failing (for operations that branch on permission).
    pub fn decide(&self, req: &Authz<'_>) -> Decision {
        authz::decide(self.w, &self.caller, req)
    }

    /// Makes a call to another service on the caller's behalf (S3 calling KMS for SSE-KMS):
    /// audited as its own event with `invokedBy` set to this call's service.
    pub fn nested<R>(
        &mut self,
        service: &'static Service,
        operation: &'static str,
        request_parameters: impl Into<JsonText>,
        f: impl FnOnce(&mut Call<'_>) -> Result<R, AwsError>,
    ) -> Result<R, AwsError> {
        let region = self.caller.region.clone();
        self.nested_in(&region, service, operation, request_parameters, f)
    }

    /// [`Call::nested`] in another region (EC2 calling KMS in the volume's region: keys are
    /// regional).
    pub fn nested_in<R>(
        &mut self,
        region: &str,
        service: &'static Service,
        operation: &'static str,
        request_parameters: impl Into<JsonText>,
        f: impl FnOnce(&mut Call<'_>) -> Result<R, AwsError>,
    ) -> Result<R, AwsError> {
        let mut caller = self.caller.clone();
        caller.via_service = Some(self.service.event_source.to_string());
        caller.region = super::places::region_name(region);
        self.w.call_as(caller, service, operation, request_parameters, f)
    }

    /// Temporary credentials stop working when the clock passes their expiration.
    fn check_credentials(&self) -> Result<(), AwsError> {
        if let Some(expiration) = self.caller.principal.expiration()
            && self.w.clock.now >= expiration
        {
            let (code, status) = self.service.expired_token;
            return Err(AwsError::new(code, status, "The security token included in the request is expired"));
        }
        Ok(())
    }
}

//! The AWS services the world models, as the call wrapper and the audit trail name them.

/// One AWS service's identity: its script module, CloudTrail event source, IAM action
/// prefix, and the codes it uses for access denials and parameter validation.
#[derive(Debug)]
pub struct Service {
    /// Script module (`kms`) — also the `Service` field of thrown errors.
    pub module: &'static str,
    /// IAM action prefix (`kms`, `s3`, `ec2`, `sts`).
    pub prefix: &'static str,
    /// CloudTrail `eventSource`.
    pub event_source: &'static str,
    /// Error code for an authorization failure, with its HTTP status.
    pub access_denied: (&'static str, u16),
    /// Error code for a malformed request (unknown/missing/mistyped parameter).
    pub validation: (&'static str, u16),
    /// Error code when the caller's temporary credentials have expired.
    pub expired_token: (&'static str, u16),
    /// True when the service is global (IAM, Route 53): events are recorded in us-east-1.
    pub global: bool,
}

pub const IAM: Service = Service {
    module: "iam",
    prefix: "iam",
    event_source: "iam.amazonaws.com",
    access_denied: ("AccessDenied", 403),
    validation: ("ValidationError", 400),
    expired_token: ("ExpiredToken", 403),
    global: true,
};
pub const STS: Service = Service {
    module: "iam",
    prefix: "sts",
    event_source: "sts.amazonaws.com",
    access_denied: ("AccessDenied", 403),
    validation: ("ValidationError", 400),
    expired_token: ("ExpiredToken", 403),
    global: false,
};
pub const ORGANIZATIONS: Service = Service {
    module: "organizations",
    prefix: "organizations",
    event_source: "organizations.amazonaws.com",
    access_denied: ("AccessDeniedException", 400),
    validation: ("InvalidInputException", 400),
    expired_token: ("ExpiredTokenException", 400),
    global: true,
};
pub const KMS: Service = Service {
    module: "kms",
    prefix: "kms",
    event_source: "kms.amazonaws.com",
    access_denied: ("AccessDeniedException", 400),
    validation: ("ValidationException", 400),
    expired_token: ("ExpiredTokenException", 400),
    global: false,
};
pub const S3: Service = Service {
    module: "s3",
    prefix: "s3",
    event_source: "s3.amazonaws.com",
    access_denied: ("AccessDenied", 403),
    validation: ("InvalidArgument", 400),
    expired_token: ("ExpiredToken", 400),
    global: false,
};
pub const ROUTE53: Service = Service {
    module: "route53",
    prefix: "route53",
    event_source: "route53.amazonaws.com",
    access_denied: ("AccessDenied", 403),
    validation: ("InvalidInput", 400),
    expired_token: ("ExpiredToken", 403),
    global: true,
};
/// Route 53 Domains (its own API, `route53domains`, audited in us-east-1).
pub const ROUTE53_DOMAINS: Service = Service {
    module: "route53",
    prefix: "route53domains",
    event_source: "route53domains.amazonaws.com",
    access_denied: ("AccessDeniedException", 400),
    validation: ("InvalidInput", 400),
    expired_token: ("ExpiredTokenException", 400),
    global: true,
};

/// EBS and VPC operations are EC2 API operations.
pub const EC2_EBS: Service = Service {
    module: "ebs",
    prefix: "ec2",
    event_source: "ec2.amazonaws.com",
    access_denied: ("UnauthorizedOperation", 403),
    validation: ("InvalidParameterValue", 400),
    expired_token: ("RequestExpired", 400),
    global: false,
};
pub const EC2_VPC: Service = Service {
    module: "vpc",
    prefix: "ec2",
    event_source: "ec2.amazonaws.com",
    access_denied: ("UnauthorizedOperation", 403),
    validation: ("InvalidParameterValue", 400),
    expired_token: ("RequestExpired", 400),
    global: false,
};
/// The world's own script functions (`clock::`, `world::`): audited with this source.
pub const CLOUDBOOK: Service = Service {
    module: "world",
    prefix: "cloudbook",
    event_source: "cloudbook.local",
    access_denied: ("AccessDenied", 403),
    validation: ("ValidationException", 400),
    expired_token: ("ExpiredToken", 403),
    global: true,
};

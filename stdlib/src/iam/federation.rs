//! Identity federation: IAM's OIDC and SAML identity providers, STS AssumeRoleWithWebIdentity
//! and AssumeRoleWithSAML, and the simulated external IdPs that issue what they exchange.
//!
//! Modelled as AWS documents it:
//! - an OIDC provider is registered by its issuer URL (`https://host/path`, no port or query);
//!   its ARN is `arn:aws:iam::ACCOUNT:oidc-provider/host/path`; it lists client ids
//!   (audiences, at most 100) and up to five certificate thumbprints (fetched from the IdP
//!   when none are given);
//! - a SAML provider is registered by name with the IdP's metadata document (at least 1,000
//!   characters; issuer and signing key are read from it); its ARN is
//!   `arn:aws:iam::ACCOUNT:saml-provider/NAME`;
//! - AssumeRoleWithWebIdentity needs no AWS credentials: it verifies the ID token (RS256
//!   signature with the IdP's published key, `iss` = a registered provider of the role's
//!   account, the provider's thumbprint, `exp` and `nbf` on the simulated clock, `aud` among
//!   the provider's client ids), then the role's trust policy decides for a federated caller
//!   (`Principal: {"Federated": provider-ARN}`, action `sts:AssumeRoleWithWebIdentity`) with
//!   the keys `<host/path>:aud` and `<host/path>:sub`;
//! - AssumeRoleWithSAML verifies the response with the key from the provider's metadata
//!   (enveloped signature on the Assertion, Issuer = the metadata's entity id, audience
//!   `https://signin.aws.amazon.com/saml`, NotOnOrAfter on the clock), requires the
//!   `Role` attribute to name this role and provider and a `RoleSessionName`, and the trust
//!   policy decides with `saml:aud` (the Recipient), `saml:sub`, `saml:sub_type`, `saml:iss`,
//!   `saml:doc`, `saml:namequalifier` and mapped attributes (`saml:edupersonaffiliation`,
//!   `saml:mail`, ...);
//! - both return role-session credentials whose session records the provider
//!   (`aws:FederatedProvider`); CloudTrail records the caller as `WebIdentityUser` /
//!   `SAMLUser` with the identity provider.
//!
//! Error texts are AWS's where AWS publishes them ("No OpenIDConnect provider found in your
//! account for ...", "Incorrect token audience", "Token expired: current date/time ... must be
//! before the expiration date/time ...", "OpenIDConnect provider's HTTPS certificate doesn't
//! match configured thumbprint", "Not authorized to perform sts:AssumeRoleWithWebIdentity",
//! the SAML troubleshooting page's "Response signature invalid", "RoleSessionName is required
//! in AuthnResponse", ...).
//!
//! Simplified: OAuth 2.0 access tokens (`ProviderId`), built-in providers (Google, Cognito,
//! Facebook without an IAM provider), session tags from IdP claims, SAML assertion encryption
//! and IAM Identity Center are not modelled. An expired SAML response reuses the web identity
//! "Token expired" wording (AWS does not publish its own). IDPRejectedClaim is what a token
//! presented before its `nbf` time, or a SAML response whose status is not Success, gets.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha1::Digest as _;

use super::error::{IamError, IdentityError};
use super::idp::{self, IdpKind, SignatureCheck, SimIdp};
use super::model::{OidcProvider, Role, SamlProvider};
use super::ops::{Doc, Empty, Tag, account_iam, tags_list as tag_list, tags_map as tags_of, validation};
use super::sts::{AssumedRoleUser, Credentials, PolicyArnType, SessionGrant, check_session_name, issue_session};
use crate::policy::{self, Context, ContextValue, EvalDecision, PrincipalInfo, PrincipalKind, Source, SourceType, Sources, ValueType};
use crate::world::audit::UserIdentity;
use crate::world::authz::{self, Authz};
use crate::world::{Arn, AwsError, Call, Caller, Duration, ErrorCode, Principal, Timestamp, World};

/// At most 100 OIDC and 100 SAML providers per account; 100 client ids and 5 thumbprints
/// per OIDC provider (IAM quotas).
pub const MAX_PROVIDERS: usize = 100;
pub const MAX_CLIENT_IDS: usize = 100;
pub const MAX_THUMBPRINTS: usize = 5;


// ---------------------------------------------------------------------------------------------
// The simulated external IdPs

/// The simulated IdP with this issuer, created (with a fresh key from the world's random
/// stream) on first use.
pub fn external_idp<'w>(w: &'w mut World, issuer: &str, kind: IdpKind) -> &'w SimIdp {
    if !w.iam.external_idps.contains_key(issuer) {
        let seed = w.rng.array::<32>();
        let idp = SimIdp::new(issuer, kind, seed, w.clock.now);
        w.iam.external_idps.insert(issuer.to_string(), idp);
    }
    &w.iam.external_idps[issuer]
}

/// `https://host/path` -> `host/path` (how IAM names OIDC providers and their condition keys).
pub fn host_path(url: &str) -> &str {
    url.strip_prefix("https://").unwrap_or(url).trim_end_matches('/')
}

fn check_url(url: &str) -> Result<(), AwsError> {
    let rest = url.strip_prefix("https://");
    let ok = url.len() <= 255
        && rest.is_some_and(|r| {
            let host = r.split('/').next().unwrap_or_default();
            !host.is_empty() && !host.contains(':') && !r.contains(['?', '#', ' '])
        });
    if ok {
        Ok(())
    } else {
        Err(IamError::InvalidInput.err(format!("Invalid OpenID Connect provider URL `{url}`: it must begin with https:// and have no port, query or fragment")))
    }
}

/// `iam::oidc_token(#{ ... })`: what the simulated OIDC IdP issues.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct OidcTokenRequest {
    /// `https://...`: the `iss` claim, and which simulated IdP signs.
    pub issuer: String,
    pub subject: String,
    /// One client id or a list.
    pub audience: Value,
    /// Seconds until `exp` (default 3600).
    #[serde(default)]
    pub expires_in: Option<i64>,
    /// Seconds from now until `nbf` (the token is not valid before).
    #[serde(default)]
    pub not_before: Option<i64>,
    /// Extra claims (`azp`, `email`, ...).
    #[serde(default)]
    pub claims: Option<serde_json::Map<String, Value>>,
    /// `false` issues an unsigned token (`"alg": "none"`).
    #[serde(default)]
    pub signed: Option<bool>,
}

pub fn issue_oidc_token(w: &mut World, r: OidcTokenRequest) -> Result<String, AwsError> {
    check_url(&r.issuer)?;
    let audience_ok = match &r.audience {
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty() && a.iter().all(|v| v.as_str().is_some_and(|s| !s.is_empty())),
        _ => false,
    };
    if !audience_ok {
        return Err(IamError::ValidationError.err("iam::oidc_token: `Audience` must be a client id or a list of client ids"));
    }
    let now = w.clock.now.secs();
    let mut claims = serde_json::Map::new();
    claims.insert("iss".into(), json!(r.issuer));
    claims.insert("sub".into(), json!(r.subject));
    claims.insert("aud".into(), r.audience.clone());
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + r.expires_in.unwrap_or(3600)));
    if let Some(nbf) = r.not_before {
        claims.insert("nbf".into(), json!(now + nbf));
    }
    for (k, v) in r.claims.unwrap_or_default() {
        claims.insert(k, v);
    }
    let claims = Value::Object(claims);
    if r.signed == Some(false) {
        return Ok(idp::unsigned_jwt(&claims));
    }
    let idp = external_idp(w, &r.issuer, IdpKind::Oidc);
    Ok(idp::sign_jwt(&idp.private_key(), &idp.kid, &claims))
}

/// What a simulated IdP publishes: issuer, key id, JWKS and certificate thumbprint.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdpInfo {
    pub issuer: String,
    pub kid: String,
    pub jwks: Value,
    pub thumbprint: String,
    /// DER SubjectPublicKeyInfo of the signing key.
    pub public_key: crate::world::Blob,
}

pub fn idp_info(w: &mut World, issuer: &str) -> Result<IdpInfo, AwsError> {
    let kind = if issuer.starts_with("https://") && !w.iam.external_idps.get(issuer).is_some_and(|i| i.kind == IdpKind::Saml) { IdpKind::Oidc } else { IdpKind::Saml };
    let i = external_idp(w, issuer, kind);
    Ok(IdpInfo {
        issuer: i.issuer.clone(),
        kid: i.kid.clone(),
        jwks: i.jwks(),
        thumbprint: i.thumbprint(),
        public_key: crate::world::Blob(i.public.clone()),
    })
}

/// `iam::saml_assertion(#{ ... })`: a SAML response from the simulated SAML IdP.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SamlAssertionRequest {
    /// The IdP's entity id (the metadata's `entityID`, the response's Issuer).
    pub issuer: String,
    /// NameID.
    pub subject: String,
    /// `persistent` (default), `transient`, `emailAddress` or a full Format URI.
    #[serde(default)]
    pub subject_type: Option<String>,
    /// `role-arn,provider-arn` pairs (or maps `#{ RoleArn, PrincipalArn }`).
    pub roles: Vec<Value>,
    #[serde(default)]
    pub role_session_name: Option<String>,
    #[serde(default)]
    pub session_duration: Option<i64>,
    #[serde(default)]
    pub source_identity: Option<String>,
    /// Other attributes: name -> value or list of values.
    #[serde(default)]
    pub attributes: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    pub audience: Option<String>,
    #[serde(default)]
    pub recipient: Option<String>,
    /// Seconds until NotOnOrAfter (default 300).
    #[serde(default)]
    pub expires_in: Option<i64>,
    #[serde(default)]
    pub signed: Option<bool>,
    /// Top-level status (default `urn:oasis:names:tc:SAML:2.0:status:Success`).
    #[serde(default)]
    pub status: Option<String>,
}

fn name_id_format(t: &str) -> String {
    match t {
        "persistent" | "transient" => format!("urn:oasis:names:tc:SAML:2.0:nameid-format:{t}"),
        "emailAddress" | "unspecified" => format!("urn:oasis:names:tc:SAML:1.1:nameid-format:{t}"),
        other => other.to_string(),
    }
}

fn strings_of(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(value_text).collect(),
        v => vec![value_text(v)],
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The base64 SAML response (what the IdP POSTs to the AWS sign-in endpoint).
pub fn issue_saml_assertion(w: &mut World, r: SamlAssertionRequest) -> Result<String, AwsError> {
    if r.issuer.is_empty() {
        return Err(IamError::ValidationError.err("iam::saml_assertion: `Issuer` must not be empty"));
    }
    let mut roles = Vec::new();
    for v in &r.roles {
        let pair = match v {
            Value::String(s) => s.clone(),
            Value::Object(m) => match (m.get("RoleArn").and_then(Value::as_str), m.get("PrincipalArn").and_then(Value::as_str)) {
                (Some(role), Some(p)) => format!("{role},{p}"),
                _ => return Err(IamError::ValidationError.err("iam::saml_assertion: a role map needs `RoleArn` and `PrincipalArn`")),
            },
            other => return Err(IamError::ValidationError.err(format!("iam::saml_assertion: `{other}` is not a `role-arn,provider-arn` pair"))),
        };
        roles.push(pair);
    }
    let now = w.clock.now;
    let response_id = format!("_{}", w.rng.hex_id(32));
    let assertion_id = format!("_{}", w.rng.hex_id(32));
    let claims = idp::SamlClaims {
        issuer: r.issuer.clone(),
        name_id: r.subject,
        name_id_format: name_id_format(r.subject_type.as_deref().unwrap_or("persistent")),
        recipient: r.recipient.unwrap_or_else(|| idp::AWS_SAML_ENDPOINT.into()),
        audience: r.audience.unwrap_or_else(|| idp::AWS_SAML_ENDPOINT.into()),
        issue_instant: now,
        not_on_or_after: now.plus(Duration::secs(r.expires_in.unwrap_or(300))),
        roles,
        session_name: r.role_session_name,
        session_duration: r.session_duration,
        source_identity: r.source_identity,
        attributes: r.attributes.unwrap_or_default().iter().map(|(k, v)| (k.clone(), strings_of(v))).collect(),
        status: r.status.unwrap_or_else(|| idp::SAML_SUCCESS.into()),
        response_id,
        assertion_id,
    };
    let key = (r.signed != Some(false)).then(|| external_idp(w, &r.issuer, IdpKind::Saml).private_key());
    Ok(STANDARD.encode(idp::build_saml_response(&claims, key.as_ref())))
}

/// The metadata document of the simulated SAML IdP `issuer` (valid for a year).
pub fn saml_metadata(w: &mut World, issuer: &str) -> String {
    let now = w.clock.now;
    let i = external_idp(w, issuer, IdpKind::Saml);
    idp::saml_metadata(issuer, &i.public_key(), now.plus(Duration::days(365)))
}

// ---------------------------------------------------------------------------------------------
// OIDC providers

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateOpenIdConnectProviderRequest {
    pub url: String,
    #[serde(rename = "ClientIDList", default)]
    pub client_id_list: Vec<String>,
    #[serde(default)]
    pub thumbprint_list: Vec<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateOpenIdConnectProviderResponse {
    #[serde(rename = "OpenIDConnectProviderArn")]
    pub arn: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

fn check_client_ids(ids: &[String]) -> Result<(), AwsError> {
    if ids.len() > MAX_CLIENT_IDS {
        return Err(IamError::LimitExceeded.err(format!("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_CLIENT_IDS}")));
    }
    match ids.iter().find(|c| c.is_empty() || c.chars().count() > 255) {
        Some(c) => Err(validation("clientIDList", c, "Member must have length between 1 and 255")),
        None => Ok(()),
    }
}

fn check_thumbprints(tps: &[String]) -> Result<Vec<String>, AwsError> {
    if tps.len() > MAX_THUMBPRINTS {
        return Err(IamError::LimitExceeded.err(format!("Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: {MAX_THUMBPRINTS}")));
    }
    tps.iter()
        .map(|t| {
            if t.len() == 40 && t.chars().all(|c| c.is_ascii_hexdigit()) {
                Ok(t.to_ascii_lowercase())
            } else {
                Err(validation("thumbprintList", t, "Member must have length 40 and contain only hexadecimal digits"))
            }
        })
        .collect()
}

pub fn oidc_arn(account: &str, url: &str) -> String {
    format!("arn:aws:iam::{account}:oidc-provider/{}", host_path(url))
}

pub fn create_open_id_connect_provider(c: &mut Call<'_>, r: CreateOpenIdConnectProviderRequest) -> Result<CreateOpenIdConnectProviderResponse, AwsError> {
    let account = c.account();
    let arn = oidc_arn(&account, &r.url);
    c.authorize(Authz::new("iam:CreateOpenIDConnectProvider", &arn))?;
    check_url(&r.url)?;
    check_client_ids(&r.client_id_list)?;
    let mut thumbprints = check_thumbprints(&r.thumbprint_list)?;
    let tags = tags_of(&r.tags)?;
    let iam = account_iam(c, &account);
    if iam.oidc_providers.contains_key(&arn) {
        return Err(IamError::EntityAlreadyExists.err(format!("Provider with url {} already exists.", r.url)));
    }
    if iam.oidc_providers.len() >= MAX_PROVIDERS {
        return Err(IamError::LimitExceeded.err(format!("Cannot exceed quota for OpenIdConnectProvidersPerAccount: {MAX_PROVIDERS}")));
    }
    // "If it is not included, IAM will retrieve and use the top intermediate certificate
    // authority (CA) thumbprint of the OpenID Connect identity provider server certificate."
    if thumbprints.is_empty() {
        thumbprints.push(external_idp(c.w, &r.url, IdpKind::Oidc).thumbprint());
    }
    let mut client_ids: Vec<String> = Vec::new();
    for id in r.client_id_list {
        if !client_ids.contains(&id) {
            client_ids.push(id);
        }
    }
    let now = c.now();
    let url = r.url.trim_end_matches('/').to_string();
    account_iam(c, &account)
        .oidc_providers
        .insert(arn.clone(), OidcProvider { arn: arn.clone(), url, client_ids, thumbprints, create_date: now, tags: tags.clone() });
    c.resource(&arn, "AWS::IAM::OIDCProvider");
    Ok(CreateOpenIdConnectProviderResponse { arn, tags: tag_list(&tags) })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct OidcArnRequest {
    #[serde(rename = "OpenIDConnectProviderArn")]
    pub arn: String,
}

fn oidc_of(c: &Call<'_>, arn: &str) -> Result<OidcProvider, AwsError> {
    let account = arn.parse::<Arn>().map(|a| a.account).unwrap_or_default();
    c.w.iam
        .accounts
        .get(&account)
        .and_then(|a| a.oidc_providers.get(arn))
        .cloned()
        .ok_or_else(|| IamError::NoSuchEntity.err(format!("OpenIDConnect Provider not found for arn {arn}")))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetOpenIdConnectProviderResponse {
    /// The URL without its scheme, as IAM returns it.
    pub url: String,
    #[serde(rename = "ClientIDList")]
    pub client_id_list: Vec<String>,
    pub thumbprint_list: Vec<String>,
    pub create_date: Timestamp,
    pub tags: Vec<Tag>,
}

pub fn get_open_id_connect_provider(c: &mut Call<'_>, r: OidcArnRequest) -> Result<GetOpenIdConnectProviderResponse, AwsError> {
    c.authorize(Authz::new("iam:GetOpenIDConnectProvider", &r.arn))?;
    let p = oidc_of(c, &r.arn)?;
    Ok(GetOpenIdConnectProviderResponse {
        url: host_path(&p.url).to_string(),
        client_id_list: p.client_ids,
        thumbprint_list: p.thumbprints,
        create_date: p.create_date,
        tags: tag_list(&p.tags),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ArnEntry {
    pub arn: String,
}

#[derive(Debug, Serialize)]
pub struct ListOpenIdConnectProvidersResponse {
    #[serde(rename = "OpenIDConnectProviderList")]
    pub list: Vec<ArnEntry>,
}

pub fn list_open_id_connect_providers(c: &mut Call<'_>, _r: NoParams) -> Result<ListOpenIdConnectProvidersResponse, AwsError> {
    let account = c.account();
    c.authorize(Authz::new("iam:ListOpenIDConnectProviders", "*"))?;
    let list = c.w.iam.accounts.get(&account).map(|a| a.oidc_providers.keys().map(|k| ArnEntry { arn: k.clone() }).collect()).unwrap_or_default();
    Ok(ListOpenIdConnectProvidersResponse { list })
}

pub fn delete_open_id_connect_provider(c: &mut Call<'_>, r: OidcArnRequest) -> Result<Empty, AwsError> {
    c.authorize(Authz::new("iam:DeleteOpenIDConnectProvider", &r.arn))?;
    let p = oidc_of(c, &r.arn)?;
    let account = p.arn.parse::<Arn>().map(|a| a.account).unwrap_or_default();
    account_iam(c, &account).oidc_providers.remove(&r.arn);
    c.resource(&r.arn, "AWS::IAM::OIDCProvider");
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ClientIdRequest {
    #[serde(rename = "OpenIDConnectProviderArn")]
    pub arn: String,
    #[serde(rename = "ClientID")]
    pub client_id: String,
}

fn update_oidc(c: &mut Call<'_>, arn: &str, f: impl FnOnce(&mut OidcProvider)) -> Result<(), AwsError> {
    let p = oidc_of(c, arn)?;
    let account = p.arn.parse::<Arn>().map(|a| a.account).unwrap_or_default();
    if let Some(p) = account_iam(c, &account).oidc_providers.get_mut(arn) {
        f(p);
    }
    c.resource(arn, "AWS::IAM::OIDCProvider");
    Ok(())
}

pub fn add_client_id_to_open_id_connect_provider(c: &mut Call<'_>, r: ClientIdRequest) -> Result<Empty, AwsError> {
    c.authorize(Authz::new("iam:AddClientIDToOpenIDConnectProvider", &r.arn))?;
    let p = oidc_of(c, &r.arn)?;
    let mut ids = p.client_ids.clone();
    if !ids.contains(&r.client_id) {
        ids.push(r.client_id.clone());
    }
    check_client_ids(&ids)?;
    update_oidc(c, &r.arn, |p| p.client_ids = ids)?;
    Ok(Empty {})
}

pub fn remove_client_id_from_open_id_connect_provider(c: &mut Call<'_>, r: ClientIdRequest) -> Result<Empty, AwsError> {
    c.authorize(Authz::new("iam:RemoveClientIDFromOpenIDConnectProvider", &r.arn))?;
    update_oidc(c, &r.arn, |p| p.client_ids.retain(|id| id != &r.client_id))?;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateThumbprintRequest {
    #[serde(rename = "OpenIDConnectProviderArn")]
    pub arn: String,
    pub thumbprint_list: Vec<String>,
}

pub fn update_open_id_connect_provider_thumbprint(c: &mut Call<'_>, r: UpdateThumbprintRequest) -> Result<Empty, AwsError> {
    c.authorize(Authz::new("iam:UpdateOpenIDConnectProviderThumbprint", &r.arn))?;
    oidc_of(c, &r.arn)?;
    let tps = check_thumbprints(&r.thumbprint_list)?;
    update_oidc(c, &r.arn, |p| p.thumbprints = tps)?;
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------------
// SAML providers

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateSamlProviderRequest {
    pub name: String,
    #[serde(rename = "SAMLMetadataDocument")]
    pub saml_metadata_document: String,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SamlProviderArnResponse {
    #[serde(rename = "SAMLProviderArn")]
    pub arn: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// Checks a metadata document as CreateSAMLProvider / UpdateSAMLProvider do.
fn check_metadata(doc: &str) -> Result<idp::Metadata, AwsError> {
    let n = doc.chars().count();
    if n < 1000 {
        return Err(validation("sAMLMetadataDocument", &format!("({n} characters)"), "Member must have length greater than or equal to 1000"));
    }
    idp::read_metadata(doc).map_err(|e| IamError::InvalidInput.err(format!("Could not parse metadata: {e}")))
}

pub fn create_saml_provider(c: &mut Call<'_>, r: CreateSamlProviderRequest) -> Result<SamlProviderArnResponse, AwsError> {
    let account = c.account();
    let arn = format!("arn:aws:iam::{account}:saml-provider/{}", r.name);
    c.authorize(Authz::new("iam:CreateSAMLProvider", &arn))?;
    if r.name.is_empty() || r.name.len() > 128 || !r.name.chars().all(|ch| ch.is_ascii_alphanumeric() || "_.-".contains(ch)) {
        return Err(validation("name", &r.name, r"Member must satisfy regular expression pattern: [\w._-]+"));
    }
    let md = check_metadata(&r.saml_metadata_document)?;
    let tags = tags_of(&r.tags)?;
    let iam = account_iam(c, &account);
    if iam.saml_providers.contains_key(&arn) {
        return Err(IamError::EntityAlreadyExists.err(format!("SAMLProvider with name {} already exists.", r.name)));
    }
    if iam.saml_providers.len() >= MAX_PROVIDERS {
        return Err(IamError::LimitExceeded.err(format!("Cannot exceed quota for SAMLProvidersPerAccount: {MAX_PROVIDERS}")));
    }
    let uuid = c.rng().upper_alnum(26);
    let now = c.now();
    account_iam(c, &account).saml_providers.insert(
        arn.clone(),
        SamlProvider {
            arn: arn.clone(),
            name: r.name,
            metadata: r.saml_metadata_document,
            uuid,
            create_date: now,
            valid_until: md.valid_until,
            tags: tags.clone(),
        },
    );
    c.resource(&arn, "AWS::IAM::SAMLProvider");
    Ok(SamlProviderArnResponse { arn, tags: tag_list(&tags) })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SamlArnRequest {
    #[serde(rename = "SAMLProviderArn")]
    pub arn: String,
}

fn saml_of(c: &Call<'_>, arn: &str) -> Result<SamlProvider, AwsError> {
    let account = arn.parse::<Arn>().map(|a| a.account).unwrap_or_default();
    c.w.iam
        .accounts
        .get(&account)
        .and_then(|a| a.saml_providers.get(arn))
        .cloned()
        .ok_or_else(|| IamError::NoSuchEntity.err(format!("Manifest not found for arn {arn}")))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSamlProviderResponse {
    #[serde(rename = "SAMLProviderUUID")]
    pub uuid: String,
    #[serde(rename = "SAMLMetadataDocument")]
    pub metadata: String,
    pub create_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Timestamp>,
    pub tags: Vec<Tag>,
}

pub fn get_saml_provider(c: &mut Call<'_>, r: SamlArnRequest) -> Result<GetSamlProviderResponse, AwsError> {
    c.authorize(Authz::new("iam:GetSAMLProvider", &r.arn))?;
    let p = saml_of(c, &r.arn)?;
    Ok(GetSamlProviderResponse { uuid: p.uuid, metadata: p.metadata, create_date: p.create_date, valid_until: p.valid_until, tags: tag_list(&p.tags) })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SamlProviderListEntry {
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Timestamp>,
    pub create_date: Timestamp,
}

#[derive(Debug, Serialize)]
pub struct ListSamlProvidersResponse {
    #[serde(rename = "SAMLProviderList")]
    pub list: Vec<SamlProviderListEntry>,
}

pub fn list_saml_providers(c: &mut Call<'_>, _r: NoParams) -> Result<ListSamlProvidersResponse, AwsError> {
    let account = c.account();
    c.authorize(Authz::new("iam:ListSAMLProviders", "*"))?;
    let list = c
        .w
        .iam
        .accounts
        .get(&account)
        .map(|a| a.saml_providers.values().map(|p| SamlProviderListEntry { arn: p.arn.clone(), valid_until: p.valid_until, create_date: p.create_date }).collect())
        .unwrap_or_default();
    Ok(ListSamlProvidersResponse { list })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateSamlProviderRequest {
    #[serde(rename = "SAMLProviderArn")]
    pub arn: String,
    #[serde(rename = "SAMLMetadataDocument")]
    pub saml_metadata_document: String,
}

pub fn update_saml_provider(c: &mut Call<'_>, r: UpdateSamlProviderRequest) -> Result<SamlProviderArnResponse, AwsError> {
    c.authorize(Authz::new("iam:UpdateSAMLProvider", &r.arn))?;
    let p = saml_of(c, &r.arn)?;
    let md = check_metadata(&r.saml_metadata_document)?;
    let account = p.arn.parse::<Arn>().map(|a| a.account).unwrap_or_default();
    if let Some(p) = account_iam(c, &account).saml_providers.get_mut(&r.arn) {
        p.metadata = r.saml_metadata_document;
        p.valid_until = md.valid_until;
    }
    c.resource(&r.arn, "AWS::IAM::SAMLProvider");
    Ok(SamlProviderArnResponse { arn: r.arn, tags: Vec::new() })
}

pub fn delete_saml_provider(c: &mut Call<'_>, r: SamlArnRequest) -> Result<Empty, AwsError> {
    c.authorize(Authz::new("iam:DeleteSAMLProvider", &r.arn))?;
    let p = saml_of(c, &r.arn)?;
    let account = p.arn.parse::<Arn>().map(|a| a.account).unwrap_or_default();
    account_iam(c, &account).saml_providers.remove(&r.arn);
    c.resource(&r.arn, "AWS::IAM::SAMLProvider");
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------------
// The federation calls

fn invalid_token(msg: impl Into<String>) -> AwsError {
    IdentityError::InvalidIdentityToken.err(msg)
}

const COULD_NOT_VALIDATE: &str =
    "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.";

fn not_authorized(action: &str) -> AwsError {
    IamError::AccessDenied.err(format!("Not authorized to perform {action}"))
}

fn expired(now: Timestamp, exp: i64) -> AwsError {
    IdentityError::ExpiredTokenException.err(format!("Token expired: current date/time {} must be before the expiration date/time {exp}", now.secs()))
}

/// Parameters both federation calls share.
/// Request-parameter validation (before anything else, as for every AWS call).
fn check_request(role_arn: &str, duration: Option<i64>) -> Result<i64, AwsError> {
    if role_arn.len() < 20 || role_arn.parse::<Arn>().is_err() {
        return Err(validation("roleArn", role_arn, "Member must have length greater than or equal to 20"));
    }
    let d = duration.unwrap_or(3600);
    if !(900..=43200).contains(&d) {
        return Err(validation("durationSeconds", &d.to_string(), "Member must have value between 900 and 43200"));
    }
    Ok(d)
}

fn role_of(c: &Call<'_>, role_arn: &str) -> Option<Role> {
    let arn: Arn = role_arn.parse().ok()?;
    c.w.iam.accounts.get(&arn.account)?.roles.get(&arn.resource_name().to_ascii_lowercase()).filter(|r| r.arn == role_arn).cloned()
}

/// The trust policy's decision for a federated caller of `provider_arn`, with the request's
/// global keys and the provider's claim keys.
fn trust_allows(c: &Call<'_>, role: Option<&Role>, action: &str, provider_arn: &str, keys: &[(String, ContextValue)]) -> bool {
    let Some(role) = role else { return false };
    // The request is unsigned: its global keys are those of an anonymous request.
    let anonymous = Caller { principal: Principal::Anonymous, access_key_id: None, ..c.caller.clone() };
    let mut ctx: Context = authz::global_context(c.w, &anonymous, &BTreeMap::new());
    for k in ["aws:PrincipalType", "aws:userid", "aws:PrincipalIsAWSService"] {
        ctx.remove(k);
    }
    for (k, v) in keys {
        ctx.insert(k.clone(), v.clone());
    }
    let who = PrincipalInfo {
        kind: PrincipalKind::FederatedIdentity,
        arn: String::new(),
        role_arn: None,
        account: String::new(),
        service: None,
        federated: Some(provider_arn.to_string()),
    };
    let trust = &role.assume_role_policy_document;
    let sources = Sources { resource: Some(Source { policy: trust, id: "AssumeRolePolicyDocument", ty: SourceType::Resource }), ..Default::default() };
    let facts = policy::Facts { same_account: false, resource_policy_must_grant: true };
    policy::evaluate(&who, action, &role.arn, &ctx, &sources, facts).decision == EvalDecision::Allowed
}

fn key(k: impl Into<String>, v: impl Into<std::borrow::Cow<'static, str>>) -> (String, ContextValue) {
    (k.into(), ContextValue::string(v))
}

/// Checks the session parameters and issues role-session credentials for a federated caller.
/// A session for a federated caller: the role's tags, no MFA, the identity provider as its
/// source; CloudTrail's response elements also carry the source identity.
fn issue_federated_session(
    c: &mut Call<'_>,
    role: &Role,
    session_name: &str,
    duration: i64,
    (policy, policy_arns): (&Option<Doc>, &[PolicyArnType]),
    provider_arn: &str,
    source_identity: &Option<String>,
) -> Result<(Credentials, AssumedRoleUser, u32), AwsError> {
    let grant = SessionGrant {
        role,
        session_name,
        duration,
        policy: policy.as_ref(),
        policy_arns,
        tags: role.tags.clone(),
        mfa_authenticated_at: None,
        source_arn: provider_arn.to_string(),
        federated_provider: Some(provider_arn.to_string()),
    };
    let issued = issue_session(c, grant)?;
    c.response_elements["sourceIdentity"] = json!(source_identity);
    Ok(issued)
}

fn check_source_identity(v: &str) -> bool {
    let n = v.chars().count();
    (2..=64).contains(&n) && !v.starts_with("aws:") && v.chars().all(|ch| ch.is_ascii_alphanumeric() || "_+=,.@-".contains(ch))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AssumeRoleWithWebIdentityRequest {
    pub role_arn: String,
    pub role_session_name: String,
    pub web_identity_token: String,
    #[serde(default)]
    pub provider_id: Option<String>,
    #[serde(default)]
    pub policy_arns: Vec<PolicyArnType>,
    #[serde(default)]
    pub policy: Option<Doc>,
    #[serde(default)]
    pub duration_seconds: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleWithWebIdentityResponse {
    pub credentials: Credentials,
    pub subject_from_web_identity_token: String,
    pub assumed_role_user: AssumedRoleUser,
    pub packed_policy_size: u32,
    pub provider: String,
    pub audience: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
}

/// The claim OIDC IdPs use to pass a source identity.
const SOURCE_IDENTITY_CLAIM: &str = "https://aws.amazon.com/source_identity";

pub fn assume_role_with_web_identity(c: &mut Call<'_>, r: AssumeRoleWithWebIdentityRequest) -> Result<AssumeRoleWithWebIdentityResponse, AwsError> {
    let duration = check_request(&r.role_arn, r.duration_seconds)?;
    check_session_name("roleSessionName", &r.role_session_name)?;
    if r.web_identity_token.len() < 4 || r.web_identity_token.len() > 20000 {
        return Err(validation("webIdentityToken", "(token)", "Member must have length between 4 and 20000"));
    }
    if r.provider_id.is_some() {
        return Err(IamError::InvalidInput.err("OAuth 2.0 access tokens (`ProviderId`) are not modelled: pass an OpenID Connect ID token"));
    }
    let role_account = r.role_arn.parse::<Arn>().map(|a| a.account).unwrap_or_default();
    let Some(jwt) = idp::parse_jwt(&r.web_identity_token) else {
        return Err(invalid_token("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"));
    };
    let iss = jwt.claim_str("iss").unwrap_or_default().to_string();
    let sub = jwt.claim_str("sub").unwrap_or_default().to_string();
    let audiences = jwt.audiences();
    // CloudTrail names the external identity, verified or not.
    c.user_identity = Some(UserIdentity {
        kind: "WebIdentityUser".into(),
        principal_id: format!("{}:{}:{}", host_path(&iss), audiences.first().map(String::as_str).unwrap_or_default(), sub),
        arn: None,
        account_id: None,
        access_key_id: None,
        user_name: Some(sub.clone()),
        invoked_by: None,
        identity_provider: Some(host_path(&iss).to_string()),
    });
    let provider_arn = oidc_arn(&role_account, &iss);
    let provider = c.w.iam.accounts.get(&role_account).and_then(|a| a.oidc_providers.get(&provider_arn)).cloned();
    let Some(provider) = provider.filter(|_| iss.starts_with("https://")) else {
        return Err(invalid_token(format!("No OpenIDConnect provider found in your account for {iss}")));
    };
    if jwt.alg() != "RS256" {
        return Err(invalid_token(COULD_NOT_VALIDATE));
    }
    let Some(idp) = c.w.iam.external_idps.get(&iss).filter(|i| jwt.kid().is_none_or(|k| k == i.kid)).cloned() else {
        return Err(invalid_token("Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements"));
    };
    if !provider.thumbprints.contains(&idp.thumbprint()) {
        return Err(invalid_token("OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"));
    }
    if !jwt.verify(&idp.public_key()) {
        return Err(invalid_token(COULD_NOT_VALIDATE));
    }
    let now = c.now();
    let Some(exp) = jwt.claim_time("exp") else { return Err(invalid_token(COULD_NOT_VALIDATE)) };
    if now.secs() >= exp {
        return Err(expired(now, exp));
    }
    if let Some(nbf) = jwt.claim_time("nbf").filter(|nbf| now.secs() < *nbf) {
        return Err(IdentityError::IdpRejectedClaim.err(format!("Token is not valid yet: current date/time {} must be after the not-before date/time {nbf}", now.secs())));
    }
    // `aud` must be one of the provider's client ids; the `aud` condition key takes `azp`
    // when the token has one (as for Google ID tokens), otherwise the matching audience.
    let Some(audience) = audiences.iter().find(|a| provider.client_ids.contains(a)).cloned() else {
        return Err(invalid_token("Incorrect token audience"));
    };
    let source_identity = jwt.claim_str(SOURCE_IDENTITY_CLAIM).map(str::to_string);
    if source_identity.as_deref().is_some_and(|s| !check_source_identity(s)) {
        return Err(invalid_token("Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with \"aws:\""));
    }
    let hp = host_path(&iss).to_string();
    let mut keys = vec![
        key(format!("{hp}:aud"), jwt.claim_str("azp").unwrap_or(&audience).to_string()),
        key(format!("{hp}:sub"), sub.clone()),
        key("sts:RoleSessionName", r.role_session_name.clone()),
    ];
    if jwt.claim_str("azp").is_some() {
        keys.push(key(format!("{hp}:oaud"), audience.clone()));
    }
    let role = role_of(c, &r.role_arn);
    const ACTION: &str = "sts:AssumeRoleWithWebIdentity";
    if !trust_allows(c, role.as_ref(), ACTION, &provider_arn, &keys) {
        return Err(not_authorized(ACTION));
    }
    if let Some(si) = &source_identity {
        keys.push(key("sts:SourceIdentity", si.clone()));
        if !trust_allows(c, role.as_ref(), "sts:SetSourceIdentity", &provider_arn, &keys) {
            return Err(not_authorized(ACTION));
        }
    }
    let role = role.expect("the trust policy allowed, so the role exists");
    c.resource(&role.arn, "AWS::IAM::Role");
    let (credentials, assumed_role_user, packed_policy_size) = issue_federated_session(c, &role, &r.role_session_name, duration, (&r.policy, &r.policy_arns), &provider_arn, &source_identity)?;
    Ok(AssumeRoleWithWebIdentityResponse {
        credentials,
        subject_from_web_identity_token: sub,
        assumed_role_user,
        packed_policy_size,
        provider: iss,
        audience,
        source_identity,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AssumeRoleWithSamlRequest {
    pub role_arn: String,
    pub principal_arn: String,
    #[serde(rename = "SAMLAssertion")]
    pub saml_assertion: String,
    #[serde(default)]
    pub policy_arns: Vec<PolicyArnType>,
    #[serde(default)]
    pub policy: Option<Doc>,
    #[serde(default)]
    pub duration_seconds: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleWithSamlResponse {
    pub credentials: Credentials,
    pub assumed_role_user: AssumedRoleUser,
    pub packed_policy_size: u32,
    pub subject: String,
    pub subject_type: String,
    pub issuer: String,
    pub audience: String,
    pub name_qualifier: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
}

/// `BASE64(SHA1(issuer + account + "/" + provider-name))` (AssumeRoleWithSAML's NameQualifier).
pub fn name_qualifier(issuer: &str, account: &str, provider_name: &str) -> String {
    STANDARD.encode(sha1::Sha1::digest(format!("{issuer}{account}/{provider_name}").as_bytes()))
}

/// SAML attributes that become `saml:` trust-policy keys (eduPerson/eduOrg OIDs, AD claims,
/// X.500 attributes); list-valued keys are marked.
const SAML_ATTRIBUTE_KEYS: &[(&str, &str, bool)] = &[
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.1", "saml:edupersonaffiliation", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.2", "saml:edupersonnickname", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.3", "saml:edupersonorgdn", false),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.4", "saml:edupersonorgunitdn", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.5", "saml:edupersonprimaryaffiliation", false),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "saml:edupersonprincipalname", false),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "saml:edupersonentitlement", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "saml:edupersonscopedaffiliation", true),
    ("urn:oid:2.5.4.3", "saml:cn", true),
    ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "saml:name", false),
    ("http://schemas.xmlsoap.org/claims/CommonName", "saml:commonName", false),
    ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "saml:givenName", false),
    ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "saml:surname", false),
    ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "saml:mail", false),
    ("0.9.2342.19200300100.1.1", "saml:uid", false),
    ("0.9.2342.19200300100.1.3", "saml:mail", false),
];

pub fn assume_role_with_saml(c: &mut Call<'_>, r: AssumeRoleWithSamlRequest) -> Result<AssumeRoleWithSamlResponse, AwsError> {
    let duration = check_request(&r.role_arn, r.duration_seconds)?;
    if r.principal_arn.len() < 20 || r.principal_arn.parse::<Arn>().is_err() {
        return Err(validation("principalArn", &r.principal_arn, "Member must have length greater than or equal to 20"));
    }
    if r.saml_assertion.len() < 4 || r.saml_assertion.len() > 100_000 {
        return Err(validation("sAMLAssertion", "(assertion)", "Member must have length between 4 and 100000"));
    }
    let provider_arn: Arn = r.principal_arn.parse().expect("checked above");
    let Some(provider) = c.w.iam.accounts.get(&provider_arn.account).and_then(|a| a.saml_providers.get(&r.principal_arn)).cloned() else {
        return Err(invalid_token("Specified provider doesn't exist."));
    };
    let xml = STANDARD
        .decode(r.saml_assertion.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| invalid_token("Invalid SAML response: the assertion is not base64-encoded XML"))?;
    let md = idp::read_metadata(&provider.metadata).map_err(|e| invalid_token(format!("Could not parse metadata: {e}")))?;
    let (resp, signature) = idp::read_saml_response(&xml, &md.key).map_err(|e| invalid_token(format!("Invalid SAML response: {e}")))?;
    let nq = name_qualifier(&resp.issuer, &provider_arn.account, &provider.name);
    let subject = resp.name_id.clone().unwrap_or_default();
    c.user_identity = Some(UserIdentity {
        kind: "SAMLUser".into(),
        principal_id: format!("{nq}:{subject}"),
        arn: None,
        account_id: None,
        access_key_id: None,
        user_name: Some(subject.clone()),
        invoked_by: None,
        identity_provider: Some(nq.clone()),
    });
    if resp.status != idp::SAML_SUCCESS {
        return Err(IdentityError::IdpRejectedClaim.err(format!("The identity provider reported that authentication failed (status {})", resp.status)));
    }
    if signature != SignatureCheck::Valid {
        return Err(invalid_token("Response signature invalid"));
    }
    if resp.issuer != md.entity_id {
        return Err(invalid_token("Failed to assume role: Issuer not present in specified provider"));
    }
    if !resp.audiences.iter().any(|a| a == idp::AWS_SAML_ENDPOINT || a == "urn:amazon:webservices") {
        return Err(invalid_token("Response does not contain the required audience."));
    }
    let now = c.now();
    match resp.not_on_or_after {
        Some(t) if now < t => {}
        Some(t) => return Err(expired(now, t.secs())),
        None => return Err(invalid_token("Invalid SAML response: SubjectConfirmationData has no NotOnOrAfter")),
    }
    let Some(session_name) = resp.attribute(idp::SAML_SESSION_NAME_ATTRIBUTE).map(str::to_string) else {
        return Err(invalid_token("RoleSessionName is required in AuthnResponse"));
    };
    if check_session_name("roleSessionName", &session_name).is_err() {
        return Err(invalid_token("RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"));
    }
    let source_identity = resp.attribute(idp::SAML_SOURCE_IDENTITY_ATTRIBUTE).map(str::to_string);
    if source_identity.as_deref().is_some_and(|s| !check_source_identity(s)) {
        return Err(invalid_token("Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with \"aws:\""));
    }
    const ACTION: &str = "sts:AssumeRoleWithSAML";
    // The Role attribute must map the user to this role through this provider (either order).
    let mapped = resp.attributes.get(idp::SAML_ROLE_ATTRIBUTE).is_some_and(|pairs| {
        pairs.iter().any(|p| {
            let parts: Vec<&str> = p.split(',').map(str::trim).collect();
            parts.len() == 2 && parts.contains(&r.role_arn.as_str()) && parts.contains(&r.principal_arn.as_str())
        })
    });
    if resp.name_id.is_none() || !mapped {
        return Err(not_authorized(ACTION));
    }
    let sub_type = resp.name_id_format.clone().unwrap_or_default();
    let sub_type = sub_type.strip_prefix("urn:oasis:names:tc:SAML:2.0:nameid-format:").unwrap_or(&sub_type).to_string();
    let recipient = resp.recipient.clone().unwrap_or_default();
    let mut keys = vec![
        key("saml:aud", recipient.clone()),
        key("saml:sub", subject.clone()),
        key("saml:sub_type", sub_type.clone()),
        key("saml:iss", resp.issuer.clone()),
        key("saml:doc", format!("{}/{}", provider_arn.account, provider.name)),
        key("saml:namequalifier", nq.clone()),
        key("sts:RoleSessionName", session_name.clone()),
    ];
    for (name, ctx_key, multi) in SAML_ATTRIBUTE_KEYS {
        match (resp.attributes.get(*name), multi) {
            (Some(values), true) => keys.push((ctx_key.to_string(), ContextValue::list(ValueType::String, values.clone()))),
            (Some(values), false) if !values.is_empty() => keys.push(key(*ctx_key, values[0].clone())),
            _ => {}
        }
    }
    let role = role_of(c, &r.role_arn);
    if !trust_allows(c, role.as_ref(), ACTION, &r.principal_arn, &keys) {
        return Err(not_authorized(ACTION));
    }
    if let Some(si) = &source_identity {
        keys.push(key("sts:SourceIdentity", si.clone()));
        if !trust_allows(c, role.as_ref(), "sts:SetSourceIdentity", &r.principal_arn, &keys) {
            return Err(not_authorized(ACTION));
        }
    }
    let role = role.expect("the trust policy allowed, so the role exists");
    c.resource(&role.arn, "AWS::IAM::Role");
    // A SessionDuration attribute can only shorten the API session.
    let duration = match resp.attribute(idp::SAML_SESSION_DURATION_ATTRIBUTE).and_then(|d| d.parse::<i64>().ok()) {
        Some(d) if (900..=43200).contains(&d) => duration.min(d),
        _ => duration,
    };
    let (credentials, assumed_role_user, packed_policy_size) = issue_federated_session(c, &role, &session_name, duration, (&r.policy, &r.policy_arns), &r.principal_arn, &source_identity)?;
    Ok(AssumeRoleWithSamlResponse {
        credentials,
        assumed_role_user,
        packed_policy_size,
        subject,
        subject_type: sub_type,
        issuer: resp.issuer,
        audience: recipient,
        name_qualifier: nq,
        source_identity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AssumeRoleWithSAML API reference: NameQualifier is
    /// `BASE64 ( SHA1 ( "https://example.com/saml" + "123456789012" + "/MySAMLIdP" ) )`.
    #[test]
    fn name_qualifier_follows_the_documented_pseudocode() {
        let want = STANDARD.encode(sha1::Sha1::digest(b"https://example.com/saml123456789012/MySAMLIdP"));
        assert_eq!(name_qualifier("https://example.com/saml", "123456789012", "MySAMLIdP"), want);
        assert_eq!(want.len(), 28);
    }

    #[test]
    fn provider_urls() {
        assert_eq!(host_path("https://token.actions.githubusercontent.com"), "token.actions.githubusercontent.com");
        assert_eq!(oidc_arn("111122223333", "https://oidc.eks.us-east-1.amazonaws.com/id/ABC/"), "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC");
        assert!(check_url("https://idp.example.com/path").is_ok());
        for bad in ["http://idp.example.com", "https://idp.example.com:8443", "https://idp.example.com/?a=b", "https://"] {
            assert_eq!(check_url(bad).unwrap_err().code, "InvalidInput", "{bad}");
        }
    }
}

//! The registrar every service's bindings use: one line per AWS operation.
//!
//! ```ignore
//! let mut api = Api::new(shared, &service::KMS, docs);
//! api.op("encrypt", "Encrypt", ENCRYPT_DOC, ops::encrypt);     // kms::encrypt(#{ KeyId, Plaintext })
//! api.func("encrypt", ENCRYPT_DOC, &["key_id: &str", "plaintext: Blob", "Map"], {
//!     let api = api.handle();
//!     move |ctx: NativeCallContext, key: &str, pt: Dynamic| api.run(&ctx, "Encrypt", "encrypt", ops::encrypt, req)
//! });
//! api.install(engine);                                           // module `kms`
//! ```
//!
//! `op` registers `name(params)` (a map of AWS's PascalCase parameters) and `name()`; the map
//! is read into the operation's typed request (unknown, missing or mistyped parameters give
//! the service's validation error), the operation runs inside [`World::call`] (authorized and
//! audited), and its typed response comes back as a map. Errors are thrown as AWS error maps
//! at the script position of the call.

use std::sync::Arc;

use rhai::{Dynamic, Engine, FuncRegistration, Map, Module, NativeCallContext, RhaiNativeFunc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::convert::{RhaiResult, audit_params, from_params, throw, to_dyn};
use super::{DocMode, Shared};
use crate::world::{AwsError, Call, Service};

/// Builds one script module (`kms`, `s3`, ...).
pub struct Api {
    pub module: Module,
    pub handle: Handle,
    /// Whether registrations attach their docs.
    pub docs: DocMode,
}

/// What a binding closure needs to run an operation: the shared world and the service.
#[derive(Clone)]
pub struct Handle {
    pub shared: Shared,
    pub service: &'static Service,
}

impl Handle {
    /// Runs operation `f` with `params` as one audited call; returns its response as a map.
    pub fn run<Req, Resp>(
        &self,
        ctx: &NativeCallContext,
        aws_op: &'static str,
        script_name: &str,
        f: fn(&mut Call<'_>, Req) -> Result<Resp, AwsError>,
        params: Map,
    ) -> RhaiResult
    where
        Req: DeserializeOwned,
        Resp: Serialize,
    {
        self.run_as(self.service, ctx, aws_op, script_name, f, params)
    }

    /// Like [`Handle::run`] for an operation of another service sharing this module (STS in `iam`).
    pub fn run_as<Req, Resp>(
        &self,
        service: &'static Service,
        ctx: &NativeCallContext,
        aws_op: &'static str,
        script_name: &str,
        f: fn(&mut Call<'_>, Req) -> Result<Resp, AwsError>,
        params: Map,
    ) -> RhaiResult
    where
        Req: DeserializeOwned,
        Resp: Serialize,
    {
        let audit = audit_params(&params);
        let params = Dynamic::from_map(params);
        let result = {
            let mut w = self.shared.lock();
            w.call(service, aws_op, audit, |c| {
                let req: Req = from_params(&params, service, script_name)?;
                f(c, req)
            })
        };
        match result {
            Ok(resp) => to_dyn(&resp),
            Err(e) => Err(throw(e, ctx.call_position())),
        }
    }

    /// Runs `f` with the world locked (for non-API helpers such as renderers and planners);
    /// an error is thrown at the call position.
    pub fn with<T>(&self, ctx: &NativeCallContext, f: impl FnOnce(&mut crate::world::World) -> Result<T, AwsError>) -> RhaiResult<T> {
        let r = {
            let mut w = self.shared.lock();
            f(&mut w)
        };
        r.map_err(|e| throw(e, ctx.call_position()))
    }
}

impl Api {
    pub fn new(shared: &Shared, service: &'static Service, docs: DocMode) -> Self {
        Api { module: Module::new(), handle: Handle { shared: Arc::clone(shared), service }, docs }
    }

    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Registers AWS operation `aws_op` as `module::name(params)` and `module::name()`.
    pub fn op<Req, Resp>(&mut self, name: &'static str, aws_op: &'static str, doc: &str, f: fn(&mut Call<'_>, Req) -> Result<Resp, AwsError>)
    where
        Req: DeserializeOwned + 'static,
        Resp: Serialize + 'static,
    {
        let service = self.handle.service;
        self.op_as(service, name, aws_op, doc, f)
    }

    /// [`Api::op`] for an operation of another service (STS operations live in `iam`).
    pub fn op_as<Req, Resp>(
        &mut self,
        service: &'static Service,
        name: &'static str,
        aws_op: &'static str,
        doc: &str,
        f: fn(&mut Call<'_>, Req) -> Result<Resp, AwsError>,
    ) where
        Req: DeserializeOwned + 'static,
        Resp: Serialize + 'static,
    {
        let doc = match self.docs {
            DocMode::Attach => format!("{doc}\n\nAWS operation: {aws_op} ({}).", service.event_source),
            DocMode::Skip => String::new(),
        };
        let h = self.handle();
        self.docs
            .describe(FuncRegistration::new(name), &doc, &["params: Map", "Map"])
            .with_volatility(true)
            .set_into_module(&mut self.module, move |ctx: NativeCallContext, params: Map| h.run_as(service, &ctx, aws_op, name, f, params));
        let h = self.handle();
        self.docs
            .describe(FuncRegistration::new(name), &doc, &["Map"])
            .with_volatility(true)
            .set_into_module(&mut self.module, move |ctx: NativeCallContext| h.run_as(service, &ctx, aws_op, name, f, Map::new()));
    }

    /// Registers any other function (a positional overload, a helper) with docs.
    /// `params` is the signature for inspect/completion: `["key_id: &str", "plaintext", "Map"]`
    /// (the last entry is the return type).
    pub fn func<A: 'static, const N: usize, const X: bool, R: std::any::Any + Clone + Send + Sync, const F: bool, FUNC>(
        &mut self,
        name: &str,
        doc: &str,
        params: &[&str],
        func: FUNC,
    ) where
        FUNC: RhaiNativeFunc<A, N, X, R, F> + Send + Sync + 'static,
    {
        self.docs.describe(FuncRegistration::new(name), doc, params).with_volatility(true).set_into_module(&mut self.module, func);
    }

    /// Adds the module to `engine` under the service's module name.
    pub fn install(self, engine: &mut Engine) {
        let name = self.handle.service.module;
        self.install_as(engine, name);
    }

    pub fn install_as(self, engine: &mut Engine, name: &str) {
        engine.register_static_module(name, self.module.into());
    }
}

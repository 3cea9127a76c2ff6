//! The only IO of the kernel: the five ZeroMQ sockets, on a single-threaded tokio runtime,
//! and the engine thread they feed.
//!
//! ```text
//!  shell ROUTER ──recv──> verify ──std mpsc──> engine thread (Handler + Session)
//!        <──send── shell task <──tokio mpsc── replies        │
//!  iopub XPUB   <──send── iopub task <──tokio mpsc───────────┘ (status, streams, results)
//!        ──recv──> subscriptions -> iopub_welcome (JEP 65)
//!  control ROUTER: kernel_info, interrupt (sets the flag), shutdown — answered at once,
//!                  even while a cell runs
//!  stdin ROUTER: bound, read, verified, logged and dropped (the kernel never asks for input)
//!  hb REP: echoes
//! ```
//!
//! The interrupt flag is the world's (`World::interrupt`): rhai's `on_progress` and long
//! native stdlib loops both poll it, so an interrupt stops the cell and keeps the scope.
//! SIGINT sets the same flag, for clients that interrupt with signals.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;
use zeromq::{RepSocket, RouterSocket, Socket, SocketRecv, SocketSend, XPubSocket, ZmqMessage};

use crate::kernel::{Handler, Outbox, kernel_info};
use crate::session::{Session, spawn_engine_thread};
use crate::wire::{self, Builder, Message, Signer};

/// The connection file Jupyter writes for a kernel.
#[derive(Clone, Debug, Deserialize)]
pub struct ConnectionInfo {
    #[serde(default = "tcp")]
    pub transport: String,
    pub ip: String,
    pub shell_port: u16,
    pub iopub_port: u16,
    pub stdin_port: u16,
    pub control_port: u16,
    pub hb_port: u16,
    #[serde(default)]
    pub key: String,
    #[serde(default = "hmac_sha256")]
    pub signature_scheme: String,
}

fn tcp() -> String {
    "tcp".into()
}

fn hmac_sha256() -> String {
    "hmac-sha256".into()
}

impl ConnectionInfo {
    pub fn load(path: &Path) -> Result<ConnectionInfo> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the connection file {}", path.display()))?;
        let info: ConnectionInfo = serde_json::from_str(&text).with_context(|| format!("bad connection file {}", path.display()))?;
        if info.transport != "tcp" {
            bail!("transport `{}` is not supported (only tcp)", info.transport);
        }
        Ok(info)
    }

    pub fn endpoint(&self, port: u16) -> String {
        let ip = if self.ip == "*" { "0.0.0.0" } else { self.ip.as_str() };
        format!("tcp://{ip}:{port}")
    }
}

fn log(msg: impl std::fmt::Display) {
    eprintln!("cloudbook: {msg}");
}

/// At most this many "dropped a message" lines per second and socket reach stderr.
const DROP_LOG_PER_SECOND: u32 = 10;

/// Rate-limits one socket's log of dropped messages, so a flood of forged or broken frames
/// cannot flood the log: the first [`DROP_LOG_PER_SECOND`] lines of each second are kept,
/// and the number left out is reported with the socket's next dropped message after that
/// second.
struct DropLog {
    socket: &'static str,
    window: Option<std::time::Instant>,
    logged: u32,
    suppressed: u64,
}

impl DropLog {
    fn new(socket: &'static str) -> DropLog {
        DropLog { socket, window: None, logged: 0, suppressed: 0 }
    }

    /// The lines to print for one message dropped at `now` because of `e`.
    fn note(&mut self, now: std::time::Instant, e: impl std::fmt::Display) -> Vec<String> {
        let mut out = Vec::new();
        if self.window.is_none_or(|w| now.duration_since(w) >= std::time::Duration::from_secs(1)) {
            if self.suppressed > 0 {
                out.push(format!("{} more dropped {} messages were not logged", self.suppressed, self.socket));
            }
            *self = DropLog { window: Some(now), ..DropLog::new(self.socket) };
        }
        if self.logged < DROP_LOG_PER_SECOND {
            self.logged += 1;
            out.push(format!("dropped a {} message: {e}", self.socket));
        } else {
            self.suppressed += 1;
        }
        out
    }

    fn log(&mut self, e: impl std::fmt::Display) {
        self.note(std::time::Instant::now(), e).into_iter().for_each(log);
    }
}

fn to_zmq(frames: Vec<Vec<u8>>) -> Option<ZmqMessage> {
    ZmqMessage::try_from(frames.into_iter().map(Bytes::from).collect::<Vec<_>>()).ok()
}

fn frames_of(m: ZmqMessage) -> Vec<Bytes> {
    m.into_vec()
}

/// The environment variable that lets the kernel run with an empty key (unsigned messages).
pub const ALLOW_UNSIGNED_ENV: &str = "CLOUDBOOK_ALLOW_UNSIGNED";

/// An empty key means nobody signs and anybody who can reach the ports runs code, so the
/// kernel refuses it unless `CLOUDBOOK_ALLOW_UNSIGNED=1` says that is intended (a test rig
/// on a private network). `wire` stays neutral: an empty key is a valid "no signing" there.
pub fn check_key(info: &ConnectionInfo, allow_unsigned: bool) -> Result<()> {
    if info.key.is_empty() && !allow_unsigned {
        bail!(
            "the connection file has an empty `key`: messages would not be signed and anyone who can reach the ports could run code. \
             Give a key (Jupyter always does), or set {ALLOW_UNSIGNED_ENV}=1 to accept unsigned messages deliberately"
        );
    }
    Ok(())
}

/// Runs the kernel until it is told to shut down.
pub fn serve(connection_file: &Path) -> Result<()> {
    let info = ConnectionInfo::load(connection_file)?;
    let allow_unsigned = std::env::var(ALLOW_UNSIGNED_ENV).is_ok_and(|v| v == "1");
    check_key(&info, allow_unsigned)?;
    if info.key.is_empty() {
        log(format!("WARNING: running with an empty key ({ALLOW_UNSIGNED_ENV}=1): messages are not authenticated"));
    }
    let signer = Signer::new(info.key.as_bytes(), &info.signature_scheme).map_err(anyhow::Error::msg)?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(serve_async(info, signer))
}

async fn serve_async(info: ConnectionInfo, signer: Signer) -> Result<()> {
    let builder = Builder::new();
    let interrupt = Arc::new(AtomicBool::new(false));
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let (shell_out_tx, mut shell_out_rx) = tokio::sync::mpsc::unbounded_channel::<Message>();
    let (iopub_tx, mut iopub_rx) = tokio::sync::mpsc::unbounded_channel::<Message>();
    let (req_tx, req_rx) = std::sync::mpsc::channel::<Message>();

    // The sockets bind first: a client retries a refused connection only after its
    // reconnect interval, so a socket bound late costs a start a whole interval.
    let mut shell = RouterSocket::new();
    shell.bind(&info.endpoint(info.shell_port)).await.context("cannot bind the shell socket")?;
    let mut control = RouterSocket::new();
    control.bind(&info.endpoint(info.control_port)).await.context("cannot bind the control socket")?;
    let mut stdin = RouterSocket::new();
    stdin.bind(&info.endpoint(info.stdin_port)).await.context("cannot bind the stdin socket")?;
    let mut iopub = XPubSocket::new();
    iopub.bind(&info.endpoint(info.iopub_port)).await.context("cannot bind the iopub socket")?;
    let mut hb = RepSocket::new();
    hb.bind(&info.endpoint(info.hb_port)).await.context("cannot bind the heartbeat socket")?;

    // The engine thread: builds the session (the stdlib) and handles shell requests in order.
    // Building the session overlaps the clients' connections and handshakes; requests wait
    // in its channel until the session is ready.
    {
        let out = Outbox { builder: builder.clone(), shell: shell_out_tx, iopub: iopub_tx.clone() };
        let flag = interrupt.clone();
        let done = done_tx.clone();
        spawn_engine_thread("cloudbook-engine", move || {
            let mut world = cloudbook_stdlib::World::default();
            world.interrupt = cloudbook_stdlib::world::Interrupt(flag);
            let mut handler = Handler::new(Session::with_world(world), out, req_rx);
            // The stdlib's registration code has run; an idle kernel need not keep it mapped.
            // Released once the kernel goes quiet after its first requests.
            handler.when_first_idle = Some(Box::new(crate::memory::release_startup_code));
            handler.run();
            let _ = done.send(());
        });
    }

    // shell: receive -> verify -> engine; replies from the engine -> send.
    let (mut shell_send, mut shell_recv) = shell.split();
    {
        let signer = signer.clone();
        tokio::spawn(async move {
            while let Some(m) = shell_out_rx.recv().await {
                if let Some(z) = to_zmq(wire::encode(&m, &signer))
                    && let Err(e) = shell_send.send(z).await {
                        log(format!("shell send failed: {e}"));
                    }
            }
        });
    }
    {
        let signer = signer.clone();
        tokio::spawn(async move {
            let mut drops = DropLog::new("shell");
            loop {
                match shell_recv.recv().await {
                    Ok(z) => match wire::decode(&frames_of(z), &signer) {
                        Ok(msg) => {
                            if req_tx.send(msg).is_err() {
                                break;
                            }
                        }
                        Err(e) => drops.log(e),
                    },
                    Err(e) => log(format!("shell receive failed: {e}")),
                }
            }
        });
    }

    // iopub: outgoing messages in order; a subscription gets an iopub_welcome on its topic.
    {
        let signer = signer.clone();
        let builder = builder.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    biased;
                    sub = iopub.recv() => match sub {
                        Ok(z) => {
                            let frames = frames_of(z);
                            if let Some(f) = frames.first().filter(|f| f.first() == Some(&1)) {
                                let topic = String::from_utf8_lossy(&f[1..]).to_string();
                                let mut w = builder.iopub(None, "iopub_welcome", json!({ "subscription": topic }));
                                w.identities = vec![f[1..].to_vec()];
                                if let Some(z) = to_zmq(wire::encode(&w, &signer)) {
                                    let _ = iopub.send(z).await;
                                }
                            }
                        }
                        Err(e) => log(format!("iopub receive failed: {e}")),
                    },
                    out = iopub_rx.recv() => match out {
                        Some(m) => {
                            if let Some(z) = to_zmq(wire::encode(&m, &signer))
                                && let Err(e) = iopub.send(z).await {
                                    log(format!("iopub send failed: {e}"));
                                }
                        }
                        None => break,
                    },
                }
            }
        });
    }

    // heartbeat: echo.
    tokio::spawn(async move {
        loop {
            match hb.recv().await {
                Ok(m) => {
                    let _ = hb.send(m).await;
                }
                Err(e) => log(format!("heartbeat receive failed: {e}")),
            }
        }
    });

    // stdin: the kernel never asks for input, so nothing here is expected: verify (to log
    // forgeries like on the other sockets) and drop.
    {
        let signer = signer.clone();
        tokio::spawn(async move {
            let mut drops = DropLog::new("stdin");
            while let Ok(z) = stdin.recv().await {
                match wire::decode(&frames_of(z), &signer) {
                    Ok(m) => log(format!("ignoring stdin message `{}` (the kernel never asks for input)", m.msg_type())),
                    Err(e) => drops.log(e),
                }
            }
        });
    }

    // SIGINT interrupts like an interrupt_request.
    {
        let flag = interrupt.clone();
        tokio::spawn(async move {
            #[cfg(unix)]
            if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()) {
                while s.recv().await.is_some() {
                    flag.store(true, Ordering::SeqCst);
                }
            }
        });
    }

    // control: answered here, at once, even while the engine is busy.
    {
        let signer = signer.clone();
        let builder = builder.clone();
        let flag = interrupt.clone();
        let done = done_tx.clone();
        let iopub = iopub_tx.clone();
        tokio::spawn(async move {
            let mut drops = DropLog::new("control");
            loop {
                let z = match control.recv().await {
                    Ok(z) => z,
                    Err(e) => {
                        log(format!("control receive failed: {e}"));
                        continue;
                    }
                };
                let msg = match wire::decode(&frames_of(z), &signer) {
                    Ok(m) => m,
                    Err(e) => {
                        drops.log(e);
                        continue;
                    }
                };
                let (reply_type, content, shutdown) = match msg.msg_type() {
                    "kernel_info_request" => ("kernel_info_reply", kernel_info(), false),
                    "interrupt_request" => {
                        flag.store(true, Ordering::SeqCst);
                        ("interrupt_reply", json!({ "status": "ok" }), false)
                    }
                    "shutdown_request" => {
                        flag.store(true, Ordering::SeqCst);
                        let restart = msg.content.get("restart").and_then(|r| r.as_bool()).unwrap_or(false);
                        ("shutdown_reply", json!({ "status": "ok", "restart": restart }), true)
                    }
                    other => {
                        log(format!("ignoring unsupported control message `{other}`"));
                        continue;
                    }
                };
                let reply = builder.reply(&msg, reply_type, content.clone());
                if let Some(z) = to_zmq(wire::encode(&reply, &signer))
                    && let Err(e) = control.send(z).await {
                        log(format!("control send failed: {e}"));
                    }
                if shutdown {
                    // Also tell every iopub subscriber (spec: shutdown_reply is broadcast on iopub).
                    let _ = iopub.send(builder.iopub(Some(&msg.header), "shutdown_reply", content));
                    let _ = done.send(());
                    break;
                }
            }
        });
    }

    done_rx.recv().await;
    // Let queued replies and iopub messages reach their sockets before the process ends.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(key: &str) -> ConnectionInfo {
        serde_json::from_value(json!({
            "ip": "127.0.0.1", "key": key, "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5
        }))
        .unwrap()
    }

    #[test]
    fn dropped_messages_are_logged_at_most_ten_a_second_and_the_rest_counted() {
        let mut d = DropLog::new("shell");
        let t0 = std::time::Instant::now();
        let at = |ms| t0 + std::time::Duration::from_millis(ms);
        let lines: Vec<String> = (0..100).flat_map(|i| d.note(t0, format!("bad {i}"))).collect();
        assert_eq!(lines, (0..10).map(|i| format!("dropped a shell message: bad {i}")).collect::<Vec<_>>());
        // Still inside the same second: nothing more.
        assert!(d.note(at(999), "late").is_empty());
        // The next second reports how many were left out, then logs again.
        let next = d.note(at(1000), "bad 100");
        assert_eq!(next, ["91 more dropped shell messages were not logged", "dropped a shell message: bad 100"]);
        assert_eq!(d.note(at(1001), "bad 101"), ["dropped a shell message: bad 101"]);
    }

    #[test]
    fn an_empty_key_is_refused_unless_explicitly_allowed() {
        let e = check_key(&info(""), false).unwrap_err().to_string();
        assert!(e.contains("empty `key`") && e.contains("CLOUDBOOK_ALLOW_UNSIGNED=1"), "{e}");
        assert!(check_key(&info(""), true).is_ok());
        assert!(check_key(&info("k"), false).is_ok());
        // a missing key is the same as an empty one
        let missing: ConnectionInfo = serde_json::from_value(json!({ "ip": "127.0.0.1", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5 })).unwrap();
        assert!(check_key(&missing, false).is_err());
    }
}

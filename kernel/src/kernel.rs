//! The kernel's request handling: shell requests in, replies and iopub messages out. It runs
//! on the engine thread (it owns the [`Session`]) and talks to the sockets only through
//! channels ([`Outbox`]), so it has no IO of its own; `transport.rs` owns the sockets.
//!
//! Every shell request is wrapped in `status: busy` ... `status: idle` on iopub, and every
//! output of a request is queued before its `idle` (one FIFO queue feeds the iopub socket),
//! so a client that sees `idle` has seen everything.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use serde_json::{Value, json};

use crate::complete;
use crate::session::{CellError, Output, Session};
use crate::wire::{Builder, Header, Message, PROTOCOL_VERSION};

/// Where the engine thread's messages go: the shell socket (replies) and iopub.
#[derive(Clone)]
pub struct Outbox {
    pub builder: Builder,
    pub shell: tokio::sync::mpsc::UnboundedSender<Message>,
    pub iopub: tokio::sync::mpsc::UnboundedSender<Message>,
}

impl Outbox {
    pub fn publish(&self, parent: Option<&Header>, msg_type: &str, content: Value) {
        let _ = self.iopub.send(self.builder.iopub(parent, msg_type, content));
    }

    pub fn reply(&self, parent: &Message, msg_type: &str, content: Value) {
        let _ = self.shell.send(self.builder.reply(parent, msg_type, content));
    }

    fn status(&self, parent: Option<&Header>, state: &str) {
        self.publish(parent, "status", json!({ "execution_state": state }));
    }
}

/// The `kernel_info_reply` content.
pub fn kernel_info() -> Value {
    json!({
        "status": "ok",
        "protocol_version": PROTOCOL_VERSION,
        "implementation": "cloudbook",
        "implementation_version": crate::VERSION,
        "language_info": {
            "name": "rhai",
            "version": "1.27",
            "mimetype": "text/x-rhai",
            "file_extension": ".rhai",
            // Rhai's syntax is close enough to Rust's for both highlighters.
            "codemirror_mode": "rust",
            "pygments_lexer": "rust"
        },
        "banner": format!("Cloudbook {} — Rhai scripts against a simulated AWS account (type help() for the modules)", crate::VERSION),
        "debugger": false,
        "help_links": [
            { "text": "Rhai language book", "url": "https://rhai.rs/book/" },
            { "text": "AWS documentation", "url": "https://docs.aws.amazon.com/" }
        ]
    })
}

/// Runs the kernel described by a connection file until a shutdown request.
pub fn run(connection_file: &Path) -> Result<()> {
    crate::transport::serve(connection_file)
}

/// The engine thread: handles shell requests one at a time, in order.
pub struct Handler {
    pub session: Session,
    pub out: Outbox,
    /// Shell requests, verified, in arrival order.
    pub requests: std::sync::mpsc::Receiver<Message>,
    /// Set when the kernel should exit (shutdown_request on shell).
    pub exit: Arc<AtomicBool>,
    /// Requests that were queued when a cell failed with `stop_on_error` (taken before the
    /// failed cell's reply is sent, so a request sent after that reply is never aborted).
    queued_after_error: Vec<Message>,
    /// Housekeeping run once, the first time the kernel has answered a request and then
    /// waited [`Handler::quiet_before_housekeeping`] with none coming (the kernel releases
    /// its start-up code then: not while a client's first requests and their replies are
    /// still in flight, whose code it would unmap under them).
    pub when_first_idle: Option<Box<dyn FnOnce() + Send>>,
    pub quiet_before_housekeeping: std::time::Duration,
}

fn s<'a>(c: &'a Value, k: &str) -> &'a str {
    c.get(k).and_then(Value::as_str).unwrap_or("")
}

fn flag(c: &Value, k: &str, default: bool) -> bool {
    c.get(k).and_then(Value::as_bool).unwrap_or(default)
}

fn int(c: &Value, k: &str) -> Option<i64> {
    c.get(k).and_then(Value::as_i64)
}

fn error_content(e: &CellError) -> Value {
    json!({ "ename": e.ename, "evalue": e.evalue, "traceback": e.traceback })
}

/// A glob (`*`, `?`) match, as IPython's history search uses.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(sp) = star {
            pi = sp + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// How long a kernel waits, idle, before its first housekeeping: a client's opening requests
/// (kernel_info, then comm_info, history, the first cells) come in a burst.
const QUIET_BEFORE_HOUSEKEEPING: std::time::Duration = std::time::Duration::from_millis(100);

/// The session number history replies use (one session per kernel process).
const HISTORY_SESSION: i64 = 1;

impl Handler {
    pub fn new(session: Session, out: Outbox, requests: std::sync::mpsc::Receiver<Message>) -> Handler {
        Handler { session, out, requests, exit: Arc::new(AtomicBool::new(false)), queued_after_error: Vec::new(), when_first_idle: None, quiet_before_housekeeping: QUIET_BEFORE_HOUSEKEEPING }
    }

    /// The next request, waiting for one if none is queued (`None` once the sockets are gone).
    fn next_request(&mut self, answered_one: bool) -> Option<Message> {
        match self.requests.try_recv() {
            Ok(msg) => Some(msg),
            Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                if answered_one && self.when_first_idle.is_some() {
                    match self.requests.recv_timeout(self.quiet_before_housekeeping) {
                        Ok(msg) => return Some(msg),
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return None,
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                            if let Some(f) = self.when_first_idle.take() {
                                f();
                            }
                        }
                    }
                }
                self.requests.recv().ok()
            }
        }
    }

    /// Handles requests until a shutdown request or until the sockets go away.
    pub fn run(&mut self) {
        let mut answered_one = false;
        while let Some(msg) = self.next_request(answered_one) {
            answered_one = true;
            self.handle_contained(&msg);
            // stop_on_error: execute requests queued behind a failed cell are aborted, not run.
            for next in std::mem::take(&mut self.queued_after_error) {
                if next.msg_type() == "execute_request" {
                    self.abort(&next);
                } else {
                    self.handle_contained(&next);
                }
            }
            if self.exit.load(Ordering::SeqCst) {
                break;
            }
        }
    }

    /// [`Handler::handle`], with a panic (a bug outside cell execution, which the session
    /// already contains) logged instead of killing the engine thread; the request's `idle`
    /// is still published so clients do not wait forever.
    fn handle_contained(&mut self, msg: &Message) {
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.handle(msg))).is_err() {
            eprintln!("cloudbook: handling a `{}` request panicked (a bug); the kernel goes on", msg.msg_type());
            self.out.status(Some(&msg.header), "idle");
        }
    }

    /// Handles one shell request, wrapped in busy/idle.
    pub fn handle(&mut self, msg: &Message) {
        let parent = msg.header.clone();
        self.out.status(Some(&parent), "busy");
        let c = &msg.content;
        match msg.msg_type() {
            "kernel_info_request" => self.out.reply(msg, "kernel_info_reply", kernel_info()),
            "execute_request" => self.execute(msg),
            "complete_request" => {
                let code = s(c, "code");
                let cursor = int(c, "cursor_pos").map(|p| p.max(0) as usize).unwrap_or(code.chars().count());
                let r = self.session.complete(code, cursor);
                self.out.reply(
                    msg,
                    "complete_reply",
                    json!({ "status": "ok", "matches": r.matches, "cursor_start": r.cursor_start, "cursor_end": r.cursor_end, "metadata": {} }),
                );
            }
            "inspect_request" => {
                let code = s(c, "code");
                let cursor = int(c, "cursor_pos").map(|p| p.max(0) as usize).unwrap_or(code.chars().count());
                let text = complete::name_at(code, cursor).map(|n| self.session.help_text(&n)).filter(|t| !t.starts_with("help: nothing named"));
                let content = match text {
                    Some(t) => json!({ "status": "ok", "found": true, "data": { "text/plain": t }, "metadata": {} }),
                    None => json!({ "status": "ok", "found": false, "data": {}, "metadata": {} }),
                };
                self.out.reply(msg, "inspect_reply", content);
            }
            "is_complete_request" => {
                let (status, indent) = self.session.is_complete(s(c, "code"));
                let content = if status == "incomplete" { json!({ "status": status, "indent": indent }) } else { json!({ "status": status }) };
                self.out.reply(msg, "is_complete_reply", content);
            }
            "history_request" => {
                let history = self.history(c);
                self.out.reply(msg, "history_reply", json!({ "status": "ok", "history": history }));
            }
            "comm_info_request" => self.out.reply(msg, "comm_info_reply", json!({ "status": "ok", "comms": {} })),
            "shutdown_request" => {
                let restart = flag(c, "restart", false);
                self.out.reply(msg, "shutdown_reply", json!({ "status": "ok", "restart": restart }));
                self.exit.store(true, Ordering::SeqCst);
            }
            other => eprintln!("cloudbook: ignoring unsupported shell message `{other}`"),
        }
        self.out.status(Some(&parent), "idle");
    }

    /// Replies `aborted` to an execute request queued behind a failed cell.
    pub fn abort(&mut self, msg: &Message) {
        self.out.status(Some(&msg.header), "busy");
        self.out.reply(msg, "execute_reply", json!({ "status": "aborted", "execution_count": self.session.execution_count() }));
        self.out.status(Some(&msg.header), "idle");
    }

    fn execute(&mut self, msg: &Message) {
        let c = &msg.content;
        let code = s(c, "code").to_string();
        let silent = flag(c, "silent", false);
        let store_history = flag(c, "store_history", true) && !silent;
        let parent = msg.header.clone();
        let count_before = self.session.execution_count();
        let shown_count = if store_history { count_before + 1 } else { count_before.max(1) };
        if !silent {
            self.out.publish(Some(&parent), "execute_input", json!({ "code": code, "execution_count": shown_count }));
        }
        let out = self.out.clone();
        let p = parent.clone();
        let sink: crate::session::Sink = Box::new(move |o| {
            if silent {
                return;
            }
            match o {
                Output::Stream { name, text } => out.publish(Some(&p), "stream", json!({ "name": name.as_str(), "text": text })),
                Output::Display { data, display_id, update } => {
                    let transient = display_id.map(|id| json!({ "display_id": id })).unwrap_or_else(|| json!({}));
                    let kind = if update { "update_display_data" } else { "display_data" };
                    out.publish(Some(&p), kind, json!({ "data": data, "metadata": {}, "transient": transient }));
                }
                Output::ClearOutput { wait } => out.publish(Some(&p), "clear_output", json!({ "wait": wait })),
            }
        });
        let r = self.session.execute(&code, store_history, sink);
        let count = self.session.execution_count().max(shown_count);
        let payload: Vec<Value> = r.pages.iter().map(|p| json!({ "source": "page", "data": p, "start": 0 })).collect();
        let user_expressions = self.user_expressions(c.get("user_expressions"));
        match &r.error {
            None => {
                if let (Some(v), false) = (&r.value, silent) {
                    self.out.publish(Some(&parent), "execute_result", json!({ "execution_count": count, "data": v, "metadata": {} }));
                }
                self.out.reply(
                    msg,
                    "execute_reply",
                    json!({ "status": "ok", "execution_count": count, "payload": payload, "user_expressions": user_expressions }),
                );
            }
            Some(e) => {
                if !silent {
                    self.out.publish(Some(&parent), "error", error_content(e));
                }
                if flag(c, "stop_on_error", true) {
                    self.queued_after_error.extend(self.requests.try_iter());
                }
                let mut content = error_content(e);
                content["status"] = "error".into();
                content["execution_count"] = count.into();
                content["payload"] = Value::Array(payload);
                content["user_expressions"] = user_expressions;
                self.out.reply(msg, "execute_reply", content);
            }
        }
    }

    /// Evaluates `user_expressions` (name -> expression) after a cell: always an object, `{}` when none.
    fn user_expressions(&mut self, exprs: Option<&Value>) -> Value {
        let mut out = serde_json::Map::new();
        if let Some(Value::Object(m)) = exprs {
            for (name, expr) in m {
                let expr = expr.as_str().unwrap_or_default();
                let v = match self.session.evaluate(expr) {
                    Ok(data) => json!({ "status": "ok", "data": data, "metadata": {} }),
                    Err(e) => {
                        let mut c = error_content(&e);
                        c["status"] = "error".into();
                        c
                    }
                };
                out.insert(name.clone(), v);
            }
        }
        Value::Object(out)
    }

    /// `history_request`: tail, range and search (glob pattern), with or without outputs.
    fn history(&self, c: &Value) -> Vec<Value> {
        let output = flag(c, "output", false);
        let entries = self.session.history();
        let item = |h: &crate::session::HistoryEntry| {
            if output {
                json!([HISTORY_SESSION, h.count, [h.input, h.output]])
            } else {
                json!([HISTORY_SESSION, h.count, h.input])
            }
        };
        let n = int(c, "n").filter(|n| *n >= 0).map(|n| n as usize);
        let last_n = |v: Vec<&crate::session::HistoryEntry>| -> Vec<Value> {
            let skip = n.map(|n| v.len().saturating_sub(n)).unwrap_or(0);
            v[skip..].iter().map(|h| item(h)).collect()
        };
        match s(c, "hist_access_type") {
            "tail" => last_n(entries.iter().collect()),
            "range" => {
                let session = int(c, "session").unwrap_or(0);
                if session != 0 && session != HISTORY_SESSION && session != -1 && session != -HISTORY_SESSION {
                    return Vec::new();
                }
                let start = int(c, "start").unwrap_or(0);
                let stop = int(c, "stop").filter(|s| *s > 0);
                entries.iter().filter(|h| h.count as i64 >= start && stop.is_none_or(|s| (h.count as i64) < s)).map(item).collect()
            }
            "search" => {
                let pattern = s(c, "pattern");
                let unique = flag(c, "unique", false);
                let mut found: Vec<&crate::session::HistoryEntry> = entries.iter().filter(|h| glob(pattern, &h.input)).collect();
                if unique {
                    let mut seen = std::collections::BTreeSet::new();
                    let mut kept: Vec<_> = found.into_iter().rev().filter(|h| seen.insert(h.input.clone())).collect();
                    kept.reverse();
                    found = kept;
                }
                last_n(found)
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use parking_lot::Mutex;

    use super::*;

    #[test]
    fn glob_patterns() {
        assert!(glob("*", "anything"));
        assert!(glob("1 + *", "1 + 1"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "abbc"));
        assert!(glob("*kms::*(*", "let x = kms::encrypt(k)"));
        assert!(!glob("print*", "x = print(1)"));
    }

    #[test]
    fn first_idle_housekeeping_waits_for_a_quiet_moment_after_the_requests() {
        let (req_tx, req_rx) = std::sync::mpsc::channel();
        let (shell_tx, shell_rx) = tokio::sync::mpsc::unbounded_channel();
        let (iopub_tx, _iopub_rx) = tokio::sync::mpsc::unbounded_channel();
        let builder = Builder::new();
        let request = |code: &str| Message {
            identities: vec![],
            header: builder.header("execute_request"),
            parent_header: json!({}),
            metadata: json!({}),
            content: json!({ "code": code, "silent": false }),
            buffers: vec![],
        };
        for code in ["let a = 1;", "a + 1"] {
            req_tx.send(request(code)).unwrap();
        }
        let mut handler = Handler::new(Session::new(), Outbox { builder: builder.clone(), shell: shell_tx, iopub: iopub_tx }, req_rx);
        // A client that sends a third request as soon as it has both replies: that request
        // comes within the quiet time, so it is answered before the housekeeping runs.
        let replies = Arc::new(Mutex::new(0));
        let third = request("a + 2");
        let client = {
            let replies = replies.clone();
            let req_tx = req_tx.clone();
            std::thread::spawn(move || {
                let mut shell_rx = shell_rx;
                for n in 1..=3 {
                    shell_rx.blocking_recv().expect("a reply");
                    *replies.lock() = n;
                    if n == 2 {
                        req_tx.send(third.clone()).unwrap();
                    }
                }
            })
        };
        handler.quiet_before_housekeeping = std::time::Duration::from_secs(1);
        let replies_then = Arc::new(Mutex::new(None));
        let seen = replies_then.clone();
        handler.when_first_idle = Some(Box::new(move || {
            *seen.lock() = Some(*replies.lock());
            drop(req_tx); // no more requests: run() returns
        }));
        handler.run();
        client.join().unwrap();
        assert_eq!(*replies_then.lock(), Some(3), "ran once, after all three requests were answered");
        assert!(handler.when_first_idle.is_none());
    }

    #[test]
    fn kernel_info_names_rhai() {
        let k = kernel_info();
        assert_eq!(k["language_info"]["name"], "rhai");
        assert_eq!(k["language_info"]["file_extension"], ".rhai");
        assert_eq!(k["protocol_version"], "5.3");
    }
}

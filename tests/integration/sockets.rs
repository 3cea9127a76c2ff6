//! The kernel over real sockets: bad signatures are ignored, interrupts stop `loop {}` and
//! keep the scope, malformed multiparts do not kill the kernel, shutdown with restart exits.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cloudbook_kernel::wire::{self, Builder, Message, Signer};
use serde_json::{Value, json};
use zeromq::{DealerSocket, ReqSocket, Socket, SocketRecv, SocketSend, SubSocket, ZmqMessage};

pub(crate) const KEY: &str = "a0436f6c-1916-498b-8eb9-e81ab9368e84";
pub(crate) const WAIT: Duration = Duration::from_secs(20);

fn free_ports(n: usize) -> Vec<u16> {
    let ls: Vec<std::net::TcpListener> = (0..n).map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap()).collect();
    ls.iter().map(|l| l.local_addr().unwrap().port()).collect()
}

/// A kernel process and a client connected to all its sockets (shared with `abuse.rs`).
pub(crate) struct Client {
    pub(crate) child: Child,
    pub(crate) shell: DealerSocket,
    pub(crate) control: DealerSocket,
    pub(crate) iopub: SubSocket,
    pub(crate) hb: ReqSocket,
    pub(crate) ports: Vec<u16>,
    pub(crate) signer: Signer,
    pub(crate) builder: Builder,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) async fn recv_msg<S: SocketRecv>(s: &mut S, signer: &Signer) -> Message {
    let z = tokio::time::timeout(WAIT, s.recv()).await.expect("timed out waiting for a message").expect("recv failed");
    let frames: Vec<Bytes> = z.into_vec();
    wire::decode(&frames, signer).expect("the kernel sent a valid, signed message")
}

pub(crate) fn zmsg(frames: Vec<Vec<u8>>) -> ZmqMessage {
    ZmqMessage::try_from(frames.into_iter().map(Bytes::from).collect::<Vec<_>>()).unwrap()
}

impl Client {
    pub(crate) async fn start(tag: &str) -> Client {
        let dir = std::env::temp_dir().join(format!("cloudbook-it-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ports = free_ports(5);
        let conn = json!({
            "transport": "tcp", "ip": "127.0.0.1", "key": KEY, "signature_scheme": "hmac-sha256",
            "shell_port": ports[0], "iopub_port": ports[1], "stdin_port": ports[2], "control_port": ports[3], "hb_port": ports[4],
        });
        let file = dir.join("kernel.json");
        std::fs::write(&file, conn.to_string()).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_cloudbook"))
            .args(["kernel", "--connection-file"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let ep = |p: u16| format!("tcp://127.0.0.1:{p}");
        // The kernel binds a moment after it starts: retry connecting.
        async fn connect<S: Socket>(s: &mut S, ep: &str) {
            let until = Instant::now() + WAIT;
            while s.connect(ep).await.is_err() {
                assert!(Instant::now() < until, "cannot connect to {ep}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        let mut iopub = SubSocket::new();
        connect(&mut iopub, &ep(ports[1])).await;
        iopub.subscribe("").await.unwrap();
        let mut shell = DealerSocket::new();
        connect(&mut shell, &ep(ports[0])).await;
        let mut control = DealerSocket::new();
        connect(&mut control, &ep(ports[3])).await;
        let mut hb = ReqSocket::new();
        connect(&mut hb, &ep(ports[4])).await;
        let signer = Signer::new(KEY.as_bytes(), "hmac-sha256").unwrap();
        let mut c = Client { child, shell, control, iopub, hb, ports, signer, builder: Builder::new(), _dir: TempDir(dir) };
        // JEP 65: the subscription is welcomed, so nothing published after it is missed.
        let welcome = c.iopub_next().await;
        assert_eq!(welcome.msg_type(), "iopub_welcome");
        assert_eq!(welcome.content, json!({ "subscription": "" }));
        c
    }

    pub(crate) fn request(&self, msg_type: &str, content: Value) -> Message {
        Message {
            identities: vec![],
            header: self.builder.header(msg_type),
            parent_header: json!({}),
            metadata: json!({}),
            content,
            buffers: vec![],
        }
    }

    pub(crate) async fn send_shell(&mut self, m: &Message, signer: &Signer) {
        self.shell.send(zmsg(wire::encode(m, signer))).await.unwrap();
    }

    pub(crate) async fn iopub_next(&mut self) -> Message {
        let signer = self.signer.clone();
        recv_msg(&mut self.iopub, &signer).await
    }

    pub(crate) async fn shell_reply(&mut self) -> Message {
        let signer = self.signer.clone();
        recv_msg(&mut self.shell, &signer).await
    }

    /// Runs `code`; returns the execute_reply and the iopub messages up to idle.
    pub(crate) async fn execute(&mut self, code: &str) -> (Message, Vec<Message>) {
        let req = self.request("execute_request", json!({ "code": code, "silent": false, "store_history": true, "user_expressions": {}, "allow_stdin": false, "stop_on_error": true }));
        let signer = self.signer.clone();
        self.send_shell(&req, &signer).await;
        let mut outputs = Vec::new();
        loop {
            let m = self.iopub_next().await;
            if m.parent_header["msg_id"] != req.header.msg_id.as_str() {
                continue;
            }
            if m.msg_type() == "status" && m.content["execution_state"] == "idle" {
                break;
            }
            outputs.push(m);
        }
        let reply = self.shell_reply().await;
        assert_eq!(reply.parent_header["msg_id"], req.header.msg_id.as_str());
        (reply, outputs)
    }

    pub(crate) async fn result_text(&mut self, code: &str) -> String {
        let (reply, outs) = self.execute(code).await;
        assert_eq!(reply.content["status"], "ok", "{code}: {}", reply.content);
        outs.iter().find(|m| m.msg_type() == "execute_result").map(|m| m.content["data"]["text/plain"].as_str().unwrap().to_string()).unwrap_or_default()
    }

    pub(crate) async fn heartbeat(&mut self) -> Vec<u8> {
        self.hb.send(ZmqMessage::from(b"ping".to_vec())).await.unwrap();
        let z = tokio::time::timeout(WAIT, self.hb.recv()).await.expect("no heartbeat").unwrap();
        z.into_vec().concat()
    }
}

#[tokio::test]
async fn a_message_with_a_bad_signature_is_not_executed() {
    let mut c = Client::start("sig").await;
    let bad = Signer::new(b"not-the-key", "hmac-sha256").unwrap();
    let evil = c.request("execute_request", json!({ "code": "let hacked = 1;", "silent": false }));
    c.send_shell(&evil, &bad).await;
    // unsigned, too
    let unsigned = Signer::new(b"", "").unwrap();
    let evil2 = c.request("execute_request", json!({ "code": "let hacked2 = 1;", "silent": false }));
    c.send_shell(&evil2, &unsigned).await;
    assert_eq!(c.result_text("is_def_var(\"hacked\") || is_def_var(\"hacked2\")").await, "false");
    assert_eq!(c.result_text("1 + 1").await, "2", "the kernel goes on working");
    // and it said why it dropped them
    let _ = c.child.kill();
    let _ = c.child.wait();
    let mut log = String::new();
    std::io::Read::read_to_string(&mut c.child.stderr.take().unwrap(), &mut log).unwrap();
    assert!(log.contains("dropped a shell message: bad or missing HMAC signature"), "{log}");
}

#[tokio::test]
async fn interrupt_stops_an_endless_loop_and_keeps_the_scope() {
    let mut c = Client::start("int").await;
    assert_eq!(c.result_text("let kept = 5; kept").await, "5");
    let req = c.request("execute_request", json!({ "code": "loop { }", "silent": false }));
    let signer = c.signer.clone();
    c.send_shell(&req, &signer).await;
    // wait until it runs
    loop {
        let m = c.iopub_next().await;
        if m.msg_type() == "status" && m.content["execution_state"] == "busy" && m.parent_header["msg_id"] == req.header.msg_id.as_str() {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let int = c.request("interrupt_request", json!({}));
    c.control.send(zmsg(wire::encode(&int, &signer))).await.unwrap();
    let sent = Instant::now();
    let ir = recv_msg(&mut c.control, &signer).await;
    assert_eq!(ir.msg_type(), "interrupt_reply");
    let reply = c.shell_reply().await;
    let took = sent.elapsed();
    assert_eq!(reply.content["status"], "error");
    assert_eq!(reply.content["ename"], "KeyboardInterrupt");
    eprintln!("interrupt -> execute_reply took {took:?}");
    assert_eq!(c.result_text("kept + 1").await, "6", "the scope survives the interrupt");
}

#[tokio::test]
async fn malformed_multiparts_do_not_kill_the_kernel() {
    let mut c = Client::start("malformed").await;
    assert_eq!(c.heartbeat().await, b"ping");
    for frames in [
        vec![b"garbage".to_vec()],
        vec![b"<IDS|MSG>".to_vec(), b"sig".to_vec()],
        vec![b"<IDS|MSG>".to_vec(), vec![0xff; 64], vec![0xff, 0xfe], vec![], vec![0xc0], vec![]],
        vec![Vec::new(); 9],
    ] {
        c.shell.send(zmsg(frames.clone())).await.unwrap();
        c.control.send(zmsg(frames)).await.unwrap();
    }
    assert_eq!(c.heartbeat().await, b"ping", "heartbeat still answers");
    let signer = c.signer.clone();
    let ki = c.request("kernel_info_request", json!({}));
    c.send_shell(&ki, &signer).await;
    let reply = c.shell_reply().await;
    assert_eq!(reply.msg_type(), "kernel_info_reply");
    assert_eq!(reply.content["language_info"]["name"], "rhai");
    assert_eq!(c.result_text("40 + 2").await, "42");
}

#[tokio::test]
async fn shutdown_with_restart_replies_and_exits() {
    let mut c = Client::start("shutdown").await;
    assert_eq!(c.result_text("1").await, "1");
    let signer = c.signer.clone();
    let req = c.request("shutdown_request", json!({ "restart": true }));
    c.control.send(zmsg(wire::encode(&req, &signer))).await.unwrap();
    let reply = recv_msg(&mut c.control, &signer).await;
    assert_eq!(reply.msg_type(), "shutdown_reply");
    assert_eq!(reply.content, json!({ "status": "ok", "restart": true }));
    let until = Instant::now() + WAIT;
    let status = loop {
        if let Some(s) = c.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < until, "the kernel did not exit after shutdown");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success());
    // its ports are free again, so a restarted kernel can take them
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(std::net::TcpListener::bind(("127.0.0.1", c.ports[0])).is_ok());
}

#[tokio::test]
async fn outputs_come_before_idle_and_user_expressions_is_an_object() {
    let mut c = Client::start("order").await;
    let (reply, outs) = c.execute("print(\"a\"); display(#{ b: 1 }); 3").await;
    let kinds: Vec<&str> = outs.iter().map(|m| m.msg_type()).collect();
    assert_eq!(kinds, ["status", "execute_input", "stream", "display_data", "execute_result"]);
    assert_eq!(outs[0].content["execution_state"], "busy");
    assert_eq!(reply.content["user_expressions"], json!({}));
    assert_eq!(reply.content["payload"], json!([]));
    assert_eq!(reply.content["execution_count"], 1);
}

//! The floor `bench/kernel` compares against: a bare echo kernel on zeromq + tokio, with
//! Cloudbook's wire module for framing and HMAC signing and nothing else (no Rhai, no
//! stdlib). It answers kernel_info, echoes each cell's code as its execute_result (with
//! busy/idle around it), echoes heartbeats and exits on shutdown_request. What Cloudbook
//! costs beyond this is the price of Rhai and the simulated account.
//!
//! Run by `bench/kernel`: `echo_kernel --connection-file FILE`.

use std::path::PathBuf;

use bytes::Bytes;
use cloudbook_kernel::transport::ConnectionInfo;
use cloudbook_kernel::wire::{self, Builder, Message, Signer};
use serde_json::json;
use zeromq::{RepSocket, RouterSocket, Socket, SocketRecv, SocketSend, XPubSocket, ZmqMessage};

fn zmq(frames: Vec<Vec<u8>>) -> ZmqMessage {
    ZmqMessage::try_from(frames.into_iter().map(Bytes::from).collect::<Vec<_>>()).expect("a message has frames")
}

async fn bind<S: Socket>(mut s: S, info: &ConnectionInfo, port: u16) -> S {
    s.bind(&info.endpoint(port)).await.expect("bind");
    s
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let file = PathBuf::from(args.iter().skip_while(|a| *a != "--connection-file").nth(1).expect("usage: echo_kernel --connection-file FILE"));
    let info = ConnectionInfo::load(&file).expect("connection file");
    let signer = Signer::new(info.key.as_bytes(), &info.signature_scheme).expect("key");
    let builder = Builder::new();
    let mut shell = bind(RouterSocket::new(), &info, info.shell_port).await;
    let mut control = bind(RouterSocket::new(), &info, info.control_port).await;
    let _stdin = bind(RouterSocket::new(), &info, info.stdin_port).await;
    let mut iopub = bind(XPubSocket::new(), &info, info.iopub_port).await;
    let mut hb = bind(RepSocket::new(), &info, info.hb_port).await;
    tokio::spawn(async move {
        while let Ok(m) = hb.recv().await {
            let _ = hb.send(m).await;
        }
    });
    let kernel_info = json!({
        "status": "ok", "protocol_version": "5.3", "implementation": "echo", "implementation_version": "0",
        "language_info": { "name": "text", "version": "0", "mimetype": "text/plain", "file_extension": ".txt" },
        "banner": "echo", "help_links": []
    });
    let mut count = 0;
    loop {
        let (z, on_control) = tokio::select! {
            z = shell.recv() => (z, false),
            z = control.recv() => (z, true),
            _ = iopub.recv() => continue, // subscriptions
        };
        let Ok(msg) = z.map_err(|_| ()).and_then(|z| wire::decode(&z.into_vec(), &signer).map_err(|_| ())) else { continue };
        let send_iopub = |m: Message| zmq(wire::encode(&m, &signer));
        let reply = match msg.msg_type() {
            "kernel_info_request" => builder.reply(&msg, "kernel_info_reply", kernel_info.clone()),
            "shutdown_request" => {
                let r = builder.reply(&msg, "shutdown_reply", json!({ "status": "ok", "restart": false }));
                let _ = control.send(zmq(wire::encode(&r, &signer))).await;
                return;
            }
            "execute_request" => {
                count += 1;
                let code = msg.content["code"].clone();
                let _ = iopub.send(send_iopub(builder.iopub(Some(&msg.header), "status", json!({ "execution_state": "busy" })))).await;
                let _ = iopub.send(send_iopub(builder.iopub(Some(&msg.header), "execute_input", json!({ "code": code, "execution_count": count })))).await;
                let result = json!({ "data": { "text/plain": code }, "metadata": {}, "execution_count": count });
                let _ = iopub.send(send_iopub(builder.iopub(Some(&msg.header), "execute_result", result))).await;
                let r = builder.reply(&msg, "execute_reply", json!({ "status": "ok", "execution_count": count, "user_expressions": {} }));
                let _ = shell.send(zmq(wire::encode(&r, &signer))).await;
                let _ = iopub.send(send_iopub(builder.iopub(Some(&msg.header), "status", json!({ "execution_state": "idle" })))).await;
                continue;
            }
            _ => continue,
        };
        let z = zmq(wire::encode(&reply, &signer));
        let _ = if on_control { control.send(z).await } else { shell.send(z).await };
    }
}

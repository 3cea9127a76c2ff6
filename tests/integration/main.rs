//! Integration tests: the real `cloudbook` binary, driven over real ZeroMQ sockets (as a
//! Jupyter client would) and from the command line, plus the hardening tests (hostile
//! clients, world save/load). All in one test binary.

mod cli;
mod lab;
mod sockets;
mod abuse;
mod world_roundtrip;
mod api_sweep;

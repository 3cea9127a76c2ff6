//! Integration tests: the real `cloudbook` binary, driven over real ZeroMQ sockets (as a
//! Jupyter client would) and from the command line. All in one test binary.

mod cli;
mod lab;
mod sockets;

"""Measures a kernel the way a Jupyter client sees it (see bench/kernel)."""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import zmq

from jupyter_client import BlockingKernelClient


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def start(argv_of, tmp):
    ports = free_ports(5)
    conn = {
        "transport": "tcp", "ip": "127.0.0.1", "key": "bench-key", "signature_scheme": "hmac-sha256",
        "shell_port": ports[0], "iopub_port": ports[1], "stdin_port": ports[2], "control_port": ports[3], "hb_port": ports[4],
    }
    path = os.path.join(tmp, f"conn-{ports[0]}.json")
    with open(path, "w") as f:
        json.dump(conn, f)
    kc = BlockingKernelClient(connection_file=path)
    kc.load_connection_file()
    # The client starts before the kernel binds; with zmq's default 100 ms reconnect
    # interval the measurement would be the client's back-off, not the kernel's start.
    kc.context.setsockopt(zmq.RECONNECT_IVL, 2)
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv_of(path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc.start_channels()
    while True:
        kc.kernel_info()
        try:
            reply = kc.get_shell_msg(timeout=0.05)
        except Exception:
            continue
        if reply["msg_type"] == "kernel_info_reply":
            break
    started = time.perf_counter() - t0
    # drain iopub until quiet, so round trips start clean
    while True:
        try:
            kc.get_iopub_msg(timeout=0.3)
        except Exception:
            break
    return proc, kc, started


def stop(proc, kc):
    try:
        kc.shutdown()
        proc.wait(timeout=5)
    except Exception:
        proc.kill()
        proc.wait()
    kc.stop_channels()


def round_trip(kc, code):
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    while True:
        r = kc.get_shell_msg(timeout=10)
        if r["parent_header"].get("msg_id") == msg_id:
            break
    while True:
        m = kc.get_iopub_msg(timeout=10)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    return time.perf_counter() - t0


def rss_mib(pid, field="VmRSS"):
    """Resident memory in MiB: VmRSS (all resident pages) or RssAnon (private, not file-backed)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(kernels, code, starts, cells):
    """Start times, cell round trips and idle memory of each (name, argv_of) kernel. Starts and
    round trips are taken in turns (one of each kernel, then again), so a slow moment of the
    machine falls on every kernel alike and the ratios stay fair."""
    names = [name for name, _ in kernels]
    start_times = {name: [] for name in names}
    rts = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(starts):
            for name, argv_of in kernels:
                proc, kc, t = start(argv_of, tmp)
                start_times[name].append(t)
                stop(proc, kc)
        running = [(name, *start(argv_of, tmp)[:2]) for name, argv_of in kernels]
        for _, _, kc in running:
            for _ in range(20):
                round_trip(kc, code)
        for _ in range(cells):
            for name, _, kc in running:
                rts[name].append(round_trip(kc, code))
        time.sleep(0.5)
        rows = []
        for name, proc, kc in running:
            rt = sorted(rts[name])
            p99 = rt[min(len(rt) - 1, int(round(0.99 * len(rt))) - 1)]
            rows.append({"name": name, "start_ms": statistics.median(start_times[name]) * 1e3, "rt_median_ms": statistics.median(rt) * 1e3,
                         "rt_p99_ms": p99 * 1e3, "rss_mib": rss_mib(proc.pid), "anon_mib": rss_mib(proc.pid, "RssAnon")})
        for _, proc, kc in running:
            stop(proc, kc)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cloudbook", required=True)
    ap.add_argument("--floor", help="a bare echo kernel (bench/src/bin/echo_kernel.rs): the floor for any kernel on this stack")
    ap.add_argument("--starts", type=int, default=10)
    ap.add_argument("--cells", type=int, default=300)
    a = ap.parse_args()
    cb = os.path.abspath(a.cloudbook)
    kernels = [
        ("cloudbook", lambda f: [cb, "kernel", "--connection-file", f]),
        ("ipykernel", lambda f: [sys.executable, "-m", "ipykernel_launcher", "-f", f]),
    ]
    if a.floor:
        floor = os.path.abspath(a.floor)
        kernels.append(("echo floor", lambda f: [floor, "--connection-file", f]))
    rows = measure(kernels, "1", a.starts, a.cells)
    print(f"{'kernel':<10} {'start (median of %d)' % a.starts:>22} {'cell RT median':>15} {'cell RT p99':>12} {'idle RSS':>10} {'(anon)':>10}")
    for r in rows:
        print(f"{r['name']:<10} {r['start_ms']:>19.1f} ms {r['rt_median_ms']:>12.2f} ms {r['rt_p99_ms']:>9.2f} ms "
              f"{r['rss_mib']:>6.1f} MiB {r['anon_mib']:>6.1f} MiB")
    c = rows[0]
    for other in rows[1:]:
        print(f"{'ratio':<10} {c['start_ms'] / other['start_ms']:>22.3f} {c['rt_median_ms'] / other['rt_median_ms']:>15.3f} "
              f"{c['rt_p99_ms'] / other['rt_p99_ms']:>12.3f} {c['rss_mib'] / other['rss_mib']:>10.3f} {c['anon_mib'] / other['anon_mib']:>10.3f}"
              f"   (cloudbook / {other['name']})")
    print(f"cells: {a.cells} round trips of `1` (execute_request -> execute_reply and status idle); starts and round trips taken in turns")


if __name__ == "__main__":
    main()

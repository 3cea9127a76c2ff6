"""Records which functions of the cloudbook binary serve requests, for kernel/hot-symbols.txt.

Runs the release kernel three times with a Jupyter client: under callgrind with no cells and
with 50 trivial cells (a function whose instruction count grows with the cells is on the
serving path), and under `perf record` with 3,000 cells (callgrind's CPU lacks some features,
so functions chosen at run time by CPU detection, such as SHA-NI hashing, only show there).
Writes the serving functions' symbols, busiest first, then the start-up path's, for the linker
(see kernel/build.rs).
Usage: bench/hot-symbols (needs valgrind and perf)."""

import collections
import os
import re
import subprocess
import sys
import tempfile
import time

import kernel_bench as kb

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
EXE = os.path.join(ROOT, "target/release/cloudbook")


def drive(prefix, cells):
    with tempfile.TemporaryDirectory() as tmp:
        proc, kc, _ = kb.start(lambda path: prefix + [EXE, "kernel", "--connection-file", path], tmp)
        for _ in range(cells):
            kb.round_trip(kc, "1")
        time.sleep(0.5)
        kb.stop(proc, kc)
        proc.wait()


def callgrind_costs(cells, out):
    """Self instruction counts per function of our binary (mangled names)."""
    drive(["valgrind", "--tool=callgrind", "--demangle=no", "--dump-instr=no", "--dump-line=no",
           f"--callgrind-out-file={out}"], cells)
    names, objects, cost = {}, {}, collections.Counter()
    fn, ours, skip = None, False, False
    for line in open(out, errors="replace"):
        if skip:  # the inclusive cost line after `calls=`
            skip = False
            continue
        m = re.match(r"(ob|fn|cob|cfn)=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
        if m:
            kind, ident, name = m.groups()
            table = objects if kind in ("ob", "cob") else names
            if name:
                table[ident] = name
            if kind == "ob":
                ours = table[ident] == EXE
            elif kind == "fn":
                fn = re.sub(r"'\d+$", "", table[ident])  # callgrind marks recursion depth
        elif line.startswith("calls="):
            skip = True
        elif ours and fn and line[:1].isdigit():
            parts = line.split()
            if len(parts) >= 2:
                cost[fn] += int(parts[1])
    return cost


def perf_symbols(cells, out):
    drive(["perf", "record", "-q", "-F", "20000", "-o", out, "--"], cells)
    report = subprocess.run(["perf", "report", "-i", out, "--sort", "dso,symbol", "-g", "none", "--no-demangle"],
                            capture_output=True, text=True, check=True).stdout
    return [f[3] for f in (line.split() for line in report.splitlines() if not line.startswith("#"))
            if len(f) >= 4 and f[1] == "cloudbook" and f[2] == "[.]"]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        startup = callgrind_costs(0, os.path.join(tmp, "cg.startup"))
        serving = callgrind_costs(50, os.path.join(tmp, "cg.serving"))
        sampled = perf_symbols(3000, os.path.join(tmp, "perf.data"))
    hot = collections.Counter({f: c - startup.get(f, 0) for f, c in serving.items() if c > startup.get(f, 0)})
    order = [f for f, _ in hot.most_common()]
    order += [s for s in sampled if s not in hot and s not in startup]
    # Then the start-up path (building the session), so a starting kernel maps a few MB of
    # code in a few faults instead of 64 KiB windows all over .text. It runs once, and the
    # idle kernel drops it again (memory.rs).
    serving_count = len(order)
    order += [f for f, _ in startup.most_common() if f not in hot]
    path = os.path.join(ROOT, "kernel/hot-symbols.txt")
    with open(path, "w") as f:
        f.write("\n".join(order) + "\n")
    print(f"{serving_count} serving and {len(order) - serving_count} start-up functions -> {os.path.relpath(path, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""hostile-varlink-client.py - Varlink clients that try to make ccmd hold memory or
connections, for test-ccmd-hostile-clients. Each case runs against ccmd at SOCKET (pid
PID), samples ccmd's VmRSS while it runs, times a normal client (CCMCTL list --json)
meanwhile, prints what it measured, and exits 1 with a reason when a bound is broken.

Usage: hostile-varlink-client.py CASE SOCKET PID CCMCTL RSS_LIMIT_MIB
Cases: big-during-monitor, request-then-flood, pipelined, idle-clients, bad-names
"""
import json
import os
import socket
import subprocess
import sys
import time

case, path, pid, ccmctl, rss_limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
peak = 0


def fail(why):
    print(f"FAIL: {case}: {why}")
    sys.exit(1)


def rss_mib():
    """ccmd's VmRSS now, in MiB; the peak is kept."""
    global peak
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                v = int(line.split()[1]) / 1024
                peak = max(peak, v)
                return v
    fail("ccmd is gone")


def normal_client():
    """A well-behaved client: ccmctl list --json must answer, and fast."""
    t = time.monotonic()
    r = subprocess.run([ccmctl, "list", "--json"], capture_output=True, timeout=30)
    ms = (time.monotonic() - t) * 1000
    if r.returncode != 0:
        fail(f"a normal client was not served: {r.stderr.decode(errors='replace')}")
    json.loads(r.stdout)
    return ms


def connect():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    return s


def read_reply(s, buf=b""):
    while b"\0" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            return None, buf
        buf += chunk
    msg, _, rest = buf.partition(b"\0")
    return msg, rest


def report(extra=""):
    latency = normal_client()
    rss_mib()
    print(f"{case}: ccmd peak VmRSS {peak:.1f} MiB (limit {rss_limit}), "
          f"ccmctl list answered in {latency:.0f} ms{extra}")
    if peak > rss_limit:
        fail(f"ccmd's RSS reached {peak:.1f} MiB")
    if latency > 10000:
        fail(f"a normal client waited {latency:.0f} ms")


def flood(s, total, first=b""):
    """Sends @first, then bytes without NUL until @total, the peer closes, or it stops
    reading for 2 s. Returns (bytes sent, how it ended)."""
    s.settimeout(2)
    if first:
        s.sendall(first)
    block = b"x" * (1 << 20)
    sent = 0
    while sent < total:
        try:
            n = s.send(block)
        except socket.timeout:
            return sent, "blocked"
        except (BrokenPipeError, ConnectionResetError):
            return sent, "closed"
        sent += n
        if sent % (16 << 20) < n:
            rss_mib()
    return sent, "all sent"


if case == "big-during-monitor":
    # 256 MiB without a NUL while a Monitor call is open: dropped at the message limit.
    s = connect()
    s.sendall(b'{"method": "io.ccm.Manager.Monitor", "more": true, "parameters": {}}\0')
    msg, _ = read_reply(s)
    if not msg or "guests" not in json.loads(msg)["parameters"]:
        fail(f"Monitor did not answer: {msg!r}")
    sent, how = flood(s, 256 << 20)
    rss_mib()
    print(f"{case}: {sent >> 10} KiB sent, then the connection was {how}")
    if how != "closed" or sent > (16 << 20):
        fail(f"ccmd took {sent >> 20} MiB of one message ({how}); expected a close near 2 MiB")
    report()
elif case == "request-then-flood":
    # During Monitor, a complete request, then 256 MiB: ccmd stops reading (backpressure)
    # and the connection stays usable.
    s = connect()
    s.sendall(b'{"method": "io.ccm.Manager.Monitor", "more": true, "parameters": {}}\0')
    msg, _ = read_reply(s)
    sent, how = flood(s, 256 << 20, b'{"method": "io.ccm.Manager.List", "parameters": {}}\0')
    rss_mib()
    print(f"{case}: {sent >> 10} KiB sent before ccmd stopped reading ({how})")
    if how != "blocked" or sent > (16 << 20):
        fail(f"ccmd read {sent >> 20} MiB past an open call ({how}); expected it to stop reading")
    report()
    s.close()
elif case == "pipelined":
    # 100k calls whose replies are not read: ccmd stops reading; then the client reads
    # and gets every reply, in order.
    n = 100000
    req = b'{"method": "io.ccm.Manager.List", "parameters": {}}\0'
    data = req * n
    s = connect()
    s.settimeout(1.5)
    off = 0
    while off < len(data):
        try:
            off += s.send(data[off:off + (1 << 16)])
        except socket.timeout:
            break
    rss_mib()
    print(f"{case}: {off // len(req)} of {n} calls sent before ccmd stopped reading")
    if off >= len(data):
        fail("ccmd read all 100k calls without their replies being read")
    report()
    # Now read while sending the rest: every call is answered.
    s.settimeout(30)
    s.setblocking(True)
    import threading
    rest = data[off:]
    t = threading.Thread(target=lambda: s.sendall(rest))
    t.start()
    buf, got = b"", 0
    while got < n:
        chunk = s.recv(1 << 20)
        if not chunk:
            fail(f"ccmd closed the connection after {got} replies")
        buf += chunk
        got += buf.count(b"\0")
        last = buf.rfind(b"\0")
        if got == n:
            json.loads(buf[:last].split(b"\0")[-1])
        buf = buf[last + 1:]
        if got % 10000 == 0:
            rss_mib()
    t.join()
    print(f"{case}: all {got} replies arrived once read")
    report()
elif case == "idle-clients":
    # Run as a uid that is not root: @count connections, more than MaxClientsPerUser
    # (argv[6]); exactly that many are kept, and held for 2.5 s (the caller checks that
    # other uids are served meanwhile).
    cap, count = int(sys.argv[6]), int(sys.argv[7])
    start = time.monotonic()
    conns = [connect() for _ in range(count)]
    time.sleep(0.5)
    kept = 0
    for s in conns:
        s.settimeout(0.2)
        try:
            kept += s.recv(1) != b""
        except socket.timeout:
            kept += 1
    rss_mib()
    print(f"{case}: {count} connections by uid {os.getuid()}: {kept} kept, {count - kept} "
          f"refused; ccmd VmRSS {peak:.1f} MiB")
    if kept != cap:
        fail(f"{kept} connections kept, expected MaxClientsPerUser={cap}")
    if peak > rss_limit:
        fail(f"ccmd's RSS reached {peak:.1f} MiB")
    time.sleep(max(0, 2.5 - (time.monotonic() - start)))
elif case == "fresh-client":
    # One GetInfo call; prints whether it was served.
    s = connect()
    s.settimeout(5)
    try:
        s.sendall(b'{"method": "org.varlink.service.GetInfo", "parameters": {}}\0')
        msg, _ = read_reply(s)
    except OSError:
        msg = None
    print("served" if msg and json.loads(msg).get("parameters", {}).get("product") == "ccmd" else "refused")
elif case == "idle-then-closed":
    # A connection that says nothing is closed after the idle timeout (argv[6] s).
    timeout = int(sys.argv[6])
    s = connect()
    s.settimeout(timeout + 5)
    t = time.monotonic()
    r = s.recv(1)
    waited = time.monotonic() - t
    print(f"{case}: closed by ccmd after {waited:.1f} s (ClientIdleTimeoutSec={timeout})")
    if r != b"" or waited < timeout - 0.5:
        fail(f"closed after {waited:.1f} s")
elif case == "bad-names":
    # Every method that takes a name, with names that are not: InvalidParameter, valid
    # UTF-8 JSON, never the guest v0.
    names = [b'"\xff"', b'"v0\\u0000x"', b'"v0\xc3"', ("\"" + "a" * 65 + "\"").encode(),
             b'""', b'42', b'"-v0"', b'"v0/x"', b'"..\\/v0"']
    for method in ["Status", "Start", "Stop", "Kill", "Measure", "Remove"]:
        for name in names:
            s = connect()
            s.settimeout(10)
            s.sendall(b'{"method": "io.ccm.Manager.' + method.encode() + b'", "parameters": {"name": ' + name + b'}}\0')
            msg, _ = read_reply(s)
            s.close()
            if msg is None:
                fail(f"{method}({name!r}): no reply")
            try:
                reply = json.loads(msg.decode("utf-8", errors="strict"))
            except (UnicodeDecodeError, ValueError) as e:
                fail(f"{method}({name!r}): the reply is not UTF-8 JSON ({e}): {msg!r}")
            if reply.get("error") != "org.varlink.service.InvalidParameter" or \
                    reply.get("parameters") != {"parameter": "name"}:
                fail(f"{method}({name!r}): {reply}")
    # A path that is not UTF-8 reaches a reply escaped, as valid JSON.
    s = connect()
    s.sendall(b'{"method": "io.ccm.Manager.Add", "parameters": {"path": "/nonexistent/\xff.guest", "spec": "[Guest]\\nName=\xfe\\n"}}\0')
    msg, _ = read_reply(s)
    try:
        reply = json.loads(msg.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError) as e:
        fail(f"Add with a non-UTF-8 path: not UTF-8 JSON ({e}): {msg!r}")
    print(f"{case}: {len(names)} bad names x 6 methods refused as InvalidParameter name; "
          f"Add with bytes that are not UTF-8: {reply.get('error')}")
    report()
else:
    fail("unknown case")

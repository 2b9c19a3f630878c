#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""echo-broker.py - a broker (or a proxy in front of one) that echoes each request.

Some proxies and debugging endpoints answer an error with the request they received,
headers included; ccm must then not print the admin token it sent. Answers every POST
with --status (default 401) and a text body holding the request line and headers;
with --echo-json, answers POST with 200 and every GET with 200 and the headers as a
JSON object (a read-back that is not what ccm wrote). Prints its port on stdout.
"""
import argparse
import http.server
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--status", type=int, default=401)
    ap.add_argument("--echo-json", action="store_true")
    args = ap.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self, status, ctype, body):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _drain(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n:
                self.rfile.read(n)

        def do_POST(self):
            self._drain()
            if args.echo_json:
                self._answer(200, "application/json", "null")
                return
            text = "%s %s\n%s" % (self.command, self.path, str(self.headers))
            self._answer(args.status, "text/plain", "request was: " + text)

        def do_GET(self):
            self._answer(200, "application/json", json.dumps({"echo": dict(self.headers)}))

        def log_message(self, *a):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""webhook_server.py - a loopback HTTP endpoint for tests/it/daemon_webhook.sh.

    webhook_server.py --port-file F --log F [--fail-first N [--match S]] [--hang]
                      [--tls CERT KEY]

Listens on 127.0.0.1, an ephemeral port written to --port-file once it
accepts.  Each POST is answered 500 for the first N requests, then 200,
(with --match, only requests whose body holds S are counted and
failed: the daemon may post other installs' alerts meanwhile), and
logged to --log as one JSON line after the answer: the path, the
headers, the status given and the body (parsed when it is JSON, else
the raw text under "raw").  --hang accepts connections and never answers
(a stuck endpoint).  --tls serves HTTPS with that certificate.  Exits after --timeout seconds (default 600).
"""
import argparse
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--match", default="")
    ap.add_argument("--hang", action="store_true")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--timeout", type=int, default=600)
    a = ap.parse_args()
    threading.Timer(a.timeout, lambda: __import__("os")._exit(0)).start()

    if a.hang:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        held = []
        open(a.port_file, "w").write(f"{s.getsockname()[1]}\n")
        while True:
            c, _ = s.accept()
            held.append(c)  # read nothing, answer nothing

    lock = threading.Lock()
    seen = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n).decode("utf-8", "replace")
            status = 200
            if a.match in body:
                with lock:
                    seen[0] += 1
                    if seen[0] <= a.fail_first:
                        status = 500
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = {"raw": body}
            entry = {"path": self.path, "headers": dict(self.headers.items()),
                     "status": status, "time": time.time(), "body": parsed}
            with lock, open(a.log, "a") as f:
                f.write(json.dumps(entry) + "\n")

        def log_message(self, *args):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*a.tls)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    open(a.port_file, "w").write(f"{srv.server_address[1]}\n")
    srv.serve_forever()


if __name__ == "__main__":
    main()

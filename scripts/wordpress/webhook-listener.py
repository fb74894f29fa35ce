#!/usr/bin/env python3
"""A tiny loopback HTTP listener for scripts/wordpress-bridge-check.sh: records every POST as one JSON line
({"path", "api_key", "content_type", "body"}) in OUT_FILE and answers 200 {"ok": true}.

usage: webhook-listener.py PORT OUT_FILE
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace")
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw
        record = {
            "path": self.path,
            "api_key": self.headers.get("X-IGNY8-API-KEY"),
            "content_type": self.headers.get("Content-Type"),
            "body": body,
        }
        with open(self.server.out_file, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        reply = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def main():
    port, out_file = int(sys.argv[1]), sys.argv[2]
    server = HTTPServer(("127.0.0.1", port), Handler)
    server.out_file = out_file
    server.serve_forever()


if __name__ == "__main__":
    main()

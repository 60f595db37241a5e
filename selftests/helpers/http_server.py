#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""http_server.py ADDR PORT NAME - a small HTTP/1.1 server on one address
that answers every GET with "served by NAME".  HTTP/1.1 requests keep their
connection open (keep-alive), HTTP/1.0 requests close it after the reply."""
import http.server
import socket
import sys

addr, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
body = f"served by {name}\n".encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 65536	# a reply leaves in one write: head and body together

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    daemon_threads = True


Server((addr, port), Handler).serve_forever()

"""pipeline.fetch.fetch_url against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

from pipeline.errors import InputError
from pipeline.fetch import fetch_url

PAGE = b"<html><body><p>Ginger may ease nausea in early pregnancy, a small trial suggests.</p></body></html>"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    # A proxy from the environment would intercept requests to 127.0.0.1.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server():
    """Base URL of a threaded server; slow handlers stall until teardown releases them."""
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, code, body=b"", ctype="text/html; charset=utf-8", length=True, headers=()):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            if length:
                self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/ok":
                self.send(200, PAGE)
            elif self.path == "/redirect":
                self.send(302, headers=[("Location", "/ok")])
            elif self.path == "/to-ftp":
                self.send(302, headers=[("Location", "ftp://127.0.0.1/secret")])
            elif self.path == "/slow-headers":
                release.wait(5)
                self.send(200, PAGE)
            elif self.path == "/slow-body":
                self.send_response(200)
                self.send_header("Content-Length", "5000")
                self.end_headers()
                self.wfile.write(b"<html>")
                self.wfile.flush()
                release.wait(5)
            elif self.path == "/big-streamed":
                self.send(200, b"<p>" + b"x" * 200_000, length=False)  # no Content-Length: read until close
            elif self.path == "/big-declared":
                self.send(200, b"x" * 5000)
            elif self.path == "/gzip":
                self.send(200, b"\x1f\x8b", headers=[("Content-Encoding", "gzip")])
            else:
                self.send(404, b"not here")

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    release.set()
    httpd.shutdown()
    httpd.server_close()


def test_ok_page(server):
    body, content_type, final_url = fetch_url(server + "/ok", timeout=5, max_bytes=10_000)
    assert body == PAGE
    assert content_type == "text/html; charset=utf-8"
    assert final_url == server + "/ok"


def test_redirect_gives_final_url(server):
    body, _, final_url = fetch_url(server + "/redirect", timeout=5, max_bytes=10_000)
    assert body == PAGE and final_url == server + "/ok"


def test_redirect_to_other_scheme_is_refused(server):
    with pytest.raises(InputError, match="redirected to a non-http"):
        fetch_url(server + "/to-ftp", timeout=5, max_bytes=10_000)


def test_http_error_status(server):
    with pytest.raises(InputError) as info:
        fetch_url(server + "/missing", timeout=5, max_bytes=10_000)
    assert info.value.reason == "HTTP 404 Not Found"
    assert info.value.path == server + "/missing"


@pytest.mark.parametrize("path", ["/slow-headers", "/slow-body"])
def test_timeout(server, path):
    with pytest.raises(InputError, match=r"cannot reach 127\.0\.0\.1: timed out after 0\.2 s"):
        fetch_url(server + path, timeout=0.2, max_bytes=10_000)


@pytest.mark.parametrize("path", ["/big-streamed", "/big-declared"])
def test_too_big(server, path):
    with pytest.raises(InputError, match="larger than 1000 bytes"):
        fetch_url(server + path, timeout=5, max_bytes=1000)


def test_exactly_max_bytes_is_fine(server):
    body, _, _ = fetch_url(server + "/ok", timeout=5, max_bytes=len(PAGE))
    assert body == PAGE


def test_compressed_response_is_refused(server):
    with pytest.raises(InputError, match="Content-Encoding: gzip"):
        fetch_url(server + "/gzip", timeout=5, max_bytes=1000)


def test_unreachable_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(InputError, match=rf"^http://127\.0\.0\.1:{port}/x: cannot reach 127\.0\.0\.1: "):
        fetch_url(f"http://127.0.0.1:{port}/x", timeout=2, max_bytes=1000)


@pytest.mark.parametrize(("url", "reason"), [
    ("file:///etc/passwd", "unsupported URL scheme 'file'"),
    ("ftp://127.0.0.1/a.txt", "unsupported URL scheme 'ftp'"),
    ("http:///no-host", "URL has no host"),
])
def test_only_http_urls(url, reason):
    with pytest.raises(InputError, match=reason):
        fetch_url(url, timeout=1, max_bytes=1000)

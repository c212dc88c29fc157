"""Fetching http(s) URLs with the standard library: a timeout, a deadline, a size cap, clear errors.

The timeout bounds each wait (connecting, or one read), so it alone cannot stop a server that
sends a byte a second. The deadline bounds the whole download, redirects included: when it passes,
a watchdog thread shuts the download's sockets, which ends any read blocked on them.
"""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from pipeline import __version__
from pipeline.errors import InputError

SCHEMES = ("http", "https")
_CHUNK = 64 * 1024


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    # urllib would follow a redirect to ftp://; we only ever read http(s).
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise InputError(req.full_url, f"redirected to a non-http(s) URL: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Deadline:
    """Shuts every socket of one download once ``seconds`` have passed."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.expired = False
        self._sockets: list = []
        self._lock = threading.Lock()
        self._timer = None
        if seconds is not None:
            self._timer = threading.Timer(max(0.0, seconds), self._expire)
            self._timer.daemon = True
            self._timer.start()

    def connect(self, *args, **kwargs):
        """``socket.create_connection``, with the socket watched (and refused once expired)."""
        if self.expired:
            raise TimeoutError("deadline passed")
        sock = socket.create_connection(*args, **kwargs)
        with self._lock:
            self._sockets.append(sock)
            late = self.expired
        if late:
            self._shut(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)  # wakes a recv blocked in another thread
        except OSError:
            pass

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


class _Watching:
    """A urllib handler whose connections open their sockets through ``deadline.connect``."""

    def __init__(self, deadline: _Deadline):
        super().__init__()
        self.deadline = deadline

    def do_open(self, http_class, req, **kwargs):
        deadline = self.deadline

        class Watched(http_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self._create_connection = deadline.connect

        return super().do_open(Watched, req, **kwargs)


class _HttpHandler(_Watching, urllib.request.HTTPHandler):
    pass


class _HttpsHandler(_Watching, urllib.request.HTTPSHandler):
    pass


_REDIRECT_LOOP = "redirect error that would lead to an infinite loop"


def check_url(url: str) -> None:
    """InputError unless ``url`` is a well-formed http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a bad port
    except ValueError as exc:
        raise InputError(url, f"malformed URL ({exc})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise InputError(url, f"unsupported URL scheme {parts.scheme!r} (only http and https)")
    if not parts.hostname:
        raise InputError(url, "URL has no host")


def fetch_url(url: str, *, timeout: float, max_bytes: int, deadline: float | None = None) -> tuple[bytes, str, str]:
    """GET ``url``: (body, content type, final URL after redirects).

    ``timeout``: seconds of silence allowed (connecting, or between reads); ``deadline``: seconds the
    whole download may take (None: no limit). Raises InputError for other schemes, HTTP errors
    ("HTTP 404 Not Found"), network failures and timeouts ("cannot reach HOST: reason"), a download
    past the deadline, and bodies over ``max_bytes`` ("larger than N bytes").
    """
    check_url(url)
    host = urlsplit(url).hostname
    request = urllib.request.Request(url, headers={
        "User-Agent": f"claimcheck/{__version__}",
        "Accept": "text/html, application/xhtml+xml, text/plain;q=0.9, */*;q=0.1",
        "Accept-Encoding": "identity",  # we do not decompress
    })
    watch = _Deadline(deadline)
    opener = urllib.request.build_opener(_HttpOnlyRedirects, _HttpHandler(watch), _HttpsHandler(watch))
    try:
        body, content_type, final_url = _fetch(opener, request, url, host, timeout, max_bytes)
    except InputError:
        if watch.expired:
            raise _late(url, deadline) from None
        raise
    finally:
        watch.cancel()
    if watch.expired:  # the shut socket may have looked like the end of a body without a length
        raise _late(url, deadline)
    return body, content_type, final_url


def _late(url: str, deadline: float) -> InputError:
    return InputError(url, f"download took longer than {deadline:g} s (the limit ingest.fetch_deadline)")


def _fetch(opener, request, url: str, host: str, timeout: float, max_bytes: int) -> tuple[bytes, str, str]:
    try:
        with opener.open(request, timeout=timeout) as response:
            final_url = response.geturl()
            content_type = response.headers.get("Content-Type", "")
            encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                raise InputError(url, f"compressed response (Content-Encoding: {encoding}) is not supported")
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise InputError(url, f"larger than {max_bytes} bytes ({length} bytes)")
            body = _read_capped(response, url, max_bytes)
    except (ValueError, http.client.InvalidURL) as exc:  # URLs that pass check_url but not http.client
        raise InputError(url, f"malformed URL ({exc})") from None
    except urllib.error.HTTPError as exc:
        exc.close()
        if _REDIRECT_LOOP in str(exc.reason):
            raise InputError(url, f"redirect loop (HTTP {exc.code}: redirected too many times)") from None
        raise InputError(url, f"HTTP {exc.code} {' '.join(str(exc.reason).split())}") from None
    except urllib.error.URLError as exc:
        raise InputError(url, f"cannot reach {host}: {_reason(exc.reason, timeout)}") from None
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        # Timeouts and resets while reading the body arrive here, not as URLError.
        raise InputError(url, f"cannot reach {host}: {_reason(exc, timeout)}") from None
    return body, content_type, final_url


def _read_capped(response, url: str, max_bytes: int) -> bytes:
    chunks, size = [], 0
    while True:
        chunk = response.read(min(_CHUNK, max_bytes + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise InputError(url, f"larger than {max_bytes} bytes")


def _reason(reason, timeout: float) -> str:
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return " ".join(str(reason).split()) or type(reason).__name__

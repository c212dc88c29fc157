"""Fetching http(s) URLs with the standard library: a timeout, a size cap, clear errors."""

from __future__ import annotations

import http.client
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


def fetch_url(url: str, *, timeout: float, max_bytes: int) -> tuple[bytes, str, str]:
    """GET ``url``: (body, content type, final URL after redirects).

    Raises InputError for other schemes, HTTP errors ("HTTP 404 Not Found"), network failures and
    timeouts ("cannot reach HOST: reason"), and bodies over ``max_bytes`` ("larger than N bytes").
    """
    check_url(url)
    host = urlsplit(url).hostname
    request = urllib.request.Request(url, headers={
        "User-Agent": f"claimcheck/{__version__}",
        "Accept": "text/html, application/xhtml+xml, text/plain;q=0.9, */*;q=0.1",
        "Accept-Encoding": "identity",  # we do not decompress
    })
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
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
        raise InputError(url, f"HTTP {exc.code} {exc.reason}") from None
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
    return str(reason) or type(reason).__name__

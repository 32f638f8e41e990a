"""Serving stored files with HTTP range requests, so videos seek and resume on slow links."""

from __future__ import annotations

import re

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


class _Slice:
    """A file-like view of ``length`` bytes from ``start`` (FileResponse streams it)."""

    def __init__(self, f, start: int, length: int):
        self.f = f
        self.remaining = length
        f.seek(start)

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data = self.f.read(size)
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.f.close()


def serve_file(
    request, field_file, *, content_type: str, filename: str, as_attachment: bool = False, cache_seconds: int = 3600
) -> HttpResponse:
    """Serve a stored file; honours a single ``Range: bytes=a-b`` (206) and answers 416 when out of range."""
    size = field_file.size
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": f"private, max-age={cache_seconds}",
        "X-Content-Type-Options": "nosniff",
        # Files come from authors and imported packs: opened on their own (an SVG, an HTML file)
        # they must not run scripts on this origin.
        "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; media-src 'self'; "
        "style-src 'unsafe-inline'; sandbox",
    }
    disposition = content_disposition_header(as_attachment, filename)
    if disposition:
        headers["Content-Disposition"] = disposition
    header = request.headers.get("Range", "")
    m = _RANGE.match(header.strip()) if header else None
    if header and m and (m.group(1) or m.group(2)):
        first, last = m.group(1), m.group(2)
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:
            length = int(last)
            start, end = max(0, size - length), size - 1
        if start >= size or end < start:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            for k, v in headers.items():
                response[k] = v
            return response
        f = field_file.open("rb")
        response = FileResponse(_Slice(f, start, end - start + 1), status=206, content_type=content_type)
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(field_file.open("rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    for k, v in headers.items():
        response[k] = v
    return response

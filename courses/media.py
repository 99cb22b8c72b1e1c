"""Serve a protected media file with HTTP Range support.

Videos must not sit in a public folder, so they go through a view that checks access.
Browsers need byte ranges to seek and resume; Django's FileResponse does not answer
Range requests. Behind nginx, PROTECTED_MEDIA_ACCEL_PREFIX hands the file to nginx
(X-Accel-Redirect), which handles ranges itself.
"""

import mimetypes
import os
import re

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK_SIZE = 64 * 1024


def _read_range(path, start, length):
    with open(path, "rb") as handle:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def protected_file_response(request, field_file):
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    if settings.PROTECTED_MEDIA_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PROTECTED_MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + field_file.name
        return _private(response)

    path = field_file.path
    size = os.path.getsize(path)
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if not match or (not match[1] and not match[2]):
        response = FileResponse(open(path, "rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return _private(response)

    if match[1]:
        start = int(match[1])
        end = min(int(match[2]), size - 1) if match[2] else size - 1
    else:  # "bytes=-N": the last N bytes
        start, end = max(size - int(match[2]), 0), size - 1
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    length = end - start + 1
    response = StreamingHttpResponse(_read_range(path, start, length), status=206, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return _private(response)


def _private(response):
    # Per-user content: browsers may cache it, shared caches must not.
    response["Cache-Control"] = "private, max-age=3600"
    return response

"""Static files a browser keeps: each page names our files with a fingerprint of their content
(`?v=…`), so that a browser keeps them a year and still fetches a file as soon as it changes;
the files that style sheets name themselves (the design system's fonts and icons), and Flask-Admin's
own, are kept an hour. A page then costs one request rather than twenty, which a parent on a
phone's network feels."""

import hashlib
import os
from datetime import timedelta
from functools import lru_cache

from flask import Flask, has_request_context, request
from werkzeug.security import safe_join

FINGERPRINTED_MAX_AGE = int(timedelta(days=365).total_seconds())
PLAIN_MAX_AGE = int(timedelta(hours=1).total_seconds())
# The query argument that carries a fingerprint; Flask-Admin names its files with its version.
VERSION_ARG = "v"
# Static URLs a process keeps once built (a page names about ten; each build costs more than
# the rest of a line of the template).
BUILT_URLS = 256


def is_static(endpoint: str | None) -> bool:
    """The app's static files ("static") and any blueprint's ("admin.static")."""
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


@lru_cache(maxsize=1024)
def _digest(path: str, modified_ns: int, size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def fingerprint(folder: str, filename: str) -> str | None:
    """A short digest of the file's content, or None when there is no such file. Recomputed when
    the file changes (its time and size are part of the key), read once otherwise."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        status = os.stat(path)
    except OSError:
        return None
    return _digest(path, status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=1024)
def _fingerprint_once(folder: str, filename: str) -> str | None:
    return fingerprint(folder, filename)


def init_app(app: Flask) -> None:
    # Files change under a running app only in development (edited, or assets rebuilt): there the
    # file is looked at on every URL; elsewhere once per process.
    watched = app.debug or app.config["ONBOARDING_ENV"] == "development"
    of = fingerprint if watched else _fingerprint_once

    @app.url_defaults
    def _fingerprint_static_urls(endpoint, values):
        if endpoint == "static" and VERSION_ARG not in values and "filename" in values:
            version = of(app.static_folder, values["filename"])
            if version is not None:
                values[VERSION_ARG] = version

    if not watched:
        app.jinja_env.globals["url_for"] = _keeping_static_urls(app.jinja_env.globals["url_for"])

    @app.after_request
    def _let_browsers_keep_static_files(response):
        if is_static(request.endpoint) and response.status_code in (200, 304):
            control = response.cache_control
            control.no_cache = None
            control.public = True
            if request.args.get(VERSION_ARG):
                control.max_age = FINGERPRINTED_MAX_AGE
                control.immutable = True
            else:
                control.max_age = PLAIN_MAX_AGE
        return response


def _keeping_static_urls(url_for):
    """The templates' `url_for`, which builds a static file's URL once a process: it names the
    file and its fingerprint, which do not change there, under the request's script root (a URL
    without its host, as `url_for` gives it in a request)."""
    built: dict[tuple[str, str], str] = {}

    def keeping(endpoint: str, **values) -> str:
        if endpoint != "static" or values.keys() != {"filename"} or not has_request_context():
            return url_for(endpoint, **values)
        key = (values["filename"], request.script_root)
        url = built.get(key)
        if url is None:
            url = url_for(endpoint, **values)
            if len(built) < BUILT_URLS:
                built[key] = url
        return url

    return keeping

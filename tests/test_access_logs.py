"""The servers' access logs print a request's path and its parameters' names, never a key
carried by a path nor a parameter's value (a name searched, a child's birth date…)."""

import contextlib
import logging
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger
from werkzeug.serving import make_server


class Kept(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def kept():
    """What the werkzeug and gunicorn access loggers write, after their filters."""
    handler = Kept()
    loggers = [logging.getLogger(name) for name in ("werkzeug", "gunicorn.access")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield handler.lines
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_the_development_server_logs_no_searched_name_nor_birth_date(app, kept):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        for path in (
            "/recherche?q=Bordeaux&birth_date=2025-06-01&page=2",
            "/admin/candidate/?search=Dupont-Lagarde&flt0_status=filed",
            "/recherche/alerte/Zm9vYmFyc2VjcmV0/confirmer",
        ):
            # A refusal (an unknown alert) is logged all the same.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(base + path, timeout=10).close()
    finally:
        server.shutdown()
        thread.join()
    written = "\n".join(kept)
    assert "GET /recherche?q=[masqué]&birth_date=[masqué]&page=[masqué] HTTP/1.1" in written
    assert "GET /admin/candidate/?search=[masqué]&flt0_status=[masqué] HTTP/1.1" in written
    assert "GET /recherche/alerte/[lien masqué]/confirmer HTTP/1.1" in written
    for personal in ("Bordeaux", "2025-06-01", "Dupont", "Zm9vYmFyc2VjcmV0"):
        assert personal not in written


def test_gunicorn_logs_neither_the_request_nor_the_referer_values(app, kept):
    config = Config()
    config.set("accesslog", "/dev/null")
    logger = Logger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/auth/proconnect/retour?code=SECRETCODE&state=STATE42",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": "https://assmat.example/recherche?q=Talence&birth_date=2025-02-03",
        "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64)",
    }
    response = SimpleNamespace(status="302 FOUND", sent=0, headers=[])
    try:
        logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    finally:
        # The handlers gunicorn's logger set up (it marks them), closed.
        for name in ("gunicorn.access", "gunicorn.error"):
            for handler in logging.getLogger(name).handlers[:]:
                if getattr(handler, "_gunicorn", False):
                    logging.getLogger(name).removeHandler(handler)
                    handler.close()
    (line,) = kept
    assert '"GET /auth/proconnect/retour?code=[masqué]&state=[masqué] HTTP/1.1" 302' in line
    assert '"https://assmat.example/recherche?q=[masqué]&birth_date=[masqué]"' in line
    assert '"Mozilla/5.0 (X11; Linux x86_64)"' in line
    for personal in ("SECRETCODE", "STATE42", "Talence", "2025-02-03"):
        assert personal not in line


def test_a_line_without_parameters_or_key_is_left_as_it_is(app, kept):
    logging.getLogger("werkzeug").info(
        '%s - - "%s" %s -', "127.0.0.1", "GET /recherche HTTP/1.1", 200
    )
    assert kept == ['127.0.0.1 - - "GET /recherche HTTP/1.1" 200 -']

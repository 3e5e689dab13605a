"""Static files: named in pages with a fingerprint of their content and kept a year; the files
style sheets name (fonts, icons) and Flask-Admin's kept an hour; pages never kept."""

import hashlib
import re

import flask

from onboarding import static_files

YEAR = 365 * 24 * 3600
HOUR = 3600


def static_links(html: str, prefix: str = "/static/") -> list[str]:
    return re.findall(rf'(?:href|src)="({re.escape(prefix)}[^"]+)"', html)


def test_a_page_names_each_static_file_with_the_fingerprint_of_what_is_served(client):
    links = static_links(client.get("/recherche").get_data(as_text=True))
    assert len(links) >= 4
    for link in links:
        query = link.partition("?")[2]
        match = re.fullmatch(r"v=([0-9a-f]{12})", query)
        assert match, link
        served = client.get(link)
        assert served.status_code == 200, link
        assert hashlib.sha256(served.data).hexdigest()[:12] == match[1], link


def test_fingerprinted_files_are_kept_a_year_the_others_an_hour(client):
    link = next(
        link
        for link in static_links(client.get("/").get_data(as_text=True))
        if "dsfr.min.css" in link
    )
    control = client.get(link).cache_control
    assert (control.max_age, control.immutable, control.public) == (YEAR, True, True)
    assert not control.no_cache

    plain = client.get("/static/vendor/dsfr/dsfr.min.css")
    assert plain.status_code == 200
    assert (plain.cache_control.max_age, plain.cache_control.immutable) == (HOUR, False)
    # Asked again with its ETag: "not modified", for another hour.
    again = client.get(
        "/static/vendor/dsfr/dsfr.min.css", headers={"If-None-Match": plain.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.cache_control.max_age == HOUR


def test_pages_and_missing_files_are_not_kept(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/recherche").headers["Cache-Control"] == "no-store"
    missing = client.get("/static/vendor/dsfr/nothing-here.css?v=0123456789ab")
    assert missing.status_code == 404
    assert missing.cache_control.max_age is None


def test_flask_admin_files_are_kept_too(client, auth, admin_user):
    auth.login(admin_user.email)
    links = static_links(client.get("/admin/").get_data(as_text=True), prefix="/admin/static/")
    assert links
    for link in links:
        served = client.get(link)
        assert served.status_code == 200, link
        assert served.headers["Cache-Control"] != "no-store", link
        assert served.cache_control.max_age in (HOUR, YEAR), link


def test_the_fingerprint_follows_the_content_and_stays_in_its_folder(tmp_path):
    (tmp_path / "panel.css").write_text("a {}")
    first = static_files.fingerprint(str(tmp_path), "panel.css")
    assert first == hashlib.sha256(b"a {}").hexdigest()[:12]
    assert static_files.fingerprint(str(tmp_path), "panel.css") == first
    (tmp_path / "panel.css").write_text("a { color: red }")
    assert static_files.fingerprint(str(tmp_path), "panel.css") not in (None, first)
    assert static_files.fingerprint(str(tmp_path), "missing.css") is None
    assert static_files.fingerprint(str(tmp_path / "sub"), "../panel.css") is None


def test_static_endpoints_are_the_apps_and_the_blueprints():
    assert static_files.is_static("static")
    assert static_files.is_static("admin.static")
    assert not static_files.is_static("search.results")
    assert not static_files.is_static(None)


def test_static_urls_built_once_follow_the_script_root_and_the_options_asked(app, client):
    plain = static_links(client.get("/recherche").get_data(as_text=True))
    mounted = client.get("/recherche", environ_overrides={"SCRIPT_NAME": "/assmat"})
    prefixed = static_links(mounted.get_data(as_text=True), prefix="/assmat/static/")
    assert prefixed == ["/assmat" + link for link in plain]
    assert static_links(client.get("/recherche").get_data(as_text=True)) == plain

    template = "{{ url_for('static', filename='search/search.css', _external=True) }}"
    with app.test_request_context("/recherche"):
        relative = flask.render_template_string(template.replace(", _external=True", ""))
        external = flask.render_template_string(template)
        host = flask.request.host_url.rstrip("/")
    assert relative.startswith("/static/search/search.css?v=")
    assert external == host + relative

"""Links to the carers a search found, for the search page and the API."""

from flask import url_for


def carer_links(hits, **url_args) -> dict[int, str]:
    """Each result's link to her page (with `url_args`: the search it carries, `_external`):
    built once, the same for all but her number, which is written in (the URL builder took
    longer than the rest of a result)."""
    path, _, query_string = url_for("search.carer_page", carer_id=0, **url_args).partition("?")
    # Her number is the path's last part.
    stem = path.removesuffix("0")
    suffix = f"?{query_string}" if query_string else ""
    return {hit.carer_id: f"{stem}{hit.carer_id}{suffix}" for hit in hits}

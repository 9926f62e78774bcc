"""Keyset pagination is stable while records are added; the export streams NDJSON and CSV and
logs one row per call with the records and bytes sent."""

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.test import override_settings

from sharing.exchange import services
from sharing.exchange.api import views
from sharing.exchange.api.views import _Logged, _Stream
from sharing.exchange.models import AccessLog

from .conftest import APPROVED, ROWS, pull

pytestmark = pytest.mark.django_db


def test_keyset_pages_neither_skip_nor_repeat_while_records_arrive(client, world, resource, agreement, token):
    first = pull(
        client, resource.code, token, url=f"/api/exchange/resources/{resource.code}/records/?limit=3"
    ).json()
    assert first["count"] == 3 and first["next"]
    # The provider loads new records and changes an old one between the consumer's pages.
    services.records_load(
        actor=world.provider,
        resource=resource,
        rows=[{"id_number": "110101199001099999", "name": "新人"}, {**ROWS[0], "name": "改名"}],
    )
    keys = [r["key"] for r in first["results"]]
    url = first["next"]
    pages = 1
    while url:
        page = pull(client, resource.code, token, url=url).json()
        keys += [r["key"] for r in page["results"]]
        url = page["next"]
        pages += 1
    assert len(keys) == len(set(keys)) == 8
    assert keys[-1] == "110101199001099999"
    assert pages == 3
    assert AccessLog.objects.filter(status=200).count() == 3


def test_bad_page_parameters_are_refused_and_logged(client, resource, agreement, token):
    response = pull(
        client, resource.code, token, url=f"/api/exchange/resources/{resource.code}/records/?after=x"
    )
    assert response.status_code == 400 and response.json()["error"] == "bad_parameter"
    assert AccessLog.objects.get().outcome == "bad_parameter"


@override_settings(EXCHANGE_PAGE_SIZE_MAX=2)
def test_limit_is_capped(client, resource, agreement, token):
    url = f"/api/exchange/resources/{resource.code}/records/?limit=500"
    assert pull(client, resource.code, token, url=url).json()["count"] == 2


def _export(client, resource, token, fmt):
    url = f"/api/exchange/resources/{resource.code}/records/export?format={fmt}"
    response = pull(client, resource.code, token, url=url)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert AccessLog.objects.count() == 0  # written when the stream ends, not before
    content = b"".join(response.streaming_content)  # the test client closes the response at the end
    log = AccessLog.objects.get()
    assert (log.status, log.records, log.bytes) == (200, 7, len(content))
    return content.decode()


@override_settings(EXCHANGE_EXPORT_CHUNK=2)
def test_ndjson_export(client, resource, agreement, token):
    lines = _export(client, resource, token, "ndjson").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 7
    assert all(set(r["data"]) == set(APPROVED) for r in rows)


def test_csv_export(client, resource, agreement, token):
    rows = list(csv.reader(io.StringIO(_export(client, resource, token, "csv"))))
    assert rows[0] == ["id", "key", "version", "updated_at", "disputed", *APPROVED]
    assert len(rows) == 8
    assert "birth_date" not in rows[0]


def test_export_refusals_are_logged_once(client, resource, agreement, token):
    url = f"/api/exchange/resources/{resource.code}/records/export?format=xml"
    response = pull(client, resource.code, token, url=url)
    assert response.status_code == 400 and response.json()["error"] == "bad_format"
    response = pull(client, resource.code, None, url=url)
    assert response.status_code == 401
    assert list(AccessLog.objects.order_by("sequence").values_list("outcome", flat=True)) == [
        "bad_format",
        "credential_required",
    ]


def test_the_export_hands_the_server_buffers_not_one_write_per_record(client, resource, agreement, token):
    url = f"/api/exchange/resources/{resource.code}/records/export?format=ndjson"
    parts = list(pull(client, resource.code, token, url=url).streaming_content)
    assert len(parts) == 1 and b"".join(parts).count(b"\n") == 7  # 7 small records: one buffer
    log = AccessLog.objects.get()
    assert (log.outcome, log.records, log.bytes) == ("ok", 7, len(parts[0]))


def test_an_export_stopped_early_is_logged_as_interrupted(rf, resource, monkeypatch):
    """A stream that breaks off (here an error after two lines) logs what was sent, as interrupted."""
    monkeypatch.setattr(views, "STREAM_BUFFER", 1)  # every line is handed over at once

    def chunks():
        yield 1, '{"id": 1}\n'
        yield 1, '{"id": 2}\n'
        raise RuntimeError("the database went away")

    request = rf.get(f"/api/exchange/resources/{resource.code}/records/export")
    stream = _Stream(chunks(), _Logged(request, resource.code), content_type="application/x-ndjson")
    content = iter(stream)
    first = next(content)
    with pytest.raises(RuntimeError):
        list(content)
    stream._finish()  # what close() does when the server closes the response: no second row
    log = AccessLog.objects.get()
    assert (log.outcome, log.records, log.bytes, log.resource_code) == (
        "interrupted",
        2,
        2 * len(first),
        resource.code,
    )


def test_lines_still_in_the_buffer_when_the_stream_breaks_are_not_counted_as_sent(rf, resource):
    def chunks():
        yield 1, '{"id": 1}\n'  # smaller than the buffer: never handed to the server
        raise RuntimeError("the database went away")

    request = rf.get(f"/api/exchange/resources/{resource.code}/records/export")
    stream = _Stream(chunks(), _Logged(request, resource.code), content_type="application/x-ndjson")
    with pytest.raises(RuntimeError):
        list(stream)
    log = AccessLog.objects.get()
    assert (log.outcome, log.records, log.bytes) == ("interrupted", 0, 0)

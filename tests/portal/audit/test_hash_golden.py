"""The bytes an audit event hashes never change: a chain written by an older release must verify
with this one. The digest below was computed by the release before audit_verify's fast path."""

import datetime
import decimal
import uuid

from portal.audit import chain

PAYLOAD = {
    "sequence": 7,
    "before": {
        "a": 1.0,
        "b": [1, 2.5, (3, "x")],
        4: True,
        "d": decimal.Decimal("1.50"),
        "e": None,
        "f": {"g": datetime.date(2026, 11, 27), "h": uuid.UUID(int=5), "i": "张三"},
    },
    "after": [{"z": 2e20}, False],
    "ip": None,
}


def test_the_hash_of_a_known_payload_is_unchanged():
    assert chain.compute_hash(PAYLOAD) == "1323a1b19f753b6fd8019acab005d9a351ccf25293f7ae0dabae3c1de2af2872"


def test_the_canonical_form_is_the_one_documented():
    expected = b'{"a":{"1":[1.5,true,null]},"b":2}'
    assert chain.canonical_json({"b": 2.0, "a": {1: [1.5, True, None]}}) == expected

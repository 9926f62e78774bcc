"""The exchange API: consumers pull records with a credential; providers push records.

Every pull call (list or export, refused or not) writes exactly one access-log row: `dispatch`
writes it once the response is known, or — for a streaming export — when the stream ends.
"""

from __future__ import annotations

import csv
import io
import json

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import authentication, exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.audit.context import current_context
from portal.audit.middleware import client_ip
from sharing.models import DataResource

from .. import access, chain, conf, loaders, permissions, services
from .authentication import CredentialAuthentication

HEADERS = [
    OpenApiParameter(
        "X-Purpose", str, OpenApiParameter.HEADER, required=True, description="Purpose or case number."
    ),
    OpenApiParameter(
        "X-End-User", str, OpenApiParameter.HEADER, required=True, description="The official served."
    ),
    OpenApiParameter(
        "X-Consumer", str, OpenApiParameter.HEADER, description="Your unit code (checked when sent)."
    ),
]


def header(request, name: str) -> str:
    """A header's text. WSGI hands over header bytes decoded as Latin-1; clients (curl, requests)
    send Chinese purposes and names as UTF-8, so such a value is decoded again as UTF-8."""
    value = request.headers.get(name, "")
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


class _Logged:
    """Collects what the access-log row records and writes it exactly once."""

    def __init__(self, request, code: str):
        self.written = False
        self.fields = {
            "time_in": timezone.now(),
            "request_id": getattr(request, "request_id", "") or current_context().request_id,
            "method": request.method,
            "path": request.get_full_path(),
            "client_ip": client_ip(request),
            "resource_code": code,
            "purpose": header(request, "X-Purpose"),
            "end_user": header(request, "X-End-User"),
        }

    def write(self, **fields):
        if self.written:
            return None
        self.written = True
        return chain.append(**{**self.fields, **fields})


STREAM_BUFFER = 64 * 1024  # bytes the export hands the server at a time


class _Stream(StreamingHttpResponse):
    """A streaming response that logs its call when the stream ends. A stream that stops early
    (the client went away, an error) is logged as `interrupted` with what was sent so far."""

    def __init__(self, chunks, log: _Logged, **kwargs):
        self._log, self._records, self._bytes, self._complete = log, 0, 0, False
        super().__init__(self._counted(chunks), **kwargs)

    def _counted(self, chunks):
        # One record per chunk would be one socket write (and one HTTP chunk frame) per record:
        # the server writes whole buffers of about STREAM_BUFFER bytes instead.
        pending: list[bytes] = []
        records = size = 0
        try:
            for n, chunk in chunks:
                data = chunk.encode("utf-8")
                pending.append(data)
                records += n
                size += len(data)
                if size >= STREAM_BUFFER:
                    self._records += records
                    self._bytes += size
                    yield b"".join(pending)
                    pending, records, size = [], 0, 0
            if pending:
                self._records += records
                self._bytes += size
                yield b"".join(pending)
            self._complete = True
        finally:
            self._finish()

    def _finish(self):
        self._log.write(
            status=self.status_code,
            outcome="ok" if self._complete else "interrupted",
            records=self._records,
            bytes=self._bytes,
        )

    def close(self):
        self._finish()  # before request_finished, which may close the database connection
        super().close()


class _PullView(APIView):
    permission_classes: list = []
    authentication_classes = [CredentialAuthentication]

    def dispatch(self, request, *args, **kwargs):
        self.log = _Logged(request, kwargs.get("code", ""))
        try:
            response = super().dispatch(request, *args, **kwargs)
        except Exception:
            self.log.write(status=500, outcome="error")
            raise
        if not isinstance(response, _Stream):
            if isinstance(response, Response) and not response.is_rendered:
                response.render()
            outcome = getattr(response, "exchange_outcome", "ok" if response.status_code < 400 else "error")
            self.log.write(
                status=response.status_code,
                outcome=outcome,
                records=getattr(response, "exchange_records", 0),
                bytes=len(response.content),
            )
        return response

    def perform_content_negotiation(self, request, force=False):
        # Always JSON for errors; `?format=` belongs to the export, not to DRF's renderer override.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def perform_authentication(self, request):
        pass  # done in _grant, so that a bad credential is refused (and logged) like any other refusal

    def _refuse(self, refused: access.Refused) -> JsonResponse:
        self.log.fields.setdefault("outcome", refused.code)
        response = JsonResponse({"error": refused.code, "detail": refused.message}, status=refused.status)
        response.exchange_outcome = refused.code
        if refused.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="exchange"'
        return response

    def _grant(self, request, code: str) -> access.Grant:
        asked = DataResource.objects.filter(code=code).values("pk", "provider_id").first()
        if asked:  # known even when the credential is refused, so the provider sees the attempt
            self.log.fields.update(resource_id=asked["pk"], provider_id=asked["provider_id"])
        try:
            credential = request.auth
        except exceptions.AuthenticationFailed as exc:
            raise access.Refused(401, "invalid_credential", str(exc.detail)) from None
        context: dict = {}
        try:
            return access.authorise_pull(
                credential=credential,
                resource_code=code,
                purpose=header(request, "X-Purpose"),
                end_user=header(request, "X-End-User"),
                consumer_code=header(request, "X-Consumer"),
                today=timezone.localdate(),
                context=context,
            )
        finally:
            self.log.fields.update(context)
            if credential is not None and not self.log.fields.get("provider_id"):
                self.log.fields["provider_id"] = credential.agreement.provider_id


class RecordsView(_PullView):
    """GET: pull a page of records (credential).

    POST: push records (a provider steward's session or basic auth)."""

    def get_authenticators(self):
        push = [authentication.SessionAuthentication(), authentication.BasicAuthentication()]
        method = getattr(getattr(self, "request", None), "method", None)
        if method == "POST":
            return push
        if method is None:  # schema generation: name every scheme the endpoint accepts
            return [*super().get_authenticators(), *push]
        return super().get_authenticators()

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            return APIView.dispatch(self, request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        summary="Pull records (only the agreement's approved items), keyset-paginated",
        parameters=[
            *HEADERS,
            OpenApiParameter("after", int, description="The `next` cursor of the previous page."),
            OpenApiParameter("limit", int, description="Records per page."),
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            401: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
        },
    )
    def get(self, request, code):
        try:
            grant = self._grant(request, code)
            after, limit = _page_params(request)
        except access.Refused as refused:
            return self._refuse(refused)
        qs = access.records_queryset(grant)
        if after is not None:
            qs = qs.filter(id__gt=after)
        page = list(qs[: limit + 1])
        more = len(page) > limit
        page = page[:limit]
        next_url = None
        if more:
            query = request.GET.copy()
            query["after"] = str(page[-1].pk)
            query["limit"] = str(limit)
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        body = {
            "resource": grant.resource.code,
            "agreement": grant.agreement.number,
            "items": grant.item_codes,
            "count": len(page),
            "next": next_url,
            "results": [access.project(r, grant) for r in page],
        }
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
        response.exchange_records = len(page)
        return response

    @extend_schema(
        summary="Push records (provider's data stewards): all or nothing",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request, code):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        resource = DataResource.objects.filter(code=code).first()
        if resource is None:
            raise exceptions.NotFound(_("No resource has the code %(code)s.") % {"code": code})
        # Refuse before reading the body: who may push does not depend on what is pushed.
        if not permissions.can_load_records(request.user, resource):
            raise exceptions.PermissionDenied(_("Only the provider's data stewards may load its records."))
        rows = request.data.get("records") if isinstance(request.data, dict) else request.data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise exceptions.ValidationError({"records": [_("Send a list of objects keyed by item code.")]})
        try:
            report = services.records_load(actor=request.user, resource=resource, rows=rows)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except loaders.RowErrors as exc:
            return Response({"detail": str(exc.message), "rows": exc.errors}, status=400)
        return Response(report.as_dict())


def _page_params(request) -> tuple[int | None, int]:
    try:
        after = request.GET.get("after")
        after = int(after) if after not in (None, "") else None
        limit = int(request.GET.get("limit") or conf.page_size())
    except ValueError:
        raise access.Refused(400, "bad_parameter", _("after and limit must be whole numbers.")) from None
    if limit < 1:
        raise access.Refused(400, "bad_parameter", _("limit must be at least 1."))
    return after, min(limit, conf.page_size_max())


class ExportView(_PullView):
    @extend_schema(
        summary="Stream every record (NDJSON or CSV) with the approved items",
        parameters=[*HEADERS, OpenApiParameter("format", str, enum=["ndjson", "csv"])],
        responses={200: OpenApiTypes.BINARY},
    )
    def get(self, request, code):
        fmt = request.GET.get("format", "ndjson")
        try:
            grant = self._grant(request, code)
            if fmt not in ("ndjson", "csv"):
                raise access.Refused(400, "bad_format", _("format must be ndjson or csv."))
        except access.Refused as refused:
            return self._refuse(refused)
        rows = access.records_queryset(grant).iterator(chunk_size=conf.export_chunk())
        if fmt == "ndjson":
            chunks = _ndjson(rows, grant)
            content_type = "application/x-ndjson; charset=utf-8"
        else:
            chunks = _csv(rows, grant)
            content_type = "text/csv; charset=utf-8"
        response = _Stream(chunks, self.log, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{grant.resource.code}.{fmt}"'
        return response


def _ndjson(rows, grant):
    for record in rows:
        yield 1, json.dumps(access.project(record, grant), ensure_ascii=False) + "\n"


def _csv(rows, grant):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "key", "version", "updated_at", "disputed", *grant.item_codes])
    yield 0, buffer.getvalue()
    for record in rows:
        buffer.seek(0)
        buffer.truncate()
        row = access.project(record, grant)
        values = ["" if row["data"][c] is None else row["data"][c] for c in grant.item_codes]
        writer.writerow(
            [row["id"], row["key"] or "", row["version"], row["updated_at"], row["disputed"], *values]
        )
        yield 1, buffer.getvalue()

"""`Authorization: Bearer <prefix>.<secret>`: the consumer system's credential (one agreement)."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..services.credentials import find_credential


class CredentialAuthentication(authentication.BaseAuthentication):
    """Authenticates the credential only (its secret). Whether it may be used today — revoked,
    expired, its agreement usable, the right resource — is checked on every call by
    `sharing.exchange.access.authorise_pull`, so refusals carry their own reason and are logged."""

    keyword = b"bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed credential: Bearer <prefix>.<secret>."))
        credential = find_credential(header[1].decode("latin-1"))
        if credential is None:
            raise exceptions.AuthenticationFailed(_("Unknown or wrong credential."))
        return AnonymousUser(), credential

    def authenticate_header(self, request):
        return 'Bearer realm="exchange"'


class CredentialAuthenticationScheme(OpenApiAuthenticationExtension):
    """Names the credential in the OpenAPI schema (a bearer token `<prefix>.<secret>`)."""

    target_class = CredentialAuthentication
    name = "exchangeCredential"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "<prefix>.<secret>",
            "description": "An exchange credential, scoped to one agreement (docs/data-sharing.md).",
        }

"""`Authorization: Bearer <prefix>.<secret>`: the consumer system's credential (one agreement)."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
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

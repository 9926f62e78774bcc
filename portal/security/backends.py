"""django-axes' backend, tolerant of authenticate() calls without a request.

Axes refuses a locked-out username + IP before any password is checked, but raises when called
without a request (the test client's `login()`, management commands). Those calls have no client
IP to count, so this backend simply abstains for them and the next backend decides.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

"""Settings of the results app, read when used (so `override_settings` works in tests).

- `RESULTS_ISSUE_DAYS` (default 10): working days from the decision within which the certificate
  is issued or delivered [law: 行政许可法 art. 44; working days per art. 82].
- The verify URL printed in each certificate's QR code starts with the platform's existing
  `NOTIFICATIONS_BASE_URL` (default "http://127.0.0.1:8000"), the same scheme and host that links in
  e-mails use; there is no second base-URL setting.
- `RESULTS_REGISTER_PAGE_SIZE` (default 20): rows per page of the public register.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.notifications import conf as notifications_conf

ISSUE_BASIS = _("Administrative Licensing Law, art. 44")
VERIFY_SALT = "approvals.results.verify"


def issue_days() -> int:
    return int(getattr(settings, "RESULTS_ISSUE_DAYS", 10))


def base_url() -> str:
    return notifications_conf.base_url()


def register_page_size() -> int:
    return int(getattr(settings, "RESULTS_REGISTER_PAGE_SIZE", 20))

"""Settings of the approvals app that a city configures, with their defaults (docs/configuration.md)."""

from django.conf import settings

# 告知承诺: how many working days after a grant on pledge the lead department has to verify it.
PLEDGE_VERIFICATION_DAYS = int(getattr(settings, "PLEDGE_VERIFICATION_DAYS", 40))
# How long (calendar days) a false pledge bars the applicant from pledge-based acceptance.
PLEDGE_BAR_DAYS = int(getattr(settings, "PLEDGE_BAR_DAYS", 365))
# The longest an applicant may authorise a government agent for at once (calendar days).
AGENT_GRANT_MAX_DAYS = int(getattr(settings, "AGENT_GRANT_MAX_DAYS", 366))

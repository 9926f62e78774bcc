"""Authentication hardening, security headers and rate limits (issue 10). See docs/security.md."""

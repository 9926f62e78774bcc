from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from coordination.demo import DemoLoader, logins_text


class Command(BaseCommand):
    help = (
        "Load the fictional demo city, then each app's demo data (idempotent: running it again adds "
        "nothing). An app above coordination contributes by defining load_demo() in its demo.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("--logins-only", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, **options):
        # Stored texts (clock labels, notifications) are written in the city's language.
        with translation.override(settings.LANGUAGE_CODE):
            self._load(**options)

    def _load(self, logins_only=False, **options):
        if logins_only:
            self.stdout.write(logins_text())
            return
        created = DemoLoader().load()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo city loaded: {created} units created."))
        else:
            self.stdout.write("Demo city already loaded; nothing to add.")
        # Apps above this one are found by name, like admin.py modules, so coordination imports none.
        for config in apps.get_app_configs():
            if config.name in ("coordination",) or find_spec(f"{config.name}.demo") is None:
                continue
            loader = getattr(import_module(f"{config.name}.demo"), "load_demo", None)
            if loader is not None:
                self.stdout.write(f"{config.verbose_name}: {loader()}")

from django.core.management.base import BaseCommand

from coordination.demo import DemoLoader, logins_text


class Command(BaseCommand):
    help = "Load the fictional demo city (idempotent: running it again adds nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--logins-only", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, logins_only=False, **options):
        if logins_only:
            self.stdout.write(logins_text())
            return
        created = DemoLoader().load()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo city loaded: {created} units created."))
        else:
            self.stdout.write("Demo city already loaded; nothing to add.")

"""Django's migrate, safe to run from several servers starting at the same time.

Each server's start command runs the migrations (scripts/serve.sh). On PostgreSQL they
take turns on an advisory lock: the first applies what is missing, the others then find
nothing left to do, instead of racing to create the same tables.
"""

from django.core.management.commands.migrate import Command as DjangoMigrateCommand
from django.db import connections

# Any fixed number works, as long as every server uses the same one.
LOCK_ID = 0x626F617264  # "board"


class Command(DjangoMigrateCommand):
    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
        try:
            return super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])

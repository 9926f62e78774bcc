"""PostgreSQL: refuse UPDATE and DELETE on the access log (append-only, like the audit trail).

Other databases (the SQLite demo) get nothing: there `manage.py accesslog_verify` is the guard.
No TRUNCATE trigger (the test runner truncates); in production the application's role should
neither own the table nor hold TRUNCATE on it (docs/audit.md, docs/data-exchange.md).
"""

from django.db import migrations

FUNCTION = "exchange_accesslog_append_only"
TRIGGER = "exchange_accesslog_append_only"
TABLE = "exchange_accesslog"

CREATE = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % on %.% is not allowed', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING HINT = 'Every call writes a new row; rows are never changed or deleted.';
END;
$$;
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
CREATE TRIGGER {TRIGGER}
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

DROP = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]

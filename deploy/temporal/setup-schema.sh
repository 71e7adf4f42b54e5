#!/bin/sh
# One-shot job (temporalio/admin-tools): create Temporal's databases and migrate their
# schemas. Idempotent: "create" keeps an existing database, "setup-schema -v 0.0" keeps a
# newer version, and "update-schema" only applies the versions not yet applied.
# The password comes from SQL_PASSWORD in the environment, not from the command line.
set -eu

SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

sql_tool() {
    temporal-sql-tool --plugin "$DB" --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

migrate() {
    database=$1
    schema_dir=$2
    echo "Temporal schema: $database"
    sql_tool --db "$database" create
    sql_tool --db "$database" setup-schema -v 0.0
    sql_tool --db "$database" update-schema -d "$SCHEMA_ROOT/$schema_dir/versioned"
}

migrate temporal temporal
migrate temporal_visibility visibility
echo "Temporal schemas are up to date"

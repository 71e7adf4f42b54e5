#!/bin/sh
# Runs once, on the first start with an empty volume (docker-entrypoint-initdb.d).
# The application gets its own role and database, apart from Temporal's, so each can be
# backed up, restored or dropped on its own.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v app_db="$APP_DB_NAME" -v app_user="$APP_DB_USER" -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
SQL

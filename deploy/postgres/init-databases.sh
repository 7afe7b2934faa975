#!/usr/bin/env bash
# Runs once, when the postgres container starts on an empty data volume (the image runs
# /docker-entrypoint-initdb.d/* then, as the superuser POSTGRES_USER). One role and one
# database each for the ERP, Rasa's tracker store and the gateway: no process can read or
# change another's tables, and none of them is a superuser.
# Passwords reach SQL as psql variables (:'name' quotes them), never pasted into the text.
set -euo pipefail

create_role_and_database() {  # role, password, database
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
        -v role="$1" -v password="$2" -v database="$3" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
}

create_role_and_database "$ERP_DB_USER" "$ERP_DB_PASSWORD" "$ERP_DB_NAME"
create_role_and_database "$RASA_DB_USER" "$RASA_DB_PASSWORD" "$RASA_DB_NAME"
create_role_and_database "$GATEWAY_DB_USER" "$GATEWAY_DB_PASSWORD" "$GATEWAY_DB_NAME"

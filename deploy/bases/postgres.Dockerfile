# Stand-in for postgres:15.10-bookworm (deploy/bases/build.sh): Debian's PostgreSQL 15 with an
# entry point that honours what the official one does for this product: POSTGRES_USER,
# POSTGRES_PASSWORD, POSTGRES_DB, /docker-entrypoint-initdb.d/ on an empty volume, the data in
# /var/lib/postgresql/data, password logins over TCP.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /docker-entrypoint-initdb.d /var/run/postgresql /var/lib/postgresql/data \
    && chown -R postgres:postgres /var/run/postgresql /var/lib/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data LANG=C.UTF-8
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]

# Stand-in for redis:7.4.2-bookworm (deploy/bases/build.sh): Debian's redis-server and
# redis-cli. Like the official image it declares VOLUME /data (docker-compose.yml covers it
# with a tmpfs, so no anonymous volume is left behind).
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends redis-server redis-tools \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir /data && chown redis:redis /data
VOLUME /data
WORKDIR /data
USER redis
EXPOSE 6379
CMD ["redis-server"]

# Stand-in for python:3.11.11-slim-bookworm (deploy/bases/build.sh): Debian's Python 3.11 with
# pip, venv and the C headers (the official image has them), at the official image's paths (/usr/local/bin/python3.11, python, pip).
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
COPY ca/ /usr/local/share/ca-certificates/
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3.11 python3.11-dev python3-pip python3-venv ca-certificates \
    && update-ca-certificates \
    && rm -rf /var/lib/apt/lists/* /usr/lib/python3.11/EXTERNALLY-MANAGED \
    && ln -s /usr/bin/python3.11 /usr/local/bin/python3.11 \
    && ln -s /usr/bin/python3.11 /usr/local/bin/python3 \
    && ln -s /usr/bin/python3.11 /usr/local/bin/python \
    && ln -s /usr/bin/pip3 /usr/local/bin/pip
ENV LANG=C.UTF-8 SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]

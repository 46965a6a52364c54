# Lienthong gateway: built on the Swift image, run on a slim Debian with only the runtime libraries.
#   docker build -t lienthong .                      (podman: podman build --format docker -t lienthong .)
#   docker run -d --name lienthong -p 8443:8443 -p 8444:8444 lienthong
# The container serves the embedded default (config/demo: SQLite, the demo registries built from seeds/, a
# development PKI) on 0.0.0.0:8443; its data directory is the volume /data, the audit witness the volume
# /data.witness. README.md ("Container") says how to get the development CA and tokens out.
# scripts/container-check builds this file from local base images (BUILDER_IMAGE, RUNTIME_IMAGE) and runs it.

ARG BUILDER_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${BUILDER_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libssl-dev libcurl4-openssl-dev libevent-dev libsqlite3-dev libpq-dev libnats-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest names every target, tests and benchmarks included, and resolves only if their directories exist;
# the build below compiles only what lienthong needs.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY bench/crypto/Sources ./bench/crypto/Sources
# The Swift runtime and Foundation are linked in (--static-swift-stdlib), so the runtime image needs no toolchain
# libraries. The build folder is a cache mount (one build at a time): a rebuild after a source change is incremental.
RUN --mount=type=cache,target=/src/.build,sharing=locked \
    swift build -c release --product lienthong --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/lienthong" /out/lienthong

FROM ${RUNTIME_IMAGE}
# The C libraries the binary links (ldd), OpenSSL's PKCS#11 engine for signing keys in a hardware token (the token's
# own module is mounted from the host: README "Container"), CA certificates for libcurl, and curl for the health check.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libssl3 libcurl4 libevent-2.1-7 libevent-core-2.1-7 libevent-extra-2.1-7 libevent-openssl-2.1-7 \
      libevent-pthreads-2.1-7 libsqlite3-0 libpq5 libnats3.4 libengine-pkcs11-openssl \
      ca-certificates tzdata curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --no-create-home --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin lienthong \
 && mkdir -p /data /data.witness \
 && chown lienthong:lienthong /data /data.witness
WORKDIR /app
COPY --from=build /out/lienthong /usr/local/bin/lienthong
# config/demo names ../../seeds and ../../schemas: the same layout as the repository.
COPY config ./config
COPY seeds ./seeds
COPY schemas ./schemas
USER lienthong
# LIENTHONG_ADMIN_LISTEN: the admin listener's default, 127.0.0.1:8444, is out of reach outside the container.
ENV LIENTHONG_CONFIG=/app/config/demo LIENTHONG_DATA_DIR=/data LIENTHONG_LISTEN=0.0.0.0:8443 \
    LIENTHONG_ADMIN_LISTEN=0.0.0.0:8444
# The audit witness defaults to beside the data directory; mount it from other storage than /data.
VOLUME /data /data.witness
# 8443: the sharing API (TLS). 8444: the admin listener; publish it to the host only (-p 127.0.0.1:8444:8444).
EXPOSE 8443 8444
# The port follows LIENTHONG_LISTEN (set another with -e, not --listen, to keep the check right).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsk -o /dev/null "https://127.0.0.1:${LIENTHONG_LISTEN##*:}/healthz" || exit 1
# `lienthong serve` by default; another command in its place: docker run --rm -v lienthong-data:/data IMAGE keys list
ENTRYPOINT ["lienthong"]
CMD ["serve"]

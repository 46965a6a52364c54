# Lienthong gateway: multi-stage build on the Swift image, run on a slim Debian with only runtime libraries.
#   docker build -t lienthong .
#   docker run --rm -p 8443:8443 lienthong
# The container starts the embedded default (SQLite, demo registries from seeds/, development PKI),
# listening on 0.0.0.0:8443; its data directory is the volume /data.

FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libssl-dev libcurl4-openssl-dev libevent-dev libsqlite3-dev libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --product lienthong --static-swift-stdlib \
 && cp "$(swift build -c release --show-bin-path)/lienthong" /lienthong

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libssl3 libcurl4 libevent-2.1-7 libevent-openssl-2.1-7 libevent-pthreads-2.1-7 libsqlite3-0 libpq5 \
      ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /app --shell /usr/sbin/nologin lienthong \
 && mkdir -p /data /data.witness && chown lienthong /data /data.witness
WORKDIR /app
COPY --from=build /lienthong /usr/local/bin/lienthong
COPY config ./config
COPY seeds ./seeds
COPY schemas ./schemas
USER lienthong
ENV LIENTHONG_DATA_DIR=/data LIENTHONG_LISTEN=0.0.0.0:8443
# The audit witness (the default beside /data): mount it from other storage than /data.
VOLUME /data /data.witness
EXPOSE 8443
ENTRYPOINT ["lienthong"]
CMD ["serve"]

# syntax=docker/dockerfile:1
# The queuecall service image: the binary on debian:bookworm-slim, run as uid 10001.
#
#   docker build -t queuecall:latest .        (BuildKit: the default builder of Docker 23+)
#   docker run --rm -p 50051:50051 -p 8080:8080 queuecall:latest    (the embedded demo)
#   docker run --rm queuecall:latest migrate  (subcommands and --config go after the image)
#
# Settings: a file named by QUEUECALL_CONFIG (or `--config`) and QUEUECALL_<SECTION>__<KEY>
# variables, as in the README's "Configuration"; k8s/ mounts both.

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-bookworm AS builder
WORKDIR /src
# Every workspace member's manifest is needed to resolve the locked workspace, so the whole
# context goes in (.dockerignore keeps target/, .git and local data out). protobuf is compiled
# by protox and aws-lc by the C compiler of this image: no protoc, cmake or clang needed.
COPY . .
# The registry and target/ are cache mounts: they outlive the build, so the binary is copied
# out of target/ in the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked -p queuecall \
    && install -D -m 0755 target/release/queuecall /out/queuecall

FROM debian:bookworm-slim AS runtime
# ca-certificates: the SMS client (reqwest with rustls) verifies the provider through the
# platform verifier, which reads the system's trust store.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
# The working directory is the embedded tier's data directory (data/*.sqlite below it), so
# that the image runs the demo as it is; in Kubernetes (Redis + PostgreSQL) nothing is
# written and the root filesystem is mounted read-only.
RUN groupadd --system --gid 10001 queuecall \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/queuecall \
        --no-create-home --shell /usr/sbin/nologin queuecall \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/queuecall
COPY --from=builder /out/queuecall /usr/local/bin/queuecall
WORKDIR /var/lib/queuecall
# In a container the listeners must take connections from outside it. Environment variables
# win over the settings file: to listen elsewhere, set these two again (`docker run -e`, the
# pod's env), not grpc.host / http.host in the file.
ENV QUEUECALL_GRPC__HOST=0.0.0.0 \
    QUEUECALL_HTTP__HOST=0.0.0.0
USER 10001:10001
# gRPC (grpc.port) and HTTP: display pages, /healthz, /livez, /metrics, /sms/status (http.port).
EXPOSE 50051 8080
ENTRYPOINT ["/usr/local/bin/queuecall"]

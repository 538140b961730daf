# The Debian packages each README command needs (sourced by demo.sh and test.sh).
BUILD_PACKAGES=(build-essential cmake pkg-config libev-dev libyaml-cpp-dev nlohmann-json3-dev doctest-dev libssl-dev)
# Real peers the test suite drives: socat/netcat one-liners, redis-server for redis-check,
# groff (man page lint) and dpkg-dev (cpack's dpkg-shlibdeps) for the package test,
# openssl (the CLI) to make the TLS tests' certificates, logrotate for the drain recipe,
# haproxy for side-by-side comparisons, systemd for
# systemd-socket-activate (socket activation tests) and systemd-analyze (unit files), util-linux
# for setpriv (privileges tests), python3-gunicorn and nginx as `mode http` servers,
# python3-websockets (WebSocket client and server), php8.2-fpm (the FastCGI tests' pools), wrk
# (bench/'s HTTP scenarios and their smoke test); clang and its libFuzzer runtime (libclang-rt-14-dev) for the fuzz targets.
TEST_PACKAGES=(openssl socat netcat-openbsd redis-server logrotate haproxy python3 procps systemd util-linux python3-gunicorn python3-websockets php8.2-fpm wrk nginx clang libclang-rt-14-dev groff dpkg-dev python3-prometheus-client chromium tmux)

# Shared by the scripts: install the Debian packages a command needs, only when missing.
# Sourced, not run. Needs root (or sudo) only when something is missing.

# The C libraries the gateway links and the tools its scripts call.
LIENTHONG_BUILD_PACKAGES=(pkg-config libssl-dev libcurl4-openssl-dev libevent-dev libsqlite3-dev libpq-dev libnats-dev openssl curl ca-certificates)

ensure_packages() {
    local missing=()
    local package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
            missing+=("$package")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "==> installing: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A loopback TCP port nobody listens on now (the server binding it is the real test: a caller whose server fails to
# bind chooses again). Below the kernel's ephemeral range (32768-60999 on Debian), so that no outgoing connection's
# local port takes it between the choice and the bind.
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free port found" >&2
    return 1
}

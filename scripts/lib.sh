# Shared by the scripts: install the Debian packages a command needs, only when missing.
# Sourced, not run. Needs root (or sudo) only when something is missing.

# The C libraries the gateway links and the tools its scripts call.
LIENTHONG_BUILD_PACKAGES=(pkg-config libssl-dev libcurl4-openssl-dev libevent-dev libsqlite3-dev libpq-dev openssl curl ca-certificates)

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

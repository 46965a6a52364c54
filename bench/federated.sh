# Sourced by bench/run (section 10): federated-lookup and its reference of two chained nginx TLS proxies.
#
# federated-lookup: wrk (TLS, bearer token) → the province node of scripts/federation (VN/GOV/HCM, no registry) →
# mutual TLS → the population node (VN/GOV/BCA), which verifies the forwarded request.v1, applies its grants, looks
# the person up in SQLite, signs and audits; the province node verifies the answer against the signed global
# configuration, countersigns and audits it. scripts/federation runs as it is (authority, four ministry nodes and the
# province node, real TLS, a real signed global configuration); CPU % core and CPU per request are the province's and
# the population node's summed, the other nodes idle.
# federated-ref-chain: wrk (TLS) → nginx → mutual TLS, kept alive → nginx → the upstream's static files: the same two
# hops without signing, verification or audit. Both run at every connection count of the run, reference first.
# Issue 14's target: federated-lookup ≥ 1/6 of ref-proxy-tls (one nginx TLS proxy) at 64 connections; the report
# sets both beside lookup-sqlite-tls (the same lookup on one node).

# chain_nginx: the two chained proxies in $WORK/chain-front and $WORK/chain-back, certificates of the TLS node's
# development PKI (the back one asks the front one for the client certificate of VN/GOV/HCM/MOTCUA); sets CHAIN_URL
# CHAIN_PIDS (both masters and their workers) and CHAIN_MASTERS.
chain_nginx() {
    local front_port back_port client=$PKI/client-VN_GOV_HCM_MOTCUA
    [[ -s $client.crt.pem ]] || die "federated-ref-chain: no client certificate $client.crt.pem"
    front_port=$("$BENCH" free-port)
    back_port=$("$BENCH" free-port)
    mkdir -p "$WORK/chain-back" "$WORK/chain-front"
    {
        nginx_common "$WORK/chain-back"
        echo "http {"
        nginx_http_common "$WORK/chain-back"
        cat <<EOF
    upstream agency { server 127.0.0.1:$UPSTREAM_PORT; keepalive 64; }
    server {
        listen 127.0.0.1:$back_port ssl;
        ssl_certificate $PKI/server.crt.pem;
        ssl_certificate_key $PKI/server.key.pem;
        ssl_client_certificate $PKI/root-ca.crt.pem;
        ssl_verify_client on;
        ssl_verify_depth 3;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {
            proxy_pass http://agency;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
    } >"$WORK/chain-back/nginx.conf"
    {
        nginx_common "$WORK/chain-front"
        echo "http {"
        nginx_http_common "$WORK/chain-front"
        cat <<EOF
    upstream back { server 127.0.0.1:$back_port; keepalive 64; }
    server {
        listen 127.0.0.1:$front_port ssl;
        ssl_certificate $PKI/server.crt.pem;
        ssl_certificate_key $PKI/server.key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {
            proxy_pass https://back;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_ssl_certificate $client.crt.pem;
            proxy_ssl_certificate_key $client.key.pem;
            proxy_ssl_trusted_certificate $PKI/root-ca.crt.pem;
            proxy_ssl_verify on;
            proxy_ssl_verify_depth 3;
            proxy_ssl_name localhost;
            proxy_ssl_session_reuse on;
        }
    }
}
EOF
    } >"$WORK/chain-front/nginx.conf"
    start_nginx chain-back
    local back_pid=$NGINX_PID
    start_nginx chain-front
    local front_pid=$NGINX_PID
    CHAIN_MASTERS=("$front_pid" "$back_pid")
    CHAIN_URL=https://127.0.0.1:$front_port
    wait_http "$CHAIN_URL$FIRST_LAND_UPSTREAM" 10 -k || die "federated-ref-chain: the nginx chain did not start"
    sleep 0.3
    mapfile -t CHAIN_PIDS < <(echo "$back_pid"; children_of "$back_pid"; echo "$front_pid"; children_of "$front_pid")
    log "federated-ref-chain: nginx on 127.0.0.1:$front_port → nginx (mutual TLS) on :$back_port → upstream"
}

# node_pid DIR NAME: the pid of the `lienthong serve` of scripts/federation's node NAME (its --data-dir is DIR/NAME).
node_pid() {
    local dir=$1 name=$2 pid
    for pid in $(children_of "$FEDERATION_PID"); do
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--data-dir $dir/$name " \
            && { echo "$pid"; return 0; }
    done
    return 1
}

federated_lookup() {
    selected federated-lookup || selected federated-ref-chain || return 0
    local dir=$WORK/federation
    log "federated-lookup: scripts/federation in $dir"
    LIENTHONG_BIN=$LIENTHONG "$ROOT/scripts/federation" "$dir" >"$WORK/federation.log" 2>&1 &
    FEDERATION_PID=$!
    PIDS+=("$FEDERATION_PID")
    local deadline=$(( $(date +%s) + 180 ))
    until [[ -f $dir/ready ]]; do
        kill -0 "$FEDERATION_PID" 2>/dev/null \
            || { tail -n 20 "$WORK/federation.log" >&2; die "scripts/federation exited during start"; }
        (( $(date +%s) < deadline )) || die "scripts/federation not ready in 180 s"
        sleep 0.5
    done
    local province provider base token
    province=$(node_pid "$dir" node-hcm) || die "federated-lookup: no province node process"
    provider=$(node_pid "$dir" node-bca) || die "federated-lookup: no population node process"
    base=https://127.0.0.1:$(<"$dir/node-hcm.port")
    token=$(tr -d '[:space:]' <"$dir/node-hcm/secrets/motcua.token")
    local -a auth=(-H "Authorization: Bearer $token" "${WRK_PERSON[@]}")
    preflight federated-lookup "$base/v1/records/population/$FIRST_PERSON" --cacert "$dir/national/root-ca.crt.pem" \
        "${auth[@]}"
    chain_nginx
    preflight federated-ref-chain "$CHAIN_URL$FIRST_LAND_UPSTREAM" "${CA[@]}"
    warmup "$CHAIN_URL" "$WORK/land-upstream.paths"
    warmup "$base" "$WORK/population-gateway.paths" "${auth[@]}"
    local c
    for c in $CONNECTIONS; do
        scenario federated-ref-chain reference https "$c" "$CHAIN_URL" "$WORK/land-upstream.paths" "${CHAIN_PIDS[*]}"
        scenario federated-lookup gateway https "$c" "$base" "$WORK/population-gateway.paths" "$province $provider" \
            "${auth[@]}"
    done
    # Done: the nodes and the chain stop, so that later sections have the CPU to themselves.
    kill -TERM "$FEDERATION_PID" "${CHAIN_MASTERS[@]}" 2>/dev/null || true
    wait "$FEDERATION_PID" "${CHAIN_MASTERS[@]}" 2>/dev/null || true
}

#!/usr/bin/env bash
# The rig's remote server: a network namespace with its own dockerd and sshd,
# reached from the root namespace over a veth pair. test/rig/remote.ts calls it
# and owns the names; this script only does what needs namespaces and mounts.
#
#   remote-host.sh up | down
# Environment (all required): REMOTE_DIR (everything lives there), REMOTE_NETNS,
# REMOTE_VETH (root side of the pair), REMOTE_CLIENT_IP, REMOTE_SERVER_IP (/24).
# Optional: REMOTE_ALIAS (the ssh alias, default dual-env-remote) and
# REMOTE_PEER_SSH_CONFIG (another server's ssh_config whose host block this one's
# config repeats, so one wrapper reaches both servers).
# For a node of the rig's swarm (test/rig/swarm.ts): REMOTE_SWITCH_NETNS puts eth0 on
# the bridge br0 of that namespace (REMOTE_VETH is then the bridge's port there, and
# REMOTE_CLIENT_IP is unused); REMOTE_DOCKERD_CONFIG replaces daemon.json;
# REMOTE_IPTABLES=true lets the engine manage the namespace's own iptables (overlay
# networks and host-mode ports); REMOTE_NO_PROXY names what the engine may reach
# directly despite its dead proxy (the rig's registry).
#
# The namespace has no default route: nothing the server runs can leave it.
set -euo pipefail
: "${REMOTE_DIR:?}" "${REMOTE_NETNS:?}" "${REMOTE_VETH:?}" "${REMOTE_CLIENT_IP:?}" "${REMOTE_SERVER_IP:?}"
D=$REMOTE_DIR
NS=$REMOTE_NETNS
ALIAS=${REMOTE_ALIAS:-dual-env-remote}
DEAD_PROXY=http://127.0.0.1:9

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
# a recorded pid is ours only while its command line still names our folder
ours() { alive "${1:-}" && grep -qa "$D" "/proc/$1/cmdline" 2>/dev/null; }

net_up() {
  ip netns list | grep -qx "$NS\( .*\)\?" || ip netns add "$NS"
  ip -n "$NS" link set lo up
  if [ -n "${REMOTE_SWITCH_NETNS:-}" ]; then
    if ! ip -n "$REMOTE_SWITCH_NETNS" link show "$REMOTE_VETH" >/dev/null 2>&1; then
      ip link add "$REMOTE_VETH" netns "$REMOTE_SWITCH_NETNS" type veth peer name eth0 netns "$NS"
      ip -n "$NS" addr add "$REMOTE_SERVER_IP/24" dev eth0
    fi
    ip -n "$REMOTE_SWITCH_NETNS" link set "$REMOTE_VETH" master br0 up
    ip -n "$NS" link set eth0 up
    return
  fi
  if ! ip link show "$REMOTE_VETH" >/dev/null 2>&1; then
    ip link add "$REMOTE_VETH" type veth peer name eth0 netns "$NS"
    ip addr add "$REMOTE_CLIENT_IP/24" dev "$REMOTE_VETH"
    ip -n "$NS" addr add "$REMOTE_SERVER_IP/24" dev eth0
  fi
  ip link set "$REMOTE_VETH" up
  ip -n "$NS" link set eth0 up
}

keys_up() {
  mkdir -p "$D/ssh" "$D/bin" "$D/server"
  [ -f "$D/ssh/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C dual-env-rig-client -f "$D/ssh/id_ed25519"
  [ -f "$D/server/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C dual-env-rig-server -f "$D/server/ssh_host_ed25519_key"
  cp "$D/ssh/id_ed25519.pub" "$D/server/authorized_keys"
  cat > "$D/server/sshd_config" <<EOF
ListenAddress $REMOTE_SERVER_IP:22
HostKey $D/server/ssh_host_ed25519_key
PidFile $D/server/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile $D/server/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
MaxStartups 100:30:200
MaxSessions 100
LogLevel INFO
EOF
  # the client trusts the server's key under its alias and its address, nothing else
  local key; key=$(cut -d' ' -f1,2 "$D/server/ssh_host_ed25519_key.pub")
  printf '%s %s\n%s %s\n' "$ALIAS" "$key" "$REMOTE_SERVER_IP" "$key" > "$D/ssh/known_hosts"
  # the peer's host block (everything before its `Host *`) sets its own key, known_hosts and address
  local peer=''
  if [ -n "${REMOTE_PEER_SSH_CONFIG:-}" ]; then peer=$(sed '/^Host \*$/,$d' "$REMOTE_PEER_SSH_CONFIG"); fi
  cat > "$D/ssh/ssh_config" <<EOF
Host $ALIAS $REMOTE_SERVER_IP
  HostName $REMOTE_SERVER_IP
  User root
  IdentityFile $D/ssh/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $D/ssh/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  LogLevel ERROR
$peer
Host *
  UserKnownHostsFile $D/ssh/known_hosts
  GlobalKnownHostsFile /dev/null
EOF
  # the docker CLI, Compose and Dual Env run `ssh` from PATH: this one reads only the rig's config
  cat > "$D/bin/ssh" <<EOF
#!/bin/sh
exec /usr/bin/ssh -F "\${DUAL_ENV_RIG_SSH_CONFIG:-$D/ssh/ssh_config}" "\$@"
EOF
  chmod 0755 "$D/bin/ssh"
}

dockerd_up() {
  if ours "$(cat "$D/docker.pid" 2>/dev/null)"; then return; fi
  mkdir -p "$D/docker" "$D/exec" "$D/etc-docker" "$D/.cg"
  local config='{ "storage-driver": "overlay2", "log-opts": { "max-size": "5m" } }'
  echo "${REMOTE_DOCKERD_CONFIG:-$config}" > "$D/daemon.json"
  # `ip netns exec` remounts /sys and drops the cgroup mounts ("Devices cgroup isn't mounted"):
  # enter the network namespace only, then in a private mount namespace put a sysfs of this
  # namespace over /sys with the cgroup tree moved back; a private /run hides the main engine's
  # sockets and containerd, a private /etc/docker gives the engine its own ID
  HTTP_PROXY=$DEAD_PROXY HTTPS_PROXY=$DEAD_PROXY http_proxy=$DEAD_PROXY https_proxy=$DEAD_PROXY NO_PROXY="${REMOTE_NO_PROXY:-}" no_proxy="${REMOTE_NO_PROXY:-}" IPTABLES="${REMOTE_IPTABLES:-false}" \
  nsenter --net="/run/netns/$NS" unshare --mount --uts --propagation private sh -c '
    set -e
    D=$1
    hostname "$3"
    mount --rbind /sys/fs/cgroup "$D/.cg"
    mount -t sysfs dual-env-remote-sys /sys
    mount --move "$D/.cg" /sys/fs/cgroup
    mount -t tmpfs -o mode=755 dual-env-remote-run /run
    mount --bind "$D/etc-docker" /etc/docker
    exec dockerd --config-file "$D/daemon.json" --data-root "$D/docker" --exec-root "$D/exec" \
      --pidfile "$D/docker.pid" -H "unix://$D/docker.sock" \
      --containerd-namespace "$2" --containerd-plugins-namespace "$2-plugins" \
      --cgroup-parent "/$2" --iptables="$IPTABLES" --ip-forward="$IPTABLES"
  ' sh "$D" "$NS" "$ALIAS" > "$D/dockerd.log" 2>&1 < /dev/null &
  disown
}

sshd_up() {
  if ours "$(cat "$D/server/sshd.pid" 2>/dev/null)"; then return; fi
  # /run/docker.sock in the server's ssh sessions is its own engine, as on a real server
  ip netns exec "$NS" unshare --mount --uts --propagation private sh -c '
    D=$1
    hostname "$2"
    mount -t tmpfs -o mode=755 dual-env-remote-sshrun /run
    mkdir -p /run/sshd && chmod 0755 /run/sshd
    ln -s "$D/docker.sock" /run/docker.sock
    exec /usr/sbin/sshd -D -e -f "$D/server/sshd_config"
  ' sh "$D" "$ALIAS" > "$D/sshd.log" 2>&1 < /dev/null &
  disown
}

down() {
  # sshd, then dockerd (SIGTERM: it stops its containers and its own containerd), by recorded pid only
  local p
  p=$(cat "$D/server/sshd.pid" 2>/dev/null || true); ours "$p" && kill -TERM "$p"
  p=$(cat "$D/docker.pid" 2>/dev/null || true)
  if ours "$p"; then
    kill -TERM "$p"
    for _ in $(seq 1 120); do alive "$p" || break; sleep 0.25; done
  fi
  # leftovers of that engine (shims, containerd) are matched by our folder, then killed by pid
  for p in $(pgrep -f "$D/exec" || true); do ours "$p" && kill -TERM "$p"; done
  # an engine that died before this (a stale server) stopped none of its containers: what
  # still runs in the server's cgroup (nginx, node, mysqld) would hold memory forever
  for c in /sys/fs/cgroup/"$NS" /sys/fs/cgroup/*/"$NS" /sys/fs/cgroup/unified/"$NS"; do
    [ -d "$c" ] || continue
    find "$c" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r p; do kill -KILL "$p" 2>/dev/null || true; done
  done
  sleep 0.2
  for c in /sys/fs/cgroup/"$NS" /sys/fs/cgroup/*/"$NS" /sys/fs/cgroup/unified/"$NS"; do
    [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  # a swarm node's pair lives between its namespace and the switch's: it goes with the namespace
  [ -n "${REMOTE_SWITCH_NETNS:-}" ] || ip link del "$REMOTE_VETH" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}

case "${1:-}" in
  up) mkdir -p "$D"; net_up; keys_up; dockerd_up; sshd_up ;;
  down) down ;;
  *) echo "usage: remote-host.sh up|down" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# The network of the rig's swarm: a bridge in a namespace of its own (the swarm's
# nodes, made by remote-host.sh, plug into it), a leg to the root namespace for
# the tests' client, and the registry the nodes pull images from, listening on the
# bridge's own address. test/rig/swarm.ts calls it and owns the names.
#
#   swarm-switch.sh up | down
# Environment (all required): SWARM_DIR, SWARM_SWITCH_NETNS, SWARM_ROOT_VETH (root
# side of the client's pair), SWARM_CLIENT_IP, SWARM_REGISTRY_IP (both in one /24).
#
# Nothing here has a default route: the registry serves the nodes and the client only.
set -euo pipefail
: "${SWARM_DIR:?}" "${SWARM_SWITCH_NETNS:?}" "${SWARM_ROOT_VETH:?}" "${SWARM_CLIENT_IP:?}" "${SWARM_REGISTRY_IP:?}"
D=$SWARM_DIR
NS=$SWARM_SWITCH_NETNS

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
ours() { alive "${1:-}" && grep -qa "$D" "/proc/$1/cmdline" 2>/dev/null; }

net_up() {
  ip netns list | grep -qx "$NS\( .*\)\?" || ip netns add "$NS"
  ip -n "$NS" link set lo up
  if ! ip -n "$NS" link show br0 >/dev/null 2>&1; then
    ip -n "$NS" link add br0 type bridge
    ip -n "$NS" addr add "$SWARM_REGISTRY_IP/24" dev br0
  fi
  ip -n "$NS" link set br0 up
  if ! ip link show "$SWARM_ROOT_VETH" >/dev/null 2>&1; then
    ip link add "$SWARM_ROOT_VETH" type veth peer name client netns "$NS"
    ip addr add "$SWARM_CLIENT_IP/24" dev "$SWARM_ROOT_VETH"
  fi
  ip link set "$SWARM_ROOT_VETH" up
  ip -n "$NS" link set client master br0 up
}

registry_up() {
  if ours "$(cat "$D/registry.pid" 2>/dev/null)"; then return; fi
  mkdir -p "$D/registry"
  cat > "$D/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $D/registry
  delete:
    enabled: true
http:
  addr: $SWARM_REGISTRY_IP:5000
YML
  ip netns exec "$NS" docker-registry serve "$D/registry.yml" > "$D/registry.log" 2>&1 < /dev/null &
  echo $! > "$D/registry.pid"
  disown
}

down() {
  local p
  p=$(cat "$D/registry.pid" 2>/dev/null || true)
  if ours "$p"; then
    kill -TERM "$p"
    for _ in $(seq 1 40); do alive "$p" || break; sleep 0.25; done
  fi
  ip link del "$SWARM_ROOT_VETH" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}

case "${1:-}" in
  up) mkdir -p "$D"; net_up; registry_up ;;
  down) down ;;
  *) echo "usage: swarm-switch.sh up|down" >&2; exit 2 ;;
esac

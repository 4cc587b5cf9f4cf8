#!/usr/bin/env bash
# Validates docker-compose.yml with Docker Compose v2 (`config -q`: interpolation, schema, anchors, depends_on)
# without a Docker engine. Needs no daemon, so it runs on our machines and in CI.
#
# Compose v2 is taken from, in order: the `docker compose` CLI plugin; a v2 `docker-compose` on PATH; a cached
# build; or a fresh build from the Go module proxy (about 2 minutes once), which is then also installed as the
# docker CLI plugin. `go install github.com/docker/compose/v2/cmd@...` does not work because compose's go.mod has
# `exclude` directives, so the module is downloaded and built as the main module instead.
# Compose v1 (Debian bookworm's `docker-compose` package, 1.29) is no substitute: it rejects the top-level `name`
# and renders nested `${A:-${B}}` defaults wrongly, so it is not used.
#
# Usage: scripts/check-compose.sh [extra `config` args]   e.g. --services
set -euo pipefail

COMPOSE_VERSION="${COMPOSE_VERSION:-v2.40.3}"
COMPOSE_MODULE="github.com/docker/compose/v2"
CACHE_DIR="${AMT24_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/amt24}/compose"
CACHED_BIN="$CACHE_DIR/docker-compose-$COMPOSE_VERSION"
PLUGIN_DIR="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COMPOSE_FILE_PATH="$ROOT/docker-compose.yml"

log() { printf 'check-compose: %s\n' "$*" >&2; }

is_v2() { # $@: a compose command; true when it reports a v2 version
  local v
  v="$("$@" version --short 2>/dev/null)" || return 1
  [[ "${v#v}" == 2.* ]]
}

find_go() {
  command -v go 2>/dev/null && return 0
  local g
  for g in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    [[ -x "$g" ]] && { echo "$g"; return 0; }
  done
  return 1
}

build_compose() { # builds $CACHED_BIN from the Go module proxy
  local go="$1" dir src
  log "building Docker Compose $COMPOSE_VERSION with Go into $CACHE_DIR (one time, ~2 min)"
  mkdir -p "$CACHE_DIR"
  dir="$("$go" mod download -json "$COMPOSE_MODULE@$COMPOSE_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "$dir" && -d "$dir" ]] || { log "go mod download gave no source directory"; return 1; }
  # The module cache is read-only; build a writable copy as the main module so its go.mod directives apply.
  src="$(mktemp -d "$CACHE_DIR/src.XXXXXX")"
  cp -R "$dir/." "$src/"
  chmod -R u+w "$src"
  (cd "$src" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false "$go" build -trimpath \
    -ldflags "-s -w -X $COMPOSE_MODULE/internal.Version=$COMPOSE_VERSION" \
    -o "$CACHED_BIN.tmp" ./cmd)
  rm -rf "$src"
  mv "$CACHED_BIN.tmp" "$CACHED_BIN"
}

install_plugin() {
  mkdir -p "$PLUGIN_DIR"
  install -m 0755 "$CACHED_BIN" "$PLUGIN_DIR/docker-compose"
  log "installed $COMPOSE_VERSION as docker CLI plugin: $PLUGIN_DIR/docker-compose"
}

# Sets COMPOSE (array): the command that runs Compose.
resolve_compose() {
  if command -v docker >/dev/null 2>&1 && is_v2 docker compose; then
    COMPOSE=(docker compose); return
  fi
  if command -v docker-compose >/dev/null 2>&1 && is_v2 docker-compose; then
    COMPOSE=(docker-compose); return
  fi
  if [[ ! -x "$CACHED_BIN" ]]; then
    local go
    if go="$(find_go)"; then
      build_compose "$go"
    fi
  fi
  if [[ -x "$CACHED_BIN" ]]; then
    install_plugin
    if command -v docker >/dev/null 2>&1 && is_v2 docker compose; then
      COMPOSE=(docker compose)
    else
      COMPOSE=("$CACHED_BIN") # the plugin binary also works standalone, without the docker CLI
    fi
    return
  fi
  log "no Docker Compose v2 and no Go toolchain to build it: install Go (go.dev/dl) or Docker's compose plugin"
  exit 2
}

resolve_compose
log "using: ${COMPOSE[*]} ($("${COMPOSE[@]}" version --short 2>/dev/null || echo 'unknown version'))"

if [[ $# -gt 0 ]]; then
  exec "${COMPOSE[@]}" -f "$COMPOSE_FILE_PATH" config "$@"
fi
"${COMPOSE[@]}" -f "$COMPOSE_FILE_PATH" config -q
log "OK: $COMPOSE_FILE_PATH is valid ($("${COMPOSE[@]}" -f "$COMPOSE_FILE_PATH" config --services | tr '\n' ' '))"

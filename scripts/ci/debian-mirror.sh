#!/usr/bin/env bash
# Prints the URI of the Debian archive this machine's apt already uses (the
# entry that serves its own release's main suite), so the rig can reach other
# suites through the same mirror without naming any host in the repository.
set -euo pipefail
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:?/etc/os-release names no codename}")
{
  # deb822 .sources files: the stanza whose Suites list the codename itself
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$codename" '
      function flush() { if (uris != "" && index(" " suites " ", " " suite " ") && index(" " comps " ", " main ")) print uris; uris = suites = comps = "" }
      /^[[:space:]]*$/ { flush(); next }
      /^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); split($0, u, /[[:space:]]+/); uris = u[1] }
      /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
      /^Components:/ { sub(/^Components:[[:space:]]*/, ""); comps = $0 }
      END { flush() }' "$f"
  done
  # one-line sources: deb [options] URI suite components…
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -E 's/\[[^]]*\]//' "$f" | awk -v suite="$codename" '$1 == "deb" && $3 == suite { for (i = 4; i <= NF; i++) if ($i == "main") { print $2; break } }'
  done
} | head -n 1 | grep . || { echo "no apt source serves $codename main; cannot find the Debian mirror" >&2; exit 1; }

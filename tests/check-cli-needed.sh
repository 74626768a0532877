#!/bin/sh
# flows-cli runs on a machine without a display stack: no GTK, GDK, libadwaita, WebKit or
# JavaScriptCore among the libraries it needs (its DT_NEEDED entries, read with readelf). The
# sign-in window comes from the module that `flows-cli sign-in` loads (src/sign-in).
# Usage: check-cli-needed.sh PATH-TO-FLOWS-CLI
needed=$(readelf --dynamic "$1") || { echo "could not read $1" >&2; exit 2; }
needed=$(printf '%s\n' "$needed" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
if [ -z "$needed" ]; then
  echo "readelf listed no DT_NEEDED entry for $1" >&2
  exit 2
fi
printf 'flows-cli needs: %s\n' "$(printf '%s' "$needed" | tr '\n' ' ')"
ui=$(printf '%s\n' "$needed" | grep -E '^lib(gtk|gdk|adwaita|webkit|javascriptcore)')
if [ -n "$ui" ]; then
  echo "flows-cli links UI libraries: $ui" >&2
  exit 1
fi
exit 0

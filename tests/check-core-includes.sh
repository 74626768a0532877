#!/bin/sh
# libflows-core is shared by the app, the CLI and the tests: it must not depend on GTK,
# libadwaita or WebKit. Fails, listing the offending files, when one is included.
grep -rlE '#[[:space:]]*include[[:space:]]*[<"](gtk|adwaita|webkit|gdk)' "$1"
case $? in
  0) echo "libflows-core includes a UI toolkit header (files above)" >&2; exit 1 ;;
  1) exit 0 ;;
  *) echo "could not search $1" >&2; exit 2 ;;
esac

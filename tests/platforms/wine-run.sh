#!/usr/bin/env bash
# Runs a Windows program under wine64 (cargo's runner for x86_64-pc-windows-gnu, and
# tests/platforms.sh's for the C programs): a wine prefix of the project's own under target/, no
# wine debug output, MinGW's runtime DLLs on the DLL search path. Exits with the program's status.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export WINEPREFIX="${WINEPREFIX:-$root/target/wine-prefix}" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
mingw_dlls=""
for dir in /usr/lib/gcc/x86_64-w64-mingw32/*-posix /usr/x86_64-w64-mingw32/lib; do
    [ -d "$dir" ] && mingw_dlls="${mingw_dlls:+$mingw_dlls;}Z:${dir//\//\\}"
done
export WINEPATH="${WINEPATH:+$WINEPATH;}$mingw_dlls"
# Debian's wine64 package keeps the loader out of PATH (the `wine` package adds the wrapper).
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
[ -x "$wine" ] || { echo "wine-run.sh: wine64 is not installed (apt-get install wine64)" >&2; exit 127; }
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    mkdir -p "$WINEPREFIX"
    "$wine" wineboot --init >/dev/null 2>&1 || true
fi
# wine 8 has no bcryptprimitives.dll (Windows 10 does): a one-function stand-in for the tests.
shim="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
if [ ! -f "$shim" ] || [ "$shim" -ot "$root/tests/platforms/wine-bcryptprimitives.c" ]; then
    x86_64-w64-mingw32-gcc -O2 -shared -o "$shim" "$root/tests/platforms/wine-bcryptprimitives.c" -lbcrypt
fi
exec "$wine" "$@"

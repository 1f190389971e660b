# Shared by the kiosk's end-to-end scripts (sourced, POSIX sh): failures, hubctl's
# key=value output, a layout dump's words, and a hubd on an ephemeral port.
fail=0
# no WORDS: one failure, said; the script goes on and exits with $fail
no() { echo "FAIL: $*"; fail=1; }
# val KEY FILE: the value of KEY=... in hubctl's output
val() { sed -n "s/^$1=//p" "$2" | head -n1; }
# texts LAYOUT: every word of a layout dump, spaces removed (wrapping drops them)
texts() {
    [ -s "$1" ] || { echo "(no layout $1)"; return; }
    python3 -c 'import json,sys; print("".join(t["text"] for t in json.load(open(sys.argv[1]))["texts"]).replace(" ","").replace("\u3000",""))' "$1"
}
# has LAYOUT WORDS: the layout says WORDS (spaces do not count)
has() { texts "$1" | grep -qF -- "$(printf '%s' "$2" | tr -d ' ')"; }
# wait_file FILE [TENTHS]: until FILE is written (default 30 s)
wait_file() {
    for _ in $(seq 1 "${2:-300}"); do
        [ -s "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
# hub_port OUT: the port hubd (--port 0) says it listens on in OUT, waited for up to 10 s
hub_port() {
    for _ in $(seq 1 100); do
        p=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$1" | head -n1)
        [ -n "$p" ] && { echo "$p"; return 0; }
        sleep 0.1
    done
    return 1
}

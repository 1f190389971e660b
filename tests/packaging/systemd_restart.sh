#!/bin/sh
# systemd_restart.sh ROOT STATE: where systemd is PID 1, runs the unpacked hubd as a
# transient service with the unit's restart and watchdog settings (short watchdog), then
# kills it with SIGKILL (it must be back and healthy within 5 s) and hangs it with
# SIGSTOP (the watchdog must restart it). Called by packages_test.sh.
set -eu
root=$1
state=$2
unit=linkage-hub-test-$$
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
systemd-run --unit="$unit" -p Type=notify -p NotifyAccess=main -p Restart=always \
    -p RestartSec=200ms -p WatchdogSec=3s \
    "$root/usr/bin/hubd" --db "$state/hub.db" --key "$state/hub.key" --port "$port"
trap 'systemctl stop "$unit" 2>/dev/null || true' EXIT
healthy() { curl -sf --max-time 1 "http://127.0.0.1:$port/v1/health" >/dev/null; }
wait_healthy() { # wait_healthy SECONDS: 0 when healthy within that time
    end=$(($(date +%s) + $1))
    until healthy; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.05; done
}
wait_healthy 10 || { echo "FAIL: the transient hub did not start"; exit 1; }
pid=$(systemctl show -p MainPID --value "$unit")
t0=$(date +%s.%N)
kill -KILL "$pid"
sleep 0.1
wait_healthy 5 || { echo "FAIL: not healthy within 5 s of SIGKILL"; exit 1; }
t1=$(date +%s.%N)
echo "kill_to_healthy_ms=$(python3 -c "print(round(($t1 - $t0) * 1000))")"
pid=$(systemctl show -p MainPID --value "$unit")
kill -STOP "$pid"
end=$(($(date +%s) + 15))
until [ "$(systemctl show -p MainPID --value "$unit")" != "$pid" ] && healthy; do
    [ "$(date +%s)" -lt "$end" ] || { echo "FAIL: the watchdog did not restart a hung hub"; exit 1; }
    sleep 0.1
done
echo "hung hub (SIGSTOP) restarted by the watchdog"

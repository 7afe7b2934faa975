# Starting, waiting for and stopping the product's processes; sourced by run.sh and
# run_scaled.sh after they set LOGS. Ctrl-C, SIGTERM or the script's exit stops them all.

PIDS=()
stop_all() {
    trap - INT TERM EXIT
    if [ "${#PIDS[@]}" -gt 0 ]; then
        echo
        echo "==> stopping"
        kill "${PIDS[@]}" 2>/dev/null || true
        wait "${PIDS[@]}" 2>/dev/null || true
    fi
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

start() {  # name (its log is $LOGS/<name>.log), command...
    local name=$1 log="$LOGS/$1.log"
    shift
    "$@" > "$log" 2>&1 &
    PIDS+=($!)
    echo "    $name (pid $!, log $log)"
}

wait_for() {  # name, url, index in PIDS: until the url answers, or the process ends
    local name=$1 url=$2 pid=${PIDS[$3]} waited=0
    until curl -sf -o /dev/null "$url"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$name stopped while starting; its log says:" >&2
            tail -n 20 "$LOGS/$name.log" >&2 || true
            exit 1
        fi
        # Rasa loads TensorFlow and the model: minutes on a small machine, more with two.
        if [ "$waited" -ge 400 ]; then
            echo "$name did not answer $url within 400 s" >&2
            exit 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

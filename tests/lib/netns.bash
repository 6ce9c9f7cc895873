# netns.bash: a network namespace of the test's own, for tests that make
# bridges and veths (tests/minictr-network.bats, tests/minictr-compose.bats):
# minictr runs inside it, so nothing of ours reaches the host's namespace
# and two runs never see each other.
#
# - netns_make: TESTNS, a process holding a new network namespace (lo up);
#   netns_remove: gone, with everything in it.
# - in_ns CMD...: run CMD in it; mc ARGS...: minictr ($MC) in it.

netns_make() {
    TESTNS=""
    unshare --net sleep 600 &
    TESTNS=$!
    for _ in $(seq 100); do
        [ "$(stat -L -c %i /proc/$TESTNS/ns/net 2>/dev/null)" != \
            "$(stat -L -c %i /proc/self/ns/net)" ] && break
        sleep 0.02
    done
    in_ns ip link set lo up
}

netns_remove() {
    [ -z "${TESTNS:-}" ] || { kill -KILL "$TESTNS" && wait "$TESTNS"; } 2>/dev/null || true
}

in_ns() {
    nsenter --net="/proc/$TESTNS/ns/net" "$@"
}

mc() {
    in_ns "$MC" "$@"
}

#!/bin/sh
# One-shot job (temporalio/admin-tools): create $NAMESPACE on the server if it is missing.
set -eu

host=${TEMPORAL_ADDRESS%:*}
port=${TEMPORAL_ADDRESS##*:}
# Use the IPv4 address: the server binds 0.0.0.0 only, and the CLI may try IPv6 first.
ip=$(getent ahosts "$host" | awk '$2 == "STREAM" && $1 ~ /^[0-9.]+$/ { print $1; exit }')
if [ -z "$ip" ]; then
    echo "No IPv4 address for $host" >&2
    exit 1
fi
address="$ip:$port"

attempt=1
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
    if [ "$attempt" -ge 30 ]; then
        echo "Temporal at $TEMPORAL_ADDRESS is not healthy after 30 attempts" >&2
        exit 1
    fi
    attempt=$((attempt + 1))
    sleep 2
done

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$address" >/dev/null 2>&1; then
    echo "Namespace $NAMESPACE already exists"
else
    # Closed workflows stay visible for 30 days; the SQL store keeps the lasting record.
    temporal operator namespace create --namespace "$NAMESPACE" --retention 30d --address "$address"
    echo "Namespace $NAMESPACE created"
fi

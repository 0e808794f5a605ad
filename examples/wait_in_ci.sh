#!/usr/bin/env bash
# Wait for an Identity Center instance in a CI job or a shell script, acting on poller's
# exit codes. When to use this: a pipeline step that must not go on before the instance is
# ACTIVE, and that should fail with a reason a person can act on when it never will be.
#
#   examples/wait_in_ci.sh INSTANCE_ARN [poller wait options, e.g. --region R --endpoint-url URL]
set -u
if [ $# -lt 1 ]; then
  echo "usage: $0 INSTANCE_ARN [poller wait options]" >&2
  exit 2
fi
arn=$1
shift

# The identity store's ID on stdout (--query picks it, as with the AWS CLI), events on stderr.
if store=$(poller wait "$arn" --timeout 20m --query IdentityStoreId --output text "$@"); then
  echo "ready: identity store $store"
  exit 0
else
  code=$?
fi
case $code in
  1) echo "the instance failed and will not recover: see the error above" >&2 ;;
  2) echo "bad input: check the ARN and the options" >&2 ;;
  3) echo "not ready in time: run the step again later" >&2 ;;
  4) echo "access denied, no such instance, or AWS error: check the ARN and the job's role" >&2 ;;
  74) echo "poller could not write its result" >&2 ;;
  129|130|143) echo "interrupted" >&2 ;;
esac
exit "$code"

#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: unit tests, in-framework (Pax Exam) tests and
# system tests that boot real guests on QEMU. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
distribution/install-prerequisites.sh
exec mvn -B -Dresolve.failOnChanges=true "$@" install

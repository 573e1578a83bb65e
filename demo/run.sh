#!/usr/bin/env bash
# Builds the demo and the modules it needs (tests skipped), then runs it from the repository's
# root, so its data lands in ./data. Arguments go to the demo: --serve, --demo.data-directory=...
# Needs JDK 17+ and Maven 3.8+; the first build downloads the dependencies from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl demo -am package -Dmaven.test.skip=true -DskipTck=true
exec java -jar demo/target/demo.jar "$@"

#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft, combined broker+controller) from the Maven Central
# jars, without Docker or the release tarball. See infra/kafka/README.md.
#
#   kafka.sh fetch|start|stop|restart|status|wait|logs|reset|classpath|run-class <main class> [args...]
#   kafka.sh cluster-start|cluster-stop|cluster-status|cluster-reset   (three nodes on other ports, for fault tests)
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")" && pwd)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/../.." && pwd)"

# Newest version that passes infra/kafka/compat-check.js with kafkajs 2.2.4 (see README.md).
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
# Without KAFKA_PORT, the port of KAFKA_BROKERS when it names one broker on this machine (the services' setting, as
# `npm start` reads it): `KAFKA_BROKERS=127.0.0.1:34092 kafka.sh start` starts, checks and stops that broker, not 9092's.
if [[ -z "${KAFKA_PORT:-}" && "${KAFKA_BROKERS:-}" =~ ^(127\.0\.0\.1|localhost):([0-9]+)$ ]]; then
  KAFKA_PORT="${BASH_REMATCH[2]}"
fi
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
# KAFKA_JVM_PROFILE=quick-start: a broker that lives for minutes (a test's own): the client compiler only (C1) and the
# serial collector. Measured on 2 cores: 8.3 -> 5.2 s of CPU from exec to ready, for a lower peak throughput that such a
# broker never needs. The default, steady, is the JIT's full tiers and G1 for a broker that stays up under load.
KAFKA_JVM_PROFILE="${KAFKA_JVM_PROFILE:-steady}"
case "$KAFKA_JVM_PROFILE" in
  steady) default_jvm_opts="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true" ;;
  quick-start) default_jvm_opts="-server -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true" ;;
  *) printf '[kafka.sh] error: KAFKA_JVM_PROFILE must be steady or quick-start, not %s\n' "$KAFKA_JVM_PROFILE" >&2; exit 1 ;;
esac
KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:-$default_jvm_opts}"
# The short-lived JVMs of this script (storage format, readiness and SASL set-up clients): seconds each, so the client
# compiler only and the serial collector (storage format measured at 3.5 -> 1.9 s of CPU).
KAFKA_TOOL_JVM_OPTS="${KAFKA_TOOL_JVM_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
# One node of a cluster: its id, the static controller quorum, and the replication of Kafka's internal topics.
KAFKA_NODE_ID="${KAFKA_NODE_ID:-1}"
KAFKA_QUORUM_VOTERS="${KAFKA_QUORUM_VOTERS:-$KAFKA_NODE_ID@127.0.0.1:$KAFKA_CONTROLLER_PORT}"
KAFKA_INTERNAL_REPLICATION="${KAFKA_INTERNAL_REPLICATION:-1}"
# The port clients are told to use (metadata): another one than KAFKA_PORT when a proxy sits in front.
KAFKA_ADVERTISED_PORT="${KAFKA_ADVERTISED_PORT:-$KAFKA_PORT}"
# Cluster mode (cluster-*): KAFKA_CLUSTER_SIZE nodes, node i on KAFKA_CLUSTER_BASE_PORT+i-1 (clients) and
# KAFKA_CLUSTER_CONTROLLER_BASE_PORT+i-1 (controllers), data in KAFKA_CLUSTER_DIR/node-i.
KAFKA_CLUSTER_SIZE="${KAFKA_CLUSTER_SIZE:-3}"
KAFKA_CLUSTER_BASE_PORT="${KAFKA_CLUSTER_BASE_PORT:-19192}"
KAFKA_CLUSTER_CONTROLLER_BASE_PORT="${KAFKA_CLUSTER_CONTROLLER_BASE_PORT:-19292}"
KAFKA_CLUSTER_HEAP_OPTS="${KAFKA_CLUSTER_HEAP_OPTS:--Xms128m -Xmx384m}"
# Fixed cluster id (22 chars, base64url of 16 bytes): base64url("newsroom-kafka01").
KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-bmV3c3Jvb20ta2Fma2EwMQ}"
LOG4J2_VERSION="${LOG4J2_VERSION:-2.25.5}"
# KAFKA_SASL=true: clients must authenticate (SASL/SCRAM-SHA-512) and are held to ACLs (see README.md, "Security").
KAFKA_SASL="${KAFKA_SASL:-false}"
# The topic names the ACLs name (the apps' KAFKA_TOPIC_PREFIX) and the consumer groups of projector and ingest.
KAFKA_TOPIC_PREFIX="${KAFKA_TOPIC_PREFIX:-}"
KAFKA_PROJECTOR_GROUP="${KAFKA_PROJECTOR_GROUP:-newsroom-projector}"
KAFKA_INGEST_GROUP="${KAFKA_INGEST_GROUP:-newsroom-ingest-submissions}"
# The users: admin (super user: the broker itself, the controller, setup) and one per service.
SASL_USERS=(admin relay projector ingest query producer)
MAVEN_DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

abs_path() { # resolve relative paths against the repo root, not the cwd
  case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$REPO_ROOT/$1" ;; esac
}
KAFKA_DATA_DIR="$(abs_path "${KAFKA_DATA_DIR:-infra/kafka/.data}")"
KAFKA_CACHE_DIR="$(abs_path "${KAFKA_CACHE_DIR:-infra/kafka/.cache}")"
KAFKA_CLUSTER_DIR="$(abs_path "${KAFKA_CLUSTER_DIR:-infra/kafka/.cluster}")"

VERSION_DIR="$KAFKA_CACHE_DIR/$KAFKA_VERSION"
LIB_DIR="$VERSION_DIR/lib"
FETCH_MARKER="$VERSION_DIR/.fetched"
LOCK_DIR="$KAFKA_CACHE_DIR/locks"
CONF_FILE="$KAFKA_DATA_DIR/server.properties"
PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
LOG_DIR="$KAFKA_DATA_DIR/logs"          # broker's own logs (server.log, kafka.out)
LOG_DIRS="$KAFKA_DATA_DIR/kraft-logs"   # Kafka's log.dirs (the partitions and the metadata log)
VERSION_FILE="$KAFKA_DATA_DIR/kafka.version"
SASL_DIR="$KAFKA_DATA_DIR/sasl"          # generated passwords (mode 600), when not given in the environment

log() { printf '[kafka.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
major_version() { printf '%s\n' "${KAFKA_VERSION%%.*}"; }

# Exclusive lock held for the rest of the calling (sub)shell: "start" locks use fd 9, "fetch" locks fd 8.
take_lock() { # name timeout_s fd
  mkdir -p "$LOCK_DIR"
  eval "exec $3>\"\$LOCK_DIR/\$1.lock\""
  flock -w "$2" "$3" || die "could not take lock $LOCK_DIR/$1.lock within $2 s"
}

port_open() { # port
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# pid from the pid file if that process is alive and is our broker (guards against pid reuse).
broker_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "kafka.Kafka $CONF_FILE" || return 1
  printf '%s\n' "$pid"
}

# ---------------------------------------------------------------------------------------------- fetch
write_pom() {
  local logging
  if [[ "$(major_version)" -ge 4 ]]; then
    # kafka-server already brings log4j-api/log4j-core; add the SLF4J 1.7 binding, all at one version.
    logging="
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId><version>$LOG4J2_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J2_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$LOG4J2_VERSION</version></dependency>"
  else
    # What the 3.x distribution ships: reload4j (log4j 1.2 API) and its SLF4J binding.
    logging="
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>"
  fi
  cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by infra/kafka/kafka.sh: the classpath of a Kafka $KAFKA_VERSION broker plus its tools. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.newsroom</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version>
      <exclusions>
        <exclusion><groupId>ch.qos.logback</groupId><artifactId>*</artifactId></exclusion>
        <exclusion><groupId>log4j</groupId><artifactId>log4j</artifactId></exclusion>
        <exclusion><groupId>org.slf4j</groupId><artifactId>slf4j-log4j12</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <!-- ProducerPerformance, ConsumerPerformance, EndToEndLatency; Kafka Connect is not needed. -->
      <groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version>
      <exclusions>
        <exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId></exclusion>
        <exclusion><groupId>ch.qos.logback</groupId><artifactId>*</artifactId></exclusion>
      </exclusions>
    </dependency>$logging
  </dependencies>
</project>
EOF
}

cmd_fetch() {
  [[ -f "$FETCH_MARKER" ]] && return 0
  (
    take_lock "fetch-$KAFKA_VERSION" 900 8
    [[ -f "$FETCH_MARKER" ]] && exit 0
    command -v mvn >/dev/null || die "mvn not found on PATH"
    command -v java >/dev/null || die "java not found on PATH"
    local started tmp
    started=$(date +%s)
    log "fetching Kafka $KAFKA_VERSION and its dependencies from Maven Central into $LIB_DIR ..."
    mkdir -p "$VERSION_DIR"
    write_pom "$VERSION_DIR/pom.xml"
    tmp="$VERSION_DIR/lib.tmp"
    rm -rf "$tmp"
    # mvn -q prints only errors (on stdout, plus terminal escapes): keep them in a file, show on failure
    if ! mvn -B -q --no-transfer-progress -Dstyle.color=never -f "$VERSION_DIR/pom.xml" \
      "$MAVEN_DEPENDENCY_PLUGIN:copy-dependencies" \
      -DoutputDirectory="$tmp" -DincludeScope=runtime >"$VERSION_DIR/mvn.log" 2>&1; then
      cat "$VERSION_DIR/mvn.log" >&2
      die "mvn could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION and its dependencies (log: $VERSION_DIR/mvn.log)"
    fi
    ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "kafka_2.13-$KAFKA_VERSION.jar missing after mvn"
    rm -rf "$LIB_DIR"
    mv "$tmp" "$LIB_DIR"
    date -u +%FT%TZ >"$FETCH_MARKER"
    log "fetched $(ls "$LIB_DIR" | wc -l) jars ($(du -sh "$LIB_DIR" | cut -f1)) in $(($(date +%s) - started)) s"
  )
}

# ------------------------------------------------------------------------------------------------ sasl
sasl_on() { [[ "$KAFKA_SASL" == "true" || "$KAFKA_SASL" == "1" ]]; }

# A user's password: KAFKA_<USER>_PASSWORD, else the one generated into $SASL_DIR on first use (never printed).
sasl_password() { # user
  local var="KAFKA_${1^^}_PASSWORD" file="$SASL_DIR/$1.password"
  if [[ -n "${!var:-}" ]]; then printf '%s' "${!var}"; return 0; fi
  if [[ ! -s "$file" ]]; then
    mkdir -p "$SASL_DIR" && chmod 700 "$SASL_DIR"
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$file")
  fi
  cat "$file"
}

# Passwords go into the generated server.properties and JAAS strings: refuse what would break their quoting.
sasl_check_passwords() {
  local u p
  for u in "${SASL_USERS[@]}"; do
    p="$(sasl_password "$u")"
    [[ ${#p} -ge 12 ]] || die "the password of Kafka user $u is shorter than 12 characters"
    [[ "$p" =~ ^[A-Za-z0-9._~@%^:-]+$ ]] || die "the password of Kafka user $u may only hold letters, digits and ._~@%^:-"
  done
}

# The client settings of the admin user (for the tools): a properties file only the owner can read.
sasl_admin_client_config() {
  local file="$SASL_DIR/admin-client.properties"
  mkdir -p "$SASL_DIR" && chmod 700 "$SASL_DIR"
  (umask 077 && {
    echo "security.protocol=SASL_PLAINTEXT"
    echo "sasl.mechanism=SCRAM-SHA-512"
    echo "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$(sasl_password admin)\";"
  } >"$file")
  printf '%s\n' "$file"
}

# SCRAM credentials of every user but admin (created at format time), and the ACLs: upserted on every start,
# so a password changed in the environment takes effect on the next start. One JVM for all of it.
sasl_setup() {
  local dir="$VERSION_DIR/setup"
  if [[ ! -f "$dir/Setup.class" ]]; then
    mkdir -p "$dir"
    cat >"$dir/Setup.java" <<'JAVA'
import java.io.FileInputStream;
import java.util.*;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.acl.*;
import org.apache.kafka.common.resource.*;
/** args: admin-client.properties bootstrap; stdin: "user <name> <password>" and "acl <user> <topic|group> <name> <OPERATION>" lines. */
public class Setup {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    try (FileInputStream in = new FileInputStream(args[0])) { p.load(in); }
    p.put("bootstrap.servers", args[1]);
    p.put("default.api.timeout.ms", "30000");
    List<UserScramCredentialAlteration> users = new ArrayList<>();
    List<AclBinding> acls = new ArrayList<>();
    Scanner sc = new Scanner(System.in);
    while (sc.hasNextLine()) {
      String[] f = sc.nextLine().trim().split(" ");
      if (f[0].equals("user")) users.add(new UserScramCredentialUpsertion(f[1], new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), f[2]));
      else if (f[0].equals("acl")) acls.add(new AclBinding(
        new ResourcePattern(f[2].equals("group") ? ResourceType.GROUP : ResourceType.TOPIC, f[3], PatternType.LITERAL),
        new AccessControlEntry("User:" + f[1], "*", AclOperation.fromString(f[4]), AclPermissionType.ALLOW)));
    }
    try (Admin admin = Admin.create(p)) {
      if (!users.isEmpty()) admin.alterUserScramCredentials(users).all().get(60, TimeUnit.SECONDS);
      if (!acls.isEmpty()) admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
    }
  }
}
JAVA
    javac -nowarn -cp "$LIB_DIR/*" -d "$dir" "$dir/Setup.java" >"$dir/javac.out" 2>&1 || { cat "$dir/javac.out" >&2; die "could not compile $dir/Setup.java"; }
  fi
  local events="${KAFKA_TOPIC_PREFIX}newsroom.events.v1" events_dlq="${KAFKA_TOPIC_PREFIX}newsroom.events.dlq.v1"
  local subs="${KAFKA_TOPIC_PREFIX}newsroom.submissions.v1" subs_dlq="${KAFKA_TOPIC_PREFIX}newsroom.submissions.dlq.v1"
  local u op topic config
  config="$(sasl_admin_client_config)"
  {
    for u in "${SASL_USERS[@]}"; do [[ "$u" == admin ]] || echo "user $u $(sasl_password "$u")"; done
    # The services create and size the topics they use (ensureTopics): their own topics only.
    for topic in "$events" "$events_dlq"; do
      for op in CREATE DESCRIBE DESCRIBE_CONFIGS ALTER_CONFIGS; do echo "acl relay topic $topic $op"; echo "acl projector topic $topic $op"; done
    done
    for topic in "$subs" "$subs_dlq"; do
      for op in CREATE DESCRIBE DESCRIBE_CONFIGS ALTER_CONFIGS; do echo "acl ingest topic $topic $op"; done
    done
    echo "acl relay topic $events WRITE"               # only the relay writes the events topic
    echo "acl projector topic $events READ"
    echo "acl projector group $KAFKA_PROJECTOR_GROUP READ"
    echo "acl projector topic $events_dlq WRITE"
    echo "acl ingest topic $subs READ"
    echo "acl ingest group $KAFKA_INGEST_GROUP READ"
    echo "acl ingest topic $subs_dlq WRITE"
    echo "acl producer topic $subs WRITE"              # external producers: submissions, nothing else
    echo "acl producer topic $subs DESCRIBE"
    # query: authenticated only (its readiness asks for the cluster's metadata); no ACL.
  } | timeout 120 java -Xmx128m $KAFKA_TOOL_JVM_OPTS -Dlog4j2.level=OFF -Dlog4j2.statusLoggerLevel=OFF -cp "$dir:$LIB_DIR/*" Setup \
    "$config" "127.0.0.1:$KAFKA_PORT" >"$LOG_DIR/setup.out" 2>&1 \
    || { tail -n 30 "$LOG_DIR/setup.out" >&2; die "SASL users and ACLs setup failed"; }
  log "SASL: users ${SASL_USERS[*]} and their ACLs are in place (passwords: env KAFKA_<USER>_PASSWORD or $SASL_DIR)"
}

# ------------------------------------------------------------------------------------------ readiness
# Succeeds when a metadata request answered by the broker lists at least one (unfenced) broker.
ready_node() {
  local kafkajs sasl_user="" sasl_pass=""
  kafkajs="$(cd "$REPO_ROOT" && node -e "process.stdout.write(require.resolve('kafkajs', { paths: [process.cwd()] }))" 2>/dev/null)" || return 2
  if sasl_on; then sasl_user=admin; sasl_pass="$(sasl_password admin)"; fi
  KAFKAJS_PATH="$kafkajs" PORT="$KAFKA_PORT" SASL_USER="$sasl_user" SASL_PASS="$sasl_pass" timeout 15 node -e '
    const { Kafka, logLevel } = require(process.env.KAFKAJS_PATH);
    const sasl = process.env.SASL_USER ? { mechanism: "scram-sha-512", username: process.env.SASL_USER, password: process.env.SASL_PASS } : undefined;
    const kafka = new Kafka({ clientId: "kafka-sh-ready", brokers: ["127.0.0.1:" + process.env.PORT], sasl,
      logLevel: logLevel.NOTHING, connectionTimeout: 2000, requestTimeout: 5000, retry: { retries: 0 } });
    const admin = kafka.admin();
    (async () => {
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.listTopics();
      await admin.disconnect();
      process.exit(cluster.brokers.length > 0 ? 0 : 1);
    })().catch(() => process.exit(1));' >/dev/null 2>&1
}

# Fallback when node/kafkajs is not available: a tiny AdminClient program compiled against the cache.
ready_java() {
  local dir="$VERSION_DIR/ready"
  if [[ ! -f "$dir/Ready.class" ]]; then
    mkdir -p "$dir"
    cat >"$dir/Ready.java" <<'EOF'
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
public class Ready {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("request.timeout.ms", "5000");
    p.put("default.api.timeout.ms", "8000");
    try (Admin admin = Admin.create(p)) {
      int brokers = admin.describeCluster().nodes().get(8, TimeUnit.SECONDS).size();
      admin.listTopics().names().get(8, TimeUnit.SECONDS);
      System.exit(brokers > 0 ? 0 : 1);
    }
  }
}
EOF
    javac -nowarn -cp "$LIB_DIR/*" -d "$dir" "$dir/Ready.java" >/dev/null 2>&1 || return 1
  fi
  timeout 20 java -Xmx64m $KAFKA_TOOL_JVM_OPTS -Dlog4j2.level=OFF -Dlog4j.configuration=none -Dlog4j2.statusLoggerLevel=OFF \
    -cp "$dir:$LIB_DIR/*" Ready "127.0.0.1:$KAFKA_PORT" >/dev/null 2>&1
}

is_ready() {
  port_open "$KAFKA_PORT" || return 1
  local rc=0
  ready_node || rc=$?
  if [[ $rc -eq 2 ]] && sasl_on; then die "KAFKA_SASL=true needs node and kafkajs (npm ci) for the readiness check"; fi
  if [[ $rc -eq 2 ]]; then ready_java; else return $rc; fi
}

print_log_tail() {
  local f
  for f in "$LOG_DIR/kafka.out" "$LOG_DIR/server.log"; do
    if [[ -s "$f" ]]; then
      log "---- last lines of $f"
      tail -n 40 "$f" >&2
    fi
  done
}

# Why a broker that died during start-up died, when its log says nothing (a kill leaves no last line): its exit
# status (128+n: signal n; 137 is SIGKILL, e.g. the kernel's OOM killer), the memory and disk it had, and
# whether its ports were taken.
report_exit() { # job pid (a child of this shell)
  local status=0
  wait "$1" 2>/dev/null || status=$?
  if ((status > 128)); then
    log "the broker exited with status $status (signal $((status - 128))$( ((status == 137)) && printf ', SIGKILL: the OOM killer or another process'))"
  else
    log "the broker exited with status $status"
  fi
  log "memory available: $(awk '/MemAvailable/ {printf "%d MiB", $2 / 1024}' /proc/meminfo 2>/dev/null); free disk for $KAFKA_DATA_DIR: $(df -Pm "$KAFKA_DATA_DIR" 2>/dev/null | awk 'NR == 2 {print $4 " MiB"}')"
  if grep -qs 'Address already in use' "$LOG_DIR/server.log" "$LOG_DIR/kafka.out"; then
    log "a port was taken: 127.0.0.1:$KAFKA_PORT or controller 127.0.0.1:$KAFKA_CONTROLLER_PORT"
  fi
}

cmd_wait() { # [pid to watch: fail fast if it exits]
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT)) pid="${1:-}"
  [[ -n "$pid" ]] || pid="$(broker_pid)" || true
  while ((SECONDS < deadline)); do
    if is_ready; then
      log "Kafka is ready on 127.0.0.1:$KAFKA_PORT"
      return 0
    fi
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      print_log_tail
      die "the broker process exited during start-up"
    fi
    sleep 1
  done
  print_log_tail
  die "Kafka not ready on 127.0.0.1:$KAFKA_PORT after ${KAFKA_START_TIMEOUT} s"
}

# ---------------------------------------------------------------------------------------------- start
write_server_properties() {
  {
    echo "# Generated by infra/kafka/kafka.sh on each start; edit the script, not this file."
    echo "process.roles=broker,controller"
    echo "node.id=$KAFKA_NODE_ID"
    echo "controller.quorum.voters=$KAFKA_QUORUM_VOTERS"
    if sasl_on; then
      local admin
      admin="$(sasl_password admin)"
      # Clients: SCRAM-SHA-512 users (credentials in the metadata log). The controller listener: PLAIN with admin
      # only (a static JAAS user: the controller needs it before any metadata is read). Nobody is anonymous.
      echo "listeners=SASL_PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT"
      echo "advertised.listeners=SASL_PLAINTEXT://127.0.0.1:$KAFKA_ADVERTISED_PORT"
      echo "inter.broker.listener.name=SASL_PLAINTEXT"
      echo "controller.listener.names=CONTROLLER"
      echo "listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT"
      echo "sasl.enabled.mechanisms=SCRAM-SHA-512"
      echo "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512"
      echo "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$admin\";"
      echo "sasl.mechanism.controller.protocol=PLAIN"
      echo "listener.name.controller.sasl.enabled.mechanisms=PLAIN"
      echo "listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$admin\" user_admin=\"$admin\";"
      echo "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer"
      echo "allow.everyone.if.no.acl.found=false"
      echo "super.users=User:admin"
    else
      echo "listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT"
      echo "advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_ADVERTISED_PORT"
      echo "inter.broker.listener.name=PLAINTEXT"
      echo "controller.listener.names=CONTROLLER"
      echo "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
    fi
    echo "log.dirs=$LOG_DIRS"
    echo "num.partitions=6"
    echo "default.replication.factor=$KAFKA_INTERNAL_REPLICATION"
    echo "auto.create.topics.enable=false"
    echo "delete.topic.enable=true"
    local min_isr=$((KAFKA_INTERNAL_REPLICATION > 1 ? 2 : 1))
    echo "offsets.topic.replication.factor=$KAFKA_INTERNAL_REPLICATION"
    echo "transaction.state.log.replication.factor=$KAFKA_INTERNAL_REPLICATION"
    echo "transaction.state.log.min.isr=$min_isr"
    echo "group.initial.rebalance.delay.ms=0"
    if [[ "$(major_version)" -ge 4 ]]; then
      echo "share.coordinator.state.topic.replication.factor=$KAFKA_INTERNAL_REPLICATION"
      echo "share.coordinator.state.topic.min.isr=$min_isr"
    fi
    echo "num.network.threads=3"
    echo "num.io.threads=4"
    echo "log.retention.hours=168"
    echo "log.segment.bytes=268435456"
  } >"$CONF_FILE"
}

format_storage() {
  if [[ -f "$LOG_DIRS/meta.properties" ]]; then
    return 0
  fi
  log "formatting storage in $LOG_DIRS (cluster id $KAFKA_CLUSTER_ID)"
  local scram=()
  # The broker's own user must exist before it starts (inter-broker SCRAM): created with the metadata log.
  if sasl_on; then scram=(--add-scram "SCRAM-SHA-512=[name=admin,password=$(sasl_password admin)]"); fi
  # shellcheck disable=SC2086
  java -Xmx256m $KAFKA_TOOL_JVM_OPTS -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2.yaml" \
    -Dlog4j.configuration="file:$SCRIPT_DIR/log4j.properties" -Dkafka.logs.dir="$LOG_DIR" \
    -cp "$LIB_DIR/*" kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" -c "$CONF_FILE" --ignore-formatted "${scram[@]}" \
    >"$LOG_DIR/format.out" 2>&1 || { cat "$LOG_DIR/format.out" >&2; die "storage format failed"; }
}

cmd_start() {
  take_lock "start-$KAFKA_PORT" 300 9
  local pid
  if pid="$(broker_pid)"; then
    log "broker already started (pid $pid), waiting for readiness"
    cmd_wait "$pid"
    return 0
  fi
  if port_open "$KAFKA_PORT"; then
    log "something already answers on 127.0.0.1:$KAFKA_PORT; assuming it is a Kafka broker, not starting another"
    return 0
  fi
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "controller port 127.0.0.1:$KAFKA_CONTROLLER_PORT is taken by another process (set KAFKA_CONTROLLER_PORT)"
  fi
  if [[ -f "$VERSION_FILE" && "$(cat "$VERSION_FILE")" != "$KAFKA_VERSION" ]]; then
    die "$KAFKA_DATA_DIR was created by Kafka $(cat "$VERSION_FILE"), not $KAFKA_VERSION; run '$0 reset' (Kafka is refilled from Postgres)"
  fi
  cmd_fetch
  mkdir -p "$KAFKA_DATA_DIR" "$LOG_DIR"
  if sasl_on; then
    if [[ -f "$LOG_DIRS/meta.properties" && ! -f "$KAFKA_DATA_DIR/sasl.formatted" ]]; then
      die "$KAFKA_DATA_DIR was formatted without SASL (no admin user): '$0 reset' first"
    fi
    sasl_check_passwords
  fi
  # It holds the admin password in SASL mode: readable by its owner only.
  (umask 077 && write_server_properties)
  format_storage
  if sasl_on; then touch "$KAFKA_DATA_DIR/sasl.formatted"; fi
  echo "$KAFKA_VERSION" >"$VERSION_FILE"

  log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT, heap '$KAFKA_HEAP_OPTS')"
  rm -f "$PID_FILE"
  # setsid: own session, so the broker outlives the shell or npm process that started it.
  # The inner shell writes its own pid and execs java, so the pid file holds the JVM's pid.
  # shellcheck disable=SC2016
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS \
    -Dkafka.logs.dir="$LOG_DIR" \
    -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2.yaml" \
    -Dlog4j.configuration="file:$SCRIPT_DIR/log4j.properties" \
    -cp "$LIB_DIR/*" kafka.Kafka "$CONF_FILE" \
    >"$LOG_DIR/kafka.out" 2>&1 </dev/null 8>&- 9>&- &
  local job=$! i started=$SECONDS
  for i in $(seq 1 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
  [[ -s "$PID_FILE" ]] || die "the broker did not start (no pid in $PID_FILE); see $LOG_DIR/kafka.out"
  local pid_started
  pid_started="$(cat "$PID_FILE")"
  if ! (cmd_wait "$pid_started"); then
    if kill -0 "$pid_started" 2>/dev/null; then
      log "the broker (pid $pid_started) is still running; '$0 stop' stops it"
    else
      report_exit "$job"
    fi
    exit 1
  fi
  if sasl_on && ! (sasl_setup); then
    log "the broker (pid $pid_started) is running without its users and ACLs; '$0 stop' stops it"
    exit 1
  fi
  log "started (pid $(cat "$PID_FILE")) in $((SECONDS - started)) s; data in $KAFKA_DATA_DIR, logs: $0 logs"
}

# ---------------------------------------------------------------------------------------------- stop
cmd_stop() {
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    if port_open "$KAFKA_PORT"; then
      log "not started by this script (no live pid in $PID_FILE), but something answers on $KAFKA_PORT; leaving it alone"
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after 30 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  if pid="$(broker_pid)"; then
    if is_ready; then
      echo "running: Kafka $(cat "$VERSION_FILE" 2>/dev/null || echo '?') pid $pid, ready on 127.0.0.1:$KAFKA_PORT, data $KAFKA_DATA_DIR"
    else
      echo "starting: pid $pid, not ready yet on 127.0.0.1:$KAFKA_PORT"
    fi
    return 0
  fi
  if port_open "$KAFKA_PORT"; then
    echo "running: something (not started from $KAFKA_DATA_DIR) answers on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  echo "not running (127.0.0.1:$KAFKA_PORT)"
  return 3
}

cmd_logs() {
  local f="$LOG_DIR/server.log"
  [[ -f "$f" ]] || f="$LOG_DIR/kafka.out"
  [[ -f "$f" ]] || die "no log yet in $LOG_DIR"
  if [[ "${1:-}" == "-f" ]]; then tail -n 100 -F "$f"; else tail -n "${1:-100}" "$f"; fi
}

cmd_reset() {
  take_lock "start-$KAFKA_PORT" 300 9
  cmd_stop
  case "$KAFKA_DATA_DIR" in
    "" | "/" | "$REPO_ROOT" | "$HOME") die "refusing to delete $KAFKA_DATA_DIR" ;;
  esac
  rm -rf "$KAFKA_DATA_DIR"
  log "deleted $KAFKA_DATA_DIR"
}

# ------------------------------------------------------------------------------------------- cluster
# Each node is this same script run with per-node env, so start/stop/status/logs work on one node too.
cluster_node_env() { # i
  local i="$1" voters="" j
  for ((j = 1; j <= KAFKA_CLUSTER_SIZE; j++)); do
    voters+="${voters:+,}$j@127.0.0.1:$((KAFKA_CLUSTER_CONTROLLER_BASE_PORT + j - 1))"
  done
  printf '%s\n' "KAFKA_NODE_ID=$i" "KAFKA_PORT=$((KAFKA_CLUSTER_BASE_PORT + i - 1))" \
    "KAFKA_CONTROLLER_PORT=$((KAFKA_CLUSTER_CONTROLLER_BASE_PORT + i - 1))" "KAFKA_QUORUM_VOTERS=$voters" \
    "KAFKA_DATA_DIR=$KAFKA_CLUSTER_DIR/node-$i" "KAFKA_INTERNAL_REPLICATION=$((KAFKA_CLUSTER_SIZE < 3 ? KAFKA_CLUSTER_SIZE : 3))" \
    "KAFKA_HEAP_OPTS=$KAFKA_CLUSTER_HEAP_OPTS" "KAFKA_ADVERTISED_PORT=$((KAFKA_CLUSTER_BASE_PORT + i - 1))"
}

cluster_each() { # command: runs "kafka.sh <command>" for every node, side by side; fails if one fails
  local i rc=0 pids=()
  for ((i = 1; i <= KAFKA_CLUSTER_SIZE; i++)); do
    local vars=()
    mapfile -t vars < <(cluster_node_env "$i")
    env "${vars[@]}" "$SCRIPT_DIR/kafka.sh" "$1" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  return $rc
}

cluster_brokers() {
  local i list=""
  for ((i = 1; i <= KAFKA_CLUSTER_SIZE; i++)); do list+="${list:+,}127.0.0.1:$((KAFKA_CLUSTER_BASE_PORT + i - 1))"; done
  printf '%s\n' "$list"
}

cmd_cluster_start() {
  cmd_fetch
  # Side by side: a node is ready only once a majority of the controller quorum is up.
  cluster_each start
  log "cluster of $KAFKA_CLUSTER_SIZE ready: KAFKA_BROKERS=$(cluster_brokers)"
}

cmd_cluster_reset() {
  cluster_each reset
  case "$KAFKA_CLUSTER_DIR" in
    "" | "/" | "$REPO_ROOT" | "$HOME") die "refusing to delete $KAFKA_CLUSTER_DIR" ;;
  esac
  rm -rf "$KAFKA_CLUSTER_DIR"
}

cmd_classpath() { cmd_fetch; echo "$LIB_DIR/*"; }

# Runs a Java main class from the cached classpath, e.g. the benchmark tools:
#   kafka.sh run-class org.apache.kafka.tools.ProducerPerformance --topic t --num-records 100000 ...
cmd_run_class() {
  [[ $# -ge 1 ]] || die "usage: $0 run-class <main class> [args...]"
  cmd_fetch
  # shellcheck disable=SC2086
  exec java ${KAFKA_TOOL_HEAP_OPTS:--Xmx512m} -cp "$LIB_DIR/*" "$@"
}

usage() {
  cat <<EOF
usage: $0 <command>
  fetch       download Kafka $KAFKA_VERSION jars from Maven Central into $LIB_DIR (once)
  start       start the broker on 127.0.0.1:$KAFKA_PORT and wait until ready (idempotent)
  stop        stop it (SIGTERM, SIGKILL after 30 s; idempotent)
  restart     stop then start
  status      running or not (exit 0 if something answers on the port, 3 if not)
  wait        wait up to KAFKA_START_TIMEOUT (${KAFKA_START_TIMEOUT}) s for readiness
  logs [-f|N] tail the broker log
  reset       stop and delete $KAFKA_DATA_DIR
  classpath   print the classpath (fetching first)
  run-class   run a main class on that classpath (e.g. org.apache.kafka.tools.ProducerPerformance)
  cluster-start|cluster-stop|cluster-status|cluster-reset
              $KAFKA_CLUSTER_SIZE combined broker+controller nodes on 127.0.0.1:$KAFKA_CLUSTER_BASE_PORT.., data in $KAFKA_CLUSTER_DIR
  cluster-env N  print the env (one VAR=value a line) that makes the other commands act on node N
env: KAFKA_SASL (true: SCRAM users and ACLs) KAFKA_<USER>_PASSWORD (admin relay projector ingest query producer)
     KAFKA_TOPIC_PREFIX KAFKA_PROJECTOR_GROUP KAFKA_INGEST_GROUP (what the ACLs name)
     KAFKA_VERSION KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_DATA_DIR KAFKA_CACHE_DIR KAFKA_HEAP_OPTS KAFKA_START_TIMEOUT
     KAFKA_JVM_PROFILE (steady, or quick-start for a broker of minutes) KAFKA_JVM_PERFORMANCE_OPTS KAFKA_TOOL_JVM_OPTS
     KAFKA_NODE_ID KAFKA_QUORUM_VOTERS KAFKA_INTERNAL_REPLICATION KAFKA_ADVERTISED_PORT
     KAFKA_CLUSTER_SIZE KAFKA_CLUSTER_BASE_PORT KAFKA_CLUSTER_CONTROLLER_BASE_PORT KAFKA_CLUSTER_DIR KAFKA_CLUSTER_HEAP_OPTS
EOF
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    fetch) cmd_fetch ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop && cmd_start ;;
    status) cmd_status ;;
    wait) cmd_wait ;;
    logs) cmd_logs "$@" ;;
    reset) cmd_reset ;;
    classpath) cmd_classpath ;;
    run-class) cmd_run_class "$@" ;;
    cluster-start) cmd_cluster_start ;;
    cluster-stop) cluster_each stop ;;
    cluster-status) cluster_each status ;;
    cluster-reset) cmd_cluster_reset ;;
    cluster-env) cluster_node_env "${1:?usage: $0 cluster-env <node>}" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"

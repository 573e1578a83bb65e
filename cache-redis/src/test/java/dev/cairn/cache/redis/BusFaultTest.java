package dev.cairn.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several JVMs on one bus while Redis misbehaves: four {@link BusMember} processes (one of them
 * over a disk tier) read and write the keys of a cache "stock" against a shared system of record
 * while the test drops every Redis connection, pauses Redis, kills and restarts it with its data,
 * kills and restarts it without, trims the stream under the members, and kills one member with
 * SIGKILL and starts it again.
 *
 * <p>The system of record is a second redis-server the test never faults: a hash {@code sor} of
 * {@code "<key>@<version>"}, versions from {@code INCR}, written in one script so they only grow.
 * A member writes inside the cache's {@code compute} (see {@link BusMember} for why).
 *
 * <p><b>What the checker asserts.</b>
 * <ol>
 *   <li><b>Monotonic reads, per member and key, across its incarnations.</b> No read returns a
 *       version lower than the highest this member id has already returned or written for that
 *       key. Sound because the record's versions only grow, a member has one worker thread (its
 *       reports are in the order it made them), a value enters a member's cache only from its
 *       own write (under the key's lock, with the record's newest version at that moment) or from
 *       a load of the record, and a restarted member starts with an empty memory tier (the killed
 *       one has none below it).
 *   <li><b>Convergence, checked four times.</b> Once the faults have stopped and every member
 *       has stopped writing and sent every invalidation it held, then again after each member in
 *       turn has written every key once (after a read of every key by every member, so that every
 *       member holds every key when the invalidations arrive): within {@link #CONVERGENCE}, (a)
 *       no member holds a copy of a key whose version is not the record's, peeked at with a plain
 *       {@code get} that loads nothing, every member peeked at before any reads through (a load
 *       that stores tells the others, which would drop a stale copy and hide a lost
 *       invalidation), while its tiers serve; then (b) every member's read-through {@code get} of
 *       every key returns the record's version.
 *   <li><b>Gaps are seen.</b> The restart without data and the trim each raise the members' total
 *       {@code fullClears()}. The trim is made certain to cut into what the members have not read:
 *       one script appends an invalidation and trims the stream to nothing, so the message is gone
 *       before any member can read it.
 *   <li>No cache operation in a member throws.
 * </ol>
 * What it cannot see: a stale read inside the bus's documented window (a member may serve the
 * version it held until it reads the invalidation, or for up to maxStaleness while cut off), and
 * so a lost invalidation under load, where the next change of the key usually repairs it before
 * the end (the convergence rounds are there for that). The bus carries keys, not versions, so
 * "older than the last invalidation it applied" is not observable from a member without
 * instrumenting the bus. A member killed between its record write and its invalidation leaves the
 * others stale on that key until it is written again: a limit of writing the record and the cache
 * apart, not of the bus; the load after the restart rewrites every key many times over.
 *
 * <p>About 40 s: four JVMs and two redis-servers on two cores.
 */
class BusFaultTest {

  private static final int MEMBERS = 4;
  private static final int DISK_MEMBER = 3;
  private static final Duration CONVERGENCE = Duration.ofSeconds(5);
  private static final Duration STARTUP = Duration.ofSeconds(30);
  private static final String STREAM = "cairn:{stock}:invalidations";

  @TempDir
  Path temp;

  private RedisServer bus;
  private RedisServer record;
  private RedisClient recordClient;
  private RedisCommands<String, String> recordCommands;
  private final Member[] members = new Member[MEMBERS];
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  // Per member id: the highest version returned or written, per key; survives a restart.
  private final List<Map<String, Long>> seen = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    for (Member member : members) {
      if (member != null) {
        member.process.destroyForcibly();
        member.process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (recordClient != null) {
      recordClient.shutdown();
    }
    if (bus != null) {
      bus.close();
    }
    if (record != null) {
      record.close();
    }
  }

  @Test
  void membersStayMonotonicSeeEveryGapAndConvergeAfterRedisFaults() throws Exception {
    bus = RedisServer.start(temp.resolve("bus"), true);
    record = RedisServer.start(temp.resolve("record"), false);
    recordClient = RedisClient.create(record.uri());
    for (int id = 0; id < MEMBERS; id++) {
      seen.add(new ConcurrentHashMap<>());
      members[id] = Member.start(this, id, 1);
    }
    for (Member member : members) {
      member.awaitReady();
    }
    load(1_500);

    // Every client connection dropped; the members reconnect.
    bus.command("CLIENT", "KILL", "TYPE", "normal");
    load(1_500);

    bus.command("CLIENT", "PAUSE", "500", "ALL");
    load(1_500);

    bus.kill();
    load(700);
    bus.restart();
    load(1_500);

    long beforeEmpty = fullClears();
    bus.kill();
    bus.restartEmpty();
    await("a full clear after the restart without data").atMost(Duration.ofSeconds(10))
        .until(() -> fullClears() > beforeEmpty);
    load(1_000);

    long beforeTrim = fullClears();
    bus.command("EVAL", "redis.call('XADD', KEYS[1], '*', 'n', 'fault-test', 'k', 'k0') "
        + "return redis.call('XTRIM', KEYS[1], 'MAXLEN', '0')", "1", STREAM);
    await("a full clear after the trim").atMost(Duration.ofSeconds(10))
        .until(() -> fullClears() > beforeTrim);
    load(1_000);

    members[0].process.destroyForcibly();
    members[0].process.waitFor(10, TimeUnit.SECONDS);
    members[0] = Member.start(this, 0, 2);
    members[0].awaitReady();
    load(1_500);

    for (Member member : members) {
      member.call("quiesce");
    }
    assertConverged();
    // A check leaves every member holding every key. Then each member in turn writes every key,
    // and the others must drop every copy they hold: a lost invalidation cannot hide here, as it
    // can under load, where the key is often not held or written again soon after.
    for (Member member : members) {
      member.call("write-all");
      assertConverged();
    }
    System.out.printf("BusFaultTest: %d reads, %d writes, %d full clears%n", reads.get(),
        writes.get(), fullClears());
    assertThat(violations).as("monotonic reads and no failed operation").isEmpty();
  }

  /**
   * Within {@link #CONVERGENCE}: no member holds a copy of a key other than the record's version
   * (peeked at, all members before any reads through, since a load tells the others), and every
   * member's read-through returns the record's version.
   */
  private void assertConverged() throws Exception {
    Map<String, String> latest = record().hgetall("sor");
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < BusMember.KEYS; i++) {
      expected.put("k" + i, BusMember.versionOf(latest.get("k" + i)));
    }
    long deadline = System.nanoTime() + CONVERGENCE.toNanos();
    List<String> stale = new ArrayList<>();
    do {
      stale.clear();
      for (Member member : members) {
        Map<String, Long> held = member.ask("peek");
        held.forEach((key, version) -> {
          if (version != 0 && !version.equals(expected.get(key))) {
            stale.add("member " + member.id + " holds " + key + "@" + version);
          }
        });
        if (!member.checkedCurrent) {
          stale.add("member " + member.id + " does not serve from its own tiers");
        }
      }
    } while (!stale.isEmpty() && System.nanoTime() < deadline);
    assertThat(stale).as("after %s, with the record at %s", CONVERGENCE, expected).isEmpty();
    for (Member member : members) {
      assertThat(member.ask("read")).as("member %d reads through", member.id)
          .isEqualTo(expected);
    }
    assertThat(violations).as("monotonic reads and no failed operation").isEmpty();
  }

  private RedisCommands<String, String> record() {
    if (recordCommands == null) {
      recordCommands = recordClient.connect().sync();
    }
    return recordCommands;
  }

  /** Lets the members run for a while between faults. */
  private static void load(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  private long fullClears() {
    long total = 0;
    for (Member member : members) {
      total += member.previousFullClears + member.fullClears.get();
    }
    return total;
  }

  /** Takes one line a member printed. */
  private void report(Member member, String line) {
    String[] words = line.split(" ");
    switch (words[0]) {
      case "R", "W" -> {
        (words[0].equals("R") ? reads : writes).incrementAndGet();
        long version = Long.parseLong(words[2]);
        Map<String, Long> highest = seen.get(member.id);
        long before = highest.getOrDefault(words[1], 0L);
        if (words[0].equals("R") && version < before) {
          violations.add("member " + member.id + "#" + member.incarnation + " read " + words[1]
              + " at version " + version + " after it had seen version " + before);
        }
        highest.merge(words[1], version, Math::max);
      }
      case "S" -> {
        member.fullClears.set(Long.parseLong(words[1]));
      }
      case "E" -> violations.add("member " + member.id + "#" + member.incarnation + ": " + line);
      case "C" -> member.checked.put(words[1], Long.parseLong(words[2]));
      case "CURRENT" -> member.checkedCurrent = Boolean.parseBoolean(words[1]);
      case "DONE" -> {
        synchronized (member) {
          member.done = true;
          member.notifyAll();
        }
      }
      case "READY" -> member.ready = true;
      default -> violations.add("member " + member.id + " printed " + line);
    }
  }

  /** One member process and what it last reported. */
  private static final class Member {
    final int id;
    final int incarnation;
    final Process process;
    final long previousFullClears;
    final AtomicLong fullClears = new AtomicLong();
    final Map<String, Long> checked = new ConcurrentHashMap<>();
    volatile boolean ready;
    boolean done;
    volatile boolean checkedCurrent;

    private Member(int id, int incarnation, Process process, long previousFullClears) {
      this.id = id;
      this.incarnation = incarnation;
      this.process = process;
      this.previousFullClears = previousFullClears;
    }

    static Member start(BusFaultTest test, int id, int incarnation) throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      Path disk = test.temp.resolve("member-" + id + "-disk");
      ProcessBuilder builder = new ProcessBuilder(java, "-Xmx64m", "-cp",
          System.getProperty("java.class.path"), BusMember.class.getName(), test.bus.uri(),
          test.record.uri(), Integer.toString(id), id == DISK_MEMBER ? disk.toString() : "-",
          Long.toString(31L * id + incarnation));
      builder.redirectError(test.temp.resolve("member-" + id + "-" + incarnation + ".log")
          .toFile());
      Member old = test.members[id];
      long previous = old == null ? 0 : old.previousFullClears + old.fullClears.get();
      Member member = new Member(id, incarnation, builder.start(), previous);
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(
            member.process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = out.readLine()) != null) {
            test.report(member, line);
          }
        } catch (IOException ended) {
          // the member was killed
        }
      }, "member-" + id + "-" + incarnation + "-out");
      reader.setDaemon(true);
      reader.start();
      return member;
    }

    void awaitReady() {
      await("member " + id + " ready").atMost(STARTUP).until(() -> ready);
    }

    /** Sends a command and waits, 15 s at most, for the member to have done it. */
    void call(String command) throws IOException, InterruptedException {
      synchronized (this) {
        done = false;
      }
      OutputStream in = process.getOutputStream();
      in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      synchronized (this) {
        while (!done) {
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left <= 0) {
            throw new AssertionError("member " + id + " did not do '" + command
                + "' within 15 s");
          }
          wait(left);
        }
      }
    }

    /** Sends {@code peek} or {@code read} and returns the version of every key. */
    Map<String, Long> ask(String command) throws IOException, InterruptedException {
      checked.clear();
      call(command);
      return new HashMap<>(checked);
    }
  }
}

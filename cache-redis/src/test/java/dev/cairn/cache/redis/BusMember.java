package dev.cairn.cache.redis;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.TieredCacheBuilder;
import dev.cairn.cache.disk.DiskTier;
import dev.cairn.cache.disk.Serializers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One JVM of {@link BusFaultTest}: a cache "stock" on an invalidation bus, driven by one worker
 * thread that reads and writes a small set of keys against a system of record, and that reports
 * on stdout every value it served and every write it made. The test talks to it on stdin.
 *
 * <p>The system of record is a hash {@code sor} on a second Redis server the test never faults
 * (it stands for the service's database, which is not what is tested). A write takes a new version
 * of the key from Redis and stores {@code "<key>@<version>"} in one script, so the record's
 * versions only grow; the write runs inside the cache's {@code compute}, under the key's lock, so
 * that an invalidation of a later version from another JVM cannot be applied between the record's
 * write and the cache's (which would leave this JVM holding an older value for good, a race of
 * the member and not of the bus).
 *
 * <p>One worker thread: the order of its reads is the order it reports them, which the test's
 * monotonic-read check needs.
 *
 * <p>Lines it prints: {@code READY}; {@code R <key> <version>} a read served; {@code W <key>
 * <version>} a write made (a put of that version, or a removal after the record took it);
 * {@code S <fullClears> <pending> <received> <current> <memory entries>} every 100 ms; {@code C <key> <version>} for each key on
 * {@code peek} (what it holds, 0 for nothing) or {@code read} (read-through), then
 * {@code CURRENT <whether its own tiers could serve throughout>}; {@code DONE} after each command: {@code quiesce} (stop the worker, wait until no
 * invalidation is left to send), {@code peek}, {@code read}, {@code write-all} (write
 * every key once). Version 0 stands for a key the record does not hold.
 *
 * <p>Arguments: bus URI, record URI, member id, disk directory or {@code -}, random seed.
 */
public final class BusMember {

  static final int KEYS = 20;
  private static final String WRITE = "local v = redis.call('INCR', 'version:' .. ARGV[1]) "
      + "redis.call('HSET', 'sor', ARGV[1], ARGV[1] .. '@' .. v) return v";

  private BusMember() {
  }

  public static void main(String[] args) throws Exception {
    String busUri = args[0];
    String sorUri = args[1];
    String diskDirectory = args[3];
    Random random = new Random(Long.parseLong(args[4]));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    RedisClient sorClient = RedisClient.create(sorUri);
    RedisCommands<String, String> sor = sorClient.connect().sync();
    RedisInvalidationBus<String> bus = RedisInvalidationBus.builder(busUri, KeyCodec.strings())
        .maxStaleness(Duration.ofSeconds(2)).build();
    TieredCacheBuilder<String, String> builder = TieredCache.<String, String>builder("stock")
        .maximumSize(1_000).coherence(bus);
    if (!diskDirectory.equals("-")) {
      builder.lowerTier(DiskTier.of(Path.of(diskDirectory), Serializers.string(),
          Serializers.string()));
    }
    TieredCache<String, String> cache = builder.build();

    // Set by the stdin thread on "quiesce"; the worker checks it between operations.
    AtomicBoolean quiesce = new AtomicBoolean();
    Thread worker = new Thread(() -> {
      while (!quiesce.get()) {
        try {
          step(cache, sor, random, out);
        } catch (RuntimeException e) {
          // The test fails on it: a cache operation must not fail while Redis is away.
          out.println("E " + e.toString().replace('\n', ' '));
        }
      }
    }, "member-worker");
    Thread status = new Thread(() -> {
      while (true) {
        out.println("S " + bus.fullClears() + " " + bus.pending() + " " + bus.received() + " "
            + bus.localTiersCurrent() + " " + cache.memoryTierSize());
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "member-status");
    status.setDaemon(true);
    out.println("READY");
    worker.start();
    status.start();

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.equals("quiesce")) {
        quiesce.set(true);
        worker.join();
        while (bus.pending() > 0) {
          Thread.sleep(20); // polled: the bus offers no completion signal for its queue
        }
      } else if (line.equals("peek") || line.equals("read")) {
        // A peek changes nothing; a read-through that loads and stores a key tells the others,
        // which would drop a stale copy there and hide the invalidation it missed.
        boolean peek = line.equals("peek");
        // Taken while cut off, a read would load every key and hide a stale copy held below.
        boolean current = bus.localTiersCurrent();
        for (int i = 0; i < KEYS; i++) {
          String key = "k" + i;
          String value = peek ? cache.get(key) : cache.get(key, k -> sor.hget("sor", k));
          out.println("C " + key + " " + versionOf(value));
        }
        out.println("CURRENT " + (current && bus.localTiersCurrent()));
      } else if (line.equals("write-all")) {
        for (int i = 0; i < KEYS; i++) {
          write(cache, sor, "k" + i, false, out);
        }
      }
      out.println("DONE");
    }
    // stdin closed: the test is done with this member.
    quiesce.set(true);
    worker.join();
    cache.close();
    sorClient.shutdown();
    System.exit(0);
  }

  /** One operation: three in ten write (one of them a removal), the rest read through. */
  private static void step(TieredCache<String, String> cache, RedisCommands<String, String> sor,
      Random random, PrintStream out) {
    String key = "k" + random.nextInt(KEYS);
    int dice = random.nextInt(10);
    if (dice < 3) {
      write(cache, sor, key, dice == 0, out);
    } else {
      String value = cache.get(key, k -> sor.hget("sor", k));
      out.println("R " + key + " " + versionOf(value));
    }
  }

  /** A new version in the record, then the cache's put or removal, under the key's lock. */
  private static void write(TieredCache<String, String> cache, RedisCommands<String, String> sor,
      String key, boolean remove, PrintStream out) {
    long[] version = new long[1];
    cache.compute(key, (k, old) -> {
      version[0] = sor.eval(WRITE, ScriptOutputType.INTEGER, new String[0], k);
      return remove ? null : k + "@" + version[0];
    });
    out.println("W " + key + " " + version[0]);
  }

  static long versionOf(String value) {
    return value == null ? 0 : Long.parseLong(value.substring(value.indexOf('@') + 1));
  }
}

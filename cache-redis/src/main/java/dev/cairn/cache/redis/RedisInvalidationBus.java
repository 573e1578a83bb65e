package dev.cairn.cache.redis;

import dev.cairn.cache.core.Coherence;
import dev.cairn.cache.core.TieredCache;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Keeps the copies of one cache in several JVMs coherent through a Redis Stream: an invalidation
 * bus. Every change a JVM makes to a key (a put, a removal, a replace, an entry processor's change,
 * a value loaded and stored, a clear) is appended to the cache's stream; every other JVM on the
 * bus reads the stream and drops the key from its memory tier and its lower tier, under the key's
 * lock, so that its next read goes to its loader (or misses) instead of serving the old copy.
 *
 * <p><b>What it guarantees.</b>
 * <ul>
 *   <li>Messages are numbered by Redis (stream IDs, never client clocks) and every JVM reads every
 *       message, from the last ID it saw: after a disconnect it resumes where it stopped.
 *   <li>A gap never passes silently: if the stream was trimmed past the last ID a JVM saw, or the
 *       server lost the stream or came back with older data, the JVM drops every entry of its
 *       local tiers for that cache (counted in {@link #fullClears()} and logged).
 *   <li>With {@link Publishing#AWAITED} (the default) a write returns only once its invalidation
 *       is in Redis, while the bus is connected. With {@link Publishing#BACKGROUND} a write
 *       returns at once and its invalidation follows on the bus's publishing thread, in the order
 *       the writes were made.
 *   <li>While Redis cannot be reached, local reads and writes go on. Invalidations not yet sent are
 *       kept, up to {@code pendingLimit}, and sent when Redis is back; past that bound they are
 *       replaced by one "clear" of the whole cache, so nothing is lost unseen. Once no message has
 *       been read for longer than {@code maxStaleness}, the cache stops serving from its own tiers
 *       (reads miss, read-through loads without storing) until it has caught up again.
 *   <li>A cache over a lower tier that outlives the process (the disk tier) has the tier keep,
 *       at a clean close, where it stopped reading; the next start replays from there before it
 *       serves. After a crash, on a first start, or when the stream no longer holds everything
 *       after that position, it drops its local entries instead (a cold start), since it cannot
 *       know what changed while it was away.
 * </ul>
 *
 * <p><b>What it does not guarantee.</b> A JVM drops a key some milliseconds after another changed
 * it (the time to read the stream), not at the same instant: a read on another JVM in between
 * still sees the old copy. The bus carries keys, not values: the next read goes to the loader.
 *
 * <p>The bus is joined when the cache is built (it fails the build, naming the server, if Redis
 * cannot be reached then) and left when the cache closes. Create one per cache with
 * {@link #builder}, and hand it to {@code TieredCacheBuilder.coherence}. What it did is counted
 * below ({@link #sent()} and so on) and published to Micrometer by
 * {@link RedisInvalidationBusMetrics}.
 *
 * @param <K> the key type
 */
public final class RedisInvalidationBus<K> implements Coherence<K> {

  private static final System.Logger LOG = System.getLogger(RedisInvalidationBus.class.getName());
  private static final byte[] NODE = bytes("n");
  private static final byte[] KEY = bytes("k");
  private static final byte[] CLEAR = bytes("c");
  private static final String START = "0-0";
  private static final int READ_BATCH = 256;
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /** When a write returns, relative to its invalidation reaching Redis. */
  public enum Publishing {
    /** A write returns once its invalidation is in Redis (while Redis can be reached). */
    AWAITED,
    /** A write returns at once; its invalidation follows in the background, in order. */
    BACKGROUND
  }

  private final RedisURI uri;
  private final KeyCodec<K> codec;
  private final long streamMaxLength;
  private final Duration maxStaleness;
  private final Publishing publishing;
  private final int pendingLimit;
  // Who this cache is on the bus, so it can tell its own messages; a cache that resumes after a
  // clean close takes the node it had, so the messages it sent before closing stay its own.
  // Set before the bus's threads start.
  private byte[] node = bytes(UUID.randomUUID().toString());

  private RedisClient client;
  private StatefulRedisConnection<byte[], byte[]> writes;
  private StatefulRedisConnection<byte[], byte[]> reads;
  private byte[] stream;
  private TieredCache<K, ?> cache;
  private String cacheName;

  private volatile boolean running;
  // Whether the local tiers may serve: read on every cache read, so a plain volatile flag.
  private volatile boolean current = true;
  private volatile boolean connected = true;
  private volatile long lastContactNanos;
  // Read and written by the reader thread only (and by start, before it runs): the last message
  // read, and how many messages the stream had ever had up to it (XINFO's entries-added then).
  private String lastId = START;
  private long addedUpToLastId;
  private Thread reader;
  private Thread publisher;
  private Thread watchdog;

  // The invalidations not yet in Redis, in the order the writes were made.
  private final Object queueLock = new Object();
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  // Set when the queue passed its bound: a clear goes out before what is queued.
  private boolean overflowed;

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong fullClears = new AtomicLong();
  private final AtomicLong disconnects = new AtomicLong();
  // The reader and the publisher both see the link drop and come back: one lock makes the
  // disconnect count and the disconnected time agree on when it dropped and when it came back.
  private final Object linkLock = new Object();
  private long disconnectedNanos;
  private long disconnectedSinceNanos;
  // Told the lag of each applied message; only RedisInvalidationBusMetrics sets it, so the bus
  // needs no Micrometer type. Volatile: set by the binder's thread, read by the reader thread.
  private volatile LongConsumer lagListener = millis -> { };

  /** One invalidation to send: a key's bytes, or {@code null} for a clear of the whole cache. */
  private record Outgoing(byte[] key, CompletableFuture<Void> sent) {
  }

  private RedisInvalidationBus(Builder<K> builder) {
    this.uri = builder.uri;
    this.codec = builder.codec;
    this.streamMaxLength = builder.streamMaxLength;
    this.maxStaleness = builder.maxStaleness;
    this.publishing = builder.publishing;
    this.pendingLimit = builder.pendingLimit;
  }

  /**
   * Starts a bus on the Redis server at {@code uri} (such as {@code redis://127.0.0.1:6400}) for a
   * cache whose keys {@code codec} turns into bytes.
   */
  public static <K> Builder<K> builder(String uri, KeyCodec<K> codec) {
    return new Builder<>(uri, codec);
  }

  /** Settings of a bus; each has a default. */
  public static final class Builder<K> {
    private final RedisURI uri;
    private final KeyCodec<K> codec;
    private long streamMaxLength = 100_000;
    private Duration maxStaleness = Duration.ofSeconds(5);
    private Publishing publishing = Publishing.AWAITED;
    private int pendingLimit = 10_000;

    private Builder(String uri, KeyCodec<K> codec) {
      Objects.requireNonNull(uri, "uri");
      try {
        this.uri = RedisURI.create(uri);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("The invalidation bus's Redis URI '" + uri
            + "' is not one: expected redis://host:port", e);
      }
      this.codec = Objects.requireNonNull(codec, "codec");
    }

    /**
     * About how many invalidations the stream keeps (trimmed approximately past it): how long a
     * JVM may be away and still catch up instead of starting cold. Default 100,000.
     */
    public Builder<K> streamMaxLength(long messages) {
      if (messages < 1) {
        throw new IllegalArgumentException("streamMaxLength must be at least 1, was " + messages);
      }
      this.streamMaxLength = messages;
      return this;
    }

    /**
     * How long the cache may go without reading the stream before it stops serving from its own
     * tiers. Default 5 s.
     */
    public Builder<K> maxStaleness(Duration staleness) {
      Objects.requireNonNull(staleness, "staleness");
      if (staleness.toMillis() < 100) {
        throw new IllegalArgumentException("maxStaleness must be at least 100 ms, was "
            + staleness);
      }
      this.maxStaleness = staleness;
      return this;
    }

    /** When a write returns; see {@link Publishing}. Default {@link Publishing#AWAITED}. */
    public Builder<K> publishing(Publishing publishing) {
      this.publishing = Objects.requireNonNull(publishing, "publishing");
      return this;
    }

    /**
     * How many invalidations are kept while Redis cannot be reached; past it they are replaced by
     * one clear of the whole cache. Default 10,000.
     */
    public Builder<K> pendingLimit(int invalidations) {
      if (invalidations < 1) {
        throw new IllegalArgumentException("pendingLimit must be at least 1, was "
            + invalidations);
      }
      this.pendingLimit = invalidations;
      return this;
    }

    public RedisInvalidationBus<K> build() {
      return new RedisInvalidationBus<>(this);
    }
  }

  // ---------------------------------------------------------------- joining and leaving

  @Override
  public void start(TieredCache<K, ?> joining, String savedPosition) {
    this.cache = joining;
    this.cacheName = joining.name();
    this.stream = bytes("cairn:{" + cacheName + "}:invalidations");
    client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        // Fail at once while disconnected: the bus keeps its own queue and retries in order.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout()))
        .build());
    try {
      writes = client.connect(ByteArrayCodec.INSTANCE);
      reads = client.connect(ByteArrayCodec.INSTANCE);
      if (joining.lowerTierName() == null) {
        join();    // memory only: nothing here is older than now
      } else if (savedPosition != null && resumeFrom(savedPosition)) {
        catchUp(); // replays what the others changed while this cache was closed
      } else {
        // A first start, or after a crash: what changed elsewhere meanwhile cannot be known.
        join();
        joining.invalidateAllLocally();
        if (savedPosition == null) {
          LOG.log(Level.INFO, () -> "Cache '" + cacheName + "' has no position on its"
              + " invalidation bus (a first start, or the last close was not clean): it drops"
              + " what its lower tier holds and starts cold");
        }
      }
    } catch (RedisException e) {
      client.shutdown();
      throw new IllegalStateException("Cache '" + cacheName + "' cannot join its invalidation"
          + " bus at " + uri + ": " + e.getMessage() + ". Start Redis there, or build the cache"
          + " without the bus", e);
    }
    lastContactNanos = System.nanoTime();
    running = true;
    reader = daemon("cairn-bus-read-" + cacheName, this::readLoop);
    publisher = daemon("cairn-bus-publish-" + cacheName, this::publishLoop);
    watchdog = daemon("cairn-bus-watch-" + cacheName, this::watchLoop);
    reader.start();
    publisher.start();
    watchdog.start();
  }

  /** Returns the position to resume from: the last message read, and the count up to it. */
  @Override
  public String close() {
    if (!running) {
      return null;
    }
    running = false;
    synchronized (queueLock) {
      queueLock.notifyAll();
    }
    watchdog.interrupt();
    // The publisher sends what is queued before it stops, for as long as Redis answers.
    join(publisher, commandTimeout().multipliedBy(2));
    // Closing the connection ends the reader's blocking read at once.
    reads.close();
    join(reader, commandTimeout().multipliedBy(2));
    join(watchdog, Duration.ofSeconds(1));
    writes.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    // Only a position whose messages were all applied: the reader has stopped (or is stuck, and
    // then no position is given, so the next start is cold).
    return reader.isAlive() ? null
        : lastId + " " + addedUpToLastId + " " + new String(node, StandardCharsets.UTF_8);
  }

  /**
   * Takes a saved position ({@code <last id> <messages up to it> <node>}); false if it is not one,
   * and the cache must start cold.
   */
  private boolean resumeFrom(String saved) {
    String[] parts = saved.strip().split(" ");
    try {
      if (parts.length == 3 && !parts[2].isEmpty()) {
        compareIds(parts[0], START);
        restartFrom(parts[0], Long.parseLong(parts[1]));
        node = bytes(parts[2]);
        return true;
      }
    } catch (NumberFormatException bad) {
      // falls through
    }
    LOG.log(Level.WARNING, () -> "Cache '" + cacheName + "' ignores a saved bus position it cannot"
        + " read ('" + saved + "') and starts cold");
    return false;
  }

  /** Reads (and applies) the stream until nothing is left after the last message read. */
  private void catchUp() {
    long before = fullClears.get();
    int rounds = 0;
    while (readRound() == READ_BATCH) {
      rounds++;
    }
    long replayedRounds = rounds + 1L;
    LOG.log(Level.INFO, () -> "Cache '" + cacheName + "' caught up with its invalidation bus from"
        + " its saved position (" + replayedRounds + " reads"
        + (fullClears.get() > before ? ", after a gap: it dropped its local content" : "") + ")");
  }

  private Duration commandTimeout() {
    return Duration.ofMillis(Math.max(1_000, blockMillis() * 2));
  }

  private long blockMillis() {
    return Math.max(50, Math.min(1_000, maxStaleness.toMillis() / 3));
  }

  // ---------------------------------------------------------------- sending

  @Override
  public CompletionStage<?> changed(K key) {
    return enqueue(codec.encode(key));
  }

  @Override
  public CompletionStage<?> cleared() {
    return enqueue(null);
  }

  private CompletionStage<?> enqueue(byte[] key) {
    Outgoing outgoing = new Outgoing(key, new CompletableFuture<>());
    synchronized (queueLock) {
      if (queue.size() >= pendingLimit) {
        // One clear says everything the queued invalidations said, and more.
        overflowed = true;
        queue.forEach(dropped -> dropped.sent().complete(null));
        queue.clear();
      }
      queue.add(outgoing);
      queueLock.notifyAll();
    }
    // While Redis cannot be reached, the write goes on: its invalidation waits in the queue.
    return publishing == Publishing.AWAITED && connected ? outgoing.sent() : DONE;
  }

  private void publishLoop() {
    long backOff = 50;
    while (true) {
      List<Outgoing> batch;
      boolean clearFirst;
      synchronized (queueLock) {
        while (running && queue.isEmpty() && !overflowed) {
          waitOn(queueLock, 100);
        }
        if (!running && queue.isEmpty() && !overflowed) {
          return;
        }
        batch = new ArrayList<>(queue);
        queue.clear();
        clearFirst = overflowed;
        overflowed = false;
      }
      try {
        send(batch, clearFirst);
        noteConnected();
        backOff = 50;
      } catch (RedisException | java.util.concurrent.ExecutionException
          | java.util.concurrent.TimeoutException e) {
        synchronized (queueLock) {
          // Back in front, in order, ahead of what was written meanwhile.
          for (int i = batch.size() - 1; i >= 0; i--) {
            queue.addFirst(batch.get(i));
          }
          overflowed |= clearFirst;
          if (queue.size() > pendingLimit) {
            overflowed = true;
            queue.clear();
          }
        }
        // Writers waiting for these go on: the invalidations stay queued for the reconnect.
        batch.forEach(outgoing -> outgoing.sent().complete(null));
        noteDisconnected(e);
        if (!running) {
          LOG.log(Level.WARNING, () -> "Cache '" + cacheName + "' closed with invalidations not"
              + " sent to its bus at " + uri + "; the other JVMs may serve what it changed until"
              + " their entries expire or they restart cold");
          return;
        }
        sleep(backOff);
        backOff = Math.min(2_000, backOff * 2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void send(List<Outgoing> batch, boolean clearFirst)
      throws InterruptedException, java.util.concurrent.ExecutionException,
      java.util.concurrent.TimeoutException {
    XAddArgs trim = XAddArgs.Builder.maxlen(streamMaxLength).approximateTrimming();
    List<CompletableFuture<String>> added = new ArrayList<>(batch.size() + 1);
    if (clearFirst) {
      added.add(writes.async().xadd(stream, trim, Map.of(NODE, node, CLEAR, CLEAR))
          .toCompletableFuture());
    }
    for (Outgoing outgoing : batch) {
      Map<byte[], byte[]> body = outgoing.key() == null ? Map.of(NODE, node, CLEAR, CLEAR)
          : Map.of(NODE, node, KEY, outgoing.key());
      // Pipelined on one connection: Redis appends them in this order.
      added.add(writes.async().xadd(stream, trim, body).toCompletableFuture());
    }
    for (CompletableFuture<String> one : added) {
      one.get(commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
    sent.addAndGet(added.size());
    batch.forEach(outgoing -> outgoing.sent().complete(null));
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Reads the stream for as long as the cache is open. Each round takes one atomic snapshot of the
   * stream's state and of the messages after the last one read (MULTI: XINFO STREAM, XRANGE), so a
   * trim that removed messages this JVM never read is always seen, whenever it happened. Redis
   * trims the oldest messages first: if a message up to the last one read is still there, nothing
   * after it was trimmed; otherwise the messages after it that are left (the stream's length) must
   * be all that were ever added after it (entries-added, less the count up to the last one read),
   * or some were trimmed unread. Between rounds a blocking XREAD waits for the next message.
   */
  private void readLoop() {
    long backOff = 50;
    while (running) {
      try {
        int read = readRound();
        lastContactNanos = System.nanoTime();
        // A cache that only reads must see the link come back too, not only one that sends.
        noteConnected();
        if (read < READ_BATCH) {
          if (!current) {
            current = true;
            LOG.log(Level.INFO, () -> "Cache '" + cacheName + "' has caught up with its"
                + " invalidation bus and serves from its own tiers again");
          }
          awaitNext();
          lastContactNanos = System.nanoTime();
        }
        backOff = 50;
      } catch (RedisException e) {
        if (!running) {
          return;
        }
        noteDisconnected(e);
        sleep(backOff);
        backOff = Math.min(2_000, backOff * 2);
      } catch (IllegalStateException closed) {
        return; // the cache closed under us
      }
    }
  }

  /** One snapshot: checks for a gap, applies what follows the last ID read; returns how many. */
  private int readRound() {
    var commands = reads.sync();
    commands.multi();
    commands.xinfoStream(stream);
    commands.xrange(stream, Range.from(Range.Boundary.excluding(lastId),
        Range.Boundary.unbounded()), Limit.from(READ_BATCH));
    TransactionResult snapshot = commands.exec();
    Object info = snapshot.get(0);
    if (info instanceof Exception missing) {
      // No stream: nothing was ever written, or the server lost it.
      if (!lastId.equals(START)) {
        gap("the stream is gone (the server lost its data, or is another server)");
        restartFrom(START, 0);
      }
      return 0;
    }
    @SuppressWarnings("unchecked")
    List<Object> fields = (List<Object>) info;
    String lastGenerated = field(fields, "last-generated-id");
    long added = Long.parseLong(field(fields, "entries-added"));
    long length = Long.parseLong(field(fields, "length"));
    String first = field(fields, "recorded-first-entry-id");
    if (compareIds(lastGenerated, lastId) < 0 || added < addedUpToLastId) {
      gap("the server came back with older data than this cache had read");
      restartFrom(lastGenerated, added);
      return 0;
    }
    boolean readOneIsLeft = length > 0 && compareIds(first, lastId) <= 0;
    if (!readOneIsLeft && added - addedUpToLastId > length) {
      gap("the stream was trimmed past what this cache had read");
      restartFrom(lastGenerated, added);
      return 0;
    }
    List<StreamMessage<byte[], byte[]>> messages = snapshot.get(1);
    for (StreamMessage<byte[], byte[]> message : messages) {
      apply(message);
      lastId = message.getId();
      addedUpToLastId++;
    }
    return messages.size();
  }

  /** Waits, at most the block time, for a message after the last ID read; reads nothing. */
  @SuppressWarnings("unchecked")
  private void awaitNext() {
    reads.sync().xread(XReadArgs.Builder.block(blockMillis()).count(1),
        XReadArgs.StreamOffset.from(stream, lastId));
  }

  private void apply(StreamMessage<byte[], byte[]> message) {
    byte[] from = null;
    byte[] key = null;
    boolean clear = false;
    for (Map.Entry<byte[], byte[]> field : message.getBody().entrySet()) {
      if (Arrays.equals(field.getKey(), NODE)) {
        from = field.getValue();
      } else if (Arrays.equals(field.getKey(), KEY)) {
        key = field.getValue();
      } else if (Arrays.equals(field.getKey(), CLEAR)) {
        clear = true;
      }
    }
    if (Arrays.equals(from, node)) {
      return; // our own change
    }
    received.incrementAndGet();
    lagListener.accept(lagMillis(message.getId()));
    if (clear) {
      cache.invalidateAllLocally();
    } else if (key != null) {
      K decoded;
      try {
        decoded = codec.decode(key);
      } catch (RuntimeException e) {
        // A key we cannot read could be any key: only dropping everything is safe.
        LOG.log(Level.WARNING, () -> "Cache '" + cacheName + "' received an invalidation whose"
            + " key its codec cannot read (" + e + "); it drops its whole local content");
        fullClear();
        return;
      }
      cache.invalidateLocally(decoded);
    }
  }

  /** Where a joining cache starts reading: after the stream's last message, or its start. */
  private void join() {
    List<Object> info;
    try {
      info = reads.sync().xinfoStream(stream);
    } catch (RedisCommandExecutionException noStream) {
      restartFrom(START, 0);
      return;
    }
    restartFrom(field(info, "last-generated-id"), Long.parseLong(field(info, "entries-added")));
  }

  private void restartFrom(String id, long added) {
    lastId = id;
    addedUpToLastId = added;
  }

  private void gap(String why) {
    LOG.log(Level.WARNING, () -> "Cache '" + cacheName + "' missed invalidations from its bus at "
        + uri + ": " + why + ". It drops its whole local content and goes on");
    fullClear();
  }

  private void fullClear() {
    fullClears.incrementAndGet();
    cache.invalidateAllLocally();
  }

  private static String field(List<Object> info, String name) {
    for (int i = 0; i + 1 < info.size(); i += 2) {
      if (name.equals(text(info.get(i)))) {
        return text(info.get(i + 1));
      }
    }
    return null;
  }

  private static String text(Object value) {
    return value instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8)
        : String.valueOf(value);
  }

  /**
   * How long ago Redis appended the message: its ID's first part is the server's clock at XADD.
   * A server clock ahead of this JVM's would make it negative: counted as 0.
   */
  static long lagMillis(String id) {
    return Math.max(0, System.currentTimeMillis() - parseId(id)[0]);
  }

  /** Orders stream IDs ({@code <millis>-<sequence>}). */
  static int compareIds(String a, String b) {
    long[] x = parseId(a);
    long[] y = parseId(b);
    int byTime = Long.compareUnsigned(x[0], y[0]);
    return byTime != 0 ? byTime : Long.compareUnsigned(x[1], y[1]);
  }

  private static long[] parseId(String id) {
    int dash = id.indexOf('-');
    return dash < 0 ? new long[] {Long.parseUnsignedLong(id), 0}
        : new long[] {Long.parseUnsignedLong(id.substring(0, dash)),
            Long.parseUnsignedLong(id.substring(dash + 1))};
  }

  // ---------------------------------------------------------------- staleness

  @Override
  public boolean localTiersCurrent() {
    return current;
  }

  private void watchLoop() {
    long period = Math.max(25, maxStaleness.toMillis() / 4);
    while (running) {
      if (current && System.nanoTime() - lastContactNanos > maxStaleness.toNanos()) {
        current = false;
        LOG.log(Level.WARNING, () -> "Cache '" + cacheName + "' has not heard from its"
            + " invalidation bus at " + uri + " for more than " + maxStaleness.toMillis()
            + " ms: it stops serving from its own tiers until it has caught up");
      }
      if (!sleep(period)) {
        return;
      }
    }
  }

  private void noteDisconnected(Exception e) {
    synchronized (linkLock) {
      if (!connected) {
        return;
      }
      connected = false;
      disconnects.incrementAndGet();
      disconnectedSinceNanos = System.nanoTime();
    }
    LOG.log(Level.WARNING, () -> "Cache '" + cacheName + "' lost its invalidation bus at "
        + uri + " (" + e.getMessage() + "); local reads and writes go on, invalidations are"
        + " queued");
  }

  private void noteConnected() {
    synchronized (linkLock) {
      if (connected) {
        return;
      }
      connected = true;
      disconnectedNanos += System.nanoTime() - disconnectedSinceNanos;
    }
    LOG.log(Level.INFO, () -> "Cache '" + cacheName + "' reaches its invalidation bus at "
        + uri + " again");
  }

  // ---------------------------------------------------------------- what it did

  /** Returns how many invalidations this JVM appended to the stream. */
  public long sent() {
    return sent.get();
  }

  /** Returns how many invalidations of other JVMs this JVM applied. */
  public long received() {
    return received.get();
  }

  /** Returns how many times this JVM dropped its whole local content for a gap it could not replay. */
  public long fullClears() {
    return fullClears.get();
  }

  /** Returns how many times this JVM lost its connection to the bus. */
  public long disconnects() {
    return disconnects.get();
  }

  /** Returns how long, in all, this JVM has been without its bus, up to now. */
  public Duration timeDisconnected() {
    synchronized (linkLock) {
      long nanos = disconnectedNanos;
      if (!connected) {
        nanos += System.nanoTime() - disconnectedSinceNanos;
      }
      return Duration.ofNanos(nanos);
    }
  }

  /** Adds a listener told, for each applied message of another JVM, its lag in milliseconds. */
  // Synchronized so that two binders added at once both stay in the chain.
  synchronized void addLagListener(LongConsumer listener) {
    Objects.requireNonNull(listener, "listener");
    lagListener = lagListener.andThen(listener);
  }

  /** Returns how many invalidations wait to be sent. */
  public int pending() {
    synchronized (queueLock) {
      return queue.size() + (overflowed ? 1 : 0);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void waitOn(Object lock, long millis) {
    try {
      lock.wait(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread thread, Duration timeout) {
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "RedisInvalidationBus[" + cacheName + " at " + uri + "]";
  }
}

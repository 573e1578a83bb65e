package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.TierProvider;
import dev.cairn.cache.core.tier.TierOptions;
import dev.cairn.cache.core.tier.TierSpec;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The disk tier as the JCache layer gets it: by name, from a {@link TierSpec}. */
class DiskTierProviderTest {

  private static final String CACHE = "orders";
  // spaces and an unrelated pattern included, as a hand-written option would have them
  private static final String ALLOW_THIS_PACKAGE =
      " com.example.nothing.* , dev.cairn.cache.disk.*";

  @TempDir
  Path temp;

  private final TierProvider provider = new DiskTierProvider();
  private final ClassLoader loader = getClass().getClassLoader();

  /** A user's key, stable in hash across JVMs, as a persistent key must be. */
  record OrderId(long id) implements Serializable {
  }

  /** A user's value. */
  record Order(String item, int quantity) implements Serializable {
  }

  /** A class a reader never allowed; counts the instances deserialization makes. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger READ = new AtomicInteger();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      READ.incrementAndGet();
    }
  }

  /** Loads through its parent, remembering what it was asked for. */
  static final class RecordingClassLoader extends ClassLoader {
    final Set<String> asked = ConcurrentHashMap.newKeySet();

    RecordingClassLoader(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      asked.add(name);
      return super.loadClass(name, resolve);
    }
  }

  private TierSpec<Object, Object> spec(Path directory, Map<String, String> options) {
    return spec(directory, loader, options);
  }

  private static TierSpec<Object, Object> spec(Path directory, ClassLoader loader,
      Map<String, String> options) {
    return new TierSpec<>(CACHE, directory, Object.class, Object.class, loader,
        TierOptions.of(CACHE, DiskTierProvider.NAME, options));
  }

  private static TieredCache<Object, Object> open(LowerTier<Object, Object> tier) {
    return TieredCache.builder(CACHE).maximumSize(100).segments(4).warmRestart(false)
        .lowerTier(tier).build();
  }

  private TieredCache<Object, Object> openAllowingThisPackage(Path directory) {
    return open(provider.create(spec(directory,
        Map.of(DiskTierProvider.ALLOWED_CLASSES, ALLOW_THIS_PACKAGE))));
  }

  @Test
  void theDiskTierIsFoundByName() {
    TierProvider found = TierProvider.find("disk", loader);
    assertThat(found).isInstanceOf(DiskTierProvider.class);
    assertThat(found.name()).isEqualTo("disk");
  }

  @Test
  void findingATierNobodyOffersListsTheDiskTier() {
    assertThatThrownBy(() -> TierProvider.find("nosuch", loader))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nosuch")
        .hasMessageContaining("disk");
  }

  @Test
  void anObjectTypedEntryOfAnAllowedClassSurvivesACloseAndReopen() {
    Path directory = temp.resolve("orders");
    try (TieredCache<Object, Object> cache = openAllowingThisPackage(directory)) {
      cache.put(new OrderId(7), new Order("rope", 3));
      cache.put("plain", 42L);
    }
    try (TieredCache<Object, Object> cache = openAllowingThisPackage(directory)) {
      assertThat(cache.get(new OrderId(7))).isEqualTo(new Order("rope", 3));
      assertThat(cache.get("plain")).isEqualTo(42L);
      assertThat(cache.size()).isEqualTo(2);
    }
  }

  @Test
  void storedClassesAreResolvedWithTheSpecsClassLoader() {
    Path directory = temp.resolve("orders");
    try (TieredCache<Object, Object> cache = openAllowingThisPackage(directory)) {
      cache.put("o", new Order("rope", 3));
    }
    RecordingClassLoader recording = new RecordingClassLoader(loader);
    try (TieredCache<Object, Object> cache = open(provider.create(spec(directory, recording,
        Map.of(DiskTierProvider.ALLOWED_CLASSES, ALLOW_THIS_PACKAGE))))) {
      assertThat(cache.get("o")).isEqualTo(new Order("rope", 3));
    }
    assertThat(recording.asked).contains(Order.class.getName());
  }

  @Test
  void aClassOutsideTheAllowlistIsRefusedAtReadAndNeverInstantiated() {
    Path directory = temp.resolve("orders");
    try (TieredCache<Object, Object> cache = openAllowingThisPackage(directory)) {
      cache.put("evil", new Gadget());
    }
    Gadget.READ.set(0);
    try (TieredCache<Object, Object> cache = open(provider.create(spec(directory, Map.of())))) {
      assertThatThrownBy(() -> cache.get("evil"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(Gadget.class.getName())
          .hasMessageContaining(DiskTierProvider.ALLOWED_CLASSES)
          .hasMessageContaining(CACHE);
    }
    assertThat(Gadget.READ).as("instances made by the refused read").hasValue(0);
    try (TieredCache<Object, Object> cache = openAllowingThisPackage(directory)) {
      assertThat(cache.get("evil")).isInstanceOf(Gadget.class);
    }
    assertThat(Gadget.READ).as("the counter counts an allowed read").hasValue(1);
  }

  @Test
  void aValueOfAClassOutsideTheAllowlistFailsItsPutNamingTheOption() {
    try (TieredCache<Object, Object> cache = open(provider.create(spec(temp.resolve("orders"),
        Map.of())))) {
      assertThatThrownBy(() -> cache.put("o", new Order("rope", 3)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(Order.class.getName())
          .hasMessageContaining(DiskTierProvider.ALLOWED_CLASSES)
          .hasMessageContaining(CACHE);
      assertThat(cache.containsKey("o")).isFalse();
    }
  }

  @Test
  void theSpecsBoundsAndOptionsReachTheTier() {
    TierSpec<String, Long> spec = new TierSpec<>(CACHE, temp.resolve("x"), String.class,
        Long.class, loader, TierOptions.of(CACHE, DiskTierProvider.NAME, Map.of(
            DiskTierProvider.MAXIMUM_ENTRIES, "1000", DiskTierProvider.MAXIMUM_BYTES, "1m",
            DiskTierProvider.CHECKPOINT_AFTER, " 64m", DiskTierProvider.PURGE_INTERVAL,
            "PT30S")));
    DiskTier<String, Long> tier = (DiskTier<String, Long>) provider.create(spec);
    assertThat(tier.maximumEntries()).isEqualTo(1_000);
    assertThat(tier.maximumBytes()).isEqualTo(1L << 20);
    assertThat(tier.checkpointAfter()).isEqualTo(64L << 20);
    assertThat(tier.purgeInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(tier.directory()).isEqualTo(temp.resolve("x").toAbsolutePath());
  }

  @Test
  void checkpointAfterTakesBytesWithBinarySuffixes() {
    assertThat(checkpointAfter("4096")).isEqualTo(4096);
    assertThat(checkpointAfter("8k")).isEqualTo(8 << 10);
    assertThat(checkpointAfter("3M")).isEqualTo(3L << 20);
    assertThat(checkpointAfter("2g")).isEqualTo(2L << 30);
  }

  private long checkpointAfter(String value) {
    return ((DiskTier<Object, Object>) provider.create(spec(temp.resolve("x"),
        Map.of(DiskTierProvider.CHECKPOINT_AFTER, value)))).checkpointAfter();
  }

  @Test
  void purgeIntervalTakesIsoAndShortDurations() {
    for (String minute : new String[] {"PT1M", "1m", "60s", " 60000ms "}) {
      DiskTier<Object, Object> tier = (DiskTier<Object, Object>) provider.create(
          spec(temp.resolve("x"), Map.of(DiskTierProvider.PURGE_INTERVAL, minute)));
      assertThat(tier.purgeInterval()).as(minute).isEqualTo(Duration.ofMinutes(1));
    }
  }

  @Test
  void purgeIntervalZeroTurnsThePurgeOff() {
    for (String off : new String[] {"0", "PT0S"}) {
      DiskTier<Object, Object> tier = (DiskTier<Object, Object>) provider.create(
          spec(temp.resolve("x"), Map.of(DiskTierProvider.PURGE_INTERVAL, off)));
      assertThat(tier.purgeInterval()).as(off).isZero();
    }
  }

  @Test
  void anUnknownOptionIsRefusedWithItsNameAndTheKnownOnes() {
    assertThatThrownBy(() -> provider.create(spec(temp.resolve("x"),
        Map.of("purge-intervall", "PT1M"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("purge-intervall")
        .hasMessageContaining(CACHE)
        .hasMessageContaining("did you mean 'purge-interval'?")
        .hasMessageContaining("maximum-entries, maximum-bytes, allowed-classes, checkpoint-after,"
            + " purge-interval");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-5", "lots", "64x", "1.5m", "", "99999999999g",
      "99999999999999999999"})
  void aBadCheckpointAfterIsRefusedWithTheValue(String value) {
    assertThatThrownBy(() -> checkpointAfter(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(DiskTierProvider.CHECKPOINT_AFTER)
        .hasMessageContaining(CACHE)
        .hasMessageContaining("'" + value + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1 fortnight", "-PT1M", "soon", "1.5m", ""})
  void aBadPurgeIntervalIsRefusedWithTheValue(String value) {
    assertThatThrownBy(() -> provider.create(spec(temp.resolve("x"),
        Map.of(DiskTierProvider.PURGE_INTERVAL, value))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(DiskTierProvider.PURGE_INTERVAL)
        .hasMessageContaining(CACHE)
        .hasMessageContaining("'" + value + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"com.example.*;*", "maxdepth=5", "!"})
  void anAllowedClassesValueThatIsNotClassPatternsIsRefused(String value) {
    assertThatThrownBy(() -> provider.create(spec(temp.resolve("x"),
        Map.of(DiskTierProvider.ALLOWED_CLASSES, value))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(DiskTierProvider.ALLOWED_CLASSES)
        .hasMessageContaining(CACHE)
        .hasMessageContaining("'" + value + "'");
  }

  @Test
  void aSpecWithoutADirectoryIsRefused() {
    assertThatThrownBy(() -> provider.create(spec(null, Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(CACHE)
        .hasMessageContaining("needs a directory");
  }

  @Test
  void destroyDeletesTheFilesAndANewCacheThereIsEmpty() {
    Path directory = temp.resolve("orders");
    try (TieredCache<Object, Object> cache = openAllowingThisPackage(directory)) {
      cache.put(new OrderId(1), new Order("rope", 3));
    }
    assertThat(directory.resolve(DiskFormat.FILE_NAME)).exists();

    provider.destroy(spec(directory, Map.of()));

    assertThat(directory).doesNotExist();
    try (TieredCache<Object, Object> cache = openAllowingThisPackage(directory)) {
      assertThat(cache.get(new OrderId(1))).isNull();
      assertThat(cache.size()).isZero();
    }
  }

  @Test
  void destroyOfADirectoryThatIsNotThereDoesNothing() {
    Path directory = temp.resolve("never-opened");
    provider.destroy(spec(directory, Map.of()));
    assertThat(directory).doesNotExist();
  }

  @Test
  void destroyOfAnOpenTierIsRefusedAndTheDataSurvives() throws Exception {
    Path directory = temp.resolve("orders");
    try (TieredCache<Object, Object> cache = openAllowingThisPackage(directory)) {
      cache.put(new OrderId(1), new Order("rope", 3));
      cache.flush();

      assertThatThrownBy(() -> provider.destroy(spec(directory, Map.of())))
          .isInstanceOf(DiskTierException.class)
          .hasMessageContaining(directory.toString())
          .hasMessageContaining("in use");

      assertThat(directory.resolve(DiskFormat.FILE_NAME)).exists();
      assertThat(LockProbe.anotherProcessCanLock(directory))
          .as("the refused destroy left the directory locked for other processes").isFalse();
      assertThat(cache.get(new OrderId(1))).isEqualTo(new Order("rope", 3));
    }
    try (TieredCache<Object, Object> cache = openAllowingThisPackage(directory)) {
      assertThat(cache.get(new OrderId(1))).isEqualTo(new Order("rope", 3));
    }
  }

  @Test
  void destroyOfADirectoryCairnDidNotWriteIsRefusedAndItsFilesStay() throws Exception {
    Path directory = Files.createDirectories(temp.resolve("home"));
    Path notes = Files.writeString(directory.resolve("notes.txt"), "keep me");
    Path nested = Files.createDirectories(directory.resolve("segment-0"));

    assertThatThrownBy(() -> provider.destroy(spec(directory, Map.of())))
        .isInstanceOf(DiskTierException.class)
        .hasMessageContaining(directory.toString())
        .hasMessageContaining("not a directory Cairn wrote");

    assertThat(notes).hasContent("keep me");
    assertThat(nested).isDirectory();
    try (Stream<Path> entries = Files.list(directory)) {
      assertThat(entries).as("not even a lock file was added").hasSize(2);
    }
  }

  @Test
  void destroyOfADirectoryWithAForeignHeaderIsRefused() throws Exception {
    Path directory = Files.createDirectories(temp.resolve("foreign"));
    Path header = Files.writeString(directory.resolve(DiskFormat.FILE_NAME), "NOTCAIRN-header");

    assertThatThrownBy(() -> provider.destroy(spec(directory, Map.of())))
        .isInstanceOf(DiskTierException.class)
        .hasMessageContaining(directory.toString());

    assertThat(header).hasContent("NOTCAIRN-header");
  }

  @Test
  void destroyOfAFileIsRefusedAndTheFileStays() throws Exception {
    Path file = Files.writeString(temp.resolve("data.bin"), "precious");

    assertThatThrownBy(() -> provider.destroy(spec(file, Map.of())))
        .isInstanceOf(DiskTierException.class)
        .hasMessageContaining(file.toString());

    assertThat(file).hasContent("precious");
  }
}

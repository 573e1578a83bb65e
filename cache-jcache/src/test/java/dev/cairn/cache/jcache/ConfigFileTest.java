package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.core.BackPressure;
import dev.cairn.cache.jcache.example.AuditListener;
import dev.cairn.cache.jcache.example.SessionExpiryFactory;
import dev.cairn.cache.jcache.example.User;
import dev.cairn.cache.jcache.example.UserEventFilter;
import dev.cairn.cache.jcache.example.UserListener;
import dev.cairn.cache.jcache.example.UserLoader;
import dev.cairn.cache.jcache.example.UserWarmUpLoader;
import dev.cairn.cache.jcache.example.UserWeigher;
import dev.cairn.cache.jcache.example.UserWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading configuration files: every setting lands in the right field, sections stack as
 * documented, and every kind of mistake fails the read with the file, the line and the key.
 */
class ConfigFileTest {

  private static final URI EVERY_SETTING = URI.create("classpath:config/every-setting.conf");
  private static final ClassLoader LOADER = ConfigFileTest.class.getClassLoader();

  @TempDir
  Path temp;

  private static ConfigFile read(String uri) {
    return ConfigFile.read(URI.create(uri), LOADER);
  }

  private static ConfigFile everySetting() {
    return ConfigFile.read(EVERY_SETTING, LOADER);
  }

  private static javax.cache.expiry.Duration minutes(long minutes) {
    return new javax.cache.expiry.Duration(TimeUnit.MINUTES, minutes);
  }

  // ---------------------------------------------------------------- a complete file

  @Test
  void everySettingOfACacheBlockLandsInItsField() {
    CairnConfiguration<String, User> users = everySetting().declaredCache("users");

    assertThat(users.getKeyType()).isEqualTo(String.class);
    assertThat(users.getValueType()).isEqualTo(User.class);
    assertThat(users.isStoreByValue()).isFalse();
    assertThat(users.isStatisticsEnabled()).isTrue();
    assertThat(users.isManagementEnabled()).isTrue();
    assertThat(users.isReadThrough()).isTrue();
    assertThat(users.isWriteThrough()).isTrue();
    assertThat(users.getCacheLoaderFactory()).isEqualTo(FactoryBuilder.factoryOf(UserLoader.class));
    assertThat(users.getCacheWriterFactory()).isEqualTo(FactoryBuilder.factoryOf(UserWriter.class));
    assertThat(users.getExpiryPolicyFactory().create())
        .isEqualTo(new CreatedExpiryPolicy(minutes(60)));
    assertThat(users.getCacheEntryListenerConfigurations()).containsExactlyInAnyOrder(
        new MutableCacheEntryListenerConfiguration<>(FactoryBuilder.factoryOf(UserListener.class),
            FactoryBuilder.factoryOf(UserEventFilter.class), true, true),
        new MutableCacheEntryListenerConfiguration<>(FactoryBuilder.factoryOf(AuditListener.class),
            null, false, false));

    assertThat(users.getMaximumEntries()).isEqualTo(-1);
    assertThat(users.getMaximumWeight()).isEqualTo(64_000_000);
    assertThat(users.getWeigherFactory()).isEqualTo(FactoryBuilder.factoryOf(UserWeigher.class));

    assertThat(users.getLowerTier()).isEqualTo("disk");
    assertThat(users.getDirectory()).isEqualTo(Path.of("/var/cache/app/users"));
    assertThat(users.getLowerTierOptions()).as("as written; the disk tier reads them").isEqualTo(
        Map.of(
            "maximum-entries", "1000000",
            "maximum-bytes", "4g",
            "allowed-classes", "dev.cairn.cache.jcache.example.model.*",
            "checkpoint-after", "64m",
            "purge-interval", "1m"));

    assertThat(users.getSegments()).isEqualTo(4);
    assertThat(users.getFlushInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(users.getFlushBatchSize()).isEqualTo(1024);
    assertThat(users.getWriteBufferCapacity()).isEqualTo(32_768);
    assertThat(users.getBackPressure()).isEqualTo(BackPressure.BLOCK);
    assertThat(users.getBackPressureTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(users.isWriteBehindToWriter()).as("inherited, and users has a writer").isTrue();

    assertThat(users.isWarmRestart()).isTrue();
    assertThat(users.getWarmUpLoaderFactory())
        .isEqualTo(FactoryBuilder.factoryOf(UserWarmUpLoader.class));
    assertThat(users.getWarmUpBatchSize()).isEqualTo(500);
  }

  @Test
  void aCacheBlockOverridesTheDefaultSectionAndKeepsTheRestOfIt() {
    CairnConfiguration<String, Object> sessions = everySetting().declaredCache("sessions");

    // From the block.
    assertThat(sessions.getExpiryPolicyFactory()).isInstanceOf(SessionExpiryFactory.class);
    assertThat(sessions.getLowerTier()).isEqualTo("disk");
    assertThat(sessions.getDirectory()).isEqualTo(Path.of("/var/cache/sessions"));
    assertThat(sessions.getLowerTierOptions()).containsEntry("maximum-entries", "200000");
    // From the default section.
    assertThat(sessions.getKeyType()).isEqualTo(String.class);
    assertThat(sessions.getValueType()).isEqualTo(Object.class);
    assertThat(sessions.isStoreByValue()).isFalse();
    assertThat(sessions.isStatisticsEnabled()).isTrue();
    assertThat(sessions.isManagementEnabled()).isTrue();
    assertThat(sessions.getMaximumEntries()).isEqualTo(50_000);
    assertThat(sessions.getMaximumWeight()).isEqualTo(-1);
    assertThat(sessions.getLowerTierOptions()).containsEntry("maximum-bytes", "1g")
        .containsEntry("purge-interval", "1m");
    assertThat(sessions.getSegments()).isEqualTo(4);
    assertThat(sessions.getFlushInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(sessions.getFlushBatchSize()).isEqualTo(1024);
    assertThat(sessions.getWriteBufferCapacity()).isEqualTo(32_768);
    assertThat(sessions.getBackPressure()).isEqualTo(BackPressure.WRITE_THROUGH);
    assertThat(sessions.getBackPressureTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(sessions.isWarmRestart()).isFalse();
    assertThat(sessions.getWarmUpBatchSize()).isEqualTo(128);
    // Neither says: the built-in defaults.
    assertThat(sessions.isReadThrough()).isFalse();
    assertThat(sessions.getCacheLoaderFactory()).isNull();
    assertThat(sessions.getCacheEntryListenerConfigurations()).isEmpty();
    assertThat(sessions.getWarmUpLoaderFactory()).isNull();
    assertThat(sessions.isWriteBehindToWriter()).as("inherited, but sessions has no writer")
        .isFalse();
  }

  @Test
  void eachExpiryPolicyNameGivesItsJsr107Policy() {
    ConfigFile file = everySetting();

    assertThat(file.declaredCache("reports/daily").getExpiryPolicyFactory().create())
        .isEqualTo(new EternalExpiryPolicy());
    assertThat(file.declaredCache("users").getExpiryPolicyFactory().create())
        .isEqualTo(new CreatedExpiryPolicy(minutes(60)));
    assertThat(file.declaredCache("audit").getExpiryPolicyFactory().create())
        .isEqualTo(new ModifiedExpiryPolicy(minutes(24 * 60)));
    assertThat(file.declaredCache("tokens").getExpiryPolicyFactory().create())
        .isEqualTo(new TouchedExpiryPolicy(minutes(30)));
  }

  @Test
  void theDefaultSectionsExpiryAppliesToACacheBlockWithoutOne() throws IOException {
    Path file = write("""
        cairn {
          default.expiry { policy = accessed, duration = 10m }
          caches { users {} }
        }
        """);
    CairnConfiguration<Object, Object> users = ConfigFile.read(file.toUri(), LOADER)
        .declaredCache("users");
    assertThat(users.getExpiryPolicyFactory().create())
        .isEqualTo(new AccessedExpiryPolicy(minutes(10)));
  }

  @Test
  void cacheNamesAreInFileOrder() {
    ConfigFile file = everySetting();

    assertThat(file.cacheNames())
        .containsExactly("users", "sessions", "reports/daily", "audit", "tokens");
    assertThat(file.hasDefaults()).isTrue();
    assertThat(file.source()).isEqualTo(EVERY_SETTING);
  }

  @Test
  void theDefaultSectionsDirectoryIsABaseWithADirectoryPerCacheNamedSafely() {
    ConfigFile file = everySetting();

    assertThat(file.declaredCache("users").getDirectory())
        .isEqualTo(Path.of("/var/cache/app/users"));
    assertThat(file.declaredCache("reports/daily").getDirectory())
        .isEqualTo(Path.of("/var/cache/app/reports%2Fdaily"));
    assertThat(file.applyDefaults("../escape", new MutableConfiguration<>()).getDirectory())
        .isEqualTo(Path.of("/var/cache/app/%2E.%2Fescape"));
  }

  @Test
  void diskEnabledFalseInACacheBlockTurnsOffTheDefaultSectionsDiskTier() {
    CairnConfiguration<Object, Object> audit = everySetting().declaredCache("audit");

    assertThat(audit.getLowerTier()).isNull();
    assertThat(audit.getDirectory()).isNull();
    assertThat(audit.getLowerTierOptions()).isEmpty();
    // The rest of the default section still applies.
    assertThat(audit.getMaximumEntries()).isEqualTo(50_000);
  }

  @Test
  void aCacheBlocksDiskSectionTurnsOnADiskTierTheDefaultSectionLeftOff() throws IOException {
    Path file = write("""
        cairn {
          default.disk { enabled = false, directory = "/data/caches", maximum-entries = 7 }
          caches {
            memoryOnly {}
            persistent.disk { enabled = true }
          }
        }
        """);
    ConfigFile config = ConfigFile.read(file.toUri(), LOADER);

    assertThat(config.declaredCache("memoryOnly").getLowerTier()).isNull();
    assertThat(config.declaredCache("memoryOnly").getDirectory()).isNull();
    CairnConfiguration<Object, Object> persistent = config.declaredCache("persistent");
    assertThat(persistent.getLowerTier()).isEqualTo("disk");
    assertThat(persistent.getDirectory()).isEqualTo(Path.of("/data/caches/persistent"));
    assertThat(persistent.getLowerTierOptions()).isEqualTo(Map.of("maximum-entries", "7"));
    CairnConfiguration<Object, Object> inCode =
        config.applyDefaults("inCode", new MutableConfiguration<>());
    assertThat(inCode.getLowerTier()).isNull();
    assertThat(inCode.getDirectory()).isNull();
  }

  @Test
  void aCacheBlocksListenersReplaceTheDefaultSectionsList() throws IOException {
    Path file = write("""
        cairn {
          default.listeners = [ { class = "dev.cairn.cache.jcache.example.AuditListener" } ]
          caches {
            inherits {}
            replaces.listeners = [ { class = "dev.cairn.cache.jcache.example.UserListener" } ]
            removes.listeners = []
          }
        }
        """);
    ConfigFile config = ConfigFile.read(file.toUri(), LOADER);

    assertThat(config.declaredCache("inherits").getCacheEntryListenerConfigurations())
        .containsExactly(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(AuditListener.class), null, false, false));
    CairnConfiguration<String, User> replaces = config.declaredCache("replaces");
    assertThat(replaces.getCacheEntryListenerConfigurations())
        .containsExactly(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(UserListener.class), null, false, false));
    assertThat(config.declaredCache("removes").getCacheEntryListenerConfigurations()).isEmpty();
  }

  @Test
  void aRelativeDirectoryResolvesAgainstTheWorkingDirectory() throws IOException {
    Path file = write("cairn.caches.users.disk.directory = \"data/users\"\n");

    assertThat(ConfigFile.read(file.toUri(), LOADER).declaredCache("users").getDirectory())
        .isEqualTo(Path.of(System.getProperty("user.dir"), "data", "users"));
  }

  @Test
  void aWeigherOrAWeightInACacheBlockCombinesWithTheDefaultSectionsWeightBound() {
    ConfigFile file = read("classpath:config/weigher-over-default-weight.conf");

    CairnConfiguration<Object, Object> heavy = file.declaredCache("heavy");
    assertThat(heavy.getMaximumWeight()).isEqualTo(5000);
    assertThat(heavy.getWeigherFactory()).isEqualTo(FactoryBuilder.factoryOf(UserWeigher.class));
    CairnConfiguration<Object, Object> reweighed = file.declaredCache("reweighed");
    assertThat(reweighed.getMaximumWeight()).isEqualTo(1000);
    assertThat(reweighed.getWeigherFactory())
        .isEqualTo(FactoryBuilder.factoryOf(UserWeigher.class));
    CairnConfiguration<Object, Object> counted = file.declaredCache("counted");
    assertThat(counted.getMaximumEntries()).isEqualTo(20);
    assertThat(counted.getMaximumWeight()).isEqualTo(-1);
    assertThat(counted.getWeigherFactory()).isNull();
  }

  @Test
  void declaredCacheReturnsAFreshCopyEachTime() {
    ConfigFile file = everySetting();
    CairnConfiguration<String, User> first = file.declaredCache("users");
    first.setMaximumEntries(1).setStatisticsEnabled(false);
    for (CacheEntryListenerConfiguration<String, User> listener
        : List.copyOf(listeners(first))) {
      first.removeCacheEntryListenerConfiguration(listener);
    }

    CairnConfiguration<String, User> second = file.declaredCache("users");
    assertThat(second).isNotSameAs(first);
    assertThat(second.getMaximumWeight()).isEqualTo(64_000_000);
    assertThat(second.isStatisticsEnabled()).isTrue();
    assertThat(second.getCacheEntryListenerConfigurations()).hasSize(2);
    assertThat(file.declaredCache("users")).isEqualTo(second);
  }

  @Test
  void declaredConfigurationsAreSerializable() throws Exception {
    CairnConfiguration<String, User> users = everySetting().declaredCache("users");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(users);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(users);
    }
  }

  @Test
  void declaredCacheRefusesANameTheFileDoesNotDeclare() {
    assertThatThrownBy(() -> everySetting().declaredCache("nobody"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nobody")
        .hasMessageContaining("every-setting.conf");
  }

  // ---------------------------------------------------------------- caches created in code

  @Test
  void applyDefaultsKeepsThePlainConfigurationsJsr107SettingsAndTakesTheTierSettings() {
    MutableConfiguration<Integer, String> plain = new MutableConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class)
        .setStoreByValue(true)
        .setStatisticsEnabled(false)
        .setReadThrough(true)
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(UserLoader.class.getName()))
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(minutes(3)));

    CairnConfiguration<Integer, String> orders = everySetting().applyDefaults("orders", plain);

    // JSR-107 settings: all as given, none from the default section.
    assertThat(orders.getKeyType()).isEqualTo(Integer.class);
    assertThat(orders.getValueType()).isEqualTo(String.class);
    assertThat(orders.isStoreByValue()).isTrue();
    assertThat(orders.isStatisticsEnabled()).isFalse();
    assertThat(orders.isManagementEnabled()).isFalse();
    assertThat(orders.isReadThrough()).isTrue();
    assertThat(orders.getCacheLoaderFactory()).isEqualTo(plain.getCacheLoaderFactory());
    assertThat(orders.getExpiryPolicyFactory()).isSameAs(plain.getExpiryPolicyFactory());
    // Tier settings: the default section's.
    assertThat(orders.getMaximumEntries()).isEqualTo(50_000);
    assertThat(orders.getLowerTier()).isEqualTo("disk");
    assertThat(orders.getDirectory()).isEqualTo(Path.of("/var/cache/app/orders"));
    assertThat(orders.getLowerTierOptions()).containsEntry("maximum-entries", "1000000")
        .containsEntry("maximum-bytes", "1g").hasSize(5);
    assertThat(orders.getSegments()).isEqualTo(4);
    assertThat(orders.getFlushInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(orders.getFlushBatchSize()).isEqualTo(1024);
    assertThat(orders.getWriteBufferCapacity()).isEqualTo(32_768);
    assertThat(orders.getBackPressure()).isEqualTo(BackPressure.WRITE_THROUGH);
    assertThat(orders.getBackPressureTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(orders.isWarmRestart()).isFalse();
    assertThat(orders.getWarmUpBatchSize()).isEqualTo(128);
    // The plain configuration itself is left alone.
    assertThat(plain).isNotInstanceOf(CairnConfiguration.class);
  }

  @Test
  void applyDefaultsCopiesACairnConfigurationAsItIs() {
    CairnConfiguration<String, String> inCode = new CairnConfiguration<String, String>()
        .setMaximumEntries(12);

    CairnConfiguration<String, String> applied = everySetting().applyDefaults("x", inCode);

    assertThat(applied).isNotSameAs(inCode).isEqualTo(inCode);
    assertThat(applied.getLowerTier()).isNull();
    assertThat(applied.getDirectory()).isNull();
  }

  @Test
  void theEmptyFileGivesTheBuiltInDefaults() {
    MutableConfiguration<String, String> plain = new MutableConfiguration<String, String>()
        .setStatisticsEnabled(true);

    CairnConfiguration<String, String> applied = ConfigFile.EMPTY.applyDefaults("x", plain);

    assertThat(applied).isEqualTo(new CairnConfiguration<>(plain));
    assertThat(ConfigFile.EMPTY.source()).isNull();
    assertThat(ConfigFile.EMPTY.hasDefaults()).isFalse();
    assertThat(ConfigFile.EMPTY.cacheNames()).isEmpty();
  }

  // ---------------------------------------------------------------- URIs and substitutions

  @Test
  void fileAndClasspathUrisAreConfigurationFiles() {
    assertThat(ConfigFile.isFileUri(URI.create("classpath:config/cache.conf"))).isTrue();
    assertThat(ConfigFile.isFileUri(URI.create("file:/etc/cache.conf"))).isTrue();
    assertThat(ConfigFile.isFileUri(URI.create("FILE:/etc/cache.conf"))).isTrue();
    assertThat(ConfigFile.isFileUri(URI.create("dev.cairn.cache.jcache.CairnCachingProvider")))
        .isFalse();
    assertThat(ConfigFile.isFileUri(URI.create("http://example.com/cache.conf"))).isFalse();
    assertThat(ConfigFile.isFileUri(null)).isFalse();
  }

  @Test
  void aFileUriIsReadFromTheFileSystem() throws IOException {
    Path copy = temp.resolve("every setting.conf");
    try (InputStream in = LOADER.getResourceAsStream("config/every-setting.conf")) {
      Files.copy(in, copy);
    }

    ConfigFile file = ConfigFile.read(copy.toUri(), LOADER);

    assertThat(file.source()).isEqualTo(copy.toUri());
    assertThat(file.cacheNames()).containsExactlyElementsOf(everySetting().cacheNames());
    assertThat(file.declaredCache("users")).isEqualTo(everySetting().declaredCache("users"));
  }

  @Test
  void aClasspathUriMayStartWithASlash() {
    assertThat(read("classpath:/config/every-setting.conf").cacheNames()).contains("users");
  }

  @Test
  void substitutionsComeFromTheFileSystemPropertiesAndTheEnvironment() {
    String base = temp.toString();
    System.setProperty("cairn.test.base", base);
    try {
      ConfigFile file = read("classpath:config/substitutions.conf");

      assertThat(file.declaredCache("users").getDirectory())
          .isEqualTo(Path.of(base, "cairn-test", "users"));
      // ${?CAIRN_TEST_UNSET_VARIABLE} is neither a property nor a variable: left out.
      assertThat(file.declaredCache("users").getMaximumEntries())
          .isEqualTo(CairnConfiguration.DEFAULT_MAXIMUM_ENTRIES);
    } finally {
      System.clearProperty("cairn.test.base");
    }
  }

  @Test
  void systemPropertiesUnderCairnAreNotTakenForSettings() {
    // Looked up by substitutions only: merged in, these would be unknown keys.
    String config = System.setProperty("cairn.jcache.config", "classpath:elsewhere.conf");
    System.setProperty("cairn.default.statistics", "false");
    try {
      assertThat(everySetting().declaredCache("users").isStatisticsEnabled()).isTrue();
    } finally {
      restore("cairn.jcache.config", config);
      System.clearProperty("cairn.default.statistics");
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  // ---------------------------------------------------------------- mistakes

  /** Reads a bad file and checks that the problem names the file, the line and the key. */
  private static void assertBadFile(String resource, int line, String key, String... more) {
    String uri = "classpath:config/bad/" + resource;
    assertThatThrownBy(() -> read(uri))
        .isInstanceOf(CacheException.class)
        .hasMessageStartingWith(uri + ", line " + line + ": ")
        .hasMessageContaining(key)
        .hasMessageContainingAll(more.length == 0 ? new String[] {key} : more);
  }

  @Test
  void anUnknownKeyIsReportedWithTheKeysItsSectionKnows() {
    assertBadFile("unknown-key.conf", 6, "cairn.caches.users.memory.maximum-entires",
        "did you mean 'maximum-entries'?", "maximum-entries, maximum-weight, weigher");
  }

  @Test
  void aValueOfTheWrongTypeIsReported() {
    assertBadFile("wrong-type.conf", 3, "cairn.default.statistics",
        "expected true or false", "\"sometimes\"");
  }

  @Test
  void aZeroSizeIsReported() {
    assertBadFile("zero-size.conf", 3, "cairn.caches.users.memory.maximum-entries",
        "must be at least 1, was 0");
  }

  @Test
  void anUnknownExpiryPolicyIsReportedWithThePolicies() {
    assertBadFile("unknown-policy.conf", 5, "cairn.caches.sessions.expiry.policy",
        "'forever'", "eternal, created, accessed, modified, touched");
  }

  @Test
  void anUnknownBackPressureIsReportedWithTheChoices() {
    assertBadFile("unknown-back-pressure.conf", 4, "cairn.default.write-behind.back-pressure",
        "'drop'", "block, write-through");
  }

  @Test
  void writingBehindToAWriterACacheDoesNotHaveIsReported() {
    assertBadFile("to-writer-without-writer.conf", 5, "cairn.caches.orders.write-behind.to-writer",
        "needs one", "write-through = true");
  }

  @Test
  void aClassThatCannotBeFoundIsReported() {
    assertBadFile("class-not-found.conf", 5, "cairn.caches.users.loader",
        "dev.cairn.cache.jcache.example.NoSuchLoader not found");
  }

  @Test
  void aClassThatDoesNotImplementItsSettingsInterfaceIsReported() {
    assertBadFile("class-without-interface.conf", 6, "cairn.caches.users.writer",
        "UserLoader does not implement javax.cache.integration.CacheWriter");
  }

  @Test
  void anExpiryFactoryOfSomethingElseIsReported() {
    assertBadFile("wrong-expiry-factory.conf", 4, "cairn.caches.sessions.expiry.factory",
        "Factory<java.lang.String>", "Factory<javax.cache.expiry.ExpiryPolicy>");
  }

  @Test
  void aMissingFileIsReported() {
    Path missing = temp.resolve("missing.conf");
    assertThatThrownBy(() -> ConfigFile.read(missing.toUri(), LOADER))
        .isInstanceOf(CacheException.class)
        .hasMessageStartingWith(missing.toUri().toString())
        .hasMessageContaining("no such file");
    assertThatThrownBy(() -> read("classpath:config/missing.conf"))
        .isInstanceOf(CacheException.class)
        .hasMessageStartingWith("classpath:config/missing.conf")
        .hasMessageContaining("no such resource");
  }

  @Test
  void aSyntaxErrorIsReportedWithHoconsOwnMessage() {
    assertBadFile("syntax-error.conf", 7, "not valid HOCON",
        "syntax-error.conf: 7: ", "end of file");
  }

  @Test
  void anUnresolvableSubstitutionIsReported() {
    assertBadFile("unresolved-substitution.conf", 4, "${cairn.test.no-such-property}");
  }

  @Test
  void aBadValueFromASubstitutionIsReportedAtItsLine() {
    assertBadFile("substituted-value.conf", 5, "cairn.default.memory.maximum-entries",
        "expected a whole number", System.getProperty("java.io.tmpdir"));
  }

  @Test
  void maximumEntriesAndMaximumWeightTogetherAreReported() {
    assertBadFile("entries-and-weight.conf", 6, "cairn.caches.users.memory.maximum-weight",
        "maximum-entries and maximum-weight are both set");
  }

  @Test
  void aWeigherWithoutMaximumWeightFailsTheWholeFile() {
    assertBadFile("weigher-without-weight.conf", 8, "cairn.caches.users.memory.weigher",
        "a weigher needs maximum-weight");
  }

  @Test
  void anEnabledDiskSectionWithoutADirectoryIsReported() {
    assertBadFile("disk-without-directory.conf", 7, "cairn.caches.users.disk",
        "no directory");
  }

  @Test
  void aMistakeInAnIncludedFileNamesBothFilesAndTheIncludedLine() throws IOException {
    Path part = temp.resolve("part.conf");
    Files.writeString(part, "# caches\n\nusers.memory.maximum-entires = 3\n");
    Path main = temp.resolve("main.conf");
    Files.writeString(main, "cairn {\n  caches {\n    include \"part.conf\"\n  }\n}\n");

    assertThatThrownBy(() -> ConfigFile.read(main.toUri(), LOADER))
        .isInstanceOf(CacheException.class)
        .hasMessageStartingWith(main.toUri() + ", in included " + part.toUri().toURL()
            + ", line 3: cairn.caches.users.memory.maximum-entires: unknown key");
  }

  @Test
  void otherUrisAreRefused() {
    assertThatThrownBy(() -> read("http://example.com/cache.conf"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("classpath:path/in/the/jar.conf and file:/absolute/path.conf");
  }

  // ---------------------------------------------------------------- the documentation

  @Test
  void theDocumentedExampleIsTheTestedFile() throws IOException {
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    int start = docs.indexOf("```hocon\n") + "```hocon\n".length();
    String example = docs.substring(start, docs.indexOf("```\n", start));
    String tested;
    try (InputStream in = LOADER.getResourceAsStream("config/every-setting.conf")) {
      tested = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(tested)
        .isEqualTo(example.replace("com.example.", "dev.cairn.cache.jcache.example."));
  }

  // ---------------------------------------------------------------- helpers

  private Path write(String text) throws IOException {
    Path file = Files.createTempFile(temp, "cache", ".conf");
    return Files.writeString(file, text);
  }

  private static <K, V> List<CacheEntryListenerConfiguration<K, V>> listeners(
      CairnConfiguration<K, V> configuration) {
    List<CacheEntryListenerConfiguration<K, V>> listeners = new ArrayList<>();
    configuration.getCacheEntryListenerConfigurations().forEach(listeners::add);
    return listeners;
  }
}

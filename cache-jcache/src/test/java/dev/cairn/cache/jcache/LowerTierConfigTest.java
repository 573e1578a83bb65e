package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.core.TieredCache;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache's lower tier, named by its provider's name, in a configuration file and in code: the
 * sections named after tiers, {@code tier}, the provider's checks of its own options (with the
 * file, line and key, or the cache, in every message), and a second tier ({@link MapTierProvider},
 * registered in test resources only) configured exactly as the disk tier is.
 */
class LowerTierConfigTest {

  private static final ClassLoader LOADER = LowerTierConfigTest.class.getClassLoader();
  private static final CachingProvider PROVIDER =
      Caching.getCachingProvider(CairnCachingProvider.class.getName());

  @TempDir
  Path temp;

  private Path write(String text) throws IOException {
    return Files.writeString(Files.createTempFile(temp, "cache", ".conf"), text);
  }

  private ConfigFile read(String text) throws IOException {
    return ConfigFile.read(write(text).toUri(), LOADER);
  }

  /** Reads a file that must fail, returning the message. */
  private String refused(String text) throws IOException {
    Path file = write(text);
    return assertThrows(() -> ConfigFile.read(file.toUri(), LOADER)).getMessage();
  }

  private static CacheException assertThrows(Runnable read) {
    try {
      read.run();
    } catch (CacheException e) {
      return e;
    }
    throw new AssertionError("expected the read to fail");
  }

  @Nested
  class OptionsInAFile {

    @Test
    void anUnknownDiskOptionIsRefusedByTheDiskTierNamingTheFileTheLineTheKeyAndTheOptionMeant() {
      String uri = "classpath:config/bad/unknown-tier-option.conf";

      assertThatThrownBy(() -> ConfigFile.read(URI.create(uri), LOADER))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("Unknown option 'maximum-entires' of the disk tier of cache"
              + " 'users'")
          .hasMessageContaining("key cairn.caches.users.disk.maximum-entires at line 7 of " + uri)
          .hasMessageContaining("did you mean 'maximum-entries'?");
    }

    @Test
    void aBadValueOfADiskOptionNamesTheOptionTheFileAndTheLine() {
      String uri = "classpath:config/bad/bad-tier-option.conf";

      assertThatThrownBy(() -> ConfigFile.read(URI.create(uri), LOADER))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("Option 'purge-interval' of the disk tier")
          .hasMessageContaining("key cairn.default.disk.purge-interval at line 5 of " + uri)
          .hasMessageContaining("cannot be 'sometimes'");
    }

    @Test
    void aNegativeSizeIsRefusedByTheDiskTier() {
      String uri = "classpath:config/bad/negative-size.conf";

      assertThatThrownBy(() -> ConfigFile.read(URI.create(uri), LOADER))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("Option 'maximum-bytes' of the disk tier")
          .hasMessageContaining("key cairn.default.disk.maximum-bytes at line 5 of " + uri)
          .hasMessageContaining("cannot be '-1g'")
          .hasMessageContaining("a size of at least 1 byte");
    }

    @Test
    void theDefaultSectionsOptionsAreCheckedEvenWhereEveryCacheOverridesThem() throws IOException {
      String message = refused("""
          cairn {
            default.disk { directory = "/data", purge-interval = never }
            caches.users.disk { purge-interval = 1m }
          }
          """);

      assertThat(message).as("the default section alone is what a cache created in code gets")
          .contains("cairn.default.disk.purge-interval at line 2");
    }

    @Test
    void optionsReachTheTierAsWrittenListsJoinedWithCommas() throws IOException {
      CairnConfiguration<Object, Object> users = read("""
          cairn.caches.users.disk {
            directory = "/data/users"
            allowed-classes = [ "com.example.model.*", "com.example.Order" ]
            maximum-bytes = 512m
            maximum-entries = 100000
          }
          """).declaredCache("users");

      assertThat(users.getLowerTierOptions()).isEqualTo(Map.of(
          "allowed-classes", "com.example.model.*,com.example.Order",
          "maximum-bytes", "512m",
          "maximum-entries", "100000"));
    }

    @Test
    void aListElementWithACommaIsRefusedAtItsLine() throws IOException {
      String message = refused("""
          cairn.caches.users.disk {
            directory = "/data/users"
            allowed-classes = [ "com.example.A,com.example.B" ]
          }
          """);

      assertThat(message).contains("line 3: cairn.caches.users.disk.allowed-classes[0]")
          .contains("holds no commas");
    }
  }

  @Nested
  class ChoosingTheTier {

    @Test
    void anUnknownSectionIsRefusedWithTheKeysAndTheTiersOnTheClassPath() throws IOException {
      String message = refused("""
          cairn.caches.users {
            dsik { directory = "/data/users" }
          }
          """);

      assertThat(message).contains("line 2: cairn.caches.users.dsik: unknown key 'dsik'")
          .contains("did you mean 'disk'?")
          .containsPattern("write-behind, warm-up, (disk, map|map, disk)");
    }

    @Test
    void tierMustNameATierOnTheClassPath() throws IOException {
      String message = refused("cairn.caches.users.tier = dsik\n");

      assertThat(message).contains("line 1: cairn.caches.users.tier: no tier named 'dsik'")
          .contains("did you mean 'disk'?").containsPattern("(disk, map|map, disk)");
    }

    @Test
    void twoTiersTurnedOnInOneSectionAreRefused() throws IOException {
      String message = refused("""
          cairn.caches.users {
            disk { directory = "/data/users" }
            map { label = "users" }
          }
          """);

      assertThat(message).contains("line 3: cairn.caches.users.map: turns on the map tier next"
          + " to the disk tier; a cache has one lower tier");
    }

    @Test
    void tierAndASectionTurningThatTierOffAreRefused() throws IOException {
      String message = refused("""
          cairn.caches.users {
            tier = map
            map { enabled = false }
          }
          """);

      assertThat(message).contains("line 3: cairn.caches.users.map.enabled: turns off the map"
          + " tier that tier = map chooses");
    }

    @Test
    void aTierThatKeepsFilesNeedsADirectory() throws IOException {
      String message = refused("cairn.caches.users.tier = disk\n");

      assertThat(message).contains("line 1: cairn.caches.users.tier: the disk tier is on but has"
          + " no directory");
    }

    @Test
    void aCacheBlocksChoiceReplacesTheDefaultSections() throws IOException {
      ConfigFile file = read("""
          cairn {
            default.disk { directory = "/data", maximum-entries = 5000 }
            caches {
              inherits {}
              named { tier = map }
              sectioned.map { label = "sectioned" }
              off.disk.enabled = false
            }
          }
          """);

      CairnConfiguration<Object, Object> inherits = file.declaredCache("inherits");
      assertThat(inherits.getLowerTier()).isEqualTo("disk");
      assertThat(inherits.getDirectory()).isEqualTo(Path.of("/data/inherits"));
      CairnConfiguration<Object, Object> named = file.declaredCache("named");
      assertThat(named.getLowerTier()).isEqualTo("map");
      assertThat(named.getDirectory()).as("the disk section's directory is the disk's").isNull();
      assertThat(named.getLowerTierOptions()).as("nor its options").isEmpty();
      CairnConfiguration<Object, Object> sectioned = file.declaredCache("sectioned");
      assertThat(sectioned.getLowerTier()).isEqualTo("map");
      assertThat(sectioned.getLowerTierOptions()).isEqualTo(Map.of("label", "sectioned"));
      assertThat(file.declaredCache("off").getLowerTier()).isNull();
    }

    @Test
    void tierInTheDefaultSectionAppliesToCachesCreatedInCode() throws IOException {
      ConfigFile file = read("""
          cairn.default {
            tier = map
            map.label = "every cache"
          }
          """);

      CairnConfiguration<Object, Object> inCode =
          file.applyDefaults("orders", new javax.cache.configuration.MutableConfiguration<>());

      assertThat(inCode.getLowerTier()).isEqualTo("map");
      assertThat(inCode.getLowerTierOptions()).isEqualTo(Map.of("label", "every cache"));
    }
  }

  @Nested
  class ASecondTier {

    @Test
    void isConfiguredInAFileThroughItsSectionWithItsOwnOptions() throws IOException {
      Path file = write("""
          cairn.caches.orders {
            key-type = "java.lang.String"
            value-type = "java.lang.String"
            map {
              label = "orders"
              expected-size = 100
              pool { size = 4 }
            }
          }
          """);
      try (CacheManager manager = PROVIDER.getCacheManager(file.toUri(), LOADER)) {
        Cache<String, String> orders = manager.getCache("orders", String.class, String.class);
        orders.put("o-1", "two pears");
        orders.unwrap(CairnCache.class).flush();

        assertThat(orders.unwrap(TieredCache.class).lowerTierName()).isEqualTo("map");
        MapTierProvider.Created created = MapTierProvider.created("orders");
        assertThat(created.spec().options().asMap()).isEqualTo(Map.of(
            "label", "orders", "expected-size", "100", "pool.size", "4"));
        assertThat(created.spec().directory()).isNull();
        assertThat(created.tier().size()).isEqualTo(1);
      }
    }

    @Test
    void checksItsOwnOptionsWhenTheFileIsRead() throws IOException {
      String message = refused("""
          cairn.caches.orders.map {
            lable = "orders"
          }
          """);

      assertThat(message).contains("Unknown option 'lable' of the map tier of cache 'orders'")
          .contains("key cairn.caches.orders.map.lable at line 2")
          .contains("did you mean 'label'?");
    }
  }

  @Nested
  class InCode {

    private CacheManager manager() {
      return PROVIDER.getCacheManager(URI.create("lower-tier-" + System.nanoTime()), LOADER);
    }

    @Test
    void aDirectoryWithoutATierNameTakesTheOneTierThatKeepsFiles() {
      try (CacheManager manager = manager()) {
        Cache<String, String> cache = manager.createCache("files",
            new CairnConfiguration<String, String>().setTypes(String.class, String.class)
                .setDirectory(temp.resolve("files")));

        assertThat(cache.unwrap(TieredCache.class).lowerTierName()).isEqualTo("disk");
      }
    }

    @Test
    void anOptionTheTierDoesNotKnowFailsCreationNamingTheCacheAndTheOption() {
      try (CacheManager manager = manager()) {
        assertThatThrownBy(() -> manager.createCache("users",
            new CairnConfiguration<String, String>().setLowerTier("disk")
                .setDirectory(temp.resolve("users"))
                .setLowerTierOption("maximum-entires", "5")))
            .isInstanceOf(CacheException.class)
            .hasMessageContaining("Unknown option 'maximum-entires' of the disk tier of cache"
                + " 'users' (set in code)")
            .hasMessageContaining("did you mean 'maximum-entries'?");
        assertThat(manager.getCache("users")).isNull();
      }
    }

    @Test
    void aTierThatIsNotOnTheClassPathFailsCreationWithTheNameMeant() {
      try (CacheManager manager = manager()) {
        assertThatThrownBy(() -> manager.createCache("users",
            new CairnConfiguration<String, String>().setLowerTier("dsik")))
            .isInstanceOf(CacheException.class)
            .hasMessageContaining("Cache 'users' names its lower tier 'dsik'")
            .hasMessageContaining("did you mean 'disk'?");
      }
    }

    @Test
    void optionsWithoutATierFailCreation() {
      try (CacheManager manager = manager()) {
        assertThatThrownBy(() -> manager.createCache("users",
            new CairnConfiguration<String, String>().setLowerTierOption("label", "x")))
            .isInstanceOf(CacheException.class)
            .hasMessageContaining("Cache 'users' has options for a lower tier ([label]) but no"
                + " lower tier");
      }
    }

    @Test
    void theLowerTierSettingsAreCopiedAndCompared() {
      CairnConfiguration<String, String> original = new CairnConfiguration<String, String>()
          .setLowerTier("map").setDirectory(temp).setLowerTierOption("label", "a");

      CairnConfiguration<String, String> copy = new CairnConfiguration<>(original);

      assertThat(copy).isEqualTo(original).hasSameHashCodeAs(original);
      assertThat(copy.getLowerTier()).isEqualTo("map");
      assertThat(copy.getDirectory()).isEqualTo(temp);
      assertThat(copy.setLowerTierOption("label", "b")).isNotEqualTo(original);
      assertThat(copy.setLowerTierOption("label", null).getLowerTierOptions()).isEmpty();
      assertThat(original.getLowerTierOptions()).isEqualTo(Map.of("label", "a"));
    }
  }
}

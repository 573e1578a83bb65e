package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache whose configuration declares its types refuses keys and values of other types with a
 * {@link ClassCastException} naming the cache and both types (JSR-107's runtime type checking),
 * before anything changes, instead of failing deep inside a serializer (Spring's {@code SimpleKey}
 * meeting a {@code Long}-keyed disk cache did); a cache declared with {@code Object} takes
 * anything.
 */
class TypeCheckTest {

  @TempDir
  Path temp;

  private CacheManager manager;

  @BeforeEach
  void openManager() {
    manager = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(URI.create("type-check-" + System.nanoTime()),
            getClass().getClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aKeyOrValueOfAnotherTypeIsRefusedNamingTheCacheAndTheTypesAndChangesNothing() {
    Cache<Long, String> typed = manager.createCache("products",
        new CairnConfiguration<Long, String>().setTypes(Long.class, String.class)
            .setLowerTier("disk").setDirectory(temp.resolve("products")));
    Cache raw = typed;

    assertThatThrownBy(() -> raw.put("not a long", "v")).isInstanceOf(ClassCastException.class)
        .hasMessageContaining("'products'").hasMessageContaining("java.lang.Long")
        .hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> raw.put(1L, 42)).isInstanceOf(ClassCastException.class)
        .hasMessageContaining("values of type java.lang.String")
        .hasMessageContaining("java.lang.Integer");
    assertThatThrownBy(() -> raw.get("not a long")).isInstanceOf(ClassCastException.class);
    assertThatThrownBy(() -> raw.putAll(Map.of(2L, "two", "three", "three")))
        .isInstanceOf(ClassCastException.class);
    assertThatThrownBy(() -> raw.removeAll(Set.of("x"))).isInstanceOf(ClassCastException.class);
    assertThatThrownBy(() -> raw.containsKey(3)).isInstanceOf(ClassCastException.class);

    assertThat(typed.iterator().hasNext()).as("nothing was stored").isFalse();
    typed.put(1L, "one");
    assertThat(typed.get(1L)).isEqualTo("one");
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aCacheDeclaredWithObjectTypesTakesAnything() {
    Cache raw = manager.createCache("anything", new MutableConfiguration<>());
    raw.put("a", 1);
    raw.put(2L, "b");
    assertThat(raw.get("a")).isEqualTo(1);
    assertThat(raw.get(2L)).isEqualTo("b");
  }
}

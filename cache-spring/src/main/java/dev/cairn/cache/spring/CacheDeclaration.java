package dev.cairn.cache.spring;

import dev.cairn.cache.core.WarmUpLoader;
import dev.cairn.cache.core.Weigher;
import dev.cairn.cache.jcache.CairnConfiguration;
import dev.cairn.cache.spring.CairnCacheProperties.CacheSpec;
import dev.cairn.cache.spring.CairnCacheProperties.Disk;
import dev.cairn.cache.spring.CairnCacheProperties.Expiry;
import dev.cairn.cache.spring.CairnCacheProperties.Memory;
import dev.cairn.cache.spring.CairnCacheProperties.WarmUp;
import dev.cairn.cache.spring.CairnCacheProperties.WriteBehind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.util.unit.DataSize;

/**
 * Turns one {@code cairn.cache.caches.<name>} block into the {@link CairnConfiguration} the
 * cache is created with, checking every value on the way and naming the property of any that
 * does not fit. It translates and does nothing else: the settings mean what
 * {@link CairnConfiguration}'s setters say.
 */
final class CacheDeclaration {

  /**
   * Spring's own classes that reach a cache: the key of a method with several parameters (or
   * none) and the placeholder of a {@code null} result. A disk tier must be allowed to read them
   * back.
   */
  static final List<String> SPRING_CACHE_CLASSES = List.of(
      "org.springframework.cache.interceptor.SimpleKey",
      "org.springframework.cache.support.NullValue");

  // A name that is a safe directory name as it is, on every file system we run on.
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
  // What ObjectInputFilter patterns may hold once joined with commas.
  private static final Pattern CLASS_PATTERN = Pattern.compile("[^,;\\s]+");

  private final String name;
  private final String prefix;
  private final CacheSpec spec;
  private final Path baseDirectory;
  private final BeanFactory beans;

  CacheDeclaration(String name, CacheSpec spec, Path baseDirectory, BeanFactory beans) {
    this.name = name;
    this.prefix = propertyPrefix(name);
    this.spec = spec;
    this.baseDirectory = baseDirectory;
    this.beans = beans;
  }

  /**
   * The prefix of the cache's properties, as Spring Boot writes the name: a cache name that is not
   * a plain lower-case name goes in brackets ({@code cairn.cache.caches[Books.v2].disk}).
   */
  static String propertyPrefix(String name) {
    String key = name.matches("[a-z0-9][a-z0-9-]*") ? "." + name : "[" + name + "]";
    return CairnCacheProperties.PREFIX + ".caches" + key + ".";
  }

  /**
   * Returns the configuration the block describes.
   *
   * @throws InvalidCacheDeclarationException naming the first property that does not fit
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  CairnConfiguration<Object, Object> configuration() {
    CairnConfiguration<Object, Object> configuration = new CairnConfiguration<>();
    configuration.setTypes((Class) spec.getKeyType(), (Class) spec.getValueType());
    configuration.setStoreByValue(spec.isStoreByValue());
    configuration.setStatisticsEnabled(spec.isStatistics());
    configuration.setManagementEnabled(spec.isManagement());
    configuration.setExpiryPolicyFactory(expiry(spec.getExpiry()));
    memory(spec.getMemory(), configuration);
    disk(spec.getDisk(), configuration);
    writeBehind(spec.getWriteBehind(), configuration);
    warmUp(spec.getWarmUp(), configuration);
    return configuration;
  }

  private Factory<? extends ExpiryPolicy> expiry(Expiry expiry) {
    Duration duration = expiry.getDuration();
    if (expiry.getPolicy() == CairnCacheProperties.ExpiryPolicyKind.ETERNAL) {
      if (duration != null) {
        throw invalid("expiry.duration", duration, "the eternal policy takes no duration",
            "Set " + prefix + "expiry.policy to created, accessed, modified or touched, or drop"
                + " the duration");
      }
      return EternalExpiryPolicy.factoryOf();
    }
    if (duration == null) {
      throw invalid("expiry.duration", null, "the " + policyName(expiry) + " policy needs a"
          + " duration", "Set " + prefix + "expiry.duration, such as 10m");
    }
    if (duration.toMillis() < 1 || !duration.equals(Duration.ofMillis(duration.toMillis()))) {
      throw invalid("expiry.duration", duration, "JSR-107 expiry durations are whole"
          + " milliseconds, at least 1ms", "Give a duration such as 500ms, 30s or 10m");
    }
    javax.cache.expiry.Duration jsr107 =
        new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, duration.toMillis());
    return switch (expiry.getPolicy()) {
      case CREATED -> CreatedExpiryPolicy.factoryOf(jsr107);
      case ACCESSED -> AccessedExpiryPolicy.factoryOf(jsr107);
      case MODIFIED -> ModifiedExpiryPolicy.factoryOf(jsr107);
      case TOUCHED -> TouchedExpiryPolicy.factoryOf(jsr107);
      case ETERNAL -> throw new AssertionError("handled above");
    };
  }

  private static String policyName(Expiry expiry) {
    return expiry.getPolicy().name().toLowerCase(java.util.Locale.ROOT);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void memory(Memory memory, CairnConfiguration<Object, Object> configuration) {
    Long entries = memory.getMaximumEntries();
    Long weight = memory.getMaximumWeight();
    Class<?> weigher = memory.getWeigher();
    if (entries != null && weight != null) {
      throw invalid("memory.maximum-weight", weight, "the memory tier is bounded by entries"
          + " (maximum-entries = " + entries + ") or by weight, not both",
          "Drop " + prefix + "memory.maximum-entries or " + prefix + "memory.maximum-weight");
    }
    if (weight == null) {
      if (weigher != null) {
        throw invalid("memory.weigher", weigher.getName(), "a weigher needs maximum-weight",
            "Set " + prefix + "memory.maximum-weight, or drop the weigher");
      }
      if (entries != null) {
        positive("memory.maximum-entries", entries);
        configuration.setMaximumEntries(entries);
      }
      return;
    }
    positive("memory.maximum-weight", weight);
    if (weigher == null) {
      throw invalid("memory.weigher", null, "maximum-weight needs a weigher to weigh entries",
          "Set " + prefix + "memory.weigher to a class implementing " + Weigher.class.getName());
    }
    if (!Weigher.class.isAssignableFrom(weigher)) {
      throw invalid("memory.weigher", weigher.getName(), "the class does not implement "
          + Weigher.class.getName(), "Name a class implementing it, public and with a public"
          + " no-argument constructor");
    }
    instantiable("memory.weigher", weigher);
    configuration.setMaximumWeight(weight, FactoryBuilder.factoryOf((Class) weigher));
  }

  private void disk(Disk disk, CairnConfiguration<Object, Object> configuration) {
    Path directory = diskDirectory(disk);
    if (directory == null) {
      return;
    }
    configuration.setDiskDirectory(directory.toAbsolutePath().normalize());
    if (disk.getMaximumEntries() != null) {
      positive("disk.maximum-entries", disk.getMaximumEntries());
      configuration.setDiskMaximumEntries(disk.getMaximumEntries());
    }
    if (disk.getMaximumBytes() != null) {
      positive("disk.maximum-bytes", disk.getMaximumBytes().toBytes());
      configuration.setDiskMaximumBytes(disk.getMaximumBytes().toBytes());
    }
    List<String> allowed = new ArrayList<>(SPRING_CACHE_CLASSES);
    for (String pattern : disk.getAllowedClasses()) {
      if (pattern == null || !CLASS_PATTERN.matcher(pattern).matches()) {
        throw invalid("disk.allowed-classes", pattern, "not a class pattern",
            "Give one class or package pattern per entry, such as com.example.model.* or"
                + " com.example.Book, without spaces, commas or semicolons");
      }
      allowed.add(pattern);
    }
    configuration.setDiskOption("allowed-classes", String.join(",", allowed));
    DataSize checkpointAfter = disk.getCheckpointAfter();
    if (checkpointAfter != null) {
      positive("disk.checkpoint-after", checkpointAfter.toBytes());
      configuration.setDiskOption("checkpoint-after", Long.toString(checkpointAfter.toBytes()));
    }
    Duration purgeInterval = disk.getPurgeInterval();
    if (purgeInterval != null) {
      if (purgeInterval.isNegative()) {
        throw invalid("disk.purge-interval", purgeInterval, "must be zero (no purge) or more",
            "Give a duration such as 1m, or 0 to turn the background purge off");
      }
      configuration.setDiskOption("purge-interval", purgeInterval.toString());
    }
  }

  /** The cache's directory, or {@code null} for a memory-only cache. */
  private Path diskDirectory(Disk disk) {
    boolean enabled = disk.getEnabled() == null
        ? disk.getDirectory() != null || baseDirectory != null
        : disk.getEnabled();
    if (!enabled) {
      return null;
    }
    if (disk.getDirectory() != null) {
      return disk.getDirectory();
    }
    if (baseDirectory == null) {
      throw invalid("disk.directory", null, "the disk tier is enabled but has no directory",
          "Set " + prefix + "disk.directory, or " + CairnCacheProperties.PREFIX + ".directory"
              + " for a base directory under which each cache gets its own");
    }
    if (!PLAIN_NAME.matcher(name).matches()) {
      throw invalid("disk.directory", null, "the cache's name is not a plain directory name"
          + " (letters, digits, '.', '_' and '-', not starting with '.'), so it cannot name its"
          + " directory under " + baseDirectory,
          "Set " + prefix + "disk.directory to a directory of its own");
    }
    return baseDirectory.resolve(name);
  }

  private void writeBehind(WriteBehind writeBehind,
      CairnConfiguration<Object, Object> configuration) {
    positive("write-behind.segments", writeBehind.getSegments());
    positive("write-behind.batch-size", writeBehind.getBatchSize());
    positive("write-behind.buffer-capacity", writeBehind.getBufferCapacity());
    positive("write-behind.flush-interval", writeBehind.getFlushInterval());
    positive("write-behind.back-pressure-timeout", writeBehind.getBackPressureTimeout());
    if (writeBehind.getBackPressure() == null) {
      throw invalid("write-behind.back-pressure", null, "missing", "Set it to block or"
          + " write-through");
    }
    configuration.setSegments(writeBehind.getSegments())
        .setFlushBatchSize(writeBehind.getBatchSize())
        .setWriteBufferCapacity(writeBehind.getBufferCapacity())
        .setFlushInterval(writeBehind.getFlushInterval())
        .setBackPressure(writeBehind.getBackPressure(), writeBehind.getBackPressureTimeout());
  }

  @SuppressWarnings("unchecked")
  private void warmUp(WarmUp warmUp, CairnConfiguration<Object, Object> configuration) {
    positive("warm-up.batch-size", warmUp.getBatchSize());
    configuration.setWarmRestart(warmUp.isRestart()).setWarmUpBatchSize(warmUp.getBatchSize());
    String loader = warmUp.getLoader();
    if (loader == null || loader.isBlank()) {
      return;
    }
    Object bean;
    try {
      bean = beans.getBean(loader.strip());
    } catch (BeansException e) {
      throw new InvalidCacheDeclarationException(prefix + "warm-up.loader", loader,
          "no bean of that name could be had: " + e.getMessage(),
          "Name a bean implementing " + WarmUpLoader.class.getName(), e);
    }
    if (!(bean instanceof WarmUpLoader<?, ?> warmUpLoader)) {
      throw invalid("warm-up.loader", loader, "the bean is a " + bean.getClass().getName()
          + ", not a " + WarmUpLoader.class.getName(), "Name a bean implementing it");
    }
    configuration.setWarmUpLoaderFactory(
        new SingletonFactory<>((WarmUpLoader<Object, Object>) warmUpLoader));
  }

  private void instantiable(String key, Class<?> type) {
    try {
      type.getConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new InvalidCacheDeclarationException(prefix + key, type.getName(),
          "cannot be instantiated: " + e,
          "Make the class public, with a public no-argument constructor", e);
    }
  }

  private void positive(String key, long value) {
    if (value < 1) {
      throw invalid(key, value, "must be at least 1", "Give a positive number");
    }
  }

  private void positive(String key, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw invalid(key, value, "must be a duration above zero", "Give a duration such as"
          + " 100ms or 30s");
    }
  }

  private InvalidCacheDeclarationException invalid(String key, Object value, String reason,
      String action) {
    return new InvalidCacheDeclarationException(prefix + key, value, reason, action, null);
  }
}

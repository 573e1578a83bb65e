package dev.cairn.cache.jcache;

import javax.cache.management.CacheMXBean;

/** The JSR-107 configuration MXBean of one cache: read from the cache's live configuration. */
final class CacheConfigurationBean implements CacheMXBean {

  private final CairnCache<?, ?> cache;

  CacheConfigurationBean(CairnCache<?, ?> cache) {
    this.cache = cache;
  }

  @Override
  public String getKeyType() {
    return cache.liveConfiguration().getKeyType().getName();
  }

  @Override
  public String getValueType() {
    return cache.liveConfiguration().getValueType().getName();
  }

  @Override
  public boolean isReadThrough() {
    return cache.liveConfiguration().isReadThrough();
  }

  @Override
  public boolean isWriteThrough() {
    return cache.liveConfiguration().isWriteThrough();
  }

  @Override
  public boolean isStoreByValue() {
    return cache.liveConfiguration().isStoreByValue();
  }

  @Override
  public boolean isStatisticsEnabled() {
    return cache.liveConfiguration().isStatisticsEnabled();
  }

  @Override
  public boolean isManagementEnabled() {
    return cache.liveConfiguration().isManagementEnabled();
  }
}

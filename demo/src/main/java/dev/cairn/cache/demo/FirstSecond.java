package dev.cairn.cache.demo;

/**
 * What the cache did in a run's first second: where a warm restart shows.
 *
 * @param reads reads answered in that second
 * @param hitRate the share the cache served
 * @param memoryHitRate the share the memory tier served
 */
public record FirstSecond(long reads, double hitRate, double memoryHitRate) {

  static FirstSecond of(CacheCounts counts) {
    return new FirstSecond(counts.gets(), counts.hitRate(), counts.memoryHitRate());
  }
}

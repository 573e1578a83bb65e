package dev.cairn.cache.core.tier;

/**
 * Where the engine puts a key: which of a cache's segments (write-behind lanes, and a segmented
 * tier's stores) it belongs to. The function is part of the tier contract and carries a
 * {@link #VERSION}, because a persistent tier that keeps one store per segment finds a key again
 * after a restart only if the key lands in the same segment: such a tier records the segment count
 * and the version with its files and refuses to open them under another. A shared tier (one that
 * several JVMs use at once) must not depend on segments at all: it stores by key alone and treats
 * the segment only as the lane a batch came from, since each JVM may run another segment count.
 *
 * <p>Version 1: the key's {@code hashCode} multiplied by the golden-ratio constant
 * {@code 0x9E3779B9}, its high half folded into the low, and the segment taken from the result's
 * upper bits, {@code ((h >>> 1) * segments) >>> 31}. The key's {@code hashCode} must therefore be the
 * same in every JVM that opens a persistent tier's files.
 */
public final class KeyPlacement {

  /** The version of the function below; a change of the function changes it. */
  public static final int VERSION = 1;

  private KeyPlacement() {
  }

  /** Mixes a hash code so that keys with similar hashes spread over segments and lock stripes. */
  public static int spread(int hashCode) {
    int h = hashCode * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /** Returns the segment, {@code 0 .. segments - 1}, of a hash mixed by {@link #spread}. */
  public static int segmentOfSpread(int spreadHash, int segments) {
    return (int) (((spreadHash >>> 1) * (long) segments) >>> 31);
  }

  /** Returns the key's segment, {@code 0 .. segments - 1}. */
  public static int segmentOf(Object key, int segments) {
    return segmentOfSpread(spread(key.hashCode()), segments);
  }
}

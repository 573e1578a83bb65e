package dev.cairn.cache.core;

/**
 * The wall clock a cache reads to decide expiry.
 *
 * <p>Expiration times are absolute milliseconds since the epoch, because they are stored with the
 * entry in lower tiers and must keep their meaning across a restart. Tests inject a clock they can
 * move, instead of sleeping.
 */
@FunctionalInterface
public interface CacheClock {

  /** Returns the current time in milliseconds since the epoch. */
  long currentTimeMillis();

  /** Returns the system clock. */
  static CacheClock system() {
    return System::currentTimeMillis;
  }
}

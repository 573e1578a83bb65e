package dev.cairn.cache.jcache;

import java.nio.charset.StandardCharsets;

/**
 * Turns a cache name into the name of its directory under a base directory: letters, digits,
 * {@code .}, {@code _} and {@code -} are kept, every other byte of the name's UTF-8 is written as
 * {@code %XX} (so {@code orders/eu} becomes {@code orders%2Feu}), and a leading dot is encoded too,
 * so no name can become {@code .}, {@code ..} or a hidden directory.
 *
 * <p>Why percent-encoding: cache names are arbitrary strings, and a slash, a colon or a NUL would
 * otherwise escape the base directory or fail on some file systems. Distinct names give distinct
 * directory names, and the mapping can be undone by URL-decoding. Not covered: file systems that
 * ignore case (macOS, Windows) see {@code Users} and {@code users} as one directory, and most file
 * systems refuse names longer than 255 bytes, so a cache name of more than about 80 characters
 * outside the kept ones fails when the cache opens its directory.
 */
final class CacheDirectoryName {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private CacheDirectoryName() {
  }

  /** Returns the directory name for a cache name; the name must not be empty. */
  static String of(String cacheName) {
    if (cacheName.isEmpty()) {
      throw new IllegalArgumentException("an empty cache name cannot name a directory");
    }
    StringBuilder name = new StringBuilder(cacheName.length());
    byte[] utf8 = cacheName.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      int b = utf8[i] & 0xFF;
      if (isKept(b) && !(i == 0 && b == '.')) {
        name.append((char) b);
      } else {
        name.append('%').append(HEX[b >>> 4]).append(HEX[b & 0xF]);
      }
    }
    return name.toString();
  }

  private static boolean isKept(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
        || b == '.' || b == '_' || b == '-';
  }
}

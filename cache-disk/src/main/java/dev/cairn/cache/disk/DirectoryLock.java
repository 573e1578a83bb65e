package dev.cairn.cache.disk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock that gives a disk tier's directory to one holder: an open tier, or a destroy deleting
 * it. Other processes are kept out by an OS lock on {@value #FILE_NAME}; this process by a set of
 * the directories it holds.
 *
 * <p>Why the set, and not the OS lock alone: on Linux, Java's file locks are POSIX record locks,
 * which belong to the process, and closing <em>any</em> channel the process has on the file drops
 * them all. A second {@code tryLock} from this process fails with {@link
 * OverlappingFileLockException}, but closing the channel it was tried on would silently unlock the
 * directory for other processes while the first holder still writes to it. So the set is checked
 * first, and the lock file is never opened a second time while this process holds it.
 */
final class DirectoryLock implements AutoCloseable {

  static final String FILE_NAME = "cairn.lock";

  // Real paths of the directories this process holds; added before the OS lock is tried.
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path directory;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path directory, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks an existing directory, creating the lock file owner-only if missing; returns
   * {@code null} if this process or another one holds it.
   */
  static DirectoryLock tryAcquire(Path directory) throws IOException {
    Path real = directory.toRealPath();   // two spellings of one directory share one entry
    if (!HELD.add(real)) {
      return null;
    }
    FileChannel channel = null;
    try {
      channel = DiskFiles.openOwnerOnly(real.resolve(FILE_NAME));
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException notCairn) {
        lock = null;   // locked through a channel of this process that Cairn did not open
      }
      if (lock == null) {
        channel.close();
        HELD.remove(real);
        return null;
      }
      return new DirectoryLock(real, channel, lock);
    } catch (IOException | RuntimeException e) {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      } finally {
        HELD.remove(real);
      }
      throw e;
    }
  }

  /** Releases the OS lock, then lets this process take the directory again. */
  @Override
  public void close() throws IOException {
    try {
      try {
        lock.release();
      } finally {
        channel.close();
      }
    } finally {
      HELD.remove(directory);
    }
  }
}

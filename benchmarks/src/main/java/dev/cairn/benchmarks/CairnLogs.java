package dev.cairn.benchmarks;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps Cairn's INFO lines out of JMH's output: the disk tier logs one per segment at every open,
 * which would land in the middle of JMH's iteration lines. Warnings still show.
 */
final class CairnLogs {

  // Held strongly: java.util.logging keeps only weak references to loggers, and a collected one
  // would forget its level.
  private static final Logger CAIRN = Logger.getLogger("dev.cairn");

  private CairnLogs() {
  }

  static void warningsOnly() {
    CAIRN.setLevel(Level.WARNING);
  }
}

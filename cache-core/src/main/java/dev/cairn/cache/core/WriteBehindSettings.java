package dev.cairn.cache.core;

import java.time.Duration;

/** The write-behind settings a builder collected, checked. */
record WriteBehindSettings(
    Duration flushInterval,
    int batchSize,
    int bufferCapacity,
    BackPressure backPressure,
    Duration blockTimeout,
    Duration retryInitial,
    Duration retryMax,
    Duration closeTimeout) {
}

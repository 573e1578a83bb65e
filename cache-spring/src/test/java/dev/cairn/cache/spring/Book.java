package dev.cairn.cache.spring;

import java.io.Serializable;

/** A value an application caches: its own class, so a disk tier must be allowed to read it. */
public record Book(String isbn, String title) implements Serializable {
}

package dev.cairn.cache.jcache.example;

import java.io.Serializable;

/** A cached value. */
public record User(String id, String name) implements Serializable {
}

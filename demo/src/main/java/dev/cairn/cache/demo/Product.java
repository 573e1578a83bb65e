package dev.cairn.cache.demo;

import java.io.Serializable;

/**
 * A row of the product table, as the service returns it and the cache keeps it. Serializable
 * because the cache's disk tier stores it; the cache is declared with this value type, so the disk
 * tier allows exactly this class back.
 *
 * @param id the product's key
 * @param name its name
 * @param priceCents its price in cents
 */
public record Product(long id, String name, long priceCents) implements Serializable {
}

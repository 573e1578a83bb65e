package dev.cairn.cache.demo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The system of record: the product table of an embedded H2 database.
 *
 * <p>H2 runs in this process and answers a lookup by primary key in microseconds, which would make
 * any cache look pointless. A real database sits across a network, so every query here first waits
 * {@code latency} ({@code demo.database.latency}), standing in for that round trip. The wait is
 * explicit and configurable rather than hidden in an expensive query, so the report's numbers can
 * be explained: a read without the cache costs about one latency.
 *
 * <p>Counts the reads it serves, so the demo can say how many queries the cache avoided.
 */
public class ProductRepository {

  private final JdbcClient jdbc;
  private final Duration latency;
  private final AtomicLong reads = new AtomicLong();
  private volatile long products;

  /**
   * Creates the repository over the database.
   *
   * @param latency the time every query waits first, standing in for the network
   */
  public ProductRepository(JdbcClient jdbc, Duration latency) {
    this.jdbc = jdbc;
    this.latency = latency;
  }

  /**
   * Creates the product table with ids 1 to {@code count} unless it exists; an existing table is
   * kept as it is, with the prices earlier runs wrote.
   *
   * @return the number of products in the table
   */
  public long createIfMissing(long count) {
    jdbc.sql("CREATE TABLE IF NOT EXISTS product ("
        + "id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, price_cents BIGINT NOT NULL)")
        .update();
    long existing = jdbc.sql("SELECT COUNT(*) FROM product").query(Long.class).single();
    if (existing == 0) {
      // One statement: H2 generates the rows itself, so seeding 10,000 products takes no time.
      jdbc.sql("INSERT INTO product SELECT x, 'Product ' || x, 100 + MOD(x * 7919, 10000) "
          + "FROM SYSTEM_RANGE(1, :count)").param("count", count).update();
      existing = count;
    }
    products = existing;
    return existing;
  }

  /**
   * Reads a product, after the simulated network latency.
   *
   * @throws NoSuchProductException if no product has the id
   */
  public Product find(long id) {
    awaitNetwork();
    reads.incrementAndGet();
    return jdbc.sql("SELECT id, name, price_cents FROM product WHERE id = :id")
        .param("id", id)
        .query((row, n) -> new Product(row.getLong(1), row.getString(2), row.getLong(3)))
        .optional()
        .orElseThrow(() -> new NoSuchProductException(id, products));
  }

  /**
   * Sets a product's price, after the simulated network latency.
   *
   * @throws NoSuchProductException if no product has the id
   */
  public void updatePrice(long id, long priceCents) {
    awaitNetwork();
    int updated = jdbc.sql("UPDATE product SET price_cents = :price WHERE id = :id")
        .param("price", priceCents).param("id", id).update();
    if (updated == 0) {
      throw new NoSuchProductException(id, products);
    }
  }

  /** Returns how many reads this repository has served since it was created. */
  public long reads() {
    return reads.get();
  }

  /** Returns how many products the table held when it was created or opened. */
  public long products() {
    return products;
  }

  private void awaitNetwork() {
    try {
      TimeUnit.NANOSECONDS.sleep(latency.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the database", e);
    }
  }
}

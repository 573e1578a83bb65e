package dev.cairn.cache.demo;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;

/**
 * The cached service: what a user of Cairn writes. Reads go through the {@code products} cache,
 * declared in {@code application.yml}; an update evicts the product, so the next read fetches the
 * new price from the database.
 */
public class ProductService {

  /** The cache's name, as declared under {@code cairn.cache.caches}. */
  public static final String CACHE = "products";

  private final ProductRepository repository;

  /** Creates the service over the repository. */
  public ProductService(ProductRepository repository) {
    this.repository = repository;
  }

  /** Returns the product, from the cache when it holds it. */
  @Cacheable(CACHE)
  public Product find(long id) {
    return repository.find(id);
  }

  /**
   * Sets the product's price in the database and evicts it from the cache. The key is named: by
   * default Spring would key on both parameters, a key the cache of {@code Long} keys refuses.
   */
  @CacheEvict(cacheNames = CACHE, key = "#id")
  public void updatePrice(long id, long priceCents) {
    repository.updatePrice(id, priceCents);
  }
}

package dev.cairn.cache.spring;

import javax.cache.annotation.CacheDefaults;
import javax.cache.annotation.CacheKey;
import javax.cache.annotation.CachePut;
import javax.cache.annotation.CacheRemove;
import javax.cache.annotation.CacheRemoveAll;
import javax.cache.annotation.CacheResult;
import javax.cache.annotation.CacheValue;

/** A service cached with the JSR-107 annotations, which Spring's JCache support interprets. */
@CacheDefaults(cacheName = "books")
public class Jsr107BookService {

  private final Library library;

  public Jsr107BookService(Library library) {
    this.library = library;
  }

  @CacheResult
  public Book find(String isbn) {
    return library.load(isbn);
  }

  @CachePut
  public void save(@CacheKey String isbn, @CacheValue Book book) {
  }

  @CacheRemove
  public void forget(String isbn) {
  }

  @CacheRemoveAll
  public void forgetAll() {
  }
}

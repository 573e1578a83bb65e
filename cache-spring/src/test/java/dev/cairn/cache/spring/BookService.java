package dev.cairn.cache.spring;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.Caching;

/** A service cached with Spring's annotations, over the {@link Library}. */
public class BookService {

  private final Library library;

  public BookService(Library library) {
    this.library = library;
  }

  @Cacheable("books")
  public Book find(String isbn) {
    return library.load(isbn);
  }

  @Cacheable(cacheNames = "books", sync = true)
  public Book findSynchronized(String isbn) {
    return library.load(isbn);
  }

  @CachePut(cacheNames = "books", key = "#book.isbn")
  public Book save(Book book) {
    return book;
  }

  @CacheEvict("books")
  public void forget(String isbn) {
  }

  @CacheEvict(cacheNames = "books", allEntries = true)
  public void forgetAll() {
  }

  /** Renames a book: the new value goes into books, and the title index forgets the book. */
  @Caching(put = @CachePut(cacheNames = "books", key = "#isbn"),
      evict = @CacheEvict(cacheNames = "titles", key = "#isbn"))
  public Book rename(String isbn, String title) {
    return new Book(isbn, title);
  }

  @Cacheable("titles")
  public String title(String isbn) {
    return library.load(isbn).title();
  }

  @Cacheable(cacheNames = "books", keyGenerator = "isbnKeyGenerator")
  public Book findByIsbnAnyCase(String isbn) {
    return library.load(isbn.toUpperCase(java.util.Locale.ROOT));
  }
}

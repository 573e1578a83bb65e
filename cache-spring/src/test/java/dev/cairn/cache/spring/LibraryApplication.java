package dev.cairn.cache.spring;

import java.util.Locale;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.context.annotation.Bean;

/** The application the tests start: what a user writes, and nothing more. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableCaching
public class LibraryApplication {

  @Bean
  Library library() {
    return new Library();
  }

  @Bean
  BookService bookService(Library library) {
    return new BookService(library);
  }

  @Bean
  Jsr107BookService jsr107BookService(Library library) {
    return new Jsr107BookService(library);
  }

  /** Keys books by their upper-case ISBN, so any spelling finds the same entry. */
  @Bean
  KeyGenerator isbnKeyGenerator() {
    return (target, method, params) -> "isbn:" + ((String) params[0]).toUpperCase(Locale.ROOT);
  }
}
